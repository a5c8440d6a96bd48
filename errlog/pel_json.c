/*
 * pel_json.c - JSON renderer of a decoded PEL (field names: docs/pel-json.md).
 *
 * Renders from struct pel only (no re-parsing); reads section bytes only within each
 * section's `avail`. Field names are a stable interface: add fields, never rename.
 * Numbers that are codes or ids are "0x.." strings (json_hexnum); counts and lengths
 * are JSON numbers; absent optional values are omitted, unknown names are null.
 */
#include "errlog/pel.h"

#include <string.h>

#include "common/json.h"

static void kpstr(struct json_writer *w, const char *k, struct pel_str s)
{
	json_key(w, k);
	json_strn(w, s.p, s.len);
}

static void ktime(struct json_writer *w, const char *k, const struct pel_time *t)
{
	char b[32];

	json_key(w, k);
	json_obj_begin(w);
	json_key(w, "time");
	if (t->valid)
		json_str(w, pel_time_iso(t, b, sizeof(b)));
	else
		json_null(w);
	json_kbool(w, "valid", t->valid);
	json_key(w, "raw");
	json_hex(w, t->raw, 8);
	json_obj_end(w);
}

/* Top-level time: ISO string or null. */
static void ktime_flat(struct json_writer *w, const char *k, const struct pel_time *t)
{
	char b[32];

	json_key(w, k);
	if (t && t->valid)
		json_str(w, pel_time_iso(t, b, sizeof(b)));
	else
		json_null(w);
}

static void actions(struct json_writer *w, uint16_t a)
{
	json_key(w, "actions");
	json_arr_begin(w);
	for (unsigned bit = 0x8000; bit; bit >>= 1) {
		if (!(a & bit))
			continue;
		const char *n = pel_action_name((uint16_t)bit);
		if (n)
			json_str(w, n);
		else {
			char b[24];
			snprintf(b, sizeof(b), "Unknown 0x%04X", bit);
			json_str(w, b);
		}
	}
	json_arr_end(w);
}

static void body_ph(struct json_writer *w, const struct pel *p)
{
	const struct pel_ph *h = &p->ph;
	char c[2] = { (char)h->creator, 0 };

	ktime(w, "created", &h->create);
	ktime(w, "committed", &h->commit);
	json_kstr(w, "creator", c);
	json_kstr(w, "creator_name", pel_creator_name(h->creator));
	json_kuint(w, "log_type", h->log_type);
	json_kuint(w, "section_count", h->section_count);
	json_kuint(w, "bmc_event_log_id", h->bmc_log_id);
	json_key(w, "creator_subsystem_version");
	json_hex(w, h->cssver, 8);
	json_khexnum(w, "plid", h->plid, 8);
	json_khexnum(w, "entry_id", h->entry_id, 8);
}

static void body_uh(struct json_writer *w, const struct pel *p)
{
	const struct pel_uh *u = &p->uh;

	json_khexnum(w, "subsystem", u->subsystem, 2);
	json_kstr(w, "subsystem_name", pel_subsystem_name(u->subsystem));
	json_kuint(w, "scope", u->scope);
	json_kstr(w, "scope_name", pel_scope_name(u->scope));
	json_khexnum(w, "severity", u->severity, 2);
	json_kstr(w, "severity_name", pel_severity_name(u->severity));
	json_khexnum(w, "event_type", u->event_type, 2);
	json_kstr(w, "event_type_name", pel_event_type_name(u->event_type));
	json_khexnum(w, "problem_domain", u->problem_domain, 2);
	json_khexnum(w, "problem_vector", u->problem_vector, 2);
	json_khexnum(w, "action_flags", u->action, 4);
	actions(w, u->action);
	json_kuint(w, "host_transmission", u->states & 0xFF);
	json_kuint(w, "hmc_transmission", (u->states >> 8) & 0xFF);
}

static void callout(struct json_writer *w, const struct pel_callout *c)
{
	char pr[2] = { (char)c->priority, 0 };

	json_obj_begin(w);
	json_kstr(w, "priority", pr);
	json_kstr(w, "priority_name", pel_priority_name(c->priority));
	kpstr(w, "location", c->location);
	json_khexnum(w, "flags", c->flags, 2);
	if (c->has_fru) {
		json_key(w, "fru");
		json_obj_begin(w);
		json_khexnum(w, "type", c->fru_flags & 0xF0, 2);
		json_kstr(w, "type_name", pel_fru_type_name(c->fru_flags));
		if (c->fru_flags & PEL_FRU_PROC)
			kpstr(w, "procedure", c->part);
		else if (c->fru_flags & PEL_FRU_PN)
			kpstr(w, "part_number", c->part);
		if (c->fru_flags & PEL_FRU_CCIN)
			kpstr(w, "ccin", c->ccin);
		if (c->fru_flags & PEL_FRU_SN)
			kpstr(w, "serial_number", c->serial);
		json_obj_end(w);
	}
	if (c->has_pce) {
		json_key(w, "pce");
		json_obj_begin(w);
		kpstr(w, "machine_type_model", c->pce_mtm);
		kpstr(w, "serial_number", c->pce_serial);
		kpstr(w, "enclosure", c->pce_name);
		json_obj_end(w);
	}
	if (c->has_mru) {
		json_key(w, "mrus");
		json_arr_begin(w);
		for (unsigned i = 0; i < c->mru_count; i++) {
			char mp[2] = { (char)c->mru[i].priority, 0 };
			json_obj_begin(w);
			json_kstr(w, "priority", mp);
			json_khexnum(w, "id", c->mru[i].id, 8);
			json_obj_end(w);
		}
		json_arr_end(w);
	}
	json_obj_end(w);
}

static void body_src(struct json_writer *w, const struct pel_src *s)
{
	char hw[9];

	json_khexnum(w, "src_version", s->version, 2);
	json_khexnum(w, "src_flags", s->flags, 2);
	json_khexnum(w, "src_format", s->words[0] & 0xFF, 2);
	json_kuint(w, "valid_word_count", s->word_count);
	json_kuint(w, "src_size", s->src_size);
	kpstr(w, "reference_code", s->refcode);
	if (s->ext_refcode.len)
		kpstr(w, "extended_reference_code", s->ext_refcode);
	kpstr(w, "ascii", s->ascii_trim);
	json_key(w, "hex_words");
	json_arr_begin(w);
	for (int i = 0; i < 8; i++) {
		static const char hx[] = "0123456789ABCDEF";
		for (int k = 0; k < 8; k++)
			hw[k] = hx[(s->words[i] >> (28 - 4 * k)) & 0xF];
		json_strn(w, hw, 8);
	}
	json_arr_end(w);
	if (s->has_callouts) {
		json_key(w, "callouts");
		json_arr_begin(w);
		for (unsigned i = 0; i < s->callout_count; i++)
			callout(w, &s->callouts[i]);
		json_arr_end(w);
		if (s->callouts_skipped)
			json_kuint(w, "callouts_not_decoded", s->callouts_skipped);
	}
}

static void body_eh(struct json_writer *w, const struct pel *p)
{
	const struct pel_eh *h = &p->eh;

	kpstr(w, "machine_type_model", h->mtm);
	kpstr(w, "serial_number", h->serial);
	kpstr(w, "fw_release", h->fw_release);
	kpstr(w, "fw_subsystem_version", h->fw_subsys);
	ktime(w, "reference_time", &h->ref_time);
	json_kuint(w, "reference_time_offset", h->ref_time_at_62 ? 62 : 64);
	json_kuint(w, "symptom_id_length", h->symptom_len);
	kpstr(w, "symptom_id", h->symptom_id);
}

static void body_mtms(struct json_writer *w, const struct pel_mtms *m)
{
	kpstr(w, "machine_type_model", m->mtm);
	kpstr(w, "serial_number", m->serial);
}

/* skiboot UD payload: 4-char tag, be16 size, be16 component, then text (spec 4.6). */
static bool skiboot_ud(const struct pel *p, const uint8_t *d, size_t n)
{
	if (p->ph.creator != 'K' || n < 8)
		return false;
	for (int i = 0; i < 4; i++)
		if (d[i] < 'A' || d[i] > 'Z')
			return false;
	return true;
}

static void data_fields(struct json_writer *w, const uint8_t *d, size_t n, bool hex)
{
	json_kuint(w, "data_length", n);
	if (hex) {
		json_key(w, "data");
		json_hex(w, d, n);
	}
}

static void body_ud(struct json_writer *w, const struct pel *p, const struct pel_section *s,
		    bool hex)
{
	const uint8_t *d = s->p + 8;
	size_t n = s->avail - 8u;

	if (skiboot_ud(p, d, n)) {
		size_t tl = n - 8;
		json_key(w, "tag");
		json_strn(w, (const char *)d, 4);
		json_kuint(w, "payload_size", (uint64_t)d[4] << 8 | d[5]);
		json_khexnum(w, "payload_component", (uint64_t)d[6] << 8 | d[7], 4);
		while (tl > 0 && (d[8 + tl - 1] == 0 || d[8 + tl - 1] == '\n'))
			tl--;
		json_key(w, "text");
		json_strn(w, (const char *)d + 8, tl);
	}
	data_fields(w, d, n, hex);
}

static void body_section(struct json_writer *w, const struct pel *p, unsigned i,
			 const struct pel_render_opts *o)
{
	const struct pel_section *s = &p->sec[i];
	char sid[3];

	json_obj_begin(w);
	json_kstr(w, "id", pel_sid_str(s->id, sid));
	json_kstr(w, "title", pel_section_title(s->id));
	json_kuint(w, "offset", s->offset);
	json_kuint(w, "length", s->len);
	if (s->avail != s->len)
		json_kuint(w, "available", s->avail);
	json_kuint(w, "version", s->version);
	json_kuint(w, "subtype", s->subtype);
	json_khexnum(w, "component", s->component, 4);
	if (s->flags) {
		json_key(w, "flags");
		json_arr_begin(w);
		if (s->flags & PEL_SECF_TRUNCATED)
			json_str(w, "truncated");
		if (s->flags & PEL_SECF_SHORT)
			json_str(w, "short");
		if (s->flags & PEL_SECF_DUPLICATE)
			json_str(w, "duplicate");
		if (s->flags & PEL_SECF_MISPLACED)
			json_str(w, "misplaced");
		json_arr_end(w);
	}
	bool decoded = !(s->flags & (PEL_SECF_SHORT | PEL_SECF_DUPLICATE));
	if (!decoded) {
		data_fields(w, s->p + 8, s->avail - 8u, o && o->hex);
		json_obj_end(w);
		return;
	}
	switch ((enum pel_kind)s->kind) {
	case PEL_K_PH:
		body_ph(w, p);
		break;
	case PEL_K_UH:
		body_uh(w, p);
		break;
	case PEL_K_PS:
	case PEL_K_SS:
		for (unsigned k = 0; k < p->n_src; k++)
			if (p->src[k].section == i)
				body_src(w, &p->src[k]);
		break;
	case PEL_K_EH:
		body_eh(w, p);
		break;
	case PEL_K_MT:
		body_mtms(w, &p->mt);
		break;
	case PEL_K_HM:
		body_mtms(w, &p->hm);
		break;
	case PEL_K_UD:
		body_ud(w, p, s, o && o->hex);
		break;
	case PEL_K_ED: {
		char c[2] = { (char)s->p[8], 0 };
		json_kstr(w, "creator", c);
		json_kstr(w, "creator_name", pel_creator_name(s->p[8]));
		data_fields(w, s->p + 12, s->avail - 12u, o && o->hex);
		break;
	}
	case PEL_K_EP:
		json_kuint(w, "sensor_value", p->ep.sensor_value);
		json_kuint(w, "action", p->ep.action);
		json_kuint(w, "event", p->ep.event);
		json_kuint(w, "modifier", p->ep.modifier);
		json_kuint(w, "extended_modifier", p->ep.ext_modifier);
		json_khexnum(w, "reason_code", p->ep.reason, 8);
		break;
	case PEL_K_IE:
		json_kuint(w, "type", p->ie.type);
		json_kuint(w, "rpc_length", p->ie.rpc_len);
		json_khexnum(w, "scope", p->ie.scope, 2);
		json_kuint(w, "subtype", p->ie.subtype);
		json_khexnum(w, "drc_index", p->ie.drc_index, 8);
		if (p->ie.subtype == 5)
			json_khexnum(w, "new_size", p->ie.new_size, 16);
		else {
			json_key(w, "rpc_data");
			json_hex(w, p->ie.rpc_data, p->ie.rpc_data_len);
		}
		break;
	case PEL_K_MI:
		json_khexnum(w, "policy_flags", p->mi.policy_flags, 8);
		break;
	case PEL_K_CH:
		kpstr(w, "comment", p->ch);
		break;
	case PEL_K_LP:
		json_kuint(w, "primary_partition_id", p->lp.primary_lp);
		json_kuint(w, "target_count", p->lp.target_count);
		json_khexnum(w, "partition_log_id", p->lp.lp_log_id, 8);
		kpstr(w, "name", p->lp.name);
		json_key(w, "targets");
		json_arr_begin(w);
		for (unsigned k = 0; k < p->lp.target_avail; k++)
			json_uint(w,
				  (uint64_t)p->lp.targets[2 * k] << 8 | p->lp.targets[2 * k + 1]);
		json_arr_end(w);
		break;
	case PEL_K_LR:
		json_khexnum(w, "resource_type", p->lr.type, 2);
		json_kuint(w, "entitled_capacity", p->lr.capacity);
		json_khexnum(w, "cpu_id_or_drc_index", p->lr.cpu_or_drc, 8);
		json_khexnum(w, "memory_address", (uint64_t)p->lr.cpu_or_drc << 32 | p->lr.mem_low,
			     16);
		break;
	case PEL_K_DH:
		json_kuint(w, "dump_type", p->dh.dump_type);
		json_khexnum(w, "dump_id", p->dh.dump_id, 8);
		json_khexnum(w, "flags", p->dh.flags, 2);
		json_kuint(w, "dump_size", p->dh.dump_size);
		json_kbool(w, "os_dump_id_hex", p->dh.os_id_hex);
		if (p->dh.os_id_hex)
			json_khexnum(w, "os_dump_id", p->dh.os_id_num, 8);
		else
			kpstr(w, "os_dump_id", p->dh.os_id);
		break;
	case PEL_K_SW:
		for (unsigned k = 0; k < p->n_sw; k++) {
			const struct pel_sw *sw = &p->sw[k];
			if (sw->section != i)
				continue;
			json_khexnum(w, "return_code", sw->rc, 8);
			json_khexnum(w, "object_id", sw->object_id, 8);
			if (sw->version == 2) {
				json_khexnum(w, "file_id", sw->file_id, 4);
				json_khexnum(w, "code_location", sw->code_loc, 4);
			} else {
				json_kuint(w, "line_number", sw->line);
				kpstr(w, "file_name", sw->file);
			}
		}
		break;
	case PEL_K_EI:
		json_khexnum(w, "genesis_timestamp", p->ei.genesis, 16);
		json_kuint(w, "corrosion", p->ei.corrosion);
		json_kuint(w, "temperature", p->ei.temperature);
		json_kuint(w, "corrosion_rate", p->ei.rate);
		json_kuint(w, "status", p->ei.status);
		json_kbool(w, "user_data_present", p->ei.ud_present != 0);
		json_kuint(w, "reading_count", p->ei.reading_count);
		json_key(w, "readings");
		json_arr_begin(w);
		for (unsigned k = 0; k < p->ei.reading_avail; k++) {
			const uint8_t *r = p->ei.readings + 8 * k;
			json_obj_begin(w);
			json_kuint(w, "corrosion",
				   (uint64_t)r[0] << 24 | (uint64_t)r[1] << 16 | r[2] << 8 | r[3]);
			json_kuint(w, "temperature", (uint64_t)r[4] << 8 | r[5]);
			json_kuint(w, "corrosion_rate", (uint64_t)r[6] << 8 | r[7]);
			json_obj_end(w);
		}
		json_arr_end(w);
		break;
	case PEL_K_OPAQUE:
	case PEL_K_COUNT:
		data_fields(w, s->p + 8, s->avail - 8u, o && o->hex);
		break;
	}
	json_obj_end(w);
}

void pel_render_json(struct json_writer *w, const struct pel *p, const struct pel_render_opts *o)
{
	const struct pel_src *ps = pel_primary_src(p);
	bool uh = PEL_HAS(p, PEL_K_UH);
	char c[2] = { (char)p->ph.creator, 0 }, b[160];

	json_obj_begin(w);
	if (o && o->label)
		json_kstr(w, "file", o->label);
	json_khexnum(w, "entry_id", p->ph.entry_id, 8);
	json_khexnum(w, "plid", p->ph.plid, 8);
	json_kstr(w, "creator", c);
	json_kstr(w, "creator_name", pel_creator_name(p->ph.creator));
	ktime_flat(w, "created", &p->ph.create);
	ktime_flat(w, "committed", &p->ph.commit);
	ktime_flat(w, "log_time", pel_log_time(p));
	if (uh) {
		json_khexnum(w, "severity", p->uh.severity, 2);
		json_kstr(w, "severity_name", pel_severity_name(p->uh.severity));
		json_khexnum(w, "subsystem", p->uh.subsystem, 2);
		json_kstr(w, "subsystem_name", pel_subsystem_name(p->uh.subsystem));
		json_khexnum(w, "event_type", p->uh.event_type, 2);
		json_kuint(w, "scope", p->uh.scope);
		json_khexnum(w, "action_flags", p->uh.action, 4);
		json_kbool(w, "serviceable", p->uh.action & PEL_ACT_SERVICE);
		json_kbool(w, "call_home", p->uh.action & PEL_ACT_CALL_HOME);
		json_kbool(w, "hidden", p->uh.action & PEL_ACT_HIDDEN);
	}
	if (ps)
		kpstr(w, "reference_code", ps->refcode);
	json_kbool(w, "esel", p->esel);
	if (p->esel) {
		const struct pel_esel *e = &p->esel_hdr;
		json_key(w, "esel_header");
		json_obj_begin(w);
		json_kuint(w, "record_id", e->record_id);
		json_khexnum(w, "record_type", e->record_type, 2);
		json_kuint(w, "timestamp", e->timestamp);
		json_khexnum(w, "generator_id", e->generator, 4);
		json_kuint(w, "evm_revision", e->evm_rev);
		json_khexnum(w, "sensor_type", e->sensor_type, 2);
		json_khexnum(w, "sensor_number", e->sensor_num, 2);
		json_khexnum(w, "event_dir_type", e->event_dir, 2);
		json_khexnum(w, "event_data1", e->event_data1, 2);
		json_khexnum(w, "event_data23", e->event_data23, 4);
		json_obj_end(w);
	}
	json_kuint(w, "length", p->pel_len);
	json_kuint(w, "buffer_length", p->data_len);
	json_kuint(w, "trailing_bytes", p->trailing);
	json_kbool(w, "truncated", p->truncated);
	json_kbool(w, "corrupt", p->corrupt);
	json_key(w, "sections");
	json_arr_begin(w);
	for (unsigned i = 0; i < p->n_sec; i++)
		if (pel_render_selects(o, p->sec[i].id))
			body_section(w, p, i, o);
	json_arr_end(w);
	json_key(w, "warnings");
	json_arr_begin(w);
	for (unsigned i = 0; i < p->n_warn; i++) {
		const struct pel_warning *x = &p->warn[i];
		json_obj_begin(w);
		json_kstr(w, "code", pel_warn_name((enum pel_warn_code)x->code));
		json_kuint(w, "offset", x->offset);
		if (x->section < p->n_sec)
			json_kuint(w, "section", x->section);
		pel_warn_format(p, x, b, sizeof(b));
		json_kstr(w, "message", b);
		json_obj_end(w);
	}
	json_arr_end(w);
	if (p->warn_dropped)
		json_kuint(w, "warnings_dropped", p->warn_dropped);
	json_obj_end(w);
}

void pel_render_json_doc(FILE *f, const struct pel *p, const struct pel_render_opts *o, bool pretty)
{
	struct json_writer w;

	json_init(&w, f, pretty);
	pel_render_json(&w, p, o);
	json_end_doc(&w);
}
