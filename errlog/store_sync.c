/*
 * store_sync.c - pipelined durability: a writer's commits made durable by a second
 * thread, while the writer goes on with the next batch (store_async_start()).
 *
 * With synchronous=FULL, SQLite fsyncs the WAL inside every COMMIT, and the writer sits
 * idle for the whole flush; a storm spends about a third of its time there. In async
 * mode the connection runs with synchronous=NORMAL (COMMIT writes the WAL frames but
 * does not flush them) and this thread calls fdatasync() on the WAL file after each
 * commit. A commit is durable once a flush that started after its COMMIT returned has
 * completed: exactly the guarantee of synchronous=FULL, which is NORMAL plus that same
 * flush. Callers act on a commit (ack a record to firmware) only after
 * store_durable() has reached its sequence number.
 *
 * The same thread checkpoints the WAL into the database through its own connection
 * (PASSIVE: never blocks the writer), so the writer no longer copies pages and
 * fsyncs the database in the middle of a storm. A PASSIVE checkpoint can only restart
 * the WAL when it has caught up by the time the writer begins, which a writer that never
 * pauses does not allow; past STORE_WAL_RESTART_PAGES the writer waits for one complete
 * pass before its next batch, and that batch writes from the WAL's start again.
 *
 * Invariants: durable <= committed; durable only grows; a failed fdatasync is sticky
 * (after EIO the kernel may have dropped the dirty pages: nothing committed since can
 * be called durable), every later commit fails, and the caller stops acknowledging.
 */
#include "errlog/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* Past 4096 frames of 16 KiB (64 MiB) the writer waits for a complete pass, so the WAL
 * restarts: its next frames overwrite pages already in the page cache. A WAL that only
 * grows puts every frame on a new page, which the kernel allocates and (for the frame's
 * unaligned header) zeroes first: in a 100,000-log storm that was a quarter of the
 * daemon loop's time, and the loop used ~25% more CPU than with this restart point
 * (bench_prd; 8000 frames, the earlier bound, was measured against it). */
#define STORE_WAL_RESTART_PAGES 4096

struct store_sync {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	char *wal_path;
	int wal_fd;
	int event_fd;      /* readable when `durable` advanced */
	sqlite3 *ckpt_db;  /* the checkpointer's own connection */
	uint64_t committed, durable;
	int error;         /* negative errno of a failed flush: sticky */
	int wal_frames;    /* frames in the WAL after the last commit (wal hook) */
	int ckpt_upto;     /* frames the last checkpoint pass covered */
	uint64_t passes_begun, passes_done; /* checkpoint passes started / finished */
	bool want_pass;    /* the writer waits for a pass past the restart point */
	int (*flush_hook)(void); /* tests: fail a flush (store_sync_test_hook) */
	bool stop;
};

/* Open (again) the WAL file: after it was replaced, the old descriptor would flush an
 * unlinked file. */
static int wal_reopen(struct store_sync *y)
{
	if (y->wal_fd >= 0)
		close(y->wal_fd);
	y->wal_fd = open(y->wal_path, O_RDONLY | O_CLOEXEC);
	return y->wal_fd < 0 ? -errno : 0;
}

static bool wal_replaced(struct store_sync *y)
{
	struct stat a, b;

	if (fstat(y->wal_fd, &a) != 0 || stat(y->wal_path, &b) != 0)
		return true;
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

static int wal_flush(struct store_sync *y, int (*hook)(void))
{
	if (hook) {
		int rc = hook();
		if (rc)
			return rc;
	}
	if (y->wal_fd < 0 || wal_replaced(y)) {
		int rc = wal_reopen(y);
		if (rc)
			return rc;
	}
	return fdatasync(y->wal_fd) == 0 ? 0 : -errno;
}

static void *sync_main(void *arg)
{
	struct store_sync *y = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&y->mu);
	for (;;) {
		if (y->committed > y->durable && !y->error) {
			uint64_t target = y->committed;
			int (*hook)(void) = y->flush_hook;
			pthread_mutex_unlock(&y->mu);
			int rc = wal_flush(y, hook);
			pthread_mutex_lock(&y->mu);
			if (rc)
				y->error = rc;
			else
				y->durable = target;
			pthread_cond_broadcast(&y->done);
			if (write(y->event_fd, &one, sizeof(one)) < 0) {
				/* the counter is saturated: the reader is behind, still woken */
			}
			continue;
		}
		if (y->wal_frames < y->ckpt_upto)
			y->ckpt_upto = 0; /* the WAL restarted */
		if (!y->error && (y->want_pass || (y->wal_frames >= STORE_WAL_CKPT_PAGES &&
						   y->wal_frames > y->ckpt_upto))) {
			int frames = y->wal_frames, log = 0, ckpt = 0;
			/* A request made from now on needs a pass that starts later: this
			 * one may not cover the writer's last commit. */
			y->want_pass = false;
			y->passes_begun++;
			pthread_mutex_unlock(&y->mu);
			int rc = sqlite3_wal_checkpoint_v2(y->ckpt_db, "main",
							   SQLITE_CHECKPOINT_PASSIVE, &log, &ckpt);
			/* An idle daemon stays small: this connection keeps no cache. */
			sqlite3_db_release_memory(y->ckpt_db);
			pthread_mutex_lock(&y->mu);
			/* BUSY: another connection is checkpointing; both are fine. */
			(void)rc;
			y->ckpt_upto = frames;
			y->passes_done++;
			pthread_cond_broadcast(&y->done);
			continue;
		}
		if (y->stop)
			break;
		pthread_cond_wait(&y->work, &y->mu);
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

/* sqlite3_wal_hook: called in the writer after each commit with the WAL's size. Also
 * keeps SQLite from running its own checkpoint in the writer. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_sync *y = arg;

	(void)db;
	(void)name;
	pthread_mutex_lock(&y->mu);
	y->wal_frames = frames;
	pthread_mutex_unlock(&y->mu);
	return SQLITE_OK;
}

static void sync_free(struct store_sync *y)
{
	if (y->ckpt_db)
		sqlite3_close_v2(y->ckpt_db);
	if (y->wal_fd >= 0)
		close(y->wal_fd);
	if (y->event_fd >= 0)
		close(y->event_fd);
	pthread_cond_destroy(&y->work);
	pthread_cond_destroy(&y->done);
	pthread_mutex_destroy(&y->mu);
	free(y->wal_path);
	free(y);
}

int store_async_start(struct store *s, struct ras_err *e)
{
	struct store_sync *y;
	int rc;

	if (s->sync)
		return 0;
	if (s->mode == STORE_RDONLY || s->in_batch)
		return ras_errf(e, -EINVAL, "%s: async commits need a writer between batches",
				s->path);
	y = calloc(1, sizeof(*y));
	if (!y)
		return ras_errf(e, -ENOMEM, "out of memory");
	y->wal_fd = -1;
	pthread_mutex_init(&y->mu, NULL);
	pthread_cond_init(&y->work, NULL);
	pthread_cond_init(&y->done, NULL);
	y->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* The absolute name SQLite resolved at open: the daemon has chdir'd to / since. */
	const char *db_file = sqlite3_db_filename(s->db, "main");
	if (!db_file || !*db_file)
		db_file = s->path;
	if (y->event_fd < 0 || asprintf(&y->wal_path, "%s-wal", db_file) < 0) {
		y->wal_path = NULL;
		rc = ras_errf(e, -errno, "%s: %s", s->path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(db_file, &y->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(y->ckpt_db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		rc = ras_errf(e, -EIO, "%s: checkpoint connection: %s", s->path,
			      y->ckpt_db ? sqlite3_errmsg(y->ckpt_db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(y->ckpt_db, 0);
	/* It runs checkpoints only: no statements, so no lookaside (~120 KiB that an idle
	 * daemon would otherwise keep resident). */
	sqlite3_db_config(y->ckpt_db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
	/* The WAL exists once the writer has read the schema (store_open). */
	rc = wal_reopen(y);
	if (rc) {
		rc = ras_errf(e, rc, "%s: %s", y->wal_path, strerror(-rc));
		goto fail;
	}
	if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_sqlerr(s, e, "PRAGMA synchronous");
		goto fail;
	}
	rc = pthread_create(&y->thread, NULL, sync_main, y);
	if (rc) {
		sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
		rc = ras_errf(e, -rc, "cannot start the commit thread: %s", strerror(rc));
		goto fail;
	}
	sqlite3_wal_hook(s->db, wal_hook, y);
	s->sync = y;
	return 0;
fail:
	sync_free(y);
	return rc;
}

void store_async_stop(struct store *s)
{
	struct store_sync *y = s->sync;

	if (!y)
		return;
	pthread_mutex_lock(&y->mu);
	y->stop = true; /* the thread flushes what is committed first */
	pthread_cond_signal(&y->work);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->thread, NULL);
	/* The hook had replaced SQLite's own checkpoints (store_open's setting). */
	sqlite3_wal_autocheckpoint(s->db, STORE_WAL_CKPT_PAGES);
	sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	s->sync = NULL;
	sync_free(y);
}

/* Called by store_commit_async() after COMMIT returned: the batch's sequence number. */
uint64_t store_sync_committed(struct store *s)
{
	struct store_sync *y = s->sync;
	uint64_t seq = ++s->commits;

	if (!y)
		return seq; /* synchronous=FULL: durable already */
	pthread_mutex_lock(&y->mu);
	y->committed = seq;
	pthread_cond_signal(&y->work);
	pthread_mutex_unlock(&y->mu);
	return seq;
}

int store_sync_error(struct store *s, struct ras_err *e)
{
	struct store_sync *y = s->sync;
	int rc;

	if (!y)
		return 0;
	pthread_mutex_lock(&y->mu);
	rc = y->error;
	pthread_mutex_unlock(&y->mu);
	if (rc)
		return ras_errf(e, rc, "%s: flushing the WAL failed: %s (nothing committed since is "
				"durable; restart to recover)", s->path, strerror(-rc));
	return 0;
}

/* Before a new batch: past the restart point, wait for one complete checkpoint pass. */
void store_sync_before_batch(struct store *s)
{
	struct store_sync *y = s->sync;

	if (!y)
		return;
	pthread_mutex_lock(&y->mu);
	if (y->wal_frames >= STORE_WAL_RESTART_PAGES && !y->error) {
		/* a pass begun after this point covers every commit so far */
		uint64_t want = y->passes_begun + 1;
		y->want_pass = true;
		pthread_cond_signal(&y->work);
		while (y->passes_done < want && !y->error)
			pthread_cond_wait(&y->done, &y->mu);
	}
	pthread_mutex_unlock(&y->mu);
}

uint64_t store_durable(struct store *s)
{
	struct store_sync *y = s->sync;
	uint64_t d;

	if (!y)
		return s->commits;
	pthread_mutex_lock(&y->mu);
	d = y->durable;
	pthread_mutex_unlock(&y->mu);
	return d;
}

int store_wait_durable(struct store *s, uint64_t seq, struct ras_err *e)
{
	struct store_sync *y = s->sync;

	if (!y)
		return 0;
	pthread_mutex_lock(&y->mu);
	while (y->durable < seq && !y->error)
		pthread_cond_wait(&y->done, &y->mu);
	bool ok = y->durable >= seq;
	pthread_mutex_unlock(&y->mu);
	return ok ? 0 : store_sync_error(s, e);
}

int store_durable_fd(struct store *s)
{
	return s->sync ? s->sync->event_fd : -1;
}

void store_durable_fd_drain(struct store *s)
{
	uint64_t n;

	if (s->sync && read(s->sync->event_fd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing new */
	}
}

void store_sync_test_hook(struct store *s, int (*hook)(void))
{
	if (!s->sync)
		return;
	pthread_mutex_lock(&s->sync->mu);
	s->sync->flush_hook = hook;
	pthread_mutex_unlock(&s->sync->mu);
}
