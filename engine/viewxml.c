/*
 * viewxml.c - reading a statement's figures, writing a view's (viewxml.h).
 */
#include "viewxml.h"
#include "parse.h"
#include "render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

xmlNodePtr pbr_vx_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && n->ns
		    && xmlStrEqual(n->ns->href, BAD_CAST PBR_STATEMENT_NS)
		    && xmlStrEqual(n->name, BAD_CAST name))
			return n;
	return NULL;
}

xmlNodePtr pbr_vx_child_any(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
			return n;
	return NULL;
}

int pbr_vx_int(xmlNodePtr n, int64_t *out)
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

int pbr_vx_u128(xmlNodePtr n, unsigned __int128 *out)
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

char *pbr_vx_text(xmlNodePtr n, const char *attr)
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

int pbr_vx_add_int(xmlNodePtr parent, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST buf) ? 0 : -1;
}

int pbr_vx_set_int(xmlNodePtr n, const char *name, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return xmlNewProp(n, BAD_CAST name, BAD_CAST buf) ? 0 : -1;
}

xmlDocPtr pbr_vx_new_doc(const char *name, const char *ns, xmlNodePtr *root)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr r = doc ? xmlNewNode(NULL, BAD_CAST name) : NULL;
	xmlNsPtr n = r ? xmlNewNs(r, BAD_CAST ns, NULL) : NULL;

	*root = NULL;
	if (n == NULL) {
		if (r)
			xmlFreeNode(r);
		if (doc)
			xmlFreeDoc(doc);
		return NULL;
	}
	xmlSetNs(r, n);
	xmlDocSetRootElement(doc, r);
	*root = r;
	return doc;
}
