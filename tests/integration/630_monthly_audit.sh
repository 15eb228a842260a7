#!/usr/bin/env bash
# 630_monthly_audit: the audit trail of monthly statements (SPEC 11.4 by
# way of SPEC 7).  A re-run with unchanged returns rewrites byte-identical
# files and records nothing; a changed return is refused (65) until
# --restate --reason, which supersedes the statement and carries
# Supersedes, Reason and PreviousPeriodDuePence with AmountDuePence the
# difference; a dry run of a settled month is shaped as a restatement;
# a signed statement passes xmlsec1 and verify --cert; verify names a
# figure the database no longer supports; --no-wait exits 75 on a held
# lock; the terms freeze once the month is settled.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/again" "$TMP/draft" "$TMP/signed"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
mx() { xp "$1" "/MonthlyStatement/$2"; }

# NORTH 2025-03 as in 610: PeriodDue 91 500 (Ffs 95 000, K2 breached 4 500,
# K3 waived, advance 1 000).
q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-03', 'CO', 40), ('NORTH', '2025-03', 'LICENCE', 20),
     ('NORTH', '2025-03', 'SSO', 10);
   INSERT INTO pbr.kpi_return VALUES ('NORTH', '2025-03', 'K1', 9, 10), ('NORTH', '2025-03', 'K2', 74, 100),
     ('NORTH', '2025-03', 'K4', 0, 0);
   INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-03', 'K3', 'provider feed outage', 'PCC board')" >/dev/null

assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" --unsigned
X=$OUT/NORTH-2025-03-1.xml
assert_eq 91500 "$(mx "$X" Summary/PeriodDuePence)" "original PeriodDue"
sum1=$(sha256sum "$X" "$OUT/NORTH-2025-03-1-annex.csv" | cut -d' ' -f1)

# ---- unchanged: byte-identical, nothing recorded ----------------------------------
assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$TMP/again" --unsigned
assert_match "unchanged, reissued" "$(cat "$LAST_OUT")" "console says unchanged"
assert_eq "$sum1" "$(sha256sum "$TMP/again/NORTH-2025-03-1.xml" "$TMP/again/NORTH-2025-03-1-annex.csv" | cut -d' ' -f1)" \
	"re-run: statement and annex byte-identical"
assert_eq 1 "$(ledger)" "re-run records nothing"
# a lost file is reissued from the ledger, byte for byte
rm "$X"
assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" --unsigned
assert_eq "$sum1" "$(sha256sum "$X" "$OUT/NORTH-2025-03-1-annex.csv" | cut -d' ' -f1)" "a lost statement is reissued byte for byte"

# ---- the terms are frozen now ---------------------------------------------------------
assert_fails "March's terms frozen" q "UPDATE pbr.kpi_term SET credit_pence = 1 WHERE contract_id = 'NORTH' AND kpi_code = 'K2'"

# ---- a changed return --------------------------------------------------------------
# K2 corrected to 75/100: on its target, MET.  Credit 0, PeriodDue 96 000.
q "UPDATE pbr.kpi_return SET numerator = 75 WHERE contract_id = 'NORTH' AND month = '2025-03' AND kpi_code = 'K2'" >/dev/null
assert_exit 1 "$PBR" verify "$X" --allow-unsigned
assert_match "MISMATCH .*ServiceCredits/Kpi\[K2\]/Status: file BREACHED, recomputed MET" "$(cat "$LAST_OUT")" \
	"verify names the KPI whose status the database no longer supports"
assert_match "MISMATCH .*Summary/PeriodDuePence: file 91500, recomputed 96000" "$(cat "$LAST_OUT")" \
	"verify names the period due"
assert_exit 65 "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" --unsigned
assert_one_line "$LAST_ERR" "changed inputs: one line"
assert_match "inputs of contract NORTH month 2025-03 changed since NORTH-2025-03-1.*--restate --reason" "$(cat "$LAST_ERR")" \
	"changed inputs refused, naming the statement in force"
assert_eq 1 "$(ledger)" "refused: nothing recorded"

# the draft of a settled month is shaped as a restatement
assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$TMP/draft" --dry-run
D=$TMP/draft/NORTH-2025-03-draft.xml
assert_eq "RESTATEMENT|NORTH-2025-03-1|91500|4500" \
	"$(mx "$D" Header/Kind)|$(mx "$D" Header/Supersedes)|$(mx "$D" Summary/PreviousPeriodDuePence)|$(mx "$D" Summary/AmountDuePence)" \
	"draft: a restatement of the statement in force, amount due 96 000 - 91 500"
assert_true "draft validates" xmllint --noout --schema "$SRCDIR/schemas/monthly.xsd" "$D"

assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" --unsigned --restate --reason "K2 return corrected by the provider"
R=$OUT/NORTH-2025-03-2.xml
assert_match "NORTH-2025-03-2.xml \(restated\)" "$(cat "$LAST_OUT")" "console: restated"
assert_eq RESTATEMENT "$(mx "$R" Header/Kind)" "Kind"
assert_eq NORTH-2025-03-1 "$(mx "$R" Header/Supersedes)" "Supersedes"
assert_eq "K2 return corrected by the provider" "$(mx "$R" Header/Reason)" "Reason"
assert_eq 96000 "$(mx "$R" Summary/PeriodDuePence)" "PeriodDue: 95 000 - 0 + 1 000"
assert_eq 91500 "$(mx "$R" Summary/PreviousPeriodDuePence)" "PreviousPeriodDue"
assert_eq 4500 "$(mx "$R" Summary/AmountDuePence)" "AmountDue: 96 000 - 91 500"
assert_eq 96000 "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE contract_id = 'NORTH' AND period = '2025-03'")" \
	"the chain's amounts due sum to the latest PeriodDue"
assert_eq NORTH-2025-03-2 "$(q "SELECT statement_id FROM pbr.statement_in_force WHERE period = '2025-03'")" "the restatement is in force"
assert_exit 0 "$PBR" verify "$R" --allow-unsigned
assert_exit 0 "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" --unsigned --restate --reason "again"
assert_match "nothing to restate" "$(cat "$LAST_ERR")" "restating unchanged inputs changes nothing"
assert_eq 2 "$(ledger)" "... and records nothing"

# ---- signed -----------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=finance" \
	-keyout "$TMP/f.key" -out "$TMP/f.crt" >/dev/null 2>&1 || die "openssl"
q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-04', 'CO', 1)" >/dev/null
assert_exit 0 "$PBR" run --month 2025-04 --contract NORTH --out "$TMP/signed" --sign-key "$TMP/f.key" --sign-cert "$TMP/f.crt"
S=$TMP/signed/NORTH-2025-04-1.xml
assert_true "xmlsec1 verifies the signed monthly statement" \
	xmlsec1 --verify --pubkey-cert-pem "$TMP/f.crt" "$S"
assert_exit 0 "$PBR" verify "$S" --cert "$TMP/f.crt"
sed 's/<FfsPence>95000</<FfsPence>95001</' "$S" >"$TMP/tampered.xml"
assert_fails "xmlsec1 rejects a changed figure" \
	xmlsec1 --verify --pubkey-cert-pem "$TMP/f.crt" "$TMP/tampered.xml"
assert_exit 1 "$PBR" verify "$TMP/tampered.xml" --cert "$TMP/f.crt"

# ---- locks ------------------------------------------------------------------------
# the lock of (NORTH, 2025-05): key hashtext('pbr-settle-month:NORTH'), month index 2025*12 + 4 = 24304
q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-05', 'CO', 1)" >/dev/null
FIFO=$TMP/holder.fifo
mkfifo "$FIFO"
psql -X -q -v ON_ERROR_STOP=1 <"$FIFO" >"$TMP/holder.out" 2>&1 &
HOLDER=$!
exec 8>"$FIFO"
printf "SELECT pg_advisory_lock(hashtext('pbr-settle-month:' || 'NORTH'), 24304);\n" >&8
held=0
for _ in $(seq 1 100); do
	if [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 24304 AND granted")" = 1 ]; then
		held=1
		break
	fi
	sleep 0.1
done
[ "$held" -eq 1 ] || die "the psql session did not take the lock"
mkdir -p "$TMP/nowait"
assert_exit 75 "$PBR" run --month 2025-05 --contract NORTH --out "$TMP/nowait" --unsigned --no-wait
assert_match "contract NORTH month 2025-05 is being settled by another run" "$(cat "$LAST_ERR")" "--no-wait names contract and month"
assert_empty_dir "$TMP/nowait" "--no-wait: nothing written"
"$PBR" run --month 2025-05 --contract NORTH --out "$TMP/nowait" --unsigned >"$TMP/waiter.out" 2>&1 &
WAITER=$!
sleep 1
assert_eq 0 "$(q "SELECT count(*) FROM pbr.settlement WHERE period = '2025-05'")" "a plain run waits for the lock"
printf "SELECT pg_advisory_unlock_all();\n" >&8
exec 8>&-
wait "$HOLDER"
wait "$WAITER"
assert_eq 0 "$?" "the waiting run completes once the lock is free"
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement WHERE period = '2025-05'")" "... and records its statement"
finish
