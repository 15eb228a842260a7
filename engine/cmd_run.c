/*
 * cmd_run.c - pbr-settle run: settles cohort P-7 of every contract that
 * holds it (or the --contract ones), in one REPEATABLE READ snapshot under
 * per-(contract, period) advisory locks.  Statement files and ledger rows
 * land together: files are written and fsynced under temporary names, the
 * ledger rows commit, then the files are renamed.  A ledger row whose file
 * went missing (a crash after COMMIT) is reissued from its stored bytes.
 */
#include "commands.h"
#include "db.h"
#include "digest.h"
#include "faults.h"
#include "manifest.h"
#include "monthly.h"
#include "outfile.h"
#include "progress.h"
#include "run_driver.h"
#include "settle.h"
#include "sign.h"
#include "unassigned.h"
#include "util.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONTRACTS 256
#define MAX_REASON 1000

struct run_opts {
	int period;
	char period_text[8];
	const char *out;
	char *contracts[MAX_CONTRACTS];
	size_t ncontracts;
	bool dry_run, restate, no_wait, unsigned_ok, allow_empty, quiet, help;
	const char *reason, *key, *cert;
	int jobs;
};


/* What one contract leaves to do after COMMIT.  (Members ordered by size,
 * so that the struct carries no padding to speak of.) */
struct pending {
	struct pbr_statement s;
	struct pbr_outfile annex;
	struct pbr_outfile xmlout;
	char *xml;
	size_t xml_len;
	const char *what;          /* "issued", "unchanged, reissued", "draft" */
	int64_t members, rejected, binary, frequency, total, amount_due;
	int64_t period_due, true_up;
	/* the statement as issued: by this run, or earlier (reissued) */
	int64_t issued_run_id;
	char contract[PBR_ID_MAX];
	char statement_id[PBR_ID_MAX];
	char what_buf[PBR_ID_MAX + 64];
	char issued_at[32];
	char digest[65];
	bool over_limit;           /* a dry run's rejects over the limit */
	bool has_true_up;
	bool restatement;
	/* a new statement waiting for its ledger row (not in a dry run) */
	bool to_record;
	int seq;
	int rc;                    /* what computing it returned */
};

/* The statement in force for (contract, period), when there is one. */
struct in_force {
	bool present;
	char statement_id[PBR_ID_MAX];
	int seq;
	char input_digest[65], annex_digest[65];
	char *tariff_version, *recon_basis, *xml;
	int64_t total, period_due, amount_due, members, rejected, run_id;
	char created_at[32];
};

/* What a run writes besides the statements (SPEC 2 and 7). */
struct run_files {
	struct pbr_outfile unassigned;
	struct pbr_outfile manifest;
	int64_t unassigned_rows;
};

/* ---- options ------------------------------------------------------------ */

static const char run_help[] =
	"Usage: pbr-settle run --period P --out DIR [--contract ID]... [--dry-run]\n"
	"           [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned]\n"
	"           [--allow-empty] [--no-wait] [--jobs N] [--quiet]\n"
	"\n"
	"Settles cohort P-7 of every contract that holds it (or the --contract\n"
	"ones) and writes <contract>-<period>-<seq>.xml and its -annex.csv into\n"
	"DIR, the run manifest <period>-run.xml (count and control sum of\n"
	"AmountDuePence) and <period>-unassigned.csv (rows whose cohort_quarter\n"
	"is malformed), and records the statements in the ledger.\n"
	"\n"
	"  --period P           settlement period, e.g. 2025Q4 (settles cohort 2024Q1);\n"
	"                       a period that has not begun is refused (65)\n"
	"  --out DIR            an existing directory\n"
	"  --contract ID        only this contract (repeatable)\n"
	"  --dry-run            write DRAFT statements, record nothing; written even\n"
	"                       when rejects exceed the limit (then exit 65)\n"
	"  --restate --reason TEXT\n"
	"                       supersede the statement in force when inputs changed\n"
	"  --sign-key PEM --sign-cert PEM\n"
	"                       sign the statements and the manifest (XMLDSig)\n"
	"  --unsigned           issue FINAL statements unsigned, on purpose\n"
	"  --allow-empty        settle a cohort with no rows at all (else 65)\n"
	"  --no-wait            exit 75 instead of waiting for another run's lock\n"
	"  --jobs N             compute N contracts at once (1 to 32)\n"
	"  --quiet              no progress and no table (errors and notes stay)\n"
	"  --help               this text\n"
	"\n"
	"Progress (rows read, rows/s) shows on stderr when it is a terminal.\n";

static int usage(const char *why)
{
	return pbr_error(EX_USAGE, "run: %s (usage: pbr-settle run --period P --out DIR [--contract ID]... [--dry-run] [--restate --reason TEXT] [--sign-key PEM --sign-cert PEM | --unsigned] [--allow-empty] [--no-wait] [--jobs N])",
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

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
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
	const char *period = NULL;
	int c;

	o->jobs = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': period = optarg; break;
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
		case 'U': o->unsigned_ok = true; break;
		case 'E': o->allow_empty = true; break;
		case 'q': o->quiet = true; break;
		case 'h': o->help = true; return 0;
		case 'n': o->no_wait = true; break;
		case 'j': {
			int64_t j;
			if (pbr_parse_int64(optarg, &j) != 0 || j < 1 || j > PBR_RUN_MAX_JOBS)
				return usage("--jobs must be 1 to 32");
			o->jobs = (int)j;
			break;
		}
		default: return usage("unknown option or missing value");
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	if (period == NULL || o->out == NULL)
		return usage("--period and --out are required");
	if (pbr_quarter_parse(period, &o->period) != 0)
		return usage("--period must be a quarter such as 2025Q4");
	if (o->period - 7 < 1000 * 4)
		return usage("--period is too early");
	pbr_quarter_format(o->period, o->period_text);
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

/* SPEC 3: a period later than the quarter of today's date (UTC) has not
 * begun; checked first, whether or not a contract covers it. */
static int check_not_begun(const struct run_opts *o)
{
	time_t now = time(NULL);
	struct tm tm;
	char today[8];
	int current;

	if (gmtime_r(&now, &tm) == NULL)
		return pbr_error(EX_OSERR, "cannot read the clock");
	current = pbr_quarter_of_date(tm.tm_year + 1900, tm.tm_mon + 1);
	if (o->period <= current)
		return 0;
	pbr_quarter_format(current, today);
	return pbr_error(EX_DATAERR,
			 "period %s has not begun (today, UTC, is in %s); nothing written",
			 o->period_text, today);
}

static int check_files(const struct run_opts *o)
{
	struct stat st;

	if (o->out == NULL)
		return EX_USAGE;
	if (stat(o->out, &st) != 0 || !S_ISDIR(st.st_mode))
		return pbr_error(EX_CANTCREAT, "output directory %.256s does not exist or is not a directory",
				 o->out);
	if (access(o->out, W_OK | X_OK) != 0)
		return pbr_error(EX_CANTCREAT, "output directory %.256s is not writable", o->out);
	/* the same code as every command for an input file: 66 when it
	 * cannot be read or is not a regular file */
	if (o->key && access(o->key, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read signing key %s", o->key);
	if (o->key && (stat(o->key, &st) != 0 || !S_ISREG(st.st_mode)))
		return pbr_error(EX_NOINPUT, "signing key %s is not a regular file", o->key);
	if (o->cert && access(o->cert, R_OK) != 0)
		return pbr_error(EX_NOINPUT, "cannot read signing certificate %s", o->cert);
	if (o->cert && (stat(o->cert, &st) != 0 || !S_ISREG(st.st_mode)))
		return pbr_error(EX_NOINPUT, "signing certificate %s is not a regular file", o->cert);
	return 0;
}

/* ---- database steps ----------------------------------------------------- */

/* One advisory lock per (contract, period), taken in (contract, period)
 * order so that concurrent runs cannot deadlock.  A Q4 cohort's run also
 * locks the year's earlier periods: it pools their statements in force,
 * and a restatement of one of them must not slip in between. */
static int lock_one(PGconn *conn, const struct run_opts *o, const char *id,
		    int period)
{
	char ptext[16], q[8];
	const char *params[2] = { id, ptext };
	PGresult *res;
	int rc = 0;

	snprintf(ptext, sizeof ptext, "%d", period);
	res = pbr_db_query(conn, "taking the settlement lock",
		o->no_wait ?
		"SELECT pg_try_advisory_lock(hashtext('pbr-settle:' || $1), $2::int)" :
		"SELECT pg_advisory_lock(hashtext('pbr-settle:' || $1), $2::int), true",
		2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	pbr_quarter_format(period, q);
	if (o->no_wait && strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = pbr_error(EX_TEMPFAIL, "contract %s period %s is being settled by another run (lock held)",
			       id, q);
	PQclear(res);
	return rc;
}

static int take_locks(PGconn *conn, const struct run_opts *o, char **ids,
		      size_t n)
{
	int cohort = o->period - 7;
	int first = cohort % 4 == 3 ? o->period - 3 : o->period;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		for (int p = first; p <= o->period && rc == 0; p++)
			rc = lock_one(conn, o, ids[i], p);
		/* SPEC 11: the reconciliation reads the year's December monthly
		 * statement; hold its lock too (cmd_run_month.c takes it alone) */
		if (rc == 0 && cohort % 4 == 3)
			rc = pbr_lock_month(conn, ids[i], cohort / 4 * 12 + 11, o->no_wait);
	}
	return rc;
}

static void in_force_free(struct in_force *f)
{
	free(f->tariff_version);
	free(f->recon_basis);
	free(f->xml);
	memset(f, 0, sizeof *f);
}

static int load_in_force(PGconn *conn, const char *contract,
			 const char *period, struct in_force *f)
{
	const char *params[2] = { contract, period };
	PGresult *res = pbr_db_query(conn, "reading the statement in force",
		"SELECT statement_id, seq, input_digest, annex_digest, tariff_version,"
		" recon_basis, convert_from(statement_xml, 'UTF8'), total_pence,"
		" period_due_pence, members, rejected, amount_due_pence, run_id,"
		" to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		" FROM pbr.statement_in_force WHERE contract_id = $1 AND period = $2",
		2, params);
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
		f->tariff_version = strdup(PQgetvalue(res, 0, 4));
		f->recon_basis = strdup(PQgetvalue(res, 0, 5));
		f->xml = strdup(PQgetvalue(res, 0, 6));
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 7), &f->total);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 8), &f->period_due);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 9), &f->members);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 10), &f->rejected);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 11), &f->amount_due);
		bad |= pbr_parse_int64(PQgetvalue(res, 0, 12), &f->run_id);
		snprintf(f->created_at, sizeof f->created_at, "%s", PQgetvalue(res, 0, 13));
	}
	PQclear(res);
	if (f->present && (!f->tariff_version || !f->recon_basis || !f->xml))
		return pbr_error(EX_OSERR, "out of memory");
	if (bad)
		return pbr_error(EX_SOFTWARE, "the ledger row of %s holds a figure that is not an integer",
				 f->statement_id);
	return 0;
}

static bool unchanged(const struct in_force *f, const struct pbr_statement *s)
{
	return strcmp(f->input_digest, s->input_digest) == 0 &&
	       strcmp(f->tariff_version, s->tariff.version) == 0 &&
	       strcmp(f->recon_basis, s->recon.present ? s->recon.basis : "") == 0;
}

static int refuse_change(const struct in_force *f, const struct pbr_statement *s)
{
	char what[512];
	size_t n = 0;

	what[0] = '\0';
	if (strcmp(f->input_digest, s->input_digest) != 0)
		n += (size_t)snprintf(what + n, sizeof what - n,
				      "input digest %.12s%s -> %.12s%s, members %" PRId64 " -> %" PRId64 ", rejected %" PRId64 " -> %" PRId64,
				      f->input_digest, pbr_ellipsis(), s->input_digest,
				      pbr_ellipsis(), f->members, s->members, f->rejected,
				      s->rejected);
	if (strcmp(f->tariff_version, s->tariff.version) != 0)
		n += (size_t)snprintf(what + n, sizeof what - n, "%stariff %s -> %s",
				      n ? "; " : "", f->tariff_version, s->tariff.version);
	if (s->recon.present && strcmp(f->recon_basis, s->recon.basis) != 0)
		snprintf(what + n, sizeof what - n, "%sstatements pooled %s -> %s",
			 n ? "; " : "", f->recon_basis, s->recon.basis);
	return pbr_error(EX_DATAERR,
			 "inputs of contract %s period %s changed since %s (%s); rerun with --restate --reason TEXT to supersede it",
			 s->contract_id, s->period, f->statement_id, what);
}

static int record(PGconn *conn, const struct pbr_statement *s, int seq,
		  const char *xml, const char *statement_digest)
{
	char v[16][24], counts[256];
	const char *p[27];
	PGresult *res;

	pbr_format_reject_counts(s->rejects, ",", counts, sizeof counts);
	snprintf(v[0], sizeof v[0], "%" PRId64, s->run_id);
	snprintf(v[1], sizeof v[1], "%d", seq);
	snprintf(v[2], sizeof v[2], "%" PRId64, s->members);
	snprintf(v[3], sizeof v[3], "%" PRId64, s->rejected);
	snprintf(v[4], sizeof v[4], "%" PRId64, s->sums.W);
	snprintf(v[5], sizeof v[5], "%" PRId64, s->sums.Eb);
	snprintf(v[6], sizeof v[6], "%" PRId64, s->sums.Ab);
	snprintf(v[7], sizeof v[7], "%" PRId64, s->sums.Ef);
	snprintf(v[8], sizeof v[8], "%" PRId64, s->sums.Af);
	snprintf(v[9], sizeof v[9], "%" PRId64, s->pay.total);
	snprintf(v[10], sizeof v[10], "%" PRId64, s->period_due);
	snprintf(v[11], sizeof v[11], "%" PRId64, s->amount_due);
	p[0] = s->statement_id; p[1] = v[0]; p[2] = s->contract_id;
	p[3] = s->period; p[4] = s->cohort; p[5] = v[1];
	p[6] = s->restatement ? "RESTATEMENT" : "ORIGINAL";
	p[7] = s->restatement ? s->supersedes : NULL;
	p[8] = s->restatement ? s->reason : NULL;
	p[9] = s->tariff.version; p[10] = PBR_VERSION;
	p[11] = s->input_digest; p[12] = s->annex_digest; p[13] = statement_digest;
	p[14] = s->recon.present ? s->recon.basis : "";
	p[15] = v[2]; p[16] = v[3]; p[17] = counts;
	p[18] = v[4]; p[19] = v[5]; p[20] = v[6]; p[21] = v[7]; p[22] = v[8];
	p[23] = v[9]; p[24] = v[10]; p[25] = v[11]; p[26] = xml;
	res = pbr_db_query(conn, "recording the statement in the ledger",
		"INSERT INTO pbr.settlement (statement_id, run_id, contract_id, period,"
		" cohort_quarter, seq, kind, supersedes, reason, tariff_version,"
		" engine_version, input_digest, annex_digest, statement_digest,"
		" recon_basis, members, rejected, reject_counts, weighted_size,"
		" expected_binary, actual_binary, expected_frequency, actual_frequency,"
		" total_pence, period_due_pence, amount_due_pence, statement_xml,"
		" started_at, created_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
		" $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,"
		" convert_to($27, 'UTF8'), now(), now())", 27, p);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	PQclear(res);
	return 0;
}

/* After a restatement of a Q1-Q3 cohort: the year's reconciliation in
 * force, if made, pooled another statement of this period and must be
 * restated too. */
static int note_reconciliation(PGconn *conn, const struct pbr_statement *s,
			       int period)
{
	char q4[8], prefix[PBR_ID_MAX + 16];
	const char *params[4];
	PGresult *res;
	int cohort = period - 7;

	if (cohort % 4 == 3)
		return 0;
	pbr_quarter_format(cohort - cohort % 4 + 3 + 7, q4);
	snprintf(prefix, sizeof prefix, "%s-%s-", s->contract_id, s->period);
	params[0] = s->contract_id;
	params[1] = q4;
	params[2] = prefix;
	params[3] = s->statement_id;
	res = pbr_db_query(conn, "checking the year's reconciliation",
		"SELECT statement_id FROM pbr.statement_in_force"
		" WHERE contract_id = $1 AND period = $2 AND EXISTS ("
		"  SELECT 1 FROM unnest(string_to_array(recon_basis, ',')) b"
		"  WHERE left(b, length($3)) = $3 AND b <> $4)", 4, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1)
		pbr_note("the %d annual reconciliation in %s pooled a superseded statement of period %s; restate period %s next",
			 cohort / 4, PQgetvalue(res, 0, 0), s->period, q4);
	PQclear(res);
	return 0;
}

/* ---- one contract ------------------------------------------------------- */

static int finish_statement(const struct run_opts *o, struct pbr_statement *s,
			    struct pending *pd)
{
	char *xml = NULL;
	size_t len = 0;

	if (pbr_statement_xml(s, &xml, &len) != 0)
		return pbr_error(EX_SOFTWARE, "cannot write the XML of %s", s->statement_id);
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

/* Computes one contract: the annex (to a temporary file), the figures, the
 * statement bytes (signed), and what the ledger will record.  Reads only;
 * safe to run in a worker thread on its own connection. */
static int compute_contract(PGconn *conn, const struct run_opts *o,
			    const char *contract, int64_t run_id,
			    const char *created_at, struct pending *pd)
{
	struct pbr_statement *s = &pd->s;
	/* quiet: malformed quarters go to the unassigned file */
	struct pbr_settle_opts so = { .quiet = true };
	struct in_force f;
	char name[PBR_ID_MAX + 16];
	int rc;

	memset(&f, 0, sizeof f);
	snprintf(pd->contract, sizeof pd->contract, "%s", contract);
	snprintf(name, sizeof name, "%s-%s-annex.csv", contract, o->period_text);
	rc = pbr_out_open(&pd->annex, o->out, name);
	if (rc != 0)
		return rc;
	so.annex = pd->annex.f;
	so.annex_name = pd->annex.final;
	/* SPEC 7: a dry run writes its draft even over the reject limit */
	so.over_limit = o->dry_run ? &pd->over_limit : NULL;
	rc = pbr_settle(conn, contract, o->period, &so, s);
	if (rc == 0)
		pbr_progress_contract_done();
	if (rc == 0 && s->members + s->rejected == 0 && !o->allow_empty)
		rc = pbr_error(EX_DATAERR,
			       "cohort %s of contract %s has no rows at all in CPA %s (a missing feed?); nothing written; --allow-empty settles it at zero",
			       s->cohort, contract, s->cpa_code);
	if (rc == 0)
		rc = pbr_out_close(&pd->annex);
	if (rc == 0)
		rc = load_in_force(conn, contract, o->period_text, &f);
	if (rc != 0)
		goto cleanup;
	s->run_id = o->dry_run ? 0 : run_id;
	snprintf(s->created_at, sizeof s->created_at, "%s", created_at);
	s->draft = o->dry_run;
	if (f.present && !o->dry_run && unchanged(&f, s)) {
		if (strcmp(f.annex_digest, s->annex_digest) != 0) {
			rc = pbr_error(EX_SOFTWARE, "annex of %s differs from its recorded digest with unchanged inputs",
				       f.statement_id);
			goto cleanup;
		}
		if (o->restate)
			pbr_note("inputs of %s unchanged; nothing to restate", f.statement_id);
		snprintf(pd->statement_id, sizeof pd->statement_id, "%s", f.statement_id);
		pd->xml = f.xml;
		pd->xml_len = strlen(f.xml);
		f.xml = NULL;
		pd->what = "unchanged, reissued";
		/* the recorded amount due, not a recomputed one */
		s->amount_due = f.amount_due;
		s->period_due = f.period_due;
		pd->restatement = f.seq > 1;
		pd->issued_run_id = f.run_id;
		snprintf(pd->issued_at, sizeof pd->issued_at, "%s", f.created_at);
	} else {
		if (f.present && !o->dry_run && !o->restate) {
			rc = refuse_change(&f, s);
			goto cleanup;
		}
		if (f.present) {
			s->restatement = true;
			snprintf(s->supersedes, sizeof s->supersedes, "%s", f.statement_id);
			s->reason = strdup(o->reason ? o->reason : "draft");
			if (s->reason == NULL) {
				rc = pbr_error(EX_OSERR, "out of memory");
				goto cleanup;
			}
			s->has_previous_total = true;
			s->previous_total = f.total;
			s->previous_period_due = f.period_due;
			s->amount_due = s->period_due - f.period_due;
			s->advance_netted = 0;  /* netted once, by the original (SPEC 7) */
		}
		pd->seq = f.present ? f.seq + 1 : 1;
		if (o->dry_run)
			snprintf(s->statement_id, sizeof s->statement_id, "%s-%s-draft",
				 contract, o->period_text);
		else
			snprintf(s->statement_id, sizeof s->statement_id, "%s-%s-%d",
				 contract, o->period_text, pd->seq);
		snprintf(pd->statement_id, sizeof pd->statement_id, "%s", s->statement_id);
		rc = finish_statement(o, s, pd);
		if (rc != 0)
			goto cleanup;
		pd->what = o->dry_run ? "draft" : s->restatement ? "restated" : "issued";
		/* SPEC 7: a draft of a settled period is a restatement draft, and
		 * the console says whether it would change anything */
		if (o->dry_run && f.present) {
			snprintf(pd->what_buf, sizeof pd->what_buf, "restatement draft of %s: %s",
				 f.statement_id, unchanged(&f, s) ? "would change nothing" :
				 "inputs changed, would restate it");
			pd->what = pd->what_buf;
		}
		pd->restatement = s->restatement;
		pd->issued_run_id = s->run_id;
		snprintf(pd->issued_at, sizeof pd->issued_at, "%s", s->created_at);
		pd->to_record = !o->dry_run;
	}
	if (pbr_sha256_buffer(pd->xml, pd->xml_len, pd->digest) != 0) {
		rc = pbr_error(EX_SOFTWARE, "SHA-256 failed");
		goto cleanup;
	}
	snprintf(name, sizeof name, "%s-annex.csv", pd->statement_id);
	snprintf(pd->annex.final, sizeof pd->annex.final, "%s/%s", o->out, name);
	pd->members = s->members;
	pd->rejected = s->rejected;
	pd->binary = s->pay.binary;
	pd->frequency = s->pay.frequency;
	pd->total = s->pay.total;
	pd->amount_due = s->amount_due;
	pd->period_due = s->period_due;
	pd->has_true_up = s->recon.present;
	pd->true_up = s->recon.present ? s->recon.true_up : 0;
cleanup:
	in_force_free(&f);
	return rc;
}

/* Records a computed statement in the ledger: on the committing connection. */
static int record_contract(PGconn *conn, const struct run_opts *o,
			   struct pending *pd)
{
	int rc;

	if (!pd->to_record)
		return 0;
	rc = record(conn, &pd->s, pd->seq, pd->xml, pd->digest);
	if (rc == 0 && pd->s.restatement)
		rc = note_reconciliation(conn, &pd->s, o->period);
	return rc;
}

/* ---- every contract (--jobs) --------------------------------------------- */

struct compute_ctx {
	const struct run_opts *o;
	char **ids;
	struct pending *pd;
	int64_t run_id;
	const char *created_at;
};

static int compute_one(PGconn *conn, void *arg, size_t i)
{
	struct compute_ctx *c = arg;

	return compute_contract(conn, c->o, c->ids[i], c->run_id, c->created_at,
				&c->pd[i]);
}

/* ---- after COMMIT ------------------------------------------------------- */

static void print_table(const struct run_opts *o, const struct pending *pd,
			size_t n)
{
	static const char *const money[] = { "binary", "frequency", "total",
					     "true-up", "amount due" };
	char b[32], f[32], t[32], u[32], a[32], h[5][24];
	int64_t members = 0, rejected = 0, due = 0;

	if (o->quiet)
		return;
	for (int i = 0; i < 5; i++)
		snprintf(h[i], sizeof h[i], "%s %s", money[i], pbr_pound());
	printf("%-12s %9s %8s %14s %14s %14s %14s %14s  %s\n", "contract",
	       "members", "rejected", h[0], h[1], h[2], h[3], h[4], "statement");
	for (size_t i = 0; i < n; i++) {
		pbr_format_pounds(pd[i].binary, b, sizeof b);
		pbr_format_pounds(pd[i].frequency, f, sizeof f);
		pbr_format_pounds(pd[i].total, t, sizeof t);
		if (pd[i].has_true_up)
			pbr_format_pounds(pd[i].true_up, u, sizeof u);
		else
			snprintf(u, sizeof u, "-");
		pbr_format_pounds(pd[i].amount_due, a, sizeof a);
		printf("%-12s %9" PRId64 " %8" PRId64 " %14s %14s %14s %14s %14s  %s/%s.xml (%s)\n",
		       pd[i].contract, pd[i].members, pd[i].rejected, b, f, t, u, a,
		       o->out, pd[i].statement_id, pd[i].what);
		/* counts cannot overflow; the amounts' sum was checked as the
		 * manifest's control sum (or saturates in a draft) */
		members += pd[i].members;
		rejected += pd[i].rejected;
		if (__builtin_add_overflow(due, pd[i].amount_due, &due))
			due = pd[i].amount_due < 0 ? INT64_MIN : INT64_MAX;
	}
	pbr_format_pounds(due, a, sizeof a);
	printf("%-12s %9" PRId64 " %8" PRId64 " %14s %14s %14s %14s %14s  %zu %s%s\n",
	       "total", members, rejected, "", "", "", "", a, n,
	       o->dry_run ? "draft" : "statement", n == 1 ? "" : "s");
}

/* After the files are in place: the notes and failures a run ends with. */
static int report_end(const struct pending *pd, size_t n,
		      const struct run_files *rf)
{
	char counts[512];
	int rc = 0;

	if (rf->unassigned_rows > 0)
		pbr_note("%" PRId64 " row%s of the settled CPAs %s a malformed cohort_quarter and belong%s to no cohort: listed in %s",
			 rf->unassigned_rows, rf->unassigned_rows == 1 ? "" : "s",
			 rf->unassigned_rows == 1 ? "has" : "have",
			 rf->unassigned_rows == 1 ? "s" : "", rf->unassigned.final);
	for (size_t i = 0; i < n; i++) {
		const struct pbr_statement *s = &pd[i].s;

		if (!pd[i].over_limit)
			continue;
		pbr_format_reject_counts(s->rejects, ", ", counts, sizeof counts);
		rc = pbr_error(EX_DATAERR,
			       "%" PRId64 " of %" PRId64 " rows of cohort %s of contract %s rejected, over max_reject_ppm %" PRId64 " (%s); the draft and its annex %s are written so that the rows at fault can be seen",
			       s->rejected, s->rejected + s->members, s->cohort,
			       s->contract_id, s->tariff.terms.max_reject_ppm, counts,
			       pd[i].annex.final);
	}
	return rc;
}

/* SPEC 2: the malformed-quarter rows of the CPAs settled, to a temporary
 * <period>-unassigned.csv (a dry run's: <period>-draft-unassigned.csv). */
static int stage_unassigned(PGconn *conn, const struct run_opts *o,
			    const struct pending *pd, size_t n,
			    struct run_files *rf)
{
	char name[64];
	char **cpas = calloc(n + 1, sizeof *cpas);
	int rc;

	if (cpas == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < n; i++)
		cpas[i] = pd[i].s.cpa_code;
	snprintf(name, sizeof name, "%s%s-unassigned.csv", o->period_text,
		 o->dry_run ? "-draft" : "");
	rc = pbr_out_open(&rf->unassigned, o->out, name);
	if (rc == 0)
		rc = pbr_unassigned_write(conn, cpas, n, rf->unassigned.f,
					  rf->unassigned.final, &rf->unassigned_rows);
	if (rc == 0)
		rc = pbr_out_close(&rf->unassigned);
	free(cpas);
	return rc;
}

/* SPEC 7: the run manifest, signed like the statements, to a temporary
 * <period>-run.xml.  Not for a dry run, which issues nothing. */
static int stage_manifest(const struct run_opts *o, const struct pending *pd,
			  size_t n, struct run_files *rf)
{
	struct pbr_manifest_entry *e = calloc(n + 1, sizeof *e);
	struct pbr_manifest m = { .period = o->period_text, .n = n, .e = e,
				  .unassigned = rf->unassigned_rows };
	int rc;

	if (e == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < n; i++) {
		e[i].statement_id = pd[i].statement_id;
		e[i].contract = pd[i].contract;
		e[i].restatement = pd[i].restatement;
		e[i].run_id = pd[i].issued_run_id;
		e[i].created_at = pd[i].issued_at;
		e[i].period_due = pd[i].period_due;
		e[i].amount_due = pd[i].amount_due;
		e[i].sha256 = pd[i].digest;
	}
	rc = pbr_run_stage_manifest(&m, o->out, o->key, o->cert, &rf->manifest);
	free(e);
	return rc;
}

static int run_all(PGconn *conn, const struct run_opts *o, char **ids,
		   size_t n, struct pending *pd, struct run_files *rf)
{
	PGresult *res = NULL;
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
	if (rc != 0)
		return rc;
	ctx.run_id = run_id;
	pbr_progress_start(o->period_text, n, !o->quiet && isatty(STDERR_FILENO));
	rc = pbr_run_parallel(conn, o->jobs, n, compute_one, &ctx);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = record_contract(conn, o, &pd[i]);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = pbr_run_stage_xml(o->out, pd[i].statement_id, pd[i].xml,
				       pd[i].xml_len, &pd[i].xmlout);
	if (rc == 0)
		rc = stage_unassigned(conn, o, pd, n, rf);
	if (rc == 0 && !o->dry_run)
		rc = stage_manifest(o, pd, n, rf);
	if (rc != 0)
		return rc;
	PBR_FAULT("temp-written");
	PBR_FAULT("before-commit");
	if (pbr_db_exec(conn, "committing the ledger", "COMMIT") != 0)
		return pbr_db_failure_code(conn) == EX_UNAVAILABLE ? EX_IOERR :
								      EX_SOFTWARE;
	PBR_FAULT("after-commit");
	for (size_t i = 0; i < n; i++) {
		rc = pbr_run_publish(&pd[i].xmlout, &pd[i].annex);
		if (rc != 0)
			return rc;
	}
	/* the manifest last: its presence says the run's files are all there */
	rc = pbr_out_commit(&rf->unassigned);
	if (rc == 0 && !o->dry_run)
		rc = pbr_out_commit(&rf->manifest);
	if (rc != 0)
		return rc;
	pbr_progress_end();
	print_table(o, pd, n);
	return report_end(pd, n, rf);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct run_files rf;
	struct pending *pd = NULL;
	PGconn *conn = NULL;
	char **ids = NULL;
	size_t n = 0;
	int rc;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++)   /* --month: SPEC 11, cmd_run_month.c */
		if (strcmp(argv[i], "--month") == 0 || strncmp(argv[i], "--month=", 8) == 0)
			return cmd_run_month(argc, argv);
	memset(&rf, 0, sizeof rf);
	rc = parse_opts(argc, argv, &o);
	if (rc == 0 && o.help) {
		fputs(run_help, stdout);
		return 0;
	}
	if (rc == 0)
		rc = check_not_begun(&o);
	if (rc == 0)
		rc = check_files(&o);
	if (rc != 0)
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
	rc = pbr_select_contracts(conn, o.period, o.contracts, o.ncontracts, &ids, &n);
	if (rc != 0)
		goto cleanup;
	if (n == 0) {
		char cohort[8];

		pbr_quarter_format(o.period - 7, cohort);
		pbr_note("no contract covers cohort %s (period %s); nothing to settle",
			 cohort, o.period_text);
		goto cleanup;
	}
	pd = calloc(n, sizeof *pd);
	if (pd == NULL) {
		rc = pbr_error(EX_OSERR, "out of memory");
		goto cleanup;
	}
	rc = run_all(conn, &o, ids, n, pd, &rf);
cleanup:
	pbr_progress_end();
	pbr_out_abort(&rf.unassigned);
	pbr_out_abort(&rf.manifest);
	for (size_t i = 0; pd && i < n; i++) {
		pbr_out_abort(&pd[i].annex);
		pbr_out_abort(&pd[i].xmlout);
		free(pd[i].xml);
		pbr_statement_free(&pd[i].s);
	}
	free(pd);
	pbr_free_ids(ids, n);
	if (conn)
		PQfinish(conn);
	return rc;
}
