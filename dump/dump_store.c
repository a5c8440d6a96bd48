/*
 * dump_store.c - the output directory of fetched dumps: listing, totals, pruning, and
 * the clean-up of partial files left by killed fetchers.
 *
 * Only regular files named "dump.*" are fetched dumps (dump_fetch.c names them); hidden
 * ".partial.<name>.<pid>" files are incomplete and never counted or listed. A partial file
 * is removed only when its process no longer exists, so a concurrent fetch of the same
 * dump is never disturbed.
 */
#include "dump/dump.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/timeutil.h"

static int stored_cmp(const void *a, const void *b)
{
	const struct dump_stored *x = a, *y = b;

	if (x->mtime_us != y->mtime_us)
		return x->mtime_us < y->mtime_us ? -1 : 1;
	return strcmp(x->name, y->name);
}

int dump_stored_list(const char *dir, struct dump_stored **v, size_t *n, struct ras_err *e)
{
	struct dump_stored *arr = NULL, *tmp;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*v = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0; /* nothing fetched yet */
		return ras_errf(e, -errno, "%s: %s", dir, strerror(errno));
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strncmp(de->d_name, DUMP_FILE_PREFIX, strlen(DUMP_FILE_PREFIX)))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				free(arr);
				closedir(d);
				return ras_errf(e, -ENOMEM, "out of memory listing %s", dir);
			}
			arr = tmp;
		}
		snprintf(arr[cnt].name, sizeof(arr[cnt].name), "%s", de->d_name);
		arr[cnt].bytes = (uint64_t)st.st_size;
		arr[cnt].mtime_us =
			(int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(arr, cnt, sizeof(*arr), stored_cmp);
	*v = arr;
	*n = cnt;
	return 0;
}

int dump_stored_total(const char *dir, uint64_t *total, struct ras_err *e)
{
	struct dump_stored *v;
	size_t n;
	int rc = dump_stored_list(dir, &v, &n, e);

	*total = 0;
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		*total += v[i].bytes;
	free(v);
	return 0;
}

/* ".partial.<name>.<pid>": the pid when the file belongs to name (NULL: any). */
static long partial_pid(const char *file, const char *name)
{
	const char *p = file + strlen(DUMP_PARTIAL_PREFIX), *dot;
	char *end;
	long pid;

	if (strncmp(file, DUMP_PARTIAL_PREFIX, strlen(DUMP_PARTIAL_PREFIX)))
		return -1;
	dot = strrchr(p, '.');
	if (!dot || dot == p)
		return -1;
	if (name && ((size_t)(dot - p) != strlen(name) || strncmp(p, name, (size_t)(dot - p))))
		return -1;
	pid = strtol(dot + 1, &end, 10);
	if (*end || pid <= 0)
		return -1;
	return pid;
}

static bool pid_alive(long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int dump_clean_partials(const char *dir, const char *name)
{
	struct dirent *de;
	int removed = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		long pid = partial_pid(de->d_name, name);

		if (pid <= 0 || pid_alive(pid))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

int dump_prune(const char *dir, const struct dump_prune_opts *o,
	       void (*cb)(const struct dump_stored *s, void *arg), void *arg, struct ras_err *e)
{
	struct dump_stored *v;
	uint64_t total = 0;
	int64_t now = o->now_us ? o->now_us : time_now_us();
	size_t n;
	int removed = 0, rc;

	rc = dump_stored_list(dir, &v, &n, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		total += v[i].bytes;
	for (size_t i = 0; i < n; i++) { /* oldest first */
		bool too_old = o->max_age_us > 0 && now - v[i].mtime_us > o->max_age_us;
		bool too_big = o->max_total > 0 && total > o->max_total;
		char path[PATH_MAX];

		if (!too_old && !too_big)
			continue;
		if (!o->dry_run) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, v[i].name) >=
			    sizeof(path)) {
				rc = ras_errf(e, -ENAMETOOLONG, "%s: path too long", dir);
				break;
			}
			if (unlink(path) < 0) {
				rc = ras_errf(e, -errno, "%s: %s", path, strerror(errno));
				break;
			}
		}
		total -= v[i].bytes;
		removed++;
		if (cb)
			cb(&v[i], arg);
	}
	free(v);
	if (!o->dry_run)
		dump_clean_partials(dir, NULL);
	return rc ? rc : removed;
}
