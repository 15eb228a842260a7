#!/usr/bin/env bash
# 456_contract_year_pbr: `report --contract-year` with the year's four PbR
# cohorts settled beside its twelve months (SPEC 11.6), on the TOPUP year
# of 660 (tests/data/audit_year_ref.sql, audit_topup.csv, the contract
# terms below; figures worked in 130 and 660):
#   every month: Ffs = A' / 12 = 100 000, no credit, advance 10 000, no
#   adjustment (Va 1 200 000 = Vp, WITHIN): PeriodDue 110 000; the year
#   1 320 000; December's PbR pot = MAP 1 500 000 - FfsYear 1 200 000
#   = 300 000.
#   cohorts 2024Q1..Q4 (periods 2025Q4..2026Q3): T 100 000, 100 000,
#   24 000, 65 001; each nets 3 x 10 000 = 30 000 of advance; 2024Q4's
#   reconciliation is capped by the pot: true-up 10 999, PeriodDue 76 000.
#   Paid for a cohort = PeriodDue - AdvanceNetted: 70 000, 70 000, -6 000,
#   46 000 = 180 000.
#   The year: 1 320 000 + 180 000 = 1 500 000, the MAP exactly.
# The view is compared with the ledger by psql, and its HTML says the
# same; a contract year whose ledger holds a statement the view cannot
# read is refused (65); an unknown contract too.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
sql_file "$DATA/topup_terms.sql"
OUT=$TMP/out
mkdir -p "$OUT"
C=$TMP/year.csv
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
# cell KIND PERIOD COLUMN (PERIOD empty for TOTAL)
cell() {
	if [ "$1" = TOTAL ]; then
		grep '^TOTAL,' "$C" | cut -d, -f"$(col "$3")"
	else
		grep "^$1,TOPUP,2024,$2," "$C" | cut -d, -f"$(col "$3")"
	fi
}
year_csv() { assert_exit 0 "$PBR" report --contract-year TOPUP 2024 --format csv --out "$C"; }

# ---- before anything is settled: 16 lines not settled, nothing paid ----------------
year_csv
assert_eq 16 "$(grep -c '^[A-Z]*,TOPUP,2024,[^,]*,,false,' "$C")" "nothing settled: 12 months and 4 cohorts"
assert_eq "0 0/12 months 0/4 cohorts" "$(cell TOTAL '' paid_pence) $(grep '^TOTAL,' "$C" | cut -d, -f6)" "nothing paid"
assert_match 'not settled: period 2025Q4 has begun' "$(grep '^COHORT,TOPUP,2024,2024Q1,' "$C")" "2024Q1: its period began long ago"
assert_eq 1500000 "$(cell TOTAL '' map_pence)" "the MAP on the TOTAL line"

# ---- settle the year: twelve months and four PbR periods -----------------------------
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	assert_exit 0 "$PBR" run --unsigned --month "2024-$m" --contract TOPUP --out "$OUT"
done
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --period "$p" --contract TOPUP --out "$OUT"
done
year_csv
cat "$C"
assert_eq 18 "$(wc -l <"$C")" "header, 12 months, 4 cohorts, TOTAL"
assert_eq 16 "$(grep -c '^[A-Z]*,TOPUP,2024,[^,]*,[^,]*,true,' "$C")" "every line settled"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	assert_eq "TOPUP-2024-$m-1 100000 0 10000 110000 110000" \
		"$(for k in statement_id ffs_pence credit_pence advance_pence period_due_pence paid_pence; do cell MONTH "2024-$m" $k; done | paste -sd' ' -)" \
		"2024-$m: fee 100 000, no credit, advance 10 000, paid 110 000"
done
assert_eq "0" "$(cell MONTH 2024-12 adjustment_pence)" "December: no adjustment (WITHIN)"
assert_eq "" "$(cell MONTH 2024-11 adjustment_pence)" "November: no adjustment element at all"
n=0
for q in "2024Q1 2025Q4 100000 0 100000 30000 70000 70000" \
	"2024Q2 2026Q1 100000 0 100000 30000 70000 70000" \
	"2024Q3 2026Q2 24000 0 24000 30000 -6000 -6000" \
	"2024Q4 2026Q3 65001 10999 76000 30000 46000 46000"; do
	# shellcheck disable=SC2086 # one word per figure
	set -- $q
	n=$((n + 1))
	assert_eq "TOPUP-$2-1 $3 $5 $6 $7 $8 settled in $2" \
		"$(for k in statement_id cohort_total_pence period_due_pence advance_netted_pence amount_due_pence paid_pence note; do cell COHORT "$1" $k; done | paste -sd' ' -)" \
		"cohort $1: T, period due, advance netted, amount due, paid"
	assert_eq "$4" "$(cell COHORT "$1" true_up_pence | sed 's/^$/0/')" "cohort $1: true-up"
	# the ledger says the same (psql, not the statement the view read)
	assert_eq "$7" "$(q "SELECT amount_due_pence FROM pbr.statement_in_force WHERE statement_id = 'TOPUP-$2-1'")" \
		"cohort $1: the ledger's amount due"
done
assert_eq "1200000 0 120000 0 1320000" \
	"$(for k in ffs_pence credit_pence advance_pence adjustment_pence; do cell TOTAL '' $k; done | paste -sd' ' -) $(q "SELECT sum(amount_due_pence) FROM pbr.statement_in_force WHERE contract_id = 'TOPUP' AND statement_type = 'MONTHLY'")" \
	"TOTAL: fee, credits, advances, adjustment; the ledger's monthly amounts due"
assert_eq "289001 10999 120000" \
	"$(for k in cohort_total_pence true_up_pence advance_netted_pence; do cell TOTAL '' $k; done | paste -sd' ' -)" \
	"TOTAL: the cohorts' T, true-up and advances netted"
assert_eq "$((1320000 + 300000)) $((1320000 + 180000))" \
	"$(cell TOTAL '' period_due_pence) $(cell TOTAL '' amount_due_pence)" \
	"TOTAL period due 1 320 000 + 300 000; amount due 1 320 000 + 180 000"
assert_eq "1500000 15000.00 1500000" \
	"$(cell TOTAL '' paid_pence) $(cell TOTAL '' paid_pounds) $(cell TOTAL '' map_pence)" \
	"the year paid the MAP exactly"
assert_eq "12/12 months 4/4 cohorts" "$(grep '^TOTAL,' "$C" | cut -d, -f6)" "all settled"
assert_match 'PbR pot 300000 p' "$(grep '^TOTAL,' "$C")" "the PbR pot from December"

H=$TMP/year.html
assert_exit 0 "$PBR" report --contract-year TOPUP 2024 --format html --out "$H"
text=$(sed 's/<[^>]*>//g' "$H" | tr -s ' \n' ' ')
assert_match 'Paid for 2024 so far: £15,000.00 against a Maximum Annual Payment of £15,000.00' "$text" "HTML: the year's headline"
assert_match 'PbR pot \(MAP less the year.s fee for service\) £3,000.00' "$text" "HTML: the PbR pot"
assert_true "HTML: the chart is an accessible image" grep -q 'role="img"' "$H"
for sid in TOPUP-2025Q4-1 TOPUP-2026Q3-1 TOPUP-2024-12-1; do
	assert_true "HTML lists $sid" grep -q "$sid" "$H"
done

# ---- a restated month is the one in force ------------------------------------------------
q "UPDATE pbr.volume_return SET cases = 50 WHERE contract_id = 'TOPUP' AND month = '2024-06'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --month 2024-06 --contract TOPUP --out "$OUT" --restate --reason "June return corrected"
year_csv
assert_eq "TOPUP-2024-06-2 restatement" "$(cell MONTH 2024-06 statement_id) $(cell MONTH 2024-06 note)" "June: the restatement is in force"
assert_eq "110000 0" "$(cell MONTH 2024-06 period_due_pence) $(cell MONTH 2024-06 amount_due_pence)" \
	"June restated: the fee does not depend on the month's cases; amount due 0"
assert_eq 1500000 "$(cell TOTAL '' paid_pence)" "the year still pays the MAP"

# ---- a restated cohort: its chain nets the advance once (SPEC 7) -------------------------
# V01 reoffends: 2024Q2 earns nothing (PeriodDue 0).  The restatement's
# AmountDue is 0 - 100 000 = -100 000 and it nets no advance; the chain
# paid 70 000 - 100 000 = -30 000, having netted the 30 000 once.
q "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'V01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --period 2026Q1 --contract TOPUP --out "$OUT" --restate --reason "V01 reoffended"
year_csv
assert_eq "TOPUP-2026Q1-2 0 30000 -100000 -30000" \
	"$(for k in statement_id period_due_pence advance_netted_pence amount_due_pence paid_pence; do cell COHORT 2024Q2 $k; done | paste -sd' ' -)" \
	"2024Q2 restated: period due 0, the chain's advance netted once, paid -30 000"
assert_eq "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE contract_id = 'TOPUP' AND period = '2026Q1'")" \
	"$(cell COHORT 2024Q2 paid_pence)" "2024Q2 paid: the ledger's amounts due along the chain"
assert_eq "$((1500000 - 100000)) 120000" "$(cell TOTAL '' paid_pence) $(cell TOTAL '' advance_netted_pence)" \
	"the year paid 100 000 less; the advances netted stay 4 x 30 000"
assert_eq "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE contract_id = 'TOPUP'")" \
	"$(cell TOTAL '' paid_pence)" "the year's paid: every amount due the ledger holds"

# ---- refusals ---------------------------------------------------------------------------
assert_exit 65 "$PBR" report --contract-year NOSUCH 2024 --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "unknown contract"
assert_match "contract NOSUCH has no contract year 2024" "$(cat "$LAST_ERR")" "unknown contract: the message"
assert_exit 65 "$PBR" report --contract-year TOPUP 2023 --format html --out "$TMP/e.csv"
assert_match "contract TOPUP has no contract year 2023" "$(cat "$LAST_ERR")" "a year without terms"
assert_exit 69 env PGHOST=/nonexistent PGPORT=1 "$PBR" report --contract-year TOPUP 2024 --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "no database"
# a data directory whose stylesheet's name does not fit a path
PBR_DATADIR=$TMP/$(printf 'd%.0s' $(seq 4100)) assert_exit 70 "$PBR" report --contract-year TOPUP 2024 --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "PBR_DATADIR too long"
assert_match "report: data directory path too long" "$(cat "$LAST_ERR")" "PBR_DATADIR too long: the message"
assert_true "nothing written on errors" test ! -e "$TMP/e.csv"

finish
