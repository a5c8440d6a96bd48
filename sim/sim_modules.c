/*
 * sim_modules.c - the table of opal-sim's subsystem modules (see sim.h).
 *
 * One line per module, in init order; NULL-terminated. To add a module, declare its
 * `const struct sim_module sim_module_<name>` below and list it in sim_modules[].
 * Names are what `opal-sim inject ROOT NAME` takes. pci comes before vpd: the VPD
 * module adds `vpd` files to the device directories the PCI module creates.
 */
#include <stddef.h>

#include "sim/sim.h"

extern const struct sim_module sim_module_elog;
extern const struct sim_module sim_module_kmsg;
extern const struct sim_module sim_module_dump;
extern const struct sim_module sim_module_flash;
extern const struct sim_module sim_module_pci;
extern const struct sim_module sim_module_vpd;
extern const struct sim_module sim_module_prd;

const struct sim_module *const sim_modules[] = {
	&sim_module_elog,
	&sim_module_kmsg,
	&sim_module_dump,
	&sim_module_flash,
	&sim_module_pci,
	&sim_module_vpd,
	&sim_module_prd,
	NULL,
};
