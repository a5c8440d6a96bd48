/*
 * test_pel_event.c - the PEL -> struct ras_event mapping (errlog/pel_event.c):
 * dedupe keys, times, severity normalisation, callouts, attrs, summaries, and the
 * undecodable-PEL fallback.
 */
#include <criterion/criterion.h>

#include "errlog/pel_event.h"
#include "pel_test.h"

static struct pel P;
static struct pel_event E;

static const char *attr(const struct ras_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

Test(pel_event, severity_table)
{
	cr_assert_eq(pel_severity_normalise(0x00), RAS_SEV_INFO);
	cr_assert_eq(pel_severity_normalise(0x10), RAS_SEV_WARNING);
	cr_assert_eq(pel_severity_normalise(0x20), RAS_SEV_WARNING);
	cr_assert_eq(pel_severity_normalise(0x24), RAS_SEV_WARNING);
	cr_assert_eq(pel_severity_normalise(0x40), RAS_SEV_ERROR);
	cr_assert_eq(pel_severity_normalise(0x48), RAS_SEV_ERROR);
	cr_assert_eq(pel_severity_normalise(0x50), RAS_SEV_CRITICAL);
	cr_assert_eq(pel_severity_normalise(0x51), RAS_SEV_CRITICAL);
	cr_assert_eq(pel_severity_normalise(0x60), RAS_SEV_ERROR);
	cr_assert_eq(pel_severity_normalise(0x71), RAS_SEV_WARNING);
	cr_assert_eq(pel_severity_normalise(0x74), RAS_SEV_ERROR);
	cr_assert_eq(pel_severity_normalise(0x75), RAS_SEV_CRITICAL);
	cr_assert_eq(pel_severity_normalise(0x30), RAS_SEV_ERROR);
	cr_assert_eq(pel_severity_normalise(0xFF), RAS_SEV_ERROR);
}

Test(pel_event, fsp_log_with_callout)
{
	size_t len;
	uint8_t *b = test_load(ELOG_DIR "0x5034a000/raw", &len);
	const struct ras_event *ev = &E.ev;
	int64_t want;

	cr_assert_eq(pel_event_from_bytes(&E, &P, b, len, "elog"), 0);
	cr_assert_str_eq(ev->kind, "pel");
	cr_assert_str_eq(ev->source, "elog");
	cr_assert_str_eq(ev->dedupe_key, "pel:E:5034A000:5034A000:2014031308155567");
	cr_assert(time_utc_to_us(2014, 3, 13, 8, 15, 55, 670000, &want));
	cr_assert_eq(ev->time_us, want);
	cr_assert_eq(ev->severity, RAS_SEV_WARNING);
	cr_assert_eq(ev->source_severity, 0x20);
	cr_assert_str_eq(ev->source_severity_name, "Predictive Error");
	cr_assert_str_eq(ev->subsystem, "Room Ambient Temperature");
	cr_assert_str_eq(ev->refcode, "11007201");
	cr_assert_str_eq(ev->location, "U78AB.001.WZSGBJ6");
	cr_assert_str_eq(ev->summary, "11007201 Room Ambient Temperature: Predictive Error");
	cr_assert(ev->serviceable);
	cr_assert_not(ev->call_home);
	cr_assert_eq(ev->raw, b);
	cr_assert_eq(ev->raw_len, 336);
	cr_assert_eq(ev->n_callouts, 1);
	cr_assert_eq(ev->callouts[0].priority, 'H');
	cr_assert_str_eq(ev->callouts[0].location, "U78AB.001.WZSGBJ6");
	cr_assert_str_eq(ev->callouts[0].part, "AMBTEMP");
	cr_assert_str_eq(ev->callouts[0].fru_kind, "symbolic");
	cr_assert_str_eq(attr(ev, "plid"), "0x5034A000");
	cr_assert_str_eq(attr(ev, "entry_id"), "0x5034A000");
	cr_assert_str_eq(attr(ev, "creator"), "E");
	cr_assert_str_eq(attr(ev, "event_type"), "0x00");
	cr_assert_str_eq(attr(ev, "scope"), "0x03");
	cr_assert_str_eq(attr(ev, "action_flags"), "0xA004");
	cr_assert_str_eq(attr(ev, "mtm"), "8246-L2C", "from EH when there is no MT");
	cr_assert_str_eq(attr(ev, "serial"), "10008FA");
	cr_assert_str_eq(attr(ev, "fw_release"), "ZL770_060");
	cr_assert_str_eq(attr(ev, "fw_subsystem"), "b1212p_1320.770");
	cr_assert_null(attr(ev, "parse_warnings"));
	free(b);
}

Test(pel_event, esel_same_key_as_raw)
{
	size_t l1, l2;
	uint8_t *a = test_load(ELOG_DIR "0x5034a000/raw", &l1);
	uint8_t *b = test_load(ELOG_DIR "0x5034a000/eSEL", &l2);
	char key[80];

	cr_assert_eq(pel_event_from_bytes(&E, &P, a, l1, "elog"), 0);
	strcpy(key, E.ev.dedupe_key);
	cr_assert_eq(pel_event_from_bytes(&E, &P, b, l2, "ipmi"), 0);
	cr_assert_str_eq(E.ev.dedupe_key, key, "an eSEL copy is the same log");
	cr_assert_eq(E.ev.raw, b + 16, "raw is the PEL without the SEL header");
	cr_assert_eq(E.ev.raw_len, 336);
	cr_assert_str_eq(attr(&E.ev, "esel"), "1");
	free(a);
	free(b);
}

Test(pel_event, opal_desc_summary_and_mt)
{
	size_t len;
	uint8_t *b = test_load(ELOG_DIR "0x07/raw", &len);
	const struct ras_event *ev = &E.ev;

	cr_assert_eq(pel_event_from_bytes(&E, &P, b, len, "elog"), 0);
	cr_assert_str_eq(ev->dedupe_key, "pel:K:B0000008:00000007:2014070923585458");
	cr_assert_str_eq(ev->summary, "BB828010: SURV: Error 354dd1096a queueing param request");
	cr_assert_eq(ev->severity, RAS_SEV_WARNING);
	cr_assert_not(ev->serviceable);
	cr_assert_null(ev->location);
	cr_assert_eq(ev->n_callouts, 0);
	cr_assert_str_eq(attr(ev, "mtm"), "8247-22L");
	cr_assert_str_eq(attr(ev, "fw_release"), "SV810_058");
	free(b);
}

Test(pel_event, padded_info_log)
{
	size_t len;
	uint8_t *b = test_load(ELOG_DIR "0x5055ed2e/raw", &len);

	cr_assert_eq(pel_event_from_bytes(&E, &P, b, len, "elog"), 0);
	cr_assert_eq(E.ev.severity, RAS_SEV_INFO);
	cr_assert_eq(E.ev.raw_len, 740, "padding not stored");
	cr_assert_str_eq(E.ev.summary, "B182950C Hypervisor Firmware: Informational Event");
	free(b);
}

Test(pel_event, invalid_create_time_falls_back_to_commit)
{
	size_t len;
	uint8_t *b = test_load(ELOG_DIR "0x50000006/raw", &len);
	int64_t want;

	cr_assert_eq(pel_event_from_bytes(&E, &P, b, len, "elog"), 0);
	cr_assert(time_utc_to_us(2014, 3, 14, 14, 37, 0, 0, &want));
	cr_assert_eq(E.ev.time_us, want);
	cr_assert_eq(E.ev.severity, RAS_SEV_ERROR, "no UH");
	cr_assert_eq(E.ev.source_severity, -1);
	cr_assert_str_eq(E.ev.summary, "PEL (no User Header)");
	cr_assert_not_null(attr(&E.ev, "parse_warnings"));
	free(b);
}

Test(pel_event, undecodable_becomes_event)
{
	size_t len;
	uint8_t *b = test_load(ELOG_DIR "0x01/raw", &len);
	char want[64];

	cr_assert_eq(pel_event_from_bytes(&E, &P, b, len, "elog"), -EINVAL);
	cr_assert_str_eq(E.ev.kind, "pel");
	cr_assert_eq(E.ev.severity, RAS_SEV_ERROR);
	cr_assert_eq(strncmp(E.ev.summary, "undecodable PEL: not a PEL: expected section id", 47),
		     0, "%s", E.ev.summary);
	cr_assert_eq(E.ev.raw, b);
	cr_assert_eq(E.ev.raw_len, 16384);
	snprintf(want, sizeof(want), "pel-fnv1a:%016llx", (unsigned long long)pel_fnv1a64(b, len));
	cr_assert_str_eq(E.ev.dedupe_key, want);
	free(b);
}

Test(pel_event, fnv1a_known_values)
{
	cr_assert_eq(pel_fnv1a64((const uint8_t *)"", 0), 0xcbf29ce484222325ull);
	cr_assert_eq(pel_fnv1a64((const uint8_t *)"a", 1), 0xaf63dc4c8601ec8cull);
	cr_assert_eq(pel_fnv1a64((const uint8_t *)"foobar", 6), 0x85944171f73967e8ull);
}
