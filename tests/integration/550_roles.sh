#!/usr/bin/env bash
# 550_roles: least privilege (SPEC 10).  Logs in as each role: finance
# settles and cannot rewrite the ledger; the regulator reads statements and
# no offender row; a CRC sees only its own CPA's rows and statements and
# writes nothing; nobody updates or deletes the ledger.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
"$PBR" demo-data --members 20000 --seed 11 >/dev/null || die "demo-data"
q "UPDATE pbr.tariff SET max_reject_ppm = 200000" >/dev/null
# Role names are cluster-wide; make them unique to this database.
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
FIN=fin_$S REG=reg_$S CRCA=crca_$S CRCB=crcb_$S
q "CREATE ROLE $FIN LOGIN IN ROLE pbr_finance; CREATE ROLE $REG LOGIN IN ROLE pbr_regulator;
   SELECT pbr.create_crc_login('$CRCA', 'PRV01'); SELECT pbr.create_crc_login('$CRCB', 'PRV02');" >/dev/null ||
	die "cannot create the logins"
as() { local who=$1; shift; PGUSER=$who "$@"; }
cpa_a=$(q "SELECT cpa_code FROM pbr.contract WHERE provider_id = 'PRV01'")
cpa_b=$(q "SELECT cpa_code FROM pbr.contract WHERE provider_id = 'PRV02'")

# finance settles
mkdir -p "$TMP/out"
assert_exit 0 as "$FIN" "$PBR" run --unsigned --period 2025Q4 --out "$TMP/out"
assert_eq 21 "$(q "SELECT count(*) FROM pbr.settlement")" "finance settled 21 contracts"
assert_fails "finance cannot UPDATE the ledger" as "$FIN" q "UPDATE pbr.settlement SET total_pence = 0"
assert_fails "finance cannot DELETE from the ledger" as "$FIN" q "DELETE FROM pbr.settlement"
assert_fails "finance cannot TRUNCATE the ledger" as "$FIN" q "TRUNCATE pbr.settlement"
assert_fails "even the owner cannot UPDATE the ledger" q "UPDATE pbr.settlement SET total_pence = 0"

# regulator
assert_eq 21 "$(as "$REG" q "SELECT count(*) FROM pbr.statement_in_force")" "regulator reads every statement"
assert_fails "regulator reads no offender row" as "$REG" q "SELECT count(*) FROM pbr.cohort_member"
assert_fails "regulator cannot write the ledger" as "$REG" q "INSERT INTO pbr.settlement SELECT * FROM pbr.settlement LIMIT 1"
assert_fails "regulator cannot settle" as "$REG" "$PBR" run --unsigned --period 2026Q1 --out "$TMP/out"

# CRCs
own=$(q "SELECT count(*) FROM pbr.cohort_member WHERE cpa_code = '$cpa_a'")
assert_eq "$own" "$(as "$CRCA" q "SELECT count(*) FROM pbr.cohort_member")" "CRC A sees exactly its CPA's rows"
assert_eq 0 "$(as "$CRCA" q "SELECT count(*) FROM pbr.cohort_member WHERE cpa_code = '$cpa_b'")" "CRC A reads 0 rows of CRC B"
assert_eq 0 "$(as "$CRCB" q "SELECT count(*) FROM pbr.cohort_member WHERE cpa_code = '$cpa_a'")" "CRC B reads 0 rows of CRC A"
assert_eq 1 "$(as "$CRCA" q "SELECT count(*) FROM pbr.settlement")" "CRC A sees its one statement"
assert_eq 1 "$(as "$CRCA" q "SELECT count(*) FROM pbr.statement_in_force")" "CRC A sees its one statement in force"
assert_eq CRC01 "$(as "$CRCA" q "SELECT contract_id FROM pbr.settlement")" "... and it is its own"
assert_fails "CRC A cannot insert cohort rows" as "$CRCA" q "INSERT INTO pbr.cohort_member (offender_ref, cohort_quarter, cpa_code) VALUES ('x', '2024Q1', '$cpa_a')"
assert_fails "CRC A cannot write the ledger" as "$CRCA" q "INSERT INTO pbr.settlement SELECT * FROM pbr.settlement"
assert_fails "CRC A cannot settle" as "$CRCA" "$PBR" run --unsigned --period 2026Q1 --out "$TMP/out"
assert_fails "CRC A cannot create logins" as "$CRCA" q "SELECT pbr.create_crc_login('x_$S', 'PRV01')"
finish
