/*
 * flash_dev.c - checks common to every flash backend, and the power-cut knob.
 *
 * Bounds and erase alignment are checked here once, so a backend only moves bytes.
 * The crash-test knob (OPAL_FLASH_TEST_KILL_AT) truncates the operation that
 * crosses the threshold to the bytes before it and then SIGKILLs the process,
 * which is what a power cut in the middle of a program or erase looks like.
 */
#include "flash/flash_dev.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

void *flash_buf_alloc(size_t size)
{
	enum { HUGE = 2 << 20 };
	void *p = NULL;

	if (size < HUGE)
		return malloc(size ? size : 1);
	if (posix_memalign(&p, HUGE, size))
		return NULL;
	(void)madvise(p, (size + HUGE - 1) / HUGE * HUGE, MADV_HUGEPAGE);
	return p;
}

void flash_dev_init(struct flash_dev *d)
{
	const char *k = getenv("OPAL_FLASH_TEST_KILL_AT");

	d->kill_at = k ? strtoull(k, NULL, 0) : 0;
	d->touched = 0;
}

void flash_close(struct flash_dev *d)
{
	if (d)
		d->ops->close(d);
}

static int check_range(struct flash_dev *d, uint64_t off, uint64_t len, const char *what,
		       struct ras_err *e)
{
	if (off > d->info.size || len > d->info.size - off)
		return ras_errf(e, -ERANGE,
				"%s: %s of %llu bytes at 0x%llx is past the end (0x%llx)",
				d->info.name, what, (unsigned long long)len,
				(unsigned long long)off, (unsigned long long)d->info.size);
	return 0;
}

int flash_read(struct flash_dev *d, uint64_t off, void *buf, size_t len, struct ras_err *e)
{
	int rc = check_range(d, off, len, "read", e);

	return rc ? rc : d->ops->read(d, off, buf, len, e);
}

/* Returns how many of len bytes may be touched before the power cut (len if none). */
static uint64_t kill_budget(struct flash_dev *d, uint64_t len)
{
	if (!d->kill_at || d->touched + len < d->kill_at)
		return len;
	return d->kill_at > d->touched ? d->kill_at - d->touched : 0;
}

static void kill_now(void)
{
	raise(SIGKILL);
	_exit(137);
}

int flash_write(struct flash_dev *d, uint64_t off, const void *buf, size_t len, struct ras_err *e)
{
	int rc = check_range(d, off, len, "write", e);
	uint64_t n;

	if (rc)
		return rc;
	if (!d->writable)
		return ras_errf(e, -EROFS, "%s: opened read-only", d->info.name);
	n = kill_budget(d, len);
	if (n < len) {
		if (n)
			(void)d->ops->write(d, off, buf, n, NULL);
		kill_now();
	}
	d->touched += len;
	return d->ops->write(d, off, buf, len, e);
}

int flash_erase(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e)
{
	int rc = check_range(d, off, len, "erase", e);
	uint64_t n, es = d->info.erase_size;

	if (rc)
		return rc;
	if (!d->writable)
		return ras_errf(e, -EROFS, "%s: opened read-only", d->info.name);
	if (off % es || len % es)
		return ras_errf(e, -EINVAL,
				"%s: erase at 0x%llx length 0x%llx is not aligned to the erase "
				"block 0x%llx",
				d->info.name, (unsigned long long)off, (unsigned long long)len,
				(unsigned long long)es);
	n = kill_budget(d, len);
	if (n < len) {
		n -= n % es; /* whole erase blocks before the cut */
		if (n)
			(void)d->ops->erase(d, off, n, NULL);
		kill_now();
	}
	d->touched += len;
	return d->ops->erase(d, off, len, e);
}

int flash_fd_read(struct flash_dev *d, uint64_t off, void *buf, size_t len, struct ras_err *e)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(d->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ras_errf(e, -errno, "%s: read at 0x%llx: %s", d->info.name,
					(unsigned long long)off, strerror(errno));
		if (n == 0)
			return ras_errf(e, -EIO, "%s: unexpected end of data at 0x%llx",
					d->info.name, (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int flash_fd_write(struct flash_dev *d, uint64_t off, const void *buf, size_t len,
		   struct ras_err *e)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(d->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ras_errf(e, n < 0 ? -errno : -EIO, "%s: write at 0x%llx: %s",
					d->info.name, (unsigned long long)off,
					n < 0 ? strerror(errno) : "no progress");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int flash_fd_fill_ff(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e)
{
	static uint8_t ff[64 * 1024];
	static bool init;

	if (!init) {
		memset(ff, 0xFF, sizeof(ff));
		init = true;
	}
	while (len) {
		size_t n = len < sizeof(ff) ? (size_t)len : sizeof(ff);
		int rc = flash_fd_write(d, off, ff, n, e);

		if (rc)
			return rc;
		off += n;
		len -= n;
	}
	return 0;
}

void flash_fd_close(struct flash_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}
