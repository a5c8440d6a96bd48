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
 * the order of acks with the database's commits. Each line is written with one write()
 * (visible to readers at once); the loop fsyncs the log before it goes back to sleep,
 * so a burst of 100k acks costs one fsync, not 100k.
 *
 * `run` writes ROOT/.sim/run.pid, and ROOT/.sim/run.ready once every module's
 * run_start() returned (tests wait for it); both are removed on a clean exit
 * (SIGINT/SIGTERM, or an `exit` step of the scenario).
 *
 * Kernel log transport (sim_kmsg.c): ROOT/dev/kmsg is a Unix SOCK_SEQPACKET socket
 * served by `run`. connect() it, then every read()/recv() returns exactly one record
 * in /dev/kmsg format ("prio,seq,usec,flags;text\n" + " KEY=value\n" lines). A new
 * connection starts at the oldest record still in the ring (like SEEK_SET 0 on the
 * real device); a reader that falls more than the ring size behind sees the next
 * record's seq jump (the real device also returns EPIPE once; a socket cannot, so
 * count the gap from the seq). A consumer therefore open()s ROOT/dev/kmsg when it is
 * a character device and connect()s it when it is a socket (S_ISSOCK).
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
/*
 * As sim_run_watch_dir, and on_new_dir(r, relpath-of-subdir, arg) runs for every
 * subdirectory once its watch is in place: at start, when it appears (mkdir or
 * rename into the tree) and for all of them again after an inotify queue overflow.
 * A file written between the directory's appearance and its watch produces no write
 * callback, so on_new_dir must check the directory's files itself (elog does: an
 * acknowledge file whose content changed is an ack).
 */
typedef void (*sim_dir_cb)(struct sim_run *r, const char *reldir, void *arg);
int sim_run_watch_dir_ex(struct sim_run *r, const char *reldir, sim_write_cb cb,
			 sim_dir_cb on_new_dir, void *arg);
/* One line to ROOT/.sim/actions.log and to stderr (unless run --quiet). */
void sim_run_log(struct sim_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The value of `run --set KEY=VALUE` (e.g. "kmsg.ring"), or NULL. */
const char *sim_run_option(struct sim_run *r, const char *key);
/* Stop the loop after the current callback (exit status 0). */
void sim_run_stop(struct sim_run *r);
/* Append one line to ROOT/.sim/actions.log from outside the loop (inject, reboot). */
void sim_log(const char *root, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Scenario runner (sim_scenario.c): load FILE and schedule its steps in the loop. */
int sim_scenario_start(struct sim_run *r, const char *file, struct ras_err *e);
/* Run one inject command (argv[0] = module name) as `opal-sim inject ROOT ...` would. */
int sim_inject(const char *root, int argc, char **argv, struct ras_err *e);
const struct sim_module *sim_module_find(const char *name);

extern const struct sim_module *const sim_modules[]; /* NULL-terminated, in sim_modules.c */

#endif
