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
 * Seam for the PCC multi-period view (`report --pcc CODE --from P1
 * --to P2`, not implemented yet): the options are recognised and routed
 * to report_pcc_view(), which today refuses with a usage error.  That
 * view reads several statements (or the ledger), so it will get its own
 * input loop and stylesheet; render_to_file() below is the piece it will
 * share.
 */
#include "cmd_report.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
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
	/* PCC multi-period view (later) */
	const char *pcc;
	const char *from;
	const char *to;
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
	fputs("usage: " PBR_PROGRAM " report FILE.xml --format html|csv --out FILE\n"
	      "  Renders a settlement statement as a self-contained HTML page or\n"
	      "  as CSV (one line per PCC area and a TOTAL line).  The output is\n"
	      "  written to a temporary file and renamed into place.\n", f);
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
	enum { OPT_FORMAT = 256, OPT_OUT, OPT_PCC, OPT_FROM, OPT_TO };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "pcc", required_argument, NULL, OPT_PCC },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 0;	/* GNU: full reinitialisation, main may have used getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (o->format != FORMAT_NONE)
				return pbr_error(EX_USAGE, "report: --format given twice");
			if (parse_format(optarg, &o->format) != 0)
				return pbr_error(EX_USAGE, "report: --format must be html or csv, not '%s'",
						 optarg);
			break;
		case OPT_OUT:
			if (o->out)
				return pbr_error(EX_USAGE, "report: --out given twice");
			if (*optarg == '\0')
				return pbr_error(EX_USAGE, "report: --out needs a file name");
			o->out = optarg;
			break;
		case OPT_PCC:
			o->pcc = optarg;
			break;
		case OPT_FROM:
			o->from = optarg;
			break;
		case OPT_TO:
			o->to = optarg;
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

	if (o->pcc || o->from || o->to)
		return 0;	/* checked by report_pcc_view() */

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

/* Parse options for every document this command reads: no network, no
 * DTD loading, no entity substitution, no default attributes from a DTD,
 * no XInclude; errors captured, not printed. */
#define SAFE_PARSE_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

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
	doc = xmlCtxtReadFile(pc, path, NULL, SAFE_PARSE_OPTIONS);
	if (doc == NULL) {
		err = xmlCtxtGetLastError(pc);
		pbr_error(EX_SOFTWARE, "report: %s %s:%d: cannot parse: %s", what, path,
			  err ? err->line : 0, one_line(msg, sizeof msg, err ? err->message : NULL));
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

/* Opens and parses the statement.  Returns 0 and *out, or an exit code
 * after one line on stderr. */
static int read_statement(const char *path, xmlDocPtr *out)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc;
	xmlNodePtr root;
	report_xml_error err;
	struct stat st;
	char msg[256];
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pbr_error(EX_NOINPUT, "report: cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return pbr_error(EX_NOINPUT, "report: cannot read %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return pbr_error(EX_NOINPUT, "report: %s is not a regular file", path);
	}
	pc = xmlNewParserCtxt();
	if (pc == NULL) {
		close(fd);
		return pbr_error(EX_SOFTWARE, "report: out of memory");
	}
	/* the URL only names the document in messages and for relative
	 * references, which nothing here resolves */
	doc = xmlCtxtReadFd(pc, fd, path, NULL, SAFE_PARSE_OPTIONS);
	close(fd);
	if (doc == NULL) {
		int code = EX_DATAERR;

		err = xmlCtxtGetLastError(pc);
		if (err && err->domain == XML_FROM_IO)
			code = EX_IOERR;
		pbr_error(code, "report: %s:%d: not well-formed XML: %s", path,
			  err ? err->line : 0,
			  one_line(msg, sizeof msg, err ? err->message : NULL));
		xmlFreeParserCtxt(pc);
		return code;
	}
	xmlFreeParserCtxt(pc);

	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		return pbr_error(EX_DATAERR, "report: %s: a statement has no DOCTYPE; refusing a "
				 "document with one", path);
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns == NULL
	    || !xmlStrEqual(root->name, BAD_CAST STATEMENT_ROOT)
	    || !xmlStrEqual(root->ns->href, BAD_CAST STATEMENT_NS)) {
		xmlFreeDoc(doc);
		return pbr_error(EX_DATAERR, "report: %s: not a settlement statement (root "
				 "element must be " STATEMENT_ROOT " in namespace " STATEMENT_NS ")",
				 path);
	}
	*out = doc;
	return 0;
}

/* Validates doc against <datadir>/schemas/statement.xsd. */
static int validate_statement(const char *path, xmlDocPtr doc)
{
	char xsd[PATH_MAX];
	xmlDocPtr sdoc;
	xmlSchemaParserCtxtPtr spc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	struct errbuf eb;
	int rc, code = 0;

	if ((size_t)snprintf(xsd, sizeof xsd, "%s/schemas/statement.xsd", pbr_datadir())
	    >= sizeof xsd)
		return pbr_error(EX_SOFTWARE, "report: data directory path too long");
	sdoc = read_data_file(xsd, "schema");
	if (sdoc == NULL)
		return EX_SOFTWARE;

	errbuf_reset(&eb);
	spc = xmlSchemaNewDocParserCtxt(sdoc);
	if (spc == NULL) {
		code = pbr_error(EX_SOFTWARE, "report: out of memory");
		goto done;
	}
	xmlSchemaSetParserStructuredErrors(spc, on_structured_error, &eb);
	schema = xmlSchemaParse(spc);
	if (schema == NULL) {
		code = pbr_error(EX_SOFTWARE, "report: schema %s:%d: %s", xsd, eb.line,
				 eb.count ? eb.first : "cannot compile");
		goto done;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc == NULL) {
		code = pbr_error(EX_SOFTWARE, "report: out of memory");
		goto done;
	}
	errbuf_reset(&eb);
	xmlSchemaSetValidStructuredErrors(vc, on_structured_error, &eb);
	rc = xmlSchemaValidateDoc(vc, doc);
	if (rc > 0) {
		if (eb.count > 1)
			code = pbr_error(EX_DATAERR, "report: %s:%d: not a valid settlement "
					 "statement: %s (and %d more problems)", path, eb.line,
					 eb.first, eb.count - 1);
		else
			code = pbr_error(EX_DATAERR, "report: %s:%d: not a valid settlement "
					 "statement: %s", path, eb.line,
					 eb.count ? eb.first : "schema validation failed");
	} else if (rc < 0) {
		code = pbr_error(EX_SOFTWARE, "report: %s: schema validation could not run",
				 path);
	}
done:
	if (vc)
		xmlSchemaFreeValidCtxt(vc);
	if (schema)
		xmlSchemaFree(schema);
	if (spc)
		xmlSchemaFreeParserCtxt(spc);
	xmlFreeDoc(sdoc);
	return code;
}

/* ------------------------------------------------------------------ */
/* Transforming */

/* Applies <datadir>/reports/statement-<fmt>.xsl to doc.  params is a
 * NULL-terminated name/XPath-expression list (libxslt convention) or NULL.
 * On success *text / *len hold the serialised result (xmlFree it; may be
 * NULL for an empty result). */
static int transform(const char *path, xmlDocPtr doc, enum report_format fmt,
		     const char **params, xmlChar **text, int *len)
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
	if ((size_t)snprintf(xsl, sizeof xsl, "%s/reports/statement-%s.xsl", pbr_datadir(),
			     format_name(fmt)) >= sizeof xsl)
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
/* Writing atomically */

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes data to out: <dir>/.<base>.XXXXXX, fsync, rename, fsync dir. */
static int write_atomically(const char *out, const unsigned char *data, size_t len)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash = strrchr(out, '/');
	const char *base = slash ? slash + 1 : out;
	struct stat st;
	mode_t mask;
	int fd, dfd, e;

	if (*base == '\0')
		return pbr_error(EX_CANTCREAT, "report: --out %s names a directory, not a file", out);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "report: cannot create %s: it is a directory", out);
	if (slash == out)
		snprintf(dir, sizeof dir, "/");
	else if (slash)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - out), out);
	else
		snprintf(dir, sizeof dir, ".");
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base) >= sizeof tmp)
		return pbr_error(EX_CANTCREAT, "report: cannot create %s: path too long", out);

	fd = mkstemp(tmp);
	if (fd < 0)
		return pbr_error(EX_CANTCREAT, "report: cannot create a file in %s: %s", dir,
				 strerror(errno));
	/* mkstemp makes 0600; a report is an ordinary file: 0666 & ~umask */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return pbr_error(EX_CANTCREAT, "report: cannot set the mode of %s: %s", tmp,
				 strerror(e));
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return pbr_error(EX_IOERR, "report: cannot write %s: %s", tmp, strerror(e));
	}
	if (close(fd) != 0) {
		e = errno;
		unlink(tmp);
		return pbr_error(EX_IOERR, "report: cannot write %s: %s", tmp, strerror(e));
	}
	if (rename(tmp, out) != 0) {
		e = errno;
		unlink(tmp);
		return pbr_error(EX_CANTCREAT, "report: cannot create %s: %s", out, strerror(e));
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* the rename is durable only once the directory is */
		if (fsync(dfd) != 0 && errno != EINVAL) {
			e = errno;
			close(dfd);
			return pbr_error(EX_IOERR, "report: cannot sync directory %s: %s", dir,
					 strerror(e));
		}
		close(dfd);
	}
	return 0;
}

/* ------------------------------------------------------------------ */

/* Renders one statement file to out.  The piece the PCC view will reuse. */
static int render_to_file(const char *input, enum report_format fmt, const char *out)
{
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, code;
	struct errbuf eb;

	errbuf_reset(&eb);
	/* nothing from libxml2 reaches stderr directly: one line per failure */
	xmlSetStructuredErrorFunc(&eb, on_structured_error);

	code = read_statement(input, &doc);
	if (code == 0)
		code = validate_statement(input, doc);
	if (code == 0)
		code = transform(input, doc, fmt, NULL, &text, &len);
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

/* The PCC multi-period view: one PCC area across settlement periods
 * P1..P2, for a Police and Crime Commissioner.  Not implemented yet. */
static int report_pcc_view(const struct report_opts *o)
{
	(void)o;
	return pbr_error(EX_USAGE, "report: --pcc/--from/--to (the PCC multi-period view) "
			 "is not implemented yet");
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

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
	if (o.pcc || o.from || o.to)
		return report_pcc_view(&o);
	if (same_file(o.input, o.out))
		return pbr_error(EX_USAGE, "report: --out %s is the statement itself; "
				 "choose another file", o.out);

	LIBXML_TEST_VERSION
	xmlInitParser();
	return render_to_file(o.input, o.format, o.out);
}
