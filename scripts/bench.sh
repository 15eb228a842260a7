#!/usr/bin/env bash
# bench.sh BUILD_DIR - the performance benchmark behind `make bench`.
#
# For each size N in PBR_BENCH_SIZES (default "1000000 10000000") it
#   - loads `pbr-settle demo-data --members N --seed 1` into a private
#     cluster under BUILD_DIR/bench (kept between runs: a marker file
#     BUILD_DIR/bench/loaded-N records what is loaded, so the second
#     `make bench` starts measuring at once), then relabels every cohort to
#     2024Q1 so that ONE run (period 2025Q4) settles all N rows; migrates
#     and VACUUMs it (what a deployment does after a load);
#   - measures PBR_BENCH_REPS times (default 3), interleaved:
#       sorted    the floor: one psql \copy of the cohort's 9 columns for
#                 every CPA in one statement, sorted as the rules need it,
#                   \copy (SELECT <9 columns> FROM pbr.cohort_member
#                          WHERE cohort_quarter = '2024Q1'
#                          ORDER BY cpa_code, offender_ref COLLATE "C")
#                         TO '/dev/null'
#                 -- it does not depend on how the engine reads;
#       unsorted  the same without ORDER BY: the physical limit, what the
#                 server needs just to hand the rows over;
#       engine    pbr-settle run --period 2025Q4 --dry-run, signed with a
#                 throwaway RSA key: validation, pricing, annex, XML, digests
#                 and signature, only the ledger INSERT left out (a dry run
#                 records nothing, so every repeat does the full work instead
#                 of reissuing an unchanged statement);
#       jobs      the same with --jobs 2, when the engine has --jobs;
#     and the peak RSS and CPU seconds of every engine run (/usr/bin/time);
#   - prints min / median seconds, the ratios engine/sorted, jobs/sorted and
#     engine/unsorted taken pair by pair within each repeat (min / median
#     over the repeats), rows per second and peak RSS; the plans of the
#     floor and of the engine's read of the largest cohort; checks them
#     against the targets (reported, never asserted: the exit status says
#     only whether the benchmark ran), and writes the report to
#     BUILD_DIR/bench/results.txt.
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
TARGET_SORTED=1.0
TARGET_JOBS_SORTED=0.8
TARGET_UNSORTED=2.0
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
for tool in psql createdb dropdb openssl awk sort paste; do
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
# per-repeat ratios of two columns of a times file: "MIN MEDIAN"
ratios() { # FILE NUM DEN
	paste -d' ' <(sed -n "s/.* $2=\([0-9.]*\).*/\1/p" "$1") <(sed -n "s/.* $3=\([0-9.]*\).*/\1/p" "$1") |
		awk '$2 > 0 { printf "%.4f\n", $1 / $2 }' | stats
}
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
# says it already does.  Sets LOAD_S, RELABEL_S, INDEX_S and LOAD_NOTE.
load() {
	local n=$1 db=pbr_bench_$1 marker=$BENCH/loaded-$1 stamp t
	stamp=$(data_stamp "$n")
	if [ -f "$marker" ] && [ "$(head -n 1 "$marker")" = "$stamp" ] &&
		bench_sql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
		LOAD_S=$(sed -n 's/^load_s=//p' "$marker")
		RELABEL_S=$(sed -n 's/^relabel_s=//p' "$marker")
		INDEX_S=$(sed -n 's/^index_s=//p' "$marker")
		INDEX_S=${INDEX_S:-?}
		LOAD_NOTE="cached, loaded $(sed -n 's/^loaded_at=//p' "$marker")"
		PGDATABASE=$db "$PBR" migrate >/dev/null
		return 0
	fi
	say "== loading $n demo rows into $db (kept for the next run)"
	rm -f "$marker"
	dropdb --if-exists "$db"
	createdb "$db"
	PGDATABASE=$db "$PBR" migrate >/dev/null
	# A bulk load's usual practice: migration 0010's covering index is
	# dropped for the load and built once afterwards (inserting 10 M rows
	# in random offender_ref order into it costs far more than one build).
	PGDATABASE=$db bench_sql -c "DROP INDEX pbr.cohort_member_read, pbr.cohort_member_read_oversized;
		DROP STATISTICS pbr.cohort_member_row_bytes" >/dev/null
	t=$(now_ns)
	PGDATABASE=$db "$PBR" demo-data --members "$n" --seed "$SEED" >&2
	LOAD_S=$(secs_since "$t")
	say "   demo-data: ${LOAD_S} s"
	t=$(now_ns)
	relabel_sql | PGDATABASE=$db bench_sql >/dev/null
	RELABEL_S=$(secs_since "$t")
	say "   relabel to cohort $COHORT + VACUUM FULL + ANALYZE: ${RELABEL_S} s"
	t=$(now_ns)
	PGDATABASE=$db bench_sql -f "$SRC/migrations/0010_cohort_read_index.sql" >/dev/null
	INDEX_S=$(secs_since "$t")
	say "   migration 0010's indexes built: ${INDEX_S} s"
	printf '%s\nload_s=%s\nrelabel_s=%s\nindex_s=%s\nloaded_at=%s\n' "$stamp" "$LOAD_S" \
		"$RELABEL_S" "$INDEX_S" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$marker"
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

	# After a load a deployment VACUUMs (autovacuum does it within a
	# minute or so): the visibility map lets migration 0010's index hand
	# the rows over without visiting the table.
	t=$(now_ns)
	bench_sql -c "VACUUM (ANALYZE) pbr.cohort_member" >/dev/null
	VACUUM_S=$(secs_since "$t")

	cols="offender_ref, cohort_quarter, pcc_code, start_date, predicted_binary_ppm,
		predicted_frequency_milli, needs, reoffence_count, outcome_status"
	[ "$(bench_sql -c "SELECT count(*) FROM pbr.cohort_member WHERE cohort_quarter = '$COHORT'")" = "$ROWS" ] ||
		die "the floor's rows (cohort $COHORT, every CPA) are not the $ROWS rows the engine settles"
	sorted_sql="SELECT $(echo $cols) FROM pbr.cohort_member WHERE cohort_quarter = '$COHORT' ORDER BY cpa_code, offender_ref COLLATE \"C\""
	unsorted_sql="SELECT $(echo $cols) FROM pbr.cohort_member WHERE cohort_quarter = '$COHORT'"
	printf '\\copy (%s) TO '"'/dev/null'"'\n' "$sorted_sql" >"$BENCH/floor-sorted.sql"
	printf '\\copy (%s) TO '"'/dev/null'"'\n' "$unsorted_sql" >"$BENCH/floor-unsorted.sql"

	# Warm-up run (untimed), with the server logging every statement: the
	# engine's own reads, for the plans in the report.
	off=$(stat -c %s "$SERVER_LOG")
	PGOPTIONS='-c log_statement=all' engine_run "$BENCH/logs/warmup-$n.log" \
		"$BENCH/logs/warmup-$n.rss" >/dev/null
	tail -c +"$((off + 1))" "$SERVER_LOG" | grep -o 'statement: COPY (SELECT .*) TO STDOUT$' |
		sed -e 's/^statement: COPY (//' -e 's/) TO STDOUT$//' >"$BENCH/engine-reads-$n.sql"
	nreads=$(grep -c . "$BENCH/engine-reads-$n.sql" || true)
	big=$(bench_sql -c "SELECT cpa_code FROM pbr.cohort_member WHERE cohort_quarter = '$COHORT'
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	{
		printf '== %s rows: the floor (sorted)\n' "$n"
		bench_sql -c "EXPLAIN $sorted_sql"
		printf '== the engine: %s COPY statements for %s contracts; its main read of %s\n' \
			"$nreads" "$ncontracts" "$big"
		bench_sql -c "EXPLAIN $(grep "'$big'" "$BENCH/engine-reads-$n.sql" | grep -v 'NOT (' | head -n 1)"
	} >"$BENCH/plans-$n.txt" 2>&1

	: >"$BENCH/logs/times-$n"
	for rep in $(seq 1 "$REPS"); do
		f=$(floor_run "$BENCH/floor-sorted.sql")
		u=$(floor_run "$BENCH/floor-unsorted.sql")
		e=$(engine_run "$BENCH/logs/run-$n-$rep.log" "$BENCH/logs/rss-$n-$rep")
		line="rep=$rep sorted=$f unsorted=$u engine=$e $(usage_of "$BENCH/logs/rss-$n-$rep")"
		if [ "$has_jobs" -eq 1 ]; then
			j=$(engine_run "$BENCH/logs/jobs-$n-$rep.log" "$BENCH/logs/jrss-$n-$rep" --jobs "$JOBS")
			line="$line jobs=$j $(usage_of "$BENCH/logs/jrss-$n-$rep" jobs_)"
		fi
		line="$line load=$(cut -d' ' -f1 /proc/loadavg)"
		say "   $line"
		printf '%s\n' "$line" >>"$BENCH/logs/times-$n"
	done
	rm -rf "$BENCH/out"

	t="$BENCH/logs/times-$n"
	field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$t"; }
	read -r fmin fmed < <(field sorted | stats)
	read -r umin umed < <(field unsorted | stats)
	read -r emin emed < <(field engine | stats)
	read -r r1min r1med < <(ratios "$t" engine sorted)
	read -r r3min r3med < <(ratios "$t" engine unsorted)
	read -r lmin lmax < <(field load | sort -g | sed -n '1p;$p' | paste -sd' ')
	rss=$(field rss_kb | maxof)
	read -r cmin _ < <(field cpu | stats)
	R[$n.cpu]=$cmin R[$n.umin]=$umin R[$n.umed]=$umed
	R[$n.r1min]=$r1min R[$n.r1med]=$r1med R[$n.r3min]=$r3min R[$n.r3med]=$r3med
	R[$n.lmin]=$lmin R[$n.lmax]=${lmax:-$lmin} R[$n.vacuum]=$VACUUM_S
	R[$n.rows]=$ROWS R[$n.fmin]=$fmin R[$n.fmed]=$fmed R[$n.emin]=$emin R[$n.emed]=$emed
	R[$n.rss]=$rss R[$n.load]=$LOAD_S R[$n.relabel]=$RELABEL_S R[$n.note]=$LOAD_NOTE
	R[$n.index]=$INDEX_S
	if [ "$has_jobs" -eq 1 ]; then
		read -r jmin jmed < <(field jobs | stats)
		read -r r2min r2med < <(ratios "$t" jobs sorted)
		R[$n.jmin]=$jmin R[$n.jmed]=$jmed R[$n.jrss]=$(field jobs_rss_kb | maxof)
		R[$n.r2min]=$r2min R[$n.r2med]=$r2med
		read -r cmin _ < <(field jobs_cpu | stats)
		R[$n.jcpu]=$cmin
	fi
	rows_of+=("$n")
done

# ---- report ----------------------------------------------------------------
verdict() { if [ "$1" -eq 1 ]; then printf 'met'; else printf 'MISSED'; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
{
	printf 'pbr-settle benchmark, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf 'engine: %s (%s); PostgreSQL %s; %s\n' "$ver" "$PBR" "$pgver" "$host"
	printf 'data: demo-data --members N --seed %s, every cohort relabelled to %s, so one\n' "$SEED" "$COHORT"
	printf '  run of period %s settles all of it (21 contracts)\n' "$PERIOD"
	printf 'engine: pbr-settle run --period %s --dry-run --sign-key (RSA-2048): draft\n' "$PERIOD"
	printf '  statements + annexes, digests and signature; the ledger records nothing,\n'
	printf '  so each of the %s repeats does the full work\n' "$REPS"
	printf 'sorted (the floor): psql \\copy (SELECT <the 9 cohort columns> FROM\n'
	printf '  pbr.cohort_member WHERE cohort_quarter = %s ORDER BY cpa_code,\n' "'$COHORT'"
	printf '  offender_ref COLLATE "C") TO /dev/null, every CPA in one statement\n'
	printf 'unsorted: the same without ORDER BY (the physical limit)\n'
	printf 'times: wall-clock seconds, min / median of %s; ratios taken pair by pair\n' "$REPS"
	printf '  within each repeat, min / median; CPU s = user + system seconds of the\n'
	printf '  engine process alone; load average at the start: %s\n\n' "$LOADAVG"
	printf '%9s %10s %15s %15s %15s %11s %11s %9s %8s %6s\n' "demo rows" "rows run" \
		"sorted s" "unsorted s" "engine s" "eng/sorted" "eng/unsort" "rows/s" "RSS MiB" "CPU s"
	for n in "${rows_of[@]}"; do
		printf '%9s %10s %15s %15s %15s %11s %11s %9s %8s %6s\n' "$n" "${R[$n.rows]}" \
			"${R[$n.fmin]} / ${R[$n.fmed]}" "${R[$n.umin]} / ${R[$n.umed]}" \
			"${R[$n.emin]} / ${R[$n.emed]}" \
			"$(printf '%.2f / %.2f' "${R[$n.r1min]}" "${R[$n.r1med]}")" \
			"$(printf '%.2f / %.2f' "${R[$n.r3min]}" "${R[$n.r3med]}")" \
			"$(div "${R[$n.rows]}" "${R[$n.emin]}" %.0f)" \
			"$(div "${R[$n.rss]}" 1024 %.1f)" "${R[$n.cpu]}"
	done
	if [ "$has_jobs" -eq 1 ]; then
		printf '\nwith --jobs %s:\n' "$JOBS"
		printf '%9s %10s %15s %15s %11s %9s %8s %6s\n' "demo rows" "rows run" "sorted s" \
			"jobs s" "jobs/sorted" "rows/s" "RSS MiB" "CPU s"
		for n in "${rows_of[@]}"; do
			printf '%9s %10s %15s %15s %11s %9s %8s %6s\n' "$n" "${R[$n.rows]}" \
				"${R[$n.fmin]} / ${R[$n.fmed]}" "${R[$n.jmin]} / ${R[$n.jmed]}" \
				"$(printf '%.2f / %.2f' "${R[$n.r2min]}" "${R[$n.r2med]}")" \
				"$(div "${R[$n.rows]}" "${R[$n.jmin]}" %.0f)" \
				"$(div "${R[$n.jrss]}" 1024 %.1f)" "${R[$n.jcpu]}"
		done
	else
		printf '\n(no --jobs runs: the engine has no --jobs option, or PBR_BENCH_JOBS=0)\n'
	fi
	printf '\nload average during the repeats (1 min): '
	for n in "${rows_of[@]}"; do printf '%s rows %s..%s; ' "$n" "${R[$n.lmin]}" "${R[$n.lmax]}"; done
	printf '\nload: demo-data seconds (then relabel + VACUUM FULL + ANALYZE; then the\n'
	printf '  build of migration 0010'"'"'s indexes; then VACUUM ANALYZE before measuring)\n'
	for n in "${rows_of[@]}"; do
		printf '%11s %9s s  (+ %s s; + %s s; + %s s)  %s\n' "$n" "${R[$n.load]}" "${R[$n.relabel]}" \
			"${R[$n.index]}" "${R[$n.vacuum]}" "${R[$n.note]}"
	done

	printf '\ntargets (reported, not asserted; on the medians of the paired ratios):\n'
	for n in "${rows_of[@]}"; do
		printf '  %s rows: engine/sorted <= %s: %.2f (%s); engine/unsorted <= %s: %.2f (%s)' "$n" \
			"$TARGET_SORTED" "${R[$n.r1med]}" "$(verdict "$(le "${R[$n.r1med]}" "$TARGET_SORTED")")" \
			"$TARGET_UNSORTED" "${R[$n.r3med]}" "$(verdict "$(le "${R[$n.r3med]}" "$TARGET_UNSORTED")")"
		if [ "$has_jobs" -eq 1 ]; then
			printf '; jobs/sorted <= %s: %.2f (%s)' "$TARGET_JOBS_SORTED" "${R[$n.r2med]}" \
				"$(verdict "$(le "${R[$n.r2med]}" "$TARGET_JOBS_SORTED")")"
		fi
		printf '\n'
	done
	small=${rows_of[0]}
	big=${rows_of[${#rows_of[@]} - 1]}
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
	for n in "${rows_of[@]}"; do
		printf '\n'
		sed 's/^/  /' "$BENCH/plans-$n.txt"
	done
	printf '\nraw: %s/logs/times-N (per repeat), logs/run-*.log, floor-*.sql, engine-reads-N.sql\n' "$BENCH"
} | tee "$RESULTS"
say "results: $RESULTS"
