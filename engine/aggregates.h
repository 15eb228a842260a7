/*
 * aggregates.h - a cohort read without reading offender rows: the sums,
 * counts and digests that pbr.cohort_aggregates() (migration 0009)
 * computes inside the database for a login that may not read
 * pbr.cohort_member (pbr_regulator, SPEC 10).  verify uses it in place of
 * the COPY stream of cohort.c, and ties the annex beside the statement to
 * the table with the annex figures' digest.
 */
#ifndef PBR_AGGREGATES_H
#define PBR_AGGREGATES_H

#include "cohort.h"
#include "statement.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* What the database said beyond the cohort result. */
struct pbr_aggregates {
	char annex_figures[65];   /* SHA-256 of the annex figures, as defined in 0009 */
};

/* True when this login may read no offender row but may ask the
 * database for the aggregates; false when it reads rows (the COPY path).
 * Returns 0 and sets *use, or a sysexits code after one line. */
int pbr_aggregates_wanted(PGconn *conn, bool *use);

/* Fills *out (zeroed by the caller, out->area pointing at rules->pcc_count
 * zeroed sums) for statement s (contract, cohort, CPA, tariff loaded) from
 * pbr.cohort_aggregates(); the annex digest is left empty.  Returns 0 or
 * a sysexits code after one line.  arg is a struct pbr_aggregates. */
int pbr_aggregates_read(PGconn *conn, const struct pbr_statement *s,
			const struct pbr_rules *rules, void *arg,
			struct pbr_cohort_result *out);

/* The annex figures' digest of an annex file, and its accepted members'
 * sums per PCC code (n, W, Eb, Ab, Ef, Af of each area of s, in s's area
 * order; *outside counts accepted lines of a code that is no area).
 * Also checks every accepted line's y and contributions.  Returns 0, or
 * -1 with why (one line) in msg. */
int pbr_annex_figures(const char *path, const struct pbr_statement *s,
		      char hex[65], struct pbr_sums *area_sums, int64_t *outside,
		      char *msg, size_t msg_size);

#endif
