/*
 * event_render.c - text, CSV and JSON renderings of stored events (see event_render.h).
 *
 * Times: UTC epoch microseconds in JSON/CSV ("time_us") next to an ISO 8601 UTC string;
 * local time only in the text views.
 */
#include "errlog/event_render.h"

#include <string.h>

#include "common/timeutil.h"
#include "errlog/pel_show.h"

static const char *nz(const char *s)
{
	return s ? s : "";
}

void event_render_text_header(FILE *f)
{
	fprintf(f, "%-7s %-19s %-10s %-8s %-14s %-3s %-24s %s\n", "ID", "TIME", "KIND", "SEVERITY",
		"REFCODE", "S", "LOCATION", "SUMMARY");
}

/*
 * The REFCODE column: SRCs and our own codes (eeh-near-limit) fit; the descriptive codes
 * of machine checks and HMIs are cut with a '+' mark (the summary repeats them in full,
 * and filters and JSON use the whole code). Location codes are never cut.
 */
#define REFCODE_COL 14

static const char *refcode_cell(const char *rc, char *buf, size_t n)
{
	if (!rc || !*rc)
		return "-";
	if (strlen(rc) <= REFCODE_COL || n < REFCODE_COL + 1)
		return rc;
	memcpy(buf, rc, REFCODE_COL - 1);
	buf[REFCODE_COL - 1] = '+';
	buf[REFCODE_COL] = 0;
	return buf;
}

void event_render_text_line(FILE *f, const struct stored_event *ev)
{
	char t[40], rc[REFCODE_COL + 1];
	fprintf(f, "%-7lld %-19s %-10s %-8s %-14s %-3s %-24s %s\n", (long long)ev->id,
		time_format(ev->time_us, false, t, sizeof(t)), nz(ev->kind),
		ras_severity_name(ev->severity), refcode_cell(ev->refcode, rc, sizeof(rc)),
		ev->serviceable ? (ev->open ? "S" : "S/c") : (ev->open ? "-" : "c"),
		ev->location && *ev->location ? ev->location : "-", nz(ev->summary));
}

/* CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s, bool last)
{
	s = nz(s);
	if (strpbrk(s, ",\"\r\n")) {
		putc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				putc('"', f);
			putc(*s, f);
		}
		putc('"', f);
	} else {
		fputs(s, f);
	}
	putc(last ? '\n' : ',', f);
}

void event_render_csv_header(FILE *f)
{
	fputs("id,time_us,time,source,kind,severity,source_severity,subsystem,refcode,location,"
	      "serviceable,call_home,open,guest,summary\n",
	      f);
}

void event_render_csv_line(FILE *f, const struct stored_event *ev)
{
	char t[48], num[32];
	fprintf(f, "%lld,%lld,%s,", (long long)ev->id, (long long)ev->time_us,
		time_format_iso_us(ev->time_us, t, sizeof(t)));
	csv_field(f, ev->source, false);
	csv_field(f, ev->kind, false);
	csv_field(f, ras_severity_name(ev->severity), false);
	snprintf(num, sizeof(num), "%d", ev->source_severity);
	csv_field(f, ev->source_severity >= 0 ? num : "", false);
	csv_field(f, ev->subsystem, false);
	csv_field(f, ev->refcode, false);
	csv_field(f, ev->location, false);
	fprintf(f, "%d,%d,%d,", ev->serviceable, ev->call_home, ev->open);
	csv_field(f, ev->guest, false);
	csv_field(f, ev->summary, true);
}

static int json_callout(const struct stored_callout *c, void *arg)
{
	struct json_writer *w = arg;
	json_obj_begin(w);
	json_kstr(w, "priority", c->priority);
	json_kstr(w, "location", c->location);
	json_kstr(w, "part", c->part);
	json_kstr(w, "serial", c->serial);
	json_kstr(w, "ccin", c->ccin);
	json_kstr(w, "type", c->fru_kind);
	json_obj_end(w);
	return 0;
}

static int json_history(const struct stored_history *h, void *arg)
{
	struct json_writer *w = arg;
	char t[48];
	json_obj_begin(w);
	json_kint(w, "time_us", h->time_us);
	json_kstr(w, "time", time_format_iso_us(h->time_us, t, sizeof(t)));
	json_kstr(w, "action", h->action);
	json_kstr(w, "actor", h->actor);
	json_kstr(w, "reason", h->reason);
	json_obj_end(w);
	return 0;
}

static int json_delivery(const struct stored_delivery *d, void *arg)
{
	struct json_writer *w = arg;
	json_obj_begin(w);
	json_kstr(w, "target", d->target);
	json_kstr(w, "state", d->state);
	json_kint(w, "attempts", d->attempts);
	json_kint(w, "updated_us", d->updated_us);
	json_obj_end(w);
	return 0;
}

static int json_forward(const struct stored_forward *f, void *arg)
{
	struct json_writer *w = arg;
	char t[48];
	json_obj_begin(w);
	json_kstr(w, "target", f->target);
	json_kstr(w, "class", f->cls);
	json_kstr(w, "action", f->action);
	json_kstr(w, "socket", f->socket);
	json_kstr(w, "guest", f->guest);
	json_kstr(w, "device", f->device);
	json_kint(w, "attempt", f->attempt);
	json_kint(w, "started_us", f->started_us);
	json_kstr(w, "started", time_format_iso_us(f->started_us, t, sizeof(t)));
	json_kint(w, "latency_us", f->latency_us);
	json_kstr(w, "result", f->result);
	json_kstr(w, "error", f->error);
	json_obj_end(w);
	return 0;
}

void event_render_json(struct json_writer *w, const struct stored_event *ev, struct store *s)
{
	char t[48];

	json_obj_begin(w);
	json_kint(w, "id", ev->id);
	json_kstr(w, "source", ev->source);
	json_kstr(w, "kind", ev->kind);
	json_kstr(w, "dedupe_key", ev->dedupe_key);
	json_kint(w, "time_us", ev->time_us);
	json_kstr(w, "time", time_format_iso_us(ev->time_us, t, sizeof(t)));
	json_kint(w, "logged_us", ev->logged_us);
	json_kstr(w, "severity", ras_severity_name(ev->severity));
	json_key(w, "source_severity");
	if (ev->source_severity >= 0)
		json_int(w, ev->source_severity);
	else
		json_null(w);
	json_kstr(w, "source_severity_name", ev->source_severity_name);
	json_kstr(w, "subsystem", ev->subsystem);
	json_kstr(w, "refcode", ev->refcode);
	json_kstr(w, "location", ev->location);
	json_kstr(w, "summary", ev->summary);
	json_kbool(w, "serviceable", ev->serviceable);
	json_kbool(w, "call_home", ev->call_home);
	json_kbool(w, "open", ev->open);
	if (!ev->open) {
		json_kint(w, "closed_us", ev->closed_us);
		json_kstr(w, "close_reason", ev->close_reason);
	}
	json_kstr(w, "guest", ev->guest);
	json_key(w, "attrs");
	if (ev->attrs_json && ev->attrs_json[0] == '{')
		json_raw(w, ev->attrs_json);
	else {
		json_obj_begin(w);
		json_obj_end(w);
	}
	json_kuint(w, "raw_len", ev->raw_len);
	if (s) {
		json_key(w, "callouts");
		json_arr_begin(w);
		store_each_callout(s, ev->id, json_callout, w, NULL);
		json_arr_end(w);
		json_key(w, "history");
		json_arr_begin(w);
		store_each_history(s, ev->id, json_history, w, NULL);
		json_arr_end(w);
		json_key(w, "deliveries");
		json_arr_begin(w);
		store_each_delivery(s, ev->id, json_delivery, w, NULL);
		json_arr_end(w);
		json_key(w, "forwards");
		json_arr_begin(w);
		store_each_forward(s, ev->id, json_forward, w, NULL);
		json_arr_end(w);
	}
	json_obj_end(w);
}

static int text_callout(const struct stored_callout *c, void *arg)
{
	FILE *f = arg;
	fprintf(f, "  callout %d: priority %s location %s part %s serial %s ccin %s%s%s\n",
		c->seq + 1, c->priority ? c->priority : "-",
		c->location && *c->location ? c->location : "-",
		c->part && *c->part ? c->part : "-", c->serial && *c->serial ? c->serial : "-",
		c->ccin && *c->ccin ? c->ccin : "-", c->fru_kind ? " type " : "", nz(c->fru_kind));
	return 0;
}

static int text_history(const struct stored_history *h, void *arg)
{
	FILE *f = arg;
	char t[40];
	fprintf(f, "  %s %s by %s%s%s\n", time_format(h->time_us, false, t, sizeof(t)),
		nz(h->action), h->actor ? h->actor : "?", h->reason ? ": " : "", nz(h->reason));
	return 0;
}

static int text_delivery(const struct stored_delivery *d, void *arg)
{
	FILE *f = arg;
	fprintf(f, "  %s: %s (%d attempt%s)\n", nz(d->target), nz(d->state), d->attempts,
		d->attempts == 1 ? "" : "s");
	return 0;
}

static int text_forward(const struct stored_forward *f, void *arg)
{
	FILE *out = arg;
	char t[40];
	fprintf(out, "  %s %s %s to guest %s%s%s: %s (attempt %d, %lld ms)%s%s\n",
		time_format(f->started_us, false, t, sizeof(t)), nz(f->cls), nz(f->action),
		f->guest ? f->guest : "?", f->device ? " device " : "", nz(f->device),
		nz(f->result), f->attempt, (long long)(f->latency_us / 1000), f->error ? ": " : "",
		nz(f->error));
	if (f->socket)
		fprintf(out, "    via %s\n", f->socket);
	return 0;
}

/* Print the attrs JSON object {"k":"v",...} as "  k: v" lines (our own encoding). */
static void text_attrs(FILE *f, const char *j)
{
	const char *p = j;
	bool key = true;

	if (!p || *p != '{')
		return;
	p++;
	while (*p && *p != '}') {
		if (*p != '"') {
			p++;
			continue;
		}
		p++;
		if (key)
			fputs("  ", f);
		while (*p && *p != '"') {
			if (*p == '\\' && p[1]) {
				p++;
				switch (*p) {
				case 'n':
					fputs("\\n", f);
					break;
				case 't':
					putc('\t', f);
					break;
				case 'u':
					fputs("\\u", f);
					break;
				default:
					putc(*p, f);
				}
				p++;
				continue;
			}
			putc(*p++, f);
		}
		if (*p)
			p++;
		fputs(key ? ": " : "\n", f);
		key = !key;
	}
}

void event_render_text_full(FILE *f, const struct stored_event *ev, struct store *s)
{
	char t[40], tu[48];

	fprintf(f, "Event %lld (%s from %s)\n", (long long)ev->id, nz(ev->kind), nz(ev->source));
	fprintf(f, "  time: %s (%s)\n", time_format(ev->time_us, false, t, sizeof(t)),
		time_format_iso_us(ev->time_us, tu, sizeof(tu)));
	fprintf(f, "  logged: %s\n", time_format(ev->logged_us, false, t, sizeof(t)));
	fprintf(f, "  severity: %s", ras_severity_name(ev->severity));
	if (ev->source_severity >= 0)
		fprintf(f, " (source code 0x%02X%s%s)", ev->source_severity,
			ev->source_severity_name ? ": " : "", nz(ev->source_severity_name));
	putc('\n', f);
	if (ev->subsystem)
		fprintf(f, "  subsystem: %s\n", ev->subsystem);
	if (ev->refcode)
		fprintf(f, "  reference code: %s\n", ev->refcode);
	if (ev->location && *ev->location)
		fprintf(f, "  location: %s\n", ev->location);
	fprintf(f, "  summary: %s\n", nz(ev->summary));
	fprintf(f, "  serviceable: %s, call home: %s\n", ev->serviceable ? "yes" : "no",
		ev->call_home ? "yes" : "no");
	if (ev->open)
		fprintf(f, "  state: open\n");
	else
		fprintf(f, "  state: closed %s: %s\n",
			time_format(ev->closed_us, false, t, sizeof(t)), nz(ev->close_reason));
	if (ev->guest)
		fprintf(f, "  guest: %s\n", ev->guest);
	fprintf(f, "  dedupe key: %s\n", nz(ev->dedupe_key));
	if (ev->attrs_json) {
		fputs("Details\n", f);
		text_attrs(f, ev->attrs_json);
	}
	if (s) {
		fputs("Callouts\n", f);
		store_each_callout(s, ev->id, text_callout, f, NULL);
		fputs("History\n", f);
		store_each_history(s, ev->id, text_history, f, NULL);
		fputs("Deliveries\n", f);
		store_each_delivery(s, ev->id, text_delivery, f, NULL);
		fputs("Guest forwards\n", f);
		store_each_forward(s, ev->id, text_forward, f, NULL);
	}
}

void event_render_show_json(struct json_writer *w, const struct stored_event *ev, struct store *s,
			    bool hex)
{
	json_obj_begin(w);
	json_key(w, "event");
	event_render_json(w, ev, s);
	if (ev->kind && !strcmp(ev->kind, "pel") && ev->raw_len) {
		json_key(w, "pel");
		pel_show_json(w, ev->raw, ev->raw_len, hex);
	}
	json_obj_end(w);
}
