/*
 * db.c - PostgreSQL connection and small query helpers.
 */
#include "db.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pbr_conninfo;

const char *pbr_db_message(PGconn *conn)
{
	static _Thread_local char line[512];
	const char *msg = conn ? PQerrorMessage(conn) : "no connection";
	size_t n = 0;

	for (; *msg && n < sizeof line - 1; msg++)
		line[n++] = (*msg == '\n' || *msg == '\r') ? ' ' : *msg;
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return line;
}

/* Server notices (e.g. "terminating connection due to ...") are not ours
 * to print: every failure is reported once, as one line, by its caller. */
static void drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

PGconn *pbr_db_connect(void)
{
	PGconn *conn;

	/* A malformed string could hold a password; libpq's message would
	 * quote it, so say only that it is malformed. */
	if (pbr_conninfo && *pbr_conninfo) {
		char *err = NULL;
		PQconninfoOption *opts = PQconninfoParse(pbr_conninfo, &err);

		PQfreemem(err);
		if (opts == NULL) {
			pbr_error(EX_UNAVAILABLE, "cannot connect to the database: --db is not a valid connection string (not shown: it may hold a password)");
			return NULL;
		}
		PQconninfoFree(opts);
	}
	conn = PQconnectdb(pbr_conninfo ? pbr_conninfo : "");
	if (conn == NULL) {
		pbr_error(EX_UNAVAILABLE, "cannot connect to the database: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		/* libpq's message names host and port, never the password. */
		pbr_error(EX_UNAVAILABLE, "cannot connect to the database: %s",
			  pbr_db_message(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, drop_notice, NULL);
	PQsetClientEncoding(conn, "UTF8");
	/* Dates as YYYY-MM-DD whatever the server's default: the input
	 * digest (SPEC 7) and WRONG_QUARTER read start_date's text. */
	if (pbr_db_exec(conn, "setting up the session",
			"SET DateStyle = 'ISO, YMD'; SET client_min_messages = warning") != 0) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

int pbr_db_exec(PGconn *conn, const char *what, const char *sql)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pbr_error(pbr_db_failure_code(conn), "%s: %s", what,
			  pbr_db_message(conn));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

PGresult *pbr_db_query(PGconn *conn, const char *what, const char *sql,
		       int nparams, const char *const *params)
{
	PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL,
				     NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pbr_error(pbr_db_failure_code(conn), "%s: %s", what,
			  pbr_db_message(conn));
		PQclear(res);
		return NULL;
	}
	return res;
}

int pbr_db_failure_code(PGconn *conn)
{
	return (conn == NULL || PQstatus(conn) != CONNECTION_OK) ?
		       EX_UNAVAILABLE : EX_SOFTWARE;
}

void pbr_free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The given ids, sorted, each once. */
static int given_ids(char *const *given, size_t ngiven, char ***ids, size_t *n)
{
	*ids = calloc(ngiven, sizeof **ids);
	if (*ids == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < ngiven; i++) {
		(*ids)[i] = strdup(given[i]);
		if ((*ids)[i] == NULL) {
			*n = i;
			return pbr_error(EX_OSERR, "out of memory");
		}
	}
	qsort(*ids, ngiven, sizeof **ids, id_cmp);
	for (size_t i = 0; i < ngiven; i++) {
		if (*n > 0 && strcmp((*ids)[*n - 1], (*ids)[i]) == 0) {
			free((*ids)[i]);
			continue;
		}
		(*ids)[(*n)++] = (*ids)[i];
	}
	return 0;
}

int pbr_db_select_ids(PGconn *conn, char *const *given, size_t ngiven,
		      const char *what, const char *sql, const char *param,
		      char ***ids, size_t *n)
{
	const char *params[1] = { param };
	PGresult *res;
	int rc = 0;

	*ids = NULL;
	*n = 0;
	if (ngiven > 0)
		return given_ids(given, ngiven, ids, n);
	res = pbr_db_query(conn, what, sql, 1, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	*ids = calloc((size_t)PQntuples(res) + 1, sizeof **ids);
	if (*ids == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		(*ids)[i] = strdup(PQgetvalue(res, i, 0));
		if ((*ids)[i] == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		(*n)++;
	}
cleanup:
	PQclear(res);
	return rc;
}
