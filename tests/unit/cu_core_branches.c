/*
 * cu_core_branches.c - the branches of the pure core (engine/core.c) that
 * the rule-by-rule suites (cu_core, cu_validate, cu_money) leave untaken,
 * found with make coverage: one named test per branch, values worked by
 * hand in the comment.  Branches no input can take are named in
 * CONTRIBUTING.md (Coverage).
 */
#include "suites.h"

#include "core.h"

#include <string.h>

/* ---- periods ------------------------------------------------------------- */

static void quarter_parse_char_below_digits(void)
{
	int q = -7;

	/* '/' is 0x2f, just below '0': not a digit */
	CHECK_I64(pbr_quarter_parse("/024Q1", &q), -1);
	CHECK_I64(pbr_quarter_parse("2 24Q1", &q), -1);
	CHECK_I64(q, -7);                   /* untouched */
}

/* ---- the day number of a start date, year 0 (proleptic Gregorian) --------- */

static struct pbr_needs no_needs;
static const char *const one_pcc[] = { "A" };

static enum pbr_status validate_date(int y, int m, int d, struct pbr_member *out)
{
	struct pbr_rules rules;
	struct pbr_row row;

	memset(&rules, 0, sizeof rules);
	memset(&row, 0, sizeof row);
	rules.cohort_quarter = 0;           /* 0000Q1 */
	rules.needs = &no_needs;
	rules.pcc_count = 1;
	rules.pcc_codes = one_pcc;
	rules.max_weight_bp = 10000;
	row.offender_ref = "Y0";
	row.pcc_code = "A";
	row.has_start_date = true;
	row.start_year = y;
	row.start_month = m;
	row.start_day = d;
	row.has_p = row.has_f = row.has_r = true;
	row.needs = "";
	memset(out, 0, sizeof *out);
	return pbr_validate_row(&rules, &row, out);
}

static void day_number_year_zero(void)
{
	struct pbr_member a, b, c;

	/* days since 0000-03-01: March 1st is 0; year 0 is a leap year, so
	 * February 29th is -1 and January 1st is -(31 + 29) = -60.  January
	 * and February count in the year before (-1), the era below 0. */
	CHECK_I64(validate_date(0, 3, 1, &a), PBR_ACCEPTED);
	CHECK_I64(a.start_day_number, 0);
	CHECK_I64(validate_date(0, 2, 29, &b), PBR_ACCEPTED);
	CHECK_I64(b.start_day_number, -1);
	CHECK_I64(validate_date(0, 1, 1, &c), PBR_ACCEPTED);
	CHECK_I64(c.start_day_number, -60);
}

/* ---- sums ------------------------------------------------------------------ */

static void sums_merge_overflow_ab(void)
{
	struct pbr_sums s = { .n = 1, .W = 10000, .Ab = INT64_MAX };
	struct pbr_sums t = { .n = 1, .W = 10000, .Ab = 1 };

	/* Ab: INT64_MAX + 1 does not fit; s unchanged */
	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	CHECK_I64(s.n, 1);
	CHECK_I64(s.Ab, INT64_MAX);
}

static void sums_merge_overflow_f(void)
{
	struct pbr_sums s = { .n = 1, .W = 10000, .Ef = -(INT64_C(1) << 62) };
	struct pbr_sums t = { .n = 1, .W = 10000, .Af = (INT64_C(1) << 62) + 1 };

	/* every sum fits, F = Ef - Af = -2^63 - 1 does not */
	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	CHECK_I64(s.n, 1);
	CHECK_I64(s.Ef, -(INT64_C(1) << 62));
	CHECK_I64(s.Af, 0);
}

/* ---- payments whose parts do not fit int64 ---------------------------------- */

/* The database keeps prices >= 0, but pbr_price is pure and refuses any
 * figure outside int64, negative ones too. */
static struct pbr_tariff free_tariff(void)
{
	struct pbr_tariff t;

	memset(&t, 0, sizeof t);
	t.cohort_cap_pence = INT64_MAX;
	t.max_weight_bp = 10000;
	return t;
}

static void price_binary_below_int64(void)
{
	struct pbr_tariff t = free_tariff();
	struct pbr_sums s = { .n = 1, .W = 10000, .Eb = INT64_MAX };
	struct pbr_payment p;

	/* B = 2^63 - 1 > 0, hurdle 0 met; Pb = B * (-2^63) / 10^10, about
	 * -8.5 * 10^27: below INT64_MIN */
	t.binary_price_pence = INT64_MIN;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), -1);
}

/* M = INT64_MAX; round_div(a, b) = (2a + b) / (2b) in 128 bits, C
 * division truncating toward zero. */
static void price_binary_over_sum_fits(void)
{
	struct pbr_tariff t = free_tariff();
	/* B = 2 * 10^10, F = 10^7 */
	struct pbr_sums s = { .n = 1, .W = 1, .Eb = 20000000000LL, .Ef = 10000000 };
	struct pbr_payment p;

	/* Pb = (2 * 2*10^10 * M + 10^10) / (2 * 10^10) = 2M (+ 1/2, cut);
	 * Pf = (2 * 10^7 * (-M - 1) + 10^7) / (2 * 10^7) = (-2M - 1) / 2
	 *    = -M (truncated); sum = 2M - M = M fits, Pf fits, Pb does not */
	t.binary_price_pence = INT64_MAX;
	t.frequency_price_pence = INT64_MIN;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), -1);
}

static void price_frequency_over_sum_fits(void)
{
	struct pbr_tariff t = free_tariff();
	/* B = 10^10, F = 2 * 10^7 */
	struct pbr_sums s = { .n = 1, .W = 1, .Eb = 10000000000LL, .Ef = 20000000 };
	struct pbr_payment p;

	/* Pb = (2 * 10^10 * (-M - 1) + 10^10) / (2 * 10^10) = -M (truncated);
	 * Pf = (2 * 2*10^7 * M + 10^7) / (2 * 10^7) = 2M; sum = M fits, Pb
	 * fits, Pf does not */
	t.binary_price_pence = INT64_MIN;
	t.frequency_price_pence = INT64_MAX;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), -1);
}

static void price_sum_fits_both_parts_fit(void)
{
	struct pbr_tariff t = free_tariff();
	struct pbr_sums s = { .n = 1, .W = 1, .Eb = 10000000000LL, .Ef = 10000000 };
	struct pbr_payment p;

	/* the same shape one step inside: Pb = -M, Pf = M, sum 0 */
	t.binary_price_pence = INT64_MIN;
	t.frequency_price_pence = INT64_MAX;
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	CHECK_I64(p.binary_raw, -INT64_MAX);
	CHECK_I64(p.frequency_raw, INT64_MAX);
	CHECK_I64(p.total, 0);
}

/* ---- 128-bit decimal text --------------------------------------------------- */

static void i128_parse_not_digits(void)
{
	__int128 v = 7;

	CHECK_I64(pbr_i128_parse("1/2", &v), -1);    /* '/' below '0' */
	CHECK_I64(pbr_i128_parse("12a", &v), -1);    /* 'a' above '9' */
	CHECK_I64(pbr_i128_parse("-9:", &v), -1);    /* ':' above '9' */
	CHECK_I128(v, 7);
}

/* ---- tariff limits (SPEC 2 and 5a), one parameter out at a time ----------- */

static struct pbr_tariff good_tariff(void)
{
	struct pbr_tariff t;

	memset(&t, 0, sizeof t);
	t.max_weight_bp = 10000;
	t.significance_z_milli = 1960;
	return t;
}

static void tariff_out_of_range_each(void)
{
	struct pbr_tariff t = good_tariff();

	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t.binary_price_pence = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_price_pence");
	t = good_tariff();
	t.frequency_price_pence = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "frequency_price_pence");
	t = good_tariff();
	t.binary_hurdle_ppm = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_hurdle_ppm");
	t.binary_hurdle_ppm = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_hurdle_ppm");
	t = good_tariff();
	t.cohort_cap_pence = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "cohort_cap_pence");
	t = good_tariff();
	t.max_reject_ppm = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "max_reject_ppm");
	t.max_reject_ppm = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "max_reject_ppm");
	t.max_reject_ppm = 1000000;                  /* the limit itself is in */
	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t = good_tariff();
	t.binary_mode = (enum pbr_binary_mode)2;     /* neither mode */
	CHECK_STR(pbr_tariff_out_of_range(&t), "binary_mode");
	t.binary_mode = PBR_MODE_SIGNIFICANCE;
	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
	t = good_tariff();
	t.has_termination = true;
	t.termination_ppm = 1000001;
	CHECK_STR(pbr_tariff_out_of_range(&t), "termination_ppm");
	t.termination_ppm = -1;
	CHECK_STR(pbr_tariff_out_of_range(&t), "termination_ppm");
	t.has_termination = false;                   /* NULL: not checked */
	CHECK_TRUE(pbr_tariff_out_of_range(&t) == NULL);
}

/* ---- significance: the ceiling beyond 128 bits ------------------------------ */

static void significant_need_sum_overflows(void)
{
	/* z = 1415 milli: z^2 = 2 002 225.  V = a * 10^6 + 999 999 with
	 * a = floor((2^128 - 1) / z^2), so z^2 a fits 128 bits (the product
	 * check passes) but adding ceil(z^2 * 999 999 / 10^6) = 2 002 223
	 * does not ((2^128 - 1) - z^2 a = 1 417 980 < 2 002 223): the
	 * threshold is beyond any B^2 (<= 2^126), not significant.  V fits
	 * 2^127 - 1. */
	const unsigned __int128 max = ~(unsigned __int128)0;
	unsigned __int128 a = max / 2002225u;
	__int128 V = (__int128)(a * 1000000u + 999999u);

	CHECK_TRUE(V > 0);
	CHECK_I128((__int128)(max - a * 2002225u), 1417980);
	CHECK_FALSE(pbr_significant(INT64_MAX, V, 1415));
	CHECK_FALSE(pbr_significant(INT64_MIN, V, 1415));
}

/* ---- pooled prices whose B, F or deduction do not fit int64 ----------------- */

static void price_pool_b_does_not_fit(void)
{
	struct pbr_tariff t = good_tariff();
	struct pbr_sums s = { .n = 1, .W = 1, .Eb = INT64_MAX, .Ab = INT64_MIN };
	struct pbr_payment p;

	/* B = (2^63 - 1) - (-2^63) = 2^64 - 1 */
	CHECK_I64(pbr_price_pool(&t, &s, INT64_MAX, 0, &p), -1);
}

static void price_pool_f_does_not_fit(void)
{
	struct pbr_tariff t = good_tariff();
	struct pbr_sums s = { .n = 1, .W = 1, .Ef = INT64_MIN, .Af = INT64_MAX };
	struct pbr_payment p;

	/* B = 0 fits; F = -2^63 - (2^63 - 1) = -2^64 + 1 */
	CHECK_I64(pbr_price_pool(&t, &s, INT64_MAX, 0, &p), -1);
}

static void price_pool_deduction_does_not_fit(void)
{
	struct pbr_tariff t = good_tariff();
	/* B = -2^62 (a rise), V = 0: significant in significance mode */
	struct pbr_sums s = { .n = 1, .W = 1, .Ab = INT64_C(1) << 62 };
	struct pbr_payment p;

	/* D = (2 * 2^62 * (-2^63) + 10^10) / (2 * 10^10), about -4.25 * 10^27:
	 * below INT64_MIN (a negative price, which only this pure call can
	 * give) */
	t.binary_mode = PBR_MODE_SIGNIFICANCE;
	t.deduction_price_pence = INT64_MIN;
	CHECK_I64(pbr_price_pool(&t, &s, INT64_MAX, INT64_MAX, &p), -1);
	/* the same rise at a price of 1 penny per 10^10: D = 2^62 / 10^10
	 * = 461 168 601.8427... -> 461 168 602, under the cap */
	t.deduction_price_pence = 1;
	CHECK_I64(pbr_price_pool(&t, &s, INT64_MAX, INT64_MAX, &p), 0);
	CHECK_I64(p.deduction, 461168602);
	CHECK_I64(p.total, -461168602);
}

static const struct cu_test branch_tests[] = {
	T_ENTRY(quarter_parse_char_below_digits),
	T_ENTRY(day_number_year_zero),
	T_ENTRY(sums_merge_overflow_ab),
	T_ENTRY(sums_merge_overflow_f),
	T_ENTRY(price_binary_below_int64),
	T_ENTRY(price_binary_over_sum_fits),
	T_ENTRY(price_frequency_over_sum_fits),
	T_ENTRY(price_sum_fits_both_parts_fit),
	T_ENTRY(i128_parse_not_digits),
	T_ENTRY(tariff_out_of_range_each),
	T_ENTRY(significant_need_sum_overflows),
	T_ENTRY(price_pool_b_does_not_fit),
	T_ENTRY(price_pool_f_does_not_fit),
	T_ENTRY(price_pool_deduction_does_not_fit),
	T_END
};

int cu_core_branches_register(void)
{
	return cu_add_suite("core_branches", branch_tests);
}
