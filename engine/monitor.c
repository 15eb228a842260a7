/*
 * monitor.c - the monitor's statistics (see monitor.h).  Pure: no I/O.
 */
#include "monitor.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int64_t div_round(__int128 a, __int128 b)
{
	return (int64_t)pbr_round_div_signed(a, b);
}

uint64_t pbr_isqrt128(unsigned __int128 v)
{
	unsigned __int128 x = v, y;

	if (v < 2)
		return (uint64_t)v;
	y = (x + 1) / 2;
	while (y < x) {           /* Newton: decreasing to floor(sqrt(v)) */
		x = y;
		y = (x + v / x) / 2;
	}
	return (uint64_t)x;
}

void pbr_monitor_interval(__int128 B, int64_t W, unsigned __int128 V,
			  int64_t *rate, int64_t *low, int64_t *high)
{
	uint64_t se_num = pbr_isqrt128(V);                     /* bp x ppm */
	int64_t half = div_round((__int128)196 * se_num, (__int128)100 * W);

	*rate = div_round(B, W);
	*low = *rate - half;
	*high = *rate + half;
}

static void flag(struct pbr_monitor *m, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void flag(struct pbr_monitor *m, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (m->nflags >= PBR_NFLAGS)
		return;
	m->flag[m->nflags] = code;
	va_start(ap, fmt);
	vsnprintf(m->flag_text[m->nflags], sizeof m->flag_text[0], fmt, ap);
	va_end(ap);
	m->nflags++;
}

static int64_t absdiff(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* NEEDS_MIX_DRIFT and RISK_DRIFT: only against a baseline. */
static void drift_flags(int64_t members, const struct pbr_sums *cohort,
			const struct pbr_monitor_baseline *base,
			struct pbr_monitor *m)
{
	char moved[160] = "";
	size_t used = 0;

	if (m->cohorts <= 0 || members <= 0 || base->members <= 0)
		return;
	for (int b = 0; b < PBR_NBANDS; b++)
		if (absdiff(m->share_current[b], m->share_baseline[b]) > m->threshold[0] &&
		    used < sizeof moved) {
			int n = snprintf(moved + used, sizeof moved - used,
					 "%s%s needs %" PRId64 " -> %" PRId64,
					 used ? ", " : "", pbr_band_name(b),
					 m->share_baseline[b], m->share_current[b]);
			used += n > 0 ? (size_t)n : 0;
		}
	if (used > 0)
		flag(m, "NEEDS_MIX_DRIFT",
		     "needs mix moved against the previous %d cohort%s, share of members in ppm: %s (threshold %" PRId64 ")",
		     m->cohorts, m->cohorts == 1 ? "" : "s", moved, m->threshold[0]);
	if (base->W > 0 && cohort->W > 0 &&
	    absdiff(m->risk_current, m->risk_baseline) > m->threshold[1])
		flag(m, "RISK_DRIFT",
		     "mean predicted reoffending moved from %" PRId64 " to %" PRId64 " ppm against the previous %d cohort%s (threshold %" PRId64 ")",
		     m->risk_baseline, m->risk_current, m->cohorts,
		     m->cohorts == 1 ? "" : "s", m->threshold[1]);
}

void pbr_monitor_compute(const struct pbr_sums *cohort, int64_t members,
			 const struct pbr_sums bands[PBR_NBANDS],
			 const struct pbr_monitor_baseline *base,
			 struct pbr_monitor *m)
{
	__int128 positive = 0, B0, B3;

	m->nflags = 0;
	if (cohort->W > 0) {
		pbr_monitor_interval(pbr_sums_B(cohort), cohort->W,
				     (unsigned __int128)cohort->V, &m->rate_ppm,
				     &m->ci_low_ppm, &m->ci_high_ppm);
		m->risk_current = div_round(cohort->Eb, cohort->W);
	}
	for (int b = 0; b < PBR_NBANDS; b++) {
		if (members > 0)
			m->share_current[b] = div_round((__int128)bands[b].n * PBR_PPM, members);
		if (base->members > 0)
			m->share_baseline[b] = div_round((__int128)base->band_members[b] * PBR_PPM,
							 base->members);
	}
	if (base->W > 0)
		m->risk_baseline = div_round(base->Eb, base->W);
	drift_flags(members, cohort, base, m);
	for (int b = 0; b < PBR_NBANDS; b++)
		if (pbr_sums_B(&bands[b]) > 0)
			positive += pbr_sums_B(&bands[b]);
	B0 = pbr_sums_B(&bands[0]);
	B3 = pbr_sums_B(&bands[2]);
	if (B0 > 0 && B3 < 0 && B0 * PBR_PPM >= (__int128)m->threshold[2] * positive)
		flag(m, "EASY_CASES_ONLY",
		     "the improvement comes from members without needs while those with 3 or more needs did worse than predicted (B 0 needs %" PRId64 ", B 3+ needs %" PRId64 ")",
		     (int64_t)B0, (int64_t)B3);
}
