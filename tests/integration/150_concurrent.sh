#!/usr/bin/env bash
# 150_concurrent: runs of one period started at the same time (SPEC 7: an
# advisory lock per (contract, period); a second run waits, or with
# --no-wait exits 75).  2 and then 4 simultaneous runs: all exit 0, exactly
# one ledger row per contract, byte-identical files.  A lock held from psql
# (the key the engine documents: hashtext('pbr-settle:' || contract),
# year*4 + quarter-1) makes `run --no-wait` exit 75 and a plain run wait.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv; period 2025Q4:
# AUD T 105 000, AUD2 T 90 000 (worked in 100_signing).
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
rows_per_contract() { q "SELECT string_agg(contract_id || '=' || n, ',' ORDER BY contract_id) FROM (SELECT contract_id, count(*) n FROM pbr.settlement GROUP BY 1) s"; }

# together N PERIOD: starts N runs at once (each into $TMP/cN/i), waits,
# and checks every exit code is 0
together() {
	local n=$1 period=$2 i pids=() rc
	for i in $(seq 1 "$n"); do
		mkdir -p "$TMP/c$n/$i"
	done
	for i in $(seq 1 "$n"); do
		"$PBR" run --unsigned --allow-empty --period "$period" --out "$TMP/c$n/$i" >"$TMP/c$n/$i.out" 2>"$TMP/c$n/$i.err" &
		pids+=("$!")
	done
	for i in $(seq 1 "$n"); do
		wait "${pids[$((i - 1))]}"
		rc=$?
		assert_eq 0 "$rc" "$n at once: run $i exit code"
		[ "$rc" -eq 0 ] && continue
		sed 's/^/    stderr: /' "$TMP/c$n/$i.err"
	done
}

# all_same N NAME: the file NAME is byte-identical in every run's directory
all_same() {
	local n=$1 name=$2 i
	for i in $(seq 2 "$n"); do
		assert_true "$n at once: $name of run $i = run 1" cmp -s "$TMP/c$n/1/$name" "$TMP/c$n/$i/$name"
	done
}

# ---- two at once, 2025Q4 ----------------------------------------------------------
together 2 2025Q4
assert_eq "AUD=1,AUD2=1" "$(rows_per_contract)" "2 at once: one ledger row per contract"
for name in AUD-2025Q4-1.xml AUD-2025Q4-1-annex.csv AUD2-2025Q4-1.xml AUD2-2025Q4-1-annex.csv; do
	all_same 2 "$name"
done
assert_fig "$TMP/c2/1/AUD-2025Q4-1.xml" Cohort/TotalPence 105000
assert_eq 1 "$(cat "$TMP"/c2/*.out | grep -c 'AUD-2025Q4-1.xml (issued)')" "2 at once: AUD issued by exactly one run"
assert_eq "$(sha256sum <"$TMP/c2/1/AUD-2025Q4-1.xml" | cut -d' ' -f1)" \
	"$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = 'AUD-2025Q4-1'")" "2 at once: the recorded digest is the file's"

# ---- four at once, a fresh period: 2026Q1 (cohort 2024Q2) ---------------------------
# cohort 2024Q2 has one pending row (P01); make it final
sql -c "UPDATE pbr.cohort_member SET outcome_status = 'final', reoffence_count = 0 WHERE offender_ref = 'P01'" >/dev/null
together 4 2026Q1
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement WHERE contract_id = 'AUD' AND period = '2026Q1'")" "4 at once: one AUD row"
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement WHERE contract_id = 'AUD2' AND period = '2026Q1'")" "4 at once: one AUD2 row"
assert_eq 4 "$(ledger)" "4 at once: 4 rows in all"
for name in AUD-2026Q1-1.xml AUD-2026Q1-1-annex.csv AUD2-2026Q1-1.xml AUD2-2026Q1-1-annex.csv; do
	all_same 4 "$name"
done
assert_eq 1 "$(cat "$TMP"/c4/*.out | grep -c 'AUD-2026Q1-1.xml (issued)')" "4 at once: AUD issued by exactly one run"
# and four at once into the same directory: one set of files, no temporaries left
mkdir -p "$TMP/same"
pids=()
for i in 1 2 3 4; do
	"$PBR" run --unsigned --allow-empty --period 2026Q1 --out "$TMP/same" >/dev/null 2>"$TMP/same.$i.err" &
	pids+=("$!")
done
for i in 1 2 3 4; do
	wait "${pids[$((i - 1))]}"
	assert_eq 0 "$?" "same directory: run $i exit code"
done
assert_eq 6 "$(find "$TMP/same" -type f | wc -l)" "same directory: 4 files, the manifest and the unassigned list, no temporaries"
assert_true "same directory: statement as before" cmp -s "$TMP/same/AUD-2026Q1-1.xml" "$TMP/c4/1/AUD-2026Q1-1.xml"
assert_eq 4 "$(ledger)" "same directory: nothing new recorded"

# ---- three restatements at once: one seq 2, the others reissue it -----------------
# A01 f 1500 -> 2000 (T 105 000 -> 115 000, see 120_restatement_chain)
sql -c "UPDATE pbr.cohort_member SET predicted_frequency_milli = 2000 WHERE offender_ref = 'A01'" >/dev/null
pids=()
for i in 1 2 3; do
	mkdir -p "$TMP/r/$i"
	"$PBR" run --unsigned --allow-empty --period 2025Q4 --contract AUD --out "$TMP/r/$i" --restate --reason "A01 corrected" \
		>"$TMP/r/$i.out" 2>"$TMP/r/$i.err" &
	pids+=("$!")
done
for i in 1 2 3; do
	wait "${pids[$((i - 1))]}"
	assert_eq 0 "$?" "restatement $i of 3 at once: exit code"
done
assert_eq 2 "$(q "SELECT count(*) FROM pbr.settlement WHERE contract_id = 'AUD' AND period = '2025Q4'")" \
	"3 restatements at once: exactly one seq 2"
for i in 2 3; do
	assert_true "restatement $i of 3: same AUD-2025Q4-2.xml" cmp -s "$TMP/r/1/AUD-2025Q4-2.xml" "$TMP/r/$i/AUD-2025Q4-2.xml"
done
assert_fig "$TMP/r/1/AUD-2025Q4-2.xml" Cohort/TotalPence 115000
assert_eq 1 "$(cat "$TMP"/r/*.out | grep -c 'AUD-2025Q4-2.xml (restated)')" "restated by exactly one run"
sql -c "UPDATE pbr.cohort_member SET predicted_frequency_milli = 1500 WHERE offender_ref = 'A01'" >/dev/null

# ---- a lock held elsewhere ------------------------------------------------------------
# Period 2026Q2 (cohort 2024Q3, no rows: it settles with 0 members), not
# settled yet; its lock index is 2026*4 + 2 - 1 = 8105.  A psql session fed
# through a FIFO takes the lock and keeps it until told to unlock.
mkdir -p "$TMP/nowait" "$TMP/wait"
FIFO=$TMP/holder.fifo
mkfifo "$FIFO"
psql -X -q -v ON_ERROR_STOP=1 <"$FIFO" >"$TMP/holder.out" 2>&1 &
HOLDER=$!
exec 8>"$FIFO"
printf "SELECT pg_advisory_lock(hashtext('pbr-settle:' || 'AUD'), 8105);\n" >&8
held=0
for _ in $(seq 1 100); do
	if [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 8105 AND granted")" = 1 ]; then
		held=1
		break
	fi
	sleep 0.1
done
[ "$held" -eq 1 ] || die "the psql session did not take the lock ($(cat "$TMP/holder.out"))"

assert_exit 75 "$PBR" run --unsigned --allow-empty --period 2026Q2 --contract AUD --out "$TMP/nowait" --no-wait
assert_one_line "$LAST_ERR" "--no-wait: one line on stderr"
assert_match 'AUD' "$(cat "$LAST_ERR")" "--no-wait names the contract"
assert_match '2026Q2' "$(cat "$LAST_ERR")" "--no-wait names the period"
assert_empty_dir "$TMP/nowait" "--no-wait: nothing written"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.settlement WHERE period = '2026Q2'")" "--no-wait: nothing recorded"
# the other contract is not locked
assert_exit 0 "$PBR" run --unsigned --allow-empty --period 2026Q2 --contract AUD2 --out "$TMP/nowait" --no-wait
# a plain run waits for the lock...
"$PBR" run --unsigned --allow-empty --period 2026Q2 --contract AUD --out "$TMP/wait" >"$TMP/wait.out" 2>"$TMP/wait.err" &
WAITER=$!
sleep 2
assert_true "a plain run waits while the lock is held" kill -0 "$WAITER"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.settlement WHERE contract_id = 'AUD' AND period = '2026Q2'")" "waiting: nothing recorded yet"
# ...and goes on once it is released
printf "SELECT pg_advisory_unlock(hashtext('pbr-settle:' || 'AUD'), 8105);\n" >&8
exec 8>&-
wait "$HOLDER"
wait "$WAITER"
assert_eq 0 "$?" "the waiting run finishes once the lock is released"
assert_eq 1 "$(q "SELECT count(*) FROM pbr.settlement WHERE contract_id = 'AUD' AND period = '2026Q2'")" "the waiting run recorded one row"
assert_true "the waiting run wrote its statement" test -s "$TMP/wait/AUD-2026Q2-1.xml"

# ---- 2025Q4's lock: index 2025*4 + 3 = 8103 ----------------------------------------
psql -X -q -c "SELECT pg_advisory_lock(hashtext('pbr-settle:' || 'AUD'), 8103), pg_sleep(30)" >/dev/null 2>&1 &
HOLDER=$!
for _ in $(seq 1 100); do
	[ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 8103 AND granted")" = 1 ] && break
	sleep 0.1
done
mkdir -p "$TMP/nowait2"
assert_exit 75 "$PBR" run --unsigned --allow-empty --period 2025Q4 --out "$TMP/nowait2" --no-wait
assert_empty_dir "$TMP/nowait2" "--no-wait 2025Q4 (all contracts): nothing written"
# end the holder's session (its backend, found by its lock)
q "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 8103 AND granted" >/dev/null
wait "$HOLDER" 2>/dev/null
assert_exit 0 "$PBR" run --unsigned --allow-empty --period 2025Q4 --contract AUD2 --out "$TMP/nowait2" --no-wait
assert_true "after the holder is gone: AUD2 reissued unchanged" cmp -s "$TMP/nowait2/AUD2-2025Q4-1.xml" "$TMP/c2/1/AUD2-2025Q4-1.xml"
assert_eq 3 "$(q "SELECT count(*) FROM pbr.settlement WHERE period = '2025Q4'")" "2025Q4: AUD seq 1 and 2, AUD2 seq 1"

finish
