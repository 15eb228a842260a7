/*
 * unassigned.h - rows nobody's cohort holds (SPEC 2): rows of the settled
 * CPAs whose cohort_quarter is malformed, listed in <period>-unassigned.csv
 * and counted in the run manifest, so that no row of the table is
 * invisible.  They are part of no statement.
 */
#ifndef PBR_UNASSIGNED_H
#define PBR_UNASSIGNED_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>

/* The header line of the file. */
#define PBR_UNASSIGNED_HEADER \
	"cpa_code,cohort_quarter,offender_ref,pcc_code,start_date,outcome_status"

/* Writes the header and every malformed-quarter row of the n CPAs (each
 * once, in bytewise order of cpa, offender_ref, cohort_quarter, then the
 * whole line) to f, and counts them in *count.  Reads in the caller's
 * transaction.  Returns 0 or a sysexits code after one line. */
int pbr_unassigned_write(PGconn *conn, char *const *cpas, size_t n, FILE *f,
			 const char *name, int64_t *count);

#endif
