#!/usr/bin/env bash
# 050_rejects: one scenario per reject code of SPEC 4, each in its own cohort
# quarter of contract NORTH (CPA1), settled with --dry-run; checks the Rejects
# counts, the Rejected/Members figures and the annex status column, boundary
# values and the order in which codes apply.  Then malformed cohort_quarter
# values: a warning with the count, and the rows belong to no cohort.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
# every scenario is far above 30% rejects: lift the limit
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 1000000" >/dev/null

# settle PERIOD: dry run of NORTH for PERIOD; sets X and ANNEX
settle() {
	local out=$TMP/$1
	mkdir -p "$out"
	X=$out/NORTH-$1-draft.xml
	ANNEX=$out/NORTH-$1-draft-annex.csv
	assert_exit 0 "$PBR" run --period "$1" --contract NORTH --out "$out" --dry-run
	[ -s "$X" ] || {
		fail "no statement for $1"
		return 1
	}
	assert_true "$1 validates against the XSD" valid_xsd "$X"
}

# status REF EXPECTED...: the annex status column of REF's lines, in order
status() {
	local ref=$1
	shift
	assert_eq "$*" "$(annex_status "$ANNEX" "$ref")" "annex status of $ref"
}

# ---- BAD_PREDICTION: cohort 2023Q1, period 2024Q4 -----------------------------
# p and f must be non-NULL and within 0..1 000 000.
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('BP_OK0', '2023Q1', 'CPA1', 'A1', '2023-01-01', 0,       0,       '', 0, 'final'),
 ('BP_OK1', '2023Q1', 'CPA1', 'A1', '2023-03-31', 1000000, 1000000, '', 0, 'final'),
 ('BP_PN',  '2023Q1', 'CPA1', 'A1', '2023-02-01', NULL,    1000,    '', 0, 'final'),
 ('BP_PL',  '2023Q1', 'CPA1', 'A1', '2023-02-01', -1,      1000,    '', 0, 'final'),
 ('BP_PH',  '2023Q1', 'CPA1', 'A1', '2023-02-01', 1000001, 1000,    '', 0, 'final'),
 ('BP_FN',  '2023Q1', 'CPA1', 'A1', '2023-02-01', 500000,  NULL,    '', 0, 'final'),
 ('BP_FL',  '2023Q1', 'CPA1', 'A1', '2023-02-01', 500000,  -1,      '', 0, 'final'),
 ('BP_FH',  '2023Q1', 'CPA1', 'A1', '2023-02-01', 500000,  1000001, '', 0, 'final'),
 -- bad prediction and everything else bad too: the first code wins
 ('BP_ALL', '2023Q1', 'CPA1', NULL, NULL,         NULL,    NULL,    'X++', NULL, 'final');
SQL
settle 2024Q4
assert_rejects "$X" 7 0 0 0 0 0
assert_figs "$X" Cohort Members=2 Rejected=7
for r in BP_PN BP_PL BP_PH BP_FN BP_FL BP_FH BP_ALL; do
	status "$r" BAD_PREDICTION
done
status BP_OK0 ACCEPTED
status BP_OK1 ACCEPTED
assert_eq 'BP_PL,A1,,-1,,1000,0,,,BAD_PREDICTION' "$(grep '^BP_PL,' "$ANNEX")" \
	"rejected row: raw values, no weight/y/contributions"

# ---- BAD_OUTCOME: cohort 2023Q2, period 2025Q1 --------------------------------
# r must be non-NULL and within 0..10 000.
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('BO_OK0', '2023Q2', 'CPA1', 'A1', '2023-04-01', 500000, 1000, '', 0,     'final'),
 ('BO_OKH', '2023Q2', 'CPA1', 'A2', '2023-06-30', 500000, 1000, '', 10000, 'final'),
 ('BO_N',   '2023Q2', 'CPA1', 'A1', '2023-05-01', 500000, 1000, '', NULL,  'final'),
 ('BO_L',   '2023Q2', 'CPA1', 'A1', '2023-05-01', 500000, 1000, '', -1,    'final'),
 ('BO_H',   '2023Q2', 'CPA1', 'A1', '2023-05-01', 500000, 1000, '', 10001, 'final'),
 -- bad outcome before unknown need, bad PCC, wrong quarter
 ('BO_ALL', '2023Q2', 'CPA1', 'B1', '2023-01-01', 500000, 1000, 'XYZ', -5, 'final');
SQL
settle 2025Q1
assert_rejects "$X" 0 4 0 0 0 0
assert_figs "$X" Cohort Members=2 Rejected=4
for r in BO_N BO_L BO_H BO_ALL; do
	status "$r" BAD_OUTCOME
done
status BO_OKH ACCEPTED
# BO_OKH: w 10000, r 10000 -> y 1; Af += 10000 * 10000 * 1000 = 10^11
assert_eq 'BO_OKH,A2,10000,500000,1,1000,10000,-5000000000,-99990000000,ACCEPTED' \
	"$(grep '^BO_OKH,' "$ANNEX")" "r = 10000 accepted, contributions"
assert_eq 'BO_N,A1,,500000,,1000,,,,BAD_OUTCOME' "$(grep '^BO_N,' "$ANNEX")" \
	"NULL r is empty in the annex"

# ---- UNKNOWN_NEED: cohort 2023Q3, period 2025Q2 -------------------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('UN_OK1', '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'ACC+ACC',        0, 'final'),
 ('UN_OK2', '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'MH+EMP+SUB+ACC', 0, 'final'),
 ('UN_OK3', '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'MH',             0, 'final'),
 ('UN_X',   '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'XYZ',            0, 'final'),
 ('UN_AB',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'A++B',           0, 'final'),
 ('UN_E2',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'ACC++SUB',       0, 'final'),
 ('UN_LE',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, '+ACC',           0, 'final'),
 ('UN_TE',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'ACC+',           0, 'final'),
 ('UN_ONE', '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, '+',              0, 'final'),
 ('UN_LC',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'acc',            0, 'final'),
 ('UN_SP',  '2023Q3', 'CPA1', 'A1', '2023-07-01', 500000, 1000, 'ACC+ SUB',       0, 'final'),
 -- unknown need before bad PCC and wrong quarter
 ('UN_ALL', '2023Q3', 'CPA1', NULL, NULL,         500000, 1000, 'ACC+XYZ',        0, 'final');
SQL
settle 2025Q2
assert_rejects "$X" 0 0 9 0 0 0
assert_figs "$X" Cohort Members=3 Rejected=9
for r in UN_X UN_AB UN_E2 UN_LE UN_TE UN_ONE UN_LC UN_SP UN_ALL; do
	status "$r" UNKNOWN_NEED
done
# UN_OK1 ACC once: 12000; UN_OK2 10000+0+1250+3000+2000 = 16250 -> 15000;
# UN_OK3 MH: 10000
assert_eq "12000 15000 10000" "$(for r in UN_OK1 UN_OK2 UN_OK3; do
	awk -F, -v r="$r" '$1 == r { print $3 }' "$ANNEX"
done | paste -sd' ' -)" "weights of the accepted rows"
assert_figs "$X" Cohort WeightedSize=37000
# bands: UN_OK1 1 distinct, UN_OK2 4 distinct, UN_OK3 1 distinct
assert_figs "$X" "Cohort/NeedsBand[@band='0']" Members=0 WeightedSize=0
assert_figs "$X" "Cohort/NeedsBand[@band='1-2']" Members=2 WeightedSize=22000
assert_figs "$X" "Cohort/NeedsBand[@band='3+']" Members=1 WeightedSize=15000

# ---- PCC_OUTSIDE_CPA: cohort 2024Q1, period 2025Q4 ----------------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('PC_OK1', '2024Q1', 'CPA1', 'A1', '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_OK3', '2024Q1', 'CPA1', 'A3', '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_N',   '2024Q1', 'CPA1', NULL, '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_B1',  '2024Q1', 'CPA1', 'B1', '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_ZZ',  '2024Q1', 'CPA1', 'ZZ', '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_E',   '2024Q1', 'CPA1', '',   '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_LC',  '2024Q1', 'CPA1', 'a1', '2024-01-01', 500000, 1000, '', 0, 'final'),
 ('PC_SP',  '2024Q1', 'CPA1', 'A1 ', '2024-01-01', 500000, 1000, '', 0, 'final'),
 -- bad PCC before wrong quarter
 ('PC_ALL', '2024Q1', 'CPA1', 'B1', '2023-12-31', 500000, 1000, '', 0, 'final'),
 -- CPA2's rows are not NORTH's at all
 ('PC_CPA2', '2024Q1', 'CPA2', 'A1', '2024-01-01', 500000, 1000, '', 0, 'final');
SQL
settle 2025Q4
assert_rejects "$X" 0 0 0 7 0 0
assert_figs "$X" Cohort Members=2 Rejected=7
for r in PC_N PC_B1 PC_ZZ PC_E PC_LC PC_SP PC_ALL; do
	status "$r" PCC_OUTSIDE_CPA
done
status PC_CPA2 ""
assert_figs "$X" "Cohort/PccArea[@code='A3']" Members=1 WeightedSize=10000
assert_figs "$X" "Cohort/PccArea[@code='A2']" Members=0 WeightedSize=0
assert_eq 'PC_N,,,500000,,1000,0,,,PCC_OUTSIDE_CPA' "$(grep '^PC_N,' "$ANNEX")" \
	"NULL pcc_code is empty in the annex"

# ---- WRONG_QUARTER: cohort 2024Q2, period 2026Q1 ------------------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('WQ_OKA', '2024Q2', 'CPA1', 'A1', '2024-04-01', 500000, 1000, '', 0, 'final'),
 ('WQ_OKB', '2024Q2', 'CPA1', 'A2', '2024-06-30', 500000, 1000, '', 0, 'final'),
 ('WQ_N',   '2024Q2', 'CPA1', 'A1', NULL,         500000, 1000, '', 0, 'final'),
 ('WQ_B',   '2024Q2', 'CPA1', 'A1', '2024-03-31', 500000, 1000, '', 0, 'final'),
 ('WQ_A',   '2024Q2', 'CPA1', 'A1', '2024-07-01', 500000, 1000, '', 0, 'final'),
 ('WQ_Y',   '2024Q2', 'CPA1', 'A1', '2023-05-15', 500000, 1000, '', 0, 'final'),
 -- wrong quarter before duplicate: WQ_OKA's second row is WRONG_QUARTER,
 -- and does not make WQ_OKA a duplicate
 ('WQ_OKA', '2024Q2', 'CPA1', 'A1', '2024-01-01', 500000, 1000, '', 0, 'final');
SQL
settle 2026Q1
assert_rejects "$X" 0 0 0 0 5 0
assert_figs "$X" Cohort Members=2 Rejected=5
for r in WQ_N WQ_B WQ_A WQ_Y; do
	status "$r" WRONG_QUARTER
done
# digest order: same ref, then the whole line; '2024-01-01' < '2024-04-01'
status WQ_OKA WRONG_QUARTER ACCEPTED
status WQ_OKB ACCEPTED

# ---- DUPLICATE: cohort 2024Q3, period 2026Q2 ----------------------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 -- D1: three dates, the strictly earliest kept
 ('D1', '2024Q3', 'CPA1', 'A1', '2024-08-01', 500000, 1000, '', 0, 'final'),
 ('D1', '2024Q3', 'CPA1', 'A1', '2024-07-05', 500000, 1000, '', 0, 'final'),
 ('D1', '2024Q3', 'CPA1', 'A1', '2024-07-10', 500000, 1000, '', 0, 'final'),
 -- D2: two share the earliest date: all three copies rejected
 ('D2', '2024Q3', 'CPA1', 'A1', '2024-07-05', 100000, 1000, '', 0, 'final'),
 ('D2', '2024Q3', 'CPA1', 'A1', '2024-07-05', 200000, 1000, '', 0, 'final'),
 ('D2', '2024Q3', 'CPA1', 'A1', '2024-09-01', 300000, 1000, '', 0, 'final'),
 -- D3: the earlier copy fails BAD_PREDICTION, so the later valid one is kept
 ('D3', '2024Q3', 'CPA1', 'A1', '2024-07-01', NULL,   1000, '', 0, 'final'),
 ('D3', '2024Q3', 'CPA1', 'A1', '2024-07-20', 500000, 1000, '', 0, 'final'),
 -- D4: a tie on the earliest date, but one of the tied rows is BAD_OUTCOME:
 -- among the rows that passed, 07-02 is strictly earliest and kept
 ('D4', '2024Q3', 'CPA1', 'A1', '2024-07-02', 100000, 1000, '', NULL, 'final'),
 ('D4', '2024Q3', 'CPA1', 'A1', '2024-07-02', 200000, 1000, '', 0,    'final'),
 ('D4', '2024Q3', 'CPA1', 'A1', '2024-07-03', 300000, 1000, '', 0,    'final'),
 -- D5: the same ref in another CPA and in another quarter: not duplicates
 ('D5', '2024Q3', 'CPA1', 'A1', '2024-07-05', 500000, 1000, '', 0, 'final'),
 ('D5', '2024Q3', 'CPA2', 'B1', '2024-07-05', 500000, 1000, '', 0, 'final'),
 ('D5', '2024Q2', 'CPA1', 'A1', '2024-05-05', 500000, 1000, '', 0, 'final'),
 -- D6: identical rows
 ('D6', '2024Q3', 'CPA1', 'A2', '2024-08-08', 500000, 1000, '', 0, 'final'),
 ('D6', '2024Q3', 'CPA1', 'A2', '2024-08-08', 500000, 1000, '', 0, 'final'),
 -- D7: case differs: not the same offender_ref
 ('d7', '2024Q3', 'CPA1', 'A2', '2024-08-08', 500000, 1000, '', 0, 'final'),
 ('D7', '2024Q3', 'CPA1', 'A2', '2024-08-08', 500000, 1000, '', 0, 'final');
SQL
settle 2026Q2
# D1: 2, D2: 3, D4: 1, D6: 2 -> 8 DUPLICATE; D3 1 BAD_PREDICTION; D4 1 BAD_OUTCOME
assert_rejects "$X" 1 1 0 0 0 8
# accepted: D1, D3, D4, D5, d7, D7 -> 6; rejected 10; rows 16
assert_figs "$X" Cohort Members=6 Rejected=10
status D1 ACCEPTED DUPLICATE DUPLICATE
status D2 DUPLICATE DUPLICATE DUPLICATE
status D3 BAD_PREDICTION ACCEPTED
status D4 BAD_OUTCOME ACCEPTED DUPLICATE
status D5 ACCEPTED
status D6 DUPLICATE DUPLICATE
status D7 ACCEPTED
status d7 ACCEPTED
# the kept D1 is the 07-05 one: its line comes first in digest order
assert_eq 'D1,A1,10000,500000,0,1000,0,5000000000,10000000,ACCEPTED' \
	"$(grep -m1 '^D1,' "$ANNEX")" "D1 kept copy"
# the kept D4 is the p = 200000 one
assert_eq 'D4,A1,10000,200000,0,1000,0,2000000000,10000000,ACCEPTED' \
	"$(grep '^D4,.*ACCEPTED$' "$ANNEX")" "D4 kept copy"
assert_eq 17 "$(wc -l <"$ANNEX")" "annex: header + 16 rows"

# ---- malformed cohort_quarter: cohort 2025Q1, period 2026Q4 --------------------
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('MQ_OK', '2025Q1', 'CPA1', 'A1', '2025-01-05', 500000, 1000, '', 0, 'final'),
 ('MQ_1',  '2024q1', 'CPA1', 'A1', '2024-01-05', 500000, 1000, '', 0, 'final'),
 ('MQ_2',  '2025q1', 'CPA1', 'A1', '2025-01-05', 500000, 1000, '', 0, 'pending'),
 ('MQ_3',  '25Q1',   'CPA1', 'A1', '2025-01-05', 500000, 1000, '', 0, 'final'),
 ('MQ_4',  '2025Q1 ', 'CPA1', 'A1', '2025-01-05', 500000, 1000, '', 0, 'final'),
 -- another CPA's malformed row is not NORTH's business
 ('MQ_5',  '2025q1', 'CPA2', 'B1', '2025-01-05', 500000, 1000, '', 0, 'final');
SQL
settle 2026Q4
assert_true "a note on stderr names the unassigned file" grep -q 'unassigned.csv' "$LAST_ERR"
assert_match '(^|[^0-9])4([^0-9]|$)' "$(cat "$LAST_ERR")" \
	"the note gives the count of malformed rows in CPA1 (4)"
assert_figs "$X" Cohort Members=1 Rejected=0
assert_rejects "$X" 0 0 0 0 0 0
assert_eq "ACCEPTED" "$(tail -n +2 "$ANNEX" | cut -d, -f10 | paste -sd' ' -)" \
	"malformed rows are in no cohort's annex"
# the same warning in any NORTH run: period 2025Q4 sees the same 4 rows
mkdir -p "$TMP/again" "$TMP/south"
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/again" --dry-run
assert_match '(^|[^0-9])4([^0-9]|$)' "$(cat "$LAST_ERR")" "the same note in another period's run"
# and a SOUTH run counts CPA2's one
assert_exit 0 "$PBR" run --period 2026Q2 --contract SOUTH --out "$TMP/south" --dry-run
assert_match '(^|[^0-9])1([^0-9]|$)' "$(cat "$LAST_ERR")" "SOUTH's note counts 1"

finish
