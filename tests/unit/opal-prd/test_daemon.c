/*
 * test_daemon.c - the daemon's pieces without the event loop running: kernel uevent
 * messages carried by a socket pair reach the elog source, which stores the log and
 * acknowledges it only after the commit; a failing store acknowledges nothing; the
 * name map used to remember logs.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "common/uevent.h"
#include "errlog/pel_encode.h"
#include "errlog/store_internal.h" /* store_sync_test_hook */
#include "errlog/store_query.h"
#include "opal-prd/daemon.h"
#include "opal-prd/namemap.h"
#include "opal-prd/sources.h"
#include "tests/unit/opal-prd/daemon_test.h"


/* Write one generated PEL as ROOT/sys/firmware/opal/elog/<name>/{raw,acknowledge}. */
static void make_elog(const char *name, uint32_t entry)
{
	struct pel_gen g;
	uint64_t st = entry;
	uint8_t buf[16384];
	size_t len;
	char p[512];
	struct ras_err e;

	pel_gen_random(&g, &st, entry, 1764000000ll * 1000000);
	cr_assert_eq(pel_encode(&g.d, buf, sizeof(buf), &len, &e), 0, "%s", e.msg);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/%s", name);
	cr_assert_eq(mkdir_p(p, 0755), 0);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/%s/raw", name);
	cr_assert_eq(file_write_atomic(p, buf, len, 0644, NULL), 0);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/%s/acknowledge", name);
	cr_assert_eq(file_write_atomic(p, "", 0, 0644, NULL), 0);
}

static void ack_text(const char *name, char *out, size_t n)
{
	char p[512];
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/%s/acknowledge", name);
	cr_assert_eq(file_read_str(p, out, n, NULL), 0);
}

static int count_events(void)
{
	struct event_filter f;
	struct store_query *q;
	struct stored_event r;
	int n = 0;
	event_filter_init(&f);
	cr_assert_eq(store_query_begin(d.store, &f, &q, NULL), 0);
	while (store_query_next(q, &r, NULL) == 1)
		n++;
	store_query_end(q);
	return n;
}

static void setup(void)
{
	char p[512];

	daemon_test_setup("/tmp/opal-ras-prd.XXXXXX", NULL);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog");
	cr_assert_eq(mkdir_p(p, 0755), 0);
	struct source *s = daemon_add_source(&d, &src_elog_ops);
	cr_assert_eq(s->ops->start(&d, s), 0);
}

static void teardown(void)
{
	d.sources[0].ops->stop(&d, &d.sources[0]);
	daemon_test_teardown();
}

TestSuite(daemon, .init = setup, .fini = teardown);

static void send_msg(int fd, const char *const *parts, size_t n)
{
	char buf[1024];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]) + 1;
		memcpy(buf + len, parts[i], l);
		len += l;
	}
	cr_assert_eq(send(fd, buf, len, 0), (ssize_t)len);
}

Test(daemon, uevent_over_socketpair_stores_then_acks)
{
	int sv[2];
	char ack[32];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);

	make_elog("0x50000010", 0x50000010);
	const char *add[] = { "add@/firmware/opal/elog/0x50000010", "ACTION=add",
			      "DEVPATH=/firmware/opal/elog/0x50000010", "SUBSYSTEM=", "SEQNUM=7" };
	/* Noise the source must ignore: udevd's re-broadcast, another devpath, a remove. */
	const char *udev[] = { "libudev", "ACTION=add" };
	const char *other[] = { "add@/devices/pci0000:00", "ACTION=add",
				"DEVPATH=/devices/pci0000:00" };
	const char *rm[] = { "remove@/firmware/opal/elog/0x50000011", "ACTION=remove",
			     "DEVPATH=/firmware/opal/elog/0x50000011" };
	send_msg(sv[0], udev, 2);
	send_msg(sv[0], other, 3);
	send_msg(sv[0], rm, 3);
	send_msg(sv[0], add, 5);
	daemon_uevent_drain(&d, sv[1]);

	/* Queued, nothing stored or acked before the work round and its commit. */
	ack_text("0x50000010", ack, sizeof(ack));
	cr_assert_str_eq(ack, "");
	cr_assert_eq(count_events(), 0);
	daemon_flush(&d);
	cr_assert_eq(count_events(), 1);
	ack_text("0x50000010", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack", "acknowledged after the commit");
	cr_assert_eq(d.sources[0].stored, 1);
	cr_assert_eq(d.sources[0].acked, 1);
	close(sv[0]);
	close(sv[1]);
}

Test(daemon, failed_store_acks_nothing_and_recovers)
{
	char ack[32];
	struct ras_err e;

	make_elog("0x50000020", 0x50000020);
	make_elog("0x50000021", 0x50000021);
	d.sources[0].ops->resume(&d, &d.sources[0]); /* rescan: queue both */
	/* Make the store read-only from underneath: every write fails. */
	struct store *ro;
	cr_assert_eq(store_open(d.db_path, STORE_RDONLY, &ro, &e), 0, "%s", e.msg);
	struct store *rw = d.store;
	d.store = ro;
	daemon_flush(&d);
	cr_assert(d.paused, "a store failure pauses ingest");
	ack_text("0x50000020", ack, sizeof(ack));
	cr_assert_str_eq(ack, "", "nothing acknowledged");
	ack_text("0x50000021", ack, sizeof(ack));
	cr_assert_str_eq(ack, "");
	/* Space returns: the retry re-offers and stores both. */
	d.store = rw;
	store_close(ro);
	d.paused = false;
	d.sources[0].ops->resume(&d, &d.sources[0]);
	daemon_flush(&d);
	cr_assert_not(d.paused);
	cr_assert_eq(count_events(), 2);
	ack_text("0x50000020", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack");
	ack_text("0x50000021", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack");
}

Test(daemon, reoffered_log_is_acked_again_not_stored_twice)
{
	char ack[32], p[512];
	make_elog("0x50000030", 0x50000030);
	d.sources[0].ops->resume(&d, &d.sources[0]);
	daemon_flush(&d);
	cr_assert_eq(count_events(), 1);
	/* Firmware offers the same log again under another name after a reboot. */
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/0x50000030/raw");
	uint8_t *buf;
	size_t len;
	cr_assert_eq(file_read_all(p, 65536, &buf, &len, NULL, NULL), 0);
	make_elog("0x50000031", 0x50000031);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/0x50000031/raw");
	cr_assert_eq(file_write_atomic(p, buf, len, 0644, NULL), 0);
	free(buf);
	d.sources[0].ops->resume(&d, &d.sources[0]);
	daemon_flush(&d);
	cr_assert_eq(count_events(), 1, "the same PEL is stored once");
	cr_assert_eq(d.sources[0].dups, 1);
	ack_text("0x50000031", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack", "and acknowledged again");
}

/* A log larger than the reader's first 2 KiB read and than a page is read whole: bytes
 * that are not a PEL are stored as they are (undecodable), so the stored blob must be
 * the whole file, byte for byte. */
Test(daemon, large_log_read_whole)
{
	enum { LEN = 9001 };
	static uint8_t buf[LEN];
	char p[512], ack[32];
	struct event_filter f;
	struct store_query *q;
	struct stored_event r;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < LEN; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	buf[0] = 'X'; /* not "PH" nor an eSEL header */
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/0x50000060");
	cr_assert_eq(mkdir_p(p, 0755), 0);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/0x50000060/raw");
	cr_assert_eq(file_write_atomic(p, buf, LEN, 0644, NULL), 0);
	root_path(p, sizeof(p), root, "sys/firmware/opal/elog/0x50000060/acknowledge");
	cr_assert_eq(file_write_atomic(p, "", 0, 0644, NULL), 0);
	d.sources[0].ops->resume(&d, &d.sources[0]);
	daemon_flush(&d);
	event_filter_init(&f);
	cr_assert_eq(store_query_begin(d.store, &f, &q, NULL), 0);
	cr_assert_eq(store_query_next(q, &r, NULL), 1);
	cr_assert_eq(r.raw_len, LEN, "stored %zu of %d bytes", r.raw_len, LEN);
	cr_assert_eq(memcmp(r.raw, buf, LEN), 0, "stored bytes differ");
	store_query_end(q);
	ack_text("0x50000060", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack");
}

/* Pipelined durability (store_async_start): the commit returns before the WAL is
 * flushed; the acknowledgement waits for the flush. */
static sem_t flush_gate;
static int gated_flush(void)
{
	sem_wait(&flush_gate);
	return 0;
}

static int failed_flush(void)
{
	return -EIO;
}

Test(daemon, ack_waits_for_the_flush)
{
	char ack[32];
	struct ras_err e;

	cr_assert_eq(store_async_start(d.store, &e), 0, "%s", e.msg);
	cr_assert_eq(sem_init(&flush_gate, 0, 0), 0);
	store_sync_test_hook(d.store, gated_flush);
	make_elog("0x50000040", 0x50000040);
	d.sources[0].ops->resume(&d, &d.sources[0]);
	/* one work round by hand: the source waits for its reader, then the commit */
	d.flushing = true;
	d.sources[0].ops->poll(&d, &d.sources[0]);
	d.flushing = false;
	cr_assert_eq(daemon_commit(&d), 0);
	cr_assert_eq(count_events(), 1, "committed");
	cr_assert_eq(d.n_waiting - d.w_head, 1, "its ack waits for the flush");
	cr_assert(d.durable_watched, "the loop watches the store's durable fd meanwhile");
	daemon_run_durable(&d);
	d.sources[0].ops->drain(&d, &d.sources[0]);
	ack_text("0x50000040", ack, sizeof(ack));
	cr_assert_str_eq(ack, "", "not acknowledged before the WAL is flushed");
	sem_post(&flush_gate);
	daemon_wait_durable(&d);
	d.sources[0].ops->drain(&d, &d.sources[0]);
	ack_text("0x50000040", ack, sizeof(ack));
	cr_assert_str_eq(ack, "ack", "acknowledged once durable");
	cr_assert_eq(d.n_waiting, 0);
	cr_assert_not(d.paused);
	cr_assert_not(d.durable_watched, "and no longer once nothing waits (idle wake-ups)");
	store_sync_test_hook(d.store, NULL);
}

Test(daemon, failed_flush_acks_nothing)
{
	char ack[32];
	struct ras_err e;

	cr_assert_eq(store_async_start(d.store, &e), 0, "%s", e.msg);
	store_sync_test_hook(d.store, failed_flush);
	make_elog("0x50000050", 0x50000050);
	d.sources[0].ops->resume(&d, &d.sources[0]);
	daemon_flush(&d);
	cr_assert(d.paused, "a failed flush pauses ingest like a failed commit");
	cr_assert_eq(d.n_waiting, 0, "the waiting ack was told it failed");
	ack_text("0x50000050", ack, sizeof(ack));
	cr_assert_str_eq(ack, "", "nothing acknowledged");
	cr_assert_eq(d.sources[0].acked, 0);
}

Test(uevent, parse_rejects_malformed)
{
	char a[] = "add@/x\0ACTION=add\0DEVPATH=/x\0FOO=bar";
	struct uevent u;
	cr_assert_eq(uevent_parse(a, sizeof(a) - 1, &u), 0);
	cr_assert_str_eq(u.action, "add");
	cr_assert_str_eq(uevent_get(&u, "FOO"), "bar", "last key without a trailing NUL");
	cr_assert_null(uevent_get(&u, "FO"));
	char b[] = "noatsign\0ACTION=add\0DEVPATH=/x";
	cr_assert_eq(uevent_parse(b, sizeof(b) - 1, &u), -EINVAL);
	char c[] = "add@/x\0DEVPATH=/x";
	cr_assert_eq(uevent_parse(c, sizeof(c) - 1, &u), -EINVAL, "no ACTION");
	char e[] = "add@/x";
	cr_assert_eq(uevent_parse(e, sizeof(e) - 1, &u), -EINVAL, "header only, no NUL");
}

Test(namemap, put_get_delete_grow)
{
	struct namemap m;
	char name[32];
	namemap_init(&m);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "0x%08x", i);
		struct namemap_entry *e = namemap_put(&m, name);
		cr_assert_not_null(e);
		e->state = i;
	}
	for (int i = 0; i < 5000; i += 2) {
		snprintf(name, sizeof(name), "0x%08x", i);
		namemap_del(&m, namemap_get(&m, name));
	}
	cr_assert_eq(m.live, 2500);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "0x%08x", i);
		struct namemap_entry *e = namemap_get(&m, name);
		if (i % 2)
			cr_assert(e && e->state == i);
		else
			cr_assert_null(e);
	}
	size_t it = 0, n = 0;
	while (namemap_next(&m, &it))
		n++;
	cr_assert_eq(n, 2500);
	/* put of a present name (past the tombstones on its probe path) finds it, never a
	 * second copy; put of a deleted one adds it afresh */
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "0x%08x", i);
		struct namemap_entry *e = namemap_put(&m, name);
		cr_assert_not_null(e);
		cr_assert_eq(e->state, i % 2 ? i : 0, "%s", name);
	}
	cr_assert_eq(m.live, 5000);
	cr_assert_eq(sizeof(struct namemap_entry), 64);
	cr_assert_eq((uintptr_t)m.slots % 64, 0);
	/* after a storm: delete all but 10, shrink, the 10 are still there */
	size_t big = m.cap;
	namemap_shrink(&m);
	cr_assert_eq(m.cap, big, "nothing to give back while full");
	for (int i = 10; i < 5000; i++) {
		snprintf(name, sizeof(name), "0x%08x", i);
		namemap_del(&m, namemap_get(&m, name));
	}
	namemap_shrink(&m);
	cr_assert_eq(m.cap, 1024);
	cr_assert_eq(m.live, 10);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "0x%08x", i);
		struct namemap_entry *e = namemap_get(&m, name);
		if (i < 10)
			cr_assert(e && e->state == (i % 2 ? i : 0), "%s", name);
		else
			cr_assert_null(e, "%s", name);
	}
	char longname[80];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[79] = 0;
	cr_assert_null(namemap_put(&m, longname));
	namemap_free(&m);
}
