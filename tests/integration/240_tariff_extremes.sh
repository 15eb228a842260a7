#!/usr/bin/env bash
# 240_tariff_extremes: hostile reference data at the edges of int64.  A
# tariff whose cohort cap is the largest bigint ("no cap") must either be
# refused (exit 65, one line, nothing written) or settle correctly: the
# annual pool's cap (cap x cohorts, SPEC 6) must not wrap round to a
# negative number and turn an entitlement into a debt.
#   contract BIG, cohorts 2024Q3 and 2024Q4, two members each, nobody
#   reoffends, p = 0.6, f = 2.000, no needs (w = 1.0):
#   per cohort B = 2 * 10000 * 600000 = 1.2e10 -> Pb = 1.2e10 * 1e5 / 1e10 = 120000
#              F = 2 * 10000 * 2000   = 4e7    -> Pf = 4e7 * 20000 / 1e7   =  80000
#   T = 200000 per cohort; pooled 400000 = 200000 paid + 200000: true-up 0.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql <<'SQL' >/dev/null
INSERT INTO pbr.cpa VALUES ('CPA3', 'Three');
INSERT INTO pbr.pcc_area VALUES ('C1', 'C one', 'CPA3');
INSERT INTO pbr.tariff VALUES ('TBIG', 100000, 20000, 10000, 9223372036854775807, 15000, 300000, 'no cap');
INSERT INTO pbr.contract VALUES ('BIG', 'P1', 'CPA3', '2024Q3', '2024Q4');
INSERT INTO pbr.contract_tariff VALUES ('BIG', '2024Q1', 'TBIG');
INSERT INTO pbr.cohort_member VALUES
 ('C01', '2024Q3', 'CPA3', 'C1', '2024-07-02', 600000, 2000, '', 0, 'final'),
 ('C02', '2024Q3', 'CPA3', 'C1', '2024-07-03', 600000, 2000, '', 0, 'final'),
 ('C03', '2024Q4', 'CPA3', 'C1', '2024-10-02', 600000, 2000, '', 0, 'final'),
 ('C04', '2024Q4', 'CPA3', 'C1', '2024-10-03', 600000, 2000, '', 0, 'final');
SQL
mkdir -p "$TMP/q3" "$TMP/q4"
assert_exit 0 "$PBR" run --unsigned --period 2026Q2 --contract BIG --out "$TMP/q3"
assert_fig "$TMP/q3/BIG-2026Q2-1.xml" Cohort/TotalPence 200000

"$PBR" run --unsigned --period 2026Q3 --contract BIG --out "$TMP/q4" >"$LAST_OUT" 2>"$LAST_ERR"
rc=$?
X=$TMP/q4/BIG-2026Q3-1.xml
if [ "$rc" -eq 65 ]; then
	CHECKS=$((CHECKS + 1))
	pass "cap x cohorts does not fit: refused (65)"
	assert_one_line "$LAST_ERR" "refusal: one line"
	assert_empty_dir "$TMP/q4" "refusal: nothing written"
else
	assert_eq 0 "$rc" "Q4 run with reconciliation exits 0 (or refuses with 65)"
	assert_fig "$X" Cohort/TotalPence 200000
	CHECKS=$((CHECKS + 1))
	cap=$(sx "$X" AnnualReconciliation/CapPence)
	case $cap in
	-*) fail "AnnualReconciliation/CapPence wrapped round to $cap" ;;
	*) pass "AnnualReconciliation/CapPence $cap is not negative" ;;
	esac
	assert_fig "$X" AnnualReconciliation/EntitlementPence 400000
	assert_fig "$X" AnnualReconciliation/PreviouslyPaidPence 200000
	assert_fig "$X" AnnualReconciliation/TrueUpPence 0
	assert_fig "$X" Summary/PeriodDuePence 200000
	assert_fig "$X" Summary/AmountDuePence 200000
fi
finish
