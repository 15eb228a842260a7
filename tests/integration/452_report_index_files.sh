#!/usr/bin/env bash
# 452_report_index_files: `report --index DIR` over the files a directory
# really holds: a statement with its annex missing or unreadable, one the
# schema refuses, an unsigned final statement, a monthly statement, files
# that are not statements (not XML, too large, a directory named *.xml,
# hidden), and sums that do not fit 64 bits; an empty directory, a file
# where a directory should be, the schema missing.
# Data: the hand-made cohort of 430 (tests/data/oversight_ref.sql):
#   OV-2025Q4-1 T = PeriodDue = AmountDue 602 501 (Pb 337 501 + Pf
#   265 000, worked in 450), unsigned; tests/data/sample-monthly.xml
#   (PeriodDue -17 880, worked in its comment).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/oversight_ref.sql"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract OV --out "$OUT"
X=$OUT/OV-2025Q4-1.xml
[ -s "$X" ] || die "no statement"
I=$TMP/index.csv
idx() { # DIR [ARGS]: the index of DIR as CSV into $I
	local d=$1
	shift
	assert_exit 0 "$PBR" report --index "$d" --format csv --out "$I" "$@"
}
field() { # ID COLUMN: by the file's own header, with a real CSV reader
	python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
c = rows[0].index(sys.argv[3])
for row in rows[1:]:
    if row[0] == sys.argv[2]: print(row[c])
" "$I" "$1" "$2"
}
# copy NAME [SED]: the statement under another contract's id NAME-2025Q4-1
# (file NAME-2025Q4-1.xml), edited by SED
copy() {
	sed "s#<StatementId>OV-2025Q4-1</StatementId>#<StatementId>$1-2025Q4-1</StatementId>#; ${2:-}" "$X" >"$D/$1-2025Q4-1.xml"
}

# ---- one directory, every kind of file ----------------------------------------------
D=$TMP/dir
mkdir -p "$D"
cp "$X" "$OUT/OV-2025Q4-1-annex.csv" "$D/"
cp "$DATA/sample-monthly.xml" "$D/"
copy NOANNEX
copy DIRANNEX
mkdir "$D/DIRANNEX-2025Q4-1-annex.csv"
copy BADSCHEMA 's#<Period>2025Q4</Period>#<Period>2025Q9</Period>#'
cp "$OUT/OV-2025Q4-1-annex.csv" "$D/BADSCHEMA-2025Q4-1-annex.csv"
copy NOID 's#<Contract id="OV" cpa="OVCPA"/>#<Contract cpa="OVCPA"/>#'
printf 'not xml <\n' >"$D/junk.xml"
mkdir "$D/folder.xml"
truncate -s 65M "$D/huge.xml"
cp "$X" "$D/.hidden.xml"
cp "$X" "$D/.xml"
cp "$X" "$D/statement.xml.bak"
idx "$D"
cat "$I"
assert_eq "OK" "$(grep -c . "$LAST_ERR" | sed 's/^0$/OK/')" "no message on stderr"
assert_eq "NOT SIGNED 602501 6025.01 valid matches AnnexDigest" \
	"$(for c in verdict amount_due_pence amount_due_pounds schema annex; do field OV-2025Q4-1 $c; done | paste -sd' ' -)" \
	"the unsigned statement: its figures, NOT SIGNED"
assert_eq "ANNEX MISSING" "$(field NOANNEX-2025Q4-1 verdict)" "no annex beside it"
assert_eq "ANNEX cannot be read" "$(field DIRANNEX-2025Q4-1 verdict)" "a directory where the annex should be"
assert_eq "INVALID: not a valid statement (schema)" "$(field BADSCHEMA-2025Q4-1 verdict)" "the schema refuses it"
assert_match "2025Q9" "$(field BADSCHEMA-2025Q4-1 schema)" "the schema's first problem"
assert_eq "INVALID: not a valid statement (schema)|" "$(field NOID-2025Q4-1 verdict)|$(field NOID-2025Q4-1 contract)" \
	"a Contract without its id: listed, INVALID, no contract"
assert_eq "monthly -17880" "$(field NORTH-2025-12-1 type) $(field NORTH-2025-12-1 amount_due_pence)" \
	"the monthly sample: -17 880"
assert_eq "2025-12" "$(field NORTH-2025-12-1 period)" "a monthly statement's period is its month"
assert_exit 0 "$PBR" report --index "$D" --format html --out "$TMP/index.html"
other=$(sed -n '/<section id="other"/,/<\/section>/p' "$TMP/index.html" | sed 's/<[^>]*>//g' | grep -- ' — ' | sed 's/^ *//')
printf '%s\n' "$other"
assert_eq "folder.xml — cannot be read
huge.xml — cannot be read
junk.xml — not well-formed XML" "$other" "html: the other files, and why (a directory, 65 MiB, not XML)"
assert_eq 0 "$(grep -c -e hidden -e '\.bak' -e '>\.xml<' "$TMP/index.html")" "hidden files, .xml alone and other suffixes skipped"
assert_eq 6 "$(($(wc -l <"$I") - 2))" "csv: six statements"
# the six statements: five FINAL PbR (602 501 each) and the final monthly
# sample (-17 880): 5 x 602 501 - 17 880 = 2 994 625; problems: none is OK
# (NOT SIGNED, annexes, schema, the unsigned sample)
assert_match "^TOTAL,.*,6 problems$" "$(tail -1 "$I")" "TOTAL: six problems"
assert_eq "$((5 * 602501 - 17880))" "$(tail -1 "$I" | cut -d, -f"$(head -1 "$I" | tr ',' '\n' | grep -nx amount_due_pence | cut -d: -f1)")" \
	"TOTAL amount due: 5 x 602 501 - 17 880"

# ---- sums past 64 bits: refused, not wrapped --------------------------------------------
D=$TMP/big
mkdir -p "$D"
BIG=5000000000000000000
copy BIG1 "s#<AmountDuePence>602501</AmountDuePence>#<AmountDuePence>$BIG</AmountDuePence>#"
copy BIG2 "s#<AmountDuePence>602501</AmountDuePence>#<AmountDuePence>$BIG</AmountDuePence>#"
assert_exit 65 "$PBR" report --index "$D" --format csv --out "$I.big"
assert_one_line "$LAST_ERR" "amounts due overflow"
assert_match "report: the amounts due of $D overflow" "$(cat "$LAST_ERR")" "amounts due overflow: the message"
rm -f "$D"/*.xml
copy BIG3 "s#<PeriodDuePence>602501</PeriodDuePence>#<PeriodDuePence>$BIG</PeriodDuePence>#"
copy BIG4 "s#<PeriodDuePence>602501</PeriodDuePence>#<PeriodDuePence>$BIG</PeriodDuePence>#"
assert_exit 65 "$PBR" report --index "$D" --format csv --out "$I.big"
assert_match "report: the periods due overflow" "$(cat "$LAST_ERR")" "periods due overflow"
rm -f "$D"/*.xml
copy NOTINT "s#<AmountDuePence>602501</AmountDuePence>#<AmountDuePence>6e5</AmountDuePence>#"
assert_exit 65 "$PBR" report --index "$D" --format csv --out "$I.big"
assert_match "report: $D/NOTINT-2025Q4-1.xml: a Summary figure is not an integer" "$(cat "$LAST_ERR")" "a figure that is not an integer"
assert_true "nothing written" test ! -e "$I.big"

# ---- directories ------------------------------------------------------------------------------
mkdir -p "$TMP/empty"
idx "$TMP/empty"
assert_one_line "$LAST_ERR" "empty: one warning"
assert_match "warning: no settlement statement in $TMP/empty; the index is empty" "$(cat "$LAST_ERR")" "empty: says so"
assert_eq "TOTAL,,,,,,,,,,,,,0,0.00,,,,0 problems" "$(tail -1 "$I")" "empty: a TOTAL of nothing"
assert_eq 2 "$(wc -l <"$I")" "empty: header and TOTAL"
assert_exit 0 "$PBR" report --index "$TMP/empty" --out "$TMP/empty.html"
assert_true "empty: html by default" grep -q '<html' "$TMP/empty.html"
assert_exit 66 "$PBR" report --index "$X" --format csv --out "$TMP/e.csv"
assert_match "report: cannot read directory $X: Not a directory" "$(cat "$LAST_ERR")" "a file for a directory: 66"
mkdir -p "$TMP/dd"
PBR_DATADIR=$TMP/dd assert_exit 70 "$PBR" report --index "$OUT" --format csv --out "$TMP/e.csv"
assert_one_line "$LAST_ERR" "no schema"
assert_match "report: schema $TMP/dd/schemas/statement.xsd: " "$(cat "$LAST_ERR")" "no schema: names it"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=finance \
	-keyout "$TMP/k.pem" -out "$TMP/c.pem" 2>/dev/null || die "openssl req failed"
mkdir -p "$TMP/signed"
assert_exit 0 "$PBR" run --period 2025Q4 --contract OV --out "$TMP/signed" --dry-run --sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
printf 'junk\n' >"$TMP/junk.pem"
assert_exit 65 "$PBR" report --index "$TMP/signed" --format csv --out "$TMP/e.csv" --cert "$TMP/junk.pem"
assert_one_line "$LAST_ERR" "a certificate that is not one"
assert_match "cannot check the signature" "$(cat "$LAST_ERR")" "a certificate that is not one: the message"
assert_true "nothing written on errors" test ! -e "$TMP/e.csv"

finish
