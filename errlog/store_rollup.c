/*
 * store_rollup.c - the events_rollup counts for the events a batch inserts.
 *
 * store_append() adds each new event to a small in-memory table keyed by (day, kind,
 * severity, subsystem, open); store_commit() writes the sums with one upsert per key
 * before its COMMIT, so the counts are durable in the same transaction as the events
 * (a rollback discards both). Deletes and updates of events are followed by triggers
 * (migration 5). Invariant: after every COMMIT, events_rollup holds exactly the counts
 * of the events table.
 */
#include "errlog/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct rollup_ent {
	int64_t day, n;
	int severity, open;
	uint32_t hash;
	char *kind, *subsystem;
};

/* Keys per batch before an intermediate flush (a batch spans few days and kinds). */
#define ROLLUP_MAX   256
#define ROLLUP_SLOTS 512 /* open addressing, power of two, > 1.5 * ROLLUP_MAX */

struct store_rollup {
	struct rollup_ent ent[ROLLUP_MAX];
	int n;
	int16_t slot[ROLLUP_SLOTS]; /* index + 1 into ent, 0 = empty */
};

static uint32_t hash_str(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ 0xff) * 16777619u;
}

void store_rollup_clear(struct store *s)
{
	struct store_rollup *r = s->rollup;

	if (!r)
		return;
	for (int i = 0; i < r->n; i++) {
		free(r->ent[i].kind);
		free(r->ent[i].subsystem);
	}
	r->n = 0;
	memset(r->slot, 0, sizeof(r->slot));
}

void store_rollup_free(struct store *s)
{
	store_rollup_clear(s);
	free(s->rollup);
	s->rollup = NULL;
}

int store_rollup_flush(struct store *s, struct ras_err *e)
{
	struct store_rollup *r = s->rollup;
	int rc = 0;

	if (!r)
		return 0;
	for (int i = 0; i < r->n && !rc; i++) {
		sqlite3_stmt *st = store_stmt(s, ST_ROLLUP_ADD, e);
		if (!st)
			return -EIO;
		sqlite3_bind_int64(st, 1, r->ent[i].day);
		sqlite3_bind_text(st, 2, r->ent[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, r->ent[i].severity);
		sqlite3_bind_text(st, 4, r->ent[i].subsystem, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, r->ent[i].open);
		sqlite3_bind_int64(st, 6, r->ent[i].n);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_sqlerr(s, e, "update events_rollup");
		sqlite3_reset(st);
	}
	store_rollup_clear(s);
	return rc;
}

int store_rollup_add(struct store *s, int64_t time_us, const char *kind, int severity,
		     const char *subsystem, int open, struct ras_err *e)
{
	struct store_rollup *r = s->rollup;
	const char *sub = subsystem ? subsystem : "-";
	int64_t day = store_day_of(time_us);
	uint32_t h;
	unsigned k;

	if (!r) {
		r = s->rollup = calloc(1, sizeof(*r));
		if (!r)
			return ras_errf(e, -ENOMEM, "out of memory");
	}
	h = hash_str(hash_str((uint32_t)day * 2654435761u ^ (uint32_t)(severity << 1 | open), kind),
		     sub);
	for (k = h & (ROLLUP_SLOTS - 1); r->slot[k]; k = (k + 1) & (ROLLUP_SLOTS - 1)) {
		struct rollup_ent *x = &r->ent[r->slot[k] - 1];
		if (x->hash == h && x->day == day && x->severity == severity && x->open == open &&
		    !strcmp(x->kind, kind) && !strcmp(x->subsystem, sub)) {
			x->n++;
			return 0;
		}
	}
	if (r->n == ROLLUP_MAX) {
		int rc = store_rollup_flush(s, e);
		if (rc)
			return rc;
		return store_rollup_add(s, time_us, kind, severity, subsystem, open, e);
	}
	struct rollup_ent *x = &r->ent[r->n];
	*x = (struct rollup_ent){ .day = day,
				  .n = 1,
				  .severity = severity,
				  .open = open,
				  .hash = h,
				  .kind = strdup(kind),
				  .subsystem = strdup(sub) };
	if (!x->kind || !x->subsystem) {
		free(x->kind);
		free(x->subsystem);
		return ras_errf(e, -ENOMEM, "out of memory");
	}
	r->slot[k] = (int16_t)(++r->n);
	return 0;
}
