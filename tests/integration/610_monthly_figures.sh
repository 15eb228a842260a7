#!/usr/bin/env bash
# 610_monthly_figures: run --month on the hand-made terms of
# tests/data/monthly_ref.sql; every figure of SPEC 11.3 is worked by hand
# below and checked in the MonthlyStatement, its annex, the ledger, and by
# the SQL reference (tests/integration/reference.sql), an independent
# second computation; the input digest is recomputed with psql | sha256sum.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

MXSD=$SRCDIR/schemas/monthly.xsd
mx() { xp "$1" "/MonthlyStatement/$2"; }
assert_m() { assert_eq "$3" "$(mx "$1" "$2")" "$(basename "$1") $2"; }
valid_monthly() { xmllint --noout --schema "$MXSD" "$1" >/dev/null 2>&1; }
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
# ref CONTRACT MONTH PATH...: the SQL reference's value of each path of
# CONTRACT's MonthlyStatement for MONTH, joined by '|' (empty if missing)
ref() {
	local contract=$1 month=$2
	shift 2
	psql -X -At -F'|' -v month="$month" -f "$SRCDIR/tests/integration/reference.sql" |
		awk -F'|' -v c="$contract" -v want="$*" '
			BEGIN { n = split(want, p, " ") }
			$1 == c { v[$2] = $3 }
			END { for (i = 1; i <= n; i++) printf "%s%s", v[p[i]], i < n ? "|" : "\n" }'
}
# the figures of the monthly lines below (count:P is how many P there are:
# a reconciliation in December only), and of the December reconciliation
FIG=(Summary/PeriodDuePence FeeForService/FfsPence ServiceCredits/CreditPence
	AdvancePence count:VolumeReconciliation Volumes/MonthVolumeMilli)
RECON=(Summary/PeriodDuePence VolumeReconciliation/AdjustmentPence
	VolumeReconciliation/FfsYearPence VolumeReconciliation/PbrPotPence
	VolumeReconciliation/Position)

migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"

# ---------------------------------------------------------------------------
# NORTH 2025 (monthly_ref.sql): A' = 1 200 000 - 60 000 = 1 140 000,
# Ffs = 95 000 every month, credit cap round(95 000 * 10 %) = 9 500,
# advance 1 000.
#
# March: volumes CO 40 * 1 000 = 40 000, LICENCE 20 * 1 500 = 30 000,
#   SSO 10 * 1 200 = 12 000; MonthVolumeMilli 82 000.
#   K1  9/10  : 9 * 10^6 = 9 000 000 >= 900 000 * 10 = 9 000 000  MET (on the edge)
#   K2 74/100 : 74 000 000 < 750 000 * 100 = 75 000 000            BREACHED 4 500
#   K3 no row : NOT_REPORTED, waived (feed outage)                  WAIVED   0
#   K4  0/0   : denominator 0                                       MET
#   Accrued 4 500, Cap 9 500, Credit 4 500, CapCut 0.
#   PeriodDue = 95 000 - 4 500 + 1 000 = 91 500.
# April: CO 50 (50 000), SSO 0 (0), LICENCE no row (shown with 0 cases);
#   MonthVolumeMilli 50 000.
#   K1 8/10 BREACHED 5 000; K2 7/10 BREACHED 4 500; K3 1/1 MET (target 0);
#   K4 1/2: 10^6 >= 500 000 * 2 MET (on the edge).
#   Accrued 9 500 = Cap: Credit 9 500, CapCut 0 (exactly at the cap).
#   PeriodDue = 95 000 - 9 500 + 1 000 = 86 500.
# May: CO 60 (60 000).  K1 0/10 BREACHED 5 000; K2 0/10 BREACHED 4 500;
#   K3 no row, no waiver: NOT_REPORTED 1 000; K4 2/2 MET, and a waiver of
#   K4 (MET: shown, changes nothing).
#   Accrued 10 500, Credit 9 500, CapCut 1 000 (one over the cap).
#   PeriodDue = 95 000 - 9 500 + 1 000 = 86 500.
# Other months: CO 60 (60 000) and every KPI met, except December:
#   CO 38 (38 000) and LICENCE 4 (6 000): 44 000.
#
# December, the year-end volume reconciliation:
#   Va = Jan 60 000 + Feb 60 000 + Mar 82 000 + Apr 50 000 + May 60 000
#        + Jun..Nov 6 * 60 000 + Dec 44 000 = 716 000 milli
#   lo = 1 000 000 * (10^6 - 100 000) = 9 * 10^11, v = 716 000 * 10^6
#   v < lo: BELOW; lo - v = 184 000 * 10^6 = 1.84 * 10^11
#   Adjustment = -round(1 140 000 * 1.84e11 * 500 000 / (10^6 * 10^12))
#              = -round(104 880) = -104 880
#   (184 weighted cases under the band at 1 140 p each, half of it)
#   FfsYear = 1 140 000 - 104 880 = 1 035 120
#   PbrPot  = max(1 500 000 - 1 035 120, 0) = 464 880
#   K2 3/4 = 75 % on the edge: MET; all MET, Credit 0.
#   PeriodDue = 95 000 - 0 + 1 000 - 104 880 = -8 880 (money back).
#
# SOUTH 2025: A' = 1 000 003 = 12 * 83 333 + 7: July 83 334, August 83 333.
#   No advance; one band CO 1 000; one KPI K1 (met every month).
#   CO 80 cases in January..November (80 000 each, 880 000), December 121
#   (121 000): Va = 1 001 000.  With a band of 0 %, lo = hi = 10^12 and
#   v = 1.001 * 10^12: ABOVE, v - hi = 10^9,
#   Adjustment = round(1 000 003 * 10^9 * 500 000 / 10^18) = round(500.0015)
#              = 500; FfsYear = 1 000 503; PbrPot = 2 000 000 - 1 000 503
#              = 999 497.  December PeriodDue = 83 333 + 500 = 83 833.
# ---------------------------------------------------------------------------

vol() { q "INSERT INTO pbr.volume_return VALUES ('$1', '$2', '$3', $4)" >/dev/null; }
kpi() { q "INSERT INTO pbr.kpi_return VALUES ('$1', '$2', '$3', $4, $5)" >/dev/null; }
all_met() { kpi "$1" "$2" K1 1 1; kpi "$1" "$2" K2 1 1; kpi "$1" "$2" K3 0 0; kpi "$1" "$2" K4 1 1; }

for m in 01 02 06 07 08 09 10 11; do vol NORTH "2025-$m" CO 60; all_met NORTH "2025-$m"; done
vol NORTH 2025-03 CO 40; vol NORTH 2025-03 LICENCE 20; vol NORTH 2025-03 SSO 10
kpi NORTH 2025-03 K1 9 10; kpi NORTH 2025-03 K2 74 100; kpi NORTH 2025-03 K4 0 0
q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-03', 'K3', 'provider feed outage, returns lost', 'PCC board, 2 April 2025')" >/dev/null
vol NORTH 2025-04 CO 50; vol NORTH 2025-04 SSO 0
kpi NORTH 2025-04 K1 8 10; kpi NORTH 2025-04 K2 7 10; kpi NORTH 2025-04 K3 1 1; kpi NORTH 2025-04 K4 1 2
vol NORTH 2025-05 CO 60
kpi NORTH 2025-05 K1 0 10; kpi NORTH 2025-05 K2 0 10; kpi NORTH 2025-05 K4 2 2
q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-05', 'K4', 'waived in error', 'finance')" >/dev/null
vol NORTH 2025-12 CO 38; vol NORTH 2025-12 LICENCE 4
kpi NORTH 2025-12 K1 9 10; kpi NORTH 2025-12 K2 3 4; kpi NORTH 2025-12 K3 0 0; kpi NORTH 2025-12 K4 1 1
for m in 01 02 03 04 05 06 07 08 09 10 11; do vol SOUTH "2025-$m" CO 80; kpi SOUTH "2025-$m" K1 1 1; done
vol SOUTH 2025-12 CO 121; kpi SOUTH 2025-12 K1 1 1

OUT=$TMP/out
mkdir -p "$OUT" "$TMP/draft"

# ---- dry run: drafts, nothing recorded ----------------------------------------
assert_exit 0 "$PBR" run --month 2025-03 --out "$TMP/draft" --dry-run
D=$TMP/draft/NORTH-2025-03-draft.xml
assert_true "draft written" test -s "$D"
assert_true "SOUTH draft written" test -s "$TMP/draft/SOUTH-2025-03-draft.xml"
assert_m "$D" Header/Status DRAFT
assert_m "$D" Header/RunId 0
assert_m "$D" Summary/PeriodDuePence 91500
assert_true "draft validates against schemas/monthly.xsd" valid_monthly "$D"
assert_eq 0 "$(ledger)" "dry run records nothing"

# ---- March ---------------------------------------------------------------------
assert_exit 0 "$PBR" run --month 2025-03 --out "$OUT" --unsigned
X=$OUT/NORTH-2025-03-1.xml
A=$OUT/NORTH-2025-03-1-annex.csv
[ -s "$X" ] || die "no statement $X"
assert_true "March validates against schemas/monthly.xsd" valid_monthly "$X"
assert_match "NORTH +2025-03 .* 915\.00 .*NORTH-2025-03-1.xml \(issued\)" "$(cat "$LAST_OUT")" "console line of NORTH"
assert_match "^total: 2 statements" "$(cat "$LAST_OUT")" "console total line"
assert_m "$X" Header/StatementId NORTH-2025-03-1
assert_m "$X" Header/Status FINAL
assert_m "$X" Header/Kind ORIGINAL
assert_m "$X" Header/Month 2025-03
assert_m "$X" Header/ContractYear 2025
assert_m "$X" Header/Provider/@id P1
assert_m "$X" Header/Contract/@cpa CPA1
assert_m "$X" Header/Terms/AnnualPricePence 1200000
assert_m "$X" Header/Terms/LearningCurvePpm 50000
assert_m "$X" Header/Terms/PredictedVolumeMilli 1000000
assert_m "$X" Header/Terms/BandLowPpm 100000
assert_m "$X" Header/Terms/BandHighPpm 100000
assert_m "$X" Header/Terms/AdjustBelowPpm 500000
assert_m "$X" Header/Terms/AdjustAbovePpm 500000
assert_m "$X" Header/Terms/CreditCapPpm 100000
assert_m "$X" Header/Terms/AdvancePencePerMonth 1000
assert_m "$X" Header/Terms/MapPence 1500000
assert_eq "CO LICENCE SSO" "$(mx "$X" "Header/Terms/BandWeight[1]/@band") $(mx "$X" "Header/Terms/BandWeight[2]/@band") $(mx "$X" "Header/Terms/BandWeight[3]/@band")" \
	"BandWeight in band code order"
assert_eq "CO LICENCE SSO" "$(mx "$X" "Volumes/Band[1]/@code") $(mx "$X" "Volumes/Band[2]/@code") $(mx "$X" "Volumes/Band[3]/@code")" \
	"Volumes in band code order"
assert_eq "K1 K2 K3 K4" "$(mx "$X" "ServiceCredits/Kpi[1]/@code") $(mx "$X" "ServiceCredits/Kpi[2]/@code") $(mx "$X" "ServiceCredits/Kpi[3]/@code") $(mx "$X" "ServiceCredits/Kpi[4]/@code")" \
	"KPIs in code order"
assert_m "$X" "Header/Terms/BandWeight[@band='LICENCE']/@milli" 1500
assert_m "$X" "Header/Terms/KpiTerm[@kpi='K2']/@targetPpm" 750000
assert_m "$X" "Header/Terms/KpiTerm[@kpi='K2']/@creditPence" 4500
assert_m "$X" FeeForService/AnnualPricePence 1200000
assert_m "$X" FeeForService/LearningCurveDiscountPence 60000
assert_m "$X" FeeForService/DiscountedAnnualPricePence 1140000
assert_m "$X" FeeForService/MonthIndex 3
assert_m "$X" FeeForService/FfsPence 95000
assert_m "$X" "Volumes/Band[@code='CO']/Cases" 40
assert_m "$X" "Volumes/Band[@code='LICENCE']/VolumeMilli" 30000
assert_m "$X" "Volumes/Band[@code='SSO']/VolumeMilli" 12000
assert_m "$X" Volumes/MonthVolumeMilli 82000
assert_m "$X" "ServiceCredits/Kpi[@code='K1']/Status" MET
assert_m "$X" "ServiceCredits/Kpi[@code='K1']/CreditPence" 0
assert_m "$X" "ServiceCredits/Kpi[@code='K2']/Status" BREACHED
assert_m "$X" "ServiceCredits/Kpi[@code='K2']/CreditPence" 4500
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/Status" WAIVED
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/CreditPence" 0
assert_eq 0 "$(xcount "$X" "/MonthlyStatement/ServiceCredits/Kpi[@code='K3']/Numerator")" "K3 not reported: no Numerator"
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/Waiver" "provider feed outage, returns lost"
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/Waiver/@approvedBy" "PCC board, 2 April 2025"
assert_m "$X" "ServiceCredits/Kpi[@code='K4']/Status" MET
assert_m "$X" "ServiceCredits/Kpi[@code='K4']/Denominator" 0
assert_m "$X" ServiceCredits/AccruedPence 4500
assert_m "$X" ServiceCredits/CapPence 9500
assert_m "$X" ServiceCredits/CapCutPence 0
assert_m "$X" ServiceCredits/CreditPence 4500
assert_m "$X" AdvancePence 1000
assert_eq 0 "$(xcount "$X" /MonthlyStatement/VolumeReconciliation)" "no VolumeReconciliation before December"
assert_m "$X" Summary/PeriodDuePence 91500
assert_m "$X" Summary/AmountDuePence 91500
assert_eq "91500|95000|4500|1000|0" \
	"$(q "SELECT period_due_pence || '|' || ffs_pence || '|' || credit_pence || '|' || advance_pence || '|' || adjustment_pence FROM pbr.settlement WHERE statement_id = 'NORTH-2025-03-1'")" \
	"ledger row of March"
assert_eq "MONTHLY|2025-03||" "$(q "SELECT statement_type || '|' || period || '|' || coalesce(cohort_quarter, '') || '|' || coalesce(tariff_version, '') FROM pbr.settlement WHERE statement_id = 'NORTH-2025-03-1'")" \
	"ledger: a monthly row, period the month, no cohort or tariff"
assert_eq "$(sha256sum <"$X" | cut -d' ' -f1)" "$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = 'NORTH-2025-03-1'")" \
	"ledger statement digest is the file's SHA-256"

# the input digest, as anyone can recompute it with psql (SPEC 11.4)
digest=$(psql -X -At -c "SELECT line FROM (
	  SELECT 'V|' || month || '|' || coalesce(band_code, '') || '|' || coalesce(cases::text, '') AS line
	    FROM pbr.volume_return WHERE contract_id = 'NORTH' AND month = '2025-03'
	  UNION ALL
	  SELECT 'K|' || coalesce(kpi_code, '') || '|' || coalesce(numerator::text, '') || '|' || coalesce(denominator::text, '')
	    FROM pbr.kpi_return WHERE contract_id = 'NORTH' AND month = '2025-03'
	  UNION ALL
	  SELECT 'W|' || kpi_code || '|' || reason || '|' || approved_by
	    FROM pbr.credit_waiver WHERE contract_id = 'NORTH' AND month = '2025-03') t
	ORDER BY line COLLATE \"C\"" | sha256sum | cut -d' ' -f1)
assert_m "$X" Header/InputDigest "$digest"
# the annex: header, V rows, K rows, W rows, each in digest order
assert_eq "kind,month,code,cases,weight_milli,volume_milli,numerator,denominator,target_ppm,status,credit_pence,waived_pence,approved_by,reason" \
	"$(head -1 "$A")" "annex header"
assert_eq 8 "$(wc -l <"$A" | tr -d ' ')" "annex: header + 3 volume + 3 KPI + 1 waiver lines"
assert_eq "V,2025-03,CO,40,1000,40000,,,,COUNTED,,,," "$(sed -n 2p "$A")" "annex: first volume row"
assert_eq "V,2025-03,LICENCE,20,1500,30000,,,,COUNTED,,,," "$(sed -n 3p "$A")" "annex: LICENCE after CO (bytewise)"
assert_eq "K,2025-03,K2,,,,74,100,750000,BREACHED,4500,,," "$(sed -n 6p "$A")" "annex: the breach and its credit"
assert_eq 'W,2025-03,K3,,,,,,,WAIVED,,1000,"PCC board, 2 April 2025","provider feed outage, returns lost"' \
	"$(sed -n 8p "$A")" "annex: the waiver, what it waived, approver and reason (quoted)"
assert_eq "$(sha256sum <"$A" | cut -d' ' -f1)" "$(mx "$X" Header/AnnexDigest)" "AnnexDigest is the annex's SHA-256"
assert_eq 82000 "$(awk -F, '$1 == "V" { s += $6 } END { print s }' "$A")" "annex volumes add up to MonthVolumeMilli"
assert_eq 4500 "$(awk -F, '$1 == "K" { s += $11 } END { print s }' "$A")" "annex credits add up to AccruedPence"
assert_eq "91500|95000|4500|1000|0|82000" "$(ref NORTH 2025-03 "${FIG[@]}")" "SQL reference agrees on March"

# ---- April: exactly at the cap; May: one over, a waiver of a MET KPI -------------
assert_exit 0 "$PBR" run --month 2025-04 --contract NORTH --out "$OUT" --unsigned
X=$OUT/NORTH-2025-04-1.xml
assert_m "$X" "Volumes/Band[@code='LICENCE']/Cases" 0
assert_m "$X" "Volumes/Band[@code='SSO']/Cases" 0
assert_m "$X" Volumes/MonthVolumeMilli 50000
assert_m "$X" "ServiceCredits/Kpi[@code='K4']/Status" MET
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/Status" MET
assert_m "$X" ServiceCredits/AccruedPence 9500
assert_m "$X" ServiceCredits/CapPence 9500
assert_m "$X" ServiceCredits/CreditPence 9500
assert_m "$X" ServiceCredits/CapCutPence 0
assert_m "$X" Summary/PeriodDuePence 86500
assert_eq "86500|95000|9500|1000|0|50000" "$(ref NORTH 2025-04 "${FIG[@]}")" "SQL reference agrees on April"
assert_exit 0 "$PBR" run --month 2025-05 --contract NORTH --out "$OUT" --unsigned
X=$OUT/NORTH-2025-05-1.xml
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/Status" NOT_REPORTED
assert_m "$X" "ServiceCredits/Kpi[@code='K3']/CreditPence" 1000
assert_m "$X" "ServiceCredits/Kpi[@code='K4']/Status" MET
assert_m "$X" "ServiceCredits/Kpi[@code='K4']/Waiver/@approvedBy" finance
assert_m "$X" ServiceCredits/AccruedPence 10500
assert_m "$X" ServiceCredits/CreditPence 9500
assert_m "$X" ServiceCredits/CapCutPence 1000
assert_m "$X" Summary/PeriodDuePence 86500
assert_eq "W,2025-05,K4,,,,,,,MET,,0,finance,waived in error" "$(tail -1 "$OUT/NORTH-2025-05-1-annex.csv")" \
	"annex: the waiver of a MET KPI is read and shown, and waives nothing"
assert_eq "86500|95000|9500|1000|0|60000" "$(ref NORTH 2025-05 "${FIG[@]}")" "SQL reference agrees on May"

# ---- SOUTH: the twelve instalments sum exactly to A' ------------------------------
for m in 01 02 04 05 06 07 08 09 10 11 12; do
	"$PBR" run --month "2025-$m" --contract SOUTH --out "$OUT" --unsigned >/dev/null 2>&1 ||
		fail "SOUTH 2025-$m did not settle"
done
assert_m "$OUT/SOUTH-2025-07-1.xml" FeeForService/FfsPence 83334
assert_m "$OUT/SOUTH-2025-08-1.xml" FeeForService/FfsPence 83333
assert_eq 1000003 "$(q "SELECT sum(ffs_pence) FROM pbr.statement_in_force WHERE contract_id = 'SOUTH' AND statement_type = 'MONTHLY'")" \
	"SOUTH: the twelve instalments sum to A' = 1 000 003"
X=$OUT/SOUTH-2025-12-1.xml
assert_m "$X" VolumeReconciliation/@year 2025
assert_m "$X" VolumeReconciliation/PredictedMilli 1000000
assert_m "$X" VolumeReconciliation/ActualMilli 1001000
assert_m "$X" VolumeReconciliation/Position ABOVE
assert_m "$X" VolumeReconciliation/AdjustmentPence 500
assert_m "$X" VolumeReconciliation/FfsYearPence 1000503
assert_m "$X" VolumeReconciliation/MapPence 2000000
assert_m "$X" VolumeReconciliation/PbrPotPence 999497
assert_m "$X" Summary/PeriodDuePence 83833
assert_eq 14 "$(wc -l <"$OUT/SOUTH-2025-12-1-annex.csv" | tr -d ' ')" \
	"December annex: header, the 12 months' volume rows and the KPI row"

# ---- NORTH December ------------------------------------------------------------------
assert_exit 0 "$PBR" run --month 2025-12 --contract NORTH --out "$OUT" --unsigned
X=$OUT/NORTH-2025-12-1.xml
assert_true "December validates" valid_monthly "$X"
assert_m "$X" FeeForService/MonthIndex 12
assert_m "$X" Volumes/MonthVolumeMilli 44000
assert_m "$X" "ServiceCredits/Kpi[@code='K2']/Status" MET
assert_m "$X" ServiceCredits/CreditPence 0
assert_m "$X" VolumeReconciliation/ActualMilli 716000
assert_m "$X" VolumeReconciliation/Position BELOW
assert_m "$X" VolumeReconciliation/AdjustmentPence -104880
assert_m "$X" VolumeReconciliation/FfsYearPence 1035120
assert_m "$X" VolumeReconciliation/MapPence 1500000
assert_m "$X" VolumeReconciliation/PbrPotPence 464880
assert_m "$X" Summary/PeriodDuePence -8880
assert_m "$X" Summary/AmountDuePence -8880
assert_eq "-104880|1035120|1500000|464880" "$(q "SELECT adjustment_pence || '|' || ffs_year_pence || '|' || map_pence || '|' || pbr_pot_pence FROM pbr.settlement WHERE statement_id = 'NORTH-2025-12-1'")" \
	"ledger: December's year-end figures"
assert_eq 716000 "$(awk -F, '$1 == "V" { s += $6 } END { print s }' "$OUT/NORTH-2025-12-1-annex.csv")" \
	"December annex: the year's volume rows add up to ActualMilli"
assert_eq "-8880|95000|0|1000|1|44000" "$(ref NORTH 2025-12 "${FIG[@]}")" "SQL reference agrees on December"
assert_eq "-8880|-104880|1035120|464880|BELOW" "$(ref NORTH 2025-12 "${RECON[@]}")" \
	"SQL reference agrees on the reconciliation"

# ---- history and verify -------------------------------------------------------------
assert_exit 0 "$PBR" history --month 2025-03 --format csv
assert_eq 3 "$(wc -l <"$LAST_OUT" | tr -d ' ')" "history --month 2025-03: header + NORTH + SOUTH"
assert_match "NORTH,2025-03,,1,ORIGINAL,IN_FORCE,91500,91500" "$(cat "$LAST_OUT")" "history line of NORTH March"
assert_exit 64 "$PBR" history --month 2025-13
for f in NORTH-2025-03-1 NORTH-2025-05-1 NORTH-2025-12-1 SOUTH-2025-12-1; do
	assert_exit 0 "$PBR" verify "$OUT/$f.xml" --allow-unsigned
	assert_match "verified" "$(tail -1 "$LAST_OUT")" "$f verifies: every figure recomputed"
done
finish
