/*
 * run_driver.c - pbr-settle run for every kind of statement: options and
 * checks, locks, the snapshot and its --jobs workers, the ledger policy,
 * recording, staging, COMMIT, publishing, the manifest, the table.  The
 * kind's hooks (struct pbr_run_kind) compute, shape and record.
 */
#include "run_driver.h"
#include "core.h"
#include "db.h"
#include "digest.h"
#include "faults.h"
#include "progress.h"
#include "settle.h"
#include "sign.h"
#include "util.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_REASON 1000

/* ---- options -------------------------------------------------------------- */

static const char run_help[] =
	"Usage: pbr-settle run --period P | --month YYYY-MM  --out DIR [--contract ID]...\n"
	"           [--dry-run] [--restate --reason TEXT]\n"
	"           [--sign-key PEM --sign-cert PEM | --unsigned]\n"
	"           [--allow-empty] [--no-wait] [--jobs N] [--quiet]\n"
	"\n"
	"--period: settles cohort P-7 of every contract that holds it (or the\n"
	"--contract ones) and writes <contract>-<period>-<seq>.xml and its\n"
	"-annex.csv into DIR, the run manifest <period>-run.xml (count and control\n"
	"sum of AmountDuePence) and <period>-unassigned.csv (rows whose\n"
	"cohort_quarter is malformed), and records the statements in the ledger.\n"
	"\n"
	"--month: writes the monthly fee-for-service statement (SPEC 11) of every\n"
	"contract billed for the month (a pbr.contract_year row for its year), or\n"
	"of the --contract ones: <contract>-<YYYY-MM>-<seq>.xml (schemas/monthly.xsd),\n"
	"its -annex.csv and the run manifest <YYYY-MM>-run.xml.  December also\n"
	"reconciles the year's volume and states the PbR pot.  The month must have\n"
	"ended (fees are paid in arrears); any fault in its returns fails the run\n"
	"(65) with nothing written.\n"
	"\n"
	"  --period P           settlement period, e.g. 2025Q4 (settles cohort 2024Q1);\n"
	"                       a period that has not begun is refused (65)\n"
	"  --month YYYY-MM      a month that has ended, e.g. 2025-03\n"
	"  --out DIR            an existing directory\n"
	"  --contract ID        only this contract (repeatable)\n"
	"  --dry-run            write DRAFT statements, record nothing, no manifest;\n"
	"                       written even when rejects exceed the limit (then exit 65)\n"
	"  --restate --reason TEXT\n"
	"                       supersede the statement in force when inputs changed\n"
	"  --sign-key PEM --sign-cert PEM\n"
	"                       sign the statements and the manifest (XMLDSig)\n"
	"  --unsigned           issue FINAL statements unsigned, on purpose\n"
	"  --allow-empty        settle a cohort with no rows at all (else 65;\n"
	"                       a month has no cohort: accepted, changes nothing)\n"
	"  --no-wait            exit 75 instead of waiting for another run's lock\n"
	"  --jobs N             compute N contracts at once (1 to 32), each on its\n"
	"                       own connection in the run's snapshot\n"
	"  --quiet              no progress and no table (errors and notes stay)\n"
	"  --help               this text\n"
	"\n"
	"Progress (rows read, rows/s) shows on stderr when it is a terminal.\n";

static int usage(const char *why)
{
	return pbr_error(EX_USAGE, "run: %s (usage: pbr-settle run --period P | --month YYYY-MM --out DIR [--contract ID]... [--dry-run] [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned] [--allow-empty] [--no-wait] [--jobs N] [--quiet])",
			 why);
}

static int reason_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_REASON)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int parse_one(int c, struct pbr_run_opts *o, const char **period,
		     const char **month)
{
	int64_t j;

	switch (c) {
	case 'p': *period = optarg; break;
	case 'm': *month = optarg; break;
	case 'o': o->out = optarg; break;
	case 'c':
		if (!pbr_contract_id_ok(optarg))
			return usage("--contract must match ^[A-Z0-9_-]{1,32}$");
		if (o->ncontracts == PBR_RUN_MAX_CONTRACTS)
			return usage("too many --contract options");
		o->contracts[o->ncontracts++] = optarg;
		break;
	case 'd': o->dry_run = true; break;
	case 'r': o->restate = true; break;
	case 'R': o->reason = optarg; break;
	case 'k': o->key = optarg; break;
	case 'C': o->cert = optarg; break;
	case 'U': o->unsigned_ok = true; break;
	case 'E': o->allow_empty = true; break;
	case 'q': o->quiet = true; break;
	case 'h': o->help = true; break;
	case 'n': o->no_wait = true; break;
	case 'j':
		if (pbr_parse_int64(optarg, &j) != 0 || j < 1 || j > PBR_RUN_MAX_JOBS)
			return usage("--jobs must be 1 to 32");
		o->jobs = (int)j;
		break;
	default: return usage("unknown option or missing value");
	}
	return 0;
}

/* --period P or --month M: which kind of run, and its period. */
static int parse_period(struct pbr_run_opts *o, const char *period,
			const char *month)
{
	if (period && month)
		return usage("--period and --month exclude each other");
	if ((period == NULL && month == NULL) || o->out == NULL)
		return usage(month ? "--month and --out are required" :
			     "--period and --out are required");
	o->monthly = month != NULL;
	if (o->monthly) {
		if (pbr_month_parse(month, &o->period) != 0)
			return usage("--month must be a month such as 2025-03");
		pbr_month_format(o->period, o->period_text);
		return 0;
	}
	if (pbr_quarter_parse(period, &o->period) != 0)
		return usage("--period must be a quarter such as 2025Q4");
	if (o->period - 7 < 1000 * 4)
		return usage("--period is too early");
	pbr_quarter_format(o->period, o->period_text);
	return 0;
}

static int parse_opts(int argc, char **argv, struct pbr_run_opts *o)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "month", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "contract", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "restate", no_argument, NULL, 'r' },
		{ "reason", required_argument, NULL, 'R' },
		{ "sign-key", required_argument, NULL, 'k' },
		{ "sign-cert", required_argument, NULL, 'C' },
		{ "unsigned", no_argument, NULL, 'U' },
		{ "allow-empty", no_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *period = NULL, *month = NULL;
	int c, rc;

	o->jobs = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((rc = parse_one(c, o, &period, &month)) != 0)
			return rc;
		if (o->help)
			return 0;
	}
	if (optind != argc)
		return usage("unexpected argument");
	if ((rc = parse_period(o, period, month)) != 0)
		return rc;
	if (o->restate != (o->reason != NULL))
		return usage("--restate and --reason go together");
	if (o->reason && !reason_ok(o->reason))
		return usage("--reason must be 1 to 1000 printable characters");
	if ((o->key == NULL) != (o->cert == NULL))
		return usage("--sign-key and --sign-cert go together");
	/* SPEC 7: a FINAL statement is signed, or unsigned on purpose. */
	if (o->key && o->unsigned_ok)
		return usage("--unsigned and --sign-key/--sign-cert exclude each other");
	if (!o->key && !o->unsigned_ok && !o->dry_run)
		return usage("FINAL statements are signed: give --sign-key PEM --sign-cert PEM, or --unsigned");
	return 0;
}

static int check_input(const char *path, const char *what)
{
	struct stat st;

	/* the same code as every command for an input file: 66 when it
	 * cannot be read or is not a regular file */
	if (path && access(path, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read %s %s", what, path);
	if (path && (stat(path, &st) != 0 || !S_ISREG(st.st_mode)))
		return pbr_error(EX_NOINPUT, "%s %s is not a regular file", what, path);
	return 0;
}

static int check_files(const struct pbr_run_opts *o)
{
	struct stat st;
	int rc;

	if (stat(o->out, &st) != 0 || !S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "output directory %.256s does not exist or is not a directory",
				 o->out);
	if (access(o->out, W_OK | X_OK) != 0)
		return pbr_error(EX_CANTCREAT, "output directory %.256s is not writable", o->out);
	if ((rc = check_input(o->key, "signing key")) != 0)
		return rc;
	return check_input(o->cert, "signing certificate");
}

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

/* ---- one contract ------------------------------------------------------------ */

struct run {
	const struct pbr_run_opts *o;
	const struct pbr_run_kind *k;
	char **ids;
	struct pbr_run_item **items;
	size_t n;
	int64_t run_id;
	char created_at[32];
	struct pbr_run_files rf;
};

int64_t pbr_run_total_due(struct pbr_run_item *const *items, size_t n)
{
	int64_t due = 0;

	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(due, items[i]->amount_due, &due))
			due = items[i]->amount_due < 0 ? INT64_MIN : INT64_MAX;
	return due;
}

/* SPEC 7: inputs unchanged, so the statement in force, its bytes and
 * figures as the ledger recorded them, is listed again. */
static void reissue(struct pbr_in_force *f, struct pbr_run_item *it)
{
	snprintf(it->statement_id, sizeof it->statement_id, "%s", f->statement_id);
	it->xml = f->xml;
	it->xml_len = strlen(f->xml);
	f->xml = NULL;
	it->what = "unchanged, reissued";
	it->amount_due = f->amount_due;
	it->period_due = f->period_due;
	it->restatement = f->seq > 1;
	it->issued_run_id = f->run_id;
	snprintf(it->issued_at, sizeof it->issued_at, "%s", f->created_at);
}

/* A new statement (an original, a restatement of f, or a draft), shaped
 * by the kind and signed. */
static int issue(const struct run *r, const struct pbr_in_force *f,
		 struct pbr_run_item *it)
{
	const struct pbr_run_opts *o = r->o;
	char *xml = NULL, *signed_xml = NULL;
	size_t len = 0;
	int rc, w;

	it->seq = f->present ? f->seq + 1 : 1;
	if (o->dry_run)
		w = snprintf(it->statement_id, sizeof it->statement_id, "%s-%s-draft",
			     it->contract, o->period_text);
	else
		w = snprintf(it->statement_id, sizeof it->statement_id, "%s-%s-%d",
			     it->contract, o->period_text, it->seq);
	if (w < 0 || (size_t)w >= sizeof it->statement_id)
		return pbr_error(EX_SOFTWARE, "the statement id of contract %s is too long",
				 it->contract);
	rc = r->k->shape(o, f, r->run_id, r->created_at, it, &xml, &len);
	if (rc == 0 && o->key) {
		rc = pbr_sign(xml, len, o->key, o->cert, &signed_xml, &len);
		free(xml);
		xml = signed_xml;
	}
	if (rc != 0)
		return rc;
	it->xml = xml;
	it->xml_len = len;
	it->what = o->dry_run ? "draft" : it->restatement ? "restated" : "issued";
	/* SPEC 7: a draft of a settled period is a restatement draft, and the
	 * console says whether it would change anything */
	if (o->dry_run && f->present) {
		snprintf(it->what_buf, sizeof it->what_buf, "restatement draft of %s: %s",
			 f->statement_id, pbr_ledger_unchanged(f, &it->now) ?
			 "would change nothing" : "inputs changed, would restate it");
		it->what = it->what_buf;
	}
	it->issued_run_id = o->dry_run ? 0 : r->run_id;
	snprintf(it->issued_at, sizeof it->issued_at, "%s", r->created_at);
	it->to_record = !o->dry_run;
	return 0;
}

/* Computes item i: the kind's figures and annex, then SPEC 7's policy
 * against the statement in force.  Reads only; runs in a worker with
 * --jobs, on the worker's connection. */
static int compute_one(PGconn *conn, void *arg, size_t i)
{
	const struct run *r = arg;
	struct pbr_run_item *it = r->items[i];
	struct pbr_in_force f;
	enum pbr_ledger_action act = PBR_LEDGER_ISSUE;
	char name[PBR_ID_MAX + 16];
	int rc;

	memset(&f, 0, sizeof f);
	snprintf(it->contract, sizeof it->contract, "%s", r->ids[i]);
	rc = r->k->compute(conn, r->o, it);
	if (rc == 0)
		rc = pbr_ledger_in_force(conn, r->k->type, it->contract,
					 r->o->period_text, &f);
	if (rc == 0)
		rc = pbr_ledger_decide(&f, &it->now, r->o->dry_run, r->o->restate, &act);
	if (rc == 0 && act == PBR_LEDGER_REISSUE) {
		reissue(&f, it);
		/* SPEC 7: the same bytes; a key cannot sign them after the fact */
		if (r->o->key && strstr(it->xml, "http://www.w3.org/2000/09/xmldsig#") == NULL)
			pbr_note("%s was recorded unsigned and is reissued as recorded, not signed with --sign-key",
				 it->statement_id);
	} else if (rc == 0)
		rc = issue(r, &f, it);
	if (rc == 0 && pbr_sha256_buffer(it->xml, it->xml_len, it->digest) != 0)
		rc = pbr_error_oom(EX_SOFTWARE, "SHA-256 failed");
	snprintf(name, sizeof name, "%s-annex.csv", it->statement_id);
	if (rc == 0)
		snprintf(it->annex.final, sizeof it->annex.final, "%s/%s", r->o->out, name);
	pbr_in_force_free(&f);
	return rc;
}

/* ---- the run ------------------------------------------------------------------- */

/* SPEC 7: the run manifest, signed like the statements, to a temporary
 * <period>-run.xml.  Not for a dry run, which issues nothing. */
static int stage_manifest(struct run *r)
{
	struct pbr_manifest_entry *e = calloc(r->n + 1, sizeof *e);
	struct pbr_manifest m = { .period = r->o->period_text, .n = r->n, .e = e,
				  .statement_type = r->k->manifest_type,
				  .unassigned = r->rf.unassigned_rows };
	int rc;

	if (e == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < r->n; i++) {
		const struct pbr_run_item *it = r->items[i];

		e[i].statement_id = it->statement_id;
		e[i].contract = it->contract;
		e[i].restatement = it->restatement;
		e[i].run_id = it->issued_run_id;
		e[i].created_at = it->issued_at;
		e[i].period_due = it->period_due;
		e[i].amount_due = it->amount_due;
		e[i].sha256 = it->digest;
	}
	rc = pbr_run_stage_manifest(&m, r->o->out, r->o->key, r->o->cert, &r->rf.manifest);
	free(e);
	return rc;
}

/* The locks (not for a dry run), the snapshot, its run id and time. */
static int begin(PGconn *conn, struct run *r)
{
	PGresult *res;
	int rc = 0;

	for (size_t i = 0; i < r->n && rc == 0 && !r->o->dry_run; i++)
		rc = r->k->lock(conn, r->o, r->ids[i]);
	if (rc != 0)
		return rc;
	if (pbr_db_exec(conn, "starting the snapshot",
			"BEGIN ISOLATION LEVEL REPEATABLE READ") != 0)
		return pbr_db_failure_code(conn);
	res = pbr_db_query(conn, "allocating a run id",
		r->o->dry_run ?
		"SELECT 0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" :
		"SELECT nextval('pbr.run_id_seq'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		0, NULL);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (pbr_parse_int64(PQgetvalue(res, 0, 0), &r->run_id) != 0)
		rc = pbr_error(EX_SOFTWARE, "run id '%s' is not a number", PQgetvalue(res, 0, 0));
	snprintf(r->created_at, sizeof r->created_at, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

/* Before COMMIT: ledger rows, then every file under a temporary name. */
static int record_and_stage(PGconn *conn, struct run *r)
{
	int rc = 0;

	for (size_t i = 0; i < r->n && rc == 0; i++)
		if (r->items[i]->to_record)
			rc = r->k->record(conn, r->items[i]);
	for (size_t i = 0; i < r->n && rc == 0; i++)
		rc = pbr_run_stage_xml(r->o->out, r->items[i]->statement_id,
				       r->items[i]->xml, r->items[i]->xml_len,
				       &r->items[i]->xmlout);
	if (rc == 0 && r->k->stage_extra)
		rc = r->k->stage_extra(conn, r->o, r->items, r->n, &r->rf);
	if (rc == 0 && !r->o->dry_run)
		rc = stage_manifest(r);
	return rc;
}

static int run_all(PGconn *conn, struct run *r)
{
	int rc = begin(conn, r);

	if (rc != 0)
		return rc;
	pbr_progress_start(r->o->period_text, r->n,
			   r->k->progress && !r->o->quiet && isatty(STDERR_FILENO));
	rc = pbr_run_parallel(conn, r->o->jobs, r->n, compute_one, r);
	if (rc == 0)
		rc = record_and_stage(conn, r);
	if (rc != 0)
		return rc;
	PBR_FAULT("temp-written");
	PBR_FAULT("before-commit");
	if (pbr_db_exec(conn, "committing the ledger", "COMMIT") != 0)
		return pbr_db_failure_code(conn) == EX_UNAVAILABLE ? EX_IOERR :
								      EX_SOFTWARE;
	PBR_FAULT("after-commit");
	for (size_t i = 0; i < r->n && rc == 0; i++)
		rc = pbr_run_publish(&r->items[i]->xmlout, &r->items[i]->annex);
	if (rc == 0 && r->rf.has_unassigned)
		rc = pbr_out_commit(&r->rf.unassigned);
	/* the manifest last: its presence says the run's files are all there */
	if (rc == 0 && !r->o->dry_run)
		rc = pbr_out_commit(&r->rf.manifest);
	if (rc != 0)
		return rc;
	pbr_progress_end();
	if (!r->o->quiet)
		r->k->table(r->o, r->items, r->n);
	return r->k->end ? r->k->end(r->o, r->items, r->n, &r->rf) : 0;
}

static int alloc_items(struct run *r)
{
	char *block = calloc(r->n, r->k->item_size);

	r->items = calloc(r->n, sizeof(struct pbr_run_item *));
	if (block == NULL || r->items == NULL) {
		free(block);
		free(r->items);
		r->items = NULL;
		return pbr_error(EX_OSERR, "out of memory");
	}
	for (size_t i = 0; i < r->n; i++)
		r->items[i] = (struct pbr_run_item *)(block + i * r->k->item_size);
	return 0;
}

static void free_items(struct run *r)
{
	for (size_t i = 0; r->items && i < r->n; i++) {
		pbr_out_abort(&r->items[i]->annex);
		pbr_out_abort(&r->items[i]->xmlout);
		free(r->items[i]->xml);
		r->k->free_item(r->items[i]);
	}
	if (r->items)
		free(r->items[0]);
	free(r->items);
}

/* Libraries with global state start before any worker thread; then the
 * connection and the contracts. */
static int settle(struct run *r)
{
	PGconn *conn;
	int rc;

	xmlInitParser();
	(void)pbr_datadir();
	if (r->o->key && pbr_sign_init() != 0)
		return pbr_error(EX_SOFTWARE, "cannot start xmlsec");
	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	if (pbr_db_exec(conn, "setting up the session", "SET search_path = pg_catalog") != 0)
		rc = pbr_db_failure_code(conn);
	else
		rc = r->k->select(conn, r->o, &r->ids, &r->n);
	if (rc == 0 && r->n > 0)
		rc = alloc_items(r);
	if (rc == 0 && r->n > 0)
		rc = run_all(conn, r);
	pbr_progress_end();
	pbr_out_abort(&r->rf.unassigned);
	pbr_out_abort(&r->rf.manifest);
	free_items(r);
	pbr_free_ids(r->ids, r->n);
	PQfinish(conn);
	return rc;
}

int pbr_run_main(int argc, char **argv)
{
	struct pbr_run_opts o;
	struct run r;
	int rc;

	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	rc = parse_opts(argc, argv, &o);
	if (rc == 0 && o.help) {
		fputs(run_help, stdout);
		return 0;
	}
	if (rc != 0)
		return rc;
	r.o = &o;
	r.k = o.monthly ? &pbr_run_monthly_kind : &pbr_run_pbr_kind;
	if ((rc = r.k->check_date(&o)) != 0 || (rc = check_files(&o)) != 0)
		return rc;
	return settle(&r);
}
