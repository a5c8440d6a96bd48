/*
 * sim_vpd.h - opal-sim's VPD module: a two-socket IBM POWER host's device-tree VPD and
 * the PCI `vpd` files of its adapters, FRU swaps for change-event tests, and a large
 * synthetic tree for the inventory benchmark.
 *
 * Fixed topology shared with sim_pci.c (branch eeh), which owns the PCI device
 * directories' own files (config, vendor, device, class, EEH attributes); this module
 * writes only `vpd` and `of_node` in them (of_node only when absent):
 *   0000:01:00.0, 0000:01:00.1  Mellanox ConnectX-5 15b3:1017  U78D2.001.WZS0001-P1-C7  VPD
 *   0001:01:00.0                Samsung NVMe 144d:a808         U78D2.001.WZS0001-P1-C2  no VPD
 *   0030:01:00.0                Broadcom BCM5719 14e4:1657     U78D2.001.WZS0001-P1-C9  VPD
 */
#ifndef OPAL_RAS_SIM_SIM_VPD_H
#define OPAL_RAS_SIM_SIM_VPD_H

#include "common/err.h"
#include "sim/sim.h"

extern const struct sim_module sim_module_vpd;

#define SIM_VPD_SYSTEM_LOC "U9009.22A.781234A"
#define SIM_VPD_ENCLOSURE  "U78D2.001.WZS0001"

/* Write the realistic host (what init does). */
int sim_vpd_init(const char *root, struct ras_err *e);
/* Replace the FRU at loc: a new serial (NULL: generated) in the device tree and in
 * the PCI vpd files of the card at that slot. */
int sim_vpd_swap(const char *root, const char *loc, const char *serial, struct ras_err *e);
/* Set the firmware level (RM) of the FRU at loc (the system location: OPAL firmware). */
int sim_vpd_set_fw(const char *root, const char *loc, const char *level, struct ras_err *e);
/* Remove the FRU at loc (its ibm,vpd and PCI vpd files). */
int sim_vpd_remove(const char *root, const char *loc, struct ras_err *e);
/* A synthetic device tree with n_frus FRUs (system VPD + DIMMs, processors, cards in
 * drawers of 100) under ROOT/proc/device-tree/vpd, for benchmarks. */
int sim_vpd_generate(const char *root, unsigned n_frus, struct ras_err *e);

#endif
