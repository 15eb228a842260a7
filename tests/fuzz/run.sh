#!/usr/bin/env bash
# run.sh - builds and runs the libFuzzer harnesses of tests/fuzz.
#
#   tests/fuzz/run.sh [SECONDS | -runs=N] [TARGET...]
#
# SECONDS (default 60) is the time per target; -runs=N runs N inputs per
# target instead.  TARGET names select harnesses (fuzz_copytext or
# copytext); by default all run.  Binaries, the working corpus and
# crash artifacts go to $BUILD/fuzz (BUILD defaults to build); the seed
# corpora in tests/fuzz/corpus/<target>/ are read, never written.
# FUZZ_TIMEOUT (default 10) is the seconds one input may take (raise it
# on a loaded machine: a starved process is not a slow input).
# Prints one line per target, "fuzz_copytext: 20000 runs, 0 crashes", and
# exits 1 if any target crashed (the artifact path and the libFuzzer log
# are printed then), 2 if the harnesses cannot be built.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) ;;
*) BUILD=$SRCDIR/$BUILD ;;
esac
OUT=$BUILD/fuzz
CLANG=${CLANG:-clang}
ALL_TARGETS="fuzz_copytext fuzz_needs fuzz_period fuzz_validate fuzz_tariff fuzz_statement fuzz_import"

mode=(-max_total_time=60)
what="60 s"
if [ "$#" -gt 0 ]; then
	case $1 in
	-runs=[0-9]*) mode=("$1"); what=${1#-runs=}" runs"; shift ;;
	[0-9]*) mode=(-max_total_time="$1"); what="$1 s"; shift ;;
	esac
fi
targets=""
for a in "$@"; do
	a=${a#fuzz_}
	case " $ALL_TARGETS " in
	*" fuzz_$a "*) targets="$targets fuzz_$a" ;;
	*) printf 'run.sh: unknown target %s (have: %s)\n' "$a" "$ALL_TARGETS" >&2; exit 2 ;;
	esac
done
[ -n "$targets" ] || targets=$ALL_TARGETS

# ---- a compiler with libFuzzer -----------------------------------------------
have_libfuzzer() {
	command -v "$CLANG" >/dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
		>"$OUT/probe.c"
	"$CLANG" -fsanitize=fuzzer "$OUT/probe.c" -o "$OUT/probe" >/dev/null 2>&1
}
mkdir -p "$OUT"
if ! have_libfuzzer; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		pkgs=""
		for p in clang libclang-rt-14-dev; do
			if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
				pkgs="$pkgs $p"
			fi
		done
		printf 'run.sh: installing%s\n' "$pkgs" >&2
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null 2>&1 || true
	fi
	if ! have_libfuzzer; then
		printf 'run.sh: clang with libFuzzer (-fsanitize=fuzzer) is not available; install clang and libclang-rt-dev\n' >&2
		exit 2
	fi
fi

# ---- build ---------------------------------------------------------------------
CFLAGS_FUZZ="-g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
PURE="$SRCDIR/engine/core.c $SRCDIR/engine/parse.c $SRCDIR/engine/util.c $SRCDIR/engine/copytext.c $SRCDIR/engine/monitor.c"
PKGS="libpq libxml-2.0 libxslt libexslt xmlsec1-openssl libcrypto"
# sources TARGET: the engine files a harness links, and its extra flags
# (the pure ones alone; the statement reader needs the whole engine but
# main.c, with libpq, libxml2, libxslt and xmlsec1)
sources() {
	case $1 in
	fuzz_tariff) printf '%s' "$PURE $SRCDIR/engine/tariff_file.c" ;;
	fuzz_import) printf '%s' "$PURE $SRCDIR/engine/import_csv.c" ;;
	fuzz_statement)
		for f in "$SRCDIR"/engine/*.c; do
			[ "$(basename "$f")" = main.c ] || printf '%s ' "$f"
		done ;;
	*) printf '%s' "$PURE" ;;
	esac
}
libs() {
	case $1 in
	fuzz_statement)
		printf '%s %s -lpthread -DPBR_SRCDIR="%s" -DPBR_VERSION="fuzz"' \
			"$(pkg-config --cflags $PKGS)" "$(pkg-config --libs $PKGS)" "$SRCDIR" ;;
	esac
}
for t in $targets; do
	src=$HERE/$t.c
	bin=$OUT/$t
	srcs=$(sources "$t")
	# shellcheck disable=SC2086 # srcs is a list of paths
	if [ ! -x "$bin" ] || [ -n "$(find "$src" $srcs "$SRCDIR"/engine/*.h -newer "$bin" 2>/dev/null)" ]; then
		# shellcheck disable=SC2046,SC2086
		if ! "$CLANG" $CFLAGS_FUZZ -I"$SRCDIR/engine" "$src" $srcs $(libs "$t") -o "$bin" 2>"$OUT/$t.build.log"; then
			printf 'run.sh: building %s failed:\n' "$t" >&2
			cat "$OUT/$t.build.log" >&2
			exit 2
		fi
	fi
done

# max_len TARGET: the longest input libFuzzer makes (statements are 5-10 KB)
max_len() {
	case $1 in
	fuzz_statement) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

# ---- run -----------------------------------------------------------------------
failed=0
for t in $targets; do
	work=$OUT/corpus/$t
	art=$OUT/artifacts/$t/
	log=$OUT/$t.log
	mkdir -p "$work" "$art"
	seeds=$HERE/corpus/$t
	[ -d "$seeds" ] || seeds=
	# the working corpus first: libFuzzer adds new inputs to the first dir
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" "${mode[@]}" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
		-print_final_stats=1 -artifact_prefix="$art" "$work" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		printf '%s: %s runs, 0 crashes\n' "$t" "$runs"
	else
		failed=$((failed + 1))
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		printf '%s: %s runs, 1 crash (exit %s; log %s)\n' "$t" "${runs:-?}" "$rc" "$log"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|artifact' "$log" | head -n 20 | sed 's/^/    /'
	fi
done
printf 'fuzz: %s per target, %d target(s) crashed\n' "$what" "$failed"
[ "$failed" -eq 0 ]
