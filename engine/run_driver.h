/*
 * run_driver.h - the machinery every kind of run shares (SPEC 7, 11.4):
 * contracts computed in parallel inside one snapshot (--jobs), statement
 * files staged under temporary names and published after COMMIT, and
 * the signed run manifest.  cmd_run.c (PbR statements, --period) and
 * cmd_run_month.c (monthly statements, --month) call it, so that both
 * kinds of run follow the same rules.
 */
#ifndef PBR_RUN_DRIVER_H
#define PBR_RUN_DRIVER_H

#include "manifest.h"
#include "outfile.h"

#include <libpq-fe.h>
#include <stddef.h>

#define PBR_RUN_MAX_JOBS 32

/* Computes item i of a run on conn (the run's connection, or a worker's
 * that shares its snapshot).  Reads only.  Returns 0 or a sysexits code
 * after one line. */
typedef int (*pbr_run_job_fn)(PGconn *conn, void *ctx, size_t i);

/* Calls fn for items 0..n-1: in order on conn when jobs <= 1 (or n <= 1);
 * else on min(jobs, n) worker threads, each on its own connection in a
 * READ ONLY transaction that imports conn's exported snapshot, so that
 * every worker sees exactly what a single run sees.  conn must be in a
 * REPEATABLE READ transaction.  Returns 0, or the code of the first item
 * (in index order) that failed. */
int pbr_run_parallel(PGconn *conn, int jobs, size_t n, pbr_run_job_fn fn,
		     void *ctx);

/* Before COMMIT: a statement's bytes to DIR/<statement_id>.xml under a
 * temporary name, fsynced (crash point xml-half midway).  Returns 0 or a
 * sysexits code. */
int pbr_run_stage_xml(const char *dir, const char *statement_id,
		      const char *xml, size_t len, struct pbr_outfile *f);

/* After COMMIT: renames the statement, then its annex (crash point
 * mid-rename between), fsyncing the directory. */
int pbr_run_publish(struct pbr_outfile *xml, struct pbr_outfile *annex);

/* SPEC 7: the run manifest <m->period>-run.xml, signed with key and cert
 * when key is given, to a temporary name in dir (published by the caller
 * with pbr_out_commit after COMMIT, last).  Returns 0 or a sysexits code. */
int pbr_run_stage_manifest(const struct pbr_manifest *m, const char *dir,
			   const char *key, const char *cert,
			   struct pbr_outfile *f);

#endif
