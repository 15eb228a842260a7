/*
 * monthly.h - one contract's monthly fee-for-service statement (SPEC 11):
 * reads the contract year's terms and the month's returns (all twelve
 * months' volumes in December), validates them (SPEC 11.2), computes the
 * figures with the pure core (fee.c), writes the annex and the
 * MonthlyStatement XML (schemas/monthly.xsd).  Used by run --month and
 * by verify, so that both compute the same.
 */
#ifndef PBR_MONTHLY_H
#define PBR_MONTHLY_H

#include "fee.h"

#include <libpq-fe.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PBR_MONTHLY_ID_MAX 64

struct pbr_band_line {
	char *code;
	int64_t weight_milli;
	bool returned;          /* the month has a row for this band */
	int64_t cases;          /* 0 when not returned */
	int64_t volume_milli;   /* cases * weight_milli */
};

struct pbr_kpi_line {
	char *code;
	int64_t target_ppm, credit_pence;
	bool reported;
	int64_t numerator, denominator;
	bool has_waiver;        /* a waiver row exists (shown even when MET) */
	char *waiver_reason, *waiver_approved_by;
	enum pbr_kpi_status status;
	int64_t accrued;        /* credit_pence when BREACHED/NOT_REPORTED */
};

struct pbr_monthly {
	/* header */
	char statement_id[PBR_MONTHLY_ID_MAX];
	bool draft, restatement;
	char supersedes[PBR_MONTHLY_ID_MAX];
	char *reason;
	int month;                       /* month index, year*12 + m-1 */
	char month_text[8];
	int year, month_number;          /* 1..12 */
	char *provider_id, *provider_name, *contract_id, *cpa_code;
	struct pbr_fee_terms terms;
	size_t n_bands, n_kpis;
	struct pbr_band_line *bands;     /* band code order */
	struct pbr_kpi_line *kpis;       /* KPI code order */
	char input_digest[65], annex_digest[65];
	int64_t run_id;
	char created_at[32];
	/* figures */
	int64_t discount, discounted, ffs;
	int64_t month_volume_milli;
	struct pbr_credits credits;
	int64_t advance;
	bool december;
	struct pbr_volume_recon recon;   /* December only */
	int64_t period_due, amount_due;
	bool has_previous;
	int64_t previous_period_due;
	/* the annex (CSV), whose SHA-256 is annex_digest */
	char *annex;
	size_t annex_len;
};

/* Computes contract_id's statement for month (an index).  Identity fields
 * (statement id, kind, run id, created at) are left for the caller;
 * amount_due = period_due.  Returns 0, or a sysexits code after one line
 * (EX_DATAERR for a fault of 11.2, naming contract, month and fault). */
int pbr_monthly_compute(PGconn *conn, const char *contract_id, int month,
			struct pbr_monthly *m);

/* The unsigned XML, malloc'd.  Returns 0 or -1. */
int pbr_monthly_xml(const struct pbr_monthly *m, char **out, size_t *len);

void pbr_monthly_free(struct pbr_monthly *m);

/* The contracts billed for month: the given ones (sorted, duplicates
 * dropped), or every contract with a contract_year row for its year.
 * Returns 0 or a sysexits code. */
int pbr_monthly_contracts(PGconn *conn, int month, char *const *given,
			  size_t ngiven, char ***ids, size_t *n);

/* verify: recomputes the MonthlyStatement doc from the database, with
 * its identity (id, status, kind, run id, created at, reason) taken from
 * the file and the superseded statement's PeriodDuePence from the ledger
 * (has_superseded false when the ledger has none).  *xml is malloc'd.
 * Returns 0 or a sysexits code. */
int pbr_monthly_rebuild(PGconn *conn, xmlDocPtr doc, bool has_superseded,
			int64_t superseded_period_due, char **xml, size_t *len);

/* True when doc's root element is a MonthlyStatement. */
bool pbr_is_monthly(xmlDocPtr doc);

/* ---- what a PbR statement takes from the contract year (SPEC 6, 11.3) -- */

struct pbr_year_terms {
	bool present;                   /* a contract_year row for the year */
	int64_t advance_pence_per_month;
	/* the December monthly statement (ledger.h pbr_ledger_december) */
	char december_id[PBR_MONTHLY_ID_MAX];
	int64_t ffs_year, map, pbr_pot;
};

/* Reads contract_id's contract_year row for year, if any, into *t
 * (zeroed first).  Returns 0 or a sysexits code. */
int pbr_year_terms_load(PGconn *conn, const char *contract_id, int year,
			struct pbr_year_terms *t);

/* True when id is a December monthly statement id of year
 * (<contract>-<year>-12-<seq>). */
bool pbr_is_december_id(const char *id, int year);

#endif
