/*
 * fwupdate.h - the OPAL in-band firmware update workflow on FSP systems
 * (opal-sysfs-and-prd.md section 3): /sys/firmware/opal/{image, validate_flash,
 * manage_flash, update_flash} under a root directory.
 *
 * validate_flash and manage_flash answer exactly once (a read resets them to
 * -1099), so every answer is read once, whole, and kept. An answer always ends in
 * "\n"; a file still holding our own request (no newline) means the answer has not
 * been produced yet (opal-sim answers asynchronously), so the reader waits for it,
 * up to a timeout. The decoding of answers is pure and unit-tested.
 */
#ifndef OPAL_RAS_FLASH_FWUPDATE_H
#define OPAL_RAS_FLASH_FWUPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define FW_NO_OP		  (-1099)
#define FW_IMG_READY_FOR_VALIDATE (-1001)
#define FW_VALIDATE_INCOMPLETE	  (-1002)
#define FW_INVALID_IMG		  (-1003)
#define FW_SG_BAD_DATA		  (-1004)
#define FW_SG_BAD_LEN		  (-1005)
#define FW_MANAGE_ACTIVE_ERR	  (-9001)
#define FW_NO_AUTH		  (-9002)

#define FW_IMAGE_MIN 4096
#define FW_IMAGE_MAX (1u << 30)

struct fw_levels {
	char cur_t[64], cur_p[64], new_t[64], new_p[64]; /* MI keywords */
	char ml_cur_t[64], ml_cur_p[64], ml_new_t[64], ml_new_p[64];
	bool have_mi, have_ml;
};

struct fw_validate {
	int status; /* < 0: an error status, no result */
	int result; /* 0..7 when status >= 0 */
	struct fw_levels lv;
};

/* Name and meaning of a status (negative) or validate result token (0..7). */
const char *fw_status_name(int code);
const char *fw_result_text(int result);
/* Is a validate result fatal (the update must not proceed)? */
bool fw_result_fatal(int result);

/* Decode the validate_flash answer (NUL bytes ignored). */
int fw_parse_validate(const char *buf, size_t len, struct fw_validate *v, struct ras_err *e);
/* Decode a "%d\n" answer (manage_flash, update_flash). */
int fw_parse_int(const char *buf, size_t len, int *out, struct ras_err *e);
/* Check an image: size within 4 KiB..1 GiB and equal to the header's size field. */
int fw_check_image(const uint8_t *img, size_t len, struct ras_err *e);

/* Does this host have the OPAL code-update files? (-ENOTSUP with a message if not) */
int fw_supported(const char *root, struct ras_err *e);
/* Write the image in one sequential stream. */
int fw_write_image(const char *root, const uint8_t *img, size_t len, struct ras_err *e);
/* Write req to a control file, then read its answer once (waiting at most
 * timeout_ms for an asynchronous answer). */
int fw_request(const char *root, const char *file, const char *req, char *ans, size_t n,
	       size_t *alen, int timeout_ms, struct ras_err *e);
int fw_validate(const char *root, struct fw_validate *v, int timeout_ms, struct ras_err *e);
/* commit = 1 (T -> P), reject = 0; rc is the OPAL answer. */
int fw_manage(const char *root, bool commit, int *rc, int timeout_ms, struct ras_err *e);
/* schedule = 1 (flash at next reboot), 0 cancel; status is the answer. */
int fw_update(const char *root, bool schedule, int *status, int timeout_ms, struct ras_err *e);
/* Read the sticky update_flash status (never reads the read-once files). */
int fw_update_status(const char *root, int *status, struct ras_err *e);
/* Current levels from the device tree (mi-version / ml-version), "" if absent. */
void fw_current_levels(const char *root, char *mi, size_t mn, char *ml, size_t ln);

#endif
