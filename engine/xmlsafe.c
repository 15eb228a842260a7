/*
 * xmlsafe.c - safe parsing and schema checking of statements (libxml2).
 */
#include "xmlsafe.h"
#include "util.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
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

/* The compiled schemas, one per path: compiled on first use and kept for
 * the life of the process, so that a command that checks many statements
 * (report's index, year and PCC views; the fuzz harness) compiles each
 * schema once.  A compiled schema is only read by validation.  Freed at
 * exit (free_schemas), so leak checkers see nothing.  The lock guards the
 * cache; today only a command's main thread checks statements (run's
 * --jobs workers never do). */
struct cached_schema {
	char path[PATH_MAX];
	xmlDocPtr doc;          /* the schema document: the schema points into it */
	xmlSchemaPtr schema;
};
static struct cached_schema schemas[2];         /* statement.xsd, monthly.xsd */
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

static void free_schemas(void)
{
	for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
		if (schemas[i].schema)
			xmlSchemaFree(schemas[i].schema);
		if (schemas[i].doc)
			xmlFreeDoc(schemas[i].doc);
		memset(&schemas[i], 0, sizeof schemas[i]);
	}
}

/* Reads and compiles the schema at xsd.  NULL with *p saying why. */
static xmlSchemaPtr compile_schema(const char *xsd, xmlDocPtr *sdoc_out,
				   struct pbr_xml_problem *p)
{
	xmlSchemaParserCtxtPtr spc;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr sdoc;

	/* the schema is read as safely as any statement */
	sdoc = xmlReadFile(xsd, NULL, PBR_XML_SAFE_OPTIONS);
	if (sdoc == NULL) {
		snprintf(p->first, sizeof p->first, "cannot read %.200s (is PBR_DATADIR right?)", xsd);
		return NULL;
	}
	spc = xmlSchemaNewDocParserCtxt(sdoc);
	if (spc == NULL) {
		snprintf(p->first, sizeof p->first, "out of memory");
	} else {
		xmlSchemaSetParserStructuredErrors(spc, collect, p);
		schema = xmlSchemaParse(spc);
		if (schema == NULL && p->first[0] == '\0')
			snprintf(p->first, sizeof p->first, "cannot load %.200s", xsd);
		xmlSchemaFreeParserCtxt(spc);
	}
	if (schema == NULL)
		xmlFreeDoc(sdoc);
	else
		*sdoc_out = sdoc;
	return schema;
}

/* The compiled schema at xsd, from the cache or compiled now and cached
 * (pbr_schema_path_for names one of two paths, fixed for the process).
 * NULL with *p saying why; a failure is not cached. */
static xmlSchemaPtr get_schema(const char *xsd, struct pbr_xml_problem *p)
{
	static bool registered;
	struct cached_schema *free_slot = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr sdoc = NULL;

	pthread_mutex_lock(&schema_lock);
	for (size_t i = 0; i < sizeof schemas / sizeof schemas[0] && schema == NULL; i++) {
		if (schemas[i].schema == NULL)
			free_slot = free_slot ? free_slot : &schemas[i];
		else if (strcmp(schemas[i].path, xsd) == 0)
			schema = schemas[i].schema;
	}
	if (schema == NULL && free_slot == NULL)       /* not with two paths */
		snprintf(p->first, sizeof p->first, "no room to keep %.200s", xsd);
	else if (schema == NULL) {
		schema = compile_schema(xsd, &sdoc, p);
		if (schema != NULL) {
			snprintf(free_slot->path, sizeof free_slot->path, "%s", xsd);
			free_slot->doc = sdoc;
			free_slot->schema = schema;
			if (!registered)
				registered = atexit(free_schemas) == 0;
		}
	}
	pthread_mutex_unlock(&schema_lock);
	return schema;
}

int pbr_statement_schema_check(xmlDocPtr doc, struct pbr_xml_problem *p)
{
	const char *xsd = pbr_schema_path_for(doc);
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	int rc = -1, v;

	problem_reset(p);
	schema = get_schema(xsd, p);
	if (schema == NULL)
		return -1;
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc == NULL) {
		snprintf(p->first, sizeof p->first, "out of memory");
		return -1;
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
	xmlSchemaFreeValidCtxt(vc);
	return rc;
}
