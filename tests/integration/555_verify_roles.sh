#!/usr/bin/env bash
# 555_verify_roles: `verify` reaches a verdict under each role of SPEC 10,
# logged in as real logins of a real cluster.  A CRC verifies its own
# statement (0) and is told "not visible to you" (77, no list of
# mismatches) for another CRC's; a login with no pbr role gets 77 too.
# The regulator, who reads no offender row, reaches a full verdict from
# pbr.cohort_aggregates (migration 0009) and the annex: every one of the
# 21 demo statements (every reject code planted) verifies, and on the
# hand-worked audit data a changed row gives the exact recomputed figures.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
"$PBR" demo-data --members 20000 --seed 11 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
# Role names are cluster-wide; make them unique to this database.
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
FIN=fin_$S REG=reg_$S CRCA=crca_$S CRCB=crcb_$S NOBODY=nobody_$S
q "CREATE ROLE $FIN LOGIN IN ROLE pbr_finance; CREATE ROLE $REG LOGIN IN ROLE pbr_regulator;
   CREATE ROLE $NOBODY LOGIN;
   SELECT pbr.create_crc_login('$CRCA', 'PRV01'); SELECT pbr.create_crc_login('$CRCB', 'PRV02');" >/dev/null ||
	die "cannot create the logins"
as() { local who=$1; shift; PGUSER=$who "$@"; }
# Hostile rows in CRC01's cohort, for the regulator's second implementation
# of SPEC 4 and 5 (migration 0009): every BAD_OUTCOME form, a need listed
# twice, an empty need element, boundary predictions, a CSV-hostile
# offender_ref, later and tied duplicates, dates either side of the
# quarter, no PCC, every need at once (weight ceiling).
cpa_a=$(q "SELECT cpa_code FROM pbr.contract WHERE provider_id = 'PRV01'")
# a PCC code the annex must neutralise (it starts a spreadsheet formula)
q "INSERT INTO pbr.pcc_area (code, name, cpa_code) VALUES ('=Z9', 'Formula Town', '$cpa_a');
   INSERT INTO pbr.cohort_member VALUES ('H14', '2024Q1', '$cpa_a', '=Z9', '2024-02-01', 450000, 1200, '', 1, 'final')" >/dev/null ||
	die "cannot plant the formula area"
q "INSERT INTO pbr.cohort_member
   SELECT ref, '2024Q1', '$cpa_a', CASE WHEN ref = 'H12' THEN NULL ELSE
          (SELECT min(code) FROM pbr.pcc_area WHERE cpa_code = '$cpa_a') END,
          d::date, p, f, nd, r, 'final'
     FROM (VALUES ('H01', '2024-02-01', 500000, 1000, '', -1),
                  ('H02', '2024-02-01', 500000, 1000, '', 10001),
                  ('H03', '2024-02-01', 500000, 1000, '', NULL),
                  ('H04', '2024-02-01', 400000, 900, (SELECT min(code) || '+' || min(code) FROM pbr.need), 0),
                  ('H05', '2024-02-01', 400000, 900, (SELECT '+' || min(code) FROM pbr.need), 0),
                  ('H06', '2024-02-01', 1000000, 1000000, '', 10000),
                  ('=H07,\"x\"', '2024-02-01', 0, 0, '', 0),
                  ('H08', '2024-01-01', 300000, 700, '', 0),
                  ('H08', '2024-03-31', 300000, 700, '', 1),
                  ('H09', '2024-02-02', 300000, 700, '', 0),
                  ('H09', '2024-02-02', 300000, 700, '', 0),
                  ('H10', '2024-04-01', 300000, 700, '', 0),
                  ('H11', '2023-12-31', 300000, 700, '', 0),
                  ('H12', '2024-02-01', 300000, 700, '', 0),
                  ('H13', '2024-02-01', 600000, 2000, (SELECT string_agg(code, '+') FROM pbr.need), 2))
          AS t(ref, d, p, f, nd, r)" >/dev/null || die "cannot plant the hostile rows"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 as "$FIN" "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
A=$OUT/CRC01-2025Q4-1.xml
B=$OUT/CRC02-2025Q4-1.xml
[ -s "$A" ] && [ -s "$B" ] || die "no statements for CRC01 and CRC02"
assert_eq PRV01 "$(sx "$A" Header/Provider/@id)" "CRC01 is PRV01's contract"

# ---- finance: every statement verifies ---------------------------------------------
assert_exit 0 as "$FIN" "$PBR" verify --allow-unsigned "$A"
assert_match 'verified' "$(cat "$LAST_OUT")" "finance verifies CRC01"

# ---- a CRC: its own statement, and another's ----------------------------------------
assert_exit 0 as "$CRCA" "$PBR" verify --allow-unsigned "$A"
assert_match 'CRC01-2025Q4-1.xml: verified' "$(cat "$LAST_OUT")" "CRC A verifies its own statement"
assert_exit 77 as "$CRCA" "$PBR" verify --allow-unsigned "$B"
assert_one_line "$LAST_ERR" "CRC A on CRC B's statement"
assert_match 'CRC02-2025Q4-1 is not visible to you' "$(cat "$LAST_ERR")" "CRC A is told: not visible to you"
assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "CRC A on CRC B's: no MISMATCH list"
assert_exit 77 as "$CRCB" "$PBR" verify --allow-unsigned "$A"
assert_match 'not visible to you' "$(cat "$LAST_ERR")" "CRC B on CRC A's: not visible to you"
assert_exit 0 as "$CRCB" "$PBR" verify --allow-unsigned "$B"

# ---- a login with no pbr role -------------------------------------------------------
assert_exit 77 as "$NOBODY" "$PBR" verify --allow-unsigned "$A"
assert_one_line "$LAST_ERR" "no role"
assert_match 'not visible to you' "$(cat "$LAST_ERR")" "a login with no pbr role: not visible to you"

# ---- the regulator: no offender row, a full verdict ---------------------------------
assert_fails "the regulator reads no offender row" as "$REG" q "SELECT count(*) FROM pbr.cohort_member"
assert_fails "a CRC may not ask for another CPA's aggregates" \
	as "$CRCA" q "SELECT * FROM pbr.cohort_aggregates('CRC02', '2024Q1')"
assert_fails "nor a login with no pbr role" as "$NOBODY" q "SELECT * FROM pbr.cohort_aggregates('CRC01', '2024Q1')"
assert_eq "$(q "SELECT tableowner FROM pg_tables WHERE schemaname = 'pbr' AND tablename = 'cohort_member'")" \
	"$(q "SELECT proowner::regrole FROM pg_proc WHERE proname = 'cohort_aggregates'")" \
	"the aggregates function is owned by the offender table's owner"
assert_eq 't|{"search_path=pg_catalog, pg_temp","DateStyle=ISO, YMD"}' \
	"$(q "SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'cohort_aggregates'")" \
	"SECURITY DEFINER, search_path and DateStyle pinned"
for code in BAD_PREDICTION BAD_OUTCOME UNKNOWN_NEED PCC_OUTSIDE_CPA WRONG_QUARTER DUPLICATE; do
	assert_true "the demo cohorts hold $code rows" \
		test "$(cat "$OUT"/CRC*-2025Q4-1.xml | grep -o "code=\"$code\" count=\"[0-9]*\"" | grep -vc 'count="0"')" -gt 0
done
assert_match "^H14,\"'=Z9\"," "$(grep '^H14,' "${A%.xml}-annex.csv")" \
	"the annex neutralises the PCC code =Z9"
n=0
for f in "$OUT"/CRC*-2025Q4-1.xml; do
	n=$((n + 1))
	assert_exit 0 as "$REG" "$PBR" verify --allow-unsigned "$f"
	assert_match "$(basename "$f"): verified" "$(cat "$LAST_OUT")" "regulator: $(basename "$f") verified"
done
assert_eq 21 "$n" "the regulator verified 21 statements"
assert_match 'note this login reads no offender row' "$(cat "$LAST_OUT")" "the regulator's verify says how"
assert_match '^ok annex rows' "$(cat "$LAST_OUT")" "the annex is tied to the database"
assert_match '^ok figures' "$(cat "$LAST_OUT")" "every figure recomputed"

# without the annex, AnnexDigest cannot be tied to the table: exit 1, saying so
mkdir -p "$TMP/alone"
cp "$A" "$TMP/alone/"
assert_exit 1 as "$REG" "$PBR" verify --allow-unsigned "$TMP/alone/$(basename "$A")"
assert_match 'MISMATCH annex .* not found' "$(cat "$LAST_OUT")" "regulator without the annex: says so"
assert_eq 1 "$(grep -c MISMATCH "$LAST_OUT")" "regulator without the annex: one MISMATCH"

# ---- exact figures: tests/data/audit_ref.sql (worked in 100_signing, 190) ---------
AUD=$TMP/aud
mkdir -p "$AUD"
createdb -T template0 "${PGDATABASE}_aud" >/dev/null || die "createdb"
aud() { PGDATABASE=${PGDATABASE}_aud "$@"; }
aud migrate
aud sql_file "$DATA/audit_ref.sql"
aud load_csv "$DATA/audit_cohort.csv"
assert_exit 0 aud "$PBR" run --unsigned --period 2025Q4 --out "$AUD"
X=$AUD/AUD-2025Q4-1.xml
assert_figs "$X" Cohort Members=5 Rejected=7 WeightedSize=55000 ActualBinary=22000000000 \
	BinaryImprovement=2900000000 FrequencyImprovement=38000000 TotalPence=105000
assert_exit 0 aud as "$REG" "$PBR" verify --allow-unsigned "$X"
assert_match 'AUD-2025Q4-1.xml: verified' "$(cat "$LAST_OUT")" "regulator verifies AUD (7 rejected rows of 5 codes)"
# A04 (U2, w 10000, p 300000, f 800) reoffence_count 0 -> 1 (worked in 190):
# Ab 32 000 000 000, B -7 100 000 000, Af 42 000 000, F 28 000 000, T 0
aud q "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 1 aud as "$REG" "$PBR" verify --allow-unsigned "$X"
V=$(cat "$LAST_OUT")
assert_match 'MISMATCH .*/Cohort/ActualBinary: file 22000000000, recomputed 32000000000' "$V" "regulator: ActualBinary recomputed"
assert_match 'MISMATCH .*/Cohort/BinaryImprovement: file 2900000000, recomputed -7100000000' "$V" "regulator: B recomputed"
assert_match 'MISMATCH .*/Cohort/FrequencyImprovement: file 38000000, recomputed 28000000' "$V" "regulator: F recomputed"
assert_match 'MISMATCH .*/Cohort/TotalPence: file 105000, recomputed 0' "$V" "regulator: TotalPence recomputed"
assert_match 'MISMATCH .*PccArea\[U2\]/TotalPence: file 71000, recomputed 0' "$V" "regulator: U2's total recomputed"
assert_match 'MISMATCH .*InputDigest' "$V" "regulator: the input digest differs"
assert_match 'MISMATCH annex .*its rows are not the database' "$V" "regulator: the annex no longer matches the table"
assert_match 'MISMATCH annex .*PCC area U2 sums' "$V" "regulator: U2's annex sums differ from the table's"
assert_eq 0 "$(printf '%s\n' "$V" | grep -c 'MISMATCH.*/Cohort/Members:')" "regulator: Members unchanged, not listed"
aud q "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 0 aud as "$REG" "$PBR" verify --allow-unsigned "$X"
# a forged annex line (A04's r 0 -> 1, its contributions to match) is caught
# twice: its digest is not AnnexDigest, and its rows are not the table's
sed -i 's/^A04,U2,10000,300000,0,800,0,3000000000,8000000,ACCEPTED$/A04,U2,10000,300000,1,800,1,-7000000000,-2000000,ACCEPTED/' \
	"$AUD/AUD-2025Q4-1-annex.csv"
assert_eq 1 "$(grep -c '^A04,U2,10000,300000,1,800,1' "$AUD/AUD-2025Q4-1-annex.csv")" "the annex line was forged"
assert_exit 1 aud as "$REG" "$PBR" verify --allow-unsigned "$X"
assert_match 'MISMATCH annex .*sha256.*AnnexDigest' "$(cat "$LAST_OUT")" "forged annex: its digest"
assert_match 'MISMATCH annex .*its rows are not the database' "$(cat "$LAST_OUT")" "forged annex: its rows"
assert_eq 0 "$(grep -c 'MISMATCH.*Pence' "$LAST_OUT")" "forged annex: no money figure differs"
dropdb "${PGDATABASE}_aud" >/dev/null 2>&1

finish
