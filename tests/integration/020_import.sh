#!/usr/bin/env bash
# 020_import: `pbr-settle import cohort FILE.csv` loads a good feed; a bad
# header or a bad value on line 3 exits 65 with one line naming the line and
# loads nothing; a missing file exits 66; no database exits 69.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
count() { q "SELECT count(*) FROM pbr.cohort_member"; }

# ---- a good file: 12 rows ---------------------------------------------------
assert_exit 0 "$PBR" import cohort "$DATA/basic_cohort.csv"
assert_eq 12 "$(count)" "rows loaded from basic_cohort.csv"
# empty unquoted fields are NULL (N01 has no reoffence_count)
assert_eq "t|pending" "$(q "SELECT reoffence_count IS NULL, outcome_status
                             FROM pbr.cohort_member WHERE offender_ref = 'N01'")" \
	"N01: empty reoffence_count is NULL"
# an empty needs field is the empty list
assert_eq "|f" "$(q "SELECT needs, needs IS NULL FROM pbr.cohort_member
                      WHERE offender_ref = 'M01'")" "M01: empty needs"
assert_eq "M04|2024Q1|CPA1|A1|2024-02-29|700000|3000|ACC+SUB+EMP|1|final" \
	"$(q "SELECT offender_ref, cohort_quarter, cpa_code, pcc_code, start_date,
	             predicted_binary_ppm, predicted_frequency_milli, needs,
	             reoffence_count, outcome_status
	        FROM pbr.cohort_member WHERE offender_ref = 'M04'")" "M04 as written"

# quoting: a quoted field with a comma, and a quoted empty string
cat >"$TMP/quoted.csv" <<'CSV'
offender_ref,cohort_quarter,cpa_code,pcc_code,start_date,predicted_binary_ppm,predicted_frequency_milli,needs,reoffence_count,outcome_status
"Q,1",2024Q1,CPA1,A1,2024-01-02,1,2,"",3,final
Q2,2024Q1,CPA1,"",2024-01-03,,,ACC,,
CSV
assert_exit 0 "$PBR" import cohort "$TMP/quoted.csv"
assert_eq "|1|2|3" "$(q "SELECT needs, predicted_binary_ppm, predicted_frequency_milli,
                         reoffence_count FROM pbr.cohort_member WHERE offender_ref = 'Q,1'")" \
	"quoted comma and quoted empty needs"
assert_eq "|f|t|t|t" "$(q "SELECT pcc_code, pcc_code IS NULL, predicted_binary_ppm IS NULL,
                          reoffence_count IS NULL, outcome_status IS NULL
                     FROM pbr.cohort_member WHERE offender_ref = 'Q2'")" \
	"quoted empty pcc_code is '', unquoted empty is NULL"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref IN ('Q,1', 'Q2')" >/dev/null

# ---- wrong header: 65, one line, nothing loaded ------------------------------
{
	echo "offender_ref,cohort_quarter,pcc_code,cpa_code,start_date,predicted_binary_ppm,predicted_frequency_milli,needs,reoffence_count,outcome_status"
	echo "H01,2024Q1,A1,CPA1,2024-01-01,1,1,,0,final"
} >"$TMP/bad_header.csv"
assert_exit 65 "$PBR" import cohort "$TMP/bad_header.csv"
assert_one_line "$LAST_ERR" "wrong header message"
assert_match 'line 1' "$(cat "$LAST_ERR")" "wrong header message names line 1"
assert_eq 12 "$(count)" "wrong header loads nothing"

# header with too few columns
{
	echo "offender_ref,cohort_quarter,cpa_code"
	echo "H01,2024Q1,CPA1"
} >"$TMP/short_header.csv"
assert_exit 65 "$PBR" import cohort "$TMP/short_header.csv"
assert_eq 12 "$(count)" "short header loads nothing"

# ---- bad integer on line 3 (the second data line) ----------------------------
{
	echo "$COHORT_COLUMNS"
	echo "B01,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final"
	echo "B02,2024Q1,CPA1,A1,2024-01-01,5x0000,1000,,0,final"
	echo "B03,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final"
} >"$TMP/bad_int.csv"
assert_exit 65 "$PBR" import cohort "$TMP/bad_int.csv"
assert_one_line "$LAST_ERR" "bad integer message"
assert_match 'line 3([^0-9]|$)' "$(cat "$LAST_ERR")" "bad integer message names line 3"
assert_true "bad integer message names the file" grep -qF "bad_int.csv" "$LAST_ERR"
assert_eq 12 "$(count)" "bad integer: nothing loaded (B01 not kept)"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.cohort_member WHERE offender_ref LIKE 'B0%'")" \
	"no row of bad_int.csv loaded"

# a bad date on line 4, too many fields on line 2, integer overflow on line 2
{
	echo "$COHORT_COLUMNS"
	echo "D01,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final"
	echo "D02,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final"
	echo "D03,2024Q1,CPA1,A1,2024-02-30,500000,1000,,0,final"
} >"$TMP/bad_date.csv"
assert_exit 65 "$PBR" import cohort "$TMP/bad_date.csv"
assert_match 'line 4([^0-9]|$)' "$(cat "$LAST_ERR")" "bad date message names line 4"
{
	echo "$COHORT_COLUMNS"
	echo "E01,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final,extra"
} >"$TMP/extra.csv"
assert_exit 65 "$PBR" import cohort "$TMP/extra.csv"
assert_match 'line 2([^0-9]|$)' "$(cat "$LAST_ERR")" "extra field message names line 2"
{
	echo "$COHORT_COLUMNS"
	echo "O01,2024Q1,CPA1,A1,2024-01-01,99999999999,1000,,0,final"
} >"$TMP/overflow.csv"
assert_exit 65 "$PBR" import cohort "$TMP/overflow.csv"
assert_match 'line 2([^0-9]|$)' "$(cat "$LAST_ERR")" "integer overflow message names line 2"
# offender_ref is NOT NULL
{
	echo "$COHORT_COLUMNS"
	echo ",2024Q1,CPA1,A1,2024-01-01,1,1,,0,final"
} >"$TMP/null_ref.csv"
assert_exit 65 "$PBR" import cohort "$TMP/null_ref.csv"
assert_eq 12 "$(count)" "failed imports loaded nothing"

# an empty file
: >"$TMP/empty.csv"
assert_exit 65 "$PBR" import cohort "$TMP/empty.csv"
assert_one_line "$LAST_ERR" "empty file message"

# ---- missing file: 66 --------------------------------------------------------
assert_exit 66 "$PBR" import cohort "$TMP/no-such-file.csv"
assert_one_line "$LAST_ERR" "missing file message"
assert_true "missing file message names it" grep -qF "no-such-file.csv" "$LAST_ERR"

# ---- usage -------------------------------------------------------------------
assert_exit 64 "$PBR" import
assert_exit 64 "$PBR" import people "$DATA/basic_cohort.csv"

# ---- database unavailable: 69 ------------------------------------------------
mkdir -p "$TMP/nodb"
assert_exit 69 env PGHOST="$TMP/nodb" "$PBR" import cohort "$DATA/basic_cohort.csv"
assert_one_line "$LAST_ERR" "db unavailable message"
assert_eq 12 "$(count)" "row count unchanged at the end"

finish
