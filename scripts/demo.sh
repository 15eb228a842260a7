#!/usr/bin/env bash
# demo.sh BUILD_DIR - the whole path on a synthetic data set: a private
# cluster under BUILD_DIR/demo, migrations, 200 000 demo rows, the twelve
# monthly fee statements of 2024 (SPEC 11), four quarterly settlements
# (the fourth with the annual reconciliation), signed statements checked
# three ways, and HTML/CSV reports.  Safe to run again:
# the same data settle to the same, already recorded statements.
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
PBR=$BUILD/pbr-settle
DEMO=$BUILD/demo
OUT=$DEMO/statements
REPORTS=$DEMO/reports
KEYS=$DEMO/keys
MEMBERS=${PBR_DEMO_MEMBERS:-200000}
PERIODS=(2025Q4 2026Q1 2026Q2 2026Q3)

stop() { "$SRC/tests/cluster.sh" stop "$DEMO" >/dev/null 2>&1 || true; }
trap stop EXIT

mkdir -p "$DEMO"
# DEMO/env names the demo's database (PGHOST, PGPORT, PGUSER=postgres,
# PGDATABASE=pbr_demo), so that what the demo prints works as printed
echo pbr_demo >"$DEMO/dbname"
"$SRC/tests/cluster.sh" start "$DEMO" >/dev/null
# shellcheck disable=SC1091
. "$DEMO/env"
psql -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'pbr_demo'" | grep -q 1 ||
	createdb pbr_demo

echo "== migrate"
"$PBR" migrate
echo "== demo data ($MEMBERS rows, seed 1)"
"$PBR" demo-data --members "$MEMBERS" --seed 1

mkdir -p "$OUT" "$REPORTS" "$KEYS"
if [ ! -f "$KEYS/signing-key.pem" ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-subj "/CN=pbr-settle demo signing key" \
		-keyout "$KEYS/signing-key.pem" -out "$KEYS/signing-cert.pem" 2>/dev/null
	chmod 600 "$KEYS/signing-key.pem"
fi

# The whole contract (SPEC 11): the twelve monthly fee statements of 2024,
# the year of the cohorts settled below.  December's volume reconciliation
# gives the PbR pot that caps the 2024 annual PbR reconciliation (2026Q3).
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	echo "== settle month 2024-$m (fee for service, service credits, advance)"
	"$PBR" run --month "2024-$m" --out "$OUT" \
		--sign-key "$KEYS/signing-key.pem" --sign-cert "$KEYS/signing-cert.pem" | tail -1
done

for p in "${PERIODS[@]}"; do
	echo "== settle period $p"
	"$PBR" run --period "$p" --out "$OUT" \
		--sign-key "$KEYS/signing-key.pem" --sign-cert "$KEYS/signing-cert.pem"
done

echo "== check every statement: XSD (xmllint), signature (xmlsec1), figures (pbr-settle verify)"
n=0
for f in "$OUT"/*Q[1-4]-[0-9]*.xml; do
	xmllint --noout --schema "$SRC/schemas/statement.xsd" "$f" 2>/dev/null
	xmlsec1 --verify --pubkey-cert-pem "$KEYS/signing-cert.pem" "$f" >/dev/null 2>&1
	"$PBR" verify "$f" --cert "$KEYS/signing-cert.pem" >/dev/null
	"$PBR" report "$f" --format html --out "$REPORTS/$(basename "$f" .xml).html" --cert "$KEYS/signing-cert.pem"
	"$PBR" report "$f" --format csv --out "$REPORTS/$(basename "$f" .xml).csv"
	n=$((n + 1))
done
echo "$n statements valid, signed and re-derived from the database"
n=0
for f in "$OUT"/*-20[0-9][0-9]-[01][0-9]-[0-9]*.xml; do
	xmllint --noout --schema "$SRC/schemas/monthly.xsd" "$f" 2>/dev/null
	xmlsec1 --verify --pubkey-cert-pem "$KEYS/signing-cert.pem" "$f" >/dev/null 2>&1
	"$PBR" verify "$f" --cert "$KEYS/signing-cert.pem" >/dev/null
	"$PBR" report "$f" --format html --out "$REPORTS/$(basename "$f" .xml).html" --cert "$KEYS/signing-cert.pem"
	"$PBR" report "$f" --format csv --out "$REPORTS/$(basename "$f" .xml).csv"
	n=$((n + 1))
done
echo "$n monthly statements valid, signed and re-derived from the database"

echo "== contract years 2024: the year's money month by month against the MAP"
if "$PBR" report --contract-year CRC01 2024 --format html --out "$REPORTS/contract-year-CRC01-2024.html" 2>/dev/null; then
	for c in CRC05 CRC15 CRC18; do
		"$PBR" report --contract-year "$c" 2024 --format html --out "$REPORTS/contract-year-$c-2024.html"
	done
	echo "  $REPORTS/contract-year-CRC*-2024.html (CRC05 volume far below plan, CRC18 above,"
	echo "   CRC15 MAP binding the PbR reconciliation)"
else
	echo "  (this build has no report --contract-year; the monthly statements are in $OUT)"
fi

echo "== PCC views (every statement in force for one PCC area)"
for pcc in GMP MET; do
	"$PBR" report --pcc "$pcc" --from "${PERIODS[0]}" --to "${PERIODS[3]}" --format html --out "$REPORTS/pcc-$pcc.html"
	"$PBR" report --pcc "$pcc" --from "${PERIODS[0]}" --to "${PERIODS[3]}" --format csv --out "$REPORTS/pcc-$pcc.csv"
	echo "  $REPORTS/pcc-$pcc.html"
done

echo "== index of every statement (amount due and verdict, signatures checked)"
"$PBR" report --index "$OUT" --out "$REPORTS/index.html" --cert "$KEYS/signing-cert.pem"
"$PBR" report --index "$OUT" --format csv --out "$REPORTS/index.csv" --cert "$KEYS/signing-cert.pem"
echo "  $REPORTS/index.html"

echo "== what if the binary price were 10 % higher? (simulate, records nothing)"
sed 's/^binary_price_pence *=.*/binary_price_pence = 319000/; s/^version *=.*/version = T2024-DRAFT/' \
	"$SRC/tests/data/demo_draft.tariff" >"$DEMO/draft.tariff"
"$PBR" simulate --period "${PERIODS[0]}" --tariff "$DEMO/draft.tariff" 2>/dev/null | awk 'NR <= 2 || $2 == "ALL"'

echo
echo "Statements:  $OUT"
echo "Reports:     $REPORTS/index.html  (every statement, its amount due and verdict; open in a browser)"
echo "PCC views:   $REPORTS/pcc-GMP.html, $REPORTS/pcc-MET.html"
echo "Signing key: $KEYS/signing-cert.pem (demo only)"
echo "The cluster is stopped now.  To look at the ledger, start it again and"
echo "use the demo's environment (PGHOST, PGPORT, PGUSER, PGDATABASE):"
echo "  $SRC/tests/cluster.sh start $DEMO && . $DEMO/env && $PBR history"
echo "  $SRC/tests/cluster.sh stop $DEMO"
