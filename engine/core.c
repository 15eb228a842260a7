/*
 * core.c - the pure calculation core: periods, validation, weights, sums,
 * payments and attribution (SPEC sections 1, 4 and 5).  No I/O.
 */
#include "core.h"

#include <inttypes.h>
#include <stdio.h>

#include <string.h>

/* ---- periods ----------------------------------------------------------- */

int pbr_cohort_of_period(int period)
{
	return period - PBR_SETTLEMENT_LAG;
}

int pbr_period_of_cohort(int cohort)
{
	return cohort + PBR_SETTLEMENT_LAG;
}

bool pbr_is_q4(int quarter)
{
	return quarter % 4 == 3;
}

int pbr_q4_of_year(int quarter)
{
	return quarter - quarter % 4 + 3;
}

int pbr_december_of_year(int quarter)
{
	return quarter / 4 * 12 + 11;
}

int pbr_quarter_parse(const char *s, int *out)
{
	int year = 0;

	if (s == NULL || strlen(s) != 6)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		year = year * 10 + (s[i] - '0');
	}
	if (year < 1000 || s[4] != 'Q' || s[5] < '1' || s[5] > '4')
		return -1;
	*out = year * 4 + (s[5] - '1');
	return 0;
}

void pbr_quarter_format(int q, char *buf)
{
	int year = q / 4;

	buf[0] = (char)('0' + year / 1000 % 10);
	buf[1] = (char)('0' + year / 100 % 10);
	buf[2] = (char)('0' + year / 10 % 10);
	buf[3] = (char)('0' + year % 10);
	buf[4] = 'Q';
	buf[5] = (char)('1' + q % 4);
	buf[6] = '\0';
}

int pbr_quarter_of_date(int year, int month)
{
	return year * 4 + (month - 1) / 3;
}

bool pbr_contract_id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* ---- rounding ---------------------------------------------------------- */

__int128 pbr_round_div(__int128 a, __int128 b)
{
	return (2 * a + b) / (2 * b);
}

__int128 pbr_round_div_signed(__int128 a, __int128 b)
{
	return a < 0 ? -pbr_round_div(-a, b) : pbr_round_div(a, b);
}

/* ---- 128-bit decimal --------------------------------------------------- */

void pbr_i128_format(__int128 v, char *buf)
{
	char tmp[PBR_I128_BUF];
	size_t n = 0, k = 0;
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;

	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u > 0);
	if (v < 0)
		buf[k++] = '-';
	while (n > 0)
		buf[k++] = tmp[--n];
	buf[k] = '\0';
}

int pbr_i128_parse(const char *s, __int128 *out)
{
	bool neg = false;
	unsigned __int128 u = 0, limit;

	if (s == NULL)
		return -1;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s == '\0' || (s[0] == '0' && s[1] != '\0') || (neg && strcmp(s, "0") == 0))
		return -1;
	limit = neg ? (unsigned __int128)1 << 127 : ((unsigned __int128)1 << 127) - 1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (u > (limit - (unsigned __int128)(*s - '0')) / 10)
			return -1;
		u = u * 10 + (unsigned __int128)(*s - '0');
	}
	*out = neg ? (__int128)(-(u - 1)) - 1 : (__int128)u;
	return 0;
}

/* ---- tariff ------------------------------------------------------------ */

const char *pbr_binary_mode_name(enum pbr_binary_mode m)
{
	return m == PBR_MODE_SIGNIFICANCE ? "significance" : "hurdle";
}

int pbr_binary_mode_parse(const char *s, enum pbr_binary_mode *out)
{
	if (s != NULL && strcmp(s, "hurdle") == 0)
		*out = PBR_MODE_HURDLE;
	else if (s != NULL && strcmp(s, "significance") == 0)
		*out = PBR_MODE_SIGNIFICANCE;
	else
		return -1;
	return 0;
}

bool pbr_uplift_ok(int64_t bp)
{
	return bp >= 0 && bp <= 100 * PBR_BP;
}

const char *pbr_tariff_out_of_range(const struct pbr_tariff *t)
{
	if (t->binary_price_pence < 0)
		return "binary_price_pence";
	if (t->frequency_price_pence < 0)
		return "frequency_price_pence";
	if (t->binary_hurdle_ppm < 0 || t->binary_hurdle_ppm > PBR_PPM)
		return "binary_hurdle_ppm";
	if (t->cohort_cap_pence < 0)
		return "cohort_cap_pence";
	if (t->max_weight_bp < PBR_BP || t->max_weight_bp > 100 * PBR_BP)
		return "max_weight_bp";
	if (t->max_reject_ppm < 0 || t->max_reject_ppm > PBR_PPM)
		return "max_reject_ppm";
	if (t->binary_mode != PBR_MODE_HURDLE && t->binary_mode != PBR_MODE_SIGNIFICANCE)
		return "binary_mode";
	if (t->significance_z_milli < 1 || t->significance_z_milli > 5000)
		return "significance_z_milli";
	if (t->deduction_price_pence < 0)
		return "deduction_price_pence";
	if (t->deduction_cap_pence < 0)
		return "deduction_cap_pence";
	if (t->has_termination && (t->termination_ppm < 0 || t->termination_ppm > PBR_PPM))
		return "termination_ppm";
	return NULL;
}

/* ---- needs table ------------------------------------------------------- */

static int code_cmp(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

int pbr_needs_find(const struct pbr_needs *t, const char *code, size_t len)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = code_cmp(code, len, t->code[mid]);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int pbr_needs_add(struct pbr_needs *t, const char *code, int64_t uplift_bp)
{
	size_t len = strlen(code), at = 0;

	if (len == 0 || len > PBR_CODE_MAX || t->count >= PBR_MAX_NEEDS ||
	    pbr_needs_find(t, code, len) >= 0)
		return -1;
	while (at < t->count && code_cmp(code, len, t->code[at]) > 0)
		at++;
	for (size_t i = t->count; i > at; i--) {
		memcpy(t->code[i], t->code[i - 1], sizeof t->code[i]);
		t->uplift_bp[i] = t->uplift_bp[i - 1];
	}
	memcpy(t->code[at], code, len + 1);
	t->uplift_bp[at] = uplift_bp;
	t->count++;
	return 0;
}

int pbr_needs_weight(const struct pbr_needs *t, const char *needs,
		     int64_t max_weight_bp, int64_t *weight_bp, int *distinct)
{
	uint64_t seen = 0;
	int64_t w = PBR_BP;
	int count = 0;
	const char *p = needs;

	if (*p != '\0') {
		for (;;) {
			const char *end = strchr(p, '+');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			int i;

			if (len == 0)
				return -1;
			i = pbr_needs_find(t, p, len);
			if (i < 0)
				return -1;
			if (!(seen & (UINT64_C(1) << i))) {
				seen |= UINT64_C(1) << i;
				w += t->uplift_bp[i];
				count++;
			}
			if (end == NULL)
				break;
			p = end + 1;
		}
	}
	*weight_bp = w < max_weight_bp ? w : max_weight_bp;
	*distinct = count;
	return 0;
}

/* ---- validation -------------------------------------------------------- */

static const char *const status_names[PBR_NSTATUS] = {
	"ACCEPTED", "BAD_PREDICTION", "BAD_OUTCOME", "UNKNOWN_NEED",
	"PCC_OUTSIDE_CPA", "WRONG_QUARTER", "DUPLICATE",
};

const char *pbr_status_name(enum pbr_status s)
{
	return (s >= 0 && s < PBR_NSTATUS) ? status_names[s] : "?";
}

void pbr_format_reject_counts(const int64_t *counts, const char *sep,
			      char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 1; i < PBR_NSTATUS && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s=%" PRId64, i > 1 ? sep : "",
				      pbr_status_name((enum pbr_status)i), counts[i]);
}

/* Days from the civil date (proleptic Gregorian), Howard Hinnant's method. */
static int32_t day_number(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static int pcc_index(const struct pbr_rules *rules, const char *code)
{
	size_t lo = 0, hi = rules->pcc_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(code, rules->pcc_codes[mid]);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

enum pbr_status pbr_validate_row(const struct pbr_rules *rules,
				 const struct pbr_row *row,
				 struct pbr_member *m)
{
	int pcc;

	if (!row->has_p || row->p < 0 || row->p > PBR_PPM ||
	    !row->has_f || row->f < 0 || row->f > 1000000)
		return PBR_BAD_PREDICTION;
	if (!row->has_r || row->r < 0 || row->r > PBR_MAX_REOFFENCES)
		return PBR_BAD_OUTCOME;
	if (pbr_needs_weight(rules->needs, row->needs, rules->max_weight_bp,
			     &m->weight_bp, &m->needs_distinct) != 0)
		return PBR_UNKNOWN_NEED;
	pcc = row->pcc_code ? pcc_index(rules, row->pcc_code) : -1;
	if (pcc < 0)
		return PBR_PCC_OUTSIDE_CPA;
	if (!row->has_start_date ||
	    pbr_quarter_of_date(row->start_year, row->start_month) !=
		    rules->cohort_quarter)
		return PBR_WRONG_QUARTER;
	m->p = row->p;
	m->f = row->f;
	m->r = row->r;
	m->y = row->r >= 1;
	m->pcc_index = pcc;
	m->start_day_number = day_number(row->start_year, row->start_month,
					 row->start_day);
	return PBR_ACCEPTED;
}

void pbr_dedup_group(const struct pbr_member *m, enum pbr_status *status,
		     size_t n)
{
	size_t passed = 0, at_min = 0;
	int32_t min = 0;

	for (size_t i = 0; i < n; i++) {
		if (status[i] != PBR_ACCEPTED)
			continue;
		if (passed == 0 || m[i].start_day_number < min) {
			min = m[i].start_day_number;
			at_min = 1;
		} else if (m[i].start_day_number == min) {
			at_min++;
		}
		passed++;
	}
	if (passed < 2)
		return;
	for (size_t i = 0; i < n; i++) {
		if (status[i] != PBR_ACCEPTED)
			continue;
		if (at_min > 1 || m[i].start_day_number != min)
			status[i] = PBR_DUPLICATE;
	}
}

bool pbr_rejects_exceed(int64_t rejected, int64_t rows, int64_t max_reject_ppm)
{
	return (__int128)rejected * PBR_PPM > (__int128)max_reject_ppm * rows;
}

/* ---- sums -------------------------------------------------------------- */

int pbr_sums_add(struct pbr_sums *s, const struct pbr_member *m)
{
	struct pbr_sums t;

	t.n = 1;
	t.W = m->weight_bp;
	t.Eb = m->weight_bp * m->p;
	t.Ab = m->weight_bp * m->y * PBR_PPM;
	t.Ef = m->weight_bp * m->f;
	t.Af = m->weight_bp * m->r * PBR_MILLI;
	/* w^2 <= 10^12 and p(10^6 - p) <= 2.5*10^11: the product needs 128 bits */
	t.V = (__int128)(m->weight_bp * m->weight_bp) * (m->p * (PBR_PPM - m->p));
	return pbr_sums_merge(s, &t);
}

int pbr_sums_merge(struct pbr_sums *s, const struct pbr_sums *t)
{
	struct pbr_sums r;

	if (__builtin_add_overflow(s->n, t->n, &r.n) ||
	    __builtin_add_overflow(s->W, t->W, &r.W) ||
	    __builtin_add_overflow(s->Eb, t->Eb, &r.Eb) ||
	    __builtin_add_overflow(s->Ab, t->Ab, &r.Ab) ||
	    __builtin_add_overflow(s->Ef, t->Ef, &r.Ef) ||
	    __builtin_add_overflow(s->Af, t->Af, &r.Af) ||
	    __builtin_add_overflow(s->V, t->V, &r.V))
		return -1;
	{
		int64_t b, f;   /* B and F must fit too */
		if (__builtin_sub_overflow(r.Eb, r.Ab, &b) ||
		    __builtin_sub_overflow(r.Ef, r.Af, &f))
			return -1;
	}
	*s = r;
	return 0;
}

int64_t pbr_binary_contribution(const struct pbr_member *m)
{
	return m->weight_bp * (m->p - m->y * PBR_PPM);
}

int64_t pbr_frequency_contribution(const struct pbr_member *m)
{
	return m->weight_bp * (m->f - m->r * PBR_MILLI);
}

/* ---- payments ---------------------------------------------------------- */

static bool fits64(__int128 v)
{
	return v >= INT64_MIN && v <= INT64_MAX;
}

bool pbr_significant(int64_t B, __int128 V, int64_t z_milli)
{
	unsigned __int128 b2, z2, a, r, need, part;

	if (B == 0)
		return false;
	if (V <= 0)
		return true;
	/* |B| <= 2^63, so B^2 <= 2^126 fits.  B^2 * 10^6 >= z^2 V holds iff
	 * B^2 >= ceil(z^2 V / 10^6), and with V = a 10^6 + r that ceiling is
	 * z^2 a + ceil(z^2 r / 10^6): no product passes 128 bits unless
	 * z^2 a does, and then the ceiling is beyond any B^2. */
	b2 = (unsigned __int128)(B < 0 ? -(__int128)B : (__int128)B);
	b2 *= b2;
	z2 = (unsigned __int128)z_milli * (unsigned __int128)z_milli;
	a = (unsigned __int128)V / (unsigned __int128)PBR_PPM;
	r = (unsigned __int128)V % (unsigned __int128)PBR_PPM;
	if (__builtin_mul_overflow(z2, a, &need))
		return false;
	part = (z2 * r + (unsigned __int128)PBR_PPM - 1) / (unsigned __int128)PBR_PPM;
	if (__builtin_add_overflow(need, part, &need))
		return false;
	return b2 >= need;
}

int64_t pbr_cap_times(int64_t cap_pence, int64_t k)
{
	int64_t out;

	if (__builtin_mul_overflow(cap_pence, k, &out))
		return INT64_MAX;
	return out;
}

int pbr_price_pool(const struct pbr_tariff *t, const struct pbr_sums *s,
		   int64_t cap_pence, int64_t deduction_cap_pence,
		   struct pbr_payment *out)
{
	__int128 B = (__int128)s->Eb - s->Ab;
	__int128 F = (__int128)s->Ef - s->Af;
	__int128 pb = 0, pf = 0, d = 0, sum, capped, cut, pf2;
	bool sig_mode = t->binary_mode == PBR_MODE_SIGNIFICANCE;

	memset(out, 0, sizeof *out);
	if (!fits64(B) || !fits64(F))
		return -1;
	out->significant = pbr_significant((int64_t)B, s->V, t->significance_z_milli);
	if (sig_mode) {
		out->hurdle_met = B > 0 && out->significant;
		out->gate_open = out->hurdle_met && F > 0;
	} else {
		out->hurdle_met = B > 0 && B >= (__int128)t->binary_hurdle_ppm * s->W;
		out->gate_open = B >= 0 && F > 0;
	}
	if (out->hurdle_met)
		pb = pbr_round_div(B * t->binary_price_pence,
				   (__int128)10000000000LL);
	if (out->gate_open)
		pf = pbr_round_div(F * t->frequency_price_pence,
				   (__int128)10000000LL);
	if (sig_mode && B < 0 && out->significant) {
		d = pbr_round_div(-B * t->deduction_price_pence,
				  (__int128)10000000000LL);
		if (d > deduction_cap_pence)
			d = deduction_cap_pence;
		out->termination = t->has_termination &&
				   -B >= (__int128)t->termination_ppm * s->W;
	}
	sum = pb + pf;
	capped = sum < cap_pence ? sum : cap_pence;
	cut = sum - capped;
	pf2 = pf - (cut < pf ? cut : pf);
	if (!fits64(sum) || !fits64(pb) || !fits64(pf) || !fits64(d))
		return -1;
	out->binary_raw = (int64_t)pb;
	out->frequency_raw = (int64_t)pf;
	out->deduction = (int64_t)d;
	out->total = (int64_t)(capped - d);
	out->cut = (int64_t)cut;
	out->frequency = (int64_t)pf2;
	out->binary = (int64_t)(capped - pf2);
	return 0;
}

int pbr_price(const struct pbr_tariff *t, const struct pbr_sums *s,
	      int64_t cap_pence, struct pbr_payment *out)
{
	return pbr_price_pool(t, s, cap_pence, t->deduction_cap_pence, out);
}

int pbr_true_up(int64_t entitlement, int64_t previously_paid,
		int64_t q4_total, int64_t *true_up)
{
	int64_t paid;

	if (__builtin_add_overflow(previously_paid, q4_total, &paid) ||
	    __builtin_sub_overflow(entitlement, paid, true_up))
		return -1;
	return 0;
}

int pbr_amount_due(int64_t period_due, bool restatement,
		   int64_t superseded_period_due, int64_t advance_netted,
		   int64_t *amount_due)
{
	if (restatement)
		return __builtin_sub_overflow(period_due, superseded_period_due,
					      amount_due) ? -1 : 0;
	return __builtin_sub_overflow(period_due, advance_netted, amount_due) ? -1 : 0;
}

/* ---- attribution ------------------------------------------------------- */

int pbr_attribute(int64_t amount, const int64_t *x, const char *const *codes,
		  size_t n, int64_t *out)
{
	__int128 sum = 0, given = 0;

	for (size_t i = 0; i < n; i++) {
		out[i] = 0;
		if (x[i] > 0)
			sum += x[i];
	}
	if (amount < 0)
		return -1;
	if (sum == 0)
		return amount == 0 ? 0 : -1;
	for (size_t i = 0; i < n; i++) {
		if (x[i] > 0) {
			out[i] = (int64_t)((__int128)amount * x[i] / sum);
			given += out[i];
		}
	}
	/* One penny each to the largest remainders, ties to the lower code.
	 * At most n-1 pence are left, so a selection pass per penny is fine
	 * for the 1-6 areas a CPA has. */
	for (__int128 left = amount - given; left > 0; left--) {
		size_t best = n;
		__int128 best_rem = -1;

		for (size_t i = 0; i < n; i++) {
			__int128 rem;

			if (x[i] <= 0 || out[i] != (int64_t)((__int128)amount * x[i] / sum))
				continue;   /* not positive, or already given one */
			rem = (__int128)amount * x[i] % sum;
			if (rem > best_rem ||
			    (rem == best_rem && strcmp(codes[i], codes[best]) < 0)) {
				best = i;
				best_rem = rem;
			}
		}
		if (best == n)
			return -1;
		out[best]++;
	}
	return 0;
}

int pbr_needs_band(int distinct)
{
	return distinct == 0 ? 0 : distinct <= 2 ? 1 : 2;
}

const char *pbr_band_name(int band)
{
	static const char *const names[PBR_NBANDS] = { "0", "1-2", "3+" };
	return (band >= 0 && band < PBR_NBANDS) ? names[band] : "?";
}
