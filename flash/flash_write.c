/*
 * flash_write.c - the write planner and executor (see flash_write.h).
 *
 * Memory use is two erase blocks whatever the range size. The order per block is
 * erase, program, read back, compare, so a power cut leaves at most one block in
 * between old and new content and every block before it verified.
 */
#include "flash/flash_write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool all_ff(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;

	for (; p + 8 <= end; p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		if (v != ~0ull)
			return false;
	}
	for (; p < end; p++)
		if (*p != 0xFF)
			return false;
	return true;
}

/* Build the wanted content of block b into nb from the current content ob. */
static void overlay(const struct flash_plan *p, uint64_t boff, const uint8_t *ob, uint8_t *nb,
		    const uint8_t *buf)
{
	uint64_t es = p->erase_size;
	uint64_t s = p->off > boff ? p->off : boff;
	uint64_t end = p->off + p->len < boff + es ? p->off + p->len : boff + es;

	memcpy(nb, ob, es);
	if (end > s)
		memcpy(nb + (s - boff), buf + (s - p->off), end - s);
}

static enum flash_blk_act decide(const uint8_t *ob, const uint8_t *nb, size_t es)
{
	bool needs_erase = false;
	size_t i;

	if (!memcmp(ob, nb, es))
		return FLASH_BLK_SAME;
	for (i = 0; i + 8 <= es; i += 8) {
		uint64_t o, n;

		memcpy(&o, ob + i, 8);
		memcpy(&n, nb + i, 8);
		if (n & ~o) {
			needs_erase = true;
			break;
		}
	}
	for (; !needs_erase && i < es; i++)
		if (nb[i] & ~ob[i])
			needs_erase = true;
	if (!needs_erase)
		return FLASH_BLK_PROGRAM;
	return all_ff(nb, es) ? FLASH_BLK_ERASE : FLASH_BLK_ERASE_PROGRAM;
}

void flash_plan_free(struct flash_plan *p)
{
	free(p->act);
	memset(p, 0, sizeof(*p));
}

int flash_plan_make(struct flash_dev *d, uint64_t off, const uint8_t *buf, uint64_t len,
		    struct flash_plan *p, struct ras_err *e)
{
	uint64_t es = d->info.erase_size, last;
	uint8_t *ob = NULL, *nb = NULL;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->sentinel = -1;
	if (off > d->info.size || len > d->info.size - off)
		return ras_errf(e, -ERANGE,
				"%s: 0x%llx bytes at 0x%llx do not fit the flash (0x%llx)",
				d->info.name, (unsigned long long)len, (unsigned long long)off,
				(unsigned long long)d->info.size);
	p->off = off;
	p->len = len;
	p->erase_size = (uint32_t)es;
	if (!len)
		return 0;
	p->first_blk = off / es * es;
	last = (off + len + es - 1) / es * es;
	p->nblk = (size_t)((last - p->first_blk) / es);
	p->act = calloc(p->nblk, 1);
	ob = malloc(es);
	nb = malloc(es);
	if (!p->act || !ob || !nb) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t b = 0; b < p->nblk; b++) {
		uint64_t boff = p->first_blk + b * es;

		rc = flash_read(d, boff, ob, es, e);
		if (rc)
			goto out;
		overlay(p, boff, ob, nb, buf);
		p->act[b] = (uint8_t)decide(ob, nb, es);
		if (p->act[b] == FLASH_BLK_SAME)
			p->n_same++;
		if (p->act[b] & FLASH_BLK_ERASE)
			p->n_erase++;
		if (p->act[b] & FLASH_BLK_PROGRAM)
			p->n_program++;
	}
out:
	free(ob);
	free(nb);
	if (rc)
		flash_plan_free(p);
	return rc;
}

void flash_plan_set_sentinel(struct flash_plan *p)
{
	uint64_t es = p->erase_size;

	if (!p->n_erase && !p->n_program)
		return;
	for (size_t b = 0; b < p->nblk; b++) {
		uint64_t boff = p->first_blk + b * es;

		if (boff < p->off || boff + es > p->off + p->len)
			continue;
		if (p->act[b] == FLASH_BLK_SAME)
			p->n_same--;
		if (!(p->act[b] & FLASH_BLK_ERASE))
			p->n_erase++;
		if (!(p->act[b] & FLASH_BLK_PROGRAM))
			p->n_program++;
		p->act[b] = FLASH_BLK_ERASE_PROGRAM;
		p->sentinel = (long)b;
		return;
	}
}

/* Erase (if planned), program (if planned), read back and compare one block. A
 * block wholly inside the range is programmed straight from buf (no old bytes to
 * keep); a partial one is read first and overlaid. */
static int run_block(struct flash_dev *d, const struct flash_plan *p, size_t b, const uint8_t *buf,
		     uint8_t *ob, uint8_t *nb, bool do_erase, bool do_program, struct ras_err *e)
{
	uint64_t es = p->erase_size, boff = p->first_blk + b * es;
	bool inside = boff >= p->off && boff + es <= p->off + p->len;
	const uint8_t *want = inside ? buf + (boff - p->off) : nb;
	int rc;

	if (!inside) {
		rc = flash_read(d, boff, ob, es, e);
		if (rc)
			return rc;
		overlay(p, boff, ob, nb, buf);
	}
	if (do_erase && (p->act[b] & FLASH_BLK_ERASE)) {
		rc = flash_erase(d, boff, es, e);
		if (rc)
			return rc;
	}
	if (!do_program)
		return 0;
	if (p->act[b] & FLASH_BLK_PROGRAM) {
		rc = flash_write(d, boff, want, es, e);
		if (rc)
			return rc;
	}
	rc = flash_read(d, boff, ob, es, e);
	if (rc)
		return rc;
	if (memcmp(ob, want, es)) {
		size_t i = 0;

		while (i < es && ob[i] == want[i])
			i++;
		return ras_errf(e, -EILSEQ,
				"%s: verify failed at 0x%llx: read back 0x%02x, wrote 0x%02x",
				d->info.name, (unsigned long long)(boff + i), ob[i], want[i]);
	}
	return 0;
}

int flash_plan_run(struct flash_dev *d, const struct flash_plan *p, const uint8_t *buf,
		   struct progress *prog, struct ras_err *e)
{
	uint64_t es = p->erase_size;
	uint8_t *ob = malloc(es), *nb = malloc(es);
	int rc = 0;

	if (!ob || !nb) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto out;
	}
	if (p->sentinel >= 0) {
		rc = run_block(d, p, (size_t)p->sentinel, buf, ob, nb, true, false, e);
		if (rc)
			goto out;
	}
	for (size_t b = 0; b < p->nblk; b++) {
		if (prog)
			progress_update(prog, b * es);
		if (p->act[b] == FLASH_BLK_SAME || (long)b == p->sentinel)
			continue;
		rc = run_block(d, p, b, buf, ob, nb, true, true, e);
		if (rc)
			goto out;
	}
	if (p->sentinel >= 0) {
		/* the sentinel was erased first; it is wholly inside the range, so its
		 * content comes from buf alone */
		rc = run_block(d, p, (size_t)p->sentinel, buf, ob, nb, false, true, e);
		if (rc)
			goto out;
	}
	if (prog)
		progress_update(prog, p->nblk * es);
out:
	free(ob);
	free(nb);
	return rc;
}

const char *flash_blk_act_name(enum flash_blk_act a)
{
	static const char *const names[] = { "unchanged", "program", "erase", "erase+program" };

	return (unsigned)a < 4 ? names[a] : "?";
}

void flash_plan_print(FILE *f, const struct flash_plan *p)
{
	uint64_t es = p->erase_size;

	fprintf(f,
		"plan for 0x%08llx..0x%08llx: %zu erase blocks of 0x%llx: %zu to erase, %zu to "
		"program, %zu unchanged\n",
		(unsigned long long)p->off, (unsigned long long)(p->off + p->len), p->nblk,
		(unsigned long long)es, p->n_erase, p->n_program, p->n_same);
	for (size_t b = 0; b < p->nblk;) {
		size_t e = b;

		while (e < p->nblk && p->act[e] == p->act[b])
			e++;
		if (p->act[b] != FLASH_BLK_SAME)
			fprintf(f, "  %-13s 0x%08llx..0x%08llx (%zu block%s)\n",
				flash_blk_act_name((enum flash_blk_act)p->act[b]),
				(unsigned long long)(p->first_blk + b * es),
				(unsigned long long)(p->first_blk + e * es), e - b,
				e - b == 1 ? "" : "s");
		b = e;
	}
}

int flash_write_range(struct flash_dev *d, uint64_t off, const uint8_t *buf, uint64_t len,
		      struct progress *prog, struct ras_err *e)
{
	struct flash_plan p;
	int rc = flash_plan_make(d, off, buf, len, &p, e);

	if (rc)
		return rc;
	rc = flash_plan_run(d, &p, buf, prog, e);
	flash_plan_free(&p);
	return rc;
}
