/*
 * cmd_run.c - pbr-settle run --period P: the PbR statements of SPEC 3-8,
 * settling cohort P-7 of every contract that holds it (or the --contract
 * ones).  The run itself (options, locks, snapshot, --jobs, the ledger
 * policy, files, manifest) is run_driver.c's; this file is the PbR kind's
 * hooks: which contracts, which locks, the figures (settle.c), the
 * statement's identity, its ledger row, the unassigned rows, the table.
 */
#include "commands.h"
#include "core.h"
#include "ledger.h"
#include "progress.h"
#include "run_driver.h"
#include "settle.h"
#include "statement.h"
#include "unassigned.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One contract of a PbR run. */
struct pbr_item {
	struct pbr_run_item it;    /* first: the driver's part */
	struct pbr_statement s;
};

static struct pbr_statement *stmt(struct pbr_run_item *it)
{
	return &((struct pbr_item *)it)->s;
}

static const struct pbr_statement *cstmt(const struct pbr_run_item *it)
{
	return &((const struct pbr_item *)it)->s;
}

/* SPEC 3: a period later than the quarter of today's date (UTC) has not
 * begun; checked first, whether or not a contract covers it. */
static int check_not_begun(const struct pbr_run_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;
	char today[8];
	int current;

	if (gmtime_r(&now, &tm) == NULL)
		return pbr_error(EX_OSERR, "cannot read the clock");
	current = pbr_quarter_of_date(tm.tm_year + 1900, tm.tm_mon + 1);
	if (o->period <= current)
		return 0;
	pbr_quarter_format(current, today);
	return pbr_error(EX_DATAERR,
			 "period %s has not begun (today, UTC, is in %s); nothing written",
			 o->period_text, today);
}

static int select_contracts(PGconn *conn, const struct pbr_run_opts *o,
			    char ***ids, size_t *n)
{
	char cohort[8];
	int rc = pbr_select_contracts(conn, o->period, o->contracts, o->ncontracts,
				      ids, n);

	if (rc != 0 || *n > 0)
		return rc;
	pbr_quarter_format(pbr_cohort_of_period(o->period), cohort);
	pbr_note("no contract covers cohort %s (period %s); nothing to settle",
		 cohort, o->period_text);
	return 0;
}

/* One advisory lock per (contract, period).  A Q4 cohort's run also locks
 * the year's earlier periods: it pools their statements in force, and a
 * restatement of one of them must not slip in between; and the year's
 * December month, whose monthly statement caps the reconciliation
 * (SPEC 11). */
static int lock(PGconn *conn, const struct pbr_run_opts *o, const char *id)
{
	int cohort = pbr_cohort_of_period(o->period);
	int first = pbr_is_q4(cohort) ? o->period - 3 : o->period;
	int rc = 0;

	for (int p = first; p <= o->period && rc == 0; p++)
		rc = pbr_ledger_lock(conn, false, id, p, o->no_wait);
	if (rc == 0 && pbr_is_q4(cohort))
		rc = pbr_ledger_lock(conn, true, id, pbr_december_of_year(cohort),
				     o->no_wait);
	return rc;
}

/* The figures and the annex (streamed to a temporary file).  Reads only;
 * safe in a worker thread on its own connection. */
static int compute(PGconn *conn, const struct pbr_run_opts *o,
		   struct pbr_run_item *it)
{
	struct pbr_statement *s = stmt(it);
	/* quiet: malformed quarters go to the unassigned file */
	struct pbr_settle_opts so = { .quiet = true };
	char name[PBR_ID_MAX + 32];
	int rc;

	snprintf(name, sizeof name, "%s-%s-annex.csv", it->contract, o->period_text);
	rc = pbr_out_open(&it->annex, o->out, name);
	if (rc != 0)
		return rc;
	so.annex = it->annex.f;
	so.annex_name = it->annex.final;
	/* SPEC 7: a dry run writes its draft even over the reject limit */
	so.over_limit = o->dry_run ? &it->over_limit : NULL;
	rc = pbr_settle(conn, it->contract, o->period, &so, s);
	if (rc == 0)
		pbr_progress_contract_done();
	if (rc == 0 && s->members + s->rejected == 0 && !o->allow_empty)
		rc = pbr_error(EX_DATAERR,
			       "cohort %s of contract %s has no rows at all in CPA %s (a missing feed?); nothing written; --allow-empty settles it at zero",
			       s->cohort, it->contract, s->cpa_code);
	if (rc == 0)
		rc = pbr_out_close(&it->annex);
	it->now = (struct pbr_ledger_now){
		.what = "period", .contract = s->contract_id, .period = s->period,
		.input_digest = s->input_digest, .annex_digest = s->annex_digest,
		.tariff_version = s->tariff.version,
		.recon_basis = s->recon.present ? s->recon.basis : "",
		.has_counts = true, .members = s->members, .rejected = s->rejected,
	};
	return rc;
}

/* The statement's identity; a restatement supersedes f (SPEC 7). */
static int shape(const struct pbr_run_opts *o, const struct pbr_in_force *f,
		 int64_t run_id, const char *created_at,
		 struct pbr_run_item *it, char **xml, size_t *len)
{
	struct pbr_statement *s = stmt(it);

	s->run_id = o->dry_run ? 0 : run_id;
	snprintf(s->created_at, sizeof s->created_at, "%s", created_at);
	s->draft = o->dry_run;
	snprintf(s->statement_id, sizeof s->statement_id, "%s", it->statement_id);
	if (f->present) {
		s->restatement = true;
		snprintf(s->supersedes, sizeof s->supersedes, "%s", f->statement_id);
		s->reason = strdup(o->reason ? o->reason : "draft");
		if (s->reason == NULL)
			return pbr_error(EX_OSERR, "out of memory");
		s->has_previous_total = true;
		s->previous_total = f->total;
		s->previous_period_due = f->period_due;
		s->advance_netted = 0;  /* netted once, by the original (SPEC 7) */
		if (pbr_amount_due(s->period_due, true, f->period_due, 0, &s->amount_due) != 0)
			return pbr_error(EX_DATAERR, "AmountDuePence of contract %s period %s overflows",
					 s->contract_id, s->period);
	}
	it->restatement = s->restatement;
	it->period_due = s->period_due;
	it->amount_due = s->amount_due;
	if (pbr_statement_xml(s, xml, len) != 0)
		return pbr_error_oom(EX_SOFTWARE, "cannot write the XML of %s", s->statement_id);
	return 0;
}

static int record(PGconn *conn, struct pbr_run_item *it)
{
	return pbr_ledger_record_pbr(conn, stmt(it), it->seq, it->xml, it->digest);
}

/* SPEC 2: the malformed-quarter rows of the CPAs settled, to a temporary
 * <period>-unassigned.csv (a dry run's: <period>-draft-unassigned.csv). */
static int stage_unassigned(PGconn *conn, const struct pbr_run_opts *o,
			    struct pbr_run_item *const *items, size_t n,
			    struct pbr_run_files *rf)
{
	char name[64];
	char **cpas = calloc(n + 1, sizeof *cpas);
	int rc;

	if (cpas == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < n; i++)
		cpas[i] = stmt(items[i])->cpa_code;
	snprintf(name, sizeof name, "%s%s-unassigned.csv", o->period_text,
		 o->dry_run ? "-draft" : "");
	rc = pbr_out_open(&rf->unassigned, o->out, name);
	rf->has_unassigned = rc == 0;
	if (rc == 0)
		rc = pbr_unassigned_write(conn, cpas, n, rf->unassigned.f,
					  rf->unassigned.final, &rf->unassigned_rows);
	if (rc == 0)
		rc = pbr_out_close(&rf->unassigned);
	free(cpas);
	return rc;
}

static void table(const struct pbr_run_opts *o, struct pbr_run_item *const *items,
		  size_t n)
{
	static const char *const money[] = { "binary", "frequency", "total",
					     "true-up", "amount due" };
	char b[32], f[32], t[32], u[32], a[32], h[5][24];
	int64_t members = 0, rejected = 0;

	for (int i = 0; i < 5; i++)
		snprintf(h[i], sizeof h[i], "%s %s", money[i], pbr_pound());
	printf("%-12s %9s %8s %14s %14s %14s %14s %14s  %s\n", "contract",
	       "members", "rejected", h[0], h[1], h[2], h[3], h[4], "statement");
	for (size_t i = 0; i < n; i++) {
		const struct pbr_statement *s = cstmt(items[i]);

		pbr_format_pounds(s->pay.binary, b, sizeof b);
		pbr_format_pounds(s->pay.frequency, f, sizeof f);
		pbr_format_pounds(s->pay.total, t, sizeof t);
		if (s->recon.present)
			pbr_format_pounds(s->recon.true_up, u, sizeof u);
		else
			snprintf(u, sizeof u, "-");
		pbr_format_pounds(items[i]->amount_due, a, sizeof a);
		printf("%-12s %9" PRId64 " %8" PRId64 " %14s %14s %14s %14s %14s  %s/%s.xml (%s)\n",
		       items[i]->contract, s->members, s->rejected, b, f, t, u, a,
		       o->out, items[i]->statement_id, items[i]->what);
		/* counts cannot overflow */
		members += s->members;
		rejected += s->rejected;
	}
	pbr_format_pounds(pbr_run_total_due(items, n), a, sizeof a);
	printf("%-12s %9" PRId64 " %8" PRId64 " %14s %14s %14s %14s %14s  %zu %s%s\n",
	       "total", members, rejected, "", "", "", "", a, n,
	       o->dry_run ? "draft" : "statement", n == 1 ? "" : "s");
}

/* After the files are in place: the notes and failures a run ends with. */
static int report_end(const struct pbr_run_opts *o,
		      struct pbr_run_item *const *items, size_t n,
		      const struct pbr_run_files *rf)
{
	char counts[512];
	int rc = 0;

	(void)o;
	if (rf->unassigned_rows > 0)
		pbr_note("%" PRId64 " row%s of the settled CPAs %s a malformed cohort_quarter and belong%s to no cohort: listed in %s",
			 rf->unassigned_rows, rf->unassigned_rows == 1 ? "" : "s",
			 rf->unassigned_rows == 1 ? "has" : "have",
			 rf->unassigned_rows == 1 ? "s" : "", rf->unassigned.final);
	for (size_t i = 0; i < n; i++) {
		const struct pbr_statement *s = cstmt(items[i]);

		if (!items[i]->over_limit)
			continue;
		pbr_format_reject_counts(s->rejects, ", ", counts, sizeof counts);
		rc = pbr_error(EX_DATAERR,
			       "%" PRId64 " of %" PRId64 " rows of cohort %s of contract %s rejected, over max_reject_ppm %" PRId64 " (%s); the draft and its annex %s are written so that the rows at fault can be seen",
			       s->rejected, s->rejected + s->members, s->cohort,
			       s->contract_id, s->tariff.terms.max_reject_ppm, counts,
			       items[i]->annex.final);
	}
	return rc;
}

static void free_item(struct pbr_run_item *it)
{
	pbr_statement_free(stmt(it));
}

const struct pbr_run_kind pbr_run_pbr_kind = {
	.type = "PBR",
	.manifest_type = NULL,
	.item_size = sizeof(struct pbr_item),
	.check_date = check_not_begun,
	.select = select_contracts,
	.lock = lock,
	.compute = compute,
	.shape = shape,
	.record = record,
	.stage_extra = stage_unassigned,
	.table = table,
	.end = report_end,
	.free_item = free_item,
	.progress = true,
};

/* run --period and run --month alike: run_driver.c */
int cmd_run(int argc, char **argv)
{
	return pbr_run_main(argc, argv);
}
