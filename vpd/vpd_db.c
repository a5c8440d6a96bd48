/*
 * vpd_db.c - the VPD snapshot tables (DDL below) and their reads and writes on an
 * SQLite connection (see vpd_db.h for the validity-interval model).
 *
 * Invariants: at most one current row (last_snap IS NULL) per location (a partial
 * unique index enforces it); statements bind every value (no SQL is pasted together
 * from data); no function here begins or commits a transaction.
 */
#include "vpd/vpd_db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "errlog/store.h"

static int db_err(struct ras_err *e, sqlite3 *db, const char *what)
{
	int code = sqlite3_errcode(db);
	return ras_errf(e,
			code == SQLITE_BUSY	  ? -EBUSY
			: code == SQLITE_READONLY ? -EROFS
						  : -EIO,
			"vpd database: %s: %s", what, sqlite3_errmsg(db));
}

static bool tables_exist(sqlite3 *db);

/* The tables are created by the store's migration 3 (errlog/store_schema.c). */
int vpd_db_prepare(sqlite3 *db, struct ras_err *e)
{
	if (!tables_exist(db))
		return ras_errf(e, -ENOENT,
				"vpd database: no snapshot tables (open it with the store, which "
				"migrates the schema)");
	return 0;
}

int vpd_db_create_tables(struct store *s, struct ras_err *e)
{
	return vpd_db_prepare(store_sqlite(s), e);
}

/* True when the tables exist (a read-only open of a database no writer prepared). */
static bool tables_exist(sqlite3 *db)
{
	sqlite3_stmt *st;
	bool ok = false;

	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM sqlite_master WHERE type='table' AND name='vpd_frus'",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ok;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static int latest_id(sqlite3 *db, int64_t *id, struct ras_err *e)
{
	sqlite3_stmt *st;

	*id = 0;
	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM vpd_snapshots", -1, &st, NULL) != SQLITE_OK)
		return db_err(e, db, "reading the latest snapshot");
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int vpd_db_save_snapshot(sqlite3 *db, const struct vpd_inventory *inv, const struct vpd_change *ch,
			 size_t n, const char *reason, int64_t *snap_id, struct ras_err *e)
{
	sqlite3_stmt *snap = NULL, *close_row = NULL, *ins = NULL, *kw = NULL, *chg = NULL,
		     *cur = NULL;
	int64_t sid, before;
	int rc = 0;

	rc = latest_id(db, &before, e);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO vpd_snapshots (taken_us, reason, n_frus, n_changes) "
			       "VALUES (?,?,?,?)",
			       -1, &snap, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    db,
		    "UPDATE vpd_frus SET last_snap = ?1 WHERE location = ?2 AND last_snap IS NULL",
		    -1, &close_row, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT id FROM vpd_frus WHERE location = ? AND last_snap IS NULL",
			       -1, &cur, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO vpd_frus (location, first_snap, source, node, "
			       "fru_type, description,"
			       " part_number, fru_number, serial, ccin, ec_level, fw_level)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    db,
		    "INSERT INTO vpd_fru_keywords (fru_id, seq, keyword, value) VALUES (?,?,?,?)",
		    -1, &kw, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    db,
		    "INSERT INTO vpd_changes (snapshot_id, kind, location, old_fru, new_fru)"
		    " VALUES (?,?,?,?,?)",
		    -1, &chg, NULL) != SQLITE_OK) {
		rc = db_err(e, db, "preparing the snapshot statements");
		goto out;
	}
	sqlite3_bind_int64(snap, 1, inv->taken_us ? inv->taken_us : time_now_us());
	bind_text(snap, 2, reason ? reason : "refresh");
	sqlite3_bind_int64(snap, 3, (sqlite3_int64)inv->n);
	sqlite3_bind_int64(snap, 4, (sqlite3_int64)n);
	if (sqlite3_step(snap) != SQLITE_DONE) {
		rc = db_err(e, db, "inserting the snapshot");
		goto out;
	}
	sid = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct vpd_change *c = &ch[i];
		const struct vpd_fru *f = c->new_fru;
		const char *loc = f ? f->location : c->old_fru->location;
		int64_t old_id = 0, new_id = 0;

		sqlite3_reset(cur);
		bind_text(cur, 1, loc);
		if (sqlite3_step(cur) == SQLITE_ROW)
			old_id = sqlite3_column_int64(cur, 0);
		sqlite3_reset(cur);
		if (old_id) {
			sqlite3_reset(close_row);
			sqlite3_bind_int64(close_row, 1, sid);
			bind_text(close_row, 2, loc);
			if (sqlite3_step(close_row) != SQLITE_DONE) {
				rc = db_err(e, db, "closing a FRU row");
				break;
			}
		}
		if (f) {
			const char *v[] = { f->location,   f->source,	   f->node,
					    f->fru_type,   f->description, f->part_number,
					    f->fru_number, f->serial,	   f->ccin,
					    f->ec_level,   f->fw_level };
			sqlite3_reset(ins);
			bind_text(ins, 1, v[0]);
			sqlite3_bind_int64(ins, 2, sid);
			for (int k = 1; k < 11; k++)
				bind_text(ins, k + 2, v[k]);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				rc = db_err(e, db, "inserting a FRU row");
				break;
			}
			new_id = sqlite3_last_insert_rowid(db);
			for (size_t k = 0; k < f->n_fields; k++) {
				sqlite3_reset(kw);
				sqlite3_bind_int64(kw, 1, new_id);
				sqlite3_bind_int64(kw, 2, (sqlite3_int64)k);
				bind_text(kw, 3, f->fields[k].kw);
				bind_text(kw, 4, f->fields[k].value);
				if (sqlite3_step(kw) != SQLITE_DONE) {
					rc = db_err(e, db, "inserting a keyword row");
					break;
				}
			}
		}
		if (rc)
			break;
		sqlite3_reset(chg);
		sqlite3_bind_int64(chg, 1, sid);
		/* The first snapshot's FRUs are the baseline, not additions. */
		bind_text(chg, 2,
			  before == 0 && c->kind == VPD_CHG_ADDED ? "baseline"
								  : vpd_change_kind_name(c->kind));
		bind_text(chg, 3, loc);
		if (old_id)
			sqlite3_bind_int64(chg, 4, old_id);
		else
			sqlite3_bind_null(chg, 4);
		if (new_id)
			sqlite3_bind_int64(chg, 5, new_id);
		else
			sqlite3_bind_null(chg, 5);
		if (sqlite3_step(chg) != SQLITE_DONE)
			rc = db_err(e, db, "inserting a change row");
	}
	if (!rc && snap_id)
		*snap_id = sid;
out:
	sqlite3_finalize(snap);
	sqlite3_finalize(close_row);
	sqlite3_finalize(cur);
	sqlite3_finalize(ins);
	sqlite3_finalize(kw);
	sqlite3_finalize(chg);
	return rc;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

int vpd_db_load_snapshot(sqlite3 *db, int64_t id, struct vpd_inventory *out, int64_t *got_id,
			 struct ras_err *e)
{
	sqlite3_stmt *st = NULL, *kw = NULL;
	int rc = 0, step;
	size_t fi = 0;

	memset(out, 0, sizeof(*out));
	if (got_id)
		*got_id = 0;
	if (!tables_exist(db))
		return id ? ras_errf(e, -ENOENT, "no VPD snapshot %lld in the database",
				     (long long)id)
			  : 0;
	if (id == 0) {
		rc = latest_id(db, &id, e);
		if (rc || id == 0)
			return rc;
	}
	if (sqlite3_prepare_v2(db, "SELECT taken_us FROM vpd_snapshots WHERE id = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(e, db, "reading a snapshot");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return ras_errf(e, -ENOENT, "no VPD snapshot %lld in the database", (long long)id);
	}
	out->taken_us = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT location, source, node, fru_type, description, part_number, fru_number,"
		    " serial, ccin, ec_level, fw_level FROM vpd_frus"
		    " WHERE first_snap <= ?1 AND (last_snap IS NULL OR last_snap > ?1) ORDER BY "
		    "location",
		    -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    db,
		    "SELECT f.location, k.keyword, k.value FROM vpd_frus f JOIN vpd_fru_keywords k"
		    " ON k.fru_id = f.id WHERE f.first_snap <= ?1 AND (f.last_snap IS NULL OR"
		    " f.last_snap > ?1) ORDER BY f.location, k.seq",
		    -1, &kw, NULL) != SQLITE_OK) {
		rc = db_err(e, db, "preparing the snapshot query");
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(kw, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vpd_fru *f = vpd_inventory_add(out, col(st, 0));
		if (!f) {
			rc = ras_errf(e, -ENOMEM, "out of memory loading snapshot %lld",
				      (long long)id);
			goto out;
		}
		vpd_fru_set(&f->source, col(st, 1));
		vpd_fru_set(&f->node, col(st, 2));
		vpd_fru_set(&f->fru_type, col(st, 3));
		vpd_fru_set(&f->description, col(st, 4));
		vpd_fru_set(&f->part_number, col(st, 5));
		vpd_fru_set(&f->fru_number, col(st, 6));
		vpd_fru_set(&f->serial, col(st, 7));
		vpd_fru_set(&f->ccin, col(st, 8));
		vpd_fru_set(&f->ec_level, col(st, 9));
		vpd_fru_set(&f->fw_level, col(st, 10));
	}
	if (step != SQLITE_DONE) {
		rc = db_err(e, db, "reading FRU rows");
		goto out;
	}
	/* SQLite's ORDER BY location is memcmp order, like strcmp: same order as out. */
	while ((step = sqlite3_step(kw)) == SQLITE_ROW) {
		const char *loc = col(kw, 0);
		while (fi < out->n && strcmp(out->frus[fi].location, loc) < 0)
			fi++;
		if (fi < out->n && !strcmp(out->frus[fi].location, loc))
			vpd_fru_add_field(&out->frus[fi], col(kw, 1), col(kw, 2));
	}
	if (step != SQLITE_DONE)
		rc = db_err(e, db, "reading keyword rows");
	else if (got_id)
		*got_id = id;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(kw);
	if (rc)
		vpd_inventory_free(out);
	return rc;
}

int vpd_db_list_snapshots(sqlite3 *db, size_t max, struct vpd_snapshot_info **out, size_t *n,
			  struct ras_err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (!tables_exist(db))
		return 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, taken_us, reason, n_frus, n_changes FROM vpd_snapshots"
			       " ORDER BY id DESC LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(e, db, "listing snapshots");
	sqlite3_bind_int64(st, 1, max ? (sqlite3_int64)max : -1);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vpd_snapshot_info *s;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vpd_snapshot_info *p = realloc(*out, nc * sizeof(*p));
			if (!p) {
				sqlite3_finalize(st);
				return ras_errf(e, -ENOMEM, "out of memory listing snapshots");
			}
			*out = p;
			cap = nc;
		}
		s = &(*out)[(*n)++];
		s->id = sqlite3_column_int64(st, 0);
		s->taken_us = sqlite3_column_int64(st, 1);
		snprintf(s->reason, sizeof(s->reason), "%s", col(st, 2));
		s->n_frus = sqlite3_column_int64(st, 3);
		s->n_changes = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_err(e, db, "listing snapshots");
}

int vpd_db_history(sqlite3 *db, const char *loc, struct vpd_history_row **out, size_t *n,
		   struct ras_err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (!tables_exist(db))
		return 0;
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT c.snapshot_id, s.taken_us, c.kind, c.location,"
		    " coalesce(o.serial, ''), coalesce(w.serial, ''), coalesce(o.fw_level, ''),"
		    " coalesce(w.fw_level, ''), coalesce(w.part_number, o.part_number, ''),"
		    " coalesce(nullif(w.description, ''), o.description, '')"
		    " FROM vpd_changes c JOIN vpd_snapshots s ON s.id = c.snapshot_id"
		    " LEFT JOIN vpd_frus o ON o.id = c.old_fru LEFT JOIN vpd_frus w ON w.id = "
		    "c.new_fru"
		    " WHERE ?1 IS NULL OR c.location = ?1 ORDER BY c.snapshot_id, c.id",
		    -1, &st, NULL) != SQLITE_OK)
		return db_err(e, db, "reading the change history");
	if (loc)
		bind_text(st, 1, loc);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct vpd_history_row *h;
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vpd_history_row *p = realloc(*out, nc * sizeof(*p));
			if (!p) {
				sqlite3_finalize(st);
				return ras_errf(e, -ENOMEM, "out of memory reading history");
			}
			*out = p;
			cap = nc;
		}
		h = &(*out)[(*n)++];
		h->snapshot_id = sqlite3_column_int64(st, 0);
		h->time_us = sqlite3_column_int64(st, 1);
		snprintf(h->kind, sizeof(h->kind), "%s", col(st, 2));
		snprintf(h->location, sizeof(h->location), "%s", col(st, 3));
		snprintf(h->old_serial, sizeof(h->old_serial), "%s", col(st, 4));
		snprintf(h->new_serial, sizeof(h->new_serial), "%s", col(st, 5));
		snprintf(h->old_fw, sizeof(h->old_fw), "%s", col(st, 6));
		snprintf(h->new_fw, sizeof(h->new_fw), "%s", col(st, 7));
		snprintf(h->part_number, sizeof(h->part_number), "%s", col(st, 8));
		snprintf(h->description, sizeof(h->description), "%s", col(st, 9));
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_err(e, db, "reading the change history");
}

int vpd_store_refresh(struct store *s, const char *root, const char *reason,
		      struct vpd_inventory *cache, struct vpd_refresh_result *r, struct ras_err *e)
{
	sqlite3 *db = store_sqlite(s);
	struct vpd_inventory loaded = { 0 }, cur = { 0 };
	const struct vpd_inventory *prev = &loaded;
	struct vpd_change *ch = NULL;
	struct vpd_event_set evs = { 0 };
	int64_t prev_id = 0, latest = 0, sid = 0;
	size_t nch = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = vpd_db_prepare(db, e);
	if (!rc)
		rc = latest_id(db, &latest, e);
	if (rc)
		return rc;
	if (cache && cache->priv && latest && cache->snapshot_id == latest) {
		prev = cache; /* the cache is the current snapshot: no need to load it */
		prev_id = latest;
	} else {
		rc = vpd_db_load_snapshot(db, latest, &loaded, &prev_id, e);
		if (rc)
			return rc;
	}
	if (cache && cache->priv)
		rc = vpd_inventory_refresh(root, cache, &cur, e);
	else
		rc = vpd_inventory_build(root, &cur, e);
	if (rc)
		goto out;
	rc = vpd_inventory_diff(prev, &cur, &ch, &nch, e);
	if (rc)
		goto out;
	r->baseline = prev_id == 0;
	r->n_frus = cur.n;
	if (!r->baseline && nch == 0) {
		/* Nothing changed: no new snapshot row (periodic rescans must not grow
		 * the database); the current snapshot still describes the host. */
		r->snapshot_id = sid = prev_id;
		r->unchanged = true;
		goto keep;
	}
	if (!r->baseline) {
		rc = vpd_events_from_changes(ch, nch, cur.taken_us, &evs, e);
		if (rc)
			goto out;
	}
	rc = store_begin(s, e);
	if (rc)
		goto out;
	rc = vpd_db_save_snapshot(db, &cur, ch, nch, reason, &sid, e);
	for (size_t i = 0; !rc && i < evs.n; i++) {
		bool is_new;
		rc = store_append(s, &evs.ev[i], &is_new, e);
		if (!rc && is_new)
			r->n_events++;
	}
	if (rc) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s, e);
	if (rc)
		goto out;
	r->snapshot_id = sid;
	r->n_changes = nch;
keep:
	if (cache) {
		/* The events and changes point into prev (maybe the cache): done with them. */
		vpd_events_free(&evs);
		free(ch);
		ch = NULL;
		vpd_inventory_free(cache);
		*cache = cur;
		cache->snapshot_id = sid;
		memset(&cur, 0, sizeof(cur));
	}
out:
	vpd_events_free(&evs);
	free(ch);
	vpd_inventory_free(&loaded);
	vpd_inventory_free(&cur);
	return rc;
}
