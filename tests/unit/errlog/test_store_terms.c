/*
 * test_store_terms.c - the event_terms table and the day walk behind `list --src` and
 * `list --location` (errlog/store_terms.c, store_query.c): for random filters over
 * events spread across days (empty days, equal times, times before 1970, events with
 * and without SRC, location and callouts), the walk returns exactly the rows and the
 * order that a plain scan of the inserted events gives, with every limit mode; after
 * retention deletes the oldest events and trims their days it still does; migration 6
 * moves callouts from their old table into the event row and fills event_terms.
 */
#include <criterion/criterion.h>
#include <fnmatch.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlog/event.h"
#include "errlog/store.h"
#include "errlog/store_internal.h"
#include "errlog/store_query.h"

#include "store_test.h"

TestSuite(terms, .init = store_test_setup_default, .fini = store_test_teardown);

#define DAY (86400ll * 1000000)
#define T0  (1764000000ll * 1000000) /* 2025-11-24T16:00:00Z */

static const char *const srcs[] = { "B1818601", "B181A001", "BC8A090F", "BC8A1701",
				    "B7006970", "11002610", "B1*2",     "BC8A0901" };
static const char *const locs[] = { "U78D2.001.WZS0001-P1-C1",  "U78D2.001.WZS0001-P1-C12",
				    "U78D2.001.WZS0001-P1-C2",  "U78D2.001.WZS0001-P2",
				    "U78D2.001.WZS0002-P1-C1",  "0030:01:00.0",
				    "U78D2.001.WZS0001-P1-C1-T1" };

#define N_EV  700
#define MAX_C 3

struct ref {
	int64_t id, time_us;
	const char *src, *loc;
	const char *cloc[MAX_C];
	int n_c;
	bool gone; /* deleted by the test */
};

static struct ref evs[N_EV];

static void insert_all(struct store *s)
{
	struct ras_err e;
	char key[32];

	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	for (int i = 0; i < N_EV; i++) {
		struct ref *r = &evs[i];
		struct ras_callout co[MAX_C];
		/* 60 days with gaps, several events at one time, a few before 1970 */
		int day = (int)rnd(60);
		if (day % 7 == 3)
			day++; /* some days stay empty */
		r->time_us = i < 5 ? -(int64_t)rnd(3) * DAY - (int64_t)rnd(1000) * 1000000
				   : T0 + day * DAY + (int64_t)rnd(40) * 1800000000ll;
		r->src = rnd(5) ? srcs[rnd(8)] : NULL;
		r->loc = rnd(4) ? locs[rnd(7)] : NULL;
		r->n_c = (int)rnd(MAX_C + 1);
		for (int c = 0; c < r->n_c; c++) {
			r->cloc[c] = rnd(6) ? locs[rnd(7)] : NULL;
			co[c] = (struct ras_callout){ .priority = 'H', .location = r->cloc[c],
						      .part = "01FT741" };
		}
		snprintf(key, sizeof(key), "k%d", i);
		struct ras_event ev = { .source = "t", .kind = "pel", .dedupe_key = key,
					.time_us = r->time_us, .severity = RAS_SEV_ERROR,
					.source_severity = -1, .refcode = r->src,
					.location = r->loc, .callouts = co,
					.n_callouts = (size_t)r->n_c };
		cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
		r->id = ev.id;
		if (i % 97 == 0) { /* several batches */
			cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
			cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
		}
	}
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
}

static bool prefix(const char *v, const char *p)
{
	return v && !strncmp(v, p, strlen(p));
}

static bool matches(const struct ref *r, const struct event_filter *f, bool src_glob)
{
	if (r->gone)
		return false;
	if (f->since_us && r->time_us < f->since_us)
		return false;
	if (f->until_us && r->time_us >= f->until_us)
		return false;
	if (f->src) {
		if (!r->src)
			return false;
		if (src_glob ? fnmatch(f->src, r->src, 0) != 0 : !prefix(r->src, f->src))
			return false;
	}
	if (f->location) {
		bool any = prefix(r->loc, f->location);
		for (int c = 0; c < r->n_c; c++)
			any = any || prefix(r->cloc[c], f->location);
		if (!any)
			return false;
	}
	return true;
}

static int by_time(const void *a, const void *b)
{
	const struct ref *x = *(const struct ref *const *)a, *y = *(const struct ref *const *)b;
	if (x->time_us != y->time_us)
		return x->time_us < y->time_us ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The expected ids in order, by the rules of store_query.h. */
static int expected(const struct event_filter *f, bool src_glob, int64_t *out)
{
	const struct ref *m[N_EV];
	int n = 0, k = 0;

	for (int i = 0; i < N_EV; i++)
		if (matches(&evs[i], f, src_glob))
			m[n++] = &evs[i];
	qsort(m, (size_t)n, sizeof(m[0]), by_time);
	if (f->newest_first) {
		for (int i = n - 1; i >= 0 && (!f->limit || k < f->limit); i--)
			out[k++] = m[i]->id;
	} else {
		int from = f->limit && n > f->limit ? n - (int)f->limit : 0;
		for (int i = from; i < n; i++)
			out[k++] = m[i]->id;
	}
	return k;
}

static int got(struct store *s, const struct event_filter *f, int64_t *out)
{
	struct store_query *q;
	struct stored_event r;
	struct ras_err e;
	int n = 0, rc;

	cr_assert_eq(store_query_begin(s, f, &q, &e), 0, "%s", e.msg);
	while ((rc = store_query_next(q, &r, &e)) == 1) {
		cr_assert_lt(n, N_EV, "more rows than events");
		out[n++] = r.id;
	}
	cr_assert_eq(rc, 0, "%s", e.msg);
	store_query_end(q);
	return n;
}

static void random_filters(struct store *s, int rounds)
{
	static const char *const src_pats[] = { "B18", "BC8A", "B1", "B1*2", "B7006970",
						"1", "C",    "B181?001", "*01", "BC8A[01]*" };
	static const char *const loc_pats[] = { "U78D2.001.WZS0001-P1-C1", "U78D2",
						"0030:",  "U78D2.001.WZS0001-P2", "X",
						"U78D2.001.WZS0001-P1-C12" };
	int64_t want[N_EV], have[N_EV];

	for (int round = 0; round < rounds; round++) {
		struct event_filter f;
		event_filter_init(&f);
		bool src_glob = false;
		unsigned what = 1 + rnd(3); /* 1 src, 2 location, 3 both */
		if (what & 1) {
			unsigned k = rnd(10);
			f.src = src_pats[k];
			/* patterns with * ? [ are globs, except "B1*2", which the
			 * filter takes as a glob too (has_glob) */
			src_glob = strpbrk(f.src, "*?[") != NULL;
		}
		if (what & 2)
			f.location = loc_pats[rnd(6)];
		if (rnd(3) == 0)
			f.since_us = rnd(5) == 0 ? -DAY : T0 + (int64_t)rnd(70) * DAY / 2;
		if (rnd(3) == 0)
			f.until_us = f.since_us + (int64_t)(1 + rnd(40)) * DAY / 3;
		if (f.until_us && !f.since_us)
			f.until_us = T0 + (int64_t)rnd(70) * DAY / 2;
		static const int limits[] = { 0, 0, 1, 3, 50, 1000 };
		f.limit = limits[rnd(6)];
		f.newest_first = rnd(2);
		int nw = expected(&f, src_glob, want);
		int nh = got(s, &f, have);
		cr_assert_eq(nh, nw,
			     "round %d: src %s location %s since %lld until %lld limit %lld "
			     "newest %d: %d rows, expected %d",
			     round, f.src ? f.src : "-", f.location ? f.location : "-",
			     (long long)f.since_us, (long long)f.until_us, (long long)f.limit,
			     f.newest_first, nh, nw);
		for (int i = 0; i < nw; i++)
			cr_assert_eq(have[i], want[i], "round %d: row %d is id %lld, expected %lld",
				     round, i, (long long)have[i], (long long)want[i]);
	}
}

static struct store *open_rw(void)
{
	struct store *s;
	struct ras_err e;
	cr_assert_eq(store_open(path, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	return s;
}

Test(terms, walk_equals_a_plain_scan)
{
	struct store *s = open_rw();
	insert_all(s);
	random_filters(s, 400);
	store_close(s);
}

Test(terms, a_day_is_a_term_once)
{
	struct store *s = open_rw();
	struct ras_err e;
	sqlite3_stmt *st;
	insert_all(s);
	/* Every (day, term) pair of the inserted events, counted in C, equals the rows. */
	char (*pairs)[64] = calloc(N_EV * (MAX_C + 2), 64);
	int n = 0;
	for (int i = 0; i < N_EV; i++) {
		const char *t[MAX_C + 2];
		char tag[MAX_C + 2];
		int k = 0;
		t[k] = evs[i].src, tag[k++] = 's';
		t[k] = evs[i].loc, tag[k++] = 'l';
		for (int c = 0; c < evs[i].n_c; c++)
			t[k] = evs[i].cloc[c], tag[k++] = 'l';
		for (int j = 0; j < k; j++) {
			if (!t[j])
				continue;
			char p[64];
			snprintf(p, sizeof(p), "%lld %c:%s", (long long)store_day_of(evs[i].time_us),
				 tag[j], t[j]);
			bool seen = false;
			for (int x = 0; x < n && !seen; x++)
				seen = !strcmp(pairs[x], p);
			if (!seen)
				strcpy(pairs[n++], p);
		}
	}
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
					"SELECT count(*) FROM event_terms", -1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), n);
	sqlite3_finalize(st);
	free(pairs);
	(void)e;
	store_close(s);
}

Test(terms, deletes_and_trim_keep_the_walk_exact)
{
	struct store *s = open_rw();
	struct ras_err e;
	insert_all(s);
	/* Delete the oldest third and some others, as retention would, then trim. */
	const struct ref *order[N_EV];
	for (int i = 0; i < N_EV; i++)
		order[i] = &evs[i];
	qsort(order, N_EV, sizeof(order[0]), by_time);
	int64_t first_left = 0;
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	sqlite3_stmt *del;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), "DELETE FROM events WHERE id = ?1", -1,
					&del, NULL),
		     SQLITE_OK);
	for (int i = 0; i < N_EV; i++) {
		struct ref *r = (struct ref *)order[i];
		if (i < N_EV / 3 || i % 5 == 0) {
			r->gone = true;
			sqlite3_bind_int64(del, 1, r->id);
			cr_assert_eq(sqlite3_step(del), SQLITE_DONE);
			sqlite3_reset(del);
		} else if (!first_left) {
			first_left = r->time_us;
		}
	}
	sqlite3_finalize(del);
	cr_assert_eq(store_terms_trim(s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s), "SELECT min(day) FROM event_terms", -1,
					&st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int64(st, 0), store_day_of(first_left),
		     "days before the oldest event are gone");
	sqlite3_finalize(st);
	random_filters(s, 200);
	store_close(s);
}

static int cb(const struct stored_callout *c, void *arg)
{
	size_t l = strlen(arg);
	snprintf((char *)arg + l, 512 - l, "%d|%s|%s|%s|%s|%s|%s;", c->seq, c->priority,
		 c->location, c->part, c->serial ? c->serial : "-", c->ccin ? c->ccin : "-",
		 c->fru_kind);
	return 0;
}

Test(terms, migration_6_moves_callouts_into_the_row)
{
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < 5; v++)
		cr_assert_eq(sqlite3_exec(db, store_migrations[v], NULL, NULL, NULL), SQLITE_OK,
			     "migration %d", v + 1);
	cr_assert_eq(sqlite3_exec(db,
				  "PRAGMA user_version = 5;"
				  "INSERT INTO events (id, source, kind, dedupe_key, time_us,"
				  " logged_us, severity, refcode, location) VALUES"
				  " (1, 't', 'pel', 'a', 1764000000000000, 1, 2, 'BC8A090F',"
				  " 'U1-P1'), (2, 't', 'mce', 'b', 1764090000000000, 1, 2, NULL,"
				  " NULL);"
				  "INSERT INTO callouts VALUES (1, 1, 'M', 'U1-P1-C2', '02AB', NULL,"
				  " '2B2C', 'hw'), (1, 0, 'H', 'U1-P1-C1', '01FT', 'Y05\"x', NULL,"
				  " 'hw');",
				  NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);

	struct store *s = open_rw();
	char out[512] = "";
	struct ras_err e;
	cr_assert_eq(store_each_callout(s, 1, cb, out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(out, "0|H|U1-P1-C1|01FT|Y05\"x|-|hw;1|M|U1-P1-C2|02AB|-|2B2C|hw;");
	out[0] = 0;
	cr_assert_eq(store_each_callout(s, 2, cb, out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(out, "", "no callouts");
	/* The backfilled terms find the event by SRC and by either callout location. */
	struct event_filter f;
	int64_t ids[N_EV];
	event_filter_init(&f);
	f.location = "U1-P1-C2";
	cr_assert_eq(got(s, &f, ids), 1);
	cr_assert_eq(ids[0], 1);
	f.location = "U1-P1";
	f.src = "BC8A";
	cr_assert_eq(got(s, &f, ids), 1);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
					"SELECT group_concat(day || ' ' || term, ',') FROM"
					" (SELECT * FROM event_terms ORDER BY 1, 2)",
					-1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0),
			 "20416 l:U1-P1,20416 l:U1-P1-C1,20416 l:U1-P1-C2,20416 s:BC8A090F");
	sqlite3_finalize(st);
	store_close(s);
}

static int term_rows(struct store *s, int64_t day, const char *term)
{
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(store_sqlite(s),
					"SELECT count(*) FROM event_terms WHERE day = ?1 AND term = ?2",
					-1, &st, NULL),
		     SQLITE_OK);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, term, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void append_one(struct store *s, const char *key, const char *src)
{
	struct ras_err e;
	struct ras_event ev = { .source = "t", .kind = "pel", .dedupe_key = key, .time_us = T0,
				.severity = RAS_SEV_ERROR, .source_severity = -1, .refcode = src };
	cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
}

Test(terms, a_rolled_back_batch_does_not_leave_terms_remembered)
{
	struct store *s = open_rw();
	struct ras_err e;
	char key[32], src[32];
	/* More distinct terms than one flush holds: the first ones are written (and
	 * remembered) inside the batch, which is then rolled back. */
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "r%d", i);
		snprintf(src, sizeof(src), "B%07d", i);
		append_one(s, key, src);
	}
	store_rollback(s);
	cr_assert_eq(term_rows(s, store_day_of(T0), "s:B0000001"), 0);
	/* The same SRC in a committed batch is written. */
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	append_one(s, "c1", "B0000001");
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	cr_assert_eq(term_rows(s, store_day_of(T0), "s:B0000001"), 1);
	store_close(s);
}

Test(terms, another_writers_commit_makes_the_store_write_terms_again)
{
	struct store *a = open_rw(), *b;
	struct ras_err e;
	cr_assert_eq(store_begin(a, &e), 0, "%s", e.msg);
	append_one(a, "k1", "BC8A090F");
	cr_assert_eq(store_commit(a, &e), 0, "%s", e.msg);
	/* Another process prunes the day and its terms. */
	cr_assert_eq(store_open(path, STORE_RDWR, &b, &e), 0, "%s", e.msg);
	cr_assert_eq(sqlite3_exec(store_sqlite(b),
				  "DELETE FROM events; DELETE FROM event_terms;", NULL, NULL, NULL),
		     SQLITE_OK);
	store_close(b);
	/* The first store writes the term again for its next event of that day. */
	cr_assert_eq(store_begin(a, &e), 0, "%s", e.msg);
	append_one(a, "k2", "BC8A090F");
	cr_assert_eq(store_commit(a, &e), 0, "%s", e.msg);
	cr_assert_eq(term_rows(a, store_day_of(T0), "s:BC8A090F"), 1);
	struct event_filter f;
	int64_t ids[4];
	event_filter_init(&f);
	f.src = "BC8A";
	cr_assert_eq(got(a, &f, ids), 1, "and list --src finds the event");
	store_close(a);
}

Test(terms, a_value_longer_than_the_term_buffer_is_indexed_too)
{
	struct store *s = open_rw();
	struct ras_err e;
	char loc[700];
	memset(loc, 'L', sizeof(loc) - 1);
	loc[sizeof(loc) - 1] = 0;
	memcpy(loc, "U1-P1-", 6);
	struct ras_event ev = { .source = "t", .kind = "eeh", .dedupe_key = "long", .time_us = T0,
				.severity = RAS_SEV_ERROR, .source_severity = -1, .location = loc };
	cr_assert_eq(store_begin(s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_append(s, &ev, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(s, &e), 0, "%s", e.msg);
	char term[720];
	snprintf(term, sizeof(term), "l:%s", loc);
	cr_assert_eq(term_rows(s, store_day_of(T0), term), 1);
	struct event_filter f;
	int64_t ids[4];
	event_filter_init(&f);
	f.location = "U1-P1-LLL";
	cr_assert_eq(got(s, &f, ids), 1, "list --location finds it");
	store_close(s);
}
