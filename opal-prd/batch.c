/*
 * batch.c - group commit, after-commit actions and the store-failure backoff (see
 * daemon.h for the rules this file keeps).
 */
#include "opal-prd/daemon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "opal-prd/forward.h"
#include "opal-prd/outbox.h"

#define BACKOFF_MIN_US (250ll * 1000)
#define BACKOFF_MAX_US (30ll * 1000000)

static int wait_actions(struct daemon *d, uint64_t seq);
static void run_waiting_head(struct daemon *d, bool ok);

struct source *daemon_add_source(struct daemon *d, const struct source_ops *ops)
{
	if (d->n_sources >= DAEMON_MAX_SOURCES)
		return NULL;
	struct source *s = &d->sources[d->n_sources++];
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	return s;
}

static void run_actions(struct daemon *d, bool ok)
{
	/* Actions may append to nothing (we are between batches); take the list first. */
	size_t n = d->n_actions;
	d->n_actions = 0;
	for (size_t i = 0; i < n; i++)
		if (d->actions[i].fn)
			d->actions[i].fn(d, d->actions[i].arg, ok);
}

static void on_retry(struct loop *l, void *arg)
{
	struct daemon *d = arg;
	(void)l;
	if (!d->paused)
		return;
	d->paused = false;
	/* Sources re-offer; their first commit tells whether the store works again. */
	for (int i = 0; i < d->n_sources; i++)
		if (d->sources[i].running && d->sources[i].ops->resume)
			d->sources[i].ops->resume(d, &d->sources[i]);
	if (d->in_batch)
		daemon_commit(d);
}

/* The store failed: roll back, tell every action, pause and schedule a retry. */
static void store_failed(struct daemon *d, int rc, const char *msg)
{
	store_rollback(d->store);
	d->in_batch = false;
	d->batch_n = 0;
	run_actions(d, false);
	/* Committed batches: acknowledge what is durable; the rest may never be (a failed
	 * flush is sticky), so it is not acknowledged and will be offered again. */
	daemon_run_durable(d);
	while (d->w_head < d->n_waiting)
		run_waiting_head(d, false);
	if (!d->last_err)
		log_err("event=store_failed error=\"%s\" action=\"nothing acknowledged; retrying\"",
			msg);
	d->last_err = rc;
	d->paused = true;
	d->backoff_us = d->backoff_us ? d->backoff_us * 2 : BACKOFF_MIN_US;
	if (d->backoff_us > BACKOFF_MAX_US)
		d->backoff_us = BACKOFF_MAX_US;
	if (d->retry_timer < 0)
		d->retry_timer = loop_timer_add(d->loop, d->backoff_us, 0, on_retry, d);
	else
		loop_timer_set(d->loop, d->retry_timer, d->backoff_us, 0);
}

static int ensure_batch(struct daemon *d)
{
	struct ras_err e;
	int rc;

	if (d->in_batch)
		return 0;
	if (d->paused)
		return -EAGAIN;
	rc = store_begin(d->store, &e);
	if (rc) {
		store_failed(d, rc, e.msg);
		return rc;
	}
	d->in_batch = true;
	d->batch_n = 0;
	d->batch_start_us = (int64_t)(time_mono_ns() / 1000);
	return 0;
}

static int push_action(struct daemon *d, after_commit_fn fn, void *arg)
{
	if (!fn)
		return 0;
	if (d->n_actions == d->cap_actions) {
		size_t nc = d->cap_actions ? d->cap_actions * 2 : 256;
		struct pending_action *na = realloc(d->actions, nc * sizeof(*na));
		if (!na)
			return -ENOMEM;
		d->actions = na;
		d->cap_actions = nc;
	}
	d->actions[d->n_actions++] = (struct pending_action){ fn, arg };
	return 0;
}

int daemon_append(struct daemon *d, struct ras_event *ev, bool *is_new, after_commit_fn fn,
		  void *arg)
{
	struct ras_err e;
	int rc = ensure_batch(d);

	if (rc)
		return rc;
	/* Outbox rows for the hooks that match: written in the event's transaction. */
	/* Outbox rows for the hooks that match and the guests to forward to. */
	const char *targets[HOOK_MAX + FWD_MAX_SOCKETS * 4];
	char tbuf[HOOK_MAX * 72 + FWD_MAX_SOCKETS * 4 * 256];
	if ((d->hooks.n || d->fwd.enabled) && !ev->n_deliveries) {
		size_t n = d->hooks.n ? hook_targets(&d->hooks, ev, targets, HOOK_MAX, tbuf,
						     HOOK_MAX * 72)
				      : 0;
		n += forward_targets(d, ev, targets + n, sizeof(targets) / sizeof(targets[0]) - n,
				     tbuf + HOOK_MAX * 72, sizeof(tbuf) - HOOK_MAX * 72);
		ev->n_deliveries = n;
		ev->deliveries = targets;
	}
	rc = store_append(d->store, ev, is_new, &e);
	if (ev->deliveries == targets) {
		ev->deliveries = NULL;
		ev->n_deliveries = 0;
	}
	if (rc) {
		store_failed(d, rc, e.msg);
		return rc;
	}
	rc = push_action(d, fn, arg);
	if (rc) {
		store_failed(d, rc, "out of memory");
		return rc;
	}
	d->batch_n++;
	return 0;
}

int daemon_cursor(struct daemon *d, const char *name, const char *value)
{
	struct ras_err e;
	int rc = ensure_batch(d);

	if (rc)
		return rc;
	rc = store_cursor_set(d->store, name, value, &e);
	if (rc)
		store_failed(d, rc, e.msg);
	return rc;
}

bool daemon_batch_full(const struct daemon *d)
{
	return d->in_batch && (int64_t)d->batch_n >= d->cfg.batch_max;
}

static bool sources_busy(struct daemon *d)
{
	for (int i = 0; i < d->n_sources; i++) {
		struct source *s = &d->sources[i];
		if (s->running && s->ops->busy && s->ops->busy(d, s))
			return true;
	}
	return false;
}

int daemon_group_commit(struct daemon *d)
{
	if (!d->in_batch)
		return 0;
	if (!d->flushing && !d->paused && !daemon_batch_full(d)) {
		int64_t age = (int64_t)(time_mono_ns() / 1000) - d->batch_start_us;
		if (age < DAEMON_BATCH_WAIT_US && sources_busy(d)) {
			/* One timer per held batch at most (a stale one re-checks the age). */
			if (!d->commit_armed && d->commit_timer >= 0 &&
			    loop_timer_set(d->loop, d->commit_timer, DAEMON_BATCH_WAIT_US - age,
					   0) == 0)
				d->commit_armed = true;
			return 0;
		}
	}
	return daemon_commit(d);
}

int daemon_commit(struct daemon *d)
{
	struct ras_err e;
	int rc;

	uint64_t seq;

	if (!d->in_batch)
		return 0;
	rc = store_commit_async(d->store, &seq, &e);
	if (rc) {
		store_failed(d, rc, e.msg);
		return rc;
	}
	/* A trickle, not a storm: keep the idle footprint small. After a storm, once
	 * it has been quiet for a moment (daemon.c on_release). */
	if (d->batch_n < 16)
		store_release_memory(d->store);
	else if (d->release_timer >= 0)
		loop_timer_set(d->loop, d->release_timer, DAEMON_RELEASE_US, 0);
	d->in_batch = false;
	d->batch_n = 0;
	d->commits++;
	d->last_commit_us = time_now_us();
	if (d->last_err) {
		log_info("event=store_recovered after_backoff_us=%lld", (long long)d->backoff_us);
		d->last_err = 0;
	}
	d->backoff_us = 0;
	/* Committed: the actions and the outbox wait for durability (at once without
	 * pipelining). */
	if (d->hooks.n || d->fwd.enabled)
		d->outbox_seq = seq;
	if (wait_actions(d, seq)) {
		/* no memory for the list: wait here instead */
		rc = store_wait_durable(d->store, seq, &e);
		if (rc) {
			store_failed(d, rc, e.msg);
			return rc;
		}
		run_actions(d, true);
		if (d->hooks.n || d->fwd.enabled)
			outbox_kick(d);
	}
	daemon_run_durable(d);
	if (d->w_head < d->n_waiting || d->outbox_seq)
		daemon_watch_durable(d, true);
	return 0;
}

int daemon_begin_own(struct daemon *d, struct ras_err *e)
{
	int rc = daemon_commit(d);

	if (rc)
		return ras_errf(e, rc, "committing the open batch first: %s", strerror(-rc));
	return store_begin(d->store, e);
}

/* Move the batch's actions to the waiting list, tagged with its commit number. */
static int wait_actions(struct daemon *d, uint64_t seq)
{
	size_t live = d->n_waiting - d->w_head;

	if (!d->n_actions)
		return 0;
	if (d->w_head && d->n_waiting + d->n_actions > d->cap_waiting) {
		memmove(d->waiting, d->waiting + d->w_head, live * sizeof(*d->waiting));
		d->w_head = 0;
		d->n_waiting = live;
	}
	if (d->n_waiting + d->n_actions > d->cap_waiting) {
		size_t nc = d->cap_waiting ? d->cap_waiting : 256;
		while (nc < d->n_waiting + d->n_actions)
			nc *= 2;
		struct waiting_action *nw = realloc(d->waiting, nc * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		d->waiting = nw;
		d->cap_waiting = nc;
	}
	for (size_t i = 0; i < d->n_actions; i++)
		d->waiting[d->n_waiting++] =
			(struct waiting_action){ d->actions[i].fn, d->actions[i].arg, seq };
	d->n_actions = 0;
	return 0;
}

/* Pop the oldest waiting action and run it (one at a time: an action may commit,
 * which appends to the list). */
static void run_waiting_head(struct daemon *d, bool ok)
{
	struct waiting_action w = d->waiting[d->w_head++];
	if (w.fn)
		w.fn(d, w.arg, ok);
	if (d->w_head == d->n_waiting)
		d->w_head = d->n_waiting = 0;
}

void daemon_run_durable(struct daemon *d)
{
	uint64_t durable;

	if (d->w_head == d->n_waiting && !d->outbox_seq) {
		daemon_watch_durable(d, false);
		return;
	}
	durable = store_durable(d->store);
	while (d->w_head < d->n_waiting && d->waiting[d->w_head].seq <= durable)
		run_waiting_head(d, true);
	/* Its outbox rows are durable now: the workers may deliver them. */
	if (d->outbox_seq && d->outbox_seq <= durable) {
		d->outbox_seq = 0;
		outbox_kick(d);
	}
	if (d->w_head == d->n_waiting && !d->outbox_seq)
		daemon_watch_durable(d, false);
}

void daemon_wait_durable(struct daemon *d)
{
	struct ras_err e;

	if (d->w_head == d->n_waiting)
		return;
	int rc = store_wait_durable(d->store, d->waiting[d->n_waiting - 1].seq, &e);
	if (rc)
		store_failed(d, rc, e.msg); /* a failed flush: the waiting ones are told */
	else
		daemon_run_durable(d);
}

bool daemon_durable_backlog(const struct daemon *d)
{
	int64_t max = d->cfg.batch_max > 0 ? d->cfg.batch_max : 4096;
	return (int64_t)(d->n_waiting - d->w_head) >= 4 * max;
}
