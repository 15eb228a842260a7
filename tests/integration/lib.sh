# shellcheck shell=bash
# lib.sh - helpers for the integration tests; source it first thing.
#
# run.sh gives every test: PBR (the engine), PGDATABASE (a fresh database),
# TMP (an empty scratch directory), SRCDIR (the repository) and DATA
# (tests/data).  A test calls the assert_* helpers, which count failures
# and carry on, and ends with `finish`, which exits 1 if any failed.  A part
# that cannot run here (a tool or a privilege missing) calls `skip`; finish
# then exits 77 and run.sh counts the test as skipped, not passed.

FAILS=0
CHECKS=0
SKIPS=0
SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DATA=${DATA:-$SRCDIR/tests/data}
PBR=${PBR:-$SRCDIR/build/pbr-settle}
TMP=${TMP:-$(mktemp -d)}
XSD=${XSD:-$SRCDIR/schemas/statement.xsd}
# what assert_exit captured of the last command
LAST_OUT=$TMP/last.out
LAST_ERR=$TMP/last.err

fail() {
	FAILS=$((FAILS + 1))
	printf 'not ok: %s\n' "$*"
}

pass() {
	printf 'ok: %s\n' "$*" | head -n 1
}

# Stops the test at once (setup that later checks cannot do without).
die() {
	printf 'FATAL: %s\n' "$*"
	exit 2
}

# assert_eq EXPECTED ACTUAL MESSAGE
assert_eq() {
	CHECKS=$((CHECKS + 1))
	if [ "$1" = "$2" ]; then
		pass "$3 = $1"
	else
		fail "$3: expected '$1', got '$2'"
	fi
}

# assert_true MESSAGE COMMAND...: the command succeeds
assert_true() {
	local msg=$1
	shift
	CHECKS=$((CHECKS + 1))
	if "$@"; then
		pass "$msg"
	else
		fail "$msg"
	fi
}

# assert_fails MESSAGE COMMAND...: the command fails (output discarded)
assert_fails() {
	local msg=$1
	shift
	CHECKS=$((CHECKS + 1))
	if "$@" >/dev/null 2>&1; then
		fail "$msg: expected a failure"
	else
		pass "$msg fails"
	fi
}

# assert_exit EXPECTED_CODE COMMAND...: runs the command with stdout and
# stderr captured in $LAST_OUT and $LAST_ERR, and checks its exit code.
assert_exit() {
	local want=$1 got
	shift
	CHECKS=$((CHECKS + 1))
	"$@" >"$LAST_OUT" 2>"$LAST_ERR"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "exit $got: $*"
	else
		fail "exit code of '$*': expected $want, got $got"
		sed 's/^/    stdout: /' "$LAST_OUT" | head -20
		sed 's/^/    stderr: /' "$LAST_ERR" | head -20
	fi
	return 0
}

# assert_match REGEX TEXT MESSAGE (grep -E)
assert_match() {
	CHECKS=$((CHECKS + 1))
	if printf '%s\n' "$2" | grep -Eq -- "$1"; then
		pass "$3"
	else
		fail "$3: '$2' does not match /$1/"
	fi
}

# assert_one_line FILE MESSAGE: the file holds exactly one non-empty line
assert_one_line() {
	local lines
	CHECKS=$((CHECKS + 1))
	lines=$(grep -c . "$1")
	if [ "$lines" -eq 1 ]; then
		pass "$2: one line"
	else
		fail "$2: expected one line, got $lines"
		sed 's/^/    /' "$1" | head -10
	fi
}

# assert_empty_dir DIR MESSAGE: DIR is missing or holds nothing
assert_empty_dir() {
	CHECKS=$((CHECKS + 1))
	if [ ! -d "$1" ] || [ -z "$(ls -A "$1")" ]; then
		pass "$2"
	else
		fail "$2: $1 holds $(find "$1" -mindepth 1 -printf '%f ')"
	fi
}

# skip WHY: a part of the test cannot run here; says so and makes finish
# exit 77 (run.sh: SKIP; under CI=true a failure, as CI installs every tool)
skip() {
	SKIPS=$((SKIPS + 1))
	printf 'SKIP: %s\n' "$*"
}

# finish: end of test; exit 1 if a check failed, else 77 if a part was
# skipped, else 0
finish() {
	printf '%d checks, %d failed, %d skipped\n' "$CHECKS" "$FAILS" "$SKIPS"
	[ "$FAILS" -eq 0 ] || exit 1
	[ "$SKIPS" -eq 0 ] || exit 77
	exit 0
}

# ---- database --------------------------------------------------------------

# sql [psql args...] : unaligned, tuples only, stop on error
sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# q "SELECT ..." : one value
q() {
	sql -c "$1"
}

# sql_file FILE
sql_file() {
	sql -f "$1" >/dev/null || die "loading $1 failed"
}

# migrate: the engine's migrate, or die
migrate() {
	"$PBR" migrate >"$TMP/migrate.out" 2>&1 || {
		cat "$TMP/migrate.out"
		die "pbr-settle migrate failed"
	}
}

COHORT_COLUMNS=offender_ref,cohort_quarter,cpa_code,pcc_code,start_date,predicted_binary_ppm,predicted_frequency_milli,needs,reoffence_count,outcome_status

# load_csv FILE: loads a cohort CSV (header line, columns in table order,
# empty unquoted field = NULL, except needs, which is then '') straight into
# pbr.cohort_member with psql,
# independently of the engine's importer.
load_csv() {
	sql -c "\\copy pbr.cohort_member ($COHORT_COLUMNS) FROM '$1' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (needs))" ||
		die "loading $1 failed"
}

# ---- statements ------------------------------------------------------------

# to_local XPATH: rewrites each element step Name to *[local-name()='Name']
# (statements use the default namespace urn:pbr-settle:statement:1).
# Attribute steps (@x) and predicates ([@code='A1']) are left alone.
to_local() {
	printf '%s\n' "$1" | sed -E "s#(^|/)([A-Za-z][A-Za-z0-9]*)#\\1*[local-name()='\\2']#g"
}

# xp FILE XPATH: the string value of XPATH, relative to the document root,
# written without namespaces, e.g. xp f.xml /SettlementStatement/Cohort/Members
xp() {
	xmllint --xpath "string($(to_local "$2"))" "$1" 2>/dev/null
}

# xcount FILE XPATH: how many nodes match
xcount() {
	xmllint --xpath "count($(to_local "$2"))" "$1" 2>/dev/null
}

# sx FILE PATH: shorthand for xp FILE /SettlementStatement/PATH
sx() {
	xp "$1" "/SettlementStatement/$2"
}

# valid_xsd FILE: validates against schemas/statement.xsd
valid_xsd() {
	xmllint --noout --schema "$XSD" "$1" >"$TMP/xsd.out" 2>&1 || {
		sed 's/^/    /' "$TMP/xsd.out" | head -20
		return 1
	}
}

# assert_fig FILE PATH EXPECTED: one figure of a statement
assert_fig() {
	assert_eq "$3" "$(sx "$1" "$2")" "$(basename "$1") $2"
}

# assert_figs FILE PREFIX NAME=VALUE...: several figures under one element
assert_figs() {
	local file=$1 prefix=$2 kv
	shift 2
	for kv in "$@"; do
		assert_fig "$file" "$prefix/${kv%%=*}" "${kv#*=}"
	done
}

# reject_count FILE CODE
reject_count() {
	sx "$1" "Rejects/Reason[@code='$2']/@count"
}

# assert_rejects FILE BAD_PREDICTION BAD_OUTCOME UNKNOWN_NEED PCC_OUTSIDE_CPA
#                WRONG_QUARTER DUPLICATE
assert_rejects() {
	local file=$1 code
	shift
	for code in BAD_PREDICTION BAD_OUTCOME UNKNOWN_NEED PCC_OUTSIDE_CPA \
		WRONG_QUARTER DUPLICATE; do
		assert_eq "$1" "$(reject_count "$file" "$code")" "Rejects $code"
		shift
	done
}

# annex_status ANNEX REF: the status column of an offender's line(s)
annex_status() {
	awk -F, -v ref="$2" 'NR > 1 && $1 == ref { print $NF }' "$1" | paste -sd' ' -
}

# annex_sum ANNEX COLUMN: sum of a column (by header name) over ACCEPTED
# rows, in exact integers (bc: no 2^53 limit of awk's doubles); prints
# "annex_sum: ..." instead when a summed field is not an integer
annex_sum() {
	local terms
	terms=$(awk -F, -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$NF == "ACCEPTED" {
			if (!c || $c !~ /^-?[0-9]+$/) { bad = 1; exit }
			printf "+%s", $c
		}
		END { exit bad }' "$1") || {
		printf 'annex_sum: no integer column %s in %s\n' "$2" "$1"
		return 1
	}
	BC_LINE_LENGTH=0 bc <<<"0$terms"
}

# psql_input_digest CPA QUARTER: the input digest of SPEC 7 computed the
# way a regulator would, with psql and sha256sum, independently of the engine.
psql_input_digest() {
	PGDATESTYLE=ISO psql -X -At -F'|' -c "SELECT offender_ref, cohort_quarter, pcc_code,
	        start_date, predicted_binary_ppm, predicted_frequency_milli, needs,
	        reoffence_count, outcome_status
	   FROM pbr.cohort_member
	  WHERE cpa_code = '$1' AND cohort_quarter = '$2'
	  ORDER BY offender_ref COLLATE \"C\",
	        concat_ws('|', offender_ref, cohort_quarter, coalesce(pcc_code, ''),
	                  coalesce(start_date::text, ''),
	                  coalesce(predicted_binary_ppm::text, ''),
	                  coalesce(predicted_frequency_milli::text, ''), needs,
	                  coalesce(reoffence_count::text, ''),
	                  coalesce(outcome_status, '')) COLLATE \"C\"" | sha256sum | cut -d' ' -f1
}
