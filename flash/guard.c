/*
 * guard.c - decode, edit and print GUARD records (see guard.h).
 *
 * The unit tables are data: one array per chip generation, searched by id for
 * printing and by case-insensitive name for parsing. Record edits work on the
 * in-memory set; the caller re-encodes the whole partition with valid ECC.
 */
#include "flash/guard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/bytes.h"

struct unit {
	uint8_t type;
	const char *name;
};

/* P8 target types (hostboot, as used by opal-gard -8). */
static const struct unit p8_units[] = {
	{ 0x00, "NA" },
	{ 0x01, "Sys" },
	{ 0x02, "Node" },
	{ 0x03, "DIMM" },
	{ 0x04, "Membuf" },
	{ 0x05, "Proc" },
	{ 0x06, "EX" },
	{ 0x07, "Core" },
	{ 0x08, "L2" },
	{ 0x09, "L3" },
	{ 0x0A, "L4" },
	{ 0x0B, "MCS" },
	{ 0x0D, "MBA" },
	{ 0x0E, "XBUS" },
	{ 0x0F, "ABUS" },
	{ 0x10, "PCI" },
	{ 0x11, "DPSS" },
	{ 0x12, "APSS" },
	{ 0x13, "OCC" },
	{ 0x14, "PSI" },
	{ 0x15, "FSP" },
	{ 0x16, "PNOR" },
	{ 0x17, "OSC" },
	{ 0x18, "TODCLK" },
	{ 0x19, "CONTROL_NODE" },
	{ 0x1A, "OSCREFCLK" },
	{ 0x1B, "OSCPCICLK" },
	{ 0x1C, "REFCLKENDPT" },
	{ 0x1D, "PCICLKENDPT" },
	{ 0x1E, "NX" },
	{ 0x1F, "PORE" },
	{ 0x20, "PCIESWITCH" },
	{ 0x21, "CAPP" },
	{ 0x22, "FSI" },
	{ 0x23, "TPM" },
	{ 0x24, "SYSREFCLKENDPT" },
	{ 0x25, "MFREFCLKENDPT" },
	{ 0x26, "FSICM" },
	{ 0x27, "MFREFCLK" },
	{ 0x28, "TESTFAIL" },
};

/* P9 target types (hostboot, as used by opal-gard -9). */
static const struct unit p9_units[] = {
	{ 0x00, "NA" },
	{ 0x01, "Sys" },
	{ 0x02, "Node" },
	{ 0x03, "DIMM" },
	{ 0x04, "Membuf" },
	{ 0x05, "Proc" },
	{ 0x06, "EX" },
	{ 0x07, "Core" },
	{ 0x08, "L2" },
	{ 0x09, "L3" },
	{ 0x0A, "L4" },
	{ 0x0B, "MCS" },
	{ 0x0D, "MBA" },
	{ 0x0E, "XBUS" },
	{ 0x0F, "ABUS" },
	{ 0x10, "PCI" },
	{ 0x11, "DPSS" },
	{ 0x12, "APSS" },
	{ 0x13, "OCC" },
	{ 0x14, "PSI" },
	{ 0x15, "FSP" },
	{ 0x16, "PNOR" },
	{ 0x17, "OSC" },
	{ 0x18, "TODCLK" },
	{ 0x19, "CONTROL_NODE" },
	{ 0x1A, "OSCREFCLK" },
	{ 0x1B, "OSCPCICLK" },
	{ 0x1C, "REFCLKENDPT" },
	{ 0x1D, "PCICLKENDPT" },
	{ 0x1E, "NX" },
	{ 0x1F, "PORE" },
	{ 0x20, "PCIESWITCH" },
	{ 0x21, "CAPP" },
	{ 0x22, "FSI" },
	{ 0x23, "EQ" },
	{ 0x24, "MCA" },
	{ 0x25, "MCBIST" },
	{ 0x26, "MI" },
	{ 0x27, "DMI" },
	{ 0x28, "OBUS" },
	{ 0x2A, "SBE" },
	{ 0x2B, "PPE" },
	{ 0x2C, "PERV" },
	{ 0x2D, "PEC" },
	{ 0x2E, "PHB" },
	{ 0x2F, "SYSREFCLKENDPT" },
	{ 0x30, "MFREFCLKENDPT" },
	{ 0x31, "TPM" },
	{ 0x32, "SP" },
	{ 0x33, "UART" },
	{ 0x34, "PS" },
	{ 0x35, "FAN" },
	{ 0x36, "VRM" },
	{ 0x37, "USB" },
	{ 0x38, "ETH" },
	{ 0x39, "PANEL" },
	{ 0x3A, "BMC" },
	{ 0x3B, "FLASH" },
	{ 0x3C, "SEEPROM" },
	{ 0x3D, "TMP" },
	{ 0x3E, "GPIO_EXPANDER" },
	{ 0x3F, "POWER_SEQUENCER" },
	{ 0x40, "RTC" },
	{ 0x41, "FANCTLR" },
	{ 0x42, "OBUS_BRICK" },
	{ 0x43, "NPU" },
	{ 0x44, "MC" },
	{ 0x45, "TEST_FAIL" },
	{ 0x46, "MFREFCLK" },
	{ 0x47, "SMPGROUP" },
};

/* P10 target types: hostboot's P10 enumeration is the P9 one plus these units. */
static const struct unit p10_extra_units[] = {
	{ 0x48, "OMI" },
	{ 0x49, "MCC" },
	{ 0x4A, "OMIC" },
	{ 0x4B, "OCMB_CHIP" },
	{ 0x4C, "MEM_PORT" },
	{ 0x4D, "I2C_MUX" },
	{ 0x4E, "PMIC" },
	{ 0x4F, "NMMU" },
	{ 0x50, "PAU" },
	{ 0x51, "IOHS" },
	{ 0x52, "PAUC" },
	{ 0x53, "FC" },
	{ 0x54, "LPCREFCLKENDPT" },
	{ 0x55, "GENERIC_I2C_DEVICE" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The unit tables of a chip: one, or P9's followed by P10's own (returns how many). */
static size_t tables(enum guard_chip c, const struct unit *t[2], size_t n[2])
{
	switch (c) {
	case GUARD_P8:
		t[0] = p8_units, n[0] = N(p8_units);
		return 1;
	case GUARD_P10:
		t[0] = p9_units, n[0] = N(p9_units);
		t[1] = p10_extra_units, n[1] = N(p10_extra_units);
		return 2;
	default:
		t[0] = p9_units, n[0] = N(p9_units);
		return 1;
	}
}

const char *guard_unit_name(enum guard_chip c, uint8_t type)
{
	const struct unit *t[2];
	size_t n[2], nt = tables(c, t, n);

	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < n[k]; i++)
			if (t[k][i].type == type)
				return t[k][i].name;
	return NULL;
}

int guard_unit_find(enum guard_chip c, const char *name, size_t len)
{
	const struct unit *t[2];
	size_t n[2], nt = tables(c, t, n);

	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < n[k]; i++)
			if (strlen(t[k][i].name) == len && !strncasecmp(t[k][i].name, name, len))
				return t[k][i].type;
	return -1;
}

static const struct {
	uint8_t v;
	const char *name;
} err_types[] = {
	{ 0x00, "None" },	{ 0xD2, "Manual" },	{ 0xE2, "Unrecoverable" },
	{ 0xE3, "Fatal" },	{ 0xE6, "Predictive" }, { 0xE9, "Power" },
	{ 0xEA, "Hypervisor" }, { 0xEB, "Reconfig" },	{ 0xFF, "Void" },
};

const char *guard_error_type_name(uint8_t t)
{
	for (size_t i = 0; i < N(err_types); i++)
		if (err_types[i].v == t)
			return err_types[i].name;
	return "Unknown";
}

const char *guard_path_type_name(uint8_t t)
{
	static const char *const n[] = { "not applicable", "affinity", "physical", "device",
					 "power" };

	return t < 5 ? n[t] : "unknown";
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}

static void rec_decode(const uint8_t *p, struct guard_rec *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->raw, p, GUARD_REC_SIZE);
	r->id = be32(p);
	r->path_type = p[4] >> 4;
	r->n = p[4] & 0x0F;
	for (int i = 0; i < GUARD_MAX_ELEMS; i++) {
		r->el[i].type = p[5 + 2 * i];
		r->el[i].inst = p[6 + 2 * i];
	}
	r->eid = be32(p + 28);
	r->error_type = p[32];
	r->recovery = p[33];
}

static void rec_encode(const struct guard_rec *r, uint8_t *p)
{
	if (p != r->raw)
		memcpy(p, r->raw, GUARD_REC_SIZE);
	put_be32(p, r->id);
	p[4] = (uint8_t)(r->path_type << 4 | (r->n & 0x0F));
	for (int i = 0; i < GUARD_MAX_ELEMS; i++) {
		p[5 + 2 * i] = i < r->n ? r->el[i].type : 0;
		p[6 + 2 * i] = i < r->n ? r->el[i].inst : 0;
	}
	put_be32(p + 28, r->eid);
	p[32] = r->error_type;
	p[33] = r->recovery;
}

void guard_set_free(struct guard_set *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}

int guard_parse(const uint8_t *data, size_t len, struct guard_set *s, struct ras_err *e)
{
	memset(s, 0, sizeof(*s));
	s->cap = len / GUARD_REC_SIZE;
	s->r = calloc(s->cap ? s->cap : 1, sizeof(*s->r));
	if (!s->r)
		return ras_errf(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->cap; i++) {
		const uint8_t *p = data + i * GUARD_REC_SIZE;
		struct guard_rec *r = &s->r[s->n];

		if (all_ff(p, GUARD_REC_SIZE))
			break;
		rec_decode(p, r);
		if (r->n > GUARD_MAX_ELEMS) {
			int rc = ras_errf(e, -EBADMSG,
					  "GUARD record %zu at data offset 0x%zx: path has %u "
					  "elements, at most 10",
					  i, i * GUARD_REC_SIZE, r->n);
			guard_set_free(s);
			return rc;
		}
		s->n++;
	}
	return 0;
}

int guard_serialize(const struct guard_set *s, uint8_t *data, size_t len, struct ras_err *e)
{
	if (s->n * GUARD_REC_SIZE > len)
		return ras_errf(e, -ENOSPC, "%zu GUARD records do not fit %zu bytes", s->n, len);
	memset(data, 0xFF, len);
	for (size_t i = 0; i < s->n; i++)
		rec_encode(&s->r[i], data + i * GUARD_REC_SIZE);
	return 0;
}

void guard_path_format(const struct guard_rec *r, enum guard_chip c, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < r->n && i < GUARD_MAX_ELEMS && used < n; i++) {
		const char *u = guard_unit_name(c, r->el[i].type);
		int k;

		if (u)
			k = snprintf(out + used, n - used, "/%s%u", u, r->el[i].inst);
		else
			k = snprintf(out + used, n - used, "/Unknown0x%02x%u", r->el[i].type,
				     r->el[i].inst);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	if (!r->n)
		snprintf(out, n, "/");
}

int guard_path_parse(const char *s, enum guard_chip c, struct guard_rec *r, struct ras_err *e)
{
	const char *p = s;

	memset(r, 0, sizeof(*r));
	memset(r->raw, 0xFF, sizeof(r->raw));
	r->path_type = 2; /* physical */
	if (*p != '/')
		return ras_errf(e, -EINVAL,
				"path '%s' must start with '/' (e.g. /Sys0/Node0/Proc1)", s);
	while (*p == '/') {
		const char *name = ++p;
		size_t nl;
		unsigned long inst;
		char *end;
		int type;

		while (*p && *p != '/' && !(*p >= '0' && *p <= '9'))
			p++;
		nl = (size_t)(p - name);
		if (!nl || !(*p >= '0' && *p <= '9'))
			return ras_errf(e, -EINVAL,
					"path '%s': element at %zu needs a unit name and an "
					"instance number",
					s, (size_t)(name - s));
		type = guard_unit_find(c, name, nl);
		if (type < 0)
			return ras_errf(e, -EINVAL, "path '%s': unknown unit '%.*s' for P%d", s,
					(int)nl, name, (int)c);
		inst = strtoul(p, &end, 10);
		if (inst > 255)
			return ras_errf(e, -EINVAL, "path '%s': instance %lu is larger than 255", s,
					inst);
		p = end;
		if (r->n == GUARD_MAX_ELEMS)
			return ras_errf(e, -EINVAL, "path '%s' has more than 10 elements", s);
		r->el[r->n].type = (uint8_t)type;
		r->el[r->n].inst = (uint8_t)inst;
		r->n++;
	}
	if (*p)
		return ras_errf(e, -EINVAL, "path '%s': unexpected '%c' at %zu", s, *p,
				(size_t)(p - s));
	return 0;
}

static bool same_path(const struct guard_rec *a, const struct guard_rec *b)
{
	if (a->n != b->n || a->path_type != b->path_type)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->el[i].type != b->el[i].type || a->el[i].inst != b->el[i].inst)
			return false;
	return true;
}

const struct guard_rec *guard_find(const struct guard_set *s, uint32_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].id == id)
			return &s->r[i];
	return NULL;
}

int guard_create(struct guard_set *s, const struct guard_rec *path, struct guard_rec **out,
		 struct ras_err *e)
{
	uint32_t max = 0;
	struct guard_rec *r;

	for (size_t i = 0; i < s->n; i++) {
		if (s->r[i].id != GUARD_ID_CLEARED && same_path(&s->r[i], path))
			return ras_errf(e, -EEXIST,
					"a GUARD record for this path exists already (id 0x%08x)",
					s->r[i].id);
		if (s->r[i].id != GUARD_ID_CLEARED && s->r[i].id > max)
			max = s->r[i].id;
	}
	if (s->n >= s->cap)
		return ras_errf(e, -ENOSPC,
				"GUARD is full: %zu records fill its ECC data capacity (%zu)", s->n,
				s->cap);
	if (max >= GUARD_ID_CLEARED - 1)
		return ras_errf(e, -EOVERFLOW, "GUARD record ids are exhausted");
	r = &s->r[s->n];
	*r = *path;
	memset(r->raw, 0xFF, sizeof(r->raw)); /* pads are 0xFF, as opal-gard writes them */
	r->id = max + 1;
	r->path_type = 2;
	r->eid = 0;
	r->error_type = 0xD2; /* manual */
	r->recovery = 0xFF;
	rec_encode(r, r->raw);
	s->n++;
	if (out)
		*out = r;
	return 0;
}

int guard_clear(struct guard_set *s, uint32_t id, struct ras_err *e)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].id == id) {
			memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(*s->r));
			s->n--;
			return 0;
		}
	return ras_errf(e, -ENOENT, "no GUARD record with id 0x%08x", id);
}

void guard_list_text(FILE *f, const struct guard_set *s, enum guard_chip c)
{
	size_t shown = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct guard_rec *r = &s->r[i];
		char path[256];

		if (r->id == GUARD_ID_CLEARED)
			continue;
		if (!shown++)
			fprintf(f, " ID       | Error    | Type       | Path\n"
				   "---------------------------------------------------------------"
				   "--------\n");
		guard_path_format(r, c, path, sizeof(path));
		fprintf(f, " %08x | %08x | %-10s | %s\n", r->id, r->eid,
			guard_error_type_name(r->error_type), path);
	}
	if (shown)
		fprintf(f, "======================================================================="
			   "\n");
	else
		fprintf(f, "No GARD entries to display\n");
}

void guard_show_text(FILE *f, const struct guard_rec *r, enum guard_chip c)
{
	char path[256];

	guard_path_format(r, c, path, sizeof(path));
	fprintf(f, "Record ID:    0x%08x\n========================\n", r->id);
	fprintf(f, "Error ID:     0x%08x\n", r->eid);
	fprintf(f, "Error Type:   %s (0x%02x)\n", guard_error_type_name(r->error_type),
		r->error_type);
	fprintf(f, "Res Recovery: 0x%02x\n", r->recovery);
	fprintf(f, "Path Type:    %s\n", guard_path_type_name(r->path_type));
	fprintf(f, "Path:         %s\n", path);
	for (int i = 0; i < r->n; i++) {
		const char *u = guard_unit_name(c, r->el[i].type);

		fprintf(f, ">%-15s Type 0x%02x, Instance #%u\n", u ? u : "Unknown", r->el[i].type,
			r->el[i].inst);
	}
}

void guard_rec_json(struct json_writer *w, const struct guard_rec *r, enum guard_chip c)
{
	char path[256];

	guard_path_format(r, c, path, sizeof(path));
	json_obj_begin(w);
	json_khexnum(w, "id", r->id, 8);
	json_khexnum(w, "errlog_eid", r->eid, 8);
	json_khexnum(w, "error_type", r->error_type, 2);
	json_kstr(w, "error_type_name", guard_error_type_name(r->error_type));
	json_kuint(w, "resource_recovery", r->recovery);
	json_kstr(w, "path_type", guard_path_type_name(r->path_type));
	json_kstr(w, "path", path);
	json_key(w, "elements");
	json_arr_begin(w);
	for (int i = 0; i < r->n; i++) {
		const char *u = guard_unit_name(c, r->el[i].type);

		json_obj_begin(w);
		json_kstr(w, "unit", u ? u : "Unknown");
		json_kuint(w, "type", r->el[i].type);
		json_kuint(w, "instance", r->el[i].inst);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "raw");
	json_hex(w, r->raw, GUARD_REC_SIZE);
	json_obj_end(w);
}
