/*
 * store.c - opening, migrating and writing the error-log database (see store.h).
 *
 * Invariants: a batch is one IMMEDIATE transaction and its COMMIT is durable before
 * store_commit() returns 0 (WAL + synchronous=FULL, or in async mode synchronous=NORMAL
 * plus the flush thread's fdatasync: store_sync.c); every record is inserted
 * with ON CONFLICT(dedupe_key) DO NOTHING, so a re-offered record changes nothing;
 * the events_rollup counts of a batch's new events are written just before its COMMIT;
 * statements are prepared once per connection. The WAL and shm files are kept
 * (PERSIST_WAL) so readers without write permission can open the database.
 */
#include "errlog/store_internal.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/json.h"
#include "common/path.h"
#include "common/timeutil.h"

#define STORE_BUSY_TIMEOUT_MS 5000

static const char *const stmt_sql[ST__COUNT] = {
	[ST_INSERT_EVENT] =
		"INSERT INTO events (source, kind, dedupe_key, time_us, logged_us, severity,"
		" source_severity, source_severity_name, subsystem, refcode, location, summary,"
		" serviceable, call_home, guest, attrs, raw, callouts)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18) ON CONFLICT(dedupe_key) DO NOTHING",
	[ST_FIND_DEDUPE] = "SELECT id FROM events WHERE dedupe_key = ?1",
	[ST_INSERT_OUTBOX] = "INSERT INTO outbox (event_id, target, updated_us)"
			     " VALUES (?1, ?2, ?3)",
	[ST_CURSOR_GET] = "SELECT value FROM cursors WHERE name = ?1",
	[ST_CURSOR_SET] = "INSERT INTO cursors (name, value, updated_us) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
			  " updated_us = excluded.updated_us",
	[ST_ROLLUP_ADD] = "INSERT INTO events_rollup (day, kind, severity, subsystem, open, n)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
			  " ON CONFLICT DO UPDATE SET n = n + excluded.n",
	[ST_TERM_ADD] = "INSERT OR IGNORE INTO event_terms (day, term) VALUES (?1, ?2)",
	[ST_DATA_VERSION] = "PRAGMA data_version",
};

/* Map an SQLite result to an errno-style code and fill e. */
int store_sqlerr(struct store *s, struct ras_err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db);
	int code;

	switch (rc & 0xff) {
	case SQLITE_FULL:
		code = -ENOSPC;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		code = -EROFS;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = -EBUSY;
		break;
	case SQLITE_NOMEM:
		code = -ENOMEM;
		break;
	case SQLITE_CONSTRAINT:
		code = -EEXIST;
		break;
	case SQLITE_CANTOPEN:
		code = -EACCES;
		break;
	default:
		code = -EIO;
	}
	return ras_errf(e, code, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *store_stmt(struct store *s, enum store_stmt_id id, struct ras_err *e)
{
	if (!s->st[id]) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id],
				       NULL) != SQLITE_OK) {
			store_sqlerr(s, e, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(s->st[id]);
		sqlite3_clear_bindings(s->st[id]);
	}
	return s->st[id];
}

static int exec(struct store *s, const char *sql, struct ras_err *e)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, sql);
	return 0;
}

static int user_version(struct store *s, int *v, struct ras_err *e)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "read schema version");
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sqlerr(s, e, "read schema version");
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Apply every migration after the current version, in one transaction. */
static int migrate(struct store *s, int have, struct ras_err *e)
{
	char sql[64];
	int rc;

	if (have >= store_schema_version)
		return 0;
	rc = exec(s, "BEGIN IMMEDIATE", e);
	if (rc)
		return rc;
	/* Re-read under the write lock: another writer may have migrated meanwhile. */
	rc = user_version(s, &have, e);
	for (int v = have; !rc && v < store_schema_version; v++)
		rc = exec(s, store_migrations[v], e);
	if (!rc) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version);
		rc = exec(s, sql, e);
	}
	if (!rc)
		rc = exec(s, "COMMIT", e);
	if (rc)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* New database files: root:adm 0640 so members of adm can read without root. */
static void set_owner_and_mode(const char *path)
{
	struct group *g = getgrnam("adm");
	char side[4200];

	for (int i = 0; i < 3; i++) {
		snprintf(side, sizeof(side), "%s%s", path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
		if (access(side, F_OK) != 0)
			continue;
		if (g && geteuid() == 0 && chown(side, 0, g->gr_gid) != 0)
			continue;
		(void)chmod(side, 0640);
	}
}

int store_open(const char *path, enum store_mode mode, struct store **out, struct ras_err *e)
{
	struct store *s;
	int flags, rc, have = 0;
	bool created = false;

	*out = NULL;
	if (access(path, F_OK) != 0) {
		if (mode != STORE_CREATE)
			return ras_errf(e, -ENOENT,
					"no database at %s (the opal-prd daemon creates it; "
					"`opal-elog import --db %s FILE` creates one from PEL files)",
					path, path);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			rc = mkdir_p(dir, 0755);
			if (rc)
				return ras_errf(e, rc, "%s: cannot create directory: %s", dir,
						strerror(-rc));
		}
		created = true;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return ras_errf(e, -ENOMEM, "out of memory");
	s->path = strdup(path);
	s->mode = mode;
	flags = mode == STORE_RDONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (mode == STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	mode_t old_umask = umask(027);
	rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	umask(old_umask);
	if (rc != SQLITE_OK) {
		rc = ras_errf(e, rc == SQLITE_CANTOPEN ? -EACCES : -EIO, "%s: cannot open: %s", path,
			      s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(s->db, 1);
	rc = user_version(s, &have, e);
	if (rc)
		goto fail;
	if (have > store_schema_version) {
		rc = ras_errf(e, -EPROTO,
			      "%s: database schema version %d is newer than this opal-ras "
			      "understands (%d); upgrade opal-ras to read it",
			      path, have, store_schema_version);
		goto fail;
	}
	if (mode == STORE_RDONLY) {
		if (have < store_schema_version) {
			rc = ras_errf(e, have == 0 ? -ENOENT : -EPROTO,
				      have == 0 ? "%s: not an opal-ras database (schema version %d)"
						: "%s: database schema version %d is older than %d; "
						  "it is upgraded by the daemon or any writing "
						  "command (opal-elog check --db PATH as its owner)",
				      path, have, store_schema_version);
			goto fail;
		}
		rc = exec(s, "PRAGMA query_only = 1", e);
		if (rc)
			goto fail;
	} else {
		int persist = 1;
		/* Bigger pages: fewer WAL frames and write calls per batch (only takes effect
		 * on a new database, before WAL mode is set). */
		rc = created ? exec(s, "PRAGMA page_size = 16384", e) : 0;
		if (!rc)
			rc = exec(s, "PRAGMA journal_mode = WAL", e);
		if (!rc)
			rc = exec(s, "PRAGMA synchronous = FULL", e);
		if (!rc)
			rc = exec(s, "PRAGMA foreign_keys = ON", e);
		/* A writer's page cache: large enough that index pages touched by a batch
		 * stay in memory (it only grows as used; released when idle). */
		if (!rc)
			rc = exec(s, "PRAGMA cache_size = -32768", e);
		/* Checkpoint every ~32 MiB of WAL rather than 16 MiB: fewer database fsyncs
		 * during an error storm. */
		if (!rc)
			rc = sqlite3_wal_autocheckpoint(s->db, STORE_WAL_CKPT_PAGES) == SQLITE_OK
				     ? 0
				     : store_sqlerr(s, e, "wal_autocheckpoint");
		if (!rc && created)
			rc = exec(s, "PRAGMA auto_vacuum = INCREMENTAL", e);
		if (rc)
			goto fail;
		sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
		rc = migrate(s, have, e);
		if (rc)
			goto fail;
		if (created)
			set_owner_and_mode(path);
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	store_async_stop(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	store_rollup_free(s);
	store_terms_free(s);
	if (s->attr_f)
		fclose(s->attr_f);
	free(s->attr_buf);
	if (s->db)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

sqlite3 *store_sqlite(struct store *s)
{
	return s->db;
}

void store_release_memory(struct store *s)
{
	sqlite3_db_release_memory(s->db);
}

const char *store_path(struct store *s)
{
	return s->path;
}

int store_begin(struct store *s, struct ras_err *e)
{
	int rc;

	if (s->in_batch)
		return ras_errf(e, -EALREADY, "%s: a batch is already open", s->path);
	rc = store_sync_error(s, e);
	if (rc)
		return rc;
	store_sync_before_batch(s);
	rc = exec(s, "BEGIN IMMEDIATE", e);
	if (rc)
		return rc;
	s->in_batch = 1;
	/* Under the write lock: has another connection committed since our last batch?
	 * Then what this one remembers of the terms it wrote may be stale. */
	sqlite3_stmt *st = store_stmt(s, ST_DATA_VERSION, e);
	if (st && sqlite3_step(st) == SQLITE_ROW) {
		int64_t v = sqlite3_column_int64(st, 0);
		if (v != s->data_version)
			store_terms_forget(s);
		s->data_version = v;
	} else {
		store_terms_forget(s);
	}
	if (st)
		sqlite3_reset(st);
	return 0;
}

int store_commit(struct store *s, struct ras_err *e)
{
	uint64_t seq;
	int rc = store_commit_async(s, &seq, e);

	return rc ? rc : store_wait_durable(s, seq, e);
}

int store_commit_async(struct store *s, uint64_t *seq, struct ras_err *e)
{
	int rc;

	*seq = 0;
	if (!s->in_batch)
		return ras_errf(e, -EINVAL, "%s: commit without a batch", s->path);
	rc = store_rollup_flush(s, e);
	if (!rc)
		rc = store_terms_flush(s, e);
	if (!rc)
		rc = exec(s, "COMMIT", e);
	if (rc) {
		/* A failed COMMIT (disk full) leaves the transaction open: roll it back so
		 * the caller can retry the whole batch later. */
		store_rollback(s);
		return rc;
	}
	s->in_batch = 0;
	*seq = store_sync_committed(s);
	return 0;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	store_rollup_clear(s);
	store_terms_clear(s);
	s->in_batch = 0;
}

/* The attrs column, one JSON object {"name":"value",...}, and the callouts column, one
 * JSON array of [priority, location, part, serial, ccin, fru_kind] arrays, built one
 * after the other in the store's reused buffer (no allocation per event on the ingest
 * path). NULL when the event has none. */
struct event_json {
	const char *attrs, *callouts;
	size_t attrs_len, callouts_len;
};

static void json_str_or_null(struct json_writer *w, const char *v)
{
	if (v)
		json_str(w, v);
	else
		json_null(w);
}

static int event_json(struct store *s, const struct ras_event *ev, struct event_json *out)
{
	struct json_writer w;
	long mid = 0, end;
	FILE *f;

	*out = (struct event_json){ 0 };
	if (!ev->n_attrs && !ev->n_callouts)
		return 0;
	if (!s->attr_f) {
		s->attr_f = open_memstream(&s->attr_buf, &s->attr_len);
		if (!s->attr_f)
			return -ENOMEM;
	}
	f = s->attr_f;
	rewind(f);
	if (ev->n_attrs) {
		json_init(&w, f, false);
		json_obj_begin(&w);
		for (size_t i = 0; i < ev->n_attrs; i++)
			json_kstr(&w, ev->attrs[i].name,
				  ev->attrs[i].value ? ev->attrs[i].value : "");
		json_obj_end(&w);
		mid = ftell(f);
	}
	if (ev->n_callouts) {
		json_init(&w, f, false);
		json_arr_begin(&w);
		for (size_t i = 0; i < ev->n_callouts; i++) {
			const struct ras_callout *c = &ev->callouts[i];
			char prio[2] = { (char)c->priority, 0 };
			json_arr_begin(&w);
			json_str_or_null(&w, c->priority > 0x20 && c->priority < 0x7f ? prio : NULL);
			json_str_or_null(&w, c->location);
			json_str_or_null(&w, c->part);
			json_str_or_null(&w, c->serial);
			json_str_or_null(&w, c->ccin);
			json_str_or_null(&w, c->fru_kind);
			json_arr_end(&w);
		}
		json_arr_end(&w);
	}
	end = ftell(f);
	if (fflush(f) != 0 || mid < 0 || end < 0)
		return -ENOMEM;
	if (ev->n_attrs) {
		out->attrs = s->attr_buf;
		out->attrs_len = (size_t)mid;
	}
	if (ev->n_callouts) {
		out->callouts = s->attr_buf + mid;
		out->callouts_len = (size_t)(end - mid);
	}
	return 0;
}

/* The event's terms for event_terms: its SRC, its location and its callouts'. */
static int add_terms(struct store *s, const struct ras_event *ev, int64_t time_us,
		     struct ras_err *e)
{
	int64_t day = store_day_of(time_us);
	int rc = store_terms_add(s, day, 's', ev->refcode, e);

	if (!rc)
		rc = store_terms_add(s, day, 'l', ev->location, e);
	for (size_t i = 0; !rc && i < ev->n_callouts; i++)
		rc = store_terms_add(s, day, 'l', ev->callouts[i].location, e);
	return rc;
}

int store_append(struct store *s, struct ras_event *ev, bool *is_new, struct ras_err *e)
{
	sqlite3_stmt *st;
	struct event_json js;
	int64_t now = ev->logged_us ? ev->logged_us : time_now_us();
	int64_t t = ev->time_us ? ev->time_us : now;
	int rc;

	if (is_new)
		*is_new = false;
	if (!s->in_batch)
		return ras_errf(e, -EINVAL, "%s: append outside a batch", s->path);
	if (!ev->dedupe_key || !ev->dedupe_key[0] || !ev->kind || !ev->source)
		return ras_errf(e, -EINVAL, "event without source, kind or dedupe key");
	st = store_stmt(s, ST_INSERT_EVENT, e);
	if (!st)
		return -EIO;
	rc = event_json(s, ev, &js);
	if (rc)
		return ras_errf(e, rc, "out of memory");
	store_bind_text(st, 1, ev->source);
	store_bind_text(st, 2, ev->kind);
	store_bind_text(st, 3, ev->dedupe_key);
	sqlite3_bind_int64(st, 4, t);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, (int)ev->severity);
	if (ev->source_severity >= 0)
		sqlite3_bind_int(st, 7, ev->source_severity);
	store_bind_text(st, 8, ev->source_severity_name);
	store_bind_text(st, 9, ev->subsystem);
	store_bind_text(st, 10, ev->refcode);
	store_bind_text(st, 11, ev->location);
	store_bind_text(st, 12, ev->summary);
	sqlite3_bind_int(st, 13, ev->serviceable);
	sqlite3_bind_int(st, 14, ev->call_home);
	store_bind_text(st, 15, ev->guest);
	if (js.attrs)
		sqlite3_bind_text(st, 16, js.attrs, (int)js.attrs_len, SQLITE_STATIC);
	if (ev->raw && ev->raw_len)
		sqlite3_bind_blob(st, 17, ev->raw, (int)ev->raw_len, SQLITE_STATIC);
	if (js.callouts)
		sqlite3_bind_text(st, 18, js.callouts, (int)js.callouts_len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, e, "insert event");
	if (sqlite3_changes(s->db) == 0) {
		/* A re-offered record: already stored, nothing else to write. */
		return store_find_dedupe(s, ev->dedupe_key, &ev->id, e);
	}
	ev->id = sqlite3_last_insert_rowid(s->db);
	rc = store_rollup_add(s, t, ev->kind, (int)ev->severity, ev->subsystem, 1, e);
	if (!rc)
		rc = add_terms(s, ev, t, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < ev->n_deliveries; i++) {
		st = store_stmt(s, ST_INSERT_OUTBOX, e);
		if (!st)
			return -EIO;
		sqlite3_bind_int64(st, 1, ev->id);
		store_bind_text(st, 2, ev->deliveries[i]);
		sqlite3_bind_int64(st, 3, now);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_sqlerr(s, e, "insert outbox row");
	}
	if (is_new)
		*is_new = true;
	return 0;
}

int store_find_dedupe(struct store *s, const char *key, int64_t *id, struct ras_err *e)
{
	sqlite3_stmt *st = store_stmt(s, ST_FIND_DEDUPE, e);
	int rc;

	if (!st)
		return -EIO;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ras_errf(e, -ENOENT, "no event with dedupe key %s", key);
	return store_sqlerr(s, e, "find dedupe key");
}

int store_cursor_get(struct store *s, const char *name, char *out, size_t n, struct ras_err *e)
{
	sqlite3_stmt *st = store_stmt(s, ST_CURSOR_GET, e);
	int rc;

	if (!st)
		return -EIO;
	store_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, n, "%s", v ? v : "");
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return -ENOENT;
	return store_sqlerr(s, e, "read cursor");
}

int store_cursor_set(struct store *s, const char *name, const char *value, struct ras_err *e)
{
	sqlite3_stmt *st = store_stmt(s, ST_CURSOR_SET, e);
	int rc;

	if (!st)
		return -EIO;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, value);
	sqlite3_bind_int64(st, 3, time_now_us());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, e, "write cursor");
	return 0;
}
