/*
 * util.c - one-line errors and small parsing helpers.
 */
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pbr_error(int code, const char *fmt, ...)
{
	va_list ap;

	fputs(PBR_PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void pbr_warn(const char *fmt, ...)
{
	va_list ap;

	fputs(PBR_PROGRAM ": warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

enum pbr_read_status pbr_read_file(const char *path, size_t max, char **buf,
				   size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	enum pbr_read_status rs = PBR_READ_OK;
	char *b = NULL;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return PBR_READ_CANNOT_OPEN;
	if (fstat(fileno(f), &st) != 0) {
		rs = PBR_READ_CANNOT_OPEN;
	} else if (!S_ISREG(st.st_mode)) {
		rs = PBR_READ_NOT_REGULAR;
	} else if ((uintmax_t)st.st_size > max) {
		rs = PBR_READ_TOO_BIG;
	} else if ((b = malloc((size_t)st.st_size + 1)) == NULL ||
		   fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(b);
		b = NULL;
		rs = PBR_READ_FAILED;
	} else {
		b[st.st_size] = '\0';
		*buf = b;
		*len = (size_t)st.st_size;
	}
	fclose(f);
	return rs;
}

const char *pbr_datadir(void)
{
	static char dir[PATH_MAX];
	static const char *const up[] = {
		"/../share/pbr-settle", "/..", "/../..", "/../../..",
	};
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	const char *env = getenv("PBR_DATADIR");
	struct stat st;
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		snprintf(dir, sizeof dir, ".");
		return dir;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	/* installed (PREFIX/bin -> PREFIX/share/pbr-settle), or a build
	 * directory somewhere under the source tree */
	for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
		snprintf(probe, sizeof probe, "%s%s/schemas/statement.xsd", exe, up[i]);
		if (stat(probe, &st) == 0 && S_ISREG(st.st_mode)) {
			snprintf(dir, sizeof dir, "%.*s%s", (int)(sizeof dir - 32), exe, up[i]);
			return dir;
		}
	}
	snprintf(dir, sizeof dir, "%.*s/..", (int)(sizeof dir - 8), exe);
	return dir;
}
