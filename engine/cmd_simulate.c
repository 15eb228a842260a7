/*
 * cmd_simulate.c - pbr-settle simulate: what a draft tariff would pay.
 *
 *   pbr-settle simulate --period P --tariff FILE [--contract ID]... [--out DIR]
 *
 * For every contract holding cohort P-7 (or the --contract ones) the
 * settlement is computed twice with pbr_settle(), the code `run` uses:
 * once under the tariff in force and once with the draft tariff of FILE
 * (tariff_file.h) in its place.  Both happen in one REPEATABLE READ READ
 * ONLY transaction, so they see the same data, and nothing is recorded:
 * no ledger row, no run id, no lock.  A side-by-side table (contract and
 * each PCC area: now, draft, difference, in pounds) goes to stdout.
 *
 * With --out DIR, the draft tariff's statements are also written there as
 * DRAFT statements (<contract>-<period>-draft.xml, RunId 0, with their
 * annex) and rendered as HTML by the stylesheet `report` uses.  Files
 * appear only when every contract has been computed.
 *
 * Exit codes: 0, 64 usage, 65 tariff file errors / data (as `run`), 66
 * tariff file missing, 69 database unavailable, 70 internal, 73 --out.
 */
#include "render.h"
#include "commands.h"
#include "db.h"
#include "outfile.h"
#include "settle.h"
#include "tariff_file.h"
#include "util.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONTRACTS 256

struct sim_opts {
	int period;
	char period_text[8];
	const char *tariff, *out;
	char *contracts[MAX_CONTRACTS];
	size_t ncontracts;
};

/* One contract, both ways. */
struct sim {
	char contract[PBR_ID_MAX];
	struct pbr_statement now, draft;
	struct pbr_outfile annex;
	char *xml;
	size_t xml_len;
};

static int usage(const char *why)
{
	return pbr_error(EX_USAGE, "simulate: %s (usage: pbr-settle simulate --period P --tariff FILE [--contract ID]... [--out DIR])",
			 why);
}

static int parse_opts(int argc, char **argv, struct sim_opts *o)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "tariff", required_argument, NULL, 't' },
		{ "contract", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *period = NULL;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': period = optarg; break;
		case 't': o->tariff = optarg; break;
		case 'o': o->out = optarg; break;
		case 'c':
			if (!pbr_contract_id_ok(optarg))
				return usage("--contract must match ^[A-Z0-9_-]{1,32}$");
			if (o->ncontracts == MAX_CONTRACTS)
				return usage("too many --contract options");
			o->contracts[o->ncontracts++] = optarg;
			break;
		case 'h':
			printf("usage: pbr-settle simulate --period P --tariff FILE [--contract ID]... [--out DIR]\n"
			       "  Settles cohort P-7 under the tariff in force and under the draft\n"
			       "  tariff of FILE, side by side; records nothing.  --out DIR also\n"
			       "  writes the draft statements and their HTML reports.\n");
			return -1;
		default: return usage("unknown option or missing value");
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	if (period == NULL || o->tariff == NULL)
		return usage("--period and --tariff are required");
	if (pbr_quarter_parse(period, &o->period) != 0)
		return usage("--period must be a quarter such as 2025Q4");
	if (pbr_cohort_of_period(o->period) < 1000 * 4)
		return usage("--period is too early");
	pbr_quarter_format(o->period, o->period_text);
	if (o->out && *o->out == '\0')
		return usage("--out needs a directory");
	return 0;
}

/* Every uplift of the draft must name a need the database knows. */
static int check_needs(PGconn *conn, const struct sim_opts *o,
		       const struct pbr_tariff_file *t)
{
	PGresult *res = pbr_db_query(conn, "reading need codes",
				     "SELECT code FROM pbr.need", 0, NULL);
	int rc = 0;

	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (size_t i = 0; i < t->def.n_uplifts && rc == 0; i++) {
		bool found = false;

		for (int r = 0; r < PQntuples(res) && !found; r++)
			found = strcmp(PQgetvalue(res, r, 0), t->def.uplifts[i].need) == 0;
		if (!found)
			rc = pbr_error(EX_DATAERR, "%s:%d: uplift %s: no such need code in pbr.need",
				       o->tariff, t->uplift_line[i], t->def.uplifts[i].need);
	}
	PQclear(res);
	return rc;
}

static int simulate_one(PGconn *conn, const struct sim_opts *o,
			const struct pbr_tariff_file *t, const char *created_at,
			struct sim *sm)
{
	struct pbr_settle_opts now = { .quiet = false };
	struct pbr_settle_opts draft = { .tariff_override = &t->def, .quiet = true };
	char name[PBR_ID_MAX + 32];
	int rc, n;

	rc = pbr_settle(conn, sm->contract, o->period, &now, &sm->now);
	if (rc != 0)
		return rc;
	if (o->out) {
		n = snprintf(name, sizeof name, "%s-%s-draft-annex.csv",
			     sm->contract, o->period_text);
		if (n < 0 || (size_t)n >= sizeof name)
			return pbr_error(EX_SOFTWARE, "file name of %s too long", sm->contract);
		rc = pbr_out_open(&sm->annex, o->out, name);
		if (rc != 0)
			return rc;
		draft.annex = sm->annex.f;
		draft.annex_name = sm->annex.final;
	}
	rc = pbr_settle(conn, sm->contract, o->period, &draft, &sm->draft);
	if (rc == 0 && o->out)
		rc = pbr_out_close(&sm->annex);
	if (rc != 0)
		return rc;
	/* the draft's own description (the override carries the figures) */
	free(sm->draft.tariff.description);
	sm->draft.tariff.description = strdup(t->def.description);
	if (sm->draft.tariff.description == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	if (o->out) {
		struct pbr_statement *s = &sm->draft;

		/* contract ids are at most 32 characters (pbr.contract), so
		 * neither is cut; checked all the same */
		n = snprintf(s->statement_id, sizeof s->statement_id, "%s-%s-draft",
			     sm->contract, o->period_text);
		if (n < 0 || (size_t)n >= sizeof s->statement_id)
			return pbr_error(EX_SOFTWARE, "statement id of %s too long", sm->contract);
		s->draft = true;
		s->run_id = 0;
		n = snprintf(s->created_at, sizeof s->created_at, "%s", created_at);
		if (n < 0 || (size_t)n >= sizeof s->created_at)
			return pbr_error(EX_SOFTWARE, "timestamp %s too long", created_at);
		if (pbr_statement_xml(s, &sm->xml, &sm->xml_len) != 0)
			return pbr_error_oom(EX_SOFTWARE, "cannot write the XML of %s", s->statement_id);
	}
	return 0;
}

/* ---- the table ---------------------------------------------------------- */

static void money(int64_t pence, bool sign, char *buf, size_t size)
{
	char p[32];

	pbr_format_pounds(pence, p, sizeof p);
	snprintf(buf, size, "%s%s", sign && pence > 0 ? "+" : "", p);
}

static void row(const char *contract, const char *area, int64_t now, int64_t draft)
{
	char a[40], b[40], d[40];

	money(now, false, a, sizeof a);
	money(draft, false, b, sizeof b);
	money(draft - now, true, d, sizeof d);
	printf("%-12s %-16s %16s %16s %16s\n", contract, area, a, b, d);
}

/* z in milli as "1.960", for the table only; two buffers for one printf. */
static const char *zbuf(int64_t z_milli, int which)
{
	static char buf[2][24];

	snprintf(buf[which & 1], sizeof buf[0], "%" PRId64 ".%03" PRId64,
		 z_milli / 1000, z_milli % 1000);
	return buf[which & 1];
}

static int print_table(const struct sim_opts *o, const struct pbr_tariff_file *t,
		       struct sim *sm, size_t n)
{
	int64_t tn = 0, td = 0, pn = 0, pd = 0;
	bool any_recon = false;
	char cohort[8];

	pbr_quarter_format(pbr_cohort_of_period(o->period), cohort);
	printf("# simulate: period %s (cohort %s), draft tariff %s from %s; nothing recorded\n",
	       o->period_text, cohort, t->def.version, o->tariff);
	for (size_t i = 0; i < n; i++) {
		const struct pbr_statement *a = &sm[i].now, *b = &sm[i].draft;

		printf("# %s: tariff in force %s (%s rule); B %" PRId64 " is %s at z %s now, %s at z %s under the draft (%s rule)\n",
		       sm[i].contract, a->tariff.version,
		       pbr_binary_mode_name(a->tariff.terms.binary_mode), pbr_sums_B(&a->sums),
		       a->pay.significant ? "significant" : "not significant",
		       zbuf(a->tariff.terms.significance_z_milli, 0),
		       b->pay.significant ? "significant" : "not significant",
		       zbuf(b->tariff.terms.significance_z_milli, 1),
		       pbr_binary_mode_name(b->tariff.terms.binary_mode));
	}
	{
		char h[3][24];

		/* "£" on a UTF-8 console only (util.h) */
		snprintf(h[0], sizeof h[0], "now %s", pbr_pound());
		snprintf(h[1], sizeof h[1], "draft %s", pbr_pound());
		snprintf(h[2], sizeof h[2], "difference %s", pbr_pound());
		printf("%-12s %-16s %16s %16s %16s\n", "contract", "area", h[0], h[1], h[2]);
	}
	for (size_t i = 0; i < n; i++) {
		struct pbr_statement *a = &sm[i].now, *b = &sm[i].draft;

		row(sm[i].contract, "ALL", a->pay.total, b->pay.total);
		if (a->pay.deduction != 0 || b->pay.deduction != 0)
			row(sm[i].contract, "DEDUCTION", -a->pay.deduction, -b->pay.deduction);
		for (size_t k = 0; k < a->n_areas && k < b->n_areas; k++)
			row(sm[i].contract, a->areas[k].code, a->areas[k].total,
			    b->areas[k].total);
		if (a->recon.present) {
			any_recon = true;
			row(sm[i].contract, "TRUE_UP", a->recon.true_up, b->recon.true_up);
			row(sm[i].contract, "PERIOD_DUE", a->period_due, b->period_due);
		}
		if (__builtin_add_overflow(tn, a->pay.total, &tn) ||
		    __builtin_add_overflow(td, b->pay.total, &td) ||
		    __builtin_add_overflow(pn, a->period_due, &pn) ||
		    __builtin_add_overflow(pd, b->period_due, &pd))
			return pbr_error(EX_DATAERR, "simulate: totals overflow");
	}
	row("TOTAL", "ALL", tn, td);
	if (any_recon)
		row("TOTAL", "PERIOD_DUE", pn, pd);
	return 0;
}

/* ---- files, after everything is computed ---------------------------------- */

static int publish(const struct sim_opts *o, struct sim *sm, size_t n)
{
	char name[PBR_ID_MAX + 16];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *id = sm[i].draft.statement_id;

		snprintf(name, sizeof name, "%s.xml", id);
		rc = pbr_write_atomic(o->out, name, sm[i].xml, sm[i].xml_len);
		if (rc == 0)
			rc = pbr_out_commit(&sm[i].annex);
		if (rc == 0) {
			snprintf(name, sizeof name, "%s.html", id);
			rc = pbr_render_statement_buffer(id, sm[i].xml, sm[i].xml_len,
							 "html", o->out, name);
		}
		if (rc == 0)
			fprintf(stderr, "pbr-settle: draft %s/%s.xml and %s/%s.html written\n",
				o->out, id, o->out, id);
	}
	return rc;
}

/* Connects and opens the read-only snapshot both tariffs are priced in;
 * created_at gets the database's time, the drafts' CreatedAt. */
static int open_snapshot(PGconn **conn, char *created_at, size_t size)
{
	PGresult *res;

	*conn = pbr_db_connect();
	if (*conn == NULL)
		return EX_UNAVAILABLE;
	if (pbr_db_exec(*conn, "setting up the session",
			"SET search_path = pg_catalog") != 0 ||
	    pbr_db_exec(*conn, "starting the snapshot",
			"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
		return pbr_db_failure_code(*conn);
	res = pbr_db_query(*conn, "reading the time",
		"SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		0, NULL);
	if (res == NULL)
		return pbr_db_failure_code(*conn);
	snprintf(created_at, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* Every contract of ids[n] priced under both tariffs, into *sm[n]. */
static int simulate_all(PGconn *conn, const struct sim_opts *o,
			const struct pbr_tariff_file *t, const char *created_at,
			char **ids, size_t n, struct sim **sm)
{
	int rc = 0;

	*sm = calloc(n, sizeof **sm);
	if (*sm == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf((*sm)[i].contract, sizeof (*sm)[i].contract, "%s", ids[i]);
		rc = simulate_one(conn, o, t, created_at, &(*sm)[i]);
	}
	return rc;
}

static void sim_free(struct sim *sm, size_t n)
{
	for (size_t i = 0; sm && i < n; i++) {
		pbr_out_abort(&sm[i].annex);
		pbr_statement_free(&sm[i].now);
		pbr_statement_free(&sm[i].draft);
		free(sm[i].xml);
	}
	free(sm);
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o;
	struct pbr_tariff_file t;
	struct sim *sm = NULL;
	PGconn *conn = NULL;
	char **ids = NULL, created_at[32] = "";
	size_t n = 0;
	struct stat st;
	int rc;

	memset(&o, 0, sizeof o);
	memset(&t, 0, sizeof t);
	rc = parse_opts(argc, argv, &o);
	if (rc == -1)
		return 0;
	if (rc != 0)
		return rc;
	if (o.out && (stat(o.out, &st) != 0 || !S_ISDIR(st.st_mode) ||
		      access(o.out, W_OK | X_OK) != 0))
		return pbr_error(EX_CANTCREAT, "simulate: output directory %s does not exist or is not writable",
				 o.out);
	rc = pbr_tariff_file_read(o.tariff, &t);
	if (rc != 0)
		return rc;
	if ((rc = open_snapshot(&conn, created_at, sizeof created_at)) != 0 ||
	    (rc = check_needs(conn, &o, &t)) != 0 ||
	    (rc = pbr_select_contracts(conn, o.period, o.contracts, o.ncontracts, &ids, &n)) != 0)
		goto cleanup;
	if (n == 0) {
		char cohort[8];

		pbr_quarter_format(pbr_cohort_of_period(o.period), cohort);
		fprintf(stderr, "pbr-settle: no contract covers cohort %s (period %s); nothing to simulate\n",
			cohort, o.period_text);
		goto cleanup;
	}
	if ((rc = simulate_all(conn, &o, &t, created_at, ids, n, &sm)) != 0)
		goto cleanup;
	/* read only: ending it changes nothing */
	if (pbr_db_exec(conn, "ending the snapshot", "ROLLBACK") != 0) {
		rc = pbr_db_failure_code(conn);
		goto cleanup;
	}
	PQfinish(conn);
	conn = NULL;
	rc = print_table(&o, &t, sm, n);
	if (rc == 0 && o.out)
		rc = publish(&o, sm, n);
	fflush(stdout);
cleanup:
	sim_free(sm, n);
	pbr_free_ids(ids, n);
	if (conn)
		PQfinish(conn);
	pbr_tariff_file_free(&t);
	return rc;
}
