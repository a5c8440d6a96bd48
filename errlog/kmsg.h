/*
 * kmsg.h - the kernel log (/dev/kmsg) grammar: one record, and MCE/HMI reports.
 *
 * kmsg_record_parse() splits one /dev/kmsg record (what one read() returns):
 *     "prio,seq,usec,flags[,more...];text\n" + zero or more " KEY=value\n" lines
 * from untrusted bytes (explicit length checks, no NUL needed, never reads past len).
 * The record borrows the input buffer.
 *
 * The grouper assembles the multi-record reports the powerpc kernel prints for a
 * machine check (docs/spec/kernel-eeh-mce-vpd-rtas.md §2.2: four "MCE: CPU%d: ..." lines,
 * current and pre-5.6 variants) and for a hypervisor maintenance interrupt (§2.4:
 * "... Hypervisor Maintenance interrupt [...]", " Error detail: ...", "\tHMER: ...", and
 * for V2 checkstop detail lines). A daemon feeds every record; unrelated records pass
 * through untouched. A report completes when its last line arrives (MCE), when the next
 * unrelated record arrives, or when the caller flushes it (timeout). Completed reports are
 * queued in the grouper (at most KMSG_GROUPER_QUEUE): drain with kmsg_grouper_next() after
 * every feed/flush. The grouper allocates nothing.
 *
 * kmsg_report_to_event() fills a struct ras_event (kinds "mce"/"hmi") whose strings live
 * in a caller-provided struct kmsg_event_buf.
 */
#ifndef OPAL_RAS_ERRLOG_KMSG_H
#define OPAL_RAS_ERRLOG_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"

#define KMSG_RECORD_MAX 8192 /* CONSOLE_EXT_LOG_MAX: read() buffer size for /dev/kmsg */

struct kmsg_record {
	int prio; /* syslog priority = facility * 8 + level */
	int level; /* prio & 7 (0 emerg .. 7 debug) */
	int facility; /* prio >> 3 */
	uint64_t seq;
	uint64_t usec; /* CLOCK_MONOTONIC microseconds since boot */
	char flags; /* '-' normal, 'c' / '+' / '*' continuation hints */
	const char *text; /* escaped text as the kernel wrote it (\xNN), not NUL-terminated */
	size_t text_len;
	const char *dict; /* dictionary lines " KEY=value\n"..., borrowed; may be empty */
	size_t dict_len;
};

/* Parse one record. 0, or -EINVAL with e naming the offset and what was expected. */
int kmsg_record_parse(const void *buf, size_t len, struct kmsg_record *r, struct ras_err *e);

/* Copy the value of dictionary key (e.g. "SUBSYSTEM") into out; false when absent. */
bool kmsg_record_dict(const struct kmsg_record *r, const char *key, char *out, size_t n);

/*
 * Undo the kernel's \xNN escaping of in[0..len) into out (size n, always NUL-terminated,
 * truncated if short). Returns the unescaped length written (excluding the NUL). Embedded
 * NUL bytes (\x00) are written as '?' so out stays a C string.
 */
size_t kmsg_unescape(const char *in, size_t len, char *out, size_t n);

/* Escape text the way /dev/kmsg shows it (non-printables and '\\' as \xNN). */
size_t kmsg_escape(const char *in, size_t len, char *out, size_t n);

enum kmsg_report_kind { KMSG_REPORT_MCE = 1, KMSG_REPORT_HMI = 2 };

/* Source severity codes (same scale for MCE and HMI: spec §2.2 / §2.4). */
enum kmsg_sev {
	KMSG_SEV_HARMLESS = 0,
	KMSG_SEV_WARNING = 1,
	KMSG_SEV_SEVERE = 2,
	KMSG_SEV_FATAL = 3
};

struct kmsg_report {
	enum kmsg_report_kind kind;
	uint64_t first_seq, last_seq;
	uint64_t usec; /* of the first record */
	int level; /* syslog level of the first record */
	bool complete; /* every expected line was seen */
	int n_lines;
	int severity; /* enum kmsg_sev */
	char severity_word[16]; /* as printed: "Harmless", "Warning", "Severe", "Fatal", "" */
	bool recovered;
	/* MCE */
	int cpu; /* -1 when unknown (HMI) */
	char context[8]; /* "Guest", "Host" (kernels <= 5.5) or "" (current host) */
	bool guest;
	char error_type[24]; /* "UE", "SLB", "Real address", ... */
	char error_subtype[80]; /* "Load/Store", "Multihit", "Unknown", "" */
	bool has_ea, has_pa, has_nip, has_pid;
	uint64_t ea, pa, nip;
	int pid;
	char comm[32];
	char nip_symbol[128]; /* kernel mode: "mcetest_tlbie+0xe8/0xf0 [mcetest_tlbie]" */
	char initiator[24]; /* "CPU", "PCI", "ISA", "Memory", "Power Management", "Unknown" */
	char error_class[80]; /* "Hardware error", ... */
	/* HMI */
	int hmi_type; /* index in the error-detail table, -1 if the text is unknown */
	char hmi_detail[96];
	bool has_hmer, has_tfmr, has_pir;
	uint64_t hmer, tfmr;
	uint32_t pir;
	char xstop[256]; /* checkstop detail lines joined with "; " */
	/* the report's lines, unescaped, joined with '\n' (truncated at the buffer end) */
	char text[2048];
	size_t text_len;
};

#define KMSG_GROUPER_QUEUE 4

struct kmsg_grouper {
	bool pending;
	int stage; /* MCE: lines seen; HMI: 1 header, 2 detail, 3 hmer, 4+ more */
	struct kmsg_report cur;
	struct kmsg_report done[KMSG_GROUPER_QUEUE];
	int n_done, head;
	uint64_t dropped; /* reports lost because the caller did not drain the queue */
};

void kmsg_grouper_init(struct kmsg_grouper *g);
/* Feed one record; returns true when it belonged to an MCE/HMI report. */
bool kmsg_grouper_feed(struct kmsg_grouper *g, const struct kmsg_record *r);
/* Complete the pending report, if any (on a timeout or at the end of input). */
void kmsg_grouper_flush(struct kmsg_grouper *g);
/* True while a report is being assembled; *usec = monotonic time of its first record. */
bool kmsg_grouper_pending(const struct kmsg_grouper *g, uint64_t *usec);
/* Pop the oldest completed report into out; false when none. */
bool kmsg_grouper_next(struct kmsg_grouper *g, struct kmsg_report *out);

/* Storage for the strings a converted event points to. */
struct kmsg_event_buf {
	struct ras_attr attrs[24];
	char vals[24][96];
	char dedupe[96];
	char refcode[112];
	char location[32];
	char summary[256];
	char sev_name[24];
};

/*
 * Fill ev from rep. boot_id: /proc/sys/kernel/random/boot_id text (dedupe key is
 * "<boot_id>:<first seq>"); boot_epoch_us: wall-clock time of boot (time_us = boot +
 * rep->usec), 0 = leave time_us 0 for the store to use "now". Severity: Fatal ->
 * critical, not recovered -> error, recovered -> warning.
 */
void kmsg_report_to_event(const struct kmsg_report *rep, const char *boot_id, int64_t boot_epoch_us,
			  struct kmsg_event_buf *b, struct ras_event *ev);

/* Names for the enumerations (tables shared with the simulator). */
extern const char *const kmsg_mce_severity_words[4];
struct kmsg_mce_type {
	const char *name;
	const char *const *subtypes; /* NULL-terminated */
};
extern const struct kmsg_mce_type kmsg_mce_types[10]; /* index = kernel type number */
extern const char *const kmsg_mce_initiators[6];
extern const char *const kmsg_mce_classes[5];
extern const char *const kmsg_hmi_types[13];

#endif
