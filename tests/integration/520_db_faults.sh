#!/usr/bin/env bash
# 520_db_faults: the database goes away.  A run waiting on its lock when
# the cluster is stopped with -m immediate, and a run whose connection is
# refused at start, each end with one clear line, exit 69 or 74, nothing at
# a final name and no ledger row; after a restart the run succeeds.
# Uses a cluster of its own, so the shared one is never stopped.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

PG=$TMP/pg
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
stop_pg() { "$SRCDIR/tests/cluster.sh" stop "$PG" >/dev/null 2>&1 || true; }
trap stop_pg EXIT
"$SRCDIR/tests/cluster.sh" start "$PG" >/dev/null || die "cannot start a private cluster"
# shellcheck disable=SC1091
. "$PG/env"
export PGDATABASE=faults
createdb faults || die "createdb"
migrate
"$PBR" demo-data --members 20000 --seed 3 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
OUT=$TMP/out
mkdir -p "$OUT"
tried=0

# 1. Stopped mid-run: the run waits on the advisory lock another session
# holds (2025Q4 is quarter index 8103), then the server stops under it.
mkfifo "$TMP/hold"
(psql -X -q -c "SELECT pg_advisory_lock(hashtext('pbr-settle:CRC01'), 8103)" \
	-c "SELECT pg_sleep(60)" >/dev/null 2>&1 <"$TMP/hold") &
holder=$!
exec 9>"$TMP/hold"
sleep 0.5
"$PBR" run --unsigned --period 2025Q4 --contract CRC01 --out "$OUT" >"$TMP/run.out" 2>"$TMP/run.err" &
runner=$!
sleep 0.5
owner=postgres
[ "$(id -u)" -eq 0 ] || owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
	runuser -u "$owner" -- "$PGBIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null
else
	"$PGBIN/pg_ctl" -D "$PG/data" -m immediate stop >/dev/null
fi
wait "$runner"
rc=$?
exec 9>&-
wait "$holder" 2>/dev/null
tried=$((tried + 1))
case $rc in 69 | 74) assert_eq ok ok "stopped mid-run: exit $rc" ;; *) fail "stopped mid-run: exit $rc, expected 69 or 74" ;; esac
assert_eq 1 "$(wc -l <"$TMP/run.err" | tr -d ' ')" "stopped mid-run: one line on stderr ($(cat "$TMP/run.err"))"
assert_eq 0 "$(find "$OUT" -name '*.xml' -o -name '*.csv' | wc -l | tr -d ' ')" "stopped mid-run: nothing at a final name"

# 2. Refused at start: the server is down.
assert_exit 69 "$PBR" run --unsigned --period 2025Q4 --contract CRC01 --out "$OUT"
tried=$((tried + 1))
assert_eq 1 "$(wc -l <"$LAST_ERR" | tr -d ' ')" "refused: one line on stderr"
assert_match "cannot connect" "$(cat "$LAST_ERR")" "refused: says it cannot connect"
assert_exit 69 "$PBR" verify "$SRCDIR/tests/data/sample-statement.xml"
tried=$((tried + 1))

# 3. Restart: the same run succeeds, and it is the only ledger row.
"$SRCDIR/tests/cluster.sh" start "$PG" >/dev/null || die "restart"
# shellcheck disable=SC1091
. "$PG/env"
export PGDATABASE=faults
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract CRC01 --out "$OUT"
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement")" "after the restart: one ledger row"
assert_true "after the restart: the statement is there" [ -f "$OUT/CRC01-2025Q4-1.xml" ]
echo "database faults tried: $tried"
finish
