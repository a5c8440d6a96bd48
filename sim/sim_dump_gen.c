/*
 * sim_dump_gen.c - opal-sim's dump generator: deterministic, verifiable dump content
 * (full pattern or sparse stamps, see sim_dump.c for the layout), atomic creation of a
 * dump directory under ROOT/sys/firmware/opal/dump, and verification of a copy.
 * Free of the run loop so the benchmark and unit tests can use it directly.
 */
#include "sim/sim_dump.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "dump/dump.h"

#define ACK_TEXT    "ack - acknowledge dump\n"
#define STAMP_MAGIC "OPALSIMDUMPSTAMP"
#define SPARSE_STEP (1u << 20)

uint64_t sim_dump_word(uint32_t type, uint32_t id, uint64_t off)
{
	uint64_t z = ((uint64_t)type << 32 | id) ^ (off * 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sim_dump_header(uint8_t hdr[SIM_DUMP_HDR_LEN], uint32_t type, uint32_t id)
{
	memset(hdr, 0, SIM_DUMP_HDR_LEN);
	memcpy(hdr, "FILE", 4);
	put_be16(hdr + 0x08, 1); /* dirsize */
	put_be16(hdr + 0x14, (uint16_t)type); /* type */
	put_be16(hdr + 0x16, SIM_DUMP_HDR_LEN); /* prefix size */
	snprintf((char *)hdr + 0x18, 40, "SYSDUMP.SIM%u.%08X.20261125000000", type & 0xff, id);
}

void sim_dump_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t type, uint32_t id, bool sparse)
{
	uint8_t hdr[SIM_DUMP_HDR_LEN];

	for (size_t i = 0; i < len;) {
		uint64_t o = off + i;

		if (o < SIM_DUMP_HDR_LEN) {
			sim_dump_header(hdr, type, id);
			buf[i++] = hdr[o];
		} else if (sparse) {
			uint64_t in_step = o % SPARSE_STEP;
			uint8_t stamp[64];

			if (in_step < sizeof(stamp) && o >= SPARSE_STEP) {
				memset(stamp, 0, sizeof(stamp));
				memcpy(stamp, STAMP_MAGIC, 16);
				put_be64(stamp + 16, o - in_step);
				put_be32(stamp + 24, type);
				put_be32(stamp + 28, id);
				buf[i++] = stamp[in_step];
			} else {
				buf[i++] = 0;
			}
		} else if (o % 8 == 0 && len - i >= 8) {
			put_be64(buf + i, sim_dump_word(type, id, o));
			i += 8;
		} else {
			uint8_t w[8];
			put_be64(w, sim_dump_word(type, id, o & ~7ull));
			buf[i++] = w[o % 8];
		}
	}
}

int sim_dump_write_attr(const char *dir, const char *name, const char *text, unsigned mode,
			struct ras_err *e)
{
	char path[PATH_MAX];
	int fd, rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	rc = write_full(fd, text, strlen(text));
	close(fd);
	if (rc)
		return ras_errf(e, rc, "%s: write: %s", path, strerror(-rc));
	return 0;
}

static int write_dump_file(const char *path, const struct sim_dump_spec *s, struct ras_err *e)
{
	size_t bufsz = 1u << 20;
	uint8_t *buf;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0400);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	buf = malloc(bufsz);
	if (!buf) {
		close(fd);
		return ras_errf(e, -ENOMEM, "out of memory");
	}
	if (s->sparse) {
		/* Holes everywhere but the header and one stamp per MiB. */
		if (ftruncate(fd, (off_t)s->size) < 0)
			rc = ras_errf(e, -errno, "%s: ftruncate: %s", path, strerror(errno));
		for (uint64_t o = 0; !rc && o < s->size; o += SPARSE_STEP) {
			size_t n = s->size - o < 64 ? (size_t)(s->size - o) : 64;
			sim_dump_fill(buf, n, o, s->type, s->id, true);
			if (pwrite(fd, buf, n, (off_t)o) != (ssize_t)n)
				rc = ras_errf(e, -EIO, "%s: pwrite at %llu failed", path,
					      (unsigned long long)o);
		}
	} else {
		for (uint64_t o = 0; !rc && o < s->size; o += bufsz) {
			size_t n = s->size - o < bufsz ? (size_t)(s->size - o) : bufsz;
			sim_dump_fill(buf, n, o, s->type, s->id, false);
			rc = write_full(fd, buf, n);
			if (rc)
				rc = ras_errf(e, rc, "%s: write at %llu: %s", path,
					      (unsigned long long)o, strerror(-rc));
		}
	}
	free(buf);
	if (close(fd) < 0 && !rc)
		rc = ras_errf(e, -errno, "%s: close: %s", path, strerror(errno));
	return rc;
}

int sim_dump_remove_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

/* Next id: one more than the last id this simulator handed out (ROOT/.sim/dump-last-id). */
static uint32_t next_id(const char *root)
{
	char path[PATH_MAX], buf[32];
	uint64_t last = 0;
	struct ras_err e;

	if (root_path(path, sizeof(path), root, ".sim/dump-last-id") < 0)
		return 1;
	if (file_read_u64(path, &last, &e) < 0)
		last = 0;
	snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)(last + 1));
	file_write_atomic(path, buf, strlen(buf), 0644, NULL);
	return (uint32_t)(last + 1);
}

int sim_dump_create(const char *root, struct sim_dump_spec *s, char *name, size_t n,
		    struct ras_err *e)
{
	char dumpdir[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], path[PATH_MAX], text[64];
	struct stat st;
	int rc;

	if (s->size > UINT32_MAX)
		return ras_errf(e, -EINVAL, "dump size %llu: OPAL sizes are 32-bit",
				(unsigned long long)s->size);
	if (root_path(dumpdir, sizeof(dumpdir), root, DUMP_SYSFS_DIR) < 0 ||
	    root_path(tmp, sizeof(tmp), root, ".sim/dump-tmp") < 0)
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", root);
	rc = mkdir_p(dumpdir, 0755);
	if (!rc)
		rc = mkdir_p(tmp, 0755);
	if (rc)
		return ras_errf(e, rc, "%s: mkdir: %s", dumpdir, strerror(-rc));
	if (!s->id)
		s->id = next_id(root);
	snprintf(name, n, "0x%x-0x%x", s->type, s->id);
	if ((size_t)snprintf(final, sizeof(final), "%s/%s", dumpdir, name) >= sizeof(final))
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", dumpdir);
	if (stat(final, &st) == 0)
		return ras_errf(e, -EEXIST, "%s already exists (not acknowledged yet)", final);
	if ((size_t)snprintf(tmp + strlen(tmp), sizeof(tmp) - strlen(tmp), "/%s.%d", name,
			     (int)getpid()) >= sizeof(tmp) - 1)
		return ras_errf(e, -ENAMETOOLONG, "path too long");
	sim_dump_remove_dir(tmp);
	if (mkdir(tmp, 0755) < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	snprintf(text, sizeof(text), "0x%x\n", s->id);
	rc = sim_dump_write_attr(tmp, "id", text, 0444, e);
	if (!rc) {
		snprintf(text, sizeof(text), "0x%x %s\n", s->type, dump_type_name(s->type));
		rc = sim_dump_write_attr(tmp, "type", text, 0444, e);
	}
	if (!rc)
		rc = sim_dump_write_attr(tmp, "acknowledge", ACK_TEXT, 0660, e);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/dump", tmp);
		rc = write_dump_file(path, s, e);
	}
	if (!rc && s->eio_first) {
		char marker[PATH_MAX];

		if (root_path(marker, sizeof(marker), root, ".sim/dump-eio") < 0 ||
		    mkdir_p(marker, 0755) < 0)
			rc = ras_errf(e, -EIO, "cannot create the EIO marker for %s", name);
		else
			rc = sim_dump_write_attr(marker, name, "eio-first\n", 0644, e);
	}
	if (!rc && rename(tmp, final) < 0)
		rc = ras_errf(e, -errno, "rename %s -> %s: %s", tmp, final, strerror(errno));
	if (rc)
		sim_dump_remove_dir(tmp);
	return rc;
}

int sim_dump_verify(const char *path, uint32_t type, uint32_t id, bool sparse, uint64_t *bad_off,
		    struct ras_err *e)
{
	size_t bufsz = 1u << 20;
	uint8_t *got = malloc(bufsz), *want = malloc(bufsz);
	uint64_t off = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !got || !want) {
		rc = ras_errf(e, fd < 0 ? -errno : -ENOMEM, "%s: cannot open", path);
		goto out;
	}
	for (;;) {
		ssize_t r = read_full(fd, got, bufsz);
		if (r < 0) {
			rc = ras_errf(e, (int)r, "%s: read at %llu", path, (unsigned long long)off);
			break;
		}
		if (r == 0)
			break;
		sim_dump_fill(want, (size_t)r, off, type, id, sparse);
		if (memcmp(got, want, (size_t)r)) {
			size_t i = 0;
			while (got[i] == want[i])
				i++;
			if (bad_off)
				*bad_off = off + i;
			rc = ras_errf(e, -EBADMSG, "%s: content differs at offset %llu", path,
				      (unsigned long long)(off + i));
			break;
		}
		off += (uint64_t)r;
	}
out:
	if (fd >= 0)
		close(fd);
	free(got);
	free(want);
	return rc;
}
