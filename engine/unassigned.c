/*
 * unassigned.c - rows of the settled CPAs whose cohort_quarter is
 * malformed (SPEC 2), as CSV.
 */
#include "unassigned.h"
#include "csv.h"
#include "db.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The predicate is migration 0005's partial index, word for word. */
static const char rows_sql[] =
	"SELECT cpa_code, cohort_quarter, offender_ref, pcc_code, start_date::text,"
	" outcome_status FROM pbr.cohort_member WHERE cpa_code = $1"
	" AND cohort_quarter !~ '^[0-9]{4}Q[1-4]$'"
	" ORDER BY offender_ref COLLATE \"C\", cohort_quarter COLLATE \"C\","
	" concat_ws('|', pcc_code, start_date::text, outcome_status) COLLATE \"C\"";

/* One text field through the engine's one CSV rule (csv.h: RFC 4180
 * quoting and spreadsheet-formula neutralisation); NULL is empty. */
static int put_field(FILE *f, const char *v, int last)
{
	int bad = 0;

	if (v)
		bad |= pbr_csv_text_file(f, v) != 0;
	bad |= fputc(last ? '\n' : ',', f) == EOF;
	return bad;
}

static int cpa_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pbr_unassigned_write(PGconn *conn, char *const *cpas, size_t n, FILE *f,
			 const char *name, int64_t *count)
{
	const char **sorted = calloc(n + 1, sizeof *sorted);
	int rc = 0, bad = 0;

	*count = 0;
	if (sorted == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	memcpy(sorted, cpas, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cpa_cmp);
	bad |= fputs(PBR_UNASSIGNED_HEADER "\n", f) == EOF;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *params[1] = { sorted[i] };
		PGresult *res;

		if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		res = pbr_db_query(conn, "listing rows with a malformed cohort_quarter",
				   rows_sql, 1, params);
		if (res == NULL) {
			rc = pbr_db_failure_code(conn);
			break;
		}
		for (int r = 0; r < PQntuples(res); r++) {
			for (int c = 0; c < 6; c++)
				bad |= put_field(f, PQgetisnull(res, r, c) ? NULL :
						 PQgetvalue(res, r, c), c == 5);
			(*count)++;
		}
		PQclear(res);
	}
	if (rc == 0 && bad)
		rc = pbr_error(EX_IOERR, "cannot write %s", name);
	free(sorted);
	return rc;
}
