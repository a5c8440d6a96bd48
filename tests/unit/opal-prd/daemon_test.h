/*
 * daemon_test.h - a daemon assembled by hand for the opal-prd unit tests, without
 * daemon_start(): a fresh root directory (`root`), an optional configuration written
 * there, a store at ROOT/ras.db and an event loop nobody runs unless the test does.
 * The test adds the sources or the outbox it exercises. Also daemon_test_count(): one
 * number from the database through a connection of its own, as the CLI reads it.
 */
#ifndef OPAL_RAS_TEST_DAEMON_TEST_H
#define OPAL_RAS_TEST_DAEMON_TEST_H

#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/path.h"
#include "opal-prd/daemon.h"

static char root[64];
static struct daemon d;

/* A fresh root from template (a mkdtemp pattern), config_yaml (NULL: the defaults)
 * as ROOT/c.yaml, the store created at ROOT/ras.db. */
static inline void daemon_test_setup(const char *template, const char *config_yaml)
{
	char p[512], cfg[512] = "/dev/null";
	struct ras_err e;

	snprintf(root, sizeof(root), "%s", template);
	cr_assert(mkdtemp(root));
	if (config_yaml) {
		root_path(cfg, sizeof(cfg), root, "c.yaml");
		cr_assert_eq(file_write_atomic(cfg, config_yaml, strlen(config_yaml), 0644, NULL),
			     0);
	}
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
}

/* After the test stopped what it started: the store, the loop, the whole root. */
static inline void daemon_test_teardown(void)
{
	char cmd[128];

	store_close(d.store);
	loop_free(d.loop);
	config_free(&d.cfg);
	free((char *)d.db_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

static inline long long daemon_test_count(const char *sql)
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

#endif
