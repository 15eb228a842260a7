/*
 * cmd_history.c - pbr-settle history: the ledger as a table or CSV.
 */
#include "commands.h"
#include "core.h"
#include "db.h"
#include "util.h"

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

static void print_csv_field(const char *v)
{
	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, stdout);
		return;
	}
	putchar('"');
	for (; *v; v++) {
		if (*v == '"')
			putchar('"');
		putchar(*v);
	}
	putchar('"');
}

static void print_csv(const PGresult *res)
{
	puts("run_id,contract,period,cohort,seq,kind,status,total_pence,"
	     "amount_due_pence,input_digest,statement_digest,created_at");
	for (int i = 0; i < PQntuples(res); i++) {
		for (int c = 0; c < 12; c++) {
			if (c)
				putchar(',');
			print_csv_field(PQgetvalue(res, i, c));
		}
		putchar('\n');
	}
}

static void print_text(const PGresult *res)
{
	char t[32], a[32];
	int64_t v;

	printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %s\n", "statement",
	       "run", "cohort", "seq", "kind", "status", "total £", "amount due £",
	       "created (UTC)", "input digest");
	for (int i = 0; i < PQntuples(res); i++) {
		pbr_parse_int64(PQgetvalue(res, i, 7), &v);
		pbr_format_pounds(v, t, sizeof t);
		pbr_parse_int64(PQgetvalue(res, i, 8), &v);
		pbr_format_pounds(v, a, sizeof a);
		printf("%-22s %-6s %-7s %-3s %-11s %-10s %14s %14s  %-20s %.12s…\n",
		       PQgetvalue(res, i, 12), PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
		       PQgetvalue(res, i, 5), PQgetvalue(res, i, 6), t, a,
		       PQgetvalue(res, i, 11), PQgetvalue(res, i, 9));
	}
	printf("%d statement%s\n", PQntuples(res), PQntuples(res) == 1 ? "" : "s");
}

int cmd_history(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "contract", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *params[2] = { NULL, NULL }, *format = "text";
	PGconn *conn;
	PGresult *res;
	int c, q;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!pbr_contract_id_ok(optarg))
				return pbr_error(EX_USAGE, "history: --contract must match ^[A-Z0-9_-]{1,32}$");
			params[0] = optarg;
			break;
		case 'p':
			if (pbr_quarter_parse(optarg, &q) != 0)
				return pbr_error(EX_USAGE, "history: --period must be a quarter such as 2025Q4");
			params[1] = optarg;
			break;
		case 'f': format = optarg; break;
		default:
			return pbr_error(EX_USAGE, "usage: pbr-settle history [--contract ID] [--period P] [--format text|csv]");
		}
	}
	if (optind != argc || (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0))
		return pbr_error(EX_USAGE, "usage: pbr-settle history [--contract ID] [--period P] [--format text|csv]");
	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	res = pbr_db_query(conn, "reading the ledger", history_sql, 2, params);
	if (res == NULL) {
		c = pbr_db_failure_code(conn);
		PQfinish(conn);
		return c;
	}
	if (strcmp(format, "csv") == 0)
		print_csv(res);
	else
		print_text(res);
	PQclear(res);
	PQfinish(conn);
	return 0;
}
