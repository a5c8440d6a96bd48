/*
 * forward.h - the KVM guest forwarder: outbox deliveries "qmp:CLASS:/socket" and
 * "qmp:CLASS:@guest" carried out over QMP (see forward.c).
 */
#ifndef OPAL_RAS_PRD_FORWARD_H
#define OPAL_RAS_PRD_FORWARD_H

#include "common/json.h"
#include "errlog/store_outbox.h"
#include "opal-prd/daemon.h"

/* Load d->cfg's forward: section (a bad section disables forwarding, logged). */
void forward_start(struct daemon *d);
/* Abandon jobs in flight (their rows stay running: retried after the next start). */
void forward_stop(struct daemon *d);
/* Outbox targets for ev (written in its transaction): 0..max strings in buf. */
size_t forward_targets(struct daemon *d, const struct ras_event *ev, const char **targets,
		       size_t max, char *buf, size_t buflen);
/* Start jobs for the due rows that are forward targets (called by outbox_work). */
void forward_work(struct daemon *d, const struct outbox_row *rows, size_t n);
bool forward_enabled(const struct daemon *d);
void forward_status(struct daemon *d, struct json_writer *w);

#endif
