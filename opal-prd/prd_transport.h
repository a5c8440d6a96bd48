/*
 * prd_transport.h - the PRD channel's transport: the /dev/opal-prd character device
 * (real ioctls) or the Unix SOCK_SEQPACKET socket opal-sim serves at ROOT/dev/opal-prd.
 *
 * Both keep message boundaries: one read returns one whole message. The simulator's
 * socket replaces what a socket cannot do with "sim control" packets, which begin
 * with the 8 bytes "OPALSIM\0" followed by be32 op and be32 rc (errno value, 0 ok):
 *   op 1 OPEN      server -> client, first packet after connect: rc 0, or EBUSY when
 *                  another client holds the channel (the server then closes).
 *   op 2 GET_INFO  client -> server (rc 0); the reply adds be64 version and 3 x be64
 *                  reserved (the ioctl's struct opal_prd_info, in big-endian).
 *   op 3 WRITE_ERR server -> client: a message the client wrote was rejected (rc EIO:
 *                  size < 32 but FINI, or malformed), followed by its be16 type/size.
 * Close is FINI: the kernel (and the simulator) send FINI to OPAL when the channel
 * closes, so the daemon never writes one itself.
 */
#ifndef OPAL_RAS_PRD_TRANSPORT_H
#define OPAL_RAS_PRD_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "common/err.h"

/* The kernel uapi (arch/powerpc/include/uapi/asm/opal-prd.h); numbers per architecture
 * from the _IOR/_IOW macros, never hard-coded. */
struct opal_prd_info {
	uint64_t version;
	uint64_t reserved[3];
};
struct opal_prd_scom {
	uint64_t chip, addr, data;
	int64_t rc;
};
#define OPAL_PRD_GET_INFO   _IOR('o', 1, struct opal_prd_info)
#define OPAL_PRD_SCOM_READ  _IOR('o', 2, struct opal_prd_scom)
#define OPAL_PRD_SCOM_WRITE _IOW('o', 3, struct opal_prd_scom)

#define PRD_SIM_MAGIC	  "OPALSIM"
#define PRD_SIM_MAGIC_LEN 8
#define PRD_SIM_HDR	  16
enum { PRD_SIM_OPEN = 1, PRD_SIM_GET_INFO = 2, PRD_SIM_WRITE_ERR = 3 };

/* Read buffer: larger than any message (be16 size) so oversize is detectable. */
#define PRD_READ_MAX 65536

struct prd_transport;
struct prd_transport_ops {
	const char *name;
	int (*get_info)(struct prd_transport *t, struct opal_prd_info *info);
	/* One whole message: bytes copied; *real_len = its length (> cap if truncated).
	 * -EAGAIN when empty, -EPIPE when the channel closed. Sim control packets are
	 * handled inside (write errors set t->write_errors) and reported as -EINTR. */
	ssize_t (*read)(struct prd_transport *t, uint8_t *buf, size_t cap, size_t *real_len);
	int (*write)(struct prd_transport *t, const uint8_t *buf, size_t len);
};

struct prd_transport {
	const struct prd_transport_ops *ops;
	int fd;
	uint64_t write_errors;
};

/* Open path (a character device, or a socket when S_ISSOCK): -EBUSY when another PRD
 * daemon holds the channel, -ENOENT when there is none. fd is non-blocking. */
int prd_transport_open(struct prd_transport *t, const char *path, struct ras_err *e);
void prd_transport_close(struct prd_transport *t);

#endif
