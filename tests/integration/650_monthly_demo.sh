#!/usr/bin/env bash
# 650_monthly_demo: the demo data's whole contract (engine/demo_contract.c)
# settled month by month for 2024: every contract billed every month, the
# twelve instalments summing to A', and the stories the data plants: CRC05
# far below its predicted volume, CRC18 above it, everyone else within the
# band; CRC03's waived breach, CRC07's missing return, CRC05's credits
# over the cap in November, CRC15's small PbR pot.  demo-data run again
# changes no return (re-runs are "unchanged").
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
"$PBR" demo-data --members 2000 --seed 3 >/dev/null || die "demo-data"
OUT=$TMP/out
mkdir -p "$OUT"
mx() { xp "$1" "/MonthlyStatement/$2"; }

assert_eq 21 "$(q "SELECT count(*) FROM pbr.contract_year WHERE year = 2024")" "a 2024 contract year for every demo contract"
assert_eq 4 "$(q "SELECT count(DISTINCT band_code) FROM pbr.band_weight")" "four volume bands"
assert_eq 6 "$(q "SELECT min(n) FROM (SELECT count(*) n FROM pbr.kpi_term GROUP BY contract_id) k")" "six KPIs a contract"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
	"$PBR" run --month "2024-$m" --out "$OUT" --unsigned >"$TMP/run-$m.out" 2>&1 ||
		fail "month 2024-$m: $(tail -1 "$TMP/run-$m.out")"
done
assert_eq 252 "$(q "SELECT count(*) FROM pbr.settlement WHERE statement_type = 'MONTHLY'")" "21 contracts x 12 months"
assert_eq 0 "$(q "SELECT count(*) FROM (SELECT c.contract_id FROM pbr.contract_year c
	JOIN pbr.settlement s ON s.contract_id = c.contract_id AND s.statement_type = 'MONTHLY'
	GROUP BY c.contract_id, c.annual_price_pence, c.learning_curve_ppm
	HAVING sum(s.ffs_pence) <> c.annual_price_pence
	       - div(2 * c.annual_price_pence::numeric * c.learning_curve_ppm + 1000000, 2000000)) x")" \
	"every contract's twelve instalments sum to its A'"
assert_eq BELOW "$(mx "$OUT/CRC05-2024-12-1.xml" VolumeReconciliation/Position)" "CRC05: volume far below prediction"
assert_match "^-[0-9]+$" "$(mx "$OUT/CRC05-2024-12-1.xml" VolumeReconciliation/AdjustmentPence)" "CRC05 gives money back"
assert_eq ABOVE "$(mx "$OUT/CRC18-2024-12-1.xml" VolumeReconciliation/Position)" "CRC18: volume above the band"
assert_eq 19 "$(grep -l '<Position>WITHIN</Position>' "$OUT"/*-2024-12-1.xml | wc -l | tr -d ' ')" "the other 19 within the band"
assert_eq WAIVED "$(mx "$OUT/CRC03-2024-06-1.xml" "ServiceCredits/Kpi[@code='SP15']/Status")" "CRC03 June: SP15 waived"
assert_match "outage" "$(mx "$OUT/CRC03-2024-06-1.xml" "ServiceCredits/Kpi[@code='SP15']/Waiver")" "... with its reason"
assert_eq NOT_REPORTED "$(mx "$OUT/CRC07-2024-09-1.xml" "ServiceCredits/Kpi[@code='ACC']/Status")" "CRC07 September: ACC not reported"
X=$OUT/CRC05-2024-11-1.xml
assert_eq 4 "$(xcount "$X" "/MonthlyStatement/ServiceCredits/Kpi[*[local-name()='Status']='BREACHED']")" "CRC05 November: four breaches"
assert_eq "$(mx "$X" ServiceCredits/CapPence)" "$(mx "$X" ServiceCredits/CreditPence)" "... credited up to the cap"
assert_match "^[1-9][0-9]*$" "$(mx "$X" ServiceCredits/CapCutPence)" "... and the rest cut"
assert_eq 120000000 "$(mx "$OUT/CRC15-2024-12-1.xml" VolumeReconciliation/PbrPotPence)" "CRC15: a PbR pot of 1 200 000 pounds"
for f in CRC05-2024-12-1 CRC18-2024-11-1; do
	assert_exit 0 "$PBR" verify "$OUT/$f.xml" --allow-unsigned
done
# demo-data again: the same returns, so every month re-runs unchanged
"$PBR" demo-data --members 2000 --seed 3 >/dev/null || die "demo-data again"
mkdir -p "$TMP/again"
assert_exit 0 "$PBR" run --month 2024-12 --out "$TMP/again" --unsigned
assert_eq 21 "$(grep -c 'unchanged, reissued' "$LAST_OUT")" "demo-data is deterministic: December unchanged for all 21"
assert_eq 252 "$(q "SELECT count(*) FROM pbr.settlement WHERE statement_type = 'MONTHLY'")" "nothing new recorded"
finish
