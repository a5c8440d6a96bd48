/*
 * test_part.c - partition reads, planned writes, erases and verification on a
 * small two-sided image: round trips, ECC encoding, refusal of oversize images,
 * minimal plans, side isolation, actual, corruption found by the checker.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flash/ecc.h"
#include "flash/ffs.h"
#include "flash/flash_dev.h"
#include "flash/flash_part.h"
#include "flash/flash_record.h"
#include "flash/flash_write.h"
#include "flash_test.h"

struct fx {
	char *dir;
	char path[4096];
	struct flash_dev *d;
	struct ffs_image img;
};

static void fx_open(struct fx *f)
{
	struct ras_err e;

	f->dir = ft_tmpdir();
	snprintf(f->path, sizeof(f->path), "%s/two.img", f->dir);
	ft_build_two_sided(f->path);
	cr_assert_eq(flash_file_open(f->path, 0, true, &f->d, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_image_open(f->d, 0, &f->img, &e), 0, "%s", e.msg);
}

static void fx_reopen(struct fx *f)
{
	struct ras_err e;

	ffs_image_free(&f->img);
	cr_assert_eq(ffs_image_open(f->d, 0, &f->img, &e), 0, "%s", e.msg);
}

static void fx_close(struct fx *f)
{
	ffs_image_free(&f->img);
	flash_close(f->d);
	ft_rmrf(f->dir);
	free(f->dir);
}

static int write_part(struct fx *f, unsigned side, const char *name, const uint8_t *data,
		      size_t len, struct flash_plan *plan_out)
{
	const struct ffs_entry *en;
	struct flash_plan p;
	struct ras_err e;
	uint8_t *raw;
	uint32_t actual;
	int rc;

	cr_assert_eq(flash_part_find(&f->img, side, name, &en, &e), 0, "%s", e.msg);
	rc = flash_part_build(en, data, len, &raw, &actual, &e);
	if (rc)
		return rc;
	cr_assert_eq(flash_part_plan(f->d, en, raw, &p, &e), 0, "%s", e.msg);
	rc = flash_part_commit(f->d, &f->img, en, &p, raw, actual, NULL, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	if (plan_out)
		*plan_out = p;
	else
		flash_plan_free(&p);
	free(raw);
	fx_reopen(f);
	return 0;
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);

	srand(seed);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rand();
	return b;
}

Test(part, ecc_write_read_roundtrip_and_actual)
{
	struct fx f;
	const struct ffs_entry *en;
	struct flash_read_result r;
	struct ras_err e;
	uint8_t *data = pattern(100000, 1);

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "PAYLOAD", data, 100000, NULL), 0);
	cr_assert_eq(flash_part_find(&f.img, 0, "PAYLOAD", &en, &e), 0);
	cr_assert_eq(en->actual, ecc_raw_size(100000), "actual counts raw bytes");
	cr_assert_eq(flash_part_read(f.d, en, 0, true, &r, &e), 0, "%s", e.msg);
	cr_assert_geq(r.len, 100000);
	cr_assert_eq(memcmp(r.data, data, 100000), 0);
	cr_assert_not(r.erased_tail, "the rest is blank ECC, not erased");
	free(r.data);
	/* the raw bytes carry ECC */
	cr_assert_eq(flash_part_read(f.d, en, 18, false, &r, &e), 0);
	cr_assert_eq(memcmp(r.data, data, 8), 0);
	cr_assert_eq(r.data[8], ecc_byte(data));
	free(r.data);
	free(data);
	fx_close(&f);
}

Test(part, full_capacity_write_keeps_actual_as_size)
{
	struct fx f;
	const struct ffs_entry *en;
	struct ras_err e;
	size_t cap = (size_t)ecc_data_size(0x100000);
	uint8_t *data = pattern(cap, 2);

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "PAYLOAD", data, cap, NULL), 0);
	cr_assert_eq(flash_part_find(&f.img, 0, "PAYLOAD", &en, &e), 0);
	cr_assert_eq(en->actual, 0x100000);
	free(data);
	fx_close(&f);
}

Test(part, oversize_and_unaligned_refused)
{
	struct fx f;
	const struct ffs_entry *en;
	struct ras_err e;
	uint8_t *raw = NULL, *data = pattern(0x100000, 3);
	uint32_t actual;

	fx_open(&f);
	cr_assert_eq(flash_part_find(&f.img, 0, "PAYLOAD", &en, &e), 0);
	cr_assert_eq(
		flash_part_build(en, data, (size_t)ecc_data_size(0x100000) + 8, &raw, &actual, &e),
		-EFBIG);
	cr_assert(strstr(e.msg, "at most"), "%s", e.msg);
	cr_assert_eq(flash_part_build(en, data, 12, &raw, &actual, &e), -EINVAL);
	cr_assert_eq(flash_part_find(&f.img, 0, "BOOTKERNEL", &en, &e), 0);
	cr_assert_eq(flash_part_build(en, data, 0x200001, &raw, &actual, &e), -EFBIG);
	free(data);
	fx_close(&f);
}

Test(part, plan_touches_only_changed_blocks_and_other_side_untouched)
{
	struct fx f;
	struct flash_plan p;
	uint8_t *data = pattern(0x200000, 4), *before, *after;
	size_t blen, alen;

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "BOOTKERNEL", data, 0x200000, NULL), 0);
	before = ft_read_file(f.path, &blen);
	data[0x150000] ^= 0xFF; /* one byte in one erase block */
	cr_assert_eq(write_part(&f, 0, "BOOTKERNEL", data, 0x200000, &p), 0);
	cr_assert_eq(p.n_erase, 1);
	cr_assert_eq(p.n_program, 1);
	cr_assert_eq(p.n_same, 31);
	flash_plan_free(&p);
	after = ft_read_file(f.path, &alen);
	cr_assert_eq(blen, alen);
	for (size_t i = 0; i < alen; i++)
		if (before[i] != after[i])
			cr_assert(i == 0x200000 + 0x150000, "byte 0x%zx changed", i);
	/* the same content again: nothing to do */
	cr_assert_eq(write_part(&f, 0, "BOOTKERNEL", data, 0x200000, &p), 0);
	cr_assert_eq(p.n_erase + p.n_program, 0);
	flash_plan_free(&p);
	free(before);
	free(after);
	free(data);
	fx_close(&f);
}

Test(part, write_through_side1_leaves_side0)
{
	struct fx f;
	uint8_t *data = pattern(4096, 5), *before, *after;
	size_t blen, alen;

	fx_open(&f);
	before = ft_read_file(f.path, &blen);
	cr_assert_eq(write_part(&f, 1, "PAYLOAD", data, 4096, NULL), 0);
	after = ft_read_file(f.path, &alen);
	/* only side 1's PAYLOAD (0x500000..) and side 1's TOC (actual) changed */
	for (size_t i = 0; i < alen; i++)
		if (before[i] != after[i])
			cr_assert((i >= 0x500000 && i < 0x600000) ||
					  (i >= 0x400000 && i < 0x401000),
				  "byte 0x%zx changed", i);
	cr_assert_eq(memcmp(before, after, 0x400000), 0, "side 0 untouched");
	free(before);
	free(after);
	free(data);
	fx_close(&f);
}

Test(part, erase_ecc_partition_is_valid_blank)
{
	struct fx f;
	const struct ffs_entry *en;
	struct flash_part_check c;
	struct flash_plan p;
	struct ras_err e;
	uint8_t *raw, *data = pattern(8192, 6);

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "HBEL", data, 8192, NULL), 0);
	cr_assert_eq(flash_part_find(&f.img, 0, "HBEL", &en, &e), 0);
	cr_assert_eq(flash_part_blank(en, &raw, &e), 0);
	cr_assert_eq(flash_part_plan(f.d, en, raw, &p, &e), 0);
	cr_assert_eq(flash_part_commit(f.d, &f.img, en, &p, raw, 0, NULL, &e), 0, "%s", e.msg);
	flash_plan_free(&p);
	free(raw);
	fx_reopen(&f);
	cr_assert_eq(flash_part_find(&f.img, 0, "HBEL", &en, &e), 0);
	cr_assert_eq(en->actual, 0);
	cr_assert_eq(flash_part_check(f.d, en, &c, &e), 0);
	cr_assert_eq(c.state, FLASH_PART_OK, "blank ECC verifies: %s",
		     flash_part_state_name(c.state));
	cr_assert_eq(c.st.uncorrectable, 0);
	free(data);
	fx_close(&f);
}

Test(part, checker_counts_corrected_damaged_and_erased_tail)
{
	struct fx f;
	const struct ffs_entry *en;
	struct flash_part_check c;
	struct ras_err e;
	uint8_t *data = pattern(0x10000, 7), b;

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "PAYLOAD", data, 0x10000, NULL), 0);
	cr_assert_eq(flash_part_find(&f.img, 0, "PAYLOAD", &en, &e), 0);
	/* one single-bit error in word 5, a double-bit error in word 100 */
	cr_assert_eq(flash_read(f.d, en->base + 45, &b, 1, &e), 0);
	b ^= 0x04;
	cr_assert_eq(flash_write(f.d, en->base + 45, &b, 1, &e), 0);
	cr_assert_eq(flash_read(f.d, en->base + 900, &b, 1, &e), 0);
	b ^= 0x30;
	cr_assert_eq(flash_write(f.d, en->base + 900, &b, 1, &e), 0);
	cr_assert_eq(flash_part_check(f.d, en, &c, &e), 0);
	cr_assert_eq(c.st.corrected, 1);
	cr_assert_eq(c.damaged, 1);
	cr_assert_eq(c.first_bad, 900);
	cr_assert_eq(c.state, FLASH_PART_DAMAGED);
	/* reading it decoded reports the UE at that offset */
	struct flash_read_result r;
	cr_assert_eq(flash_part_read(f.d, en, 0, true, &r, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "0x384"), "%s", e.msg);
	free(data);
	fx_close(&f);
}

Test(part, erased_tail_and_hole)
{
	struct fx f;
	const struct ffs_entry *en;
	struct flash_part_check c;
	struct flash_read_result r;
	struct ras_err e;
	uint8_t *data = pattern(0x10000, 8);

	fx_open(&f);
	cr_assert_eq(write_part(&f, 0, "PAYLOAD", data, 0x10000, NULL), 0);
	cr_assert_eq(flash_part_find(&f.img, 0, "PAYLOAD", &en, &e), 0);
	/* erase the last 4 blocks: an erased tail, as ffspart leaves it */
	cr_assert_eq(flash_erase(f.d, en->base + 0xC0000, 0x40000, &e), 0);
	cr_assert_eq(flash_part_check(f.d, en, &c, &e), 0);
	cr_assert_eq(c.state, FLASH_PART_ERASED_TAIL);
	cr_assert_eq(c.damaged, 0);
	cr_assert_gt(c.erased_tail, 0);
	cr_assert_eq(flash_part_read(f.d, en, 0, true, &r, &e), 0, "%s", e.msg);
	cr_assert(r.erased_tail);
	cr_assert_eq(memcmp(r.data, data, 0x10000), 0);
	free(r.data);
	/* an erased block in the middle (a power cut between erase and program) is damage */
	cr_assert_eq(flash_erase(f.d, en->base + 0x10000, 0x10000, &e), 0);
	cr_assert_eq(flash_part_check(f.d, en, &c, &e), 0);
	cr_assert_eq(c.state, FLASH_PART_DAMAGED);
	cr_assert_eq(flash_part_read(f.d, en, 0, true, &r, &e), -EBADMSG);
	free(data);
	fx_close(&f);
}

Test(part, erase_alignment_and_bounds_checked)
{
	struct fx f;
	struct ras_err e;
	uint8_t b = 0;

	fx_open(&f);
	cr_assert_eq(flash_erase(f.d, 0x1000, 0x10000, &e), -EINVAL);
	cr_assert(strstr(e.msg, "not aligned"), "%s", e.msg);
	cr_assert_eq(flash_write(f.d, 8 << 20, &b, 1, &e), -ERANGE);
	cr_assert_eq(flash_read(f.d, (8 << 20) - 1, &b, 2, &e), -ERANGE);
	fx_close(&f);
}

Test(part, unknown_partition_lists_names)
{
	struct fx f;
	const struct ffs_entry *en;
	struct ras_err e;

	fx_open(&f);
	cr_assert_eq(flash_part_find(&f.img, 0, "NOPE", &en, &e), -ENOENT);
	cr_assert(strstr(e.msg, "PAYLOAD"), "%s", e.msg);
	cr_assert_eq(flash_part_find(&f.img, 2, "PAYLOAD", &en, &e), -ENOENT);
	fx_close(&f);
}

Test(part, shared_image_partition_sha256)
{
	const char *img = ft_shared_image("pnor-64M.img");
	char exp[4096], line[256];
	struct flash_dev *d;
	struct ffs_image fi;
	struct ras_err e;
	int checked = 0;
	FILE *f;

	if (!img)
		cr_skip_test("shared data absent");
	snprintf(exp, sizeof(exp), "%s/pnor/expected/partition-sha256-as-read-by-pflash.txt",
		 SHARED_DATA_DIR);
	cr_assert_eq(flash_file_open(img, 0, false, &d, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_image_open(d, 0, &fi, &e), 0, "%s", e.msg);
	f = fopen(exp, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char sum[65], name[64], got[65];
		const struct ffs_entry *en;
		struct flash_read_result r;

		cr_assert_eq(sscanf(line, "%64s %63s", sum, name), 2);
		*strstr(name, ".bin") = '\0';
		cr_assert_eq(flash_part_find(&fi, 0, name, &en, &e), 0, "%s", e.msg);
		cr_assert_eq(flash_part_read(d, en, en->actual, false, &r, &e), 0, "%s", e.msg);
		flash_sha256_hex(r.data, r.len, got, &e);
		cr_assert_str_eq(got, sum, "partition %s", name);
		free(r.data);
		checked++;
	}
	fclose(f);
	cr_assert_eq(checked, 13);
	ffs_image_free(&fi);
	flash_close(d);
}
