/*
 * src_dump.c - the platform dump source: /sys/firmware/opal/dump/<type>-<id>/.
 *
 * A new dump becomes an event. With auto-retrieval (config `dump.auto_retrieve`, the
 * default), the dump is first copied, hashed and synced by the dump module in a child
 * process (a dump can be hundreds of MB: the event loop keeps serving elogs and the
 * kernel log meanwhile); the event records path, hash and size, and the dump is
 * acknowledged to firmware only after that event is committed. A refused retrieval (too
 * little free space, over the size cap, firmware errors) is recorded and the dump stays
 * with firmware; it is tried again after DUMP_RETRY_US. Without auto-retrieval the
 * event only announces the dump (nothing is acknowledged; `opal-dump fetch --ack`).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "dump/dump.h"
#include "opal-prd/namemap.h"
#include "opal-prd/sources.h"

#define DUMP_DIR "sys/firmware/opal/dump"
#define DUMP_UEVENT_PREFIX "/firmware/opal/dump/"
#define DUMP_RETRY_US (600ll * 1000000)

enum { DS_BUSY = 1, DS_DONE, DS_REFUSED, DS_NOTICED };

struct dump_src {
	struct source *src;
	char dir[4096];
	int ino;
	struct dump_policy policy;
	bool auto_retrieve;
	struct namemap names;
	/* the one retrieval in progress */
	pid_t child;
	int pipe_fd;
	char busy_name[NAMEMAP_NAME_MAX];
	struct dump_result res;
	size_t res_got;
	struct dump_event de;
};

static struct dump_src ds;

static void scan(struct daemon *d);

struct ack_arg {
	char name[NAMEMAP_NAME_MAX];
};

static void after_commit(struct daemon *d, void *arg, bool ok)
{
	struct ack_arg *a = arg;
	struct namemap_entry *e = namemap_get(&ds.names, a->name);
	struct ras_err err;

	if (ok) {
		if (dump_ack(d->root, a->name, &err) == 0) {
			ds.src->acked++;
			log_info("source=dump dump=%s event=acked", a->name);
		} else {
			log_warn("source=dump dump=%s event=ack_failed error=\"%s\"", a->name,
				 err.msg);
		}
	} else if (e) {
		namemap_del(&ds.names, e); /* not stored: retrieve again later */
	}
	free(a);
}

static void record(struct daemon *d, struct ras_event *ev, const char *name, bool ack)
{
	bool is_new;
	struct ack_arg *a = ack ? malloc(sizeof(*a)) : NULL;

	if (a)
		snprintf(a->name, sizeof(a->name), "%s", name);
	ds.src->seen++;
	if (daemon_append(d, ev, &is_new, a ? after_commit : NULL, a)) {
		free(a);
		struct namemap_entry *e = namemap_get(&ds.names, name);
		if (e)
			namemap_del(&ds.names, e);
		return;
	}
	if (is_new)
		ds.src->stored++;
	else
		ds.src->dups++;
	ds.src->last_us = time_now_us();
	daemon_commit(d);
}

/* Announce a dump without retrieving it. */
static void notice(struct daemon *d, const struct dump_entry *en)
{
	char key[128], summary[256], size[24], type[16], id[16];
	struct ras_attr at[4] = { { "name", en->name }, { "type", type }, { "id", id },
				  { "size", size } };
	struct ras_event ev = {
		.source = "dump", .kind = RAS_KIND_DUMP, .dedupe_key = key,
		.severity = RAS_SEV_ERROR, .source_severity = -1, .subsystem = "platform dump",
		.summary = summary, .serviceable = true, .attrs = at, .n_attrs = 4,
	};
	/* Same spelling as the dump module's keys ("dump:0x2:0x5:<size>"). */
	snprintf(key, sizeof(key), "dump-notice:0x%" PRIx32 ":0x%" PRIx32 ":%" PRIu64, en->type,
		 en->id, en->size);
	snprintf(size, sizeof(size), "%" PRIu64, en->size);
	snprintf(type, sizeof(type), "0x%" PRIx32, en->type);
	snprintf(id, sizeof(id), "0x%" PRIx32, en->id);
	snprintf(summary, sizeof(summary),
		 "%s dump %s available (%" PRIu64 " bytes), left with firmware: auto-retrieval off",
		 dump_type_name(en->type), en->name, en->size);
	record(d, &ev, en->name, false);
}

static void on_child(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	ssize_t n;

	(void)events;
	while ((n = read(fd, (char *)&ds.res + ds.res_got, sizeof(ds.res) - ds.res_got)) > 0)
		ds.res_got += (size_t)n;
	if (n < 0 && errno == EAGAIN)
		return;
	/* EOF: the child is done. */
	loop_del_fd(l, fd);
	close(fd);
	ds.pipe_fd = -1;
	int status = 0;
	waitpid(ds.child, &status, 0);
	ds.child = 0;
	struct namemap_entry *e = namemap_get(&ds.names, ds.busy_name);
	if (ds.res_got != sizeof(ds.res) || (!ds.res.stored && !ds.res.refused)) {
		log_warn("source=dump dump=%s event=retrieve_failed status=%d", ds.busy_name, status);
		ds.src->errors++;
		if (e) {
			e->state = DS_REFUSED;
			e->time_us = time_now_us();
		}
	} else {
		dump_event_fill(&ds.res, &ds.de);
		if (e) {
			e->state = ds.res.stored ? DS_DONE : DS_REFUSED;
			e->time_us = time_now_us();
		}
		log_info("source=dump dump=%s event=%s %s", ds.busy_name,
			 ds.res.stored ? "stored" : "refused",
			 ds.res.stored ? ds.res.path : ds.res.reason);
		record(d, &ds.de.ev, ds.busy_name, ds.res.stored);
	}
	scan(d); /* the next one, if any */
}

static int start_retrieval(struct daemon *d, const char *name)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		struct dump_result r;
		struct ras_err e;
		close(p[0]);
		memset(&r, 0, sizeof(r));
		ds.policy.progress = 0;
		if (dump_retrieve(d->root, name, &ds.policy, &r, &e) && !r.refused)
			_exit(1);
		_exit(write_full(p[1], &r, sizeof(r)) ? 1 : 0);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	ds.child = pid;
	ds.pipe_fd = p[0];
	ds.res_got = 0;
	snprintf(ds.busy_name, sizeof(ds.busy_name), "%s", name);
	return loop_add_fd(d->loop, p[0], EPOLLIN, on_child, d);
}

/* Look at what the kernel offers; start at most one retrieval at a time. */
static void scan(struct daemon *d)
{
	struct dump_entry *v = NULL;
	size_t n = 0;
	struct ras_err e;

	if (!daemon_can_ingest(d) || ds.child)
		return;
	if (dump_list(d->root, &v, &n, &e))
		return;
	for (size_t i = 0; i < n; i++) {
		struct namemap_entry *ne = namemap_get(&ds.names, v[i].name);
		if (ne && (ne->state == DS_DONE || ne->state == DS_NOTICED ||
			   ne->state == DS_BUSY ||
			   (ne->state == DS_REFUSED && time_now_us() - ne->time_us < DUMP_RETRY_US)))
			continue;
		ne = namemap_put(&ds.names, v[i].name);
		if (!ne)
			continue;
		if (!ds.auto_retrieve) {
			ne->state = DS_NOTICED;
			notice(d, &v[i]);
			continue;
		}
		ne->state = DS_BUSY;
		if (start_retrieval(d, v[i].name)) {
			namemap_del(&ds.names, ne);
			continue;
		}
		break;
	}
	free(v);
}

static void dump_rescan(struct daemon *d, struct source *s)
{
	(void)s;
	scan(d);
}

static void on_inotify(struct loop *l, int fd, uint32_t events, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	(void)l;
	(void)events;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	scan(arg);
}

void dump_handle_uevent(struct daemon *d, const struct uevent *u)
{
	if (ds.src && ds.src->running && !strncmp(u->devpath, DUMP_UEVENT_PREFIX,
						  strlen(DUMP_UEVENT_PREFIX)))
		scan(d);
}

static int dump_start(struct daemon *d, struct source *s)
{
	struct ras_err e;
	int rc;

	memset(&ds, 0, sizeof(ds));
	ds.src = s;
	ds.ino = ds.pipe_fd = -1;
	namemap_init(&ds.names);
	rc = dump_policy_from_config(d->cfg.doc ? ydoc_get(d->cfg.doc, "dump") : NULL, &ds.policy,
				     &ds.auto_retrieve, &e);
	if (rc) {
		log_err("source=dump event=bad_config error=\"%s\"", e.msg);
		return rc;
	}
	if (root_path(ds.dir, sizeof(ds.dir), d->root, DUMP_DIR))
		return -ENAMETOOLONG;
	if (access(ds.dir, F_OK) != 0) {
		log_info("source=dump event=not_available dir=%s", ds.dir);
		return -ENOENT;
	}
	ds.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ds.ino >= 0 && inotify_add_watch(ds.ino, ds.dir, IN_CREATE | IN_MOVED_TO) >= 0)
		loop_add_fd(d->loop, ds.ino, EPOLLIN, on_inotify, d);
	s->running = true;
	scan(d);
	return 0;
}

static void dump_stop(struct daemon *d, struct source *s)
{
	if (ds.child) {
		/* An unfinished copy is only a hidden temporary file; the dump stays unacked. */
		kill(ds.child, SIGTERM);
		waitpid(ds.child, NULL, 0);
		loop_del_fd(d->loop, ds.pipe_fd);
		close(ds.pipe_fd);
	}
	if (ds.ino >= 0) {
		loop_del_fd(d->loop, ds.ino);
		close(ds.ino);
	}
	namemap_free(&ds.names);
	s->running = false;
}

static void dump_resume(struct daemon *d, struct source *s)
{
	(void)s;
	scan(d);
}

static void dump_status(struct daemon *d, struct source *s, struct json_writer *w)
{
	(void)d;
	(void)s;
	json_kbool(w, "auto_retrieve", ds.auto_retrieve);
	json_kstr(w, "directory", ds.policy.dir);
	if (ds.child)
		json_kstr(w, "retrieving", ds.busy_name);
}

const struct source_ops src_dump_ops = {
	.name = "dump",
	.start = dump_start,
	.stop = dump_stop,
	.resume = dump_resume,
	.status = dump_status,
	.rescan = dump_rescan,
};
