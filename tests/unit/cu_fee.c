/*
 * cu_fee.c - the whole contract's pure core (fee.h; SPEC 11.2-11.3 and the
 * MAP cap of SPEC 6).  Every expected value is worked by hand beside it.
 */
#include "suites.h"

#include "fee.h"

#include <stddef.h>
#include <string.h>

/* The terms most tests use:
 *   A  = 1 200 000 p, learning curve 50 000 ppm (5 %)
 *   Vp = 1 000 000 milli (1 000 weighted cases), band 10 % either side,
 *   adjustment 50 % of the unit price either side, credit cap 10 %,
 *   advance 1 000 p a month, MAP 5 000 000 p. */
static struct pbr_fee_terms terms(void)
{
	struct pbr_fee_terms t = {
		.annual_price_pence = 1200000,
		.learning_curve_ppm = 50000,
		.predicted_volume_milli = 1000000,
		.band_low_ppm = 100000,
		.band_high_ppm = 100000,
		.adjust_below_ppm = 500000,
		.adjust_above_ppm = 500000,
		.credit_cap_ppm = 100000,
		.advance_pence_per_month = 1000,
		.map_pence = 5000000,
	};
	return t;
}

/* ---- months ------------------------------------------------------------- */

static void month_parse_values(void)
{
	int m = -1;

	CHECK_I64(pbr_month_parse("2025-01", &m), 0);
	CHECK_I64(m, 24300);                     /* 2025*12 + 0 */
	CHECK_I64(pbr_month_parse("2025-12", &m), 0);
	CHECK_I64(m, 24311);                     /* 2025*12 + 11 */
	CHECK_I64(pbr_month_parse("1000-01", &m), 0);
	CHECK_I64(m, 12000);
	CHECK_I64(pbr_month_year(24311), 2025);
	CHECK_I64(pbr_month_number(24311), 12);
	CHECK_I64(pbr_month_number(24300), 1);
}

static void month_parse_refuses(void)
{
	const char *const bad[] = { "2025-00", "2025-13", "2025-1", "2025-001",
				    "0999-12", "2025/01", "2025-1a", "", "2025Q1",
				    " 2025-01", "2025-01 ", "2025-20",
				    /* each position below '0' and above '9' */
				    "/025-01", ":025-01", "2/25-01", "2:25-01",
				    "20/5-01", "20:5-01", "202/-01", "202:-01",
				    "2025-/1", "2025-:1", "2025-0/", "2025-0:" };
	int m = 7;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_I64(pbr_month_parse(bad[i], &m), -1);
	CHECK_I64(pbr_month_parse(NULL, &m), -1);
	CHECK_I64(m, 7);                         /* untouched on failure */
}

static void month_format_round_trip(void)
{
	const char *const s[] = { "2024-01", "2024-09", "2024-10", "2024-12",
				  "9999-12", "1000-01" };
	char buf[8];
	int m;

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		CHECK_I64(pbr_month_parse(s[i], &m), 0);
		pbr_month_format(m, buf);
		CHECK_STR(buf, s[i]);
	}
}

/* ---- discount and instalments ------------------------------------------ */

static void discount_exact(void)
{
	struct pbr_fee_terms t = terms();
	int64_t d = -1, a = -1;

	/* 1 200 000 * 50 000 / 10^6 = 60 000 exactly; A' = 1 140 000 */
	CHECK_I64(pbr_fee_discount(1200000, 50000), 60000);
	CHECK_I64(pbr_fee_discount(1000000000000LL, 1000000), 1000000000000LL);
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 60000);
	CHECK_I64(a, 1140000);
}

static void discount_rounds_half_up(void)
{
	struct pbr_fee_terms t = terms();
	int64_t d, a;

	/* 10 * 50 000 / 10^6 = 0.5 exactly: up to 1; A' = 9 */
	t.annual_price_pence = 10;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 1);
	CHECK_I64(a, 9);
	/* 9 * 50 000 / 10^6 = 0.45: down to 0 */
	t.annual_price_pence = 9;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 0);
	CHECK_I64(a, 9);
	/* 9 * 55 556 / 10^6 = 0.500004: up to 1 */
	t.learning_curve_ppm = 55556;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 1);
	CHECK_I64(a, 8);
	/* 9 * 55 555 / 10^6 = 0.499995: down to 0 */
	t.learning_curve_ppm = 55555;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 0);
}

static void discount_extremes(void)
{
	struct pbr_fee_terms t = terms();
	int64_t d, a;

	/* the whole price: 10^12 * 10^6 / 10^6 = 10^12, A' = 0 */
	t.annual_price_pence = 1000000000000LL;
	t.learning_curve_ppm = 1000000;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(d, 1000000000000LL);
	CHECK_I64(a, 0);
	/* no discount */
	t.learning_curve_ppm = 0;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), 0);
	CHECK_I64(a, 1000000000000LL);
	/* out of the table's ranges: refused, not computed */
	t.annual_price_pence = 1000000000001LL;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), -1);
	t = terms();
	t.learning_curve_ppm = 1000001;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), -1);
	t = terms();
	t.predicted_volume_milli = 0;
	CHECK_I64(pbr_fee_discounted(&t, &d, &a), -1);
}

static void instalments_even(void)
{
	/* 1 140 000 = 12 * 95 000: every month 95 000 */
	for (int m = 1; m <= 12; m++)
		CHECK_I64(pbr_fee_instalment(1140000, m), 95000);
}

static void instalments_remainder(void)
{
	/* 1 000 003 = 12 * 83 333 + 7: months 1-7 get 83 334, 8-12 83 333 */
	CHECK_I64(pbr_fee_instalment(1000003, 1), 83334);
	CHECK_I64(pbr_fee_instalment(1000003, 7), 83334);
	CHECK_I64(pbr_fee_instalment(1000003, 8), 83333);
	CHECK_I64(pbr_fee_instalment(1000003, 12), 83333);
	/* 9 = 12 * 0 + 9: months 1-9 get 1 penny, 10-12 nothing */
	CHECK_I64(pbr_fee_instalment(9, 9), 1);
	CHECK_I64(pbr_fee_instalment(9, 10), 0);
	/* 11 = 12 * 0 + 11: only December gets 0 */
	CHECK_I64(pbr_fee_instalment(11, 11), 1);
	CHECK_I64(pbr_fee_instalment(11, 12), 0);
	CHECK_I64(pbr_fee_instalment(0, 1), 0);
}

static void instalments_sum_to_price(void)
{
	const int64_t prices[] = { 0, 1, 11, 12, 13, 23, 1000003, 1140000,
				   999999999999LL, 1000000000000LL };

	for (size_t i = 0; i < sizeof prices / sizeof prices[0]; i++) {
		int64_t sum = 0, lo = prices[i] / 12;

		for (int m = 1; m <= 12; m++) {
			int64_t f = pbr_fee_instalment(prices[i], m);
			CHECK_TRUE(f == lo || f == lo + 1);   /* never more than a penny apart */
			sum += f;
		}
		CHECK_I64(sum, prices[i]);
	}
}

/* ---- returns ------------------------------------------------------------ */

/* SPEC 11.1's ranges of every term: each field one step outside either
 * end is refused, the ends themselves are accepted */
static void terms_ranges(void)
{
	struct {
		size_t off;
		int64_t lo, hi;
	} f[] = {
		{ offsetof(struct pbr_fee_terms, annual_price_pence), 0, 1000000000000LL },
		{ offsetof(struct pbr_fee_terms, learning_curve_ppm), 0, 1000000 },
		{ offsetof(struct pbr_fee_terms, predicted_volume_milli), 1, 1000000000000LL },
		{ offsetof(struct pbr_fee_terms, band_low_ppm), 0, 1000000 },
		{ offsetof(struct pbr_fee_terms, band_high_ppm), 0, 10000000 },
		{ offsetof(struct pbr_fee_terms, adjust_below_ppm), 0, 1000000 },
		{ offsetof(struct pbr_fee_terms, adjust_above_ppm), 0, 1000000 },
		{ offsetof(struct pbr_fee_terms, credit_cap_ppm), 0, 1000000 },
		{ offsetof(struct pbr_fee_terms, advance_pence_per_month), 0, INT64_MAX },
		{ offsetof(struct pbr_fee_terms, map_pence), 0, INT64_MAX },
	};
	struct pbr_fee_terms good = terms();

	CHECK_I64(pbr_fee_terms_ok(&good), 0);
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		struct pbr_fee_terms t = terms();
		int64_t *v = (int64_t *)((char *)&t + f[i].off);

		*v = f[i].lo;
		CHECK_I64(pbr_fee_terms_ok(&t), 0);
		*v = f[i].hi;
		CHECK_I64(pbr_fee_terms_ok(&t), 0);
		*v = f[i].lo - 1;
		CHECK_I64(pbr_fee_terms_ok(&t), -1);
		if (f[i].hi < INT64_MAX) {
			*v = f[i].hi + 1;
			CHECK_I64(pbr_fee_terms_ok(&t), -1);
		}
	}
}

static void volume_cases_bounds(void)
{
	CHECK_TRUE(pbr_volume_cases_ok(true, 0));
	CHECK_TRUE(pbr_volume_cases_ok(true, 1000000));    /* the edge */
	CHECK_FALSE(pbr_volume_cases_ok(true, 1000001));   /* one over */
	CHECK_FALSE(pbr_volume_cases_ok(true, -1));
	CHECK_FALSE(pbr_volume_cases_ok(false, 0));        /* NULL */
}

static void kpi_figures_bounds(void)
{
	CHECK_TRUE(pbr_kpi_figures_ok(true, 0, true, 0));
	CHECK_TRUE(pbr_kpi_figures_ok(true, 5, true, 5));
	CHECK_TRUE(pbr_kpi_figures_ok(true, 1000000000000LL, true, 1000000000000LL));
	CHECK_FALSE(pbr_kpi_figures_ok(true, 1, true, 1000000000001LL));
	CHECK_FALSE(pbr_kpi_figures_ok(true, 6, true, 5));  /* numerator > denominator */
	CHECK_FALSE(pbr_kpi_figures_ok(true, -1, true, 5));
	CHECK_FALSE(pbr_kpi_figures_ok(false, 0, true, 5));
	CHECK_FALSE(pbr_kpi_figures_ok(true, 0, false, 5));
}

static void volume_sum(void)
{
	int64_t s = 0;

	/* 120 cases at 1 000 + 30 at 1 500 = 120 000 + 45 000 = 165 000 */
	CHECK_I64(pbr_volume_add(&s, 120, 1000), 0);
	CHECK_I64(pbr_volume_add(&s, 30, 1500), 0);
	CHECK_I64(s, 165000);
	/* the largest row: 10^6 * 10^5 = 10^11 */
	s = 0;
	CHECK_I64(pbr_volume_add(&s, 1000000, 100000), 0);
	CHECK_I64(s, 100000000000LL);
	s = INT64_MAX - 5;
	CHECK_I64(pbr_volume_add(&s, 1, 6), -1);
	CHECK_I64(s, INT64_MAX - 5);          /* unchanged */
	/* the product itself past 64 bits: 2^62 * 2 */
	s = 0;
	CHECK_I64(pbr_volume_add(&s, (int64_t)1 << 62, 2), -1);
	CHECK_I64(s, 0);
}

/* ---- KPIs and credits ---------------------------------------------------- */

static void kpi_status_edges(void)
{
	/* target 90 %: 9/10 is exactly on it (9*10^6 = 900 000*10) -> MET */
	CHECK_I64(pbr_kpi_status(true, 9, 10, 900000, false), PBR_KPI_MET);
	/* one unit short: 899 999 / 1 000 000 < 90 % -> BREACHED */
	CHECK_I64(pbr_kpi_status(true, 899999, 1000000, 900000, false), PBR_KPI_BREACHED);
	CHECK_I64(pbr_kpi_status(true, 900000, 1000000, 900000, false), PBR_KPI_MET);
	/* denominator 0: nothing to measure -> MET, even at a 100 % target */
	CHECK_I64(pbr_kpi_status(true, 0, 0, 1000000, false), PBR_KPI_MET);
	/* target 0: always MET */
	CHECK_I64(pbr_kpi_status(true, 0, 7, 0, false), PBR_KPI_MET);
	/* 100 % at 10^12: (10^12 - 1) * 10^6 < 10^6 * 10^12 */
	CHECK_I64(pbr_kpi_status(true, 1000000000000LL, 1000000000000LL, 1000000, false), PBR_KPI_MET);
	CHECK_I64(pbr_kpi_status(true, 999999999999LL, 1000000000000LL, 1000000, false), PBR_KPI_BREACHED);
}

static void kpi_status_missing_and_waived(void)
{
	CHECK_I64(pbr_kpi_status(false, 0, 0, 900000, false), PBR_KPI_NOT_REPORTED);
	CHECK_I64(pbr_kpi_status(false, 0, 0, 900000, true), PBR_KPI_WAIVED);
	CHECK_I64(pbr_kpi_status(true, 1, 10, 900000, true), PBR_KPI_WAIVED);
	/* a waiver of a MET KPI changes nothing */
	CHECK_I64(pbr_kpi_status(true, 10, 10, 900000, true), PBR_KPI_MET);
	CHECK_STR(pbr_kpi_status_name(PBR_KPI_MET), "MET");
	CHECK_STR(pbr_kpi_status_name(PBR_KPI_BREACHED), "BREACHED");
	CHECK_STR(pbr_kpi_status_name(PBR_KPI_NOT_REPORTED), "NOT_REPORTED");
	CHECK_STR(pbr_kpi_status_name(PBR_KPI_WAIVED), "WAIVED");
	/* a value of no status (a corrupted enum) is named, not read past */
	CHECK_STR(pbr_kpi_status_name((enum pbr_kpi_status)99), "?");
}

static void kpi_accrual(void)
{
	CHECK_I64(pbr_kpi_accrues(PBR_KPI_BREACHED, 5000), 5000);
	CHECK_I64(pbr_kpi_accrues(PBR_KPI_NOT_REPORTED, 4500), 4500);
	CHECK_I64(pbr_kpi_accrues(PBR_KPI_WAIVED, 5000), 0);
	CHECK_I64(pbr_kpi_accrues(PBR_KPI_MET, 5000), 0);
}

static void credits_exactly_at_cap(void)
{
	struct pbr_credits c;

	/* Ffs 95 000, cap 10 % = 9 500; 5 000 + 4 500 = 9 500: all of it */
	CHECK_I64(pbr_credits_start(&c, 95000, 100000), 0);
	CHECK_I64(c.cap, 9500);
	CHECK_I64(pbr_credits_add(&c, 5000), 0);
	CHECK_I64(pbr_credits_add(&c, 4500), 0);
	pbr_credits_finish(&c);
	CHECK_I64(c.accrued, 9500);
	CHECK_I64(c.credit, 9500);
	CHECK_I64(c.cap_cut, 0);
}

static void credits_one_over_cap(void)
{
	struct pbr_credits c;

	/* one penny more than the cap: 9 501 accrued, 9 500 credited, 1 cut */
	CHECK_I64(pbr_credits_start(&c, 95000, 100000), 0);
	CHECK_I64(pbr_credits_add(&c, 5000), 0);
	CHECK_I64(pbr_credits_add(&c, 4501), 0);
	pbr_credits_finish(&c);
	CHECK_I64(c.credit, 9500);
	CHECK_I64(c.cap_cut, 1);
	/* one under */
	CHECK_I64(pbr_credits_start(&c, 95000, 100000), 0);
	CHECK_I64(pbr_credits_add(&c, 9499), 0);
	pbr_credits_finish(&c);
	CHECK_I64(c.credit, 9499);
	CHECK_I64(c.cap_cut, 0);
}

static void credits_cap_rounding(void)
{
	struct pbr_credits c;

	/* 83 335 * 10 % = 8 333.5: up to 8 334 */
	CHECK_I64(pbr_credits_start(&c, 83335, 100000), 0);
	CHECK_I64(c.cap, 8334);
	/* 83 334 * 10 % = 8 333.4: down to 8 333 */
	CHECK_I64(pbr_credits_start(&c, 83334, 100000), 0);
	CHECK_I64(c.cap, 8333);
	/* cap 0 ppm: no credit ever, all of it cut */
	CHECK_I64(pbr_credits_start(&c, 95000, 0), 0);
	CHECK_I64(pbr_credits_add(&c, 700), 0);
	pbr_credits_finish(&c);
	CHECK_I64(c.credit, 0);
	CHECK_I64(c.cap_cut, 700);
	/* nothing accrued */
	CHECK_I64(pbr_credits_start(&c, 95000, 100000), 0);
	pbr_credits_finish(&c);
	CHECK_I64(c.credit, 0);
	CHECK_I64(c.cap_cut, 0);
}

static void credits_overflow(void)
{
	struct pbr_credits c;

	CHECK_I64(pbr_credits_start(&c, 95000, 100000), 0);
	CHECK_I64(pbr_credits_add(&c, INT64_MAX), 0);
	CHECK_I64(pbr_credits_add(&c, 1), -1);
	CHECK_I64(pbr_credits_add(&c, -1), -1);
	CHECK_I64(pbr_credits_start(&c, 95000, 1000001), -1);
	CHECK_I64(pbr_credits_start(&c, 95000, -1), -1);
	CHECK_I64(pbr_credits_start(&c, -1, 100000), -1);	/* negative Ffs */
}

/* ---- the year-end volume reconciliation --------------------------------- */
/* With terms(): A' = 1 140 000, Vp = 10^6, lo = 10^6 * 900 000 = 9 * 10^11,
 * hi = 10^6 * 1 100 000 = 1.1 * 10^12, denominator Vp * 10^12 = 10^18. */

static void recon_band_edges(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* exactly the bottom edge: v = 900 000 * 10^6 = lo -> WITHIN */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 900000, &r), 0);
	CHECK_I64(r.position, PBR_WITHIN);
	CHECK_I64(r.adjustment, 0);
	CHECK_I64(r.ffs_year, 1140000);
	/* exactly the top edge -> WITHIN */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1100000, &r), 0);
	CHECK_I64(r.position, PBR_WITHIN);
	CHECK_I64(r.adjustment, 0);
	CHECK_I64(r.predicted_milli, 1000000);
	CHECK_I64(r.actual_milli, 1100000);
	CHECK_STR(pbr_position_name(r.position), "WITHIN");
}

static void recon_one_unit_outside(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* one milli below: lo - v = 10^6; 1 140 000 * 10^6 * 500 000 / 10^18
	 * = 0.57 -> -round(0.57) = -1 */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 899999, &r), 0);
	CHECK_I64(r.position, PBR_BELOW);
	CHECK_I64(r.adjustment, -1);
	CHECK_I64(r.ffs_year, 1139999);
	CHECK_STR(pbr_position_name(r.position), "BELOW");
	/* one milli above: the same +1 */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1100001, &r), 0);
	CHECK_I64(r.position, PBR_ABOVE);
	CHECK_I64(r.adjustment, 1);
	CHECK_I64(r.ffs_year, 1140001);
	CHECK_STR(pbr_position_name(r.position), "ABOVE");
}

static void recon_rounding_halves(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* A' = 10^6: one milli outside is 10^6 * 10^6 * 500 000 / 10^18 = 0.5
	 * exactly: +1 above, and below -round(0.5) = -1 (not 0) */
	CHECK_I64(pbr_fee_reconcile(&t, 1000000, 1100001, &r), 0);
	CHECK_I64(r.adjustment, 1);
	CHECK_I64(pbr_fee_reconcile(&t, 1000000, 899999, &r), 0);
	CHECK_I64(r.adjustment, -1);
	/* 0.499999...: A' = 999 999 -> 0.4999995 -> 0 either way, yet the
	 * position is still ABOVE / BELOW */
	CHECK_I64(pbr_fee_reconcile(&t, 999999, 1100001, &r), 0);
	CHECK_I64(r.position, PBR_ABOVE);
	CHECK_I64(r.adjustment, 0);
	CHECK_I64(pbr_fee_reconcile(&t, 999999, 899999, &r), 0);
	CHECK_I64(r.position, PBR_BELOW);
	CHECK_I64(r.adjustment, 0);
}

static void recon_far_below_and_pot(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* Va 700 000: lo - v = 2 * 10^11; 1 140 000 * 2*10^11 * 500 000 / 10^18
	 * = 114 000 -> -114 000 (200 cases under the band at 1 140 p, half) */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 700000, &r), 0);
	CHECK_I64(r.adjustment, -114000);
	CHECK_I64(r.ffs_year, 1026000);
	CHECK_I64(r.map, 5000000);
	CHECK_I64(r.pbr_pot, 3974000);           /* 5 000 000 - 1 026 000 */
	/* no volume at all: lo - 0 = 9 * 10^11 -> 1 140 000 * 9e11 * 5e5 / 1e18
	 * = 513 000 */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 0, &r), 0);
	CHECK_I64(r.adjustment, -513000);
	/* MAP below FfsYear: the pot is 0, never negative */
	t.map_pence = 1000000;
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1000000, &r), 0);
	CHECK_I64(r.ffs_year, 1140000);
	CHECK_I64(r.pbr_pot, 0);
	/* MAP equal to FfsYear: pot 0 */
	t.map_pence = 1140000;
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1000000, &r), 0);
	CHECK_I64(r.pbr_pot, 0);
}

static void recon_far_above(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* Va 1 500 000: v - hi = 1.5e12 - 1.1e12 = 4 * 10^11;
	 * 1 140 000 * 4e11 * 500 000 / 1e18 = 228 000 */
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1500000, &r), 0);
	CHECK_I64(r.adjustment, 228000);
	CHECK_I64(r.ffs_year, 1368000);
	CHECK_I64(r.pbr_pot, 3632000);
	/* adjust_above 0: ABOVE but nothing paid */
	t.adjust_above_ppm = 0;
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1500000, &r), 0);
	CHECK_I64(r.position, PBR_ABOVE);
	CHECK_I64(r.adjustment, 0);
}

static void recon_zero_band(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* a band of 0 either side: only Va = Vp is WITHIN */
	t.band_low_ppm = 0;
	t.band_high_ppm = 0;
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1000000, &r), 0);
	CHECK_I64(r.position, PBR_WITHIN);
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1000001, &r), 0);
	CHECK_I64(r.position, PBR_ABOVE);
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 999999, &r), 0);
	CHECK_I64(r.position, PBR_BELOW);
}

static void recon_overflow(void)
{
	struct pbr_fee_terms t = terms();
	struct pbr_volume_recon r;

	/* Vp 1, A' 10^12, adjust 10^6, Va near 2^63: A' * (v - hi) ~ 9.2e36
	 * fits 128 bits, times 10^6 does not -> refused */
	t.predicted_volume_milli = 1;
	t.adjust_above_ppm = 1000000;
	t.annual_price_pence = 1000000000000LL;
	CHECK_I64(pbr_fee_reconcile(&t, 1000000000000LL, INT64_MAX, &r), -1);
	/* the largest that fits: Va 10^11 above Vp 1 -> the adjustment is
	 * A' * (10^17 - 1.1*10^6... ) / 10^12: 10^12 * (10^17 - 1 100 000) * 10^6
	 * / 10^12 = 10^23 - 1.1*10^12 > int64 -> refused too */
	CHECK_I64(pbr_fee_reconcile(&t, 1000000000000LL, 100000000000LL, &r), -1);
	/* A sane large year: Vp 10^12, Va 2 * 10^12, A' 10^12, adjust 10^6,
	 * band_high 0: v - hi = 10^18; 10^12 * 10^18 * 10^6 / 10^24 = 10^12 */
	t.predicted_volume_milli = 1000000000000LL;
	t.band_high_ppm = 0;
	CHECK_I64(pbr_fee_reconcile(&t, 1000000000000LL, 2000000000000LL, &r), 0);
	CHECK_I64(r.adjustment, 1000000000000LL);
	CHECK_I64(r.ffs_year, 2000000000000LL);
	/* negative volume or A' refused */
	CHECK_I64(pbr_fee_reconcile(&t, 1, -1, &r), -1);
	CHECK_I64(pbr_fee_reconcile(&t, -1, 1, &r), -1);
	/* A' * (v - hi) itself past 128 bits: A' = 2^63 - 1, Vp 1, Va 2^63 - 1
	 * so v - hi ~ 9.2 * 10^24 ~ 2^83: the product ~ 2^146 */
	t.predicted_volume_milli = 1;
	CHECK_I64(pbr_fee_reconcile(&t, INT64_MAX, INT64_MAX, &r), -1);
	/* terms out of range are refused before anything is computed */
	t = terms();
	t.band_low_ppm = 1000001;
	CHECK_I64(pbr_fee_reconcile(&t, 1140000, 1000000, &r), -1);
	CHECK_STR(pbr_position_name((enum pbr_position)99), "?");
	/* FfsYear = A' + adjustment past 64 bits: Vp 1 milli, no band above,
	 * adjust 100 %; Va 2 milli: v - hi = 10^6, den 10^12, so the
	 * adjustment is A' itself; A' = 2^62 twice is 2^63 */
	t = terms();
	t.predicted_volume_milli = 1;
	t.band_high_ppm = 0;
	t.adjust_above_ppm = 1000000;
	CHECK_I64(pbr_fee_reconcile(&t, (int64_t)1 << 62, 2, &r), -1);
	CHECK_I64(pbr_fee_reconcile(&t, ((int64_t)1 << 62) - 1, 2, &r), 0);
	CHECK_I64(r.adjustment, ((int64_t)1 << 62) - 1);
	CHECK_I64(r.ffs_year, INT64_MAX - 1);
}

/* ---- the month's figure and the PbR side ------------------------------- */

static void period_due(void)
{
	int64_t d;

	/* 95 000 - 9 500 + 1 000 + 0 = 86 500 */
	CHECK_I64(pbr_fee_period_due(95000, 9500, 1000, 0, &d), 0);
	CHECK_I64(d, 86500);
	/* December far below: 95 000 - 0 + 1 000 - 114 000 = -18 000 */
	CHECK_I64(pbr_fee_period_due(95000, 0, 1000, -114000, &d), 0);
	CHECK_I64(d, -18000);
	CHECK_I64(pbr_fee_period_due(0, 0, INT64_MAX, 1, &d), -1);
	/* each step overflowing: Ffs - credit, then + advance */
	CHECK_I64(pbr_fee_period_due(INT64_MIN, 1, 0, 0, &d), -1);
	CHECK_I64(pbr_fee_period_due(INT64_MAX, 0, 1, 0, &d), -1);
	CHECK_I64(d, -18000);                 /* untouched on failure */
}

static void round_signed(void)
{
	int64_t v;

	CHECK_I64(pbr_round_signed(5, 10, &v), 0);     /* 0.5 -> 1 */
	CHECK_I64(v, 1);
	CHECK_I64(pbr_round_signed(-5, 10, &v), 0);    /* -0.5 -> -round(0.5) = -1 */
	CHECK_I64(v, -1);
	CHECK_I64(pbr_round_signed(-4, 10, &v), 0);    /* -0.4 -> 0 */
	CHECK_I64(v, 0);
	CHECK_I64(pbr_round_signed(-15, 10, &v), 0);   /* -1.5 -> -2 */
	CHECK_I64(v, -2);
	CHECK_I64(pbr_round_signed(1, 0, &v), -1);     /* denominator 0 */
	CHECK_I64(pbr_round_signed((__int128)INT64_MAX * 4, 2, &v), -1);
	/* the most negative __int128 has no |a| */
	CHECK_I64(pbr_round_signed(-(__int128)(((unsigned __int128)1 << 127) - 1) - 1, 3, &v), -1);
	/* the least int64 result allowed: -(2^63 - 1) */
	CHECK_I64(pbr_round_signed(-(__int128)INT64_MAX * 10, 10, &v), 0);
	CHECK_I64(v, -INT64_MAX);
}

static void advance_and_map_cap(void)
{
	int64_t n;

	CHECK_I64(pbr_fee_advance_netted(1000, &n), 0);
	CHECK_I64(n, 3000);
	CHECK_I64(pbr_fee_advance_netted(0, &n), 0);
	CHECK_I64(n, 0);
	CHECK_I64(pbr_fee_advance_netted(INT64_MAX / 3 + 1, &n), -1);
	CHECK_I64(pbr_fee_advance_netted(-1, &n), -1);
	/* min(4 * 100, 350) = 350; min(400, 500) = 400 */
	CHECK_I64(pbr_fee_map_cap(100, 4, 350), 350);
	CHECK_I64(pbr_fee_map_cap(100, 4, 500), 400);
	CHECK_I64(pbr_fee_map_cap(100, 4, 0), 0);
	/* k * cap past 64 bits saturates: the pot decides */
	CHECK_I64(pbr_fee_map_cap(INT64_MAX, 2, 123), 123);
}

static const struct cu_test months[] = {
	T_ENTRY(month_parse_values),
	T_ENTRY(month_parse_refuses),
	T_ENTRY(month_format_round_trip),
	T_END
};

static const struct cu_test price[] = {
	T_ENTRY(discount_exact),
	T_ENTRY(discount_rounds_half_up),
	T_ENTRY(discount_extremes),
	T_ENTRY(instalments_even),
	T_ENTRY(instalments_remainder),
	T_ENTRY(instalments_sum_to_price),
	T_ENTRY(round_signed),
	T_END
};

static const struct cu_test returns[] = {
	T_ENTRY(terms_ranges),
	T_ENTRY(volume_cases_bounds),
	T_ENTRY(kpi_figures_bounds),
	T_ENTRY(volume_sum),
	T_END
};

static const struct cu_test credits[] = {
	T_ENTRY(kpi_status_edges),
	T_ENTRY(kpi_status_missing_and_waived),
	T_ENTRY(kpi_accrual),
	T_ENTRY(credits_exactly_at_cap),
	T_ENTRY(credits_one_over_cap),
	T_ENTRY(credits_cap_rounding),
	T_ENTRY(credits_overflow),
	T_END
};

static const struct cu_test recon[] = {
	T_ENTRY(recon_band_edges),
	T_ENTRY(recon_one_unit_outside),
	T_ENTRY(recon_rounding_halves),
	T_ENTRY(recon_far_below_and_pot),
	T_ENTRY(recon_far_above),
	T_ENTRY(recon_zero_band),
	T_ENTRY(recon_overflow),
	T_ENTRY(period_due),
	T_ENTRY(advance_and_map_cap),
	T_END
};

int cu_fee_register(void)
{
	if (cu_add_suite("fee: months", months) != 0 ||
	    cu_add_suite("fee: price and instalments", price) != 0 ||
	    cu_add_suite("fee: returns", returns) != 0 ||
	    cu_add_suite("fee: KPIs and service credits", credits) != 0 ||
	    cu_add_suite("fee: year-end volume reconciliation", recon) != 0)
		return -1;
	return 0;
}
