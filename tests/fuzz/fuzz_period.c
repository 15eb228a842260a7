/*
 * fuzz_period.c - libFuzzer harness for the small parsers of core.c and
 * util.c: pbr_quarter_parse / pbr_quarter_format (round trip),
 * pbr_contract_id_ok, pbr_parse_int64 (against strtoll) and
 * pbr_format_pounds.  The input, up to its first NUL, is the string.
 */
#include "core.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ref_contract_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* ^-?[0-9]+$ and within int64 */
static int ref_int64(const char *s, int64_t *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	long long v;
	char *end;

	if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *s = malloc(n + 1), buf[8], back[40];
	int q = -12345, rc;
	int64_t v = 0, rv = 0;

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';

	/* quarters: a parse succeeds only for exactly YYYYQn, year >= 1000,
	 * and formats back to the same text */
	rc = pbr_quarter_parse(s, &q);
	if (rc == 0) {
		if (q < 1000 * 4 || q > 9999 * 4 + 3 || n != 6)
			abort();
		memset(buf, 'x', sizeof buf);
		pbr_quarter_format(q, buf);
		if (strcmp(buf, s) != 0)
			abort();
		if (pbr_quarter_of_date(q / 4, (q % 4) * 3 + 1) != q ||
		    pbr_quarter_of_date(q / 4, (q % 4) * 3 + 3) != q)
			abort();
	} else {
		if (rc != -1 || q != -12345)
			abort();   /* *out untouched on failure */
		if (n == 6 && s[0] >= '1' && s[0] <= '9' &&
		    strspn(s, "0123456789") == 4 && s[4] == 'Q' &&
		    s[5] >= '1' && s[5] <= '4')
			abort();   /* a good quarter refused */
	}
	/* and every quarter index from the input's first bytes round-trips */
	if (size >= 2) {
		int qi = 4000 + (int)((data[0] << 8 | data[1]) % 36000);
		memset(buf, 'x', sizeof buf);
		pbr_quarter_format(qi, buf);
		if (pbr_quarter_parse(buf, &q) != 0 || q != qi)
			abort();
	}

	/* contract ids */
	if (pbr_contract_id_ok(s) != (ref_contract_ok(s) != 0))
		abort();

	/* int64 */
	rc = pbr_parse_int64(s, &v);
	if (rc != ref_int64(s, &rv))
		abort();
	if (rc == 0) {
		if (v != rv)
			abort();
		snprintf(back, sizeof back, "%lld", (long long)v);
		if (pbr_parse_int64(back, &rv) != 0 || rv != v)
			abort();
		/* pounds: sign, integer part, two decimals; pence recoverable */
		pbr_format_pounds(v, back, sizeof back);
		{
			char digits[40];
			size_t k = 0;
			int64_t pence;
			const char *dot = strchr(back, '.');

			if (dot == NULL || strlen(dot) != 3)
				abort();
			for (const char *c = back; *c; c++)
				if (*c != '.')
					digits[k++] = *c;
			digits[k] = '\0';
			if (pbr_parse_int64(digits, &pence) != 0 || pence != v)
				abort();
		}
	}
	pbr_parse_int64(NULL, &v);     /* must not crash */
	free(s);
	return 0;
}
