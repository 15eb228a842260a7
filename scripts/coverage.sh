#!/usr/bin/env bash
# coverage.sh [BUILD_DIR [TEST...]] - make coverage: line and branch
# coverage of engine/ by the unit and integration suites (TEST names pick
# integration tests as run.sh does; default all).
#
# Builds the program, its fault build and the unit tests with gcc
# -O0 --coverage under BUILD_DIR (default build/cov), runs build/cov's
# unit tests and then tests/integration/run.sh against that build, and
# prints one line per engine file: lines hit/total and %, branches taken/
# total and % (gcovr, branches of compiler-generated code left out), then
# the totals.  The HTML detail goes to BUILD_DIR/coverage/index.html.
# Exits 1 if a suite failed (the figures are printed all the same).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC" || exit 2
COV=${1:-build/cov}
[ "$#" -gt 0 ] && shift
mkdir -p "$COV"
COV=$(cd "$COV" && pwd)
FLAGS="-O0 -g --coverage -fprofile-update=atomic"

command -v gcovr >/dev/null 2>&1 || {
	echo "coverage: gcovr is not installed (make deps)" >&2
	exit 2
}
make -s --no-print-directory BUILD="$COV" CC=gcc CFLAGS="$FLAGS" all faults || exit 2

# the unit tests, one object per source so that each has its own notes
UNIT=$COV/unit
mkdir -p "$UNIT"
objs=()
# shellcheck disable=SC2046 # a list of paths
for c in tests/unit/*.c $(make -s --no-print-directory print-unit-link); do
	o=$UNIT/$(basename "$(dirname "$c")")-$(basename "$c" .c).o
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $FLAGS -Iengine -c "$c" -o "$o" || exit 2
	objs+=("$o")
done
gcc $FLAGS "${objs[@]}" -lcunit -o "$UNIT/unit_tests" || exit 2

find "$COV" -name '*.gcda' -delete
status=0
"$UNIT/unit_tests" >"$COV/unit.log" 2>&1 || { echo "coverage: unit tests failed (see $COV/unit.log)"; status=1; }
tests/integration/run.sh "$COV" "$@" || status=1

mkdir -p "$COV/coverage"
gcovr -r "$SRC" --filter 'engine/' --exclude-unreachable-branches --gcov-ignore-parse-errors \
	--json-summary "$COV/coverage/summary.json" \
	--html-details "$COV/coverage/index.html" "$COV" >/dev/null || exit 2
python3 - "$COV/coverage/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
fmt = "%-24s %6s %6s %6s  %6s %6s %6s"
print(fmt % ("file", "lines", "hit", "%", "branch", "taken", "%"))
def pct(v):   # gcovr gives None for a file without lines or branches
    return "-" if v is None else "%.1f" % v
for f in sorted(s["files"], key=lambda f: f["filename"]):
    print(fmt % (f["filename"], f["line_total"], f["line_covered"], pct(f["line_percent"]),
                 f["branch_total"], f["branch_covered"], pct(f["branch_percent"])))
print(fmt % ("TOTAL", s["line_total"], s["line_covered"], pct(s["line_percent"]),
             s["branch_total"], s["branch_covered"], pct(s["branch_percent"])))
EOF
echo "coverage: detail in $COV/coverage/index.html"
exit $status
