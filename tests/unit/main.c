/*
 * main.c - the unit test runner: CUnit basic interface, verbose.  Exits
 * 0 iff CU_get_number_of_failures() is 0, at least one test ran and the
 * registry was built without error; 1 on a failure, 2 otherwise.
 */
#include "suites.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

int cu_add_suite(const char *name, const struct cu_test *tests)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);

	if (suite == NULL)
		return -1;
	for (; tests->name != NULL; tests++)
		if (CU_add_test(suite, tests->name, tests->fn) == NULL)
			return -1;
	return 0;
}

/* Decimal text of a 128-bit integer; buf of at least 41 bytes. */
static const char *i128_str(__int128 v, char *buf)
{
	char tmp[41];
	unsigned __int128 a = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + (int)(a % 10));
		a /= 10;
	} while (a != 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

/* CUnit copies the condition text of a failure, so a stack buffer is fine. */
static void report(int ok, const char *expr, const char *got,
		   const char *expected, const char *file, unsigned line,
		   const char *func)
{
	char msg[512];

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, expr, file, func, CU_FALSE);
		return;
	}
	snprintf(msg, sizeof msg, "%s (got %s, expected %s)", expr, got,
		 expected);
	CU_assertImplementation(CU_FALSE, line, msg, file, func, CU_FALSE);
}

void cu_check_i64(int64_t got, int64_t expected, const char *expr,
		  const char *file, unsigned line, const char *func)
{
	char g[41], e[41];

	report(got == expected, expr, i128_str(got, g), i128_str(expected, e),
	       file, line, func);
}

void cu_check_i128(__int128 got, __int128 expected, const char *expr,
		   const char *file, unsigned line, const char *func)
{
	char g[41], e[41];

	report(got == expected, expr, i128_str(got, g), i128_str(expected, e),
	       file, line, func);
}

void cu_check_str(const char *got, const char *expected, const char *expr,
		  const char *file, unsigned line, const char *func)
{
	int ok = got && expected ? strcmp(got, expected) == 0 : got == expected;
	char g[160], e[160];

	if (got)
		snprintf(g, sizeof g, "\"%s\"", got);
	else
		snprintf(g, sizeof g, "NULL");
	if (expected)
		snprintf(e, sizeof e, "\"%s\"", expected);
	else
		snprintf(e, sizeof e, "NULL");
	report(ok, expr, g, e, file, line, func);
}

int main(void)
{
	unsigned failures, ran;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit_tests: %s\n", CU_get_error_msg());
		return 2;
	}
	if (cu_core_register() != 0 || cu_validate_register() != 0 ||
	    cu_money_register() != 0 || cu_util_register() != 0 ||
	    cu_copytext_register() != 0 ||
	    cu_significance_register() != 0 || cu_monitor_register() != 0 ||
	    cu_fee_register() != 0 ||
	    cu_outfile_register() != 0 ||
	    cu_progress_register() != 0 ||
	    cu_tariff_file_register() != 0 ||
	    cu_core_branches_register() != 0) {
		fprintf(stderr, "unit_tests: cannot build the registry: %s\n",
			CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		fprintf(stderr, "unit_tests: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	/* the exit status is CUnit's own count of failed assertions (and
	 * failed suite set-ups), never a count kept here */
	failures = CU_get_number_of_failures();
	ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (ran == 0) {
		fprintf(stderr, "unit_tests: no test ran\n");
		return 2;
	}
	return failures != 0;
}
