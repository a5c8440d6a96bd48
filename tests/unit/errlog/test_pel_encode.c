/*
 * test_pel_encode.c - unit tests of errlog/pel_encode.c: byte layout of every section
 * against docs/spec/pel.md, a golden comparison with the real FSP sample 0x5034a000,
 * limits, and the random generator (valid chains, reproducible by seed).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/timeutil.h"
#include "errlog/pel_encode.h"

/* Walk the section chain; returns the number of sections, checks lengths. */
static int walk(const uint8_t *b, size_t len, char ids[][3], int max)
{
	size_t off = 0;
	int n = 0;

	while (off < len && n < max) {
		cr_assert(range_ok(len, off, 8), "section header at %zu inside the PEL", off);
		uint16_t sl = be16(b + off + 2);
		cr_assert_geq(sl, 8);
		cr_assert(range_ok(len, off, sl), "section %d length %u fits", n, sl);
		ids[n][0] = (char)b[off];
		ids[n][1] = (char)b[off + 1];
		ids[n][2] = 0;
		off += sl;
		n++;
	}
	cr_assert_eq(off, len, "sections cover the whole PEL exactly");
	return n;
}

static const struct pel_enc_callout co1 = {
	.priority = 'H',
	.location = "U78AB.001.WZSGBJ6",
	.has_fru = true,
	.fru_type = PEL_FRU_SYMBOLIC,
	.part = "AMBTEMP",
	.ccin = "",
	.serial = "",
	.pce_mtm = "8246-L2C",
	.pce_serial = "10008FA",
};

static void sample_desc(struct pel_enc_desc *d)
{
	int64_t t;

	cr_assert(time_utc_to_us(2014, 3, 13, 8, 15, 55, 670000, &t));
	memset(d, 0, sizeof(*d));
	d->creator = 'E';
	d->component = 0x2700;
	d->create_us = d->commit_us = t;
	d->plid = d->entry_id = 0x5034a000;
	d->subsystem = 0xA2;
	d->scope = 3;
	d->severity = 0x20;
	d->action_flags = 0xA004;
	d->src = "11007201";
	d->hexwords[0] = 0x003c0001;
	d->hexwords[1] = 0x00007201;
	d->callouts = &co1;
	d->n_callouts = 1;
	d->mtm = "8246-L2C";
	d->serial = "10008FA";
	d->fw_release = "ZL770_060";
	d->fw_subsys = "b1212p_1320.770";
	d->symptom_id = "11007201_003C0001_00007201";
}

Test(pel_encode, golden_fsp_sample_0x5034a000)
{
	char path[512];
	uint8_t *ref = NULL, out[4096];
	size_t rlen = 0, len = 0;
	struct pel_enc_desc d;
	struct ras_err e;

	snprintf(path, sizeof(path), "%s/pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/raw",
		 SHARED_DATA_DIR);
	if (file_read_all(path, 1 << 20, &ref, &rlen, NULL, NULL))
		cr_skip_test("shared data absent: %s", path);
	sample_desc(&d);
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), 0, "%s", e.msg);
	cr_assert_eq(len, rlen, "same total length (%zu vs %zu)", len, rlen);
	/* PH, UH and PS with its callout are byte-identical to the real log */
	cr_assert_eq(memcmp(out, ref, 0xE8), 0, "PH/UH/PS bytes match the FSP sample");
	/* EH: same fields (the sample's EH has component 0x3100 and a zero reference time) */
	cr_assert_eq(memcmp(out + 0xE8, "EH", 2), 0);
	cr_assert_eq(be16(out + 0xE8 + 2), 0x68);
	cr_assert_eq(memcmp(out + 0xE8 + 8, ref + 0xE8 + 8, 56), 0, "MTMS + firmware versions");
	cr_assert_eq(memcmp(out + 0xE8 + 75, ref + 0xE8 + 75, 0x68 - 75), 0, "symptom id");
	free(ref);
}

Test(pel_encode, layout_all_sections)
{
	uint8_t out[4096], ud[13] = "hello, world";
	struct pel_enc_ud u = { 1, 3, 0x2000, ud, 13 };
	struct pel_enc_callout co = { .priority = 'M',
				      .location = "U1-P1",
				      .has_fru = true,
				      .fru_type = PEL_FRU_HW,
				      .part = "00E8261X",
				      .ccin = "2B4F",
				      .serial = "YL1012345678",
				      .n_mru = 2,
				      .mru = { { 'H', 0x10001 }, { 'L', 0x10002 } } };
	struct pel_enc_desc d = { .creator = 'B',
				  .component = 0x0300,
				  .plid = 7,
				  .entry_id = 8,
				  .subsystem = 0x12,
				  .scope = 1,
				  .severity = 0x40,
				  .event_type = 0,
				  .action_flags = 0x8000,
				  .src = "BC8A1234",
				  .callouts = &co,
				  .n_callouts = 1,
				  .with_mt = true,
				  .mtm = "9009-22A",
				  .serial = "7801234",
				  .ud = &u,
				  .n_ud = 1 };
	char ids[16][3];
	size_t len;
	struct ras_err e;

	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), 0, "%s", e.msg);
	cr_assert_eq(walk(out, len, ids, 16), 6);
	cr_assert_str_eq(ids[0], "PH");
	cr_assert_str_eq(ids[1], "UH");
	cr_assert_str_eq(ids[2], "PS");
	cr_assert_str_eq(ids[3], "EH");
	cr_assert_str_eq(ids[4], "MT");
	cr_assert_str_eq(ids[5], "UD");
	/* PH */
	cr_assert_eq(be16(out + 2), 48);
	cr_assert_eq(out[4], 1, "PH version 1");
	cr_assert_eq(out[24], 'B');
	cr_assert_eq(out[27], 6, "section count includes PH");
	cr_assert_eq(be32(out + 40), 7);
	cr_assert_eq(be32(out + 44), 8);
	cr_assert_eq(be16(out + 6), 0x0300, "component id");
	/* UH */
	cr_assert_eq(be16(out + 50), 24);
	cr_assert_eq(out[56], 0x12);
	cr_assert_eq(out[57], 1);
	cr_assert_eq(out[58], 0x40);
	cr_assert_eq(be16(out + 66), 0x8000);
	/* PS */
	const uint8_t *ps = out + 72;
	uint16_t pslen = be16(ps + 2);
	cr_assert_eq(ps[8], 2, "SRC version 2");
	cr_assert_eq(ps[9], 0x01, "callouts flag");
	cr_assert_eq(ps[11], 9, "FSP/BMC-style 9 hex words");
	cr_assert_eq(be16(ps + 14), pslen - 8, "SRC size = section length - 8");
	cr_assert_eq(memcmp(ps + 48, "BC8A1234                        ", 32), 0,
		     "SRC space padded");
	const uint8_t *cs = ps + 80;
	cr_assert_eq(cs[0], 0xC0);
	cr_assert_eq(be16(cs + 2) * 4, pslen - 80, "callout subsection length in words");
	const uint8_t *c = cs + 4;
	cr_assert_eq(c[1], 0x20 | 0x08 | 0x04, "callout flags: type, FRU id, MRU");
	cr_assert_eq(c[2], 'M');
	cr_assert_eq(c[3], 8, "location length: 5 chars + NUL padded to 8");
	cr_assert_str_eq((const char *)c + 4, "U1-P1");
	const uint8_t *id = c + 4 + 8;
	cr_assert_eq(memcmp(id, "ID", 2), 0);
	cr_assert_eq(id[2], 28);
	cr_assert_eq(id[3], 0x10 | 0x08 | 0x04 | 0x01);
	cr_assert_eq(memcmp(id + 4, "00E8261\0", 8), 0, "part number: 7 chars + NUL");
	cr_assert_eq(memcmp(id + 12, "2B4F", 4), 0);
	cr_assert_eq(memcmp(id + 16, "YL1012345678", 12), 0);
	const uint8_t *mr = id + 28;
	cr_assert_eq(memcmp(mr, "MR", 2), 0);
	cr_assert_eq(mr[2], 8 + 16);
	cr_assert_eq(mr[3] & 0x0f, 2);
	cr_assert_eq(mr[8 + 3], 'H');
	cr_assert_eq(be32(mr + 12), 0x10001);
	cr_assert_eq(c[0], 4 + 8 + 28 + 24, "callout size includes substructures");
	/* UD is last: exact data, unpadded */
	cr_assert_eq(memcmp(out + len - 13, ud, 13), 0);
	cr_assert_eq(be16(out + len - 13 - 8 + 2), 21);
}

Test(pel_encode, skiboot_style)
{
	uint8_t out[1024];
	size_t len;
	struct pel_enc_desc d = { .creator = 'K',
				  .plid = 0xB0000001,
				  .entry_id = 0xB0000001,
				  .severity = 0x20,
				  .src = "BB821234",
				  .src_nul_padded = true,
				  .n_hexwords = 8,
				  .hexwords = { 0x80 },
				  .eh_skiboot = true,
				  .mtm = "8247-22L",
				  .fw_release = "ignored" };

	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, NULL), 0);
	cr_assert_eq(out[27], 4, "PH UH PS EH");
	for (int i = 16; i < 24; i++)
		cr_assert_eq(out[i], 0, "commit time left zero");
	cr_assert_eq(out[72 + 5], 0, "PS subtype 0 from skiboot");
	cr_assert_eq(out[72 + 11], 8);
	cr_assert_eq(out[72 + 48 + 8], 0, "NUL padded SRC");
	cr_assert_eq(be32(out + 72 + 16), 0x80);
	/* skiboot-native EH: 76 bytes, empty versions, time at 62, symptom length 0 */
	const uint8_t *eh = out + 72 + 80;
	cr_assert_eq(memcmp(eh, "EH", 2), 0);
	cr_assert_eq(be16(eh + 2), 76);
	cr_assert_eq(memcmp(eh + 8, "8247-22L", 8), 0);
	for (int i = 28; i < 62; i++)
		cr_assert_eq(eh[i], 0, "byte %d of EH is zero", i);
	cr_assert_eq(eh[75], 0);
	cr_assert_eq(len, 72 + 80 + 76);
}

Test(pel_encode, skiboot_eh_time_at_62)
{
	uint8_t out[1024];
	size_t len;
	int64_t us;
	struct pel_enc_desc d = { .creator = 'K', .src = "BB821234", .eh_skiboot = true };

	cr_assert(time_utc_to_us(2024, 5, 6, 7, 8, 9, 0, &us));
	d.create_us = us;
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, NULL), 0);
	uint8_t want[8] = { 0x20, 0x24, 0x05, 0x06, 0x07, 0x08, 0x09, 0x00 };
	cr_assert_eq(memcmp(out + 152 + 62, want, 8), 0, "reference time at EH offset 62");
}

Test(pel_encode, bcd_time)
{
	uint8_t t[8], z[8] = { 0 };
	int64_t us;

	cr_assert(time_utc_to_us(2024, 5, 6, 7, 8, 9, 990000, &us));
	pel_encode_bcd_time(us, t);
	uint8_t want[8] = { 0x20, 0x24, 0x05, 0x06, 0x07, 0x08, 0x09, 0x99 };
	cr_assert_eq(memcmp(t, want, 8), 0);
	pel_encode_bcd_time(0, t);
	cr_assert_eq(memcmp(t, z, 8), 0);
}

Test(pel_encode, limits)
{
	uint8_t out[256];
	size_t len = 99;
	struct ras_err e;
	struct pel_enc_callout bad = { .priority = 'X' };
	struct pel_enc_callout many[11];
	struct pel_enc_desc d = { .creator = 'E', .src = "B1234567" };
	char loc[90];

	cr_assert_eq(pel_encode(&d, out, 100, &len, &e), -ENOSPC, "too small a buffer");
	cr_assert_eq(len, 0);
	cr_assert(strstr(e.msg, "does not fit"));
	d.callouts = &bad;
	d.n_callouts = 1;
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), -EINVAL);
	cr_assert(strstr(e.msg, "priority"));
	memset(loc, 'U', sizeof(loc) - 1);
	loc[sizeof(loc) - 1] = 0;
	struct pel_enc_callout longloc = { .priority = 'H', .location = loc };
	d.callouts = &longloc;
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), -EINVAL);
	for (int i = 0; i < 11; i++)
		many[i] = (struct pel_enc_callout){ .priority = 'L' };
	d.callouts = many;
	d.n_callouts = 11;
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), -EINVAL);
	d.n_callouts = 1;
	d.no_ps = true;
	cr_assert_eq(pel_encode(&d, out, sizeof(out), &len, &e), -EINVAL, "callouts need PS");
}

Test(pel_encode, random_logs_are_valid_and_varied)
{
	uint64_t st = 42;
	uint8_t out[PEL_ENC_MAX_SIZE];
	bool creators[256] = { false }, sev_info = false, serviceable = false, callouts = false;
	int n_creators = 0;

	for (uint32_t i = 0; i < 2000; i++) {
		struct pel_gen g;
		size_t len;
		char ids[64][3];
		struct ras_err e;

		pel_gen_random(&g, &st, 0x50000000 + i, 1700000000000000ll);
		cr_assert_eq(pel_encode(&g.d, out, sizeof(out), &len, &e), 0, "%s", e.msg);
		int n = walk(out, len, ids, 64);
		cr_assert_eq(n, out[27], "section count matches the chain");
		cr_assert_str_eq(ids[0], "PH");
		cr_assert_str_eq(ids[1], "UH");
		cr_assert_str_eq(ids[2], "PS");
		cr_assert_eq(be32(out + 44), 0x50000000 + i);
		if (!creators[out[24]]) {
			creators[out[24]] = true;
			n_creators++;
		}
		sev_info |= out[58] == 0;
		serviceable |= (be16(out + 66) & 0x8000) != 0;
		callouts |= (out[72 + 9] & 1) != 0;
	}
	cr_assert_geq(n_creators, 5, "varied creators");
	cr_assert(sev_info && serviceable && callouts);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* One host's logs: its machine type and serial, callouts in its enclosure's slots, and
 * SRCs from a bounded catalogue (a storm repeats codes; the store indexes each once a
 * day), yet enough of them to look like a real catalogue. */
Test(pel_encode, random_logs_are_one_hosts)
{
	static char srcs[20000][33];
	uint64_t st = 9;
	size_t distinct = 0;

	for (int i = 0; i < 20000; i++) {
		struct pel_gen g;
		pel_gen_random(&g, &st, 0x50000000u + (uint32_t)i, 1700000000000000ll);
		cr_assert_str_eq(g.d.mtm, "9009-22A");
		cr_assert_str_eq(g.d.serial, "781234A");
		for (size_t k = 0; k < g.d.n_callouts; k++)
			cr_assert(!strncmp(g.d.callouts[k].location, "U78D2.001.WZS0001-P1-C", 22),
				  "%s", g.d.callouts[k].location);
		snprintf(srcs[i], sizeof(srcs[i]), "%s", g.d.src);
	}
	qsort(srcs, 20000, sizeof(srcs[0]), cmp_str);
	for (int i = 0; i < 20000; i++)
		distinct += i == 0 || strcmp(srcs[i], srcs[i - 1]) != 0;
	cr_assert_leq(distinct, 640, "%zu SRCs", distinct);
	cr_assert_geq(distinct, 600, "%zu SRCs: the catalogue is nearly all drawn", distinct);
}

Test(pel_encode, random_is_reproducible)
{
	uint64_t a = 7, b = 7;
	uint8_t x[PEL_ENC_MAX_SIZE], y[PEL_ENC_MAX_SIZE];
	size_t lx, ly;
	struct pel_gen g;

	pel_gen_random(&g, &a, 1, 1700000000000000ll);
	cr_assert_eq(pel_encode(&g.d, x, sizeof(x), &lx, NULL), 0);
	pel_gen_random(&g, &b, 1, 1700000000000000ll);
	cr_assert_eq(pel_encode(&g.d, y, sizeof(y), &ly, NULL), 0);
	cr_assert_eq(lx, ly);
	cr_assert_eq(memcmp(x, y, lx), 0);
	cr_assert_eq(a, b);
}
