/*
 * parse.c - pure parsing and formatting helpers (see parse.h): no I/O, no
 * allocation, no printing.  Linked by the unit tests with core.c.
 */
#include "parse.h"

#include <stdio.h>

int pbr_parse_int64(const char *s, int64_t *out)
{
	int neg = 0;
	uint64_t v = 0, limit;

	if (s == NULL || *s == '\0')
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
		if (*s == '\0')
			return -1;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (limit - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

void pbr_format_pounds(int64_t pence, char *buf, size_t size)
{
	uint64_t a = pence < 0 ? 0 - (uint64_t)pence : (uint64_t)pence;

	snprintf(buf, size, "%s%llu.%02llu", pence < 0 ? "-" : "",
		 (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}
