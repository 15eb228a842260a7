/*
 * csv.c - CSV text fields, quoted and neutralised (csv.h).
 */
#include "csv.h"

#include <string.h>

/* bytes that make a field start a formula (first byte only) */
static int starts_formula(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
	       || c == '\'';
}

/* bytes that need the field quoted anywhere in it */
static int needs_quotes(unsigned char c)
{
	return c == ',' || c == '"' || c == ';' || c == '\t' || c == '\r' || c == '\n';
}

int pbr_csv_text_kind(const char *v, size_t len)
{
	if (v == NULL || len == 0)
		return 0;
	if (starts_formula((unsigned char)v[0]))
		return 2;
	for (size_t i = 0; i < len; i++)
		if (needs_quotes((unsigned char)v[i]))
			return 1;
	return 0;
}

void pbr_csv_text(const char *v, size_t len, pbr_csv_put_fn put, void *ctx)
{
	int kind = pbr_csv_text_kind(v, len);
	size_t start = 0;

	if (kind == 0) {
		if (len > 0)
			put(ctx, v, len);
		return;
	}
	put(ctx, kind == 2 ? "\"'" : "\"", kind == 2 ? 2 : 1);
	for (size_t i = 0; i < len; i++)
		if (v[i] == '"') {
			put(ctx, v + start, i + 1 - start);	/* through the quote */
			put(ctx, "\"", 1);			/* doubled */
			start = i + 1;
		}
	if (start < len)
		put(ctx, v + start, len - start);
	put(ctx, "\"", 1);
}

struct file_ctx {
	FILE *f;
	int failed;
};

static void put_file(void *ctx, const char *p, size_t n)
{
	struct file_ctx *fc = ctx;

	if (fwrite(p, 1, n, fc->f) != n)
		fc->failed = 1;
}

int pbr_csv_text_file(FILE *f, const char *v)
{
	struct file_ctx fc = { f, 0 };

	pbr_csv_text(v, v ? strlen(v) : 0, put_file, &fc);
	return fc.failed ? -1 : 0;
}
