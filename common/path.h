/*
 * path.h - the one resolver of kernel-interface paths under a root directory.
 *
 * Every path to /sys, /proc, /dev or /run goes through root_path(): with --root DIR
 * the product runs against opal-sim's fake host (or a copy of a real one) unchanged.
 */
#ifndef OPAL_RAS_COMMON_PATH_H
#define OPAL_RAS_COMMON_PATH_H

#include <stddef.h>

#include "common/err.h"

/*
 * Write root + "/" + the formatted relative path into out (size n). The root "/" or ""
 * adds nothing; duplicate slashes at the seam are dropped. Returns 0, or -ENAMETOOLONG.
 */
int root_path(char *out, size_t n, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* mkdir -p with the given mode; 0 or -errno. */
int mkdir_p(const char *path, unsigned mode);

#endif
