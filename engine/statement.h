/*
 * statement.h - everything a settlement statement says, and its XML form
 * (docs/STATEMENT.md, schemas/statement.xsd), written with xmlTextWriter.
 */
#ifndef PBR_STATEMENT_H
#define PBR_STATEMENT_H

#include "core.h"

#define PBR_ID_MAX 64

struct pbr_area {
	char code[PBR_CODE_MAX + 1];
	char *name;
	struct pbr_sums sums;
	int64_t binary, frequency, deduction, total;   /* attributed pence */
};

struct pbr_uplift {
	char need[PBR_CODE_MAX + 1];
	int64_t bp;
};

/* A tariff whole: what pbr.tariff and pbr.tariff_need_uplift hold for one
 * version, and what a draft-tariff file holds (tariff_file.c).  A statement
 * carries the one it was settled under; simulate reads one from a file and
 * settles under it in place of the one in force. */
struct pbr_tariff_def {
	char *version, *description;
	struct pbr_tariff terms;             /* prices, hurdle, caps, limits (core.h) */
	size_t n_uplifts;
	struct pbr_uplift uplifts[PBR_MAX_NEEDS];   /* sorted by need code, bytewise */
};

struct pbr_recon {
	bool present;
	int year;
	int cohorts;                  /* k */
	struct pbr_sums sums;         /* pooled */
	struct pbr_payment pay;       /* under cap k * cohort cap */
	int64_t cap;
	int64_t deduction_cap;        /* k * deduction cap (SPEC 5a) */
	int64_t previously_paid;      /* T of the Q1-Q3 statements in force */
	int64_t true_up;
	char basis[4 * (PBR_ID_MAX + 1)];   /* the statements pooled, "A,B,C",
					     * then the December statement read */
	/* SPEC 6 and 11: with contract terms for the year, the cap is
	 * min(k * cohort cap, PbrPotPence of the December statement) */
	bool has_terms;
	int64_t ffs_year, map, pbr_pot;
};

#define PBR_NFLAGS 3
#define PBR_NTHRESHOLDS 3

/* The parking and cherry-picking monitor (docs/STATEMENT.md): no money. */
struct pbr_monitor {
	int64_t rate_ppm, ci_low_ppm, ci_high_ppm;
	int cohorts;                              /* baseline cohorts, 0..4 */
	char statements[4 * (PBR_ID_MAX + 1)];    /* "ID,ID" */
	int64_t share_current[PBR_NBANDS], share_baseline[PBR_NBANDS];
	int64_t risk_current, risk_baseline;
	int64_t threshold[PBR_NTHRESHOLDS];       /* mix, risk, easy cases */
	int nflags;
	const char *flag[PBR_NFLAGS];
	char flag_text[PBR_NFLAGS][200];
};

extern const char *const pbr_threshold_names[PBR_NTHRESHOLDS];

struct pbr_statement {
	/* header */
	char statement_id[PBR_ID_MAX];
	bool draft;
	bool restatement;
	char supersedes[PBR_ID_MAX];
	char *reason;
	char period[8], cohort[8];
	char *provider_id, *provider_name;
	char *contract_id, *cpa_code;
	int first_quarter, last_quarter;     /* the contract's cohort range */
	struct pbr_tariff_def tariff;        /* the tariff in force (or simulate's draft) */
	char input_digest[65], annex_digest[65];
	int64_t run_id;
	char created_at[32];
	/* cohort */
	int64_t members, rejected;
	int64_t rejects[PBR_NSTATUS];
	struct pbr_sums sums;
	struct pbr_payment pay;
	size_t n_areas;
	struct pbr_area *areas;
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_recon recon;
	struct pbr_monitor monitor;
	/* summary */
	int64_t period_due, amount_due;
	int64_t advance_netted;              /* AdvanceNettedPence (SPEC 11.3) */
	bool has_previous_total;
	int64_t previous_total;
	int64_t previous_period_due;
};

/* Frees what the statement owns (strings, areas) and zeroes it. */
void pbr_statement_free(struct pbr_statement *s);

/* Writes the unsigned XML into a malloc'd buffer.  Returns 0 or -1. */
int pbr_statement_xml(const struct pbr_statement *s, char **out, size_t *len);

#endif
