#!/usr/bin/env bash
# 090_reconciliation: settling the Q4 cohort of a year pools the cohorts of
# that year (SPEC 6): refused while an earlier quarter has no statement in
# force (exit 65, naming the period to settle first); then the pooled sums,
# k * cap, the entitlement, PreviouslyPaidPence and a negative true-up
# (clawback) and the resulting AmountDuePence.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
# ---------------------------------------------------------------------------
# Contract NORTH, tariff T1 (Pb = B / 10^5, Pf = F / 500, hurdle 10000 ppm,
# cap 10 000 000 per cohort).  One member per cohort of 2024, no needs
# (w 10000), so b = 10000 * (p - y * 10^6), f' = 10000 * (f - r * 1000):
#
#  cohort  period  p       f     r  B          F        Pb     Pf     T
#  2024Q1  2025Q4  500000  1000  0   5e9       1e7      50000  20000  70000
#  2024Q2  2026Q1  200000  1000  1  -8e9       0        0      0      0
#          (hurdle needs B > 0; gate needs B >= 0 and F > 0: both fail)
#  2024Q3  2026Q2  600000  2000  0   6e9       2e7      60000  40000  100000
#  2024Q4  2026Q3  400000   500  0   4e9       5e6      40000  10000  50000
#
# Pool of 2024 (k = 4): n 4, W 40000,
#   Eb = 10000 * (500000+200000+600000+400000) = 17 000 000 000
#   Ab = 10000 * 10^6 (the 2024Q2 member) = 10 000 000 000, B = 7 000 000 000
#   Ef = 10000 * (1000+1000+2000+500) = 45 000 000
#   Af = 10000 * 1 * 1000 = 10 000 000, F = 35 000 000
#   hurdle: 7e9 >= 10000 * 40000 = 4e8: met; Pb = 7e9 / 10^5 = 70 000
#   gate open; Pf = 35e6 / 500 = 70 000; cap 4 * 10 000 000 = 40 000 000
#   entitlement 140 000, cut 0
# PreviouslyPaid = T(Q1) + T(Q2) + T(Q3) = 70 000 + 0 + 100 000 = 170 000
# true-up = 140 000 - (170 000 + 50 000) = -80 000 (clawback)
# PeriodDue = T + true-up = 50 000 - 80 000 = -30 000 = AmountDue
#           (= entitlement - previously paid = 140 000 - 170 000)
# ---------------------------------------------------------------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('R1', '2024Q1', 'CPA1', 'A1', '2024-02-01', 500000, 1000, '', 0, 'final'),
 ('R2', '2024Q2', 'CPA1', 'A1', '2024-05-01', 200000, 1000, '', 1, 'final'),
 ('R3', '2024Q3', 'CPA1', 'A2', '2024-08-01', 600000, 2000, '', 0, 'final'),
 ('R4', '2024Q4', 'CPA1', 'A2', '2024-11-01', 400000,  500, '', 0, 'final');
SQL
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/early" "$TMP/early2"
run_north() { assert_exit "$1" "$PBR" run --unsigned --period "$2" --contract NORTH --out "${3:-$OUT}"; }

# Q4 before the rest: refused, naming the first period to settle
run_north 65 2026Q3 "$TMP/early"
assert_one_line "$LAST_ERR" "reconciliation refused: one line"
assert_match '2025Q4' "$(cat "$LAST_ERR")" "names period 2025Q4 (cohort 2024Q1) to settle first"
assert_empty_dir "$TMP/early" "nothing written"
run_north 0 2025Q4
run_north 0 2026Q1
run_north 65 2026Q3 "$TMP/early2"
assert_match '2026Q2' "$(cat "$LAST_ERR")" "names period 2026Q2 (cohort 2024Q3) to settle first"
assert_empty_dir "$TMP/early2" "nothing written"
# a dry run of the Q4 is refused as well
mkdir -p "$TMP/early3"
assert_exit 65 "$PBR" run --period 2026Q3 --contract NORTH --out "$TMP/early3" --dry-run
run_north 0 2026Q2

assert_fig "$OUT/NORTH-2025Q4-1.xml" Cohort/TotalPence 70000
assert_figs "$OUT/NORTH-2026Q1-1.xml" Cohort BinaryImprovement=-8000000000 \
	FrequencyImprovement=0 BinaryHurdleMet=false FrequencyGateOpen=false TotalPence=0
assert_fig "$OUT/NORTH-2026Q2-1.xml" Cohort/TotalPence 100000
for p in 2025Q4 2026Q1 2026Q2; do
	assert_eq 0 "$(xcount "$OUT/NORTH-$p-1.xml" /SettlementStatement/AnnualReconciliation)" \
		"$p: no reconciliation"
done

run_north 0 2026Q3
X=$OUT/NORTH-2026Q3-1.xml
assert_true "Q4 statement validates" valid_xsd "$X"
assert_figs "$X" Cohort Members=1 BinaryImprovement=4000000000 \
	FrequencyImprovement=5000000 BinaryPence=40000 FrequencyPence=10000 TotalPence=50000
assert_eq 2024 "$(sx "$X" AnnualReconciliation/@year)" "AnnualReconciliation@year"
assert_figs "$X" AnnualReconciliation Cohorts=4 Members=4 WeightedSize=40000 \
	ExpectedBinary=17000000000 ActualBinary=10000000000 BinaryImprovement=7000000000 \
	ExpectedFrequency=45000000 ActualFrequency=10000000 FrequencyImprovement=35000000 \
	BinaryHurdleMet=true FrequencyGateOpen=true CapPence=40000000 BinaryPence=70000 \
	FrequencyPence=70000 CapCutPence=0 EntitlementPence=140000 \
	PreviouslyPaidPence=170000 TrueUpPence=-80000
assert_figs "$X" Summary PeriodDuePence=-30000 AmountDuePence=-30000
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement WHERE statement_id = 'NORTH-2026Q3-1'
                   AND period_due_pence = -30000 AND amount_due_pence = -30000
                   AND total_pence = 50000")" "ledger row of the Q4"

# a re-run of the reconciliation period with unchanged inputs is identical
cp "$X" "$TMP/q4.xml"
run_north 0 2026Q3
assert_true "re-run of the Q4: byte-identical" cmp -s "$TMP/q4.xml" "$X"
assert_eq 4 "$(q "SELECT count(*) FROM pbr.settlement")" "four ledger rows"

finish
