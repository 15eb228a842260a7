/*
 * monitor.h - the parking and cherry-picking monitor's statistics
 * (docs/STATEMENT.md, "The monitor"): pure, no I/O, unit-tested.  No money
 * depends on any of it.  settle.c reads the thresholds and the baseline
 * from the database and calls pbr_monitor_compute.
 */
#ifndef PBR_MONITOR_H
#define PBR_MONITOR_H

#include "statement.h"

/* The previous statements' figures the monitor compares against. */
struct pbr_monitor_baseline {
	int64_t members, W, Eb;                 /* summed over the baseline */
	int64_t band_members[PBR_NBANDS];       /* members per needs band */
};

/* floor(sqrt(v)), exactly. */
uint64_t pbr_isqrt128(unsigned __int128 v);

/* The binary improvement rate round(B / W) ppm and its 95 % interval,
 * rate -+ round(196 * isqrt(V) / (100 W)), every rounding half away from
 * zero; W > 0.  The monitor and the PCC view (per area) both use it. */
void pbr_monitor_interval(__int128 B, int64_t W, unsigned __int128 V,
			  int64_t *rate, int64_t *low, int64_t *high);

/* Fills the figures and flags of *m from the cohort's sums (V included),
 * its accepted members and needs bands, and the baseline.  m->threshold,
 * m->cohorts and m->statements are the caller's (set before the call);
 * everything else is computed here:
 *   rate = round(B / W) ppm, half-width = round(196 * isqrt(V) / (100 W)),
 *   shares = round(band n * 10^6 / members), risk = round(Eb / W),
 *   NEEDS_MIX_DRIFT, RISK_DRIFT and EASY_CASES_ONLY as docs/STATEMENT.md
 * defines them; every rounding half away from zero. */
void pbr_monitor_compute(const struct pbr_sums *cohort, int64_t members,
			 const struct pbr_sums bands[PBR_NBANDS],
			 const struct pbr_monitor_baseline *base,
			 struct pbr_monitor *m);

#endif
