#!/usr/bin/env bash
# 220_cli_hostile: hostile option values for run and history.  SQL in
# --contract / --period / --format, overlong (10 000 characters) and empty
# values, control characters and look-alike letters: each exits 64 with one
# line on stderr, writes nothing, records nothing, and every table of the
# schema still exists with all its rows.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
sql -c "DELETE FROM pbr.cohort_member WHERE cohort_quarter = '2024Q2'" >/dev/null
# one statement in the ledger, so history has something to lose
mkdir -p "$TMP/good"
"$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/good" >"$TMP/run.out" 2>&1 ||
	{ cat "$TMP/run.out"; die "the first run failed"; }

# a fingerprint of the schema: every table with its row count
fingerprint() {
	sql <<'SQL'
SELECT string_agg(format('%s=%s', c.relname,
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
                                                   n.nspname, c.relname), false, true, '')))[1]),
       ' ' ORDER BY c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'pbr' AND c.relkind IN ('r', 'p');
SQL
}
BEFORE=$(fingerprint)
assert_match 'cohort_member=11( |$)' "$BEFORE" "fingerprint counts cohort_member"
assert_match 'settlement=1( |$)' "$BEFORE" "fingerprint counts the ledger"

LONG=$(head -c 10000 /dev/zero | tr '\0' A)
LONGQ=$(printf '2025Q4%.0s' $(seq 1667))
SQLI_C="'; DROP TABLE pbr.cohort_member; --"
SQLI_P="2025Q4'; DROP TABLE pbr.cohort_member; --"

# usage NAME ARGS...: pbr-settle ARGS exits 64, one short line on stderr,
# nothing on stdout, nothing written, nothing changed
n=0
usage() {
	local name=$1 out
	shift
	n=$((n + 1))
	out=$TMP/out$n
	mkdir -p "$out"
	assert_exit 64 "$PBR" "$@"
	assert_one_line "$LAST_ERR" "$name: one line on stderr"
	assert_eq "" "$(cat "$LAST_OUT")" "$name: nothing on stdout"
	CHECKS=$((CHECKS + 1))
	if [ "$(wc -c <"$LAST_ERR")" -le 400 ]; then
		pass "$name: the message is short (the value is not echoed)"
	else
		fail "$name: message of $(wc -c <"$LAST_ERR") bytes"
	fi
	assert_empty_dir "$out" "$name: nothing written"
	assert_eq "$BEFORE" "$(fingerprint)" "$name: every table and row still there"
}
next_out() { printf '%s/out%d' "$TMP" $((n + 1)); }

# ---- run ----------------------------------------------------------------------
# '$1' is meant literally: a placeholder, not an expansion
# shellcheck disable=SC2016
for v in "$SQLI_C" "NORTH'; DROP TABLE pbr.settlement; --" "NORTH;" "NORTH OR 1=1" \
	"$LONG" "" $'NORTH\nX' $'NORTH\tX' $'NORTH\r' "NORTH%" "NORTH*" "north" \
	"NОRTH" "N\\" '$1' "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"; do
	usage "run --contract '${v:0:40}'" run --unsigned --period 2025Q4 --contract "$v" --out "$(next_out)"
done
usage "run --contract x2, one bad" run --unsigned --period 2025Q4 --contract NORTH --contract "$SQLI_C" --out "$(next_out)"
for v in "$SQLI_P" "2025Q4;" "$LONG" "$LONGQ" "" $'2025Q4\n' $'2025Q4\r' "2025Q４" "2025Q4 " "0999Q4" "1001Q3"; do
	usage "run --period '${v:0:40}'" run --unsigned --period "$v" --out "$(next_out)"
done
usage "run --reason overlong" run --unsigned --period 2025Q4 --out "$(next_out)" --restate --reason "$LONG"
usage "run --reason empty" run --unsigned --period 2025Q4 --out "$(next_out)" --restate --reason ""
usage "run --reason with a newline" run --unsigned --period 2025Q4 --out "$(next_out)" --restate \
	--reason "$(printf 'a\nDROP TABLE pbr.settlement')"
usage "run --reason with ESC" run --unsigned --period 2025Q4 --out "$(next_out)" --restate \
	--reason "$(printf 'a\033[2J')"
usage "run, overlong unknown option" run --unsigned --period 2025Q4 --out "$(next_out)" "--$LONG"
usage "run, --period=" run --unsigned --period= --out "$(next_out)"

# ---- history --------------------------------------------------------------------
for v in "$SQLI_C" "$LONG" "" "NORTH' OR '1'='1" "north"; do
	usage "history --contract '${v:0:40}'" history --contract "$v"
done
for v in "$SQLI_P" "$LONG" "$LONGQ" "" "2025Q4' OR '1'='1"; do
	usage "history --period '${v:0:40}'" history --period "$v"
done
for v in "csv'; DROP TABLE pbr.settlement; --" "$LONG" "" "CSV" "html"; do
	usage "history --format '${v:0:40}'" history --format "$v"
done
usage "history, stray argument" history "$SQLI_C"

# the options still work, and history still lists the one statement
assert_exit 0 "$PBR" history --contract NORTH --period 2025Q4 --format csv
assert_eq 2 "$(grep -c . "$LAST_OUT")" "history: header and the one statement"
assert_eq "$BEFORE" "$(fingerprint)" "nothing changed at the end"
finish
