/*
 * cu_copytext.c - pbr_copy_split on COPY text rows worked by hand, and
 * pbr_line_cmp: two rows compared as the input digest's
 * lines (SPEC 7), against the plain definition: join the fields with '|'
 * (NULL as empty) and compare the bytes, a proper prefix first.
 */
#include "copytext.h"
#include "suites.h"

#include <stdlib.h>
#include <string.h>

/* The definition, by building both lines. */
static int ref_cmp(const char *const *a, const char *const *b, int n)
{
	char la[256], lb[256];
	size_t na = 0, nb = 0, k;
	int c;

	for (int f = 0; f < n; f++) {
		if (f > 0) {
			la[na++] = '|';
			lb[nb++] = '|';
		}
		if (a[f]) {
			memcpy(la + na, a[f], strlen(a[f]));
			na += strlen(a[f]);
		}
		if (b[f]) {
			memcpy(lb + nb, b[f], strlen(b[f]));
			nb += strlen(b[f]);
		}
	}
	k = na < nb ? na : nb;
	c = memcmp(la, lb, k);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return na < nb ? -1 : na > nb ? 1 : 0;
}

static int sign(int v)
{
	return v < 0 ? -1 : v > 0;
}

static int line_cmp(const char *const *a, const char *const *b, int n)
{
	size_t la[8], lb[8];

	for (int f = 0; f < n; f++) {
		la[f] = a[f] ? strlen(a[f]) : 0;
		lb[f] = b[f] ? strlen(b[f]) : 0;
	}
	return sign(pbr_line_cmp(a, la, b, lb, n));
}

static void test_line_cmp_cases(void)
{
	/* SPEC 7's own example in tests 160: a NULL pcc_code sorts after 'U1'
	 * because the separator '|' (0x7c) follows 'U' (0x55). */
	const char *u1[] = { "N01", "2024Q1", "U1", "2024-02-11" };
	const char *nul[] = { "N01", "2024Q1", NULL, "2024-02-11" };
	/* a field holding '|' against the same bytes split differently */
	const char *p1[] = { "P", "1|2", "3" };
	const char *p2[] = { "P|1", "2", "3" };
	/* digits: "10" < "2", "100|" < "10|" */
	const char *r2[] = { "X", "2" }, *r10[] = { "X", "10" }, *r100[] = { "X", "100" };
	/* a proper prefix first; a control byte before the separator */
	const char *s1[] = { "A", "" }, *s2[] = { "A", "\x01" }, *s3[] = { "A\x01", "" };
	const char *hi[] = { "A", "\xff" }, *lo[] = { "A", "~" };

	CHECK_I64(line_cmp(u1, nul, 4), -1);
	CHECK_I64(line_cmp(nul, u1, 4), 1);
	CHECK_I64(line_cmp(u1, u1, 4), 0);
	CHECK_I64(line_cmp(p1, p2, 3), 0);
	CHECK_I64(line_cmp(r10, r2, 2), -1);
	CHECK_I64(line_cmp(r100, r10, 2), 1);
	CHECK_I64(line_cmp(s1, s2, 2), -1);
	CHECK_I64(line_cmp(s3, s2, 2), -1);   /* "A\x01|" < "A|\x01" */
	CHECK_I64(line_cmp(lo, hi, 2), -1);   /* bytes are unsigned */
	CHECK_I64(pbr_line_cmp(NULL, NULL, NULL, NULL, 0), 0);
}

/* 200 000 random pairs over an alphabet that makes ties and separators
 * likely: the comparison agrees with the definition every time. */
static void test_line_cmp_random(void)
{
	static const char alphabet[] = { 'A', 'B', '|', '0', '\x01', '\xfe' };
	char buf[2][4][8];
	const char *row[2][4];
	unsigned seed = 12345;
	int bad = 0;

	for (int t = 0; t < 200000; t++) {
		for (int r = 0; r < 2; r++)
			for (int f = 0; f < 4; f++) {
				int len;

				seed = seed * 1103515245u + 12345u;
				len = (int)((seed >> 16) % 5) - 1;   /* -1 = NULL */
				if (len < 0) {
					row[r][f] = NULL;
					continue;
				}
				for (int i = 0; i < len; i++) {
					seed = seed * 1103515245u + 12345u;
					buf[r][f][i] = alphabet[(seed >> 16) % sizeof alphabet];
				}
				buf[r][f][len] = '\0';
				row[r][f] = buf[r][f];
			}
		if (line_cmp(row[0], row[1], 4) != ref_cmp(row[0], row[1], 4))
			bad++;
	}
	CHECK_I64(bad, 0);
}

/* ---- pbr_copy_split: PostgreSQL's COPY text format, worked by hand ---- */

/* Splits text (a C string, or len bytes when len > 0) into n fields;
 * returns the splitter's result, fields and lengths in f[] and l[]. */
static int split(char *buf, const char *text, size_t len, int n, char **f, size_t *l)
{
	if (len == 0)
		len = strlen(text);
	memcpy(buf, text, len);
	buf[len] = '\0';
	return pbr_copy_split_len(buf, len, f, l, n);
}

static void test_split_plain_and_null(void)
{
	char buf[64], *f[4];
	size_t l[4];

	CHECK_I64(split(buf, "a\tbc\t\n", 0, 3, f, l), 0);
	CHECK_STR(f[0], "a");
	CHECK_STR(f[1], "bc");
	CHECK_STR(f[2], "");                 /* empty, not NULL */
	CHECK_I64(l[1], 2);
	CHECK_I64(split(buf, "\\N\tx", 0, 2, f, l), 0);
	CHECK_TRUE(f[0] == NULL);
	CHECK_I64(l[0], 0);
	CHECK_STR(f[1], "x");
	CHECK_I64(split(buf, "\\N\n", 0, 1, f, l), 0);
	CHECK_TRUE(f[0] == NULL);
	/* \N with more after it is not NULL: \N unescapes to N */
	CHECK_I64(split(buf, "\\Nx\t\\N", 0, 2, f, l), 0);
	CHECK_STR(f[0], "Nx");
	CHECK_TRUE(f[1] == NULL);
	CHECK_I64(split(buf, "", 0, 1, f, l), 0);
	CHECK_STR(f[0], "");
	CHECK_I64(split(buf, "\n", 0, 1, f, l), 0);
	CHECK_STR(f[0], "");
}

static void test_split_escapes(void)
{
	char buf[64], *f[4];
	size_t l[4];

	CHECK_I64(split(buf, "\\b\\f\\n\\r\\t\\v\\\\\\q", 0, 1, f, l), 0);
	CHECK_STR(f[0], "\b\f\n\r\t\v\\q");
	CHECK_I64(l[0], 8);
	/* an escaped tab stays inside its field */
	CHECK_I64(split(buf, "a\\tb\tc", 0, 2, f, l), 0);
	CHECK_STR(f[0], "a\tb");
	CHECK_STR(f[1], "c");
	/* octal: at most three digits; \0101 is \010 then '1'; \777 keeps 8 bits */
	CHECK_I64(split(buf, "\\101\\7\\0101\\777", 0, 1, f, l), 0);
	CHECK_STR(f[0], "A\a\b1\xff");
	/* hex: at most two digits; \x with none is a plain x */
	CHECK_I64(split(buf, "\\x41\\x4g\\xz\\x4a1", 0, 1, f, l), 0);
	CHECK_STR(f[0], "A\x04gxzJ1");
	/* a backslash that ends the line is itself */
	CHECK_I64(split(buf, "ab\\", 0, 1, f, l), 0);
	CHECK_STR(f[0], "ab\\");
	CHECK_I64(split(buf, "ab\\\n", 0, 1, f, l), 0);
	CHECK_STR(f[0], "ab\\");
}

/* hexval's every class of byte, and the escapes' end-of-line edges */
static void test_split_escape_edges(void)
{
	char buf[64], *f[4];
	size_t l[4];

	/* \x then: '/' (below '0'), ':' (between '9' and 'A'), 'G' (past 'F'),
	 * 'g' (past 'f'): none is a hex digit, so each \x is a plain x */
	CHECK_I64(split(buf, "\\x/\\x:\\xG\\xg", 0, 1, f, l), 0);
	CHECK_STR(f[0], "x/x:xGxg");
	/* upper-case hex digits; one digit then the end of the line */
	CHECK_I64(split(buf, "\\xFf\\xA", 0, 1, f, l), 0);
	CHECK_STR(f[0], "\xff\x0a");
	CHECK_I64(l[0], 2);
	/* \x at the very end: a plain x */
	CHECK_I64(split(buf, "a\\x", 0, 1, f, l), 0);
	CHECK_STR(f[0], "ax");
	/* octal stops at a non-octal digit ('8', '/') and at the line's end */
	CHECK_I64(split(buf, "\\18\\2/\\3", 0, 1, f, l), 0);
	CHECK_STR(f[0], "\0018\002/\003");
	CHECK_I64(l[0], 5);
	/* \8 and \/ are not escapes of anything: the byte itself */
	CHECK_I64(split(buf, "\\8\\/", 0, 1, f, l), 0);
	CHECK_STR(f[0], "8/");
}

static void test_split_refused(void)
{
	char buf[64], *f[4];
	size_t l[4];

	CHECK_I64(split(buf, "a\tb", 0, 3, f, l), -1);        /* too few */
	CHECK_I64(split(buf, "a\tb\tc\td", 0, 3, f, l), -1);  /* too many */
	CHECK_I64(split(buf, "a\\0", 0, 1, f, l), -1);        /* escapes to NUL */
	CHECK_I64(split(buf, "a\\x00", 0, 1, f, l), -1);
	CHECK_I64(split(buf, "\\000b", 0, 1, f, l), -1);
	CHECK_I64(split(buf, "a\0b", 3, 1, f, l), -1);        /* a raw NUL */
	/* pbr_copy_split is the same without lengths */
	memcpy(buf, "x\t\\N", 5);
	CHECK_I64(pbr_copy_split(buf, 4, f, 2), 0);
	CHECK_STR(f[0], "x");
	CHECK_TRUE(f[1] == NULL);
}

static const struct cu_test copytext_tests[] = {
	T_ENTRY(test_line_cmp_cases),
	T_ENTRY(test_line_cmp_random),
	T_ENTRY(test_split_plain_and_null),
	T_ENTRY(test_split_escapes),
	T_ENTRY(test_split_escape_edges),
	T_ENTRY(test_split_refused),
	T_END
};

int cu_copytext_register(void)
{
	return cu_add_suite("copytext: COPY rows and the digest line order", copytext_tests);
}
