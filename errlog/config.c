/*
 * config.c - load and validate the configuration (see config.h).
 */
#include "errlog/config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "errlog/store.h"

static const char *const known_top[] = {
	"root",	 "database", "control_socket", "elog", "kmsg",	  "dump",  "retention",
	"hooks", "forward",  "ipmi",	       "prd",  "eeh",	  "vpd",   NULL,
};

static void defaults(struct opal_config *c)
{
	memset(c, 0, sizeof(*c));
	c->root = "/";
	c->database = STORE_DEFAULT_PATH;
	c->control_socket = "run/opal-ras/control";
	c->elog_enabled = true;
	c->elog_rescan_us = 10ll * 1000000;
	c->batch_max = 4096;
	c->kmsg_enabled = true;
	c->dump_enabled = true;
	c->retention_interval_us = 3600ll * 1000000;
	retention_policy_default(&c->retention);
}

static int check_keys(const struct ydoc_node *map, const char *const *known, const char *where,
		      struct ras_err *e)
{
	if (!map)
		return 0;
	if (map->type != YDOC_MAP)
		return ras_errf(e, -EINVAL, "line %d: %s must be a mapping", map->line, where);
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		bool ok = false;
		for (const char *const *k = known; *k; k++)
			ok |= !strcmp(*k, map->kids[i]->scalar);
		if (!ok)
			return ras_errf(e, -EINVAL, "line %d: unknown key \"%s\" in %s",
					map->kids[i]->line, map->kids[i]->scalar, where);
	}
	return 0;
}

static int load_retention(const struct ydoc_node *r, struct retention_policy *p,
			  struct ras_err *e)
{
	static const char *const sevs[] = { "info", "warning", "error", "critical", NULL };
	static const char *const keys[] = { "info", "warning", "error", "critical",
					    "open_serviceable_max_age", "interval", NULL };
	static const char *const per[] = { "max_age", "max_count", NULL };
	int rc = check_keys(r, keys, "retention", e);

	for (int i = 0; !rc && sevs[i]; i++) {
		const struct ydoc_node *s = ydoc_get(r, sevs[i]);
		rc = check_keys(s, per, sevs[i], e);
		if (!rc)
			rc = ydoc_duration(ydoc_get(s, "max_age"), &p->max_age_us[i], e);
		if (!rc)
			rc = ydoc_int(ydoc_get(s, "max_count"), 0, INT64_MAX, &p->max_count[i], e);
	}
	if (!rc)
		rc = ydoc_duration(ydoc_get(r, "open_serviceable_max_age"),
				   &p->open_serviceable_max_age_us, e);
	return rc;
}

int config_load(const char *path, struct opal_config *c, struct ras_err *e)
{
	static const char *const elog_keys[] = { "enabled", "rescan_interval", NULL };
	static const char *const en_keys[] = { "enabled", NULL };
	const char *p = path ? path : OPAL_RAS_DEFAULT_CONFIG;
	struct ydoc_node *d;
	int rc;

	defaults(c);
	if (!path && access(p, F_OK) != 0)
		return 0;
	rc = ydoc_load_file(p, &c->doc, e);
	if (rc)
		return rc;
	d = c->doc;
	rc = check_keys(d, known_top, "the configuration", e);
	if (!rc)
		rc = ydoc_str(ydoc_get(d, "root"), &c->root, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(d, "database"), &c->database, e);
	if (!rc)
		rc = ydoc_str(ydoc_get(d, "control_socket"), &c->control_socket, e);
	if (!rc)
		rc = check_keys(ydoc_get(d, "elog"), elog_keys, "elog", e);
	if (!rc)
		rc = ydoc_bool(ydoc_path(d, "elog.enabled"), &c->elog_enabled, e);
	if (!rc)
		rc = ydoc_duration(ydoc_path(d, "elog.rescan_interval"), &c->elog_rescan_us, e);
	if (!rc && c->elog_rescan_us < 100000)
		rc = ras_errf(e, -EINVAL, "elog.rescan_interval must be at least 100ms");
	if (!rc)
		rc = check_keys(ydoc_get(d, "kmsg"), en_keys, "kmsg", e);
	if (!rc)
		rc = ydoc_bool(ydoc_path(d, "kmsg.enabled"), &c->kmsg_enabled, e);
	if (!rc)
		rc = ydoc_bool(ydoc_path(d, "dump.enabled"), &c->dump_enabled, e);
	if (!rc)
		rc = load_retention(ydoc_get(d, "retention"), &c->retention, e);
	if (!rc)
		rc = ydoc_duration(ydoc_path(d, "retention.interval"), &c->retention_interval_us, e);
	if (rc) {
		ras_err_prefix(e, rc, "%s", p);
		config_free(c);
		defaults(c);
	}
	return rc;
}

void config_free(struct opal_config *c)
{
	ydoc_free(c->doc);
	c->doc = NULL;
}
