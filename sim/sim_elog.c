/*
 * sim_elog.c - opal-sim module "elog": /sys/firmware/opal/elog as the kernel shows it
 * (docs/spec/opal-sysfs-and-prd.md §1).
 *
 *   init    creates sys/firmware/opal/elog and ROOT/.sim/elog/.
 *   inject  adds logs: real PELs (--from FILE|DIR) or generated ones (errlog/pel_encode).
 *           Each log is built as a directory under ROOT/.sim/tmp (raw 0400, id and type
 *           0444, acknowledge 0660) and rename()d into sys/firmware/opal/elog/0x<id>, so
 *           a reader never sees a half-made log. A copy of every injected PEL is appended
 *           to ROOT/.sim/elog/pels.bin (records: "PELS", be32 id, be32 len, bytes).
 *   run     watches the elog tree: a write to <id>/acknowledge removes the directory and
 *           logs "ack elog 0x<id>" (sim_run_log), and appends the id to
 *           ROOT/.sim/elog/acked.log. A directory whose acknowledge changed before its
 *           watch existed is acked when discovered.
 *   reboot  applies acks written while run was not running, removes every log directory
 *           (kernel memory is gone) and re-offers every stored PEL never acked (RESEND).
 *
 * Invariants: ids are unique per root (counter in ROOT/.sim/elog/next under the lock
 * ROOT/.sim/elog.lock); nothing is fsync'ed (the simulator's state need not survive a
 * machine crash, and 100k injections must be fast); an existing directory of the same
 * id is left alone, as the kernel skips duplicate notifications.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/pel_encode.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

#define ELOG_DIR "sys/firmware/opal/elog"
#define ELOG_MAX 16384
#define ACK_TEXT "ack - acknowledge log message\n"
#define FIRST_ID 0x50100000u

static int elog_init(const char *root, struct ras_err *e)
{
	char path[4096];
	int rc;

	root_path(path, sizeof(path), root, ELOG_DIR);
	rc = mkdir_p(path, 0755);
	if (!rc) {
		root_path(path, sizeof(path), root, ".sim/elog");
		rc = mkdir_p(path, 0755);
	}
	if (rc)
		return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
	return 0;
}

/* ---- one log directory ------------------------------------------------------------ */

/* Create name in dfd with exactly mode (the caller has cleared the umask). */
static int put_file(int dfd, const char *name, const void *buf, size_t len, mode_t mode)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int rc;

	if (fd < 0)
		return -errno;
	rc = write_full(fd, buf, len);
	close(fd);
	return rc;
}

static void remove_dir_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(path);
}

/* Offer one log: 1 = created, 0 = a directory with this id already exists. */
static int offer_log(const char *root, uint32_t id, const uint8_t *pel, size_t len,
		     struct ras_err *e)
{
	char tmp[4096], dst[4096], txt[32];
	int dfd, rc;

	root_path(dst, sizeof(dst), root, ELOG_DIR "/0x%x", id);
	root_path(tmp, sizeof(tmp), root, ".sim/tmp/elog-0x%x.%d", id, (int)getpid());
	if (mkdir(tmp, 0755) < 0) {
		if (errno != EEXIST)
			return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
		remove_dir_files(tmp); /* left over by a killed injector */
		if (mkdir(tmp, 0755) < 0)
			return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	}
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	rc = put_file(dfd, "raw", pel, len > ELOG_MAX ? ELOG_MAX : len, 0400);
	snprintf(txt, sizeof(txt), "0x%x\n", id);
	if (!rc)
		rc = put_file(dfd, "id", txt, strlen(txt), 0444);
	if (!rc) {
		/* every log's type file is the same: link one read-only template (cheaper
		 * than creating a file per log; nobody writes a 0444 file) */
		char tpl[4096];
		root_path(tpl, sizeof(tpl), root, ".sim/elog/type");
		if (linkat(AT_FDCWD, tpl, dfd, "type", 0) < 0) {
			rc = put_file(AT_FDCWD, tpl, "0x0 PEL\n", 8, 0444);
			if (rc == -EEXIST || rc == 0)
				rc = linkat(AT_FDCWD, tpl, dfd, "type", 0) < 0 ? -errno : 0;
		}
	}
	if (!rc)
		rc = put_file(dfd, "acknowledge", ACK_TEXT, strlen(ACK_TEXT), 0660);
	close(dfd);
	/* rename() never replaces a non-empty directory: an existing log of this id
	 * stays, as the kernel skips duplicate notifications */
	if (!rc && rename(tmp, dst) < 0)
		rc = -errno;
	if (rc == -ENOTEMPTY || rc == -EEXIST) {
		remove_dir_files(tmp);
		return 0;
	}
	if (rc) {
		remove_dir_files(tmp);
		return ras_errf(e, rc, "offering elog 0x%x at %s: %s", id, dst, strerror(-rc));
	}
	return 1;
}

static int store_append(int fd, uint32_t id, const uint8_t *pel, size_t len)
{
	uint8_t hdr[12];

	memcpy(hdr, "PELS", 4);
	put_be32(hdr + 4, id);
	put_be32(hdr + 8, (uint32_t)len);
	if (write_full(fd, hdr, sizeof(hdr)) || write_full(fd, pel, len))
		return -errno;
	return 0;
}

/* ---- inject ------------------------------------------------------------------------ */

struct file_list {
	char **v;
	size_t n, cap;
	bool any_raw;
};

static int list_add(struct file_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n] = strdup(path);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static void list_walk(struct file_list *l, const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char sub[4096];

	if (depth > 8 || stat(path, &st) < 0)
		return;
	if (S_ISREG(st.st_mode)) {
		const char *b = strrchr(path, '/');
		b = b ? b + 1 : path;
		if (!strcmp(b, "raw"))
			l->any_raw = true;
		list_add(l, path);
		return;
	}
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < (int)sizeof(sub))
			list_walk(l, sub, depth + 1);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The id a file suggests: its directory name for <dir>/raw, else the PH entry id. */
static bool file_id(const char *path, const uint8_t *b, size_t len, uint32_t *id)
{
	const char *slash = strrchr(path, '/');

	if (slash && !strcmp(slash + 1, "raw")) {
		const char *p = slash;
		while (p > path && p[-1] != '/')
			p--;
		if (!strncmp(p, "0x", 2)) {
			char *end;
			unsigned long v = strtoul(p + 2, &end, 16);
			if (end == slash && v <= UINT32_MAX) {
				*id = (uint32_t)v;
				return true;
			}
		}
	}
	if (len >= 48 && b[0] == 'P' && b[1] == 'H') {
		*id = be32(b + 44);
		return *id != 0;
	}
	return false;
}

static const char elog_usage[] =
	"  elog [--count N] [--rate R] [--from FILE|DIR] [--seed S] [--pad]\n"
	"       N logs (default 1; with --from, one per file) at R logs/s (default: at once);\n"
	"       --from takes PEL files or a tree of <id>/raw files, else realistic PELs are\n"
	"       generated (seeded); --pad zero-pads raw to 16384 bytes like FSP logs\n"
	"       [--subsystem X] [--severity X] [--src SRC]: generated logs get this PEL\n"
	"       subsystem and severity (0x00-0xFF) and SRC (e.g. an EPOW: --subsystem 0x61\n"
	"       --severity 0x51 --src 11002610)\n";

static int elog_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	static const struct option lo[] = { { "count", required_argument, NULL, 'n' },
					    { "rate", required_argument, NULL, 'r' },
					    { "from", required_argument, NULL, 'f' },
					    { "seed", required_argument, NULL, 's' },
					    { "pad", no_argument, NULL, 'p' },
					    { "subsystem", required_argument, NULL, 'S' },
					    { "severity", required_argument, NULL, 'V' },
					    { "src", required_argument, NULL, 'C' },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	uint64_t count = 0, seed = 0;
	double rate = 0;
	const char *from = NULL;
	bool pad = false, have_count = false, have_seed = false;
	int subsys = -1, sev = -1;
	const char *src = NULL;
	uint64_t v;
	struct file_list files = { 0 };
	char path[4096], txt[64];
	int c, rc = 0, lock = -1, store = -1;
	uint32_t next = FIRST_ID;
	uint8_t *buf = NULL;
	uint64_t start_ns, offered = 0;
	mode_t old_mask = umask(022);

	while ((c = getopt_long(argc, argv, "n:r:f:s:phS:V:C:", lo, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'V':
			if ((rc = sim_opt_u64(c == 'S' ? "--subsystem" : "--severity", optarg, &v,
					      e)))
				return rc;
			if (v > 0xff)
				return ras_errf(e, -ERANGE, "%s: expected 0x00-0xFF",
						c == 'S' ? "--subsystem" : "--severity");
			*(c == 'S' ? &subsys : &sev) = (int)v;
			break;
		case 'C':
			if (strlen(optarg) < 8 || strlen(optarg) > 32)
				return ras_errf(e, -EINVAL, "--src: expected 8 to 32 characters");
			src = optarg;
			break;
		case 'n':
			if ((rc = sim_opt_u64("--count", optarg, &count, e)))
				return rc;
			have_count = true;
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			if (rate <= 0)
				return ras_errf(e, -EINVAL, "--rate: expected a positive number");
			break;
		case 'f':
			from = optarg;
			break;
		case 's':
			if ((rc = sim_opt_u64("--seed", optarg, &seed, e)))
				return rc;
			have_seed = true;
			break;
		case 'p':
			pad = true;
			break;
		case 'h':
			fputs(elog_usage, stdout);
			return 1;
		default:
			return ras_errf(e, -EINVAL, "bad option; usage:\n%s", elog_usage);
		}
	}
	if (optind != argc)
		return ras_errf(e, -EINVAL, "unexpected argument '%s'", argv[optind]);
	if (from) {
		list_walk(&files, from, 0);
		if (files.any_raw) { /* a sysfs-like tree: only the raw files */
			size_t k = 0;
			for (size_t i = 0; i < files.n; i++) {
				const char *b = strrchr(files.v[i], '/');
				if (b && !strcmp(b + 1, "raw"))
					files.v[k++] = files.v[i];
				else
					free(files.v[i]);
			}
			files.n = k;
		}
		if (!files.n)
			return ras_errf(e, -ENOENT, "--from %s: no files", from);
		qsort(files.v, files.n, sizeof(char *), cmp_str);
		if (!have_count)
			count = files.n;
	} else if (!have_count) {
		count = 1;
	}

	old_mask = umask(0); /* file modes exactly as the kernel shows them */
	buf = malloc(ELOG_MAX);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	lock = sim_lock(root, "elog.lock");
	if (lock < 0) {
		rc = ras_errf(e, lock, "cannot lock %s/.sim/elog.lock: %s", root, strerror(-lock));
		goto out;
	}
	root_path(path, sizeof(path), root, ".sim/elog/next");
	if (file_read_str(path, txt, sizeof(txt), NULL) == 0)
		next = (uint32_t)strtoul(txt, NULL, 0);
	root_path(path, sizeof(path), root, ".sim/elog");
	mkdir_p(path, 0755);
	root_path(path, sizeof(path), root, ".sim/elog/pels.bin");
	store = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (store < 0) {
		rc = ras_errf(e, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!have_seed)
		seed = 0x9E3779B97F4A7C15ull ^ ((uint64_t)next * 0x100000001B3ull);

	start_ns = time_mono_ns();
	for (uint64_t i = 0; i < count; i++) {
		size_t len = 0;
		uint32_t id;

		sim_pace(start_ns, i, rate);
		if (from) {
			const char *f = files.v[i % files.n];
			uint8_t *fb = NULL;
			size_t fl = 0;

			rc = file_read_all(f, ELOG_MAX, &fb, &fl, NULL, e);
			if (rc)
				goto out;
			memcpy(buf, fb, fl);
			len = fl;
			free(fb);
			if (i >= files.n || !file_id(f, buf, len, &id))
				id = next++;
		} else {
			struct pel_gen g;

			id = next++;
			pel_gen_random(&g, &seed, id, time_now_us());
			if (subsys >= 0)
				g.d.subsystem = (uint8_t)subsys;
			if (sev >= 0)
				g.d.severity = (uint8_t)sev;
			if (src)
				g.d.src = src;
			rc = pel_encode(&g.d, buf, ELOG_MAX, &len, e);
			if (rc)
				goto out;
		}
		if (pad && len < ELOG_MAX) {
			memset(buf + len, 0, ELOG_MAX - len);
			len = ELOG_MAX;
		}
		rc = offer_log(root, id, buf, len, e);
		if (rc < 0)
			goto out;
		if (rc == 1) {
			offered++;
			if ((rc = store_append(store, id, buf, len)) < 0) {
				ras_errf(e, rc, "%s/.sim/elog/pels.bin: %s", root, strerror(-rc));
				goto out;
			}
		}
		rc = 0;
		/* keep the counter current so a concurrent `run` or a crash never reuses ids */
		if (rate > 0 || i + 1 == count) {
			snprintf(txt, sizeof(txt), "0x%x\n", next);
			root_path(path, sizeof(path), root, ".sim/elog/next");
			file_write_atomic(path, txt, strlen(txt), 0644, NULL);
		}
	}
	(void)offered;
out:
	umask(old_mask);
	if (store >= 0)
		close(store);
	sim_unlock(lock);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(buf);
	return rc;
}

/* ---- acks ---------------------------------------------------------------------------- */

static bool parse_dir_id(const char *name, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (strncmp(name, "0x", 2))
		return false;
	v = strtoul(name + 2, &end, 16);
	if (*end || end == name + 2 || v > UINT32_MAX)
		return false;
	*id = (uint32_t)v;
	return true;
}

/* True when dir/acknowledge no longer holds the kernel's text (someone wrote to it).
 * One read: the file is a few bytes, and anything longer than the text is a write. */
static bool ack_written(const char *dirpath)
{
	char path[4096], buf[64];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/acknowledge", dirpath) >= (int)sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(fd);
	return n != (ssize_t)strlen(ACK_TEXT) || memcmp(buf, ACK_TEXT, strlen(ACK_TEXT)) != 0;
}

/* `run` keeps ROOT/.sim/elog/acked.log open (O_APPEND, so a concurrent `reboot`
 * appending to it interleaves whole lines); other commands open it per line. */
static int run_acked_fd = -1;

static void acked_append(const char *root, uint32_t id)
{
	char path[4096], line[32];
	int fd = run_acked_fd;

	if (fd < 0) {
		root_path(path, sizeof(path), root, ".sim/elog/acked.log");
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return;
	}
	snprintf(line, sizeof(line), "0x%x\n", id);
	(void)write_full(fd, line, strlen(line));
	if (fd != run_acked_fd)
		close(fd);
}

/* Remove the log directory; true when this call removed it (the ack "won"). The files
 * inject makes are unlinked by name; anything else in the directory (a test may add a
 * file) is found by the full sweep. rmdir() succeeding is what "won" means. */
static bool ack_dir(const char *root, const char *name, uint32_t *id)
{
	static const char *const files[] = { "acknowledge", "raw", "id", "type" };
	char path[4096], file[4200];

	if (!parse_dir_id(name, id))
		return false;
	root_path(path, sizeof(path), root, ELOG_DIR "/%s", name);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s", path, files[i]);
		if (unlink(file) < 0 && errno == ENOENT && i == 0)
			return false; /* gone already: another ack (or reboot) removed it */
	}
	if (rmdir(path) < 0) {
		if (errno != ENOTEMPTY && errno != EEXIST)
			return false;
		remove_dir_files(path);
		if (access(path, F_OK) == 0)
			return false;
	}
	acked_append(root, *id);
	return true;
}

static void elog_on_write(struct sim_run *r, const char *relpath, void *arg)
{
	const char *base = strrchr(relpath, '/');
	char name[256];
	uint32_t id;

	if (!base || strcmp(base + 1, "acknowledge"))
		return;
	/* relpath = sys/firmware/opal/elog/<name>/acknowledge */
	const char *d = base;
	while (d > relpath && d[-1] != '/')
		d--;
	snprintf(name, sizeof(name), "%.*s", (int)(base - d), d);
	/* IN_CLOSE_WRITE also follows an open for writing without a write: the kernel
	 * acks on write, so require the content to have changed */
	char dir[4096];
	root_path(dir, sizeof(dir), sim_run_root(r), "%.*s", (int)(base - relpath), relpath);
	if (ack_written(dir) && ack_dir(sim_run_root(r), name, &id))
		sim_run_log(r, "ack elog 0x%x", id);
}

static void elog_on_new_dir(struct sim_run *r, const char *reldir, void *arg)
{
	char path[4096];
	const char *name = strrchr(reldir, '/');
	uint32_t id;

	name = name ? name + 1 : reldir;
	root_path(path, sizeof(path), sim_run_root(r), "%s", reldir);
	if (ack_written(path) && ack_dir(sim_run_root(r), name, &id))
		sim_run_log(r, "ack elog 0x%x", id);
}

static int elog_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	char path[4096];

	root_path(path, sizeof(path), root, ".sim/elog/acked.log");
	run_acked_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	int rc = sim_run_watch_dir_ex(r, ELOG_DIR, elog_on_write, elog_on_new_dir, NULL);

	if (rc)
		return ras_errf(e, rc, "watching %s/" ELOG_DIR ": %s", root, strerror(-rc));
	return 0;
}

/* ---- reboot --------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int elog_reboot(const char *root, struct ras_err *e)
{
	char path[4096], sub[4096];
	uint8_t *store = NULL, *acked = NULL;
	size_t slen = 0, alen = 0, n_acked = 0, n_re = 0;
	uint32_t *ids = NULL;
	DIR *d;
	struct dirent *de;
	int rc, lock;
	mode_t old_mask;

	lock = sim_lock(root, "elog.lock");
	if (lock < 0)
		return ras_errf(e, lock, "cannot lock elog state: %s", strerror(-lock));
	/* 1. acks written while nobody emulated the kernel, then 2. kernel memory is lost */
	root_path(path, sizeof(path), root, ELOG_DIR);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			uint32_t id;
			if (!parse_dir_id(de->d_name, &id))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (ack_written(sub)) {
				acked_append(root, id);
				sim_log(root, "ack elog 0x%x (at reboot)", id);
			}
			remove_dir_files(sub);
		}
		closedir(d);
	}
	old_mask = umask(0);
	/* 3. RESEND: every stored log never acked, once per id (last copy wins) */
	root_path(path, sizeof(path), root, ".sim/elog/acked.log");
	if (access(path, F_OK) == 0 &&
	    (rc = file_read_all(path, 64u << 20, &acked, &alen, NULL, e)))
		goto out;
	for (char *p = (char *)acked; p && p < (char *)acked + alen;) {
		char *end;
		unsigned long v = strtoul(p, &end, 0);
		if (end == p)
			break;
		uint32_t *nids = realloc(ids, (n_acked + 1) * sizeof(*ids));
		if (!nids) {
			rc = -ENOMEM;
			goto out;
		}
		ids = nids;
		ids[n_acked++] = (uint32_t)v;
		p = end;
		while (p < (char *)acked + alen && (*p == '\n' || *p == ' '))
			p++;
	}
	if (n_acked)
		qsort(ids, n_acked, sizeof(*ids), cmp_u32);
	root_path(path, sizeof(path), root, ".sim/elog/pels.bin");
	if (access(path, F_OK) == 0 &&
	    (rc = file_read_all(path, (size_t)4 << 30, &store, &slen, NULL, e)))
		goto out;
	for (size_t off = 0; range_ok(slen, off, 12);) {
		uint32_t id = be32(store + off + 4), len = be32(store + off + 8);

		if (memcmp(store + off, "PELS", 4) || !range_ok(slen, off + 12, len)) {
			rc = ras_errf(e, -EINVAL, "%s: offset %zu: corrupt record", path, off);
			goto out;
		}
		if (!n_acked || !bsearch(&id, ids, n_acked, sizeof(*ids), cmp_u32)) {
			rc = offer_log(root, id, store + off + 12, len, e);
			if (rc < 0)
				goto out;
			n_re += (size_t)rc;
		}
		off += 12 + len;
	}
	rc = 0;
	sim_log(root, "reboot elog re-offered %zu", n_re);
out:
	umask(old_mask);
	sim_unlock(lock);
	free(store);
	free(acked);
	free(ids);
	return rc;
}

const struct sim_module sim_module_elog = {
	.name = "elog",
	.init = elog_init,
	.inject = elog_inject,
	.inject_usage = elog_usage,
	.run_start = elog_run_start,
	.reboot = elog_reboot,
};
