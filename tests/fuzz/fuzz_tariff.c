/*
 * fuzz_tariff.c - libFuzzer harness for the draft-tariff reader
 * (pbr_tariff_file_read, engine/tariff_file.c): the file a commissioner
 * types for `pbr-settle simulate`.
 *
 * The input is the file (held in a memfd, read through /proc/self/fd, so
 * the real fopen/getline path runs).  Checks:
 *   - the result is 0 or 65 (EX_DATAERR); on 65 the struct is all zero;
 *   - on 0: a version of 1..64 token bytes and a description of at most
 *     1000 bytes, both present; the six tariff figures in the ranges of
 *     tariff_file.h; at most PBR_MAX_NEEDS uplifts, need codes of 1..32
 *     token bytes, strictly ascending bytewise, each 0..1000000 bp, each
 *     named in the input, on a line no later than the last;
 *   - the same file with two comment/blank lines in front and every bare
 *     LF turned into CRLF reads the same (or fails the same), uplift
 *     line numbers two higher.
 * PBR_FUZZ_VERBOSE=1 keeps the reader's messages.
 */
#include "tariff_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = memfd_create("tariff", 0);
	if (fd < 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	/* every rejected file prints one line: keep them off the log
	 * (sanitizer reports write to fd 2 directly, not through stderr) */
	if (getenv("PBR_FUZZ_VERBOSE") == NULL) {
		stderr = fopen("/dev/null", "w");
		if (stderr == NULL)
			abort();
	}
	return 0;
}

static void put(const void *buf, size_t len)
{
	if (ftruncate(fd, 0) != 0 || (len > 0 && pwrite(fd, buf, len, 0) != (ssize_t)len))
		abort();
}

static int read_tariff(const void *buf, size_t len, struct pbr_tariff_file *t)
{
	int rc;

	put(buf, len);
	rc = pbr_tariff_file_read(path, t);
	if (rc != 0) {
		static const struct pbr_tariff_file zero;

		if (rc != 65)
			abort();          /* 66 cannot open, 71 out of memory */
		if (memcmp(t, &zero, sizeof zero) != 0)
			abort();          /* freed and zeroed on failure */
	}
	return rc;
}

static bool token(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static bool in(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

static void check(const struct pbr_tariff_file *t, const uint8_t *data, size_t size)
{
	const struct pbr_tariff_def *s = &t->def;
	int lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (s->version == NULL || !token(s->version, PBR_TARIFF_VERSION_MAX))
		abort();
	if (s->description == NULL || strlen(s->description) > 1000)
		abort();
	if (!in(s->terms.binary_price_pence, 0, INT64_MAX) ||
	    !in(s->terms.frequency_price_pence, 0, INT64_MAX) ||
	    !in(s->terms.binary_hurdle_ppm, 0, PBR_PPM) ||
	    !in(s->terms.cohort_cap_pence, 0, INT64_MAX) ||
	    !in(s->terms.max_weight_bp, PBR_BP, 100 * PBR_BP) ||
	    !in(s->terms.max_reject_ppm, 0, PBR_PPM))
		abort();
	if (s->n_uplifts > PBR_MAX_NEEDS)
		abort();
	for (size_t i = 0; i < s->n_uplifts; i++) {
		const char *need = s->uplifts[i].need;

		if (!token(need, PBR_CODE_MAX) || !in(s->uplifts[i].bp, 0, 100 * PBR_BP))
			abort();
		if (i > 0 && strcmp(s->uplifts[i - 1].need, need) >= 0)
			abort();
		if (memmem(data, size, need, strlen(need)) == NULL)
			abort();
		if (t->uplift_line[i] < 1 || t->uplift_line[i] > lines)
			abort();
	}
}

static void same(const struct pbr_tariff_file *a, const struct pbr_tariff_file *b)
{
	if (memcmp(&a->def.terms, &b->def.terms, sizeof a->def.terms) != 0 ||
	    strcmp(a->def.version, b->def.version) != 0 ||
	    strcmp(a->def.description, b->def.description) != 0 ||
	    a->def.n_uplifts != b->def.n_uplifts ||
	    memcmp(a->def.uplifts, b->def.uplifts, sizeof a->def.uplifts) != 0)
		abort();
	for (size_t i = 0; i < a->def.n_uplifts; i++)
		if (b->uplift_line[i] != a->uplift_line[i] + 2)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "# a draft\n\n";
	struct pbr_tariff_file a, b;
	uint8_t *crlf;
	size_t n = sizeof head - 1;
	int ra, rb;

	ra = read_tariff(data, size, &a);
	if (ra == 0)
		check(&a, data, size);

	/* the same file, two lines lower and with CRLF line ends */
	crlf = malloc(sizeof head + 2 * size);
	if (crlf == NULL)
		abort();
	memcpy(crlf, head, n);
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			crlf[n++] = '\r';
		crlf[n++] = data[i];
	}
	rb = read_tariff(crlf, n, &b);
	free(crlf);
	if (ra != rb)
		abort();
	if (ra == 0) {
		same(&a, &b);
		pbr_tariff_file_free(&a);
		pbr_tariff_file_free(&b);
	}
	return 0;
}
