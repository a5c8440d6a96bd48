/*
 * store_query.h - reading the error-log database: filtered listings, one event in
 * full, statistics, state changes (close/reopen) and integrity checks.
 *
 * Rows returned by store_query_next() point into SQLite's memory and stay valid only
 * until the next call; copy what must outlive it.
 */
#ifndef OPAL_RAS_ERRLOG_STORE_QUERY_H
#define OPAL_RAS_ERRLOG_STORE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errlog/store.h"

struct event_filter {
	int64_t since_us;      /* 0 = no lower bound */
	int64_t until_us;      /* 0 = no upper bound */
	int min_severity;      /* -1 = any */
	const char *kinds;     /* comma-separated kinds; a trailing '*' matches a prefix */
	const char *src;       /* refcode prefix, or a glob when it has * ? [ */
	const char *location;  /* location prefix (event or any callout) */
	const char *subsystem; /* substring, case-insensitive */
	const char *source;    /* exact source name */
	const char *guest;     /* exact guest name: the event's guest, or a guest it was
				* forwarded to (guest_forwards) */
	int serviceable;       /* -1 any, 0 not, 1 only */
	int open;              /* -1 any, 0 closed, 1 open */
	int64_t after_id;      /* only ids > after_id (export, follow) */
	int64_t limit;         /* 0 = unlimited */
	bool newest_first;     /* order; default oldest first (the newest `limit` rows) */
	bool by_id;            /* id order, limit = the first rows (export, follow) */
};

void event_filter_init(struct event_filter *f);

struct stored_event {
	int64_t id;
	const char *source, *kind, *dedupe_key;
	int64_t time_us, logged_us;
	int severity;
	int source_severity; /* -1 when none */
	const char *source_severity_name, *subsystem, *refcode, *location, *summary;
	bool serviceable, call_home, open;
	int64_t closed_us;
	const char *close_reason, *guest;
	const char *attrs_json; /* a JSON object text, or NULL */
	const uint8_t *raw;
	size_t raw_len;
};

struct store_query;

int store_query_begin(struct store *s, const struct event_filter *f, struct store_query **q,
		      struct ras_err *e);
/* 1 and *row filled, 0 at the end, negative on error. */
int store_query_next(struct store_query *q, struct stored_event *row, struct ras_err *e);
void store_query_end(struct store_query *q);

/* One event by id: 0, -ENOENT, or an error. Use store_query_end() on *q afterwards. */
int store_get_event(struct store *s, int64_t id, struct store_query **q, struct stored_event *row,
		    struct ras_err *e);

/* Callouts, history and deliveries of one event, as callbacks per row. */
struct stored_callout {
	int seq;
	const char *priority, *location, *part, *serial, *ccin, *fru_kind;
};
int store_each_callout(struct store *s, int64_t id,
		       int (*cb)(const struct stored_callout *c, void *arg), void *arg,
		       struct ras_err *e);
struct stored_history {
	int64_t time_us;
	const char *action, *actor, *reason;
};
int store_each_history(struct store *s, int64_t id,
		       int (*cb)(const struct stored_history *h, void *arg), void *arg,
		       struct ras_err *e);
struct stored_delivery {
	int64_t id;
	const char *target, *state;
	int attempts;
	int64_t updated_us;
};
int store_each_delivery(struct store *s, int64_t id,
			int (*cb)(const struct stored_delivery *d, void *arg), void *arg,
			struct ras_err *e);

struct stored_forward {
	int64_t id;
	const char *target, *cls, *action, *socket, *guest, *device, *result, *error;
	int attempt;
	int64_t started_us, latency_us;
};
/* Every forwarding attempt of one event, oldest first. */
int store_each_forward(struct store *s, int64_t id,
		       int (*cb)(const struct stored_forward *f, void *arg), void *arg,
		       struct ras_err *e);

/* Close (repair done) or reopen an event; recorded in its history. -ENOENT if no such id;
 * -EALREADY when it is already in that state. */
int store_event_set_open(struct store *s, int64_t id, bool open, const char *actor,
			 const char *reason, struct ras_err *e);

/* Statistics: rows of (group, key, count) for group in kind, severity, subsystem, day. */
int store_stats(struct store *s, int64_t since_us,
		int (*cb)(const char *group, const char *key, int64_t count, void *arg), void *arg,
		struct ras_err *e);

/* PRAGMA integrity_check + foreign_key_check: 0 when clean, -EIO with the first problem. */
int store_check(struct store *s, struct ras_err *e);

/* SQLite's data_version: changes when another connection commits. */
int store_data_version(struct store *s, int64_t *v, struct ras_err *e);
int64_t store_max_id(struct store *s);

#endif
