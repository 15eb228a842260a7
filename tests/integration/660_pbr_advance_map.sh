#!/usr/bin/env bash
# 660_pbr_advance_map: the whole contract in the PbR statements (SPEC 6,
# 7, 11.3).  With a contract year for the cohort year, an original PbR
# statement nets the cohort's three monthly advances (AdvanceNettedPence,
# AmountDuePence = PeriodDuePence - AdvanceNettedPence, negative when the
# advance is recovered), a restatement nets nothing again, and the annual
# reconciliation is capped by the PbR pot of the December monthly
# statement, which must be in force (else 65, naming it).
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# The TOPUP year of 130_annual_topup (tests/data/audit_year_ref.sql and
# audit_topup.csv): T of the cohorts 2024Q1..Q4 = 100 000, 100 000, 24 000,
# 65 001; the pool earns Pb 231 001 + Pf 159 000 = 390 001 under the
# cap k * cohort cap = 4 * 100 000 = 400 000.
#
# Contract terms for TOPUP 2024 (below): A = 1 200 000, no discount, so
# A' = 1 200 000 and every instalment 100 000; Vp = 1 200 000 milli; the
# returns give 100 CO cases at 1 000 milli a month, Va = 1 200 000: WITHIN,
# Adjustment 0, FfsYear 1 200 000; MAP 1 500 000: PbrPot 300 000.
# Advance 10 000 a month: AdvanceNettedPence = 3 * 10 000 = 30 000.
#
#   2025Q4 (cohort 2024Q1): PeriodDue 100 000, AmountDue 100 000 - 30 000 = 70 000
#   2026Q1 (cohort 2024Q2): 100 000 -> 70 000
#   2026Q2 (cohort 2024Q3): 24 000 -> 24 000 - 30 000 = -6 000 (advance recovered)
#   2026Q3 (cohort 2024Q4), the annual reconciliation:
#     cap = min(400 000, PbrPot 300 000) = 300 000: the MAP binds.
#     Pb + Pf = 390 001, cut 90 001, all off frequency:
#     Pf' = 159 000 - 90 001 = 68 999, Pb' = 231 001, Entitlement 300 000.
#     PreviouslyPaid 224 000; TrueUp = 300 000 - (224 000 + 65 001) = 10 999
#     PeriodDue = 65 001 + 10 999 = 76 000; AmountDue = 76 000 - 30 000 = 46 000.
#   The year: amounts due 70 000 + 70 000 - 6 000 + 46 000 = 180 000
#     = Entitlement 300 000 - 4 quarters * 30 000 of advances.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
sql_file "$DATA/topup_terms.sql"
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/early"
S() { xp "$1" "/SettlementStatement/$2"; }
run() { assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" "$@"; }

run --period 2025Q4
X=$OUT/TOPUP-2025Q4-1.xml
assert_eq 100000 "$(S "$X" Summary/PeriodDuePence)" "2025Q4 PeriodDue"
assert_eq 30000 "$(S "$X" Summary/AdvanceNettedPence)" "2025Q4 AdvanceNetted: 3 months of 10 000"
assert_eq 70000 "$(S "$X" Summary/AmountDuePence)" "2025Q4 AmountDue: 100 000 - 30 000"
assert_eq 70000 "$(q "SELECT amount_due_pence FROM pbr.settlement WHERE statement_id = 'TOPUP-2025Q4-1'")" "ledger amount due"
assert_true "validates" valid_xsd "$X"
run --period 2026Q1
run --period 2026Q2
X=$OUT/TOPUP-2026Q2-1.xml
assert_eq 24000 "$(S "$X" Summary/PeriodDuePence)" "2026Q2 PeriodDue"
assert_eq -6000 "$(S "$X" Summary/AmountDuePence)" "2026Q2 AmountDue: 24 000 - 30 000, the advance recovered"

# ---- the reconciliation needs December --------------------------------------------
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$TMP/early" --period 2026Q3
assert_one_line "$LAST_ERR" "no December statement: one line"
assert_match "needs the December monthly statement TOPUP-2024-12.*run --month 2024-12 first" "$(cat "$LAST_ERR")" \
	"names the December statement to settle first"
assert_empty_dir "$TMP/early" "nothing written"
assert_exit 0 "$PBR" run --unsigned --month 2024-12 --contract TOPUP --out "$OUT"
assert_eq 300000 "$(xp "$OUT/TOPUP-2024-12-1.xml" /MonthlyStatement/VolumeReconciliation/PbrPotPence)" "December: PbrPot 300 000"

run --period 2026Q3
X=$OUT/TOPUP-2026Q3-1.xml
assert_true "the capped reconciliation validates" valid_xsd "$X"
R=AnnualReconciliation
assert_eq 300000 "$(S "$X" $R/CapPence)" "CapPence = min(4 * 100 000, PbrPot 300 000)"
assert_eq 1200000 "$(S "$X" $R/FfsYearPence)" "FfsYearPence from December"
assert_eq 1500000 "$(S "$X" $R/MapPence)" "MapPence"
assert_eq 300000 "$(S "$X" $R/PbrPotPence)" "PbrPotPence"
assert_eq 231001 "$(S "$X" $R/BinaryPence)" "pooled Pb' untouched"
assert_eq 68999 "$(S "$X" $R/FrequencyPence)" "pooled Pf' = 159 000 - 90 001"
assert_eq 90001 "$(S "$X" $R/CapCutPence)" "cut 90 001"
assert_eq 300000 "$(S "$X" $R/EntitlementPence)" "Entitlement 300 000"
assert_eq 10999 "$(S "$X" $R/TrueUpPence)" "TrueUp 300 000 - 289 001"
assert_eq 76000 "$(S "$X" Summary/PeriodDuePence)" "PeriodDue 65 001 + 10 999"
assert_eq 46000 "$(S "$X" Summary/AmountDuePence)" "AmountDue 76 000 - 30 000"
assert_eq 180000 "$(q "SELECT sum(amount_due_pence) FROM pbr.statement_in_force WHERE contract_id = 'TOPUP' AND statement_type = 'PBR'")" \
	"the year's PbR amounts due: the entitlement less four quarters of advances"
assert_match "TOPUP-2024-12-1" "$(q "SELECT recon_basis FROM pbr.settlement WHERE statement_id = 'TOPUP-2026Q3-1'")" \
	"the ledger records the December statement the cap read"
assert_exit 0 "$PBR" verify "$X" --allow-unsigned

# ---- unchanged means the December statement too ----------------------------------------
assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period 2026Q3
assert_match "unchanged" "$(cat "$LAST_OUT")" "re-run with the same December: unchanged"
q "UPDATE pbr.volume_return SET cases = 50 WHERE month = '2024-12'" >/dev/null
# Va = 11 * 100 000 + 50 000 = 1 150 000: still within the band, Adjustment 0,
# yet the December inputs changed: restate December, then the PbR year.
assert_exit 0 "$PBR" run --unsigned --month 2024-12 --contract TOPUP --out "$OUT" --restate --reason "December return corrected"
assert_match "annual PbR reconciliation of TOPUP \(period 2026Q3\) was capped with superseded TOPUP-2024-12-1; restate period 2026Q3 next" \
	"$(cat "$LAST_ERR")" "the December restatement says which PbR period to restate next"
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period 2026Q3
assert_match "changed" "$(cat "$LAST_ERR")" "a restated December changes the reconciliation's inputs"
assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period 2026Q3 --restate --reason "December restated"
X=$OUT/TOPUP-2026Q3-2.xml
assert_eq 0 "$(S "$X" Summary/AdvanceNettedPence)" "a restatement nets no advance again"
assert_eq 0 "$(S "$X" Summary/AmountDuePence)" "restatement AmountDue: 76 000 - 76 000"
assert_match "TOPUP-2024-12-2" "$(q "SELECT recon_basis FROM pbr.settlement WHERE statement_id = 'TOPUP-2026Q3-2'")" \
	"the restatement records the December restatement"

finish
