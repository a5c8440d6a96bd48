/*
 * eeh_inject.c - host-side error injection (spec 1.4, 1.11): the per-PHB debugfs
 * err_injct file ("pe:type:func:addr:mask", five hex fields, at most 49 characters) and
 * eeh_dev_break (a BDF). The exact bytes written are returned to the caller so the
 * command can show them. Policy (confirmation, guest-owned PEs) is the caller's.
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fileio.h"
#include "common/path.h"

static const char *const func_names[EEH_INJECT_FUNC_MAX + 1] = {
	"load-mem-addr",  "load-mem-data",  "load-io-addr",	"load-io-data",
	"load-cfg-addr",  "load-cfg-data",  "store-mem-addr",	"store-mem-data",
	"store-io-addr",  "store-io-data",  "store-cfg-addr",	"store-cfg-data",
	"dma-read-addr",  "dma-read-data",  "dma-read-master",	"dma-read-target",
	"dma-write-addr", "dma-write-data", "dma-write-master", "dma-write-target",
};

const char *eeh_inject_func_name(unsigned func)
{
	return func <= EEH_INJECT_FUNC_MAX ? func_names[func] : NULL;
}

int eeh_inject_func_parse(const char *s, unsigned *func)
{
	char *end;

	for (unsigned i = 0; i <= EEH_INJECT_FUNC_MAX; i++) {
		if (strcasecmp(s, func_names[i]) == 0) {
			*func = i;
			return 0;
		}
	}
	if (!*s)
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || v > EEH_INJECT_FUNC_MAX)
		return -EINVAL;
	*func = (unsigned)v;
	return 0;
}

int eeh_inject_format(char *out, size_t n, uint32_t pe, unsigned type, unsigned func, uint64_t addr,
		      uint64_t mask)
{
	if (type > 1 || func > EEH_INJECT_FUNC_MAX)
		return -ERANGE;
	int k = snprintf(out, n, "%x:%x:%x:%llx:%llx", pe, type, func, (unsigned long long)addr,
			 (unsigned long long)mask);
	/* The kernel copies at most 49 characters. */
	if (k < 0 || (size_t)k >= n || k > 49)
		return -ENAMETOOLONG;
	return 0;
}

int eeh_inject_errinjct(const char *root, uint32_t phb, uint32_t pe, unsigned type, unsigned func,
			uint64_t addr, uint64_t mask, char *written, size_t wn, struct ras_err *e)
{
	char path[PATH_MAX], s[64];
	int rc;

	rc = eeh_inject_format(s, sizeof(s), pe, type, func, addr, mask);
	if (rc)
		return ras_errf(e, rc, "bad injection: type %u (0 or 1), func %u (0-19)", type,
				func);
	if (phb > 0xffff)
		return ras_errf(e, -ERANGE, "PHB %x out of range", phb);
	if (root_path(path, sizeof(path), root, "sys/kernel/debug/powerpc/PCI%04x/err_injct", phb) <
	    0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	rc = file_write_str(path, s, e);
	if (rc == -ENOENT)
		return ras_errf(e, rc, "%s: not found (is debugfs mounted, and are you root?)",
				path);
	if (rc == -ENXIO)
		return ras_errf(e, rc, "%s: firmware lacks OPAL_PCI_ERR_INJECT", path);
	if (rc)
		return rc;
	if (written)
		snprintf(written, wn, "%s", s);
	return 0;
}

int eeh_inject_dev_break(const char *root, const char *bdf, struct ras_err *e)
{
	char path[PATH_MAX];
	unsigned a, b, c, d;
	int rc;

	if (eeh_parse_bdf(bdf, &a, &b, &c, &d) < 0)
		return ras_errf(e, -EINVAL, "bad BDF \"%s\" (expected dddd:bb:dd.f)", bdf);
	if (root_path(path, sizeof(path), root, "sys/kernel/debug/powerpc/eeh_dev_break") < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	rc = file_write_str(path, bdf, e);
	if (rc == -ENXIO)
		return ras_errf(e, rc, "%s: %s has no usable memory BAR (or is a VF without PF)",
				path, bdf);
	if (rc == -ENOENT)
		return ras_errf(e, rc, "%s: not found (is debugfs mounted, and are you root?)",
				path);
	return rc;
}
