/*
 * ledger.c - locks, the statement in force, SPEC 7's reissue / refuse /
 * restate policy and the rows runs record (pbr.settlement), for PbR and
 * monthly statements alike; the statements a reconciliation pools; and
 * every read verify, history and report make of the ledger; the
 * monitor's baseline and the year's December statement.
 */
#include "ledger.h"
#include "core.h"
#include "db.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- locks ---------------------------------------------------------------- */

/* Taken in (contract, period) order by every run, so that concurrent runs
 * cannot deadlock.  The months' key space is apart from the periods'. */
int pbr_ledger_lock(PGconn *conn, bool monthly, const char *contract,
		    int period, bool no_wait)
{
	char ptext[16], label[8];
	const char *params[3] = { monthly ? "pbr-settle-month:" : "pbr-settle:",
				  contract, ptext };
	PGresult *res;
	int rc = 0;

	snprintf(ptext, sizeof ptext, "%d", period);
	res = pbr_db_query(conn, "taking the settlement lock",
		no_wait ?
		"SELECT pg_try_advisory_lock(hashtext($1 || $2), $3::int)" :
		"SELECT pg_advisory_lock(hashtext($1 || $2), $3::int), true",
		3, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (monthly)
		pbr_month_format(period, label);
	else
		pbr_quarter_format(period, label);
	if (no_wait && strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		rc = pbr_error(EX_TEMPFAIL, "contract %s %s %s is being settled by another run (lock held)",
			       contract, monthly ? "month" : "period", label);
	PQclear(res);
	return rc;
}

/* ---- the statement in force ------------------------------------------------ */

void pbr_in_force_free(struct pbr_in_force *f)
{
	free(f->tariff_version);
	free(f->recon_basis);
	free(f->xml);
	memset(f, 0, sizeof *f);
}

static int in_force_row(const PGresult *res, struct pbr_in_force *f)
{
	int64_t v = 0;
	int bad = 0;

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
	if (!f->tariff_version || !f->recon_basis || !f->xml)
		return pbr_error(EX_OSERR, "out of memory");
	if (bad)
		return pbr_error(EX_SOFTWARE, "the ledger row of %s holds a figure that is not an integer",
				 f->statement_id);
	return 0;
}

int pbr_ledger_in_force(PGconn *conn, const char *type, const char *contract,
			const char *period, struct pbr_in_force *f)
{
	const char *params[3] = { contract, period, type };
	PGresult *res;
	int rc = 0;

	memset(f, 0, sizeof *f);
	res = pbr_db_query(conn, "reading the statement in force",
		"SELECT statement_id, seq, input_digest, annex_digest,"
		" coalesce(tariff_version, ''), coalesce(recon_basis, ''),"
		" convert_from(statement_xml, 'UTF8'), total_pence, period_due_pence,"
		" coalesce(members, 0), coalesce(rejected, 0), amount_due_pence, run_id,"
		" to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		" FROM pbr.statement_in_force WHERE contract_id = $1 AND period = $2"
		" AND statement_type = $3", 3, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1)
		rc = in_force_row(res, f);
	PQclear(res);
	return rc;
}

/* ---- SPEC 7's policy ---------------------------------------------------------- */

bool pbr_ledger_unchanged(const struct pbr_in_force *f,
			  const struct pbr_ledger_now *now)
{
	return f->present &&
	       strcmp(f->input_digest, now->input_digest) == 0 &&
	       strcmp(f->tariff_version, now->tariff_version) == 0 &&
	       strcmp(f->recon_basis, now->recon_basis) == 0;
}

static int refuse(const struct pbr_in_force *f, const struct pbr_ledger_now *now)
{
	char what[512];
	size_t n = 0;

	what[0] = '\0';
	if (strcmp(f->input_digest, now->input_digest) != 0)
		n += (size_t)snprintf(what, sizeof what, "input digest %.12s%s -> %.12s%s",
				      f->input_digest, pbr_ellipsis(),
				      now->input_digest, pbr_ellipsis());
	if (n && now->has_counts)
		n += (size_t)snprintf(what + n, sizeof what - n,
				      ", members %" PRId64 " -> %" PRId64 ", rejected %" PRId64 " -> %" PRId64,
				      f->members, now->members, f->rejected, now->rejected);
	if (strcmp(f->tariff_version, now->tariff_version) != 0)
		n += (size_t)snprintf(what + n, sizeof what - n, "%stariff %s -> %s",
				      n ? "; " : "", f->tariff_version, now->tariff_version);
	if (now->recon_basis[0] && strcmp(f->recon_basis, now->recon_basis) != 0)
		snprintf(what + n, sizeof what - n, "%sstatements pooled %s -> %s",
			 n ? "; " : "", f->recon_basis, now->recon_basis);
	return pbr_error(EX_DATAERR,
			 "inputs of contract %s %s %s changed since %s (%s); rerun with --restate --reason TEXT to supersede it",
			 now->contract, now->what, now->period, f->statement_id, what);
}

int pbr_ledger_decide(const struct pbr_in_force *f,
		      const struct pbr_ledger_now *now, bool dry_run,
		      bool restate, enum pbr_ledger_action *act)
{
	*act = f->present ? PBR_LEDGER_RESTATE : PBR_LEDGER_ISSUE;
	if (!f->present || dry_run)
		return 0;
	if (pbr_ledger_unchanged(f, now)) {
		if (strcmp(f->annex_digest, now->annex_digest) != 0)
			return pbr_error(EX_SOFTWARE, "annex of %s differs from its recorded digest with unchanged inputs",
					 f->statement_id);
		if (restate)
			pbr_note("inputs of %s unchanged; nothing to restate", f->statement_id);
		*act = PBR_LEDGER_REISSUE;
		return 0;
	}
	return restate ? 0 : refuse(f, now);
}

/* ---- recording ----------------------------------------------------------------- */

static int record_pbr(PGconn *conn, const struct pbr_statement *s, int seq,
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
static int note_pooled(PGconn *conn, const struct pbr_statement *s, int period)
{
	char q4[8], prefix[PBR_ID_MAX + 16];
	const char *params[4];
	PGresult *res;
	int cohort = pbr_cohort_of_period(period);

	if (pbr_is_q4(cohort))
		return 0;
	pbr_quarter_format(pbr_period_of_cohort(pbr_q4_of_year(cohort)), q4);
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

static int record_monthly(PGconn *conn, const struct pbr_monthly *m, int seq,
			  const char *xml, const char *statement_digest)
{
	char v[12][24];
	const char *p[22];
	PGresult *res;

	snprintf(v[0], sizeof v[0], "%" PRId64, m->run_id);
	snprintf(v[1], sizeof v[1], "%d", seq);
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
	p[11] = statement_digest; p[12] = v[2]; p[13] = v[3]; p[14] = xml;
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
static int note_december(PGconn *conn, const struct pbr_monthly *m)
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
		pbr_note("the %d annual PbR reconciliation of %s (period %s) was capped with superseded %s; restate period %s next",
			 m->year, m->contract_id, PQgetvalue(res, i, 0), m->supersedes,
			 PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

int pbr_ledger_record_pbr(PGconn *conn, const struct pbr_statement *s,
			  int seq, const char *xml, const char *digest)
{
	int period = 0;
	int rc = record_pbr(conn, s, seq, xml, digest);

	if (rc == 0 && s->restatement && pbr_quarter_parse(s->period, &period) == 0)
		rc = note_pooled(conn, s, period);
	return rc;
}

int pbr_ledger_record_monthly(PGconn *conn, const struct pbr_monthly *m,
			      int seq, const char *xml, const char *digest)
{
	int rc = record_monthly(conn, m, seq, xml, digest);

	if (rc == 0)
		rc = note_december(conn, m);
	return rc;
}

/* ---- the statements an annual reconciliation pools (SPEC 6) -------------- */

#define POOL_COLS \
	"SELECT statement_id, members, weighted_size, expected_binary," \
	" actual_binary, expected_frequency, actual_frequency, total_pence," \
	" (xpath('/s:SettlementStatement/s:Cohort/s:BinaryVariance/text()'," \
	" convert_from(statement_xml, 'UTF8')::xml," \
	" ARRAY[ARRAY['s', 'urn:pbr-settle:statement:1']]))[1]::text"

int pbr_ledger_pooled(PGconn *conn, const char *contract, const char *period,
		      const char *by_id, struct pbr_pooled *p, bool *found)
{
	const char *params[2] = { contract, by_id ? by_id : period };
	const char *sql_in_force = POOL_COLS
		" FROM pbr.statement_in_force WHERE contract_id = $1 AND period = $2";
	const char *sql_by_id = POOL_COLS
		" FROM pbr.settlement WHERE contract_id = $1 AND statement_id = $2";
	int64_t *f[7] = { &p->sums.n, &p->sums.W, &p->sums.Eb, &p->sums.Ab,
			  &p->sums.Ef, &p->sums.Af, &p->total };
	PGresult *res;
	int rc = 0;

	memset(p, 0, sizeof *p);
	*found = false;
	res = pbr_db_query(conn, "reading the statements of the year",
			   by_id ? sql_by_id : sql_in_force, 2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1)
		goto cleanup;
	*found = true;
	snprintf(p->statement_id, sizeof p->statement_id, "%s", PQgetvalue(res, 0, 0));
	for (int c = 0; c < 7 && rc == 0; c++)
		if (PQgetisnull(res, 0, 1 + c) ||
		    pbr_parse_int64(PQgetvalue(res, 0, 1 + c), f[c]) != 0)
			rc = pbr_error(EX_SOFTWARE, "ledger row of %s has an unreadable figure",
				       p->statement_id);
	p->has_variance = !PQgetisnull(res, 0, 8) &&
			  pbr_i128_parse(PQgetvalue(res, 0, 8), &p->sums.V) == 0 &&
			  p->sums.V >= 0;
cleanup:
	PQclear(res);
	return rc;
}

/* ---- verify: a statement's row, what it superseded, what superseded it --- */

void pbr_ledger_row_free(struct pbr_ledger_row *r)
{
	free(r->recon_basis);
	memset(r, 0, sizeof *r);
}

int pbr_ledger_read_row(PGconn *conn, const char *statement_id,
			struct pbr_ledger_row *r)
{
	const char *params[1] = { statement_id };
	PGresult *res;

	memset(r, 0, sizeof *r);
	res = pbr_db_query(conn, "reading the ledger",
		"SELECT statement_digest, recon_basis FROM pbr.settlement"
		" WHERE statement_id = $1", 1, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) == 1) {
		r->present = true;
		snprintf(r->statement_digest, sizeof r->statement_digest, "%s",
			 PQgetvalue(res, 0, 0));
		r->recon_basis = strdup(PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	if (r->present && r->recon_basis == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	return 0;
}

int pbr_ledger_read_paid(PGconn *conn, const char *statement_id,
			 struct pbr_ledger_paid *p)
{
	const char *params[1] = { statement_id };
	PGresult *res;
	int rc = 0;

	memset(p, 0, sizeof *p);
	res = pbr_db_query(conn, "reading the superseded statement",
		"SELECT period_due_pence, total_pence FROM pbr.settlement"
		" WHERE statement_id = $1", 1, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1)
		goto cleanup;
	if (pbr_parse_int64(PQgetvalue(res, 0, 0), &p->period_due) != 0 ||
	    pbr_parse_int64(PQgetvalue(res, 0, 1), &p->total) != 0) {
		rc = pbr_error(EX_SOFTWARE, "the ledger row of %s holds a figure that is not an integer",
			       statement_id);
		goto cleanup;
	}
	p->present = true;
cleanup:
	PQclear(res);
	return rc;
}

int pbr_ledger_read_successor(PGconn *conn, const char *statement_id,
			      const char *contract, const char *period,
			      struct pbr_ledger_successor *s)
{
	const char *params[3] = { statement_id, contract, period };
	PGresult *res;

	memset(s, 0, sizeof *s);
	res = pbr_db_query(conn, "reading what superseded the statement",
		"SELECT s.statement_id, coalesce(s.reason, ''),"
		" to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" coalesce((SELECT f.statement_id FROM pbr.statement_in_force f"
		"   WHERE f.contract_id = $2 AND f.period = $3), '')"
		" FROM pbr.settlement s WHERE s.supersedes = $1", 3, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) > 0) {
		s->present = true;
		snprintf(s->id, sizeof s->id, "%s", PQgetvalue(res, 0, 0));
		snprintf(s->reason, sizeof s->reason, "%s", PQgetvalue(res, 0, 1));
		snprintf(s->when, sizeof s->when, "%s", PQgetvalue(res, 0, 2));
		snprintf(s->in_force, sizeof s->in_force, "%s", PQgetvalue(res, 0, 3));
	}
	PQclear(res);
	return 0;
}

/* ---- history: the listing ------------------------------------------------- */

int pbr_ledger_each_listed(PGconn *conn, const char *contract,
			   const char *period, pbr_ledger_listing_fn fn,
			   void *arg)
{
	const char *params[2] = { contract, period };
	const char *col[PBR_LL_NCOLS];
	PGresult *res;
	int rc = 0;

	/* the columns in the order of enum pbr_ledger_listing_col */
	res = pbr_db_query(conn, "reading the ledger",
		"SELECT s.run_id, s.contract_id, s.period, s.cohort_quarter, s.seq, s.kind,"
		" CASE WHEN f.statement_id IS NULL THEN 'SUPERSEDED' ELSE 'IN_FORCE' END,"
		" s.total_pence, s.amount_due_pence, s.input_digest, s.statement_digest,"
		" to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" s.statement_id, s.operator, coalesce(s.reason, '')"
		" FROM pbr.settlement s LEFT JOIN pbr.statement_in_force f"
		" ON f.statement_id = s.statement_id"
		" WHERE ($1::text IS NULL OR s.contract_id = $1)"
		" AND ($2::text IS NULL OR s.period = $2)"
		" ORDER BY s.contract_id COLLATE \"C\", s.period, s.seq", 2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		for (int c = 0; c < PBR_LL_NCOLS; c++)
			col[c] = PQgetvalue(res, i, c);
		rc = fn(arg, col);
	}
	PQclear(res);
	return rc;
}

/* ---- report: the statements in force of a contract year or a CPA ------- */

/* Passes each row (statement_id, statement_type, period, cohort, xml) of
 * res to fn, in order; clears res. */
static int each_doc(PGresult *res, pbr_ledger_doc_fn fn, void *arg)
{
	struct pbr_ledger_doc d;
	int rc = 0;

	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		d.statement_id = PQgetvalue(res, i, 0);
		d.type = PQgetvalue(res, i, 1);
		d.period = PQgetvalue(res, i, 2);
		d.cohort = PQgetvalue(res, i, 3);
		d.xml = PQgetvalue(res, i, 4);
		d.len = (size_t)PQgetlength(res, i, 4);
		d.chain_due = PQnfields(res) > 5 ? PQgetvalue(res, i, 5) : "";
		rc = fn(arg, &d);
	}
	PQclear(res);
	return rc;
}

int pbr_ledger_each_in_force_year(PGconn *conn, const char *contract,
				  const char *year, pbr_ledger_doc_fn fn,
				  void *arg)
{
	const char *params[2] = { contract, year };
	PGresult *res = pbr_db_query(conn, "reading the statements in force",
		"SELECT s.statement_id, s.statement_type, s.period, coalesce(s.cohort_quarter, ''),"
		" convert_from(s.statement_xml, 'UTF8'),"
		" (SELECT sum(a.amount_due_pence) FROM pbr.settlement a WHERE a.contract_id = s.contract_id"
		"  AND a.statement_type = s.statement_type AND a.period = s.period)"
		" FROM pbr.statement_in_force s WHERE s.contract_id = $1"
		" AND ((s.statement_type = 'MONTHLY' AND left(s.period, 4) = $2)"
		"  OR (s.statement_type = 'PBR' AND left(s.cohort_quarter, 4) = $2))"
		" ORDER BY s.period COLLATE \"C\"", 2, params);

	if (res == NULL)
		return pbr_db_failure_code(conn);
	return each_doc(res, fn, arg);
}

int pbr_ledger_each_in_force_cpa(PGconn *conn, const char *cpa,
				 const char *from, const char *to,
				 pbr_ledger_doc_fn fn, void *arg)
{
	const char *params[3] = { cpa, from, to };
	PGresult *res = pbr_db_query(conn, "reading the statements in force",
		"SELECT s.statement_id, s.statement_type, s.period, coalesce(s.cohort_quarter, ''),"
		" convert_from(s.statement_xml, 'UTF8')"
		" FROM pbr.statement_in_force s JOIN pbr.contract c ON c.id = s.contract_id"
		" WHERE c.cpa_code = $1 AND s.statement_type = 'PBR' AND s.period >= $2 AND s.period <= $3"
		" ORDER BY s.period COLLATE \"C\", s.contract_id COLLATE \"C\"", 3, params);

	if (res == NULL)
		return pbr_db_failure_code(conn);
	return each_doc(res, fn, arg);
}

/* ---- the monitor's baseline and the year's December statement ----------- */

/* The integer at (row, col), 0 when NULL or not an integer. */
static int64_t figure_or_0(const PGresult *res, int row, int col)
{
	int64_t v = 0;

	if (PQgetisnull(res, row, col) ||
	    pbr_parse_int64(PQgetvalue(res, row, col), &v) != 0)
		return 0;
	return v;
}

#define BASELINE_COLS \
	"SELECT statement_id, members, weighted_size, expected_binary," \
	" (xpath('/s:SettlementStatement/s:Cohort/s:NeedsBand[@band=\"0\"]/s:Members/text()', x, n))[1]::text," \
	" (xpath('/s:SettlementStatement/s:Cohort/s:NeedsBand[@band=\"1-2\"]/s:Members/text()', x, n))[1]::text," \
	" (xpath('/s:SettlementStatement/s:Cohort/s:NeedsBand[@band=\"3+\"]/s:Members/text()', x, n))[1]::text" \
	" FROM (SELECT *, convert_from(statement_xml, 'UTF8')::xml AS x," \
	" ARRAY[ARRAY['s', 'urn:pbr-settle:statement:1']] AS n"

int pbr_ledger_baseline(PGconn *conn, const char *contract, int period,
			const char *basis, struct pbr_ledger_baseline rows[4],
			int *n)
{
	char p[4][8];
	const char *params[5] = { contract, basis, NULL, NULL, NULL };
	PGresult *res;

	*n = 0;
	if (basis) {
		res = pbr_db_query(conn, "reading the monitor baseline", BASELINE_COLS
			" FROM pbr.settlement WHERE contract_id = $1"
			" AND statement_id = ANY (string_to_array($2, ','))) t ORDER BY period DESC",
			2, params);
	} else {
		for (int i = 0; i < 4; i++) {
			pbr_quarter_format(period - 1 - i, p[i]);
			params[1 + i] = p[i];
		}
		res = pbr_db_query(conn, "reading the monitor baseline", BASELINE_COLS
			" FROM pbr.statement_in_force WHERE contract_id = $1"
			" AND period IN ($2, $3, $4, $5)) t ORDER BY period DESC", 5, params);
	}
	if (res == NULL)
		return pbr_db_failure_code(conn);
	for (int i = 0; i < PQntuples(res) && i < 4; i++) {
		struct pbr_ledger_baseline *r = &rows[i];

		snprintf(r->statement_id, sizeof r->statement_id, "%s", PQgetvalue(res, i, 0));
		r->members = figure_or_0(res, i, 1);
		r->W = figure_or_0(res, i, 2);
		r->Eb = figure_or_0(res, i, 3);
		for (int b = 0; b < PBR_NBANDS; b++)
			r->band[b] = figure_or_0(res, i, 4 + b);
		(*n)++;
	}
	PQclear(res);
	return 0;
}

int pbr_ledger_december(PGconn *conn, const char *contract_id, int year,
			const char *by_id, struct pbr_year_terms *t)
{
	char month[8];
	const char *params[2] = { contract_id, by_id ? by_id : month };
	PGresult *res;
	int rc = 0;

	pbr_month_format(year * 12 + 11, month);
	res = pbr_db_query(conn, "reading the December monthly statement",
		by_id ?
		"SELECT statement_id, ffs_year_pence, map_pence, pbr_pot_pence"
		" FROM pbr.settlement WHERE contract_id = $1 AND statement_id = $2"
		" AND statement_type = 'MONTHLY'" :
		"SELECT statement_id, ffs_year_pence, map_pence, pbr_pot_pence"
		" FROM pbr.statement_in_force WHERE contract_id = $1 AND period = $2"
		" AND statement_type = 'MONTHLY'", 2, params);
	if (res == NULL)
		return pbr_db_failure_code(conn);
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 3)) {
		if (by_id)
			rc = pbr_error(EX_DATAERR, "the %d annual reconciliation of contract %s used December statement %s, which is not in the ledger",
				       year, contract_id, by_id);
		else
			rc = pbr_error(EX_DATAERR,
				       "the %d annual reconciliation of contract %s is capped by the Maximum Annual Payment and needs the December monthly statement %s-%s, which has none in force; run --month %s first",
				       year, contract_id, contract_id, month, month);
		goto cleanup;
	}
	snprintf(t->december_id, sizeof t->december_id, "%s", PQgetvalue(res, 0, 0));
	t->ffs_year = figure_or_0(res, 0, 1);
	t->map = figure_or_0(res, 0, 2);
	t->pbr_pot = figure_or_0(res, 0, 3);
cleanup:
	PQclear(res);
	return rc;
}
