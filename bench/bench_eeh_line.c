/*
 * bench_eeh_line.c - throughput of the EEH kernel-log path: eeh_line_parse alone, and the
 * tracker over a full recovery sequence (20 lines, 2 events) plus eeh_event_fill. Prints
 * numbers; asserts nothing.
 */
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"
#include "eeh/eeh.h"

static const char *const seq[] = {
	"EEH: Frozen PE#1 on PHB#0 detected",
	"EEH: PE location: U78D2.001.WZS0001-P1-C7, PHB location: N/A",
	"EEH: Recovering PHB#0-PE#1",
	"EEH: PE location: U78D2.001.WZS0001-P1-C7, PHB location: N/A",
	"EEH: This PCI device has failed 1 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"EEH: Notify device drivers to shutdown",
	"EEH: Beginning: 'error_detected(IO frozen)'",
	"PCI 0000:01:00.0#0001: EEH: Invoking mlx5_core->error_detected(IO frozen)",
	"PCI 0000:01:00.0#0001: EEH: mlx5_core driver reports: 'need reset'",
	"PCI 0000:01:00.1#0001: EEH: Invoking mlx5_core->error_detected(IO frozen)",
	"PCI 0000:01:00.1#0001: EEH: mlx5_core driver reports: 'need reset'",
	"EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need reset'",
	"EEH: Collect temporary log",
	"EEH: Reset without hotplug activity",
	"EEH: Beginning: 'slot_reset'",
	"EEH: Finished:'slot_reset' with aggregate recovery state:'recovered'",
	"EEH: Notify device driver to resume",
	"EEH: Beginning: 'resume'",
	"EEH: Finished:'resume'",
	"EEH: Recovery successful.",
};
#define N_SEQ (sizeof(seq) / sizeof(seq[0]))

int main(void)
{
	static struct eeh_tracker t;
	static struct eeh_ras r;
	struct eeh_event ev[4];
	struct eeh_line l;
	size_t lens[N_SEQ], events = 0;
	const int rounds = 50000;
	uint64_t t0, t1;

	for (size_t i = 0; i < N_SEQ; i++)
		lens[i] = strlen(seq[i]);
	t0 = time_mono_ns();
	for (int k = 0; k < rounds; k++)
		for (size_t i = 0; i < N_SEQ; i++)
			eeh_line_parse(seq[i], lens[i], &l);
	t1 = time_mono_ns();
	printf("eeh_line_parse: %.0f lines/s (%.0f ns/line)\n",
	       (double)rounds * N_SEQ / ((double)(t1 - t0) / 1e9),
	       (double)(t1 - t0) / ((double)rounds * N_SEQ));

	eeh_tracker_init(&t, 5);
	uint64_t s = 0;
	t0 = time_mono_ns();
	for (int k = 0; k < rounds; k++) {
		for (size_t i = 0; i < N_SEQ; i++) {
			s++;
			size_t n =
				eeh_tracker_feed(&t, seq[i], lens[i], s, (int64_t)s * 1000, ev, 4);
			for (size_t j = 0; j < n; j++)
				eeh_event_fill(&ev[j], NULL, NULL, "bench", &r);
			events += n;
		}
	}
	t1 = time_mono_ns();
	printf("tracker+fill: %.0f lines/s, %.0f recoveries/s (%zu events)\n",
	       (double)rounds * N_SEQ / ((double)(t1 - t0) / 1e9),
	       (double)rounds / ((double)(t1 - t0) / 1e9), events);
	return 0;
}
