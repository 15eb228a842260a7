#!/usr/bin/env bash
# 135_annual_part_year: a contract whose range starts in Q3 pools only the
# cohorts of the year within its range (SPEC 6): k = 2, cap 2 * cohort cap.
# Contract TOPUP of tests/data/audit_year_ref.sql + audit_topup.csv, with
# first_cohort moved to 2024Q3: periods 2026Q2 (cohort 2024Q3) and 2026Q3
# (cohort 2024Q4, the reconciliation).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Tariff TY: Pb = round(B / 100 000), Pf = F / 500, hurdle B >= W / 10,
# cap 100 000.  From 130_annual_topup:
#   Q3 (2024Q3): n 2, W 20000, Eb 10 600 000 000, Ab 10 000 000 000,
#     B 600 000 000, Ef 22 000 000, Af 10 000 000, F 12 000 000; T 24 000
#   Q4 (2024Q4): n 3, W 30000, Eb 14 000 050 000, Ab 10 000 000 000,
#     B 4 000 050 000, Ef 32 500 000, Af 20 000 000, F 12 500 000; T 65 001
# Pool (k = 2): n 5, W 50 000, Eb 24 600 050 000, Ab 20 000 000 000,
#   B 4 600 050 000 < hurdle 100000 * 50000 = 5 000 000 000: Pb 0
#   Ef 54 500 000, Af 30 000 000, F 24 500 000: gate open, Pf 49 000
#   cap 200 000: cut 0; Entitlement 49 000
#   PreviouslyPaid 24 000 (Q3 only)
#   TrueUp = 49 000 - (24 000 + 65 001) = -40 001
#   PeriodDue = 65 001 - 40 001 = 25 000 = 49 000 - 24 000
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
sql -c "UPDATE pbr.contract SET first_cohort = '2024Q3' WHERE id = 'TOPUP'" >/dev/null
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/early"

# Q1 and Q2 are outside the range; Q3 is needed first
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$TMP/early" --period 2026Q3
assert_match 'settle period 2026Q2 first' "$(cat "$LAST_ERR")" "names period 2026Q2 (not 2025Q4 or 2026Q1)"
assert_empty_dir "$TMP/early" "nothing written"
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$TMP/early" --period 2025Q4
assert_match 'does not cover' "$(cat "$LAST_ERR")" "2025Q4 (cohort 2024Q1) is outside the contract"

assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period 2026Q2
assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period 2026Q3
X=$OUT/TOPUP-2026Q3-1.xml
[ -s "$X" ] || die "no statement $X"
assert_true "validates against the XSD" valid_xsd "$X"
assert_fig "$X" Cohort/TotalPence 65001
assert_figs "$X" AnnualReconciliation Cohorts=2 Members=5 WeightedSize=50000 \
	ExpectedBinary=24600050000 ActualBinary=20000000000 BinaryImprovement=4600050000 \
	ExpectedFrequency=54500000 ActualFrequency=30000000 FrequencyImprovement=24500000 \
	BinaryHurdleMet=false FrequencyGateOpen=true CapPence=200000 BinaryPence=0 \
	FrequencyPence=49000 CapCutPence=0 EntitlementPence=49000 \
	PreviouslyPaidPence=24000 TrueUpPence=-40001
assert_figs "$X" Summary PeriodDuePence=25000 AmountDuePence=25000
assert_eq "TOPUP-2026Q2-1" "$(q "SELECT recon_basis FROM pbr.settlement WHERE statement_id = 'TOPUP-2026Q3-1'")" \
	"ledger: only the Q3 statement pooled"
assert_exit 0 "$PBR" verify --allow-unsigned "$X"

finish
