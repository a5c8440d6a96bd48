/*
 * sim_flash_emu.c - see sim_flash_emu.h. Every reaction is logged through the
 * caller's log function (the run loop sends it to ROOT/.sim/actions.log).
 */
#include "sim/sim_flash_emu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "flash/ffs_build.h"

#define OPAL_DIR      "sys/firmware/opal"
#define SIM_PNOR_SIZE (8u << 20)

static const char sim_layout[] = "@0,0x0,\n"
				 "@1,0x400000,G\n"
				 "HBEL,0x8000,0x24000,E,01,\n"
				 "GUARD,0x2C000,0x5000,EPF,01,\n"
				 "NVRAM,0x31000,0x90000,PF,01,\n"
				 "OTHER_SIDE,0x400000,0x1000,,0,\n"
				 "OTHER_SIDE,0x0,0x1000,,1,\n"
				 "PAYLOAD,0x100000,0x100000,E,0,\n"
				 "BOOTKERNEL,0x200000,0x200000,,0,\n"
				 "PAYLOAD,0x500000,0x100000,EG,1,\n"
				 "BOOTKERNEL,0x600000,0x200000,G,1,\n";

static void logf_(sim_flash_log_fn log, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void logf_(sim_flash_log_fn log, void *arg, const char *fmt, ...)
{
	char m[512];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	log(arg, m);
}

/* Replace ROOT/sys/firmware/opal/name with text; atime 0 marks it "not read yet". */
/* Write the answer to a temporary file (mtime returned); answer_commit renames it in. */
static int answer_prepare(const char *root, const char *name, const char *text, long long *mtime)
{
	char tmp[PATH_MAX];
	struct timespec ts[2] = { { .tv_sec = 0, .tv_nsec = 0 }, { .tv_nsec = UTIME_NOW } };
	struct stat sb;
	int fd, rc;

	if (root_path(tmp, sizeof(tmp), root, OPAL_DIR "/.%s.tmp", name))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_full(fd, text, strlen(text));
	if (!rc && futimens(fd, ts) < 0)
		rc = -errno;
	if (!rc && mtime && fstat(fd, &sb) == 0)
		*mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	close(fd);
	if (rc)
		unlink(tmp);
	return rc;
}

static int answer_commit(const char *root, const char *name)
{
	char p[PATH_MAX], tmp[PATH_MAX];

	if (root_path(p, sizeof(p), root, OPAL_DIR "/%s", name) ||
	    root_path(tmp, sizeof(tmp), root, OPAL_DIR "/.%s.tmp", name))
		return -ENAMETOOLONG;
	if (rename(tmp, p) < 0) {
		int rc = -errno;

		unlink(tmp);
		return rc;
	}
	return 0;
}

/* Replace ROOT/sys/firmware/opal/name with text; atime 0 marks it "not read yet". */
static int put_answer(const char *root, const char *name, const char *text)
{
	int rc = answer_prepare(root, name, text, NULL);

	return rc ? rc : answer_commit(root, name);
}

static int write_text(const char *root, const char *rel, const char *text, size_t len)
{
	char p[PATH_MAX];

	if (root_path(p, sizeof(p), root, "%s", rel))
		return -ENAMETOOLONG;
	return file_write_atomic(p, text, len, 0644, NULL);
}

static void load_file(const char *root, const char *rel, struct sim_flash_state *st)
{
	char p[PATH_MAX], line[160];
	FILE *f;

	if (root_path(p, sizeof(p), root, "%s", rel))
		return;
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char k[32], v[64];

		if (sscanf(line, "%31[^=]=%63s", k, v) != 2)
			continue;
		if (!strcmp(k, "validate_result"))
			st->validate_result = atoi(v);
		else if (!strcmp(k, "manage_rc"))
			st->manage_rc = atoi(v);
		else if (!strcmp(k, "update_rc"))
			st->update_rc = atoi(v);
		else if (!strcmp(k, "image_ready"))
			st->image_ready = atoi(v);
		else if (!strcmp(k, "scheduled"))
			st->scheduled = atoi(v);
		else if (!strcmp(k, "validate_posted"))
			st->validate_posted = atoi(v);
		else if (!strcmp(k, "manage_posted"))
			st->manage_posted = atoi(v);
		else if (!strcmp(k, "validate_mtime"))
			st->validate_mtime = atoll(v);
		else if (!strcmp(k, "manage_mtime"))
			st->manage_mtime = atoll(v);
		else if (!strcmp(k, "new_mi"))
			snprintf(st->new_mi, sizeof(st->new_mi), "%s", v);
		else if (!strcmp(k, "new_ml"))
			snprintf(st->new_ml, sizeof(st->new_ml), "%s", v);
	}
	fclose(f);
}

/* Two files, each with one writer: flash.inject (inject: the next answers) and
 * flash.state (the emulator: what the kernel remembers). */
int sim_flash_state_load(const char *root, struct sim_flash_state *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->new_mi, sizeof(st->new_mi), "SV860_200");
	snprintf(st->new_ml, sizeof(st->new_ml), "FW860.20");
	load_file(root, ".sim/flash.inject", st);
	load_file(root, ".sim/flash.state", st);
	return 0;
}

static int inject_save(const char *root, const struct sim_flash_state *st, struct ras_err *e)
{
	char p[PATH_MAX], buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "validate_result=%d\nmanage_rc=%d\nupdate_rc=%d\nnew_mi=%s\nnew_ml=%s\n",
			 st->validate_result, st->manage_rc, st->update_rc, st->new_mi, st->new_ml);

	if (root_path(p, sizeof(p), root, ".sim/flash.inject"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	return file_write_atomic(p, buf, (size_t)n, 0644, e);
}

int sim_flash_state_save(const char *root, const struct sim_flash_state *st, struct ras_err *e)
{
	char p[PATH_MAX], buf[512];
	int n = snprintf(buf, sizeof(buf),
			 "image_ready=%d\nscheduled=%d\nvalidate_posted=%d\nmanage_posted=%d\n"
			 "validate_mtime=%lld\nmanage_mtime=%lld\n",
			 st->image_ready, st->scheduled, st->validate_posted, st->manage_posted,
			 st->validate_mtime, st->manage_mtime);

	if (root_path(p, sizeof(p), root, ".sim/flash.state"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	return file_write_atomic(p, buf, (size_t)n, 0644, e);
}

/* "MI T P side" from the device tree */
static void levels(const char *root, const char *prop, char *t, char *pside, size_t n)
{
	char p[PATH_MAX], buf[256] = "", k[8];

	snprintf(t, n, "UNKNOWN");
	snprintf(pside, n, "UNKNOWN");
	if (root_path(p, sizeof(p), root, "proc/device-tree/ibm,opal/firmware/%s", prop) ||
	    file_read_str(p, buf, sizeof(buf), NULL))
		return;
	{
		char a[64], b[64];

		if (sscanf(buf, "%7s %63s %63s", k, a, b) == 3) {
			snprintf(t, n, "%s", a);
			snprintf(pside, n, "%s", b);
		}
	}
}

static void set_levels(const char *root, const char *prop, const char *key, const char *t,
		       const char *pside)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "%s %s %s T", key, t, pside);
	char rel[128];

	snprintf(rel, sizeof(rel), "proc/device-tree/ibm,opal/firmware/%s", prop);
	write_text(root, rel, buf, (size_t)n + 1); /* NUL-terminated, as a DT string */
}

int sim_flash_setup(const char *root, struct ras_err *e)
{
	static const char *const files[] = { "validate_flash", "manage_flash", "update_flash" };
	struct sim_flash_state st;
	struct ffs_layout *l = calloc(1, sizeof(*l));
	uint8_t *img = malloc(SIM_PNOR_SIZE);
	char p[PATH_MAX], buf[32];
	int rc = 0;

	if (!l || !img) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto out;
	}
	if (root_path(p, sizeof(p), root, OPAL_DIR) || mkdir_p(p, 0755) ||
	    root_path(p, sizeof(p), root, "proc/device-tree/ibm,opal/firmware") ||
	    mkdir_p(p, 0755) || root_path(p, sizeof(p), root, "proc/device-tree/fsps") ||
	    mkdir_p(p, 0755) || root_path(p, sizeof(p), root, "sys/class/mtd/mtd0") ||
	    mkdir_p(p, 0755) || root_path(p, sizeof(p), root, "dev") || mkdir_p(p, 0755) ||
	    root_path(p, sizeof(p), root, ".sim") || mkdir_p(p, 0755)) {
		rc = ras_errf(e, -EIO, "%s: cannot create the flash directories", root);
		goto out;
	}
	if (root_path(p, sizeof(p), root, OPAL_DIR "/image") ||
	    file_write_atomic(p, "", 0, 0600, e)) {
		rc = -EIO;
		goto out;
	}
	for (size_t i = 0; i < 3; i++)
		if (put_answer(root, files[i], "-1099\n")) {
			rc = ras_errf(e, -EIO, "%s: cannot create %s", root, files[i]);
			goto out;
		}
	set_levels(root, "mi-version", "MI", "SV860_100", "SV860_090");
	set_levels(root, "ml-version", "ML", "FW860.10", "FW860.09");
	sim_flash_state_load(root, &st);
	memset(&st, 0, sizeof(st));
	snprintf(st.new_mi, sizeof(st.new_mi), "SV860_200");
	snprintf(st.new_ml, sizeof(st.new_ml), "FW860.20");
	rc = inject_save(root, &st, e);
	if (!rc)
		rc = sim_flash_state_save(root, &st, e);
	if (rc)
		goto out;
	/* the host PNOR: two sides, side 1 golden */
	rc = ffs_layout_parse(sim_layout, sizeof(sim_layout) - 1, l, e);
	if (!rc)
		rc = ffs_build(l, 0x1000, img, SIM_PNOR_SIZE, NULL, e);
	if (!rc && !root_path(p, sizeof(p), root, ".sim/pnor.img"))
		rc = file_write_atomic(p, img, SIM_PNOR_SIZE, 0644, e);
	if (rc)
		goto out;
	write_text(root, "sys/class/mtd/mtd0/name", "PNOR\n", 5);
	write_text(root, "sys/class/mtd/mtd0/type", "nor\n", 4);
	snprintf(buf, sizeof(buf), "%u\n", SIM_PNOR_SIZE);
	write_text(root, "sys/class/mtd/mtd0/size", buf, strlen(buf));
	write_text(root, "sys/class/mtd/mtd0/erasesize", "65536\n", 6);
	if (!root_path(p, sizeof(p), root, "dev/mtd0")) {
		unlink(p);
		if (symlink("../.sim/pnor.img", p) < 0)
			rc = ras_errf(e, -errno, "%s: symlink: %s", p, strerror(errno));
	}
out:
	free(l);
	free(img);
	return rc;
}

static int read_request(const char *root, const char *name, char *out, size_t n)
{
	char p[PATH_MAX];

	if (root_path(p, sizeof(p), root, OPAL_DIR "/%s", name))
		return -ENAMETOOLONG;
	return file_read_str(p, out, n, NULL);
}

static int on_image(const char *root, struct sim_flash_state *st, sim_flash_log_fn log, void *arg)
{
	char p[PATH_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (root_path(p, sizeof(p), root, OPAL_DIR "/image"))
		return -ENAMETOOLONG;
	rc = file_read_all(p, (1u << 30) + 1, &buf, &len, NULL, NULL);
	if (rc)
		return rc;
	if (st->scheduled) {
		st->scheduled = 0;
		put_answer(root, "update_flash", "-1099\n");
		logf_(log, arg, "flash: new image cancels the scheduled update");
	}
	st->image_ready = len >= 4096 && len <= (1u << 30) && be32(buf + 4) == len;
	logf_(log, arg, "flash: image %zu bytes: %s", len,
	      st->image_ready ? "ready" : "incomplete (size < 4096 or header size mismatch)");
	free(buf);
	return 0;
}

static int on_validate(const char *root, struct sim_flash_state *st, sim_flash_log_fn log,
		       void *arg)
{
	char req[16] = "", ans[1024], ct[64], cp[64], mt[64], mp[64];
	int t = st->validate_result;

	read_request(root, "validate_flash", req, sizeof(req));
	if (req[0] != '1') {
		logf_(log, arg, "flash: validate_flash write '%s' rejected (EINVAL)", req);
		answer_prepare(root, "validate_flash", "-1099\n", NULL);
		return 0;
	}
	if (!st->image_ready) {
		snprintf(ans, sizeof(ans), "%d\n", -1002);
	} else if (t < 0) {
		snprintf(ans, sizeof(ans), "%d\n", t);
	} else if (t == 0 || t >= 3) {
		const bool commit = t == 4 || t == 5;

		levels(root, "mi-version", ct, cp, sizeof(ct));
		levels(root, "ml-version", mt, mp, sizeof(mt));
		snprintf(ans, sizeof(ans), "%d\nMI %s %s\nMI %s %s\nML %s %s\nML %s %s\n", t, ct,
			 cp, st->new_mi, commit ? ct : cp, mt, mp, st->new_ml, commit ? mt : mp);
	} else {
		snprintf(ans, sizeof(ans), "%d\n", t);
	}
	answer_prepare(root, "validate_flash", ans, &st->validate_mtime);
	st->validate_posted = 1;
	logf_(log, arg, "flash: validate_flash answers %.*s", (int)strcspn(ans, "\n"), ans);
	return 0;
}

static int on_manage(const char *root, struct sim_flash_state *st, sim_flash_log_fn log, void *arg)
{
	char req[16] = "", ans[32], t[64], p[64], mt[64], mp[64];

	read_request(root, "manage_flash", req, sizeof(req));
	if (req[0] != '0' && req[0] != '1') {
		logf_(log, arg, "flash: manage_flash write '%s' rejected (EINVAL)", req);
		answer_prepare(root, "manage_flash", "-1099\n", NULL);
		return 0;
	}
	snprintf(ans, sizeof(ans), "%d\n", st->manage_rc);
	if (st->manage_rc == 0) {
		levels(root, "mi-version", t, p, sizeof(t));
		levels(root, "ml-version", mt, mp, sizeof(mt));
		if (req[0] == '1') {
			set_levels(root, "mi-version", "MI", t, t);
			set_levels(root, "ml-version", "ML", mt, mt);
		} else {
			set_levels(root, "mi-version", "MI", p, p);
			set_levels(root, "ml-version", "ML", mp, mp);
		}
	}
	answer_prepare(root, "manage_flash", ans, &st->manage_mtime);
	st->manage_posted = 1;
	logf_(log, arg, "flash: manage_flash %s answers %d", req[0] == '1' ? "commit" : "reject",
	      st->manage_rc);
	return 0;
}

static int on_update(const char *root, struct sim_flash_state *st, sim_flash_log_fn log, void *arg)
{
	char req[16] = "", ans[32];
	int code;

	read_request(root, "update_flash", req, sizeof(req));
	if (req[0] == '0') {
		st->scheduled = 0;
		code = -1099;
	} else if (req[0] == '1') {
		code = st->image_ready ? st->update_rc : -1003;
		st->scheduled = code == 0;
	} else {
		logf_(log, arg, "flash: update_flash write '%s' rejected (EINVAL)", req);
		code = st->scheduled ? 0 : -1099;
	}
	snprintf(ans, sizeof(ans), "%d\n", code);
	answer_prepare(root, "update_flash", ans, NULL);
	logf_(log, arg, "flash: update_flash %s answers %d", req[0] == '1' ? "schedule" : "cancel",
	      code);
	return 0;
}

int sim_flash_on_write(const char *root, const char *name, sim_flash_log_fn log, void *arg)
{
	struct sim_flash_state st;
	int rc;

	if (name[0] == '.')
		return 0; /* our own temporary files */
	sim_flash_state_load(root, &st);
	if (!strcmp(name, "image"))
		rc = on_image(root, &st, log, arg);
	else if (!strcmp(name, "validate_flash"))
		rc = on_validate(root, &st, log, arg);
	else if (!strcmp(name, "manage_flash"))
		rc = on_manage(root, &st, log, arg);
	else if (!strcmp(name, "update_flash"))
		rc = on_update(root, &st, log, arg);
	else
		return 0;
	if (!rc)
		rc = sim_flash_state_save(root, &st, NULL);
	/* the state is durable before the answer is visible */
	if (!rc && strcmp(name, "image"))
		rc = answer_commit(root, name);
	return rc;
}

int sim_flash_on_read(const char *root, const char *name, sim_flash_log_fn log, void *arg)
{
	struct sim_flash_state st;
	char p[PATH_MAX];
	struct stat sb;
	int *posted;
	long long mt, *posted_mt;

	if (strcmp(name, "validate_flash") && strcmp(name, "manage_flash"))
		return 0;
	sim_flash_state_load(root, &st);
	posted = name[0] == 'v' ? &st.validate_posted : &st.manage_posted;
	posted_mt = name[0] == 'v' ? &st.validate_mtime : &st.manage_mtime;
	if (!*posted || root_path(p, sizeof(p), root, OPAL_DIR "/%s", name) || stat(p, &sb) < 0)
		return 0;
	/* rewritten since (a new request): that request's write event will answer it */
	mt = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	if (mt != *posted_mt)
		return 0;
	/* atime was set to 0 with the answer: a read since then moved it to >= mtime */
	if (sb.st_atim.tv_sec == 0 && sb.st_atim.tv_nsec == 0)
		return 0;
	*posted = 0;
	if (sim_flash_state_save(root, &st, NULL))
		return -EIO;
	logf_(log, arg, "flash: %s was read; status back to -1099", name);
	return put_answer(root, name, "-1099\n");
}

int sim_flash_reboot(const char *root, sim_flash_log_fn log, void *arg, struct ras_err *e)
{
	struct sim_flash_state st;
	char t[64], p[64];

	sim_flash_state_load(root, &st);
	if (st.scheduled) {
		levels(root, "mi-version", t, p, sizeof(t));
		set_levels(root, "mi-version", "MI", st.new_mi, p);
		levels(root, "ml-version", t, p, sizeof(t));
		set_levels(root, "ml-version", "ML", st.new_ml, p);
		logf_(log, arg, "flash: reboot flashed the scheduled image: T side is now %s",
		      st.new_mi);
	}
	st.scheduled = 0;
	st.image_ready = 0;
	st.validate_posted = st.manage_posted = 0;
	put_answer(root, "update_flash", "-1099\n");
	put_answer(root, "validate_flash", "-1099\n");
	put_answer(root, "manage_flash", "-1099\n");
	return sim_flash_state_save(root, &st, e);
}

int sim_flash_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	struct sim_flash_state st;
	char *end;
	long v;

	sim_flash_state_load(root, &st);
	if (argc == 4 && !strcmp(argv[1], "version")) {
		snprintf(st.new_mi, sizeof(st.new_mi), "%s", argv[2]);
		snprintf(st.new_ml, sizeof(st.new_ml), "%s", argv[3]);
		return inject_save(root, &st, e);
	}
	if (argc != 3)
		return ras_errf(e, -EINVAL,
				"flash: inject validate N | manage N | update N | version MI ML");
	v = strtol(argv[2], &end, 0);
	if (*end || v < -100000 || v > 100)
		return ras_errf(e, -EINVAL, "flash: '%s' is not a result code", argv[2]);
	if (!strcmp(argv[1], "validate"))
		st.validate_result = (int)v;
	else if (!strcmp(argv[1], "manage"))
		st.manage_rc = (int)v;
	else if (!strcmp(argv[1], "update"))
		st.update_rc = (int)v;
	else
		return ras_errf(e, -EINVAL,
				"flash: unknown inject '%s' (validate, manage, update, version)",
				argv[1]);
	return inject_save(root, &st, e);
}

int sim_flash_watch_open(const char *root, struct ras_err *e)
{
	char p[PATH_MAX];
	int fd;

	if (root_path(p, sizeof(p), root, OPAL_DIR))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "inotify: %s", strerror(errno));
	if (inotify_add_watch(fd, p, IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) < 0) {
		int err = errno;

		close(fd);
		return ras_errf(e, -err, "%s: inotify watch: %s", p, strerror(err));
	}
	return fd;
}

int sim_flash_watch_dispatch(const char *root, int fd, sim_flash_log_fn log, void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->len && (ev->mask & IN_CLOSE_WRITE))
				sim_flash_on_write(root, ev->name, log, arg);
			else if (ev->len && (ev->mask & IN_CLOSE_NOWRITE))
				sim_flash_on_read(root, ev->name, log, arg);
			p += sizeof(*ev) + ev->len;
		}
	}
}
