#!/usr/bin/env bash
# 750_dry_run_drafts: SPEC 7, issue 11 #11 and #12.  A dry run writes its
# draft and annex even when the rejects exceed the limit, then exits 65
# and says so (a FINAL run still writes nothing).  A dry run of a settled
# period is a restatement draft of the statement in force, and the console
# says whether it would change anything.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: basic_ref.sql + basic_cohort.csv, NORTH period 2025Q4: 10 rows,
# 2 rejected (R09 UNKNOWN_NEED, R10 PCC_OUTSIDE_CPA), T 310 780 (worked in
# 030_run_figures and the README).
migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# ---- over the reject limit -----------------------------------------------------
# 2 of 10 rejected = 200 000 ppm > 100 000
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 100000" >/dev/null
mkdir -p "$TMP/final" "$TMP/draft"
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/final"
assert_empty_dir "$TMP/final" "FINAL over the limit: nothing written"
assert_exit 65 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/draft" --dry-run
assert_one_line "$LAST_ERR" "dry run over the limit: one line"
err=$(cat "$LAST_ERR")
assert_match '2 of 10 rows of cohort 2024Q1 of contract NORTH rejected, over max_reject_ppm 100000' "$err" "names the counts"
assert_match 'UNKNOWN_NEED=1.*PCC_OUTSIDE_CPA=1' "$err" "names the reasons"
assert_match 'NORTH-2025Q4-draft-annex.csv are written' "$err" "says the draft and annex are written"
D=$TMP/draft/NORTH-2025Q4-draft.xml
A=$TMP/draft/NORTH-2025Q4-draft-annex.csv
assert_true "the draft is there" valid_xsd "$D"
assert_figs "$D" Cohort Members=8 Rejected=2
assert_fig "$D" Header/Status DRAFT
assert_eq "UNKNOWN_NEED" "$(annex_status "$A" R09)" "annex: R09 UNKNOWN_NEED"
assert_eq "PCC_OUTSIDE_CPA" "$(annex_status "$A" R10)" "annex: R10 PCC_OUTSIDE_CPA"
assert_true "the table is printed too" grep -q '^NORTH .*draft' "$LAST_OUT"
assert_eq 0 "$(ledger)" "nothing recorded"
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 300000" >/dev/null

# ---- a dry run of a settled period ----------------------------------------------
mkdir -p "$TMP/out" "$TMP/d1" "$TMP/d2"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/out"
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/d1" --dry-run
assert_match '^NORTH .* 0\.00  .*\(restatement draft of NORTH-2025Q4-1: would change nothing\)$' \
	"$(grep '^NORTH' "$LAST_OUT")" "unchanged: a restatement draft that would change nothing"
assert_figs "$TMP/d1/NORTH-2025Q4-draft.xml" Header Kind=RESTATEMENT Supersedes=NORTH-2025Q4-1 Status=DRAFT
assert_figs "$TMP/d1/NORTH-2025Q4-draft.xml" Summary PeriodDuePence=310780 AmountDuePence=0 PreviousPeriodDuePence=310780
# M01 reoffends: y 0 -> 1, b 5e9 -> -5e9 (B 11 700 050 000 -> 1 700 050 000,
# hurdle 975 000 000 still met: Pb round(17 000.5) = 17 001); fc 15e6 -> 5e6
# (F 96 889 250 -> 86 889 250: Pf round(173 778.5) = 173 779); T 190 780;
# amount due 190 780 - 310 780 = -120 000.
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'M01'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/d2" --dry-run
assert_match '^NORTH .* -1200\.00  .*\(restatement draft of NORTH-2025Q4-1: inputs changed, would restate it\)$' \
	"$(grep '^NORTH' "$LAST_OUT")" "changed: a restatement draft that would restate, amount due -1200.00"
assert_figs "$TMP/d2/NORTH-2025Q4-draft.xml" Cohort BinaryPence=17001 FrequencyPence=173779 TotalPence=190780
assert_figs "$TMP/d2/NORTH-2025Q4-draft.xml" Summary PeriodDuePence=190780 AmountDuePence=-120000
assert_eq 1 "$(ledger)" "dry runs record nothing"
finish
