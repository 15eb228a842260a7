/*
 * fee.c - the pure core of the whole contract (SPEC 11): months,
 * instalments, KPI status and credits, the year-end volume reconciliation,
 * FfsYear, the PbR pot and the advance netted in PbR statements.  No I/O.
 */
#include "fee.h"
#include "core.h"

#include <string.h>

#define PPM 1000000LL

/* ---- months ------------------------------------------------------------- */

int pbr_month_parse(const char *s, int *out)
{
	int year = 0, month;

	if (s == NULL || strlen(s) != 7)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		year = year * 10 + (s[i] - '0');
	}
	if (year < 1000 || s[4] != '-' || s[5] < '0' || s[5] > '1' ||
	    s[6] < '0' || s[6] > '9')
		return -1;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	if (month < 1 || month > 12)
		return -1;
	*out = year * 12 + month - 1;
	return 0;
}

void pbr_month_format(int m, char *buf)
{
	int year = m / 12, month = m % 12 + 1;

	buf[0] = (char)('0' + year / 1000 % 10);
	buf[1] = (char)('0' + year / 100 % 10);
	buf[2] = (char)('0' + year / 10 % 10);
	buf[3] = (char)('0' + year % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + month / 10);
	buf[6] = (char)('0' + month % 10);
	buf[7] = '\0';
}

/* ---- terms and rounding ----------------------------------------------- */

static bool between(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

int pbr_fee_terms_ok(const struct pbr_fee_terms *t)
{
	if (!between(t->annual_price_pence, 0, 1000000000000LL) ||
	    !between(t->learning_curve_ppm, 0, PPM) ||
	    !between(t->predicted_volume_milli, 1, 1000000000000LL) ||
	    !between(t->band_low_ppm, 0, PPM) ||
	    !between(t->band_high_ppm, 0, 10 * PPM) ||
	    !between(t->adjust_below_ppm, 0, PPM) ||
	    !between(t->adjust_above_ppm, 0, PPM) ||
	    !between(t->credit_cap_ppm, 0, PPM) ||
	    t->advance_pence_per_month < 0 || t->map_pence < 0)
		return -1;
	return 0;
}

int pbr_round_signed(__int128 a, __int128 b, int64_t *out)
{
	const __int128 max = (__int128)(((unsigned __int128)1 << 127) - 1);
	__int128 m, q, r;

	/* |a| of the most negative __int128 does not exist */
	if (b <= 0 || a < -max)
		return -1;
	m = a < 0 ? -a : a;
	/* (2m + b) / (2b) without forming 2m: q, plus 1 when r >= b - r */
	q = m / b;
	r = m % b;
	if (r >= b - r)
		q++;
	if (q > INT64_MAX)
		return -1;
	*out = a < 0 ? -(int64_t)q : (int64_t)q;
	return 0;
}

int64_t pbr_fee_discount(int64_t annual_price_pence, int64_t learning_curve_ppm)
{
	/* A <= 10^12 and the curve <= 10^6: the product fits, the result <= A */
	return (int64_t)pbr_round_div((__int128)annual_price_pence * learning_curve_ppm, PPM);
}

int pbr_fee_discounted(const struct pbr_fee_terms *t, int64_t *discount,
		       int64_t *discounted)
{
	if (pbr_fee_terms_ok(t) != 0)
		return -1;
	*discount = pbr_fee_discount(t->annual_price_pence, t->learning_curve_ppm);
	*discounted = t->annual_price_pence - *discount;
	return 0;
}

int64_t pbr_fee_instalment(int64_t discounted, int month)
{
	return discounted / 12 + (month <= discounted % 12 ? 1 : 0);
}

/* ---- returns ------------------------------------------------------------ */

bool pbr_volume_cases_ok(bool has, int64_t cases)
{
	return has && between(cases, 0, PBR_MAX_CASES);
}

bool pbr_kpi_figures_ok(bool has_num, int64_t num, bool has_den, int64_t den)
{
	return has_num && has_den && num >= 0 && num <= den &&
	       den <= PBR_MAX_KPI_FIGURE;
}

int pbr_volume_add(int64_t *sum, int64_t cases, int64_t weight_milli)
{
	int64_t v, s;

	if (__builtin_mul_overflow(cases, weight_milli, &v) ||
	    __builtin_add_overflow(*sum, v, &s))
		return -1;
	*sum = s;
	return 0;
}

/* ---- service credits ---------------------------------------------------- */

const char *pbr_kpi_status_name(enum pbr_kpi_status s)
{
	switch (s) {
	case PBR_KPI_MET: return "MET";
	case PBR_KPI_BREACHED: return "BREACHED";
	case PBR_KPI_NOT_REPORTED: return "NOT_REPORTED";
	case PBR_KPI_WAIVED: return "WAIVED";
	}
	return "?";
}

enum pbr_kpi_status pbr_kpi_status(bool reported, int64_t num, int64_t den,
				   int64_t target_ppm, bool waived)
{
	enum pbr_kpi_status s;

	if (!reported)
		s = PBR_KPI_NOT_REPORTED;
	else if (den == 0 || (__int128)num * PPM >= (__int128)target_ppm * den)
		s = PBR_KPI_MET;
	else
		s = PBR_KPI_BREACHED;
	if (s != PBR_KPI_MET && waived)
		s = PBR_KPI_WAIVED;
	return s;
}

int64_t pbr_kpi_accrues(enum pbr_kpi_status s, int64_t credit_pence)
{
	return s == PBR_KPI_BREACHED || s == PBR_KPI_NOT_REPORTED ? credit_pence : 0;
}

int pbr_credits_start(struct pbr_credits *c, int64_t ffs, int64_t credit_cap_ppm)
{
	memset(c, 0, sizeof *c);
	if (ffs < 0 || !between(credit_cap_ppm, 0, PPM))
		return -1;
	return pbr_round_signed((__int128)ffs * credit_cap_ppm, PPM, &c->cap);
}

int pbr_credits_add(struct pbr_credits *c, int64_t accrued)
{
	int64_t s;

	if (accrued < 0 || __builtin_add_overflow(c->accrued, accrued, &s))
		return -1;
	c->accrued = s;
	return 0;
}

void pbr_credits_finish(struct pbr_credits *c)
{
	c->credit = c->accrued < c->cap ? c->accrued : c->cap;
	c->cap_cut = c->accrued - c->credit;
}

/* ---- December ----------------------------------------------------------- */

const char *pbr_position_name(enum pbr_position p)
{
	switch (p) {
	case PBR_WITHIN: return "WITHIN";
	case PBR_ABOVE: return "ABOVE";
	case PBR_BELOW: return "BELOW";
	}
	return "?";
}

int pbr_fee_reconcile(const struct pbr_fee_terms *t, int64_t discounted,
		      int64_t va, struct pbr_volume_recon *out)
{
	__int128 vp, lo, hi, v, num, den, diff;
	int64_t ppm, adj = 0;

	memset(out, 0, sizeof *out);
	if (pbr_fee_terms_ok(t) != 0 || va < 0 || discounted < 0)
		return -1;
	vp = t->predicted_volume_milli;
	lo = vp * (PPM - t->band_low_ppm);          /* <= 10^18 */
	hi = vp * (PPM + t->band_high_ppm);         /* <= 1.1 * 10^19 */
	v = (__int128)va * PPM;                     /* < 9.3 * 10^24 */
	den = vp * PPM * PPM;                       /* <= 10^24 */
	out->predicted_milli = t->predicted_volume_milli;
	out->actual_milli = va;
	if (v > hi) {
		out->position = PBR_ABOVE;
		diff = v - hi;
		ppm = t->adjust_above_ppm;
	} else if (v < lo) {
		out->position = PBR_BELOW;
		diff = lo - v;
		ppm = t->adjust_below_ppm;
	} else {
		out->position = PBR_WITHIN;
		diff = 0;
		ppm = 0;
	}
	if (out->position != PBR_WITHIN) {
		/* A' (< 2^40) * diff (< 2^84) fits; times ppm (< 2^20) may not */
		if (__builtin_mul_overflow((__int128)discounted, diff, &num) ||
		    __builtin_mul_overflow(num, (__int128)ppm, &num) ||
		    pbr_round_signed(num, den, &adj) != 0)
			return -1;
		if (out->position == PBR_BELOW)
			adj = -adj;
	}
	out->adjustment = adj;
	if (__builtin_add_overflow(discounted, adj, &out->ffs_year))
		return -1;
	out->map = t->map_pence;
	out->pbr_pot = t->map_pence > out->ffs_year ? t->map_pence - out->ffs_year : 0;
	return 0;
}

int pbr_fee_period_due(int64_t ffs, int64_t credit, int64_t advance,
		       int64_t adjustment, int64_t *out)
{
	int64_t v;

	if (__builtin_sub_overflow(ffs, credit, &v) ||
	    __builtin_add_overflow(v, advance, &v) ||
	    __builtin_add_overflow(v, adjustment, &v))
		return -1;
	*out = v;
	return 0;
}

/* ---- the PbR side -------------------------------------------------------- */

int pbr_fee_advance_netted(int64_t advance_pence_per_month, int64_t *out)
{
	if (advance_pence_per_month < 0 ||
	    __builtin_mul_overflow(advance_pence_per_month, (int64_t)3, out))
		return -1;
	return 0;
}

int64_t pbr_fee_map_cap(int64_t cohort_cap_pence, int k, int64_t pbr_pot)
{
	int64_t cap;

	if (__builtin_mul_overflow(cohort_cap_pence, (int64_t)k, &cap))
		cap = INT64_MAX;
	return cap < pbr_pot ? cap : pbr_pot;
}
