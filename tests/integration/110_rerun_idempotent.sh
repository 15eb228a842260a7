#!/usr/bin/env bash
# 110_rerun_idempotent: running a settled period again with unchanged
# inputs rewrites the byte-identical statement (and annex) and records
# nothing (SPEC 7, 8); with a changed cohort row, or a different tariff in
# force, it refuses with exit 65, saying what changed, and neither the
# ledger nor the files change.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4.
# Contract AUD: 12 rows of CPAU in 2024Q1, 5 accepted, 7 rejected;
#   W 55000, B 2 900 000 000 (Pb 29 000), F 38 000 000 (Pf 76 000), T 105 000
#   (worked in 100_signing).  AUD2: T 90 000.
# The change: A04's reoffence_count 0 -> 1 (y 0 -> 1): b 3e9 -> -7e9, so
#   B = 2.9e9 - 10e9 < 0 (T would be 0); members stay 5, rejected 7.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT" "$TMP/refused"
X=$OUT/AUD-2025Q4-1.xml
A=$OUT/AUD-2025Q4-1-annex.csv
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
ledger_dump() { q "SELECT statement_id, run_id, input_digest, statement_digest, created_at FROM pbr.settlement ORDER BY 1"; }
files() { (cd "$OUT" && find . -type f | sort | xargs sha256sum); }

assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
[ -s "$X" ] || die "no statement $X"
assert_fig "$X" Cohort/TotalPence 105000
assert_eq 2 "$(ledger)" "two statements (AUD, AUD2)"
cp "$X" "$TMP/x.1"
cp "$A" "$TMP/a.1"
cp "$OUT/AUD2-2025Q4-1.xml" "$TMP/x2.1"
before=$(ledger_dump)
seq_before=$(q "SELECT last_value FROM pbr.run_id_seq")

# ---- re-run, unchanged inputs ------------------------------------------------------
sleep 1.1 # a later clock must not leak into CreatedAt
for i in 1 2; do
	assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
	assert_true "re-run $i: statement byte-identical" cmp -s "$X" "$TMP/x.1"
	assert_true "re-run $i: annex byte-identical" cmp -s "$A" "$TMP/a.1"
	assert_true "re-run $i: AUD2 statement byte-identical" cmp -s "$OUT/AUD2-2025Q4-1.xml" "$TMP/x2.1"
	assert_eq 2 "$(ledger)" "re-run $i adds no ledger row"
	assert_match 'unchanged' "$(cat "$LAST_OUT")" "re-run $i says the statement is unchanged"
done
assert_eq "$before" "$(ledger_dump)" "ledger rows unchanged by the re-runs"
assert_true "no AUD-2025Q4-2" test ! -e "$OUT/AUD-2025Q4-2.xml"
# into another, empty directory: the same bytes
mkdir -p "$TMP/again"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/again"
assert_true "re-run elsewhere: same bytes" cmp -s "$TMP/again/AUD-2025Q4-1.xml" "$TMP/x.1"
# --restate with unchanged inputs restates nothing
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT" --restate --reason "nothing changed"
assert_match 'unchanged' "$(cat "$LAST_ERR")" "--restate with unchanged inputs: a note says so"
assert_true "--restate unchanged: same bytes" cmp -s "$X" "$TMP/x.1"
assert_eq 2 "$(ledger)" "--restate unchanged adds no ledger row"
# the re-runs may draw run ids, but what is recorded stays as it was
assert_true "run id sequence only grows" test "$(q "SELECT last_value FROM pbr.run_id_seq")" -ge "$seq_before"

# ---- a changed cohort row: refused -----------------------------------------------
snapshot=$(files)
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'A04'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_one_line "$LAST_ERR" "changed inputs: one line on stderr"
err=$(cat "$LAST_ERR")
assert_match 'AUD' "$err" "names the contract"
assert_match '2025Q4' "$err" "names the period"
assert_match 'AUD-2025Q4-1' "$err" "names the statement in force"
assert_match '[Ii]nput digest' "$err" "says the input digest changed"
assert_match "$(q "SELECT left(input_digest, 12) FROM pbr.settlement WHERE statement_id = 'AUD-2025Q4-1'")" "$err" \
	"quotes the recorded input digest"
assert_match '\-\-restate' "$err" "says how to restate"
assert_eq "$before" "$(ledger_dump)" "ledger untouched by the refusal"
assert_eq "$snapshot" "$(files)" "files untouched by the refusal"
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/refused"
assert_empty_dir "$TMP/refused" "refusal writes nothing into a fresh directory"
# a whole-period run refuses too, and settles nothing (AUD2 is unchanged)
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
assert_eq "$before" "$(ledger_dump)" "whole-period run: ledger untouched"
assert_eq "$snapshot" "$(files)" "whole-period run: files untouched"
# a dry run still works, and records nothing
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/draft" --dry-run
assert_fig "$TMP/draft/AUD-2025Q4-draft.xml" Cohort/TotalPence 0
assert_eq "$before" "$(ledger_dump)" "dry run: ledger untouched"

# ---- a removed row, an added row: refused too ------------------------------------
sql -c "UPDATE pbr.cohort_member SET reoffence_count = 0 WHERE offender_ref = 'A04'" >/dev/null
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'R05'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_match 'rejected 7 -> 6' "$(cat "$LAST_ERR")" "removed reject: 'rejected 7 -> 6'"
sql -c "INSERT INTO pbr.cohort_member VALUES ('R05', '2024Q1', 'CPAU', 'U2', '2024-02-04', 500000, 1000, '', NULL, 'final'),
	('A09', '2024Q1', 'CPAU', 'U1', '2024-02-09', 500000, 1000, '', 0, 'final')" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_match 'members 5 -> 6' "$(cat "$LAST_ERR")" "added member: 'members 5 -> 6'"
sql -c "DELETE FROM pbr.cohort_member WHERE offender_ref = 'A09'" >/dev/null
# a row of another quarter or CPA is no input of AUD 2025Q4
sql -c "UPDATE pbr.cohort_member SET predicted_binary_ppm = 1 WHERE offender_ref IN ('V01', 'P01')" >/dev/null
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_true "inputs restored: byte-identical again" cmp -s "$X" "$TMP/x.1"
assert_eq "$before" "$(ledger_dump)" "inputs restored: ledger untouched"

# ---- a different tariff in force: refused ----------------------------------------
sql -c "UPDATE pbr.contract_tariff SET tariff_version = 'TU2' WHERE contract_id = 'AUD'" >/dev/null
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_match 'tariff TU -> TU2' "$(cat "$LAST_ERR")" "says the tariff changed (TU -> TU2)"
assert_eq "$before" "$(ledger_dump)" "tariff change: ledger untouched"
assert_true "tariff change: statement untouched" cmp -s "$X" "$TMP/x.1"

finish
