/*
 * fileio.h - safe whole-file reads, small sysfs attribute reads, durable writes.
 *
 * Reads are capped (untrusted sizes never drive an allocation) and retry EINTR;
 * durable writes go through a temporary file, fsync, rename and an fsync of the
 * directory that holds the name (the directory, not the file's parent's parent:
 * opal_errd got that wrong).
 */
#ifndef OPAL_RAS_COMMON_FILEIO_H
#define OPAL_RAS_COMMON_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* Read at most max bytes of path into a malloc'd buffer (NUL-terminated, not counted).
 * *truncated (may be NULL) is set when the file holds more than max bytes. */
int file_read_all(const char *path, size_t max, uint8_t **buf, size_t *len, int *truncated,
		  struct ras_err *e);

/* The same relative to a directory descriptor (openat; AT_FDCWD for the cwd). Sources
 * that read many files in one directory keep it open and skip the path walk. */
int file_read_all_at(int dirfd, const char *path, size_t max, uint8_t **buf, size_t *len,
		     int *truncated, struct ras_err *e);
int file_write_str_at(int dirfd, const char *path, const char *s, struct ras_err *e);

/* The same from an open descriptor (a socket, a pipe) until end of file; name is for
 * messages. */
int fd_read_all(int fd, const char *name, size_t max, uint8_t **buf, size_t *len,
		int *truncated, struct ras_err *e);

/* Read a small text attribute (sysfs style) into out, trailing newline/space removed. */
int file_read_str(const char *path, char *out, size_t n, struct ras_err *e);

/* Parse a sysfs number attribute ("0x1f\n", "42") into *v. */
int file_read_u64(const char *path, uint64_t *v, struct ras_err *e);

/* Write s to an existing file (sysfs attribute style: open O_WRONLY, one write). */
int file_write_str(const char *path, const char *s, struct ras_err *e);

/* Write all of buf to fd, retrying short writes and EINTR. */
int write_full(int fd, const void *buf, size_t len);

/* Read up to len bytes, retrying short reads and EINTR; returns bytes read or -errno. */
ssize_t read_full(int fd, void *buf, size_t len);

/* fsync the directory that contains path. */
int fsync_parent_dir(const char *path);

/* Create or replace path atomically and durably with the given contents and mode. */
int file_write_atomic(const char *path, const void *buf, size_t len, unsigned mode,
		      struct ras_err *e);

/*
 * Give stdout a 64 KiB buffer when it is a file or a pipe. glibc sizes the buffer from
 * st_blksize (4 KiB), so a renderer producing megabytes would make one write(2) per 4 KiB;
 * a terminal keeps its line buffering. Call before the first output.
 */
void stdout_buffer_large(void);

#endif
