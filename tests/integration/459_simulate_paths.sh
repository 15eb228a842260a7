#!/usr/bin/env bash
# 459_simulate_paths: `simulate` where 430 does not go: a deduction and an
# annual reconciliation in the table (DEDUCTION, TRUE_UP, PERIOD_DUE rows
# and the TOTAL PERIOD_DUE line), a period no contract covers, and the
# refusals of its options.  Data: the significance cohorts of 250
# (tests/data/sig_ref.sql, sig_cohort.csv), figures worked there:
#   RISE 2026Q3 (cohort 2024Q4) under TS: B -3.2e10 significant, D 320 003
#   (R1 260 002, R2 60 001), T -320 003; the 2024 reconciliation pools
#   2024Q3 (T 0) and 2024Q4: D 380 004, true-up -60 001, PeriodDue
#   -380 004.
# A draft TS with the deduction price doubled to 200 002 (by hand):
#   D = round(3.2e10 x 200 002 / 10^10) = round(640 006.4) = 640 006;
#   by max(-B_a, 0) (2.6e10, 6e9 of 3.2e10): R1 floor(520 004.875),
#   R2 floor(120 001.125), the penny left to R1: R1 520 005, R2 120 001;
#   the year: round(3.8e10 x 200 002 / 10^10) = round(760 007.6) = 760 008,
#   true-up -760 008 - (0 - 640 006) = -120 002, PeriodDue -760 008.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# tariff_file VERSION [DEDUCTION_PRICE]: a tariff of the database as a draft file
tariff_file() {
	q "SELECT 'version = ' || version || '-DRAFT' || E'\n' ||
	          'description = ' || description || E'\n' ||
	          'binary_price_pence = ' || binary_price_pence || E'\n' ||
	          'frequency_price_pence = ' || frequency_price_pence || E'\n' ||
	          'binary_hurdle_ppm = ' || binary_hurdle_ppm || E'\n' ||
	          'cohort_cap_pence = ' || cohort_cap_pence || E'\n' ||
	          'max_weight_bp = ' || max_weight_bp || E'\n' ||
	          'max_reject_ppm = ' || max_reject_ppm || E'\n' ||
	          'binary_mode = ' || binary_mode || E'\n' ||
	          'significance_z_milli = ' || significance_z_milli || E'\n' ||
	          'deduction_price_pence = ' || coalesce(nullif('${2:-}', ''), deduction_price_pence::text) || E'\n' ||
	          'deduction_cap_pence = ' || deduction_cap_pence ||
	          coalesce(E'\ntermination_ppm = ' || termination_ppm, '')
	     FROM pbr.tariff WHERE version = '$1'"
	q "SELECT 'uplift ' || need_code || ' = ' || uplift_bp FROM pbr.tariff_need_uplift
	    WHERE tariff_version = '$1' ORDER BY need_code"
}
# row CONTRACT AREA: the table's three money columns of that row
row() { awk -v c="$1" -v a="$2" '$1 == c && $2 == a { print $3, $4, $5 }' "$LAST_OUT"; }

migrate
sql_file "$DATA/sig_ref.sql"
load_csv "$DATA/sig_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2026Q2 --contract RISE --out "$OUT"
ledger=$(q "SELECT count(*) FROM pbr.settlement")

# ---- the tariff in force as the draft: the figures of 250, no difference ------------
tariff_file TS >"$TMP/same.tariff"
assert_exit 0 env LC_ALL=C "$PBR" simulate --period 2026Q3 --contract RISE --tariff "$TMP/same.tariff"
cat "$LAST_OUT"
assert_match '^# RISE: tariff in force TS \(significance rule\); B -32000000000 is significant at z 1.960 now, significant at z 1.960 under the draft \(significance rule\)$' \
	"$(grep '^# RISE' "$LAST_OUT")" "the test in words, both ways"
assert_eq "-3200.03 -3200.03 0.00" "$(row RISE ALL)" "ALL: T -320 003 both ways"
assert_eq "-3200.03 -3200.03 0.00" "$(row RISE DEDUCTION)" "DEDUCTION 320 003"
assert_eq "-2600.02 -2600.02 0.00" "$(row RISE R1)" "R1: -260 002"
assert_eq "-600.01 -600.01 0.00" "$(row RISE R2)" "R2: -60 001"
assert_eq "-600.01 -600.01 0.00" "$(row RISE TRUE_UP)" "TRUE_UP -60 001"
assert_eq "-3800.04 -3800.04 0.00" "$(row RISE PERIOD_DUE)" "PERIOD_DUE -380 004"
assert_eq "-3800.04 -3800.04 0.00" "$(row TOTAL PERIOD_DUE)" "TOTAL PERIOD_DUE"
assert_match 'contract +area +now GBP +draft GBP +difference GBP' "$(grep '^contract' "$LAST_OUT")" "GBP on a console that is not UTF-8"

# ---- the deduction price doubled ------------------------------------------------------
tariff_file TS 200002 >"$TMP/double.tariff"
mkdir -p "$TMP/drafts"
assert_exit 0 env LC_ALL=C.UTF-8 "$PBR" simulate --period 2026Q3 --contract RISE --tariff "$TMP/double.tariff" --out "$TMP/drafts"
cat "$LAST_OUT"
assert_eq "-3200.03 -6400.06 -3200.03" "$(row RISE ALL)" "ALL: T -640 006 under the draft"
assert_eq "-3200.03 -6400.06 -3200.03" "$(row RISE DEDUCTION)" "DEDUCTION 640 006"
assert_eq "-2600.02 -5200.05 -2600.03" "$(row RISE R1)" "R1: -520 005"
assert_eq "-600.01 -1200.01 -600.00" "$(row RISE R2)" "R2: -120 001"
assert_eq "-600.01 -1200.02 -600.01" "$(row RISE TRUE_UP)" "TRUE_UP -120 002"
assert_eq "-3800.04 -7600.08 -3800.04" "$(row RISE PERIOD_DUE)" "PERIOD_DUE -760 008"
assert_eq "-3200.03 -6400.06 -3200.03" "$(row TOTAL ALL)" "TOTAL ALL"
assert_eq "-3800.04 -7600.08 -3800.04" "$(row TOTAL PERIOD_DUE)" "TOTAL PERIOD_DUE"
assert_match 'now £ +draft £ +difference £' "$(grep '^contract' "$LAST_OUT")" "£ on a UTF-8 console"
D=$TMP/drafts/RISE-2026Q3-draft.xml
assert_true "the draft validates" valid_xsd "$D"
assert_eq "640006 -640006 -120002 -760008 TS-DRAFT" \
	"$(sx "$D" Cohort/DeductionPence) $(sx "$D" Cohort/TotalPence) $(sx "$D" AnnualReconciliation/TrueUpPence) $(sx "$D" Summary/PeriodDuePence) $(sx "$D" Header/Tariff/@version)" \
	"the draft statement: D, T, true-up, period due, tariff"
assert_true "the draft's HTML report" test -s "$TMP/drafts/RISE-2026Q3-draft.html"
assert_eq "$ledger" "$(q "SELECT count(*) FROM pbr.settlement")" "simulate records nothing"

# ---- a period no contract covers: said, nothing done ------------------------------------
assert_exit 0 "$PBR" simulate --period 2030Q1 --tariff "$TMP/same.tariff"
assert_one_line "$LAST_ERR" "no contract"
assert_match "no contract covers cohort 2028Q2 \(period 2030Q1\); nothing to simulate" "$(cat "$LAST_ERR")" "no contract: the message"
assert_eq "" "$(cat "$LAST_OUT")" "no contract: no table"

# ---- refusals -------------------------------------------------------------------------------
refuse() { # CODE REGEX ARGS...
	local code=$1 re=$2
	shift 2
	assert_exit "$code" "$PBR" simulate "$@"
	assert_one_line "$LAST_ERR" "simulate $*"
	assert_match "$re" "$(cat "$LAST_ERR")" "simulate $*: the message"
	assert_eq "" "$(cat "$LAST_OUT")" "simulate $*: no table"
}
assert_exit 0 "$PBR" simulate --help
assert_match '^usage: pbr-settle simulate --period P --tariff FILE' "$(head -1 "$LAST_OUT")" "--help on stdout"
refuse 64 "simulate: unknown option or missing value" --period 2026Q3 --tariff "$TMP/same.tariff" --colour
refuse 64 "simulate: unknown option or missing value" --period 2026Q3 --tariff
refuse 64 "simulate: unexpected argument" --period 2026Q3 --tariff "$TMP/same.tariff" extra
refuse 64 "simulate: --period and --tariff are required" --tariff "$TMP/same.tariff"
refuse 64 "simulate: --period must be a quarter" --period 2026-07 --tariff "$TMP/same.tariff"
refuse 64 "simulate: --period is too early" --period 1001Q3 --tariff "$TMP/same.tariff"
refuse 64 "simulate: --out needs a directory" --period 2026Q3 --tariff "$TMP/same.tariff" --out ""
many=()
for i in $(seq 257); do many+=(--contract "C$i"); done
refuse 64 "simulate: too many --contract options" --period 2026Q3 --tariff "$TMP/same.tariff" "${many[@]}"
refuse 73 "output directory $TMP/same.tariff does not exist or is not writable" \
	--period 2026Q3 --tariff "$TMP/same.tariff" --out "$TMP/same.tariff"
refuse 66 "same.tariff.gone" --period 2026Q3 --tariff "$TMP/same.tariff.gone"
refuse 66 "cannot read tariff file $TMP: Is a directory" --period 2026Q3 --tariff "$TMP"
sed 's/^uplift ACC = .*/uplift NOPE = 1/' "$TMP/same.tariff" >"$TMP/noneed.tariff"
refuse 65 "noneed.tariff:[0-9]+: uplift NOPE: no such need code in pbr.need" --period 2026Q3 --contract RISE --tariff "$TMP/noneed.tariff"
refuse 65 "NOSUCH" --period 2026Q3 --contract NOSUCH --tariff "$TMP/same.tariff"
assert_empty_dir "$TMP/none" "nothing written"
assert_eq "$ledger" "$(q "SELECT count(*) FROM pbr.settlement")" "refusals record nothing"

finish
