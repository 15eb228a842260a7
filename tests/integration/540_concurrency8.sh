#!/usr/bin/env bash
# 540_concurrency8: eight runs at once over overlapping contracts and
# periods.  Every (contract, period) is settled exactly once, every run
# ends 0 (the losers wait and then reissue), no deadlock.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
"$PBR" demo-data --members 20000 --seed 9 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
OUT=$TMP/out
mkdir -p "$OUT"
pids=()
i=0
for period in 2025Q4 2026Q1; do
	for set in "CRC01 CRC02 CRC03" "CRC03 CRC02" "CRC01 CRC04" "ALL"; do
		args=()
		if [ "$set" != ALL ]; then
			for c in $set; do args+=(--contract "$c"); done
		fi
		timeout 120 "$PBR" run --unsigned --period "$period" "${args[@]}" --out "$OUT" \
			>"$TMP/r$i.out" 2>"$TMP/r$i.err" &
		pids+=($!)
		i=$((i + 1))
	done
done
for n in "${!pids[@]}"; do
	wait "${pids[$n]}"
	assert_eq 0 "$?" "run $n ended well ($(tail -1 "$TMP/r$n.err"))"
done
assert_eq 42 "$(q "SELECT count(*) FROM pbr.settlement")" "42 ledger rows: 21 contracts x 2 periods"
assert_eq 0 "$(q "SELECT count(*) FROM (SELECT contract_id, period FROM pbr.settlement GROUP BY 1, 2 HAVING count(*) > 1) d")" "no (contract, period) twice"
assert_eq 42 "$(find "$OUT" -name '*-[0-9].xml' | wc -l | tr -d ' ')" "42 statements on disk"
echo "concurrent runs tried: ${#pids[@]}"
finish
