#!/usr/bin/env bash
# 140_annual_clawback: the 2024 annual reconciliation of contract CLAW
# (tests/data/audit_year_ref.sql + audit_clawback.csv), where the pooled
# year earns less than the quarters were paid: Q1 did well, the others badly,
# and the pooled B is below the pooled hurdle, so TrueUpPence is negative
# (money clawed back).  SPEC 6.  Then a Q2 cohort is restated after the year
# was reconciled: the run notes that period 2026Q3 must be restated next,
# and restating 2026Q3 gives the new true-up.  SPEC 7.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Tariff TY: Pb = round(B / 100 000), Pf = round(F / 500), hurdle 100 000
# ppm (B >= W / 10), cap 100 000 p per cohort, ACC +5000 bp.
# b = w*(p - y*10^6), fc = w*(f - r*1000); w = 10000 unless noted.
#
# Q1, cohort 2024Q1, period 2025Q4:
#   K01 C1 p 600000 f 1000 r 0   b  6 000 000 000  fc 10 000 000
#   K02 C1 p 200000 f  800 r 0   b  2 000 000 000  fc  8 000 000
#   K03 C2 p 700000 f 1500 r 1   b -3 000 000 000  fc  5 000 000
#   n 3, W 30000, Eb 15 000 000 000, Ab 10 000 000 000, B 5 000 000 000,
#   Ef 33 000 000, Af 10 000 000, F 23 000 000
#   hurdle 3 000 000 000 met: Pb 50 000; Pf 46 000; T 96 000 (under the cap)
# Q2, cohort 2024Q2, period 2026Q1:
#   L01 C1 p 300000 f 1000 r 1   b -7 000 000 000  fc          0
#   L02 C2 p 400000 f 1200 r 0   b  4 000 000 000  fc 12 000 000
#   n 2, W 20000, Eb 7 000 000 000, Ab 10 000 000 000, B -3 000 000 000,
#   Ef 22 000 000, Af 10 000 000, F 12 000 000
#   hurdle missed (B <= 0): Pb 0; gate shut (B < 0): Pf 0; T 0
# Q3, cohort 2024Q3, period 2026Q2:
#   M01 C1 p 500000 f  900 r 0   b  5 000 000 000  fc  9 000 000
#   M02 C2 p 550000 f 1500 r 1   b -4 500 000 000  fc  5 000 000
#   n 2, W 20000, Eb 10 500 000 000, Ab 10 000 000 000, B 500 000 000,
#   Ef 24 000 000, Af 10 000 000, F 14 000 000
#   hurdle 2 000 000 000 missed: Pb 0; gate open: Pf 28 000; T 28 000
# Q4, cohort 2024Q4, period 2026Q3:
#   Q01 C1 p 450005 f 1000 r 2          b -5 499 950 000  fc -10 000 000
#   Q02 C2 p 350000 f  800 r 0          b  3 500 000 000  fc   8 000 000
#   Q03 C1 ACC w 15000 p 200000 f 600 r 0  b  3 000 000 000  fc   9 000 000
#   n 3, W 35000, Eb 4 500 050 000 + 3 500 000 000 + 3 000 000 000
#   = 11 000 050 000, Ab 10 000 000 000, B 1 000 050 000,
#   Ef 10 000 000 + 8 000 000 + 9 000 000 = 27 000 000, Af 20 000 000, F 7 000 000
#   hurdle 3 500 000 000 missed: Pb 0; gate open: Pf 14 000; T 14 000
# Pool (k = 4): n 10, W 105 000,
#   Eb 15e9 + 7e9 + 10.5e9 + 11 000 050 000 = 43 500 050 000,
#   Ab 40 000 000 000, B 3 500 050 000,
#   Ef 33e6 + 22e6 + 24e6 + 27e6 = 106 000 000, Af 50 000 000, F 56 000 000
#   hurdle 100000 * 105000 = 10 500 000 000 missed: Pb 0
#   gate open (B >= 0, F > 0): Pf 112 000; cap 400 000: cut 0
#   Entitlement 112 000
#   PreviouslyPaid = 96 000 + 0 + 28 000 = 124 000
#   TrueUp = 112 000 - (124 000 + 14 000) = -26 000  (clawback)
#   PeriodDue = 14 000 - 26 000 = -12 000 = 112 000 - 124 000; AmountDue -12 000
#
# Restatement of Q2 (period 2026Q1): L01's reoffence_count 1 -> 0 (y 0):
#   L01 b 3 000 000 000, fc 10 000 000
#   Q2: Ab 0, B 7 000 000 000, Af 0, F 22 000 000
#   hurdle (W 20000) 2 000 000 000 met: Pb 70 000; Pf 44 000;
#   114 000 over the cap: cut 14 000 off frequency: Pf' 30 000, Pb' 70 000,
#   T 100 000.  CLAW-2026Q1-2: PreviousTotalPence 0, PreviousPeriodDuePence 0,
#   PeriodDue 100 000, AmountDue 100 000 - 0 = 100 000.
# Restatement of Q4 (period 2026Q3), its own cohort unchanged (T 14 000):
#   pool Ab 30 000 000 000, B 13 500 050 000 >= 10 500 000 000: met,
#   Pb round(135 000.5) = 135 001; Af 40 000 000, F 66 000 000: Pf 132 000;
#   Entitlement 267 001 (under 400 000)
#   PreviouslyPaid = 96 000 + 100 000 + 28 000 = 224 000
#   TrueUp = 267 001 - (224 000 + 14 000) = 29 001
#   PeriodDue = 14 000 + 29 001 = 43 001; PreviousTotalPence 14 000,
#   PreviousPeriodDuePence -12 000, AmountDue 43 001 - (-12 000) = 55 001.
#   Amounts due of the year: 96 000 + (0 + 100 000) + 28 000 + (-12 000 + 55 001)
#   = 267 001 = the new entitlement.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_clawback.csv"
OUT=$TMP/out
mkdir -p "$OUT"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
run() { assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period "$@"; }

for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	run "$p"
done
S1=$OUT/CLAW-2025Q4-1.xml
S2=$OUT/CLAW-2026Q1-1.xml
S3=$OUT/CLAW-2026Q2-1.xml
S4=$OUT/CLAW-2026Q3-1.xml
for f in "$S1" "$S2" "$S3" "$S4"; do
	[ -s "$f" ] || die "no statement $f (files: $(ls "$OUT"))"
done
assert_figs "$S1" Cohort Members=3 BinaryImprovement=5000000000 FrequencyImprovement=23000000 \
	BinaryPence=50000 FrequencyPence=46000 TotalPence=96000
assert_figs "$S2" Cohort BinaryImprovement=-3000000000 BinaryHurdleMet=false \
	FrequencyGateOpen=false TotalPence=0
assert_figs "$S3" Cohort BinaryImprovement=500000000 BinaryHurdleMet=false \
	FrequencyGateOpen=true TotalPence=28000

# ---- the clawback ------------------------------------------------------------------
assert_true "$(basename "$S4") validates against the XSD" valid_xsd "$S4"
assert_figs "$S4" Cohort Members=3 WeightedSize=35000 ExpectedBinary=11000050000 \
	ActualBinary=10000000000 BinaryImprovement=1000050000 \
	ExpectedFrequency=27000000 ActualFrequency=20000000 FrequencyImprovement=7000000 \
	BinaryHurdleMet=false FrequencyGateOpen=true BinaryPence=0 \
	FrequencyPence=14000 TotalPence=14000
assert_fig "$S4" AnnualReconciliation/@year 2024
assert_figs "$S4" AnnualReconciliation Cohorts=4 Members=10 WeightedSize=105000 \
	ExpectedBinary=43500050000 ActualBinary=40000000000 BinaryImprovement=3500050000 \
	ExpectedFrequency=106000000 ActualFrequency=50000000 FrequencyImprovement=56000000 \
	BinaryHurdleMet=false FrequencyGateOpen=true CapPence=400000 \
	BinaryPence=0 FrequencyPence=112000 CapCutPence=0 \
	EntitlementPence=112000 PreviouslyPaidPence=124000 TrueUpPence=-26000
assert_figs "$S4" Summary PeriodDuePence=-12000 AmountDuePence=-12000
assert_exit 0 "$PBR" verify --allow-unsigned "$S4"
assert_eq 4 "$(ledger)" "four statements"

# ---- restating a Q2 cohort after the year was reconciled ---------------------------
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "L01 conviction quashed"
R2=$OUT/CLAW-2026Q1-2.xml
[ -s "$R2" ] || die "no restatement $R2"
assert_match 'restate period 2026Q3' "$(cat "$LAST_ERR")" "note names period 2026Q3 to restate next"
assert_match 'CLAW-2026Q3-1' "$(cat "$LAST_ERR")" "note names the reconciliation that pooled it"
assert_figs "$R2" Header Kind=RESTATEMENT Supersedes=CLAW-2026Q1-1
assert_figs "$R2" Cohort BinaryImprovement=7000000000 FrequencyImprovement=22000000 \
	BinaryPence=70000 FrequencyPence=30000 CapCutPence=14000 TotalPence=100000
assert_figs "$R2" Summary PeriodDuePence=100000 AmountDuePence=100000 \
	PreviousTotalPence=0 PreviousPeriodDuePence=0

# The reconciliation's own cohort did not change, but what it pooled did:
# a plain re-run refuses (exit 65), saying so.
mkdir -p "$TMP/refused"
assert_exit 65 "$PBR" run --unsigned --contract CLAW --out "$TMP/refused" --period 2026Q3
assert_match 'CLAW-2026Q1-1' "$(cat "$LAST_ERR")" "refusal names the superseded pooled statement"
assert_match 'CLAW-2026Q1-2' "$(cat "$LAST_ERR")" "refusal names the statement now in force"
assert_match '\-\-restate' "$(cat "$LAST_ERR")" "refusal says to use --restate"
assert_empty_dir "$TMP/refused" "refused re-run writes nothing"
assert_eq 5 "$(ledger)" "refused re-run records nothing"

assert_exit 0 "$PBR" run --unsigned --contract CLAW --out "$OUT" --period 2026Q3 --restate --reason "pool the restated Q2"
R4=$OUT/CLAW-2026Q3-2.xml
[ -s "$R4" ] || die "no restatement $R4"
assert_true "$(basename "$R4") validates against the XSD" valid_xsd "$R4"
assert_figs "$R4" Header Kind=RESTATEMENT Supersedes=CLAW-2026Q3-1
assert_figs "$R4" Cohort TotalPence=14000
assert_figs "$R4" AnnualReconciliation Cohorts=4 Members=10 WeightedSize=105000 \
	ActualBinary=30000000000 BinaryImprovement=13500050000 \
	ActualFrequency=40000000 FrequencyImprovement=66000000 \
	BinaryHurdleMet=true BinaryPence=135001 FrequencyPence=132000 \
	EntitlementPence=267001 PreviouslyPaidPence=224000 TrueUpPence=29001
assert_figs "$R4" Summary PeriodDuePence=43001 AmountDuePence=55001 \
	PreviousTotalPence=14000 PreviousPeriodDuePence=-12000
assert_eq "CLAW-2025Q4-1,CLAW-2026Q1-2,CLAW-2026Q2-1" \
	"$(q "SELECT recon_basis FROM pbr.settlement WHERE statement_id = 'CLAW-2026Q3-2'")" "ledger: the restatement pooled the Q2 restatement"
assert_eq 267001 "$(q "SELECT sum(amount_due_pence) FROM pbr.settlement WHERE contract_id = 'CLAW'")" \
	"every amount due of the year sums to the new entitlement"
assert_exit 0 "$PBR" verify --allow-unsigned "$R4"
# the superseded reconciliation is a true record, not in force (SPEC 10)
assert_exit 1 "$PBR" verify --allow-unsigned "$S4"
assert_match '^ok ledger' "$(cat "$LAST_OUT")" "superseded reconciliation: ledger digest checked"
assert_match '^SUPERSEDED by CLAW-2026Q3-2 .*; reason: pool the restated Q2$' "$(cat "$LAST_OUT")" \
	"superseded reconciliation: by the restatement, and why"
assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "superseded reconciliation: no MISMATCH list"

finish
