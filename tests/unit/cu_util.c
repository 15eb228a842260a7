/*
 * cu_util.c - pbr_parse_int64 and pbr_format_pounds (engine/parse.h), and
 * the CSV text field rule (engine/csv.h).
 */
#include "suites.h"

#include "csv.h"
#include "parse.h"

#include <string.h>

/* ---- pbr_parse_int64 -------------------------------------------------------- */

static void parse_int64_zero(void)
{
	int64_t v = -1;

	CHECK_I64(pbr_parse_int64("0", &v), 0);
	CHECK_I64(v, 0);
}

static void parse_int64_positive(void)
{
	int64_t v = -1;

	CHECK_I64(pbr_parse_int64("123456", &v), 0);
	CHECK_I64(v, 123456);
}

static void parse_int64_negative(void)
{
	int64_t v = 0;

	CHECK_I64(pbr_parse_int64("-42", &v), 0);
	CHECK_I64(v, -42);
}

static void parse_int64_minus_zero(void)
{
	int64_t v = -1;

	CHECK_I64(pbr_parse_int64("-0", &v), 0);
	CHECK_I64(v, 0);
}

static void parse_int64_leading_zeros(void)
{
	int64_t v = -1;

	CHECK_I64(pbr_parse_int64("007", &v), 0);
	CHECK_I64(v, 7);
}

static void parse_int64_max(void)
{
	int64_t v = 0;

	/* 2^63 - 1 */
	CHECK_I64(pbr_parse_int64("9223372036854775807", &v), 0);
	CHECK_I64(v, INT64_MAX);
}

static void parse_int64_max_plus_one(void)
{
	int64_t v;

	/* 2^63 does not fit */
	CHECK_I64(pbr_parse_int64("9223372036854775808", &v), -1);
}

static void parse_int64_min(void)
{
	int64_t v = 0;

	/* -2^63 */
	CHECK_I64(pbr_parse_int64("-9223372036854775808", &v), 0);
	CHECK_I64(v, INT64_MIN);
}

static void parse_int64_min_minus_one(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64("-9223372036854775809", &v), -1);
}

static void parse_int64_overflow_long(void)
{
	int64_t v;

	/* 20 digits, more than 2^64 as well */
	CHECK_I64(pbr_parse_int64("99999999999999999999", &v), -1);
	CHECK_I64(pbr_parse_int64("18446744073709551616", &v), -1);  /* 2^64 */
	CHECK_I64(pbr_parse_int64("-18446744073709551615", &v), -1);
}

static void parse_int64_lone_minus(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64("-", &v), -1);
}

static void parse_int64_empty(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64("", &v), -1);
}

static void parse_int64_null(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64(NULL, &v), -1);
}

static void parse_int64_trailing_junk(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64("12a", &v), -1);
	CHECK_I64(pbr_parse_int64("12 ", &v), -1);
	CHECK_I64(pbr_parse_int64("1.5", &v), -1);
}

static void parse_int64_leading_junk(void)
{
	int64_t v;

	CHECK_I64(pbr_parse_int64(" 12", &v), -1);
	CHECK_I64(pbr_parse_int64("+12", &v), -1);
	CHECK_I64(pbr_parse_int64("--1", &v), -1);
	CHECK_I64(pbr_parse_int64("0x10", &v), -1);
}

/* ---- pbr_format_pounds ------------------------------------------------------- */

static void format_pounds_zero(void)
{
	char buf[32];

	pbr_format_pounds(0, buf, sizeof buf);
	CHECK_STR(buf, "0.00");
}

static void format_pounds_five_pence(void)
{
	char buf[32];

	pbr_format_pounds(5, buf, sizeof buf);
	CHECK_STR(buf, "0.05");
}

static void format_pounds_minus_five_pence(void)
{
	char buf[32];

	pbr_format_pounds(-5, buf, sizeof buf);
	CHECK_STR(buf, "-0.05");
}

static void format_pounds_ten_pence(void)
{
	char buf[32];

	pbr_format_pounds(10, buf, sizeof buf);
	CHECK_STR(buf, "0.10");
}

static void format_pounds_whole(void)
{
	char buf[32];

	pbr_format_pounds(-100, buf, sizeof buf);   /* -100p = -1 pound */
	CHECK_STR(buf, "-1.00");
}

static void format_pounds_value(void)
{
	char buf[32];

	pbr_format_pounds(123456, buf, sizeof buf);  /* 1234 pounds 56 */
	CHECK_STR(buf, "1234.56");
}

static void format_pounds_int64_min(void)
{
	char buf[32];

	/* -9223372036854775808p = -92233720368547758 pounds 08 */
	pbr_format_pounds(INT64_MIN, buf, sizeof buf);
	CHECK_STR(buf, "-92233720368547758.08");
}

static void format_pounds_int64_max(void)
{
	char buf[32];

	/* 9223372036854775807p = 92233720368547758 pounds 07 */
	pbr_format_pounds(INT64_MAX, buf, sizeof buf);
	CHECK_STR(buf, "92233720368547758.07");
}

/* ---- pbr_csv_text (csv.h: RFC 4180 + OWASP CSV injection) ---------------- */

struct csv_buf {
	char b[256];
	size_t n;
};

static void csv_put(void *ctx, const char *p, size_t n)
{
	struct csv_buf *cb = ctx;

	if (cb->n + n < sizeof cb->b) {
		memcpy(cb->b + cb->n, p, n);
		cb->n += n;
	}
	cb->b[cb->n] = '\0';
}

static const char *csv(const char *v, struct csv_buf *cb)
{
	cb->n = 0;
	cb->b[0] = '\0';
	pbr_csv_text(v, v ? strlen(v) : 0, csv_put, cb);
	return cb->b;
}

static void csv_plain(void)
{
	struct csv_buf cb;

	CHECK_STR(csv("NORTH-2025Q4-1", &cb), "NORTH-2025Q4-1");
	CHECK_STR(csv("Greater Manchester", &cb), "Greater Manchester");
	CHECK_STR(csv("a-b=c+d@e", &cb), "a-b=c+d@e");	/* only the first byte counts */
	CHECK_STR(csv("", &cb), "");
	CHECK_STR(csv(NULL, &cb), "");
	CHECK_I64(pbr_csv_text_kind("X01", 3), 0);
}

static void csv_quoted(void)
{
	struct csv_buf cb;

	CHECK_STR(csv("Empty, Area", &cb), "\"Empty, Area\"");
	CHECK_STR(csv("say \"hi\"", &cb), "\"say \"\"hi\"\"\"");
	CHECK_STR(csv("a;b", &cb), "\"a;b\"");
	CHECK_STR(csv("a\tb", &cb), "\"a\tb\"");
	CHECK_STR(csv("a\nb", &cb), "\"a\nb\"");
	CHECK_STR(csv("a\rb", &cb), "\"a\rb\"");
	CHECK_I64(pbr_csv_text_kind("a,b", 3), 1);
}

/* OWASP: cells beginning = + - @ TAB CR are formulas in a spreadsheet */
static void csv_neutralised(void)
{
	struct csv_buf cb;

	CHECK_STR(csv("=1+2", &cb), "\"'=1+2\"");
	CHECK_STR(csv("+44 20", &cb), "\"'+44 20\"");
	CHECK_STR(csv("-X", &cb), "\"'-X\"");
	CHECK_STR(csv("@SUM(A1:A9)", &cb), "\"'@SUM(A1:A9)\"");
	CHECK_STR(csv("\t=1", &cb), "\"'\t=1\"");
	CHECK_STR(csv("\r=1", &cb), "\"'\r=1\"");
	/* OWASP's example: the quote inside is doubled too */
	CHECK_STR(csv("=1+2\";=1+2", &cb), "\"'=1+2\"\";=1+2\"");
	CHECK_STR(csv("=HYPERLINK(\"http://x\",\"y\")", &cb),
		  "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	/* reversible: a field that began with ' gains one */
	CHECK_STR(csv("'=1", &cb), "\"''=1\"");
	CHECK_I64(pbr_csv_text_kind("-260068", 7), 2);	/* text: numbers never come here */
}

static void csv_length_not_nul(void)
{
	struct csv_buf cb = { .n = 0 };

	/* only len bytes are read: "ab" of "ab,c" is plain */
	pbr_csv_text("ab,c", 2, csv_put, &cb);
	CHECK_STR(cb.b, "ab");
}

/* pbr_csv_text_file: the same rule into a real file; a stream that
 * cannot be written reports it */
static void csv_to_file(void)
{
	char text[64] = "";
	FILE *f = tmpfile(), *ro;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CHECK_I64(pbr_csv_text_file(f, "a,\"b\""), 0);
	CHECK_I64(pbr_csv_text_file(f, NULL), 0);		/* empty */
	rewind(f);
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	CHECK_STR(text, "\"a,\"\"b\"\"\"");
	fclose(f);
	ro = fopen("/dev/null", "r");			/* open for reading only */
	CU_ASSERT_PTR_NOT_NULL_FATAL(ro);
	CHECK_I64(pbr_csv_text_file(ro, "x"), -1);
	fclose(ro);
}

static const struct cu_test csv_tests[] = {
	T_ENTRY(csv_plain),
	T_ENTRY(csv_quoted),
	T_ENTRY(csv_neutralised),
	T_ENTRY(csv_length_not_nul),
	T_ENTRY(csv_to_file),
	T_END
};

static const struct cu_test util_tests[] = {
	T_ENTRY(parse_int64_zero),
	T_ENTRY(parse_int64_positive),
	T_ENTRY(parse_int64_negative),
	T_ENTRY(parse_int64_minus_zero),
	T_ENTRY(parse_int64_leading_zeros),
	T_ENTRY(parse_int64_max),
	T_ENTRY(parse_int64_max_plus_one),
	T_ENTRY(parse_int64_min),
	T_ENTRY(parse_int64_min_minus_one),
	T_ENTRY(parse_int64_overflow_long),
	T_ENTRY(parse_int64_lone_minus),
	T_ENTRY(parse_int64_empty),
	T_ENTRY(parse_int64_null),
	T_ENTRY(parse_int64_trailing_junk),
	T_ENTRY(parse_int64_leading_junk),
	T_ENTRY(format_pounds_zero),
	T_ENTRY(format_pounds_five_pence),
	T_ENTRY(format_pounds_minus_five_pence),
	T_ENTRY(format_pounds_ten_pence),
	T_ENTRY(format_pounds_whole),
	T_ENTRY(format_pounds_value),
	T_ENTRY(format_pounds_int64_min),
	T_ENTRY(format_pounds_int64_max),
	T_END
};

int cu_util_register(void)
{
	if (cu_add_suite("util", util_tests) != 0)
		return -1;
	return cu_add_suite("csv", csv_tests);
}
