/*
 * xmlsafe.c - safe parsing and schema checking of statements (libxml2).
 */
#include "xmlsafe.h"
#include "util.h"

#include <limits.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <string.h>

static void problem_reset(struct pbr_xml_problem *p)
{
	memset(p, 0, sizeof *p);
}

/* Records an error: the first one's text on one line, and a count. */
static void collect(void *ctx, xmlErrorPtr err)
{
	struct pbr_xml_problem *p = ctx;
	size_t n = 0;

	if (err == NULL || err->level < XML_ERR_ERROR)
		return;
	if (p->count++ > 0)
		return;
	p->line = err->line;
	for (const char *m = err->message ? err->message : "error";
	     *m && n + 1 < sizeof p->first; m++)
		p->first[n++] = (*m == '\n' || *m == '\r') ? ' ' : *m;
	while (n > 0 && p->first[n - 1] == ' ')
		n--;
	p->first[n] = '\0';
}

xmlDocPtr pbr_xml_parse(const char *buf, size_t len, const char *name,
			struct pbr_xml_problem *p)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc;

	problem_reset(p);
	if (len > INT_MAX) {
		snprintf(p->first, sizeof p->first, "document too large");
		return NULL;
	}
	pc = xmlNewParserCtxt();
	if (pc == NULL) {
		snprintf(p->first, sizeof p->first, "out of memory");
		return NULL;
	}
	doc = xmlCtxtReadMemory(pc, buf, (int)len, name, NULL, PBR_XML_SAFE_OPTIONS);
	if (doc == NULL) {
		collect(p, xmlCtxtGetLastError(pc));
		if (p->first[0] == '\0')
			snprintf(p->first, sizeof p->first, "not well-formed");
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
		snprintf(p->first, sizeof p->first, "carries a DOCTYPE (refused)");
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

const char *pbr_statement_schema_path(void)
{
	static char path[PATH_MAX];

	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/schemas/statement.xsd", pbr_datadir());
	return path;
}

const char *pbr_schema_path_for(xmlDocPtr doc)
{
	static char monthly[PATH_MAX];
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;

	if (root == NULL || strcmp((const char *)root->name, "MonthlyStatement") != 0)
		return pbr_statement_schema_path();
	if (monthly[0] == '\0')
		snprintf(monthly, sizeof monthly, "%s/schemas/monthly.xsd", pbr_datadir());
	return monthly;
}

int pbr_statement_schema_check(xmlDocPtr doc, struct pbr_xml_problem *p)
{
	const char *xsd = pbr_schema_path_for(doc);
	xmlSchemaParserCtxtPtr spc = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr sdoc;
	int rc = -1, v;

	problem_reset(p);
	/* the schema is read as safely as any statement */
	sdoc = xmlReadFile(xsd, NULL, PBR_XML_SAFE_OPTIONS);
	if (sdoc == NULL) {
		snprintf(p->first, sizeof p->first, "cannot read %.200s (is PBR_DATADIR right?)", xsd);
		return -1;
	}
	spc = xmlSchemaNewDocParserCtxt(sdoc);
	if (spc == NULL) {
		snprintf(p->first, sizeof p->first, "out of memory");
		goto done;
	}
	xmlSchemaSetParserStructuredErrors(spc, collect, p);
	schema = xmlSchemaParse(spc);
	if (schema == NULL) {
		if (p->first[0] == '\0')
			snprintf(p->first, sizeof p->first, "cannot load %.200s", xsd);
		goto done;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc == NULL) {
		snprintf(p->first, sizeof p->first, "out of memory");
		goto done;
	}
	problem_reset(p);
	xmlSchemaSetValidStructuredErrors(vc, collect, p);
	v = xmlSchemaValidateDoc(vc, doc);
	if (v == 0)
		rc = 1;
	else if (v > 0)
		rc = 0;
	else
		snprintf(p->first, sizeof p->first, "schema validation could not run");
done:
	if (vc)
		xmlSchemaFreeValidCtxt(vc);
	if (schema)
		xmlSchemaFree(schema);
	if (spc)
		xmlSchemaFreeParserCtxt(spc);
	xmlFreeDoc(sdoc);
	return rc;
}
