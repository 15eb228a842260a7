/*
 * sign.c - XMLDSig enveloped signatures with xmlsec1 (OpenSSL backend):
 * RSA-SHA256, exclusive C14N, the certificate in KeyInfo/X509Data.
 */
#include "sign.h"
#include "util.h"

#include <libxml/parser.h>
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
static xmlSecKeyPtr signing_key(const char *key_pem, const char *cert_pem,
				int *rc)
{
	xmlSecKeyPtr key = NULL;

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

int pbr_sign(const char *xml, size_t len, const char *key_pem,
	     const char *cert_pem, char **out, size_t *out_len)
{
	xmlDocPtr doc = NULL;
	xmlSecDSigCtxPtr ctx = NULL;
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
	ctx = xmlSecDSigCtxCreate(NULL);
	if (sig == NULL || ctx == NULL) {
		rc = pbr_error(EX_SOFTWARE, "cannot build the signature template");
		goto cleanup;
	}
	ctx->signKey = signing_key(key_pem, cert_pem, &rc);
	if (ctx->signKey == NULL)
		goto cleanup;
	if (xmlSecDSigCtxSign(ctx, sig) < 0) {
		rc = pbr_error(EX_DATAERR, "signing failed: do %s and %s belong together?",
			       key_pem, cert_pem);
		goto cleanup;
	}
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
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
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

/* ds:Signature holds SignedInfo, SignatureValue and KeyInfo, nothing
 * else: no ds:Object or foreign element riding along unsigned. */
static int signature_shape_ok(xmlNodePtr sig)
{
	static const xmlChar *const allowed[] = {
		BAD_CAST "SignedInfo", BAD_CAST "SignatureValue", BAD_CAST "KeyInfo",
	};
	int seen = 0;

	for (xmlNodePtr n = sig->children; n; n = n->next) {
		int ok = 0;

		if (n->type == XML_TEXT_NODE && xmlIsBlankNode(n))
			continue;
		if (n->type == XML_ELEMENT_NODE && seen < 3)
			for (int i = 0; i < 3; i++)
				if (xmlSecCheckNodeName(n, allowed[i], xmlSecDSigNs) && i >= seen) {
					ok = 1;
					seen = i + 1;
					break;
				}
		if (!ok)
			return 0;
	}
	return seen >= 2;
}

/* The one Reference must be URI="" with the enveloped transform: it then
 * covers the whole document and nothing can be wrapped around it. */
static int reference_ok(xmlNodePtr sig)
{
	xmlNodePtr si = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
	xmlNodePtr ref = si ? xmlSecFindChild(si, xmlSecNodeReference, xmlSecDSigNs) : NULL;
	xmlChar *uri;
	int ok, refs = 0;

	for (xmlNodePtr n = si ? si->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlSecCheckNodeName(n, xmlSecNodeReference, xmlSecDSigNs))
			refs++;
	if (ref == NULL || refs != 1)
		return 0;
	uri = xmlGetProp(ref, BAD_CAST "URI");
	ok = uri != NULL && uri[0] == '\0';
	xmlFree(uri);
	return ok;
}

int pbr_verify_signature(xmlDocPtr doc, const char *cert_pem, char *msg,
			 size_t msg_size)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), sig;
	xmlSecKeysMngrPtr mngr = NULL;
	xmlSecDSigCtxPtr ctx = NULL;
	int rc = -1;

	if (start_xmlsec() != 0) {
		snprintf(msg, msg_size, "cannot start xmlsec");
		return -1;
	}
	if (count_signatures(root) != 1 ||
	    (sig = xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs)) == NULL) {
		snprintf(msg, msg_size, "expected exactly one ds:Signature, a child of the root");
		return 0;
	}
	if (!signature_shape_ok(sig)) {
		snprintf(msg, msg_size, "ds:Signature may hold only SignedInfo, SignatureValue and KeyInfo");
		return 0;
	}
	if (!reference_ok(sig)) {
		snprintf(msg, msg_size, "the signature must have one Reference with URI=\"\"");
		return 0;
	}
	mngr = xmlSecKeysMngrCreate();
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
