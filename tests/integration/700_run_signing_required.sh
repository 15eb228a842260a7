#!/usr/bin/env bash
# 700_run_signing_required: SPEC 7, issue 11 #3.  A FINAL statement is
# signed: `run` without --sign-key/--sign-cert refuses with 64, one line,
# nothing written or recorded, unless --unsigned says it is meant.  A dry
# run (DRAFT) needs neither; --unsigned with a key is a contradiction (64).
# A re-run reissues the recorded bytes, signed or not, and notes when a key
# given now leaves an unsigned statement unsigned.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4.
# Contract AUD: T 105 000 (worked in 100_signing); AUD2: T 90 000.
migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
ledger() { q "SELECT count(*) FROM pbr.settlement"; }
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=finance" \
	-keyout "$TMP/k.pem" -out "$TMP/c.pem" >/dev/null 2>&1 || die "openssl failed"

mkdir -p "$TMP/refused"
assert_exit 64 "$PBR" run --period 2025Q4 --out "$TMP/refused"
assert_one_line "$LAST_ERR" "unsigned FINAL run refused"
assert_match 'sign.*--unsigned' "$(cat "$LAST_ERR")" "the message names --sign-key and --unsigned"
assert_empty_dir "$TMP/refused" "refused: nothing written"
assert_eq 0 "$(ledger)" "refused: nothing recorded"
assert_exit 64 "$PBR" run --period 2025Q4 --out "$TMP/refused" --unsigned \
	--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
assert_match 'exclude' "$(cat "$LAST_ERR")" "--unsigned with a key: contradiction"

# a dry run needs neither
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/draft" --dry-run
assert_fig "$TMP/draft/AUD-2025Q4-draft.xml" Header/Status DRAFT
assert_eq 0 "$(xcount "$TMP/draft/AUD-2025Q4-draft.xml" //Signature)" "the draft is not signed"
assert_eq 0 "$(ledger)" "dry run: nothing recorded"

# --unsigned: issued on purpose, unsigned
mkdir -p "$TMP/out"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/out" --unsigned
assert_fig "$TMP/out/AUD-2025Q4-1.xml" Cohort/TotalPence 105000
assert_eq 0 "$(xcount "$TMP/out/AUD-2025Q4-1.xml" //Signature)" "--unsigned: no signature"
# signed: verifiable by stock xmlsec1
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD2 --out "$TMP/out" \
	--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
assert_fig "$TMP/out/AUD2-2025Q4-1.xml" Cohort/TotalPence 90000
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$TMP/out/AUD2-2025Q4-1.xml"
assert_eq 2 "$(ledger)" "two statements recorded"

# SPEC 7: a re-run with unchanged inputs reissues the recorded bytes; a key
# given now does not sign the statement recorded unsigned, and says so
cp "$TMP/out/AUD-2025Q4-1.xml" "$TMP/aud-unsigned.xml"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/out" \
	--sign-key "$TMP/k.pem" --sign-cert "$TMP/c.pem"
assert_match 'AUD-2025Q4-1 was recorded unsigned and is reissued as recorded' \
	"$(cat "$LAST_ERR")" "re-run with a key: the note says it stays unsigned"
assert_exit 0 cmp "$TMP/aud-unsigned.xml" "$TMP/out/AUD-2025Q4-1.xml"
assert_eq 2 "$(ledger)" "re-run: nothing new recorded"
# and the signed one re-run --unsigned stays signed, without that note
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD2 --out "$TMP/out" --unsigned
assert_eq "" "$(grep 'recorded unsigned' "$LAST_ERR")" "no note for a signed statement"
assert_exit 0 xmlsec1 --verify --trusted-pem "$TMP/c.pem" "$TMP/out/AUD2-2025Q4-1.xml"
finish
