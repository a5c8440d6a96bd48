/*
 * bench_vpd.c - VPD inventory benchmark: a simulated host with 1,000 FRUs (opal-sim's
 * generator): full inventory build (target <= 100 ms); after one FRU swap, the
 * inventory refresh + diff (target <= 10 ms) and the daemon's whole vpd_store_refresh
 * (snapshot and event committed durably to the store).
 * Reports numbers; never asserts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "errlog/store.h"
#include "sim/sim_vpd.h"
#include "vpd/vpd.h"
#include "vpd/vpd_db.h"

#define N_FRUS 1000
#define RUNS   5

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* CPU time (user + system) of this process, ns: less sensitive than wall time to
 * the other jobs of a shared machine. */
static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

static void rm_rf(const char *dir)
{
	pid_t p = fork();
	if (p == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, NULL, 0);
}

int main(void)
{
	char root[] = "/tmp/bench-vpd.XXXXXX", db_path[80], loc[64];
	struct ras_err e;
	struct vpd_inventory cache = { 0 }, cur;
	struct vpd_refresh_result rr;
	struct store *st;
	struct vpd_change *ch = NULL;
	size_t n = 0;
	uint64_t build_ns[RUNS], refresh_ns[RUNS], save_ns[RUNS], build_cpu[RUNS],
		refresh_cpu[RUNS];
	uint64_t t0, c0;

	log_set_level(LOG_LVL_ERR);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	t0 = time_mono_ns();
	if (sim_vpd_generate(root, N_FRUS, &e) < 0) {
		fprintf(stderr, "generate: %s\n", e.msg);
		return 1;
	}
	printf("vpd: generated %d-FRU tree in %.1f ms\n", N_FRUS, (time_mono_ns() - t0) / 1e6);

	for (int i = 0; i < RUNS; i++) {
		c0 = cpu_ns();
		t0 = time_mono_ns();
		if (vpd_inventory_build(root, &cur, &e) < 0) {
			fprintf(stderr, "build: %s\n", e.msg);
			return 1;
		}
		build_ns[i] = time_mono_ns() - t0;
		build_cpu[i] = cpu_ns() - c0;
		if (cur.n != N_FRUS)
			fprintf(stderr, "warning: %zu FRUs, expected %d\n", cur.n, N_FRUS);
		vpd_inventory_free(&cur);
	}

	snprintf(db_path, sizeof(db_path), "%s/ras.db", root);
	if (store_open(db_path, STORE_CREATE, &st, &e) < 0) {
		fprintf(stderr, "store: %s\n", e.msg);
		return 1;
	}
	t0 = time_mono_ns();
	if (vpd_store_refresh(st, root, "bench", &cache, &rr, &e) < 0) {
		fprintf(stderr, "baseline: %s\n", e.msg);
		return 1;
	}
	printf("vpd: baseline snapshot of %zu FRUs (scan + %zu rows + durable commit): %.2f ms\n",
	       rr.n_frus, rr.n_changes, (time_mono_ns() - t0) / 1e6);
	for (int i = 0; i < RUNS; i++) {
		snprintf(loc, sizeof(loc), "U78D2.%03d.WZS%04d-P1-C%d", 1 + i, 1 + i, 2 + i);
		if (sim_vpd_swap(root, loc, NULL, &e) < 0) {
			fprintf(stderr, "swap %s: %s\n", loc, e.msg);
			return 1;
		}
		/* The inventory part alone: rescan what changed + diff. */
		c0 = cpu_ns();
		t0 = time_mono_ns();
		if (vpd_inventory_refresh(root, &cache, &cur, &e) < 0 ||
		    vpd_inventory_diff(&cache, &cur, &ch, &n, &e) < 0) {
			fprintf(stderr, "refresh: %s\n", e.msg);
			return 1;
		}
		refresh_ns[i] = time_mono_ns() - t0;
		refresh_cpu[i] = cpu_ns() - c0;
		if (n != 1)
			fprintf(stderr, "warning: %zu changes after one swap\n", n);
		free(ch);
		vpd_inventory_free(&cur);
		/* What the daemon runs: the same plus the snapshot and the event, committed. */
		t0 = time_mono_ns();
		if (vpd_store_refresh(st, root, "bench", &cache, &rr, &e) < 0)
			fprintf(stderr, "store refresh: %s\n", e.msg);
		save_ns[i] = time_mono_ns() - t0;
		if (rr.n_events != 1)
			fprintf(stderr, "warning: %zu events after one swap\n", rr.n_events);
	}
	vpd_inventory_free(&cache);
	store_close(st);
	qsort(build_ns, RUNS, sizeof(build_ns[0]), cmp_u64);
	qsort(refresh_ns, RUNS, sizeof(refresh_ns[0]), cmp_u64);
	qsort(save_ns, RUNS, sizeof(save_ns[0]), cmp_u64);
	qsort(build_cpu, RUNS, sizeof(build_cpu[0]), cmp_u64);
	qsort(refresh_cpu, RUNS, sizeof(refresh_cpu[0]), cmp_u64);
	printf("vpd: full inventory, %d FRUs: median %.2f ms (min %.2f, max %.2f; target <= 100 "
	       "ms)\n",
	       N_FRUS, build_ns[RUNS / 2] / 1e6, build_ns[0] / 1e6, build_ns[RUNS - 1] / 1e6);
	printf("vpd: refresh + diff after one swap: median %.2f ms (min %.2f, max %.2f; target <= "
	       "10 ms)\n",
	       refresh_ns[RUNS / 2] / 1e6, refresh_ns[0] / 1e6, refresh_ns[RUNS - 1] / 1e6);
	printf("vpd: CPU time (user+sys), medians: full inventory %.2f ms, refresh + diff %.2f "
	       "ms\n",
	       build_cpu[RUNS / 2] / 1e6, refresh_cpu[RUNS / 2] / 1e6);
	printf("vpd: vpd_store_refresh after one swap (rescan, diff, snapshot, event, durable "
	       "commit): median %.2f ms (min %.2f, max %.2f)\n",
	       save_ns[RUNS / 2] / 1e6, save_ns[0] / 1e6, save_ns[RUNS - 1] / 1e6);
	rm_rf(root);
	return 0;
}
