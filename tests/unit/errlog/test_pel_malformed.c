/*
 * test_pel_malformed.c - every file of ../shared/data/pel/malformed handled as the
 * malformed-input catalogue (docs/spec/pel.md section 11, data README section 5) says,
 * with the warning asserted; plus hand-built edge cases (empty buffers, eSEL header
 * without a PEL, a PH claiming fewer than 48 bytes, capacity limits).
 */
#include <criterion/criterion.h>

#include "pel_test.h"

static struct pel P;

static void sections_are(const struct pel *p, const char *want)
{
	char secs[256];
	test_sections(p, secs, sizeof(secs));
	cr_assert_str_eq(secs, want);
}

static size_t n_warn_code(const struct pel *p, enum pel_warn_code c)
{
	size_t n = 0;
	for (unsigned i = 0; i < p->n_warn; i++)
		n += p->warn[i].code == c;
	return n;
}

/* The good reference PEL (also used for the eSEL case). */
static void check_good(const struct pel *p)
{
	const struct pel_src *s = pel_primary_src(p);

	sections_are(p, "PH UH PS EH MT UD");
	cr_assert_eq(p->pel_len, 348);
	cr_assert_eq(p->n_warn, 0);
	cr_assert_pstr(s->refcode, "BB821234");
	cr_assert_eq(p->sec[2].len, 148);
	cr_assert_eq(s->callout_count, 2);
}

Test(pel_malformed, good)
{
	uint8_t *b = test_decode(MAL_DIR "good.pel", &P);
	check_good(&P);
	cr_assert_not(P.esel);
	free(b);
}

Test(pel_malformed, good_esel)
{
	uint8_t *b = test_decode(MAL_DIR "good.esel", &P);
	check_good(&P);
	cr_assert(P.esel);
	cr_assert_eq(P.esel_hdr.sensor_type, 0x12);
	cr_assert_eq(P.esel_hdr.event_dir, 0x70);
	free(b);
}

Test(pel_malformed, allsections)
{
	uint8_t *b = test_decode(MAL_DIR "allsections.pel", &P);

	sections_are(&P, "PH UH PS EH MT EP LR IE MI HM LP CH DH SW UD");
	cr_assert_eq(P.n_warn, 0);
	for (int k = PEL_K_PH; k < PEL_K_COUNT; k++)
		if (k != PEL_K_SS && k != PEL_K_ED && k != PEL_K_EI)
			cr_assert(PEL_HAS(&P, k), "kind %d decoded", k);
	cr_assert_eq(P.ep.sensor_value, 3);
	cr_assert_eq(P.ep.action, 3);
	cr_assert_eq(P.ep.event, 1);
	cr_assert_eq(P.ep.modifier, 2);
	cr_assert_eq(P.ep.reason, 0xABCD);
	cr_assert_eq(P.lr.type, 0x10);
	cr_assert_eq(P.lr.capacity, 5);
	cr_assert_eq(P.lr.cpu_or_drc, 7);
	cr_assert_eq(P.ie.type, 1);
	cr_assert_eq(P.ie.scope, 0x38);
	cr_assert_eq(P.ie.subtype, 1);
	cr_assert_eq(P.ie.drc_index, 0x20000010u);
	cr_assert_eq(P.mi.policy_flags, 0x80000000u);
	cr_assert_pstr(P.hm.mtm, "7042-CR9");
	cr_assert_pstr(P.hm.serial, "SERIAL123456");
	cr_assert_eq(P.lp.primary_lp, 1);
	cr_assert_pstr(P.lp.name, "lp1");
	cr_assert_eq(P.lp.lp_log_id, 0x42);
	cr_assert_eq(P.lp.target_avail, 2);
	cr_assert_eq(P.lp.targets[1], 3);
	cr_assert_eq(P.lp.targets[3], 4);
	cr_assert_pstr(P.ch, "call home text");
	cr_assert_eq(P.dh.dump_id, 0x1234);
	cr_assert_eq(P.dh.dump_size, 0x100);
	cr_assert_not(P.dh.os_id_hex);
	cr_assert_pstr(P.dh.os_id, "dumpfile");
	cr_assert_eq(P.n_sw, 1);
	cr_assert_eq(P.sw[0].rc, 0xDEAD);
	cr_assert_eq(P.sw[0].line, 42);
	cr_assert_eq(P.sw[0].object_id, 7);
	cr_assert_pstr(P.sw[0].file, "file.c");
	free(b);
}

Test(pel_malformed, unknown_section_kept_opaque)
{
	uint8_t *b = test_decode(MAL_DIR "unknown-section.pel", &P);

	sections_are(&P, "PH UH PS EH ZZ MT");
	cr_assert_eq(P.sec[4].kind, PEL_K_OPAQUE);
	cr_assert_eq(P.sec[4].len, 16);
	cr_assert(PEL_HAS(&P, PEL_K_MT), "continued to MT");
	cr_assert_eq(n_warn_code(&P, PEL_W_UNKNOWN_SECTION), 1);
	free(b);
}

Test(pel_malformed, count_too_high_truncated)
{
	uint8_t *b = test_decode(MAL_DIR "count-too-high.pel", &P);

	cr_assert_eq(P.ph.section_count, 9);
	cr_assert_eq(P.n_sec, 5);
	cr_assert_eq(P.pel_len, 256);
	cr_assert(P.truncated);
	cr_assert(pel_has_warning(&P, PEL_W_TRUNCATED));
	free(b);
}

Test(pel_malformed, count_too_low_trailing)
{
	uint8_t *b = test_decode(MAL_DIR "count-too-low.pel", &P);

	sections_are(&P, "PH UH PS");
	cr_assert_eq(P.pel_len, 152);
	cr_assert_eq(P.trailing, 280 - 152);
	cr_assert(pel_has_warning(&P, PEL_W_TRAILING));
	cr_assert_not(P.truncated);
	free(b);
}

Test(pel_malformed, zero_length_section_stops)
{
	uint8_t *b = test_decode(MAL_DIR "zero-length-section.pel", &P);

	sections_are(&P, "PH UH PS EH");
	cr_assert(P.corrupt);
	cr_assert(pel_has_warning(&P, PEL_W_ZERO_LENGTH));
	free(b);
}

Test(pel_malformed, len_overrun_clamped)
{
	uint8_t *b = test_decode(MAL_DIR "len-overrun.pel", &P);

	sections_are(&P, "PH UH PS EH UD");
	cr_assert_eq(P.sec[4].offset, 228);
	cr_assert_eq(P.sec[4].len, 4096);
	cr_assert_eq(P.sec[4].avail, 256 - 228, "clamped to the buffer");
	cr_assert(P.sec[4].flags & PEL_SECF_TRUNCATED);
	cr_assert(pel_has_warning(&P, PEL_W_SECTION_TRUNCATED));
	cr_assert_eq(P.pel_len, 256);
	free(b);
}

Test(pel_malformed, truncated_mid_section)
{
	uint8_t *b = test_decode(MAL_DIR "truncated-mid-section.pel", &P);

	sections_are(&P, "PH UH PS");
	cr_assert(PEL_HAS(&P, PEL_K_UH), "PH and UH kept");
	cr_assert_null(pel_primary_src(&P), "the partial PS is not decoded");
	cr_assert(P.truncated);
	cr_assert(pel_has_warning(&P, PEL_W_SECTION_TRUNCATED));
	cr_assert_not(pel_has_warning(&P, PEL_W_PS_MISSING), "no structure verdict on a cut PEL");
	free(b);
}

Test(pel_malformed, truncated_in_ph_rejected)
{
	size_t len;
	uint8_t *b = test_load(MAL_DIR "truncated-in-ph.pel", &len);
	struct ras_err e = { { 0 } };

	cr_assert_eq(len, 40);
	cr_assert_eq(pel_decode(b, len, &P, "t.pel", &e), -EINVAL);
	cr_assert_str_eq(e.msg,
			 "t.pel: not a PEL: 40 bytes from offset 0, a Private Header needs 48");
	free(b);
}

Test(pel_malformed, first_not_ph_rejected)
{
	size_t len;
	uint8_t *b = test_load(MAL_DIR "first-not-ph.pel", &len);
	struct ras_err e = { { 0 } };

	cr_assert_eq(pel_decode(b, len, &P, "f.pel", &e), -EINVAL);
	cr_assert_str_eq(e.msg, "f.pel: not a PEL: expected section id \"PH\" at offset 0, found "
				"0x5548 (\"UH\")");
	free(b);
}

Test(pel_malformed, ps_not_third_warns)
{
	uint8_t *b = test_decode(MAL_DIR "ps-not-third.pel", &P);

	sections_are(&P, "PH UH EH PS MT");
	cr_assert_not_null(pel_primary_src(&P), "still parsed");
	cr_assert_pstr(pel_primary_src(&P)->refcode, "BB821234");
	cr_assert(P.sec[3].flags & PEL_SECF_MISPLACED);
	cr_assert(pel_has_warning(&P, PEL_W_PS_NOT_THIRD));
	cr_assert(PEL_HAS(&P, PEL_K_MT));
	free(b);
}

Test(pel_malformed, two_uh_warns)
{
	uint8_t *b = test_decode(MAL_DIR "two-uh.pel", &P);

	sections_are(&P, "PH UH PS EH UH");
	cr_assert(P.sec[4].flags & PEL_SECF_DUPLICATE);
	cr_assert_eq(n_warn_code(&P, PEL_W_DUPLICATE), 1);
	free(b);
}

Test(pel_malformed, bad_bcd_time_invalid)
{
	uint8_t *b = test_decode(MAL_DIR "bad-bcd.pel", &P);
	static const uint8_t raw[8] = { 0x99, 0xaa, 0x13, 0x32, 0x25, 0x61, 0x61, 0xff };

	cr_assert_not(P.ph.create.valid);
	cr_assert_eq(memcmp(P.ph.create.raw, raw, 8), 0, "raw bytes kept");
	cr_assert(P.ph.commit.valid);
	cr_assert_eq(P.ph.commit.year, 2024);
	cr_assert_eq(P.ph.commit.month, 5);
	cr_assert_eq(P.ph.commit.day, 6);
	cr_assert_eq(P.ph.commit.second, 10);
	cr_assert_eq(P.ph.commit.hundredths, 10);
	cr_assert_eq(n_warn_code(&P, PEL_W_BAD_TIME), 1);
	cr_assert_eq(pel_log_time(&P), &P.ph.commit);
	free(b);
}

Test(pel_malformed, wordcount_255_ignored)
{
	uint8_t *b = test_decode(MAL_DIR "wordcount-255.pel", &P);
	const struct pel_src *s = pel_primary_src(&P);

	cr_assert_eq(s->word_count, 255);
	cr_assert_pstr(s->refcode, "BB821234");
	cr_assert(pel_has_warning(&P, PEL_W_SRC_WORD_COUNT));
	free(b);
}

Test(pel_malformed, mr_overflow_capped)
{
	uint8_t *b = test_decode(MAL_DIR "mr-overflow.pel", &P);
	const struct pel_src *s = pel_primary_src(&P);
	const struct pel_callout *c;

	cr_assert_eq(s->callout_count, 1);
	c = &s->callouts[0];
	cr_assert_eq(c->size, 248);
	cr_assert(c->has_mru);
	cr_assert_eq(c->mru_claimed, 15);
	cr_assert_eq(c->mru_count, 15, "capped at 15");
	cr_assert_eq(c->mru[14].priority, 'H');
	cr_assert_eq(c->mru[14].id, 0x01020304u);
	cr_assert(pel_has_warning(&P, PEL_W_MRU_CAPPED));
	cr_assert(PEL_HAS(&P, PEL_K_EH), "sections after the PS still decoded");
	free(b);
}

Test(pel_malformed, ud_unaligned_exact_bytes)
{
	uint8_t *b = test_decode(MAL_DIR "ud-unaligned.pel", &P);

	sections_are(&P, "PH UH PS EH UD MT");
	cr_assert_eq(P.sec[4].len, 19);
	cr_assert_eq(P.sec[4].avail - 8, 11, "exactly 11 data bytes");
	cr_assert_eq(P.sec[5].offset, 247, "MT at an odd offset");
	cr_assert_pstr(P.mt.mtm, "8247-22L");
	cr_assert_eq(P.n_warn, 0);
	free(b);
}

Test(pel_malformed, oversize_warns)
{
	uint8_t *b = test_decode(MAL_DIR "oversize-20k.pel", &P);

	cr_assert_eq(P.data_len, 20236);
	cr_assert(pel_has_warning(&P, PEL_W_OVERSIZE));
	sections_are(&P, "PH UH PS EH UD");
	cr_assert_eq(P.sec[4].len, 20008);
	cr_assert_eq(P.pel_len, 20236);
	free(b);
}

Test(pel_malformed, err_no_ps_warns)
{
	uint8_t *b = test_decode(MAL_DIR "err-no-ps.pel", &P);

	sections_are(&P, "PH UH EH");
	cr_assert_eq(P.uh.severity, 0x40);
	cr_assert_eq(n_warn_code(&P, PEL_W_PS_MISSING), 1);
	char msg[160];
	for (unsigned i = 0; i < P.n_warn; i++)
		if (P.warn[i].code == PEL_W_PS_MISSING)
			pel_warn_format(&P, &P.warn[i], msg, sizeof(msg));
	cr_assert_not_null(strstr(msg, "PS missing on error log"));
	free(b);
}

Test(pel_malformed, info_no_ps_accepted)
{
	uint8_t *b = test_decode(MAL_DIR "info-no-ps.pel", &P);

	sections_are(&P, "PH UH EH");
	cr_assert_eq(P.uh.severity, 0x00);
	cr_assert_eq(P.n_warn, 0);
	free(b);
}

Test(pel_malformed, dh_hex_os_id)
{
	uint8_t *b = test_decode(MAL_DIR "dh-hex.pel", &P);

	cr_assert(PEL_HAS(&P, PEL_K_DH));
	cr_assert_eq(P.dh.flags, 0x40);
	cr_assert(P.dh.os_id_hex);
	cr_assert_eq(P.dh.dump_id, 0x12345678u);
	cr_assert_eq(P.dh.dump_size, 0x1000);
	cr_assert_eq(P.dh.os_id_num, 0xCAFEF00Du);
	free(b);
}

Test(pel_malformed, sw_v2_after_header)
{
	uint8_t *b = test_decode(MAL_DIR "sw-v2.pel", &P);

	cr_assert_eq(P.n_sw, 1);
	cr_assert_eq(P.sw[0].version, 2);
	cr_assert_eq(P.sw[0].rc, 0xDEADBEEFu, "not 0x5357... (the header)");
	cr_assert_eq(P.sw[0].file_id, 0x1111);
	cr_assert_eq(P.sw[0].code_loc, 0x2222);
	cr_assert_eq(P.sw[0].object_id, 0x33333333u);
	free(b);
}

Test(pel_malformed, with_ei_decoded_and_continues)
{
	uint8_t *b = test_decode(MAL_DIR "with-ei.pel", &P);

	sections_are(&P, "PH UH PS EH EI MT");
	cr_assert(PEL_HAS(&P, PEL_K_EI));
	cr_assert_eq(P.ei.genesis, 0x0102030405060708ull);
	cr_assert_eq(P.ei.corrosion, 0x11);
	cr_assert_eq(P.ei.temperature, 0x22);
	cr_assert_eq(P.ei.rate, 0x33);
	cr_assert_eq(P.ei.status, 1);
	cr_assert_eq(P.ei.reading_avail, 1);
	cr_assert_eq(P.ei.readings[3], 0x44);
	cr_assert_eq(P.ei.readings[5], 0x55);
	cr_assert_eq(P.ei.readings[7], 0x66);
	cr_assert(PEL_HAS(&P, PEL_K_MT), "continued to MT");
	free(b);
}

/* ---- hand-built edge cases ---- */

static void mk_ph(uint8_t *b, uint16_t len, uint8_t count)
{
	memset(b, 0, 48);
	b[0] = 'P';
	b[1] = 'H';
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[4] = 1;
	b[24] = 'K';
	b[27] = count;
}

Test(pel_malformed, empty_and_tiny_buffers)
{
	struct ras_err e;
	uint8_t b[48] = { 'P', 'H' };

	cr_assert_eq(pel_decode(b, 0, &P, NULL, &e), -EINVAL);
	cr_assert_eq(pel_decode(b, 1, &P, NULL, &e), -EINVAL);
	cr_assert_eq(pel_decode(b, 47, &P, NULL, &e), -EINVAL);
}

Test(pel_malformed, ph_length_below_48_rejected)
{
	uint8_t b[64];
	struct ras_err e;

	mk_ph(b, 40, 1);
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "x", &e), -EINVAL);
	cr_assert_not_null(strstr(e.msg, "offset 2"), "%s", e.msg);
}

Test(pel_malformed, esel_header_without_pel)
{
	uint8_t b[64] = { 0 };
	struct ras_err e;

	b[2] = 0xDF;
	b[13] = 0xAA;
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "x", &e), -EINVAL, "no PH after the header");
}

Test(pel_malformed, input_cap)
{
	static uint8_t big[PEL_INPUT_CAP + 1];
	struct ras_err e;

	mk_ph(big, 48, 1);
	cr_assert_eq(pel_decode(big, sizeof(big), &P, "big", &e), -E2BIG);
	cr_assert_eq(pel_decode(big, PEL_INPUT_CAP, &P, "big", &e), 0);
	cr_assert(pel_has_warning(&P, PEL_W_OVERSIZE));
}

/* 255 sections of 8 bytes: capacity and warning limits hold. */
Test(pel_malformed, many_unknown_sections)
{
	static uint8_t b[48 + 254 * 8];
	struct ras_err e;

	mk_ph(b, 48, 255);
	for (int i = 0; i < 254; i++) {
		uint8_t *s = b + 48 + 8 * i;
		s[0] = 'Q';
		s[1] = 'Q';
		s[3] = 8;
	}
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "many", &e), 0);
	cr_assert_eq(P.n_sec, 255);
	cr_assert_eq(P.n_warn, PEL_MAX_WARNINGS);
	cr_assert_gt(P.warn_dropped, 0);
}

/* More callouts than the cap: counted, not decoded, no overflow. */
Test(pel_malformed, too_many_callouts)
{
	static uint8_t b[48 + 24 + 84 + 12 * 8];
	struct ras_err e;
	uint8_t *u = b + 48, *s = b + 72;
	size_t pslen = 84 + 12 * 8;

	mk_ph(b, 48, 3);
	memset(u, 0, 24);
	u[0] = 'U';
	u[1] = 'H';
	u[3] = 24;
	u[4] = 1;
	memset(s, 0, pslen);
	s[0] = 'P';
	s[1] = 'S';
	s[2] = (uint8_t)(pslen >> 8);
	s[3] = (uint8_t)pslen;
	s[8] = 2;
	s[9] = 1;
	s[11] = 9;
	s[14] = (uint8_t)((pslen - 8) >> 8);
	s[15] = (uint8_t)(pslen - 8);
	memcpy(s + 48, "BB820001", 8);
	s[80] = 0xC0;
	s[83] = (uint8_t)((4 + 12 * 8) / 4);
	for (int i = 0; i < 12; i++) {
		uint8_t *c = s + 84 + 8 * i;
		c[0] = 8;
		c[2] = 'M';
		c[3] = 4;
		memcpy(c + 4, "U1", 2);
	}
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "co", &e), 0);
	cr_assert_eq(pel_primary_src(&P)->callout_count, PEL_MAX_CALLOUTS);
	cr_assert_eq(pel_primary_src(&P)->callouts_skipped, 2);
	cr_assert(pel_has_warning(&P, PEL_W_TOO_MANY_CALLOUTS));
	cr_assert_pstr(pel_primary_src(&P)->callouts[9].location, "U1");
}

/* skiboot-native EH: creator K, length 76, empty versions -> time at offset 62. */
Test(pel_malformed, skiboot_eh_time_at_62)
{
	static uint8_t b[48 + 76];
	struct ras_err e;
	uint8_t *h = b + 48;
	static const uint8_t t[8] = { 0x20, 0x24, 0x05, 0x06, 0x07, 0x08, 0x09, 0x00 };

	mk_ph(b, 48, 2);
	memset(h, 0, 76);
	h[0] = 'E';
	h[1] = 'H';
	h[3] = 76;
	h[4] = 1;
	memcpy(h + 8, "8247-22L", 8);
	memcpy(h + 62, t, 8);
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "eh", &e), 0);
	cr_assert(P.eh.ref_time_at_62);
	cr_assert(P.eh.ref_time.valid);
	cr_assert_eq(P.eh.ref_time.year, 2024);
	cr_assert_eq(P.eh.ref_time.hour, 7);
	cr_assert_eq(P.eh.ref_time.second, 9);
	/* the same bytes from another creator: read at 64 (spec layout) */
	b[24] = 'E';
	cr_assert_eq(pel_decode(b, sizeof(b), &P, "eh", &e), 0);
	cr_assert_not(P.eh.ref_time_at_62);
}
