/*
 * progress.h - a progress bar for long operations, shown only on a terminal.
 *
 * progress_begin() decides once (isatty on stderr); when quiet, every call is a cheap
 * no-op. Redraws are limited to 10 per second so the bar never costs throughput.
 */
#ifndef OPAL_RAS_COMMON_PROGRESS_H
#define OPAL_RAS_COMMON_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on;
	const char *label;
	uint64_t total;
	uint64_t last_ns;
};

/* force: 1 always draw, 0 never, -1 when stderr is a terminal. */
void progress_begin(struct progress *p, const char *label, uint64_t total, int force);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p, bool ok);

#endif
