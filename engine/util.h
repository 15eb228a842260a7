/*
 * util.h - one-line errors, exit codes, whole-file reads and the data
 * directory, shared by the command files.  The pure core (core.c) never
 * includes this.
 */
#ifndef PBR_UTIL_H
#define PBR_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sysexits.h>

#include "parse.h"     /* the pure helpers, for every caller of util.h */

#define PBR_PROGRAM "pbr-settle"
#ifndef PBR_VERSION
#define PBR_VERSION "0.1.0"
#endif

/* Exit code 1: verify found a differing figure (SPEC section 9). */
#define PBR_EX_MISMATCH 1

/* Prints "pbr-settle: <message>\n" on stderr.  Returns code, so a caller
 * can write `return pbr_error(EX_DATAERR, "...", ...)`. */
int pbr_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* pbr_error for a failure whose cause is in errno: when errno is ENOMEM
 * (a failed allocation leaves it so) the line ends ": out of memory" and
 * the code is 71 (EX_OSERR), whatever `code` says. */
int pbr_error_oom(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints "pbr-settle: warning: <message>\n" on stderr. */
void pbr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "pbr-settle: note: <message>\n" on stderr: information the
 * person running the command should see, not a failure. */
void pbr_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The console's character set, from LC_ALL, LC_CTYPE or LANG (the first
 * set): call once from main.  The process locale itself is not changed. */
void pbr_console_init(void);
/* "£" and "…" on a UTF-8 console, else "GBP" and "..." (plain ASCII). */
const char *pbr_pound(void);
const char *pbr_ellipsis(void);

/* Why pbr_read_file failed. */
enum pbr_read_status {
	PBR_READ_OK = 0,
	PBR_READ_CANNOT_OPEN,     /* errno says why */
	PBR_READ_NOT_REGULAR,
	PBR_READ_TOO_BIG,         /* over max bytes */
	PBR_READ_FAILED,          /* read error or out of memory; errno */
};

/* Reads a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated buffer. */
enum pbr_read_status pbr_read_file(const char *path, size_t max, char **buf,
				   size_t *len);

/* One line for a failed pbr_read_file, with the code every command uses
 * for it: 66 cannot open or not a regular file (a directory, a device),
 * 65 larger than max bytes, 74 a read error, 71 out of memory.  Returns
 * the code. */
int pbr_read_failure(enum pbr_read_status rs, const char *path, size_t max);

/* Directory holding schemas/ and reports/: $PBR_DATADIR, else
 * <exe>/../share/pbr-settle when installed, else the source tree (the
 * parent of build/).  Never NULL. */
const char *pbr_datadir(void);

#endif
