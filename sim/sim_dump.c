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

bool sim_dump_ack_if_written(const char *root, const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[64];
	ssize_t n;
	int fd;

	if (!name[0] || name[0] == '.' || strchr(name, '/') ||
	    root_path(dir, sizeof(dir), root, DUMP_SYSFS_DIR "/%s", name) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/acknowledge", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read_full(fd, buf, sizeof(buf));
	close(fd);
	if (n == (ssize_t)strlen(ACK_TEXT) && !memcmp(buf, ACK_TEXT, strlen(ACK_TEXT)))
		return false; /* untouched */
	if (sim_dump_remove_dir(dir) < 0)
		return false;
	if (root_path(path, sizeof(path), root, ".sim/dump-eio/%s", name) == 0)
		unlink(path);
	return true;
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
			sim_dump_write_attr(dir, "initiate_dump", INITIATE_TEXT, 0600, e);
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
	if (root_path(dir, sizeof(dir), root, DUMP_SYSFS_DIR "/%s", name) < 0 ||
	    access(dir, F_OK) < 0)
		return SIM_DUMP_NONE; /* already gone (acked through on_new_dir) */
	if (sim_dump_remove_dir(dir) < 0) {
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
	return sim_dump_write_attr(dir, "initiate_dump", INITIATE_TEXT, 0600, e);
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
	sim_log(root, "dump inject %s size %llu%s%s", name, (unsigned long long)s.size,
		s.sparse ? " sparse" : "", s.eio_first ? " eio-first" : "");
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

/* A dump directory got its watch: an acknowledge written before that produced no write
 * callback, so look at the file itself. */
static void dump_new_dir_cb(struct sim_run *r, const char *reldir, void *arg)
{
	const char *name = strrchr(reldir, '/');

	(void)arg;
	name = name ? name + 1 : reldir;
	if (sim_dump_ack_if_written(sim_run_root(r), name))
		sim_run_log(r, "dump ack %s", name);
}

static int dump_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	/* The dump directory is created by the watch if missing; initiate_dump is left as
	 * init (or the test) made it: a missing one emulates an unsupported system. */
	int rc = sim_run_watch_dir_ex(r, DUMP_SYSFS_DIR, dump_write_cb, dump_new_dir_cb, NULL);
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
