#!/usr/bin/env bash
# 454_pcc_view_paths: the PCC view's needs bands per area when they can
# and cannot be recomputed, and an area the statements do not name.
# Data: the TOPUP year of 130 (tests/data/audit_year_ref.sql,
# audit_topup.csv), four periods 2025Q4..2026Q3 settled.  Area T1 (no
# uplift but ACC +5000 bp) by hand, w = 10000 (1 + uplift):
#   2025Q4 U01 p 600000, U02 p 500000, no needs: band 0, 2 members,
#          W 20000, Eb 1.1e10
#   2026Q1 V01 p 300000, ACC: band 1-2, 1 member, W 15000, Eb 4.5e9
#   2026Q2 X01 p 500000: band 0, W 10000, Eb 5e9
#   2026Q3 Z01 p 450005: band 0, W 10000, Eb 4 500 050 000
#   pooled: band 0: 4 members, W 40000, Eb 20 500 050 000; band 1-2: 1,
#           W 15000, Eb 4.5e9; band 3+: nobody (its rates left empty).
# A regulator's login may not read offender rows: the view comes without
# bands and says why; a row changed after settling leaves that period's
# bands out (partial pooled bands); an area added to the CPA after the
# statements is in none of them: shown with no members, never an error.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
OUT=$TMP/out
mkdir -p "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --unsigned --contract TOPUP --out "$OUT" --period "$p"
done
C=$TMP/t1.csv
col() { head -1 "$C" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
# get KIND PERIOD BAND COLUMN: one cell ("" for TOTAL/BAND_TOTAL periods)
get() {
	awk -F, -v k="$1" -v p="$2" -v b="$3" -v pc="$(col period)" -v bc="$(col needs_band)" \
		-v c="$(col "$4")" '$1 == k && (p == "" || $pc == p) && $bc == b { print $c }' "$C"
}
view() { # PCC FILE [FORMAT]
	assert_exit 0 "$PBR" report --pcc "$1" --from 2025Q4 --to 2026Q3 --format "${3:-csv}" --out "$2"
}

# ---- everything readable: the bands worked above -----------------------------------
view T1 "$C"
cat "$C"
assert_eq "" "$(cat "$LAST_ERR")" "nothing on stderr"
assert_eq "AREA BAND BAND BAND CONTRACT" "$(grep ',2025Q4,' "$C" | cut -d, -f1 | paste -sd' ' -)" "2025Q4: the area, three bands, the contract"
assert_eq "2 20000 11000000000" "$(get BAND 2025Q4 0 members) $(get BAND 2025Q4 0 weighted_size) $(get BAND 2025Q4 0 expected_binary)" \
	"2025Q4 band 0: U01 and U02"
assert_eq "0 0" "$(get BAND 2025Q4 1-2 members) $(get BAND 2025Q4 3+ members)" "2025Q4: nobody with needs"
assert_eq "1 15000 4500000000" "$(get BAND 2026Q1 1-2 members) $(get BAND 2026Q1 1-2 weighted_size) $(get BAND 2026Q1 1-2 expected_binary)" \
	"2026Q1 band 1-2: V01 with ACC"
assert_eq "4 40000 20500050000" "$(get BAND_TOTAL '' 0 members) $(get BAND_TOTAL '' 0 weighted_size) $(get BAND_TOTAL '' 0 expected_binary)" \
	"pooled band 0"
assert_eq "1 15000 4500000000" "$(get BAND_TOTAL '' 1-2 members) $(get BAND_TOTAL '' 1-2 weighted_size) $(get BAND_TOTAL '' 1-2 expected_binary)" \
	"pooled band 1-2"
assert_eq "0 0 ," "$(get BAND_TOTAL '' 3+ members) $(get BAND_TOTAL '' 3+ weighted_size) $(get BAND_TOTAL '' 3+ expected_binary_rate_permille),$(get BAND_TOTAL '' 3+ improvement_rate_ppm)" \
	"pooled band 3+: nobody, its rates empty (not 0)"
# the rate of a band is its sums': round(Eb / (W x 1000)) per mille
assert_eq "$(((2 * 20500050000 + 40000 * 1000) / (2 * 40000 * 1000)))" "$(get BAND_TOTAL '' 0 expected_binary_rate_permille)" \
	"pooled band 0: expected rate 513 per mille"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	X=$OUT/TOPUP-$p-1.xml
	assert_eq "$(sx "$X" "Cohort/PccArea[@code='T1']/Members") $(sx "$X" "Cohort/PccArea[@code='T1']/TotalPence")" \
		"$(get AREA "$p" '' members) $(get AREA "$p" '' total_pence)" "$p: the area line is the statement's"
done

# ---- a regulator: no offender rows, so no bands; the view all the same -------------
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
REG=reg_$S
q "CREATE ROLE $REG LOGIN IN ROLE pbr_regulator" >/dev/null || die "cannot create the login"
cp "$C" "$TMP/full.csv"
C=$TMP/reg.csv
assert_exit 0 env PGUSER="$REG" "$PBR" report --pcc T1 --from 2025Q4 --to 2026Q3 --format csv --out "$C"
assert_one_line "$LAST_ERR" "regulator: one note"
assert_match "note: the PCC view's needs bands per area are left out: this login may not read offender rows" \
	"$(cat "$LAST_ERR")" "regulator: says why"
assert_eq 0 "$(grep -c '^BAND' "$C")" "regulator: no band lines"
assert_eq "$(grep -v '^BAND' "$TMP/full.csv")" "$(cat "$C")" "regulator: every other line as finance sees it"
assert_exit 0 env PGUSER="$REG" "$PBR" report --pcc T1 --from 2025Q4 --to 2026Q3 --format html --out "$TMP/reg.html"
assert_match 'Needs bands for this area are not available: this login may not read offender rows' \
	"$(sed 's/<[^>]*>//g' "$TMP/reg.html" | tr -s ' \n' ' ')" "regulator html: not available, and why"

# ---- an area added after the statements: in none of them -----------------------------
q "INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES ('T3', 'Tops Three', 'CPT')" >/dev/null
C=$TMP/t3.csv
view T3 "$C"
cat "$C"
assert_eq 4 "$(grep -c 'has no PCC area T3 (the area was not part of CPA then); shown with no members' "$LAST_ERR")" \
	"one warning per statement"
assert_eq 4 "$(grep -c . "$LAST_ERR")" "and nothing else"
assert_eq "0 0 0 0 0" "$(get AREA '' '' members | paste -sd' ' -) $(get TOTAL '' '' members)" "no members in any period"
assert_eq "0,0,," "$(get TOTAL '' '' total_pence),$(get TOTAL '' '' weighted_size),$(get TOTAL '' '' expected_binary_rate_permille),$(get TOTAL '' '' improvement_rate_ppm)" \
	"TOTAL: nothing paid, no rate (W = 0)"
assert_eq "$(grep '^TOTAL,' "$TMP/full.csv" | cut -d, -f"$(col contract_total_pence)"-"$(col amount_due_pounds)")" \
	"$(grep '^TOTAL,' "$C" | cut -d, -f"$(col contract_total_pence)"-"$(col amount_due_pounds)")" \
	"the contract's money is T1's view's"
assert_eq "0 0 0" "$(grep '^BAND_TOTAL,' "$C" | cut -d, -f"$(col members)" | paste -sd' ' -)" "pooled bands: nobody"
view T3 "$TMP/t3.html" html
assert_eq 4 "$(grep -c '(not in statement)' "$TMP/t3.html")" "html: each period not in the statement"

# ---- a row changed after settling: that period's bands left out ----------------------
q "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'V01'" >/dev/null
C=$TMP/changed.csv
view T1 "$C"
assert_one_line "$LAST_ERR" "changed rows: one warning"
assert_match "statement TOPUP-2026Q1-1: needs bands of PCC area T1 left out: the cohort's rows have changed since the statement was settled" \
	"$(cat "$LAST_ERR")" "changed rows: which statement and why"
assert_eq "AREA CONTRACT" "$(grep ',2026Q1,' "$C" | cut -d, -f1 | paste -sd' ' -)" "2026Q1: no band lines"
assert_eq 9 "$(grep -c '^BAND,' "$C")" "three periods of bands"
assert_eq "4 40000 0 0" "$(get BAND_TOTAL '' 0 members) $(get BAND_TOTAL '' 0 weighted_size) $(get BAND_TOTAL '' 1-2 members) $(get BAND_TOTAL '' 1-2 weighted_size)" \
	"pooled over the three: V01's band 1-2 is not in it"
assert_eq "$(get AREA 2026Q1 '' actual_binary)" "$(C=$TMP/full.csv get AREA 2026Q1 '' actual_binary)" \
	"the area line is still the statement's"
view T1 "$TMP/changed.html" html
assert_true "html: all periods with bands" grep -q 'All periods with bands' "$TMP/changed.html"

finish
