/*
 * eeh_uevent.c - ERROR_EVENT uevents of PCI devices (spec 1.6): the netlink message
 * ("change@/devices/...\0KEY=value\0...") or a udev-style KEY=value list.
 *
 * Untrusted input: fields are split by NUL or newline within len, values are copied
 * with truncation, and the message need not be NUL-terminated.
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *name;
	enum eeh_uevent_kind kind;
} kinds[] = {
	{ "BEGIN_RECOVERY", EEH_UEVENT_BEGIN_RECOVERY },
	{ "SUCCESSFUL_RECOVERY", EEH_UEVENT_SUCCESSFUL_RECOVERY },
	{ "FAILED_RECOVERY", EEH_UEVENT_FAILED_RECOVERY },
};

const char *eeh_uevent_kind_name(enum eeh_uevent_kind k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "NONE";
}

static bool field_is(const char *f, size_t fl, const char *key, const char **val, size_t *vl)
{
	size_t kl = strlen(key);

	if (fl <= kl || memcmp(f, key, kl) != 0 || f[kl] != '=')
		return false;
	*val = f + kl + 1;
	*vl = fl - kl - 1;
	return true;
}

int eeh_uevent_parse(const char *buf, size_t len, struct eeh_uevent *out)
{
	const char *p = buf, *end = buf + len;
	const char *val;
	size_t vl;
	bool pci = false, have_slot = false;
	char devpath_last[EEH_BDF_MAX] = "";

	memset(out, 0, sizeof(*out));
	out->device_online = -1;
	if (!buf)
		return 0;
	while (p < end) {
		const char *f = p;
		while (p < end && *p != '\0' && *p != '\n')
			p++;
		size_t fl = (size_t)(p - f);
		if (p < end)
			p++; /* the separator */
		if (fl == 0)
			continue;
		if (field_is(f, fl, "ERROR_EVENT", &val, &vl)) {
			for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				if (vl == strlen(kinds[i].name) &&
				    memcmp(val, kinds[i].name, vl) == 0)
					out->kind = kinds[i].kind;
		} else if (field_is(f, fl, "SUBSYSTEM", &val, &vl)) {
			pci = vl == 3 && memcmp(val, "pci", 3) == 0;
		} else if (field_is(f, fl, "DEVICE_ONLINE", &val, &vl)) {
			out->device_online =
				(vl == 1 && (val[0] == '0' || val[0] == '1')) ? val[0] - '0' : -1;
		} else if (field_is(f, fl, "PCI_SLOT_NAME", &val, &vl)) {
			if (vl < EEH_BDF_MAX) {
				memcpy(out->bdf, val, vl);
				out->bdf[vl] = '\0';
				have_slot = true;
			}
		} else if (field_is(f, fl, "DEVPATH", &val, &vl)) {
			const char *slash = val;
			for (size_t i = 0; i < vl; i++)
				if (val[i] == '/')
					slash = val + i + 1;
			size_t ll = vl - (size_t)(slash - val);
			if (ll < EEH_BDF_MAX) {
				memcpy(devpath_last, slash, ll);
				devpath_last[ll] = '\0';
			}
		}
	}
	if (out->kind == EEH_UEVENT_NONE || !pci)
		return (out->kind = EEH_UEVENT_NONE), 0;
	if (!have_slot)
		memcpy(out->bdf, devpath_last, sizeof(out->bdf));
	unsigned a, b, c, d;
	if (eeh_parse_bdf(out->bdf, &a, &b, &c, &d) < 0) {
		out->bdf[0] = '\0';
		return -EINVAL;
	}
	return 1;
}
