/*
 * vpd_render.c - the renderers of inventories, FRUs and changes: an lscfg-like table,
 * the lsvpd-compatible "*XX value" keyword stream, CSV and JSON (field names in
 * docs/vpd-json.md, a stable interface). Decoding happens once (inventory.c); these
 * only print.
 *
 * Invariants: text fields come from VPD (untrusted): the table and lsvpd output
 * replace control characters, CSV quotes per RFC 4180, JSON escapes via common/json.
 */
#include "vpd/vpd.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"

/* Print s with control characters replaced by '?'. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

void vpd_inventory_print_table(FILE *f, const struct vpd_inventory *inv)
{
	fprintf(f, "%-28s %-10s %-5s %-9s %-9s %-15s %-7s %-20s %s\n", "LOCATION", "TYPE", "CCIN",
		"PART", "FRU", "SERIAL", "EC", "FIRMWARE", "DESCRIPTION");
	for (size_t i = 0; i < inv->n; i++) {
		const struct vpd_fru *u = &inv->frus[i];
		char line[1024];
		snprintf(line, sizeof(line), "%-28s %-10s %-5s %-9s %-9s %-15s %-7s %-20s %s",
			 u->location, dash(u->fru_type), dash(u->ccin), dash(u->part_number),
			 dash(u->fru_number), dash(u->serial), dash(u->ec_level), dash(u->fw_level),
			 dash(u->description));
		put_clean(f, line);
		fputc('\n', f);
	}
}

static void lsvpd_line(FILE *f, const char *kw, const char *v)
{
	if (!v || !*v)
		return;
	fprintf(f, "*%s ", kw);
	put_clean(f, v);
	fputc('\n', f);
}

void vpd_inventory_print_lsvpd(FILE *f, const struct vpd_inventory *inv)
{
	const struct vpd_fru *sys = NULL;

	for (size_t i = 0; i < inv->n && !sys; i++)
		if (!strcmp(inv->frus[i].fru_type, "system"))
			sys = &inv->frus[i];
	fprintf(f, "*VC 5.0\n");
	if (sys) {
		for (size_t k = 0; k < sys->n_fields; k++)
			if (!strcmp(sys->fields[k].kw, "TM"))
				lsvpd_line(f, "TM", sys->fields[k].value);
		lsvpd_line(f, "SE", sys->serial);
	}
	for (size_t i = 0; i < inv->n; i++) {
		const struct vpd_fru *u = &inv->frus[i];
		bool have_fn = false, have_pn = false, have_sn = false, have_cc = false,
		     have_ec = false, have_rm = false;
		fprintf(f, "*FC ********\n");
		lsvpd_line(f, "DS", u->description);
		lsvpd_line(f, "YL", u->location);
		for (size_t k = 0; k < u->n_fields; k++) {
			const char *kw = u->fields[k].kw;
			if (!strcmp(kw, "RT") || !strcmp(kw, "DR") || !strcmp(kw, "PF"))
				continue; /* record type, description (as DS), padding */
			have_fn |= !strcmp(kw, "FN");
			have_pn |= !strcmp(kw, "PN");
			have_sn |= !strcmp(kw, "SN");
			have_cc |= !strcmp(kw, "CC");
			have_ec |= !strcmp(kw, "EC");
			have_rm |= !strcmp(kw, "RM");
			lsvpd_line(f, kw, u->fields[k].value);
		}
		/* Mapped fields that came from other keywords (VP, VS, SE, OPAL firmware). */
		if (!have_pn)
			lsvpd_line(f, "PN", u->part_number);
		if (!have_fn)
			lsvpd_line(f, "FN", u->fru_number);
		if (!have_sn && u != sys)
			lsvpd_line(f, "SN", u->serial);
		if (!have_cc)
			lsvpd_line(f, "CC", u->ccin);
		if (!have_ec)
			lsvpd_line(f, "EC", u->ec_level);
		if (!have_rm)
			lsvpd_line(f, "RM", u->fw_level);
	}
}

static void csv_field(FILE *f, const char *s, bool last)
{
	bool q = strpbrk(s, ",\"\r\n") != NULL;

	if (q) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

void vpd_inventory_print_csv(FILE *f, const struct vpd_inventory *inv)
{
	fprintf(f, "location,fru_type,ccin,part_number,fru_number,serial,ec_level,fw_level,"
		   "description,source,node\n");
	for (size_t i = 0; i < inv->n; i++) {
		const struct vpd_fru *u = &inv->frus[i];
		csv_field(f, u->location, false);
		csv_field(f, u->fru_type, false);
		csv_field(f, u->ccin, false);
		csv_field(f, u->part_number, false);
		csv_field(f, u->fru_number, false);
		csv_field(f, u->serial, false);
		csv_field(f, u->ec_level, false);
		csv_field(f, u->fw_level, false);
		csv_field(f, u->description, false);
		csv_field(f, u->source, false);
		csv_field(f, u->node, true);
	}
}

void vpd_fru_write_json(struct json_writer *w, const struct vpd_fru *u, bool keywords)
{
	json_obj_begin(w);
	json_kstr(w, "location", u->location);
	json_kstr(w, "fru_type", u->fru_type);
	json_kstr(w, "description", u->description);
	json_kstr(w, "part_number", u->part_number);
	json_kstr(w, "fru_number", u->fru_number);
	json_kstr(w, "serial", u->serial);
	json_kstr(w, "ccin", u->ccin);
	json_kstr(w, "ec_level", u->ec_level);
	json_kstr(w, "fw_level", u->fw_level);
	json_kstr(w, "source", u->source);
	json_kstr(w, "node", u->node);
	if (keywords) {
		json_key(w, "keywords");
		json_arr_begin(w);
		for (size_t k = 0; k < u->n_fields; k++) {
			const char *name =
				vpd_keyword_name(u->fields[k].kw, strcmp(u->source, "pci") != 0);
			json_obj_begin(w);
			json_kstr(w, "keyword", u->fields[k].kw);
			if (name)
				json_kstr(w, "name", name);
			json_kstr(w, "value", u->fields[k].value);
			json_obj_end(w);
		}
		json_arr_end(w);
	}
	json_obj_end(w);
}

void vpd_fru_print_text(FILE *f, const struct vpd_fru *u)
{
	static const char *const lab[] = { "Location",	     "Type",   "Description", "Part number",
					   "FRU number",     "Serial", "CCIN",	      "EC level",
					   "Firmware level", "Source", "Node" };
	const char *val[] = { u->location,   u->fru_type, u->description, u->part_number,
			      u->fru_number, u->serial,	  u->ccin,	  u->ec_level,
			      u->fw_level,   u->source,	  u->node };

	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		fprintf(f, "%-15s ", lab[i]);
		put_clean(f, dash(val[i]));
		fputc('\n', f);
	}
	if (u->n_fields)
		fprintf(f, "Keywords:\n");
	for (size_t k = 0; k < u->n_fields; k++) {
		const char *name = vpd_keyword_name(u->fields[k].kw, strcmp(u->source, "pci") != 0);
		fprintf(f, "  [%s] %-26s ", u->fields[k].kw, name ? name : "Unknown");
		put_clean(f, u->fields[k].value);
		fputc('\n', f);
	}
}

void vpd_change_print_text(FILE *f, const struct vpd_change *c)
{
	const struct vpd_fru *o = c->old_fru, *w = c->new_fru, *u = w ? w : o;
	char line[1024];

	switch (c->kind) {
	case VPD_CHG_ADDED:
		snprintf(line, sizeof(line), "+ %-28s added      %s PN %s SN %s", u->location,
			 dash(u->description), dash(u->part_number), dash(u->serial));
		break;
	case VPD_CHG_REMOVED:
		snprintf(line, sizeof(line), "- %-28s removed    %s PN %s SN %s", u->location,
			 dash(u->description), dash(u->part_number), dash(u->serial));
		break;
	case VPD_CHG_REPLACED:
		snprintf(line, sizeof(line), "~ %-28s replaced   SN %s -> %s  PN %s -> %s",
			 u->location, dash(o->serial), dash(w->serial), dash(o->part_number),
			 dash(w->part_number));
		break;
	case VPD_CHG_FW_CHANGED:
		snprintf(line, sizeof(line), "~ %-28s fw-changed %s -> %s", u->location,
			 dash(o->fw_level), dash(w->fw_level));
		break;
	default:
		snprintf(line, sizeof(line),
			 "~ %-28s updated    PN %s -> %s EC %s -> %s CCIN %s -> %s", u->location,
			 dash(o->part_number), dash(w->part_number), dash(o->ec_level),
			 dash(w->ec_level), dash(o->ccin), dash(w->ccin));
		break;
	}
	put_clean(f, line);
	fputc('\n', f);
}

void vpd_change_write_json(struct json_writer *w, const struct vpd_change *c)
{
	json_obj_begin(w);
	json_kstr(w, "change", vpd_change_kind_name(c->kind));
	json_kstr(w, "location", (c->new_fru ? c->new_fru : c->old_fru)->location);
	json_key(w, "old");
	if (c->old_fru)
		vpd_fru_write_json(w, c->old_fru, false);
	else
		json_null(w);
	json_key(w, "new");
	if (c->new_fru)
		vpd_fru_write_json(w, c->new_fru, false);
	else
		json_null(w);
	json_obj_end(w);
}
