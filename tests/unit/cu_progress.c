/*
 * cu_progress.c - the progress line (progress.c) on a real file standing
 * in for stderr: nothing when off, the forced line when the last contract
 * is done, the rows of one contract as they stream, the closing newline.
 */
#include "progress.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Runs fn with stderr sent to a temporary file; returns what it printed
 * (malloc'd, NUL-terminated) or NULL. */
static char *capture(void (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved;
	long n;
	char *buf = NULL;

	if (tmp == NULL)
		return NULL;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if (saved < 0 || dup2(fileno(tmp), STDERR_FILENO) < 0)
		goto done;
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	/* fd 2 wrote the file behind tmp's back: read it through the fd */
	n = (long)lseek(fileno(tmp), 0, SEEK_END);
	if (n < 0 || lseek(fileno(tmp), 0, SEEK_SET) < 0)
		goto done;
	buf = calloc((size_t)n + 1, 1);
	if (buf != NULL && n > 0 && read(fileno(tmp), buf, (size_t)n) != n) {
		free(buf);
		buf = NULL;
	}
done:
	if (saved >= 0)
		close(saved);
	fclose(tmp);
	return buf;
}

static void pause_250ms(void)
{
	struct timespec ts = { 0, 250 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static void off_run(void)
{
	pbr_progress_start("2025Q4", 2, false);
	pbr_progress_rows(100);
	pbr_progress_contract_done();
	pbr_progress_contract_done();
	pbr_progress_end();
}

static void test_off_prints_nothing(void)
{
	char *out = capture(off_run);

	CHECK_TRUE(out != NULL);
	if (out)
		CHECK_STR(out, "");
	free(out);
}

static void two_contracts(void)
{
	pbr_progress_start("2025Q4", 2, true);
	pbr_progress_rows(6);          /* within 200 ms of the start: no line */
	pbr_progress_contract_done();  /* 1 of 2: not forced, too soon */
	pbr_progress_rows(5);
	pbr_progress_contract_done();  /* 2 of 2: forced */
	pbr_progress_end();
}

static void test_last_contract_forces_the_line(void)
{
	char *out = capture(two_contracts);

	CHECK_TRUE(out != NULL);
	if (out) {
		CHECK_TRUE(strncmp(out, "\r2025Q4: 2 of 2 contracts, 11 rows read, ", 41) == 0);
		CHECK_TRUE(strstr(out, " rows/s") != NULL);
		CHECK_TRUE(out[strlen(out) - 1] == '\n');
		CHECK_TRUE(strchr(out + 1, '\r') == NULL);   /* one draw only */
	}
	free(out);
}

static void one_long_contract(void)
{
	pbr_progress_start("2026Q1", 1, true);
	pbr_progress_rows(8192);
	pause_250ms();
	pbr_progress_rows(8192);       /* 250 ms later: drawn mid-contract */
	pbr_progress_contract_done();
	pbr_progress_end();
}

static void test_rows_show_within_a_contract(void)
{
	char *out = capture(one_long_contract);

	CHECK_TRUE(out != NULL);
	if (out) {
		CHECK_TRUE(strncmp(out, "\r2026Q1: 0 of 1 contracts, 16384 rows read, ", 44) == 0);
		CHECK_TRUE(strstr(out, "\r2026Q1: 1 of 1 contracts, 16384 rows read, ") != NULL);
		CHECK_TRUE(out[strlen(out) - 1] == '\n');
	}
	free(out);
}

static void after_end(void)
{
	pbr_progress_start("2026Q1", 1, true);
	pbr_progress_end();            /* nothing drawn: no newline either */
	pbr_progress_rows(5);
	pbr_progress_contract_done();
}

static void test_nothing_after_end(void)
{
	char *out = capture(after_end);

	CHECK_TRUE(out != NULL);
	if (out)
		CHECK_STR(out, "");
	free(out);
}

static const struct cu_test tests[] = {
	T_ENTRY(test_off_prints_nothing),
	T_ENTRY(test_last_contract_forces_the_line),
	T_ENTRY(test_rows_show_within_a_contract),
	T_ENTRY(test_nothing_after_end),
	T_END
};

int cu_progress_register(void)
{
	return cu_add_suite("progress", tests);
}
