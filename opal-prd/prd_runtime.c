/*
 * prd_runtime.c - the built-in PRD runtime: record and acknowledge (see prd_runtime.h).
 * Nothing here touches hardware; what would need HBRT says so with -EOPNOTSUPP.
 */
#include "opal-prd/prd_runtime.h"

#include <errno.h>

static int ok_attns(uint64_t proc, uint64_t status, uint64_t mask)
{
	(void)proc;
	(void)status;
	(void)mask;
	return 0;
}

static int ok_chip(uint64_t chip)
{
	(void)chip;
	return 0;
}

static int ok_data(const uint8_t *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

static int no_chip(uint64_t chip)
{
	(void)chip;
	return -EOPNOTSUPP;
}

static int no_enable(int enable)
{
	(void)enable;
	return -EOPNOTSUPP;
}

const struct prd_runtime prd_runtime_builtin = {
	.name = "builtin",
	.handle_attns = ok_attns,
	.process_occ_error = ok_chip,
	.process_occ_reset = ok_chip,
	.firmware_notify = ok_data,
	.sbe_message_passing = ok_chip,
	.fsp_occ_reset = no_chip,
	.fsp_occ_load_start = no_chip,
	.pm_complex_reset = no_chip,
	.enable_occ_actuation = no_enable,
	.process_occ_error_cmd = no_chip,
};
