/*
 * prd_msg.h - the /dev/opal-prd message codec (struct opal_prd_msg, skiboot
 * include/opal-api.h and include/prd-fw-msg.h; spec opal-sysfs-and-prd.md §4.3).
 *
 * Wire format: u8 type, u8 pad, be16 size (whole message), be32 token, then the
 * payload; every multi-byte field is big-endian. Decoding takes untrusted bytes: the
 * declared size must equal the bytes received, every payload field is length-checked,
 * and variable data (firmware messages) must fit inside the message. Decoded messages
 * borrow their data pointers from the input buffer. Encoding produces what OPAL and
 * the kernel accept: fixed messages are padded to PRD_MSG_FIXED_SIZE (32) bytes, FINI
 * is header-only (4 bytes) as the kernel sends it.
 *
 * prd_msg_to_event() maps an OPAL->host message to the store's event model (kinds
 * prd-*); a FIRMWARE_NOTIFY carrying an ERROR_LOG holds a PEL, which the caller
 * stores through errlog/pel_event.h instead.
 */
#ifndef OPAL_RAS_ERRLOG_PRD_MSG_H
#define OPAL_RAS_ERRLOG_PRD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"

enum prd_msg_type {
	PRD_MSG_INIT = 0,
	PRD_MSG_FINI = 1,
	PRD_MSG_ATTN = 2,
	PRD_MSG_ATTN_ACK = 3,
	PRD_MSG_OCC_ERROR = 4,
	PRD_MSG_OCC_RESET = 5,
	PRD_MSG_OCC_RESET_NOTIFY = 6,
	PRD_MSG_FIRMWARE_REQUEST = 7,
	PRD_MSG_FIRMWARE_RESPONSE = 8,
	PRD_MSG_FIRMWARE_NOTIFY = 9,
	PRD_MSG_SBE_PASSTHROUGH = 10,
	PRD_MSG_FSP_OCC_RESET = 11,
	PRD_MSG_FSP_OCC_RESET_STATUS = 12,
	PRD_MSG_CORE_SPECIAL_WAKEUP = 13,
	PRD_MSG_FSP_OCC_LOAD_START = 14,
	PRD_MSG_FSP_OCC_LOAD_START_STATUS = 15,
	PRD_MSG_TYPE_COUNT
};

/* Inner firmware message types (FIRMWARE_REQUEST/RESPONSE/NOTIFY data). */
enum prd_fw_msg_type {
	PRD_FW_REQ_NOP = 0,
	PRD_FW_RESP_NOP = 1,
	PRD_FW_RESP_GENERIC = 2,
	PRD_FW_REQ_HCODE_UPDATE = 3,
	PRD_FW_HBRT_FSP = 4,
	PRD_FW_ERROR_LOG = 5,
	PRD_FW_FSP_HBRT = 6,
};

#define PRD_MSG_HDR_SIZE       4 /* type, pad, be16 size: the minimum read/write */
#define PRD_MSG_BASE_SIZE      8 /* header + be32 token */
#define PRD_MSG_FIXED_SIZE     32 /* sizeof(struct opal_prd_msg); OPAL's minimum but FINI */
#define PRD_MSG_MAX_SIZE       0xffff
#define PRD_KERNEL_VERSION     1 /* OPAL_PRD_KERNEL_VERSION, INIT version */
#define PRD_DEFAULT_IPOLL_MASK 0xf000000000000000ull

struct prd_msg {
	uint8_t type;
	uint16_t size; /* as declared (== bytes decoded) */
	uint32_t token;
	union {
		struct {
			uint64_t version, ipoll;
		} init;
		struct {
			uint64_t proc, ipoll_status, ipoll_mask;
		} attn;
		struct {
			uint64_t proc, ipoll_ack;
		} attn_ack;
		/* OCC_ERROR, OCC_RESET, SBE_PASSTHROUGH, FSP_OCC_RESET, FSP_OCC_LOAD_START */
		struct {
			uint64_t chip;
		} chip;
		/* FSP_OCC_RESET_STATUS, FSP_OCC_LOAD_START_STATUS */
		struct {
			uint64_t chip;
			int64_t status;
		} occ_status;
		struct {
			uint64_t req_len, resp_len;
			const uint8_t *data; /* req_len bytes */
		} fw_req;
		/* FIRMWARE_RESPONSE, FIRMWARE_NOTIFY */
		struct {
			uint64_t len;
			const uint8_t *data; /* len bytes */
		} fw;
		struct {
			uint32_t core, mode;
		} wakeup;
	};
};

struct prd_fw_msg {
	uint64_t type;
	union {
		struct {
			int64_t status;
		} generic;
		struct {
			uint32_t plid, size;
			const uint8_t *data; /* size bytes: the PEL */
		} errlog;
	};
	const uint8_t *rest; /* bytes after the type (any type) */
	size_t rest_len;
};

/* "attn", "occ-error", ... (wire names in lower case); "unknown" for others. */
const char *prd_msg_type_name(unsigned type);
/* Parse a name as prd_msg_type_name() writes it (also upper case, '_'); -1 if unknown. */
int prd_msg_type_parse(const char *s);
const char *prd_fw_msg_type_name(uint64_t type);

/* Decode one whole message. 0, or -EPROTO (malformed: size too small, size lying,
 * payload too short, data past the end) / -ENOTSUP (unknown type) with e filled. */
int prd_msg_decode(const uint8_t *buf, size_t len, struct prd_msg *m, struct ras_err *e);
/* Encode m into buf; *out_len = bytes (= the size field). -ENOSPC, -EINVAL. */
int prd_msg_encode(const struct prd_msg *m, uint8_t *buf, size_t cap, size_t *out_len,
		   struct ras_err *e);

int prd_fw_msg_decode(const uint8_t *buf, size_t len, struct prd_fw_msg *f, struct ras_err *e);
int prd_fw_msg_encode(const struct prd_fw_msg *f, uint8_t *buf, size_t cap, size_t *out_len,
		      struct ras_err *e);

/* One line "ATTN proc=0x0 ipoll_status=0x... ipoll_mask=0x..." for logs. */
void prd_msg_describe(const struct prd_msg *m, char *out, size_t cap);

/* Event mapping (OPAL->host messages and protocol errors). Strings live in here. */
#define PRD_EVENT_MAX_ATTRS 8
struct prd_event_buf {
	char kind[40];
	char dedupe[96];
	char summary[256];
	char location[32];
	struct ras_attr attrs[PRD_EVENT_MAX_ATTRS];
	char val[PRD_EVENT_MAX_ATTRS][72];
};

/* Fill ev for m received at time_us; seq makes the dedupe key unique per daemon
 * instance ("prd:<boot-or-instance>:<seq>" from the caller's id). raw/raw_len are the
 * message bytes (kept as the event's raw). */
void prd_msg_to_event(const struct prd_msg *m, const uint8_t *raw, size_t raw_len, int64_t time_us,
		      const char *id, struct prd_event_buf *b, struct ras_event *ev);
/* A message that did not decode: kind prd-protocol-error, reason in the summary. */
void prd_protocol_error_event(const uint8_t *raw, size_t raw_len, size_t real_len,
			      const char *reason, int64_t time_us, const char *id,
			      struct prd_event_buf *b, struct ras_event *ev);
/* Add one attribute (name must be a literal or live as long as b). */
void prd_event_add_attr(struct prd_event_buf *b, struct ras_event *ev, const char *name,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
