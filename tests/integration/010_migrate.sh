#!/usr/bin/env bash
# 010_migrate: migrate creates the SPEC section 2 tables with their columns,
# a second migrate is a no-op, and a tampered checksum in the bookkeeping
# table makes migrate refuse (exit 65).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

assert_exit 0 "$PBR" migrate

# every input table of SPEC section 2, column by column, in table order:
# name:data_type:nullable
expect_columns() {
	local table=$1 want got
	shift
	want=$(printf '%s\n' "$@")
	got=$(q "SELECT column_name || ':' || data_type || ':' || is_nullable
	           FROM information_schema.columns
	          WHERE table_schema = 'pbr' AND table_name = '$table'
	          ORDER BY ordinal_position")
	assert_eq "$want" "$got" "columns of pbr.$table"
}

expect_columns cpa code:text:NO name:text:NO
expect_columns pcc_area code:text:NO name:text:NO cpa_code:text:NO
expect_columns provider id:text:NO name:text:NO
expect_columns need code:text:NO description:text:NO
expect_columns tariff version:text:NO binary_price_pence:bigint:NO \
	frequency_price_pence:bigint:NO binary_hurdle_ppm:integer:NO \
	cohort_cap_pence:bigint:NO max_weight_bp:integer:NO \
	max_reject_ppm:integer:NO description:text:NO binary_mode:text:NO \
	significance_z_milli:integer:NO deduction_price_pence:bigint:NO \
	deduction_cap_pence:bigint:NO termination_ppm:integer:YES
expect_columns tariff_need_uplift tariff_version:text:NO need_code:text:NO \
	uplift_bp:integer:NO
expect_columns contract id:text:NO provider_id:text:NO cpa_code:text:NO \
	first_cohort:text:NO last_cohort:text:NO
expect_columns contract_tariff contract_id:text:NO from_cohort:text:NO \
	tariff_version:text:NO
expect_columns cohort_member offender_ref:text:NO cohort_quarter:text:NO \
	cpa_code:text:NO pcc_code:text:YES start_date:date:YES \
	predicted_binary_ppm:integer:YES predicted_frequency_milli:integer:YES \
	needs:text:NO reoffence_count:integer:YES outcome_status:text:YES

# keys: primary keys and foreign keys of the reference tables
pk() {
	q "SELECT string_agg(a.attname, ',' ORDER BY k.ord)
	     FROM pg_constraint c
	     CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
	     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
	    WHERE c.conrelid = 'pbr.$1'::regclass AND c.contype = 'p'"
}
assert_eq code "$(pk cpa)" "primary key of pbr.cpa"
assert_eq code "$(pk pcc_area)" "primary key of pbr.pcc_area"
assert_eq version "$(pk tariff)" "primary key of pbr.tariff"
assert_eq tariff_version,need_code "$(pk tariff_need_uplift)" \
	"primary key of pbr.tariff_need_uplift"
assert_eq contract_id,from_cohort "$(pk contract_tariff)" \
	"primary key of pbr.contract_tariff"
assert_eq "" "$(pk cohort_member)" "pbr.cohort_member is a loose landing table"
fks=$(q "SELECT count(*) FROM pg_constraint
          WHERE contype = 'f' AND connamespace = 'pbr'::regnamespace
            AND conrelid::regclass::text IN ('pbr.pcc_area', 'pbr.tariff_need_uplift',
                'pbr.contract', 'pbr.contract_tariff')")
# pcc_area->cpa, uplift->tariff, uplift->need, contract->provider,
# contract->cpa, contract_tariff->contract, contract_tariff->tariff
assert_eq 7 "$fks" "foreign keys of the reference tables"
fk_cm=$(q "SELECT count(*) FROM pg_constraint
            WHERE conrelid = 'pbr.cohort_member'::regclass AND contype IN ('f', 'c', 'u', 'p')")
assert_eq 0 "$fk_cm" "no constraints on pbr.cohort_member"
# the CHECK constraints of contract.id and contract_tariff.from_cohort bite
assert_fails "CHECK constraint" sql -c "INSERT INTO pbr.cpa VALUES ('X', 'x');
	INSERT INTO pbr.provider VALUES ('P', 'p');
	INSERT INTO pbr.contract VALUES ('bad id', 'P', 'X', '2023Q1', '2023Q4')"
assert_fails "CHECK constraint" sql -c "INSERT INTO pbr.cpa VALUES ('X', 'x');
	INSERT INTO pbr.provider VALUES ('P', 'p');
	INSERT INTO pbr.tariff (version, binary_price_pence, frequency_price_pence,
	    binary_hurdle_ppm, cohort_cap_pence, max_weight_bp, max_reject_ppm)
	    VALUES ('T', 1, 1, 1, 1, 10000, 0);
	INSERT INTO pbr.contract VALUES ('OK', 'P', 'X', '2023Q1', '2023Q4');
	INSERT INTO pbr.contract_tariff VALUES ('OK', '2023Q2', 'T')"
# needs defaults to ''
assert_eq "" "$(q "SELECT column_default FROM information_schema.columns
                    WHERE table_schema = 'pbr' AND table_name = 'cohort_member'
                      AND column_name = 'needs'" | grep -v "''" )" \
	"cohort_member.needs defaults to ''"

# the bookkeeping table
MIG=pbr.schema_migration
assert_eq 1 "$(q "SELECT count(*) FROM information_schema.tables
                   WHERE table_schema = 'pbr' AND table_name = 'schema_migration'")" \
	"migrations are recorded in $MIG"
nmig_files=$(find "$SRCDIR/migrations" -maxdepth 1 -name '*.sql' | wc -l)
nmig=$(q "SELECT count(*) FROM $MIG")
assert_eq "$nmig_files" "$nmig" "one $MIG row per migrations/*.sql"
# each recorded checksum is the SHA-256 of the file
while IFS='|' read -r file sum; do
	path=$SRCDIR/migrations/$(basename "$file")
	if [ -f "$path" ]; then
		assert_eq "$(sha256sum <"$path" | cut -d' ' -f1)" "$sum" "sha256 of $file"
	else
		fail "$MIG names $file, not in migrations/"
	fi
done < <(q "SELECT filename, sha256 FROM $MIG ORDER BY version")

# a second migrate changes nothing
before=$(sql -c "SELECT * FROM $MIG ORDER BY version")
tables_before=$(q "SELECT string_agg(table_name, ',' ORDER BY table_name)
                     FROM information_schema.tables WHERE table_schema = 'pbr'")
assert_exit 0 "$PBR" migrate
assert_eq "$before" "$(sql -c "SELECT * FROM $MIG ORDER BY version")" \
	"second migrate leaves $MIG alone"
assert_eq "$tables_before" "$(q "SELECT string_agg(table_name, ',' ORDER BY table_name)
                     FROM information_schema.tables WHERE table_schema = 'pbr'")" \
	"second migrate creates no table"

# data survives a second migrate
sql_file "$DATA/basic_ref.sql"
assert_exit 0 "$PBR" migrate
assert_eq 4 "$(q "SELECT count(*) FROM pbr.pcc_area")" "reference data kept"

# a tampered checksum: migrate refuses with one line naming the migration
first=$(q "SELECT min(version) FROM $MIG")
sql -c "UPDATE $MIG SET sha256 = repeat('0', 64) WHERE version = '$first'" >/dev/null
assert_exit 65 "$PBR" migrate
assert_one_line "$LAST_ERR" "checksum mismatch message"
fname=$(q "SELECT filename FROM $MIG WHERE version = '$first'")
assert_true "message names the migration ($fname)" \
	grep -qF "$(basename "$fname")" "$LAST_ERR"

# no database: exit 69
assert_exit 69 env PGHOST="$TMP/nowhere" "$PBR" migrate
assert_one_line "$LAST_ERR" "db unavailable message"

finish
