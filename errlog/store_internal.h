/*
 * store_internal.h - what the store's files share; not for use outside errlog/store*.c.
 */
#ifndef OPAL_RAS_ERRLOG_STORE_INTERNAL_H
#define OPAL_RAS_ERRLOG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "errlog/store.h"

extern const char *const store_migrations[];
extern const int store_schema_version;

enum store_stmt_id {
	ST_INSERT_EVENT,
	ST_FIND_DEDUPE,
	ST_INSERT_CALLOUT,
	ST_INSERT_OUTBOX,
	ST_CURSOR_GET,
	ST_CURSOR_SET,
	ST__COUNT,
};

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int in_batch;
	sqlite3_stmt *st[ST__COUNT];
	FILE *attr_f; /* reused buffer for the attrs JSON of one event */
	char *attr_buf;
	size_t attr_len;
};

/* Prepare (once) and return statement id, reset and with bindings cleared. */
sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id, struct ras_err *e);
int store_sqlerr(struct store *s, struct ras_err *e, const char *what);

#endif
