/*
 * hook_run.c - the hook process runner (see hook_run.h).
 */
#include "errlog/hook_run.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/timeutil.h"

const char *hook_outcome_name(enum hook_outcome o)
{
	static const char *const n[] = { "running", "ok", "failed", "timeout", "error" };
	return (unsigned)o < 5 ? n[o] : "?";
}

void hook_env_init(struct hook_env *env)
{
	memset(env, 0, sizeof(*env));
	hook_env_add(env, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	hook_env_add(env, "LANG", "C.UTF-8");
	hook_env_add(env, "HOME", "/");
}

void hook_env_add(struct hook_env *env, const char *name, const char *value)
{
	size_t i = 0;
	while (env->envp[i])
		i++;
	if (i >= HOOK_ENV_MAX || env->used >= sizeof(env->buf) - 2)
		return;
	char *dst = env->buf + env->used;
	int l = snprintf(dst, sizeof(env->buf) - env->used, "%s=%s", name, value ? value : "");
	if (l < 0)
		return;
	size_t w = (size_t)l < sizeof(env->buf) - env->used ? (size_t)l
							       : sizeof(env->buf) - env->used - 1;
	env->used += w + 1;
	env->envp[i] = dst;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -errno : fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* In the child: become the hook's user, wire the pipes, exec. Never returns. */
static void child(const struct hook *h, const struct hook_env *env, int in, int out, int err,
		  uid_t uid, gid_t gid)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	setsid(); /* own process group: the deadline kills the hook and its children */
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	syscall(SYS_close_range, 3, ~0u, 0);
	if (chdir("/") < 0)
		_exit(126);
	if (geteuid() == 0) {
		if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
			dprintf(2, "opal-ras hook %s: cannot switch to uid %u gid %u: %s\n", h->name,
				(unsigned)uid, (unsigned)gid, strerror(errno));
			_exit(126);
		}
	} else if (geteuid() != uid) {
		dprintf(2, "opal-ras hook %s: cannot run as \"%s\" without root\n", h->name,
			h->user);
		_exit(126);
	}
	execve(h->argv[0], (char *const *)h->argv, env->envp);
	dprintf(2, "opal-ras hook %s: cannot execute %s: %s\n", h->name, h->argv[0],
		strerror(errno));
	_exit(127);
}

int hook_proc_start(const struct hook *h, const struct hook_env *env, const char *payload,
		    size_t len, struct hook_proc *p, struct ras_err *e)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	uid_t uid;
	gid_t gid;
	int rc;

	memset(p, 0, sizeof(*p));
	p->pidfd = p->in_fd = p->out_fd = p->err_fd = -1;
	p->exit_status = -1;
	p->outcome = HOOK_ERROR;
	p->start_ns = time_mono_ns();
	rc = hook_credentials(h, &uid, &gid, e);
	if (rc) {
		snprintf(p->error, sizeof(p->error), "%s", e ? e->msg : "no such user");
		return rc;
	}
	p->uid = uid;
	p->payload = malloc(len ? len : 1);
	p->out = malloc(HOOK_OUTPUT_MAX);
	p->err = malloc(HOOK_OUTPUT_MAX);
	if (!p->payload || !p->out || !p->err) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(p->payload, payload, len);
	p->payload_len = len;
	/* stdin is a socket pair, not a pipe: send(MSG_NOSIGNAL) to a hook that closed its
	 * input gives EPIPE instead of killing the caller with SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC)) {
		rc = ras_errf(e, -errno, "hook %s: pipe: %s", h->name, strerror(errno));
		goto fail;
	}
	p->pid = fork();
	if (p->pid < 0) {
		rc = ras_errf(e, -errno, "hook %s: fork: %s", h->name, strerror(errno));
		goto fail;
	}
	if (p->pid == 0)
		child(h, env, in[0], out[1], err[1], uid, gid);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	in[0] = out[1] = err[1] = -1;
	shutdown(in[1], SHUT_RD); /* input only flows to the hook */
	p->in_fd = in[1];
	p->out_fd = out[0];
	p->err_fd = err[0];
	set_nonblock(p->in_fd);
	set_nonblock(p->out_fd);
	set_nonblock(p->err_fd);
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pidfd < 0) {
		rc = ras_errf(e, -errno, "hook %s: pidfd_open: %s", h->name, strerror(errno));
		kill(-p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
		goto fail;
	}
	fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
	p->deadline_ns = p->start_ns + (uint64_t)h->timeout_us * 1000;
	p->outcome = HOOK_RUNNING;
	/* Write what fits now; the rest as the pipe drains. */
	hook_proc_io(p, p->in_fd, POLLOUT);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	p->in_fd = p->out_fd = p->err_fd = -1;
	snprintf(p->error, sizeof(p->error), "%s", e ? e->msg : "cannot start");
	return rc;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void drain(int *fd, char *buf, size_t *len, bool *trunc)
{
	char scratch[4096];
	for (;;) {
		ssize_t r;
		if (*len < HOOK_OUTPUT_MAX)
			r = read(*fd, buf + *len, HOOK_OUTPUT_MAX - *len);
		else
			r = read(*fd, scratch, sizeof(scratch));
		if (r > 0) {
			if (*len < HOOK_OUTPUT_MAX)
				*len += (size_t)r;
			else
				*trunc = true;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			close_fd(fd);
		if (r < 0 && errno == EINTR)
			continue;
		return;
	}
}

static void finish(struct hook_proc *p)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	p->exited = true;
	p->duration_ns = time_mono_ns() - p->start_ns;
	if (si.si_code == CLD_EXITED) {
		p->exit_status = si.si_status;
		if (p->outcome == HOOK_RUNNING)
			p->outcome = si.si_status == 0 ? HOOK_OK : HOOK_FAILED;
	} else {
		p->signal = si.si_status;
		if (p->outcome == HOOK_RUNNING)
			p->outcome = HOOK_FAILED;
	}
	/* Leftovers of the hook (background children) go with it. */
	kill(-p->pid, SIGKILL);
	close_fd(&p->in_fd);
	if (p->out_fd >= 0)
		drain(&p->out_fd, p->out, &p->out_len, &p->out_trunc);
	if (p->err_fd >= 0)
		drain(&p->err_fd, p->err, &p->err_len, &p->err_trunc);
	close_fd(&p->out_fd);
	close_fd(&p->err_fd);
	close_fd(&p->pidfd);
}

void hook_proc_io(struct hook_proc *p, int fd, uint32_t events)
{
	(void)events;
	if (fd < 0)
		return;
	if (fd == p->in_fd) {
		while (p->payload_off < p->payload_len) {
			ssize_t w = send(p->in_fd, p->payload + p->payload_off,
					 p->payload_len - p->payload_off, MSG_NOSIGNAL);
			if (w > 0) {
				p->payload_off += (size_t)w;
				continue;
			}
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && errno == EAGAIN)
				return; /* wait for POLLOUT */
			break; /* EPIPE: the hook closed its input */
		}
		close_fd(&p->in_fd);
	} else if (fd == p->out_fd) {
		drain(&p->out_fd, p->out, &p->out_len, &p->out_trunc);
	} else if (fd == p->err_fd) {
		drain(&p->err_fd, p->err, &p->err_len, &p->err_trunc);
	} else if (fd == p->pidfd) {
		finish(p);
	}
}

void hook_proc_check_deadline(struct hook_proc *p, uint64_t now_ns)
{
	if (p->exited || p->outcome == HOOK_ERROR)
		return;
	if (!p->term_sent && now_ns >= p->deadline_ns) {
		p->term_sent = true;
		p->outcome = HOOK_TIMEOUT;
		p->kill_ns = now_ns + HOOK_KILL_GRACE_NS;
		kill(-p->pid, SIGTERM);
	} else if (p->term_sent && now_ns >= p->kill_ns) {
		kill(-p->pid, SIGKILL);
		p->kill_ns = now_ns + 1000000000ull;
	}
}

uint64_t hook_proc_next_deadline(const struct hook_proc *p)
{
	if (p->exited || p->outcome == HOOK_ERROR)
		return 0;
	return p->term_sent ? p->kill_ns : p->deadline_ns;
}

bool hook_proc_done(const struct hook_proc *p)
{
	return p->outcome == HOOK_ERROR || p->exited;
}

void hook_proc_free(struct hook_proc *p)
{
	close_fd(&p->in_fd);
	close_fd(&p->out_fd);
	close_fd(&p->err_fd);
	close_fd(&p->pidfd);
	free(p->payload);
	free(p->out);
	free(p->err);
	p->payload = p->out = p->err = NULL;
}

int hook_run_sync(const struct hook *h, const struct hook_env *env, const char *payload,
		  size_t len, struct hook_proc *p, struct ras_err *e)
{
	int rc = hook_proc_start(h, env, payload, len, p, e);

	if (rc)
		return rc;
	while (!hook_proc_done(p)) {
		struct pollfd f[4];
		int n = 0;
		if (p->in_fd >= 0)
			f[n++] = (struct pollfd){ .fd = p->in_fd, .events = POLLOUT };
		if (p->out_fd >= 0)
			f[n++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
		if (p->err_fd >= 0)
			f[n++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
		f[n++] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
		uint64_t now = time_mono_ns(), dl = hook_proc_next_deadline(p);
		int ms = dl > now ? (int)((dl - now) / 1000000) + 1 : 0;
		if (poll(f, (nfds_t)n, ms) < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++)
			if (f[i].revents)
				hook_proc_io(p, f[i].fd, (uint32_t)f[i].revents);
		hook_proc_check_deadline(p, time_mono_ns());
	}
	return 0;
}
