/*
 * pel_event.c - decoded PEL -> struct ras_event for the store (see pel_event.h).
 *
 * Invariants: every string the event points to is NUL-terminated storage inside the
 * caller's struct pel_event or a static name table; raw points into the PEL buffer
 * (the PEL proper: eSEL header and sysfs padding excluded); the dedupe key of a PEL
 * does not depend on the file it came from, so a re-offered log is recognised.
 */
#include "errlog/pel_event.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"

uint64_t pel_fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * Severity classes (pel.md 5.2): 0x0x informational -> info; 0x1x recovered and
 * 0x2x predictive -> warning; 0x4x unrecoverable -> error; 0x5x critical (system or
 * partition termination, failure imminent) -> critical; 0x6x diagnostic error ->
 * error; 0x7x symptom: by its qualifier (0x71/0x72 -> warning, 0x75 -> critical,
 * others error); undefined classes (0x3x, 0x8x-0xFx) -> error.
 */
enum ras_severity pel_severity_normalise(uint8_t sev)
{
	switch (sev >> 4) {
	case 0x0:
		return RAS_SEV_INFO;
	case 0x1:
	case 0x2:
		return RAS_SEV_WARNING;
	case 0x5:
		return RAS_SEV_CRITICAL;
	case 0x7:
		if (sev == 0x70 || sev == 0x71 || sev == 0x72)
			return RAS_SEV_WARNING;
		if (sev == 0x75)
			return RAS_SEV_CRITICAL;
		return RAS_SEV_ERROR;
	default:
		return RAS_SEV_ERROR;
	}
}

static void cpy(char *dst, size_t n, struct pel_str s)
{
	size_t l = s.len < n - 1 ? s.len : n - 1;

	if (l)
		memcpy(dst, s.p, l);
	dst[l] = 0;
}

static void add_attr(struct pel_event *o, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_attr(struct pel_event *o, const char *name, const char *fmt, ...)
{
	size_t i = o->ev.n_attrs;
	va_list ap;

	if (i >= PEL_EVENT_MAX_ATTRS)
		return;
	va_start(ap, fmt);
	vsnprintf(o->attr_val[i], sizeof(o->attr_val[i]), fmt, ap);
	va_end(ap);
	o->attrs[i].name = name;
	o->attrs[i].value = o->attr_val[i];
	o->ev.n_attrs = i + 1;
}

static void add_attr_str(struct pel_event *o, const char *name, struct pel_str s)
{
	if (s.len)
		add_attr(o, name, "%.*s", (int)s.len, s.p);
}

static const char *fru_kind(const struct pel_callout *c)
{
	static const char *const kinds[16] = {
		[0x1] = "hw",	[0x2] = "code",	    [0x3] = "config",
		[0x4] = "proc", [0x9] = "ext-hw",   [0xA] = "ext-code",
		[0xB] = "tool", [0xC] = "symbolic", [0xE] = "symbolic-trusted",
	};
	if (!c->has_fru)
		return NULL;
	if (c->fru_flags & PEL_FRU_PROC)
		return "proc";
	return kinds[c->fru_flags >> 4];
}

/* skiboot's "DESC" user data text (pel.md 4.6), or NULL. */
static const uint8_t *desc_text(const struct pel *p, size_t *n)
{
	for (unsigned i = 0; i < p->n_sec; i++) {
		const struct pel_section *s = &p->sec[i];
		if (s->kind != PEL_K_UD || s->avail < 16 || memcmp(s->p + 8, "DESC", 4) != 0)
			continue;
		*n = s->avail - 16u;
		return s->p + 16;
	}
	return NULL;
}

static void make_summary(struct pel_event *o, const struct pel *p)
{
	size_t n = 0, at;
	const uint8_t *t = desc_text(p, &n);
	bool uh = PEL_HAS(p, PEL_K_UH);

	at = (size_t)snprintf(o->summary, sizeof(o->summary), "%s",
			      o->refcode[0] ? o->refcode : "PEL");
	if (t && n) {
		/* the text, control characters folded to single spaces, NULs end it */
		bool sp = true;
		if (at < sizeof(o->summary) - 1)
			o->summary[at++] = ':';
		for (size_t i = 0; i < n && at < sizeof(o->summary) - 1; i++) {
			uint8_t c = t[i];
			if (c == 0)
				break;
			if (c < 0x20 || c >= 0x7f || c == ' ') {
				sp = true; /* a pending single space */
				continue;
			}
			if (sp && at < sizeof(o->summary) - 2)
				o->summary[at++] = ' ';
			o->summary[at++] = (char)c;
			sp = false;
		}
		while (at > 0 && o->summary[at - 1] == ' ')
			at--;
		o->summary[at] = 0;
		return;
	}
	if (uh) {
		const char *sub = pel_subsystem_name(p->uh.subsystem);
		snprintf(o->summary + at, sizeof(o->summary) - at, " %s: %s",
			 sub ? sub : "Unknown subsystem",
			 pel_severity_name(p->uh.severity) ? pel_severity_name(p->uh.severity)
							   : "Unknown severity");
	} else {
		snprintf(o->summary + at, sizeof(o->summary) - at, " (no User Header)");
	}
}

void pel_event_fill(struct pel_event *o, const struct pel *p, const char *source)
{
	struct ras_event *ev = &o->ev;
	const struct pel_src *ps = pel_primary_src(p);
	const struct pel_ph *h = &p->ph;
	const struct pel_time *t;
	const struct pel_mtms *mt = PEL_HAS(p, PEL_K_MT) ? &p->mt : NULL;
	char cr[8];
	int64_t us;

	memset(ev, 0, sizeof(*ev));
	ev->source = source;
	ev->kind = RAS_KIND_PEL;
	if (h->creator > 0x20 && h->creator < 0x7f)
		snprintf(cr, sizeof(cr), "%c", h->creator);
	else
		snprintf(cr, sizeof(cr), "x%02X", h->creator);
	snprintf(o->dedupe, sizeof(o->dedupe), "pel:%s:%08X:%08X:%02X%02X%02X%02X%02X%02X%02X%02X",
		 cr, h->plid, h->entry_id, h->commit.raw[0], h->commit.raw[1], h->commit.raw[2],
		 h->commit.raw[3], h->commit.raw[4], h->commit.raw[5], h->commit.raw[6],
		 h->commit.raw[7]);
	ev->dedupe_key = o->dedupe;
	t = h->create.valid ? &h->create : (h->commit.valid ? &h->commit : NULL);
	ev->time_us = (t && pel_time_to_us(t, &us)) ? us : time_now_us();
	if (PEL_HAS(p, PEL_K_UH)) {
		ev->severity = pel_severity_normalise(p->uh.severity);
		ev->source_severity = p->uh.severity;
		ev->source_severity_name = pel_severity_name(p->uh.severity);
		ev->subsystem = pel_subsystem_name(p->uh.subsystem);
		ev->serviceable = (p->uh.action & PEL_ACT_SERVICE) != 0;
		ev->call_home = (p->uh.action & PEL_ACT_CALL_HOME) != 0;
	} else {
		ev->severity = RAS_SEV_ERROR; /* a PEL without a User Header is not sane */
		ev->source_severity = -1;
	}
	o->refcode[0] = 0;
	o->location[0] = 0;
	if (ps) {
		cpy(o->refcode, sizeof(o->refcode), ps->refcode);
		ev->refcode = o->refcode;
		for (unsigned i = 0; i < ps->callout_count; i++) {
			const struct pel_callout *c = &ps->callouts[i];
			struct ras_callout *rc = &o->callouts[i];
			cpy(o->co_str[i][0], sizeof(o->co_str[i][0]), c->location);
			cpy(o->co_str[i][1], sizeof(o->co_str[i][1]), c->part);
			cpy(o->co_str[i][2], sizeof(o->co_str[i][2]), c->serial);
			cpy(o->co_str[i][3], sizeof(o->co_str[i][3]), c->ccin);
			rc->priority = c->priority;
			rc->location = o->co_str[i][0];
			rc->part = o->co_str[i][1];
			rc->serial = o->co_str[i][2];
			rc->ccin = o->co_str[i][3];
			rc->fru_kind = fru_kind(c);
		}
		ev->callouts = o->callouts;
		ev->n_callouts = ps->callout_count;
		if (ps->callout_count) {
			cpy(o->location, sizeof(o->location), ps->callouts[0].location);
			ev->location = o->location;
		}
	}
	make_summary(o, p);
	ev->summary = o->summary;
	ev->raw = p->data;
	ev->raw_len = p->pel_len;

	ev->attrs = o->attrs;
	ev->n_attrs = 0;
	add_attr(o, "plid", "0x%08X", h->plid);
	add_attr(o, "entry_id", "0x%08X", h->entry_id);
	add_attr(o, "creator", "%s", cr);
	if (PEL_HAS(p, PEL_K_UH)) {
		add_attr(o, "event_type", "0x%02X", p->uh.event_type);
		add_attr(o, "scope", "0x%02X", p->uh.scope);
		add_attr(o, "action_flags", "0x%04X", p->uh.action);
	}
	if (mt) {
		add_attr_str(o, "mtm", mt->mtm);
		add_attr_str(o, "serial", mt->serial);
	} else if (PEL_HAS(p, PEL_K_EH)) {
		add_attr_str(o, "mtm", p->eh.mtm);
		add_attr_str(o, "serial", p->eh.serial);
	}
	if (PEL_HAS(p, PEL_K_EH)) {
		add_attr_str(o, "fw_release", p->eh.fw_release);
		add_attr_str(o, "fw_subsystem", p->eh.fw_subsys);
		add_attr_str(o, "symptom_id", p->eh.symptom_id);
	}
	if (p->esel)
		add_attr(o, "esel", "1");
	if (p->n_warn)
		add_attr(o, "parse_warnings", "%u", p->n_warn);
}

void pel_event_fill_undecodable(struct pel_event *o, const uint8_t *buf, size_t len,
				const char *source, const char *reason)
{
	struct ras_event *ev = &o->ev;

	memset(ev, 0, sizeof(*ev));
	ev->source = source;
	ev->kind = RAS_KIND_PEL;
	snprintf(o->dedupe, sizeof(o->dedupe), "pel-fnv1a:%016llx",
		 (unsigned long long)pel_fnv1a64(buf, len));
	ev->dedupe_key = o->dedupe;
	ev->time_us = time_now_us();
	ev->severity = RAS_SEV_ERROR;
	ev->source_severity = -1;
	snprintf(o->summary, sizeof(o->summary), "undecodable PEL: %s", reason);
	ev->summary = o->summary;
	ev->raw = buf;
	ev->raw_len = len;
	ev->attrs = o->attrs;
	ev->n_attrs = 0;
	add_attr(o, "length", "%zu", len);
}

int pel_event_from_bytes(struct pel_event *out, struct pel *scratch, const uint8_t *buf, size_t len,
			 const char *source)
{
	struct ras_err e = { { 0 } };
	int rc = pel_decode(buf, len, scratch, "PEL", &e);

	if (rc == 0) {
		pel_event_fill(out, scratch, source);
	} else {
		const char *r = e.msg;
		if (!strncmp(r, "PEL: ", 5))
			r += 5;
		pel_event_fill_undecodable(out, buf, len, source, r);
	}
	return rc;
}
