/*
 * bench_vpd.c - VPD inventory benchmark: a simulated host with 1,000 FRUs (opal-sim's
 * generator) - full inventory build (target <= 100 ms), and refresh + diff after one
 * FRU swap (target <= 10 ms), plus the snapshot write into an SQLite database.
 * Reports numbers; never asserts.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/timeutil.h"
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
	struct vpd_inventory prev, cur;
	struct vpd_change *ch = NULL;
	size_t n = 0;
	uint64_t build_ns[RUNS], refresh_ns[RUNS], save_ns[RUNS], build_cpu[RUNS],
		refresh_cpu[RUNS];
	uint64_t t0, c0;
	sqlite3 *db = NULL;

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

	snprintf(db_path, sizeof(db_path), "%s/vpd.db", root);
	if (sqlite3_open(db_path, &db) != SQLITE_OK || vpd_db_prepare(db, &e) < 0) {
		fprintf(stderr, "db: %s\n", e.msg);
		return 1;
	}
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (vpd_inventory_build(root, &prev, &e) < 0)
		return 1;
	{
		struct vpd_inventory empty = { 0 };
		int64_t id;
		vpd_inventory_diff(&empty, &prev, &ch, &n, &e);
		t0 = time_mono_ns();
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		vpd_db_save_snapshot(db, &prev, ch, n, "bench", &id, &e);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		printf("vpd: first snapshot of %zu FRUs into SQLite: %.2f ms\n", prev.n,
		       (time_mono_ns() - t0) / 1e6);
		free(ch);
	}
	for (int i = 0; i < RUNS; i++) {
		int64_t id;
		snprintf(loc, sizeof(loc), "U78D2.%03d.WZS%04d-P1-C%d", 1 + i, 1 + i, 2 + i);
		if (sim_vpd_swap(root, loc, NULL, &e) < 0) {
			fprintf(stderr, "swap %s: %s\n", loc, e.msg);
			return 1;
		}
		c0 = cpu_ns();
		t0 = time_mono_ns();
		if (vpd_inventory_refresh(root, &prev, &cur, &e) < 0 ||
		    vpd_inventory_diff(&prev, &cur, &ch, &n, &e) < 0) {
			fprintf(stderr, "refresh: %s\n", e.msg);
			return 1;
		}
		refresh_ns[i] = time_mono_ns() - t0;
		refresh_cpu[i] = cpu_ns() - c0;
		if (n != 1)
			fprintf(stderr, "warning: %zu changes after one swap\n", n);
		t0 = time_mono_ns();
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (vpd_db_save_snapshot(db, &cur, ch, n, "bench", &id, &e) < 0)
			fprintf(stderr, "save: %s\n", e.msg);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		save_ns[i] = time_mono_ns() - t0;
		free(ch);
		vpd_inventory_free(&prev);
		prev = cur;
	}
	vpd_inventory_free(&prev);
	sqlite3_close(db);
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
	printf("vpd: snapshot write of one change (durable commit): median %.2f ms\n",
	       save_ns[RUNS / 2] / 1e6);
	rm_rf(root);
	return 0;
}
