/*
 * qmp.h - a non-blocking QMP client connection: connect to a QEMU monitor socket, send
 * commands tagged with ids, read messages (greeting, replies, events) as they arrive.
 *
 * Nothing here waits: connect() on a Unix socket completes or fails at once (a full
 * backlog is -EAGAIN), sends are small and a full send buffer is an error (-EAGAIN, a
 * hung peer), reads take what is there. The caller (forward.c) polls the descriptor in
 * the daemon's loop, matches replies to the id it sent, keeps the events that arrive
 * before a reply, and owns every timeout.
 */
#ifndef OPAL_RAS_PRD_QMP_H
#define OPAL_RAS_PRD_QMP_H

#include "common/err.h"
#include "errlog/qmp_msg.h"

struct qmp_conn {
	int fd;
	struct qmp_reader rd;
	unsigned next_id;
	char sent_id[32]; /* the id of the last command sent */
};

void qmp_conn_init(struct qmp_conn *c);
/* Connect (non-blocking) to the socket at path; a path longer than sun_path is reached
 * through its directory. 0 or negative errno (-ENOENT, -ECONNREFUSED, -EAGAIN...). */
int qmp_conn_connect(struct qmp_conn *c, const char *path, struct ras_err *e);
/* Send a command with a fresh id (kept in c->sent_id). args borrowed, may be NULL. */
int qmp_conn_send(struct qmp_conn *c, const char *cmd, const json_t *args, struct ras_err *e);
/* Read what is available. 0, -EPIPE at end of stream, or another negative errno. */
int qmp_conn_read(struct qmp_conn *c, struct ras_err *e);
/* The next buffered message (as qmp_reader_next). */
int qmp_conn_next(struct qmp_conn *c, struct qmp_msg *m, struct ras_err *e);
void qmp_conn_close(struct qmp_conn *c);

#endif
