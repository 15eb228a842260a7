/*
 * cu_significance.c - SPEC 5a (the binary measure by statistical
 * significance) and the money rules of SPEC 1, 3, 6 and 7 that live in the
 * core: the exact integer test at its boundary, V = 0, the largest figures
 * the limits allow, deductions with their cap and rounding, the
 * termination flag, negative totals through attribution, the true-up,
 * amounts due, the settlement lag and 128-bit decimal text.  Every
 * expected figure is worked by hand in the comment beside it.
 */
#include "suites.h"
#include "core.h"

#include <string.h>

#define E21 ((__int128)1000000000000000000LL * 1000)

/* ---- the test itself: B^2 * 10^6 >= z^2 * V --------------------------- */

/* z = 1960: z^2 = 3 841 600.  V = 10^12: z^2 V = 3.8416 * 10^18.
 * B = 1 960 000: B^2 * 10^6 = 3.8416 * 10^12 * 10^6, exactly equal. */
static void sig_exact_boundary(void)
{
	__int128 V = (__int128)1000000000000LL;

	CHECK_TRUE(pbr_significant(1960000, V, 1960));
	CHECK_TRUE(pbr_significant(-1960000, V, 1960));
	/* one unit of B under: 1959999^2 * 10^6 < 3.8416 * 10^18 */
	CHECK_FALSE(pbr_significant(1959999, V, 1960));
	CHECK_FALSE(pbr_significant(-1959999, V, 1960));
	/* one unit of B over */
	CHECK_TRUE(pbr_significant(1960001, V, 1960));
}

/* The same boundary moved by one unit of V: z^2 (V+1) is 3 841 600 more
 * than B^2 * 10^6, z^2 (V-1) that much less. */
static void sig_boundary_in_v(void)
{
	__int128 V = (__int128)1000000000000LL;

	CHECK_FALSE(pbr_significant(1960000, V + 1, 1960));
	CHECK_TRUE(pbr_significant(1960000, V - 1, 1960));
}

/* z = 1 (z^2 = 1), V = 10^6 + 1: B^2 * 10^6 >= 10^6 + 1 needs B^2 >= 2,
 * so B = 1 is not significant and B = 2 is (the ceiling, not the floor,
 * of z^2 V / 10^6). */
static void sig_ceiling(void)
{
	CHECK_FALSE(pbr_significant(1, (__int128)1000001, 1));
	CHECK_TRUE(pbr_significant(2, (__int128)1000001, 1));
	/* V = 10^6 exactly: B = 1 gives 10^6 >= 10^6 */
	CHECK_TRUE(pbr_significant(1, (__int128)1000000, 1));
}

static void sig_zero_variance(void)
{
	CHECK_TRUE(pbr_significant(1, 0, 1960));
	CHECK_TRUE(pbr_significant(-1, 0, 1960));
	CHECK_FALSE(pbr_significant(0, 0, 1960));
	CHECK_FALSE(pbr_significant(0, (__int128)1000000, 1960));
}

/* The largest figures the limits allow: 10^8 members of weight 10^6 bp
 * and p = 500 000 give V = 10^8 * 10^12 * 2.5 * 10^11 = 2.5 * 10^31; at
 * z = 5000 (z^2 = 2.5 * 10^7) z^2 V = 6.25 * 10^38 passes 2^128, yet the
 * test is exact: the boundary is B^2 = 6.25 * 10^32, B = 2.5 * 10^16. */
static void sig_largest_figures(void)
{
	__int128 V = (__int128)25 * E21 * 1000000000LL;   /* 2.5 * 10^31 */
	int64_t B = 25000000000000000LL;                  /* 2.5 * 10^16 */

	CHECK_TRUE(pbr_significant(B, V, 5000));
	CHECK_FALSE(pbr_significant(B - 1, V, 5000));
	CHECK_TRUE(pbr_significant(-B, V, 5000));
	CHECK_FALSE(pbr_significant(-(B - 1), V, 5000));
	/* the largest B there is, against the largest V there is: z^2 * a
	 * passes 128 bits, so the ceiling is beyond any B^2 */
	CHECK_FALSE(pbr_significant(INT64_MAX, (__int128)(((unsigned __int128)1 << 127) - 1), 5000));
	/* and B = INT64_MIN, |B| = 2^63, B^2 = 2^126, against V = 0 */
	CHECK_TRUE(pbr_significant(INT64_MIN, 0, 5000));
	/* 2^126 * 10^6 >= z^2 V with z = 1 and V = 2^126 * 10^6 / 1 exactly */
	CHECK_TRUE(pbr_significant(INT64_MIN, (__int128)((unsigned __int128)1 << 126) / 1000000 * 1000000, 1));
}

/* V of one member: w^2 p (10^6 - p).  w = 12 500, p = 300 000:
 * 156 250 000 * 2.1 * 10^11 = 32 812 500 000 000 000 000. */
static void variance_of_member(void)
{
	struct pbr_sums s = { 0 };
	struct pbr_member m = { .weight_bp = 12500, .p = 300000, .f = 0, .r = 0, .y = 0 };

	CHECK_I64(pbr_sums_add(&s, &m), 0);
	CHECK_I128(s.V, (__int128)328125 * (__int128)100000000000000LL);
	/* p = 0 and p = 10^6 add nothing */
	m.p = 0;
	CHECK_I64(pbr_sums_add(&s, &m), 0);
	m.p = 1000000;
	m.y = 1;
	CHECK_I64(pbr_sums_add(&s, &m), 0);
	CHECK_I128(s.V, (__int128)328125 * (__int128)100000000000000LL);
	/* the heaviest member: w = 10^6, p = 500 000: 10^12 * 2.5 * 10^11 */
	memset(&s, 0, sizeof s);
	m.weight_bp = 1000000;
	m.p = 500000;
	m.y = 0;
	CHECK_I64(pbr_sums_add(&s, &m), 0);
	CHECK_I128(s.V, (__int128)250000000000LL * 1000000000000LL);
}

static void variance_merge_overflow(void)
{
	struct pbr_sums s = { 0 }, t = { 0 };

	s.V = (__int128)(((unsigned __int128)1 << 127) - 1);
	t.V = 1;
	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	CHECK_I128(s.V, (__int128)(((unsigned __int128)1 << 127) - 1));   /* unchanged */
}

/* ---- payments in significance mode ------------------------------------ */

/* Binary price GBP 1000, frequency GBP 500, deduction GBP 800 per weighted
 * offender, deduction cap GBP 10 000 000, z 1960, termination at 5 %. */
static const struct pbr_tariff sig = {
	.binary_price_pence = 100000,
	.frequency_price_pence = 50000,
	.binary_hurdle_ppm = 20000,
	.cohort_cap_pence = 1000000000000LL,
	.max_weight_bp = 30000,
	.max_reject_ppm = 10000,
	.binary_mode = PBR_MODE_SIGNIFICANCE,
	.significance_z_milli = 1960,
	.deduction_price_pence = 80000,
	.deduction_cap_pence = 1000000000LL,
	.has_termination = true,
	.termination_ppm = 50000,
};

/* 100 members of weight 10 000 and p = 500 000: W = 10^6,
 * V = 100 * 10^8 * 2.5 * 10^11 = 2.5 * 10^21.  A fall: Eb 5 * 10^11,
 * Ab 4 * 10^11, B = 10^11; Ef 1.5 * 10^9, Af 1.2 * 10^9, F = 3 * 10^8. */
static struct pbr_sums fall(void)
{
	struct pbr_sums s = { 100, 1000000, 500000000000LL, 400000000000LL,
			      1500000000LL, 1200000000LL, 25 * E21 / 10 };
	return s;
}

/* B^2 10^6 = 10^28 >= z^2 V = 3 841 600 * 2.5 * 10^21 = 9.604 * 10^27:
 * significant.  Pb = 10^11 * 100 000 / 10^10 = 10^6, Pf = 3 * 10^8 *
 * 50 000 / 10^7 = 1.5 * 10^6, T = 2.5 * 10^6, D = 0. */
static void sig_fall_pays(void)
{
	struct pbr_sums s = fall();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&sig, &s, sig.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.significant);
	CHECK_TRUE(p.hurdle_met);
	CHECK_TRUE(p.gate_open);
	CHECK_I64(p.binary, 1000000);
	CHECK_I64(p.frequency, 1500000);
	CHECK_I64(p.deduction, 0);
	CHECK_I64(p.total, 2500000);
	CHECK_FALSE(p.termination);
}

/* V = 2.7 * 10^21: z^2 V = 1.037232 * 10^28 > 10^28, the fall could be
 * chance: nothing is paid, not even frequency (the gate needs a binary
 * payment), and nothing is deducted. */
static void sig_fall_not_significant(void)
{
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.V = 27 * E21 / 10;
	CHECK_I64(pbr_price(&sig, &s, sig.cohort_cap_pence, &p), 0);
	CHECK_FALSE(p.significant);
	CHECK_FALSE(p.hurdle_met);
	CHECK_FALSE(p.gate_open);
	CHECK_I64(p.binary, 0);
	CHECK_I64(p.frequency, 0);
	CHECK_I64(p.deduction, 0);
	CHECK_I64(p.total, 0);
}

/* A significant fall with F <= 0: the binary pays, the gate stays shut. */
static void sig_fall_no_frequency(void)
{
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.Af = s.Ef;    /* F = 0 */
	CHECK_I64(pbr_price(&sig, &s, sig.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.hurdle_met);
	CHECK_FALSE(p.gate_open);
	CHECK_I64(p.total, 1000000);
}

/* The hurdle is not used: a fall of 10^11 against a hurdle of 20 % of W
 * (2 * 10^11) still pays when it is significant. */
static void sig_hurdle_ignored(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = fall();
	struct pbr_payment p;

	t.binary_hurdle_ppm = 200000;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.hurdle_met);
	CHECK_I64(p.binary, 1000000);
}

/* A rise: Eb 4 * 10^11, Ab 5 * 10^11, B = -10^11; F = -3 * 10^8.
 * Significant (B^2 is the same).  D = round(10^11 * 80 000 / 10^10) =
 * 800 000, T = -800 000.  Termination: -B = 10^11 >= 50 000 * 10^6. */
static void sig_rise_deducts(void)
{
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.Eb = 400000000000LL;
	s.Ab = 500000000000LL;
	s.Ef = 1200000000LL;
	s.Af = 1500000000LL;
	CHECK_I64(pbr_price(&sig, &s, sig.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.significant);
	CHECK_FALSE(p.hurdle_met);
	CHECK_FALSE(p.gate_open);
	CHECK_I64(p.binary, 0);
	CHECK_I64(p.frequency, 0);
	CHECK_I64(p.deduction, 800000);
	CHECK_I64(p.total, -800000);
	CHECK_TRUE(p.termination);
}

/* The deduction cap: 500 000 caps 800 000. */
static void sig_rise_capped(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.Eb = 400000000000LL;
	s.Ab = 500000000000LL;
	t.deduction_cap_pence = 500000;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_I64(p.deduction, 500000);
	CHECK_I64(p.total, -500000);
	/* exactly at the cap */
	t.deduction_cap_pence = 800000;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_I64(p.deduction, 800000);
	/* a pool of 3 cohorts: cap 3 * 250 000 = 750 000 */
	t.deduction_cap_pence = 250000;
	CHECK_I64(pbr_price_pool(&t, &s, t.cohort_cap_pence,
				 pbr_cap_times(t.deduction_cap_pence, 3), &p), 0);
	CHECK_I64(p.deduction, 750000);
	CHECK_I64(p.total, -750000);
}

/* Termination at its boundary: -B = 10^11 against termination_ppm * W =
 * 100 000 * 10^6 = 10^11 (set), 100 001 * 10^6 (not set); NULL never. */
static void sig_termination_boundary(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.Eb = 400000000000LL;
	s.Ab = 500000000000LL;
	t.termination_ppm = 100000;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.termination);
	t.termination_ppm = 100001;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_FALSE(p.termination);
	CHECK_I64(p.deduction, 800000);        /* the money does not change */
	t.has_termination = false;
	t.termination_ppm = 0;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_FALSE(p.termination);
}

/* A rise that could be chance: V = 2.7 * 10^21, nothing deducted. */
static void sig_rise_not_significant(void)
{
	struct pbr_sums s = fall();
	struct pbr_payment p;

	s.Eb = 400000000000LL;
	s.Ab = 500000000000LL;
	s.V = 27 * E21 / 10;
	CHECK_I64(pbr_price(&sig, &s, sig.cohort_cap_pence, &p), 0);
	CHECK_FALSE(p.significant);
	CHECK_I64(p.deduction, 0);
	CHECK_I64(p.total, 0);
	CHECK_FALSE(p.termination);
}

/* Rounding of a deduction is half up on |amount| (SPEC 1): B = -1 with
 * V = 0 and a price of 5 * 10^9: 5 * 10^9 / 10^10 = 0.5 -> 1;
 * 4 999 999 999 -> 0.4999999999 -> 0; 15 * 10^9 -> 1.5 -> 2. */
static void sig_deduction_rounding(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = { 1, 10000, 0, 1, 0, 0, 0 };
	struct pbr_payment p;

	t.deduction_price_pence = 5000000000LL;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.significant);
	CHECK_I64(p.deduction, 1);
	CHECK_I64(p.total, -1);
	t.deduction_price_pence = 4999999999LL;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_I64(p.deduction, 0);
	t.deduction_price_pence = 15000000000LL;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_I64(p.deduction, 2);
}

/* Hurdle mode with the same rise: BinarySignificant is still reported
 * (with the tariff's z), but nothing is deducted and no flag is set. */
static void hurdle_mode_reports_significance(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = fall();
	struct pbr_payment p;

	t.binary_mode = PBR_MODE_HURDLE;
	s.Eb = 400000000000LL;
	s.Ab = 500000000000LL;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_TRUE(p.significant);
	CHECK_I64(p.deduction, 0);
	CHECK_I64(p.total, 0);
	CHECK_FALSE(p.termination);
	/* and a fall that is not significant still pays on the hurdle:
	 * 10^11 >= 20 000 * 10^6 */
	s = fall();
	s.V = 27 * E21 / 10;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_FALSE(p.significant);
	CHECK_TRUE(p.hurdle_met);
	CHECK_I64(p.total, 2500000);
}

/* A cap on Pb + Pf leaves the deduction alone (they cannot both be
 * non-zero, B has one sign); the largest deduction the types allow:
 * B = -(2^62), price 10^10 -> D = 2^62, under a cap of INT64_MAX. */
static void sig_largest_deduction(void)
{
	struct pbr_tariff t = sig;
	struct pbr_sums s = { 1, 10000, 0, INT64_C(1) << 62, 0, 0, 0 };
	struct pbr_payment p;

	t.deduction_price_pence = 10000000000LL;
	t.deduction_cap_pence = INT64_MAX;
	CHECK_I64(pbr_price(&t, &s, INT64_MAX, &p), 0);
	CHECK_I64(p.deduction, INT64_C(1) << 62);
	CHECK_I64(p.total, -(INT64_C(1) << 62));
}

/* ---- attribution of a deduction (negative totals) --------------------- */

/* D = 800 000 over B_a = -8 * 10^10, -4 * 10^10, +2 * 10^10, in
 * proportion to max(-B_a, 0) = 8, 4, 0 (* 10^10): floors 533 333 and
 * 266 666 (remainders 4 * 10^10 and 8 * 10^10 of 12 * 10^10), the penny
 * left goes to the larger remainder, B.  Totals: -533 333, -266 667, 0. */
static void deduction_attribution(void)
{
	const char *codes[3] = { "A", "B", "C" };
	int64_t b[3] = { -80000000000LL, -40000000000LL, 20000000000LL };
	int64_t x[3], d[3];

	for (int i = 0; i < 3; i++)
		x[i] = b[i] < 0 ? -b[i] : 0;
	CHECK_I64(pbr_attribute(800000, x, codes, 3, d), 0);
	CHECK_I64(d[0], 533333);
	CHECK_I64(d[1], 266667);
	CHECK_I64(d[2], 0);
	CHECK_I64(d[0] + d[1] + d[2], 800000);
}

/* ---- the money rules of SPEC 3, 6 and 7 ------------------------------- */

static void settlement_lag(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2025Q4", &q), 0);
	CHECK_I64(pbr_cohort_of_period(q), 2024 * 4);            /* 2024Q1 */
	CHECK_I64(pbr_period_of_cohort(2024 * 4), q);
	CHECK_TRUE(pbr_is_q4(2024 * 4 + 3));
	CHECK_FALSE(pbr_is_q4(2024 * 4 + 2));
	CHECK_FALSE(pbr_is_q4(2025 * 4));
	/* the year's Q4 of 2024Q2 is 2024Q4 (= 2024*4 + 3); of 2024Q4 itself */
	CHECK_I64(pbr_q4_of_year(2024 * 4 + 1), 2024 * 4 + 3);
	CHECK_I64(pbr_q4_of_year(2024 * 4 + 3), 2024 * 4 + 3);
	CHECK_I64(pbr_q4_of_year(2025 * 4), 2025 * 4 + 3);
	/* December 2024 is month 2024*12 + 11 (fee.h), from any 2024 quarter */
	CHECK_I64(pbr_december_of_year(2024 * 4), 2024 * 12 + 11);
	CHECK_I64(pbr_december_of_year(2024 * 4 + 3), 2024 * 12 + 11);
	CHECK_I64(pbr_december_of_year(2023 * 4 + 3), 2023 * 12 + 11);
}

/* true_up = entitlement - (previously paid + Q4 T): 10 - (3 + 4) = 3;
 * a negative entitlement: -500 - (200 + -100) = -600. */
static void true_up_values(void)
{
	int64_t t;

	CHECK_I64(pbr_true_up(10, 3, 4, &t), 0);
	CHECK_I64(t, 3);
	CHECK_I64(pbr_true_up(-500, 200, -100, &t), 0);
	CHECK_I64(t, -600);
	CHECK_I64(pbr_true_up(INT64_MIN, 1, 0, &t), -1);
	CHECK_I64(pbr_true_up(0, INT64_MAX, 1, &t), -1);
}

/* An original: PeriodDue - advance (1000 - 1500 = -500); a restatement:
 * PeriodDue - the superseded PeriodDue (1200 - 1000 = 200), no advance. */
static void amount_due_values(void)
{
	int64_t a;

	CHECK_I64(pbr_amount_due(1000, false, 0, 1500, &a), 0);
	CHECK_I64(a, -500);
	CHECK_I64(pbr_amount_due(1200, true, 1000, 1500, &a), 0);
	CHECK_I64(a, 200);
	CHECK_I64(pbr_amount_due(-800000, true, 2500000, 0, &a), 0);
	CHECK_I64(a, -3300000);
	CHECK_I64(pbr_amount_due(INT64_MIN, true, 1, 0, &a), -1);
	CHECK_I64(pbr_amount_due(INT64_MIN, false, 0, 1, &a), -1);
}

static void cap_times_saturates(void)
{
	CHECK_I64(pbr_cap_times(700000, 3), 2100000);
	CHECK_I64(pbr_cap_times(INT64_MAX / 2 + 1, 2), INT64_MAX);
	CHECK_I64(pbr_cap_times(0, 4), 0);
}

static void rounding_signed(void)
{
	CHECK_I128(pbr_round_div_signed(5, 10), 1);     /* 0.5 -> 1 */
	CHECK_I128(pbr_round_div_signed(-5, 10), -1);   /* -0.5 -> -1 */
	CHECK_I128(pbr_round_div_signed(-4, 10), 0);
	CHECK_I128(pbr_round_div_signed(-15, 10), -2);
	CHECK_I128(pbr_round_div_signed(-14, 10), -1);
}

/* ---- tariff limits ---------------------------------------------------- */

static void tariff_limits(void)
{
	struct pbr_tariff t = sig;

	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t.significance_z_milli = 0;
	CHECK_STR(pbr_tariff_out_of_range(&t), "significance_z_milli");
	t.significance_z_milli = 5000;
	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t.significance_z_milli = 5001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "significance_z_milli");
	t = sig;
	t.deduction_price_pence = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "deduction_price_pence");
	t = sig;
	t.deduction_cap_pence = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "deduction_cap_pence");
	t = sig;
	t.termination_ppm = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "termination_ppm");
	t.has_termination = false;           /* NULL: the value is not read */
	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t = sig;
	t.max_weight_bp = 9999;
	CHECK_STR(pbr_tariff_out_of_range(&t), "max_weight_bp");
	t.max_weight_bp = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "max_weight_bp");
	t = sig;
	t.binary_hurdle_ppm = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_hurdle_ppm");
	t = sig;
	t.binary_mode = (enum pbr_binary_mode)7;
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_mode");
	CHECK_TRUE(pbr_uplift_ok(0));
	CHECK_TRUE(pbr_uplift_ok(1000000));
	CHECK_FALSE(pbr_uplift_ok(1000001));
	CHECK_FALSE(pbr_uplift_ok(-1));
}

static void binary_mode_names(void)
{
	enum pbr_binary_mode m = PBR_MODE_HURDLE;

	CHECK_I64(pbr_binary_mode_parse("significance", &m), 0);
	CHECK_I64(m, PBR_MODE_SIGNIFICANCE);
	CHECK_I64(pbr_binary_mode_parse("hurdle", &m), 0);
	CHECK_I64(m, PBR_MODE_HURDLE);
	CHECK_I64(pbr_binary_mode_parse("Hurdle", &m), -1);
	CHECK_I64(pbr_binary_mode_parse("", &m), -1);
	CHECK_I64(pbr_binary_mode_parse(NULL, &m), -1);
	CHECK_STR(pbr_binary_mode_name(PBR_MODE_SIGNIFICANCE), "significance");
	CHECK_STR(pbr_binary_mode_name(PBR_MODE_HURDLE), "hurdle");
}

/* ---- 128-bit decimal text --------------------------------------------- */

static void i128_text(void)
{
	char buf[PBR_I128_BUF];
	__int128 v = 0;
	__int128 max = (__int128)(((unsigned __int128)1 << 127) - 1);

	pbr_i128_format(0, buf);
	CHECK_STR(buf, "0");
	pbr_i128_format(25 * E21 / 10, buf);
	CHECK_STR(buf, "2500000000000000000000");
	pbr_i128_format(max, buf);
	CHECK_STR(buf, "170141183460469231731687303715884105727");
	pbr_i128_format(-max - 1, buf);
	CHECK_STR(buf, "-170141183460469231731687303715884105728");
	CHECK_I64(pbr_i128_parse("2500000000000000000000", &v), 0);
	CHECK_I128(v, 25 * E21 / 10);
	CHECK_I64(pbr_i128_parse("170141183460469231731687303715884105727", &v), 0);
	CHECK_I128(v, max);
	CHECK_I64(pbr_i128_parse("-170141183460469231731687303715884105728", &v), 0);
	CHECK_I128(v, -max - 1);
	CHECK_I64(pbr_i128_parse("170141183460469231731687303715884105728", &v), -1);
	CHECK_I64(pbr_i128_parse("-170141183460469231731687303715884105729", &v), -1);
	CHECK_I64(pbr_i128_parse("", &v), -1);
	CHECK_I64(pbr_i128_parse("-", &v), -1);
	CHECK_I64(pbr_i128_parse("-0", &v), -1);
	CHECK_I64(pbr_i128_parse("01", &v), -1);
	CHECK_I64(pbr_i128_parse("+1", &v), -1);
	CHECK_I64(pbr_i128_parse("1 ", &v), -1);
	CHECK_I64(pbr_i128_parse(NULL, &v), -1);
	CHECK_I64(pbr_i128_parse("0", &v), 0);
	CHECK_I128(v, 0);
}

static const struct cu_test significance_tests[] = {
	T_ENTRY(sig_exact_boundary),
	T_ENTRY(sig_boundary_in_v),
	T_ENTRY(sig_ceiling),
	T_ENTRY(sig_zero_variance),
	T_ENTRY(sig_largest_figures),
	T_ENTRY(variance_of_member),
	T_ENTRY(variance_merge_overflow),
	T_END
};

static const struct cu_test sig_price_tests[] = {
	T_ENTRY(sig_fall_pays),
	T_ENTRY(sig_fall_not_significant),
	T_ENTRY(sig_fall_no_frequency),
	T_ENTRY(sig_hurdle_ignored),
	T_ENTRY(sig_rise_deducts),
	T_ENTRY(sig_rise_capped),
	T_ENTRY(sig_termination_boundary),
	T_ENTRY(sig_rise_not_significant),
	T_ENTRY(sig_deduction_rounding),
	T_ENTRY(hurdle_mode_reports_significance),
	T_ENTRY(sig_largest_deduction),
	T_ENTRY(deduction_attribution),
	T_END
};

static const struct cu_test money_rule_tests[] = {
	T_ENTRY(settlement_lag),
	T_ENTRY(true_up_values),
	T_ENTRY(amount_due_values),
	T_ENTRY(cap_times_saturates),
	T_ENTRY(rounding_signed),
	T_ENTRY(tariff_limits),
	T_ENTRY(binary_mode_names),
	T_ENTRY(i128_text),
	T_END
};

int cu_significance_register(void)
{
	if (cu_add_suite("core_significance", significance_tests) != 0 ||
	    cu_add_suite("core_significance_price", sig_price_tests) != 0 ||
	    cu_add_suite("core_money_rules", money_rule_tests) != 0)
		return -1;
	return 0;
}
