/*
 * cu_monitor.c - the monitor's statistics (monitor.c): rate, 95 % interval,
 * needs-band shares, mean risk and the three flags, each worked by hand.
 */
#include "suites.h"
#include "monitor.h"

#include <string.h>

static struct pbr_monitor fresh(int cohorts)
{
	struct pbr_monitor m;

	memset(&m, 0, sizeof m);
	m.threshold[0] = 100000;     /* needs_mix_drift_ppm */
	m.threshold[1] = 50000;      /* risk_drift_ppm */
	m.threshold[2] = 800000;     /* easy_cases_share_ppm */
	m.cohorts = cohorts;
	return m;
}

static void isqrt_values(void)
{
	CHECK_I64(pbr_isqrt128(0), 0);
	CHECK_I64(pbr_isqrt128(1), 1);
	CHECK_I64(pbr_isqrt128(3), 1);
	CHECK_I64(pbr_isqrt128(4), 2);
	CHECK_I64(pbr_isqrt128((unsigned __int128)17000000000ULL * 10000000000ULL), 13038404810LL);
	/* (2^64 - 1)^2 = 2^128 - 2^65 + 1: floor sqrt is 2^64 - 1 */
	{
		unsigned __int128 x = (unsigned __int128)UINT64_MAX * UINT64_MAX;
		CHECK_TRUE(pbr_isqrt128(x) == UINT64_MAX);
		CHECK_TRUE(pbr_isqrt128(x - 1) == UINT64_MAX - 1);
	}
}

/* The interval alone: the FALL cohort's figures below, and a negative B
 * rounded away from zero (-0.5 -> -1) with V = 0 (no width). */
static void interval_values(void)
{
	int64_t r, lo, hi;

	pbr_monitor_interval(6000000000LL, 50000,
			     (unsigned __int128)17000000000LL * 10000000000ULL, &r, &lo, &hi);
	CHECK_I64(r, 120000);
	CHECK_I64(lo, -391105);
	CHECK_I64(hi, 631105);
	pbr_monitor_interval(-5, 10, 0, &r, &lo, &hi);
	CHECK_I64(r, -1);
	CHECK_I64(lo, -1);
	CHECK_I64(hi, -1);
	/* V = 10^4: isqrt 100, half = round(196 * 100 / (100 * 3)) = round(65.33) = 65 */
	pbr_monitor_interval(3, 3, 10000, &r, &lo, &hi);
	CHECK_I64(r, 1);
	CHECK_I64(lo, -64);
	CHECK_I64(hi, 66);
}

/* The FALL cohort of the README: W 50 000, Eb 2.6e10, Ab 2e10, B 6e9,
 * V 1.7e20, 4 members: 3 without needs, 1 with one.
 *   rate = 6e9 / 5e4 = 120 000 ppm
 *   isqrt(1.7e20) = 13 038 404 810; half = round(196 * 13 038 404 810 /
 *   (100 * 50 000)) = round(511 105.4686) = 511 105: [-391 105, 631 105]
 *   risk = 2.6e10 / 5e4 = 520 000; shares 750 000, 250 000, 0.
 * Baseline: 8 members, all without needs, W 80 000, Eb 8e9: shares
 * 1 000 000, 0, 0; risk 100 000.  Both drifts pass their thresholds. */
static void monitor_figures_and_drift(void)
{
	struct pbr_sums cohort = { 4, 50000, 26000000000LL, 20000000000LL, 0, 0,
				   (__int128)17000000000LL * 10000000000LL };
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_monitor_baseline base = { 8, 80000, 8000000000LL, { 8, 0, 0 } };
	struct pbr_monitor m = fresh(1);

	memset(bands, 0, sizeof bands);
	bands[0].n = 3;
	bands[0].Eb = 14000000000LL;
	bands[1].n = 1;
	bands[1].Eb = 12000000000LL;
	bands[1].Ab = 20000000000LL;
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.rate_ppm, 120000);
	CHECK_I64(m.ci_low_ppm, -391105);
	CHECK_I64(m.ci_high_ppm, 631105);
	CHECK_I64(m.risk_current, 520000);
	CHECK_I64(m.risk_baseline, 100000);
	CHECK_I64(m.share_current[0], 750000);
	CHECK_I64(m.share_current[1], 250000);
	CHECK_I64(m.share_current[2], 0);
	CHECK_I64(m.share_baseline[0], 1000000);
	CHECK_I64(m.nflags, 2);
	CHECK_STR(m.flag[0], "NEEDS_MIX_DRIFT");
	CHECK_STR(m.flag_text[0],
		  "needs mix moved against the previous 1 cohort, share of members in ppm: 0 needs 1000000 -> 750000, 1-2 needs 0 -> 250000 (threshold 100000)");
	CHECK_STR(m.flag[1], "RISK_DRIFT");
	CHECK_STR(m.flag_text[1],
		  "mean predicted reoffending moved from 100000 to 520000 ppm against the previous 1 cohort (threshold 50000)");
}

/* No baseline: no drift flag, baseline shares 0. */
static void monitor_no_baseline(void)
{
	struct pbr_sums cohort = { 4, 50000, 26000000000LL, 20000000000LL, 0, 0, 0 };
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_monitor_baseline base;
	struct pbr_monitor m = fresh(0);

	memset(bands, 0, sizeof bands);
	memset(&base, 0, sizeof base);
	bands[0].n = 4;
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	CHECK_I64(m.share_baseline[0], 0);
	CHECK_I64(m.share_current[0], 1000000);
	/* V = 0: the interval collapses on the rate */
	CHECK_I64(m.ci_low_ppm, 120000);
	CHECK_I64(m.ci_high_ppm, 120000);
}

/* EASY_CASES_ONLY: B0 * 10^6 >= threshold * (sum of positive band B),
 * with B 3+ < 0.  B0 1e10, B 1-2 0, B 3+ -1e9: 1e16 >= 8e5 * 1e10. At a
 * threshold of 10^6 it is exactly on the line; one more unit of positive
 * B elsewhere takes it off. */
static void monitor_easy_cases(void)
{
	struct pbr_sums cohort = { 3, 30000, 0, 0, 0, 0, 0 };
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_monitor_baseline base;
	struct pbr_monitor m = fresh(0);

	memset(bands, 0, sizeof bands);
	memset(&base, 0, sizeof base);
	bands[0].Eb = 10000000000LL;
	bands[2].Ab = 1000000000LL;
	pbr_monitor_compute(&cohort, 3, bands, &base, &m);
	CHECK_I64(m.nflags, 1);
	CHECK_STR(m.flag[0], "EASY_CASES_ONLY");
	m = fresh(0);
	m.threshold[2] = 1000000;
	pbr_monitor_compute(&cohort, 3, bands, &base, &m);
	CHECK_I64(m.nflags, 1);
	m = fresh(0);
	m.threshold[2] = 1000000;
	bands[1].Eb = 1;
	pbr_monitor_compute(&cohort, 3, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	/* B 3+ = 0 is not "did worse" */
	m = fresh(0);
	bands[1].Eb = 0;
	bands[2].Ab = 0;
	pbr_monitor_compute(&cohort, 3, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
}

/* The drift flags' edges.  Cohort: 4 members, all without needs (share
 * 1 000 000), W 50 000, Eb 5e9 -> risk 100 000.  Baseline of 2 cohorts:
 * 8 members, all without needs, W 80 000, Eb 8e9 -> risk 100 000. */
static void monitor_drift_edges(void)
{
	struct pbr_sums cohort = { 4, 50000, 5000000000LL, 5000000000LL, 0, 0, 0 };
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_monitor_baseline base = { 8, 80000, 8000000000LL, { 8, 0, 0 } };
	struct pbr_monitor m = fresh(2);

	memset(bands, 0, sizeof bands);
	bands[0].n = 4;
	/* the same mix and risk: no flag */
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	/* risk moved by exactly the threshold (7.5e9 / 50 000 = 150 000,
	 * 150 000 - 100 000 = 50 000): not more than it, no flag; half a
	 * ppm more rounds to 150 001, past it (and the text says "cohorts") */
	cohort.Eb = 7500000000LL;
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.risk_current, 150000);
	CHECK_I64(m.nflags, 0);
	cohort.Eb = 7500025000LL;               /* 7 500 025 000 / 50 000 = 150 000.5 -> 150 001 */
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 1);
	CHECK_STR(m.flag[0], "RISK_DRIFT");
	CHECK_STR(m.flag_text[0],
		  "mean predicted reoffending moved from 100000 to 150001 ppm against the previous 2 cohorts (threshold 50000)");
	/* no risk drift without a weight on either side */
	base.W = 0;
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	base.W = 80000;
	cohort.W = 0;
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	/* a mix drift over 2 cohorts says "cohorts": 2 of 4 members move to
	 * 1-2 needs (shares 500 000 / 500 000 against 1 000 000 / 0) */
	cohort.W = 50000;
	cohort.Eb = 5000000000LL;
	bands[0].n = 2;
	bands[1].n = 2;
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 1);
	CHECK_STR(m.flag_text[0],
		  "needs mix moved against the previous 2 cohorts, share of members in ppm: 0 needs 1000000 -> 500000, 1-2 needs 0 -> 500000 (threshold 100000)");
	/* a cohort without members compares nothing (nor does a baseline
	 * without them) */
	m = fresh(2);
	pbr_monitor_compute(&cohort, 0, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
	base.members = 0;
	m = fresh(2);
	pbr_monitor_compute(&cohort, 4, bands, &base, &m);
	CHECK_I64(m.nflags, 0);
}

/* Rounding half away from zero: B -5, W 10: rate -0.5 -> -1; B 5 -> 1;
 * W 0: nothing computed. */
static void monitor_rounding(void)
{
	struct pbr_sums cohort = { 1, 10, 0, 5, 0, 0, 0 };
	struct pbr_sums bands[PBR_NBANDS];
	struct pbr_monitor_baseline base;
	struct pbr_monitor m = fresh(0);

	memset(bands, 0, sizeof bands);
	memset(&base, 0, sizeof base);
	pbr_monitor_compute(&cohort, 1, bands, &base, &m);
	CHECK_I64(m.rate_ppm, -1);
	cohort.Ab = 0;
	cohort.Eb = 5;
	pbr_monitor_compute(&cohort, 1, bands, &base, &m);
	CHECK_I64(m.rate_ppm, 1);
	memset(&cohort, 0, sizeof cohort);
	m = fresh(0);
	pbr_monitor_compute(&cohort, 0, bands, &base, &m);
	CHECK_I64(m.rate_ppm, 0);
	CHECK_I64(m.risk_current, 0);
	CHECK_I64(m.share_current[0], 0);
}

static const struct cu_test monitor_tests[] = {
	T_ENTRY(isqrt_values),
	T_ENTRY(interval_values),
	T_ENTRY(monitor_figures_and_drift),
	T_ENTRY(monitor_no_baseline),
	T_ENTRY(monitor_easy_cases),
	T_ENTRY(monitor_drift_edges),
	T_ENTRY(monitor_rounding),
	T_END
};

int cu_monitor_register(void)
{
	return cu_add_suite("monitor", monitor_tests);
}
