/*
 * manifest.c - the run manifest's XML (SPEC 7, 11.4), written through
 * xmlw.c like the statements.
 */
#include "manifest.h"
#include "util.h"
#include "xmlw.h"

#include <inttypes.h>
#include <stdio.h>

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

static void header(struct pbr_xw *w, const struct pbr_manifest *m, int64_t sum)
{
	const struct pbr_manifest_entry *latest = NULL;
	char msgid[64];

	for (size_t i = 0; i < m->n; i++)
		if (latest == NULL || m->e[i].run_id > latest->run_id)
			latest = &m->e[i];
	snprintf(msgid, sizeof msgid, "%s-run-%" PRId64, m->period,
		 latest ? latest->run_id : 0);
	pbr_xw_start(w, "GrpHdr");
	pbr_xw_text(w, "MsgId", msgid);
	pbr_xw_text(w, "CreDtTm", latest ? latest->created_at : "1970-01-01T00:00:00Z");
	pbr_xw_num(w, "RunId", latest ? latest->run_id : 0);
	pbr_xw_text(w, "Period", m->period);
	if (m->statement_type)
		pbr_xw_text(w, "StatementType", m->statement_type);
	pbr_xw_text(w, "EngineVersion", PBR_VERSION);
	pbr_xw_num(w, "NbOfStmts", (int64_t)m->n);
	pbr_xw_num(w, "CtrlSumPence", sum);
	pbr_xw_num(w, "UnassignedRows", m->unassigned);
	pbr_xw_end(w);
}

static void entry(struct pbr_xw *w, const struct pbr_manifest_entry *e)
{
	pbr_xw_start(w, "Stmt");
	pbr_xw_text(w, "StatementId", e->statement_id);
	pbr_xw_text(w, "Contract", e->contract);
	pbr_xw_text(w, "Kind", e->restatement ? "RESTATEMENT" : "ORIGINAL");
	pbr_xw_num(w, "RunId", e->run_id);
	pbr_xw_num(w, "PeriodDuePence", e->period_due);
	pbr_xw_num(w, "AmountDuePence", e->amount_due);
	pbr_xw_text(w, "Sha256", e->sha256);
	pbr_xw_end(w);
}

int pbr_manifest_xml(const struct pbr_manifest *m, char **out, size_t *len)
{
	struct pbr_xw w;
	int64_t sum;

	*out = NULL;
	*len = 0;
	if (pbr_manifest_ctrl_sum(m, &sum) != 0)
		return pbr_error(EX_DATAERR, "the control sum of %s overflows", m->period);
	if (pbr_xw_begin(&w, "RunManifest", NS) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	header(&w, m, sum);
	for (size_t i = 0; i < m->n; i++)
		entry(&w, &m->e[i]);
	if (pbr_xw_finish(&w, out, len) != 0)
		return pbr_error_oom(EX_SOFTWARE, "cannot write the run manifest of %s", m->period);
	return 0;
}
