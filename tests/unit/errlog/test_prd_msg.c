/*
 * test_prd_msg.c - unit tests of errlog/prd_msg.c: every PRD message type and inner
 * firmware message round-trips through encode/decode with the wire layout of
 * opal-sysfs-and-prd.md §4.3 (big-endian, sizes), malformed input (short, lying size,
 * unknown type, data past the end) is refused with a reason, and the event mapping.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "errlog/prd_msg.h"

/* The decoded message's data points into buf: static so it outlives the call. */
static uint8_t rt_buf[512];

static struct prd_msg rt(const struct prd_msg *in, size_t expect_size)
{
	size_t n = 0;
	struct prd_msg out;
	struct ras_err e;

	cr_assert_eq(prd_msg_encode(in, rt_buf, sizeof(rt_buf), &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, expect_size, "type %u: size %zu", in->type, n);
	cr_assert_eq(rt_buf[0], in->type);
	cr_assert_eq((rt_buf[2] << 8) | rt_buf[3], expect_size);
	cr_assert_eq(prd_msg_decode(rt_buf, n, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(out.type, in->type);
	cr_assert_eq(out.size, expect_size);
	return out;
}

Test(prd_msg, fixed_types_round_trip)
{
	struct prd_msg m = { .type = PRD_MSG_INIT, .token = 0 };
	m.init.version = 1;
	m.init.ipoll = PRD_DEFAULT_IPOLL_MASK;
	struct prd_msg o = rt(&m, 32);
	cr_assert_eq(o.init.version, 1);
	cr_assert_eq(o.init.ipoll, 0xf000000000000000ull);

	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_ATTN;
	m.attn.proc = 8;
	m.attn.ipoll_status = 0x4000000000000000ull;
	m.attn.ipoll_mask = 0x0123456789abcdefull;
	o = rt(&m, 32);
	cr_assert_eq(o.attn.proc, 8);
	cr_assert_eq(o.attn.ipoll_status, 0x4000000000000000ull);
	cr_assert_eq(o.attn.ipoll_mask, 0x0123456789abcdefull);

	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_ATTN_ACK;
	m.attn_ack.proc = 1;
	m.attn_ack.ipoll_ack = 0x2000000000000000ull;
	o = rt(&m, 32);
	cr_assert_eq(o.attn_ack.proc, 1);
	cr_assert_eq(o.attn_ack.ipoll_ack, 0x2000000000000000ull);

	unsigned chip_types[] = { PRD_MSG_OCC_ERROR, PRD_MSG_OCC_RESET, PRD_MSG_SBE_PASSTHROUGH,
				  PRD_MSG_FSP_OCC_RESET, PRD_MSG_FSP_OCC_LOAD_START };
	for (size_t i = 0; i < sizeof(chip_types) / sizeof(chip_types[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.type = chip_types[i];
		m.chip.chip = 0x10 + i;
		o = rt(&m, 32);
		cr_assert_eq(o.chip.chip, 0x10 + i);
	}
	unsigned st_types[] = { PRD_MSG_FSP_OCC_RESET_STATUS, PRD_MSG_FSP_OCC_LOAD_START_STATUS };
	for (size_t i = 0; i < 2; i++) {
		memset(&m, 0, sizeof(m));
		m.type = st_types[i];
		m.occ_status.chip = 3;
		m.occ_status.status = -7;
		o = rt(&m, 32);
		cr_assert_eq(o.occ_status.chip, 3);
		cr_assert_eq(o.occ_status.status, -7);
	}
	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_CORE_SPECIAL_WAKEUP;
	m.wakeup.core = 0x1234;
	m.wakeup.mode = 2;
	o = rt(&m, 32);
	cr_assert_eq(o.wakeup.core, 0x1234);
	cr_assert_eq(o.wakeup.mode, 2);

	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_OCC_RESET_NOTIFY;
	rt(&m, 32);
	m.type = PRD_MSG_FINI;
	o = rt(&m, 4); /* header only, as the kernel sends it */
	cr_assert_eq(o.type, PRD_MSG_FINI);
}

Test(prd_msg, wire_layout_is_big_endian)
{
	struct prd_msg m = { .type = PRD_MSG_ATTN_ACK, .token = 0x01020304 };
	uint8_t buf[64];
	size_t n;

	m.attn_ack.proc = 0x1122334455667788ull;
	m.attn_ack.ipoll_ack = 0xf000000000000000ull;
	cr_assert_eq(prd_msg_encode(&m, buf, sizeof(buf), &n, NULL), 0);
	uint8_t want[16] = {
		3, 0, 0, 32, 1, 2, 3, 4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
	};
	cr_assert_arr_eq(buf, want, 16);
	cr_assert_eq(buf[16], 0xf0);
	for (int i = 24; i < 32; i++)
		cr_assert_eq(buf[i], 0);
}

Test(prd_msg, firmware_messages_round_trip)
{
	uint8_t pel[100], inner[256], msgbuf[512];
	size_t il, n;
	struct prd_fw_msg f = { .type = PRD_FW_ERROR_LOG }, g;
	struct prd_msg m = { .type = PRD_MSG_FIRMWARE_NOTIFY }, o;
	struct ras_err e;

	for (size_t i = 0; i < sizeof(pel); i++)
		pel[i] = (uint8_t)i;
	f.errlog.plid = 0x50001234;
	f.errlog.size = sizeof(pel);
	f.errlog.data = pel;
	cr_assert_eq(prd_fw_msg_encode(&f, inner, sizeof(inner), &il, &e), 0);
	cr_assert_eq(il, 116);
	m.fw.len = il;
	m.fw.data = inner;
	o = rt(&m, 16 + 116);
	cr_assert_eq(o.fw.len, 116);
	cr_assert_eq(prd_fw_msg_decode(o.fw.data, o.fw.len, &g, &e), 0, "%s", e.msg);
	cr_assert_eq(g.type, PRD_FW_ERROR_LOG);
	cr_assert_eq(g.errlog.plid, 0x50001234);
	cr_assert_eq(g.errlog.size, 100);
	cr_assert_arr_eq(g.errlog.data, pel, 100);

	/* FIRMWARE_RESPONSE with RESP_GENERIC: padded to 32. */
	struct prd_fw_msg r = { .type = PRD_FW_RESP_GENERIC };
	r.generic.status = -2;
	cr_assert_eq(prd_fw_msg_encode(&r, inner, sizeof(inner), &il, &e), 0);
	cr_assert_eq(il, 16);
	m.type = PRD_MSG_FIRMWARE_RESPONSE;
	m.fw.len = il;
	o = rt(&m, 32);
	cr_assert_eq(prd_fw_msg_decode(o.fw.data, o.fw.len, &g, &e), 0);
	cr_assert_eq(g.generic.status, -2);

	/* FIRMWARE_REQUEST: 24 + req_len. */
	struct prd_fw_msg q = { .type = PRD_FW_HBRT_FSP, .rest = pel, .rest_len = 40 };
	cr_assert_eq(prd_fw_msg_encode(&q, inner, sizeof(inner), &il, &e), 0);
	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_FIRMWARE_REQUEST;
	m.fw_req.req_len = il;
	m.fw_req.resp_len = 256;
	m.fw_req.data = inner;
	o = rt(&m, 24 + 48);
	cr_assert_eq(o.fw_req.resp_len, 256);
	cr_assert_eq(prd_fw_msg_decode(o.fw_req.data, o.fw_req.req_len, &g, &e), 0);
	cr_assert_eq(g.type, PRD_FW_HBRT_FSP);
	cr_assert_eq(g.rest_len, 40);

	/* too large for the be16 size */
	static uint8_t big[70000];
	m.type = PRD_MSG_FIRMWARE_NOTIFY;
	m.fw.len = sizeof(big);
	m.fw.data = big;
	cr_assert_eq(prd_msg_encode(&m, msgbuf, sizeof(msgbuf), &n, &e), -EINVAL);
	m.fw.len = 1000;
	cr_assert_eq(prd_msg_encode(&m, msgbuf, sizeof(msgbuf), &n, &e), -ENOSPC);
}

Test(prd_msg, malformed_refused)
{
	uint8_t b[64] = { 0 };
	struct prd_msg m;
	struct ras_err e;

	cr_assert_eq(prd_msg_decode(b, 3, &m, &e), -EPROTO);
	cr_assert(strstr(e.msg, "header"), "%s", e.msg);
	/* size lying: says 32, 20 received */
	b[0] = PRD_MSG_ATTN;
	b[3] = 32;
	cr_assert_eq(prd_msg_decode(b, 20, &m, &e), -EPROTO);
	cr_assert(strstr(e.msg, "size field says 32"), "%s", e.msg);
	/* consistent but too short for an ATTN */
	b[3] = 20;
	cr_assert_eq(prd_msg_decode(b, 20, &m, &e), -EPROTO);
	cr_assert(strstr(e.msg, "expected 24"), "%s", e.msg);
	/* unknown type */
	b[0] = 99;
	b[3] = 32;
	cr_assert_eq(prd_msg_decode(b, 32, &m, &e), -ENOTSUP);
	cr_assert(strstr(e.msg, "unknown type 99"), "%s", e.msg);
	/* firmware notify whose len runs past the end */
	memset(b, 0, sizeof(b));
	b[0] = PRD_MSG_FIRMWARE_NOTIFY;
	b[3] = 32;
	b[15] = 17; /* 16 data bytes follow */
	cr_assert_eq(prd_msg_decode(b, 32, &m, &e), -EPROTO);
	b[15] = 16;
	cr_assert_eq(prd_msg_decode(b, 32, &m, &e), 0);
	/* inner error log whose size lies */
	uint8_t in[24] = { 0 };
	struct prd_fw_msg f;
	in[7] = PRD_FW_ERROR_LOG;
	in[15] = 9; /* 8 bytes follow */
	cr_assert_eq(prd_fw_msg_decode(in, 24, &f, &e), -EPROTO);
	cr_assert_eq(prd_fw_msg_decode(in, 7, &f, &e), -EPROTO);
	/* FINI is fine header-only; short INIT is not */
	b[0] = PRD_MSG_FINI;
	b[3] = 4;
	cr_assert_eq(prd_msg_decode(b, 4, &m, &e), 0);
	b[0] = PRD_MSG_INIT;
	cr_assert_eq(prd_msg_decode(b, 4, &m, &e), -EPROTO);
}

Test(prd_msg, names)
{
	cr_assert_str_eq(prd_msg_type_name(PRD_MSG_FSP_OCC_LOAD_START), "fsp-occ-load-start");
	cr_assert_eq(prd_msg_type_parse("FSP_OCC_RESET"), PRD_MSG_FSP_OCC_RESET);
	cr_assert_eq(prd_msg_type_parse("attn"), PRD_MSG_ATTN);
	cr_assert_eq(prd_msg_type_parse("bogus"), -1);
	cr_assert_str_eq(prd_msg_type_name(200), "unknown");
	cr_assert_str_eq(prd_fw_msg_type_name(5), "error-log");
}

static const char *attr(const struct ras_event *ev, const char *n)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, n))
			return ev->attrs[i].value;
	return NULL;
}

Test(prd_msg, events)
{
	struct prd_msg m = { .type = PRD_MSG_ATTN };
	struct prd_event_buf b;
	struct ras_event ev;
	uint8_t raw[32] = { 2 };

	m.attn.proc = 1;
	m.attn.ipoll_status = 0x8000000000000000ull;
	prd_msg_to_event(&m, raw, 32, 1000, "x:1", &b, &ev);
	cr_assert_str_eq(ev.kind, "prd-attn");
	cr_assert_str_eq(ev.source, "prd");
	cr_assert_str_eq(ev.dedupe_key, "prd:x:1");
	cr_assert_eq(ev.severity, RAS_SEV_CRITICAL);
	cr_assert_str_eq(attr(&ev, "chip"), "1");
	cr_assert_str_eq(attr(&ev, "ipoll_status"), "0x8000000000000000");
	cr_assert_eq(ev.raw_len, 32);

	memset(&m, 0, sizeof(m));
	m.type = PRD_MSG_FSP_OCC_LOAD_START;
	m.chip.chip = 2;
	prd_msg_to_event(&m, raw, 32, 1000, "x:2", &b, &ev);
	cr_assert_str_eq(ev.kind, "prd-fsp-occ-load-start");
	cr_assert_str_eq(attr(&ev, "chip"), "2");

	uint8_t inner[8] = { 0, 0, 0, 0, 0, 0, 0, 6 };
	m.type = PRD_MSG_FIRMWARE_NOTIFY;
	m.fw.len = 8;
	m.fw.data = inner;
	prd_msg_to_event(&m, raw, 32, 1000, "x:3", &b, &ev);
	cr_assert_str_eq(ev.kind, "prd-fw-notify");
	cr_assert_str_eq(attr(&ev, "fw_type"), "fsp-hbrt");

	prd_protocol_error_event(raw, 3, 3, "too short", 1, "x:4", &b, &ev);
	cr_assert_str_eq(ev.kind, "prd-protocol-error");
	cr_assert(strstr(ev.summary, "too short"));
	cr_assert_str_eq(attr(&ev, "length"), "3");
}
