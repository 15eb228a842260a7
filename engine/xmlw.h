/*
 * xmlw.h - the one way the engine writes XML: libxml2's xmlTextWriter into
 * memory, indented by two spaces, UTF-8, with a sticky error flag so that a
 * writer of many elements checks once at the end.  Statements (statement.c),
 * monthly statements (monthly.c) and run manifests (manifest.c) use it, so
 * their bytes follow one rule (SPEC 8: byte-identical for the same inputs).
 */
#ifndef PBR_XMLW_H
#define PBR_XMLW_H

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The namespace of statements, monthly statements included (SPEC 8). */
#define PBR_STATEMENT_NS "urn:pbr-settle:statement:1"

struct pbr_xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr x;
	int bad;                /* set by any failed call; checked at the end */
};

/* Starts the document and its root element `root` with xmlns `ns`.
 * Returns 0, or -1 when out of memory (nothing left to free). */
int pbr_xw_begin(struct pbr_xw *w, const char *root, const char *ns);

/* Ends the root and the document and hands over the bytes: *out is
 * malloc'd and NUL-terminated, *len its length.  Frees the writer whether
 * or not it succeeds.  Returns 0, or -1 when any call failed. */
int pbr_xw_finish(struct pbr_xw *w, char **out, size_t *len);

void pbr_xw_start(struct pbr_xw *w, const char *name);
void pbr_xw_end(struct pbr_xw *w);
void pbr_xw_attr(struct pbr_xw *w, const char *name, const char *value);
void pbr_xw_attr_int(struct pbr_xw *w, const char *name, int64_t v);
void pbr_xw_content(struct pbr_xw *w, const char *value);
/* <name>value</name>, <name>decimal</name>, <name>true|false</name> */
void pbr_xw_text(struct pbr_xw *w, const char *name, const char *value);
void pbr_xw_num(struct pbr_xw *w, const char *name, int64_t v);
void pbr_xw_num128(struct pbr_xw *w, const char *name, __int128 v);
void pbr_xw_flag(struct pbr_xw *w, const char *name, bool v);
/* <name algorithm="SHA-256">hex</name>: a statement's InputDigest and
 * AnnexDigest, PbR and monthly alike (SPEC 8, 11.5). */
void pbr_xw_digest(struct pbr_xw *w, const char *name, const char *hex);

#endif
