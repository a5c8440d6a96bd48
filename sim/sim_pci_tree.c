/*
 * sim_pci_tree.c - opal-sim's PCI/EEH host model: the sysfs device tree with EEH
 * attributes, /proc/powerpc/eeh, debugfs (eeh_max_freezes, eeh_dev_break,
 * PCIxxxx/err_injct ...), device-tree location codes, IOMMU groups, /dev/vfio and a
 * fake QEMU holding the VFIO group of the passed-through BCM5719; and the kernel's
 * reaction to a freeze (spec kernel-eeh-mce-vpd-rtas.md 1.1-1.7).
 *
 * Invariants: everything is created with mkdir_p and "keep what exists" so the VPD
 * module may run first; per-PE freeze windows live in ROOT/.sim/eeh/ (never read by the
 * product); kernel log lines leave through the caller's emit function, so the module
 * glue can hand them to the kmsg module and the tests can collect them.
 */
#include "sim/sim_pci.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "eeh/eeh.h"

#define ENC "U78D2.001.WZS0001"

const struct sim_pci_dev sim_pci_devs[] = {
	{ "0000:01:00.0", 0x15b3, 0x1017, 0x020000, "mlx5_core", 1, 0x1,
	  "pciex@600c3c0000000/pci@0/ethernet@0", ENC "-P1-C7" },
	{ "0000:01:00.1", 0x15b3, 0x1017, 0x020000, "mlx5_core", 1, 0x1,
	  "pciex@600c3c0000000/pci@0/ethernet@0,1", ENC "-P1-C7" },
	{ "0001:01:00.0", 0x144d, 0xa808, 0x010802, "nvme", 2, 0x1,
	  "pciex@600c3c0100000/pci@0/nvme@0", ENC "-P1-C2" },
	{ "0030:01:00.0", 0x14e4, 0x1657, 0x020000, "vfio-pci", 3, 0x1fa,
	  "pciex@600c3c1000000/pci@0/ethernet@0", ENC "-P1-C9" },
};
const unsigned sim_pci_n_devs = sizeof(sim_pci_devs) / sizeof(sim_pci_devs[0]);

#define STATE_HEALTHY "0x00000078 0x00000800\n"

/* Replace path with content through a temporary file and rename (readers see the old or
 * the new content, never a mix). No fsync: this is a simulator's scratch tree. */
static int write_file(const char *path, const void *content, size_t len, unsigned mode,
		      struct ras_err *e)
{
	char tmp[PATH_MAX + 8];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp~", path) >= sizeof(tmp))
		return ras_errf(e, -ENAMETOOLONG, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	rc = write_full(fd, content, len);
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
	}
	return 0;
}

static int put(const char *root, const char *content, size_t len, unsigned mode, struct ras_err *e,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int put(const char *root, const char *content, size_t len, unsigned mode, struct ras_err *e,
	       const char *fmt, ...)
{
	char rel[PATH_MAX], path[PATH_MAX], dir[PATH_MAX];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (root_path(path, sizeof(path), root, "%s", rel) < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long: %s", rel);
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rc = mkdir_p(dir, 0755);
		if (rc)
			return ras_errf(e, rc, "mkdir %s: %s", dir, strerror(-rc));
	}
	return write_file(path, content, len, mode, e);
}

static int puts_(const char *root, const char *s, unsigned mode, struct ras_err *e, const char *rel)
{
	return put(root, s, strlen(s), mode, e, "%s", rel);
}

/* Create a symlink unless something already exists there. */
static int link_keep(const char *root, const char *target, struct ras_err *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int link_keep(const char *root, const char *target, struct ras_err *e, const char *fmt, ...)
{
	char rel[PATH_MAX], path[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (root_path(path, sizeof(path), root, "%s", rel) < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long: %s", rel);
	if (lstat(path, &st) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		int rc = mkdir_p(dir, 0755);
		if (rc)
			return ras_errf(e, rc, "mkdir %s: %s", dir, strerror(-rc));
	}
	if (symlink(target, path) < 0 && errno != EEXIST)
		return ras_errf(e, -errno, "symlink %s: %s", path, strerror(errno));
	return 0;
}

static int mkdir_rel(const char *root, const char *rel, struct ras_err *e)
{
	char path[PATH_MAX];
	int rc;

	if (root_path(path, sizeof(path), root, "%s", rel) < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long: %s", rel);
	rc = mkdir_p(path, 0755);
	return rc ? ras_errf(e, rc, "mkdir %s: %s", path, strerror(-rc)) : 0;
}

static int build_dev(const char *root, unsigned idx, const struct sim_pci_dev *d, struct ras_err *e)
{
	char buf[1024], rel[PATH_MAX];
	uint8_t cfg[256] = { 0 };
	int rc = 0;

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", d->bdf);
#define ATTR(name, ...)                                                                \
	do {                                                                           \
		snprintf(buf, sizeof(buf), __VA_ARGS__);                               \
		if (!rc)                                                               \
			rc = put(root, buf, strlen(buf), 0444, e, "%s/%s", rel, name); \
	} while (0)
	ATTR("vendor", "0x%04x\n", d->vendor);
	ATTR("device", "0x%04x\n", d->device);
	ATTR("subsystem_vendor", "0x%04x\n", d->vendor);
	ATTR("subsystem_device", "0x%04x\n", 0x0001);
	ATTR("class", "0x%06x\n", d->class_code);
	ATTR("irq", "%u\n", 30 + idx);
	ATTR("numa_node", "%d\n", 0);
	{
		size_t off = 0;
		uint64_t bar = 0x3fe000000000ull + ((uint64_t)idx << 24);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"0x%016llx 0x%016llx 0x%016llx\n", (unsigned long long)bar,
					(unsigned long long)(bar + 0xfffff), 0x140204ull);
		for (int i = 1; i < 13; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
						"0x%016llx 0x%016llx 0x%016llx\n", 0ull, 0ull,
						0ull);
		if (!rc)
			rc = put(root, buf, off, 0444, e, "%s/resource", rel);
	}
	ATTR("eeh_mode", "0x%x\n", 0x200);
	ATTR("eeh_pe_config_addr", "0x%x\n", d->pe);
	if (rc)
		return rc;
	/* eeh_pe_state is rw: keep a frozen state across a second init. */
	{
		char p[PATH_MAX];
		if (root_path(p, sizeof(p), root, "%s/eeh_pe_state", rel) == 0 &&
		    access(p, F_OK) != 0)
			rc = put(root, STATE_HEALTHY, strlen(STATE_HEALTHY), 0644, e,
				 "%s/eeh_pe_state", rel);
	}
#undef ATTR
	if (rc)
		return rc;
	/* Config space: ids, command, class, a 64-bit memory BAR. */
	cfg[0] = (uint8_t)d->vendor;
	cfg[1] = (uint8_t)(d->vendor >> 8);
	cfg[2] = (uint8_t)d->device;
	cfg[3] = (uint8_t)(d->device >> 8);
	cfg[4] = 0x06;
	cfg[0x09] = (uint8_t)d->class_code;
	cfg[0x0a] = (uint8_t)(d->class_code >> 8);
	cfg[0x0b] = (uint8_t)(d->class_code >> 16);
	cfg[0x10] = 0x0c;
	rc = put(root, (const char *)cfg, sizeof(cfg), 0644, e, "%s/config", rel);
	if (rc)
		return rc;
	/* driver, iommu_group, of_node: relative links, as sysfs makes them. */
	snprintf(buf, sizeof(buf), "sys/bus/pci/drivers/%s", d->driver);
	if ((rc = mkdir_rel(root, buf, e)))
		return rc;
	snprintf(buf, sizeof(buf), "../../drivers/%s", d->driver);
	if ((rc = link_keep(root, buf, e, "%s/driver", rel)))
		return rc;
	snprintf(buf, sizeof(buf), "sys/kernel/iommu_groups/%d/devices", d->group);
	if ((rc = mkdir_rel(root, buf, e)))
		return rc;
	snprintf(buf, sizeof(buf), "../../../../kernel/iommu_groups/%d", d->group);
	if ((rc = link_keep(root, buf, e, "%s/iommu_group", rel)))
		return rc;
	snprintf(buf, sizeof(buf), "../../../../bus/pci/devices/%s", d->bdf);
	if ((rc = link_keep(root, buf, e, "sys/kernel/iommu_groups/%d/devices/%s", d->group,
			    d->bdf)))
		return rc;
	snprintf(buf, sizeof(buf), "proc/device-tree/%s/ibm,loc-code", d->dt);
	if ((rc = put(root, d->loc, strlen(d->loc) + 1, 0444, e, "%s", buf)))
		return rc;
	snprintf(buf, sizeof(buf), "../../../../../sys/firmware/devicetree/base/%s", d->dt);
	return link_keep(root, buf, e, "%s/of_node", rel);
}

int sim_pci_build(const char *root, struct ras_err *e)
{
	char abs_root[PATH_MAX], buf[PATH_MAX];
	int rc = 0;

	for (unsigned i = 0; !rc && i < sim_pci_n_devs; i++)
		rc = build_dev(root, i, &sim_pci_devs[i], e);
	if (rc)
		return rc;
	/* The kernel's name for the device tree (the VPD module makes the same link). */
	if ((rc = mkdir_rel(root, "proc/device-tree", e)) ||
	    (rc = link_keep(root, "../../../proc/device-tree", e, "sys/firmware/devicetree/base")))
		return rc;

	rc = puts_(root,
		   "EEH Subsystem is enabled\nno device=0\nno device node=0\n"
		   "no config address=0\ncheck not wanted=0\neeh_total_mmio_ffs=1024\n"
		   "eeh_false_positives=0\neeh_slot_resets=0\n",
		   0444, e, "proc/powerpc/eeh");
	if (!rc)
		rc = puts_(root, "0x1\n", 0600, e, "sys/kernel/debug/powerpc/eeh_enable");
	if (!rc)
		rc = puts_(root, "5\n", 0600, e, "sys/kernel/debug/powerpc/eeh_max_freezes");
	if (!rc)
		rc = puts_(root, "N\n", 0600, e, "sys/kernel/debug/powerpc/eeh_disable_recovery");
	if (!rc)
		rc = puts_(root, "", 0600, e, "sys/kernel/debug/powerpc/eeh_dev_break");
	if (!rc)
		rc = puts_(root, "input format: <domain>:<bus>:<dev>.<fn>\n", 0600, e,
			   "sys/kernel/debug/powerpc/eeh_dev_check");
	if (!rc)
		rc = puts_(root, "", 0600, e, "sys/kernel/debug/powerpc/eeh_force_recover");
	for (unsigned i = 0; !rc && i < sim_pci_n_devs; i++) {
		unsigned dom, bus, dev, fn;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &dom, &bus, &dev, &fn);
		snprintf(buf, sizeof(buf), "sys/kernel/debug/powerpc/PCI%04x/err_injct", dom);
		rc = puts_(root, "", 0600, e, buf);
		snprintf(buf, sizeof(buf), "sys/kernel/debug/powerpc/PCI%04x/dump_diag_regs", dom);
		if (!rc)
			rc = puts_(root, "", 0600, e, buf);
	}
	if (rc)
		return rc;

	/* VFIO: the container node and one node per group of a vfio-pci device. */
	if ((rc = puts_(root, "", 0600, e, "dev/vfio/vfio")))
		return rc;
	for (unsigned i = 0; !rc && i < sim_pci_n_devs; i++) {
		if (strcmp(sim_pci_devs[i].driver, "vfio-pci"))
			continue;
		snprintf(buf, sizeof(buf), "dev/vfio/%d", sim_pci_devs[i].group);
		rc = puts_(root, "", 0600, e, buf);
	}
	if (rc)
		return rc;

	/* A fake QEMU holding the group; a second process holding nothing. */
	if (!realpath(root, abs_root))
		return ras_errf(e, -errno, "realpath %s: %s", root, strerror(errno));
	static const char qemu_cmdline[] =
		"/usr/bin/qemu-system-ppc64\0-name\0guest=" SIM_PCI_GUEST ",debug-threads=on\0"
		"-machine\0pseries,accel=kvm\0-m\0"
		"16384\0-device\0"
		"vfio-pci,host=0030:01:00.0,id=hostdev0,bus=pci.1,addr=0x1\0";
	snprintf(buf, sizeof(buf), "proc/%d/cmdline", SIM_PCI_QEMU_PID);
	if ((rc = put(root, qemu_cmdline, sizeof(qemu_cmdline) - 1, 0444, e, "%s", buf)))
		return rc;
	snprintf(buf, sizeof(buf), "proc/%d/comm", SIM_PCI_QEMU_PID);
	if ((rc = puts_(root, "qemu-system-ppc\n", 0444, e, buf)))
		return rc;
	static const char init_cmdline[] = "/sbin/init\0splash\0";
	if ((rc = put(root, init_cmdline, sizeof(init_cmdline) - 1, 0444, e, "proc/1/cmdline")) ||
	    (rc = link_keep(root, "/dev/null", e, "proc/1/fd/0")) ||
	    (rc = link_keep(root, "/dev/null", e, "proc/%d/fd/0", SIM_PCI_QEMU_PID)))
		return rc;
	snprintf(buf, sizeof(buf), "%s/dev/vfio/vfio", abs_root);
	if ((rc = link_keep(root, buf, e, "proc/%d/fd/17", SIM_PCI_QEMU_PID)))
		return rc;
	for (unsigned i = 0; i < sim_pci_n_devs; i++) {
		if (strcmp(sim_pci_devs[i].driver, "vfio-pci"))
			continue;
		snprintf(buf, sizeof(buf), "%s/dev/vfio/%d", abs_root, sim_pci_devs[i].group);
		if ((rc = link_keep(root, buf, e, "proc/%d/fd/%d", SIM_PCI_QEMU_PID,
				    18 + sim_pci_devs[i].group)))
			return rc;
	}
	snprintf(buf, sizeof(buf), "%d\n", SIM_PCI_QEMU_PID);
	return puts_(root, buf, 0644, e, "run/libvirt/qemu/" SIM_PCI_GUEST ".pid");
}

/* ---- the kernel's reaction ----------------------------------------------------------- */

static int set_state(const char *root, uint32_t phb, uint32_t pe, const char *state,
		     struct ras_err *e)
{
	char path[PATH_MAX];
	int rc = 0;

	for (unsigned i = 0; !rc && i < sim_pci_n_devs; i++) {
		unsigned dom, bus, dev, fn;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &dom, &bus, &dev, &fn);
		if (dom != phb || sim_pci_devs[i].pe != pe)
			continue;
		if (root_path(path, sizeof(path), root, "sys/bus/pci/devices/%s/eeh_pe_state",
			      sim_pci_devs[i].bdf) < 0)
			return ras_errf(e, -ENAMETOOLONG, "path too long");
		rc = write_file(path, state, strlen(state), 0644, e);
	}
	return rc;
}

static int emitf(sim_pci_emit_fn emit, void *arg, const char *root, int level, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int emitf(sim_pci_emit_fn emit, void *arg, const char *root, int level, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return emit ? emit(root, level, text, arg) : 0;
}

/* The PE's freeze window in ROOT/.sim/eeh/<phb>-<pe>: "tstamp_us count". */
static int window_account(const char *root, uint32_t phb, uint32_t pe, int64_t now_us, int *count,
			  struct ras_err *e)
{
	char path[PATH_MAX], s[64];
	struct eeh_window w = { 0 };
	long long ts;
	int c;

	if (root_path(path, sizeof(path), root, ".sim/eeh/%x-%x", phb, pe) < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long");
	if (file_read_str(path, s, sizeof(s), NULL) == 0 && sscanf(s, "%lld %d", &ts, &c) == 2) {
		w.tstamp_us = ts;
		w.count = c;
	}
	*count = eeh_window_freeze(&w, now_us);
	snprintf(s, sizeof(s), "%lld %d\n", (long long)w.tstamp_us, w.count);
	return put(root, s, strlen(s), 0644, e, ".sim/eeh/%x-%x", phb, pe);
}

/* The kernel gives up on a PE: the permanent-failure lines and the final state. */
static int perm_fail(const char *root, uint32_t phb, uint32_t pe, const struct sim_pci_dev **devs,
		     unsigned n, int count, sim_pci_emit_fn emit, void *arg, struct ras_err *e)
{
	emitf(emit, arg, root, 3,
	      "EEH: PHB#%x-PE#%x has failed %d times in the last hour and has been "
	      "permanently disabled.",
	      phb, pe, count);
	emitf(emit, arg, root, 3,
	      "EEH: Unable to recover from failure from PHB#%x-PE#%x.\n"
	      "Please try reseating or replacing it",
	      phb, pe);
	emitf(emit, arg, root, 6, "EEH: Beginning: 'error_detected(permanent failure)'");
	for (unsigned i = 0; i < n; i++)
		emitf(emit, arg, root, 6,
		      "PCI %s#%04x: EEH: Invoking %s->error_detected(permanent failure)",
		      devs[i]->bdf, pe, devs[i]->driver);
	emitf(emit, arg, root, 6, "EEH: Finished:'error_detected(permanent failure)'");
	return set_state(root, phb, pe, "0x00000002 0x00000c01\n", e);
}

int sim_pci_fail(const char *root, uint32_t phb, uint32_t pe, sim_pci_emit_fn emit, void *arg,
		 struct ras_err *e)
{
	const struct sim_pci_dev *devs[8];
	unsigned n = 0;
	bool vfio = false;

	for (unsigned i = 0; i < sim_pci_n_devs && n < 8; i++) {
		unsigned dom, bus, dev, fn;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &dom, &bus, &dev, &fn);
		if (dom == phb && sim_pci_devs[i].pe == pe) {
			devs[n++] = &sim_pci_devs[i];
			vfio |= strcmp(sim_pci_devs[i].driver, "vfio-pci") == 0;
		}
	}
	if (n == 0)
		return ras_errf(e, -ENODEV, "no PE#%x on PHB#%x", pe, phb);
	if (vfio) /* passed through: the host prints nothing; the state says it */
		return set_state(root, phb, pe, "0x00000002 0x00000c00\n", e);
	return perm_fail(root, phb, pe, devs, n, 1, emit, arg, e);
}

int sim_pci_freeze(const char *root, uint32_t phb, uint32_t pe, enum sim_pci_how how,
		   int64_t now_us, sim_pci_emit_fn emit, void *arg, struct ras_err *e)
{
	const struct sim_pci_dev *devs[8];
	unsigned n = 0;
	bool vfio = false;
	char path[PATH_MAX];
	uint64_t maxf = EEH_DEFAULT_MAX_FREEZES;
	int count = 0, rc;

	for (unsigned i = 0; i < sim_pci_n_devs && n < 8; i++) {
		unsigned dom, bus, dev, fn;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &dom, &bus, &dev, &fn);
		if (dom == phb && sim_pci_devs[i].pe == pe) {
			devs[n++] = &sim_pci_devs[i];
			vfio |= strcmp(sim_pci_devs[i].driver, "vfio-pci") == 0;
		}
	}
	if (n == 0)
		return ras_errf(e, -ENODEV, "no PE#%x on PHB#%x", pe, phb);
	if (vfio) {
		/* Passed through: the hardware freezes, the host prints and counts nothing. */
		return set_state(root, phb, pe, "0x00000000 0x00000800\n", e);
	}
	if ((rc = set_state(root, phb, pe, "0x00000000 0x00000801\n", e)))
		return rc;
	if (root_path(path, sizeof(path), root, "sys/kernel/debug/powerpc/eeh_max_freezes") == 0)
		file_read_u64(path, &maxf, NULL);
	if ((rc = window_account(root, phb, pe, now_us, &count, e)))
		return rc;

	const char *loc = devs[0]->loc;
	if (how == SIM_PCI_DEV_BREAK)
		emitf(emit, arg, root, 3,
		      "pci %s: Going to break: [mem 0x3fe000000000-0x3fe0000fffff 64bit pref]",
		      devs[0]->bdf);
	emitf(emit, arg, root, 3, "EEH: Frozen PE#%x on PHB#%x detected", pe, phb);
	emitf(emit, arg, root, 3, "EEH: PE location: %s, PHB location: N/A", loc);
	emitf(emit, arg, root, 3, "EEH: Recovering PHB#%x-PE#%x", phb, pe);
	emitf(emit, arg, root, 3, "EEH: PE location: %s, PHB location: N/A", loc);
	if ((uint64_t)count > maxf)
		return perm_fail(root, phb, pe, devs, n, count, emit, arg, e);
	emitf(emit, arg, root, 4,
	      "EEH: This PCI device has failed %d times in the last hour and will be permanently "
	      "disabled after %d failures.",
	      count, (int)maxf);
	emitf(emit, arg, root, 6, "EEH: Notify device drivers to shutdown");
	emitf(emit, arg, root, 6, "EEH: Beginning: 'error_detected(IO frozen)'");
	for (unsigned i = 0; i < n; i++) {
		emitf(emit, arg, root, 6,
		      "PCI %s#%04x: EEH: Invoking %s->error_detected(IO frozen)", devs[i]->bdf, pe,
		      devs[i]->driver);
		emitf(emit, arg, root, 6, "PCI %s#%04x: EEH: %s driver reports: 'need reset'",
		      devs[i]->bdf, pe, devs[i]->driver);
	}
	emitf(emit, arg, root, 6,
	      "EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need "
	      "reset'");
	emitf(emit, arg, root, 6, "EEH: Collect temporary log");
	emitf(emit, arg, root, 6, "PHB4 PHB#%d Diag-data (Version: 1)", (int)phb);
	emitf(emit, arg, root, 6, "EEH: Reset without hotplug activity");
	emitf(emit, arg, root, 4, "EEH: PHB#%x-PE#%x: Successful reset (attempt 1)", phb, pe);
	emitf(emit, arg, root, 6, "EEH: Beginning: 'slot_reset'");
	for (unsigned i = 0; i < n; i++) {
		emitf(emit, arg, root, 6, "PCI %s#%04x: EEH: Invoking %s->slot_reset()",
		      devs[i]->bdf, pe, devs[i]->driver);
		emitf(emit, arg, root, 6, "PCI %s#%04x: EEH: %s driver reports: 'recovered'",
		      devs[i]->bdf, pe, devs[i]->driver);
	}
	emitf(emit, arg, root, 6,
	      "EEH: Finished:'slot_reset' with aggregate recovery state:'recovered'");
	emitf(emit, arg, root, 6, "EEH: Notify device driver to resume");
	emitf(emit, arg, root, 6, "EEH: Beginning: 'resume'");
	for (unsigned i = 0; i < n; i++)
		emitf(emit, arg, root, 6, "PCI %s#%04x: EEH: Invoking %s->resume()", devs[i]->bdf,
		      pe, devs[i]->driver);
	emitf(emit, arg, root, 6, "EEH: Finished:'resume'");
	emitf(emit, arg, root, 6, "EEH: Recovery successful.");
	return set_state(root, phb, pe, STATE_HEALTHY, e);
}

int sim_pci_thaw(const char *root, uint32_t phb, uint32_t pe, struct ras_err *e)
{
	for (unsigned i = 0; i < sim_pci_n_devs; i++) {
		unsigned dom, bus, dev, fn;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &dom, &bus, &dev, &fn);
		if (dom == phb && sim_pci_devs[i].pe == pe)
			return set_state(root, phb, pe, STATE_HEALTHY, e);
	}
	return ras_errf(e, -ENODEV, "no PE#%x on PHB#%x", pe, phb);
}

int sim_pci_errinjct_write(const char *root, uint32_t phb, const char *text, int64_t now_us,
			   sim_pci_emit_fn emit, void *arg, struct ras_err *e)
{
	unsigned long long pe, type, func, addr, mask;
	char c;

	/* The kernel: sscanf("%x:%x:%x:%lx:%lx") of at most 49 characters. */
	if (strlen(text) > 49 ||
	    sscanf(text, "%llx:%llx:%llx:%llx:%llx%c", &pe, &type, &func, &addr, &mask, &c) < 5)
		return ras_errf(e, -EINVAL, "err_injct: \"%s\": expected pe:type:func:addr:mask",
				text);
	if (type > 1 || func > EEH_INJECT_FUNC_MAX)
		return ras_errf(e, -ERANGE, "err_injct: type %llu / func %llu out of range", type,
				func);
	if (pe > 0xffffffffull)
		return ras_errf(e, -ENODEV, "err_injct: no PE %llx", pe);
	return sim_pci_freeze(root, phb, (uint32_t)pe, SIM_PCI_ERRINJCT, now_us, emit, arg, e);
}

int sim_pci_dev_break_write(const char *root, const char *text, int64_t now_us,
			    sim_pci_emit_fn emit, void *arg, struct ras_err *e)
{
	char bdf[EEH_BDF_MAX];
	unsigned dom, bus, dev, fn;

	snprintf(bdf, sizeof(bdf), "%.*s", (int)strcspn(text, "\n "), text);
	if (eeh_parse_bdf(bdf, &dom, &bus, &dev, &fn) < 0)
		return ras_errf(e, -EINVAL, "eeh_dev_break: \"%s\": expected a BDF", text);
	for (unsigned i = 0; i < sim_pci_n_devs; i++) {
		unsigned d2, b2, s2, f2;
		eeh_parse_bdf(sim_pci_devs[i].bdf, &d2, &b2, &s2, &f2);
		if (d2 == dom && b2 == bus && s2 == dev && f2 == fn)
			return sim_pci_freeze(root, dom, sim_pci_devs[i].pe, SIM_PCI_DEV_BREAK,
					      now_us, emit, arg, e);
	}
	return ras_errf(e, -ENODEV, "eeh_dev_break: no device %s", bdf);
}
