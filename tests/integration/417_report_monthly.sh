#!/usr/bin/env bash
# 417_report_monthly: monthly fee-for-service statements in `report
# FILE.xml` (HTML and CSV) and in the index, and `report --contract-year
# ID YEAR` (SPEC 11.6), on the data of 610 (tests/data/monthly_ref.sql;
# figures worked there):
#   NORTH 2025: Ffs 95 000 a month, advance 1 000; March credit 4 500
#   (K2 breached, K3 waived): PeriodDue 91 500; April and May credit 9 500
#   (at the cap): 86 500; December: adjustment -104 880 (BELOW), credit 0:
#   -8 880; the eight other months 96 000.  The year: fee 1 140 000, credits
#   23 500, advances 12 000, adjustment -104 880, monthly statements
#   1 023 620 = 8 x 96 000 + 91 500 + 2 x 86 500 - 8 880.  MAP 1 500 000,
#   PbR pot 464 880.  No PbR period of the 2025 cohorts has been settled:
#   2025Q1 settles in 2026Q4 (begun), 2025Q2..Q4 in 2027Q1..Q3 (maturing):
#   shown as not settled, never as 0.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
vol() { q "INSERT INTO pbr.volume_return VALUES ('$1', '$2', '$3', $4)" >/dev/null; }
kpi() { q "INSERT INTO pbr.kpi_return VALUES ('$1', '$2', '$3', $4, $5)" >/dev/null; }
all_met() { kpi "$1" "$2" K1 1 1; kpi "$1" "$2" K2 1 1; kpi "$1" "$2" K3 0 0; kpi "$1" "$2" K4 1 1; }
for m in 01 02 06 07 08 09 10 11; do vol NORTH "2025-$m" CO 60; all_met NORTH "2025-$m"; done
vol NORTH 2025-03 CO 40; vol NORTH 2025-03 LICENCE 20; vol NORTH 2025-03 SSO 10
kpi NORTH 2025-03 K1 9 10; kpi NORTH 2025-03 K2 74 100; kpi NORTH 2025-03 K4 0 0
q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-03', 'K3', 'provider feed outage, returns lost', 'PCC board, 2 April 2025')" >/dev/null
vol NORTH 2025-04 CO 50; vol NORTH 2025-04 SSO 0
kpi NORTH 2025-04 K1 8 10; kpi NORTH 2025-04 K2 7 10; kpi NORTH 2025-04 K3 1 1; kpi NORTH 2025-04 K4 1 2
vol NORTH 2025-05 CO 60
kpi NORTH 2025-05 K1 0 10; kpi NORTH 2025-05 K2 0 10; kpi NORTH 2025-05 K4 2 2
vol NORTH 2025-12 CO 38; vol NORTH 2025-12 LICENCE 4
kpi NORTH 2025-12 K1 9 10; kpi NORTH 2025-12 K2 3 4; kpi NORTH 2025-12 K3 0 0; kpi NORTH 2025-12 K4 1 1
for m in 01 02 03 04 05 06 07 08 09 10 11; do vol SOUTH "2025-$m" CO 80; kpi SOUTH "2025-$m" K1 1 1; done
vol SOUTH 2025-12 CO 121; kpi SOUTH 2025-12 K1 1 1
OUT=$TMP/out
mkdir -p "$OUT"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	assert_exit 0 "$PBR" run --month "2025-$m" --out "$OUT" --unsigned
done

# ---- one monthly statement: HTML and CSV -------------------------------------------
X=$OUT/NORTH-2025-03-1.xml
[ -s "$X" ] || die "no statement $X ($(ls "$OUT" | head))"
assert_exit 0 "$PBR" report "$X" --format html --out "$TMP/march.html"
text=$(sed 's/<[^>]*>//g' "$TMP/march.html" | tr -s ' \n' ' ')
assert_match 'Amount due: £915.00' "$text" "March: amount due"
assert_match 'K2 74 / 100 \(74.0%\) 75.0% BREACHED £45.00' "$text" "March: K2 breached, its credit"
assert_match 'K3 no return 0.0% WAIVED £0.00 approved by PCC board, 2 April 2025' "$text" "March: K3 waived, by whom"
assert_match 'Service credit this month £45.00' "$text" "March: the credit"
assert_exit 0 "$PBR" report "$X" --format csv --out "$TMP/march.csv"
cat "$TMP/march.csv"
money() { grep ",$2," "$1" | cut -d, -f14 | head -1; }
assert_eq "95000 -4500 1000 91500 91500" \
	"$(for l in FFS CREDIT ADVANCE PERIOD_DUE AMOUNT_DUE; do money "$TMP/march.csv" $l; done | paste -sd' ' -)" \
	"March CSV: FFS - CREDIT + ADVANCE = PERIOD_DUE"
assert_eq "" "$(money "$TMP/march.csv" ADJUSTMENT)" "no adjustment outside December"

D=$OUT/NORTH-2025-12-1.xml
assert_exit 0 "$PBR" report "$D" --format csv --out "$TMP/dec.csv"
assert_eq "95000 0 1000 -104880 -8880 -88.80" \
	"$(for l in FFS CREDIT ADVANCE ADJUSTMENT PERIOD_DUE; do money "$TMP/dec.csv" $l; done | paste -sd' ' -) $(grep ',PERIOD_DUE,' "$TMP/dec.csv" | cut -d, -f15)" \
	"December CSV: the year-end adjustment, period due in pence and pounds"
assert_exit 0 "$PBR" report "$D" --format html --out "$TMP/dec.html"
text=$(sed 's/<[^>]*>//g' "$TMP/dec.html" | tr -s ' \n' ' ')
assert_match 'Position BELOW' "$text" "December: below the band"
assert_match 'PbR pot: the most the year.s cohorts can earn £4,648.80' "$text" "December: the PbR pot"
assert_match 'Amount due: -£88.80 \(negative: owed back by the provider\)' "$text" "December: money back"

# the hand-made sample of tests/data renders the same way
assert_exit 0 "$PBR" report "$DATA/sample-monthly.xml" --format csv --out "$TMP/sample.csv"
assert_eq "-17880" "$(money "$TMP/sample.csv" PERIOD_DUE)" "sample: period due worked in its comment"

# ---- the index lists monthly statements ----------------------------------------------
assert_exit 0 "$PBR" report --index "$OUT" --format csv --out "$TMP/index.csv"
assert_match '^NORTH-2025-03-1,NORTH-2025-03-1.xml,monthly,NORTH,2025-03,,ORIGINAL,FINAL,,,,91500,,91500,915.00,valid,' \
	"$(grep '^NORTH-2025-03-1,' "$TMP/index.csv")" "index: March as a monthly statement"
assert_eq 24 "$(grep -c ',monthly,' "$TMP/index.csv")" "index: 24 monthly statements"

# ---- the contract year --------------------------------------------------------------
C=$TMP/year.csv
assert_exit 0 "$PBR" report --contract-year NORTH 2025 --format csv --out "$C"
cat "$C"
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
line() { grep "^$1,NORTH,2025,$2," "$C"; }
assert_eq 18 "$(wc -l <"$C")" "header, 12 months, 4 cohorts, TOTAL"
assert_eq "96000 96000 91500 86500 86500 96000 96000 96000 96000 96000 96000 -8880" \
	"$(grep '^MONTH,' "$C" | cut -d, -f"$(col paid_pence)" | paste -sd' ' -)" "each month's payment"
assert_eq "true" "$(line MONTH 2025-12 | cut -d, -f"$(col settled)")" "December settled"
tot=$(grep '^TOTAL,' "$C")
assert_eq "1140000 23500 12000 -104880 1023620 10236.20 1500000" \
	"$(for f in ffs_pence credit_pence advance_pence adjustment_pence paid_pence paid_pounds map_pence; do printf '%s' "$tot" | cut -d, -f"$(col $f)"; done | paste -sd' ' -)" \
	"TOTAL: fee, credits, advances, adjustment, paid, MAP"
for q in 2025Q1 2025Q2 2025Q3 2025Q4; do
	l=$(line COHORT "$q")
	assert_eq "false," "$(printf '%s' "$l" | cut -d, -f"$(col settled)"),$(printf '%s' "$l" | cut -d, -f"$(col paid_pence)")" "$q: not settled, no amount (never 0)"
done
assert_match 'not settled: period 2026Q4 has begun' "$(line COHORT 2025Q1)" "2025Q1: its period has begun"
assert_match 'not settled: maturing, settles in 2027Q1' "$(line COHORT 2025Q2)" "2025Q2: still maturing"

H=$TMP/year.html
assert_exit 0 "$PBR" report --contract-year NORTH 2025 --format html --out "$H"
text=$(sed 's/<[^>]*>//g' "$H" | tr -s ' \n' ' ')
assert_match 'Paid for 2025 so far: £10,236.20 against a Maximum Annual Payment of £15,000.00' "$text" "the year's headline"
assert_match 'PbR pot \(MAP less the year.s fee for service\) £4,648.80' "$text" "the PbR pot"
assert_match 'not settled: the cohort is still maturing' "$text" "maturing cohorts said so"
assert_true "the chart is an accessible image" grep -q 'role="img"' "$H"

# a year with terms but nothing settled: every line not settled
q "INSERT INTO pbr.contract_year (contract_id, year, annual_price_pence, learning_curve_ppm, predicted_volume_milli, band_low_ppm, band_high_ppm, adjust_below_ppm, adjust_above_ppm, credit_cap_ppm, advance_pence_per_month, map_pence) VALUES ('NORTH', 2026, 1200000, 0, 1000000, 100000, 100000, 500000, 500000, 100000, 0, 1500000)" >/dev/null
assert_exit 0 "$PBR" report --contract-year NORTH 2026 --format csv --out "$C"
assert_eq 16 "$(grep -c ',false,' "$C")" "2026: 12 months and 4 cohorts not settled"
assert_eq 0 "$(grep '^TOTAL,' "$C" | cut -d, -f"$(col paid_pence)")" "2026: nothing paid"

# ---- laid out for people: no table wider than the page, no clipped label ------------
if [ -x /usr/bin/chromium ]; then
	cp "$DATA/layout_check.js" "$TMP/layout_check.js"
	for f in year march dec; do
		for w in 1280 800; do
			sed 's#</body>#<script src="layout_check.js"></script></body>#' "$TMP/$f.html" >"$TMP/check-$f.html"
			got=$(timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
				--disable-background-networking --disable-component-update --disable-sync \
				--no-first-run --user-data-dir="$TMP/chr" --window-size="$w,2000" \
				--virtual-time-budget=5000 --dump-dom "file://$TMP/check-$f.html" 2>/dev/null |
				sed -n '/<pre id="layout-check">/,/<\/pre>/p' | sed 's/<[^>]*>//g')
			assert_eq OK "$got" "$f.html at $w px: laid out"
		done
	done
else
	printf 'SKIP chromium not installed: not checking the layout\n'
fi

# errors
assert_exit 65 "$PBR" report --contract-year NORTH 2019 --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "no contract year"
assert_exit 64 "$PBR" report --contract-year NORTH 25 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --contract-year "north" 2025 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --contract-year NORTH --format csv --out "$TMP/e.csv"
assert_true "nothing written on errors" test ! -e "$TMP/e.csv"

finish
