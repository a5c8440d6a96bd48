/*
 * outbox.h - the daemon's outbox worker (hook runs after commit); see outbox.c.
 */
#ifndef OPAL_RAS_PRD_OUTBOX_H
#define OPAL_RAS_PRD_OUTBOX_H

#include "common/json.h"
#include "opal-prd/daemon.h"

int outbox_start(struct daemon *d);
void outbox_stop(struct daemon *d);
/* New committed rows may be due: look at them at the next opportunity. */
void outbox_kick(struct daemon *d);
/* Start what is due (called by the loop after the batch commit). */
void outbox_work(struct daemon *d);
void outbox_status(struct daemon *d, struct json_writer *w);
struct daemon *outbox_daemon(void);

#endif
