#!/usr/bin/env bash
# 620_monthly_validation: SPEC 11.2.  Every fault of a month's returns
# fails the run with exit 65 and one line naming the contract, the month
# and the fault; nothing is written or recorded.  A month that has not
# ended is refused; so is a contract without terms for the year.
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
OUT=$TMP/out
mkdir -p "$OUT"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
vol() { q "INSERT INTO pbr.volume_return VALUES ('$1', '$2', $3, $4)" >/dev/null; }
kpi() { q "INSERT INTO pbr.kpi_return VALUES ('$1', '$2', $3, $4, $5)" >/dev/null; }
reset() { q "DELETE FROM pbr.volume_return; DELETE FROM pbr.kpi_return" >/dev/null; }
run_north() { "$PBR" run --month "${1:-2025-06}" --contract NORTH --out "$OUT" --unsigned; }

# refused MESSAGE REGEX: the last run exited 65 with one line matching
# REGEX, wrote nothing and recorded nothing
refused() {
	assert_one_line "$LAST_ERR" "$1"
	assert_match "$2" "$(cat "$LAST_ERR")" "$1: the line names it"
	assert_empty_dir "$OUT" "$1: nothing written"
	assert_eq 0 "$(ledger)" "$1: nothing recorded"
}

# ---- volume returns --------------------------------------------------------------
assert_exit 65 run_north
refused "no volume return" "contract NORTH month 2025-06: no volume return for the month"

vol NORTH 2025-06 "'CO'" 10; vol NORTH 2025-06 "'UPW_HI'" 3
assert_exit 65 run_north
refused "band without a weight" "contract NORTH month 2025-06: .*band 'UPW_HI' has no band_weight for 2025"

reset; vol NORTH 2025-06 "'CO'" 10; vol NORTH 2025-06 "'XX'" 3
assert_exit 65 run_north
refused "unknown band" "contract NORTH month 2025-06: .*band 'XX' has no band_weight"

reset; vol NORTH 2025-06 NULL 3
assert_exit 65 run_north
refused "NULL band" "contract NORTH month 2025-06: a volume return of 2025-06 has no band_code"

reset; vol NORTH 2025-06 "'CO'" NULL
assert_exit 65 run_north
refused "NULL cases" "contract NORTH month 2025-06: .*band CO: cases NULL"

reset; vol NORTH 2025-06 "'CO'" 1000001
assert_exit 65 run_north
refused "cases one over 10^6" "contract NORTH month 2025-06: .*band CO: cases 1000001 outside 0..1000000"

reset; vol NORTH 2025-06 "'CO'" -1
assert_exit 65 run_north
refused "negative cases" "cases -1 outside 0..1000000"

reset; vol NORTH 2025-06 "'CO'" 1; vol NORTH 2025-06 "'CO'" 2
assert_exit 65 run_north
refused "two rows of one band" "contract NORTH month 2025-06: two volume returns of 2025-06 for band CO"

# a row of another contract or month, or a malformed month, is not this month's
reset; vol SOUTH 2025-06 "'CO'" 1; vol NORTH 2025-6 "'CO'" 1; vol NORTH 2025-07 "'CO'" 1
assert_exit 65 run_north
refused "other contracts' and months' rows do not count" "no volume return for the month"

# the edge values pass: 0 and 10^6 cases
reset; vol NORTH 2025-06 "'CO'" 1000000; vol NORTH 2025-06 "'SSO'" 0
mkdir -p "$TMP/edge"
assert_exit 0 "$PBR" run --month 2025-06 --contract NORTH --out "$TMP/edge" --dry-run
assert_eq 1000000000 "$(xp "$TMP/edge/NORTH-2025-06-draft.xml" /MonthlyStatement/Volumes/MonthVolumeMilli)" \
	"10^6 cases at 1 000 milli: 10^9"

# ---- KPI returns -------------------------------------------------------------------------
kpi NORTH 2025-06 "'K9'" 1 1
assert_exit 65 run_north
refused "KPI without a term" "contract NORTH month 2025-06: KPI return 'K9' has no kpi_term for 2025"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 NULL 1 1
assert_exit 65 run_north
refused "NULL kpi_code" "a KPI return has no kpi_code"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" 6 5
assert_exit 65 run_north
refused "numerator above denominator" "KPI return K1: numerator 6, denominator 5"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" 1 NULL
assert_exit 65 run_north
refused "NULL denominator" "KPI return K1: numerator 1, denominator NULL"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" -1 5
assert_exit 65 run_north
refused "negative numerator" "KPI return K1: numerator -1"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" 1 1000000000001
assert_exit 65 run_north
refused "denominator over 10^12" "denominator 1000000000001"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" 1 2; kpi NORTH 2025-06 "'K1'" 2 2
assert_exit 65 run_north
refused "two rows of one KPI" "two KPI returns for K1"
q "DELETE FROM pbr.kpi_return" >/dev/null
kpi NORTH 2025-06 "'K1'" 1000000000000 1000000000000
assert_exit 0 run_north
assert_eq MET "$(xp "$OUT/NORTH-2025-06-1.xml" "/MonthlyStatement/ServiceCredits/Kpi[@code='K1']/Status")" \
	"10^12 / 10^12 is accepted and MET"
rm -f "$OUT"/*

# ---- December needs all twelve months ---------------------------------------------------
createdb "${PGDATABASE}_dec" || die "createdb"
export PGDATABASE=${PGDATABASE}_dec
migrate
sql_file "$DATA/basic_ref.sql"
sql_file "$DATA/monthly_ref.sql"
for m in 01 02 03 04 05 07 08 09 10 11 12; do vol NORTH "2025-$m" "'CO'" 60; done
assert_exit 65 run_north 2025-12
refused "December without June's return" \
	"contract NORTH month 2025-12: the year-end volume reconciliation needs the volume return of 2025-06, which has none"
vol NORTH 2025-06 "'CO'" 60; vol NORTH 2025-06 "'SSO'" NULL
assert_exit 65 run_north 2025-12
refused "December with a bad row in June" "contract NORTH month 2025-12: volume return of 2025-06 band SSO: cases NULL"
q "DELETE FROM pbr.volume_return WHERE month = '2025-06' AND band_code = 'SSO'" >/dev/null
assert_exit 0 run_north 2025-12
assert_eq 720000 "$(xp "$OUT/NORTH-2025-12-1.xml" /MonthlyStatement/VolumeReconciliation/ActualMilli)" \
	"with every month returned: 12 * 60 000 = 720 000"
rm -f "$OUT"/*

# ---- months that cannot be billed ----------------------------------------------------------
now=$(date -u +%Y-%m)
assert_exit 65 "$PBR" run --month "$now" --out "$OUT" --unsigned
assert_match "month $now has not ended" "$(cat "$LAST_ERR")" "the current month is refused (paid in arrears)"
assert_exit 65 "$PBR" run --month 9999-12 --out "$OUT" --unsigned
assert_match "has not ended" "$(cat "$LAST_ERR")" "a future month is refused"
assert_exit 65 "$PBR" run --month 2024-05 --contract NORTH --out "$OUT" --unsigned
assert_match "contract NORTH is not billed for month 2024-05: it has no contract_year row for 2024" \
	"$(cat "$LAST_ERR")" "a contract without terms for the year is refused"
assert_exit 0 "$PBR" run --month 2024-05 --out "$OUT" --unsigned
assert_match "no contract is billed for 2024-05" "$(cat "$LAST_ERR")" "no contract billed: exit 0 with a note"
assert_empty_dir "$OUT" "nothing written for unbilled months"

# ---- the command line --------------------------------------------------------------------
assert_exit 64 "$PBR" run --month 2025-13 --out "$OUT" --unsigned
assert_exit 64 "$PBR" run --month 2025-1 --out "$OUT" --unsigned
assert_exit 64 "$PBR" run --month 2025-06 --out "$OUT"
assert_match "FINAL statements are signed: give --sign-key PEM --sign-cert PEM, or --unsigned" "$(cat "$LAST_ERR")" "a FINAL monthly statement must be signed or --unsigned"
assert_exit 64 "$PBR" run --month 2025-06 --period 2025Q4 --out "$OUT" --unsigned
assert_exit 64 "$PBR" run --month 2025-06 --out "$OUT" --restate --unsigned
assert_exit 73 "$PBR" run --month 2025-06 --out "$TMP/missing" --unsigned
finish
