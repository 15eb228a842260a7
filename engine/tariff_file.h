/*
 * tariff_file.h - a draft tariff read from a small "key = value" text file,
 * for `pbr-settle simulate` (what-if settlements, nothing recorded).
 *
 *   # a comment (a line whose first non-blank character is '#')
 *   version               = DRAFT-2026
 *   description           = Steeper binary price, bigger ACCOM uplift
 *   binary_price_pence    = 300000
 *   frequency_price_pence = 85000
 *   binary_hurdle_ppm     = 5000
 *   cohort_cap_pence      = 160000000
 *   max_weight_bp         = 25000
 *   max_reject_ppm        = 20000
 *   uplift ACCOM          = 1500
 *   uplift SUBST          = 2500
 *   # SPEC 5a, optional (defaults: hurdle, 1960, 0, 0, no termination)
 *   binary_mode           = significance
 *   significance_z_milli  = 1960
 *   deduction_price_pence = 150000
 *   deduction_cap_pence   = 50000000
 *   termination_ppm       = 50000
 *
 * Every key but description and the five SPEC 5a keys is required, each
 * at most once; `uplift NEED
 * = BP` lines are optional, one per need code (needs without a line add
 * nothing, as with pbr.tariff_need_uplift).  Numbers are plain decimal
 * integers in the units of SPEC section 2 and the ranges the engine
 * accepts for a tariff in the database.  A '#' after blank space ends a
 * value (except description, which runs to the end of the line).  Lines
 * end in LF (CRLF accepted); blank lines are ignored.
 */
#ifndef PBR_TARIFF_FILE_H
#define PBR_TARIFF_FILE_H

#include "statement.h"

#define PBR_TARIFF_VERSION_MAX 64

struct pbr_tariff_file {
	struct pbr_tariff_def def;          /* the tariff (statement.h) */
	int uplift_line[PBR_MAX_NEEDS];     /* line of each uplift, for messages */
};

/* Reads and checks path into *t (zeroed here).  Returns 0; EX_NOINPUT (66)
 * when the file cannot be opened or read; EX_DATAERR (65) on any error in
 * it, after printing "FILE:LINE: what" on stderr; EX_OSERR when out of
 * memory. */
int pbr_tariff_file_read(const char *path, struct pbr_tariff_file *t);

/* Frees what *t owns. */
void pbr_tariff_file_free(struct pbr_tariff_file *t);

#endif
