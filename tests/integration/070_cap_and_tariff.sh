#!/usr/bin/env bash
# 070_cap_and_tariff: the tariff in force switches at a Q1 (cohort 2023Q4 on
# the old tariff, 2024Q1 on the new); the cohort cap binds, cutting frequency
# first and then binary; the hurdle at and just above its boundary; B = 0
# (no binary payment, frequency gate open); B < 0 (gate closed); ties in the
# largest-remainder attribution go to the lower PCC code.  Data:
# tests/data/cap_ref.sql.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/cap_ref.sql"

# =============================================================================
# Tariff switch, contract SW (CPA9).  Each cohort: two members, both ACC,
# p 500000, f 1000, r 0, one in X1 and one in X2.
#
# Cohort 2023Q4 (period 2023Q4 + 7 = 2025Q3), tariff OLD (from 2023Q1):
#   w = min(10000 + 5000, 20000) = 15000 each, W = 30000
#   Eb = 2 * 15000 * 500000 = 15 000 000 000, Ab 0, B 15 000 000 000
#   Ef = 2 * 15000 * 1000 = 30 000 000, Af 0, F 30 000 000
#   Pb = 15e9 * 100000 / 10^10 = 150 000; Pf = 3e7 * 20000 / 10^7 = 60 000
#   T = 210 000.  Per area: Pb 75 000, Pf 30 000, T 105 000.
#   It is a Q4 cohort: the 2023 reconciliation pools the cohorts of 2023 in
#   the contract's range, only 2023Q4: k 1, cap 10 000 000, entitlement
#   210 000, previously paid 0, true-up 210 000 - (0 + 210 000) = 0.
# Cohort 2024Q1 (period 2025Q4), tariff NEW (from 2024Q1; LATER is from 2025Q1):
#   w = min(10000 + 3000, 12000) = 12000 each, W = 24000
#   Eb = 2 * 12000 * 500000 = 12 000 000 000, B 12 000 000 000
#   Ef = 2 * 12000 * 1000 = 24 000 000, F 24 000 000
#   Pb = 12e9 * 200000 / 10^10 = 240 000; Pf = 24e6 * 10000 / 10^7 = 24 000
#   T = 264 000.  Per area: Pb 120 000, Pf 12 000, T 132 000.
# =============================================================================
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('S1', '2023Q4', 'CPA9', 'X1', '2023-10-02', 500000, 1000, 'ACC', 0, 'final'),
 ('S2', '2023Q4', 'CPA9', 'X2', '2023-12-30', 500000, 1000, 'ACC', 0, 'final'),
 ('S3', '2024Q1', 'CPA9', 'X1', '2024-01-02', 500000, 1000, 'ACC', 0, 'final'),
 ('S4', '2024Q1', 'CPA9', 'X2', '2024-03-30', 500000, 1000, 'ACC', 0, 'final');
SQL
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q3 --contract SW --out "$OUT"
X=$OUT/SW-2025Q3-1.xml
assert_true "SW 2025Q3 validates" valid_xsd "$X"
assert_eq OLD "$(sx "$X" Header/Tariff/@version)" "cohort 2023Q4: tariff OLD"
assert_eq 2023Q4 "$(sx "$X" Header/CohortQuarter)" "period 2025Q3 settles cohort 2023Q4"
assert_figs "$X" Header/Tariff BinaryPricePence=100000 MaxWeightBp=20000
assert_figs "$X" Cohort Members=2 WeightedSize=30000 ExpectedBinary=15000000000 \
	ActualBinary=0 BinaryImprovement=15000000000 ExpectedFrequency=30000000 \
	ActualFrequency=0 FrequencyImprovement=30000000 BinaryHurdleMet=true \
	FrequencyGateOpen=true BinaryPence=150000 FrequencyPence=60000 \
	CapCutPence=0 TotalPence=210000
for a in X1 X2; do
	assert_figs "$X" "Cohort/PccArea[@code='$a']" BinaryPence=75000 \
		FrequencyPence=30000 TotalPence=105000
done
assert_eq 2023 "$(sx "$X" AnnualReconciliation/@year)" "AnnualReconciliation@year"
assert_figs "$X" AnnualReconciliation Cohorts=1 Members=2 WeightedSize=30000 \
	BinaryImprovement=15000000000 FrequencyImprovement=30000000 \
	BinaryHurdleMet=true FrequencyGateOpen=true CapPence=10000000 \
	BinaryPence=150000 FrequencyPence=60000 CapCutPence=0 \
	EntitlementPence=210000 PreviouslyPaidPence=0 TrueUpPence=0
assert_figs "$X" Summary PeriodDuePence=210000 AmountDuePence=210000

assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract SW --out "$OUT"
X=$OUT/SW-2025Q4-1.xml
assert_true "SW 2025Q4 validates" valid_xsd "$X"
assert_eq NEW "$(sx "$X" Header/Tariff/@version)" "cohort 2024Q1: tariff NEW"
assert_figs "$X" Header/Tariff BinaryPricePence=200000 FrequencyPricePence=10000 \
	MaxWeightBp=12000
assert_eq 'need="ACC" bp="3000"' \
	"$(xmllint --xpath "$(to_local /SettlementStatement/Header/Tariff/NeedUplift)" "$X" 2>/dev/null |
		grep -o 'need="[^"]*" bp="[^"]*"' | paste -sd' ' -)" "NEW's uplifts"
assert_figs "$X" Cohort Members=2 WeightedSize=24000 ExpectedBinary=12000000000 \
	BinaryImprovement=12000000000 ExpectedFrequency=24000000 \
	FrequencyImprovement=24000000 BinaryPence=240000 FrequencyPence=24000 \
	CapCutPence=0 TotalPence=264000
assert_eq 0 "$(xcount "$X" /SettlementStatement/AnnualReconciliation)" \
	"no reconciliation for a Q1 cohort"
assert_eq "15000 15000" "$(tail -n +2 "$OUT/SW-2025Q3-1-annex.csv" | cut -d, -f3 | paste -sd' ' -)" \
	"OLD weights in the 2023Q4 annex"
assert_eq "12000 12000" "$(tail -n +2 "$OUT/SW-2025Q4-1-annex.csv" | cut -d, -f3 | paste -sd' ' -)" \
	"NEW weights (at the ceiling) in the 2024Q1 annex"
# the ledger names the tariff
assert_eq "SW-2025Q3-1|OLD SW-2025Q4-1|NEW" \
	"$(q "SELECT statement_id || '|' || tariff_version FROM pbr.settlement
	        ORDER BY statement_id" | paste -sd' ' -)" "ledger tariff versions"

# Cohort 2024Q2 of SW (period 2026Q1) has no rows at all: refused as a
# missing feed (SPEC 3); with --allow-empty a statement of zeros, every PCC
# area listed.
mkdir -p "$TMP/empty"
assert_exit 65 "$PBR" run --period 2026Q1 --contract SW --out "$TMP/empty" --dry-run
assert_exit 0 "$PBR" run --period 2026Q1 --contract SW --out "$TMP/empty" --dry-run --allow-empty
X=$TMP/empty/SW-2026Q1-draft.xml
assert_true "empty cohort statement validates" valid_xsd "$X"
assert_figs "$X" Cohort Members=0 Rejected=0 WeightedSize=0 BinaryImprovement=0 \
	FrequencyImprovement=0 BinaryHurdleMet=false FrequencyGateOpen=false TotalPence=0
assert_eq 2 "$(xcount "$X" /SettlementStatement/Cohort/PccArea)" "both PCC areas listed"
assert_eq 1 "$(wc -l <"$TMP/empty/SW-2026Q1-draft-annex.csv")" "annex: the header only"

# =============================================================================
# Cap, contract CAP (CPA8), tariff CAPT: cap 100 001.  All dry runs (the
# tariff is changed between them; a settled tariff is frozen).
#
# Cohort 2024Q1 (period 2025Q4): Y1 and Y2 each w 10000, p 300000,
#   f 1250, r 0.  B = 2 * 10000 * 300000 = 6 000 000 000, W 20000;
#   F = 2 * 10000 * 1250 = 25 000 000.
#   Pb = 6e9 * 100000 / 10^10 = 60 000; Pf = 25e6 * 20000 / 10^7 = 50 000
#   Pb + Pf = 110 000 > cap 100 001: T 100 001, cut 9 999, all from
#   frequency: Pf' = 50 000 - 9 999 = 40 001, Pb' = 100 001 - 40 001 = 60 000.
#   Attribution, equal areas: Pb' 60 000 -> 30 000 each (no remainder);
#   Pf' 40 001 -> 20 000 each, remainders equal (40 001 * 12.5e6 mod 25e6 =
#   12.5e6 each): the 1 penny goes to the lower code Y1:
#   Y1 30 000 + 20 001 = 50 001, Y2 30 000 + 20 000 = 50 000.
# =============================================================================
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('C1', '2024Q1', 'CPA8', 'Y1', '2024-02-02', 300000, 1250, '', 0, 'final'),
 ('C2', '2024Q1', 'CPA8', 'Y2', '2024-02-02', 300000, 1250, '', 0, 'final');
SQL
run_cap() { # PERIOD LABEL -> sets X
	mkdir -p "$TMP/$1-$2"
	assert_exit 0 "$PBR" run --period "$1" --contract CAP --out "$TMP/$1-$2" --dry-run
	X=$TMP/$1-$2/CAP-$1-draft.xml
	assert_true "CAP $1 ($2) validates" valid_xsd "$X"
}
run_cap 2025Q4 cap
assert_figs "$X" Cohort WeightedSize=20000 BinaryImprovement=6000000000 \
	FrequencyImprovement=25000000 BinaryHurdleMet=true FrequencyGateOpen=true \
	BinaryPence=60000 FrequencyPence=40001 CapCutPence=9999 TotalPence=100001
assert_figs "$X" "Cohort/PccArea[@code='Y1']" BinaryPence=30000 FrequencyPence=20001 \
	TotalPence=50001
assert_figs "$X" "Cohort/PccArea[@code='Y2']" BinaryPence=30000 FrequencyPence=20000 \
	TotalPence=50000
assert_figs "$X" Summary PeriodDuePence=100001 AmountDuePence=100001

# The hurdle on its boundary: B >= hurdle * W  <=>  6e9 >= h * 20000
#   h = 300000: 6e9 >= 6e9: met (same figures as above)
sql -c "UPDATE pbr.tariff SET binary_hurdle_ppm = 300000 WHERE version = 'CAPT'" >/dev/null
run_cap 2025Q4 h300000
assert_figs "$X" Cohort BinaryHurdleMet=true BinaryPence=60000 FrequencyPence=40001 \
	TotalPence=100001
#   h = 300001: 6e9 < 6 000 020 000: not met, Pb 0; the gate is still open
#   (B >= 0, F > 0): Pf 50 000, under the cap: T 50 000, cut 0.
#   Areas: Pf 50 000 by F 12.5e6 each -> 25 000 each.
sql -c "UPDATE pbr.tariff SET binary_hurdle_ppm = 300001 WHERE version = 'CAPT'" >/dev/null
run_cap 2025Q4 h300001
assert_figs "$X" Cohort BinaryHurdleMet=false FrequencyGateOpen=true BinaryPence=0 \
	FrequencyPence=50000 CapCutPence=0 TotalPence=50000
assert_figs "$X" "Cohort/PccArea[@code='Y1']" BinaryPence=0 FrequencyPence=25000 \
	TotalPence=25000
assert_eq 300001 "$(sx "$X" Header/Tariff/BinaryHurdlePpm)" "BinaryHurdlePpm in the header"
sql -c "UPDATE pbr.tariff SET binary_hurdle_ppm = 0 WHERE version = 'CAPT'" >/dev/null

# =============================================================================
# Cohort 2024Q2 (period 2026Q1): the cut is larger than frequency.
#   Y1, Y2 each w 10000, p 750000, f 500, r 0.
#   B = 2 * 10000 * 750000 = 15 000 000 000 -> Pb = 150 000
#   F = 2 * 10000 * 500 = 10 000 000 -> Pf = 10e6 * 20000 / 10^7 = 20 000
#   170 000 > 100 001: T 100 001, cut 69 999; Pf' = 20 000 - min(69 999,
#   20 000) = 0; Pb' = 100 001 - 0 = 100 001.
#   Attribution: Pb' 100 001 over equal B: 50 000 each, remainders equal,
#   the penny to Y1: Y1 50 001, Y2 50 000; Pf' 0.
# =============================================================================
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('C3', '2024Q2', 'CPA8', 'Y2', '2024-05-05', 750000, 500, '', 0, 'final'),
 ('C4', '2024Q2', 'CPA8', 'Y1', '2024-05-05', 750000, 500, '', 0, 'final');
SQL
run_cap 2026Q1 cut
assert_figs "$X" Cohort BinaryImprovement=15000000000 FrequencyImprovement=10000000 \
	BinaryPence=100001 FrequencyPence=0 CapCutPence=69999 TotalPence=100001
assert_figs "$X" "Cohort/PccArea[@code='Y1']" BinaryPence=50001 FrequencyPence=0 \
	TotalPence=50001
assert_figs "$X" "Cohort/PccArea[@code='Y2']" BinaryPence=50000 FrequencyPence=0 \
	TotalPence=50000

# =============================================================================
# Cohort 2024Q3 (period 2026Q2): B exactly 0.
#   C5 Y1: w 10000, p 500000, r 0, f 2000: b +5e9, f-contribution +20e6
#   C6 Y2: w 10000, p 500000, r 1, f 2000: b 5e9 - 1e10 = -5e9,
#          f-contribution 20e6 - 10e6 = +10e6
#   B = 0: hurdle not met (needs B > 0); gate open (B >= 0, F = 30e6 > 0).
#   Pb 0; Pf = 30e6 * 20000 / 10^7 = 60 000; T 60 000, cut 0.
#   Attribution of Pf' by max(F_a, 0): Y1 20e6, Y2 10e6 -> 40 000 / 20 000.
# =============================================================================
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('C5', '2024Q3', 'CPA8', 'Y1', '2024-08-08', 500000, 2000, '', 0, 'final'),
 ('C6', '2024Q3', 'CPA8', 'Y2', '2024-08-08', 500000, 2000, '', 1, 'final');
SQL
run_cap 2026Q2 bzero
assert_figs "$X" Cohort ActualBinary=10000000000 BinaryImprovement=0 \
	FrequencyImprovement=30000000 BinaryHurdleMet=false FrequencyGateOpen=true \
	BinaryPence=0 FrequencyPence=60000 CapCutPence=0 TotalPence=60000
assert_figs "$X" "Cohort/PccArea[@code='Y1']" BinaryImprovement=5000000000 \
	BinaryPence=0 FrequencyPence=40000 TotalPence=40000
assert_figs "$X" "Cohort/PccArea[@code='Y2']" BinaryImprovement=-5000000000 \
	BinaryPence=0 FrequencyPence=20000 TotalPence=20000

# =============================================================================
# Cohort 2025Q1 (period 2026Q4): B < 0 closes the frequency gate.
#   C7 Y1: w 10000, p 100000, r 1, f 5000: b 1e9 - 1e10 = -9e9,
#          f-contribution 50e6 - 10e6 = 40e6
#   C8 Y2: w 10000, p 0, r 0, f 0: 0 and 0
#   B = -9e9, F = 40e6 > 0, but B < 0: gate closed, hurdle not met, T 0.
# =============================================================================
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('C7', '2025Q1', 'CPA8', 'Y1', '2025-01-01', 100000, 5000, '', 1, 'final'),
 ('C8', '2025Q1', 'CPA8', 'Y2', '2025-03-31', 0, 0, '', 0, 'final');
SQL
run_cap 2026Q4 bneg
assert_figs "$X" Cohort BinaryImprovement=-9000000000 FrequencyImprovement=40000000 \
	BinaryHurdleMet=false FrequencyGateOpen=false BinaryPence=0 FrequencyPence=0 \
	CapCutPence=0 TotalPence=0
for a in Y1 Y2; do
	assert_figs "$X" "Cohort/PccArea[@code='$a']" BinaryPence=0 FrequencyPence=0 \
		TotalPence=0
done
assert_figs "$X" Summary PeriodDuePence=0 AmountDuePence=0

finish
