/*
 * cmd_migrate.c - pbr-settle migrate: applies migrations/NNNN_name.sql in
 * order, each in its own transaction, and records version, file name and
 * SHA-256.  A migration that was applied and has since changed is refused.
 */
#include "commands.h"
#include "db.h"
#include "digest.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MIGRATIONS 1000

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS pbr;"
	"CREATE TABLE IF NOT EXISTS pbr.schema_migration ("
	" version text PRIMARY KEY,"
	" filename text NOT NULL,"
	" sha256 text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";

/* NNNN_lower_case_name.sql */
static int is_migration_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 10 || strcmp(s + n - 4, ".sql") != 0 || s[4] != '_')
		return 0;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (size_t i = 5; i < n - 4; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return 1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Applies one migration unless recorded; checks the checksum if it is. */
/* Whether migration `version` is recorded: *recorded, and 65 when it was
 * applied under another file name or checksum (a landed migration edited). */
static int check_recorded(PGconn *conn, const char *version, const char *file,
			  const char *path, const char *hex, bool *recorded)
{
	const char *params[1] = { version };
	PGresult *res;
	int rc = 0;

	*recorded = false;
	res = pbr_db_query(conn, "reading pbr.schema_migration",
			   "SELECT filename, sha256 FROM pbr.schema_migration"
			   " WHERE version = $1", 1, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1) {
		*recorded = true;
		if (strcmp(PQgetvalue(res, 0, 1), hex) != 0 ||
		    strcmp(PQgetvalue(res, 0, 0), file) != 0)
			rc = pbr_error(EX_DATAERR,
				       "migration %s was applied as %s (sha256 %.12s%s) and has since changed (sha256 %.12s%s); add a new migration instead",
				       path, PQgetvalue(res, 0, 0),
				       PQgetvalue(res, 0, 1), pbr_ellipsis(), hex,
				       pbr_ellipsis());
	}
	PQclear(res);
	return rc;
}

/* Runs the migration's SQL and records it, in one transaction. */
static int apply_sql(PGconn *conn, const char *sql, const char *version,
		     const char *file, const char *path, const char *hex)
{
	const char *params[3] = { version, file, hex };
	PGresult *res;
	int rc = 0;

	if (pbr_db_exec(conn, "BEGIN", "BEGIN") != 0)
		return pbr_db_failure_code(conn);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pbr_error(PQstatus(conn) == CONNECTION_OK ? EX_DATAERR :
								 EX_UNAVAILABLE,
			       "migration %s failed: %s", path,
			       pbr_db_message(conn));
		goto rollback;
	}
	PQclear(res);
	res = pbr_db_query(conn, "recording migration",
			   "INSERT INTO pbr.schema_migration (version, filename, sha256)"
			   " VALUES ($1, $2, $3)", 3, params);
	if (res == NULL) {
		rc = pbr_db_failure_code(conn);
		goto rollback;
	}
	PQclear(res);
	if (pbr_db_exec(conn, "COMMIT", "COMMIT") != 0)
		return pbr_db_failure_code(conn);
	return 0;
rollback:
	PQclear(res);
	PQclear(PQexec(conn, "ROLLBACK"));
	return rc;
}

static int apply_one(PGconn *conn, const char *dir, const char *file,
		     int *applied)
{
	char path[8192], hex[PBR_SHA256_HEX], version[5];
	size_t len = 0;
	char *sql = NULL;
	bool recorded;
	int rc = 0;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	memcpy(version, file, 4);
	version[4] = '\0';
	if (pbr_read_file(path, SIZE_MAX, &sql, &len) != PBR_READ_OK) {
		if (errno == ENOMEM)
			return pbr_error(EX_OSERR, "out of memory reading migration %s", path);
		return pbr_error(EX_NOINPUT, "cannot read migration %s: %s", path,
				 strerror(errno));
	}
	if (strlen(sql) != len) {
		rc = pbr_error(EX_DATAERR, "migration %s holds a NUL byte", path);
		goto cleanup;
	}
	if (pbr_sha256_buffer(sql, len, hex) != 0) {
		rc = pbr_error_oom(EX_SOFTWARE, "cannot hash %s", path);
		goto cleanup;
	}
	rc = check_recorded(conn, version, file, path, hex, &recorded);
	if (rc != 0 || recorded)
		goto cleanup;
	rc = apply_sql(conn, sql, version, file, path, hex);
	if (rc == 0) {
		printf("applied %s\n", file);
		(*applied)++;
	}
cleanup:
	free(sql);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	char dir[4096];
	char *names[MAX_MIGRATIONS];
	size_t count = 0;
	struct dirent *de;
	PGconn *conn = NULL;
	DIR *d = NULL;
	int rc = 0, applied = 0;

	(void)argv;
	if (argc != 1)
		return pbr_error(EX_USAGE, "migrate takes no arguments");
	snprintf(dir, sizeof dir, "%s/migrations", pbr_datadir());
	d = opendir(dir);
	if (d == NULL)
		return pbr_error(EX_NOINPUT, "cannot open %s: %s", dir,
				 strerror(errno));
	while ((de = readdir(d)) != NULL && count < MAX_MIGRATIONS) {
		if (!is_migration_name(de->d_name))
			continue;
		names[count] = strdup(de->d_name);
		if (names[count] == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		count++;
	}
	qsort(names, count, sizeof names[0], name_cmp);
	for (size_t i = 1; i < count; i++)
		if (strncmp(names[i], names[i - 1], 4) == 0) {
			rc = pbr_error(EX_DATAERR, "migrations %s and %s share a number",
				       names[i - 1], names[i]);
			goto cleanup;
		}
	conn = pbr_db_connect();
	if (conn == NULL) {
		rc = EX_UNAVAILABLE;
		goto cleanup;
	}
	/* One migrator at a time; the lock goes with the session. */
	if (pbr_db_exec(conn, "taking the migration lock",
			"SELECT pg_advisory_lock(7265, 0)") != 0 ||
	    pbr_db_exec(conn, "creating pbr.schema_migration", bootstrap_sql) != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = apply_one(conn, dir, names[i], &applied);
	if (rc == 0)
		printf("migrations: %d applied, %zu in force\n", applied, count);
cleanup:
	if (d)
		closedir(d);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	if (conn)
		PQfinish(conn);
	return rc;
}
