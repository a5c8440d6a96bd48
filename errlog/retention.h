/*
 * retention.h - how long events are kept: per-severity age and count limits.
 *
 * Serviceable events that are still open (a repair is pending) are kept longest: they
 * are never removed by a count limit and only by their own, longer age limit. Deletes
 * run in batches (one transaction each) so a large prune never holds the write lock
 * for long; freed pages go back to the file system with incremental vacuum.
 */
#ifndef OPAL_RAS_ERRLOG_RETENTION_H
#define OPAL_RAS_ERRLOG_RETENTION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errlog/store.h"

struct retention_policy {
	int64_t max_age_us[4];  /* by enum ras_severity; 0 = no age limit */
	int64_t max_count[4];   /* by enum ras_severity; 0 = no count limit */
	int64_t open_serviceable_max_age_us; /* 0 = kept forever */
	int batch;              /* rows per delete transaction */
};

/* Defaults: info 90 d / 100k, warning 180 d / 100k, error 2 y, critical 5 y;
 * open serviceable events 10 y. */
void retention_policy_default(struct retention_policy *p);

/* Parse "SEV=VALUE" (e.g. "info=30d" for ages, "warning=5000" for counts). */
int retention_set_age(struct retention_policy *p, const char *arg, struct ras_err *e);
int retention_set_count(struct retention_policy *p, const char *arg, struct ras_err *e);

struct retention_result {
	int64_t by_age[4];
	int64_t by_count[4];
	int64_t open_serviceable_by_age;
	int64_t total;
};

/* Apply (or with dry_run only count) the policy at time now_us. When list is not NULL,
 * one line per event that goes (or would go) is written to it. */
int retention_prune(struct store *s, const struct retention_policy *p, int64_t now_us,
		    bool dry_run, FILE *list, struct retention_result *r, struct ras_err *e);

#endif
