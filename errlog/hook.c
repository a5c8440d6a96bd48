/*
 * hook.c - hook configuration and matching (see hook.h).
 */
#include "errlog/hook.h"

#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int bad(const struct ydoc_node *n, struct ras_err *e, const char *what)
{
	return ras_errf(e, -EINVAL, "hooks: line %d: %s", n ? n->line : 0, what);
}

static int load_match(const struct ydoc_node *m, struct hook_match *hm, struct ras_err *e)
{
	static const char *const keys[] = { "kinds", "kind", "severity", "serviceable", "src",
					    "location", "subsystem", "guest", "source", NULL };
	int rc = 0;

	hm->min_severity = -1;
	hm->serviceable = -1;
	if (!m || m->type != YDOC_MAP)
		return bad(m, e, "match must be a mapping (use {} to match every event)");
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *k = m->kids[i]->scalar;
		bool known = false;
		for (const char *const *q = keys; *q; q++)
			known |= !strcmp(*q, k);
		if (!known) {
			char msg[128];
			snprintf(msg, sizeof(msg), "unknown match key \"%s\"", k);
			return bad(m->kids[i], e, msg);
		}
	}
	const struct ydoc_node *kinds = ydoc_get(m, "kinds");
	if (!kinds)
		kinds = ydoc_get(m, "kind");
	if (kinds && kinds->type == YDOC_SCALAR) {
		hm->kinds[hm->n_kinds++] = kinds->scalar;
	} else if (kinds && kinds->type == YDOC_SEQ) {
		for (size_t i = 0; i < kinds->n; i++) {
			if (kinds->kids[i]->type != YDOC_SCALAR || hm->n_kinds >= HOOK_MAX_KINDS)
				return bad(kinds, e, "kinds must be a list of names");
			hm->kinds[hm->n_kinds++] = kinds->kids[i]->scalar;
		}
	} else if (kinds) {
		return bad(kinds, e, "kinds must be a name or a list");
	}
	const char *sev = NULL;
	rc = ydoc_str(ydoc_get(m, "severity"), &sev, e);
	if (!rc && sev) {
		hm->min_severity = ras_severity_parse(sev);
		if (hm->min_severity < 0)
			return bad(ydoc_get(m, "severity"),
				   e, "severity must be info, warning, error or critical");
	}
	bool b;
	const struct ydoc_node *sv = ydoc_get(m, "serviceable");
	if (!rc && sv) {
		rc = ydoc_bool(sv, &b, e);
		hm->serviceable = b;
	}
	if (!rc)
		rc = ydoc_str(ydoc_get(m, "src"), &hm->src, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(m, "location"), &hm->location, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(m, "subsystem"), &hm->subsystem, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(m, "guest"), &hm->guest, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(m, "source"), &hm->source, e);
	return rc;
}

static int load_one(const struct ydoc_node *n, struct hook *h, struct ras_err *e)
{
	static const char *const keys[] = { "name",	    "match",	      "command",
					    "user",	    "group",	      "timeout",
					    "max_concurrent", "rate_limit",   "retries",
					    "retry_backoff",  NULL };
	int64_t v;
	int rc;

	if (n->type != YDOC_MAP)
		return bad(n, e, "each hook must be a mapping");
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		bool known = false;
		for (const char *const *q = keys; *q; q++)
			known |= !strcmp(*q, n->kids[i]->scalar);
		if (!known) {
			char msg[128];
			snprintf(msg, sizeof(msg), "unknown hook key \"%s\"", n->kids[i]->scalar);
			return bad(n->kids[i], e, msg);
		}
	}
	memset(h, 0, sizeof(*h));
	h->user = HOOK_DEFAULT_USER;
	h->timeout_us = 30ll * 1000000;
	h->max_concurrent = 1;
	h->retries = 3;
	h->retry_backoff_us = 10ll * 1000000;
	rc = ydoc_str(ydoc_get(n, "name"), &h->name, e);
	if (rc)
		return rc;
	if (!h->name || !*h->name || strpbrk(h->name, ": \t\n"))
		return bad(n, e, "a hook needs a name without spaces or ':'");
	rc = load_match(ydoc_get(n, "match"), &h->match, e);
	if (rc)
		return rc;
	const struct ydoc_node *cmd = ydoc_get(n, "command");
	if (!cmd || cmd->type != YDOC_SEQ || cmd->n == 0 || cmd->n > HOOK_MAX_ARGS)
		return bad(cmd ? cmd : n, e,
			   "command must be a list: the program and its arguments (no shell)");
	for (size_t i = 0; i < cmd->n; i++) {
		if (cmd->kids[i]->type != YDOC_SCALAR)
			return bad(cmd->kids[i], e, "command arguments must be strings");
		h->argv[i] = cmd->kids[i]->scalar;
	}
	if (h->argv[0][0] != '/')
		return bad(cmd, e, "the command must be an absolute path");
	rc = ydoc_str(ydoc_get(n, "user"), &h->user, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(n, "group"), &h->group, e);
	if (!rc)
		rc = ydoc_duration(ydoc_get(n, "timeout"), &h->timeout_us, e);
	if (!rc && h->timeout_us <= 0)
		return bad(ydoc_get(n, "timeout"), e, "timeout must be positive");
	v = h->max_concurrent;
	if (!rc)
		rc = ydoc_int(ydoc_get(n, "max_concurrent"), 1, 64, &v, e);
	h->max_concurrent = (int)v;
	v = h->retries;
	if (!rc)
		rc = ydoc_int(ydoc_get(n, "retries"), 0, 100, &v, e);
	h->retries = (int)v;
	if (!rc)
		rc = ydoc_duration(ydoc_get(n, "retry_backoff"), &h->retry_backoff_us, e);
	const struct ydoc_node *rl = ydoc_get(n, "rate_limit");
	if (!rc && rl) {
		v = 0;
		rc = ydoc_int(ydoc_get(rl, "runs"), 1, 1000000, &v, e);
		h->rate_runs = (int)v;
		h->rate_interval_us = 60ll * 1000000;
		if (!rc)
			rc = ydoc_duration(ydoc_get(rl, "per"), &h->rate_interval_us, e);
		if (!rc && (h->rate_runs <= 0 || h->rate_interval_us <= 0))
			return bad(rl, e, "rate_limit needs runs: N and per: DURATION");
	}
	return rc;
}

int hook_set_load(const struct ydoc_node *hooks, struct hook_set *set, struct ras_err *e)
{
	memset(set, 0, sizeof(*set));
	if (!hooks)
		return 0;
	if (hooks->type != YDOC_SEQ)
		return bad(hooks, e, "hooks must be a list");
	if (hooks->n > HOOK_MAX)
		return bad(hooks, e, "too many hooks");
	for (size_t i = 0; i < hooks->n; i++) {
		int rc = load_one(hooks->kids[i], &set->hooks[i], e);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(set->hooks[j].name, set->hooks[i].name))
				return bad(hooks->kids[i], e, "two hooks have the same name");
		set->n = i + 1;
	}
	return 0;
}

const struct hook *hook_find(const struct hook_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->hooks[i].name, name))
			return &set->hooks[i];
	return NULL;
}

static bool prefix_of(const char *p, const char *s)
{
	return s && !strncmp(s, p, strlen(p));
}

bool hook_matches(const struct hook_match *m, const struct ras_event *ev)
{
	if (m->n_kinds) {
		bool any = false;
		for (size_t i = 0; i < m->n_kinds && !any; i++) {
			size_t l = strlen(m->kinds[i]);
			if (l && m->kinds[i][l - 1] == '*')
				any = ev->kind && !strncmp(ev->kind, m->kinds[i], l - 1);
			else
				any = ev->kind && !strcmp(ev->kind, m->kinds[i]);
		}
		if (!any)
			return false;
	}
	if (m->min_severity >= 0 && (int)ev->severity < m->min_severity)
		return false;
	if (m->serviceable >= 0 && ev->serviceable != (m->serviceable == 1))
		return false;
	if (m->src) {
		if (!ev->refcode)
			return false;
		if (strpbrk(m->src, "*?[") ? fnmatch(m->src, ev->refcode, 0) != 0
					   : !prefix_of(m->src, ev->refcode))
			return false;
	}
	if (m->location) {
		bool any = prefix_of(m->location, ev->location);
		for (size_t i = 0; i < ev->n_callouts && !any; i++)
			any = prefix_of(m->location, ev->callouts[i].location);
		if (!any)
			return false;
	}
	if (m->subsystem && (!ev->subsystem || !strcasestr(ev->subsystem, m->subsystem)))
		return false;
	if (m->guest && (!ev->guest || strcmp(ev->guest, m->guest)))
		return false;
	if (m->source && (!ev->source || strcmp(ev->source, m->source)))
		return false;
	return true;
}

size_t hook_targets(const struct hook_set *set, const struct ras_event *ev, const char **targets,
		    size_t max, char *buf, size_t buflen)
{
	size_t n = 0, used = 0;

	for (size_t i = 0; i < set->n && n < max; i++) {
		if (!hook_matches(&set->hooks[i].match, ev))
			continue;
		int l = snprintf(buf + used, buflen - used, "hook:%s", set->hooks[i].name);
		if (l < 0 || (size_t)l >= buflen - used)
			break;
		targets[n++] = buf + used;
		used += (size_t)l + 1;
	}
	return n;
}

int hook_credentials(const struct hook *h, uid_t *uid, gid_t *gid, struct ras_err *e)
{
	struct passwd *pw = getpwnam(h->user);

	if (!pw)
		return ras_errf(e, -ENOENT, "hook %s: no user \"%s\"", h->name, h->user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (h->group) {
		struct group *g = getgrnam(h->group);
		if (!g)
			return ras_errf(e, -ENOENT, "hook %s: no group \"%s\"", h->name, h->group);
		*gid = g->gr_gid;
	}
	return 0;
}
