/*
 * year_view.c - the contract year from the ledger (year_view.h).
 */
#include "year_view.h"
#include "core.h"
#include "db.h"
#include "fee.h"
#include "ledger.h"
#include "render.h"
#include "statement.h"
#include "util.h"
#include "viewxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cy_total {
	int64_t v[16];
};
enum { CY_FFS, CY_CREDIT, CY_ADVANCE, CY_ADJUST, CY_M_PERIOD, CY_M_AMOUNT,
       CY_T, CY_NETTED, CY_TRUEUP, CY_P_PERIOD, CY_P_AMOUNT, CY_PAID, CY_MONTHS, CY_COHORTS,
       CY_N };
static const char *const cy_total_attr[CY_N] = {
	"ffsPence", "creditPence", "advancePence", "adjustmentPence", "monthsPeriodDuePence",
	"monthsAmountDuePence", "cohortTotalPence", "advanceNettedPence", "trueUpPence",
	"cohortsPeriodDuePence", "cohortsAmountDuePence", "paidPence", "monthsSettled",
	"cohortsSettled"
};

static int cy_add(struct cy_total *t, int i, int64_t v)
{
	return __builtin_add_overflow(t->v[i], v, &t->v[i]) ? -1 : 0;
}

/* Copies element el under parent (statement namespace) as attribute attr
 * of e, when present; *v its value (0 when absent).  -1 when not an integer
 * or out of memory. */
static int cy_figure(xmlNodePtr e, const char *attr, xmlNodePtr parent, const char *el, int64_t *v)
{
	xmlNodePtr n = pbr_vx_child(parent, el);

	*v = 0;
	if (n == NULL)
		return 0;
	if (pbr_vx_int(n, v) != 0)
		return -1;
	return pbr_vx_set_int(e, attr, *v);
}

static int cy_statement_attrs(xmlNodePtr e, xmlNodePtr h, const char *sid)
{
	char *status = pbr_vx_text(pbr_vx_child(h, "Status"), NULL);
	char *kind = pbr_vx_text(pbr_vx_child(h, "Kind"), NULL);
	int rc = (status && kind && xmlNewProp(e, BAD_CAST "statementId", BAD_CAST sid)
		  && xmlNewProp(e, BAD_CAST "status", BAD_CAST status)
		  && xmlNewProp(e, BAD_CAST "kind", BAD_CAST kind)
		  && xmlSetProp(e, BAD_CAST "settled", BAD_CAST "true")) ? 0 : -1;

	free(status);
	free(kind);
	return rc;
}

/* One monthly statement in force into its <Month>. */
static int cy_month(xmlNodePtr m, const char *sid, xmlDocPtr doc, struct cy_total *t,
		    xmlNodePtr root)
{
	xmlNodePtr st = xmlDocGetRootElement(doc), h = pbr_vx_child(st, "Header");
	xmlNodePtr sc = pbr_vx_child(st, "ServiceCredits"), vr = pbr_vx_child(st, "VolumeReconciliation");
	xmlNodePtr sum = pbr_vx_child(st, "Summary");
	int64_t ffs, credit, adv, adj = 0, pd, ad;

	if (cy_statement_attrs(m, h, sid) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	if (cy_figure(m, "ffsPence", pbr_vx_child(st, "FeeForService"), "FfsPence", &ffs) != 0
	    || cy_figure(m, "creditPence", sc, "CreditPence", &credit) != 0
	    || cy_figure(m, "advancePence", st, "AdvancePence", &adv) != 0
	    || (vr && cy_figure(m, "adjustmentPence", vr, "AdjustmentPence", &adj) != 0)
	    || cy_figure(m, "periodDuePence", sum, "PeriodDuePence", &pd) != 0
	    || cy_figure(m, "amountDuePence", sum, "AmountDuePence", &ad) != 0)
		return pbr_error(EX_DATAERR, "report: monthly statement %s in the ledger has a figure "
				 "that is not an integer", sid);
	if (vr) {
		xmlNodePtr y = xmlNewChild(root, NULL, BAD_CAST "VolumeReconciliation", NULL);
		int64_t v;
		char *pos = pbr_vx_text(pbr_vx_child(vr, "Position"), NULL);
		int bad = y == NULL || pos == NULL
			  || !xmlNewProp(y, BAD_CAST "statementId", BAD_CAST sid)
			  || !xmlNewProp(y, BAD_CAST "position", BAD_CAST pos)
			  || cy_figure(y, "predictedMilli", vr, "PredictedMilli", &v) != 0
			  || cy_figure(y, "actualMilli", vr, "ActualMilli", &v) != 0
			  || cy_figure(y, "adjustmentPence", vr, "AdjustmentPence", &v) != 0
			  || cy_figure(y, "ffsYearPence", vr, "FfsYearPence", &v) != 0
			  || cy_figure(y, "mapPence", vr, "MapPence", &v) != 0
			  || cy_figure(y, "pbrPotPence", vr, "PbrPotPence", &v) != 0;

		free(pos);
		if (bad)
			return pbr_error(EX_DATAERR, "report: monthly statement %s: no valid "
					 "VolumeReconciliation", sid);
	}
	if (cy_add(t, CY_FFS, ffs) || cy_add(t, CY_CREDIT, credit) || cy_add(t, CY_ADVANCE, adv)
	    || cy_add(t, CY_ADJUST, adj) || cy_add(t, CY_M_PERIOD, pd) || cy_add(t, CY_M_AMOUNT, ad)
	    || cy_add(t, CY_PAID, pd) || cy_add(t, CY_MONTHS, 1))
		return pbr_error(EX_DATAERR, "report: the year's monthly figures overflow");
	return 0;
}

/* One PbR statement in force into its <Cohort>: what its period has paid
 * (chain_due, the ledger's amounts due along its chain: SPEC 7 nets the
 * advance once, in the original, so a restatement's own AdvanceNetted is
 * 0) and the advance its chain netted, PeriodDue less that. */
static int cy_cohort(xmlNodePtr c, const char *sid, xmlDocPtr doc, const char *chain_due,
		     struct cy_total *t)
{
	xmlNodePtr st = xmlDocGetRootElement(doc), h = pbr_vx_child(st, "Header");
	xmlNodePtr sum = pbr_vx_child(st, "Summary"), ar = pbr_vx_child(st, "AnnualReconciliation");
	int64_t T, net, tu = 0, pd, ad, paid;

	if (cy_statement_attrs(c, h, sid) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	if (cy_figure(c, "totalPence", pbr_vx_child(st, "Cohort"), "TotalPence", &T) != 0
	    || (ar && cy_figure(c, "trueUpPence", ar, "TrueUpPence", &tu) != 0)
	    || cy_figure(c, "periodDuePence", sum, "PeriodDuePence", &pd) != 0
	    || cy_figure(c, "amountDuePence", sum, "AmountDuePence", &ad) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s in the ledger has a figure that "
				 "is not an integer", sid);
	if (pbr_parse_int64(chain_due, &paid) != 0)
		return pbr_error(EX_SOFTWARE, "report: the ledger's amounts due of %s are not an "
				 "integer", sid);
	if (__builtin_sub_overflow(pd, paid, &net) || pbr_vx_set_int(c, "advanceNettedPence", net) != 0
	    || pbr_vx_set_int(c, "paidPence", paid) != 0
	    || cy_add(t, CY_T, T) || cy_add(t, CY_NETTED, net) || cy_add(t, CY_TRUEUP, tu)
	    || cy_add(t, CY_P_PERIOD, pd) || cy_add(t, CY_P_AMOUNT, ad) || cy_add(t, CY_PAID, paid)
	    || cy_add(t, CY_COHORTS, 1))
		return pbr_error(EX_DATAERR, "report: the year's PbR figures overflow");
	return 0;
}

static int oom(void)
{
	return pbr_error(EX_OSERR, "out of memory");
}

/* The contract and its year's terms into a new <ContractYear>. */
static int cy_root(PGconn *conn, const char *const p2[2], xmlDocPtr *doc, xmlNodePtr *root)
{
	PGresult *res;
	xmlNodePtr terms;
	int64_t a = 0, lc = 0;
	int code = 0;

	res = pbr_db_query(conn, "reading the contract year",
		"SELECT c.provider_id, c.cpa_code, y.annual_price_pence, y.learning_curve_ppm,"
		" y.advance_pence_per_month, y.map_pence, y.predicted_volume_milli"
		" FROM pbr.contract c JOIN pbr.contract_year y ON y.contract_id = c.id"
		" WHERE c.id = $1 AND y.year = $2::integer", 2, p2);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pbr_error(EX_DATAERR, "report: contract %s has no contract year %s "
				 "(no pbr.contract_year row, or no such contract)", p2[0], p2[1]);
	}
	if (pbr_parse_int64(PQgetvalue(res, 0, 2), &a) != 0
	    || pbr_parse_int64(PQgetvalue(res, 0, 3), &lc) != 0) {
		PQclear(res);
		return pbr_error(EX_SOFTWARE, "report: contract %s %s: the annual price or learning "
				 "curve from the database is not an integer", p2[0], p2[1]);
	}
	*doc = pbr_vx_new_doc("ContractYear", PBR_YEAR_VIEW_NS, root);
	terms = *doc ? xmlNewChild(*root, NULL, BAD_CAST "Terms", NULL) : NULL;
	if (terms == NULL
	    || !xmlNewProp(*root, BAD_CAST "contract", BAD_CAST p2[0])
	    || !xmlNewProp(*root, BAD_CAST "year", BAD_CAST p2[1])
	    || !xmlNewProp(*root, BAD_CAST "provider", BAD_CAST PQgetvalue(res, 0, 0))
	    || !xmlNewProp(*root, BAD_CAST "cpa", BAD_CAST PQgetvalue(res, 0, 1))
	    || !xmlNewProp(*root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION)
	    || !xmlNewProp(terms, BAD_CAST "annualPricePence", BAD_CAST PQgetvalue(res, 0, 2))
	    || !xmlNewProp(terms, BAD_CAST "learningCurvePpm", BAD_CAST PQgetvalue(res, 0, 3))
	    || pbr_vx_set_int(terms, "discountedAnnualPricePence",
			      a - pbr_fee_discount(a, lc)) != 0
	    || !xmlNewProp(terms, BAD_CAST "advancePencePerMonth", BAD_CAST PQgetvalue(res, 0, 4))
	    || !xmlNewProp(terms, BAD_CAST "mapPence", BAD_CAST PQgetvalue(res, 0, 5))
	    || !xmlNewProp(terms, BAD_CAST "predictedVolumeMilli", BAD_CAST PQgetvalue(res, 0, 6)))
		code = oom();
	PQclear(res);
	return code;
}

/* The twelve months and four cohorts, unsettled until a statement fills
 * them. */
static int cy_slots(xmlNodePtr root, int year, xmlNodePtr months[12], xmlNodePtr cohorts[4])
{
	time_t now = time(NULL);
	struct tm tm;
	int today_q;

	gmtime_r(&now, &tm);
	today_q = pbr_quarter_of_date(tm.tm_year + 1900, tm.tm_mon + 1);
	for (int m = 0; m < 12; m++) {
		char month[32];   /* room for any int year: -O1 checks that */

		snprintf(month, sizeof month, "%04d-%02d", year, m + 1);
		months[m] = xmlNewChild(root, NULL, BAD_CAST "Month", NULL);
		if (months[m] == NULL || !xmlNewProp(months[m], BAD_CAST "month", BAD_CAST month)
		    || !xmlNewProp(months[m], BAD_CAST "settled", BAD_CAST "false"))
			return oom();
	}
	for (int q = 0; q < 4; q++) {
		char cq[32], sp[16];
		int ci;

		snprintf(cq, sizeof cq, "%04dQ%d", year, q + 1);
		if (pbr_quarter_parse(cq, &ci) != 0)
			return pbr_error(EX_SOFTWARE, "report: %s is not a quarter", cq);
		pbr_quarter_format(ci + 7, sp);
		cohorts[q] = xmlNewChild(root, NULL, BAD_CAST "Cohort", NULL);
		if (cohorts[q] == NULL || !xmlNewProp(cohorts[q], BAD_CAST "quarter", BAD_CAST cq)
		    || !xmlNewProp(cohorts[q], BAD_CAST "settlementPeriod", BAD_CAST sp)
		    || !xmlNewProp(cohorts[q], BAD_CAST "periodBegun",
				   BAD_CAST (ci + 7 <= today_q ? "true" : "false"))
		    || !xmlNewProp(cohorts[q], BAD_CAST "settled", BAD_CAST "false"))
			return oom();
	}
	return 0;
}

/* The year being filled: its slots and totals. */
struct cy_fill {
	const char *year_text;
	xmlNodePtr root, months[12], cohorts[4];
	struct cy_total tot;
};

/* One statement in force into its slot (pbr_ledger_doc_fn). */
static int cy_statement(void *arg, const struct pbr_ledger_doc *d)
{
	struct cy_fill *f = arg;
	const char *sid = d->statement_id, *period = d->period, *cq = d->cohort;
	char name[PBR_ID_MAX + 32];
	xmlDocPtr sdoc = NULL;
	int idx, code;

	snprintf(name, sizeof name, "ledger:%s", sid);
	code = pbr_render_parse(name, d->xml, d->len, &sdoc);
	if (code != 0)
		return code;
	if (strcmp(d->type, "MONTHLY") == 0 && strlen(period) == 7
	    && (idx = atoi(period + 5)) >= 1 && idx <= 12 && pbr_render_is_monthly(sdoc))
		code = cy_month(f->months[idx - 1], sid, sdoc, &f->tot, f->root);
	else if (strcmp(d->type, "PBR") == 0 && strlen(cq) == 6
		 && (idx = cq[5] - '0') >= 1 && idx <= 4 && !pbr_render_is_monthly(sdoc))
		code = cy_cohort(f->cohorts[idx - 1], sid, sdoc, d->chain_due, &f->tot);
	else
		code = pbr_error(EX_DATAERR, "report: statement %s in the ledger is neither a "
				 "month nor a cohort of %s", sid, f->year_text);
	xmlFreeDoc(sdoc);
	return code;
}

int pbr_year_view_build(PGconn *conn, const char *contract, const char *year_text, int year,
			xmlDocPtr *out)
{
	const char *p2[2] = { contract, year_text };
	xmlDocPtr doc = NULL;
	xmlNodePtr e;
	struct cy_fill f;
	int code;

	memset(&f, 0, sizeof f);
	f.year_text = year_text;
	code = cy_root(conn, p2, &doc, &f.root);
	if (code == 0)
		code = cy_slots(f.root, year, f.months, f.cohorts);
	if (code == 0)
		code = pbr_ledger_each_in_force_year(conn, contract, year_text, cy_statement, &f);
	if (code == 0) {
		e = xmlNewChild(f.root, NULL, BAD_CAST "Total", NULL);
		for (int i = 0; e && i < CY_N; i++)
			if (pbr_vx_set_int(e, cy_total_attr[i], f.tot.v[i]) != 0)
				e = NULL;
		if (e == NULL)
			code = oom();
	}
	if (code != 0 && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	*out = doc;
	return code;
}
