/*
 * daemon.c - the daemon's life cycle: start the sources, the work queue that drives
 * their batches, flush on demand and at shutdown, reload, periodic retention.
 */
#include "opal-prd/daemon.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "errlog/retention.h"
#include "opal-prd/outbox.h"
#include "opal-prd/sources.h"

void daemon_kick(struct daemon *d)
{
	uint64_t one = 1;
	if (d->work_fd >= 0 && write(d->work_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("event=kick_failed error=\"%s\"", strerror(errno));
}

/* One round: every source processes up to a batch, then one durable commit. */
static bool work_round(struct daemon *d)
{
	bool more = false;

	/* Committed but not yet durable piles up (a slow disk): let the flush catch up
	 * before taking more (on_durable resumes; a drain waits for it). */
	if (daemon_durable_backlog(d)) {
		if (!d->flushing) {
			d->durable_blocked = true;
			return false;
		}
		daemon_wait_durable(d);
	}
	for (int i = 0; i < d->n_sources; i++) {
		struct source *s = &d->sources[i];
		if (s->running && s->ops->poll && daemon_can_ingest(d))
			more |= s->ops->poll(d, s);
	}
	if (d->flushing)
		daemon_commit(d);
	else
		daemon_group_commit(d);
	return more && daemon_can_ingest(d);
}

static void on_work(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	uint64_t v;

	(void)l;
	(void)events;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	if (d->reload_requested) {
		d->reload_requested = false;
		daemon_reload(d);
	}
	/* One batch per wake-up, so other descriptors are served between batches. */
	if (work_round(d))
		daemon_kick(d);
}

/* Sources wait for what they have in flight (d->flushing), so everything offered so
 * far is stored when this returns. */
void daemon_flush(struct daemon *d)
{
	d->flushing = true;
	while (work_round(d))
		;
	daemon_commit(d);
	daemon_wait_durable(d);
	d->flushing = false;
	for (int i = 0; i < d->n_sources; i++)
		if (d->sources[i].running && d->sources[i].ops->drain)
			d->sources[i].ops->drain(d, &d->sources[i]);
}

static void on_idle(struct loop *l, void *arg)
{
	(void)l;
	if (daemon_group_commit(arg) == 0)
		outbox_work(arg);
}

/* The store's flush thread made more commits durable: run their actions. */
static void on_durable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	(void)fd;
	(void)events;
	store_durable_fd_drain(d->store);
	daemon_run_durable(d);
	if (d->durable_blocked && !daemon_durable_backlog(d)) {
		d->durable_blocked = false;
		daemon_kick(d);
	}
}

void daemon_watch_durable(struct daemon *d, bool on)
{
	int fd = store_durable_fd(d->store);

	if (fd < 0 || on == d->durable_watched)
		return;
	if (on) {
		if (loop_add_fd(d->loop, fd, EPOLLIN, on_durable, d)) {
			/* cannot watch it: wait here (rare: the loop's table is full) */
			daemon_wait_durable(d);
			return;
		}
	} else {
		loop_del_fd(d->loop, fd);
	}
	d->durable_watched = on;
}

/* A held group commit is due (daemon_group_commit). */
static void on_commit_due(struct loop *l, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	d->commit_armed = false;
	daemon_group_commit(d);
}

/* Quiet since the last large commit (or since start-up): give back SQLite's page
 * cache and the heap's free memory, so an idle daemon stays small. A trickle commit
 * releases at once (batch.c); a storm re-arms this timer with every commit. */
static void on_release(struct loop *l, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	if (d->in_batch) {
		loop_timer_set(d->loop, d->release_timer, DAEMON_RELEASE_US, 0);
		return;
	}
	store_release_memory(d->store);
	malloc_trim(0);
}

static void on_retention(struct loop *l, void *arg)
{
	struct daemon *d = arg;
	struct retention_result r;
	struct ras_err e;

	(void)l;
	if (d->paused || daemon_commit(d))
		return;
	if (retention_prune(d->store, &d->cfg.retention, time_now_us(), false, NULL, &r, &e))
		log_warn("event=prune_failed error=\"%s\"", e.msg);
	else if (r.total)
		log_info("event=pruned count=%lld", (long long)r.total);
}

static void on_rescan(struct loop *l, void *arg)
{
	struct daemon *d = arg;

	(void)l;
	for (int i = 0; i < d->n_sources; i++)
		if (d->sources[i].running && d->sources[i].ops->rescan)
			d->sources[i].ops->rescan(d, &d->sources[i]);
}

static const struct source_ops *const all_sources[] = {
	&src_elog_ops, &src_kmsg_ops, &src_dump_ops, &src_prd_ops, &src_vpd_ops, &src_sel_ops, NULL,
};

static bool source_enabled(const struct daemon *d, const struct source_ops *o)
{
	if (!strcmp(o->name, "elog"))
		return d->cfg.elog_enabled;
	if (!strcmp(o->name, "kmsg"))
		return d->cfg.kmsg_enabled;
	if (!strcmp(o->name, "dump"))
		return d->cfg.dump_enabled;
	if (!strcmp(o->name, "sel"))
		return sel_source_wanted(d);
	if (!strcmp(o->name, "prd"))
		return prd_source_enabled(d);
	return true;
}

static void start_sources(struct daemon *d)
{
	d->n_sources = 0;
	for (const struct source_ops *const *o = all_sources; *o; o++) {
		if (!source_enabled(d, *o))
			continue;
		struct source *s = daemon_add_source(d, *o);
		if (s && (*o)->start(d, s) == 0)
			log_info("source=%s event=started", (*o)->name);
	}
}

static void stop_sources(struct daemon *d)
{
	for (int i = 0; i < d->n_sources; i++)
		if (d->sources[i].running && d->sources[i].ops->stop)
			d->sources[i].ops->stop(d, &d->sources[i]);
	d->n_sources = 0;
}

int daemon_start(struct daemon *d)
{
	int rc;

	d->started_us = time_now_us();
	d->retry_timer = -1;
	d->release_timer = -1;
	d->rescan_timer = -1;
	d->commit_timer = loop_timer_add(d->loop, -1, 0, on_commit_due, d);
	d->work_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->work_fd < 0)
		return -errno;
	rc = loop_add_fd(d->loop, d->work_fd, EPOLLIN, on_work, d);
	if (rc)
		return rc;
	loop_set_idle(d->loop, on_idle, d);
	/* Pipelined durability: the store's thread flushes each commit while the loop
	 * builds the next batch; acknowledgements wait for it (batch.c). */
	{
		struct ras_err e;
		if (store_async_start(d->store, &e))
			log_warn("event=no_pipelined_commits error=\"%s\" fallback=synchronous",
				 e.msg);
	}
	d->release_timer = loop_timer_add(d->loop, DAEMON_RELEASE_US, 0, on_release, d);
	d->rescan_timer =
		loop_timer_add(d->loop, d->cfg.elog_rescan_us, d->cfg.elog_rescan_us, on_rescan, d);
	if (d->cfg.retention_interval_us > 0)
		loop_timer_add(d->loop, d->cfg.retention_interval_us, d->cfg.retention_interval_us,
			       on_retention, d);
	outbox_start(d);
	rc = control_start(d);
	if (rc)
		log_warn("event=no_control_socket error=\"%s\"", strerror(-rc));
	start_sources(d);
	daemon_kick(d);
	return 0;
}

void daemon_stop(struct daemon *d)
{
	/* Drain: everything already offered is stored and acknowledged before exit. */
	if (!d->paused)
		daemon_flush(d);
	stop_sources(d);
	outbox_stop(d);
	control_stop(d);
	daemon_watch_durable(d, false);
	if (d->work_fd >= 0)
		close(d->work_fd);
}

void daemon_reload(struct daemon *d)
{
	struct opal_config nc;
	struct ras_err e;

	if (config_load(d->config_path, &nc, &e)) {
		log_err("event=reload_failed error=\"%s\" action=\"keeping the old configuration\"",
			e.msg);
		return;
	}
	if ((ydoc_get(nc.doc, "database") && strcmp(nc.database, d->db_path)) ||
	    (ydoc_get(nc.doc, "root") && strcmp(nc.root, d->root)))
		log_warn("event=reload note=\"root and database changes need a restart\"");
	daemon_flush(d);
	stop_sources(d);
	/* root, database and the control socket stay as started (owned by main). */
	outbox_stop(d); /* hooks point into the old document */
	struct ydoc_node *old = d->cfg.doc;
	d->cfg = nc;
	d->cfg.root = d->root;
	d->cfg.database = d->db_path;
	ydoc_free(old);
	loop_timer_set(d->loop, d->rescan_timer, d->cfg.elog_rescan_us, d->cfg.elog_rescan_us);
	outbox_start(d);
	start_sources(d);
	log_info("event=reloaded");
	daemon_kick(d);
}

void daemon_handle_uevent(struct daemon *d, const struct uevent *u)
{
	elog_handle_uevent(d, u);
	dump_handle_uevent(d, u);
	vpd_handle_uevent(d, u);
	kmsg_handle_uevent(d, u);
}
