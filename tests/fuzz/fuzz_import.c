/*
 * fuzz_import.c - libFuzzer harness for the import's CSV reading
 * (engine/import_csv.c, as `pbr-settle import` drives it): the byte-order
 * mark, CR LF, quoting, line numbering, the header and the per-kind row
 * checks, and the COPY text a good row becomes.
 *
 * The first input byte picks the feed (cohort, volumes, kpis); the rest is
 * the file, held in a memfd and read through /proc/self/fd (the real
 * fopen/fread path).  Reference codes: CPAs N1, N2 and contracts NORTH,
 * SOUTH.  Checks:
 *   - records start on strictly increasing lines, from 2, no later than
 *     the file's last line; when the reader gives up (-1) it says why; a
 *     record that is not malformed has at least one field;
 *   - a row that passes has the feed's column count, and its COPY text
 *     row, read back by copytext.c (what PostgreSQL's COPY does), gives
 *     the same fields byte for byte: NULL for an unquoted empty field (an
 *     empty needs field is ''), no NUL byte, at most the record's bytes;
 *   - a refused row says why, within its buffer;
 *   - the file with a byte-order mark in front reads the same (the same
 *     records on the same lines, the same verdicts, the same COPY text);
 *   - a file with no CR, its every LF turned into CR LF, gives the same
 *     records on the same lines with the same pass or refuse.
 * PBR_FUZZ_VERBOSE=1 keeps the reader's messages.
 */
#include "copytext.h"
#include "import_csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static char *cpa_codes[] = { "N1", "N2" };
static char *contract_ids[] = { "NORTH", "SOUTH" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = memfd_create("import", 0);
	if (fd < 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (getenv("PBR_FUZZ_VERBOSE") == NULL) {
		stderr = fopen("/dev/null", "w");
		if (stderr == NULL)
			abort();
	}
	return 0;
}

/* records in a file of at most 8 192 bytes (an empty line is one) */
#define MAX_RECORDS 8200

/* What one read of a file gave: per record its line, verdict, COPY text. */
struct result {
	int header_rc;
	int n;
	long line[MAX_RECORDS];
	char passed[MAX_RECORDS];
	char *why[MAX_RECORDS];
	struct pbr_copybuf copy;     /* the good rows' COPY text, in order */
	bool stopped;                /* the reader gave up (-1) */
};

static void result_free(struct result *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->why[i]);
	free(r->copy.buf);
	memset(r, 0, sizeof *r);
}

/* The row's COPY text, read back by copytext.c, is the record's fields. */
static void check_copy(const struct pbr_feed *feed, const struct pbr_csv *c)
{
	struct pbr_copybuf one = { NULL, 0, 0, false };
	char *fields[PBR_CSV_MAX_FIELDS];
	size_t lens[PBR_CSV_MAX_FIELDS];

	pbr_import_copy_row(&one, feed, c);
	if (one.failed || one.len == 0 || one.buf[one.len - 1] != '\n')
		abort();
	if (memchr(one.buf, '\n', one.len) != one.buf + one.len - 1)
		abort();        /* one line: every newline of a field escaped */
	if (pbr_copy_split_len(one.buf, one.len, fields, lens, c->nf) != 0)
		abort();
	for (int i = 0; i < c->nf; i++) {
		bool null = pbr_csv_is_null(c, i) && feed->cols[i].type != PBR_COL_NEEDS;

		if (null != (fields[i] == NULL))
			abort();
		if (null)
			continue;
		if (lens[i] != c->flen[i] || memcmp(fields[i], pbr_csv_field(c, i), lens[i]) != 0)
			abort();
	}
	free(one.buf);
}

static void read_file(const struct pbr_feed *feed, const uint8_t *data, size_t size,
		      struct result *r)
{
	struct pbr_import_checker k;
	struct pbr_csv *c = calloc(1, sizeof *c);
	long lines = 1;
	FILE *f;
	int got;

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (c == NULL || ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	f = fopen(path, "rb");
	if (f == NULL)
		abort();
	c->f = f;
	c->line = 1;
	memset(&k, 0, sizeof k);
	k.feed = feed;
	k.cpas.code = cpa_codes;
	k.cpas.n = 2;
	k.contracts.code = contract_ids;
	k.contracts.n = 2;
	r->header_rc = pbr_import_check_header(feed, c, path);
	if (r->header_rc != 0)
		goto done;
	k.eol = c->eol ? c->eol : 1;
	while ((got = pbr_csv_read(c)) != 0) {
		char why[640];
		long prev = r->n ? r->line[r->n - 1] : 1;

		if (r->stopped || r->n == MAX_RECORDS)
			abort();
		if (c->rec_line <= prev || c->rec_line > lines)
			abort();
		r->line[r->n] = c->rec_line;
		if (got < 0) {
			if (c->err[0] == '\0')
				abort();
			r->stopped = true;      /* as the import does: no more */
			r->why[r->n++] = strdup(c->err);
			break;
		}
		if (c->nf < 1 && c->err[0] == '\0')
			abort();        /* a record has a field, unless malformed */
		pbr_import_check_record(&k, c, why, sizeof why);
		if (strlen(why) >= sizeof why)
			abort();
		r->passed[r->n] = why[0] == '\0';
		r->why[r->n++] = strdup(why);
		if (why[0] != '\0')
			continue;
		if (c->nf != feed->ncols || c->err[0] != '\0')
			abort();
		check_copy(feed, c);
		pbr_import_copy_row(&r->copy, feed, c);
	}
	if (c->io_error)
		abort();
done:
	fclose(f);
	free(c->data);
	free(c);
}

static void same(const struct result *a, const struct result *b, bool verdicts)
{
	if (a->header_rc != b->header_rc || a->n != b->n || a->stopped != b->stopped)
		abort();
	for (int i = 0; i < a->n; i++) {
		if (a->line[i] != b->line[i] || a->passed[i] != b->passed[i])
			abort();
		if (verdicts && strcmp(a->why[i], b->why[i]) != 0)
			abort();
	}
	if (verdicts && (a->copy.len != b->copy.len ||
			 (a->copy.len > 0 && memcmp(a->copy.buf, b->copy.buf, a->copy.len) != 0)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = { "cohort", "volumes", "kpis" };
	static struct result a, b;      /* large: not on the stack */
	const struct pbr_feed *feed;
	uint8_t *alt;
	size_t n = 0;

	if (size < 1 || size > 8192)
		return 0;
	feed = pbr_import_feed(kinds[data[0] % 3]);
	if (feed == NULL)
		abort();
	data++;
	size--;
	read_file(feed, data, size, &a);
	alt = malloc(2 * size + 3);
	if (alt == NULL)
		abort();
	/* a byte-order mark in front changes nothing */
	if (size < 3 || memcmp(data, "\xEF\xBB\xBF", 3) != 0) {
		memcpy(alt, "\xEF\xBB\xBF", 3);
		if (size > 0)
			memcpy(alt + 3, data, size);
		read_file(feed, alt, size + 3, &b);
		same(&a, &b, true);
		result_free(&b);
	}
	/* LF -> CR LF in a file without CR: the same records and verdicts */
	if (size == 0 || memchr(data, '\r', size) == NULL) {
		for (size_t i = 0; i < size; i++) {
			if (data[i] == '\n')
				alt[n++] = '\r';
			alt[n++] = data[i];
		}
		read_file(feed, alt, n, &b);
		same(&a, &b, false);
		result_free(&b);
	}
	free(alt);
	result_free(&a);
	return 0;
}
