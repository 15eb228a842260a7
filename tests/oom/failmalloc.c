/*
 * failmalloc.c - LD_PRELOAD shim that makes one allocation of pbr-settle
 * fail, for tests/integration/5xx_alloc_failures.sh (SQLite's and curl's
 * malloc-failure "torture" tests, for our own code).
 *
 *   LD_PRELOAD=build/failmalloc.so PBR_FAIL_ALLOC=N pbr-settle ...
 *
 * Interposes malloc, calloc, realloc, strdup, strndup, fopen and fdopen
 * (the engine's allocating calls; it uses no asprintf) and counts only the
 * calls made directly from the main program: the return address must lie
 * in one of its PT_LOAD segments (dl_iterate_phdr), so libxml2, libpq,
 * OpenSSL and glibc, which allocate through the same symbols, are never
 * failed - their own out-of-memory handling is not ours to test.  The Nth
 * counted call (from 1) returns NULL with errno ENOMEM; every other call
 * goes to the real function.  With PBR_FAIL_ALLOC unset or 0 nothing
 * fails.  PBR_FAIL_ALLOC_REPORT=FILE appends, at exit, one line
 * "allocs C failed N at 0xOFFSET" (C counted calls; N and OFFSET - the
 * caller's address relative to the program's load address, for
 * addr2line - only when the Nth call happened), so a run with
 * PBR_FAIL_ALLOC=0 gives the range of N.  Only a program named pbr-settle
 * (PBR_FAIL_ALLOC_PROGRAM names another) is touched, so the shim can be
 * preloaded through a shell or valgrind.
 *
 * dlsym itself may call calloc (and malloc) before the real functions are
 * known: those few calls are served from a static arena that free and
 * realloc recognise.  Counting is atomic (run --jobs has worker threads).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fdopen)(int, const char *);

/* the bootstrap arena, for dlsym's own allocations */
static _Alignas(max_align_t) unsigned char arena[8192];
static size_t arena_used;
static int resolving;

/* the main program's mapped segments */
#define MAXSEG 16
static uintptr_t seg_lo[MAXSEG], seg_hi[MAXSEG], base;
static int nseg;

static atomic_long counted;
static atomic_int exiting;
static long fail_at;           /* 0: never */
static atomic_uintptr_t failed_ra;
static const char *report;

static void *arena_alloc(size_t n)
{
	size_t off = (arena_used + 15) & ~(size_t)15;
	if (n > sizeof arena - off)
		return NULL;
	arena_used = off + n;
	return arena + off;
}

static int in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static int main_segments(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	/* the first object is the main program */
	base = info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum && nseg < MAXSEG; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		seg_lo[nseg] = info->dlpi_addr + ph->p_vaddr;
		seg_hi[nseg] = seg_lo[nseg] + ph->p_memsz;
		nseg++;
	}
	return 1;
}

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_fopen = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
	real_fdopen = (FILE * (*)(int, const char *)) dlsym(RTLD_NEXT, "fdopen");
	resolving = 0;
}

static void finish(void)
{
	char line[128];
	int n, fd;
	uintptr_t ra = atomic_load(&failed_ra);

	if (!report)
		return;
	if (ra)
		n = snprintf(line, sizeof line, "allocs %ld failed %ld at 0x%lx\n",
			(long)atomic_load(&counted), fail_at, (unsigned long)(ra - base));
	else
		n = snprintf(line, sizeof line, "allocs %ld\n", (long)atomic_load(&counted));
	fd = open(report, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) != n)
			n = -1;
		close(fd);
	}
}

__attribute__((constructor)) static void init(void)
{
	const char *s = getenv("PBR_FAIL_ALLOC");
	const char *only = getenv("PBR_FAIL_ALLOC_PROGRAM");

	resolve();
	/* only in the program under test, not in a shell or valgrind's
	 * launcher that inherits LD_PRELOAD */
	if (strcmp(program_invocation_short_name, only ? only : "pbr-settle") != 0)
		return;
	dl_iterate_phdr(main_segments, NULL);
	fail_at = s ? strtol(s, NULL, 10) : 0;
	report = getenv("PBR_FAIL_ALLOC_REPORT");
	atexit(finish);
}

static void stop_counting(void)
{
	atomic_store(&exiting, 1);
}

/* main, wrapped: stop_counting is registered as main begins, after the
 * handlers start-up registered (the dynamic linker's, which runs the
 * destructors, and gcov's in a --coverage build), so it runs before them
 * at exit: what the exit itself allocates (gcov writes its counters with
 * code linked into the program) is neither counted nor failed. */
typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int wrapped_main(int argc, char **argv, char **envp)
{
	atexit(stop_counting);
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void),
		    void (*)(void), void *);

	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* Counts a call from ra if it is the main program's; true: make it fail. */
static int should_fail(const void *ra)
{
	uintptr_t a = (uintptr_t)ra;
	int ours = 0;

	for (int i = 0; i < nseg; i++)
		if (a >= seg_lo[i] && a < seg_hi[i])
			ours = 1;
	if (!ours || atomic_load(&exiting))
		return 0;
	if (atomic_fetch_add(&counted, 1) + 1 != fail_at)
		return 0;
	atomic_store(&failed_ra, a);
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	if (!real_malloc) {
		resolve();
		if (!real_malloc)
			return arena_alloc(n);
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (!real_calloc) {
		resolve();
		if (!real_calloc) {   /* dlsym's own: the arena is zeroed */
			if (size && n > SIZE_MAX / size)
				return NULL;
			return arena_alloc(n * size);
		}
	}
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (!real_realloc)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	if (in_arena(p)) {   /* moved out of the arena: the old size is unknown,
	                        but never more than what is left of the arena */
		void *q = real_malloc(n);
		size_t old = (size_t)(arena + sizeof arena - (unsigned char *)p);
		if (q)
			memcpy(q, p, n < old ? n : old);
		return q;
	}
	return real_realloc(p, n);
}

void free(void *p)
{
	if (!p || in_arena(p))
		return;
	if (!real_free)
		resolve();
	real_free(p);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d;

	if (should_fail(__builtin_return_address(0)))
		return NULL;
	if (!real_malloc)
		resolve();
	if ((d = real_malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d;

	if (should_fail(__builtin_return_address(0)))
		return NULL;
	if (!real_malloc)
		resolve();
	if ((d = real_malloc(n + 1)) != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

FILE *fopen(const char *path, const char *mode)
{
	if (!real_fopen)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_fopen(path, mode);
}

FILE *fdopen(int fd, const char *mode)
{
	if (!real_fdopen)
		resolve();
	if (should_fail(__builtin_return_address(0)))
		return NULL;
	return real_fdopen(fd, mode);
}
