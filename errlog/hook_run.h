/*
 * hook_run.h - running one hook command safely: fork/execve of an argument vector (no
 * shell), in its own process group, as the hook's unprivileged user, with the event on
 * standard input, stdout/stderr captured (first 64 KiB each), and a deadline after which
 * the whole process group gets SIGTERM, then SIGKILL.
 *
 * The runner never blocks: the caller owns the waiting. The daemon adds the descriptors
 * of a struct hook_proc to its event loop; the CLI (`opal-elog hooks test`) uses
 * hook_run_sync(), a poll() loop over the same calls. A hook that never reads its
 * standard input blocks nothing: the payload is written as the pipe accepts it.
 * When the hook's main process exits, whatever it left running in its process group is
 * killed: hooks must not leave processes behind.
 */
#ifndef OPAL_RAS_ERRLOG_HOOK_RUN_H
#define OPAL_RAS_ERRLOG_HOOK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "errlog/hook.h"

#define HOOK_OUTPUT_MAX (64u << 10)
#define HOOK_KILL_GRACE_NS (5ull * 1000000000)

enum hook_outcome {
	HOOK_RUNNING,
	HOOK_OK,      /* exit status 0 */
	HOOK_FAILED,  /* non-zero exit or killed by a signal */
	HOOK_TIMEOUT, /* killed at the deadline */
	HOOK_ERROR,   /* could not be started (message in error) */
};

struct hook_proc {
	pid_t pid;
	int pidfd, in_fd, out_fd, err_fd;
	char *payload;
	size_t payload_len, payload_off;
	char *out, *err;
	size_t out_len, err_len;
	bool out_trunc, err_trunc;
	uint64_t start_ns, deadline_ns, kill_ns;
	bool term_sent;
	bool exited;
	int exit_status; /* when exited normally, else -1 */
	int signal;      /* signal that ended it, else 0 */
	enum hook_outcome outcome;
	uid_t uid;
	char error[256];
	uint64_t duration_ns;
};

/* Environment for one run: OPAL_* variables (hook.h documents them). envp points into
 * buf; at most HOOK_ENV_MAX entries. */
#define HOOK_ENV_MAX 16
struct hook_env {
	char *envp[HOOK_ENV_MAX + 1];
	char buf[96 << 10]; /* event text can be long: 16 KiB strings fit */
	size_t used;
};
void hook_env_init(struct hook_env *env);
/* Add NAME=value (value copied byte for byte; truncated to fit). */
void hook_env_add(struct hook_env *env, const char *name, const char *value);

/* Start the hook. payload is copied. 0, or -errno with p->outcome HOOK_ERROR. */
int hook_proc_start(const struct hook *h, const struct hook_env *env, const char *payload,
		    size_t len, struct hook_proc *p, struct ras_err *e);
/* One of p's descriptors is ready. */
void hook_proc_io(struct hook_proc *p, int fd, uint32_t events);
/* Escalate at the deadline (SIGTERM, then SIGKILL after the grace). */
void hook_proc_check_deadline(struct hook_proc *p, uint64_t now_ns);
/* The next time hook_proc_check_deadline() must run (0: none). */
uint64_t hook_proc_next_deadline(const struct hook_proc *p);
/* True when the run is over (outcome set) and its descriptors are closed. */
bool hook_proc_done(const struct hook_proc *p);
void hook_proc_free(struct hook_proc *p);

/* Start and wait (poll) until done. Returns 0 when it ran (see p->outcome), -errno when
 * it could not start. */
int hook_run_sync(const struct hook *h, const struct hook_env *env, const char *payload,
		  size_t len, struct hook_proc *p, struct ras_err *e);

const char *hook_outcome_name(enum hook_outcome o);

#endif
