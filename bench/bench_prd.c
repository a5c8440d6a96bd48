/*
 * bench_prd.c - the opal-prd daemon under load (make bench). The benchmark plays the
 * kernel itself: it creates elog directories the way sysfs shows them and watches the
 * `acknowledge` files, so nothing else is measured.
 *
 * 1. Storm: 100,000 elogs offered at once (created before the daemon starts); elogs/s
 *    from the daemon's start to its last acknowledgement (its own "acked" counter from
 *    the control socket). Three storms: one host's logs (pel_gen_random: SRCs from a
 *    catalogue, callouts in its slots); the same with a slow hook; logs that each
 *    bring an SRC and locations never seen before (the worst case for the store).
 * 2. Latency: one elog at idle, 1,000 trials; time from the directory appearing
 *    (rename into place) to the daemon's write of `acknowledge` (inotify), p50/p99.
 * 3. Idle: RSS and wake-ups of an idle daemon over BENCH_IDLE_SECONDS (default 60).
 * Environment: OPAL_RAS_BIN (default build/bin), BENCH_STORM (default 100000),
 * BENCH_IDLE_SECONDS (60), BENCH_PRD_STORM_ONLY=1 (only the storm without hooks, e.g.
 * under perf record; with BENCH_PRD_UNIQUE_TERMS=1 the worst-case one), BENCH_TRACE=1
 * (the acked count every 100 ms during a storm, on stderr). The storm line also gives
 * the daemon's CPU time (user + system, all its threads) per elog: the number to
 * compare when the machine is busy.
 * It reports; it never asserts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/pel_encode.h"
#include "bench/bench_util.h"

static char root[128], db[160], bin[512], config[200];

static pid_t start_daemon(void)
{
	char sock[256];
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		if (config[0])
			execl(bin, "opal-prd", "--root", root, "--db", db, "--config", config,
			      "--foreground", (char *)NULL);
		else
			execl(bin, "opal-prd", "--root", root, "--db", db, "--foreground",
			      (char *)NULL);
		_exit(127);
	}
	snprintf(sock, sizeof(sock), "%s/run/opal-ras/control", root);
	for (int i = 0; i < 2000 && access(sock, F_OK); i++)
		usleep(1000);
	return pid;
}

static void stop_daemon(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* The daemon's status JSON; returns the value of "key": N (first match) or -1. */
static long long status_num(const char *key)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8192], pat[64];
	ssize_t n, got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/run/opal-ras/control", root);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (write(fd, "status\n", 7) != 7) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	char *p = strstr(buf, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

/* Create one elog directory under dir (already existing parent), named name. With
 * unique_terms every log gets an SRC and callout locations no other log has (the
 * generator draws from one host's catalogue): the worst case for the store's term
 * index, whose rows then land on random pages. */
static void make_elog(const char *dir, const char *name, uint32_t entry, uint64_t *rng,
		      bool unique_terms)
{
	struct pel_gen g;
	uint8_t buf[16384];
	size_t len;
	char p[512];

	pel_gen_random(&g, rng, entry, time_now_us());
	if (unique_terms) {
		/* random, not sequential: a new term's index entry lands on a random page */
		snprintf(g.src, sizeof(g.src), "BC%06X",
			 (unsigned)(pel_gen_rand(rng) & 0xFFFFFF));
		for (size_t i = 0; i < g.d.n_callouts; i++)
			snprintf(g.locs[i], sizeof(g.locs[i]), "U78D2.001.W%06X-P1-C%zu",
				 (unsigned)(pel_gen_rand(rng) & 0xFFFFFF), i + 1);
	}
	if (pel_encode(&g.d, buf, sizeof(buf), &len, NULL))
		return;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/raw", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0444);
	if (fd >= 0) {
		write_full(fd, buf, len);
		close(fd);
	}
	/* As sysfs shows it (spec: 0660, reads the kernel's text). An empty file would
	 * make every ack write allocate a page cache page, a cost sysfs does not have:
	 * on this VM that was 85% of the acker thread's time. */
	static const char ack_text[] = "ack - acknowledge log message\n";
	snprintf(p, sizeof(p), "%s/%s/acknowledge", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0660);
	if (fd >= 0) {
		write_full(fd, ack_text, sizeof(ack_text) - 1);
		close(fd);
	}
}

/* CPU seconds (user + system) used so far by the process or thread whose stat file is
 * path, or -1; its name in comm (may be NULL). */
static double cpu_s_of(const char *path, char *comm, size_t n)
{
	char line[1024];
	unsigned long long ut, st;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *ok = fgets(line, sizeof(line), f);
	fclose(f);
	char *o = ok ? strchr(line, '(') : NULL, *c = ok ? strrchr(line, ')') : NULL;
	/* after "pid (comm)": state is field 3, utime 14, stime 15 */
	if (!o || !c ||
	    sscanf(c + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	if (comm)
		snprintf(comm, n, "%.*s", (int)(c - o - 1), o + 1);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double cpu_s(pid_t pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	return cpu_s_of(p, NULL, 0);
}

/* The paths of file (e.g. "stat") for every thread of pid, in out; their number. */
enum { MAX_TASKS = 16 };
static int task_files(pid_t pid, const char *file, char out[MAX_TASKS][128])
{
	char p[64];
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof(p), "/proc/%d/task", (int)pid);
	DIR *d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < MAX_TASKS)
		if (de->d_name[0] != '.')
			snprintf(out[n++], 128, "%s/%s/%s", p, de->d_name, file);
	closedir(d);
	return n;
}

/* "name 1.23 s, name 0.45 s" for every thread of pid that used CPU. */
static void thread_cpu(pid_t pid, char *out, size_t n)
{
	char files[MAX_TASKS][128], comm[64];
	int nt = task_files(pid, "stat", files);
	size_t len = 0;

	out[0] = 0;
	for (int i = 0; i < nt && len + 80 < n; i++) {
		double s = cpu_s_of(files[i], comm, sizeof(comm));
		if (s > 0)
			len += (size_t)snprintf(out + len, n - len, "%s%s %.2f s", len ? ", " : "",
						comm, s);
	}
}

/* The number after field ("VmRSS:") in a /proc status file, or -1. */
static long status_field(const char *path, const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			v = atol(line + strlen(field));
	fclose(f);
	return v;
}

static long rss_kb(pid_t pid, const char *field)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	return status_field(p, field);
}

/* Voluntary context switches of every thread of pid: each is a sleep that ended, so at
 * idle this counts the wake-ups of the whole daemon, not only of its loop thread. */
static long switches_all(pid_t pid)
{
	char files[MAX_TASKS][128];
	int nt = task_files(pid, "status", files);
	long n = 0;

	for (int i = 0; i < nt; i++) {
		long v = status_field(files[i], "voluntary_ctxt_switches:");
		if (v > 0)
			n += v;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}


int main(void)
{
	const char *b = getenv("OPAL_RAS_BIN");
	long storm = getenv("BENCH_STORM") ? atol(getenv("BENCH_STORM")) : 100000;
	int idle_s = getenv("BENCH_IDLE_SECONDS") ? atoi(getenv("BENCH_IDLE_SECONDS")) : 60;
	char elog[256], tmp[256], dbdir[] = "/tmp/opal-ras-bench-prd.XXXXXX";
	uint64_t rng = 42;

	snprintf(bin, sizeof(bin), "%s/opal-prd", b ? b : "build/bin");
	snprintf(root, sizeof(root), "%s/opal-ras-bench-root.%d",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
	if (!mkdtemp(dbdir))
		return 1;
	snprintf(db, sizeof(db), "%s/ras.db", dbdir);
	snprintf(elog, sizeof(elog), "%s/sys/firmware/opal/elog", root);
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	mkdir_p(elog, 0755);
	mkdir_p(tmp, 0755);

	/* 1. storm: one host's logs; the same with a hook that sleeps 10 s on every event;
	 * every log with SRC and locations of its own (the term index's worst case) */
	static const char *const what[] = { "", ", hook sleeping 10 s on every event",
					    ", every SRC and location new" };
	char name[32], cmd[512];
	double rate[3] = { 0, 0, 0 };
	pid_t pid = 0;
	/* BENCH_PRD_STORM_ONLY=1: one storm without hooks (for profiling);
	 * BENCH_PRD_UNIQUE_TERMS=1 makes it the worst case. */
	bool only = getenv("BENCH_PRD_STORM_ONLY") != NULL;
	bool only_unique = only && getenv("BENCH_PRD_UNIQUE_TERMS") != NULL;
	bool trace = getenv("BENCH_TRACE") != NULL;
	int passes = only ? 1 : 3;
	for (int pass = 0; pass < passes; pass++) {
		bool unique = pass == 2 || only_unique;
		config[0] = 0;
		if (pass == 1) {
			snprintf(config, sizeof(config), "%s/hooks.yaml", dbdir);
			FILE *cf = fopen(config, "w");
			if (!cf)
				return 1;
			fprintf(cf, "hooks:\n  - name: slow\n    match: {}\n"
				    "    command: [\"/bin/sleep\", \"10\"]\n    timeout: 60s\n");
			fclose(cf);
		}
		for (int k = 0; k < 3; k++) { /* every pass starts with a new database */
			snprintf(cmd, sizeof(cmd), "%s%s", db, k == 0 ? "" : k == 1 ? "-wal" : "-shm");
			unlink(cmd);
		}
		for (long i = 0; i < storm; i++) {
			snprintf(name, sizeof(name), "0x%08lx", 0x50000000ul + (unsigned long)i);
			make_elog(elog, name, (uint32_t)(0x50000000ul + (unsigned long)i), &rng,
				  unique);
		}
		uint64_t t0 = time_mono_ns();
		pid = start_daemon();
		long long ticks = 0, acked;
		while ((acked = status_num("acked")) < storm) {
			/* BENCH_TRACE=1: the acked count every 100 ms (where a storm slows) */
			if (trace && time_mono_ns() - t0 > (uint64_t)ticks * 100000000ull) {
				fprintf(stderr, "prd: t=%.2f s acked=%lld\n",
					(double)(time_mono_ns() - t0) / 1e9, acked);
				ticks++;
			}
			usleep(5000);
		}
		double dt = (double)(time_mono_ns() - t0) / 1e9;
		double cpu = cpu_s(pid);
		rate[pass] = (double)storm / dt;
		printf("prd: storm of %ld elogs offered at once%s: %.0f elogs/s (%.2f s from "
		       "daemon start to last ack; %lld commits; daemon CPU %.2f s, %.1f us/elog)\n",
		       storm, what[unique ? 2 : pass], rate[pass], dt, status_num("commits"), cpu,
		       cpu * 1e6 / (double)storm);
		if (pass != 1) {
			char threads[512];
			thread_cpu(pid, threads, sizeof(threads));
			printf("prd: daemon CPU by thread: %s; %lld loop wake-ups\n", threads,
			       status_num("wakeups"));
			printf("prd: peak RSS during the storm: %ld kB\n", rss_kb(pid, "VmHWM:"));
		}
		stop_daemon(pid);
		if (bench_rm_tree(elog) || mkdir_p(elog, 0755))
			return 1;
	}
	if (only)
		return bench_rm_tree(root) || bench_rm_tree(dbdir) ? 1 : 0;
	printf("prd: ingest with the sleeping hook at %.0f%% of the rate without hooks\n",
	       100.0 * rate[1] / rate[0]);
	config[0] = 0;

	/* 2. latency at idle */
	pid = start_daemon();
	usleep(200000);
	int ino = inotify_init1(IN_CLOEXEC);
	enum { TRIALS = 1000 };
	static uint64_t lat[TRIALS];
	int n = 0;
	for (int i = 0; i < TRIALS; i++) {
		char src[512], dst[512], buf[4096];
		snprintf(name, sizeof(name), "0x%08x", 0x60000000u + (unsigned)i);
		make_elog(tmp, name, 0x60000000u + (unsigned)i, &rng, false);
		snprintf(src, sizeof(src), "%s/%s", tmp, name);
		snprintf(dst, sizeof(dst), "%s/%s", elog, name);
		int wd = inotify_add_watch(ino, src, IN_CLOSE_WRITE);
		uint64_t s = time_mono_ns();
		if (rename(src, dst))
			break;
		bool done = false;
		while (!done) {
			ssize_t r = read(ino, buf, sizeof(buf));
			if (r <= 0)
				break;
			for (char *p = buf; p < buf + r;) {
				struct inotify_event *ev = (struct inotify_event *)p;
				if (ev->wd == wd && ev->len && !strcmp(ev->name, "acknowledge"))
					done = true;
				p += sizeof(*ev) + ev->len;
			}
		}
		lat[n++] = time_mono_ns() - s;
		inotify_rm_watch(ino, wd);
		snprintf(cmd, sizeof(cmd), "%s/raw", dst);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/acknowledge", dst);
		unlink(cmd);
		rmdir(dst);
		usleep(2000);
	}
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_u64);
	if (n)
		printf("prd: one elog at idle, appearance to ack over %d trials: p50 %.2f ms, "
		       "p99 %.2f ms, max %.2f ms\n",
		       n, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
	stop_daemon(pid);

	/* 3. idle */
	pid = start_daemon();
	usleep(500000);
	/* a status query wakes the loop itself (accept, request): measure what it costs */
	long long wa = status_num("wakeups");
	long long w0 = status_num("wakeups");
	long long per_query = w0 - wa;
	long cs0 = switches_all(pid);
	sleep((unsigned)idle_s);
	long cs1 = switches_all(pid); /* before the query, which wakes the loop */
	long long w1 = status_num("wakeups");
	printf("prd: idle %d s: RSS %ld kB; %lld loop wake-ups (expected %lld: the 10 s rescan "
	       "timer, which also refreshes VPD every minute); %ld voluntary context switches over "
	       "all its threads\n",
	       idle_s, rss_kb(pid, "VmRSS:"), w1 - w0 - per_query, (long long)idle_s / 10,
	       cs1 - cs0);
	stop_daemon(pid);
	return bench_rm_tree(root) || bench_rm_tree(dbdir) ? 1 : 0;
}
