/*
 * report_index.h - the index of a directory of statements (`report
 * --index DIR`): every statement file in DIR, with what it pays and a
 * verdict from the checks that need no database: the schema, the annex
 * beside it against AnnexDigest, the signature (against a certificate
 * when given), and whether another statement in DIR supersedes it.
 * `verify` recomputes figures; the index says so.  Assembled as an
 * <Index> document (namespace urn:pbr-settle:index:1) rendered by
 * reports/index-<format>.xsl.
 */
#ifndef PBR_REPORT_INDEX_H
#define PBR_REPORT_INDEX_H

#include "render.h"

#define PBR_INDEX_NS "urn:pbr-settle:index:1"

/* Indexes dir into the file out (links to the HTML reports that sit
 * beside out); cert may be NULL.  Returns 0 or a sysexits code after one
 * line (66 when dir cannot be read). */
int pbr_report_index(const char *dir, enum pbr_format fmt, const char *out, const char *cert);

#endif
