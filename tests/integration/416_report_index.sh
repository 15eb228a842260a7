#!/usr/bin/env bash
# 416_report_index: `report --index DIR` lists every statement in DIR with
# what it pays and a verdict from the checks that need no database (schema,
# the annex against AnnexDigest, the signature against --cert, superseded
# by a later statement in DIR); `report FILE.xml --cert PEM` checks the
# signature instead of saying "not checked" (issue 11 finding 15).
# Data: the audit year of 130/140 (TOPUP and CLAW), signed; CLAW's Q2 and
# Q4 restated.  Amounts due (worked in 130 and 140):
#   TOPUP 100 000 + 100 000 + 24 000 + 166 001          = 390 001
#   CLAW  96 000 + 0 + 28 000 - 12 000 + 100 000 + 55 001 = 267 001
#   all final statements: 657 002 = the periods due in force
#   (TOPUP 390 001; CLAW 96 000 + 100 000 + 28 000 + 43 001 = 267 001).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_year_ref.sql"
load_csv "$DATA/audit_topup.csv"
load_csv "$DATA/audit_clawback.csv"
K=$TMP/key.pem
C=$TMP/cert.pem
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=finance \
	-keyout "$K" -out "$C" 2>/dev/null || die "openssl req failed"
OUT=$TMP/out
mkdir -p "$OUT"
for p in 2025Q4 2026Q1 2026Q2 2026Q3; do
	assert_exit 0 "$PBR" run --out "$OUT" --period "$p" --sign-key "$K" --sign-cert "$C"
done
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'L01'" >/dev/null
assert_exit 0 "$PBR" run --contract CLAW --out "$OUT" --period 2026Q1 --restate --reason "L01 quashed" --sign-key "$K" --sign-cert "$C"
assert_exit 0 "$PBR" run --contract CLAW --out "$OUT" --period 2026Q3 --restate --reason "pool Q2" --sign-key "$K" --sign-cert "$C"
# a draft, a statement whose annex was altered, one whose signed content
# was altered, and a file that is not a statement
assert_exit 0 "$PBR" run --contract TOPUP --out "$OUT" --period 2025Q4 --dry-run
printf 'x\n' >>"$OUT/TOPUP-2026Q1-1-annex.csv"
sed -i 's#<EngineVersion>\([^<]*\)</EngineVersion>#<EngineVersion>\1-x</EngineVersion>#' "$OUT/CLAW-2025Q4-1.xml"
printf '<?xml version="1.0"?><notes>not a statement</notes>\n' >"$OUT/notes.xml"

R=$TMP/reports
mkdir -p "$R"
assert_exit 0 "$PBR" report "$OUT/TOPUP-2026Q3-1.xml" --format html --out "$R/TOPUP-2026Q3-1.html" --cert "$C"
assert_true "statement page: signature valid" grep -q 'valid: signed with the key of certificate' "$R/TOPUP-2026Q3-1.html"
assert_exit 0 "$PBR" report "$OUT/TOPUP-2026Q3-1.xml" --format html --out "$TMP/nocert.html"
assert_true "without --cert: present, not checked" grep -q 'present, not checked' "$TMP/nocert.html"
assert_exit 0 "$PBR" report "$OUT/CLAW-2025Q4-1.xml" --format html --out "$TMP/bad.html" --cert "$C"
assert_true "altered statement: INVALID" grep -q 'INVALID' "$TMP/bad.html"
assert_exit 66 "$PBR" report "$OUT/TOPUP-2026Q3-1.xml" --format html --out "$TMP/e.html" --cert "$TMP/nosuch.pem"
assert_one_line "$LAST_ERR" "missing certificate"

# ---- the index -------------------------------------------------------------------
X=$R/index.csv
assert_exit 0 "$PBR" report --index "$OUT" --format csv --out "$X" --cert "$C"
cat "$X"
field() { # ID COLUMN
	local c
	c=$(head -1 "$X" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1)
	python3 -c "
import csv, sys
for row in csv.reader(open(sys.argv[1], newline='')):
    if row[0] == sys.argv[2]: print(row[int(sys.argv[3]) - 1])
" "$X" "$1" "$c"
}
assert_eq 11 "$(($(wc -l <"$X") - 2))" "index: 10 final statements and a draft"
assert_eq "OK" "$(field TOPUP-2026Q3-1 verdict)" "TOPUP-2026Q3-1 verdict"
assert_eq "166001 1660.01 101000" "$(field TOPUP-2026Q3-1 amount_due_pence) $(field TOPUP-2026Q3-1 amount_due_pounds) $(field TOPUP-2026Q3-1 true_up_pence)" "TOPUP-2026Q3-1 amount due and true-up"
assert_eq "ANNEX MISMATCH: not the AnnexDigest" "$(field TOPUP-2026Q1-1 verdict)" "altered annex"
assert_eq "SIGNATURE INVALID" "$(field CLAW-2025Q4-1 verdict)" "altered statement"
assert_eq "CLAW-2026Q3-2" "$(field CLAW-2026Q3-1 superseded_by)" "CLAW-2026Q3-1 superseded"
assert_eq "CLAW-2026Q1-2" "$(field CLAW-2026Q1-1 superseded_by)" "CLAW-2026Q1-1 superseded"
assert_eq "55001 -12000" "$(field CLAW-2026Q3-2 amount_due_pence) $(field CLAW-2026Q3-1 amount_due_pence)" "CLAW reconciliation amounts due"
assert_match '^DRAFT' "$(field TOPUP-2025Q4-draft verdict)" "the draft"
assert_eq "657002 6570.02" "$(tail -1 "$X" | cut -d, -f14,15 | tr , ' ')" "TOTAL: the amounts due of the final statements"
assert_match '2 problems' "$(tail -1 "$X")" "two problems counted"

H=$R/index.html
assert_exit 0 "$PBR" report --index "$OUT" --out "$H" --cert "$C"
assert_true "index html: total £6,570.02" grep -qF '£6,570.02' "$H"
assert_true "index html: periods due in force £6,570.02 too" test "$(grep -cF '£6,570.02' "$H")" -ge 2
assert_true "index html links the statement's report" grep -q 'href="TOPUP-2026Q3-1.html"' "$H"
assert_true "index html lists the other file" grep -q 'notes.xml' "$H"
assert_true "index html: 2 statements fail a check" grep -q '2 statements fail' "$H"
errors=$( (xmllint --html --noout "$H" 2>&1 || true) | grep 'parser error' | grep -v -c -E 'Tag [A-Za-z]+ invalid' || true)
assert_eq 0 "$errors" "index html parses"
# without a certificate: signatures present, not checked
assert_exit 0 "$PBR" report --index "$OUT" --format csv --out "$TMP/nocert.csv"
assert_eq "OK, signature not checked" "$(X=$TMP/nocert.csv field TOPUP-2026Q3-1 verdict)" "no --cert: not checked"

# errors
assert_exit 66 "$PBR" report --index "$TMP/nosuch" --out "$TMP/e.html"
assert_one_line "$LAST_ERR" "missing directory"
assert_exit 64 "$PBR" report --index "$OUT" --format html
assert_exit 64 "$PBR" report --index "$OUT" --pcc GMP --from 2025Q4 --to 2025Q4 --out "$TMP/e.html"
assert_true "nothing written on errors" test ! -e "$TMP/e.html"

finish
