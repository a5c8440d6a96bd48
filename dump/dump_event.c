/*
 * dump_event.c - the ras_event a dump retrieval records (stored or left with firmware).
 *
 * The event borrows every string from struct dump_event and the dump_result, so both
 * must outlive store_append(). The dedupe key is type + id + size (ARCHITECTURE 1.2): a
 * dump re-offered after a crash between commit and ack is recognised, not stored twice.
 * A refusal has its own key so that a dump refused and later stored yields both records,
 * while repeated refusals of the same dump are stored once.
 */
#include "dump/dump.h"

#include <stdio.h>
#include <string.h>

static enum ras_severity dump_severity(uint32_t type)
{
	switch (type) {
	case DUMP_TYPE_SP:
	case DUMP_TYPE_SMA:
		return RAS_SEV_WARNING;
	default: /* platform dumps, and unknown types (could be one) */
		return RAS_SEV_ERROR;
	}
}

static void add(struct dump_event *de, const char *name, const char *value)
{
	if (de->ev.n_attrs >= DUMP_EVENT_MAX_ATTRS || !value)
		return;
	de->attrs[de->ev.n_attrs].name = name;
	de->attrs[de->ev.n_attrs].value = value;
	de->ev.n_attrs++;
}

void dump_event_fill(const struct dump_result *res, struct dump_event *de)
{
	const struct dump_entry *en = &res->entry;
	uint64_t size = res->stored ? res->size : en->size;

	memset(de, 0, sizeof(*de));
	snprintf(de->size_s, sizeof(de->size_s), "%llu", (unsigned long long)size);
	snprintf(de->type_s, sizeof(de->type_s), "0x%x", en->type);
	snprintf(de->id_s, sizeof(de->id_s), "0x%x", en->id);
	snprintf(de->stored_s, sizeof(de->stored_s), "%llu", (unsigned long long)res->stored_bytes);
	snprintf(de->retries_s, sizeof(de->retries_s), "%u", res->eio_retries);
	snprintf(de->dedupe, sizeof(de->dedupe), "%s:0x%x:0x%x:%llu",
		 res->stored ? "dump" : "dump-refused", en->type, en->id, (unsigned long long)size);

	de->ev.source = "dump";
	de->ev.kind = RAS_KIND_DUMP;
	de->ev.dedupe_key = de->dedupe;
	de->ev.time_us = res->time_us;
	de->ev.source_severity = -1;
	de->ev.subsystem = "Platform dump";
	de->ev.location = en->name;
	de->ev.attrs = de->attrs;

	if (res->stored) {
		de->ev.severity = dump_severity(en->type);
		de->ev.serviceable = en->type != DUMP_TYPE_SP && en->type != DUMP_TYPE_SMA;
		snprintf(de->summary, sizeof(de->summary), "%s %s retrieved (%s bytes) to %s",
			 dump_type_name(en->type), en->name, de->size_s, res->path);
		add(de, "path", res->path);
		add(de, "sha256", res->sha256);
	} else {
		de->ev.severity = RAS_SEV_WARNING;
		snprintf(de->summary, sizeof(de->summary), "dump left with firmware: %s",
			 res->reason[0] ? res->reason : "retrieval failed");
		add(de, "reason", res->reason);
	}
	de->ev.summary = de->summary;
	add(de, "size", de->size_s);
	add(de, "type", de->type_s);
	add(de, "type_name", dump_type_name(en->type));
	add(de, "id", de->id_s);
	add(de, "name", en->name);
	if (res->stored) {
		add(de, "stored_bytes", de->stored_s);
		add(de, "compressed", res->compressed ? "zstd" : "none");
	}
	add(de, "eio_retries", de->retries_s);
}
