/*
 * test_outbox.c - the daemon's hook runs, with the event loop turning: a run that ends
 * while the group commit holds a batch open is still recorded (the held batch is
 * committed first), and the batch's event is stored too. The daemon's loop may hold a
 * batch across rounds while logs are being read (batch.c); a hook's exit is an I/O
 * callback in one of those rounds.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/path.h"
#include "common/timeutil.h"
#include "opal-prd/daemon.h"
#include "opal-prd/outbox.h"

static char root[64];
static struct daemon d;

static long long count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	cr_assert_eq(sqlite3_open_v2(d.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s",
		     sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void setup(void)
{
	char p[512], cfg[512];
	struct ras_err e;

	strcpy(root, "/tmp/opal-ras-outbox.XXXXXX");
	cr_assert(mkdtemp(root));
	root_path(cfg, sizeof(cfg), root, "c.yaml");
	FILE *f = fopen(cfg, "w");
	cr_assert_not_null(f);
	fprintf(f, "hooks:\n  - name: quick\n    match: {kinds: [test]}\n"
		   "    command: [\"/bin/true\"]\n");
	fclose(f);
	memset(&d, 0, sizeof(d));
	cr_assert_eq(config_load(cfg, &d.cfg, &e), 0, "%s", e.msg);
	d.root = root;
	root_path(p, sizeof(p), root, "ras.db");
	d.db_path = strdup(p);
	cr_assert_eq(store_open(d.db_path, STORE_CREATE, &d.store, &e), 0, "%s", e.msg);
	d.loop = loop_new();
	d.retry_timer = -1;
	d.release_timer = -1;
	d.commit_timer = -1;
	d.work_fd = -1;
	d.control_fd = -1;
	cr_assert_eq(outbox_start(&d), 0);
	cr_assert_eq(d.hooks.n, 1);
}

static void teardown(void)
{
	char cmd[128];
	outbox_stop(&d);
	store_close(d.store);
	loop_free(d.loop);
	config_free(&d.cfg);
	free((char *)d.db_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(outbox, .init = setup, .fini = teardown);

static void append(const char *key)
{
	struct ras_event ev = { .source = "unit", .kind = "test", .dedupe_key = key,
				.time_us = time_now_us(), .severity = RAS_SEV_ERROR,
				.source_severity = -1, .summary = key };
	bool is_new;

	cr_assert_eq(daemon_append(&d, &ev, &is_new, NULL, NULL), 0);
	cr_assert(is_new);
}

/* Turns the loop until the hook's run is recorded, or 5 s. */
static int64_t deadline_us;
static void check(struct loop *l, void *arg)
{
	(void)arg;
	if (count("select count(*) from hook_runs") > 0 || time_now_us() > deadline_us)
		loop_stop(l);
}

Test(outbox, a_run_ending_while_a_batch_is_held_is_recorded)
{
	append("outbox-test-1");
	cr_assert_eq(daemon_commit(&d), 0);
	cr_assert_eq(count("select count(*) from outbox where target = 'hook:quick'"), 1);
	outbox_kick(&d);
	outbox_work(&d); /* starts /bin/true */
	cr_assert_eq(count("select count(*) from outbox where state = 'running'"), 1);

	append("outbox-test-2"); /* a batch the group commit holds open */
	cr_assert(d.in_batch);
	deadline_us = time_now_us() + 5000000;
	int t = loop_timer_add(d.loop, 10000, 10000, check, NULL);
	loop_run(d.loop);
	loop_timer_del(d.loop, t);

	cr_assert_eq(count("select count(*) from hook_runs where hook = 'quick' and "
			   "outcome = 'ok'"),
		     1, "the run was not recorded");
	cr_assert_eq(count("select count(*) from outbox where state = 'done'"), 1);
	cr_assert_not(d.in_batch, "the held batch was committed first");
	cr_assert_eq(count("select count(*) from events where dedupe_key = 'outbox-test-2'"), 1);
}
