/*
 * fuzz_statement.c - libFuzzer harness for a statement file from outside,
 * read the way `pbr-settle verify` and `pbr-settle report` read it: the
 * safe parse (engine/xmlsafe.c: no DTD, no entities, no network), the
 * schema check, then what each command does with a document that passed
 * them (verify: the signature check with xmlsec, the header read, up to
 * the database; report: the XSLT rendering to HTML or CSV).
 *
 * Each input is first classified by the safe parse, the root check and
 * the schema (xmlsafe.c: statement.xsd or monthly.xsd, compiled once per
 * process as the commands compile them), and a valid one goes through
 * the signature check of sign.c.  Every input then goes through the
 * commands themselves: held in a memfd named /proc/self/fd/N, it is
 * verified and reported by their public entry points (cmd_verify,
 * cmd_report) with their own file reading, parse and schema check.
 * The database is out of reach on purpose (PGHOST names a directory that
 * does not exist): verify stops with 69 after the header read.  OpenSSL's
 * CA bundle likewise (SSL_CERT_FILE, SSL_CERT_DIR): nothing here trusts it.  The last
 * input byte's low bit picks the report format.
 *
 * Checks: no crash, sanitizer report or leak; exit codes are sysexits
 * codes (or verify's 1); both commands refuse what is not well-formed
 * with 65; on a well-formed input verify ends in 1 (a difference: the
 * schema, the signature), 65 (header) or 69 (database); report refuses
 * one that is not a valid statement (65) and renders a valid one (0) or
 * a stylesheet refuses it (65); no file but the report is left in the
 * output directory.
 * PBR_FUZZ_VERBOSE=1 keeps the commands' output.
 */
#include "cmd_report.h"
#include "commands.h"
#include "sign.h"
#include "xmlsafe.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PBR_SRCDIR
#error "build with -DPBR_SRCDIR=\"...\" (tests/fuzz/run.sh does)"
#endif

static int fd = -1;
static char path[64], outdir[256], outfile[300];
static int verify_extra;        /* 1: pass --allow-unsigned (if verify knows it) */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	fd = memfd_create("statement", 0);
	if (fd < 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	snprintf(outdir, sizeof outdir, "%s/pbr-fuzz-statement.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp ? tmp : "/tmp");
	if (mkdtemp(outdir) == NULL)
		abort();
	snprintf(outfile, sizeof outfile, "%s/report.out", outdir);
	setenv("PBR_DATADIR", PBR_SRCDIR, 1);
	setenv("PGHOST", "/nonexistent/pbr-fuzz", 1);
	setenv("PGCONNECT_TIMEOUT", "1", 1);
	unsetenv("PGDATABASE");
	/* No check here consults the system's trusted certificates (verify
	 * without --cert checks integrity only, with the embedded key), but
	 * xmlsec's key manager reads OpenSSL's default CA bundle for every
	 * signature it checks: most of a run.  Point OpenSSL at nothing. */
	setenv("SSL_CERT_FILE", "/nonexistent/pbr-fuzz", 1);
	setenv("SSL_CERT_DIR", "/nonexistent/pbr-fuzz", 1);
	/* one line per rejected file: off the log (sanitizer reports go to
	 * fd 2 directly, not through stderr); verify's "ok" lines likewise */
	if (getenv("PBR_FUZZ_VERBOSE") == NULL) {
		stderr = fopen("/dev/null", "w");
		stdout = fopen("/dev/null", "w");
		if (stderr == NULL || stdout == NULL)
			abort();
	}
	return 0;
}

static void put(const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
}

static bool sysexits(int rc)
{
	return rc == 0 || rc == 1 || (rc >= 64 && rc <= 78);
}

/* 0: not well-formed (or a DOCTYPE); 1: well-formed, not a valid
 * statement; 2: passes the root check and the schema, as the commands
 * check them. */
static int gate(const uint8_t *data, size_t size)
{
	struct pbr_xml_problem p;
	xmlDocPtr doc = pbr_xml_parse((const char *)data, size, "fuzz", &p);
	xmlNodePtr root;
	int level = 1;

	if (doc == NULL)
		return 0;
	root = xmlDocGetRootElement(doc);
	if (root && root->ns &&
	    (xmlStrEqual(root->name, BAD_CAST "SettlementStatement") ||
	     xmlStrEqual(root->name, BAD_CAST "MonthlyStatement")) &&
	    xmlStrEqual(root->ns->href, BAD_CAST "urn:pbr-settle:statement:1")) {
		int sc = pbr_statement_schema_check(doc, &p);

		if (sc < 0)
			abort();    /* the schema itself cannot be loaded */
		if (sc == 1)
			level = 2;
	}
	if (level == 2) {
		/* the signature as verify reads it (xmlsec on an outside file) */
		char msg[256];
		int sv = pbr_verify_signature(doc, NULL, msg, sizeof msg);

		if (sv < -1 || sv > 1)
			abort();
		if (sv == 1 && !pbr_has_signature(doc))
			abort();
	}
	xmlFreeDoc(doc);
	return level;
}

static int verify(void)
{
	char a0[] = "verify", a2[] = "--allow-unsigned";
	char *argv[] = { a0, path, a2, NULL };
	int rc;

	if (verify_extra < 0)
		return cmd_verify(2, argv);
	rc = cmd_verify(3, argv);
	if (rc == 64 && verify_extra == 0) {
		verify_extra = -1;  /* this verify has no --allow-unsigned */
		rc = cmd_verify(2, argv);
	} else {
		verify_extra = 1;
	}
	return rc;
}

static int report(bool csv)
{
	char a0[] = "report", a2[] = "--format", a3[8], a4[] = "--out";
	char *argv[] = { a0, path, a2, a3, a4, outfile, NULL };

	snprintf(a3, sizeof a3, "%s", csv ? "csv" : "html");
	return cmd_report(6, argv);
}

/* Nothing but the report (when rendered) is left in the output dir. */
static void check_outdir(bool rendered)
{
	DIR *d = opendir(outdir);
	struct dirent *e;
	int files = 0;

	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			if (strcmp(e->d_name, "report.out") != 0)
				abort();    /* a temporary file left behind */
			files++;
		}
	closedir(d);
	if (files != (rendered ? 1 : 0))
		abort();
	unlink(outfile);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int level, rv, rr;

	if (size > 1 << 20)
		return -1;          /* not worth the time: size limits have tests */
	level = gate(data, size);
	put(data, size);
	rv = verify();
	rr = report(size > 0 && (data[size - 1] & 1));
	if (!sysexits(rv) || !sysexits(rr))
		abort();
	if (level == 0) {
		/* refused before anything else, by both */
		if (rv != 65 || rr != 65)
			abort();
		check_outdir(false);
		return 0;
	}
	/* well-formed: verify stops at a difference (1: the schema, the
	 * signature), the header (65) or the database it cannot reach (69);
	 * report refuses what is not a valid statement (65) and renders a
	 * valid one, or a stylesheet refuses content it cannot show (65) */
	if (rv != 1 && rv != 65 && rv != 69)
		abort();
	if (rr != 0 && rr != 65)
		abort();
	if (level == 1 && rr != 65)
		abort();
	check_outdir(rr == 0);
	return 0;
}
