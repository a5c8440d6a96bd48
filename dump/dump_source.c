/*
 * dump_source.c - the sysfs dump source: pread() on <root>/sys/firmware/opal/dump/<dir>/dump.
 *
 * The kernel fetches the dump from firmware on the first read and answers EIO for
 * OPAL_PARTIAL (retry) - the fetcher handles retries; this file only reads. Reads on a
 * sysfs bin attribute return at most a page each, so short reads are normal.
 *
 * Simulator fault hook: only when OPAL_RAS_SIM_FAULTS=1 is in the environment, a marker
 * <root>/.sim/dump-eio/<dir> makes the first read fail with EIO once (the marker is
 * removed). A regular file in a simulated tree cannot produce a real EIO, and this keeps
 * the end-to-end retry path testable with the real binary. Without the variable nothing
 * under .sim/ is ever looked at.
 */
#include "dump/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/path.h"

struct sysfs_src {
	int fd;
	bool eio_pending;
	char marker[PATH_MAX];
};

static ssize_t sysfs_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct sysfs_src *s = ctx;
	ssize_t r;

	if (s->eio_pending) {
		s->eio_pending = false;
		unlink(s->marker);
		return -EIO;
	}
	do {
		r = pread(s->fd, buf, len, (off_t)off);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void sysfs_close(void *ctx)
{
	struct sysfs_src *s = ctx;

	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int dump_source_open_sysfs(const char *root, const char *name, struct dump_source *src,
			   struct ras_err *e)
{
	char path[PATH_MAX];
	struct sysfs_src *s;
	const char *faults;
	struct stat st;
	int rc;

	memset(src, 0, sizeof(*src));
	if (!name || !*name || strchr(name, '/') || name[0] == '.')
		return ras_errf(e, -EINVAL, "bad dump name \"%s\"", name ? name : "");
	if (root_path(path, sizeof(path), root, DUMP_SYSFS_DIR "/%s/dump", name) < 0)
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", name);
	s = calloc(1, sizeof(*s));
	if (!s)
		return ras_errf(e, -ENOMEM, "out of memory");
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0) {
		rc = -errno;
		sysfs_close(s);
		return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
	}
	faults = getenv("OPAL_RAS_SIM_FAULTS");
	if (faults && !strcmp(faults, "1") &&
	    root_path(s->marker, sizeof(s->marker), root, ".sim/dump-eio/%s", name) == 0 &&
	    access(s->marker, F_OK) == 0)
		s->eio_pending = true;
	/* Sequential whole-file read: let the page cache read ahead aggressively. */
	posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	src->ctx = s;
	src->read = sysfs_read;
	src->close = sysfs_close;
	src->size = (uint64_t)st.st_size;
	return 0;
}

void dump_source_close(struct dump_source *src)
{
	if (src->close && src->ctx)
		src->close(src->ctx);
	src->ctx = NULL;
}
