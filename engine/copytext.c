/*
 * copytext.c - COPY text row splitter (pure; fuzzed by tests/fuzz).
 */
#include "copytext.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the escape at line[*r] (just after the backslash). */
static int unescape(const char *line, size_t len, size_t *r)
{
	char c = line[*r];
	int v = 0, digits = 0;

	(*r)++;
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case 'x':
		while (digits < 2 && *r < len && hexval(line[*r]) >= 0) {
			v = v * 16 + hexval(line[(*r)++]);
			digits++;
		}
		return digits ? v : 'x';
	default:
		if (c >= '0' && c <= '7') {
			v = c - '0';
			while (++digits < 3 && *r < len && line[*r] >= '0' &&
			       line[*r] <= '7')
				v = v * 8 + (line[(*r)++] - '0');
			return v & 0xff;
		}
		return (unsigned char)c;
	}
}

int pbr_copy_split(char *line, size_t len, char **fields, int n)
{
	return pbr_copy_split_len(line, len, fields, NULL, n);
}

int pbr_copy_split_len(char *line, size_t len, char **fields, size_t *lens,
		       int n)
{
	size_t r = 0, w = 0, start = 0;
	int f = 0;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	for (;;) {
		/* one field: from r up to a tab or the end */
		int escaped = 0;

		start = w;
		if (r + 2 <= len && line[r] == '\\' && line[r + 1] == 'N' &&
		    (r + 2 == len || line[r + 2] == '\t')) {
			r += 2;
			escaped = -1;     /* NULL */
		}
		while (escaped >= 0 && r < len && line[r] != '\t') {
			int c;

			if (line[r] == '\\' && r + 1 < len) {
				r++;
				c = unescape(line, len, &r);
				if (c == 0)
					return -1;
			} else {
				c = (unsigned char)line[r++];
				if (c == 0)
					return -1;
			}
			line[w++] = (char)c;
		}
		if (f >= n)
			return -1;
		if (lens)
			lens[f] = escaped < 0 ? 0 : w - start;
		if (escaped < 0) {
			fields[f++] = NULL;
		} else {
			fields[f++] = line + start;
		}
		if (r >= len) {
			line[w] = '\0';
			break;
		}
		line[w++] = '\0';   /* the tab; w <= r always */
		r++;
	}
	return f == n ? 0 : -1;
}

/* Walks both virtual lines at once: a run of bytes inside the current field
 * of each side is compared with one memcmp; at a field's end the next byte
 * is the '|' separator, or the end of the line after the last field. */
int pbr_line_cmp(const char *const *a, const size_t *alen,
		 const char *const *b, const size_t *blen, int n)
{
	int i = 0, j = 0;
	size_t p = 0, q = 0;

	if (n <= 0)
		return 0;
	for (;;) {
		size_t ra = alen[i] - p, rb = blen[j] - q;
		size_t k = ra < rb ? ra : rb;
		int ca, cb;

		if (k > 0) {
			int c = memcmp(a[i] + p, b[j] + q, k);

			if (c != 0)
				return c < 0 ? -1 : 1;
			p += k;
			q += k;
			continue;
		}
		/* one side (at least) is at the end of its field */
		ca = ra > 0 ? (unsigned char)a[i][p] : i < n - 1 ? '|' : -1;
		cb = rb > 0 ? (unsigned char)b[j][q] : j < n - 1 ? '|' : -1;
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca < 0)
			return 0;
		if (ra > 0) {
			p++;
		} else {
			i++;
			p = 0;
		}
		if (rb > 0) {
			q++;
		} else {
			j++;
			q = 0;
		}
	}
}
