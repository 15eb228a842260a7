/*
 * settle.h - computes one contract's statement for one period from the
 * database: contract, tariff in force, needs, PCC areas, the cohort rows
 * (streamed), payments, attribution and the annual reconciliation.  Used
 * by run, verify and simulate alike, so that all three compute the same.
 */
#ifndef PBR_SETTLE_H
#define PBR_SETTLE_H

#include "cohort.h"
#include "statement.h"

#include <libpq-fe.h>
#include <stdio.h>

struct pbr_settle_opts {
	FILE *annex;               /* where the annex goes, or NULL */
	const char *annex_name;    /* for messages */
	/* The statements to pool in an annual reconciliation: NULL for the
	 * statements in force now, else "ID,ID,ID" as a ledger row recorded. */
	const char *recon_basis;
	/* A draft tariff instead of the one in force (simulate), or NULL. */
	const struct pbr_tariff_def *tariff_override;
	/* Leave out warnings meant for the person settling (verify). */
	bool quiet;
	/* The monitor's baseline and thresholds as a statement recorded them
	 * (verify); NULL for the statements in force and the thresholds now. */
	const char *monitor_basis;
	const int64_t *monitor_thresholds;
	/* Reads the cohort in place of the COPY stream of cohort.c (verify
	 * as a login that reads no offender row: aggregates.c), or NULL. */
	int (*read_cohort)(PGconn *conn, const struct pbr_statement *s,
			   const struct pbr_rules *rules, void *arg,
			   struct pbr_cohort_result *out);
	void *read_cohort_arg;
	/* When not NULL, rejects over max_reject_ppm do not fail: *over_limit
	 * says so, and the caller fails after writing (a dry run's draft and
	 * annex are written so that the rows at fault can be seen, SPEC 7). */
	bool *over_limit;
};

/* Fills *s (zeroed by the caller) for contract_id and settlement period
 * `period` (a quarter index).  Identity fields (statement id, kind, run id,
 * created at, amount due) are left for the caller.  Returns 0, or a
 * sysexits code after printing one line. */
int pbr_settle(PGconn *conn, const char *contract_id, int period,
	       const struct pbr_settle_opts *opts, struct pbr_statement *s);

/* The contracts to settle for a period: the given ones (sorted bytewise,
 * duplicates dropped), or when none are given every contract covering
 * cohort period-7, sorted bytewise.  *n may be 0; free with pbr_free_ids
 * (db.h).  Returns 0 or a sysexits code. */
int pbr_select_contracts(PGconn *conn, int period, char *const *given,
			 size_t ngiven, char ***ids, size_t *n);

#endif
