/*
 * run_driver.c - what PbR and monthly runs share: parallel workers in one
 * snapshot, staged statement files, publishing, the run manifest.
 */
#include "run_driver.h"
#include "db.h"
#include "faults.h"
#include "sign.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parallel workers (--jobs) ------------------------------------------- */

struct workers {
	pbr_run_job_fn fn;
	void *ctx;
	size_t n;
	int *rc;                   /* per item */
	const char *snapshot;
	pthread_mutex_t lock;
	size_t next;
	int failed;
};

static void *worker(void *arg)
{
	struct workers *w = arg;
	PGconn *conn = pbr_db_connect();
	char sql[160];
	int rc = conn ? 0 : EX_UNAVAILABLE;

	snprintf(sql, sizeof sql,
		 "SET search_path = pg_catalog;"
		 " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
		 " SET TRANSACTION SNAPSHOT '%s'", w->snapshot);
	if (rc == 0 && pbr_db_exec(conn, "joining the run's snapshot", sql) != 0)
		rc = pbr_db_failure_code(conn);
	for (;;) {
		size_t i;

		pthread_mutex_lock(&w->lock);
		if (rc != 0)
			w->failed = 1;
		i = w->failed ? w->n : w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->n)
			break;
		rc = w->fn(conn, w->ctx, i);
		w->rc[i] = rc;
	}
	if (conn)
		PQfinish(conn);
	return NULL;
}

static int start_workers(struct workers *w, int jobs)
{
	pthread_t threads[PBR_RUN_MAX_JOBS];
	int started = 0, rc = 0;

	for (int i = 0; i < jobs; i++) {
		if (pthread_create(&threads[i], NULL, worker, w) != 0) {
			rc = pbr_error(EX_OSERR, "cannot start worker %d", i + 1);
			pthread_mutex_lock(&w->lock);
			w->failed = 1;
			pthread_mutex_unlock(&w->lock);
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return rc;
}

int pbr_run_parallel(PGconn *conn, int jobs, size_t n, pbr_run_job_fn fn,
		     void *ctx)
{
	struct workers w;
	PGresult *res;
	char snapshot[64];
	int rc = 0;

	if (jobs > PBR_RUN_MAX_JOBS)
		jobs = PBR_RUN_MAX_JOBS;
	if (jobs > (int)n)
		jobs = (int)n;
	if (jobs <= 1) {
		for (size_t i = 0; i < n; i++)
			if ((rc = fn(conn, ctx, i)) != 0)
				return rc;
		return 0;
	}
	res = pbr_db_query(conn, "exporting the snapshot", "SELECT pg_export_snapshot()", 0, NULL);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	snprintf(snapshot, sizeof snapshot, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	memset(&w, 0, sizeof w);
	w.rc = calloc(n, sizeof *w.rc);
	if (w.rc == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	w.fn = fn;
	w.ctx = ctx;
	w.n = n;
	w.snapshot = snapshot;
	pthread_mutex_init(&w.lock, NULL);
	rc = start_workers(&w, jobs);
	pthread_mutex_destroy(&w.lock);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = w.rc[i];
	if (rc == 0 && w.failed)
		rc = EX_SOFTWARE;
	free(w.rc);
	return rc;
}

/* ---- files ---------------------------------------------------------------- */

int pbr_run_stage_xml(const char *dir, const char *statement_id,
		      const char *xml, size_t len, struct pbr_outfile *f)
{
	char name[256];
	size_t half = len / 2;
	int rc;

	snprintf(name, sizeof name, "%s.xml", statement_id);
	rc = pbr_out_open(f, dir, name);
	if (rc != 0)
		return rc;
	if (fwrite(xml, 1, half, f->f) != half || fflush(f->f) != 0)
		return pbr_error(EX_IOERR, "cannot write %s", f->final);
	PBR_FAULT("xml-half");
	if (fwrite(xml + half, 1, len - half, f->f) != len - half)
		return pbr_error(EX_IOERR, "cannot write %s", f->final);
	return pbr_out_close(f);
}

int pbr_run_publish(struct pbr_outfile *xml, struct pbr_outfile *annex)
{
	int rc = pbr_out_commit(xml);

	PBR_FAULT("mid-rename");
	if (rc == 0)
		rc = pbr_out_commit(annex);
	return rc;
}

int pbr_run_stage_manifest(const struct pbr_manifest *m, const char *dir,
			   const char *key, const char *cert,
			   struct pbr_outfile *f)
{
	char *xml = NULL, *signed_xml = NULL, name[32];
	size_t len = 0;
	int rc;

	rc = pbr_manifest_xml(m, &xml, &len);
	if (rc == 0 && key) {
		rc = pbr_sign(xml, len, key, cert, &signed_xml, &len);
		free(xml);
		xml = signed_xml;
	}
	snprintf(name, sizeof name, "%s-run.xml", m->period);
	if (rc == 0)
		rc = pbr_out_open(f, dir, name);
	if (rc == 0 && fwrite(xml, 1, len, f->f) != len)
		rc = pbr_error(EX_IOERR, "cannot write %s", f->final);
	if (rc == 0)
		rc = pbr_out_close(f);
	free(xml);
	return rc;
}
