/*
 * test_store_outbox.c - which outbox rows store_outbox_due() returns: only pending rows
 * whose time has come, earliest due first then oldest, at most max; and that SQLite
 * answers it from the outbox_pending index without sorting every pending row (the
 * query runs after every commit of a storm).
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errlog/event.h"
#include "errlog/store.h"
#include "errlog/store_outbox.h"

#include "store_test.h"

TestSuite(outbox, .init = store_test_setup_default, .fini = store_test_teardown);

/* Events 1..n, each with one delivery to hook:h (outbox row ids 1..n). */
static struct store *with_rows(int n)
{
	struct store *s;
	struct ras_err e;
	const char *deliv[] = { "hook:h" };
	char key[16];
	cr_assert_eq(store_open(path, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		struct ras_event ev = { .source = "test",
					.kind = "pel",
					.dedupe_key = key,
					.time_us = 1000000 + i,
					.source_severity = -1,
					.deliveries = deliv,
					.n_deliveries = 1 };
		cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	return s;
}

Test(outbox, due_rows_earliest_first_then_oldest_and_limited)
{
	struct store *s = with_rows(6);
	struct ras_err e;
	struct outbox_row r[8];
	size_t n;
	const int64_t now = 5000;

	/* 2: a retry due at 100; 4: a retry not due yet; 5: done; the rest new (due at 0). */
	cr_assert_eq(store_outbox_set(s, 2, "pending", 1, 100, &e), 0, "%s", e.msg);
	cr_assert_eq(store_outbox_set(s, 4, "pending", 1, now + 1, &e), 0, "%s", e.msg);
	cr_assert_eq(store_outbox_set(s, 5, "done", 1, 0, &e), 0, "%s", e.msg);
	cr_assert_eq(store_outbox_due(s, now, r, 8, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 4);
	const int64_t want[] = { 1, 3, 6, 2 };
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(r[i].id, want[i], "row %zu: %lld", i, (long long)r[i].id);
		cr_assert_str_eq(r[i].target, "hook:h");
		cr_assert_eq(r[i].event_id, r[i].id);
	}
	cr_assert_eq(r[3].attempts, 1);
	cr_assert_eq(r[3].next_us, 100);
	cr_assert_eq(store_outbox_due(s, now, r, 2, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 2);
	cr_assert_eq(r[0].id, 1);
	cr_assert_eq(r[1].id, 3);
	store_close(s);
}

static int sorts, due_runs;

/* Profile callback: for the outbox query, did SQLite sort? (SQLITE_STMTSTATUS_SORT) */
static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	(void)x;
	if (type == SQLITE_TRACE_PROFILE && strstr(sqlite3_sql(p), "FROM outbox")) {
		due_runs++;
		sorts += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_SORT, 0);
	}
	return 0;
}

Test(outbox, due_query_walks_the_index_without_a_sort)
{
	struct store *s = with_rows(300);
	struct ras_err e;
	struct outbox_row r[16];
	size_t n;
	sqlite3_trace_v2(store_sqlite(s), SQLITE_TRACE_PROFILE, on_trace, NULL);
	cr_assert_eq(store_outbox_due(s, 5000, r, 16, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 16);
	cr_assert_eq(r[15].id, 16);
	cr_assert_eq(due_runs, 1, "the trace saw the query");
	cr_assert_eq(sorts, 0, "every pending row was sorted to return 16");
	store_close(s);
}
