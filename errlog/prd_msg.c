/*
 * prd_msg.c - encode and decode /dev/opal-prd messages and their inner firmware
 * messages (see prd_msg.h); map OPAL->host messages to events.
 *
 * Invariants: decoding never reads past len (every field read is preceded by a
 * remaining-length check), a declared size that differs from the bytes received is an
 * error (a lying size field), and data pointers in a decoded message point inside the
 * input buffer.
 */
#include "errlog/prd_msg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/bytes.h"

static const char *const type_names[PRD_MSG_TYPE_COUNT] = {
	"init",
	"fini",
	"attn",
	"attn-ack",
	"occ-error",
	"occ-reset",
	"occ-reset-notify",
	"firmware-request",
	"firmware-response",
	"firmware-notify",
	"sbe-passthrough",
	"fsp-occ-reset",
	"fsp-occ-reset-status",
	"core-special-wakeup",
	"fsp-occ-load-start",
	"fsp-occ-load-start-status",
};

const char *prd_msg_type_name(unsigned type)
{
	return type < PRD_MSG_TYPE_COUNT ? type_names[type] : "unknown";
}

int prd_msg_type_parse(const char *s)
{
	char n[40];
	size_t i;

	for (i = 0; s[i] && i < sizeof(n) - 1; i++)
		n[i] = s[i] == '_' ? '-' : (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i];
	if (s[i])
		return -1;
	n[i] = 0;
	for (int t = 0; t < PRD_MSG_TYPE_COUNT; t++)
		if (!strcmp(n, type_names[t]))
			return t;
	return -1;
}

const char *prd_fw_msg_type_name(uint64_t type)
{
	static const char *const n[] = { "req-nop",	     "resp-nop", "resp-generic",
					 "req-hcode-update", "hbrt-fsp", "error-log",
					 "fsp-hbrt" };
	return type < sizeof(n) / sizeof(n[0]) ? n[type] : "unknown";
}

/* Payload bytes each fixed message needs after the 8-byte base (-1: variable/none). */
static int fixed_payload(unsigned type)
{
	switch (type) {
	case PRD_MSG_INIT:
	case PRD_MSG_ATTN_ACK:
	case PRD_MSG_FSP_OCC_RESET_STATUS:
	case PRD_MSG_FSP_OCC_LOAD_START_STATUS:
		return 16;
	case PRD_MSG_ATTN:
		return 24;
	case PRD_MSG_OCC_ERROR:
	case PRD_MSG_OCC_RESET:
	case PRD_MSG_SBE_PASSTHROUGH:
	case PRD_MSG_FSP_OCC_RESET:
	case PRD_MSG_FSP_OCC_LOAD_START:
		return 8;
	case PRD_MSG_CORE_SPECIAL_WAKEUP:
		return 8;
	case PRD_MSG_OCC_RESET_NOTIFY:
		return 0;
	default:
		return -1;
	}
}

int prd_msg_decode(const uint8_t *buf, size_t len, struct prd_msg *m, struct ras_err *e)
{
	const uint8_t *p;
	size_t left;

	memset(m, 0, sizeof(*m));
	if (len < PRD_MSG_HDR_SIZE)
		return ras_errf(e, -EPROTO,
				"prd message: %zu bytes, shorter than the %d-byte header", len,
				PRD_MSG_HDR_SIZE);
	m->type = buf[0];
	m->size = be16(buf + 2);
	if (m->size != len)
		return ras_errf(
			e, -EPROTO,
			"prd message type %u: size field says %u bytes at offset 2, %zu received",
			m->type, m->size, len);
	if (m->type >= PRD_MSG_TYPE_COUNT)
		return ras_errf(e, -ENOTSUP, "prd message: unknown type %u at offset 0 (%zu bytes)",
				m->type, len);
	if (m->type == PRD_MSG_FINI) {
		if (len >= PRD_MSG_BASE_SIZE)
			m->token = be32(buf + 4);
		return 0;
	}
	if (len < PRD_MSG_BASE_SIZE)
		return ras_errf(e, -EPROTO, "prd message %s: %zu bytes, expected at least %d",
				prd_msg_type_name(m->type), len, PRD_MSG_BASE_SIZE);
	m->token = be32(buf + 4);
	p = buf + PRD_MSG_BASE_SIZE;
	left = len - PRD_MSG_BASE_SIZE;
	int need = fixed_payload(m->type);
	if (need >= 0) {
		if (left < (size_t)need)
			return ras_errf(
				e, -EPROTO,
				"prd message %s: payload of %zu bytes at offset %d, expected %d",
				prd_msg_type_name(m->type), left, PRD_MSG_BASE_SIZE, need);
		switch (m->type) {
		case PRD_MSG_INIT:
			m->init.version = be64(p);
			m->init.ipoll = be64(p + 8);
			break;
		case PRD_MSG_ATTN:
			m->attn.proc = be64(p);
			m->attn.ipoll_status = be64(p + 8);
			m->attn.ipoll_mask = be64(p + 16);
			break;
		case PRD_MSG_ATTN_ACK:
			m->attn_ack.proc = be64(p);
			m->attn_ack.ipoll_ack = be64(p + 8);
			break;
		case PRD_MSG_FSP_OCC_RESET_STATUS:
		case PRD_MSG_FSP_OCC_LOAD_START_STATUS:
			m->occ_status.chip = be64(p);
			m->occ_status.status = (int64_t)be64(p + 8);
			break;
		case PRD_MSG_CORE_SPECIAL_WAKEUP:
			m->wakeup.core = be32(p);
			m->wakeup.mode = be32(p + 4);
			break;
		case PRD_MSG_OCC_RESET_NOTIFY:
			break;
		default:
			m->chip.chip = be64(p);
			break;
		}
		return 0;
	}
	if (m->type == PRD_MSG_FIRMWARE_REQUEST) {
		if (left < 16)
			return ras_errf(
				e, -EPROTO,
				"prd message firmware-request: %zu payload bytes at offset 8, "
				"expected at least 16",
				left);
		m->fw_req.req_len = be64(p);
		m->fw_req.resp_len = be64(p + 8);
		if (m->fw_req.req_len > left - 16)
			return ras_errf(e, -EPROTO,
					"prd message firmware-request: req_len %" PRIu64
					" at offset 8 exceeds the %zu data bytes",
					m->fw_req.req_len, left - 16);
		m->fw_req.data = p + 16;
		return 0;
	}
	/* FIRMWARE_RESPONSE, FIRMWARE_NOTIFY */
	if (left < 8)
		return ras_errf(
			e, -EPROTO,
			"prd message %s: %zu payload bytes at offset 8, expected at least 8",
			prd_msg_type_name(m->type), left);
	m->fw.len = be64(p);
	if (m->fw.len > left - 8)
		return ras_errf(e, -EPROTO,
				"prd message %s: len %" PRIu64
				" at offset 8 exceeds the %zu data bytes",
				prd_msg_type_name(m->type), m->fw.len, left - 8);
	m->fw.data = p + 8;
	return 0;
}

int prd_msg_encode(const struct prd_msg *m, uint8_t *buf, size_t cap, size_t *out_len,
		   struct ras_err *e)
{
	size_t size;
	uint8_t *p;

	if (m->type >= PRD_MSG_TYPE_COUNT)
		return ras_errf(e, -EINVAL, "prd encode: unknown type %u", m->type);
	if (m->type == PRD_MSG_FINI) {
		size = PRD_MSG_HDR_SIZE;
	} else if (fixed_payload(m->type) >= 0) {
		size = PRD_MSG_FIXED_SIZE;
	} else {
		uint64_t dl = m->type == PRD_MSG_FIRMWARE_REQUEST ? m->fw_req.req_len : m->fw.len;
		size_t hdr = m->type == PRD_MSG_FIRMWARE_REQUEST ? 24 : 16;
		if (dl > PRD_MSG_MAX_SIZE - hdr)
			return ras_errf(e, -EINVAL,
					"prd encode %s: %" PRIu64 " data bytes exceed 64 KiB",
					prd_msg_type_name(m->type), dl);
		size = hdr + dl;
		if (size < PRD_MSG_FIXED_SIZE)
			size = PRD_MSG_FIXED_SIZE;
	}
	if (size > cap)
		return ras_errf(e, -ENOSPC, "prd encode %s: needs %zu bytes, buffer has %zu",
				prd_msg_type_name(m->type), size, cap);
	memset(buf, 0, size);
	buf[0] = m->type;
	put_be16(buf + 2, (uint16_t)size);
	*out_len = size;
	if (m->type == PRD_MSG_FINI)
		return 0;
	put_be32(buf + 4, m->token);
	p = buf + PRD_MSG_BASE_SIZE;
	switch (m->type) {
	case PRD_MSG_INIT:
		put_be64(p, m->init.version);
		put_be64(p + 8, m->init.ipoll);
		break;
	case PRD_MSG_ATTN:
		put_be64(p, m->attn.proc);
		put_be64(p + 8, m->attn.ipoll_status);
		put_be64(p + 16, m->attn.ipoll_mask);
		break;
	case PRD_MSG_ATTN_ACK:
		put_be64(p, m->attn_ack.proc);
		put_be64(p + 8, m->attn_ack.ipoll_ack);
		break;
	case PRD_MSG_FSP_OCC_RESET_STATUS:
	case PRD_MSG_FSP_OCC_LOAD_START_STATUS:
		put_be64(p, m->occ_status.chip);
		put_be64(p + 8, (uint64_t)m->occ_status.status);
		break;
	case PRD_MSG_CORE_SPECIAL_WAKEUP:
		put_be32(p, m->wakeup.core);
		put_be32(p + 4, m->wakeup.mode);
		break;
	case PRD_MSG_OCC_RESET_NOTIFY:
		break;
	case PRD_MSG_FIRMWARE_REQUEST:
		put_be64(p, m->fw_req.req_len);
		put_be64(p + 8, m->fw_req.resp_len);
		if (m->fw_req.req_len)
			memcpy(p + 16, m->fw_req.data, m->fw_req.req_len);
		break;
	case PRD_MSG_FIRMWARE_RESPONSE:
	case PRD_MSG_FIRMWARE_NOTIFY:
		put_be64(p, m->fw.len);
		if (m->fw.len)
			memcpy(p + 8, m->fw.data, m->fw.len);
		break;
	default:
		put_be64(p, m->chip.chip);
		break;
	}
	return 0;
}

int prd_fw_msg_decode(const uint8_t *buf, size_t len, struct prd_fw_msg *f, struct ras_err *e)
{
	memset(f, 0, sizeof(*f));
	if (len < 8)
		return ras_errf(e, -EPROTO, "prd firmware message: %zu bytes, expected at least 8",
				len);
	f->type = be64(buf);
	f->rest = buf + 8;
	f->rest_len = len - 8;
	switch (f->type) {
	case PRD_FW_RESP_GENERIC:
		if (f->rest_len < 8)
			return ras_errf(
				e, -EPROTO,
				"prd firmware resp-generic: %zu bytes at offset 8, expected 8",
				f->rest_len);
		f->generic.status = (int64_t)be64(buf + 8);
		break;
	case PRD_FW_ERROR_LOG:
		if (f->rest_len < 8)
			return ras_errf(e, -EPROTO,
					"prd firmware error-log: %zu bytes at offset 8, expected "
					"at least 8",
					f->rest_len);
		f->errlog.plid = be32(buf + 8);
		f->errlog.size = be32(buf + 12);
		if (f->errlog.size > f->rest_len - 8)
			return ras_errf(
				e, -EPROTO,
				"prd firmware error-log: size %u at offset 12 exceeds the %zu "
				"bytes that follow",
				f->errlog.size, f->rest_len - 8);
		f->errlog.data = buf + 16;
		break;
	default:
		break;
	}
	return 0;
}

int prd_fw_msg_encode(const struct prd_fw_msg *f, uint8_t *buf, size_t cap, size_t *out_len,
		      struct ras_err *e)
{
	size_t size = 8;

	if (f->type == PRD_FW_RESP_GENERIC)
		size = 16;
	else if (f->type == PRD_FW_ERROR_LOG)
		size = 16 + (size_t)f->errlog.size;
	else
		size = 8 + f->rest_len;
	if (size > cap)
		return ras_errf(e, -ENOSPC, "prd firmware encode: needs %zu bytes, buffer has %zu",
				size, cap);
	put_be64(buf, f->type);
	if (f->type == PRD_FW_RESP_GENERIC) {
		put_be64(buf + 8, (uint64_t)f->generic.status);
	} else if (f->type == PRD_FW_ERROR_LOG) {
		put_be32(buf + 8, f->errlog.plid);
		put_be32(buf + 12, f->errlog.size);
		if (f->errlog.size)
			memcpy(buf + 16, f->errlog.data, f->errlog.size);
	} else if (f->rest_len) {
		memcpy(buf + 8, f->rest, f->rest_len);
	}
	*out_len = size;
	return 0;
}

void prd_msg_describe(const struct prd_msg *m, char *out, size_t cap)
{
	const char *n = prd_msg_type_name(m->type);

	switch (m->type) {
	case PRD_MSG_INIT:
		snprintf(out, cap, "INIT version=%" PRIu64 " ipoll=0x%016" PRIx64, m->init.version,
			 m->init.ipoll);
		break;
	case PRD_MSG_ATTN:
		snprintf(out, cap,
			 "ATTN proc=%" PRIu64 " ipoll_status=0x%016" PRIx64
			 " ipoll_mask=0x%016" PRIx64,
			 m->attn.proc, m->attn.ipoll_status, m->attn.ipoll_mask);
		break;
	case PRD_MSG_ATTN_ACK:
		snprintf(out, cap, "ATTN_ACK proc=%" PRIu64 " ipoll_ack=0x%016" PRIx64,
			 m->attn_ack.proc, m->attn_ack.ipoll_ack);
		break;
	case PRD_MSG_FSP_OCC_RESET_STATUS:
	case PRD_MSG_FSP_OCC_LOAD_START_STATUS:
		snprintf(out, cap, "%s chip=%" PRIu64 " status=%" PRId64,
			 m->type == PRD_MSG_FSP_OCC_RESET_STATUS ? "FSP_OCC_RESET_STATUS"
								 : "FSP_OCC_LOAD_START_STATUS",
			 m->occ_status.chip, m->occ_status.status);
		break;
	case PRD_MSG_CORE_SPECIAL_WAKEUP:
		snprintf(out, cap, "CORE_SPECIAL_WAKEUP core=%u mode=%u", m->wakeup.core,
			 m->wakeup.mode);
		break;
	case PRD_MSG_FIRMWARE_REQUEST:
		snprintf(out, cap, "FIRMWARE_REQUEST req_len=%" PRIu64 " resp_len=%" PRIu64,
			 m->fw_req.req_len, m->fw_req.resp_len);
		break;
	case PRD_MSG_FIRMWARE_RESPONSE:
	case PRD_MSG_FIRMWARE_NOTIFY:
		snprintf(out, cap, "%s len=%" PRIu64,
			 m->type == PRD_MSG_FIRMWARE_NOTIFY ? "FIRMWARE_NOTIFY"
							    : "FIRMWARE_RESPONSE",
			 m->fw.len);
		break;
	case PRD_MSG_FINI:
		snprintf(out, cap, "FINI size=%u", m->size);
		break;
	case PRD_MSG_OCC_RESET_NOTIFY:
		snprintf(out, cap, "OCC_RESET_NOTIFY");
		break;
	default: {
		char up[40];
		size_t i;
		for (i = 0; n[i] && i < sizeof(up) - 1; i++)
			up[i] = n[i] == '-' ? '_' : (n[i] >= 'a' && n[i] <= 'z') ? n[i] - 32 : n[i];
		up[i] = 0;
		snprintf(out, cap, "%s chip=%" PRIu64, up, m->chip.chip);
		break;
	}
	}
}

void prd_event_add_attr(struct prd_event_buf *b, struct ras_event *ev, const char *name,
			const char *fmt, ...)
{
	va_list ap;

	if (ev->n_attrs >= PRD_EVENT_MAX_ATTRS)
		return;
	va_start(ap, fmt);
	vsnprintf(b->val[ev->n_attrs], sizeof(b->val[0]), fmt, ap);
	va_end(ap);
	b->attrs[ev->n_attrs].name = name;
	b->attrs[ev->n_attrs].value = b->val[ev->n_attrs];
	ev->n_attrs++;
	ev->attrs = b->attrs;
}

static void base_event(struct ras_event *ev, struct prd_event_buf *b, const uint8_t *raw,
		       size_t raw_len, int64_t time_us, const char *id)
{
	memset(ev, 0, sizeof(*ev));
	b->location[0] = 0;
	snprintf(b->dedupe, sizeof(b->dedupe), "prd:%s", id);
	ev->source = "prd";
	ev->kind = b->kind;
	ev->dedupe_key = b->dedupe;
	ev->time_us = time_us;
	ev->source_severity = -1;
	ev->subsystem = "Processor Runtime Diagnostics";
	ev->summary = b->summary;
	ev->raw = raw;
	ev->raw_len = raw_len;
	ev->attrs = b->attrs;
}

void prd_msg_to_event(const struct prd_msg *m, const uint8_t *raw, size_t raw_len, int64_t time_us,
		      const char *id, struct prd_event_buf *b, struct ras_event *ev)
{
	base_event(ev, b, raw, raw_len, time_us, id);
	snprintf(b->kind, sizeof(b->kind), "prd-%s", prd_msg_type_name(m->type));
	ev->severity = RAS_SEV_INFO;
	switch (m->type) {
	case PRD_MSG_ATTN:
		/* Bit 0 checkstop, 1 recoverable, 2 special attention, 3 host attention. */
		ev->severity = (m->attn.ipoll_status & 0x8000000000000000ull)	? RAS_SEV_CRITICAL
			       : (m->attn.ipoll_status & 0x4000000000000000ull) ? RAS_SEV_WARNING
										: RAS_SEV_INFO;
		snprintf(b->summary, sizeof(b->summary),
			 "PRD attention on chip %" PRIu64 ": ipoll status 0x%016" PRIx64,
			 m->attn.proc, m->attn.ipoll_status);
		prd_event_add_attr(b, ev, "chip", "%" PRIu64, m->attn.proc);
		prd_event_add_attr(b, ev, "ipoll_status", "0x%016" PRIx64, m->attn.ipoll_status);
		prd_event_add_attr(b, ev, "ipoll_mask", "0x%016" PRIx64, m->attn.ipoll_mask);
		snprintf(b->location, sizeof(b->location), "chip %" PRIu64, m->attn.proc);
		break;
	case PRD_MSG_OCC_ERROR:
	case PRD_MSG_OCC_RESET:
	case PRD_MSG_SBE_PASSTHROUGH:
	case PRD_MSG_FSP_OCC_RESET:
	case PRD_MSG_FSP_OCC_LOAD_START: {
		static const char *const what[] = {
			[PRD_MSG_OCC_ERROR] = "OCC error",
			[PRD_MSG_OCC_RESET] = "OCC reset request",
			[PRD_MSG_SBE_PASSTHROUGH] = "SBE pass-through request",
			[PRD_MSG_FSP_OCC_RESET] = "FSP request: OCC (PM complex) reset",
			[PRD_MSG_FSP_OCC_LOAD_START] = "FSP request: OCC load and start",
		};
		ev->severity = m->type == PRD_MSG_OCC_ERROR ? RAS_SEV_ERROR : RAS_SEV_WARNING;
		if (m->type == PRD_MSG_SBE_PASSTHROUGH || m->type == PRD_MSG_FSP_OCC_LOAD_START)
			ev->severity = RAS_SEV_INFO;
		snprintf(b->summary, sizeof(b->summary), "%s on chip %" PRIu64, what[m->type],
			 m->chip.chip);
		prd_event_add_attr(b, ev, "chip", "%" PRIu64, m->chip.chip);
		snprintf(b->location, sizeof(b->location), "chip %" PRIu64, m->chip.chip);
		break;
	}
	case PRD_MSG_FIRMWARE_NOTIFY:
	case PRD_MSG_FIRMWARE_RESPONSE: {
		struct prd_fw_msg f;
		bool ok = prd_fw_msg_decode(m->fw.data, m->fw.len, &f, NULL) == 0;
		if (m->type == PRD_MSG_FIRMWARE_NOTIFY)
			snprintf(b->kind, sizeof(b->kind), "prd-fw-notify");
		else
			snprintf(b->kind, sizeof(b->kind), "prd-fw-response");
		snprintf(b->summary, sizeof(b->summary),
			 "firmware %s: %s message, %" PRIu64 " bytes",
			 m->type == PRD_MSG_FIRMWARE_NOTIFY ? "notification" : "response",
			 ok ? prd_fw_msg_type_name(f.type) : "malformed", m->fw.len);
		prd_event_add_attr(b, ev, "len", "%" PRIu64, m->fw.len);
		if (ok)
			prd_event_add_attr(b, ev, "fw_type", "%s", prd_fw_msg_type_name(f.type));
		if (ok && f.type == PRD_FW_RESP_GENERIC)
			prd_event_add_attr(b, ev, "status", "%" PRId64, f.generic.status);
		if (!ok)
			ev->severity = RAS_SEV_WARNING;
		break;
	}
	default: {
		char d[160];
		prd_msg_describe(m, d, sizeof(d));
		snprintf(b->summary, sizeof(b->summary), "PRD message %s", d);
		break;
	}
	}
	if (b->location[0])
		ev->location = b->location;
	prd_event_add_attr(b, ev, "msg_type", "%s", prd_msg_type_name(m->type));
}

void prd_protocol_error_event(const uint8_t *raw, size_t raw_len, size_t real_len,
			      const char *reason, int64_t time_us, const char *id,
			      struct prd_event_buf *b, struct ras_event *ev)
{
	base_event(ev, b, raw, raw_len, time_us, id);
	snprintf(b->kind, sizeof(b->kind), "prd-protocol-error");
	ev->severity = RAS_SEV_WARNING;
	snprintf(b->summary, sizeof(b->summary), "malformed PRD message: %s", reason);
	prd_event_add_attr(b, ev, "length", "%zu", real_len);
	if (raw_len >= 1)
		prd_event_add_attr(b, ev, "msg_type", "%u", raw[0]);
	if (raw_len >= 4)
		prd_event_add_attr(b, ev, "size_field", "%u", be16(raw + 2));
}
