/*
 * bench_pel_encode.c - how fast opal-sim can make realistic PELs (make bench):
 * generate + encode N random logs, then the same logs through pel_decode() for a
 * round-trip rate. Reports logs/s and average size; it never asserts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/timeutil.h"
#include "errlog/pel.h"
#include "errlog/pel_encode.h"

int main(void)
{
	enum { N = 200000 };
	static uint8_t buf[PEL_ENC_MAX_SIZE];
	struct pel *p = malloc(sizeof(*p));
	uint64_t st = 1, bytes = 0, t0;
	double enc, rt;

	if (!p)
		return 1;
	t0 = time_mono_ns();
	for (uint32_t i = 0; i < N; i++) {
		struct pel_gen g;
		size_t len;

		pel_gen_random(&g, &st, i + 1, 1764000000000000ll);
		if (pel_encode(&g.d, buf, sizeof(buf), &len, NULL))
			return 1;
		bytes += len;
	}
	enc = (double)(time_mono_ns() - t0) / 1e9;
	st = 1;
	t0 = time_mono_ns();
	for (uint32_t i = 0; i < N; i++) {
		struct pel_gen g;
		size_t len;

		pel_gen_random(&g, &st, i + 1, 1764000000000000ll);
		if (pel_encode(&g.d, buf, sizeof(buf), &len, NULL) ||
		    pel_decode(buf, len, p, NULL, NULL))
			return 1;
	}
	rt = (double)(time_mono_ns() - t0) / 1e9;
	printf("pel_encode: %d random PELs (avg %.0f bytes): %.0f encoded/s, %.0f "
	       "encode+decode/s\n",
	       N, (double)bytes / N, N / enc, N / rt);
	free(p);
	return 0;
}
