/*
 * progress.c - rows read and rows/s on a terminal (SPEC 9); see progress.h.
 */
#include "progress.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static struct {
	pthread_mutex_t lock;
	bool on, shown;
	char label[16];
	struct timespec start, last;
	int64_t rows;
	size_t done, total;
} progress = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

void pbr_progress_start(const char *label, size_t total, bool on)
{
	pthread_mutex_lock(&progress.lock);
	progress.on = on;
	progress.shown = false;
	progress.rows = 0;
	progress.done = 0;
	progress.total = total;
	snprintf(progress.label, sizeof progress.label, "%s", label);
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	progress.last = progress.start;
	pthread_mutex_unlock(&progress.lock);
}

/* Redraws the line when `force` or 200 ms have passed; under the lock. */
static void show(bool force)
{
	int64_t ms;

	if (!force && ms_since(&progress.last) < 200)
		return;
	ms = ms_since(&progress.start);
	fprintf(stderr, "\r%s: %zu of %zu contracts, %" PRId64 " rows read, %" PRId64 " rows/s   ",
		progress.label, progress.done, progress.total, progress.rows,
		ms > 0 ? progress.rows * 1000 / ms : progress.rows);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &progress.last);
	progress.shown = true;
}

void pbr_progress_rows(int64_t rows)
{
	pthread_mutex_lock(&progress.lock);
	if (progress.on) {
		progress.rows += rows;
		show(false);
	}
	pthread_mutex_unlock(&progress.lock);
}

void pbr_progress_contract_done(void)
{
	pthread_mutex_lock(&progress.lock);
	if (progress.on) {
		progress.done++;
		show(progress.done == progress.total);
	}
	pthread_mutex_unlock(&progress.lock);
}

void pbr_progress_end(void)
{
	pthread_mutex_lock(&progress.lock);
	if (progress.shown)
		fputc('\n', stderr);
	progress.shown = false;
	progress.on = false;
	pthread_mutex_unlock(&progress.lock);
}
