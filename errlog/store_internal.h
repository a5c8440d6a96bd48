/*
 * store_internal.h - what the store's files share; not for use outside errlog/store*.c.
 */
#ifndef OPAL_RAS_ERRLOG_STORE_INTERNAL_H
#define OPAL_RAS_ERRLOG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "errlog/store.h"

extern const char *const store_migrations[];

/* The day number of a time in microseconds, rounded down (also for times before 1970),
 * as an SQL expression: the day key of the events_rollup table. */
#define STORE_DAY_US "86400000000"
#define STORE_DAY_SQL(t) \
	"((" t " - ((" t " % " STORE_DAY_US ") + " STORE_DAY_US ") % " STORE_DAY_US ") / " STORE_DAY_US ")"
extern const int store_schema_version;

enum store_stmt_id {
	ST_INSERT_EVENT,
	ST_FIND_DEDUPE,
	ST_INSERT_CALLOUT,
	ST_INSERT_OUTBOX,
	ST_CURSOR_GET,
	ST_CURSOR_SET,
	ST_ROLLUP_ADD,
	ST__COUNT,
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int in_batch;
	sqlite3_stmt *st[ST__COUNT];
	FILE *attr_f; /* reused buffer for the attrs JSON of one event */
	char *attr_buf;
	size_t attr_len;
	struct store_rollup *rollup; /* counts of the batch's new events (store_rollup.c) */
};

/* events_rollup for inserted events: counted per batch, written before COMMIT. */
int store_rollup_add(struct store *s, int64_t time_us, const char *kind, int severity,
		     const char *subsystem, int open, struct ras_err *e);
int store_rollup_flush(struct store *s, struct ras_err *e);
void store_rollup_clear(struct store *s);
void store_rollup_free(struct store *s);

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
