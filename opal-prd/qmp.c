/*
 * qmp.c - the non-blocking QMP client connection (see qmp.h). Framing and parsing are
 * errlog/qmp_msg.c (fuzzed); this file only moves bytes.
 */
#include "opal-prd/qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void qmp_conn_init(struct qmp_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	qmp_reader_init(&c->rd, 0);
}

int qmp_conn_connect(struct qmp_conn *c, const char *path, struct ras_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char via[64];
	int dfd = -1, rc;

	qmp_conn_close(c);
	qmp_reader_init(&c->rd, 0);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		/* Too long for sun_path: connect through /proc/self/fd/N of its directory. */
		const char *slash = strrchr(path, '/');
		char dir[4096];
		if (!slash || (size_t)(slash - path) >= sizeof(dir))
			return ras_errf(e, -ENAMETOOLONG, "%s: path too long", path);
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		dfd = open(dir[0] ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return ras_errf(e, -errno, "%s: %s", dir, strerror(errno));
		snprintf(via, sizeof(via), "/proc/self/fd/%d/", dfd);
		if (strlen(via) + strlen(slash + 1) >= sizeof(sa.sun_path)) {
			close(dfd);
			return ras_errf(e, -ENAMETOOLONG, "%s: socket name too long", path);
		}
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s%s", via, slash + 1);
	} else {
		memcpy(sa.sun_path, path, strlen(path) + 1);
	}
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		rc = -errno;
		if (dfd >= 0)
			close(dfd);
		return ras_errf(e, rc, "socket: %s", strerror(-rc));
	}
	rc = connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	if (dfd >= 0)
		close(dfd);
	if (rc && rc != -EINPROGRESS) {
		qmp_conn_close(c);
		return ras_errf(e, rc, "connect %s: %s%s", path, strerror(-rc),
				rc == -EAGAIN ? " (the monitor's backlog is full: another client"
						" holds it?)"
					      : "");
	}
	return 0;
}

int qmp_conn_send(struct qmp_conn *c, const char *cmd, const json_t *args, struct ras_err *e)
{
	size_t len = 0, off = 0;
	char *line;

	if (c->fd < 0)
		return ras_errf(e, -ENOTCONN, "qmp: not connected");
	snprintf(c->sent_id, sizeof(c->sent_id), "opal-ras-%u", ++c->next_id);
	line = qmp_command_encode(cmd, args, c->sent_id, &len);
	if (!line)
		return ras_errf(e, -ENOMEM, "qmp: cannot encode %s", cmd);
	while (off < len) {
		ssize_t k = send(c->fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int rc = -errno;
			free(line);
			return ras_errf(e, rc, "qmp: send %s: %s%s", cmd, strerror(-rc),
					rc == -EAGAIN ? " (the peer does not read)" : "");
		}
		off += (size_t)k;
	}
	free(line);
	return 0;
}

int qmp_conn_read(struct qmp_conn *c, struct ras_err *e)
{
	char buf[8192];

	for (int i = 0; i < 64; i++) { /* bounded: a chatty peer cannot hold the loop */
		ssize_t k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (k == 0)
			return ras_errf(e, -EPIPE, "qmp: the monitor closed the connection");
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ECONNRESET)
				return ras_errf(e, -EPIPE, "qmp: the monitor reset the connection");
			return ras_errf(e, -errno, "qmp: read: %s", strerror(errno));
		}
		int rc = qmp_reader_feed(&c->rd, buf, (size_t)k, e);
		if (rc)
			return rc;
		if ((size_t)k < sizeof(buf))
			return 0;
	}
	return 0;
}

int qmp_conn_next(struct qmp_conn *c, struct qmp_msg *m, struct ras_err *e)
{
	return qmp_reader_next(&c->rd, m, e);
}

void qmp_conn_close(struct qmp_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	qmp_reader_free(&c->rd);
}
