/*
 * src_elog.c - the firmware error-log source: /sys/firmware/opal/elog/<id>/.
 *
 * Each log directory holds `raw` (the PEL), `id`, `type` and `acknowledge`. We read
 * raw, decode it (errlog PEL codec), append the event to the batch and, only after
 * the batch commit is durable, write to `acknowledge` so firmware may forget the log
 * (the kernel then removes the directory). A log that does not decode is stored raw
 * with its reason and acked the same way: never dropped.
 *
 * New logs are announced by kernel uevents (netlink, real hosts) or inotify (where it
 * works: the simulator); a periodic rescan is the safety net for missed events. A map
 * of names remembers what is queued and what was acked, so a rescan does not redo
 * work; a log still present long after its ack is offered again (dedupe makes that
 * cheap and it covers a lost ack).
 *
 * Three threads share the work so that a storm uses both cores:
 *   loop thread   discovery (uevents, inotify, rescans), the name map, the batch and
 *                 the SQLite store: the only thread that touches them.
 *   reader        takes names from `toread`, reads raw (openat on the elog directory,
 *                 one read per page) and decodes it into an item, hands the item back
 *                 through `decoded` and kicks the loop when that queue was empty.
 *   acker         takes names from `toack` and writes their acknowledge files.
 * Both queues are bounded (bqueue): the loop never waits on them (names stay in its
 * FIFO while `toread` is full; an ack is written by the loop itself while `toack` is
 * full), the reader waits while `decoded` is full. Nothing is dropped. A name enters
 * `toack` only from the after-commit action of the commit that stored its record, so
 * "acknowledge after a durable commit" holds whichever thread writes it. Items in the
 * queues at a kill -9 were never acknowledged: the next start re-offers them and the
 * store's dedupe keeps them single. The threads sleep on condition variables when
 * there is nothing to do (no wake-ups at idle) and are joined when the source stops
 * (after the daemon's drain: everything offered is stored and acknowledged first).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "common/uevent.h"
#include "errlog/pel.h"
#include "errlog/pel_event.h"
#include "opal-prd/bqueue.h"
#include "opal-prd/namemap.h"
#include "opal-prd/sources.h"

#define ELOG_DIR	   "sys/firmware/opal/elog"
#define ELOG_UEVENT_PREFIX "/firmware/opal/elog/"
#define ELOG_MAX_RAW	   (64u << 10)
#define ELOG_REACK_US	   (30ll * 1000000)
/* Items between the loop and the reader, each way: enough to keep the reader busy
 * for a commit's duration, small enough to keep the footprint (an item is ~6 KiB). */
#define ELOG_TOREAD_CAP	  256
#define ELOG_DECODED_CAP  256
#define ELOG_THREAD_STACK (256u << 10)
#define ELOG_SCAN_STEP	  2048

enum { ST_QUEUED = 1, ST_INFLIGHT, ST_ACKED };

/* Logs up to this size are read into the item itself (typical logs are hundreds of
 * bytes to ~2 KiB); larger ones get their own buffer. */
#define ELOG_INLINE_RAW 2048

/* A log on its way through the reader: filled by the reader, consumed by the loop,
 * which keeps consumed items for reuse while a storm lasts (free_items). */
struct elog_item {
	struct elog_item *next; /* in free_items */
	char name[NAMEMAP_NAME_MAX];
	int rc; /* 0, or the read's negative errno (message in err) */
	char err[256];
	uint8_t *raw; /* inline or malloc()ed */
	size_t len;
	struct pel_event pe;
	uint8_t inline_raw[ELOG_INLINE_RAW];
};

struct ack_arg {
	char name[NAMEMAP_NAME_MAX];
};

struct elog_src {
	struct source *src;
	char dir[4096];
	int ino, nl;
	int dirfd; /* the elog directory, for openat() of <id>/raw and <id>/acknowledge */
	struct namemap names;
	/* FIFO of queued names (indexes are names copied; entries may be stale). */
	char (*queue)[NAMEMAP_NAME_MAX];
	size_t qhead, qtail, qcap;
	uint32_t rescan_mark;
	DIR *scan; /* a rescan in progress (rescan_step) */

	/* the worker threads (see the top of the file) */
	struct bqueue toread, decoded, toack;
	pthread_t reader, acker;
	bool reader_on, acker_on;
	/* acks given to the acker (loop) and written by it (under ack_mu): drain waits */
	uint64_t acks_queued, acks_done;
	pthread_mutex_t ack_mu;
	pthread_cond_t ack_cv;
	uint64_t handed, received; /* items given to the reader / taken back (loop only) */
	struct elog_item *free_items; /* consumed, for reuse (loop only; freed when idle) */
	size_t n_free;
	bool noatime; /* reader: O_NOATIME still allowed */
	/* reader-only scratch */
	struct pel *scratch;
	uint8_t *rbuf;
};

static struct elog_src elog;

static bool rescan_step(struct daemon *d);

static bool valid_name(const char *n)
{
	/* Kernel names are "0x" + hex id; accept any plain name but the dot entries. */
	return n[0] && n[0] != '.' && !strchr(n, '/') && strlen(n) < NAMEMAP_NAME_MAX;
}

/* Queue name unless it is queued, in flight or freshly acked; returns its entry in
 * the name map (NULL when it could not be added). The loop is kicked when the FIFO
 * was empty: otherwise a round is pending or the reader's hand-back will kick it. */
static struct namemap_entry *enqueue(struct daemon *d, const char *name)
{
	struct namemap_entry *e;

	if (!valid_name(name))
		return NULL;
	e = namemap_put(&elog.names, name);
	if (!e || e->state == ST_QUEUED || e->state == ST_INFLIGHT)
		return e;
	if (e->state == ST_ACKED && time_now_us() - e->time_us < ELOG_REACK_US)
		return e;
	if (elog.qtail - elog.qhead == elog.qcap) {
		size_t nc = elog.qcap ? elog.qcap * 2 : 1024;
		char(*nq)[NAMEMAP_NAME_MAX] = malloc(nc * NAMEMAP_NAME_MAX);
		if (!nq)
			return e; /* the rescan will find it again */
		for (size_t i = elog.qhead; i < elog.qtail; i++)
			memcpy(nq[i - elog.qhead], elog.queue[i % elog.qcap], NAMEMAP_NAME_MAX);
		free(elog.queue);
		elog.queue = nq;
		elog.qtail -= elog.qhead;
		elog.qhead = 0;
		elog.qcap = nc;
	}
	strcpy(elog.queue[elog.qtail % elog.qcap], name);
	if (elog.qtail++ == elog.qhead)
		daemon_kick(d);
	e->state = ST_QUEUED;
	return e;
}

/* ---- the reader thread ------------------------------------------------------------- */

/* Read <name>/raw into the reader's buffer: openat relative to the elog directory and
 * as few reads as the kernel allows. A read that returns less than asked and not a
 * whole number of 4 KiB pages is the end of the file (a regular file reads short only
 * at its end; a sysfs binary attribute returns at most one page per read, and a page
 * is a multiple of 4 KiB), so the usual log costs open, one read, close. */
static int read_raw(struct elog_item *it)
{
	char rel[NAMEMAP_NAME_MAX + 8];
	size_t got = 0, cap = ELOG_MAX_RAW + 1;
	int fd;

	snprintf(rel, sizeof(rel), "%s/raw", it->name);
	/* O_NOATIME: reading a log need not dirty its inode (root may; else plain) */
	fd = openat(elog.dirfd, rel, O_RDONLY | O_CLOEXEC | (elog.noatime ? O_NOATIME : 0));
	if (fd < 0 && errno == EPERM && elog.noatime) {
		elog.noatime = false;
		fd = openat(elog.dirfd, rel, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		int rc = -errno;
		snprintf(it->err, sizeof(it->err), "%s: %s", rel, strerror(errno));
		return rc;
	}
	/* First into the item itself: asking for less than a page, a short read is the
	 * end on sysfs too, so the usual log needs no copy. */
	ssize_t r0;
	do
		r0 = read(fd, it->inline_raw, ELOG_INLINE_RAW);
	while (r0 < 0 && errno == EINTR);
	if (r0 >= 0 && (size_t)r0 < ELOG_INLINE_RAW) {
		close(fd);
		it->raw = it->inline_raw;
		it->len = (size_t)r0;
		return 0;
	}
	if (r0 > 0) {
		memcpy(elog.rbuf, it->inline_raw, (size_t)r0);
		got = (size_t)r0;
	}
	while (got < cap) {
		ssize_t r = read(fd, elog.rbuf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = -errno;
			snprintf(it->err, sizeof(it->err), "%s: read at offset %zu: %s", rel, got,
				 strerror(errno));
			close(fd);
			return rc;
		}
		got += (size_t)r;
		if (r == 0 || (got < cap && r % 4096))
			break;
	}
	close(fd);
	if (got > ELOG_MAX_RAW)
		got = ELOG_MAX_RAW; /* stored truncated; the decoder says so */
	it->raw = got <= ELOG_INLINE_RAW ? it->inline_raw : malloc(got);
	if (!it->raw) {
		snprintf(it->err, sizeof(it->err), "%s: out of memory", rel);
		return -ENOMEM;
	}
	memcpy(it->raw, elog.rbuf, got);
	it->len = got;
	return 0;
}

/* Read and decode one log into it (the event borrows it->raw and it->name). */
static void reader_fill(struct elog_item *it)
{
	it->rc = read_raw(it);
	if (it->rc)
		return;
	pel_event_from_bytes(&it->pe, elog.scratch, it->raw, it->len, "elog");
	/* The kernel's name for the log, so a record can be matched with its ack. */
	if (it->pe.ev.n_attrs < PEL_EVENT_MAX_ATTRS) {
		struct ras_attr *at = &it->pe.attrs[it->pe.ev.n_attrs++];
		at->name = "elog_id";
		at->value = it->name;
		it->pe.ev.attrs = it->pe.attrs;
	}
}

static void item_free(struct elog_item *it)
{
	if (it) {
		if (it->raw != it->inline_raw)
			free(it->raw);
		free(it);
	}
}

/* Loop thread: a fresh item for name (a reused one while a storm lasts). */
static struct elog_item *item_new(const char *name)
{
	struct elog_item *it = elog.free_items;

	if (it) {
		elog.free_items = it->next;
		elog.n_free--;
	} else if (!(it = malloc(sizeof(*it)))) {
		return NULL;
	}
	it->next = NULL;
	it->rc = 0;
	it->err[0] = 0;
	it->raw = NULL;
	it->len = 0;
	strcpy(it->name, name);
	return it;
}

/* Loop thread: done with it. Kept for reuse, as many as the queues can hold. */
static void item_done(struct elog_item *it)
{
	if (it->raw != it->inline_raw)
		free(it->raw);
	it->raw = NULL;
	if (elog.n_free >= ELOG_TOREAD_CAP + ELOG_DECODED_CAP) {
		free(it);
		return;
	}
	it->next = elog.free_items;
	elog.free_items = it;
	elog.n_free++;
}

/* Loop thread: the pipeline is empty; give the kept items (and a name FIFO grown by a
 * storm) back: the idle footprint. */
static void items_release(void)
{
	while (elog.free_items) {
		struct elog_item *it = elog.free_items;
		elog.free_items = it->next;
		free(it);
	}
	elog.n_free = 0;
	if (elog.qhead == elog.qtail && elog.qcap > 1024) {
		free(elog.queue);
		elog.queue = NULL;
		elog.qcap = elog.qhead = elog.qtail = 0;
	}
}

static void *reader_main(void *arg)
{
	struct daemon *d = arg;
	void *batch[16];
	long n;

	while ((n = bqueue_pop_many(&elog.toread, batch, 16)) > 0) {
		/* Read the group, then hand it back with one kick at most: the loop wakes
		 * once per group, not once per log (one log at idle is a group of one). */
		bool kick = false;
		for (long i = 0; i < n; i++)
			reader_fill(batch[i]);
		for (long i = 0; i < n; i++) {
			bool was_empty;
			if (bqueue_push(&elog.decoded, batch[i], &was_empty)) {
				item_free(batch[i]); /* stopping: never stored, never acked */
				continue;
			}
			kick |= was_empty;
		}
		if (kick)
			daemon_kick(d);
	}
	return NULL;
}

/* ---- acknowledgements -------------------------------------------------------------- */

/* Write <name>/acknowledge; true when written. Any thread. */
static bool ack_write(const char *name)
{
	char rel[NAMEMAP_NAME_MAX + 16];
	struct ras_err err;
	int rc;

	snprintf(rel, sizeof(rel), "%s/acknowledge", name);
	rc = file_write_str_at(elog.dirfd, rel, "ack\n", &err);
	if (rc && rc != -ENOENT)
		log_warn("source=elog id=%s event=ack_failed error=\"%s\"", name, err.msg);
	return rc == 0;
}

static void *acker_main(void *arg)
{
	void *batch[64];
	long n;

	(void)arg;
	while ((n = bqueue_pop_many(&elog.toack, batch, 64)) > 0) {
		uint64_t ok = 0;
		for (long i = 0; i < n; i++) {
			ok += ack_write(((struct ack_arg *)batch[i])->name);
			free(batch[i]);
		}
		/* read by the control socket's status in the loop thread */
		__atomic_add_fetch(&elog.src->acked, ok, __ATOMIC_RELAXED);
		pthread_mutex_lock(&elog.ack_mu);
		elog.acks_done += (uint64_t)n;
		pthread_cond_broadcast(&elog.ack_cv);
		pthread_mutex_unlock(&elog.ack_mu);
	}
	return NULL;
}

/* daemon_flush: every ack handed to the acker is written. */
static void elog_drain(struct daemon *d, struct source *s)
{
	(void)d;
	(void)s;
	if (!elog.acker_on)
		return;
	pthread_mutex_lock(&elog.ack_mu);
	while (elog.acks_done < elog.acks_queued)
		pthread_cond_wait(&elog.ack_cv, &elog.ack_mu);
	pthread_mutex_unlock(&elog.ack_mu);
}

/* After the commit: acknowledge (ok) or forget that it was queued (rolled back). */
static void after_commit(struct daemon *d, void *arg, bool ok)
{
	struct ack_arg *a = arg;
	struct namemap_entry *e = namemap_get(&elog.names, a->name);

	(void)d;
	if (!ok) {
		if (e)
			namemap_del(&elog.names, e);
		free(a);
		return;
	}
	if (e) {
		e->state = ST_ACKED;
		e->time_us = time_now_us();
	}
	/* Durable now: the acker writes it; while its queue is full, we do. */
	if (elog.acker_on && bqueue_try_push(&elog.toack, a, NULL) == 0) {
		elog.acks_queued++;
		return;
	}
	if (ack_write(a->name))
		__atomic_add_fetch(&elog.src->acked, 1, __ATOMIC_RELAXED);
	free(a);
}

/* ---- the loop thread: feeding the reader, appending what it decoded ------------------ */

/* Forget a name (gone, unreadable or not stored): the rescan offers it again. */
static void forget(const char *name)
{
	struct namemap_entry *ne = namemap_get(&elog.names, name);
	if (ne)
		namemap_del(&elog.names, ne);
}

/* Append one decoded log and free the item. Returns 0, or a negative errno when the
 * store failed (stop offering). */
static int ingest_item(struct daemon *d, struct elog_item *it)
{
	bool is_new;
	int rc;

	if (it->rc) {
		forget(it->name); /* gone, or unreadable: the rescan retries */
		if (it->rc != -ENOENT) {
			elog.src->errors++;
			log_warn("source=elog id=%s event=read_failed error=\"%s\"", it->name,
				 it->err);
		}
		item_done(it);
		return 0;
	}
	elog.src->seen++;
	struct ack_arg *a = malloc(sizeof(*a));
	if (!a) {
		forget(it->name);
		item_done(it);
		return 0;
	}
	strcpy(a->name, it->name);
	rc = daemon_append(d, &it->pe.ev, &is_new, after_commit, a);
	if (rc) {
		/* Not stored: forget it so the rescan after recovery offers it again. */
		free(a);
		forget(it->name);
		item_done(it);
		return rc;
	}
	/* its name stays ST_INFLIGHT (since it went to the reader) until after_commit */
	if (is_new)
		elog.src->stored++;
	else
		elog.src->dups++;
	elog.src->last_us = time_now_us();
	item_done(it);
	return 0;
}

/* Give queued names to the reader until its queue is full. */
static void feed_reader(struct daemon *d)
{
	while (elog.qhead < elog.qtail && daemon_can_ingest(d)) {
		const char *name = elog.queue[elog.qhead % elog.qcap];
		struct namemap_entry *e = namemap_get(&elog.names, name);
		if (!e || e->state != ST_QUEUED) {
			elog.qhead++;
			continue;
		}
		struct elog_item *it = item_new(name);
		if (!it)
			return; /* stays queued: the next round tries again */
		if (elog.reader_on) {
			if (bqueue_try_push(&elog.toread, it, NULL)) {
				item_done(it);
				return; /* full: the reader kicks us when it hands items back */
			}
		} else {
			/* No reader thread: read here; the caller appends from `decoded`. */
			reader_fill(it);
			if (bqueue_try_push(&elog.decoded, it, NULL)) {
				item_done(it); /* cannot happen: checked below */
				return;
			}
		}
		elog.qhead++;
		elog.handed++;
		e->state = ST_INFLIGHT;
		if (!elog.reader_on && bqueue_len(&elog.decoded) == ELOG_DECODED_CAP)
			return;
	}
}

/* Records in flight that the group commit may wait for (batch.c). */
static bool elog_busy(struct daemon *d, struct source *s)
{
	(void)d;
	(void)s;
	return elog.handed != elog.received || elog.qhead < elog.qtail || elog.scan;
}

/* Append what the reader decoded (up to a batch) and feed it more names. True when
 * this round stopped with decoded logs left (the batch was full). While the daemon
 * drains (d->flushing) it waits for the reader, so the drain stores everything. */
static bool elog_poll(struct daemon *d, struct source *s)
{
	void *got[32];

	(void)s;
	/* A scan in progress: its next names (all of them when draining). */
	if (elog.scan && daemon_can_ingest(d))
		while (rescan_step(d) && d->flushing)
			;
	for (;;) {
		feed_reader(d);
		while (daemon_can_ingest(d) && !daemon_batch_full(d)) {
			size_t room = (size_t)(d->cfg.batch_max - (int64_t)d->batch_n);
			size_t n = bqueue_try_pop_many(&elog.decoded, got, room < 32 ? room : 32);
			if (!n)
				break;
			elog.received += n;
			for (size_t i = 0; i < n; i++) {
				struct elog_item *it = got[i];
				if (daemon_can_ingest(d)) {
					ingest_item(d, it);
				} else {
					/* the store failed on an earlier one: offered again later
					 */
					forget(it->name);
					item_done(it);
				}
			}
			feed_reader(d);
		}
		if (!daemon_can_ingest(d))
			return false;
		if (daemon_batch_full(d))
			return true;
		if (!d->flushing || elog.handed == elog.received) {
			if (elog.handed == elog.received && elog.qhead == elog.qtail)
				items_release();
			return false;
		}
		/* Draining: wait for the reader's next item (it is working on ours). */
		if (bqueue_pop_many(&elog.decoded, got, 1) != 1)
			return false;
		elog.received++;
		if (ingest_item(d, got[0]))
			return false;
	}
}

/* The safety net: compare the directory with what we know. A scan reads at most
 * ELOG_SCAN_STEP names per loop round (elog_poll takes the next step), so the reader
 * starts on the first names while a large directory is still being listed. Returns
 * true while the scan goes on. */
static bool rescan_step(struct daemon *d)
{
	struct dirent *de = NULL;
	size_t i = 0, n = 0;
	struct namemap_entry *e;

	if (!elog.scan)
		return false;
	while (n++ < ELOG_SCAN_STEP && (de = readdir(elog.scan))) {
		e = enqueue(d, de->d_name);
		if (e)
			e->mark = elog.rescan_mark;
	}
	if (de) {
		daemon_kick(d); /* the next step in the next round */
		return true;
	}
	closedir(elog.scan);
	elog.scan = NULL;
	/* Names left queued (the reader was full, or memory was short): a round soon. */
	if (elog.qhead < elog.qtail)
		daemon_kick(d);
	/* Acked logs whose directory is gone: forget them. */
	while ((e = namemap_next(&elog.names, &i)))
		if (e->state == ST_ACKED && e->mark != elog.rescan_mark)
			namemap_del(&elog.names, e);
	namemap_shrink(&elog.names); /* after a storm: the idle footprint */
	return false;
}

/* Start a scan (one in progress just goes on) and take its first step. */
static void rescan(struct daemon *d)
{
	if (!elog.scan) {
		elog.scan = opendir(elog.dir);
		if (!elog.scan)
			return;
		elog.rescan_mark++;
	}
	rescan_step(d);
}

static void elog_rescan(struct daemon *d, struct source *s)
{
	(void)s;
	rescan(d);
}

static void on_inotify(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	(void)l;
	(void)events;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				rescan(d);
				continue;
			}
			if (!ev->len)
				continue;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
				enqueue(d, ev->name);
			} else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
				struct namemap_entry *e = namemap_get(&elog.names, ev->name);
				if (e && e->state == ST_ACKED)
					namemap_del(&elog.names, e);
			}
		}
	}
}

void daemon_uevent_drain(struct daemon *d, int fd)
{
	char buf[8193];
	ssize_t n;
	struct uevent u;

	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		if (uevent_parse(buf, (size_t)n, &u))
			continue;
		daemon_handle_uevent(d, &u);
	}
}

static void on_uevent(struct loop *l, int fd, uint32_t events, void *arg)
{
	(void)l;
	(void)events;
	daemon_uevent_drain(arg, fd);
}

void elog_handle_uevent(struct daemon *d, const struct uevent *u)
{
	size_t pl = strlen(ELOG_UEVENT_PREFIX);
	if (!elog.src || strncmp(u->devpath, ELOG_UEVENT_PREFIX, pl) || strcmp(u->action, "add"))
		return;
	enqueue(d, u->devpath + pl);
}

/* ---- life cycle -------------------------------------------------------------------- */

static void start_threads(struct daemon *d)
{
	pthread_attr_t at;
	sigset_t all, old;
	int rc;

	/* Signals stay with the loop thread (signalfd): the workers block them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_mutex_init(&elog.ack_mu, NULL);
	pthread_cond_init(&elog.ack_cv, NULL);
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, ELOG_THREAD_STACK);
	rc = pthread_create(&elog.reader, &at, reader_main, d);
	if (rc == 0) {
		elog.reader_on = true;
		pthread_setname_np(elog.reader, "elog-reader");
		rc = pthread_create(&elog.acker, &at, acker_main, d);
		if (rc == 0) {
			elog.acker_on = true;
			pthread_setname_np(elog.acker, "elog-acker");
		}
	}
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		log_warn("source=elog event=no_worker_thread error=\"%s\" fallback=loop_thread",
			 strerror(rc));
}

/* Join the workers. The daemon drained first (daemon_stop, daemon_reload), so the
 * queues are empty unless the store was failing: then what the reader holds is
 * dropped here, never acknowledged, and offered again by the next start. */
static void stop_threads(void)
{
	void *left[64];
	size_t n;

	bqueue_close(&elog.toread);
	bqueue_close(&elog.decoded); /* a reader waiting to hand an item back gives up */
	if (elog.reader_on)
		pthread_join(elog.reader, NULL);
	while ((n = bqueue_try_pop_many(&elog.toread, left, 64)) > 0)
		for (size_t i = 0; i < n; i++)
			item_free(left[i]);
	while ((n = bqueue_try_pop_many(&elog.decoded, left, 64)) > 0)
		for (size_t i = 0; i < n; i++)
			item_free(left[i]);
	bqueue_close(&elog.toack); /* the acker writes what is queued, then exits */
	if (elog.acker_on)
		pthread_join(elog.acker, NULL);
	while ((n = bqueue_try_pop_many(&elog.toack, left, 64)) > 0)
		for (size_t i = 0; i < n; i++) {
			if (ack_write(((struct ack_arg *)left[i])->name))
				elog.src->acked++;
			free(left[i]);
		}
	elog.reader_on = elog.acker_on = false;
	pthread_mutex_destroy(&elog.ack_mu);
	pthread_cond_destroy(&elog.ack_cv);
	bqueue_destroy(&elog.toread);
	bqueue_destroy(&elog.decoded);
	bqueue_destroy(&elog.toack);
}

static int elog_start(struct daemon *d, struct source *s)
{
	elog.src = s;
	elog.ino = elog.nl = elog.dirfd = -1;
	namemap_init(&elog.names);
	if (root_path(elog.dir, sizeof(elog.dir), d->root, ELOG_DIR))
		return -ENAMETOOLONG;
	if (access(elog.dir, F_OK) != 0) {
		log_info("source=elog event=not_available dir=%s reason=\"no OPAL elog interface "
			 "(a BMC system, or not OPAL)\"",
			 elog.dir);
		return -ENOENT;
	}
	elog.dirfd = open(elog.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (elog.dirfd < 0)
		return -errno;
	elog.scratch = malloc(sizeof(*elog.scratch));
	elog.rbuf = malloc(ELOG_MAX_RAW + 1);
	/* Room for the acks of two batches; beyond that the loop writes them itself. */
	size_t ack_cap = d->cfg.batch_max > 512 ? 2 * (size_t)d->cfg.batch_max : 1024;
	if (!elog.scratch || !elog.rbuf || bqueue_init(&elog.toread, ELOG_TOREAD_CAP) ||
	    bqueue_init(&elog.decoded, ELOG_DECODED_CAP) || bqueue_init(&elog.toack, ack_cap))
		return -ENOMEM;
	elog.noatime = true;
	start_threads(d);
	elog.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (elog.ino >= 0 && inotify_add_watch(elog.ino, elog.dir,
					       IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM |
						       IN_ONLYDIR) >= 0)
		loop_add_fd(d->loop, elog.ino, EPOLLIN, on_inotify, d);
	/* Kernel uevents only describe the real host: not under a simulated root. */
	if (!strcmp(d->root, "/")) {
		elog.nl = uevent_open_kernel();
		if (elog.nl >= 0)
			loop_add_fd(d->loop, elog.nl, EPOLLIN, on_uevent, d);
		else
			log_warn("source=elog event=no_uevents error=\"%s\" fallback=rescan",
				 strerror(-elog.nl));
	}
	s->running = true;
	rescan(d); /* what firmware offered while we were not running */
	return 0;
}

static void elog_stop(struct daemon *d, struct source *s)
{
	stop_threads(); /* before the directory fd closes: the acker writes through it */
	if (elog.scan)
		closedir(elog.scan);
	if (elog.ino >= 0) {
		loop_del_fd(d->loop, elog.ino);
		close(elog.ino);
	}
	if (elog.nl >= 0) {
		loop_del_fd(d->loop, elog.nl);
		close(elog.nl);
	}
	if (elog.dirfd >= 0)
		close(elog.dirfd);
	namemap_free(&elog.names);
	free(elog.queue);
	free(elog.scratch);
	free(elog.rbuf);
	items_release();
	memset(&elog, 0, sizeof(elog));
	s->running = false;
}

static void elog_resume(struct daemon *d, struct source *s)
{
	(void)s;
	rescan(d);
}

static void elog_status(struct daemon *d, struct source *s, struct json_writer *w)
{
	(void)d;
	(void)s;
	json_kuint(w, "queued", elog.qtail - elog.qhead);
	json_kuint(w, "reading", elog.handed - elog.received);
	json_kuint(w, "acks_pending", bqueue_len(&elog.toack));
	json_kstr(w, "dir", elog.dir);
}

const struct source_ops src_elog_ops = {
	.name = "elog",
	.start = elog_start,
	.stop = elog_stop,
	.resume = elog_resume,
	.poll = elog_poll,
	.status = elog_status,
	.rescan = elog_rescan,
	.busy = elog_busy,
	.drain = elog_drain,
};
