/*
 * store_internal.h - what the store's files share; not for use outside errlog/store*.c.
 */
#ifndef OPAL_RAS_ERRLOG_STORE_INTERNAL_H
#define OPAL_RAS_ERRLOG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "errlog/store.h"

extern const char *const store_migrations[];

extern const int store_schema_version;

/* A day in microseconds, as a number and as SQL text. The day number of a time is
 * rounded down (also for times before 1970): store_day_of() in C, STORE_DAY_SQL() in
 * SQL; it keys events_rollup and event_terms. */
#define STORE_DAY_USEC 86400000000ll
#define STORE_DAY_US   "86400000000"
#define STORE_DAY_SQL(t) \
	"((" t " - ((" t " % " STORE_DAY_US ") + " STORE_DAY_US ") % " STORE_DAY_US ") / " STORE_DAY_US ")"
int64_t store_day_of(int64_t time_us);

/* Checkpoint once the WAL holds this many pages (16 KiB each: ~32 MiB): fewer database
 * flushes during an error storm than SQLite's default 1000. */
#define STORE_WAL_CKPT_PAGES 2000

enum store_stmt_id {
	ST_INSERT_EVENT,
	ST_FIND_DEDUPE,
	ST_INSERT_OUTBOX,
	ST_CURSOR_GET,
	ST_CURSOR_SET,
	ST_ROLLUP_ADD,
	ST_TERM_ADD,
	ST_DATA_VERSION,
	ST__COUNT,
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int in_batch;
	sqlite3_stmt *st[ST__COUNT];
	FILE *attr_f; /* reused buffer for the attrs and callouts JSON of one event */
	char *attr_buf;
	size_t attr_len;
	struct store_rollup *rollup; /* counts of the batch's new events (store_rollup.c) */
	struct store_terms *terms;   /* (day, term) pairs of the batch (store_terms.c) */
	struct store_sync *sync;     /* async mode: the flushing thread (store_sync.c) */
	uint64_t commits;            /* batches committed by this connection */
	int64_t data_version;        /* PRAGMA data_version at the last batch */
};

/* store_sync.c, for store.c: the sequence number of the batch just committed; a sticky
 * flush error (0 or negative errno, message in e); at the WAL cap, wait for a
 * checkpoint pass before a new batch. */
uint64_t store_sync_committed(struct store *s);
int store_sync_error(struct store *s, struct ras_err *e);
void store_sync_before_batch(struct store *s);
/* Unit tests: call hook before each WAL flush; a negative errno fails the flush. */
void store_sync_test_hook(struct store *s, int (*hook)(void));

/* events_rollup for inserted events: counted per batch, written before COMMIT. */
int store_rollup_add(struct store *s, int64_t time_us, const char *kind, int severity,
		     const char *subsystem, int open, struct ras_err *e);
int store_rollup_flush(struct store *s, struct ras_err *e);
void store_rollup_clear(struct store *s);
void store_rollup_free(struct store *s);

/* event_terms for inserted events: collected per batch, written before COMMIT.
 * tag 's' (refcode) or 'l' (location); empty or NULL values are not terms. */
int store_terms_add(struct store *s, int64_t day, char tag, const char *value,
		    struct ras_err *e);
int store_terms_flush(struct store *s, struct ras_err *e);
void store_terms_clear(struct store *s);
void store_terms_free(struct store *s);
/* Forget which terms are written (another writer may have removed some). */
void store_terms_forget(struct store *s);
/* Remove the terms of days before the oldest event (after retention deleted events). */
int store_terms_trim(struct store *s, struct ras_err *e);

/* Prepare (once) and return statement id, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id, struct ras_err *e);
int store_sqlerr(struct store *s, struct ras_err *e, const char *what);

/* Bind a text the statement does not outlive; NULL binds SQL NULL. */
static inline void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

#endif
