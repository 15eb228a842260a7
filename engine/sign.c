/*
 * sign.c - XMLDSig enveloped signatures with xmlsec1 (OpenSSL backend):
 * RSA-SHA256, exclusive C14N, the certificate in KeyInfo/X509Data.
 */
#include "sign.h"
#include "util.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmlsec/crypto.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/templates.h>
#include <xmlsec/errors.h>

static int started;

/* The signing key, loaded once per process and duplicated for each
 * signature (threads sign with their own copy). */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlSecKeyPtr cached_key;
static char cached_key_path[4096], cached_cert_path[4096];

static void free_cached_key(void)
{
	if (cached_key)
		xmlSecKeyDestroy(cached_key);
	cached_key = NULL;
}

/* A copy of the key of key_pem with cert_pem attached, or NULL (message
 * printed). */
/* A PEM pass phrase is never asked for: the key is read unencrypted. */
static int no_pass_phrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* 1 when the certificate's public key is the private key's: xmlsec signs
 * with the key and embeds the certificate as given, so a pair that does
 * not belong together makes a signature nobody can verify.  -1 (errno)
 * when either file cannot be opened again (out of memory). */
static int key_fits_cert(const char *key_pem, const char *cert_pem)
{
	FILE *kf = fopen(key_pem, "r"), *cf = kf ? fopen(cert_pem, "r") : NULL;
	EVP_PKEY *key = cf ? PEM_read_PrivateKey(kf, NULL, no_pass_phrase, NULL) : NULL;
	X509 *cert = cf ? PEM_read_X509(cf, NULL, no_pass_phrase, NULL) : NULL;
	int fits = !cf ? -1 : key && cert && X509_check_private_key(cert, key) == 1;

	EVP_PKEY_free(key);
	X509_free(cert);
	if (kf)
		fclose(kf);
	if (cf)
		fclose(cf);
	return fits;
}

int pbr_is_pem_certificate(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *cert = f ? PEM_read_X509(f, NULL, no_pass_phrase, NULL) : NULL;
	int ok = f == NULL ? -1 : cert != NULL;

	X509_free(cert);
	if (f)
		fclose(f);
	return ok;
}

static xmlSecKeyPtr signing_key(const char *key_pem, const char *cert_pem,
				int *rc)
{
	xmlSecKeyPtr key = NULL;
	int fits;

	pthread_mutex_lock(&key_lock);
	if (cached_key == NULL || strcmp(cached_key_path, key_pem) != 0 ||
	    strcmp(cached_cert_path, cert_pem) != 0) {
		free_cached_key();
		cached_key = xmlSecCryptoAppKeyLoad(key_pem, xmlSecKeyDataFormatPem,
						    NULL, NULL, NULL);
		if (cached_key == NULL) {
			*rc = pbr_error(EX_DATAERR, "cannot load the signing key %s (PEM, unencrypted)",
					key_pem);
			goto out;
		}
		if (xmlSecCryptoAppKeyCertLoad(cached_key, cert_pem,
					       xmlSecKeyDataFormatPem) < 0) {
			free_cached_key();
			*rc = pbr_error(EX_DATAERR, "cannot load the signing certificate %s (PEM)",
					cert_pem);
			goto out;
		}
		fits = key_fits_cert(key_pem, cert_pem);
		if (fits <= 0) {
			free_cached_key();
			*rc = fits < 0 ?
			      pbr_error_oom(EX_NOINPUT, "cannot read the signing key %s and the certificate %s again",
					    key_pem, cert_pem) :
			      pbr_error(EX_DATAERR, "the signing key %s and the certificate %s do not belong together (the certificate's public key is not the key's)",
					key_pem, cert_pem);
			goto out;
		}
		snprintf(cached_key_path, sizeof cached_key_path, "%s", key_pem);
		snprintf(cached_cert_path, sizeof cached_cert_path, "%s", cert_pem);
	}
	key = xmlSecKeyDuplicate(cached_key);
	if (key == NULL)
		*rc = pbr_error(EX_OSERR, "out of memory");
out:
	pthread_mutex_unlock(&key_lock);
	return key;
}

static void shutdown_xmlsec(void)
{
	free_cached_key();
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
}

/* xmlsec prints its own multi-line errors; we print one line instead. */
static void quiet(const char *file, int line, const char *func,
		  const char *obj, const char *subj, int reason,
		  const char *msg)
{
	(void)file; (void)line; (void)func; (void)obj; (void)subj;
	(void)reason; (void)msg;
}

static int start_xmlsec(void)
{
	if (started)
		return 0;
	if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 ||
	    xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0)
		return -1;
	xmlSecErrorsSetCallback(quiet);
	started = 1;
	atexit(shutdown_xmlsec);
	return 0;
}

int pbr_sign_init(void)
{
	return start_xmlsec();
}

static xmlNodePtr add_template(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), sig, ref, ki, x509;

	sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
					      xmlSecTransformRsaSha256Id, NULL,
					      BAD_CAST "ds");
	if (sig == NULL)
		return NULL;
	/* keep the file readable: the signature on its own indented line */
	xmlAddChild(root, xmlNewText(BAD_CAST "  "));
	xmlAddChild(root, sig);
	xmlAddChild(root, xmlNewText(BAD_CAST "\n"));
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL,
					      BAD_CAST "", NULL);
	if (ref == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == NULL)
		return NULL;
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	x509 = ki ? xmlSecTmplKeyInfoAddX509Data(ki) : NULL;
	if (x509 == NULL || xmlSecTmplX509DataAddCertificate(x509) == NULL)
		return NULL;
	return sig;
}

/* Signs the template sig (in its document) with the key and certificate. */
static int sign_node(xmlNodePtr sig, const char *key_pem, const char *cert_pem)
{
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	int rc = 0;

	if (ctx == NULL)
		return pbr_error(EX_SOFTWARE, "cannot create the xmlsec context");
	ctx->signKey = signing_key(key_pem, cert_pem, &rc);
	if (ctx->signKey != NULL && xmlSecDSigCtxSign(ctx, sig) < 0)
		rc = pbr_error(EX_DATAERR, "signing failed: do %s and %s belong together?",
			       key_pem, cert_pem);
	xmlSecDSigCtxDestroy(ctx);
	return rc;
}

int pbr_sign(const char *xml, size_t len, const char *key_pem,
	     const char *cert_pem, char **out, size_t *out_len)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr sig;
	xmlChar *mem = NULL;
	int size = 0, rc = 0;

	if (start_xmlsec() != 0)
		return pbr_error(EX_SOFTWARE, "cannot start xmlsec");
	doc = xmlReadMemory(xml, (int)len, "statement.xml", NULL, XML_PARSE_NONET);
	if (doc == NULL) {
		rc = pbr_error(EX_SOFTWARE, "cannot parse the statement to sign it");
		goto cleanup;
	}
	sig = add_template(doc);
	if (sig == NULL) {
		rc = pbr_error(EX_SOFTWARE, "cannot build the signature template");
		goto cleanup;
	}
	if ((rc = sign_node(sig, key_pem, cert_pem)) != 0)
		goto cleanup;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	*out = malloc((size_t)size + 1);
	if (*out == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	memcpy(*out, mem, (size_t)size);
	(*out)[size] = '\0';
	*out_len = (size_t)size;
cleanup:
	xmlFree(mem);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static int count_signatures(xmlNodePtr node)
{
	int n = 0;

	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (xmlSecCheckNodeName(node, xmlSecNodeSignature, xmlSecDSigNs))
			n++;
		n += count_signatures(node->children);
	}
	return n;
}

int pbr_has_signature(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	return root && xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs) != NULL;
}

static int blank(xmlNodePtr n)
{
	return n->type == XML_TEXT_NODE && xmlIsBlankNode(n);
}

/* The ds:Object of a finance signature that holds the countersignature:
 * its last element child.  NULL when there is none. */
static xmlNodePtr countersignature_object(xmlNodePtr sig)
{
	xmlNodePtr last = NULL;

	for (xmlNodePtr n = sig ? sig->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			last = n;
	return last && xmlSecCheckNodeName(last, xmlSecNodeObject, xmlSecDSigNs) ? last : NULL;
}

/* ds:Signature holds SignedInfo, SignatureValue and KeyInfo, and (the
 * finance signature only, allow_object) one trailing ds:Object holding
 * exactly one ds:Signature and nothing else: no foreign element or text
 * riding along unsigned. */
static int signature_shape_ok(xmlNodePtr sig, int allow_object)
{
	static const xmlChar *const allowed[] = {
		BAD_CAST "SignedInfo", BAD_CAST "SignatureValue", BAD_CAST "KeyInfo",
	};
	int seen = 0, object = 0;

	for (xmlNodePtr n = sig->children; n; n = n->next) {
		int ok = 0;

		if (blank(n))
			continue;
		if (n->type == XML_ELEMENT_NODE && !object && seen < 3)
			for (int i = 0; i < 3; i++)
				if (xmlSecCheckNodeName(n, allowed[i], xmlSecDSigNs) && i >= seen) {
					ok = 1;
					seen = i + 1;
					break;
				}
		if (!ok && allow_object && !object && seen >= 2 && n->type == XML_ELEMENT_NODE &&
		    xmlSecCheckNodeName(n, xmlSecNodeObject, xmlSecDSigNs) && n->properties == NULL) {
			int sigs = 0;

			for (xmlNodePtr c = n->children; c; c = c->next) {
				if (blank(c))
					continue;
				if (c->type != XML_ELEMENT_NODE ||
				    !xmlSecCheckNodeName(c, xmlSecNodeSignature, xmlSecDSigNs))
					return 0;
				sigs++;
			}
			if (sigs != 1)
				return 0;
			ok = object = 1;
		}
		if (!ok)
			return 0;
	}
	return seen >= 2;
}

/* The one Reference must be URI="" with the enveloped transform: it then
 * covers the whole document (less the signature) and nothing can be
 * wrapped around it. */
static int reference_ok(xmlNodePtr sig)
{
	xmlNodePtr si = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
	xmlNodePtr ref = si ? xmlSecFindChild(si, xmlSecNodeReference, xmlSecDSigNs) : NULL;
	xmlNodePtr tr = ref ? xmlSecFindChild(ref, xmlSecNodeTransforms, xmlSecDSigNs) : NULL;
	xmlChar *uri;
	int ok, refs = 0, enveloped = 0;

	for (xmlNodePtr n = si ? si->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlSecCheckNodeName(n, xmlSecNodeReference, xmlSecDSigNs))
			refs++;
	if (ref == NULL || refs != 1)
		return 0;
	for (xmlNodePtr n = tr ? tr->children : NULL; n; n = n->next) {
		xmlChar *alg;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		alg = xmlGetProp(n, BAD_CAST "Algorithm");
		if (alg && xmlStrEqual(alg, xmlSecHrefEnveloped))
			enveloped = 1;
		xmlFree(alg);
	}
	uri = xmlGetProp(ref, BAD_CAST "URI");
	ok = uri != NULL && uri[0] == '\0' && enveloped;
	xmlFree(uri);
	return ok;
}

/* The X509Certificate embedded in a signature's KeyInfo, or NULL. */
static X509 *embedded_cert(xmlNodePtr sig)
{
	xmlNodePtr ki = xmlSecFindChild(sig, xmlSecNodeKeyInfo, xmlSecDSigNs);
	xmlNodePtr xd = ki ? xmlSecFindChild(ki, xmlSecNodeX509Data, xmlSecDSigNs) : NULL;
	xmlNodePtr xc = xd ? xmlSecFindChild(xd, xmlSecNodeX509Certificate, xmlSecDSigNs) : NULL;
	xmlChar *text = xc ? xmlNodeGetContent(xc) : NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *cert = NULL;
	size_t n = 0;
	int len;

	if (text == NULL)
		return NULL;
	for (xmlChar *c = text; *c; c++)        /* base64 without white space */
		if (*c != ' ' && *c != '\n' && *c != '\r' && *c != '\t')
			text[n++] = *c;
	text[n] = '\0';
	der = malloc(n / 4 * 3 + 3);
	if (der != NULL && n > 0 && n % 4 == 0 && n < INT_MAX) {
		len = EVP_DecodeBlock(der, text, (int)n);
		if (len > 0) {
			len -= (n >= 1 && text[n - 1] == '=') + (n >= 2 && text[n - 2] == '=');
			p = der;
			cert = d2i_X509(NULL, &p, len);
		}
	}
	free(der);
	xmlFree(text);
	return cert;
}

static void subject_of(X509 *cert, char *buf, size_t size)
{
	BIO *b = cert ? BIO_new(BIO_s_mem()) : NULL;
	int n;

	snprintf(buf, size, "(no certificate)");
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV) >= 0) {
		n = BIO_read(b, buf, (int)size - 1);
		buf[n > 0 ? n : 0] = '\0';
		for (char *c = buf; *c; c++)          /* one line, printable */
			if ((unsigned char)*c < 0x20)
				*c = '?';
	}
	BIO_free(b);
}

/* Which of the given certificates holds cert's public key, or -1. */
static int matching_cert(X509 *cert, const char *const *certs, size_t ncerts)
{
	EVP_PKEY *k = cert ? X509_get0_pubkey(cert) : NULL;

	for (size_t i = 0; k && certs && i < ncerts; i++) {
		FILE *f = fopen(certs[i], "r");
		X509 *c = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		int same = c && X509_get0_pubkey(c) && EVP_PKEY_eq(k, X509_get0_pubkey(c)) == 1;

		if (f)
			fclose(f);
		X509_free(c);
		if (same)
			return (int)i;
	}
	return -1;
}

/* Checks one signature node; with cert_pem its key must be that
 * certificate's.  Returns 1 valid, 0 not (msg), -1 error (msg). */
static int verify_one(xmlNodePtr sig, const char *cert_pem, char *msg, size_t msg_size)
{
	xmlSecKeysMngrPtr mngr = xmlSecKeysMngrCreate();
	xmlSecDSigCtxPtr ctx = NULL;
	int rc = -1;

	if (mngr == NULL || xmlSecCryptoAppDefaultKeysMngrInit(mngr) < 0) {
		snprintf(msg, msg_size, "cannot create the xmlsec key manager");
		goto cleanup;
	}
	ctx = xmlSecDSigCtxCreate(mngr);
	if (ctx == NULL) {
		snprintf(msg, msg_size, "cannot create the xmlsec context");
		goto cleanup;
	}
	if (cert_pem) {
		ctx->signKey = xmlSecCryptoAppKeyLoad(cert_pem, xmlSecKeyDataFormatCertPem,
						      NULL, NULL, NULL);
		if (ctx->signKey == NULL) {
			snprintf(msg, msg_size, "cannot load certificate %s", cert_pem);
			goto cleanup;
		}
	} else {
		/* integrity only: take the embedded certificate's key as is */
		ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	}
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	if (xmlSecDSigCtxVerify(ctx, sig) < 0) {
		snprintf(msg, msg_size, "the signature could not be processed (no usable key?)");
		rc = 0;
		goto cleanup;
	}
	if (ctx->status == xmlSecDSigStatusSucceeded) {
		rc = 1;
	} else {
		snprintf(msg, msg_size, "signature does not match the document");
		rc = 0;
	}
cleanup:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	if (mngr)
		xmlSecKeysMngrDestroy(mngr);
	return rc;
}

int pbr_verify_signatures(xmlDocPtr doc, const char *const *certs,
			  size_t ncerts, struct pbr_signer signers[2],
			  char *msg, size_t msg_size)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), sig[2] = { NULL, NULL }, obj;
	int nsig;

	memset(signers, 0, 2 * sizeof *signers);
	if (start_xmlsec() != 0) {
		snprintf(msg, msg_size, "cannot start xmlsec");
		return -1;
	}
	sig[0] = root ? xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs) : NULL;
	obj = countersignature_object(sig[0]);
	nsig = obj ? 2 : 1;
	if (sig[0] == NULL || count_signatures(root) != nsig) {
		snprintf(msg, msg_size, "expected one ds:Signature, a child of the root (and at most one countersignature in its ds:Object)");
		return 0;
	}
	if (!signature_shape_ok(sig[0], 1)) {
		snprintf(msg, msg_size, "ds:Signature may hold only SignedInfo, SignatureValue, KeyInfo and one ds:Object holding one countersignature");
		return 0;
	}
	if (obj) {
		sig[1] = xmlSecFindChild(obj, xmlSecNodeSignature, xmlSecDSigNs);
		if (sig[1] == NULL || !signature_shape_ok(sig[1], 0)) {
			snprintf(msg, msg_size, "the countersignature may hold only SignedInfo, SignatureValue and KeyInfo");
			return 0;
		}
	}
	for (int i = 0; i < nsig; i++)
		if (!reference_ok(sig[i])) {
			snprintf(msg, msg_size, "the %s must have one Reference with URI=\"\" and the enveloped-signature transform",
				 i ? "countersignature" : "signature");
			return 0;
		}
	for (int i = 0; i < nsig; i++) {
		struct pbr_signer *s = &signers[i];
		X509 *cert;
		int at;
		const char *use = NULL;

		errno = 0;      /* ENOMEM after: out of memory, not "no certificate" */
		cert = embedded_cert(sig[i]);
		at = matching_cert(cert, certs, ncerts);
		if (errno == ENOMEM) {
			X509_free(cert);
			snprintf(msg, msg_size, "out of memory");
			return -1;
		}

		s->counter = i;
		subject_of(cert, s->subject, sizeof s->subject);
		X509_free(cert);
		if (certs != NULL && at >= 0)
			use = certs[at];
		else if (certs != NULL && ncerts > 0 && i == 0)
			use = certs[0];
		s->trusted = use != NULL;
		if (ncerts > 0 && use == NULL) {
			snprintf(s->msg, sizeof s->msg, "not made with the key of any certificate given (--cert)");
			s->valid = 0;
			continue;
		}
		s->valid = verify_one(sig[i], use, s->msg, sizeof s->msg);
		if (s->valid < 0) {
			snprintf(msg, msg_size, "%s", s->msg);
			return -1;
		}
	}
	return nsig;
}

int pbr_verify_signature(xmlDocPtr doc, const char *cert_pem, char *msg,
			 size_t msg_size)
{
	struct pbr_signer signers[2];
	const char *certs[1] = { cert_pem };
	int n = pbr_verify_signatures(doc, certs, cert_pem ? 1 : 0, signers, msg, msg_size);

	for (int i = 0; i < n; i++)
		if (!signers[i].valid) {
			snprintf(msg, msg_size, "%s", signers[i].msg);
			return 0;
		}
	return n > 0 ? 1 : n;
}

/* ---- certify ------------------------------------------------------------- */

static const char object_close[] = "</ds:Object>";

/* The countersignature's template: like the finance signature's. */
static const char counter_template[] =
	"<ds:Object><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
	"<ds:SignedInfo>"
	"<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
	"<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"
	"<ds:Reference URI=\"\"><ds:Transforms>"
	"<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
	"<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
	"</ds:Transforms>"
	"<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
	"<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>"
	"<ds:SignatureValue></ds:SignatureValue>"
	"<ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
	"</ds:Signature></ds:Object>";

static size_t count_of(const char *buf, size_t len, const char *what, size_t *first, size_t *last)
{
	size_t n = 0, wl = strlen(what);

	for (size_t i = 0; i + wl <= len; i++)
		if (buf[i] == what[0] && memcmp(buf + i, what, wl) == 0) {
			if (n == 0)
				*first = i;
			*last = i;
			n++;
		}
	return n;
}

int pbr_countersignature_span(const char *buf, size_t len, size_t *start,
			      size_t *end)
{
	size_t o1 = 0, o2 = 0, c1 = 0, c2 = 0;
	size_t opens = count_of(buf, len, "<ds:Object", &o1, &o2);
	size_t closes = count_of(buf, len, object_close, &c1, &c2);

	if (opens == 0 && closes == 0)
		return 0;
	if (opens != 1 || closes != 1 || c1 < o1)
		return -1;
	*start = o1;
	*end = c1 + sizeof object_close - 1;
	return 1;
}

/* C14N 1.0 with comments of doc; NULL on failure. */
static xmlChar *canonical(xmlDocPtr doc, int *len)
{
	xmlChar *out = NULL;

	*len = xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 1, &out);
	if (*len < 0) {
		xmlFree(out);
		return NULL;
	}
	return out;
}

int pbr_same_less_countersignature(const char *full, size_t full_len,
				   xmlDocPtr record)
{
	xmlDocPtr doc = full_len < INT_MAX ?
		xmlReadMemory(full, (int)full_len, "certified.xml", NULL,
			      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	xmlNodePtr obj = root ? countersignature_object(
		xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs)) : NULL;
	xmlChar *a = NULL, *b = NULL;
	int la = 0, lb = 0, same = 0;

	if (obj != NULL) {
		xmlUnlinkNode(obj);
		xmlFreeNode(obj);
		a = canonical(doc, &la);
		b = canonical(record, &lb);
		same = a && b && la == lb && memcmp(a, b, (size_t)la) == 0;
	}
	xmlFree(a);
	xmlFree(b);
	if (doc)
		xmlFreeDoc(doc);
	return same;
}

/* Where the countersignature's ds:Object goes: *at is the offset of the
 * finance signature's closing tag, which must be followed only by the
 * root's; a statement certified already is refused. */
static int countersign_point(const char *xml, size_t len, size_t *at)
{
	static const char sig_close[] = "</ds:Signature>";
	const char *gt;
	size_t first = 0, n, s0, s1;

	if (count_of(xml, len, sig_close, &first, at) == 0)
		return pbr_error(EX_DATAERR, "the statement is not signed: nothing to certify");
	for (n = *at + sizeof sig_close - 1; n < len && strchr(" \t\r\n", xml[n]); n++)
		;
	gt = n < len ? memchr(xml + n, '>', len - n) : NULL;
	if (n >= len || xml[n] != '<' || xml[n + 1] != '/' || gt == NULL ||
	    strspn(gt + 1, " \t\r\n") != len - (size_t)(gt + 1 - xml))
		return pbr_error(EX_DATAERR, "the statement's signature is not its last element");
	if (pbr_countersignature_span(xml, len, &s0, &s1) != 0)
		return pbr_error(EX_DATAERR, "the statement is certified already (one countersignature per statement)");
	return 0;
}

/* The statement with the countersignature template put in at `at`,
 * signed; *dump gets the signed ds:Object's bytes, the only new ones. */
static int sign_object(const char *xml, size_t len, size_t at, const char *key_pem,
		       const char *cert_pem, xmlBufferPtr *dump)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, fin, obj, sig;
	size_t n = len + sizeof counter_template - 1;
	char *tmpl = malloc(len + sizeof counter_template);
	int rc = 0;

	if (tmpl == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	memcpy(tmpl, xml, at);
	memcpy(tmpl + at, counter_template, sizeof counter_template - 1);
	memcpy(tmpl + at + sizeof counter_template - 1, xml + at, len - at);
	doc = xmlReadMemory(tmpl, (int)n, "statement.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	fin = root ? xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs) : NULL;
	obj = countersignature_object(fin);
	sig = obj ? xmlSecFindChild(obj, xmlSecNodeSignature, xmlSecDSigNs) : NULL;
	if (sig == NULL) {
		rc = pbr_error(EX_DATAERR, "the statement's ds:Signature is not a child of its root");
		goto cleanup;
	}
	if ((rc = sign_node(sig, key_pem, cert_pem)) != 0)
		goto cleanup;
	*dump = xmlBufferCreate();
	if (*dump == NULL || xmlNodeDump(*dump, doc, obj, 0, 0) < 0)
		rc = pbr_error(EX_OSERR, "out of memory");
cleanup:
	if (doc)
		xmlFreeDoc(doc);
	free(tmpl);
	return rc;
}

/* What verify will check: both signatures valid, and the countersignature
 * exactly the object put in at `at`. */
static int check_certified(const char *out, size_t n, size_t at, size_t object_len)
{
	struct pbr_signer signers[2];
	char msg[256];
	size_t s0, s1;
	xmlDocPtr check = xmlReadMemory(out, (int)n, "certified.xml", NULL,
					XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int rc = 0, nsig;

	memset(signers, 0, sizeof signers);
	snprintf(msg, sizeof msg, "%s", check ? "" : "it does not parse");
	nsig = check ? pbr_verify_signatures(check, NULL, 0, signers, msg, sizeof msg) : -1;
	if (nsig != 2 || !signers[0].valid || !signers[1].valid ||
	    pbr_countersignature_span(out, n, &s0, &s1) != 1 || s0 != at ||
	    s1 - s0 != object_len)
		rc = pbr_error(EX_SOFTWARE, "the certified statement does not check out: %s",
			       msg[0] ? msg : signers[0].valid ? signers[1].msg : signers[0].msg);
	if (check)
		xmlFreeDoc(check);
	return rc;
}

int pbr_countersign(const char *xml, size_t len, const char *key_pem,
		    const char *cert_pem, char **out, size_t *out_len)
{
	xmlBufferPtr dump = NULL;
	size_t at = 0, n, k;
	int rc;

	*out = NULL;
	if (start_xmlsec() != 0)
		return pbr_error(EX_SOFTWARE, "cannot start xmlsec");
	if ((rc = countersign_point(xml, len, &at)) != 0 ||
	    (rc = sign_object(xml, len, at, key_pem, cert_pem, &dump)) != 0)
		goto cleanup;
	/* only the ds:Object's bytes are new: the rest stays as it was */
	k = (size_t)xmlBufferLength(dump);
	n = len + k;
	*out = malloc(n + 1);
	if (*out == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	memcpy(*out, xml, at);
	memcpy(*out + at, xmlBufferContent(dump), k);
	memcpy(*out + at + k, xml + at, len - at);
	(*out)[n] = '\0';
	*out_len = n;
	rc = check_certified(*out, n, at, k);
cleanup:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	if (dump)
		xmlBufferFree(dump);
	return rc;
}
