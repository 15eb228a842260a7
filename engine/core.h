/*
 * core.h - the pure calculation core of pbr-settle (SPEC sections 1, 4, 5).
 *
 * Nothing declared here does I/O, allocates behind the caller's back or
 * prints.  The database, file and XML code around it feeds rows in and
 * reads figures out.  All money is integer pence; every intermediate that
 * can exceed 64 bits is computed in 128 bits.
 */
#ifndef PBR_CORE_H
#define PBR_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PBR_PPM 1000000LL          /* parts per million */
#define PBR_MILLI 1000LL           /* thousandths */
#define PBR_BP 10000LL             /* basis points, 10 000 = 1.0 */
#define PBR_MAX_REOFFENCES 10000LL
#define PBR_MAX_NEEDS 64           /* distinct need codes a tariff may know */
#define PBR_CODE_MAX 32            /* longest need / PCC / CPA code, bytes */

/* ---- periods (YYYYQn) -------------------------------------------------- */

/* The settlement lag of SPEC 3: period P settles cohort P-7, the first
 * quarter in which every outcome of the cohort is final (12 months'
 * follow-up and 6 months for convictions to be proven). */
#define PBR_SETTLEMENT_LAG 7
int pbr_cohort_of_period(int period);
int pbr_period_of_cohort(int cohort);
/* A Q4 cohort is settled with the annual reconciliation (SPEC 6). */
bool pbr_is_q4(int quarter);
/* The Q4 of a quarter's year, whose cohort's period reconciles the year. */
int pbr_q4_of_year(int quarter);
/* The December month (year*12 + 11, as fee.h counts months) of a quarter's
 * year: its monthly statement caps the year's reconciliation (SPEC 11). */
int pbr_december_of_year(int quarter);

/* Parses "YYYYQn" (year 1000..9999, n 1..4) into year*4 + n-1.
 * Returns 0, or -1 when s is not exactly of that form. */
int pbr_quarter_parse(const char *s, int *out);
/* Writes the quarter index back as "YYYYQn" (buf of at least 8 bytes). */
void pbr_quarter_format(int q, char *buf);
/* The quarter index of a calendar date. */
int pbr_quarter_of_date(int year, int month);
/* Checks a contract id against ^[A-Z0-9_-]{1,32}$. */
bool pbr_contract_id_ok(const char *s);

/* ---- rounding ---------------------------------------------------------- */

/* round(a/b) half up for a >= 0, b > 0: (2a + b) / (2b). */
__int128 pbr_round_div(__int128 a, __int128 b);
/* The signed rule of SPEC 1: a negative a is rounded as -round(|a|/b). */
__int128 pbr_round_div_signed(__int128 a, __int128 b);

/* ---- 128-bit integers in decimal (BinaryVariance) --------------------- */

#define PBR_I128_BUF 41   /* "-" + 39 digits + NUL */
/* Writes v in plain decimal into buf (PBR_I128_BUF bytes). */
void pbr_i128_format(__int128 v, char *buf);
/* Parses plain decimal ("-"? digits, no sign for 0) into *out.  Returns 0,
 * or -1 when s is not of that form or does not fit 128 bits. */
int pbr_i128_parse(const char *s, __int128 *out);

/* ---- tariff ------------------------------------------------------------ */

/* How the binary measure decides (SPEC 5 and 5a). */
enum pbr_binary_mode {
	PBR_MODE_HURDLE = 0,          /* a fixed hurdle (SPEC 5), the default */
	PBR_MODE_SIGNIFICANCE = 1     /* a significant fall pays, a rise deducts */
};

struct pbr_tariff {
	int64_t binary_price_pence;
	int64_t frequency_price_pence;
	int64_t binary_hurdle_ppm;
	int64_t cohort_cap_pence;
	int64_t max_weight_bp;
	int64_t max_reject_ppm;
	/* SPEC 5a; zeroed, a tariff is in hurdle mode with no deduction */
	enum pbr_binary_mode binary_mode;
	int64_t significance_z_milli;   /* 1..5000; 1960 = 95 % two-sided */
	int64_t deduction_price_pence;
	int64_t deduction_cap_pence;
	bool has_termination;           /* termination_ppm not NULL */
	int64_t termination_ppm;
};

/* "hurdle" or "significance"; pbr_binary_mode_parse returns 0 or -1. */
const char *pbr_binary_mode_name(enum pbr_binary_mode m);
int pbr_binary_mode_parse(const char *s, enum pbr_binary_mode *out);

/* The tariff limits of SPEC 2 and 5a: prices and caps >= 0, hurdle and
 * max_reject 0..10^6 ppm, max_weight 10 000..1 000 000 bp, z 1..5000,
 * termination 0..10^6 ppm.  Returns NULL when every parameter is within
 * them, else the name of the first one that is not (its SQL column name). */
const char *pbr_tariff_out_of_range(const struct pbr_tariff *t);
/* An uplift is 0..1 000 000 bp. */
bool pbr_uplift_ok(int64_t bp);

/* The needs a tariff knows: every pbr.need code with its uplift under the
 * tariff (0 when it has no uplift row).  Codes are kept sorted bytewise. */
struct pbr_needs {
	size_t count;
	char code[PBR_MAX_NEEDS][PBR_CODE_MAX + 1];
	int64_t uplift_bp[PBR_MAX_NEEDS];
};

/* Adds a need code; keeps the table sorted.  Returns 0, or -1 when the
 * table is full, the code is empty or too long, or already present. */
int pbr_needs_add(struct pbr_needs *t, const char *code, int64_t uplift_bp);
/* Index of a code of len bytes, or -1. */
int pbr_needs_find(const struct pbr_needs *t, const char *code, size_t len);

/* ---- validation (SPEC section 4) -------------------------------------- */

enum pbr_status {
	PBR_ACCEPTED = 0,
	PBR_BAD_PREDICTION,
	PBR_BAD_OUTCOME,
	PBR_UNKNOWN_NEED,
	PBR_PCC_OUTSIDE_CPA,
	PBR_WRONG_QUARTER,
	PBR_DUPLICATE,
	PBR_NSTATUS
};
#define PBR_NREJECT (PBR_NSTATUS - 1)

/* "ACCEPTED", "BAD_PREDICTION", ... */
const char *pbr_status_name(enum pbr_status s);

/* "BAD_PREDICTION=0<sep>BAD_OUTCOME=2<sep>..." from counts indexed by
 * enum pbr_status, the six reject codes in SPEC order (cut to size). */
void pbr_format_reject_counts(const int64_t *counts, const char *sep,
			      char *buf, size_t size);

/* One input row as read from pbr.cohort_member.  Strings are NUL-terminated;
 * a NULL column is a NULL pointer (text) or has_* false (numbers, date). */
struct pbr_row {
	const char *offender_ref;
	const char *cohort_quarter;
	const char *pcc_code;
	bool has_start_date;
	int start_year, start_month, start_day;
	bool has_p, has_f, has_r;
	int64_t p, f, r;
	const char *needs;            /* never NULL; "" for none */
	const char *outcome_status;
};

/* What validation needs to know about the contract and cohort. */
struct pbr_rules {
	int cohort_quarter;               /* quarter index of the cohort */
	const struct pbr_needs *needs;    /* known needs and their uplifts */
	size_t pcc_count;                 /* PCC areas of the contract's CPA, */
	const char *const *pcc_codes;     /* sorted bytewise */
	int64_t max_weight_bp;
};

/* An accepted (or provisionally accepted) member, ready to be summed. */
struct pbr_member {
	int64_t weight_bp;
	int64_t p, f, r, y;
	int needs_distinct;               /* distinct need codes */
	int pcc_index;                    /* index into rules->pcc_codes */
	int32_t start_day_number;         /* days since 0000-03-01, for DUPLICATE */
};

/* Checks one row against the first five rules (everything but DUPLICATE)
 * and, when it passes, fills *m.  Returns PBR_ACCEPTED or the reject code. */
enum pbr_status pbr_validate_row(const struct pbr_rules *rules,
				 const struct pbr_row *row,
				 struct pbr_member *m);

/* Parses a '+'-separated needs list.  Fills the weight (capped) and the
 * count of distinct codes.  Returns 0, or -1 for an unknown code or an
 * empty element. */
int pbr_needs_weight(const struct pbr_needs *t, const char *needs,
		     int64_t max_weight_bp, int64_t *weight_bp,
		     int *distinct);

/* The DUPLICATE rule over the n rows sharing one offender_ref: among those
 * whose status is PBR_ACCEPTED, the one with the strictly earliest start
 * date is kept and the others become PBR_DUPLICATE; when two or more share
 * the earliest date, all of them become PBR_DUPLICATE. */
void pbr_dedup_group(const struct pbr_member *m, enum pbr_status *status,
		     size_t n);

/* rejected * 10^6 > max_reject_ppm * rows */
bool pbr_rejects_exceed(int64_t rejected, int64_t rows, int64_t max_reject_ppm);

/* ---- sums and payments (SPEC section 5) ------------------------------- */

struct pbr_sums {
	int64_t n;      /* accepted members */
	int64_t W;      /* sum w */
	int64_t Eb;     /* sum w*p */
	int64_t Ab;     /* sum w*y*10^6 */
	int64_t Ef;     /* sum w*f */
	int64_t Af;     /* sum w*r*10^3 */
	__int128 V;     /* sum w^2*p*(10^6-p), bp^2 ppm^2: 10^23 and more (SPEC 5a) */
};

static inline int64_t pbr_sums_B(const struct pbr_sums *s) { return s->Eb - s->Ab; }
static inline int64_t pbr_sums_F(const struct pbr_sums *s) { return s->Ef - s->Af; }

/* Adds one member; returns -1 (and leaves *s unchanged) on int64 overflow. */
int pbr_sums_add(struct pbr_sums *s, const struct pbr_member *m);
/* s += t; returns -1 on overflow. */
int pbr_sums_merge(struct pbr_sums *s, const struct pbr_sums *t);

/* The annex contributions of a member: w*(p - y*10^6) and w*(f - r*1000). */
int64_t pbr_binary_contribution(const struct pbr_member *m);
int64_t pbr_frequency_contribution(const struct pbr_member *m);

struct pbr_payment {
	bool hurdle_met;        /* BinaryHurdleMet (SPEC 5, or 5a: B > 0 and significant) */
	bool gate_open;
	bool significant;       /* BinarySignificant (SPEC 5a), in either mode */
	bool termination;       /* TerminationFlag (significance mode only) */
	int64_t deduction;      /* D (significance mode only) */
	int64_t binary_raw;     /* Pb before the cap */
	int64_t frequency_raw;  /* Pf before the cap */
	int64_t binary;         /* Pb' */
	int64_t frequency;      /* Pf' */
	int64_t cut;            /* Pb + Pf - Pb' - Pf' */
	int64_t total;          /* T = Pb' + Pf' - D; negative means money owed back */
};

/* SPEC 5a: is B significant against V at z (milli)?  B != 0 and
 * B^2 * 10^6 >= z^2 * V, compared exactly in 128-bit integers without
 * overflow for any B that fits int64 and any V >= 0 (every B != 0 is
 * significant when V = 0). */
bool pbr_significant(int64_t B, __int128 V, int64_t z_milli);

/* Applies the binary rule of the tariff's mode (hurdle or significance),
 * the frequency gate, prices, the cap on Pb + Pf (cap_pence: the cohort
 * cap, k times it for an annual pool) and, in significance mode, the
 * deduction capped at deduction_cap_pence (k times the tariff's for a
 * pool).  Returns 0, or -1 when a figure does not fit int64. */
int pbr_price_pool(const struct pbr_tariff *t, const struct pbr_sums *s,
		   int64_t cap_pence, int64_t deduction_cap_pence,
		   struct pbr_payment *out);
/* pbr_price_pool with the tariff's own deduction cap. */
int pbr_price(const struct pbr_tariff *t, const struct pbr_sums *s,
	      int64_t cap_pence, struct pbr_payment *out);

/* k times a cap; saturates at INT64_MAX (a cap that large is no limit). */
int64_t pbr_cap_times(int64_t cap_pence, int64_t k);

/* SPEC 6: true_up = entitlement - (previously paid + T of the Q4 cohort).
 * Returns 0, or -1 on overflow. */
int pbr_true_up(int64_t entitlement, int64_t previously_paid,
		int64_t q4_total, int64_t *true_up);

/* SPEC 7: an original's AmountDuePence is PeriodDuePence less the advance
 * netted; a restatement's is PeriodDuePence less the superseded
 * statement's PeriodDuePence.  Returns 0, or -1 on overflow. */
int pbr_amount_due(int64_t period_due, bool restatement,
		   int64_t superseded_period_due, int64_t advance_netted,
		   int64_t *amount_due);

/* Largest-remainder attribution of amount (>= 0; a negative amount
 * returns -1 with every share 0) over n areas in proportion to
 * max(x[i], 0); ties go to the bytewise lower code.  codes[] need not be
 * sorted.  out[] sums exactly to amount whenever some x[i] > 0; when none
 * is, every share is 0 and -1 is returned if amount != 0.  Returns 0. */
int pbr_attribute(int64_t amount, const int64_t *x, const char *const *codes,
		  size_t n, int64_t *out);

/* Needs band of a member: 0 for none, 1 for 1-2, 2 for 3+. */
#define PBR_NBANDS 3
int pbr_needs_band(int distinct);
const char *pbr_band_name(int band);   /* "0", "1-2", "3+" */

#endif
