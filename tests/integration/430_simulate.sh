#!/usr/bin/env bash
# 430_simulate: what-if tariffs.  On demo data settled for 2025Q4, a draft
# tariff file equal to the tariff in force gives zero difference and the
# settled TotalPence of every contract.  On a hand-made cohort
# (tests/data/oversight_ref.sql), a binary price raised by X changes the
# binary pence by round(B*(price+X)/10^10) - round(B*price/10^10), computed
# here by hand; the draft statements (--out) validate, are DRAFT with RunId
# 0, and come with an HTML report.  simulate records nothing.  Tariff
# file errors name file:line and exit 65; a missing file exits 66.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# tariff_file VERSION [BINARY_PRICE]: the tariff of the database as a draft file
tariff_file() {
	q "SELECT 'version = ' || version || E'\n' ||
	          'description = ' || description || E'\n' ||
	          'binary_price_pence = ' || coalesce(nullif('${2:-}', ''), binary_price_pence::text) || E'\n' ||
	          'frequency_price_pence = ' || frequency_price_pence || E'\n' ||
	          'binary_hurdle_ppm = ' || binary_hurdle_ppm || E'\n' ||
	          'cohort_cap_pence = ' || cohort_cap_pence || E'\n' ||
	          'max_weight_bp = ' || max_weight_bp || E'\n' ||
	          'max_reject_ppm = ' || max_reject_ppm || E'\n' ||
	          'binary_mode = ' || binary_mode || E'\n' ||
	          'significance_z_milli = ' || significance_z_milli || E'\n' ||
	          'deduction_price_pence = ' || deduction_price_pence || E'\n' ||
	          'deduction_cap_pence = ' || deduction_cap_pence ||
	          coalesce(E'\ntermination_ppm = ' || termination_ppm, '')
	     FROM pbr.tariff WHERE version = '$1'" | sed "s/= $/= /"
	q "SELECT 'uplift ' || need_code || ' = ' || uplift_bp FROM pbr.tariff_need_uplift
	    WHERE tariff_version = '$1' ORDER BY need_code"
}
# pounds PENCE: 1234.56 as the table prints it
pounds() { printf '%s%d.%02d' "$([ "$1" -lt 0 ] && echo -)" $((${1#-} / 100)) $((${1#-} % 100)); }

migrate
# =============================================================================
# Demo data: the draft equal to the tariff in force
# =============================================================================
assert_exit 0 "$PBR" demo-data --members 20000 --seed 1
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
ledger_before=$(q "SELECT count(*) FROM pbr.settlement")
DRAFTS=$TMP/drafts
mkdir -p "$DRAFTS"
# Each 2024 tariff as a draft file, simulated for the contracts it governs
# (T2024 on the hurdle rule, T2024S on the significance rule of SPEC 5a).
: >"$TMP/same.out"
for v in T2024 T2024S; do
	tariff_file "$v" >"$TMP/same-$v.tariff"
	sed 's/^/    /' "$TMP/same-$v.tariff"
	contracts=$(q "SELECT string_agg('--contract ' || contract_id, ' ' ORDER BY contract_id)
		FROM pbr.contract_tariff WHERE tariff_version = '$v'")
	[ -n "$contracts" ] || die "no contract on $v"
	# shellcheck disable=SC2086  # one word per option
	assert_exit 0 "$PBR" simulate --period 2025Q4 --tariff "$TMP/same-$v.tariff" --out "$DRAFTS" $contracts
	grep -v '^TOTAL' "$LAST_OUT" >>"$TMP/same.out"
done
head -30 "$TMP/same.out"
assert_eq "$ledger_before" "$(q "SELECT count(*) FROM pbr.settlement")" "simulate records nothing"
assert_true "the demo has contracts on the significance tariff" \
	grep -q 'significance rule' "$TMP/same.out"
n=0
nonzero=0
for X in "$OUT"/*-2025Q4-1.xml; do
	c=$(basename "$X" -2025Q4-1.xml)
	line=$(awk -v c="$c" '$1 == c && $2 == "ALL"' "$TMP/same.out")
	total=$(sx "$X" Cohort/TotalPence)
	assert_eq "$(pounds "$total") $(pounds "$total") 0.00" "$(echo "$line" | awk '{print $3, $4, $5}')" \
		"$c: now = draft = settled TotalPence, difference 0"
	D=$DRAFTS/$c-2025Q4-draft.xml
	assert_eq "$total" "$(sx "$D" Cohort/TotalPence)" "$c: draft statement TotalPence = settled"
	assert_eq "$(sx "$X" Summary/PeriodDuePence)" "$(sx "$D" Summary/PeriodDuePence)" "$c: draft PeriodDuePence = settled"
	[ "$total" -ne 0 ] && nonzero=$((nonzero + 1))
	n=$((n + 1))
done
assert_true "compared $n contracts ($nonzero paid something)" test "$n" -gt 0 -a "$nonzero" -gt 0
assert_eq "" "$(awk 'NR > 1 && $1 != "#" && $1 != "contract" && $5 != "0.00"' "$TMP/same.out")" \
	"every difference is 0.00"
D=$(find "$DRAFTS" -name '*-draft.xml' | sort | head -1)
assert_true "a draft statement validates" valid_xsd "$D"
assert_eq "DRAFT 0" "$(sx "$D" Header/Status) $(sx "$D" Header/RunId)" "draft: Status DRAFT, RunId 0"
assert_true "its HTML report" test -s "${D%.xml}.html"
assert_true "its annex" test -s "${D%.xml}-annex.csv"
assert_eq "$(sha256sum <"${D%.xml}-annex.csv" | cut -d' ' -f1)" "$(sx "$D" Header/AnnexDigest)" "draft AnnexDigest"

# =============================================================================
# Hand-made cohort, contract OV: binary price raised by X
# =============================================================================
sql_file "$DATA/oversight_ref.sql"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract OV --out "$OUT"
X=$OUT/OV-2025Q4-1.xml
# B by hand: sum of w * (p - y * 10^6) over the four members
B=$((10000 * 400000 + 15000 * 600000 + 10000 * (300000 - 1000000) + 15000 * 500000))
F=$((10000 * 1500 + 15000 * 2000 + 10000 * (1000 - 2000) + 15000 * 1200))
assert_eq 13500000000 "$B" "B by hand"
assert_eq "$B" "$(sx "$X" Cohort/BinaryImprovement)" "statement B"
assert_eq "$F" "$(sx "$X" Cohort/FrequencyImprovement)" "statement F"
PRICE=250001
XTRA=7
rnd() { echo $(((2 * $1 + $2) / (2 * $2))); }  # round(a/b) half up
pb_now=$(rnd $((B * PRICE)) 10000000000)
pb_new=$(rnd $((B * (PRICE + XTRA))) 10000000000)
pf=$(rnd $((F * 50000)) 10000000)
printf 'Pb %s -> %s (+%s), Pf %s\n' "$pb_now" "$pb_new" $((pb_new - pb_now)) "$pf"
assert_eq 337501 "$pb_now" "Pb at $PRICE"
assert_eq 337511 "$pb_new" "Pb at $((PRICE + XTRA))"
assert_eq "$pb_now" "$(sx "$X" Cohort/BinaryPence)" "settled BinaryPence"
assert_eq "$((pb_now + pf))" "$(sx "$X" Cohort/TotalPence)" "settled TotalPence"

tariff_file OVT >"$TMP/ov-same.tariff"
assert_exit 0 "$PBR" simulate --period 2025Q4 --contract OV --tariff "$TMP/ov-same.tariff"
assert_eq "OV ALL $(pounds $((pb_now + pf))) $(pounds $((pb_now + pf))) 0.00" \
	"$(awk '$1 == "OV" && $2 == "ALL"' "$LAST_OUT" | awk '{print $1, $2, $3, $4, $5}')" "OV, same tariff"

tariff_file OVT $((PRICE + XTRA)) | sed 's/^version = .*/version = OVT-DRAFT/' >"$TMP/ov-up.tariff"
mkdir -p "$TMP/ovd"
assert_exit 0 "$PBR" simulate --period 2025Q4 --contract OV --tariff "$TMP/ov-up.tariff" --out "$TMP/ovd"
cat "$LAST_OUT"
D=$TMP/ovd/OV-2025Q4-draft.xml
assert_true "OV draft validates" valid_xsd "$D"
assert_eq $((pb_new - pb_now)) $(($(sx "$D" Cohort/BinaryPence) - $(sx "$X" Cohort/BinaryPence))) \
	"binary pence change by round(B*(price+X)/10^10) - round(B*price/10^10)"
assert_eq "$(sx "$X" Cohort/FrequencyPence)" "$(sx "$D" Cohort/FrequencyPence)" "frequency pence unchanged"
assert_eq "OVT-DRAFT $((PRICE + XTRA))" "$(sx "$D" Header/Tariff/@version) $(sx "$D" Header/Tariff/BinaryPricePence)" \
	"draft statement names the draft tariff"
assert_eq "OV ALL $(pounds $((pb_now + pf))) $(pounds $((pb_new + pf))) +$(pounds $((pb_new - pb_now)))" \
	"$(awk '$1 == "OV" && $2 == "ALL"' "$LAST_OUT" | awk '{print $1, $2, $3, $4, $5}')" "OV table row"
# the PCC rows add up to the contract row (draft column, in pence)
sum=0
for a in OA OB; do
	v=$(awk -v a="$a" '$1 == "OV" && $2 == a {print $4}' "$LAST_OUT" | tr -d '.')
	sum=$((sum + 10#$v))
done
assert_eq $((pb_new + pf)) "$sum" "draft PCC rows sum to the contract"
# an uplift change reaches the weights: HOUS 5000 -> 0 makes every w 10000
sed 's/^uplift HOUS = .*/uplift HOUS = 0/' "$TMP/ov-same.tariff" >"$TMP/ov-nouplift.tariff"
mkdir -p "$TMP/ovn"
assert_exit 0 "$PBR" simulate --period 2025Q4 --contract OV --tariff "$TMP/ov-nouplift.tariff" --out "$TMP/ovn"
assert_eq 40000 "$(sx "$TMP/ovn/OV-2025Q4-draft.xml" Cohort/WeightedSize)" "no uplift: W = 4 * 10000"
assert_eq "$(q "SELECT count(*) FROM pbr.settlement")" "$((ledger_before + 1))" "still only run's ledger rows"

# =============================================================================
# Errors
# =============================================================================
bad() { # NAME EXPECTED_LINE: a file from stdin must fail 65 naming file:line
	cat >"$TMP/$1.tariff"
	assert_exit 65 "$PBR" simulate --period 2025Q4 --contract OV --tariff "$TMP/$1.tariff"
	assert_one_line "$LAST_ERR" "$1"
	assert_match "$1.tariff:$2: " "$(cat "$LAST_ERR")" "$1: names line $2"
}
good=$(cat "$TMP/ov-same.tariff")
{ echo "$good"; echo "colour = blue"; } | bad unknown_key "$(($(echo "$good" | wc -l) + 1))"
echo "$good" | sed 's/^binary_price_pence = .*/binary_price_pence = 12.5/' | bad not_integer 3
echo "$good" | sed 's/^binary_hurdle_ppm = .*/binary_hurdle_ppm = 1000001/' | bad hurdle_range 5
echo "$good" | sed 's/^max_weight_bp = .*/max_weight_bp = 9999/' | bad weight_range 7
echo "$good" | sed '/^frequency_price_pence/d' | bad missing_key "$(($(echo "$good" | wc -l) - 1))"
{ echo "$good"; echo "uplift HOUS = 1"; } | bad twice_uplift "$(($(echo "$good" | wc -l) + 1))"
{ echo "# a comment"; echo "$good"; echo "version = again"; } | bad twice_key "$(($(echo "$good" | wc -l) + 2))"
{ echo "$good"; echo "uplift NOPE = 100"; } | bad unknown_need "$(($(echo "$good" | wc -l) + 1))"
{ echo "$good"; echo "just words"; } | bad no_equals "$(($(echo "$good" | wc -l) + 1))"
assert_exit 66 "$PBR" simulate --period 2025Q4 --tariff "$TMP/no-such.tariff"
assert_exit 64 "$PBR" simulate --period 2025q4 --tariff "$TMP/ov-same.tariff"
assert_exit 64 "$PBR" simulate --period 2025Q4 --tariff "$TMP/ov-same.tariff" --contract "ov;x"
assert_exit 64 "$PBR" simulate --period 2025Q4
assert_exit 65 "$PBR" simulate --period 2025Q4 --tariff "$TMP/ov-same.tariff" --contract NOSUCH
assert_exit 73 "$PBR" simulate --period 2025Q4 --tariff "$TMP/ov-same.tariff" --out "$TMP/no-such-dir"
assert_exit 69 env PGHOST=/nonexistent PGPORT=1 "$PBR" simulate --period 2025Q4 --tariff "$TMP/ov-same.tariff"
# comments and blank lines are fine; a trailing comment after a value too
{ echo "# draft"; echo; printf "%s\n" "$good" | sed "s/^\\(max_reject_ppm = .*\\)/\\1   # none allowed/"; } >"$TMP/commented.tariff"
assert_exit 0 "$PBR" simulate --period 2025Q4 --contract OV --tariff "$TMP/commented.tariff"
assert_eq "$ledger_before" "$(($(q "SELECT count(*) FROM pbr.settlement") - 1))" "errors record nothing"

finish
