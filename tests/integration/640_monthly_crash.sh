#!/usr/bin/env bash
# 640_monthly_crash: run --month under the fault build (engine/faults.h),
# stopped at each crash point in turn, and killed at random moments.
# After every fault: no file at a final name that the ledger does not
# record with its digest; a re-run completes every ledger row's files,
# equal to a crash-free run but for RunId and CreatedAt; a further re-run
# is byte-identical.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
. "$(dirname "$0")/faults_lib.sh"

[ -x "$FAULTY" ] || die "fault build $FAULTY missing (make faults)"
MONTH=2025-12

# A template: NORTH and SOUTH with a year of returns (December reads all
# twelve months).
createdb "$TPL" || die "createdb $TPL"
PGDATABASE=$TPL "$PBR" migrate >/dev/null || die "migrate"
PGDATABASE=$TPL sql_file "$DATA/basic_ref.sql"
PGDATABASE=$TPL sql_file "$DATA/monthly_ref.sql"
PGDATABASE=$TPL q "INSERT INTO pbr.volume_return
	SELECT c, to_char(make_date(2025, m, 1), 'YYYY-MM'), 'CO', 50 + m
	  FROM unnest(ARRAY['NORTH', 'SOUTH']) c, generate_series(1, 12) m;
	INSERT INTO pbr.kpi_return VALUES ('NORTH', '$MONTH', 'K1', 1, 2), ('SOUTH', '$MONTH', 'K1', 1, 1)" >/dev/null ||
	die "returns"

run_month() { # DB DIR [BINARY]
	PGDATABASE=$1 "${3:-$PBR}" run --month "$MONTH" --out "$2" --unsigned
}

fresh_db "${PGDATABASE}_ref"
REF=$TMP/ref
mkdir -p "$REF"
run_month "${PGDATABASE}_ref" "$REF" >/dev/null || die "reference run failed"
assert_eq 5 "$(find "$REF" -type f | wc -l | tr -d ' ')" "reference run wrote 2 statements, 2 annexes and the run manifest"

recover_month() { # DB DIR LABEL
	local db=$1 dir=$2 label=$3 out
	if ! run_month "$db" "$dir" >"$TMP/rerun.out" 2>&1; then
		fail "$label: re-run after the fault failed: $(tail -1 "$TMP/rerun.out")"
		return
	fi
	out=$(complete "$db" "$dir" "$label"; same_as_reference "$dir" "$REF" "$label")
	if [ -n "$out" ]; then
		fail "$out"
		return
	fi
	rm -rf "$TMP/again" && cp -a "$dir" "$TMP/again"
	run_month "$db" "$dir" >/dev/null 2>&1
	if ! diff -r "$dir" "$TMP/again" >/dev/null; then
		fail "$label: a second re-run changed the files"
		return
	fi
	CHECKS=$((CHECKS + 1))
}

points="xml-half:1 xml-half:2 temp-written before-commit after-commit mid-rename:1 mid-rename:2"
tried=0
for mode in exit abort; do
	for point in $points; do
		label="monthly crash at $point ($mode)"
		db=${PGDATABASE}_c$tried
		dir=$TMP/c$tried
		mkdir -p "$dir"
		fresh_db "$db"
		PBR_CRASH_AT=$point PBR_CRASH_MODE=$mode run_month "$db" "$dir" "$FAULTY" >/dev/null 2>&1
		rc=$?
		if [ "$mode" = exit ]; then want=97; else want=134; fi
		assert_eq "$want" "$rc" "$label: the process stopped there"
		problems=$(consistent "$db" "$dir" "$label")
		if [ -n "$problems" ]; then fail "$problems"; else CHECKS=$((CHECKS + 1)); fi
		rows=$(PGDATABASE=$db q "SELECT count(*) FROM pbr.settlement")
		case $point in
		after-commit | mid-rename*) assert_eq 2 "$rows" "$label: the committed ledger rows stay" ;;
		*) assert_eq 0 "$rows" "$label: nothing recorded" ;;
		esac
		recover_month "$db" "$dir" "$label"
		dropdb "$db"
		tried=$((tried + 1))
	done
done

# Random kills (SIGKILL) during the run.
KILLS=${PBR_MONTH_KILLS:-8}
for i in $(seq 1 "$KILLS"); do
	label="monthly kill $i"
	db=${PGDATABASE}_k$i
	dir=$TMP/k$i
	mkdir -p "$dir"
	fresh_db "$db"
	run_month "$db" "$dir" >/dev/null 2>&1 &
	victim=$!
	sleep "0.0$((i * 3))"
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	problems=$(consistent "$db" "$dir" "$label")
	if [ -n "$problems" ]; then fail "$problems"; else CHECKS=$((CHECKS + 1)); fi
	recover_month "$db" "$dir" "$label"
	dropdb "$db"
done
echo "crash points tried: $tried, kills: $KILLS"
finish
