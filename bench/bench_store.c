/*
 * bench_store.c - the error-log database under load (make bench).
 *
 * 1. Ingest: N synthetic PEL-like events (2 callouts, 6 attributes, a 300-byte raw
 *    PEL each, one every 31 s of event time) in batches of B with durable commits;
 *    events/s from the first append until the last batch is durable. The store runs
 *    with pipelined durability, as the daemon does (docs/store.md): each batch's WAL
 *    flush overlaps the next batch (BENCH_STORE_SYNC=1: every commit waits for its
 *    flush, as CLI writers do). For comparison, one autocommit transaction per event
 *    (rasdaemon's pattern) on a short run.
 *    Refcodes are drawn from 500 distinct SRCs (a real host reports a few hundred); a
 *    second run to 1M draws them uniformly from 2^27, the worst case for event_terms
 *    (every event a new term).
 * 2. Queries at 100k, 1M and 10M events: `list` with a time + severity filter
 *    returning 100 rows; `list --src` of one of the 500 SRCs (newest 100), of an SRC seen once
 *    (all time: the day walk visits every day) and `--location` of one slot (newest
 *    100); `stats` over all (from the events_rollup table).
 *    By default it stops at 1M; BENCH_STORE_MAX=10000000 goes on to 10M (about 10
 *    minutes more and ~9 GB in /tmp on the 2-core development machine).
 * 3. Bytes per stored event (file size / events).
 * Knobs for experiments: BENCH_STORE_KEEP (keep the database for inspection),
 * BENCH_STORE_BATCH (events per commit, default 1000), BENCH_STORE_SQL (SQL run after
 * opening), BENCH_STORE_SRCS (distinct refcodes; 0 = uniform over 2^27).
 * It reports; it never asserts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "common/timeutil.h"
#include "errlog/store.h"
#include "errlog/store_query.h"
#include "bench/bench_util.h"

static const char *const subsystems[] = { "Memory subsystem", "Processor subsystem",
					   "I/O subsystem", "Power/Cooling subsystem",
					   "Platform firmware", "Service processor" };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static char rare_src[16] = "BFFF0007"; /* event 7's refcode, which no other event has */
static char common_src[16];           /* event 8's refcode, one of the pool's */
static long src_pool; /* BENCH_STORE_SRCS: distinct refcodes; 0 = uniform over 2^27 */
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n upper-case hex digits of v at p (snprintf per field cost the benchmark more than
 * some of what it measures). */
static char *hex(char *p, uint64_t v, int n)
{
	for (int k = n - 1; k >= 0; k--, v >>= 4)
		p[k] = "0123456789ABCDEF"[v & 15];
	return p + n;
}

static void make_src(char *src, unsigned a, unsigned b, unsigned c)
{
	src[0] = 'B';
	hex(hex(hex(src + 1, a, 1), b, 2), c, 4)[0] = 0;
}

/* Fill event i of a synthetic stream; times spread over one year. */
static void make_event(long i, int64_t t0, struct ras_event *ev, char *key, char *src, char *loc,
		       char *plid, uint8_t *raw, struct ras_callout *co, struct ras_attr *at)
{
	uint64_t r = next_rand();
	char *p = hex(key + 6, (uint64_t)(0x50000000 + i), 8); /* pel:E:%08X:%08X:2025 */
	memcpy(key, "pel:E:", 6);
	*p++ = ':';
	p = hex(p, (uint64_t)i, 8);
	memcpy(p, ":2025", 6);
	if (src_pool) { /* a fixed set of distinct SRCs, as a real system reports */
		unsigned k = (unsigned)((r >> 11) % (uint64_t)src_pool) * 2654435761u;
		make_src(src, k & 7, (k >> 3) & 0xff, (k >> 11) & 0xffff);
	} else {
		make_src(src, (unsigned)(r & 7), (unsigned)((r >> 3) & 0xff),
			 (unsigned)((r >> 11) & 0xffff));
	}
	if (i == 7) /* one SRC no other event has (list --src of a rare SRC) */
		snprintf(src, 16, "%s", rare_src);
	if (i == 8)
		snprintf(common_src, sizeof(common_src), "%s", src);
	unsigned slot = (unsigned)((r >> 27) % 24);
	memcpy(loc, "U78D2.001.WZS0001-P1-C", 22);
	p = loc + 22;
	if (slot >= 10)
		*p++ = (char)('0' + slot / 10);
	*p++ = (char)('0' + slot % 10);
	*p = 0;
	memcpy(plid, "0x", 2);
	hex(plid + 2, (uint64_t)(0x50000000 + i), 8)[0] = 0;
	for (int k = 0; k < 300; k += 8) {
		uint64_t x = next_rand();
		memcpy(raw + k, &x, 300 - k < 8 ? 300 - k : 8);
	}
	co[0] = (struct ras_callout){ 'H', loc, "01FT741", "Y050UF81Z00A", "2CF3", "hw" };
	co[1] = (struct ras_callout){ 'M', "U78D2.001.WZS0001-P1", "02AB123", "YL10UF81Z00B",
				      "2B2C", "hw" };
	at[0] = (struct ras_attr){ "plid", plid };
	at[1] = (struct ras_attr){ "creator", "Service Processor" };
	at[2] = (struct ras_attr){ "event_type", "Not applicable" };
	at[3] = (struct ras_attr){ "scope", "Single Platform" };
	at[4] = (struct ras_attr){ "action_flags", "0xA800" };
	at[5] = (struct ras_attr){ "mtms", "8286-42A 1234567" };
	int sev = (int)((r >> 40) % 100);
	*ev = (struct ras_event){
		.source = "elog", .kind = "pel", .dedupe_key = key,
		.time_us = t0 + (int64_t)(i * 31ll) * 1000000, /* one per 31 s */
		.severity = sev < 60 ? RAS_SEV_INFO : sev < 85 ? RAS_SEV_WARNING
				      : sev < 98 ? RAS_SEV_ERROR : RAS_SEV_CRITICAL,
		.source_severity = 0x20, .source_severity_name = "predictive",
		.subsystem = subsystems[(r >> 50) % 6], .refcode = src, .location = loc,
		.summary = "synthetic event for the store benchmark", .serviceable = sev >= 85,
		.raw = raw, .raw_len = 300, .attrs = at, .n_attrs = 6, .callouts = co,
		.n_callouts = 2,
	};
}

static double ingest(struct store *s, long from, long n, int batch, int64_t t0)
{
	char key[64], src[16], loc[48], plid[16];
	uint8_t raw[300];
	struct ras_callout co[2];
	struct ras_attr at[6];
	struct ras_event ev;
	struct ras_err e;
	uint64_t last = 0, start = time_mono_ns();

	for (long i = from; i < from + n;) {
		if (store_begin(s, &e)) {
			fprintf(stderr, "begin: %s\n", e.msg);
			exit(1);
		}
		for (int b = 0; b < batch && i < from + n; b++, i++) {
			make_event(i, t0, &ev, key, src, loc, plid, raw, co, at);
			if (store_append(s, &ev, NULL, &e)) {
				fprintf(stderr, "append: %s\n", e.msg);
				exit(1);
			}
		}
		if (store_commit_async(s, &last, &e)) {
			fprintf(stderr, "commit: %s\n", e.msg);
			exit(1);
		}
	}
	/* Done when the last batch is durable (in async mode its flush overlaps the next
	 * batch; without it store_commit_async is durable on return). */
	if (store_wait_durable(s, last, &e)) {
		fprintf(stderr, "flush: %s\n", e.msg);
		exit(1);
	}
	return (double)(time_mono_ns() - start) / 1e9;
}

static int stats_cb(const char *g, const char *k, int64_t n, void *arg)
{
	(void)g;
	(void)k;
	*(int64_t *)arg += n;
	return 0;
}

/* Best of 3: the newest `limit` events with a SRC and/or location filter. */
static double list_ms(struct store *s, const char *src, const char *loc, int limit, int *rows)
{
	double best = 1e9;

	for (int rep = 0; rep < 3; rep++) {
		struct event_filter f;
		struct store_query *q;
		struct stored_event r;
		struct ras_err e;
		event_filter_init(&f);
		f.src = src;
		f.location = loc;
		f.limit = limit;
		f.newest_first = true;
		*rows = 0;
		uint64_t st = time_mono_ns();
		if (store_query_begin(s, &f, &q, &e)) {
			fprintf(stderr, "query: %s\n", e.msg);
			exit(1);
		}
		while (store_query_next(q, &r, &e) == 1)
			(*rows)++;
		store_query_end(q);
		double dt = (double)(time_mono_ns() - st) / 1e6;
		if (dt < best)
			best = dt;
	}
	return best;
}

static void queries(struct store *s, const char *path, long n, int64_t t0)
{
	struct event_filter f;
	struct store_query *q;
	struct stored_event r;
	struct ras_err e;
	double best = 1e9;
	int rows = 0;

	for (int rep = 0; rep < 5; rep++) {
		event_filter_init(&f);
		/* A week in the middle of the data, error or worse, the newest 100. */
		f.since_us = t0 + (int64_t)(n / 2) * 31 * 1000000;
		f.until_us = f.since_us + 7 * 86400ll * 1000000;
		f.min_severity = RAS_SEV_ERROR;
		f.limit = 100;
		uint64_t st = time_mono_ns();
		rows = 0;
		store_query_begin(s, &f, &q, &e);
		while (store_query_next(q, &r, &e) == 1)
			rows++;
		store_query_end(q);
		double dt = (double)(time_mono_ns() - st) / 1e6;
		if (dt < best)
			best = dt;
	}
	double t_src = list_ms(s, common_src, NULL, 100, &rows);
	int r_src = rows;
	double t_rare = list_ms(s, rare_src, NULL, 100, &rows);
	int r_rare = rows;
	double t_loc = list_ms(s, NULL, "U78D2.001.WZS0001-P1-C5", 100, &rows);
	printf("store: %8ld events: list --src %s %.2f ms (%d rows); --src %s (seen once) "
	       "%.2f ms (%d); --location ...-C5 %.2f ms (%d)\n",
	       n, common_src, t_src, r_src, rare_src, t_rare, r_rare, t_loc, rows);
	uint64_t st = time_mono_ns();
	int64_t total = 0;
	store_stats(s, 0, stats_cb, &total, &e);
	double stats_s = (double)(time_mono_ns() - st) / 1e9;
	struct stat sb;
	stat(path, &sb);
	printf("store: %8ld events: list(time+severity, %d rows) %.2f ms; stats %.3f s; "
	       "%.0f bytes/event\n",
	       n, rows, best, stats_s, (double)sb.st_size / (double)n);
}

int main(void)
{
	char dir[] = "/tmp/opal-ras-bench.XXXXXX", path[128];
	long max = getenv("BENCH_STORE_MAX") ? atol(getenv("BENCH_STORE_MAX")) : 1000000;
	long sizes[] = { 100000, 1000000, 10000000 };
	int64_t t0 = 1735689600ll * 1000000; /* 2025-01-01 */
	struct store *s;
	struct ras_err e;

	if (!mkdtemp(dir))
		return 1;
	/* Baseline: one autocommit per event. */
	snprintf(path, sizeof(path), "%s/auto.db", dir);
	if (store_open(path, STORE_CREATE, &s, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	double dt = ingest(s, 0, 2000, 1, t0);
	printf("store: ingest, one durable commit per event: %.0f events/s (2000 events)\n",
	       2000 / dt);
	store_close(s);

	src_pool = getenv("BENCH_STORE_SRCS") ? atol(getenv("BENCH_STORE_SRCS")) : 500;
	int batch = getenv("BENCH_STORE_BATCH") ? atoi(getenv("BENCH_STORE_BATCH")) : 1000;
	const char *mode = getenv("BENCH_STORE_SYNC") ? "each commit waits for its flush"
						       : "pipelined durable commits";
	for (int run = 0; run < 2; run++) {
		snprintf(path, sizeof(path), "%s/ras%d.db", dir, run);
		if (store_open(path, STORE_CREATE, &s, &e) ||
		    (!getenv("BENCH_STORE_SYNC") && store_async_start(s, &e))) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		if (getenv("BENCH_STORE_SQL"))
			sqlite3_exec(store_sqlite(s), getenv("BENCH_STORE_SQL"), NULL, NULL, NULL);
		if (src_pool)
			printf("store: refcodes drawn from %ld distinct values\n", src_pool);
		else
			printf("store: refcodes uniform over 2^27 (every event a new term)\n");
		long have = 0;
		double total = 0;
		for (int k = 0; k < 3 && sizes[k] <= max; k++) {
			dt = ingest(s, have, sizes[k] - have, batch, t0);
			total += dt;
			printf("store: ingest %ld -> %ld events, batches of %d, %s: %.0f events/s\n",
			       have, sizes[k], batch, mode, (double)(sizes[k] - have) / dt);
			have = sizes[k];
			if (run == 0)
				queries(s, path, have, t0);
		}
		printf("store: ingest 0 -> %ld events: %.0f events/s\n", have, (double)have / total);
		if (run == 1 || !src_pool)
			break;
		/* The worst case for event_terms, to 1M, ingest only. */
		store_close(s);
		src_pool = 0;
		max = max > 1000000 ? 1000000 : max;
	}
	store_close(s);
	if (getenv("BENCH_STORE_KEEP")) {
		printf("store: kept %s\n", path);
		return 0;
	}
	return bench_rm_tree(dir) ? 1 : 0;
}
