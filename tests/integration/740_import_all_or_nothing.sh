#!/usr/bin/env bash
# 740_import_all_or_nothing: SPEC 9, issue 11 #10.  `import` is all or
# nothing: every refused row (malformed quarter, unknown CPA, a line the
# CSV parser cannot read, a value of the wrong type) is listed with its
# line number, exit 65, nothing imported.  A UTF-8 byte-order mark and
# CR LF are accepted.  A file whose SHA-256 was imported before is refused
# (65, saying when) unless --again; --dry-run checks only.  Finance may
# import (pbr_finance).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"      # CPA1 (A1 A2 A3), CPA2 (B1)
count() { q "SELECT count(*) FROM pbr.cohort_member"; }
logged() { q "SELECT count(*) FROM pbr.import_log"; }
H=$COHORT_COLUMNS

# ---- every refused row, by line: nothing imported ----------------------------
{
	printf '%s\n' "$H"
	printf '%s\n' 'G01,2024Q1,CPA1,A1,2024-01-05,500000,1000,,0,final'          # 2 ok
	printf '%s\n' 'G02,2024q1,CPA1,A1,2024-01-05,500000,1000,,0,final'          # 3 quarter
	printf '%s\n' 'G03,2024Q1,CPA1,A2,2024-02-05,400000,1000,ACC,1,final'       # 4 ok
	printf '%s\n' 'G04,2024Q1,CPA9,A1,2024-01-05,500000,1000,,0,final'          # 5 CPA
	printf '%s\n' 'G05,2024Q1,CPA1,A1,2024-01-05,500000,1000,AC"C,0,final'      # 6 parser
	printf '%s\n' 'G06,2024-Q2,CPA7,A1,2024-13-05,5x,1000,,0,final'             # 7 four faults
	printf '%s\n' '"G07',                                                        # 8 unterminated...
	printf '%s\n' 'more",2024Q1,CPA1,A1,2024-01-05,500000,1000,,0,final'        # ...closed on 9: ok
	printf '%s\n' 'G08,2024Q1,CPA1,A1,2024-01-05,500000,1000,,0'                # 10 9 columns
} >"$TMP/bad.csv"
assert_exit 65 "$PBR" import cohort "$TMP/bad.csv"
err=$(cat "$LAST_ERR")
assert_eq 6 "$(grep -c . "$LAST_ERR")" "5 refused rows listed, then one summary line"
assert_match "bad.csv: line 3: malformed cohort_quarter '2024q1'" "$err" "line 3: malformed quarter"
assert_match "bad.csv: line 5: unknown CPA 'CPA9'" "$err" "line 5: unknown CPA"
assert_match "bad.csv: line 6: a quote inside unquoted field 8" "$err" "line 6: the CSV parser cannot read it"
assert_match "bad.csv: line 7: malformed cohort_quarter '2024-Q2'.*; unknown CPA 'CPA7'; start_date '2024-13-05' is not a date.*; predicted_binary_ppm '5x' is not an integer" \
	"$err" "line 7: every fault of the row"
assert_match "bad.csv: line 10: 9 columns, expected 10" "$err" "line 10: a column missing"
assert_eq 0 "$(grep -c 'line [2489]:' "$LAST_ERR")" "good rows (2, 4, 8-9) are not listed"
assert_match "5 of 8 rows refused.*nothing imported" "$(tail -1 "$LAST_ERR")" "summary: 5 of 8 rows"
assert_eq 0 "$(count)" "nothing imported"
assert_eq 0 "$(logged)" "nothing logged"
# one bad row: one line in all
{ printf '%s\n' "$H" 'G01,2024Q1,CPA1,A1,2024-01-05,500000,1000,,0,final' \
	'G02,2024Q1,CPAX,A1,2024-01-05,500000,1000,,0,final'; } >"$TMP/one.csv"
assert_exit 65 "$PBR" import cohort "$TMP/one.csv"
assert_one_line "$LAST_ERR" "one refused row: one line"
assert_match "one.csv: line 3: unknown CPA 'CPAX'; nothing imported" "$(cat "$LAST_ERR")" "names line, CPA and outcome"

# ---- BOM and CR LF (Excel's "CSV UTF-8") --------------------------------------
{
	printf '\357\273\277%s\r\n' "$H"
	printf '%s\r\n' 'X01,2024Q1,CPA1,A1,2024-01-05,500000,1000,ACC+SUB,0,final'
	printf '%s\r\n' 'X02,2024Q1,CPA2,B1,2024-03-31,123456,789,,2,pending'
	printf '%s\r\n' '"X,03",2024Q2,CPA1,,,,,"",,'
} >"$TMP/excel.csv"
SHA=$(sha256sum <"$TMP/excel.csv" | cut -d' ' -f1)
# dry run: checks, imports nothing, logs nothing
assert_exit 0 "$PBR" import cohort "$TMP/excel.csv" --dry-run
assert_match '3 rows checked.*dry run' "$(cat "$LAST_OUT")" "dry run: 3 rows checked"
assert_eq 0 "$(count)" "dry run: nothing imported"
assert_eq 0 "$(logged)" "dry run: nothing logged"
assert_exit 0 "$PBR" import cohort "$TMP/excel.csv"
assert_match "imported 3 rows .*$SHA" "$(cat "$LAST_OUT")" "imported 3 rows, with the file's SHA-256"
assert_eq 3 "$(count)" "3 rows imported"
assert_eq "X01|2024Q1|CPA1|A1|2024-01-05|500000|1000|ACC+SUB|0|final" \
	"$(q "SELECT offender_ref, cohort_quarter, cpa_code, pcc_code, start_date, predicted_binary_ppm,
	             predicted_frequency_milli, needs, reoffence_count, outcome_status
	        FROM pbr.cohort_member WHERE offender_ref = 'X01'")" "X01 exactly: no BOM in the first field, no CR in the last"
assert_eq "X02|CPA2|B1|2024-03-31|123456|789||2|pending" \
	"$(q "SELECT offender_ref, cpa_code, pcc_code, start_date, predicted_binary_ppm,
	             predicted_frequency_milli, needs, reoffence_count, outcome_status
	        FROM pbr.cohort_member WHERE offender_ref = 'X02'")" "X02 exactly"
assert_eq "t|t|t|t|t|t" \
	"$(q "SELECT pcc_code IS NULL, start_date IS NULL, predicted_binary_ppm IS NULL, needs = '',
	             reoffence_count IS NULL, outcome_status IS NULL
	        FROM pbr.cohort_member WHERE offender_ref = 'X,03'")" \
	"X,03: unquoted empty is NULL, quoted empty needs is '', needs never NULL"
assert_eq "cohort|excel.csv|$SHA|3|f" \
	"$(q "SELECT kind, file_name, file_sha256, row_count, again FROM pbr.import_log")" "import logged with the file's SHA-256"

# ---- the same file again: refused unless --again -----------------------------
when=$(q "SELECT to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM pbr.import_log")
assert_exit 65 "$PBR" import cohort "$TMP/excel.csv"
assert_one_line "$LAST_ERR" "re-import: one line"
assert_match "imported before.*$when.*--again" "$(cat "$LAST_ERR")" "re-import: says when, points at --again"
assert_eq 3 "$(count)" "re-import: nothing imported"
cp "$TMP/excel.csv" "$TMP/renamed.csv"
assert_exit 65 "$PBR" import cohort "$TMP/renamed.csv"
assert_match 'excel.csv' "$(cat "$LAST_ERR")" "the same bytes under another name: refused, naming the first file"
assert_exit 65 "$PBR" import cohort "$TMP/excel.csv" --dry-run
assert_match 'imported before' "$(cat "$LAST_ERR")" "dry run of a re-import: refused too"
assert_exit 0 "$PBR" import cohort "$TMP/excel.csv" --again
assert_eq 6 "$(count)" "--again: imported a second time"
assert_eq "f t" "$(q "SELECT again FROM pbr.import_log ORDER BY id" | paste -sd' ')" "--again is logged"
assert_fails "the import log is append-only" q "DELETE FROM pbr.import_log"

# ---- the monthly returns (SPEC 11.1): volumes and kpis ---------------------------
# basic_ref.sql has contracts NORTH and SOUTH
{
	printf '%s\n' contract_id,month,band_code,cases
	printf '%s\n' NORTH,2025-04,CO,120        # 2 ok
	printf '%s\n' NORTH,2025-13,CO,1          # 3 month
	printf '%s\n' NOPE,2025-04,CO,1           # 4 contract
	printf '%s\n' SOUTH,2025-4,SSO,x          # 5 month and cases
	printf '%s\n' SOUTH,2025-04,,             # 6 ok: the run checks band and cases
} >"$TMP/vol_bad.csv"
assert_exit 65 "$PBR" import volumes "$TMP/vol_bad.csv"
err=$(cat "$LAST_ERR")
assert_match "line 3: malformed month '2025-13'" "$err" "volumes line 3: malformed month"
assert_match "line 4: unknown contract 'NOPE'" "$err" "volumes line 4: unknown contract"
assert_match "line 5: malformed month '2025-4'.*; cases 'x' is not an integer" "$err" "volumes line 5: both faults"
assert_match "3 of 5 rows refused" "$(tail -1 "$LAST_ERR")" "volumes: 3 of 5 refused"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.volume_return")" "volumes: nothing imported"
{ printf '%s\n' contract_id,month,band_code,cases NORTH,2025-04,CO,120 SOUTH,2025-04,, ; } >"$TMP/vol.csv"
assert_exit 0 "$PBR" import volumes "$TMP/vol.csv"
assert_eq "NORTH|2025-04|CO|120 SOUTH|2025-04||" \
	"$(q "SELECT contract_id, month, band_code, cases FROM pbr.volume_return ORDER BY contract_id" | paste -sd' ')" \
	"volumes: 2 rows exactly"
assert_eq "volumes|2" "$(q "SELECT kind, row_count FROM pbr.import_log WHERE file_name = 'vol.csv'")" "volumes logged"
# numerator and denominator are 64-bit
{ printf '%s\n' contract_id,month,kpi_code,numerator,denominator \
	NORTH,2025-04,K1,5000000000,6000000000 NORTH,2025-04,K2,1,99999999999999999999; } >"$TMP/kpi_bad.csv"
assert_exit 65 "$PBR" import kpis "$TMP/kpi_bad.csv"
assert_one_line "$LAST_ERR" "kpis: one refused row, one line"
assert_match "line 3: denominator '9999.*' is out of range" "$(cat "$LAST_ERR")" "kpis line 3: past 64 bits"
{ printf '%s\n' contract_id,month,kpi_code,numerator,denominator NORTH,2025-04,K1,5000000000,6000000000; } >"$TMP/kpi.csv"
assert_exit 0 "$PBR" import kpis "$TMP/kpi.csv"
assert_eq "NORTH|2025-04|K1|5000000000|6000000000" \
	"$(q "SELECT contract_id, month, kpi_code, numerator, denominator FROM pbr.kpi_return")" "kpis: the row exactly"
assert_exit 64 "$PBR" import people "$TMP/kpi.csv"

# ---- finance imports ----------------------------------------------------------
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
q "CREATE ROLE fin_$S LOGIN IN ROLE pbr_finance" >/dev/null || die "cannot create a finance login"
{ printf '%s\n' "$H" 'F01,2024Q1,CPA1,A1,2024-01-05,500000,1000,,0,final'; } >"$TMP/fin.csv"
assert_exit 0 env PGUSER="fin_$S" "$PBR" import cohort "$TMP/fin.csv"
assert_eq "fin_$S" "$(q "SELECT imported_by FROM pbr.import_log WHERE file_name = 'fin.csv'")" "imported_by names the finance login"
assert_eq 7 "$(count)" "finance: 1 row imported"
{ printf '%s\n' contract_id,month,band_code,cases NORTH,2025-05,CO,7; } >"$TMP/fin_vol.csv"
assert_exit 0 env PGUSER="fin_$S" "$PBR" import volumes "$TMP/fin_vol.csv"
assert_eq 3 "$(q "SELECT count(*) FROM pbr.volume_return")" "finance: volumes imported"
q "DROP OWNED BY fin_$S; DROP ROLE fin_$S" >/dev/null 2>&1
finish
