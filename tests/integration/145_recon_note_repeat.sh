#!/usr/bin/env bash
# 145_recon_note_repeat: the year's reconciliation must be restated whenever
# a statement it pooled is no longer in force.  After the 2024
# reconciliation of CLAW (period 2026Q3) pooled CLAW-2026Q1-1, the Q2 cohort
# (period 2026Q1) is restated twice before 2026Q3 is: both restatements must
# print the note naming period 2026Q3 to restate next, since after each the
# reconciliation in force (CLAW-2026Q3-1) still pools a superseded Q2
# statement.  (Kept apart from 140 so that a failure here is this one point.)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_year_ref.sql + audit_clawback.csv (figures in
# 140_annual_clawback; only the notes matter here).
migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_clawback.csv"
OUT=$TMP/out
mkdir -p "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period "$p"
done

sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "first correction"
assert_match 'restate period 2026Q3' "$(cat "$LAST_ERR")" "first Q2 restatement: note names period 2026Q3"

sql -c "UPDATE pbr.cohort_member SET predicted_binary_ppm = 310000 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "second correction"
assert_eq "CLAW-2025Q4-1,CLAW-2026Q1-1,CLAW-2026Q2-1" \
	"$(q "SELECT recon_basis FROM pbr.statement_in_force WHERE contract_id = 'CLAW' AND period = '2026Q3'")" \
	"the reconciliation in force still pools CLAW-2026Q1-1"
assert_match 'restate period 2026Q3' "$(cat "$LAST_ERR")" "second Q2 restatement: note names period 2026Q3 again"

# once 2026Q3 is restated, a further Q2 restatement notes it again
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q3 --restate --reason "pool Q2"
sql -c "UPDATE pbr.cohort_member SET predicted_binary_ppm = 320000 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "third correction"
assert_match 'restate period 2026Q3' "$(cat "$LAST_ERR")" "after 2026Q3 was restated: note again"

finish
