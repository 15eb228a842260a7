#!/usr/bin/env bash
# 250_significance: the binary measure by statistical significance (SPEC
# 5a) on the hand-made data set tests/data/sig_{ref.sql,cohort.csv}, every
# figure worked by hand below (the same figures as the README's worked
# example).  Also: the SQL reference implementation agrees, verify
# re-derives every statement, V is carried in full (no 64-bit truncation),
# and simulate shows the same cohort under the hurdle rule.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Tariff TS (significance): Pb = B / 100 000, Pf = F / 500, z = 1.960,
# D = round(-B * 100 001 / 10^10) capped at 10^7, termination at 400 000
# ppm of W.  V = sum w^2 p (10^6 - p).  Significant iff B != 0 and
# B^2 * 10^6 >= z^2 V = 3 841 600 V.
#
# FALL, cohort 2024Q1 (period 2025Q4): a real fall that could be chance.
#  ref area needs  w      p       f    r  y   w^2 p (10^6-p)
#  F01 F1   ''     10000  500000  1000 0  0   10^8 * 2.5*10^11 = 2.5*10^19
#  F02 F1   ACC    20000  600000  2000 1  1   4*10^8 * 2.4*10^11 = 9.6*10^19
#  F03 F2   ''     10000  400000   800 0  0   10^8 * 2.4*10^11 = 2.4*10^19
#  F04 F2   ''     10000  500000  1000 0  0   2.5*10^19
#  n 4, W 50 000, Eb 5e9+12e9+4e9+5e9 = 26 000 000 000, Ab 20 000 000 000,
#  B 6 000 000 000; Ef 10^7+4*10^7+8*10^6+10^7 = 68 000 000, Af 20 000 000,
#  F 48 000 000; V = 17*10^19 = 170 000 000 000 000 000 000.
#  B^2 * 10^6 = 3.6*10^25 < 3 841 600 * 1.7*10^20 = 6.53072*10^26: not
#  significant (z = B / sqrt(V) = 0.46).  Pb = Pf = D = 0, T = 0.
#  (On the hurdle rule: B >= 10 000 * 50 000, Pb 60 000, Pf 96 000, T 156 000.)
#  F1: n 2, W 30000, Eb 17e9, Ab 20e9, B -3e9, Ef 5e7, Af 2e7, F 3e7, V 1.21e20
#  F2: n 2, W 20000, Eb 9e9, Ab 0, B 9e9, Ef 1.8e7, Af 0, F 1.8e7, V 4.9e19
#  band 0: F01 F03 F04: n 3, W 30000, Eb 14e9, B 14e9, Ef 2.8e7, F 2.8e7, V 7.4e19
#  band 1-2: F02: n 1, W 20000, Eb 12e9, Ab 20e9, B -8e9, Ef 4e7, Af 2e7, V 9.6e19
#
# RISE, cohort 2024Q3 (period 2026Q2): four members, p 100 000, f 200,
#  one reoffends once (Q02, area R1).  W 40000, Eb 4e9, Ab 1e10, B -6e9,
#  Ef 8e6, Af 1e7, F -2e6, V = 4 * 10^8 * 9*10^10 = 3.6e19.
#  B^2 10^6 = 3.6e25 < 3 841 600 * 3.6e19 = 1.382976e26: a rise that could
#  be chance.  D = 0, T = 0.
#
# RISE, cohort 2024Q4 (period 2026Q3): eight members, p 100 000, f 200.
#  R1: R01 r2, R02 r1, R03 r1, R05 r0: Eb 4e9, Ab 3e10, B -2.6e10,
#      Ef 8e6, Af 4e7, F -3.2e7, V 3.6e19
#  R2: R04 r3, R06-R08 r0:          Eb 4e9, Ab 1e10, B -6e9,
#      Ef 8e6, Af 3e7, F -2.2e7, V 3.6e19
#  cohort: n 8, W 80000, Eb 8e9, Ab 4e10, B -3.2e10, Ef 1.6e7, Af 7e7,
#      F -5.4e7, V 7.2e19.  B^2 10^6 = 1.024e27 >= 2.765952e26: a
#      significant rise (z = -3.77).
#  D = round(3.2e10 * 100 001 / 10^10) = round(320 003.2) = 320 003;
#  T = -320 003.  Termination: -B = 3.2e10 >= 400 000 * 80 000 = 3.2e10
#  (exactly on the line): flagged.
#  D by max(-B_a, 0) = 2.6e10, 6e9 of 3.2e10: R1 floor 260 002.4375 ->
#  260 002 (rem 1.4e10), R2 floor 60 000.5625 -> 60 000 (rem 1.8e10); the
#  penny left goes to R2: R1 260 002, R2 60 001; TotalPence -260 002, -60 001.
#  Annual reconciliation of 2024 (k = 2: 2024Q3, 2024Q4): n 12, W 120000,
#  Eb 1.2e10, Ab 5e10, B -3.8e10, Ef 2.4e7, Af 8e7, F -5.6e7, V 1.08e20;
#  1.444e27 >= 3 841 600 * 1.08e20 = 4.148928e26: significant.
#  D = round(3.8e10 * 100 001 / 10^10) = round(380 003.8) = 380 004 under
#  the cap 2 * 10^7; entitlement -380 004; termination: 3.8e10 < 400 000 *
#  120 000 = 4.8e10, not flagged.  Previously paid (2024Q3's T) 0.
#  True-up = -380 004 - (0 + -320 003) = -60 001.
#  PeriodDue = -320 003 - 60 001 = -380 004 = AmountDue.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/sig_ref.sql"
load_csv "$DATA/sig_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"

run() { "$PBR" run --unsigned --out "$OUT" "$@"; }

# ---- FALL: a fall that could be chance ----------------------------------------
assert_exit 0 run --period 2025Q4
X=$OUT/FALL-2025Q4-1.xml
assert_true "FALL statement validates" valid_xsd "$X"
assert_figs "$X" Header/Tariff BinaryMode=significance SignificanceZMilli=1960 \
	DeductionPricePence=100001 DeductionCapPence=10000000 TerminationPpm=400000
assert_figs "$X" Cohort Members=4 WeightedSize=50000 ExpectedBinary=26000000000 \
	ActualBinary=20000000000 BinaryImprovement=6000000000 \
	ExpectedFrequency=68000000 ActualFrequency=20000000 \
	FrequencyImprovement=48000000 BinaryHurdleMet=false FrequencyGateOpen=false \
	BinaryPence=0 FrequencyPence=0 CapCutPence=0 TotalPence=0 \
	BinaryMode=significance BinaryVariance=170000000000000000000 \
	BinarySignificant=false DeductionPence=0 TerminationFlag=false
assert_figs "$X" "Cohort/PccArea[@code='F1']" Members=2 WeightedSize=30000 \
	BinaryImprovement=-3000000000 FrequencyImprovement=30000000 \
	BinaryVariance=121000000000000000000 BinaryPence=0 FrequencyPence=0 \
	DeductionPence=0 TotalPence=0
assert_figs "$X" "Cohort/PccArea[@code='F2']" Members=2 WeightedSize=20000 \
	BinaryImprovement=9000000000 BinaryVariance=49000000000000000000
assert_figs "$X" "Cohort/NeedsBand[@band='0']" Members=3 WeightedSize=30000 \
	BinaryImprovement=14000000000 BinaryVariance=74000000000000000000
assert_figs "$X" "Cohort/NeedsBand[@band='1-2']" Members=1 WeightedSize=20000 \
	BinaryImprovement=-8000000000 BinaryVariance=96000000000000000000
assert_figs "$X" "Cohort/NeedsBand[@band='3+']" Members=0 BinaryVariance=0
assert_figs "$X" Summary PeriodDuePence=0 AdvanceNettedPence=0 AmountDuePence=0

# ---- RISE 2024Q3: a rise that could be chance ------------------------------------
assert_exit 0 run --period 2026Q2
Y=$OUT/RISE-2026Q2-1.xml
assert_true "RISE 2026Q2 statement validates" valid_xsd "$Y"
assert_figs "$Y" Cohort Members=4 WeightedSize=40000 BinaryImprovement=-6000000000 \
	FrequencyImprovement=-2000000 BinaryVariance=36000000000000000000 \
	BinarySignificant=false DeductionPence=0 TotalPence=0 TerminationFlag=false

# ---- RISE 2024Q4: a significant rise, a deduction, and the year pooled --------------
assert_exit 0 run --period 2026Q3
Z=$OUT/RISE-2026Q3-1.xml
assert_true "RISE 2026Q3 statement validates" valid_xsd "$Z"
assert_figs "$Z" Cohort Members=8 WeightedSize=80000 ExpectedBinary=8000000000 \
	ActualBinary=40000000000 BinaryImprovement=-32000000000 \
	ExpectedFrequency=16000000 ActualFrequency=70000000 \
	FrequencyImprovement=-54000000 BinaryHurdleMet=false FrequencyGateOpen=false \
	BinaryPence=0 FrequencyPence=0 CapCutPence=0 TotalPence=-320003 \
	BinaryMode=significance BinaryVariance=72000000000000000000 \
	BinarySignificant=true DeductionPence=320003 TerminationFlag=true
assert_figs "$Z" "Cohort/PccArea[@code='R1']" Members=4 BinaryImprovement=-26000000000 \
	BinaryVariance=36000000000000000000 BinaryPence=0 FrequencyPence=0 \
	DeductionPence=260002 TotalPence=-260002
assert_figs "$Z" "Cohort/PccArea[@code='R2']" Members=4 BinaryImprovement=-6000000000 \
	BinaryVariance=36000000000000000000 DeductionPence=60001 TotalPence=-60001
assert_figs "$Z" AnnualReconciliation Cohorts=2 Members=12 WeightedSize=120000 \
	ExpectedBinary=12000000000 ActualBinary=50000000000 \
	BinaryImprovement=-38000000000 ExpectedFrequency=24000000 \
	ActualFrequency=80000000 FrequencyImprovement=-56000000 \
	BinaryVariance=108000000000000000000 BinaryHurdleMet=false \
	FrequencyGateOpen=false BinarySignificant=true CapPence=20000000 \
	BinaryPence=0 FrequencyPence=0 CapCutPence=0 DeductionCapPence=20000000 \
	DeductionPence=380004 TerminationFlag=false EntitlementPence=-380004 \
	PreviouslyPaidPence=0 TrueUpPence=-60001
assert_figs "$Z" Summary PeriodDuePence=-380004 AdvanceNettedPence=0 \
	AmountDuePence=-380004
assert_eq "-380004" "$(q "SELECT amount_due_pence FROM pbr.settlement
	WHERE statement_id = 'RISE-2026Q3-1'")" "ledger amount due of RISE-2026Q3-1"

# ---- the annex adds up to B and to the area shares' basis ---------------------------
assert_eq -32000000000 "$(annex_sum "$OUT/RISE-2026Q3-1-annex.csv" binary_contribution)" \
	"annex binary contributions sum to B"

# ---- verify re-derives each statement ------------------------------------------------
for f in "$X" "$Y" "$Z"; do
	assert_exit 0 "$PBR" verify --allow-unsigned "$f"
done

# ---- the SQL reference implementation (exact numeric) agrees -------------------------
for c in 2024Q1:FALL:"$X" 2024Q4:RISE:"$Z"; do
	cohort=${c%%:*}
	rest=${c#*:}
	contract=${rest%%:*}
	file=${rest#*:}
	psql -X -At -F'|' -v cohort="$cohort" -f "$SRCDIR/tests/integration/reference.sql" \
		>"$TMP/ref-$contract.txt" || die "reference.sql failed"
	n=0
	bad=0
	while IFS='|' read -r con path value; do
		[ "$con" = "$contract" ] || continue
		case $path in Summary/*) [ "$cohort" = 2024Q4 ] && continue ;; esac
		n=$((n + 1))
		got=$(sx "$file" "$path")
		if [ "$got" != "$value" ]; then
			bad=$((bad + 1))
			printf '    %s %s: engine %s, reference %s\n' "$contract" "$path" "$got" "$value"
		fi
	done <"$TMP/ref-$contract.txt"
	assert_true "reference.sql gave figures for $contract" test "$n" -gt 40
	assert_eq 0 "$bad" "$contract: figures differing from reference.sql (of $n)"
done

# ---- V passes 64 bits: carried in full ---------------------------------------------
# 40 members of weight 20 000 bp (ACC) and p 500 000: V = 40 * 4*10^8 *
# 2.5*10^11 = 4*10^21 > 2^63 (9.2*10^18).
sql -c "DELETE FROM pbr.cohort_member WHERE cpa_code = 'CPAF'" >/dev/null
sql -c "INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code, pcc_code,
	start_date, predicted_binary_ppm, predicted_frequency_milli, needs, reoffence_count,
	outcome_status)
	SELECT 'B' || lpad(i::text, 3, '0'), '2024Q1', 'CPAF', 'F1', '2024-01-02', 500000,
	       1000, 'ACC', 0, 'final' FROM generate_series(1, 40) AS i" >/dev/null
mkdir -p "$TMP/big"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/big" --dry-run
assert_fig "$TMP/big/FALL-2025Q4-draft.xml" Cohort/BinaryVariance 4000000000000000000000
assert_true "a V above 2^63 validates" valid_xsd "$TMP/big/FALL-2025Q4-draft.xml"

# ---- simulate: the same cohort under the hurdle rule -----------------------------------
sql -c "DELETE FROM pbr.cohort_member WHERE cpa_code = 'CPAF' AND offender_ref LIKE 'B%'" >/dev/null
load_csv_fall() {
	grep -E '^(offender_ref|F0)' "$DATA/sig_cohort.csv" >"$TMP/fall.csv"
	load_csv "$TMP/fall.csv"
}
load_csv_fall
cat >"$TMP/hurdle.tariff" <<'TARIFF'
version = TS-AS-HURDLE
binary_price_pence = 100000
frequency_price_pence = 20000
binary_hurdle_ppm = 10000
cohort_cap_pence = 10000000
max_weight_bp = 20000
max_reject_ppm = 300000
uplift ACC = 10000
TARIFF
"$PBR" simulate --period 2025Q4 --tariff "$TMP/hurdle.tariff" --contract FALL \
	>"$TMP/sim.out" 2>"$TMP/sim.err"
assert_eq 0 "$?" "simulate exits 0"
sed 's/^/    /' "$TMP/sim.out"
assert_eq "FALL ALL 0.00 1560.00 +1560.00" \
	"$(awk '$1 == "FALL" && $2 == "ALL" { print $1, $2, $3, $4, $5 }' "$TMP/sim.out")" \
	"hurdle pays GBP 1560.00 where significance pays nothing"
assert_match 'significance rule.*not significant' "$(grep '^# FALL' "$TMP/sim.out")" \
	"simulate names the rule and the test"
# and a draft file may set the significance keys: the same tariff as TS
sed 's/TS-AS-HURDLE/TS-AS-FILE/' "$TMP/hurdle.tariff" >"$TMP/sig.tariff"
cat >>"$TMP/sig.tariff" <<'TARIFF'
binary_mode = significance
significance_z_milli = 1960
deduction_price_pence = 100001
deduction_cap_pence = 10000000
termination_ppm = 400000
TARIFF
"$PBR" simulate --period 2026Q3 --tariff "$TMP/sig.tariff" --contract RISE >"$TMP/sim2.out" 2>&1
assert_eq 0 "$?" "simulate with a significance draft exits 0"
assert_eq "RISE ALL -3200.03 -3200.03 0.00" \
	"$(awk '$1 == "RISE" && $2 == "ALL" { print $1, $2, $3, $4, $5 }' "$TMP/sim2.out")" \
	"the same tariff as a file gives the same total"
assert_eq "RISE DEDUCTION -3200.03 -3200.03 0.00" \
	"$(awk '$1 == "RISE" && $2 == "DEDUCTION" { print $1, $2, $3, $4, $5 }' "$TMP/sim2.out")" \
	"the deduction row"
printf 'binary_mode = maybe\n' >>"$TMP/sig.tariff"
assert_exit 65 "$PBR" simulate --period 2026Q3 --tariff "$TMP/sig.tariff" --contract RISE

# ---- the new tariff columns have their defaults and checks --------------------------
assert_eq "hurdle|1960|0|0|" "$(q "SELECT binary_mode, significance_z_milli,
	deduction_price_pence, deduction_cap_pence, termination_ppm FROM pbr.tariff
	WHERE version = 'TH'")" "TH: the 5a columns as given"
assert_fails "z 0 refused by the table" sql -c "INSERT INTO pbr.tariff (version,
	binary_price_pence, frequency_price_pence, binary_hurdle_ppm, cohort_cap_pence,
	max_weight_bp, max_reject_ppm, significance_z_milli) VALUES ('BAD', 1, 1, 1, 1,
	10000, 1, 0)"
assert_fails "binary_mode 'other' refused" sql -c "INSERT INTO pbr.tariff (version,
	binary_price_pence, frequency_price_pence, binary_hurdle_ppm, cohort_cap_pence,
	max_weight_bp, max_reject_ppm, binary_mode) VALUES ('BAD', 1, 1, 1, 1, 10000, 1, 'other')"
assert_fails "a used tariff's mode is frozen" sql -c "UPDATE pbr.tariff SET
	binary_mode = 'hurdle' WHERE version = 'TS'"

finish
