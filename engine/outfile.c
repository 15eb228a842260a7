/*
 * outfile.c - atomic output files (temporary name, fsync, rename).
 */
#include "outfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int pbr_out_open(struct pbr_outfile *o, const char *dir, const char *name)
{
	int fd;

	memset(o, 0, sizeof *o);
	if (snprintf(o->final, sizeof o->final, "%s/%s", dir, name) >=
		    (int)sizeof o->final ||
	    snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp.%ld", dir, name,
		     (long)getpid()) >= (int)sizeof o->tmp ||
	    snprintf(o->dir, sizeof o->dir, "%s", dir) >= (int)sizeof o->dir) {
		o->tmp[0] = '\0';      /* cut short: not a name abort may unlink */
		return pbr_error(EX_CANTCREAT, "cannot create %s/%s: path too long",
				 dir, name);
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		o->tmp[0] = '\0';
		return pbr_error(EX_CANTCREAT, "cannot create %s: %s", o->final,
				 strerror(e));
	}
	o->f = fdopen(fd, "wb");
	if (o->f == NULL) {
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		return pbr_error(EX_OSERR, "cannot create %s: out of memory",
				 o->final);
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 16);
	return 0;
}

int pbr_out_close(struct pbr_outfile *o)
{
	FILE *f = o->f;
	int e = 0;

	o->f = NULL;
	if (f == NULL)
		return 0;
	if (fflush(f) != 0 || ferror(f))
		e = errno ? errno : EIO;
	if (e == 0 && fsync(fileno(f)) != 0)
		e = errno;
	if (fclose(f) != 0 && e == 0)
		e = errno;
	if (e != 0)
		return pbr_error(EX_IOERR, "cannot write %s: %s", o->final,
				 strerror(e));
	return 0;
}

int pbr_out_commit(struct pbr_outfile *o)
{
	int dfd;

	if (rename(o->tmp, o->final) != 0)
		return pbr_error(EX_IOERR, "cannot rename %s to %s: %s", o->tmp,
				 o->final, strerror(errno));
	o->tmp[0] = '\0';
	dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		int rc = fsync(dfd);
		int e = errno;
		close(dfd);
		if (rc != 0 && e != EINVAL)
			return pbr_error(EX_IOERR, "cannot sync %s: %s", o->dir,
					 strerror(e));
	}
	return 0;
}

void pbr_out_abort(struct pbr_outfile *o)
{
	if (o->f) {
		fclose(o->f);
		o->f = NULL;
	}
	if (o->tmp[0]) {
		unlink(o->tmp);
		o->tmp[0] = '\0';
	}
}

int pbr_write_atomic(const char *dir, const char *name, const void *data,
		     size_t len)
{
	struct pbr_outfile o;
	int rc = pbr_out_open(&o, dir, name);

	if (rc != 0)
		return rc;
	if (len > 0 && fwrite(data, 1, len, o.f) != len) {
		rc = pbr_error(EX_IOERR, "cannot write %s: %s", o.final,
			       strerror(errno));
		goto fail;
	}
	rc = pbr_out_close(&o);
	if (rc == 0)
		rc = pbr_out_commit(&o);
	if (rc == 0)
		return 0;
fail:
	pbr_out_abort(&o);
	return rc;
}
