/*
 * test_store_sync.c - pipelined durability (errlog/store_sync.c): commits in async mode
 * get increasing numbers and become durable in order; store_commit() still returns
 * durable; the durable descriptor wakes a poller; closing flushes; the WAL stays
 * bounded while a writer never pauses (checkpoints by the second thread and the cap);
 * a failed flush is sticky: nothing committed after it is reported durable and every
 * later batch is refused.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errlog/event.h"
#include "errlog/store.h"
#include "errlog/store_internal.h"
#include "errlog/store_query.h"

#include "store_test.h"

TestSuite(sync, .init = store_test_setup_default, .fini = store_test_teardown);

#define T0 (1764000000ll * 1000000)

static struct store *open_async(void)
{
	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_async_start(s, &e), 0, "%s", e.msg);
	cr_assert_geq(store_durable_fd(s), 0);
	return s;
}

/* One batch of n events with keys prefix-0.. and a raw blob of raw_len bytes. */
static int batch(struct store *s, const char *prefix, int n, size_t raw_len, uint64_t *seq,
		 struct ras_err *e)
{
	static uint8_t raw[8192];
	char key[64];
	int rc = store_begin(s, e);
	for (int i = 0; i < n && !rc; i++) {
		snprintf(key, sizeof(key), "%s-%d", prefix, i);
		raw[0] = (uint8_t)i;
		struct ras_event ev = { .source = "t", .kind = "pel", .dedupe_key = key,
					.time_us = T0 + i, .severity = RAS_SEV_INFO,
					.source_severity = -1, .raw = raw, .raw_len = raw_len };
		rc = store_append(s, &ev, NULL, e);
	}
	if (rc) {
		store_rollback(s);
		return rc;
	}
	return store_commit_async(s, seq, e);
}

static long count_events(void)
{
	struct store *s;
	struct ras_err e;
	sqlite3_stmt *st;
	cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), "SELECT count(*) FROM events", -1, &st,
					NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	store_close(s);
	return n;
}

Test(sync, commits_become_durable_in_order)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t seq[20], prev = 0;
	char p[16];
	for (int b = 0; b < 20; b++) {
		snprintf(p, sizeof(p), "b%d", b);
		cr_assert_eq(batch(s, p, 50, 100, &seq[b], &e), 0, "%s", e.msg);
		cr_assert_eq(seq[b], prev + 1, "numbers count the batches");
		prev = seq[b];
		cr_assert_leq(store_durable(s), seq[b], "never ahead of the commits");
	}
	cr_assert_eq(store_wait_durable(s, seq[19], &e), 0, "%s", e.msg);
	cr_assert_geq(store_durable(s), seq[19]);
	/* store_commit() is durable on return in async mode too. */
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_durable(s), seq[19] + 1);
	store_close(s);
	cr_assert_eq(count_events(), 1000);
}

Test(sync, the_durable_fd_wakes_a_poller)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t seq;
	cr_assert_eq(batch(s, "a", 10, 10, &seq, &e), 0, "%s", e.msg);
	struct pollfd pfd = { .fd = store_durable_fd(s), .events = POLLIN };
	while (store_durable(s) < seq) {
		cr_assert_eq(poll(&pfd, 1, 10000), 1, "woken when the flush is done");
		store_durable_fd_drain(s);
	}
	/* Drained and nothing new: not readable. */
	store_durable_fd_drain(s);
	cr_assert_eq(poll(&pfd, 1, 0), 0);
	store_close(s);
}

Test(sync, close_flushes_what_is_committed)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t seq;
	for (int b = 0; b < 5; b++) {
		char p[8];
		snprintf(p, sizeof(p), "c%d", b);
		cr_assert_eq(batch(s, p, 20, 10, &seq, &e), 0, "%s", e.msg);
	}
	store_close(s); /* no wait: close joins the thread after its last flush */
	cr_assert_eq(count_events(), 100);
	/* A plain writer can open it again (synchronous=FULL, no thread). */
	cr_assert_eq(store_open(path, STORE_RDWR, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_durable_fd(s), -1);
	cr_assert_eq(batch(s, "d", 1, 10, &seq, &e), 0, "%s", e.msg);
	cr_assert_eq(store_durable(s), seq, "without async mode every commit is durable");
	store_close(s);
}

Test(sync, the_wal_stays_bounded_under_a_writer_that_never_pauses)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t seq = 0;
	char wal[200];
	struct stat sb;
	off_t max = 0;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	/* ~240 MiB through a WAL restarted past 4096 pages of 16 KiB (64 MiB): it ends
	 * one batch (8000 events, ~4 MiB here) beyond. */
	for (int b = 0; b < 60; b++) {
		char p[8];
		snprintf(p, sizeof(p), "w%d", b);
		cr_assert_eq(batch(s, p, 500, 8000, &seq, &e), 0, "%s", e.msg);
		cr_assert_eq(stat(wal, &sb), 0);
		if (sb.st_size > max)
			max = sb.st_size;
	}
	cr_assert_eq(store_wait_durable(s, seq, &e), 0, "%s", e.msg);
	cr_assert_lt(max, 80ll << 20, "WAL reached %lld bytes", (long long)max);
	store_close(s);
	cr_assert_eq(count_events(), 30000);
}

static int fail_flush(void)
{
	return -EIO;
}

Test(sync, a_failed_flush_is_sticky)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t ok, bad;
	cr_assert_eq(batch(s, "ok", 10, 10, &ok, &e), 0, "%s", e.msg);
	cr_assert_eq(store_wait_durable(s, ok, &e), 0, "%s", e.msg);
	store_sync_test_hook(s, fail_flush);
	cr_assert_eq(batch(s, "bad", 10, 10, &bad, &e), 0, "the commit itself succeeds");
	cr_assert_eq(store_wait_durable(s, bad, &e), -EIO);
	cr_assert(strstr(e.msg, "flushing the WAL failed"), "%s", e.msg);
	cr_assert_eq(store_durable(s), ok, "the batch after the failure is not durable");
	cr_assert_eq(store_wait_durable(s, ok, &e), 0, "earlier batches stay durable");
	cr_assert_eq(store_begin(s, &e), -EIO, "no new batch after a failed flush");
	store_sync_test_hook(s, NULL);
	cr_assert_eq(store_begin(s, &e), -EIO, "sticky even when flushes would work again");
	store_close(s);
}

Test(sync, after_stop_sqlite_checkpoints_again)
{
	struct store *s = open_async();
	struct ras_err e;
	uint64_t seq;
	char wal[200], p[8];
	struct stat sb;
	store_async_stop(s);
	cr_assert_eq(store_durable_fd(s), -1);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	/* ~80 MiB in synchronous batches: SQLite's own checkpoint keeps the WAL near
	 * 2000 pages (32 MiB), as before async mode. */
	for (int b = 0; b < 20; b++) {
		snprintf(p, sizeof(p), "s%d", b);
		cr_assert_eq(batch(s, p, 500, 8000, &seq, &e), 0, "%s", e.msg);
		cr_assert_eq(store_durable(s), seq, "synchronous again: durable on return");
	}
	cr_assert_eq(stat(wal, &sb), 0);
	cr_assert_lt(sb.st_size, 48ll << 20, "WAL at %lld bytes", (long long)sb.st_size);
	store_close(s);
}

Test(sync, a_relative_path_survives_a_change_of_directory)
{
	/* The daemon opens the database, then daemon(3) changes to /, then starts async
	 * mode: the flush thread must find the same files. */
	struct store *s;
	struct ras_err e;
	uint64_t seq;
	char cwd[4096];
	cr_assert(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(store_open("ras.db", STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(chdir("/"), 0);
	cr_assert_eq(store_async_start(s, &e), 0, "%s", e.msg);
	cr_assert_eq(batch(s, "rel", 10, 10, &seq, &e), 0, "%s", e.msg);
	cr_assert_eq(store_wait_durable(s, seq, &e), 0, "%s", e.msg);
	store_close(s);
	cr_assert_eq(chdir(cwd), 0);
	cr_assert_eq(count_events(), 10);
}
