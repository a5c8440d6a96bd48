/*
 * vpd_db.h - VPD inventory snapshots in the opal-ras SQLite database.
 *
 * A FRU state is one row of vpd_frus valid from snapshot first_snap up to (not
 * including) last_snap (NULL: still current), so a refresh that finds one change
 * writes one snapshot row, closes one row and inserts one; snapshot N is the rows
 * with first_snap <= N < last_snap. Every keyword is a row of vpd_fru_keywords (SQL
 * sees all of it, unlike libvpd's packed blobs); every change a row of vpd_changes.
 *
 * Functions taking a sqlite3 handle do not begin or commit: the caller holds the
 * transaction (vpd_store_refresh() does, together with the events, in one commit).
 */
#ifndef OPAL_RAS_VPD_VPD_DB_H
#define OPAL_RAS_VPD_VPD_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "vpd/vpd.h"

struct sqlite3;
struct store;

/* The DDL of the snapshot tables (CREATE ... IF NOT EXISTS). */

/* Create the snapshot tables on this connection if they are missing. */
int vpd_db_prepare(struct sqlite3 *db, struct ras_err *e);
/* Same, through the store's connection. */
int vpd_db_create_tables(struct store *s, struct ras_err *e);

/* Record inv as a new snapshot; ch/n are inv's differences from the current snapshot
 * (vpd_db_load_snapshot(db, 0, ...)), or from an empty inventory for the first one,
 * whose changes are recorded with kind "baseline". */
int vpd_db_save_snapshot(struct sqlite3 *db, const struct vpd_inventory *inv,
			 const struct vpd_change *ch, size_t n, const char *reason,
			 int64_t *snap_id, struct ras_err *e);

/* Load snapshot id (0: the latest) into out (sorted by location). *got_id is the
 * snapshot loaded, 0 when the database holds none (out is then empty). -ENOENT when
 * the id does not exist. */
int vpd_db_load_snapshot(struct sqlite3 *db, int64_t id, struct vpd_inventory *out, int64_t *got_id,
			 struct ras_err *e);

struct vpd_snapshot_info {
	int64_t id;
	int64_t taken_us;
	char reason[32];
	int64_t n_frus;
	int64_t n_changes;
};

/* Snapshots newest first (at most max; max 0 = all); *out malloc'd. */
int vpd_db_list_snapshots(struct sqlite3 *db, size_t max, struct vpd_snapshot_info **out, size_t *n,
			  struct ras_err *e);

struct vpd_history_row {
	int64_t snapshot_id;
	int64_t time_us;
	char kind[16];
	char location[128];
	char old_serial[64], new_serial[64];
	char old_fw[64], new_fw[64];
	char part_number[64];
	char description[96];
};

/* Changes oldest first, all or those at one location (loc NULL = all). */
int vpd_db_history(struct sqlite3 *db, const char *loc, struct vpd_history_row **out, size_t *n,
		   struct ras_err *e);

/* ---- the refresh the daemon and `opal-vpd refresh` run ------------------------- */

struct vpd_refresh_result {
	int64_t snapshot_id;
	size_t n_frus;
	size_t n_changes;
	size_t n_events; /* events appended (0 for the first, baseline snapshot) */
	bool baseline; /* there was no snapshot before this one */
	bool unchanged; /* nothing changed: nothing written, snapshot_id is the current one */
};

/*
 * Build the inventory of root (reusing *cache's unchanged sources when cache holds a
 * previous inventory), diff it against the database's current snapshot, and in one
 * transaction store the new snapshot plus one "vpd-change" event per change (none for
 * the baseline). When nothing changed nothing is written (r->unchanged). The store
 * must be open for writing. On success *cache (may be NULL)
 * is replaced by the new inventory (caller frees it with vpd_inventory_free).
 */
int vpd_store_refresh(struct store *s, const char *root, const char *reason,
		      struct vpd_inventory *cache, struct vpd_refresh_result *r, struct ras_err *e);

#endif
