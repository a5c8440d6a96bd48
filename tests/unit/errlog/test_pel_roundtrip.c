/*
 * test_pel_roundtrip.c - the decoder against the encoder (errlog/pel_encode.c): random
 * realistic logs from pel_gen_random() and hand-written descriptions (skiboot style,
 * every callout substructure) decode to exactly what was described, with no warnings.
 */
#include <criterion/criterion.h>

#include "errlog/pel_encode.h"
#include "pel_test.h"

static struct pel P;

static void cmp_str(struct pel_str s, const char *want, const char *what)
{
	const char *w = want ? want : "";
	cr_assert(pstr_eq(s, w), "%s: got \"%.*s\", want \"%s\"", what, (int)s.len, s.p ? s.p : "",
		  w);
}

static void check(const struct pel_enc_desc *d, const uint8_t *buf, size_t len)
{
	struct ras_err e;
	const struct pel_src *s;

	cr_assert_eq(pel_decode(buf, len, &P, "enc", &e), 0, "%s", e.msg);
	cr_assert_eq(P.n_warn, 0, "warning %s", P.n_warn ? pel_warn_name(P.warn[0].code) : "");
	cr_assert_eq(P.pel_len, len);
	cr_assert_eq(P.ph.creator, (uint8_t)d->creator);
	cr_assert_eq(P.ph.plid, d->plid);
	cr_assert_eq(P.ph.entry_id, d->entry_id);
	cr_assert_eq(P.uh.subsystem, d->subsystem);
	cr_assert_eq(P.uh.severity, d->severity);
	cr_assert_eq(P.uh.event_type, d->event_type);
	cr_assert_eq(P.uh.scope, d->scope);
	cr_assert_eq(P.uh.action, d->action_flags);
	if (d->create_us) {
		int64_t us;
		cr_assert(pel_time_to_us(&P.ph.create, &us));
		cr_assert_eq(us / 10000, d->create_us / 10000, "BCD keeps hundredths");
	} else {
		cr_assert(P.ph.create.zero);
	}
	if (d->no_ps) {
		cr_assert_null(pel_primary_src(&P));
		return;
	}
	s = pel_primary_src(&P);
	cr_assert_not_null(s);
	cr_assert_eq(strncmp(s->refcode.p, d->src, s->refcode.len), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(s->words[i], d->hexwords[i], "word %d", i + 2);
	cr_assert_eq(s->callout_count, d->n_callouts);
	for (size_t i = 0; i < d->n_callouts; i++) {
		const struct pel_enc_callout *w = &d->callouts[i];
		const struct pel_callout *c = &s->callouts[i];
		cr_assert_eq(c->priority, (uint8_t)w->priority);
		cmp_str(c->location, w->location, "location");
		cr_assert_eq(c->has_fru, w->has_fru);
		if (w->has_fru) {
			cr_assert_eq(c->fru_flags & 0xF0, w->fru_type);
			if (w->part)
				cmp_str(c->part, w->part, "part");
			cr_assert_eq(!!(c->fru_flags & PEL_FRU_PROC), w->part_is_procedure);
			if (w->ccin)
				cmp_str(c->ccin, w->ccin, "ccin");
			if (w->serial)
				cmp_str(c->serial, w->serial, "serial");
		}
		cr_assert_eq(c->has_pce, w->pce_mtm != NULL);
		if (w->pce_mtm) {
			cmp_str(c->pce_mtm, w->pce_mtm, "pce mtm");
			cmp_str(c->pce_serial, w->pce_serial, "pce serial");
			cmp_str(c->pce_name, w->pce_name, "pce name");
		}
		cr_assert_eq(c->mru_count, w->n_mru);
		for (size_t k = 0; k < w->n_mru; k++) {
			cr_assert_eq(c->mru[k].priority, (uint8_t)w->mru[k].priority);
			cr_assert_eq(c->mru[k].id, w->mru[k].id);
		}
	}
	if (!d->no_eh) {
		cr_assert(PEL_HAS(&P, PEL_K_EH));
		cmp_str(P.eh.mtm, d->mtm, "eh mtm");
		cmp_str(P.eh.serial, d->serial, "eh serial");
		/* skiboot's own EH layout has no version fields (spec 10.2): empty, and the
		 * reference time at offset 62. */
		cmp_str(P.eh.fw_release, d->eh_skiboot ? "" : d->fw_release, "fw release");
		cmp_str(P.eh.fw_subsys, d->eh_skiboot ? "" : d->fw_subsys, "fw subsys");
		cr_assert_eq(P.eh.ref_time_at_62, d->eh_skiboot, "skiboot EH layout detected");
	}
	if (d->with_mt) {
		cr_assert(PEL_HAS(&P, PEL_K_MT));
		cmp_str(P.mt.mtm, d->mtm, "mt mtm");
	}
}

Test(pel_roundtrip, random_logs)
{
	static struct pel_gen g;
	static uint8_t buf[PEL_ENC_MAX_SIZE];
	uint64_t st = 0x1234567887654321ull;
	struct ras_err e;
	size_t len;

	for (uint32_t i = 0; i < 300; i++) {
		pel_gen_random(&g, &st, 0x50000000u + i, 1764087000000000ll + (int64_t)i * 1000);
		cr_assert_eq(pel_encode(&g.d, buf, sizeof(buf), &len, &e), 0, "%s", e.msg);
		check(&g.d, buf, len);
	}
}

Test(pel_roundtrip, all_substructures)
{
	static uint8_t buf[PEL_ENC_MAX_SIZE];
	struct pel_enc_callout co[2] = {
		{ .priority = 'H',
		  .location = "U78D3.001.WZS0001-P1-C9",
		  .has_fru = true,
		  .fru_type = PEL_FRU_HW,
		  .part = "01DH123",
		  .ccin = "52A6",
		  .serial = "YH10MS0A1B2C",
		  .pce_mtm = "9080-HEX",
		  .pce_serial = "1234ABC",
		  .pce_name = "CEC DRAWER",
		  .n_mru = 2,
		  .mru = { { 'H', 0x1001 }, { 'M', 0x1002 } } },
		{ .priority = 'M',
		  .location = "",
		  .has_fru = true,
		  .fru_type = PEL_FRU_PROCEDURE,
		  .part = "FSPSP04",
		  .part_is_procedure = true },
	};
	struct pel_enc_desc d = {
		.creator = 'E',
		.component = 0x2700,
		.create_us = 1764087000120000ll,
		.commit_us = 1764087001000000ll,
		.plid = 0x50001111,
		.entry_id = 0x50001111,
		.subsystem = 0x23,
		.scope = 3,
		.severity = 0x41,
		.event_type = 0,
		.action_flags = 0xA800,
		.src = "BC8A1234",
		.hexwords = { 0xF0, 1, 2, 3, 4, 5, 6, 7 },
		.callouts = co,
		.n_callouts = 2,
		.with_mt = true,
		.mtm = "9080-HEX",
		.serial = "1234ABC",
		.fw_release = "FW1060.00",
		.fw_subsys = "sub-1",
	};
	struct ras_err e;
	size_t len;

	cr_assert_eq(pel_encode(&d, buf, sizeof(buf), &len, &e), 0, "%s", e.msg);
	check(&d, buf, len);
}

Test(pel_roundtrip, skiboot_style)
{
	static uint8_t buf[PEL_ENC_MAX_SIZE];
	static const char text[] = "DESC\x00\x13SUSURV: Error";
	struct pel_enc_ud ud = {
		.version = 1, .component = 0x5355, .data = text, .len = sizeof(text) - 1
	};
	struct pel_enc_desc d = {
		.creator = 'K',
		.component = 0x5355,
		.create_us = 1764087000000000ll,
		.plid = 0xB0000001,
		.entry_id = 0xB0000001,
		.subsystem = 0x7A,
		.severity = 0x22,
		.event_type = 1,
		.action_flags = 0x2000,
		.src = "BB828010",
		.src_nul_padded = true,
		.n_hexwords = 8,
		.hexwords = { 0x80 },
		.with_mt = true,
		.mtm = "8247-22L",
		.serial = "100DA7A",
		.ud = &ud,
		.n_ud = 1,
	};
	struct ras_err e;
	size_t len;

	cr_assert_eq(pel_encode(&d, buf, sizeof(buf), &len, &e), 0, "%s", e.msg);
	check(&d, buf, len);
	cr_assert(P.ph.commit.zero);
	cr_assert_eq(pel_log_time(&P), &P.ph.create, "commit unset: create time");
	cr_assert_eq(pel_primary_src(&P)->word_count, 8);
	cr_assert_eq(P.sec[P.n_sec - 1].len, 8 + sizeof(text) - 1, "odd UD length kept");
}
