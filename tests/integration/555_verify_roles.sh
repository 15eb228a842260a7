#!/usr/bin/env bash
# 555_verify_roles: `verify` reaches a verdict under each role of SPEC 10,
# logged in as real logins of a real cluster.  A CRC verifies its own
# statement (0) and is told "not visible to you" (77, no list of
# mismatches) for another CRC's; a login with no pbr role gets 77 too.
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

finish
