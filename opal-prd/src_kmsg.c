/*
 * src_kmsg.c - the kernel log source: /dev/kmsg (a character device on a real host,
 * a SOCK_SEQPACKET socket served by opal-sim under --root), one record per read.
 *
 * Records go through the errlog kmsg grammar: MCE and HMI reports (multi-line) become
 * events of kind mce/hmi; a gap in sequence numbers (EPIPE after an overrun, or a jump)
 * becomes a "kernel log records lost: N" event. Progress is a cursor (boot id +
 * sequence) committed in the same transaction as the events, so a restart neither
 * loses nor re-ingests records. The cursor never passes the first record of a report
 * still being assembled: a crash mid-report re-reads it whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "eeh/eeh.h"
#include "errlog/kmsg.h"
#include "errlog/yaml_doc.h"
#include "opal-prd/sources.h"

#define KMSG_CURSOR   "kmsg"
#define KMSG_FLUSH_US (500ll * 1000) /* an incomplete report is closed after this */

struct kmsg_src {
	struct source *src;
	int fd, flush_timer;
	char path[4200];
	char boot_id[64];
	int64_t boot_epoch_us;
	bool have_cursor;
	uint64_t cursor_seq; /* last seq committed in the database */
	bool have_last;
	uint64_t last_seq; /* last seq read */
	struct kmsg_grouper g;
	struct kmsg_report rep;
	struct kmsg_event_buf eb;
	/* EEH lines: incidents across records, linked to PEs, devices and guests. */
	struct eeh_tracker eeh;
	struct eeh_topology topo;
	bool have_topo;
	struct eeh_poller poller; /* eeh_pe_state of VFIO-owned PEs: the kernel says nothing */
	bool have_poller;
	int poll_timer;
	struct eeh_event eev[4];
	struct eeh_ras eras;
	char text[KMSG_RECORD_MAX + 1];
	char buf[KMSG_RECORD_MAX + 1];
};

static struct kmsg_src km;

static void load_cursor(struct daemon *d)
{
	char v[128], *colon;
	struct ras_err e;

	km.have_cursor = false;
	if (store_cursor_get(d->store, KMSG_CURSOR, v, sizeof(v), &e))
		return;
	colon = strrchr(v, ':');
	if (!colon)
		return;
	*colon = 0;
	if (strcmp(v, km.boot_id))
		return; /* another boot: its records are not in this kernel's buffer */
	km.cursor_seq = strtoull(colon + 1, NULL, 10);
	km.have_cursor = true;
}

/* Commit progress up to seq (but not into a report still being assembled). */
static int save_cursor(struct daemon *d)
{
	char v[128];
	uint64_t safe = km.last_seq;
	uint64_t first;

	if (!km.have_last)
		return 0;
	if (km.g.pending && kmsg_grouper_pending(&km.g, &first)) {
		if (km.g.cur.first_seq == 0)
			return 0;
		safe = km.g.cur.first_seq - 1;
	}
	if (eeh_tracker_pending(&km.eeh, &first)) {
		if (first == 0)
			return 0;
		if (first - 1 < safe)
			safe = first - 1;
	}
	if (km.have_cursor && safe <= km.cursor_seq)
		return 0;
	snprintf(v, sizeof(v), "%s:%" PRIu64, km.boot_id, safe);
	int rc = daemon_cursor(d, KMSG_CURSOR, v);
	if (!rc) {
		km.cursor_seq = safe;
		km.have_cursor = true;
	}
	return rc;
}

static int emit_reports(struct daemon *d)
{
	while (kmsg_grouper_next(&km.g, &km.rep)) {
		struct ras_event ev;
		bool is_new;
		kmsg_report_to_event(&km.rep, km.boot_id, km.boot_epoch_us, &km.eb, &ev);
		/* A machine check taken in guest context: name the guest while its QEMU is
		 * there (the forwarder's "memory" class; the kernel already delivered the MCE
		 * to the guest itself). */
		char guest[128];
		if (km.rep.guest && km.rep.has_pid &&
		    eeh_guest_name_of_pid(d->root, km.rep.pid, guest, sizeof(guest)) == 0)
			ev.guest = guest;
		km.src->seen++;
		int rc = daemon_append(d, &ev, &is_new, NULL, NULL);
		if (rc)
			return rc;
		if (is_new)
			km.src->stored++;
		else
			km.src->dups++;
		km.src->last_us = time_now_us();
	}
	return 0;
}

static int emit_lost(struct daemon *d, uint64_t from, uint64_t to)
{
	char key[128], summary[128], n[32], range[64];
	struct ras_attr at[2] = { { "lost_records", n }, { "seq_range", range } };
	struct ras_event ev = {
		.source = "kmsg",
		.kind = RAS_KIND_KMSG_LOST,
		.dedupe_key = key,
		.severity = RAS_SEV_WARNING,
		.source_severity = -1,
		.subsystem = "kernel log",
		.summary = summary,
		.attrs = at,
		.n_attrs = 2,
	};
	bool is_new;

	snprintf(key, sizeof(key), "kmsg-lost:%s:%" PRIu64 "-%" PRIu64, km.boot_id, from, to);
	snprintf(n, sizeof(n), "%" PRIu64, to - from + 1);
	snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, from, to);
	snprintf(summary, sizeof(summary),
		 "kernel log records lost: %" PRIu64 " (seq %" PRIu64 "-%" PRIu64 ")",
		 to - from + 1, from, to);
	log_warn("source=kmsg event=records_lost count=%" PRIu64, to - from + 1);
	int rc = daemon_append(d, &ev, &is_new, NULL, NULL);
	if (!rc && is_new)
		km.src->stored++;
	return rc;
}

/* Store the EEH events one kernel line produced, linked to devices and guests. */
static int emit_eeh(struct daemon *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *loc = NULL, *guest = NULL;
		bool is_new;
		if (km.have_topo)
			eeh_event_enrich(&km.eev[i], &km.topo, &loc, &guest);
		eeh_event_fill(&km.eev[i], loc, guest, km.boot_id, &km.eras);
		km.src->seen++;
		int rc = daemon_append(d, &km.eras.ev, &is_new, NULL, NULL);
		if (rc)
			return rc;
		if (is_new)
			km.src->stored++;
		else
			km.src->dups++;
	}
	return 0;
}

/* One record from the device. 0, or negative errno when the store failed. */
static int handle_record(struct daemon *d, const char *buf, size_t len)
{
	struct kmsg_record r;
	struct ras_err e;
	int rc;

	if (kmsg_record_parse(buf, len, &r, &e)) {
		km.src->errors++;
		log_debug("source=kmsg event=bad_record error=\"%s\"", e.msg);
		return 0;
	}
	if (km.have_cursor && !km.have_last && r.seq <= km.cursor_seq)
		return 0; /* stored before the restart */
	if (km.have_last && r.seq <= km.last_seq)
		return 0; /* replayed after a reconnect */
	uint64_t expect = km.have_last	   ? km.last_seq + 1
			  : km.have_cursor ? km.cursor_seq + 1
					   : r.seq;
	if (r.seq > expect) {
		rc = emit_lost(d, expect, r.seq - 1);
		if (rc)
			return rc;
	}
	km.last_seq = r.seq;
	km.have_last = true;
	if (!kmsg_grouper_feed(&km.g, &r)) {
		size_t tl = kmsg_unescape(r.text, r.text_len, km.text, sizeof(km.text));
		int64_t t = km.boot_epoch_us ? km.boot_epoch_us + (int64_t)r.usec : time_now_us();
		size_t n = eeh_tracker_feed(&km.eeh, km.text, tl, r.seq, t, km.eev, 4);
		rc = emit_eeh(d, n);
		if (rc)
			return rc;
	}
	rc = emit_reports(d);
	if (rc)
		return rc;
	if (km.g.pending)
		loop_timer_set(d->loop, km.flush_timer, KMSG_FLUSH_US, 0);
	return 0;
}

static void close_dev(struct daemon *d)
{
	if (km.fd >= 0) {
		loop_del_fd(d->loop, km.fd);
		close(km.fd);
		km.fd = -1;
	}
}

static void on_readable(struct loop *l, int fd, uint32_t events, void *arg);

static int open_dev(struct daemon *d)
{
	struct stat sb;

	if (stat(km.path, &sb) < 0)
		return -errno;
	if (S_ISSOCK(sb.st_mode)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (strlen(km.path) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		strcpy(sa.sun_path, km.path);
		km.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (km.fd < 0)
			return -errno;
		if (connect(km.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			int rc = -errno;
			close(km.fd);
			km.fd = -1;
			return rc;
		}
		fcntl(km.fd, F_SETFL, O_NONBLOCK);
	} else {
		km.fd = open(km.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (km.fd < 0)
			return -errno;
	}
	return loop_add_fd(d->loop, km.fd, EPOLLIN, on_readable, d);
}

static void on_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	int64_t n_read = 0;

	(void)l;
	while (daemon_can_ingest(d) && n_read < d->cfg.batch_max) {
		ssize_t n = read(fd, km.buf, KMSG_RECORD_MAX);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				continue; /* overrun: the next record's seq shows the gap */
			break; /* EAGAIN: drained */
		}
		if (n == 0) {
			if (events & (EPOLLHUP | EPOLLERR)) {
				log_warn("source=kmsg event=closed path=%s", km.path);
				close_dev(d);
			}
			break;
		}
		n_read++;
		if (handle_record(d, km.buf, (size_t)n))
			return; /* store failed: resume() re-reads from the cursor */
	}
	save_cursor(d);
}

static void on_flush(struct loop *l, void *arg)
{
	struct daemon *d = arg;
	(void)l;
	if (!daemon_can_ingest(d))
		return;
	kmsg_grouper_flush(&km.g);
	if (!emit_reports(d))
		save_cursor(d);
}

static void read_boot(struct daemon *d)
{
	char p[4200];
	struct timespec mono;

	km.boot_id[0] = 0;
	if (!root_path(p, sizeof(p), d->root, "proc/sys/kernel/random/boot_id"))
		file_read_str(p, km.boot_id, sizeof(km.boot_id), NULL);
	if (!km.boot_id[0])
		strcpy(km.boot_id, "unknown-boot");
	/* Record times are microseconds since boot: only meaningful against this host's
	 * clock; under a simulated root the store's "logged" time is used instead. */
	km.boot_epoch_us = 0;
	if (!strcmp(d->root, "/")) {
		clock_gettime(CLOCK_MONOTONIC, &mono);
		km.boot_epoch_us =
			time_now_us() - ((int64_t)mono.tv_sec * 1000000 + mono.tv_nsec / 1000);
	}
}

static void on_eeh_poll(struct loop *l, void *arg)
{
	struct daemon *d = arg;
	(void)l;
	if (!daemon_can_ingest(d) || !km.have_poller)
		return;
	size_t n = eeh_poller_poll(&km.poller, &km.eeh, time_now_us(), km.eev, 4);
	if (n)
		emit_eeh(d, n);
}

/* EEH recovery uevents (ERROR_EVENT=...) from the kernel. */
void kmsg_handle_uevent(struct daemon *d, const struct uevent *u)
{
	char buf[4096];
	size_t n = 0;
	struct eeh_uevent eu;

	if (!km.src || !km.src->running)
		return;
	for (size_t i = 0; i < u->n_keys; i++) {
		size_t l = strlen(u->keys[i]);
		if (n + l + 1 >= sizeof(buf))
			break;
		memcpy(buf + n, u->keys[i], l);
		n += l;
		buf[n++] = '\n';
	}
	if (eeh_uevent_parse(buf, n, &eu) != 1)
		return;
	size_t k = eeh_tracker_feed_uevent(&km.eeh, &eu, time_now_us(), km.eev, 4);
	if (k)
		emit_eeh(d, k);
}

/* PCI topology for linking EEH events to devices, locations and guests; polling of
 * the VFIO-owned PEs (config eeh.poll_interval, default 5 s; 0 disables). */
static void eeh_start(struct daemon *d)
{
	struct eeh_discover_opts o = { .root = d->root, .map_guests = true };
	struct ras_err e;
	int max = 5;
	int64_t interval_us = 5ll * 1000000;

	eeh_max_freezes_read(d->root, &max, NULL);
	eeh_tracker_init(&km.eeh, max);
	km.poll_timer = -1;
	if (d->cfg.doc &&
	    ydoc_duration(ydoc_path(d->cfg.doc, "eeh.poll_interval"), &interval_us, &e))
		log_warn("source=kmsg event=bad_config error=\"%s\"", e.msg);
	if (eeh_discover(&o, &km.topo, &e) == 0) {
		km.have_topo = true;
		km.eeh.topo = &km.topo;
		if (interval_us > 0 &&
		    eeh_poller_init(&km.poller, d->root, &km.topo, (int)(interval_us / 1000), &e) ==
			    0 &&
		    km.poller.n_pes > 0) {
			km.have_poller = true;
			km.poll_timer =
				loop_timer_add(d->loop, interval_us, interval_us, on_eeh_poll, d);
			log_info("source=kmsg event=eeh_polling pes=%zu interval_ms=%lld",
				 km.poller.n_pes, (long long)(interval_us / 1000));
		} else if (interval_us > 0) {
			eeh_poller_free(&km.poller);
		}
	} else {
		log_debug("source=kmsg event=no_pci_topology error=\"%s\"", e.msg);
	}
}

static int kmsg_start(struct daemon *d, struct source *s)
{
	int rc;

	memset(&km, 0, sizeof(km));
	km.src = s;
	km.fd = -1;
	kmsg_grouper_init(&km.g);
	if (root_path(km.path, sizeof(km.path), d->root, "dev/kmsg"))
		return -ENAMETOOLONG;
	read_boot(d);
	load_cursor(d);
	eeh_start(d);
	km.flush_timer = loop_timer_add(d->loop, -1, 0, on_flush, d);
	rc = open_dev(d);
	if (rc) {
		log_info("source=kmsg event=not_available path=%s error=\"%s\"", km.path,
			 strerror(-rc));
		if (km.have_poller)
			eeh_poller_free(&km.poller);
		km.have_poller = false;
		loop_timer_del(d->loop, km.poll_timer);
		loop_timer_del(d->loop, km.flush_timer);
		if (km.have_topo)
			eeh_topology_free(&km.topo);
		km.have_topo = false;
		return rc;
	}
	s->running = true;
	return 0;
}

static void kmsg_stop(struct daemon *d, struct source *s)
{
	/* A report still being assembled is stored now rather than lost. */
	kmsg_grouper_flush(&km.g);
	if (daemon_can_ingest(d) && !emit_reports(d))
		save_cursor(d);
	close_dev(d);
	if (km.have_poller)
		eeh_poller_free(&km.poller);
	km.have_poller = false;
	loop_timer_del(d->loop, km.poll_timer);
	loop_timer_del(d->loop, km.flush_timer);
	if (km.have_topo)
		eeh_topology_free(&km.topo);
	km.have_topo = false;
	s->running = false;
}

/* After a store failure: the batch with our events and cursor was rolled back, so
 * re-read from the committed cursor. */
static void kmsg_resume(struct daemon *d, struct source *s)
{
	(void)s;
	close_dev(d);
	kmsg_grouper_init(&km.g);
	eeh_tracker_init(&km.eeh, km.eeh.max_freezes);
	if (km.have_topo)
		km.eeh.topo = &km.topo;
	km.have_last = false;
	load_cursor(d);
	if (open_dev(d))
		log_warn("source=kmsg event=reopen_failed path=%s", km.path);
}

static void kmsg_status(struct daemon *d, struct source *s, struct json_writer *w)
{
	(void)d;
	(void)s;
	json_kstr(w, "boot_id", km.boot_id);
	if (km.have_cursor)
		json_kuint(w, "cursor_seq", km.cursor_seq);
	if (km.have_last)
		json_kuint(w, "last_seq", km.last_seq);
}

const struct source_ops src_kmsg_ops = {
	.name = "kmsg",
	.start = kmsg_start,
	.stop = kmsg_stop,
	.resume = kmsg_resume,
	.status = kmsg_status,
};
