/*
 * fuzz_guard.c - libFuzzer target for GUARD records: decoded data of any length,
 * listing, and path parsing; a parsed set must serialize and parse back equal.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash/guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guard_set s;
	struct guard_rec r;
	struct ras_err e;
	char path[256];

	if (guard_parse(data, size, &s, &e) == 0) {
		FILE *f = fopen("/dev/null", "w");
		uint8_t *buf = malloc(size + 1);
		struct guard_set s2;

		if (f) {
			guard_list_text(f, &s, GUARD_P9);
			for (size_t i = 0; i < s.n; i++)
				guard_show_text(f, &s.r[i], GUARD_P8);
			fclose(f);
		}
		if (buf && guard_serialize(&s, buf, size, &e) == 0) {
			if (guard_parse(buf, size, &s2, &e) != 0 || s2.n != s.n)
				abort();
			guard_set_free(&s2);
		}
		free(buf);
		guard_set_free(&s);
	}
	if (size < sizeof(path)) {
		memcpy(path, data, size);
		path[size] = '\0';
		for (int c = 8; c <= 10; c++)
			if (guard_path_parse(path, (enum guard_chip)c, &r, &e) == 0) {
				char out[256];

				guard_path_format(&r, (enum guard_chip)c, out, sizeof(out));
			}
	}
	return 0;
}
