/*
 * fuzz_copytext.c - libFuzzer harness for pbr_copy_split (engine/copytext.c).
 *
 * Input: byte 0 picks the field count n (1..16), the rest is one COPY text
 * row.  The row is copied into a malloc'd buffer of exactly len+1 bytes (the
 * parser writes in place and may write the terminating NUL at line[len]),
 * so ASan catches any write past it.  The result is compared with an
 * independent reference decoder that writes into separate buffers.
 */
#include "copytext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXF 16

struct ref_field {
	int is_null;
	size_t len;
	unsigned char *buf;
};

static int hexdig(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reference: returns the number of fields, or -1 on a NUL (raw or escaped).
 * Fields beyond MAXF+1 are not stored but still counted. */
static int ref_split(const unsigned char *s, size_t len, struct ref_field *f,
		     unsigned char *store)
{
	size_t i = 0, out = 0;
	int nf = 0;

	if (len > 0 && s[len - 1] == '\n')
		len--;
	for (;;) {
		size_t start = i;
		struct ref_field cur = { 0, 0, store + out };

		/* find the raw end of this field: a tab not escaped */
		size_t end = start;
		while (end < len && s[end] != '\t') {
			if (s[end] == '\\' && end + 1 < len)
				end += 2;
			else
				end++;
		}
		if (end - start == 2 && s[start] == '\\' && s[start + 1] == 'N') {
			cur.is_null = 1;
		} else {
			size_t k = start;
			while (k < end) {
				unsigned c = s[k];
				if (c == '\\' && k + 1 < end) {
					unsigned e = s[k + 1];
					k += 2;
					switch (e) {
					case 'b': c = 8; break;
					case 'f': c = 12; break;
					case 'n': c = 10; break;
					case 'r': c = 13; break;
					case 't': c = 9; break;
					case 'v': c = 11; break;
					case 'x': {
						int d = 0;
						unsigned v = 0;
						while (d < 2 && k < end && hexdig(s[k]) >= 0) {
							v = v * 16 + (unsigned)hexdig(s[k++]);
							d++;
						}
						c = d ? v : 'x';
						break;
					}
					default:
						if (e >= '0' && e <= '7') {
							unsigned v = e - '0';
							int d = 1;
							while (d < 3 && k < end && s[k] >= '0' && s[k] <= '7') {
								v = v * 8 + (s[k++] - '0');
								d++;
							}
							c = v & 0xff;
						} else {
							c = e;
						}
					}
				} else {
					k++;
				}
				if (c == 0)
					return -1;
				store[out++] = (unsigned char)c;
				cur.len++;
			}
		}
		if (nf < MAXF + 1)
			f[nf] = cur;
		nf++;
		if (end >= len)
			break;
		i = end + 1;
	}
	return nf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, *fields[MAXF + 1];
	struct ref_field ref[MAXF + 1];
	unsigned char *store;
	size_t len;
	int n, rc, nf;

	if (size < 1)
		return 0;
	n = 1 + data[0] % MAXF;
	data++;
	len = size - 1;
	line = malloc(len + 1);
	store = malloc(len + 1);
	if (line == NULL || store == NULL)
		abort();
	memcpy(line, data, len);
	for (int i = 0; i <= MAXF; i++)
		fields[i] = (char *)1;   /* poison: must be overwritten */

	rc = pbr_copy_split(line, len, fields, n);
	nf = ref_split(data, len, ref, store);

	if (rc != 0 && rc != -1)
		abort();
	if (rc == 0) {
		/* the reference must agree: n fields, no NUL */
		if (nf != n)
			abort();
		for (int i = 0; i < n; i++) {
			if (ref[i].is_null) {
				if (fields[i] != NULL)
					abort();
				continue;
			}
			if (fields[i] == NULL || fields[i] < line ||
			    fields[i] > line + len)
				abort();
			if (strlen(fields[i]) != ref[i].len ||
			    memcmp(fields[i], ref[i].buf, ref[i].len) != 0)
				abort();
			if (i > 0 && fields[i - 1] && fields[i] <= fields[i - 1])
				abort();
		}
	} else {
		/* rejected: the row has a NUL, or not n fields */
		if (nf == n && memchr(data, 0, len) == NULL)
			abort();
	}
	free(line);
	free(store);
	return 0;
}
