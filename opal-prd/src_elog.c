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
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "opal-prd/namemap.h"
#include "opal-prd/sources.h"

#define ELOG_DIR "sys/firmware/opal/elog"
#define ELOG_UEVENT_PREFIX "/firmware/opal/elog/"
#define ELOG_MAX_RAW (64u << 10)
#define ELOG_REACK_US (30ll * 1000000)

enum { ST_QUEUED = 1, ST_INFLIGHT, ST_ACKED };

struct elog_src {
	struct source *src;
	char dir[4096];
	int ino, nl;
	int dirfd; /* the elog directory, for openat() of <id>/raw and <id>/acknowledge */
	struct namemap names;
	/* FIFO of queued names (indexes are names copied; entries may be stale). */
	char (*queue)[NAMEMAP_NAME_MAX];
	size_t qhead, qtail, qcap;
	struct pel *scratch;
	struct pel_event pe;
	uint8_t *raw;
	uint32_t rescan_mark;
};

static struct elog_src elog;

static bool valid_name(const char *n)
{
	/* Kernel names are "0x" + hex id; accept any plain name but the dot entries. */
	return n[0] && n[0] != '.' && !strchr(n, '/') && strlen(n) < NAMEMAP_NAME_MAX;
}

static void enqueue(struct daemon *d, const char *name)
{
	struct namemap_entry *e;

	if (!valid_name(name))
		return;
	e = namemap_put(&elog.names, name);
	if (!e || e->state == ST_QUEUED || e->state == ST_INFLIGHT)
		return;
	if (e->state == ST_ACKED && time_now_us() - e->time_us < ELOG_REACK_US)
		return;
	if (elog.qtail - elog.qhead == elog.qcap) {
		size_t nc = elog.qcap ? elog.qcap * 2 : 1024;
		char(*nq)[NAMEMAP_NAME_MAX] = malloc(nc * NAMEMAP_NAME_MAX);
		if (!nq)
			return; /* the rescan will find it again */
		for (size_t i = elog.qhead; i < elog.qtail; i++)
			memcpy(nq[i - elog.qhead], elog.queue[i % elog.qcap], NAMEMAP_NAME_MAX);
		free(elog.queue);
		elog.queue = nq;
		elog.qtail -= elog.qhead;
		elog.qhead = 0;
		elog.qcap = nc;
	}
	strcpy(elog.queue[elog.qtail % elog.qcap], name);
	elog.qtail++;
	e->state = ST_QUEUED;
	daemon_kick(d);
}

struct ack_arg {
	char name[NAMEMAP_NAME_MAX];
};

/* After the commit: acknowledge (ok) or forget that it was queued (rolled back). */
static void after_commit(struct daemon *d, void *arg, bool ok)
{
	struct ack_arg *a = arg;
	struct namemap_entry *e = namemap_get(&elog.names, a->name);
	char rel[NAMEMAP_NAME_MAX + 16];
	struct ras_err err;

	if (!ok) {
		if (e)
			namemap_del(&elog.names, e);
		free(a);
		return;
	}
	snprintf(rel, sizeof(rel), "%s/acknowledge", a->name);
	{
		int rc = file_write_str_at(elog.dirfd, rel, "ack\n", &err);
		if (rc == 0)
			elog.src->acked++;
		else if (rc != -ENOENT)
			log_warn("source=elog id=%s event=ack_failed error=\"%s\"", a->name, err.msg);
	}
	if (e) {
		e->state = ST_ACKED;
		e->time_us = time_now_us();
	}
	free(a);
}

/* Read, decode and append one log. Returns 0, or a negative errno when the store
 * failed (stop offering). */
static int ingest_one(struct daemon *d, const char *name)
{
	char rel[NAMEMAP_NAME_MAX + 8];
	uint8_t *buf;
	size_t len;
	int trunc, rc;
	bool is_new;
	struct ras_err e;
	struct namemap_entry *ne = namemap_get(&elog.names, name);

	snprintf(rel, sizeof(rel), "%s/raw", name);
	rc = file_read_all_at(elog.dirfd, rel, ELOG_MAX_RAW, &buf, &len, &trunc, &e);
	if (rc) {
		if (ne)
			namemap_del(&elog.names, ne); /* gone, or unreadable: the rescan retries */
		if (rc != -ENOENT) {
			elog.src->errors++;
			log_warn("source=elog id=%s event=read_failed error=\"%s\"", name, e.msg);
		}
		return 0;
	}
	elog.src->seen++;
	pel_event_from_bytes(&elog.pe, elog.scratch, buf, len, "elog");
	/* The kernel's name for the log, so a record can be matched with its ack. */
	if (elog.pe.ev.n_attrs < PEL_EVENT_MAX_ATTRS) {
		struct ras_attr *at = &elog.pe.attrs[elog.pe.ev.n_attrs++];
		at->name = "elog_id";
		at->value = name;
		elog.pe.ev.attrs = elog.pe.attrs;
	}
	struct ack_arg *a = malloc(sizeof(*a));
	if (!a) {
		free(buf);
		if (ne)
			namemap_del(&elog.names, ne);
		return 0;
	}
	strcpy(a->name, name);
	rc = daemon_append(d, &elog.pe.ev, &is_new, after_commit, a);
	free(buf);
	if (rc) {
		/* Not stored: forget it so the rescan after recovery offers it again. */
		free(a);
		if (ne)
			namemap_del(&elog.names, ne);
		return rc;
	}
	if (ne)
		ne->state = ST_INFLIGHT;
	if (is_new)
		elog.src->stored++;
	else
		elog.src->dups++;
	elog.src->last_us = time_now_us();
	return 0;
}

/* Process up to one batch of queued names; true when more remain. */
static bool elog_poll(struct daemon *d, struct source *s)
{
	(void)s;
	while (elog.qhead < elog.qtail && daemon_can_ingest(d) && !daemon_batch_full(d)) {
		char name[NAMEMAP_NAME_MAX];
		strcpy(name, elog.queue[elog.qhead % elog.qcap]);
		elog.qhead++;
		struct namemap_entry *e = namemap_get(&elog.names, name);
		if (!e || e->state != ST_QUEUED)
			continue;
		if (ingest_one(d, name))
			break;
	}
	return elog.qhead < elog.qtail && daemon_can_ingest(d);
}

/* The safety net: compare the directory with what we know. */
static void rescan(struct daemon *d)
{
	DIR *dir = opendir(elog.dir);
	struct dirent *de;
	size_t i = 0;
	struct namemap_entry *e;

	if (!dir)
		return;
	elog.rescan_mark++;
	while ((de = readdir(dir))) {
		if (!valid_name(de->d_name))
			continue;
		e = namemap_get(&elog.names, de->d_name);
		if (e)
			e->mark = elog.rescan_mark;
		enqueue(d, de->d_name);
		e = namemap_get(&elog.names, de->d_name);
		if (e)
			e->mark = elog.rescan_mark;
	}
	closedir(dir);
	/* Acked logs whose directory is gone: forget them. */
	while ((e = namemap_next(&elog.names, &i)))
		if (e->state == ST_ACKED && e->mark != elog.rescan_mark)
			namemap_del(&elog.names, e);
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
	if (!elog.scratch)
		return -ENOMEM;
	elog.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (elog.ino >= 0 &&
	    inotify_add_watch(elog.ino, elog.dir,
			      IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR) >= 0)
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
};
