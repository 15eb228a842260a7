/*
 * report_index.c - a directory of statements indexed (report_index.h).
 */
#include "report_index.h"
#include "digest.h"
#include "sign.h"
#include "util.h"
#include "viewxml.h"
#include "xmlsafe.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.xml names of dir, sorted bytewise.  NULL-terminated, malloc'd. */
static int list_xml(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return pbr_error(errno == ENOENT || errno == ENOTDIR ? EX_NOINPUT : EX_IOERR,
				 "report: cannot read directory %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0 || e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof *v);

			if (nv == NULL)
				goto oom;
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_str);
	*out = v;
	*count = n;
	return 0;
oom:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return pbr_error(EX_OSERR, "out of memory");
}

struct index_totals {
	int64_t statements, final, problems, amount_due, period_due_in_force;
};

static int oom(void)
{
	return pbr_error(EX_OSERR, "out of memory");
}

/* A file of DIR that is not a statement, and why. */
static int index_other(xmlNodePtr root, const char *file, const char *why)
{
	xmlNodePtr e = xmlNewChild(root, NULL, BAD_CAST "Other", NULL);

	if (e == NULL || !xmlNewProp(e, BAD_CAST "file", BAD_CAST file)
	    || !xmlNewProp(e, BAD_CAST "why", BAD_CAST why))
		return oom();
	return 0;
}

/* path parsed safely when it is a statement (*doc), else an <Other>
 * (a run manifest, anything else) and *doc NULL. */
static int index_read(const char *path, const char *file, xmlNodePtr root, xmlDocPtr *doc)
{
	struct pbr_xml_problem prob;
	char *buf = NULL;
	size_t len = 0;
	xmlNodePtr st;
	const char *why;
	enum pbr_read_status rs;

	*doc = NULL;
	rs = pbr_read_file(path, 64u << 20, &buf, &len);
	if ((rs == PBR_READ_CANNOT_OPEN || rs == PBR_READ_FAILED) && errno == ENOMEM)
		return pbr_error(EX_OSERR, "report: out of memory reading %s", path);
	if (rs != PBR_READ_OK)
		return index_other(root, file, "cannot be read");
	*doc = pbr_xml_parse(buf, len, path, &prob);
	free(buf);
	st = *doc ? xmlDocGetRootElement(*doc) : NULL;
	if (st && st->ns && xmlStrEqual(st->ns->href, BAD_CAST PBR_STATEMENT_NS)
	    && (xmlStrEqual(st->name, BAD_CAST PBR_STATEMENT_ROOT) || pbr_render_is_monthly(*doc)))
		return 0;
	why = *doc == NULL ? "not well-formed XML"
	      : st && st->name ? (const char *)st->name : "no root element";
	{
		int code = index_other(root, file, why);

		if (*doc)
			xmlFreeDoc(*doc);
		*doc = NULL;
		return code;
	}
}

/* The annex beside statement id against its AnnexDigest; NULL when out
 * of memory. */
static const char *index_annex(const char *dir, const char *id, const char *digest, bool *ok)
{
	char annex[PATH_MAX], hex[PBR_SHA256_HEX];

	*ok = false;
	snprintf(annex, sizeof annex, "%s/%s-annex.csv", dir, id);
	if (access(annex, R_OK) != 0)
		return "MISSING";
	if (pbr_sha256_file(annex, hex) != 0)
		return errno == ENOMEM ? NULL : "cannot be read";
	*ok = strcmp(hex, digest) == 0;
	return *ok ? "matches AnnexDigest" : "MISMATCH: not the AnnexDigest";
}

/* The header's texts as attributes of e. */
static int index_texts(xmlNodePtr e, xmlNodePtr h)
{
	static const struct { const char *attr, *el, *prop; } texts[] = {
		{ "contract", "Contract", "id" }, { "cpa", "Contract", "cpa" },
		{ "provider", "Provider", NULL }, { "period", "Period", NULL },
		{ "period", "Month", NULL },	/* a monthly statement */
		{ "cohort", "CohortQuarter", NULL }, { "supersedes", "Supersedes", NULL },
		{ "createdAt", "CreatedAt", NULL },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		xmlNodePtr n = pbr_vx_child(h, texts[i].el);
		char *t;

		if (n == NULL)
			continue;
		t = pbr_vx_text(n, texts[i].prop);
		if (t == NULL || !xmlNewProp(e, BAD_CAST texts[i].attr, BAD_CAST t)) {
			free(t);
			return oom();
		}
		free(t);
	}
	return 0;
}

/* One figure of the statement as an attribute (copied as stated, checked
 * to be an integer); absent elements give no attribute. */
static int index_money(xmlNodePtr e, const char *attr, xmlNodePtr n, int64_t *v)
{
	*v = 0;
	if (n == NULL)
		return 0;
	if (pbr_vx_int(n, v) != 0)
		return -1;
	return pbr_vx_set_int(e, attr, *v);
}

/* What the statement pays, as attributes of e; *amount its AmountDuePence. */
static int index_figures(const char *path, xmlNodePtr e, xmlNodePtr st, int64_t *amount)
{
	xmlNodePtr sum = pbr_vx_child(st, "Summary");
	int64_t v;

	if (index_money(e, "totalPence", pbr_vx_child(pbr_vx_child(st, "Cohort"), "TotalPence"), &v) != 0
	    || index_money(e, "trueUpPence",
			   pbr_vx_child(pbr_vx_child(st, "AnnualReconciliation"), "TrueUpPence"), &v) != 0
	    || index_money(e, "periodDuePence", pbr_vx_child(sum, "PeriodDuePence"), &v) != 0
	    || index_money(e, "advanceNettedPence", pbr_vx_child(sum, "AdvanceNettedPence"), &v) != 0
	    || index_money(e, "amountDuePence", pbr_vx_child(sum, "AmountDuePence"), amount) != 0)
		return pbr_error(EX_DATAERR, "report: %s: a Summary figure is not an integer", path);
	return 0;
}

/* The verdict: the first thing wrong, else what the statement is. */
static const char *index_verdict(bool schema_ok, int valid, bool annex_ok, const char *annex_state,
				 const char *status, xmlDocPtr doc, char *buf, size_t size)
{
	if (!schema_ok)
		return "INVALID: not a valid statement (schema)";
	if (valid == 0)
		return "SIGNATURE INVALID";
	if (!annex_ok) {
		snprintf(buf, size, "ANNEX %s", annex_state);
		return buf;
	}
	if (strcmp(status, "DRAFT") == 0)
		return "DRAFT: not a basis for payment";
	if (!pbr_has_signature(doc))
		return "NOT SIGNED";
	return valid == 1 ? "OK" : "OK, signature not checked";
}

/* An HTML report of file beside the index: its link on e. */
static int index_link(xmlNodePtr e, const char *outdir, const char *file)
{
	char html[PATH_MAX], rel[NAME_MAX + 1];

	if ((size_t)snprintf(html, sizeof html, "%s/%.*s.html", outdir,
			     (int)(strlen(file) - 4), file) >= sizeof html
	    || access(html, R_OK) != 0)
		return 0;
	snprintf(rel, sizeof rel, "%.*s.html", (int)(strlen(file) - 4), file);
	return xmlNewProp(e, BAD_CAST "report", BAD_CAST rel) ? 0 : oom();
}

/* The checks that need no database. */
struct index_checks {
	int schema_ok;		/* 1 valid, 0 not */
	struct pbr_xml_problem prob;
	int valid;		/* signature: 1 valid, 0 invalid, -1 not checked */
	char sig[512];
	bool annex_ok;
	const char *annex_state;
};

/* The header's identity, malloc'd. */
struct index_ids {
	char *id, *status, *kind, *digest;
};

static void ids_free(struct index_ids *d)
{
	free(d->id);
	free(d->status);
	free(d->kind);
	free(d->digest);
}

static int index_check(const char *dir, const char *path, const char *cert, xmlDocPtr doc,
		       const struct index_ids *d, struct index_checks *c)
{
	c->schema_ok = pbr_statement_schema_check(doc, &c->prob);
	if (c->schema_ok < 0)
		return pbr_error(EX_SOFTWARE, "report: schema %s: %s", pbr_statement_schema_path(),
				 c->prob.first);
	c->annex_state = index_annex(dir, d->id, d->digest, &c->annex_ok);
	if (c->annex_state == NULL)
		return pbr_error(EX_OSERR, "report: out of memory reading the annex of %s", d->id);
	return pbr_render_signature_status(path, doc, cert, c->sig, sizeof c->sig, &c->valid);
}

/* The new <Statement> and what the checks found. */
static xmlNodePtr index_entry(xmlNodePtr root, const char *file, xmlDocPtr doc,
			      const struct index_ids *d, const struct index_checks *c)
{
	xmlNodePtr e = xmlNewChild(root, NULL, BAD_CAST "Statement", NULL);

	if (e == NULL || !xmlNewProp(e, BAD_CAST "file", BAD_CAST file)
	    || !xmlNewProp(e, BAD_CAST "type", BAD_CAST (pbr_render_is_monthly(doc) ? "monthly" : "pbr"))
	    || !xmlNewProp(e, BAD_CAST "id", BAD_CAST d->id)
	    || !xmlNewProp(e, BAD_CAST "status", BAD_CAST d->status)
	    || !xmlNewProp(e, BAD_CAST "kind", BAD_CAST d->kind)
	    || !xmlNewProp(e, BAD_CAST "annex", BAD_CAST c->annex_state)
	    || !xmlNewProp(e, BAD_CAST "signature", BAD_CAST c->sig)
	    || !xmlNewProp(e, BAD_CAST "schema", BAD_CAST (c->schema_ok ? "valid" : c->prob.first)))
		return NULL;
	return e;
}

/* The verdict on e, and the totals. */
static int index_count(const char *dir, xmlNodePtr e, xmlDocPtr doc, const struct index_ids *d,
		       const struct index_checks *c, int64_t amount, struct index_totals *tot)
{
	char buf[600];
	const char *verdict = index_verdict(c->schema_ok, c->valid, c->annex_ok, c->annex_state,
					    d->status, doc, buf, sizeof buf);

	if (strncmp(verdict, "OK", 2) != 0 && strncmp(verdict, "DRAFT", 5) != 0)
		tot->problems++;
	if (!xmlNewProp(e, BAD_CAST "verdict", BAD_CAST verdict))
		return oom();
	if (strcmp(d->status, "FINAL") == 0) {
		tot->final++;
		if (__builtin_add_overflow(tot->amount_due, amount, &tot->amount_due))
			return pbr_error(EX_DATAERR, "report: the amounts due of %s overflow", dir);
	}
	return 0;
}

/* One statement file into one <Statement> (or an <Other>). */
static int index_statement(const char *dir, const char *outdir, const char *file,
			   const char *cert, xmlNodePtr root, struct index_totals *tot)
{
	char path[PATH_MAX];
	xmlDocPtr doc = NULL;
	xmlNodePtr st, h, e = NULL;
	struct index_ids d = { NULL, NULL, NULL, NULL };
	struct index_checks c;
	int64_t amount = 0;
	int code;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	code = index_read(path, file, root, &doc);
	if (code != 0 || doc == NULL)
		return code;
	tot->statements++;
	st = xmlDocGetRootElement(doc);
	h = pbr_vx_child(st, "Header");
	d.id = pbr_vx_text(pbr_vx_child(h, "StatementId"), NULL);
	d.status = pbr_vx_text(pbr_vx_child(h, "Status"), NULL);
	d.kind = pbr_vx_text(pbr_vx_child(h, "Kind"), NULL);
	d.digest = pbr_vx_text(pbr_vx_child(h, "AnnexDigest"), NULL);
	memset(&c, 0, sizeof c);
	if (!d.id || !d.status || !d.kind || !d.digest) {
		code = oom();
		goto done;
	}
	code = index_check(dir, path, cert, doc, &d, &c);
	if (code == 0 && (e = index_entry(root, file, doc, &d, &c)) == NULL)
		code = oom();
	if (code == 0)
		code = index_texts(e, h);
	if (code == 0)
		code = index_figures(path, e, st, &amount);
	if (code == 0)
		code = index_count(dir, e, doc, &d, &c, amount, tot);
	if (code == 0)
		code = index_link(e, outdir, file);
done:
	ids_free(&d);
	xmlFreeDoc(doc);
	return code;
}

/* Marks superseded statements (another FINAL statement in the directory
 * names them in Supersedes) and sums the PeriodDuePence of those in force
 * (SPEC 7: the amounts due along a chain sum to the latest period due). */
static int index_finish(xmlNodePtr root, struct index_totals *tot)
{
	for (xmlNodePtr a = root->children; a; a = a->next) {
		xmlChar *id, *status;
		int64_t v = 0;

		if (a->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, BAD_CAST "Statement"))
			continue;
		id = xmlGetProp(a, BAD_CAST "id");
		status = xmlGetProp(a, BAD_CAST "status");
		for (xmlNodePtr b = root->children; b && id; b = b->next) {
			xmlChar *sup, *bst;
			int hit;

			if (b == a || b->type != XML_ELEMENT_NODE
			    || !xmlStrEqual(b->name, BAD_CAST "Statement"))
				continue;
			sup = xmlGetProp(b, BAD_CAST "supersedes");
			bst = xmlGetProp(b, BAD_CAST "status");
			hit = sup && bst && xmlStrEqual(sup, id) && xmlStrEqual(bst, BAD_CAST "FINAL");
			if (hit) {
				xmlChar *bid = xmlGetProp(b, BAD_CAST "id");

				xmlSetProp(a, BAD_CAST "supersededBy", bid ? bid : BAD_CAST "?");
				xmlFree(bid);
			}
			xmlFree(sup);
			xmlFree(bst);
			if (hit)
				break;
		}
		if (status && xmlStrEqual(status, BAD_CAST "FINAL")
		    && !xmlHasProp(a, BAD_CAST "supersededBy")) {
			xmlChar *t = xmlGetProp(a, BAD_CAST "periodDuePence");

			if (t && pbr_parse_int64((const char *)t, &v) == 0
			    && __builtin_add_overflow(tot->period_due_in_force, v, &tot->period_due_in_force)) {
				xmlFree(t);
				xmlFree(id);
				xmlFree(status);
				return pbr_error(EX_DATAERR, "report: the periods due overflow");
			}
			xmlFree(t);
		}
		xmlFree(id);
		xmlFree(status);
	}
	return 0;
}

/* The directory of out, where the HTML reports the index links sit. */
static void dir_of(const char *out, char *dir, size_t size)
{
	const char *slash = strrchr(out, '/');

	if (slash == out)
		snprintf(dir, size, "/");
	else if (slash)
		snprintf(dir, size, "%.*s", (int)(slash - out), out);
	else
		snprintf(dir, size, ".");
}

static int index_total(xmlNodePtr root, const struct index_totals *tot)
{
	xmlNodePtr t = xmlNewChild(root, NULL, BAD_CAST "Total", NULL);

	if (t == NULL || pbr_vx_set_int(t, "statements", tot->statements) != 0
	    || pbr_vx_set_int(t, "final", tot->final) != 0
	    || pbr_vx_set_int(t, "problems", tot->problems) != 0
	    || pbr_vx_set_int(t, "amountDuePence", tot->amount_due) != 0
	    || pbr_vx_set_int(t, "periodDueInForcePence", tot->period_due_in_force) != 0)
		return oom();
	return 0;
}

int pbr_report_index(const char *dir, enum pbr_format fmt, const char *out, const char *cert)
{
	char **names = NULL, outdir[PATH_MAX];
	size_t n = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr root = NULL;
	xmlChar *text = NULL;
	struct index_totals tot;
	int len = 0, code;

	if (out == NULL || dir == NULL)
		return EX_USAGE;
	memset(&tot, 0, sizeof tot);
	dir_of(out, outdir, sizeof outdir);
	code = list_xml(dir, &names, &n);
	if (code != 0)
		return code;
	pbr_render_begin();
	doc = pbr_vx_new_doc("Index", PBR_INDEX_NS, &root);
	if (doc == NULL || !xmlNewProp(root, BAD_CAST "dir", BAD_CAST dir)
	    || !xmlNewProp(root, BAD_CAST "certificate", BAD_CAST (cert ? cert : ""))
	    || !xmlNewProp(root, BAD_CAST "engineVersion", BAD_CAST PBR_VERSION))
		code = oom();
	for (size_t i = 0; i < n && code == 0; i++)
		code = index_statement(dir, outdir, names[i], cert, root, &tot);
	if (code == 0)
		code = index_finish(root, &tot);
	if (code == 0 && tot.statements == 0)
		pbr_warn("no settlement statement in %s; the index is empty", dir);
	if (code == 0)
		code = index_total(root, &tot);
	if (code == 0)
		code = pbr_render_transform(dir, doc, "index", fmt, NULL, &text, &len);
	if (code == 0)
		code = pbr_render_write(out, text, len);
	pbr_render_end();
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (text)
		xmlFree(text);
	if (doc)
		xmlFreeDoc(doc);
	return code;
}
