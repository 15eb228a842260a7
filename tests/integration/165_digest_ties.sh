#!/usr/bin/env bash
# 165_digest_ties: the tie order inside one offender_ref (SPEC 7: "then by
# the whole line bytewise") is settled by the engine, not by the server
# (issue 14), and must equal what psql's
#   ORDER BY offender_ref COLLATE "C", <line> COLLATE "C"
# prints, for the input digest and for the annex.  The data is built to be
# hard: 120 offender_refs with 2 to 7 rows each (540 rows) whose lines differ only
# late (needs, then reoffence_count: "" < "0" < "1" < "10" < "100" < "2"
# bytewise, an empty NULL after the digits because '|' is 0x7c), stored in
# the REVERSE of the digest order, so a server that hands same-ref rows over
# in storage order gives the wrong order unless the engine sorts them; and
# rows too big for migration 0010's covering index (a 2.8 kB needs list)
# among them, which come through the second, spooled stream.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 1000000" >/dev/null

LINE="concat_ws('|', offender_ref, cohort_quarter, coalesce(pcc_code, ''), coalesce(start_date::text, ''),
	coalesce(predicted_binary_ppm::text, ''), coalesce(predicted_frequency_milli::text, ''), needs,
	coalesce(reoffence_count::text, ''), coalesce(outcome_status, ''))"

sql <<SQL >/dev/null || die "cannot insert the tie rows"
CREATE TEMP TABLE t AS
SELECT 'T' || lpad(g::text, 3, '0') AS offender_ref, '2024Q1'::text AS cohort_quarter,
       'CPA1'::text AS cpa_code, 'A' || (1 + g % 2) AS pcc_code,
       date '2024-02-01' + g % 3 AS start_date, 250000 AS p, 1500 AS f,
       (ARRAY['', 'ACC', 'ACC+MH', 'ACC+EMP'])[1 + (g * k) % 4] AS needs,
       (ARRAY[NULL, 0, 1, 10, 100, 2, 0])[1 + (g + 3 * k) % 7] AS r,
       'final'::text AS outcome_status
  FROM generate_series(1, 120) g, generate_series(1, 2 + g % 6) k
UNION ALL  -- too big for the covering index: the spooled stream
SELECT 'T' || lpad(g::text, 3, '0'), '2024Q1', 'CPA1', 'A1', date '2024-02-01', 250000, 1500,
       repeat('ACC+', 699) || 'ACC', g % 3, 'final'
  FROM generate_series(1, 120, 7) g
UNION ALL  -- a ref of its own that is too big, between T057 and T058 bytewise
SELECT 'T057' || repeat('z', 2500), '2024Q1', 'CPA1', 'A2', date '2024-02-01', 250000, 1500,
       '', 0, 'final';
INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code, pcc_code, start_date,
       predicted_binary_ppm, predicted_frequency_milli, needs, reoffence_count, outcome_status)
SELECT * FROM t
 ORDER BY offender_ref COLLATE "C" DESC,
          concat_ws('|', offender_ref, cohort_quarter, coalesce(pcc_code, ''), coalesce(start_date::text, ''),
                    coalesce(p::text, ''), coalesce(f::text, ''), needs, coalesce(r::text, ''),
                    coalesce(outcome_status, '')) COLLATE "C" DESC;
ANALYZE pbr.cohort_member;
SQL

rows=$(q "SELECT count(*) FROM pbr.cohort_member WHERE cpa_code = 'CPA1' AND cohort_quarter = '2024Q1'")
assert_eq 559 "$rows" "559 rows: 540 tied (120 refs x 2..7), 18 oversized, one oversized ref"
assert_eq 19 "$(q "SELECT count(*) FROM pbr.cohort_member WHERE length(needs) > 2000 OR length(offender_ref) > 2000")" \
	"19 rows too big for the covering index"
# the data is adversarial: stored order is not digest order
stored=$(q "SELECT md5(string_agg($LINE, E'\n' ORDER BY ctid)) FROM pbr.cohort_member")
wanted=$(q "SELECT md5(string_agg($LINE, E'\n' ORDER BY offender_ref COLLATE \"C\", $LINE COLLATE \"C\"))
	FROM pbr.cohort_member")
assert_true "rows are stored out of digest order" test "$stored" != "$wanted"
assert_eq 120 "$(q "SELECT count(DISTINCT offender_ref) FROM pbr.cohort_member WHERE offender_ref ~ '^T[0-9]{3}$'")" \
	"120 tied refs"

OUT=$TMP/out
mkdir -p "$OUT" "$TMP/jobs"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$OUT"
X=$OUT/NORTH-2025Q4-1.xml
A=$OUT/NORTH-2025Q4-1-annex.csv
[ -s "$X" ] || die "no statement"
assert_eq "$(psql_input_digest CPA1 2024Q1)" "$(sx "$X" Header/InputDigest)" \
	"InputDigest = psql ORDER BY offender_ref COLLATE \"C\", <line> COLLATE \"C\" | sha256sum"
assert_eq "$(sha256sum <"$A" | cut -d' ' -f1)" "$(sx "$X" Header/AnnexDigest)" \
	"AnnexDigest = sha256sum of the annex"
assert_eq $((rows + 1)) "$(wc -l <"$A")" "annex: header + one line per row"

# The annex in digest order, line by line: offender_ref (its first 8
# bytes: the long ref is not quoted, it has no comma), p, f, r and status
# as psql orders and a plain awk recomputes them.
want=$(PGDATESTYLE=ISO psql -X -At -F, -c "SELECT left(offender_ref, 8), predicted_binary_ppm,
		predicted_frequency_milli, coalesce(reoffence_count::text, '')
	  FROM pbr.cohort_member WHERE cpa_code = 'CPA1' AND cohort_quarter = '2024Q1'
	 ORDER BY offender_ref COLLATE \"C\", $LINE COLLATE \"C\"")
got=$(tail -n +2 "$A" | awk -F, '{ printf "%s,%s,%s,%s\n", substr($1, 1, 8), $4, $6, $7 }')
assert_eq "$want" "$got" "annex rows (ref, p, f, r) in the digest order"
# Two tied refs worked by hand (k = 1..2 + g % 6; needs = ['', ACC, ACC+MH,
# ACC+EMP][(g*k) % 4]; r = [NULL, 0, 1, 10, 100, 2, 0][(g + 3k) % 7]).
# T008: 4 rows on 2024-02-03, needs '' and r 100, NULL, 10, 0; plus an
# oversized row (g = 8 = 1 + 7) on 2024-02-01, r 2.  Lines compare at the
# date first ("01" < "03"), then after "...|1500||": "0|" < "100|" < "10|"
# ('0' 0x30 < '|' 0x7c) < "|final" (NULL).  The oversized row is the only
# one of the earliest date: ACCEPTED (w = 10000 + ACC 2000 = 12000, y = 1,
# binary 12000 * (250000 - 10^6), frequency 12000 * (1500 - 2000)); the
# others are DUPLICATE, but the NULL r, BAD_OUTCOME first.
assert_eq "T008,A1,12000,250000,1,1500,2,-9000000000,-6000000,ACCEPTED
T008,A1,,250000,,1500,0,,,DUPLICATE
T008,A1,,250000,,1500,100,,,DUPLICATE
T008,A1,,250000,,1500,10,,,DUPLICATE
T008,A1,,250000,,1500,,,,BAD_OUTCOME" "$(grep '^T008,' "$A")" \
	"T008: the oversized row merged in by date, then r bytewise, NULL last"
# T009: 5 rows on 2024-02-01, (needs, r) = (ACC, 2) (ACC+MH, 0) (ACC+EMP,
# 100) ('', NULL) (ACC, 10).  After "...|1500|": 'A' < '|' puts '' last;
# "ACC+" < "ACC|" ('+' 0x2b); "ACC+EMP" < "ACC+MH"; "ACC|10|" < "ACC|2|".
# All four with an outcome share the earliest date: all DUPLICATE.
assert_eq "T009,A2,,250000,,1500,100,,,DUPLICATE
T009,A2,,250000,,1500,0,,,DUPLICATE
T009,A2,,250000,,1500,10,,,DUPLICATE
T009,A2,,250000,,1500,2,,,DUPLICATE
T009,A2,,250000,,1500,,,,BAD_OUTCOME" "$(grep '^T009,' "$A")" \
	"T009: ordered by needs then r, bytewise, as whole lines"

# the same figures and bytes with --jobs 2 (each job its own connection;
# SOUTH's cohort has no rows here: --allow-empty, SPEC 3)
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --contract SOUTH --out "$TMP/jobs" \
	--dry-run --jobs 2 --allow-empty
assert_eq "$(sx "$X" Header/InputDigest)" "$(sx "$TMP/jobs/NORTH-2025Q4-draft.xml" Header/InputDigest)" \
	"--jobs 2: same InputDigest"
assert_true "--jobs 2: byte-identical annex" cmp -s "$A" "$TMP/jobs/NORTH-2025Q4-draft-annex.csv"

finish
