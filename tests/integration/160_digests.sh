#!/usr/bin/env bash
# 160_digests: every digest of a statement can be recomputed by anyone
# (SPEC 7, 8):
#   InputDigest = sha256 of the cohort's rows (accepted and rejected, NULLs
#     as empty) as psql prints them, ordered by offender_ref bytewise, then by
#     the whole line bytewise;
#   AnnexDigest = sha256 of the annex file (one line per row, same order);
#   the ledger's statement_digest = sha256 of the statement file.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4 (cohort
# 2024Q1).  CPAU's 12 rows include NULLs (R01 p, R02 pcc_code, R03
# start_date, R05 reoffence_count), an empty need element (R04), a
# lower-case ref (b01 sorts after every upper-case ref bytewise, before them
# in most locales) and two D01 rows that differ only in p (ordered by the
# whole line).  Added below: a ref with a comma and a quote (quoted in the
# annex), and two N01 rows where one has a NULL pcc_code: as lines,
#   'N01|2024Q1|U1|2024-02-11|...'  <  'N01|2024Q1||2024-02-11|...'
# because 'U' (0x55) < '|' (0x7c); leaving the NULL out instead of writing
# it empty would give the other order.
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
 ('Q"1,x', '2024Q1', 'CPAU', 'U1', '2024-03-03', 500000, 1000, '', 0, 'final'),
 ('N01', '2024Q1', 'CPAU', NULL, '2024-02-11', 500000, 1000, '', 0, 'final'),
 ('N01', '2024Q1', 'CPAU', 'U1', '2024-02-11', 500000, 1000, '', 0, 'final');
SQL
OUT=$TMP/out
mkdir -p "$OUT"

LINE="concat_ws('|', offender_ref, cohort_quarter, coalesce(pcc_code, ''), coalesce(start_date::text, ''),
	coalesce(predicted_binary_ppm::text, ''), coalesce(predicted_frequency_milli::text, ''), needs,
	coalesce(reoffence_count::text, ''), coalesce(outcome_status, ''))"
# rows CPA QUARTER: the rows, as psql prints them, in digest order
rows() {
	PGOPTIONS='-c DateStyle=ISO,YMD' psql -X -At -F'|' -c "SELECT offender_ref, cohort_quarter, pcc_code, start_date,
		predicted_binary_ppm, predicted_frequency_milli, needs, reoffence_count, outcome_status
		FROM pbr.cohort_member WHERE cpa_code = '$1' AND cohort_quarter = '$2'
		ORDER BY offender_ref COLLATE \"C\", $LINE COLLATE \"C\""
}
sha() { sha256sum | cut -d' ' -f1; }

assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
for c in AUD:CPAU AUD2:CPAV; do
	contract=${c%%:*}
	cpa=${c#*:}
	X=$OUT/$contract-2025Q4-1.xml
	A=$OUT/$contract-2025Q4-1-annex.csv
	[ -s "$X" ] || die "no statement $X"
	rows "$cpa" 2024Q1 >"$TMP/$contract.rows"
	assert_eq SHA-256 "$(sx "$X" Header/InputDigest/@algorithm)" "$contract InputDigest algorithm"
	assert_eq SHA-256 "$(sx "$X" Header/AnnexDigest/@algorithm)" "$contract AnnexDigest algorithm"
	assert_eq "$(sha <"$TMP/$contract.rows")" "$(sx "$X" Header/InputDigest)" "$contract InputDigest = sha256 of the psql rows"
	assert_eq "$(sha <"$A")" "$(sx "$X" Header/AnnexDigest)" "$contract AnnexDigest = sha256 of the annex"
	assert_eq "$(sha <"$X")" "$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '$contract-2025Q4-1'")" \
		"$contract ledger statement_digest = sha256 of the statement file"
	assert_eq "$(sx "$X" Header/InputDigest)" "$(q "SELECT input_digest FROM pbr.settlement WHERE statement_id = '$contract-2025Q4-1'")" \
		"$contract ledger input_digest = InputDigest"
	assert_eq "$(sx "$X" Header/AnnexDigest)" "$(q "SELECT annex_digest FROM pbr.settlement WHERE statement_id = '$contract-2025Q4-1'")" \
		"$contract ledger annex_digest = AnnexDigest"
	# the annex: header + one line per row, in the same order as the digest
	assert_eq $(($(wc -l <"$TMP/$contract.rows") + 1)) "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$A")" \
		"$contract annex: one record per row + header"
	assert_eq "$(cut -d'|' -f1 "$TMP/$contract.rows")" \
		"$(python3 -c 'import csv,sys; [print(r[0]) for r in list(csv.reader(open(sys.argv[1], newline="")))[1:]]' "$A")" \
		"$contract annex rows in digest order"
	assert_eq "$(sx "$X" Cohort/Members)" "$(grep -c ',ACCEPTED$' "$A")" "$contract annex: ACCEPTED lines = Members"
	assert_eq "$(sx "$X" Cohort/Rejected)" "$(grep -vc ',ACCEPTED$' <(tail -n +2 "$A"))" "$contract annex: other lines = Rejected"
done

# the AUD rows hold what the comments promise
R=$TMP/AUD.rows
assert_eq 15 "$(wc -l <"$R")" "AUD: 15 rows (12 + 3 added)"
assert_eq "A01 A02 A03 A04 D01 D01 N01 N01 Q\"1,x R01 R02 R03 R04 R05 b01" "$(cut -d'|' -f1 "$R" | paste -sd' ')" \
	"bytewise order of offender_ref (b01 last)"
assert_eq "D01|2024Q1|U1|2024-01-10|500000|1000||0|final
D01|2024Q1|U1|2024-01-10|510000|1000||0|final" "$(grep '^D01|' "$R")" "D01 rows ordered by the whole line"
assert_eq "N01|2024Q1|U1|2024-02-11|500000|1000||0|final
N01|2024Q1||2024-02-11|500000|1000||0|final" "$(grep '^N01|' "$R")" "N01 rows ordered by the line with NULL as empty"
assert_eq "R01|2024Q1|U1|2024-02-01||1000||0|final" "$(grep '^R01|' "$R")" "NULL p written empty"
assert_eq "R03|2024Q1|U2||500000|1000||0|final" "$(grep '^R03|' "$R")" "NULL start_date written empty"
assert_eq "R05|2024Q1|U2|2024-02-04|500000|1000|||final" "$(grep '^R05|' "$R")" "NULL reoffence_count written empty"
A=$OUT/AUD-2025Q4-1-annex.csv
assert_eq 'offender_ref,pcc_code,weight_bp,p,y,f,r,binary_contribution,frequency_contribution,status' "$(head -n 1 "$A")" "annex header"
assert_eq '"Q""1,x",U1,10000,500000,0,1000,0,5000000000,10000000,ACCEPTED' "$(grep '^"Q' "$A")" "annex: a field with , and \" is quoted"
assert_eq 'N01,U1,10000,500000,0,1000,0,5000000000,10000000,ACCEPTED
N01,,,500000,,1000,0,,,PCC_OUTSIDE_CPA' "$(grep '^N01,' "$A")" "annex: N01 lines in digest order"
assert_eq 'R01,U1,,,,1000,0,,,BAD_PREDICTION' "$(grep '^R01,' "$A")" "annex: rejected row with NULL p"

# a statement verifies against these digests
assert_exit 0 "$PBR" verify --allow-unsigned "$OUT/AUD-2025Q4-1.xml"

# a row of another CPA or quarter changes no digest; a row of the cohort does
before=$(sx "$OUT/AUD-2025Q4-1.xml" Header/InputDigest)
sql -c "INSERT INTO pbr.cohort_member VALUES ('A01', '2024Q2', 'CPAU', 'U1', '2024-04-01', 1, 1, '', 0, 'final'),
	('A01', '2024Q1', 'CPAV', 'V1', '2024-01-03', 1, 1, '', 0, 'final')" >/dev/null
assert_eq "$before" "$(rows CPAU 2024Q1 | sha)" "other quarter / CPA: same rows digest"
mkdir -p "$TMP/d1" "$TMP/d2"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/d1" --dry-run
assert_eq "$before" "$(sx "$TMP/d1/AUD-2025Q4-draft.xml" Header/InputDigest)" "other quarter / CPA: same InputDigest"
# even a change that moves no figure: a rejected row's needs text
sql -c "UPDATE pbr.cohort_member SET needs = 'ACC++SUB++' WHERE offender_ref = 'R04'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/d2" --dry-run
D2=$TMP/d2/AUD-2025Q4-draft.xml
assert_true "a rejected row's change changes the InputDigest" test "$before" != "$(sx "$D2" Header/InputDigest)"
assert_eq "$(rows CPAU 2024Q1 | sha)" "$(sx "$D2" Header/InputDigest)" "new InputDigest = sha256 of the new psql rows"
assert_eq "$(sha <"$TMP/d2/AUD-2025Q4-draft-annex.csv")" "$(sx "$D2" Header/AnnexDigest)" "draft AnnexDigest = sha256 of its annex"
assert_eq "$(sx "$OUT/AUD-2025Q4-1.xml" Cohort/TotalPence)" "$(sx "$D2" Cohort/TotalPence)" "...while every figure stays"

finish
