/*
 * digest.h - streaming SHA-256 (OpenSSL EVP) with lower-case hex output.
 */
#ifndef PBR_DIGEST_H
#define PBR_DIGEST_H

#include <stddef.h>

#define PBR_SHA256_HEX 65   /* 64 hex digits and a NUL */

struct pbr_sha256;

/* NULL when out of memory. */
struct pbr_sha256 *pbr_sha256_new(void);
int pbr_sha256_update(struct pbr_sha256 *d, const void *data, size_t len);
/* Finishes into hex (PBR_SHA256_HEX bytes); returns 0 or -1. */
int pbr_sha256_final(struct pbr_sha256 *d, char *hex);
void pbr_sha256_free(struct pbr_sha256 *d);

/* One-shot digest of a buffer; returns 0 or -1. */
int pbr_sha256_buffer(const void *data, size_t len, char *hex);
/* Digest of a whole file; returns 0, or -1 with errno set. */
int pbr_sha256_file(const char *path, char *hex);

#endif
