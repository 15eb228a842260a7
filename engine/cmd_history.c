/*
 * cmd_history.c - pbr-settle history: the ledger as a table or CSV
 * (SPEC 9 header, then total_pounds and amount_due_pounds).
 */
#include "commands.h"
#include "core.h"
#include "csv.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char history_sql[] =
	"SELECT s.run_id, s.contract_id, s.period, s.cohort_quarter, s.seq, s.kind,"
	" CASE WHEN f.statement_id IS NULL THEN 'SUPERSEDED' ELSE 'IN_FORCE' END,"
	" s.total_pence, s.amount_due_pence, s.input_digest, s.statement_digest,"
	" to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	" s.statement_id, s.operator, coalesce(s.reason, '')"
	" FROM pbr.settlement s LEFT JOIN pbr.statement_in_force f"
	" ON f.statement_id = s.statement_id"
	" WHERE ($1::text IS NULL OR s.contract_id = $1)"
	" AND ($2::text IS NULL OR s.period = $2)"
	" ORDER BY s.contract_id COLLATE \"C\", s.period, s.seq";

/* SPEC 9: the ledger's columns, then the two money columns again in
 * pounds with two decimals (a spreadsheet shows a 14-digit pence figure
 * as 2.2E+13; 220000000000.00 it shows as money).  Text fields go through
 * the engine's one CSV rule (csv.h); numbers are written as they are. */
static const struct {
	const char *name;
	int col;	/* column of history_sql */
	enum { TEXT, NUMBER, POUNDS } kind;
} csv_columns[] = {
	{ "run_id", 0, NUMBER }, { "statement_id", 12, TEXT }, { "contract", 1, TEXT },
	{ "period", 2, TEXT }, { "cohort", 3, TEXT }, { "seq", 4, NUMBER },
	{ "kind", 5, TEXT }, { "status", 6, TEXT }, { "total_pence", 7, NUMBER },
	{ "amount_due_pence", 8, NUMBER }, { "input_digest", 9, TEXT },
	{ "statement_digest", 10, TEXT }, { "created_at", 11, TEXT },
	{ "total_pounds", 7, POUNDS }, { "amount_due_pounds", 8, POUNDS },
};
#define NCSV (sizeof csv_columns / sizeof csv_columns[0])

static int print_csv(const PGresult *res)
{
	char pounds[32];
	int64_t v;

	for (size_t c = 0; c < NCSV; c++)
		printf("%s%s", c ? "," : "", csv_columns[c].name);
	putchar('\n');
	for (int i = 0; i < PQntuples(res); i++) {
		for (size_t c = 0; c < NCSV; c++) {
			const char *val = PQgetvalue(res, i, csv_columns[c].col);

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
				if (pbr_parse_int64(val, &v) != 0)
					return pbr_error(EX_SOFTWARE, "history: the ledger holds a "
							 "non-integer amount '%s'", val);
				pbr_format_pounds(v, pounds, sizeof pounds);
				fputs(pounds, stdout);
				break;
			}
		}
		putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return pbr_error(EX_IOERR, "history: cannot write the CSV: %s", strerror(errno));
	return 0;
}

static void print_text(const PGresult *res)
{
	char t[32], a[32], ht[24], ha[24];
	int64_t v;

	/* "£" and "…" on a UTF-8 console only (util.h) */
	snprintf(ht, sizeof ht, "total %s", pbr_pound());
	snprintf(ha, sizeof ha, "amount due %s", pbr_pound());
	printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %s\n", "statement",
	       "run", "cohort", "seq", "kind", "status", ht, ha,
	       "created (UTC)", "input digest");
	for (int i = 0; i < PQntuples(res); i++) {
		pbr_parse_int64(PQgetvalue(res, i, 7), &v);
		pbr_format_pounds(v, t, sizeof t);
		pbr_parse_int64(PQgetvalue(res, i, 8), &v);
		pbr_format_pounds(v, a, sizeof a);
		printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %.12s%s\n",
		       PQgetvalue(res, i, 12), PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
		       PQgetvalue(res, i, 5), PQgetvalue(res, i, 6), t, a,
		       PQgetvalue(res, i, 11), PQgetvalue(res, i, 9), pbr_ellipsis());
	}
	printf("%d statement%s\n", PQntuples(res), PQntuples(res) == 1 ? "" : "s");
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
	PGresult *res;
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
	res = pbr_db_query(conn, "reading the ledger", history_sql, 2, params);
	if (res == NULL) {
		c = pbr_db_failure_code(conn);
		PQfinish(conn);
		return c;
	}
	c = 0;
	if (strcmp(format, "csv") == 0)
		c = print_csv(res);
	else
		print_text(res);
	PQclear(res);
	PQfinish(conn);
	return c;
}
