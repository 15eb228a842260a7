/*
 * suites.h - the CUnit suites of the unit test runner and the small
 * assertion helpers they share.  Every cu_*.c file exposes one
 * cu_*_register() that adds its suites; main.c calls them in order.
 */
#ifndef PBR_UNIT_SUITES_H
#define PBR_UNIT_SUITES_H

#include <CUnit/CUnit.h>
#include <stdint.h>

int cu_core_register(void);      /* periods, rounding, needs, weights, bands */
int cu_validate_register(void);  /* validation, DUPLICATE, reject threshold */
int cu_money_register(void);     /* sums, payments, attribution */
int cu_util_register(void);      /* pbr_parse_int64, pbr_format_pounds */
int cu_copytext_register(void);  /* pbr_line_cmp: the digest's tie order */
int cu_significance_register(void); /* SPEC 5a, money rules, 128-bit text */
int cu_monitor_register(void);     /* the monitor: interval, shares, flags */
int cu_fee_register(void);       /* the whole contract (SPEC 11): fee.h */
int cu_core_branches_register(void); /* core.c branches the above miss */
int cu_outfile_register(void);   /* the atomic-write path, real files */
int cu_progress_register(void);  /* the progress line, on a real file */
int cu_tariff_file_register(void); /* draft-tariff files, real files */

/* One test of a suite; a table ends with { NULL, NULL }. */
struct cu_test {
	const char *name;
	CU_TestFunc fn;
};
#define T_ENTRY(fn) { #fn, fn }
#define T_END { NULL, NULL }

/* Adds a suite and its tests to the registry.  Returns 0 or -1. */
int cu_add_suite(const char *name, const struct cu_test *tests);

/* Assertions that print both values on failure (in main.c). */
void cu_check_i64(int64_t got, int64_t expected, const char *expr,
		  const char *file, unsigned line, const char *func);
void cu_check_i128(__int128 got, __int128 expected, const char *expr,
		   const char *file, unsigned line, const char *func);
void cu_check_str(const char *got, const char *expected, const char *expr,
		  const char *file, unsigned line, const char *func);

#define CHECK_I64(got, expected) \
	cu_check_i64((int64_t)(got), (int64_t)(expected), #got " == " #expected, \
		     __FILE__, __LINE__, __func__)
#define CHECK_I128(got, expected) \
	cu_check_i128((__int128)(got), (__int128)(expected), \
		      #got " == " #expected, __FILE__, __LINE__, __func__)
#define CHECK_STR(got, expected) \
	cu_check_str((got), (expected), #got " == " #expected, __FILE__, \
		     __LINE__, __func__)
#define CHECK_TRUE(cond) \
	CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, __LINE__, #cond, \
				__FILE__, __func__, CU_FALSE)
#define CHECK_FALSE(cond) \
	CU_assertImplementation((cond) ? CU_FALSE : CU_TRUE, __LINE__, \
				"!(" #cond ")", __FILE__, __func__, CU_FALSE)

#endif
