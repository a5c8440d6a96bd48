/*
 * sim_util.c - small helpers of opal-sim's core: module lookup and inject dispatch,
 * time and number parsing for options and scenarios, state locks, rate pacing.
 *
 * Invariants: number parsers reject trailing garbage and overflow; sim_inject() resets
 * getopt before calling a module so modules can use getopt_long on their argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/path.h"
#include "common/timeutil.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

const struct sim_module *sim_module_find(const char *name)
{
	for (const struct sim_module *const *m = sim_modules; *m; m++)
		if (strcmp((*m)->name, name) == 0)
			return *m;
	return NULL;
}

int sim_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	const struct sim_module *m;

	if (argc < 1)
		return ras_errf(e, -EINVAL, "inject: missing module name");
	m = sim_module_find(argv[0]);
	if (!m || !m->inject)
		return ras_errf(e, -EINVAL, "inject: no module '%s' can inject", argv[0]);
	optind = 0; /* full getopt reset for the module's parser */
	return m->inject(root, argc, argv, e);
}

int sim_parse_time(const char *s, int64_t *us)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0 || v > 1e9)
		return -EINVAL;
	if (*end == '\0' || strcmp(end, "s") == 0)
		v *= 1e6;
	else if (strcmp(end, "ms") == 0)
		v *= 1e3;
	else if (strcmp(end, "us") == 0)
		;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60e6;
	else if (strcmp(end, "h") == 0)
		v *= 3600e6;
	else
		return -EINVAL;
	*us = (int64_t)v;
	return 0;
}

int sim_opt_u64(const char *opt, const char *s, uint64_t *v, struct ras_err *e)
{
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-')
		return ras_errf(e, -EINVAL, "%s: expected a number, got '%s'", opt, s ? s : "");
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return ras_errf(e, -EINVAL, "%s: expected a number, got '%s'", opt, s);
	return 0;
}

int sim_lock(const char *root, const char *name)
{
	char path[4096];
	int fd, rc = root_path(path, sizeof(path), root, ".sim/%s", name);

	if (rc)
		return rc;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			rc = -errno;
			close(fd);
			return rc;
		}
	}
	return fd;
}

void sim_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

void sim_pace(uint64_t start_ns, uint64_t i, double rate)
{
	uint64_t due, now;

	if (rate <= 0)
		return;
	due = start_ns + (uint64_t)((double)i * 1e9 / rate);
	now = time_mono_ns();
	if (due > now) {
		struct timespec ts = { (time_t)((due - now) / 1000000000u),
				       (long)((due - now) % 1000000000u) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}
