#!/usr/bin/env bash
# 030_run_figures: the hand-made data set (tests/data/basic_*.{sql,csv}),
# settled for period 2025Q4 (cohort 2024Q1); every figure of the statement
# is checked against the arithmetic below, worked by hand from SPEC 5.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Tariff T1: binary price 100000 p, frequency price 20000 p, hurdle 10000
# ppm, cap 10 000 000 p, weight ceiling 15000 bp, reject limit 300000 ppm.
# Uplifts: ACC 2000, SUB 3000, EMP 1250, MH none (0).
#
# Contract NORTH (CPA1: areas A1, A2, A3), cohort 2024Q1.  Rows:
#
#  ref pcc needs         w (bp)                         p      f    r y
#  M01 A1  ''            10000                          500000 1500 0 0
#  M02 A1  ACC           10000+2000 = 12000             600000 2000 2 1
#  M03 A1  SUB+SUB       10000+3000 = 13000 (once)      400000 1000 0 0
#  M04 A1  ACC+SUB+EMP   10000+2000+3000+1250 = 16250
#                        -> ceiling 15000               700000 3000 1 1
#  M05 A2  MH            10000+0 = 10000                300000  500 0 0
#  M06 A2  ACC+EMP       10000+2000+1250 = 13250        550000 2500 3 1
#  M07 A2  ''            10000                          450005 1200 0 0
#  M08 A2  SUB+MH+EMP    10000+3000+0+1250 = 14250      650000 2001 0 0
#  R09 A1  ACC+XYZ       rejected UNKNOWN_NEED (XYZ is no need)
#  R10 B1  ''            rejected PCC_OUTSIDE_CPA (B1 is in CPA2)
#  (S01 is CPA2's, N01 is cohort 2024Q2 and 'pending': neither counts here)
#
# Per member: w*p | w*y*10^6 | w*f | w*r*1000
#  M01  5 000 000 000 |              0 | 15 000 000 |          0
#  M02  7 200 000 000 | 12 000 000 000 | 24 000 000 | 24 000 000
#  M03  5 200 000 000 |              0 | 13 000 000 |          0
#  M04 10 500 000 000 | 15 000 000 000 | 45 000 000 | 15 000 000
#  M05  3 000 000 000 |              0 |  5 000 000 |          0
#  M06  7 287 500 000 | 13 250 000 000 | 33 125 000 | 39 750 000
#  M07  4 500 050 000 |              0 | 12 000 000 |          0
#  M08  9 262 500 000 |              0 | 28 514 250 |          0
#
# A1 (M01-M04): n 4, W = 10000+12000+13000+15000 = 50000
#   Eb = 5.0e9+7.2e9+5.2e9+10.5e9 = 27 900 000 000, Ab = 27 000 000 000,
#   B = 900 000 000; Ef = 97 000 000, Af = 39 000 000, F = 58 000 000
# A2 (M05-M08): n 4, W = 10000+13250+10000+14250 = 47500
#   Eb = 3 000 000 000+7 287 500 000+4 500 050 000+9 262 500 000
#      = 24 050 050 000, Ab = 13 250 000 000, B = 10 800 050 000
#   Ef = 5 000 000+33 125 000+12 000 000+28 514 250 = 78 639 250,
#   Af = 39 750 000, F = 38 889 250
# A3: no members, all zeros.
# Cohort: n 8, rejected 2, W 97500, Eb 51 950 050 000, Ab 40 250 000 000,
#   B 11 700 050 000, Ef 175 639 250, Af 78 750 000, F 96 889 250
# Hurdle: B > 0 and B >= 10000 * 97500 = 975 000 000: met.
# Pb = round(11 700 050 000 * 100000 / 10^10) = round(117 000.5) = 117 001
#      (exactly half a penny: rounds up)
# Gate: B >= 0 and F > 0: open.
# Pf = round(96 889 250 * 20000 / 10^7) = round(193 778.5) = 193 779
#      (exactly half a penny again)
# Cap 10 000 000 not reached: cut 0, T = 117 001 + 193 779 = 310 780.
#
# Attribution of Pb' = 117 001 by max(B_a, 0): A1 900 000 000,
# A2 10 800 050 000, A3 0; sum 11 700 050 000.
#   A1: 117001 * 900 000 000 = 105 300 900 000 000
#       = 9000 * 11 700 050 000 + 450 000 000  -> 9000 rem 450 000 000
#   A2: 117001 * 10 800 050 000 = 1 263 616 650 050 000
#       = 108 000 * 11 700 050 000 + 11 250 050 000 -> 108 000 rem 11 250 050 000
#   1 penny left -> largest remainder A2: A1 9000, A2 108 001, A3 0.
# Attribution of Pf' = 193 779 by max(F_a, 0): A1 58 000 000,
# A2 38 889 250; sum 96 889 250.
#   A1: 193779 * 58 000 000 = 11 239 182 000 000
#       = 116 000 * 96 889 250 + 29 000 000   -> 116 000 rem 29 000 000
#   A2: 193779 * 38 889 250 = 7 535 919 975 750
#       = 77 778 * 96 889 250 + 67 889 250    -> 77 778 rem 67 889 250
#   1 penny left -> A2: A1 116 000, A2 77 779, A3 0.
#   Totals: A1 125 000, A2 185 780, A3 0 (sum 310 780).
#
# Needs bands (distinct codes; SUB+SUB is 1):
#   0   : M01, M07          n 2, W 20000, Eb 9 500 050 000, Ab 0,
#                           B 9 500 050 000, Ef 27 000 000, Af 0, F 27 000 000
#   1-2 : M02, M03, M05, M06  n 4, W 12000+13000+10000+13250 = 48250,
#         Eb 7.2e9+5.2e9+3.0e9+7.2875e9 = 22 687 500 000,
#         Ab 12e9+13.25e9 = 25 250 000 000, B = -2 562 500 000,
#         Ef 24e6+13e6+5e6+33.125e6 = 75 125 000, Af 24e6+39.75e6 = 63 750 000,
#         F = 11 375 000
#   3+  : M04, M08          n 2, W 29250, Eb 19 762 500 000, Ab 15 000 000 000,
#         B 4 762 500 000, Ef 73 514 250, Af 15 000 000, F 58 514 250
#
# Contract SOUTH (CPA2: B1), one member S01: w 10000, p 500000, f 1000, r 0:
#   W 10000, Eb 5e9, Ab 0, B 5e9 >= 10000*10000: Pb = 5e9/10^5 = 50 000;
#   Ef 10 000 000, Af 0, F 10 000 000: Pf = 10^7*20000/10^7 = 20 000; T 70 000.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
OUT=$TMP/out
X=$OUT/NORTH-2025Q4-1.xml
ANNEX=$OUT/NORTH-2025Q4-1-annex.csv
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# The engine writes into an existing --out directory.
mkdir -p "$TMP/draft" "$OUT" "$TMP/south"

# ---- the dry run first: DRAFT files, nothing recorded ----------------------
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/draft" --dry-run
D=$TMP/draft/NORTH-2025Q4-draft.xml
assert_true "draft statement written" test -s "$D"
assert_true "draft annex written" test -s "$TMP/draft/NORTH-2025Q4-draft-annex.csv"
assert_true "SOUTH draft written" test -s "$TMP/draft/SOUTH-2025Q4-draft.xml"
assert_eq DRAFT "$(sx "$D" Header/Status)" "draft Status"
assert_eq 0 "$(sx "$D" Header/RunId)" "draft RunId"
assert_eq 310780 "$(sx "$D" Cohort/TotalPence)" "draft TotalPence"
assert_true "draft validates against the XSD" valid_xsd "$D"
assert_eq 0 "$(ledger)" "dry run records nothing"
assert_eq 5 "$(find "$TMP/draft" -type f | wc -l)" "dry run writes 2 files per contract and the unassigned list"
assert_true "no FINAL file in a dry run" test ! -e "$TMP/draft/NORTH-2025Q4-1.xml"

# ---- the run -----------------------------------------------------------------
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
[ -s "$X" ] || die "no statement $X (files: $(ls "$OUT" 2>&1))"
assert_true "statement validates against schemas/statement.xsd" valid_xsd "$X"
assert_true "SOUTH statement validates" valid_xsd "$OUT/SOUTH-2025Q4-1.xml"
assert_eq 6 "$(find "$OUT" -type f | wc -l)" "two statements, two annexes, the run manifest and the unassigned list"
assert_true "the annex of the dry run equals the final one" \
	cmp -s "$ANNEX" "$TMP/draft/NORTH-2025Q4-draft-annex.csv"

# header
assert_figs "$X" Header StatementId=NORTH-2025Q4-1 Status=FINAL Kind=ORIGINAL \
	Period=2025Q4 CohortQuarter=2024Q1
assert_eq "Provider One" "$(sx "$X" Header/Provider)" "Provider name"
assert_eq P1 "$(sx "$X" Header/Provider/@id)" "Provider@id"
assert_eq NORTH "$(sx "$X" Header/Contract/@id)" "Contract@id"
assert_eq CPA1 "$(sx "$X" Header/Contract/@cpa)" "Contract@cpa"
assert_eq 0 "$(xcount "$X" /SettlementStatement/Header/Supersedes)" "no Supersedes"
assert_eq T1 "$(sx "$X" Header/Tariff/@version)" "Tariff@version"
assert_figs "$X" Header/Tariff Description="test tariff one" \
	BinaryPricePence=100000 FrequencyPricePence=20000 BinaryHurdlePpm=10000 \
	CohortCapPence=10000000 MaxWeightBp=15000 MaxRejectPpm=300000
uplifts=$(xmllint --xpath "$(to_local /SettlementStatement/Header/Tariff/NeedUplift)" "$X" 2>/dev/null |
	grep -o 'need="[^"]*" bp="[^"]*"' | tr '\n' ' ')
assert_eq 'need="ACC" bp="2000" need="EMP" bp="1250" need="SUB" bp="3000" ' \
	"$uplifts" "NeedUplift rows, by need code"
version=$("$PBR" --version | awk '{ print $NF }')
assert_eq "$version" "$(sx "$X" Header/EngineVersion)" "EngineVersion is --version's"
assert_eq SHA-256 "$(sx "$X" Header/InputDigest/@algorithm)" "InputDigest@algorithm"
assert_eq SHA-256 "$(sx "$X" Header/AnnexDigest/@algorithm)" "AnnexDigest@algorithm"
assert_match '^[0-9a-f]{64}$' "$(sx "$X" Header/InputDigest)" "InputDigest is hex"
assert_eq "$(sha256sum <"$ANNEX" | cut -d' ' -f1)" "$(sx "$X" Header/AnnexDigest)" \
	"AnnexDigest is the annex's SHA-256"
assert_match '^[1-9][0-9]*$' "$(sx "$X" Header/RunId)" "RunId of a FINAL statement"
assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' \
	"$(sx "$X" Header/CreatedAt)" "CreatedAt is UTC"

# cohort
assert_eq 2024Q1 "$(sx "$X" Cohort/@quarter)" "Cohort@quarter"
assert_figs "$X" Cohort Members=8 Rejected=2 WeightedSize=97500 \
	ExpectedBinary=51950050000 ActualBinary=40250000000 \
	BinaryImprovement=11700050000 ExpectedFrequency=175639250 \
	ActualFrequency=78750000 FrequencyImprovement=96889250 \
	BinaryHurdleMet=true FrequencyGateOpen=true BinaryPence=117001 \
	FrequencyPence=193779 CapCutPence=0 TotalPence=310780

# PCC areas: all three of CPA1, by code, the empty one with zeros
assert_eq "A1 A2 A3" "$(xmllint --xpath "$(to_local /SettlementStatement/Cohort/PccArea)/@code" "$X" 2>/dev/null |
	grep -o '"[^"]*"' | tr -d '"' | paste -sd' ' -)" "PccArea codes in order"
assert_eq "Area One" "$(sx "$X" "Cohort/PccArea[@code='A1']/@name")" "PccArea@name"
assert_figs "$X" "Cohort/PccArea[@code='A1']" Members=4 WeightedSize=50000 \
	ExpectedBinary=27900000000 ActualBinary=27000000000 \
	BinaryImprovement=900000000 ExpectedFrequency=97000000 \
	ActualFrequency=39000000 FrequencyImprovement=58000000 \
	BinaryPence=9000 FrequencyPence=116000 TotalPence=125000
assert_figs "$X" "Cohort/PccArea[@code='A2']" Members=4 WeightedSize=47500 \
	ExpectedBinary=24050050000 ActualBinary=13250000000 \
	BinaryImprovement=10800050000 ExpectedFrequency=78639250 \
	ActualFrequency=39750000 FrequencyImprovement=38889250 \
	BinaryPence=108001 FrequencyPence=77779 TotalPence=185780
assert_figs "$X" "Cohort/PccArea[@code='A3']" Members=0 WeightedSize=0 \
	ExpectedBinary=0 ActualBinary=0 BinaryImprovement=0 ExpectedFrequency=0 \
	ActualFrequency=0 FrequencyImprovement=0 BinaryPence=0 FrequencyPence=0 \
	TotalPence=0
assert_eq 0 "$(xcount "$X" "/SettlementStatement/Cohort/PccArea[@code='B1']")" \
	"no PccArea of another CPA"
assert_eq 0 "$(xcount "$X" "/SettlementStatement/Cohort/PccArea/Rejected")" \
	"PccArea carries no Rejected"

# needs bands
assert_eq "0 1-2 3+" "$(xmllint --xpath "$(to_local /SettlementStatement/Cohort/NeedsBand)/@band" "$X" 2>/dev/null |
	grep -o '"[^"]*"' | tr -d '"' | paste -sd' ' -)" "NeedsBand bands in order"
assert_figs "$X" "Cohort/NeedsBand[@band='0']" Members=2 WeightedSize=20000 \
	ExpectedBinary=9500050000 ActualBinary=0 BinaryImprovement=9500050000 \
	ExpectedFrequency=27000000 ActualFrequency=0 FrequencyImprovement=27000000
assert_figs "$X" "Cohort/NeedsBand[@band='1-2']" Members=4 WeightedSize=48250 \
	ExpectedBinary=22687500000 ActualBinary=25250000000 \
	BinaryImprovement=-2562500000 ExpectedFrequency=75125000 \
	ActualFrequency=63750000 FrequencyImprovement=11375000
assert_figs "$X" "Cohort/NeedsBand[@band='3+']" Members=2 WeightedSize=29250 \
	ExpectedBinary=19762500000 ActualBinary=15000000000 \
	BinaryImprovement=4762500000 ExpectedFrequency=73514250 \
	ActualFrequency=15000000 FrequencyImprovement=58514250

# rejects: all six codes in SPEC order
assert_eq "BAD_PREDICTION BAD_OUTCOME UNKNOWN_NEED PCC_OUTSIDE_CPA WRONG_QUARTER DUPLICATE" \
	"$(xmllint --xpath "$(to_local /SettlementStatement/Rejects/Reason)/@code" "$X" 2>/dev/null |
		grep -o '"[^"]*"' | tr -d '"' | paste -sd' ' -)" "Reason codes in order"
assert_rejects "$X" 0 0 1 1 0 0

# no reconciliation for a Q1 cohort; the summary
assert_eq 0 "$(xcount "$X" /SettlementStatement/AnnualReconciliation)" \
	"no AnnualReconciliation for a Q1 cohort"
assert_figs "$X" Summary PeriodDuePence=310780 AmountDuePence=310780
assert_eq 0 "$(xcount "$X" /SettlementStatement/Summary/PreviousTotalPence)" \
	"no PreviousTotalPence in an original"

# ---- the annex ---------------------------------------------------------------
cat >"$TMP/annex.expected" <<'CSV'
offender_ref,pcc_code,weight_bp,p,y,f,r,binary_contribution,frequency_contribution,status
M01,A1,10000,500000,0,1500,0,5000000000,15000000,ACCEPTED
M02,A1,12000,600000,1,2000,2,-4800000000,0,ACCEPTED
M03,A1,13000,400000,0,1000,0,5200000000,13000000,ACCEPTED
M04,A1,15000,700000,1,3000,1,-4500000000,30000000,ACCEPTED
M05,A2,10000,300000,0,500,0,3000000000,5000000,ACCEPTED
M06,A2,13250,550000,1,2500,3,-5962500000,-6625000,ACCEPTED
M07,A2,10000,450005,0,1200,0,4500050000,12000000,ACCEPTED
M08,A2,14250,650000,0,2001,0,9262500000,28514250,ACCEPTED
R09,A1,,500000,,1000,0,,,UNKNOWN_NEED
R10,B1,,500000,,1000,0,,,PCC_OUTSIDE_CPA
CSV
if cmp -s "$TMP/annex.expected" "$ANNEX"; then
	assert_true "annex is exactly as worked out" true
else
	fail "annex differs from the hand-worked one:"
	diff "$TMP/annex.expected" "$ANNEX" | sed 's/^/    /'
fi
assert_eq 11700050000 "$(annex_sum "$ANNEX" binary_contribution)" \
	"annex binary_contribution over ACCEPTED = B"
assert_eq 96889250 "$(annex_sum "$ANNEX" frequency_contribution)" \
	"annex frequency_contribution over ACCEPTED = F"
assert_eq "$(sx "$X" Cohort/BinaryImprovement)" "$(annex_sum "$ANNEX" binary_contribution)" \
	"annex sums to the statement's B"
assert_eq "$(sx "$X" Cohort/FrequencyImprovement)" "$(annex_sum "$ANNEX" frequency_contribution)" \
	"annex sums to the statement's F"

# ---- SOUTH -------------------------------------------------------------------
S=$OUT/SOUTH-2025Q4-1.xml
assert_eq P2 "$(sx "$S" Header/Provider/@id)" "SOUTH provider"
assert_figs "$S" Cohort Members=1 Rejected=0 WeightedSize=10000 \
	ExpectedBinary=5000000000 ActualBinary=0 BinaryImprovement=5000000000 \
	ExpectedFrequency=10000000 ActualFrequency=0 FrequencyImprovement=10000000 \
	BinaryHurdleMet=true FrequencyGateOpen=true BinaryPence=50000 \
	FrequencyPence=20000 CapCutPence=0 TotalPence=70000
assert_figs "$S" "Cohort/PccArea[@code='B1']" Members=1 BinaryPence=50000 \
	FrequencyPence=20000 TotalPence=70000
assert_rejects "$S" 0 0 0 0 0 0

# ---- the ledger, and a re-run with unchanged inputs ----------------------------
assert_eq 2 "$(ledger)" "two ledger rows"
cp "$X" "$TMP/first.xml"
cp "$ANNEX" "$TMP/first-annex.csv"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
assert_true "re-run rewrites a byte-identical statement" cmp -s "$TMP/first.xml" "$X"
assert_true "re-run rewrites a byte-identical annex" cmp -s "$TMP/first-annex.csv" "$ANNEX"
assert_eq 2 "$(ledger)" "re-run records nothing new"
assert_true "no seq 2 after a re-run" test ! -e "$OUT/NORTH-2025Q4-2.xml"

# --contract selects one
assert_exit 0 "$PBR" run --period 2025Q4 --contract SOUTH --out "$TMP/south" --dry-run
assert_true "--contract SOUTH writes SOUTH" test -s "$TMP/south/SOUTH-2025Q4-draft.xml"
assert_true "--contract SOUTH does not write NORTH" test ! -e "$TMP/south/NORTH-2025Q4-draft.xml"
mkdir -p "$TMP/both"
assert_exit 0 "$PBR" run --period 2025Q4 --contract SOUTH --contract NORTH --out "$TMP/both" --dry-run
assert_eq 5 "$(find "$TMP/both" -type f | wc -l)" "--contract twice: both contracts (and the unassigned list)"
assert_true "--contract twice: same NORTH annex" \
	cmp -s "$ANNEX" "$TMP/both/NORTH-2025Q4-draft-annex.csv"

finish
