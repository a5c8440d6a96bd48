/*
 * ffs.h - FFS ("FSP Flash Structure") partition tables of a PNOR (ffs-pnor-ecc-guard.md
 * sections 1 and 2).
 *
 * ffs_toc_parse() decodes one table from untrusted bytes and verifies everything
 * libffs checks (magic, version, XOR checksums of the header and of every entry,
 * entry size, table and flash sizes) plus what libffs does not: names, parent ids,
 * types, user-word flags, entries inside the flash and not overlapping, no duplicate
 * names. ffs_image_open() reads the table at an offset from a flash device and
 * follows OTHER_SIDE entries to every other side (stopping at loops).
 * Sizes and bases are kept in bytes as well as in blocks; `actual` is in bytes.
 */
#ifndef OPAL_RAS_FLASH_FFS_H
#define OPAL_RAS_FLASH_FFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "flash/flash_dev.h"

#define FFS_MAGIC	0x50415254u /* "PART" */
#define FFS_VERSION	1
#define FFS_HDR_SIZE	48
#define FFS_ENTRY_SIZE	128
#define FFS_MAX_ENTRIES 1024
#define FFS_MAX_SIDES	8

enum ffs_type { FFS_TYPE_DATA = 1, FFS_TYPE_LOGICAL = 2, FFS_TYPE_PARTITION = 3 };

#define FFS_FLAG_PROTECTED  0x1u
#define FFS_FLAG_U_BOOT_ENV 0x2u

#define FFS_INTEG_ECC	      0x8000u
#define FFS_VERCHECK_SHA512V  0x80u
#define FFS_VERCHECK_SHA512EC 0x40u
#define FFS_MISC_PRESERVED    0x80u
#define FFS_MISC_READONLY     0x40u
#define FFS_MISC_BACKUP	      0x20u
#define FFS_MISC_REPROVISION  0x10u
#define FFS_MISC_VOLATILE     0x08u
#define FFS_MISC_CLEARECC     0x04u
#define FFS_MISC_GOLDEN	      0x01u

struct ffs_entry {
	char name[16];
	uint32_t index; /* position in the table (pflash's ID) */
	uint32_t base_blk, size_blk, pid, id, type, flags, actual;
	uint8_t chip, compresstype, vercheck, miscflags;
	uint16_t datainteg;
	uint64_t base, size; /* bytes */
};

struct ffs_toc {
	uint64_t offset; /* where the table is on flash */
	uint32_t version, size_blk, entry_size, entry_count, block_size, block_count;
	uint32_t table_len; /* header + entries, bytes */
	struct ffs_entry *ent;
	size_t n;
};

struct ffs_image {
	struct ffs_toc side[FFS_MAX_SIDES];
	size_t nsides;
};

/* XOR of the big-endian 32-bit words of p (len % 4 == 0). */
uint32_t ffs_checksum(const uint8_t *p, size_t len);

/* Parse and verify the table in buf (which starts at the table). flash_size bounds
 * the entries. On error t is left empty and e names the offset and the field. */
int ffs_toc_parse(const uint8_t *buf, size_t len, uint64_t toc_off, uint64_t flash_size,
		  struct ffs_toc *t, struct ras_err *e);
void ffs_toc_free(struct ffs_toc *t);

/* Read and verify the table at toc_off and every side reached through OTHER_SIDE. */
int ffs_image_open(struct flash_dev *d, uint64_t toc_off, struct ffs_image *img, struct ras_err *e);
void ffs_image_free(struct ffs_image *img);

const struct ffs_entry *ffs_toc_find(const struct ffs_toc *t, const char *name);
/* The pflash flag string "ELIPRBFGCV" with '-' for unset bits (out: 11 bytes). */
void ffs_flags_str(const struct ffs_entry *en, char out[11]);
static inline bool ffs_entry_ecc(const struct ffs_entry *en)
{
	return en->datainteg & FFS_INTEG_ECC;
}
/* A side is golden when its own table entry carries G. */
bool ffs_toc_golden(const struct ffs_toc *t);

/* Rewrite the actual field of entry index in a raw table buffer (fixing the entry
 * checksum). Returns 0 or -ERANGE. */
int ffs_table_set_actual(uint8_t *table, size_t len, uint32_t index, uint32_t actual);

#endif
