/*
 * cohort.h - streams one cohort's rows out of PostgreSQL (COPY TO STDOUT),
 * validates them, accumulates the sums and writes the offender annex and
 * the input digest as it goes.  Memory does not grow with the row count.
 */
#ifndef PBR_COHORT_H
#define PBR_COHORT_H

#include "core.h"

#include <libpq-fe.h>
#include <stdio.h>

struct pbr_cohort_result {
	int64_t rows;                     /* every row of the cohort */
	int64_t count[PBR_NSTATUS];       /* by status; [0] is accepted */
	int64_t rejected;
	int64_t not_final;                /* outcome_status other than 'final' */
	struct pbr_sums total;
	struct pbr_sums *area;            /* rules->pcc_count, caller's array */
	struct pbr_sums band[PBR_NBANDS];
	/* NULL, or pcc_count * PBR_NBANDS sums by area then needs band (the
	 * PCC view's needs bands per area; the caller's array) */
	struct pbr_sums *area_band;
	char input_digest[65];
	char annex_digest[65];
};

/* Streams the rows of cpa_code and rules->cohort_quarter.  Writes the annex
 * to annex when it is not NULL (its digest is computed either way).  The
 * caller zeroes *out and points out->area at pcc_count zeroed sums.
 * Returns 0 or a sysexits code after printing one line. */
int pbr_cohort_read(PGconn *conn, const char *cpa_code,
		    const struct pbr_rules *rules, FILE *annex,
		    const char *annex_name, struct pbr_cohort_result *out);

/* One of the two COPY statements that read a cohort, in offender_ref
 * order: the rows that fit migration 0010's covering index (oversized 0),
 * or the others (oversized 1).  Returns a malloc'd string, or NULL. */
char *pbr_cohort_copy_sql(PGconn *conn, const char *cpa_code,
			  const char *cohort_quarter, int oversized);

#endif
