/*
 * forward.h - which host events a KVM guest should hear about, and what to do for each
 * class: the classifier and the `forward:` configuration (opal-prd/forward.c delivers).
 *
 * The classifier is a table (forward.c) over the normalised event, so it works the same
 * on an event being ingested and on one read back from the database:
 *   epow        a PEL from a power/cooling/environment subsystem at critical severity,
 *               a critical SEL record of a temperature/voltage/fan/power sensor, or
 *               either whose SRC / reference code starts with an entry of epow_src
 *   eeh-failed  an EEH permanent failure of a PE owned by a guest (event guest set)
 *   eeh-freeze  an EEH freeze of a PE owned by a guest
 *   memory      a machine check / memory error whose event names a guest
 * Configuration strings borrow the YAML document: keep it alive while the set is used.
 */
#ifndef OPAL_RAS_ERRLOG_FORWARD_H
#define OPAL_RAS_ERRLOG_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/event.h"
#include "errlog/yaml_doc.h"

enum fwd_class { FWD_NONE = 0, FWD_EPOW, FWD_EEH_FAILED, FWD_EEH_FREEZE, FWD_MEMORY, FWD_N };
enum fwd_action { FWD_ACT_NONE = 0, FWD_ACT_RECORD, FWD_ACT_POWERDOWN, FWD_ACT_DEVICE_DEL };

#define FWD_MAX_SOCKETS 32
#define FWD_MAX_SRC	32
#define FWD_MAX_DEVICES 64

struct fwd_config {
	bool enabled; /* at least one qmp pattern */
	const char *qmp[FWD_MAX_SOCKETS]; /* socket paths or globs (absolute) */
	size_t n_qmp;
	enum fwd_action action[FWD_N];
	int64_t timeout_us; /* each step: connect+greeting, each command (5 s) */
	int64_t device_del_timeout_us; /* from device_del to DEVICE_DELETED (30 s) */
	int retries; /* after the first attempt (3) */
	int64_t retry_backoff_us; /* doubled per attempt (10 s) */
	const char *epow_src[FWD_MAX_SRC]; /* SRCs that are EPOW-class whatever the subsystem */
	size_t n_epow_src;
	struct fwd_device {
		const char *host; /* host PCI address, e.g. 0030:01:00.0 */
		const char *id; /* QEMU device id (qdev id) */
	} devices[FWD_MAX_DEVICES];
	size_t n_devices;
};

/* The facts the classifier looks at (from a ras_event or a stored event). */
struct fwd_facts {
	const char *kind, *refcode, *subsystem, *guest;
	int severity;
};

/* Defaults, then n (the `forward:` mapping; NULL = forwarding off). */
int fwd_config_load(const struct ydoc_node *n, struct fwd_config *c, struct ras_err *e);
enum fwd_class fwd_classify(const struct fwd_config *c, const struct fwd_facts *f);
void fwd_facts_from_event(const struct ras_event *ev, struct fwd_facts *f);

const char *fwd_class_name(enum fwd_class c); /* "epow", "eeh-failed", ... */
enum fwd_class fwd_class_parse(const char *s); /* FWD_NONE when unknown */
const char *fwd_action_name(enum fwd_action a); /* "none", "record", "powerdown", "device_del" */
int fwd_action_parse(const char *s); /* -1 when unknown */
/* The QEMU device id configured for a host PCI address (NULL if none). */
const char *fwd_device_for(const struct fwd_config *c, const char *host_bdf);
/* Is this a power/cooling/environment subsystem name (the EPOW table)? */
bool fwd_subsystem_is_epow(const char *subsystem);

#endif
