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

/* ---- the feeds ------------------------------------------------------------ */

enum col_type {
	COL_TEXT,       /* any text, NULL allowed */
	COL_KEY,        /* text, neither NULL nor empty */
	COL_NEEDS,      /* text, an empty field is '' (never NULL) */
	COL_INT,        /* a 32-bit integer, NULL allowed */
	COL_BIGINT,     /* a 64-bit integer, NULL allowed */
	COL_DATE,       /* YYYY-MM-DD, NULL allowed */
	COL_QUARTER,    /* YYYYQn */
	COL_MONTH,      /* YYYY-MM */
	COL_CPA,        /* a code of pbr.cpa */
	COL_CONTRACT,   /* an id of pbr.contract */
};

struct column {
	const char *name;
	enum col_type type;
};

struct feed {
	const char *kind;
	const char *table;
	const struct column *cols;
	int ncols;
};

static const struct column cohort_cols[] = {
	{ "offender_ref", COL_KEY },
	{ "cohort_quarter", COL_QUARTER },
	{ "cpa_code", COL_CPA },
	{ "pcc_code", COL_TEXT },
	{ "start_date", COL_DATE },
	{ "predicted_binary_ppm", COL_INT },
	{ "predicted_frequency_milli", COL_INT },
	{ "needs", COL_NEEDS },
	{ "reoffence_count", COL_INT },
	{ "outcome_status", COL_TEXT },
};

/* SPEC 11.1: the monthly returns (checked in full by a monthly run) */
static const struct column volume_cols[] = {
	{ "contract_id", COL_CONTRACT },
	{ "month", COL_MONTH },
	{ "band_code", COL_TEXT },
	{ "cases", COL_INT },
};

static const struct column kpi_cols[] = {
	{ "contract_id", COL_CONTRACT },
	{ "month", COL_MONTH },
	{ "kpi_code", COL_TEXT },
	{ "numerator", COL_BIGINT },
	{ "denominator", COL_BIGINT },
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct feed feeds[] = {
	{ "cohort", "pbr.cohort_member", cohort_cols, NCOLS(cohort_cols) },
	{ "volumes", "pbr.volume_return", volume_cols, NCOLS(volume_cols) },
	{ "kpis", "pbr.kpi_return", kpi_cols, NCOLS(kpi_cols) },
};

#define MAX_FIELDS 64
#define MAX_RECORD ((size_t)256 << 20)   /* bytes of one record */
#define SHOW 32                          /* bytes of a value shown */

/* ---- a streaming CSV record reader ---------------------------------------- */

struct csv {
	FILE *f;
	struct pbr_sha256 *sha;
	unsigned char buf[65536];
	size_t pos, len;
	bool eof, io_error, started;
	long line;                  /* physical line being read, from 1 */
	/* the record just read */
	long rec_line;              /* where it starts */
	int eol;                    /* 0 end of file, 1 LF, 2 CR LF */
	char *data;
	size_t dlen, dcap;
	int nf;                     /* fields seen (may exceed MAX_FIELDS) */
	size_t off[MAX_FIELDS], flen[MAX_FIELDS];
	bool quoted[MAX_FIELDS];
	char err[160];              /* a syntax error in the record */
};

static int next_byte(struct csv *c)
{
	if (c->pos == c->len) {
		if (c->eof)
			return EOF;
		c->len = fread(c->buf, 1, sizeof c->buf, c->f);
		c->pos = 0;
		if (c->len == 0) {
			c->eof = true;
			c->io_error = ferror(c->f) != 0;
			return EOF;
		}
		if (pbr_sha256_update(c->sha, c->buf, c->len) != 0)
			c->io_error = true;
		/* a UTF-8 byte-order mark (Excel's "CSV UTF-8") is not data */
		if (!c->started && c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0)
			c->pos = 3;
		c->started = true;
		if (c->pos == c->len)
			return next_byte(c);
	}
	return c->buf[c->pos++];
}

static int peek_byte(struct csv *c)
{
	int ch = next_byte(c);

	if (ch != EOF)
		c->pos--;
	return ch;
}

static int add_byte(struct csv *c, int ch)
{
	if (c->dlen + 1 >= c->dcap) {
		size_t cap = c->dcap ? c->dcap * 2 : 4096;
		char *d;

		if (cap > MAX_RECORD + 2)
			return -1;
		d = realloc(c->data, cap);
		if (d == NULL)
			return -1;
		c->data = d;
		c->dcap = cap;
	}
	c->data[c->dlen++] = (char)ch;
	return 0;
}

static int end_field(struct csv *c, size_t start, bool quoted)
{
	if (c->nf < MAX_FIELDS) {
		c->off[c->nf] = start;
		c->flen[c->nf] = c->dlen - start;
		c->quoted[c->nf] = quoted;
	}
	c->nf++;
	return add_byte(c, '\0');
}

/* After a syntax error: the rest of the physical line is not read as data. */
static void skip_line(struct csv *c)
{
	int ch;

	while ((ch = next_byte(c)) != EOF && ch != '\n')
		;
	if (ch == '\n')
		c->line++;
}

/* A line end at ch: 1 LF, 2 CR LF, -1 a lone CR; 0 not a line end. */
static int line_end(struct csv *c, int ch)
{
	if (ch == '\n')
		return 1;
	if (ch != '\r')
		return 0;
	if (peek_byte(c) == '\n') {
		next_byte(c);
		return 2;
	}
	return -1;
}

/* Reads one record.  Returns 1 (a record; c->err set when it is
 * malformed), 0 at the end of the file, -1 when the rest of the file
 * cannot be read as CSV (c->err says why). */
static int read_record(struct csv *c)
{
	size_t start;
	int ch, le;

	c->dlen = 0;
	c->nf = 0;
	c->err[0] = '\0';
	c->rec_line = c->line;
	ch = next_byte(c);
	if (ch == EOF)
		return 0;
	for (;;) {
		bool quoted = ch == '"';

		le = 0;
		start = c->dlen;
		if (quoted) {
			long opened = c->line;

			for (;;) {
				ch = next_byte(c);
				if (ch == EOF) {
					snprintf(c->err, sizeof c->err,
						 "a quoted field opened on line %ld is never closed (unterminated quote)",
						 opened);
					return -1;
				}
				if (ch == '"') {
					if (peek_byte(c) != '"')
						break;
					next_byte(c);
				} else if (ch == '\n') {
					c->line++;
				}
				if (add_byte(c, ch) != 0)
					goto too_long;
			}
			ch = next_byte(c);
		}
		while (ch != EOF && ch != ',' && (le = line_end(c, ch)) == 0) {
			if (quoted || ch == '"') {
				snprintf(c->err, sizeof c->err, quoted ?
					 "text after the closing quote of field %d" :
					 "a quote inside unquoted field %d (quote the whole field)",
					 c->nf + 1);
				skip_line(c);
				return 1;
			}
			if (add_byte(c, ch) != 0)
				goto too_long;
			ch = next_byte(c);
		}
		if (end_field(c, start, quoted) != 0)
			goto too_long;
		if (ch != ',')
			break;
		ch = next_byte(c);
	}
	c->eol = ch == EOF ? 0 : le;
	if (le == -1) {
		snprintf(c->err, sizeof c->err, "a carriage return without a newline after it");
		skip_line(c);
		return 1;
	}
	if (le > 0)
		c->line++;
	return 1;
too_long:
	snprintf(c->err, sizeof c->err, "a record longer than %zu MiB", MAX_RECORD >> 20);
	return -1;
}

static const char *field(const struct csv *c, int i)
{
	return c->data + c->off[i];
}

/* NULL: an unquoted empty field (PostgreSQL's CSV rule). */
static bool is_null(const struct csv *c, int i)
{
	return c->flen[i] == 0 && !c->quoted[i];
}

/* ---- checks ------------------------------------------------------------------ */

struct refs {
	char **code;
	size_t n;
};

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool refs_has(const struct refs *r, const char *v)
{
	return r->n > 0 && bsearch(&v, r->code, r->n, sizeof *r->code, str_cmp) != NULL;
}

static void refs_free(struct refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->code[i]);
	free(r->code);
	memset(r, 0, sizeof *r);
}

static int refs_load(PGconn *conn, const char *sql, struct refs *r)
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
	qsort(r->code, r->n, sizeof *r->code, str_cmp);
cleanup:
	PQclear(res);
	return rc;
}

static bool utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k;
		uint32_t cp;

		if (b == 0)
			return false;
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF) {
			k = 1;
			cp = b & 0x1F;
		} else if (b >= 0xE0 && b <= 0xEF) {
			k = 2;
			cp = b & 0x0F;
		} else if (b >= 0xF0 && b <= 0xF4) {
			k = 3;
			cp = b & 0x07;
		} else {
			return false;
		}
		if (i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

/* An integer of `bits` (32 or 64) bits: optional sign, digits only. */
static bool integer_ok(const char *s, int bits, bool *range)
{
	int64_t v;

	*range = false;
	if (*s == '+')
		s++;
	if (*s == '\0' || s[*s == '-'] == '\0' ||
	    strspn(s + (*s == '-'), "0123456789") != strlen(s + (*s == '-')))
		return false;
	if (pbr_parse_int64(s, &v) != 0 ||
	    (bits == 32 && (v < INT32_MIN || v > INT32_MAX))) {
		*range = true;
		return false;
	}
	return true;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool date_ok(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

static bool quarter_ok(const char *s)
{
	return strlen(s) == 6 && digits(s, 4) && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4';
}

static bool month_ok(const char *s)
{
	return strlen(s) == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) &&
	       atoi(s + 5) >= 1 && atoi(s + 5) <= 12;
}

/* A value as it may be shown: at most SHOW bytes, printable ASCII, the rest
 * as \xHH; never a whole 1 MB field. */
static const char *shown(const char *v, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && i < SHOW && o + 5 < size; i++) {
		unsigned char ch = (unsigned char)v[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", ch);
	}
	if (n > SHOW && o + 4 < size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = '\0';
	return buf;
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

struct checker {
	const struct feed *feed;
	struct refs cpas, contracts;
	int eol;                    /* the header's line end */
};

/* Appends one problem of the row to why. */
static void problem(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(char *why, size_t size, const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n + 3 >= size)
		return;
	if (n > 0) {
		memcpy(why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + n, size - n, fmt, ap);
	va_end(ap);
}

static void check_field(const struct checker *k, const struct csv *c, int i,
			char *why, size_t size)
{
	const struct column *col = &k->feed->cols[i];
	const char *v = field(c, i);
	char show[SHOW * 4 + 8];
	bool range;

	if (!utf8_ok((const unsigned char *)v, c->flen[i])) {
		problem(why, size, "%s is not valid UTF-8 (or holds a NUL byte)", col->name);
		return;
	}
	if (is_null(c, i)) {
		if (col->type == COL_KEY || col->type == COL_QUARTER ||
		    col->type == COL_MONTH || col->type == COL_CPA ||
		    col->type == COL_CONTRACT)
			problem(why, size, "%s is missing", col->name);
		return;
	}
	shown(v, c->flen[i], show, sizeof show);
	switch (col->type) {
	case COL_TEXT:
	case COL_NEEDS:
		break;
	case COL_KEY:
		if (c->flen[i] == 0)
			problem(why, size, "%s is empty", col->name);
		break;
	case COL_INT:
	case COL_BIGINT:
		if (!integer_ok(v, col->type == COL_INT ? 32 : 64, &range))
			problem(why, size, range ? "%s '%s' is out of range" :
				"%s '%s' is not an integer", col->name, show);
		break;
	case COL_DATE:
		if (!date_ok(v))
			problem(why, size, "%s '%s' is not a date YYYY-MM-DD", col->name, show);
		break;
	case COL_QUARTER:
		if (!quarter_ok(v))
			problem(why, size, "malformed %s '%s' (want YYYYQn, e.g. 2024Q1)", col->name, show);
		break;
	case COL_MONTH:
		if (!month_ok(v))
			problem(why, size, "malformed %s '%s' (want YYYY-MM)", col->name, show);
		break;
	case COL_CPA:
		if (!refs_has(&k->cpas, v))
			problem(why, size, "unknown CPA '%s'", show);
		break;
	case COL_CONTRACT:
		if (!refs_has(&k->contracts, v))
			problem(why, size, "unknown contract '%s'", show);
		break;
	}
}

/* Checks one data record; why is empty when it may be imported. */
static void check_record(const struct checker *k, const struct csv *c,
			 char *why, size_t size)
{
	why[0] = '\0';
	if (c->err[0]) {
		problem(why, size, "%s", c->err);
		return;
	}
	if (c->eol != 0 && c->eol != k->eol) {
		problem(why, size, "ends with %s where the header line ends with %s (mixed line ends)",
			c->eol == 2 ? "carriage return + newline" : "a bare newline",
			k->eol == 2 ? "carriage return + newline" : "a bare newline");
		return;
	}
	if (c->nf != k->feed->ncols) {
		problem(why, size, "%d column%s, expected %d", c->nf,
			c->nf == 1 ? "" : "s", k->feed->ncols);
		return;
	}
	for (int i = 0; i < c->nf; i++)
		check_field(k, c, i, why, size);
}

static int check_header(const struct feed *feed, struct csv *c,
			const char *path)
{
	char want[512];
	size_t n = 0;
	bool ok;
	int r = read_record(c);

	want[0] = '\0';
	for (int i = 0; i < feed->ncols; i++)
		n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", i ? "," : "",
				      feed->cols[i].name);
	if (c->io_error)
		return pbr_error(EX_IOERR, "%s: read error: %s", path, strerror(errno));
	if (r == 0)
		return pbr_error(EX_DATAERR, "%s: line 1: empty file, expected the header %s",
				 path, want);
	ok = r == 1 && c->err[0] == '\0' && c->nf == feed->ncols;
	for (int i = 0; ok && i < c->nf; i++)
		ok = strlen(field(c, i)) == c->flen[i] &&
		     strcmp(field(c, i), feed->cols[i].name) == 0;
	if (!ok)
		return pbr_error(EX_DATAERR, "%s: line 1: header must be exactly %s", path, want);
	return 0;
}

/* ---- COPY ----------------------------------------------------------------------- */

struct copy_out {
	PGconn *conn;
	char *buf;
	size_t len, cap;
	bool failed;
};

static void out_put(struct copy_out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		char *b;

		while (cap < o->len + n)
			cap *= 2;
		if ((b = realloc(o->buf, cap)) == NULL) {
			o->failed = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static int out_flush(struct copy_out *o)
{
	if (!o->failed && o->len > 0 &&
	    PQputCopyData(o->conn, o->buf, (int)o->len) != 1)
		o->failed = true;
	o->len = 0;
	return o->failed ? -1 : 0;
}

/* One row in COPY text format: tab-separated, \N for NULL, escapes. */
static void out_row(struct copy_out *o, const struct feed *feed,
		    const struct csv *c)
{
	for (int i = 0; i < c->nf; i++) {
		const char *v = field(c, i);

		if (i > 0)
			out_put(o, "\t", 1);
		if (is_null(c, i) && feed->cols[i].type != COL_NEEDS) {
			out_put(o, "\\N", 2);
			continue;
		}
		for (size_t j = 0; j < c->flen[i]; j++) {
			switch (v[j]) {
			case '\\': out_put(o, "\\\\", 2); break;
			case '\t': out_put(o, "\\t", 2); break;
			case '\n': out_put(o, "\\n", 2); break;
			case '\r': out_put(o, "\\r", 2); break;
			default: out_put(o, v + j, 1); break;
			}
		}
	}
	out_put(o, "\n", 1);
	if (o->len >= 65536)
		out_flush(o);
}

/* "col, col, ..." of the feed. */
static void column_list(const struct feed *feed, char *buf, size_t size)
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
static int start_copy(PGconn *conn, const struct feed *feed, const char *path)
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
static int move_rows(PGconn *conn, const struct feed *feed, const char *path)
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

	if (ok && out_flush(o) != 0)
		ok = false;
	if (PQputCopyEnd(o->conn, ok ? NULL : "refused by pbr-settle import") != 1)
		return pbr_error(EX_UNAVAILABLE, "%s: sending to the database: %s", path,
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
	const struct feed *feed;
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
	for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++)
		if (strcmp(argv[optind], feeds[i].kind) == 0)
			o->feed = &feeds[i];
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
static int scan(const struct import_opts *o, struct checker *k, struct csv *c,
		struct copy_out *out, int64_t *rows, int64_t *refused,
		char *first, size_t first_size)
{
	char why[640];
	int r;

	while ((r = read_record(c)) != 0) {
		if (r < 0) {
			refuse(o->path, refused, first, first_size, c->rec_line, c->err);
			break;
		}
		(*rows)++;
		check_record(k, c, why, sizeof why);
		if (why[0]) {
			refuse(o->path, refused, first, first_size, c->rec_line, why);
			continue;
		}
		if (*refused == 0 && !o->dry_run)
			out_row(out, k->feed, c);
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
		char name[SHOW * 4 + 8];

		rc = pbr_error(EX_DATAERR,
			       "%s was imported before: the same bytes (SHA-256 %.12s...) as %s feed '%s', %s rows, on %s by %s; nothing imported; --again imports it again",
			       o->path, sha, PQgetvalue(res, 0, 1),
			       shown(PQgetvalue(res, 0, 2), strlen(PQgetvalue(res, 0, 2)), name, sizeof name),
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

static int run_import(const struct import_opts *o, FILE *f)
{
	struct checker k;
	struct csv *c = calloc(1, sizeof *c);
	struct copy_out out;
	PGconn *conn = NULL;
	int64_t rows = 0, refused = 0;
	char sha[PBR_SHA256_HEX], first[700];
	bool in_tx = false, copying = false;
	int rc = 0;

	memset(&k, 0, sizeof k);
	memset(&out, 0, sizeof out);
	if (c == NULL || (c->sha = pbr_sha256_new()) == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	c->f = f;
	c->line = 1;
	k.feed = o->feed;
	rc = check_header(o->feed, c, o->path);
	if (rc != 0)
		goto cleanup;
	k.eol = c->eol ? c->eol : 1;
	if ((conn = pbr_db_connect()) == NULL) {
		rc = EX_UNAVAILABLE;
		goto cleanup;
	}
	if (pbr_db_exec(conn, "BEGIN", "BEGIN") != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	in_tx = true;
	if ((rc = refs_load(conn, "SELECT code FROM pbr.cpa", &k.cpas)) != 0 ||
	    (rc = refs_load(conn, "SELECT id FROM pbr.contract", &k.contracts)) != 0)
		goto cleanup;
	out.conn = conn;
	if (!o->dry_run) {
		if ((rc = start_copy(conn, o->feed, o->path)) != 0)
			goto cleanup;
		copying = true;
	}
	rc = scan(o, &k, c, &out, &rows, &refused, first, sizeof first);
	if (copying) {
		int erc = end_copy(&out, rc == 0 && refused == 0, o->path);

		copying = false;
		if (rc == 0 && refused == 0)
			rc = erc;
	}
	if (rc != 0)
		goto cleanup;
	if (refused > 0) {
		if (refused == 1)
			rc = pbr_error(EX_DATAERR, "%s: %s; nothing imported", o->path, first);
		else
			rc = pbr_error(EX_DATAERR, "%s: %" PRId64 " of %" PRId64 " rows refused (listed above); nothing imported",
				       o->path, refused, rows);
		goto cleanup;
	}
	if (pbr_sha256_final(c->sha, sha) != 0) {
		rc = pbr_error(EX_SOFTWARE, "SHA-256 failed");
		goto cleanup;
	}
	if ((rc = check_again(conn, o, sha)) != 0)
		goto cleanup;
	if (!o->dry_run && (rc = move_rows(conn, o->feed, o->path)) != 0)
		goto cleanup;
	if (o->dry_run) {
		printf("%s: %" PRId64 " rows checked, all would be imported into %s (dry run: nothing imported)\n",
		       o->path, rows, o->feed->table);
		goto cleanup;
	}
	if ((rc = log_import(conn, o, sha, rows)) != 0)
		goto cleanup;
	if (pbr_db_exec(conn, "COMMIT", "COMMIT") != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	in_tx = false;
	printf("imported %" PRId64 " rows from %s into %s (SHA-256 %s)\n", rows,
	       o->path, o->feed->table, sha);
cleanup:
	if (conn) {
		PGresult *res;

		if (copying)
			PQputCopyEnd(conn, "cancelled");
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		if (in_tx)
			PQclear(PQexec(conn, "ROLLBACK"));
		PQfinish(conn);
	}
	refs_free(&k.cpas);
	refs_free(&k.contracts);
	free(out.buf);
	if (c) {
		pbr_sha256_free(c->sha);
		free(c->data);
		free(c);
	}
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
