/*
 * config.h - the opal-ras configuration (/etc/opal-ras/opal-ras.yaml).
 *
 * Every setting has a documented default (etc/opal-ras.yaml lists them all), so a
 * missing file is a valid configuration. Unknown keys are errors (a typo must not
 * silently disable something). Sections read by other modules (hooks, forward, dump,
 * ipmi) stay available as the parsed tree in cfg->doc.
 */
#ifndef OPAL_RAS_ERRLOG_CONFIG_H
#define OPAL_RAS_ERRLOG_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "errlog/retention.h"
#include "errlog/yaml_doc.h"

#define OPAL_RAS_DEFAULT_CONFIG "/etc/opal-ras/opal-ras.yaml"

struct opal_config {
	const char *root;              /* "/" */
	const char *database;          /* STORE_DEFAULT_PATH */
	const char *control_socket;    /* "run/opal-ras/control", under root */
	bool elog_enabled;             /* true */
	int64_t elog_rescan_us;        /* 10 s: the safety net for missed uevents */
	int64_t batch_max;             /* 4096 records per durable commit */
	bool kmsg_enabled;             /* true */
	bool dump_enabled;             /* true: new dumps become events */
	int64_t retention_interval_us; /* 1 h between automatic prunes; 0 = never */
	struct retention_policy retention;
	struct ydoc_node *doc;         /* the whole file, or NULL */
};

/* Load path (NULL: the default path, and a missing default file is not an error). */
int config_load(const char *path, struct opal_config *cfg, struct ras_err *e);
void config_free(struct opal_config *cfg);

#endif
