#!/usr/bin/env bash
# 600_contract_terms: migration 0007 (SPEC 11.1).  The tables exist with
# their keys and checks; the ledger takes monthly rows beside PbR rows and
# refuses a row of one kind shaped as the other; a contract year's terms
# freeze once a statement (monthly, or PbR of one of its cohorts) used
# them; the roles see what SPEC 10 allows them, CRCs only their own rows.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"

terms() {
	q "INSERT INTO pbr.contract_year (contract_id, year, annual_price_pence,
	     learning_curve_ppm, predicted_volume_milli, band_low_ppm, band_high_ppm,
	     adjust_below_ppm, adjust_above_ppm, credit_cap_ppm,
	     advance_pence_per_month, map_pence)
	   VALUES ('$1', $2, 1200000, 50000, 1000000, 100000, 100000, 500000,
	           500000, 100000, 1000, 5000000)"
}

# ---- the tables of SPEC 11.1 and their checks --------------------------------
assert_eq 8 "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'pbr' AND tablename IN
	('contract_year', 'volume_band', 'band_weight', 'kpi', 'kpi_term',
	 'credit_waiver', 'volume_return', 'kpi_return')")" "the eight tables of 11.1"
assert_true "a contract year" terms NORTH 2024
assert_fails "year 999 refused" terms NORTH 999
assert_fails "unknown contract refused" terms NOPE 2024
assert_fails "the same year twice refused" terms NORTH 2024
assert_fails "predicted volume 0 refused" q "INSERT INTO pbr.contract_year VALUES
	('SOUTH', 2024, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)"
assert_fails "annual price over 10^12 refused" q "INSERT INTO pbr.contract_year VALUES
	('SOUTH', 2024, 1000000000001, 0, 1, 0, 0, 0, 0, 0, 0, 0)"
assert_fails "band_high over 10^7 ppm refused" q "INSERT INTO pbr.contract_year VALUES
	('SOUTH', 2024, 1, 0, 1, 0, 10000001, 0, 0, 0, 0, 0)"
assert_true "band_high of 10^7 ppm accepted" q "INSERT INTO pbr.contract_year VALUES
	('SOUTH', 2024, 1, 0, 1, 0, 10000000, 0, 0, 0, 0, 0)"
q "INSERT INTO pbr.volume_band VALUES ('CO', 'community order'), ('SSO', 'suspended sentence order');
   INSERT INTO pbr.kpi VALUES ('K1', 'first contact in time'), ('K2', 'plans in time')" >/dev/null
assert_true "a band weight" q "INSERT INTO pbr.band_weight VALUES ('NORTH', 2024, 'CO', 1000)"
assert_fails "band weight of a year without terms refused" q "INSERT INTO pbr.band_weight VALUES ('NORTH', 2023, 'CO', 1000)"
assert_fails "band weight of an unknown band refused" q "INSERT INTO pbr.band_weight VALUES ('NORTH', 2024, 'XX', 1000)"
assert_fails "band weight 0 refused" q "INSERT INTO pbr.band_weight VALUES ('NORTH', 2024, 'SSO', 0)"
assert_true "a KPI term" q "INSERT INTO pbr.kpi_term VALUES ('NORTH', 2024, 'K1', 900000, 5000)"
assert_fails "KPI target over 10^6 refused" q "INSERT INTO pbr.kpi_term VALUES ('NORTH', 2024, 'K2', 1000001, 5000)"
assert_fails "negative credit refused" q "INSERT INTO pbr.kpi_term VALUES ('NORTH', 2024, 'K2', 1000, -1)"
# landing tables are loose: the engine, not the loader, catches bad rows
assert_true "a volume return with an unknown band and NULL cases lands" \
	q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2024-1', 'XX', NULL)"
assert_true "a KPI return with NULL figures lands" \
	q "INSERT INTO pbr.kpi_return VALUES ('NORTH', '2024-01', NULL, NULL, -5)"
assert_true "a waiver" q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2024-03', 'K1', 'IT outage', 'PCC board')"
assert_fails "the same waiver twice refused" q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2024-03', 'K1', 'x', 'y')"

# ---- one ledger: monthly rows beside PbR rows --------------------------------
H=$(printf '%064d' 0)
monthly_row() { # ID MONTH [extra columns and values]
	q "INSERT INTO pbr.settlement (statement_id, run_id, contract_id, period, seq, kind,
	     engine_version, input_digest, annex_digest, statement_digest, total_pence,
	     period_due_pence, amount_due_pence, statement_xml, started_at, created_at,
	     statement_type, ffs_pence, credit_pence, advance_pence, adjustment_pence${3:-})
	   VALUES ('$1', 1, 'NORTH', '$2', 1, 'ORIGINAL', 'x', '$H', '$H', '$H', 0, 0, 0,
	     '', now(), now(), 'MONTHLY', 0, 0, 0, 0${4:-})"
}
assert_fails "a monthly row with a quarter period refused" monthly_row NORTH-2024Q1-1 2024Q1
assert_fails "a monthly row of month 13 refused" monthly_row NORTH-2024-13-1 2024-13
assert_fails "a December row without its year-end figures refused" monthly_row NORTH-2024-12-1 2024-12
assert_fails "a March row with year-end figures refused" monthly_row NORTH-2024-03-1 2024-03 \
	", ffs_year_pence, map_pence, pbr_pot_pence" ", 1, 1, 1"
assert_fails "a PbR row with a month period refused" q "INSERT INTO pbr.settlement (statement_id, run_id,
	contract_id, period, cohort_quarter, seq, kind, tariff_version, engine_version, input_digest,
	annex_digest, statement_digest, members, rejected, reject_counts, weighted_size,
	expected_binary, actual_binary, expected_frequency, actual_frequency, total_pence,
	period_due_pence, amount_due_pence, statement_xml, started_at, created_at)
	VALUES ('X', 1, 'NORTH', '2024-03', '2024Q1', 1, 'ORIGINAL', 'T1', 'x', '$H', '$H', '$H',
	0, 0, '', 0, 0, 0, 0, 0, 0, 0, 0, '', now(), now())"
assert_fails "a PbR row without its cohort sums refused" q "INSERT INTO pbr.settlement (statement_id,
	run_id, contract_id, period, cohort_quarter, seq, kind, tariff_version, engine_version,
	input_digest, annex_digest, statement_digest, total_pence, period_due_pence,
	amount_due_pence, statement_xml, started_at, created_at)
	VALUES ('X', 1, 'NORTH', '2025Q4', '2024Q1', 1, 'ORIGINAL', 'T1', 'x', '$H', '$H', '$H',
	0, 0, 0, '', now(), now())"

# ---- terms freeze once a statement used them ---------------------------------
assert_true "terms change freely before any statement" \
	q "UPDATE pbr.contract_year SET map_pence = 6000000 WHERE contract_id = 'NORTH' AND year = 2024"
mkdir -p "$TMP/out"
# the PbR statement of cohort 2024Q1 (period 2025Q4) uses the 2024 terms
"$PBR" run --period 2025Q4 --contract NORTH --unsigned --out "$TMP/out" >/dev/null 2>&1 ||
	"$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/out" >/dev/null 2>&1 ||
	die "cannot settle NORTH 2025Q4"
assert_fails "contract_year frozen by a PbR statement of the year" \
	q "UPDATE pbr.contract_year SET map_pence = 1 WHERE contract_id = 'NORTH' AND year = 2024"
assert_match "used by a settlement statement" "$(q "DELETE FROM pbr.contract_year WHERE contract_id = 'NORTH' AND year = 2024" 2>&1)" \
	"the refusal says why"
assert_fails "band weights of the year frozen" q "UPDATE pbr.band_weight SET weight_milli = 2 WHERE contract_id = 'NORTH'"
assert_fails "no band weight added to the year" q "INSERT INTO pbr.band_weight VALUES ('NORTH', 2024, 'SSO', 1000)"
assert_fails "KPI terms of the year frozen" q "DELETE FROM pbr.kpi_term WHERE contract_id = 'NORTH'"
assert_fails "no KPI term added to the year" q "INSERT INTO pbr.kpi_term VALUES ('NORTH', 2024, 'K2', 1000, 1)"
assert_true "another contract's terms still change" \
	q "UPDATE pbr.contract_year SET map_pence = 2 WHERE contract_id = 'SOUTH' AND year = 2024"
assert_true "another year of the contract still takes terms" terms NORTH 2025
assert_true "a monthly ledger row of 2025" monthly_row NORTH-2025-01-1 2025-01
assert_fails "contract_year 2025 frozen by the monthly statement" \
	q "UPDATE pbr.contract_year SET learning_curve_ppm = 0 WHERE contract_id = 'NORTH' AND year = 2025"
assert_eq 2 "$(q "SELECT count(*) FROM pbr.statement_in_force WHERE contract_id = 'NORTH'")" \
	"statement_in_force holds the PbR and the monthly statement"
assert_eq "MONTHLY|0" "$(q "SELECT statement_type || '|' || ffs_pence FROM pbr.statement_in_force WHERE period = '2025-01'")" \
	"statement_in_force shows the new columns"
assert_eq "PBR" "$(q "SELECT statement_type FROM pbr.settlement WHERE period = '2025Q4'")" \
	"a PbR row is of type PBR by default"
# returns and waivers are inputs, not terms: they may still change
assert_true "returns still land" q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-01', 'CO', 5)"

# ---- roles -------------------------------------------------------------------
S=$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
FIN=fin_$S REG=reg_$S CRC1=crc1_$S CRC2=crc2_$S
q "CREATE ROLE $FIN LOGIN IN ROLE pbr_finance; CREATE ROLE $REG LOGIN IN ROLE pbr_regulator;
   SELECT pbr.create_crc_login('$CRC1', 'P1'); SELECT pbr.create_crc_login('$CRC2', 'P2');" >/dev/null ||
	die "cannot create the logins"
as() { local who=$1; shift; PGUSER=$who "$@"; }
q "INSERT INTO pbr.volume_return VALUES ('SOUTH', '2024-01', 'CO', 7);
   INSERT INTO pbr.kpi_return VALUES ('SOUTH', '2024-01', 'K1', 1, 2);
   INSERT INTO pbr.credit_waiver VALUES ('SOUTH', '2024-01', 'K1', 'r', 'a')" >/dev/null
for t in contract_year band_weight kpi_term credit_waiver volume_return kpi_return; do
	all=$(q "SELECT count(*) FROM pbr.$t")
	north=$(q "SELECT count(*) FROM pbr.$t WHERE contract_id = 'NORTH'")
	assert_eq "$all" "$(as "$FIN" q "SELECT count(*) FROM pbr.$t")" "finance reads all of $t"
	assert_eq "$all" "$(as "$REG" q "SELECT count(*) FROM pbr.$t")" "regulator reads all of $t"
	assert_eq "$north" "$(as "$CRC1" q "SELECT count(*) FROM pbr.$t")" "CRC of NORTH reads its $north rows of $t"
	assert_eq 0 "$(as "$CRC1" q "SELECT count(*) FROM pbr.$t WHERE contract_id = 'SOUTH'")" "CRC of NORTH reads no SOUTH row of $t"
done
assert_eq 0 "$(as "$CRC2" q "SELECT count(*) FROM pbr.volume_return WHERE contract_id = 'NORTH'")" \
	"CRC of SOUTH reads no NORTH return"
assert_eq 2 "$(as "$CRC1" q "SELECT count(*) FROM pbr.kpi")" "everyone reads the KPI list"
assert_true "finance lands a volume return" as "$FIN" q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-02', 'CO', 1)"
assert_true "finance lands a KPI return" as "$FIN" q "INSERT INTO pbr.kpi_return VALUES ('NORTH', '2025-02', 'K1', 1, 1)"
assert_true "finance records a waiver" as "$FIN" q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-02', 'K1', 'r', 'a')"
assert_fails "finance cannot change terms" as "$FIN" q "UPDATE pbr.contract_year SET map_pence = 0 WHERE contract_id = 'SOUTH'"
assert_fails "finance cannot add terms" as "$FIN" terms SOUTH 2026
assert_fails "finance cannot delete a return" as "$FIN" q "DELETE FROM pbr.volume_return"
assert_fails "the regulator lands no return" as "$REG" q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-02', 'CO', 1)"
assert_fails "a CRC lands no return" as "$CRC1" q "INSERT INTO pbr.volume_return VALUES ('NORTH', '2025-02', 'CO', 1)"
assert_fails "a CRC records no waiver" as "$CRC1" q "INSERT INTO pbr.credit_waiver VALUES ('NORTH', '2025-04', 'K1', 'r', 'a')"
assert_eq 2 "$(as "$CRC1" q "SELECT count(*) FROM pbr.statement_in_force")" "CRC of NORTH sees its PbR and monthly statement"
assert_eq 0 "$(as "$CRC2" q "SELECT count(*) FROM pbr.statement_in_force")" "CRC of SOUTH sees no NORTH statement"
finish
