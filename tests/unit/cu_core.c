/*
 * cu_core.c - periods, rounding, the needs table, weights and needs bands
 * (core.h; SPEC sections 1, 2 and 5).  Every expected value is worked by
 * hand in the comment beside it.
 */
#include "suites.h"

#include "core.h"

#include <string.h>

/* ---- periods ----------------------------------------------------------- */

static void quarter_parse_q1(void)
{
	int q = -1;

	CHECK_I64(pbr_quarter_parse("2024Q1", &q), 0);
	CHECK_I64(q, 8096);                 /* 2024*4 + (1-1) = 8096 */
}

static void quarter_parse_q4(void)
{
	int q = -1;

	CHECK_I64(pbr_quarter_parse("2025Q4", &q), 0);
	CHECK_I64(q, 8103);                 /* 2025*4 + (4-1) = 8100 + 3 */
}

static void quarter_parse_year_bounds(void)
{
	int q = -1;

	CHECK_I64(pbr_quarter_parse("1000Q1", &q), 0);
	CHECK_I64(q, 4000);                 /* 1000*4 + 0 */
	CHECK_I64(pbr_quarter_parse("9999Q4", &q), 0);
	CHECK_I64(q, 39999);                /* 9999*4 + 3 = 39996 + 3 */
	CHECK_I64(pbr_quarter_parse("0999Q4", &q), -1); /* year < 1000 */
}

static void quarter_format_values(void)
{
	char buf[8];

	pbr_quarter_format(8096, buf);      /* 8096 = 2024*4 + 0 */
	CHECK_STR(buf, "2024Q1");
	pbr_quarter_format(8103, buf);      /* 8103 = 2025*4 + 3 */
	CHECK_STR(buf, "2025Q4");
	pbr_quarter_format(4000, buf);      /* 4000 = 1000*4 + 0 */
	CHECK_STR(buf, "1000Q1");
}

static void quarter_round_trip(void)
{
	const char *const s[] = { "2023Q1", "2023Q2", "2023Q3", "2023Q4",
				  "2024Q1", "9999Q4" };
	char buf[8];
	int q;

	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		q = -1;
		CHECK_I64(pbr_quarter_parse(s[i], &q), 0);
		pbr_quarter_format(q, buf);
		CHECK_STR(buf, s[i]);
	}
}

static void quarter_parse_lower_q(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2023q1", &q), -1);
}

static void quarter_parse_q5(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2023Q5", &q), -1);
}

static void quarter_parse_q0(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2023Q0", &q), -1);
}

static void quarter_parse_two_digit_year(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("23Q1", &q), -1);
}

static void quarter_parse_trailing_space(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2023Q1 ", &q), -1);
}

static void quarter_parse_leading_space(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse(" 2023Q1", &q), -1);
}

static void quarter_parse_empty(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("", &q), -1);
}

static void quarter_parse_null(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse(NULL, &q), -1);
}

static void quarter_parse_other_forms(void)
{
	int q;

	CHECK_I64(pbr_quarter_parse("2023-Q1", &q), -1);
	CHECK_I64(pbr_quarter_parse("2023Q12", &q), -1);
	CHECK_I64(pbr_quarter_parse("20a3Q1", &q), -1);
	CHECK_I64(pbr_quarter_parse("2023 1", &q), -1);
}

static void quarter_of_date_months(void)
{
	/* quarter index = year*4 + (month-1)/3; 2024*4 = 8096 */
	CHECK_I64(pbr_quarter_of_date(2024, 1), 8096);
	CHECK_I64(pbr_quarter_of_date(2024, 3), 8096);
	CHECK_I64(pbr_quarter_of_date(2024, 4), 8097);
	CHECK_I64(pbr_quarter_of_date(2024, 6), 8097);
	CHECK_I64(pbr_quarter_of_date(2024, 7), 8098);
	CHECK_I64(pbr_quarter_of_date(2024, 10), 8099);
	CHECK_I64(pbr_quarter_of_date(2024, 12), 8099);
	CHECK_I64(pbr_quarter_of_date(2025, 1), 8100);
}

/* ---- contract ids ------------------------------------------------------ */

static void contract_id_valid(void)
{
	CHECK_TRUE(pbr_contract_id_ok("CRC-LONDON_2024"));
	CHECK_TRUE(pbr_contract_id_ok("A"));
	CHECK_TRUE(pbr_contract_id_ok("0123456789_-"));
}

static void contract_id_lower_case(void)
{
	CHECK_FALSE(pbr_contract_id_ok("crc-london"));
	CHECK_FALSE(pbr_contract_id_ok("CRc"));
}

static void contract_id_32_chars(void)
{
	/* 32 = 26 letters + 6 digits */
	CHECK_TRUE(pbr_contract_id_ok("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
}

static void contract_id_33_chars(void)
{
	/* 33 = 26 letters + 7 digits */
	CHECK_FALSE(pbr_contract_id_ok("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
}

static void contract_id_empty(void)
{
	CHECK_FALSE(pbr_contract_id_ok(""));
}

static void contract_id_null(void)
{
	CHECK_FALSE(pbr_contract_id_ok(NULL));
}

static void contract_id_injection(void)
{
	CHECK_FALSE(pbr_contract_id_ok("'; DROP"));
	CHECK_FALSE(pbr_contract_id_ok("A B"));
	CHECK_FALSE(pbr_contract_id_ok("A/B"));
	CHECK_FALSE(pbr_contract_id_ok("A.B"));
	CHECK_FALSE(pbr_contract_id_ok("A\n"));
	CHECK_FALSE(pbr_contract_id_ok("\xC3\x89")); /* E acute, UTF-8 */
}

/* ---- rounding ---------------------------------------------------------- */

static void round_div_exact(void)
{
	/* 10/5 = 2: (2*10 + 5) / (2*5) = 25/10 = 2 */
	CHECK_I128(pbr_round_div(10, 5), 2);
}

static void round_div_zero(void)
{
	/* 0/7: (0 + 7) / 14 = 0 */
	CHECK_I128(pbr_round_div(0, 7), 0);
}

static void round_div_below_half(void)
{
	/* 14/10 = 1.4 -> 1: (28 + 10) / 20 = 38/20 = 1 */
	CHECK_I128(pbr_round_div(14, 10), 1);
	/* 149/100 = 1.49 -> 1: (298 + 100) / 200 = 398/200 = 1 */
	CHECK_I128(pbr_round_div(149, 100), 1);
}

static void round_div_half_up(void)
{
	/* 15/10 = 1.5 -> 2: (30 + 10) / 20 = 40/20 = 2 */
	CHECK_I128(pbr_round_div(15, 10), 2);
	/* 5/10 = 0.5 pence -> 1: (10 + 10) / 20 = 1 */
	CHECK_I128(pbr_round_div(5, 10), 1);
	/* 25/10 = 2.5 -> 3 (half up, not to even): (50 + 10) / 20 = 3 */
	CHECK_I128(pbr_round_div(25, 10), 3);
}

static void round_div_above_half(void)
{
	/* 16/10 = 1.6 -> 2: (32 + 10) / 20 = 42/20 = 2 */
	CHECK_I128(pbr_round_div(16, 10), 2);
	/* 151/100 = 1.51 -> 2: (302 + 100) / 200 = 402/200 = 2 */
	CHECK_I128(pbr_round_div(151, 100), 2);
}

static void round_div_large_numerator(void)
{
	__int128 e15 = 1000000000000000LL;         /* 10^15 */
	__int128 e20 = e15 * 100000;               /* 10^20 */
	__int128 e30 = e15 * e15;                  /* 10^30, beyond 64 bits */

	/* (10^30 + 5*10^9) / 10^10 = 10^20 + 0.5 -> 10^20 + 1 */
	CHECK_I128(pbr_round_div(e30 + 5000000000LL, 10000000000LL), e20 + 1);
	/* (10^30 + 5*10^9 - 1) / 10^10 = 10^20 + 0.4999999999 -> 10^20 */
	CHECK_I128(pbr_round_div(e30 + 4999999999LL, 10000000000LL), e20);
	/* 10^30 / 10^7 = 10^23 exactly = 10^20 * 1000 */
	CHECK_I128(pbr_round_div(e30, 10000000), e20 * 1000);
}

/* ---- needs table ------------------------------------------------------- */

/* ACCOM 2000, EDU 0, MH 5000, SUBST 3000, added out of order. */
static void needs_fixture(struct pbr_needs *t)
{
	memset(t, 0, sizeof *t);
	CU_ASSERT_FATAL(pbr_needs_add(t, "SUBST", 3000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(t, "ACCOM", 2000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(t, "MH", 5000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(t, "EDU", 0) == 0);
}

static void needs_add_sorted(void)
{
	struct pbr_needs t;

	needs_fixture(&t);
	CHECK_I64(t.count, 4);
	CHECK_STR(t.code[0], "ACCOM");
	CHECK_I64(t.uplift_bp[0], 2000);
	CHECK_STR(t.code[1], "EDU");
	CHECK_I64(t.uplift_bp[1], 0);
	CHECK_STR(t.code[2], "MH");
	CHECK_I64(t.uplift_bp[2], 5000);
	CHECK_STR(t.code[3], "SUBST");
	CHECK_I64(t.uplift_bp[3], 3000);
}

static void needs_add_bytewise(void)
{
	struct pbr_needs t;

	/* bytewise: 'B' 0x42 < 'Z' 0x5A < 'a' 0x61; "AB" > "A" (prefix first) */
	memset(&t, 0, sizeof t);
	CHECK_I64(pbr_needs_add(&t, "a", 1), 0);
	CHECK_I64(pbr_needs_add(&t, "B", 2), 0);
	CHECK_I64(pbr_needs_add(&t, "AB", 3), 0);
	CHECK_I64(pbr_needs_add(&t, "Z", 4), 0);
	CHECK_I64(pbr_needs_add(&t, "A", 5), 0);
	CHECK_I64(t.count, 5);
	CHECK_STR(t.code[0], "A");
	CHECK_STR(t.code[1], "AB");
	CHECK_STR(t.code[2], "B");
	CHECK_STR(t.code[3], "Z");
	CHECK_STR(t.code[4], "a");
	CHECK_I64(t.uplift_bp[0], 5);
	CHECK_I64(t.uplift_bp[4], 1);
}

static void needs_add_duplicate(void)
{
	struct pbr_needs t;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_add(&t, "MH", 1), -1);
	CHECK_I64(t.count, 4);
	CHECK_I64(t.uplift_bp[2], 5000);    /* the first MH is untouched */
}

static void needs_add_empty(void)
{
	struct pbr_needs t;

	memset(&t, 0, sizeof t);
	CHECK_I64(pbr_needs_add(&t, "", 1), -1);
	CHECK_I64(t.count, 0);
}

static void needs_add_32_chars(void)
{
	struct pbr_needs t;

	memset(&t, 0, sizeof t);
	/* 32 bytes = 26 letters + 6 digits: the longest allowed */
	CHECK_I64(pbr_needs_add(&t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 1), 0);
	CHECK_STR(t.code[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
}

static void needs_add_33_chars(void)
{
	struct pbr_needs t;

	memset(&t, 0, sizeof t);
	/* 33 bytes = 26 letters + 7 digits */
	CHECK_I64(pbr_needs_add(&t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 1), -1);
	CHECK_I64(t.count, 0);
}

static void needs_add_full(void)
{
	struct pbr_needs t;
	char code[8];

	memset(&t, 0, sizeof t);
	for (int i = 0; i < 64; i++) {         /* PBR_MAX_NEEDS = 64 */
		code[0] = 'N';
		code[1] = (char)('0' + i / 10);
		code[2] = (char)('0' + i % 10);
		code[3] = '\0';
		CHECK_I64(pbr_needs_add(&t, code, i), 0);
	}
	CHECK_I64(t.count, 64);
	CHECK_I64(pbr_needs_add(&t, "X", 1), -1);
	CHECK_I64(t.count, 64);
	CHECK_STR(t.code[63], "N63");
}

static void needs_find_len(void)
{
	struct pbr_needs t;

	needs_fixture(&t);
	/* sorted: 0 ACCOM, 1 EDU, 2 MH, 3 SUBST */
	CHECK_I64(pbr_needs_find(&t, "ACCOM", 5), 0);
	CHECK_I64(pbr_needs_find(&t, "SUBST", 5), 3);
	CHECK_I64(pbr_needs_find(&t, "MH+EDU", 2), 2);  /* only the first 2 bytes */
	CHECK_I64(pbr_needs_find(&t, "M", 1), -1);      /* a prefix is not MH */
	CHECK_I64(pbr_needs_find(&t, "MHX", 3), -1);
	CHECK_I64(pbr_needs_find(&t, "mh", 2), -1);
	CHECK_I64(pbr_needs_find(&t, "", 0), -1);
}

/* ---- weights ------------------------------------------------------------ */

static void weight_no_needs(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "", 30000, &w, &d), 0);
	CHECK_I64(w, 10000);                /* 1.0 with no uplift */
	CHECK_I64(d, 0);
}

static void weight_one_need(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM", 30000, &w, &d), 0);
	CHECK_I64(w, 12000);                /* 10000 + 2000 */
	CHECK_I64(d, 1);
}

static void weight_three_needs(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "SUBST+ACCOM+MH", 30000, &w, &d), 0);
	CHECK_I64(w, 20000);                /* 10000 + 3000 + 2000 + 5000 */
	CHECK_I64(d, 3);
}

static void weight_need_twice(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+ACCOM", 30000, &w, &d), 0);
	CHECK_I64(w, 12000);                /* 10000 + 2000, once */
	CHECK_I64(d, 1);
}

static void weight_need_twice_apart(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "MH+ACCOM+MH+EDU", 30000, &w, &d), 0);
	CHECK_I64(w, 17000);                /* 10000 + 5000 + 2000 + 0 */
	CHECK_I64(d, 3);                    /* MH, ACCOM, EDU */
}

static void weight_capped(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	/* 10000 + 2000 + 5000 + 3000 = 20000 > 18000 -> 18000 */
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+MH+SUBST", 18000, &w, &d), 0);
	CHECK_I64(w, 18000);
	CHECK_I64(d, 3);
}

static void weight_at_ceiling(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	/* 10000 + 2000 + 5000 + 3000 = 20000 = the ceiling: unchanged */
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+MH+SUBST", 20000, &w, &d), 0);
	CHECK_I64(w, 20000);
	/* one below the sum: 20000 -> 19999 */
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+MH+SUBST", 19999, &w, &d), 0);
	CHECK_I64(w, 19999);
}

static void weight_zero_uplift(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "EDU", 30000, &w, &d), 0);
	CHECK_I64(w, 10000);                /* 10000 + 0 */
	CHECK_I64(d, 1);                    /* still a distinct need */
}

static void weight_empty_element(void)
{
	struct pbr_needs t;
	int64_t w;
	int d;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM++MH", 30000, &w, &d), -1);
}

static void weight_leading_plus(void)
{
	struct pbr_needs t;
	int64_t w;
	int d;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "+ACCOM", 30000, &w, &d), -1);
}

static void weight_trailing_plus(void)
{
	struct pbr_needs t;
	int64_t w;
	int d;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+", 30000, &w, &d), -1);
}

static void weight_lone_plus(void)
{
	struct pbr_needs t;
	int64_t w;
	int d;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "+", 30000, &w, &d), -1);
}

static void weight_unknown_code(void)
{
	struct pbr_needs t;
	int64_t w;
	int d;

	needs_fixture(&t);
	CHECK_I64(pbr_needs_weight(&t, "XYZ", 30000, &w, &d), -1);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM+XYZ", 30000, &w, &d), -1);
	CHECK_I64(pbr_needs_weight(&t, "accom", 30000, &w, &d), -1);
	CHECK_I64(pbr_needs_weight(&t, "ACCOM ", 30000, &w, &d), -1);
	CHECK_I64(pbr_needs_weight(&t, "ACC", 30000, &w, &d), -1);
}

static void weight_all_needs_distinct(void)
{
	struct pbr_needs t;
	int64_t w = -1;
	int d = -1;

	needs_fixture(&t);
	/* 4 distinct codes, SUBST repeated: 10000+3000+0+2000+5000 = 20000 */
	CHECK_I64(pbr_needs_weight(&t, "SUBST+EDU+ACCOM+SUBST+MH", 30000, &w,
				   &d), 0);
	CHECK_I64(w, 20000);
	CHECK_I64(d, 4);
}

/* ---- bands and names ---------------------------------------------------- */

static void band_boundaries(void)
{
	CHECK_I64(pbr_needs_band(0), 0);    /* "0" */
	CHECK_I64(pbr_needs_band(1), 1);    /* "1-2" */
	CHECK_I64(pbr_needs_band(2), 1);
	CHECK_I64(pbr_needs_band(3), 2);    /* "3+" */
	CHECK_I64(pbr_needs_band(64), 2);
}

static void band_names(void)
{
	CHECK_STR(pbr_band_name(0), "0");
	CHECK_STR(pbr_band_name(1), "1-2");
	CHECK_STR(pbr_band_name(2), "3+");
	CHECK_STR(pbr_band_name(3), "?");
	CHECK_STR(pbr_band_name(-1), "?");
}

static void status_names(void)
{
	CHECK_STR(pbr_status_name(PBR_ACCEPTED), "ACCEPTED");
	CHECK_STR(pbr_status_name(PBR_BAD_PREDICTION), "BAD_PREDICTION");
	CHECK_STR(pbr_status_name(PBR_BAD_OUTCOME), "BAD_OUTCOME");
	CHECK_STR(pbr_status_name(PBR_UNKNOWN_NEED), "UNKNOWN_NEED");
	CHECK_STR(pbr_status_name(PBR_PCC_OUTSIDE_CPA), "PCC_OUTSIDE_CPA");
	CHECK_STR(pbr_status_name(PBR_WRONG_QUARTER), "WRONG_QUARTER");
	CHECK_STR(pbr_status_name(PBR_DUPLICATE), "DUPLICATE");
	CHECK_STR(pbr_status_name(PBR_NSTATUS), "?");
	CHECK_I64(PBR_NREJECT, 6);          /* the six codes of SPEC section 4 */
}

static const struct cu_test period_tests[] = {
	T_ENTRY(quarter_parse_q1),
	T_ENTRY(quarter_parse_q4),
	T_ENTRY(quarter_parse_year_bounds),
	T_ENTRY(quarter_format_values),
	T_ENTRY(quarter_round_trip),
	T_ENTRY(quarter_parse_lower_q),
	T_ENTRY(quarter_parse_q5),
	T_ENTRY(quarter_parse_q0),
	T_ENTRY(quarter_parse_two_digit_year),
	T_ENTRY(quarter_parse_trailing_space),
	T_ENTRY(quarter_parse_leading_space),
	T_ENTRY(quarter_parse_empty),
	T_ENTRY(quarter_parse_null),
	T_ENTRY(quarter_parse_other_forms),
	T_ENTRY(quarter_of_date_months),
	T_ENTRY(contract_id_valid),
	T_ENTRY(contract_id_lower_case),
	T_ENTRY(contract_id_32_chars),
	T_ENTRY(contract_id_33_chars),
	T_ENTRY(contract_id_empty),
	T_ENTRY(contract_id_null),
	T_ENTRY(contract_id_injection),
	T_END
};

static const struct cu_test round_tests[] = {
	T_ENTRY(round_div_exact),
	T_ENTRY(round_div_zero),
	T_ENTRY(round_div_below_half),
	T_ENTRY(round_div_half_up),
	T_ENTRY(round_div_above_half),
	T_ENTRY(round_div_large_numerator),
	T_END
};

static const struct cu_test needs_tests[] = {
	T_ENTRY(needs_add_sorted),
	T_ENTRY(needs_add_bytewise),
	T_ENTRY(needs_add_duplicate),
	T_ENTRY(needs_add_empty),
	T_ENTRY(needs_add_32_chars),
	T_ENTRY(needs_add_33_chars),
	T_ENTRY(needs_add_full),
	T_ENTRY(needs_find_len),
	T_ENTRY(weight_no_needs),
	T_ENTRY(weight_one_need),
	T_ENTRY(weight_three_needs),
	T_ENTRY(weight_need_twice),
	T_ENTRY(weight_need_twice_apart),
	T_ENTRY(weight_capped),
	T_ENTRY(weight_at_ceiling),
	T_ENTRY(weight_zero_uplift),
	T_ENTRY(weight_empty_element),
	T_ENTRY(weight_leading_plus),
	T_ENTRY(weight_trailing_plus),
	T_ENTRY(weight_lone_plus),
	T_ENTRY(weight_unknown_code),
	T_ENTRY(weight_all_needs_distinct),
	T_ENTRY(band_boundaries),
	T_ENTRY(band_names),
	T_ENTRY(status_names),
	T_END
};

int cu_core_register(void)
{
	if (cu_add_suite("core_periods", period_tests) != 0 ||
	    cu_add_suite("core_round", round_tests) != 0 ||
	    cu_add_suite("core_needs", needs_tests) != 0)
		return -1;
	return 0;
}
