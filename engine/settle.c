/*
 * settle.c - one contract, one period: from the database to a filled
 * struct pbr_statement.  All money decisions are the core's (core.c).
 */
#include "settle.h"
#include "monitor.h"
#include "cohort.h"
#include "db.h"
#include "ledger.h"
#include "fee.h"
#include "monthly.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE_SQL "first_cohort <= $2 AND last_cohort >= $2"

static char *dup_value(const PGresult *res, int row, int col)
{
	return strdup(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static int64_t int_value(const PGresult *res, int row, int col)
{
	int64_t v = 0;

	if (PQgetisnull(res, row, col) ||
	    pbr_parse_int64(PQgetvalue(res, row, col), &v) != 0)
		return 0;
	return v;
}

static int load_contract(PGconn *conn, const char *cohort,
			 struct pbr_statement *s)
{
	const char *params[2] = { s->contract_id, cohort };
	PGresult *res = pbr_db_query(conn, "reading the contract",
		"SELECT c.provider_id, p.name, c.cpa_code, c.first_cohort <= $2 AND c.last_cohort >= $2,"
		" c.first_cohort, c.last_cohort"
		" FROM pbr.contract c JOIN pbr.provider p ON p.id = c.provider_id"
		" WHERE c.id = $1", 2, params);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		rc = pbr_error(EX_DATAERR, "no contract %s", s->contract_id);
		goto cleanup;
	}
	if (strcmp(PQgetvalue(res, 0, 3), "t") != 0) {
		rc = pbr_error(EX_DATAERR, "contract %s does not cover cohort %s",
			       s->contract_id, cohort);
		goto cleanup;
	}
	/* A malformed range bound leaves its side open; the text comparison
	 * above already decided coverage. */
	if (pbr_quarter_parse(PQgetvalue(res, 0, 4), &s->first_quarter) != 0)
		s->first_quarter = 0;
	if (pbr_quarter_parse(PQgetvalue(res, 0, 5), &s->last_quarter) != 0)
		s->last_quarter = 4 * 10000;
	s->provider_id = dup_value(res, 0, 0);
	s->provider_name = dup_value(res, 0, 1);
	s->cpa_code = dup_value(res, 0, 2);
	if (!s->provider_id || !s->provider_name || !s->cpa_code)
		rc = pbr_error(EX_OSERR, "out of memory");
cleanup:
	PQclear(res);
	return rc;
}

/* SPEC 2: a CPA has at most one contract for any cohort quarter. */
static int check_overlap(PGconn *conn, const char *cohort,
			 const struct pbr_statement *s)
{
	const char *params[3] = { s->cpa_code, cohort, s->contract_id };
	PGresult *res = pbr_db_query(conn, "checking overlapping contracts",
		"SELECT id FROM pbr.contract WHERE cpa_code = $1 AND " RANGE_SQL
		" AND id <> $3 ORDER BY id COLLATE \"C\" LIMIT 1", 3, params);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) > 0)
		rc = pbr_error(EX_DATAERR,
			       "contracts %s and %s of CPA %s both cover cohort %s; a CPA may have one contract per cohort",
			       s->contract_id, PQgetvalue(res, 0, 0), s->cpa_code,
			       cohort);
	PQclear(res);
	return rc;
}

static int tariff_ok(const struct pbr_statement *s)
{
	const char *bad = pbr_tariff_out_of_range(&s->tariff.terms);

	if (bad != NULL)
		return pbr_error(EX_DATAERR,
				 "tariff %s: %s out of range (prices and caps >= 0; hurdle, max_reject and termination 0..1000000 ppm; max_weight 10000..1000000 bp; significance_z_milli 1..5000)",
				 s->tariff.version, bad);
	for (size_t i = 0; i < s->tariff.n_uplifts; i++)
		if (!pbr_uplift_ok(s->tariff.uplifts[i].bp))
			return pbr_error(EX_DATAERR, "tariff %s: uplift of %s out of range (0..1000000 bp)",
					 s->tariff.version, s->tariff.uplifts[i].need);
	return 0;
}

static int load_tariff(PGconn *conn, const char *cohort,
		       struct pbr_statement *s)
{
	const char *params[2] = { s->contract_id, cohort };
	PGresult *res = pbr_db_query(conn, "reading the tariff in force",
		"SELECT t.version, t.binary_price_pence, t.frequency_price_pence,"
		" t.binary_hurdle_ppm, t.cohort_cap_pence, t.max_weight_bp,"
		" t.max_reject_ppm, t.description, t.binary_mode,"
		" t.significance_z_milli, t.deduction_price_pence,"
		" t.deduction_cap_pence, t.termination_ppm"
		" FROM pbr.contract_tariff ct JOIN pbr.tariff t ON t.version = ct.tariff_version"
		" WHERE ct.contract_id = $1 AND ct.from_cohort <= $2"
		" ORDER BY ct.from_cohort DESC LIMIT 1", 2, params);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1) {
		rc = pbr_error(EX_DATAERR, "contract %s has no tariff in force for cohort %s",
			       s->contract_id, cohort);
		goto cleanup;
	}
	s->tariff.version = dup_value(res, 0, 0);
	s->tariff.terms.binary_price_pence = int_value(res, 0, 1);
	s->tariff.terms.frequency_price_pence = int_value(res, 0, 2);
	s->tariff.terms.binary_hurdle_ppm = int_value(res, 0, 3);
	s->tariff.terms.cohort_cap_pence = int_value(res, 0, 4);
	s->tariff.terms.max_weight_bp = int_value(res, 0, 5);
	s->tariff.terms.max_reject_ppm = int_value(res, 0, 6);
	s->tariff.description = dup_value(res, 0, 7);
	if (!s->tariff.version || !s->tariff.description) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	if (pbr_binary_mode_parse(PQgetvalue(res, 0, 8), &s->tariff.terms.binary_mode) != 0) {
		rc = pbr_error(EX_DATAERR, "tariff %s: unknown binary_mode '%s'",
			       s->tariff.version, PQgetvalue(res, 0, 8));
		goto cleanup;
	}
	s->tariff.terms.significance_z_milli = int_value(res, 0, 9);
	s->tariff.terms.deduction_price_pence = int_value(res, 0, 10);
	s->tariff.terms.deduction_cap_pence = int_value(res, 0, 11);
	s->tariff.terms.has_termination = !PQgetisnull(res, 0, 12);
	s->tariff.terms.termination_ppm = int_value(res, 0, 12);
cleanup:
	PQclear(res);
	return rc;
}

static int load_needs(PGconn *conn, struct pbr_statement *s,
		      struct pbr_needs *needs)
{
	const char *params[1] = { s->tariff.version };
	PGresult *res = pbr_db_query(conn, "reading needs and uplifts",
		"SELECT n.code, u.uplift_bp FROM pbr.need n"
		" LEFT JOIN pbr.tariff_need_uplift u"
		" ON u.need_code = n.code AND u.tariff_version = $1"
		" ORDER BY n.code COLLATE \"C\"", 1, params);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	memset(needs, 0, sizeof *needs);
	s->tariff.n_uplifts = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *code = PQgetvalue(res, i, 0);
		int64_t bp = int_value(res, i, 1);

		if (pbr_needs_add(needs, code, bp) != 0) {
			rc = pbr_error(EX_DATAERR,
				       "need code '%s' is empty, longer than %d bytes, or one too many (at most %d)",
				       code, PBR_CODE_MAX, PBR_MAX_NEEDS);
			goto cleanup;
		}
		if (!PQgetisnull(res, i, 1)) {
			struct pbr_uplift *u = &s->tariff.uplifts[s->tariff.n_uplifts++];
			memcpy(u->need, code, strlen(code) + 1);
			u->bp = bp;
		}
	}
cleanup:
	PQclear(res);
	return rc;
}

static int load_areas(PGconn *conn, struct pbr_statement *s)
{
	const char *params[1] = { s->cpa_code };
	PGresult *res = pbr_db_query(conn, "reading PCC areas",
		"SELECT code, name FROM pbr.pcc_area WHERE cpa_code = $1"
		" ORDER BY code COLLATE \"C\"", 1, params);
	int rc = 0, n;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	n = PQntuples(res);
	s->areas = calloc((size_t)(n > 0 ? n : 1), sizeof *s->areas);
	if (s->areas == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		const char *code = PQgetvalue(res, i, 0);

		if (strlen(code) == 0 || strlen(code) > PBR_CODE_MAX) {
			rc = pbr_error(EX_DATAERR, "PCC area code '%s' is empty or longer than %d bytes",
				       code, PBR_CODE_MAX);
			goto cleanup;
		}
		memcpy(s->areas[i].code, code, strlen(code) + 1);
		s->areas[i].name = dup_value(res, i, 1);
		s->n_areas++;
		if (s->areas[i].name == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
	}
cleanup:
	PQclear(res);
	return rc;
}

/* SPEC 2: rows whose cohort_quarter is malformed belong to no cohort. */
static int warn_malformed(PGconn *conn, const struct pbr_statement *s)
{
	const char *params[1] = { s->cpa_code };
	PGresult *res = pbr_db_query(conn, "counting malformed quarters",
		"SELECT count(*) FROM pbr.cohort_member WHERE cpa_code = $1"
		" AND cohort_quarter !~ '^[0-9]{4}Q[1-4]$'", 1, params);

	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (strcmp(PQgetvalue(res, 0, 0), "0") != 0)
		pbr_warn("%s row%s of CPA %s %s a malformed cohort_quarter and belong%s to no cohort",
			 PQgetvalue(res, 0, 0),
			 strcmp(PQgetvalue(res, 0, 0), "1") == 0 ? "" : "s", s->cpa_code,
			 strcmp(PQgetvalue(res, 0, 0), "1") == 0 ? "has" : "have",
			 strcmp(PQgetvalue(res, 0, 0), "1") == 0 ? "s" : "");
	PQclear(res);
	return 0;
}

static int check_rows(const struct pbr_statement *s,
		      const struct pbr_cohort_result *r, bool *over_limit)
{
	char counts[512];

	if (r->not_final > 0)
		return pbr_error(EX_DATAERR,
				 "NOT_MATURE: %" PRId64 " of %" PRId64 " rows of cohort %s of contract %s have an outcome_status other than 'final'; nothing written",
				 r->not_final, r->rows, s->cohort, s->contract_id);
	if (!pbr_rejects_exceed(r->rejected, r->rows, s->tariff.terms.max_reject_ppm))
		return 0;
	if (over_limit) {
		*over_limit = true;
		return 0;
	}
	pbr_format_reject_counts(r->count, ", ", counts, sizeof counts);
	return pbr_error(EX_DATAERR,
			 "%" PRId64 " of %" PRId64 " rows of cohort %s of contract %s rejected, over max_reject_ppm %" PRId64 " (%s); nothing written",
			 r->rejected, r->rows, s->cohort, s->contract_id,
			 s->tariff.terms.max_reject_ppm, counts);
}

static int attribute(struct pbr_statement *s)
{
	size_t n = s->n_areas;
	int64_t *xb = calloc(n + 1, sizeof *xb), *xf = calloc(n + 1, sizeof *xf);
	int64_t *ob = calloc(n + 1, sizeof *ob), *of = calloc(n + 1, sizeof *of);
	int64_t *xd = calloc(n + 1, sizeof *xd), *od = calloc(n + 1, sizeof *od);
	const char **codes = calloc(n + 1, sizeof *codes);
	int rc = 0;

	if (!xb || !xf || !ob || !of || !xd || !od || !codes) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		xb[i] = pbr_sums_B(&s->areas[i].sums);
		xf[i] = pbr_sums_F(&s->areas[i].sums);
		/* SPEC 5a: the deduction falls on the areas that did worse */
		xd[i] = xb[i] < 0 ? -xb[i] : 0;
		codes[i] = s->areas[i].code;
	}
	if (pbr_attribute(s->pay.binary, xb, codes, n, ob) != 0 ||
	    pbr_attribute(s->pay.frequency, xf, codes, n, of) != 0 ||
	    pbr_attribute(s->pay.deduction, xd, codes, n, od) != 0) {
		rc = pbr_error(EX_SOFTWARE, "attribution of contract %s does not add up",
			       s->contract_id);
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		s->areas[i].binary = ob[i];
		s->areas[i].frequency = of[i];
		s->areas[i].deduction = od[i];
		s->areas[i].total = ob[i] + of[i] - od[i];
	}
cleanup:
	free(xb);
	free(xf);
	free(ob);
	free(of);
	free(xd);
	free(od);
	free(codes);
	return rc;
}

/* One earlier quarter's statement for the pool (ledger.c reads it: in
 * force, or by id), merged into the year's sums and what it paid. */
static int pool_statement(PGconn *conn, const struct pbr_statement *s,
			  const char *period, const char *by_id,
			  struct pbr_recon *r)
{
	struct pbr_pooled p;
	bool found;
	int rc = pbr_ledger_pooled(conn, s->contract_id, period, by_id, &p, &found);

	if (rc != 0)
		return rc;
	if (!found)
		return pbr_error(EX_DATAERR,
				 "the %d annual reconciliation of contract %s needs the statement of period %s, which has none in force; settle period %s first",
				 r->year, s->contract_id, period, period);
	if (!p.has_variance)
		return pbr_error(EX_DATAERR,
				 "statement %s, pooled in the %d annual reconciliation of contract %s, has no BinaryVariance (issued before SPEC 5a); restate period %s first",
				 p.statement_id, r->year, s->contract_id, period);
	if (pbr_sums_merge(&r->sums, &p.sums) != 0)
		return pbr_error(EX_DATAERR, "pooled sums of %d overflow", r->year);
	if (__builtin_add_overflow(r->previously_paid, p.total, &r->previously_paid))
		return pbr_error(EX_DATAERR, "amounts paid in %d overflow", r->year);
	if (r->basis[0])
		strncat(r->basis, ",", sizeof r->basis - strlen(r->basis) - 1);
	strncat(r->basis, p.statement_id, sizeof r->basis - strlen(r->basis) - 1);
	r->cohorts++;
	return 0;
}

/* SPEC 6 and 11: with contract terms for the year, the December monthly
 * statement (in force, or the one basis recorded) caps the pool at its
 * PbR pot; its id goes into the basis, so that a restated December makes
 * the reconciliation's inputs change. */
static int map_cap(PGconn *conn, const char *december, struct pbr_statement *s)
{
	struct pbr_recon *r = &s->recon;
	struct pbr_year_terms d;
	int rc = pbr_ledger_december(conn, s->contract_id, r->year, december, &d);

	if (rc != 0)
		return rc;
	r->has_terms = true;
	r->ffs_year = d.ffs_year;
	r->map = d.map;
	r->pbr_pot = d.pbr_pot;
	if (d.pbr_pot < r->cap)
		r->cap = d.pbr_pot;
	if (r->basis[0])
		strncat(r->basis, ",", sizeof r->basis - strlen(r->basis) - 1);
	strncat(r->basis, d.december_id, sizeof r->basis - strlen(r->basis) - 1);
	return 0;
}

/* SPEC 6: pool the year's cohorts within the contract's range.  The Q1-Q3
 * statements come from the ledger (in force, or those named by basis); the
 * Q4 cohort is the one being settled. */
static int reconcile(PGconn *conn, int cohort, const char *basis,
		     bool terms, struct pbr_statement *s)
{
	struct pbr_recon *r = &s->recon;
	char period[8], december[PBR_ID_MAX] = "";
	char *list = NULL, *save = NULL, *id = NULL;
	int rc = 0;

	r->present = true;
	r->year = cohort / 4;
	if (basis) {
		list = strdup(basis);
		if (list == NULL)
			return pbr_error(EX_OSERR, "out of memory");
		id = strtok_r(list, ",", &save);
	}
	for (int c = cohort - 3; c < cohort && rc == 0; c++) {
		if (c < s->first_quarter || c > s->last_quarter)
			continue;
		pbr_quarter_format(pbr_period_of_cohort(c), period);
		if (basis && id == NULL) {
			rc = pbr_error(EX_DATAERR, "recorded reconciliation basis '%s' lacks period %s",
				       basis, period);
			break;
		}
		rc = pool_statement(conn, s, period, basis ? id : NULL, r);
		if (basis)
			id = strtok_r(NULL, ",", &save);
	}
	if (id && pbr_is_december_id(id, r->year))
		snprintf(december, sizeof december, "%s", id);
	free(list);
	if (rc != 0)
		return rc;
	if (pbr_sums_merge(&r->sums, &s->sums) != 0)
		return pbr_error(EX_DATAERR, "pooled sums of %d overflow", r->year);
	r->cohorts++;
	r->cap = pbr_cap_times(s->tariff.terms.cohort_cap_pence, r->cohorts);
	r->deduction_cap = pbr_cap_times(s->tariff.terms.deduction_cap_pence, r->cohorts);
	if (terms && (rc = map_cap(conn, december[0] ? december : NULL, s)) != 0)
		return rc;
	if (pbr_price_pool(&s->tariff.terms, &r->sums, r->cap, r->deduction_cap, &r->pay) != 0)
		return pbr_error(EX_DATAERR, "pooled payment of %d overflows", r->year);
	if (pbr_true_up(r->pay.total, r->previously_paid, s->pay.total, &r->true_up) != 0)
		return pbr_error(EX_DATAERR, "true-up of %d overflows", r->year);
	return 0;
}

/* ---- the monitor (docs/STATEMENT.md): oversight, no money ---------------- */

const char *const pbr_threshold_names[PBR_NTHRESHOLDS] = {
	"needs_mix_drift_ppm", "risk_drift_ppm", "easy_cases_share_ppm",
};

static int load_thresholds(PGconn *conn, struct pbr_monitor *m)
{
	PGresult *res = pbr_db_query(conn, "reading monitor thresholds",
		"SELECT name, value_ppm FROM pbr.monitor_threshold", 0, NULL);

	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (int t = 0; t < PBR_NTHRESHOLDS; t++) {
		bool found = false;

		for (int i = 0; i < PQntuples(res); i++)
			if (strcmp(PQgetvalue(res, i, 0), pbr_threshold_names[t]) == 0) {
				m->threshold[t] = int_value(res, i, 1);
				found = true;
			}
		if (!found) {
			PQclear(res);
			return pbr_error(EX_DATAERR, "pbr.monitor_threshold has no %s",
					 pbr_threshold_names[t]);
		}
	}
	PQclear(res);
	return 0;
}

/* The baseline: the contract's statements in force for P-1..P-4, or the
 * ones a statement recorded (ledger.c reads them; band members come out
 * of the stored XML), summed. */
static int load_baseline(PGconn *conn, const struct pbr_statement *s,
			 int period, const char *basis, struct pbr_monitor *m,
			 int64_t band[PBR_NBANDS], int64_t *members,
			 int64_t *W, int64_t *Eb)
{
	struct pbr_ledger_baseline rows[4];
	int n = 0, rc = pbr_ledger_baseline(conn, s->contract_id, period, basis, rows, &n);

	for (int i = 0; i < n && rc == 0; i++) {
		size_t len = strlen(m->statements);

		snprintf(m->statements + len, sizeof m->statements - len, "%s%s",
			 len ? "," : "", rows[i].statement_id);
		if (__builtin_add_overflow(*members, rows[i].members, members) ||
		    __builtin_add_overflow(*W, rows[i].W, W) ||
		    __builtin_add_overflow(*Eb, rows[i].Eb, Eb)) {
			rc = pbr_error(EX_DATAERR, "monitor baseline of %s overflows", s->contract_id);
			break;
		}
		for (int b = 0; b < PBR_NBANDS; b++)
			band[b] += rows[i].band[b];
		m->cohorts++;
	}
	if (rc == 0 && basis) {
		int want = basis[0] != '\0';

		for (const char *c = basis; *c; c++)
			want += *c == ',';
		if (want != m->cohorts)
			rc = pbr_error(EX_DATAERR, "monitor baseline '%s' names statements not in the ledger",
				       basis);
	}
	return rc;
}

static int monitor(PGconn *conn, int period, const struct pbr_settle_opts *opts,
		   struct pbr_statement *s)
{
	struct pbr_monitor *m = &s->monitor;
	struct pbr_monitor_baseline base;
	int rc;

	memset(m, 0, sizeof *m);
	memset(&base, 0, sizeof base);
	if (opts->monitor_thresholds)
		memcpy(m->threshold, opts->monitor_thresholds, sizeof m->threshold);
	else if ((rc = load_thresholds(conn, m)) != 0)
		return rc;
	rc = load_baseline(conn, s, period, opts->monitor_basis, m, base.band_members,
			   &base.members, &base.W, &base.Eb);
	if (rc != 0)
		return rc;
	pbr_monitor_compute(&s->sums, s->members, s->bands, &base, m);
	return 0;
}

static int apply_override(struct pbr_statement *s, const struct pbr_tariff_def *o,
			  struct pbr_needs *needs)
{
	s->tariff.terms = o->terms;
	free(s->tariff.version);
	s->tariff.version = strdup(o->version);
	if (s->tariff.version == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	s->tariff.n_uplifts = o->n_uplifts;
	memcpy(s->tariff.uplifts, o->uplifts, sizeof s->tariff.uplifts);
	for (size_t i = 0; i < needs->count; i++) {
		needs->uplift_bp[i] = 0;
		for (size_t j = 0; j < o->n_uplifts; j++)
			if (strcmp(needs->code[i], o->uplifts[j].need) == 0)
				needs->uplift_bp[i] = o->uplifts[j].bp;
	}
	return 0;
}

/* The contract, tariff, needs table and areas of the statement; the draft
 * tariff of simulate in place of the one in force; the tariff's limits. */
static int load_inputs(PGconn *conn, const struct pbr_settle_opts *opts,
		       struct pbr_statement *s, struct pbr_needs *needs)
{
	int rc;

	if ((rc = load_contract(conn, s->cohort, s)) != 0 ||
	    (rc = check_overlap(conn, s->cohort, s)) != 0 ||
	    (rc = load_tariff(conn, s->cohort, s)) != 0 ||
	    (rc = load_needs(conn, s, needs)) != 0 ||
	    (rc = load_areas(conn, s)) != 0 ||
	    (!opts->quiet && (rc = warn_malformed(conn, s)) != 0))
		return rc;
	if (opts->tariff_override &&
	    (rc = apply_override(s, opts->tariff_override, needs)) != 0)
		return rc;
	return tariff_ok(s);
}

/* rows -> validate -> accumulate: the cohort streamed (or its aggregates
 * read, verify as the regulator) into the statement's counts and sums. */
static int read_cohort(PGconn *conn, int cohort, const struct pbr_settle_opts *opts,
		       struct pbr_needs *needs, struct pbr_statement *s)
{
	struct pbr_rules rules;
	struct pbr_cohort_result res;
	const char **codes = calloc(s->n_areas + 1, sizeof *codes);
	int rc;

	memset(&res, 0, sizeof res);
	res.area = calloc(s->n_areas + 1, sizeof *res.area);
	if (codes == NULL || res.area == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < s->n_areas; i++)
		codes[i] = s->areas[i].code;
	rules.cohort_quarter = cohort;
	rules.needs = needs;
	rules.pcc_count = s->n_areas;
	rules.pcc_codes = codes;
	rules.max_weight_bp = s->tariff.terms.max_weight_bp;
	if (opts->read_cohort)
		rc = opts->read_cohort(conn, s, &rules, opts->read_cohort_arg, &res);
	else
		rc = pbr_cohort_read(conn, s->cpa_code, &rules, opts->annex,
				     opts->annex_name, &res);
	if (rc != 0 || (rc = check_rows(s, &res, opts->over_limit)) != 0)
		goto cleanup;
	memcpy(s->input_digest, res.input_digest, sizeof s->input_digest);
	memcpy(s->annex_digest, res.annex_digest, sizeof s->annex_digest);
	s->members = res.count[PBR_ACCEPTED];
	s->rejected = res.rejected;
	memcpy(s->rejects, res.count, sizeof s->rejects);
	s->sums = res.total;
	memcpy(s->bands, res.band, sizeof s->bands);
	for (size_t i = 0; i < s->n_areas; i++)
		s->areas[i].sums = res.area[i];
cleanup:
	free(codes);
	free(res.area);
	return rc;
}

/* What the period is worth and what is paid (SPEC 6, 7, 11.3): T, the
 * advance netted by an original, a Q4 cohort's true-up, the amount due. */
static int period_and_amount_due(PGconn *conn, int cohort,
				 const struct pbr_settle_opts *opts,
				 struct pbr_statement *s)
{
	struct pbr_year_terms terms;
	int rc;

	s->period_due = s->pay.total;
	/* SPEC 11.3: an original nets the cohort's three monthly advances */
	if ((rc = pbr_year_terms_load(conn, s->contract_id, cohort / 4, &terms)) != 0)
		return rc;
	if (terms.present &&
	    pbr_fee_advance_netted(terms.advance_pence_per_month, &s->advance_netted) != 0)
		return pbr_error(EX_DATAERR, "AdvanceNettedPence of contract %s overflows",
				 s->contract_id);
	if (pbr_is_q4(cohort)) {
		rc = reconcile(conn, cohort, opts->recon_basis, terms.present, s);
		if (rc != 0)
			return rc;
		if (__builtin_add_overflow(s->period_due, s->recon.true_up, &s->period_due))
			return pbr_error(EX_DATAERR, "period due of contract %s overflows",
					 s->contract_id);
	}
	if (pbr_amount_due(s->period_due, false, 0, s->advance_netted, &s->amount_due) != 0)
		return pbr_error(EX_DATAERR, "amount due of contract %s overflows", s->contract_id);
	return 0;
}

int pbr_settle(PGconn *conn, const char *contract_id, int period,
	       const struct pbr_settle_opts *opts, struct pbr_statement *s)
{
	struct pbr_needs needs;
	int cohort = pbr_cohort_of_period(period), rc;

	memset(&needs, 0, sizeof needs);
	pbr_quarter_format(period, s->period);
	pbr_quarter_format(cohort, s->cohort);
	s->contract_id = strdup(contract_id);
	if (s->contract_id == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	if ((rc = load_inputs(conn, opts, s, &needs)) != 0 ||
	    (rc = read_cohort(conn, cohort, opts, &needs, s)) != 0)
		return rc;
	if (pbr_price(&s->tariff.terms, &s->sums, s->tariff.terms.cohort_cap_pence, &s->pay) != 0)
		return pbr_error(EX_DATAERR, "payment of contract %s overflows", contract_id);
	if ((rc = attribute(s)) != 0 ||
	    (rc = monitor(conn, period, opts, s)) != 0)
		return rc;
	return period_and_amount_due(conn, cohort, opts, s);
}

int pbr_select_contracts(PGconn *conn, int period, char *const *given,
			 size_t ngiven, char ***ids, size_t *n)
{
	char q[8];

	pbr_quarter_format(pbr_cohort_of_period(period), q);
	return pbr_db_select_ids(conn, given, ngiven, "listing contracts",
		"SELECT id FROM pbr.contract WHERE first_cohort <= $1 AND last_cohort >= $1"
		" ORDER BY id COLLATE \"C\"", q, ids, n);
}
