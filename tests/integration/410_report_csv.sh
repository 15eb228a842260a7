#!/usr/bin/env bash
# 410_report_csv: demo data settled for 2025Q4; for every statement, the
# CSV of `report --format csv` has a line per PCC area and a TOTAL line;
# the areas' pence sum exactly to the TOTAL line and to the statement's
# BinaryPence, FrequencyPence and TotalPence; pounds are the pence with a
# decimal point.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PERIOD=2025Q4
migrate
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period "$PERIOD" --out "$OUT"

# column number of a header name
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }

n=0
for X in "$OUT"/*-"$PERIOD"-1.xml; do
	[ -s "$X" ] || continue
	id=$(basename "$X" .xml)
	C=$TMP/$id.csv
	assert_exit 0 "$PBR" report "$X" --format csv --out "$C"
	areas=$(xcount "$X" /SettlementStatement/Cohort/PccArea)
	assert_eq "$((areas + 2))" "$(wc -l <"$C")" "$id: header + $areas areas + TOTAL"
	assert_eq TOTAL "$(tail -1 "$C" | cut -d, -f"$(col "$C" pcc_code)")" "$id: last line is TOTAL"
	for comp in binary frequency total; do
		c=$(col "$C" "${comp}_pence")
		sum=$(( $(sed "1d;\$d" "$C" | cut -d, -f"$c" | paste -sd+ -) ))
		line=$(tail -1 "$C" | cut -d, -f"$c")
		case $comp in
		binary) el=BinaryPence ;;
		frequency) el=FrequencyPence ;;
		total) el=TotalPence ;;
		esac
		assert_eq "$line" "$sum" "$id: PCC ${comp}_pence sum to the TOTAL line"
		assert_eq "$(sx "$X" "Cohort/$el")" "$line" "$id: TOTAL ${comp}_pence = statement $el"
		# pounds column: the same pence with a point
		p=$(tail -1 "$C" | cut -d, -f"$(col "$C" "${comp}_pounds")")
		assert_eq "$line" "$(printf '%s' "$p" | tr -d '.' | sed 's/^\(-\?\)0*\([0-9]\)/\1\2/')" \
			"$id: TOTAL ${comp}_pounds is the pence"
	done
	n=$((n + 1))
done
assert_true "checked some statements ($n)" test "$n" -gt 0

finish
