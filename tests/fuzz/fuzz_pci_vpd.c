/*
 * fuzz_pci_vpd.c - libFuzzer target: the PCI VPD decoder and both renderers on
 * arbitrary bytes. Invariants checked: no crash/overread (ASan), used <= len, every
 * keyword lies inside the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/json.h"
#include "vpd/vpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_vpd v;
	struct ras_err e;
	FILE *f = fopen("/dev/null", "w");

	if (pci_vpd_parse(data, size, &v, &e) == 0) {
		struct json_writer w;
		if (v.used > size)
			abort();
		for (size_t i = 0; i < v.n_kw; i++)
			if (v.kw[i].data < data || v.kw[i].data + v.kw[i].len > data + size)
				abort();
		if (f) {
			pci_vpd_print_text(f, &v, "  ");
			json_init(&w, f, false);
			pci_vpd_write_json(&w, &v);
		}
	}
	pci_vpd_free(&v);
	if (f)
		fclose(f);
	return 0;
}
