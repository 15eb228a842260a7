#!/usr/bin/env bash
# 096_verify_and_lock: `verify` accepts a statement it wrote (0) and reports
# a tampered figure or changed inputs (1); a missing file is 66.  A run
# holds an advisory lock per (contract, period): a concurrent run with
# --no-wait exits 75 writing nothing, one without waits and then finds the
# period settled with the same inputs (byte-identical, nothing recorded).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
mkdir -p "$TMP/out" "$TMP/b" "$TMP/c"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# ---- the lock ------------------------------------------------------------------
# Hold a SHARE lock on the ledger table: run A gets its advisory lock, reads,
# and then waits to insert its ledger row.
psql -X -q -c "BEGIN; LOCK TABLE pbr.settlement IN SHARE MODE; SELECT pg_sleep(5); COMMIT;" \
	>/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE relation = 'pbr.settlement'::regclass
	          AND mode = 'ShareLock' AND granted")" = 1 ] && break
	sleep 0.1
done
"$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out" >"$TMP/a.out" 2>&1 &
run_a=$!
# wait until A waits for the table lock
for _ in $(seq 1 50); do
	[ "$(q "SELECT count(*) FROM pg_stat_activity
	         WHERE wait_event_type = 'Lock' AND datname = current_database()")" -ge 1 ] && break
	sleep 0.1
done
assert_exit 75 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/b" --no-wait
assert_one_line "$LAST_ERR" "lock held: one line"
assert_empty_dir "$TMP/b" "lock held: nothing written"
# another contract is not blocked
assert_exit 0 "$PBR" run --period 2025Q4 --contract SOUTH --out "$TMP/b" --dry-run --no-wait
"$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/c" >"$TMP/c.out" 2>&1 &
run_c=$!
wait "$run_a"
assert_eq 0 "$?" "run A exit code"
wait "$run_c"
assert_eq 0 "$?" "run C (waited) exit code"
wait "$holder"
assert_eq 1 "$(ledger)" "one ledger row for the two runs"
assert_true "the waiting run wrote the same statement" \
	cmp -s "$TMP/out/NORTH-2025Q4-1.xml" "$TMP/c/NORTH-2025Q4-1.xml"

# ---- verify ---------------------------------------------------------------------
X=$TMP/out/NORTH-2025Q4-1.xml
# SPEC 7: an unsigned statement is NOT SIGNED (exit 1) unless --allow-unsigned
assert_exit 1 "$PBR" verify "$X"
assert_match '^NOT SIGNED' "$(cat "$LAST_OUT")" "unsigned: verify says NOT SIGNED"
assert_match 'NOT SIGNED \(every other check passed\)' "$(cat "$LAST_OUT")" "unsigned: the rest was checked"
assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "unsigned: no MISMATCH line"
assert_one_line "$LAST_ERR" "unsigned: stderr"
assert_match 'NOT SIGNED' "$(cat "$LAST_ERR")" "unsigned: stderr says NOT SIGNED"
assert_exit 0 "$PBR" verify --allow-unsigned "$X"
assert_match 'verified' "$(cat "$LAST_OUT")" "--allow-unsigned: verified"
assert_match 'note NOT SIGNED' "$(cat "$LAST_OUT")" "--allow-unsigned: still notes it"
sed 's|<TotalPence>310780</TotalPence>|<TotalPence>310781</TotalPence>|' "$X" >"$TMP/tampered.xml"
cp "$TMP/out/NORTH-2025Q4-1-annex.csv" "$TMP/tampered-annex.csv"
assert_exit 1 "$PBR" verify --allow-unsigned "$TMP/tampered.xml"
assert_true "the mismatch names TotalPence" grep -q TotalPence "$LAST_OUT"
assert_exit 66 "$PBR" verify --allow-unsigned "$TMP/none.xml"
# inputs changed after settlement: the recomputation differs
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'M02'" >/dev/null
assert_exit 1 "$PBR" verify --allow-unsigned "$X"
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 2 WHERE offender_ref = 'M02'" >/dev/null
assert_exit 0 "$PBR" verify --allow-unsigned "$X"

finish
