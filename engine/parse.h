/*
 * parse.h - pure parsing and formatting helpers shared by the engine and the
 * unit tests (no I/O: PURE_SRC in the Makefile).
 */
#ifndef PBR_PARSE_H
#define PBR_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parses a whole decimal int64 (optional leading '-'), no spaces, no
 * overflow.  Returns 0 or -1. */
int pbr_parse_int64(const char *s, int64_t *out);

/* Formats pence as pounds, "-1234.56". buf of at least 32 bytes. */
void pbr_format_pounds(int64_t pence, char *buf, size_t size);

#endif
