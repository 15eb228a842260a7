#!/usr/bin/env bash
# 080_demo_smoke: demo-data --members 20000, then period 2025Q4 for every
# contract.  Every statement validates against the XSD, its digests are the
# SHA-256 of the psql one-liner and of its annex, its annex sums to B and F,
# and - a second method - every figure (cohort sums, hurdle, gate, payments,
# cap, PCC attribution, needs bands, reject counts) equals what the plain-SQL
# reference implementation tests/integration/reference.sql computes straight
# from pbr.cohort_member.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PERIOD=2025Q4
COHORT=2024Q1
migrate
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
[ "$(q "SELECT count(*) FROM pbr.contract")" -gt 0 ] || die "demo-data made no contract"
assert_true "demo-data made cohort rows" \
	test "$(q "SELECT count(*) FROM pbr.cohort_member")" -ge 20000

# deterministic: the same seed gives the same rows in another database
fingerprint() {
	PGDATABASE=$1 PGDATESTYLE=ISO psql -X -At -c "SELECT count(*) || ' ' || md5(string_agg(
	    concat_ws('|', offender_ref, cohort_quarter, cpa_code, pcc_code, start_date,
	              predicted_binary_ppm, predicted_frequency_milli, needs,
	              reoffence_count, outcome_status), E'\n'
	    ORDER BY offender_ref COLLATE \"C\", cohort_quarter, cpa_code,
	             start_date, pcc_code, needs)) FROM pbr.cohort_member"
}
DB2=${PGDATABASE}_again
dropdb --if-exists "$DB2" >/dev/null 2>&1
if createdb "$DB2"; then
	PGDATABASE=$DB2 "$PBR" migrate >/dev/null 2>&1
	assert_exit 0 env PGDATABASE="$DB2" "$PBR" demo-data --members 20000 --seed 1
	assert_eq "$(fingerprint "$PGDATABASE")" "$(fingerprint "$DB2")" \
		"demo-data with the same seed gives the same rows"
	dropdb "$DB2"
fi

OUT=$TMP/out
mkdir -p "$OUT"
start=$(date +%s)
assert_exit 0 "$PBR" run --unsigned --period "$PERIOD" --out "$OUT"
printf 'run took %ss\n' "$(($(date +%s) - start))"
sed 's/^/    run stderr: /' "$LAST_ERR"

# the contracts to settle, by the reference; the files written
psql -X -At -F'|' -v cohort="$COHORT" -f "$SRCDIR/tests/integration/reference.sql" \
	>"$TMP/reference.txt" || die "reference.sql failed"
want=$(cut -d'|' -f1 "$TMP/reference.txt" | sort -u | paste -sd' ' -)
got=$(find "$OUT" -name "*-$PERIOD-1.xml" -printf '%f\n' | sed "s/-$PERIOD-1.xml\$//" |
	LC_ALL=C sort | paste -sd' ' -)
assert_eq "$want" "$got" "one statement per contract holding cohort $COHORT"
[ -n "$want" ] || die "no contract holds cohort $COHORT"


total_members=0
for contract in $want; do
	X=$OUT/$contract-$PERIOD-1.xml
	ANNEX=$OUT/$contract-$PERIOD-1-annex.csv
	[ -s "$X" ] || continue
	assert_true "$contract validates against the XSD" valid_xsd "$X"
	cpa=$(sx "$X" Header/Contract/@cpa)
	assert_eq "$(q "SELECT cpa_code FROM pbr.contract WHERE id = '$contract'")" "$cpa" \
		"$contract: Contract@cpa"
	assert_eq "$(psql_input_digest "$cpa" "$COHORT")" "$(sx "$X" Header/InputDigest)" "$contract: InputDigest"
	assert_eq "$(sha256sum <"$ANNEX" | cut -d' ' -f1)" "$(sx "$X" Header/AnnexDigest)" \
		"$contract: AnnexDigest"
	assert_eq "$(sx "$X" Cohort/BinaryImprovement)" "$(annex_sum "$ANNEX" binary_contribution)" \
		"$contract: annex binary contributions sum to B"
	assert_eq "$(sx "$X" Cohort/FrequencyImprovement)" "$(annex_sum "$ANNEX" frequency_contribution)" \
		"$contract: annex frequency contributions sum to F"
	rows=$(q "SELECT count(*) FROM pbr.cohort_member
	           WHERE cpa_code = '$cpa' AND cohort_quarter = '$COHORT'")
	assert_eq "$((rows + 1))" "$(wc -l <"$ANNEX")" "$contract: annex has a line per row"
	assert_eq "$rows" "$(($(sx "$X" Cohort/Members) + $(sx "$X" Cohort/Rejected)))" \
		"$contract: Members + Rejected = rows of the cohort"
	# SPEC 11.3: the demo contracts have 2024 terms, so an original nets
	# the cohort's three monthly advances
	adv=$(q "SELECT coalesce(3 * advance_pence_per_month, 0) FROM pbr.contract c
	          LEFT JOIN pbr.contract_year y ON y.contract_id = c.id AND y.year = ${COHORT:0:4}
	          WHERE c.id = '$contract'")
	assert_eq "$adv" "$(sx "$X" Summary/AdvanceNettedPence)" "$contract: AdvanceNettedPence, 3 months' advance"
	assert_eq "$(($(sx "$X" Cohort/TotalPence) - adv))" "$(sx "$X" Summary/AmountDuePence)" \
		"$contract: AmountDuePence of an original = T - AdvanceNettedPence"
	# PCC shares add up to the components
	for comp in BinaryPence FrequencyPence TotalPence; do
		sum=0
		for i in $(seq 1 "$(xcount "$X" /SettlementStatement/Cohort/PccArea)"); do
			sum=$((sum + $(sx "$X" "Cohort/PccArea[$i]/$comp")))
		done
		assert_eq "$(sx "$X" "Cohort/$comp")" "$sum" "$contract: PccArea $comp add up"
	done
	total_members=$((total_members + $(sx "$X" Cohort/Members)))

	# every figure against the reference
	mismatches=0
	figures=0
	while IFS='|' read -r c path value; do
		[ "$c" = "$contract" ] || continue
		figures=$((figures + 1))
		actual=$(sx "$X" "$path")
		if [ "$actual" != "$value" ]; then
			mismatches=$((mismatches + 1))
			printf '    %s %s: reference %s, statement %s\n' "$contract" "$path" \
				"$value" "${actual:-<missing>}"
		fi
	done <"$TMP/reference.txt"
	assert_eq 0 "$mismatches" "$contract: figures differing from reference.sql (of $figures)"
done
printf '%s members accepted over all statements\n' "$total_members"
assert_true "some members were accepted" test "$total_members" -gt 0

finish
