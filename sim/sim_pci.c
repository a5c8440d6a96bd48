/*
 * sim_pci.c - opal-sim module "pci": PCI devices with EEH, debugfs error injection,
 * and a fake QEMU guest holding a VFIO group (model in sim_pci_tree.c).
 *
 *   init       builds the tree (sim_pci_build).
 *   inject     pci freeze PHB:PE|BDF   (a freeze as if the hardware reported one)
 *              pci thaw PHB:PE|BDF     (the guest recovered a passed-through PE)
 *              pci fail PHB:PE|BDF     (a permanent failure: the PE is dead)
 *   run_start  watches ROOT/sys/kernel/debug/powerpc: a write to PCIxxxx/err_injct or
 *              eeh_dev_break freezes the PE; the kernel log lines go to the kmsg module
 *              (`kmsg --text`, so records get its sequence numbers under its lock).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "eeh/eeh.h"
#include "sim/sim.h"
#include "sim/sim_pci.h"

/* From the sim core (sim_util.c, sim.h on the sim branch). */
int sim_inject(const char *root, int argc, char **argv, struct ras_err *e);
void sim_log(const char *root, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int emit_kmsg(const char *root, int level, const char *text, void *arg)
{
	char lvl[8];
	char *argv[] = { "kmsg", "--text", (char *)text, "--level", lvl, NULL };
	struct ras_err e;
	int rc;

	snprintf(lvl, sizeof(lvl), "%d", level);
	rc = sim_inject(root, 5, argv, &e);
	if (rc)
		fprintf(stderr, "opal-sim: pci: kmsg: %s\n", e.msg);
	return rc;
}

static int pci_init(const char *root, struct ras_err *e)
{
	return sim_pci_build(root, e);
}

static int target(const char *s, uint32_t *phb, uint32_t *pe, struct ras_err *e)
{
	unsigned d, b, f, fn;

	if (eeh_parse_pe_id(s, phb, pe) == 0)
		return 0;
	if (eeh_parse_bdf(s, &d, &b, &f, &fn) == 0) {
		for (unsigned i = 0; i < sim_pci_n_devs; i++) {
			unsigned d2, b2, f2, fn2;
			eeh_parse_bdf(sim_pci_devs[i].bdf, &d2, &b2, &f2, &fn2);
			if (d == d2 && b == b2 && f == f2 && fn == fn2) {
				*phb = d;
				*pe = sim_pci_devs[i].pe;
				return 0;
			}
		}
		return ras_errf(e, -ENODEV, "no device %s", s);
	}
	return ras_errf(e, -EINVAL, "\"%s\": expected PHB:PE, PHB#x-PE#y or a BDF", s);
}

static int pci_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	uint32_t phb, pe;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: opal-sim inject ROOT pci freeze|thaw|fail PHB:PE|BDF\n");
		return 1;
	}
	if (argc != 3)
		return ras_errf(e, -EINVAL, "usage: pci freeze|thaw|fail PHB:PE|BDF");
	if ((rc = target(argv[2], &phb, &pe, e)))
		return rc;
	if (!strcmp(argv[1], "freeze")) {
		rc = sim_pci_freeze(root, phb, pe, SIM_PCI_MANUAL, time_now_us(), emit_kmsg, NULL,
				    e);
		if (!rc)
			sim_log(root, "pci freeze PHB#%x-PE#%x", phb, pe);
		return rc;
	}
	if (!strcmp(argv[1], "thaw")) {
		rc = sim_pci_thaw(root, phb, pe, e);
		if (!rc)
			sim_log(root, "pci thaw PHB#%x-PE#%x", phb, pe);
		return rc;
	}
	if (!strcmp(argv[1], "fail")) {
		rc = sim_pci_fail(root, phb, pe, emit_kmsg, NULL, e);
		if (!rc)
			sim_log(root, "pci fail PHB#%x-PE#%x", phb, pe);
		return rc;
	}
	return ras_errf(e, -EINVAL, "pci: unknown action \"%s\" (freeze, thaw, fail)", argv[1]);
}

static void on_debugfs_write(struct sim_run *r, const char *relpath, void *arg)
{
	const char *root = sim_run_root(r);
	char path[4096], text[128];
	unsigned phb;
	struct ras_err e;
	int rc;

	(void)arg;
	if (root_path(path, sizeof(path), root, "%s", relpath) < 0 ||
	    file_read_str(path, text, sizeof(text), NULL) < 0 || !text[0])
		return;
	if (sscanf(relpath, "sys/kernel/debug/powerpc/PCI%4x/err_injct", &phb) == 1 &&
	    strstr(relpath, "/err_injct")) {
		rc = sim_pci_errinjct_write(root, phb, text, time_now_us(), emit_kmsg, NULL, &e);
		if (rc)
			sim_run_log(r, "pci err_injct PCI%04x \"%s\" rejected: %s", phb, text,
				    e.msg);
		else
			sim_run_log(r, "pci err_injct PCI%04x \"%s\"", phb, text);
	} else if (strcmp(relpath, "sys/kernel/debug/powerpc/eeh_dev_break") == 0) {
		rc = sim_pci_dev_break_write(root, text, time_now_us(), emit_kmsg, NULL, &e);
		if (rc)
			sim_run_log(r, "pci eeh_dev_break \"%s\" rejected: %s", text, e.msg);
		else
			sim_run_log(r, "pci eeh_dev_break %s", text);
	} else {
		return;
	}
	/* debugfs files hold nothing: empty it so a shorter next write is read whole. */
	if (truncate(path, 0) < 0)
		sim_run_log(r, "pci truncate %s: %s", relpath, strerror(errno));
}

static int pci_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	(void)root;
	return sim_run_watch_dir(r, "sys/kernel/debug/powerpc", on_debugfs_write, NULL);
}

const struct sim_module sim_module_pci = {
	.name = "pci",
	.init = pci_init,
	.inject = pci_inject,
	.inject_usage = "  pci freeze|thaw|fail PHB:PE|BDF  freeze a PE (kernel log lines unless\n"
			"                               VFIO-owned), thaw it (guest recovery) or\n"
			"                               fail it permanently\n",
	.run_start = pci_run_start,
	.reboot = NULL,
};
