/*
 * control.c - the daemon's control socket, ROOT/run/opal-ras/control.
 *
 * A client connects, writes one command line and reads one JSON document:
 *   status   per-source counters, last commit, lag (anyone who can connect)
 *   flush    process everything pending now and commit (root only)
 *   reload   re-read the configuration (root only; same as SIGHUP)
 *   occ reset|enable|disable|process-error [CHIP], pm-complex reset [CHIP]
 *            PRD control (root only; src_prd.c answers, skiboot opal-prd compatible)
 * The peer's credentials come from SO_PEERCRED, never from the message. The socket is
 * 0666 so unprivileged users get status; mutating commands check the uid.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "opal-prd/outbox.h"
#include "opal-prd/sources.h"

static void write_status(struct daemon *d, FILE *f)
{
	struct json_writer w;
	int64_t now = time_now_us();
	char t[48];

	json_init(&w, f, false);
	json_obj_begin(&w);
	json_kstr(&w, "status", "running");
	json_kint(&w, "pid", getpid());
	json_kstr(&w, "root", d->root);
	json_kstr(&w, "database", d->db_path);
	json_kint(&w, "uptime_s", (now - d->started_us) / 1000000);
	json_kuint(&w, "commits", d->commits);
	if (d->last_commit_us) {
		json_kstr(&w, "last_commit", time_format_iso_us(d->last_commit_us, t, sizeof(t)));
		json_kint(&w, "since_last_commit_ms", (now - d->last_commit_us) / 1000);
	} else {
		json_key(&w, "last_commit");
		json_null(&w);
	}
	json_kbool(&w, "paused", d->paused);
	if (d->paused) {
		json_kint(&w, "store_error", d->last_err);
		json_kint(&w, "retry_in_ms", d->backoff_us / 1000);
	}
	json_kuint(&w, "wakeups", loop_wakeups(d->loop));
	outbox_status(d, &w);
	json_key(&w, "sources");
	json_obj_begin(&w);
	for (int i = 0; i < d->n_sources; i++) {
		struct source *s = &d->sources[i];
		json_key(&w, s->ops->name);
		json_obj_begin(&w);
		json_kbool(&w, "running", s->running);
		json_kuint(&w, "seen", s->seen);
		json_kuint(&w, "stored", s->stored);
		json_kuint(&w, "duplicates", s->dups);
		json_kuint(&w, "errors", s->errors);
		json_kuint(&w, "acked", __atomic_load_n(&s->acked, __ATOMIC_RELAXED));
		if (s->last_us)
			json_kint(&w, "lag_ms", (now - s->last_us) / 1000);
		if (s->running && s->ops->status)
			s->ops->status(d, s, &w);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	json_obj_end(&w);
	json_end_doc(&w);
}

static void reply_error(FILE *f, const char *msg)
{
	struct json_writer w;
	json_init(&w, f, false);
	json_obj_begin(&w);
	json_kstr(&w, "error", msg);
	json_obj_end(&w);
	json_end_doc(&w);
}

static void on_client(struct daemon *d, int c)
{
	char cmd[128];
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	ssize_t n;
	struct timeval tv = { .tv_sec = 1 };

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(c, cmd, sizeof(cmd) - 1, 0);
	if (n <= 0)
		return;
	cmd[n] = 0;
	cmd[strcspn(cmd, "\r\n")] = 0;
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
		cred.uid = (uid_t)-1;
	FILE *f = fdopen(dup(c), "w");
	if (!f)
		return;
	if (!strcmp(cmd, "status")) {
		write_status(d, f);
	} else if (!strcmp(cmd, "flush") || !strcmp(cmd, "reload")) {
		if (cred.uid != 0) {
			reply_error(f, "permission denied: only root may flush or reload");
		} else if (!strcmp(cmd, "flush")) {
			daemon_flush(d);
			write_status(d, f);
		} else {
			d->reload_requested = true;
			daemon_kick(d);
			fputs("{\"reload\":\"scheduled\"}\n", f);
		}
	} else if (!strncmp(cmd, "occ ", 4) || !strncmp(cmd, "pm-complex ", 11)) {
		if (cred.uid != 0) {
			reply_error(f, "permission denied: only root may run PRD control commands");
		} else {
			struct json_writer w;
			json_init(&w, f, false);
			prd_control(d, cmd, &w);
			json_end_doc(&w);
		}
	} else {
		reply_error(f, "unknown command (status, flush, reload, occ, pm-complex)");
	}
	fclose(f);
}

static void on_accept(struct loop *l, int fd, uint32_t events, void *arg)
{
	(void)l;
	(void)events;
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			return;
		on_client(arg, c);
		close(c);
	}
}

int control_start(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[4200], dir[4200];
	int fd, rc;

	d->control_fd = -1;
	if (root_path(path, sizeof(path), d->root, "%s", d->cfg.control_socket) ||
	    strlen(path) >= sizeof(sa.sun_path) || strlen(path) >= sizeof(d->control_path))
		return -ENAMETOOLONG;
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = 0;
	rc = mkdir_p(dir, 0755);
	if (rc)
		return rc;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	chmod(path, 0666);
	d->control_fd = fd;
	snprintf(d->control_path, sizeof(d->control_path), "%s", path);
	return loop_add_fd(d->loop, fd, EPOLLIN, on_accept, d);
}

void control_stop(struct daemon *d)
{
	if (d->control_fd < 0)
		return;
	close(d->control_fd);
	unlink(d->control_path);
}
