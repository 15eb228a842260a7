#!/usr/bin/env bash
# 419_report_significance: the significance rule (SPEC 5a, issue 12) in the
# reports, in words a regulator reads, on the data of 250_significance
# (tests/data/sig_{ref.sql,cohort.csv}); figures worked there and here:
#   FALL-2025Q4-1: B 6e9, V 1.7e20, z = 6e9 / 1.3038e10 = 0.46: could be
#     chance; F1 B -3e9, V 1.21e20 (sqrt 1.1e10): z -0.27; F2 B 9e9,
#     V 4.9e19 (sqrt 7e9): z 1.29.
#   RISE-2026Q3-1: B -3.2e10, V 7.2e19 (sqrt 8.485e9): z -3.77, significant
#     at 95 %; D 320 003 (£3,200.03), R1 260 002, R2 60 001; termination
#     flag raised; T -320 003.  The year pooled: B -3.8e10, V 1.08e20
#     (sqrt 1.0392e10): z -3.66, D 380 004.
#   PCC view of R1, 2025Q4..2026Q3 (integers: rate = B/W ppm, half =
#   round(196 isqrt(V) / (100 W)), z = round(100 B / isqrt(V))):
#     2026Q2: B -8e9, W 20 000, V 1.8e19 (isqrt 4 242 640 687):
#       rate -400 000, half round(415 778.79) = 415 779: -815 779..15 779,
#       z round(-188.56) = -1.89
#     2026Q3: B -2.6e10, W 40 000, V 3.6e19 (isqrt 6e9): rate -650 000,
#       half 294 000: -944 000..-356 000, z -4.33, deduction 260 002
#     pooled: B -3.4e10, W 60 000, V 5.4e19 (isqrt 7 348 469 228):
#       rate round(-566 666.67) = -566 667, half round(240 049.99) =
#       240 050: -806 717..-326 617, z round(-462.68) = -4.63
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/sig_ref.sql"
load_csv "$DATA/sig_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
for p in 2025Q4 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --out "$OUT" --period "$p"
done
FALL=$OUT/FALL-2025Q4-1.xml
RISE=$OUT/RISE-2026Q3-1.xml
[ -s "$FALL" ] && [ -s "$RISE" ] || die "statements missing ($(ls "$OUT"))"

# ---- statement pages -------------------------------------------------------------
H=$TMP/rise.html
assert_exit 0 "$PBR" report "$RISE" --format html --out "$H"
text=$(sed 's/<[^>]*>//g' "$H" | tr -s ' \n' ' ')
assert_match 'Cohort 2024Q4: reoffending rose 40.0 points above prediction; z = −3.77: significant at 95 %' "$text" "the rise in words"
assert_match 'Deduction: £3,200.03 for a significant rise' "$text" "the deduction"
assert_match 'Termination flag raised' "$text" "the termination flag"
assert_match 'TERMINATION FLAG' "$text" "the termination banner"
assert_match 'The year 2024 pooled \(2 cohorts\): reoffending rose 31.7 points above prediction; z = −3.66: significant at 95 %' "$text" "the pool in words"
assert_match 'Rise One \(R1\) rose 65.0 pts −4.33 significant £2,600.02' "$text" "R1 in the area table"
assert_match 'Rise Two \(R2\) rose 15.0 pts −1.00 could be chance £600.01' "$text" "R2 in the area table"
assert_true "no INCONSISTENT banner (a deduction is not an inconsistency)" sh -c "! grep -q INCONSISTENT '$H'"

H=$TMP/fall.html
assert_exit 0 "$PBR" report "$FALL" --format html --out "$H"
text=$(sed 's/<[^>]*>//g' "$H" | tr -s ' \n' ' ')
assert_match 'Cohort 2024Q1: reoffending fell 12.0 points below prediction; z = 0.46: could be chance' "$text" "the fall in words"
assert_match 'No payment for the binary measure and no deduction' "$text" "no payment, no deduction"
assert_match 'Fall One \(F1\) rose 10.0 pts −0.27 could be chance' "$text" "F1"
assert_match 'Fall Two \(F2\) fell 45.0 pts 1.29 could be chance' "$text" "F2"

# ---- statement CSV -----------------------------------------------------------------
C=$TMP/rise.csv
assert_exit 0 "$PBR" report "$RISE" --format csv --out "$C"
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
tot=$(grep ',TOTAL,' "$C")
got=""
for f in total_pence true_up_pence period_due_pence binary_mode binary_variance z binary_significant deduction_pence termination_flag; do
	got="$got $(printf '%s' "$tot" | cut -d, -f"$(col $f)")"
done
assert_eq " -320003 -60001 -380004 significance 72000000000000000000 -3.77 true 320003 true" "$got" \
	"TOTAL: T, true-up, period due, mode, V, z, test, deduction, flag"
assert_eq "260002 60001" "$(grep -E ',R[12],' "$C" | cut -d, -f"$(col deduction_pence)" | paste -sd' ' -)" "deductions attributed"

# ---- PCC view ----------------------------------------------------------------------
C=$TMP/r1.csv
assert_exit 0 "$PBR" report --pcc R1 --from 2025Q4 --to 2026Q3 --format csv --out "$C"
cat "$C"
vals() { grep "^$1," "$C" | sed -n "${2}p" | cut -d, -f"$(col improvement_rate_ppm)-$(col deduction_pence)"; }
assert_eq "-400000,-815779,15779,-1.89,0" "$(vals AREA 1)" "2026Q2: rate, 95 % interval, z, deduction"
assert_eq "-650000,-944000,-356000,-4.33,260002" "$(vals AREA 2)" "2026Q3: rate, 95 % interval, z, deduction"
assert_eq "-566667,-806717,-326617,-4.63,260002" "$(vals TOTAL 1)" "pooled: rate, 95 % interval, z, deduction"
H=$TMP/r1.html
assert_exit 0 "$PBR" report --pcc R1 --from 2025Q4 --to 2026Q3 --format html --out "$H"
text=$(sed 's/<[^>]*>//g' "$H" | tr -s ' \n' ' ')
assert_match '2026Q3 −65.0 pts −94.4 pts to −35.6 pts −4.33 significant significant; termination flag £2,600.02' "$text" "PCC view 2026Q3 in words"
assert_match '2026Q2 −40.0 pts −81.6 pts to \+1.6 pts −1.89 could be chance could be chance £0.00' "$text" "PCC view 2026Q2 in words"

finish
