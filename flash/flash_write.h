/*
 * flash_write.h - planned, verified writes of a byte range (any alignment).
 *
 * flash_plan_make() compares the wanted bytes with the flash, one erase block at a
 * time, and decides per block: unchanged (skip), program only (the new bytes only
 * clear bits), erase only (the new block is all 0xFF) or erase + program. Bytes of
 * a block outside the range keep their current value (read-modify-write).
 * flash_plan_run() carries the plan out, reading every programmed block back and
 * comparing it (a mismatch is -EILSEQ naming the offset). Nothing is erased that the
 * plan did not list: a block is never erased without a verified plan.
 *
 * Torn writes: flash_plan_set_sentinel() picks a block wholly inside the range
 * that is erased first and programmed last. Until the write completes that block
 * is erased (or partly programmed) while the blocks after it hold data, so an ECC
 * scan of an interrupted write always finds the hole (flash_part_check "damaged").
 */
#ifndef OPAL_RAS_FLASH_FLASH_WRITE_H
#define OPAL_RAS_FLASH_FLASH_WRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "common/progress.h"
#include "flash/flash_dev.h"

enum flash_blk_act {
	FLASH_BLK_SAME = 0,
	FLASH_BLK_PROGRAM = 1,
	FLASH_BLK_ERASE = 2,
	FLASH_BLK_ERASE_PROGRAM = 3,
};

struct flash_plan {
	uint64_t off, len; /* the range asked for */
	uint64_t first_blk; /* offset of the first erase block covering it */
	uint32_t erase_size;
	size_t nblk;
	uint8_t *act; /* enum flash_blk_act per block */
	size_t n_erase, n_program, n_same;
	long sentinel; /* block erased first and programmed last, -1 = none */
};

int flash_plan_make(struct flash_dev *d, uint64_t off, const uint8_t *buf, uint64_t len,
		    struct flash_plan *p, struct ras_err *e);
int flash_plan_run(struct flash_dev *d, const struct flash_plan *p, const uint8_t *buf,
		   struct progress *prog, struct ras_err *e);
void flash_plan_free(struct flash_plan *p);
/* Choose the sentinel block (the first erase block wholly inside the range) when the
 * plan changes anything; it becomes erase+program. No-op when no block fits. */
void flash_plan_set_sentinel(struct flash_plan *p);
/* Print the plan as coalesced ranges ("erase+program 0x...-0x... (N blocks)"). */
void flash_plan_print(FILE *f, const struct flash_plan *p);
const char *flash_blk_act_name(enum flash_blk_act a);

/* Plan and run in one go (no printing). */
int flash_write_range(struct flash_dev *d, uint64_t off, const uint8_t *buf, uint64_t len,
		      struct progress *prog, struct ras_err *e);

#endif
