/*
 * pel_event.h - map a PEL to the store's event model (struct ras_event).
 *
 * The event borrows its strings: they live in the caller's struct pel_event (text
 * fields, attrs, callouts) and in the PEL buffer (raw). Keep both alive until the event
 * is stored. Nothing is allocated. Mapping rules (documented in docs/pel-json.md,
 * "Event mapping"): kind "pel"; dedupe key creator/PLID/entry id/commit time; time =
 * creation time (commit time when invalid); severity normalised from the PEL class.
 * A buffer that is not a PEL still becomes an event (severity error, summary
 * "undecodable PEL: <reason>", dedupe key = FNV-1a 64 of the bytes) so it is stored once.
 */
#ifndef OPAL_RAS_ERRLOG_PEL_EVENT_H
#define OPAL_RAS_ERRLOG_PEL_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "errlog/event.h"
#include "errlog/pel.h"

#define PEL_EVENT_MAX_ATTRS 16

struct pel_event {
	struct ras_event ev;
	char dedupe[80];
	char refcode[40];
	char location[84];
	char summary[256];
	struct ras_attr attrs[PEL_EVENT_MAX_ATTRS];
	char attr_val[PEL_EVENT_MAX_ATTRS][72];
	struct ras_callout callouts[PEL_MAX_CALLOUTS];
	char co_str[PEL_MAX_CALLOUTS][4][84]; /* location, part, serial, ccin */
};

/* PEL severity byte -> normalised severity (table in docs/pel-json.md). */
enum ras_severity pel_severity_normalise(uint8_t sev);

/* Fill out->ev from a decoded PEL. source e.g. "elog", "import". */
void pel_event_fill(struct pel_event *out, const struct pel *p, const char *source);

/* Fill out->ev for bytes that could not be decoded (reason: why, e.g. from ras_err). */
void pel_event_fill_undecodable(struct pel_event *out, const uint8_t *buf, size_t len,
				const char *source, const char *reason);

/* Decode buf with scratch and fill out either way. Returns pel_decode()'s result. */
int pel_event_from_bytes(struct pel_event *out, struct pel *scratch, const uint8_t *buf, size_t len,
			 const char *source);

/* FNV-1a 64-bit hash of n bytes. */
uint64_t pel_fnv1a64(const uint8_t *p, size_t n);

#endif
