/*
 * store_terms.c - the event_terms table: which days hold which SRCs and locations.
 *
 * An index on refcode or location has one entry per event in an order unrelated to
 * time, so a batch of N events dirties up to N random index pages, and the WAL grows by
 * a page per event as the table grows (this was most of the ingest cost). event_terms
 * is keyed (day, term) instead: a batch only touches the pages of the days it covers,
 * and a term is written once per day however many events carry it. A query for an SRC
 * or a location walks the days that have it (store_query.c) and reads only their
 * events through events_time.
 *
 * store_append() adds each new event's terms to an in-memory set; store_commit() writes
 * them with INSERT OR IGNORE before its COMMIT (a rollback discards both).
 * Terms: "s:" + refcode, "l:" + the event's location and every callout location.
 * Invariant: after every COMMIT, every stored event's terms are in event_terms; rows may
 * outlive their events (retention trims whole days before the oldest event), which
 * costs a query a wasted look at a day, never a wrong answer.
 */
#include "errlog/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* A batch of 1000 events has up to a few thousand distinct terms; more is flushed
 * early, which is correct too (INSERT OR IGNORE). */
#define TERMS_MAX   4096
#define TERMS_SLOTS 8192 /* open addressing, power of two, 2 * TERMS_MAX */
#define TERMS_TEXT  (256 * 1024)

struct term_ent {
	int64_t day;
	uint32_t hash, off; /* off: the term's text in the arena */
};

struct store_terms {
	struct term_ent ent[TERMS_MAX];
	int n;
	uint32_t used; /* bytes of text */
	uint16_t slot[TERMS_SLOTS]; /* index + 1 into ent, 0 = empty */
	char text[TERMS_TEXT];
};

int64_t store_day_of(int64_t time_us)
{
	int64_t d = time_us / STORE_DAY_USEC;

	if (time_us % STORE_DAY_USEC < 0)
		d--;
	return d;
}

void store_terms_clear(struct store *s)
{
	struct store_terms *t = s->terms;

	if (!t)
		return;
	t->n = 0;
	t->used = 0;
	memset(t->slot, 0, sizeof(t->slot));
}

void store_terms_free(struct store *s)
{
	free(s->terms);
	s->terms = NULL;
}

static const struct store_terms *sort_terms;

/* (day, term) order: the inserts walk the index pages in order. */
static int cmp_term(const void *a, const void *b)
{
	const struct term_ent *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(sort_terms->text + x->off, sort_terms->text + y->off);
}

int store_terms_flush(struct store *s, struct ras_err *e)
{
	struct store_terms *t = s->terms;
	int rc = 0;

	if (!t || !t->n)
		return 0;
	sort_terms = t;
	qsort(t->ent, (size_t)t->n, sizeof(t->ent[0]), cmp_term);
	for (int i = 0; i < t->n && !rc; i++) {
		sqlite3_stmt *st = store_stmt(s, ST_TERM_ADD, e);
		if (!st)
			return -EIO;
		sqlite3_bind_int64(st, 1, t->ent[i].day);
		sqlite3_bind_text(st, 2, t->text + t->ent[i].off, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_sqlerr(s, e, "update event_terms");
		sqlite3_reset(st);
	}
	store_terms_clear(s);
	return rc;
}

static uint32_t hash_term(int64_t day, char tag, const char *v)
{
	uint32_t h = ((uint32_t)day * 2654435761u) ^ (uint8_t)tag;

	for (; *v; v++)
		h = (h ^ (uint8_t)*v) * 16777619u;
	return h;
}

int store_terms_add(struct store *s, int64_t day, char tag, const char *value,
		    struct ras_err *e)
{
	struct store_terms *t = s->terms;
	size_t len;
	uint32_t h;
	unsigned k;

	if (!value || !*value)
		return 0;
	len = strlen(value);
	if (len + 3 > TERMS_TEXT)
		return 0; /* cannot be: values come from bounded decoders; never index it */
	if (!t) {
		t = s->terms = calloc(1, sizeof(*t));
		if (!t)
			return ras_errf(e, -ENOMEM, "out of memory");
	}
	h = hash_term(day, tag, value);
	for (k = h & (TERMS_SLOTS - 1); t->slot[k]; k = (k + 1) & (TERMS_SLOTS - 1)) {
		const struct term_ent *x = &t->ent[t->slot[k] - 1];
		const char *xt = t->text + x->off;
		if (x->hash == h && x->day == day && xt[0] == tag && !strcmp(xt + 2, value))
			return 0;
	}
	if (t->n == TERMS_MAX || t->used + len + 3 > TERMS_TEXT) {
		int rc = store_terms_flush(s, e);
		if (rc)
			return rc;
		return store_terms_add(s, day, tag, value, e);
	}
	char *p = t->text + t->used;
	p[0] = tag;
	p[1] = ':';
	memcpy(p + 2, value, len + 1);
	t->ent[t->n] = (struct term_ent){ .day = day, .hash = h, .off = t->used };
	t->used += (uint32_t)len + 3;
	t->slot[k] = (uint16_t)(++t->n);
	return 0;
}

int store_terms_trim(struct store *s, struct ras_err *e)
{
	/* Days are trimmed only before the oldest event: retention removes the oldest
	 * first, and a stale day elsewhere is harmless (see the top of this file). */
	if (sqlite3_exec(s->db,
			 "DELETE FROM event_terms WHERE day < coalesce((SELECT "
			 STORE_DAY_SQL("min(time_us)") " FROM events), 9223372036854775807)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "trim event_terms");
	return 0;
}
