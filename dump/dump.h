/*
 * dump.h - platform dumps: /sys/firmware/opal/dump listing, retrieval, ack, initiate,
 * the FSP dump file header, the stored-dump directory and the event a retrieval records.
 *
 * The kernel shows one directory per dump, named "0x<type>-0x<id>" (lowercase hex),
 * holding `id`, `type`, `dump` (binary, fetched lazily from firmware on the first read;
 * EIO means OPAL_PARTIAL: retry) and `acknowledge` (any write frees the dump in firmware
 * and removes the directory). See docs/spec/opal-sysfs-and-prd.md section 2.
 *
 * Invariants this module keeps:
 *  - A dump is never acknowledged by this module unless a complete copy is stored, fsync'ed
 *    and its directory entry fsync'ed (dump_retrieve() never acks; dump_ack() is a separate
 *    call the daemon makes only after the event recording the dump is committed).
 *  - A retrieval streams the dump in bounded chunks (never the whole dump in memory), writes
 *    a hidden temporary name (".partial.<dir>.<pid>") and renames it only when complete and
 *    synced, so a killed fetch never leaves a file that looks complete.
 *  - A missing /sys/firmware/opal/dump (or initiate_dump) means "not supported on this
 *    system" (-EOPNOTSUPP), never a generic failure.
 *
 * Daemon use (the caller owns the store):
 *     struct dump_policy p;  dump_policy_init(&p);  (config keys: dump_policy_set())
 *     dump_list(root, &v, &n, &e);
 *     for each entry: rc = dump_retrieve(root, v[i].name, &p, &res, &e);
 *         struct dump_event de;  dump_event_fill(&res, &de);
 *         store_append(de.ev) + commit;        -- both for a stored and a refused dump
 *         if (rc == 0) dump_ack(root, v[i].name, &e);   -- only after the commit
 */
#ifndef OPAL_RAS_DUMP_DUMP_H
#define OPAL_RAS_DUMP_DUMP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"
#include "errlog/event.h"

#define DUMP_SYSFS_DIR	 "sys/firmware/opal/dump"
#define DUMP_DEFAULT_DIR "/var/lib/opal-ras/dumps"
#define DUMP_NAME_MAX	 64

/* Kernel dump types (the `type` attribute and the directory name). */
#define DUMP_TYPE_SP	  0x1
#define DUMP_TYPE_SYS	  0x2
#define DUMP_TYPE_SMA	  0x3
#define DUMP_TYPE_UNKNOWN 0xffffffffu /* firmware lacks DUMP_INFO2 */

/* "SP Dump", "System/Platform Dump", "SMA Dump" or "unknown". */
const char *dump_type_name(uint32_t type);
/* Short lowercase name for file names and options: "sp", "platform", "sma", "unknown". */
const char *dump_type_short(uint32_t type);
/* Parse "2", "0x2", "sp", "fsp", "sys", "platform", "sma"; -EINVAL when unknown. */
int dump_type_parse(const char *s, uint32_t *type);

/* One dump offered by the kernel. */
struct dump_entry {
	char name[DUMP_NAME_MAX]; /* directory name, e.g. "0x2-0x5" */
	uint32_t type; /* from `type` (first number), else from the name */
	uint32_t id; /* from `id`, else from the name */
	uint64_t size; /* size of `dump` (the firmware's size) */
};

/* --- /sys/firmware/opal/dump (dump_sysfs.c) ------------------------------------------- */

/* All dumps under root, sorted by name; *v is malloc'd (free()). -EOPNOTSUPP when the
 * dump directory does not exist (not an FSP system). */
int dump_list(const char *root, struct dump_entry **v, size_t *n, struct ras_err *e);
/* Find one dump by its directory name ("0x2-0x5"), "type-id" in any hex spelling
 * ("2-5"), or its bare id ("0x5", "5": hex) when exactly one dump has it. -ENOENT when
 * none matches, -EEXIST (message lists the candidates) when a bare id is ambiguous. */
int dump_resolve(const char *root, const char *arg, struct dump_entry *out, struct ras_err *e);
/* Write "ack\n" to <dir>/acknowledge. Call only after the dump is stored durably. */
int dump_ack(const char *root, const char *name, struct ras_err *e);
/* Ask the service processor for a dump (write "1" to initiate_dump); -EOPNOTSUPP when
 * the file does not exist. */
int dump_initiate(const char *root, struct ras_err *e);

/* --- reading a dump: a small source vtable (dump_source.c) --------------------------- */

/* Where the bytes come from. The sysfs source reads <dir>/dump; tests supply their own
 * (to inject EIO, short reads, a shrinking file). read() has pread semantics: bytes read
 * (0 at end) or -errno; -EIO is retried by the fetcher (OPAL_PARTIAL). */
struct dump_source {
	void *ctx;
	ssize_t (*read)(void *ctx, void *buf, size_t len, uint64_t off);
	void (*close)(void *ctx);
	uint64_t size; /* expected size */
};

/*
 * Open <root>/sys/firmware/opal/dump/<name>/dump.
 *
 * Simulator fault convention (used ONLY when the environment has OPAL_RAS_SIM_FAULTS=1):
 * if <root>/.sim/dump-eio/<name> exists, the first read returns EIO (and the marker is
 * removed), emulating the kernel's EIO on OPAL_PARTIAL, which a regular file cannot
 * produce. `opal-sim inject ROOT dump --eio-first` creates the marker. Without the
 * variable the product never looks under .sim/.
 */
int dump_source_open_sysfs(const char *root, const char *name, struct dump_source *src,
			   struct ras_err *e);
void dump_source_close(struct dump_source *src);

/* --- retrieval (dump_fetch.c) -------------------------------------------------------- */

enum dump_compress { DUMP_COMPRESS_NONE = 0, DUMP_COMPRESS_ZSTD = 1 };

struct dump_policy {
	char dir[PATH_MAX]; /* output directory (created 0750 if missing) */
	uint64_t min_free_bytes; /* leave the dump with firmware if storing it would leave
				  * less than this free in dir's filesystem */
	uint64_t max_total_bytes; /* 0 = no cap; else refuse when stored dumps + this one
				   * would exceed it (run dump_prune() first to make room) */
	enum dump_compress compress; /* zstd: stored as <name>.zst; the hash is of the dump */
	int zstd_level; /* 1..19, default 3 */
	unsigned eio_retries; /* consecutive EIO retries per offset (default 10) */
	unsigned eio_delay_ms; /* first retry delay, doubled up to 2 s (default 100) */
	size_t chunk; /* read size (default 1 MiB; bounded memory) */
	int progress; /* progress bar: 1 always, 0 never, -1 on a terminal */
	bool no_space_check; /* skip the free-space/max-total pre-check (a full disk
			      * still fails the write cleanly); for tests and manual use */
};

void dump_policy_init(struct dump_policy *p);
/* Set one config key: dir, min_free, max_total (sizes "512M", "10G", "0"), compress
 * ("none" | "zstd"), zstd_level, eio_retries, eio_delay_ms. -EINVAL with a message. */
int dump_policy_set(struct dump_policy *p, const char *key, const char *value, struct ras_err *e);
/* The `dump:` section of the configuration (cfg->doc's "dump" node, may be NULL) into
 * p (defaults first) and *auto_retrieve (default true). Keys: enabled (ignored here),
 * auto_retrieve, and the dump_policy_set() keys; others are -EINVAL. (dump_config.c) */
struct ydoc_node;
int dump_policy_from_config(const struct ydoc_node *dump_section, struct dump_policy *p,
			    bool *auto_retrieve, struct ras_err *e);
/* "123", "64K", "512M", "10G", "1T" (powers of 1024) into bytes. */
int dump_parse_size(const char *s, uint64_t *out, struct ras_err *e);

struct dump_result {
	struct dump_entry entry; /* which dump */
	bool stored; /* a complete, synced copy is at path */
	bool refused; /* left with firmware; reason says why */
	char reason[256];
	char path[PATH_MAX]; /* final file (when stored) */
	char sha256[65]; /* hex SHA-256 of the dump bytes (uncompressed) */
	uint64_t size; /* dump bytes read */
	uint64_t stored_bytes; /* bytes on disk (differs when compressed) */
	bool compressed;
	unsigned eio_retries; /* EIO retries that were needed */
	int64_t time_us; /* when the retrieval finished */
	double seconds; /* how long it took */
};

/*
 * Fetch, hash, store and sync one dump named by `id` (any form dump_resolve() takes).
 * Never acks. Returns 0 when stored (res->stored); otherwise a negative errno with
 * res->refused set and res->reason saying why the dump stays with firmware (-ENOSPC:
 * below min_free or disk full; -EFBIG: over max_total; -EIO: firmware kept failing;
 * other I/O errors). -ENOENT / -EOPNOTSUPP / -EEXIST from resolving leave refused false.
 */
int dump_retrieve(const char *root, const char *id, const struct dump_policy *p,
		  struct dump_result *res, struct ras_err *e);

/* The streaming core on any source (tests drive it with fake sources). `entry` names the
 * dump (its name is used in file names; its size is only informative). */
int dump_fetch(struct dump_source *src, const struct dump_entry *entry, const struct dump_policy *p,
	       struct dump_result *res, struct ras_err *e);

/* --- the event a retrieval records (dump_event.c) ------------------------------------ */

#define DUMP_EVENT_MAX_ATTRS 10

/* Storage for one event; ev borrows from the other members. */
struct dump_event {
	struct ras_event ev;
	struct ras_attr attrs[DUMP_EVENT_MAX_ATTRS];
	char dedupe[128];
	char summary[PATH_MAX + 256];
	char size_s[24], type_s[16], id_s[16], stored_s[24], retries_s[16];
};

/*
 * Fill de from a retrieval result: kind/source "dump"; dedupe key
 * "dump:<type>:<id>:<size>" ("dump-refused:..." for a refusal); attrs path, sha256, size,
 * type, id, name, stored_bytes, compressed, eio_retries (refusal: reason instead of
 * path/sha256); severity: platform (and unknown-type) dumps announce a serious failure
 * -> error, SP/SMA dumps -> warning, a refusal -> warning "dump left with firmware: ...".
 */
void dump_event_fill(const struct dump_result *res, struct dump_event *de);

/* --- the dump file header (dump_header.c) -------------------------------------------- */

#define DUMP_HDR_LEN	  0x40
#define DUMP_HDR_NAME_OFF 0x18
#define DUMP_HDR_NAME_LEN 40

struct dump_header {
	size_t len; /* bytes available to the parser */
	bool partial; /* fewer than DUMP_HDR_LEN bytes: fields may be missing */
	char label[9]; /* label[8] @0x00, printable part */
	bool label_ok; /* "FILE" (NUL/space padded) */
	uint16_t dirsize; /* @0x08 */
	uint16_t type; /* @0x14 */
	uint16_t prefix_size; /* @0x16 */
	char fname[DUMP_HDR_NAME_LEN + 1]; /* suggested file name @0x18, up to the NUL */
	bool fname_ok; /* non-empty, printable, no '/', not "." or ".." */
	char suggested[DUMP_HDR_NAME_LEN + 32]; /* fname, or "platform.<id>.PARTIAL" */
	unsigned n_warnings;
	char warnings[4][96];
};

/* Parse the first bytes of a dump (any length, untrusted). id names the dump in the
 * fallback name (NULL: "dumpid"). Never fails: problems become warnings. */
void dump_header_parse(const uint8_t *buf, size_t len, const char *id, struct dump_header *h);
/* Read the first 4 KiB of a stored dump (plain or zstd-compressed) and parse it. */
int dump_header_read_file(const char *path, struct dump_header *h, uint64_t *file_size,
			  struct ras_err *e);
void dump_header_print_text(FILE *f, const char *file, uint64_t file_size,
			    const struct dump_header *h);
struct json_writer;
void dump_header_write_json(struct json_writer *w, const char *file, uint64_t file_size,
			    const struct dump_header *h);

/* --- the output directory (dump_store.c) --------------------------------------------- */

#define DUMP_FILE_PREFIX    "dump."
#define DUMP_PARTIAL_PREFIX ".partial."

struct dump_stored {
	char name[NAME_MAX + 1]; /* file name in the directory */
	uint64_t bytes;
	int64_t mtime_us;
};

/* Fetched dumps (files named "dump.*") in dir, oldest first; *v malloc'd. */
int dump_stored_list(const char *dir, struct dump_stored **v, size_t *n, struct ras_err *e);
/* Total bytes of fetched dumps in dir. */
int dump_stored_total(const char *dir, uint64_t *total, struct ras_err *e);

struct dump_prune_opts {
	int64_t max_age_us; /* 0 = no age limit */
	uint64_t max_total; /* 0 = no size limit */
	bool dry_run;
	int64_t now_us; /* 0 = now */
};

/* Remove fetched dumps older than max_age, then the oldest until the total fits
 * max_total; also removes stale ".partial.*" files of dead fetchers. Calls cb for each
 * removed (or, dry run, would-be removed) file. Returns the count or -errno. */
int dump_prune(const char *dir, const struct dump_prune_opts *o,
	       void (*cb)(const struct dump_stored *s, void *arg), void *arg, struct ras_err *e);
/* Remove ".partial.<name>.<pid>" files in dir whose process is gone. */
int dump_clean_partials(const char *dir, const char *name);

#endif
