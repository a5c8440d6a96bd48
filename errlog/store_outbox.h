/*
 * store_outbox.h - the outbox: deliveries (hook runs, guest forwards) written with their
 * event, worked off after the commit, every attempt recorded.
 *
 * Row states: pending (next_us says when it may run), running (a worker has it),
 * done, failed (retries exhausted). A worker that starts marks its rows running in a
 * committed transaction; at startup rows left running by a crash become pending again,
 * so a delivery interrupted by a crash is retried (receivers get OPAL_DELIVERY_ID to
 * recognise a repeat).
 */
#ifndef OPAL_RAS_ERRLOG_STORE_OUTBOX_H
#define OPAL_RAS_ERRLOG_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errlog/store.h"

struct outbox_row {
	int64_t id, event_id;
	char target[256];
	int attempts;
	int64_t next_us;
};

/* Pending rows whose time has come (next_us <= now), at most max: earliest due first,
 * then oldest (new rows are due at once, so they come in event order; a retry whose
 * backoff has passed comes before newer rows that became due later). */
int store_outbox_due(struct store *s, int64_t now_us, struct outbox_row *rows, size_t max,
		     size_t *n, struct ras_err *e);
/*
 * The earliest retry time of pending rows (0 when none). Rows that were never tried
 * (next_us 0) do not count: the daemon is kicked when they are written and when a run
 * slot frees, so a timer for them would only fire while their slot is still busy.
 */
int64_t store_outbox_next_time(struct store *s);
/* Set the state of rows (inside a batch or on its own: autocommit). */
int store_outbox_set(struct store *s, int64_t row_id, const char *state, int attempts,
		     int64_t next_us, struct ras_err *e);
/* running -> pending (startup after a crash). Returns rows changed or -errno. */
int store_outbox_requeue_running(struct store *s, struct ras_err *e);

struct hook_run_record {
	const char *hook;
	int64_t event_id;
	int event_count;
	const char *event_ids;
	int attempt;
	int64_t started_us, duration_us;
	const char *outcome;
	int exit_status; /* -1 when none */
	int signal;      /* 0 when none */
	int64_t uid;     /* -1 when none */
	const char *out, *err;
	size_t out_len, err_len;
	bool truncated;
	const char *error;
};
int store_hook_run_add(struct store *s, const struct hook_run_record *r, struct ras_err *e);

/* One attempt to forward an event to a guest (table guest_forwards). */
struct guest_forward_record {
	int64_t event_id;
	const char *target, *cls, *action;
	const char *socket, *guest, *device; /* NULL when unknown */
	int attempt;
	int64_t started_us, latency_us;
	const char *result; /* ok, recorded, failed, timeout, unreachable, no-guest, no-device */
	const char *error;  /* NULL when none */
};
int store_guest_forward_add(struct store *s, const struct guest_forward_record *r,
			    struct ras_err *e);

#endif
