/*
 * test_ffs.c - FFS tables: the shared 64 MiB image parses to the expected table,
 * checksums/magic/overlaps/bounds are refused with messages naming the field,
 * sides are followed through OTHER_SIDE, the builder round-trips.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "flash/ffs.h"
#include "flash/ffs_build.h"
#include "flash/flash_dev.h"
#include "flash/flash_render.h"
#include "flash_test.h"

Test(ffs, shared_image_matches_pflash_info)
{
	const char *img = ft_shared_image("pnor-64M.img");
	struct flash_dev *d;
	struct ffs_image fi;
	struct ras_err e;
	char *out = NULL, exp_path[4096];
	size_t outlen = 0, explen;
	uint8_t *exp;
	FILE *f;

	if (!img)
		cr_skip_test("shared data absent: %s/pnor", SHARED_DATA_DIR);
	cr_assert_eq(flash_file_open(img, 0, false, &d, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_image_open(d, 0, &fi, &e), 0, "%s", e.msg);
	cr_assert_eq(fi.nsides, 1);
	cr_assert_eq(fi.side[0].n, 14);
	const struct ffs_entry *g = ffs_toc_find(&fi.side[0], "GUARD");
	cr_assert_not_null(g);
	cr_assert_eq(g->base, 0x2C000);
	cr_assert_eq(g->size, 0x5000);
	cr_assert(ffs_entry_ecc(g));
	f = open_memstream(&out, &outlen);
	flash_render_info_text(f, &d->info, &fi);
	fclose(f);
	snprintf(exp_path, sizeof(exp_path), "%s/pnor/expected/pflash-info.txt", SHARED_DATA_DIR);
	exp = ft_read_file(exp_path, &explen);
	/* from the TOC line on, byte for byte (the header names the file and the granule) */
	const char *a = strstr(out, "TOC@"), *b = strstr((char *)exp, "TOC@");
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_str_eq(a, b);
	free(exp);
	free(out);
	ffs_image_free(&fi);
	flash_close(d);
}

static uint8_t *small_table(size_t *len)
{
	static const char layout[] = "A,0x1000,0x1000,E,,\nB,0x2000,0x2000,P,,\n";
	struct ffs_layout l;
	struct ras_err e;
	uint8_t *img = malloc(0x10000);

	cr_assert_eq(ffs_layout_parse(layout, sizeof(layout) - 1, &l, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_build(&l, 0x1000, img, 0x10000, NULL, &e), 0, "%s", e.msg);
	*len = 0x10000;
	return img;
}

Test(ffs, builder_output_parses)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ffs_toc t;
	struct ras_err e;

	cr_assert_eq(ffs_toc_parse(img, len, 0, len, &t, &e), 0, "%s", e.msg);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.ent[0].name, "part");
	cr_assert_eq(t.ent[0].type, FFS_TYPE_PARTITION);
	cr_assert_str_eq(t.ent[1].name, "A");
	cr_assert_eq(t.ent[2].size, 0x2000);
	cr_assert_eq(t.ent[2].actual, 0x2000);
	cr_assert_eq(ffs_checksum(img, FFS_HDR_SIZE), 0);
	ffs_toc_free(&t);
	free(img);
}

Test(ffs, header_checksum_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ffs_toc t;
	struct ras_err e;

	img[0x2C] ^= 0x01;
	cr_assert_eq(ffs_toc_parse(img, len, 0, len, &t, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "header checksum"), "%s", e.msg);
	cr_assert(strstr(e.msg, "0x0"), "%s", e.msg);
	free(img);
}

Test(ffs, entry_checksum_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ffs_toc t;
	struct ras_err e;

	img[FFS_HDR_SIZE + FFS_ENTRY_SIZE + 0x28] ^= 0x40; /* entry 1 actual */
	cr_assert_eq(ffs_toc_parse(img, len, 0, len, &t, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "entry 1"), "%s", e.msg);
	free(img);
}

/* Rewrite a field of entry i and fix its checksum: the semantic checks must catch it. */
static int patch_entry(uint8_t *img, size_t len, int i, size_t off, uint32_t v, struct ras_err *e)
{
	struct ffs_toc t;
	uint8_t *p = img + FFS_HDR_SIZE + (size_t)i * FFS_ENTRY_SIZE;
	int rc;

	put_be32(p + off, v);
	put_be32(p + 0x7C, 0);
	put_be32(p + 0x7C, ffs_checksum(p, FFS_ENTRY_SIZE));
	rc = ffs_toc_parse(img, len, 0, len, &t, e);
	if (!rc)
		ffs_toc_free(&t);
	return rc;
}

Test(ffs, overlap_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ras_err e;

	cr_assert_eq(patch_entry(img, len, 2, 0x10, 0x1, &e), -EBADMSG); /* B base = block 1 */
	cr_assert(strstr(e.msg, "overlaps"), "%s", e.msg);
	free(img);
}

Test(ffs, entry_past_flash_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ras_err e;

	cr_assert_eq(patch_entry(img, len, 2, 0x14, 0x100, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "past the flash"), "%s", e.msg);
	free(img);
}

Test(ffs, actual_larger_than_size_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ras_err e;

	cr_assert_eq(patch_entry(img, len, 1, 0x28, 0x2000, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "actual"), "%s", e.msg);
	free(img);
}

Test(ffs, bad_pid_and_flags_refused)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ras_err e;

	cr_assert_eq(patch_entry(img, len, 1, 0x18, 0, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "parent"), "%s", e.msg);
	free(img);
	img = small_table(&len);
	cr_assert_eq(patch_entry(img, len, 1, 0x3C, 0x01000000, &e), -EBADMSG); /* chip 1 */
	free(img);
}

Test(ffs, erased_and_bad_magic)
{
	uint8_t buf[256];
	struct ffs_toc t;
	struct ras_err e;

	memset(buf, 0xFF, sizeof(buf));
	cr_assert_eq(ffs_toc_parse(buf, sizeof(buf), 0, 1 << 20, &t, &e), -ENODATA);
	cr_assert(strstr(e.msg, "erased"), "%s", e.msg);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(ffs_toc_parse(buf, sizeof(buf), 0, 1 << 20, &t, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "magic"), "%s", e.msg);
	cr_assert_eq(ffs_toc_parse(buf, 10, 0, 1 << 20, &t, &e), -EBADMSG);
}

Test(ffs, header_bounds)
{
	size_t len;
	uint8_t *img = small_table(&len);
	struct ffs_toc t;
	struct ras_err e;

	/* entry count too large for the declared table size */
	put_be32(img + 0x10, 40);
	put_be32(img + 0x2C, 0);
	put_be32(img + 0x2C, ffs_checksum(img, FFS_HDR_SIZE));
	cr_assert_eq(ffs_toc_parse(img, len, 0, len, &t, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "do not fit"), "%s", e.msg);
	free(img);
	img = small_table(&len);
	/* header describes more flash than the device has */
	cr_assert_eq(ffs_toc_parse(img, len, 0, 0x8000, &t, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "device has"), "%s", e.msg);
	free(img);
}

Test(ffs, two_sides_through_other_side)
{
	char *dir = ft_tmpdir(), path[4096];
	struct flash_dev *d;
	struct ffs_image fi;
	struct ras_err e;

	snprintf(path, sizeof(path), "%s/two.img", dir);
	ft_build_two_sided(path);
	cr_assert_eq(flash_file_open(path, 0, false, &d, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_image_open(d, 0, &fi, &e), 0, "%s", e.msg);
	cr_assert_eq(fi.nsides, 2);
	cr_assert_eq(fi.side[1].offset, 0x400000);
	cr_assert_not(ffs_toc_golden(&fi.side[0]));
	cr_assert(ffs_toc_golden(&fi.side[1]));
	cr_assert_eq(ffs_toc_find(&fi.side[1], "PAYLOAD")->base, 0x500000);
	cr_assert_eq(ffs_toc_find(&fi.side[0], "GUARD")->base,
		     ffs_toc_find(&fi.side[1], "GUARD")->base);
	ffs_image_free(&fi);
	/* opening at side 1's TOC follows back to side 0 */
	cr_assert_eq(ffs_image_open(d, 0x400000, &fi, &e), 0, "%s", e.msg);
	cr_assert_eq(fi.nsides, 2);
	cr_assert_eq(fi.side[1].offset, 0);
	ffs_image_free(&fi);
	flash_close(d);
	ft_rmrf(dir);
	free(dir);
}

Test(ffs, flags_string)
{
	struct ffs_entry en = { .datainteg = FFS_INTEG_ECC,
				.miscflags = FFS_MISC_PRESERVED | FFS_MISC_REPROVISION };
	char s[11];

	ffs_flags_str(&en, s);
	cr_assert_str_eq(s, "E--P--F---");
	en.miscflags = FFS_MISC_GOLDEN | FFS_MISC_CLEARECC | FFS_MISC_VOLATILE;
	en.vercheck = FFS_VERCHECK_SHA512V;
	ffs_flags_str(&en, s);
	cr_assert_str_eq(s, "EL-----GCV");
}

Test(ffs, layout_errors)
{
	struct ffs_layout l;
	struct ras_err e;
	uint8_t *img = malloc(0x10000);
	const char *bad[] = {
		"THISNAMEISTOOLONG1,0x1000,0x1000,,,\n",
		"A,0x1000,,,,\n",
		"A,0x1000,0x1000,Z,,\n",
		"A,0x1000,0x2000,,,\nB,0x2000,0x1000,,,\n",
		"A,0x0,0x1000,,,\n",
	};

	for (size_t i = 0; i < 5; i++) {
		int rc = ffs_layout_parse(bad[i], strlen(bad[i]), &l, &e);

		if (!rc)
			rc = ffs_build(&l, 0x1000, img, 0x10000, NULL, &e);
		cr_assert_neq(rc, 0, "layout %zu accepted", i);
	}
	free(img);
}
