#!/usr/bin/env bash
# 770_demo_hints: issue 11 #14.  Every command the demo prints at its end
# works as printed, as the user who ran the demo (root here): DIR/env
# names the demo's database, and the history hint starts the cluster and
# lists the ledger (the first statements of every period settled).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# the demo in a build directory of its own, with this engine
B=$TMP/build
mkdir -p "$B"
ln -s "$PBR" "$B/pbr-settle"
PBR_DEMO_MEMBERS=20000 "$SRCDIR/scripts/demo.sh" "$B" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
	{ tail -20 "$TMP/demo.out" "$TMP/demo.err"; die "the demo failed"; }
stop() { "$SRCDIR/tests/cluster.sh" stop "$B/demo" >/dev/null 2>&1 || true; }
trap stop EXIT

assert_match 'PGDATABASE=pbr_demo' "$(cat "$B/demo/env")" "demo/env names the demo's database"
# the commands it prints: the indented lines after "The cluster is stopped"
sed -n '/^The cluster is stopped/,$p' "$TMP/demo.out" | sed -n 's/^  //p' >"$TMP/hints"
assert_eq 2 "$(grep -c . "$TMP/hints")" "two commands printed"
i=0
while IFS= read -r cmd; do
	i=$((i + 1))
	CHECKS=$((CHECKS + 1))
	# a clean environment: nothing of this test's PG* settings
	if env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE bash -c "$cmd" >"$TMP/hint$i.out" 2>"$TMP/hint$i.err"; then
		pass "hint $i works as printed: $cmd"
	else
		fail "hint $i fails: $cmd: $(head -3 "$TMP/hint$i.err")"
	fi
done <"$TMP/hints"
# the history hint listed the ledger: 21 contracts x 4 periods
assert_eq 84 "$(grep -cE '^CRC[0-9]+-20[0-9]{2}Q[1-4]-1 ' "$TMP/hint1.out")" "history lists the 84 statements"
assert_true "the stop hint stopped the cluster" bash -c "! '$SRCDIR/tests/cluster.sh' status '$B/demo'"
# with the cluster started again, the environment names the demo's database
"$SRCDIR/tests/cluster.sh" start "$B/demo" >/dev/null || die "cannot restart the demo cluster"
assert_match 'PGDATABASE=pbr_demo' "$(cat "$B/demo/env")" "a restart keeps the demo's database in env"
finish
