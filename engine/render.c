/*
 * render.c - statements and view documents through the stylesheets of
 * reports/ (render.h): libxml2's and libxslt's messages captured and
 * turned into one line, the statement checks, the transformation under
 * security preferences that forbid files and network, the atomic write.
 */
#include "render.h"
#include "outfile.h"
#include "sign.h"
#include "util.h"
#include "xmlsafe.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *report_xml_error;
#else
typedef xmlError *report_xml_error;
#endif

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

int pbr_format_parse(const char *s, enum pbr_format *out)
{
	if (strcmp(s, "html") == 0)
		*out = PBR_FORMAT_HTML;
	else if (strcmp(s, "csv") == 0)
		*out = PBR_FORMAT_CSV;
	else
		return -1;
	return 0;
}

const char *pbr_format_name(enum pbr_format f)
{
	return f == PBR_FORMAT_CSV ? "csv" : "html";
}

/* The structured errors of libxml2 between begin and end: kept, never
 * printed (each failure prints its own one line). */
static struct errbuf capture;

void pbr_render_begin(void)
{
	LIBXML_TEST_VERSION
	xmlInitParser();
	errbuf_reset(&capture);
	xmlSetStructuredErrorFunc(&capture, on_structured_error);
}

void pbr_render_end(void)
{
	xmlSetStructuredErrorFunc(NULL, NULL);
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
	    || !(xmlStrEqual(root->name, BAD_CAST PBR_STATEMENT_ROOT)
		 || xmlStrEqual(root->name, BAD_CAST PBR_MONTHLY_ROOT))
	    || !xmlStrEqual(root->ns->href, BAD_CAST PBR_STATEMENT_NS)) {
		xmlFreeDoc(doc);
		return pbr_error(EX_DATAERR, "report: %s: not a settlement statement (root "
				 "element must be " PBR_STATEMENT_ROOT " or " PBR_MONTHLY_ROOT
				 " in namespace " PBR_STATEMENT_NS ")", path);
	}
	*out = doc;
	return 0;
}

/* A monthly fee-for-service statement (SPEC 11.5) rather than a PbR one. */
bool pbr_render_is_monthly(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	return root && xmlStrEqual(root->name, BAD_CAST PBR_MONTHLY_ROOT);
}

/* Parses a statement held in memory (the ledger's copy, a draft, a file's
 * bytes): safely (xmlsafe.h), and it must be a settlement statement. */
int pbr_render_parse(const char *name, const char *xml, size_t len, xmlDocPtr *out)
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

/* Opens and parses a statement file.  Returns 0 and *out, or an exit code
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
	code = pbr_render_parse(path, buf, len, out);
	free(buf);
	return code;
}


/* Validates doc against <datadir>/schemas/statement.xsd. */
int pbr_render_validate(const char *path, xmlDocPtr doc)
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

/* Security preferences that forbid files, directories and network. */
static xsltSecurityPrefsPtr forbid_all(void)
{
	xsltSecurityPrefsPtr sec = xsltNewSecurityPrefs();

	if (sec == NULL)
		return NULL;
	if (xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_FILE, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid) != 0
	    || xsltSetSecurityPrefs(sec, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid) != 0) {
		xsltFreeSecurityPrefs(sec);
		return NULL;
	}
	return sec;
}

/* The compiled stylesheets, one per path: compiled on first use and kept
 * for the life of the process (report's views and the fuzz harness render
 * many documents; libxslt applies a compiled stylesheet any number of
 * times without changing it).  Freed at exit (free_sheets), so leak
 * checkers see nothing.  The lock guards the cache; today only a
 * command's main thread renders (run's --jobs workers never do). */
struct cached_sheet {
	char path[PATH_MAX];
	xsltStylesheetPtr style;        /* owns its document */
};
static struct cached_sheet sheets[16];  /* reports/ has 10 */
static pthread_mutex_t sheet_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_sheets(void)
{
	for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
		if (sheets[i].style)
			xsltFreeStylesheet(sheets[i].style);
		memset(&sheets[i], 0, sizeof sheets[i]);
	}
}

/* Reads and compiles the stylesheet at xsl, libxslt's messages into eb.
 * NULL after printing one line (exit 70). */
static xsltStylesheetPtr compile_sheet(const char *xsl, struct errbuf *eb)
{
	xmlDocPtr xdoc = read_data_file(xsl, "stylesheet");
	xsltStylesheetPtr style;

	if (xdoc == NULL)
		return NULL;
	errbuf_reset(eb);
	style = xsltParseStylesheetDoc(xdoc);
	if (style == NULL) {
		xmlFreeDoc(xdoc);	/* not taken over on failure */
		pbr_error(EX_SOFTWARE, "report: stylesheet %s: %s", xsl,
			  eb->count ? eb->first : "cannot compile");
	}
	return style;
}

/* The compiled stylesheet at xsl, from the cache or compiled now and
 * cached.  NULL after printing one line (exit 70); a failure is not
 * cached. */
static xsltStylesheetPtr get_sheet(const char *xsl, struct errbuf *eb)
{
	static bool registered;
	struct cached_sheet *free_slot = NULL;
	xsltStylesheetPtr style = NULL;

	pthread_mutex_lock(&sheet_lock);
	for (size_t i = 0; i < sizeof sheets / sizeof sheets[0] && style == NULL; i++) {
		if (sheets[i].style == NULL)
			free_slot = free_slot ? free_slot : &sheets[i];
		else if (strcmp(sheets[i].path, xsl) == 0)
			style = sheets[i].style;
	}
	if (style == NULL && free_slot == NULL)        /* more sheets than slots */
		pbr_error(EX_SOFTWARE, "report: stylesheet %s: no room to keep it", xsl);
	else if (style == NULL) {
		style = compile_sheet(xsl, eb);
		if (style != NULL) {
			snprintf(free_slot->path, sizeof free_slot->path, "%s", xsl);
			free_slot->style = style;
			if (!registered)
				registered = atexit(free_sheets) == 0;
		}
	}
	pthread_mutex_unlock(&sheet_lock);
	return style;
}

/* Applies <datadir>/reports/<sheet>-<fmt>.xsl to doc.  params is a
 * NULL-terminated name/XPath-expression list (libxslt convention) or NULL.
 * On success *text / *len hold the serialised result (xmlFree it; may be
 * NULL for an empty result). */
int pbr_render_transform(const char *path, xmlDocPtr doc, const char *sheet,
			 enum pbr_format fmt, const char **params, xmlChar **text, int *len)
{
	char xsl[PATH_MAX];
	xsltStylesheetPtr style;
	xsltTransformContextPtr tc = NULL;
	xsltSecurityPrefsPtr sec = NULL;
	xmlDocPtr result = NULL;
	struct errbuf eb, xeb;
	int code = 0, seen;

	*text = NULL;
	*len = 0;
	if ((size_t)snprintf(xsl, sizeof xsl, "%s/reports/%s-%s.xsl", pbr_datadir(),
			     sheet, pbr_format_name(fmt)) >= sizeof xsl)
		return pbr_error(EX_SOFTWARE, "report: data directory path too long");

	errbuf_reset(&eb);
	xsltSetGenericErrorFunc(&eb, on_generic_error);
	style = get_sheet(xsl, &eb);
	if (style == NULL) {
		code = EX_SOFTWARE;
		goto done;
	}

	sec = forbid_all();
	if (sec == NULL) {
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
	/* libxml2's own complaints while the stylesheet runs (an XPath
	 * function it does not know, ...) are the stylesheet's fault, not the
	 * statement's: kept here rather than printed raw */
	errbuf_reset(&xeb);
	seen = capture.count;
	xmlSetGenericErrorFunc(&xeb, on_generic_error);
	result = xsltApplyStylesheetUser(style, doc, params, NULL, NULL, tc);
	xmlSetGenericErrorFunc(NULL, NULL);
	if (result == NULL || tc->state != XSLT_STATE_OK) {
		/* A stylesheet stops (xsl:message terminate) only on statement
		 * content it cannot report, e.g. PCC pence not adding up; a stop
		 * libxml2 complained about is an XPath error in the stylesheet */
		if (xeb.count > 0 || capture.count > seen)
			code = pbr_error(EX_SOFTWARE, "report: %s: transformation by %s failed: %s",
					 path, xsl, xeb.count ? xeb.first :
					 eb.count ? eb.first : "an XPath error");
		else if (tc->state == XSLT_STATE_STOPPED)
			code = pbr_error(EX_DATAERR, "report: %s: %s", path,
					 eb.count ? eb.first : "the stylesheet refused the statement");
		else
			code = pbr_error(EX_SOFTWARE, "report: %s: transformation by %s failed: %s",
					 path, xsl, eb.count ? eb.first : "unknown error");
		goto done;
	}
	if (xsltSaveResultToString(text, len, result, style) != 0) {
		code = pbr_error(EX_SOFTWARE, "report: cannot serialise the %s report",
				 pbr_format_name(fmt));
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
	return code;	/* style stays in the cache */
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

int pbr_render_write(const char *out, const xmlChar *text, int len)
{
	return write_atomically(out, text ? text : (const xmlChar *)"", len > 0 ? (size_t)len : 0);
}

/* ------------------------------------------------------------------ */

/* What the page says under "Signature check" (SPEC 7, 10): checked
 * against --cert when given.  Returns 0, or an exit code after one line
 * when the certificate cannot be read or the check cannot run. */
int pbr_render_signature_status(const char *name, xmlDocPtr doc, const char *cert,
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
int pbr_render_statement_file(const char *input, enum pbr_format fmt, const char *out,
			      const char *cert)
{
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	int len = 0, code, valid;
	char status[512] = "", literal[520] = "";
	const char *params[3] = { "signature_status", literal, NULL };

	/* nothing from libxml2 reaches stderr directly: one line per failure */
	pbr_render_begin();
	code = read_statement(input, &doc);
	if (code == 0)
		code = pbr_render_validate(input, doc);
	if (code == 0)
		code = pbr_render_signature_status(input, doc, cert, status, sizeof status, &valid);
	if (code == 0) {
		xpath_literal(literal, sizeof literal, status);
		code = pbr_render_transform(input, doc,
					    pbr_render_is_monthly(doc) ? "monthly" : "statement", fmt,
					    fmt == PBR_FORMAT_HTML ? params : NULL, &text, &len);
	}
	if (code == 0)
		code = pbr_render_write(out, text, len);
	pbr_render_end();
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

/* Renders a statement held in memory (simulate's drafts) into dir/file. */
int pbr_render_statement_buffer(const char *name, const char *xml, size_t len,
				const char *format, const char *dir, const char *file)
{
	xmlDocPtr doc = NULL;
	xmlChar *text = NULL;
	enum pbr_format fmt;
	int tlen = 0, code;

	if (pbr_format_parse(format, &fmt) != 0)
		return pbr_error(EX_SOFTWARE, "report: unknown format '%s'", format);
	pbr_render_begin();
	code = pbr_render_parse(name, xml, len, &doc);
	if (code == 0)
		code = pbr_render_validate(name, doc);
	if (code == 0)
		code = pbr_render_transform(name, doc, "statement", fmt, NULL, &text, &tlen);
	if (code == 0)
		code = pbr_write_atomic(dir, file, text ? (const char *)text : "",
					tlen > 0 ? (size_t)tlen : 0);
	pbr_render_end();
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}

