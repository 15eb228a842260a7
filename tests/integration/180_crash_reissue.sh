#!/usr/bin/env bash
# 180_crash_reissue: a crash after the ledger COMMIT but before the rename
# leaves a ledger row whose files never appeared (SPEC 7).  Simulated by
# deleting the statement and annex after a run (and leaving stale temporary
# files, as a killed process would): the next run reissues both byte for
# byte (the statement from the bytes kept in the ledger) and records nothing.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4:
# AUD T 105 000, AUD2 T 90 000 (worked in 100_signing).
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
SAVE=$TMP/save
mkdir -p "$OUT" "$SAVE"
X=$OUT/AUD-2025Q4-1.xml
A=$OUT/AUD-2025Q4-1-annex.csv
X2=$OUT/AUD2-2025Q4-1.xml
A2=$OUT/AUD2-2025Q4-1-annex.csv
ledger_dump() { q "SELECT statement_id, run_id, statement_digest, created_at FROM pbr.settlement ORDER BY 1"; }

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj /CN=crash \
	-keyout "$TMP/k.pem" -out "$TMP/c.pem" >/dev/null 2>&1 || die "openssl failed"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" --sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
for f in "$X" "$A" "$X2" "$A2"; do
	[ -s "$f" ] || die "no $f"
	cp "$f" "$SAVE/"
done
before=$(ledger_dump)
sleep 1.1 # a later clock must not show in the reissue

# ---- both files of both contracts lost, stale temporaries left behind -------------
rm -f "$X" "$A" "$X2" "$A2"
printf '<?xml version="1.0"?><SettlementStatement' >"$OUT/.AUD-2025Q4-1.xml.tmp.999999"
printf 'offender_ref,pcc' >"$OUT/.AUD-2025Q4-annex.csv.tmp.999999"
# reissued with no signing key given: the stored, signed bytes come back
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$OUT"
assert_match 'reissued' "$(cat "$LAST_OUT")" "the run says the statements were reissued"
for f in "$X" "$A" "$X2" "$A2"; do
	assert_true "$(basename "$f") reissued byte-identical" cmp -s "$f" "$SAVE/$(basename "$f")"
done
assert_eq "$before" "$(ledger_dump)" "no new ledger row"
assert_true "reissued statement still signed and valid (xmlsec1)" \
	xmlsec1 --verify --pubkey-cert-pem "$TMP/c.pem" "$X"
assert_exit 0 "$PBR" verify "$X" --cert "$TMP/c.pem"

# ---- only the statement lost ------------------------------------------------------
rm -f "$X"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_true "statement alone reissued byte-identical" cmp -s "$X" "$SAVE/AUD-2025Q4-1.xml"
assert_true "annex untouched" cmp -s "$A" "$SAVE/AUD-2025Q4-1-annex.csv"
# ---- only the annex lost ---------------------------------------------------------
rm -f "$A"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_true "annex alone reissued byte-identical" cmp -s "$A" "$SAVE/AUD-2025Q4-1-annex.csv"
assert_true "statement unchanged" cmp -s "$X" "$SAVE/AUD-2025Q4-1.xml"
# ---- into a new, empty directory (the original one lost) -------------------------
mkdir -p "$TMP/new"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --out "$TMP/new"
for f in AUD-2025Q4-1.xml AUD-2025Q4-1-annex.csv AUD2-2025Q4-1.xml AUD2-2025Q4-1-annex.csv; do
	assert_true "$f reissued into a new directory byte-identical" cmp -s "$TMP/new/$f" "$SAVE/$f"
done
assert_eq 6 "$(find "$TMP/new" -type f | wc -l)" "new directory: just the 4 files, the run manifest and the unassigned list"
assert_eq "$before" "$(ledger_dump)" "still no new ledger row"

# ---- a restatement lost: the statement in force (seq 2) is reissued ---------------
# A01 f 1500 -> 2000: F 38e6 -> 43e6, Pf 86 000, T 115 000 (see 120)
sql -c "UPDATE pbr.cohort_member SET predicted_frequency_milli = 2000 WHERE offender_ref = 'A01'" >/dev/null
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$OUT" --restate --reason "A01 corrected" \
	--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
R=$OUT/AUD-2025Q4-2.xml
RA=$OUT/AUD-2025Q4-2-annex.csv
[ -s "$R" ] || die "no restatement $R"
assert_fig "$R" Cohort/TotalPence 115000
cp "$R" "$RA" "$SAVE/"
after=$(ledger_dump)
rm -f "$R" "$RA"
assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$OUT"
assert_true "restatement reissued byte-identical" cmp -s "$R" "$SAVE/AUD-2025Q4-2.xml"
assert_true "restatement annex reissued byte-identical" cmp -s "$RA" "$SAVE/AUD-2025Q4-2-annex.csv"
assert_true "the superseded statement is not rewritten" cmp -s "$X" "$SAVE/AUD-2025Q4-1.xml"
assert_true "no seq 3" test ! -e "$OUT/AUD-2025Q4-3.xml"
assert_eq "$after" "$(ledger_dump)" "restatement reissue: no new ledger row"
assert_eq 3 "$(q "SELECT count(*) FROM pbr.settlement")" "3 ledger rows in all"

finish
