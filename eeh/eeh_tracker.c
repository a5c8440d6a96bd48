/*
 * eeh_tracker.c - kernel EEH log lines and ERROR_EVENT uevents -> freeze, recovered,
 * failed and near-limit events (spec 1.5 "parser guidance", 1.6, 1.7).
 *
 * Recovery is serialised in the kernel's eehd thread, so lines without a PE (locations,
 * counts, "Recovery successful.") belong to the incident most recently started
 * ("current"). An incident opens on the first sign of a freeze (detection, recovery
 * start, an old-style "Frozen PHB#-PE#", a fence, or a BEGIN_RECOVERY uevent) and emits
 * one FREEZE; later signs of the same PE only add detail. The outcome line closes it.
 * Freezes are counted per PE in the kernel's fixed 3600 s window; the kernel's own count
 * line, when present, is authoritative and resynchronises the window.
 *
 * Invariants: at most EEH_TRACKER_OPEN incidents (the oldest is recycled), at most `max`
 * events written per call, no allocation.
 */
#include "eeh/eeh.h"

#include <string.h>

#define RECENT_CLOSE_US (30ll * 1000000ll)

void eeh_tracker_init(struct eeh_tracker *t, int max_freezes)
{
	memset(t, 0, sizeof(*t));
	t->max_freezes = max_freezes > 0 ? max_freezes : EEH_DEFAULT_MAX_FREEZES;
	t->current = -1;
	t->last_opened = -1;
}

static int find_open(struct eeh_tracker *t, bool have_pe, uint32_t phb, uint32_t pe)
{
	for (int i = 0; i < EEH_TRACKER_OPEN; i++) {
		struct eeh_incident *in = &t->open[i];
		if (!in->used || in->phb != phb)
			continue;
		if (in->have_pe == have_pe && (!have_pe || in->pe == pe))
			return i;
	}
	return -1;
}

static void add_bdf(struct eeh_event *ev, const char *bdf)
{
	if (!bdf[0])
		return;
	for (size_t i = 0; i < ev->n_bdf; i++)
		if (strcmp(ev->bdf[i], bdf) == 0)
			return;
	if (ev->n_bdf == EEH_EV_MAX_DEVS)
		return;
	snprintf(ev->bdf[ev->n_bdf++], EEH_BDF_MAX, "%s", bdf);
}

static void copy_raw(struct eeh_event *ev, const char *text, size_t len)
{
	size_t n = len < sizeof(ev->raw) - 1 ? len : sizeof(ev->raw) - 1;
	size_t i;

	for (i = 0; i < n && text[i]; i++)
		ev->raw[i] = text[i];
	ev->raw[i] = '\0';
	while (i > 0 && (ev->raw[i - 1] == '\n' || ev->raw[i - 1] == ' '))
		ev->raw[--i] = '\0';
}

static int open_incident(struct eeh_tracker *t, bool have_pe, uint32_t phb, uint32_t pe,
			 const char *source, int64_t time_us)
{
	int slot = -1;

	for (int i = 0; i < EEH_TRACKER_OPEN; i++) {
		if (!t->open[i].used) {
			slot = i;
			break;
		}
		if (slot < 0 || t->open[i].start_us < t->open[slot].start_us)
			slot = i;
	}
	if (t->current == slot)
		t->current = -1;
	struct eeh_incident *in = &t->open[slot];
	memset(in, 0, sizeof(*in));
	in->used = true;
	in->have_pe = have_pe;
	in->phb = phb;
	in->pe = have_pe ? pe : EEH_PE_NONE;
	in->start_us = time_us;
	in->ev.source = source;
	in->ev.have_phb = true;
	in->ev.phb = phb;
	in->ev.have_pe = have_pe;
	in->ev.pe = in->pe;
	in->ev.time_us = time_us;
	in->ev.max_freezes = t->max_freezes;
	return slot;
}

static void close_incident(struct eeh_tracker *t, int idx, int64_t time_us)
{
	struct eeh_incident *in = &t->open[idx];

	/* Remember the close so a late uevent of the same recovery opens nothing. */
	int slot = 0;
	for (int i = 0; i < 8; i++) {
		if (!t->recent[i].used) {
			slot = i;
			break;
		}
		if (t->recent[i].time_us < t->recent[slot].time_us)
			slot = i;
	}
	t->recent[slot].used = true;
	t->recent[slot].phb = in->phb;
	t->recent[slot].pe = in->pe;
	t->recent[slot].time_us = time_us;
	in->used = false;
	if (t->current == idx)
		t->current = -1;
}

static bool recently_closed(struct eeh_tracker *t, bool have_pe, uint32_t phb, uint32_t pe,
			    int64_t now)
{
	for (int i = 0; i < 8; i++) {
		if (!t->recent[i].used || t->recent[i].phb != phb)
			continue;
		if (have_pe && t->recent[i].pe != pe)
			continue;
		if (now - t->recent[i].time_us <= RECENT_CLOSE_US && now >= t->recent[i].time_us)
			return true;
	}
	return false;
}

static size_t emit(struct eeh_event *out, size_t k, size_t max, const struct eeh_incident *in,
		   enum eeh_event_type type, const char *outcome, uint64_t seq, int64_t time_us,
		   const char *text, size_t len)
{
	if (k >= max)
		return k;
	out[k] = in->ev;
	out[k].type = type;
	out[k].outcome = outcome;
	out[k].seq = seq;
	out[k].time_us = time_us;
	if (text)
		copy_raw(&out[k], text, len);
	return k + 1;
}

bool eeh_tracker_account(struct eeh_tracker *t, struct eeh_event *ev)
{
	struct eeh_window *w = eeh_window_table_get(
		&t->windows, ev->phb, ev->have_pe ? ev->pe : EEH_PE_NONE, ev->time_us);
	ev->freeze_count = eeh_window_freeze(w, ev->time_us);
	ev->max_freezes = t->max_freezes;
	return eeh_window_near_limit(ev->freeze_count, ev->max_freezes);
}

/* The incident a PE-less line belongs to: the current one, else the newest open one. */
static int pick_current(struct eeh_tracker *t)
{
	int best = -1;

	if (t->current >= 0 && t->open[t->current].used)
		return t->current;
	for (int i = 0; i < EEH_TRACKER_OPEN; i++)
		if (t->open[i].used && (best < 0 || t->open[i].start_us >= t->open[best].start_us))
			best = i;
	return best;
}

size_t eeh_tracker_feed(struct eeh_tracker *t, const char *text, size_t len, uint64_t seq,
			int64_t time_us, struct eeh_event *out, size_t max)
{
	struct eeh_line l;
	size_t k = 0;
	int idx;

	switch (eeh_line_parse(text, len, &l)) {
	case EEH_LINE_DETECTED:
	case EEH_LINE_FROZEN:
	case EEH_LINE_RECOVERING:
	case EEH_LINE_FENCED_PHB:
	case EEH_LINE_PHB_FAILURE:
		idx = find_open(t, l.have_pe, l.phb, l.pe);
		if (idx < 0) {
			idx = open_incident(t, l.have_pe, l.phb, l.pe, "kmsg", time_us);
			struct eeh_incident *in = &t->open[idx];
			if (l.phb_loc[0])
				snprintf(in->ev.phb_loc, sizeof(in->ev.phb_loc), "%s", l.phb_loc);
			eeh_tracker_account(t, &in->ev);
			k = emit(out, k, max, in, EEH_EV_FREEZE, "frozen", seq, time_us, text, len);
		}
		if (!t->open[idx].kmsg_seen)
			t->open[idx].first_seq = seq;
		t->open[idx].kmsg_seen = true;
		if (l.kind != EEH_LINE_DETECTED && l.kind != EEH_LINE_FENCED_PHB)
			t->current = idx;
		t->last_opened = idx;
		break;
	case EEH_LINE_LOCATION:
		/* It follows the detection or recovery-start line it belongs to. */
		idx = t->last_opened >= 0 && t->open[t->last_opened].used ? t->last_opened
									  : t->current;
		if (idx >= 0 && t->open[idx].used) {
			snprintf(t->open[idx].ev.pe_loc, EEH_LOC_MAX, "%s", l.pe_loc);
			snprintf(t->open[idx].ev.phb_loc, EEH_LOC_MAX, "%s", l.phb_loc);
		}
		break;
	case EEH_LINE_FREEZE_COUNT:
		idx = pick_current(t);
		if (idx >= 0) {
			struct eeh_incident *in = &t->open[idx];
			struct eeh_window *w =
				eeh_window_table_get(&t->windows, in->phb, in->pe, time_us);
			in->ev.freeze_count = l.count;
			if (l.max > 0)
				in->ev.max_freezes = l.max;
			/* The kernel's count is authoritative. */
			w->count = l.count;
			if (w->tstamp_us == 0)
				w->tstamp_us = in->start_us;
			if (eeh_window_near_limit(l.count, in->ev.max_freezes))
				k = emit(out, k, max, in, EEH_EV_NEAR_LIMIT, "near-limit", seq,
					 time_us, text, len);
		}
		break;
	case EEH_LINE_PERM_DISABLED:
		idx = find_open(t, true, l.phb, l.pe);
		if (idx < 0) {
			idx = open_incident(t, true, l.phb, l.pe, "kmsg", time_us);
			t->open[idx].first_seq = seq;
			t->open[idx].kmsg_seen = true;
		}
		t->open[idx].perm_disabled = true;
		t->open[idx].ev.freeze_count = l.count;
		t->current = idx;
		break;
	case EEH_LINE_AGGREGATE:
		idx = pick_current(t);
		if (idx >= 0)
			snprintf(t->open[idx].ev.result, sizeof(t->open[idx].ev.result), "%s",
				 l.word);
		break;
	case EEH_LINE_DRIVER_REPORT:
	case EEH_LINE_DEVICE:
		idx = l.have_pe ? find_open(t, true, l.phb, l.pe) : -1;
		if (idx < 0)
			idx = pick_current(t);
		if (idx >= 0 && t->open[idx].phb == l.phb)
			add_bdf(&t->open[idx].ev, l.bdf);
		break;
	case EEH_LINE_SUCCESS:
		idx = pick_current(t);
		if (idx >= 0) {
			k = emit(out, k, max, &t->open[idx], EEH_EV_RECOVERED, "recovered", seq,
				 time_us, text, len);
			close_incident(t, idx, time_us);
		}
		break;
	case EEH_LINE_FAILED:
		idx = find_open(t, true, l.phb, l.pe);
		if (idx < 0)
			idx = open_incident(t, true, l.phb, l.pe, "kmsg", time_us);
		k = emit(out, k, max, &t->open[idx], EEH_EV_FAILED,
			 t->open[idx].perm_disabled ? "permanently-disabled" : "failed", seq,
			 time_us, text, len);
		close_incident(t, idx, time_us);
		break;
	case EEH_LINE_DEAD_PHB:
		for (int i = 0; i < EEH_TRACKER_OPEN; i++)
			if (t->open[i].used && t->open[i].phb == l.phb && t->open[i].have_pe)
				close_incident(t, i, time_us);
		idx = find_open(t, false, l.phb, 0);
		if (idx < 0)
			idx = open_incident(t, false, l.phb, 0, "kmsg", time_us);
		if (l.phb_loc[0])
			snprintf(t->open[idx].ev.phb_loc, EEH_LOC_MAX, "%s", l.phb_loc);
		k = emit(out, k, max, &t->open[idx], EEH_EV_FAILED, "failed", seq, time_us, text,
			 len);
		close_incident(t, idx, time_us);
		break;
	case EEH_LINE_DEAD_IOC:
		if (max > 0) {
			memset(&out[0], 0, sizeof(out[0]));
			out[0].type = EEH_EV_FAILED;
			out[0].source = "kmsg";
			out[0].outcome = "failed";
			out[0].seq = seq;
			out[0].time_us = time_us;
			out[0].pe = EEH_PE_NONE;
			copy_raw(&out[0], text, len);
			k = 1;
		}
		break;
	default:
		break;
	}
	return k;
}

size_t eeh_tracker_feed_uevent(struct eeh_tracker *t, const struct eeh_uevent *u, int64_t time_us,
			       struct eeh_event *out, size_t max)
{
	unsigned dom, bus, dev, fn;
	bool have_pe = false;
	uint32_t pe = EEH_PE_NONE;
	size_t k = 0;
	int idx = -1;
	char line[128];

	if (u->kind == EEH_UEVENT_NONE || eeh_parse_bdf(u->bdf, &dom, &bus, &dev, &fn) < 0)
		return 0;
	if (t->topo) {
		const struct eeh_pe *p = eeh_topology_pe_of(t->topo, u->bdf);
		if (p) {
			have_pe = true;
			pe = p->pe;
		}
	}
	if (have_pe) {
		idx = find_open(t, true, dom, pe);
	} else {
		/* Without topology: an open incident on this PHB that names the device, else
		 * the current one if it is on this PHB. */
		for (int i = 0; i < EEH_TRACKER_OPEN && idx < 0; i++) {
			if (!t->open[i].used || t->open[i].phb != dom)
				continue;
			for (size_t j = 0; j < t->open[i].ev.n_bdf; j++)
				if (strcmp(t->open[i].ev.bdf[j], u->bdf) == 0)
					idx = i;
		}
		if (idx < 0 && t->current >= 0 && t->open[t->current].used &&
		    t->open[t->current].phb == dom)
			idx = t->current;
	}
	snprintf(line, sizeof(line), "uevent ERROR_EVENT=%s PCI_SLOT_NAME=%s",
		 eeh_uevent_kind_name(u->kind), u->bdf);

	switch (u->kind) {
	case EEH_UEVENT_BEGIN_RECOVERY:
		if (idx >= 0) {
			add_bdf(&t->open[idx].ev, u->bdf);
			break;
		}
		if (recently_closed(t, have_pe, dom, pe, time_us))
			break;
		idx = open_incident(t, have_pe, dom, pe, "uevent", time_us);
		add_bdf(&t->open[idx].ev, u->bdf);
		bool near = eeh_tracker_account(t, &t->open[idx].ev);
		k = emit(out, k, max, &t->open[idx], EEH_EV_FREEZE, "frozen", 0, time_us, line,
			 strlen(line));
		if (near)
			k = emit(out, k, max, &t->open[idx], EEH_EV_NEAR_LIMIT, "near-limit", 0,
				 time_us, line, strlen(line));
		break;
	case EEH_UEVENT_SUCCESSFUL_RECOVERY:
	case EEH_UEVENT_FAILED_RECOVERY:
		/* The kernel log closes incidents it opened; a uevent closes only its own. */
		if (idx < 0 || t->open[idx].kmsg_seen)
			break;
		add_bdf(&t->open[idx].ev, u->bdf);
		if (u->kind == EEH_UEVENT_SUCCESSFUL_RECOVERY)
			k = emit(out, k, max, &t->open[idx], EEH_EV_RECOVERED, "recovered", 0,
				 time_us, line, strlen(line));
		else
			k = emit(out, k, max, &t->open[idx], EEH_EV_FAILED, "failed", 0, time_us,
				 line, strlen(line));
		close_incident(t, idx, time_us);
		break;
	default:
		break;
	}
	return k;
}

bool eeh_tracker_pending(const struct eeh_tracker *t, uint64_t *first_seq)
{
	bool any = false;

	for (int i = 0; i < EEH_TRACKER_OPEN; i++) {
		const struct eeh_incident *in = &t->open[i];
		if (!in->used || !in->kmsg_seen)
			continue;
		if (!any || in->first_seq < *first_seq)
			*first_seq = in->first_seq;
		any = true;
	}
	return any;
}

size_t eeh_tracker_expire(struct eeh_tracker *t, int64_t now_us, int64_t max_age_us)
{
	size_t n = 0;

	for (int i = 0; i < EEH_TRACKER_OPEN; i++) {
		if (t->open[i].used && now_us - t->open[i].start_us > max_age_us) {
			t->open[i].used = false;
			if (t->current == i)
				t->current = -1;
			if (t->last_opened == i)
				t->last_opened = -1;
			n++;
		}
	}
	return n;
}
