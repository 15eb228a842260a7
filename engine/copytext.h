/*
 * copytext.h - pure parser of one row of PostgreSQL's COPY text format.
 */
#ifndef PBR_COPYTEXT_H
#define PBR_COPYTEXT_H

#include <stddef.h>

/* Splits one COPY text row (a trailing '\n' is allowed) into exactly n
 * tab-separated fields, unescaping in place (\b \f \n \r \t \v \\, octal
 * \ooo, hex \xhh, and \c for any other c).  "\N" alone is NULL and gives a
 * NULL pointer.  Each field is NUL-terminated inside line.  Returns 0, or
 * -1 when the row does not have n fields or an escape yields a NUL byte. */
int pbr_copy_split(char *line, size_t len, char **fields, int n);

/* The same, also giving each field's length in lens[] (0 for NULL). */
int pbr_copy_split_len(char *line, size_t len, char **fields, size_t *lens,
		       int n);

/* Compares two rows as the lines of the input digest (SPEC 7): the n fields
 * joined by '|', a NULL field (pointer NULL) written empty, compared
 * bytewise as unsigned bytes, a proper prefix first -- PostgreSQL's
 * COLLATE "C" order of concat_ws('|', ...).  lens[] are the fields'
 * lengths (0 for NULL); fields may hold any byte, '|' included.  Returns
 * <0, 0 or >0. */
int pbr_line_cmp(const char *const *a, const size_t *alen,
		 const char *const *b, const size_t *blen, int n);

#endif
