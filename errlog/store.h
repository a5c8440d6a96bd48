/*
 * store.h - the SQLite error-log database (ARCHITECTURE section 4).
 *
 * One writer (the daemon, or a CLI command that changes state); many readers. WAL mode,
 * synchronous=FULL, statements prepared once, a finite busy timeout. Writes happen in
 * batches: store_begin(), any number of store_append(), store_commit() - one durable
 * commit for the whole batch. Only after store_commit() returns 0 may a source be told
 * it can forget the records (ack after commit).
 *
 * store_append() is idempotent by the event's dedupe key: a re-offered record is
 * recognised, nothing is written, and *is_new is false.
 */
#ifndef OPAL_RAS_ERRLOG_STORE_H
#define OPAL_RAS_ERRLOG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"

struct store;

enum store_mode {
	STORE_RDONLY,   /* readers: list, show, stats, export, follow */
	STORE_RDWR,     /* writers; fails with -ENOENT if the database does not exist */
	STORE_CREATE,   /* writers; creates and migrates as needed */
};

#define STORE_DEFAULT_PATH "/var/lib/opal-ras/ras.db"

/* Open (and for writers migrate) the database. -ENOENT: no database at path;
 * -EPROTO: the schema is newer than this program understands (message says so). */
int store_open(const char *path, enum store_mode mode, struct store **out, struct ras_err *e);
void store_close(struct store *s);

int store_begin(struct store *s, struct ras_err *e);
/* Append one event (with its attrs, callouts and outbox rows); sets ev->id. */
int store_append(struct store *s, struct ras_event *ev, bool *is_new, struct ras_err *e);
/* Durable commit of the batch. */
int store_commit(struct store *s, struct ras_err *e);
void store_rollback(struct store *s);

/*
 * Pipelined durability (store_sync.c), for a writer that has other work while the disk
 * flushes: after store_async_start(), store_commit_async() returns when the batch is
 * committed but not yet durable, with its sequence number; a thread flushes the WAL
 * and store_durable() tells how far commits are durable (store_durable_fd() becomes
 * readable when it advances: drain it with store_durable_fd_drain()). Act on a batch
 * (acknowledge its records) only once store_durable() >= its number. store_commit()
 * keeps its meaning in both modes: durable on return. Without async mode every commit
 * is durable on return and store_durable() counts them. A failed flush is sticky:
 * store_begin() and the commits fail from then on.
 */
int store_async_start(struct store *s, struct ras_err *e);
void store_async_stop(struct store *s); /* flushes what is committed; store_close() does it */
int store_commit_async(struct store *s, uint64_t *seq, struct ras_err *e);
uint64_t store_durable(struct store *s);
int store_wait_durable(struct store *s, uint64_t seq, struct ras_err *e);
int store_durable_fd(struct store *s); /* -1 without async mode */
void store_durable_fd_drain(struct store *s);

/* Look up an event id by dedupe key: 0 and *id set, or -ENOENT. */
int store_find_dedupe(struct store *s, const char *key, int64_t *id, struct ras_err *e);

/* Source cursors (kmsg boot id + sequence, SEL position, ...), written in the batch. */
int store_cursor_get(struct store *s, const char *name, char *out, size_t n, struct ras_err *e);
int store_cursor_set(struct store *s, const char *name, const char *value, struct ras_err *e);

/* Give back the page cache (an idle daemon keeps a small footprint; a storm grows it
 * again as needed). */
void store_release_memory(struct store *s);

/* The connection, for modules that keep their own detail tables and queries. */
struct sqlite3;
struct sqlite3 *store_sqlite(struct store *s);
const char *store_path(struct store *s);

#endif
