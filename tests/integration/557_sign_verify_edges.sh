#!/usr/bin/env bash
# 557_sign_verify_edges: the edges of signing, certifying and verifying
# that a user can reach, each with its exit code and its one message.
#   - a signing key and a certificate that do not belong together are
#     refused (65) by run and certify alike, before anything is written or
#     recorded (xmlsec would sign with the key and embed the other
#     certificate: a FINAL statement nobody can verify);
#   - certify refuses a statement that is not well-formed, not valid, whose
#     finance signature fails, or whose signature is not its last element;
#     a directory is 66 as in verify;
#   - verify: a --cert that is no certificate (65), too many --cert (64); a
#     signature without its certificate; a countersignature moved or
#     doubled; a FINAL statement the ledger never recorded; an unsigned
#     statement that also differs, or is superseded; a database that was
#     never migrated (69); a schema that is missing or broken (70);
#   - the regulator's annex check (aggregates.c) on forged annexes: each
#     fault named with its record number.
# Figures: tests/data/audit_ref.sql (worked in 100_signing and 190):
# AUD 2025Q4 has 5 members, 7 rejected rows, TotalPence 105 000; PCC area
# U1 holds 3 members (A01, A02, b01), U2 two.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
K=$TMP/keys
mkdir -p "$K"
for who in finance validator; do
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=$who" \
		-keyout "$K/$who.key" -out "$K/$who.pem" >/dev/null 2>&1 || die "openssl: $who"
done
ledger() { q "SELECT count(*) FROM pbr.settlement"; }

# ---- a key and a certificate that do not belong together ---------------------------
mkdir -p "$TMP/mismatch"
assert_exit 65 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/mismatch" \
	--sign-key "$K/validator.key" --sign-cert "$K/finance.pem"
assert_one_line "$LAST_ERR" "run with a mismatched pair"
assert_match "signing key .*validator.key and the certificate .*finance.pem do not belong together" \
	"$(cat "$LAST_ERR")" "run: the key and certificate do not belong together"
assert_empty_dir "$TMP/mismatch" "run with a mismatched pair: nothing written"
assert_eq 0 "$(ledger)" "run with a mismatched pair: nothing recorded"
assert_exit 65 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/mismatch" \
	--sign-key "$K/finance.pem" --sign-cert "$K/finance.pem"
assert_match "cannot load the signing key .*finance.pem" "$(cat "$LAST_ERR")" "run: a certificate is no key"
assert_exit 65 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/mismatch" \
	--sign-key "$K/finance.key" --sign-cert "$K/finance.key"
assert_match "cannot load the signing certificate .*finance.key" "$(cat "$LAST_ERR")" "run: a key is no certificate"
assert_eq 0 "$(ledger)" "... nothing recorded"

OUT=$TMP/out
mkdir -p "$OUT"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$OUT" \
	--sign-key "$K/finance.key" --sign-cert "$K/finance.pem"
S=$OUT/AUD-2025Q4-1.xml
assert_eq 105000 "$(sx "$S" Cohort/TotalPence)" "AUD TotalPence"
certify() { "$PBR" certify "$1" --sign-key "$K/validator.key" --sign-cert "$K/validator.pem" --out "$2"; }
assert_exit 65 "$PBR" certify "$S" --sign-key "$K/validator.key" --sign-cert "$K/finance.pem" --out "$TMP/c.xml"
assert_match "do not belong together" "$(cat "$LAST_ERR")" "certify: the key and certificate do not belong together"
assert_true "certify with a mismatched pair writes nothing" test ! -e "$TMP/c.xml"

# ---- certify: what it refuses ----------------------------------------------------------
assert_exit 64 "$PBR" certify "$S" --bogus
assert_match "certify: unknown option '--bogus'" "$(cat "$LAST_ERR")" "certify: unknown option"
assert_exit 64 "$PBR" certify "$S" --out
assert_match "certify: option '--out' needs a value" "$(cat "$LAST_ERR")" "certify: option without its value"
assert_exit 66 "$PBR" certify "$S" --sign-key "$K/none.key" --sign-cert "$K/validator.pem" --out "$TMP/c.xml"
assert_match "cannot read the signing key" "$(cat "$LAST_ERR")" "certify: no key file"
assert_exit 66 "$PBR" certify "$S" --sign-key "$K/validator.key" --sign-cert "$K/none.pem" --out "$TMP/c.xml"
assert_match "cannot read the signing certificate" "$(cat "$LAST_ERR")" "certify: no certificate file"
assert_exit 66 certify "$OUT" "$TMP/c.xml"
assert_match "is not a regular file" "$(cat "$LAST_ERR")" "certify: a directory is 66, as in verify"
assert_exit 66 "$PBR" verify "$OUT"
assert_match "is not a regular file" "$(cat "$LAST_ERR")" "verify: a directory is 66"
head -c 1000 "$S" >"$TMP/cut.xml"
assert_exit 65 certify "$TMP/cut.xml" "$TMP/c.xml"
assert_match "cut.xml: not well-formed XML" "$(cat "$LAST_ERR")" "certify: a cut file"
sed 's#<Members>5</Members>#<Members>five</Members>#' "$S" >"$TMP/invalid.xml"
assert_exit 65 certify "$TMP/invalid.xml" "$TMP/c.xml"
assert_match "invalid.xml: not a valid statement: line [0-9]+: .*Members.*five" "$(cat "$LAST_ERR")" "certify: an invalid statement, the line named"
sed 's#<TotalPence>105000<#<TotalPence>105001<#' "$S" >"$TMP/tampered.xml"
assert_exit 65 certify "$TMP/tampered.xml" "$TMP/c.xml"
assert_match "tampered.xml: its signature does not verify" "$(cat "$LAST_ERR")" "certify: a finance signature that fails"
# a comment after the finance signature: stock xmlsec1 still verifies it
# (C14N without comments), but the countersignature would not sit last
perl -0777 -pe 's#</ds:Signature>(\s*</SettlementStatement>)#</ds:Signature><!-- filed -->$1#' "$S" >"$TMP/comment.xml"
assert_true "a comment after the signature keeps it valid" \
	xmlsec1 --verify --trusted-pem "$K/finance.pem" "$TMP/comment.xml"
assert_exit 65 certify "$TMP/comment.xml" "$TMP/c.xml"
assert_match "the statement's signature is not its last element" "$(cat "$LAST_ERR")" "certify: the signature must come last"
assert_true "nothing written by a refused certify" test ! -e "$TMP/c.xml"
C=$OUT/AUD-2025Q4-1-certified.xml
assert_exit 0 certify "$S" "$C"

# ---- verify: certificates given ------------------------------------------------------
assert_exit 65 "$PBR" verify "$S" --cert "$K/finance.key"
assert_one_line "$LAST_ERR" "verify --cert KEY"
assert_match "--cert .*finance.key is not a PEM certificate" "$(cat "$LAST_ERR")" "verify: a --cert that is no certificate"
assert_eq "" "$(cat "$LAST_OUT")" "... and nothing checked"
nine=()
for _ in 1 2 3 4 5 6 7 8 9; do nine+=(--cert "$K/finance.pem"); done
assert_exit 64 "$PBR" verify "$S" "${nine[@]}"
assert_match "verify: at most 8 --cert" "$(cat "$LAST_ERR")" "verify: nine --cert"
assert_exit 66 "$PBR" verify "$S" --cert "$K/none.pem"
assert_exit 64 "$PBR" verify "$S" --cert
assert_match "verify: option '--cert' needs a value" "$(cat "$LAST_ERR")" "verify: --cert without its value"
assert_exit 64 "$PBR" verify "$S" "$C"
assert_match "usage: pbr-settle verify FILE.xml" "$(cat "$LAST_ERR")" "verify: two files"

# ---- verify: signatures taken apart --------------------------------------------------
# no certificate in KeyInfo: nothing to check the signature with
perl -0777 -pe 's#<ds:X509Certificate>[^<]*</ds:X509Certificate>#<ds:X509Certificate></ds:X509Certificate>#' "$S" >"$OUT/nocert.xml"
assert_exit 1 "$PBR" verify "$OUT/nocert.xml"
assert_match "^MISMATCH signature by \(no certificate\): the signature could not be processed" "$(cat "$LAST_OUT")" \
	"a signature without its certificate cannot be processed"
# the countersignature moved to the front of the finance signature: one
# ds:Object, but the file less it is not the signed statement's shape
perl -0777 -pe 's#(<ds:Object>.*</ds:Object>)##s; my $o = $1; s#(<ds:Signature [^>]*>)#$1$o#' "$C" >"$OUT/moved.xml"
assert_exit 1 "$PBR" verify "$OUT/moved.xml"
V=$(cat "$LAST_OUT")
assert_match "^MISMATCH signature: expected one ds:Signature, a child of the root" "$V" "moved countersignature: the structure is refused"
assert_match "^MISMATCH countersignature: the file is not a signed statement plus one ds:Object" "$V" "moved countersignature: named"
# a second ds:Object inside the countersignature
perl -0777 -pe 's#(<ds:Object>)(<ds:Signature[^>]*>)#$1$2<ds:Object/>#s' "$C" >"$OUT/doubled.xml"
assert_exit 1 "$PBR" verify "$OUT/doubled.xml"
V=$(cat "$LAST_OUT")
assert_match "^MISMATCH signature: the countersignature may hold only SignedInfo, SignatureValue and KeyInfo" "$V" "an object in the countersignature"
assert_match "^MISMATCH countersignature: more than one ds:Object" "$V" "two ds:Object"
assert_eq 3 "$(grep -c MISMATCH "$LAST_OUT")" "... and the ledger digest: three differences"

# ---- verify: the annex ----------------------------------------------------------------
# finance reads the rows: without the annex beside it, the statement still
# verifies, AnnexDigest recomputed from the database; a note says so
mkdir -p "$TMP/alone"
cp "$S" "$TMP/alone/"
assert_exit 0 "$PBR" verify "$TMP/alone/AUD-2025Q4-1.xml" --cert "$K/finance.pem"
assert_match "^note annex .*alone/AUD-2025Q4-1-annex.csv not found beside the statement; its digest is checked against the database only$" \
	"$(cat "$LAST_OUT")" "finance without the annex: a note"
assert_match "AUD-2025Q4-1.xml: verified \(signed by CN ?= ?finance\)" "$(cat "$LAST_OUT")" "finance without the annex: verified"
# an annex that is not the one the statement names
sed 's/^A04,U2,10000,300000,0,800,/A04,U2,10000,300000,0,801,/' "$OUT/AUD-2025Q4-1-annex.csv" >"$TMP/alone/AUD-2025Q4-1-annex.csv"
assert_exit 1 "$PBR" verify "$TMP/alone/AUD-2025Q4-1.xml" --cert "$K/finance.pem"
assert_match "^MISMATCH annex .*alone/AUD-2025Q4-1-annex.csv: sha256 [0-9a-f]{64}, AnnexDigest $(sx "$S" Header/AnnexDigest)$" \
	"$(cat "$LAST_OUT")" "finance: a changed annex"
assert_eq 1 "$(grep -c MISMATCH "$LAST_OUT")" "finance: only the annex differs"

# ---- verify: the ledger, unsigned, superseded ----------------------------------------
# the same data in a database that never settled AUD: never recorded
createdb -T template0 "${PGDATABASE}_fresh" >/dev/null || die "createdb"
fresh() { PGDATABASE=${PGDATABASE}_fresh "$@"; }
fresh migrate
fresh sql_file "$DATA/audit_ref.sql"
fresh load_csv "$DATA/audit_cohort.csv"
fresh assert_exit 1 "$PBR" verify "$S" --cert "$K/finance.pem"
assert_match "^MISMATCH ledger: no statement AUD-2025Q4-1 was ever recorded" "$(cat "$LAST_OUT")" "a statement the ledger never recorded"
assert_match "^ok figures" "$(cat "$LAST_OUT")" "... though its figures are the data's"
# a database that was never migrated: no ledger
createdb -T template0 "${PGDATABASE}_bare" >/dev/null || die "createdb"
PGDATABASE=${PGDATABASE}_bare assert_exit 69 "$PBR" verify "$S"
assert_one_line "$LAST_ERR" "no ledger"
assert_match "has no ledger pbr.settlement \(not migrated\?\)" "$(cat "$LAST_ERR")" "a database that was never migrated"
dropdb "${PGDATABASE}_bare" >/dev/null 2>&1
# unsigned, and a figure the database no longer supports: both said
mkdir -p "$TMP/un"
fresh assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/un"
U=$TMP/un/AUD-2025Q4-1.xml
fresh q "UPDATE pbr.cohort_member SET reoffence_count = 1 WHERE offender_ref = 'A04'" >/dev/null
fresh assert_exit 1 "$PBR" verify "$U"
assert_match "^MISMATCH .*/Cohort/TotalPence: file 105000, recomputed 0" "$(cat "$LAST_OUT")" "unsigned and changed: the figure (190: T 0)"
assert_match "AUD-2025Q4-1.xml: [0-9]+ differences, and NOT SIGNED$" "$(cat "$LAST_OUT")" "unsigned and changed: the verdict says both"
assert_match "does not verify: [0-9]+ differences, and NOT SIGNED \(listed on stdout\)" "$(cat "$LAST_ERR")" "... and so does stderr"
# restated (run refuses a reason that is not one printable line): the
# superseded unsigned statement says both
fresh assert_exit 64 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/un" \
	--restate --reason "A04 reoffended
(court record 2026-01)"
fresh assert_exit 0 "$PBR" run --unsigned --period 2025Q4 --contract AUD --out "$TMP/un" \
	--restate --reason "A04 reoffended (court record 2026-01)"
fresh assert_exit 1 "$PBR" verify "$U"
assert_match "^SUPERSEDED by AUD-2025Q4-2 on [0-9TZ:-]+; reason: A04 reoffended \(court record 2026-01\)$" "$(cat "$LAST_OUT")" \
	"superseded: by what and why"
assert_match "SUPERSEDED by AUD-2025Q4-2, not in force; and NOT SIGNED$" "$(cat "$LAST_OUT")" "superseded, and NOT SIGNED"
assert_one_line "$LAST_ERR" "superseded: stderr"
dropdb "${PGDATABASE}_fresh" >/dev/null 2>&1

# ---- the schema the engine reads (PBR_DATADIR) ---------------------------------------
mkdir -p "$TMP/datadir/schemas"
PBR_DATADIR=$TMP/datadir assert_exit 70 "$PBR" verify "$S"
assert_match "cannot check the schema: cannot read .*datadir/schemas/statement.xsd \(is PBR_DATADIR right\?\)" \
	"$(cat "$LAST_ERR")" "no schema where PBR_DATADIR says"
printf '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element type="xs:string"/></xs:schema>\n' \
	>"$TMP/datadir/schemas/statement.xsd"
PBR_DATADIR=$TMP/datadir assert_exit 70 "$PBR" verify "$S"
assert_match "cannot check the schema: .*name" "$(cat "$LAST_ERR")" "a broken schema: libxml2's reason"
PBR_DATADIR=$TMP/datadir assert_exit 70 certify "$S" "$TMP/c.xml"
assert_match "cannot check the schema" "$(cat "$LAST_ERR")" "certify: a broken schema"

# ---- the regulator's annex check: forged annexes -------------------------------------
R=reg_$(printf '%s' "$PGDATABASE" | tr -c 'a-z0-9\n' '_')
q "CREATE ROLE $R LOGIN IN ROLE pbr_regulator" >/dev/null || die "regulator login"
ANNEX=$OUT/AUD-2025Q4-1-annex.csv
assert_eq "A01,U1,10000,500000,0,1500,0,5000000000,15000000,ACCEPTED" "$(sed -n 2p "$ANNEX")" "annex record 2 is A01"
assert_eq "R01,U1,,,,1000,0,,,BAD_PREDICTION" "$(sed -n 8p "$ANNEX")" "annex record 8 is R01"
PGUSER=$R assert_exit 0 "$PBR" verify "$S" --cert "$K/finance.pem"
# forged NAME SED-SCRIPT MESSAGE-REGEX: the annex changed by SED-SCRIPT,
# verified by the regulator: exit 1, its digest differs, the fault named
forged() {
	local d=$TMP/forged/$1
	mkdir -p "$d"
	cp "$S" "$d/"
	sed "$2" "$ANNEX" >"$d/AUD-2025Q4-1-annex.csv"
	PGUSER=$R assert_exit 1 "$PBR" verify "$d/AUD-2025Q4-1.xml" --cert "$K/finance.pem"
	assert_match "^MISMATCH annex .*: sha256 [0-9a-f]{64}, AnnexDigest" "$(cat "$LAST_OUT")" "$1: its digest is not AnnexDigest"
	assert_match "$3" "$(cat "$LAST_OUT")" "$1: named"
	assert_match "^ok figures" "$(cat "$LAST_OUT")" "$1: the figures are still the database's"
}
forged header '1s/^offender_ref/ref/' '^MISMATCH annex: .*: line 1 is not the annex header$'
forged fields '3s/,ACCEPTED$/ACCEPTED/' '^MISMATCH annex: .*: record 3 has 9 fields, not 10$'
forged range '2s/,500000,0,1500,/,1500000,0,1500,/' '^MISMATCH annex: .*: record 2 \(ACCEPTED\) has a figure out of range or y not \(r >= 1\)$'
forged y '2s/,500000,0,1500,0,/,500000,1,1500,0,/' '^MISMATCH annex: .*: record 2 \(ACCEPTED\) has a figure out of range'
forged contribution '2s/,5000000000,/,5000000001,/' '^MISMATCH annex: .*: record 2: a contribution is not w\*\(p - y\*10\^6\) or w\*\(f - r\*1000\)$'
forged rejected '8s/^R01,U1,,/R01,U1,10000,/' "^MISMATCH annex: .*: record 8: unknown status 'BAD_PREDICTION' or figures on a rejected row$"
forged status '8s/BAD_PREDICTION$/LATE/' "^MISMATCH annex: .*: record 8: unknown status 'LATE' or figures on a rejected row$"
forged quote '$s/$/\n"b02,U1/' '^MISMATCH annex: .*: record 14 is not well-formed CSV$'
long=$(printf '%04095d' 7)
forged long "8s/^R01,U1,,,,1000,0,/R01,U1,,$long,,$long,$long,/" '^MISMATCH annex: .*: record 8 too long$'
forged fields11 '2s/,ACCEPTED$/,ACCEPTED,x/' '^MISMATCH annex: .*: record 2 is not well-formed CSV$'
wide=$(printf '%05000d' 0)
forged widefield "2s/^A01,/A$wide,/" '^MISMATCH annex: .*: record 2 is not well-formed CSV$'
# a quote inside a field is a character of it (RFC 4180 quotes whole
# fields): the offender_ref is not among the figures, so only the file's
# digest tells
forged midquote '2s/^A01,/A"01,/' '^ok annex rows: every row.s figures and status'
assert_eq 1 "$(grep -c MISMATCH "$LAST_OUT")" "midquote: the annex digest alone differs"
# A01 (U1) moved to a PCC code of no area of CPAU: its figures' digest is
# the database's (the code is not in it), but the areas' sums are not:
# U1 is left with A02 and b01 only (n 2, W 22 000)
forged area '2s/^A01,U1,/A01,Z9,/' '^MISMATCH annex .*: 1 accepted line of a PCC code that is no area of CPA CPAU$'
assert_match "^MISMATCH annex .*: PCC area U1 sums n 2 W 22000 .*, database n 3 W 32000 " "$(cat "$LAST_OUT")" \
	"area: U1's sums without A01, against the database's"
assert_eq 0 "$(grep -c 'its rows are not the database' "$LAST_OUT")" "area: every row's figures are still the database's"

finish
