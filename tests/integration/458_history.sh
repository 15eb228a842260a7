#!/usr/bin/env bash
# 458_history: `history` filters (--contract, --period, --month) and formats
# (text, csv) over a ledger with originals, restatements, superseded
# statements, negative amounts and a monthly statement; refusals exit 64
# with one line, an unreachable database 69, a full disk 74.
# Data: the audit year of 130/140/660 (tests/data/audit_year_ref.sql):
#   TOPUP with the contract terms of 660 (advance 10 000 a month):
#     2025Q4 T 100 000, amount due 70 000 (advance netted); 2024-12
#     monthly: Ffs 100 000 + advance 10 000 = 110 000.
#   CLAW (no contract terms): 2026Q3 T 14 000, true-up -26 000, amount due
#     -12 000; restated (CLAW-2026Q3-2, after CLAW-2026Q1-2): amount due
#     55 001 (worked in 140 and 412).
# Every row is also compared with pbr.settlement read by psql.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
load_csv "$DATA/audit_clawback.csv"
sql_file "$DATA/topup_terms.sql"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --month 2024-12 --contract TOPUP --out "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --out "$OUT" --period "$p"
done
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "L01 quashed"
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q3 --restate --reason "pool Q2"
all=$(q "SELECT count(*) FROM pbr.settlement")
assert_eq 11 "$all" "ledger: 1 month + 4 x 2 PbR periods + 2 restatements"

H=$TMP/h.csv
# want_csv WHERE: the ledger by psql, in history's CSV layout (pounds by
# string operations on the pence)
want_csv() {
	printf 'run_id,statement_id,contract,period,cohort,seq,kind,status,total_pence,amount_due_pence,input_digest,statement_digest,created_at,total_pounds,amount_due_pounds\n'
	sql -F, -c "SELECT s.run_id, s.statement_id, s.contract_id, s.period, coalesce(s.cohort_quarter, ''), s.seq, s.kind,
	        CASE WHEN EXISTS (SELECT 1 FROM pbr.statement_in_force f WHERE f.statement_id = s.statement_id)
	             THEN 'IN_FORCE' ELSE 'SUPERSEDED' END,
	        s.total_pence, s.amount_due_pence, s.input_digest, s.statement_digest,
	        to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
	        to_char(s.total_pence / 100.0, 'FM999999999999990.00'),
	        to_char(s.amount_due_pence / 100.0, 'FM999999999999990.00')
	   FROM pbr.settlement s WHERE $1
	  ORDER BY s.contract_id COLLATE \"C\", s.period, s.seq"
}
csv_is() { # MESSAGE WHERE ARGS...: history ARGS --format csv is the ledger rows WHERE
	local msg=$1 where=$2
	shift 2
	assert_exit 0 "$PBR" history "$@" --format csv
	want_csv "$where" >"$TMP/want.csv"
	assert_true "$msg: the rows psql reads" cmp "$TMP/want.csv" "$LAST_OUT"
	[ "$FAILS" -eq 0 ] || diff "$TMP/want.csv" "$LAST_OUT" | head -10
}
csv_is "everything" "true"
cp "$LAST_OUT" "$H"
field() { # STATEMENT COLUMN
	awk -F, -v id="$1" -v c="$(head -1 "$H" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1)" '$2 == id { print $c }' "$H"
}
assert_eq "12 rows" "$(wc -l <"$H") rows" "header and 11 statements"
assert_eq "SUPERSEDED -12000 -120.00 14000 140.00" \
	"$(for c in status amount_due_pence amount_due_pounds total_pence total_pounds; do field CLAW-2026Q3-1 $c; done | paste -sd' ' -)" \
	"CLAW-2026Q3-1: superseded, owed back 120.00"
assert_eq "IN_FORCE RESTATEMENT 2 55001 550.01" \
	"$(for c in status kind seq amount_due_pence amount_due_pounds; do field CLAW-2026Q3-2 $c; done | paste -sd' ' -)" \
	"CLAW-2026Q3-2: the restatement in force"
assert_eq "2024Q1 100000 70000 700.00" \
	"$(for c in cohort total_pence amount_due_pence amount_due_pounds; do field TOPUP-2025Q4-1 $c; done | paste -sd' ' -)" \
	"TOPUP-2025Q4-1: T 100 000 less 3 x 10 000 of advance"
assert_eq "2024-12  110000 1100.00" \
	"$(for c in period cohort amount_due_pence amount_due_pounds; do field TOPUP-2024-12-1 $c; done | paste -sd' ' -)" \
	"TOPUP-2024-12-1: a month has no cohort; 100 000 + 10 000"

csv_is "--contract CLAW" "s.contract_id = 'CLAW'" --contract CLAW
assert_eq 7 "$(wc -l <"$LAST_OUT")" "--contract CLAW: 6 statements"
csv_is "--period 2026Q3" "s.period = '2026Q3'" --period 2026Q3
assert_eq "CLAW-2026Q3-1 CLAW-2026Q3-2 TOPUP-2026Q3-1" "$(tail -n +2 "$LAST_OUT" | cut -d, -f2 | paste -sd' ' -)" "--period 2026Q3"
csv_is "--contract CLAW --period 2026Q1" "s.contract_id = 'CLAW' AND s.period = '2026Q1'" --contract CLAW --period 2026Q1
assert_eq "CLAW-2026Q1-1 CLAW-2026Q1-2" "$(tail -n +2 "$LAST_OUT" | cut -d, -f2 | paste -sd' ' -)" "CLAW 2026Q1: both"
csv_is "--month 2024-12" "s.period = '2024-12'" --month 2024-12
assert_eq "TOPUP-2024-12-1" "$(tail -n +2 "$LAST_OUT" | cut -d, -f2)" "--month 2024-12"
csv_is "--contract NOSUCH" "false" --contract NOSUCH
assert_eq 1 "$(wc -l <"$LAST_OUT")" "an unknown contract: the header only"

# ---- text ---------------------------------------------------------------------------------
assert_exit 0 env LC_ALL=C.UTF-8 "$PBR" history --contract CLAW --period 2026Q3
cat "$LAST_OUT"
assert_eq 4 "$(wc -l <"$LAST_OUT")" "text: header, two statements, count"
assert_eq "2 statements" "$(tail -1 "$LAST_OUT")" "text: the count"
assert_match '^statement +run +cohort +seq +kind +status +total £ +amount due £ +created \(UTC\) +input digest$' \
	"$(head -1 "$LAST_OUT")" "text: the header, £ on a UTF-8 console"
d1=$(q "SELECT left(input_digest, 12) FROM pbr.settlement WHERE statement_id = 'CLAW-2026Q3-1'")
assert_match "^CLAW-2026Q3-1 +[0-9]+ +2024Q4 +1 +ORIGINAL +SUPERSEDED +140\.00 +-120\.00 +[0-9T:Z-]+ +${d1}…$" \
	"$(sed -n 2p "$LAST_OUT")" "text: the superseded original, its digest cut with an ellipsis"
assert_match '^CLAW-2026Q3-2 .* RESTATEMENT +IN_FORCE +140\.00 +550\.01 ' "$(sed -n 3p "$LAST_OUT")" "text: the restatement"
assert_exit 0 env LC_ALL=C LANG= LC_CTYPE= "$PBR" history --month 2024-12
assert_eq "1 statement" "$(tail -1 "$LAST_OUT")" "text: one statement"
assert_match 'total GBP +amount due GBP' "$(head -1 "$LAST_OUT")" "text: GBP when the console is not UTF-8"
assert_match '\.\.\.$' "$(sed -n 2p "$LAST_OUT")" "text: ... when the console is not UTF-8"
assert_exit 0 "$PBR" history --period 2030Q1
assert_eq "0 statements" "$(tail -1 "$LAST_OUT")" "text: nothing in 2030Q1"
assert_exit 0 "$PBR" history --help
assert_match '^usage: pbr-settle history \[--contract ID\]' "$(head -1 "$LAST_OUT")" "--help on stdout"

# ---- refusals ------------------------------------------------------------------------------
refuse() { # REGEX ARGS...
	local re=$1
	shift
	assert_exit 64 "$PBR" history "$@"
	assert_one_line "$LAST_ERR" "history $*"
	assert_match "$re" "$(cat "$LAST_ERR")" "history $*: the message"
	assert_eq "" "$(cat "$LAST_OUT")" "history $*: nothing on stdout"
}
refuse "--contract must match" --contract claw
refuse "--contract must match" --contract ""
refuse "--period must be a quarter" --period 2026Q5
refuse "--period must be a quarter" --period 2026-03
for m in 2024-13 2024-00 2024-1 2024/12 24-12-01 2024-1x x024-01 2x24-01 20x4-01 202x-01 2024x01 2024-0x 2024-20 2024-010; do
	refuse "--month must be a month such as 2026-03" --month "$m"
done
refuse "one --period or --month" --period 2026Q3 --month 2024-12
refuse "one --period or --month" --month 2024-12 --period 2026Q3
refuse "one --period or --month" --period 2026Q3 --period 2026Q2
refuse "usage: pbr-settle history" --format xml
refuse "usage: pbr-settle history" --colour
refuse "usage: pbr-settle history" --contract
refuse "usage: pbr-settle history" extra
assert_exit 69 env PGHOST=/nonexistent PGPORT=1 "$PBR" history
assert_one_line "$LAST_ERR" "no database"
# a full disk: the CSV is refused (74), not cut short silently
if [ -w /dev/full ]; then
	"$PBR" history --format csv >/dev/full 2>"$TMP/full.err"
	assert_eq 74 "$?" "csv to a full disk: exit 74"
	assert_one_line "$TMP/full.err" "csv to a full disk"
	assert_match "history: cannot write the CSV: No space left on device" "$(cat "$TMP/full.err")" "full disk: the message"
else
	skip "/dev/full not writable here"
fi

finish
