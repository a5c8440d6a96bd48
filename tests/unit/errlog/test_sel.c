/*
 * test_sel.c - the IPMI SEL decoder (errlog/sel.c): record classes, the IPMI tables
 * (sensor types, generic and sensor-specific offsets), severity mapping, the event
 * mapping (dedupe keys, attrs, summaries), malformed input and eSEL -> PEL linking.
 */
#include <criterion/criterion.h>

#include "errlog/pel_event.h"
#include "errlog/sel.h"
#include "pel_test.h"

static const char *attr(const struct ras_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

static struct sel_event SE;

/* Voltage lower critical going low, record 0x0102, time 0x5f000000. */
static const uint8_t volt_rec[16] = { 0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x5f, 0x41,
				      0x00, 0x04, 0x02, 0x60, 0x01, 0x52, 0x00, 0x00 };

Test(sel, tables)
{
	enum ras_severity sev = 99;

	cr_assert_str_eq(sel_sensor_type_name(0x01), "Temperature");
	cr_assert_str_eq(sel_sensor_type_name(0x0c), "Memory");
	cr_assert_str_eq(sel_sensor_type_name(0x2c), "FRU State");
	cr_assert_null(sel_sensor_type_name(0x00));
	cr_assert_null(sel_sensor_type_name(0x2d));
	cr_assert_null(sel_sensor_type_name(0xc0));
	cr_assert_str_eq(sel_event_type_name(0x01), "Threshold");
	cr_assert_str_eq(sel_event_type_name(0x6f), "Sensor-specific");
	cr_assert_null(sel_event_type_name(0x0d));

	cr_assert_str_eq(sel_offset_text(0x01, 0x02, 0x02, &sev), "Lower Critical going low");
	cr_assert_eq(sev, RAS_SEV_ERROR);
	cr_assert_str_eq(sel_offset_text(0x01, 0x01, 0x0b, &sev),
			 "Upper Non-recoverable going high");
	cr_assert_eq(sev, RAS_SEV_CRITICAL);
	cr_assert_null(sel_offset_text(0x01, 0x01, 0x0c, &sev));
	cr_assert_str_eq(sel_offset_text(0x6f, 0x0c, 0x00, &sev), "Correctable ECC");
	cr_assert_eq(sev, RAS_SEV_WARNING);
	cr_assert_str_eq(sel_offset_text(0x6f, 0x0c, 0x01, &sev), "Uncorrectable ECC");
	cr_assert_eq(sev, RAS_SEV_CRITICAL);
	cr_assert_str_eq(sel_offset_text(0x6f, 0x12, 0x01, &sev), "OEM System Boot Event");
	cr_assert_eq(sev, RAS_SEV_INFO);
	cr_assert_str_eq(sel_offset_text(0x6f, 0x07, 0x00, &sev), "IERR");
	cr_assert_str_eq(sel_offset_text(0x6f, 0x10, 0x02, &sev), "Log Area Reset/Cleared");
	cr_assert_str_eq(sel_offset_text(0x07, 0x01, 0x03, &sev),
			 "Transition to Non-recoverable from less severe");
	cr_assert_eq(sev, RAS_SEV_CRITICAL);
	cr_assert_str_eq(sel_offset_text(0x0b, 0x08, 0x01, &sev), "Redundancy Lost");
	/* sensor types without a sensor-specific table have no offset texts */
	cr_assert_null(sel_offset_text(0x6f, 0x01, 0x00, &sev));
	cr_assert_null(sel_offset_text(0x6f, 0x0c, 0x0f, &sev));
}

Test(sel, system_record)
{
	struct sel_record r;
	struct ras_err e;

	cr_assert_eq(sel_record_parse(volt_rec, 16, &r, &e), 0);
	cr_assert_eq(r.id, 0x0102);
	cr_assert_eq(r.cls, SEL_CLASS_SYSTEM);
	cr_assert(r.has_ts);
	cr_assert_eq(r.timestamp, 0x5f000000u);
	cr_assert_eq(r.generator, 0x0041);
	cr_assert_eq(r.sensor_type, 0x02);
	cr_assert_eq(r.sensor_num, 0x60);
	cr_assert_eq(r.event_type, 0x01);
	cr_assert(!r.deassert);
	cr_assert_eq(r.offset, 0x02);
	cr_assert_eq(sel_record_severity(&r), RAS_SEV_ERROR);

	sel_event_fill(&SE, &r, volt_rec, "a123");
	cr_assert_str_eq(SE.ev.kind, "sel");
	cr_assert_str_eq(SE.ev.source, "ipmi");
	cr_assert_str_eq(SE.ev.dedupe_key, "sel:a123:258:1593835520");
	cr_assert_eq(SE.ev.time_us, 1593835520ll * 1000000);
	cr_assert_eq(SE.ev.severity, RAS_SEV_ERROR);
	cr_assert_str_eq(SE.ev.summary, "Voltage #0x60: Lower Critical going low Asserted");
	cr_assert_str_eq(SE.ev.subsystem, "Voltage");
	cr_assert_str_eq(SE.ev.refcode, "02:01:02");
	cr_assert_str_eq(attr(&SE.ev, "direction"), "assertion");
	cr_assert_str_eq(attr(&SE.ev, "sel_record_id"), "0x0102");
	cr_assert_str_eq(attr(&SE.ev, "event_data"), "520000");
	cr_assert_eq(SE.ev.raw_len, 16);
	cr_assert_eq(memcmp(SE.ev.raw, volt_rec, 16), 0);
}

Test(sel, deassertion_is_info_and_preinit_time)
{
	uint8_t b[16];
	struct sel_record r;

	memcpy(b, volt_rec, 16);
	b[12] = 0x81; /* deassertion */
	b[3] = 0x10, b[4] = 0, b[5] = 0, b[6] = 0; /* pre-init timestamp */
	cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
	cr_assert(r.deassert);
	cr_assert_eq(sel_record_severity(&r), RAS_SEV_INFO);
	sel_event_fill(&SE, &r, b, NULL);
	cr_assert_eq(SE.ev.time_us, 0);
	cr_assert_str_eq(SE.ev.dedupe_key, "sel:unknown:258:16");
	cr_assert_str_eq(SE.ev.summary, "Voltage #0x60: Lower Critical going low Deasserted");
}

Test(sel, sensor_specific_memory)
{
	const uint8_t b[16] = {
		5, 0, 0x02, 1, 2, 3, 0x60, 0x20, 0, 4, 0x0c, 0x09, 0x6f, 0xa1, 0, 0
	};
	struct sel_record r;

	cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
	sel_event_fill(&SE, &r, b, "g");
	cr_assert_eq(SE.ev.severity, RAS_SEV_CRITICAL);
	cr_assert_str_eq(SE.ev.summary, "Memory #0x09: Uncorrectable ECC Asserted");
	cr_assert_str_eq(SE.ev.subsystem, "Memory");
}

Test(sel, unknown_oem_sensor)
{
	const uint8_t b[16] = {
		6, 0, 0x02, 1, 2, 3, 0x60, 0x20, 0, 4, 0xd0, 0x09, 0x72, 0x03, 0, 0
	};
	struct sel_record r;

	cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
	sel_event_fill(&SE, &r, b, "g");
	cr_assert_eq(SE.ev.severity, RAS_SEV_WARNING);
	cr_assert_str_eq(SE.ev.summary, "OEM sensor #0x09: event type 0x72 offset 0x03 Asserted");
}

Test(sel, oem_records)
{
	const uint8_t ts[16] = {
		4, 0, 0xc0, 0x10, 0, 0, 0x60, 0x55, 0x55, 0x00, 0x3a, 4, 0, 0, 0, 9
	};
	const uint8_t nots[16] = { 7, 0, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	struct sel_record r;

	cr_assert_eq(sel_record_parse(ts, 16, &r, NULL), 0);
	cr_assert_eq(r.cls, SEL_CLASS_OEM_TS);
	cr_assert_eq(r.manufacturer, 0x005555);
	cr_assert_eq(r.oem_len, 6);
	sel_event_fill(&SE, &r, ts, "g");
	cr_assert_str_eq(attr(&SE.ev, "oem_data"), "3a0400000009");
	cr_assert_str_eq(SE.ev.refcode, "oem-c0");
	cr_assert_eq(SE.ev.severity, RAS_SEV_INFO);

	cr_assert_eq(sel_record_parse(nots, 16, &r, NULL), 0);
	cr_assert_eq(r.cls, SEL_CLASS_OEM_NOTS);
	cr_assert(!r.has_ts);
	cr_assert_eq(r.oem_len, 13);
	sel_event_fill(&SE, &r, nots, "g");
	cr_assert_str_eq(attr(&SE.ev, "oem_data"), "0102030405060708090a0b0c0d");
	cr_assert(!strncmp(SE.ev.dedupe_key, "sel:g:7:nots-", 13));
	cr_assert_eq(SE.ev.time_us, 0);
	cr_assert_null(attr(&SE.ev, "sel_timestamp"));
}

Test(sel, esel_record)
{
	const uint8_t b[16] = { 3, 0, 0xdf, 0x74, 1, 0, 0, 0x20, 0, 4, 0x12, 1, 0x70, 0xaa, 0, 0 };
	uint8_t nosig[16];
	struct sel_record r;

	cr_assert(sel_is_esel(b, 16));
	cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
	cr_assert_eq(r.cls, SEL_CLASS_ESEL);
	cr_assert_eq(r.timestamp, 0x174);
	sel_event_fill(&SE, &r, b, "g");
	cr_assert_str_eq(attr(&SE.ev, "esel"), "yes");
	cr_assert_eq(SE.ev.severity, RAS_SEV_ERROR);
	/* without the 0xAA signature a 0xDF record is plain OEM timestamped */
	memcpy(nosig, b, 16);
	nosig[13] = 0;
	cr_assert(!sel_is_esel(nosig, 16));
	cr_assert_eq(sel_record_parse(nosig, 16, &r, NULL), 0);
	cr_assert_eq(r.cls, SEL_CLASS_OEM_TS);
}

Test(sel, malformed)
{
	struct sel_record r;
	struct ras_err e;
	uint8_t b[16] = { 0 };

	cr_assert_eq(sel_record_parse(b, 15, &r, &e), -EINVAL);
	cr_assert(strstr(e.msg, "expected 16") != NULL, "%s", e.msg);
	cr_assert_eq(sel_record_parse(NULL, 16, &r, &e), -EINVAL);
	cr_assert(!sel_is_esel(b, 2));
	/* every type byte parses; unknown types are kept raw */
	for (int t = 0; t < 256; t++) {
		b[2] = (uint8_t)t;
		cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
		sel_event_fill(&SE, &r, b, "g");
		cr_assert(SE.ev.summary[0] != 0);
	}
	b[2] = 0x10;
	sel_record_parse(b, 16, &r, NULL);
	cr_assert_eq(r.cls, SEL_CLASS_UNKNOWN);
}

Test(sel, companion_esel_id)
{
	const uint8_t b[16] = { 9, 0, 0x02, 0, 0,    0,	   0x60, 0x20,
				0, 4, 0x12, 1, 0x6f, 0xa3, 0x34, 0x12 };
	struct sel_record r;

	cr_assert_eq(sel_record_parse(b, 16, &r, NULL), 0);
	cr_assert_eq(sel_companion_esel_id(&r), 0x1234);
	sel_event_fill(&SE, &r, b, "g");
	cr_assert_str_eq(attr(&SE.ev, "esel_record_id"), "0x1234");
	cr_assert_eq(sel_companion_esel_id(
			     &(struct sel_record){ .cls = SEL_CLASS_SYSTEM, .sensor_type = 0x12 }),
		     -1);
}

static struct pel P;
static struct pel_event PE;

Test(sel, esel_link_to_pel)
{
	size_t len;
	uint8_t *esel = test_load(ELOG_DIR "0x5034a000/eSEL", &len);
	const uint8_t hdr[16] = { 0x21, 0, 0xdf, 0,    0,    0,	   0, 0x20,
				  0,	4, 0xff, 0xff, 0x6f, 0xaa, 0, 0 };
	struct sel_record r;
	struct ras_err e;

	cr_assert_eq(sel_record_parse(hdr, 16, &r, NULL), 0);
	sel_event_fill(&SE, &r, hdr, "g");
	/* the sample's header says record id 0: not linkable by id */
	cr_assert_eq(sel_esel_link(&SE, &r, esel, len, &P, &PE, &e), 0);
	esel[0] = 0x21;
	cr_assert_eq(sel_esel_link(&SE, &r, esel, len, &P, &PE, &e), 1, "%s", e.msg);
	cr_assert_str_eq(attr(&SE.ev, "pel_plid"), "0x5034a000");
	cr_assert_str_eq(attr(&SE.ev, "pel_dedupe_key"), PE.dedupe);
	cr_assert(PE.dedupe[0] != 0);
	/* another record id: no link */
	esel[0] = 0x22;
	cr_assert_eq(sel_esel_link(&SE, &r, esel, len, &P, &PE, &e), 0);
	/* a broken PEL behind a matching header is an error, not a link */
	esel[0] = 0x21;
	esel[16] = 'X';
	cr_assert_lt(sel_esel_link(&SE, &r, esel, len, &P, &PE, &e), 0);
	/* not an eSEL at all */
	cr_assert_eq(sel_esel_link(&SE, &r, esel + 16, len - 16, &P, &PE, &e), -EINVAL);
	free(esel);
}
