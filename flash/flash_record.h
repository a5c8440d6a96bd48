/*
 * flash_record.h - every flash operation becomes a "flash-op" event in the store.
 *
 * flash_record_build() turns a struct flash_op_rec into a struct ras_event (source
 * "flash", kind RAS_KIND_FLASH_OP) with the details as attributes; flash_record()
 * appends it in its own durable transaction. A failure to record never stops the
 * flash operation: the caller warns that it was not recorded.
 */
#ifndef OPAL_RAS_FLASH_FLASH_RECORD_H
#define OPAL_RAS_FLASH_FLASH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"

#define FLASH_REC_MAX_ATTRS 16

struct flash_op_rec {
	const char *op; /* "write", "erase", "guard-create", "update-validate", ... */
	const char *target; /* image file or /dev/mtdN or sysfs directory */
	const char *partition; /* NULL if none */
	int side; /* -1 if none */
	const char *image; /* path of the image written, NULL if none */
	char sha256[65]; /* hex SHA-256 of the image, "" if none */
	const char *version_before, *version_after; /* MI/ML lines, NULL if unknown */
	const char *result; /* "ok", "failed", "refused", or a decoded token name */
	int rc; /* 0, -errno, or the firmware's code */
	const char *detail; /* one line: what happened or why it failed */
	int64_t time_us;
	char user[64]; /* login name (uid if unknown) */
	/* storage for the built event */
	char dedupe[128], summary[512], side_s[12], rc_s[16], uid_s[16];
	struct ras_attr attrs[FLASH_REC_MAX_ATTRS];
};

/* Fill time, user and the SHA-256 of buf (when buf != NULL). */
void flash_record_init(struct flash_op_rec *r, const char *op, const char *target);
int flash_sha256_hex(const void *buf, size_t len, char out[65], struct ras_err *e);
/* Build the event; the event borrows r's storage. */
void flash_record_build(struct flash_op_rec *r, struct ras_event *ev);
/* Append it to the database at db_path (created if needed) in one commit. */
int flash_record(const char *db_path, struct flash_op_rec *r, struct ras_err *e);

#endif
