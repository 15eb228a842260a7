/*
 * import_csv.h - the reading half of `pbr-settle import` (SPEC 9): the
 * feeds' columns, a streaming CSV record reader, the checks of every row
 * and a row written as COPY text.  No database: the reference codes a
 * check needs (CPAs, contracts) are handed in.  cmd_import.c drives it
 * (and owns the database side); tests/fuzz/fuzz_import.c fuzzes it.
 *
 * The reader: RFC 4180 the way PostgreSQL reads CSV (an unquoted empty
 * field is NULL, a quoted one the empty string); a UTF-8 byte-order mark
 * at the start of the file is skipped; a record ends with LF or CR LF (a
 * lone CR is a syntax error); a quoted field may hold line ends, and line
 * numbers count physical lines from 1.
 */
#ifndef PBR_IMPORT_CSV_H
#define PBR_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum pbr_col_type {
	PBR_COL_TEXT,       /* any text, NULL allowed */
	PBR_COL_KEY,        /* text, neither NULL nor empty */
	PBR_COL_NEEDS,      /* text, an empty field is '' (never NULL) */
	PBR_COL_INT,        /* a 32-bit integer, NULL allowed */
	PBR_COL_BIGINT,     /* a 64-bit integer, NULL allowed */
	PBR_COL_DATE,       /* YYYY-MM-DD, NULL allowed */
	PBR_COL_QUARTER,    /* YYYYQn */
	PBR_COL_MONTH,      /* YYYY-MM */
	PBR_COL_CPA,        /* a code of pbr.cpa */
	PBR_COL_CONTRACT,   /* an id of pbr.contract */
};

struct pbr_column {
	const char *name;
	enum pbr_col_type type;
};

struct pbr_feed {
	const char *kind;           /* cohort, volumes, kpis */
	const char *table;          /* its landing table */
	const struct pbr_column *cols;
	int ncols;
};

/* The feed of that kind, or NULL. */
const struct pbr_feed *pbr_import_feed(const char *kind);

#define PBR_CSV_MAX_FIELDS 64
#define PBR_CSV_MAX_RECORD ((size_t)256 << 20)   /* bytes of one record */
#define PBR_IMPORT_SHOW 32                       /* bytes of a value shown */

/* A streaming CSV reader.  Zero it, set f, line = 1 and (optionally)
 * chunk, which sees every block of the file as read (the import hashes
 * the file with it; non-zero stops the reading as an I/O error). */
struct pbr_csv {
	FILE *f;
	int (*chunk)(void *ctx, const void *p, size_t n);
	void *chunk_ctx;
	unsigned char buf[65536];
	size_t pos, len;
	bool eof, io_error, started;
	bool oom;                   /* out of memory for a record (pbr_csv_read -1) */
	long line;                  /* physical line being read, from 1 */
	/* the record just read */
	long rec_line;              /* where it starts */
	int eol;                    /* 0 end of file, 1 LF, 2 CR LF */
	char *data;                 /* the fields, each NUL-terminated */
	size_t dlen, dcap;
	int nf;                     /* fields seen (may exceed the maximum) */
	size_t off[PBR_CSV_MAX_FIELDS], flen[PBR_CSV_MAX_FIELDS];
	bool quoted[PBR_CSV_MAX_FIELDS];
	char err[160];              /* a syntax error in the record */
};

/* Reads one record.  Returns 1 (a record; c->err set when it is
 * malformed), 0 at the end of the file, -1 when the rest of the file
 * cannot be read as CSV (c->err says why). */
int pbr_csv_read(struct pbr_csv *c);
/* Field i (< min(nf, PBR_CSV_MAX_FIELDS)) of the record just read, flen[i] bytes. */
const char *pbr_csv_field(const struct pbr_csv *c, int i);
/* NULL: an unquoted empty field (PostgreSQL's CSV rule). */
bool pbr_csv_is_null(const struct pbr_csv *c, int i);

/* A sorted list of reference codes (pbr.cpa, pbr.contract). */
struct pbr_refs {
	char **code;
	size_t n;
};
void pbr_refs_sort(struct pbr_refs *r);
bool pbr_refs_has(const struct pbr_refs *r, const char *v);
void pbr_refs_free(struct pbr_refs *r);

struct pbr_import_checker {
	const struct pbr_feed *feed;
	struct pbr_refs cpas, contracts;
	int eol;                    /* the header's line end */
};

/* Reads the header (the first record) and checks it is exactly the
 * feed's column list.  Returns 0, or a sysexits code after one line
 * naming path. */
int pbr_import_check_header(const struct pbr_feed *feed, struct pbr_csv *c,
			    const char *path);
/* Checks one data record; why is empty when it may be imported, else it
 * holds every problem of the row ("; "-separated). */
void pbr_import_check_record(const struct pbr_import_checker *k,
			     const struct pbr_csv *c, char *why, size_t size);

/* A value as it may be shown: at most PBR_IMPORT_SHOW bytes, printable
 * ASCII, the rest as \xHH; never a whole 1 MB field. */
const char *pbr_import_shown(const char *v, size_t n, char *buf, size_t size);

/* A growing buffer of COPY text; failed once an allocation failed. */
struct pbr_copybuf {
	char *buf;
	size_t len, cap;
	bool failed;
	bool oom;                   /* failed for want of memory */
};

/* Appends the record as one row of COPY text format: tab-separated, \N
 * for NULL (an empty needs field is '' instead), \\ \t \n \r escaped,
 * ending '\n'.  PostgreSQL's COPY (and copytext.c) reads the fields
 * back. */
void pbr_import_copy_row(struct pbr_copybuf *o, const struct pbr_feed *feed,
			 const struct pbr_csv *c);

#endif
