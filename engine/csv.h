/*
 * csv.h - the one way the engine writes a CSV text field: RFC 4180
 * quoting, and neutralisation of cells a spreadsheet would run as a
 * formula (the OWASP advice on CSV injection).  Every CSV the engine
 * writes (the offender annex, `<period>-unassigned.csv`, `history --format csv`, and, mirrored in
 * XSLT, the report stylesheets) writes its text fields through it.
 *
 * The rule (docs/STATEMENT.md, "CSV files"):
 *   - a text field whose first byte is '=', '+', '-', '@', TAB, CR or
 *     '\'' is written as '"' '\'' <the field, '"' doubled> '"': the
 *     leading apostrophe makes Excel, LibreOffice and Google Sheets show
 *     it as text; a reader gets the original back by dropping that one
 *     apostrophe (a field that itself began with '\'' gains one too, so
 *     the rule is reversible);
 *   - otherwise a field holding ',', '"', ';', TAB, CR or LF is written
 *     between double quotes with '"' doubled (';' and TAB because some
 *     spreadsheets split on them, which could start a cell mid-field);
 *   - otherwise it is written as it is.
 * Numbers (integer columns) are not text fields and never go through
 * here: -260068 stays a number.  Pure: no libpq, no XML.
 */
#ifndef PBR_CSV_H
#define PBR_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Where the bytes go: put(ctx, p, n). */
typedef void (*pbr_csv_put_fn)(void *ctx, const char *p, size_t n);

/* How field v (len bytes) is written: 0 as it is, 1 quoted, 2 quoted and
 * neutralised. */
int pbr_csv_text_kind(const char *v, size_t len);

/* Writes text field v (len bytes; NULL is an empty field) through put. */
void pbr_csv_text(const char *v, size_t len, pbr_csv_put_fn put, void *ctx);

/* The same to a stdio stream (v NUL-terminated); 0, or -1 on a write
 * error (ferror(f) is then set). */
int pbr_csv_text_file(FILE *f, const char *v);

#endif
