/*
 * fuzz_ffs.c - libFuzzer target for the FFS table parser, the ECC decoder and the
 * ffspart layout parser: arbitrary bytes must never crash or read out of bounds.
 * The input is tried as a table at offset 0 of a flash of its own size, as ECC
 * words (decode and scan), and as layout text (then built into a small image,
 * which must parse back).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flash/ecc.h"
#include "flash/ffs.h"
#include "flash/ffs_build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ffs_toc t;
	struct ras_err e;
	struct ecc_stats st = { 0 };
	uint8_t *out;

	if (ffs_toc_parse(data, size, 0, size, &t, &e) == 0) {
		for (size_t i = 0; i < t.n; i++) {
			char fl[11];

			ffs_flags_str(&t.ent[i], fl);
			if (t.ent[i].base + t.ent[i].size > (uint64_t)t.block_count * t.block_size)
				abort(); /* the parser promised bounds */
		}
		ffs_toc_golden(&t);
		ffs_toc_free(&t);
	}
	out = malloc(size / 9 * 8 + 8);
	if (out) {
		ecc_decode(data, size, out, &st);
		ecc_scan(data, size, 0, &st);
		free(out);
	}
	if (size < 4096) {
		struct ffs_layout *l = malloc(sizeof(*l));
		uint8_t *img = malloc(1 << 20);

		if (l && img && ffs_layout_parse((const char *)data, size, l, &e) == 0) {
			/* files are never read while fuzzing */
			for (size_t i = 0; i < l->nparts; i++)
				l->part[i].file[0] = '\0';
			if (ffs_build(l, 0x1000, img, 1 << 20, NULL, &e) == 0) {
				for (int k = 0; k < FFS_BUILD_MAX_TOCS; k++) {
					if (!l->toc[k].present)
						continue;
					if (ffs_toc_parse(img + l->toc[k].base,
							  (1 << 20) - l->toc[k].base,
							  l->toc[k].base, 1 << 20, &t, &e) != 0)
						abort(); /* what we build must parse */
					ffs_toc_free(&t);
				}
			}
		}
		free(l);
		free(img);
	}
	return 0;
}
