/*
 * retention.c - pruning old events by policy (see retention.h).
 *
 * Every decision is one SELECT of candidate ids (the dry run stops there), then
 * batched DELETEs by id; history, outbox and forward rows go with their event through
 * ON DELETE CASCADE (callouts and attributes are columns of the event row). The
 * event_terms rows of days before the oldest remaining event go last.
 */
#include "errlog/retention.h"
#include "errlog/store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"

#define DAY_US (86400ll * 1000000)

void retention_policy_default(struct retention_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->max_age_us[RAS_SEV_INFO] = 90 * DAY_US;
	p->max_age_us[RAS_SEV_WARNING] = 180 * DAY_US;
	p->max_age_us[RAS_SEV_ERROR] = 730 * DAY_US;
	p->max_age_us[RAS_SEV_CRITICAL] = 1826 * DAY_US;
	p->max_count[RAS_SEV_INFO] = 100000;
	p->max_count[RAS_SEV_WARNING] = 100000;
	p->open_serviceable_max_age_us = 3652 * DAY_US;
	p->batch = 5000;
}

static int split_arg(const char *arg, int *sev, const char **val, struct ras_err *e)
{
	const char *eq = strchr(arg, '=');
	char name[32];

	if (!eq || (size_t)(eq - arg) >= sizeof(name))
		return ras_errf(e, -EINVAL, "expected SEVERITY=VALUE, got \"%s\"", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	*sev = ras_severity_parse(name);
	if (*sev < 0)
		return ras_errf(e, -EINVAL,
				"unknown severity \"%s\" (info, warning, error, critical)", name);
	*val = eq + 1;
	return 0;
}

int retention_set_age(struct retention_policy *p, const char *arg, struct ras_err *e)
{
	const char *v;
	int sev, rc = split_arg(arg, &sev, &v, e);

	if (rc)
		return rc;
	return time_parse_duration(v, &p->max_age_us[sev], e);
}

int retention_set_count(struct retention_policy *p, const char *arg, struct ras_err *e)
{
	const char *v;
	char *end;
	int sev, rc = split_arg(arg, &sev, &v, e);

	if (rc)
		return rc;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return ras_errf(e, -EINVAL, "bad count \"%s\"", v);
	p->max_count[sev] = n;
	return 0;
}

/* Collect candidate ids of one SELECT into a growable array. */
struct idlist {
	int64_t *v;
	size_t n, cap;
};

static int idlist_push(struct idlist *l, int64_t id)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 1024;
		int64_t *nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = nc;
	}
	l->v[l->n++] = id;
	return 0;
}

static int select_ids(struct store *s, const char *sql, int64_t a, int64_t b, struct idlist *l,
		      struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_sqlerr(s, e, "prepare prune");
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (idlist_push(l, sqlite3_column_int64(st, 0))) {
			sqlite3_finalize(st);
			return ras_errf(e, -ENOMEM, "out of memory");
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(s, e, "select prune candidates");
}

static void list_ids(struct store *s, const struct idlist *l, const char *why, FILE *f)
{
	sqlite3_stmt *st;
	char t[40];

	if (!f || sqlite3_prepare_v2(s->db,
				     "SELECT time_us, kind, severity, coalesce(refcode, ''),"
				     " coalesce(summary, '') FROM events WHERE id = ?1",
				     -1, &st, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < l->n; i++) {
		sqlite3_bind_int64(st, 1, l->v[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			fprintf(f, "%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)l->v[i],
				time_format(sqlite3_column_int64(st, 0), false, t, sizeof(t)),
				sqlite3_column_text(st, 1),
				ras_severity_name(sqlite3_column_int(st, 2)),
				sqlite3_column_text(st, 3), why, sqlite3_column_text(st, 4));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static int delete_ids(struct store *s, const struct idlist *l, int batch, struct ras_err *e)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (batch <= 0)
		batch = 5000;
	for (size_t i = 0; i < l->n && !rc; i += (size_t)batch) {
		rc = store_begin(s, e);
		if (rc)
			return rc;
		if (sqlite3_prepare_v2(s->db, "DELETE FROM events WHERE id = ?1", -1, &st, NULL) !=
		    SQLITE_OK) {
			rc = store_sqlerr(s, e, "prepare delete");
			store_rollback(s);
			return rc;
		}
		for (size_t j = i; j < l->n && j < i + (size_t)batch; j++) {
			sqlite3_bind_int64(st, 1, l->v[j]);
			if (sqlite3_step(st) != SQLITE_DONE) {
				rc = store_sqlerr(s, e, "delete");
				break;
			}
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		if (rc) {
			store_rollback(s);
			return rc;
		}
		rc = store_commit(s, e);
	}
	return rc;
}

int retention_prune(struct store *s, const struct retention_policy *p, int64_t now_us,
		    bool dry_run, FILE *list, struct retention_result *r, struct ras_err *e)
{
	static const char *const why_age[] = { "age(info)", "age(warning)", "age(error)",
					       "age(critical)" };
	static const char *const why_count[] = { "count(info)", "count(warning)", "count(error)",
						 "count(critical)" };
	struct idlist l = { 0 };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	for (int sev = 0; sev < 4 && !rc; sev++) {
		/* Age: everything older than the limit but open serviceable events. */
		if (p->max_age_us[sev] > 0) {
			l.n = 0;
			rc = select_ids(s,
					"SELECT id FROM events WHERE severity = ?1 AND time_us < ?2"
					" AND NOT (serviceable AND open) ORDER BY id",
					sev, now_us - p->max_age_us[sev], &l, e);
			if (rc)
				break;
			r->by_age[sev] = (int64_t)l.n;
			list_ids(s, &l, why_age[sev], list);
			if (!dry_run)
				rc = delete_ids(s, &l, p->batch, e);
		}
		/* Count: the oldest beyond the limit, open serviceable events exempt. In a dry
		 * run the age candidates are still present, so skip as many. */
		if (!rc && p->max_count[sev] > 0) {
			l.n = 0;
			int64_t skip = dry_run ? r->by_age[sev] : 0;
			rc = select_ids(s,
					"SELECT id FROM events WHERE severity = ?1"
					" AND NOT (serviceable AND open)"
					" ORDER BY time_us DESC, id DESC LIMIT -1 OFFSET ?2",
					sev, p->max_count[sev], &l, e);
			if (rc)
				break;
			/* In a dry run the age victims (the oldest) are in this list too. */
			size_t extra = l.n > (size_t)skip ? l.n - (size_t)skip : 0;
			l.n = dry_run ? extra : l.n;
			r->by_count[sev] = (int64_t)l.n;
			list_ids(s, &l, why_count[sev], list);
			if (!dry_run)
				rc = delete_ids(s, &l, p->batch, e);
		}
	}
	if (!rc && p->open_serviceable_max_age_us > 0) {
		l.n = 0;
		rc = select_ids(s,
				"SELECT id FROM events WHERE serviceable AND open AND time_us < ?2"
				" AND ?1 = ?1 ORDER BY id",
				0, now_us - p->open_serviceable_max_age_us, &l, e);
		if (!rc) {
			r->open_serviceable_by_age = (int64_t)l.n;
			list_ids(s, &l, "age(open serviceable)", list);
			if (!dry_run)
				rc = delete_ids(s, &l, p->batch, e);
		}
	}
	free(l.v);
	for (int sev = 0; sev < 4; sev++)
		r->total += r->by_age[sev] + r->by_count[sev];
	r->total += r->open_serviceable_by_age;
	if (!rc && !dry_run && r->total > 0) {
		rc = store_terms_trim(s, e);
		if (!rc)
			sqlite3_exec(s->db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);
	}
	return rc;
}
