/*
 * sim_internal.h - declarations shared by opal-sim's core files (opal-sim.c,
 * sim_run.c, sim_scenario.c) and its own modules (elog, kmsg); not part of the
 * module contract in sim.h.
 */
#ifndef OPAL_RAS_SIM_SIM_INTERNAL_H
#define OPAL_RAS_SIM_SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

/* `opal-sim run`: returns 0 after a signal or a scenario `exit` step. */
int sim_run_loop(const char *root, const char *scenario, char **opts, int n_opts, bool quiet,
		 struct ras_err *e);

/* Parse "0.5s", "500ms", "2m", "1h" or a plain number of seconds into microseconds. */
int sim_parse_time(const char *s, int64_t *us);

/*
 * Shared option helpers for module inject() parsers: parse a number with base 0
 * (0x.. hex, decimal) into *v, or fill e naming the option.
 */
int sim_opt_u64(const char *opt, const char *s, uint64_t *v, struct ras_err *e);

/* Exclusive lock on ROOT/.sim/<name> (created if needed); returns the fd or -errno. */
int sim_lock(const char *root, const char *name);
void sim_unlock(int fd);

/* Sleep until start_us + i * 1e6 / rate (monotonic), for --rate. */
void sim_pace(uint64_t start_ns, uint64_t i, double rate);

#endif
