#!/usr/bin/env bash
# 190_verify_db_change: `pbr-settle verify` recomputes a statement from the
# database (SPEC 9); after a cohort row changes, the old statement no longer
# verifies: exit 1, and stdout lists the input digest and every figure that
# differs (file value, recomputed value).  Restoring the row makes it verify
# again; verify itself changes nothing.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Data: tests/data/audit_ref.sql + audit_cohort.csv, contract AUD, period
# 2025Q4.  As settled (worked in 100_signing):
#   Ab 22 000 000 000, B 2 900 000 000, Af 32 000 000, F 38 000 000,
#   Pb 29 000, Pf 76 000, T 105 000.
#   By area: B_U1 = 5e9 - 4.8e9 - 5.5e9 = -5 300 000 000, B_U2 = 5.2e9 + 3e9
#   = 8 200 000 000: U2 gets all of Pb; F_U1 = 15e6 + 12e6 - 10e6 = 17 000 000,
#   F_U2 = 13e6 + 8e6 = 21 000 000: Pf 76 000 * 17/38 = 34 000 to U1, 42 000
#   to U2 (exact).  Totals U1 34 000, U2 71 000.
# The change: A04 (U2, w 10000, p 300000, f 800) reoffence_count 0 -> 1:
#   b 3e9 -> 10000 * (300000 - 10^6) = -7e9; fc 8e6 -> 10000 * (800 - 1000) = -2e6
#   Ab 32 000 000 000, B -7 100 000 000: hurdle missed, gate shut: Pb 0, Pf 0
#   Af 42 000 000, F 28 000 000; T 0; U2's B -1 800 000 000, total 0.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
X=$OUT/AUD-2025Q4-1.xml
[ -s "$X" ] || die "no statement $X"
assert_figs "$X" Cohort TotalPence=105000 ActualBinary=22000000000 BinaryImprovement=2900000000
assert_fig "$X" "Cohort/PccArea[@code='U1']/TotalPence" 34000
assert_fig "$X" "Cohort/PccArea[@code='U2']/TotalPence" 71000
assert_exit 0 "$PBR" verify --allow-unsigned "$X"
assert_match 'verified' "$(cat "$LAST_OUT")" "verifies as settled"
cp "$X" "$TMP/x.copy"
ledger_dump() { q "SELECT statement_id, run_id, statement_digest FROM pbr.settlement ORDER BY 1"; }
before=$(ledger_dump)
digest=$(sx "$X" Header/InputDigest)

sql -c "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 1 "$PBR" verify --allow-unsigned "$X"
V=$(cat "$LAST_OUT")
printf '%s\n' "$V" | grep MISMATCH | sed 's/^/    /'
assert_match "MISMATCH .*InputDigest: file $digest, recomputed [0-9a-f]{64}" "$V" "lists the input digest difference"
assert_match 'MISMATCH .*AnnexDigest' "$V" "lists the annex digest difference"
assert_match 'MISMATCH .*/Cohort/ActualBinary: file 22000000000, recomputed 32000000000' "$V" "lists ActualBinary"
assert_match 'MISMATCH .*/Cohort/BinaryImprovement: file 2900000000, recomputed -7100000000' "$V" "lists BinaryImprovement"
assert_match 'MISMATCH .*/Cohort/ActualFrequency: file 32000000, recomputed 42000000' "$V" "lists ActualFrequency"
assert_match 'MISMATCH .*/Cohort/FrequencyImprovement: file 38000000, recomputed 28000000' "$V" "lists FrequencyImprovement"
assert_match 'MISMATCH .*/Cohort/BinaryHurdleMet: file true, recomputed false' "$V" "lists BinaryHurdleMet"
assert_match 'MISMATCH .*/Cohort/FrequencyGateOpen: file true, recomputed false' "$V" "lists FrequencyGateOpen"
assert_match 'MISMATCH .*/Cohort/BinaryPence: file 29000, recomputed 0' "$V" "lists BinaryPence"
assert_match 'MISMATCH .*/Cohort/FrequencyPence: file 76000, recomputed 0' "$V" "lists FrequencyPence"
assert_match 'MISMATCH .*/Cohort/TotalPence: file 105000, recomputed 0' "$V" "lists TotalPence"
assert_match 'MISMATCH .*PccArea\[U2\]/TotalPence: file 71000, recomputed 0' "$V" "lists PccArea U2 TotalPence"
assert_match 'MISMATCH .*PccArea\[U1\]/TotalPence: file 34000, recomputed 0' "$V" "lists PccArea U1 TotalPence"
assert_match 'MISMATCH .*Summary/PeriodDuePence: file 105000, recomputed 0' "$V" "lists PeriodDuePence"
assert_match 'MISMATCH .*Summary/AmountDuePence: file 105000, recomputed 0' "$V" "lists AmountDuePence"
assert_eq 0 "$(printf '%s\n' "$V" | grep -c 'MISMATCH.*/Cohort/Members:')" "Members (5) not listed: unchanged"
assert_eq 0 "$(printf '%s\n' "$V" | grep -c 'MISMATCH.*/Cohort/WeightedSize:')" "WeightedSize not listed: unchanged"
assert_eq 0 "$(printf '%s\n' "$V" | grep -c 'MISMATCH.*PccArea\[U1\]/BinaryImprovement')" "U1's sums not listed: unchanged"
assert_eq 0 "$(printf '%s\n' "$V" | grep -c 'MISMATCH.*signature\|MISMATCH.*ledger\|MISMATCH.*annex ')" \
	"the file itself is still the recorded one (no signature/ledger/annex-file mismatch)"
n=$(printf '%s\n' "$V" | grep -c '^MISMATCH')
assert_match "$n differences" "$V" "stdout counts the $n differences"
assert_one_line "$LAST_ERR" "one line on stderr"
assert_match 'does not verify' "$(cat "$LAST_ERR")" "stderr says it does not verify"
assert_eq "$before" "$(ledger_dump)" "verify changed nothing in the ledger"
assert_true "verify changed nothing in the file" cmp -s "$X" "$TMP/x.copy"
# AUD2 is another CPA: still verifies
assert_exit 0 "$PBR" verify --allow-unsigned "$OUT/AUD2-2025Q4-1.xml"

# ---- a rejected row changes: only the digests differ -------------------------------
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 0 "$PBR" verify --allow-unsigned "$X"
sql -c "UPDATE pbr.cohort_member SET needs = 'SUB++ACC' WHERE offender_ref = 'R04'" >/dev/null
assert_exit 1 "$PBR" verify --allow-unsigned "$X"
assert_match 'MISMATCH .*InputDigest' "$(cat "$LAST_OUT")" "rejected row changed: InputDigest listed"
assert_eq 0 "$(grep -c 'MISMATCH.*Pence' "$LAST_OUT")" "rejected row changed: no money figure listed"
sql -c "UPDATE pbr.cohort_member SET needs = 'ACC++SUB' WHERE offender_ref = 'R04'" >/dev/null

# ---- a row added (members 5 -> 6), then removed ---------------------------------------
sql -c "INSERT INTO pbr.cohort_member VALUES ('A09', '2024Q1', 'CPAU', 'U1', '2024-02-09', 500000, 1000, '', 0, 'final')" >/dev/null
assert_exit 1 "$PBR" verify --allow-unsigned "$X"
assert_match 'MISMATCH .*/Cohort/Members: file 5, recomputed 6' "$(cat "$LAST_OUT")" "added row: Members listed"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'A09'" >/dev/null

# ---- restored: verifies again --------------------------------------------------------
assert_exit 0 "$PBR" verify --allow-unsigned "$X"
assert_match 'verified' "$(cat "$LAST_OUT")" "inputs restored: verifies again"

# ---- the tariff in force changed -----------------------------------------------------
sql -c "UPDATE pbr.contract_tariff SET tariff_version = 'TU2' WHERE contract_id = 'AUD'" >/dev/null
assert_exit 1 "$PBR" verify --allow-unsigned "$X"
assert_match 'MISMATCH .*Tariff@version: file TU, recomputed TU2' "$(cat "$LAST_OUT")" "tariff version difference listed"
assert_match 'MISMATCH .*BinaryPricePence: file 100000, recomputed 200000' "$(cat "$LAST_OUT")" "tariff price difference listed"

finish
