/*
 * flash_mtd.c - the MTD flash backend (/dev/mtdN, as exported by powernv_flash).
 *
 * Geometry comes from MEMGETINFO and erases go through MEMERASE. When the device
 * path is a regular file (opal-sim's MTD-like flash) the ioctls do not apply: the
 * geometry is read from ROOT/sys/class/mtd/<name>/{size,erasesize} and an erase
 * writes 0xFF, so the same command line drives a simulated host.
 * flash_mtd_find() picks the host PNOR among /sys/class/mtd entries under --root:
 * the one whose device/of_node is the node chosen/ibm,system-flash names (as pflash
 * finds it), else the one named PNOR/flash*, else the only one.
 */
#include "flash/flash_dev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mtd/mtd-user.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"

static int mtd_erase(struct flash_dev *d, uint64_t off, uint64_t len, struct ras_err *e)
{
	struct erase_info_user64 ei = { .start = off, .length = len };

	if (d->erase_emulated)
		return flash_fd_fill_ff(d, off, len, e);
	if (ioctl(d->fd, MEMERASE64, &ei) < 0)
		return ras_errf(e, -errno, "%s: MEMERASE at 0x%llx length 0x%llx: %s", d->info.name,
				(unsigned long long)off, (unsigned long long)len, strerror(errno));
	return 0;
}

static const struct flash_ops mtd_ops = {
	.read = flash_fd_read,
	.write = flash_fd_write,
	.erase = mtd_erase,
	.close = flash_fd_close,
};

int flash_mtd_open(const char *root, const char *devpath, bool writable, struct flash_dev **out,
		   struct ras_err *e)
{
	struct flash_dev *d;
	struct stat st;
	int fd = open(devpath, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", devpath, strerror(errno));
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return ras_errf(e, -ENOMEM, "out of memory");
	}
	d->ops = &mtd_ops;
	d->fd = fd;
	d->writable = writable;
	d->info.kind = "mtd";
	snprintf(d->info.name, sizeof(d->info.name), "%s", devpath);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		/* simulated MTD: geometry from sysfs next to it */
		char p[4096], base[256];
		uint64_t v;
		const char *slash = strrchr(devpath, '/');
		int rc;

		snprintf(base, sizeof(base), "%s", slash ? slash + 1 : devpath);
		d->erase_emulated = true;
		d->info.size = (uint64_t)st.st_size;
		d->info.erase_size = FLASH_FILE_ERASE_DEFAULT;
		rc = root_path(p, sizeof(p), root, "sys/class/mtd/%s/erasesize", base);
		if (!rc && file_read_u64(p, &v, NULL) == 0 && v && !(v & (v - 1)) &&
		    v <= (1u << 24))
			d->info.erase_size = (uint32_t)v;
		rc = root_path(p, sizeof(p), root, "sys/class/mtd/%s/size", base);
		if (!rc && file_read_u64(p, &v, NULL) == 0 && v && v <= (uint64_t)st.st_size)
			d->info.size = v;
	} else {
		struct mtd_info_user mi;

		if (ioctl(fd, MEMGETINFO, &mi) < 0) {
			int err = errno;

			flash_fd_close(d);
			return ras_errf(e, -err, "%s: MEMGETINFO: %s (not an MTD device?)", devpath,
					strerror(err));
		}
		d->info.size = mi.size;
		d->info.erase_size = mi.erasesize;
	}
	if (!d->info.erase_size || d->info.size % d->info.erase_size) {
		uint64_t sz = d->info.size;
		uint32_t es = d->info.erase_size;

		flash_fd_close(d);
		return ras_errf(e, -EINVAL,
				"%s: size 0x%llx is not a multiple of the erase block 0x%x",
				devpath, (unsigned long long)sz, es);
	}
	flash_dev_init(d);
	*out = d;
	return 0;
}

static bool name_is_pnor(const char *name)
{
	return !strcasecmp(name, "pnor") || !strncasecmp(name, "flash", 5) ||
	       !strcasecmp(name, "ibm,opal-flash");
}

/* Does mtd's device/of_node link end in the device-tree path chosen names? */
static bool of_node_matches(const char *root, const char *mtd, const char *chosen)
{
	char p[4096], target[4096];
	ssize_t n;
	size_t cl = strlen(chosen), tl;

	if (!cl || root_path(p, sizeof(p), root, "sys/class/mtd/%s/device/of_node", mtd))
		return false;
	n = readlink(p, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	tl = (size_t)n;
	return tl >= cl && !strcmp(target + tl - cl, chosen) &&
	       (tl == cl || target[tl - cl - 1] == '/' || chosen[0] == '/');
}

int flash_mtd_find(const char *root, char *out, size_t n, struct ras_err *e)
{
	char dir[4096], p[4096], name[256], only[64] = "", best[64] = "", chosen[512] = "",
					    match[64] = "";
	struct dirent *de;
	int count = 0;
	DIR *dh;

	if (root_path(dir, sizeof(dir), root, "sys/class/mtd"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	/* skiboot points chosen/ibm,system-flash at the flash node (as pflash uses it) */
	if (!root_path(p, sizeof(p), root, "proc/device-tree/chosen/ibm,system-flash"))
		file_read_str(p, chosen, sizeof(chosen), NULL);
	dh = opendir(dir);
	if (!dh)
		return ras_errf(e, -ENOENT, "%s: %s: no MTD flash on this host (use -F IMAGE)", dir,
				strerror(errno));
	while ((de = readdir(dh))) {
		unsigned idx;
		char tail;

		if (sscanf(de->d_name, "mtd%u%c", &idx, &tail) != 1)
			continue; /* skips mtdNro and others */
		if (root_path(p, sizeof(p), root, "sys/class/mtd/%s/name", de->d_name))
			continue;
		if (file_read_str(p, name, sizeof(name), NULL))
			continue;
		count++;
		snprintf(only, sizeof(only), "%s", de->d_name);
		if (chosen[0] && of_node_matches(root, de->d_name, chosen))
			snprintf(match, sizeof(match), "%s", de->d_name);
		if (name_is_pnor(name) && (!best[0] || strcmp(de->d_name, best) < 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(dh);
	if (match[0])
		snprintf(best, sizeof(best), "%s", match);
	if (!best[0] && count == 1)
		snprintf(best, sizeof(best), "%s", only);
	if (!best[0])
		return ras_errf(e, -ENOENT, "%s: %s; name the device with --device /dev/mtdN", dir,
				count ? "several MTD devices and none is named PNOR/flash"
				      : "no MTD device");
	if (root_path(out, n, root, "dev/%s", best))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	return 0;
}
