/*
 * eeh_render.c - text and JSON output of opal-eeh (list, show, stats, history).
 *
 * Decode once (eeh_discover, eeh_history), render here in both forms. JSON field names
 * are a stable interface documented in docs/eeh-json.md; PHB and PE numbers are JSON
 * integers and "id" carries the kernel's "PHB#<hex>-PE#<hex>" name.
 */
#include "eeh/eeh.h"

#include <string.h>

#include "common/json.h"
#include "common/timeutil.h"

static const char *owner(const struct eeh_pe *pe)
{
	return pe->vfio ? "vfio" : "host";
}

static void json_state(struct json_writer *w, const struct eeh_pe *pe)
{
	char raw[32], flags[160];

	if (!pe->state_read) {
		json_null(w);
		return;
	}
	const struct eeh_state *st = &pe->state;
	json_obj_begin(w);
	snprintf(raw, sizeof(raw), "0x%08x 0x%08x", st->hw, st->sw);
	json_kstr(w, "raw", raw);
	json_kstr(w, "health", eeh_health_name(eeh_state_health(st)));
	json_kbool(w, "mmio_enabled", st->hw & EEH_STATE_MMIO_ENABLED);
	json_kbool(w, "mmio_active", st->hw & EEH_STATE_MMIO_ACTIVE);
	json_kbool(w, "dma_enabled", st->hw & EEH_STATE_DMA_ENABLED);
	json_kbool(w, "dma_active", st->hw & EEH_STATE_DMA_ACTIVE);
	json_kbool(w, "reset", st->hw & EEH_STATE_RESET_ACTIVE);
	json_kbool(w, "unavailable", st->hw & EEH_STATE_UNAVAILABLE);
	json_kbool(w, "permanently_unavailable", st->hw & EEH_STATE_NOT_SUPPORT);
	json_kbool(w, "isolated", st->sw & EEH_PE_ISOLATED);
	json_kbool(w, "recovering", st->sw & EEH_PE_RECOVERING);
	json_kbool(w, "removed", st->sw & EEH_PE_REMOVED);
	json_kstr(w, "sw_flags", eeh_state_sw_flags(st->sw, flags, sizeof(flags)));
	json_obj_end(w);
}

static void json_dev(struct json_writer *w, const struct eeh_dev *d)
{
	char b[32];

	json_obj_begin(w);
	json_kstr(w, "bdf", d->bdf);
	snprintf(b, sizeof(b), "0x%04x", d->vendor_id);
	json_kstr(w, "vendor_id", b);
	snprintf(b, sizeof(b), "0x%04x", d->device_id);
	json_kstr(w, "device_id", b);
	snprintf(b, sizeof(b), "0x%06x", d->class_code);
	json_kstr(w, "class", b);
	json_key(w, "vendor");
	d->vendor_name[0] ? json_str(w, d->vendor_name) : json_null(w);
	json_key(w, "device");
	d->device_name[0] ? json_str(w, d->device_name) : json_null(w);
	json_key(w, "driver");
	d->driver[0] ? json_str(w, d->driver) : json_null(w);
	json_kbool(w, "vfio", d->vfio);
	json_key(w, "iommu_group");
	d->iommu_group >= 0 ? json_int(w, d->iommu_group) : json_null(w);
	json_kbool(w, "eeh", d->has_eeh);
	if (d->has_eeh) {
		snprintf(b, sizeof(b), "0x%x", d->eeh_mode);
		json_kstr(w, "eeh_mode", b);
		snprintf(b, sizeof(b), "0x%x", d->pe);
		json_kstr(w, "eeh_pe_config_addr", b);
	}
	json_key(w, "location");
	d->loc_code[0] ? json_str(w, d->loc_code) : json_null(w);
	json_obj_end(w);
}

void eeh_json_pe(struct json_writer *w, const struct eeh_pe *pe)
{
	char name[48];

	json_obj_begin(w);
	json_kstr(w, "id", eeh_pe_name(pe->phb, pe->pe, name, sizeof(name)));
	json_kint(w, "phb", pe->phb);
	json_kint(w, "pe", pe->pe);
	json_kstr(w, "owner", owner(pe));
	json_key(w, "iommu_group");
	pe->iommu_group >= 0 ? json_int(w, pe->iommu_group) : json_null(w);
	json_key(w, "location");
	pe->loc_code[0] ? json_str(w, pe->loc_code) : json_null(w);
	json_key(w, "guest");
	if (pe->guest.pid) {
		json_obj_begin(w);
		json_key(w, "name");
		pe->guest.name[0] ? json_str(w, pe->guest.name) : json_null(w);
		json_kint(w, "pid", pe->guest.pid);
		json_obj_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "state");
	json_state(w, pe);
	json_key(w, "devices");
	json_arr_begin(w);
	for (size_t i = 0; i < pe->n_devs; i++)
		json_dev(w, pe->devs[i]);
	json_arr_end(w);
	json_obj_end(w);
}

static const char *state_word(const struct eeh_pe *pe)
{
	if (pe->state_read)
		return eeh_health_name(eeh_state_health(&pe->state));
	return pe->state_errno ? "unreadable" : "not-read";
}

static void text_dev(FILE *f, const struct eeh_dev *d, const char *indent)
{
	fprintf(f, "%s%s [%04x:%04x] %s%s%s", indent, d->bdf, d->vendor_id, d->device_id,
		d->vendor_name[0] ? d->vendor_name : "", d->vendor_name[0] ? " " : "",
		d->device_name[0] ? d->device_name : "");
	fprintf(f, "  driver=%s", d->driver[0] ? d->driver : "-");
	if (d->iommu_group >= 0)
		fprintf(f, " group=%d", d->iommu_group);
	if (d->loc_code[0])
		fprintf(f, " loc=%s", d->loc_code);
	fputc('\n', f);
}

void eeh_render_list(FILE *f, const struct eeh_topology *t, bool json)
{
	char name[48];

	if (json) {
		struct json_writer w;
		json_init(&w, f, true);
		json_obj_begin(&w);
		json_kbool(&w, "eeh_available", t->eeh_available);
		if (!t->eeh_available)
			json_kstr(&w, "message", "EEH not available on this system");
		json_key(&w, "pes");
		json_arr_begin(&w);
		for (size_t i = 0; i < t->n_phbs; i++)
			for (size_t j = 0; j < t->phbs[i].n_pes; j++)
				eeh_json_pe(&w, &t->phbs[i].pes[j]);
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
		return;
	}
	if (!t->eeh_available) {
		fprintf(f, "EEH not available on this system\n");
		return;
	}
	for (size_t i = 0; i < t->n_phbs; i++) {
		const struct eeh_phb *phb = &t->phbs[i];
		fprintf(f, "PHB#%x (domain %04x)\n", phb->phb, phb->phb);
		for (size_t j = 0; j < phb->n_pes; j++) {
			const struct eeh_pe *pe = &phb->pes[j];
			fprintf(f, "  %-16s state=%s owner=%s",
				eeh_pe_name(pe->phb, pe->pe, name, sizeof(name)), state_word(pe),
				owner(pe));
			if (pe->guest.pid)
				fprintf(f, " guest=%s pid=%d",
					pe->guest.name[0] ? pe->guest.name : "?",
					(int)pe->guest.pid);
			if (pe->loc_code[0])
				fprintf(f, " loc=%s", pe->loc_code);
			fputc('\n', f);
			for (size_t k = 0; k < pe->n_devs; k++)
				text_dev(f, pe->devs[k], "    ");
		}
	}
}

static const char *yesno(bool b)
{
	return b ? "yes" : "no";
}

void eeh_render_pe(FILE *f, const struct eeh_pe *pe, bool json)
{
	char name[48], flags[160];

	if (json) {
		struct json_writer w;
		json_init(&w, f, true);
		eeh_json_pe(&w, pe);
		json_end_doc(&w);
		return;
	}
	fprintf(f, "PE:        %s (PHB %04x, PE number 0x%x)\n",
		eeh_pe_name(pe->phb, pe->pe, name, sizeof(name)), pe->phb, pe->pe);
	fprintf(f, "Owner:     %s", pe->vfio ? "vfio-pci" : "host driver");
	if (pe->iommu_group >= 0)
		fprintf(f, ", IOMMU group %d", pe->iommu_group);
	if (pe->guest.pid)
		fprintf(f, ", held by pid %d%s%s%s", (int)pe->guest.pid,
			pe->guest.name[0] ? " (guest " : "", pe->guest.name,
			pe->guest.name[0] ? ")" : "");
	fputc('\n', f);
	fprintf(f, "Location:  %s\n", pe->loc_code[0] ? pe->loc_code : "-");
	if (pe->state_read) {
		const struct eeh_state *st = &pe->state;
		fprintf(f, "State:     %s (0x%08x 0x%08x)\n", eeh_health_name(eeh_state_health(st)),
			st->hw, st->sw);
		fprintf(f, "  MMIO enabled: %-3s  MMIO active: %s\n",
			yesno(st->hw & EEH_STATE_MMIO_ENABLED),
			yesno(st->hw & EEH_STATE_MMIO_ACTIVE));
		fprintf(f, "  DMA enabled:  %-3s  DMA active:  %s\n",
			yesno(st->hw & EEH_STATE_DMA_ENABLED),
			yesno(st->hw & EEH_STATE_DMA_ACTIVE));
		fprintf(f, "  Reset:        %-3s  Unavailable: %s  Permanently unavailable: %s\n",
			yesno(st->hw & EEH_STATE_RESET_ACTIVE),
			yesno(st->hw & EEH_STATE_UNAVAILABLE),
			yesno(st->hw & EEH_STATE_NOT_SUPPORT));
		fprintf(f, "  Software:     %s\n",
			st->sw ? eeh_state_sw_flags(st->sw, flags, sizeof(flags)) : "-");
	} else if (pe->state_errno) {
		fprintf(f, "State:     unreadable (%s)\n", strerror(pe->state_errno));
	} else {
		fprintf(f, "State:     not read\n");
	}
	fprintf(f, "Devices:\n");
	for (size_t k = 0; k < pe->n_devs; k++) {
		const struct eeh_dev *d = pe->devs[k];
		text_dev(f, d, "  ");
		fprintf(f, "      eeh_mode=0x%x (%s) eeh_pe_config_addr=0x%x\n", d->eeh_mode,
			d->eeh_mode ? eeh_mode_flags(d->eeh_mode, flags, sizeof(flags)) : "-",
			d->pe);
	}
}

/* Freezes in the current window and when it started, from the history. */
static int window_of(const struct eeh_history *h, uint32_t phb, uint32_t pe, int64_t now,
		     int64_t *start)
{
	struct eeh_window w = { 0 };

	*start = 0;
	if (!h)
		return 0;
	for (size_t i = 0; i < h->n_ev; i++) {
		const struct eeh_hist_event *ev = &h->ev[i];
		if (ev->phb != phb || !ev->have_pe || ev->pe != pe || strcmp(ev->type, "freeze"))
			continue;
		if (ev->time_us > now)
			break;
		eeh_window_freeze(&w, ev->time_us);
	}
	int n = eeh_window_count(&w, now);
	if (n)
		*start = w.tstamp_us;
	return n;
}

struct pe_key {
	uint32_t phb, pe;
	const struct eeh_pe *pe_ptr;
};

void eeh_render_stats(FILE *f, const struct eeh_proc_stats *s, int max_freezes,
		      bool max_from_kernel, const struct eeh_topology *t,
		      const struct eeh_history *h, int64_t now_us, bool json)
{
	struct pe_key keys[256];
	size_t nk = 0;
	char name[48], ts[40];

	/* PEs of the topology, then PEs only seen in the history. */
	for (size_t i = 0; t && i < t->n_phbs; i++)
		for (size_t j = 0; j < t->phbs[i].n_pes && nk < 256; j++)
			keys[nk++] = (struct pe_key){ t->phbs[i].pes[j].phb, t->phbs[i].pes[j].pe,
						      &t->phbs[i].pes[j] };
	for (size_t i = 0; h && i < h->n_ev && nk < 256; i++) {
		bool seen = false;
		if (!h->ev[i].have_pe)
			continue;
		for (size_t k = 0; k < nk && !seen; k++)
			seen = keys[k].phb == h->ev[i].phb && keys[k].pe == h->ev[i].pe;
		if (!seen)
			keys[nk++] = (struct pe_key){ h->ev[i].phb, h->ev[i].pe, NULL };
	}

	if (json) {
		struct json_writer w;
		json_init(&w, f, true);
		json_obj_begin(&w);
		json_key(&w, "proc");
		if (s && s->present) {
			json_obj_begin(&w);
			json_kbool(&w, "enabled", s->enabled);
			json_kuint(&w, "no_device", s->no_device);
			json_kuint(&w, "no_device_node", s->no_dn);
			json_kuint(&w, "no_config_address", s->no_cfg_addr);
			json_kuint(&w, "check_not_wanted", s->check_not_wanted);
			json_kuint(&w, "eeh_total_mmio_ffs", s->mmio_ffs);
			json_kuint(&w, "eeh_false_positives", s->false_positives);
			json_kuint(&w, "eeh_slot_resets", s->slot_resets);
			json_obj_end(&w);
		} else {
			json_null(&w);
		}
		json_kint(&w, "max_freezes", max_freezes);
		json_kstr(&w, "max_freezes_source", max_from_kernel ? "kernel" : "default");
		json_kbool(&w, "history", h != NULL);
		json_key(&w, "pes");
		json_arr_begin(&w);
		for (size_t k = 0; k < nk; k++) {
			int64_t start;
			int n = window_of(h, keys[k].phb, keys[k].pe, now_us, &start);
			json_obj_begin(&w);
			json_kstr(&w, "id",
				  eeh_pe_name(keys[k].phb, keys[k].pe, name, sizeof(name)));
			json_kint(&w, "phb", keys[k].phb);
			json_kint(&w, "pe", keys[k].pe);
			json_key(&w, "freezes_in_window");
			h ? json_int(&w, n) : json_null(&w);
			json_key(&w, "window_start");
			start ? json_str(&w, time_format_iso_us(start, ts, sizeof(ts)))
			      : json_null(&w);
			json_key(&w, "remaining");
			h ? json_int(&w, n > max_freezes ? 0 : max_freezes - n) : json_null(&w);
			json_kbool(&w, "near_limit", eeh_window_near_limit(n, max_freezes));
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
		return;
	}
	if (s && s->present) {
		fprintf(f, "EEH subsystem: %s\n", s->enabled ? "enabled" : "globally disabled");
		fprintf(f, "  no device              %llu\n", (unsigned long long)s->no_device);
		fprintf(f, "  no device node         %llu\n", (unsigned long long)s->no_dn);
		fprintf(f, "  no config address      %llu\n", (unsigned long long)s->no_cfg_addr);
		fprintf(f, "  check not wanted       %llu\n",
			(unsigned long long)s->check_not_wanted);
		fprintf(f, "  eeh_total_mmio_ffs     %llu\n", (unsigned long long)s->mmio_ffs);
		fprintf(f, "  eeh_false_positives    %llu\n",
			(unsigned long long)s->false_positives);
		fprintf(f,
			"  eeh_slot_resets        %llu  (MMIO-path freezes only; undercounts on "
			"PowerNV)\n",
			(unsigned long long)s->slot_resets);
	} else {
		fprintf(f, "EEH not available on this system: no /proc/powerpc/eeh\n");
	}
	fprintf(f, "eeh_max_freezes: %d (%s)\n", max_freezes,
		max_from_kernel ? "from debugfs" : "kernel default; debugfs not readable");
	if (!h) {
		fprintf(f, "Per-PE freezes: no database\n");
		return;
	}
	if (nk)
		fprintf(f, "%-18s %-8s %-21s %s\n", "PE", "FREEZES", "WINDOW START", "REMAINING");
	for (size_t k = 0; k < nk; k++) {
		int64_t start;
		int n = window_of(h, keys[k].phb, keys[k].pe, now_us, &start);
		fprintf(f, "%-18s %-8d %-21s %d%s\n",
			eeh_pe_name(keys[k].phb, keys[k].pe, name, sizeof(name)), n,
			start ? time_format(start, true, ts, sizeof(ts)) : "-",
			n > max_freezes ? 0 : max_freezes - n,
			eeh_window_near_limit(n, max_freezes) ? "  (next freeze disables it)" : "");
	}
}

void eeh_render_history(FILE *f, const struct eeh_history *h, bool json)
{
	char name[48], t1[40], t2[40];

	if (json) {
		struct json_writer w;
		json_init(&w, f, true);
		json_obj_begin(&w);
		json_key(&w, "timelines");
		json_arr_begin(&w);
		for (size_t i = 0; i < h->n_tl; i++) {
			const struct eeh_timeline *tl = &h->tl[i];
			json_obj_begin(&w);
			json_kstr(&w, "id",
				  eeh_pe_name(tl->phb, tl->have_pe ? tl->pe : EEH_PE_NONE, name,
					      sizeof(name)));
			json_kint(&w, "phb", tl->phb);
			json_key(&w, "pe");
			tl->have_pe ? json_int(&w, tl->pe) : json_null(&w);
			json_key(&w, "freeze");
			tl->freeze_us
				? json_str(&w, time_format_iso_us(tl->freeze_us, t1, sizeof(t1)))
				: json_null(&w);
			json_key(&w, "end");
			tl->end_us ? json_str(&w, time_format_iso_us(tl->end_us, t2, sizeof(t2)))
				   : json_null(&w);
			json_kstr(&w, "outcome", tl->outcome);
			json_key(&w, "duration_us");
			(tl->freeze_us && tl->end_us) ? json_int(&w, tl->end_us - tl->freeze_us)
						      : json_null(&w);
			json_kint(&w, "freeze_count", tl->freeze_count);
			json_kbool(&w, "near_limit", tl->near_limit);
			json_key(&w, "bdf");
			json_arr_begin(&w);
			for (const char *p = tl->bdf; *p;) {
				size_t l = strcspn(p, ",");
				json_strn(&w, p, l);
				p += l;
				if (*p == ',')
					p++;
			}
			json_arr_end(&w);
			json_key(&w, "location");
			tl->location[0] ? json_str(&w, tl->location) : json_null(&w);
			json_key(&w, "guest");
			tl->guest[0] ? json_str(&w, tl->guest) : json_null(&w);
			json_kstr(&w, "source", tl->source);
			json_key(&w, "events");
			json_arr_begin(&w);
			for (size_t k = 0; k < tl->n_idx; k++) {
				const struct eeh_hist_event *ev = &h->ev[tl->idx[k]];
				json_obj_begin(&w);
				json_kint(&w, "id", ev->id);
				json_kstr(&w, "time",
					  time_format_iso_us(ev->time_us, t1, sizeof(t1)));
				json_kstr(&w, "type", ev->type);
				json_kstr(&w, "severity", ras_severity_name(ev->severity));
				json_kstr(&w, "summary", ev->summary);
				json_obj_end(&w);
			}
			json_arr_end(&w);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
		return;
	}
	if (h->n_tl == 0) {
		fprintf(f, "No EEH events recorded.\n");
		return;
	}
	for (size_t i = 0; i < h->n_tl; i++) {
		const struct eeh_timeline *tl = &h->tl[i];
		fprintf(f, "%s  %s",
			eeh_pe_name(tl->phb, tl->have_pe ? tl->pe : EEH_PE_NONE, name,
				    sizeof(name)),
			tl->outcome);
		if (tl->freeze_us && tl->end_us)
			fprintf(f, " after %.1f s", (double)(tl->end_us - tl->freeze_us) / 1e6);
		if (tl->freeze_count)
			fprintf(f, "  freeze %d in window", tl->freeze_count);
		if (tl->bdf[0])
			fprintf(f, "  devices %s", tl->bdf);
		if (tl->location[0])
			fprintf(f, "  loc %s", tl->location);
		if (tl->guest[0])
			fprintf(f, "  guest %s", tl->guest);
		fputc('\n', f);
		for (size_t k = 0; k < tl->n_idx; k++) {
			const struct eeh_hist_event *ev = &h->ev[tl->idx[k]];
			fprintf(f, "  %s  %-10s %-8s %s\n",
				time_format(ev->time_us, true, t1, sizeof(t1)), ev->type,
				ras_severity_name(ev->severity), ev->summary);
		}
	}
}

/* ---- CSV (RFC 4180: quoted when needed, "" inside quotes) ---------------------------- */

static void csv_field(FILE *f, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

void eeh_render_list_csv(FILE *f, const struct eeh_topology *t)
{
	char name[48], b[32], st[32];

	fprintf(f, "id,phb,pe,owner,state,guest,guest_pid,bdf,vendor_id,device_id,vendor,device,"
		   "driver,iommu_group,location\n");
	for (size_t i = 0; i < t->n_phbs; i++) {
		for (size_t j = 0; j < t->phbs[i].n_pes; j++) {
			const struct eeh_pe *pe = &t->phbs[i].pes[j];
			for (size_t k = 0; k < pe->n_devs; k++) {
				const struct eeh_dev *d = pe->devs[k];
				csv_field(f, eeh_pe_name(pe->phb, pe->pe, name, sizeof(name)),
					  false);
				snprintf(b, sizeof(b), "%u", pe->phb);
				csv_field(f, b, false);
				snprintf(b, sizeof(b), "%u", pe->pe);
				csv_field(f, b, false);
				csv_field(f, owner(pe), false);
				snprintf(st, sizeof(st), "%s", state_word(pe));
				csv_field(f, st, false);
				csv_field(f, pe->guest.name, false);
				snprintf(b, sizeof(b), "%d", (int)pe->guest.pid);
				csv_field(f, pe->guest.pid ? b : "", false);
				csv_field(f, d->bdf, false);
				snprintf(b, sizeof(b), "0x%04x", d->vendor_id);
				csv_field(f, b, false);
				snprintf(b, sizeof(b), "0x%04x", d->device_id);
				csv_field(f, b, false);
				csv_field(f, d->vendor_name, false);
				csv_field(f, d->device_name, false);
				csv_field(f, d->driver, false);
				snprintf(b, sizeof(b), "%d", d->iommu_group);
				csv_field(f, d->iommu_group >= 0 ? b : "", false);
				csv_field(f, d->loc_code, true);
			}
		}
	}
}

void eeh_render_history_csv(FILE *f, const struct eeh_history *h)
{
	char name[48], t1[40], t2[40], b[32];

	fprintf(f, "id,phb,pe,freeze,end,outcome,duration_us,freeze_count,near_limit,bdf,location,"
		   "guest,source\n");
	for (size_t i = 0; i < h->n_tl; i++) {
		const struct eeh_timeline *tl = &h->tl[i];
		csv_field(f,
			  eeh_pe_name(tl->phb, tl->have_pe ? tl->pe : EEH_PE_NONE, name,
				      sizeof(name)),
			  false);
		snprintf(b, sizeof(b), "%u", tl->phb);
		csv_field(f, b, false);
		snprintf(b, sizeof(b), "%u", tl->pe);
		csv_field(f, tl->have_pe ? b : "", false);
		csv_field(f, tl->freeze_us ? time_format_iso_us(tl->freeze_us, t1, sizeof(t1)) : "",
			  false);
		csv_field(f, tl->end_us ? time_format_iso_us(tl->end_us, t2, sizeof(t2)) : "",
			  false);
		csv_field(f, tl->outcome, false);
		snprintf(b, sizeof(b), "%lld", (long long)(tl->end_us - tl->freeze_us));
		csv_field(f, tl->freeze_us && tl->end_us ? b : "", false);
		snprintf(b, sizeof(b), "%d", tl->freeze_count);
		csv_field(f, b, false);
		csv_field(f, tl->near_limit ? "1" : "0", false);
		csv_field(f, tl->bdf, false);
		csv_field(f, tl->location, false);
		csv_field(f, tl->guest, false);
		csv_field(f, tl->source, true);
	}
}
