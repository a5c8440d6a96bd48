/*
 * flash_dev.h - the flash backend vtable (skiboot libflash "blocklevel" shape).
 *
 * A struct flash_dev is a medium that can be read, programmed and erased in
 * erase-block units: a regular file (flash_file.c, with a realistic erase block,
 * 64 KiB by default) or an MTD device (flash_mtd.c, MEMGETINFO/MEMERASE). The FFS,
 * GUARD and writer code above it only calls flash_read/flash_write/flash_erase.
 *
 * Invariants: every erase is aligned to info.erase_size (checked here, before the
 * backend is called); no access goes past info.size. Writes assume the range was
 * erased or only clears bits (NOR semantics); the writer (flash_write.c) plans that.
 * For crash tests the environment variable OPAL_FLASH_TEST_KILL_AT=N makes the
 * process SIGKILL itself after N bytes were programmed or erased (a power cut at a
 * byte offset inside an operation); it is read once by flash_dev_init().
 */
#ifndef OPAL_RAS_FLASH_FLASH_DEV_H
#define OPAL_RAS_FLASH_FLASH_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define FLASH_FILE_ERASE_DEFAULT (64u * 1024)

struct flash_dev;

struct flash_info {
	uint64_t size; /* bytes */
	uint32_t erase_size; /* bytes, a power of two */
	char name[256]; /* file name or /dev/mtdN */
	const char *kind; /* "file" or "mtd" */
};

struct flash_ops {
	int (*read)(struct flash_dev *d, uint64_t off, void *buf, size_t len, struct ras_err *e);
	int (*write)(struct flash_dev *d, uint64_t off, const void *buf, size_t len,
		     struct ras_err *e);
	int (*erase)(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e);
	void (*close)(struct flash_dev *d);
};

struct flash_dev {
	const struct flash_ops *ops;
	struct flash_info info;
	int fd;
	bool writable;
	bool erase_emulated; /* MTD path is a regular file (simulator): erase writes 0xFF */
	uint64_t kill_at; /* 0 = off; see OPAL_FLASH_TEST_KILL_AT */
	uint64_t touched; /* bytes programmed + erased so far */
};

/* Open an image file as flash. erase_size 0 = 64 KiB. The file size must be a
 * multiple of the erase size. */
int flash_file_open(const char *path, uint32_t erase_size, bool writable, struct flash_dev **out,
		    struct ras_err *e);
/* Open an MTD character device. When the path is a regular file (opal-sim) the
 * geometry comes from ROOT/sys/class/mtd/<basename>/{size,erasesize}. */
int flash_mtd_open(const char *root, const char *devpath, bool writable, struct flash_dev **out,
		   struct ras_err *e);
/* Find the host PNOR among ROOT/sys/class/mtd/mtd* (the one whose of_node matches
 * chosen/ibm,system-flash, else the one named like PNOR/flash, else the only one);
 * writes ROOT/dev/mtdN to out. */
int flash_mtd_find(const char *root, char *out, size_t n, struct ras_err *e);

void flash_close(struct flash_dev *d);
int flash_read(struct flash_dev *d, uint64_t off, void *buf, size_t len, struct ras_err *e);
int flash_write(struct flash_dev *d, uint64_t off, const void *buf, size_t len, struct ras_err *e);
int flash_erase(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e);

/* A buffer for partition-sized data: 2 MiB aligned and backed by transparent huge
 * pages where the kernel allows it (thousands of 4 KiB page faults cost more than
 * the copy on a loaded VM). Release it with free(). */
void *flash_buf_alloc(size_t size);

/* Shared by the backends (fd-based I/O, erase emulated by writing 0xFF). */
void flash_dev_init(struct flash_dev *d);
int flash_fd_read(struct flash_dev *d, uint64_t off, void *buf, size_t len, struct ras_err *e);
int flash_fd_write(struct flash_dev *d, uint64_t off, const void *buf, size_t len,
		   struct ras_err *e);
int flash_fd_fill_ff(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e);
void flash_fd_close(struct flash_dev *d);

#endif
