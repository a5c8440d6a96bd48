/*
 * test_store.c - the error-log database: migrations, refusal of newer schemas,
 * idempotent batched appends, rollback, every list filter, cursors, close/reopen,
 * statistics, retention decisions and severity names.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "errlog/event.h"
#include "errlog/retention.h"
#include "errlog/store.h"
#include "errlog/store_outbox.h"
#include "errlog/store_query.h"

#include "store_test.h"

static void setup(void)
{
	store_test_setup("sub/ras.db"); /* the store creates the missing directory */
}

TestSuite(store, .init = setup, .fini = store_test_teardown);

#define T0 (1764000000ll * 1000000) /* 2025-11-24T16:00:00Z */
#define HOUR (3600ll * 1000000)

static struct store *open_rw(void)
{
	struct store *s;
	struct ras_err e;
	int rc = store_open(path, STORE_CREATE, &s, &e);
	cr_assert_eq(rc, 0, "%s", e.msg);
	return s;
}

/* Append one event with the given fields in its own batch; returns its id. */
static int64_t add(struct store *s, const char *key, const char *kind, int sev, int64_t t,
		   const char *src, const char *loc, bool serviceable, bool *is_new)
{
	struct ras_err e;
	struct ras_callout co[1] = { { .priority = 'H', .location = "U78D2.001.WZS0001-P1-C7",
				       .part = "01FT741", .serial = "Y050UF81Z00A", .ccin = "2CF3" } };
	struct ras_attr at[2] = { { "plid", "0x50000001" }, { "note", "quote\" and \\ newline\n" } };
	const char *deliv[] = { "hook:page" };
	struct ras_event ev = {
		.source = "test", .kind = kind, .dedupe_key = key, .time_us = t,
		.severity = (enum ras_severity)sev, .source_severity = 0x40,
		.source_severity_name = "unrecoverable", .subsystem = "Memory subsystem",
		.refcode = src, .location = loc, .summary = "a test event",
		.serviceable = serviceable, .raw = (const uint8_t *)"PH", .raw_len = 2,
		.attrs = at, .n_attrs = 2, .callouts = co, .n_callouts = 1,
		.deliveries = deliv, .n_deliveries = 1,
	};
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_append(s, &ev, is_new, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	cr_assert_gt(ev.id, 0);
	return ev.id;
}

static int count(struct store *s, const struct event_filter *f)
{
	struct store_query *q;
	struct stored_event r;
	struct ras_err e;
	int n = 0, rc;
	cr_assert_eq(store_query_begin(s, f, &q, &e), 0, "%s", e.msg);
	while ((rc = store_query_next(q, &r, &e)) == 1)
		n++;
	cr_assert_eq(rc, 0, "%s", e.msg);
	store_query_end(q);
	return n;
}

Test(store, missing_database_is_enoent_with_help)
{
	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), -ENOENT);
	cr_assert(strstr(e.msg, path), "%s", e.msg);
	cr_assert(strstr(e.msg, "opal-elog import"), "%s", e.msg);
}

Test(store, create_migrates_and_reopens)
{
	struct store *s = open_rw();
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2((sqlite3 *)store_sqlite(s), "PRAGMA user_version", -1, &st,
					NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_geq(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	store_close(s);
	/* Reopen for reading and writing: no migration error, same version. */
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), 0, "%s", e.msg);
	store_close(s);
	s = open_rw();
	store_close(s);
}

Test(store, migrates_from_empty_version_zero_file)
{
	/* A database file that exists but has no schema (version 0) is migrated up. */
	sqlite3 *db;
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/sub", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE TABLE unrelated(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), -ENOENT, "readers never migrate");
	s = open_rw();
	bool is_new;
	add(s, "k1", "pel", RAS_SEV_ERROR, T0, "BB821234", "U1", true, &is_new);
	cr_assert(is_new);
	store_close(s);
}

Test(store, newer_schema_refused)
{
	struct store *s = open_rw();
	cr_assert_eq(sqlite3_exec((sqlite3 *)store_sqlite(s), "PRAGMA user_version = 999", NULL,
				  NULL, NULL),
		     SQLITE_OK);
	store_close(s);
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), -EPROTO);
	cr_assert(strstr(e.msg, "newer"), "%s", e.msg);
	cr_assert_eq(store_open(path, STORE_CREATE, &s, &e), -EPROTO);
}

Test(store, append_is_idempotent)
{
	struct store *s = open_rw();
	bool is_new;
	int64_t a = add(s, "pel:K:0x50000001:1:20250101", "pel", RAS_SEV_ERROR, T0, "BB821234",
			"U1", true, &is_new);
	cr_assert(is_new);
	int64_t b = add(s, "pel:K:0x50000001:1:20250101", "pel", RAS_SEV_ERROR, T0, "BB821234",
			"U1", true, &is_new);
	cr_assert_not(is_new);
	cr_assert_eq(a, b, "a re-offered record gets the id of the stored one");
	struct event_filter f;
	event_filter_init(&f);
	cr_assert_eq(count(s, &f), 1);
	/* Callouts and outbox rows were not written twice either. */
	sqlite3_stmt *st;
	sqlite3_prepare_v2((sqlite3 *)store_sqlite(s),
			   "SELECT (SELECT sum(json_array_length(callouts)) FROM events),"
			   " (SELECT count(*) FROM outbox)",
			   -1, &st, NULL);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 1);
	cr_assert_eq(sqlite3_column_int(st, 1), 1);
	sqlite3_finalize(st);
	store_close(s);
}

Test(store, batch_rollback_discards_everything)
{
	struct store *s = open_rw();
	struct ras_err e;
	struct ras_event ev = { .source = "t", .kind = "mce", .time_us = T0,
				.source_severity = -1 };
	char key[16];
	cr_assert_eq(store_begin(s, &e), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ev.dedupe_key = key;
		cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
	}
	store_rollback(s);
	struct event_filter f;
	event_filter_init(&f);
	cr_assert_eq(count(s, &f), 0);
	cr_assert_eq(store_append(s, &ev, NULL, &e), -EINVAL, "append needs a batch");
	cr_assert_eq(store_begin(s, &e), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ev.dedupe_key = key;
		cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(store_commit(s, &e), 0);
	cr_assert_eq(count(s, &f), 100);
	/* A second connection sees the committed batch. */
	struct store *r;
	cr_assert_eq(store_open(path, STORE_RDONLY, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(count(r, &f), 100);
	store_close(r);
	store_close(s);
}

Test(store, rejects_event_without_key)
{
	struct store *s = open_rw();
	struct ras_err e;
	struct ras_event ev = { .source = "t", .kind = "mce" };
	cr_assert_eq(store_begin(s, &e), 0);
	cr_assert_eq(store_append(s, &ev, NULL, &e), -EINVAL);
	store_rollback(s);
	store_close(s);
}

static struct store *populated(void)
{
	struct store *s = open_rw();
	bool n;
	add(s, "a", "pel", RAS_SEV_INFO, T0, "BB821234", "U78D2.001.WZS0001-P1-C7", false, &n);
	add(s, "b", "pel", RAS_SEV_WARNING, T0 + HOUR, "BC8A0001", "U78D2.001.WZS0001-P1-C2",
	    true, &n);
	add(s, "c", "mce", RAS_SEV_ERROR, T0 + 2 * HOUR, "UE", "cpu:8", false, &n);
	add(s, "d", "eeh", RAS_SEV_CRITICAL, T0 + 3 * HOUR, NULL, "0030:01:00.0", true, &n);
	add(s, "e", "prd-attn", RAS_SEV_WARNING, T0 + 4 * HOUR, "B1*X", NULL, false, &n);
	return s;
}

Test(store, filters)
{
	struct store *s = populated();
	struct event_filter f;

	event_filter_init(&f);
	cr_assert_eq(count(s, &f), 5);
	f.since_us = T0 + HOUR;
	cr_assert_eq(count(s, &f), 4);
	f.until_us = T0 + 3 * HOUR;
	cr_assert_eq(count(s, &f), 2, "until is exclusive");

	event_filter_init(&f);
	f.min_severity = RAS_SEV_ERROR;
	cr_assert_eq(count(s, &f), 2, "severity means at least");

	event_filter_init(&f);
	f.kinds = "pel,eeh";
	cr_assert_eq(count(s, &f), 3);
	f.kinds = "prd*";
	cr_assert_eq(count(s, &f), 1, "kind prefix");

	event_filter_init(&f);
	f.src = "BB82";
	cr_assert_eq(count(s, &f), 1, "SRC prefix");
	f.src = "B?8*";
	cr_assert_eq(count(s, &f), 2, "SRC glob");
	f.src = "B1*";
	cr_assert_eq(count(s, &f), 1, "a literal * in a prefix is matched literally");
	f.src = "B1";
	cr_assert_eq(count(s, &f), 1);

	event_filter_init(&f);
	f.location = "U78D2.001.WZS0001-P1-C7";
	cr_assert_eq(count(s, &f), 5, "every event has a callout at C7");
	f.location = "0030:";
	cr_assert_eq(count(s, &f), 1);
	f.location = "U78D2.001.WZS0001-P1-C2";
	cr_assert_eq(count(s, &f), 1);

	event_filter_init(&f);
	f.subsystem = "memory";
	cr_assert_eq(count(s, &f), 5, "subsystem: case-insensitive substring");
	f.subsystem = "processor";
	cr_assert_eq(count(s, &f), 0);

	event_filter_init(&f);
	f.serviceable = 1;
	cr_assert_eq(count(s, &f), 2);
	f.serviceable = 0;
	cr_assert_eq(count(s, &f), 3);

	event_filter_init(&f);
	f.limit = 2;
	struct store_query *q;
	struct stored_event r;
	cr_assert_eq(store_query_begin(s, &f, &q, NULL), 0);
	cr_assert_eq(store_query_next(q, &r, NULL), 1);
	cr_assert_str_eq(r.dedupe_key, "d", "limit keeps the newest, oldest first");
	cr_assert_eq(store_query_next(q, &r, NULL), 1);
	cr_assert_str_eq(r.dedupe_key, "e");
	cr_assert_eq(store_query_next(q, &r, NULL), 0);
	store_query_end(q);
	f.newest_first = true;
	cr_assert_eq(store_query_begin(s, &f, &q, NULL), 0);
	cr_assert_eq(store_query_next(q, &r, NULL), 1);
	cr_assert_str_eq(r.dedupe_key, "e");
	store_query_end(q);

	event_filter_init(&f);
	f.after_id = 3;
	f.by_id = true;
	cr_assert_eq(count(s, &f), 2, "export --after");
	store_close(s);
}

Test(store, row_fields_round_trip)
{
	struct store *s = populated();
	struct store_query *q;
	struct stored_event r;
	struct ras_err e;
	cr_assert_eq(store_get_event(s, 2, &q, &r, &e), 0, "%s", e.msg);
	cr_assert_str_eq(r.kind, "pel");
	cr_assert_eq(r.severity, RAS_SEV_WARNING);
	cr_assert_eq(r.source_severity, 0x40);
	cr_assert_str_eq(r.refcode, "BC8A0001");
	cr_assert(r.serviceable);
	cr_assert(r.open);
	cr_assert_eq(r.time_us, T0 + HOUR);
	cr_assert_eq(r.raw_len, 2);
	cr_assert_eq(memcmp(r.raw, "PH", 2), 0);
	cr_assert_str_eq(r.attrs_json,
			 "{\"plid\":\"0x50000001\",\"note\":\"quote\\\" and \\\\ newline\\n\"}");
	store_query_end(q);
	cr_assert_eq(store_get_event(s, 99, &q, &r, &e), -ENOENT);
	store_close(s);
}

Test(store, close_and_reopen_are_history)
{
	struct store *s = populated();
	struct ras_err e;
	cr_assert_eq(store_event_set_open(s, 2, false, "root", "replaced DIMM", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(store_event_set_open(s, 2, false, "root", "again", &e), -EALREADY);
	struct event_filter f;
	event_filter_init(&f);
	f.open = 0;
	cr_assert_eq(count(s, &f), 1);
	cr_assert_eq(store_event_set_open(s, 2, true, "root", NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(count(s, &f), 0);
	cr_assert_eq(store_event_set_open(s, 42, false, "root", "x", &e), -ENOENT);
	sqlite3_stmt *st;
	sqlite3_prepare_v2((sqlite3 *)store_sqlite(s),
			   "SELECT group_concat(action) FROM event_history WHERE event_id = 2", -1,
			   &st, NULL);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "close,reopen");
	sqlite3_finalize(st);
	store_close(s);
}

Test(store, cursors)
{
	struct store *s = open_rw();
	struct ras_err e;
	char v[64];
	cr_assert_eq(store_cursor_get(s, "kmsg", v, sizeof(v), &e), -ENOENT);
	cr_assert_eq(store_begin(s, &e), 0);
	cr_assert_eq(store_cursor_set(s, "kmsg", "boot-1:42", &e), 0);
	cr_assert_eq(store_cursor_set(s, "kmsg", "boot-1:43", &e), 0);
	cr_assert_eq(store_commit(s, &e), 0);
	cr_assert_eq(store_cursor_get(s, "kmsg", v, sizeof(v), &e), 0);
	cr_assert_str_eq(v, "boot-1:43");
	store_close(s);
}

static int stat_cb(const char *g, const char *k, int64_t n, void *arg)
{
	char *out = arg;
	char line[96];
	snprintf(line, sizeof(line), "%s/%s=%lld;", g, k, (long long)n);
	strcat(out, line);
	return 0;
}

Test(store, stats_and_check)
{
	struct store *s = populated();
	char out[2048] = "";
	struct ras_err e;
	cr_assert_eq(store_stats(s, 0, stat_cb, out, &e), 0, "%s", e.msg);
	cr_assert(strstr(out, "kind/pel=2;"), "%s", out);
	cr_assert(strstr(out, "severity/warning=2;"), "%s", out);
	cr_assert(strstr(out, "severity/critical=1;"), "%s", out);
	cr_assert(strstr(out, "day/2025-11-24=5;"), "%s", out);
	cr_assert(strstr(out, "state/open=5;"), "%s", out);
	cr_assert_eq(store_check(s, &e), 0, "%s", e.msg);
	store_close(s);
}

Test(store, retention_by_age_and_count)
{
	struct store *s = open_rw();
	bool n;
	char key[32];
	int64_t now = T0 + 400 * 24 * HOUR;
	/* 10 info events a year old, 5 recent info events, 2 old serviceable open errors. */
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "old-info-%d", i);
		add(s, key, "pel", RAS_SEV_INFO, T0 + i, "B1", NULL, false, &n);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "new-info-%d", i);
		add(s, key, "pel", RAS_SEV_INFO, now - i * HOUR, "B1", NULL, false, &n);
	}
	add(s, "svc-1", "pel", RAS_SEV_ERROR, T0, "B1", NULL, true, &n);
	add(s, "svc-2", "pel", RAS_SEV_ERROR, T0, "B1", NULL, true, &n);

	struct retention_policy p;
	struct retention_result r;
	struct ras_err e;
	retention_policy_default(&p);
	p.max_count[RAS_SEV_INFO] = 3;
	p.max_age_us[RAS_SEV_ERROR] = 30 * 24 * HOUR;
	p.batch = 4;

	cr_assert_eq(retention_prune(s, &p, now, true, NULL, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.by_age[RAS_SEV_INFO], 10);
	cr_assert_eq(r.by_count[RAS_SEV_INFO], 2);
	cr_assert_eq(r.by_age[RAS_SEV_ERROR], 0, "open serviceable events are kept");
	cr_assert_eq(r.total, 12);
	struct event_filter f;
	event_filter_init(&f);
	cr_assert_eq(count(s, &f), 17, "a dry run deletes nothing");

	struct retention_result r2;
	cr_assert_eq(retention_prune(s, &p, now, false, NULL, &r2, &e), 0, "%s", e.msg);
	cr_assert_eq(r2.total, r.total, "the dry run predicted the real run");
	cr_assert_eq(count(s, &f), 5);
	f.kinds = "pel";
	f.min_severity = RAS_SEV_ERROR;
	cr_assert_eq(count(s, &f), 2);
	/* Once closed, the serviceable errors age out like the others. */
	cr_assert_eq(store_event_set_open(s, 16, false, "t", "fixed", &e), 0, "%s", e.msg);
	cr_assert_eq(retention_prune(s, &p, now, false, NULL, &r2, &e), 0);
	cr_assert_eq(r2.by_age[RAS_SEV_ERROR], 1);
	cr_assert_eq(store_check(s, &e), 0, "cascade deletes leave no orphans: %s", e.msg);
	store_close(s);
}

Test(retention, policy_arguments)
{
	struct retention_policy p;
	struct ras_err e;
	retention_policy_default(&p);
	cr_assert_eq(retention_set_age(&p, "warning=30d", &e), 0);
	cr_assert_eq(p.max_age_us[RAS_SEV_WARNING], 30 * 24 * HOUR);
	cr_assert_eq(retention_set_count(&p, "crit=10", &e), 0);
	cr_assert_eq(p.max_count[RAS_SEV_CRITICAL], 10);
	cr_assert_eq(retention_set_age(&p, "fatal=1d", &e), -EINVAL);
	cr_assert(strstr(e.msg, "fatal"));
	cr_assert_eq(retention_set_count(&p, "info", &e), -EINVAL);
	cr_assert_eq(retention_set_count(&p, "info=-1", &e), -EINVAL);
}

Test(event, severity_names)
{
	cr_assert_str_eq(ras_severity_name(RAS_SEV_INFO), "info");
	cr_assert_str_eq(ras_severity_name(RAS_SEV_CRITICAL), "critical");
	cr_assert_str_eq(ras_severity_name((enum ras_severity)9), "unknown");
	cr_assert_eq(ras_severity_parse("WARN"), RAS_SEV_WARNING);
	cr_assert_eq(ras_severity_parse("error"), RAS_SEV_ERROR);
	cr_assert_eq(ras_severity_parse("crit"), RAS_SEV_CRITICAL);
	cr_assert_eq(ras_severity_parse("bogus"), -1);
	cr_assert(RAS_SEV_INFO < RAS_SEV_WARNING && RAS_SEV_WARNING < RAS_SEV_ERROR &&
		  RAS_SEV_ERROR < RAS_SEV_CRITICAL);
}

#include "errlog/store_internal.h"

Test(store, migrates_every_version_up_from_the_first)
{
	/* A database as the first release wrote it (migration 1 only, with an event), then
	 * opened by this version: every later migration applies and the data stays. */
	for (int from = 1; from < store_schema_version; from++) {
		sqlite3 *db;
		char sql[64], cmd[200];
		snprintf(cmd, sizeof(cmd), "rm -rf %s/sub && mkdir -p %s/sub", dir, dir);
		cr_assert_eq(system(cmd), 0);
		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		for (int v = 0; v < from; v++)
			cr_assert_eq(sqlite3_exec(db, store_migrations[v], NULL, NULL, NULL), SQLITE_OK,
				     "migration %d", v + 1);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", from);
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(db,
					  "INSERT INTO events (source, kind, dedupe_key, time_us,"
					  " logged_us, severity) VALUES ('t', 'pel', 'old', 1, 1, 2)",
					  NULL, NULL, NULL),
			     SQLITE_OK);
		sqlite3_close(db);
		struct store *s;
		struct ras_err e;
		cr_assert_eq(store_open(path, STORE_RDONLY, &s, &e), -EPROTO,
			     "readers do not migrate: %s", e.msg);
		s = open_rw();
		sqlite3_stmt *st;
		sqlite3_prepare_v2((sqlite3 *)store_sqlite(s),
				   "SELECT (SELECT user_version FROM pragma_user_version),"
				   " (SELECT count(*) FROM events),"
				   " (SELECT count(*) FROM sqlite_master WHERE name IN"
				   " ('hook_runs', 'vpd_frus'))",
				   -1, &st, NULL);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		cr_assert_eq(sqlite3_column_int(st, 0), store_schema_version, "from %d", from);
		cr_assert_eq(sqlite3_column_int(st, 1), 1, "the old event survived");
		cr_assert_eq(sqlite3_column_int(st, 2), 2, "later tables exist");
		sqlite3_finalize(st);
		bool n;
		add(s, "new", "mce", RAS_SEV_ERROR, T0, NULL, NULL, false, &n);
		cr_assert(n);
		store_close(s);
	}
}

static int collect_forward(const struct stored_forward *f, void *arg)
{
	char *out = arg;
	size_t l = strlen(out);
	snprintf(out + l, 512 - l, "%s|%s|%s|%s|%s|%s|%d|%lld|%s|%s;", f->cls, f->action,
		 f->socket ? f->socket : "-", f->guest ? f->guest : "-",
		 f->device ? f->device : "-", f->target, f->attempt, (long long)f->latency_us,
		 f->result, f->error ? f->error : "-");
	return 0;
}

Test(store, guest_forwards_recorded_listed_and_pruned)
{
	struct store *s = open_rw();
	struct ras_err e;
	bool n;
	int64_t a = add(s, "fwd-a", "pel", RAS_SEV_CRITICAL, T0, "11002610", NULL, false, &n);
	int64_t b = add(s, "fwd-b", "eeh", RAS_SEV_CRITICAL, T0 + 1, "eeh-failed", NULL, false, &n);
	add(s, "fwd-c", "pel", RAS_SEV_INFO, T0 + 2, "B1", NULL, false, &n);
	struct guest_forward_record r1 = {
		.event_id = a,
		.target = "qmp:epow:/run/q.sock",
		.cls = "epow",
		.action = "powerdown",
		.socket = "/run/q.sock",
		.guest = "vm1",
		.attempt = 1,
		.started_us = T0,
		.latency_us = 1234,
		.result = "ok",
	};
	struct guest_forward_record r2 = {
		.event_id = b,
		.target = "qmp:eeh-failed:@vm2",
		.cls = "eeh-failed",
		.action = "device_del",
		.guest = "vm2",
		.attempt = 2,
		.started_us = T0 + 5,
		.latency_us = 5000000,
		.result = "timeout",
		.error = "no answer to device_del",
		.device = "",
	};
	cr_assert_eq(store_guest_forward_add(s, &r1, &e), 0, "%s", e.msg);
	cr_assert_eq(store_guest_forward_add(s, &r2, &e), 0, "%s", e.msg);
	char out[512] = "";
	cr_assert_eq(store_each_forward(s, a, collect_forward, out, &e), 0, "%s", e.msg);
	cr_expect_str_eq(out, "epow|powerdown|/run/q.sock|vm1|-|qmp:epow:/run/q.sock|1|1234|ok|-;");
	out[0] = 0;
	store_each_forward(s, b, collect_forward, out, &e);
	cr_expect_str_eq(out, "eeh-failed|device_del|-|vm2|-|qmp:eeh-failed:@vm2|2|5000000|"
			      "timeout|no answer to device_del;");

	/* --guest: the events forwarded to a guest, or naming it (events.guest). */
	struct event_filter f;
	event_filter_init(&f);
	f.guest = "vm1";
	cr_expect_eq(count(s, &f), 1);
	f.guest = "vm2";
	cr_expect_eq(count(s, &f), 1);
	f.guest = "vm3";
	cr_expect_eq(count(s, &f), 0);

	/* Pruning an event removes its forwards (cascade) and leaves the database clean. */
	struct retention_policy p;
	struct retention_result rr;
	retention_policy_default(&p);
	for (int i = 0; i < 4; i++)
		p.max_age_us[i] = HOUR;
	cr_assert_eq(retention_prune(s, &p, T0 + 400 * 24 * HOUR, false, NULL, &rr, &e), 0, "%s",
		     e.msg);
	cr_expect_eq(rr.total, 3);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2((sqlite3 *)store_sqlite(s),
					"SELECT count(*) FROM guest_forwards", -1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	cr_expect_eq(store_check(s, &e), 0, "%s", e.msg);
	store_close(s);
}
