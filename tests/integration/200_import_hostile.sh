#!/usr/bin/env bash
# 200_import_hostile: `pbr-settle import cohort` fed hostile CSV files.
# Each bad file exits 65 with one line on stderr naming the file and the
# line, and loads nothing (pbr.cohort_member unchanged):
#   wrong / short / long header, NUL in the header -> line 1
#   a row with a column missing or an extra one, bad UTF-8, a NUL byte,
#   a number past 64 bits, CR LF mixed with LF, an unbalanced quote
#   a 1 MB field in a bad row: the message stays one short line
#   a 1 MB cohort_quarter (an indexed column): 65, not a crash
# What loads, and is sensible:
#   CR LF line ends used consistently: loads, no '\r' in any value
#   a UTF-8 byte-order mark (Excel's "CSV UTF-8"): loads (SPEC 9)
#   a 1 MB field in an otherwise good row: loads (the landing table is
#   deliberately loose, SPEC 2); run then rejects it as UNKNOWN_NEED
#   a header-only file: 0 rows, exit 0
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
count() { q "SELECT count(*) FROM pbr.cohort_member"; }
BASE=$(count)
GOOD='G01,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final'
H=$COHORT_COLUMNS

# bad NAME LINE MESSAGE-REGEX: imports $TMP/NAME.csv, expects 65, one line
# on stderr naming the file and "line LINE" (when LINE is not -), the
# message matching MESSAGE-REGEX, and nothing loaded
bad() {
	local name=$1 line=$2 re=$3 f=$TMP/$1.csv
	assert_exit 65 "$PBR" import cohort "$f"
	assert_one_line "$LAST_ERR" "$name: one line on stderr"
	assert_true "$name: message names the file" grep -qF "$name.csv" "$LAST_ERR"
	if [ "$line" != - ]; then
		assert_match "line $line([^0-9]|$)" "$(head -c 2000 "$LAST_ERR")" "$name: names line $line"
	fi
	assert_match "$re" "$(head -c 2000 "$LAST_ERR")" "$name: says what is wrong"
	assert_eq "" "$(cat "$LAST_OUT")" "$name: nothing on stdout"
	assert_eq "$BASE" "$(count)" "$name: nothing loaded"
}

# ---- headers ------------------------------------------------------------------
{ echo "${H/cpa_code,pcc_code/pcc_code,cpa_code}"; echo "$GOOD"; } >"$TMP/wrong_header.csv"
bad wrong_header 1 'header'
{ echo "${H%,outcome_status}"; echo "${GOOD%,final}"; } >"$TMP/header_missing_column.csv"
bad header_missing_column 1 'header'
{ echo "$H,extra"; echo "$GOOD,x"; } >"$TMP/header_extra_column.csv"
bad header_extra_column 1 'header'
# a 100 000 byte header line (the importer reads the header into 512 bytes)
{ head -c 100000 /dev/zero | tr '\0' a; echo; echo "$GOOD"; } >"$TMP/header_huge.csv"
bad header_huge 1 'header'
# a NUL byte right after a correct header
{ printf '%s\000junk\n' "$H"; echo "$GOOD"; } >"$TMP/header_nul.csv"
bad header_nul 1 'UTF8|0x00|NUL|header'

# ---- rows -----------------------------------------------------------------------
{ echo "$H"; echo "$GOOD"; echo "${GOOD%,final}"; } >"$TMP/missing_column.csv"
bad missing_column 3 'missing data|column'
{ echo "$H"; echo "$GOOD,extra"; echo "$GOOD"; } >"$TMP/extra_column.csv"
bad extra_column 2 'extra data|column'
{ echo "$H"; echo "$GOOD"; printf 'U\377\3767,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final\n'; } >"$TMP/bad_utf8.csv"
bad bad_utf8 3 'UTF-?8|byte sequence|encoding'
# an overlong encoding of '/' and a lone continuation byte
{ echo "$H"; printf 'U\300\257,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final\n'; } >"$TMP/bad_utf8_overlong.csv"
bad bad_utf8_overlong 2 'UTF-?8|byte sequence|encoding'
{ echo "$H"; echo "$GOOD"; printf 'N0\0008,2024Q1,CPA1,A1,2024-01-01,500000,1000,,0,final\n'; } >"$TMP/nul_byte.csv"
bad nul_byte 3 'UTF8|0x00|NUL'
{ echo "$H"; echo "O01,2024Q1,CPA1,A1,2024-01-01,99999999999999999999,1000,,0,final"; } >"$TMP/past_64_bits.csv"
bad past_64_bits 2 'out of range|predicted_binary_ppm'
{ echo "$H"; echo "O02,2024Q1,CPA1,A1,2024-01-01,1,1,,-9223372036854775809,final"; } >"$TMP/past_64_bits_neg.csv"
bad past_64_bits_neg 2 'out of range|reoffence_count'
# CR LF on some lines only
{ echo "$H"; echo "$GOOD"; printf '%s\r\n' "${GOOD/G01/G02}"; echo "${GOOD/G01/G03}"; } >"$TMP/crlf_mixed.csv"
bad crlf_mixed 3 'carriage return|newline'
# CR LF header, LF rows
{ printf '%s\r\n' "$H"; echo "$GOOD"; } >"$TMP/crlf_header_only.csv"
bad crlf_header_only 2 'carriage return|newline'
# an unbalanced quote: the quoted field runs to the end of the file, so
# PostgreSQL reports it at the end; the message must still be one line
{ echo "$H"; echo 'Q01,2024Q1,CPA1,A1,2024-01-01,500000,1000,"ACC,0,final'; echo "$GOOD"; } >"$TMP/unbalanced_quote.csv"
bad unbalanced_quote - 'unterminated|quote'
{ echo "$H"; echo 'Q02,2024Q1,CPA1,A1,2024-01-01,500000,1000,AC"C,0,final'; } >"$TMP/stray_quote.csv"
bad stray_quote - 'unterminated|quote'

# ---- 1 MB fields ------------------------------------------------------------------
big() { head -c 1048576 /dev/zero | tr '\0' "$1"; }
# a 1 MB field in a row that is bad further on: the message is short
{ echo "$H"; echo "$GOOD"; printf 'B01,2024Q1,CPA1,A1,2024-01-01,500000,1000,%s,0x,final\n' "$(big A)"; } >"$TMP/mb_field_bad_row.csv"
bad mb_field_bad_row 3 'reoffence_count|invalid input'
CHECKS=$((CHECKS + 1))
if [ "$(wc -c <"$LAST_ERR")" -lt 2000 ]; then
	pass "1 MB field: message under 2000 bytes"
else
	fail "1 MB field: message of $(wc -c <"$LAST_ERR") bytes"
fi
# a 1 MB cohort_quarter cannot be indexed: 65 with the line, not a crash
{ echo "$H"; echo "$GOOD"; printf 'B02,%s,CPA1,A1,2024-01-01,500000,1000,,0,final\n' "$(big 9)"; } >"$TMP/mb_indexed.csv"
bad mb_indexed 3 'index|size|malformed cohort_quarter'
# a 1 MB needs list and a 1 MB offender_ref in otherwise good rows load
{ echo "$H"; printf 'BIGNEEDS,2024Q1,CPA1,A1,2024-01-05,500000,1000,%s,0,final\n' "$(big A)"
  printf '%s,2024Q1,CPA1,A1,2024-01-06,500000,1000,,0,final\n' "$(big R)"; } >"$TMP/mb_good.csv"
assert_exit 0 "$PBR" import cohort "$TMP/mb_good.csv"
assert_eq $((BASE + 2)) "$(count)" "1 MB fields in good rows load"
assert_eq 1048576 "$(q "SELECT length(needs) FROM pbr.cohort_member WHERE offender_ref = 'BIGNEEDS'")" \
	"the 1 MB needs list is stored whole"
# ... and run rejects the needs list as UNKNOWN_NEED (1 MB ref is accepted)
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 1000000" >/dev/null
mkdir -p "$TMP/out"
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/out" --dry-run
assert_eq BIGNEEDS,UNKNOWN_NEED "$(awk -F, '$1 == "BIGNEEDS" { print $1 "," $NF }' "$TMP/out/NORTH-2025Q4-draft-annex.csv")" \
	"run: the 1 MB needs list is UNKNOWN_NEED"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'BIGNEEDS' OR length(offender_ref) > 1000" >/dev/null
assert_eq "$BASE" "$(count)" "big rows removed again"

# ---- what loads ---------------------------------------------------------------------
# CR LF throughout (a Windows export): loads, and no value keeps a '\r'
{ printf '%s\r\n' "$H" "${GOOD/G01/W01}" "${GOOD/G01/W02}"; } >"$TMP/crlf.csv"
assert_exit 0 "$PBR" import cohort "$TMP/crlf.csv"
assert_eq $((BASE + 2)) "$(count)" "CR LF file: 2 rows loaded"
assert_eq "final|final" "$(q "SELECT string_agg(outcome_status, '|' ORDER BY offender_ref)
                             FROM pbr.cohort_member WHERE offender_ref IN ('W01', 'W02')")" \
	"CR LF file: outcome_status is exactly 'final'"
assert_eq 0 "$(q "SELECT count(*) FROM pbr.cohort_member
                  WHERE position(E'\\r' IN offender_ref || cohort_quarter || cpa_code ||
                                 coalesce(pcc_code, '') || needs || coalesce(outcome_status, '')) > 0")" \
	"CR LF file: no '\\r' stored anywhere"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref IN ('W01', 'W02')" >/dev/null
# a byte-order mark before the header: loads, and is not part of any value
{ printf '\357\273\277%s\n' "$H"; echo "${GOOD/G01/BOM1}"; } >"$TMP/header_bom.csv"
assert_exit 0 "$PBR" import cohort "$TMP/header_bom.csv"
assert_eq "BOM1|2024Q1" "$(q "SELECT offender_ref, cohort_quarter FROM pbr.cohort_member WHERE offender_ref LIKE '%BOM1'")" \
	"BOM file: the first field is exactly BOM1"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'BOM1'" >/dev/null
# a header and nothing else: nothing to load, not an error
printf '%s\n' "$H" >"$TMP/header_only.csv"
assert_exit 0 "$PBR" import cohort "$TMP/header_only.csv"
assert_eq "$BASE" "$(count)" "header-only file loads nothing"

# ---- not a file ------------------------------------------------------------------------
mkdir -p "$TMP/a_directory.csv"
assert_fails "a directory as the feed" "$PBR" import cohort "$TMP/a_directory.csv"
assert_eq "$BASE" "$(count)" "directory: nothing loaded"

assert_eq "$BASE" "$(count)" "row count unchanged at the end"
finish
