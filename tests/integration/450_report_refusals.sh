#!/usr/bin/env bash
# 450_report_refusals: every way a user can get `report FILE.xml` wrong,
# and a few ways of getting it right that no other test takes.  On the
# hand-made cohort of 430 (tests/data/oversight_ref.sql, contract OV,
# period 2025Q4), signed:
#   B = 13 500 000 000, F = 53 000 000 (worked in oversight_ref.sql)
#   Pb = round(B * 250001 / 10^10) = 337 501, Pf = round(F * 50000 / 10^7)
#   = 265 000, T = 602 501 = PeriodDue = AmountDue (an original).
# Each refusal exits with the SPEC 9 code (64 usage, 65 data, 66 missing
# input, 70 internal: the engine's own data files, 73 cannot create the
# output), says so in ONE line on stderr naming the problem, and writes
# nothing.  The statement's CSV is compared with xsltproc's rendering of
# the same statement by the same stylesheet (an independent XSLT client).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/oversight_ref.sql"
K=$TMP/key.pem
C=$TMP/cert.pem
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=finance \
	-keyout "$K" -out "$C" 2>/dev/null || die "openssl req failed"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --period 2025Q4 --contract OV --out "$OUT" --sign-key "$K" --sign-cert "$C"
X=$OUT/OV-2025Q4-1.xml
[ -s "$X" ] || die "no statement $X"
assert_eq "602501 602501 602501" \
	"$(sx "$X" Cohort/TotalPence) $(sx "$X" Summary/PeriodDuePence) $(sx "$X" Summary/AmountDuePence)" \
	"T = PeriodDue = AmountDue = 337 501 + 265 000"
E=$TMP/e.out      # never written: every refusal below checks that

# refuse CODE REGEX ARGS...: exit CODE, one line on stderr matching REGEX,
# nothing written at $E
refuse() {
	local code=$1 re=$2
	shift 2
	assert_exit "$code" "$PBR" report "$@"
	assert_one_line "$LAST_ERR" "report $*"
	assert_match "$re" "$(cat "$LAST_ERR")" "report $*: the message"
	assert_true "report $*: nothing written" test ! -e "$E"
}

# ---- the options ------------------------------------------------------------------
assert_exit 0 "$PBR" report --help
assert_match '^usage: pbr-settle report FILE.xml --format html\|csv --out FILE' "$(head -1 "$LAST_OUT")" "--help on stdout"
assert_eq "" "$(cat "$LAST_ERR")" "--help: nothing on stderr"
refuse 64 "--format given twice" "$X" --format csv --format html --out "$E"
refuse 64 "--format must be html or csv, not 'pdf'" "$X" --format pdf --out "$E"
refuse 64 "--out given twice" "$X" --format csv --out "$E" --out "$E.2"
refuse 64 "--out needs a file name" "$X" --format csv --out ""
refuse 64 "--cert given twice" "$X" --format html --out "$E" --cert "$C" --cert "$C"
refuse 64 "--index given twice" --index "$OUT" --index "$OUT" --out "$E"
refuse 64 "--contract-year given twice" --contract-year OV --contract-year OV 2024 --format csv --out "$E"
refuse 64 "option '--out' needs a value" "$X" --format csv --out
refuse 64 "unknown option '--colour'" "$X" --format csv --out "$E" --colour
refuse 64 "unknown option '-x'" "$X" -x --format csv --out "$E"
# the statement form
refuse 64 "no statement file given" --format csv --out "$E"
refuse 64 "one statement file only, '$X.2' is extra" "$X" "$X.2" --format csv --out "$E"
refuse 64 "--format html\|csv is required" "$X" --out "$E"
refuse 64 "--out FILE is required" "$X" --format csv
# the other forms, mixed
refuse 64 "--contract-year ID YEAR is a report of its own" --contract-year OV 2024 --pcc OA --format csv --out "$E"
refuse 64 "--contract-year ID YEAR is a report of its own" --contract-year OV 2024 --index "$OUT" --format csv --out "$E"
refuse 64 "--contract-year ID YEAR is a report of its own" --contract-year OV 2024 --cert "$C" --format csv --out "$E"
refuse 64 "--contract-year needs the contract and the year" --contract-year OV --format csv --out "$E"
refuse 64 "'extra' is extra" --contract-year OV 2024 extra --format csv --out "$E"
refuse 64 "--format html\|csv is required" --contract-year OV 2024 --out "$E"
refuse 64 "--out FILE is required" --contract-year OV 2024 --format csv
refuse 64 "the year must be four digits" --contract-year OV 0999 --format csv --out "$E"
refuse 64 "the year must be four digits" --contract-year OV 20x4 --format csv --out "$E"
refuse 64 "the year must be four digits" --contract-year OV 20245 --format csv --out "$E"
refuse 64 "the contract must match" --contract-year "OV OV" 2024 --format csv --out "$E"
refuse 64 "--index reads a directory; '$X' is extra" --index "$OUT" "$X" --out "$E"
refuse 64 "--index and --pcc are separate reports" --index "$OUT" --from 2025Q4 --out "$E"
refuse 64 "--index and --pcc are separate reports" --index "$OUT" --to 2025Q4 --out "$E"
refuse 64 "--index and --pcc are separate reports" --index "$OUT" --pcc OA --out "$E"
refuse 64 "--contract-year ID YEAR is a report of its own" --contract-year OV 2024 --from 2025Q4 --format csv --out "$E"
refuse 64 "--contract-year ID YEAR is a report of its own" --contract-year OV 2024 --to 2025Q4 --format csv --out "$E"
refuse 64 "--pcc, --from and --to go together" --to 2025Q4 --format csv --out "$E"
refuse 64 "--pcc must be 1 to 32 letters, digits, '_' or '-'" --pcc "O.A" --from 2025Q4 --to 2025Q4 --format csv --out "$E"
# every character --pcc allows, in an area that does not exist: 65, from the database
refuse 65 "no PCC area 'az-09_AZ' in pbr.pcc_area" --pcc az-09_AZ --from 2025Q4 --to 2025Q4 --format csv --out "$E"
refuse 64 "--cert is for a statement or --index, not the PCC view" --pcc OA --from 2025Q4 --to 2025Q4 --cert "$C" --format csv --out "$E"
refuse 64 "the PCC view reads the ledger; '$X' is extra" --pcc OA --from 2025Q4 --to 2025Q4 "$X" --format csv --out "$E"
refuse 64 "--pcc must be 1 to 32 letters" --pcc "$(printf 'A%.0s' $(seq 33))" --from 2025Q4 --to 2025Q4 --format csv --out "$E"
refuse 64 "--pcc must be 1 to 32 letters" --pcc "" --from 2025Q4 --to 2025Q4 --format csv --out "$E"
refuse 64 "--pcc, --from and --to go together" --from 2025Q4 --to 2025Q4 --format csv --out "$E"
refuse 64 "--pcc, --from and --to go together" --pcc OA --to 2025Q4 --format csv --out "$E"
refuse 64 "--from and --to must be quarters" --pcc OA --from 2025Q4 --to 2025Q5 --format csv --out "$E"
refuse 64 "--from 2026Q1 is after --to 2025Q4" --pcc OA --from 2026Q1 --to 2025Q4 --format csv --out "$E"
refuse 64 "--format html\|csv is required" --pcc OA --from 2025Q4 --to 2025Q4 --out "$E"
# the output may not be the statement itself, by any name
sum_before=$(sha256sum <"$X")
refuse 64 "--out $X is the statement itself" "$X" --format csv --out "$X"
ln -s "$X" "$TMP/link.xml"
refuse 64 "is the statement itself" "$X" --format csv --out "$TMP/link.xml"
refuse 64 "is the statement itself" "$OUT/../out/OV-2025Q4-1.xml" --format html --out "$X"
assert_eq "$sum_before" "$(sha256sum <"$X")" "the statement is untouched"

# ---- the input ----------------------------------------------------------------------
refuse 66 "cannot open $TMP/nosuch.xml: No such file or directory" "$TMP/nosuch.xml" --format csv --out "$E"
refuse 66 "$OUT is not a regular file" "$OUT" --format csv --out "$E"
refuse 66 "/dev/null is not a regular file" /dev/null --format csv --out "$E"
: >"$TMP/empty.xml"
refuse 65 "$TMP/empty.xml:[0-9]+: not a readable statement" "$TMP/empty.xml" --format csv --out "$E"
head -c 300 "$X" >"$TMP/cut.xml"
refuse 65 "cut.xml:[0-9]+: not a readable statement" "$TMP/cut.xml" --format csv --out "$E"
{ printf '<?xml version="1.0"?>\n<!DOCTYPE SettlementStatement [<!ENTITY x "y">]>\n'; tail -n +2 "$X"; } >"$TMP/doctype.xml"
refuse 65 "doctype.xml:[0-9]+: not a readable statement" "$TMP/doctype.xml" --format csv --out "$E"
printf '<?xml version="1.0"?>\n<notes>hello</notes>\n' >"$TMP/notes.xml"
refuse 65 "notes.xml: not a settlement statement \(root element must be SettlementStatement or MonthlyStatement" "$TMP/notes.xml" --format csv --out "$E"
sed 's#xmlns="urn:pbr-settle:statement:1"#xmlns="urn:example:other"#' "$X" >"$TMP/otherns.xml"
refuse 65 "otherns.xml: not a settlement statement" "$TMP/otherns.xml" --format csv --out "$E"
sed 's# xmlns="urn:pbr-settle:statement:1"##' "$X" >"$TMP/nons.xml"
refuse 65 "nons.xml: not a settlement statement" "$TMP/nons.xml" --format csv --out "$E"
# the schema: one problem, then several
sed 's#<Period>2025Q4</Period>#<Period>2025Q9</Period>#' "$X" >"$TMP/oneproblem.xml"
refuse 65 "oneproblem.xml:[0-9]+: not a valid settlement statement: .*2025Q9" "$TMP/oneproblem.xml" --format csv --out "$E"
assert_true "one problem: no 'more problems'" sh -c "! grep -q 'more problem' '$LAST_ERR'"
sed 's#<Period>2025Q4</Period>#<Period>2025Q9</Period>#; s#<CohortQuarter>2024Q1</CohortQuarter>#<CohortQuarter>2024Q7</CohortQuarter>#' \
	"$X" >"$TMP/twoproblems.xml"
refuse 65 "twoproblems.xml:[0-9]+: not a valid settlement statement: .*\(and [0-9]+ more problems?\)" "$TMP/twoproblems.xml" --format csv --out "$E"
# valid to the schema, but the areas' pence no longer add up to the
# cohort's: the CSV stylesheet refuses it (its xsl:message)
oa_b=$(sx "$X" "Cohort/PccArea[@code='OA']/BinaryPence")
oa_t=$(sx "$X" "Cohort/PccArea[@code='OA']/TotalPence")
python3 - "$X" "$TMP/areas.xml" <<'EOF' || die "python3 failed"
import sys
s = open(sys.argv[1]).read()
i = s.index('<PccArea code="OA"')
j = s.index('</PccArea>', i)
a = s[i:j]
for el in ('BinaryPence', 'TotalPence'):
    k = a.index('<%s>' % el) + len(el) + 2
    e = a.index('</%s>' % el, k)
    a = a[:k] + str(int(a[k:e]) + 1) + a[e:]
open(sys.argv[2], 'w').write(s[:i] + a + s[j:])
EOF
assert_eq "$((oa_b + 1)) $((oa_t + 1))" \
	"$(sx "$TMP/areas.xml" "Cohort/PccArea[@code='OA']/BinaryPence") $(sx "$TMP/areas.xml" "Cohort/PccArea[@code='OA']/TotalPence")" \
	"OA's pence raised by one penny"
assert_true "still valid to the schema" valid_xsd "$TMP/areas.xml"
refuse 65 "areas.xml: statement OV-2025Q4-1: the PCC areas' pence do not add up" "$TMP/areas.xml" --format csv --out "$E"
sed "s#<PeriodDuePence>602501</PeriodDuePence>#<PeriodDuePence>602502</PeriodDuePence>#" "$X" >"$TMP/due.xml"
assert_true "PeriodDue 602502: still valid to the schema" valid_xsd "$TMP/due.xml"
refuse 65 "PeriodDuePence is not the cohort's TotalPence plus the annual true-up" "$TMP/due.xml" --format csv --out "$E"
# a monthly statement whose lines do not add up (sample-monthly.xml:
# 95 000 - 9 000 + 1 000 - 104 880 = -17 880, worked in its comment)
sed 's#<FfsPence>95000</FfsPence>#<FfsPence>95001</FfsPence>#' "$DATA/sample-monthly.xml" >"$TMP/monthly.xml"
refuse 65 "Ffs - Credit \+ Advance \+ Adjustment is not PeriodDuePence" "$TMP/monthly.xml" --format csv --out "$E"

# ---- the output -----------------------------------------------------------------------
mkdir -p "$TMP/adir"
refuse 73 "cannot create $TMP/adir: it is a directory" "$X" --format csv --out "$TMP/adir"
refuse 73 "--out $TMP/adir/ names a directory, not a file" "$X" --format csv --out "$TMP/adir/"
refuse 73 "--out $TMP/adir/.. names a directory" "$X" --format csv --out "$TMP/adir/.."
refuse 73 "--out . names a directory" "$X" --format csv --out .
refuse 73 "directory $TMP/nodir does not exist" "$X" --format csv --out "$TMP/nodir/x.csv"
refuse 73 "directory $TMP/notes.xml does not exist" "$X" --format csv --out "$TMP/notes.xml/x.csv"
long=$TMP/$(printf 'd%.0s' $(seq 4100))
refuse 73 "path too long" "$X" --format csv --out "$long/x.csv"
# a directory nobody can write, even root: /proc
assert_exit 73 "$PBR" report "$X" --format csv --out /proc/pbr-report.csv
assert_one_line "$LAST_ERR" "--out in /proc"
assert_match "cannot create /proc/" "$(cat "$LAST_ERR")" "--out in /proc: the message"
assert_true "the directory is empty afterwards" test -z "$(find "$TMP/adir" -mindepth 1)"

# ---- right: the CSV is what xsltproc makes of the same statement ---------------------
xsltproc "$SRCDIR/reports/statement-csv.xsl" "$X" >"$TMP/want.csv" || die "xsltproc failed"
assert_eq "OV-2025Q4-1,OV,2025Q4,2024Q1,TOTAL,,4,50000" "$(grep ',TOTAL,' "$TMP/want.csv" | cut -d, -f1-8)" \
	"xsltproc: the TOTAL line (4 members, W = 2 x 10000 + 2 x 15000)"
assert_eq "337501,265000,602501" "$(grep ',TOTAL,' "$TMP/want.csv" | cut -d, -f15-17)" "xsltproc: Pb, Pf, T worked above"
# a plain name is written in the working directory; an existing file is
# replaced as a whole
printf 'old content that is longer than nothing\n%.0s' $(seq 200) >"$TMP/adir/plain.csv"
assert_exit 0 sh -c "cd '$TMP/adir' && '$PBR' report '$X' --format csv --out plain.csv"
assert_true "plain name: the CSV xsltproc makes" cmp "$TMP/want.csv" "$TMP/adir/plain.csv"
assert_eq "plain.csv" "$(ls "$TMP/adir")" "no temporary file left"

# a namespace declaration libxml2 only warns about (a relative URI) is no
# error: the CSV is xsltproc's
sed 's#<SettlementStatement xmlns="urn:pbr-settle:statement:1">#<SettlementStatement xmlns="urn:pbr-settle:statement:1" xmlns:r="relative">#' \
	"$X" >"$TMP/rel.xml"
assert_true "the relative namespace is in it" grep -q 'xmlns:r="relative"' "$TMP/rel.xml"
assert_exit 0 "$PBR" report "$TMP/rel.xml" --format csv --out "$TMP/rel.csv"
assert_eq "" "$(cat "$LAST_ERR")" "a warning of libxml2: nothing on stderr"
xsltproc "$SRCDIR/reports/statement-csv.xsl" "$TMP/rel.xml" >"$TMP/rel-want.csv" 2>/dev/null || die "xsltproc failed"
assert_true "the CSV is xsltproc's" cmp "$TMP/rel-want.csv" "$TMP/rel.csv"

# ---- signatures -----------------------------------------------------------------------
assert_exit 0 "$PBR" report "$X" --format html --out "$TMP/signed.html" --cert "$C"
xsltproc --stringparam signature_status "valid: signed with the key of certificate cert.pem" \
	"$SRCDIR/reports/statement-html.xsl" "$X" >"$TMP/want.html" || die "xsltproc failed"
assert_true "HTML with --cert: what xsltproc makes with status 'valid'" cmp "$TMP/want.html" "$TMP/signed.html"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=other \
	-keyout "$TMP/k2.pem" -out "$TMP/c2.pem" 2>/dev/null || die "openssl req failed"
assert_exit 0 "$PBR" report "$X" --format html --out "$TMP/other.html" --cert "$TMP/c2.pem"
assert_true "another certificate: INVALID" grep -q 'INVALID: .*(certificate c2.pem)' "$TMP/other.html"
printf 'not a certificate\n' >"$TMP/junk.pem"
refuse 65 "$X: cannot check the signature" "$X" --format html --out "$E" --cert "$TMP/junk.pem"
refuse 66 "cannot open certificate $TMP/nosuch.pem" "$X" --format html --out "$E" --cert "$TMP/nosuch.pem"
# an unsigned statement with --cert: says NOT SIGNED (the monthly sample)
assert_exit 0 "$PBR" report "$DATA/sample-monthly.xml" --format html --out "$TMP/m.html" --cert "$C"
assert_true "unsigned: NOT SIGNED" grep -q '<strong>NOT SIGNED</strong>' "$TMP/m.html"
# a quote in the status is dropped from the XSLT parameter (the file name
# of the certificate is in it)
cp "$TMP/c2.pem" "$TMP/it's.pem"
assert_exit 0 "$PBR" report "$X" --format html --out "$TMP/quote.html" --cert "$TMP/it's.pem"
assert_true "a quote in the certificate's name: dropped" grep -q '(certificate its.pem)' "$TMP/quote.html"

# ---- the engine's data files (PBR_DATADIR) ----------------------------------------------
D=$TMP/datadir
mkdir -p "$D/reports"
PBR_DATADIR=$D refuse 70 "report: $X: schema $D/schemas/statement.xsd: .*" "$X" --format csv --out "$E"
cp -r "$SRCDIR/schemas" "$D/"
PBR_DATADIR=$D refuse 70 "stylesheet $D/reports/statement-csv.xsl: No such file or directory \(is PBR_DATADIR right\?\)" \
	"$X" --format csv --out "$E"
printf '<xsl:stylesheet version="1.0"\n' >"$D/reports/statement-csv.xsl"
PBR_DATADIR=$D refuse 70 "stylesheet $D/reports/statement-csv.xsl:[0-9]+: cannot parse" "$X" --format csv --out "$E"
printf '<?xml version="1.0"?>\n<page>not a stylesheet</page>\n' >"$D/reports/statement-csv.xsl"
PBR_DATADIR=$D refuse 70 "stylesheet $D/reports/statement-csv.xsl: compilation error" "$X" --format csv --out "$E"
sheet() { # BODY: a text stylesheet whose root template is BODY
	printf '<?xml version="1.0"?>\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:s="urn:pbr-settle:statement:1">\n<xsl:output method="text"/>\n<xsl:template match="/">%s</xsl:template>\n</xsl:stylesheet>\n' "$1" >"$D/reports/statement-csv.xsl"
}
# a stylesheet may read no file (security preferences forbid it)
sheet '<xsl:value-of select="document('"'/etc/hostname'"')"/>'
PBR_DATADIR=$D refuse 70 "$X: transformation by $D/reports/statement-csv.xsl failed: .*read for /etc/hostname refused" "$X" --format csv --out "$E"
# the stylesheet's own message, on one line without its trailing blanks
sheet '<xsl:message terminate="yes">refused: <xsl:value-of select="//s:StatementId"/><xsl:text>  &#9; </xsl:text></xsl:message>'
PBR_DATADIR=$D refuse 65 "report: $X: refused: OV-2025Q4-1$" "$X" --format csv --out "$E"
sheet '<xsl:message terminate="yes"/>'
PBR_DATADIR=$D refuse 65 "report: $X: the stylesheet refused the statement$" "$X" --format csv --out "$E"
# an XPath error in the stylesheet (a function nobody defines) stops it
# too, but it is the stylesheet's fault: 70, libxml2's message on the one
# line, nothing printed raw
sheet '<xsl:value-of select="s:nosuchfunction()"/>'
PBR_DATADIR=$D refuse 70 "report: $X: transformation by $D/reports/statement-csv.xsl failed: .*nosuchfunction not found" \
	"$X" --format csv --out "$E"
# an empty result is an empty file, not a failure
sheet ''
PBR_DATADIR=$D assert_exit 0 "$PBR" report "$X" --format csv --out "$TMP/empty.csv"
assert_true "an empty result: an empty file" test -f "$TMP/empty.csv" -a ! -s "$TMP/empty.csv"
sheet '<xsl:value-of select="//s:Cohort/s:TotalPence"/>'
PBR_DATADIR=$D assert_exit 0 "$PBR" report "$X" --format csv --out "$TMP/t.csv"
assert_eq 602501 "$(cat "$TMP/t.csv")" "PBR_DATADIR's stylesheet is the one used"

finish
