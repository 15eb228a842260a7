/*
 * tariff_file.c - reads a draft tariff file (see tariff_file.h).  Every
 * error names the file and line and stops the read: a what-if figure from
 * a half-understood tariff would be worse than none.
 */
#include "tariff_file.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096

enum key {
	K_VERSION, K_DESCRIPTION, K_BINARY_PRICE, K_FREQUENCY_PRICE, K_HURDLE,
	K_CAP, K_MAX_WEIGHT, K_MAX_REJECT,
	/* SPEC 5a, optional: the database's defaults when left out */
	K_BINARY_MODE, K_Z, K_DEDUCTION_PRICE, K_DEDUCTION_CAP, K_TERMINATION,
	K_NKEYS
};

/* Keys that may be left out (description, and the SPEC 5a ones). */
static bool optional_key(int k)
{
	return k == K_DESCRIPTION || k >= K_BINARY_MODE;
}

static const struct {
	const char *name;
	int64_t lo, hi;            /* numeric keys only */
	const char *unit;
} keys[K_NKEYS] = {
	[K_VERSION] = { "version", 0, 0, NULL },
	[K_DESCRIPTION] = { "description", 0, 0, NULL },
	[K_BINARY_PRICE] = { "binary_price_pence", 0, INT64_MAX, "pence" },
	[K_FREQUENCY_PRICE] = { "frequency_price_pence", 0, INT64_MAX, "pence" },
	[K_HURDLE] = { "binary_hurdle_ppm", 0, PBR_PPM, "ppm" },
	[K_CAP] = { "cohort_cap_pence", 0, INT64_MAX, "pence" },
	[K_MAX_WEIGHT] = { "max_weight_bp", PBR_BP, 100 * PBR_BP, "bp" },
	[K_MAX_REJECT] = { "max_reject_ppm", 0, PBR_PPM, "ppm" },
	[K_BINARY_MODE] = { "binary_mode", 0, 0, NULL },
	[K_Z] = { "significance_z_milli", 1, 5000, "milli" },
	[K_DEDUCTION_PRICE] = { "deduction_price_pence", 0, INT64_MAX, "pence" },
	[K_DEDUCTION_CAP] = { "deduction_cap_pence", 0, INT64_MAX, "pence" },
	[K_TERMINATION] = { "termination_ppm", 0, PBR_PPM, "ppm" },
};

struct reader {
	const char *path;
	int line;
	int seen[K_NKEYS];          /* line where each key was given, 0 if not */
	struct pbr_tariff_file *t;
};

static int bad(const struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(const struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pbr_error(EX_DATAERR, "%s:%d: %s", r->path, r->line, msg);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *trim(char *s)
{
	size_t n;

	while (blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cuts a " # comment" off a value (a '#' at its start or after a blank). */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || blank(p[-1]))) {
			*p = '\0';
			return;
		}
}

/* Well-formed UTF-8 without control characters (XML 1.0 must carry it). */
static bool text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p;
		int more;
		uint32_t cp;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		p++;
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if ((more == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ||
				   cp == 0xfffe || cp == 0xffff)) ||
		    (more == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
	}
	return true;
}

/* Need codes and versions: [A-Za-z0-9_.-], 1..max bytes. */
static bool token_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static int number(const struct reader *r, const char *what, const char *v,
		  int64_t lo, int64_t hi, const char *unit, int64_t *out)
{
	char range[96];

	if (pbr_parse_int64(v, out) != 0 || (*v == '-' && *out == 0))
		return bad(r, "%s: '%s' is not a whole number (plain decimal digits)",
			   what, v);
	if (*out < lo || *out > hi) {
		if (hi == INT64_MAX)
			snprintf(range, sizeof range, "at least %lld %s", (long long)lo, unit);
		else
			snprintf(range, sizeof range, "%lld..%lld %s", (long long)lo,
				 (long long)hi, unit);
		return bad(r, "%s out of range: must be %s", what, range);
	}
	return 0;
}

static int uplift_line(struct reader *r, char *rest)
{
	struct pbr_tariff_file *t = r->t;
	struct pbr_tariff_def *s = &t->def;
	char *eq = strchr(rest, '='), *need, *val;
	char what[PBR_CODE_MAX + 16];
	int64_t bp;
	size_t i;
	int rc;

	if (eq == NULL)
		return bad(r, "expected 'uplift NEED = BP'");
	*eq = '\0';
	need = trim(rest);
	val = eq + 1;
	cut_comment(val);
	val = trim(val);
	if (!token_ok(need, PBR_CODE_MAX))
		return bad(r, "uplift: need code '%s' must be 1 to 32 letters, digits, '_', '-' or '.'",
			   need);
	if (*val == '\0')
		return bad(r, "uplift %s: no value", need);
	snprintf(what, sizeof what, "uplift %s", need);
	rc = number(r, what, val, 0, 100 * PBR_BP, "bp", &bp);
	if (rc != 0)
		return rc;
	for (i = 0; i < s->n_uplifts; i++)
		if (strcmp(s->uplifts[i].need, need) == 0) {
			char first[32];

			snprintf(first, sizeof first, "%d", t->uplift_line[i]);
			return bad(r, "uplift %s given twice (first on line %s)", need, first);
		}
	if (s->n_uplifts == PBR_MAX_NEEDS)
		return bad(r, "too many uplift lines (at most 64)");
	/* keep them sorted by need code, bytewise */
	for (i = s->n_uplifts; i > 0 && strcmp(s->uplifts[i - 1].need, need) > 0; i--) {
		s->uplifts[i] = s->uplifts[i - 1];
		t->uplift_line[i] = t->uplift_line[i - 1];
	}
	memset(&s->uplifts[i], 0, sizeof s->uplifts[i]);
	memcpy(s->uplifts[i].need, need, strlen(need) + 1);
	s->uplifts[i].bp = bp;
	t->uplift_line[i] = r->line;
	s->n_uplifts++;
	return 0;
}

static int key_line(struct reader *r, char *text)
{
	struct pbr_tariff_def *s = &r->t->def;
	char *eq = strchr(text, '='), *key, *val;
	int64_t v;
	int k, rc;

	if (eq == NULL)
		return bad(r, "expected 'key = value' or 'uplift NEED = BP', got '%.60s'",
			   text);
	*eq = '\0';
	key = trim(text);
	val = eq + 1;
	for (k = 0; k < K_NKEYS; k++)
		if (strcmp(key, keys[k].name) == 0)
			break;
	if (k == K_NKEYS)
		return bad(r, "unknown key '%.60s' (known: version, description, binary_price_pence, frequency_price_pence, binary_hurdle_ppm, cohort_cap_pence, max_weight_bp, max_reject_ppm, binary_mode, significance_z_milli, deduction_price_pence, deduction_cap_pence, termination_ppm, uplift NEED)",
			   key);
	if (r->seen[k]) {
		char first[32];

		snprintf(first, sizeof first, "%d", r->seen[k]);
		return bad(r, "%s given twice (first on line %s)", keys[k].name, first);
	}
	r->seen[k] = r->line;
	if (k != K_DESCRIPTION)
		cut_comment(val);
	val = trim(val);
	switch (k) {
	case K_VERSION:
		if (!token_ok(val, PBR_TARIFF_VERSION_MAX))
			return bad(r, "version '%.70s' must be 1 to 64 letters, digits, '_', '-' or '.'",
				   val);
		s->version = strdup(val);
		return s->version ? 0 : pbr_error(EX_OSERR, "out of memory");
	case K_DESCRIPTION:
		if (strlen(val) > 1000 || !text_ok(val))
			return bad(r, "description must be at most 1000 bytes of UTF-8 text without control characters");
		s->description = strdup(val);
		return s->description ? 0 : pbr_error(EX_OSERR, "out of memory");
	case K_BINARY_MODE:
		if (pbr_binary_mode_parse(val, &s->terms.binary_mode) != 0)
			return bad(r, "binary_mode '%.60s' must be hurdle or significance", val);
		return 0;
	default:
		break;
	}
	if (*val == '\0')
		return bad(r, "%s: no value", keys[k].name);
	rc = number(r, keys[k].name, val, keys[k].lo, keys[k].hi, keys[k].unit, &v);
	if (rc != 0)
		return rc;
	switch (k) {
	case K_BINARY_PRICE: s->terms.binary_price_pence = v; break;
	case K_FREQUENCY_PRICE: s->terms.frequency_price_pence = v; break;
	case K_HURDLE: s->terms.binary_hurdle_ppm = v; break;
	case K_CAP: s->terms.cohort_cap_pence = v; break;
	case K_MAX_WEIGHT: s->terms.max_weight_bp = v; break;
	case K_MAX_REJECT: s->terms.max_reject_ppm = v; break;
	case K_Z: s->terms.significance_z_milli = v; break;
	case K_DEDUCTION_PRICE: s->terms.deduction_price_pence = v; break;
	case K_DEDUCTION_CAP: s->terms.deduction_cap_pence = v; break;
	case K_TERMINATION:
		s->terms.has_termination = true;
		s->terms.termination_ppm = v;
		break;
	default: break;
	}
	return 0;
}

static int one_line(struct reader *r, char *line)
{
	char *p = line;

	while (blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "uplift", 6) == 0 && blank(p[6]))
		return uplift_line(r, p + 7);
	return key_line(r, p);
}

int pbr_tariff_file_read(const char *path, struct pbr_tariff_file *t)
{
	struct reader r;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	memset(t, 0, sizeof *t);
	t->def.terms.binary_mode = PBR_MODE_HURDLE;    /* the column defaults */
	t->def.terms.significance_z_milli = 1960;
	memset(&r, 0, sizeof r);
	r.path = path;
	r.t = t;
	f = fopen(path, "r");
	if (f == NULL && errno == ENOMEM)
		return pbr_error(EX_OSERR, "out of memory opening tariff file %s", path);
	if (f == NULL)
		return pbr_error(EX_NOINPUT, "cannot open tariff file %s: %s", path,
				 strerror(errno));
	errno = 0;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		r.line++;
		if ((size_t)n != strlen(line)) {
			rc = bad(&r, "NUL byte in the line (not a text file?)");
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > LINE_MAX_BYTES) {
			rc = bad(&r, "line longer than 4096 bytes");
			break;
		}
		rc = one_line(&r, line);
	}
	if (rc == 0 && ferror(f))
		rc = pbr_error(EX_NOINPUT, "cannot read tariff file %s: %s", path,
			       strerror(errno ? errno : EIO));
	free(line);
	fclose(f);
	if (rc == 0) {
		for (int k = 0; k < K_NKEYS; k++)
			if (!optional_key(k) && !r.seen[k]) {
				r.line = r.line > 0 ? r.line : 1;
				rc = pbr_error(EX_DATAERR, "%s:%d: %s is missing (every key but description and the significance keys is required)",
					       path, r.line, keys[k].name);
				break;
			}
	}
	if (rc == 0 && t->def.description == NULL) {
		t->def.description = strdup("");
		if (t->def.description == NULL)
			rc = pbr_error(EX_OSERR, "out of memory");
	}
	if (rc != 0)
		pbr_tariff_file_free(t);
	return rc;
}

void pbr_tariff_file_free(struct pbr_tariff_file *t)
{
	free(t->def.version);
	free(t->def.description);
	memset(t, 0, sizeof *t);
}
