/*
 * digest.c - streaming SHA-256 over OpenSSL's EVP interface.
 */
#include "digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct pbr_sha256 {
	EVP_MD_CTX *ctx;
};

struct pbr_sha256 *pbr_sha256_new(void)
{
	struct pbr_sha256 *d = malloc(sizeof *d);

	if (d == NULL)
		return NULL;
	d->ctx = EVP_MD_CTX_new();
	if (d->ctx == NULL || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d->ctx);
		free(d);
		return NULL;
	}
	return d;
}

int pbr_sha256_update(struct pbr_sha256 *d, const void *data, size_t len)
{
	return EVP_DigestUpdate(d->ctx, data, len) == 1 ? 0 : -1;
}

int pbr_sha256_final(struct pbr_sha256 *d, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n != 32)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

void pbr_sha256_free(struct pbr_sha256 *d)
{
	if (d) {
		EVP_MD_CTX_free(d->ctx);
		free(d);
	}
}

int pbr_sha256_buffer(const void *data, size_t len, char *hex)
{
	struct pbr_sha256 *d = pbr_sha256_new();
	int rc = -1;

	if (d && pbr_sha256_update(d, data, len) == 0 &&
	    pbr_sha256_final(d, hex) == 0)
		rc = 0;
	pbr_sha256_free(d);
	return rc;
}

int pbr_sha256_file(const char *path, char *hex)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	struct pbr_sha256 *d = NULL;
	size_t n;
	int rc = -1;

	if (f == NULL)
		return -1;
	d = pbr_sha256_new();
	if (d == NULL)
		goto cleanup;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (pbr_sha256_update(d, buf, n) != 0)
			goto cleanup;
	if (ferror(f))
		goto cleanup;
	rc = pbr_sha256_final(d, hex);
cleanup:
	pbr_sha256_free(d);
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
	}
	return rc;
}
