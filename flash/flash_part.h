/*
 * flash_part.h - partition operations on top of FFS + ECC + the write planner.
 *
 * The meaning of `actual` here (ffs-pnor-ecc-guard.md section 4 asks to define it):
 * the number of RAW bytes at the start of the partition that hold written content,
 * ECC bytes included (ffspart's "whole partition" value is the same unit). A write of
 * N data bytes to an ECC partition sets actual = ceil8(N) * 9 / 8; to a plain one N;
 * an image that fills the partition's capacity sets the partition size (the value
 * ffspart writes, meaning "all of it"); an erase sets 0. The field is rewritten (in every side's
 * table that lists the same partition) only when it changes, as the last step of the operation.
 *
 * A write replaces the whole partition: the image, then blank for the rest (0xFF, or
 * valid blank ECC words for ECC partitions), so a written partition always verifies.
 */
#ifndef OPAL_RAS_FLASH_FLASH_PART_H
#define OPAL_RAS_FLASH_FLASH_PART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "common/progress.h"
#include "flash/ecc.h"
#include "flash/ffs.h"
#include "flash/flash_dev.h"
#include "flash/flash_write.h"

/* Find a partition by name on a side (0-based); message lists the side's names. */
int flash_part_find(const struct ffs_image *img, unsigned side, const char *name,
		    const struct ffs_entry **out, struct ras_err *e);

struct flash_read_result {
	uint8_t *data; /* malloc'd */
	size_t len;
	struct ecc_stats ecc;
	bool erased_tail; /* ECC read stopped at an erased (never written) tail */
	uint64_t erased_at; /* raw offset in the partition where that tail starts */
};

/* Read len raw bytes (0 = the whole partition) of en; with ecc, decode them. An
 * uncorrectable word is an error (-EBADMSG naming the offset) unless everything
 * from it to the end of the range is erased, which ends the data early. */
int flash_part_read(struct flash_dev *d, const struct ffs_entry *en, uint64_t len, bool ecc,
		    struct flash_read_result *r, struct ras_err *e);

/* The raw partition content for an image (ECC encoded when the partition has E);
 * refuses an image larger than the partition's data capacity, and an ECC image
 * whose length is not a multiple of 8. */
int flash_part_build(const struct ffs_entry *en, const uint8_t *img, size_t len, uint8_t **raw,
		     uint32_t *actual, struct ras_err *e);
/* The raw content of an erased partition (blank ECC for E partitions). */
int flash_part_blank(const struct ffs_entry *en, uint8_t **raw, struct ras_err *e);

/* Plan writing raw (en->size bytes) over en. */
int flash_part_plan(struct flash_dev *d, const struct ffs_entry *en, const uint8_t *raw,
		    struct flash_plan *p, struct ras_err *e);
/* Run the plan, then set actual in every table that lists this partition. */
int flash_part_commit(struct flash_dev *d, const struct ffs_image *img, const struct ffs_entry *en,
		      const struct flash_plan *p, const uint8_t *raw, uint32_t actual,
		      struct progress *prog, struct ras_err *e);

/* Verification of one partition. */
enum flash_part_state {
	FLASH_PART_OK,
	FLASH_PART_CORRECTED,
	FLASH_PART_ERASED_TAIL,
	FLASH_PART_DAMAGED,
	FLASH_PART_UNCHECKED
};
struct flash_part_check {
	bool ecc;
	struct ecc_stats st;
	uint64_t damaged; /* uncorrectable words not in the erased tail */
	uint64_t erased_tail; /* erased words at the end */
	uint64_t first_bad; /* raw offset (in the partition) of the first damaged word */
	enum flash_part_state state;
};
int flash_part_check(struct flash_dev *d, const struct ffs_entry *en, struct flash_part_check *c,
		     struct ras_err *e);
const char *flash_part_state_name(enum flash_part_state s);

#endif
