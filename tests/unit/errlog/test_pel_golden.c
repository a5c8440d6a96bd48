/*
 * test_pel_golden.c - golden tests of the PEL decoder on every real PEL of the
 * ppc64-diag sysfs sample (0x07, 0x5034a000 raw and eSEL, 0x5055ed2e) and on the
 * synthetic and fixed-offset fixtures of the same tree (data README section 3).
 *
 * Expected values are those of ../shared/data/pel/ppc64-diag-expected except where
 * docs/spec/pel.md says ppc64-diag decodes wrongly; each such place is marked
 * "SPEC, not ppc64-diag".
 */
#include <criterion/criterion.h>

#include "pel_test.h"

static struct pel P;

static void assert_time(const struct pel_time *t, int y, int mo, int d, int h, int mi, int s,
			int hs)
{
	cr_assert(t->valid, "time not valid");
	cr_assert_eq(t->year, y);
	cr_assert_eq(t->month, mo);
	cr_assert_eq(t->day, d);
	cr_assert_eq(t->hour, h);
	cr_assert_eq(t->minute, mi);
	cr_assert_eq(t->second, s);
	cr_assert_eq(t->hundredths, hs);
}

static void check_5034a000(const struct pel *p)
{
	const struct pel_src *s = pel_primary_src(p);
	const struct pel_callout *c;
	char secs[128];
	static const uint32_t words[8] = { 0x003C0001, 0x00007201, 0, 0, 0, 0, 0, 0 };

	cr_assert_eq(p->pel_len, 336);
	cr_assert_eq(p->n_warn, 0, "clean real PEL has no warnings (first: %u)",
		     p->n_warn ? p->warn[0].code : 0);
	test_sections(p, secs, sizeof(secs));
	cr_assert_str_eq(secs, "PH UH PS EH");
	cr_assert_eq(p->ph.plid, 0x5034A000u);
	cr_assert_eq(p->ph.entry_id, 0x5034A000u);
	cr_assert_eq(p->ph.creator, 'E');
	cr_assert_str_eq(pel_creator_name(p->ph.creator), "Service Processor");
	cr_assert_eq(p->ph.section_count, 4);
	cr_assert_eq(p->sec[0].component, 0x2700);
	assert_time(&p->ph.create, 2014, 3, 13, 8, 15, 55, 67);
	assert_time(&p->ph.commit, 2014, 3, 13, 8, 15, 55, 67);
	cr_assert(PEL_HAS(p, PEL_K_UH));
	cr_assert_eq(p->uh.severity, 0x20);
	cr_assert_str_eq(pel_severity_name(p->uh.severity), "Predictive Error");
	cr_assert_eq(p->uh.subsystem, 0xA2);
	cr_assert_str_eq(pel_subsystem_name(p->uh.subsystem), "Room Ambient Temperature");
	cr_assert_eq(p->uh.event_type, 0x00);
	cr_assert_str_eq(pel_event_type_name(p->uh.event_type), "Not Applicable");
	/* SPEC, not ppc64-diag: scope 3 is "entire platform" (pel.md 5.4); ppc64-diag
	 * prints "Single platform". */
	cr_assert_eq(p->uh.scope, 3);
	cr_assert_str_eq(pel_scope_name(p->uh.scope), "Entire Platform");
	/* SPEC, not ppc64-diag: 0xA004 = service + report + an undefined bit 0x0004 that
	 * ppc64-diag silently drops. */
	cr_assert_eq(p->uh.action, 0xA004);
	cr_assert_not_null(s);
	cr_assert(s->primary);
	cr_assert_pstr(s->refcode, "11007201");
	cr_assert_eq(s->version, 2);
	cr_assert_eq(s->flags, 0x01);
	cr_assert_eq(s->word_count, 9);
	cr_assert_eq(s->src_size, 152);
	/* SPEC, not ppc64-diag: "SRC Format" is the low byte of hex word 2 (pel.md 10.1);
	 * ppc64-diag prints the flags byte. Both are 1 in this sample. */
	cr_assert_eq(s->words[0] & 0xFF, 0x01);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(s->words[i], words[i], "hex word %d", i + 2);
	cr_assert(s->has_callouts);
	cr_assert_eq(s->callout_count, 1);
	c = &s->callouts[0];
	cr_assert_eq(c->priority, 'H');
	cr_assert_str_eq(pel_priority_name(c->priority),
			 "Mandatory, replace all with this type as a unit");
	cr_assert_pstr(c->location, "U78AB.001.WZSGBJ6");
	cr_assert(c->has_fru);
	cr_assert_eq(c->fru_flags, 0xCD);
	cr_assert_str_eq(pel_fru_type_name(c->fru_flags), "Symbolic FRU");
	cr_assert_pstr(c->part, "AMBTEMP");
	cr_assert_pstr(c->ccin, "");
	cr_assert_pstr(c->serial, "");
	cr_assert(c->has_pce);
	cr_assert_pstr(c->pce_mtm, "8246-L2C");
	cr_assert_pstr(c->pce_serial, "10008FA");
	cr_assert_pstr(c->pce_name, "");
	cr_assert_not(c->has_mru);
	cr_assert(PEL_HAS(p, PEL_K_EH));
	cr_assert_pstr(p->eh.mtm, "8246-L2C");
	cr_assert_pstr(p->eh.serial, "10008FA");
	cr_assert_pstr(p->eh.fw_release, "ZL770_060");
	cr_assert_pstr(p->eh.fw_subsys, "b1212p_1320.770");
	cr_assert_eq(p->eh.symptom_len, 28);
	cr_assert_pstr(p->eh.symptom_id, "11007201_003C0001_00007201");
	/* SPEC, not ppc64-diag: an all-zero reference time is "unset", not "0-00-00". */
	cr_assert(p->eh.ref_time.zero);
	cr_assert_not(p->eh.ref_time.valid);
	cr_assert_not(PEL_HAS(p, PEL_K_MT));
}

Test(pel_golden, sample_5034a000_raw)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5034a000/raw", &P);
	cr_assert_not(P.esel);
	cr_assert_eq(P.trailing, 0);
	check_5034a000(&P);
	free(b);
}

Test(pel_golden, sample_5034a000_esel)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5034a000/eSEL", &P);
	cr_assert(P.esel);
	cr_assert_eq(P.data_len, 336);
	cr_assert_eq(P.esel_hdr.record_type, 0xDF);
	cr_assert_eq(P.esel_hdr.generator, 0x0020);
	cr_assert_eq(P.esel_hdr.evm_rev, 4);
	cr_assert_eq(P.esel_hdr.sensor_type, 0xFF);
	cr_assert_eq(P.esel_hdr.sensor_num, 0xFF);
	cr_assert_eq(P.esel_hdr.event_dir, 0x6F);
	cr_assert_eq(P.esel_hdr.event_data1, 0xAA);
	check_5034a000(&P);
	free(b);
}

Test(pel_golden, sample_07_opal_relayed)
{
	uint8_t *b = test_decode(ELOG_DIR "0x07/raw", &P);
	const struct pel_src *s = pel_primary_src(&P);
	char secs[128];

	cr_assert_eq(P.pel_len, 324);
	cr_assert_eq(P.n_warn, 0);
	test_sections(&P, secs, sizeof(secs));
	cr_assert_str_eq(secs, "PH UH PS EH MT UD");
	cr_assert_eq(P.ph.entry_id, 0x00000007u);
	cr_assert_eq(P.ph.plid, 0xB0000008u);
	cr_assert_eq(P.ph.creator, 'K');
	cr_assert_eq(P.sec[0].component, 0x5355, "component \"SU\"");
	assert_time(&P.ph.create, 2014, 7, 9, 23, 58, 54, 0);
	assert_time(&P.ph.commit, 2014, 7, 9, 23, 58, 54, 58);
	cr_assert_eq(P.uh.subsystem, 0x7A);
	cr_assert_str_eq(pel_subsystem_name(0x7A),
			 "Hypervisor lost communication with service processor");
	cr_assert_eq(P.uh.severity, 0x20);
	cr_assert_eq(P.uh.event_type, 0x01);
	cr_assert_eq(P.uh.scope, 0);
	cr_assert_null(pel_scope_name(0), "scope 0 has no name (printed as Unknown)");
	cr_assert_eq(P.uh.action, 0x2000);
	cr_assert_pstr(s->refcode, "BB828010");
	cr_assert_eq(s->word_count, 8, "skiboot writes 8 words");
	cr_assert_eq(s->words[0], 0x00000080);
	cr_assert_not(s->has_callouts);
	cr_assert_eq(P.sec[2].subtype, 0);
	cr_assert_pstr(P.eh.mtm, "8247-22L");
	cr_assert_pstr(P.eh.serial, "100DA7A");
	cr_assert_pstr(P.eh.fw_release, "SV810_058");
	cr_assert_pstr(P.eh.fw_subsys, "b0614a_1423.810");
	/* relayed by the FSP: EH regenerated, time at offset 64, no skiboot quirk */
	cr_assert_not(P.eh.ref_time_at_62);
	assert_time(&P.eh.ref_time, 2014, 7, 9, 23, 58, 54, 0);
	cr_assert_eq(P.eh.symptom_len, 0);
	cr_assert_pstr(P.mt.mtm, "8247-22L");
	cr_assert_pstr(P.mt.serial, "100DA7A");
	cr_assert_eq(P.sec[5].len, 0x44);
	cr_assert_eq(memcmp(P.sec[5].p + 8, "DESC", 4), 0);
	free(b);
}

Test(pel_golden, sample_5055ed2e_padded)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5055ed2e/raw", &P);
	const struct pel_src *s = pel_primary_src(&P);
	char secs[128];
	static const uint32_t words[8] = { 0x020000F0, 0x2B2C0E10, 0xC103A401, 0x000000FF,
					   0x00000042, 0xE8CA2C00, 0,	       0 };

	cr_assert_eq(P.buf_len, 16384);
	cr_assert_eq(P.pel_len, 740, "true length from the chain");
	cr_assert_eq(P.trailing, 16384 - 740);
	cr_assert_eq(P.n_warn, 0, "zero padding is not a warning");
	test_sections(&P, secs, sizeof(secs));
	cr_assert_str_eq(secs, "PH UH PS EH UD MT UD UD UD UD UD UD");
	cr_assert_eq(P.ph.entry_id, 0x5055ED2Eu);
	cr_assert_eq(P.ph.plid, 0x5055ED2Eu);
	cr_assert_eq(P.ph.creator, 'E');
	assert_time(&P.ph.create, 2014, 2, 18, 6, 43, 54, 4);
	assert_time(&P.ph.commit, 2014, 2, 18, 6, 43, 54, 5);
	cr_assert_eq(P.uh.subsystem, 0x82);
	cr_assert_str_eq(pel_subsystem_name(0x82), "Hypervisor Firmware");
	cr_assert_eq(P.uh.severity, 0x00);
	cr_assert_str_eq(pel_severity_name(0), "Informational Event");
	cr_assert_eq(P.uh.event_type, 0x01);
	cr_assert_eq(P.uh.scope, 3);
	cr_assert_eq(P.uh.action, 0x6000, "hidden + report");
	cr_assert_pstr(s->refcode, "B182950C");
	for (int i = 0; i < 8; i++)
		cr_assert_eq(s->words[i], words[i], "hex word %d", i + 2);
	cr_assert_not(s->has_callouts);
	cr_assert_pstr(P.eh.mtm, "8246-L2D");
	cr_assert_pstr(P.eh.serial, "060E8EA");
	cr_assert_pstr(P.eh.fw_release, "ZL770_057");
	cr_assert_pstr(P.eh.fw_subsys, "b1126p_1320.770");
	cr_assert_pstr(P.eh.symptom_id, "B182950C_2B2C0E10");
	cr_assert_pstr(P.mt.mtm, "8246-L2D");
	cr_assert_eq(P.sec[4].version, 2);
	cr_assert_eq(P.sec[4].subtype, 4);
	cr_assert_eq(P.sec[4].len, 0x9c);
	cr_assert_eq(P.sec[11].len, 0x30);
	free(b);
}

/* ---- synthetic and fixed-offset fixtures of the sysfs tree (data README 3.1) ---- */

static void expect_not_pel(const char *rel)
{
	size_t len;
	uint8_t *b = test_load(rel, &len);
	struct ras_err e = { { 0 } };

	cr_assert_eq(pel_decode(b, len, &P, rel, &e), -EINVAL);
	cr_assert_not_null(strstr(e.msg, "not a PEL"), "message: %s", e.msg);
	cr_assert_not_null(strstr(e.msg, "offset 0"), "message names the offset: %s", e.msg);
	cr_assert_not_null(strstr(e.msg, rel), "message names the file: %s", e.msg);
	free(b);
}

Test(pel_golden, fixture_01_not_a_pel)
{
	expect_not_pel(ELOG_DIR "0x01/raw");
}

Test(pel_golden, fixture_05_not_a_pel)
{
	expect_not_pel(ELOG_DIR "0x05/raw");
}

Test(pel_golden, synthetic_02_ph_only_count_zero)
{
	uint8_t *b = test_decode(ELOG_DIR "0x02/raw", &P);

	cr_assert_eq(P.n_sec, 1);
	cr_assert_eq(P.pel_len, 48);
	cr_assert_eq(P.ph.entry_id, 2);
	cr_assert_eq(P.ph.creator, 0);
	cr_assert(pel_has_warning(&P, PEL_W_COUNT_ZERO));
	cr_assert(pel_has_warning(&P, PEL_W_MISSING_UH));
	cr_assert(pel_has_warning(&P, PEL_W_PH_VERSION), "PH version 0");
	/* the bytes poked at the fixed UH offsets are padding, not a UH */
	cr_assert_not(PEL_HAS(&P, PEL_K_UH));
	cr_assert_null(pel_primary_src(&P));
	cr_assert(P.ph.create.zero);
	cr_assert_null(pel_log_time(&P));
	free(b);
}

Test(pel_golden, synthetic_03_ph_only)
{
	uint8_t *b = test_decode(ELOG_DIR "0x03/raw", &P);

	cr_assert_eq(P.n_sec, 1);
	cr_assert_eq(P.ph.entry_id, 3);
	cr_assert(pel_has_warning(&P, PEL_W_COUNT_ZERO));
	cr_assert(pel_has_warning(&P, PEL_W_MISSING_UH));
	cr_assert_not(pel_has_warning(&P, PEL_W_PH_VERSION));
	assert_time(&P.ph.create, 2014, 3, 12, 14, 24, 12, 34);
	assert_time(&P.ph.commit, 2014, 3, 13, 13, 1, 56, 78);
	cr_assert_eq(pel_log_time(&P), &P.ph.commit);
	free(b);
}

Test(pel_golden, synthetic_50000004_ph_only)
{
	uint8_t *b = test_decode(ELOG_DIR "0x50000004/raw", &P);

	cr_assert_eq(P.n_sec, 1);
	cr_assert_eq(P.pel_len, 48);
	cr_assert_eq(P.ph.creator, 'K');
	cr_assert_eq(P.ph.section_count, 1);
	cr_assert_eq(P.ph.plid, 0xB0010203u);
	cr_assert_eq(P.ph.entry_id, 0x50000004u);
	assert_time(&P.ph.create, 1994, 1, 1, 1, 2, 3, 4);
	assert_time(&P.ph.commit, 2000, 12, 31, 10, 14, 44, 21);
	cr_assert(pel_has_warning(&P, PEL_W_MISSING_UH));
	cr_assert_not(pel_has_warning(&P, PEL_W_COUNT_ZERO));
	cr_assert_not(pel_has_warning(&P, PEL_W_TRAILING), "the poked bytes are past the PEL");
	free(b);
}

Test(pel_golden, synthetic_50000006_ph_ch)
{
	uint8_t *b = test_decode(ELOG_DIR "0x50000006/raw", &P);
	char secs[64];

	test_sections(&P, secs, sizeof(secs));
	cr_assert_str_eq(secs, "PH CH");
	cr_assert_eq(P.pel_len, 84);
	cr_assert_eq(P.ph.plid, 0xB0040506u);
	cr_assert_eq(P.ph.entry_id, 0x50000006u);
	cr_assert_not(P.ph.create.valid, "create seconds 0x66 hundredths 0x99");
	cr_assert_not(P.ph.create.zero);
	cr_assert_eq(P.ph.create.raw[6], 0x66);
	cr_assert_eq(P.ph.create.raw[7], 0x99);
	assert_time(&P.ph.commit, 2014, 3, 14, 14, 37, 0, 0);
	cr_assert(pel_has_warning(&P, PEL_W_BAD_TIME));
	cr_assert(pel_has_warning(&P, PEL_W_MISSING_UH));
	cr_assert(PEL_HAS(&P, PEL_K_CH));
	cr_assert_pstr(P.ch, "call home comment goes here");
	/* "CALLHOME" at 0x78 is inside the padding, which is ignored */
	cr_assert_not(pel_has_warning(&P, PEL_W_TRAILING));
	cr_assert_eq(P.trailing, 16384 - 84);
	free(b);
}
