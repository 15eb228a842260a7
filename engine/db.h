/*
 * db.h - PostgreSQL connection and small query helpers (libpq).
 */
#ifndef PBR_DB_H
#define PBR_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

/* Set by main from --db; NULL means the libpq environment (PGHOST, ...). */
extern const char *pbr_conninfo;

/* Connects, with DateStyle ISO and client_min_messages warning; on failure
 * prints one line (never the password) and returns NULL.  The caller then
 * exits EX_UNAVAILABLE (69). */
PGconn *pbr_db_connect(void);

/* Runs a statement that returns no rows (or whose rows are not wanted).
 * Returns 0, or prints "what: <server message>" and returns -1. */
int pbr_db_exec(PGconn *conn, const char *what, const char *sql);

/* Runs a parameterised query; returns the result when its status is
 * PGRES_TUPLES_OK or PGRES_COMMAND_OK, else prints "what: <message>",
 * clears it and returns NULL.  The caller PQclear()s a non-NULL result. */
PGresult *pbr_db_query(PGconn *conn, const char *what, const char *sql,
		       int nparams, const char *const *params);

/* The exit code for a failed query: EX_UNAVAILABLE (69) when the
 * connection is gone, else EX_SOFTWARE (70). */
int pbr_db_failure_code(PGconn *conn);

/* The ids a run works on: the given ones (sorted bytewise, each once)
 * when any are given, else the first column of query sql with its one
 * parameter param (what names it in an error), in the order it returns.
 * *ids is a malloc'd array of malloc'd strings, freed by pbr_free_ids;
 * *n may be 0.  Returns 0 or a sysexits code after printing one line. */
int pbr_db_select_ids(PGconn *conn, char *const *given, size_t ngiven,
		      const char *what, const char *sql, const char *param,
		      char ***ids, size_t *n);
void pbr_free_ids(char **ids, size_t n);

/* The server message of the last error on one line (no trailing newline). */
const char *pbr_db_message(PGconn *conn);

#endif
