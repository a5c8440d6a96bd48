/*
 * sel.h - IPMI System Event Log records: decode the 16-byte record, name it from the
 * IPMI specification's tables and map it to the event model (struct ras_event).
 *
 * Records are untrusted bytes: sel_record_parse() takes a buffer and its length and
 * never reads past it. The sensor-type, event-type and offset texts are data tables
 * (sel.c), not switch ladders. Record classes (IPMI 2.0 section 32):
 *   0x02              standard system event record (sensor event)
 *   0xC0-0xDF         OEM timestamped (0xDF with event data 1 == 0xAA: an OpenPOWER eSEL
 *                     header, whose PEL follows out of band)
 *   0xE0-0xFF         OEM non-timestamped (13 bytes kept raw)
 *   anything else     unknown, kept raw
 * Event mapping: kind "sel", source "ipmi", dedupe key "sel:<guid>:<id>:<timestamp>"
 * (non-timestamped records: "sel:<guid>:<id>:nots-<FNV-1a of the record>"), raw = the
 * 16 bytes. Nothing is allocated: the event borrows struct sel_event's buffers.
 */
#ifndef OPAL_RAS_ERRLOG_SEL_H
#define OPAL_RAS_ERRLOG_SEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"

#define SEL_RECORD_LEN	   16
#define SEL_ESEL_SIGNATURE 0xAA
#define SEL_TYPE_SYSTEM	   0x02
#define SEL_TYPE_ESEL	   0xDF

enum sel_class {
	SEL_CLASS_SYSTEM, /* 0x02 */
	SEL_CLASS_OEM_TS, /* 0xC0-0xDF (not an eSEL) */
	SEL_CLASS_ESEL, /* 0xDF with the eSEL signature */
	SEL_CLASS_OEM_NOTS, /* 0xE0-0xFF */
	SEL_CLASS_UNKNOWN, /* other types: kept raw */
};

struct sel_record {
	uint16_t id;
	uint8_t type;
	enum sel_class cls;
	bool has_ts;
	uint32_t timestamp; /* seconds since 1970 (values <= 0x20000000: since BMC init) */
	/* SEL_CLASS_SYSTEM and SEL_CLASS_ESEL (same header layout) */
	uint16_t generator;
	uint8_t evm_rev;
	uint8_t sensor_type;
	uint8_t sensor_num;
	bool deassert; /* event direction bit */
	uint8_t event_type; /* 7 bits: 0x01 threshold, 0x02-0x0C generic, 0x6F specific */
	uint8_t data[3];
	uint8_t offset; /* data[0] & 0x0f */
	/* OEM records */
	uint32_t manufacturer; /* OEM timestamped: 3 bytes, LSB first */
	const uint8_t *oem; /* OEM bytes inside the caller's buffer */
	size_t oem_len;
};

/* Parse one record. -EINVAL (message says why) when len < 16. */
int sel_record_parse(const uint8_t *buf, size_t len, struct sel_record *r, struct ras_err *e);

/* True when buf starts with an eSEL header (byte 2 0xDF, byte 13 0xAA). */
bool sel_is_esel(const uint8_t *buf, size_t len);

/* Table lookups; NULL when the code is not in the IPMI tables. */
const char *sel_sensor_type_name(uint8_t sensor_type);
const char *sel_event_type_name(uint8_t event_type);
/* Text of offset for an event/reading type and sensor type (generic or
 * sensor-specific table); NULL if unknown. *sev gets the offset's severity. */
const char *sel_offset_text(uint8_t event_type, uint8_t sensor_type, uint8_t offset,
			    enum ras_severity *sev);

/* Normalised severity of a record (deassertions are info). */
enum ras_severity sel_record_severity(const struct sel_record *r);

#define SEL_EVENT_MAX_ATTRS 16

struct sel_event {
	struct ras_event ev;
	uint8_t raw[SEL_RECORD_LEN];
	char dedupe[96];
	char refcode[32];
	char location[48];
	char summary[192];
	char subsystem[48];
	struct ras_attr attrs[SEL_EVENT_MAX_ATTRS];
	char attr_val[SEL_EVENT_MAX_ATTRS][72];
};

/* Fill out->ev for record r (parsed from raw) seen on the BMC with this GUID (hex
 * text). time_us: the record's time; 0 = use the record's timestamp when absolute. */
void sel_event_fill(struct sel_event *out, const struct sel_record *r,
		    const uint8_t raw[SEL_RECORD_LEN], const char *bmc_guid);

/* Add an attribute (name must be a string constant); false when full. */
bool sel_event_add_attr(struct sel_event *out, const char *name, const char *value);

/* Link a SEL event to the PEL it refers to: attrs pel_dedupe_key and pel_plid. */
void sel_event_link_pel(struct sel_event *out, const char *pel_dedupe_key, uint32_t plid);

/* The eSEL record id a companion system event (sensor type 0x12, OEM offset) refers
 * to in event data 2-3, or -1. */
int sel_companion_esel_id(const struct sel_record *r);

struct pel;
struct pel_event;
/* Link the event of record r to the PEL of an eSEL buffer (16-byte header + PEL, as in
 * ROOT/sys/firmware/opal/elog/<id>/eSEL) when the buffer's header record id (non-zero)
 * is r's id (r is the 0xDF eSEL record) or the id a companion system event names.
 * The PEL is decoded into scratch/pe (pe->ev is the PEL's event, pe->dedupe its key).
 * Returns 1 linked, 0 not this record's PEL, negative errno when the buffer is not an
 * eSEL or its PEL does not decode (e says why). */
int sel_esel_link(struct sel_event *out, const struct sel_record *r, const uint8_t *esel,
		  size_t len, struct pel *scratch, struct pel_event *pe, struct ras_err *e);

/* Format a 16-byte GUID as 32 hex characters (out: at least 33 bytes). */
void sel_guid_text(const uint8_t guid[16], char *out);

#endif
