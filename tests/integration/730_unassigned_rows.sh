#!/usr/bin/env bash
# 730_unassigned_rows: SPEC 2, issue 11 #9.  Rows of the settled CPAs whose
# cohort_quarter is malformed belong to no cohort: `run` lists every one in
# <period>-unassigned.csv (CPA, raw quarter, ...), counts them in the run
# manifest and says so in ONE note line, not a warning per contract.  They
# change no statement: figures and input digest are those without them.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: audit_ref.sql + audit_cohort.csv (AUD T 105 000, AUD2 T 90 000 in
# period 2025Q4), plus five rows no cohort holds: three of CPAU, one of
# CPAV, one of a CPA nobody settles (CPAX, not listed).
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
d_before=$(psql_input_digest CPAU 2024Q1)
sql <<'SQL' >/dev/null
INSERT INTO pbr.cpa VALUES ('CPAX', 'Elsewhere');
INSERT INTO pbr.cohort_member VALUES
 ('Q01', '2024q1',  'CPAU', 'U1', '2024-01-05', 500000, 1000, '', 0, 'final'),
 ('Q02', '2024-Q2', 'CPAU', 'U2', '2024-04-05', 500000, 1000, '', 0, 'pending'),
 ('Q01', '24Q1',    'CPAU', NULL, NULL,         500000, 1000, '', 0, 'final'),
 ('Q03', '2024Q1 ', 'CPAV', 'V1', '2024-02-05', 500000, 1000, '', 0, 'final'),
 ('Q04', '2024Q5',  'CPAX', NULL, '2024-02-05', 500000, 1000, '', 0, 'final');
SQL
OUT=$TMP/out
mkdir -p "$OUT"
U=$OUT/2025Q4-unassigned.csv
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
assert_one_line "$LAST_ERR" "one note on stderr for the whole run"
assert_match 'note: 4 rows .*malformed cohort_quarter.*2025Q4-unassigned.csv' "$(cat "$LAST_ERR")" \
	"the note counts 4 rows and names the file"
assert_eq 0 "$(grep -ci warning "$LAST_ERR")" "no warnings"
# every row, CPA then offender_ref then raw quarter (bytewise)
cat >"$TMP/want.csv" <<'CSV'
cpa_code,cohort_quarter,offender_ref,pcc_code,start_date,outcome_status
CPAU,2024q1,Q01,U1,2024-01-05,final
CPAU,24Q1,Q01,,,final
CPAU,2024-Q2,Q02,U2,2024-04-05,pending
CPAV,2024Q1 ,Q03,V1,2024-02-05,final
CSV
assert_true "unassigned.csv lists the 4 rows of CPAU and CPAV exactly" cmp -s "$TMP/want.csv" "$U"
diff "$TMP/want.csv" "$U" | sed 's/^/    /'
assert_eq 4 "$(xp "$OUT/2025Q4-run.xml" /RunManifest/GrpHdr/UnassignedRows)" "manifest counts 4"
# the statements are what they were without those rows
assert_fig "$OUT/AUD-2025Q4-1.xml" Cohort/TotalPence 105000
assert_fig "$OUT/AUD2-2025Q4-1.xml" Cohort/TotalPence 90000
assert_fig "$OUT/AUD-2025Q4-1.xml" Header/InputDigest "$d_before"
assert_eq 0 "$(grep -c '^Q0' "$OUT/AUD-2025Q4-1-annex.csv")" "no unassigned row in the annex"
# one contract: only its CPA's rows
mkdir -p "$TMP/one"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD2 --out "$TMP/one"
assert_eq "CPAV,2024Q1 ,Q03,V1,2024-02-05,final" "$(tail -n +2 "$TMP/one/2025Q4-unassigned.csv")" "AUD2 alone: CPAV's row"
assert_eq 1 "$(xp "$TMP/one/2025Q4-run.xml" /RunManifest/GrpHdr/UnassignedRows)" "AUD2 alone: manifest counts 1"
# a dry run lists them too, under a draft name
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/draft" --dry-run
assert_eq 3 "$(tail -n +2 "$TMP/draft/2025Q4-draft-unassigned.csv" | wc -l | tr -d ' ')" "dry run: 3 rows of CPAU"
# none: the file holds the header only, and no note
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref LIKE 'Q0%'" >/dev/null
mkdir -p "$TMP/none"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/none"
assert_eq 1 "$(wc -l <"$TMP/none/2025Q4-unassigned.csv" | tr -d ' ')" "none: header only"
assert_eq 0 "$(grep -c . "$LAST_ERR")" "none: nothing on stderr"
# a text field a spreadsheet would run as a formula is neutralised the one
# way every CSV of the engine does it (engine/csv.c, issue 11 #17)
sql -c "INSERT INTO pbr.cohort_member VALUES ('=HYPERLINK(1)', 'bad', 'CPAU', '-U1',
	'2024-01-05', 500000, 1000, '', 0, 'final')" >/dev/null
mkdir -p "$TMP/hostile"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$TMP/hostile" --dry-run
assert_eq "CPAU,bad,\"'=HYPERLINK(1)\",\"'-U1\",2024-01-05,final" \
	"$(grep HYPERLINK "$TMP/hostile/2025Q4-draft-unassigned.csv")" \
	"formula cells neutralised in the unassigned rows"
finish
