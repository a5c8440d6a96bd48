/*
 * fileio.c - capped reads and durable writes (see fileio.h).
 */
#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)w;
	}
	return 0;
}

int file_read_all(const char *path, size_t max, uint8_t **buf, size_t *len, int *truncated,
		  struct ras_err *e)
{
	return file_read_all_at(AT_FDCWD, path, max, buf, len, truncated, e);
}

int file_read_all_at(int dirfd, const char *path, size_t max, uint8_t **buf, size_t *len,
		     int *truncated, struct ras_err *e)
{
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if (truncated)
		*truncated = 0;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	rc = fd_read_all(fd, path, max, buf, len, truncated, e);
	close(fd);
	return rc;
}

int fd_read_all(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
		int *truncated, struct ras_err *e)
{
	size_t cap = 4096, got = 0;
	uint8_t *b;

	*buf = NULL;
	*len = 0;
	if (truncated)
		*truncated = 0;
	if (cap > max)
		cap = max;
	b = malloc(cap + 1);
	if (!b)
		return ras_errf(e, -ENOMEM, "%s: out of memory", name);
	for (;;) {
		if (got == cap) {
			if (cap >= max) {
				/* Probe one byte to tell "exactly max" from "more than max". */
				char probe;
				ssize_t r;
				do
					r = read(fd, &probe, 1);
				while (r < 0 && errno == EINTR);
				if (r > 0 && truncated)
					*truncated = 1;
				break;
			}
			size_t ncap = cap * 2 > max ? max : cap * 2;
			uint8_t *nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				return ras_errf(e, -ENOMEM, "%s: out of memory", name);
			}
			b = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, b + got, cap - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int rc = ras_errf(e, -errno, "%s: read at offset %zu: %s", name, got,
					  strerror(errno));
			free(b);
			return rc;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	b[got] = 0;
	*buf = b;
	*len = got;
	return 0;
}

int file_read_str(const char *path, char *out, size_t n, struct ras_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (n == 0)
		return -EINVAL;
	out[0] = 0;
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	r = read_full(fd, out, n - 1);
	close(fd);
	if (r < 0)
		return ras_errf(e, (int)r, "%s: %s", path, strerror((int)-r));
	out[r] = 0;
	while (r > 0 && (out[r - 1] == '\n' || out[r - 1] == ' ' || out[r - 1] == '\t' ||
			 out[r - 1] == '\0'))
		out[--r] = 0;
	return 0;
}

int file_read_u64(const char *path, uint64_t *v, struct ras_err *e)
{
	char s[64], *end;
	int rc = file_read_str(path, s, sizeof(s), e);

	if (rc)
		return rc;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return ras_errf(e, -EINVAL, "%s: expected a number, found \"%s\"", path, s);
	*v = x;
	return 0;
}

int file_write_str(const char *path, const char *s, struct ras_err *e)
{
	return file_write_str_at(AT_FDCWD, path, s, e);
}

int file_write_str_at(int dirfd, const char *path, const char *s, struct ras_err *e)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	rc = write_full(fd, s, strlen(s));
	if (rc) {
		close(fd);
		return ras_errf(e, rc, "%s: write: %s", path, strerror(-rc));
	}
	if (close(fd) < 0)
		return ras_errf(e, -errno, "%s: close: %s", path, strerror(errno));
	return 0;
}

int fsync_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		size_t n = (size_t)(slash - path);
		if (n >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = 0;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int file_write_atomic(const char *path, const void *buf, size_t len, unsigned mode,
		      struct ras_err *e)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	rc = write_full(fd, buf, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
	}
	rc = fsync_parent_dir(path);
	if (rc)
		return ras_errf(e, rc, "%s: fsync of directory: %s", path, strerror(-rc));
	return 0;
}

void stdout_buffer_large(void)
{
	static char buf[1 << 16];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, buf, _IOFBF, sizeof(buf));
}
