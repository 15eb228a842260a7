/*
 * faults.c - crash points (see faults.h); empty unless built with PBR_FAULTS.
 */
#include "faults.h"

#ifdef PBR_FAULTS
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void pbr_fault(const char *point)
{
	static long hits;
	const char *at = getenv("PBR_CRASH_AT"), *colon;
	const char *mode = getenv("PBR_CRASH_MODE");
	size_t len;
	long want = 1;

	if (at == NULL)
		return;
	colon = strchr(at, ':');
	len = colon ? (size_t)(colon - at) : strlen(at);
	if (len != strlen(point) || strncmp(at, point, len) != 0)
		return;
	if (colon)
		want = strtol(colon + 1, NULL, 10);
	if (++hits != want)
		return;
	if (mode && strcmp(mode, "abort") == 0)
		abort();
	_exit(97);
}
#else
typedef int pbr_faults_unused;
#endif
