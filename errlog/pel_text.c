/*
 * pel_text.c - text renderers of a decoded PEL: the human service report (section by
 * section) and the one-line summary; plus the section filter shared with pel_json.c.
 *
 * Renders from struct pel only; section bytes are read within each section's `avail`
 * (hex dumps print exactly the bytes present, odd lengths included - ppc64-diag printed
 * nothing when the length was not a multiple of 4).
 */
#include "errlog/pel.h"

#include <stdarg.h>
#include <string.h>

#include "common/hexdump.h"

bool pel_render_selects(const struct pel_render_opts *o, uint16_t id)
{
	const char *s;
	char sid[3];

	if (!o || !o->sections || !*o->sections)
		return true;
	pel_sid_str(id, sid);
	for (s = o->sections; *s;) {
		size_t n = strcspn(s, ",");
		if (n == 2 && (s[0] | 0x20) == (sid[0] | 0x20) && (s[1] | 0x20) == (sid[1] | 0x20))
			return true;
		s += n;
		if (*s == ',')
			s++;
	}
	return false;
}

__attribute__((format(printf, 3, 4))) static void kv(FILE *f, const char *label, const char *fmt,
						     ...)
{
	va_list ap;

	fprintf(f, "  %-26s: ", label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	putc('\n', f);
}

static void kvs(FILE *f, const char *label, struct pel_str s)
{
	kv(f, label, "%.*s", (int)s.len, s.p ? s.p : "");
}

static const char *nz(const char *s)
{
	return s ? s : "Unknown";
}

static void ktime(FILE *f, const char *label, const struct pel_time *t)
{
	char b[48];

	if (t->valid)
		kv(f, label, "%s.%02u", pel_time_format(t, b, sizeof(b)), t->hundredths);
	else
		kv(f, label, "%s", pel_time_format(t, b, sizeof(b)));
}

static void text_ph(FILE *f, const struct pel *p)
{
	const struct pel_ph *h = &p->ph;

	ktime(f, "Created at", &h->create);
	ktime(f, "Committed at", &h->commit);
	kv(f, "Created by", "%s ('%c')", pel_creator_name(h->creator),
	   h->creator >= 0x20 && h->creator < 0x7f ? h->creator : '?');
	kv(f, "Creator Subsystem Version", "%02X%02X%02X%02X %02X%02X%02X%02X", h->cssver[0],
	   h->cssver[1], h->cssver[2], h->cssver[3], h->cssver[4], h->cssver[5], h->cssver[6],
	   h->cssver[7]);
	kv(f, "Platform Log Id", "0x%08X", h->plid);
	kv(f, "Entry Id", "0x%08X", h->entry_id);
	kv(f, "Section Count", "%u", h->section_count);
	if (h->log_type)
		kv(f, "Log Type", "0x%02X", h->log_type);
	if (h->bmc_log_id)
		kv(f, "BMC Event Log Id", "%u", h->bmc_log_id);
}

static void text_uh(FILE *f, const struct pel *p)
{
	const struct pel_uh *u = &p->uh;
	bool first = true;

	kv(f, "Subsystem", "0x%02X %s", u->subsystem, nz(pel_subsystem_name(u->subsystem)));
	kv(f, "Event Scope", "0x%02X %s", u->scope, nz(pel_scope_name(u->scope)));
	kv(f, "Event Severity", "0x%02X %s", u->severity, nz(pel_severity_name(u->severity)));
	kv(f, "Event Type", "0x%02X %s", u->event_type, nz(pel_event_type_name(u->event_type)));
	kv(f, "Problem Domain/Vector", "0x%02X / 0x%02X", u->problem_domain, u->problem_vector);
	kv(f, "Action Flags", "0x%04X", u->action);
	for (unsigned bit = 0x8000; bit; bit >>= 1) {
		const char *n;
		if (!(u->action & bit))
			continue;
		n = pel_action_name((uint16_t)bit);
		if (n)
			kv(f, first ? "Actions" : "", "%s", n);
		else
			kv(f, first ? "Actions" : "", "Unknown bit 0x%04X", bit);
		first = false;
	}
	kv(f, "Host/HMC Transmission", "%u / %u", u->states & 0xFF, (u->states >> 8) & 0xFF);
}

static void text_callout(FILE *f, unsigned idx, const struct pel_callout *c)
{
	char l[32];

	fprintf(f, "  Callout %u\n", idx + 1);
	kv(f, "  Priority", "%c %s", c->priority >= 0x20 && c->priority < 0x7f ? c->priority : '?',
	   nz(pel_priority_name(c->priority)));
	kvs(f, "  Location Code", c->location);
	if (c->has_fru) {
		kv(f, "  FRU Type", "0x%02X %s", c->fru_flags & 0xF0,
		   nz(pel_fru_type_name(c->fru_flags)));
		if (c->fru_flags & PEL_FRU_PROC)
			kvs(f, "  Procedure", c->part);
		else if (c->fru_flags & PEL_FRU_PN)
			kvs(f, "  Part Number", c->part);
		if (c->fru_flags & PEL_FRU_CCIN)
			kvs(f, "  CCIN", c->ccin);
		if (c->fru_flags & PEL_FRU_SN)
			kvs(f, "  Serial Number", c->serial);
	}
	if (c->has_pce) {
		kv(f, "  PCE MTMS", "%.*s_%.*s", (int)c->pce_mtm.len, c->pce_mtm.p,
		   (int)c->pce_serial.len, c->pce_serial.p);
		kvs(f, "  PCE Name", c->pce_name);
	}
	for (unsigned i = 0; c->has_mru && i < c->mru_count; i++) {
		snprintf(l, sizeof(l), "  MRU %u", i + 1);
		kv(f, l, "%c 0x%08X",
		   c->mru[i].priority >= 0x20 && c->mru[i].priority < 0x7f ? c->mru[i].priority
									   : '?',
		   c->mru[i].id);
	}
}

static void text_src(FILE *f, const struct pel_src *s)
{
	kv(f, "SRC Version", "0x%02X", s->version);
	kv(f, "SRC Flags", "0x%02X", s->flags);
	kv(f, "SRC Format", "0x%02X", s->words[0] & 0xFF);
	kv(f, "Valid Word Count", "%u", s->word_count);
	kv(f, "SRC Size", "%u", s->src_size);
	kvs(f, "Reference Code", s->refcode);
	if (s->ext_refcode.len)
		kvs(f, "Extended Reference Code", s->ext_refcode);
	kv(f, "Hex Words 2 - 5", "%08X %08X %08X %08X", s->words[0], s->words[1], s->words[2],
	   s->words[3]);
	kv(f, "Hex Words 6 - 9", "%08X %08X %08X %08X", s->words[4], s->words[5], s->words[6],
	   s->words[7]);
	if (s->has_callouts) {
		kv(f, "Callout Count", "%u", s->callout_count + s->callouts_skipped);
		for (unsigned i = 0; i < s->callout_count; i++)
			text_callout(f, i, &s->callouts[i]);
	}
}

static void text_data(FILE *f, const char *label, const uint8_t *d, size_t n, bool hex)
{
	kv(f, label, "%zu bytes", n);
	if (hex)
		hexdump(f, "    ", d, n, 0);
}

/* A skiboot UD tag: four upper-case letters ("DESC"). Same rule as pel_json.c. */
static bool upper4(const uint8_t *d)
{
	for (int i = 0; i < 4; i++)
		if (d[i] < 'A' || d[i] > 'Z')
			return false;
	return true;
}

static void text_section(FILE *f, const struct pel *p, unsigned i, const struct pel_render_opts *o)
{
	const struct pel_section *s = &p->sec[i];
	bool hex = o && o->hex;
	char sid[3], title[64];

	snprintf(title, sizeof(title), "%s (%s)", pel_section_title(s->id),
		 pel_sid_str(s->id, sid));
	fprintf(f,
		"-- %-40s offset 0x%04X length %u%s version %u subtype 0x%02X component 0x%04X\n",
		title, s->offset, s->len, s->avail != s->len ? " (truncated)" : "", s->version,
		s->subtype, s->component);
	if (s->flags & PEL_SECF_DUPLICATE)
		fprintf(f, "  (duplicate section, not decoded)\n");
	if (s->flags & PEL_SECF_SHORT)
		fprintf(f, "  (too short for its layout, not decoded)\n");
	if (s->flags & (PEL_SECF_DUPLICATE | PEL_SECF_SHORT)) {
		text_data(f, "Data", s->p + 8, s->avail - 8u, hex);
		return;
	}
	switch ((enum pel_kind)s->kind) {
	case PEL_K_PH:
		text_ph(f, p);
		break;
	case PEL_K_UH:
		text_uh(f, p);
		break;
	case PEL_K_PS:
	case PEL_K_SS:
		for (unsigned k = 0; k < p->n_src; k++)
			if (p->src[k].section == i)
				text_src(f, &p->src[k]);
		break;
	case PEL_K_EH:
		kvs(f, "Machine Type Model", p->eh.mtm);
		kvs(f, "Serial Number", p->eh.serial);
		kvs(f, "FW Released Ver", p->eh.fw_release);
		kvs(f, "FW SubSys Version", p->eh.fw_subsys);
		ktime(f, p->eh.ref_time_at_62 ? "Common Ref Time (@62)" : "Common Ref Time",
		      &p->eh.ref_time);
		kv(f, "Symptom Id Len", "%u", p->eh.symptom_len);
		kvs(f, "Symptom Id", p->eh.symptom_id);
		break;
	case PEL_K_MT:
	case PEL_K_HM: {
		const struct pel_mtms *m = s->kind == PEL_K_MT ? &p->mt : &p->hm;
		kvs(f, "Machine Type Model", m->mtm);
		kvs(f, "Serial Number", m->serial);
		break;
	}
	case PEL_K_UD: {
		const uint8_t *d = s->p + 8;
		size_t n = s->avail - 8u;
		if (p->ph.creator == 'K' && n >= 8 && upper4(d)) {
			size_t tl = n - 8;
			while (tl > 0 && (d[8 + tl - 1] == 0 || d[8 + tl - 1] == '\n'))
				tl--;
			kv(f, "Tag", "%.4s", (const char *)d);
			fprintf(f, "  %-26s: ", "Text");
			for (size_t k = 0; k < tl; k++) {
				uint8_t ch = d[8 + k];
				putc(ch >= 0x20 && ch < 0x7f ? ch : '.', f);
			}
			putc('\n', f);
		}
		text_data(f, "User Data", d, n, hex);
		break;
	}
	case PEL_K_ED:
		kv(f, "Data Creator", "%s", pel_creator_name(s->p[8]));
		text_data(f, "User Data", s->p + 12, s->avail - 12u, hex);
		break;
	case PEL_K_EP:
		kv(f, "Sensor Value / Action", "%u / %u", p->ep.sensor_value, p->ep.action);
		kv(f, "Event / Modifier", "%u / %u", p->ep.event, p->ep.modifier);
		kv(f, "Extended Modifier", "%u", p->ep.ext_modifier);
		kv(f, "Platform Reason Code", "0x%08X", p->ep.reason);
		break;
	case PEL_K_IE:
		kv(f, "Type", "%u", p->ie.type);
		kv(f, "Scope", "0x%02X", p->ie.scope);
		kv(f, "Subtype", "%u", p->ie.subtype);
		kv(f, "DRC Index", "0x%08X", p->ie.drc_index);
		if (p->ie.subtype == 5)
			kv(f, "New Size", "0x%016llX", (unsigned long long)p->ie.new_size);
		else
			text_data(f, "RPC Data", p->ie.rpc_data, p->ie.rpc_data_len, hex);
		break;
	case PEL_K_MI:
		kv(f, "Policy Flags", "0x%08X", p->mi.policy_flags);
		break;
	case PEL_K_CH:
		kvs(f, "Comment", p->ch);
		break;
	case PEL_K_LP:
		kv(f, "Primary Partition Id", "%u", p->lp.primary_lp);
		kvs(f, "Partition Name", p->lp.name);
		kv(f, "Partition Log Id", "0x%08X", p->lp.lp_log_id);
		kv(f, "Target LP Count", "%u", p->lp.target_count);
		for (unsigned k = 0; k < p->lp.target_avail; k++)
			kv(f, "Target LP", "%u",
			   p->lp.targets[2 * k] << 8 | p->lp.targets[2 * k + 1]);
		break;
	case PEL_K_LR:
		kv(f, "Resource Type", "0x%02X", p->lr.type);
		kv(f, "Entitled Capacity", "%u", p->lr.capacity);
		kv(f, "CPU Id / DRC Index", "0x%08X", p->lr.cpu_or_drc);
		kv(f, "Memory Address", "0x%08X%08X", p->lr.cpu_or_drc, p->lr.mem_low);
		break;
	case PEL_K_DH:
		kv(f, "Dump Type", "%u", p->dh.dump_type);
		kv(f, "Dump Id", "0x%08X", p->dh.dump_id);
		kv(f, "Dump Size", "%llu", (unsigned long long)p->dh.dump_size);
		if (p->dh.os_id_hex)
			kv(f, "OS Dump Id", "0x%08X", p->dh.os_id_num);
		else
			kvs(f, "OS Dump Id", p->dh.os_id);
		break;
	case PEL_K_SW:
		for (unsigned k = 0; k < p->n_sw; k++) {
			const struct pel_sw *w = &p->sw[k];
			if (w->section != i)
				continue;
			kv(f, "Return Code", "0x%08X", w->rc);
			kv(f, "Object Id", "0x%08X", w->object_id);
			if (w->version == 2) {
				kv(f, "File Id", "0x%04X", w->file_id);
				kv(f, "Code Location", "0x%04X", w->code_loc);
			} else {
				kv(f, "Line Number", "%u", w->line);
				kvs(f, "File Name", w->file);
			}
		}
		break;
	case PEL_K_EI:
		kv(f, "Genesis Timestamp", "0x%016llX", (unsigned long long)p->ei.genesis);
		kv(f, "Corrosion / Temp / Rate", "%u / %u / %u", p->ei.corrosion, p->ei.temperature,
		   p->ei.rate);
		kv(f, "Status", "%u", p->ei.status);
		kv(f, "Reading Count", "%u", p->ei.reading_count);
		for (unsigned k = 0; k < p->ei.reading_avail; k++) {
			const uint8_t *r = p->ei.readings + 8 * k;
			kv(f, "Reading", "corrosion %u temp %u rate %u",
			   (unsigned)r[0] << 24 | (unsigned)r[1] << 16 | r[2] << 8 | r[3],
			   r[4] << 8 | r[5], r[6] << 8 | r[7]);
		}
		break;
	case PEL_K_OPAQUE:
	case PEL_K_COUNT:
		text_data(f, "Data", s->p + 8, s->avail - 8u, hex);
		break;
	}
}

void pel_render_text(FILE *f, const struct pel *p, const struct pel_render_opts *o)
{
	const struct pel_src *ps = pel_primary_src(p);
	char b[160];

	fprintf(f, "PEL 0x%08X", p->ph.entry_id);
	if (o && o->label)
		fprintf(f, "  %s", o->label);
	fprintf(f, "\n  %-26s: %zu bytes, %u sections%s%s\n", "Length", p->pel_len, p->n_sec,
		p->trailing ? ", followed by padding" : "", p->esel ? ", eSEL-wrapped" : "");
	if (ps)
		kvs(f, "SRC", ps->refcode);
	if (PEL_HAS(p, PEL_K_UH))
		kv(f, "Serviceable", "%s", p->uh.action & PEL_ACT_SERVICE ? "yes" : "no");
	if (p->esel && pel_render_selects(o, PEL_ID('S', 'E'))) {
		const struct pel_esel *e = &p->esel_hdr;
		fprintf(f, "-- eSEL Header\n");
		kv(f, "Record Id / Type", "%u / 0x%02X", e->record_id, e->record_type);
		kv(f, "Generator Id", "0x%04X", e->generator);
		kv(f, "Sensor Type / Number", "0x%02X / 0x%02X", e->sensor_type, e->sensor_num);
		kv(f, "Event Dir/Type", "0x%02X", e->event_dir);
	}
	for (unsigned i = 0; i < p->n_sec; i++)
		if (pel_render_selects(o, p->sec[i].id))
			text_section(f, p, i, o);
	if (p->n_warn) {
		fprintf(f, "-- Warnings\n");
		for (unsigned i = 0; i < p->n_warn; i++) {
			pel_warn_format(p, &p->warn[i], b, sizeof(b));
			fprintf(f, "  [%s] offset %u: %s\n",
				pel_warn_name((enum pel_warn_code)p->warn[i].code),
				p->warn[i].offset, b);
		}
		if (p->warn_dropped)
			fprintf(f, "  (%u more warnings not kept)\n", p->warn_dropped);
	}
}

void pel_render_summary(FILE *f, const struct pel *p, const char *label)
{
	const struct pel_src *ps = pel_primary_src(p);
	const struct pel_time *t = pel_log_time(p);
	bool uh = PEL_HAS(p, PEL_K_UH);
	char tb[48];

	fprintf(f, "0x%08X %-19s %-8.*s %c %-20s %-17s", p->ph.entry_id,
		t ? pel_time_format(t, tb, sizeof(tb)) : "-", ps ? (int)ps->refcode.len : 1,
		ps ? ps->refcode.p : "-", uh && (p->uh.action & PEL_ACT_SERVICE) ? '+' : ' ',
		uh ? pel_severity_class_name(p->uh.severity) : "-",
		pel_creator_name(p->ph.creator));
	if (label)
		fprintf(f, " %s", label);
	if (p->n_warn)
		fprintf(f, " (%u warning%s)", p->n_warn, p->n_warn == 1 ? "" : "s");
	putc('\n', f);
}
