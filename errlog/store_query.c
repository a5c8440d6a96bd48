/*
 * store_query.c - filtered reads of the error-log database (see store_query.h).
 *
 * Filters become one SQL statement with bound parameters (never text pasted into SQL),
 * shaped so SQLite uses the indexes: time ranges on events_time, SRC prefixes as
 * GLOB 'prefix*' on events_refcode, location prefixes on events_location and
 * callouts_location. Kinds are few: they filter rows found by time.
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
		      " AND (location GLOB ?%d OR id IN (SELECT event_id FROM callouts"
		      " WHERE location GLOB ?%d))",
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
	qq = calloc(1, sizeof(*qq));
	if (!qq) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto out;
	}
	qq->s = s;
	rc = prepare_bound(s, &q, &qq->st, e);
	if (rc) {
		free(qq);
		goto out;
	}
	*out = qq;
out:
	for (int i = 0; i < k.n; i++)
		free(k.v[i]);
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

int store_query_next(struct store_query *q, struct stored_event *row, struct ras_err *e)
{
	int rc = sqlite3_step(q->st);

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
			"SELECT seq, priority, location, part, serial, ccin, fru_kind FROM callouts"
			" WHERE event_id = ?1 ORDER BY seq",
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
	const int64_t day = 86400000000ll;
	int64_t d = t / day;

	if (t % day != 0 && t > 0)
		d++;
	return d;
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
