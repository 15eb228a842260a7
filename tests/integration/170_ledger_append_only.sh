#!/usr/bin/env bash
# 170_ledger_append_only: the ledger pbr.settlement is append-only (SPEC 7):
# UPDATE, DELETE and TRUNCATE fail, even for the superuser the tests connect
# as; and a tariff that a statement used can no longer change (a statement
# must stay re-derivable), while an unused one still can.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4: AUD and
# AUD2 both under tariff TU; TU2 is used by no contract.
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
X=$OUT/AUD-2025Q4-1.xml
[ -s "$X" ] || die "no statement $X"
assert_eq t "$(q "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" "connected as a superuser"
dump() { q "SELECT statement_id, run_id, total_pence, statement_digest, md5(statement_xml) FROM pbr.settlement ORDER BY 1"; }
before=$(dump)
assert_eq 2 "$(q "SELECT count(*) FROM pbr.settlement")" "two ledger rows"

# refused MESSAGE SQL: the statement fails and the error names the ledger
refused() {
	CHECKS=$((CHECKS + 1))
	if sql -c "$2" >"$TMP/sql.out" 2>&1; then
		fail "$1: succeeded"
	elif grep -q 'append-only' "$TMP/sql.out"; then
		pass "$1 refused: $(grep -m1 ERROR "$TMP/sql.out")"
	else
		fail "$1: failed, but not as append-only: $(cat "$TMP/sql.out")"
	fi
}

refused "UPDATE of a figure" "UPDATE pbr.settlement SET total_pence = 1 WHERE statement_id = 'AUD-2025Q4-1'"
refused "UPDATE of the statement bytes" "UPDATE pbr.settlement SET statement_xml = convert_to('<x/>', 'UTF8')"
refused "UPDATE of every row" "UPDATE pbr.settlement SET reason = 'x'"
refused "DELETE of one row" "DELETE FROM pbr.settlement WHERE statement_id = 'AUD2-2025Q4-1'"
refused "DELETE of every row" "DELETE FROM pbr.settlement"
refused "TRUNCATE" "TRUNCATE pbr.settlement"
refused "TRUNCATE CASCADE" "TRUNCATE pbr.settlement CASCADE"
refused "upsert that updates" "INSERT INTO pbr.settlement SELECT * FROM pbr.settlement WHERE statement_id = 'AUD-2025Q4-1'
	ON CONFLICT (statement_id) DO UPDATE SET total_pence = 0"
refused "UPDATE inside a transaction" "BEGIN; UPDATE pbr.settlement SET amount_due_pence = 0; COMMIT;"
assert_fails "deleting a contract with statements" sql -c "DELETE FROM pbr.contract WHERE id = 'AUD'"
assert_eq "$before" "$(dump)" "ledger rows unchanged after all attempts"
assert_exit 0 "$PBR" verify --allow-unsigned "$X"

# ---- tariffs ------------------------------------------------------------------------
frozen() {
	CHECKS=$((CHECKS + 1))
	if sql -c "$2" >"$TMP/sql.out" 2>&1; then
		fail "$1: succeeded"
	elif grep -q 'TU is used by a settlement statement' "$TMP/sql.out"; then
		pass "$1 refused: $(grep -m1 ERROR "$TMP/sql.out")"
	else
		fail "$1: failed, but not because TU is used: $(cat "$TMP/sql.out")"
	fi
}
tariff_dump() { q "SELECT t.*, (SELECT string_agg(need_code || '=' || uplift_bp, ',' ORDER BY need_code) FROM pbr.tariff_need_uplift WHERE tariff_version = 'TU') FROM pbr.tariff t WHERE version = 'TU'"; }
tbefore=$(tariff_dump)
frozen "UPDATE of the binary price" "UPDATE pbr.tariff SET binary_price_pence = 100001 WHERE version = 'TU'"
frozen "UPDATE of the description only" "UPDATE pbr.tariff SET description = 'renamed' WHERE version = 'TU'"
frozen "UPDATE of the cap of every tariff" "UPDATE pbr.tariff SET cohort_cap_pence = cohort_cap_pence + 1"
frozen "DELETE of the tariff" "DELETE FROM pbr.tariff WHERE version = 'TU'"
frozen "UPDATE of an uplift" "UPDATE pbr.tariff_need_uplift SET uplift_bp = 2001 WHERE tariff_version = 'TU' AND need_code = 'ACC'"
frozen "DELETE of an uplift" "DELETE FROM pbr.tariff_need_uplift WHERE tariff_version = 'TU' AND need_code = 'SUB'"
frozen "INSERT of a new uplift (MH had none)" "INSERT INTO pbr.tariff_need_uplift VALUES ('TU', 'MH', 500)"
assert_eq "$tbefore" "$(tariff_dump)" "tariff TU unchanged after all attempts"
# re-inserting an existing uplift row with ON CONFLICT DO NOTHING changes nothing and passes
assert_true "INSERT ... ON CONFLICT DO NOTHING of an existing uplift passes" \
	sql -c "INSERT INTO pbr.tariff_need_uplift VALUES ('TU', 'ACC', 2000) ON CONFLICT DO NOTHING"
# an unused tariff can still change
assert_true "unused tariff TU2 can change" sql -c "UPDATE pbr.tariff SET binary_price_pence = 300000 WHERE version = 'TU2'"
assert_true "unused tariff TU2 can gain an uplift" sql -c "INSERT INTO pbr.tariff_need_uplift VALUES ('TU2', 'SUB', 100)"
assert_true "unused tariff TU2 can lose an uplift" sql -c "DELETE FROM pbr.tariff_need_uplift WHERE tariff_version = 'TU2' AND need_code = 'ACC'"
# a dry run records nothing, so it does not freeze a tariff
sql -c "UPDATE pbr.contract_tariff SET tariff_version = 'TU2' WHERE contract_id = 'AUD2'" >/dev/null
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2026Q2 --contract AUD2 --out "$TMP/draft" --dry-run --allow-empty
assert_true "TU2 still changeable after a dry run" sql -c "UPDATE pbr.tariff SET description = 'still free' WHERE version = 'TU2'"
# the statements still verify: nothing they were derived from changed
assert_exit 0 "$PBR" verify --allow-unsigned "$X"

finish
