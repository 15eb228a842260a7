/*
 * fuzz_validate.c - libFuzzer harness for row validation and the money
 * path of core.c: pbr_validate_row, pbr_dedup_group, pbr_sums_add,
 * pbr_sums_merge, pbr_price and pbr_attribute, on rows and tariffs decoded
 * from the fuzz bytes.  Every invariant of SPEC sections 1, 4 and 5 that
 * can be stated locally is checked with abort().
 *
 * Tariffs are drawn from the domain settle.c's tariff_ok() admits: prices
 * and cap >= 0, hurdle 0..10^6 ppm, max weight 10000..10^6 bp, uplifts
 * 0..10^6 bp.  Row values are anything an int column can hold, and more.
 */
#include "core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct reader *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static uint64_t u64(struct reader *r, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | u8(r);
	return v;
}

/* An int64 biased towards the edges of the valid ranges. */
static int64_t pick_value(struct reader *r, int64_t hi)
{
	uint8_t k = u8(r);

	switch (k % 8) {
	case 0: return 0;
	case 1: return hi;
	case 2: return hi + 1;
	case 3: return -1;
	case 4: return (int64_t)(u64(r, 3) % (uint64_t)(hi + 1));
	case 5: return (int64_t)u64(r, 8);            /* anything */
	case 6: return (int64_t)(int32_t)u64(r, 4);   /* an int column */
	default: return (int64_t)(u64(r, 2) % (uint64_t)(hi + 1));
	}
}

static const char *const need_codes[] = { "ACC", "EDU", "EMP", "MH", "SUB" };
static const char *const need_lists[] = {
	"", "ACC", "SUB+SUB", "ACC+SUB+EMP", "ACC+", "+ACC", "A++B", "NOPE",
	"MH+EDU+EMP+SUB+ACC", "acc", "ACC+ACC+ACC+MH", "EDU",
};
static const char *const pcc_all[] = { "A1", "A2", "B1", "C9", "", "a1" };
static const char *const pcc_known[] = { "A1", "A2", "B1" };   /* sorted */
#define NPCC 3
static const char *const refs[] = { "R1", "R2", "R3", "R4", "R5" };
#define NREFS 5
#define MAXROWS 48

static int64_t days_from_civil(int y, int m, int d)
{
	/* independent of core.c: count days with a month table */
	static const int cum[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int64_t leapdays, yy = y;

	leapdays = (yy - 1) / 4 - (yy - 1) / 100 + (yy - 1) / 400;
	return yy * 365 + leapdays + cum[m - 1] + d +
	       ((m > 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ? 1 : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader rd = { data, size };
	struct pbr_needs needs;
	struct pbr_rules rules;
	struct pbr_tariff t;
	struct pbr_row rows[MAXROWS];
	struct pbr_member mem[MAXROWS];
	enum pbr_status st[MAXROWS], st0[MAXROWS];
	int refidx[MAXROWS];
	int64_t dayref[MAXROWS];
	size_t nrows;
	int cohort;

	if (size < 8)
		return 0;
	memset(&needs, 0, sizeof needs);
	memset(&t, 0, sizeof t);
	for (size_t i = 0; i < sizeof need_codes / sizeof need_codes[0]; i++)
		if (pbr_needs_add(&needs, need_codes[i],
				  (int64_t)(u64(&rd, 3) % 1000001)) != 0)
			abort();
	t.max_weight_bp = PBR_BP + (int64_t)(u64(&rd, 3) % (990001));
	t.binary_price_pence = (u8(&rd) & 1) ? (int64_t)(u64(&rd, 8) >> 1)
					       : (int64_t)u64(&rd, 3);
	t.frequency_price_pence = (u8(&rd) & 1) ? (int64_t)(u64(&rd, 8) >> 1)
						  : (int64_t)u64(&rd, 3);
	t.binary_hurdle_ppm = (int64_t)(u64(&rd, 3) % 1000001);
	t.cohort_cap_pence = (u8(&rd) & 1) ? (int64_t)(u64(&rd, 8) >> 1)
					     : (int64_t)u64(&rd, 4);
	t.max_reject_ppm = (int64_t)(u64(&rd, 3) % 1000001);
	cohort = 2024 * 4 + u8(&rd) % 4;

	rules.cohort_quarter = cohort;
	rules.needs = &needs;
	rules.pcc_count = NPCC;
	rules.pcc_codes = pcc_known;
	rules.max_weight_bp = t.max_weight_bp;

	/* ---- rows and validation ---- */
	nrows = u8(&rd) % (MAXROWS + 1);
	for (size_t i = 0; i < nrows; i++) {
		struct pbr_row *row = &rows[i];
		uint8_t flags = u8(&rd);
		int64_t w_expect;

		memset(row, 0, sizeof *row);
		refidx[i] = u8(&rd) % NREFS;
		row->offender_ref = refs[refidx[i]];
		row->cohort_quarter = "2024Q1";
		row->pcc_code = (flags & 1) ? NULL : pcc_all[u8(&rd) % 6];
		row->has_start_date = !(flags & 2);
		row->start_year = 2023 + u8(&rd) % 3;
		row->start_month = 1 + u8(&rd) % 12;
		row->start_day = 1 + u8(&rd) % 28;
		row->has_p = !(flags & 4);
		row->has_f = !(flags & 8);
		row->has_r = !(flags & 16);
		row->p = pick_value(&rd, PBR_PPM);
		row->f = pick_value(&rd, 1000000);
		row->r = pick_value(&rd, PBR_MAX_REOFFENCES);
		row->needs = need_lists[u8(&rd) % (sizeof need_lists / sizeof need_lists[0])];
		row->outcome_status = "final";
		dayref[i] = days_from_civil(row->start_year, row->start_month, row->start_day);

		memset(&mem[i], 0x5a, sizeof mem[i]);
		st[i] = pbr_validate_row(&rules, row, &mem[i]);
		if (st[i] < PBR_ACCEPTED || st[i] >= PBR_DUPLICATE)
			abort();   /* validate never says DUPLICATE */
		/* the first applicable rule, in SPEC order */
		{
			enum pbr_status want = PBR_ACCEPTED;
			int64_t wt;
			int dist;
			int pcc_ok = row->pcc_code &&
				(!strcmp(row->pcc_code, "A1") || !strcmp(row->pcc_code, "A2") ||
				 !strcmp(row->pcc_code, "B1"));

			if (!row->has_p || row->p < 0 || row->p > PBR_PPM ||
			    !row->has_f || row->f < 0 || row->f > 1000000)
				want = PBR_BAD_PREDICTION;
			else if (!row->has_r || row->r < 0 || row->r > PBR_MAX_REOFFENCES)
				want = PBR_BAD_OUTCOME;
			else if (pbr_needs_weight(&needs, row->needs, t.max_weight_bp,
						  &wt, &dist) != 0)
				want = PBR_UNKNOWN_NEED;
			else if (!pcc_ok)
				want = PBR_PCC_OUTSIDE_CPA;
			else if (!row->has_start_date ||
				 row->start_year * 4 + (row->start_month - 1) / 3 != cohort)
				want = PBR_WRONG_QUARTER;
			if (st[i] != want)
				abort();
			w_expect = want == PBR_ACCEPTED ? wt : 0;
		}
		if (st[i] == PBR_ACCEPTED) {
			const struct pbr_member *m = &mem[i];
			if (m->weight_bp < PBR_BP || m->weight_bp > t.max_weight_bp ||
			    m->weight_bp != w_expect)
				abort();
			if (m->y != 0 && m->y != 1)
				abort();
			if (m->y != (m->r >= 1))
				abort();
			if (m->p < 0 || m->p > PBR_PPM || m->f < 0 || m->f > 1000000 ||
			    m->r < 0 || m->r > PBR_MAX_REOFFENCES)
				abort();
			if (m->pcc_index < 0 || m->pcc_index >= NPCC ||
			    strcmp(pcc_known[m->pcc_index], row->pcc_code) != 0)
				abort();
			if (m->needs_distinct < 0 || m->needs_distinct > 5)
				abort();
			/* the binary contribution is w*(p - y*10^6) exactly */
			if (pbr_binary_contribution(m) != m->weight_bp * (m->p - m->y * PBR_PPM) ||
			    pbr_frequency_contribution(m) != m->weight_bp * (m->f - m->r * PBR_MILLI))
				abort();
		}
	}
	memcpy(st0, st, sizeof st);

	/* ---- DUPLICATE, one group per offender_ref ---- */
	for (int g = 0; g < NREFS; g++) {
		struct pbr_member gm[MAXROWS];
		enum pbr_status gs[MAXROWS];
		size_t idx[MAXROWS], k = 0, passed = 0, at_min = 0, kept = 0;
		int64_t min = INT64_MAX;

		for (size_t i = 0; i < nrows; i++)
			if (refidx[i] == g) {
				idx[k] = i;
				gm[k] = mem[i];
				gs[k] = st[i];
				k++;
			}
		for (size_t j = 0; j < k; j++) {
			if (gs[j] != PBR_ACCEPTED)
				continue;
			passed++;
			if (dayref[idx[j]] < min) {
				min = dayref[idx[j]];
				at_min = 1;
			} else if (dayref[idx[j]] == min) {
				at_min++;
			}
		}
		pbr_dedup_group(gm, gs, k);
		for (size_t j = 0; j < k; j++) {
			enum pbr_status before = st0[idx[j]], want = before;

			if (before == PBR_ACCEPTED && passed >= 2 &&
			    (at_min > 1 || dayref[idx[j]] != min))
				want = PBR_DUPLICATE;
			if (gs[j] != want)
				abort();
			if (gs[j] == PBR_ACCEPTED)
				kept++;
			st[idx[j]] = gs[j];
		}
		if (kept > 1)
			abort();
	}

	/* ---- sums: cohort and per PCC, checked against 128-bit sums ---- */
	{
		struct pbr_sums all, pcc[NPCC];
		__int128 W = 0, Eb = 0, Ab = 0, Ef = 0, Af = 0, B[NPCC] = { 0 };
		int64_t counts[PBR_NSTATUS] = { 0 }, n = 0, x[NPCC], out[NPCC];
		struct pbr_payment pay;
		int rc;

		memset(&all, 0, sizeof all);
		memset(pcc, 0, sizeof pcc);
		for (size_t i = 0; i < nrows; i++) {
			const struct pbr_member *m = &mem[i];

			counts[st[i]]++;
			if (st[i] != PBR_ACCEPTED)
				continue;
			if (pbr_sums_add(&all, m) != 0 ||
			    pbr_sums_add(&pcc[m->pcc_index], m) != 0)
				abort();   /* 48 members cannot overflow */
			n++;
			W += m->weight_bp;
			Eb += (__int128)m->weight_bp * m->p;
			Ab += (__int128)m->weight_bp * m->y * PBR_PPM;
			Ef += (__int128)m->weight_bp * m->f;
			Af += (__int128)m->weight_bp * m->r * PBR_MILLI;
			B[m->pcc_index] += (__int128)m->weight_bp * (m->p - m->y * PBR_PPM);
		}
		if (all.n != n || all.W != W || all.Eb != Eb || all.Ab != Ab ||
		    all.Ef != Ef || all.Af != Af)
			abort();
		{
			struct pbr_sums merged;
			memset(&merged, 0, sizeof merged);
			for (int i = 0; i < NPCC; i++)
				if (pbr_sums_merge(&merged, &pcc[i]) != 0)
					abort();
			if (memcmp(&merged, &all, sizeof all) != 0)
				abort();
		}
		/* every row is accounted for */
		{
			int64_t tot = 0;
			for (int s = 0; s < PBR_NSTATUS; s++)
				tot += counts[s];
			if (tot != (int64_t)nrows || counts[PBR_ACCEPTED] != n)
				abort();
			if (pbr_rejects_exceed(tot - n, tot, t.max_reject_ppm) !=
			    ((__int128)(tot - n) * PBR_PPM > (__int128)t.max_reject_ppm * tot))
				abort();
		}
		/* overflow is reported, and leaves the sums as they were */
		{
			struct pbr_sums big = all, keep;
			struct pbr_member m = { 1000000, PBR_PPM, 1000000, 0, 0, 0, 0, 0 };
			big.Eb = INT64_MAX - 5;
			keep = big;
			if (pbr_sums_add(&big, &m) != -1 || memcmp(&big, &keep, sizeof big) != 0)
				abort();
		}

		/* ---- price ---- */
		rc = pbr_price(&t, &all, t.cohort_cap_pence, &pay);
		{
			__int128 b = Eb - Ab, f = Ef - Af, pb = 0, pf = 0, sum, tot;
			int hurdle = b > 0 && b >= (__int128)t.binary_hurdle_ppm * W;
			int gate = b >= 0 && f > 0;

			if (hurdle)
				pb = (2 * b * t.binary_price_pence + 10000000000LL) /
				     (2 * (__int128)10000000000LL);
			if (gate)
				pf = (2 * f * t.frequency_price_pence + 10000000LL) /
				     (2 * (__int128)10000000LL);
			sum = pb + pf;
			tot = sum < t.cohort_cap_pence ? sum : t.cohort_cap_pence;
			if (sum > INT64_MAX || pb > INT64_MAX || pf > INT64_MAX) {
				if (rc != -1)
					abort();
			} else {
				if (rc != 0)
					abort();
				if (pay.hurdle_met != hurdle || pay.gate_open != gate)
					abort();
				if (pay.binary_raw != pb || pay.frequency_raw != pf)
					abort();
				if (pay.total != tot || pay.total > t.cohort_cap_pence ||
				    pay.total < 0)
					abort();
				if (pay.cut < 0 || pay.cut != sum - tot)
					abort();
				if (pay.binary < 0 || pay.frequency < 0 ||
				    pay.binary + pay.frequency != pay.total)
					abort();
				if (pay.binary > pay.binary_raw || pay.frequency > pay.frequency_raw)
					abort();
				/* the cut comes off the frequency payment first */
				if (pay.frequency != (pf > pay.cut ? pf - pay.cut : 0))
					abort();
			}
		}

		/* ---- attribution of the binary payment over the PCC areas ---- */
		if (rc == 0) {
			for (int i = 0; i < NPCC; i++)
				x[i] = (int64_t)B[i];
			int arc = pbr_attribute(pay.binary, x, pcc_known, NPCC, out);
			__int128 pos = 0, given = 0;

			for (int i = 0; i < NPCC; i++)
				if (x[i] > 0)
					pos += x[i];
			for (int i = 0; i < NPCC; i++) {
				given += out[i];
				if (out[i] < 0)
					abort();
				if (x[i] <= 0 && out[i] != 0)
					abort();
				if (pos > 0) {
					__int128 fl = (__int128)pay.binary * (x[i] > 0 ? x[i] : 0) / pos;
					if (out[i] != fl && out[i] != fl + 1)
						abort();
				}
			}
			if (pos > 0) {
				if (arc != 0 || given != pay.binary)
					abort();
			} else {
				if (given != 0 || arc != (pay.binary == 0 ? 0 : -1))
					abort();
			}
		}
	}

	/* ---- attribution on raw values: any amount and shares ---- */
	if (rd.n >= 8) {
		int64_t amount = (int64_t)u64(&rd, 8), x[6], out[6];
		static const char *const codes[6] = { "Z9", "A1", "M", "A1x", "B", "A" };
		size_t n = 1 + u8(&rd) % 6;
		__int128 pos = 0, given = 0;
		int arc;

		for (size_t i = 0; i < n; i++) {
			x[i] = (u8(&rd) & 1) ? (int64_t)u64(&rd, 8) : (int64_t)u64(&rd, 1) - 16;
			if (x[i] > 0)
				pos += x[i];
		}
		arc = pbr_attribute(amount, x, codes, n, out);
		for (size_t i = 0; i < n; i++)
			given += out[i];
		if (amount < 0) {
			if (arc != -1 || given != 0)
				abort();
		} else if (pos == 0) {
			if (given != 0 || arc != (amount == 0 ? 0 : -1))
				abort();
		} else {
			if (arc != 0 || given != amount)
				abort();
			for (size_t i = 0; i < n; i++) {
				__int128 fl = x[i] > 0 ? (__int128)amount * x[i] / pos : 0;
				if (out[i] != fl && out[i] != fl + 1)
					abort();
				if (x[i] <= 0 && out[i] != 0)
					abort();
			}
			/* largest remainders: an area given the extra penny has a
			 * remainder no smaller than one that was not */
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n; j++) {
					__int128 ri, rj, fi, fj;
					if (x[i] <= 0 || x[j] <= 0)
						continue;
					fi = (__int128)amount * x[i] / pos;
					fj = (__int128)amount * x[j] / pos;
					ri = (__int128)amount * x[i] % pos;
					rj = (__int128)amount * x[j] % pos;
					if (out[i] == fi + 1 && out[j] == fj &&
					    (ri < rj || (ri == rj && strcmp(codes[i], codes[j]) > 0)))
						abort();
				}
		}
	}
	return 0;
}
