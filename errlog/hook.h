/*
 * hook.h - alerting hooks: which user commands run for which events, and how.
 *
 * A hook is configured under `hooks:` (YAML): a name, a declarative match, a command as
 * an argument vector (never a shell), the user/group to run as (an unprivileged user by
 * default; root only when named explicitly), a timeout, concurrency and rate limits,
 * and retries. Matching happens when an event is stored: the outbox row for each
 * matching hook is written in the event's own transaction (ARCHITECTURE 1.3); the
 * daemon's outbox worker runs it after the commit (opal-prd/outbox.c) through the
 * process runner (hook_run.h).
 */
#ifndef OPAL_RAS_ERRLOG_HOOK_H
#define OPAL_RAS_ERRLOG_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "errlog/event.h"
#include "errlog/yaml_doc.h"

#define HOOK_MAX 32
#define HOOK_MAX_ARGS 32
#define HOOK_MAX_KINDS 16
#define HOOK_DEFAULT_USER "nobody"

struct hook_match {
	const char *kinds[HOOK_MAX_KINDS]; /* empty = any; "prd*" = prefix */
	size_t n_kinds;
	int min_severity;       /* -1 = any */
	int serviceable;        /* -1 any, 0 not, 1 only */
	const char *src;        /* prefix, or a glob with * ? [ */
	const char *location;   /* prefix */
	const char *subsystem;  /* substring, case-insensitive */
	const char *guest;      /* exact */
	const char *source;     /* exact */
};

struct hook {
	const char *name;
	struct hook_match match;
	const char *argv[HOOK_MAX_ARGS + 1]; /* NULL-terminated */
	const char *user;   /* HOOK_DEFAULT_USER unless configured */
	const char *group;  /* NULL = the user's primary group */
	int64_t timeout_us; /* 30 s; then SIGTERM to the process group, 5 s later SIGKILL */
	int max_concurrent; /* 1 */
	int rate_runs;      /* 0 = no limit; else at most rate_runs runs per rate_interval */
	int64_t rate_interval_us;
	int retries;        /* 3 retries after a failed run (non-zero exit, signal, timeout) */
	int64_t retry_backoff_us; /* 10 s, doubled per attempt */
};

struct hook_set {
	struct hook hooks[HOOK_MAX];
	size_t n;
};

/* Read the `hooks:` sequence of a configuration document (NULL: no hooks). The hooks
 * borrow strings from the document: keep it alive. */
int hook_set_load(const struct ydoc_node *hooks, struct hook_set *set, struct ras_err *e);
const struct hook *hook_find(const struct hook_set *set, const char *name);

/* Does the event match? (Everything the match names must hold.) */
bool hook_matches(const struct hook_match *m, const struct ras_event *ev);

/* Fill targets with "hook:NAME" for every matching hook (pointers into buf). */
size_t hook_targets(const struct hook_set *set, const struct ras_event *ev, const char **targets,
		    size_t max, char *buf, size_t buflen);

/* Resolve the run-as user and group: uid, gid and the name for records. */
int hook_credentials(const struct hook *h, uid_t *uid, gid_t *gid, struct ras_err *e);

#endif
