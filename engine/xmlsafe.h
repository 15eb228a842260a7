/*
 * xmlsafe.h - reading statements safely and checking them against the
 * schema; shared by verify and report.
 */
#ifndef PBR_XMLSAFE_H
#define PBR_XMLSAFE_H

#include <libxml/tree.h>
#include <stddef.h>

/* No network, no DTD loading, no entity substitution, errors captured
 * rather than printed. */
#define PBR_XML_SAFE_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

/* What went wrong: the first problem on one line, its line number and how
 * many problems there were. */
struct pbr_xml_problem {
	int line;
	int count;
	char first[256];
};

/* Parses a document held in memory.  A document with a DOCTYPE is refused
 * (the statement has none; refusing it keeps entities out entirely).
 * Returns the document, or NULL with *p saying why. */
xmlDocPtr pbr_xml_parse(const char *buf, size_t len, const char *name,
			struct pbr_xml_problem *p);

/* Validates doc against <datadir>/schemas/statement.xsd (monthly.xsd
 * for a MonthlyStatement), each compiled once per process and kept (freed
 * at exit).  Returns 1 valid,
 * 0 not valid (*p: the first problem), -1 when the check cannot run
 * (*p says why). */
int pbr_statement_schema_check(xmlDocPtr doc, struct pbr_xml_problem *p);

/* The schema's path, for messages. */
const char *pbr_statement_schema_path(void);

/* The schema of doc: schemas/monthly.xsd for a MonthlyStatement (SPEC
 * 11.5), else statement.xsd; pbr_statement_schema_check uses it. */
const char *pbr_schema_path_for(xmlDocPtr doc);

#endif
