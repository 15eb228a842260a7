/*
 * cu_validate.c - pbr_validate_row (SPEC section 4, the first five codes,
 * in order), pbr_dedup_group (DUPLICATE) and pbr_rejects_exceed.
 */
#include "suites.h"

#include "core.h"

#include <string.h>

/* ---- fixture ------------------------------------------------------------ */

/* Needs ACCOM 2000, EDU 0, MH 5000, SUBST 3000; PCC areas AVON, DEVON,
 * GLOS (sorted, indexes 0, 1, 2); cohort 2024Q1 (index 2024*4 = 8096);
 * weight ceiling 30000. */
static struct pbr_needs needs;
static const char *const pccs[] = { "AVON", "DEVON", "GLOS" };
static struct pbr_rules rules;

static void fixture(struct pbr_row *row, struct pbr_member *m)
{
	memset(&needs, 0, sizeof needs);
	CU_ASSERT_FATAL(pbr_needs_add(&needs, "SUBST", 3000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(&needs, "ACCOM", 2000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(&needs, "MH", 5000) == 0);
	CU_ASSERT_FATAL(pbr_needs_add(&needs, "EDU", 0) == 0);
	rules.cohort_quarter = 8096;
	rules.needs = &needs;
	rules.pcc_count = 3;
	rules.pcc_codes = pccs;
	rules.max_weight_bp = 30000;

	/* A good row: 2024-02-15, p 0.4, f 1.5, r 2, ACCOM, DEVON. */
	memset(row, 0, sizeof *row);
	row->offender_ref = "X1";
	row->cohort_quarter = "2024Q1";
	row->pcc_code = "DEVON";
	row->has_start_date = true;
	row->start_year = 2024;
	row->start_month = 2;
	row->start_day = 15;
	row->has_p = row->has_f = row->has_r = true;
	row->p = 400000;
	row->f = 1500;
	row->r = 2;
	row->needs = "ACCOM";
	row->outcome_status = "final";
	memset(m, 0, sizeof *m);
}

/* ---- the good row -------------------------------------------------------- */

static void validate_accepted_fills_member(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.weight_bp, 12000);      /* 10000 + ACCOM 2000 */
	CHECK_I64(m.p, 400000);
	CHECK_I64(m.f, 1500);
	CHECK_I64(m.r, 2);
	CHECK_I64(m.y, 1);                  /* r = 2 >= 1 */
	CHECK_I64(m.needs_distinct, 1);
	CHECK_I64(m.pcc_index, 1);          /* AVON 0, DEVON 1, GLOS 2 */
}

/* ---- BAD_PREDICTION: p ---------------------------------------------------- */

static void validate_p_minus_one(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.p = -1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_p_zero(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.p = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.p, 0);
}

static void validate_p_max(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.p = 1000000;                    /* 1.0 in ppm */
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.p, 1000000);
}

static void validate_p_over(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.p = 1000001;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_p_null(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_p = false;
	row.p = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

/* ---- BAD_PREDICTION: f ---------------------------------------------------- */

static void validate_f_minus_one(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.f = -1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_f_zero(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.f = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.f, 0);
}

static void validate_f_max(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.f = 1000000;                    /* 1000 reoffences in milli */
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.f, 1000000);
}

static void validate_f_over(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.f = 1000001;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_f_null(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_f = false;
	row.f = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

/* ---- BAD_OUTCOME ----------------------------------------------------------- */

static void validate_r_minus_one(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = -1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_OUTCOME);
}

static void validate_r_zero_y_zero(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.r, 0);
	CHECK_I64(m.y, 0);                  /* r = 0 < 1 */
}

static void validate_r_one_y_one(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = 1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.r, 1);
	CHECK_I64(m.y, 1);                  /* r = 1 >= 1 */
}

static void validate_r_max(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = 10000;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.r, 10000);
	CHECK_I64(m.y, 1);                  /* y is 0/1, not the count */
}

static void validate_r_over(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = 10001;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_OUTCOME);
}

static void validate_r_null(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_r = false;
	row.r = 0;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_OUTCOME);
}

/* ---- UNKNOWN_NEED ------------------------------------------------------------ */

static void validate_need_unknown(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.needs = "ACCOM+GAMBLING";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_UNKNOWN_NEED);
}

static void validate_need_empty_element(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.needs = "ACCOM++MH";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_UNKNOWN_NEED);
}

static void validate_need_none(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.needs = "";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.weight_bp, 10000);
	CHECK_I64(m.needs_distinct, 0);
}

static void validate_need_weight_capped(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	rules.max_weight_bp = 18000;
	row.needs = "MH+ACCOM+SUBST+MH";
	/* 10000 + 5000 + 2000 + 3000 = 20000 (MH once) > 18000 -> 18000 */
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.weight_bp, 18000);
	CHECK_I64(m.needs_distinct, 3);
}

/* ---- PCC_OUTSIDE_CPA ---------------------------------------------------------- */

static void validate_pcc_null(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = NULL;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_PCC_OUTSIDE_CPA);
}

static void validate_pcc_not_in_cpa(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = "KENT";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_PCC_OUTSIDE_CPA);
}

static void validate_pcc_wrong_case(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = "devon";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_PCC_OUTSIDE_CPA);
}

static void validate_pcc_empty(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = "";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_PCC_OUTSIDE_CPA);
}

static void validate_pcc_first_and_last(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = "AVON";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.pcc_index, 0);
	row.pcc_code = "GLOS";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
	CHECK_I64(m.pcc_index, 2);
}

/* ---- WRONG_QUARTER -------------------------------------------------------------- */

static void validate_date_null(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_start_date = false;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_WRONG_QUARTER);
}

static void validate_date_previous_quarter(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.start_year = 2023;              /* 2023-12-31: 2023Q4 */
	row.start_month = 12;
	row.start_day = 31;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_WRONG_QUARTER);
}

static void validate_date_first_day(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.start_month = 1;                /* 2024-01-01 */
	row.start_day = 1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
}

static void validate_date_last_day(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.start_month = 3;                /* 2024-03-31 */
	row.start_day = 31;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_ACCEPTED);
}

static void validate_date_next_quarter(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.start_month = 4;                /* 2024-04-01: 2024Q2 */
	row.start_day = 1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_WRONG_QUARTER);
}

static void validate_date_same_quarter_other_year(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.start_year = 2025;              /* 2025-02-15: 2025Q1, not 2024Q1 */
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_WRONG_QUARTER);
	row.start_year = 2023;              /* 2023-02-15: 2023Q1 */
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_WRONG_QUARTER);
}

/* ---- the order of the codes: the first that applies wins ------------------------ */

static void validate_order_prediction_before_outcome(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.p = 1000001;
	row.r = -1;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_order_f_before_outcome(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_f = false;
	row.has_r = false;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

static void validate_order_outcome_before_need(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.r = 10001;
	row.needs = "NOPE";
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_OUTCOME);
}

static void validate_order_need_before_pcc(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.needs = "+";
	row.pcc_code = NULL;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_UNKNOWN_NEED);
}

static void validate_order_pcc_before_quarter(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.pcc_code = "KENT";
	row.has_start_date = false;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_PCC_OUTSIDE_CPA);
}

static void validate_order_all_bad(void)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	row.has_p = false;
	row.f = -1;
	row.r = -1;
	row.needs = "NOPE";
	row.pcc_code = NULL;
	row.has_start_date = false;
	CHECK_I64(pbr_validate_row(&rules, &row, &m), PBR_BAD_PREDICTION);
}

/* ---- start day numbers (days since 0000-03-01) ------------------------------------ */

static int32_t day_of(int y, int mo, int d, int cohort)
{
	struct pbr_row row;
	struct pbr_member m;

	fixture(&row, &m);
	rules.cohort_quarter = cohort;
	row.start_year = y;
	row.start_month = mo;
	row.start_day = d;
	CU_ASSERT_FATAL(pbr_validate_row(&rules, &row, &m) == PBR_ACCEPTED);
	return m.start_day_number;
}

static void validate_day_number_epoch(void)
{
	CHECK_I64(day_of(0, 3, 1, 0), 0);   /* the epoch; 0000Q1 is index 0 */
}

static void validate_day_number_2000(void)
{
	/* 2000-03-01 is 5 whole Gregorian 400-year cycles of 146097 days
	 * after 0000-03-01: 5 * 146097 = 730485.  2000Q1 = 2000*4 = 8000. */
	CHECK_I64(day_of(2000, 3, 1, 8000), 730485);
}

static void validate_day_number_2024(void)
{
	/* 2000-03-01 to 2024-03-01: 24*365 + 6 leap days (Feb 29 of 2004,
	 * 2008, 2012, 2016, 2020, 2024) = 8760 + 6 = 8766;
	 * 730485 + 8766 = 739251.  2024Q1 = 8096. */
	CHECK_I64(day_of(2024, 3, 1, 8096), 739251);
}

static void validate_day_number_leap_day(void)
{
	/* 2024 is a leap year: Feb 28, Feb 29, Mar 1 are consecutive */
	int32_t d28 = day_of(2024, 2, 28, 8096);

	CHECK_I64(day_of(2024, 2, 29, 8096), d28 + 1);
	CHECK_I64(day_of(2024, 3, 1, 8096), d28 + 2);
}

static void validate_day_number_non_leap(void)
{
	/* 2023 is not: Feb 28 is followed by Mar 1.  2023Q1 = 8092. */
	int32_t d28 = day_of(2023, 2, 28, 8092);

	CHECK_I64(day_of(2023, 3, 1, 8092), d28 + 1);
}

static void validate_day_number_new_year(void)
{
	/* 2023-12-31 (2023Q4 = 8095) then 2024-01-01 (2024Q1 = 8096) */
	int32_t d = day_of(2023, 12, 31, 8095);

	CHECK_I64(day_of(2024, 1, 1, 8096), d + 1);
}

/* ---- DUPLICATE ---------------------------------------------------------------------- */

static void dedup_single_row(void)
{
	struct pbr_member m[1] = { { .start_day_number = 100 } };
	enum pbr_status st[1] = { PBR_ACCEPTED };

	pbr_dedup_group(m, st, 1);
	CHECK_I64(st[0], PBR_ACCEPTED);
}

static void dedup_no_rows(void)
{
	struct pbr_member m[1] = { { .start_day_number = 100 } };
	enum pbr_status st[1] = { PBR_BAD_OUTCOME };

	pbr_dedup_group(m, st, 0);          /* nothing to do, nothing touched */
	CHECK_I64(st[0], PBR_BAD_OUTCOME);
}

static void dedup_earliest_first(void)
{
	struct pbr_member m[2] = { { .start_day_number = 100 },
				   { .start_day_number = 105 } };
	enum pbr_status st[2] = { PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 2);          /* 100 < 105: the first is kept */
	CHECK_I64(st[0], PBR_ACCEPTED);
	CHECK_I64(st[1], PBR_DUPLICATE);
}

static void dedup_earliest_last(void)
{
	struct pbr_member m[3] = { { .start_day_number = 105 },
				   { .start_day_number = 101 },
				   { .start_day_number = 100 } };
	enum pbr_status st[3] = { PBR_ACCEPTED, PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 3);          /* 100 is strictly earliest */
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_DUPLICATE);
	CHECK_I64(st[2], PBR_ACCEPTED);
}

static void dedup_one_day_apart(void)
{
	struct pbr_member m[2] = { { .start_day_number = 739251 },
				   { .start_day_number = 739250 } };
	enum pbr_status st[2] = { PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 2);          /* 739250 < 739251 */
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_ACCEPTED);
}

static void dedup_tie_two(void)
{
	struct pbr_member m[2] = { { .start_day_number = 100 },
				   { .start_day_number = 100 } };
	enum pbr_status st[2] = { PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 2);
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_DUPLICATE);
}

static void dedup_tie_rejects_all_copies(void)
{
	/* two share the earliest date 100: every copy goes, 105 included */
	struct pbr_member m[3] = { { .start_day_number = 105 },
				   { .start_day_number = 100 },
				   { .start_day_number = 100 } };
	enum pbr_status st[3] = { PBR_ACCEPTED, PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 3);
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_DUPLICATE);
	CHECK_I64(st[2], PBR_DUPLICATE);
}

static void dedup_tie_later_than_unique_earliest(void)
{
	/* 100 is strictly earliest; the tie at 105 does not matter */
	struct pbr_member m[3] = { { .start_day_number = 105 },
				   { .start_day_number = 105 },
				   { .start_day_number = 100 } };
	enum pbr_status st[3] = { PBR_ACCEPTED, PBR_ACCEPTED, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 3);
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_DUPLICATE);
	CHECK_I64(st[2], PBR_ACCEPTED);
}

static void dedup_rejected_earlier_ignored(void)
{
	/* the earlier copy (90) failed BAD_OUTCOME: it does not beat the
	 * accepted later one, which stays the only passed copy */
	struct pbr_member m[2] = { { .start_day_number = 90 },
				   { .start_day_number = 100 } };
	enum pbr_status st[2] = { PBR_BAD_OUTCOME, PBR_ACCEPTED };

	pbr_dedup_group(m, st, 2);
	CHECK_I64(st[0], PBR_BAD_OUTCOME);
	CHECK_I64(st[1], PBR_ACCEPTED);
}

static void dedup_rejected_tie_ignored(void)
{
	/* a rejected copy on the same earliest date is no tie */
	struct pbr_member m[3] = { { .start_day_number = 100 },
				   { .start_day_number = 100 },
				   { .start_day_number = 105 } };
	enum pbr_status st[3] = { PBR_ACCEPTED, PBR_WRONG_QUARTER,
				  PBR_ACCEPTED };

	pbr_dedup_group(m, st, 3);
	CHECK_I64(st[0], PBR_ACCEPTED);
	CHECK_I64(st[1], PBR_WRONG_QUARTER);
	CHECK_I64(st[2], PBR_DUPLICATE);
}

static void dedup_rejected_keep_code(void)
{
	/* rejected rows keep their own code even when the passed ones tie */
	struct pbr_member m[4] = { { .start_day_number = 100 },
				   { .start_day_number = 90 },
				   { .start_day_number = 100 },
				   { .start_day_number = 80 } };
	enum pbr_status st[4] = { PBR_ACCEPTED, PBR_UNKNOWN_NEED,
				  PBR_ACCEPTED, PBR_PCC_OUTSIDE_CPA };

	pbr_dedup_group(m, st, 4);
	CHECK_I64(st[0], PBR_DUPLICATE);
	CHECK_I64(st[1], PBR_UNKNOWN_NEED);
	CHECK_I64(st[2], PBR_DUPLICATE);
	CHECK_I64(st[3], PBR_PCC_OUTSIDE_CPA);
}

static void dedup_all_rejected(void)
{
	struct pbr_member m[2] = { { .start_day_number = 100 },
				   { .start_day_number = 100 } };
	enum pbr_status st[2] = { PBR_BAD_PREDICTION, PBR_BAD_OUTCOME };

	pbr_dedup_group(m, st, 2);
	CHECK_I64(st[0], PBR_BAD_PREDICTION);
	CHECK_I64(st[1], PBR_BAD_OUTCOME);
}

/* ---- reject threshold: rejected * 10^6 > max_reject_ppm * rows ------------------- */

static void rejects_at_limit(void)
{
	/* 10 * 10^6 = 10^7 = 10000 * 1000: equal, not exceeded */
	CHECK_FALSE(pbr_rejects_exceed(10, 1000, 10000));
}

static void rejects_one_over(void)
{
	/* 11 * 10^6 = 1.1*10^7 > 10000 * 1000 = 10^7 */
	CHECK_TRUE(pbr_rejects_exceed(11, 1000, 10000));
}

static void rejects_none(void)
{
	CHECK_FALSE(pbr_rejects_exceed(0, 1000, 0));   /* 0 > 0 is false */
	CHECK_FALSE(pbr_rejects_exceed(0, 0, 10000));  /* empty cohort */
}

static void rejects_zero_tolerance(void)
{
	/* max 0 ppm: 1 * 10^6 > 0 * 5 = 0 */
	CHECK_TRUE(pbr_rejects_exceed(1, 5, 0));
}

static void rejects_all_allowed(void)
{
	/* max 10^6 ppm (everything): 5 * 10^6 = 10^6 * 5, not exceeded */
	CHECK_FALSE(pbr_rejects_exceed(5, 5, 1000000));
}

static void rejects_large_counts(void)
{
	/* rows 10^15, max 10000 ppm: 10000 * 10^15 = 10^19 > INT64_MAX
	 * (9.22*10^18), so both sides need 128 bits.
	 * rejected 10^13: 10^13 * 10^6 = 10^19 = limit -> not exceeded;
	 * rejected 10^13 + 1: 10^19 + 10^6 > 10^19 -> exceeded. */
	CHECK_FALSE(pbr_rejects_exceed(10000000000000LL, 1000000000000000LL,
				       10000));
	CHECK_TRUE(pbr_rejects_exceed(10000000000001LL, 1000000000000000LL,
				      10000));
}

/* The reject counts as the console, the ledger and messages write them:
 * the six codes in SPEC 4's order, accepted rows left out. */
static void reject_counts_formatted(void)
{
	const int64_t counts[PBR_NSTATUS] = { 500, 1, 0, 2, 0, 0, 3 };
	char buf[160], small[20];

	pbr_format_reject_counts(counts, ",", buf, sizeof buf);
	CHECK_STR(buf, "BAD_PREDICTION=1,BAD_OUTCOME=0,UNKNOWN_NEED=2,"
		  "PCC_OUTSIDE_CPA=0,WRONG_QUARTER=0,DUPLICATE=3");
	pbr_format_reject_counts(counts, ", ", buf, sizeof buf);
	CHECK_STR(buf, "BAD_PREDICTION=1, BAD_OUTCOME=0, UNKNOWN_NEED=2, "
		  "PCC_OUTSIDE_CPA=0, WRONG_QUARTER=0, DUPLICATE=3");
	/* a short buffer is cut, NUL-terminated, never overrun */
	pbr_format_reject_counts(counts, ",", small, sizeof small);
	CHECK_STR(small, "BAD_PREDICTION=1,BA");
}

static const struct cu_test validate_tests[] = {
	T_ENTRY(reject_counts_formatted),
	T_ENTRY(validate_accepted_fills_member),
	T_ENTRY(validate_p_minus_one),
	T_ENTRY(validate_p_zero),
	T_ENTRY(validate_p_max),
	T_ENTRY(validate_p_over),
	T_ENTRY(validate_p_null),
	T_ENTRY(validate_f_minus_one),
	T_ENTRY(validate_f_zero),
	T_ENTRY(validate_f_max),
	T_ENTRY(validate_f_over),
	T_ENTRY(validate_f_null),
	T_ENTRY(validate_r_minus_one),
	T_ENTRY(validate_r_zero_y_zero),
	T_ENTRY(validate_r_one_y_one),
	T_ENTRY(validate_r_max),
	T_ENTRY(validate_r_over),
	T_ENTRY(validate_r_null),
	T_ENTRY(validate_need_unknown),
	T_ENTRY(validate_need_empty_element),
	T_ENTRY(validate_need_none),
	T_ENTRY(validate_need_weight_capped),
	T_ENTRY(validate_pcc_null),
	T_ENTRY(validate_pcc_not_in_cpa),
	T_ENTRY(validate_pcc_wrong_case),
	T_ENTRY(validate_pcc_empty),
	T_ENTRY(validate_pcc_first_and_last),
	T_ENTRY(validate_date_null),
	T_ENTRY(validate_date_previous_quarter),
	T_ENTRY(validate_date_first_day),
	T_ENTRY(validate_date_last_day),
	T_ENTRY(validate_date_next_quarter),
	T_ENTRY(validate_date_same_quarter_other_year),
	T_ENTRY(validate_order_prediction_before_outcome),
	T_ENTRY(validate_order_f_before_outcome),
	T_ENTRY(validate_order_outcome_before_need),
	T_ENTRY(validate_order_need_before_pcc),
	T_ENTRY(validate_order_pcc_before_quarter),
	T_ENTRY(validate_order_all_bad),
	T_ENTRY(validate_day_number_epoch),
	T_ENTRY(validate_day_number_2000),
	T_ENTRY(validate_day_number_2024),
	T_ENTRY(validate_day_number_leap_day),
	T_ENTRY(validate_day_number_non_leap),
	T_ENTRY(validate_day_number_new_year),
	T_END
};

static const struct cu_test dedup_tests[] = {
	T_ENTRY(dedup_single_row),
	T_ENTRY(dedup_no_rows),
	T_ENTRY(dedup_earliest_first),
	T_ENTRY(dedup_earliest_last),
	T_ENTRY(dedup_one_day_apart),
	T_ENTRY(dedup_tie_two),
	T_ENTRY(dedup_tie_rejects_all_copies),
	T_ENTRY(dedup_tie_later_than_unique_earliest),
	T_ENTRY(dedup_rejected_earlier_ignored),
	T_ENTRY(dedup_rejected_tie_ignored),
	T_ENTRY(dedup_rejected_keep_code),
	T_ENTRY(dedup_all_rejected),
	T_ENTRY(rejects_at_limit),
	T_ENTRY(rejects_one_over),
	T_ENTRY(rejects_none),
	T_ENTRY(rejects_zero_tolerance),
	T_ENTRY(rejects_all_allowed),
	T_ENTRY(rejects_large_counts),
	T_END
};

int cu_validate_register(void)
{
	if (cu_add_suite("core_validate", validate_tests) != 0 ||
	    cu_add_suite("core_dedup", dedup_tests) != 0)
		return -1;
	return 0;
}
