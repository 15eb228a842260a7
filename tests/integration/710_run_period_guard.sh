#!/usr/bin/env bash
# 710_run_period_guard: SPEC 3, issue 11 #2.  A period that has not begun
# (later than the quarter of today's date, UTC) is refused with 65, checked
# first (before the output directory, whether or not a contract covers
# it), dry run or not; nothing written or recorded.  A contract whose
# cohort has no rows at all in its CPA is refused (65, a missing feed)
# unless --allow-empty, which settles it at zero.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv.  AUD (CPAU) and AUD2
# (CPAV) cover cohorts 2024Q1..2024Q4; CPAU and CPAV have no rows at all
# in cohort 2024Q3 (period 2026Q2).
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# today's quarter and the next one, computed here from the UTC date
y=$(date -u +%Y)
m=$(date -u +%-m)
qi=$((y * 4 + (m - 1) / 3))
CUR=$((qi / 4))Q$((qi % 4 + 1))
NEXT=$(((qi + 1) / 4))Q$(((qi + 1) % 4 + 1))

# ---- not begun -------------------------------------------------------------
mkdir -p "$TMP/future"
sql -c "UPDATE pbr.contract SET last_cohort = '2099Q4'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period "$NEXT" --out "$TMP/future"
assert_one_line "$LAST_ERR" "$NEXT: one line"
assert_match "period $NEXT has not begun.*$CUR" "$(cat "$LAST_ERR")" "names the period and today's quarter"
assert_empty_dir "$TMP/future" "$NEXT: nothing written"
assert_eq 0 "$(ledger)" "$NEXT: nothing recorded"
assert_exit 65 "$PBR" run --period "$NEXT" --out "$TMP/future" --dry-run
assert_empty_dir "$TMP/future" "$NEXT dry run: nothing written"
# checked first: before the output directory is looked at ...
assert_exit 65 "$PBR" run --unsigned --period "$NEXT" --out "$TMP/no/such/dir"
# ... and whether or not a contract covers it
sql -c "UPDATE pbr.contract SET last_cohort = '2024Q4'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2099Q1 --out "$TMP/future"
assert_match 'has not begun' "$(cat "$LAST_ERR")" "2099Q1: not begun, not 'no contract'"
# the current quarter has begun: nobody covers it, so exit 0 with a note
assert_exit 0 "$PBR" run --unsigned --period "$CUR" --out "$TMP/future"
assert_match 'no contract covers' "$(cat "$LAST_ERR")" "$CUR has begun: the no-contract note"
assert_eq 0 "$(ledger)" "still nothing recorded"

# ---- empty cohort ----------------------------------------------------------
mkdir -p "$TMP/empty" "$TMP/allowed"
assert_exit 65 "$PBR" run --unsigned --period 2026Q2 --contract AUD --out "$TMP/empty"
assert_one_line "$LAST_ERR" "empty cohort: one line"
assert_match 'cohort 2024Q3 of contract AUD has no rows at all in CPA CPAU' "$(cat "$LAST_ERR")" \
	"names cohort, contract and CPA"
assert_match 'allow-empty' "$(cat "$LAST_ERR")" "points at --allow-empty"
assert_empty_dir "$TMP/empty" "empty cohort: nothing written"
assert_exit 65 "$PBR" run --period 2026Q2 --contract AUD --out "$TMP/empty" --dry-run
assert_empty_dir "$TMP/empty" "empty cohort dry run: nothing written"
assert_exit 65 "$PBR" run --unsigned --period 2026Q2 --out "$TMP/empty"
assert_empty_dir "$TMP/empty" "whole period: nothing written"
assert_eq 0 "$(ledger)" "empty cohort: nothing recorded"
# --allow-empty: a zero statement, on purpose
assert_exit 0 "$PBR" run --unsigned --period 2026Q2 --contract AUD --out "$TMP/allowed" --allow-empty
X=$TMP/allowed/AUD-2026Q2-1.xml
assert_figs "$X" Cohort Members=0 Rejected=0 WeightedSize=0 TotalPence=0
assert_figs "$X" Summary PeriodDuePence=0 AmountDuePence=0
assert_eq 1 "$(ledger)" "--allow-empty: recorded"
# a cohort with rows settles without it (AUD 2025Q4: T 105 000)
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/allowed"
assert_fig "$TMP/allowed/AUD-2025Q4-1.xml" Cohort/TotalPence 105000
finish
