/*
 * sim_flash.c - opal-sim's "flash" module: wires sim_flash_emu.c (the emulation of
 * the OPAL code-update files and the MTD PNOR) into the sim contract (sim/sim.h).
 * The logic lives in sim_flash_emu.c so it is testable without the run loop.
 */
#include <sys/epoll.h>

#include "sim/sim.h"
#include "sim/sim_flash_emu.h"

static void log_to_run(void *arg, const char *msg)
{
	sim_run_log((struct sim_run *)arg, "%s", msg);
}

static void on_events(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	sim_flash_watch_dispatch(sim_run_root(r), fd, log_to_run, r);
}

static int flash_init(const char *root, struct ras_err *e)
{
	return sim_flash_setup(root, e);
}

static int flash_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	return sim_flash_inject(root, argc, argv, e);
}

static int flash_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	int fd = sim_flash_watch_open(root, e);

	if (fd < 0)
		return fd;
	return sim_run_add_fd(r, fd, EPOLLIN, on_events, NULL);
}

static int flash_reboot(const char *root, struct ras_err *e)
{
	return sim_flash_reboot(root, NULL, NULL, e);
}

const struct sim_module sim_module_flash = {
	.name = "flash",
	.init = flash_init,
	.inject = flash_inject,
	.inject_usage =
		"flash validate N      next validate_flash result token (0..7) or status (<0)\n"
		"flash manage N        next manage_flash answer (0 = success)\n"
		"flash update N        answer to update_flash when an image is ready (0 = ready)\n"
		"flash version MI ML   levels of the candidate image",
	.run_start = flash_run_start,
	.reboot = flash_reboot,
};
