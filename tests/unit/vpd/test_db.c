/*
 * test_db.c - unit tests of the VPD snapshot tables and the refresh: baseline without
 * events, a swap and a firmware change become one snapshot, one vpd-change event each
 * and history rows; older snapshots still load as they were; keywords round-trip.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "errlog/store.h"
#include "sim/sim_vpd.h"
#include "vpd/vpd.h"
#include "vpd/vpd_db.h"

static char root[64], dbp[96];

static void setup(void)
{
	struct ras_err e;

	log_set_level(LOG_LVL_ERR);
	snprintf(root, sizeof(root), "/tmp/vpd-db.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(sim_vpd_init(root, &e), 0, "%s", e.msg);
	snprintf(dbp, sizeof(dbp), "%s/ras.db", root);
}

static void teardown(void)
{
	pid_t p = fork();
	if (p == 0) {
		execlp("rm", "rm", "-rf", root, (char *)NULL);
		_exit(127);
	}
	waitpid(p, NULL, 0);
}

TestSuite(vpd_db, .init = setup, .fini = teardown);

static int64_t count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

Test(vpd_db, refresh_baseline_then_changes)
{
	struct store *s;
	struct ras_err e;
	struct vpd_refresh_result r;
	struct vpd_inventory cache = { 0 }, s1, s2;
	struct vpd_history_row *h;
	struct vpd_snapshot_info *si;
	size_t n;
	int64_t got;

	cr_assert_eq(store_open(dbp, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(vpd_store_refresh(s, root, "start", &cache, &r, &e), 0, "%s", e.msg);
	cr_assert(r.baseline);
	cr_assert_eq(r.snapshot_id, 1);
	cr_assert_eq(r.n_frus, 16);
	cr_assert_eq(r.n_changes, 16);
	cr_assert_eq(r.n_events, 0, "no event storm for the baseline");
	cr_assert_eq(cache.n, 16, "cache holds the new inventory");
	cr_assert_eq(cache.snapshot_id, 1, "and knows which snapshot it is");
	cr_assert_eq(count(s, "SELECT count(*) FROM events"), 0);
	cr_assert_eq(count(s, "SELECT count(*) FROM vpd_changes WHERE kind = 'baseline'"), 16);

	/* Nothing changed: nothing written, the current snapshot stays. */
	cr_assert_eq(vpd_store_refresh(s, root, "timer", &cache, &r, &e), 0, "%s", e.msg);
	cr_assert_not(r.baseline);
	cr_assert(r.unchanged);
	cr_assert_eq(r.snapshot_id, 1);
	cr_assert_eq(r.n_changes, 0);
	cr_assert_eq(r.n_frus, 16);
	cr_assert_eq(count(s, "SELECT count(*) FROM vpd_frus"), 16);
	cr_assert_eq(count(s, "SELECT count(*) FROM vpd_snapshots"), 1);
	cr_assert_eq(cache.n, 16);

	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "MT2044X00001", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(sim_vpd_set_fw(root, "U78D2.001.WZS0001-P1-C1", "FW950.A0", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(vpd_store_refresh(s, root, "uevent", &cache, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.snapshot_id, 2);
	cr_assert_eq(r.n_changes, 2);
	cr_assert_eq(r.n_events, 2);
	cr_assert_eq(
		count(s,
		      "SELECT count(*) FROM events WHERE kind = 'vpd-change' AND source = 'vpd'"),
		2);
	cr_assert_eq(count(s, "SELECT count(*) FROM events WHERE refcode = 'replaced' AND location "
			      "= 'U78D2.001.WZS0001-P1-C7'"),
		     1);
	cr_assert_eq(count(s, "SELECT count(*) FROM events WHERE refcode = 'fw-changed' AND "
			      "summary LIKE '%FW950.90 -> FW950.A0%'"),
		     1);
	cr_assert_eq(count(s, "SELECT count(*) FROM vpd_frus"), 18, "two new FRU states");
	cr_assert_eq(count(s, "SELECT count(*) FROM vpd_frus WHERE last_snap IS NULL"), 16);
	cr_assert_eq(
		count(s,
		      "SELECT count(*) FROM vpd_fru_keywords k JOIN vpd_frus f ON f.id = k.fru_id"
		      " WHERE f.serial = 'MT2044X00001' AND k.keyword = 'SN' AND k.value = "
		      "'MT2044X00001'"),
		1, "SQL sees every keyword");

	cr_assert_eq(vpd_db_history(store_sqlite(s), "U78D2.001.WZS0001-P1-C7", &h, &n, &e), 0);
	cr_assert_eq(n, 2, "baseline + replaced");
	cr_assert_str_eq(h[0].kind, "baseline");
	cr_assert_str_eq(h[1].kind, "replaced");
	cr_assert_str_eq(h[1].old_serial, "MT2021X01234");
	cr_assert_str_eq(h[1].new_serial, "MT2044X00001");
	cr_assert_eq(h[1].snapshot_id, 2);
	free(h);

	cr_assert_eq(vpd_db_list_snapshots(store_sqlite(s), 0, &si, &n, &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(si[0].id, 2, "newest first");
	cr_assert_str_eq(si[0].reason, "uevent");
	cr_assert_eq(si[0].n_changes, 2);
	cr_assert_eq(si[1].n_frus, 16);
	free(si);

	/* Snapshot 1 still loads as it was; diff 1 -> current gives the two changes. */
	cr_assert_eq(vpd_db_load_snapshot(store_sqlite(s), 1, &s1, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, 1);
	cr_assert_str_eq(vpd_inventory_find(&s1, "U78D2.001.WZS0001-P1-C7")->serial,
			 "MT2021X01234");
	cr_assert_eq(vpd_db_load_snapshot(store_sqlite(s), 0, &s2, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(got, 2);
	const struct vpd_fru *f = vpd_inventory_find(&s2, "U78D2.001.WZS0001-P1-C7");
	cr_assert_str_eq(f->serial, "MT2044X00001");
	cr_assert_str_eq(f->description, "PCIe3 2-port 100GbE ConnectX-5 Adapter");
	const struct vpd_fru *live = vpd_inventory_find(&cache, "U78D2.001.WZS0001-P1-C7");
	cr_assert_eq(f->n_fields, live->n_fields, "keywords round-trip");
	for (size_t i = 0; i < f->n_fields; i++) {
		cr_assert_str_eq(f->fields[i].kw, live->fields[i].kw);
		cr_assert_str_eq(f->fields[i].value, live->fields[i].value);
	}
	struct vpd_change *ch;
	cr_assert_eq(vpd_inventory_diff(&s1, &s2, &ch, &n, &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(ch[0].kind, VPD_CHG_FW_CHANGED);
	cr_assert_eq(ch[1].kind, VPD_CHG_REPLACED);
	free(ch);
	cr_assert_eq(vpd_db_load_snapshot(store_sqlite(s), 99, &s1, &got, &e), -ENOENT);
	vpd_inventory_free(&s2);
	vpd_inventory_free(&cache);
	store_close(s);
}

Test(vpd_db, removal_and_readd)
{
	struct store *s;
	struct ras_err e;
	struct vpd_refresh_result r;
	struct vpd_history_row *h;
	size_t n;

	cr_assert_eq(store_open(dbp, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(vpd_store_refresh(s, root, "start", NULL, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(sim_vpd_remove(root, "U78D2.001.WZS0001-P1-C9", &e), 0, "%s", e.msg);
	cr_assert_eq(vpd_store_refresh(s, root, "uevent", NULL, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.n_changes, 1);
	cr_assert_eq(r.n_frus, 15);
	cr_assert_eq(count(s, "SELECT severity FROM events WHERE refcode = 'removed'"),
		     RAS_SEV_WARNING);
	cr_assert_eq(sim_vpd_init(root, &e), 0, "%s", e.msg); /* the card is back */
	cr_assert_eq(vpd_store_refresh(s, root, "uevent", NULL, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.n_changes, 1);
	cr_assert_eq(vpd_db_history(store_sqlite(s), "U78D2.001.WZS0001-P1-C9", &h, &n, &e), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(h[1].kind, "removed");
	cr_assert_str_eq(h[1].old_serial, "YL10BC4A1001");
	cr_assert_str_eq(h[2].kind, "added");
	free(h);
	store_close(s);
}

Test(vpd_db, fresh_connection_without_tables)
{
	sqlite3 *db;
	struct vpd_inventory inv;
	struct vpd_snapshot_info *si;
	struct vpd_history_row *h;
	struct ras_err e;
	int64_t got = -1;
	size_t n = 1;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(vpd_db_load_snapshot(db, 0, &inv, &got, &e), 0, "no tables = no snapshot");
	cr_assert_eq(got, 0);
	cr_assert_eq(inv.n, 0);
	cr_assert_eq(vpd_db_load_snapshot(db, 5, &inv, &got, &e), -ENOENT);
	cr_assert_eq(vpd_db_list_snapshots(db, 0, &si, &n, &e), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(vpd_db_history(db, NULL, &h, &n, &e), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(vpd_db_prepare(db, &e), -ENOENT, "the store's migration creates the tables");
	sqlite3_close(db);
}
