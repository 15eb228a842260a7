/*
 * ledger.h - the one ledger of SPEC 7 and 11.4 (pbr.settlement), as runs
 * use it: the advisory locks, the statement in force, the policy that
 * says whether a run reissues, refuses or restates it, the rows a run
 * records, and the note that a restatement leaves a reconciliation in
 * force built on what it superseded.  PbR and monthly runs share it.
 */
#ifndef PBR_LEDGER_H
#define PBR_LEDGER_H

#include "monthly.h"
#include "statement.h"

#include <libpq-fe.h>
#include <stdbool.h>
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

#endif
