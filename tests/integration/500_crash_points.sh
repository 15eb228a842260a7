#!/usr/bin/env bash
# 500_crash_points: the fault build stops the process at each named crash
# point (engine/faults.h).  After every crash: nothing partial or unrecorded
# at a final name; a re-run completes every ledger row's files, equal to a
# crash-free run; a further re-run is byte-identical.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/faults_lib.sh
. "$(dirname "$0")/faults_lib.sh"

[ -x "$FAULTY" ] || die "fault build $FAULTY missing (make faults)"
make_template 20000

# The crash-free reference.
fresh_db "${PGDATABASE}_ref"
REF=$TMP/ref
mkdir -p "$REF"
PGDATABASE=${PGDATABASE}_ref "$PBR" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$REF" >/dev/null ||
	die "reference run failed"
assert_eq 8 "$(find "$REF" -type f | wc -l | tr -d ' ')" "reference run wrote 3 statements, 3 annexes, the manifest and the unassigned list"

points="rows:1 rows:100 rows:180 xml-half:1 xml-half:3 temp-written before-commit after-commit mid-rename:1 mid-rename:2"
tried=0
for mode in exit abort; do
	for point in $points; do
		label="crash at $point ($mode)"
		db=${PGDATABASE}_c$tried
		dir=$TMP/c$tried
		mkdir -p "$dir"
		fresh_db "$db"
		PGDATABASE=$db PBR_CRASH_AT=$point PBR_CRASH_MODE=$mode \
			"$FAULTY" run --unsigned --period "$PERIOD" "${CONTRACTS[@]}" --out "$dir" >/dev/null 2>&1
		rc=$?
		if [ "$mode" = exit ]; then want=97; else want=134; fi
		assert_eq "$want" "$rc" "$label: the process stopped there"
		problems=$(consistent "$db" "$dir" "$label")
		if [ -n "$problems" ]; then fail "$problems"; else CHECKS=$((CHECKS + 1)); fi
		rows=$(PGDATABASE=$db q "SELECT count(*) FROM pbr.settlement")
		case $point in
		after-commit | mid-rename*) assert_eq 3 "$rows" "$label: the committed ledger rows stay" ;;
		*) assert_eq 0 "$rows" "$label: nothing recorded" ;;
		esac
		recover "$db" "$dir" "$label"
		dropdb "$db"
		tried=$((tried + 1))
	done
done
echo "crash points tried: $tried"
finish
