/*
 * eeh_discover.c - PE discovery: libpci (sysfs method rooted at ROOT/sys/bus/pci) for the
 * devices and their names, sysfs attributes for EEH (eeh_mode, eeh_pe_config_addr,
 * eeh_pe_state), driver, IOMMU group, and the device tree for location codes. Devices with
 * EEH attributes are grouped into PHBs (PCI domain) and PEs (eeh_pe_config_addr).
 *
 * Invariants: every path goes through root_path(); eeh_pe_state is read only as the
 * caller allows (its read marks a frozen host-owned PE isolated, spec 1.12); libpci's
 * fatal error callback longjmps back here, so a malformed tree is an error, not an exit.
 */
#include "eeh/eeh.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"

static __thread jmp_buf *pci_jmp;
static __thread char pci_errmsg[256];

static void PCI_NONRET pci_fatal(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	longjmp(*pci_jmp, 1);
}

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

int eeh_parse_bdf(const char *s, unsigned *dom, unsigned *bus, unsigned *dev, unsigned *fn)
{
	unsigned long v[4];
	const char seps[4] = { ':', ':', '.', '\0' };
	const char *p = s;

	if (!s)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		char *end;
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')))
			return -EINVAL;
		errno = 0;
		v[i] = strtoul(p, &end, 16);
		if (errno || end - p > 4 || *end != seps[i])
			return -EINVAL;
		p = end + (i < 3);
	}
	if (v[0] > 0xffff || v[1] > 0xff || v[2] > 0x1f || v[3] > 7)
		return -EINVAL;
	*dom = (unsigned)v[0];
	*bus = (unsigned)v[1];
	*dev = (unsigned)v[2];
	*fn = (unsigned)v[3];
	return 0;
}

static int parse_hex32(const char *s, const char **end, uint32_t *v)
{
	char *e;
	if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
		return -EINVAL;
	errno = 0;
	unsigned long long x = strtoull(s, &e, 16);
	if (errno || x > 0xffffffffull || e - s > 8)
		return -EINVAL;
	*v = (uint32_t)x;
	*end = e;
	return 0;
}

int eeh_parse_pe_id(const char *s, uint32_t *phb, uint32_t *pe)
{
	const char *p;

	if (!s)
		return -EINVAL;
	if (strncasecmp(s, "PHB#", 4) == 0) {
		if (parse_hex32(s + 4, &p, phb) < 0 || strncasecmp(p, "-PE#", 4) != 0)
			return -EINVAL;
		if (parse_hex32(p + 4, &p, pe) < 0 || *p)
			return -EINVAL;
		return 0;
	}
	if (parse_hex32(s, &p, phb) < 0 || *p != ':')
		return -EINVAL;
	if (parse_hex32(p + 1, &p, pe) < 0 || *p)
		return -EINVAL;
	return 0;
}

static int dev_attr(const char *root, const char *bdf, const char *attr, char *out, size_t n)
{
	char path[PATH_MAX];

	if (root_path(path, sizeof(path), root, "sys/bus/pci/devices/%s/%s", bdf, attr) < 0)
		return -ENAMETOOLONG;
	return file_read_str(path, out, n, NULL);
}

static int dev_attr_hex(const char *root, const char *bdf, const char *attr, uint32_t *v)
{
	char s[64], *end;
	int rc = dev_attr(root, bdf, attr, s, sizeof(s));

	if (rc)
		return rc;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > 0xffffffffull)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* Basename of the symlink ROOT/sys/bus/pci/devices/BDF/<name>, or "". */
static void link_base(const char *root, const char *bdf, const char *name, char *out, size_t n)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t r;

	out[0] = '\0';
	if (root_path(path, sizeof(path), root, "sys/bus/pci/devices/%s/%s", bdf, name) < 0)
		return;
	r = readlink(path, target, sizeof(target) - 1);
	if (r <= 0)
		return;
	target[r] = '\0';
	const char *b = strrchr(target, '/');
	snprintf(out, n, "%s", b ? b + 1 : target);
}

static bool read_prop(const char *dir, const char *prop, char *out, size_t n)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, prop) >= sizeof(path))
		return false;
	if (file_read_str(path, out, n, NULL) < 0 || !out[0])
		return false;
	/* Device-tree strings: stop at the first NUL, keep printable bytes only. */
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '?';
	return true;
}

/* Location code from the device-tree node behind of_node (re-rooted when absolute). */
static void read_loc(const char *root, const char *bdf, char *out, size_t n)
{
	char path[PATH_MAX], target[PATH_MAX], node[PATH_MAX];
	ssize_t r;

	out[0] = '\0';
	if (root_path(path, sizeof(path), root, "sys/bus/pci/devices/%s/of_node", bdf) < 0)
		return;
	r = readlink(path, target, sizeof(target) - 1);
	if (r > 0) {
		target[r] = '\0';
		if (target[0] == '/') {
			if (root_path(node, sizeof(node), root, "%s", target) < 0)
				return;
		} else if ((size_t)snprintf(node, sizeof(node), "%s", path) >= sizeof(node)) {
			return;
		}
	} else if (access(path, F_OK) == 0) {
		snprintf(node, sizeof(node), "%s", path); /* a plain directory (copied trees) */
	} else {
		return;
	}
	if (read_prop(node, "ibm,loc-code", out, n) ||
	    read_prop(node, "ibm,slot-location-code", out, n))
		return;
	char parent[PATH_MAX];
	if ((size_t)snprintf(parent, sizeof(parent), "%s/..", node) >= sizeof(parent))
		return;
	if (read_prop(parent, "ibm,slot-location-code", out, n) ||
	    read_prop(parent, "ibm,loc-code", out, n))
		return;
	out[0] = '\0';
}

static int cmp_dev(const void *a, const void *b)
{
	const struct eeh_dev *x = a, *y = b;
	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (int)x->fn - (int)y->fn;
}

/*
 * libpci treats a missing devices directory or a missing mandatory attribute as fatal
 * (its error callback must not return, and the device being built leaks). Check first,
 * so the longjmp below is only a last resort: 0, -ENOENT (no PCI sysfs) or -EINVAL.
 */
static int precheck(const char *sysfs, struct ras_err *e)
{
	static const char *const mandatory[] = { "vendor", "device", "class", "irq", "resource" };
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/devices", sysfs) >= sizeof(dir))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	d = opendir(dir);
	if (!d)
		return ras_errf(e, -ENOENT, "%s: %s", dir, strerror(errno));
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(mandatory) / sizeof(mandatory[0]); i++) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name,
					     mandatory[i]) >= sizeof(path) ||
			    access(path, R_OK) != 0) {
				rc = ras_errf(e, -EINVAL, "%s/%s: no readable %s attribute", dir,
					      de->d_name, mandatory[i]);
				break;
			}
		}
	}
	closedir(d);
	return rc;
}

static int scan_libpci(const struct eeh_discover_opts *o, struct eeh_topology *t, struct ras_err *e)
{
	char sysfs[PATH_MAX];
	struct pci_access *volatile pacc;
	jmp_buf jb;
	jmp_buf *volatile saved = pci_jmp;
	volatile size_t cap = 0;

	if (root_path(sysfs, sizeof(sysfs), o->root, "sys/bus/pci") < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	int rc = precheck(sysfs, e);
	if (rc)
		return rc;
	pacc = pci_alloc();
	if (!pacc)
		return ras_errf(e, -ENOMEM, "libpci: out of memory");
	pacc->error = pci_fatal;
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_jmp = &jb;
	if (setjmp(jb)) {
		pci_jmp = saved;
		/* Only linked devices are freed: the one being built when libpci gave up
		 * leaks (the precheck makes this path rare). */
		pci_cleanup(pacc);
		return ras_errf(e, -EIO, "libpci (%s): %s", sysfs, pci_errmsg);
	}
	pci_set_param(pacc, "sysfs.path", sysfs);
	if (o->ids_path) {
		char *ids = strdup(o->ids_path);
		if (ids)
			pci_set_name_list_path(pacc, ids, 1);
	}
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (struct pci_dev *d = pacc->devices; d; d = d->next) {
		if (t->n_devs == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct eeh_dev *nd = realloc(t->devs, nc * sizeof(*nd));
			if (!nd)
				break;
			t->devs = nd;
			cap = nc;
		}
		struct eeh_dev *x = &t->devs[t->n_devs++];
		memset(x, 0, sizeof(*x));
		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
		x->domain = (unsigned)d->domain & 0xffff;
		x->bus = d->bus;
		x->dev = d->dev;
		x->fn = d->func;
		x->vendor_id = d->vendor_id;
		x->device_id = d->device_id;
		x->class_code = (uint32_t)d->device_class << 8;
		snprintf(x->bdf, sizeof(x->bdf), "%04x:%02x:%02x.%x", x->domain, x->bus, x->dev,
			 x->fn);
		if (o->names) {
			char buf[256];
			if (pci_lookup_name(pacc, buf, sizeof(buf),
					    PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS,
					    d->vendor_id))
				snprintf(x->vendor_name, sizeof(x->vendor_name), "%s", buf);
			if (pci_lookup_name(pacc, buf, sizeof(buf),
					    PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS, d->vendor_id,
					    d->device_id))
				snprintf(x->device_name, sizeof(x->device_name), "%s", buf);
		}
	}
	pci_cleanup(pacc);
	pci_jmp = saved;
	return 0;
}

static void fill_sysfs(const struct eeh_discover_opts *o, struct eeh_dev *x)
{
	uint32_t v;
	char grp[32];

	if (dev_attr_hex(o->root, x->bdf, "class", &v) == 0)
		x->class_code = v & 0xffffff;
	link_base(o->root, x->bdf, "driver", x->driver, sizeof(x->driver));
	x->vfio = strstr(x->driver, "vfio") != NULL;
	link_base(o->root, x->bdf, "iommu_group", grp, sizeof(grp));
	x->iommu_group = -1;
	if (grp[0]) {
		char *end;
		long g = strtol(grp, &end, 10);
		if (!*end && g >= 0 && g < INT_MAX)
			x->iommu_group = (int)g;
	}
	if (dev_attr_hex(o->root, x->bdf, "eeh_pe_config_addr", &v) == 0) {
		x->has_eeh = true;
		x->pe = v;
	}
	if (dev_attr_hex(o->root, x->bdf, "eeh_mode", &v) == 0)
		x->eeh_mode = v;
	read_loc(o->root, x->bdf, x->loc_code, sizeof(x->loc_code));
}

int eeh_pe_state_read(const char *root, const struct eeh_pe *pe, struct eeh_state *st,
		      struct ras_err *e)
{
	char path[PATH_MAX], s[64];
	int rc;

	if (pe->n_devs == 0)
		return ras_errf(e, -ENODEV, "PHB#%x-PE#%x has no devices", pe->phb, pe->pe);
	if (root_path(path, sizeof(path), root, "sys/bus/pci/devices/%s/eeh_pe_state",
		      pe->devs[0]->bdf) < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	rc = file_read_str(path, s, sizeof(s), e);
	if (rc)
		return rc;
	if (eeh_state_parse(s, strlen(s), st) < 0)
		return ras_errf(e, -EINVAL, "%s: expected \"0x%%08x 0x%%08x\", found \"%s\"", path,
				s);
	return 0;
}

static int group(struct eeh_topology *t)
{
	for (size_t i = 0; i < t->n_devs; i++) {
		struct eeh_dev *x = &t->devs[i];
		if (!x->has_eeh)
			continue;
		t->eeh_available = true;
		struct eeh_phb *phb = NULL;
		for (size_t j = 0; j < t->n_phbs; j++)
			if (t->phbs[j].phb == x->domain)
				phb = &t->phbs[j];
		if (!phb) {
			struct eeh_phb *np = realloc(t->phbs, (t->n_phbs + 1) * sizeof(*np));
			if (!np)
				return -ENOMEM;
			t->phbs = np;
			phb = &t->phbs[t->n_phbs++];
			memset(phb, 0, sizeof(*phb));
			phb->phb = x->domain;
		}
		struct eeh_pe *pe = NULL;
		for (size_t j = 0; j < phb->n_pes; j++)
			if (phb->pes[j].pe == x->pe)
				pe = &phb->pes[j];
		if (!pe) {
			struct eeh_pe *np = realloc(phb->pes, (phb->n_pes + 1) * sizeof(*np));
			if (!np)
				return -ENOMEM;
			phb->pes = np;
			pe = &phb->pes[phb->n_pes++];
			memset(pe, 0, sizeof(*pe));
			pe->phb = x->domain;
			pe->pe = x->pe;
			pe->iommu_group = x->iommu_group;
		}
		struct eeh_dev **nd = realloc(pe->devs, (pe->n_devs + 1) * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		pe->devs = nd;
		pe->devs[pe->n_devs++] = x;
		if (x->vfio)
			pe->vfio = true;
		if (pe->iommu_group < 0)
			pe->iommu_group = x->iommu_group;
		if (!pe->loc_code[0] && x->loc_code[0])
			snprintf(pe->loc_code, sizeof(pe->loc_code), "%s", x->loc_code);
	}
	return 0;
}

static int cmp_pe(const void *a, const void *b)
{
	const struct eeh_pe *x = a, *y = b;
	return x->pe < y->pe ? -1 : x->pe > y->pe;
}

static int cmp_phb(const void *a, const void *b)
{
	const struct eeh_phb *x = a, *y = b;
	return x->phb < y->phb ? -1 : x->phb > y->phb;
}

int eeh_discover(const struct eeh_discover_opts *o, struct eeh_topology *t, struct ras_err *e)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = scan_libpci(o, t, e);
	if (rc) {
		eeh_topology_free(t);
		return rc;
	}
	for (size_t i = 0; i < t->n_devs; i++)
		fill_sysfs(o, &t->devs[i]);
	if (t->n_devs)
		qsort(t->devs, t->n_devs, sizeof(t->devs[0]), cmp_dev);
	if (group(t) < 0) {
		eeh_topology_free(t);
		return ras_errf(e, -ENOMEM, "out of memory grouping PEs");
	}
	if (t->n_phbs)
		qsort(t->phbs, t->n_phbs, sizeof(t->phbs[0]), cmp_phb);
	for (size_t i = 0; i < t->n_phbs; i++) {
		struct eeh_phb *phb = &t->phbs[i];
		if (phb->n_pes)
			qsort(phb->pes, phb->n_pes, sizeof(phb->pes[0]), cmp_pe);
		for (size_t j = 0; j < phb->n_pes; j++) {
			struct eeh_pe *pe = &phb->pes[j];
			bool read = o->read_state == EEH_READ_STATE_ALL ||
				    (o->read_state == EEH_READ_STATE_VFIO && pe->vfio);
			if (read) {
				rc = eeh_pe_state_read(o->root, pe, &pe->state, NULL);
				pe->state_read = rc == 0;
				pe->state_errno = rc < 0 ? -rc : 0;
			}
			if (o->map_guests && pe->vfio && pe->iommu_group >= 0)
				eeh_guest_find(o->root, pe->iommu_group, &pe->guest, NULL);
		}
	}
	return 0;
}

void eeh_topology_free(struct eeh_topology *t)
{
	for (size_t i = 0; i < t->n_phbs; i++) {
		for (size_t j = 0; j < t->phbs[i].n_pes; j++)
			free(t->phbs[i].pes[j].devs);
		free(t->phbs[i].pes);
	}
	free(t->phbs);
	free(t->devs);
	memset(t, 0, sizeof(*t));
}

struct eeh_pe *eeh_topology_find_pe(const struct eeh_topology *t, uint32_t phb, uint32_t pe)
{
	for (size_t i = 0; i < t->n_phbs; i++)
		if (t->phbs[i].phb == phb)
			for (size_t j = 0; j < t->phbs[i].n_pes; j++)
				if (t->phbs[i].pes[j].pe == pe)
					return &t->phbs[i].pes[j];
	return NULL;
}

struct eeh_dev *eeh_topology_find_dev(const struct eeh_topology *t, const char *bdf)
{
	unsigned d, b, s, f;

	if (eeh_parse_bdf(bdf, &d, &b, &s, &f) < 0)
		return NULL;
	for (size_t i = 0; i < t->n_devs; i++) {
		const struct eeh_dev *x = &t->devs[i];
		if (x->domain == d && x->bus == b && x->dev == s && x->fn == f)
			return &t->devs[i];
	}
	return NULL;
}

struct eeh_pe *eeh_topology_pe_of(const struct eeh_topology *t, const char *bdf)
{
	const struct eeh_dev *x = eeh_topology_find_dev(t, bdf);

	if (!x || !x->has_eeh)
		return NULL;
	return eeh_topology_find_pe(t, x->domain, x->pe);
}

void eeh_event_enrich(struct eeh_event *ev, const struct eeh_topology *t, const char **location,
		      const char **guest)
{
	const struct eeh_pe *pe = NULL;

	*location = NULL;
	*guest = NULL;
	if (!t)
		return;
	if (ev->have_phb && ev->have_pe && ev->pe != EEH_PE_NONE)
		pe = eeh_topology_find_pe(t, ev->phb, ev->pe);
	if (!pe && ev->n_bdf)
		pe = eeh_topology_pe_of(t, ev->bdf[0]);
	if (!pe)
		return;
	if (!ev->have_pe) {
		ev->have_pe = true;
		ev->pe = pe->pe;
	}
	for (size_t i = 0; ev->n_bdf == 0 && i < pe->n_devs && i < EEH_EV_MAX_DEVS; i++)
		snprintf(ev->bdf[i], EEH_BDF_MAX, "%s", pe->devs[i]->bdf);
	if (ev->n_bdf == 0)
		ev->n_bdf = pe->n_devs < EEH_EV_MAX_DEVS ? pe->n_devs : EEH_EV_MAX_DEVS;
	if (pe->loc_code[0])
		*location = pe->loc_code;
	if (pe->guest.name[0])
		*guest = pe->guest.name;
}
