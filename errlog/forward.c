/*
 * forward.c - the guest-visible event classifier and the `forward:` configuration (see
 * forward.h). The classes are rows of a table; adding one is adding a row. The EPOW
 * subsystem list is built from the PEL subsystem name table so the two never disagree.
 */
#include "errlog/forward.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errlog/pel.h"

static const char *const class_names[FWD_N] = {
	[FWD_NONE] = "none",
	[FWD_EPOW] = "epow",
	[FWD_EEH_FAILED] = "eeh-failed",
	[FWD_EEH_FREEZE] = "eeh-freeze",
	[FWD_MEMORY] = "memory",
};
static const char *const action_names[] = {
	[FWD_ACT_NONE] = "none",
	[FWD_ACT_RECORD] = "record",
	[FWD_ACT_POWERDOWN] = "powerdown",
	[FWD_ACT_DEVICE_DEL] = "device_del",
};
/* The default action per class (configurable: forward.actions). */
static const enum fwd_action default_action[FWD_N] = {
	[FWD_EPOW] = FWD_ACT_POWERDOWN,
	[FWD_EEH_FAILED] = FWD_ACT_DEVICE_DEL,
	[FWD_EEH_FREEZE] = FWD_ACT_RECORD,
	[FWD_MEMORY] = FWD_ACT_RECORD,
};
/* PEL subsystems whose critical logs are early power-off warnings: power/cooling
 * (0x60-0x64), input power (0xA1) and room ambient temperature (0xA2). */
static const uint8_t epow_subsystems[] = { 0x60, 0x61, 0x62, 0x63, 0x64, 0xA1, 0xA2 };
/* IPMI sensor types (errlog/sel.c names) whose critical SEL records are the BMC's EPOW:
 * temperature, voltage, fans, power supplies, the power unit, cooling devices. */
static const char *const sel_epow_sensors[] = {
	"Temperature", "Voltage", "Fan", "Power Supply", "Power Unit", "Cooling Device", NULL
};

/* The classification table: first matching row wins. */
static const struct {
	enum fwd_class cls;
	const char *kind; /* exact kind */
	const char *refcode; /* exact refcode, NULL = any */
	bool needs_guest; /* only when the event names a guest */
	bool epow; /* EPOW test: subsystem + critical, or SRC list */
} rules[] = {
	{ FWD_EEH_FAILED, RAS_KIND_EEH, "eeh-failed", true, false },
	{ FWD_EEH_FREEZE, RAS_KIND_EEH, "eeh-freeze", true, false },
	{ FWD_EPOW, RAS_KIND_PEL, NULL, false, true },
	{ FWD_EPOW, RAS_KIND_SEL, NULL, false, true },
	{ FWD_MEMORY, RAS_KIND_MCE, NULL, true, false },
	{ FWD_MEMORY, "prd-mem", NULL, true, false },
};

const char *fwd_class_name(enum fwd_class c)
{
	return (unsigned)c < FWD_N ? class_names[c] : "none";
}

enum fwd_class fwd_class_parse(const char *s)
{
	for (int i = 1; i < FWD_N; i++)
		if (s && !strcmp(s, class_names[i]))
			return (enum fwd_class)i;
	return FWD_NONE;
}

const char *fwd_action_name(enum fwd_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ? action_names[a]
									    : "none";
}

int fwd_action_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (s && !strcmp(s, action_names[i]))
			return (int)i;
	return -1;
}

bool fwd_subsystem_is_epow(const char *subsystem)
{
	if (!subsystem)
		return false;
	for (size_t i = 0; i < sizeof(epow_subsystems); i++) {
		const char *n = pel_subsystem_name(epow_subsystems[i]);
		if (n && !strcmp(n, subsystem))
			return true;
	}
	return false;
}

static bool sel_sensor_is_epow(const char *sensor)
{
	for (const char *const *p = sel_epow_sensors; sensor && *p; p++)
		if (!strcmp(*p, sensor))
			return true;
	return false;
}

static bool src_listed(const struct fwd_config *c, const char *refcode)
{
	if (!refcode)
		return false;
	for (size_t i = 0; i < c->n_epow_src; i++)
		if (!strncasecmp(refcode, c->epow_src[i], strlen(c->epow_src[i])) &&
		    strlen(refcode) >= strlen(c->epow_src[i]))
			return true;
	return false;
}

enum fwd_class fwd_classify(const struct fwd_config *c, const struct fwd_facts *f)
{
	if (!f->kind)
		return FWD_NONE;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].kind, f->kind))
			continue;
		if (rules[i].refcode && (!f->refcode || strcmp(rules[i].refcode, f->refcode)))
			continue;
		if (rules[i].needs_guest && (!f->guest || !*f->guest))
			continue;
		if (rules[i].epow &&
		    !((f->severity >= RAS_SEV_CRITICAL &&
		       (strcmp(f->kind, RAS_KIND_SEL) ? fwd_subsystem_is_epow(f->subsystem)
						      : sel_sensor_is_epow(f->subsystem))) ||
		      (c && src_listed(c, f->refcode))))
			continue;
		return rules[i].cls;
	}
	return FWD_NONE;
}

void fwd_facts_from_event(const struct ras_event *ev, struct fwd_facts *f)
{
	f->kind = ev->kind;
	f->refcode = ev->refcode;
	f->subsystem = ev->subsystem;
	f->guest = ev->guest;
	f->severity = (int)ev->severity;
}

const char *fwd_device_for(const struct fwd_config *c, const char *host_bdf)
{
	for (size_t i = 0; host_bdf && i < c->n_devices; i++)
		if (!strcasecmp(c->devices[i].host, host_bdf))
			return c->devices[i].id;
	return NULL;
}

static int bad(const struct ydoc_node *n, struct ras_err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(const struct ydoc_node *n, struct ras_err *e, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ras_errf(e, -EINVAL, "forward: line %d: %s", n ? n->line : 0, msg);
}

static int str_list(const struct ydoc_node *n, const char **out, size_t max, size_t *count,
		    const char *what, struct ras_err *e)
{
	*count = 0;
	if (!n)
		return 0;
	if (n->type == YDOC_SCALAR) {
		out[(*count)++] = n->scalar;
		return 0;
	}
	if (n->type != YDOC_SEQ)
		return bad(n, e, "%s must be a string or a list of strings", what);
	for (size_t i = 0; i < n->n; i++) {
		if (n->kids[i]->type != YDOC_SCALAR)
			return bad(n->kids[i], e, "%s must be a list of strings", what);
		if (*count >= max)
			return bad(n->kids[i], e, "too many entries in %s", what);
		out[(*count)++] = n->kids[i]->scalar;
	}
	return 0;
}

int fwd_config_load(const struct ydoc_node *n, struct fwd_config *c, struct ras_err *e)
{
	static const char *const keys[] = { "qmp",	"timeout",	 "device_del_timeout",
					    "retries",	"retry_backoff", "actions",
					    "epow_src", "devices",	 NULL };
	int64_t v;
	int rc;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < FWD_N; i++)
		c->action[i] = default_action[i];
	c->timeout_us = 5ll * 1000000;
	c->device_del_timeout_us = 30ll * 1000000;
	c->retries = 3;
	c->retry_backoff_us = 10ll * 1000000;
	if (!n)
		return 0;
	if (n->type != YDOC_MAP)
		return bad(n, e, "forward must be a mapping");
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		bool known = false;
		for (const char *const *k = keys; *k; k++)
			known |= !strcmp(*k, n->kids[i]->scalar);
		if (!known)
			return bad(n->kids[i], e, "unknown key \"%s\"", n->kids[i]->scalar);
	}
	if ((rc = str_list(ydoc_get(n, "qmp"), c->qmp, FWD_MAX_SOCKETS, &c->n_qmp, "qmp", e)))
		return rc;
	for (size_t i = 0; i < c->n_qmp; i++)
		if (c->qmp[i][0] != '/')
			return bad(ydoc_get(n, "qmp"), e,
				   "qmp socket \"%s\" is not an absolute path", c->qmp[i]);
	c->enabled = c->n_qmp > 0;
	if ((rc = ydoc_duration(ydoc_get(n, "timeout"), &c->timeout_us, e)) ||
	    (rc = ydoc_duration(ydoc_get(n, "device_del_timeout"), &c->device_del_timeout_us, e)) ||
	    (rc = ydoc_duration(ydoc_get(n, "retry_backoff"), &c->retry_backoff_us, e)))
		return rc;
	if (c->timeout_us <= 0 || c->device_del_timeout_us <= 0)
		return bad(n, e, "timeouts must be positive");
	v = c->retries;
	if ((rc = ydoc_int(ydoc_get(n, "retries"), 0, 100, &v, e)))
		return rc;
	c->retries = (int)v;
	if ((rc = str_list(ydoc_get(n, "epow_src"), c->epow_src, FWD_MAX_SRC, &c->n_epow_src,
			   "epow_src", e)))
		return rc;
	const struct ydoc_node *a = ydoc_get(n, "actions");
	if (a && a->type != YDOC_MAP)
		return bad(a, e, "actions must map a class to an action");
	for (size_t i = 0; a && i + 1 < a->n; i += 2) {
		enum fwd_class cl = fwd_class_parse(a->kids[i]->scalar);
		const struct ydoc_node *val = a->kids[i + 1];
		if (cl == FWD_NONE)
			return bad(a->kids[i], e,
				   "unknown class \"%s\" (epow, eeh-failed, eeh-freeze, memory)",
				   a->kids[i]->scalar);
		int act = val->type == YDOC_SCALAR ? fwd_action_parse(val->scalar) : -1;
		if (act < 0)
			return bad(val, e,
				   "unknown action \"%s\" (none, record, powerdown, device_del)",
				   val->type == YDOC_SCALAR ? val->scalar : "?");
		if (act == FWD_ACT_DEVICE_DEL && cl != FWD_EEH_FAILED && cl != FWD_EEH_FREEZE)
			return bad(val, e, "device_del needs a device: only for eeh classes");
		c->action[cl] = (enum fwd_action)act;
	}
	const struct ydoc_node *d = ydoc_get(n, "devices");
	if (d && d->type != YDOC_MAP)
		return bad(d, e, "devices must map a host PCI address to a QEMU device id");
	for (size_t i = 0; d && i + 1 < d->n; i += 2) {
		if (d->kids[i + 1]->type != YDOC_SCALAR)
			return bad(d->kids[i + 1], e, "device id for %s must be a string",
				   d->kids[i]->scalar);
		if (c->n_devices >= FWD_MAX_DEVICES)
			return bad(d->kids[i], e, "too many devices");
		c->devices[c->n_devices].host = d->kids[i]->scalar;
		c->devices[c->n_devices++].id = d->kids[i + 1]->scalar;
	}
	return 0;
}
