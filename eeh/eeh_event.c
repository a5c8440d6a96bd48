/*
 * eeh_event.c - struct eeh_event -> struct ras_event (kind "eeh") for the store.
 *
 * Severity: a freeze, a recovered freeze and a near-limit warning are "warning"; a failed
 * recovery or a permanently disabled PE/PHB is "critical" (and serviceable). Attributes
 * (documented in docs/eeh-json.md): eeh_event, phb, pe, bdf, outcome, freeze_count,
 * max_freezes, pe_location, phb_location, result. PHB and PE numbers are hex ("0x30").
 * The ras_event borrows the eeh_ras buffers only.
 */
#include "eeh/eeh.h"

#include <stdio.h>
#include <string.h>

const char *eeh_event_type_name(enum eeh_event_type t)
{
	static const char *const names[] = {
		[EEH_EV_FREEZE] = "freeze",
		[EEH_EV_RECOVERED] = "recovered",
		[EEH_EV_FAILED] = "failed",
		[EEH_EV_NEAR_LIMIT] = "near-limit",
	};
	if ((unsigned)t >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[t];
}

char *eeh_pe_name(uint32_t phb, uint32_t pe, char *out, size_t n)
{
	if (pe == EEH_PE_NONE)
		snprintf(out, n, "PHB#%x", phb);
	else
		snprintf(out, n, "PHB#%x-PE#%x", phb, pe);
	return out;
}

static bool loc_known(const char *s)
{
	return s && s[0] && strcmp(s, "N/A") != 0;
}

void eeh_event_fill(const struct eeh_event *ev, const char *location, const char *guest,
		    const char *boot_id, struct eeh_ras *o)
{
	size_t na = 0;
	char name[48], devs[64];
	const char *what;

	memset(o, 0, sizeof(*o));
	o->ev.source = ev->source ? ev->source : "kmsg";
	o->ev.kind = RAS_KIND_EEH;
	o->ev.time_us = ev->time_us;
	o->ev.source_severity = -1;

	o->attrs[na++] = (struct ras_attr){ "eeh_event", eeh_event_type_name(ev->type) };
	if (ev->have_phb) {
		snprintf(o->phb, sizeof(o->phb), "0x%x", ev->phb);
		o->attrs[na++] = (struct ras_attr){ "phb", o->phb };
	}
	if (ev->have_pe && ev->pe != EEH_PE_NONE) {
		snprintf(o->pe, sizeof(o->pe), "0x%x", ev->pe);
		o->attrs[na++] = (struct ras_attr){ "pe", o->pe };
	}
	size_t used = 0;
	for (size_t i = 0; i < ev->n_bdf && i < EEH_EV_MAX_DEVS; i++) {
		int k = snprintf(o->bdf + used, sizeof(o->bdf) - used, "%s%s", i ? "," : "",
				 ev->bdf[i]);
		if (k < 0 || (size_t)k >= sizeof(o->bdf) - used)
			break;
		used += (size_t)k;
	}
	if (o->bdf[0])
		o->attrs[na++] = (struct ras_attr){ "bdf", o->bdf };
	o->attrs[na++] = (struct ras_attr){ "outcome", ev->outcome ? ev->outcome : "frozen" };
	if (ev->freeze_count > 0) {
		snprintf(o->count, sizeof(o->count), "%d", ev->freeze_count);
		o->attrs[na++] = (struct ras_attr){ "freeze_count", o->count };
	}
	if (ev->max_freezes > 0) {
		snprintf(o->max, sizeof(o->max), "%d", ev->max_freezes);
		o->attrs[na++] = (struct ras_attr){ "max_freezes", o->max };
	}
	if (ev->pe_loc[0]) {
		snprintf(o->pe_loc, sizeof(o->pe_loc), "%s", ev->pe_loc);
		o->attrs[na++] = (struct ras_attr){ "pe_location", o->pe_loc };
	}
	if (ev->phb_loc[0]) {
		snprintf(o->phb_loc, sizeof(o->phb_loc), "%s", ev->phb_loc);
		o->attrs[na++] = (struct ras_attr){ "phb_location", o->phb_loc };
	}
	if (ev->result[0]) {
		snprintf(o->result, sizeof(o->result), "%s", ev->result);
		o->attrs[na++] = (struct ras_attr){ "result", o->result };
	}
	o->ev.attrs = o->attrs;
	o->ev.n_attrs = na;

	switch (ev->type) {
	case EEH_EV_FAILED:
		o->ev.severity = RAS_SEV_CRITICAL;
		o->ev.serviceable = true;
		what = strcmp(ev->outcome ? ev->outcome : "", "permanently-disabled") == 0
			       ? "permanently disabled"
			       : "recovery failed";
		break;
	case EEH_EV_RECOVERED:
		o->ev.severity = RAS_SEV_WARNING;
		what = "recovered";
		break;
	case EEH_EV_NEAR_LIMIT:
		o->ev.severity = RAS_SEV_WARNING;
		what = "one more freeze disables it permanently";
		break;
	default:
		o->ev.severity = RAS_SEV_WARNING;
		what = "frozen";
		break;
	}
	snprintf(o->refcode, sizeof(o->refcode), "eeh-%s", eeh_event_type_name(ev->type));
	o->ev.refcode = o->refcode;
	o->ev.subsystem = "PCI EEH";

	if (ev->have_phb)
		eeh_pe_name(ev->phb, ev->have_pe ? ev->pe : EEH_PE_NONE, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "IOC");
	devs[0] = '\0';
	if (ev->n_bdf)
		snprintf(devs, sizeof(devs), " (%s%s)", ev->bdf[0], ev->n_bdf > 1 ? ",..." : "");
	if (ev->type == EEH_EV_NEAR_LIMIT)
		snprintf(o->summary, sizeof(o->summary), "EEH %s%s: %d of %d freezes this hour, %s",
			 name, devs, ev->freeze_count, ev->max_freezes, what);
	else
		snprintf(o->summary, sizeof(o->summary), "EEH %s%s %s%s%s", name, devs, what,
			 guest && guest[0] ? ", guest " : "", guest && guest[0] ? guest : "");
	o->ev.summary = o->summary;

	if (loc_known(location))
		snprintf(o->location, sizeof(o->location), "%s", location);
	else if (loc_known(ev->pe_loc))
		snprintf(o->location, sizeof(o->location), "%s", ev->pe_loc);
	else if (ev->n_bdf)
		snprintf(o->location, sizeof(o->location), "%s", ev->bdf[0]);
	else if (loc_known(ev->phb_loc))
		snprintf(o->location, sizeof(o->location), "%s", ev->phb_loc);
	o->ev.location = o->location[0] ? o->location : NULL;
	if (guest && guest[0]) {
		snprintf(o->guest, sizeof(o->guest), "%s", guest);
		o->ev.guest = o->guest;
	}

	if (ev->seq && strcmp(o->ev.source, "kmsg") == 0)
		snprintf(o->dedupe, sizeof(o->dedupe), "eeh:kmsg:%s:%llu:%s",
			 boot_id ? boot_id : "-", (unsigned long long)ev->seq,
			 eeh_event_type_name(ev->type));
	else
		snprintf(o->dedupe, sizeof(o->dedupe), "eeh:%s:%s:%x:%x:%lld:%s", o->ev.source,
			 boot_id ? boot_id : "-", ev->phb, ev->have_pe ? ev->pe : EEH_PE_NONE,
			 (long long)ev->time_us, eeh_event_type_name(ev->type));
	o->ev.dedupe_key = o->dedupe;
	memcpy(o->raw, ev->raw, sizeof(o->raw));
	o->raw[sizeof(o->raw) - 1] = '\0';
	o->ev.raw = (const uint8_t *)o->raw;
	o->ev.raw_len = strlen(o->raw);
}
