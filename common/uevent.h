/*
 * uevent.h - kernel uevent messages as the kernel sends them on the
 * NETLINK_KOBJECT_UEVENT socket: "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...".
 *
 * udevd's re-broadcast messages (which start with "libudev\0") are not accepted:
 * we listen to the kernel group only. Untrusted bytes: every key is bounded by the
 * message length; a message without ACTION and DEVPATH is rejected.
 */
#ifndef OPAL_RAS_COMMON_UEVENT_H
#define OPAL_RAS_COMMON_UEVENT_H

#include <stddef.h>

#define UEVENT_MAX_KEYS 32

struct uevent {
	const char *action;  /* "add", "remove", "change", ... */
	const char *devpath; /* "/firmware/opal/elog/0x50000001" */
	const char *subsystem;
	const char *keys[UEVENT_MAX_KEYS]; /* "KEY=VALUE" strings inside the buffer */
	size_t n_keys;
};

/* Parse len bytes of buf in place (buf must be writable: a final NUL is ensured, so
 * it needs room for len + 1 bytes). 0 or -EINVAL. */
int uevent_parse(char *buf, size_t len, struct uevent *u);
/* Value of KEY, or NULL. */
const char *uevent_get(const struct uevent *u, const char *key);
/* Open a kernel uevent netlink socket (non-blocking); negative errno on failure. */
int uevent_open_kernel(void);

#endif
