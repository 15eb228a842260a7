/*
 * xmlw.c - xmlTextWriter into memory with one sticky error flag; see xmlw.h.
 */
#include "xmlw.h"
#include "core.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pbr_xw_begin(struct pbr_xw *w, const char *root, const char *ns)
{
	w->bad = 0;
	w->x = NULL;
	w->buf = xmlBufferCreate();
	if (w->buf == NULL)
		return -1;
	w->x = xmlNewTextWriterMemory(w->buf, 0);
	if (w->x == NULL) {
		xmlBufferFree(w->buf);
		w->buf = NULL;
		return -1;
	}
	if (xmlTextWriterSetIndent(w->x, 1) < 0 ||
	    xmlTextWriterSetIndentString(w->x, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(w->x, "1.0", "UTF-8", NULL) < 0)
		w->bad = 1;
	pbr_xw_start(w, root);
	pbr_xw_attr(w, "xmlns", ns);
	return 0;
}

int pbr_xw_finish(struct pbr_xw *w, char **out, size_t *len)
{
	int rc = -1, e;

	*out = NULL;
	*len = 0;
	pbr_xw_end(w);
	if (w->bad || xmlTextWriterEndDocument(w->x) < 0)
		goto cleanup;
	xmlFreeTextWriter(w->x);        /* flushes into buf */
	w->x = NULL;
	*len = (size_t)xmlBufferLength(w->buf);
	*out = malloc(*len + 1);
	if (*out == NULL) {
		*len = 0;
		goto cleanup;
	}
	memcpy(*out, xmlBufferContent(w->buf), *len);
	(*out)[*len] = '\0';
	rc = 0;
cleanup:
	e = errno;
	if (w->x)
		xmlFreeTextWriter(w->x);
	xmlBufferFree(w->buf);
	w->x = NULL;
	w->buf = NULL;
	errno = e;              /* ENOMEM when out of memory, for the caller */
	return rc;
}

void pbr_xw_start(struct pbr_xw *w, const char *name)
{
	if (xmlTextWriterStartElement(w->x, BAD_CAST name) < 0)
		w->bad = 1;
}

void pbr_xw_end(struct pbr_xw *w)
{
	if (xmlTextWriterEndElement(w->x) < 0)
		w->bad = 1;
}

void pbr_xw_attr(struct pbr_xw *w, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(w->x, BAD_CAST name, BAD_CAST value) < 0)
		w->bad = 1;
}

void pbr_xw_attr_int(struct pbr_xw *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	pbr_xw_attr(w, name, buf);
}

void pbr_xw_content(struct pbr_xw *w, const char *value)
{
	if (xmlTextWriterWriteString(w->x, BAD_CAST value) < 0)
		w->bad = 1;
}

void pbr_xw_text(struct pbr_xw *w, const char *name, const char *value)
{
	if (xmlTextWriterWriteElement(w->x, BAD_CAST name, BAD_CAST value) < 0)
		w->bad = 1;
}

void pbr_xw_num(struct pbr_xw *w, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	pbr_xw_text(w, name, buf);
}

void pbr_xw_num128(struct pbr_xw *w, const char *name, __int128 v)
{
	char buf[PBR_I128_BUF];

	pbr_i128_format(v, buf);
	pbr_xw_text(w, name, buf);
}

void pbr_xw_flag(struct pbr_xw *w, const char *name, bool v)
{
	pbr_xw_text(w, name, v ? "true" : "false");
}

void pbr_xw_digest(struct pbr_xw *w, const char *name, const char *hex)
{
	pbr_xw_start(w, name);
	pbr_xw_attr(w, "algorithm", "SHA-256");
	pbr_xw_content(w, hex);
	pbr_xw_end(w);
}
