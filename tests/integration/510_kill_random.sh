#!/usr/bin/env bash
# 510_kill_random: SIGKILL at 100 random moments of a run.  After each kill
# nothing partial or unrecorded is at a final name, and a re-run completes
# the files, equal to a crash-free run.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
. "$(dirname "$0")/faults_lib.sh"

KILLS=${PBR_KILLS:-100}
make_template 20000

fresh_db "${PGDATABASE}_ref"
REF=$TMP/ref
mkdir -p "$REF"
t0=$(date +%s%N)
PGDATABASE=${PGDATABASE}_ref "$PBR" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$REF" >/dev/null ||
	die "reference run failed"
span_us=$((($(date +%s%N) - t0) / 1000))
echo "a whole run takes about ${span_us} µs; kills fall in 0..120% of that"

killed_mid=0
for i in $(seq 1 "$KILLS"); do
	db=${PGDATABASE}_k
	dir=$TMP/k
	rm -rf "$dir" && mkdir -p "$dir"
	fresh_db "$db"
	delay_us=$(((RANDOM * 32768 + RANDOM) % (span_us * 12 / 10 + 1)))
	PGDATABASE=$db "$PBR" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$dir" >/dev/null 2>&1 &
	pid=$!
	# seconds.microseconds: 1500000 µs is 1.500000 s (not 0.1500000)
	sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
	if kill -9 "$pid" 2>/dev/null; then killed_mid=$((killed_mid + 1)); fi
	wait "$pid" 2>/dev/null
	problems=$(consistent "$db" "$dir" "kill $i at ${delay_us}µs")
	if [ -n "$problems" ]; then fail "$problems"; else CHECKS=$((CHECKS + 1)); fi
	recover "$db" "$dir" "kill $i at ${delay_us}µs"
done
dropdb --if-exists "${PGDATABASE}_k"
echo "kills tried: $KILLS, of which $killed_mid landed while the run was still going"
assert_true "at least a quarter of the kills hit a running process" [ "$killed_mid" -ge $((KILLS / 4)) ]
finish
