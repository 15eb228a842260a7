/*
 * cmd_history.c - pbr-settle history: the ledger as a table or CSV
 * (SPEC 9 header, then total_pounds and amount_due_pounds).
 */
#include "commands.h"
#include "core.h"
#include "csv.h"
#include "db.h"
#include "ledger.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* SPEC 9: the ledger's columns, then the two money columns again in
 * pounds with two decimals (a spreadsheet shows a 14-digit pence figure
 * as 2.2E+13; 220000000000.00 it shows as money).  Text fields go through
 * the engine's one CSV rule (csv.h); numbers are written as they are. */
static const struct {
	const char *name;
	enum pbr_ledger_listing_col col;
	enum { TEXT, NUMBER, POUNDS } kind;
} csv_columns[] = {
	{ "run_id", PBR_LL_RUN_ID, NUMBER }, { "statement_id", PBR_LL_STATEMENT_ID, TEXT },
	{ "contract", PBR_LL_CONTRACT, TEXT }, { "period", PBR_LL_PERIOD, TEXT },
	{ "cohort", PBR_LL_COHORT, TEXT }, { "seq", PBR_LL_SEQ, NUMBER },
	{ "kind", PBR_LL_KIND, TEXT }, { "status", PBR_LL_STATUS, TEXT },
	{ "total_pence", PBR_LL_TOTAL_PENCE, NUMBER },
	{ "amount_due_pence", PBR_LL_AMOUNT_DUE_PENCE, NUMBER },
	{ "input_digest", PBR_LL_INPUT_DIGEST, TEXT },
	{ "statement_digest", PBR_LL_STATEMENT_DIGEST, TEXT },
	{ "created_at", PBR_LL_CREATED_AT, TEXT },
	{ "total_pounds", PBR_LL_TOTAL_PENCE, POUNDS },
	{ "amount_due_pounds", PBR_LL_AMOUNT_DUE_PENCE, POUNDS },
};
#define NCSV (sizeof csv_columns / sizeof csv_columns[0])

/* An amount of the ledger in pounds; a value that is not an integer is
 * an internal error (70). */
static int pounds(const char *val, char *buf, size_t size)
{
	int64_t v;

	if (pbr_parse_int64(val, &v) != 0)
		return pbr_error(EX_SOFTWARE, "history: the ledger holds a non-integer amount '%s'",
				 val);
	pbr_format_pounds(v, buf, size);
	return 0;
}

static void csv_header(void)
{
	for (size_t c = 0; c < NCSV; c++)
		printf("%s%s", c ? "," : "", csv_columns[c].name);
	putchar('\n');
}

/* One ledger row as a CSV line. */
static int csv_row(const char *const col[PBR_LL_NCOLS])
{
	char buf[32];

	for (size_t c = 0; c < NCSV; c++) {
		const char *val = col[csv_columns[c].col];

		if (c)
			putchar(',');
		switch (csv_columns[c].kind) {
		case TEXT:
			pbr_csv_text_file(stdout, val);
			break;
		case NUMBER:
			fputs(val, stdout);
			break;
		case POUNDS:
			if (pounds(val, buf, sizeof buf) != 0)
				return EX_SOFTWARE;
			fputs(buf, stdout);
			break;
		}
	}
	putchar('\n');
	return 0;
}

static void text_header(void)
{
	char ht[24], ha[24];

	/* "£" and "…" on a UTF-8 console only (util.h) */
	snprintf(ht, sizeof ht, "total %s", pbr_pound());
	snprintf(ha, sizeof ha, "amount due %s", pbr_pound());
	printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %s\n", "statement",
	       "run", "cohort", "seq", "kind", "status", ht, ha,
	       "created (UTC)", "input digest");
}

/* One ledger row as a line of the table. */
static int text_row(const char *const col[PBR_LL_NCOLS])
{
	char t[32], a[32];

	if (pounds(col[PBR_LL_TOTAL_PENCE], t, sizeof t) != 0 ||
	    pounds(col[PBR_LL_AMOUNT_DUE_PENCE], a, sizeof a) != 0)
		return EX_SOFTWARE;
	printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %.12s%s\n",
	       col[PBR_LL_STATEMENT_ID], col[PBR_LL_RUN_ID], col[PBR_LL_COHORT],
	       col[PBR_LL_SEQ], col[PBR_LL_KIND], col[PBR_LL_STATUS], t, a,
	       col[PBR_LL_CREATED_AT], col[PBR_LL_INPUT_DIGEST], pbr_ellipsis());
	return 0;
}

/* The listing being printed: the header goes out once the ledger has
 * answered, before its first row. */
struct listing {
	bool csv;
	int rows;
};

static void header(const struct listing *l)
{
	if (l->csv)
		csv_header();
	else
		text_header();
}

/* pbr_ledger_listing_fn: one row in the format asked for. */
static int listed_row(void *arg, const char *const col[PBR_LL_NCOLS])
{
	struct listing *l = arg;

	if (l->rows++ == 0)
		header(l);
	return l->csv ? csv_row(col) : text_row(col);
}

/* The listing in the format asked for, on stdout. */
static int print_history(PGconn *conn, const char *contract, const char *period, bool csv)
{
	struct listing l = { .csv = csv, .rows = 0 };
	int rc = pbr_ledger_each_listed(conn, contract, period, listed_row, &l);

	if (rc != 0)
		return rc;
	if (l.rows == 0)
		header(&l);
	if (!csv)
		printf("%d statement%s\n", l.rows, l.rows == 1 ? "" : "s");
	else if (fflush(stdout) != 0 || ferror(stdout))
		return pbr_error(EX_IOERR, "history: cannot write the CSV: %s", strerror(errno));
	return 0;
}

static const char history_usage[] =
	"usage: " PBR_PROGRAM " history [--contract ID] [--period P | --month M] [--format text|csv]\n"
	"  The settlement ledger: every statement recorded, in force or\n"
	"  superseded, PbR (--period YYYYQn) and monthly (--month YYYY-MM).\n"
	"  --format csv: run_id,statement_id,contract,period,cohort,seq,kind,status,\n"
	"  total_pence,amount_due_pence,input_digest,statement_digest,created_at,\n"
	"  total_pounds,amount_due_pounds (text fields neutralised against\n"
	"  spreadsheet formulas, docs/STATEMENT.md \"CSV files\").\n";

/* YYYY-MM with a month 01..12 */
static int month_ok(const char *s)
{
	return strlen(s) == 7 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
	       && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && s[4] == '-'
	       && ((s[5] == '0' && s[6] >= '1' && s[6] <= '9')
		   || (s[5] == '1' && s[6] >= '0' && s[6] <= '2'));
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "contract", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "month", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *params[2] = { NULL, NULL }, *format = "text";
	PGconn *conn;
	int c, q;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		const char *arg = optarg ? optarg : "";

		switch (c) {
		case 'c':
			if (!pbr_contract_id_ok(arg))
				return pbr_error(EX_USAGE, "history: --contract must match ^[A-Z0-9_-]{1,32}$");
			params[0] = arg;
			break;
		case 'p':
			if (pbr_quarter_parse(arg, &q) != 0)
				return pbr_error(EX_USAGE, "history: --period must be a quarter such as 2025Q4");
			if (params[1])
				return pbr_error(EX_USAGE, "history: one --period or --month");
			params[1] = arg;
			break;
		case 'm':
			if (!month_ok(arg))
				return pbr_error(EX_USAGE, "history: --month must be a month such as 2026-03");
			if (params[1])
				return pbr_error(EX_USAGE, "history: one --period or --month");
			params[1] = arg;
			break;
		case 'f': format = arg; break;
		case 'h':
			fputs(history_usage, stdout);
			return 0;
		default:
			return pbr_error(EX_USAGE, "usage: pbr-settle history [--contract ID] [--period P | --month M] [--format text|csv]");
		}
	}
	if (optind != argc || (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0))
		return pbr_error(EX_USAGE, "usage: pbr-settle history [--contract ID] [--period P | --month M] [--format text|csv]");
	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	c = print_history(conn, params[0], params[1], strcmp(format, "csv") == 0);
	PQfinish(conn);
	return c;
}
