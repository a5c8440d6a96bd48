/*
 * sim_flash_emu.h - opal-sim's emulation of the OPAL flash interfaces, without the
 * run loop (so it is unit-tested on its own): the code-update files under
 * ROOT/sys/firmware/opal and an MTD-like host PNOR.
 *
 * Kernel semantics reproduced: validate_flash and manage_flash answer once (after a
 * reader has seen the answer it becomes -1099 again); update_flash is sticky; a new
 * image cancels a scheduled update; validate without a complete image is -1002;
 * update without one is -1003. Answers end in "\n" and replace the file atomically
 * (rename), with atime set to 0 so that the first read after the answer is visible
 * (relatime updates atime when it is older than mtime) - that is how a read is told
 * apart from the emulator's own reads. The emulator's state is written before an
 * answer becomes visible. Limit of plain files: a client that writes the next
 * request in the instant the emulator resets the previous answer can lose that
 * request (the kernel has no such window); clients wait for -1099 between
 * back-to-back requests. The next answers set by `inject` (another process) are in
 * ROOT/.sim/flash.inject, the emulated kernel state in ROOT/.sim/flash.state.
 */
#ifndef OPAL_RAS_SIM_SIM_FLASH_EMU_H
#define OPAL_RAS_SIM_SIM_FLASH_EMU_H

#include <stdbool.h>

#include "common/err.h"

struct sim_flash_state {
	int validate_result; /* next validate answer: result token 0..7 or a status < 0 */
	int manage_rc; /* next manage_flash answer */
	int update_rc; /* answer to a schedule when an image is ready */
	int image_ready;
	int scheduled;
	int validate_posted, manage_posted; /* an unread answer is in the file */
	long long validate_mtime, manage_mtime; /* mtime (ns) of that answer file */
	char new_mi[64], new_ml[64]; /* levels of the candidate image */
};

typedef void (*sim_flash_log_fn)(void *arg, const char *msg);

/* Create the files, the device-tree levels, ROOT/.sim/pnor.img (8 MiB, two sides)
 * and ROOT/sys/class/mtd/mtd0 + ROOT/dev/mtd0 pointing at it. */
int sim_flash_setup(const char *root, struct ras_err *e);
int sim_flash_state_load(const char *root, struct sim_flash_state *st);
int sim_flash_state_save(const char *root, const struct sim_flash_state *st, struct ras_err *e);

/* The kernel's reaction to a file under sys/firmware/opal closed after writing /
 * after reading. name is the file name (e.g. "validate_flash"). */
int sim_flash_on_write(const char *root, const char *name, sim_flash_log_fn log, void *arg);
int sim_flash_on_read(const char *root, const char *name, sim_flash_log_fn log, void *arg);
/* A reboot: a scheduled image becomes the T side. */
int sim_flash_reboot(const char *root, sim_flash_log_fn log, void *arg, struct ras_err *e);
/* inject: validate N | manage N | update N | version MI ML */
int sim_flash_inject(const char *root, int argc, char **argv, struct ras_err *e);

/* inotify on ROOT/sys/firmware/opal (close-write and close-nowrite); dispatch
 * handles every pending event and returns 0 or -errno. */
int sim_flash_watch_open(const char *root, struct ras_err *e);
int sim_flash_watch_dispatch(const char *root, int fd, sim_flash_log_fn log, void *arg);

#endif
