#!/usr/bin/env bash
# 105_certify: an independent validator countersigns a signed statement
# (SPEC 10) and the README's xmlsec1 lines are run as printed.
#   - finance signs with a self-signed certificate, the validator with one
#     issued by a CA;
#   - `certify` adds one ds:Object inside the finance signature: taking its
#     bytes out gives the finance-signed file back byte for byte (the
#     ledger's digest);
#   - stock xmlsec1 verifies the finance signature of the certified file
#     and the countersignature, cleanly (nothing on stderr but OK); a
#     change to a figure or to the finance SignatureValue breaks the
#     countersignature;
#   - `verify` checks both signatures, names both signers, exits 1 if
#     either fails; a second certify is refused.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

migrate
sql_file "$DATA/audit_ref.sql"
load_csv "$DATA/audit_cohort.csv"
OUT=$TMP/out
mkdir -p "$OUT"
K=$TMP/keys
mkdir -p "$K"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=PbR Finance/O=Ministry of Justice" \
	-keyout "$K/finance.key" -out "$K/finance.pem" >/dev/null 2>&1 || die "openssl: finance"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=Test Assurance CA" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=keyCertSign,cRLSign \
	-keyout "$K/ca.key" -out "$K/ca.pem" >/dev/null 2>&1 || die "openssl: CA"
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=Independent Assessor/O=Assurance LLP" \
	-keyout "$K/validator.key" -out "$K/validator.csr" >/dev/null 2>&1 || die "openssl: CSR"
openssl x509 -req -in "$K/validator.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" -CAcreateserial \
	-days 2 -sha256 -out "$K/validator.pem" >/dev/null 2>&1 || die "openssl: issue"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj "/CN=Somebody Else" \
	-keyout "$K/other.key" -out "$K/other.pem" >/dev/null 2>&1 || die "openssl: other"

assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$OUT" \
	--sign-key "$K/finance.key" --sign-cert "$K/finance.pem"
S=$OUT/AUD-2025Q4-1.xml
C=$OUT/AUD-2025Q4-1-certified.xml
[ -s "$S" ] || die "no statement"
cp "$S" "$TMP/original.xml"

# ---- certify ------------------------------------------------------------------------
assert_exit 0 "$PBR" certify --help
assert_match 'sign-key' "$(cat "$LAST_OUT")" "certify --help on stdout"
assert_exit 64 "$PBR" certify "$S" --sign-key "$K/validator.key" --out "$C"
assert_exit 66 "$PBR" certify "$TMP/none.xml" --sign-key "$K/validator.key" --sign-cert "$K/validator.pem" --out "$C"
assert_exit 0 "$PBR" certify "$S" --sign-key "$K/validator.key" --sign-cert "$K/validator.pem" --out "$C"
assert_true "certify left the statement alone" cmp -s "$S" "$TMP/original.xml"
assert_true "the certified file validates against the XSD" valid_xsd "$C"
assert_eq 1 "$(xcount "$C" "/SettlementStatement/*[local-name()='Signature']/*[local-name()='Object']/*[local-name()='Signature']")" \
	"one countersignature, in a ds:Object of the finance signature"
perl -0777 -pe 's#<ds:Object>.*</ds:Object>##s' "$C" >"$TMP/stripped.xml"
assert_true "the certified file less its ds:Object is the signed statement, byte for byte" \
	cmp -s "$TMP/stripped.xml" "$S"
assert_eq "$(q "SELECT statement_digest FROM pbr.settlement WHERE statement_id = 'AUD-2025Q4-1'")" \
	"$(sha256sum <"$TMP/stripped.xml" | cut -d' ' -f1)" "the ledger's digest matches once the countersignature is out"
assert_exit 65 "$PBR" certify "$C" --sign-key "$K/other.key" --sign-cert "$K/other.pem" --out "$TMP/twice.xml"
assert_match 'certified already, by CN=Independent Assessor' "$(cat "$LAST_ERR")" "a second certify is refused, naming the first"
mkdir -p "$TMP/draft"
assert_exit 0 "$PBR" run --period 2025Q4 --contract AUD --out "$TMP/draft" --dry-run
assert_exit 65 "$PBR" certify "$TMP/draft/AUD-2025Q4-draft.xml" --sign-key "$K/validator.key" \
	--sign-cert "$K/validator.pem" --out "$TMP/draft/c.xml"
assert_match 'not signed' "$(cat "$LAST_ERR")" "an unsigned statement cannot be certified"
assert_exit 73 "$PBR" certify "$S" --sign-key "$K/validator.key" --sign-cert "$K/validator.pem" --out "$TMP/no/such/dir/c.xml"

# ---- the README's xmlsec1 lines, as printed ---------------------------------------
# in a directory holding the files under the README's names
R=$TMP/readme
mkdir -p "$R"
cp "$K/finance.pem" "$R/cert.pem"
cp "$K/ca.pem" "$R/ca.pem"
cp "$K/ca.pem" "$R/validator-ca.pem"
cp "$C" "$R/S-certified.xml"
mapfile -t lines < <(grep -E '^ *xmlsec1 --verify' "$SRCDIR/README.md" | sed 's/^ *//')
assert_eq 3 "${#lines[@]}" "the README prints three xmlsec1 lines"
# each line against the statement it is about: a self-signed finance
# certificate (cert.pem), then a CA-issued one (ca.pem: the validator's
# statement is signed here by the CA-issued key), then the countersignature
openssl_signed() {
	mkdir -p "$TMP/ca-signed"
	"$PBR" run --period 2025Q4 --contract AUD2 --out "$TMP/ca-signed" \
		--sign-key "$K/validator.key" --sign-cert "$K/validator.pem" >/dev/null 2>&1
}
openssl_signed || die "a CA-signed run failed"
for line in "${lines[@]}"; do
	case $line in
	*"--trusted-pem cert.pem S.xml") cp "$S" "$R/S.xml"; bad=$K/other.pem; badname=cert.pem ;;
	*"--trusted-pem ca.pem S.xml") cp "$TMP/ca-signed/AUD2-2025Q4-1.xml" "$R/S.xml"; bad=$K/other.pem; badname=ca.pem ;;
	*"S-certified.xml") bad=$K/finance.pem; badname=validator-ca.pem ;;
	*) fail "an xmlsec1 line of the README this test does not know: $line"; continue ;;
	esac
	(cd "$R" && eval "$line") >"$TMP/x.out" 2>&1
	assert_eq 0 "$?" "README line exits 0: $line"
	assert_eq "OK" "$(grep -v '^SignedInfo References\|^Manifests References' "$TMP/x.out")" \
		"README line prints OK and nothing else: $line"
	# with the wrong certificate trusted it fails
	cp "$R/$badname" "$TMP/good.pem"
	cp "$bad" "$R/$badname"
	(cd "$R" && eval "$line") >/dev/null 2>&1
	assert_eq 1 "$?" "README line fails with another certificate trusted: $line"
	cp "$TMP/good.pem" "$R/$badname"
done
# the finance line on the certified file: certifying changed nothing it covers
cp "$C" "$R/S.xml"
(cd "$R" && eval "${lines[0]}") >"$TMP/x.out" 2>&1
assert_eq 0 "$?" "stock xmlsec1 verifies the finance signature of the certified file"

# ---- tampering ----------------------------------------------------------------------
counter() { xmlsec1 --verify --trusted-pem "$K/ca.pem" --node-xpath "//*[local-name()='Object']/*[local-name()='Signature']" "$1" >/dev/null 2>&1; }
sed '0,/<TotalPence>105000</s//<TotalPence>105001</' "$C" >"$TMP/t-figure.xml"
assert_fails "xmlsec1: the countersignature covers the figures" counter "$TMP/t-figure.xml"
perl -0777 -pe 's#(<ds:SignatureValue>)(.)#$1 . ($2 eq "A" ? "B" : "A")#e' "$C" >"$TMP/t-finance-sig.xml"
assert_eq 1 "$(cmp -l "$C" "$TMP/t-finance-sig.xml" | wc -l)" "the finance SignatureValue differs in one byte"
assert_fails "xmlsec1: the countersignature covers the finance signature" counter "$TMP/t-finance-sig.xml"
assert_true "xmlsec1: the untampered countersignature verifies" counter "$C"

# ---- verify -------------------------------------------------------------------------
cp "$OUT/AUD-2025Q4-1-annex.csv" "$TMP/"
cp "$C" "$TMP/AUD-2025Q4-1.xml"
CV=$TMP/AUD-2025Q4-1.xml
assert_exit 0 "$PBR" verify "$CV" --cert "$K/finance.pem" --cert "$K/validator.pem"
V=$(cat "$LAST_OUT")
assert_match '^ok signature by CN=PbR Finance,O=Ministry of Justice: valid \(key of the given certificate\)' "$V" "verify names the finance signer"
assert_match '^ok countersignature by CN=Independent Assessor,O=Assurance LLP: valid \(key of the given certificate\)' "$V" "verify names the validator"
assert_match '^ok ledger: the file less its countersignature' "$V" "verify ties the certified file to the ledger"
assert_match 'verified \(signed by CN=PbR Finance.*; certified by CN=Independent Assessor' "$V" "the verdict names both"
# without --cert: integrity of both, each signer named
assert_exit 0 "$PBR" verify "$CV"
assert_match '^ok countersignature by CN=Independent Assessor.*embedded certificate' "$(cat "$LAST_OUT")" "no --cert: named, integrity only"
# the finance certificate alone does not vouch for the validator
assert_exit 1 "$PBR" verify "$CV" --cert "$K/finance.pem"
assert_match '^MISMATCH countersignature by CN=Independent Assessor.*any certificate given' "$(cat "$LAST_OUT")" \
	"with --cert for finance only, the countersignature is not vouched for"
# a figure changed after certifying: both signatures fail
cp "$TMP/t-figure.xml" "$CV"
assert_exit 1 "$PBR" verify "$CV" --cert "$K/finance.pem" --cert "$K/validator.pem"
assert_match '^MISMATCH signature by CN=PbR Finance' "$(cat "$LAST_OUT")" "tampered figure: finance signature fails"
assert_match '^MISMATCH countersignature by CN=Independent Assessor' "$(cat "$LAST_OUT")" "tampered figure: countersignature fails"
# the finance SignatureValue changed: both fail
cp "$TMP/t-finance-sig.xml" "$CV"
assert_exit 1 "$PBR" verify "$CV" --cert "$K/finance.pem" --cert "$K/validator.pem"
assert_match '^MISMATCH countersignature' "$(cat "$LAST_OUT")" "tampered finance signature: countersignature fails"
assert_match 'MISMATCH ledger' "$(cat "$LAST_OUT")" "tampered finance signature: not the recorded statement"
# something else smuggled into the ds:Object is refused
perl -0777 -pe 's#</ds:Object>#<Cohort xmlns="urn:pbr-settle:statement:1"/></ds:Object>#' "$C" >"$CV"
assert_exit 1 "$PBR" verify "$CV"
assert_match 'MISMATCH signature: .*ds:Object' "$(cat "$LAST_OUT")" "an extra element in the ds:Object is refused"
cp "$C" "$CV"
assert_exit 0 "$PBR" verify "$CV" --cert "$K/finance.pem" --cert "$K/validator.pem"

finish
