/*
 * cmd_import.c - pbr-settle import cohort FILE.csv: loads a feed into
 * pbr.cohort_member with COPY FROM STDIN in one transaction.  The header
 * is checked here; every other check is the server's, and any error
 * leaves nothing loaded.
 */
#include "commands.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define COHORT_COLUMNS                                                       \
	"offender_ref,cohort_quarter,cpa_code,pcc_code,start_date,"           \
	"predicted_binary_ppm,predicted_frequency_milli,needs,"               \
	"reoffence_count,outcome_status"

static const char copy_sql[] =
	"COPY pbr.cohort_member (" COHORT_COLUMNS ") FROM STDIN"
	" WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (needs))";

/* Reads the first line and compares it with the expected header. */
static int check_header(FILE *f, const char *path)
{
	char line[512];
	size_t n;

	if (fgets(line, sizeof line, f) == NULL)
		return pbr_error(EX_DATAERR, "%s: line 1: empty file, expected the header %s",
				 path, COHORT_COLUMNS);
	n = strlen(line);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		return pbr_error(EX_DATAERR, "%s: line 1: starts with a byte-order mark; save the file as UTF-8 without BOM",
				 path);
	if (strcmp(line, COHORT_COLUMNS) != 0)
		return pbr_error(EX_DATAERR, "%s: line 1: header must be exactly %s",
				 path, COHORT_COLUMNS);
	rewind(f);
	return 0;
}

/* "COPY cohort_member, line 3, column x: <data>" -> "line 3, column x".
 * The data after the colon is left out: it may be offender data, and may
 * hold line breaks. */
static const char *copy_context(const PGresult *res, char *buf, size_t size)
{
	const char *ctx = PQresultErrorField(res, PG_DIAG_CONTEXT);
	const char *p = ctx ? strstr(ctx, "line ") : NULL;
	size_t n = 0;

	if (p == NULL)
		return "while loading";
	while (p[n] && p[n] != ':' && p[n] != '\n' && p[n] != '\r' && n + 1 < size) {
		buf[n] = p[n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

/* The server's primary message on one line, at most 300 bytes. */
static const char *one_line(const char *msg, char *buf, size_t size)
{
	size_t n = 0;

	for (; msg && *msg && n + 1 < size && n < 300; msg++)
		buf[n++] = (*msg == '\n' || *msg == '\r') ? ' ' : *msg;
	buf[n] = '\0';
	return buf;
}

static int send_file(PGconn *conn, FILE *f, const char *path)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (PQputCopyData(conn, buf, (int)n) != 1)
			return pbr_error(EX_UNAVAILABLE, "%s: sending to the database: %s",
					 path, pbr_db_message(conn));
	if (ferror(f)) {
		PQputCopyEnd(conn, "read error");
		return pbr_error(EX_IOERR, "%s: read error: %s", path,
				 strerror(errno));
	}
	if (PQputCopyEnd(conn, NULL) != 1)
		return pbr_error(EX_UNAVAILABLE, "%s: sending to the database: %s",
				 path, pbr_db_message(conn));
	return 0;
}

static int import_cohort(const char *path)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return pbr_error(EX_NOINPUT, "%s is not a regular file", path);
	f = fopen(path, "rb");
	PGconn *conn = NULL;
	PGresult *res = NULL;
	int rc = 0, in_tx = 0;

	if (f == NULL)
		return pbr_error(EX_NOINPUT, "cannot open %s: %s", path,
				 strerror(errno));
	rc = check_header(f, path);
	if (rc != 0)
		goto cleanup;
	conn = pbr_db_connect();
	if (conn == NULL) {
		rc = EX_UNAVAILABLE;
		goto cleanup;
	}
	if (pbr_db_exec(conn, "BEGIN", "BEGIN") != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	in_tx = 1;
	res = PQexec(conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = pbr_error(pbr_db_failure_code(conn), "%s: cannot start COPY: %s",
			       path, pbr_db_message(conn));
		goto cleanup;
	}
	PQclear(res);
	res = NULL;
	rc = send_file(conn, f, path);
	res = PQgetResult(conn);
	if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		char where[128], what[320];

		rc = PQstatus(conn) == CONNECTION_OK ? EX_DATAERR : EX_UNAVAILABLE;
		pbr_error(rc, "%s: %s: %s; nothing loaded", path,
			  copy_context(res, where, sizeof where),
			  one_line(primary ? primary : pbr_db_message(conn), what, sizeof what));
	}
	if (rc != 0)
		goto cleanup;
	printf("imported %s rows from %s\n", PQcmdTuples(res), path);
	PQclear(res);
	res = NULL;
	if (pbr_db_exec(conn, "COMMIT", "COMMIT") != 0)
		rc = pbr_db_failure_code(conn);
	in_tx = 0;
cleanup:
	PQclear(res);
	if (conn) {
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		if (in_tx)
			PQclear(PQexec(conn, "ROLLBACK"));
		PQfinish(conn);
	}
	fclose(f);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "cohort") != 0)
		return pbr_error(EX_USAGE, "usage: pbr-settle import cohort FILE.csv");
	return import_cohort(argv[2]);
}
