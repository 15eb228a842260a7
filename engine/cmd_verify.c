/*
 * cmd_verify.c - pbr-settle verify FILE.xml [--cert PEM] [--allow-unsigned]:
 * checks a statement against the XSD, its signature, the ledger's recorded
 * digest, the annex beside it, and recomputes every figure from the
 * database.  Exit 0 when everything matches, 1 with the list of
 * differences, or when the statement is NOT SIGNED (SPEC 7) unless
 * --allow-unsigned.
 */
#include "aggregates.h"
#include "commands.h"
#include "db.h"
#include "digest.h"
#include "ledger.h"
#include "monthly.h"
#include "settle.h"
#include "sign.h"
#include "util.h"
#include "xmlsafe.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_STATEMENT_BYTES (16L * 1024 * 1024)
#define NS "urn:pbr-settle:statement:1"
#define DSIG_NS "http://www.w3.org/2000/09/xmldsig#"

struct verdict {
	int differences;
	bool not_signed;      /* no signature, and that is not accepted */
};

#define MAX_CERTS 8

struct verify_opts {
	const char *certs[MAX_CERTS];   /* --cert: the signers' certificates */
	size_t ncerts;
	bool allow_unsigned;            /* --allow-unsigned */
};

static void differ(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void differ(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	printf("MISMATCH ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	v->differences++;
}

/* Silences libxml2's own printing; we report one line per problem. */
static void no_print(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Checks doc against the schema; an invalid statement is a difference. */
static int validate_schema(xmlDocPtr doc, struct verdict *v)
{
	struct pbr_xml_problem p;
	int ok = pbr_statement_schema_check(doc, &p);

	if (ok < 0)
		return pbr_error(EX_SOFTWARE, "cannot check the schema: %s", p.first);
	if (ok == 0)
		differ(v, "schema: not valid against %s: line %d: %s",
		       pbr_schema_path_for(doc), p.line, p.first);
	else
		printf("ok schema %s\n", pbr_schema_path_for(doc));
	return 0;
}

/* The text of the first element `name` under parent (by local name). */
static xmlChar *child_text(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return xmlNodeGetContent(n);
	return NULL;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Walks both trees in order and reports each leaf or attribute that
 * differs, with its path.  The signature is not compared. */
static void compare(xmlNodePtr a, xmlNodePtr b, const char *path, struct verdict *v)
{
	char here[1024];

	while (a || b) {
		while (a && (a->type != XML_ELEMENT_NODE ||
			     (a->ns && strcmp((const char *)a->ns->href, DSIG_NS) == 0)))
			a = a->next;
		while (b && b->type != XML_ELEMENT_NODE)
			b = b->next;
		if (!a && !b)
			return;
		if (!a || !b || strcmp((const char *)a->name, (const char *)b->name) != 0) {
			differ(v, "%s: element %s in the file, %s recomputed", path,
			       a ? (const char *)a->name : "(none)",
			       b ? (const char *)b->name : "(none)");
			return;
		}
		{
			xmlChar *code = xmlGetProp(a, BAD_CAST "code");
			xmlChar *band = xmlGetProp(a, BAD_CAST "band");
			snprintf(here, sizeof here, "%s/%s%s%s%s", path, a->name,
				 code || band ? "[" : "",
				 code ? (char *)code : band ? (char *)band : "",
				 code || band ? "]" : "");
			xmlFree(code);
			xmlFree(band);
		}
		for (xmlAttrPtr at = b->properties; at; at = at->next) {
			xmlChar *va = xmlGetProp(a, at->name), *vb = xmlGetProp(b, at->name);
			if (!va || strcmp((char *)va, (char *)vb) != 0)
				differ(v, "%s@%s: file %s, recomputed %s", here, at->name,
				       va ? (char *)va : "(none)", (char *)vb);
			xmlFree(va);
			xmlFree(vb);
		}
		if (child(a, "Members") || child(b, "Members") || a->children == NULL ||
		    a->children->type != XML_TEXT_NODE || a->children->next) {
			compare(a->children, b->children, here, v);
		} else {
			xmlChar *ta = xmlNodeGetContent(a), *tb = xmlNodeGetContent(b);
			if (strcmp((char *)ta, (char *)tb) != 0)
				differ(v, "%s: file %s, recomputed %s", here, (char *)ta, (char *)tb);
			xmlFree(ta);
			xmlFree(tb);
		}
		a = a->next;
		b = b->next;
	}
}

struct header {
	/* the monitor's baseline and thresholds as recorded */
	bool has_monitor;
	char monitor_basis[4 * (PBR_ID_MAX + 1)];
	int64_t thresholds[PBR_NTHRESHOLDS];
	char statement_id[PBR_ID_MAX], contract[PBR_ID_MAX], supersedes[PBR_ID_MAX];
	char period[8], status[8], kind[16], created_at[32], annex_digest[65];
	char *reason;
	int64_t run_id;
	const char *path;       /* the file, for messages */
};

static void copy_text(xmlNodePtr parent, const char *name, char *dst, size_t size)
{
	xmlChar *t = child_text(parent, name);

	snprintf(dst, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

/* The Monitor's Baseline@statements and Threshold@ppm, so that the
 * recomputation uses what the statement used. */
static void read_monitor(xmlNodePtr root, struct header *h)
{
	xmlNodePtr mon = child(root, "Monitor"), base = child(mon, "Baseline");
	xmlChar *ids = base ? xmlGetProp(base, BAD_CAST "statements") : NULL;
	int found = 0;

	if (mon == NULL || ids == NULL) {
		xmlFree(ids);
		return;
	}
	snprintf(h->monitor_basis, sizeof h->monitor_basis, "%s", (char *)ids);
	xmlFree(ids);
	for (xmlNodePtr n = mon->children; n; n = n->next) {
		xmlChar *name, *ppm;

		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "Threshold") != 0)
			continue;
		name = xmlGetProp(n, BAD_CAST "name");
		ppm = xmlGetProp(n, BAD_CAST "ppm");
		for (int t = 0; name && ppm && t < PBR_NTHRESHOLDS; t++)
			if (strcmp((char *)name, pbr_threshold_names[t]) == 0 &&
			    pbr_parse_int64((char *)ppm, &h->thresholds[t]) == 0)
				found |= 1 << t;
		xmlFree(name);
		xmlFree(ppm);
	}
	h->has_monitor = found == (1 << PBR_NTHRESHOLDS) - 1;
}

static int read_header(xmlDocPtr doc, struct header *h)
{
	xmlNodePtr hdr = child(xmlDocGetRootElement(doc), "Header"), c;
	xmlChar *id, *t;

	if (hdr == NULL)
		return -1;
	copy_text(hdr, "StatementId", h->statement_id, sizeof h->statement_id);
	/* a PbR statement's Period (YYYYQn), a monthly one's Month (YYYY-MM) */
	copy_text(hdr, pbr_is_monthly(doc) ? "Month" : "Period", h->period, sizeof h->period);
	copy_text(hdr, "Status", h->status, sizeof h->status);
	copy_text(hdr, "Kind", h->kind, sizeof h->kind);
	copy_text(hdr, "Supersedes", h->supersedes, sizeof h->supersedes);
	copy_text(hdr, "CreatedAt", h->created_at, sizeof h->created_at);
	copy_text(hdr, "AnnexDigest", h->annex_digest, sizeof h->annex_digest);
	t = child_text(hdr, "Reason");
	h->reason = t ? strdup((char *)t) : NULL;
	xmlFree(t);
	t = child_text(hdr, "RunId");
	if (t == NULL || pbr_parse_int64((char *)t, &h->run_id) != 0)
		h->run_id = -1;
	xmlFree(t);
	read_monitor(xmlDocGetRootElement(doc), h);
	c = child(hdr, "Contract");
	id = c ? xmlGetProp(c, BAD_CAST "id") : NULL;
	snprintf(h->contract, sizeof h->contract, "%s", id ? (char *)id : "");
	xmlFree(id);
	return pbr_contract_id_ok(h->contract) ? 0 : -1;
}

/* The ledger row of a FINAL statement (digest, basis) and the figures of
 * the statement it supersedes (a restatement, or a draft shaped as one). */
struct ledger_row {
	struct pbr_ledger_row row;
	struct pbr_ledger_paid superseded;
};

static int read_ledger(PGconn *conn, const struct header *h, struct ledger_row *l)
{
	int rc = pbr_ledger_read_row(conn, h->statement_id, &l->row);

	if (rc == 0 && h->supersedes[0] != '\0')
		rc = pbr_ledger_read_paid(conn, h->supersedes, &l->superseded);
	return rc;
}

/* SPEC 10: a CRC login sees only its own contracts' statements (row-level
 * security, migration 0003).  Returns 1 when this login may see the
 * contract's statements, 0 when it may not, or -1 (*rc set).  A login is
 * restricted when it belongs to pbr_crc and to none of the roles that see
 * every statement: finance, regulator, the ledger's owner, a role that
 * bypasses row-level security (a superuser belongs to every role). */
static int contract_visible(PGconn *conn, const char *contract, int *rc)
{
	const char *params[1] = { contract };
	PGresult *res = pbr_db_query(conn, "checking what this login may see",
		"SELECT pg_has_role('pbr_crc', 'USAGE')"
		" AND NOT pg_has_role('pbr_finance', 'USAGE')"
		" AND NOT pg_has_role('pbr_regulator', 'USAGE')"
		" AND NOT pg_has_role(c.relowner, 'USAGE')"
		" AND NOT (SELECT rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user),"
		" has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')"
		" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		" WHERE n.nspname = 'pbr' AND c.relname = 'settlement'",
		0, NULL);
	int visible;

	if (res == NULL) {
		*rc = pbr_db_failure_code(conn);
		return -1;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		*rc = pbr_error(EX_UNAVAILABLE, "the database has no ledger pbr.settlement (not migrated?)");
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "t") != 0) {
		/* no pbr role at all: it may read no statement */
		PQclear(res);
		return 0;
	}
	visible = strcmp(PQgetvalue(res, 0, 0), "t") != 0;
	PQclear(res);
	if (visible)
		return 1;
	res = pbr_db_query(conn, "reading this login's contracts",
			   "SELECT $1 IN (SELECT pbr.my_contracts())", 1, params);
	if (res == NULL) {
		*rc = pbr_db_failure_code(conn);
		return -1;
	}
	visible = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return visible;
}

/* SPEC 10: a superseded statement is a true record but not in force.
 * Returns 1 and fills *succ when statement h has been superseded, 0 when
 * it is in force, or -1 (*rc set).  The reason is made one line,
 * whatever it holds. */
static int superseded(PGconn *conn, const struct header *h,
		      struct pbr_ledger_successor *succ, int *rc)
{
	*rc = pbr_ledger_read_successor(conn, h->statement_id, h->contract, h->period, succ);
	if (*rc != 0)
		return -1;
	for (char *c = succ->reason; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return succ->present;
}

static void annex_path(const char *path, const struct header *h, char *annex, size_t size)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;

	snprintf(annex, size, "%.*s%s-annex.csv", dirlen, path, h->statement_id);
}

/* Returns 0, or a sysexits code after one line (an annex that is there
 * but cannot be read). */
static int check_annex(const char *path, const struct header *h, struct verdict *v)
{
	char annex[4096], hex[65];

	annex_path(path, h, annex, sizeof annex);
	errno = 0;
	if (pbr_sha256_file(annex, hex) != 0) {
		if (errno != ENOENT)
			return pbr_error_oom(EX_IOERR, "cannot read the annex %s", annex);
		printf("note annex %s not found beside the statement; its digest is checked against the database only\n",
		       annex);
		return 0;
	}
	if (strcmp(hex, h->annex_digest) != 0)
		differ(v, "annex %s: sha256 %s, AnnexDigest %s", annex, hex, h->annex_digest);
	else
		printf("ok annex %s sha256 %s\n", annex, hex);
	return 0;
}

/* A login that reads no offender row (SPEC 10): the annex beside the
 * statement must be, row by row, what the database's rows give (the annex
 * figures' digest of migration 0009), and its accepted members' sums per
 * PCC area must be the database's. */
static void check_annex_against_aggregates(const char *path, const struct header *h,
					   const struct pbr_statement *s,
					   const struct pbr_aggregates *agg,
					   struct verdict *v)
{
	char annex[4096], hex[65], msg[512];
	struct pbr_sums *sums = calloc(s->n_areas + 1, sizeof *sums);
	int64_t outside = 0;
	int before = v->differences;

	annex_path(path, h, annex, sizeof annex);
	if (sums == NULL) {
		differ(v, "annex: out of memory");
		return;
	}
	if (access(annex, F_OK) != 0) {
		differ(v, "annex %s not found: a login that reads no offender row checks AnnexDigest through the annex",
		       annex);
		free(sums);
		return;
	}
	if (pbr_annex_figures(annex, s, hex, sums, &outside, msg, sizeof msg) != 0) {
		differ(v, "annex: %s", msg);
		free(sums);
		return;
	}
	if (strcmp(hex, agg->annex_figures) != 0)
		differ(v, "annex %s: its rows are not the database's (annex figures sha256 %s, database %s)",
		       annex, hex, agg->annex_figures);
	if (outside > 0)
		differ(v, "annex %s: %" PRId64 " accepted line%s of a PCC code that is no area of CPA %s",
		       annex, outside, outside == 1 ? "" : "s", s->cpa_code);
	for (size_t i = 0; i < s->n_areas; i++) {
		const struct pbr_sums *a = &sums[i], *d = &s->areas[i].sums;

		if (a->n != d->n || a->W != d->W || a->Eb != d->Eb || a->Ab != d->Ab ||
		    a->Ef != d->Ef || a->Af != d->Af)
			differ(v, "annex %s: PCC area %s sums n %" PRId64 " W %" PRId64 " Eb %" PRId64
			       " Ab %" PRId64 " Ef %" PRId64 " Af %" PRId64 ", database n %" PRId64
			       " W %" PRId64 " Eb %" PRId64 " Ab %" PRId64 " Ef %" PRId64 " Af %" PRId64,
			       annex, s->areas[i].code, a->n, a->W, a->Eb, a->Ab, a->Ef, a->Af,
			       d->n, d->W, d->Eb, d->Ab, d->Ef, d->Af);
	}
	if (v->differences == before)
		printf("ok annex rows: every row's figures and status, and every PCC area's sums, are the database's (annex figures sha256 %s)\n",
		       hex);
	free(sums);
}

/* The recomputed statement carries the file's identity (id, status,
 * kind, supersedes, reason, run, time): they are not figures.  A
 * restatement's amount due is against the superseded statement the
 * ledger holds (SPEC 7). */
static int take_identity(struct pbr_statement *s, const struct header *h,
			 const struct ledger_row *l)
{
	snprintf(s->statement_id, sizeof s->statement_id, "%s", h->statement_id);
	s->draft = strcmp(h->status, "DRAFT") == 0;
	s->restatement = strcmp(h->kind, "RESTATEMENT") == 0;
	snprintf(s->supersedes, sizeof s->supersedes, "%s", h->supersedes);
	if (h->reason && (s->reason = strdup(h->reason)) == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	s->run_id = h->run_id;
	snprintf(s->created_at, sizeof s->created_at, "%s", h->created_at);
	if (s->restatement && l->superseded.present) {
		s->has_previous_total = true;
		s->previous_total = l->superseded.total;
		s->previous_period_due = l->superseded.period_due;
		s->advance_netted = 0;  /* netted once, by the original (SPEC 7) */
		if (pbr_amount_due(s->period_due, true, l->superseded.period_due, 0,
				   &s->amount_due) != 0)
			return pbr_error(EX_DATAERR, "statement %s: amount due overflows", h->statement_id);
	}
	return 0;
}

/* A PbR statement recomputed through settle.c, as run made it, into
 * *xml; from the database's aggregates and the annex for a login that
 * reads no offender row. */
static int rebuild_settlement(PGconn *conn, const struct header *h, const struct ledger_row *l,
			      bool from_aggregates, struct verdict *v, char **xml, size_t *len)
{
	struct pbr_aggregates agg;
	struct pbr_statement s;
	struct pbr_settle_opts so = { .quiet = true };
	int period, rc;

	memset(&s, 0, sizeof s);
	memset(&agg, 0, sizeof agg);
	if (pbr_quarter_parse(h->period, &period) != 0)
		return pbr_error(EX_DATAERR, "statement period '%s' is malformed", h->period);
	if (h->has_monitor) {
		so.monitor_basis = h->monitor_basis;
		so.monitor_thresholds = h->thresholds;
	}
	so.recon_basis = l->row.present && l->row.recon_basis[0] ? l->row.recon_basis : NULL;
	if (from_aggregates) {
		so.read_cohort = pbr_aggregates_read;
		so.read_cohort_arg = &agg;
	}
	if ((rc = pbr_settle(conn, h->contract, period, &so, &s)) != 0)
		goto cleanup;
	if (from_aggregates) {
		/* the annex file's own digest was checked against AnnexDigest
		 * (check_annex); here the annex is tied to the database */
		check_annex_against_aggregates(h->path, h, &s, &agg, v);
		memcpy(s.annex_digest, h->annex_digest, sizeof s.annex_digest);
	}
	if ((rc = take_identity(&s, h, l)) != 0)
		goto cleanup;
	if (pbr_statement_xml(&s, xml, len) != 0)
		rc = pbr_error_oom(EX_SOFTWARE, "cannot build the recomputed statement");
cleanup:
	pbr_statement_free(&s);
	return rc;
}

/* Every figure recomputed from the database and compared, element by
 * element, with the file. */
static int recompute(PGconn *conn, xmlDocPtr doc, const struct header *h,
		     const struct ledger_row *l, bool from_aggregates, struct verdict *v)
{
	xmlDocPtr again = NULL;
	char *xml = NULL;
	size_t len = 0;
	int before, rc;

	if (pbr_is_monthly(doc))        /* SPEC 11: monthly.c recomputes it */
		rc = pbr_monthly_rebuild(conn, doc, l->superseded.present,
					 l->superseded.period_due, &xml, &len);
	else
		rc = rebuild_settlement(conn, h, l, from_aggregates, v, &xml, &len);
	if (rc != 0)
		goto cleanup;
	if ((again = xmlReadMemory(xml, (int)len, "recomputed.xml", NULL, XML_PARSE_NONET)) == NULL) {
		rc = pbr_error(EX_SOFTWARE, "cannot build the recomputed statement");
		goto cleanup;
	}
	before = v->differences;
	compare(xmlDocGetRootElement(doc), xmlDocGetRootElement(again), "", v);
	if (v->differences == before)
		printf("ok figures: every figure and digest recomputed from the database matches\n");
cleanup:
	if (again)
		xmlFreeDoc(again);
	free(xml);
	return rc;
}

static char *read_file(const char *path, size_t *len, int *rc)
{
	char *buf = NULL;

	enum pbr_read_status rs = pbr_read_file(path, MAX_STATEMENT_BYTES, &buf, len);

	if (rs == PBR_READ_OK)
		return buf;
	/* the same code as every command for the same condition */
	*rc = pbr_read_failure(rs, path, MAX_STATEMENT_BYTES);
	return NULL;
}

/* SPEC 7 and 10: every signature is checked and its signer named; a
 * statement without a signature is NOT SIGNED, a failure unless
 * --allow-unsigned (and never when a certificate to check was given).
 * *signed_by gets "signed by X; certified by Y" for the verdict. */
static int verify_signature(xmlDocPtr doc, const struct verify_opts *o,
			    struct verdict *v, char *signed_by, size_t size)
{
	struct pbr_signer signers[2];
	char msg[256];
	int n;

	signed_by[0] = '\0';
	if (!pbr_has_signature(doc)) {
		if (o->ncerts > 0)
			differ(v, "signature: the statement is NOT SIGNED, so it cannot be checked against %s",
			       o->certs[0]);
		else if (o->allow_unsigned)
			printf("note NOT SIGNED: the statement carries no signature (accepted: --allow-unsigned)\n");
		else {
			printf("NOT SIGNED: the statement carries no signature (--allow-unsigned checks the rest anyway)\n");
			v->not_signed = true;
		}
		return 0;
	}
	n = pbr_verify_signatures(doc, o->certs, o->ncerts, signers, msg, sizeof msg);
	if (n < 0)
		return pbr_error(EX_SOFTWARE, "signature check failed: %s", msg);
	if (n == 0) {
		differ(v, "signature: %s", msg);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		const struct pbr_signer *s = &signers[i];
		const char *what = s->counter ? "countersignature" : "signature";

		if (!s->valid)
			differ(v, "%s by %s: %s", what, s->subject, s->msg);
		else
			printf("ok %s by %s: valid (%s)\n", what, s->subject,
			       s->trusted ? "key of the given certificate" :
			       "embedded certificate, not checked against a trusted one: pass --cert");
	}
	snprintf(signed_by, size, "signed by %s%s%s", signers[0].subject,
		 n > 1 ? "; certified by " : "", n > 1 ? signers[1].subject : "");
	return 0;
}

/* What verifying one file holds; verify_free releases it. */
struct verify_state {
	const char *path;
	char *buf;              /* the file, then the record: less its countersignature */
	char *full;             /* the file as read */
	size_t len, record_len;
	xmlDocPtr doc;          /* the file, parsed */
	xmlDocPtr record;       /* the record, parsed (a certified file only) */
	bool certified;
	PGconn *conn;
	struct header h;
	struct ledger_row l;
	struct verdict v;
	char signed_by[600];    /* "signed by X; certified by Y" */
};

static void verify_free(struct verify_state *s)
{
	pbr_ledger_row_free(&s->l.row);
	free(s->h.reason);
	free(s->full);
	if (s->record)
		xmlFreeDoc(s->record);
	if (s->doc)
		xmlFreeDoc(s->doc);
	if (s->conn)
		PQfinish(s->conn);
	free(s->buf);
}

/* Reads the file, keeps a copy of it whole (the countersignature check
 * compares with it) and parses it safely. */
static int load_statement(struct verify_state *s)
{
	struct pbr_xml_problem problem;
	int rc = 0;

	s->buf = read_file(s->path, &s->len, &rc);
	if (s->buf == NULL)
		return rc;
	s->full = malloc(s->len + 1);
	if (s->full == NULL)
		return pbr_error(EX_OSERR, "out of memory");
	memcpy(s->full, s->buf, s->len + 1);
	xmlSetGenericErrorFunc(NULL, no_print);
	s->doc = pbr_xml_parse(s->buf, s->len, s->path, &problem);
	if (s->doc == NULL)
		return pbr_error(EX_DATAERR, "%s: not well-formed XML, or carries a DTD (refused): line %d: %s",
				 s->path, problem.line, problem.first);
	return 0;
}

/* SPEC 10: the ledger's digest is that of the file less its
 * countersignature, and the file must be exactly that plus one.  Leaves
 * the record in buf[0..record_len). */
static void take_out_countersignature(struct verify_state *s)
{
	struct pbr_xml_problem problem;
	size_t cs_start = 0, cs_end = 0;

	switch (pbr_countersignature_span(s->buf, s->len, &cs_start, &cs_end)) {
	case 1:
		memmove(s->buf + cs_start, s->buf + cs_end, s->len - cs_end);
		s->record_len = s->len - (cs_end - cs_start);
		s->record = pbr_xml_parse(s->buf, s->record_len, s->path, &problem);
		if (s->record == NULL ||
		    !pbr_same_less_countersignature(s->full, s->len, s->record))
			differ(&s->v, "countersignature: the file is not a signed statement plus one ds:Object holding the countersignature");
		s->certified = true;
		break;
	case 0:
		s->record_len = s->len;
		break;
	default:
		differ(&s->v, "countersignature: more than one ds:Object, or one not closed");
		s->record_len = s->len;
		break;
	}
}

/* Connects, opens the read-only snapshot, and refuses (77) a statement
 * this login may not see (SPEC 10), before any figure is compared. */
static int open_snapshot(struct verify_state *s)
{
	int rc = 0;

	s->conn = pbr_db_connect();
	if (s->conn == NULL)
		return EX_UNAVAILABLE;
	if (pbr_db_exec(s->conn, "starting the snapshot",
			"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != 0)
		return pbr_db_failure_code(s->conn);
	switch (contract_visible(s->conn, s->h.contract, &rc)) {
	case -1:
		return rc;
	case 0:
		return pbr_error(EX_NOPERM, "%s: statement %s is not visible to you (contract %s is not one of this login's)",
				 s->path, s->h.statement_id, s->h.contract);
	default:
		return 0;
	}
}

/* A FINAL statement is the one the ledger recorded: hex is the SHA-256
 * of the record (the file less a countersignature). */
static void check_ledger_digest(struct verify_state *s, const char *hex)
{
	if (!s->l.row.present)
		differ(&s->v, "ledger: no statement %s was ever recorded", s->h.statement_id);
	else if (strcmp(s->l.row.statement_digest, hex) != 0)
		differ(&s->v, "ledger: file sha256 %s, recorded statement digest %s", hex,
		       s->l.row.statement_digest);
	else if (s->certified)
		printf("ok ledger: the file less its countersignature (sha256 %s) is the recorded statement\n", hex);
	else
		printf("ok ledger: file sha256 %s is the recorded statement digest\n", hex);
}

/* SPEC 10: a recorded statement that was superseded is a true record but
 * not in force: after schema, signatures and the ledger digest it says
 * which statement superseded it and why, and no figure is compared.
 * Returns 0 when it is in force, else the exit code. */
static int report_superseded(struct verify_state *s)
{
	struct pbr_ledger_successor succ;
	int rc = 0, sup = superseded(s->conn, &s->h, &succ, &rc);

	if (sup <= 0)
		return rc;
	printf("SUPERSEDED by %s on %s; reason: %s\n", succ.id, succ.when, succ.reason);
	if (strcmp(succ.in_force, succ.id) != 0)
		printf("note in force now for %s %s: %s\n", s->h.contract, s->h.period, succ.in_force);
	printf("%s: SUPERSEDED by %s, not in force%s%s\n", s->path, succ.id,
	       s->v.differences ? "; and it differs from the record" : "",
	       s->v.not_signed ? "; and NOT SIGNED" : "");
	rc = pbr_error(PBR_EX_MISMATCH, "%s is not in force: superseded by %s (reason: %s)%s",
		       s->path, succ.id, succ.reason,
		       s->v.differences ? "; and it differs from the record (listed on stdout)" : "");
	s->v.differences = 0;
	s->v.not_signed = false;
	return rc;
}

/* The ledger row, its digest (a FINAL statement) and whether the
 * statement is still in force.  Returns 0 to go on to the figures. */
static int check_ledger(struct verify_state *s)
{
	char hex[65];
	int rc;

	if ((rc = read_ledger(s->conn, &s->h, &s->l)) != 0)
		return rc;
	if (pbr_sha256_buffer(s->buf, s->record_len, hex) != 0)
		return pbr_error_oom(EX_SOFTWARE, "SHA-256 failed");
	if (strcmp(s->h.status, "FINAL") != 0)
		return 0;
	check_ledger_digest(s, hex);
	return s->l.row.present ? report_superseded(s) : 0;
}

/* The annex beside the statement and every figure, recomputed from what
 * this login may read. */
static int check_figures(struct verify_state *s)
{
	bool from_aggregates = false;
	int rc;

	if ((rc = pbr_aggregates_wanted(s->conn, &from_aggregates)) != 0)
		return rc;
	if (from_aggregates && pbr_is_monthly(s->doc))
		printf("note this login reads no offender row: a monthly statement is recomputed from its returns (volumes, KPIs, waivers), which are no offender's\n");
	else if (from_aggregates)
		printf("note this login reads no offender row: figures are recomputed from the database's aggregates (pbr.cohort_aggregates) and the annex\n");
	if ((rc = check_annex(s->path, &s->h, &s->v)) != 0)
		return rc;
	return recompute(s->conn, s->doc, &s->h, &s->l, from_aggregates, &s->v);
}

/* The verdict line on stdout, once every check ran; the exit code. */
static int print_verdict(const struct verify_state *s)
{
	const struct verdict *v = &s->v;

	if (v->differences > 0) {
		printf("%s: %d difference%s%s\n", s->path, v->differences,
		       v->differences == 1 ? "" : "s", v->not_signed ? ", and NOT SIGNED" : "");
		return PBR_EX_MISMATCH;
	}
	if (v->not_signed) {
		printf("%s: NOT SIGNED (every other check passed)\n", s->path);
		return PBR_EX_MISMATCH;
	}
	printf("%s: verified%s%s%s\n", s->path, s->signed_by[0] ? " (" : "", s->signed_by,
	       s->signed_by[0] ? ")" : "");
	return 0;
}

/* The one line on stderr of a statement that does not verify. */
static void print_failure(const struct verify_state *s, int rc)
{
	const struct verdict *v = &s->v;

	if (rc == PBR_EX_MISMATCH && v->differences > 0)
		fprintf(stderr, "pbr-settle: %s does not verify: %d difference%s%s (listed on stdout)\n",
			s->path, v->differences, v->differences == 1 ? "" : "s",
			v->not_signed ? ", and NOT SIGNED" : "");
	else if (rc == PBR_EX_MISMATCH && v->not_signed)
		fprintf(stderr, "pbr-settle: %s is NOT SIGNED (--allow-unsigned accepts an unsigned statement)\n",
			s->path);
}

/* Schema, signatures, the ledger, the annex, the figures, in that order:
 * a statement that fails one step is not taken further than it can be. */
static int verify_file(const char *path, const struct verify_opts *o)
{
	struct verify_state s;
	int rc;

	memset(&s, 0, sizeof s);
	s.path = path;
	s.h.path = path;
	if ((rc = load_statement(&s)) != 0 || (rc = validate_schema(s.doc, &s.v)) != 0)
		goto cleanup;
	if (s.v.differences > 0) {
		rc = PBR_EX_MISMATCH;
		goto cleanup;
	}
	if ((rc = verify_signature(s.doc, o, &s.v, s.signed_by, sizeof s.signed_by)) != 0)
		goto cleanup;
	take_out_countersignature(&s);
	if (read_header(s.doc, &s.h) != 0) {
		rc = pbr_error(EX_DATAERR, "%s: header lacks a valid contract id", path);
		goto cleanup;
	}
	if ((rc = open_snapshot(&s)) != 0 || (rc = check_ledger(&s)) != 0 ||
	    (rc = check_figures(&s)) != 0)
		goto cleanup;
	rc = print_verdict(&s);
cleanup:
	print_failure(&s, rc);
	verify_free(&s);
	return rc;
}

static void usage(FILE *f)
{
	fputs("Usage: pbr-settle verify FILE.xml [--cert PEM]... [--allow-unsigned]\n"
	      "\n"
	      "Checks a settlement or monthly statement: the XSD, every signature, the\n"
	      "ledger's recorded digest, the annex beside it, and every figure\n"
	      "recomputed from the database.  A superseded statement is checked up to\n"
	      "the ledger, then named with what superseded it.\n"
	      "\n"
	      "  --cert PEM          a signer's certificate; give it once per signer (the\n"
	      "                      finance signer's, and the validator's of a certified\n"
	      "                      statement): every signature must then be made with\n"
	      "                      the key of one of them.  Without --cert each signature\n"
	      "                      is checked with its embedded certificate (integrity,\n"
	      "                      not identity).  Every signer is named.\n"
	      "  --allow-unsigned    accept a statement that carries no signature\n"
	      "  --help              this text\n"
	      "\n"
	      "Exit 0 verified; 1 a difference (one MISMATCH line each on stdout),\n"
	      "NOT SIGNED without --allow-unsigned, or SUPERSEDED (it names the statement\n"
	      "that superseded it and why); 64 usage; 65 unreadable statement, or a --cert\n"
	      "that is no PEM certificate; 66 missing file; 69 database unavailable;\n"
	      "77 not visible to this login (a CRC's statement, asked by another CRC).\n", f);
}

int cmd_verify(int argc, char **argv)
{
	enum { OPT_CERT = 256, OPT_ALLOW_UNSIGNED, OPT_HELP };
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "allow-unsigned", no_argument, NULL, OPT_ALLOW_UNSIGNED },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts o = { .ncerts = 0, .allow_unsigned = false };
	int c, pem;

	opterr = 0;
	optind = 0;     /* GNU: full reinitialisation */
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CERT:
			if (o.ncerts == MAX_CERTS)
				return pbr_error(EX_USAGE, "verify: at most %d --cert", MAX_CERTS);
			if (access(optarg, R_OK) != 0)
				return pbr_error(EX_NOINPUT, "cannot read certificate %s", optarg);
			pem = pbr_is_pem_certificate(optarg);
			if (pem < 0)
				return pbr_error_oom(EX_NOINPUT, "cannot read certificate %s", optarg);
			if (pem == 0)
				return pbr_error(EX_DATAERR, "--cert %s is not a PEM certificate", optarg);
			o.certs[o.ncerts++] = optarg;
			break;
		case OPT_ALLOW_UNSIGNED:
			o.allow_unsigned = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case ':':
			return pbr_error(EX_USAGE, "verify: option '%s' needs a value", argv[optind - 1]);
		default:
			return pbr_error(EX_USAGE, "verify: unknown option '%s' (try --help)",
					 argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return pbr_error(EX_USAGE, "usage: pbr-settle verify FILE.xml [--cert PEM] [--allow-unsigned]");
	return verify_file(argv[optind], &o);
}
