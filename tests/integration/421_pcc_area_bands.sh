#!/usr/bin/env bash
# 421_pcc_area_bands: the PCC view's needs bands per area (issue 11 #15),
# on the hand-made data set of 030 (tests/data/basic_*), period 2025Q4.
# Every figure is worked by hand below from 030's member table; the bands
# add up exactly to the area's figures in the statement.  A regulator's
# login (no offender rows) and rows changed after settlement get the view
# without the bands, and are told why.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Area A1 of contract NORTH (030): four members, weights under tariff T1.
#
#  ref needs         distinct band  w      p       f    r y
#  M01 ''            0        0     10000  500000  1500 0 0
#  M02 ACC           1        1-2   12000  600000  2000 2 1
#  M03 SUB+SUB       1        1-2   13000  400000  1000 0 0
#  M04 ACC+SUB+EMP   3        3+    15000  700000  3000 1 1
#
# Band 0   (M01):     n 1, W 10000, Eb 5 000 000 000, Ab 0,
#                     Ef 15 000 000, Af 0; B 5 000 000 000, F 15 000 000
#                     V = 10000^2 * 500000 * 500000 = 25 000 000 000 000 000 000
# Band 1-2 (M02, M03): n 2, W 25000,
#                     Eb 7 200 000 000 + 5 200 000 000 = 12 400 000 000,
#                     Ab 12 000 000 000 (M02 reoffended), B 400 000 000,
#                     Ef 24 000 000 + 13 000 000 = 37 000 000, Af 24 000 000,
#                     F 13 000 000;
#                     V = 12000^2 * 600000 * 400000 + 13000^2 * 400000 * 600000
#                       = 34 560 000 000 000 000 000 + 40 560 000 000 000 000 000
#                       = 75 120 000 000 000 000 000
# Band 3+  (M04):     n 1, W 15000, Eb 10 500 000 000, Ab 15 000 000 000,
#                     B -4 500 000 000, Ef 45 000 000, Af 15 000 000, F 30 000 000
#                     V = 15000^2 * 700000 * 300000 = 47 250 000 000 000 000 000
# Sum: n 4, W 50 000, Eb 27 900 000 000, Ab 27 000 000 000, Ef 97 000 000,
#      Af 39 000 000, V 147 370 000 000 000 000 000: the statement's A1.
#
# Display rates (integer per mille, round half up):
#   expected Eb / (W * 1000): 500, 496 (12.4e9 / 2.5e7), 700
#   actual   Ab / (W * 1000): 0, 480, 1000
#   reoffences actual / expected, Af * 1000 / Ef: 0, 649 (648.6), 333 (333.3)
# Improvement B / W in ppm with its 95 % interval rate +- round(196 isqrt(V)
# / (100 W)):
#   0:   rate 500 000; isqrt(V) = 5 000 000 000 exactly;
#        half = 196 * 5e9 / 1e6 = 980 000: -480 000 .. 1 480 000; z 1.00
#   1-2: rate 16 000; isqrt(V) = 8 667 179 472 (8 667 179 472^2 <= V <
#        8 667 179 473^2); half = round(1 698 767 176 512 / 2 500 000)
#        = round(679 506.87) = 679 507: -663 507 .. 695 507;
#        z = round(4e8 * 100 / 8 667 179 472) = round(4.615) = 5 hundredths
#   3+:  rate -300 000; isqrt(V) = 6 873 863 542; half = round(196 *
#        6 873 863 542 / 1 500 000) = round(898 184.8) = 898 185:
#        -1 198 185 .. 598 185; z = -round(450 000 000 000 / 6 873 863 542)
#        = -round(65.47) = -65 hundredths
# ---------------------------------------------------------------------------
migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$OUT"
X=$OUT/NORTH-2025Q4-1.xml

C=$TMP/a1.csv
assert_exit 0 "$PBR" report --pcc A1 --from 2025Q4 --to 2025Q4 --format csv --out "$C"
cat "$C"
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
# one band's line: kind (BAND or BAND_TOTAL) and band
bandline() { awk -F, -v k="$1" -v b="$2" -v c="$(col needs_band)" '$1 == k && $c == b' "$C"; }
field() { bandline "$1" "$2" | cut -d, -f"$(col "$3")"; }
assert_eq "AREA BAND BAND BAND CONTRACT TOTAL BAND_TOTAL BAND_TOTAL BAND_TOTAL" \
	"$(tail -n +2 "$C" | cut -d, -f1 | paste -sd' ' -)" "line kinds in order"
check_band() {
	local kind=$1 band=$2 n=$3 w=$4 eb=$5 ab=$6 ef=$7 af=$8 erate=$9 arate=${10} fratio=${11} \
		rate=${12} lo=${13} hi=${14} z=${15}
	assert_eq "$n" "$(field "$kind" "$band" members)" "$kind $band members"
	assert_eq "$w" "$(field "$kind" "$band" weighted_size)" "$kind $band W"
	assert_eq "$eb" "$(field "$kind" "$band" expected_binary)" "$kind $band Eb"
	assert_eq "$ab" "$(field "$kind" "$band" actual_binary)" "$kind $band Ab"
	assert_eq "$ef" "$(field "$kind" "$band" expected_frequency)" "$kind $band Ef"
	assert_eq "$af" "$(field "$kind" "$band" actual_frequency)" "$kind $band Af"
	assert_eq "$erate" "$(field "$kind" "$band" expected_binary_rate_permille)" "$kind $band expected rate"
	assert_eq "$arate" "$(field "$kind" "$band" actual_binary_rate_permille)" "$kind $band actual rate"
	assert_eq "$fratio" "$(field "$kind" "$band" frequency_ratio_permille)" "$kind $band frequency ratio"
	assert_eq "$rate" "$(field "$kind" "$band" improvement_rate_ppm)" "$kind $band improvement"
	assert_eq "$lo" "$(field "$kind" "$band" ci95_low_ppm)" "$kind $band 95 % low"
	assert_eq "$hi" "$(field "$kind" "$band" ci95_high_ppm)" "$kind $band 95 % high"
	assert_eq "$z" "$(field "$kind" "$band" z)" "$kind $band z"
	assert_eq "" "$(field "$kind" "$band" total_pence)" "$kind $band carries no pence"
}
for kind in BAND BAND_TOTAL; do   # one period: the pooled bands are the same
	check_band "$kind" 0 1 10000 5000000000 0 15000000 0 500 0 0 500000 -480000 1480000 1.00
	check_band "$kind" 1-2 2 25000 12400000000 12000000000 37000000 24000000 496 480 649 \
		16000 -663507 695507 0.05
	check_band "$kind" 3+ 1 15000 10500000000 15000000000 45000000 15000000 700 1000 333 \
		-300000 -1198185 598185 -0.65
done
# the bands add up to the area, as the statement states it
for f in members:Members weighted_size:WeightedSize expected_binary:ExpectedBinary \
	actual_binary:ActualBinary expected_frequency:ExpectedFrequency actual_frequency:ActualFrequency; do
	s=0
	for v in $(grep '^BAND,' "$C" | cut -d, -f"$(col "${f%%:*}")"); do s=$((s + v)); done
	assert_eq "$(sx "$X" "Cohort/PccArea[@code='A1']/${f#*:}")" "$s" "bands add up to A1's ${f#*:}"
done
assert_eq 147370000000000000000 "$(sx "$X" "Cohort/PccArea[@code='A1']/BinaryVariance")" \
	"A1's V in the statement: 25e18 + 75.12e18 + 47.25e18"
# A3 has no members: three empty bands, no rates
assert_exit 0 "$PBR" report --pcc A3 --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/a3.csv"
assert_eq "0 0 0" "$(awk -F, '$1 == "BAND" { printf "%s ", $8 }' "$TMP/a3.csv" | sed 's/ $//')" "A3 bands: no members"

H=$TMP/a1.html
assert_exit 0 "$PBR" report --pcc A1 --from 2025Q4 --to 2025Q4 --format html --out "$H"
assert_true "html: the area's needs section" grep -q 'id="area-needs"' "$H"
assert_true "html: 3+ band interval" grep -qF -- "−119.8 pts" "$H"
assert_true "html: 1-2 band interval" grep -qF -- "+69.6 pts" "$H"

# a regulator's login reads no offender row: the view without the bands
q "CREATE ROLE reg421 LOGIN IN ROLE pbr_regulator" >/dev/null
assert_exit 0 env PGUSER=reg421 "$PBR" report --pcc A1 --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/reg.csv"
assert_match "may not read offender rows" "$(cat "$LAST_ERR")" "the regulator is told why"
assert_eq 0 "$(grep -c '^BAND' "$TMP/reg.csv")" "no band lines for the regulator"
assert_eq "$(grep '^AREA,' "$C")" "$(grep '^AREA,' "$TMP/reg.csv")" "the area line is the same"
assert_exit 0 env PGUSER=reg421 "$PBR" report --pcc A1 --from 2025Q4 --to 2025Q4 --format html --out "$TMP/reg.html"
assert_true "html says the bands are not available" grep -q "Needs bands for this area are not available" "$TMP/reg.html"

# rows changed since the statement: the bands would not be the statement's
q "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'M01' AND cohort_quarter = '2024Q1'" >/dev/null
assert_exit 0 "$PBR" report --pcc A1 --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/changed.csv"
assert_match "input digest differs" "$(cat "$LAST_ERR")" "a changed cohort is named"
assert_eq 0 "$(grep -c '^BAND' "$TMP/changed.csv")" "no band lines from changed rows"

finish
