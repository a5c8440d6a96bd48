/*
 * pel.h - the PEL (Platform Event Log) codec: decode a PEL, or an eSEL-wrapped PEL,
 * from a byte buffer into a structured value, and render it (text, JSON, summary).
 *
 * Layout and behaviour follow docs/spec/pel.md. Invariants:
 *  - pel_decode() borrows the input: every string and data pointer in struct pel points
 *    into the caller's buffer, which must outlive the decoded value. No allocation.
 *  - struct pel has fixed capacities (sections, SRCs, callouts, warnings); anything beyond
 *    a capacity is counted and reported as a warning, never written out of bounds.
 *  - The decoder never reads outside [buf, buf + len) and every loop consumes input.
 *  - Fixed-width ASCII fields are kept as (pointer, length) with trailing NULs and spaces
 *    trimmed and no terminator: print them with "%.*s".
 *  - Irregular input is reported through warnings (enum pel_warn_code); only a buffer that
 *    is not a PEL at all (too short, no PH at the start) makes pel_decode() fail.
 */
#ifndef OPAL_RAS_ERRLOG_PEL_H
#define OPAL_RAS_ERRLOG_PEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"

#define PEL_MAX_SIZE	    16384 /* kernel cap, skiboot/FSP buffer size */
#define PEL_INPUT_CAP	    163840 /* larger inputs are refused (ppc64-diag's limit) */
#define PEL_ESEL_HDR_LEN    16
#define PEL_PH_LEN	    48
#define PEL_UH_LEN	    24
#define PEL_SEC_HDR_LEN	    8
#define PEL_MAX_SECTIONS    256 /* the section count byte is at most 255 */
#define PEL_MAX_SRCS	    8 /* PS + SS sections decoded with callouts */
#define PEL_MAX_CALLOUTS    10 /* per SRC (phosphor-logging's cap) */
#define PEL_MAX_MRUS	    15 /* per callout */
#define PEL_MAX_SW	    8
#define PEL_MAX_WARNINGS    32
#define PEL_MAX_EI_READINGS 64

/* Two-letter section ids as 16-bit big-endian values. */
#define PEL_ID(a, b) ((uint16_t)((uint8_t)(a) << 8 | (uint8_t)(b)))
#define PEL_SID_PH   PEL_ID('P', 'H')
#define PEL_SID_UH   PEL_ID('U', 'H')
#define PEL_SID_PS   PEL_ID('P', 'S')
#define PEL_SID_SS   PEL_ID('S', 'S')
#define PEL_SID_EH   PEL_ID('E', 'H')
#define PEL_SID_MT   PEL_ID('M', 'T')
#define PEL_SID_HM   PEL_ID('H', 'M')
#define PEL_SID_UD   PEL_ID('U', 'D')
#define PEL_SID_ED   PEL_ID('E', 'D')
#define PEL_SID_EP   PEL_ID('E', 'P')
#define PEL_SID_IE   PEL_ID('I', 'E')
#define PEL_SID_MI   PEL_ID('M', 'I')
#define PEL_SID_CH   PEL_ID('C', 'H')
#define PEL_SID_LP   PEL_ID('L', 'P')
#define PEL_SID_LR   PEL_ID('L', 'R')
#define PEL_SID_DH   PEL_ID('D', 'H')
#define PEL_SID_SW   PEL_ID('S', 'W')
#define PEL_SID_EI   PEL_ID('E', 'I')

/* Section kinds (index into the per-kind tables of pel_names.c). */
enum pel_kind {
	PEL_K_OPAQUE = 0, /* unknown id: kept as bytes */
	PEL_K_PH,
	PEL_K_UH,
	PEL_K_PS,
	PEL_K_SS,
	PEL_K_EH,
	PEL_K_MT,
	PEL_K_HM,
	PEL_K_UD,
	PEL_K_ED,
	PEL_K_EP,
	PEL_K_IE,
	PEL_K_MI,
	PEL_K_CH,
	PEL_K_LP,
	PEL_K_LR,
	PEL_K_DH,
	PEL_K_SW,
	PEL_K_EI,
	PEL_K_COUNT
};

/* A borrowed, trimmed, unterminated string. */
struct pel_str {
	const char *p;
	uint16_t len;
};

/* 8-byte BCD timestamp. raw is always kept; the fields are valid only when valid. */
struct pel_time {
	uint8_t raw[8];
	bool valid; /* every nibble a digit and every field in range */
	bool zero; /* all 8 bytes zero (skiboot's unset commit time) */
	uint16_t year;
	uint8_t month, day, hour, minute, second, hundredths;
};

/* Section flags. */
#define PEL_SECF_TRUNCATED 0x01 /* fewer bytes present than its length field claims */
#define PEL_SECF_SHORT	   0x02 /* too short for its type's fixed layout: body not decoded */
#define PEL_SECF_DUPLICATE 0x04 /* a second instance of an at-most-once section */
#define PEL_SECF_MISPLACED 0x08 /* out of its required position (PS not third, ...) */

/* One entry of the section chain, in PEL order. */
struct pel_section {
	const uint8_t *p; /* section start (header included) */
	uint16_t id; /* PEL_SID_* or any other two bytes */
	uint16_t len; /* the header's length field */
	uint16_t avail; /* bytes actually present (== len unless truncated) */
	uint16_t offset; /* from the PEL start (after any eSEL header) */
	uint16_t component;
	uint8_t version;
	uint8_t subtype;
	uint8_t kind; /* enum pel_kind */
	uint8_t flags; /* PEL_SECF_* */
	uint8_t slot; /* index into src[] / sw[] for those kinds */
};

struct pel_ph {
	struct pel_time create, commit;
	uint8_t creator; /* ASCII letter */
	uint8_t log_type;
	uint8_t reserved26;
	uint8_t section_count; /* as written */
	uint32_t bmc_log_id; /* bytes 28-31 */
	const uint8_t *cssver; /* 8 bytes: creator subsystem version */
	uint32_t plid;
	uint32_t entry_id;
};

struct pel_uh {
	uint8_t subsystem, scope, severity, event_type;
	uint32_t reserved12;
	uint8_t problem_domain, problem_vector;
	uint16_t action;
	uint32_t states; /* bytes 20-23 */
};

/* Action flag bits (UH bytes 18-19). */
#define PEL_ACT_SERVICE	       0x8000
#define PEL_ACT_HIDDEN	       0x4000
#define PEL_ACT_REPORT	       0x2000
#define PEL_ACT_DONT_REPORT    0x1000
#define PEL_ACT_CALL_HOME      0x0800
#define PEL_ACT_ISO_INCOMPLETE 0x0400
#define PEL_ACT_SP_CALL_HOME   0x0100
#define PEL_ACT_OS_SW_ERROR    0x0080
#define PEL_ACT_OS_HW_ERROR    0x0040
#define PEL_ACT_HEARTBEAT      0x0020

struct pel_mru {
	uint8_t priority; /* ASCII letter (last byte of the 4-byte field) */
	uint32_t id;
};

/* Callout flag bits. */
#define PEL_CO_TYPE   0x20
#define PEL_CO_FRU_ID 0x08
#define PEL_CO_MRU    0x04
#define PEL_CO_PCE    0x03

/* FRU-identity flag bits (low nibble; high nibble = component type). */
#define PEL_FRU_PN   0x08
#define PEL_FRU_CCIN 0x04
#define PEL_FRU_PROC 0x02
#define PEL_FRU_SN   0x01

struct pel_callout {
	uint16_t offset; /* from the PEL start */
	uint8_t size, flags, priority, loc_len;
	struct pel_str location;
	bool has_fru, has_pce, has_mru;
	/* FRU identity */
	uint8_t fru_flags; /* raw flags byte; component type = fru_flags & 0xF0 */
	struct pel_str part; /* part number, or the procedure id when fru_flags & PROC */
	struct pel_str ccin;
	struct pel_str serial;
	/* PCE identity */
	struct pel_str pce_mtm, pce_serial, pce_name;
	/* MRU */
	uint8_t mru_count; /* entries decoded (capped at 15 and at the callout size) */
	uint8_t mru_claimed; /* the flags' count */
	struct pel_mru mru[PEL_MAX_MRUS];
};

/* SRC flag bits (PS/SS byte 9). */
#define PEL_SRC_F_SUBSECTION	   0x01
#define PEL_SRC_F_POWER_FAULT	   0x02
#define PEL_SRC_F_HYP_DUMP	   0x04
#define PEL_SRC_F_OP_PANEL	   0x08
#define PEL_SRC_F_I5OS_SERVICE	   0x10
#define PEL_SRC_F_VIRTUAL_PROGRESS 0x80

struct pel_src {
	uint8_t section; /* index into sec[] */
	bool primary; /* PS (else SS) */
	uint8_t version, flags, word_count;
	uint16_t src_size;
	uint32_t words[8]; /* hex words 2..9 */
	const uint8_t *ascii; /* the 32-byte ASCII string */
	struct pel_str refcode; /* first 8 chars, trimmed */
	struct pel_str ext_refcode; /* text after the first run of spaces/NULs, trimmed */
	struct pel_str ascii_trim; /* the whole string, trimmed */
	bool has_callouts;
	uint8_t callout_count; /* decoded */
	uint8_t callouts_skipped; /* present beyond PEL_MAX_CALLOUTS */
	struct pel_callout callouts[PEL_MAX_CALLOUTS];
};

struct pel_eh {
	struct pel_str mtm, serial, fw_release, fw_subsys;
	struct pel_time ref_time;
	bool ref_time_at_62; /* skiboot-native quirk applied (spec 10.2) */
	uint8_t symptom_len;
	struct pel_str symptom_id;
};

struct pel_mtms {
	struct pel_str mtm, serial;
};

struct pel_ep {
	uint8_t sensor_value, action, event, modifier;
	uint16_t ext_modifier;
	uint32_t reason;
};

struct pel_ie {
	uint8_t type, rpc_len, scope, subtype;
	uint32_t drc_index;
	const uint8_t *rpc_data; /* NULL when absent */
	uint16_t rpc_data_len;
	uint64_t new_size; /* subtype 5 */
};

struct pel_mi {
	uint32_t policy_flags;
};

struct pel_lp {
	uint16_t primary_lp;
	uint8_t name_len, target_count;
	uint32_t lp_log_id;
	struct pel_str name;
	const uint8_t *targets; /* target_avail × be16 */
	uint8_t target_avail;
};

struct pel_lr {
	uint8_t type;
	uint16_t capacity;
	uint32_t cpu_or_drc; /* logical CPU id / DRC index / memory address high word */
	uint32_t mem_low;
};

struct pel_dh {
	uint8_t dump_type; /* header subtype */
	uint32_t dump_id;
	uint8_t flags;
	uint8_t os_id_len;
	uint64_t dump_size;
	bool os_id_hex; /* flags & 0x40: os_id_num is meaningful */
	uint32_t os_id_num;
	struct pel_str os_id; /* ASCII OS dump id / file name */
};

struct pel_sw {
	uint8_t section;
	uint8_t version;
	uint32_t rc;
	uint32_t line; /* v1 */
	uint32_t object_id;
	struct pel_str file; /* v1 */
	uint16_t file_id, code_loc; /* v2 */
};

struct pel_ei_reading {
	uint32_t corrosion;
	uint16_t temperature, rate;
};

struct pel_ei {
	uint64_t genesis;
	uint32_t corrosion;
	uint16_t temperature, rate;
	uint8_t status, ud_present;
	uint16_t reading_count; /* as written */
	uint16_t reading_avail; /* present in the section */
	const uint8_t *readings; /* reading_avail × 8 bytes */
};

struct pel_esel {
	uint16_t record_id; /* little-endian in the header */
	uint8_t record_type;
	uint32_t timestamp;
	uint16_t generator;
	uint8_t evm_rev, sensor_type, sensor_num, event_dir, event_data1;
	uint16_t event_data23;
};

/* Warning codes. Names (pel_warn_name) are stable tokens shown in JSON. */
enum pel_warn_code {
	PEL_W_NONE = 0,
	PEL_W_COUNT_ZERO, /* section count 0, treated as 1 */
	PEL_W_TRUNCATED, /* buffer ended before count sections (or inside one) */
	PEL_W_TRAILING, /* another section follows the last counted one */
	PEL_W_ZERO_LENGTH, /* a section length below 8: chain corrupt, walk stopped */
	PEL_W_SECTION_TRUNCATED, /* a section's length runs past the buffer: clamped */
	PEL_W_SECTION_SHORT, /* a section too short for its layout: body not decoded */
	PEL_W_UNKNOWN_SECTION, /* unknown id kept as an opaque section */
	PEL_W_MISSING_UH,
	PEL_W_UH_NOT_SECOND,
	PEL_W_DUPLICATE, /* a second PH/UH/PS/EH/MT/... */
	PEL_W_PS_NOT_THIRD,
	PEL_W_PS_MISSING, /* error log (severity != 0) without PS */
	PEL_W_EH_MISSING,
	PEL_W_MT_MISSING, /* error log without MT */
	PEL_W_PH_VERSION,
	PEL_W_PH_LENGTH,
	PEL_W_UH_LENGTH,
	PEL_W_BAD_TIME, /* invalid BCD: value = which (0 create, 1 commit, 2 EH) */
	PEL_W_OVERSIZE, /* larger than 16384 bytes */
	PEL_W_SRC_VERSION,
	PEL_W_SRC_WORD_COUNT, /* word count not 8 or 9 (ignored) */
	PEL_W_SRC_SIZE, /* SRC size field != section length - 8 */
	PEL_W_CALLOUTS_BAD, /* callouts subsection id/length wrong: stopped there */
	PEL_W_CALLOUT_BAD, /* a callout's size or substructure is inconsistent */
	PEL_W_TOO_MANY_CALLOUTS,
	PEL_W_MRU_CAPPED, /* MRU count capped at 15 or at the callout size */
	PEL_W_TOO_MANY_SECTIONS, /* more sections than PEL_MAX_SRCS/PEL_MAX_SW decoded */
	PEL_W_LOC_LEN, /* location length not a multiple of 4 or > 80 */
	PEL_W_COUNT
};

struct pel_warning {
	uint16_t code; /* enum pel_warn_code */
	uint16_t section; /* index into sec[], or 0xFFFF */
	uint32_t offset; /* byte offset in the PEL where it was detected */
	uint32_t value; /* code-specific number (length, count, id ...) */
};

/* Presence bits (1u << enum pel_kind) in struct pel.present. */
#define PEL_HAS(pel, k) (((pel)->present >> (k)) & 1u)

struct pel {
	/* input */
	const uint8_t *buf; /* as given */
	size_t buf_len;
	bool esel; /* a 16-byte eSEL header was stripped */
	struct pel_esel esel_hdr;
	const uint8_t *data; /* PEL start (buf or buf + 16) */
	size_t data_len; /* bytes available from data */
	size_t pel_len; /* true PEL length from the section chain */
	size_t trailing; /* bytes after pel_len in the buffer (padding etc.) */
	bool truncated; /* the chain ran past the end of the buffer */
	bool corrupt; /* the chain broke (zero-length section) */

	uint32_t present; /* 1 << enum pel_kind for each kind decoded (typed fields valid) */
	uint32_t seen; /* 1 << enum pel_kind for each kind in the chain */
	struct pel_ph ph;
	struct pel_uh uh;
	int8_t ps; /* index into src[] of the primary SRC, -1 if none */
	struct pel_eh eh;
	struct pel_mtms mt, hm;
	struct pel_ep ep;
	struct pel_ie ie;
	struct pel_mi mi;
	struct pel_str ch;
	struct pel_lp lp;
	struct pel_lr lr;
	struct pel_dh dh;
	struct pel_ei ei;

	uint8_t n_src, n_sw;
	struct pel_src src[PEL_MAX_SRCS];
	struct pel_sw sw[PEL_MAX_SW];

	uint16_t n_sec;
	uint16_t n_warn;
	uint16_t warn_dropped;
	struct pel_warning warn[PEL_MAX_WARNINGS];
	struct pel_section sec[PEL_MAX_SECTIONS];
};

/*
 * Decode buf (len bytes): a raw PEL, or an eSEL (16-byte SEL header, byte 2 0xDF and
 * byte 13 0xAA, PH at 16). Returns 0 when it is a PEL (check out->n_warn), or -EINVAL
 * ("not a PEL": too short, no PH) / -E2BIG (over PEL_INPUT_CAP) with e naming the offset.
 * `name` (may be NULL) is used in error messages.
 */
int pel_decode(const uint8_t *buf, size_t len, struct pel *out, const char *name,
	       struct ras_err *e);

/* The primary SRC, or NULL. */
static inline const struct pel_src *pel_primary_src(const struct pel *p)
{
	return p->ps >= 0 ? &p->src[p->ps] : NULL;
}

/* Commit time, or create time when the commit time is not valid. NULL if neither. */
const struct pel_time *pel_log_time(const struct pel *p);

/* Epoch microseconds of a valid time (UTC); false when invalid. */
bool pel_time_to_us(const struct pel_time *t, int64_t *us);
/* "2014-03-13 08:15:55" into out (>= 20 bytes); invalid: raw hex "0x9963...". */
char *pel_time_format(const struct pel_time *t, char *out, size_t n);
/* ISO 8601 "2014-03-13T08:15:55.67Z" (>= 24 bytes) or "" when invalid. */
char *pel_time_iso(const struct pel_time *t, char *out, size_t n);

/* Section id as two printable chars ("PH"; unprintable bytes as '.'); out >= 3 bytes. */
char *pel_sid_str(uint16_t id, char out[3]);

/* ---- name tables (pel_names.c); unknown values give NULL unless said otherwise ---- */
const char *pel_creator_name(uint8_t creator); /* "Unknown" when unknown */
const char *pel_subsystem_name(uint8_t subsystem); /* falls back to the class */
const char *pel_severity_name(uint8_t severity); /* falls back to the class */
const char *pel_severity_class_name(uint8_t severity); /* "Predictive Error", ... */
const char *pel_event_type_name(uint8_t type);
const char *pel_scope_name(uint8_t scope);
const char *pel_priority_name(uint8_t prio);
const char *pel_fru_type_name(uint8_t fru_flags); /* by the high nibble */
const char *pel_section_title(uint16_t id); /* "Private Header", ... */
enum pel_kind pel_kind_lookup(uint16_t id);
/* Action flags: iterate bits; returns the name of bit (a power of two) or NULL. */
const char *pel_action_name(uint16_t bit);
const char *pel_warn_name(enum pel_warn_code code);
/* One line of text for a warning (no newline). */
void pel_warn_format(const struct pel *p, const struct pel_warning *w, char *out, size_t n);
/* True if p carries a warning with this code. */
bool pel_has_warning(const struct pel *p, enum pel_warn_code code);

/* ---- renderers ---- */
struct pel_render_opts {
	const char *sections; /* NULL = all; else a comma list of ids: "PH,UH,PS" */
	bool hex; /* hex dumps of UD/ED/opaque sections */
	const char *label; /* file name shown in headers, may be NULL */
};

/* Does opts select a section with this id? */
bool pel_render_selects(const struct pel_render_opts *o, uint16_t id);

void pel_render_text(FILE *f, const struct pel *p, const struct pel_render_opts *o);
struct json_writer;
/* One JSON object (the PEL) written as a value into w (docs/pel-json.md). */
void pel_render_json(struct json_writer *w, const struct pel *p, const struct pel_render_opts *o);
/* One PEL as a complete JSON document (object + newline) on f. */
void pel_render_json_doc(FILE *f, const struct pel *p, const struct pel_render_opts *o,
			 bool pretty);
/* One line: id, time, SRC, severity, creator, '+' when serviceable. */
void pel_render_summary(FILE *f, const struct pel *p, const char *label);

#endif
