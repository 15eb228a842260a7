#!/usr/bin/env bash
# 720_run_manifest: SPEC 7, issue 11 #4.  The console table has a true-up
# column and a total line (statements, sum of AmountDuePence); every run
# that issues or reissues statements writes <period>-run.xml: the run id,
# the count, the control sum of AmountDuePence and, per statement, its id,
# kind, PeriodDuePence, AmountDuePence and SHA-256, plus the count of
# unassigned rows; valid against schemas/manifest.xsd (xmllint) and signed
# like a statement (xmlsec1 --verify).  A re-run that only reissues writes
# the same bytes.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MXSD=$SRCDIR/schemas/manifest.xsd
mx() { xp "$1" "/RunManifest/$2"; }
# ms FILE ID FIELD: a field of the manifest's Stmt with that StatementId
ms() {
	xmllint --xpath "string(/*[local-name()='RunManifest']/*[local-name()='Stmt'][*[local-name()='StatementId']='$2']/*[local-name()='$3'])" "$1" 2>/dev/null
}
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=finance" \
	-keyout "$TMP/k.pem" -out "$TMP/c.pem" >/dev/null 2>&1 || die "openssl failed"
SIGN=(--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem")

# ---------------------------------------------------------------------------
# Part 1, tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4:
#   AUD T 105 000 (worked in 100_signing), AUD2 T 90 000; originals, so
#   AmountDue = PeriodDue = T.  Count 2, control sum 195 000.
# Then A04's reoffence_count 0 -> 1: y = 1, b = 10000 * (300000 - 10^6)
#   = -7 000 000 000 instead of +3 000 000 000, so B = 2 900 000 000 - 10^10
#   = -7 100 000 000 < 0: no binary payment and the frequency gate shuts:
#   T 0.  The restatement AUD-2025Q4-2 has PeriodDue 0, AmountDue
#   0 - 105 000 = -105 000; AUD2 is reissued unchanged (90 000).
#   Control sum -105 000 + 90 000 = -15 000.
# ---------------------------------------------------------------------------
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
M=$OUT/2025Q4-run.xml

assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" "${SIGN[@]}"
cp "$LAST_OUT" "$TMP/console1"
assert_true "manifest written" test -s "$M"
assert_exit 0 xmllint --noout --schema "$MXSD" "$M"
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$M"
assert_eq "$(q "SELECT max(run_id) FROM pbr.settlement")" "$(mx "$M" GrpHdr/RunId)" "RunId is the run's"
assert_eq 2025Q4 "$(mx "$M" GrpHdr/Period)" "Period"
assert_eq 2 "$(mx "$M" GrpHdr/NbOfStmts)" "NbOfStmts"
assert_eq 195000 "$(mx "$M" GrpHdr/CtrlSumPence)" "CtrlSumPence = 105 000 + 90 000"
assert_eq 0 "$(mx "$M" GrpHdr/UnassignedRows)" "UnassignedRows"
assert_eq "AUD-2025Q4-1 AUD2-2025Q4-1" "$(xmllint --xpath "//*[local-name()='Stmt']/*[local-name()='StatementId']/text()" "$M" | paste -sd' ')" \
	"statements listed in contract order"
for id in AUD-2025Q4-1 AUD2-2025Q4-1; do
	assert_eq "$(sha256sum <"$OUT/$id.xml" | cut -d' ' -f1)" \
		"$(ms "$M" "$id" Sha256)" "$id: Sha256 is the file's (sha256sum)"
	assert_eq "$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '$id'")" \
		"$(ms "$M" "$id" Sha256)" "$id: Sha256 is the ledger's statement digest"
	assert_eq ORIGINAL "$(ms "$M" "$id" Kind)" "$id: Kind"
done
assert_eq 105000 "$(ms "$M" AUD-2025Q4-1 AmountDuePence)" "AUD AmountDuePence"
assert_eq 105000 "$(ms "$M" AUD-2025Q4-1 PeriodDuePence)" "AUD PeriodDuePence"
assert_eq 90000 "$(ms "$M" AUD2-2025Q4-1 AmountDuePence)" "AUD2 AmountDuePence"
# console: a true-up column, "-" outside a reconciliation, and the total line
assert_match 'true-up' "$(head -1 "$TMP/console1")" "header has a true-up column"
assert_match '^AUD +5 +7 +290\.00 +760\.00 +1050\.00 +- +1050\.00 ' "$(grep '^AUD ' "$TMP/console1")" "AUD line"
assert_match '^total +7 +7 +1950\.00 +2 statements$' "$(grep '^total' "$TMP/console1")" \
	"total line: members, rejected, sum of amounts due, count"

# a re-run reissues: the same manifest, byte for byte
cp "$M" "$TMP/m1"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" "${SIGN[@]}"
assert_true "re-run: manifest byte-identical" cmp -s "$M" "$TMP/m1"

# a restatement
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" "${SIGN[@]}" --restate --reason "A04 convicted"
cp "$LAST_OUT" "$TMP/console2"
assert_exit 0 xmllint --noout --schema "$MXSD" "$M"
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$M"
assert_eq 2 "$(mx "$M" GrpHdr/NbOfStmts)" "restatement run: NbOfStmts"
assert_eq -15000 "$(mx "$M" GrpHdr/CtrlSumPence)" "control sum -105 000 + 90 000"
assert_eq RESTATEMENT "$(ms "$M" AUD-2025Q4-2 Kind)" "AUD-2025Q4-2 Kind"
assert_eq 0 "$(ms "$M" AUD-2025Q4-2 PeriodDuePence)" "restated PeriodDuePence"
assert_eq -105000 "$(ms "$M" AUD-2025Q4-2 AmountDuePence)" "restated AmountDuePence"
assert_eq "$(q "SELECT run_id FROM pbr.settlement WHERE statement_id = 'AUD-2025Q4-2'")" \
	"$(mx "$M" GrpHdr/RunId)" "header RunId: the restating run"
assert_eq "$(q "SELECT run_id FROM pbr.settlement WHERE statement_id = 'AUD2-2025Q4-1'")" \
	"$(ms "$M" AUD2-2025Q4-1 RunId)" "reissued AUD2 keeps the run that issued it"
assert_match '^total +7 +7 +-150\.00 +2 statements$' "$(grep '^total' "$TMP/console2")" "total line after the restatement"
# a tampered manifest fails both checks
sed 's#<CtrlSumPence>-15000<#<CtrlSumPence>-15001<#' "$M" >"$TMP/bad.xml"
assert_fails "xmlsec1 rejects a changed control sum" xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$TMP/bad.xml"
# a dry run writes no manifest
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/draft" --dry-run
assert_true "dry run: no manifest" test ! -e "$TMP/draft/2025Q4-run.xml"
assert_match '^total .* 2 drafts$' "$(grep '^total' "$LAST_OUT")" "dry run: total line counts drafts"

# ---------------------------------------------------------------------------
# Part 2, the true-up: tests/data/audit_year_ref.sql + audit_topup.csv,
# contract TOPUP (worked in 130_annual_topup): the 2024 reconciliation in
# period 2026Q3 has T 65 001, TrueUp 101 000, PeriodDue = AmountDue 166 001.
# ---------------------------------------------------------------------------
Y=${PGDATABASE}_year
createdb "$Y" || die "createdb $Y"
PGDATABASE=$Y migrate
PGDATABASE=$Y sql_file "$DATA/audit_year_ref.sql"
PGDATABASE=$Y load_csv "$DATA/audit_topup.csv"
mkdir -p "$TMP/year"
for p in 2025Q4 2026Q1 2026Q2; do
	assert_exit 0 env PGDATABASE="$Y" "$PBR" run --unsigned --contract TOPUP --period "$p" --out "$TMP/year"
	assert_match '^TOPUP .* - +[0-9.]+ ' "$(grep '^TOPUP' "$LAST_OUT")" "$p: no true-up (-)"
done
assert_exit 0 env PGDATABASE="$Y" "$PBR" run --unsigned --contract TOPUP --period 2026Q3 --out "$TMP/year"
assert_match '^TOPUP +3 +0 +400\.01 +250\.00 +650\.01 +1010\.00 +1660\.01 ' "$(grep '^TOPUP' "$LAST_OUT")" \
	"2026Q3: T 650.01, true-up 1010.00, amount due 1660.01"
assert_match '^total +3 +0 +1660\.01 +1 statement$' "$(grep '^total' "$LAST_OUT")" "2026Q3 total line"
YM=$TMP/year/2026Q3-run.xml
assert_exit 0 xmllint --noout --schema "$MXSD" "$YM"
assert_eq 166001 "$(mx "$YM" GrpHdr/CtrlSumPence)" "reconciliation: control sum 166 001"
assert_eq 166001 "$(ms "$YM" TOPUP-2026Q3-1 PeriodDuePence)" "reconciliation: PeriodDuePence 166 001"
assert_eq 0 "$(xcount "$YM" //Signature)" "--unsigned: manifest unsigned too"
dropdb "$Y" 2>/dev/null
finish
