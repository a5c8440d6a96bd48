/*
 * fuzz_ipz_vpd.c - libFuzzer target: the IPZ (device-tree ibm,vpd) decoder and its
 * renderers on arbitrary bytes. Invariants: no crash/overread, every keyword inside
 * the input, record names NUL-terminated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "vpd/vpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipz_vpd v;
	struct ras_err e;
	FILE *f = fopen("/dev/null", "w");

	if (ipz_vpd_parse(data, size, &v, &e) == 0) {
		struct json_writer w;
		for (size_t r = 0; r < v.n_rec; r++) {
			if (strlen(v.rec[r].name) > 4)
				abort();
			for (size_t i = 0; i < v.rec[r].n_kw; i++) {
				const struct vpd_keyword *k = &v.rec[r].kw[i];
				if (k->data < data || k->data + k->len > data + size)
					abort();
			}
		}
		if (f) {
			ipz_vpd_print_text(f, &v, "");
			json_init(&w, f, false);
			ipz_vpd_write_json(&w, &v);
		}
	}
	ipz_vpd_free(&v);
	if (f)
		fclose(f);
	return 0;
}
