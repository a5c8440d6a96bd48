/*
 * daemon.h - the opal-prd daemon's shared state: configuration, store, loop, the
 * current batch and the sources.
 *
 * The batch is the heart of the durability rule. Sources append records with
 * daemon_append() and attach what must happen only after the record is durable
 * (an elog ack, a PRD ATTN_ACK) with an after-commit action. The loop commits once per
 * iteration (group commit: everything that arrived together shares one fsync) or when
 * the batch is full. If a write or commit fails (disk full, read-only), the batch is
 * rolled back, every action is told it failed (nothing is acknowledged), sources are
 * paused and the daemon retries with exponential backoff; on recovery the sources
 * rescan, and since nothing was acked the source re-offers everything.
 */
#ifndef OPAL_RAS_PRD_DAEMON_H
#define OPAL_RAS_PRD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "errlog/config.h"
#include "errlog/forward.h"
#include "errlog/hook.h"
#include "errlog/store.h"
#include "opal-prd/loop.h"

struct daemon;
struct source;

struct source_ops {
	const char *name;
	int (*start)(struct daemon *d, struct source *s);
	void (*stop)(struct daemon *d, struct source *s);
	/* The store works again after a failure: re-offer what was not committed. */
	void (*resume)(struct daemon *d, struct source *s);
	/* Process up to one batch of pending work; true when more remains. */
	bool (*poll)(struct daemon *d, struct source *s);
	/* Extra status fields. */
	void (*status)(struct daemon *d, struct source *s, struct json_writer *w);
	/* The safety-net rescan (every elog.rescan_interval): one daemon timer serves all
	 * sources, so an idle daemon wakes once per interval, not once per source. */
	void (*rescan)(struct daemon *d, struct source *s);
	/* Records already on their way into the batch (e.g. being read by a worker
	 * thread): the group commit may wait a little for them (batch.c). May be NULL. */
	bool (*busy)(struct daemon *d, struct source *s);
	/* Wait until after-commit work handed to worker threads is done (daemon_flush:
	 * "flushed" means stored and acknowledged). May be NULL. */
	void (*drain)(struct daemon *d, struct source *s);
};

struct source {
	const struct source_ops *ops;
	void *priv;
	bool running;
	uint64_t seen; /* records offered by the source */
	uint64_t stored; /* new records committed */
	uint64_t dups; /* re-offered records recognised */
	uint64_t errors; /* records that could not be read */
	uint64_t acked; /* acknowledgements sent after commit (a worker thread may add:
			 * read it with __atomic_load_n) */
	int64_t last_us; /* time of the last record */
};

/* Called after the batch holding the record committed (ok) or was rolled back (!ok). */
typedef void (*after_commit_fn)(struct daemon *d, void *arg, bool ok);

#define DAEMON_MAX_SOURCES 12
#define DAEMON_RELEASE_US  (250ll * 1000)
/* The longest a group commit waits for records a source has in flight (a storm: one
 * commit per up to batch_max records instead of one per loop iteration). */
#define DAEMON_BATCH_WAIT_US (100ll * 1000)

struct daemon {
	struct opal_config cfg;
	const char *config_path; /* NULL = default */
	const char *root;
	const char *db_path;
	struct store *store;
	struct loop *loop;

	/* current batch */
	bool in_batch;
	size_t batch_n;
	int64_t batch_start_us; /* when the batch's first record came */
	bool flushing; /* daemon_flush(): sources wait for what is in flight */
	int commit_timer; /* DAEMON_BATCH_WAIT_US after a held commit */
	bool commit_armed;
	struct pending_action {
		after_commit_fn fn;
		void *arg;
	} * actions;
	size_t n_actions, cap_actions;
	/* committed batches not yet durable (store_async_start): their actions, in commit
	 * order, run when store_durable() reaches seq; [w_head, n_waiting) are live */
	struct waiting_action {
		after_commit_fn fn;
		void *arg;
		uint64_t seq;
	} * waiting;
	size_t w_head, n_waiting, cap_waiting;
	bool durable_blocked; /* work_round skipped the sources: too much not yet durable */
	uint64_t outbox_seq; /* the last commit with outbox rows, not yet durable (or 0) */
	bool durable_watched; /* the store's durable fd is in the loop (only while waiting) */

	/* store failure and backoff */
	bool paused;
	int64_t backoff_us;
	int retry_timer;
	int last_err;

	/* memory: after start-up and after a storm the page cache and the heap are given
	 * back once the daemon has been quiet for DAEMON_RELEASE_US (idle footprint) */
	int release_timer;
	int rescan_timer; /* every source's safety-net rescan (source_ops.rescan) */

	/* counters */
	uint64_t commits;
	int64_t last_commit_us;
	int64_t started_us;

	struct source sources[DAEMON_MAX_SOURCES];
	int n_sources;
	int work_fd; /* eventfd: sources have queued work (daemon_kick) */
	struct hook_set hooks; /* from the configuration's hooks: */
	struct fwd_config fwd; /* from the configuration's forward: */
	int control_fd;
	char control_path[256];
	bool reload_requested;
};

int daemon_start(struct daemon *d);
void daemon_stop(struct daemon *d);
/* Process everything pending now, commit, and wait for the acknowledgements. */
void daemon_flush(struct daemon *d);
/* Re-read the configuration and restart the sources (SIGHUP, control "reload"). */
void daemon_reload(struct daemon *d);

/* A source queued work: the loop calls every source's poll() soon. */
void daemon_kick(struct daemon *d);

/* Append ev to the current batch (starting one if needed); when it is stored,
 * *is_new says whether it was new. fn (may be NULL) runs after the commit. Returns 0,
 * or a negative errno when the store failed (the daemon is then paused; the caller
 * must stop offering records until its resume callback). */
int daemon_append(struct daemon *d, struct ras_event *ev, bool *is_new, after_commit_fn fn,
		  void *arg);
/* Record progress in the batch without an event (e.g. a source cursor). */
int daemon_cursor(struct daemon *d, const char *name, const char *value);
/* Commit the current batch (no-op without one). Returns 0 or negative errno. The
 * batch's after-commit actions run once it is durable: at once with synchronous
 * commits; with pipelined durability (the store's flush thread, store_async_start)
 * when the store says so (daemon_run_durable, from the loop). A store failure tells
 * the actions still waiting that they failed (nothing acknowledged; offered again). */
int daemon_commit(struct daemon *d);
/* Begin a transaction of the caller's own (a hook run's record, a forward's result),
 * committing the batch the group commit may be holding open first: an I/O callback
 * can run between the rounds of a held batch. Returns 0 (then store_commit or
 * store_rollback it) or a negative errno with e set. */
int daemon_begin_own(struct daemon *d, struct ras_err *e);
/* Run the actions of every batch that is durable now. */
void daemon_run_durable(struct daemon *d);
/* Wait until every committed batch is durable and run its actions. */
void daemon_wait_durable(struct daemon *d);
/* Watch the store's durable fd in the loop (on) or not: only while something waits
 * for durability, so an idle daemon is not woken by commits made elsewhere (VPD). */
void daemon_watch_durable(struct daemon *d, bool on);
/* Too many committed records wait for durability: stop taking new ones. */
bool daemon_durable_backlog(const struct daemon *d);
/* The loop's group commit: commit now, unless the batch has room, a source has records
 * in flight (source_ops.busy) and the batch is younger than DAEMON_BATCH_WAIT_US; then
 * a timer commits it at the latest by then. Returns 0 or negative errno. */
int daemon_group_commit(struct daemon *d);
/* Is the batch full (callers then commit before reading more)? */
bool daemon_batch_full(const struct daemon *d);
/* Is ingest possible now (not paused after a store failure)? */
static inline bool daemon_can_ingest(const struct daemon *d)
{
	return !d->paused;
}

struct source *daemon_add_source(struct daemon *d, const struct source_ops *ops);

#endif
