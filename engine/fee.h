/*
 * fee.h - the pure core of the whole contract (SPEC section 11.2-11.3):
 * months, the discounted annual price and its twelve instalments, KPI
 * status and service credits with their cap, the December volume
 * reconciliation, FfsYear and the PbR pot.
 *
 * Like core.c: no I/O, no allocation, no printing.  Money is int64 pence;
 * every product that can pass 64 bits is taken in 128 bits, and a figure
 * that does not fit its type is an error (-1), never a wrapped value.
 */
#ifndef PBR_FEE_H
#define PBR_FEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PBR_MAX_CASES 1000000LL           /* cases of one band in a month */
#define PBR_MAX_KPI_FIGURE 1000000000000LL /* numerator, denominator: 10^12 */

/* ---- months (YYYY-MM) --------------------------------------------------- */

/* Parses "YYYY-MM" (year 1000..9999, month 01..12) into year*12 + m-1.
 * Returns 0, or -1 when s is not exactly of that form. */
int pbr_month_parse(const char *s, int *out);
/* Writes a month index back as "YYYY-MM" (buf of at least 8 bytes). */
void pbr_month_format(int m, char *buf);
static inline int pbr_month_year(int m) { return m / 12; }
static inline int pbr_month_number(int m) { return m % 12 + 1; }   /* 1..12 */

/* ---- terms (one pbr.contract_year row) ---------------------------------- */

struct pbr_fee_terms {
	int64_t annual_price_pence;       /* A */
	int64_t learning_curve_ppm;
	int64_t predicted_volume_milli;   /* Vp */
	int64_t band_low_ppm;
	int64_t band_high_ppm;
	int64_t adjust_below_ppm;
	int64_t adjust_above_ppm;
	int64_t credit_cap_ppm;
	int64_t advance_pence_per_month;
	int64_t map_pence;
};

/* 0 when every term is inside the ranges of SPEC 11.1 (what the table's
 * checks allow), else -1. */
int pbr_fee_terms_ok(const struct pbr_fee_terms *t);

/* round(a / b) for b > 0 and a of either sign: half up on |a|, and a
 * negative a gives -round(|a| / b) (SPEC 1).  Fails (-1) when the result
 * does not fit int64. */
int pbr_round_signed(__int128 a, __int128 b, int64_t *out);

/* The learning-curve discount round(A * learning_curve_ppm / 10^6), for
 * terms in the ranges of SPEC 11.1 (then it is at most A). */
int64_t pbr_fee_discount(int64_t annual_price_pence, int64_t learning_curve_ppm);

/* Discount = round(A * learning_curve_ppm / 10^6) and A' = A - discount.
 * Returns 0, or -1 for terms out of range. */
int pbr_fee_discounted(const struct pbr_fee_terms *t, int64_t *discount,
		       int64_t *discounted);

/* Instalment of month m (1..12): floor(A'/12) + (m <= A' mod 12 ? 1 : 0);
 * the twelve sum exactly to A'.  A' >= 0. */
int64_t pbr_fee_instalment(int64_t discounted, int month);

/* ---- returns (SPEC 11.2) ------------------------------------------------ */

/* cases NULL (has false) or outside 0..10^6 */
bool pbr_volume_cases_ok(bool has, int64_t cases);
/* numerator and denominator present and 0 <= num <= den <= 10^12 */
bool pbr_kpi_figures_ok(bool has_num, int64_t num, bool has_den, int64_t den);

/* sum += cases * weight_milli; -1 on overflow (sum unchanged). */
int pbr_volume_add(int64_t *sum, int64_t cases, int64_t weight_milli);

/* ---- service credits ---------------------------------------------------- */

enum pbr_kpi_status {
	PBR_KPI_MET = 0,
	PBR_KPI_BREACHED,
	PBR_KPI_NOT_REPORTED,
	PBR_KPI_WAIVED,
};

const char *pbr_kpi_status_name(enum pbr_kpi_status s);

/* A KPI's status: NOT_REPORTED without a return row; else MET when
 * den == 0 or num * 10^6 >= target_ppm * den, otherwise BREACHED.  A
 * BREACHED or NOT_REPORTED KPI with a waiver is WAIVED. */
enum pbr_kpi_status pbr_kpi_status(bool reported, int64_t num, int64_t den,
				   int64_t target_ppm, bool waived);

/* What a KPI accrues: its credit when BREACHED or NOT_REPORTED, else 0. */
int64_t pbr_kpi_accrues(enum pbr_kpi_status s, int64_t credit_pence);

struct pbr_credits {
	int64_t accrued;   /* sum of what each KPI accrued */
	int64_t cap;       /* round(Ffs * credit_cap_ppm / 10^6) */
	int64_t credit;    /* min(accrued, cap) */
	int64_t cap_cut;   /* accrued - credit */
};

/* Starts a month's credits for instalment ffs (>= 0). */
int pbr_credits_start(struct pbr_credits *c, int64_t ffs, int64_t credit_cap_ppm);
/* Adds what one KPI accrued (>= 0); -1 on overflow. */
int pbr_credits_add(struct pbr_credits *c, int64_t accrued);
/* Applies the cap. */
void pbr_credits_finish(struct pbr_credits *c);

/* ---- December: the year-end volume reconciliation ------------------------ */

enum pbr_position {
	PBR_WITHIN = 0,
	PBR_ABOVE,
	PBR_BELOW,
};

const char *pbr_position_name(enum pbr_position p);

struct pbr_volume_recon {
	int64_t predicted_milli;   /* Vp */
	int64_t actual_milli;      /* Va */
	enum pbr_position position;
	int64_t adjustment;        /* + above, - below, 0 within */
	int64_t ffs_year;          /* A' + adjustment */
	int64_t map;               /* map_pence */
	int64_t pbr_pot;           /* max(map - ffs_year, 0) */
};

/* SPEC 11.3 December, for actual volume va (>= 0) and A' = discounted.
 * Returns 0, or -1 when a figure overflows. */
int pbr_fee_reconcile(const struct pbr_fee_terms *t, int64_t discounted,
		      int64_t va, struct pbr_volume_recon *out);

/* PeriodDuePence = Ffs - Credit + Advance + Adjustment; -1 on overflow. */
int pbr_fee_period_due(int64_t ffs, int64_t credit, int64_t advance,
		       int64_t adjustment, int64_t *out);

/* ---- the PbR side (SPEC 6, 11.3) ---------------------------------------- */

/* AdvanceNettedPence of an original PbR statement: 3 * advance per month.
 * -1 on overflow. */
int pbr_fee_advance_netted(int64_t advance_pence_per_month, int64_t *out);

/* The annual reconciliation's cap with contract terms:
 * min(k * cohort_cap_pence, pbr_pot), where k * cohort cap saturates. */
int64_t pbr_fee_map_cap(int64_t cohort_cap_pence, int k, int64_t pbr_pot);

#endif
