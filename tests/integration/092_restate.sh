#!/usr/bin/env bash
# 092_restate: a settled period with changed inputs is refused (65) unless
# --restate --reason; a restatement gets seq 2, Kind RESTATEMENT, Supersedes,
# PreviousTotalPence, and AmountDuePence = its PeriodDuePence - the superseded
# PeriodDuePence, so the amounts due along a chain sum to the latest
# PeriodDuePence (SPEC 7).  The ledger in `history --format csv`.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/refused"
north() { assert_exit "$1" "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$OUT" "${@:2}"; }

# original: T 310 780 (see 030_run_figures)
north 0
X1=$OUT/NORTH-2025Q4-1.xml
assert_fig "$X1" Summary/PeriodDuePence 310780
cp "$X1" "$TMP/x1.xml"

# ---------------------------------------------------------------------------
# M02 (A1, w 12000, p 600000, f 2000) turns out not to have reoffended:
# r 2 -> 0, so y 1 -> 0.
#   Ab = 40 250 000 000 - 12000 * 10^6 = 28 250 000 000
#   B  = 51 950 050 000 - 28 250 000 000 = 23 700 050 000
#   Pb = round(23 700 050 000 / 10^5) = round(237 000.5) = 237 001
#   Af = 78 750 000 - 12000 * 2 * 1000 = 54 750 000
#   F  = 175 639 250 - 54 750 000 = 120 889 250
#   Pf = round(120 889 250 / 500) = round(241 778.5) = 241 779
#   T  = 478 780; AmountDue = 478 780 - 310 780 = 168 000
# ---------------------------------------------------------------------------
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'M02'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/refused"
assert_one_line "$LAST_ERR" "changed inputs: one line"
assert_match 'restate' "$(cat "$LAST_ERR")" "the message points at --restate"
assert_empty_dir "$TMP/refused" "changed inputs: nothing written"
assert_true "the original is untouched" cmp -s "$TMP/x1.xml" "$X1"
assert_exit 64 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$OUT" --reason "no restate"

north 0 --restate --reason "late conviction data corrected"
X2=$OUT/NORTH-2025Q4-2.xml
assert_true "restatement written as seq 2" test -s "$X2"
assert_true "restatement validates" valid_xsd "$X2"
assert_true "the original file is left alone" cmp -s "$TMP/x1.xml" "$X1"
assert_figs "$X2" Header StatementId=NORTH-2025Q4-2 Status=FINAL Kind=RESTATEMENT \
	Supersedes=NORTH-2025Q4-1 Reason="late conviction data corrected"
assert_figs "$X2" Cohort ActualBinary=28250000000 BinaryImprovement=23700050000 \
	ActualFrequency=54750000 FrequencyImprovement=120889250 BinaryPence=237001 \
	FrequencyPence=241779 TotalPence=478780
assert_figs "$X2" Summary PeriodDuePence=478780 AmountDuePence=168000 \
	PreviousTotalPence=310780
assert_eq "$(sha256sum <"$OUT/NORTH-2025Q4-2-annex.csv" | cut -d' ' -f1)" \
	"$(sx "$X2" Header/AnnexDigest)" "restatement AnnexDigest"
assert_true "a new RunId" test "$(sx "$X2" Header/RunId)" != "$(sx "$X1" Header/RunId)"

# unchanged since the restatement: a plain re-run rewrites seq 2, no new row
cp "$X2" "$TMP/x2.xml"
north 0
assert_true "re-run after a restatement: byte-identical seq 2" cmp -s "$TMP/x2.xml" "$X2"
assert_true "no seq 3" test ! -e "$OUT/NORTH-2025Q4-3.xml"
assert_eq 2 "$(q "SELECT count(*) FROM pbr.settlement")" "two ledger rows"

# back to r 2: a second restatement, seq 3, worth the original again
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 2 WHERE offender_ref = 'M02'" >/dev/null
north 0 --restate --reason "reverted"
X3=$OUT/NORTH-2025Q4-3.xml
assert_true "restatement seq 3 validates" valid_xsd "$X3"
assert_figs "$X3" Header Kind=RESTATEMENT Supersedes=NORTH-2025Q4-2
assert_figs "$X3" Cohort TotalPence=310780
# AmountDue = 310 780 - 478 780 = -168 000; the chain sums to 310 780
assert_figs "$X3" Summary PeriodDuePence=310780 AmountDuePence=-168000 \
	PreviousTotalPence=478780
chain=$(($(sx "$X1" Summary/AmountDuePence) + $(sx "$X2" Summary/AmountDuePence) + \
	$(sx "$X3" Summary/AmountDuePence)))
assert_eq 310780 "$chain" "amounts due along the chain sum to the latest PeriodDuePence"
# the same figures as the original (only header and summary differ)
assert_eq "$(sx "$X1" Header/InputDigest)" "$(sx "$X3" Header/InputDigest)" \
	"same inputs as the original: same InputDigest"

# the ledger through `history --format csv`
assert_exit 0 "$PBR" history --contract NORTH --format csv
cp "$LAST_OUT" "$TMP/history.csv"
assert_eq "run_id,statement_id,contract,period,cohort,seq,kind,status,total_pence,amount_due_pence,input_digest,statement_digest,created_at,total_pounds,amount_due_pounds" \
	"$(head -n 1 "$TMP/history.csv")" "history csv header"
assert_eq 4 "$(wc -l <"$TMP/history.csv")" "history: header + 3 statements"
assert_eq "NORTH,2025Q4,2024Q1,1,ORIGINAL,310780,310780
NORTH,2025Q4,2024Q1,2,RESTATEMENT,478780,168000
NORTH,2025Q4,2024Q1,3,RESTATEMENT,310780,-168000" \
	"$(tail -n +2 "$TMP/history.csv" | cut -d, -f3-7,9,10 | sort -t, -k4,4n)" \
	"history rows"

finish
