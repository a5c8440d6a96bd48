/*
 * flash_file.c - the regular-file flash backend.
 *
 * An image file behaves like NOR flash with a realistic erase block (64 KiB by
 * default, never pflash's byte-wise "granule" that makes erases take minutes):
 * erase writes 0xFF over whole erase blocks, program is a pwrite. The file size
 * must be a whole number of erase blocks, so every erase the planner asks for fits.
 */
#include "flash/flash_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_erase(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e)
{
	return flash_fd_fill_ff(d, off, len, e);
}

static const struct flash_ops file_ops = {
	.read = flash_fd_read,
	.write = flash_fd_write,
	.erase = file_erase,
	.close = flash_fd_close,
};

int flash_file_open(const char *path, uint32_t erase_size, bool writable, struct flash_dev **out,
		    struct ras_err *e)
{
	struct flash_dev *d;
	struct stat st;
	int fd;

	if (!erase_size)
		erase_size = FLASH_FILE_ERASE_DEFAULT;
	if (erase_size & (erase_size - 1))
		return ras_errf(e, -EINVAL, "erase block %u is not a power of two", erase_size);
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ras_errf(e, -EINVAL, "%s: not a regular file", path);
	}
	if (st.st_size == 0 || (uint64_t)st.st_size % erase_size) {
		close(fd);
		return ras_errf(e, -EINVAL,
				"%s: size %lld is not a non-zero multiple of the erase block 0x%x",
				path, (long long)st.st_size, erase_size);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return ras_errf(e, -ENOMEM, "out of memory");
	}
	d->ops = &file_ops;
	d->fd = fd;
	d->writable = writable;
	d->info.size = (uint64_t)st.st_size;
	d->info.erase_size = erase_size;
	d->info.kind = "file";
	snprintf(d->info.name, sizeof(d->info.name), "%s", path);
	flash_dev_init(d);
	*out = d;
	return 0;
}
