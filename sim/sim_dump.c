/*
 * sim_dump.c - opal-sim's platform-dump module: ROOT/sys/firmware/opal/dump.
 *
 *   init     creates the dump directory and initiate_dump (the kernel's help text).
 *   inject   `dump [--type T] [--size SIZE] [--id ID] [--sparse] [--eio-first]` creates one
 *            dump directory "0x<type>-0x<id>" with id, type, acknowledge and dump, built
 *            under ROOT/.sim/ and renamed into place so a scanner never sees half of it.
 *   run      acknowledge writes remove the dump directory (as the kernel does); a write
 *            to initiate_dump creates a new SP (type 1) dump half a second later.
 *   reboot   nothing: firmware re-offers un-acknowledged dumps (DUMP_RESEND), so they stay.
 *
 * Dump content is deterministic and verifiable (sim_dump_verify()): an FSP-style file
 * header at offset 0 (label "FILE", type, prefix size, suggested name
 * "SYSDUMP.SIM<type>.<id>.20261125000000"), then either
 *   full   every 8-byte word at offset o (o >= 64) = sim_dump_word(type, id, o), or
 *   sparse a 64-byte stamp at every 1 MiB boundary ("OPALSIMDUMPSTAMP", be64 offset,
 *          be32 type, be32 id) and holes elsewhere: hundreds of MB cost a few KB of disk.
 *
 * EIO on the first read (--eio-first): a regular file cannot return EIO, so the module
 * writes the marker ROOT/.sim/dump-eio/<dir>; the product's sysfs dump source honours it
 * only when OPAL_RAS_SIM_FAULTS=1 is set (see dump/dump.h), failing the first read once.
 */
#include "sim/sim_dump.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "dump/dump.h"

#define INITIATE_TEXT "1 - initiate Service Processor(FSP) dump\n"
#define ACK_TEXT      "ack - acknowledge dump\n"
#define STAMP_MAGIC   "OPALSIMDUMPSTAMP"
#define SPARSE_STEP   (1u << 20)

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

static int write_attr(const char *dir, const char *name, const char *text, unsigned mode,
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

static int remove_tree_flat(const char *dir)
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
	remove_tree_flat(tmp);
	if (mkdir(tmp, 0755) < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	snprintf(text, sizeof(text), "0x%x\n", s->id);
	rc = write_attr(tmp, "id", text, 0444, e);
	if (!rc) {
		snprintf(text, sizeof(text), "0x%x %s\n", s->type, dump_type_name(s->type));
		rc = write_attr(tmp, "type", text, 0444, e);
	}
	if (!rc)
		rc = write_attr(tmp, "acknowledge", ACK_TEXT, 0660, e);
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
			rc = write_attr(marker, name, "eio-first\n", 0644, e);
	}
	if (!rc && rename(tmp, final) < 0)
		rc = ras_errf(e, -errno, "rename %s -> %s: %s", tmp, final, strerror(errno));
	if (rc)
		remove_tree_flat(tmp);
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

enum sim_dump_action sim_dump_on_write(const char *root, const char *relpath, char *name, size_t n,
				       struct ras_err *e)
{
	const char *prefix = DUMP_SYSFS_DIR "/";
	size_t pl = strlen(prefix);
	char path[PATH_MAX], dir[PATH_MAX], buf[128];
	const char *rest, *slash;

	if (strncmp(relpath, prefix, pl))
		return SIM_DUMP_NONE;
	rest = relpath + pl;
	if (!strcmp(rest, "initiate_dump")) {
		if (root_path(path, sizeof(path), root, "%s", relpath) < 0)
			return SIM_DUMP_NONE;
		if (file_read_str(path, buf, sizeof(buf), NULL) == 0 &&
		    !strncmp(buf, INITIATE_TEXT, sizeof(INITIATE_TEXT) - 2) &&
		    strlen(buf) == sizeof(INITIATE_TEXT) - 2)
			return SIM_DUMP_NONE; /* our own restore of the help text */
		/* The kernel shows the help text again whatever was written. */
		if (root_path(dir, sizeof(dir), root, DUMP_SYSFS_DIR) == 0)
			write_attr(dir, "initiate_dump", INITIATE_TEXT, 0600, e);
		if (name && n)
			name[0] = 0;
		return SIM_DUMP_INITIATE;
	}
	slash = strchr(rest, '/');
	if (!slash || strcmp(slash + 1, "acknowledge") || (size_t)(slash - rest) >= n ||
	    rest[0] == '.')
		return SIM_DUMP_NONE;
	memcpy(name, rest, (size_t)(slash - rest));
	name[slash - rest] = 0;
	if (root_path(dir, sizeof(dir), root, DUMP_SYSFS_DIR "/%s", name) < 0)
		return SIM_DUMP_NONE;
	if (remove_tree_flat(dir) < 0) {
		ras_errf(e, -EIO, "%s: cannot remove", dir);
		return SIM_DUMP_NONE;
	}
	if (root_path(path, sizeof(path), root, ".sim/dump-eio/%s", name) == 0)
		unlink(path);
	return SIM_DUMP_ACKED;
}

/* --- the sim_module glue --------------------------------------------------------------- */

static int dump_init(const char *root, struct ras_err *e)
{
	char dir[PATH_MAX];
	int rc;

	if (root_path(dir, sizeof(dir), root, DUMP_SYSFS_DIR) < 0)
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", root);
	rc = mkdir_p(dir, 0755);
	if (rc)
		return ras_errf(e, rc, "%s: mkdir: %s", dir, strerror(-rc));
	return write_attr(dir, "initiate_dump", INITIATE_TEXT, 0600, e);
}

int sim_dump_parse_inject(int argc, char **argv, struct sim_dump_spec *s, struct ras_err *e)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' }, { "size", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },	  { "sparse", no_argument, NULL, 'S' },
		{ "eio-first", no_argument, NULL, 'E' },  { NULL, 0, NULL, 0 },
	};
	char *end;
	int c, rc;

	memset(s, 0, sizeof(*s));
	s->type = DUMP_TYPE_SYS;
	s->size = 1u << 20;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:s:i:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (dump_type_parse(optarg, &s->type))
				return ras_errf(e, -EINVAL,
						"dump --type %s: expected sp, platform, sma or a "
						"number",
						optarg);
			break;
		case 's':
			rc = dump_parse_size(optarg, &s->size, e);
			if (rc)
				return ras_err_prefix(e, rc, "dump --size");
			break;
		case 'i': {
			unsigned long long v;

			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || v == 0 || v > UINT32_MAX)
				return ras_errf(e, -EINVAL, "dump --id %s: expected 1..0xffffffff",
						optarg);
			s->id = (uint32_t)v;
			break;
		}
		case 'S':
			s->sparse = true;
			break;
		case 'E':
			s->eio_first = true;
			break;
		default:
			return ras_errf(e, -EINVAL, "dump: unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return ras_errf(e, -EINVAL, "dump: unexpected argument %s", argv[optind]);
	return 0;
}

static int dump_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	struct sim_dump_spec s;
	char name[DUMP_NAME_MAX];
	int rc;

	rc = sim_dump_parse_inject(argc, argv, &s, e);
	if (rc)
		return rc;
	rc = sim_dump_create(root, &s, name, sizeof(name), e);
	if (rc)
		return rc;
	printf("%s\n", name);
	return 0;
}

/* A dump requested through initiate_dump appears after a moment (a one-shot timerfd). */
static void initiate_timer_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	struct sim_dump_spec s = { .type = DUMP_TYPE_SP, .size = SIM_DUMP_INITIATE_SIZE };
	struct ras_err e = { "" };
	char name[DUMP_NAME_MAX];
	uint64_t exp;

	(void)events;
	(void)arg;
	if (read(fd, &exp, sizeof(exp)) < 0 && errno == EAGAIN)
		return;
	sim_run_del_fd(r, fd);
	close(fd);
	if (sim_dump_create(sim_run_root(r), &s, name, sizeof(name), &e))
		sim_run_log(r, "dump initiate failed: %s", e.msg);
	else
		sim_run_log(r, "dump created %s (initiated)", name);
}

static void dump_write_cb(struct sim_run *r, const char *relpath, void *arg)
{
	struct ras_err e = { "" };
	char name[DUMP_NAME_MAX];
	struct itimerspec its = { .it_value = { .tv_sec = 0,
						.tv_nsec = SIM_DUMP_INITIATE_DELAY_NS } };
	int tfd;

	(void)arg;
	switch (sim_dump_on_write(sim_run_root(r), relpath, name, sizeof(name), &e)) {
	case SIM_DUMP_ACKED:
		sim_run_log(r, "dump ack %s", name);
		break;
	case SIM_DUMP_INITIATE:
		sim_run_log(r, "dump initiate requested");
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0 ||
		    sim_run_add_fd(r, tfd, EPOLLIN, initiate_timer_cb, NULL) < 0) {
			sim_run_log(r, "dump initiate: timer failed: %s", strerror(errno));
			if (tfd >= 0)
				close(tfd);
		}
		break;
	case SIM_DUMP_NONE:
		if (e.msg[0])
			sim_run_log(r, "dump: %s", e.msg);
		break;
	}
}

static int dump_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	int rc = dump_init(root, e);

	if (rc)
		return rc;
	rc = sim_run_watch_dir(r, DUMP_SYSFS_DIR, dump_write_cb, NULL);
	if (rc)
		return ras_errf(e, rc, "watch %s: %s", DUMP_SYSFS_DIR, strerror(-rc));
	return 0;
}

static int dump_reboot(const char *root, struct ras_err *e)
{
	/* Un-acknowledged dumps are re-offered after a reboot (DUMP_RESEND): keep them. */
	(void)root;
	(void)e;
	return 0;
}

const struct sim_module sim_module_dump = {
	.name = "dump",
	.init = dump_init,
	.inject = dump_inject,
	.inject_usage =
		"  inject ROOT dump [--type sp|platform|sma|N] [--size SIZE] [--id ID] [--sparse]\n"
		"                   [--eio-first]   a platform dump (default: platform, 1M, next "
		"id)\n",
	.run_start = dump_run_start,
	.reboot = dump_reboot,
};
