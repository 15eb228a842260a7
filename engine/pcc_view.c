/*
 * pcc_view.c - the PCC view of one area across periods (pcc_view.h).
 */
#include "pcc_view.h"
#include "aggregates.h"
#include "cohort.h"
#include "core.h"
#include "db.h"
#include "ledger.h"
#include "monitor.h"
#include "settle.h"
#include "render.h"
#include "statement.h"
#include "util.h"
#include "viewxml.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const area_fields[] = {
	"Members", "WeightedSize", "ExpectedBinary", "ActualBinary",
	"BinaryImprovement", "ExpectedFrequency", "ActualFrequency",
	"FrequencyImprovement", "BinaryPence", "FrequencyPence", "TotalPence"
};
enum { F_MEMBERS, F_W, F_EB, F_AB, F_B, F_EF, F_AF, F_F, F_BP, F_FP, F_TP, NFIELDS };

/* Contract-level money of a statement (SPEC 7, 8): what the cohort
 * earned (T), the annual true-up (0 outside a reconciliation), what the
 * period is worth, the advance netted (0 when the statement has none) and
 * what is paid.  Checked: PeriodDue = T + true-up. */
static const char *const money_attr[] = {
	"totalPence", "trueUpPence", "periodDuePence", "advanceNettedPence", "amountDuePence"
};
enum { M_T, M_TRUEUP, M_PERIOD_DUE, M_ADVANCE, M_AMOUNT_DUE, NMONEY };

/* The significance sums carried across periods: V and D add up (the
 * cohorts are independent), so the pooled interval is computed like one
 * period's. */
struct pcc_chance {
	unsigned __int128 v;
	int64_t deduction;
	bool all_v;	/* every period carried V */
};

/* The view being built. */
struct pcc_ctx {
	const char *pcc, *from, *to;
	xmlNodePtr root;
	int64_t total[NFIELDS];
	int64_t money[NMONEY];
	struct pcc_chance chance;
	int64_t periods;
	/* needs bands per area, recomputed from the cohort rows */
	const char *bands_off;		/* why they cannot be, for every period */
	struct pbr_sums band_total[PBR_NBANDS];
	int64_t band_periods;		/* periods whose bands are in band_total */
	PGconn *conn;
};

/* The area's figures in one statement. */
struct pcc_area {
	xmlNodePtr node;	/* its PccArea, NULL when the statement has none */
	int64_t f[NFIELDS];
	unsigned __int128 v;
	int64_t deduction;
	bool has_v;
};

static int oom(void)
{
	return pbr_error(EX_OSERR, "out of memory");
}

/* round(num / den) half up, for num >= 0 and den > 0; false otherwise. */
static bool ratio(__int128 num, __int128 den, int64_t *out)
{
	if (num < 0 || den <= 0)
		return false;
	*out = (int64_t)pbr_round_div(num, den);
	return true;
}

/* <Rates> for one set of sums (display only): binary rates and frequency
 * per weighted person, and actual / expected frequency, in per mille and
 * thousandths; an attribute is left out where its denominator is 0. */
static int add_rates(xmlNodePtr parent, const int64_t *f)
{
	xmlNodePtr r = xmlNewChild(parent, NULL, BAD_CAST "Rates", NULL);
	int64_t v;
	int rc = r ? 0 : -1;

	if (rc == 0 && ratio(f[F_EB], (__int128)f[F_W] * 1000, &v))
		rc = pbr_vx_set_int(r, "expectedBinaryPermille", v);
	if (rc == 0 && ratio(f[F_AB], (__int128)f[F_W] * 1000, &v))
		rc = pbr_vx_set_int(r, "actualBinaryPermille", v);
	if (rc == 0 && ratio(f[F_EF], f[F_W], &v))
		rc = pbr_vx_set_int(r, "expectedFrequencyMilli", v);
	if (rc == 0 && ratio(f[F_AF], f[F_W], &v))
		rc = pbr_vx_set_int(r, "actualFrequencyMilli", v);
	if (rc == 0 && ratio((__int128)f[F_AF] * 1000, f[F_EF], &v))
		rc = pbr_vx_set_int(r, "frequencyRatioPermille", v);
	return rc;
}

static int add_figures(xmlNodePtr parent, const int64_t *f)
{
	for (int i = 0; i < NFIELDS; i++)
		if (pbr_vx_add_int(parent, area_fields[i], f[i]) != 0)
			return -1;
	return add_rates(parent, f);
}

static int contract_money(const char *sid, xmlNodePtr st, xmlNodePtr cohort, int64_t *m)
{
	xmlNodePtr sum = pbr_vx_child(st, "Summary"), ar = pbr_vx_child(st, "AnnualReconciliation");
	int64_t check;

	memset(m, 0, NMONEY * sizeof *m);
	if (pbr_vx_int(pbr_vx_child(cohort, "TotalPence"), &m[M_T]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Cohort/TotalPence", sid);
	if (ar && pbr_vx_int(pbr_vx_child(ar, "TrueUpPence"), &m[M_TRUEUP]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid AnnualReconciliation/TrueUpPence",
				 sid);
	if (pbr_vx_int(pbr_vx_child(sum, "PeriodDuePence"), &m[M_PERIOD_DUE]) != 0
	    || pbr_vx_int(pbr_vx_child(sum, "AmountDuePence"), &m[M_AMOUNT_DUE]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Summary/PeriodDuePence "
				 "and AmountDuePence", sid);
	if (pbr_vx_child(sum, "AdvanceNettedPence")
	    && pbr_vx_int(pbr_vx_child(sum, "AdvanceNettedPence"), &m[M_ADVANCE]) != 0)
		return pbr_error(EX_DATAERR, "report: statement %s: no valid Summary/AdvanceNettedPence",
				 sid);
	if (__builtin_add_overflow(m[M_T], m[M_TRUEUP], &check) || check != m[M_PERIOD_DUE])
		return pbr_error(EX_DATAERR, "report: statement %s: PeriodDuePence %" PRId64
				 " is not the cohort total %" PRId64 " plus the true-up %" PRId64,
				 sid, m[M_PERIOD_DUE], m[M_T], m[M_TRUEUP]);
	return 0;
}

/* The money attributes on a <Contract> (of a period, or the Total), and
 * the reconciliation year when the statement has one. */
static int set_money(xmlNodePtr c, xmlNodePtr st, const int64_t *m)
{
	xmlNodePtr ar = st ? pbr_vx_child(st, "AnnualReconciliation") : NULL;

	for (int i = 0; i < NMONEY; i++)
		if (pbr_vx_set_int(c, money_attr[i], m[i]) != 0)
			return -1;
	if (ar) {
		xmlChar *y = xmlGetProp(ar, BAD_CAST "year");
		xmlAttrPtr a = xmlNewProp(c, BAD_CAST "reconciliationYear", y ? y : BAD_CAST "");

		if (y)
			xmlFree(y);
		if (a == NULL)
			return -1;
	}
	return 0;
}

/* ---- the test of SPEC 5a for one area (display) ---- */

/* <Chance deductionPence="" [ratePpm lowPpm highPpm zCenti]/>: the binary
 * improvement rate B/W with its 95 % interval (rate +- round(196 isqrt(V)
 * / (100 W)), as the monitor computes it, docs/STATEMENT.md) and z = B /
 * isqrt(V) in hundredths, all in integers, for reading only. */
static int add_chance(xmlNodePtr parent, int64_t b, int64_t w, unsigned __int128 v,
		      bool has_v, const int64_t *deduction)
{
	xmlNodePtr c = xmlNewChild(parent, NULL, BAD_CAST "Chance", NULL);
	uint64_t root;
	int64_t rate, low, high;

	if (c == NULL || (deduction && pbr_vx_set_int(c, "deductionPence", *deduction) != 0))
		return -1;
	if (!has_v || w <= 0)
		return 0;
	root = pbr_isqrt128(v);
	pbr_monitor_interval(b, w, v, &rate, &low, &high);
	if (pbr_vx_set_int(c, "ratePpm", rate) != 0 || pbr_vx_set_int(c, "lowPpm", low) != 0
	    || pbr_vx_set_int(c, "highPpm", high) != 0)
		return -1;
	if (root > 0 && pbr_vx_set_int(c, "zCenti",
				       (int64_t)pbr_round_div_signed((__int128)b * 100, root)) != 0)
		return -1;
	return 0;
}

/* ---- needs bands per area (seed 002, 6.3-6.6; issue 11 #15) ----
 *
 * A statement gives needs bands for the contract's whole cohort and the
 * figures of each PCC area, not the two crossed.  The view recomputes the
 * crossing from the cohort's rows through the engine's own path (settle.c
 * and cohort.c, as verify does), and shows it only when the rows are the
 * ones the statement was settled on (the same input digest) and the
 * area's bands add up exactly to the area's figures in the statement.
 * A login that may not read offender rows (pbr_regulator) gets the view
 * without them, and is told why. */

struct band_read {
	const char *pcc;
	struct pbr_sums sums[PBR_NBANDS];	/* the area's bands */
	char input_digest[65];
};

/* settle.c's read_cohort hook: the COPY stream of cohort.c, with the sums
 * by area and band kept for the area asked for. */
static int read_area_bands(PGconn *conn, const struct pbr_statement *s,
			   const struct pbr_rules *rules, void *arg,
			   struct pbr_cohort_result *out)
{
	struct band_read *b = arg;
	struct pbr_sums *ab = calloc(rules->pcc_count * PBR_NBANDS + 1, sizeof *ab);
	int rc;

	if (ab == NULL)
		return oom();
	out->area_band = ab;
	rc = pbr_cohort_read(conn, s->cpa_code, rules, NULL, "", out);
	out->area_band = NULL;
	if (rc == 0) {
		memcpy(b->input_digest, out->input_digest, sizeof b->input_digest);
		for (size_t i = 0; i < rules->pcc_count; i++)
			if (strcmp(rules->pcc_codes[i], b->pcc) == 0)
				memcpy(b->sums, &ab[i * PBR_NBANDS], sizeof b->sums);
	}
	free(ab);
	return rc;
}

/* The figures of a set of sums in the layout of area_fields (no pence). */
static void sums_figures(const struct pbr_sums *s, int64_t *f)
{
	memset(f, 0, NFIELDS * sizeof *f);
	f[F_MEMBERS] = s->n;
	f[F_W] = s->W;
	f[F_EB] = s->Eb;
	f[F_AB] = s->Ab;
	f[F_B] = pbr_sums_B(s);
	f[F_EF] = s->Ef;
	f[F_AF] = s->Af;
	f[F_F] = pbr_sums_F(s);
}

/* A non-negative 128-bit integer in plain decimal. */
static void u128_text(unsigned __int128 v, char *buf, size_t size)
{
	char tmp[48];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v && n < sizeof tmp);
	for (size_t i = 0; i < n && i + 1 < size; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n < size ? n : size - 1] = '\0';
}

/* <AreaBand band=""> with the sums, rates and 95 % interval of one band. */
static int add_band(xmlNodePtr parent, int band, const struct pbr_sums *s)
{
	xmlNodePtr e = xmlNewChild(parent, NULL, BAD_CAST "AreaBand", NULL);
	int64_t f[NFIELDS];
	char v[48];

	if (e == NULL || !xmlNewProp(e, BAD_CAST "band", BAD_CAST pbr_band_name(band)))
		return -1;
	sums_figures(s, f);
	for (int i = F_MEMBERS; i <= F_F; i++)
		if (pbr_vx_add_int(e, area_fields[i], f[i]) != 0)
			return -1;
	u128_text((unsigned __int128)s->V, v, sizeof v);
	if (!xmlNewTextChild(e, NULL, BAD_CAST "BinaryVariance", BAD_CAST v)
	    || add_rates(e, f) != 0
	    || add_chance(e, f[F_B], f[F_W], (unsigned __int128)s->V, true, NULL) != 0)
		return -1;
	return 0;
}

/* <AreaBands status="unavailable" why=""/> under p. */
static int bands_unavailable(xmlNodePtr p, const char *why)
{
	xmlNodePtr e = xmlNewChild(p, NULL, BAD_CAST "AreaBands", NULL);

	if (e == NULL || !xmlNewProp(e, BAD_CAST "status", BAD_CAST "unavailable")
	    || !xmlNewProp(e, BAD_CAST "why", BAD_CAST why))
		return oom();
	return 0;
}

/* The area's bands add up to its figures in the statement, exactly. */
static bool bands_reconcile(const struct band_read *b, const struct pcc_area *a)
{
	struct pbr_sums t;

	memset(&t, 0, sizeof t);
	for (int i = 0; i < PBR_NBANDS; i++)
		if (pbr_sums_merge(&t, &b->sums[i]) != 0)
			return false;
	return t.n == a->f[F_MEMBERS] && t.W == a->f[F_W] && t.Eb == a->f[F_EB]
	       && t.Ab == a->f[F_AB] && t.Ef == a->f[F_EF] && t.Af == a->f[F_AF]
	       && (!a->has_v || (unsigned __int128)t.V == a->v);
}

/* Recomputes the cohort of statement sid (its header h) with the bands of
 * the area; 0 and *b, or why not in *why (a warning printed). */
static int bands_read(struct pcc_ctx *x, const char *sid, xmlNodePtr h, struct band_read *b,
		      const char **why)
{
	struct pbr_settle_opts so;
	struct pbr_statement s;
	bool over = false;
	char *contract = pbr_vx_text(pbr_vx_child(h, "Contract"), "id");
	char *period = pbr_vx_text(pbr_vx_child(h, "Period"), NULL);
	char *digest = pbr_vx_text(pbr_vx_child(h, "InputDigest"), NULL);
	int q, rc = 0;

	*why = NULL;
	memset(&so, 0, sizeof so);
	memset(&s, 0, sizeof s);
	so.quiet = true;
	so.over_limit = &over;
	so.read_cohort = read_area_bands;
	so.read_cohort_arg = b;
	if (!contract || !period || !digest)
		rc = oom();
	else if (pbr_quarter_parse(period, &q) != 0)
		*why = "the statement's period is not a quarter";
	else if ((rc = pbr_settle(x->conn, contract, q, &so, &s)) != 0) {
		if (rc != EX_OSERR) {   /* out of memory fails the view */
			rc = 0;
			*why = "the cohort could not be read again (see the message above)";
		}
	} else if (strcmp(b->input_digest, digest) != 0)
		*why = "the cohort's rows have changed since the statement was settled "
		       "(its input digest differs; run pbr-settle verify)";
	if (*why)
		pbr_warn("statement %s: needs bands of PCC area %s left out: %s", sid, x->pcc, *why);
	pbr_statement_free(&s);
	free(contract);
	free(period);
	free(digest);
	return rc;
}

/* <AreaBands> of one period under p, added to the totals. */
static int period_bands(struct pcc_ctx *x, const char *sid, xmlNodePtr h, xmlNodePtr p,
			const struct pcc_area *a)
{
	struct band_read b;
	const char *why = x->bands_off;
	xmlNodePtr e;
	int code = 0;

	memset(&b, 0, sizeof b);
	b.pcc = x->pcc;
	if (why == NULL)
		code = bands_read(x, sid, h, &b, &why);
	if (code != 0 || why != NULL)
		return code != 0 ? code : bands_unavailable(p, why);
	if (!bands_reconcile(&b, a))
		return pbr_error(EX_SOFTWARE, "report: statement %s: the needs bands of PCC area %s "
				 "do not add up to the area's figures", sid, x->pcc);
	e = xmlNewChild(p, NULL, BAD_CAST "AreaBands", NULL);
	if (e == NULL || !xmlNewProp(e, BAD_CAST "status", BAD_CAST "ok"))
		return oom();
	for (int i = 0; i < PBR_NBANDS; i++) {
		if (add_band(e, i, &b.sums[i]) != 0)
			return oom();
		if (pbr_sums_merge(&x->band_total[i], &b.sums[i]) != 0)
			return pbr_error(EX_DATAERR, "report: PCC %s: the needs bands of periods %s..%s overflow",
					 x->pcc, x->from, x->to);
	}
	x->band_periods++;
	return 0;
}

/* The bands of the periods that have them, pooled, under the total t. */
static int total_bands(const struct pcc_ctx *x, xmlNodePtr t)
{
	xmlNodePtr e = xmlNewChild(t, NULL, BAD_CAST "AreaBands", NULL);
	const char *status = x->band_periods == 0 ? "unavailable"
			     : x->band_periods < x->periods ? "partial" : "ok";

	if (e == NULL || !xmlNewProp(e, BAD_CAST "status", BAD_CAST status)
	    || pbr_vx_set_int(e, "periods", x->band_periods) != 0)
		return oom();
	if (x->bands_off && !xmlNewProp(e, BAD_CAST "why", BAD_CAST x->bands_off))
		return oom();
	for (int i = 0; x->band_periods > 0 && i < PBR_NBANDS; i++)
		if (add_band(e, i, &x->band_total[i]) != 0)
			return oom();
	return 0;
}

/* Whether this login may read the cohort rows the bands need. */
static int bands_possible(struct pcc_ctx *x)
{
	bool aggregates_only = false;
	int code = pbr_aggregates_wanted(x->conn, &aggregates_only);

	if (code == 0 && aggregates_only) {
		x->bands_off = "this login may not read offender rows (needs bands per area are "
			       "recomputed from them; finance or the CRC can produce this view)";
		pbr_note("the PCC view's needs bands per area are left out: %s", x->bands_off);
	}
	return code;
}

/* ---- one statement of the ledger ---- */

/* The cohort's PccArea@code = pcc, or NULL. */
static xmlNodePtr find_area(xmlNodePtr cohort, const char *pcc)
{
	for (xmlNodePtr n = cohort->children; n; n = n->next) {
		xmlChar *c;
		bool hit;

		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "PccArea"))
			continue;
		c = xmlGetProp(n, BAD_CAST "code");
		hit = c && strcmp((const char *)c, pcc) == 0;
		if (c)
			xmlFree(c);
		if (hit)
			return n;
	}
	return NULL;
}

/* The area's figures as the statement states them, or none (with a
 * warning) when the area was not part of the CPA then. */
static int read_area(const struct pcc_ctx *x, const char *sid, xmlNodePtr cohort,
		     struct pcc_area *a)
{
	memset(a, 0, sizeof *a);
	a->node = find_area(cohort, x->pcc);
	if (a->node == NULL) {
		pbr_warn("statement %s has no PCC area %s (the area was not part of CPA then); shown with no members",
			 sid, x->pcc);
		a->has_v = true;	/* no members: V 0 */
		return 0;
	}
	for (int i = 0; i < NFIELDS; i++)
		if (pbr_vx_int(pbr_vx_child(a->node, area_fields[i]), &a->f[i]) != 0)
			return pbr_error(EX_DATAERR, "report: statement %s: PccArea %s has no valid %s",
					 sid, x->pcc, area_fields[i]);
	/* SPEC 5a (optional: statements before it carry neither) */
	a->has_v = pbr_vx_child(a->node, "BinaryVariance") != NULL;
	if ((a->has_v && pbr_vx_u128(pbr_vx_child(a->node, "BinaryVariance"), &a->v) != 0)
	    || (pbr_vx_child(a->node, "DeductionPence")
		&& pbr_vx_int(pbr_vx_child(a->node, "DeductionPence"), &a->deduction) != 0))
		return pbr_error(EX_DATAERR, "report: statement %s: PccArea %s has no valid "
				 "BinaryVariance or DeductionPence", sid, x->pcc);
	return 0;
}

/* Attribute name of e from the text of n (or n's attribute attr). */
static int copy_text(xmlNodePtr e, const char *name, xmlNodePtr n, const char *attr)
{
	char *t = pbr_vx_text(n, attr);
	int rc = t && xmlNewProp(e, BAD_CAST name, BAD_CAST t) ? 0 : -1;

	free(t);
	return rc;
}

/* The <Period> of one statement, with the area's figures. */
static xmlNodePtr new_period(const struct pcc_ctx *x, const char *sid, xmlNodePtr h,
			     xmlNodePtr cohort, const struct pcc_area *a)
{
	xmlNodePtr p = xmlNewChild(x->root, NULL, BAD_CAST "Period", NULL);

	if (p == NULL || copy_text(p, "period", pbr_vx_child(h, "Period"), NULL) != 0
	    || copy_text(p, "cohort", cohort, "quarter") != 0
	    || copy_text(p, "contract", pbr_vx_child(h, "Contract"), "id") != 0
	    || !xmlNewProp(p, BAD_CAST "statementId", BAD_CAST sid)
	    || copy_text(p, "status", pbr_vx_child(h, "Status"), NULL) != 0
	    || copy_text(p, "kind", pbr_vx_child(h, "Kind"), NULL) != 0
	    || copy_text(p, "tariff", pbr_vx_child(h, "Tariff"), "version") != 0
	    || (!a->node && !xmlNewProp(p, BAD_CAST "absent", BAD_CAST "true"))
	    || add_figures(p, a->f) != 0)
		return NULL;
	return p;
}

/* The contract's whole-cohort needs bands (seed 002, 6.3-6.6: nobody
 * parked for having complex needs), members and rates, under c. */
static int contract_bands(const char *sid, xmlNodePtr cohort, xmlNodePtr c)
{
	for (xmlNodePtr n = cohort->children; n; n = n->next) {
		int64_t cf[NFIELDS];
		xmlNodePtr b;
		xmlChar *band;
		int bad;

		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "NeedsBand"))
			continue;
		memset(cf, 0, sizeof cf);
		for (int i = F_MEMBERS; i <= F_F; i++)
			if (pbr_vx_int(pbr_vx_child(n, area_fields[i]), &cf[i]) != 0)
				return pbr_error(EX_DATAERR, "report: statement %s: a NeedsBand has no valid %s",
						 sid, area_fields[i]);
		band = xmlGetProp(n, BAD_CAST "band");
		b = xmlNewChild(c, NULL, BAD_CAST "NeedsBand", NULL);
		bad = b == NULL || !xmlNewProp(b, BAD_CAST "band", band ? band : BAD_CAST "")
		      || pbr_vx_set_int(b, "members", cf[F_MEMBERS]) != 0 || add_rates(b, cf) != 0;
		if (band)
			xmlFree(band);
		if (bad)
			return oom();
	}
	return 0;
}

/* The contract's whole cohort, for scale: its total and needs bands; and
 * what the statement pays at contract level (SPEC 7: the annual true-up
 * is not attributed to areas, so it is shown beside them). */
static int period_contract(struct pcc_ctx *x, const char *sid, xmlNodePtr st,
			   xmlNodePtr cohort, xmlNodePtr p)
{
	xmlNodePtr c = xmlNewChild(p, NULL, BAD_CAST "Contract", NULL);
	int64_t m[NMONEY];
	int code = contract_money(sid, st, cohort, m);

	if (code != 0)
		return code;
	if (c == NULL || set_money(c, st, m) != 0)
		return oom();
	for (int i = 0; i < NMONEY; i++)
		if (__builtin_add_overflow(x->money[i], m[i], &x->money[i]))
			return pbr_error(EX_DATAERR, "report: PCC %s: the contracts' %s of periods %s..%s overflow",
					 x->pcc, money_attr[i], x->from, x->to);
	return contract_bands(sid, cohort, c);
}

/* The area's <Chance>, with the contract's verdict and the tariff's z
 * that the test in words needs. */
static int period_chance(xmlNodePtr h, xmlNodePtr cohort, xmlNodePtr p, const struct pcc_area *a)
{
	xmlNodePtr ch;
	char *mode = pbr_vx_text(pbr_vx_child(cohort, "BinaryMode"), NULL);
	char *sig = pbr_vx_text(pbr_vx_child(cohort, "BinarySignificant"), NULL);
	char *zm = pbr_vx_text(pbr_vx_child(pbr_vx_child(h, "Tariff"), "SignificanceZMilli"), NULL);
	char *term = pbr_vx_text(pbr_vx_child(cohort, "TerminationFlag"), NULL);
	int bad = !mode || !sig || !zm || !term ||
		  add_chance(p, a->f[F_B], a->f[F_W], a->v, a->has_v, &a->deduction) != 0;

	ch = bad ? NULL : pbr_vx_child_any(p, "Chance");
	if (!bad && ch && mode && *mode)
		bad = !xmlNewProp(ch, BAD_CAST "mode", BAD_CAST mode)
		      || !xmlNewProp(ch, BAD_CAST "contractSignificant", BAD_CAST (sig ? sig : ""))
		      || !xmlNewProp(ch, BAD_CAST "zMilli", BAD_CAST (zm ? zm : ""))
		      || !xmlNewProp(ch, BAD_CAST "terminationFlag", BAD_CAST (term ? term : ""));
	free(mode);
	free(sig);
	free(zm);
	free(term);
	return bad ? oom() : 0;
}

/* The area's figures into the view's totals. */
static int accumulate(struct pcc_ctx *x, const struct pcc_area *a)
{
	for (int i = 0; i < NFIELDS; i++)
		if (__builtin_add_overflow(x->total[i], a->f[i], &x->total[i]))
			return pbr_error(EX_DATAERR, "report: PCC %s: the %s of periods %s..%s overflow",
					 x->pcc, area_fields[i], x->from, x->to);
	if (!a->has_v)
		x->chance.all_v = false;
	if (a->v > ~(unsigned __int128)0 - x->chance.v
	    || __builtin_add_overflow(x->chance.deduction, a->deduction, &x->chance.deduction))
		return pbr_error(EX_DATAERR, "report: PCC %s: the variances or deductions of periods %s..%s overflow",
				 x->pcc, x->from, x->to);
	x->chance.v += a->v;
	x->periods++;
	return 0;
}

/* One statement in force into one <Period>; totals updated
 * (pbr_ledger_doc_fn). */
static int pcc_period(void *arg, const struct pbr_ledger_doc *d)
{
	struct pcc_ctx *x = arg;
	const char *sid = d->statement_id;
	xmlDocPtr doc = NULL;
	xmlNodePtr st, h, cohort, p;
	struct pcc_area a;
	char name[PBR_ID_MAX + 32];
	int code;

	snprintf(name, sizeof name, "ledger:%s", sid);
	code = pbr_render_parse(name, d->xml, d->len, &doc);
	if (code != 0)
		return code;
	st = xmlDocGetRootElement(doc);
	h = pbr_vx_child(st, "Header");
	cohort = pbr_vx_child(st, "Cohort");
	if (h == NULL || cohort == NULL) {
		code = pbr_error(EX_DATAERR, "report: statement %s in the ledger has no Header or Cohort",
				 sid);
		goto done;
	}
	code = read_area(x, sid, cohort, &a);
	if (code != 0)
		goto done;
	p = new_period(x, sid, h, cohort, &a);
	if (p == NULL) {
		code = oom();
		goto done;
	}
	code = period_contract(x, sid, st, cohort, p);
	if (code == 0)
		code = period_chance(h, cohort, p, &a);
	if (code == 0)
		code = accumulate(x, &a);
	if (code == 0)
		code = period_bands(x, sid, h, p, &a);
done:
	xmlFreeDoc(doc);
	return code;
}

/* ---- the view ---- */

/* The area and its CPA into a new <PccView>; *cpa malloc'd. */
static int pcc_root(PGconn *conn, struct pcc_ctx *x, xmlDocPtr *doc, char **cpa)
{
	const char *p1[1] = { x->pcc };
	PGresult *res;
	int code = 0;

	res = pbr_db_query(conn, "reading the PCC area",
		"SELECT p.name, p.cpa_code, c.name FROM pbr.pcc_area p"
		" JOIN pbr.cpa c ON c.code = p.cpa_code WHERE p.code = $1", 1, p1);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		PQclear(res);
		return pbr_error(EX_DATAERR, "report: no PCC area '%s' in pbr.pcc_area", x->pcc);
	}
	*doc = pbr_vx_new_doc("PccView", PBR_PCC_VIEW_NS, &x->root);
	*cpa = strdup(PQgetvalue(res, 0, 1));
	if (*doc == NULL || *cpa == NULL
	    || !xmlNewProp(x->root, BAD_CAST "code", BAD_CAST x->pcc)
	    || !xmlNewProp(x->root, BAD_CAST "name", BAD_CAST PQgetvalue(res, 0, 0))
	    || !xmlNewProp(x->root, BAD_CAST "cpa", BAD_CAST *cpa)
	    || !xmlNewProp(x->root, BAD_CAST "cpaName", BAD_CAST PQgetvalue(res, 0, 2))
	    || !xmlNewProp(x->root, BAD_CAST "from", BAD_CAST x->from)
	    || !xmlNewProp(x->root, BAD_CAST "to", BAD_CAST x->to)
	    || !xmlNewProp(x->root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION))
		code = oom();
	PQclear(res);
	return code;
}

/* <Total>: the area over the periods, its pooled interval, and what the
 * contracts' statements pay over them. */
static int pcc_total(struct pcc_ctx *x)
{
	xmlNodePtr t = xmlNewChild(x->root, NULL, BAD_CAST "Total", NULL);

	if (t == NULL || pbr_vx_set_int(t, "periods", x->periods) != 0
	    || add_figures(t, x->total) != 0
	    || add_chance(t, x->total[F_B], x->total[F_W], x->chance.v,
			  x->chance.all_v && x->periods > 0, &x->chance.deduction) != 0)
		return oom();
	if (total_bands(x, t) != 0)
		return EX_OSERR;
	t = xmlNewChild(t, NULL, BAD_CAST "Contract", NULL);
	if (t == NULL || set_money(t, NULL, x->money) != 0)
		return oom();
	return 0;
}

int pbr_pcc_view_build(PGconn *conn, const char *pcc, const char *from, const char *to,
		       xmlDocPtr *out)
{
	struct pcc_ctx x;
	xmlDocPtr doc = NULL;
	char *cpa = NULL;
	int code;

	memset(&x, 0, sizeof x);
	x.pcc = pcc;
	x.from = from;
	x.to = to;
	x.chance.all_v = true;
	x.conn = conn;
	/* one snapshot: the statements in force and the rows read again */
	if (pbr_db_exec(conn, "starting a snapshot",
			"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
		return pbr_db_failure_code(conn);
	code = bands_possible(&x);
	if (code == 0)
		code = pcc_root(conn, &x, &doc, &cpa);
	if (code == 0)
		/* every statement in force of the CPA in the periods, one <Period> each */
		code = pbr_ledger_each_in_force_cpa(conn, cpa, from, to, pcc_period, &x);
	if (code == 0 && x.periods == 0)
		pbr_warn("no statement in force for CPA %s in periods %s..%s; the view is empty",
			 cpa, from, to);
	if (code == 0)
		code = pcc_total(&x);
	free(cpa);
	if (pbr_db_exec(conn, "ending the snapshot", "COMMIT") != 0 && code == 0)
		code = pbr_db_failure_code(conn);
	if (code != 0 && doc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	*out = doc;
	return code;
}
