#!/usr/bin/env bash
# 130_annual_topup: the 2024 annual reconciliation of contract TOPUP
# (tests/data/audit_year_ref.sql + audit_topup.csv), where the pooled year
# earns more than the four quarters did: two quarterly caps bind but the
# pooled cap (4 * cap) does not, and Q3 misses the binary hurdle on its own
# but its improvement counts in the pool.  SPEC 6.  Also: the reconciliation
# period cannot be settled before the earlier quarters (exit 65, naming the
# period to settle first).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Tariff TY: Pb = round(B / 100 000), Pf = round(F / 500), hurdle 100 000
# ppm (B >= W / 10), cap 100 000 p per cohort, ACC +5000 bp.
# b = w*(p - y*10^6), fc = w*(f - r*1000); w = 10000 unless noted.
#
# Q1, cohort 2024Q1, period 2025Q4:
#   U01 T1 p 600000 f 1000 r 0   b  6 000 000 000  fc 10 000 000
#   U02 T1 p 500000 f 1500 r 0   b  5 000 000 000  fc 15 000 000
#   U03 T2 p 700000 f 1000 r 1   b -3 000 000 000  fc          0
#   U04 T2 p 400000 f 1000 r 0   b  4 000 000 000  fc 10 000 000
#   n 4, W 40000, Eb 22 000 000 000, Ab 10 000 000 000, B 12 000 000 000,
#   Ef 45 000 000, Af 10 000 000, F 35 000 000
#   hurdle 4 000 000 000 met: Pb 120 000; Pf 70 000; 190 000 over the cap:
#   cut 90 000, all off frequency: Pf' 0, Pb' 100 000, T 100 000.
# Q2, cohort 2024Q2, period 2026Q1:
#   V01 T1 ACC w 15000 p 300000 f 1000 r 0  b 4 500 000 000  fc 15 000 000
#   V02 T2         p 200000 f  500 r 0      b 2 000 000 000  fc  5 000 000
#   n 2, W 25000, Eb 6 500 000 000, Ab 0, B 6 500 000 000, Ef 20 000 000,
#   Af 0, F 20 000 000
#   hurdle 2 500 000 000 met: Pb 65 000; Pf 40 000; 105 000 over the cap:
#   cut 5 000 off frequency: Pf' 35 000, Pb' 65 000, T 100 000.
# Q3, cohort 2024Q3, period 2026Q2:
#   X01 T1 p 500000 f 1000 r 1   b -5 000 000 000  fc          0
#   X02 T2 p 560000 f 1200 r 0   b  5 600 000 000  fc 12 000 000
#   n 2, W 20000, Eb 10 600 000 000, Ab 10 000 000 000, B 600 000 000,
#   Ef 22 000 000, Af 10 000 000, F 12 000 000
#   hurdle 2 000 000 000 missed: Pb 0; gate open (B >= 0, F > 0): Pf 24 000;
#   T 24 000.
# Q4, cohort 2024Q4, period 2026Q3:
#   Z01 T1 p 450005 f  900 r 0   b  4 500 050 000  fc  9 000 000
#   Z02 T2 p 650000 f 2000 r 2   b -3 500 000 000  fc          0
#   Z03 T2 p 300000 f  350 r 0   b  3 000 000 000  fc  3 500 000
#   n 3, W 30000, Eb 14 000 050 000, Ab 10 000 000 000, B 4 000 050 000,
#   Ef 32 500 000, Af 20 000 000, F 12 500 000
#   hurdle 3 000 000 000 met: Pb round(40 000.5) = 40 001; Pf 25 000;
#   T 65 001, no cut.
# Pool (k = 4): n 11, W 115 000,
#   Eb 22 000 000 000 + 6 500 000 000 + 10 600 000 000 + 14 000 050 000
#      = 53 100 050 000
#   Ab 10e9 + 0 + 10e9 + 10e9 = 30 000 000 000, B 23 100 050 000
#   Ef 45e6 + 20e6 + 22e6 + 32.5e6 = 119 500 000, Af 40 000 000, F 79 500 000
#   hurdle 100000 * 115000 = 11 500 000 000 met: Pb round(231 000.5) = 231 001
#   gate open: Pf 159 000; cap 400 000 not reached: cut 0
#   Entitlement 390 001
#   PreviouslyPaid = T(Q1) + T(Q2) + T(Q3) = 100 000 + 100 000 + 24 000 = 224 000
#   TrueUp = 390 001 - (224 000 + 65 001) = 101 000  (top-up: the two cuts
#            90 000 + 5 000 and Q3's missed 6 000 of binary payment)
#   PeriodDue = 65 001 + 101 000 = 166 001 = 390 001 - 224 000; AmountDue the same.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/early"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
run() { assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period "$@"; }

# ---- the reconciliation period cannot come first ----------------------------
run 2025Q4
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$TMP/early" --period 2026Q3
assert_one_line "$LAST_ERR" "2026Q3 before 2026Q1: one line on stderr"
assert_match 'settle period 2026Q1 first' "$(cat "$LAST_ERR")" "names period 2026Q1 to settle first"
assert_empty_dir "$TMP/early" "2026Q3 before 2026Q1: nothing written"
assert_eq 1 "$(ledger)" "2026Q3 before 2026Q1: nothing recorded"
run 2026Q1
assert_exit 65 "$PBR" run --unsigned --contract TOPUP --out "$TMP/early" --period 2026Q3
assert_match 'settle period 2026Q2 first' "$(cat "$LAST_ERR")" "then names period 2026Q2"
assert_empty_dir "$TMP/early" "2026Q3 before 2026Q2: nothing written"
# a dry run of the reconciliation needs the earlier quarters too
assert_exit 65 "$PBR" run --contract TOPUP --out "$TMP/early" --period 2026Q3 --dry-run
assert_match 'settle period 2026Q2 first' "$(cat "$LAST_ERR")" "dry run names period 2026Q2 too"
assert_eq 2 "$(ledger)" "nothing recorded by the refused runs"
run 2026Q2

# ---- the quarters ----------------------------------------------------------------
S1=$OUT/TOPUP-2025Q4-1.xml
S2=$OUT/TOPUP-2026Q1-1.xml
S3=$OUT/TOPUP-2026Q2-1.xml
S4=$OUT/TOPUP-2026Q3-1.xml
for f in "$S1" "$S2" "$S3"; do
	[ -s "$f" ] || die "no statement $f"
	assert_eq 0 "$(xcount "$f" /SettlementStatement/AnnualReconciliation)" "$(basename "$f"): no AnnualReconciliation"
done
assert_figs "$S1" Cohort Members=4 WeightedSize=40000 BinaryImprovement=12000000000 \
	FrequencyImprovement=35000000 BinaryHurdleMet=true BinaryPence=100000 \
	FrequencyPence=0 CapCutPence=90000 TotalPence=100000
assert_figs "$S1" Summary PeriodDuePence=100000 AmountDuePence=100000
assert_figs "$S2" Cohort Members=2 WeightedSize=25000 BinaryImprovement=6500000000 \
	FrequencyImprovement=20000000 BinaryPence=65000 FrequencyPence=35000 \
	CapCutPence=5000 TotalPence=100000
assert_figs "$S3" Cohort Members=2 WeightedSize=20000 BinaryImprovement=600000000 \
	BinaryHurdleMet=false FrequencyGateOpen=true BinaryPence=0 \
	FrequencyPence=24000 TotalPence=24000

# ---- the reconciliation ----------------------------------------------------------
run 2026Q3
[ -s "$S4" ] || die "no statement $S4 (files: $(ls "$OUT"))"
assert_true "$(basename "$S4") validates against the XSD" valid_xsd "$S4"
assert_figs "$S4" Cohort Members=3 WeightedSize=30000 ExpectedBinary=14000050000 \
	ActualBinary=10000000000 BinaryImprovement=4000050000 \
	ExpectedFrequency=32500000 ActualFrequency=20000000 \
	FrequencyImprovement=12500000 BinaryHurdleMet=true FrequencyGateOpen=true \
	BinaryPence=40001 FrequencyPence=25000 CapCutPence=0 TotalPence=65001
assert_eq 1 "$(xcount "$S4" /SettlementStatement/AnnualReconciliation)" "one AnnualReconciliation"
assert_fig "$S4" AnnualReconciliation/@year 2024
assert_figs "$S4" AnnualReconciliation Cohorts=4 Members=11 WeightedSize=115000 \
	ExpectedBinary=53100050000 ActualBinary=30000000000 \
	BinaryImprovement=23100050000 ExpectedFrequency=119500000 \
	ActualFrequency=40000000 FrequencyImprovement=79500000 \
	BinaryHurdleMet=true FrequencyGateOpen=true CapPence=400000 \
	BinaryPence=231001 FrequencyPence=159000 CapCutPence=0 \
	EntitlementPence=390001 PreviouslyPaidPence=224000 TrueUpPence=101000
assert_figs "$S4" Summary PeriodDuePence=166001 AmountDuePence=166001
assert_eq 0 "$(xcount "$S4" /SettlementStatement/Summary/PreviousTotalPence)" "original: no PreviousTotalPence"
assert_eq "166001" "$(q "SELECT period_due_pence FROM pbr.settlement WHERE statement_id = 'TOPUP-2026Q3-1'")" "ledger period_due_pence"
assert_eq "TOPUP-2025Q4-1,TOPUP-2026Q1-1,TOPUP-2026Q2-1" \
	"$(q "SELECT recon_basis FROM pbr.settlement WHERE statement_id = 'TOPUP-2026Q3-1'")" "ledger: the statements pooled"
# the year's amounts due sum to the entitlement: 100000+100000+24000+166001
assert_eq 390001 "$(q "SELECT sum(amount_due_pence) FROM pbr.statement_in_force WHERE contract_id = 'TOPUP'")" "amounts due of the year sum to the entitlement"

# the reconciliation re-runs byte-identically and verifies
cp "$S4" "$TMP/s4.copy"
run 2026Q3
assert_true "reconciliation re-run is byte-identical" cmp -s "$S4" "$TMP/s4.copy"
assert_eq 4 "$(ledger)" "re-run records nothing"
assert_exit 0 "$PBR" verify --allow-unsigned "$S4"
assert_match 'verified' "$(cat "$LAST_OUT")" "verify: the reconciliation recomputes"

finish
