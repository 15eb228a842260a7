/*
 * aggregates.c - the cohort as the database sums it for a login that may
 * read no offender row (migration 0009), and the annex figures that tie
 * the annex file to those sums.
 */
#include "aggregates.h"
#include "db.h"
#include "digest.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pbr_aggregates_wanted(PGconn *conn, bool *use)
{
	PGresult *res = pbr_db_query(conn, "checking what this login may read",
		"SELECT NOT has_table_privilege(c.oid, 'SELECT')"
		" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = 'pbr' AND c.relname = 'cohort_member'", 0, NULL);

	if (res == NULL)
		return pbr_db_failure_code(conn);
	*use = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

/* A whole non-negative decimal of at most 38 digits. */
static int parse_u128(const char *s, unsigned __int128 *out)
{
	unsigned __int128 v = 0;
	int digits = 0;

	for (; *s; s++, digits++) {
		if (*s < '0' || *s > '9' || digits >= 38)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return digits > 0 ? 0 : -1;
}

/* One row of sums: n, W, Eb, Ab, Ef, Af in columns 2..7 and V in 8. */
static int parse_sums(const PGresult *res, int row, struct pbr_sums *s,
		      unsigned __int128 *V)
{
	int64_t *f[6] = { &s->n, &s->W, &s->Eb, &s->Ab, &s->Ef, &s->Af };

	for (int c = 0; c < 6; c++)
		if (pbr_parse_int64(PQgetvalue(res, row, 2 + c), f[c]) != 0)
			return -1;
	/* V < 2^127: 10^12 * 2.5 * 10^11 per member and at most 2^63
	 * members' worth of W */
	if (parse_u128(PQgetvalue(res, row, 8), V) != 0 ||
	    *V > (((unsigned __int128)1 << 126) - 1))
		return -1;
	s->V = (__int128)*V;
	return 0;
}

static int status_index(const char *name)
{
	for (int i = 0; i < PBR_NSTATUS; i++)
		if (strcmp(name, pbr_status_name((enum pbr_status)i)) == 0)
			return i;
	return -1;
}

static int area_index(const struct pbr_statement *s, const char *code)
{
	for (size_t i = 0; i < s->n_areas; i++)
		if (strcmp(s->areas[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* The 'contract' row: the CPA and the tariff the database used must be
 * the ones the engine settles under. */
static int check_contract_row(const PGresult *res, int i, const struct pbr_statement *s)
{
	const char *code = PQgetvalue(res, i, 1), *tariff = PQgetvalue(res, i, 9);

	if (strcmp(code, s->cpa_code) != 0 || strcmp(tariff, s->tariff.version) != 0)
		return pbr_error(EX_SOFTWARE, "the database's aggregates are for CPA %s under tariff %s, not %s under %s",
				 code, tariff, s->cpa_code, s->tariff.version);
	return 0;
}

/* A 'total', 'area' or 'band' row: the sums of the accepted members. */
static int take_sums(const PGresult *res, int i, const struct pbr_statement *s,
		     struct pbr_cohort_result *out)
{
	const char *kind = PQgetvalue(res, i, 0), *code = PQgetvalue(res, i, 1);
	unsigned __int128 V = 0;
	struct pbr_sums sums;
	int at;

	memset(&sums, 0, sizeof sums);
	if (parse_sums(res, i, &sums, &V) != 0)
		return pbr_error(EX_DATAERR, "cohort %s of contract %s: a sum of the %s %s does not fit 64 bits",
				 s->cohort, s->contract_id, kind, code);
	if (kind[0] == 't') {
		out->total = sums;
	} else if (kind[0] == 'a') {
		at = area_index(s, code);
		if (at < 0)
			return pbr_error(EX_SOFTWARE, "the database's aggregates name PCC area '%s', not one of CPA %s",
					 code, s->cpa_code);
		out->area[at] = sums;
	} else {
		at = strcmp(code, "0") == 0 ? 0 : strcmp(code, "1-2") == 0 ? 1 :
		     strcmp(code, "3+") == 0 ? 2 : -1;
		if (at < 0)
			return pbr_error(EX_SOFTWARE, "the database's aggregates name needs band '%s'", code);
		out->band[at] = sums;
	}
	return 0;
}

/* A 'status' row (rows of one status) or the 'rows' row (every row, and
 * those whose outcome is not final). */
static int take_counts(const PGresult *res, int i, struct pbr_cohort_result *out)
{
	const char *kind = PQgetvalue(res, i, 0), *code = PQgetvalue(res, i, 1);
	int64_t n;
	int at;

	if (strcmp(kind, "rows") == 0) {
		if (pbr_parse_int64(PQgetvalue(res, i, 2), &out->rows) != 0 ||
		    pbr_parse_int64(PQgetvalue(res, i, 3), &out->not_final) != 0)
			return pbr_error(EX_SOFTWARE, "the database's row counts are unreadable");
		return 0;
	}
	at = status_index(code);
	if (at < 0 || pbr_parse_int64(PQgetvalue(res, i, 2), &n) != 0)
		return pbr_error(EX_SOFTWARE, "the database's aggregates name status '%s'", code);
	out->count[at] = n;
	if (at != PBR_ACCEPTED)
		out->rejected += n;
	return 0;
}

/* An 'input' or 'annex' row: a SHA-256 in hex, into dst[65]. */
static int take_digest(const PGresult *res, int i, char *dst)
{
	if (strlen(PQgetvalue(res, i, 9)) != 64)
		return pbr_error(EX_SOFTWARE, "the database's %s digest is unreadable",
				 PQgetvalue(res, i, 0));
	memcpy(dst, PQgetvalue(res, i, 9), 65);
	return 0;
}

int pbr_aggregates_read(PGconn *conn, const struct pbr_statement *s,
			const struct pbr_rules *rules, void *arg,
			struct pbr_cohort_result *out)
{
	struct pbr_aggregates *agg = arg;
	const char *params[2] = { s->contract_id, s->cohort };
	PGresult *res = pbr_db_query(conn, "reading the cohort's aggregates (pbr.cohort_aggregates)",
		"SELECT kind, code, n, w, eb, ab, ef, af, v, info"
		" FROM pbr.cohort_aggregates($1, $2)", 2, params);
	bool have_contract = false, have_input = false, have_annex = false;
	int rc = 0;

	(void)rules;
	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		const char *kind = PQgetvalue(res, i, 0);

		if (strcmp(kind, "contract") == 0) {
			rc = check_contract_row(res, i, s);
			have_contract = true;
		} else if (strcmp(kind, "total") == 0 || strcmp(kind, "area") == 0 ||
			   strcmp(kind, "band") == 0) {
			rc = take_sums(res, i, s, out);
		} else if (strcmp(kind, "status") == 0 || strcmp(kind, "rows") == 0) {
			rc = take_counts(res, i, out);
		} else if (strcmp(kind, "input") == 0) {
			rc = take_digest(res, i, out->input_digest);
			have_input = true;
		} else if (strcmp(kind, "annex") == 0) {
			rc = take_digest(res, i, agg->annex_figures);
			have_annex = true;
		}
	}
	if (rc == 0 && !(have_contract && have_input && have_annex))
		rc = pbr_error(EX_DATAERR, "pbr.cohort_aggregates gave nothing for cohort %s of contract %s",
			       s->cohort, s->contract_id);
	PQclear(res);
	return rc;
}

/* ---- the annex file ----------------------------------------------------- */

#define ANNEX_FIELDS 10
#define FIELD_MAX 4096

static const char annex_header[ANNEX_FIELDS][32] = {
	"offender_ref", "pcc_code", "weight_bp", "p", "y", "f", "r",
	"binary_contribution", "frequency_contribution", "status",
};

struct csv {
	FILE *f;
	char field[ANNEX_FIELDS][FIELD_MAX];
	int nfields;
	int64_t line;
};

/* Reads one record (RFC 4180: quoted fields may hold commas, quotes and
 * line ends).  Returns 1 with a record, 0 at the end, -1 malformed. */
static int csv_record(struct csv *c)
{
	int ch, quoted = 0, at_start = 1;
	size_t len = 0;

	c->nfields = 0;
	c->line++;
	ch = getc(c->f);
	if (ch == EOF)
		return 0;
	for (;; ch = getc(c->f)) {
		if (quoted) {
			if (ch == EOF)
				return -1;
			if (ch == '"') {
				ch = getc(c->f);
				if (ch != '"') {
					quoted = 0;
					ungetc(ch, c->f);
					continue;
				}
			}
		} else if (ch == '"' && at_start) {
			quoted = 1;
			at_start = 0;
			continue;
		} else if (ch == ',' || ch == '\n' || ch == EOF) {
			if (c->nfields >= ANNEX_FIELDS)
				return -1;
			c->field[c->nfields++][len] = '\0';
			len = 0;
			at_start = 1;
			if (ch == ',')
				continue;
			return ch == '\n' ? 1 : -1;   /* every record ends with \n */
		}
		at_start = 0;
		if (len + 1 >= FIELD_MAX || c->nfields >= ANNEX_FIELDS)
			return -1;
		c->field[c->nfields][len++] = (char)ch;
	}
}

/* A number cell; a leading apostrophe (spreadsheet neutralisation) is
 * not part of the number. */
static int cell_int(const char *s, int64_t *v)
{
	return pbr_parse_int64(s[0] == '\'' ? s + 1 : s, v);
}

static const char *cell_raw(const char *s)
{
	int64_t v;

	return s[0] == '\'' && cell_int(s, &v) == 0 ? s + 1 : s;
}

/* A text cell as it was before the annex neutralised it against
 * spreadsheet formulas (csv.c: an apostrophe before a first byte of
 * = + - @ tab CR or apostrophe). */
static const char *unneutralised(const char *s)
{
	return s[0] == '\'' && s[1] != '\0' && strchr("=+-@\t\r'", s[1]) ? s + 1 : s;
}

/* Reading one annex file: where, against which statement, into what. */
struct annex_read {
	const char *path;
	const struct pbr_statement *s;
	struct csv *c;
	struct pbr_sums *area_sums;
	int64_t *outside;
	char *msg;
	size_t msg_size;
};

static int annex_fault(struct annex_read *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Says what is wrong in a->msg; returns -1. */
static int annex_fault(struct annex_read *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, a->msg_size, fmt, ap);
	va_end(ap);
	return -1;
}

static int annex_header_ok(struct annex_read *a)
{
	struct csv *c = a->c;

	if (csv_record(c) != 1 || c->nfields != ANNEX_FIELDS)
		return annex_fault(a, "%s: line 1 is not the annex header", a->path);
	for (int i = 0; i < ANNEX_FIELDS; i++)
		if (strcmp(c->field[i], annex_header[i]) != 0)
			return annex_fault(a, "%s: line 1 is not the annex header", a->path);
	return 0;
}

/* An ACCEPTED line: its figures in range, its contributions what SPEC 5
 * makes of them, added to its PCC area's sums; its digest line in
 * line[size], *n its length as snprintf gives it.  Returns 0, or -1. */
static int accepted_figures(struct annex_read *a, char *line, size_t size, int *n)
{
	struct csv *c = a->c;
	int64_t w, p, y, f, r, bc, fc;
	struct pbr_member m;
	int at;

	if (cell_int(c->field[2], &w) || cell_int(c->field[3], &p) ||
	    cell_int(c->field[4], &y) || cell_int(c->field[5], &f) ||
	    cell_int(c->field[6], &r) || cell_int(c->field[7], &bc) ||
	    cell_int(c->field[8], &fc) || w < PBR_BP || w > 100 * PBR_BP ||
	    p < 0 || p > PBR_PPM || f < 0 || f > PBR_PPM || r < 0 ||
	    r > PBR_MAX_REOFFENCES || y != (r >= 1))
		return annex_fault(a, "%s: record %" PRId64 " (ACCEPTED) has a figure out of range or y not (r >= 1)",
				   a->path, c->line);
	memset(&m, 0, sizeof m);
	m.weight_bp = w;
	m.p = p;
	m.y = y;
	m.f = f;
	m.r = r;
	if (bc != pbr_binary_contribution(&m) || fc != pbr_frequency_contribution(&m))
		return annex_fault(a, "%s: record %" PRId64 ": a contribution is not w*(p - y*10^6) or w*(f - r*1000)",
				   a->path, c->line);
	at = area_index(a->s, unneutralised(c->field[1]));
	if (at < 0)
		(*a->outside)++;
	else if (pbr_sums_add(&a->area_sums[at], &m) != 0)
		return annex_fault(a, "%s: the sums of area %s overflow", a->path, c->field[1]);
	*n = snprintf(line, size, "%" PRId64 "|%" PRId64 "|%" PRId64 "|%" PRId64
		      "|%" PRId64 "|ACCEPTED\n", w, p, y, f, r);
	return 0;
}

/* A rejected line: a known reject code and no figures of a member; its
 * digest line (the raw p, f, r) in line[size], *n its length.  Returns 0,
 * or -1. */
static int rejected_figures(struct annex_read *a, char *line, size_t size, int *n)
{
	struct csv *c = a->c;
	const char *st = c->field[9];

	if (status_index(st) <= 0 || c->field[2][0] || c->field[4][0] ||
	    c->field[7][0] || c->field[8][0])
		return annex_fault(a, "%s: record %" PRId64 ": unknown status '%.40s' or figures on a rejected row",
				   a->path, c->line, st);
	*n = snprintf(line, size, "|%s||%s|%s|%s\n", cell_raw(c->field[3]),
		      cell_raw(c->field[5]), cell_raw(c->field[6]), st);
	return 0;
}

/* Every record after the header, into the digest sha. */
static int annex_records(struct annex_read *a, struct pbr_sha256 *sha)
{
	struct csv *c = a->c;
	char line[3 * FIELD_MAX];
	int got, n = 0;

	while ((got = csv_record(c)) == 1) {
		if (c->nfields != ANNEX_FIELDS)
			return annex_fault(a, "%s: record %" PRId64 " has %d fields, not %d",
					   a->path, c->line, c->nfields, ANNEX_FIELDS);
		if (strcmp(c->field[9], "ACCEPTED") == 0 ?
		    accepted_figures(a, line, sizeof line, &n) != 0 :
		    rejected_figures(a, line, sizeof line, &n) != 0)
			return -1;
		if (n < 0 || (size_t)n >= sizeof line || pbr_sha256_update(sha, line, (size_t)n) != 0)
			return annex_fault(a, "%s: record %" PRId64 " too long", a->path, c->line);
	}
	if (got < 0 || ferror(c->f))
		return annex_fault(a, "%s: record %" PRId64 " is not well-formed CSV", a->path, c->line);
	return 0;
}

int pbr_annex_figures(const char *path, const struct pbr_statement *s,
		      char hex[65], struct pbr_sums *area_sums, int64_t *outside,
		      char *msg, size_t msg_size)
{
	struct annex_read a = { .path = path, .s = s, .area_sums = area_sums,
				.outside = outside, .msg = msg, .msg_size = msg_size };
	struct pbr_sha256 *sha = pbr_sha256_new();
	int rc = -1;

	*outside = 0;
	a.c = calloc(1, sizeof *a.c);
	if (a.c == NULL || sha == NULL) {
		snprintf(msg, msg_size, "out of memory");
		goto cleanup;
	}
	a.c->f = fopen(path, "r");
	if (a.c->f == NULL) {
		snprintf(msg, msg_size, "cannot open %s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (annex_header_ok(&a) != 0 || annex_records(&a, sha) != 0)
		goto cleanup;
	if (pbr_sha256_final(sha, hex) != 0) {
		snprintf(msg, msg_size, "SHA-256 failed");
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (a.c && a.c->f)
		fclose(a.c->f);
	free(a.c);
	pbr_sha256_free(sha);
	return rc;
}
