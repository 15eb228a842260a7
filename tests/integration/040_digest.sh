#!/usr/bin/env bash
# 040_digest: the statement's InputDigest is exactly what the psql one-liner
# of SPEC 7 prints, NULLs, awkward characters and same-ref rows included;
# AnnexDigest is sha256sum of the annex file.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/basic_ref.sql"
load_csv "$DATA/basic_cohort.csv"
# allow any share of rejects here
sql -c "UPDATE pbr.tariff SET max_reject_ppm = 1000000" >/dev/null
# Extra rows of NORTH / 2024Q1:
#  - NULLs everywhere they are allowed (BAD_PREDICTION),
#  - the same offender_ref twice with different lines (order by the line),
#  - upper/lower case refs (bytewise: 'Z' < 'a'),
#  - a ref with a comma and a double quote (annex quoting),
#  - a needs list and a ref with '|'.
sql <<'SQL' >/dev/null
INSERT INTO pbr.cohort_member VALUES
  ('K01', '2024Q1', 'CPA1', NULL, NULL, NULL, NULL, '', NULL, 'final'),
  ('DUP', '2024Q1', 'CPA1', 'A2', '2024-02-02', 100000, 100, '', 0, 'final'),
  ('DUP', '2024Q1', 'CPA1', 'A1', '2024-02-02', 100000, 100, '', 0, 'final'),
  ('DUP', '2024Q1', 'CPA1', 'A1', '2024-02-02', 100000, 100, 'ACC', 0, 'final'),
  ('a01', '2024Q1', 'CPA1', 'A1', '2024-01-03', 200000, 0, '', 0, 'final'),
  ('Z01', '2024Q1', 'CPA1', 'A1', '2024-01-03', 200000, 0, '', 0, 'final'),
  ('Q"1,2', '2024Q1', 'CPA1', 'A2', '2024-03-01', 200000, 0, 'MH', 0, 'final'),
  ('P|1', '2024Q1', 'CPA1', 'A2', '2024-03-01', 200000, 0, 'SUB|X', 0, 'final');
SQL


OUT=$TMP/out
mkdir -p "$OUT" "$TMP/d1" "$TMP/d2" "$TMP/d3" "$TMP/d4"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
X=$OUT/NORTH-2025Q4-1.xml
ANNEX=$OUT/NORTH-2025Q4-1-annex.csv
[ -s "$X" ] || die "no statement"
want=$(psql_input_digest CPA1 2024Q1)
assert_eq "$want" "$(sx "$X" Header/InputDigest)" "NORTH InputDigest = psql | sha256sum"
assert_eq "$(sha256sum <"$ANNEX" | cut -d' ' -f1)" "$(sx "$X" Header/AnnexDigest)" \
	"NORTH AnnexDigest = sha256sum of the annex"
assert_eq "$(psql_input_digest CPA2 2024Q1)" "$(sx "$OUT/SOUTH-2025Q4-1.xml" Header/InputDigest)" \
	"SOUTH InputDigest"
assert_eq "$(sha256sum <"$OUT/SOUTH-2025Q4-1-annex.csv" | cut -d' ' -f1)" \
	"$(sx "$OUT/SOUTH-2025Q4-1.xml" Header/AnnexDigest)" "SOUTH AnnexDigest"

# the rows of the cohort, in digest order, are the annex's rows in order
# (the three DUP lines sort by their whole line: A1|..|ACC, A1|..|'', A2)
refs=$(PGDATESTYLE=ISO psql -X -At -c "SELECT offender_ref FROM pbr.cohort_member
         WHERE cpa_code = 'CPA1' AND cohort_quarter = '2024Q1'
         ORDER BY offender_ref COLLATE \"C\"" | paste -sd' ' -)
assert_eq 'DUP DUP DUP K01 M01 M02 M03 M04 M05 M06 M07 M08 P|1 Q"1,2 R09 R10 Z01 a01' \
	"$refs" "digest order of the refs (bytewise)"
assert_eq 19 "$(wc -l <"$ANNEX")" "annex: header + 18 rows"
assert_eq 'DUP,A1,,100000,,100,0,,,DUPLICATE
DUP,A1,,100000,,100,0,,,DUPLICATE
DUP,A2,,100000,,100,0,,,DUPLICATE' "$(sed -n 2,4p "$ANNEX")" \
	"same-date DUP rows: all rejected, in line order"
assert_eq 'K01,,,,,,,,,BAD_PREDICTION' "$(grep '^K01,' "$ANNEX")" \
	"NULLs are empty in the annex"
assert_eq '"Q""1,2",A2,10000,200000,0,0,0,2000000000,0,ACCEPTED' \
	"$(grep '^"Q' "$ANNEX")" "RFC 4180 quoting of a ref with , and \""
assert_eq 'P|1,A2,,200000,,0,0,,,UNKNOWN_NEED' "$(grep '^P|1,' "$ANNEX")" \
	"'SUB|X' is an unknown need"
assert_eq 'Z01 a01' "$(tail -n 2 "$ANNEX" | cut -d, -f1 | paste -sd' ' -)" \
	"bytewise order: Z01 before a01"
assert_rejects "$X" 1 0 2 1 0 3
assert_eq 11 "$(sx "$X" Cohort/Members)" "Members (8 + Q\"1,2 + a01 + Z01)"
assert_eq 7 "$(sx "$X" Cohort/Rejected)" "Rejected"

# ---- the digest follows the cohort's rows, and only them --------------------
d0=$(sx "$X" Header/InputDigest)
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/d1" --dry-run
assert_eq "$d0" "$(sx "$TMP/d1/NORTH-2025Q4-draft.xml" Header/InputDigest)" \
	"dry run, same inputs: same digest"
sql -c "UPDATE pbr.cohort_member SET predicted_frequency_milli = 1001
         WHERE offender_ref = 'N01'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/d2" --dry-run
assert_eq "$d0" "$(sx "$TMP/d2/NORTH-2025Q4-draft.xml" Header/InputDigest)" \
	"a change in another cohort leaves the digest alone"
sql -c "UPDATE pbr.cohort_member SET needs = 'MH' WHERE offender_ref = 'M01'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract NORTH --out "$TMP/d3" --dry-run
d3=$(sx "$TMP/d3/NORTH-2025Q4-draft.xml" Header/InputDigest)
assert_true "a change in the cohort changes the digest" test "$d0" != "$d3"
assert_eq "$(psql_input_digest CPA1 2024Q1)" "$d3" "changed digest = psql | sha256sum"
assert_eq "$(sha256sum <"$TMP/d3/NORTH-2025Q4-draft-annex.csv" | cut -d' ' -f1)" \
	"$(sx "$TMP/d3/NORTH-2025Q4-draft.xml" Header/AnnexDigest)" "draft AnnexDigest"

# changed inputs for a settled period: refused without --restate (SPEC 7)
assert_exit 65 "$PBR" run --unsigned --period 2025Q4 --contract NORTH --out "$TMP/d4"
assert_one_line "$LAST_ERR" "inputs changed message"
assert_empty_dir "$TMP/d4" "nothing written when inputs changed"

finish
