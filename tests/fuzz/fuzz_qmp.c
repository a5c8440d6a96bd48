/*
 * fuzz_qmp.c - libFuzzer target for errlog/qmp_msg.c: the bytes a QMP socket delivers.
 * The first byte picks a chunk size, the rest is fed to a reader (cap 4 KiB, so the
 * over-long-line path is reached) in chunks of that size, draining messages after each
 * chunk as the daemon does; every message's fields are read and an event's data is
 * re-encoded as command arguments. Must never crash, hang, leak or read out of bounds,
 * and must always consume what it reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errlog/qmp_msg.h"

static size_t sink;

static void drain(struct qmp_reader *r)
{
	struct qmp_msg m;
	struct ras_err e;
	int rc;

	for (int guard = 0; guard < 100000; guard++) {
		size_t before = r->len;
		rc = qmp_reader_next(r, &m, &e);
		if (rc == 0)
			return;
		if (rc < 0) {
			sink += strlen(e.msg);
			if (r->len >= before && before)
				__builtin_trap(); /* a reported error must consume input */
			continue;
		}
		sink += strlen(m.id);
		switch (m.type) {
		case QMP_MSG_ERROR:
			sink += strlen(m.err_class) + strlen(m.err_desc);
			break;
		case QMP_MSG_EVENT: {
			size_t len = 0;
			char *s = qmp_command_encode(m.event, m.data, m.id, &len);
			if (s && (len == 0 || s[len - 1] != '\n'))
				__builtin_trap();
			free(s);
			break;
		}
		case QMP_MSG_RETURN:
			sink += json_is_object(m.ret);
			break;
		default:
			break;
		}
		qmp_msg_free(&m);
	}
	__builtin_trap(); /* no progress */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qmp_reader r;
	struct ras_err e;
	size_t chunk;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] * 4 + 1;
	data++;
	size--;
	qmp_reader_init(&r, 4096);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (qmp_reader_feed(&r, data + off, n, &e))
			break;
		drain(&r);
	}
	qmp_reader_free(&r);
	return 0;
}
