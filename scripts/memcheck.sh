#!/usr/bin/env bash
# memcheck.sh BUILD_DIR - one full signed settlement (21 contracts), its
# verify and a report under valgrind: 0 errors and 0 bytes definitely or
# indirectly lost, or it fails.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
PBR=$BUILD/pbr-settle
DIR=$BUILD/memcheck
stop() { "$SRC/tests/cluster.sh" stop "$DIR" >/dev/null 2>&1 || true; }
trap stop EXIT
rm -rf "$DIR/out" && mkdir -p "$DIR/out"
if [ -f "$DIR/data/PG_VERSION" ]; then stop; rm -rf "$DIR/data"; fi
"$SRC/tests/cluster.sh" start "$DIR" >/dev/null
# shellcheck disable=SC1091
. "$DIR/env"
export PGDATABASE=postgres
"$PBR" migrate >/dev/null
"$PBR" demo-data --members 20000 --seed 1 >/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=memcheck" \
	-keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
VG=(valgrind --quiet --error-exitcode=42 --leak-check=full
	"--errors-for-leak-kinds=definite,indirect" "--show-leak-kinds=definite,indirect"
	--suppressions="$SRC/tests/valgrind.supp")
echo "memcheck: run (21 contracts, signed)"
"${VG[@]}" "$PBR" run --period 2025Q4 --out "$DIR/out" \
	--sign-key "$DIR/key.pem" --sign-cert "$DIR/cert.pem" >/dev/null 2>"$DIR/run.err" ||
	{ cat "$DIR/run.err"; exit 1; }
echo "memcheck: run --jobs 2 (re-run, reissue path)"
"${VG[@]}" "$PBR" run --unsigned --period 2025Q4 --out "$DIR/out" --jobs 2 >/dev/null 2>"$DIR/run2.err" ||
	{ cat "$DIR/run2.err"; exit 1; }
f=$(ls "$DIR"/out/*-1.xml | head -1)
echo "memcheck: verify $(basename "$f")"
"${VG[@]}" "$PBR" verify "$f" --cert "$DIR/cert.pem" >/dev/null 2>"$DIR/verify.err" ||
	{ cat "$DIR/verify.err"; exit 1; }
echo "memcheck: report"
"${VG[@]}" "$PBR" report "$f" --format html --out "$DIR/out/r.html" 2>"$DIR/report.err" ||
	{ cat "$DIR/report.err"; exit 1; }
echo "memcheck: import (a refused file, then a good one)"
cpa=$(psql -X -qAt -c "SELECT min(code) FROM pbr.cpa")
H=offender_ref,cohort_quarter,cpa_code,pcc_code,start_date,predicted_binary_ppm,predicted_frequency_milli,needs,reoffence_count,outcome_status
printf '%s\n' "$H" "MC1,2024Q1,$cpa,,2024-01-02,1,1,,0,final" "MC2,2024q1,NOPE,,x,1,1,\"A\"B,0" >"$DIR/bad.csv"
printf '\357\273\277%s\r\n' "$H" "MC1,2024Q1,$cpa,,2024-01-02,1,1,,0,final" >"$DIR/good.csv"
rc=0
"${VG[@]}" "$PBR" import cohort "$DIR/bad.csv" 2>"$DIR/import.err" || rc=$?
[ "$rc" -eq 65 ] || { cat "$DIR/import.err"; exit 1; }
"${VG[@]}" "$PBR" import cohort "$DIR/good.csv" >/dev/null 2>"$DIR/import2.err" ||
	{ cat "$DIR/import2.err"; exit 1; }
echo "memcheck: 0 errors, 0 leaks"
