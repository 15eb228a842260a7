/*
 * cmd_report.c - `pbr-settle report FILE.xml --format html|csv --out FILE`.
 *
 * Reads one settlement statement, checks it is one (well-formed, no
 * DOCTYPE, the statement namespace, valid against statement.xsd), applies
 * reports/statement-<format>.xsl in-process with libxslt and writes the
 * result atomically (temporary file in the target directory, fsync,
 * rename, fsync of the directory).
 *
 * Safety (SPEC section 10): the statement is parsed with XML_PARSE_NONET
 * and without XML_PARSE_NOENT / XML_PARSE_DTDLOAD / XML_PARSE_DTDATTR /
 * XML_PARSE_XINCLUDE, and a document with any DOCTYPE is refused, so no
 * entity is expanded and nothing outside the file is ever read.  The
 * schema and the stylesheets are read the same way.  The transformation
 * runs under xsltSecurityPrefs that forbid reading or writing files,
 * creating directories and any network access (document(), xsl:document
 * and friends all fail).  EXSLT is not registered: the stylesheets are
 * plain XSLT 1.0.
 *
 * The PCC multi-period view (`report --pcc CODE --from P1 --to P2`) reads
 * no file: it takes every statement in force of the area's CPA from the
 * ledger (the exact bytes recorded), parses each the same safe way, picks
 * the area's PccArea and assembles one <PccView> document in memory
 * (namespace urn:pbr-settle:pcc-view:1), rendered by reports/pcc-<format>.xsl.
 *
 * Every output goes through pbr_write_atomic() (outfile.h).
 */
#include "cmd_report.h"
#include "db.h"
#include "digest.h"
#include "sign.h"
#include "statement.h"
#include "outfile.h"
#include "util.h"
#include "xmlsafe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#define STATEMENT_NS "urn:pbr-settle:statement:1"
#define STATEMENT_ROOT "SettlementStatement"
#define MONTHLY_ROOT "MonthlyStatement"	/* SPEC 11.5, same namespace */

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *report_xml_error;
#else
typedef xmlError *report_xml_error;
#endif

enum report_format { FORMAT_NONE, FORMAT_HTML, FORMAT_CSV };

struct report_opts {
	const char *input;	/* the statement */
	const char *out;	/* --out */
	enum report_format format;
	const char *cert;	/* --cert: check the signature with it */
	/* PCC multi-period view */
	const char *pcc;
	const char *from;
	const char *to;
	const char *index;	/* --index DIR */
	const char *cy_contract;	/* --contract-year ID YEAR */
	const char *cy_year;
};

/* ------------------------------------------------------------------ */
/* Error capture: libxml2 and libxslt report through callbacks; keep the
 * first message (one line), count the rest. */

struct errbuf {
	char first[512];
	int line;
	int count;
};

static void errbuf_set(struct errbuf *eb, const char *msg, int line)
{
	size_t n;

	eb->count++;
	if (eb->count > 1)
		return;
	snprintf(eb->first, sizeof eb->first, "%s", msg ? msg : "unknown error");
	/* one line: cut at the first newline, trim trailing blanks */
	eb->first[strcspn(eb->first, "\r\n")] = '\0';
	n = strlen(eb->first);
	while (n > 0 && (eb->first[n - 1] == ' ' || eb->first[n - 1] == '\t'))
		eb->first[--n] = '\0';
	eb->line = line;
}

static void on_structured_error(void *ctx, report_xml_error err)
{
	struct errbuf *eb = ctx;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	errbuf_set(eb, err->message, err->line);
}

/* libxslt's generic handler is printf-like and may be called with one
 * message split over several calls; keep only the first non-empty text. */
static void on_generic_error(void *ctx, const char *fmt, ...)
{
	struct errbuf *eb = ctx;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (msg[strspn(msg, " \t\r\n")] == '\0')
		return;
	/* xsltTransformError() says where ("runtime error: file F line N
	 * element E") and then, in a second call, what: join the two. */
	if (eb->count == 1 && strncmp(eb->first, "runtime error:", 14) == 0
	    && strchr(eb->first, ';') == NULL) {
		size_t n = strlen(eb->first);

		msg[strcspn(msg, "\r\n")] = '\0';
		snprintf(eb->first + n, sizeof eb->first - n, "; %s",
			 msg + strspn(msg, " \t"));
		return;
	}
	if (eb->count > 0) {
		eb->count++;
		return;
	}
	errbuf_set(eb, msg + strspn(msg, " \t\r\n"), 0);
}

/* The first line of a libxml2 message, for "what and where" on one line. */
static const char *one_line(char *buf, size_t size, const char *msg)
{
	snprintf(buf, size, "%s", msg ? msg : "unknown error");
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static void errbuf_reset(struct errbuf *eb)
{
	eb->first[0] = '\0';
	eb->line = 0;
	eb->count = 0;
}

/* ------------------------------------------------------------------ */
/* Usage */

static void usage(FILE *f)
{
	fputs("usage: " PBR_PROGRAM " report FILE.xml --format html|csv --out FILE [--cert PEM]\n"
	      "       " PBR_PROGRAM " report --pcc CODE --from P1 --to P2 --format html|csv --out FILE\n"
	      "       " PBR_PROGRAM " report --index DIR [--format html|csv] --out FILE [--cert PEM]\n"
	      "       " PBR_PROGRAM " report --contract-year ID YEAR --format html|csv --out FILE\n"
	      "  Renders a settlement statement as a self-contained HTML page or\n"
	      "  as CSV (one line per PCC area and a TOTAL line with what is paid);\n"
	      "  with --cert the HTML says whether the signature is that\n"
	      "  certificate's.  With --pcc, one PCC area across the statements in\n"
	      "  force of periods P1..P2, read from the ledger.  With --index, every\n"
	      "  statement in DIR with its amount due and verdict (schema, annex\n"
	      "  digest, signature, superseded); `verify` recomputes the figures.\n"
	      "  With --contract-year, the year's whole value from the ledger: the\n"
	      "  twelve monthly statements in force, the PbR statements of the year's\n"
	      "  four cohorts, totals, the MAP and the PbR pot (SPEC 11.6).\n"
	      "  The output is written to a temporary file and renamed into place.\n", f);
}

static int parse_format(const char *s, enum report_format *out)
{
	if (strcmp(s, "html") == 0)
		*out = FORMAT_HTML;
	else if (strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else
		return -1;
	return 0;
}

static const char *format_name(enum report_format f)
{
	return f == FORMAT_CSV ? "csv" : "html";
}

/* Returns 0 and fills o, or an exit code (after printing one line);
 * -1 means --help was printed. */
static int parse_args(int argc, char **argv, struct report_opts *o)
{
	enum { OPT_FORMAT = 256, OPT_OUT, OPT_PCC, OPT_FROM, OPT_TO, OPT_CERT, OPT_INDEX, OPT_CY };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "pcc", required_argument, NULL, OPT_PCC },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "contract-year", required_argument, NULL, OPT_CY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 0;	/* GNU: full reinitialisation, main may have used getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		const char *arg = optarg ? optarg : "";

		switch (c) {
		case OPT_FORMAT:
			if (o->format != FORMAT_NONE)
				return pbr_error(EX_USAGE, "report: --format given twice");
			if (parse_format(arg, &o->format) != 0)
				return pbr_error(EX_USAGE, "report: --format must be html or csv, not '%s'",
						 arg);
			break;
		case OPT_OUT:
			if (o->out)
				return pbr_error(EX_USAGE, "report: --out given twice");
			if (*arg == '\0')
				return pbr_error(EX_USAGE, "report: --out needs a file name");
			o->out = arg;
			break;
		case OPT_PCC:
			o->pcc = arg;
			break;
		case OPT_FROM:
			o->from = arg;
			break;
		case OPT_TO:
			o->to = arg;
			break;
		case OPT_CERT:
			if (o->cert)
				return pbr_error(EX_USAGE, "report: --cert given twice");
			o->cert = arg;
			break;
		case OPT_INDEX:
			if (o->index)
				return pbr_error(EX_USAGE, "report: --index given twice");
			o->index = arg;
			break;
		case OPT_CY:
			if (o->cy_contract)
				return pbr_error(EX_USAGE, "report: --contract-year given twice");
			o->cy_contract = arg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			return pbr_error(EX_USAGE, "report: option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return pbr_error(EX_USAGE, "report: unknown option '%s' (try --help)",
					 argv[optind - 1]);
		}
	}

	if (o->cy_contract) {
		if (o->index || o->pcc || o->from || o->to || o->cert)
			return pbr_error(EX_USAGE, "report: --contract-year ID YEAR is a report of its own");
		if (optind >= argc)
			return pbr_error(EX_USAGE, "report: --contract-year needs the contract and the year "
					 "(usage: report --contract-year ID YEAR --format html|csv --out FILE)");
		o->cy_year = argv[optind];
		if (optind + 1 < argc)
			return pbr_error(EX_USAGE, "report: '%s' is extra", argv[optind + 1]);
		if (o->format == FORMAT_NONE)
			return pbr_error(EX_USAGE, "report: --format html|csv is required");
		if (o->out == NULL)
			return pbr_error(EX_USAGE, "report: --out FILE is required");
		return 0;
	}
	if (o->index) {
		if (o->pcc || o->from || o->to)
			return pbr_error(EX_USAGE, "report: --index and --pcc are separate reports");
		if (optind < argc)
			return pbr_error(EX_USAGE, "report: --index reads a directory; '%s' is extra",
					 argv[optind]);
		if (o->format == FORMAT_NONE)
			o->format = FORMAT_HTML;
		if (o->out == NULL)
			return pbr_error(EX_USAGE, "report: --out FILE is required");
		return 0;
	}
	if (o->pcc || o->from || o->to) {
		if (o->cert)
			return pbr_error(EX_USAGE, "report: --cert is for a statement or --index, "
					 "not the PCC view (it reads the ledger)");
		/* checked by report_pcc_view() */
		if (optind < argc)
			o->input = argv[optind];
		return 0;
	}

	if (optind >= argc)
		return pbr_error(EX_USAGE, "report: no statement file given "
				 "(usage: report FILE.xml --format html|csv --out FILE)");
	if (optind + 1 < argc)
		return pbr_error(EX_USAGE, "report: one statement file only, '%s' is extra",
				 argv[optind + 1]);
	o->input = argv[optind];
	if (o->format == FORMAT_NONE)
		return pbr_error(EX_USAGE, "report: --format html|csv is required");
	if (o->out == NULL)
		return pbr_error(EX_USAGE, "report: --out FILE is required");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading XML safely */

/* Reads an XML file the engine itself ships (schema, stylesheet).
 * NULL after printing one line (exit 70). */
static xmlDocPtr read_data_file(const char *path, const char *what)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc;
	report_xml_error err;
	char msg[256];

	if (access(path, R_OK) != 0) {
		pbr_error(EX_SOFTWARE, "report: %s %s: %s (is PBR_DATADIR right?)",
			  what, path, strerror(errno));
		return NULL;
	}
	pc = xmlNewParserCtxt();
	if (pc == NULL) {
		pbr_error(EX_SOFTWARE, "report: out of memory");
		return NULL;
	}
	doc = xmlCtxtReadFile(pc, path, NULL, PBR_XML_SAFE_OPTIONS);
	if (doc == NULL) {
		err = xmlCtxtGetLastError(pc);
		pbr_error(EX_SOFTWARE, "report: %s %s:%d: cannot parse: %s", what, path,
			  err ? err->line : 0, one_line(msg, sizeof msg, err ? err->message : NULL));
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

/* The statement's root element and namespace (pbr_xml_parse has already
 * refused any DOCTYPE).  Takes doc:
 * sets *out to it, or frees it and returns an exit code. */
static int check_statement_doc(const char *path, xmlDocPtr doc, xmlDocPtr *out)
{
	xmlNodePtr root;

	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns == NULL
	    || !(xmlStrEqual(root->name, BAD_CAST STATEMENT_ROOT)
		 || xmlStrEqual(root->name, BAD_CAST MONTHLY_ROOT))
	    || !xmlStrEqual(root->ns->href, BAD_CAST STATEMENT_NS)) {
		xmlFreeDoc(doc);
		return pbr_error(EX_DATAERR, "report: %s: not a settlement statement (root "
				 "element must be " STATEMENT_ROOT " or " MONTHLY_ROOT
				 " in namespace " STATEMENT_NS ")", path);
	}
	*out = doc;
	return 0;
}

/* A monthly fee-for-service statement (SPEC 11.5) rather than a PbR one. */
static bool is_monthly(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	return root && xmlStrEqual(root->name, BAD_CAST MONTHLY_ROOT);
}

/* Parses a statement held in memory (the ledger's copy, a draft, a file's
 * bytes): safely (xmlsafe.h), and it must be a settlement statement. */
static int parse_statement_buffer(const char *name, const char *xml, size_t len,
				  xmlDocPtr *out)
{
	struct pbr_xml_problem p;
	xmlDocPtr doc;

	*out = NULL;
	doc = pbr_xml_parse(xml, len, name, &p);
	if (doc == NULL)
		return pbr_error(EX_DATAERR, "report: %s:%d: not a readable statement: %s",
				 name, p.line, p.first);
	return check_statement_doc(name, doc, out);
}

/* Opens and parses the statement.  Returns 0 and *out, or an exit code
 * after one line on stderr. */
static int read_statement(const char *path, xmlDocPtr *out)
{
	char *buf = NULL;
	size_t len = 0;
	int code;

	*out = NULL;
	if (path == NULL)
		return EX_USAGE;
	enum pbr_read_status rs = pbr_read_file(path, SIZE_MAX, &buf, &len);

	/* the same code as every command for the same condition */
	if (rs != PBR_READ_OK)
		return pbr_read_failure(rs, path, SIZE_MAX);
	code = parse_statement_buffer(path, buf, len, out);
	free(buf);
	return code;
}


/* Validates doc against <datadir>/schemas/statement.xsd. */
static int validate_statement(const char *path, xmlDocPtr doc)
{
	struct pbr_xml_problem p;

	switch (pbr_statement_schema_check(doc, &p)) {
	case 1:
		return 0;
	case 0:
		if (p.count > 1)
			return pbr_error(EX_DATAERR, "report: %s:%d: not a valid settlement "
					 "statement: %s (and %d more problems)", path, p.line,
					 p.first, p.count - 1);
		return pbr_error(EX_DATAERR, "report: %s:%d: not a valid settlement "
				 "statement: %s", path, p.line,
				 p.first[0] ? p.first : "schema validation failed");
	default:
		return pbr_error(EX_SOFTWARE, "report: %s: schema %s: %s", path,
				 pbr_statement_schema_path(), p.first);
	}
}

/* ------------------------------------------------------------------ */
/* Transforming */

/* Applies <datadir>/reports/<sheet>-<fmt>.xsl to doc.  params is a
 * NULL-terminated name/XPath-expression list (libxslt convention) or NULL.
 * On success *text / *len hold the serialised result (xmlFree it; may be
 * NULL for an empty result). */
static int transform(const char *path, xmlDocPtr doc, const char *sheet,
		     enum report_format fmt, const char **params, xmlChar **text, int *len)
{
	char xsl[PATH_MAX];
	xmlDocPtr xdoc;
	xsltStylesheetPtr style = NULL;
	xsltTransformContextPtr tc = NULL;
	xsltSecurityPrefsPtr sec = NULL;
	xmlDocPtr result = NULL;
	struct errbuf eb;
	int code = 0;

	*text = NULL;
	*len = 0;
	if ((size_t)snprintf(xsl, sizeof xsl, "%s/reports/%s-%s.xsl", pbr_datadir(),
			     sheet, format_name(fmt)) >= sizeof xsl)
		return pbr_error(EX_SOFTWARE, "report: data directory path too long");
	xdoc = read_data_file(xsl, "stylesheet");
	if (xdoc == NULL)
		return EX_SOFTWARE;

	errbuf_reset(&eb);
	xsltSetGenericErrorFunc(&eb, on_generic_error);
	style = xsltParseStylesheetDoc(xdoc);
	if (style == NULL) {
		xmlFreeDoc(xdoc);	/* not taken over on failure */
		code = pbr_error(EX_SOFTWARE, "report: stylesheet %s: %s", xsl,
				 eb.count ? eb.first : "cannot compile");
		goto done;
	}

	sec = xsltNewSecurityPrefs();
	if (sec == NULL
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid) != 0) {
		code = pbr_error(EX_SOFTWARE, "report: cannot set XSLT security preferences");
		goto done;
	}
	tc = xsltNewTransformContext(style, doc);
	if (tc == NULL || xsltSetCtxtSecurityPrefs(sec, tc) != 0) {
		code = pbr_error(EX_SOFTWARE, "report: cannot create the XSLT context");
		goto done;
	}
	xsltSetTransformErrorFunc(tc, &eb, on_generic_error);

	errbuf_reset(&eb);
	result = xsltApplyStylesheetUser(style, doc, params, NULL, NULL, tc);
	if (result == NULL || tc->state != XSLT_STATE_OK) {
		/* A stylesheet stops (xsl:message terminate) only on statement
		 * content it cannot report, e.g. PCC pence not adding up. */
		if (tc->state == XSLT_STATE_STOPPED)
			code = pbr_error(EX_DATAERR, "report: %s: %s", path,
					 eb.count ? eb.first : "the stylesheet refused the statement");
		else
			code = pbr_error(EX_SOFTWARE, "report: %s: transformation by %s failed: %s",
					 path, xsl, eb.count ? eb.first : "unknown error");
		goto done;
	}
	if (xsltSaveResultToString(text, len, result, style) != 0) {
		code = pbr_error(EX_SOFTWARE, "report: cannot serialise the %s report",
				 format_name(fmt));
		goto done;
	}
done:
	xsltSetGenericErrorFunc(NULL, NULL);
	if (result)
		xmlFreeDoc(result);
	if (tc)
		xsltFreeTransformContext(tc);
	if (sec)
		xsltFreeSecurityPrefs(sec);
	if (style)
		xsltFreeStylesheet(style);	/* frees xdoc too */
	return code;
}

/* ------------------------------------------------------------------ */
/* Writing atomically (outfile.h: temporary name in the same directory,
 * fsync, rename, fsync of the directory) */

static int write_atomically(const char *out, const unsigned char *data, size_t len)
{
	char dir[PATH_MAX];
	const char *slash = out ? strrchr(out, '/') : NULL;
	const char *base = slash ? slash + 1 : out;
	struct stat st;

	if (out == NULL || base == NULL)
		return EX_USAGE;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return pbr_error(EX_CANTCREAT, "report: --out %s names a directory, not a file", out);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "report: cannot create %s: it is a directory", out);
	if (slash == out)
		snprintf(dir, sizeof dir, "/");
	else if (slash) {
		if ((size_t)(slash - out) >= sizeof dir)
			return pbr_error(EX_CANTCREAT, "report: cannot create %s: path too long", out);
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - out), out);
	} else
		snprintf(dir, sizeof dir, ".");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "report: cannot create %s: directory %s does not exist",
				 out, dir);
	return pbr_write_atomic(dir, base, data, len);
}

/* ------------------------------------------------------------------ */

/* What the page says under "Signature check" (SPEC 7, 10): checked
 * against --cert when given.  Returns 0, or an exit code after one line
 * when the certificate cannot be read or the check cannot run. */
static int signature_status(const char *name, xmlDocPtr doc, const char *cert,
			    char *buf, size_t size, int *valid)
{
	char msg[256];
	const char *base;
	int rc;

	*valid = -1;
	if (!pbr_has_signature(doc)) {
		snprintf(buf, size, "NOT SIGNED");
		return 0;
	}
	if (cert == NULL) {
		snprintf(buf, size, "present, not checked (give --cert PEM, or run pbr-settle verify)");
		return 0;
	}
	if (access(cert, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "report: cannot open certificate %s: %s", cert,
				 strerror(errno));
	rc = pbr_verify_signature(doc, cert, msg, sizeof msg);
	if (rc < 0)
		return pbr_error(EX_DATAERR, "report: %s: cannot check the signature: %s", name, msg);
	*valid = rc;
	base = strrchr(cert, '/') ? strrchr(cert, '/') + 1 : cert;
	if (rc == 1)
		snprintf(buf, size, "valid: signed with the key of certificate %s", base);
	else
		snprintf(buf, size, "INVALID: %s (certificate %s)", msg, base);
	return 0;
}

/* text as an XPath string literal for an XSLT parameter: quotes dropped */
static void xpath_literal(char *out, size_t size, const char *text)
{
	size_t n = 0;

	if (size < 3) {
		if (size)
			out[0] = '\0';
		return;
	}
	out[n++] = '\'';
	for (; *text && n + 2 < size; text++)
		if (*text != '\'' && *text != '"')
			out[n++] = *text;
	out[n++] = '\'';
	out[n] = '\0';
}

/* Renders one statement file to out. */
static int render_to_file(const char *input, enum report_format fmt, const char *out,
			  const char *cert)
{
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, code, valid;
	struct errbuf eb;
	char status[512] = "", literal[520] = "";
	const char *params[3] = { "signature_status", literal, NULL };

	errbuf_reset(&eb);
	/* nothing from libxml2 reaches stderr directly: one line per failure */
	xmlSetStructuredErrorFunc(&eb, on_structured_error);

	code = read_statement(input, &doc);
	if (code == 0)
		code = validate_statement(input, doc);
	if (code == 0)
		code = signature_status(input, doc, cert, status, sizeof status, &valid);
	if (code == 0) {
		xpath_literal(literal, sizeof literal, status);
		code = transform(input, doc, is_monthly(doc) ? "monthly" : "statement", fmt,
				 fmt == FORMAT_HTML ? params : NULL,
				 &text, &len);
	}
	if (code == 0)
		code = write_atomically(out, text ? text : (const xmlChar *)"",
					len > 0 ? (size_t)len : 0);

	xmlSetStructuredErrorFunc(NULL, NULL);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* Renders a statement held in memory (simulate's drafts) into dir/file. */
int pbr_report_statement_buffer(const char *name, const char *xml, size_t len,
				const char *format, const char *dir, const char *file)
{
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	enum report_format fmt;
	int tlen = 0, code;
	struct errbuf eb;

	if (parse_format(format, &fmt) != 0)
		return pbr_error(EX_SOFTWARE, "report: unknown format '%s'", format);
	LIBXML_TEST_VERSION
	xmlInitParser();
	errbuf_reset(&eb);
	xmlSetStructuredErrorFunc(&eb, on_structured_error);
	code = parse_statement_buffer(name, xml, len, &doc);
	if (code == 0)
		code = validate_statement(name, doc);
	if (code == 0)
		code = transform(name, doc, "statement", fmt, NULL, &text, &tlen);
	if (code == 0)
		code = pbr_write_atomic(dir, file, text ? (const char *)text : "",
					tlen > 0 ? (size_t)tlen : 0);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* ------------------------------------------------------------------ */
/* The PCC multi-period view: one PCC area across settlement periods
 * P1..P2, for a Police and Crime Commissioner (seed 002, 7-8: PCCs see
 * local results, and whether people with complex needs are left out).
 *
 * Built from the ledger only: every statement in force (the latest of each
 * contract and period) of the contracts of the area's CPA, parsed from the
 * exact bytes recorded, its PccArea@code picked.  The figures are copied
 * as the statement states them; totals are int64 sums with overflow
 * checks; display rates are integer per mille. */

#define PCC_VIEW_NS "urn:pbr-settle:pcc-view:1"

static const char *const area_fields[] = {
	"Members", "WeightedSize", "ExpectedBinary", "ActualBinary",
	"BinaryImprovement", "ExpectedFrequency", "ActualFrequency",
	"FrequencyImprovement", "BinaryPence", "FrequencyPence", "TotalPence"
};
enum { F_MEMBERS, F_W, F_EB, F_AB, F_B, F_EF, F_AF, F_F, F_BP, F_FP, F_TP, NFIELDS };

static bool code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* The first element child of parent named name in the statement namespace. */
static xmlNodePtr st_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && n->ns
		    && xmlStrEqual(n->ns->href, BAD_CAST STATEMENT_NS)
		    && xmlStrEqual(n->name, BAD_CAST name))
			return n;
	return NULL;
}

/* The first element child of parent named name, any namespace (the
 * documents the engine builds). */
static xmlNodePtr st_child_any(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
			return n;
	return NULL;
}

static int node_int(xmlNodePtr n, int64_t *out)
{
	xmlChar *t;
	int rc;

	if (n == NULL)
		return -1;
	t = xmlNodeGetContent(n);
	if (t == NULL)
		return -1;
	rc = pbr_parse_int64((const char *)t, out);
	xmlFree(t);
	return rc;
}

static char *node_text(xmlNodePtr n, const char *attr)
{
	xmlChar *t;
	char *r;

	if (n == NULL)
		return strdup("");
	t = attr ? xmlGetProp(n, BAD_CAST attr) : xmlNodeGetContent(n);
	r = strdup(t ? (const char *)t : "");
	if (t)
		xmlFree(t);
	return r;
}

/* round(num / den) half up, for num >= 0 and den > 0; false otherwise. */
static bool ratio(__int128 num, __int128 den, int64_t *out)
{
	if (num < 0 || den <= 0)
		return false;
	*out = (int64_t)pbr_round_div(num, den);
	return true;
}

static int add_int(xmlNodePtr parent, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST buf) ? 0 : -1;
}

static int set_int(xmlNodePtr n, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return xmlNewProp(n, BAD_CAST name, BAD_CAST buf) ? 0 : -1;
}

/* <Rates> for one set of sums (display only): binary rates and frequency
 * per weighted person, and actual / expected frequency, in per mille and
 * thousandths; an attribute is left out where its denominator is 0. */
static int add_rates(xmlNodePtr parent, const int64_t *f)
{
	xmlNodePtr r = xmlNewChild(parent, NULL, BAD_CAST "Rates", NULL);
	int64_t v;
	int rc = r ? 0 : -1;

	if (rc == 0 && ratio(f[F_EB], (__int128)f[F_W] * 1000, &v))
		rc = set_int(r, "expectedBinaryPermille", v);
	if (rc == 0 && ratio(f[F_AB], (__int128)f[F_W] * 1000, &v))
		rc = set_int(r, "actualBinaryPermille", v);
	if (rc == 0 && ratio(f[F_EF], f[F_W], &v))
		rc = set_int(r, "expectedFrequencyMilli", v);
	if (rc == 0 && ratio(f[F_AF], f[F_W], &v))
		rc = set_int(r, "actualFrequencyMilli", v);
	if (rc == 0 && ratio((__int128)f[F_AF] * 1000, f[F_EF], &v))
		rc = set_int(r, "frequencyRatioPermille", v);
	return rc;
}

static int add_figures(xmlNodePtr parent, const int64_t *f)
{
	for (int i = 0; i < NFIELDS; i++)
		if (add_int(parent, area_fields[i], f[i]) != 0)
			return -1;
	return add_rates(parent, f);
}

/* Contract-level money of a statement (SPEC 7, 8): what the cohort
 * earned (T), the annual true-up (0 outside a reconciliation), what the
 * period is worth, the advance netted (0 when the statement has none) and
 * what is paid.  Checked: PeriodDue = T + true-up. */
static const char *const money_attr[] = {
	"totalPence", "trueUpPence", "periodDuePence", "advanceNettedPence", "amountDuePence"
};
enum { M_T, M_TRUEUP, M_PERIOD_DUE, M_ADVANCE, M_AMOUNT_DUE, NMONEY };

static int contract_money(const char *sid, xmlNodePtr st, xmlNodePtr cohort, int64_t *m)
{
	xmlNodePtr sum = st_child(st, "Summary"), ar = st_child(st, "AnnualReconciliation");
	int64_t check;

	memset(m, 0, NMONEY * sizeof *m);
	if (node_int(st_child(cohort, "TotalPence"), &m[M_T]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Cohort/TotalPence", sid);
	if (ar && node_int(st_child(ar, "TrueUpPence"), &m[M_TRUEUP]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid AnnualReconciliation/TrueUpPence",
				 sid);
	if (node_int(st_child(sum, "PeriodDuePence"), &m[M_PERIOD_DUE]) != 0
	    || node_int(st_child(sum, "AmountDuePence"), &m[M_AMOUNT_DUE]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Summary/PeriodDuePence "
				 "and AmountDuePence", sid);
	if (st_child(sum, "AdvanceNettedPence")
	    && node_int(st_child(sum, "AdvanceNettedPence"), &m[M_ADVANCE]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Summary/AdvanceNettedPence",
				 sid);
	if (__builtin_add_overflow(m[M_T], m[M_TRUEUP], &check) || check != m[M_PERIOD_DUE])
		return pbr_error(EX_DATAERR, "report: statement %s: PeriodDuePence %" PRId64
				 " is not the cohort total %" PRId64 " plus the true-up %" PRId64,
				 sid, m[M_PERIOD_DUE], m[M_T], m[M_TRUEUP]);
	return 0;
}

/* The money attributes on a <Contract> (of a period, or the Total), and
 * the reconciliation year when the statement has one. */
static int set_money(xmlNodePtr c, xmlNodePtr st, const int64_t *m)
{
	xmlNodePtr ar = st ? st_child(st, "AnnualReconciliation") : NULL;

	for (int i = 0; i < NMONEY; i++)
		if (set_int(c, money_attr[i], m[i]) != 0)
			return -1;
	if (ar) {
		xmlChar *y = xmlGetProp(ar, BAD_CAST "year");
		xmlAttrPtr a = xmlNewProp(c, BAD_CAST "reconciliationYear", y ? y : BAD_CAST "");

		if (y)
			xmlFree(y);
		if (a == NULL)
			return -1;
	}
	return 0;
}

/* ---- the test of SPEC 5a for one area (display) ---- */

/* The significance sums carried across periods: V and D add up (the
 * cohorts are independent), so the pooled interval is computed like one
 * period's. */
struct pcc_chance {
	unsigned __int128 v;
	int64_t deduction;
	bool all_v;	/* every period carried V */
};

/* A non-negative decimal integer of up to 38 digits (BinaryVariance). */
static int node_u128(xmlNodePtr n, unsigned __int128 *out)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = (const char *)t;
	unsigned __int128 v = 0;
	int rc = -1;

	if (s && *s) {
		size_t len = strlen(s);

		if (len <= 38 && strspn(s, "0123456789") == len) {
			for (; *s; s++)
				v = v * 10 + (unsigned)(*s - '0');
			*out = v;
			rc = 0;
		}
	}
	if (t)
		xmlFree(t);
	return rc;
}

/* floor(sqrt(v)) */
static uint64_t isqrt_u128(unsigned __int128 v)
{
	unsigned __int128 lo = 0, hi = (unsigned __int128)UINT64_MAX;

	while (lo < hi) {
		unsigned __int128 mid = lo + (hi - lo + 1) / 2;

		if (mid * mid <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint64_t)lo;
}

/* round(a / b) for b > 0, half away from zero (SPEC 1 for negatives) */
static int64_t signed_round(__int128 a, __int128 b)
{
	return a < 0 ? -(int64_t)pbr_round_div(-a, b) : (int64_t)pbr_round_div(a, b);
}

/* <Chance deductionPence="" [ratePpm lowPpm highPpm zCenti]/>: the binary
 * improvement rate B/W with its 95 % interval (rate +- round(196 isqrt(V)
 * / (100 W)), as the monitor computes it, docs/STATEMENT.md) and z = B /
 * isqrt(V) in hundredths, all in integers, for reading only. */
static int add_chance(xmlNodePtr parent, int64_t b, int64_t w, unsigned __int128 v,
		      bool has_v, int64_t deduction)
{
	xmlNodePtr c = xmlNewChild(parent, NULL, BAD_CAST "Chance", NULL);
	uint64_t root;
	int64_t rate, half;

	if (c == NULL || set_int(c, "deductionPence", deduction) != 0)
		return -1;
	if (!has_v || w <= 0)
		return 0;
	root = isqrt_u128(v);
	rate = signed_round(b, w);
	half = (int64_t)pbr_round_div((__int128)root * 196, (__int128)w * 100);
	if (set_int(c, "ratePpm", rate) != 0 || set_int(c, "lowPpm", rate - half) != 0
	    || set_int(c, "highPpm", rate + half) != 0)
		return -1;
	if (root > 0 && set_int(c, "zCenti", signed_round((__int128)b * 100, root)) != 0)
		return -1;
	return 0;
}

/* One statement of the ledger into one <Period>; totals updated. */
static int pcc_period(const struct report_opts *o, const char *sid,
		      const char *xml, size_t len, xmlNodePtr root,
		      int64_t *total, int64_t *money, struct pcc_chance *chance,
		      int64_t *periods)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr st, h, cohort, area = NULL, p, n;
	int64_t f[NFIELDS];
	char name[PBR_ID_MAX + 32];
	char *period = NULL, *cq = NULL, *contract = NULL, *kind = NULL,
	     *status = NULL, *tariff = NULL;
	unsigned __int128 v = 0;
	int64_t deduction = 0;
	bool has_v = false;
	int code;

	memset(f, 0, sizeof f);
	snprintf(name, sizeof name, "ledger:%s", sid);
	code = parse_statement_buffer(name, xml, len, &doc);
	if (code != 0)
		return code;
	st = xmlDocGetRootElement(doc);
	h = st_child(st, "Header");
	cohort = st_child(st, "Cohort");
	if (h == NULL || cohort == NULL) {
		code = pbr_error(EX_DATAERR, "report: statement %s in the ledger has no Header or Cohort",
				 sid);
		goto done;
	}
	for (n = cohort->children; n; n = n->next) {
		xmlChar *c;

		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "PccArea"))
			continue;
		c = xmlGetProp(n, BAD_CAST "code");
		if (c && strcmp((const char *)c, o->pcc) == 0)
			area = n;
		if (c)
			xmlFree(c);
		if (area)
			break;
	}
	period = node_text(st_child(h, "Period"), NULL);
	cq = node_text(cohort, "quarter");
	contract = node_text(st_child(h, "Contract"), "id");
	kind = node_text(st_child(h, "Kind"), NULL);
	status = node_text(st_child(h, "Status"), NULL);
	tariff = node_text(st_child(h, "Tariff"), "version");
	if (!period || !cq || !contract || !kind || !status || !tariff) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	if (area) {
		for (int i = 0; i < NFIELDS; i++)
			if (node_int(st_child(area, area_fields[i]), &f[i]) != 0) {
				code = pbr_error(EX_DATAERR, "report: statement %s: PccArea %s has no valid %s",
						 sid, o->pcc, area_fields[i]);
				goto done;
			}
		/* SPEC 5a (optional: statements before it carry neither) */
		has_v = st_child(area, "BinaryVariance") != NULL;
		if ((has_v && node_u128(st_child(area, "BinaryVariance"), &v) != 0)
		    || (st_child(area, "DeductionPence")
			&& node_int(st_child(area, "DeductionPence"), &deduction) != 0)) {
			code = pbr_error(EX_DATAERR, "report: statement %s: PccArea %s has no valid "
					 "BinaryVariance or DeductionPence", sid, o->pcc);
			goto done;
		}
	} else {
		pbr_warn("statement %s has no PCC area %s (the area was not part of CPA then); shown with no members",
			 sid, o->pcc);
		has_v = true;	/* no members: V 0 */
	}
	p = xmlNewChild(root, NULL, BAD_CAST "Period", NULL);
	if (p == NULL || !xmlNewProp(p, BAD_CAST "period", BAD_CAST period)
	    || !xmlNewProp(p, BAD_CAST "cohort", BAD_CAST cq)
	    || !xmlNewProp(p, BAD_CAST "contract", BAD_CAST contract)
	    || !xmlNewProp(p, BAD_CAST "statementId", BAD_CAST sid)
	    || !xmlNewProp(p, BAD_CAST "status", BAD_CAST status)
	    || !xmlNewProp(p, BAD_CAST "kind", BAD_CAST kind)
	    || !xmlNewProp(p, BAD_CAST "tariff", BAD_CAST tariff)
	    || (!area && !xmlNewProp(p, BAD_CAST "absent", BAD_CAST "true"))
	    || add_figures(p, f) != 0) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	/* the contract's whole cohort, for scale: its total, and its needs
	 * bands (seed 002, 6.3-6.6: nobody parked for having complex needs);
	 * and what the statement pays at contract level (SPEC 7: the annual
	 * true-up is not attributed to areas, so it is shown beside them) */
	{
		xmlNodePtr c = xmlNewChild(p, NULL, BAD_CAST "Contract", NULL);
		int64_t cf[NFIELDS], m[NMONEY];

		code = contract_money(sid, st, cohort, m);
		if (code != 0)
			goto done;
		if (c == NULL || set_money(c, st, m) != 0) {
			code = pbr_error(EX_OSERR, "out of memory");
			goto done;
		}
		for (int i = 0; i < NMONEY; i++)
			if (__builtin_add_overflow(money[i], m[i], &money[i])) {
				code = pbr_error(EX_DATAERR, "report: PCC %s: the contracts' %s of periods %s..%s overflow",
						 o->pcc, money_attr[i], o->from, o->to);
				goto done;
			}
		for (n = cohort->children; n; n = n->next) {
			xmlNodePtr b;
			xmlChar *band;

			if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "NeedsBand"))
				continue;
			memset(cf, 0, sizeof cf);
			for (int i = F_MEMBERS; i <= F_F; i++)
				if (node_int(st_child(n, area_fields[i]), &cf[i]) != 0) {
					code = pbr_error(EX_DATAERR, "report: statement %s: a NeedsBand has no valid %s",
							 sid, area_fields[i]);
					goto done;
				}
			band = xmlGetProp(n, BAD_CAST "band");
			b = xmlNewChild(c, NULL, BAD_CAST "NeedsBand", NULL);
			if (b == NULL || !xmlNewProp(b, BAD_CAST "band", band ? band : BAD_CAST "")
			    || set_int(b, "members", cf[F_MEMBERS]) != 0 || add_rates(b, cf) != 0) {
				if (band)
					xmlFree(band);
				code = pbr_error(EX_OSERR, "out of memory");
				goto done;
			}
			xmlFree(band);
		}
	}
	/* the test in words needs the contract's verdict and the tariff's z */
	{
		xmlNodePtr ch;
		xmlNodePtr t = st_child(h, "Tariff");
		char *mode = node_text(st_child(cohort, "BinaryMode"), NULL);
		char *sig = node_text(st_child(cohort, "BinarySignificant"), NULL);
		char *zm = node_text(st_child(t, "SignificanceZMilli"), NULL);
		char *term = node_text(st_child(cohort, "TerminationFlag"), NULL);
		int bad = add_chance(p, f[F_B], f[F_W], v, has_v, deduction) != 0;

		ch = bad ? NULL : st_child_any(p, "Chance");
		if (!bad && ch && mode && *mode)
			bad = !xmlNewProp(ch, BAD_CAST "mode", BAD_CAST mode)
			      || !xmlNewProp(ch, BAD_CAST "contractSignificant", BAD_CAST (sig ? sig : ""))
			      || !xmlNewProp(ch, BAD_CAST "zMilli", BAD_CAST (zm ? zm : ""))
			      || !xmlNewProp(ch, BAD_CAST "terminationFlag", BAD_CAST (term ? term : ""));
		free(mode);
		free(sig);
		free(zm);
		free(term);
		if (bad) {
			code = pbr_error(EX_OSERR, "out of memory");
			goto done;
		}
	}
	for (int i = 0; i < NFIELDS; i++)
		if (__builtin_add_overflow(total[i], f[i], &total[i])) {
			code = pbr_error(EX_DATAERR, "report: PCC %s: the %s of periods %s..%s overflow",
					 o->pcc, area_fields[i], o->from, o->to);
			goto done;
		}
	if (!has_v)
		chance->all_v = false;
	if (v > ~(unsigned __int128)0 - chance->v
	    || __builtin_add_overflow(chance->deduction, deduction, &chance->deduction)) {
		code = pbr_error(EX_DATAERR, "report: PCC %s: the variances or deductions of periods %s..%s overflow",
				 o->pcc, o->from, o->to);
		goto done;
	}
	chance->v += v;
	(*periods)++;
done:
	free(period);
	free(cq);
	free(contract);
	free(kind);
	free(status);
	free(tariff);
	xmlFreeDoc(doc);
	return code;
}

/* Reads the area and the statements in force; builds the view document. */
static int pcc_build(PGconn *conn, const struct report_opts *o, xmlDocPtr *out)
{
	const char *p1[1] = { o->pcc };
	const char *p3[3];
	PGresult *res = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, t;
	xmlNsPtr ns;
	char *cpa = NULL;
	int64_t total[NFIELDS], money[NMONEY], periods = 0;
	struct pcc_chance chance = { 0, 0, true };
	int code = 0;

	memset(total, 0, sizeof total);
	memset(money, 0, sizeof money);
	res = pbr_db_query(conn, "reading the PCC area",
		"SELECT p.name, p.cpa_code, c.name FROM pbr.pcc_area p"
		" JOIN pbr.cpa c ON c.code = p.cpa_code WHERE p.code = $1", 1, p1);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pbr_error(EX_DATAERR, "report: no PCC area '%s' in pbr.pcc_area", o->pcc);
	}
	doc = xmlNewDoc(BAD_CAST "1.0");
	root = doc ? xmlNewNode(NULL, BAD_CAST "PccView") : NULL;
	ns = root ? xmlNewNs(root, BAD_CAST PCC_VIEW_NS, NULL) : NULL;
	cpa = strdup(PQgetvalue(res, 0, 1));
	if (ns == NULL || cpa == NULL) {
		if (root)
			xmlFreeNode(root);
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	if (!xmlNewProp(root, BAD_CAST "code", BAD_CAST o->pcc)
	    || !xmlNewProp(root, BAD_CAST "name", BAD_CAST PQgetvalue(res, 0, 0))
	    || !xmlNewProp(root, BAD_CAST "cpa", BAD_CAST cpa)
	    || !xmlNewProp(root, BAD_CAST "cpaName", BAD_CAST PQgetvalue(res, 0, 2))
	    || !xmlNewProp(root, BAD_CAST "from", BAD_CAST o->from)
	    || !xmlNewProp(root, BAD_CAST "to", BAD_CAST o->to)
	    || !xmlNewProp(root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION)) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	PQclear(res);
	p3[0] = cpa;
	p3[1] = o->from;
	p3[2] = o->to;
	res = pbr_db_query(conn, "reading the statements in force",
		"SELECT s.statement_id, convert_from(s.statement_xml, 'UTF8')"
		" FROM pbr.statement_in_force s JOIN pbr.contract c ON c.id = s.contract_id"
		" WHERE c.cpa_code = $1 AND s.statement_type = 'PBR' AND s.period >= $2 AND s.period <= $3"
		" ORDER BY s.period COLLATE \"C\", s.contract_id COLLATE \"C\"", 3, p3);
	if (res == NULL) {
		code = pbr_db_failure_code(conn);
		goto done;
	}
	for (int i = 0; i < PQntuples(res) && code == 0; i++)
		code = pcc_period(o, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				  (size_t)PQgetlength(res, i, 1), root, total, money, &chance,
				  &periods);
	if (code != 0)
		goto done;
	if (periods == 0)
		pbr_warn("no statement in force for CPA %s in periods %s..%s; the view is empty",
			 cpa, o->from, o->to);
	t = xmlNewChild(root, NULL, BAD_CAST "Total", NULL);
	if (t == NULL || set_int(t, "periods", periods) != 0 || add_figures(t, total) != 0) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	if (add_chance(t, total[F_B], total[F_W], chance.v, chance.all_v && periods > 0,
		       chance.deduction) != 0) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	t = xmlNewChild(t, NULL, BAD_CAST "Contract", NULL);
	if (t == NULL || set_money(t, NULL, money) != 0)
		code = pbr_error(EX_OSERR, "out of memory");
done:
	PQclear(res);
	free(cpa);
	if (code != 0 && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	*out = doc;
	return code;
}

static int report_pcc_view(const struct report_opts *o)
{
	PGconn *conn;
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, from, to, code;
	char what[96];
	struct errbuf eb;

	if (o->pcc == NULL || o->from == NULL || o->to == NULL)
		return pbr_error(EX_USAGE, "report: --pcc, --from and --to go together "
				 "(usage: report --pcc CODE --from P1 --to P2 --format html|csv --out FILE)");
	if (!code_ok(o->pcc))
		return pbr_error(EX_USAGE, "report: --pcc must be 1 to 32 letters, digits, '_' or '-'");
	if (pbr_quarter_parse(o->from, &from) != 0 || pbr_quarter_parse(o->to, &to) != 0)
		return pbr_error(EX_USAGE, "report: --from and --to must be quarters such as 2025Q4");
	if (from > to)
		return pbr_error(EX_USAGE, "report: --from %s is after --to %s", o->from, o->to);
	if (o->input)
		return pbr_error(EX_USAGE, "report: the PCC view reads the ledger; '%s' is extra",
				 o->input);
	if (o->format == FORMAT_NONE)
		return pbr_error(EX_USAGE, "report: --format html|csv is required");
	if (o->out == NULL)
		return pbr_error(EX_USAGE, "report: --out FILE is required");

	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	LIBXML_TEST_VERSION
	xmlInitParser();
	errbuf_reset(&eb);
	xmlSetStructuredErrorFunc(&eb, on_structured_error);
	if (pbr_db_exec(conn, "setting up the session",
			"SET search_path = pg_catalog") != 0) {
		code = pbr_db_failure_code(conn);
		goto done;
	}
	code = pcc_build(conn, o, &doc);
	PQfinish(conn);
	conn = NULL;
	snprintf(what, sizeof what, "PCC view %s %s..%s", o->pcc, o->from, o->to);
	if (code == 0)
		code = transform(what, doc, "pcc", o->format, NULL, &text, &len);
	if (code == 0)
		code = write_atomically(o->out, text ? text : (const xmlChar *)"",
					len > 0 ? (size_t)len : 0);
done:
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (conn)
		PQfinish(conn);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* ------------------------------------------------------------------ */
/* The index of a directory of statements (`report --index DIR`): every
 * statement file in DIR, with what it pays and a verdict from the checks
 * that need no database: the schema, the annex beside it against
 * AnnexDigest, the signature (against --cert when given), and whether
 * another statement in DIR supersedes it.  `verify` recomputes figures;
 * the index says so.  Assembled as an <Index> document (namespace
 * urn:pbr-settle:index:1) rendered by reports/index-<format>.xsl. */

#define INDEX_NS "urn:pbr-settle:index:1"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.xml names of dir, sorted bytewise.  NULL-terminated, malloc'd. */
static int list_xml(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return pbr_error(errno == ENOENT || errno == ENOTDIR ? EX_NOINPUT : EX_IOERR,
				 "report: cannot read directory %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0 || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);

			if (nv == NULL)
				goto oom;
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*count = n;
	return 0;
oom:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return pbr_error(EX_OSERR, "out of memory");
}

/* One figure of the statement as an attribute (copied as stated, checked
 * to be an integer); absent elements give no attribute. */
static int index_money(xmlNodePtr e, const char *attr, xmlNodePtr n, int64_t *v)
{
	*v = 0;
	if (n == NULL)
		return 0;
	if (node_int(n, v) != 0)
		return -1;
	return set_int(e, attr, *v);
}

struct index_totals {
	int64_t statements, final, problems, amount_due, period_due_in_force;
};

/* One statement file into one <Statement>. */
static int index_statement(const char *dir, const char *outdir, const char *file,
			   const char *cert, xmlNodePtr root, struct index_totals *tot)
{
	char path[PATH_MAX], annex[PATH_MAX], html[PATH_MAX], hex[PBR_SHA256_HEX];
	char sigbuf[512] = "", verdict[600] = "";
	char *buf = NULL, *id = NULL, *status = NULL, *kind = NULL, *digest = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr st, h, e, sum;
	struct pbr_xml_problem prob;
	int code = 0, valid = -1, schema_ok, annex_ok;
	int64_t v, amount = 0;
	const char *annex_state;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (pbr_read_file(path, 64u << 20, &buf, &len) != PBR_READ_OK) {
		e = xmlNewChild(root, NULL, BAD_CAST "Other", NULL);
		if (e == NULL || !xmlNewProp(e, BAD_CAST "file", BAD_CAST file)
		    || !xmlNewProp(e, BAD_CAST "why", BAD_CAST "cannot be read"))
			return pbr_error(EX_OSERR, "out of memory");
		return 0;
	}
	doc = pbr_xml_parse(buf, len, path, &prob);
	free(buf);
	st = doc ? xmlDocGetRootElement(doc) : NULL;
	if (st == NULL || st->ns == NULL || !xmlStrEqual(st->ns->href, BAD_CAST STATEMENT_NS)
	    || !(xmlStrEqual(st->name, BAD_CAST STATEMENT_ROOT) || is_monthly(doc))) {
		/* a run manifest, a monthly statement of another kind, anything else */
		e = xmlNewChild(root, NULL, BAD_CAST "Other", NULL);
		if (e == NULL || !xmlNewProp(e, BAD_CAST "file", BAD_CAST file)
		    || !xmlNewProp(e, BAD_CAST "why", BAD_CAST (doc == NULL ? "not well-formed XML"
				   : st && st->name ? (const char *)st->name : "no root element")))
			code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	tot->statements++;
	h = st_child(st, "Header");
	sum = st_child(st, "Summary");
	schema_ok = pbr_statement_schema_check(doc, &prob);
	if (schema_ok < 0) {
		code = pbr_error(EX_SOFTWARE, "report: schema %s: %s", pbr_statement_schema_path(),
				 prob.first);
		goto done;
	}
	id = node_text(st_child(h, "StatementId"), NULL);
	status = node_text(st_child(h, "Status"), NULL);
	kind = node_text(st_child(h, "Kind"), NULL);
	digest = node_text(st_child(h, "AnnexDigest"), NULL);
	if (!id || !status || !kind || !digest) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	/* the annex beside it */
	snprintf(annex, sizeof annex, "%s/%s-annex.csv", dir, id);
	if (access(annex, R_OK) != 0) {
		annex_state = "MISSING";
		annex_ok = 0;
	} else if (pbr_sha256_file(annex, hex) != 0) {
		annex_state = "cannot be read";
		annex_ok = 0;
	} else {
		annex_ok = strcmp(hex, digest) == 0;
		annex_state = annex_ok ? "matches AnnexDigest" : "MISMATCH: not the AnnexDigest";
	}
	code = signature_status(path, doc, cert, sigbuf, sizeof sigbuf, &valid);
	if (code != 0)
		goto done;

	e = xmlNewChild(root, NULL, BAD_CAST "Statement", NULL);
	if (e == NULL || !xmlNewProp(e, BAD_CAST "file", BAD_CAST file)
	    || !xmlNewProp(e, BAD_CAST "type", BAD_CAST (is_monthly(doc) ? "monthly" : "pbr"))
	    || !xmlNewProp(e, BAD_CAST "id", BAD_CAST id)
	    || !xmlNewProp(e, BAD_CAST "status", BAD_CAST status)
	    || !xmlNewProp(e, BAD_CAST "kind", BAD_CAST kind)
	    || !xmlNewProp(e, BAD_CAST "annex", BAD_CAST annex_state)
	    || !xmlNewProp(e, BAD_CAST "signature", BAD_CAST sigbuf)
	    || !xmlNewProp(e, BAD_CAST "schema", BAD_CAST (schema_ok ? "valid" : prob.first))) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	{
		static const struct { const char *attr, *el, *prop; } texts[] = {
			{ "contract", "Contract", "id" }, { "cpa", "Contract", "cpa" },
			{ "provider", "Provider", NULL }, { "period", "Period", NULL },
			{ "period", "Month", NULL },	/* a monthly statement */
			{ "cohort", "CohortQuarter", NULL }, { "supersedes", "Supersedes", NULL },
			{ "createdAt", "CreatedAt", NULL },
		};
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			xmlNodePtr n = st_child(h, texts[i].el);
			char *t;

			if (n == NULL)
				continue;
			t = node_text(n, texts[i].prop);
			if (t == NULL || !xmlNewProp(e, BAD_CAST texts[i].attr, BAD_CAST t)) {
				free(t);
				code = pbr_error(EX_OSERR, "out of memory");
				goto done;
			}
			free(t);
		}
	}
	if (index_money(e, "totalPence", st_child(st_child(st, "Cohort"), "TotalPence"), &v) != 0
	    || index_money(e, "trueUpPence", st_child(st_child(st, "AnnualReconciliation"), "TrueUpPence"), &v) != 0
	    || index_money(e, "periodDuePence", st_child(sum, "PeriodDuePence"), &v) != 0
	    || index_money(e, "advanceNettedPence", st_child(sum, "AdvanceNettedPence"), &v) != 0
	    || index_money(e, "amountDuePence", st_child(sum, "AmountDuePence"), &amount) != 0) {
		code = pbr_error(EX_DATAERR, "report: %s: a Summary figure is not an integer", path);
		goto done;
	}
	/* the verdict: the first thing wrong, else what the statement is */
	if (!schema_ok)
		snprintf(verdict, sizeof verdict, "INVALID: not a valid statement (schema)");
	else if (valid == 0)
		snprintf(verdict, sizeof verdict, "SIGNATURE INVALID");
	else if (!annex_ok)
		snprintf(verdict, sizeof verdict, "ANNEX %s", annex_state);
	else if (strcmp(status, "DRAFT") == 0)
		snprintf(verdict, sizeof verdict, "DRAFT: not a basis for payment");
	else if (!pbr_has_signature(doc))
		snprintf(verdict, sizeof verdict, "NOT SIGNED");
	else if (valid == 1)
		snprintf(verdict, sizeof verdict, "OK");
	else
		snprintf(verdict, sizeof verdict, "OK, signature not checked");
	if (strncmp(verdict, "OK", 2) != 0 && strncmp(verdict, "DRAFT", 5) != 0)
		tot->problems++;
	if (!xmlNewProp(e, BAD_CAST "verdict", BAD_CAST verdict)) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	if (strcmp(status, "FINAL") == 0) {
		tot->final++;
		if (__builtin_add_overflow(tot->amount_due, amount, &tot->amount_due)) {
			code = pbr_error(EX_DATAERR, "report: the amounts due of %s overflow", dir);
			goto done;
		}
	}
	/* an HTML report of it beside the index */
	if ((size_t)snprintf(html, sizeof html, "%s/%.*s.html", outdir,
			     (int)(strlen(file) - 4), file) < sizeof html
	    && access(html, R_OK) == 0) {
		char rel[NAME_MAX + 1];

		snprintf(rel, sizeof rel, "%.*s.html", (int)(strlen(file) - 4), file);
		if (!xmlNewProp(e, BAD_CAST "report", BAD_CAST rel))
			code = pbr_error(EX_OSERR, "out of memory");
	}
done:
	free(id);
	free(status);
	free(kind);
	free(digest);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* Marks superseded statements (another FINAL statement in the directory
 * names them in Supersedes) and sums the PeriodDuePence of those in force
 * (SPEC 7: the amounts due along a chain sum to the latest period due). */
static int index_finish(xmlNodePtr root, struct index_totals *tot)
{
	for (xmlNodePtr a = root->children; a; a = a->next) {
		xmlChar *id, *status;
		int64_t v = 0;

		if (a->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, BAD_CAST "Statement"))
			continue;
		id = xmlGetProp(a, BAD_CAST "id");
		status = xmlGetProp(a, BAD_CAST "status");
		for (xmlNodePtr b = root->children; b && id; b = b->next) {
			xmlChar *sup, *bst;
			int hit;

			if (b == a || b->type != XML_ELEMENT_NODE
			    || !xmlStrEqual(b->name, BAD_CAST "Statement"))
				continue;
			sup = xmlGetProp(b, BAD_CAST "supersedes");
			bst = xmlGetProp(b, BAD_CAST "status");
			hit = sup && bst && xmlStrEqual(sup, id) && xmlStrEqual(bst, BAD_CAST "FINAL");
			if (hit) {
				xmlChar *bid = xmlGetProp(b, BAD_CAST "id");

				xmlSetProp(a, BAD_CAST "supersededBy", bid ? bid : BAD_CAST "?");
				xmlFree(bid);
			}
			xmlFree(sup);
			xmlFree(bst);
			if (hit)
				break;
		}
		if (status && xmlStrEqual(status, BAD_CAST "FINAL")
		    && !xmlHasProp(a, BAD_CAST "supersededBy")) {
			xmlChar *t = xmlGetProp(a, BAD_CAST "periodDuePence");

			if (t && pbr_parse_int64((const char *)t, &v) == 0
			    && __builtin_add_overflow(tot->period_due_in_force, v, &tot->period_due_in_force)) {
				xmlFree(t);
				xmlFree(id);
				xmlFree(status);
				return pbr_error(EX_DATAERR, "report: the periods due overflow");
			}
			xmlFree(t);
		}
		xmlFree(id);
		xmlFree(status);
	}
	return 0;
}

static int report_index(const struct report_opts *o)
{
	char **names = NULL, outdir[PATH_MAX];
	size_t n = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, t;
	xmlNsPtr ns;
	xmlChar *text = NULL;
	struct index_totals tot;
	struct errbuf eb;
	const char *slash;
	int len = 0, code;

	if (o->out == NULL || o->index == NULL)
		return EX_USAGE;
	slash = strrchr(o->out, '/');
	memset(&tot, 0, sizeof tot);
	if (slash == o->out)
		snprintf(outdir, sizeof outdir, "/");
	else if (slash)
		snprintf(outdir, sizeof outdir, "%.*s", (int)(slash - o->out), o->out);
	else
		snprintf(outdir, sizeof outdir, ".");
	code = list_xml(o->index, &names, &n);
	if (code != 0)
		return code;
	LIBXML_TEST_VERSION
	xmlInitParser();
	errbuf_reset(&eb);
	xmlSetStructuredErrorFunc(&eb, on_structured_error);
	doc = xmlNewDoc(BAD_CAST "1.0");
	root = doc ? xmlNewNode(NULL, BAD_CAST "Index") : NULL;
	ns = root ? xmlNewNs(root, BAD_CAST INDEX_NS, NULL) : NULL;
	if (ns == NULL) {
		if (root)
			xmlFreeNode(root);
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	if (!xmlNewProp(root, BAD_CAST "dir", BAD_CAST o->index)
	    || !xmlNewProp(root, BAD_CAST "certificate", BAD_CAST (o->cert ? o->cert : ""))
	    || !xmlNewProp(root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION)) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n && code == 0; i++)
		code = index_statement(o->index, outdir, names[i], o->cert, root, &tot);
	if (code == 0)
		code = index_finish(root, &tot);
	if (code != 0)
		goto done;
	if (tot.statements == 0)
		pbr_warn("no settlement statement in %s; the index is empty", o->index);
	t = xmlNewChild(root, NULL, BAD_CAST "Total", NULL);
	if (t == NULL || set_int(t, "statements", tot.statements) != 0
	    || set_int(t, "final", tot.final) != 0 || set_int(t, "problems", tot.problems) != 0
	    || set_int(t, "amountDuePence", tot.amount_due) != 0
	    || set_int(t, "periodDueInForcePence", tot.period_due_in_force) != 0) {
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	code = transform(o->index, doc, "index", o->format, NULL, &text, &len);
	if (code == 0)
		code = write_atomically(o->out, text ? text : (const xmlChar *)"",
					len > 0 ? (size_t)len : 0);
done:
	xmlSetStructuredErrorFunc(NULL, NULL);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* ------------------------------------------------------------------ */
/* The contract year (SPEC 11.6): every statement in force of contract ID
 * for year Y, from the ledger: the twelve monthly statements of Y-01..Y-12
 * and the PbR statements of cohorts YQ1..YQ4, figures copied as the
 * statements state them, sums with overflow checks, and what is not yet
 * settled marked as such (never as 0).  Assembled as a <ContractYear>
 * (namespace urn:pbr-settle:contract-year:1) rendered by
 * reports/contract-year-<format>.xsl. */

#define CY_NS "urn:pbr-settle:contract-year:1"

struct cy_total {
	int64_t v[16];
};
enum { CY_FFS, CY_CREDIT, CY_ADVANCE, CY_ADJUST, CY_M_PERIOD, CY_M_AMOUNT,
       CY_T, CY_NETTED, CY_TRUEUP, CY_P_PERIOD, CY_P_AMOUNT, CY_PAID, CY_MONTHS, CY_COHORTS,
       CY_N };
static const char *const cy_total_attr[CY_N] = {
	"ffsPence", "creditPence", "advancePence", "adjustmentPence", "monthsPeriodDuePence",
	"monthsAmountDuePence", "cohortTotalPence", "advanceNettedPence", "trueUpPence",
	"cohortsPeriodDuePence", "cohortsAmountDuePence", "paidPence", "monthsSettled",
	"cohortsSettled"
};

static int cy_add(struct cy_total *t, int i, int64_t v)
{
	return __builtin_add_overflow(t->v[i], v, &t->v[i]) ? -1 : 0;
}

/* Copies element el under parent (statement namespace) as attribute attr
 * of e, when present; *v its value (0 when absent).  -1 when not an integer
 * or out of memory. */
static int cy_figure(xmlNodePtr e, const char *attr, xmlNodePtr parent, const char *el, int64_t *v)
{
	xmlNodePtr n = st_child(parent, el);

	*v = 0;
	if (n == NULL)
		return 0;
	if (node_int(n, v) != 0)
		return -1;
	return set_int(e, attr, *v);
}

static int cy_statement_attrs(xmlNodePtr e, xmlNodePtr h, const char *sid)
{
	char *status = node_text(st_child(h, "Status"), NULL);
	char *kind = node_text(st_child(h, "Kind"), NULL);
	int rc = (status && kind && xmlNewProp(e, BAD_CAST "statementId", BAD_CAST sid)
		  && xmlNewProp(e, BAD_CAST "status", BAD_CAST status)
		  && xmlNewProp(e, BAD_CAST "kind", BAD_CAST kind)
		  && xmlSetProp(e, BAD_CAST "settled", BAD_CAST "true")) ? 0 : -1;

	free(status);
	free(kind);
	return rc;
}

/* One monthly statement in force into its <Month>. */
static int cy_month(xmlNodePtr m, const char *sid, xmlDocPtr doc, struct cy_total *t,
		    xmlNodePtr root)
{
	xmlNodePtr st = xmlDocGetRootElement(doc), h = st_child(st, "Header");
	xmlNodePtr sc = st_child(st, "ServiceCredits"), vr = st_child(st, "VolumeReconciliation");
	xmlNodePtr sum = st_child(st, "Summary");
	int64_t ffs, credit, adv, adj = 0, pd, ad;

	if (cy_statement_attrs(m, h, sid) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	if (cy_figure(m, "ffsPence", st_child(st, "FeeForService"), "FfsPence", &ffs) != 0
	    || cy_figure(m, "creditPence", sc, "CreditPence", &credit) != 0
	    || cy_figure(m, "advancePence", st, "AdvancePence", &adv) != 0
	    || (vr && cy_figure(m, "adjustmentPence", vr, "AdjustmentPence", &adj) != 0)
	    || cy_figure(m, "periodDuePence", sum, "PeriodDuePence", &pd) != 0
	    || cy_figure(m, "amountDuePence", sum, "AmountDuePence", &ad) != 0)
		return pbr_error(EX_DATAERR, "report: monthly statement %s in the ledger has a figure "
				 "that is not an integer", sid);
	if (vr) {
		xmlNodePtr y = xmlNewChild(root, NULL, BAD_CAST "VolumeReconciliation", NULL);
		int64_t v;
		char *pos = node_text(st_child(vr, "Position"), NULL);
		int bad = y == NULL || pos == NULL
			  || !xmlNewProp(y, BAD_CAST "statementId", BAD_CAST sid)
			  || !xmlNewProp(y, BAD_CAST "position", BAD_CAST pos)
			  || cy_figure(y, "predictedMilli", vr, "PredictedMilli", &v) != 0
			  || cy_figure(y, "actualMilli", vr, "ActualMilli", &v) != 0
			  || cy_figure(y, "adjustmentPence", vr, "AdjustmentPence", &v) != 0
			  || cy_figure(y, "ffsYearPence", vr, "FfsYearPence", &v) != 0
			  || cy_figure(y, "mapPence", vr, "MapPence", &v) != 0
			  || cy_figure(y, "pbrPotPence", vr, "PbrPotPence", &v) != 0;

		free(pos);
		if (bad)
			return pbr_error(EX_DATAERR, "report: monthly statement %s: no valid "
					 "VolumeReconciliation", sid);
	}
	if (cy_add(t, CY_FFS, ffs) || cy_add(t, CY_CREDIT, credit) || cy_add(t, CY_ADVANCE, adv)
	    || cy_add(t, CY_ADJUST, adj) || cy_add(t, CY_M_PERIOD, pd) || cy_add(t, CY_M_AMOUNT, ad)
	    || cy_add(t, CY_PAID, pd) || cy_add(t, CY_MONTHS, 1))
		return pbr_error(EX_DATAERR, "report: the year's monthly figures overflow");
	return 0;
}

/* One PbR statement in force into its <Cohort>: what it is worth net of
 * the advances it recovers (PeriodDue - AdvanceNetted: the amounts due
 * along its chain). */
static int cy_cohort(xmlNodePtr c, const char *sid, xmlDocPtr doc, struct cy_total *t)
{
	xmlNodePtr st = xmlDocGetRootElement(doc), h = st_child(st, "Header");
	xmlNodePtr sum = st_child(st, "Summary"), ar = st_child(st, "AnnualReconciliation");
	int64_t T, net, tu = 0, pd, ad, paid;

	if (cy_statement_attrs(c, h, sid) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	if (cy_figure(c, "totalPence", st_child(st, "Cohort"), "TotalPence", &T) != 0
	    || cy_figure(c, "advanceNettedPence", sum, "AdvanceNettedPence", &net) != 0
	    || (ar && cy_figure(c, "trueUpPence", ar, "TrueUpPence", &tu) != 0)
	    || cy_figure(c, "periodDuePence", sum, "PeriodDuePence", &pd) != 0
	    || cy_figure(c, "amountDuePence", sum, "AmountDuePence", &ad) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s in the ledger has a figure that "
				 "is not an integer", sid);
	if (__builtin_sub_overflow(pd, net, &paid) || set_int(c, "paidPence", paid) != 0
	    || cy_add(t, CY_T, T) || cy_add(t, CY_NETTED, net) || cy_add(t, CY_TRUEUP, tu)
	    || cy_add(t, CY_P_PERIOD, pd) || cy_add(t, CY_P_AMOUNT, ad) || cy_add(t, CY_PAID, paid)
	    || cy_add(t, CY_COHORTS, 1))
		return pbr_error(EX_DATAERR, "report: the year's PbR figures overflow");
	return 0;
}

static int cy_build(PGconn *conn, const struct report_opts *o, int year, xmlDocPtr *out)
{
	const char *p2[2] = { o->cy_contract, o->cy_year };
	PGresult *res = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root = NULL, months[12], cohorts[4], e;
	xmlNsPtr ns;
	struct cy_total tot;
	int code = 0, today_q;
	time_t now = time(NULL);
	struct tm tm;

	memset(&tot, 0, sizeof tot);
	gmtime_r(&now, &tm);
	today_q = pbr_quarter_of_date(tm.tm_year + 1900, tm.tm_mon + 1);
	res = pbr_db_query(conn, "reading the contract year",
		"SELECT c.provider_id, c.cpa_code, y.annual_price_pence, y.learning_curve_ppm,"
		" y.advance_pence_per_month, y.map_pence, y.predicted_volume_milli"
		" FROM pbr.contract c JOIN pbr.contract_year y ON y.contract_id = c.id"
		" WHERE c.id = $1 AND y.year = $2::integer", 2, p2);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pbr_error(EX_DATAERR, "report: contract %s has no contract year %s "
				 "(no pbr.contract_year row, or no such contract)", o->cy_contract, o->cy_year);
	}
	doc = xmlNewDoc(BAD_CAST "1.0");
	root = doc ? xmlNewNode(NULL, BAD_CAST "ContractYear") : NULL;
	ns = root ? xmlNewNs(root, BAD_CAST CY_NS, NULL) : NULL;
	if (ns == NULL) {
		if (root)
			xmlFreeNode(root);
		root = NULL;
		code = pbr_error(EX_OSERR, "out of memory");
		goto done;
	}
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	{
		int64_t a = 0, lc = 0;
		xmlNodePtr terms;

		pbr_parse_int64(PQgetvalue(res, 0, 2), &a);
		pbr_parse_int64(PQgetvalue(res, 0, 3), &lc);
		terms = xmlNewChild(root, NULL, BAD_CAST "Terms", NULL);
		if (!xmlNewProp(root, BAD_CAST "contract", BAD_CAST o->cy_contract)
		    || !xmlNewProp(root, BAD_CAST "year", BAD_CAST o->cy_year)
		    || !xmlNewProp(root, BAD_CAST "provider", BAD_CAST PQgetvalue(res, 0, 0))
		    || !xmlNewProp(root, BAD_CAST "cpa", BAD_CAST PQgetvalue(res, 0, 1))
		    || !xmlNewProp(root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION)
		    || terms == NULL
		    || !xmlNewProp(terms, BAD_CAST "annualPricePence", BAD_CAST PQgetvalue(res, 0, 2))
		    || !xmlNewProp(terms, BAD_CAST "learningCurvePpm", BAD_CAST PQgetvalue(res, 0, 3))
		    || set_int(terms, "discountedAnnualPricePence",
			       a - (int64_t)pbr_round_div((__int128)a * lc, 1000000)) != 0
		    || !xmlNewProp(terms, BAD_CAST "advancePencePerMonth", BAD_CAST PQgetvalue(res, 0, 4))
		    || !xmlNewProp(terms, BAD_CAST "mapPence", BAD_CAST PQgetvalue(res, 0, 5))
		    || !xmlNewProp(terms, BAD_CAST "predictedVolumeMilli", BAD_CAST PQgetvalue(res, 0, 6))) {
			code = pbr_error(EX_OSERR, "out of memory");
			goto done;
		}
	}
	PQclear(res);
	/* the twelve months and four cohorts, unsettled until a statement fills them */
	for (int m = 0; m < 12; m++) {
		char month[32];   /* room for any int year: -O1 checks that */

		snprintf(month, sizeof month, "%04d-%02d", year, m + 1);
		months[m] = xmlNewChild(root, NULL, BAD_CAST "Month", NULL);
		if (months[m] == NULL || !xmlNewProp(months[m], BAD_CAST "month", BAD_CAST month)
		    || !xmlNewProp(months[m], BAD_CAST "settled", BAD_CAST "false")) {
			code = pbr_error(EX_OSERR, "out of memory");
			goto done;
		}
	}
	for (int q = 0; q < 4; q++) {
		char cq[32], sp[16];
		int ci;

		snprintf(cq, sizeof cq, "%04dQ%d", year, q + 1);
		pbr_quarter_parse(cq, &ci);
		pbr_quarter_format(ci + 7, sp);
		cohorts[q] = xmlNewChild(root, NULL, BAD_CAST "Cohort", NULL);
		if (cohorts[q] == NULL || !xmlNewProp(cohorts[q], BAD_CAST "quarter", BAD_CAST cq)
		    || !xmlNewProp(cohorts[q], BAD_CAST "settlementPeriod", BAD_CAST sp)
		    || !xmlNewProp(cohorts[q], BAD_CAST "periodBegun",
				   BAD_CAST (ci + 7 <= today_q ? "true" : "false"))
		    || !xmlNewProp(cohorts[q], BAD_CAST "settled", BAD_CAST "false")) {
			code = pbr_error(EX_OSERR, "out of memory");
			goto done;
		}
	}
	res = pbr_db_query(conn, "reading the statements in force",
		"SELECT s.statement_id, s.statement_type, s.period, coalesce(s.cohort_quarter, ''),"
		" convert_from(s.statement_xml, 'UTF8')"
		" FROM pbr.statement_in_force s WHERE s.contract_id = $1"
		" AND ((s.statement_type = 'MONTHLY' AND left(s.period, 4) = $2)"
		"  OR (s.statement_type = 'PBR' AND left(s.cohort_quarter, 4) = $2))"
		" ORDER BY s.period COLLATE \"C\"", 2, p2);
	if (res == NULL) {
		code = pbr_db_failure_code(conn);
		goto done;
	}
	for (int i = 0; i < PQntuples(res) && code == 0; i++) {
		const char *sid = PQgetvalue(res, i, 0), *type = PQgetvalue(res, i, 1);
		const char *period = PQgetvalue(res, i, 2), *cq = PQgetvalue(res, i, 3);
		char name[PBR_ID_MAX + 32];
		xmlDocPtr sdoc = NULL;
		int idx;

		snprintf(name, sizeof name, "ledger:%s", sid);
		code = parse_statement_buffer(name, PQgetvalue(res, i, 4),
					      (size_t)PQgetlength(res, i, 4), &sdoc);
		if (code != 0)
			break;
		if (strcmp(type, "MONTHLY") == 0 && strlen(period) == 7
		    && (idx = atoi(period + 5)) >= 1 && idx <= 12 && is_monthly(sdoc))
			code = cy_month(months[idx - 1], sid, sdoc, &tot, root);
		else if (strcmp(type, "PBR") == 0 && strlen(cq) == 6
			 && (idx = cq[5] - '0') >= 1 && idx <= 4 && !is_monthly(sdoc))
			code = cy_cohort(cohorts[idx - 1], sid, sdoc, &tot);
		else
			code = pbr_error(EX_DATAERR, "report: statement %s in the ledger is neither a "
					 "month nor a cohort of %s", sid, o->cy_year);
		xmlFreeDoc(sdoc);
	}
	if (code != 0)
		goto done;
	e = xmlNewChild(root, NULL, BAD_CAST "Total", NULL);
	for (int i = 0; e && i < CY_N; i++)
		if (set_int(e, cy_total_attr[i], tot.v[i]) != 0)
			e = NULL;
	if (e == NULL)
		code = pbr_error(EX_OSERR, "out of memory");
done:
	PQclear(res);
	if (code != 0 && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	*out = doc;
	return code;
}

static int report_contract_year(const struct report_opts *o)
{
	PGconn *conn;
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, year, code;
	char what[96];
	struct errbuf eb;
	const char *y = o->cy_year;

	if (!pbr_contract_id_ok(o->cy_contract))
		return pbr_error(EX_USAGE, "report: --contract-year: the contract must match ^[A-Z0-9_-]{1,32}$");
	if (y == NULL || strlen(y) != 4 || strspn(y, "0123456789") != 4 || y[0] == '0')
		return pbr_error(EX_USAGE, "report: --contract-year: the year must be four digits such as 2025");
	year = atoi(y);
	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	LIBXML_TEST_VERSION
	xmlInitParser();
	errbuf_reset(&eb);
	xmlSetStructuredErrorFunc(&eb, on_structured_error);
	if (pbr_db_exec(conn, "setting up the session", "SET search_path = pg_catalog") != 0) {
		code = pbr_db_failure_code(conn);
		goto done;
	}
	code = cy_build(conn, o, year, &doc);
	PQfinish(conn);
	conn = NULL;
	snprintf(what, sizeof what, "contract year %s %s", o->cy_contract, y);
	if (code == 0)
		code = transform(what, doc, "contract-year", o->format, NULL, &text, &len);
	if (code == 0)
		code = write_atomically(o->out, text ? text : (const xmlChar *)"",
					len > 0 ? (size_t)len : 0);
done:
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (conn)
		PQfinish(conn);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (a == NULL || b == NULL)
		return 0;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0
	       && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	int code;

	code = parse_args(argc, argv, &o);
	if (code == -1)
		return 0;
	if (code != 0)
		return code;
	if (o.cy_contract)
		return report_contract_year(&o);
	if (o.index)
		return report_index(&o);
	if (o.pcc || o.from || o.to)
		return report_pcc_view(&o);
	if (same_file(o.input, o.out))
		return pbr_error(EX_USAGE, "report: --out %s is the statement itself; "
				 "choose another file", o.out);

	LIBXML_TEST_VERSION
	xmlInitParser();
	return render_to_file(o.input, o.format, o.out, o.cert);
}
