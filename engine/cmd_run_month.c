/*
 * cmd_run_month.c - pbr-settle run --month YYYY-MM: the monthly
 * fee-for-service statements of SPEC 11, through the machinery of SPEC 7
 * (run_driver.c: locks per (contract, month), one REPEATABLE READ
 * snapshot, --jobs, the one ledger with statement_type MONTHLY, idempotent
 * re-runs, restatements, dry runs, signatures, the run manifest
 * <YYYY-MM>-run.xml).  This file is the monthly kind's hooks: the
 * contracts billed, the figures (monthly.c), the statement's identity,
 * its ledger row, the table.
 */
#include "commands.h"
#include "core.h"
#include "ledger.h"
#include "monthly.h"
#include "run_driver.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One contract of a monthly run. */
struct month_item {
	struct pbr_run_item it;    /* first: the driver's part */
	struct pbr_monthly m;
};

static struct pbr_monthly *mstmt(struct pbr_run_item *it)
{
	return &((struct month_item *)it)->m;
}

static const struct pbr_monthly *cmstmt(const struct pbr_run_item *it)
{
	return &((const struct month_item *)it)->m;
}

/* SPEC 11.2: fees are paid in arrears; a month not yet ended is refused. */
static int check_ended(const struct pbr_run_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;
	int current;

	if (gmtime_r(&now, &tm) == NULL)
		return pbr_error(EX_OSERR, "cannot read the clock");
	current = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	if (o->period >= current)
		return pbr_error(EX_DATAERR,
				 "month %s has not ended (today, UTC, is in %s or before it); fees are paid in arrears; nothing written",
				 o->period_text, o->period_text);
	return 0;
}

static int select_contracts(PGconn *conn, const struct pbr_run_opts *o,
			    char ***ids, size_t *n)
{
	int rc = pbr_monthly_contracts(conn, o->period, o->contracts, o->ncontracts,
				       ids, n);

	if (rc == 0 && *n == 0)
		pbr_note("no contract is billed for %s (no contract_year row for %d); nothing to settle",
			 o->period_text, pbr_month_year(o->period));
	return rc;
}

static int lock(PGconn *conn, const struct pbr_run_opts *o, const char *id)
{
	return pbr_ledger_lock(conn, true, id, o->period, o->no_wait);
}

/* The figures (SPEC 11.2, 11.3) and the annex, to a temporary file.
 * Reads only; safe in a worker thread on its own connection. */
static int compute(PGconn *conn, const struct pbr_run_opts *o,
		   struct pbr_run_item *it)
{
	struct pbr_monthly *m = mstmt(it);
	char name[PBR_ID_MAX + 32];
	int rc = pbr_monthly_compute(conn, it->contract, o->period, m);

	if (rc != 0)
		return rc;
	snprintf(name, sizeof name, "%s-%s-annex.csv", it->contract, o->period_text);
	rc = pbr_out_open(&it->annex, o->out, name);
	if (rc != 0)
		return rc;
	if (fwrite(m->annex, 1, m->annex_len, it->annex.f) != m->annex_len)
		return pbr_error(EX_IOERR, "cannot write %s", it->annex.final);
	/* a monthly statement reads no tariff and no other statement: its
	 * inputs are its returns (SPEC 11.4), the terms being frozen */
	it->now = (struct pbr_ledger_now){
		.what = "month", .contract = m->contract_id, .period = m->month_text,
		.input_digest = m->input_digest, .annex_digest = m->annex_digest,
		.tariff_version = "", .recon_basis = "",
	};
	return pbr_out_close(&it->annex);
}

/* The statement's identity; a restatement supersedes f (SPEC 7, 11.3: its
 * amount due is the difference; there is no advance netting). */
static int shape(const struct pbr_run_opts *o, const struct pbr_in_force *f,
		 int64_t run_id, const char *created_at,
		 struct pbr_run_item *it, char **xml, size_t *len)
{
	struct pbr_monthly *m = mstmt(it);

	m->run_id = o->dry_run ? 0 : run_id;
	snprintf(m->created_at, sizeof m->created_at, "%s", created_at);
	m->draft = o->dry_run;
	snprintf(m->statement_id, sizeof m->statement_id, "%s", it->statement_id);
	if (f->present) {
		m->restatement = true;
		snprintf(m->supersedes, sizeof m->supersedes, "%s", f->statement_id);
		m->reason = strdup(o->reason ? o->reason : "draft");
		if (m->reason == NULL)
			return pbr_error(EX_OSERR, "out of memory");
		m->has_previous = true;
		m->previous_period_due = f->period_due;
		if (pbr_amount_due(m->period_due, true, f->period_due, 0, &m->amount_due) != 0)
			return pbr_error(EX_DATAERR, "AmountDuePence of contract %s month %s overflows",
					 m->contract_id, o->period_text);
	}
	it->restatement = m->restatement;
	it->period_due = m->period_due;
	it->amount_due = m->amount_due;
	if (pbr_monthly_xml(m, xml, len) != 0)
		return pbr_error_oom(EX_SOFTWARE, "cannot write the XML of %s", m->statement_id);
	return 0;
}

static int record(PGconn *conn, struct pbr_run_item *it)
{
	return pbr_ledger_record_monthly(conn, mstmt(it), it->seq, it->xml, it->digest);
}

static void table(const struct pbr_run_opts *o, struct pbr_run_item *const *items,
		  size_t n)
{
	static const char *const money[] = { "fee", "credits", "advance",
					     "adjustment", "period due",
					     "amount due" };
	char f[32], c[32], a[32], j[32], p[32], d[32], h[6][24];
	const char *gbp = pbr_pound();

	for (int i = 0; i < 6; i++)
		snprintf(h[i], sizeof h[i], "%s %s", money[i], gbp);
	printf("%-12s %-7s %12s %12s %12s %14s %14s %14s  %s\n", "contract", "month",
	       h[0], h[1], h[2], h[3], h[4], h[5], "statement");
	for (size_t i = 0; i < n; i++) {
		const struct pbr_monthly *m = cmstmt(items[i]);

		pbr_format_pounds(m->ffs, f, sizeof f);
		pbr_format_pounds(m->credits.credit, c, sizeof c);
		pbr_format_pounds(m->advance, a, sizeof a);
		pbr_format_pounds(m->december ? m->recon.adjustment : 0, j, sizeof j);
		pbr_format_pounds(items[i]->period_due, p, sizeof p);
		pbr_format_pounds(items[i]->amount_due, d, sizeof d);
		printf("%-12s %-7s %12s %12s %12s %14s %14s %14s  %s/%s.xml (%s)\n",
		       items[i]->contract, o->period_text, f, c, a, j, p, d, o->out,
		       items[i]->statement_id, items[i]->what);
	}
	pbr_format_pounds(pbr_run_total_due(items, n), d, sizeof d);
	printf("total: %zu %s%s, amount due %s%s\n", n,
	       o->dry_run ? "draft" : "statement", n == 1 ? "" : "s", gbp, d);
}

static void free_item(struct pbr_run_item *it)
{
	pbr_monthly_free(mstmt(it));
}

const struct pbr_run_kind pbr_run_monthly_kind = {
	.type = "MONTHLY",
	.manifest_type = "MONTHLY",
	.item_size = sizeof(struct month_item),
	.check_date = check_ended,
	.select = select_contracts,
	.lock = lock,
	.compute = compute,
	.shape = shape,
	.record = record,
	.stage_extra = NULL,    /* no cohort rows: none unassigned */
	.table = table,
	.end = NULL,
	.free_item = free_item,
	.progress = false,      /* a few small queries a contract */
};
