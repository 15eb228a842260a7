#!/usr/bin/env bash
# bench.sh BUILD_DIR - the performance benchmark behind `make bench`.
#
# For each size N in PBR_BENCH_SIZES (default "1000000 10000000") it
#   - loads `pbr-settle demo-data --members N --seed 1` into a private
#     cluster under BUILD_DIR/bench (kept between runs: a marker file
#     BUILD_DIR/bench/loaded-N records what is loaded, so the second
#     `make bench` starts measuring at once), then relabels every cohort to
#     2024Q1 so that ONE run (period 2025Q4) settles all N rows;
#   - measures PBR_BENCH_REPS times (default 3), interleaved:
#       floor   psql running, in one session, the exact COPY statements the
#               engine ran (captured from the server log of an untimed
#               warm-up run), as \copy (...) TO '/dev/null';
#       engine  pbr-settle run --period 2025Q4 --dry-run, signed with a
#               throwaway RSA key: validation, pricing, annex, XML, digests
#               and signature, only the ledger INSERT left out (a dry run
#               records nothing, so every repeat does the full work instead
#               of reissuing an unchanged statement);
#       jobs    the same with --jobs 2, when the engine has --jobs;
#     and the peak RSS of every engine run (/usr/bin/time);
#   - prints min and median seconds, engine/floor ratio, rows per second and
#     peak RSS, checks them against the targets (reported, never asserted:
#     the exit status says only whether the benchmark ran), and writes the
#     report to BUILD_DIR/bench/results.txt.
#
# Environment: PBR_BENCH_SIZES, PBR_BENCH_REPS, PBR_BENCH_DIR (default
# BUILD_DIR/bench), PBR_BENCH_JOBS (default 2; 0 skips the parallel runs).
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
PBR=$BUILD/pbr-settle
BENCH=${PBR_BENCH_DIR:-$BUILD/bench}
SIZES=${PBR_BENCH_SIZES:-"1000000 10000000"}
REPS=${PBR_BENCH_REPS:-3}
JOBS=${PBR_BENCH_JOBS:-2}
SEED=1
PERIOD=2025Q4
COHORT=2024Q1
# Bump when the relabelling below changes: cached data sets are reloaded.
LAYOUT=relabel-2024Q1-v1
RESULTS=$BENCH/results.txt
TARGET_RATIO=1.2
TARGET_RSS_MIB=64
TARGET_RSS_SPREAD_PCT=10
TARGET_LOAD_S=180

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench.sh: $*"
	exit 1
}

[ -x "$PBR" ] || die "$PBR not built (make OPT=-O2 all)"
case $REPS in '' | *[!0-9]* | 0) die "PBR_BENCH_REPS must be a positive integer" ;; esac
for n in $SIZES; do
	case $n in '' | *[!0-9]* | 0*) die "PBR_BENCH_SIZES: '$n' is not a row count" ;; esac
done

# ---- tools -----------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" -eq 0 ]; then
		say "bench.sh: installing GNU time (peak RSS)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null ||
			die "apt-get install time failed"
	else
		die "/usr/bin/time missing: sudo apt-get install -y time"
	fi
fi
for tool in psql createdb dropdb openssl awk sort; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# ---- cluster (data kept, server stopped on every way out) ------------------
mkdir -p "$BENCH" "$BENCH/logs"
stop() { "$SRC/tests/cluster.sh" stop "$BENCH" >/dev/null 2>&1 || true; }
trap stop EXIT
trap 'exit 130' INT TERM HUP
"$SRC/tests/cluster.sh" start "$BENCH" >/dev/null
# shellcheck source=/dev/null
. "$BENCH/env"
export PGHOST PGPORT PGUSER
SERVER_LOG=$BENCH/log/postgres.log

KEYS=$BENCH/keys
if [ ! -f "$KEYS/key.pem" ]; then
	mkdir -p "$KEYS"
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-subj "/CN=pbr-settle bench throwaway key" \
		-keyout "$KEYS/key.pem" -out "$KEYS/cert.pem" 2>/dev/null
	chmod 600 "$KEYS/key.pem"
fi

has_jobs=0
run_usage=$("$PBR" run --help 2>&1 || true)
case $run_usage in
*--jobs*) [ "$JOBS" -gt 0 ] && has_jobs=1 ;;
esac

# ---- helpers ---------------------------------------------------------------
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# min and median of the numbers on stdin, "MIN MEDIAN"
stats() {
	sort -g | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.3f %.3f\n", v[1], m }'
}
maxof() { sort -g | tail -n 1; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { printf f, (b > 0 ? a / b : 0) }'; }

bench_sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

# What a cached data set must match: its size, seed and layout, and the
# generator's output, probed on 1000 rows in a scratch database (so that an
# edit of the generator that changes no row keeps the cache).
PROBE=
data_stamp() {
	if [ -z "$PROBE" ]; then
		dropdb --if-exists pbr_bench_probe >/dev/null 2>&1
		createdb pbr_bench_probe
		PGDATABASE=pbr_bench_probe "$PBR" migrate >/dev/null
		PGDATABASE=pbr_bench_probe "$PBR" demo-data --members 1000 --seed "$SEED" >/dev/null
		PROBE=$(PGDATABASE=pbr_bench_probe PGDATESTYLE=ISO bench_sql -c "SELECT md5(string_agg(
			concat_ws('|', offender_ref, cohort_quarter, cpa_code, pcc_code, start_date,
			          predicted_binary_ppm, predicted_frequency_milli, needs,
			          reoffence_count, outcome_status), E'\\n' ORDER BY offender_ref COLLATE \"C\",
			start_date, cohort_quarter COLLATE \"C\", needs COLLATE \"C\"))
			FROM pbr.cohort_member")
		dropdb pbr_bench_probe
	fi
	printf 'members=%s seed=%s layout=%s probe=%s\n' "$1" "$SEED" "$LAYOUT" "$PROBE"
}

# Every row of a well-formed quarter moves to cohort 2024Q1, keeping its
# place inside (or outside, for WRONG_QUARTER rows) the quarter; the
# malformed quarters stay malformed.  Duplicates keep their pairing.
relabel_sql() {
	cat <<EOF
UPDATE pbr.cohort_member m SET cohort_quarter = '$COHORT', start_date = CASE
    WHEN m.start_date IS NULL THEN NULL
    WHEN m.start_date < q.q0 THEN date '2024-01-01' - (q.q0 - m.start_date)
    WHEN m.start_date >= q.q1 THEN date '2024-04-01' + (m.start_date - q.q1)
    ELSE date '2024-01-01' + least(m.start_date - q.q0, 90) END
  FROM (SELECT y.quarter, y.q0, (y.q0 + interval '3 months')::date AS q1
          FROM (SELECT DISTINCT cohort_quarter AS quarter,
                       make_date(left(cohort_quarter, 4)::int,
                                 3 * right(cohort_quarter, 1)::int - 2, 1) AS q0
                  FROM pbr.cohort_member
                 WHERE cohort_quarter ~ '^[0-9]{4}Q[1-4]$') y) q
 WHERE m.cohort_quarter = q.quarter AND m.cohort_quarter <> '$COHORT';
VACUUM FULL pbr.cohort_member;
ANALYZE pbr.cohort_member;
EOF
}

# load N: makes database pbr_bench_N hold the data set, unless the marker
# says it already does.  Sets LOAD_S, RELABEL_S and LOAD_NOTE.
load() {
	local n=$1 db=pbr_bench_$1 marker=$BENCH/loaded-$1 stamp t
	stamp=$(data_stamp "$n")
	if [ -f "$marker" ] && [ "$(head -n 1 "$marker")" = "$stamp" ] &&
		bench_sql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		LOAD_S=$(sed -n 's/^load_s=//p' "$marker")
		RELABEL_S=$(sed -n 's/^relabel_s=//p' "$marker")
		LOAD_NOTE="cached, loaded $(sed -n 's/^loaded_at=//p' "$marker")"
		PGDATABASE=$db "$PBR" migrate >/dev/null
		return 0
	fi
	say "== loading $n demo rows into $db (kept for the next run)"
	rm -f "$marker"
	dropdb --if-exists "$db"
	createdb "$db"
	PGDATABASE=$db "$PBR" migrate >/dev/null
	t=$(now_ns)
	PGDATABASE=$db "$PBR" demo-data --members "$n" --seed "$SEED" >&2
	LOAD_S=$(secs_since "$t")
	say "   demo-data: ${LOAD_S} s"
	t=$(now_ns)
	relabel_sql | PGDATABASE=$db bench_sql >/dev/null
	RELABEL_S=$(secs_since "$t")
	say "   relabel to cohort $COHORT + VACUUM FULL + ANALYZE: ${RELABEL_S} s"
	printf '%s\nload_s=%s\nrelabel_s=%s\nloaded_at=%s\n' "$stamp" "$LOAD_S" \
		"$RELABEL_S" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$marker"
	LOAD_NOTE="loaded now"
}

# engine_run LOG RSSFILE [run options...]: one timed run into a fresh
# directory; prints its wall-clock seconds.
engine_run() {
	local log=$1 rssf=$2 out=$BENCH/out t s
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	sync
	t=$(now_ns)
	if ! /usr/bin/time -f '%M %U %S' -o "$rssf" "$PBR" run --period "$PERIOD" --out "$out" \
		--dry-run --sign-key "$KEYS/key.pem" --sign-cert "$KEYS/cert.pem" "$@" \
		>"$log" 2>&1; then
		sed 's/^/    | /' "$log" | tail -n 20 >&2
		die "engine run failed (log: $log)"
	fi
	s=$(secs_since "$t")
	# every row of the cohort went through: members + rejected of the table
	local settled
	settled=$(awk '$1 ~ /^[A-Z0-9_-]+$/ && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { s += $2 + $3 } END { print s + 0 }' "$log")
	[ "$settled" = "$ROWS" ] || die "engine settled $settled rows, expected $ROWS (log: $log)"
	printf '%s\n' "$s"
}

# usage_of FILE [PREFIX]: "rss_kb=K cpu=S" from /usr/bin/time's "%M %U %S"
usage_of() {
	tail -n 1 "$1" | awk -v p="${2:-}" '{ printf "%srss_kb=%d %scpu=%.2f", p, $1, p, $2 + $3 }'
}

floor_run() {
	local t
	sync
	t=$(now_ns)
	bench_sql -f "$1" >/dev/null || die "floor query failed ($1)"
	secs_since "$t"
}

# ---- measure ---------------------------------------------------------------
host="$(nproc) CPU, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
pgver=$(bench_sql -d postgres -c 'SHOW server_version')
ver=$("$PBR" --version 2>&1 | head -n 1)
rows_of=()
declare -A R

for n in $SIZES; do
	load "$n"
	export PGDATABASE=pbr_bench_$n
	ROWS=$(bench_sql -c "SELECT count(*) FROM pbr.cohort_member m JOIN pbr.contract c
		ON c.cpa_code = m.cpa_code AND c.first_cohort <= '$COHORT' AND c.last_cohort >= '$COHORT'
		WHERE m.cohort_quarter = '$COHORT'")
	ncontracts=$(bench_sql -c "SELECT count(*) FROM pbr.contract
		WHERE first_cohort <= '$COHORT' AND last_cohort >= '$COHORT'")
	say "== $n demo rows: period $PERIOD settles $ROWS rows of $ncontracts contracts"

	# Warm-up run (untimed), with the server logging every statement: the
	# COPY statements it ran become the floor, text for text.
	floor=$BENCH/floor-$n.sql
	off=$(stat -c %s "$SERVER_LOG")
	PGOPTIONS='-c log_statement=all' engine_run "$BENCH/logs/warmup-$n.log" \
		"$BENCH/logs/warmup-$n.rss" >/dev/null
	tail -c +"$((off + 1))" "$SERVER_LOG" |
		grep -o 'statement: COPY (SELECT .*) TO STDOUT$' |
		sed -e 's/^statement: COPY /\\copy /' -e "s|) TO STDOUT\$|) TO '/dev/null'|" >"$floor"
	[ "$(grep -c . "$floor")" -eq "$ncontracts" ] ||
		die "captured $(grep -c . "$floor") COPY statements from $SERVER_LOG, expected $ncontracts"

	: >"$BENCH/logs/times-$n"
	for rep in $(seq 1 "$REPS"); do
		f=$(floor_run "$floor")
		e=$(engine_run "$BENCH/logs/run-$n-$rep.log" "$BENCH/logs/rss-$n-$rep")
		line="rep=$rep floor=$f engine=$e $(usage_of "$BENCH/logs/rss-$n-$rep")"
		if [ "$has_jobs" -eq 1 ]; then
			j=$(engine_run "$BENCH/logs/jobs-$n-$rep.log" "$BENCH/logs/jrss-$n-$rep" --jobs "$JOBS")
			line="$line jobs=$j $(usage_of "$BENCH/logs/jrss-$n-$rep" jobs_)"
		fi
		say "   $line"
		printf '%s\n' "$line" >>"$BENCH/logs/times-$n"
	done
	rm -rf "$BENCH/out"

	t="$BENCH/logs/times-$n"
	field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$t"; }
	read -r fmin fmed < <(field floor | stats)
	read -r emin emed < <(field engine | stats)
	rss=$(field rss_kb | maxof)
	read -r cmin _ < <(field cpu | stats)
	R[$n.cpu]=$cmin
	R[$n.rows]=$ROWS R[$n.fmin]=$fmin R[$n.fmed]=$fmed R[$n.emin]=$emin R[$n.emed]=$emed
	R[$n.rss]=$rss R[$n.load]=$LOAD_S R[$n.relabel]=$RELABEL_S R[$n.note]=$LOAD_NOTE
	if [ "$has_jobs" -eq 1 ]; then
		read -r jmin jmed < <(field jobs | stats)
		R[$n.jmin]=$jmin R[$n.jmed]=$jmed R[$n.jrss]=$(field jobs_rss_kb | maxof)
		read -r cmin _ < <(field jobs_cpu | stats)
		R[$n.jcpu]=$cmin
	fi
	rows_of+=("$n")
done

# ---- report ----------------------------------------------------------------
verdict() { if [ "$1" -eq 1 ]; then printf 'met'; else printf 'MISSED'; fi; }
{
	printf 'pbr-settle benchmark, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf 'engine: %s (%s); PostgreSQL %s; %s\n' "$ver" "$PBR" "$pgver" "$host"
	printf 'data: demo-data --members N --seed %s, every cohort relabelled to %s, so one\n' "$SEED" "$COHORT"
	printf '  run of period %s settles all of it (21 contracts, one COPY each)\n' "$PERIOD"
	printf 'engine: pbr-settle run --period %s --dry-run --sign-key (RSA-2048): draft\n' "$PERIOD"
	printf '  statements + annexes, digests and signature; the ledger records nothing,\n'
	printf '  so each of the %s repeats does the full work\n' "$REPS"
	printf 'floor: psql -f, one session, \\copy (<the COPY statements the engine ran>)\n'
	printf "  TO '/dev/null', summed over the contracts\n"
	printf 'times: wall-clock seconds, min / median of %s; ratio = engine / floor;\n' "$REPS"
	printf '  CPU s = user + system seconds of the engine process alone (the server\n'
	printf '  does the scan and sort in both); load average at the start: %s\n\n' "$LOADAVG"
	printf '%9s %10s %17s %17s %11s %9s %9s %7s\n' "demo rows" "rows run" \
		"floor s" "engine s" "ratio" "rows/s" "peak RSS" "CPU s"
	printf '%9s %10s %17s %17s %11s %9s %9s %7s\n' "" "" "min / med" "min / med" \
		"min / med" "(min)" "MiB" "(min)"
	for n in "${rows_of[@]}"; do
		printf '%9s %10s %17s %17s %11s %9s %9s %7s\n' "$n" "${R[$n.rows]}" \
			"${R[$n.fmin]} / ${R[$n.fmed]}" "${R[$n.emin]} / ${R[$n.emed]}" \
			"$(div "${R[$n.emin]}" "${R[$n.fmin]}" %.2f) / $(div "${R[$n.emed]}" "${R[$n.fmed]}" %.2f)" \
			"$(div "${R[$n.rows]}" "${R[$n.emin]}" %.0f)" \
			"$(div "${R[$n.rss]}" 1024 %.1f)" "${R[$n.cpu]}"
	done
	if [ "$has_jobs" -eq 1 ]; then
		printf '\nwith --jobs %s (ratio against the same sequential floor):\n' "$JOBS"
		for n in "${rows_of[@]}"; do
			printf '%9s %10s %17s %17s %11s %9s %9s %7s\n' "$n" "${R[$n.rows]}" \
				"${R[$n.fmin]} / ${R[$n.fmed]}" "${R[$n.jmin]} / ${R[$n.jmed]}" \
				"$(div "${R[$n.jmin]}" "${R[$n.fmin]}" %.2f) / $(div "${R[$n.jmed]}" "${R[$n.fmed]}" %.2f)" \
				"$(div "${R[$n.rows]}" "${R[$n.jmin]}" %.0f)" \
				"$(div "${R[$n.jrss]}" 1024 %.1f)" "${R[$n.jcpu]}"
		done
	else
		printf '\n(no --jobs runs: the engine has no --jobs option, or PBR_BENCH_JOBS=0)\n'
	fi
	printf '\nload: demo-data seconds (then relabel + VACUUM FULL + ANALYZE seconds)\n'
	for n in "${rows_of[@]}"; do
		printf '%11s %9s s  (+ %s s)  %s\n' "$n" "${R[$n.load]}" "${R[$n.relabel]}" "${R[$n.note]}"
	done

	printf '\ntargets (reported, not asserted):\n'
	small=${rows_of[0]}
	big=${rows_of[${#rows_of[@]} - 1]}
	ok=$(awk -v e="${R[$big.emin]}" -v f="${R[$big.fmin]}" -v t="$TARGET_RATIO" 'BEGIN { print (e <= t * f) ? 1 : 0 }')
	printf '  engine/floor <= %s at %s rows: %s (%s)\n' "$TARGET_RATIO" "$big" \
		"$(div "${R[$big.emin]}" "${R[$big.fmin]}" %.2f)" "$(verdict "$ok")"
	maxrss=0
	for n in "${rows_of[@]}"; do
		[ "${R[$n.rss]}" -gt "$maxrss" ] && maxrss=${R[$n.rss]}
		if [ "$has_jobs" -eq 1 ] && [ "${R[$n.jrss]}" -gt "$maxrss" ]; then maxrss=${R[$n.jrss]}; fi
	done
	ok=$(awk -v r="$maxrss" -v t="$TARGET_RSS_MIB" 'BEGIN { print (r <= t * 1024) ? 1 : 0 }')
	printf '  peak RSS <= %s MiB: %s MiB (%s)\n' "$TARGET_RSS_MIB" "$(div "$maxrss" 1024 %.1f)" "$(verdict "$ok")"
	if [ "$small" != "$big" ]; then
		spread=$(awk -v a="${R[$small.rss]}" -v b="${R[$big.rss]}" 'BEGIN { d = b - a; if (d < 0) d = -d; printf "%.1f", 100 * d / a }')
		ok=$(awk -v s="$spread" -v t="$TARGET_RSS_SPREAD_PCT" 'BEGIN { print (s <= t) ? 1 : 0 }')
		printf '  peak RSS within %s%% between %s and %s rows: %s%% (%s)\n' \
			"$TARGET_RSS_SPREAD_PCT" "$small" "$big" "$spread" "$(verdict "$ok")"
	fi
	for n in "${rows_of[@]}"; do
		[ "$n" -ge 10000000 ] || continue
		ok=$(awk -v s="${R[$n.load]}" -v t="$TARGET_LOAD_S" 'BEGIN { print (s < t) ? 1 : 0 }')
		printf '  demo-data of %s rows < %s s: %s s (%s)\n' "$n" "$TARGET_LOAD_S" "${R[$n.load]}" "$(verdict "$ok")"
	done
	printf '\nraw: %s/logs/times-N (per repeat), logs/run-*.log, floor-N.sql\n' "$BENCH"
} | tee "$RESULTS"
say "results: $RESULTS"
