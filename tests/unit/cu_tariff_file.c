/*
 * cu_tariff_file.c - the draft-tariff reader (tariff_file.c) on real files:
 * a full file read back field by field, the column defaults, comments, CR
 * LF ends, uplifts sorted with their lines; and one refusal per rule, each
 * with the code the command returns (65 data, 66 no file).
 */
#include "tariff_file.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <string.h>
#include <unistd.h>

#define REQUIRED \
	"version = T-DRAFT.1\n" \
	"binary_price_pence = 150000\n" \
	"frequency_price_pence = 2500\n" \
	"binary_hurdle_ppm = 30000\n" \
	"cohort_cap_pence = 90000000\n" \
	"max_weight_bp = 30000\n" \
	"max_reject_ppm = 20000\n"

static char dir[] = "/tmp/cu_tariff_XXXXXX";
static int nfile;

/* Writes text to a new file in the test directory; returns its path. */
static const char *file(const char *text, size_t len)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof path, "%s/t%d.tariff", dir, ++nfile);
	f = fopen(path, "wb");
	if (f == NULL)
		return "/nonexistent/dir/t.tariff";
	fwrite(text, 1, len ? len : strlen(text), f);
	fclose(f);
	return path;
}

/* Reads text as a tariff file; the reader's return code. */
static int read_text(const char *text, struct pbr_tariff_file *t)
{
	return pbr_tariff_file_read(file(text, 0), t);
}

static int refused(const char *text)
{
	struct pbr_tariff_file t;
	int rc = read_text(text, &t);

	pbr_tariff_file_free(&t);
	return rc;
}

static void test_full_file(void)
{
	struct pbr_tariff_file t;
	int rc = read_text("# a draft for the 2026 cohorts\r\n"
			   "version = T-DRAFT.1   # trailing comment\r\n"
			   "description = Price#2 up by 10% # kept whole\r\n"
			   "\r\n"
			   "  binary_price_pence = 150000\r\n"
			   "frequency_price_pence=2500\r\n"
			   "binary_hurdle_ppm = 30000\r\n"
			   "cohort_cap_pence = 90000000\r\n"
			   "max_weight_bp = 30000\r\n"
			   "max_reject_ppm = 20000\r\n"
			   "binary_mode = significance\r\n"
			   "significance_z_milli = 1645\r\n"
			   "deduction_price_pence = 40000\r\n"
			   "deduction_cap_pence = 5000000\r\n"
			   "termination_ppm = 50000\r\n"
			   "uplift SUBSTANCE = 1500\r\n"
			   "uplift HOUSING = 2000\r\n"
			   "uplift MENTAL_HEALTH = 0\r\n", &t);

	CHECK_I64(rc, 0);
	if (rc != 0)
		return;
	CHECK_STR(t.def.version, "T-DRAFT.1");
	CHECK_STR(t.def.description, "Price#2 up by 10% # kept whole");
	CHECK_I64(t.def.terms.binary_price_pence, 150000);
	CHECK_I64(t.def.terms.frequency_price_pence, 2500);
	CHECK_I64(t.def.terms.binary_hurdle_ppm, 30000);
	CHECK_I64(t.def.terms.cohort_cap_pence, 90000000);
	CHECK_I64(t.def.terms.max_weight_bp, 30000);
	CHECK_I64(t.def.terms.max_reject_ppm, 20000);
	CHECK_I64(t.def.terms.binary_mode, PBR_MODE_SIGNIFICANCE);
	CHECK_I64(t.def.terms.significance_z_milli, 1645);
	CHECK_I64(t.def.terms.deduction_price_pence, 40000);
	CHECK_I64(t.def.terms.deduction_cap_pence, 5000000);
	CHECK_TRUE(t.def.terms.has_termination);
	CHECK_I64(t.def.terms.termination_ppm, 50000);
	/* sorted by need code, each with the line it came from */
	CHECK_I64(t.def.n_uplifts, 3);
	CHECK_STR(t.def.uplifts[0].need, "HOUSING");
	CHECK_I64(t.def.uplifts[0].bp, 2000);
	CHECK_I64(t.uplift_line[0], 17);
	CHECK_STR(t.def.uplifts[1].need, "MENTAL_HEALTH");
	CHECK_I64(t.def.uplifts[1].bp, 0);
	CHECK_I64(t.uplift_line[1], 18);
	CHECK_STR(t.def.uplifts[2].need, "SUBSTANCE");
	CHECK_I64(t.uplift_line[2], 16);
	pbr_tariff_file_free(&t);
}

static void test_defaults(void)
{
	struct pbr_tariff_file t;
	int rc = read_text(REQUIRED, &t);

	CHECK_I64(rc, 0);
	if (rc != 0)
		return;
	CHECK_STR(t.def.description, "");              /* optional */
	CHECK_I64(t.def.terms.binary_mode, PBR_MODE_HURDLE);
	CHECK_I64(t.def.terms.significance_z_milli, 1960);
	CHECK_I64(t.def.terms.deduction_price_pence, 0);
	CHECK_FALSE(t.def.terms.has_termination);
	CHECK_I64(t.def.n_uplifts, 0);
	pbr_tariff_file_free(&t);
}

static void test_edges_accepted(void)
{
	/* every range's ends: hurdle 0 and 10^6, weight 10^4 and 10^6 bp */
	CHECK_I64(refused(REQUIRED "binary_mode = hurdle\nsignificance_z_milli = 1\n"), 0);
	CHECK_I64(refused(REQUIRED "significance_z_milli = 5000\ntermination_ppm = 0\n"), 0);
	CHECK_I64(refused("version = V\nbinary_price_pence = 0\nfrequency_price_pence = 0\n"
			  "binary_hurdle_ppm = 1000000\ncohort_cap_pence = 0\n"
			  "max_weight_bp = 10000\nmax_reject_ppm = 1000000\n"
			  "uplift N = 1000000\n"), 0);
	CHECK_I64(refused(REQUIRED "description = \xc2\xa3 and \xe2\x80\xa6 and \xf0\x9f\x98\x80\n"), 0);
}

static void test_refusals(void)
{
	struct pbr_tariff_file t;

	CHECK_I64(pbr_tariff_file_read("/nonexistent/dir/x.tariff", &t), EX_NOINPUT);
	/* a required key missing; an empty file */
	CHECK_I64(refused("version = V\n"), EX_DATAERR);
	CHECK_I64(refused(""), EX_DATAERR);
	/* twice, unknown, no '=' */
	CHECK_I64(refused(REQUIRED "max_weight_bp = 20000\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "hurdle = 5\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "binary_mode\n"), EX_DATAERR);
	/* numbers: not whole, negative, "-0", empty, out of range either side */
	CHECK_I64(refused(REQUIRED "deduction_price_pence = 12x\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "deduction_price_pence = 1.5\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "deduction_price_pence = -1\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "deduction_price_pence = -0\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "deduction_price_pence =   # nothing\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "termination_ppm = 1000001\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "significance_z_milli = 0\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "significance_z_milli = 5001\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "deduction_cap_pence = 9223372036854775808\n"), EX_DATAERR);
	CHECK_I64(refused("version = V\nbinary_price_pence = 0\nfrequency_price_pence = 0\n"
			  "binary_hurdle_ppm = 0\ncohort_cap_pence = 0\n"
			  "max_weight_bp = 9999\nmax_reject_ppm = 0\n"), EX_DATAERR);
	/* text: a bad version, bad UTF-8, a control character, too long */
	CHECK_I64(refused("version = V 2\n" REQUIRED), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "description = caf\xe9\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "description = \xed\xa0\x80\n"), EX_DATAERR);   /* a surrogate */
	CHECK_I64(refused(REQUIRED "description = \xc0\xaf\n"), EX_DATAERR);       /* overlong */
	CHECK_I64(refused(REQUIRED "description = a\tb\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "binary_mode = bonus\n"), EX_DATAERR);
	/* uplifts: twice, a bad code, no value, out of range */
	CHECK_I64(refused(REQUIRED "uplift A = 1\nuplift A = 2\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "uplift A/B = 1\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "uplift A =\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "uplift A = 1000001\n"), EX_DATAERR);
	CHECK_I64(refused(REQUIRED "uplift A\n"), EX_DATAERR);
	/* a NUL byte in a line */
	CHECK_I64(pbr_tariff_file_read(file(REQUIRED "description = a\0b\n", sizeof REQUIRED + 17), &t),
		  EX_DATAERR);
	pbr_tariff_file_free(&t);
}

static void test_long_line(void)
{
	char *text = malloc(5000);

	if (text == NULL)
		return;
	strcpy(text, REQUIRED "description = ");
	memset(text + strlen(text), 'a', 4200);
	strcpy(text + strlen(REQUIRED "description = ") + 4200, "\n");
	CHECK_I64(refused(text), EX_DATAERR);
	free(text);
}

static int setup(void)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void)
{
	char path[64];

	for (int i = 1; i <= nfile; i++) {
		snprintf(path, sizeof path, "%s/t%d.tariff", dir, i);
		unlink(path);
	}
	return rmdir(dir);
}

static const struct cu_test tests[] = {
	T_ENTRY(test_full_file),
	T_ENTRY(test_defaults),
	T_ENTRY(test_edges_accepted),
	T_ENTRY(test_refusals),
	T_ENTRY(test_long_line),
	T_END
};

int cu_tariff_file_register(void)
{
	CU_pSuite suite = CU_add_suite("tariff_file: draft-tariff files", setup, teardown);

	if (suite == NULL)
		return -1;
	for (const struct cu_test *t = tests; t->name; t++)
		if (CU_add_test(suite, t->name, t->fn) == NULL)
			return -1;
	return 0;
}
