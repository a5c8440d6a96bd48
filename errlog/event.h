/*
 * event.h - the event model: one normalised record for everything opal-ras stores.
 *
 * Every source (elog PELs, kernel log MCE/HMI/EEH lines, PRD messages, BMC SEL entries,
 * platform dumps, VPD changes, flash operations) produces a struct ras_event. Common
 * columns are filled for all kinds; kind-specific fields go in attrs (name/value pairs
 * stored in the event_attrs table), PEL callouts in callouts. The event borrows every
 * string and buffer it points to: the producer owns them until store_append() returns.
 *
 * Times are UTC epoch microseconds. Severity is on one scale (ras_severity) next to the
 * source's own code (source_severity, with its text in source_severity_name).
 */
#ifndef OPAL_RAS_ERRLOG_EVENT_H
#define OPAL_RAS_ERRLOG_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ras_severity {
	RAS_SEV_INFO = 0,
	RAS_SEV_WARNING = 1,
	RAS_SEV_ERROR = 2,
	RAS_SEV_CRITICAL = 3,
};

/* Known kinds (strings in the database; new kinds need no schema change). */
#define RAS_KIND_PEL "pel"
#define RAS_KIND_MCE "mce"
#define RAS_KIND_HMI "hmi"
#define RAS_KIND_EEH "eeh"
#define RAS_KIND_PRD "prd" /* prefix: prd-attn, prd-occ-error, ... */
#define RAS_KIND_SEL "sel"
#define RAS_KIND_DUMP "dump"
#define RAS_KIND_VPD_CHANGE "vpd-change"
#define RAS_KIND_FLASH_OP "flash-op"
#define RAS_KIND_KMSG_LOST "kmsg-lost"

struct ras_attr {
	const char *name;  /* e.g. "cpu", "address", "phb", "pe", "sha256" */
	const char *value; /* text; numbers as the source showed them (0x... for addresses) */
};

struct ras_callout {
	int priority;          /* PEL priority letter ('H', 'M', 'L', 'A', 'B', 'C') */
	const char *location;  /* location code, "" if none */
	const char *part;      /* part number or procedure id */
	const char *serial;
	const char *ccin;
	const char *fru_kind;  /* "hw", "proc", "symbolic", ... */
};

struct ras_event {
	int64_t id;                 /* set by the store */
	const char *source;         /* "elog", "kmsg", "prd", "ipmi", "dump", "vpd", "flash", "import" */
	const char *kind;           /* RAS_KIND_* */
	const char *dedupe_key;     /* unique per record across re-offers (ARCHITECTURE 1.2) */
	int64_t time_us;            /* when it happened, per the source */
	int64_t logged_us;          /* when stored; 0 = now */
	enum ras_severity severity; /* normalised */
	int source_severity;        /* the source's own code (-1 if none) */
	const char *source_severity_name;
	const char *subsystem;      /* name, e.g. "Memory subsystem" */
	const char *refcode;        /* SRC, MCE error type, SEL sensor/offset ... */
	const char *location;       /* location code or device (BDF, CPU) */
	const char *summary;        /* one line of text */
	bool serviceable;
	bool call_home;
	const char *guest;          /* affected KVM guest, NULL if none */
	const uint8_t *raw;         /* the source's bytes (PEL, kmsg line, SEL record) */
	size_t raw_len;
	const struct ras_attr *attrs;
	size_t n_attrs;
	const struct ras_callout *callouts;
	size_t n_callouts;
	/* Outbox rows written in the same transaction ("hook:NAME", "forward:qmp"...):
	 * deliveries that workers run after the commit (ARCHITECTURE 1.3). */
	const char *const *deliveries;
	size_t n_deliveries;
};

const char *ras_severity_name(enum ras_severity s);
/* "info", "warning", "error", "critical" (also "warn", "err", "crit"); -1 if unknown. */
int ras_severity_parse(const char *s);

#endif
