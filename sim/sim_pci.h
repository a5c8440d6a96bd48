/*
 * sim_pci.h - opal-sim's PCI/EEH host model (sim_pci_tree.c), shared by the sim module
 * (sim_pci.c) and the tests.
 *
 * The topology is fixed and shared with the VPD module (which writes the `vpd` files and
 * may create the same device directories and of_node links; everything here is created
 * with mkdir_p / "keep if it exists" so init order does not matter):
 *   0000:01:00.0, 0000:01:00.1  Mellanox ConnectX-5 15b3:1017  PHB#0-PE#1   group 1  mlx5_core
 *                               U78D2.001.WZS0001-P1-C7
 *   0001:01:00.0                Samsung NVMe 144d:a808         PHB#1-PE#1   group 2  nvme
 *                               U78D2.001.WZS0001-P1-C2
 *   0030:01:00.0                Broadcom BCM5719 14e4:1657     PHB#30-PE#1fa group 3 vfio-pci
 *                               U78D2.001.WZS0001-P1-C9, held by a fake QEMU (pid 4242,
 *                               -name guest=rhel9-db,...) through ROOT/dev/vfio/3
 */
#ifndef OPAL_RAS_SIM_SIM_PCI_H
#define OPAL_RAS_SIM_SIM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

#define SIM_PCI_QEMU_PID 4242
#define SIM_PCI_GUEST	 "rhel9-db"

struct sim_pci_dev {
	const char *bdf;
	uint16_t vendor, device;
	uint32_t class_code;
	const char *driver;
	int group;
	uint32_t pe;
	const char *dt; /* device-tree node under proc/device-tree */
	const char *loc;
};

extern const struct sim_pci_dev sim_pci_devs[];
extern const unsigned sim_pci_n_devs;

/* Build the PCI/EEH part of the fake host under root. */
int sim_pci_build(const char *root, struct ras_err *e);

/* A kernel log line produced by the emulation (level = syslog level 0-7). */
typedef int (*sim_pci_emit_fn)(const char *root, int level, const char *text, void *arg);

enum sim_pci_how { SIM_PCI_ERRINJCT, SIM_PCI_DEV_BREAK, SIM_PCI_MANUAL };

/*
 * Freeze PHB phb / PE pe as the kernel would see it. Host-owned PEs: state frozen, the
 * kernel's detection/recovery lines (or, past eeh_max_freezes in the 3600 s window, the
 * permanent-disable lines) through emit, and the final state (healthy again, or
 * permanently unavailable). VFIO-owned PEs: the state freezes and stays frozen, and the
 * host kernel prints nothing (spec 1.1). -ENODEV: no such PE.
 */
int sim_pci_freeze(const char *root, uint32_t phb, uint32_t pe, enum sim_pci_how how,
		   int64_t now_us, sim_pci_emit_fn emit, void *arg, struct ras_err *e);
/* A permanent failure (the PE is dead): VFIO-owned PEs only change state (the host
 * kernel prints nothing; the daemon's poller sees it), host-owned PEs get the kernel's
 * permanent-failure lines. -ENODEV: no such PE. */
int sim_pci_fail(const char *root, uint32_t phb, uint32_t pe, sim_pci_emit_fn emit, void *arg,
		 struct ras_err *e);
/* Thaw (the guest's recovery, or a manual reset): state healthy again. */
int sim_pci_thaw(const char *root, uint32_t phb, uint32_t pe, struct ras_err *e);
/* Handle what was written to err_injct of PHB phb (the kernel's parsing and checks). */
int sim_pci_errinjct_write(const char *root, uint32_t phb, const char *text, int64_t now_us,
			   sim_pci_emit_fn emit, void *arg, struct ras_err *e);
/* Handle what was written to eeh_dev_break. */
int sim_pci_dev_break_write(const char *root, const char *text, int64_t now_us,
			    sim_pci_emit_fn emit, void *arg, struct ras_err *e);

#endif
