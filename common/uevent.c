/*
 * uevent.c - parse kernel uevent messages (see uevent.h).
 */
#include "common/uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int uevent_parse(char *buf, size_t len, struct uevent *u)
{
	size_t off = 0;

	memset(u, 0, sizeof(*u));
	buf[len] = 0;
	/* The header "ACTION@DEVPATH" is the first string. */
	size_t hl = strnlen(buf, len);
	if (hl == len || !memchr(buf, '@', hl) || !strncmp(buf, "libudev", 7))
		return -EINVAL;
	off = hl + 1;
	while (off < len) {
		char *kv = buf + off;
		size_t l = strnlen(kv, len - off);
		off += l + 1;
		if (l == 0 || !memchr(kv, '=', l))
			continue;
		if (!strncmp(kv, "ACTION=", 7))
			u->action = kv + 7;
		else if (!strncmp(kv, "DEVPATH=", 8))
			u->devpath = kv + 8;
		else if (!strncmp(kv, "SUBSYSTEM=", 10))
			u->subsystem = kv + 10;
		if (u->n_keys < UEVENT_MAX_KEYS)
			u->keys[u->n_keys++] = kv;
	}
	if (!u->action || !u->devpath)
		return -EINVAL;
	return 0;
}

const char *uevent_get(const struct uevent *u, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < u->n_keys; i++)
		if (!strncmp(u->keys[i], key, kl) && u->keys[i][kl] == '=')
			return u->keys[i] + kl + 1;
	return NULL;
}

int uevent_open_kernel(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 /* kernel */ };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}
