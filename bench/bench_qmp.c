/*
 * bench_qmp.c - the QMP reader (errlog/qmp_msg.c): messages per second and MB/s for a
 * stream shaped like what the forwarder reads (greeting, replies, events, a query-pci
 * reply of a guest with 32 devices), fed in 8 KiB reads as qmp_conn_read does; and the
 * command encoder. The forwarder reads a handful of messages per delivery, so this is a
 * bound, not a hot path: it shows the reader costs nothing next to a QMP round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "errlog/qmp_msg.h"

static size_t append(char *buf, size_t used, size_t cap, const char *s)
{
	size_t l = strlen(s);
	if (used + l < cap) {
		memcpy(buf + used, s, l);
		used += l;
	}
	return used;
}

int main(void)
{
	size_t cap = 64u << 20, used = 0, msgs = 0;
	char *buf = malloc(cap), pci[8192], dev[256];
	struct ras_err e;

	if (!buf)
		return 1;
	snprintf(pci, sizeof(pci), "{\"return\": [{\"bus\": 0, \"devices\": [");
	for (int i = 0; i < 32; i++) {
		snprintf(dev, sizeof(dev),
			 "%s{\"irq_pin\": 1, \"bus\": 0, \"qdev_id\": \"net%d\", \"irq\": 0, "
			 "\"slot\": %d, \"class_info\": {\"class\": 512, \"desc\": \"Ethernet "
			 "controller\"}, \"id\": {\"device\": 4096, \"vendor\": 6900}}",
			 i ? ", " : "", i, i);
		strncat(pci, dev, sizeof(pci) - strlen(pci) - 1);
	}
	strncat(pci, "]}], \"id\": \"opal-ras-4\"}\r\n", sizeof(pci) - strlen(pci) - 1);
	while (used + 16384 < cap) {
		used = append(buf, used, cap,
			      "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
			      "\"major\": 7}}, \"capabilities\": [\"oob\"]}}\r\n");
		used = append(buf, used, cap, "{\"return\": {}, \"id\": \"opal-ras-1\"}\r\n");
		used = append(buf, used, cap,
			      "{\"timestamp\": {\"seconds\": 1795633903, \"microseconds\": "
			      "106694}, \"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
			      "\"hostdev0\", \"path\": \"/machine/peripheral/hostdev0\"}}\r\n");
		used = append(buf, used, cap, pci);
		msgs += 4;
	}
	struct qmp_reader r;
	struct qmp_msg m;
	size_t got = 0;
	uint64_t t0 = time_mono_ns();
	qmp_reader_init(&r, 0);
	for (size_t off = 0; off < used; off += 8192) {
		size_t n = used - off < 8192 ? used - off : 8192;
		qmp_reader_feed(&r, buf + off, n, &e);
		while (qmp_reader_next(&r, &m, &e) == 1) {
			got++;
			qmp_msg_free(&m);
		}
	}
	double s = (double)(time_mono_ns() - t0) / 1e9;
	qmp_reader_free(&r);
	printf("qmp reader: %zu messages (%zu expected), %.1f MB in %.2f s: %.0f msgs/s, %.1f "
	       "MB/s\n",
	       got, msgs, (double)used / 1e6, s, (double)got / s, (double)used / 1e6 / s);
	json_t *args = json_pack("{s:s}", "id", "hostdev0");
	t0 = time_mono_ns();
	size_t len = 0, total = 0;
	for (int i = 0; i < 200000; i++) {
		char *c = qmp_command_encode("device_del", args, "opal-ras-12345", &len);
		total += len;
		free(c);
	}
	s = (double)(time_mono_ns() - t0) / 1e9;
	printf("qmp encode: 200000 commands (%zu bytes) in %.2f s: %.0f commands/s\n", total, s,
	       200000 / s);
	json_decref(args);
	free(buf);
	return 0;
}
