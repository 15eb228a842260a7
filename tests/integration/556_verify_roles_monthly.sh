#!/usr/bin/env bash
# 556_verify_roles_monthly: `verify` of MONTHLY statements (SPEC 11.5)
# reaches a full verdict under each role of SPEC 10, logged in as real
# logins of a real cluster: finance, the regulator (who reads the returns,
# which are case counts and KPI ratios, never an offender row: migration
# 0007 grants them) and the CRC whose contract it is; another CRC is told
# "not visible to you" (77); a superseded statement says what superseded
# it and why (1), under every role that may see it.  The data are those
# of 610 (tests/data/monthly_ref.sql), whose figures are worked there:
# NORTH March PeriodDue 91 500, December's reconciliation BELOW with
# Adjustment -104 880.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
mx() { xp "$1" "/MonthlyStatement/$2"; }
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
FIN=fin_$S REG=reg_$S CRCA=crca_$S CRCB=crcb_$S NOBODY=nobody_$S
q "CREATE ROLE $FIN LOGIN IN ROLE pbr_finance; CREATE ROLE $REG LOGIN IN ROLE pbr_regulator;
   CREATE ROLE $NOBODY LOGIN;
   SELECT pbr.create_crc_login('$CRCA', 'P1'); SELECT pbr.create_crc_login('$CRCB', 'P2');" >/dev/null ||
	die "cannot create the logins"
as() { local who=$1; shift; PGUSER=$who "$@"; }

# ---- the returns of 610 for NORTH ---------------------------------------------------
vol() { q "INSERT INTO pbr.volume_return VALUES ('$1', '$2', '$3', $4)" >/dev/null; }
kpi() { q "INSERT INTO pbr.kpi_return VALUES ('$1', '$2', '$3', $4, $5)" >/dev/null; }
all_met() { kpi "$1" "$2" K1 1 1; kpi "$1" "$2" K2 1 1; kpi "$1" "$2" K3 0 0; kpi "$1" "$2" K4 1 1; }
for m in 01 02 04 05 06 07 08 09 10 11; do vol NORTH "2025-$m" CO 60; all_met NORTH "2025-$m"; done
q "UPDATE pbr.volume_return SET cases = 50 WHERE contract_id = 'NORTH' AND month = '2025-04'" >/dev/null
vol NORTH 2025-03 CO 40; vol NORTH 2025-03 LICENCE 20; vol NORTH 2025-03 SSO 10
kpi NORTH 2025-03 K1 9 10; kpi NORTH 2025-03 K2 74 100; kpi NORTH 2025-03 K4 0 0
q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-03', 'K3', 'provider feed outage, returns lost', 'PCC board, 2 April 2025')" >/dev/null
vol NORTH 2025-12 CO 38; vol NORTH 2025-12 LICENCE 4
kpi NORTH 2025-12 K1 9 10; kpi NORTH 2025-12 K2 3 4; kpi NORTH 2025-12 K3 0 0; kpi NORTH 2025-12 K4 1 1
vol SOUTH 2025-03 CO 80; kpi SOUTH 2025-03 K1 1 1

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=finance monthly" \
	-keyout "$TMP/f.key" -out "$TMP/f.crt" >/dev/null 2>&1 || die "openssl"
SIGN=(--sign-key "$TMP/f.key" --sign-cert "$TMP/f.crt")
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 as "$FIN" "$PBR" run --month 2025-03 --out "$OUT" "${SIGN[@]}"
assert_exit 0 as "$FIN" "$PBR" run --month 2025-12 --contract NORTH --out "$OUT" "${SIGN[@]}"
M=$OUT/NORTH-2025-03-1.xml
D=$OUT/NORTH-2025-12-1.xml
B=$OUT/SOUTH-2025-03-1.xml
assert_eq 91500 "$(mx "$M" Summary/PeriodDuePence)" "NORTH March PeriodDue (worked in 610)"
assert_eq "BELOW|-104880|1035120|464880|-8880" \
	"$(mx "$D" VolumeReconciliation/Position)|$(mx "$D" VolumeReconciliation/AdjustmentPence)|$(mx "$D" VolumeReconciliation/FfsYearPence)|$(mx "$D" VolumeReconciliation/PbrPotPence)|$(mx "$D" Summary/PeriodDuePence)" \
	"NORTH December reconciliation (worked in 610)"
assert_eq 83334 "$(mx "$B" Summary/PeriodDuePence)" "SOUTH March: instalment 83 334, no credit, no advance"

# ---- every role that may see it: a full verdict, signer named -------------------
# verified_as WHO FILE: exit 0, the verdict line names the signer, no
# MISMATCH, the figures recomputed from the database
verified_as() {
	local who=$1 f=$2 name
	name=$(basename "$2")
	assert_exit 0 as "$who" "$PBR" verify "$f" --cert "$TMP/f.crt"
	assert_match "$name: verified \(signed by CN ?= ?finance monthly\)" "$(cat "$LAST_OUT")" "$who: $name verified, signer named"
	assert_match '^ok ledger: file sha256' "$(cat "$LAST_OUT")" "$who: $name ledger digest"
	assert_match "^ok annex .*$(basename "${f%.xml}")-annex.csv sha256" "$(cat "$LAST_OUT")" "$who: $name annex digest"
	assert_match '^ok figures' "$(cat "$LAST_OUT")" "$who: $name every figure recomputed"
	assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "$who: $name no MISMATCH"
}
for who in "$FIN" "$REG" "$CRCA"; do
	verified_as "$who" "$M"
	verified_as "$who" "$D"
done
verified_as "$CRCB" "$B"
verified_as "$REG" "$B"
assert_match '^note this login reads no offender row: a monthly statement is recomputed from its returns' \
	"$(cat "$LAST_OUT")" "the regulator's verify says what it recomputed from"
assert_eq 0 "$(grep -c 'cohort_aggregates' "$LAST_OUT")" "... not the PbR cohort aggregates"
assert_fails "the regulator reads no offender row" as "$REG" q "SELECT count(*) FROM pbr.cohort_member"
assert_eq 15 "$(as "$REG" q "SELECT count(*) FROM pbr.volume_return WHERE contract_id = 'NORTH'")" \
	"the regulator reads the volume returns (aggregates, migration 0007)"
assert_eq 0 "$(as "$CRCB" q "SELECT count(*) FROM pbr.volume_return WHERE contract_id = 'NORTH'")" \
	"CRC B sees none of NORTH's returns"

# the regulator recomputes from the returns: a changed December return is
# named, figure by figure.  CO 38 -> 39: Va 717 000, lo - v = 183 000 * 10^6,
# Adjustment = -round(1 140 000 * 1.83e11 * 500 000 / 10^18) = -104 310,
# FfsYear 1 035 690, PbrPot 464 310, PeriodDue 95 000 + 1 000 - 104 310 = -8 310.
q "UPDATE pbr.volume_return SET cases = 39 WHERE contract_id = 'NORTH' AND month = '2025-12' AND band_code = 'CO'" >/dev/null
assert_exit 1 as "$REG" "$PBR" verify "$D" --cert "$TMP/f.crt"
V=$(cat "$LAST_OUT")
assert_match 'MISMATCH .*VolumeReconciliation/ActualMilli: file 716000, recomputed 717000' "$V" "regulator: ActualMilli"
assert_match 'MISMATCH .*VolumeReconciliation/AdjustmentPence: file -104880, recomputed -104310' "$V" "regulator: AdjustmentPence"
assert_match 'MISMATCH .*VolumeReconciliation/FfsYearPence: file 1035120, recomputed 1035690' "$V" "regulator: FfsYearPence"
assert_match 'MISMATCH .*VolumeReconciliation/PbrPotPence: file 464880, recomputed 464310' "$V" "regulator: PbrPotPence"
assert_match 'MISMATCH .*Summary/PeriodDuePence: file -8880, recomputed -8310' "$V" "regulator: PeriodDuePence"
assert_match 'MISMATCH .*InputDigest' "$V" "regulator: the input digest differs"
assert_match 'does not verify: [0-9]+ differences' "$(cat "$LAST_ERR")" "regulator: one line on stderr"
q "UPDATE pbr.volume_return SET cases = 38 WHERE contract_id = 'NORTH' AND month = '2025-12' AND band_code = 'CO'" >/dev/null
assert_exit 0 as "$REG" "$PBR" verify "$D" --cert "$TMP/f.crt"

# ---- a CRC that may not see it, a login with no pbr role ------------------------
for f in "$M" "$D"; do
	assert_exit 77 as "$CRCB" "$PBR" verify "$f" --cert "$TMP/f.crt"
	assert_one_line "$LAST_ERR" "CRC B on $(basename "$f")"
	assert_match "$(basename "${f%.xml}") is not visible to you \(contract NORTH is not one of this login's\)" \
		"$(cat "$LAST_ERR")" "CRC B on $(basename "$f"): not visible to you"
	assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "CRC B on $(basename "$f"): no MISMATCH list"
	assert_exit 77 as "$NOBODY" "$PBR" verify "$f" --cert "$TMP/f.crt"
	assert_match 'not visible to you' "$(cat "$LAST_ERR")" "no pbr role on $(basename "$f"): not visible to you"
done
assert_exit 77 as "$CRCA" "$PBR" verify "$B" --cert "$TMP/f.crt"
assert_match 'SOUTH-2025-03-1 is not visible to you' "$(cat "$LAST_ERR")" "CRC A on SOUTH's: not visible to you"

# ---- superseded: March twice, December once -------------------------------------
# K2 75/100 is on its target: MET, credit 0, PeriodDue 96 000 (630).
q "UPDATE pbr.kpi_return SET numerator = 75 WHERE contract_id = 'NORTH' AND month = '2025-03' AND kpi_code = 'K2'" >/dev/null
assert_exit 0 as "$FIN" "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" "${SIGN[@]}" \
	--restate --reason "K2 return corrected by the provider"
M2=$OUT/NORTH-2025-03-2.xml
assert_eq "96000|4500" "$(mx "$M2" Summary/PeriodDuePence)|$(mx "$M2" Summary/AmountDuePence)" "March restated: 96 000, amount due 4 500"
# K1 8/10 breached: credit 5 000, PeriodDue 91 000, amount due 91 000 - 96 000
q "UPDATE pbr.kpi_return SET numerator = 8 WHERE contract_id = 'NORTH' AND month = '2025-03' AND kpi_code = 'K1'" >/dev/null
assert_exit 0 as "$FIN" "$PBR" run --month 2025-03 --contract NORTH --out "$OUT" "${SIGN[@]}" \
	--restate --reason "K1 audit: 8 of 10"
M3=$OUT/NORTH-2025-03-3.xml
assert_eq "91000|-5000|96000" "$(mx "$M3" Summary/PeriodDuePence)|$(mx "$M3" Summary/AmountDuePence)|$(mx "$M3" Summary/PreviousPeriodDuePence)" \
	"March restated again: 91 000, amount due -5 000"
q "UPDATE pbr.volume_return SET cases = 39 WHERE contract_id = 'NORTH' AND month = '2025-12' AND band_code = 'CO'" >/dev/null
assert_exit 0 as "$FIN" "$PBR" run --month 2025-12 --contract NORTH --out "$OUT" "${SIGN[@]}" \
	--restate --reason "December CO count corrected"
D2=$OUT/NORTH-2025-12-2.xml
assert_eq "-104310|-8310|570" "$(mx "$D2" VolumeReconciliation/AdjustmentPence)|$(mx "$D2" Summary/PeriodDuePence)|$(mx "$D2" Summary/AmountDuePence)" \
	"December restated: adjustment -104 310, amount due -8 310 - -8 880 = 570"

# superseded_as WHO FILE BY REASON [IN_FORCE]: exit 1, no MISMATCH, the
# successor, its reason and, further down a chain, the statement in force
superseded_as() {
	local who=$1 f=$2 by=$3 reason=$4 in_force=${5:-} name
	name=$(basename "$f")
	assert_exit 1 as "$who" "$PBR" verify "$f" --cert "$TMP/f.crt"
	assert_match '^ok signature by .*finance monthly' "$(cat "$LAST_OUT")" "$who: $name signature checked"
	assert_match '^ok ledger: file sha256' "$(cat "$LAST_OUT")" "$who: $name ledger digest checked"
	assert_match "^SUPERSEDED by $by on 20[0-9-]+T[0-9:]+Z; reason: $reason\$" "$(cat "$LAST_OUT")" "$who: $name superseded by $by, and why"
	assert_match "^$OUT/$name: SUPERSEDED by $by, not in force\$" "$(cat "$LAST_OUT")" "$who: $name verdict line"
	if [ -n "$in_force" ]; then
		assert_match "^note in force now for NORTH ${name:6:7}: $in_force\$" "$(cat "$LAST_OUT")" "$who: $name says what is in force now"
	else
		assert_eq 0 "$(grep -c '^note in force now' "$LAST_OUT")" "$who: $name its successor is in force"
	fi
	assert_eq 0 "$(grep -c MISMATCH "$LAST_OUT")" "$who: $name no MISMATCH list"
	assert_one_line "$LAST_ERR" "$who: $name stderr"
	assert_match "is not in force: superseded by $by \(reason: $reason\)" "$(cat "$LAST_ERR")" "$who: $name stderr says why"
}
for who in "$FIN" "$REG" "$CRCA"; do
	superseded_as "$who" "$M" NORTH-2025-03-2 "K2 return corrected by the provider" NORTH-2025-03-3
	superseded_as "$who" "$M2" NORTH-2025-03-3 "K1 audit: 8 of 10"
	superseded_as "$who" "$D" NORTH-2025-12-2 "December CO count corrected"
	verified_as "$who" "$M3"
	verified_as "$who" "$D2"
done
assert_exit 77 as "$CRCB" "$PBR" verify "$M" --cert "$TMP/f.crt"
assert_match 'NORTH-2025-03-1 is not visible to you' "$(cat "$LAST_ERR")" "CRC B on a superseded NORTH statement: not visible to you"
assert_eq 0 "$(grep -c SUPERSEDED "$LAST_OUT")" "CRC B is not told what superseded it"

# ---- PbR statements that read the contract year (SPEC 6, 7, 11.3) -----------------
# The TOPUP year of 660 (its figures worked there): 2026Q2 nets the advance
# (AmountDue 24 000 - 30 000 = -6 000); 2026Q3's reconciliation is capped by
# the PbR pot of the December monthly statement (CapPence 300 000, AmountDue
# 46 000).  The regulator recomputes them from the cohort aggregates, the
# contract year and the December statement; CRC A (provider PY there) too.
createdb -T template0 "${PGDATABASE}_year" >/dev/null || die "createdb"
yr() { PGDATABASE=${PGDATABASE}_year "$@"; }
yr migrate
yr sql_file "$DATA/audit_year_ref.sql"
yr load_csv "$DATA/audit_topup.csv"
yr sql_file "$DATA/topup_terms.sql"
yr q "SELECT pbr.create_crc_login('$CRCA', 'PY')" >/dev/null 2>&1 || die "TOPUP login"
Y=$TMP/year
mkdir -p "$Y"
for p in "--period 2025Q4" "--period 2026Q1" "--period 2026Q2" "--month 2024-12" "--period 2026Q3"; do
	# shellcheck disable=SC2086 # two words on purpose
	yr as "$FIN" "$PBR" run $p --contract TOPUP --out "$Y" "${SIGN[@]}" >"$TMP/year.out" 2>&1 ||
		die "TOPUP run $p: $(tail -1 "$TMP/year.out")"
done
assert_eq "-6000|30000" "$(sx "$Y/TOPUP-2026Q2-1.xml" Summary/AmountDuePence)|$(sx "$Y/TOPUP-2026Q2-1.xml" Summary/AdvanceNettedPence)" \
	"2026Q2: the advance recovered (660)"
assert_eq "300000|46000" "$(sx "$Y/TOPUP-2026Q3-1.xml" AnnualReconciliation/CapPence)|$(sx "$Y/TOPUP-2026Q3-1.xml" Summary/AmountDuePence)" \
	"2026Q3: the MAP binds (660)"
for who in "$REG" "$CRCA" "$FIN"; do
	for f in TOPUP-2026Q2-1 TOPUP-2026Q3-1 TOPUP-2024-12-1; do
		yr assert_exit 0 as "$who" "$PBR" verify "$Y/$f.xml" --cert "$TMP/f.crt"
		assert_match "$f.xml: verified \(signed by" "$(cat "$LAST_OUT")" "$who: $f verified"
	done
done
# the December statement the cap read, changed in the database: the
# regulator's recomputation of the reconciliation follows it.  PbrPot
# 300 000 -> 290 000 (as if MAP were 1 490 000): CapPence 290 000,
# cut 100 001 (all off Pf: 159 000 - 100 001 = 58 999), Entitlement 290 000,
# TrueUp 290 000 - (224 000 + 65 001) = 999, PeriodDue 65 001 + 999 = 66 000,
# AmountDue 66 000 - 30 000 = 36 000.
yr q "ALTER TABLE pbr.settlement DISABLE TRIGGER USER;
      UPDATE pbr.settlement SET pbr_pot_pence = 290000 WHERE statement_id = 'TOPUP-2024-12-1';
      ALTER TABLE pbr.settlement ENABLE TRIGGER USER" >/dev/null || die "cannot change the December row"
yr assert_exit 1 as "$REG" "$PBR" verify "$Y/TOPUP-2026Q3-1.xml" --cert "$TMP/f.crt"
V=$(cat "$LAST_OUT")
assert_match 'MISMATCH .*AnnualReconciliation/CapPence: file 300000, recomputed 290000' "$V" "regulator: CapPence follows the pot"
assert_match 'MISMATCH .*AnnualReconciliation/FrequencyPence: file 68999, recomputed 58999' "$V" "regulator: Pf'"
assert_match 'MISMATCH .*Summary/PeriodDuePence: file 76000, recomputed 66000' "$V" "regulator: PeriodDue"
assert_eq 8 "$(grep -c MISMATCH "$LAST_OUT")" "regulator: the eight figures that follow the pot, no other"
assert_match 'MISMATCH .*AnnualReconciliation/TrueUpPence: file 10999, recomputed 999' "$V" "regulator: TrueUp"
assert_match 'MISMATCH .*Summary/AmountDuePence: file 46000, recomputed 36000' "$V" "regulator: AmountDue"
dropdb "${PGDATABASE}_year" >/dev/null 2>&1
finish
