#!/usr/bin/env bash
# 760_cli_conventions: issue 11 #13 and issue 10's conventions (SPEC 9).
# Every command answers --help on stdout with exit 0, the program -V and
# --version; a malformed --db is a usage error (64, password not shown);
# a directory given as an input file is 66 in every command; the console
# uses "£" and "…" only in a UTF-8 locale (plain ASCII otherwise); run
# shows progress (rows read, rows/s) on a terminal only, and --quiet
# leaves stdout empty; output that cannot be written is 74.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---- --help and -V ----------------------------------------------------------------
for c in migrate run verify certify import demo-data report history simulate; do
	assert_exit 0 env PGHOST="$TMP/nodb" "$PBR" "$c" --help
	assert_match '^[Uu]sage: pbr-settle '"$c" "$(head -1 "$LAST_OUT")" "$c --help: usage on stdout"
	assert_eq "" "$(cat "$LAST_ERR")" "$c --help: nothing on stderr"
done
version=$(sed -n 's/^VERSION *:= *//p' "$SRCDIR/Makefile")
for v in -V --version; do
	assert_exit 0 "$PBR" "$v"
	assert_eq "pbr-settle $version" "$(cat "$LAST_OUT")" "$v"
done
assert_exit 0 "$PBR" --help
assert_match 'COMMAND --help' "$(cat "$LAST_OUT")" "--help names COMMAND --help"
assert_match '71 system error' "$(cat "$LAST_OUT")" "--help documents 71"

# ---- a malformed --db is 64 ----------------------------------------------------------
PW=Sekr1tPw
for db in "host=x password='$PW" "postgresql://u:$PW@[::1/db" "password=$PW bogus"; do
	assert_exit 64 "$PBR" --db "$db" history
	assert_one_line "$LAST_ERR" "malformed --db: one line"
	assert_eq 0 "$(grep -c "$PW" "$LAST_ERR")" "malformed --db: password not shown"
done
assert_exit 64 "$PBR" run --unsigned --period 2025Q4 --out "$TMP" "--db=host='x"

# ---- the data for the rest -------------------------------------------------------------
migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
mkdir -p "$TMP/a_dir.xml" "$TMP/out"

# ---- stdout that cannot be written (a full disk) is 74, not a silent 0 ----------------------
# shellcheck disable=SC2016 # $0 is the engine, inside sh -c
for args in "--help" "-V" "history --help" "history" "history --format csv"; do
	assert_exit 74 sh -c '"$0" $1 >/dev/full' "$PBR" "$args"
	assert_one_line "$LAST_ERR" "$args >/dev/full: one line"
	assert_match 'cannot write' "$(cat "$LAST_ERR")" "$args >/dev/full: says so"
done

# ---- a directory as an input file: 66 everywhere ----------------------------------------
assert_exit 66 "$PBR" verify "$TMP/a_dir.xml"
assert_exit 66 "$PBR" report "$TMP/a_dir.xml" --format csv --out "$TMP/r.csv"
assert_exit 66 "$PBR" import cohort "$TMP/a_dir.xml"
assert_exit 66 "$PBR" simulate --period 2025Q4 --tariff "$TMP/a_dir.xml"
assert_exit 66 "$PBR" run --period 2025Q4 --out "$TMP/out" --sign-key "$TMP/a_dir.xml" --sign-cert "$TMP/a_dir.xml"
assert_empty_dir "$TMP/out" "run with a directory as key: nothing written"

# ---- £ and … only in a UTF-8 locale -------------------------------------------------------
assert_exit 0 env LC_ALL=C LC_CTYPE= LANG= "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/out" --dry-run
assert_match 'amount due GBP' "$(head -1 "$LAST_OUT")" "C locale: GBP"
assert_eq 0 "$(LC_ALL=C grep -c '[^[:print:][:space:]]' "$LAST_OUT")" "C locale: plain ASCII on stdout"
assert_exit 0 env LC_ALL= LC_CTYPE= LANG=C.UTF-8 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/out" --dry-run
assert_match 'amount due £' "$(head -1 "$LAST_OUT")" "UTF-8 locale: £"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out"
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'M01'" >/dev/null
assert_exit 65 env LC_ALL=C LANG= "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out"
assert_match 'input digest [0-9a-f]{12}\.\.\. -> [0-9a-f]{12}\.\.\.,' "$(cat "$LAST_ERR")" "C locale: '...'"
assert_exit 65 env LC_ALL= LANG=en_GB.UTF-8 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out"
assert_match 'input digest [0-9a-f]{12}… -> [0-9a-f]{12}…,' "$(cat "$LAST_ERR")" "UTF-8 locale: '…'"
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'M01'" >/dev/null

# ---- progress on a terminal only; --quiet ---------------------------------------------------
mkdir -p "$TMP/p1" "$TMP/p2" "$TMP/p3"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/p1" --dry-run
assert_eq 0 "$(grep -c 'rows/s' "$LAST_ERR")" "not a terminal: no progress"
# a terminal (script(1) gives the engine a pseudo-terminal)
CHECKS=$((CHECKS + 1))
if script -qefc "'$PBR' run --period 2025Q4 --out '$TMP/p2' --dry-run" /dev/null >"$TMP/tty.out" 2>&1 &&
	grep -Eq '2025Q4: 2 of 2 contracts, 11 rows read, [0-9]+ rows/s' "$TMP/tty.out"; then
	pass "a terminal: progress with rows read (11) and rows/s"
else
	fail "a terminal: no progress line: $(tr '\r' '\n' <"$TMP/tty.out" | head -3)"
fi
CHECKS=$((CHECKS + 1))
if script -qefc "'$PBR' run --period 2025Q4 --out '$TMP/p3' --dry-run --quiet" /dev/null >"$TMP/tty2.out" 2>&1 &&
	! grep -q 'rows/s\|contract' "$TMP/tty2.out"; then
	pass "--quiet on a terminal: no progress, no table"
else
	fail "--quiet on a terminal printed: $(head -3 "$TMP/tty2.out")"
fi
assert_true "--quiet still writes the drafts" test -s "$TMP/p3/NORTH-2025Q4-draft.xml"
finish
