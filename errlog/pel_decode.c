/*
 * pel_decode.c - the PEL decoder: byte buffer (raw PEL or eSEL) -> struct pel.
 *
 * Walks the section chain of docs/spec/pel.md with explicit bounds. Invariants:
 *  - every read is checked against the bytes present (`avail`), never against a length
 *    field; a section's length is clamped to the buffer and the walk stops there;
 *  - every loop advances by at least one byte or a fixed record size, or stops;
 *  - nothing is allocated: strings and data point into the caller's buffer;
 *  - irregularities become warnings (the malformed-input catalogue, spec section 11);
 *    only "not a PEL" (too short, no PH at the start) fails.
 * The cost of a decode is proportional to the sections present, not to the struct size:
 * only counters and the at-most-once headers are reset.
 */
#include "errlog/pel.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/bytes.h"

static void warn(struct pel *p, enum pel_warn_code code, int sec, size_t off, uint32_t value)
{
	struct pel_warning *w;

	if (p->n_warn >= PEL_MAX_WARNINGS) {
		if (p->warn_dropped < UINT16_MAX)
			p->warn_dropped++;
		return;
	}
	w = &p->warn[p->n_warn++];
	w->code = (uint16_t)code;
	w->section = sec < 0 ? 0xFFFF : (uint16_t)sec;
	w->offset = (uint32_t)off;
	w->value = value;
}

/* A fixed-width ASCII field: up to the first NUL, trailing spaces removed. */
static struct pel_str field_str(const uint8_t *s, size_t n)
{
	struct pel_str r;
	const uint8_t *z = memchr(s, 0, n);
	size_t len = z ? (size_t)(z - s) : n;

	while (len > 0 && s[len - 1] == ' ')
		len--;
	r.p = (const char *)s;
	r.len = (uint16_t)len;
	return r;
}

static void time_decode(const uint8_t *b, struct pel_time *t)
{
	int v[8];
	bool digits = true;

	memcpy(t->raw, b, 8);
	t->zero = (be64(b) == 0);
	for (int i = 0; i < 8; i++) {
		v[i] = bcd8(b[i]);
		if (v[i] < 0)
			digits = false;
	}
	t->valid = false;
	t->year = 0;
	t->month = t->day = t->hour = t->minute = t->second = t->hundredths = 0;
	if (!digits || t->zero)
		return;
	t->year = (uint16_t)(v[0] * 100 + v[1]);
	t->month = (uint8_t)v[2];
	t->day = (uint8_t)v[3];
	t->hour = (uint8_t)v[4];
	t->minute = (uint8_t)v[5];
	t->second = (uint8_t)v[6];
	t->hundredths = (uint8_t)v[7];
	t->valid = t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31 &&
		   t->hour <= 23 && t->minute <= 59 && t->second <= 59;
}

static void time_check(struct pel *p, const struct pel_time *t, int sec, size_t off, uint32_t which)
{
	if (!t->valid && !t->zero)
		warn(p, PEL_W_BAD_TIME, sec, off, which);
}

/* ---- per-section decoders: s = section start, n = bytes present (>= 8) ---- */

static void dec_ph(struct pel *p, const uint8_t *s, size_t off)
{
	struct pel_ph *h = &p->ph;

	time_decode(s + 8, &h->create);
	time_decode(s + 16, &h->commit);
	time_check(p, &h->create, 0, off + 8, 0);
	time_check(p, &h->commit, 0, off + 16, 1);
	h->creator = s[24];
	h->log_type = s[25];
	h->reserved26 = s[26];
	h->section_count = s[27];
	h->bmc_log_id = be32(s + 28);
	h->cssver = s + 32;
	h->plid = be32(s + 40);
	h->entry_id = be32(s + 44);
}

static void dec_uh(struct pel *p, const uint8_t *s)
{
	struct pel_uh *u = &p->uh;

	u->subsystem = s[8];
	u->scope = s[9];
	u->severity = s[10];
	u->event_type = s[11];
	u->reserved12 = be32(s + 12);
	u->problem_domain = s[16];
	u->problem_vector = s[17];
	u->action = be16(s + 18);
	u->states = be32(s + 20);
}

/* FRU identity substructure at c + at (callout of size n). Returns bytes used or 0. */
static size_t dec_fru(struct pel_callout *co, const uint8_t *c, size_t at, size_t n)
{
	uint8_t fl = c[at + 3];
	size_t need = 4, q;

	if (fl & (PEL_FRU_PN | PEL_FRU_PROC))
		need += 8;
	if (fl & PEL_FRU_CCIN)
		need += 4;
	if (fl & PEL_FRU_SN)
		need += 12;
	if (!range_ok(n, at, need))
		return 0;
	co->has_fru = true;
	co->fru_flags = fl;
	q = at + 4;
	if (fl & (PEL_FRU_PN | PEL_FRU_PROC)) {
		co->part = field_str(c + q, 8);
		q += 8;
	}
	if (fl & PEL_FRU_CCIN) {
		co->ccin = field_str(c + q, 4);
		q += 4;
	}
	if (fl & PEL_FRU_SN)
		co->serial = field_str(c + q, 12);
	return need;
}

static size_t dec_pce(struct pel_callout *co, const uint8_t *c, size_t at, size_t n)
{
	size_t sz = c[at + 2];

	if (sz < 24 || !range_ok(n, at, sz))
		return 0;
	co->has_pce = true;
	co->pce_mtm = field_str(c + at + 4, 8);
	co->pce_serial = field_str(c + at + 12, 12);
	co->pce_name = field_str(c + at + 24, sz - 24);
	return sz;
}

static size_t dec_mru(struct pel *p, int sec, size_t off, struct pel_callout *co, const uint8_t *c,
		      size_t at, size_t n)
{
	size_t sz = c[at + 2], room;
	unsigned claimed = c[at + 3] & 0x0F, cnt;

	if (sz < 8)
		return 0;
	if (!range_ok(n, at, sz)) {
		sz = n - at; /* cap at the callout size */
		if (sz < 8)
			return 0;
	}
	room = (sz - 8) / 8;
	cnt = claimed < room ? claimed : (unsigned)room;
	if (cnt > PEL_MAX_MRUS)
		cnt = PEL_MAX_MRUS;
	if (room != claimed)
		warn(p, PEL_W_MRU_CAPPED, sec, off + at, (uint32_t)(room << 8 | claimed));
	co->has_mru = true;
	co->mru_claimed = (uint8_t)claimed;
	co->mru_count = (uint8_t)cnt;
	for (unsigned i = 0; i < cnt; i++) {
		const uint8_t *m = c + at + 8 + 8 * i;
		co->mru[i].priority = m[3];
		co->mru[i].id = be32(m + 4);
	}
	return sz;
}

/* One callout of n bytes at c (PEL offset off). */
static void dec_callout(struct pel *p, int sec, size_t off, struct pel_callout *co,
			const uint8_t *c, size_t n)
{
	size_t at, used;

	memset(co, 0, offsetof(struct pel_callout, mru));
	co->offset = (uint16_t)off;
	co->size = c[0];
	co->flags = c[1];
	co->priority = c[2];
	co->loc_len = c[3];
	at = 4 + (size_t)co->loc_len;
	if (at > n) {
		warn(p, PEL_W_CALLOUT_BAD, sec, off + 3, co->loc_len);
		at = n;
	}
	if (co->loc_len % 4 || co->loc_len > 80)
		warn(p, PEL_W_LOC_LEN, sec, off + 3, co->loc_len);
	co->location = field_str(c + 4, at - 4);

	/* Substructures in the fixed order ID, PE, MR, selected by the callout flags;
	 * the 2-char type must match or the rest of the callout is not trusted. */
	if (co->flags & PEL_CO_FRU_ID) {
		if (!range_ok(n, at, 4) || c[at] != 'I' || c[at + 1] != 'D' ||
		    !(used = dec_fru(co, c, at, n))) {
			warn(p, PEL_W_CALLOUT_BAD, sec, off + at, PEL_ID('I', 'D'));
			return;
		}
		at += used;
	}
	if (co->flags & PEL_CO_PCE) {
		if (!range_ok(n, at, 4) || c[at] != 'P' || c[at + 1] != 'E' ||
		    !(used = dec_pce(co, c, at, n))) {
			warn(p, PEL_W_CALLOUT_BAD, sec, off + at, PEL_ID('P', 'E'));
			return;
		}
		at += used;
	}
	if (co->flags & PEL_CO_MRU) {
		if (!range_ok(n, at, 4) || c[at] != 'M' || c[at + 1] != 'R' ||
		    !(used = dec_mru(p, sec, off, co, c, at, n))) {
			warn(p, PEL_W_CALLOUT_BAD, sec, off + at, PEL_ID('M', 'R'));
			return;
		}
	}
}

static void dec_callouts(struct pel *p, int sec, size_t off, struct pel_src *src, const uint8_t *s,
			 size_t n)
{
	size_t words, end, at;

	if (!range_ok(n, 80, 4) || s[80] != 0xC0) {
		warn(p, PEL_W_CALLOUTS_BAD, sec, off + 80, n > 80 ? s[80] : 0);
		return;
	}
	words = be16(s + 82);
	end = 80 + words * 4;
	if (words < 1 || end > n) {
		warn(p, PEL_W_CALLOUTS_BAD, sec, off + 82, (uint32_t)words);
		if (words < 1)
			return;
		end = n;
	}
	src->has_callouts = true;
	for (at = 84; at < end;) {
		size_t sz = s[at];

		if (sz < 4 || sz > end - at) {
			warn(p, PEL_W_CALLOUT_BAD, sec, off + at, (uint32_t)sz);
			break;
		}
		if (src->callout_count < PEL_MAX_CALLOUTS) {
			dec_callout(p, sec, off + at, &src->callouts[src->callout_count], s + at,
				    sz);
			src->callout_count++;
		} else {
			if (src->callouts_skipped == 0)
				warn(p, PEL_W_TOO_MANY_CALLOUTS, sec, off + at, PEL_MAX_CALLOUTS);
			if (src->callouts_skipped < UINT8_MAX)
				src->callouts_skipped++;
		}
		at += sz;
	}
}

static void dec_src(struct pel *p, int sec, size_t off, const uint8_t *s, size_t n, bool primary)
{
	struct pel_src *src;
	const uint8_t *a;
	size_t i;

	if (p->n_src >= PEL_MAX_SRCS) {
		warn(p, PEL_W_TOO_MANY_SECTIONS, sec, off, PEL_MAX_SRCS);
		return;
	}
	p->sec[sec].slot = p->n_src;
	src = &p->src[p->n_src++];
	src->section = (uint8_t)sec;
	src->primary = primary;
	src->version = s[8];
	src->flags = s[9];
	src->word_count = s[11];
	src->src_size = be16(s + 14);
	if (src->version != 2)
		warn(p, PEL_W_SRC_VERSION, sec, off + 8, src->version);
	if (src->word_count != 8 && src->word_count != 9)
		warn(p, PEL_W_SRC_WORD_COUNT, sec, off + 11, src->word_count);
	if (src->src_size != p->sec[sec].len - 8)
		warn(p, PEL_W_SRC_SIZE, sec, off + 14, src->src_size);
	for (i = 0; i < 8; i++)
		src->words[i] = be32(s + 16 + 4 * i);
	a = s + 48;
	src->ascii = a;
	src->ascii_trim = field_str(a, 32);
	/* reference code: the first word of the string (at most 8 chars) */
	for (i = 0; i < 8 && a[i] != ' ' && a[i] != 0; i++)
		;
	src->refcode.p = (const char *)a;
	src->refcode.len = (uint16_t)i;
	/* extended reference code: after the first run of spaces */
	while (i < 32 && a[i] != ' ' && a[i] != 0)
		i++;
	while (i < 32 && a[i] == ' ')
		i++;
	src->ext_refcode = field_str(a + i, 32 - i);
	src->has_callouts = false;
	src->callout_count = 0;
	src->callouts_skipped = 0;
	if ((src->flags & PEL_SRC_F_SUBSECTION) && n > 80)
		dec_callouts(p, sec, off, src, s, n);
	else if (src->flags & PEL_SRC_F_SUBSECTION)
		warn(p, PEL_W_CALLOUTS_BAD, sec, off + 9, src->flags);
}

static void dec_eh(struct pel *p, int sec, size_t off, const uint8_t *s, size_t n)
{
	struct pel_eh *h = &p->eh;
	size_t sl;

	h->mtm = field_str(s + 8, 8);
	h->serial = field_str(s + 16, 12);
	h->fw_release = field_str(s + 28, 16);
	h->fw_subsys = field_str(s + 44, 16);
	/* skiboot-native EH (spec 10.2): creator K, length 76, empty versions -> time at 62 */
	h->ref_time_at_62 = p->ph.creator == 'K' && p->sec[sec].len == 76 &&
			    h->fw_release.len == 0 && h->fw_subsys.len == 0;
	time_decode(s + (h->ref_time_at_62 ? 62 : 64), &h->ref_time);
	time_check(p, &h->ref_time, sec, off + (h->ref_time_at_62 ? 62 : 64), 2);
	h->symptom_len = s[75];
	sl = h->symptom_len;
	if (sl > n - 76)
		sl = n - 76;
	h->symptom_id = field_str(s + 76, sl);
}

static void dec_mtms(struct pel_mtms *m, const uint8_t *s)
{
	m->mtm = field_str(s + 8, 8);
	m->serial = field_str(s + 16, 12);
}

static void dec_ep(struct pel *p, const uint8_t *s)
{
	p->ep.sensor_value = s[8] >> 4;
	p->ep.action = s[8] & 0x0F;
	p->ep.event = s[9] >> 4;
	p->ep.modifier = s[9] & 0x0F;
	p->ep.ext_modifier = be16(s + 10);
	p->ep.reason = be32(s + 12);
}

static void dec_ie(struct pel *p, const uint8_t *s, size_t n)
{
	struct pel_ie *ie = &p->ie;
	size_t dl;

	ie->type = s[8];
	ie->rpc_len = s[9];
	ie->scope = s[10];
	ie->subtype = s[11];
	ie->drc_index = be32(s + 12);
	ie->rpc_data = NULL;
	ie->rpc_data_len = 0;
	ie->new_size = 0;
	if (ie->subtype == 5) {
		if (n >= 24)
			ie->new_size = be64(s + 16);
		return;
	}
	dl = ie->rpc_len;
	if (dl > n - 16)
		dl = n - 16;
	if (dl) {
		ie->rpc_data = s + 16;
		ie->rpc_data_len = (uint16_t)dl;
	}
}

static void dec_lp(struct pel *p, const uint8_t *s, size_t n)
{
	struct pel_lp *lp = &p->lp;
	size_t nl, left;

	lp->primary_lp = be16(s + 8);
	lp->name_len = s[10];
	lp->target_count = s[11];
	lp->lp_log_id = be32(s + 12);
	nl = lp->name_len;
	if (nl > n - 16)
		nl = n - 16;
	lp->name = field_str(s + 16, nl);
	left = n - 16 - nl;
	lp->targets = s + 16 + nl;
	lp->target_avail = (uint8_t)(lp->target_count < left / 2 ? lp->target_count : left / 2);
}

static void dec_lr(struct pel *p, const uint8_t *s)
{
	p->lr.type = s[8];
	p->lr.capacity = be16(s + 10);
	p->lr.cpu_or_drc = be32(s + 12);
	p->lr.mem_low = be32(s + 16);
}

static void dec_dh(struct pel *p, int sec, const uint8_t *s, size_t n)
{
	struct pel_dh *d = &p->dh;
	size_t il;

	d->dump_type = p->sec[sec].subtype;
	d->dump_id = be32(s + 8);
	d->flags = s[12];
	d->os_id_len = s[15];
	d->dump_size = be64(s + 16);
	il = d->os_id_len;
	if (il > n - 24)
		il = n - 24;
	if (il > 40)
		il = 40;
	d->os_id_hex = (d->flags & 0x40) != 0;
	d->os_id_num = 0;
	if (d->os_id_hex) {
		/* a 4-byte number; take what is present (right-aligned when shorter) */
		size_t k = il < 4 ? il : 4;
		for (size_t i = 0; i < k; i++)
			d->os_id_num = d->os_id_num << 8 | s[24 + i];
		d->os_id = field_str(s + 24, 0);
	} else {
		d->os_id = field_str(s + 24, il);
	}
}

static void dec_sw(struct pel *p, int sec, size_t off, const uint8_t *s, size_t n)
{
	struct pel_sw *w;

	if (p->n_sw >= PEL_MAX_SW) {
		warn(p, PEL_W_TOO_MANY_SECTIONS, sec, off, PEL_MAX_SW);
		return;
	}
	p->sec[sec].slot = p->n_sw;
	w = &p->sw[p->n_sw++];
	memset(w, 0, sizeof(*w));
	w->section = (uint8_t)sec;
	w->version = p->sec[sec].version;
	/* both versions: fields after the 8-byte header (ppc64-diag defect 4) */
	w->rc = be32(s + 8);
	w->object_id = be32(s + 16);
	if (w->version == 2) {
		w->file_id = be16(s + 12);
		w->code_loc = be16(s + 14);
	} else if (n > 20) {
		size_t fl = s[20];
		w->line = be32(s + 12);
		if (fl > n - 21)
			fl = n - 21;
		w->file = field_str(s + 21, fl);
	} else {
		w->line = be32(s + 12);
	}
}

static void dec_ei(struct pel *p, const uint8_t *s, size_t n)
{
	struct pel_ei *ei = &p->ei;
	size_t room = (n - 28) / 8;

	ei->genesis = be64(s + 8);
	ei->corrosion = be32(s + 16);
	ei->temperature = be16(s + 20);
	ei->rate = be16(s + 22);
	ei->status = s[24];
	ei->ud_present = s[25];
	ei->reading_count = be16(s + 26);
	ei->reading_avail = (uint16_t)(ei->reading_count < room ? ei->reading_count : room);
	if (ei->reading_avail > PEL_MAX_EI_READINGS)
		ei->reading_avail = PEL_MAX_EI_READINGS;
	ei->readings = s + 28;
}

/* Minimum section length needed to decode each kind's fixed layout. */
static const uint8_t min_len[PEL_K_COUNT] = {
	[PEL_K_OPAQUE] = 8, [PEL_K_PH] = 48, [PEL_K_UH] = 24, [PEL_K_PS] = 80, [PEL_K_SS] = 80,
	[PEL_K_EH] = 76,    [PEL_K_MT] = 28, [PEL_K_HM] = 28, [PEL_K_UD] = 8,  [PEL_K_ED] = 12,
	[PEL_K_EP] = 16,    [PEL_K_IE] = 16, [PEL_K_MI] = 12, [PEL_K_CH] = 8,  [PEL_K_LP] = 16,
	[PEL_K_LR] = 20,    [PEL_K_DH] = 24, [PEL_K_SW] = 20, [PEL_K_EI] = 28,
};

/* Kinds that may appear any number of times. */
#define MULTI_KINDS \
	(1u << PEL_K_OPAQUE | 1u << PEL_K_SS | 1u << PEL_K_UD | 1u << PEL_K_ED | 1u << PEL_K_SW)

static void dec_section(struct pel *p, int i, const uint8_t *s, size_t n)
{
	struct pel_section *sec = &p->sec[i];
	size_t off = sec->offset;
	enum pel_kind k = (enum pel_kind)sec->kind;

	if ((p->seen >> k & 1u) && !((MULTI_KINDS >> k) & 1u)) {
		sec->flags |= PEL_SECF_DUPLICATE;
		warn(p, PEL_W_DUPLICATE, i, off, sec->id);
		return;
	}
	p->seen |= 1u << k;
	if (n < min_len[k]) {
		sec->flags |= PEL_SECF_SHORT;
		warn(p, PEL_W_SECTION_SHORT, i, off + 2, (uint32_t)n);
		return;
	}
	p->present |= 1u << k;
	switch (k) {
	case PEL_K_OPAQUE:
		warn(p, PEL_W_UNKNOWN_SECTION, i, off, sec->id);
		break;
	case PEL_K_PH: /* only the first section is decoded as PH (a second is a duplicate) */
		break;
	case PEL_K_UH:
		if (sec->len != PEL_UH_LEN)
			warn(p, PEL_W_UH_LENGTH, i, off + 2, sec->len);
		dec_uh(p, s);
		break;
	case PEL_K_PS:
		p->ps = (int8_t)p->n_src;
		dec_src(p, i, off, s, n, true);
		if (p->ps >= p->n_src)
			p->ps = -1;
		break;
	case PEL_K_SS:
		dec_src(p, i, off, s, n, false);
		break;
	case PEL_K_EH:
		dec_eh(p, i, off, s, n);
		break;
	case PEL_K_MT:
		dec_mtms(&p->mt, s);
		break;
	case PEL_K_HM:
		dec_mtms(&p->hm, s);
		break;
	case PEL_K_UD:
	case PEL_K_ED:
		break; /* opaque payloads, rendered from the section bytes */
	case PEL_K_EP:
		dec_ep(p, s);
		break;
	case PEL_K_IE:
		dec_ie(p, s, n);
		break;
	case PEL_K_MI:
		p->mi.policy_flags = be32(s + 8);
		break;
	case PEL_K_CH:
		p->ch = field_str(s + 8, n - 8 > 144 ? 144 : n - 8);
		break;
	case PEL_K_LP:
		dec_lp(p, s, n);
		break;
	case PEL_K_LR:
		dec_lr(p, s);
		break;
	case PEL_K_DH:
		dec_dh(p, i, s, n);
		break;
	case PEL_K_SW:
		dec_sw(p, i, off, s, n);
		break;
	case PEL_K_EI:
		dec_ei(p, s, n);
		break;
	case PEL_K_COUNT:
		break;
	}
}

/* Do the bytes at b (n left) look like one more section header that fits? */
static bool looks_like_section(const uint8_t *b, size_t n)
{
	size_t l;

	if (n < PEL_SEC_HDR_LEN)
		return false;
	l = be16(b + 2);
	return b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z' && l >= PEL_SEC_HDR_LEN &&
	       l <= n;
}

static void esel_decode(const uint8_t *b, struct pel_esel *h)
{
	h->record_id = (uint16_t)(b[0] | b[1] << 8);
	h->record_type = b[2];
	h->timestamp =
		(uint32_t)b[3] | (uint32_t)b[4] << 8 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 24;
	h->generator = (uint16_t)(b[7] | b[8] << 8);
	h->evm_rev = b[9];
	h->sensor_type = b[10];
	h->sensor_num = b[11];
	h->event_dir = b[12];
	h->event_data1 = b[13];
	h->event_data23 = (uint16_t)(b[14] | b[15] << 8);
}

static bool is_esel(const uint8_t *b, size_t len)
{
	return len >= PEL_ESEL_HDR_LEN + 2 && b[2] == 0xDF && b[13] == 0xAA && b[16] == 'P' &&
	       b[17] == 'H';
}

int pel_decode(const uint8_t *buf, size_t len, struct pel *p, const char *name, struct ras_err *e)
{
	const uint8_t *d;
	size_t dl, off, phlen;
	unsigned count, i;
	int uh_at = -1;

	if (!name)
		name = "<buffer>";
	p->buf = buf;
	p->buf_len = len;
	p->esel = false;
	p->truncated = p->corrupt = false;
	p->present = p->seen = 0;
	p->ps = -1;
	p->n_src = p->n_sw = 0;
	p->n_sec = p->n_warn = p->warn_dropped = 0;
	p->pel_len = p->trailing = 0;
	p->ch.p = NULL;
	p->ch.len = 0;
	if (len > PEL_INPUT_CAP)
		return ras_errf(e, -E2BIG, "%s: %zu bytes, more than the %d-byte input cap", name,
				len, PEL_INPUT_CAP);
	if (buf && is_esel(buf, len)) {
		p->esel = true;
		esel_decode(buf, &p->esel_hdr);
		buf += PEL_ESEL_HDR_LEN;
		len -= PEL_ESEL_HDR_LEN;
	}
	p->data = buf;
	p->data_len = len;
	d = buf;
	dl = len;
	if (dl < 2)
		return ras_errf(e, -EINVAL,
				"%s: not a PEL: %zu bytes, no section header at offset %d", name,
				dl, p->esel ? PEL_ESEL_HDR_LEN : 0);
	if (d[0] != 'P' || d[1] != 'H') {
		char sid[3];
		return ras_errf(e, -EINVAL,
				"%s: not a PEL: expected section id \"PH\" at offset %d, found "
				"0x%02X%02X (\"%s\")",
				name, p->esel ? PEL_ESEL_HDR_LEN : 0, d[0], d[1],
				pel_sid_str(be16(d), sid));
	}
	if (dl < PEL_PH_LEN)
		return ras_errf(
			e, -EINVAL,
			"%s: not a PEL: %zu bytes from offset %d, a Private Header needs 48", name,
			dl, p->esel ? PEL_ESEL_HDR_LEN : 0);
	phlen = be16(d + 2);
	if (phlen < PEL_PH_LEN)
		return ras_errf(
			e, -EINVAL,
			"%s: not a PEL: Private Header length %zu at offset %d, expected 48", name,
			phlen, (p->esel ? PEL_ESEL_HDR_LEN : 0) + 2);
	if (phlen != PEL_PH_LEN)
		warn(p, PEL_W_PH_LENGTH, 0, 2, (uint32_t)phlen);
	if (d[4] != 1)
		warn(p, PEL_W_PH_VERSION, 0, 4, d[4]);
	dec_ph(p, d, 0);
	count = p->ph.section_count;
	if (count == 0) {
		warn(p, PEL_W_COUNT_ZERO, 0, 27, 0);
		count = 1;
	}
	if (dl > PEL_MAX_SIZE)
		warn(p, PEL_W_OVERSIZE, -1, PEL_MAX_SIZE, (uint32_t)dl);

	off = 0;
	for (i = 0; i < count; i++) {
		struct pel_section *s;
		size_t slen, avail;

		if (dl - off < PEL_SEC_HDR_LEN) {
			p->truncated = true;
			warn(p, PEL_W_TRUNCATED, -1, off, i);
			break;
		}
		slen = be16(d + off + 2);
		if (slen < PEL_SEC_HDR_LEN) {
			p->corrupt = true;
			warn(p, PEL_W_ZERO_LENGTH, (int)i, off + 2, (uint32_t)slen);
			break;
		}
		s = &p->sec[p->n_sec++];
		s->p = d + off;
		s->id = be16(d + off);
		s->len = (uint16_t)slen;
		avail = slen <= dl - off ? slen : dl - off;
		s->avail = (uint16_t)avail;
		s->offset = (uint16_t)off;
		s->version = d[off + 4];
		s->subtype = d[off + 5];
		s->component = be16(d + off + 6);
		s->flags = 0;
		s->slot = 0;
		s->kind = (uint8_t)pel_kind_lookup(s->id);
		if (avail < slen) {
			s->flags |= PEL_SECF_TRUNCATED;
			p->truncated = true;
			warn(p, PEL_W_SECTION_TRUNCATED, (int)i, off + 2, (uint32_t)slen);
		}
		if (i == 0)
			p->present = p->seen = 1u << PEL_K_PH; /* decoded above */
		else
			dec_section(p, (int)i, d + off, avail);
		if (s->kind == PEL_K_UH && uh_at < 0)
			uh_at = (int)i;
		if (s->kind == PEL_K_PS && i != 2 && !(s->flags & PEL_SECF_DUPLICATE)) {
			s->flags |= PEL_SECF_MISPLACED;
			warn(p, PEL_W_PS_NOT_THIRD, (int)i, off, i + 1);
		}
		off += avail;
		if (avail < slen)
			break;
	}
	p->pel_len = off;
	p->trailing = dl - off;
	/* Padding (zeros, or the fixed-offset fields of synthetic samples) is ignored;
	 * more sections after the counted ones (count too low) are noted. */
	if (!p->truncated && !p->corrupt && looks_like_section(d + off, p->trailing))
		warn(p, PEL_W_TRAILING, -1, off, (uint32_t)p->trailing);

	if (uh_at < 0)
		warn(p, PEL_W_MISSING_UH, -1, PEL_PH_LEN, 0);
	else if (uh_at != 1)
		warn(p, PEL_W_UH_NOT_SECOND, uh_at, p->sec[uh_at].offset, (uint32_t)uh_at + 1);
	if (PEL_HAS(p, PEL_K_UH) && !p->truncated && !p->corrupt) {
		if (p->uh.severity != 0 && p->ps < 0)
			warn(p, PEL_W_PS_MISSING, -1, p->sec[uh_at].offset + 10, p->uh.severity);
		if (!PEL_HAS(p, PEL_K_EH))
			warn(p, PEL_W_EH_MISSING, -1, 0, 0);
	}
	return 0;
}
