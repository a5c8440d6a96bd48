/*
 * pel_encode.c - PEL encoder and realistic random PEL generator (see pel_encode.h).
 *
 * Invariants: every write goes through struct penc, whose put helpers check the
 * remaining capacity and set a sticky overflow flag instead of writing past the end;
 * section lengths are patched after the section body is complete, so the length field
 * always equals the bytes written; strings are copied into fixed-width fields with
 * explicit padding (never an unterminated over-read of the source: lengths come from
 * strnlen bounded by the field width).
 */
#include "errlog/pel_encode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/bytes.h"

struct penc {
	uint8_t *buf;
	size_t cap;
	size_t off;
	bool overflow;
};

static uint8_t *penc_take(struct penc *p, size_t n)
{
	uint8_t *q;

	if (p->overflow || !range_ok(p->cap, p->off, n)) {
		p->overflow = true;
		return NULL;
	}
	q = p->buf + p->off;
	memset(q, 0, n);
	p->off += n;
	return q;
}

static void penc_u8(struct penc *p, uint8_t v)
{
	uint8_t *q = penc_take(p, 1);
	if (q)
		q[0] = v;
}

static void penc_be16(struct penc *p, uint16_t v)
{
	uint8_t *q = penc_take(p, 2);
	if (q)
		put_be16(q, v);
}

static void penc_be32(struct penc *p, uint32_t v)
{
	uint8_t *q = penc_take(p, 4);
	if (q)
		put_be32(q, v);
}

/* A fixed-width ASCII field: s (may be NULL) truncated to width, padded with pad. */
static void penc_str(struct penc *p, const char *s, size_t width, char pad)
{
	uint8_t *q = penc_take(p, width);
	size_t n;

	if (!q)
		return;
	memset(q, (unsigned char)pad, width);
	if (!s)
		return;
	n = strnlen(s, width);
	memcpy(q, s, n);
}

static void penc_bytes(struct penc *p, const void *src, size_t n)
{
	uint8_t *q = penc_take(p, n);
	if (q && n)
		memcpy(q, src, n);
}

static size_t penc_section_begin(struct penc *p, const char id[2], uint8_t version, uint8_t subtype,
				 uint16_t component)
{
	size_t start = p->off;

	penc_u8(p, (uint8_t)id[0]);
	penc_u8(p, (uint8_t)id[1]);
	penc_be16(p, 0); /* patched by penc_section_end */
	penc_u8(p, version);
	penc_u8(p, subtype);
	penc_be16(p, component);
	return start;
}

static void penc_section_end(struct penc *p, size_t start)
{
	if (p->overflow)
		return;
	put_be16(p->buf + start + 2, (uint16_t)(p->off - start));
}

static uint8_t to_bcd(int v)
{
	return (uint8_t)(((v / 10) % 10) << 4 | (v % 10));
}

void pel_encode_bcd_time(int64_t us, uint8_t out[8])
{
	struct tm tm;
	time_t t;

	memset(out, 0, 8);
	if (us <= 0)
		return;
	t = (time_t)(us / 1000000);
	if (!gmtime_r(&t, &tm))
		return;
	out[0] = to_bcd((tm.tm_year + 1900) / 100);
	out[1] = to_bcd((tm.tm_year + 1900) % 100);
	out[2] = to_bcd(tm.tm_mon + 1);
	out[3] = to_bcd(tm.tm_mday);
	out[4] = to_bcd(tm.tm_hour);
	out[5] = to_bcd(tm.tm_min);
	out[6] = to_bcd(tm.tm_sec);
	out[7] = to_bcd((int)((us % 1000000) / 10000));
}

static void penc_time(struct penc *p, int64_t us)
{
	uint8_t t[8];

	pel_encode_bcd_time(us, t);
	penc_bytes(p, t, 8);
}

static size_t round4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Size in bytes of one callout with its substructures (must match penc_callout). */
static size_t callout_size(const struct pel_enc_callout *c)
{
	size_t loc = c->location ? strlen(c->location) : 0;
	size_t n = 4 + (loc ? round4(loc + 1) : 0);

	if (c->has_fru)
		n += 4 + (c->part ? 8 : 0) + (c->ccin ? 4 : 0) + (c->serial ? 12 : 0);
	if (c->pce_mtm)
		n += 24 + (c->pce_name ? round4(strlen(c->pce_name) + 1) : 0);
	if (c->n_mru)
		n += 8 + 8 * c->n_mru;
	return n;
}

static int callout_check(const struct pel_enc_callout *c, size_t i, struct ras_err *e)
{
	static const char prios[] = "HMABCL";

	if (!c->priority || !strchr(prios, c->priority))
		return ras_errf(e, -EINVAL, "callout %zu: priority '%c' is not one of H M A B C L",
				i, c->priority ? c->priority : '?');
	if (c->location && strlen(c->location) > 79)
		return ras_errf(e, -EINVAL, "callout %zu: location code longer than 79 chars", i);
	if (c->pce_name && strlen(c->pce_name) > 32)
		return ras_errf(e, -EINVAL, "callout %zu: enclosure name longer than 32 chars", i);
	if (c->n_mru > PEL_ENC_MAX_MRUS)
		return ras_errf(e, -EINVAL, "callout %zu: %zu MRUs (max %d)", i, c->n_mru,
				PEL_ENC_MAX_MRUS);
	if (callout_size(c) > 255)
		return ras_errf(e, -EINVAL, "callout %zu: %zu bytes (max 255)", i, callout_size(c));
	return 0;
}

static void penc_callout(struct penc *p, const struct pel_enc_callout *c)
{
	size_t loc = c->location ? strlen(c->location) : 0;
	size_t loclen = loc ? round4(loc + 1) : 0;
	uint8_t flags = 0x20;

	if (c->has_fru)
		flags |= 0x08;
	if (c->n_mru)
		flags |= 0x04;
	if (c->pce_mtm)
		flags |= 0x03;
	penc_u8(p, (uint8_t)callout_size(c));
	penc_u8(p, flags);
	penc_u8(p, (uint8_t)c->priority);
	penc_u8(p, (uint8_t)loclen);
	if (loclen)
		penc_str(p, c->location, loclen, '\0');
	if (c->has_fru) {
		uint8_t fl = c->fru_type & 0xf0;
		size_t sz = 4 + (c->part ? 8 : 0) + (c->ccin ? 4 : 0) + (c->serial ? 12 : 0);

		if (c->part)
			fl |= c->part_is_procedure ? 0x02 : 0x08;
		if (c->ccin)
			fl |= 0x04;
		if (c->serial)
			fl |= 0x01;
		penc_str(p, "ID", 2, '\0');
		penc_u8(p, (uint8_t)sz);
		penc_u8(p, fl);
		if (c->part)
			penc_str(p, c->part, 8, '\0'); /* 7 significant chars + NUL */
		if (c->part && p->off >= 1 && !p->overflow)
			p->buf[p->off - 1] = 0;
		if (c->ccin)
			penc_str(p, c->ccin, 4, '\0');
		if (c->serial)
			penc_str(p, c->serial, 12, '\0');
	}
	if (c->pce_mtm) {
		size_t namelen = c->pce_name ? round4(strlen(c->pce_name) + 1) : 0;

		penc_str(p, "PE", 2, '\0');
		penc_u8(p, (uint8_t)(24 + namelen));
		penc_u8(p, 0);
		penc_str(p, c->pce_mtm, 8, '\0');
		penc_str(p, c->pce_serial, 12, '\0');
		if (namelen)
			penc_str(p, c->pce_name, namelen, '\0');
	}
	if (c->n_mru) {
		penc_str(p, "MR", 2, '\0');
		penc_u8(p, (uint8_t)(8 + 8 * c->n_mru));
		penc_u8(p, (uint8_t)c->n_mru);
		penc_be32(p, 0);
		for (size_t i = 0; i < c->n_mru; i++) {
			penc_be32(p, (uint32_t)(unsigned char)c->mru[i].priority);
			penc_be32(p, c->mru[i].id);
		}
	}
}

static void penc_ps(struct penc *p, const struct pel_enc_desc *d)
{
	size_t start = penc_section_begin(p, "PS", 1, d->creator == 'K' ? 0 : 1, d->component);
	size_t size_off;
	uint8_t nwords = d->n_hexwords ? d->n_hexwords : 9;

	penc_u8(p, 0x02); /* SRC version */
	penc_u8(p, d->n_callouts ? 0x01 : 0x00); /* flags: callout subsection present */
	penc_u8(p, 0);
	penc_u8(p, nwords);
	penc_be16(p, 0);
	size_off = p->off;
	penc_be16(p, 0); /* SRC size, patched */
	for (int i = 0; i < 8; i++)
		penc_be32(p, d->hexwords[i]);
	penc_str(p, d->src, 32, d->src_nul_padded ? '\0' : ' ');
	if (d->n_callouts) {
		size_t total = 4;

		for (size_t i = 0; i < d->n_callouts; i++)
			total += callout_size(&d->callouts[i]);
		penc_u8(p, 0xC0);
		penc_u8(p, 0);
		penc_be16(p, (uint16_t)(total / 4));
		for (size_t i = 0; i < d->n_callouts; i++)
			penc_callout(p, &d->callouts[i]);
	}
	penc_section_end(p, start);
	if (!p->overflow)
		put_be16(p->buf + size_off, (uint16_t)(p->off - start - 8));
}

static void penc_eh(struct penc *p, const struct pel_enc_desc *d)
{
	char sym[64];
	size_t symlen, symfield;
	size_t start = penc_section_begin(p, "EH", 1, 0, d->component);

	if (d->symptom_id) {
		snprintf(sym, sizeof(sym), "%s", d->symptom_id);
	} else {
		char ref[9] = "";

		if (d->src)
			snprintf(ref, sizeof(ref), "%.8s", d->src);
		snprintf(sym, sizeof(sym), "%s_%08X_%08X", ref, d->hexwords[1], d->hexwords[3]);
	}
	if (d->eh_skiboot) {
		/* skiboot's struct: 2 reserved bytes, so the time lands at 62 */
		penc_str(p, d->mtm, 8, '\0');
		penc_str(p, d->serial, 12, '\0');
		penc_str(p, NULL, 32, '\0');
		penc_be16(p, 0);
		penc_time(p, d->create_us);
		penc_str(p, NULL, 6, '\0'); /* 70..75: reserved, symptom-id length 0 */
		penc_section_end(p, start);
		return;
	}
	symlen = strlen(sym);
	symfield = round4(symlen + 1);
	penc_str(p, d->mtm, 8, '\0');
	penc_str(p, d->serial, 12, '\0');
	penc_str(p, d->fw_release, 16, '\0');
	penc_str(p, d->fw_subsys, 16, '\0');
	penc_be32(p, 0);
	penc_time(p, d->create_us); /* common reference time at offset 64 */
	penc_u8(p, 0);
	penc_u8(p, 0);
	penc_u8(p, 0);
	penc_u8(p, (uint8_t)symfield);
	penc_str(p, sym, symfield, '\0');
	penc_section_end(p, start);
}

int pel_encode(const struct pel_enc_desc *d, uint8_t *out, size_t cap, size_t *len,
	       struct ras_err *e)
{
	struct penc p = { .buf = out, .cap = cap < PEL_ENC_MAX_SIZE ? cap : PEL_ENC_MAX_SIZE };
	unsigned count = 2;
	size_t start, count_off;

	*len = 0;
	if (d->n_callouts > PEL_ENC_MAX_CALLOUTS)
		return ras_errf(e, -EINVAL, "%zu callouts (max %d)", d->n_callouts,
				PEL_ENC_MAX_CALLOUTS);
	if (d->n_callouts && d->no_ps)
		return ras_errf(e, -EINVAL, "callouts need a PS section");
	if (d->n_ud > 200)
		return ras_errf(e, -EINVAL, "%zu UD sections: too many", d->n_ud);
	if (d->n_hexwords && d->n_hexwords != 8 && d->n_hexwords != 9)
		return ras_errf(e, -EINVAL, "SRC hex word count %u (8 or 9)", d->n_hexwords);
	for (size_t i = 0; i < d->n_callouts; i++) {
		int rc = callout_check(&d->callouts[i], i, e);
		if (rc)
			return rc;
	}
	count += !d->no_ps + !d->no_eh + d->with_mt + (unsigned)d->n_ud;

	/* PH */
	start = penc_section_begin(&p, "PH", 1, 0, d->component);
	penc_time(&p, d->create_us);
	penc_time(&p, d->commit_us);
	penc_u8(&p, (uint8_t)d->creator);
	penc_u8(&p, 0);
	penc_u8(&p, d->creator == 'K' ? 0 : 1);
	count_off = p.off;
	penc_u8(&p, (uint8_t)count);
	penc_be32(&p, 0);
	if (d->creator_version)
		penc_str(&p, d->creator_version, 8, '\0');
	else
		penc_str(&p, NULL, 8, '\0');
	penc_be32(&p, d->plid);
	penc_be32(&p, d->entry_id);
	penc_section_end(&p, start);
	(void)count_off;

	/* UH */
	start = penc_section_begin(&p, "UH", 1, 0, d->component);
	penc_u8(&p, d->subsystem);
	penc_u8(&p, d->scope);
	penc_u8(&p, d->severity);
	penc_u8(&p, d->event_type);
	penc_be32(&p, 0);
	penc_u8(&p, d->problem_domain);
	penc_u8(&p, d->problem_vector);
	penc_be16(&p, d->action_flags);
	penc_be32(&p, 0);
	penc_section_end(&p, start);

	if (!d->no_ps)
		penc_ps(&p, d);
	if (!d->no_eh)
		penc_eh(&p, d);
	if (d->with_mt) {
		start = penc_section_begin(&p, "MT", 1, 0, d->component);
		penc_str(&p, d->mtm, 8, '\0');
		penc_str(&p, d->serial, 12, '\0');
		penc_section_end(&p, start);
	}
	for (size_t i = 0; i < d->n_ud; i++) {
		const struct pel_enc_ud *u = &d->ud[i];

		if (u->len > 0xffff - 8) {
			p.overflow = true;
			break;
		}
		start = penc_section_begin(&p, "UD", u->version, u->subtype, u->component);
		penc_bytes(&p, u->data, u->len);
		penc_section_end(&p, start);
	}
	if (p.overflow)
		return ras_errf(e, -ENOSPC, "PEL does not fit in %zu bytes (limit %d)", p.cap,
				PEL_ENC_MAX_SIZE);
	*len = p.off;
	return 0;
}

/* ---- realistic random logs ----------------------------------------------------- */

uint64_t pel_gen_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static unsigned pick(uint64_t *st, unsigned n)
{
	return (unsigned)(pel_gen_rand(st) % n);
}

struct gen_profile {
	char creator;
	uint16_t component;
	uint8_t subsystem;
	const char *src_prefix; /* 4 chars: type + component of the SRC */
	const char *text; /* UD text */
	const char *fru; /* symbolic FRU / procedure / part */
	uint8_t fru_type;
	const char *ccin;
};

static const struct gen_profile gen_profiles[] = {
	{ 'E', 0x2700, 0xA2, "1100", "Ambient temperature above threshold", "AMBTEMP",
	  PEL_FRU_SYMBOLIC, NULL },
	{ 'E', 0x2800, 0x63, "1100", "Fan speed below minimum", "AIRMOVR", PEL_FRU_SYMBOLIC, NULL },
	{ 'E', 0x2700, 0x61, "1100", "Power supply input lost", "PWRSPLY", PEL_FRU_SYMBOLIC, NULL },
	{ 'E', 0xA800, 0x51, "B181", "Service processor reset/reload", "FSPSP04", PEL_FRU_PROCEDURE,
	  NULL },
	{ 'E', 0x3100, 0x23, "B124", "DIMM correctable error threshold exceeded", "78P4191",
	  PEL_FRU_HW, "31E8" },
	{ 'B', 0x0300, 0x12, "BC8A", "Processor chip recoverable error", "00UM003", PEL_FRU_HW,
	  "54E1" },
	{ 'B', 0x0100, 0x21, "BC10", "Memory controller channel failure", "00VK928", PEL_FRU_HW,
	  "2C1C" },
	{ 'K', 0x5355, 0x7A, "BB82", "SURV: Error from FSP, queueing param request", NULL, 0,
	  NULL },
	{ 'K', 0x5043, 0x38, "BB82", "PHB#0030 fence detected", "00E4201", PEL_FRU_HW, "58FB" },
	{ 'H', 0x4D45, 0x82, "B700", "Hypervisor memory allocation failure", NULL, 0, NULL },
	{ 'E', 0x9500, 0x47, "B600", "Disk drive predictive failure", "01LU838", PEL_FRU_HW,
	  "5B19" },
	{ 'O', 0x2000, 0x8D, "BD8D", "BMC firmware watchdog fired", "BMC0001", PEL_FRU_PROCEDURE,
	  NULL },
	{ 'T', 0x4F43, 0x8B, "B1E5", "OCC reset on chip 1", NULL, 0, NULL },
};

static const uint8_t gen_severities[] = { 0x00, 0x00, 0x10, 0x10, 0x20, 0x21,
					  0x24, 0x40, 0x41, 0x48, 0x51, 0x61 };

/* The logs of one host: the simulator's own (sim/sim_vpd.c: system 9009-22A serial
 * 781234A, CEC enclosure U78D2.001.WZS0001), so a generated callout names a FRU slot
 * that opal-vpd lists. A host reports from a catalogue of SRCs, not from every
 * possible code: each profile draws from GEN_SRCS_PER_PROFILE of them (10 distinct SRC
 * prefixes among the 13 profiles: 640 SRCs; the store benchmark's default has 500). */
#define GEN_MTM		     "9009-22A"
#define GEN_SERIAL	     "781234A"
#define GEN_ENCLOSURE	     "U78D2.001.WZS0001"
#define GEN_SLOTS	     32
#define GEN_SRCS_PER_PROFILE 64
static const char *const gen_fws[] = { "FW950.90", "FW950.91" };

void pel_gen_random(struct pel_gen *g, uint64_t *st, uint32_t entry_id, int64_t now_us)
{
	const struct gen_profile *pr =
		&gen_profiles[pick(st, sizeof(gen_profiles) / sizeof(gen_profiles[0]))];
	struct pel_enc_desc *d = &g->d;
	size_t n_co;

	memset(g, 0, sizeof(*g));
	d->creator = pr->creator;
	d->component = pr->component;
	d->create_us = now_us;
	d->commit_us = pr->creator == 'K' ? 0 : now_us + (int64_t)pick(st, 5000) * 1000;
	d->entry_id = entry_id;
	d->plid = pick(st, 8) == 0 ? entry_id ^ 0x1 : entry_id;
	d->subsystem = pr->subsystem;
	d->scope = pr->creator == 'K' ? 0 : (uint8_t)(1 + pick(st, 3));
	d->severity = gen_severities[pick(st, sizeof(gen_severities))];
	d->event_type = d->severity == 0 ? 0x01 : 0x00;
	if (d->severity == 0x10)
		d->event_type = 0x10;
	if (d->severity == 0)
		d->action_flags = pick(st, 2) ? 0x6000 : 0x2000;
	else if (d->severity == 0x10)
		d->action_flags = 0x2000;
	else
		d->action_flags = pr->creator == 'K' ? 0x2000 : (pick(st, 3) ? 0xA800 : 0xA000);

	/* the catalogue: a fixed spread of codes per profile (reason code = SRC word 1's
	 * last four digits) */
	snprintf(g->src, sizeof(g->src), "%s%04X", pr->src_prefix,
		 0xE500u + 0x13u * pick(st, GEN_SRCS_PER_PROFILE));
	d->src = g->src;
	d->src_nul_padded = pr->creator == 'K';
	d->n_hexwords = pr->creator == 'K' ? 8 : 9;
	d->hexwords[0] = pr->creator == 'K' ? 0x00000080 : 0x000000F0;
	d->hexwords[1] = (uint32_t)pel_gen_rand(st) & 0x00FFFFFF;
	d->hexwords[3] = (uint32_t)pel_gen_rand(st);
	d->hexwords[4] = (uint32_t)pel_gen_rand(st);

	d->mtm = GEN_MTM;
	snprintf(g->serials[0], sizeof(g->serials[0]), "%s", GEN_SERIAL);
	d->serial = g->serials[0];
	d->fw_release = gen_fws[pick(st, sizeof(gen_fws) / sizeof(gen_fws[0]))];
	d->fw_subsys = "b0614a_1423.810";
	d->with_mt = true;
	/* OPAL logs handed straight to the host keep skiboot's own EH layout */
	d->eh_skiboot = pr->creator == 'K' && pick(st, 2);

	n_co = 0;
	if (d->severity != 0 && pr->fru) {
		n_co = 1 + pick(st, 3);
		for (size_t i = 0; i < n_co; i++) {
			struct pel_enc_callout *c = &g->callouts[i];

			c->priority = "HMLAB"[i == 0 ? 0 : 1 + pick(st, 4)];
			snprintf(g->locs[i], sizeof(g->locs[i]), GEN_ENCLOSURE "-P1-C%u",
				 1 + pick(st, GEN_SLOTS));
			c->location = g->locs[i];
			c->has_fru = true;
			c->fru_type = i == 0 ? pr->fru_type : PEL_FRU_HW;
			c->part = i == 0 ? pr->fru : "00E8261";
			c->part_is_procedure = c->fru_type == PEL_FRU_PROCEDURE;
			if (c->fru_type == PEL_FRU_HW) {
				c->ccin = pr->ccin ? pr->ccin : "2B4F";
				snprintf(g->serials[i + 1], sizeof(g->serials[i + 1]), "YL10%08X",
					 (unsigned)pel_gen_rand(st));
				c->serial = g->serials[i + 1];
			}
			if (i == 0 && pick(st, 2)) {
				c->pce_mtm = d->mtm;
				c->pce_serial = d->serial;
			}
			if (i == 0 && pick(st, 4) == 0) {
				c->n_mru = 1 + pick(st, 3);
				for (size_t k = 0; k < c->n_mru; k++) {
					c->mru[k].priority = 'H';
					c->mru[k].id = 0x00010000u + (uint32_t)pick(st, 0x1000);
				}
			}
		}
	}
	d->callouts = g->callouts;
	d->n_callouts = n_co;

	/* One UD: skiboot-style "DESC" text record for OPAL logs, plain text otherwise. */
	if (pr->creator == 'K') {
		size_t tl = strlen(pr->text);
		size_t total = 8 + tl + 1;

		memcpy(g->ud_text, "DESC", 4);
		put_be16((uint8_t *)g->ud_text + 4, (uint16_t)total);
		put_be16((uint8_t *)g->ud_text + 6, pr->component);
		memcpy(g->ud_text + 8, pr->text, tl);
		g->ud_text[8 + tl] = '\n';
		g->ud[0] = (struct pel_enc_ud){ 1, 0, pr->component, g->ud_text, total };
	} else {
		int n = snprintf(g->ud_text, sizeof(g->ud_text), "%s (sim)", pr->text);
		g->ud[0] = (struct pel_enc_ud){ 1, 3, pr->component, g->ud_text, (size_t)n };
	}
	d->ud = g->ud;
	d->n_ud = 1;
}
