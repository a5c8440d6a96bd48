/*
 * fuzz_kmsg.c - libFuzzer target for errlog/kmsg.c: the input is a stream of /dev/kmsg
 * records (a record ends at a newline not followed by a space, as in a kmsg dump);
 * each is parsed, its dictionary queried, and fed to the MCE/HMI grouper; completed
 * reports are converted to events. Must never crash, hang or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "errlog/kmsg.h"

static void drain(struct kmsg_grouper *g)
{
	struct kmsg_report rep;
	struct kmsg_event_buf b;
	struct ras_event ev;

	while (kmsg_grouper_next(g, &rep)) {
		kmsg_report_to_event(&rep, "boot", 1, &b, &ev);
		if (ev.raw_len > sizeof(rep.text))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kmsg_grouper g;
	const char *s = (const char *)data;
	size_t start = 0, i = 0;

	kmsg_grouper_init(&g);
	while (i < size) {
		const char *nl = memchr(s + i, '\n', size - i);
		size_t next = nl ? (size_t)(nl - s) + 1 : size;

		if (next >= size || s[next] != ' ') {
			struct kmsg_record r;
			char v[64];

			if (kmsg_record_parse(s + start, next - start, &r, NULL) == 0) {
				kmsg_record_dict(&r, "SUBSYSTEM", v, sizeof(v));
				kmsg_grouper_feed(&g, &r);
				drain(&g);
			}
			start = next;
		}
		i = next;
	}
	kmsg_grouper_flush(&g);
	drain(&g);
	return 0;
}
