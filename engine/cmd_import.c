/*
 * cmd_import.c - pbr-settle import cohort|volumes|kpis FILE.csv [--dry-run] [--again]:
 * loads a feed into its landing table, all or nothing (SPEC 9).
 *
 * The file is read once, as a stream: a CSV record parser (RFC 4180, the
 * way PostgreSQL reads CSV: an unquoted empty field is NULL, a quoted one
 * the empty string), a check of every row against the feed's columns, and
 * for the rows that pass, COPY (text format) into the table inside one
 * transaction.  Every refused row is listed with its line number; one
 * refused row and nothing is imported (exit 65).  A UTF-8 byte-order mark
 * and CR LF line ends are accepted.  A file whose SHA-256 is in
 * pbr.import_log was imported before and is refused unless --again.
 */
#include "commands.h"
#include "db.h"
#include "digest.h"
#include "import_csv.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- reference codes ---------------------------------------------------------- */

static int refs_load(PGconn *conn, const char *sql, struct pbr_refs *r)
{
	PGresult *res = pbr_db_query(conn, "reading reference codes", sql, 0, NULL);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	r->code = calloc((size_t)PQntuples(res) + 1, sizeof *r->code);
	if (r->code == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		r->code[i] = strdup(PQgetvalue(res, i, 0));
		if (r->code[i] == NULL) {
			rc = pbr_error(EX_OSERR, "out of memory");
			goto cleanup;
		}
		r->n++;
	}
	pbr_refs_sort(r);
cleanup:
	PQclear(res);
	return rc;
}

/* A server message on one line, at most size - 1 bytes. */
static const char *one_line(const char *msg, char *buf, size_t size)
{
	size_t n = 0;

	for (; msg && *msg && n + 1 < size; msg++)
		buf[n++] = (*msg == '\n' || *msg == '\r') ? ' ' : *msg;
	buf[n] = '\0';
	return buf;
}

/* ---- COPY ----------------------------------------------------------------------- */

struct copy_out {
	PGconn *conn;
	struct pbr_copybuf b;
};

static int out_flush(struct copy_out *o)
{
	if (!o->b.failed && o->b.len > 0 &&
	    PQputCopyData(o->conn, o->b.buf, (int)o->b.len) != 1)
		o->b.failed = true;
	o->b.len = 0;
	return o->b.failed ? -1 : 0;
}

/* One row in COPY text format, sent on when 64 KiB have gathered. */
static void out_row(struct copy_out *o, const struct pbr_feed *feed,
		    const struct pbr_csv *c)
{
	pbr_import_copy_row(&o->b, feed, c);
	if (o->b.len >= 65536)
		out_flush(o);
}

/* "col, col, ..." of the feed. */
static void column_list(const struct pbr_feed *feed, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < feed->ncols && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      feed->cols[i].name);
}

/* The rows go to a temporary table first (COPY is not allowed into a
 * table under row-level security, which finance's login is), and from
 * there into the landing table in the same transaction. */
static int start_copy(PGconn *conn, const struct pbr_feed *feed, const char *path)
{
	char sql[1024], cols[512];
	PGresult *res;
	int rc = 0;

	column_list(feed, cols, sizeof cols);
	snprintf(sql, sizeof sql,
		 "CREATE TEMP TABLE pbr_import (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP",
		 feed->table);
	if (pbr_db_exec(conn, "preparing the import", sql) != 0)
		return pbr_db_failure_code(conn);
	snprintf(sql, sizeof sql, "COPY pg_temp.pbr_import (%s) FROM STDIN", cols);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = pbr_error(pbr_db_failure_code(conn), "%s: cannot start COPY: %s",
			       path, pbr_db_message(conn));
	PQclear(res);
	return rc;
}

/* From the temporary table into the landing table. */
static int move_rows(PGconn *conn, const struct pbr_feed *feed, const char *path)
{
	char sql[1200], cols[512];
	PGresult *res;
	int rc = 0;

	column_list(feed, cols, sizeof cols);
	snprintf(sql, sizeof sql, "INSERT INTO %s (%s) SELECT %s FROM pg_temp.pbr_import",
		 feed->table, cols, cols);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		char show[300];

		rc = PQstatus(conn) != CONNECTION_OK ? EX_UNAVAILABLE :
		     PQresultErrorField(res, PG_DIAG_SQLSTATE) &&
		     strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42501") == 0 ?
		     EX_NOPERM : EX_DATAERR;
		pbr_error(rc, "%s: the database refused the rows: %s; nothing imported", path,
			  one_line(primary, show, sizeof show));
	}
	PQclear(res);
	return rc;
}

/* Ends the COPY; when ok is false it is cancelled.  Returns 0, or a
 * sysexits code after one line (a server refusal is 65). */
static int end_copy(struct copy_out *o, bool ok, const char *path)
{
	PGresult *res;
	int rc = 0;

	if (ok && out_flush(o) != 0) {
		ok = false;
		rc = o->b.oom ? pbr_error(EX_OSERR, "%s: out of memory; nothing imported", path) :
		     pbr_error(EX_UNAVAILABLE, "%s: sending to the database: %s", path,
			       pbr_db_message(o->conn));
	}
	if (PQputCopyEnd(o->conn, ok ? NULL : "refused by pbr-settle import") != 1)
		return rc ? rc : pbr_error(EX_UNAVAILABLE, "%s: sending to the database: %s", path,
					   pbr_db_message(o->conn));
	while ((res = PQgetResult(o->conn)) != NULL) {
		if (ok && rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK) {
			const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			char show[300];

			rc = PQstatus(o->conn) == CONNECTION_OK ? EX_DATAERR : EX_UNAVAILABLE;
			pbr_error(rc, "%s: the database refused the rows: %s; nothing imported", path,
				  one_line(primary, show, sizeof show));
		}
		PQclear(res);
	}
	return rc;
}

/* ---- the command ----------------------------------------------------------------- */

struct import_opts {
	const struct pbr_feed *feed;
	const char *path;
	bool dry_run, again;
};

static const char import_usage[] =
	"Usage: pbr-settle import cohort|volumes|kpis FILE.csv [--dry-run] [--again]\n"
	"\n"
	"Loads a feed into its landing table, all or nothing: a row with a\n"
	"malformed quarter or month, an unknown CPA or contract, a value of the\n"
	"wrong type or a line the CSV parser cannot read is listed with its line\n"
	"number, and then nothing is imported (exit 65).  A UTF-8 byte-order\n"
	"mark and CR LF line ends are accepted.  A file imported before (same\n"
	"SHA-256) is refused unless --again.\n"
	"\n"
	"  cohort     pbr.cohort_member (SPEC 2): offender_ref,cohort_quarter,\n"
	"             cpa_code,pcc_code,start_date,predicted_binary_ppm,\n"
	"             predicted_frequency_milli,needs,reoffence_count,outcome_status\n"
	"  volumes    pbr.volume_return (SPEC 11.1): contract_id,month,band_code,cases\n"
	"  kpis       pbr.kpi_return (SPEC 11.1): contract_id,month,kpi_code,\n"
	"             numerator,denominator\n"
	"  --dry-run  check and report, import nothing\n"
	"  --again    import a file that was imported before\n"
	"  --help     this text\n";

static int parse_import(int argc, char **argv, struct import_opts *o, bool *help)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'd' },
		{ "again", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->dry_run = true; break;
		case 'a': o->again = true; break;
		case 'h': *help = true; return 0;
		default:
			return pbr_error(EX_USAGE, "import: unknown option or missing value (usage: pbr-settle import cohort|volumes|kpis FILE.csv [--dry-run] [--again])");
		}
	}
	if (argc - optind != 2)
		return pbr_error(EX_USAGE, "import: usage: pbr-settle import cohort|volumes|kpis FILE.csv [--dry-run] [--again]");
	o->feed = pbr_import_feed(argv[optind]);
	if (o->feed == NULL)
		return pbr_error(EX_USAGE, "import: unknown feed '%.40s' (cohort, volumes or kpis)", argv[optind]);
	o->path = argv[optind + 1];
	return 0;
}

/* Lists one refused row.  The first is held back, so that a file with one
 * bad row gets one line in all (printed by the caller). */
static void refuse(const char *path, int64_t *refused, char *first,
		   size_t first_size, long line, const char *why)
{
	if (*refused == 0) {
		snprintf(first, first_size, "line %ld: %s", line, why);
	} else {
		if (*refused == 1)
			pbr_error(EX_DATAERR, "%s: %s", path, first);
		pbr_error(EX_DATAERR, "%s: line %ld: %s", path, line, why);
	}
	(*refused)++;
}

/* Reads every record after the header; COPYs the good rows while no row
 * was refused (and not --dry-run); lists every refused row. */
static int scan(const struct import_opts *o, struct pbr_import_checker *k, struct pbr_csv *c,
		struct copy_out *out, int64_t *rows, int64_t *refused,
		char *first, size_t first_size)
{
	char why[640];
	int r;

	while ((r = pbr_csv_read(c)) != 0) {
		if (c->oom)
			return pbr_error(EX_OSERR, "%s: out of memory", o->path);
		if (r < 0) {
			refuse(o->path, refused, first, first_size, c->rec_line, c->err);
			break;
		}
		(*rows)++;
		pbr_import_check_record(k, c, why, sizeof why);
		if (why[0]) {
			refuse(o->path, refused, first, first_size, c->rec_line, why);
			continue;
		}
		if (*refused == 0 && !o->dry_run) {
			out_row(out, k->feed, c);
			if (out->b.failed)
				break;      /* end_copy says why */
		}
	}
	if (c->io_error)
		return pbr_error(EX_IOERR, "%s: read error", o->path);
	return 0;
}

/* SPEC 9: a file whose SHA-256 was imported before.  Returns 0 (new, or
 * --again), 65 after one line, or a database failure code. */
static int check_again(PGconn *conn, const struct import_opts *o,
		       const char *sha)
{
	const char *params[1] = { sha };
	PGresult *res;
	int rc = 0;

	/* one import at a time past this point, so that two imports of the
	 * same file cannot both find it new */
	if (pbr_db_exec(conn, "locking the import log",
			"SELECT pg_advisory_xact_lock(hashtext('pbr-settle:import'))") != 0)
		return pbr_db_failure_code(conn);
	res = pbr_db_query(conn, "reading the import log",
		"SELECT to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"'),"
		" kind, file_name, row_count, imported_by"
		" FROM pbr.import_log WHERE file_sha256 = $1 ORDER BY id LIMIT 1", 1, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) > 0 && !o->again) {
		char name[PBR_IMPORT_SHOW * 4 + 8];

		rc = pbr_error(EX_DATAERR,
			       "%s was imported before: the same bytes (SHA-256 %.12s...) as %s feed '%s', %s rows, on %s by %s; nothing imported; --again imports it again",
			       o->path, sha, PQgetvalue(res, 0, 1),
			       pbr_import_shown(PQgetvalue(res, 0, 2), strlen(PQgetvalue(res, 0, 2)), name, sizeof name),
			       PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 4));
	}
	PQclear(res);
	return rc;
}

static int log_import(PGconn *conn, const struct import_opts *o,
		      const char *sha, int64_t rows)
{
	char n[24];
	const char *base = strrchr(o->path, '/');
	const char *params[5] = { o->feed->kind, base ? base + 1 : o->path, sha, n,
				  o->again ? "true" : "false" };
	PGresult *res;

	snprintf(n, sizeof n, "%" PRId64, rows);
	res = pbr_db_query(conn, "recording the import",
		"INSERT INTO pbr.import_log (kind, file_name, file_sha256, row_count, again)"
		" VALUES ($1, $2, $3, $4, $5)", 5, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	PQclear(res);
	return 0;
}

/* One import's state, from the header to COMMIT or ROLLBACK. */
struct import_run {
	struct pbr_import_checker k;
	struct pbr_csv *c;
	struct pbr_sha256 *sha;     /* of the file's bytes, as read */
	struct copy_out out;
	PGconn *conn;
	int64_t rows, refused;
	char first[700];            /* the first refused row, held back */
	bool in_tx, copying;
};

static int hash_chunk(void *ctx, const void *p, size_t n)
{
	return pbr_sha256_update(ctx, p, n);
}

/* The header, the connection, BEGIN, the reference codes and (unless
 * --dry-run) the COPY.  Returns 0 or a sysexits code after one line. */
static int import_open(const struct import_opts *o, FILE *f, struct import_run *r)
{
	int rc;

	r->c = calloc(1, sizeof *r->c);
	if (r->c == NULL || (r->sha = pbr_sha256_new()) == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	r->c->f = f;
	r->c->line = 1;
	r->c->chunk = hash_chunk;
	r->c->chunk_ctx = r->sha;
	r->k.feed = o->feed;
	rc = pbr_import_check_header(o->feed, r->c, o->path);
	if (rc != 0)
		return rc;
	r->k.eol = r->c->eol ? r->c->eol : 1;
	if ((r->conn = pbr_db_connect()) == NULL)
		return EX_UNAVAILABLE;
	if (pbr_db_exec(r->conn, "BEGIN", "BEGIN") != 0)
		return pbr_db_failure_code(r->conn);
	r->in_tx = true;
	if ((rc = refs_load(r->conn, "SELECT code FROM pbr.cpa", &r->k.cpas)) != 0 ||
	    (rc = refs_load(r->conn, "SELECT id FROM pbr.contract", &r->k.contracts)) != 0)
		return rc;
	r->out.conn = r->conn;
	if (!o->dry_run) {
		if ((rc = start_copy(r->conn, o->feed, o->path)) != 0)
			return rc;
		r->copying = true;
	}
	return 0;
}

/* After a clean scan: the --again check, the rows into the landing table,
 * the import log and COMMIT (or the dry run's report). */
static int import_commit(const struct import_opts *o, struct import_run *r)
{
	char sha[PBR_SHA256_HEX];
	int rc;

	if (pbr_sha256_final(r->sha, sha) != 0)
		return pbr_error(EX_SOFTWARE, "SHA-256 failed");
	if ((rc = check_again(r->conn, o, sha)) != 0)
		return rc;
	if (o->dry_run) {
		printf("%s: %" PRId64 " rows checked, all would be imported into %s (dry run: nothing imported)\n",
		       o->path, r->rows, o->feed->table);
		return 0;
	}
	if ((rc = move_rows(r->conn, o->feed, o->path)) != 0 ||
	    (rc = log_import(r->conn, o, sha, r->rows)) != 0)
		return rc;
	if (pbr_db_exec(r->conn, "COMMIT", "COMMIT") != 0)
		return pbr_db_failure_code(r->conn);
	r->in_tx = false;
	printf("imported %" PRId64 " rows from %s into %s (SHA-256 %s)\n", r->rows,
	       o->path, o->feed->table, sha);
	return 0;
}

static void import_close(struct import_run *r)
{
	if (r->conn) {
		PGresult *res;

		if (r->copying)
			PQputCopyEnd(r->conn, "cancelled");
		while ((res = PQgetResult(r->conn)) != NULL)
			PQclear(res);
		if (r->in_tx)
			PQclear(PQexec(r->conn, "ROLLBACK"));
		PQfinish(r->conn);
	}
	pbr_refs_free(&r->k.cpas);
	pbr_refs_free(&r->k.contracts);
	free(r->out.b.buf);
	pbr_sha256_free(r->sha);
	if (r->c) {
		free(r->c->data);
		free(r->c);
	}
}

static int run_import(const struct import_opts *o, FILE *f)
{
	struct import_run r;
	int rc;

	memset(&r, 0, sizeof r);
	rc = import_open(o, f, &r);
	if (rc == 0)
		rc = scan(o, &r.k, r.c, &r.out, &r.rows, &r.refused, r.first, sizeof r.first);
	if (r.copying) {
		int erc = end_copy(&r.out, rc == 0 && r.refused == 0, o->path);

		r.copying = false;
		if (rc == 0 && r.refused == 0)
			rc = erc;
	}
	if (rc == 0 && r.refused == 1)
		rc = pbr_error(EX_DATAERR, "%s: %s; nothing imported", o->path, r.first);
	else if (rc == 0 && r.refused > 1)
		rc = pbr_error(EX_DATAERR, "%s: %" PRId64 " of %" PRId64 " rows refused (listed above); nothing imported",
			       o->path, r.refused, r.rows);
	if (rc == 0)
		rc = import_commit(o, &r);
	import_close(&r);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	struct import_opts o;
	struct stat st;
	bool help = false;
	FILE *f;
	int rc;

	memset(&o, 0, sizeof o);
	rc = parse_import(argc, argv, &o, &help);
	if (rc != 0)
		return rc;
	if (help || o.feed == NULL) {   /* no feed: only with --help */
		fputs(import_usage, stdout);
		return 0;
	}
	f = fopen(o.path, "rb");
	if (f == NULL && errno == ENOMEM)
		return pbr_error(EX_OSERR, "out of memory opening %s", o.path);
	if (f == NULL)
		return pbr_error(EX_NOINPUT, "cannot open %s: %s", o.path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return pbr_error(EX_NOINPUT, "%s is not a regular file", o.path);
	}
	rc = run_import(&o, f);
	fclose(f);
	return rc;
}
