/*
 * manifest.c - the run manifest's XML (SPEC 7), streamed with
 * xmlTextWriter like the statement.
 */
#include "manifest.h"
#include "util.h"

#include <inttypes.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "urn:pbr-settle:run:1"

int pbr_manifest_ctrl_sum(const struct pbr_manifest *m, int64_t *sum)
{
	int64_t s = 0;

	for (size_t i = 0; i < m->n; i++)
		if (__builtin_add_overflow(s, m->e[i].amount_due, &s))
			return -1;
	*sum = s;
	return 0;
}

static int text(xmlTextWriterPtr x, const char *name, const char *value)
{
	return xmlTextWriterWriteElement(x, BAD_CAST name, BAD_CAST value) < 0;
}

static int num(xmlTextWriterPtr x, const char *name, int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return text(x, name, buf);
}

static int header(xmlTextWriterPtr x, const struct pbr_manifest *m,
		  int64_t sum)
{
	const struct pbr_manifest_entry *latest = NULL;
	char msgid[64];
	int bad = 0;

	for (size_t i = 0; i < m->n; i++)
		if (latest == NULL || m->e[i].run_id > latest->run_id)
			latest = &m->e[i];
	snprintf(msgid, sizeof msgid, "%s-run-%" PRId64, m->period,
		 latest ? latest->run_id : 0);
	bad |= xmlTextWriterStartElement(x, BAD_CAST "GrpHdr") < 0;
	bad |= text(x, "MsgId", msgid);
	bad |= text(x, "CreDtTm", latest ? latest->created_at : "1970-01-01T00:00:00Z");
	bad |= num(x, "RunId", latest ? latest->run_id : 0);
	bad |= text(x, "Period", m->period);
	if (m->statement_type)
		bad |= text(x, "StatementType", m->statement_type);
	bad |= text(x, "EngineVersion", PBR_VERSION);
	bad |= num(x, "NbOfStmts", (int64_t)m->n);
	bad |= num(x, "CtrlSumPence", sum);
	bad |= num(x, "UnassignedRows", m->unassigned);
	bad |= xmlTextWriterEndElement(x) < 0;
	return bad;
}

static int entry(xmlTextWriterPtr x, const struct pbr_manifest_entry *e)
{
	int bad = 0;

	bad |= xmlTextWriterStartElement(x, BAD_CAST "Stmt") < 0;
	bad |= text(x, "StatementId", e->statement_id);
	bad |= text(x, "Contract", e->contract);
	bad |= text(x, "Kind", e->restatement ? "RESTATEMENT" : "ORIGINAL");
	bad |= num(x, "RunId", e->run_id);
	bad |= num(x, "PeriodDuePence", e->period_due);
	bad |= num(x, "AmountDuePence", e->amount_due);
	bad |= text(x, "Sha256", e->sha256);
	bad |= xmlTextWriterEndElement(x) < 0;
	return bad;
}

int pbr_manifest_xml(const struct pbr_manifest *m, char **out, size_t *len)
{
	xmlBufferPtr buf = NULL;
	xmlTextWriterPtr x = NULL;
	int64_t sum;
	int bad = 0, rc = 0;

	*out = NULL;
	*len = 0;
	if (pbr_manifest_ctrl_sum(m, &sum) != 0)
		return pbr_error(EX_DATAERR, "the control sum of period %s overflows", m->period);
	buf = xmlBufferCreate();
	if (buf == NULL || (x = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	bad |= xmlTextWriterSetIndent(x, 1) < 0;
	bad |= xmlTextWriterSetIndentString(x, BAD_CAST "  ") < 0;
	bad |= xmlTextWriterStartDocument(x, "1.0", "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElement(x, BAD_CAST "RunManifest") < 0;
	bad |= xmlTextWriterWriteAttribute(x, BAD_CAST "xmlns", BAD_CAST NS) < 0;
	bad |= header(x, m, sum);
	for (size_t i = 0; i < m->n; i++)
		bad |= entry(x, &m->e[i]);
	bad |= xmlTextWriterEndElement(x) < 0;
	bad |= xmlTextWriterEndDocument(x) < 0;
	xmlFreeTextWriter(x);
	x = NULL;
	if (bad) {
		rc = pbr_error(EX_SOFTWARE, "cannot write the run manifest of %s", m->period);
		goto cleanup;
	}
	*len = (size_t)xmlBufferLength(buf);
	*out = malloc(*len + 1);
	if (*out == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	memcpy(*out, xmlBufferContent(buf), *len);
	(*out)[*len] = '\0';
cleanup:
	if (x)
		xmlFreeTextWriter(x);
	if (buf)
		xmlBufferFree(buf);
	return rc;
}
