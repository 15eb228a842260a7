/*
 * cu_money.c - sums, annex contributions, payments (hurdle, gate, prices,
 * cap) and PCC attribution (SPEC sections 1 and 5).
 *
 * Units: B = Eb - Ab is in bp*ppm (10^10 per weighted offender), so
 * Pb = round(B * binary_price / 10^10); F = Ef - Af is in bp*milli
 * (10^7 per weighted reoffence), so Pf = round(F * frequency_price / 10^7).
 */
#include "suites.h"

#include "core.h"

#include <string.h>

#define E10 10000000000LL  /* 10^10 */

/* ---- sums ------------------------------------------------------------------ */

static const struct pbr_member m1 = {
	.weight_bp = 12000, .p = 400000, .f = 1500, .r = 2, .y = 1,
};
static const struct pbr_member m2 = {
	.weight_bp = 10000, .p = 300000, .f = 800, .r = 0, .y = 0,
};

static void check_sums(const struct pbr_sums *s, int64_t n, int64_t W,
		       int64_t Eb, int64_t Ab, int64_t Ef, int64_t Af)
{
	CHECK_I64(s->n, n);
	CHECK_I64(s->W, W);
	CHECK_I64(s->Eb, Eb);
	CHECK_I64(s->Ab, Ab);
	CHECK_I64(s->Ef, Ef);
	CHECK_I64(s->Af, Af);
}

static void sums_add_one(void)
{
	struct pbr_sums s = { 0 };

	CHECK_I64(pbr_sums_add(&s, &m1), 0);
	/* W 12000; Eb 12000*400000 = 4 800 000 000; Ab 12000*1*10^6 =
	 * 12 000 000 000; Ef 12000*1500 = 18 000 000; Af 12000*2*1000 =
	 * 24 000 000 */
	check_sums(&s, 1, 12000, 4800000000LL, 12000000000LL, 18000000,
		   24000000);
	/* B = 4.8e9 - 12e9 = -7.2e9; F = 18e6 - 24e6 = -6e6 */
	CHECK_I64(pbr_sums_B(&s), -7200000000LL);
	CHECK_I64(pbr_sums_F(&s), -6000000);
}

static void sums_add_two(void)
{
	struct pbr_sums s = { 0 };

	CHECK_I64(pbr_sums_add(&s, &m1), 0);
	CHECK_I64(pbr_sums_add(&s, &m2), 0);
	/* m2: Eb 10000*300000 = 3e9, Ab 0, Ef 10000*800 = 8e6, Af 0.
	 * W 22000; Eb 4.8e9+3e9 = 7.8e9; Ab 12e9; Ef 18e6+8e6 = 26e6;
	 * Af 24e6 */
	check_sums(&s, 2, 22000, 7800000000LL, 12000000000LL, 26000000,
		   24000000);
	/* B = 7.8e9 - 12e9 = -4.2e9; F = 26e6 - 24e6 = 2e6 */
	CHECK_I64(pbr_sums_B(&s), -4200000000LL);
	CHECK_I64(pbr_sums_F(&s), 2000000);
}

static void sums_add_weight_1e6(void)
{
	struct pbr_sums s = { 0 };
	struct pbr_member m = { .weight_bp = 1000000, .p = 1000000,
				.f = 1000000, .r = 10000, .y = 1 };

	CHECK_I64(pbr_sums_add(&s, &m), 0);
	/* Eb 10^6*10^6 = 10^12; Ab 10^6*1*10^6 = 10^12; Ef 10^12;
	 * Af 10^6*10^4*10^3 = 10^13 */
	check_sums(&s, 1, 1000000, 1000000000000LL, 1000000000000LL,
		   1000000000000LL, 10000000000000LL);
}

static void sums_add_largest_member(void)
{
	struct pbr_sums s = { 0 };
	/* the largest allowed values: weight up to max_weight_bp, an SQL
	 * integer (2^31 - 1 = 2147483647); p, f at 10^6; r at 10^4 */
	struct pbr_member m = { .weight_bp = 2147483647, .p = 1000000,
				.f = 1000000, .r = 10000, .y = 1 };

	CHECK_I64(pbr_sums_add(&s, &m), 0);
	/* Eb = Ab = Ef = 2147483647 * 10^6 = 2 147 483 647 000 000;
	 * Af = 2147483647 * 10^4 * 10^3 = 21 474 836 470 000 000 */
	check_sums(&s, 1, 2147483647, 2147483647000000LL, 2147483647000000LL,
		   2147483647000000LL, 21474836470000000LL);
}

static void sums_add_reaches_int64_max(void)
{
	struct pbr_sums s = { 0 };
	struct pbr_member m = { .weight_bp = 1, .p = 5 };

	s.Eb = INT64_MAX - 5;
	/* Eb: INT64_MAX - 5 + 1*5 = INT64_MAX exactly, fits */
	CHECK_I64(pbr_sums_add(&s, &m), 0);
	check_sums(&s, 1, 1, INT64_MAX, 0, 0, 0);
}

static void sums_add_overflow_unchanged(void)
{
	struct pbr_sums s = { 0 }, before;
	struct pbr_member m = { .weight_bp = 1, .p = 6 };

	s.n = 7;
	s.W = 70000;
	s.Eb = INT64_MAX - 5;               /* + 1*6 = INT64_MAX + 1 */
	before = s;
	CHECK_I64(pbr_sums_add(&s, &m), -1);
	check_sums(&s, before.n, before.W, before.Eb, before.Ab, before.Ef,
		   before.Af);
}

static void sums_add_overflow_af(void)
{
	struct pbr_sums s = { 0 }, before;

	/* m1 adds Af 12000*2*1000 = 24 000 000; INT64_MAX - 23 999 999 +
	 * 24 000 000 = INT64_MAX + 1 */
	s.Af = INT64_MAX - 23999999;
	before = s;
	CHECK_I64(pbr_sums_add(&s, &m1), -1);
	check_sums(&s, before.n, before.W, before.Eb, before.Ab, before.Ef,
		   before.Af);
}

static void sums_add_overflow_n(void)
{
	struct pbr_sums s = { 0 };

	s.n = INT64_MAX;                    /* + 1 */
	CHECK_I64(pbr_sums_add(&s, &m2), -1);
	check_sums(&s, INT64_MAX, 0, 0, 0, 0, 0);
}

static void sums_merge_values(void)
{
	struct pbr_sums s = { 2, 22000, 7800000000LL, 12000000000LL, 26000000,
			      24000000, 0 };
	struct pbr_sums t = { 3, 30000, 1, 2, 3, 4, 0 };

	CHECK_I64(pbr_sums_merge(&s, &t), 0);
	/* field by field: 2+3, 22000+30000, 7800000000+1, 12000000000+2,
	 * 26000000+3, 24000000+4 */
	check_sums(&s, 5, 52000, 7800000001LL, 12000000002LL, 26000003,
		   24000004);
	check_sums(&t, 3, 30000, 1, 2, 3, 4);   /* t is not touched */
}

static void sums_merge_zero(void)
{
	struct pbr_sums s = { 2, 22000, 7800000000LL, 12000000000LL, 26000000,
			      24000000, 0 };
	struct pbr_sums z = { 0 };

	CHECK_I64(pbr_sums_merge(&s, &z), 0);
	check_sums(&s, 2, 22000, 7800000000LL, 12000000000LL, 26000000,
		   24000000);
}

static void sums_merge_near_limit(void)
{
	/* two halves of a pool: 4611686018427387903 * 2 + 1 = INT64_MAX */
	struct pbr_sums s = { 1, 1, 4611686018427387903LL, 0, 0, 0, 0 };
	struct pbr_sums t = { 1, 1, 4611686018427387904LL, 0, 0, 0, 0 };

	CHECK_I64(pbr_sums_merge(&s, &t), 0);
	check_sums(&s, 2, 2, INT64_MAX, 0, 0, 0);
}

static void sums_merge_overflow_unchanged(void)
{
	struct pbr_sums s = { 1, INT64_MAX, 10, 20, 30, 40, 0 };
	struct pbr_sums t = { 1, 1, 1, 1, 1, 1, 0 };   /* W: INT64_MAX + 1 */

	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	check_sums(&s, 1, INT64_MAX, 10, 20, 30, 40);
}

static void sums_merge_overflow_ef(void)
{
	struct pbr_sums s = { 1, 10000, 0, 0, INT64_MAX - 2, 0, 0 };
	struct pbr_sums t = { 1, 10000, 0, 0, 3, 0, 0 };  /* Ef: INT64_MAX + 1 */

	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	check_sums(&s, 1, 10000, 0, 0, INT64_MAX - 2, 0);
}

static void sums_merge_overflow_b(void)
{
	/* the sums fit, B = Eb - Ab does not: -2^62 - (2^62 + 1) < INT64_MIN;
	 * computed in 128 bits (an int64 subtraction here would be undefined
	 * behaviour, which the UBSan run of the suite would report) */
	struct pbr_sums s = { .n = 1, .W = 10000, .Eb = -(INT64_C(1) << 62) };
	struct pbr_sums t = { .n = 1, .W = 10000, .Ab = (INT64_C(1) << 62) + 1 };

	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	check_sums(&s, 1, 10000, -(INT64_C(1) << 62), 0, 0, 0);
}

/* ---- annex contributions ------------------------------------------------------ */

static void contribution_reoffended(void)
{
	/* 12000 * (400000 - 1*10^6) = 12000 * -600000 = -7 200 000 000 */
	CHECK_I64(pbr_binary_contribution(&m1), -7200000000LL);
	/* 12000 * (1500 - 2*1000) = 12000 * -500 = -6 000 000 */
	CHECK_I64(pbr_frequency_contribution(&m1), -6000000);
}

static void contribution_not_reoffended(void)
{
	/* 10000 * (300000 - 0) = 3 000 000 000 */
	CHECK_I64(pbr_binary_contribution(&m2), 3000000000LL);
	/* 10000 * (800 - 0) = 8 000 000 */
	CHECK_I64(pbr_frequency_contribution(&m2), 8000000);
}

static void contribution_extremes(void)
{
	struct pbr_member m = { .weight_bp = 2147483647, .p = 0, .f = 0,
				.r = 10000, .y = 1 };

	/* 2147483647 * (0 - 10^6) = -2 147 483 647 000 000 */
	CHECK_I64(pbr_binary_contribution(&m), -2147483647000000LL);
	/* 2147483647 * (0 - 10^4*1000) = -21 474 836 470 000 000 */
	CHECK_I64(pbr_frequency_contribution(&m), -21474836470000000LL);
}

/* ---- payments ------------------------------------------------------------------- */

/* Binary price 100000p (GBP 1000), frequency 50000p (GBP 500), hurdle
 * 20000 ppm (2%), cap 10^12p (not binding). */
static const struct pbr_tariff tariff = {
	.binary_price_pence = 100000,
	.frequency_price_pence = 50000,
	.binary_hurdle_ppm = 20000,
	.cohort_cap_pence = 1000000000000LL,
	.max_weight_bp = 30000,
	.max_reject_ppm = 10000,
};

/* 100 members of weight 10000: W = 10^6; Eb 5*10^11, Ab 4*10^11 so
 * B = 10^11 (10 weighted offenders); Ef 1.5*10^9, Af 1.2*10^9 so
 * F = 3*10^8 (30 weighted reoffences). */
static struct pbr_sums base(void)
{
	struct pbr_sums s = { 100, 1000000, 500000000000LL, 400000000000LL,
			      1500000000LL, 1200000000LL, 0 };
	return s;
}

static void check_pay(const struct pbr_payment *p, bool hurdle, bool gate,
		      int64_t pb, int64_t pf, int64_t pb2, int64_t pf2,
		      int64_t cut, int64_t total)
{
	CHECK_I64(p->hurdle_met, hurdle);
	CHECK_I64(p->gate_open, gate);
	CHECK_I64(p->binary_raw, pb);
	CHECK_I64(p->frequency_raw, pf);
	CHECK_I64(p->binary, pb2);
	CHECK_I64(p->frequency, pf2);
	CHECK_I64(p->cut, cut);
	CHECK_I64(p->total, total);
}

static void price_values(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* hurdle: 10^11 >= 20000 * 10^6 = 2*10^10, met.
	 * Pb = 10^11 * 100000 / 10^10 = 10^6 (10 offenders * GBP 1000).
	 * Pf = 3*10^8 * 50000 / 10^7 = 1.5*10^6 (30 * GBP 500).
	 * T = 2 500 000 < cap, cut 0. */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1500000, 0,
		  2500000);
}

static void price_binary_half_up(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab -= 50000;                      /* B = 10^11 + 50000 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* (10^11 + 5*10^4) * 10^5 / 10^10 = 10^6 + 0.5 -> 1 000 001 */
	CHECK_I64(p.binary_raw, 1000001);
	CHECK_I64(p.total, 2500001);        /* 1000001 + 1500000 */
}

static void price_binary_below_half(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab -= 49999;                      /* B = 10^11 + 49999 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* (10^11 + 49999) * 10^5 / 10^10 = 10^6 + 0.49999 -> 1 000 000 */
	CHECK_I64(p.binary_raw, 1000000);
}

static void price_frequency_half_up(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Af -= 100;                        /* F = 3*10^8 + 100 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* (3*10^8 + 100) * 50000 / 10^7 = 1.5*10^6 + 5*10^6/10^7
	 * = 1500000.5 -> 1 500 001 */
	CHECK_I64(p.frequency_raw, 1500001);
	CHECK_I64(p.frequency, 1500001);
}

static void price_frequency_below_half(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Af -= 99;                         /* F = 3*10^8 + 99 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* 99 * 50000 / 10^7 = 0.495 -> 1500000.495 -> 1 500 000 */
	CHECK_I64(p.frequency_raw, 1500000);
}

static void price_hurdle_equal(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab = 480000000000LL;              /* B = 5e11 - 4.8e11 = 2*10^10 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* B = 2*10^10 = 20000 * 10^6: met at equality.
	 * Pb = 2*10^10 * 10^5 / 10^10 = 200 000; Pf 1 500 000 as base */
	check_pay(&p, true, true, 200000, 1500000, 200000, 1500000, 0,
		  1700000);
}

static void price_hurdle_missed_by_one(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab = 480000000001LL;              /* B = 2*10^10 - 1 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* 19 999 999 999 < 20000 * 10^6: missed, Pb 0.  B > 0 and F > 0
	 * keep the frequency gate open: Pf 1 500 000 */
	check_pay(&p, false, true, 0, 1500000, 0, 1500000, 0, 1500000);
}

static void price_b_zero_zero_hurdle(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = base();
	struct pbr_payment p;

	t.binary_hurdle_ppm = 0;
	s.Ab = s.Eb;                        /* B = 0 */
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	/* B = 0 >= 0 * W, but the hurdle also needs B > 0: not met.
	 * The gate needs only B >= 0 and F > 0: open, Pf 1 500 000 */
	check_pay(&p, false, true, 0, 1500000, 0, 1500000, 0, 1500000);
}

static void price_b_zero_f_zero(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab = s.Eb;                        /* B = 0 */
	s.Af = s.Ef;                        /* F = 0 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	check_pay(&p, false, false, 0, 0, 0, 0, 0, 0);
}

static void price_b_one_zero_hurdle(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = base();
	struct pbr_payment p;

	t.binary_hurdle_ppm = 0;
	s.Ab = s.Eb - 1;                    /* B = 1 */
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	/* met (1 > 0, 1 >= 0); Pb = 1 * 10^5 / 10^10 = 0.00001 -> 0 */
	CHECK_TRUE(p.hurdle_met);
	CHECK_I64(p.binary_raw, 0);
	CHECK_I64(p.frequency_raw, 1500000);
}

static void price_b_negative_gate_shut(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Ab = s.Eb + 1;                    /* B = -1, F = 3*10^8 > 0 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	/* more reoffended than predicted: no binary, gate shut despite F */
	check_pay(&p, false, false, 0, 0, 0, 0, 0, 0);
}

static void price_f_zero_gate_shut(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Af = s.Ef;                        /* F = 0, B = 10^11 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	check_pay(&p, true, false, 1000000, 0, 1000000, 0, 0, 1000000);
}

static void price_f_negative_gate_shut(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	s.Af = s.Ef + 1;                    /* F = -1 */
	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	check_pay(&p, true, false, 1000000, 0, 1000000, 0, 0, 1000000);
}

static void price_empty_cohort(void)
{
	struct pbr_sums s = { 0 };
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, tariff.cohort_cap_pence, &p), 0);
	check_pay(&p, false, false, 0, 0, 0, 0, 0, 0);
}

static void price_cap_not_binding(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 2500001, &p), 0);
	/* 1000000 + 1500000 = 2500000 < 2500001 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1500000, 0,
		  2500000);
}

static void price_cap_equal_sum(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 2500000, &p), 0);
	/* T = min(2500000, 2500000) = 2500000, cut 0 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1500000, 0,
		  2500000);
}

static void price_cap_one_below(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 2499999, &p), 0);
	/* cut 1 off frequency: Pf' 1499999, Pb' 2499999 - 1499999 = 10^6 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1499999, 1,
		  2499999);
}

static void price_cap_part_of_frequency(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 2000000, &p), 0);
	/* cut 2500000 - 2000000 = 500000 < Pf: Pf' = 1500000 - 500000 =
	 * 1000000; Pb' = 2000000 - 1000000 = 1000000 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1000000, 500000,
		  2000000);
}

static void price_cap_all_of_frequency(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 1000000, &p), 0);
	/* cut 2500000 - 1000000 = 1500000 = Pf: Pf' 0; Pb' 1000000 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 0, 1500000,
		  1000000);
}

static void price_cap_into_binary(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 700000, &p), 0);
	/* cut 2500000 - 700000 = 1800000 > Pf 1500000: Pf' = 0,
	 * Pb' = T - 0 = 700000 (300000 off binary) */
	check_pay(&p, true, true, 1000000, 1500000, 700000, 0, 1800000,
		  700000);
}

static void price_cap_zero(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	CHECK_I64(pbr_price(&tariff, &s, 0, &p), 0);
	/* T 0, cut 2500000, everything cut */
	check_pay(&p, true, true, 1000000, 1500000, 0, 0, 2500000, 0);
}

static void price_cap_pooled(void)
{
	struct pbr_sums s = base();
	struct pbr_payment p;

	/* an annual pool of k = 3 cohorts with a 700000 cap: 2100000 */
	CHECK_I64(pbr_price(&tariff, &s, 3 * 700000, &p), 0);
	/* cut 400000: Pf' 1100000, Pb' 2100000 - 1100000 = 1000000 */
	check_pay(&p, true, true, 1000000, 1500000, 1000000, 1100000, 400000,
		  2100000);
}

static void price_small_cohort(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = { 0 };
	struct pbr_payment p;
	/* w, p, f, r, y */
	const struct pbr_member m[4] = {
		{ .weight_bp = 10000, .p = 600000, .f = 2000, .r = 0, .y = 0 },
		{ .weight_bp = 12000, .p = 500000, .f = 1000, .r = 0, .y = 0 },
		{ .weight_bp = 15000, .p = 700000, .f = 3000, .r = 1, .y = 1 },
		{ .weight_bp = 10000, .p = 700000, .f = 500, .r = 3, .y = 1 },
	};

	t.binary_price_pence = 123457;
	t.frequency_price_pence = 33333;
	for (int i = 0; i < 4; i++)
		CHECK_I64(pbr_sums_add(&s, &m[i]), 0);
	/* W = 10000+12000+15000+10000 = 47000
	 * Eb = 6e9 + 6e9 + 10.5e9 + 7e9 = 29.5e9
	 * Ab = (15000 + 10000) * 10^6 = 25e9;  B = 4.5e9
	 * Ef = 2e7 + 1.2e7 + 4.5e7 + 5e6 = 8.2e7
	 * Af = (15000*1 + 10000*3) * 1000 = 4.5e7;  F = 3.7e7 */
	check_sums(&s, 4, 47000, 29500000000LL, 25000000000LL, 82000000,
		   45000000);
	CHECK_I64(pbr_price(&t, &s, t.cohort_cap_pence, &p), 0);
	/* hurdle 20000 * 47000 = 9.4e8 <= 4.5e9: met.
	 * Pb = 4.5e9 * 123457 / 10^10 = 555556.5e9 / 10^10 = 55555.65 -> 55556
	 * Pf = 3.7e7 * 33333 / 10^7 = 1233321e6 / 10^7 = 123332.1 -> 123332
	 * T = 55556 + 123332 = 178888 */
	check_pay(&p, true, true, 55556, 123332, 55556, 123332, 0, 178888);
}

static void price_large_binary(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = { 1, 1000000, 9000000000000000000LL, 0, 0, 0, 0 };
	struct pbr_payment p;

	t.binary_price_pence = 1000000;
	/* B * price = 9*10^18 * 10^6 = 9*10^24 (beyond 64 bits);
	 * / 10^10 = 9*10^14 exactly.  Gate shut: F = 0. */
	CHECK_I64(pbr_price(&t, &s, INT64_MAX, &p), 0);
	check_pay(&p, true, false, 900000000000000LL, 0, 900000000000000LL, 0,
		  0, 900000000000000LL);
}

static void price_large_frequency(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = { 1, 1000000, 0, 0, 9000000000000000000LL, 0, 0 };
	struct pbr_payment p;

	t.frequency_price_pence = 1000000;
	/* B = 0 opens the gate; F * price = 9*10^24; / 10^7 = 9*10^17 */
	CHECK_I64(pbr_price(&t, &s, INT64_MAX, &p), 0);
	check_pay(&p, false, true, 0, 900000000000000000LL, 0,
		  900000000000000000LL, 0, 900000000000000000LL);
}

static void price_does_not_fit(void)
{
	struct pbr_tariff t = tariff;
	struct pbr_sums s = { 1, 1000000, 9000000000000000000LL, 0, 0, 0, 0 };
	struct pbr_payment p;

	t.binary_price_pence = 9000000000000000000LL;
	/* 9*10^18 * 9*10^18 / 10^10 = 8.1*10^27 > INT64_MAX: -1 */
	CHECK_I64(pbr_price(&t, &s, INT64_MAX, &p), -1);
}

static void price_sum_does_not_fit(void)
{
	struct pbr_tariff t = tariff;
	/* B = 9*10^18, F = 9*10^18 */
	struct pbr_sums s = { 1, 1000000, 9000000000000000000LL, 0,
			      9000000000000000000LL, 0, 0 };
	struct pbr_payment p;

	t.binary_price_pence = 10000000000LL;   /* 10^10: Pb = B = 9e18 */
	t.frequency_price_pence = 10000000;     /* 10^7:  Pf = F = 9e18 */
	/* each fits int64, Pb + Pf = 1.8*10^19 does not: -1 */
	CHECK_I64(pbr_price(&t, &s, INT64_MAX, &p), -1);
}

/* ---- attribution ------------------------------------------------------------------ */

static void attribute_exact(void)
{
	const int64_t x[3] = { 3, 5, 2 };
	const char *const c[3] = { "A", "B", "C" };
	int64_t out[3];

	/* 1000 * 3/10 = 300, * 5/10 = 500, * 2/10 = 200: no remainder */
	CHECK_I64(pbr_attribute(1000, x, c, 3, out), 0);
	CHECK_I64(out[0], 300);
	CHECK_I64(out[1], 500);
	CHECK_I64(out[2], 200);
}

static void attribute_largest_remainder(void)
{
	const int64_t x[3] = { 2, 3, 4 };
	const char *const c[3] = { "A", "B", "C" };
	int64_t out[3];

	/* sum 9: 10*2 = 20 = 2*9 + 2; 10*3 = 30 = 3*9 + 3; 10*4 = 40 = 4*9 + 4.
	 * floors 2+3+4 = 9, 1 left -> largest remainder 4 (C) */
	CHECK_I64(pbr_attribute(10, x, c, 3, out), 0);
	CHECK_I64(out[0], 2);
	CHECK_I64(out[1], 3);
	CHECK_I64(out[2], 5);
}

static void attribute_remainder_beats_code(void)
{
	const int64_t x[2] = { 1, 2 };
	const char *const c[2] = { "A", "B" };
	int64_t out[2];

	/* 1*1 = 0*3 + 1; 1*2 = 0*3 + 2: the penny goes to B (2 > 1) even
	 * though A is the lower code */
	CHECK_I64(pbr_attribute(1, x, c, 2, out), 0);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 1);
}

static void attribute_tie_lower_code(void)
{
	const int64_t x[3] = { 1, 1, 1 };
	const char *const c[3] = { "AVON", "DEVON", "GLOS" };
	int64_t out[3];

	/* 100 = 3*33 + 1; remainders 1, 1, 1: AVON gets the penny */
	CHECK_I64(pbr_attribute(100, x, c, 3, out), 0);
	CHECK_I64(out[0], 34);
	CHECK_I64(out[1], 33);
	CHECK_I64(out[2], 33);
}

static void attribute_tie_unsorted_codes(void)
{
	const int64_t x[3] = { 1, 1, 1 };
	const char *const c[3] = { "GLOS", "AVON", "DEVON" };
	int64_t out[3];

	/* as above, but AVON is at index 1 */
	CHECK_I64(pbr_attribute(100, x, c, 3, out), 0);
	CHECK_I64(out[0], 33);
	CHECK_I64(out[1], 34);
	CHECK_I64(out[2], 33);
}

static void attribute_tie_bytewise(void)
{
	const int64_t x[2] = { 1, 1 };
	const char *const c[2] = { "a", "B" };
	int64_t out[2];

	/* 3 = 2*1 + 1, remainders 1, 1; "B" (0x42) < "a" (0x61) */
	CHECK_I64(pbr_attribute(3, x, c, 2, out), 0);
	CHECK_I64(out[0], 1);
	CHECK_I64(out[1], 2);
}

static void attribute_tie_prefix(void)
{
	const int64_t x[2] = { 1, 1 };
	const char *const c[2] = { "AB", "A" };
	int64_t out[2];

	/* "A" < "AB" bytewise (a prefix sorts first) */
	CHECK_I64(pbr_attribute(1, x, c, 2, out), 0);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 1);
}

static void attribute_several_pence(void)
{
	const int64_t x[4] = { 1, 1, 1, 1 };
	const char *const c[4] = { "D", "C", "B", "A" };
	int64_t out[4];

	/* 7 = 4*1 + 3; all remainders 3: A, B, C get one each, D none */
	CHECK_I64(pbr_attribute(7, x, c, 4, out), 0);
	CHECK_I64(out[0], 1);
	CHECK_I64(out[1], 2);
	CHECK_I64(out[2], 2);
	CHECK_I64(out[3], 2);
}

static void attribute_zero_and_negative(void)
{
	const int64_t x[4] = { 0, -5, 3, 1 };
	const char *const c[4] = { "A", "B", "C", "D" };
	int64_t out[4];

	/* sum of positives 4: 10*3 = 30 = 7*4 + 2; 10*1 = 10 = 2*4 + 2;
	 * 1 left, tie at 2 -> C (A and B, lower but not positive, get 0) */
	CHECK_I64(pbr_attribute(10, x, c, 4, out), 0);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 0);
	CHECK_I64(out[2], 8);
	CHECK_I64(out[3], 2);
}

static void attribute_sum_exact(void)
{
	const int64_t x[5] = { 7, 11, 13, 17, 19 };
	const char *const c[5] = { "E", "D", "C", "B", "A" };
	int64_t out[5];

	/* sum 67; 1000*7 = 7000 = 104*67 + 32; 11000 = 164*67 + 12;
	 * 13000 = 194*67 + 2; 17000 = 253*67 + 49; 19000 = 283*67 + 39.
	 * floors 104+164+194+253+283 = 998; 2 left -> remainders 49 (B),
	 * 39 (A) */
	CHECK_I64(pbr_attribute(1000, x, c, 5, out), 0);
	CHECK_I64(out[0], 104);
	CHECK_I64(out[1], 164);
	CHECK_I64(out[2], 194);
	CHECK_I64(out[3], 254);
	CHECK_I64(out[4], 284);
	CHECK_I64(out[0] + out[1] + out[2] + out[3] + out[4], 1000);
}

static void attribute_all_nonpositive_zero_amount(void)
{
	const int64_t x[3] = { 0, -1, 0 };
	const char *const c[3] = { "A", "B", "C" };
	int64_t out[3] = { 99, 99, 99 };

	CHECK_I64(pbr_attribute(0, x, c, 3, out), 0);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 0);
	CHECK_I64(out[2], 0);
}

static void attribute_all_nonpositive_amount(void)
{
	const int64_t x[2] = { 0, -3 };
	const char *const c[2] = { "A", "B" };
	int64_t out[2] = { 99, 99 };

	/* nobody to give 5 pence to: -1, shares all 0 */
	CHECK_I64(pbr_attribute(5, x, c, 2, out), -1);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 0);
}

static void attribute_negative_amount(void)
{
	const int64_t x[2] = { 1, 2 };
	const char *const c[2] = { "A", "B" };
	int64_t out[2] = { 99, 99 };

	/* core.h: a negative amount returns -1 with every share 0 (shares
	 * truncated toward zero would sum to -9, not -10) */
	CHECK_I64(pbr_attribute(-10, x, c, 2, out), -1);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 0);
}

static void attribute_zero_amount(void)
{
	const int64_t x[2] = { 4, 6 };
	const char *const c[2] = { "A", "B" };
	int64_t out[2] = { 99, 99 };

	CHECK_I64(pbr_attribute(0, x, c, 2, out), 0);
	CHECK_I64(out[0], 0);
	CHECK_I64(out[1], 0);
}

static void attribute_single_area(void)
{
	const int64_t x[1] = { 12345 };
	const char *const c[1] = { "A" };
	int64_t out[1];

	CHECK_I64(pbr_attribute(987654321, x, c, 1, out), 0);
	CHECK_I64(out[0], 987654321);
}

static void attribute_large_exact(void)
{
	const int64_t x[2] = { 3000000000000000000LL, 6000000000000000000LL };
	const char *const c[2] = { "A", "B" };
	int64_t out[2];

	/* 9*10^18 * 3*10^18 = 2.7*10^37 needs 128 bits; / 9*10^18 = 3*10^18 */
	CHECK_I64(pbr_attribute(9000000000000000000LL, x, c, 2, out), 0);
	CHECK_I64(out[0], 3000000000000000000LL);
	CHECK_I64(out[1], 6000000000000000000LL);
}

static void attribute_large_remainder(void)
{
	const int64_t x[2] = { 1000000000000000000LL, 2000000000000000000LL };
	const char *const c[2] = { "A", "B" };
	int64_t out[2];

	/* amount 10^18, sum 3*10^18:
	 * 10^36 = 333333333333333333 * 3*10^18 + 10^18
	 * 2*10^36 = 666666666666666666 * 3*10^18 + 2*10^18
	 * floors sum to 999999999999999999; 1 left -> B (2*10^18 > 10^18) */
	CHECK_I64(pbr_attribute(1000000000000000000LL, x, c, 2, out), 0);
	CHECK_I64(out[0], 333333333333333333LL);
	CHECK_I64(out[1], 666666666666666667LL);
}

static void attribute_int64_max(void)
{
	const int64_t x[2] = { INT64_MAX, INT64_MAX };
	const char *const c[2] = { "B", "A" };
	int64_t out[2];

	/* amount INT64_MAX = 9223372036854775807 (odd), equal x: each
	 * floor 4611686018427387903, remainder equal; 1 left -> A (index 1) */
	CHECK_I64(pbr_attribute(INT64_MAX, x, c, 2, out), 0);
	CHECK_I64(out[0], 4611686018427387903LL);
	CHECK_I64(out[1], 4611686018427387904LL);
}

static const struct cu_test sums_tests[] = {
	T_ENTRY(sums_add_one),
	T_ENTRY(sums_add_two),
	T_ENTRY(sums_add_weight_1e6),
	T_ENTRY(sums_add_largest_member),
	T_ENTRY(sums_add_reaches_int64_max),
	T_ENTRY(sums_add_overflow_unchanged),
	T_ENTRY(sums_add_overflow_af),
	T_ENTRY(sums_add_overflow_n),
	T_ENTRY(sums_merge_values),
	T_ENTRY(sums_merge_zero),
	T_ENTRY(sums_merge_near_limit),
	T_ENTRY(sums_merge_overflow_unchanged),
	T_ENTRY(sums_merge_overflow_ef),
	T_ENTRY(sums_merge_overflow_b),
	T_ENTRY(contribution_reoffended),
	T_ENTRY(contribution_not_reoffended),
	T_ENTRY(contribution_extremes),
	T_END
};

static const struct cu_test price_tests[] = {
	T_ENTRY(price_values),
	T_ENTRY(price_binary_half_up),
	T_ENTRY(price_binary_below_half),
	T_ENTRY(price_frequency_half_up),
	T_ENTRY(price_frequency_below_half),
	T_ENTRY(price_hurdle_equal),
	T_ENTRY(price_hurdle_missed_by_one),
	T_ENTRY(price_b_zero_zero_hurdle),
	T_ENTRY(price_b_zero_f_zero),
	T_ENTRY(price_b_one_zero_hurdle),
	T_ENTRY(price_b_negative_gate_shut),
	T_ENTRY(price_f_zero_gate_shut),
	T_ENTRY(price_f_negative_gate_shut),
	T_ENTRY(price_empty_cohort),
	T_ENTRY(price_cap_not_binding),
	T_ENTRY(price_cap_equal_sum),
	T_ENTRY(price_cap_one_below),
	T_ENTRY(price_cap_part_of_frequency),
	T_ENTRY(price_cap_all_of_frequency),
	T_ENTRY(price_cap_into_binary),
	T_ENTRY(price_cap_zero),
	T_ENTRY(price_cap_pooled),
	T_ENTRY(price_small_cohort),
	T_ENTRY(price_large_binary),
	T_ENTRY(price_large_frequency),
	T_ENTRY(price_does_not_fit),
	T_ENTRY(price_sum_does_not_fit),
	T_END
};

static const struct cu_test attribute_tests[] = {
	T_ENTRY(attribute_exact),
	T_ENTRY(attribute_largest_remainder),
	T_ENTRY(attribute_remainder_beats_code),
	T_ENTRY(attribute_tie_lower_code),
	T_ENTRY(attribute_tie_unsorted_codes),
	T_ENTRY(attribute_tie_bytewise),
	T_ENTRY(attribute_tie_prefix),
	T_ENTRY(attribute_several_pence),
	T_ENTRY(attribute_zero_and_negative),
	T_ENTRY(attribute_sum_exact),
	T_ENTRY(attribute_all_nonpositive_zero_amount),
	T_ENTRY(attribute_all_nonpositive_amount),
	T_ENTRY(attribute_negative_amount),
	T_ENTRY(attribute_zero_amount),
	T_ENTRY(attribute_single_area),
	T_ENTRY(attribute_large_exact),
	T_ENTRY(attribute_large_remainder),
	T_ENTRY(attribute_int64_max),
	T_END
};

int cu_money_register(void)
{
	if (cu_add_suite("core_sums", sums_tests) != 0 ||
	    cu_add_suite("core_price", price_tests) != 0 ||
	    cu_add_suite("core_attribute", attribute_tests) != 0)
		return -1;
	return 0;
}
