/*
 * fuzz_needs.c - libFuzzer harness for the needs table and needs-list
 * parser (pbr_needs_add, pbr_needs_find, pbr_needs_weight; engine/core.c).
 *
 * Byte 0 chooses the mode:
 *   even: a fixed needs table (the shape settle.c builds from pbr.need and
 *         pbr.tariff_need_uplift); bytes 1..2 give max_weight_bp in
 *         10000..1000000, the rest (up to the first NUL) is the needs list.
 *   odd:  the table is built from the input: '\n'-separated codes with an
 *         uplift each, then after a NUL the needs list.  Checks that the
 *         table stays sorted and every added code is found.
 * Either way the parse is compared with a straightforward reference
 * (split on '+', linear search, distinct codes counted once).
 */
#include "core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const fixed_codes[] = {
	"ACC", "SUB", "EMP", "EDU", "MH", "A", "AB", "ABC", "Z", "FIN",
	"DV", "ALC", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", /* 32 bytes, the longest */
};
static const int64_t fixed_uplift[] = {
	1500, 2500, 1000, 0, 3000, 1, 2, 3, 1000000, 700, 4000, 250, 9,
};
#define NFIXED (sizeof fixed_codes / sizeof fixed_codes[0])

static int lin_find(const struct pbr_needs *t, const char *p, size_t len)
{
	for (size_t i = 0; i < t->count; i++)
		if (strlen(t->code[i]) == len && memcmp(t->code[i], p, len) == 0)
			return (int)i;
	return -1;
}

static void check_table(const struct pbr_needs *t)
{
	if (t->count > PBR_MAX_NEEDS)
		abort();
	for (size_t i = 0; i < t->count; i++) {
		size_t len = strlen(t->code[i]);
		if (len == 0 || len > PBR_CODE_MAX)
			abort();
		if (i > 0 && strcmp(t->code[i - 1], t->code[i]) >= 0)
			abort();  /* sorted bytewise, no duplicates */
		if (pbr_needs_find(t, t->code[i], len) != (int)i)
			abort();
	}
}

/* Reference weight: -1 on an unknown or empty element. */
static int ref_weight(const struct pbr_needs *t, const char *needs,
		      int64_t max, int64_t *w, int *distinct)
{
	int seen[PBR_MAX_NEEDS] = { 0 };
	int64_t sum = PBR_BP;
	int cnt = 0;
	const char *p = needs;

	if (*needs) {
		for (;;) {
			size_t len = strcspn(p, "+");
			int i;

			if (len == 0)
				return -1;
			i = lin_find(t, p, len);
			if (i < 0)
				return -1;
			if (!seen[i]) {
				seen[i] = 1;
				sum += t->uplift_bp[i];
				cnt++;
			}
			if (p[len] == '\0')
				break;
			p += len + 1;
		}
	}
	*w = sum < max ? sum : max;
	*distinct = cnt;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbr_needs t;
	int64_t max = 1000000, w = -1, rw = -2;
	int d = -1, rd = -2, rc, rrc;
	char *needs;
	size_t nlen;

	if (size < 1)
		return 0;
	memset(&t, 0, sizeof t);
	if ((data[0] & 1) == 0) {
		for (size_t i = 0; i < NFIXED; i++)
			if (pbr_needs_add(&t, fixed_codes[i], fixed_uplift[i]) != 0)
				abort();
		/* adding again, empty or too long must fail */
		if (pbr_needs_add(&t, "ACC", 5) == 0 || pbr_needs_add(&t, "", 5) == 0 ||
		    pbr_needs_add(&t, "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", 5) == 0)
			abort();
		if (size >= 3) {
			max = PBR_BP + (int64_t)((data[1] << 8 | data[2]) * 15);
			data += 3;
			size -= 3;
		} else {
			data++;
			size--;
		}
	} else {
		/* codes separated by '\n', each followed by ':' and one uplift byte */
		const uint8_t *p = data + 1, *end = data + size;

		while (p < end && *p != 0) {
			const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
			const uint8_t *zero = memchr(p, 0, (size_t)(end - p));
			const uint8_t *stop = nl ? nl : end;
			char code[80];
			size_t len;
			int64_t up;
			int before_found, rc_add;
			size_t before = t.count;

			if (zero && zero < stop)
				stop = zero;
			len = (size_t)(stop - p);
			if (len > 70)
				len = 70;
			memcpy(code, p, len);
			code[len] = '\0';
			up = len ? (int64_t)(unsigned char)code[len - 1] * 100 : 0;
			before_found = pbr_needs_find(&t, code, len) >= 0;
			rc_add = pbr_needs_add(&t, code, up);
			if (rc_add == 0) {
				if (len == 0 || len > PBR_CODE_MAX || before_found ||
				    before >= PBR_MAX_NEEDS || t.count != before + 1)
					abort();
				if (pbr_needs_find(&t, code, len) < 0)
					abort();
			} else {
				if (t.count != before)
					abort();
				if (len >= 1 && len <= PBR_CODE_MAX && !before_found &&
				    before < PBR_MAX_NEEDS)
					abort();
			}
			check_table(&t);
			if (stop == end || *stop == 0) {
				p = stop;
				break;
			}
			p = stop + 1;
		}
		if (p < end && *p == 0)
			p++;
		size = (size_t)(end - p);
		data = p;
	}
	check_table(&t);

	nlen = strnlen((const char *)data, size);
	needs = malloc(nlen + 1);
	if (needs == NULL)
		abort();
	memcpy(needs, data, nlen);
	needs[nlen] = '\0';

	rc = pbr_needs_weight(&t, needs, max, &w, &d);
	rrc = ref_weight(&t, needs, max, &rw, &rd);
	if (rc != rrc)
		abort();
	if (rc == 0) {
		if (w != rw || d != rd)
			abort();
		/* uplifts are >= 0 here, max >= 10000: SPEC 1 weight range */
		if (w < PBR_BP || w > max || d < 0 || (size_t)d > t.count)
			abort();
		if (pbr_needs_band(d) < 0 || pbr_needs_band(d) >= PBR_NBANDS)
			abort();
	}
	free(needs);
	return 0;
}
