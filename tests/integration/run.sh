#!/usr/bin/env bash
# run.sh - runs the integration tests against a fresh private cluster.
#
#   tests/integration/run.sh [BUILD_DIR] [TEST...]
#
# BUILD_DIR (default: build) holds pbr-settle.  TEST names select tests
# (030, 030_run_figures or 030_run_figures.sh); PBR_TEST=PATTERN selects
# those whose name contains PATTERN.  Every tests/integration/NNN_*.sh runs
# in its own new database with PBR, PGDATABASE, TMP, SRCDIR and DATA set;
# its output goes to BUILD_DIR/itest/logs/NAME.log.  A test that exits 77
# could not run a part here (lib.sh `skip`: a tool or a privilege missing)
# and counts as skipped, not passed.  Ends with the line
# "N passed, N failed, N skipped"; exits 1 if any failed, or, when CI=true
# (where .ci/run installs everything every test needs), if any was skipped.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)

BUILD=$SRCDIR/build
if [ "$#" -gt 0 ] && [ -d "$1" ]; then
	BUILD=$(cd "$1" && pwd)
	shift
fi
PBR=$BUILD/pbr-settle
DATADIR=$SRCDIR/tests/data
ITEST=$BUILD/itest
LOGS=$ITEST/logs
TIMEOUT=${PBR_TEST_TIMEOUT:-900}

if [ ! -x "$PBR" ]; then
	printf 'run.sh: %s not built (run make)\n' "$PBR" >&2
	exit 2
fi

# ---- pick the tests --------------------------------------------------------
tests=()
for t in "$HERE"/[0-9][0-9][0-9]_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ "$#" -gt 0 ]; then
		want=0
		for a in "$@"; do
			a=$(basename "$a" .sh)
			case $name in
			"$a" | "$a"_*) want=1 ;;
			esac
		done
		[ "$want" -eq 1 ] || continue
	fi
	if [ -n "${PBR_TEST:-}" ]; then
		case $name in
		*"$PBR_TEST"*) ;;
		*) continue ;;
		esac
	fi
	tests+=("$t")
done
if [ "${#tests[@]}" -eq 0 ]; then
	printf 'run.sh: no test selected\n' >&2
	exit 2
fi

# ---- one run at a time per build directory ----------------------------------
mkdir -p "$BUILD"
exec 9>"$BUILD/itest.lock"
if ! flock -w 1800 9; then
	printf 'run.sh: another run holds %s\n' "$BUILD/itest.lock" >&2
	exit 2
fi

# ---- a fresh cluster, stopped on every way out -----------------------------
stop_cluster() {
	"$SRCDIR/tests/cluster.sh" stop "$ITEST" >/dev/null 2>&1 || true
}
on_exit() {
	stop_cluster
}
child=
on_signal() {
	printf '\nrun.sh: interrupted\n' >&2
	if [ -n "$child" ]; then
		kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	exit 130
}
trap on_exit EXIT
trap on_signal INT TERM HUP

if [ -f "$ITEST/data/PG_VERSION" ]; then
	stop_cluster
fi
rm -rf "$ITEST"
mkdir -p "$LOGS"
if ! "$SRCDIR/tests/cluster.sh" start "$ITEST"; then
	printf 'run.sh: cannot start the test cluster\n' >&2
	exit 2
fi
# shellcheck source=/dev/null
. "$ITEST/env"
export PGHOST PGPORT PGUSER

# ---- run -------------------------------------------------------------------
passed=0
failed=0
skipped=0
failed_names=()
skipped_names=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	db=t_$(printf '%s' "$name" | tr -c 'a-zA-Z0-9_' '_')
	log=$LOGS/$name.log
	secs=0
	scratch=$ITEST/tmp/$name
	rm -rf "$scratch"
	mkdir -p "$scratch"
	dropdb --if-exists "$db" >/dev/null 2>&1
	if ! createdb "$db" >"$log" 2>&1; then
		rc=2
	else
		start=$(date +%s)
		# in the background so that a signal reaches the trap at once;
		# timeout makes the test its own process group, which on_signal ends
		(cd "$scratch" && PGDATABASE=$db PBR=$PBR TMP=$scratch SRCDIR=$SRCDIR DATA=$DATADIR \
			exec timeout "$TIMEOUT" bash "$t") >>"$log" 2>&1 </dev/null &
		child=$!
		wait "$child"
		rc=$?
		child=
		secs=$(($(date +%s) - start))
	fi
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %s (%ss)\n' "$name" "${secs:-0}"
	elif [ "$rc" -eq 77 ] && grep -q '^SKIP: ' "$log"; then
		# 77 from lib.sh's finish after a `skip`, not a command's 77
		skipped=$((skipped + 1))
		skipped_names+=("$name")
		printf 'SKIP %s (%ss)\n' "$name" "${secs:-0}"
		sed -n 's/^SKIP: /    | /p' "$log"
	else
		failed=$((failed + 1))
		failed_names+=("$name")
		printf 'FAIL %s (exit %s)\n' "$name" "$rc"
		sed 's/^/    | /' "$log"
	fi
done

if [ "$failed" -gt 0 ]; then
	printf 'failed: %s\n' "${failed_names[*]}"
fi
if [ "$skipped" -gt 0 ]; then
	printf 'skipped: %s\n' "${skipped_names[*]}"
fi
printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	printf 'run.sh: CI=true and %d test(s) skipped a part; .ci/run installs every tool they need\n' "$skipped"
	exit 1
fi
[ "$failed" -eq 0 ]
