/*
 * prd_transport.c - /dev/opal-prd as a character device or as opal-sim's socket (the
 * packet protocol is in prd_transport.h). Invariant: callers see whole messages only,
 * and the socket's control packets never reach the message decoder.
 */
#include "opal-prd/prd_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/log.h"

/* ---- character device ---- */

static int dev_get_info(struct prd_transport *t, struct opal_prd_info *info)
{
	memset(info, 0, sizeof(*info));
	return ioctl(t->fd, OPAL_PRD_GET_INFO, info) < 0 ? -errno : 0;
}

static ssize_t dev_read(struct prd_transport *t, uint8_t *buf, size_t cap, size_t *real_len)
{
	ssize_t n = read(t->fd, buf, cap);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	*real_len = (size_t)n;
	return n;
}

static int dev_write(struct prd_transport *t, const uint8_t *buf, size_t len)
{
	ssize_t n = write(t->fd, buf, len);
	if (n < 0)
		return -errno; /* EIO: OPAL rejected it */
	return 0;
}

static const struct prd_transport_ops dev_ops = {
	.name = "chardev",
	.get_info = dev_get_info,
	.read = dev_read,
	.write = dev_write,
};

/* ---- opal-sim socket ---- */

static bool is_ctl(const uint8_t *p, size_t n)
{
	return n >= PRD_SIM_HDR && !memcmp(p, PRD_SIM_MAGIC, PRD_SIM_MAGIC_LEN);
}

static ssize_t sock_recv(int fd, uint8_t *buf, size_t cap, size_t *real_len, int flags)
{
	ssize_t n = recv(fd, buf, cap, MSG_TRUNC | flags);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	*real_len = (size_t)n;
	return n > (ssize_t)cap ? (ssize_t)cap : n;
}

static void handle_ctl(struct prd_transport *t, const uint8_t *p, size_t n)
{
	uint32_t op = be32(p + 8), rc = be32(p + 12);
	if (op == PRD_SIM_WRITE_ERR) {
		t->write_errors++;
		log_warn("source=prd event=write_rejected error=\"%s\" type=%u", strerror((int)rc),
			 n >= 18 ? be16(p + 16) : 0);
	}
}

static int sock_get_info(struct prd_transport *t, struct opal_prd_info *info)
{
	uint8_t q[PRD_SIM_HDR] = PRD_SIM_MAGIC, r[PRD_SIM_HDR + 32];
	size_t real;
	ssize_t n;

	put_be32(q + 8, PRD_SIM_GET_INFO);
	put_be32(q + 12, 0);
	if (send(t->fd, q, sizeof(q), MSG_NOSIGNAL) < 0)
		return -errno;
	for (int tries = 0; tries < 100; tries++) {
		n = sock_recv(t->fd, r, sizeof(r), &real, 0); /* blocking with a timeout */
		if (n < 0)
			return (int)n == -EAGAIN ? -ETIMEDOUT : (int)n;
		if (!is_ctl(r, (size_t)n))
			continue; /* nothing is sent before INIT; ignore stray bytes */
		if (be32(r + 8) != PRD_SIM_GET_INFO) {
			handle_ctl(t, r, (size_t)n);
			continue;
		}
		if (be32(r + 12))
			return -(int)be32(r + 12);
		if (n < (ssize_t)sizeof(r))
			return -EPROTO;
		info->version = be64(r + 16);
		for (int i = 0; i < 3; i++)
			info->reserved[i] = be64(r + 24 + 8 * i);
		return 0;
	}
	return -EPROTO;
}

static ssize_t sock_read(struct prd_transport *t, uint8_t *buf, size_t cap, size_t *real_len)
{
	ssize_t n = sock_recv(t->fd, buf, cap, real_len, MSG_DONTWAIT);
	if (n < 0)
		return n;
	if (is_ctl(buf, (size_t)n)) {
		handle_ctl(t, buf, (size_t)n);
		return -EINTR;
	}
	return n;
}

static int sock_write(struct prd_transport *t, const uint8_t *buf, size_t len)
{
	return send(t->fd, buf, len, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static const struct prd_transport_ops sock_ops = {
	.name = "socket",
	.get_info = sock_get_info,
	.read = sock_read,
	.write = sock_write,
};

static int sock_open(struct prd_transport *t, const char *path, struct ras_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	uint8_t r[64];
	size_t real;
	ssize_t n;
	int rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long for a socket", path);
	strcpy(sa.sun_path, path);
	t->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return ras_errf(e, -errno, "socket: %s", strerror(errno));
	if (connect(t->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto fail;
	}
	setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* The open result: the first packet. */
	n = sock_recv(t->fd, r, sizeof(r), &real, 0);
	if (n < 0) {
		rc = (int)n == -EPIPE ? -EBUSY : (int)n; /* closed at once: held elsewhere */
		goto fail;
	}
	if (!is_ctl(r, (size_t)n) || be32(r + 8) != PRD_SIM_OPEN) {
		rc = -EPROTO;
		goto fail;
	}
	if (be32(r + 12)) {
		rc = -(int)be32(r + 12);
		goto fail;
	}
	t->ops = &sock_ops;
	return 0;
fail:
	close(t->fd);
	t->fd = -1;
	return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
}

int prd_transport_open(struct prd_transport *t, const char *path, struct ras_err *e)
{
	struct stat sb;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (stat(path, &sb) < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	if (S_ISSOCK(sb.st_mode))
		return sock_open(t, path, e);
	t->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	t->ops = &dev_ops;
	return 0;
}

void prd_transport_close(struct prd_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
