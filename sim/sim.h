/*
 * sim.h - the contract between opal-sim's core and its per-subsystem modules.
 *
 * opal-sim builds and drives a fake OPAL host under a root directory. Its core
 * (opal-sim.c, sim_run.c: owned by the sim) parses the command line and runs the
 * emulation loop; each subsystem (elog, kmsg, dump, flash, pci/eeh, vpd, prd) is a
 * struct sim_module in its own file sim/sim_<name>.c, listed in sim_modules[].
 *
 *   opal-sim init ROOT                 -> every module's init()
 *   opal-sim inject ROOT NAME ARGS...  -> module NAME's inject(argc, argv), argv[0] = NAME
 *   opal-sim run ROOT [--scenario F]   -> every module's run_start(), then the loop
 *   opal-sim reboot ROOT               -> every module's reboot()
 *
 * State the simulator keeps for itself lives in ROOT/.sim/ (never read by the product).
 * Every emulated kernel reaction (an ack, a FINI, a validate answer) is written by
 * sim_run_log() as one line to ROOT/.sim/actions.log, in order, so tests can compare
 * the order of acks with the database's commits.
 */
#ifndef OPAL_RAS_SIM_SIM_H
#define OPAL_RAS_SIM_SIM_H

#include <stdint.h>

#include "common/err.h"

struct sim_run;

typedef void (*sim_fd_cb)(struct sim_run *r, int fd, uint32_t events, void *arg);
/* Called when a file under ROOT was written and closed (path relative to ROOT). */
typedef void (*sim_write_cb)(struct sim_run *r, const char *relpath, void *arg);

struct sim_module {
	const char *name;
	int (*init)(const char *root, struct ras_err *e);
	int (*inject)(const char *root, int argc, char **argv, struct ras_err *e);
	const char *inject_usage; /* one or more lines for `opal-sim --help` */
	int (*run_start)(struct sim_run *r, const char *root, struct ras_err *e);
	int (*reboot)(const char *root, struct ras_err *e);
};

/* The run loop's services for modules (implemented in sim_run.c). */
const char *sim_run_root(struct sim_run *r);
/* Watch fd for the given epoll events (EPOLLIN ...); cb runs in the loop. */
int sim_run_add_fd(struct sim_run *r, int fd, uint32_t events, sim_fd_cb cb, void *arg);
void sim_run_del_fd(struct sim_run *r, int fd);
/* Watch a directory under ROOT (relative path, recursively for new subdirectories):
 * cb for every file closed after writing in it. */
int sim_run_watch_dir(struct sim_run *r, const char *reldir, sim_write_cb cb, void *arg);
/* One line to ROOT/.sim/actions.log (flushed and fsync'ed) and to stderr. */
void sim_run_log(struct sim_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const struct sim_module *const sim_modules[]; /* NULL-terminated, in sim_modules.c */

#endif
