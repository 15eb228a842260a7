/*
 * cu_outfile.c - the atomic-write path (engine/outfile.c) on real files in
 * a fresh directory under $TMPDIR (or /tmp): every branch a test can reach
 * without failing the C library itself.  Write failures are real ones:
 * the file size limit (RLIMIT_FSIZE, EFBIG), the temporary file's
 * descriptor replaced by /dev/full (ENOSPC) or by a pipe (fsync: EINVAL),
 * a directory standing at the final name (rename: EISDIR).
 *
 * Not reachable here: fdopen failing (out of memory), fclose failing after
 * a good flush and fsync (an NFS-style deferred error), and a directory
 * fsync failing with anything but EINVAL; the third snprintf of
 * pbr_out_open cannot truncate when the first did not (dir is shorter).
 * make coverage shows those four as the branches no test takes.
 */
#include "suites.h"

#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

static char dir[PATH_MAX];
static int saved_stderr = -1;

/* The one-line messages of the failures are expected: off the log. */
static void quiet(void)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stderr);
	saved_stderr = dup(2);
	dup2(null, 2);
	close(null);
}

static void loud(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
}

static int suite_init(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/cu_outfile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int suite_clean(void)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* How many entries the test directory holds (temporary files included). */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void remove_name(const char *name)
{
	char p[PATH_MAX + 256];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (unlink(p) != 0)
		rmdir(p);
}

/* The file's bytes as a string (files here are small); "" if missing. */
static const char *contents(const char *name)
{
	static char buf[256];
	char p[PATH_MAX + 256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "rb");
	if (f == NULL)
		return "";
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* ---- the whole path ------------------------------------------------------ */

static void out_open_write_commit(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "a.xml"), 0);
	CHECK_TRUE(o.f != NULL);
	CHECK_TRUE(exists(o.tmp));
	CHECK_FALSE(exists(o.final));
	/* the temporary name: DIR/.NAME.tmp.PID */
	{
		char want[PATH_MAX + 64];

		snprintf(want, sizeof want, "%s/.a.xml.tmp.%ld", dir, (long)getpid());
		CHECK_STR(o.tmp, want);
	}
	fputs("<x/>\n", o.f);
	CHECK_I64(pbr_out_close(&o), 0);
	CHECK_TRUE(o.f == NULL);
	CHECK_FALSE(exists(o.final));      /* not before the commit */
	CHECK_I64(pbr_out_commit(&o), 0);
	CHECK_STR(o.tmp, "");
	CHECK_STR(contents("a.xml"), "<x/>\n");
	CHECK_I64(entries(), 1);           /* no temporary file left */
	pbr_out_abort(&o);                 /* after a commit: nothing to do */
	CHECK_STR(contents("a.xml"), "<x/>\n");
	remove_name("a.xml");
}

static void out_close_twice(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "b"), 0);
	CHECK_I64(pbr_out_close(&o), 0);
	CHECK_I64(pbr_out_close(&o), 0);   /* already closed: 0 */
	pbr_out_abort(&o);
	CHECK_I64(entries(), 0);
}

static void out_replaces_existing(void)
{
	CHECK_I64(pbr_write_atomic(dir, "c", "old", 3), 0);
	CHECK_I64(pbr_write_atomic(dir, "c", "new!", 4), 0);
	CHECK_STR(contents("c"), "new!");
	CHECK_I64(pbr_write_atomic(dir, "c", NULL, 0), 0);   /* empty file */
	CHECK_STR(contents("c"), "");
	CHECK_TRUE(exists(dir));
	CHECK_I64(entries(), 1);
	remove_name("c");
}

/* ---- abort ------------------------------------------------------------------ */

static void out_abort_open(void)
{
	struct pbr_outfile o;
	char tmp[PATH_MAX];

	CHECK_I64(pbr_out_open(&o, dir, "d"), 0);
	fputs("partial", o.f);
	snprintf(tmp, sizeof tmp, "%s", o.tmp);
	pbr_out_abort(&o);
	CHECK_TRUE(o.f == NULL);
	CHECK_STR(o.tmp, "");
	CHECK_FALSE(exists(tmp));
	CHECK_FALSE(exists(o.final));
	pbr_out_abort(&o);                 /* twice is safe */
	CHECK_I64(entries(), 0);
}

static void out_abort_closed(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "e"), 0);
	CHECK_I64(pbr_out_close(&o), 0);
	pbr_out_abort(&o);                 /* closed, not committed */
	CHECK_I64(entries(), 0);
}

/* ---- open failures ------------------------------------------------------- */

static void out_open_no_dir(void)
{
	struct pbr_outfile o;
	char missing[PATH_MAX + 16];

	snprintf(missing, sizeof missing, "%s/no/such", dir);
	quiet();
	CHECK_I64(pbr_out_open(&o, missing, "f"), EX_CANTCREAT);
	loud();
	CHECK_TRUE(o.f == NULL);
	CHECK_STR(o.tmp, "");
	pbr_out_abort(&o);                 /* nothing to remove */
	CHECK_I64(entries(), 0);
}

static void out_open_dir_is_a_file(void)
{
	char file[PATH_MAX + 16];

	CHECK_I64(pbr_write_atomic(dir, "plain", "x", 1), 0);
	snprintf(file, sizeof file, "%s/plain", dir);
	quiet();
	CHECK_I64(pbr_write_atomic(file, "g", "x", 1), EX_CANTCREAT);   /* ENOTDIR */
	loud();
	CHECK_I64(entries(), 1);
	remove_name("plain");
}

static void out_open_final_too_long(void)
{
	struct pbr_outfile o;
	static char name[PATH_MAX];

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	quiet();
	CHECK_I64(pbr_out_open(&o, dir, name), EX_CANTCREAT);
	loud();
	CHECK_TRUE(o.f == NULL);
	CHECK_STR(o.tmp, "");
	pbr_out_abort(&o);
	CHECK_I64(entries(), 0);
}

static void out_open_tmp_too_long(void)
{
	struct pbr_outfile o;
	static char name[PATH_MAX];
	size_t dl = strlen(dir);

	/* DIR/NAME fits exactly (PATH_MAX - 1 bytes), DIR/.NAME.tmp.PID not */
	memset(name, 'n', PATH_MAX - 2 - dl);
	name[PATH_MAX - 2 - dl] = '\0';
	quiet();
	CHECK_I64(pbr_out_open(&o, dir, name), EX_CANTCREAT);
	loud();
	CHECK_TRUE(o.f == NULL);
	CHECK_I64(strlen(o.final), PATH_MAX - 1);
	CHECK_STR(o.tmp, "");              /* nothing for abort to remove */
	CHECK_I64(entries(), 0);
}

/* A deep directory where DIR/x fits PATH_MAX and DIR/.x.tmp.PID does not:
 * the cut temporary name, DIR/.x.t, is another file, which the abort after
 * the failed open (cmd_run's cleanup does that) must leave alone. */
static void out_open_tmp_too_long_abort_harmless(void)
{
	struct pbr_outfile o;
	static char deep[PATH_MAX], victim[PATH_MAX + 8];
	const size_t target = PATH_MAX - 6;   /* DIR/x: PATH_MAX - 4 bytes */
	size_t len;
	int fd;

	len = (size_t)snprintf(deep, sizeof deep, "%s", dir);
	while (len < target) {
		size_t part = target - len - 1;

		if (part > 200)
			part = target - len - 1 > 400 ? 200 : (target - len - 1) / 2;
		deep[len++] = '/';
		memset(deep + len, 'd', part);
		len += part;
		deep[len] = '\0';
		if (mkdir(deep, 0755) != 0) {
			CU_FAIL("cannot build the deep directory");
			return;
		}
	}
	CHECK_I64(len, target);
	snprintf(victim, sizeof victim, "%s/.x.t", deep);
	CHECK_I64(strlen(victim), PATH_MAX - 1);
	fd = open(victim, O_WRONLY | O_CREAT, 0644);
	CHECK_TRUE(fd >= 0);
	if (fd >= 0)
		close(fd);
	quiet();
	CHECK_I64(pbr_out_open(&o, deep, "x"), EX_CANTCREAT);
	loud();
	pbr_out_abort(&o);
	CHECK_TRUE(exists(victim));
	deep[strlen(dir) + 201] = '\0';    /* the first level down */
	nftw(deep, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	CHECK_I64(entries(), 0);
}

/* ---- write, flush and fsync failures ------------------------------------- */

/* Replaces the temporary file's descriptor by another file's (the
 * temporary file stays at its name). */
static void swap_fd(struct pbr_outfile *o, int fd)
{
	dup2(fd, fileno(o->f));
	close(fd);
}

static void out_close_flush_fails(void)
{
	struct pbr_outfile o;
	char tmp[PATH_MAX];

	CHECK_I64(pbr_out_open(&o, dir, "h"), 0);
	fputs("buffered until the flush", o.f);
	swap_fd(&o, open("/dev/full", O_WRONLY));
	snprintf(tmp, sizeof tmp, "%s", o.tmp);
	quiet();
	CHECK_I64(pbr_out_close(&o), EX_IOERR);     /* ENOSPC */
	loud();
	CHECK_TRUE(o.f == NULL);
	CHECK_TRUE(exists(tmp));           /* the caller aborts */
	pbr_out_abort(&o);
	CHECK_FALSE(exists(tmp));
	CHECK_I64(entries(), 0);
}

static void out_close_earlier_write_failed(void)
{
	struct pbr_outfile o;
	static char big[16384];

	/* a write that failed before (and that the caller did not check)
	 * leaves the stream's error flag set though the flush has nothing
	 * left to write: still an error, EIO when errno no longer says why */
	CHECK_I64(pbr_out_open(&o, dir, "p"), 0);
	swap_fd(&o, open("/dev/full", O_WRONLY));
	memset(big, 'p', sizeof big);
	CHECK_TRUE(fwrite(big, 1, sizeof big, o.f) < sizeof big);
	CHECK_TRUE(ferror(o.f) != 0);
	errno = 0;
	quiet();
	CHECK_I64(pbr_out_close(&o), EX_IOERR);
	loud();
	pbr_out_abort(&o);
	CHECK_I64(entries(), 0);
}

static void out_close_fsync_fails(void)
{
	struct pbr_outfile o;
	int p[2];
	char got[8] = "";

	CHECK_I64(pbr_out_open(&o, dir, "i"), 0);
	fputs("pipe", o.f);
	CHECK_I64(pipe(p), 0);
	swap_fd(&o, p[1]);                 /* fsync of a pipe: EINVAL */
	quiet();
	CHECK_I64(pbr_out_close(&o), EX_IOERR);
	loud();
	CHECK_I64(read(p[0], got, sizeof got - 1), 4);   /* the flush went out */
	CHECK_STR(got, "pipe");
	close(p[0]);
	pbr_out_abort(&o);
	CHECK_I64(entries(), 0);
}

/* Runs pbr_write_atomic(dir, name, data, len) under a 1 KiB file size
 * limit, SIGXFSZ ignored so that the write fails with EFBIG instead. */
static int write_limited(const char *name, const void *data, size_t len)
{
	struct rlimit old, lim;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	int rc;

	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 1024;
	setrlimit(RLIMIT_FSIZE, &lim);
	quiet();
	rc = pbr_write_atomic(dir, name, data, len);
	loud();
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, was);
	return rc;
}

static void write_atomic_fwrite_fails(void)
{
	static char big[256 * 1024];      /* beyond any stdio buffer */

	memset(big, 'b', sizeof big);
	CHECK_I64(write_limited("j", big, sizeof big), EX_IOERR);
	CHECK_I64(entries(), 0);           /* the temporary file is gone */
}

static void write_atomic_flush_fails(void)
{
	/* fits stdio's buffer (st_blksize, 4 KiB here: glibc ignores the
	 * size setvbuf is given without a buffer), not the 1 KiB limit */
	static char mid[2048];

	memset(mid, 'm', sizeof mid);
	CHECK_I64(write_limited("k", mid, sizeof mid), EX_IOERR);
	CHECK_I64(entries(), 0);
}

/* ---- commit failures and the directory fsync ------------------------------ */

static void out_commit_rename_fails(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "l"), 0);
	CHECK_I64(pbr_out_close(&o), 0);
	unlink(o.tmp);                     /* ENOENT */
	quiet();
	CHECK_I64(pbr_out_commit(&o), EX_IOERR);
	loud();
	CHECK_FALSE(exists(o.final));
	pbr_out_abort(&o);
	CHECK_I64(entries(), 0);
}

static void write_atomic_final_is_a_dir(void)
{
	char sub[PATH_MAX + 16];

	snprintf(sub, sizeof sub, "%s/m", dir);
	CHECK_I64(mkdir(sub, 0755), 0);
	quiet();
	CHECK_I64(pbr_write_atomic(dir, "m", "x", 1), EX_IOERR);   /* EISDIR */
	loud();
	CHECK_I64(entries(), 1);           /* the directory, no temporary file */
	rmdir(sub);
}

static void out_commit_dir_not_openable(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "n"), 0);
	CHECK_I64(pbr_out_close(&o), 0);
	/* the rename is what makes the file durable enough to be seen; a
	 * directory that cannot be opened for its fsync is not an error */
	CHECK_TRUE(snprintf(o.dir, sizeof o.dir, "%s/gone", dir) < (int)sizeof o.dir);
	CHECK_I64(pbr_out_commit(&o), 0);
	CHECK_STR(contents("n"), "");
	CHECK_I64(entries(), 1);
	remove_name("n");
}

static void out_commit_dir_fsync_einval(void)
{
	struct pbr_outfile o;

	CHECK_I64(pbr_out_open(&o, dir, "o"), 0);
	fputs("o", o.f);
	CHECK_I64(pbr_out_close(&o), 0);
	/* /proc answers fsync with EINVAL (a file system that cannot sync a
	 * directory): accepted */
	snprintf(o.dir, sizeof o.dir, "/proc");
	CHECK_I64(pbr_out_commit(&o), 0);
	CHECK_STR(contents("o"), "o");
	remove_name("o");
}

static const struct cu_test outfile_tests[] = {
	T_ENTRY(out_open_write_commit),
	T_ENTRY(out_close_twice),
	T_ENTRY(out_replaces_existing),
	T_ENTRY(out_abort_open),
	T_ENTRY(out_abort_closed),
	T_ENTRY(out_open_no_dir),
	T_ENTRY(out_open_dir_is_a_file),
	T_ENTRY(out_open_final_too_long),
	T_ENTRY(out_open_tmp_too_long),
	T_ENTRY(out_open_tmp_too_long_abort_harmless),
	T_ENTRY(out_close_flush_fails),
	T_ENTRY(out_close_earlier_write_failed),
	T_ENTRY(out_close_fsync_fails),
	T_ENTRY(write_atomic_fwrite_fails),
	T_ENTRY(write_atomic_flush_fails),
	T_ENTRY(out_commit_rename_fails),
	T_ENTRY(write_atomic_final_is_a_dir),
	T_ENTRY(out_commit_dir_not_openable),
	T_ENTRY(out_commit_dir_fsync_einval),
	T_END
};

int cu_outfile_register(void)
{
	CU_pSuite suite = CU_add_suite("outfile", suite_init, suite_clean);

	if (suite == NULL)
		return -1;
	for (const struct cu_test *t = outfile_tests; t->name; t++)
		if (CU_add_test(suite, t->name, t->fn) == NULL)
			return -1;
	return 0;
}
