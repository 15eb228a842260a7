/*
 * cmd_run_month.c - pbr-settle run --month YYYY-MM: the monthly
 * fee-for-service statements of SPEC 11, through the machinery of SPEC 7:
 * advisory locks per (contract, month), one REPEATABLE READ snapshot, the
 * one ledger (pbr.settlement, statement_type MONTHLY), idempotent re-runs,
 * restatements, dry runs and signatures.  Statement files and ledger rows
 * land together: files are written and fsynced under temporary names, the
 * ledger rows commit, then the files are renamed.  A ledger row whose
 * file went missing (a crash after COMMIT) is reissued from its bytes.
 */
#include "commands.h"
#include "core.h"
#include "db.h"
#include "digest.h"
#include "faults.h"
#include "monthly.h"
#include "outfile.h"
#include "run_driver.h"
#include "sign.h"
#include "util.h"

#include <getopt.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONTRACTS 256
#define MAX_REASON 1000

struct month_opts {
	int month;
	char month_text[8];
	const char *out;
	char *contracts[MAX_CONTRACTS];
	size_t ncontracts;
	bool dry_run, restate, no_wait, unsigned_ok, quiet;
	const char *reason, *key, *cert;
	int jobs;
};

struct pending {
	char statement_id[PBR_MONTHLY_ID_MAX];
	struct pbr_outfile annex, xmlout;
	char *xml;
	size_t xml_len;
	const char *what;
	bool to_record;
	bool restatement;          /* the statement listed (issued or reissued) */
	int seq;
	int64_t issued_run_id;     /* the run that issued it */
	char issued_at[32];        /* its CreatedAt */
	char digest[65];
	struct pbr_monthly m;
};

struct in_force {
	bool present;
	char statement_id[PBR_MONTHLY_ID_MAX];
	int seq;
	char input_digest[65], annex_digest[65];
	char *xml;
	int64_t period_due, amount_due, run_id;
	char created_at[32];
};

static int usage(const char *why)
{
	return pbr_error(EX_USAGE, "run: %s (usage: pbr-settle run --month YYYY-MM --out DIR [--contract ID]... [--dry-run] [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned] [--no-wait] [--jobs N] [--quiet])",
			 why);
}

static const char month_help[] =
	"usage: pbr-settle run --month YYYY-MM --out DIR [--contract ID]... [--dry-run]\n"
	"           [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned]\n"
	"           [--no-wait] [--jobs N] [--quiet]\n"
	"\n"
	"Writes the monthly fee-for-service statement (SPEC 11) of every contract\n"
	"billed for the month (a pbr.contract_year row for its year), or of the\n"
	"--contract ones: <contract>-<YYYY-MM>-<seq>.xml (schemas/monthly.xsd) and\n"
	"its -annex.csv.  December also reconciles the year's volume and states\n"
	"the PbR pot.  The month must have ended (fees are paid in arrears); any\n"
	"fault in its returns fails the run (65) with nothing written.  Re-runs,\n"
	"restatements, dry runs, signatures and locks are as for --period.\n"
	"A run that issues or reissues statements also writes the run manifest\n"
	"<YYYY-MM>-run.xml (schemas/manifest.xsd: count, control sum of\n"
	"AmountDuePence, each statement's SHA-256; signed like them); a dry run\n"
	"writes none.  --jobs N computes N contracts at once (1 to 32), each on\n"
	"its own connection in the run's snapshot.\n";

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

static int parse_opts(int argc, char **argv, struct month_opts *o)
{
	static const struct option longopts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "contract", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "restate", no_argument, NULL, 'r' },
		{ "reason", required_argument, NULL, 'R' },
		{ "sign-key", required_argument, NULL, 'k' },
		{ "sign-cert", required_argument, NULL, 'C' },
		{ "unsigned", no_argument, NULL, 'u' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "allow-empty", no_argument, NULL, 'a' },
		{ "period", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *month = NULL;
	int c;

	o->jobs = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': month = optarg; break;
		case 'o': o->out = optarg; break;
		case 'c':
			if (!pbr_contract_id_ok(optarg))
				return usage("--contract must match ^[A-Z0-9_-]{1,32}$");
			if (o->ncontracts == MAX_CONTRACTS)
				return usage("too many --contract options");
			o->contracts[o->ncontracts++] = optarg;
			break;
		case 'd': o->dry_run = true; break;
		case 'r': o->restate = true; break;
		case 'R': o->reason = optarg; break;
		case 'k': o->key = optarg; break;
		case 'C': o->cert = optarg; break;
		case 'u': o->unsigned_ok = true; break;
		case 'n': o->no_wait = true; break;
		case 'q': o->quiet = true; break;
		case 'a': break;
		case 'p': return usage("--period and --month exclude each other");
		case 'h':
			fputs(month_help, stdout);
			return -1;        /* no empty cohort in a month: a missing return is a fault */
		case 'j': {
			int64_t j;
			if (pbr_parse_int64(optarg, &j) != 0 || j < 1 || j > 32)
				return usage("--jobs must be 1 to 32");
			o->jobs = (int)j;
			break;
		}
		default: return usage("unknown option or missing value");
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	if (month == NULL || o->out == NULL)
		return usage("--month and --out are required");
	if (pbr_month_parse(month, &o->month) != 0)
		return usage("--month must be a month such as 2025-03");
	pbr_month_format(o->month, o->month_text);
	if (o->restate != (o->reason != NULL))
		return usage("--restate and --reason go together");
	if (o->reason && !reason_ok(o->reason))
		return usage("--reason must be 1 to 1000 printable characters");
	if ((o->key == NULL) != (o->cert == NULL))
		return usage("--sign-key and --sign-cert go together");
	if (o->key && o->unsigned_ok)
		return usage("--unsigned and --sign-key exclude each other");
	/* SPEC 7: a FINAL statement is signed unless --unsigned says not */
	if (!o->dry_run && !o->key && !o->unsigned_ok)
		return usage("a FINAL statement needs --sign-key and --sign-cert, or --unsigned");
	return 0;
}

static int check_files(const struct month_opts *o)
{
	struct stat st;

	if (o->out == NULL)
		return EX_USAGE;
	if (stat(o->out, &st) != 0 || !S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "output directory %.256s does not exist or is not a directory",
				 o->out);
	if (access(o->out, W_OK | X_OK) != 0)
		return pbr_error(EX_CANTCREAT, "output directory %.256s is not writable", o->out);
	if (o->key && access(o->key, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read signing key %s", o->key);
	if (o->cert && access(o->cert, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read signing certificate %s", o->cert);
	return 0;
}

/* SPEC 11.2: fees are paid in arrears; a month not yet ended is refused. */
static int check_ended(const struct month_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;
	int current;

	if (gmtime_r(&now, &tm) == NULL)
		return pbr_error(EX_OSERR, "cannot read the clock");
	current = (tm.tm_year + 1900) * 12 + tm.tm_mon;
	if (o->month >= current)
		return pbr_error(EX_DATAERR,
				 "month %s has not ended (today, UTC, is in %s or before it); fees are paid in arrears; nothing written",
				 o->month_text, o->month_text);
	return 0;
}

/* ---- ledger --------------------------------------------------------------- */

/* One advisory lock per (contract, month).  The key space is apart from
 * the PbR periods' ('pbr-settle-month:'). */
int pbr_lock_month(PGconn *conn, const char *contract, int month, bool no_wait)
{
	char mtext[16], mt[8];
	const char *params[2] = { contract, mtext };
	PGresult *res;
	int rc = 0;

	snprintf(mtext, sizeof mtext, "%d", month);
	res = pbr_db_query(conn, "taking the settlement lock",
		no_wait ?
		"SELECT pg_try_advisory_lock(hashtext('pbr-settle-month:' || $1), $2::int)" :
		"SELECT pg_advisory_lock(hashtext('pbr-settle-month:' || $1), $2::int), true",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	pbr_month_format(month, mt);
	if (no_wait && strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = pbr_error(EX_TEMPFAIL, "contract %s month %s is being settled by another run (lock held)",
			       contract, mt);
	PQclear(res);
	return rc;
}

/* In contract order, so that concurrent runs cannot deadlock. */
static int take_locks(PGconn *conn, const struct month_opts *o, char **ids,
		      size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = pbr_lock_month(conn, ids[i], o->month, o->no_wait);
	return rc;
}

static int load_in_force(PGconn *conn, const char *contract, const char *month,
			 struct in_force *f)
{
	const char *params[2] = { contract, month };
	PGresult *res = pbr_db_query(conn, "reading the statement in force",
		"SELECT statement_id, seq, input_digest, annex_digest,"
		" convert_from(statement_xml, 'UTF8'), period_due_pence, amount_due_pence,"
		" run_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		" FROM pbr.statement_in_force WHERE contract_id = $1 AND period = $2"
		" AND statement_type = 'MONTHLY'", 2, params);
	int64_t v = 0;
	int bad = 0;

	memset(f, 0, sizeof *f);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1) {
		f->present = true;
		snprintf(f->statement_id, sizeof f->statement_id, "%s", PQgetvalue(res, 0, 0));
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 1), &v);
		f->seq = (int)v;
		snprintf(f->input_digest, sizeof f->input_digest, "%s", PQgetvalue(res, 0, 2));
		snprintf(f->annex_digest, sizeof f->annex_digest, "%s", PQgetvalue(res, 0, 3));
		f->xml = strdup(PQgetvalue(res, 0, 4));
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 5), &f->period_due);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 6), &f->amount_due);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 7), &f->run_id);
		snprintf(f->created_at, sizeof f->created_at, "%s", PQgetvalue(res, 0, 8));
	}
	PQclear(res);
	if (f->present && f->xml == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	if (bad)
		return pbr_error(EX_SOFTWARE, "the ledger row of %s holds a figure that is not an integer",
				 f->statement_id);
	return 0;
}

static int record(PGconn *conn, const struct pending *pd)
{
	const struct pbr_monthly *m = &pd->m;
	char v[12][24];
	const char *p[22];
	PGresult *res;

	snprintf(v[0], sizeof v[0], "%" PRId64, m->run_id);
	snprintf(v[1], sizeof v[1], "%d", pd->seq);
	snprintf(v[2], sizeof v[2], "%" PRId64, m->period_due);
	snprintf(v[3], sizeof v[3], "%" PRId64, m->amount_due);
	snprintf(v[4], sizeof v[4], "%" PRId64, m->ffs);
	snprintf(v[5], sizeof v[5], "%" PRId64, m->credits.credit);
	snprintf(v[6], sizeof v[6], "%" PRId64, m->advance);
	snprintf(v[7], sizeof v[7], "%" PRId64, m->december ? m->recon.adjustment : 0);
	snprintf(v[8], sizeof v[8], "%" PRId64, m->recon.ffs_year);
	snprintf(v[9], sizeof v[9], "%" PRId64, m->recon.map);
	snprintf(v[10], sizeof v[10], "%" PRId64, m->recon.pbr_pot);
	p[0] = m->statement_id; p[1] = v[0]; p[2] = m->contract_id;
	p[3] = m->month_text; p[4] = v[1];
	p[5] = m->restatement ? "RESTATEMENT" : "ORIGINAL";
	p[6] = m->restatement ? m->supersedes : NULL;
	p[7] = m->restatement ? m->reason : NULL;
	p[8] = PBR_VERSION; p[9] = m->input_digest; p[10] = m->annex_digest;
	p[11] = pd->digest; p[12] = v[2]; p[13] = v[3]; p[14] = pd->xml;
	p[15] = v[4]; p[16] = v[5]; p[17] = v[6]; p[18] = v[7];
	p[19] = m->december ? v[8] : NULL;
	p[20] = m->december ? v[9] : NULL;
	p[21] = m->december ? v[10] : NULL;
	res = pbr_db_query(conn, "recording the statement in the ledger",
		"INSERT INTO pbr.settlement (statement_id, run_id, contract_id, period,"
		" seq, kind, supersedes, reason, engine_version, input_digest,"
		" annex_digest, statement_digest, total_pence, period_due_pence,"
		" amount_due_pence, statement_xml, statement_type, ffs_pence,"
		" credit_pence, advance_pence, adjustment_pence, ffs_year_pence,"
		" map_pence, pbr_pot_pence, started_at, created_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13,"
		" $14, convert_to($15, 'UTF8'), 'MONTHLY', $16, $17, $18, $19, $20,"
		" $21, $22, now(), now())", 22, p);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	PQclear(res);
	return 0;
}

/* After a December restatement: a PbR annual reconciliation in force that
 * read the superseded December statement must be restated too (SPEC 7). */
static int note_reconciliation(PGconn *conn, const struct pbr_monthly *m)
{
	const char *params[2] = { m->contract_id, m->supersedes };
	PGresult *res;

	if (!m->restatement || !m->december)
		return 0;
	res = pbr_db_query(conn, "checking the year's PbR reconciliation",
		"SELECT period FROM pbr.statement_in_force WHERE contract_id = $1"
		" AND statement_type = 'PBR' AND $2 = ANY (string_to_array(recon_basis, ','))",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (int i = 0; i < PQntuples(res); i++)
		fprintf(stderr, "pbr-settle: note: the %d annual PbR reconciliation of %s (period %s) was capped with superseded %s; restate period %s next\n",
			m->year, m->contract_id, PQgetvalue(res, i, 0), m->supersedes,
			PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

/* ---- one contract --------------------------------------------------------- */

static int finish_statement(const struct month_opts *o, struct pending *pd)
{
	char *xml = NULL;
	size_t len = 0;

	if (pbr_monthly_xml(&pd->m, &xml, &len) != 0)
		return pbr_error(EX_SOFTWARE, "cannot write the XML of %s", pd->m.statement_id);
	if (o->key) {
		char *signed_xml = NULL;
		size_t signed_len = 0;
		int rc = pbr_sign(xml, len, o->key, o->cert, &signed_xml, &signed_len);

		free(xml);
		if (rc != 0)
			return rc;
		xml = signed_xml;
		len = signed_len;
	}
	pd->xml = xml;
	pd->xml_len = len;
	return 0;
}

/* Inputs unchanged: the statement in force, its bytes and figures as the
 * ledger recorded them, is listed again (SPEC 7). */
static void reissue(struct in_force *f, struct pending *pd)
{
	snprintf(pd->statement_id, sizeof pd->statement_id, "%s", f->statement_id);
	pd->xml = f->xml;
	pd->xml_len = strlen(f->xml);
	f->xml = NULL;
	pd->what = "unchanged, reissued";
	pd->m.amount_due = f->amount_due;
	pd->m.period_due = f->period_due;
	pd->restatement = f->seq > 1;
	pd->issued_run_id = f->run_id;
	snprintf(pd->issued_at, sizeof pd->issued_at, "%s", f->created_at);
}

static int compute_contract(PGconn *conn, const struct month_opts *o,
			    const char *contract, int64_t run_id,
			    const char *created_at, struct pending *pd)
{
	struct pbr_monthly *m = &pd->m;
	struct in_force f;
	int rc;

	memset(&f, 0, sizeof f);
	rc = pbr_monthly_compute(conn, contract, o->month, m);
	if (rc == 0)
		rc = load_in_force(conn, contract, o->month_text, &f);
	if (rc != 0)
		goto cleanup;
	m->run_id = o->dry_run ? 0 : run_id;
	snprintf(m->created_at, sizeof m->created_at, "%s", created_at);
	m->draft = o->dry_run;
	if (f.present && !o->dry_run && strcmp(f.input_digest, m->input_digest) == 0) {
		if (strcmp(f.annex_digest, m->annex_digest) != 0) {
			rc = pbr_error(EX_SOFTWARE, "annex of %s differs from its recorded digest with unchanged inputs",
				       f.statement_id);
			goto cleanup;
		}
		if (o->restate)
			fprintf(stderr, "pbr-settle: note: inputs of %s unchanged; nothing to restate\n",
				f.statement_id);
		reissue(&f, pd);
	} else {
		if (f.present && !o->dry_run && !o->restate) {
			rc = pbr_error(EX_DATAERR,
				       "inputs of contract %s month %s changed since %s (input digest %.12s… -> %.12s…); rerun with --restate --reason TEXT to supersede it",
				       contract, o->month_text, f.statement_id,
				       f.input_digest, m->input_digest);
			goto cleanup;
		}
		if (f.present) {
			m->restatement = true;
			snprintf(m->supersedes, sizeof m->supersedes, "%s", f.statement_id);
			m->reason = strdup(o->reason ? o->reason : "draft");
			if (m->reason == NULL) {
				rc = pbr_error(EX_OSERR, "out of memory");
				goto cleanup;
			}
			m->has_previous = true;
			m->previous_period_due = f.period_due;
			if (__builtin_sub_overflow(m->period_due, f.period_due, &m->amount_due)) {
				rc = pbr_error(EX_DATAERR, "AmountDuePence of contract %s month %s overflows",
					       contract, o->month_text);
				goto cleanup;
			}
			if (o->dry_run && strcmp(f.input_digest, m->input_digest) == 0)
				fprintf(stderr, "pbr-settle: note: draft of %s month %s: inputs unchanged since %s; a run would change nothing\n",
					contract, o->month_text, f.statement_id);
		}
		pd->seq = f.present ? f.seq + 1 : 1;
		if (o->dry_run)
			snprintf(m->statement_id, sizeof m->statement_id, "%s-%s-draft",
				 contract, o->month_text);
		else
			snprintf(m->statement_id, sizeof m->statement_id, "%s-%s-%d",
				 contract, o->month_text, pd->seq);
		snprintf(pd->statement_id, sizeof pd->statement_id, "%s", m->statement_id);
		rc = finish_statement(o, pd);
		if (rc != 0)
			goto cleanup;
		pd->what = o->dry_run ? "draft" : m->restatement ? "restated" : "issued";
		pd->restatement = m->restatement;
		pd->issued_run_id = m->run_id;
		snprintf(pd->issued_at, sizeof pd->issued_at, "%s", m->created_at);
		pd->to_record = !o->dry_run;
	}
	if (pbr_sha256_buffer(pd->xml, pd->xml_len, pd->digest) != 0)
		rc = pbr_error(EX_SOFTWARE, "SHA-256 failed");
cleanup:
	free(f.xml);
	return rc;
}

/* ---- files ----------------------------------------------------------------- */

/* Before COMMIT: annex and statement under temporary names, fsynced. */
static int stage(const struct month_opts *o, struct pending *pd)
{
	char name[PBR_MONTHLY_ID_MAX + 16];
	int rc;

	snprintf(name, sizeof name, "%s-annex.csv", pd->statement_id);
	if ((rc = pbr_out_open(&pd->annex, o->out, name)) != 0)
		return rc;
	if (fwrite(pd->m.annex, 1, pd->m.annex_len, pd->annex.f) != pd->m.annex_len)
		return pbr_error(EX_IOERR, "cannot write %s", pd->annex.final);
	if ((rc = pbr_out_close(&pd->annex)) != 0)
		return rc;
	return pbr_run_stage_xml(o->out, pd->statement_id, pd->xml, pd->xml_len,
				 &pd->xmlout);
}

/* SPEC 7 and 11.4: the run manifest <month>-run.xml, signed like the
 * statements, to a temporary name.  Not for a dry run, which issues
 * nothing.  No monthly row is unassigned: UnassignedRows is 0. */
static int stage_manifest(const struct month_opts *o, const struct pending *pd,
			  size_t n, struct pbr_outfile *mf)
{
	struct pbr_manifest_entry *e = calloc(n + 1, sizeof *e);
	struct pbr_manifest man = { .period = o->month_text, .n = n, .e = e,
				    .statement_type = "MONTHLY" };
	int rc;

	if (e == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		e[i].statement_id = pd[i].statement_id;
		e[i].contract = pd[i].m.contract_id;
		e[i].restatement = pd[i].restatement;
		e[i].run_id = pd[i].issued_run_id;
		e[i].created_at = pd[i].issued_at;
		e[i].period_due = pd[i].m.period_due;
		e[i].amount_due = pd[i].m.amount_due;
		e[i].sha256 = pd[i].digest;
	}
	rc = pbr_run_stage_manifest(&man, o->out, o->key, o->cert, mf);
	free(e);
	return rc;
}

static void print_table(const struct month_opts *o, const struct pending *pd,
			size_t n)
{
	char f[32], c[32], a[32], j[32], p[32], d[32];
	int64_t total = 0;

	printf("%-12s %-7s %12s %12s %12s %14s %14s %14s  %s\n", "contract", "month",
	       "fee £", "credits £", "advance £", "adjustment £", "period due £",
	       "amount due £", "statement");
	for (size_t i = 0; i < n; i++) {
		const struct pbr_monthly *m = &pd[i].m;

		pbr_format_pounds(m->ffs, f, sizeof f);
		pbr_format_pounds(m->credits.credit, c, sizeof c);
		pbr_format_pounds(m->advance, a, sizeof a);
		pbr_format_pounds(m->december ? m->recon.adjustment : 0, j, sizeof j);
		pbr_format_pounds(m->period_due, p, sizeof p);
		pbr_format_pounds(m->amount_due, d, sizeof d);
		printf("%-12s %-7s %12s %12s %12s %14s %14s %14s  %s/%s.xml (%s)\n",
		       m->contract_id, o->month_text, f, c, a, j, p, d, o->out,
		       pd[i].statement_id, pd[i].what);
		/* the sum was checked as the manifest's control sum (or
		 * saturates in a draft) */
		if (__builtin_add_overflow(total, m->amount_due, &total))
			total = m->amount_due < 0 ? INT64_MIN : INT64_MAX;
	}
	pbr_format_pounds(total, d, sizeof d);
	printf("total: %zu statement%s, amount due £%s\n", n, n == 1 ? "" : "s", d);
}

struct compute_ctx {
	const struct month_opts *o;
	char **ids;
	struct pending *pd;
	int64_t run_id;
	const char *created_at;
};

/* One contract, on the run's connection or a worker's (--jobs). */
static int compute_one(PGconn *conn, void *arg, size_t i)
{
	struct compute_ctx *c = arg;

	return compute_contract(conn, c->o, c->ids[i], c->run_id, c->created_at,
				&c->pd[i]);
}

static int run_all(PGconn *conn, const struct month_opts *o, char **ids,
		   size_t n, struct pending *pd, struct pbr_outfile *mf)
{
	PGresult *res;
	int64_t run_id = 0;
	char created_at[32] = "";
	struct compute_ctx ctx = { .o = o, .ids = ids, .pd = pd,
				   .created_at = created_at };
	int rc = 0;

	if (!o->dry_run && (rc = take_locks(conn, o, ids, n)) != 0)
		return rc;
	if (pbr_db_exec(conn, "starting the snapshot",
			"BEGIN ISOLATION LEVEL REPEATABLE READ") != 0)
		return pbr_db_failure_code(conn);
	res = pbr_db_query(conn, "allocating a run id",
		o->dry_run ?
		"SELECT 0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')" :
		"SELECT nextval('pbr.run_id_seq'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		0, NULL);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (pbr_parse_int64(PQgetvalue(res, 0, 0), &run_id) != 0)
		rc = pbr_error(EX_SOFTWARE, "run id '%s' is not a number", PQgetvalue(res, 0, 0));
	snprintf(created_at, sizeof created_at, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	ctx.run_id = run_id;
	if (rc == 0)
		rc = pbr_run_parallel(conn, o->jobs, n, compute_one, &ctx);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (pd[i].to_record && (rc = record(conn, &pd[i])) == 0)
			rc = note_reconciliation(conn, &pd[i].m);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = stage(o, &pd[i]);
	if (rc == 0 && !o->dry_run)
		rc = stage_manifest(o, pd, n, mf);
	if (rc != 0)
		return rc;
	PBR_FAULT("temp-written");
	PBR_FAULT("before-commit");
	if (pbr_db_exec(conn, "committing the ledger", "COMMIT") != 0)
		return pbr_db_failure_code(conn) == EX_UNAVAILABLE ? EX_IOERR : EX_SOFTWARE;
	PBR_FAULT("after-commit");
	for (size_t i = 0; i < n; i++)
		if ((rc = pbr_run_publish(&pd[i].xmlout, &pd[i].annex)) != 0)
			return rc;
	/* the manifest last: its presence says the run's files are all there */
	if (!o->dry_run && (rc = pbr_out_commit(mf)) != 0)
		return rc;
	print_table(o, pd, n);
	return 0;
}

int cmd_run_month(int argc, char **argv)
{
	struct month_opts o;
	struct pbr_outfile mf;
	struct pending *pd = NULL;
	PGconn *conn = NULL;
	char **ids = NULL;
	size_t n = 0;
	int rc;

	memset(&o, 0, sizeof o);
	memset(&mf, 0, sizeof mf);
	rc = parse_opts(argc, argv, &o);
	if (rc < 0)
		return 0;       /* --help */
	if (rc != 0 || (rc = check_ended(&o)) != 0 ||
	    (rc = check_files(&o)) != 0)
		return rc;
	/* libraries with global state start here, before any worker thread */
	xmlInitParser();
	(void)pbr_datadir();
	if (o.key && pbr_sign_init() != 0)
		return pbr_error(EX_SOFTWARE, "cannot start xmlsec");
	conn = pbr_db_connect();
	if (conn == NULL)
		return EX_UNAVAILABLE;
	if (pbr_db_exec(conn, "setting up the session", "SET search_path = pg_catalog") != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	rc = pbr_monthly_contracts(conn, o.month, o.contracts, o.ncontracts, &ids, &n);
	if (rc != 0)
		goto cleanup;
	if (n == 0) {
		fprintf(stderr, "pbr-settle: no contract is billed for %s (no contract_year row for %d); nothing to settle\n",
			o.month_text, pbr_month_year(o.month));
		goto cleanup;
	}
	pd = calloc(n, sizeof *pd);
	if (pd == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	rc = run_all(conn, &o, ids, n, pd, &mf);
cleanup:
	pbr_out_abort(&mf);
	for (size_t i = 0; pd && i < n; i++) {
		pbr_out_abort(&pd[i].annex);
		pbr_out_abort(&pd[i].xmlout);
		free(pd[i].xml);
		pbr_monthly_free(&pd[i].m);
	}
	free(pd);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (conn)
		PQfinish(conn);
	return rc;
}
