#!/usr/bin/env bash
# 412_report_amount_due: every report shows what is paid (AmountDuePence,
# PeriodDuePence) beside what the cohort earned, and a reconciliation's
# annual true-up (issue 11 finding 1; SPEC 7).  Against the audit data of
# 130 and 140 (tests/data/audit_year_ref.sql), figures worked there:
#   TOPUP: T 100 000, 100 000, 24 000, 65 001; the 2026Q3 reconciliation
#          true-up +101 000, PeriodDue = AmountDue = 166 001.
#   CLAW:  2026Q3 T 14 000, true-up -26 000, PeriodDue = AmountDue -12 000;
#          restated (CLAW-2026Q3-2): true-up +29 001, PeriodDue 43 001,
#          PreviousPeriodDue -12 000, AmountDue 55 001.
# The PCC view of T1 (area of TOPUP) 2025Q4..2026Q3 shows the true-up on
# a CONTRACT line, not attributed to the area; its contract lines sum to
# 289 001 (T) + 101 000 (true-up) = 390 001 (period due = amount due).
# T1's share of Q1's Pb' 100 000 by max(B_a, 0) (T1 11e9, T2 1e9):
# floor(100000*11/12) = 91 666 rem 8, T2 8 333 rem 4: the last penny to T1,
# 91 667.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
load_csv "$DATA/audit_clawback.csv"
OUT=$TMP/out
mkdir -p "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --out "$OUT" --period "$p"
done

# field NAME of line N (1 = header) of a CSV, by header name
field() { # FILE LINE NAME
	local c
	c=$(head -1 "$1" | tr ',' '\n' | grep -nx "$3" | cut -d: -f1)
	[ -n "$c" ] || { echo "NO-COLUMN-$3"; return; }
	sed -n "${2}p" "$1" | cut -d, -f"$c"
}
total_line() { grep -n ',TOTAL,' "$1" | cut -d: -f1; }

# ---- statement CSV ----------------------------------------------------------
csv() { assert_exit 0 "$PBR" report "$OUT/$1.xml" --format csv --out "$TMP/$1.csv"; }
csv TOPUP-2026Q3-1
C=$TMP/TOPUP-2026Q3-1.csv
L=$(total_line "$C")
assert_eq 4 "$L" "TOPUP-2026Q3-1: TOTAL after two areas"
assert_eq 65001 "$(field "$C" "$L" total_pence)" "TOPUP cohort total (what the cohort earned)"
assert_eq 101000 "$(field "$C" "$L" true_up_pence)" "TOPUP annual true-up"
assert_eq 166001 "$(field "$C" "$L" period_due_pence)" "TOPUP period due"
assert_eq 0 "$(field "$C" "$L" advance_netted_pence)" "TOPUP no advance"
assert_eq "" "$(field "$C" "$L" previous_period_due_pence)" "original: no previous period due"
assert_eq 166001 "$(field "$C" "$L" amount_due_pence)" "TOPUP amount due"
assert_eq 1660.01 "$(field "$C" "$L" amount_due_pounds)" "TOPUP amount due in pounds"
assert_eq 1010.00 "$(field "$C" "$L" true_up_pounds)" "TOPUP true-up in pounds"
# contract-level columns are empty on the area lines: a column sums to the figure
assert_eq "," "$(field "$C" 2 true_up_pence),$(field "$C" 3 amount_due_pence)" "area lines carry no contract money"

csv CLAW-2026Q3-1
C=$TMP/CLAW-2026Q3-1.csv
L=$(total_line "$C")
assert_eq 14000 "$(field "$C" "$L" total_pence)" "CLAW cohort total"
assert_eq -26000 "$(field "$C" "$L" true_up_pence)" "CLAW clawback true-up"
assert_eq -12000 "$(field "$C" "$L" period_due_pence)" "CLAW period due"
assert_eq -12000 "$(field "$C" "$L" amount_due_pence)" "CLAW amount due"
assert_eq -120.00 "$(field "$C" "$L" amount_due_pounds)" "CLAW amount due in pounds (a number, not text)"

# the clawback restated: amount due is the difference
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "L01 quashed"
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q3 --restate --reason "pool Q2"
csv CLAW-2026Q3-2
C=$TMP/CLAW-2026Q3-2.csv
L=$(total_line "$C")
assert_eq "14000 29001 43001 -12000 55001" \
	"$(for f in total_pence true_up_pence period_due_pence previous_period_due_pence amount_due_pence; do field "$C" "$L" $f; done | paste -sd' ' -)" \
	"CLAW restatement: T, true-up, period due, previous period due, amount due"

# ---- statement HTML ---------------------------------------------------------
H=$TMP/TOPUP.html
assert_exit 0 "$PBR" report "$OUT/TOPUP-2026Q3-1.xml" --format html --out "$H"
assert_true "HTML: amount due £1,660.01" grep -qF '£1,660.01' "$H"
assert_true "HTML: cohort earned £650.01" grep -qF '£650.01' "$H"
assert_true "HTML: true-up £1,010.00" grep -qF '£1,010.00' "$H"
H=$TMP/CLAW.html
assert_exit 0 "$PBR" report "$OUT/CLAW-2026Q3-2.xml" --format html --out "$H"
assert_true "HTML restatement: amount due £550.01" grep -qF '£550.01' "$H"
assert_true "HTML restatement: previous period due -£120.00" grep -qF -- '-£120.00' "$H"

# ---- PCC view -----------------------------------------------------------------
P=$TMP/t1.csv
assert_exit 0 "$PBR" report --pcc T1 --from 2025Q4 --to 2026Q3 --format csv --out "$P"
cat "$P"
# the area's needs bands (BAND, BAND_TOTAL; 421) carry no money: the
# money lines are checked by position without them
assert_eq "12 3" "$(grep -c '^BAND,' "$P") $(grep -c '^BAND_TOTAL,' "$P")" "three needs bands per period and pooled"
P0=$P
P=$TMP/t1-money.csv
grep -v '^BAND' "$P0" >"$P"
assert_eq "AREA CONTRACT AREA CONTRACT AREA CONTRACT AREA CONTRACT TOTAL" \
	"$(tail -n +2 "$P" | cut -d, -f1 | paste -sd' ' -)" "an area line and a contract line per period, then TOTAL"
assert_eq 91667 "$(field "$P" 2 total_pence)" "T1's share of TOPUP-2025Q4-1 (worked above)"
n=2
for sid in TOPUP-2025Q4-1 TOPUP-2026Q1-1 TOPUP-2026Q2-1 TOPUP-2026Q3-1; do
	X=$OUT/$sid.xml
	assert_eq "$(sx "$X" "Cohort/PccArea[@code='T1']/TotalPence")" "$(field "$P" $n total_pence)" "$sid: area line = the statement's T1 TotalPence"
	assert_eq "" "$(field "$P" $n amount_due_pence)" "$sid: the area line carries no contract money"
	assert_eq "$(sx "$X" Summary/AmountDuePence)" "$(field "$P" $((n + 1)) amount_due_pence)" "$sid: contract line amount due = the statement's"
	assert_eq "" "$(field "$P" $((n + 1)) total_pounds)" "$sid: the contract line carries no area money"
	n=$((n + 2))
done
assert_eq "0 0 0" "$(for n in 3 5 7; do field "$P" $n true_up_pence; done | paste -sd' ' -)" "no true-up outside the reconciliation"
assert_eq 101000 "$(field "$P" 9 true_up_pence)" "TOPUP-2026Q3-1 contract line: the true-up"
assert_eq "289001 101000 390001 390001" \
	"$(for f in contract_total_pence true_up_pence period_due_pence amount_due_pence; do field "$P" 10 $f; done | paste -sd' ' -)" \
	"TOTAL: cohort totals + true-up = period due = amount due"
area_sum=$(( $(grep '^AREA,' "$P" | cut -d, -f"$(head -1 "$P" | tr ',' '\n' | grep -nx total_pence | cut -d: -f1)" | paste -sd+ -) ))
assert_eq "$area_sum" "$(field "$P" 10 total_pence)" "TOTAL area pence = sum of the area lines"

PH=$TMP/t1.html
assert_exit 0 "$PBR" report --pcc T1 --from 2025Q4 --to 2026Q3 --format html --out "$PH"
assert_true "PCC HTML: contract-level true-up line" grep -q 'true-up (contract level, not attributed to areas)' "$PH"
assert_true "PCC HTML: the true-up £1,010.00" grep -qF '£1,010.00' "$PH"
assert_true "PCC HTML: total period due £3,900.01" grep -qF '£3,900.01' "$PH"

finish
