/*
 * outfile.h - files that appear at their final name whole or not at all:
 * written to a temporary name in the same directory, fsynced, renamed,
 * and the directory fsynced.
 */
#ifndef PBR_OUTFILE_H
#define PBR_OUTFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

struct pbr_outfile {
	char final[PATH_MAX];
	char tmp[PATH_MAX];
	char dir[PATH_MAX];
	FILE *f;
};

/* Creates DIR/.NAME.tmp.PID.  Returns 0 or EX_CANTCREAT (message printed). */
int pbr_out_open(struct pbr_outfile *o, const char *dir, const char *name);
/* Flushes, fsyncs and closes the temporary file.  Returns 0 or EX_IOERR. */
int pbr_out_close(struct pbr_outfile *o);
/* Renames the closed temporary file to its final name and fsyncs the
 * directory.  Returns 0 or EX_IOERR. */
int pbr_out_commit(struct pbr_outfile *o);
/* Closes (if open) and removes the temporary file.  Safe to call twice. */
void pbr_out_abort(struct pbr_outfile *o);

/* Whole-buffer convenience: open, write, close, commit. */
int pbr_write_atomic(const char *dir, const char *name, const void *data,
		     size_t len);

#endif
