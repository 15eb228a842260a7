/*
 * monthly.c - one contract, one month: from the database to a filled
 * struct pbr_monthly, its annex and its MonthlyStatement XML (SPEC 11).
 * All money decisions are the pure core's (fee.c).
 */
#include "monthly.h"
#include "core.h"
#include "db.h"
#include "digest.h"
#include "util.h"
#include "xmlw.h"

#include <inttypes.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- small helpers ------------------------------------------------------- */

static int64_t int_value(const PGresult *res, int row, int col)
{
	int64_t v = 0;

	if (PQgetisnull(res, row, col) ||
	    pbr_parse_int64(PQgetvalue(res, row, col), &v) != 0)
		return 0;
	return v;
}

/* A growing text buffer for the annex. */
struct buf {
	char *p;
	size_t len, cap;
	int bad;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (p == NULL) {
			b->bad = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_b(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* One CSV field: quoted when it holds a comma, quote or line end. */
static void field(struct buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		puts_b(b, s);
	} else {
		put(b, "\"", 1);
		for (const char *c = s; *c; c++) {
			if (*c == '"')
				put(b, "\"", 1);
			put(b, c, 1);
		}
		put(b, "\"", 1);
	}
	put(b, last ? "\n" : ",", 1);
}

static void field_int(struct buf *b, int64_t v)
{
	char t[24];

	snprintf(t, sizeof t, "%" PRId64, v);
	field(b, t, false);
}

/* One line of SPEC 11.2's errors: contract, month, fault. */
static int fault(const struct pbr_monthly *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fault(const struct pbr_monthly *m, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return pbr_error(EX_DATAERR, "contract %s month %s: %s; nothing written",
			 m->contract_id, m->month_text, what);
}

/* ---- loading -------------------------------------------------------------- */

static int load_contract(PGconn *conn, struct pbr_monthly *m)
{
	const char *params[1] = { m->contract_id };
	PGresult *res = pbr_db_query(conn, "reading the contract",
		"SELECT c.provider_id, p.name, c.cpa_code"
		" FROM pbr.contract c JOIN pbr.provider p ON p.id = c.provider_id"
		" WHERE c.id = $1", 1, params);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		rc = pbr_error(EX_DATAERR, "no contract %s", m->contract_id);
		goto cleanup;
	}
	m->provider_id = strdup(PQgetvalue(res, 0, 0));
	m->provider_name = strdup(PQgetvalue(res, 0, 1));
	m->cpa_code = strdup(PQgetvalue(res, 0, 2));
	if (!m->provider_id || !m->provider_name || !m->cpa_code)
		rc = pbr_error(EX_OSERR, "out of memory");
cleanup:
	PQclear(res);
	return rc;
}

static int load_terms(PGconn *conn, struct pbr_monthly *m)
{
	char year[16];
	const char *params[2] = { m->contract_id, year };
	PGresult *res;
	struct pbr_fee_terms *t = &m->terms;
	int rc = 0;

	snprintf(year, sizeof year, "%d", m->year);
	res = pbr_db_query(conn, "reading the contract year",
		"SELECT annual_price_pence, learning_curve_ppm, predicted_volume_milli,"
		" band_low_ppm, band_high_ppm, adjust_below_ppm, adjust_above_ppm,"
		" credit_cap_ppm, advance_pence_per_month, map_pence"
		" FROM pbr.contract_year WHERE contract_id = $1 AND year = $2::int",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		rc = pbr_error(EX_DATAERR,
			       "contract %s is not billed for month %s: it has no contract_year row for %d",
			       m->contract_id, m->month_text, m->year);
		goto cleanup;
	}
	t->annual_price_pence = int_value(res, 0, 0);
	t->learning_curve_ppm = int_value(res, 0, 1);
	t->predicted_volume_milli = int_value(res, 0, 2);
	t->band_low_ppm = int_value(res, 0, 3);
	t->band_high_ppm = int_value(res, 0, 4);
	t->adjust_below_ppm = int_value(res, 0, 5);
	t->adjust_above_ppm = int_value(res, 0, 6);
	t->credit_cap_ppm = int_value(res, 0, 7);
	t->advance_pence_per_month = int_value(res, 0, 8);
	t->map_pence = int_value(res, 0, 9);
	if (pbr_fee_terms_ok(t) != 0)
		rc = pbr_error(EX_DATAERR, "contract %s year %d: a term is outside the ranges of SPEC 11.1",
			       m->contract_id, m->year);
cleanup:
	PQclear(res);
	return rc;
}

static int load_bands(PGconn *conn, struct pbr_monthly *m)
{
	char year[16];
	const char *params[2] = { m->contract_id, year };
	PGresult *res;
	int rc = 0, n;

	snprintf(year, sizeof year, "%d", m->year);
	res = pbr_db_query(conn, "reading the band weights",
		"SELECT band_code, weight_milli FROM pbr.band_weight"
		" WHERE contract_id = $1 AND year = $2::int ORDER BY band_code COLLATE \"C\"",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	n = PQntuples(res);
	m->bands = calloc((size_t)n + 1, sizeof *m->bands);
	if (m->bands == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		struct pbr_band_line *b = &m->bands[i];

		b->code = strdup(PQgetvalue(res, i, 0));
		m->n_bands++;
		if (b->code == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		b->weight_milli = int_value(res, i, 1);
	}
cleanup:
	PQclear(res);
	return rc;
}

static int load_kpis(PGconn *conn, struct pbr_monthly *m)
{
	char year[16];
	const char *params[2] = { m->contract_id, year };
	PGresult *res;
	int rc = 0, n;

	snprintf(year, sizeof year, "%d", m->year);
	res = pbr_db_query(conn, "reading the KPI terms",
		"SELECT kpi_code, target_ppm, credit_pence FROM pbr.kpi_term"
		" WHERE contract_id = $1 AND year = $2::int ORDER BY kpi_code COLLATE \"C\"",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	n = PQntuples(res);
	m->kpis = calloc((size_t)n + 1, sizeof *m->kpis);
	if (m->kpis == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		struct pbr_kpi_line *k = &m->kpis[i];

		k->code = strdup(PQgetvalue(res, i, 0));
		m->n_kpis++;
		if (k->code == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		k->target_ppm = int_value(res, i, 1);
		k->credit_pence = int_value(res, i, 2);
	}
cleanup:
	PQclear(res);
	return rc;
}

static int find_band(const struct pbr_monthly *m, const char *code)
{
	for (size_t i = 0; i < m->n_bands; i++)
		if (strcmp(m->bands[i].code, code) == 0)
			return (int)i;
	return -1;
}

static int find_kpi(const struct pbr_monthly *m, const char *code)
{
	for (size_t i = 0; i < m->n_kpis; i++)
		if (strcmp(m->kpis[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* ---- the returns ------------------------------------------------------ */

/* The input digest (SPEC 11.4) over lines sorted bytewise: every K line,
 * then V, then W ('K' < 'V' < 'W').  Each query returns its lines in
 * that order, with the line itself last. */
static const char volume_sql[] =
	"SELECT month, band_code, cases, line FROM ("
	" SELECT month, band_code, cases,"
	"  'V|' || month || '|' || coalesce(band_code, '') || '|' || coalesce(cases::text, '') AS line"
	" FROM pbr.volume_return WHERE contract_id = $1 AND month = ANY ($2::text[])) r"
	" ORDER BY line COLLATE \"C\"";
static const char kpi_sql[] =
	"SELECT kpi_code, numerator, denominator, line FROM ("
	" SELECT kpi_code, numerator, denominator,"
	"  'K|' || coalesce(kpi_code, '') || '|' || coalesce(numerator::text, '') || '|'"
	"  || coalesce(denominator::text, '') AS line"
	" FROM pbr.kpi_return WHERE contract_id = $1 AND month = $2) r"
	" ORDER BY line COLLATE \"C\"";
static const char waiver_sql[] =
	"SELECT kpi_code, reason, approved_by, line FROM ("
	" SELECT kpi_code, reason, approved_by,"
	"  'W|' || kpi_code || '|' || reason || '|' || approved_by AS line"
	" FROM pbr.credit_waiver WHERE contract_id = $1 AND month = $2) r"
	" ORDER BY line COLLATE \"C\"";

static const char annex_header[] =
	"kind,month,code,cases,weight_milli,volume_milli,numerator,denominator,"
	"target_ppm,status,credit_pence,waived_pence,approved_by,reason\n";

static int digest_lines(struct pbr_sha256 *d, const PGresult *res, int col)
{
	for (int i = 0; i < PQntuples(res); i++)
		if (pbr_sha256_update(d, PQgetvalue(res, i, col),
				      (size_t)PQgetlength(res, i, col)) != 0 ||
		    pbr_sha256_update(d, "\n", 1) != 0)
			return -1;
	return 0;
}

/* The months whose volume returns the statement reads: the month, or in
 * December all twelve, as a text[] literal. */
static void months_array(const struct pbr_monthly *m, char *buf, size_t size)
{
	int first = m->december ? m->month - 11 : m->month;
	size_t n = 0;

	buf[n++] = '{';
	for (int i = first; i <= m->month && n + 10 < size; i++) {
		pbr_month_format(i, buf + n);
		n += 7;
		buf[n++] = i == m->month ? '}' : ',';
	}
	buf[n] = '\0';
}

/* Checks the volume rows (SPEC 11.2) and sums them: the month's bands
 * into m->bands, every month read into the year's actual volume. */
static int check_volumes(struct pbr_monthly *m, const PGresult *res,
			 int64_t *year_volume)
{
	int first = m->december ? m->month - 11 : m->month;
	int nmonths = m->month - first + 1;
	int rows[12] = { 0 };
	unsigned char *seen = calloc((size_t)nmonths * (m->n_bands + 1), 1);
	int rc = 0;

	if (seen == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	*year_volume = 0;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		const char *mt = PQgetvalue(res, i, 0);
		const char *code = PQgetvalue(res, i, 1);
		bool has = !PQgetisnull(res, i, 2);
		int64_t cases = int_value(res, i, 2);
		int mi, b;

		if (pbr_month_parse(mt, &mi) != 0 || mi < first || mi > m->month) {
			rc = pbr_error(EX_SOFTWARE, "volume return of month '%.16s' read for %s",
				       mt, m->month_text);
			break;
		}
		rows[mi - first]++;
		if (PQgetisnull(res, i, 1)) {
			rc = fault(m, "a volume return of %s has no band_code", mt);
			break;
		}
		b = find_band(m, code);
		if (b < 0) {
			rc = fault(m, "volume return of %s: band '%.64s' has no band_weight for %d",
				   mt, code, m->year);
			break;
		}
		if (!pbr_volume_cases_ok(has, cases)) {
			if (has)
				rc = fault(m, "volume return of %s band %s: cases %" PRId64 " outside 0..1000000",
					   mt, code, cases);
			else
				rc = fault(m, "volume return of %s band %s: cases NULL", mt, code);
			break;
		}
		if (seen[(size_t)(mi - first) * m->n_bands + (size_t)b]++) {
			rc = fault(m, "two volume returns of %s for band %s", mt, code);
			break;
		}
		if (pbr_volume_add(year_volume, cases, m->bands[b].weight_milli) != 0) {
			rc = fault(m, "the year's volume overflows 64 bits");
			break;
		}
		if (mi == m->month) {
			m->bands[b].returned = true;
			m->bands[b].cases = cases;
			m->bands[b].volume_milli = cases * m->bands[b].weight_milli;
			if (pbr_volume_add(&m->month_volume_milli, cases,
					   m->bands[b].weight_milli) != 0) {
				rc = fault(m, "the month's volume overflows 64 bits");
				break;
			}
		}
	}
	if (rc == 0 && rows[nmonths - 1] == 0)
		rc = fault(m, "no volume return for the month");
	for (int i = 0; i < nmonths - 1 && rc == 0; i++)
		if (rows[i] == 0) {
			char mt[8];

			pbr_month_format(first + i, mt);
			rc = fault(m, "the year-end volume reconciliation needs the volume return of %s, which has none",
				   mt);
		}
	free(seen);
	return rc;
}

static int check_kpis(struct pbr_monthly *m, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		const char *code = PQgetvalue(res, i, 0);
		bool hn = !PQgetisnull(res, i, 1), hd = !PQgetisnull(res, i, 2);
		int64_t num = int_value(res, i, 1), den = int_value(res, i, 2);
		int k;

		if (PQgetisnull(res, i, 0))
			return fault(m, "a KPI return has no kpi_code");
		k = find_kpi(m, code);
		if (k < 0)
			return fault(m, "KPI return '%.64s' has no kpi_term for %d", code, m->year);
		if (!pbr_kpi_figures_ok(hn, num, hd, den))
			return fault(m, "KPI return %s: numerator %s, denominator %s; need 0 <= numerator <= denominator <= 10^12",
				     code, hn ? PQgetvalue(res, i, 1) : "NULL",
				     hd ? PQgetvalue(res, i, 2) : "NULL");
		if (m->kpis[k].reported)
			return fault(m, "two KPI returns for %s", code);
		m->kpis[k].reported = true;
		m->kpis[k].numerator = num;
		m->kpis[k].denominator = den;
	}
	return 0;
}

static int apply_waivers(struct pbr_monthly *m, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		int k = find_kpi(m, PQgetvalue(res, i, 0));

		if (k < 0)
			continue;       /* read and shown in the annex; no KPI to waive */
		m->kpis[k].has_waiver = true;
		m->kpis[k].waiver_reason = strdup(PQgetvalue(res, i, 1));
		m->kpis[k].waiver_approved_by = strdup(PQgetvalue(res, i, 2));
		if (!m->kpis[k].waiver_reason || !m->kpis[k].waiver_approved_by)
			return pbr_error(EX_OSERR, "out of memory");
	}
	return 0;
}

/* ---- the annex -------------------------------------------------------------- */

static void annex_volumes(const struct pbr_monthly *m, const PGresult *res,
			  struct buf *b)
{
	for (int i = 0; i < PQntuples(res); i++) {
		int k = find_band(m, PQgetvalue(res, i, 1));
		int64_t cases = int_value(res, i, 2);
		int64_t w = k >= 0 ? m->bands[k].weight_milli : 0;

		field(b, "V", false);
		field(b, PQgetvalue(res, i, 0), false);
		field(b, PQgetvalue(res, i, 1), false);
		field_int(b, cases);
		field_int(b, w);
		field_int(b, cases * w);
		puts_b(b, ",,,COUNTED,,,,\n");
	}
}

static void annex_kpis(const struct pbr_monthly *m, const PGresult *res,
		       struct buf *b)
{
	for (int i = 0; i < PQntuples(res); i++) {
		const struct pbr_kpi_line *k = &m->kpis[find_kpi(m, PQgetvalue(res, i, 0))];

		field(b, "K", false);
		field(b, m->month_text, false);
		field(b, k->code, false);
		puts_b(b, ",,,");
		field_int(b, k->numerator);
		field_int(b, k->denominator);
		field_int(b, k->target_ppm);
		field(b, pbr_kpi_status_name(k->status), false);
		field_int(b, k->accrued);
		puts_b(b, ",,\n");
	}
}

static void annex_waivers(const struct pbr_monthly *m, const PGresult *res,
			  struct buf *b)
{
	for (int i = 0; i < PQntuples(res); i++) {
		int k = find_kpi(m, PQgetvalue(res, i, 0));
		const char *status = k < 0 ? "NO_KPI_TERM" :
			pbr_kpi_status_name(m->kpis[k].status);

		field(b, "W", false);
		field(b, m->month_text, false);
		field(b, PQgetvalue(res, i, 0), false);
		puts_b(b, ",,,,,,");
		field(b, status, false);
		puts_b(b, ",");
		field_int(b, k >= 0 && m->kpis[k].status == PBR_KPI_WAIVED ?
			     m->kpis[k].credit_pence : 0);
		field(b, PQgetvalue(res, i, 2), false);
		field(b, PQgetvalue(res, i, 1), true);
	}
}

/* ---- the figures ---------------------------------------------------------- */

static int figures(struct pbr_monthly *m, int64_t year_volume)
{
	if (pbr_fee_discounted(&m->terms, &m->discount, &m->discounted) != 0)
		return pbr_error(EX_DATAERR, "contract %s year %d: the discounted price cannot be computed",
				 m->contract_id, m->year);
	m->ffs = pbr_fee_instalment(m->discounted, m->month_number);
	if (pbr_credits_start(&m->credits, m->ffs, m->terms.credit_cap_ppm) != 0)
		return pbr_error(EX_DATAERR, "contract %s month %s: the credit cap overflows",
				 m->contract_id, m->month_text);
	for (size_t i = 0; i < m->n_kpis; i++) {
		struct pbr_kpi_line *k = &m->kpis[i];

		k->status = pbr_kpi_status(k->reported, k->numerator, k->denominator,
					   k->target_ppm, k->has_waiver);
		k->accrued = pbr_kpi_accrues(k->status, k->credit_pence);
		if (pbr_credits_add(&m->credits, k->accrued) != 0)
			return pbr_error(EX_DATAERR, "contract %s month %s: AccruedPence overflows 64 bits",
					 m->contract_id, m->month_text);
	}
	pbr_credits_finish(&m->credits);
	m->advance = m->terms.advance_pence_per_month;
	if (m->december &&
	    pbr_fee_reconcile(&m->terms, m->discounted, year_volume, &m->recon) != 0)
		return pbr_error(EX_DATAERR, "contract %s month %s: AdjustmentPence of the year-end volume reconciliation overflows 64 bits",
				 m->contract_id, m->month_text);
	if (pbr_fee_period_due(m->ffs, m->credits.credit, m->advance,
			       m->december ? m->recon.adjustment : 0, &m->period_due) != 0)
		return pbr_error(EX_DATAERR, "contract %s month %s: PeriodDuePence overflows 64 bits",
				 m->contract_id, m->month_text);
	m->amount_due = m->period_due;
	return 0;
}

int pbr_monthly_compute(PGconn *conn, const char *contract_id, int month,
			struct pbr_monthly *m)
{
	PGresult *vol = NULL, *kpi = NULL, *wai = NULL;
	struct pbr_sha256 *d = NULL;
	struct buf annex = { NULL, 0, 0, 0 };
	char months[12 * 8 + 4];
	const char *params[2];
	int64_t year_volume = 0;
	int rc;

	m->month = month;
	pbr_month_format(month, m->month_text);
	m->year = pbr_month_year(month);
	m->month_number = pbr_month_number(month);
	m->december = m->month_number == 12;
	m->contract_id = strdup(contract_id);
	if (m->contract_id == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	if ((rc = load_contract(conn, m)) != 0 || (rc = load_terms(conn, m)) != 0 ||
	    (rc = load_bands(conn, m)) != 0 || (rc = load_kpis(conn, m)) != 0)
		return rc;
	months_array(m, months, sizeof months);
	params[0] = contract_id;
	params[1] = months;
	vol = pbr_db_query(conn, "reading the volume returns", volume_sql, 2, params);
	params[1] = m->month_text;
	if (vol)
		kpi = pbr_db_query(conn, "reading the KPI returns", kpi_sql, 2, params);
	if (kpi)
		wai = pbr_db_query(conn, "reading the credit waivers", waiver_sql, 2, params);
	if (wai == NULL) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	if ((rc = check_volumes(m, vol, &year_volume)) != 0 ||
	    (rc = check_kpis(m, kpi)) != 0 || (rc = apply_waivers(m, wai)) != 0 ||
	    (rc = figures(m, year_volume)) != 0)
		goto cleanup;
	d = pbr_sha256_new();
	if (d == NULL || digest_lines(d, kpi, 3) != 0 || digest_lines(d, vol, 3) != 0 ||
	    digest_lines(d, wai, 3) != 0 || pbr_sha256_final(d, m->input_digest) != 0) {
		rc = pbr_error_oom(EX_SOFTWARE, "SHA-256 failed");
		goto cleanup;
	}
	puts_b(&annex, annex_header);
	annex_volumes(m, vol, &annex);
	annex_kpis(m, kpi, &annex);
	annex_waivers(m, wai, &annex);
	if (annex.bad || pbr_sha256_buffer(annex.p, annex.len, m->annex_digest) != 0) {
		rc = pbr_error(EX_OSERR, "out of memory writing the annex");
		goto cleanup;
	}
	m->annex = annex.p;
	m->annex_len = annex.len;
	annex.p = NULL;
cleanup:
	free(annex.p);
	pbr_sha256_free(d);
	PQclear(vol);
	PQclear(kpi);
	PQclear(wai);
	return rc;
}

void pbr_monthly_free(struct pbr_monthly *m)
{
	for (size_t i = 0; i < m->n_bands; i++)
		free(m->bands[i].code);
	for (size_t i = 0; i < m->n_kpis; i++) {
		free(m->kpis[i].code);
		free(m->kpis[i].waiver_reason);
		free(m->kpis[i].waiver_approved_by);
	}
	free(m->bands);
	free(m->kpis);
	free(m->reason);
	free(m->provider_id);
	free(m->provider_name);
	free(m->contract_id);
	free(m->cpa_code);
	free(m->annex);
	memset(m, 0, sizeof *m);
}

/* ---- contracts billed for a month ------------------------------------------ */

int pbr_monthly_contracts(PGconn *conn, int month, char *const *given,
			  size_t ngiven, char ***ids, size_t *n)
{
	char year[16];

	snprintf(year, sizeof year, "%d", pbr_month_year(month));
	return pbr_db_select_ids(conn, given, ngiven, "listing the contracts billed",
		"SELECT contract_id FROM pbr.contract_year WHERE year = $1::int"
		" ORDER BY contract_id COLLATE \"C\"", year, ids, n);
}

/* ---- XML ------------------------------------------------------------------ */

static void terms_xml(struct pbr_xw *w, const struct pbr_monthly *m)
{
	const struct pbr_fee_terms *t = &m->terms;

	pbr_xw_start(w, "Terms");
	pbr_xw_num(w, "AnnualPricePence", t->annual_price_pence);
	pbr_xw_num(w, "LearningCurvePpm", t->learning_curve_ppm);
	pbr_xw_num(w, "PredictedVolumeMilli", t->predicted_volume_milli);
	pbr_xw_num(w, "BandLowPpm", t->band_low_ppm);
	pbr_xw_num(w, "BandHighPpm", t->band_high_ppm);
	pbr_xw_num(w, "AdjustBelowPpm", t->adjust_below_ppm);
	pbr_xw_num(w, "AdjustAbovePpm", t->adjust_above_ppm);
	pbr_xw_num(w, "CreditCapPpm", t->credit_cap_ppm);
	pbr_xw_num(w, "AdvancePencePerMonth", t->advance_pence_per_month);
	pbr_xw_num(w, "MapPence", t->map_pence);
	for (size_t i = 0; i < m->n_bands; i++) {
		pbr_xw_start(w, "BandWeight");
		pbr_xw_attr(w, "band", m->bands[i].code);
		pbr_xw_attr_int(w, "milli", m->bands[i].weight_milli);
		pbr_xw_end(w);
	}
	for (size_t i = 0; i < m->n_kpis; i++) {
		pbr_xw_start(w, "KpiTerm");
		pbr_xw_attr(w, "kpi", m->kpis[i].code);
		pbr_xw_attr_int(w, "targetPpm", m->kpis[i].target_ppm);
		pbr_xw_attr_int(w, "creditPence", m->kpis[i].credit_pence);
		pbr_xw_end(w);
	}
	pbr_xw_end(w);
}

static void header_xml(struct pbr_xw *w, const struct pbr_monthly *m)
{
	pbr_xw_start(w, "Header");
	pbr_xw_text(w, "StatementId", m->statement_id);
	pbr_xw_text(w, "Status", m->draft ? "DRAFT" : "FINAL");
	pbr_xw_text(w, "Kind", m->restatement ? "RESTATEMENT" : "ORIGINAL");
	if (m->restatement) {
		pbr_xw_text(w, "Supersedes", m->supersedes);
		pbr_xw_text(w, "Reason", m->reason ? m->reason : "");
	}
	pbr_xw_text(w, "Month", m->month_text);
	pbr_xw_num(w, "ContractYear", m->year);
	pbr_xw_start(w, "Provider");
	pbr_xw_attr(w, "id", m->provider_id);
	pbr_xw_content(w, m->provider_name);
	pbr_xw_end(w);
	pbr_xw_start(w, "Contract");
	pbr_xw_attr(w, "id", m->contract_id);
	pbr_xw_attr(w, "cpa", m->cpa_code);
	pbr_xw_end(w);
	terms_xml(w, m);
	pbr_xw_text(w, "EngineVersion", PBR_VERSION);
	pbr_xw_digest(w, "InputDigest", m->input_digest);
	pbr_xw_digest(w, "AnnexDigest", m->annex_digest);
	pbr_xw_num(w, "RunId", m->run_id);
	pbr_xw_text(w, "CreatedAt", m->created_at);
	pbr_xw_end(w);
}

static void body_xml(struct pbr_xw *w, const struct pbr_monthly *m)
{
	pbr_xw_start(w, "FeeForService");
	pbr_xw_num(w, "AnnualPricePence", m->terms.annual_price_pence);
	pbr_xw_num(w, "LearningCurveDiscountPence", m->discount);
	pbr_xw_num(w, "DiscountedAnnualPricePence", m->discounted);
	pbr_xw_num(w, "MonthIndex", m->month_number);
	pbr_xw_num(w, "FfsPence", m->ffs);
	pbr_xw_end(w);
	pbr_xw_start(w, "Volumes");
	for (size_t i = 0; i < m->n_bands; i++) {
		pbr_xw_start(w, "Band");
		pbr_xw_attr(w, "code", m->bands[i].code);
		pbr_xw_num(w, "Cases", m->bands[i].cases);
		pbr_xw_num(w, "WeightMilli", m->bands[i].weight_milli);
		pbr_xw_num(w, "VolumeMilli", m->bands[i].volume_milli);
		pbr_xw_end(w);
	}
	pbr_xw_num(w, "MonthVolumeMilli", m->month_volume_milli);
	pbr_xw_end(w);
	pbr_xw_start(w, "ServiceCredits");
	for (size_t i = 0; i < m->n_kpis; i++) {
		const struct pbr_kpi_line *k = &m->kpis[i];

		pbr_xw_start(w, "Kpi");
		pbr_xw_attr(w, "code", k->code);
		if (k->reported) {
			pbr_xw_num(w, "Numerator", k->numerator);
			pbr_xw_num(w, "Denominator", k->denominator);
		}
		pbr_xw_num(w, "TargetPpm", k->target_ppm);
		pbr_xw_text(w, "Status", pbr_kpi_status_name(k->status));
		pbr_xw_num(w, "CreditPence", k->accrued);
		if (k->has_waiver) {
			pbr_xw_start(w, "Waiver");
			pbr_xw_attr(w, "approvedBy", k->waiver_approved_by);
			pbr_xw_content(w, k->waiver_reason);
			pbr_xw_end(w);
		}
		pbr_xw_end(w);
	}
	pbr_xw_num(w, "AccruedPence", m->credits.accrued);
	pbr_xw_num(w, "CapPence", m->credits.cap);
	pbr_xw_num(w, "CapCutPence", m->credits.cap_cut);
	pbr_xw_num(w, "CreditPence", m->credits.credit);
	pbr_xw_end(w);
	pbr_xw_num(w, "AdvancePence", m->advance);
	if (m->december) {
		pbr_xw_start(w, "VolumeReconciliation");
		pbr_xw_attr_int(w, "year", m->year);
		pbr_xw_num(w, "PredictedMilli", m->recon.predicted_milli);
		pbr_xw_num(w, "ActualMilli", m->recon.actual_milli);
		pbr_xw_text(w, "Position", pbr_position_name(m->recon.position));
		pbr_xw_num(w, "AdjustmentPence", m->recon.adjustment);
		pbr_xw_num(w, "FfsYearPence", m->recon.ffs_year);
		pbr_xw_num(w, "MapPence", m->recon.map);
		pbr_xw_num(w, "PbrPotPence", m->recon.pbr_pot);
		pbr_xw_end(w);
	}
	pbr_xw_start(w, "Summary");
	pbr_xw_num(w, "PeriodDuePence", m->period_due);
	pbr_xw_num(w, "AmountDuePence", m->amount_due);
	if (m->has_previous)
		pbr_xw_num(w, "PreviousPeriodDuePence", m->previous_period_due);
	pbr_xw_end(w);
}

int pbr_monthly_xml(const struct pbr_monthly *m, char **out, size_t *len)
{
	struct pbr_xw w;

	if (pbr_xw_begin(&w, "MonthlyStatement", PBR_STATEMENT_NS) != 0)
		return -1;
	header_xml(&w, m);
	body_xml(&w, m);
	return pbr_xw_finish(&w, out, len);
}

/* ---- verify ---------------------------------------------------------------- */

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static void copy_text(xmlNodePtr parent, const char *name, char *dst, size_t size)
{
	xmlNodePtr n = child(parent, name);
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;

	snprintf(dst, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

bool pbr_is_monthly(xmlDocPtr doc)
{
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;

	return root && strcmp((const char *)root->name, "MonthlyStatement") == 0;
}

int pbr_monthly_rebuild(PGconn *conn, xmlDocPtr doc, bool has_superseded,
			int64_t superseded_period_due, char **xml, size_t *len)
{
	xmlNodePtr hdr = child(xmlDocGetRootElement(doc), "Header");
	xmlNodePtr c = child(hdr, "Contract");
	xmlChar *id = c ? xmlGetProp(c, BAD_CAST "id") : NULL;
	struct pbr_monthly m;
	char contract[PBR_MONTHLY_ID_MAX], month[16], status[16], kind[16];
	char run_id[24], reason[1100];
	int mi, rc;

	memset(&m, 0, sizeof m);
	snprintf(contract, sizeof contract, "%s", id ? (char *)id : "");
	xmlFree(id);
	copy_text(hdr, "Month", month, sizeof month);
	if (!pbr_contract_id_ok(contract) || pbr_month_parse(month, &mi) != 0)
		return pbr_error(EX_DATAERR, "monthly statement header lacks a valid contract id or month");
	rc = pbr_monthly_compute(conn, contract, mi, &m);
	if (rc != 0)
		goto cleanup;
	copy_text(hdr, "StatementId", m.statement_id, sizeof m.statement_id);
	copy_text(hdr, "Status", status, sizeof status);
	copy_text(hdr, "Kind", kind, sizeof kind);
	copy_text(hdr, "Supersedes", m.supersedes, sizeof m.supersedes);
	copy_text(hdr, "CreatedAt", m.created_at, sizeof m.created_at);
	copy_text(hdr, "RunId", run_id, sizeof run_id);
	copy_text(hdr, "Reason", reason, sizeof reason);
	m.draft = strcmp(status, "DRAFT") == 0;
	m.restatement = strcmp(kind, "RESTATEMENT") == 0;
	if (pbr_parse_int64(run_id, &m.run_id) != 0)
		m.run_id = -1;
	if (m.restatement) {
		m.reason = strdup(reason);
		if (m.reason == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		if (has_superseded) {
			m.has_previous = true;
			m.previous_period_due = superseded_period_due;
			if (pbr_amount_due(m.period_due, true, superseded_period_due, 0,
					   &m.amount_due) != 0) {
				rc = pbr_error(EX_DATAERR, "amount due of %s overflows", m.contract_id);
				goto cleanup;
			}
		}
	}
	if (pbr_monthly_xml(&m, xml, len) != 0)
		rc = pbr_error_oom(EX_SOFTWARE, "cannot build the recomputed statement");
cleanup:
	pbr_monthly_free(&m);
	return rc;
}

/* ---- the PbR side ---------------------------------------------------------- */

int pbr_year_terms_load(PGconn *conn, const char *contract_id, int year,
			struct pbr_year_terms *t)
{
	char y[16];
	const char *params[2] = { contract_id, y };
	PGresult *res;

	memset(t, 0, sizeof *t);
	snprintf(y, sizeof y, "%d", year);
	res = pbr_db_query(conn, "reading the contract year",
		"SELECT advance_pence_per_month FROM pbr.contract_year"
		" WHERE contract_id = $1 AND year = $2::int", 2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1) {
		t->present = true;
		t->advance_pence_per_month = int_value(res, 0, 0);
	}
	PQclear(res);
	return 0;
}

bool pbr_is_december_id(const char *id, int year)
{
	char tail[16];
	size_t n = strlen(id), k;

	snprintf(tail, sizeof tail, "-%04d-12-", year);
	k = strlen(tail);
	for (size_t i = 0; i + k < n; i++)
		if (strncmp(id + i, tail, k) == 0 &&
		    strspn(id + i + k, "0123456789") == n - i - k)
			return true;
	return false;
}
