#!/usr/bin/env bash
# 414_csv_injection: text fields that a spreadsheet would run as formulas
# (first character = + - @ TAB CR, OWASP "CSV injection") are written the
# same way in every CSV the engine writes (the annex, `history --format
# csv`, `report --format csv`, the PCC view): "'<field>" between double
# quotes, inner quotes doubled, so Excel, LibreOffice and Google Sheets
# show text.  Numbers are not text: negative figures stay numbers.
# The annex digest is over the bytes written, and verify agrees.
# Data: tests/data/csv_injection.csv, offender refs =HYPERLINK(...),
# +441234, -X1, @A1, 'quoted; PCC areas -P "=cmd|' /C calc'!A0" and A2
# "@SUM(1+1)"; contract -DASH; plain1 has p = -5 (BAD_PREDICTION).
# B per area: -P: -5e9 + 6e9 = 1e9; A2: -6e9 + 3e9 + 2e9 = -1e9.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql >/dev/null <<'SQL'
BEGIN;
INSERT INTO pbr.cpa (code, name) VALUES ('CX', '+Cross');
INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES
  ('-P', '=cmd|'' /C calc''!A0', 'CX'), ('A2', '@SUM(1+1)', 'CX');
INSERT INTO pbr.provider (id, name) VALUES ('PX', '-Provider');
INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
                        binary_hurdle_ppm, cohort_cap_pence, max_weight_bp,
                        max_reject_ppm, description) VALUES
  ('TX', 100000, 20000, 10000, 10000000, 15000, 500000, '=tariff');
INSERT INTO pbr.contract (id, provider_id, cpa_code, first_cohort, last_cohort) VALUES
  ('-DASH', 'PX', 'CX', '2024Q1', '2024Q4');
INSERT INTO pbr.contract_tariff (contract_id, from_cohort, tariff_version) VALUES
  ('-DASH', '2024Q1', 'TX');
COMMIT;
SQL
load_csv "$DATA/csv_injection.csv"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
X=$OUT/-DASH-2025Q4-1.xml
A=$OUT/-DASH-2025Q4-1-annex.csv
[ -s "$X" ] && [ -s "$A" ] || die "no statement or annex (files: $(ls "$OUT"))"
assert_fig "$X" Cohort/PccArea[@code=\'A2\']/BinaryImprovement -1000000000

# ---- the annex ---------------------------------------------------------------
cat "$A"
assert_true "annex: =HYPERLINK neutralised, quotes doubled" \
	grep -qxF '"'"'"'=HYPERLINK(""http://evil.example"",""x"")","'"'"'-P",10000,500000,1,1000,1,-5000000000,0,ACCEPTED' "$A"
assert_true "annex: +441234 neutralised" grep -qF '"'"'"'+441234",' "$A"
assert_true "annex: -X1 neutralised, its negative contribution a number" \
	grep -qxF '"'"'"'-X1",A2,10000,400000,1,1000,2,-6000000000,-10000000,ACCEPTED' "$A"
assert_true "annex: @A1 neutralised" grep -qF '"'"'"'@A1",A2,' "$A"
assert_true "annex: a leading apostrophe gains one (reversible)" grep -qF "\"''quoted\",A2," "$A"
assert_true "annex: a rejected p of -5 stays a number" grep -qxF 'plain1,"'"'"'-P",,-5,,1000,0,,,BAD_PREDICTION' "$A"
assert_eq "$(sha256sum <"$A" | cut -d' ' -f1)" "$(sx "$X" Header/AnnexDigest)" "AnnexDigest is the SHA-256 of the bytes written"
assert_exit 0 "$PBR" verify "$X" --allow-unsigned
# the regulator, who reads no offender row, checks the annex line by line:
# the neutralised PCC code '-P is area -P
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
q "CREATE ROLE reg_$S LOGIN IN ROLE pbr_regulator" >/dev/null || die "cannot create the regulator login"
env PGUSER="reg_$S" "$PBR" verify "$X" --allow-unsigned >"$TMP/reg.out" 2>&1
assert_match '^ok annex rows: every row.s figures and status, and every PCC area.s sums, are the database.s' \
	"$(cat "$TMP/reg.out")" "the regulator reads the neutralised annex: every area's sums agree"
assert_true "no annex mismatch for the regulator" sh -c "! grep -q 'MISMATCH annex' '$TMP/reg.out'"
q "DROP ROLE reg_$S" >/dev/null

# ---- history -----------------------------------------------------------------
assert_exit 0 "$PBR" history --format csv
cp "$LAST_OUT" "$TMP/history.csv"
cat "$TMP/history.csv"
assert_match "^[0-9]+,\"'-DASH-2025Q4-1\",\"'-DASH\",2025Q4,2024Q1,1,ORIGINAL,IN_FORCE," \
	"$(sed -n 2p "$TMP/history.csv")" "history: statement id and contract neutralised"

# history's own usage: --help, --month, one of --period and --month
assert_exit 0 "$PBR" history --help
assert_match 'month M' "$(cat "$LAST_OUT")" "history --help names --month"
assert_exit 0 "$PBR" history --month 2026-03 --format csv
assert_eq 1 "$(wc -l <"$LAST_OUT")" "history --month with no monthly statement: the header only"
assert_exit 64 "$PBR" history --month 2026-13
assert_one_line "$LAST_ERR" "month 13"
assert_exit 64 "$PBR" history --month 2026-03 --period 2025Q4

# ---- report and PCC view -------------------------------------------------------
assert_exit 0 "$PBR" report "$X" --format csv --out "$TMP/report.csv"
cat "$TMP/report.csv"
assert_true "report: PCC name neutralised as the annex does it" \
	grep -qF "\"'-DASH-2025Q4-1\",\"'-DASH\",2025Q4,2024Q1,\"'-P\",\"'=cmd|' /C calc'!A0\"," "$TMP/report.csv"
assert_true "report: A2's negative improvement stays a number" \
	grep -qF ",A2,\"'@SUM(1+1)\",3,30000,9000000000,10000000000,-1000000000," "$TMP/report.csv"
assert_exit 0 "$PBR" report --pcc A2 --from 2025Q4 --to 2025Q4 --format csv --out "$TMP/pcc.csv"
cat "$TMP/pcc.csv"
assert_true "PCC view: area name and statement id neutralised" \
	grep -qF "AREA,A2,\"'@SUM(1+1)\",2025Q4,2024Q1,\"'-DASH\",\"'-DASH-2025Q4-1\"," "$TMP/pcc.csv"

# ---- an independent reader: no text cell of any CSV starts a formula ------------
for f in "$A" "$TMP/history.csv" "$TMP/report.csv" "$TMP/pcc.csv"; do
	assert_true "$(basename "$f"): no cell a spreadsheet would run" python3 - "$f" <<'PY'
import csv, re, sys
bad = []
with open(sys.argv[1], newline='') as fh:
    for n, row in enumerate(csv.reader(fh), 1):
        for cell in row:
            if cell[:1] in ('=', '+', '-', '@', '\t', '\r') and not re.fullmatch(r'-?[0-9]+(\.[0-9]+)?', cell):
                bad.append((n, cell))
for b in bad:
    print('  formula cell', b)
sys.exit(1 if bad else 0)
PY
done
# and dropping the one apostrophe gives the value back
got=$(python3 -c "
import csv,sys
for row in csv.reader(open('$A', newline='')):
    if row[0].startswith(\"'\"): print(row[0][1:])
" | paste -sd'|' -)
assert_eq "'quoted|+441234|-X1|=HYPERLINK(\"http://evil.example\",\"x\")|@A1" "$got" \
	"the original refs come back by dropping the apostrophe (annex in bytewise order)"

finish
