/*
 * fuzz_prd_msg.c - libFuzzer target for errlog/prd_msg.c: the input is one PRD
 * message as read from /dev/opal-prd. It is decoded; a decoded message is described,
 * mapped to an event, re-encoded (the re-encoding must decode to the same type), and
 * any firmware data is decoded as an inner firmware message. Must never crash, hang or
 * read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "errlog/prd_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prd_msg m, m2;
	struct prd_fw_msg f;
	struct prd_event_buf b;
	struct ras_event ev;
	struct ras_err e;
	static uint8_t out[PRD_MSG_MAX_SIZE + 1];
	char d[256];
	size_t n;

	if (prd_msg_decode(data, size, &m, &e)) {
		prd_protocol_error_event(data, size, size, e.msg, 0, "f", &b, &ev);
		return 0;
	}
	prd_msg_describe(&m, d, sizeof(d));
	prd_msg_to_event(&m, data, size, 0, "f", &b, &ev);
	if (m.type == PRD_MSG_FIRMWARE_NOTIFY || m.type == PRD_MSG_FIRMWARE_RESPONSE)
		prd_fw_msg_decode(m.fw.data, m.fw.len, &f, &e);
	if (m.type == PRD_MSG_FIRMWARE_REQUEST)
		prd_fw_msg_decode(m.fw_req.data, m.fw_req.req_len, &f, &e);
	if (prd_msg_encode(&m, out, sizeof(out), &n, &e) == 0) {
		if (prd_msg_decode(out, n, &m2, &e) || m2.type != m.type)
			__builtin_trap();
	}
	return 0;
}
