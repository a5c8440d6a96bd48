/*
 * eeh_history.c - freeze -> recovery -> outcome timelines from stored EEH events.
 *
 * eeh_history_load() reads events of kind "eeh" through the store's query API (read-only
 * open) and decodes the attributes written by eeh_event_fill() (a JSON object);
 * eeh_history_build() is pure: a freeze opens a timeline for its PE, a recovered or
 * failed event closes it, a near-limit warning attaches to it. A freeze while a timeline
 * of the same PE is still open closes the old one as "unknown" (its outcome was lost).
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "errlog/store.h"
#include "errlog/store_query.h"

static int cmp_ev(const void *a, const void *b)
{
	const struct eeh_hist_event *x = a, *y = b;
	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool same_pe(const struct eeh_timeline *tl, const struct eeh_hist_event *ev)
{
	return tl->phb == ev->phb && tl->have_pe == ev->have_pe &&
	       (!ev->have_pe || tl->pe == ev->pe);
}

static int tl_add(struct eeh_timeline *tl, size_t i)
{
	size_t *n = realloc(tl->idx, (tl->n_idx + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	tl->idx = n;
	tl->idx[tl->n_idx++] = i;
	return 0;
}

static void tl_merge_info(struct eeh_timeline *tl, const struct eeh_hist_event *ev)
{
	if (!tl->bdf[0] && ev->bdf[0])
		snprintf(tl->bdf, sizeof(tl->bdf), "%s", ev->bdf);
	if (!tl->location[0] && ev->location[0])
		snprintf(tl->location, sizeof(tl->location), "%s", ev->location);
	if (!tl->guest[0] && ev->guest[0])
		snprintf(tl->guest, sizeof(tl->guest), "%s", ev->guest);
	if (!tl->source[0] && ev->source[0])
		snprintf(tl->source, sizeof(tl->source), "%s", ev->source);
	if (ev->freeze_count > tl->freeze_count)
		tl->freeze_count = ev->freeze_count;
}

int eeh_history_build(struct eeh_history *h, struct ras_err *e)
{
	for (size_t i = 0; i < h->n_tl; i++)
		free(h->tl[i].idx);
	free(h->tl);
	h->tl = NULL;
	h->n_tl = 0;
	if (h->n_ev)
		qsort(h->ev, h->n_ev, sizeof(h->ev[0]), cmp_ev);

	for (size_t i = 0; i < h->n_ev; i++) {
		const struct eeh_hist_event *ev = &h->ev[i];
		struct eeh_timeline *open = NULL;
		for (size_t j = h->n_tl; j-- > 0;) {
			if (same_pe(&h->tl[j], ev)) {
				if (strcmp(h->tl[j].outcome, "open") == 0)
					open = &h->tl[j];
				break;
			}
		}
		bool is_freeze = strcmp(ev->type, "freeze") == 0;
		bool is_end = strcmp(ev->type, "recovered") == 0 || strcmp(ev->type, "failed") == 0;
		if (is_freeze && open) {
			snprintf(open->outcome, sizeof(open->outcome), "unknown");
			open = NULL;
		}
		if (!open && (is_freeze || is_end || strcmp(ev->type, "near-limit") == 0)) {
			struct eeh_timeline *nt = realloc(h->tl, (h->n_tl + 1) * sizeof(*nt));
			if (!nt)
				return ras_errf(e, -ENOMEM, "out of memory");
			h->tl = nt;
			open = &h->tl[h->n_tl++];
			memset(open, 0, sizeof(*open));
			open->phb = ev->phb;
			open->pe = ev->pe;
			open->have_pe = ev->have_pe;
			snprintf(open->outcome, sizeof(open->outcome), "open");
			if (is_freeze)
				open->freeze_us = ev->time_us;
		}
		if (!open)
			continue;
		if (tl_add(open, i) < 0)
			return ras_errf(e, -ENOMEM, "out of memory");
		tl_merge_info(open, ev);
		if (strcmp(ev->type, "near-limit") == 0)
			open->near_limit = true;
		if (is_end) {
			open->end_us = ev->time_us;
			snprintf(open->outcome, sizeof(open->outcome), "%s",
				 ev->outcome[0] ? ev->outcome : ev->type);
		}
	}
	return 0;
}

int eeh_history_window_count(const struct eeh_history *h, uint32_t phb, uint32_t pe, int64_t now_us)
{
	struct eeh_window w = { 0 };

	for (size_t i = 0; i < h->n_ev; i++) {
		const struct eeh_hist_event *ev = &h->ev[i];
		if (ev->phb != phb || !ev->have_pe || ev->pe != pe || strcmp(ev->type, "freeze"))
			continue;
		if (ev->time_us > now_us)
			break;
		eeh_window_freeze(&w, ev->time_us);
	}
	return eeh_window_count(&w, now_us);
}

void eeh_history_free(struct eeh_history *h)
{
	for (size_t i = 0; i < h->n_tl; i++)
		free(h->tl[i].idx);
	free(h->tl);
	free(h->ev);
	memset(h, 0, sizeof(*h));
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool parse_hex_attr(const char *s, uint32_t *v)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 16);
	if (errno || *end || x > 0xffffffffull)
		return false;
	*v = (uint32_t)x;
	return true;
}

/* One stored row -> eeh_hist_event; false when it lacks what a timeline needs. */
static bool decode_row(const struct stored_event *r, struct eeh_hist_event *x)
{
	json_t *a = NULL;

	memset(x, 0, sizeof(*x));
	x->id = r->id;
	x->time_us = r->time_us;
	x->severity = (enum ras_severity)r->severity;
	snprintf(x->source, sizeof(x->source), "%s", r->source ? r->source : "");
	snprintf(x->location, sizeof(x->location), "%s", r->location ? r->location : "");
	snprintf(x->guest, sizeof(x->guest), "%s", r->guest ? r->guest : "");
	snprintf(x->summary, sizeof(x->summary), "%s", r->summary ? r->summary : "");
	if (r->attrs_json)
		a = json_loads(r->attrs_json, 0, NULL);
	if (!a)
		return false;
	const char *t = jstr(a, "eeh_event"), *s;
	snprintf(x->type, sizeof(x->type), "%s", t ? t : "");
	if ((s = jstr(a, "outcome")))
		snprintf(x->outcome, sizeof(x->outcome), "%s", s);
	if ((s = jstr(a, "bdf")))
		snprintf(x->bdf, sizeof(x->bdf), "%s", s);
	if ((s = jstr(a, "freeze_count")))
		x->freeze_count = atoi(s);
	bool ok = parse_hex_attr(jstr(a, "phb"), &x->phb);
	x->have_pe = parse_hex_attr(jstr(a, "pe"), &x->pe);
	if (!x->have_pe)
		x->pe = EEH_PE_NONE;
	json_decref(a);
	return ok && x->type[0];
}

int eeh_history_load(const char *db_path, int64_t since_us, struct eeh_history *h,
		     struct ras_err *e)
{
	struct store *s = NULL;
	struct store_query *q = NULL;
	struct event_filter f;
	struct stored_event row;
	size_t cap = 0;
	int rc;

	memset(h, 0, sizeof(*h));
	rc = store_open(db_path, STORE_RDONLY, &s, e);
	if (rc)
		return rc;
	event_filter_init(&f);
	f.kinds = RAS_KIND_EEH;
	f.since_us = since_us;
	rc = store_query_begin(s, &f, &q, e);
	if (rc)
		goto out;
	while ((rc = store_query_next(q, &row, e)) == 1) {
		if (h->n_ev == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct eeh_hist_event *n = realloc(h->ev, nc * sizeof(*n));
			if (!n) {
				rc = ras_errf(e, -ENOMEM, "out of memory");
				goto out;
			}
			h->ev = n;
			cap = nc;
		}
		if (decode_row(&row, &h->ev[h->n_ev]))
			h->n_ev++;
	}
	if (rc == 0)
		rc = eeh_history_build(h, e);
out:
	if (q)
		store_query_end(q);
	store_close(s);
	if (rc)
		eeh_history_free(h);
	return rc;
}
