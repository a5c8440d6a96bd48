/*
 * sources.h - the daemon's sources (one src_*.c each) and the helpers they share.
 */
#ifndef OPAL_RAS_PRD_SOURCES_H
#define OPAL_RAS_PRD_SOURCES_H

#include "common/uevent.h"
#include "opal-prd/daemon.h"

extern const struct source_ops src_elog_ops;
extern const struct source_ops src_kmsg_ops;
extern const struct source_ops src_dump_ops;
extern const struct source_ops src_prd_ops;
extern const struct source_ops src_vpd_ops;
extern const struct source_ops src_sel_ops;

/* The SEL source runs when the configuration has an `ipmi:` section or ROOT/dev/ipmi0
 * exists (src_sel.c). */
bool sel_source_wanted(const struct daemon *d);

/* A kernel uevent for the elog source (new log directories). */
void elog_handle_uevent(struct daemon *d, const struct uevent *u);
/* A kernel uevent for the dump source. */
void dump_handle_uevent(struct daemon *d, const struct uevent *u);
/* A kernel uevent for the VPD source (PCI add/remove) and the EEH tracker. */
void vpd_handle_uevent(struct daemon *d, const struct uevent *u);
void kmsg_handle_uevent(struct daemon *d, const struct uevent *u);
/* Read every pending message of a uevent socket and dispatch it. */
void daemon_uevent_drain(struct daemon *d, int fd);
/* Every source that cares about uevents gets each message. */
void daemon_handle_uevent(struct daemon *d, const struct uevent *u);

/* PRD source (src_prd.c): config prd.enabled (default true); a control command line
 * ("occ reset 0", "pm-complex reset 1" ...) answered as one JSON object on w. */
bool prd_source_enabled(const struct daemon *d);
int prd_control(struct daemon *d, const char *line, struct json_writer *w);
/* opal-prd occ|pm-complex ...: the client side (prd_client.c); returns the exit status. */
int prd_client_main(const char *root, int argc, char **argv);

/* The control socket (control.c). */
int control_start(struct daemon *d);
void control_stop(struct daemon *d);

#endif
