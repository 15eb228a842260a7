/*
 * ledger.h - the one ledger of SPEC 7 and 11.4 (pbr.settlement and its
 * view pbr.statement_in_force), and the only code that reads or writes
 * it: the advisory locks, the statement in force, the policy that says
 * whether a run reissues, refuses or restates it, the rows a run records,
 * the note that a restatement leaves a reconciliation in force built on
 * what it superseded, the statements a reconciliation pools; and the
 * reads of verify (a statement's row, what it superseded, what superseded
 * it), history (the listing) and report (the statements in force of a
 * contract year or of a CPA's periods), and the statements a calculation
 * reads besides (the monitor's baseline, the year's December statement).
 * PbR and monthly statements alike.
 */
#ifndef PBR_LEDGER_H
#define PBR_LEDGER_H

#include "monthly.h"
#include "statement.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The statement in force for (contract, period or month), when there is
 * one.  tariff_version and recon_basis are "" for a monthly statement
 * (it reads no tariff and no other statement), members and rejected 0. */
struct pbr_in_force {
	bool present;
	char statement_id[PBR_ID_MAX];
	int seq;
	char input_digest[65], annex_digest[65];
	char *tariff_version, *recon_basis, *xml;
	int64_t total, period_due, amount_due, members, rejected, run_id;
	char created_at[32];
};

/* What a run computed now, to compare with the statement in force
 * (SPEC 7: inputs are unchanged when the input digest, the tariff version
 * and every statement the calculation read are the same). */
struct pbr_ledger_now {
	const char *what;            /* "period" or "month", for messages */
	const char *contract, *period;
	const char *input_digest, *annex_digest;
	const char *tariff_version;  /* "" for a monthly statement */
	const char *recon_basis;     /* the statements read, "" for none */
	bool has_counts;             /* members and rejected mean something */
	int64_t members, rejected;
};

enum pbr_ledger_action {
	PBR_LEDGER_ISSUE,      /* nothing in force: an original (or its draft) */
	PBR_LEDGER_REISSUE,    /* inputs unchanged: the recorded bytes again */
	PBR_LEDGER_RESTATE     /* a restatement (or a draft shaped as one) */
};

/* The advisory lock of (contract, period) for a PbR period ('pbr-settle:'
 * key space) or, with monthly, of (contract, month index)
 * ('pbr-settle-month:'); waits, or with no_wait exits 75 when another
 * session holds it.  Returns 0 or a sysexits code. */
int pbr_ledger_lock(PGconn *conn, bool monthly, const char *contract,
		    int period, bool no_wait);

/* Reads the statement in force of type "PBR" or "MONTHLY" into *f
 * (zeroed first; free with pbr_in_force_free).  A ledger figure that does
 * not parse is an internal error (70).  Returns 0 or a sysexits code. */
int pbr_ledger_in_force(PGconn *conn, const char *type, const char *contract,
			const char *period, struct pbr_in_force *f);
void pbr_in_force_free(struct pbr_in_force *f);

/* True when f is present and now's inputs are those it was computed from. */
bool pbr_ledger_unchanged(const struct pbr_in_force *f,
			  const struct pbr_ledger_now *now);

/* SPEC 7's policy: unchanged inputs reissue (the annex must then be the
 * recorded one, else 70; with --restate a note says there is nothing to
 * restate); changed inputs are refused (65, naming what changed) unless
 * restate; a dry run never reissues.  Returns 0 with *act set, or a
 * sysexits code after one line. */
int pbr_ledger_decide(const struct pbr_in_force *f,
		      const struct pbr_ledger_now *now, bool dry_run,
		      bool restate, enum pbr_ledger_action *act);

/* Records a PbR statement (seq, its bytes and their SHA-256) and, for a
 * restatement of a Q1-Q3 cohort, notes the year's reconciliation in force
 * that pooled what it superseded.  Returns 0 or a sysexits code. */
int pbr_ledger_record_pbr(PGconn *conn, const struct pbr_statement *s,
			  int seq, const char *xml, const char *digest);

/* The same for a monthly statement; a December restatement notes the PbR
 * annual reconciliation capped with the superseded December statement. */
int pbr_ledger_record_monthly(PGconn *conn, const struct pbr_monthly *m,
			      int seq, const char *xml, const char *digest);

/* A PbR statement pooled by the annual reconciliation (SPEC 6): its id,
 * its cohort sums and what it paid (TotalPence).  V is not a ledger
 * column: it is read from the statement the ledger holds, exactly as
 * issued; has_variance is false for a statement issued before SPEC 5a. */
struct pbr_pooled {
	char statement_id[PBR_ID_MAX];
	struct pbr_sums sums;
	bool has_variance;
	int64_t total;
};

/* Reads the statement of (contract, period) in force, or with by_id the one
 * recorded under that id (a reconciliation's recorded basis), into *p;
 * *found is false when there is none.  A ledger figure that does not parse
 * is an internal error (70).  Returns 0 or a sysexits code. */
int pbr_ledger_pooled(PGconn *conn, const char *contract, const char *period,
		      const char *by_id, struct pbr_pooled *p, bool *found);

/* ---- reads for verify, history and report ------------------------------- */

/* The ledger row of a recorded statement as verify checks it: the
 * SHA-256 of the bytes recorded and the statements its calculation read
 * (recon_basis, "" for none; free with pbr_ledger_row_free). */
struct pbr_ledger_row {
	bool present;
	char statement_digest[65];
	char *recon_basis;
};

/* Reads the row of statement_id into *r (zeroed first); r->present is
 * false when no statement of that id is recorded (or this login may not
 * see it).  Returns 0 or a sysexits code. */
int pbr_ledger_read_row(PGconn *conn, const char *statement_id,
			struct pbr_ledger_row *r);
void pbr_ledger_row_free(struct pbr_ledger_row *r);

/* What a recorded statement paid, as a restatement of it reads it
 * (SPEC 7): its PeriodDuePence and TotalPence. */
struct pbr_ledger_paid {
	bool present;
	int64_t period_due, total;
};

/* Reads what statement_id paid into *p (zeroed first); p->present is
 * false when it is not recorded.  A figure that does not parse is an
 * internal error (70).  Returns 0 or a sysexits code. */
int pbr_ledger_read_paid(PGconn *conn, const char *statement_id,
			 struct pbr_ledger_paid *p);

/* The statement that superseded another (SPEC 10): its id, when it was
 * recorded (UTC, xsd:dateTime), the reason as recorded (it may hold line
 * breaks), and the statement in force now for the (contract, period)
 * ("" when none). */
struct pbr_ledger_successor {
	bool present;
	char id[PBR_ID_MAX], in_force[PBR_ID_MAX], when[32];
	char reason[512];
};

/* Reads the statement that supersedes statement_id of (contract,
 * period) into *s (zeroed first); s->present is false when none does,
 * i.e. it is in force.  Returns 0 or a sysexits code. */
int pbr_ledger_read_successor(PGconn *conn, const char *statement_id,
			      const char *contract, const char *period,
			      struct pbr_ledger_successor *s);

/* The columns of one row of the ledger listing (history), each the text
 * the database gives: numbers in decimal, created_at as xsd:dateTime in
 * UTC, status IN_FORCE or SUPERSEDED, reason "" for none. */
enum pbr_ledger_listing_col {
	PBR_LL_RUN_ID, PBR_LL_CONTRACT, PBR_LL_PERIOD, PBR_LL_COHORT, PBR_LL_SEQ,
	PBR_LL_KIND, PBR_LL_STATUS, PBR_LL_TOTAL_PENCE, PBR_LL_AMOUNT_DUE_PENCE,
	PBR_LL_INPUT_DIGEST, PBR_LL_STATEMENT_DIGEST, PBR_LL_CREATED_AT,
	PBR_LL_STATEMENT_ID, PBR_LL_OPERATOR, PBR_LL_REASON, PBR_LL_NCOLS
};

/* Called once per row; a non-zero return stops the listing and is
 * returned. */
typedef int (*pbr_ledger_listing_fn)(void *arg,
				     const char *const col[PBR_LL_NCOLS]);

/* Every statement recorded, in force or superseded, PbR and monthly, of
 * contract (NULL: every contract) and period or month (NULL: every
 * one), in (contract bytewise, period, seq) order, each passed to fn.
 * Returns 0, fn's non-zero, or a sysexits code. */
int pbr_ledger_each_listed(PGconn *conn, const char *contract,
			   const char *period, pbr_ledger_listing_fn fn,
			   void *arg);

/* A statement in force as the ledger holds it: its type ("PBR" or
 * "MONTHLY"), period (YYYYQn or YYYY-MM), cohort quarter ("" for a
 * monthly statement) and the recorded XML, len bytes. */
struct pbr_ledger_doc {
	const char *statement_id, *type, *period, *cohort, *xml;
	size_t len;
	/* the sum of AmountDue along the statement's chain (original and
	 * restatements, SPEC 7): what its period has paid; "" where not read */
	const char *chain_due;
};

/* Called once per statement; a non-zero return stops and is returned. */
typedef int (*pbr_ledger_doc_fn)(void *arg, const struct pbr_ledger_doc *d);

/* The statements in force of contract for a contract year (year: four
 * digits; SPEC 11.6): its months year-01..year-12 and its PbR cohorts
 * yearQ1..yearQ4, in period order (bytewise), each passed to fn with its
 * chain_due.
 * Returns 0, fn's non-zero, or a sysexits code. */
int pbr_ledger_each_in_force_year(PGconn *conn, const char *contract,
				  const char *year, pbr_ledger_doc_fn fn,
				  void *arg);

/* The PbR statements in force of every contract of CPA cpa for the
 * periods from..to (YYYYQn, inclusive), in (period, contract bytewise)
 * order, each passed to fn.  Returns 0, fn's non-zero, or a sysexits
 * code. */
int pbr_ledger_each_in_force_cpa(PGconn *conn, const char *cpa,
				 const char *from, const char *to,
				 pbr_ledger_doc_fn fn, void *arg);

/* ---- reads for run and verify's recomputation ------------------------------ */

/* One statement of the monitor's baseline: its id, members, W and Eb,
 * and the members of each needs band as its stored XML states them; a
 * figure the ledger does not hold (or that does not parse) is 0. */
struct pbr_ledger_baseline {
	char statement_id[PBR_ID_MAX];
	int64_t members, W, Eb, band[PBR_NBANDS];
};

/* The monitor's baseline of contract for period: its PbR statements in
 * force for period-1..period-4, or, with basis (ids joined by ','), the
 * ones recorded under those ids; newest period first, at most four, into
 * rows, *n of them.  Returns 0 or a sysexits code. */
int pbr_ledger_baseline(PGconn *conn, const char *contract, int period,
			const char *basis, struct pbr_ledger_baseline rows[4],
			int *n);

/* The year's December monthly statement (SPEC 6, 11.3): the one in
 * force, or by_id (a statement a PbR reconciliation recorded), into
 * t->december_id, ffs_year, map and pbr_pot.  None: exit 65 naming it,
 * and what to run first.  Returns 0 or a sysexits code. */
int pbr_ledger_december(PGconn *conn, const char *contract_id, int year,
			const char *by_id, struct pbr_year_terms *t);

#endif
