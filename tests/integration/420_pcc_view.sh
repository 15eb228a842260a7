#!/usr/bin/env bash
# 420_pcc_view: demo data settled for 2025Q4 and 2026Q1; `report --pcc
# GMP --from 2025Q4 --to 2026Q1` (Greater Manchester, one of the two areas
# of CPA08) in csv and html lists both periods with the pence the statements
# in force attribute to the area, and a total that is their sum; the
# area's needs bands add up to the area's figures.  Usage,
# unknown area and connection errors exit 64, 65 and 69.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PCC=GMP
migrate
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2026Q1 --out "$OUT"
contract=$(q "SELECT c.id FROM pbr.contract c JOIN pbr.pcc_area p ON p.cpa_code = c.cpa_code WHERE p.code = '$PCC'")
[ -n "$contract" ] || die "no contract for $PCC"
X1=$OUT/$contract-2025Q4-1.xml
X2=$OUT/$contract-2026Q1-1.xml
{ [ -s "$X1" ] && [ -s "$X2" ]; } || die "statements missing"

C=$TMP/pcc.csv
assert_exit 0 "$PBR" report --pcc "$PCC" --from 2025Q4 --to 2026Q1 --format csv --out "$C"
cat "$C"
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
# line KIND N: the Nth line of that kind
line() { grep "^$1," "$C" | sed -n "$2p"; }
assert_eq 15 "$(wc -l <"$C")" "header, two periods (area, three needs bands, contract), TOTAL, three pooled bands"
assert_eq "2025Q4 2025Q4 2026Q1 2026Q1 TOTAL" "$(tail -n +2 "$C" | grep -v '^BAND' | cut -d, -f"$(col period)" | paste -sd' ' -)" "periods"
assert_eq "$contract-2025Q4-1 $contract-2026Q1-1" \
	"$(grep '^AREA,' "$C" | cut -d, -f"$(col statement_id)" | paste -sd' ' -)" "statements in force"
for comp in Members:members BinaryPence:binary_pence FrequencyPence:frequency_pence TotalPence:total_pence; do
	el=${comp%%:*}
	c=$(col "${comp#*:}")
	v1=$(sx "$X1" "Cohort/PccArea[@code='$PCC']/$el")
	v2=$(sx "$X2" "Cohort/PccArea[@code='$PCC']/$el")
	assert_eq "$v1" "$(line AREA 1 | cut -d, -f"$c")" "2025Q4 $el of $PCC"
	assert_eq "$v2" "$(line AREA 2 | cut -d, -f"$c")" "2026Q1 $el of $PCC"
	assert_eq "$((v1 + v2))" "$(line TOTAL 1 | cut -d, -f"$c")" "TOTAL $el"
done
# display rates: integer per mille of the statement's sums
w=$(sx "$X1" "Cohort/PccArea[@code='$PCC']/WeightedSize")
eb=$(sx "$X1" "Cohort/PccArea[@code='$PCC']/ExpectedBinary")
assert_eq "$(((2 * eb + w * 1000) / (2 * w * 1000)))" "$(line AREA 1 | cut -d, -f"$(col expected_binary_rate_permille)")" \
	"2025Q4 expected rate per mille"

# the needs bands per area (issue 11 #15): in each period the three bands
# of the area add up to its members and weighted size; the pooled bands
# to the TOTAL line (421 works the figures by hand)
for k in members weighted_size expected_binary actual_binary; do
	c=$(col "$k")
	for n in 1 2; do
		sum=0   # 64-bit shell arithmetic (awk's numbers are doubles)
		for v in $(grep '^BAND,' "$C" | sed -n "$((3 * n - 2)),$((3 * n))p" | cut -d, -f"$c"); do sum=$((sum + v)); done
		assert_eq "$(line AREA "$n" | cut -d, -f"$c")" "$sum" "period $n: bands add up to the area's $k"
	done
	sum=0
	for v in $(grep '^BAND_TOTAL,' "$C" | cut -d, -f"$c"); do sum=$((sum + v)); done
	assert_eq "$(line TOTAL 1 | cut -d, -f"$c")" "$sum" "pooled bands add up to the TOTAL's $k"
done
assert_eq "0 1-2 3+ 0 1-2 3+" "$(grep '^BAND,' "$C" | cut -d, -f"$(col needs_band)" | paste -sd' ' -)" "bands in order"

# only the area asked for: the other area of the CPA is not in it
assert_true "no other area in the csv" sh -c "! grep -q CHES '$C'"

H=$TMP/pcc.html
assert_exit 0 "$PBR" report --pcc "$PCC" --from 2025Q4 --to 2026Q1 --format html --out "$H"
errors=$( (xmllint --html --noout "$H" 2>&1 || true) | grep 'parser error' | grep -v -c -E 'Tag [A-Za-z]+ invalid' || true)
assert_eq 0 "$errors" "PCC view html parses"
assert_true "title" grep -q "<title>PCC view: Greater Manchester (GMP), 2025Q4 to 2026Q1</title>" "$H"
for s in "$contract-2025Q4-1" "$contract-2026Q1-1"; do
	assert_true "html lists $s" grep -q "$s" "$H"
done
tp=$(line TOTAL 1 | cut -d, -f"$(col total_pence)")
assert_true "$PCC is paid something ($tp pence)" test "$tp" -gt 0
pounds="£$(printf '%d' $((tp / 100)) | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta').$(printf '%02d' $((tp % 100)))"
assert_true "html total $pounds" grep -qF "$pounds" "$H"
assert_true "chart is an accessible image" grep -q 'role="img"' "$H"
assert_true "tables have th scope" grep -q '<th scope="row">' "$H"

# one period only; a range with no statement is an empty view, not an error
assert_exit 0 "$PBR" report --pcc "$PCC" --from 2026Q1 --to 2026Q1 --format csv --out "$TMP/one.csv"
assert_eq "2026Q1 2026Q1 TOTAL" "$(tail -n +2 "$TMP/one.csv" | grep -v '^BAND' | cut -d, -f"$(col period)" | paste -sd' ' -)" "one period"
assert_exit 0 "$PBR" report --pcc "$PCC" --from 2030Q1 --to 2030Q4 --format csv --out "$TMP/none.csv"
assert_eq 2 "$(wc -l <"$TMP/none.csv")" "empty range: header and TOTAL"

# errors
assert_exit 65 "$PBR" report --pcc NOSUCH --from 2025Q4 --to 2026Q1 --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "unknown PCC"
assert_exit 64 "$PBR" report --pcc "GMP'; --" --from 2025Q4 --to 2026Q1 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --pcc "$PCC" --from 2025q4 --to 2026Q1 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --pcc "$PCC" --from 2026Q1 --to 2025Q4 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --pcc "$PCC" --from 2025Q4 --format csv --out "$TMP/e.csv"
assert_exit 64 "$PBR" report --pcc "$PCC" --from 2025Q4 --to 2026Q1 --format pdf --out "$TMP/e.csv"
assert_exit 69 env PGHOST=/nonexistent PGPORT=1 "$PBR" report --pcc "$PCC" --from 2025Q4 --to 2026Q1 --format csv --out "$TMP/e.csv"
assert_true "nothing written on errors" test ! -e "$TMP/e.csv"

finish
