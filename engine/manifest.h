/*
 * manifest.h - the run manifest (SPEC 7): <period>-run.xml beside the
 * statements a run issued or reissued, in the manner of an ISO 20022
 * camt.053 group header: count, control sum of AmountDuePence, and per
 * statement its id, kind, PeriodDuePence, AmountDuePence and SHA-256;
 * plus the count of unassigned rows.  schemas/manifest.xsd.
 */
#ifndef PBR_MANIFEST_H
#define PBR_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pbr_manifest_entry {
	const char *statement_id;
	const char *contract;
	bool restatement;
	int64_t run_id;             /* the run that issued the statement */
	const char *created_at;     /* its CreatedAt */
	int64_t period_due, amount_due;
	const char *sha256;         /* hex SHA-256 of the statement file */
};

struct pbr_manifest {
	const char *period;         /* "2025Q4", or a month "2026-05" */
	/* NULL for PbR statements (no element: manifests of PbR runs keep
	 * their bytes); "MONTHLY" for a run --month (SPEC 11.4) */
	const char *statement_type;
	size_t n;
	const struct pbr_manifest_entry *e;
	int64_t unassigned;
};

/* The control sum of the entries' AmountDuePence.  Returns 0, or -1 when
 * it does not fit int64. */
int pbr_manifest_ctrl_sum(const struct pbr_manifest *m, int64_t *sum);

/* Writes the unsigned manifest into a malloc'd buffer.  RunId and CreDtTm
 * are those of the latest statement listed (the run that issued it), so
 * that a re-run that only reissues writes the same bytes.  Returns 0, or
 * a sysexits code after one line. */
int pbr_manifest_xml(const struct pbr_manifest *m, char **out, size_t *len);

#endif
