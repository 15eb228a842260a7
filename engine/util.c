/*
 * util.c - one-line errors, whole-file reads and the data directory: the
 * helpers with side effects.  The pure parsing and formatting helpers are
 * in parse.c.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One line on stderr: the program, a label ("" or "warning: "), the text,
 * a tail ("" or ": out of memory"). */
static void say(const char *label, const char *tail, const char *fmt, va_list ap)
{
	fputs(PBR_PROGRAM ": ", stderr);
	fputs(label, stderr);
	vfprintf(stderr, fmt, ap);
	fputs(tail, stderr);
	fputc('\n', stderr);
}

int pbr_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", "", fmt, ap);
	va_end(ap);
	return code;
}

int pbr_error_oom(int code, const char *fmt, ...)
{
	int oom = errno == ENOMEM;
	va_list ap;

	va_start(ap, fmt);
	say("", oom ? ": out of memory" : "", fmt, ap);
	va_end(ap);
	return oom ? EX_OSERR : code;
}

void pbr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", "", fmt, ap);
	va_end(ap);
}

void pbr_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("note: ", "", fmt, ap);
	va_end(ap);
}

static int console_utf8;

void pbr_console_init(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v = NULL;

	for (size_t i = 0; i < sizeof vars / sizeof vars[0] && v == NULL; i++) {
		v = getenv(vars[i]);
		if (v && *v == '\0')
			v = NULL;
	}
	console_utf8 = v && (strcasestr(v, "UTF-8") || strcasestr(v, "UTF8"));
}

const char *pbr_pound(void)
{
	return console_utf8 ? "\xC2\xA3" : "GBP";
}

const char *pbr_ellipsis(void)
{
	return console_utf8 ? "\xE2\x80\xA6" : "...";
}

enum pbr_read_status pbr_read_file(const char *path, size_t max, char **buf,
				   size_t *len)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	enum pbr_read_status rs = PBR_READ_OK;
	char *b = NULL;
	int e;

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
	e = errno;
	fclose(f);
	errno = e;              /* the failure's, for pbr_read_failure */
	return rs;
}

int pbr_read_failure(enum pbr_read_status rs, const char *path, size_t max)
{
	int e = errno;

	switch (rs) {
	case PBR_READ_OK:
		break;
	case PBR_READ_CANNOT_OPEN:
		if (e == ENOMEM)
			return pbr_error(EX_OSERR, "out of memory opening %s", path);
		return pbr_error(EX_NOINPUT, "cannot open %s: %s", path, strerror(e));
	case PBR_READ_NOT_REGULAR:
		return pbr_error(EX_NOINPUT, "%s is not a regular file", path);
	case PBR_READ_TOO_BIG:
		return pbr_error(EX_DATAERR, "%s is too large (at most %zu bytes)", path, max);
	case PBR_READ_FAILED:
		if (e == ENOMEM)
			return pbr_error(EX_OSERR, "out of memory reading %s", path);
		return pbr_error(EX_IOERR, "cannot read %s: %s", path, strerror(e));
	}
	return 0;
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
