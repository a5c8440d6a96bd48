/*
 * prd_runtime.h - the boundary to the Hostboot runtime (HBRT): one operation per PRD
 * message kind and per control command.
 *
 * The real analysis (attention handling, OCC and PM-complex control, firmware
 * notifications) is big-endian ppc64 code loaded from firmware memory; it cannot run
 * in this daemon. The built-in runtime (prd_runtime_builtin) records and
 * acknowledges: message operations return 0, so attentions are acknowledged and the
 * FSP requests answered; operations that would change hardware state (PM-complex
 * reset/load/start, OCC actuation, process-error) return -EOPNOTSUPP, which the
 * daemon reports (status replies carry it, control commands fail with it) instead of
 * pretending success. A site with an HBRT host would provide another table.
 */
#ifndef OPAL_RAS_PRD_RUNTIME_H
#define OPAL_RAS_PRD_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

struct prd_runtime {
	const char *name;
	/* OPAL -> host messages: 0 = handled (ATTN: acknowledge the bits). */
	int (*handle_attns)(uint64_t proc, uint64_t status, uint64_t mask);
	int (*process_occ_error)(uint64_t chip);
	int (*process_occ_reset)(uint64_t chip);
	int (*firmware_notify)(const uint8_t *data, size_t len);
	int (*sbe_message_passing)(uint64_t chip);
	/* FSP requests: the return value is the status sent back to OPAL. */
	int (*fsp_occ_reset)(uint64_t chip);
	int (*fsp_occ_load_start)(uint64_t chip);
	/* Control commands (opal-prd occ ..., pm-complex ...). */
	int (*pm_complex_reset)(uint64_t chip);
	int (*enable_occ_actuation)(int enable);
	int (*process_occ_error_cmd)(uint64_t chip);
};

extern const struct prd_runtime prd_runtime_builtin;

#endif
