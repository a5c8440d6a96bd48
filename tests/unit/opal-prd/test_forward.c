/*
 * test_forward.c - the forwarder's QMP conversation against a scripted fake QEMU (a thread
 * serving a Unix socket), with the real store, outbox and event loop: replies matched by
 * id while stale replies and events interleave (DEVICE_DELETED of the backend child, then
 * of the device, before device_del's own return), the vfio-pci path (qom-get "host" on
 * each device of query-pci, errors skipped, bridges walked), a QMP error, a monitor that
 * closes after the greeting, and DEVICE_DELETED that never comes (timeout). Each case
 * checks the guest_forwards row and the outbox state.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/timeutil.h"
#include "errlog/qmp_msg.h"
#include "errlog/store_outbox.h"
#include "errlog/store_query.h"
#include "opal-prd/daemon.h"
#include "opal-prd/outbox.h"

static char dir[64], sock[128];
static struct daemon d;
static int listen_fd = -1;
static pthread_t peer;

enum scenario { SC_DEL_INTERLEAVED, SC_VFIO_HOST, SC_POWERDOWN_ERROR, SC_CLOSE, SC_NO_DELETED };
static enum scenario sc;

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int fd, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (write(fd, buf, (size_t)n) != n)
		return;
}

/* The fake QEMU: one client, one scripted conversation. */
static void *peer_main(void *arg)
{
	(void)arg;
	int fd = accept(listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	say(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
		"\"capabilities\": [\"oob\"]}}\r\n");
	if (sc == SC_CLOSE) {
		close(fd);
		return NULL;
	}
	struct qmp_reader r;
	struct ras_err e;
	char buf[4096];
	qmp_reader_init(&r, 0);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		qmp_reader_feed(&r, buf, (size_t)n, &e);
		char *nl;
		while ((nl = memchr(r.buf, '\n', r.len))) {
			json_t *c = json_loadb(r.buf, (size_t)(nl - r.buf), 0, NULL);
			memmove(r.buf, nl + 1, r.len - (size_t)(nl - r.buf) - 1);
			r.len -= (size_t)(nl - r.buf) + 1;
			const char *cmd = json_string_value(json_object_get(c, "execute"));
			const char *id = json_string_value(json_object_get(c, "id"));
			json_t *args = json_object_get(c, "arguments");
			if (!cmd || !id) {
				json_decref(c);
				continue;
			}
			if (!strcmp(cmd, "qmp_capabilities")) {
				say(fd, "{\"return\": {}, \"id\": \"%s\"}\r\n", id);
			} else if (!strcmp(cmd, "query-name")) {
				say(fd, "{\"return\": {\"name\": \"vm1\"}, \"id\": \"%s\"}\r\n",
				    id);
			} else if (!strcmp(cmd, "system_powerdown")) {
				say(fd,
				    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"not "
				    "now\"}, "
				    "\"id\": \"%s\"}\r\n",
				    id);
			} else if (!strcmp(cmd, "query-pci")) {
				/* A stale reply first: must be ignored. */
				say(fd, "{\"return\": [], \"id\": \"stale-1\"}\r\n");
				say(fd,
				    "{\"return\": [{\"bus\": 0, \"devices\": [{\"qdev_id\": "
				    "\"net0\"}, "
				    "{\"qdev_id\": \"\", \"pci_bridge\": {\"devices\": "
				    "[{\"qdev_id\": "
				    "\"hostdev0\"}]}}]}], \"id\": \"%s\"}\r\n",
				    id);
			} else if (!strcmp(cmd, "qom-get")) {
				const char *path = json_string_value(json_object_get(args, "path"));
				if (path && strstr(path, "hostdev0"))
					say(fd,
					    "{\"return\": \"0030:01:00.0\", \"id\": \"%s\"}\r\n",
					    id);
				else
					say(fd,
					    "{\"error\": {\"class\": \"GenericError\", \"desc\": "
					    "\"Property 'virtio-net-pci.host' not found\"}, "
					    "\"id\": \"%s\"}\r\n",
					    id);
			} else if (!strcmp(cmd, "device_del")) {
				const char *dev = json_string_value(json_object_get(args, "id"));
				if (sc != SC_NO_DELETED) {
					say(fd,
					    "{\"event\": \"DEVICE_DELETED\", \"data\": {\"path\": "
					    "\"/machine/peripheral/%s/virtio-backend\"}, "
					    "\"timestamp\": {}}\r\n",
					    dev);
					say(fd,
					    "{\"event\": \"DEVICE_DELETED\", \"data\": "
					    "{\"device\": "
					    "\"%s\", \"path\": \"/machine/peripheral/%s\"}, "
					    "\"timestamp\": {}}\r\n",
					    dev, dev);
				}
				say(fd, "{\"return\": {}, \"id\": \"%s\"}\r\n", id);
			}
			json_decref(c);
		}
	}
	qmp_reader_free(&r);
	close(fd);
	return NULL;
}

static void start(enum scenario s, const char *extra)
{
	char cfg[512], p[256];
	struct ras_err e;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	sc = s;
	strcpy(dir, "/tmp/opal-ras-fwd.XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/q.sock", dir);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	cr_assert_eq(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(listen_fd, 1), 0);
	cr_assert_eq(pthread_create(&peer, NULL, peer_main, NULL), 0);
	snprintf(cfg, sizeof(cfg),
		 "forward:\n  qmp: [%s]\n  timeout: 2s\n  device_del_timeout: 300ms\n"
		 "  retries: 0\n%s",
		 sock, extra);
	snprintf(p, sizeof(p), "%s/c.yaml", dir);
	cr_assert_eq(file_write_atomic(p, cfg, strlen(cfg), 0644, NULL), 0);
	memset(&d, 0, sizeof(d));
	cr_assert_eq(config_load(p, &d.cfg, &e), 0, "%s", e.msg);
	d.root = dir;
	snprintf(p, sizeof(p), "%s/ras.db", dir);
	d.db_path = strdup(p);
	cr_assert_eq(store_open(d.db_path, STORE_CREATE, &d.store, &e), 0, "%s", e.msg);
	d.loop = loop_new();
	d.retry_timer = -1;
	d.work_fd = -1;
	d.control_fd = -1;
	cr_assert_eq(outbox_start(&d), 0);
	cr_assert(d.fwd.enabled);
}

static void stop(void)
{
	outbox_stop(&d);
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(peer, NULL);
	store_close(d.store);
	loop_free(d.loop);
	config_free(&d.cfg);
	free((char *)d.db_path);
	unlink(sock);
	char p[256];
	snprintf(p, sizeof(p), "%s/c.yaml", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/ras.db", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/ras.db-wal", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/ras.db-shm", dir);
	unlink(p);
	rmdir(dir);
}

static int64_t append(struct ras_event *ev)
{
	bool is_new = false;
	cr_assert_eq(daemon_append(&d, ev, &is_new, NULL, NULL), 0);
	cr_assert_eq(daemon_commit(&d), 0);
	cr_assert(is_new);
	return ev->id;
}

struct row {
	char text[512];
	int n;
};

static int row_cb(const struct stored_forward *f, void *arg)
{
	struct row *r = arg;
	r->n++;
	snprintf(r->text, sizeof(r->text), "%s|%s|%s|%s|%s|%s", f->action,
		 f->guest ? f->guest : "-", f->device ? f->device : "-", f->result,
		 f->error ? f->error : "-", f->socket ? "socket" : "-");
	return 0;
}

static void check_done(struct loop *l, void *arg)
{
	struct row r = { .n = 0 };
	store_each_forward(d.store, *(int64_t *)arg, row_cb, &r, NULL);
	if (r.n)
		loop_stop(l);
}

static void give_up(struct loop *l, void *arg)
{
	(void)arg;
	loop_stop(l);
}

/* Run the loop until the event has a forward row (at most 5 s); return the row. */
static struct row run(int64_t id)
{
	struct row r = { .n = 0 };
	static int64_t ev_id;
	ev_id = id;
	outbox_kick(&d);
	outbox_work(&d);
	int t = loop_timer_add(d.loop, 10000, 10000, check_done, &ev_id);
	int stop_t = loop_timer_add(d.loop, 5000000, 0, give_up, NULL);
	loop_run(d.loop);
	loop_timer_del(d.loop, t);
	loop_timer_del(d.loop, stop_t);
	store_each_forward(d.store, id, row_cb, &r, NULL);
	return r;
}

static const char *outbox_state(int64_t id)
{
	static char st[32];
	st[0] = 0;
	sqlite3_stmt *q;
	sqlite3_prepare_v2((sqlite3 *)store_sqlite(d.store),
			   "SELECT state FROM outbox WHERE event_id = ?1", -1, &q, NULL);
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW)
		snprintf(st, sizeof(st), "%s", sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return st;
}

static struct ras_attr failed_attrs[] = { { "bdf", "0030:01:00.0" } };
static struct ras_event eeh_failed = {
	.source = "eeh-poll",
	.kind = "eeh",
	.dedupe_key = "t:eeh:1",
	.time_us = 1,
	.severity = RAS_SEV_CRITICAL,
	.refcode = "eeh-failed",
	.subsystem = "PCI EEH",
	.guest = "vm1",
	.attrs = failed_attrs,
	.n_attrs = 1,
};

Test(forward_peer, device_del_with_events_interleaved)
{
	start(SC_DEL_INTERLEAVED, "  devices: {\"0030:01:00.0\": net0}\n");
	int64_t id = append(&eeh_failed);
	struct row r = run(id);
	cr_expect_eq(r.n, 1);
	cr_expect_str_eq(r.text, "device_del|vm1|net0|ok|-|socket");
	cr_expect_str_eq(outbox_state(id), "done");
	stop();
}

Test(forward_peer, vfio_host_property_through_a_bridge)
{
	start(SC_VFIO_HOST, "");
	int64_t id = append(&eeh_failed);
	struct row r = run(id);
	cr_expect_str_eq(r.text, "device_del|vm1|hostdev0|ok|-|socket");
	stop();
}

Test(forward_peer, qmp_error_is_a_failed_attempt)
{
	start(SC_POWERDOWN_ERROR, "");
	struct ras_event ev = { .source = "elog",
				.kind = "pel",
				.dedupe_key = "t:pel:1",
				.time_us = 1,
				.severity = RAS_SEV_CRITICAL,
				.subsystem = "Power Supply",
				.refcode = "11002610" };
	int64_t id = append(&ev);
	struct row r = run(id);
	cr_expect_str_eq(r.text,
			 "powerdown|vm1|-|failed|system_powerdown: GenericError: not now|socket");
	cr_expect_str_eq(outbox_state(id), "failed");
	stop();
}

Test(forward_peer, monitor_closing_after_the_greeting)
{
	start(SC_CLOSE, "");
	struct ras_event ev = { .source = "elog",
				.kind = "pel",
				.dedupe_key = "t:pel:2",
				.time_us = 1,
				.severity = RAS_SEV_CRITICAL,
				.subsystem = "Fan (Air Moving Devices)" };
	int64_t id = append(&ev);
	struct row r = run(id);
	cr_expect_eq(r.n, 1);
	cr_expect(strstr(r.text, "powerdown|-|-|failed|") == r.text ||
			  strstr(r.text, "powerdown|-|-|unreachable|") == r.text,
		  "%s", r.text);
	cr_expect(strstr(r.text, "closed") || strstr(r.text, "reset") ||
			  strstr(r.text, "Broken pipe"),
		  "%s", r.text);
	stop();
}

Test(forward_peer, device_deleted_never_comes)
{
	start(SC_NO_DELETED, "  devices: {\"0030:01:00.0\": net0}\n");
	int64_t id = append(&eeh_failed);
	uint64_t t0 = time_mono_ns();
	struct row r = run(id);
	cr_expect_str_eq(
		r.text,
		"device_del|vm1|net0|timeout|no answer to DEVICE_DELETED within 300 ms|socket");
	cr_expect_geq(time_mono_ns() - t0, 300ull * 1000000);
	stop();
}
