/*
 * sim_run.c - the `opal-sim run` emulation loop: epoll over signalfd, one inotify fd
 * and whatever fds the modules add; the services of sim.h (fd callbacks, recursive
 * directory watches with write callbacks, the actions log, options).
 *
 * Invariants: callbacks run one at a time from the loop (no threads); a watch table
 * indexed by inotify wd maps events back to (group, relative dir); an inotify queue
 * overflow triggers a rescan of every watched tree (missed writes are then found by
 * the modules' on_new_dir checks), and when the watch limit is hit the loop falls back
 * to the same rescan on a 500 ms timer. actions.log lines are single write()s on an
 * O_APPEND fd; the loop fsyncs it whenever it has processed a batch and is about to wait.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

struct fd_ent {
	int fd;
	sim_fd_cb cb;
	void *arg;
};

struct watch_group {
	char *reldir;
	sim_write_cb cb;
	sim_dir_cb on_new;
	void *arg;
};

struct watch_ent {
	int group; /* -1 = free */
	char *reldir;
};

struct sim_run {
	const char *root;
	bool quiet;
	bool stop;
	bool log_dirty;
	int epfd, sigfd, infd, pollfd;
	int actfd;
	struct fd_ent *fds;
	size_t n_fds, cap_fds;
	struct watch_group *groups;
	size_t n_groups;
	struct watch_ent *watches; /* indexed by wd */
	size_t cap_watches;
	bool poll_fallback;
	char **opts; /* "key=value" */
	int n_opts;
};

const char *sim_run_root(struct sim_run *r)
{
	return r->root;
}

void sim_run_stop(struct sim_run *r)
{
	r->stop = true;
}

const char *sim_run_option(struct sim_run *r, const char *key)
{
	size_t kl = strlen(key);

	for (int i = r->n_opts - 1; i >= 0; i--)
		if (strncmp(r->opts[i], key, kl) == 0 && r->opts[i][kl] == '=')
			return r->opts[i] + kl + 1;
	return NULL;
}

static void fmt_line(char *line, size_t n, const char *fmt, va_list ap)
{
	int len = vsnprintf(line, n - 1, fmt, ap);

	if (len < 0)
		len = 0;
	if ((size_t)len > n - 2)
		len = (int)(n - 2);
	line[len] = '\n';
	line[len + 1] = '\0';
}

void sim_run_log(struct sim_run *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	fmt_line(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->actfd >= 0 && write_full(r->actfd, line, strlen(line)) < 0)
		fprintf(stderr, "opal-sim: cannot write actions.log: %s\n", strerror(errno));
	r->log_dirty = true;
	if (!r->quiet)
		fputs(line, stderr);
}

void sim_log(const char *root, const char *fmt, ...)
{
	char line[1024], path[4096];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	fmt_line(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (root_path(path, sizeof(path), root, ".sim/actions.log"))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write_full(fd, line, strlen(line)) == 0)
		fsync(fd);
	close(fd);
}

/* ---- fds ----------------------------------------------------------------------- */

int sim_run_add_fd(struct sim_run *r, int fd, uint32_t events, sim_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	size_t i;

	for (i = 0; i < r->n_fds; i++)
		if (r->fds[i].fd == fd)
			break;
	if (i == r->n_fds) {
		if (r->n_fds == r->cap_fds) {
			size_t nc = r->cap_fds ? r->cap_fds * 2 : 16;
			struct fd_ent *nf = realloc(r->fds, nc * sizeof(*nf));
			if (!nf)
				return -ENOMEM;
			r->fds = nf;
			r->cap_fds = nc;
		}
		r->n_fds++;
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			r->n_fds--;
			return -errno;
		}
	} else if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
		return -errno;
	}
	r->fds[i] = (struct fd_ent){ fd, cb, arg };
	return 0;
}

void sim_run_del_fd(struct sim_run *r, int fd)
{
	for (size_t i = 0; i < r->n_fds; i++) {
		if (r->fds[i].fd != fd)
			continue;
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, fd, NULL);
		r->fds[i] = r->fds[--r->n_fds];
		return;
	}
}

/* ---- directory watches ------------------------------------------------------------ */

#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

static int watch_set(struct sim_run *r, int wd, int group, const char *reldir)
{
	char *copy;

	if ((size_t)wd >= r->cap_watches) {
		size_t nc = r->cap_watches ? r->cap_watches : 256;
		while (nc <= (size_t)wd)
			nc *= 2;
		struct watch_ent *nw = realloc(r->watches, nc * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		for (size_t i = r->cap_watches; i < nc; i++)
			nw[i] = (struct watch_ent){ -1, NULL };
		r->watches = nw;
		r->cap_watches = nc;
	}
	if (r->watches[wd].group >= 0 && r->watches[wd].reldir &&
	    strcmp(r->watches[wd].reldir, reldir) == 0)
		return 0;
	copy = strdup(reldir);
	if (!copy)
		return -ENOMEM;
	free(r->watches[wd].reldir);
	r->watches[wd] = (struct watch_ent){ group, copy };
	return 0;
}

/* Watch reldir and (recursively) its subdirectories; on_new runs for subdirectories. */
static void watch_tree(struct sim_run *r, int group, const char *reldir, bool is_top)
{
	struct watch_group *g = &r->groups[group];
	char path[4096], sub[4096];
	DIR *d;
	struct dirent *de;
	int wd;

	if (root_path(path, sizeof(path), r->root, "%s", reldir))
		return;
	if (!r->poll_fallback) {
		wd = inotify_add_watch(r->infd, path, WATCH_MASK);
		if (wd >= 0) {
			watch_set(r, wd, group, reldir);
		} else if (errno == ENOSPC) {
			fprintf(stderr, "opal-sim: inotify watch limit reached; rescanning every "
					"500 ms instead\n");
			r->poll_fallback = true;
			struct itimerspec its = { { 0, 500000000 }, { 0, 500000000 } };
			timerfd_settime(r->pollfd, 0, &its, NULL);
		} else {
			return; /* vanished meanwhile */
		}
	}
	if (!is_top && g->on_new)
		g->on_new(r, reldir, g->arg);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", reldir, de->d_name) >= (int)sizeof(sub))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			char full[4096];
			if (root_path(full, sizeof(full), r->root, "%s", sub) || lstat(full, &st) ||
			    !S_ISDIR(st.st_mode))
				continue;
		}
		watch_tree(r, group, sub, false);
	}
	closedir(d);
}

int sim_run_watch_dir_ex(struct sim_run *r, const char *reldir, sim_write_cb cb,
			 sim_dir_cb on_new_dir, void *arg)
{
	struct watch_group *ng = realloc(r->groups, (r->n_groups + 1) * sizeof(*ng));
	char path[4096];
	int rc;

	if (!ng)
		return -ENOMEM;
	r->groups = ng;
	ng[r->n_groups] = (struct watch_group){ strdup(reldir), cb, on_new_dir, arg };
	if (!ng[r->n_groups].reldir)
		return -ENOMEM;
	rc = root_path(path, sizeof(path), r->root, "%s", reldir);
	if (rc)
		return rc;
	rc = mkdir_p(path, 0755);
	if (rc)
		return rc;
	r->n_groups++;
	watch_tree(r, (int)r->n_groups - 1, reldir, true);
	return 0;
}

int sim_run_watch_dir(struct sim_run *r, const char *reldir, sim_write_cb cb, void *arg)
{
	return sim_run_watch_dir_ex(r, reldir, cb, NULL, arg);
}

static void rescan_all(struct sim_run *r)
{
	for (size_t i = 0; i < r->n_groups; i++)
		watch_tree(r, (int)i, r->groups[i].reldir, true);
}

static void on_inotify(struct sim_run *r)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool overflow = false;

	for (;;) {
		ssize_t n = read(r->infd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				overflow = true;
				continue;
			}
			if (ev->wd < 0 || (size_t)ev->wd >= r->cap_watches ||
			    r->watches[ev->wd].group < 0)
				continue;
			struct watch_ent *w = &r->watches[ev->wd];
			if (ev->mask & IN_IGNORED) {
				free(w->reldir);
				*w = (struct watch_ent){ -1, NULL };
				continue;
			}
			if (!ev->len)
				continue;
			char rel[4096];
			if (snprintf(rel, sizeof(rel), "%s/%s", w->reldir, ev->name) >=
			    (int)sizeof(rel))
				continue;
			struct watch_group *g = &r->groups[w->group];
			if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (ev->mask & IN_ISDIR))
				watch_tree(r, w->group, rel, false);
			else if ((ev->mask & IN_CLOSE_WRITE) && g->cb)
				g->cb(r, rel, g->arg);
			if (r->stop)
				return;
		}
	}
	if (overflow)
		rescan_all(r);
}

/* ---- the loop --------------------------------------------------------------------- */

static void remove_state_file(const char *root, const char *name)
{
	char path[4096];

	if (!root_path(path, sizeof(path), root, ".sim/%s", name))
		unlink(path);
}

static int write_state_file(const char *root, const char *name, const char *text)
{
	char path[4096];
	int rc = root_path(path, sizeof(path), root, ".sim/%s", name);

	return rc ? rc : file_write_atomic(path, text, strlen(text), 0644, NULL);
}

int sim_run_loop(const char *root, const char *scenario, char **opts, int n_opts, bool quiet,
		 struct ras_err *e)
{
	struct sim_run run = { .root = root,
			       .quiet = quiet,
			       .epfd = -1,
			       .sigfd = -1,
			       .infd = -1,
			       .pollfd = -1,
			       .actfd = -1,
			       .opts = opts,
			       .n_opts = n_opts };
	struct sim_run *r = &run;
	char path[4096], pid[32];
	sigset_t mask;
	int rc = 0;

	if (root_path(path, sizeof(path), root, ".sim") || access(path, F_OK))
		return ras_errf(e, -ENOENT, "%s: not an opal-sim root (run `opal-sim init %s`)",
				root, root);
	root_path(path, sizeof(path), root, ".sim/actions.log");
	r->actfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (r->actfd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	r->infd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	r->pollfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (r->epfd < 0 || r->sigfd < 0 || r->infd < 0 || r->pollfd < 0) {
		rc = ras_errf(e, -errno, "run: cannot set up epoll/signalfd/inotify: %s",
			      strerror(errno));
		goto out;
	}
	/* The loop's own fds are dispatched directly (cb NULL). */
	sim_run_add_fd(r, r->sigfd, EPOLLIN, NULL, NULL);
	sim_run_add_fd(r, r->infd, EPOLLIN, NULL, NULL);
	sim_run_add_fd(r, r->pollfd, EPOLLIN, NULL, NULL);

	for (const struct sim_module *const *m = sim_modules; *m; m++) {
		if (!(*m)->run_start)
			continue;
		rc = (*m)->run_start(r, root, e);
		if (rc) {
			ras_err_prefix(e, rc, "run: module %s", (*m)->name);
			goto out;
		}
	}
	if (scenario) {
		rc = sim_scenario_start(r, scenario, e);
		if (rc)
			goto out;
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	write_state_file(root, "run.pid", pid);
	write_state_file(root, "run.ready", "ready\n");

	while (!r->stop) {
		struct epoll_event evs[32];
		int timeout = -1;

		if (r->log_dirty) {
			fsync(r->actfd);
			r->log_dirty = false;
		}
		int n = epoll_wait(r->epfd, evs, 32, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = ras_errf(e, -errno, "run: epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n && !r->stop; i++) {
			int fd = evs[i].data.fd;
			if (fd == r->sigfd) {
				struct signalfd_siginfo si;
				if (read(r->sigfd, &si, sizeof(si)) > 0) {
					if (!r->quiet)
						fprintf(stderr, "opal-sim: signal %u, exiting\n",
							si.ssi_signo);
					r->stop = true;
				}
			} else if (fd == r->infd) {
				on_inotify(r);
			} else if (fd == r->pollfd) {
				uint64_t ticks;
				if (read(r->pollfd, &ticks, sizeof(ticks)) > 0)
					rescan_all(r);
			} else {
				for (size_t k = 0; k < r->n_fds; k++) {
					if (r->fds[k].fd != fd)
						continue;
					if (r->fds[k].cb)
						r->fds[k].cb(r, fd, evs[i].events, r->fds[k].arg);
					break;
				}
			}
		}
	}
out:
	if (r->actfd >= 0) {
		fsync(r->actfd);
		close(r->actfd);
	}
	remove_state_file(root, "run.ready");
	remove_state_file(root, "run.pid");
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	if (r->infd >= 0)
		close(r->infd);
	if (r->pollfd >= 0)
		close(r->pollfd);
	for (size_t i = 0; i < r->cap_watches; i++)
		free(r->watches[i].reldir);
	free(r->watches);
	for (size_t i = 0; i < r->n_groups; i++)
		free(r->groups[i].reldir);
	free(r->groups);
	free(r->fds);
	return rc;
}
