/*
 * store_schema.c - the database schema as a list of forward-only migrations.
 *
 * Migration N (1-based) takes a database from user_version N-1 to N. Released
 * migrations are never edited: a change is a new entry at the end. The store applies
 * the missing ones in one transaction at open time; a database whose user_version is
 * larger than STORE_SCHEMA_VERSION was written by a newer opal-ras and is refused.
 */
#include "errlog/store_internal.h"

const char *const store_migrations[] = {
	/* 1: events, their attributes and callouts, source cursors, the outbox. */
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" dedupe_key TEXT NOT NULL UNIQUE,"
	" time_us INTEGER NOT NULL,"
	" logged_us INTEGER NOT NULL,"
	" severity INTEGER NOT NULL,"
	" source_severity INTEGER,"
	" source_severity_name TEXT,"
	" subsystem TEXT,"
	" refcode TEXT,"
	" location TEXT,"
	" summary TEXT,"
	" serviceable INTEGER NOT NULL DEFAULT 0,"
	" call_home INTEGER NOT NULL DEFAULT 0,"
	" open INTEGER NOT NULL DEFAULT 1,"
	" closed_us INTEGER,"
	" close_reason TEXT,"
	" guest TEXT,"
	" attrs TEXT,"
	" raw BLOB);"
	"CREATE INDEX events_time ON events(time_us);"
	"CREATE INDEX events_refcode ON events(refcode);"
	"CREATE INDEX events_location ON events(location);"
	"CREATE TABLE callouts ("
	" event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" priority TEXT,"
	" location TEXT,"
	" part TEXT,"
	" serial TEXT,"
	" ccin TEXT,"
	" fru_kind TEXT,"
	" PRIMARY KEY (event_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX callouts_location ON callouts(location);"
	"CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL,"
	" updated_us INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" target TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending',"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_us INTEGER NOT NULL DEFAULT 0,"
	" updated_us INTEGER NOT NULL DEFAULT 0);" /* one row per (event, target): rows
						     * are written only with a new event */
	"CREATE INDEX outbox_pending ON outbox(state, next_us);"
	"CREATE TABLE event_history ("
	" event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" time_us INTEGER NOT NULL,"
	" action TEXT NOT NULL,"
	" actor TEXT,"
	" reason TEXT);"
	"CREATE INDEX event_history_event ON event_history(event_id);",

	/* 2: every hook run (attempt), with what the hook said. */
	"CREATE TABLE hook_runs ("
	" id INTEGER PRIMARY KEY,"
	" hook TEXT NOT NULL,"
	" event_id INTEGER NOT NULL,"   /* the first event of the run */
	" event_count INTEGER NOT NULL," /* > 1 for a coalesced run */
	" event_ids TEXT NOT NULL,"     /* comma-separated */
	" attempt INTEGER NOT NULL,"
	" started_us INTEGER NOT NULL,"
	" duration_us INTEGER NOT NULL,"
	" outcome TEXT NOT NULL,"       /* ok, failed, timeout, error */
	" exit_status INTEGER,"
	" signal INTEGER,"
	" uid INTEGER,"
	" stdout BLOB,"
	" stderr BLOB,"
	" truncated INTEGER NOT NULL DEFAULT 0,"
	" error TEXT);"
	"CREATE INDEX hook_runs_hook ON hook_runs(hook, started_us);"
	"CREATE INDEX hook_runs_event ON hook_runs(event_id);",

	/* 3: VPD inventory snapshots (vpd/vpd_db.c: the validity-interval model). */
	"CREATE TABLE vpd_snapshots ("
		" id INTEGER PRIMARY KEY,"
		" taken_us INTEGER NOT NULL,"
		" reason TEXT NOT NULL,"
		" n_frus INTEGER NOT NULL,"
		" n_changes INTEGER NOT NULL);"
		"CREATE TABLE vpd_frus ("
		" id INTEGER PRIMARY KEY,"
		" location TEXT NOT NULL,"
		" first_snap INTEGER NOT NULL REFERENCES vpd_snapshots(id),"
		" last_snap INTEGER REFERENCES vpd_snapshots(id),"
		" source TEXT NOT NULL,"
		" node TEXT NOT NULL,"
		" fru_type TEXT NOT NULL,"
		" description TEXT NOT NULL,"
		" part_number TEXT NOT NULL,"
		" fru_number TEXT NOT NULL,"
		" serial TEXT NOT NULL,"
		" ccin TEXT NOT NULL,"
		" ec_level TEXT NOT NULL,"
		" fw_level TEXT NOT NULL);"
		"CREATE UNIQUE INDEX vpd_frus_current ON vpd_frus(location)"
		" WHERE last_snap IS NULL;"
		"CREATE INDEX vpd_frus_span ON vpd_frus(first_snap, last_snap);"
		"CREATE INDEX vpd_frus_location ON vpd_frus(location, first_snap);"
		"CREATE INDEX vpd_frus_serial ON vpd_frus(serial);"
		"CREATE TABLE vpd_fru_keywords ("
		" fru_id INTEGER NOT NULL REFERENCES vpd_frus(id) ON DELETE CASCADE,"
		" seq INTEGER NOT NULL,"
		" keyword TEXT NOT NULL,"
		" value TEXT NOT NULL,"
		" PRIMARY KEY (fru_id, seq)) WITHOUT ROWID;"
		"CREATE TABLE vpd_changes ("
		" id INTEGER PRIMARY KEY,"
		" snapshot_id INTEGER NOT NULL REFERENCES vpd_snapshots(id),"
		" kind TEXT NOT NULL,"
		" location TEXT NOT NULL,"
		" old_fru INTEGER REFERENCES vpd_frus(id),"
		" new_fru INTEGER REFERENCES vpd_frus(id));"
		"CREATE INDEX vpd_changes_location ON vpd_changes(location, snapshot_id);"
		"CREATE INDEX vpd_changes_snapshot ON vpd_changes(snapshot_id);",

	/* 4: every attempt to forward an event to a KVM guest over QMP (opal-prd/forward.c). */
	"CREATE TABLE guest_forwards ("
	" id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	" target TEXT NOT NULL,"     /* the outbox target: qmp:CLASS:/socket or qmp:CLASS:@guest */
	" class TEXT NOT NULL,"      /* epow, eeh-failed, eeh-freeze, memory */
	" action TEXT NOT NULL,"     /* powerdown, device_del, record */
	" socket TEXT,"              /* the QMP socket used (NULL when none was reached) */
	" guest TEXT,"               /* query-name's answer, or the guest the event names */
	" device TEXT,"              /* device_del: the QEMU device id */
	" attempt INTEGER NOT NULL,"
	" started_us INTEGER NOT NULL,"
	" latency_us INTEGER NOT NULL,"
	" result TEXT NOT NULL,"     /* ok, recorded, failed, timeout, unreachable, no-guest,
				      * no-device */
	" error TEXT);"
	"CREATE INDEX guest_forwards_event ON guest_forwards(event_id);"
	"CREATE INDEX guest_forwards_guest ON guest_forwards(guest, event_id);",

	/* 5: per (day, kind, severity, subsystem, state) event counts, so `stats` reads a
	 * few thousand rows instead of every event; it starts from the events already
	 * stored. Kept exact in the same transaction as every change: store_append()
	 * counts its inserts and adds them before COMMIT (errlog/store_rollup.c; a
	 * trigger per insert tripled the ingest cost), triggers follow deletes
	 * (retention) and updates (close/reopen). day = floor(time_us / 1 day),
	 * subsystem '-' when NULL (the key stats prints). */
	"CREATE TABLE events_rollup ("
	" day INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" severity INTEGER NOT NULL,"
	" subsystem TEXT NOT NULL,"
	" open INTEGER NOT NULL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (day, kind, severity, subsystem, open)) WITHOUT ROWID;"
	"INSERT INTO events_rollup SELECT " STORE_DAY_SQL("time_us") ", kind, severity,"
	" coalesce(subsystem, '-'), open, count(*) FROM events GROUP BY 1, 2, 3, 4, 5;"
	"CREATE TRIGGER events_rollup_del AFTER DELETE ON events BEGIN"
	" UPDATE events_rollup SET n = n - 1 WHERE day = " STORE_DAY_SQL("old.time_us")
	" AND kind = old.kind AND severity = old.severity"
	" AND subsystem = coalesce(old.subsystem, '-') AND open = old.open;"
	" DELETE FROM events_rollup WHERE day = " STORE_DAY_SQL("old.time_us")
	" AND kind = old.kind AND severity = old.severity"
	" AND subsystem = coalesce(old.subsystem, '-') AND open = old.open AND n <= 0; END;"
	"CREATE TRIGGER events_rollup_upd AFTER UPDATE OF time_us, kind, severity, subsystem,"
	" open ON events BEGIN"
	" UPDATE events_rollup SET n = n - 1 WHERE day = " STORE_DAY_SQL("old.time_us")
	" AND kind = old.kind AND severity = old.severity"
	" AND subsystem = coalesce(old.subsystem, '-') AND open = old.open;"
	" DELETE FROM events_rollup WHERE day = " STORE_DAY_SQL("old.time_us")
	" AND kind = old.kind AND severity = old.severity"
	" AND subsystem = coalesce(old.subsystem, '-') AND open = old.open AND n <= 0;"
	" INSERT INTO events_rollup VALUES (" STORE_DAY_SQL("new.time_us") ", new.kind,"
	" new.severity, coalesce(new.subsystem, '-'), new.open, 1)"
	" ON CONFLICT DO UPDATE SET n = n + 1; END;",

	/* 6: a row layout for fast ingest (errlog/store_terms.c says why). Callouts move
	 * into the event row as a JSON array of [priority, location, part, serial, ccin,
	 * fru_kind] (one row and two index entries fewer per callout); the refcode and
	 * location indexes, whose entries land on random pages, give way to event_terms,
	 * keyed by day first. */
	"ALTER TABLE events ADD COLUMN callouts TEXT;"
	"UPDATE events SET callouts = (SELECT json_group_array(json_array(priority, location,"
	" part, serial, ccin, fru_kind)) FROM (SELECT * FROM callouts c"
	" WHERE c.event_id = events.id ORDER BY seq))"
	" WHERE id IN (SELECT event_id FROM callouts);"
	"CREATE TABLE event_terms ("
	" day INTEGER NOT NULL,"
	" term TEXT NOT NULL,"
	" PRIMARY KEY (day, term)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO event_terms SELECT " STORE_DAY_SQL("time_us") ", 's:' || refcode"
	" FROM events WHERE refcode <> '';"
	"INSERT OR IGNORE INTO event_terms SELECT " STORE_DAY_SQL("time_us") ", 'l:' || location"
	" FROM events WHERE location <> '';"
	"INSERT OR IGNORE INTO event_terms SELECT " STORE_DAY_SQL("e.time_us") ", 'l:' || c.location"
	" FROM callouts c JOIN events e ON e.id = c.event_id WHERE c.location <> '';"
	"DROP TABLE callouts;"
	"DROP INDEX events_refcode;"
	"DROP INDEX events_location;",
};

const int store_schema_version = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
