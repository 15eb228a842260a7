/*
 * run_driver.h - pbr-settle run, for every kind of statement (SPEC 7,
 * 9, 11.4): options, checks, locks, one REPEATABLE READ snapshot (shared
 * by the --jobs workers), the ledger policy (ledger.c), recording,
 * statement files staged under temporary names and published after
 * COMMIT, the signed run manifest, the console table.  What differs
 * between PbR statements (cmd_run.c, --period) and monthly statements
 * (cmd_run_month.c, --month) is a struct pbr_run_kind of hooks.
 */
#ifndef PBR_RUN_DRIVER_H
#define PBR_RUN_DRIVER_H

#include "ledger.h"
#include "manifest.h"
#include "outfile.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PBR_RUN_MAX_JOBS 32
#define PBR_RUN_MAX_CONTRACTS 256

struct pbr_run_opts {
	bool monthly;              /* --month (else --period) */
	int period;                /* quarter index, or month index */
	char period_text[8];       /* "2025Q4" or "2025-03" */
	const char *out;
	char *contracts[PBR_RUN_MAX_CONTRACTS];
	size_t ncontracts;
	bool dry_run, restate, no_wait, unsigned_ok, allow_empty, quiet, help;
	const char *reason, *key, *cert;
	int jobs;
};

/* One contract of a run; a kind's item starts with it. */
struct pbr_run_item {
	struct pbr_outfile annex, xmlout;
	char *xml;                 /* the statement's bytes, signed */
	size_t xml_len;
	const char *what;          /* "issued", "unchanged, reissued", "draft", ... */
	struct pbr_ledger_now now; /* what compute found, for the policy */
	/* the statement as issued: by this run, or earlier (reissued) */
	int64_t issued_run_id, period_due, amount_due;
	char contract[PBR_ID_MAX];
	char statement_id[PBR_ID_MAX];
	char what_buf[PBR_ID_MAX + 64];
	char issued_at[32];
	char digest[65];           /* SHA-256 of xml */
	bool over_limit;           /* a dry run's rejects over the limit */
	bool restatement;
	bool to_record;            /* a new statement waiting for its ledger row */
	int seq;
};

/* What a run writes besides the statements (SPEC 2 and 7). */
struct pbr_run_files {
	struct pbr_outfile unassigned, manifest;
	bool has_unassigned;
	int64_t unassigned_rows;
};

/* The hooks of one kind of statement.  Each returns 0 or a sysexits code
 * after one line. */
struct pbr_run_kind {
	const char *type;          /* pbr.settlement.statement_type */
	const char *manifest_type; /* the manifest's StatementType, or NULL */
	size_t item_size;          /* of the kind's item */
	/* SPEC 3 / 11.2: the period has begun, the month has ended */
	int (*check_date)(const struct pbr_run_opts *o);
	/* the contracts to settle, sorted; none: a note, and n = 0 */
	int (*select)(PGconn *conn, const struct pbr_run_opts *o, char ***ids,
		      size_t *n);
	/* the advisory locks of one contract (pbr_ledger_lock) */
	int (*lock)(PGconn *conn, const struct pbr_run_opts *o, const char *id);
	/* reads and computes one contract (in a worker with --jobs): the
	 * figures, the annex to it->annex (closed), it->now */
	int (*compute)(PGconn *conn, const struct pbr_run_opts *o,
		       struct pbr_run_item *it);
	/* a new statement or draft of it->statement_id (f: the statement in
	 * force, which a restatement supersedes): identity, restatement,
	 * it->period_due and amount_due, and the unsigned XML (malloc'd) */
	int (*shape)(const struct pbr_run_opts *o, const struct pbr_in_force *f,
		     int64_t run_id, const char *created_at,
		     struct pbr_run_item *it, char **xml, size_t *len);
	/* its ledger row, on the committing connection (pbr_ledger_record_*) */
	int (*record)(PGconn *conn, struct pbr_run_item *it);
	/* optional: files beside the statements, staged before COMMIT */
	int (*stage_extra)(PGconn *conn, const struct pbr_run_opts *o,
			   struct pbr_run_item *const *items, size_t n,
			   struct pbr_run_files *rf);
	/* the console table with its total line (not with --quiet) */
	void (*table)(const struct pbr_run_opts *o,
		      struct pbr_run_item *const *items, size_t n);
	/* optional: notes and failures once the files are in place */
	int (*end)(const struct pbr_run_opts *o, struct pbr_run_item *const *items,
		   size_t n, const struct pbr_run_files *rf);
	void (*free_item)(struct pbr_run_item *it);
	bool progress;             /* rows read and rows/s on a terminal */
};

extern const struct pbr_run_kind pbr_run_pbr_kind;      /* cmd_run.c */
extern const struct pbr_run_kind pbr_run_monthly_kind;  /* cmd_run_month.c */

/* pbr-settle run: parses argv, and settles with the kind --period or
 * --month names.  Returns a sysexits code. */
int pbr_run_main(int argc, char **argv);

/* The total of the items' AmountDuePence, saturating (the same sum was
 * checked as the manifest's control sum when a manifest is written). */
int64_t pbr_run_total_due(struct pbr_run_item *const *items, size_t n);

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
