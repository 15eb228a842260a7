#!/usr/bin/env bash
# 230_password_not_logged: a password given in --db (keyword=value or URI
# form) or PGPASSWORD never shows on stdout or stderr, whatever fails: a
# missing role or database (exit 69 for run, verify, migrate, import,
# history, demo-data) or a malformed connection string (non-zero exit;
# libpq quotes parts of a URI it cannot parse, e.g. a password with a bare
# '%', so the engine must not pass that text through).  Nothing is written
# to --out and nothing is loaded.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PW=S3cretPassw0rd
migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
sql -c "DELETE FROM pbr.cohort_member WHERE cohort_quarter = '2024Q2'" >/dev/null
mkdir -p "$TMP/draft"
"$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/draft" --dry-run >"$TMP/run.out" 2>&1 ||
	{ cat "$TMP/run.out"; die "the draft run failed"; }
DRAFT=$TMP/draft/NORTH-2025Q4-draft.xml
ROWS=$(q "SELECT count(*) FROM pbr.cohort_member")
: "${PGHOST:?run.sh sets PGHOST}" "${PGPORT:?run.sh sets PGPORT}"

# no_secret NAME CODES DB ARGS...: pbr-settle --db DB ARGS exits with one
# of CODES, says one line, never prints $SECRET (default $PW).  DB of the
# form --db=... is passed as is.
n=0
no_secret() {
	local name=$1 codes=$2 db=$3 got secret=${SECRET:-$PW}
	shift 3
	n=$((n + 1))
	mkdir -p "$TMP/out$n"
	CHECKS=$((CHECKS + 1))
	case $db in
	--db=*) "$PBR" "$db" "$@" >"$LAST_OUT" 2>"$LAST_ERR" ;;
	*) "$PBR" --db "$db" "$@" >"$LAST_OUT" 2>"$LAST_ERR" ;;
	esac
	got=$?
	case " $codes " in
	*" $got "*) pass "$name: exit $got" ;;
	*)
		fail "$name: exit $got, expected one of: $codes"
		sed 's/^/    stderr: /' "$LAST_ERR" | head -5
		;;
	esac
	CHECKS=$((CHECKS + 1))
	if grep -qF "$secret" "$LAST_OUT" "$LAST_ERR"; then
		fail "$name: the password shows: $(grep -hF "$secret" "$LAST_OUT" "$LAST_ERR" | head -1)"
	else
		pass "$name: no password in the output"
	fi
	assert_one_line "$LAST_ERR" "$name: one line on stderr"
}

KW="host=$PGHOST port=$PGPORT dbname=nosuchdb user=nobody password=$PW"
URI="postgresql://nobody:$PW@/nosuchdb?host=$PGHOST&port=$PGPORT"
# shellcheck disable=SC2034 # used as ${!form}
NODB="host=$PGHOST port=$PGPORT dbname=nosuchdb user=$PGUSER password=$PW"
for form in KW URI NODB; do
	db=${!form}
	n1=$((n + 1))
	no_secret "$form run" 69 "$db" run --unsigned --period 2025Q4 --out "$TMP/out$n1"
	assert_empty_dir "$TMP/out$n1" "$form run: nothing written"
	no_secret "$form run --dry-run" 69 "$db" run --unsigned --period 2025Q4 --out "$TMP/out$((n + 1))" --dry-run
	no_secret "$form verify" 69 "$db" verify "$DRAFT"
	no_secret "$form migrate" 69 "$db" migrate
	no_secret "$form import" 69 "$db" import cohort "$DATA/basic_cohort.csv"
	no_secret "$form history" 69 "$db" history
	no_secret "$form demo-data" 69 "$db" demo-data --members 10
done
# --db=VALUE form, and the password in PGPASSWORD
no_secret "--db= form" 69 "--db=$KW" history
no_secret "--db= form after the command" 69 "--db=$URI" history
CHECKS=$((CHECKS + 1))
PGPASSWORD=$PW "$PBR" --db "host=$PGHOST port=$PGPORT dbname=nosuchdb user=nobody" run --unsigned \
	--period 2025Q4 --out "$TMP/draft" >"$LAST_OUT" 2>"$LAST_ERR"
got=$?
if [ "$got" -eq 69 ] && ! grep -qF "$PW" "$LAST_OUT" "$LAST_ERR"; then
	pass "PGPASSWORD: exit 69, not shown"
else
	fail "PGPASSWORD: exit $got, or the password shows"
fi

# ---- malformed connection strings that hold the password -------------------
# libpq quotes the offending token or the whole URI in these messages
# SECRET|DB: a password with a bare '%' is the realistic case
for spec in \
	"S3cret%Passw0rd|postgresql://nobody:S3cret%Passw0rd@/nosuchdb?host=$PGHOST" \
	"$PW|postgresql://nobody:$PW%zz@/nosuchdb?host=$PGHOST" \
	"$PW|postgresql://nobody:$PW@[::1/nosuchdb" \
	"$PW|postgresql://nobody:$PW@/nosuchdb?host=$PGHOST&bad%zz=1" \
	"$PW|host=$PGHOST password=$PW bogus" \
	"$PW|host=$PGHOST password='$PW" \
	"$PW|host=$PGHOST password=$PW port=notaport" \
	"$PW|host=$PGHOST password=$PW sslmode=bogus"; do
	SECRET=${spec%%|*}
	db=${spec#*|}
	no_secret "malformed '${db:0:48}...' history" "64 69" "$db" history
	no_secret "malformed '${db:0:48}...' import" "64 69" "$db" import cohort "$DATA/basic_cohort.csv"
done
SECRET=

assert_eq "$ROWS" "$(q "SELECT count(*) FROM pbr.cohort_member")" "nothing loaded"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.settlement")" "nothing recorded"
finish
