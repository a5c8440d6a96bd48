/*
 * diff.c - the difference of two FRU inventories (added, removed, replaced = a new
 * serial at the same location, firmware level changed, other fields updated) and the
 * ras_events (source "vpd", kind "vpd-change") that record them.
 *
 * Invariants: both inventories are sorted by unique location (the builder and the
 * database loader guarantee it), so the diff is one merge walk, O(n). Changes and
 * events point into the inventories; nothing is copied but the event text.
 */
#include "vpd/vpd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vpd_change_kind_name(enum vpd_change_kind k)
{
	static const char *const names[] = { "added", "removed", "replaced", "fw-changed",
					     "updated" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int push(struct vpd_change **arr, size_t *n, size_t *cap, enum vpd_change_kind k,
		const struct vpd_fru *o, const struct vpd_fru *nw)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct vpd_change *p = realloc(*arr, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = nc;
	}
	(*arr)[*n].kind = k;
	(*arr)[*n].old_fru = o;
	(*arr)[*n].new_fru = nw;
	(*n)++;
	return 0;
}

int vpd_inventory_diff(const struct vpd_inventory *a, const struct vpd_inventory *b,
		       struct vpd_change **out, size_t *n, struct ras_err *e)
{
	size_t i = 0, j = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	while (rc == 0 && (i < a->n || j < b->n)) {
		int c = i >= a->n   ? 1
			: j >= b->n ? -1
				    : strcmp(a->frus[i].location, b->frus[j].location);
		if (c < 0) {
			rc = push(out, n, &cap, VPD_CHG_REMOVED, &a->frus[i++], NULL);
		} else if (c > 0) {
			rc = push(out, n, &cap, VPD_CHG_ADDED, NULL, &b->frus[j++]);
		} else {
			const struct vpd_fru *o = &a->frus[i++], *w = &b->frus[j++];
			if (!same(o->serial, w->serial))
				rc = push(out, n, &cap, VPD_CHG_REPLACED, o, w);
			else if (!same(o->fw_level, w->fw_level))
				rc = push(out, n, &cap, VPD_CHG_FW_CHANGED, o, w);
			else if (!same(o->part_number, w->part_number) ||
				 !same(o->ec_level, w->ec_level) ||
				 !same(o->fru_number, w->fru_number) || !same(o->ccin, w->ccin) ||
				 !same(o->description, w->description))
				rc = push(out, n, &cap, VPD_CHG_UPDATED, o, w);
		}
	}
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
		return ras_errf(e, rc, "vpd diff: out of memory");
	}
	return 0;
}

#define EV_MAX_ATTRS 12

struct ev_store {
	struct ras_attr attrs[EV_MAX_ATTRS];
	char summary[512];
	char key[400];
};

static void attr(struct ev_store *s, size_t *n, const char *name, const char *v)
{
	if (v && *v && *n < EV_MAX_ATTRS) {
		s->attrs[*n].name = name;
		s->attrs[(*n)++].value = v;
	}
}

int vpd_events_from_changes(const struct vpd_change *ch, size_t n, int64_t time_us,
			    struct vpd_event_set *out, struct ras_err *e)
{
	struct ev_store *st;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	out->ev = calloc(n, sizeof(*out->ev));
	st = calloc(n, sizeof(*st));
	if (!out->ev || !st) {
		free(out->ev);
		free(st);
		out->ev = NULL;
		return ras_errf(e, -ENOMEM, "vpd events: out of memory");
	}
	out->priv = st;
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		const struct vpd_change *c = &ch[i];
		const struct vpd_fru *f = c->new_fru ? c->new_fru : c->old_fru;
		const struct vpd_fru *o = c->old_fru, *w = c->new_fru;
		struct ras_event *ev = &out->ev[i];
		const char *kind = vpd_change_kind_name(c->kind);
		const char *desc = *f->description ? f->description : f->fru_type;
		size_t na = 0;

		switch (c->kind) {
		case VPD_CHG_ADDED:
			snprintf(st[i].summary, sizeof(st[i].summary),
				 "FRU added at %s: %s PN %s SN %s", f->location, desc,
				 f->part_number, f->serial);
			break;
		case VPD_CHG_REMOVED:
			snprintf(st[i].summary, sizeof(st[i].summary),
				 "FRU removed from %s: %s PN %s SN %s", f->location, desc,
				 f->part_number, f->serial);
			break;
		case VPD_CHG_REPLACED:
			snprintf(st[i].summary, sizeof(st[i].summary),
				 "FRU replaced at %s: %s serial %s -> %s (PN %s -> %s)",
				 f->location, desc, o->serial, w->serial, o->part_number,
				 w->part_number);
			break;
		case VPD_CHG_FW_CHANGED:
			snprintf(st[i].summary, sizeof(st[i].summary),
				 "Firmware level changed at %s: %s %s -> %s", f->location, desc,
				 o->fw_level, w->fw_level);
			break;
		case VPD_CHG_UPDATED:
			snprintf(st[i].summary, sizeof(st[i].summary),
				 "VPD updated at %s: %s PN %s -> %s EC %s -> %s", f->location, desc,
				 o->part_number, w->part_number, o->ec_level, w->ec_level);
			break;
		}
		snprintf(st[i].key, sizeof(st[i].key), "vpd:%lld:%s:%s", (long long)time_us, kind,
			 f->location);
		attr(&st[i], &na, "change", kind);
		attr(&st[i], &na, "description", f->description);
		attr(&st[i], &na, "part_number", f->part_number);
		attr(&st[i], &na, "fru_number", f->fru_number);
		attr(&st[i], &na, "ccin", f->ccin);
		if (o)
			attr(&st[i], &na, "old_serial", o->serial);
		if (w)
			attr(&st[i], &na, "new_serial", w->serial);
		if (o)
			attr(&st[i], &na, "old_fw_level", o->fw_level);
		if (w)
			attr(&st[i], &na, "new_fw_level", w->fw_level);
		if (o && w && !same(o->ec_level, w->ec_level))
			attr(&st[i], &na, "old_ec_level", o->ec_level);
		attr(&st[i], &na, "ec_level", f->ec_level);
		attr(&st[i], &na, "node", f->node);

		ev->source = "vpd";
		ev->kind = RAS_KIND_VPD_CHANGE;
		ev->dedupe_key = st[i].key;
		ev->time_us = time_us;
		ev->severity = c->kind == VPD_CHG_REMOVED ? RAS_SEV_WARNING : RAS_SEV_INFO;
		ev->source_severity = -1;
		ev->subsystem = "Inventory";
		ev->refcode = kind;
		ev->location = f->location;
		ev->summary = st[i].summary;
		ev->attrs = st[i].attrs;
		ev->n_attrs = na;
	}
	return 0;
}

void vpd_events_free(struct vpd_event_set *s)
{
	if (!s)
		return;
	free(s->ev);
	free(s->priv);
	memset(s, 0, sizeof(*s));
}

bool vpd_uevent_wants_refresh(const char *subsystem, const char *action)
{
	return subsystem && action && !strcmp(subsystem, "pci") &&
	       (!strcmp(action, "add") || !strcmp(action, "remove"));
}
