/*
 * import_csv.c - the reading half of `pbr-settle import` (SPEC 9), with no
 * database: the feeds' columns, a streaming CSV record reader (RFC 4180,
 * the way PostgreSQL reads CSV), the checks of every row, and a row
 * written as COPY text.  cmd_import.c drives it; tests/fuzz/fuzz_import.c
 * fuzzes it.  See import_csv.h.
 */
#include "import_csv.h"

#include "parse.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define SHOW PBR_IMPORT_SHOW
#define MAX_FIELDS PBR_CSV_MAX_FIELDS
#define MAX_RECORD PBR_CSV_MAX_RECORD

/* ---- the feeds ------------------------------------------------------------ */

static const struct pbr_column cohort_cols[] = {
	{ "offender_ref", PBR_COL_KEY },
	{ "cohort_quarter", PBR_COL_QUARTER },
	{ "cpa_code", PBR_COL_CPA },
	{ "pcc_code", PBR_COL_TEXT },
	{ "start_date", PBR_COL_DATE },
	{ "predicted_binary_ppm", PBR_COL_INT },
	{ "predicted_frequency_milli", PBR_COL_INT },
	{ "needs", PBR_COL_NEEDS },
	{ "reoffence_count", PBR_COL_INT },
	{ "outcome_status", PBR_COL_TEXT },
};

/* SPEC 11.1: the monthly returns (checked in full by a monthly run) */
static const struct pbr_column volume_cols[] = {
	{ "contract_id", PBR_COL_CONTRACT },
	{ "month", PBR_COL_MONTH },
	{ "band_code", PBR_COL_TEXT },
	{ "cases", PBR_COL_INT },
};

static const struct pbr_column kpi_cols[] = {
	{ "contract_id", PBR_COL_CONTRACT },
	{ "month", PBR_COL_MONTH },
	{ "kpi_code", PBR_COL_TEXT },
	{ "numerator", PBR_COL_BIGINT },
	{ "denominator", PBR_COL_BIGINT },
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct pbr_feed feeds[] = {
	{ "cohort", "pbr.cohort_member", cohort_cols, NCOLS(cohort_cols) },
	{ "volumes", "pbr.volume_return", volume_cols, NCOLS(volume_cols) },
	{ "kpis", "pbr.kpi_return", kpi_cols, NCOLS(kpi_cols) },
};

const struct pbr_feed *pbr_import_feed(const char *kind)
{
	const struct pbr_feed *found = NULL;

	for (size_t i = 0; i < sizeof feeds / sizeof feeds[0]; i++)
		if (strcmp(kind, feeds[i].kind) == 0)
			found = &feeds[i];
	return found;
}

/* ---- a streaming CSV record reader ---------------------------------------- */

static int next_byte(struct pbr_csv *c)
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
		if (c->chunk != NULL && c->chunk(c->chunk_ctx, c->buf, c->len) != 0)
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

static int peek_byte(struct pbr_csv *c)
{
	int ch = next_byte(c);

	if (ch != EOF)
		c->pos--;
	return ch;
}

static int add_byte(struct pbr_csv *c, int ch)
{
	if (c->dlen + 1 >= c->dcap) {
		size_t cap = c->dcap ? c->dcap * 2 : 4096;
		char *d;

		if (cap > MAX_RECORD + 2)
			return -1;
		d = realloc(c->data, cap);
		if (d == NULL) {
			c->oom = true;
			return -1;
		}
		c->data = d;
		c->dcap = cap;
	}
	c->data[c->dlen++] = (char)ch;
	return 0;
}

static int end_field(struct pbr_csv *c, size_t start, bool quoted)
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
static void skip_line(struct pbr_csv *c)
{
	int ch;

	while ((ch = next_byte(c)) != EOF && ch != '\n')
		;
	if (ch == '\n')
		c->line++;
}

/* A line end at ch: 1 LF, 2 CR LF, -1 a lone CR; 0 not a line end. */
static int line_end(struct pbr_csv *c, int ch)
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

int pbr_csv_read(struct pbr_csv *c)
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
	if (c->oom)
		snprintf(c->err, sizeof c->err, "out of memory");
	else
		snprintf(c->err, sizeof c->err, "a record longer than %zu MiB", MAX_RECORD >> 20);
	return -1;
}

const char *pbr_csv_field(const struct pbr_csv *c, int i)
{
	return c->data + c->off[i];
}

bool pbr_csv_is_null(const struct pbr_csv *c, int i)
{
	return c->flen[i] == 0 && !c->quoted[i];
}

/* ---- checks ------------------------------------------------------------------ */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void pbr_refs_sort(struct pbr_refs *r)
{
	if (r->n > 0)
		qsort(r->code, r->n, sizeof *r->code, str_cmp);
}

bool pbr_refs_has(const struct pbr_refs *r, const char *v)
{
	return r->n > 0 && bsearch(&v, r->code, r->n, sizeof *r->code, str_cmp) != NULL;
}

void pbr_refs_free(struct pbr_refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->code[i]);
	free(r->code);
	memset(r, 0, sizeof *r);
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

const char *pbr_import_shown(const char *v, size_t n, char *buf, size_t size)
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

static void check_field(const struct pbr_import_checker *k, const struct pbr_csv *c, int i,
			char *why, size_t size)
{
	const struct pbr_column *col = &k->feed->cols[i];
	const char *v = pbr_csv_field(c, i);
	char show[SHOW * 4 + 8];
	bool range;

	if (!utf8_ok((const unsigned char *)v, c->flen[i])) {
		problem(why, size, "%s is not valid UTF-8 (or holds a NUL byte)", col->name);
		return;
	}
	if (pbr_csv_is_null(c, i)) {
		if (col->type == PBR_COL_KEY || col->type == PBR_COL_QUARTER ||
		    col->type == PBR_COL_MONTH || col->type == PBR_COL_CPA ||
		    col->type == PBR_COL_CONTRACT)
			problem(why, size, "%s is missing", col->name);
		return;
	}
	pbr_import_shown(v, c->flen[i], show, sizeof show);
	switch (col->type) {
	case PBR_COL_TEXT:
	case PBR_COL_NEEDS:
		break;
	case PBR_COL_KEY:
		if (c->flen[i] == 0)
			problem(why, size, "%s is empty", col->name);
		break;
	case PBR_COL_INT:
	case PBR_COL_BIGINT:
		if (!integer_ok(v, col->type == PBR_COL_INT ? 32 : 64, &range))
			problem(why, size, range ? "%s '%s' is out of range" :
				"%s '%s' is not an integer", col->name, show);
		break;
	case PBR_COL_DATE:
		if (!date_ok(v))
			problem(why, size, "%s '%s' is not a date YYYY-MM-DD", col->name, show);
		break;
	case PBR_COL_QUARTER:
		if (!quarter_ok(v))
			problem(why, size, "malformed %s '%s' (want YYYYQn, e.g. 2024Q1)", col->name, show);
		break;
	case PBR_COL_MONTH:
		if (!month_ok(v))
			problem(why, size, "malformed %s '%s' (want YYYY-MM)", col->name, show);
		break;
	case PBR_COL_CPA:
		if (!pbr_refs_has(&k->cpas, v))
			problem(why, size, "unknown CPA '%s'", show);
		break;
	case PBR_COL_CONTRACT:
		if (!pbr_refs_has(&k->contracts, v))
			problem(why, size, "unknown contract '%s'", show);
		break;
	}
}

void pbr_import_check_record(const struct pbr_import_checker *k, const struct pbr_csv *c,
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

int pbr_import_check_header(const struct pbr_feed *feed, struct pbr_csv *c,
			const char *path)
{
	char want[512];
	size_t n = 0;
	bool ok;
	int r = pbr_csv_read(c);

	want[0] = '\0';
	for (int i = 0; i < feed->ncols; i++)
		n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", i ? "," : "",
				      feed->cols[i].name);
	if (c->io_error)
		return pbr_error(EX_IOERR, "%s: read error: %s", path, strerror(errno));
	if (c->oom)
		return pbr_error(EX_OSERR, "%s: out of memory", path);
	if (r == 0)
		return pbr_error(EX_DATAERR, "%s: line 1: empty file, expected the header %s",
				 path, want);
	ok = r == 1 && c->err[0] == '\0' && c->nf == feed->ncols;
	for (int i = 0; ok && i < c->nf; i++)
		ok = strlen(pbr_csv_field(c, i)) == c->flen[i] &&
		     strcmp(pbr_csv_field(c, i), feed->cols[i].name) == 0;
	if (!ok)
		return pbr_error(EX_DATAERR, "%s: line 1: header must be exactly %s", path, want);
	return 0;
}

/* ---- COPY text ----------------------------------------------------------------- */

static void out_put(struct pbr_copybuf *o, const char *s, size_t n)
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
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void pbr_import_copy_row(struct pbr_copybuf *o, const struct pbr_feed *feed,
			 const struct pbr_csv *c)
{
	for (int i = 0; i < c->nf; i++) {
		const char *v = pbr_csv_field(c, i);

		if (i > 0)
			out_put(o, "\t", 1);
		if (pbr_csv_is_null(c, i) && feed->cols[i].type != PBR_COL_NEEDS) {
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
}

