/*
 * cohort.c - the streaming path: COPY rows -> validate -> accumulate ->
 * annex + digests.  The server hands the rows over ordered by offender_ref
 * bytewise only, so rows sharing an offender_ref arrive together and the
 * DUPLICATE rule needs only the current group in memory.  The rest of the
 * digest order (SPEC 7: then by the whole line, bytewise) is settled here,
 * inside the group, instead of by a per-row sort key on the server.
 */
#include "cohort.h"
#include "copytext.h"
#include "csv.h"
#include "db.h"
#include "digest.h"
#include "faults.h"
#include "progress.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { F_REF, F_QUARTER, F_PCC, F_DATE, F_P, F_F, F_NEEDS, F_R, F_STATUS,
       NFIELDS };

static const char annex_header[] =
	"offender_ref,pcc_code,weight_bp,p,y,f,r,binary_contribution,"
	"frequency_contribution,status\n";

/* Rows of one offender_ref, kept until the next offender_ref starts. */
struct group {
	char *arena;
	size_t used, cap;
	size_t n, rows_cap;
	size_t *field_off;          /* NFIELDS per row; SIZE_MAX for NULL */
	size_t *field_len;          /* NFIELDS per row */
	struct pbr_member *member;
	enum pbr_status *status;
	size_t *ord, *tmp;          /* the rows in digest order; merge scratch */
};

/* The annex and both digests, with one buffer in front of the file. */
struct sink {
	FILE *annex;
	const char *annex_name;
	struct pbr_sha256 *annex_sha, *input_sha;
	char buf[1 << 16];
	size_t len;
	char dbuf[1 << 16];          /* input digest lines */
	size_t dlen;
	int failed;
	int write_errno;
};

struct reader {
	const struct pbr_rules *rules;
	struct pbr_cohort_result *out;
	struct group g;
	struct sink sink;
	int64_t unreported;         /* rows read, not yet told to progress.c */
	int rc;
};

/* ---- annex sink --------------------------------------------------------- */

static void sink_flush(struct sink *s)
{
	if (s->len == 0)
		return;
	if (pbr_sha256_update(s->annex_sha, s->buf, s->len) != 0)
		s->failed = 1;
	if (s->annex && fwrite(s->buf, 1, s->len, s->annex) != s->len) {
		if (!s->failed)
			s->write_errno = errno;
		s->failed = 1;
	}
	s->len = 0;
}

static void sink_put(struct sink *s, const char *p, size_t n)
{
	while (n > 0) {
		size_t room = sizeof s->buf - s->len, k = n < room ? n : room;

		memcpy(s->buf + s->len, p, k);
		s->len += k;
		p += k;
		n -= k;
		if (s->len == sizeof s->buf)
			sink_flush(s);
	}
}

static void sink_char(struct sink *s, char c)
{
	if (s->len == sizeof s->buf)
		sink_flush(s);
	s->buf[s->len++] = c;
}

static void sink_put_cb(void *ctx, const char *p, size_t n)
{
	sink_put(ctx, p, n);
}

/* A CSV text field of len bytes, quoted and neutralised by the engine's
 * one rule (csv.h: RFC 4180, OWASP CSV injection). */
static void sink_csv(struct sink *s, const char *v, size_t len)
{
	pbr_csv_text(v, len, sink_put_cb, s);
}

/* A raw integer column (digits and a sign, never text): as it came. */
static void sink_raw(struct sink *s, const char *v, size_t len)
{
	if (v != NULL)
		sink_put(s, v, len);
}

static void sink_int(struct sink *s, int64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	while (a >= 100) {
		unsigned d = (unsigned)(a % 100) * 2;
		a /= 100;
		*--p = pairs[d + 1];
		*--p = pairs[d];
	}
	if (a >= 10) {
		unsigned d = (unsigned)a * 2;
		*--p = pairs[d + 1];
		*--p = pairs[d];
	} else {
		*--p = (char)('0' + a);
	}
	if (v < 0)
		*--p = '-';
	sink_put(s, p, (size_t)(tmp + sizeof tmp - p));
}

/* ---- group -------------------------------------------------------------- */

static int group_reserve(struct group *g, size_t bytes)
{
	if (g->n == g->rows_cap) {
		size_t cap = g->rows_cap ? 2 * g->rows_cap : 16;
		size_t *fo = realloc(g->field_off, cap * NFIELDS * sizeof *fo);
		struct pbr_member *m;
		enum pbr_status *st;

		if (fo == NULL)
			return -1;
		g->field_off = fo;
		fo = realloc(g->field_len, cap * NFIELDS * sizeof *fo);
		if (fo == NULL)
			return -1;
		g->field_len = fo;
		m = realloc(g->member, cap * sizeof *m);
		if (m == NULL)
			return -1;
		g->member = m;
		st = realloc(g->status, cap * sizeof *st);
		if (st == NULL)
			return -1;
		g->status = st;
		fo = realloc(g->ord, cap * sizeof *fo);
		if (fo == NULL)
			return -1;
		g->ord = fo;
		fo = realloc(g->tmp, cap * sizeof *fo);
		if (fo == NULL)
			return -1;
		g->tmp = fo;
		g->rows_cap = cap;
	}
	if (g->used + bytes > g->cap) {
		size_t cap = g->cap ? g->cap : 4096;
		char *a;

		while (cap < g->used + bytes)
			cap *= 2;
		a = realloc(g->arena, cap);
		if (a == NULL)
			return -1;
		g->arena = a;
		g->cap = cap;
	}
	return 0;
}

static const char *gfield(const struct group *g, size_t row, int f)
{
	size_t off = g->field_off[row * NFIELDS + f];

	return off == SIZE_MAX ? NULL : g->arena + off;
}

static size_t glen(const struct group *g, size_t row, int f)
{
	return g->field_len[row * NFIELDS + f];
}

/* Copies a split row (fields point into line, len bytes) into the group. */
static int group_add(struct group *g, char *line, size_t len, char **fields,
		     const size_t *lens)
{
	size_t base = g->used;

	if (group_reserve(g, len + 1) != 0)
		return -1;
	memcpy(g->arena + base, line, len + 1);
	for (int f = 0; f < NFIELDS; f++) {
		g->field_off[g->n * NFIELDS + f] =
			fields[f] ? base + (size_t)(fields[f] - line) : SIZE_MAX;
		g->field_len[g->n * NFIELDS + f] = lens[f];
	}
	g->used += len + 1;
	g->n++;
	return 0;
}

/* Rows x and y of the group compared as their input digest lines. */
static int row_cmp(const struct group *g, size_t x, size_t y)
{
	const char *fx[NFIELDS], *fy[NFIELDS];

	for (int f = 0; f < NFIELDS; f++) {
		fx[f] = gfield(g, x, f);
		fy[f] = gfield(g, y, f);
	}
	return pbr_line_cmp(fx, g->field_len + x * NFIELDS, fy,
			    g->field_len + y * NFIELDS, NFIELDS);
}

/* g->ord[] = the group's rows in digest order (SPEC 7: by the whole line,
 * bytewise; they share offender_ref).  A bottom-up merge sort: n log n
 * even for a hostile group of a million same-ref rows, no recursion, and
 * nothing to do for the usual group of one row. */
static void group_order(struct group *g)
{
	size_t n = g->n, *a = g->ord, *b = g->tmp;

	for (size_t i = 0; i < n; i++)
		a[i] = i;
	for (size_t w = 1; w < n; w *= 2) {
		size_t *t;

		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = row_cmp(g, a[j], a[i]) < 0 ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		t = a;
		a = b;
		b = t;
	}
	if (a != g->ord)
		memcpy(g->ord, a, n * sizeof *a);
}

/* ---- parsing a row ------------------------------------------------------ */

static int parse_num(const char *s, bool *has, int64_t *v)
{
	*has = false;
	*v = 0;
	if (s == NULL)
		return 0;
	if (pbr_parse_int64(s, v) != 0)
		return -1;
	*has = true;
	return 0;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD" (DateStyle ISO).  Anything else (BC, 5-digit years) is a
 * date outside every cohort quarter. */
static void parse_date(const char *s, struct pbr_row *row)
{
	row->has_start_date = s != NULL;
	row->start_year = 0;
	row->start_month = 1;
	row->start_day = 1;
	if (s && strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    digits(s, 4) >= 0 && digits(s + 5, 2) >= 1 &&
	    digits(s + 5, 2) <= 12 && digits(s + 8, 2) >= 1) {
		row->start_year = digits(s, 4);
		row->start_month = digits(s + 5, 2);
		row->start_day = digits(s + 8, 2);
	}
}

static int make_row(const struct group *g, size_t i, struct pbr_row *row)
{
	row->offender_ref = gfield(g, i, F_REF);
	row->cohort_quarter = gfield(g, i, F_QUARTER);
	row->pcc_code = gfield(g, i, F_PCC);
	parse_date(gfield(g, i, F_DATE), row);
	row->needs = gfield(g, i, F_NEEDS) ? gfield(g, i, F_NEEDS) : "";
	row->outcome_status = gfield(g, i, F_STATUS);
	if (parse_num(gfield(g, i, F_P), &row->has_p, &row->p) != 0 ||
	    parse_num(gfield(g, i, F_F), &row->has_f, &row->f) != 0 ||
	    parse_num(gfield(g, i, F_R), &row->has_r, &row->r) != 0)
		return -1;
	return 0;
}

/* ---- one group through validation, sums, digest and annex --------------- */

/* The input digest's line (SPEC 7), gathered in a buffer: one SHA-256
 * update per 64 KiB instead of nineteen per row. */
static void digest_flush(struct sink *s)
{
	if (s->dlen > 0 && pbr_sha256_update(s->input_sha, s->dbuf, s->dlen) != 0)
		s->failed = 1;
	s->dlen = 0;
}

static void digest_put(struct sink *s, const char *p, size_t n)
{
	if (s->dlen + n > sizeof s->dbuf) {
		digest_flush(s);
		if (n > sizeof s->dbuf) {
			if (pbr_sha256_update(s->input_sha, p, n) != 0)
				s->failed = 1;
			return;
		}
	}
	memcpy(s->dbuf + s->dlen, p, n);
	s->dlen += n;
}

static void digest_row(struct reader *rd, size_t i)
{
	struct group *g = &rd->g;
	struct sink *s = &rd->sink;

	for (int f = 0; f < NFIELDS; f++) {
		const char *v = gfield(g, i, f);

		if (f > 0)
			digest_put(s, "|", 1);
		if (v)
			digest_put(s, v, glen(g, i, f));
	}
	digest_put(s, "\n", 1);
}

static void annex_row(struct reader *rd, size_t i)
{
	const struct group *g = &rd->g;
	const struct pbr_member *m = &g->member[i];
	struct sink *s = &rd->sink;
	enum pbr_status st = g->status[i];

	sink_csv(s, gfield(g, i, F_REF), glen(g, i, F_REF));
	sink_char(s, ',');
	sink_csv(s, gfield(g, i, F_PCC), glen(g, i, F_PCC));
	sink_char(s, ',');
	if (st == PBR_ACCEPTED) {
		sink_int(s, m->weight_bp);
		sink_char(s, ',');
		sink_int(s, m->p);
		sink_char(s, ',');
		sink_int(s, m->y);
		sink_char(s, ',');
		sink_int(s, m->f);
		sink_char(s, ',');
		sink_int(s, m->r);
		sink_char(s, ',');
		sink_int(s, pbr_binary_contribution(m));
		sink_char(s, ',');
		sink_int(s, pbr_frequency_contribution(m));
		sink_char(s, ',');
	} else {
		sink_char(s, ',');
		sink_raw(s, gfield(g, i, F_P), glen(g, i, F_P));
		sink_put(s, ",,", 2);
		sink_raw(s, gfield(g, i, F_F), glen(g, i, F_F));
		sink_char(s, ',');
		sink_raw(s, gfield(g, i, F_R), glen(g, i, F_R));
		sink_put(s, ",,,", 3);
	}
	sink_put(s, pbr_status_name(st), strlen(pbr_status_name(st)));
	sink_char(s, '\n');
}

static int flush_group(struct reader *rd)
{
	struct group *g = &rd->g;
	struct pbr_cohort_result *out = rd->out;

	for (size_t i = 0; i < g->n; i++) {
		struct pbr_row row;
		const char *st;

		if (make_row(g, i, &row) != 0)
			return pbr_error(EX_SOFTWARE, "unreadable number in the row of %s",
					 row.offender_ref);
		st = row.outcome_status;
		if (st == NULL || strcmp(st, "final") != 0)
			out->not_final++;
		memset(&g->member[i], 0, sizeof g->member[i]);
		g->status[i] = pbr_validate_row(rd->rules, &row, &g->member[i]);
	}
	pbr_dedup_group(g->member, g->status, g->n);
	group_order(g);
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->ord[k];
		const struct pbr_member *m = &g->member[i];

		out->rows++;
		out->count[g->status[i]]++;
		if (g->status[i] == PBR_ACCEPTED) {
			if (pbr_sums_add(&out->total, m) != 0 ||
			    pbr_sums_add(&out->area[m->pcc_index], m) != 0 ||
			    pbr_sums_add(&out->band[pbr_needs_band(m->needs_distinct)], m) != 0 ||
			    (out->area_band &&
			     pbr_sums_add(&out->area_band[(size_t)m->pcc_index * PBR_NBANDS +
							  (size_t)pbr_needs_band(m->needs_distinct)], m) != 0))
				return pbr_error(EX_DATAERR, "cohort sums overflow 64 bits at offender %s",
						 gfield(g, i, F_REF));
			} else {
			out->rejected++;
		}
		digest_row(rd, i);
		annex_row(rd, i);
		PBR_FAULT("rows");
	}
	rd->unreported += (int64_t)g->n;
	if (rd->unreported >= 8192) {
		pbr_progress_rows(rd->unreported);
		rd->unreported = 0;
	}
	g->n = 0;
	g->used = 0;
	return 0;
}

/* One split row (fields point into line, len bytes) into the current group,
 * or into a new one after the current group is flushed. */
static int take_split(struct reader *rd, char *line, size_t len, char **fields,
		      const size_t *lens)
{
	struct group *g = &rd->g;

	if (g->n > 0) {
		int c = strcmp(gfield(g, 0, F_REF), fields[F_REF]);

		/* The group rule and the digest rely on the server's order: a
		 * ref out of bytewise order (a server or foreign table whose
		 * offender_ref is not compared as COLLATE "C") fails the run
		 * instead of splitting a group. */
		if (c > 0)
			return pbr_error(EX_SOFTWARE,
					 "the server returned offender_ref %.40s after %.40s: not in bytewise (COLLATE \"C\") order",
					 fields[F_REF], gfield(g, 0, F_REF));
		if (c < 0) {
			int rc = flush_group(rd);
			if (rc != 0)
				return rc;
		}
	}
	/* The unescaped row lies within the len + 1 bytes of line. */
	if (group_add(g, line, len, fields, lens) != 0)
		return pbr_error(EX_OSERR, "out of memory");
	return 0;
}

/* ---- reading: two ordered streams, merged by offender_ref ---------------- */

/*
 * A cohort is read as two COPY streams, both ordered by offender_ref
 * bytewise:
 *   - the rows whose text columns fit a btree index entry (all of them in
 *     practice): migration 0010's covering partial index hands them over
 *     in order, an index-only scan with no sort;
 *   - the others (a 1 MB needs list or offender_ref in a loose feed),
 *     found through their own small partial index and sorted by the server.
 * The oversized stream is read first into a temporary file (nothing when
 * it is empty) and merged with the main stream as that arrives.  ROW_FITS
 * must be the predicate of both indexes of migration 0010, word for word
 * in meaning, or the planner cannot use them (the rows still come out
 * right, only slower).  No COALESCE or CASE in it: postgres_fdw (15)
 * would not ship them, and the filter would run locally.
 */
#define ROW_FITS \
	"octet_length(offender_ref) + octet_length(cohort_quarter)" \
	" + octet_length(cpa_code) + octet_length(needs) <= 1000" \
	" AND (pcc_code IS NULL OR octet_length(pcc_code) <= 500)" \
	" AND (outcome_status IS NULL OR octet_length(outcome_status) <= 500)"

char *pbr_cohort_copy_sql(PGconn *conn, const char *cpa_code,
			  const char *cohort_quarter, int oversized)
{
	static const char fmt[] =
		"COPY (SELECT offender_ref, cohort_quarter, pcc_code, start_date,"
		" predicted_binary_ppm, predicted_frequency_milli, needs,"
		" reoffence_count, outcome_status"
		" FROM pbr.cohort_member WHERE cpa_code = %s AND cohort_quarter = %s"
		" AND %s(" ROW_FITS ")"
		" ORDER BY offender_ref COLLATE \"C\") TO STDOUT";
	char *cpa = PQescapeLiteral(conn, cpa_code, strlen(cpa_code));
	char *q = PQescapeLiteral(conn, cohort_quarter, strlen(cohort_quarter));
	char *sql = NULL;

	if (cpa && q) {
		size_t n = sizeof fmt + strlen(cpa) + strlen(q) + 4;
		sql = malloc(n);
		if (sql)
			snprintf(sql, n, fmt, cpa, q, oversized ? "NOT " : "");
	}
	PQfreemem(cpa);
	PQfreemem(q);
	return sql;
}

/* The oversized rows, spooled to a temporary file, one COPY line each. */
struct spool {
	FILE *f;
	char *line;                 /* the pending row, split */
	size_t cap;
	size_t len;
	char *fields[NFIELDS];
	size_t lens[NFIELDS];
	int pending;
};

/* Reads the next spooled row into sp (pending = 0 at the end). */
static int spool_next(struct spool *sp)
{
	ssize_t n;

	sp->pending = 0;
	if (sp->f == NULL)
		return 0;
	n = getline(&sp->line, &sp->cap, sp->f);
	if (n < 0) {
		if (ferror(sp->f))
			return pbr_error(EX_IOERR, "reading the spooled cohort rows: %s",
					 strerror(errno));
		return 0;
	}
	sp->len = (size_t)n;
	if (pbr_copy_split_len(sp->line, sp->len, sp->fields, sp->lens, NFIELDS) != 0 ||
	    sp->fields[F_REF] == NULL)
		return pbr_error(EX_SOFTWARE, "malformed COPY row from the server");
	sp->pending = 1;
	return 0;
}

/* Hands over every spooled row whose offender_ref sorts before ref (all of
 * them when ref is NULL). */
static int spool_drain(struct reader *rd, struct spool *sp, const char *ref)
{
	int rc = 0;

	while (rc == 0 && sp->pending &&
	       (ref == NULL || strcmp(sp->fields[F_REF], ref) < 0)) {
		rc = take_split(rd, sp->line, sp->len, sp->fields, sp->lens);
		if (rc == 0)
			rc = spool_next(sp);
	}
	return rc;
}

static int take_row(struct reader *rd, struct spool *sp, char *line, size_t len)
{
	char *fields[NFIELDS];
	size_t lens[NFIELDS];
	int rc;

	if (pbr_copy_split_len(line, len, fields, lens, NFIELDS) != 0 || fields[F_REF] == NULL)
		return pbr_error(EX_SOFTWARE, "malformed COPY row from the server");
	if ((rc = spool_drain(rd, sp, fields[F_REF])) != 0)
		return rc;
	return take_split(rd, line, len, fields, lens);
}

/* Runs one COPY statement; every row goes to take_row, or to the spool
 * file when sp->f is being written (spooling). */
static int copy_stream(PGconn *conn, struct reader *rd, struct spool *sp,
		       const char *sql, int spooling, const char *what)
{
	PGresult *res = PQexec(conn, sql);
	char *buf = NULL;
	int n, rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = pbr_error(pbr_db_failure_code(conn), "reading %s: %s", what,
			       pbr_db_message(conn));
		PQclear(res);
		return rc;
	}
	PQclear(res);
	while ((n = PQgetCopyData(conn, &buf, 0)) > 0) {
		if (rc == 0 && spooling) {
			if (sp->f == NULL && (sp->f = tmpfile()) == NULL)
				rc = pbr_error(EX_CANTCREAT, "cannot create a temporary file for %s: %s",
					       what, strerror(errno));
			else if (fwrite(buf, 1, (size_t)n, sp->f) != (size_t)n)
				rc = pbr_error(EX_IOERR, "cannot spool %s: %s", what, strerror(errno));
		} else if (rc == 0) {
			rc = take_row(rd, sp, buf, (size_t)n);
		}
		PQfreemem(buf);
		buf = NULL;
	}
	if (n == -2 && rc == 0)
		rc = pbr_error(pbr_db_failure_code(conn), "reading %s: %s", what,
			       pbr_db_message(conn));
	res = PQgetResult(conn);
	if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pbr_error(pbr_db_failure_code(conn), "reading %s: %s", what,
			       pbr_db_message(conn));
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
	return rc;
}

int pbr_cohort_read(PGconn *conn, const char *cpa_code,
		    const struct pbr_rules *rules, FILE *annex,
		    const char *annex_name, struct pbr_cohort_result *out)
{
	struct reader *rd = calloc(1, sizeof *rd);
	struct spool sp;
	char quarter[8], what[64];
	char *big_sql = NULL, *sql = NULL;
	int rc = 0;

	memset(&sp, 0, sizeof sp);
	if (rd == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	rd->rules = rules;
	rd->out = out;
	rd->sink.annex = annex;
	rd->sink.annex_name = annex_name;
	rd->sink.annex_sha = pbr_sha256_new();
	rd->sink.input_sha = pbr_sha256_new();
	pbr_quarter_format(rules->cohort_quarter, quarter);
	snprintf(what, sizeof what, "cohort %s of %.32s", quarter, cpa_code);
	big_sql = pbr_cohort_copy_sql(conn, cpa_code, quarter, 1);
	sql = pbr_cohort_copy_sql(conn, cpa_code, quarter, 0);
	if (!rd->sink.annex_sha || !rd->sink.input_sha || !big_sql || !sql) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	sink_put(&rd->sink, annex_header, sizeof annex_header - 1);
	if ((rc = copy_stream(conn, rd, &sp, big_sql, 1, what)) != 0)
		goto cleanup;
	if (sp.f != NULL) {
		if (fflush(sp.f) != 0 || fseek(sp.f, 0, SEEK_SET) != 0) {
			rc = pbr_error(EX_IOERR, "cannot spool %s: %s", what, strerror(errno));
			goto cleanup;
		}
		if ((rc = spool_next(&sp)) != 0)
			goto cleanup;
	}
	if ((rc = copy_stream(conn, rd, &sp, sql, 0, what)) != 0 ||
	    (rc = spool_drain(rd, &sp, NULL)) != 0)
		goto cleanup;
	if (rd->g.n > 0 && (rc = flush_group(rd)) != 0)
		goto cleanup;
	pbr_progress_rows(rd->unreported);
	sink_flush(&rd->sink);
	digest_flush(&rd->sink);
	if (rd->sink.failed) {
		rc = pbr_error(EX_IOERR, "cannot write the annex %s: %s", annex_name,
			       rd->sink.write_errno ? strerror(rd->sink.write_errno) : "I/O error");
		goto cleanup;
	}
	if (pbr_sha256_final(rd->sink.input_sha, out->input_digest) != 0 ||
	    pbr_sha256_final(rd->sink.annex_sha, out->annex_digest) != 0)
		rc = pbr_error(EX_SOFTWARE, "SHA-256 failed");
cleanup:
	if (sp.f)
		fclose(sp.f);
	free(sp.line);
	free(big_sql);
	free(sql);
	pbr_sha256_free(rd->sink.annex_sha);
	pbr_sha256_free(rd->sink.input_sha);
	free(rd->g.arena);
	free(rd->g.field_off);
	free(rd->g.field_len);
	free(rd->g.member);
	free(rd->g.status);
	free(rd->g.ord);
	free(rd->g.tmp);
	free(rd);
	return rc;
}
