#!/usr/bin/env bash
# 060_failures: runs that must fail, with the SPEC 9 exit code, one line on
# stderr, and nothing written in --out (and nothing in the ledger):
#   NOT_MATURE ('pending' and NULL outcome_status) -> 65, before the reject limit
#   rejects over max_reject_ppm -> 65 naming the counts; exactly at the limit ok
#   overlapping contracts in one CPA -> 65
#   malformed --period / --contract, missing --period / --out -> 64
#   database unavailable -> 69; --out not creatable -> 73
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# fails CODE MESSAGE ARGS...: pbr-settle ARGS exits CODE, says one line,
# writes nothing into a fresh --out directory $OUTD, records nothing
n=0
fails() {
	local code=$1 msg=$2 before
	shift 2
	n=$((n + 1))
	OUTD=$TMP/out$n
	mkdir -p "$OUTD"
	before=$(ledger)
	assert_exit "$code" "$PBR" "$@"
	assert_one_line "$LAST_ERR" "$msg: one line on stderr"
	assert_empty_dir "$OUTD" "$msg: nothing written"
	assert_eq "$before" "$(ledger)" "$msg: nothing recorded"
}

# ---- NOT_MATURE -----------------------------------------------------------------
# basic_cohort.csv: N01 (2024Q2) is 'pending'; cohort 2024Q2 is period 2026Q1
OUTD=$TMP/out0
fails 65 "NOT_MATURE pending" run --unsigned --period 2026Q1 --contract NORTH --out "$TMP/out1"
assert_match 'NOT_MATURE|mature' "$(cat "$LAST_ERR")" "says not mature"
assert_match '(^|[^0-9])1([^0-9]|$)' "$(cat "$LAST_ERR")" "gives the count (1)"
# NULL outcome_status, and 'Final' (not exactly 'final'), plus a pending:
# 3 immature rows; also far more rejects than the limit, but maturity is
# checked first
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('N02', '2024Q2', 'CPA1', 'A1', '2024-04-05', 500000, 1000, '', 0, NULL),
 ('N03', '2024Q2', 'CPA1', 'A1', '2024-04-05', 500000, 1000, '', 0, 'Final'),
 ('N04', '2024Q2', 'CPA1', NULL, NULL, NULL, NULL, '', NULL, 'final'),
 ('N05', '2024Q2', 'CPA1', NULL, NULL, NULL, NULL, '', NULL, 'final');
SQL
fails 65 "NOT_MATURE before reject limit" run --unsigned --period 2026Q1 --contract NORTH --out "$TMP/out2"
assert_match 'NOT_MATURE|mature' "$(cat "$LAST_ERR")" "says not mature, not rejects"
assert_match '(^|[^0-9])3([^0-9]|$)' "$(cat "$LAST_ERR")" "gives the count (3)"
# the whole run fails, also for the other contract that is fine
fails 65 "NOT_MATURE in an all-contract run" run --unsigned --period 2026Q1 --out "$TMP/out3"
assert_true "no SOUTH statement either" test ! -e "$TMP/out3/SOUTH-2026Q1-1.xml"
# a dry run refuses too
fails 65 "NOT_MATURE dry run" run --period 2026Q1 --contract NORTH --out "$TMP/out4" --dry-run
sql -c "DELETE FROM pbr.cohort_member WHERE cohort_quarter = '2024Q2'" >/dev/null

# ---- reject limit -----------------------------------------------------------------
# cohort 2024Q1 of NORTH: 10 rows, 2 rejected (UNKNOWN_NEED, PCC_OUTSIDE_CPA).
# limit 199999 ppm: 2 * 10^6 = 2 000 000 > 199999 * 10 = 1 999 990 -> fail
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 199999" >/dev/null
fails 65 "rejects over the limit" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out5"
assert_match 'UNKNOWN_NEED' "$(cat "$LAST_ERR")" "names UNKNOWN_NEED"
assert_match 'PCC_OUTSIDE_CPA' "$(cat "$LAST_ERR")" "names PCC_OUTSIDE_CPA"
assert_match '(^|[^0-9])2([^0-9]|$)' "$(cat "$LAST_ERR")" "gives the rejected count (2)"
# a dry run writes its draft and annex anyway, then exits 65 (SPEC 7; 750)
n=$((n + 1))
mkdir -p "$TMP/out6"
assert_exit 65 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/out6" --dry-run
assert_one_line "$LAST_ERR" "rejects over the limit, dry run: one line on stderr"
assert_true "rejects over the limit, dry run: the draft is written" test -s "$TMP/out6/NORTH-2025Q4-draft.xml"
assert_eq 0 "$(ledger)" "rejects over the limit, dry run: nothing recorded"
# exactly at the limit (200000 ppm): 2 000 000 > 2 000 000 is false -> runs
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
mkdir -p "$TMP/limit" "$TMP/zero" "$TMP/good"
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/limit" --dry-run
assert_eq 2 "$(sx "$TMP/limit/NORTH-2025Q4-draft.xml" Cohort/Rejected)" "at the limit: runs"
# limit 0 with no rejects at all: SOUTH has none
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 0" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract SOUTH --out "$TMP/zero" --dry-run
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 300000" >/dev/null

# ---- overlapping contracts in one CPA -------------------------------------------
# NORTH covers 2023Q1..2026Q4 in CPA1; EXTRA covers 2024Q1..2024Q1 in CPA1 too
sql <<'SQL' >/dev/null
INSERT INTO pbr.contract VALUES ('EXTRA', 'P2', 'CPA1', '2024Q1', '2024Q1');
INSERT INTO pbr.contract_tariff VALUES ('EXTRA', '2024Q1', 'T1');
SQL
fails 65 "overlapping contracts" run --unsigned --period 2025Q4 --out "$TMP/out7"
assert_match 'EXTRA|NORTH|overlap' "$(cat "$LAST_ERR")" "names the overlap"
fails 65 "overlapping contracts, one selected" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out8"
sql <<'SQL' >/dev/null
DELETE FROM pbr.contract_tariff WHERE contract_id = 'EXTRA';
DELETE FROM pbr.contract WHERE id = 'EXTRA';
SQL

# ---- usage: 64 ----------------------------------------------------------------
for p in 2024Q5 2024Q0 2024q1 24Q1 2024Q12 "" " 2024Q1" "2024Q1 " "'; DROP TABLE x" \
	"2025Q4'; DROP TABLE pbr.cohort_member; --"; do
	fails 64 "--period '$p'" run --unsigned --period "$p" --out "$TMP/out$((n + 1))"
done
for c in north "NO RTH" "'; DROP TABLE x" "" "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456" \
	"NORTH;" "N\\"; do
	fails 64 "--contract '$c'" run --unsigned --period 2025Q4 --contract "$c" --out "$TMP/out$((n + 1))"
done
# 12 rows of basic_cohort.csv less N01 (2024Q2), deleted above
assert_eq 11 "$(q "SELECT count(*) FROM pbr.cohort_member")" "no table was dropped"
fails 64 "no --period" run --unsigned --out "$TMP/out$((n + 1))"
fails 64 "no --out" run --unsigned --period 2025Q4
fails 64 "unknown option" run --unsigned --period 2025Q4 --out "$TMP/out$((n + 1))" --frobnicate
fails 64 "--restate without --reason" run --unsigned --period 2025Q4 --out "$TMP/out$((n + 1))" --restate
assert_exit 64 "$PBR" frobnicate
assert_exit 64 "$PBR"
assert_exit 0 "$PBR" --version

# ---- database unavailable: 69 ---------------------------------------------------
mkdir -p "$TMP/nodb"
n=$((n + 1))
mkdir -p "$TMP/out$n"
assert_exit 69 env PGHOST="$TMP/nodb" "$PBR" run --unsigned --period 2025Q4 --out "$TMP/out$n"
assert_one_line "$LAST_ERR" "db unavailable: one line"
assert_empty_dir "$TMP/out$n" "db unavailable: nothing written"
assert_exit 69 env PGDATABASE=no_such_database "$PBR" run --unsigned --period 2025Q4 --out "$TMP/out$n"

# ---- --out not creatable: 73 ------------------------------------------------------
: >"$TMP/plainfile"
assert_exit 73 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/plainfile/sub"
assert_one_line "$LAST_ERR" "--out under a file: one line"
assert_exit 73 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/plainfile"
assert_eq 0 "$(ledger)" "--out not creatable: nothing recorded"
# finally the good run works
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/good"
assert_true "good run writes NORTH" test -s "$TMP/good/NORTH-2025Q4-1.xml"

finish
