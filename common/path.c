/*
 * path.c - root-relative path resolution and mkdir -p (see path.h).
 */
#include "common/path.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int root_path(char *out, size_t n, const char *root, const char *fmt, ...)
{
	char rel[4096];
	size_t rl;
	const char *r;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(rel))
		return -ENAMETOOLONG;
	r = root ? root : "";
	rl = strlen(r);
	while (rl > 0 && r[rl - 1] == '/')
		rl--;
	const char *p = rel;
	while (*p == '/')
		p++;
	len = snprintf(out, n, "%.*s/%s", (int)rl, r, p);
	if (len < 0 || (size_t)len >= n)
		return -ENAMETOOLONG;
	return 0;
}

int mkdir_p(const char *path, unsigned mode)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}
