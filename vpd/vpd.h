/*
 * vpd.h - vital product data: the two byte-format parsers (PCI VPD resource lists and
 * IBM IPZ records from the device tree), the FRU inventory built from a root
 * directory, and the diff of two inventories into change records.
 *
 * Parsers borrow the caller's buffer and never read past its length; every keyword
 * points into that buffer. Inventories own all their strings (vpd_inventory_free).
 * A vpd_change points at FRUs inside the two inventories it was computed from, so
 * those must outlive the change list and the events made from it.
 *
 * Daemon use (opal-prd): keep one struct vpd_inventory cache = {0} for the life of
 * the process and call, at start, on every PCI add/remove uevent
 * (vpd_uevent_wants_refresh) and from the periodic rescan (the simulator announces
 * nothing):
 *
 *	vpd_store_refresh(store, root, "uevent", &cache, &result, &e);   (vpd_db.h)
 *
 * It rescans only what changed since the cache was taken, diffs against the current
 * snapshot, and stores the new snapshot plus one "vpd-change" ras_event per change
 * in one commit. The pieces it is made of are public for other uses:
 * vpd_inventory_build/refresh (a root to an inventory), vpd_inventory_diff (two
 * inventories to changes), vpd_events_from_changes (changes to ras_events) and
 * vpd_db_* (snapshot tables).
 */
#ifndef OPAL_RAS_VPD_VPD_H
#define OPAL_RAS_VPD_VPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "errlog/event.h"

/* ---- keywords (shared by both formats) ------------------------------------------ */

enum vpd_section {
	VPD_SEC_RO = 0, /* PCI VPD-R (0x90) */
	VPD_SEC_RW = 1, /* PCI VPD-W (0x91) */
	VPD_SEC_IPZ = 2 /* an IPZ record */
};

struct vpd_keyword {
	char name[3]; /* two characters + NUL (non-printables kept as is) */
	uint8_t section; /* enum vpd_section */
	uint16_t len; /* data length */
	size_t offset; /* offset of the data in the parsed buffer */
	const uint8_t *data; /* borrowed: points into the parsed buffer */
};

/* Human name of a keyword ("Part number"), or NULL if unknown. ipz selects the IBM
 * (lsvpd) meaning where the two formats differ. */
const char *vpd_keyword_name(const char *kw, bool ipz);
/* True when the keyword's data is binary by definition (MN, PR, CT, B3, ...). */
bool vpd_keyword_is_binary(const char *kw, bool ipz);
/* Render data as text into out: printable ASCII as is (trailing spaces and NULs
 * trimmed), anything else as lowercase hex ("0a1b"). Returns out. */
char *vpd_value_text(const uint8_t *p, size_t n, bool force_hex, char *out, size_t outn);

#define VPD_MAX_WARN 8
#define VPD_WARN_LEN 200

struct vpd_warnings {
	unsigned n; /* number of warnings (may exceed VPD_MAX_WARN; only that many kept) */
	char msg[VPD_MAX_WARN][VPD_WARN_LEN];
};

/* ---- PCI VPD (PCI Local Bus spec, VPD appendix) ------------------------------- */

#define PCI_VPD_MAX_SIZE 32768

enum vpd_checksum {
	VPD_CSUM_MISSING = 0, /* no RV keyword in VPD-R */
	VPD_CSUM_GOOD = 1,
	VPD_CSUM_BAD = 2,
};

struct pci_vpd {
	const uint8_t *id; /* identifier string (0x82), borrowed; NULL if absent */
	size_t id_len;
	struct vpd_keyword *kw; /* malloc'd; VPD-R then VPD-W keywords in order */
	size_t n_kw;
	enum vpd_checksum checksum;
	uint8_t checksum_byte; /* RV data[0] */
	size_t rv_offset; /* offset of RV data[0] */
	size_t rv_reserved; /* RV length - 1 */
	size_t rw_free; /* RW length (free bytes in VPD-W), 0 if none */
	bool has_end; /* an end tag (0x78 / 0x79) was found */
	size_t used; /* bytes up to and including the end tag */
	struct vpd_warnings warn;
};

/*
 * Parse a PCI VPD image. Returns 0 when at least the first resource decoded (with any
 * problems - bad checksum, missing end tag, truncated tags - as warnings), -ENODATA
 * when the image is empty or starts with 0x00/0xff (no VPD EEPROM), -EBADMSG when the
 * first tag is not a VPD resource. Free with pci_vpd_free() after any return.
 */
int pci_vpd_parse(const uint8_t *buf, size_t len, struct pci_vpd *out, struct ras_err *e);
void pci_vpd_free(struct pci_vpd *v);
/* First keyword with that name (in any section), or NULL. */
const struct vpd_keyword *pci_vpd_find(const struct pci_vpd *v, const char *kw);
/* lspci -vv style text ("Product Name: ...", "[PN] Part number: ...", "End"). */
void pci_vpd_print_text(FILE *f, const struct pci_vpd *v, const char *indent);
/* JSON object (docs/vpd-json.md "PCI VPD decode"). */
struct json_writer;
void pci_vpd_write_json(struct json_writer *w, const struct pci_vpd *v);

/* ---- IBM IPZ VPD (device tree ibm,vpd) ------------------------------------------ */

struct ipz_record {
	char name[5]; /* RT value ("VINI", "VSYS", ...), "" if RT is missing */
	size_t offset; /* offset of the 0x84 tag */
	struct vpd_keyword *kw; /* malloc'd, in order, RT included */
	size_t n_kw;
};

struct ipz_vpd {
	struct ipz_record *rec; /* malloc'd */
	size_t n_rec;
	struct vpd_warnings warn;
};

/*
 * Parse an ibm,vpd blob: optional leading junk, then records 0x84 + LE16 length +
 * keywords (2 chars + 1-byte length; 2-byte LE length for '#' keywords) + 0x78.
 * Returns 0 when at least one record decoded (problems as warnings), -ENODATA when
 * no record is present. Free with ipz_vpd_free() after any return.
 */
int ipz_vpd_parse(const uint8_t *buf, size_t len, struct ipz_vpd *out, struct ras_err *e);
void ipz_vpd_free(struct ipz_vpd *v);
const struct vpd_keyword *ipz_record_find(const struct ipz_record *r, const char *kw);
void ipz_vpd_print_text(FILE *f, const struct ipz_vpd *v, const char *indent);
void ipz_vpd_write_json(struct json_writer *w, const struct ipz_vpd *v);

/* ---- encoders (the simulator, tests and fuzz seeds build images with these) ---- */

struct vpd_kv {
	const char *kw; /* two characters */
	const void *data;
	size_t len; /* 0: strlen(data) */
};

/* One IPZ record: 0x84, LE16 length, RT=rt, the keywords, 0x78. Returns the bytes
 * written, or 0 when out (cap bytes) is too small or a value exceeds 255 bytes. */
size_t ipz_record_encode(uint8_t *out, size_t cap, const char *rt, const struct vpd_kv *kv,
			 size_t n);
/* A PCI VPD image: 0x82 id, 0x90 VPD-R (ro + RV with a valid checksum and
 * rv_reserved padding bytes), 0x91 VPD-W (rw + RW of rw_free bytes) when nrw or
 * rw_free, 0x78. Returns the bytes written or 0 when it does not fit. */
size_t pci_vpd_encode(uint8_t *out, size_t cap, const char *id, const struct vpd_kv *ro, size_t nro,
		      size_t rv_reserved, const struct vpd_kv *rw, size_t nrw, size_t rw_free);

/* ---- inventory ------------------------------------------------------------------ */

struct vpd_field {
	char kw[3]; /* keyword */
	char *value; /* text (vpd_value_text) */
};

struct vpd_stamp {
	uint64_t ino, size;
	int64_t mtime_ns;
};

/* One field-replaceable unit. Empty strings, never NULL, for absent fields. */
struct vpd_fru {
	char *location; /* location code; "pci:<BDF>" when the device has none */
	char *source; /* "dt" (device tree), "pci" (card VPD), "dt+pci" */
	char *node; /* DT node path (relative to proc/device-tree) or PCI BDF list */
	char *fru_type; /* fru-type property or node name ("processor", "ms-dimm") */
	char *description; /* DR / PCI identifier string */
	char *part_number; /* PN (VP) */
	char *fru_number; /* FN */
	char *serial; /* SN (VS, SE for the system) */
	char *ccin; /* CC */
	char *ec_level; /* EC */
	char *fw_level; /* RM (firmware for PCI cards/FRUs), OPAL firmware for the system */
	struct vpd_field *fields; /* every keyword, in order (for show / lsvpd mode) */
	size_t n_fields;
	size_t fields_cap;
	struct vpd_stamp stamp; /* of the ibm,vpd / vpd file read (refresh cache) */
};

struct vpd_inventory {
	struct vpd_fru *frus; /* sorted by location, unique locations */
	size_t n;
	size_t cap;
	int64_t taken_us;
	unsigned n_warnings; /* parse warnings met while building (logged at warn level) */
	void *priv; /* per-file source cache for vpd_inventory_refresh() */
	int64_t snapshot_id; /* the database snapshot it matches (vpd_store_refresh), 0: none */
};

/* Build the inventory of root (device tree vpd + PCI sysfs vpd). A root with neither
 * gives an empty inventory and 0. */
int vpd_inventory_build(const char *root, struct vpd_inventory *out, struct ras_err *e);
/* Like build, but reuse prev's FRUs whose source files are unchanged (same inode,
 * size and mtime): cheap after one change. */
int vpd_inventory_refresh(const char *root, const struct vpd_inventory *prev,
			  struct vpd_inventory *out, struct ras_err *e);
void vpd_inventory_free(struct vpd_inventory *inv);
const struct vpd_fru *vpd_inventory_find(const struct vpd_inventory *inv, const char *loc);

/* Inventory construction helpers (used by the builder, the database loader, tests). */
struct vpd_fru *vpd_inventory_add(struct vpd_inventory *inv, const char *location);
void vpd_fru_set(char **field, const char *value);
int vpd_fru_add_field(struct vpd_fru *f, const char *kw, const char *value);
void vpd_inventory_sort(struct vpd_inventory *inv);

/* ---- diff ------------------------------------------------------------------------ */

enum vpd_change_kind {
	VPD_CHG_ADDED,
	VPD_CHG_REMOVED,
	VPD_CHG_REPLACED, /* same location, different serial */
	VPD_CHG_FW_CHANGED, /* same FRU, different firmware level */
	VPD_CHG_UPDATED, /* same FRU and firmware, other fields differ (EC, PN, ...) */
};

struct vpd_change {
	enum vpd_change_kind kind;
	const struct vpd_fru *old_fru; /* NULL for added */
	const struct vpd_fru *new_fru; /* NULL for removed */
};

/* "added", "removed", "replaced", "fw-changed", "updated". */
const char *vpd_change_kind_name(enum vpd_change_kind k);

/* Changes from a to b, ordered by location; *out malloc'd (NULL when none). */
int vpd_inventory_diff(const struct vpd_inventory *a, const struct vpd_inventory *b,
		       struct vpd_change **out, size_t *n, struct ras_err *e);

/* True for the uevents after which the inventory may have changed: PCI add/remove
 * (a hot-plugged or removed adapter). */
bool vpd_uevent_wants_refresh(const char *subsystem, const char *action);

/* ---- renderers (vpd_render.c; JSON names in docs/vpd-json.md) ----------------- */

void vpd_inventory_print_table(FILE *f, const struct vpd_inventory *inv); /* lscfg-like */
void vpd_inventory_print_lsvpd(FILE *f, const struct vpd_inventory *inv); /* "*PN ..." */
void vpd_inventory_print_csv(FILE *f, const struct vpd_inventory *inv);
void vpd_fru_write_json(struct json_writer *w, const struct vpd_fru *u, bool keywords);
void vpd_fru_print_text(FILE *f, const struct vpd_fru *u);
void vpd_change_print_text(FILE *f, const struct vpd_change *c);
void vpd_change_write_json(struct json_writer *w, const struct vpd_change *c);

/* ---- events ---------------------------------------------------------------------- */

struct vpd_event_set {
	struct ras_event *ev; /* n events: source "vpd", kind "vpd-change" */
	size_t n;
	void *priv; /* owned text and attrs */
};

/* One ras_event per change. The events borrow the FRUs' strings (keep the
 * inventories alive). time_us is both the event time and part of the dedupe key. */
int vpd_events_from_changes(const struct vpd_change *ch, size_t n, int64_t time_us,
			    struct vpd_event_set *out, struct ras_err *e);
void vpd_events_free(struct vpd_event_set *s);

#endif
