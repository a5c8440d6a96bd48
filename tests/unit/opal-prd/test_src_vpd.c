/*
 * test_src_vpd.c - the daemon's VPD source without the event loop running: a baseline
 * snapshot on the first work round, then a refresh only on the rescan tick that
 * completes a minute (no timer of its own, so an idle daemon wakes for the rescan
 * only): a FRU swapped in the simulator is noticed on that tick and not before.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/path.h"
#include "opal-prd/daemon.h"
#include "opal-prd/sources.h"
#include "sim/sim_vpd.h"

static char root[64];
static struct daemon d;

/* One number from the database, through a connection of its own (as the CLI reads). */
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
	char p[512];
	struct ras_err e;

	strcpy(root, "/tmp/opal-ras-vpd.XXXXXX");
	cr_assert(mkdtemp(root));
	cr_assert_eq(sim_vpd_init(root, &e), 0, "%s", e.msg);
	memset(&d, 0, sizeof(d));
	cr_assert_eq(config_load("/dev/null", &d.cfg, &e), 0, "%s", e.msg);
	d.cfg.elog_rescan_us = 20ll * 1000000; /* a minute is three ticks */
	d.root = root;
	root_path(p, sizeof(p), root, "ras.db");
	d.db_path = strdup(p);
	cr_assert_eq(store_open(d.db_path, STORE_CREATE, &d.store, &e), 0, "%s", e.msg);
	d.loop = loop_new();
	d.retry_timer = -1;
	d.work_fd = -1;
	d.control_fd = -1;
	struct source *s = daemon_add_source(&d, &src_vpd_ops);
	cr_assert_eq(s->ops->start(&d, s), 0);
}

static void teardown(void)
{
	char cmd[128];
	d.sources[0].ops->stop(&d, &d.sources[0]);
	store_close(d.store);
	loop_free(d.loop);
	config_free(&d.cfg);
	free((char *)d.db_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(src_vpd, .init = setup, .fini = teardown);

Test(src_vpd, refreshes_on_the_tick_that_completes_a_minute)
{
	struct source *s = &d.sources[0];
	struct ras_err e;
	const char *replaced = "select count(*) from events where kind = 'vpd-change' and "
			       "refcode = 'replaced'";

	cr_assert_not_null(s->ops->rescan, "the VPD source rides the rescan tick");
	s->ops->poll(&d, s); /* the start's work round: the baseline */
	cr_assert_eq(count("select count(*) from vpd_snapshots"), 1);
	cr_assert_eq(count(replaced), 0);

	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL01", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	s->ops->rescan(&d, s);
	s->ops->poll(&d, s); /* a work round between ticks refreshes nothing */
	cr_assert_eq(count("select count(*) from vpd_snapshots"), 1, "40 s: no refresh yet");
	cr_assert_eq(count(replaced), 0);
	s->ops->rescan(&d, s);
	cr_assert_eq(count(replaced), 1, "the third tick (60 s) refreshed");
	cr_assert_eq(count("select count(*) from vpd_snapshots"), 2);

	/* and the count starts again */
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL02", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	s->ops->rescan(&d, s);
	cr_assert_eq(count(replaced), 1);
	s->ops->rescan(&d, s);
	cr_assert_eq(count(replaced), 2);
}

Test(src_vpd, a_rescan_interval_over_a_minute_refreshes_every_tick)
{
	struct source *s = &d.sources[0];
	struct ras_err e;

	d.cfg.elog_rescan_us = 90ll * 1000000;
	s->ops->poll(&d, s);
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL03", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	cr_assert_eq(count("select count(*) from events where kind = 'vpd-change'"), 1);
}
