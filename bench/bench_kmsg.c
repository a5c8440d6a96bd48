/*
 * bench_kmsg.c - throughput of the kernel-log grammar (make bench): parse /dev/kmsg
 * records and group them into MCE/HMI reports, converting each report to a ras_event.
 * The stream mixes 4-line MCE reports, 4-line HMI reports and unrelated records (1/3
 * each). Reports records/s and reports/s; it never asserts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"
#include "errlog/kmsg.h"

int main(void)
{
	static const char *const lines[] = {
		"machine check (Severe)  UE Load/Store DAR: 000000007fff0000 paddr: "
		"0000000001234000 [Not recovered]",
		"NIP: [c000000000123456] memcpy_power7+0x1f4/0x7e0",
		"Initiator CPU",
		"Hardware error",
		" Hypervisor Maintenance interrupt [Recovered]",
		" Error detail: Timer facility experienced an error",
		"\\x09HMER: 2040000000000000",
		"\\x09TFMR: 0040000000000000",
		"EEH: Frozen PE#fe on PHB#1 detected",
		"PCI 0030:01:00.0#00fe: EEH: nvme driver reports: 'need reset'",
		"random driver message",
		"EEH: Recovery successful.",
	};
	enum { N = 600000 };
	static struct kmsg_grouper g;
	char rec[512], text[300];
	uint64_t reports = 0, t0 = time_mono_ns();

	kmsg_grouper_init(&g);
	for (uint32_t i = 0; i < N; i++) {
		struct kmsg_record r;
		struct kmsg_report rep;
		struct kmsg_event_buf b;
		struct ras_event ev;

		if (i % 12 < 4)
			snprintf(text, sizeof(text), "MCE: CPU%u: %s", i / 12 % 64, lines[i % 12]);
		else
			snprintf(text, sizeof(text), "%s", lines[i % 12]);
		int n = snprintf(rec, sizeof(rec), "4,%" PRIu32 ",%" PRIu32 ",-;%s\n", i, i * 10,
				 text);
		if (kmsg_record_parse(rec, (size_t)n, &r, NULL))
			return 1;
		kmsg_grouper_feed(&g, &r);
		while (kmsg_grouper_next(&g, &rep)) {
			kmsg_report_to_event(&rep, "boot", 0, &b, &ev);
			reports++;
		}
	}
	double s = (double)(time_mono_ns() - t0) / 1e9;
	printf("kmsg: %d records in %.3f s: %.0f records/s, %" PRIu64 " reports (%.0f/s)\n", N, s,
	       N / s, reports, (double)reports / s);
	return 0;
}
