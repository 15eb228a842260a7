/*
 * render.h - a statement or a view document rendered by a stylesheet of
 * reports/ (HTML or CSV) and written atomically.  Used by `report` (a
 * statement file, the PCC view, the contract year, the index) and by
 * `simulate` (its draft statements), so that no command depends on
 * another.
 *
 * Safety (SPEC section 10): statements are parsed by xmlsafe.h (no DTD,
 * no entity, no network; a DOCTYPE is refused) and must be a
 * SettlementStatement or MonthlyStatement in the statement namespace,
 * valid against its schema.  The schema and the stylesheets are read the
 * same way.  Transformations run under xsltSecurityPrefs that forbid
 * reading or writing files, creating directories and any network access
 * (document(), xsl:document and friends all fail).  EXSLT is not
 * registered: the stylesheets are plain XSLT 1.0.
 *
 * Every function returns 0 or a sysexits code after one line on stderr
 * (messages begin "report: ", the command the user sees).
 */
#ifndef PBR_RENDER_H
#define PBR_RENDER_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#define PBR_STATEMENT_NS "urn:pbr-settle:statement:1"
#define PBR_STATEMENT_ROOT "SettlementStatement"
#define PBR_MONTHLY_ROOT "MonthlyStatement"	/* SPEC 11.5, same namespace */

enum pbr_format { PBR_FORMAT_NONE, PBR_FORMAT_HTML, PBR_FORMAT_CSV };

/* "html" or "csv"; -1 for anything else. */
int pbr_format_parse(const char *s, enum pbr_format *out);
const char *pbr_format_name(enum pbr_format f);

/* libxml2's messages captured instead of printed, from begin to end (the
 * parser initialised on the way in).  Calls do not nest. */
void pbr_render_begin(void);
void pbr_render_end(void);

/* A statement held in memory (the ledger's copy, a draft, a file's
 * bytes): parsed safely, and it must be a settlement statement. */
int pbr_render_parse(const char *name, const char *xml, size_t len, xmlDocPtr *out);
/* A monthly fee-for-service statement (SPEC 11.5) rather than a PbR one. */
bool pbr_render_is_monthly(xmlDocPtr doc);
/* The statement against its schema (xmlsafe.h). */
int pbr_render_validate(const char *name, xmlDocPtr doc);

/* What a page says under "Signature check" (SPEC 7, 10): "NOT SIGNED",
 * "present, not checked ..." without cert, else valid or INVALID against
 * it.  *valid: 1 valid, 0 invalid, -1 not checked. */
int pbr_render_signature_status(const char *name, xmlDocPtr doc, const char *cert,
				char *buf, size_t size, int *valid);

/* Applies <datadir>/reports/<sheet>-<format>.xsl to doc (what names the
 * document in messages); each stylesheet is compiled once per process and
 * kept (freed at exit).  params is a NULL-terminated name/XPath list
 * (libxslt convention) or NULL.  *text / *len: the result (xmlFree it;
 * may be NULL when empty). */
int pbr_render_transform(const char *what, xmlDocPtr doc, const char *sheet,
			 enum pbr_format fmt, const char **params, xmlChar **text, int *len);

/* Writes the result to the file out (temporary name beside it, fsync,
 * rename: outfile.h); out's directory must exist. */
int pbr_render_write(const char *out, const xmlChar *text, int len);

/* A statement file rendered to out, checked as above; with cert the HTML
 * says whether the signature is that certificate's. */
int pbr_render_statement_file(const char *input, enum pbr_format fmt, const char *out,
			      const char *cert);

/* A statement held in memory (simulate's drafts), checked exactly as a
 * file, rendered with reports/statement-<format>.xsl (format "html" or
 * "csv") into dir/file. */
int pbr_render_statement_buffer(const char *name, const char *xml, size_t len,
				const char *format, const char *dir, const char *file);

#endif
