/*
 * cu_util.c - pbr_parse_int64 and pbr_format_pounds (engine/util.h).
 */
#include "suites.h"

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
	return cu_add_suite("util", util_tests);
}
