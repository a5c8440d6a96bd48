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

/* The batch's actions wait for its flush (daemon_run_durable). */
static int wait_for_flush(struct daemon *d, uint64_t seq)
{
	if (d->n_waiting + d->n_actions > d->cap_waiting) {
		if (d->wait_head) { /* reuse the space of actions already run */
			memmove(d->waiting, d->waiting + d->wait_head,
				(d->n_waiting - d->wait_head) * sizeof(*d->waiting));
			d->n_waiting -= d->wait_head;
			d->wait_head = 0;
		}
		size_t nc = d->cap_waiting ? d->cap_waiting : 256;
		while (nc < d->n_waiting + d->n_actions)
			nc *= 2;
		if (nc > d->cap_waiting) {
			struct durable_action *nw = realloc(d->waiting, nc * sizeof(*nw));
			if (!nw)
				return -ENOMEM;
			d->waiting = nw;
			d->cap_waiting = nc;
		}
	}
	for (size_t i = 0; i < d->n_actions; i++)
		d->waiting[d->n_waiting++] =
			(struct durable_action){ seq, d->actions[i].fn, d->actions[i].arg };
	d->n_actions = 0;
	return 0;
}

/* Run the actions of every batch the store has made durable, in commit order. After a
 * failed flush nothing more becomes durable: the waiting actions are told their batch
 * did not make it (no acknowledgement), and the store refuses new batches. */
void daemon_run_durable(struct daemon *d)
{
	uint64_t durable = store_durable(d->store);
	struct ras_err e;
	bool ran = false;
	bool failed = d->wait_head < d->n_waiting &&
		      d->waiting[d->wait_head].seq > durable && store_flush_error(d->store, &e);

	while (d->wait_head < d->n_waiting &&
	       (failed || d->waiting[d->wait_head].seq <= durable)) {
		struct durable_action a = d->waiting[d->wait_head++];
		if (a.fn)
			a.fn(d, a.arg, !failed);
		ran = true;
	}
	if (d->wait_head == d->n_waiting)
		d->wait_head = d->n_waiting = 0;
	if (durable > d->durable_seq) { /* batches without actions count too */
		d->durable_seq = durable;
		ran = true;
	}
	if (failed)
		log_err("event=store_failed error=\"%s\" action=\"nothing acknowledged; the "
			"daemon must be restarted\"", e.msg);
	/* Durable now: let the outbox worker look for due deliveries. */
	if (ran && !failed && (d->hooks.n || d->fwd.enabled))
		outbox_kick(d);
}

/* Wait until every committed batch is durable, and run its actions. */
void daemon_wait_durable(struct daemon *d)
{
	struct ras_err e;

	if (d->wait_head < d->n_waiting && store_wait_durable(d->store, d->last_seq, &e))
		log_warn("event=flush_wait_failed error=\"%s\"", e.msg);
	daemon_run_durable(d);
}

int daemon_commit(struct daemon *d)
{
	struct ras_err e;
	uint64_t seq;
	int rc;

	if (!d->in_batch)
		return 0;
	rc = store_commit_async(d->store, &seq, &e);
	if (rc) {
		store_failed(d, rc, e.msg);
		return rc;
	}
	d->last_seq = seq;
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
	if (wait_for_flush(d, seq)) {
		/* No memory to queue them: wait for the flush here instead. */
		bool ok = store_wait_durable(d->store, seq, &e) == 0;
		daemon_run_durable(d);
		run_actions(d, ok);
		return 0;
	}
	daemon_run_durable(d); /* without the flush thread, durable already */
	return 0;
}
