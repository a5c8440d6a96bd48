/*
 * test_pel_roundtrip.c - encoder → decoder round trips: every PEL built by
 * errlog/pel_encode.c (hand-written descriptions and 3000 seeded random ones) decodes
 * with errlog/pel_decode.c without a single warning and with the same field values.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "errlog/pel.h"
#include "errlog/pel_encode.h"

static void str_eq(struct pel_str s, const char *want, size_t width, const char *what)
{
	char w[128];

	snprintf(w, sizeof(w), "%.*s", (int)width, want ? want : "");
	/* the decoder trims trailing NULs and spaces */
	size_t n = strlen(w);
	while (n && w[n - 1] == ' ')
		w[--n] = 0;
	cr_assert_eq(s.len, n, "%s: length %u, want %zu ('%s')", what, s.len, n, w);
	cr_assert(n == 0 || memcmp(s.p, w, n) == 0, "%s: '%.*s' want '%s'", what, s.len, s.p, w);
}

static void check(const struct pel_enc_desc *d, const uint8_t *buf, size_t len, struct pel *p)
{
	struct ras_err e;

	cr_assert_eq(pel_decode(buf, len, p, "roundtrip", &e), 0, "%s", e.msg);
	for (unsigned i = 0; i < p->n_warn; i++)
		cr_assert_fail("unexpected warning code %u at offset %u (value %u)",
			       p->warn[i].code, p->warn[i].offset, p->warn[i].value);
	cr_assert_eq(p->pel_len, len);
	cr_assert_eq(p->ph.creator, (uint8_t)d->creator);
	cr_assert_eq(p->ph.plid, d->plid);
	cr_assert_eq(p->ph.entry_id, d->entry_id);
	cr_assert_eq(p->uh.subsystem, d->subsystem);
	cr_assert_eq(p->uh.scope, d->scope);
	cr_assert_eq(p->uh.severity, d->severity);
	cr_assert_eq(p->uh.event_type, d->event_type);
	cr_assert_eq(p->uh.action, d->action_flags);
	cr_assert_eq(p->ph.commit.zero, d->commit_us == 0);
	if (d->create_us)
		cr_assert(p->ph.create.valid);

	const struct pel_src *s = pel_primary_src(p);
	cr_assert_not_null(s);
	str_eq(s->refcode, d->src, 8, "refcode");
	cr_assert_eq(s->word_count, d->n_hexwords ? d->n_hexwords : 9);
	cr_assert_eq(memcmp(s->words, d->hexwords, sizeof(s->words)), 0);
	cr_assert_eq(s->callout_count, d->n_callouts);
	for (size_t i = 0; i < d->n_callouts; i++) {
		const struct pel_enc_callout *c = &d->callouts[i];
		const struct pel_callout *q = &s->callouts[i];

		cr_assert_eq(q->priority, (uint8_t)c->priority);
		str_eq(q->location, c->location, 80, "location");
		cr_assert_eq(q->has_fru, c->has_fru);
		if (c->has_fru) {
			cr_assert_eq(q->fru_flags & 0xF0, c->fru_type);
			str_eq(q->part, c->part, 7, "part");
			str_eq(q->ccin, c->ccin, 4, "ccin");
			str_eq(q->serial, c->serial, 12, "serial");
		}
		cr_assert_eq(q->has_pce, c->pce_mtm != NULL);
		if (c->pce_mtm) {
			str_eq(q->pce_mtm, c->pce_mtm, 8, "pce mtm");
			str_eq(q->pce_serial, c->pce_serial, 12, "pce serial");
		}
		cr_assert_eq(q->mru_count, c->n_mru);
		for (size_t k = 0; k < c->n_mru; k++) {
			cr_assert_eq(q->mru[k].priority, (uint8_t)c->mru[k].priority);
			cr_assert_eq(q->mru[k].id, c->mru[k].id);
		}
	}
	cr_assert(PEL_HAS(p, PEL_K_EH));
	str_eq(p->eh.mtm, d->mtm, 8, "EH mtm");
	str_eq(p->eh.serial, d->serial, 12, "EH serial");
	cr_assert_eq(p->eh.ref_time_at_62, d->eh_skiboot, "EH time at 62 only for skiboot EH");
	cr_assert(p->eh.ref_time.valid, "EH reference time decodes from the right offset");
	if (d->eh_skiboot) {
		cr_assert_eq(p->eh.fw_release.len, 0);
		cr_assert_eq(p->sec[3].len, 76);
	} else {
		str_eq(p->eh.fw_release, d->fw_release, 16, "fw release");
		str_eq(p->eh.fw_subsys, d->fw_subsys, 16, "fw subsys");
	}
	cr_assert_eq(PEL_HAS(p, PEL_K_MT), d->with_mt);
	if (d->with_mt) {
		str_eq(p->mt.mtm, d->mtm, 8, "MT mtm");
		str_eq(p->mt.serial, d->serial, 12, "MT serial");
	}
}

Test(pel_encode_roundtrip, random_logs)
{
	struct pel *p = malloc(sizeof(*p));
	uint8_t buf[PEL_ENC_MAX_SIZE];
	uint64_t st = 2026;
	int native = 0;

	cr_assert_not_null(p);
	for (uint32_t i = 0; i < 3000; i++) {
		struct pel_gen g;
		size_t len;

		pel_gen_random(&g, &st, 0x50000000u + i, 1764000000000000ll + i * 1000000ll);
		cr_assert_eq(pel_encode(&g.d, buf, sizeof(buf), &len, NULL), 0);
		check(&g.d, buf, len, p);
		native += g.d.eh_skiboot;
	}
	cr_assert_gt(native, 10, "some skiboot-native logs among the random ones");
	free(p);
}

Test(pel_encode_roundtrip, every_substructure)
{
	struct pel *p = malloc(sizeof(*p));
	uint8_t buf[PEL_ENC_MAX_SIZE];
	size_t len;
	struct pel_enc_callout co[3] = {
		{ .priority = 'H',
		  .location = "U78AB.001.WZSGBJ6-P1-C14",
		  .has_fru = true,
		  .fru_type = PEL_FRU_HW,
		  .part = "00E8261",
		  .ccin = "2B4F",
		  .serial = "YL10ABCDEF12",
		  .pce_mtm = "8246-L2C",
		  .pce_serial = "10008FA",
		  .pce_name = "Enclosure 1",
		  .n_mru = 3,
		  .mru = { { 'H', 1 }, { 'M', 2 }, { 'L', 3 } } },
		{ .priority = 'M',
		  .has_fru = true,
		  .fru_type = PEL_FRU_PROCEDURE,
		  .part = "FSPSP04",
		  .part_is_procedure = true },
		{ .priority = 'L', .location = "U1" },
	};
	struct pel_enc_desc d = { .creator = 'H',
				  .component = 0x4D45,
				  .create_us = 1764000000123456,
				  .commit_us = 1764000001000000,
				  .plid = 0x90000001,
				  .entry_id = 0x90000002,
				  .subsystem = 0x23,
				  .scope = 2,
				  .severity = 0x41,
				  .event_type = 0,
				  .action_flags = 0xA800,
				  .src = "B7001234 EXTENDED",
				  .hexwords = { 1, 2, 3, 4, 5, 6, 7, 8 },
				  .callouts = co,
				  .n_callouts = 3,
				  .with_mt = true,
				  .mtm = "9105-42A",
				  .serial = "78ABCDE",
				  .fw_release = "FW1060.10",
				  .fw_subsys = "b0614a_1423.810" };

	cr_assert_eq(pel_encode(&d, buf, sizeof(buf), &len, NULL), 0);
	check(&d, buf, len, p);
	str_eq(pel_primary_src(p)->ext_refcode, "EXTENDED", 32, "extended refcode");
	str_eq(pel_primary_src(p)->callouts[0].pce_name, "Enclosure 1", 32, "pce name");
	cr_assert(pel_primary_src(p)->callouts[1].fru_flags & PEL_FRU_PROC);
	free(p);
}
