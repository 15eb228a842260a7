/*
 * cu_defects.c - tests of core.h promises that core.c does not keep at
 * the time of writing.  Registered last: the first one is undefined
 * behaviour that only a -fsanitize=undefined build reports, and with
 * UBSAN_OPTIONS=halt_on_error=1 it stops the run, so every other suite
 * has reported by then.  Delete a test here only with the fix it asks for.
 */
#include "suites.h"

#include "core.h"

/* core.h: pbr_sums_merge "returns -1 on overflow".  The sums fit, but
 * B = Eb - Ab does not: -2^62 - (2^62 + 1) = -2^63 - 1 < INT64_MIN.
 * core.c:280 tests this as `r.Eb - r.Ab != (__int128)r.Eb - r.Ab`, whose
 * left side is an int64 subtraction that overflows (undefined behaviour)
 * before it is widened.  It happens to give -1 with today's compilers;
 * UBSan reports "signed integer overflow" at core.c:280. */
static void sums_merge_b_overflow_defined(void)
{
	struct pbr_sums s = { 1, 10000, -(INT64_C(1) << 62), 0, 0, 0, 0 };
	struct pbr_sums t = { 1, 10000, 0, (INT64_C(1) << 62) + 1, 0, 0, 0 };

	CHECK_I64(pbr_sums_merge(&s, &t), -1);
	CHECK_I64(s.n, 1);                  /* unchanged */
	CHECK_I64(s.W, 10000);
	CHECK_I64(s.Eb, -(INT64_C(1) << 62));
	CHECK_I64(s.Ab, 0);
}

/* core.h: "out[] sums exactly to amount whenever some x[i] > 0".  For a
 * negative amount, core.c:351 truncates toward zero (-10*1/3 = -3,
 * -10*2/3 = -6) and the loop at core.c:358 hands out pence only while
 * left > 0, so the shares sum to -9, not -10, and 0 is returned.  Either
 * the header should require amount >= 0 (and the code reject or assert a
 * negative one) or the code should attribute it. */
static void attribute_negative_amount_sums_exactly(void)
{
	const int64_t x[2] = { 1, 2 };
	const char *const c[2] = { "A", "B" };
	int64_t out[2];
	int rc = pbr_attribute(-10, x, c, 2, out);

	if (rc == 0)
		CHECK_I64(out[0] + out[1], -10);
	else
		CHECK_I64(rc, -1);          /* refusing it is fine too */
}

static const struct cu_test defect_tests[] = {
	T_ENTRY(attribute_negative_amount_sums_exactly),
	T_ENTRY(sums_merge_b_overflow_defined),
	T_END
};

int cu_defects_register(void)
{
	return cu_add_suite("core_defects", defect_tests);
}
