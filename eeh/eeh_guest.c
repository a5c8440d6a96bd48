/*
 * eeh_guest.c - device -> IOMMU group -> /dev/vfio/N holder -> QEMU guest name
 * (spec 1.10 steps 3-5).
 *
 * The holder is found by scanning the links in ROOT/proc/<pid>/fd/ for a link to /dev/vfio/<N>
 * (a link to ROOT/dev/vfio/<N> is accepted too: that is how a simulated tree under
 * --root points at its own device nodes). The guest name comes from the QEMU command
 * line ("-name guest=X,..." or "-name X"), else from a libvirt pid file
 * ROOT/run/libvirt/qemu/<domain>.pid holding the pid. Command lines are untrusted:
 * bounded copies, ",," unescaped, nothing past len is read.
 */
#include "eeh/eeh.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"

/* Copy a QEMU option value up to an unescaped ',' (",," -> ','). */
static size_t opt_value(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0, i = 0;

	while (i < len && s[i]) {
		if (s[i] == ',') {
			if (i + 1 < len && s[i + 1] == ',') {
				i++;
			} else {
				break;
			}
		}
		if (o + 1 < n)
			out[o++] = s[i];
		i++;
	}
	if (n)
		out[o] = '\0';
	return i;
}

/* The guest name inside one -name argument: the implied first key is "guest". */
static int name_from_arg(const char *a, size_t len, char *out, size_t n)
{
	char elem[256];
	size_t i = 0;
	bool first = true;

	while (i < len && a[i]) {
		size_t used = opt_value(a + i, len - i, elem, sizeof(elem));
		const char *v = NULL;
		if (first && !strchr(elem, '='))
			v = elem;
		else if (strncmp(elem, "guest=", 6) == 0)
			v = elem + 6;
		if (v) {
			snprintf(out, n, "%s", v);
			return out[0] ? 0 : -ENOENT;
		}
		first = false;
		i += used;
		if (i < len && a[i] == ',')
			i++;
	}
	return -ENOENT;
}

int eeh_guest_name_from_cmdline(const char *buf, size_t len, char *out, size_t n)
{
	size_t i = 0;

	if (n)
		out[0] = '\0';
	while (i < len) {
		const char *arg = buf + i;
		size_t al = strnlen(arg, len - i);
		size_t next = i + al + 1;
		if ((al == 5 && memcmp(arg, "-name", 5) == 0) ||
		    (al == 6 && memcmp(arg, "--name", 6) == 0)) {
			if (next < len) {
				const char *v = buf + next;
				size_t vl = strnlen(v, len - next);
				return name_from_arg(v, vl, out, n);
			}
			return -ENOENT;
		}
		if (al > 6 && memcmp(arg, "-name=", 6) == 0)
			return name_from_arg(arg + 6, al - 6, out, n);
		if (al > 7 && memcmp(arg, "--name=", 7) == 0)
			return name_from_arg(arg + 7, al - 7, out, n);
		i = next;
	}
	return -ENOENT;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Does ROOT/proc/<pid>/fd hold /dev/vfio/<group>? */
static bool holds_group(const char *root, const char *pid, const char *want_abs,
			const char *want_rooted)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	bool found = false;

	if (root_path(dir, sizeof(dir), root, "proc/%s/fd", pid) < 0)
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX], target[PATH_MAX];
		ssize_t r;
		if (!all_digits(de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		r = readlink(path, target, sizeof(target) - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		if (strcmp(target, want_abs) == 0 || strcmp(target, want_rooted) == 0)
			found = true;
	}
	closedir(d);
	return found;
}

/* libvirt: ROOT/run/libvirt/qemu/<domain>.pid containing pid. */
static int libvirt_name(const char *root, pid_t pid, char *out, size_t n)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int rc = -ENOENT;

	if (root_path(dir, sizeof(dir), root, "run/libvirt/qemu") < 0)
		return -ENOENT;
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while (rc && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[PATH_MAX];
		uint64_t v;
		if (l <= 4 || strcmp(de->d_name + l - 4, ".pid") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (file_read_u64(path, &v, NULL) == 0 && v == (uint64_t)pid) {
			snprintf(out, n, "%.*s", (int)(l - 4), de->d_name);
			rc = 0;
		}
	}
	closedir(d);
	return rc;
}

int eeh_guest_find(const char *root, int group, struct eeh_guest *g, struct ras_err *e)
{
	char procdir[PATH_MAX], want_abs[64], want_rooted[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int rc = -ENOENT;

	memset(g, 0, sizeof(*g));
	if (group < 0)
		return ras_errf(e, -EINVAL, "no IOMMU group");
	snprintf(want_abs, sizeof(want_abs), "/dev/vfio/%d", group);
	if (root_path(want_rooted, sizeof(want_rooted), root, "dev/vfio/%d", group) < 0 ||
	    root_path(procdir, sizeof(procdir), root, "proc") < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	d = opendir(procdir);
	if (!d)
		return ras_errf(e, -errno, "%s: %s", procdir, strerror(errno));
	while ((de = readdir(d))) {
		if (!all_digits(de->d_name) ||
		    !holds_group(root, de->d_name, want_abs, want_rooted))
			continue;
		char path[PATH_MAX];
		uint8_t *buf = NULL;
		size_t len = 0;
		g->pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (root_path(path, sizeof(path), root, "proc/%s/cmdline", de->d_name) == 0 &&
		    file_read_all(path, 65536, &buf, &len, NULL, NULL) == 0) {
			eeh_guest_name_from_cmdline((const char *)buf, len, g->name,
						    sizeof(g->name));
			free(buf);
		}
		if (!g->name[0])
			libvirt_name(root, g->pid, g->name, sizeof(g->name));
		if (root_path(path, sizeof(path), root, "proc/%s/comm", de->d_name) == 0)
			file_read_str(path, g->exe, sizeof(g->exe), NULL);
		rc = 0;
		break;
	}
	closedir(d);
	if (rc)
		ras_errf(e, rc, "no process holds /dev/vfio/%d", group);
	return rc;
}

int eeh_guest_name_of_pid(const char *root, int pid, char *out, size_t n)
{
	char path[PATH_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;

	if (!n)
		return -EINVAL;
	out[0] = 0;
	if (pid <= 0)
		return -ENOENT;
	/* A vCPU thread id works too: /proc/TID exists for every thread. */
	if (root_path(path, sizeof(path), root, "proc/%d/cmdline", pid) == 0 &&
	    file_read_all(path, 65536, &buf, &len, NULL, NULL) == 0) {
		eeh_guest_name_from_cmdline((const char *)buf, len, out, n);
		free(buf);
	}
	if (!out[0])
		libvirt_name(root, pid, out, n);
	return out[0] ? 0 : -ENOENT;
}
