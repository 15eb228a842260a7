#!/usr/bin/env bash
# 100_signing: statements signed with --sign-key/--sign-cert (SPEC 8:
# XMLDSig enveloped, RSA-SHA256, exclusive C14N).  xmlsec1 accepts every
# statement with the signer's certificate and `pbr-settle verify --cert`
# exits 0; a copy with one digit of a figure changed is rejected by both
# (verify exits 1 and names the figure); a different certificate fails.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------------------
# Data: tests/data/audit_ref.sql + audit_cohort.csv, period 2025Q4 (cohort
# 2024Q1).  Tariff TU: Pb = round(B / 100 000), Pf = round(F / 500).
# Contract AUD (CPAU), accepted members (b = w*(p - y*10^6), fc = w*(f - r*1000)):
#   A01 U1 ''      w 10000 p 500000 f 1500 r 0  b  5 000 000 000  fc  15 000 000
#   A02 U1 ACC     w 12000 p 600000 f 2000 r 1  b -4 800 000 000  fc  12 000 000
#   A03 U2 SUB+MH  w 13000 p 400000 f 1000 r 0  b  5 200 000 000  fc  13 000 000
#   A04 U2 ''      w 10000 p 300000 f  800 r 0  b  3 000 000 000  fc   8 000 000
#   b01 U1 ''      w 10000 p 450000 f 1000 r 2  b -5 500 000 000  fc -10 000 000
#   (7 rejected rows: R01-R05, D01 twice)
#   W 55000, B 2 900 000 000 >= 1% of W (550 000 000): Pb 29 000;
#   F 38 000 000: Pf 76 000; T 105 000.
# Contract AUD2 (CPAV): V01 b 5e9 fc 1e7, V02 b 1e9 fc 5e6:
#   B 6 000 000 000: Pb 60 000; F 15 000 000: Pf 30 000; T 90 000.
# ---------------------------------------------------------------------------

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
X=$OUT/AUD-2025Q4-1.xml

# two self-signed key pairs
keypair() {
	openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
		-subj "/CN=$1" -keyout "$TMP/$1.key" -out "$TMP/$1.crt" >/dev/null 2>&1 ||
		die "openssl cannot make a key pair"
}
keypair signer
keypair other

# ---- signed run ----------------------------------------------------------------
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" --sign-key "$TMP/signer.key" --sign-cert "$TMP/signer.crt"
[ -s "$X" ] || die "no statement $X"
assert_fig "$X" Cohort/TotalPence 105000
assert_fig "$OUT/AUD2-2025Q4-1.xml" Cohort/TotalPence 90000
# the key never leaks into output or files
assert_true "private key not in stdout/stderr" \
	bash -c "! grep -q 'PRIVATE' '$LAST_OUT' '$LAST_ERR'"

n=0
for f in "$OUT"/*-[0-9]*.xml; do
	n=$((n + 1))
	b=$(basename "$f")
	assert_true "$b validates against the XSD" valid_xsd "$f"
	assert_eq 1 "$(xcount "$f" "/SettlementStatement/*[local-name()='Signature']")" "$b: one ds:Signature"
	assert_eq "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" \
		"$(xmllint --xpath "string(//*[local-name()='SignatureMethod']/@Algorithm)" "$f")" "$b: RSA-SHA256"
	assert_eq "http://www.w3.org/2001/10/xml-exc-c14n#" \
		"$(xmllint --xpath "string(//*[local-name()='CanonicalizationMethod']/@Algorithm)" "$f")" "$b: exclusive C14N"
	assert_eq 1 "$(xmllint --xpath "count(//*[local-name()='Transform'][@Algorithm='http://www.w3.org/2000/09/xmldsig#enveloped-signature'])" "$f")" "$b: enveloped"
	assert_true "$b: xmlsec1 accepts it with the signer's certificate" \
		xmlsec1 --verify --pubkey-cert-pem "$TMP/signer.crt" "$f"
	assert_exit 0 "$PBR" verify "$f" --cert "$TMP/signer.crt"
	assert_match 'ok signature' "$(cat "$LAST_OUT")" "$b: verify says the signature is good"
	assert_eq "$(sha256sum <"$f" | cut -d' ' -f1)" \
		"$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = '${b%.xml}'")" \
		"$b: the ledger's digest is that of the signed file"
done
assert_eq 2 "$n" "two signed statements (AUD, AUD2)"

# ---- tampered copy: Cohort/TotalPence 105000 -> 105001 -------------------------
T=$TMP/tampered/AUD-2025Q4-1.xml
mkdir -p "$TMP/tampered"
sed '0,/<TotalPence>105000</s//<TotalPence>105001</' "$X" >"$T"
cp "$OUT/AUD-2025Q4-1-annex.csv" "$TMP/tampered/"
assert_eq 1 "$(cmp -l "$X" "$T" | wc -l)" "the tampered copy differs in one byte"
assert_fig "$T" Cohort/TotalPence 105001
assert_fails "xmlsec1 rejects the tampered copy" \
	xmlsec1 --verify --pubkey-cert-pem "$TMP/signer.crt" "$T"
assert_exit 1 "$PBR" verify "$T" --cert "$TMP/signer.crt"
assert_match 'MISMATCH.*[Ss]ignature' "$(cat "$LAST_OUT")" "verify: signature mismatch listed"
assert_match 'MISMATCH.*Cohort/TotalPence.*105001.*105000' "$(cat "$LAST_OUT")" \
	"verify names the changed figure (file 105001, recomputed 105000)"
assert_eq 1 "$(grep -c 'TotalPence' "$LAST_OUT")" "only that TotalPence is named"
assert_match 'MISMATCH.*ledger' "$(cat "$LAST_OUT")" "verify: the file is not the recorded one"
# without --cert the embedded certificate's key still catches it
assert_exit 1 "$PBR" verify "$T"

# ---- a different certificate ----------------------------------------------------
assert_fails "xmlsec1 rejects the statement with another certificate" \
	xmlsec1 --verify --pubkey-cert-pem "$TMP/other.crt" "$X"
assert_exit 1 "$PBR" verify "$X" --cert "$TMP/other.crt"
assert_match 'MISMATCH.*[Ss]ignature' "$(cat "$LAST_OUT")" "verify: wrong certificate is a signature mismatch"
assert_eq 0 "$(grep -c 'MISMATCH.*Pence' "$LAST_OUT")" "no figure mismatch with the wrong certificate"

# ---- unsigned statement with --cert: mismatch -----------------------------------
mkdir -p "$TMP/plain"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/plain" --dry-run
assert_exit 1 "$PBR" verify "$TMP/plain/AUD-2025Q4-draft.xml" --cert "$TMP/signer.crt"
assert_match 'NOT SIGNED' "$(cat "$LAST_OUT")" "verify --cert of an unsigned statement: NOT SIGNED"
assert_exit 1 "$PBR" verify "$TMP/plain/AUD-2025Q4-draft.xml" --cert "$TMP/signer.crt" --allow-unsigned
assert_match 'MISMATCH.*NOT SIGNED' "$(cat "$LAST_OUT")" "--allow-unsigned does not excuse a missing signature when --cert asks for one"
# SPEC 7: without --cert, unsigned is NOT SIGNED (exit 1) unless --allow-unsigned
assert_exit 1 "$PBR" verify "$TMP/plain/AUD-2025Q4-draft.xml"
assert_match '^NOT SIGNED' "$(cat "$LAST_OUT")" "verify of an unsigned statement: NOT SIGNED"
assert_match 'AUD-2025Q4-draft.xml: NOT SIGNED' "$(cat "$LAST_OUT")" "NOT SIGNED is the verdict"
assert_one_line "$LAST_ERR" "NOT SIGNED: stderr"
assert_exit 0 "$PBR" verify "$TMP/plain/AUD-2025Q4-draft.xml" --allow-unsigned
assert_match 'draft.xml: verified' "$(cat "$LAST_OUT")" "--allow-unsigned: the draft verifies"
# --help
assert_exit 0 "$PBR" verify --help
assert_match 'allow-unsigned' "$(cat "$LAST_OUT")" "verify --help on stdout names --allow-unsigned"
assert_exit 64 "$PBR" verify "$X" --no-such-option

# ---- the key pair goes together -------------------------------------------------
assert_exit 64 "$PBR" run --period 2025Q4 --out "$OUT" --sign-key "$TMP/signer.key"
assert_exit 66 "$PBR" run --period 2025Q4 --out "$OUT" --sign-key "$TMP/nokey.pem" --sign-cert "$TMP/signer.crt"

# ---- re-run: the signed statement is reissued byte for byte ---------------------
cp "$X" "$TMP/x.copy"
assert_exit 0 "$PBR" run --period 2025Q4 --out "$OUT" --sign-key "$TMP/signer.key" --sign-cert "$TMP/signer.crt"
assert_true "signed re-run is byte-identical" cmp -s "$X" "$TMP/x.copy"
assert_eq 2 "$(q "SELECT count(*) FROM pbr.settlement")" "re-run records nothing"

finish
