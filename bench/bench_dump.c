/*
 * bench_dump.c - fetching a simulated platform dump (default 1 GiB) versus a plain
 * sequential copy of the same file on the same machine.
 *
 * Both run in a forked child (so ru_maxrss is the copier's own peak RSS), read the same
 * source (warm in the page cache after the first pass) and end with fsync of the file, so
 * the comparison is fair: the fetch additionally hashes (SHA-256), renames and fsyncs the
 * directory. Reported: MB/s of each (best of BENCH_DUMP_RUNS, default 4), the ratio
 * (target >= 0.90) and the fetch's peak RSS (target <= 16 MB).
 *
 * Disk use is bounded to the source plus one copy (2 GiB by default; BENCH_DUMP_MB sets
 * the size) in a temporary directory under BENCH_DUMP_DIR (default /var/tmp), removed at
 * the end. Benchmarks report; they never assert.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/timeutil.h"
#include "dump/dump.h"
#include "sim/sim_dump.h"

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int plain_copy(const char *src, const char *dst)
{
	size_t bs = 1u << 20;
	char *buf = malloc(bs);
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t r;

	if (!buf || in < 0 || out < 0)
		return 1;
	while ((r = read_full(in, buf, bs)) > 0)
		if (write_full(out, buf, (size_t)r))
			return 1;
	if (r < 0 || fsync(out) < 0 || close(out) < 0)
		return 1;
	close(in);
	free(buf);
	return 0;
}

static int fetch(const char *root, const char *name, const char *outdir)
{
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;

	dump_policy_init(&p);
	snprintf(p.dir, sizeof(p.dir), "%s", outdir);
	p.min_free_bytes = 0;
	p.progress = 0;
	if (dump_retrieve(root, name, &p, &r, &e)) {
		fprintf(stderr, "bench_dump: fetch: %s\n", e.msg);
		return 1;
	}
	return 0;
}

/* Run fn in a child; wall seconds and the child's peak RSS in KiB. */
static int run_child(int which, const char *a, const char *b, const char *c, double *secs,
		     long *rss_kb, double *cpu)
{
	uint64_t t0 = time_mono_ns();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(which == 0 ? plain_copy(a, b) : fetch(a, b, c));
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	*secs = (double)(time_mono_ns() - t0) / 1e9;
	*rss_kb = ru.ru_maxrss;
	*cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
	return 0;
}

static void clear_dir(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(dir, 0700);
}

int main(void)
{
	const char *base = getenv("BENCH_DUMP_DIR") ? getenv("BENCH_DUMP_DIR") : "/var/tmp";
	uint64_t mb = getenv("BENCH_DUMP_MB") ? strtoull(getenv("BENCH_DUMP_MB"), NULL, 10) : 1024;
	int runs = getenv("BENCH_DUMP_RUNS") ? atoi(getenv("BENCH_DUMP_RUNS")) : 4;
	char dir[PATH_MAX], root[PATH_MAX], out[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
	struct sim_dump_spec s = { .type = 2, .id = 1, .size = mb << 20 };
	double best_copy = 1e9, best_fetch = 1e9, t, cpu, cpu_copy = 1e9, cpu_fetch = 1e9;
	long rss_copy = 0, rss_fetch = 0, rss;
	char name[64];
	struct ras_err e;

	if (runs < 1)
		runs = 1;
	snprintf(dir, sizeof(dir), "%s/bench-dump.XXXXXX", base);
	if (!mkdtemp(dir)) {
		printf("bench_dump: cannot create a directory in %s: %s\n", base, strerror(errno));
		return 0;
	}
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(dst, sizeof(dst), "%s/out/plain-copy", dir);
	if (sim_dump_create(root, &s, name, sizeof(name), &e)) {
		printf("bench_dump: cannot create the %llu MiB dump: %s\n", (unsigned long long)mb,
		       e.msg);
		nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
		return 0;
	}
	snprintf(src, sizeof(src), "%s/sys/firmware/opal/dump/%s/dump", root, name);
	mkdir(out, 0700);
	/* Alternate which goes first: the machine is shared and the disk noisy. */
	for (int i = 0; i < 2 * runs; i++) {
		int which = (i + i / 2) % 2; /* copy, fetch, fetch, copy, copy, fetch, ... */

		sync();
		if (which == 0 && run_child(0, src, dst, NULL, &t, &rss, &cpu) == 0) {
			if (t < best_copy)
				best_copy = t;
			if (cpu < cpu_copy)
				cpu_copy = cpu;
			if (rss > rss_copy)
				rss_copy = rss;
		}
		if (which == 1 && run_child(1, root, name, out, &t, &rss, &cpu) == 0) {
			if (t < best_fetch)
				best_fetch = t;
			if (cpu < cpu_fetch)
				cpu_fetch = cpu;
			if (rss > rss_fetch)
				rss_fetch = rss;
		}
		clear_dir(out);
	}
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	if (best_copy >= 1e9 || best_fetch >= 1e9) {
		printf("bench_dump: a run failed\n");
		return 0;
	}
	printf("dump size:          %llu MiB (best of %d runs, fsync included)\n",
	       (unsigned long long)mb, runs);
	printf("plain copy:         %.0f MB/s (%.2f s), peak RSS %ld KiB\n",
	       (double)(mb << 20) / 1e6 / best_copy, best_copy, rss_copy);
	printf("opal-dump fetch:    %.0f MB/s (%.2f s), peak RSS %ld KiB\n",
	       (double)(mb << 20) / 1e6 / best_fetch, best_fetch, rss_fetch);
	printf("fetch/copy ratio:   %.2f (target >= 0.90)\n", best_copy / best_fetch);
	printf("fetch peak RSS:     %.1f MB (target <= 16 MB)\n", (double)rss_fetch / 1024.0);
	printf("CPU time (min):     copy %.2f s, fetch %.2f s (SHA-256 on a second thread)\n",
	       cpu_copy, cpu_fetch);
	printf("output directory:   %s (BENCH_DUMP_DIR; a tmpfs there measures CPU, not disk)\n",
	       base);
	return 0;
}
