/*
 * bench_pel.c - PEL codec throughput on one core: decode only, and decode + JSON render
 * to /dev/null, of the real sample PELs (0x07, 0x5034a000 raw and eSEL, 0x5055ed2e with
 * its 16 KiB sysfs padding) cycled to 1,000,000 decodes. Reports, never asserts.
 * Targets (issue 2): decode >= 2,000,000 PELs/s; decode + JSON >= 300,000 PELs/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/fileio.h"
#include "common/timeutil.h"
#include "errlog/pel.h"
#include "errlog/pel_event.h"

#define N 1000000

static const char *const samples[] = {
	"pel/ppc64-diag-sysfs/firmware/opal/elog/0x07/raw",
	"pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/raw",
	"pel/ppc64-diag-sysfs/firmware/opal/elog/0x5034a000/eSEL",
	"pel/ppc64-diag-sysfs/firmware/opal/elog/0x5055ed2e/raw",
};
#define NS (sizeof(samples) / sizeof(samples[0]))

/* CPU time of this process: on a shared, loaded machine wall time overstates the cost. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t c0;

static void report(const char *what, unsigned n, uint64_t ns, const char *target)
{
	double s = (double)ns / 1e9, cs = (double)(cpu_ns() - c0) / 1e9;
	printf("%-26s %8u PELs: wall %.3f s = %9.0f PELs/s; cpu %.3f s = %9.0f PELs/s "
	       "(target %s)\n",
	       what, n, s, n / s, cs, n / cs, target);
}

int main(void)
{
	static struct pel p;
	static struct pel_event ev;
	uint8_t *buf[NS];
	size_t len[NS];
	struct ras_err e;
	FILE *null = fopen("/dev/null", "w");
	uint64_t t0, t1;
	unsigned bad = 0, warns = 0;
	volatile size_t sink = 0;

	for (size_t i = 0; i < NS; i++) {
		char path[1024];
		int trunc;
		snprintf(path, sizeof(path), "%s/%s", SHARED_DATA_DIR, samples[i]);
		if (file_read_all(path, PEL_INPUT_CAP, &buf[i], &len[i], &trunc, &e) < 0) {
			printf("bench_pel: skipped, sample PELs absent (%s)\n", e.msg);
			return 0;
		}
	}
	if (!null)
		return 1;
	/*
	 * A 64 KiB stdio buffer, as opal-elog gives stdout (stdout_buffer_large()). The
	 * buffer must be supplied: glibc ignores the size when it is NULL and uses 4 KiB.
	 */
	static char null_buf[1 << 16];
	setvbuf(null, null_buf, _IOFBF, sizeof(null_buf));

	c0 = cpu_ns();
	t0 = time_mono_ns();
	for (unsigned i = 0; i < N; i++) {
		if (pel_decode(buf[i % NS], len[i % NS], &p, NULL, &e) < 0)
			bad++;
		sink += p.pel_len;
		warns += p.n_warn;
	}
	t1 = time_mono_ns();
	report("decode", N, t1 - t0, ">= 2,000,000/s");

	c0 = cpu_ns();
	t0 = time_mono_ns();
	for (unsigned i = 0; i < N; i++) {
		if (pel_decode(buf[i % NS], len[i % NS], &p, NULL, &e) < 0)
			bad++;
		pel_render_json_doc(null, &p, NULL, false);
	}
	t1 = time_mono_ns();
	report("decode + JSON (/dev/null)", N, t1 - t0, ">= 300,000/s");

	c0 = cpu_ns();
	t0 = time_mono_ns();
	for (unsigned i = 0; i < N / 4; i++) {
		pel_event_from_bytes(&ev, &p, buf[i % NS], len[i % NS], "bench");
		sink += ev.ev.n_attrs;
	}
	t1 = time_mono_ns();
	report("decode + event mapping", N / 4, t1 - t0, "none");

	c0 = cpu_ns();
	t0 = time_mono_ns();
	for (unsigned i = 0; i < N / 10; i++) {
		if (pel_decode(buf[i % NS], len[i % NS], &p, NULL, &e) < 0)
			bad++;
		pel_render_text(null, &p, NULL);
	}
	t1 = time_mono_ns();
	report("decode + text (/dev/null)", N / 10, t1 - t0, "none");

	printf("sizeof(struct pel) = %zu bytes; failures %u, warnings %u\n", sizeof(p), bad, warns);
	for (size_t i = 0; i < NS; i++)
		free(buf[i]);
	fclose(null);
	return (int)(sink & 0);
}
