/*
 * eeh_stats.c - /proc/powerpc/eeh counters (spec 1.3) and debugfs eeh_max_freezes (1.4).
 *
 * The /proc text is parsed line by line as key=value; unknown lines are ignored so a
 * newer kernel's extra counters do no harm. eeh_slot_resets undercounts on PowerNV
 * (freezes found by the OPAL interrupt are not counted): renderers say so.
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/path.h"

static const struct {
	const char *key;
	size_t off;
} keys[] = {
	{ "no device", offsetof(struct eeh_proc_stats, no_device) },
	{ "no device node", offsetof(struct eeh_proc_stats, no_dn) },
	{ "no config address", offsetof(struct eeh_proc_stats, no_cfg_addr) },
	{ "check not wanted", offsetof(struct eeh_proc_stats, check_not_wanted) },
	{ "eeh_total_mmio_ffs", offsetof(struct eeh_proc_stats, mmio_ffs) },
	{ "eeh_false_positives", offsetof(struct eeh_proc_stats, false_positives) },
	{ "eeh_slot_resets", offsetof(struct eeh_proc_stats, slot_resets) },
};

int eeh_proc_stats_parse(const char *buf, size_t len, struct eeh_proc_stats *s)
{
	const char *p = buf, *end = buf + len;

	memset(s, 0, sizeof(*s));
	while (p < end) {
		const char *l = p;
		while (p < end && *p != '\n')
			p++;
		size_t ll = (size_t)(p - l);
		if (p < end)
			p++;
		if (ll >= 24 && memcmp(l, "EEH Subsystem is enabled", 24) == 0) {
			s->present = s->enabled = true;
			continue;
		}
		if (ll >= 22 && memcmp(l, "EEH Subsystem is globa", 22) == 0) {
			s->present = true;
			s->enabled = false;
			continue;
		}
		const char *eq = memchr(l, '=', ll);
		if (!eq)
			continue;
		size_t kl = (size_t)(eq - l);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (kl != strlen(keys[i].key) || memcmp(l, keys[i].key, kl) != 0)
				continue;
			uint64_t v = 0;
			const char *q = eq + 1;
			bool ok = q < l + ll;
			for (; q < l + ll; q++) {
				if (*q < '0' || *q > '9' || v > (UINT64_MAX - 9) / 10) {
					ok = false;
					break;
				}
				v = v * 10 + (uint64_t)(*q - '0');
			}
			if (ok)
				*(uint64_t *)((char *)s + keys[i].off) = v;
		}
	}
	return s->present ? 0 : -EINVAL;
}

int eeh_proc_stats_read(const char *root, struct eeh_proc_stats *s, struct ras_err *e)
{
	static const char *const paths[] = { "proc/powerpc/eeh", "proc/ppc64/eeh" };
	char path[PATH_MAX];

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < 2; i++) {
		uint8_t *buf;
		size_t len;
		if (root_path(path, sizeof(path), root, "%s", paths[i]) < 0)
			return ras_errf(e, -ENAMETOOLONG, "root path too long");
		int rc = file_read_all(path, 16384, &buf, &len, NULL, NULL);
		if (rc == -ENOENT)
			continue;
		if (rc)
			return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
		rc = eeh_proc_stats_parse((const char *)buf, len, s);
		free(buf);
		if (rc)
			return ras_errf(e, rc, "%s: expected \"EEH Subsystem is ...\" first", path);
		return 0;
	}
	return ras_errf(e, -ENOENT, "no /proc/powerpc/eeh under %s: EEH not available",
			root ? root : "/");
}

int eeh_max_freezes_read(const char *root, int *max, struct ras_err *e)
{
	char path[PATH_MAX];
	uint64_t v;
	int rc;

	if (root_path(path, sizeof(path), root, "sys/kernel/debug/powerpc/eeh_max_freezes") < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	rc = file_read_u64(path, &v, e);
	if (rc)
		return rc;
	if (v > INT_MAX)
		return ras_errf(e, -ERANGE, "%s: %llu out of range", path, (unsigned long long)v);
	*max = (int)v;
	return 0;
}
