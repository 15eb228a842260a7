/*
 * cmd_certify.c - pbr-settle certify FILE.xml --sign-key PEM --sign-cert PEM
 * --out FILE: an independent validator (the assessor, a certifying
 * accountant) countersigns a signed statement (SPEC 10).  The
 * countersignature covers the statement and the finance signature and
 * changes nothing the finance signature covers (sign.h).
 */
#include "commands.h"
#include "outfile.h"
#include "sign.h"
#include "util.h"
#include "xmlsafe.h"

#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STATEMENT_BYTES (16L * 1024 * 1024)

static void usage(FILE *f)
{
	fputs("Usage: pbr-settle certify FILE.xml --sign-key PEM --sign-cert PEM --out FILE\n"
	      "\n"
	      "An independent validator countersigns a signed settlement statement:\n"
	      "a second XMLDSig signature (RSA-SHA256, exclusive C14N) over the\n"
	      "statement and the finance signature, in a ds:Object of the finance\n"
	      "signature.  The finance signature still verifies with stock xmlsec1,\n"
	      "and the file less that ds:Object is the recorded statement byte for\n"
	      "byte.  `pbr-settle verify` checks both signatures and names each signer.\n"
	      "\n"
	      "  --sign-key PEM    the validator's private key (PEM, unencrypted)\n"
	      "  --sign-cert PEM   the validator's certificate\n"
	      "  --out FILE        the certified statement (may be FILE.xml itself)\n"
	      "  --help            this text\n"
	      "\n"
	      "Exit 0 certified; 64 usage; 65 not a valid signed statement, one\n"
	      "certified already, or a key and certificate that do not belong together;\n"
	      "66 a missing or unreadable file; 73 cannot create --out.\n", f);
}

/* The same code as every command for the same condition (util.c). */
static int read_statement(const char *path, char **buf, size_t *len)
{
	enum pbr_read_status rs = pbr_read_file(path, MAX_STATEMENT_BYTES, buf, len);

	return rs == PBR_READ_OK ? 0 : pbr_read_failure(rs, path, MAX_STATEMENT_BYTES);
}

static int certify(const char *in, const char *key, const char *cert, const char *out)
{
	struct pbr_xml_problem p;
	struct pbr_signer signers[2];
	xmlDocPtr doc = NULL;
	char *buf = NULL, *signed_buf = NULL, *dir = NULL, *name = NULL, msg[256];
	size_t len = 0, out_len = 0;
	int rc, n;

	if ((rc = read_statement(in, &buf, &len)) != 0)
		return rc;
	doc = pbr_xml_parse(buf, len, in, &p);
	if (doc == NULL) {
		rc = pbr_error(EX_DATAERR, "%s: not well-formed XML, or carries a DTD (refused): line %d: %s",
			       in, p.line, p.first);
		goto cleanup;
	}
	n = pbr_statement_schema_check(doc, &p);
	if (n < 0) {
		rc = pbr_error(EX_SOFTWARE, "cannot check the schema: %s", p.first);
		goto cleanup;
	}
	if (n == 0) {
		rc = pbr_error(EX_DATAERR, "%s: not a valid statement: line %d: %s", in, p.line, p.first);
		goto cleanup;
	}
	if (!pbr_has_signature(doc)) {
		rc = pbr_error(EX_DATAERR, "%s is not signed: a validator certifies a signed statement", in);
		goto cleanup;
	}
	n = pbr_verify_signatures(doc, NULL, 0, signers, msg, sizeof msg);
	if (n < 0) {
		rc = pbr_error(EX_SOFTWARE, "signature check failed: %s", msg);
		goto cleanup;
	}
	if (n == 0 || !signers[0].valid) {
		rc = pbr_error(EX_DATAERR, "%s: its signature does not verify: %s", in,
			       n == 0 ? msg : signers[0].msg);
		goto cleanup;
	}
	if (n > 1) {
		rc = pbr_error(EX_DATAERR, "%s is certified already, by %s", in, signers[1].subject);
		goto cleanup;
	}
	if ((rc = pbr_countersign(buf, len, key, cert, &signed_buf, &out_len)) != 0)
		goto cleanup;
	dir = strdup(out);
	name = strdup(out);
	if (dir == NULL || name == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	if ((rc = pbr_write_atomic(dirname(dir), basename(name), signed_buf, out_len)) != 0)
		goto cleanup;
	printf("certified %s -> %s: signed by %s, countersigned by the key of %s\n", in, out,
	       signers[0].subject, cert);
cleanup:
	free(dir);
	free(name);
	free(signed_buf);
	if (doc)
		xmlFreeDoc(doc);
	free(buf);
	return rc;
}

int cmd_certify(int argc, char **argv)
{
	enum { OPT_KEY = 256, OPT_CERT, OPT_OUT, OPT_HELP };
	static const struct option longopts[] = {
		{ "sign-key", required_argument, NULL, OPT_KEY },
		{ "sign-cert", required_argument, NULL, OPT_CERT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *cert = NULL, *out = NULL;
	int c;

	opterr = 0;
	optind = 0;     /* GNU: full reinitialisation */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KEY:
			key = optarg;
			break;
		case OPT_CERT:
			cert = optarg;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case ':':
			return pbr_error(EX_USAGE, "certify: option '%s' needs a value", argv[optind - 1]);
		default:
			return pbr_error(EX_USAGE, "certify: unknown option '%s' (try --help)",
					 argv[optind - 1]);
		}
	}
	if (optind + 1 != argc || key == NULL || cert == NULL || out == NULL || out[0] == '\0')
		return pbr_error(EX_USAGE, "usage: pbr-settle certify FILE.xml --sign-key PEM --sign-cert PEM --out FILE");
	if (access(key, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read the signing key %s", key);
	if (access(cert, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read the signing certificate %s", cert);
	return certify(argv[optind], key, cert, out);
}
