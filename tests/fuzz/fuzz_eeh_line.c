/*
 * fuzz_eeh_line.c - libFuzzer target: the kernel EEH log grammar (eeh_line_parse) on the
 * whole input, then the stateful tracker fed line by line (split on '\n'), checking the
 * invariants the daemon relies on: bounded output, NUL-terminated strings, known kinds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eeh/eeh.h"

static void check_line(const struct eeh_line *l)
{
	if ((unsigned)l->kind >= EEH_LINE__COUNT)
		abort();
	if (strnlen(l->bdf, sizeof(l->bdf)) == sizeof(l->bdf) ||
	    strnlen(l->pe_loc, sizeof(l->pe_loc)) == sizeof(l->pe_loc) ||
	    strnlen(l->phb_loc, sizeof(l->phb_loc)) == sizeof(l->phb_loc) ||
	    strnlen(l->word, sizeof(l->word)) == sizeof(l->word) ||
	    strnlen(l->driver, sizeof(l->driver)) == sizeof(l->driver))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eeh_line l;
	static struct eeh_tracker t;
	struct eeh_event ev[4];
	static struct eeh_ras r;
	const char *p = (const char *)data, *end = p + size;
	uint64_t seq = 0;

	eeh_line_parse(p, size, &l);
	check_line(&l);

	eeh_tracker_init(&t, 5);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		eeh_line_parse(p, n, &l);
		check_line(&l);
		seq++;
		size_t k = eeh_tracker_feed(&t, p, n, seq, (int64_t)seq * 1000, ev, 4);
		if (k > 4)
			abort();
		for (size_t i = 0; i < k; i++) {
			if (ev[i].n_bdf > EEH_EV_MAX_DEVS)
				abort();
			eeh_event_fill(&ev[i], NULL, NULL, "fuzz", &r);
			if (!r.ev.summary || strlen(r.ev.dedupe_key) >= sizeof(r.dedupe))
				abort();
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}
