/*
 * progress.h - rows read and rows/s on a terminal during a long run
 * (SPEC 9): "label: 3 of 12 contracts, 4200000 rows read, 910000 rows/s".
 *
 * One line on stderr, redrawn at most five times a second, only between
 * pbr_progress_start(..., true) and pbr_progress_end(); nothing otherwise
 * (stderr not a terminal, --quiet, verify and every other command).  The
 * cohort reader reports rows as it streams them, so one large contract
 * shows progress too; workers of --jobs share it under its lock.  It prints
 * and nothing else: no figure depends on it.
 */
#ifndef PBR_PROGRESS_H
#define PBR_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Starts counting for `total` contracts; shows nothing unless on. */
void pbr_progress_start(const char *label, size_t total, bool on);

/* `rows` more rows read (the cohort reader calls it as it streams). */
void pbr_progress_rows(int64_t rows);

/* One more contract finished. */
void pbr_progress_contract_done(void);

/* Ends the line, so that what follows starts on a line of its own. */
void pbr_progress_end(void);

#endif
