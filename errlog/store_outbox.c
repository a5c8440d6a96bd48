/*
 * store_outbox.c - outbox rows and hook run records (see store_outbox.h).
 */
#include "errlog/store_internal.h"
#include "errlog/store_outbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"

/* The order is outbox_pending's own (state, next_us, rowid): SQLite walks the index and
 * stops after max rows. Ordering by id alone made it read and sort every pending row on
 * each call - after every commit, so a storm with a slow hook paid O(pending) per batch. */
int store_outbox_due(struct store *s, int64_t now_us, struct outbox_row *rows, size_t max,
		     size_t *n, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, event_id, target, attempts, next_us FROM outbox"
			       " WHERE state = 'pending' AND next_us <= ?1 ORDER BY next_us, id"
			       " LIMIT ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare outbox");
	sqlite3_bind_int64(st, 1, now_us);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct outbox_row *r = &rows[(*n)++];
		r->id = sqlite3_column_int64(st, 0);
		r->event_id = sqlite3_column_int64(st, 1);
		snprintf(r->target, sizeof(r->target), "%s",
			 (const char *)sqlite3_column_text(st, 2));
		r->attempts = sqlite3_column_int(st, 3);
		r->next_us = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_sqlerr(s, e, "read outbox");
}

int64_t store_outbox_next_time(struct store *s)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(
		    s->db,
		    "SELECT min(next_us) FROM outbox WHERE state = 'pending' AND next_us > 0", -1,
		    &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int store_outbox_set(struct store *s, int64_t row_id, const char *state, int attempts,
		     int64_t next_us, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "UPDATE outbox SET state = ?2, attempts = ?3, next_us = ?4,"
			       " updated_us = ?5 WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare outbox update");
	sqlite3_bind_int64(st, 1, row_id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, attempts);
	sqlite3_bind_int64(st, 4, next_us);
	sqlite3_bind_int64(st, 5, time_now_us());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "update outbox");
}

int store_outbox_requeue_running(struct store *s, struct ras_err *e)
{
	if (sqlite3_exec(s->db, "UPDATE outbox SET state = 'pending' WHERE state = 'running'", NULL,
			 NULL, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "requeue outbox");
	return sqlite3_changes(s->db);
}

int store_hook_run_add(struct store *s, const struct hook_run_record *r, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    s->db,
		    "INSERT INTO hook_runs (hook, event_id, event_count, event_ids,"
		    " attempt, started_us, duration_us, outcome, exit_status, signal, uid,"
		    " stdout, stderr, truncated, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
		    -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare hook run");
	sqlite3_bind_text(st, 1, r->hook, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->event_id);
	sqlite3_bind_int(st, 3, r->event_count);
	sqlite3_bind_text(st, 4, r->event_ids, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, r->attempt);
	sqlite3_bind_int64(st, 6, r->started_us);
	sqlite3_bind_int64(st, 7, r->duration_us);
	sqlite3_bind_text(st, 8, r->outcome, -1, SQLITE_STATIC);
	if (r->exit_status >= 0)
		sqlite3_bind_int(st, 9, r->exit_status);
	if (r->signal)
		sqlite3_bind_int(st, 10, r->signal);
	if (r->uid >= 0)
		sqlite3_bind_int64(st, 11, r->uid);
	sqlite3_bind_blob(st, 12, r->out ? r->out : "", (int)r->out_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 13, r->err ? r->err : "", (int)r->err_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, r->truncated);
	if (r->error && *r->error)
		sqlite3_bind_text(st, 15, r->error, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "record hook run");
}

/* An optional text: empty or absent is NULL. */
static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	store_bind_text(st, i, v && *v ? v : NULL);
}

int store_guest_forward_add(struct store *s, const struct guest_forward_record *r,
			    struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(
		    s->db,
		    "INSERT INTO guest_forwards (event_id, target, class, action, socket,"
		    " guest, device, attempt, started_us, latency_us, result, error)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		    -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare guest forward");
	sqlite3_bind_int64(st, 1, r->event_id);
	sqlite3_bind_text(st, 2, r->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->cls, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->action, -1, SQLITE_STATIC);
	bind_opt(st, 5, r->socket);
	bind_opt(st, 6, r->guest);
	bind_opt(st, 7, r->device);
	sqlite3_bind_int(st, 8, r->attempt);
	sqlite3_bind_int64(st, 9, r->started_us);
	sqlite3_bind_int64(st, 10, r->latency_us);
	sqlite3_bind_text(st, 11, r->result, -1, SQLITE_STATIC);
	bind_opt(st, 12, r->error);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "record guest forward");
}
