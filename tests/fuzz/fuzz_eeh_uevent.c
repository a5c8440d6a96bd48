/*
 * fuzz_eeh_uevent.c - libFuzzer target: the other untrusted EEH inputs - uevent key=value
 * lists (eeh_uevent_parse, then the tracker), QEMU command lines (guest name),
 * eeh_pe_state text and /proc/powerpc/eeh text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eeh/eeh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct eeh_uevent u;
	static struct eeh_tracker t;
	struct eeh_event ev[4];
	struct eeh_state st;
	struct eeh_proc_stats ps;
	char name[32];

	int rc = eeh_uevent_parse(s, size, &u);
	if (rc == 1) {
		if (u.kind == EEH_UEVENT_NONE || strnlen(u.bdf, sizeof(u.bdf)) == sizeof(u.bdf))
			abort();
		eeh_tracker_init(&t, 5);
		if (eeh_tracker_feed_uevent(&t, &u, 1, ev, 4) > 4)
			abort();
	} else if (rc != 0 && rc != -22) {
		abort();
	}
	if (eeh_guest_name_from_cmdline(s, size, name, sizeof(name)) == 0 &&
	    (strnlen(name, sizeof(name)) == sizeof(name) || !name[0]))
		abort();
	if (eeh_state_parse(s, size, &st) == 0)
		(void)eeh_state_health(&st);
	eeh_proc_stats_parse(s, size, &ps);
	return 0;
}
