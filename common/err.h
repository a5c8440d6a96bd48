/*
 * err.h - the error convention of opal-ras.
 *
 * Functions return 0 or a negative errno-style code and, when the caller passes a
 * struct ras_err, fill it with one line of text that names the file, the offset and
 * what was expected. The text is caller-owned storage: no allocation on error paths.
 */
#ifndef OPAL_RAS_COMMON_ERR_H
#define OPAL_RAS_COMMON_ERR_H

#include <stddef.h>

struct ras_err {
	char msg[512];
};

/* Fill e (may be NULL) with the formatted message; return code (normally -errno). */
int ras_errf(struct ras_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "prefix: old message". Returns code. */
int ras_err_prefix(struct ras_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
