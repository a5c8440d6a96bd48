/*
 * ffs_build.h - build FFS images (tables and blank partitions), ffspart style.
 *
 * Used by `opal-flash create`, by opal-sim to make its host PNOR, and by the tests
 * to make small synthetic images (one or more sides). The layout-file syntax is
 * ffspart's (ffs-pnor-ecc-guard.md section 6):
 *   @N,BASE,FLAGS                    a TOC (N = 0..9)
 *   NAME,BASE,SIZE,FLAGS,TOCS,FILE   a partition (TOCS: digits, empty = 0)
 * Every table gets its own "part" entry (type partition, PROTECTED, the TOC's
 * flags) first; partitions follow in file order. ECC partitions are written as
 * valid blank ECC, others as 0xFF; FILE content (ECC encoded for E partitions unless
 * the name ends in ".ecc") is placed at the start. actual = size (0 for B entries).
 */
#ifndef OPAL_RAS_FLASH_FFS_BUILD_H
#define OPAL_RAS_FLASH_FFS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define FFS_BUILD_MAX_TOCS  10
#define FFS_BUILD_MAX_PARTS 64

struct ffs_build_part {
	char name[16];
	uint64_t base, size;
	char flags[16];
	unsigned tocs; /* bit n = listed in TOC n */
	char file[512]; /* "" = none */
};

struct ffs_layout {
	struct {
		uint64_t base;
		char flags[16];
		int present;
	} toc[FFS_BUILD_MAX_TOCS];
	struct ffs_build_part part[FFS_BUILD_MAX_PARTS];
	size_t nparts;
};

/* Parse layout text (len bytes). Messages name the line. */
int ffs_layout_parse(const char *text, size_t len, struct ffs_layout *l, struct ras_err *e);
/* Build the image into img (img_len bytes = the flash size, a multiple of block_size).
 * dir is where relative FILE names are looked up (NULL = cwd). */
int ffs_build(const struct ffs_layout *l, uint32_t block_size, uint8_t *img, size_t img_len,
	      const char *dir, struct ras_err *e);
/* Flag letters (ELIPRBFGCV) to the user-word fields. */
int ffs_flags_parse(const char *s, uint16_t *datainteg, uint8_t *vercheck, uint8_t *misc,
		    struct ras_err *e);

#endif
