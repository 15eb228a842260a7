/*
 * sign.h - XMLDSig enveloped signatures (RSA-SHA256, exclusive C14N) with
 * xmlsec1 over OpenSSL.
 */
#ifndef PBR_SIGN_H
#define PBR_SIGN_H

#include <libxml/tree.h>
#include <stddef.h>

/* Starts xmlsec once; call it before threads sign.  Returns 0 or -1. */
int pbr_sign_init(void);

/* Signs an XML document held in memory with the PEM key and certificate.
 * *out is malloc'd.  Returns 0 or a sysexits code after one line. */
int pbr_sign(const char *xml, size_t len, const char *key_pem,
	     const char *cert_pem, char **out, size_t *out_len);

/* Checks the one enveloped signature of doc.  With cert_pem the key must
 * be that certificate's; without, the certificate embedded in the
 * signature is used (integrity, not identity).  Returns 1 valid, 0 invalid
 * (why in msg), -1 error (msg). */
int pbr_verify_signature(xmlDocPtr doc, const char *cert_pem, char *msg,
			 size_t msg_size);

/* 1 when path holds a PEM X.509 certificate, else 0; -1 (errno) when it
 * cannot be opened. */
int pbr_is_pem_certificate(const char *path);

/* True when doc's root carries a ds:Signature child. */
int pbr_has_signature(xmlDocPtr doc);

/* ---- countersignature (SPEC 10) ------------------------------------------
 * An independent validator's signature lives in a ds:Object, the last
 * child of the finance signature: <ds:Object><ds:Signature>...</ds:Signature>
 * </ds:Object>.  The finance signature's enveloped-signature transform
 * removes its whole ds:Signature, so the finance signature stays valid
 * for stock xmlsec1; the countersignature's Reference URI="" with its own
 * enveloped transform covers the statement and the finance signature
 * (everything but itself).  Taking the ds:Object's bytes out gives back
 * the finance-signed file byte for byte (its ledger digest). */

/* Adds the countersignature of key_pem/cert_pem to a signed statement.
 * *out is malloc'd.  Returns 0 or a sysexits code after one line (65 for
 * a statement that is not signed or is certified already). */
int pbr_countersign(const char *xml, size_t len, const char *key_pem,
		    const char *cert_pem, char **out, size_t *out_len);

/* Where the countersignature block lies in a file's bytes.  Returns 1
 * with [*start, *end) when buf holds exactly one "<ds:Object>" ...
 * "</ds:Object>" block, 0 when it holds none, -1 when it is malformed
 * (more than one, or unbalanced). */
int pbr_countersignature_span(const char *buf, size_t len, size_t *start,
			      size_t *end);

/* True when the document doc_full, less its countersignature ds:Object,
 * is canonically (C14N 1.0 with comments) the document record. */
int pbr_same_less_countersignature(const char *full, size_t full_len,
				   xmlDocPtr record);

/* One signature of a statement, as pbr_verify_signatures found it. */
struct pbr_signer {
	int counter;            /* 1 for the countersignature */
	int valid;              /* 1 valid; 0 not (why in msg) */
	int trusted;            /* checked with the key of a certificate given */
	char subject[256];      /* the embedded certificate's subject (RFC 2253) */
	char msg[256];
};

/* Checks every signature of doc: the finance signature (exactly one
 * ds:Signature child of the root, SignedInfo/SignatureValue/KeyInfo and
 * at most the one ds:Object above, one Reference URI="") and the
 * countersignature when there is one (same rules, its ds:Object holding it
 * alone).  certs[0..ncerts) are the certificates the caller trusts: each
 * signature must then be made with the key of one of them (the finance
 * signature is checked with certs[0] when none matches, so a wrong
 * certificate is a failed signature); with none, each is checked with its
 * embedded certificate (integrity, not identity).  Fills signers[0] (the
 * finance signature) and signers[1] (the countersignature, if any).
 * Returns the number of signatures (1 or 2), 0 when the signature
 * structure is refused (why in msg), -1 on an internal error (msg). */
int pbr_verify_signatures(xmlDocPtr doc, const char *const *certs,
			  size_t ncerts, struct pbr_signer signers[2],
			  char *msg, size_t msg_size);

#endif
