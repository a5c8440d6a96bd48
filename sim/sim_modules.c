/*
 * sim_modules.c - the table of opal-sim's subsystem modules (see sim.h).
 *
 * One line per module, in init order; NULL-terminated. To add a module, declare its
 * `const struct sim_module sim_module_<name>` below and list it in sim_modules[].
 * Names are what `opal-sim inject ROOT NAME` takes.
 */
#include <stddef.h>

#include "sim/sim.h"

extern const struct sim_module sim_module_elog;
extern const struct sim_module sim_module_kmsg;
extern const struct sim_module sim_module_pci;

const struct sim_module *const sim_modules[] = {
	&sim_module_elog,
	&sim_module_kmsg,
	&sim_module_pci,
	NULL,
};
