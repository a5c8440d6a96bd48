/*
 * kmsg.c - /dev/kmsg record parser and MCE/HMI report grouper (see kmsg.h).
 *
 * Invariants: the record parser walks (buf, len) with an index that only moves forward
 * and is checked against len before every access; numbers are parsed digit by digit with
 * overflow checks (no strtoul on unterminated input). The grouper copies what it keeps
 * into fixed-size fields (snprintf-bounded), so a report never points into a record.
 * Line matching works on an unescaped, NUL-terminated copy of the text bounded by
 * KMSG_RECORD_MAX.
 */
#include "errlog/kmsg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- name tables (spec §2.2 and §2.4) ------------------------------------------ */

const char *const kmsg_mce_severity_words[4] = { "Harmless", "Warning", "Severe", "Fatal" };

static const char *const mce_ue_sub[] = {
	"Indeterminate", "Instruction fetch",	       "Page table walk ifetch",
	"Load/Store",	 "Page table walk Load/Store", NULL
};
static const char *const mce_mmu_sub[] = { "Indeterminate", "Parity", "Multihit", NULL };
static const char *const mce_user_sub[] = { "Indeterminate", "tlbie(l) invalid", "scv invalid",
					    NULL };
static const char *const mce_ra_sub[] = { "Indeterminate",
					  "Instruction fetch (bad)",
					  "Instruction fetch (foreign/control memory)",
					  "Page table walk ifetch (bad)",
					  "Page table walk ifetch (foreign/control memory)",
					  "Load (bad)",
					  "Store (bad)",
					  "Page table walk Load/Store (bad)",
					  "Page table walk Load/Store (foreign/control memory)",
					  "Load/Store (foreign/control memory)",
					  NULL };
static const char *const mce_link_sub[] = { "Indeterminate",
					    "Instruction fetch (timeout)",
					    "Page table walk ifetch (timeout)",
					    "Load (timeout)",
					    "Store (timeout)",
					    "Page table walk Load/Store (timeout)",
					    NULL };
static const char *const mce_cache_sub[] = { "Unknown", NULL };
static const char *const mce_none_sub[] = { NULL };

const struct kmsg_mce_type kmsg_mce_types[10] = {
	{ "Unknown", mce_none_sub },	{ "UE", mce_ue_sub },	  { "SLB", mce_mmu_sub },
	{ "ERAT", mce_mmu_sub },	{ "TLB", mce_mmu_sub },	  { "User", mce_user_sub },
	{ "Real address", mce_ra_sub }, { "Link", mce_link_sub }, { "D-Cache", mce_cache_sub },
	{ "I-Cache", mce_cache_sub },
};

const char *const kmsg_mce_initiators[6] = { "Unknown", "CPU",	  "PCI",
					     "ISA",	"Memory", "Power Management" };

const char *const kmsg_mce_classes[5] = {
	"Unknown",
	"Hardware error",
	"Probable Hardware error (some chance of software cause)",
	"Software error",
	"Probable Software error (some chance of hardware cause)",
};

const char *const kmsg_hmi_types[13] = {
	"Malfunction Alert",
	"Processor Recovery done",
	"Processor recovery occurred again",
	"Processor recovery occurred for masked error",
	"Timer facility experienced an error",
	"TFMR SPR is corrupted",
	"UPS (Uninterrupted Power System) Overflow indication",
	"An XSCOM operation failure",
	"An XSCOM operation completed",
	"SCOM has set a reserved FIR bit to cause recovery",
	"Debug trigger has set a reserved FIR bit to cause recovery",
	"A hypervisor resource error occurred",
	"CAPP recovery process is in progress",
};

/* ---- one record ----------------------------------------------------------------- */

/* Parse a decimal number at s[*i..end) up to a delimiter; false on no digits/overflow. */
static bool parse_dec(const char *s, size_t end, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		unsigned d = (unsigned)(s[*i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		(*i)++;
	}
	*out = v;
	return *i > start;
}

int kmsg_record_parse(const void *buf, size_t len, struct kmsg_record *r, struct ras_err *e)
{
	const char *s = buf;
	size_t i = 0, semi, nl;
	uint64_t v;

	memset(r, 0, sizeof(*r));
	r->flags = '-';
	/* The prefix ends at the first ';' on the first line. */
	for (semi = 0; semi < len && s[semi] != ';' && s[semi] != '\n'; semi++)
		;
	if (semi >= len || s[semi] != ';')
		return ras_errf(e, -EINVAL, "kmsg record: no ';' after the prefix (offset %zu)",
				semi);
	if (!parse_dec(s, semi, &i, &v) || v > 1023 || i >= semi || s[i] != ',')
		return ras_errf(e, -EINVAL, "kmsg record: offset %zu: expected priority number", i);
	r->prio = (int)v;
	r->level = (int)(v & 7);
	r->facility = (int)(v >> 3);
	i++;
	if (!parse_dec(s, semi, &i, &r->seq) || i >= semi || s[i] != ',')
		return ras_errf(e, -EINVAL, "kmsg record: offset %zu: expected sequence number", i);
	i++;
	if (!parse_dec(s, semi, &i, &r->usec) || (i < semi && s[i] != ','))
		return ras_errf(e, -EINVAL, "kmsg record: offset %zu: expected timestamp", i);
	if (i < semi) {
		i++; /* flags field, then any future fields (caller=T123 ...) */
		if (i < semi && s[i] != ',')
			r->flags = s[i];
	}
	i = semi + 1;
	for (nl = i; nl < len && s[nl] != '\n'; nl++)
		;
	r->text = s + i;
	r->text_len = nl - i;
	if (nl < len) {
		r->dict = s + nl + 1;
		r->dict_len = len - nl - 1;
	} else {
		r->dict = s + len;
		r->dict_len = 0;
	}
	return 0;
}

bool kmsg_record_dict(const struct kmsg_record *r, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key), i = 0;
	const char *d = r->dict;

	while (i < r->dict_len) {
		size_t end = i;

		while (end < r->dict_len && d[end] != '\n')
			end++;
		if (d[i] == ' ' && end - i > klen + 1 && memcmp(d + i + 1, key, klen) == 0 &&
		    d[i + 1 + klen] == '=') {
			size_t vs = i + 2 + klen;
			kmsg_unescape(d + vs, end - vs, out, n);
			return true;
		}
		i = end + 1;
	}
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t kmsg_unescape(const char *in, size_t len, char *out, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		char c = in[i];

		if (c == '\\' && i + 3 < len && in[i + 1] == 'x' && hexval(in[i + 2]) >= 0 &&
		    hexval(in[i + 3]) >= 0) {
			c = (char)(hexval(in[i + 2]) << 4 | hexval(in[i + 3]));
			i += 3;
		}
		out[o++] = c ? c : '?';
	}
	out[o] = '\0';
	return o;
}

size_t kmsg_escape(const char *in, size_t len, char *out, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c >= 0x7f || c == '\\') {
			if (o + 5 > n)
				break;
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		} else {
			if (o + 2 > n)
				break;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

/* ---- line matchers ---------------------------------------------------------------- */

static bool skip_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool parse_int_p(const char **p, int *out)
{
	char *end;
	long v;

	if (**p < '0' || **p > '9')
		return false;
	v = strtol(*p, &end, 10);
	if (v < 0 || v > 1000000000)
		return false;
	*out = (int)v;
	*p = end;
	return true;
}

static bool parse_hex_p(const char **p, uint64_t *out)
{
	char *end;

	if (hexval(**p) < 0)
		return false;
	*out = strtoull(*p, &end, 16);
	*p = end;
	return true;
}

/* "MCE: CPU%d: " prefix; returns the rest of the line. */
static const char *mce_prefix(const char *t, int *cpu)
{
	const char *p = t;

	if (!skip_lit(&p, "MCE: CPU") || !parse_int_p(&p, cpu) || !skip_lit(&p, ": "))
		return NULL;
	return p;
}

static void copy_trim(char *dst, size_t n, const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	snprintf(dst, n, "%.*s", (int)len, s);
}

static int sev_from_word(const char *w, size_t n)
{
	for (int i = 0; i < 4; i++)
		if (strlen(kmsg_mce_severity_words[i]) == n &&
		    strncmp(w, kmsg_mce_severity_words[i], n) == 0)
			return i;
	return KMSG_SEV_FATAL; /* unknown → Fatal, as the kernel does */
}

/* Line 1: "machine check (%s) %s %s %s %s[%s]" after the prefix. */
static bool mce_parse_header(const char *p, struct kmsg_report *rep)
{
	const char *close, *lb, *rb, *mid, *dar;
	size_t midlen;

	if (!skip_lit(&p, "machine check ("))
		return false;
	close = strchr(p, ')');
	if (!close)
		return false;
	snprintf(rep->severity_word, sizeof(rep->severity_word), "%.*s", (int)(close - p), p);
	rep->severity = sev_from_word(p, (size_t)(close - p));
	p = close + 1;
	if (*p != ' ')
		return false;
	p++;
	lb = strrchr(p, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (!lb || !rb)
		return false;
	rep->recovered = (size_t)(rb - lb - 1) == strlen("Recovered") &&
			 strncmp(lb + 1, "Recovered", 9) == 0;
	/* context: "Guest ", "Host " or "" (then the type follows a second space) */
	rep->context[0] = '\0';
	if (skip_lit(&p, "Guest ")) {
		snprintf(rep->context, sizeof(rep->context), "Guest");
		rep->guest = true;
	} else if (skip_lit(&p, "Host ")) {
		snprintf(rep->context, sizeof(rep->context), "Host");
	} else if (*p == ' ') {
		p++;
	}
	if (p > lb)
		return false;
	mid = p;
	midlen = (size_t)(lb - p);
	/* error type: longest table name that prefixes the middle part */
	size_t best = 0;
	for (size_t i = 0; i < 10; i++) {
		size_t n = strlen(kmsg_mce_types[i].name);
		if (n <= midlen && n > best && strncmp(mid, kmsg_mce_types[i].name, n) == 0 &&
		    (n == midlen || mid[n] == ' ')) {
			best = n;
			snprintf(rep->error_type, sizeof(rep->error_type), "%s",
				 kmsg_mce_types[i].name);
		}
	}
	if (!best) {
		const char *sp = memchr(mid, ' ', midlen);
		best = sp ? (size_t)(sp - mid) : midlen;
		snprintf(rep->error_type, sizeof(rep->error_type), "%.*s", (int)best, mid);
	}
	mid += best;
	midlen -= best;
	/* address part: "DAR: %016llx " [ "paddr: %016llx " ] */
	dar = NULL;
	for (size_t i = 0; i + 5 <= midlen; i++)
		if (strncmp(mid + i, "DAR: ", 5) == 0) {
			dar = mid + i;
			break;
		}
	copy_trim(rep->error_subtype, sizeof(rep->error_subtype), mid,
		  dar ? (size_t)(dar - mid) : midlen);
	if (dar) {
		const char *q = dar + 5;
		if (parse_hex_p(&q, &rep->ea)) {
			rep->has_ea = true;
			while (*q == ' ')
				q++;
			if (skip_lit(&q, "paddr: ") && parse_hex_p(&q, &rep->pa))
				rep->has_pa = true;
		}
	}
	return true;
}

/* " paddr: %016llx" tail of line 2. */
static void mce_paddr_tail(const char *q, struct kmsg_report *rep)
{
	const char *pa = strstr(q, "paddr: ");

	if (pa) {
		pa += 7;
		if (parse_hex_p(&pa, &rep->pa))
			rep->has_pa = true;
	}
}

/* Line 2 variants; false if p is not a line-2 form. */
static bool mce_parse_line2(const char *p, struct kmsg_report *rep)
{
	const char *q = p;

	if (skip_lit(&q, "PID: ")) {
		const char *comm, *nip;

		if (!parse_int_p(&q, &rep->pid) || !skip_lit(&q, " Comm: "))
			return false;
		rep->has_pid = true;
		comm = q;
		/* Comm may contain spaces ("CPU 3/KVM"): the NIP marker is the last one. */
		nip = NULL;
		for (const char *s = strstr(q, "NIP: ["); s; s = strstr(s + 1, "NIP: ["))
			nip = s;
		if (!nip)
			return false;
		const char *ce = nip;
		if (ce - comm >= 6 && strncmp(ce - 6, "Guest ", 6) == 0) {
			ce -= 6;
			rep->guest = true;
		}
		copy_trim(rep->comm, sizeof(rep->comm), comm, (size_t)(ce - comm));
		q = nip + 6;
		if (parse_hex_p(&q, &rep->nip))
			rep->has_nip = true;
		mce_paddr_tail(q, rep);
		return true;
	}
	if (skip_lit(&q, "NIP: [")) {
		if (!parse_hex_p(&q, &rep->nip))
			return false;
		rep->has_nip = true;
		if (*q == ']')
			q++;
		while (*q == ' ')
			q++;
		const char *pa = strstr(q, " paddr: ");
		copy_trim(rep->nip_symbol, sizeof(rep->nip_symbol), q,
			  pa ? (size_t)(pa - q) : strlen(q));
		mce_paddr_tail(q, rep);
		return true;
	}
	return false;
}

static bool is_mce_class(const char *p)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(p, kmsg_mce_classes[i]) == 0)
			return true;
	return false;
}

/* HMI line 1: "%s Hypervisor Maintenance interrupt [%s]" */
static bool hmi_parse_header(const char *t, struct kmsg_report *rep)
{
	const char *h = strstr(t, "Hypervisor Maintenance interrupt [");
	const char *w = t, *lb, *rb;
	size_t wl;

	if (!h)
		return false;
	wl = (size_t)(h - t);
	while (wl && (w[wl - 1] == ' '))
		wl--;
	while (wl && *w == ' ') {
		w++;
		wl--;
	}
	if (wl > 12)
		return false;
	snprintf(rep->severity_word, sizeof(rep->severity_word), "%.*s", (int)wl, w);
	if (wl == 0)
		rep->severity = KMSG_SEV_WARNING;
	else
		rep->severity = sev_from_word(w, wl);
	lb = h + strlen("Hypervisor Maintenance interrupt ");
	rb = strchr(lb, ']');
	if (!rb)
		return false;
	rep->recovered = strncmp(lb, "[Recovered]", 11) == 0;
	return true;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void report_add_text(struct kmsg_report *rep, const char *t)
{
	size_t room = sizeof(rep->text) - rep->text_len;
	int n;

	if (room <= 1)
		return;
	n = snprintf(rep->text + rep->text_len, room, "%s%s", rep->text_len ? "\n" : "", t);
	if (n < 0)
		return;
	rep->text_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* ---- grouper ------------------------------------------------------------------- */

void kmsg_grouper_init(struct kmsg_grouper *g)
{
	memset(g, 0, sizeof(*g));
}

static void grouper_emit(struct kmsg_grouper *g)
{
	if (!g->pending)
		return;
	g->pending = false;
	if (g->n_done == KMSG_GROUPER_QUEUE) {
		g->dropped++;
		return;
	}
	g->done[(g->head + g->n_done) % KMSG_GROUPER_QUEUE] = g->cur;
	g->n_done++;
}

void kmsg_grouper_flush(struct kmsg_grouper *g)
{
	grouper_emit(g);
}

bool kmsg_grouper_pending(const struct kmsg_grouper *g, uint64_t *usec)
{
	if (g->pending && usec)
		*usec = g->cur.usec;
	return g->pending;
}

bool kmsg_grouper_next(struct kmsg_grouper *g, struct kmsg_report *out)
{
	if (!g->n_done)
		return false;
	*out = g->done[g->head];
	g->head = (g->head + 1) % KMSG_GROUPER_QUEUE;
	g->n_done--;
	return true;
}

static void report_start(struct kmsg_grouper *g, enum kmsg_report_kind kind,
			 const struct kmsg_record *r)
{
	grouper_emit(g);
	memset(&g->cur, 0, sizeof(g->cur));
	g->cur.kind = kind;
	g->cur.first_seq = g->cur.last_seq = r->seq;
	g->cur.usec = r->usec;
	g->cur.level = r->level;
	g->cur.cpu = -1;
	g->cur.hmi_type = -1;
	g->pending = true;
	g->stage = 1;
}

static bool hmi_continue(struct kmsg_grouper *g, const char *t)
{
	struct kmsg_report *rep = &g->cur;
	const char *p = skip_ws(t);

	if (g->stage == 1) {
		if (!skip_lit(&p, "Error detail: "))
			return false;
		snprintf(rep->hmi_detail, sizeof(rep->hmi_detail), "%s", p);
		for (int i = 0; i < 13; i++)
			if (strcmp(p, kmsg_hmi_types[i]) == 0)
				rep->hmi_type = i;
		if (rep->hmi_type < 0 &&
		    strcmp(p, "UPS (Uniterrupted Power System) Overflow indication") == 0)
			rep->hmi_type = 6;
		g->stage = 2;
		return true;
	}
	if (g->stage < 2)
		return false;
	if (skip_lit(&p, "HMER: ")) {
		rep->has_hmer = parse_hex_p(&p, &rep->hmer);
	} else if (skip_lit(&p, "TFMR: ")) {
		rep->has_tfmr = parse_hex_p(&p, &rep->tfmr);
	} else if (skip_lit(&p, "CPU PIR: ")) {
		uint64_t v;
		if (parse_hex_p(&p, &v)) {
			rep->has_pir = true;
			rep->pir = (uint32_t)v;
		}
	} else if (t[0] == '\t' && rep->has_hmer) {
		/* V2 checkstop detail: "\tCPU PIR" handled above, unit/NX/NPU lines here */
		size_t l = strlen(rep->xstop);
		snprintf(rep->xstop + l, sizeof(rep->xstop) - l, "%s%s", l ? "; " : "", p);
	} else {
		return false;
	}
	g->stage++;
	return true;
}

bool kmsg_grouper_feed(struct kmsg_grouper *g, const struct kmsg_record *r)
{
	char t[KMSG_RECORD_MAX];
	const char *p;
	int cpu;

	kmsg_unescape(r->text, r->text_len, t, sizeof(t));

	/* MCE */
	p = mce_prefix(t, &cpu);
	if (p) {
		struct kmsg_report *rep = &g->cur;
		bool cont = g->pending && rep->kind == KMSG_REPORT_MCE && rep->cpu == cpu &&
			    r->seq > rep->last_seq;

		if (strncmp(p, "machine check (", 15) == 0) {
			report_start(g, KMSG_REPORT_MCE, r);
			rep->cpu = cpu;
			if (!mce_parse_header(p, rep)) {
				/* not a parsable header after all: drop it */
				g->pending = false;
				return false;
			}
			report_add_text(rep, t);
			rep->n_lines = 1;
			return true;
		}
		if (cont && g->stage == 1 && mce_parse_line2(p, rep)) {
			g->stage = 2;
		} else if (cont && g->stage <= 2 && skip_lit(&p, "Initiator ")) {
			snprintf(rep->initiator, sizeof(rep->initiator), "%s", p);
			g->stage = 3;
		} else if (cont && g->stage == 3 && is_mce_class(p)) {
			snprintf(rep->error_class, sizeof(rep->error_class), "%s", p);
			g->stage = 4;
		} else {
			/* an MCE line that does not continue the pending report */
			grouper_emit(g);
			return false;
		}
		rep->last_seq = r->seq;
		rep->n_lines++;
		report_add_text(rep, t);
		if (g->stage == 4) {
			rep->complete = true;
			grouper_emit(g);
		}
		return true;
	}

	/* HMI */
	if (strstr(t, "Hypervisor Maintenance interrupt [")) {
		report_start(g, KMSG_REPORT_HMI, r);
		if (!hmi_parse_header(t, &g->cur)) {
			g->pending = false;
			return false;
		}
		g->cur.n_lines = 1;
		report_add_text(&g->cur, t);
		return true;
	}
	if (g->pending && g->cur.kind == KMSG_REPORT_HMI && r->seq > g->cur.last_seq &&
	    hmi_continue(g, t)) {
		struct kmsg_report *rep = &g->cur;

		rep->last_seq = r->seq;
		rep->n_lines++;
		report_add_text(rep, t);
		/* complete once the HMER (and the TFMR for timer errors) is in; a Malfunction
		 * Alert may still print V2 checkstop detail, so it waits for the next
		 * unrelated record or a flush */
		bool timer = rep->hmi_type == 4 || rep->hmi_type == 5;
		if (rep->has_hmer && (!timer || rep->has_tfmr)) {
			rep->complete = true;
			if (rep->hmi_type != 0)
				grouper_emit(g);
		}
		return true;
	}

	/* unrelated record: the pending report is as complete as it will get */
	grouper_emit(g);
	return false;
}

/* ---- ras_event ------------------------------------------------------------------ */

static void add_attr(struct kmsg_event_buf *b, size_t *n, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_attr(struct kmsg_event_buf *b, size_t *n, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (*n >= sizeof(b->attrs) / sizeof(b->attrs[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(b->vals[*n], sizeof(b->vals[*n]), fmt, ap);
	va_end(ap);
	b->attrs[*n].name = name;
	b->attrs[*n].value = b->vals[*n];
	(*n)++;
}

void kmsg_report_to_event(const struct kmsg_report *rep, const char *boot_id, int64_t boot_epoch_us,
			  struct kmsg_event_buf *b, struct ras_event *ev)
{
	size_t n = 0;
	bool mce = rep->kind == KMSG_REPORT_MCE;

	memset(ev, 0, sizeof(*ev));
	memset(b, 0, sizeof(*b));
	ev->source = "kmsg";
	ev->kind = mce ? RAS_KIND_MCE : RAS_KIND_HMI;
	snprintf(b->dedupe, sizeof(b->dedupe), "%s:%" PRIu64, boot_id ? boot_id : "",
		 rep->first_seq);
	ev->dedupe_key = b->dedupe;
	ev->time_us = boot_epoch_us ? boot_epoch_us + (int64_t)rep->usec : 0;
	if (rep->severity == KMSG_SEV_FATAL)
		ev->severity = RAS_SEV_CRITICAL;
	else if (!rep->recovered)
		ev->severity = RAS_SEV_ERROR;
	else
		ev->severity = RAS_SEV_WARNING;
	ev->source_severity = rep->severity;
	snprintf(b->sev_name, sizeof(b->sev_name), "%s",
		 rep->severity_word[0] ? rep->severity_word : "Warning");
	ev->source_severity_name = b->sev_name;
	ev->subsystem = mce ? "Processor" : "Processor (HMI)";
	if (mce) {
		snprintf(b->refcode, sizeof(b->refcode), "%s%s%s", rep->error_type,
			 rep->error_subtype[0] ? " " : "", rep->error_subtype);
		snprintf(b->location, sizeof(b->location), "CPU%d", rep->cpu);
		snprintf(b->summary, sizeof(b->summary), "Machine check on CPU%d: %s (%s)%s%s [%s]",
			 rep->cpu, b->refcode, b->sev_name, rep->guest ? " in guest" : "",
			 rep->has_ea ? " at effective address" : "",
			 rep->recovered ? "Recovered" : "Not recovered");
	} else {
		snprintf(b->refcode, sizeof(b->refcode), "%s",
			 rep->hmi_detail[0] ? rep->hmi_detail : "Unknown");
		if (rep->has_pir)
			snprintf(b->location, sizeof(b->location), "PIR 0x%08x", rep->pir);
		snprintf(b->summary, sizeof(b->summary),
			 "Hypervisor Maintenance interrupt: %s [%s]", b->refcode,
			 rep->recovered ? "Recovered" : "Not recovered");
	}
	ev->refcode = b->refcode;
	ev->location = b->location;
	ev->summary = b->summary;
	ev->serviceable = !rep->recovered || rep->severity >= KMSG_SEV_SEVERE;
	ev->raw = (const uint8_t *)rep->text;
	ev->raw_len = rep->text_len;

	add_attr(b, &n, "seq", "%" PRIu64, rep->first_seq);
	add_attr(b, &n, "seq_last", "%" PRIu64, rep->last_seq);
	add_attr(b, &n, "disposition", "%s", rep->recovered ? "recovered" : "not recovered");
	add_attr(b, &n, "complete", "%s", rep->complete ? "yes" : "no");
	if (mce) {
		add_attr(b, &n, "cpu", "%d", rep->cpu);
		add_attr(b, &n, "error_type", "%s", rep->error_type);
		if (rep->error_subtype[0])
			add_attr(b, &n, "error_subtype", "%s", rep->error_subtype);
		add_attr(b, &n, "context", "%s", rep->guest ? "guest" : "host");
		if (rep->has_ea)
			add_attr(b, &n, "effective_address", "0x%016" PRIx64, rep->ea);
		if (rep->has_pa)
			add_attr(b, &n, "real_address", "0x%016" PRIx64, rep->pa);
		if (rep->has_nip)
			add_attr(b, &n, "nip", "0x%016" PRIx64, rep->nip);
		if (rep->nip_symbol[0])
			add_attr(b, &n, "nip_symbol", "%s", rep->nip_symbol);
		if (rep->has_pid) {
			add_attr(b, &n, "pid", "%d", rep->pid);
			add_attr(b, &n, "comm", "%s", rep->comm);
		}
		if (rep->initiator[0])
			add_attr(b, &n, "initiator", "%s", rep->initiator);
		if (rep->error_class[0])
			add_attr(b, &n, "error_class", "%s", rep->error_class);
	} else {
		if (rep->hmi_type >= 0)
			add_attr(b, &n, "hmi_type", "%d", rep->hmi_type);
		if (rep->has_hmer)
			add_attr(b, &n, "hmer", "0x%016" PRIx64, rep->hmer);
		if (rep->has_tfmr)
			add_attr(b, &n, "tfmr", "0x%016" PRIx64, rep->tfmr);
		if (rep->has_pir)
			add_attr(b, &n, "pir", "0x%08x", rep->pir);
		if (rep->xstop[0])
			add_attr(b, &n, "checkstop", "%s", rep->xstop);
	}
	ev->attrs = b->attrs;
	ev->n_attrs = n;
}
