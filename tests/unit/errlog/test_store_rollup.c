/*
 * test_store_rollup.c - the events_rollup table behind `opal-elog stats`: after random
 * appends (new and duplicate), closes, reopens, retention prunes and direct deletes,
 * rolled-back batches, store_stats() for several --since values equals the same statistics computed
 * by a full scan of the events table; the migration that creates the rollup backfills it from
 * events written by the previous schema version.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errlog/event.h"
#include "errlog/retention.h"
#include "errlog/store.h"
#include "errlog/store_internal.h"
#include "errlog/store_query.h"

#include "store_test.h"

TestSuite(rollup, .init = store_test_setup_default, .fini = store_test_teardown);

#define DAY (86400ll * 1000000)
#define T0  (1764000000ll * 1000000) /* 2025-11-24T16:00:00Z */

struct text {
	char buf[16384];
	size_t len;
};

static int collect(const char *g, const char *k, int64_t n, void *arg)
{
	struct text *t = arg;
	int r = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%s/%s=%lld\n", g, k,
			 (long long)n);
	cr_assert(r > 0 && (size_t)r < sizeof(t->buf) - t->len, "statistics too long");
	t->len += (size_t)r;
	return 0;
}

/* The statistics by a full scan of events (what store_stats computed before the rollup),
 * in the same groups, keys and order. */
static void full_scan(struct store *s, int64_t since, struct text *t)
{
	static const struct {
		const char *group, *sql;
	} q[] = {
		{ "kind", "SELECT kind, count(*) FROM events WHERE time_us >= ?1 GROUP BY kind"
			  " ORDER BY 2 DESC, 1" },
		{ "severity", "SELECT severity, count(*) FROM events WHERE time_us >= ?1"
			      " GROUP BY severity ORDER BY 1 DESC" },
		{ "subsystem", "SELECT coalesce(subsystem, '-'), count(*) FROM events"
			       " WHERE time_us >= ?1 GROUP BY 1 ORDER BY 2 DESC, 1" },
		{ "day",
		  "SELECT date(" STORE_DAY_SQL("time_us") " * 86400, 'unixepoch'),"
							  " count(*) FROM events WHERE time_us >= "
							  "?1 GROUP BY 1 ORDER BY 1" },
		{ "state", "SELECT CASE WHEN open THEN 'open' ELSE 'closed' END, count(*)"
			   " FROM events WHERE time_us >= ?1 GROUP BY 1 ORDER BY 1 DESC" },
	};
	t->len = 0;
	t->buf[0] = 0;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st;
		cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), q[i].sql, -1, &st, NULL),
			     SQLITE_OK, "%s", sqlite3_errmsg(store_sqlite(s)));
		sqlite3_bind_int64(st, 1, since);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *key = (const char *)sqlite3_column_text(st, 0);
			if (!strcmp(q[i].group, "severity"))
				key = ras_severity_name(sqlite3_column_int(st, 0));
			collect(q[i].group, key, sqlite3_column_int64(st, 1), t);
		}
		sqlite3_finalize(st);
	}
}

static void check_equal(struct store *s, const char *when)
{
	/* Whole days, mid-day, before all events, the epoch, after all events. */
	const int64_t sinces[] = { 0,
				   T0 - 40 * DAY,
				   T0,
				   T0 + 3 * DAY + 12345,
				   T0 + 7 * DAY,
				   T0 - 5 * DAY + 1,
				   T0 + 100 * DAY };
	static struct text got, want;
	struct ras_err e;
	for (size_t i = 0; i < sizeof(sinces) / sizeof(sinces[0]); i++) {
		got.len = 0;
		got.buf[0] = 0;
		cr_assert_eq(store_stats(s, sinces[i], collect, &got, &e), 0, "%s", e.msg);
		full_scan(s, sinces[i], &want);
		cr_assert_str_eq(got.buf, want.buf, "%s, since %lld", when, (long long)sinces[i]);
	}
}

static const char *const kinds[] = { "pel", "mce", "eeh-freeze", "hmi" };
static const char *const subsystems[] = { "Memory subsystem", "I/O subsystem", NULL, "-" };

/* One batch of n random events; keys from a small space, so some are duplicates. */
static void random_batch(struct store *s, int n)
{
	struct ras_err e;
	char key[32];
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%u", rnd(3000));
		struct ras_event ev = {
			.source = "test",
			.kind = kinds[rnd(4)],
			.dedupe_key = key,
			/* 30 days around T0, any time of day */
			.time_us =
				T0 - 15 * DAY + (int64_t)rnd(30 * 86400) * 1000000 + rnd(1000000),
			.severity = (enum ras_severity)rnd(4),
			.source_severity = -1,
			.subsystem = subsystems[rnd(4)],
			.summary = "rollup test",
		};
		bool is_new;
		cr_assert_eq(store_append(s, &ev, &is_new, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
}

static void random_state_changes(struct store *s, int n)
{
	struct ras_err e;
	int64_t max = store_max_id(s);
	for (int i = 0; i < n && max > 0; i++) {
		int64_t id = 1 + rnd((unsigned)max);
		int rc = store_event_set_open(s, id, rnd(2), "test", "random", &e);
		cr_assert(rc == 0 || rc == -EALREADY || rc == -ENOENT, "%d %s", rc, e.msg);
	}
}

Test(rollup, stats_equal_full_scan_after_random_changes)
{
	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	check_equal(s, "empty");
	for (int round = 0; round < 6; round++) {
		char when[64];
		random_batch(s, 400);
		snprintf(when, sizeof(when), "round %d after inserts", round);
		check_equal(s, when);
		random_state_changes(s, 60);
		snprintf(when, sizeof(when), "round %d after close/reopen", round);
		check_equal(s, when);
		/* Retention: count limits on two severities, an age limit on one. */
		struct retention_policy p;
		struct retention_result r;
		retention_policy_default(&p);
		p.max_count[RAS_SEV_INFO] = 100 + rnd(200);
		p.max_count[RAS_SEV_WARNING] = 150 + rnd(200);
		p.max_age_us[RAS_SEV_ERROR] = (int64_t)(10 + rnd(10)) * DAY;
		p.batch = 37;
		cr_assert_eq(retention_prune(s, &p, T0 + 5 * DAY, false, NULL, &r, &e), 0, "%s",
			     e.msg);
		snprintf(when, sizeof(when), "round %d after prune (%lld gone)", round,
			 (long long)r.total);
		check_equal(s, when);
		/* A batch that is rolled back leaves no counts behind. */
		cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
		struct ras_event gone = { .source = "test",
					  .kind = "rolled-back",
					  .dedupe_key = "never-committed",
					  .time_us = T0,
					  .source_severity = -1 };
		cr_assert_eq(store_append(s, &gone, NULL, &e), 0, "%s", e.msg);
		store_rollback(s);
		random_batch(s, 10);
		snprintf(when, sizeof(when), "round %d after a rollback", round);
		check_equal(s, when);
		/* A direct delete, as any other writer might do. */
		cr_assert_eq(sqlite3_exec(store_sqlite(s), "DELETE FROM events WHERE id % 17 = 3",
					  NULL, NULL, NULL),
			     SQLITE_OK);
		snprintf(when, sizeof(when), "round %d after delete", round);
		check_equal(s, when);
	}
	/* After close and reopen, nothing drifts. */
	store_close(s);
	cr_assert_eq(store_open(path, STORE_RDWR, &s, &e), 0, "%s", e.msg);
	check_equal(s, "reopened");
	/* No empty rollup rows are left behind. */
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
					"SELECT count(*) FROM events_rollup"
					" WHERE n <= 0",
					-1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	store_close(s);
}

Test(rollup, migration_backfills_existing_events)
{
	/* A database at the schema version before the rollup, with events in it. */
	sqlite3 *db;
	int before = 0;
	for (int v = 0; v < store_schema_version; v++)
		if (strstr(store_migrations[v], "CREATE TABLE events_rollup"))
			before = v;
	cr_assert_gt(before, 0, "the rollup migration exists");
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < before; v++)
		cr_assert_eq(sqlite3_exec(db, store_migrations[v], NULL, NULL, NULL), SQLITE_OK,
			     "migration %d: %s", v + 1, sqlite3_errmsg(db));
	char sql[128];
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", before);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(
		sqlite3_exec(db,
			     "WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i"
			     " WHERE x < 999)"
			     " INSERT INTO events (source, kind, dedupe_key, time_us, logged_us,"
			     " severity, subsystem, open)"
			     " SELECT 'test', CASE x % 3 WHEN 0 THEN 'pel' WHEN 1 THEN 'mce'"
			     " ELSE 'hmi' END, 'old-' || x, 1764000000000000 + x * 7200000000,"
			     " 0, x % 4, CASE WHEN x % 5 = 0 THEN NULL ELSE 'Memory' END,"
			     " x % 7 != 0 FROM i",
			     NULL, NULL, NULL),
		SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);

	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_RDWR, &s, &e), 0, "%s", e.msg);
	check_equal(s, "after the migration");
	struct text got = { .len = 0 };
	cr_assert_eq(store_stats(s, 0, collect, &got, &e), 0, "%s", e.msg);
	cr_assert(strstr(got.buf, "kind/pel=334\n"), "%s", got.buf);
	cr_assert(strstr(got.buf, "state/closed=143\n"), "%s", got.buf);
	/* And the triggers run from now on. */
	random_batch(s, 200);
	check_equal(s, "after new inserts");
	store_close(s);
}
