/*
 * outbox.c - the daemon's outbox worker: runs hooks for committed events.
 *
 * The rows were written in the events' own transactions (daemon_append asks the hook
 * matcher); here, after each commit, due rows are picked up, marked running, and each
 * hook command runs through errlog/hook_run.c with its descriptors in the event loop:
 * a slow or hanging hook never delays ingest. Limits per hook: max_concurrent runs at
 * once; with a rate limit of N runs per interval, the last run of a window carries
 * every event still pending (a coalesced run: a JSON array and OPAL_EVENT_COUNT), and
 * later events wait for the next window. A failed run (non-zero exit, signal, timeout)
 * is retried with exponential backoff, then the rows are marked failed. Every attempt
 * is a row in hook_runs. Rows for KVM guests ("qmp:...") go to opal-prd/forward.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "errlog/event_render.h"
#include "errlog/hook_run.h"
#include "errlog/store_outbox.h"
#include "errlog/store_query.h"
#include "opal-prd/forward.h"
#include "opal-prd/outbox.h"

#define OUTBOX_FETCH	1024
#define OUTBOX_MAX_RUNS 48
/* Safety net for rows waiting for a run slot (a run's end re-examines them at once). */
#define OUTBOX_SLOT_RECHECK_US 100000

struct run {
	bool used;
	const struct hook *hook;
	struct hook_proc proc;
	int64_t *rows;
	int64_t *events;
	size_t n;
	int attempt;
	int64_t started_us;
};

struct hook_state {
	int running;
	int64_t window_start_us;
	int window_runs;
};

static struct {
	struct run runs[OUTBOX_MAX_RUNS];
	struct hook_state hs[HOOK_MAX];
	int timer;
	bool pending_work;
	/* Due rows were left waiting for a free run slot: the end of a run re-examines them,
	 * so their due time must not re-arm the timer (that would spin until then). */
	bool waiting_for_slot;
	struct outbox_row rows[OUTBOX_FETCH];
} ob = { .timer = -1 };

static struct daemon *ob_daemon;

struct daemon *outbox_daemon(void)
{
	return ob_daemon;
}

static struct hook_state *state_of(struct daemon *d, const struct hook *h)
{
	return &ob.hs[h - d->hooks.hooks];
}

static void arm_timer(struct daemon *d)
{
	uint64_t now = time_mono_ns(), next = 0;
	int64_t next_row = store_outbox_next_time(d->store);

	for (int i = 0; i < OUTBOX_MAX_RUNS; i++) {
		if (!ob.runs[i].used)
			continue;
		uint64_t dl = hook_proc_next_deadline(&ob.runs[i].proc);
		if (dl && (!next || dl < next))
			next = dl;
	}
	int64_t delay_us = next ? (int64_t)((next > now ? next - now : 0) / 1000) + 1 : -1;
	if (next_row) {
		int64_t r = next_row - time_now_us();
		if (r < 1)
			r = ob.waiting_for_slot ? OUTBOX_SLOT_RECHECK_US : 1;
		if (delay_us < 0 || r < delay_us)
			delay_us = r;
	}
	for (size_t i = 0; i < d->hooks.n; i++) {
		const struct hook *h = &d->hooks.hooks[i];
		struct hook_state *hs = &ob.hs[i];
		if (h->rate_runs && hs->window_runs >= h->rate_runs) {
			int64_t r = hs->window_start_us + h->rate_interval_us - time_now_us();
			if (r < 1)
				r = 1;
			if (delay_us < 0 || r < delay_us)
				delay_us = r;
		}
	}
	if (ob.timer >= 0)
		loop_timer_set(d->loop, ob.timer, delay_us >= 0 ? delay_us : -1, 0);
}

static void record_and_update(struct daemon *d, struct run *r)
{
	struct hook_proc *p = &r->proc;
	char ids[4096];
	size_t used = 0;
	struct ras_err e;
	const struct hook *h = r->hook;
	bool ok = p->outcome == HOOK_OK;
	int64_t now = time_now_us();

	ids[0] = 0;
	for (size_t i = 0; i < r->n && used + 24 < sizeof(ids); i++)
		used += (size_t)snprintf(ids + used, sizeof(ids) - used, "%s%" PRId64, i ? "," : "",
					 r->events[i]);
	struct hook_run_record rec = {
		.hook = h->name,
		.event_id = r->events[0],
		.event_count = (int)r->n,
		.event_ids = ids,
		.attempt = r->attempt,
		.started_us = r->started_us,
		.duration_us = (int64_t)(p->duration_ns / 1000),
		.outcome = hook_outcome_name(p->outcome),
		.exit_status = p->exit_status,
		.signal = p->signal,
		.uid = p->outcome == HOOK_ERROR ? -1 : (int64_t)p->uid,
		.out = p->out,
		.out_len = p->out_len,
		.err = p->err,
		.err_len = p->err_len,
		.truncated = p->out_trunc || p->err_trunc,
		.error = p->error,
	};
	if (daemon_begin_own(d, &e))
		goto fail;
	if (store_hook_run_add(d->store, &rec, &e))
		goto fail_rb;
	for (size_t i = 0; i < r->n; i++) {
		const char *st = ok ? "done" : r->attempt > h->retries ? "failed" : "pending";
		int64_t backoff = h->retry_backoff_us
				  << (r->attempt - 1 < 20 ? r->attempt - 1 : 20);
		if (store_outbox_set(d->store, r->rows[i], st, r->attempt, ok ? 0 : now + backoff,
				     &e))
			goto fail_rb;
	}
	if (store_commit(d->store, &e))
		goto fail;
	log_info("hook=%s event=run events=%zu attempt=%d outcome=%s exit=%d signal=%d "
		 "duration_ms=%" PRIu64,
		 h->name, r->n, r->attempt, hook_outcome_name(p->outcome), p->exit_status,
		 p->signal, p->duration_ns / 1000000);
	return;
fail_rb:
	store_rollback(d->store);
fail:
	/* The rows stay "running" and are retried after a restart. */
	log_err("hook=%s event=record_failed error=\"%s\"", h->name, e.msg);
}

static void finish_run(struct daemon *d, struct run *r)
{
	record_and_update(d, r);
	hook_proc_free(&r->proc);
	state_of(d, r->hook)->running--;
	free(r->rows);
	free(r->events);
	memset(r, 0, sizeof(*r));
	ob.pending_work = true;
	daemon_kick(d);
}

static void on_io(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct run *r = arg;
	int before[4] = { r->proc.in_fd, r->proc.out_fd, r->proc.err_fd, r->proc.pidfd };
	int after[4];

	hook_proc_io(&r->proc, fd, events);
	after[0] = r->proc.in_fd;
	after[1] = r->proc.out_fd;
	after[2] = r->proc.err_fd;
	after[3] = r->proc.pidfd;
	/* Descriptors the runner closed leave the loop. */
	for (int i = 0; i < 4; i++)
		if (before[i] >= 0 && after[i] != before[i])
			loop_del_fd(l, before[i]);
	if (hook_proc_done(&r->proc))
		finish_run(outbox_daemon(), r);
}

static void on_timer(struct loop *l, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = time_mono_ns();

	(void)l;
	for (int i = 0; i < OUTBOX_MAX_RUNS; i++)
		if (ob.runs[i].used)
			hook_proc_check_deadline(&ob.runs[i].proc, now);
	ob.pending_work = true;
	daemon_kick(d);
	arm_timer(d);
}

/* The JSON the hook reads: one show-style object, or an array for a coalesced run. */
static char *payload(struct daemon *d, const int64_t *ids, size_t n, size_t *len, char *kind,
		     char *sev, char *src, char *loc, size_t sz)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct json_writer w;

	if (!f)
		return NULL;
	json_init(&w, f, false);
	if (n > 1)
		json_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		struct store_query *q;
		struct stored_event ev;
		if (store_get_event(d->store, ids[i], &q, &ev, NULL))
			continue;
		if (i == 0) {
			snprintf(kind, sz, "%s", ev.kind ? ev.kind : "");
			snprintf(sev, sz, "%s", ras_severity_name(ev.severity));
			snprintf(src, sz, "%s", ev.refcode ? ev.refcode : "");
			snprintf(loc, sz, "%s", ev.location ? ev.location : "");
		}
		event_render_show_json(&w, &ev, d->store, false);
		store_query_end(q);
	}
	if (n > 1)
		json_arr_end(&w);
	json_end_doc(&w);
	fclose(f);
	return buf;
}

static int start_run(struct daemon *d, const struct hook *h, const struct outbox_row *rows,
		     size_t n)
{
	struct run *r = NULL;
	struct ras_err e;
	char kind[64], sev[16], src[64], loc[128], idbuf[32], cnt[16], dlv[128], idlist[4096];
	size_t len = 0;

	for (int i = 0; i < OUTBOX_MAX_RUNS && !r; i++)
		if (!ob.runs[i].used)
			r = &ob.runs[i];
	if (!r)
		return -EBUSY;
	r->rows = calloc(n, sizeof(*r->rows));
	r->events = calloc(n, sizeof(*r->events));
	if (!r->rows || !r->events) {
		free(r->rows);
		free(r->events);
		return -ENOMEM;
	}
	r->used = true;
	r->hook = h;
	r->n = n;
	r->attempt = 0;
	for (size_t i = 0; i < n; i++) {
		r->rows[i] = rows[i].id;
		r->events[i] = rows[i].event_id;
		if (rows[i].attempts + 1 > r->attempt)
			r->attempt = rows[i].attempts + 1;
	}
	/* Mark the rows running first: a crash from here on means a retry, not a loss. */
	if (!daemon_begin_own(d, &e)) {
		bool bad = false;
		for (size_t i = 0; i < n && !bad; i++)
			bad = store_outbox_set(d->store, rows[i].id, "running", rows[i].attempts,
					       rows[i].next_us, &e) != 0;
		if (bad)
			store_rollback(d->store);
		else
			store_commit(d->store, &e);
	}
	kind[0] = sev[0] = src[0] = loc[0] = 0;
	char *pl = payload(d, r->events, n, &len, kind, sev, src, loc, sizeof(kind));
	struct hook_env env;
	hook_env_init(&env);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, r->events[0]);
	snprintf(cnt, sizeof(cnt), "%zu", n);
	idlist[0] = 0;
	for (size_t i = 0, u = 0; i < n && u + 24 < sizeof(idlist); i++)
		u += (size_t)snprintf(idlist + u, sizeof(idlist) - u, "%s%" PRId64, i ? "," : "",
				      r->events[i]);
	if (n == 1)
		snprintf(dlv, sizeof(dlv), "%" PRId64 ":%s", r->events[0], h->name);
	else
		snprintf(dlv, sizeof(dlv), "%" PRId64 "-%" PRId64 ":%s", r->events[0],
			 r->events[n - 1], h->name);
	hook_env_add(&env, "OPAL_EVENT_ID", idbuf);
	hook_env_add(&env, "OPAL_EVENT_KIND", kind);
	hook_env_add(&env, "OPAL_SEVERITY", sev);
	hook_env_add(&env, "OPAL_SRC", src);
	hook_env_add(&env, "OPAL_LOCATION", loc);
	hook_env_add(&env, "OPAL_HOOK", h->name);
	hook_env_add(&env, "OPAL_DELIVERY_ID", dlv);
	hook_env_add(&env, "OPAL_EVENT_COUNT", cnt);
	hook_env_add(&env, "OPAL_EVENT_IDS", idlist);
	r->started_us = time_now_us();
	struct hook_state *hs = state_of(d, h);
	hs->running++;
	hs->window_runs++;
	int rc = hook_proc_start(h, &env, pl ? pl : "", pl ? len : 0, &r->proc, &e);
	free(pl);
	if (rc) {
		/* Could not start (no such user...): recorded as an attempt, retried. */
		finish_run(d, r);
		return 0;
	}
	if (r->proc.in_fd >= 0)
		loop_add_fd(d->loop, r->proc.in_fd, EPOLLOUT, on_io, r);
	loop_add_fd(d->loop, r->proc.out_fd, EPOLLIN, on_io, r);
	loop_add_fd(d->loop, r->proc.err_fd, EPOLLIN, on_io, r);
	loop_add_fd(d->loop, r->proc.pidfd, EPOLLIN, on_io, r);
	return 0;
}

void outbox_work(struct daemon *d)
{
	size_t n = 0;
	struct ras_err e;
	int64_t now = time_now_us();

	if (!ob.pending_work || d->in_batch || d->paused)
		return;
	ob.pending_work = false;
	ob.waiting_for_slot = false;
	if (store_outbox_due(d->store, now, ob.rows, OUTBOX_FETCH, &n, &e)) {
		log_warn("event=outbox_read_failed error=\"%s\"", e.msg);
		return;
	}
	for (size_t hi = 0; hi < d->hooks.n; hi++) {
		const struct hook *h = &d->hooks.hooks[hi];
		struct hook_state *hs = &ob.hs[hi];
		char target[80];
		struct outbox_row *mine = NULL;
		size_t m = 0, start = 0;

		snprintf(target, sizeof(target), "hook:%s", h->name);
		/* Gather this hook's due rows (compacted to the front of a scratch range). */
		for (size_t i = 0; i < n; i++)
			if (!strcmp(ob.rows[i].target, target))
				m++;
		if (!m)
			continue;
		mine = calloc(m, sizeof(*mine));
		if (!mine)
			continue;
		for (size_t i = 0, k = 0; i < n; i++)
			if (!strcmp(ob.rows[i].target, target))
				mine[k++] = ob.rows[i];
		if (h->rate_runs && now - hs->window_start_us >= h->rate_interval_us) {
			hs->window_start_us = now;
			hs->window_runs = 0;
		}
		while (start < m && hs->running < h->max_concurrent) {
			if (h->rate_runs && hs->window_runs >= h->rate_runs)
				break; /* wait for the next window */
			size_t take = 1;
			/* The window's last run carries everything pending. */
			if (h->rate_runs && hs->window_runs == h->rate_runs - 1)
				take = m - start;
			if (start_run(d, h, mine + start, take))
				break;
			start += take;
		}
		if (start < m)
			ob.waiting_for_slot = true;
		free(mine);
	}
	/* Guest forwards (opal-prd/forward.c). */
	forward_work(d, ob.rows, n);
	/* Rows whose hook no longer exists in the configuration. */
	for (size_t i = 0; i < n; i++) {
		if (strncmp(ob.rows[i].target, "hook:", 5) ||
		    hook_find(&d->hooks, ob.rows[i].target + 5))
			continue;
		store_outbox_set(d->store, ob.rows[i].id, "failed", ob.rows[i].attempts, 0, NULL);
	}
	arm_timer(d);
}

void outbox_kick(struct daemon *d)
{
	(void)d;
	ob.pending_work = true;
}

int outbox_start(struct daemon *d)
{
	struct ras_err e;
	int rc;

	ob_daemon = d;
	rc = hook_set_load(d->cfg.doc ? ydoc_get(d->cfg.doc, "hooks") : NULL, &d->hooks, &e);
	if (rc) {
		log_err("event=bad_hooks error=\"%s\" action=\"no hooks will run\"", e.msg);
		memset(&d->hooks, 0, sizeof(d->hooks));
	}
	memset(ob.hs, 0, sizeof(ob.hs));
	forward_start(d);
	if (ob.timer < 0)
		ob.timer = loop_timer_add(d->loop, -1, 0, on_timer, d);
	rc = store_outbox_requeue_running(d->store, &e);
	if (rc > 0)
		log_info("event=outbox_requeued rows=%d reason=\"interrupted by a restart\"", rc);
	ob.pending_work = true;
	return 0;
}

void outbox_stop(struct daemon *d)
{
	/* Running hooks are stopped; their rows stay "running" and run again after the next
	 * start (OPAL_DELIVERY_ID lets receivers recognise a repeat). */
	for (int i = 0; i < OUTBOX_MAX_RUNS; i++) {
		struct run *r = &ob.runs[i];
		if (!r->used)
			continue;
		if (r->proc.pid > 0)
			kill(-r->proc.pid, SIGKILL);
		loop_del_fd(d->loop, r->proc.in_fd);
		loop_del_fd(d->loop, r->proc.out_fd);
		loop_del_fd(d->loop, r->proc.err_fd);
		loop_del_fd(d->loop, r->proc.pidfd);
		hook_proc_free(&r->proc);
		free(r->rows);
		free(r->events);
		memset(r, 0, sizeof(*r));
	}
	forward_stop(d);
}

void outbox_status(struct daemon *d, struct json_writer *w)
{
	int running = 0;
	for (int i = 0; i < OUTBOX_MAX_RUNS; i++)
		running += ob.runs[i].used;
	json_key(w, "hooks");
	json_obj_begin(w);
	json_kuint(w, "configured", d->hooks.n);
	json_kint(w, "running", running);
	json_obj_end(w);
	forward_status(d, w);
}
