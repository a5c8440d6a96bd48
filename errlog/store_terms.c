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
 * them with INSERT OR IGNORE before its COMMIT (a rollback discards both). Terms this
 * connection has written are remembered, so a day's recurring SRCs and locations cost
 * no statement in later batches; the memory is dropped when another writer has
 * committed, on a rollback and after a trim.
 * Terms: "s:" + refcode, "l:" + the event's location and every callout location.
 * Invariant: after every COMMIT, every stored event's terms are in event_terms; rows may
 * outlive their events (retention trims whole days before the oldest event), which
 * costs a query a wasted look at a day, never a wrong answer.
 */
#include "errlog/store_internal.h"

#include <errno.h>
#include <stdio.h>
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

/* A set of (day, term): a hash table over an arena of texts. */
struct term_set {
	struct term_ent ent[TERMS_MAX];
	int n;
	uint32_t used; /* bytes of text */
	uint16_t slot[TERMS_SLOTS]; /* index + 1 into ent, 0 = empty */
	char text[TERMS_TEXT];
};

/* `batch`: the terms of this batch not yet written. `known`: terms written by this
 * connection since it last saw another writer's commit (PRAGMA data_version), a
 * rollback or a trim - they need no INSERT again; a day's SRCs recur in every batch. */
struct store_terms {
	struct term_set batch, known;
};

int64_t store_day_of(int64_t time_us)
{
	int64_t d = time_us / STORE_DAY_USEC;

	if (time_us % STORE_DAY_USEC < 0)
		d--;
	return d;
}

static void set_clear(struct term_set *t)
{
	t->n = 0;
	t->used = 0;
	memset(t->slot, 0, sizeof(t->slot));
}

static uint32_t hash_term(int64_t day, const char *term)
{
	uint32_t h = (uint32_t)day * 2654435761u;

	for (; *term; term++)
		h = (h ^ (uint8_t)*term) * 16777619u;
	return h;
}

/* The slot of (day, term): where it is, or the empty slot where it would go. */
static unsigned set_slot(const struct term_set *t, int64_t day, const char *term, uint32_t h,
			 bool *found)
{
	unsigned k;

	for (k = h & (TERMS_SLOTS - 1); t->slot[k]; k = (k + 1) & (TERMS_SLOTS - 1)) {
		const struct term_ent *x = &t->ent[t->slot[k] - 1];
		if (x->hash == h && x->day == day && !strcmp(t->text + x->off, term)) {
			*found = true;
			return k;
		}
	}
	*found = false;
	return k;
}

/* Insert at slot k (from set_slot); false when the set is full. */
static bool set_put(struct term_set *t, unsigned k, int64_t day, const char *term, uint32_t h)
{
	size_t len = strlen(term) + 1;

	if (t->n == TERMS_MAX || t->used + len > TERMS_TEXT)
		return false;
	memcpy(t->text + t->used, term, len);
	t->ent[t->n] = (struct term_ent){ .day = day, .hash = h, .off = t->used };
	t->used += (uint32_t)len;
	t->slot[k] = (uint16_t)(++t->n);
	return true;
}

void store_terms_clear(struct store *s)
{
	if (!s->terms)
		return;
	set_clear(&s->terms->batch);
	set_clear(&s->terms->known); /* a rollback also undid rows flushed in the batch */
}

void store_terms_forget(struct store *s)
{
	if (s->terms)
		set_clear(&s->terms->known);
}

void store_terms_free(struct store *s)
{
	free(s->terms);
	s->terms = NULL;
}

/* (day, term) order: the inserts walk the index pages in order. */
static int cmp_term(const void *a, const void *b, void *arg)
{
	const struct term_ent *x = a, *y = b;
	const struct term_set *t = arg;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(t->text + x->off, t->text + y->off);
}

/* One INSERT OR IGNORE of (day, term). */
static int term_write(struct store *s, int64_t day, const char *term, struct ras_err *e)
{
	sqlite3_stmt *st = store_stmt(s, ST_TERM_ADD, e);
	int rc = 0;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, term, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_sqlerr(s, e, "update event_terms");
	sqlite3_reset(st);
	return rc;
}

int store_terms_flush(struct store *s, struct ras_err *e)
{
	struct store_terms *ts = s->terms;
	struct term_set *t;
	int rc = 0;

	if (!ts || !ts->batch.n)
		return 0;
	t = &ts->batch;
	qsort_r(t->ent, (size_t)t->n, sizeof(t->ent[0]), cmp_term, t);
	for (int i = 0; i < t->n && !rc; i++)
		rc = term_write(s, t->ent[i].day, t->text + t->ent[i].off, e);
	for (int i = 0; i < t->n && !rc; i++) {
		const struct term_ent *x = &t->ent[i];
		const char *term = t->text + x->off;
		bool found;
		unsigned k = set_slot(&ts->known, x->day, term, x->hash, &found);
		if (!found && !set_put(&ts->known, k, x->day, term, x->hash)) {
			set_clear(&ts->known); /* full: start over with the newest */
			k = set_slot(&ts->known, x->day, term, x->hash, &found);
			set_put(&ts->known, k, x->day, term, x->hash);
		}
	}
	set_clear(t);
	return rc;
}

int store_terms_add(struct store *s, int64_t day, char tag, const char *value, struct ras_err *e)
{
	struct store_terms *ts = s->terms;
	char term[512];
	size_t len;
	uint32_t h;
	bool found;
	unsigned k;

	if (!value || !*value)
		return 0;
	len = strlen(value);
	if (len + 3 > sizeof(term)) {
		/* Longer than any decoder makes; still indexed (the invariant above),
		 * written at once and not remembered. */
		char *long_term;
		if (asprintf(&long_term, "%c:%s", tag, value) < 0)
			return ras_errf(e, -ENOMEM, "out of memory");
		int rc = term_write(s, day, long_term, e);
		free(long_term);
		return rc;
	}
	if (!ts) {
		ts = s->terms = calloc(1, sizeof(*ts));
		if (!ts)
			return ras_errf(e, -ENOMEM, "out of memory");
	}
	term[0] = tag;
	term[1] = ':';
	memcpy(term + 2, value, len + 1);
	h = hash_term(day, term);
	set_slot(&ts->known, day, term, h, &found);
	if (found)
		return 0;
	k = set_slot(&ts->batch, day, term, h, &found);
	if (found)
		return 0;
	if (!set_put(&ts->batch, k, day, term, h)) {
		int rc = store_terms_flush(s, e);
		if (rc)
			return rc;
		k = set_slot(&ts->batch, day, term, h, &found);
		set_put(&ts->batch, k, day, term, h);
	}
	return 0;
}

int store_terms_trim(struct store *s, struct ras_err *e)
{
	/* Days are trimmed only before the oldest event: retention removes the oldest
	 * first, and a stale day elsewhere is harmless (see the top of this file). */
	if (sqlite3_exec(s->db,
			 "DELETE FROM event_terms WHERE day < coalesce((SELECT " STORE_DAY_SQL(
				 "min(time_us)") " FROM events), 9223372036854775807)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "trim event_terms");
	store_terms_forget(s);
	return 0;
}
