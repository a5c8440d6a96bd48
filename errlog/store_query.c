/*
 * store_query.c - filtered reads of the error-log database (see store_query.h).
 *
 * Filters become one SQL statement with bound parameters (never text pasted into SQL),
 * shaped so SQLite uses the indexes: time ranges on events_time; kinds are few, they
 * filter rows found by time. An SRC or location filter in time order walks the days
 * (newest or oldest first) that event_terms says hold a matching term, and runs the
 * statement for one day at a time with that day's time bounds: a rare SRC costs two
 * index lookups per day plus its own rows, a common one stops at the limit.
 */
#include "errlog/store_internal.h"
#include "errlog/store_query.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"

#define EVENT_COLS                                                                          \
	"id, source, kind, dedupe_key, time_us, logged_us, severity, source_severity,"      \
	" source_severity_name, subsystem, refcode, location, summary, serviceable,"        \
	" call_home, open, closed_us, close_reason, guest, attrs, raw"

struct store_query {
	struct store *s;
	sqlite3_stmt *st;
	struct day_walk *walk; /* NULL: st is the whole answer */
};

/* Walking the days that hold an SRC or location (event_terms), one statement per day. */
struct day_walk {
	sqlite3_stmt *rows[2];   /* [0] oldest first, [1] newest first; bounds ?1-?4 */
	sqlite3_stmt *step[2];   /* the next day with any term, after / before ?1 */
	sqlite3_stmt *has[2];    /* does day ?1 hold a term matching ?2 (SRC, location) */
	char *term_pat[2];
	int dir;                 /* rows[dir] and step[dir] are in use */
	bool in_day;             /* rows[dir] is running over `day` */
	bool two_phase;          /* newest `limit` rows, shown oldest first */
	int64_t day, first_day, last_day; /* next day to look at; the range (inclusive) */
	int64_t since, until;    /* the filter's bounds; 0 = none */
	int64_t cut_time, cut_id; /* rows at or after (cut_time, cut_id) only */
	int64_t left;            /* rows the limit still allows; -1 = no limit */
};

void event_filter_init(struct event_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->min_severity = -1;
	f->serviceable = -1;
	f->open = -1;
}

/* A growable SQL text with its parameters. */
struct qbuf {
	char sql[4096];
	size_t len;
	const char *params[64];
	int64_t iparams[64];
	bool is_int[64];
	int n;
	bool overflow;
};

static void q_add(struct qbuf *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void q_add(struct qbuf *q, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(q->sql + q->len, sizeof(q->sql) - q->len, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(q->sql) - q->len)
		q->overflow = true;
	else
		q->len += (size_t)r;
}

/* Add a text parameter; returns its index (1-based). */
static int q_text(struct qbuf *q, const char *v)
{
	if (q->n >= 64) {
		q->overflow = true;
		return 64;
	}
	q->params[q->n] = v;
	q->is_int[q->n] = false;
	return ++q->n;
}

static int q_int(struct qbuf *q, int64_t v)
{
	if (q->n >= 64) {
		q->overflow = true;
		return 64;
	}
	q->iparams[q->n] = v;
	q->is_int[q->n] = true;
	return ++q->n;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Owned strings made while building one query (patterns). */
struct qstrings {
	char *v[16];
	int n;
};

static const char *keep(struct qstrings *k, char *s)
{
	if (!s || k->n >= 16) {
		free(s);
		return "";
	}
	k->v[k->n++] = s;
	return s;
}

/* "prefix*" with GLOB metacharacters of the prefix bracketed, so it matches literally. */
static char *glob_prefix(const char *p)
{
	size_t n = strlen(p);
	char *out = malloc(n * 3 + 2), *o = out;

	if (!out)
		return NULL;
	for (const char *c = p; *c; c++) {
		if (*c == '*' || *c == '?' || *c == '[') {
			*o++ = '[';
			*o++ = *c;
			*o++ = ']';
		} else {
			*o++ = *c;
		}
	}
	*o++ = '*';
	*o = 0;
	return out;
}

static void build_where(struct qbuf *q, const struct event_filter *f, struct qstrings *k)
{
	q_add(q, " WHERE 1");
	if (f->since_us)
		q_add(q, " AND time_us >= ?%d", q_int(q, f->since_us));
	if (f->until_us)
		q_add(q, " AND time_us < ?%d", q_int(q, f->until_us));
	if (f->min_severity >= 0)
		q_add(q, " AND severity >= ?%d", q_int(q, f->min_severity));
	if (f->after_id)
		q_add(q, " AND id > ?%d", q_int(q, f->after_id));
	if (f->kinds && *f->kinds) {
		char *list = strdup(f->kinds), *save = NULL;
		keep(k, list);
		q_add(q, " AND (0");
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			size_t tl = strlen(t);
			if (tl && t[tl - 1] == '*') {
				t[tl - 1] = 0;
				q_add(q, " OR kind GLOB ?%d", q_text(q, keep(k, glob_prefix(t))));
			} else {
				q_add(q, " OR kind = ?%d", q_text(q, t));
			}
		}
		q_add(q, ")");
	}
	if (f->src && *f->src) {
		const char *pat = has_glob(f->src) ? f->src : keep(k, glob_prefix(f->src));
		q_add(q, " AND refcode GLOB ?%d", q_text(q, pat));
	}
	if (f->location && *f->location) {
		int i = q_text(q, keep(k, glob_prefix(f->location)));
		q_add(q,
		      " AND (location GLOB ?%d OR EXISTS (SELECT 1 FROM json_each(callouts)"
		      " WHERE value ->> 1 GLOB ?%d))",
		      i, i);
	}
	if (f->subsystem && *f->subsystem) {
		char *pat;
		if (asprintf(&pat, "%%%s%%", f->subsystem) < 0)
			pat = NULL;
		q_add(q, " AND subsystem LIKE ?%d ESCAPE '\\'", q_text(q, keep(k, pat)));
	}
	if (f->source && *f->source)
		q_add(q, " AND source = ?%d", q_text(q, f->source));
	if (f->guest && *f->guest) {
		int gi = q_text(q, f->guest);
		q_add(q,
		      " AND (guest = ?%d OR id IN (SELECT event_id FROM guest_forwards"
		      " WHERE guest = ?%d))",
		      gi, gi);
	}
	if (f->serviceable >= 0)
		q_add(q, " AND serviceable = %d", f->serviceable ? 1 : 0);
	if (f->open >= 0)
		q_add(q, " AND open = %d", f->open ? 1 : 0);
}

static int prepare_bound(struct store *s, struct qbuf *q, sqlite3_stmt **st, struct ras_err *e)
{
	if (q->overflow)
		return ras_errf(e, -E2BIG, "query too complex");
	if (sqlite3_prepare_v2(s->db, q->sql, -1, st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare query");
	for (int i = 0; i < q->n; i++) {
		if (q->is_int[i])
			sqlite3_bind_int64(*st, i + 1, q->iparams[i]);
		else
			sqlite3_bind_text(*st, i + 1, q->params[i], -1, SQLITE_TRANSIENT);
	}
	return 0;
}

/* The bounded day range of a walk: the filter's bounds, else the terms' own range. */
static int walk_range(struct store *s, struct day_walk *w, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT min(day), max(day) FROM event_terms", -1, &st,
			       NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sqlerr(s, e, "query");
	}
	bool empty = sqlite3_column_type(st, 0) == SQLITE_NULL;
	w->first_day = empty ? 0 : sqlite3_column_int64(st, 0);
	w->last_day = empty ? -1 : sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (w->since && store_day_of(w->since) > w->first_day)
		w->first_day = store_day_of(w->since);
	if (w->until && store_day_of(w->until - 1) < w->last_day)
		w->last_day = store_day_of(w->until - 1);
	return 0;
}

static int prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct ras_err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare query");
	return 0;
}

/* A walk over the days holding f's SRC and/or location terms. */
static int walk_begin(struct store *s, const struct event_filter *f, struct store_query *qq,
		      struct qstrings *k, struct ras_err *e)
{
	struct day_walk *w = calloc(1, sizeof(*w));
	const char *pats[2] = { NULL, NULL };
	int rc = 0;

	if (!w)
		return ras_errf(e, -ENOMEM, "out of memory");
	qq->walk = w;
	w->since = f->since_us;
	w->until = f->until_us;
	w->cut_time = INT64_MIN;
	w->cut_id = INT64_MIN;
	w->left = f->limit > 0 ? f->limit : -1;
	w->two_phase = f->limit > 0 && !f->newest_first;
	w->dir = f->newest_first || w->two_phase;
	if (f->src && *f->src)
		pats[0] = has_glob(f->src) ? f->src : keep(k, glob_prefix(f->src));
	if (f->location && *f->location)
		pats[1] = keep(k, glob_prefix(f->location));
	for (int i = 0; i < 2; i++) {
		if (!pats[i])
			continue;
		if (asprintf(&w->term_pat[i], "%c:%s", i ? 'l' : 's', pats[i]) < 0) {
			w->term_pat[i] = NULL;
			return ras_errf(e, -ENOMEM, "out of memory");
		}
		rc = prepare(s, "SELECT 1 FROM event_terms WHERE day = ?1 AND term GLOB ?2 LIMIT 1",
			     &w->has[i], e);
		if (rc)
			return rc;
		sqlite3_bind_text(w->has[i], 2, w->term_pat[i], -1, SQLITE_STATIC);
	}
	for (int d = 0; d < 2; d++) {
		struct qbuf q = { .len = 0 };
		/* ?1-?4 are the day's bounds and the cut, bound per day. */
		for (int i = 0; i < 4; i++)
			q_int(&q, 0);
		q_add(&q, "SELECT " EVENT_COLS " FROM events");
		build_where(&q, f, k);
		q_add(&q, " AND time_us >= ?1 AND time_us < ?2 AND (time_us, id) >= (?3, ?4)"
			  " ORDER BY %s", d ? "time_us DESC, id DESC" : "time_us ASC, id ASC");
		rc = prepare_bound(s, &q, &w->rows[d], e);
		if (rc)
			return rc;
	}
	rc = prepare(s, "SELECT day FROM event_terms WHERE day > ?1 ORDER BY day LIMIT 1",
		     &w->step[0], e);
	if (!rc)
		rc = prepare(s, "SELECT day FROM event_terms WHERE day < ?1 ORDER BY day DESC LIMIT 1",
			     &w->step[1], e);
	if (!rc)
		rc = walk_range(s, w, e);
	w->day = w->dir ? w->last_day : w->first_day;
	return rc;
}

static void walk_free(struct day_walk *w)
{
	if (!w)
		return;
	for (int i = 0; i < 2; i++) {
		sqlite3_finalize(w->rows[i]);
		sqlite3_finalize(w->step[i]);
		sqlite3_finalize(w->has[i]);
		free(w->term_pat[i]);
	}
	free(w);
}

int store_query_begin(struct store *s, const struct event_filter *f, struct store_query **out,
		      struct ras_err *e)
{
	struct qbuf q = { .len = 0 };
	struct qstrings k = { .n = 0 };
	struct store_query *qq;
	const char *order_desc = f->by_id ? "id DESC" : "time_us DESC, id DESC";
	const char *order_asc = f->by_id ? "id ASC" : "time_us ASC, id ASC";
	int rc;

	*out = NULL;
	qq = calloc(1, sizeof(*qq));
	if (!qq)
		return ras_errf(e, -ENOMEM, "out of memory");
	qq->s = s;
	if (((f->src && *f->src) || (f->location && *f->location)) && !f->by_id) {
		rc = walk_begin(s, f, qq, &k, e);
		goto out;
	}
	if (f->limit > 0 && !f->newest_first && !f->by_id) {
		/* The newest `limit` rows, shown oldest first. */
		q_add(&q, "SELECT * FROM (SELECT " EVENT_COLS " FROM events");
		build_where(&q, f, &k);
		q_add(&q, " ORDER BY %s LIMIT %lld) ORDER BY %s", order_desc, (long long)f->limit,
		      order_asc);
	} else {
		q_add(&q, "SELECT " EVENT_COLS " FROM events");
		build_where(&q, f, &k);
		q_add(&q, " ORDER BY %s", f->newest_first ? order_desc : order_asc);
		if (f->limit > 0)
			q_add(&q, " LIMIT %lld", (long long)f->limit);
	}
	rc = prepare_bound(s, &q, &qq->st, e);
out:
	for (int i = 0; i < k.n; i++)
		free(k.v[i]);
	if (rc)
		store_query_end(qq);
	else
		*out = qq;
	return rc;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void fill_row(sqlite3_stmt *st, struct stored_event *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->source = col_text(st, 1);
	r->kind = col_text(st, 2);
	r->dedupe_key = col_text(st, 3);
	r->time_us = sqlite3_column_int64(st, 4);
	r->logged_us = sqlite3_column_int64(st, 5);
	r->severity = sqlite3_column_int(st, 6);
	r->source_severity =
		sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
	r->source_severity_name = col_text(st, 8);
	r->subsystem = col_text(st, 9);
	r->refcode = col_text(st, 10);
	r->location = col_text(st, 11);
	r->summary = col_text(st, 12);
	r->serviceable = sqlite3_column_int(st, 13);
	r->call_home = sqlite3_column_int(st, 14);
	r->open = sqlite3_column_int(st, 15);
	r->closed_us = sqlite3_column_int64(st, 16);
	r->close_reason = col_text(st, 17);
	r->guest = col_text(st, 18);
	r->attrs_json = col_text(st, 19);
	r->raw = sqlite3_column_blob(st, 20);
	r->raw_len = (size_t)sqlite3_column_bytes(st, 20);
}

/* *hit: whether day holds the walk's terms (every one asked for). 0, or negative on
 * error. */
static int day_matches(struct store *s, struct day_walk *w, int64_t day, bool *hit,
		       struct ras_err *e)
{
	*hit = true;
	for (int i = 0; i < 2 && *hit; i++) {
		if (!w->has[i])
			continue;
		sqlite3_reset(w->has[i]);
		sqlite3_bind_int64(w->has[i], 1, day);
		int rc = sqlite3_step(w->has[i]);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_sqlerr(s, e, "query");
		*hit = rc == SQLITE_ROW;
	}
	return 0;
}

/* Move to the next day (in walk direction) that holds the terms and start its rows.
 * 1: started, 0: no more days. */
static int walk_next_day(struct store *s, struct day_walk *w, struct ras_err *e)
{
	for (;;) {
		bool hit;
		int rc;

		if (w->day < w->first_day || w->day > w->last_day)
			return 0;
		rc = day_matches(s, w, w->day, &hit, e);
		if (rc)
			return rc;
		if (hit) {
			sqlite3_stmt *st = w->rows[w->dir];
			int64_t lo = w->day * STORE_DAY_USEC, hi = lo + STORE_DAY_USEC;
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, w->since && w->since > lo ? w->since : lo);
			sqlite3_bind_int64(st, 2, w->until && w->until < hi ? w->until : hi);
			sqlite3_bind_int64(st, 3, w->cut_time);
			sqlite3_bind_int64(st, 4, w->cut_id);
			w->in_day = true;
			return 1;
		}
		/* The next day that has any term at all (days without events are skipped
		 * in one index lookup). */
		sqlite3_stmt *step = w->step[w->dir];
		sqlite3_reset(step);
		sqlite3_bind_int64(step, 1, w->day);
		rc = sqlite3_step(step);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW)
			return store_sqlerr(s, e, "query");
		w->day = sqlite3_column_int64(step, 0);
	}
}

/* Oldest first from day `from`, rows at or after (time_us, id) only. The two-phase walk
 * (newest `limit` rows, shown oldest first) turns here once its newest-first pass has
 * found the oldest row to show, or run out of days (then all rows are shown). */
static void walk_turn(struct day_walk *w, int64_t time_us, int64_t id, int64_t from)
{
	w->cut_time = time_us;
	w->cut_id = id;
	w->two_phase = false;
	w->dir = 0;
	w->left = -1;
	w->day = from;
	w->in_day = false;
	sqlite3_reset(w->rows[1]);
}

static int walk_step(struct store_query *q, struct stored_event *row, struct ras_err *e)
{
	struct day_walk *w = q->walk;
	int rc;

	for (;;) {
		if (w->left == 0)
			return 0;
		if (!w->in_day) {
			rc = walk_next_day(q->s, w, e);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				if (!w->two_phase)
					return 0;
				walk_turn(w, INT64_MIN, INT64_MIN, w->first_day);
				continue;
			}
		}
		sqlite3_stmt *st = w->rows[w->dir];
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if (w->two_phase) {
				if (--w->left == 0) {
					int64_t t = sqlite3_column_int64(st, 4);
					walk_turn(w, t, sqlite3_column_int64(st, 0), store_day_of(t));
				}
				continue;
			}
			if (w->left > 0)
				w->left--;
			fill_row(st, row);
			return 1;
		}
		if (rc != SQLITE_DONE)
			return store_sqlerr(q->s, e, "query");
		w->in_day = false;
		w->day += w->dir ? -1 : 1;
	}
}

int store_query_next(struct store_query *q, struct stored_event *row, struct ras_err *e)
{
	int rc;

	if (q->walk)
		return walk_step(q, row, e);
	rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW) {
		fill_row(q->st, row);
		return 1;
	}
	if (rc == SQLITE_DONE)
		return 0;
	return store_sqlerr(q->s, e, "query");
}

void store_query_end(struct store_query *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->st);
	walk_free(q->walk);
	free(q);
}

int store_get_event(struct store *s, int64_t id, struct store_query **out,
		    struct stored_event *row, struct ras_err *e)
{
	struct store_query *q = calloc(1, sizeof(*q));
	int rc;

	*out = NULL;
	if (!q)
		return ras_errf(e, -ENOMEM, "out of memory");
	q->s = s;
	if (sqlite3_prepare_v2(s->db, "SELECT " EVENT_COLS " FROM events WHERE id = ?1", -1,
			       &q->st, NULL) != SQLITE_OK) {
		free(q);
		return store_sqlerr(s, e, "prepare");
	}
	sqlite3_bind_int64(q->st, 1, id);
	rc = store_query_next(q, row, e);
	if (rc <= 0) {
		store_query_end(q);
		return rc < 0 ? rc : ras_errf(e, -ENOENT, "no event with id %lld", (long long)id);
	}
	*out = q;
	return 0;
}

/* Run a one-parameter (id) statement and call back per row. */
static int each_row(struct store *s, const char *sql, int64_t id,
		    int (*row)(sqlite3_stmt *st, void *arg), void *arg, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare");
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = row(st, arg);
		if (r) {
			sqlite3_finalize(st);
			return r;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "query");
}

struct cb_pair {
	void *cb;
	void *arg;
};

static int callout_row(sqlite3_stmt *st, void *arg)
{
	struct cb_pair *p = arg;
	struct stored_callout c = {
		.seq = sqlite3_column_int(st, 0),
		.priority = col_text(st, 1),
		.location = col_text(st, 2),
		.part = col_text(st, 3),
		.serial = col_text(st, 4),
		.ccin = col_text(st, 5),
		.fru_kind = col_text(st, 6),
	};
	return ((int (*)(const struct stored_callout *, void *))p->cb)(&c, p->arg);
}

int store_each_callout(struct store *s, int64_t id,
		       int (*cb)(const struct stored_callout *c, void *arg), void *arg,
		       struct ras_err *e)
{
	struct cb_pair p = { (void *)cb, arg };
	return each_row(s,
			"SELECT c.key, c.value ->> 0, c.value ->> 1, c.value ->> 2, c.value ->> 3,"
			" c.value ->> 4, c.value ->> 5 FROM events, json_each(events.callouts) c"
			" WHERE events.id = ?1 ORDER BY c.key",
			id, callout_row, &p, e);
}

static int history_row(sqlite3_stmt *st, void *arg)
{
	struct cb_pair *p = arg;
	struct stored_history h = {
		.time_us = sqlite3_column_int64(st, 0),
		.action = col_text(st, 1),
		.actor = col_text(st, 2),
		.reason = col_text(st, 3),
	};
	return ((int (*)(const struct stored_history *, void *))p->cb)(&h, p->arg);
}

int store_each_history(struct store *s, int64_t id,
		       int (*cb)(const struct stored_history *h, void *arg), void *arg,
		       struct ras_err *e)
{
	struct cb_pair p = { (void *)cb, arg };
	return each_row(s,
			"SELECT time_us, action, actor, reason FROM event_history"
			" WHERE event_id = ?1 ORDER BY time_us, rowid",
			id, history_row, &p, e);
}

static int delivery_row(sqlite3_stmt *st, void *arg)
{
	struct cb_pair *p = arg;
	struct stored_delivery d = {
		.id = sqlite3_column_int64(st, 0),
		.target = col_text(st, 1),
		.state = col_text(st, 2),
		.attempts = sqlite3_column_int(st, 3),
		.updated_us = sqlite3_column_int64(st, 4),
	};
	return ((int (*)(const struct stored_delivery *, void *))p->cb)(&d, p->arg);
}

int store_each_delivery(struct store *s, int64_t id,
			int (*cb)(const struct stored_delivery *d, void *arg), void *arg,
			struct ras_err *e)
{
	struct cb_pair p = { (void *)cb, arg };
	return each_row(s,
			"SELECT id, target, state, attempts, updated_us FROM outbox"
			" WHERE event_id = ?1 ORDER BY id",
			id, delivery_row, &p, e);
}

static int forward_row(sqlite3_stmt *st, void *arg)
{
	struct cb_pair *p = arg;
	struct stored_forward f = {
		.id = sqlite3_column_int64(st, 0),
		.target = col_text(st, 1),
		.cls = col_text(st, 2),
		.action = col_text(st, 3),
		.socket = col_text(st, 4),
		.guest = col_text(st, 5),
		.device = col_text(st, 6),
		.attempt = sqlite3_column_int(st, 7),
		.started_us = sqlite3_column_int64(st, 8),
		.latency_us = sqlite3_column_int64(st, 9),
		.result = col_text(st, 10),
		.error = col_text(st, 11),
	};
	return ((int (*)(const struct stored_forward *, void *))p->cb)(&f, p->arg);
}

int store_each_forward(struct store *s, int64_t id,
		       int (*cb)(const struct stored_forward *f, void *arg), void *arg,
		       struct ras_err *e)
{
	struct cb_pair p = { (void *)cb, arg };
	return each_row(s,
			"SELECT id, target, class, action, socket, guest, device, attempt,"
			" started_us, latency_us, result, error FROM guest_forwards"
			" WHERE event_id = ?1 ORDER BY id",
			id, forward_row, &p, e);
}

int store_event_set_open(struct store *s, int64_t id, bool open, const char *actor,
			 const char *reason, struct ras_err *e)
{
	sqlite3_stmt *st = NULL;
	int64_t now = time_now_us();
	int rc, cur;

	rc = store_begin(s, e);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT open FROM events WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = store_sqlerr(s, e, "prepare");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? ras_errf(e, -ENOENT, "no event with id %lld", (long long)id)
				       : store_sqlerr(s, e, "read event");
		goto fail;
	}
	cur = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (cur == (int)open) {
		rc = ras_errf(e, -EALREADY, "event %lld is already %s", (long long)id,
			      open ? "open" : "closed");
		goto fail;
	}
	if (sqlite3_prepare_v2(s->db,
			       "UPDATE events SET open = ?2, closed_us = ?3, close_reason = ?4"
			       " WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = store_sqlerr(s, e, "prepare");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, open);
	if (!open) {
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_sqlerr(s, e, "update event");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO event_history (event_id, time_us, action, actor, reason)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = store_sqlerr(s, e, "prepare");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, open ? "reopen" : "close", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_sqlerr(s, e, "record history");
		goto fail;
	}
	sqlite3_finalize(st);
	return store_commit(s, e);
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	return rc;
}

/* The first whole day at or after t (microseconds), in days since 1970. */
static int64_t first_whole_day(int64_t t)
{
	return t == INT64_MIN ? store_day_of(t) : store_day_of(t - 1) + 1;
}

/* Counts come from events_rollup for the whole days after since_us and from the events
 * themselves (found by events_time) for the part of a day before that. */
#define STATS_ROWS                                                                           \
	"WITH r AS (SELECT day, kind, severity, subsystem, open, n FROM events_rollup"       \
	" WHERE day >= ?2 UNION ALL SELECT " STORE_DAY_SQL("time_us") ", kind, severity,"    \
	" coalesce(subsystem, '-'), open, 1 FROM events"                                       \
	" WHERE time_us >= ?1 AND time_us < ?2 * " STORE_DAY_US ") "

int store_stats(struct store *s, int64_t since_us,
		int (*cb)(const char *group, const char *key, int64_t count, void *arg), void *arg,
		struct ras_err *e)
{
	static const struct {
		const char *group;
		const char *sql;
	} q[] = {
		{ "kind", STATS_ROWS "SELECT kind, sum(n) FROM r GROUP BY kind ORDER BY 2 DESC, 1" },
		{ "severity",
		  STATS_ROWS "SELECT severity, sum(n) FROM r GROUP BY severity ORDER BY 1 DESC" },
		{ "subsystem",
		  STATS_ROWS "SELECT subsystem, sum(n) FROM r GROUP BY 1 ORDER BY 2 DESC, 1" },
		{ "day", STATS_ROWS "SELECT date(day * 86400, 'unixepoch'), sum(n) FROM r"
				    " GROUP BY day ORDER BY day" },
		{ "state", STATS_ROWS "SELECT CASE WHEN open THEN 'open' ELSE 'closed' END, sum(n)"
				      " FROM r GROUP BY 1 ORDER BY 1 DESC" },
	};
	int64_t day0 = first_whole_day(since_us);

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st;
		int rc;
		if (sqlite3_prepare_v2(s->db, q[i].sql, -1, &st, NULL) != SQLITE_OK)
			return store_sqlerr(s, e, "prepare stats");
		sqlite3_bind_int64(st, 1, since_us);
		sqlite3_bind_int64(st, 2, day0);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *key = col_text(st, 0);
			char sev[16];
			if (!strcmp(q[i].group, "severity")) {
				snprintf(sev, sizeof(sev), "%s",
					 ras_severity_name(sqlite3_column_int(st, 0)));
				key = sev;
			}
			int r = cb(q[i].group, key ? key : "-", sqlite3_column_int64(st, 1), arg);
			if (r) {
				sqlite3_finalize(st);
				return r;
			}
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_sqlerr(s, e, "stats");
	}
	return 0;
}

int store_check(struct store *s, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "integrity_check");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp(col_text(st, 0) ? col_text(st, 0) : "", "ok")) {
		rc = ras_errf(e, -EIO, "%s: integrity check: %s", s->path, col_text(st, 0));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, e, "integrity_check");
	if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "foreign_key_check");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = ras_errf(e, -EIO, "%s: table %s row %lld refers to a missing %s row", s->path,
			      col_text(st, 0), (long long)sqlite3_column_int64(st, 1),
			      col_text(st, 2));
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "foreign_key_check");
}

int store_data_version(struct store *s, int64_t *v, struct ras_err *e)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "data_version");
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_sqlerr(s, e, "data_version");
	}
	*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int64_t store_max_id(struct store *s)
{
	sqlite3_stmt *st;
	int64_t v = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM events", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
