#!/usr/bin/env bash
# 094_big_numbers: prices so large that B * price and P * x_a overflow 64
# bits (SPEC 1: 128-bit intermediates); the results still fit int64 and
# must come out exact, with round half up and largest remainders.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql <<'SQL' >/dev/null
INSERT INTO pbr.cpa VALUES ('BIG', 'Big');
INSERT INTO pbr.pcc_area VALUES ('GA', 'Gee A', 'BIG'), ('GB', 'Gee B', 'BIG');
INSERT INTO pbr.provider VALUES ('PB', 'Provider Big');
INSERT INTO pbr.need VALUES ('HEAVY', 'heavy');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
    binary_hurdle_ppm, cohort_cap_pence, max_weight_bp, max_reject_ppm)
  VALUES ('BIGT', 500000000001, 999999999999, 0, 9000000000000000000, 30000, 0);
INSERT INTO pbr.tariff_need_uplift VALUES ('BIGT', 'HEAVY', 25000);
INSERT INTO pbr.contract VALUES ('BIGC', 'PB', 'BIG', '2024Q1', '2024Q1');
INSERT INTO pbr.contract_tariff VALUES ('BIGC', '2024Q1', 'BIGT');
INSERT INTO pbr.cohort_member VALUES
 ('BG1', '2024Q1', 'BIG', 'GA', '2024-01-01', 1000000, 1000000, 'HEAVY', 0, 'final'),
 ('BG2', '2024Q1', 'BIG', 'GB', '2024-01-01',  999999,  999999, '',      0, 'final'),
 ('BG3', '2024Q1', 'BIG', 'GA', '2024-01-01',       0,       0, '',      0, 'final');
SQL
# ---------------------------------------------------------------------------
# BG1: w = min(10000 + 25000, 30000) = 30000; b = 30000 * 10^6 = 3e10,
#      f' = 30000 * 10^6 = 3e10
# BG2: w 10000; b = f' = 10000 * 999999 = 9 999 990 000
# BG3: w 10000; all zero
# W 50000, Eb = B = 39 999 990 000, Ef = F = 39 999 990 000, Ab = Af = 0
# Pb = round(39 999 990 000 * 500 000 000 001 / 10^10)
#    = round(19 999 995 000 039 999 990 000 / 10^10)
#    = round(1 999 999 500 003.999999) = 1 999 999 500 004
# Pf = round(39 999 990 000 * 999 999 999 999 / 10^7)
#    = round(39 999 989 999 960 000 010 000 / 10^7)
#    = round(3 999 998 999 996 000.001) = 3 999 998 999 996 000
# T = 4 001 998 999 496 004 (cap 9e18 not reached)
# Attribution of Pb' over GA 3e10, GB 9 999 990 000 (sum 39 999 990 000):
#   GA: 1 999 999 500 004 * 3e10 = 59 999 985 000 120 000 000 000
#       -> 1 500 000 000 003 rem 30 000
#   GB: -> 499 999 500 000 rem 39 999 960 000; 1 left -> GB 499 999 500 001
# Attribution of Pf':
#   GA: -> 2 999 999 999 996 999 rem 39 969 990 000; GB -> 999 998 999 999 000
#   rem 30 000 000; 1 left -> GA 2 999 999 999 997 000
# ---------------------------------------------------------------------------
# First a dry run with the cap binding at a huge figure: cap
# 4 000 000 000 000 000 -> cut = 4 001 998 999 496 004 - 4e15
# = 1 998 999 496 004, all from frequency (Pf is larger):
# Pf' = 3 999 998 999 996 000 - 1 998 999 496 004 = 3 998 000 000 499 996,
# Pb' = 4e15 - Pf' = 1 999 999 500 004 (unchanged)
sql -c "UPDATE pbr.tariff SET cohort_cap_pence = 4000000000000000 WHERE version = 'BIGT'" >/dev/null
mkdir -p "$TMP/cap"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/cap" --dry-run
assert_figs "$TMP/cap/BIGC-2025Q4-draft.xml" Cohort BinaryPence=1999999500004 \
	FrequencyPence=3998000000499996 CapCutPence=1998999496004 TotalPence=4000000000000000
sql -c "UPDATE pbr.tariff SET cohort_cap_pence = 9000000000000000000 WHERE version = 'BIGT'" >/dev/null

mkdir -p "$TMP/out"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/out"
X=$TMP/out/BIGC-2025Q4-1.xml
assert_true "validates" valid_xsd "$X"
assert_figs "$X" Header/Tariff BinaryPricePence=500000000001 \
	FrequencyPricePence=999999999999 CohortCapPence=9000000000000000000
assert_figs "$X" Cohort Members=3 WeightedSize=50000 ExpectedBinary=39999990000 \
	ActualBinary=0 BinaryImprovement=39999990000 ExpectedFrequency=39999990000 \
	ActualFrequency=0 FrequencyImprovement=39999990000 BinaryHurdleMet=true \
	FrequencyGateOpen=true BinaryPence=1999999500004 FrequencyPence=3999998999996000 \
	CapCutPence=0 TotalPence=4001998999496004
assert_figs "$X" "Cohort/PccArea[@code='GA']" BinaryPence=1500000000003 \
	FrequencyPence=2999999999997000 TotalPence=3001499999997003 WeightedSize=40000
assert_figs "$X" "Cohort/PccArea[@code='GB']" BinaryPence=499999500001 \
	FrequencyPence=999998999999000 TotalPence=1000498999499001
assert_figs "$X" Summary PeriodDuePence=4001998999496004 AmountDuePence=4001998999496004
assert_eq 'BG1,GA,30000,1000000,0,1000000,0,30000000000,30000000000,ACCEPTED' \
	"$(grep '^BG1,' "$TMP/out/BIGC-2025Q4-1-annex.csv")" "annex line at the ceiling"

# a tariff used by a statement is frozen
assert_fails "changing a settled tariff" \
	sql -c "UPDATE pbr.tariff SET cohort_cap_pence = 1 WHERE version = 'BIGT'"

finish
