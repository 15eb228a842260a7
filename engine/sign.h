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

/* True when doc's root carries a ds:Signature child. */
int pbr_has_signature(xmlDocPtr doc);

#endif
