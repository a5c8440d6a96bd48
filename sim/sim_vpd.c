/*
 * sim_vpd.c - opal-sim's VPD module (see sim_vpd.h): writes the device tree
 * (ROOT/proc/device-tree/vpd/... with binary ibm,vpd IPZ records and NUL-terminated
 * ibm,loc-code properties, as skiboot creates them; PCI function nodes with their slot
 * location codes; ibm,opal/firmware) and the sysfs `vpd` files of the PCI cards.
 *
 * Invariants: directories are created with mkdir_p so this init and sim_pci's may run
 * in either order; files another module owns are never written; every rewrite is a
 * temporary file + rename so a concurrent reader sees the old or the new VPD, never a
 * torn one. Images are produced by the product's own encoders (vpd_encode.c).
 */
#include "sim/sim_vpd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "vpd/vpd.h"

#define ENC SIM_VPD_ENCLOSURE

/* Write path (creating its directory) through a temporary file and a rename. */
static int put_file(const char *path, const void *buf, size_t len, unsigned mode, struct ras_err *e)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	char *slash;
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir, 0755);
		if (rc)
			return ras_errf(e, rc, "mkdir %s: %s", dir, strerror(-rc));
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.sim-tmp", path) >= sizeof(tmp))
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	rc = write_full(fd, buf, len);
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && chmod(tmp, mode) < 0)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return ras_errf(e, rc, "%s: %s", path, strerror(-rc));
	}
	return 0;
}

static int dt_prop(const char *root, const char *node, const char *name, const void *buf,
		   size_t len, struct ras_err *e)
{
	char p[PATH_MAX];

	if (root_path(p, sizeof(p), root, "proc/device-tree/%s/%s", node, name) < 0)
		return ras_errf(e, -ENAMETOOLONG, "device-tree path too long: %s/%s", node, name);
	return put_file(p, buf, len, 0444, e);
}

/* A string property: the bytes and the terminating NUL, as in a flattened tree. */
static int dt_str(const char *root, const char *node, const char *name, const char *s,
		  struct ras_err *e)
{
	return dt_prop(root, node, name, s, strlen(s) + 1, e);
}

struct fru_def {
	const char *node; /* under proc/device-tree/vpd ("" = the vpd node itself) */
	const char *loc;
	const char *rt;
	const char *fru_type;
	struct vpd_kv kv[10];
};

/* The two-socket host. Keywords as skiboot's VINI/VSYS records carry them. */
static const struct fru_def host_frus[] = {
	{ "",
	  SIM_VPD_SYSTEM_LOC,
	  "VSYS",
	  "SV",
	  { { "TM", "9009-22A", 0 },
	    { "SE", "781234A", 0 },
	    { "BR", "S0", 0 },
	    { "SU", "\x00\x11\x22\x33\x44\x55", 6 },
	    { "VK", "01", 0 } } },
	{ "root-node-vpd@a000",
	  ENC,
	  "VINI",
	  "VV",
	  { { "DR", "CEC ENCLOSURE   ", 16 },
	    { "CC", "EB2D", 0 },
	    { "FN", "01LL683", 0 },
	    { "PN", "01LL684", 0 },
	    { "SN", "WZS0001", 0 },
	    { "CE", "1", 0 },
	    { "VZ", "01", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800",
	  ENC "-P1",
	  "VINI",
	  "BP",
	  { { "DR", "SYSTEM BACKPLANE", 16 },
	    { "CC", "2CE4", 0 },
	    { "FN", "02WF424", 0 },
	    { "PN", "02WF423", 0 },
	    { "SN", "Y2103BP0017", 0 },
	    { "EC", "P10", 0 },
	    { "CE", "1", 0 },
	    { "VZ", "02", 0 },
	    { "B3", "\x00\x00\x00\x00\x00\x01", 6 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/service-processor@200",
	  ENC "-P1-C1",
	  "VINI",
	  "SP",
	  { { "DR", "SERVICE PROCESSOR", 0 },
	    { "CC", "6B58", 0 },
	    { "FN", "01DH179", 0 },
	    { "PN", "01DH180", 0 },
	    { "SN", "YL30UF7AJ003", 0 },
	    { "RM", "FW950.90", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/anchor-card@500",
	  ENC "-P1-C13",
	  "VINI",
	  "AV",
	  { { "DR", "ANCHOR          ", 16 },
	    { "CE", "1", 0 },
	    { "VZ", "01", 0 },
	    { "FN", "00E2147", 0 },
	    { "PN", "00E2148", 0 },
	    { "SN", "YL10113BJ001", 0 },
	    { "CC", "52FE", 0 },
	    { "HE", "0010", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/processor@1000",
	  ENC "-P1-C15",
	  "VINI",
	  "PF",
	  { { "DR", "PROCESSOR MODULE", 16 },
	    { "CC", "5C35", 0 },
	    { "FN", "02CY226", 0 },
	    { "PN", "02CY227", 0 },
	    { "SN", "YA1934178001", 0 },
	    { "EC", "P23", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/processor@1001",
	  ENC "-P1-C16",
	  "VINI",
	  "PF",
	  { { "DR", "PROCESSOR MODULE", 16 },
	    { "CC", "5C35", 0 },
	    { "FN", "02CY226", 0 },
	    { "PN", "02CY227", 0 },
	    { "SN", "YA1934178002", 0 },
	    { "EC", "P23", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/ms-dimm@d000",
	  ENC "-P1-C18",
	  "VINI",
	  "MS",
	  { { "DR", "32GB DDR4 DIMM  ", 16 },
	    { "CC", "31FA", 0 },
	    { "FN", "78P6575", 0 },
	    { "PN", "78P6574", 0 },
	    { "SN", "YH30MS8B0001", 0 },
	    { "SZ", "32768", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/ms-dimm@d001",
	  ENC "-P1-C19",
	  "VINI",
	  "MS",
	  { { "DR", "32GB DDR4 DIMM  ", 16 },
	    { "CC", "31FA", 0 },
	    { "FN", "78P6575", 0 },
	    { "PN", "78P6574", 0 },
	    { "SN", "YH30MS8B0002", 0 },
	    { "SZ", "32768", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/ms-dimm@d002",
	  ENC "-P1-C20",
	  "VINI",
	  "MS",
	  { { "DR", "32GB DDR4 DIMM  ", 16 },
	    { "CC", "31FA", 0 },
	    { "FN", "78P6575", 0 },
	    { "PN", "78P6574", 0 },
	    { "SN", "YH30MS8B0003", 0 },
	    { "SZ", "32768", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/ms-dimm@d003",
	  ENC "-P1-C21",
	  "VINI",
	  "MS",
	  { { "DR", "32GB DDR4 DIMM  ", 16 },
	    { "CC", "31FA", 0 },
	    { "FN", "78P6575", 0 },
	    { "PN", "78P6574", 0 },
	    { "SN", "YH30MS8B0004", 0 },
	    { "SZ", "32768", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/pcie-card@c2",
	  ENC "-P1-C2",
	  "VINI",
	  "CD",
	  { { "DR", "PCIE3 NVME 1.6TB", 16 },
	    { "CC", "59B7", 0 },
	    { "FN", "01LK050", 0 },
	    { "PN", "01LK049", 0 },
	    { "SN", "S4YNNA0R100123", 0 },
	    { "RM", "MPK7524Q", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/pcie-card@c7",
	  ENC "-P1-C7",
	  "VINI",
	  "CD",
	  { { "DR", "PCIE3 2P 100GBE ", 16 },
	    { "CC", "2CF3", 0 },
	    { "FN", "02CY160", 0 },
	    { "PN", "02CY159", 0 },
	    { "SN", "MT2021X01234", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/backplane@800/pcie-card@c9",
	  ENC "-P1-C9",
	  "VINI",
	  "CD",
	  { { "DR", "PCIE2 4P 1GBE   ", 16 },
	    { "CC", "5899", 0 },
	    { "FN", "00E2872", 0 },
	    { "PN", "00E2873", 0 },
	    { "SN", "YL10BC4A1001", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/power-supply@3103",
	  ENC "-E1",
	  "VINI",
	  "PS",
	  { { "DR", "POWER SUPPLY    ", 16 },
	    { "CC", "51E9", 0 },
	    { "FN", "01KL441", 0 },
	    { "PN", "01KL440", 0 },
	    { "SN", "YL10PS5A2001", 0 } } },
	{ "root-node-vpd@a000/enclosure@1e00/power-supply@3104",
	  ENC "-E2",
	  "VINI",
	  "PS",
	  { { "DR", "POWER SUPPLY    ", 16 },
	    { "CC", "51E9", 0 },
	    { "FN", "01KL441", 0 },
	    { "PN", "01KL440", 0 },
	    { "SN", "YL10PS5A2002", 0 } } },
};

struct pci_def {
	const char *bdf;
	const char *dt; /* PCI function node under proc/device-tree */
	const char *loc;
	const char *id; /* NULL: no VPD */
	struct vpd_kv ro[8];
};

static const struct pci_def host_pci[] = {
	{ "0000:01:00.0",
	  "pciex@600c3c0000000/pci@0/ethernet@0",
	  ENC "-P1-C7",
	  "PCIe3 2-port 100GbE ConnectX-5 Adapter",
	  { { "PN", "02CY159", 0 },
	    { "EC", "A5", 0 },
	    { "SN", "MT2021X01234", 0 },
	    { "FN", "02CY160", 0 },
	    { "CC", "2CF3", 0 },
	    { "MN", "\x15\xb3", 2 },
	    { "V0", "PCIe Gen3 x16", 0 },
	    { "RM", "16.28.4000", 0 } } },
	{ "0000:01:00.1",
	  "pciex@600c3c0000000/pci@0/ethernet@0,1",
	  ENC "-P1-C7",
	  "PCIe3 2-port 100GbE ConnectX-5 Adapter",
	  { { "PN", "02CY159", 0 },
	    { "EC", "A5", 0 },
	    { "SN", "MT2021X01234", 0 },
	    { "FN", "02CY160", 0 },
	    { "CC", "2CF3", 0 },
	    { "MN", "\x15\xb3", 2 },
	    { "V0", "PCIe Gen3 x16", 0 },
	    { "RM", "16.28.4000", 0 } } },
	{ "0001:01:00.0",
	  "pciex@600c3c0100000/pci@0/nvme@0",
	  ENC "-P1-C2",
	  NULL,
	  { { NULL, NULL, 0 } } },
	{ "0030:01:00.0",
	  "pciex@600c3c1000000/pci@0/ethernet@0",
	  ENC "-P1-C9",
	  "PCIe2 4-port 1GbE Adapter",
	  { { "PN", "00E2873", 0 },
	    { "EC", "D35", 0 },
	    { "SN", "YL10BC4A1001", 0 },
	    { "FN", "00E2872", 0 },
	    { "CC", "5899", 0 },
	    { "MN", "\x14\xe4", 2 },
	    { "RM", "5719-v1.46", 0 } } },
};

static size_t n_kv(const struct vpd_kv *kv, size_t max)
{
	size_t n = 0;
	while (n < max && kv[n].kw)
		n++;
	return n;
}

static int write_fru(const char *root, const char *node, const char *loc, const char *rt,
		     const char *fru_type, const struct vpd_kv *kv, size_t n, struct ras_err *e)
{
	uint8_t buf[1024];
	char rel[PATH_MAX];
	size_t len = ipz_record_encode(buf, sizeof(buf), rt, kv, n);
	int rc;

	if (!len)
		return ras_errf(e, -EOVERFLOW, "sim vpd: record for %s does not fit", loc);
	snprintf(rel, sizeof(rel), "vpd%s%s", *node ? "/" : "", node);
	rc = dt_prop(root, rel, "ibm,vpd", buf, len, e);
	if (!rc)
		rc = dt_str(root, rel, "ibm,loc-code", loc, e);
	if (!rc && fru_type && *node)
		rc = dt_prop(root, rel, "fru-type", fru_type, 2, e);
	return rc;
}

/* of_node: relative link from the device's real directory to
 * ROOT/sys/firmware/devicetree/base/<dt> (which links to ROOT/proc/device-tree). */
static int link_of_node(const char *root, const char *bdf, const char *dt, struct ras_err *e)
{
	char dev[PATH_MAX], real[PATH_MAX], rroot[PATH_MAX], p[PATH_MAX], tgt[PATH_MAX * 2];
	size_t off = 0;
	int depth = 0;

	if (root_path(dev, sizeof(dev), root, "sys/bus/pci/devices/%s", bdf) < 0 ||
	    root_path(p, sizeof(p), root, "sys/bus/pci/devices/%s/of_node", bdf) < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long for %s", bdf);
	if (access(p, F_OK) == 0 || errno != ENOENT) {
		struct stat sb;
		if (lstat(p, &sb) == 0)
			return 0; /* sim_pci made one: keep it */
	}
	if (!realpath(dev, real) || !realpath(root && *root ? root : "/", rroot))
		return ras_errf(e, -errno, "%s: %s", dev, strerror(errno));
	for (const char *c = real + strlen(rroot); *c; c++)
		if (*c == '/')
			depth++;
	for (int i = 0; i < depth; i++)
		off += (size_t)snprintf(tgt + off, sizeof(tgt) - off, "../");
	snprintf(tgt + off, sizeof(tgt) - off, "sys/firmware/devicetree/base/%s", dt);
	if (symlink(tgt, p) < 0 && errno != EEXIST)
		return ras_errf(e, -errno, "symlink %s: %s", p, strerror(errno));
	return 0;
}

int sim_vpd_init(const char *root, struct ras_err *e)
{
	char p[PATH_MAX];
	int rc;

	rc = dt_str(root, "vpd", "compatible", "ibm,opal-v3-vpd", e);
	for (size_t i = 0; !rc && i < sizeof(host_frus) / sizeof(host_frus[0]); i++) {
		const struct fru_def *f = &host_frus[i];
		rc = write_fru(root, f->node, f->loc, f->rt, f->fru_type, f->kv, n_kv(f->kv, 10),
			       e);
	}
	if (!rc)
		rc = dt_str(root, ".", "model", "9009-22A", e);
	if (!rc)
		rc = dt_str(root, ".", "system-id", "781234A", e);
	if (!rc)
		rc = dt_str(root, "ibm,opal/firmware", "version", "skiboot-v6.5.4-sim", e);
	if (!rc)
		rc = dt_str(root, "ibm,opal/firmware", "ml-version", "FW950.90 (VL950_161)", e);
	/* /sys/firmware/devicetree/base is the kernel's name for the same tree. */
	if (!rc && root_path(p, sizeof(p), root, "sys/firmware/devicetree") == 0) {
		rc = mkdir_p(p, 0755);
		if (rc)
			return ras_errf(e, rc, "mkdir %s: %s", p, strerror(-rc));
		strncat(p, "/base", sizeof(p) - strlen(p) - 1);
		if (symlink("../../../proc/device-tree", p) < 0 && errno != EEXIST)
			return ras_errf(e, -errno, "symlink %s: %s", p, strerror(errno));
	}
	for (size_t i = 0; !rc && i < sizeof(host_pci) / sizeof(host_pci[0]); i++) {
		const struct pci_def *d = &host_pci[i];
		uint8_t img[512];
		size_t len;

		rc = dt_str(root, d->dt, "ibm,loc-code", d->loc, e);
		if (rc)
			break;
		if (root_path(p, sizeof(p), root, "sys/bus/pci/devices/%s", d->bdf) < 0)
			return ras_errf(e, -ENAMETOOLONG, "path too long");
		rc = mkdir_p(p, 0755);
		if (rc)
			return ras_errf(e, rc, "mkdir %s: %s", p, strerror(-rc));
		rc = link_of_node(root, d->bdf, d->dt, e);
		if (rc || !d->id)
			continue;
		len = pci_vpd_encode(img, sizeof(img), d->id, d->ro, n_kv(d->ro, 8), 3, NULL, 0,
				     32);
		if (!len)
			return ras_errf(e, -EOVERFLOW, "sim vpd: image for %s does not fit",
					d->bdf);
		strncat(p, "/vpd", sizeof(p) - strlen(p) - 1);
		rc = put_file(p, img, len, 0600, e);
	}
	return rc;
}

/* ---- changes ------------------------------------------------------------------------- */

/* Rewrite one IPZ blob with keyword kw set to val (added when absent; removed when
 * val is NULL). */
static int ipz_rewrite(const uint8_t *buf, size_t len, const char *kw, const char *val,
		       uint8_t *out, size_t cap, size_t *outlen, struct ras_err *e)
{
	struct ipz_vpd v;
	size_t off = 0;
	int rc = ipz_vpd_parse(buf, len, &v, e);

	if (rc < 0) {
		ipz_vpd_free(&v);
		return rc;
	}
	for (size_t r = 0; r < v.n_rec; r++) {
		struct vpd_kv kv[256];
		size_t n = 0, w;
		bool done = false;
		for (size_t i = 1; i < v.rec[r].n_kw && n < 255; i++) { /* RT is re-added */
			const struct vpd_keyword *k = &v.rec[r].kw[i];
			if (k->name[0] == kw[0] && k->name[1] == kw[1]) {
				done = true;
				if (!val)
					continue;
				kv[n++] = (struct vpd_kv){ kw, val, strlen(val) };
				continue;
			}
			kv[n++] = (struct vpd_kv){ k->name, k->data, k->len };
			if (k->len == 0)
				kv[n - 1].data = ""; /* len 0 means strlen(data) */
		}
		if (!done && val && r == 0)
			kv[n++] = (struct vpd_kv){ kw, val, strlen(val) };
		w = ipz_record_encode(out + off, cap - off,
				      v.rec[r].name[0] ? v.rec[r].name : "VINI", kv, n);
		if (!w) {
			ipz_vpd_free(&v);
			return ras_errf(e, -EOVERFLOW, "sim vpd: rewritten record does not fit");
		}
		off += w;
	}
	ipz_vpd_free(&v);
	*outlen = off;
	return 0;
}

static int pci_rewrite(const uint8_t *buf, size_t len, const char *kw, const char *val,
		       uint8_t *out, size_t cap, size_t *outlen, struct ras_err *e)
{
	struct pci_vpd v;
	struct vpd_kv ro[64], rw[64];
	size_t nro = 0, nrw = 0;
	bool done = false;
	char id[256];
	int rc = pci_vpd_parse(buf, len, &v, e);

	if (rc < 0) {
		pci_vpd_free(&v);
		return rc;
	}
	snprintf(id, sizeof(id), "%.*s", (int)v.id_len, v.id ? (const char *)v.id : "");
	for (size_t i = 0; i < v.n_kw; i++) {
		const struct vpd_keyword *k = &v.kw[i];
		struct vpd_kv x = { k->name, k->data, k->len };
		if (k->name[0] == 'R' && (k->name[1] == 'V' || k->name[1] == 'W'))
			continue;
		if (k->len == 0)
			x.data = ""; /* len 0 means strlen(data) */
		if (k->name[0] == kw[0] && k->name[1] == kw[1]) {
			done = true;
			if (!val)
				continue;
			x.data = val;
			x.len = strlen(val);
		}
		if (k->section == VPD_SEC_RO && nro < 64)
			ro[nro++] = x;
		else if (k->section == VPD_SEC_RW && nrw < 64)
			rw[nrw++] = x;
	}
	if (!done && val && nro < 64)
		ro[nro++] = (struct vpd_kv){ kw, val, strlen(val) };
	*outlen = pci_vpd_encode(out, cap, id, ro, nro, v.rv_reserved, rw, nrw, v.rw_free);
	pci_vpd_free(&v);
	return *outlen ? 0 : ras_errf(e, -EOVERFLOW, "sim vpd: rewritten PCI VPD does not fit");
}

typedef int (*node_fn)(const char *path, const char *loc, void *arg, struct ras_err *e);

/* Call fn for every DT vpd node directory whose ibm,loc-code equals loc. */
static int dt_each(const char *dir, const char *loc, node_fn fn, void *arg, int *hits, int depth,
		   struct ras_err *e)
{
	char p[PATH_MAX], have[256] = "";
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > 16)
		return 0;
	snprintf(p, sizeof(p), "%s/ibm,loc-code", dir);
	if (file_read_str(p, have, sizeof(have), NULL) == 0 && !strcmp(have, loc)) {
		snprintf(p, sizeof(p), "%s/ibm,vpd", dir);
		if (access(p, F_OK) == 0) {
			(*hits)++;
			rc = fn(dir, loc, arg, e);
			if (rc)
				return rc;
		}
	}
	d = opendir(dir);
	if (!d)
		return 0;
	while (!rc && (de = readdir(d)) != NULL) {
		struct stat sb;
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = dt_each(p, loc, fn, arg, hits, depth + 1, e);
	}
	closedir(d);
	return rc;
}

struct edit {
	const char *root;
	const char *kw;
	const char *val;
	bool remove;
};

static int dt_edit(const char *dir, const char *loc, void *arg, struct ras_err *e)
{
	struct edit *ed = arg;
	char p[PATH_MAX];
	uint8_t *buf = NULL, out[4096];
	size_t len, olen = 0;
	int rc;

	snprintf(p, sizeof(p), "%s/ibm,vpd", dir);
	if (ed->remove) {
		if (unlink(p) < 0)
			return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
		return 0;
	}
	rc = file_read_all(p, 65536, &buf, &len, NULL, e);
	if (rc)
		return rc;
	rc = ipz_rewrite(buf, len, ed->kw, ed->val, out, sizeof(out), &olen, e);
	free(buf);
	return rc ? rc : put_file(p, out, olen, 0444, e);
}

/* PCI devices whose of_node location is loc. */
static int pci_each(const char *root, struct edit *ed, const char *loc, int *hits,
		    struct ras_err *e)
{
	char dir[PATH_MAX], p[PATH_MAX], tgt[PATH_MAX], q[PATH_MAX], have[256];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (root_path(dir, sizeof(dir), root, "sys/bus/pci/devices") < 0)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!rc && (de = readdir(d)) != NULL) {
		const char *m;
		ssize_t l;
		uint8_t *buf = NULL, out[4096];
		size_t len, olen = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/of_node", dir, de->d_name);
		l = readlink(p, tgt, sizeof(tgt) - 1);
		if (l <= 0)
			continue;
		tgt[l] = '\0';
		m = strstr(tgt, "devicetree/base/");
		if (!m || root_path(q, sizeof(q), root, "proc/device-tree/%s/ibm,loc-code",
				    m + strlen("devicetree/base/")) < 0)
			continue;
		if (file_read_str(q, have, sizeof(have), NULL) != 0 || strcmp(have, loc))
			continue;
		snprintf(p, sizeof(p), "%s/%s/vpd", dir, de->d_name);
		if (access(p, F_OK) != 0)
			continue;
		(*hits)++;
		if (ed->remove) {
			if (unlink(p) < 0)
				rc = ras_errf(e, -errno, "%s: %s", p, strerror(errno));
			continue;
		}
		rc = file_read_all(p, PCI_VPD_MAX_SIZE, &buf, &len, NULL, e);
		if (!rc)
			rc = pci_rewrite(buf, len, ed->kw, ed->val, out, sizeof(out), &olen, e);
		free(buf);
		if (!rc)
			rc = put_file(p, out, olen, 0600, e);
	}
	closedir(d);
	return rc;
}

static int edit_loc(const char *root, const char *loc, struct edit *ed, struct ras_err *e)
{
	char dir[PATH_MAX];
	int hits = 0, rc;

	if (root_path(dir, sizeof(dir), root, "proc/device-tree/vpd") < 0)
		return ras_errf(e, -ENAMETOOLONG, "path too long");
	rc = dt_each(dir, loc, dt_edit, ed, &hits, 0, e);
	if (!rc)
		rc = pci_each(root, ed, loc, &hits, e);
	if (!rc && hits == 0)
		return ras_errf(e, -ENOENT, "no FRU with VPD at location %s", loc);
	return rc;
}

int sim_vpd_swap(const char *root, const char *loc, const char *serial, struct ras_err *e)
{
	char gen[32];
	struct edit ed = { root, "SN", serial, false };

	if (!serial || !*serial) {
		snprintf(gen, sizeof(gen), "SWP%09llu",
			 (unsigned long long)((uint64_t)time_now_us() % 1000000000ull));
		ed.val = gen;
	}
	return edit_loc(root, loc, &ed, e);
}

int sim_vpd_set_fw(const char *root, const char *loc, const char *level, struct ras_err *e)
{
	struct edit ed = { root, "RM", level, false };

	if (!strcmp(loc, SIM_VPD_SYSTEM_LOC))
		return dt_str(root, "ibm,opal/firmware", "version", level, e);
	return edit_loc(root, loc, &ed, e);
}

int sim_vpd_remove(const char *root, const char *loc, struct ras_err *e)
{
	struct edit ed = { root, NULL, NULL, true };

	return edit_loc(root, loc, &ed, e);
}

int sim_vpd_generate(const char *root, unsigned n_frus, struct ras_err *e)
{
	int rc = write_fru(root, "", SIM_VPD_SYSTEM_LOC, "VSYS", "SV", host_frus[0].kv, 5, e);

	for (unsigned i = 1; !rc && i < n_frus; i++) {
		unsigned drawer = (i - 1) / 100, slot = (i - 1) % 100;
		char node[128], loc[64], sn[16], fn[16];
		const char *dr, *cc, *ft;
		struct vpd_kv kv[7];

		switch (slot % 10) {
		case 0:
			dr = "PROCESSOR MODULE", cc = "5C35", ft = "PF";
			snprintf(node, sizeof(node),
				 "root-node-vpd@a000/enclosure@%x/backplane@800/processor@%x",
				 0x1e00 + drawer, 0x1000 + slot);
			break;
		case 9:
			dr = "PCIE3 2P 100GBE ", cc = "2CF3", ft = "CD";
			snprintf(node, sizeof(node),
				 "root-node-vpd@a000/enclosure@%x/backplane@800/pcie-card@%x",
				 0x1e00 + drawer, slot);
			break;
		default:
			dr = "32GB DDR4 DIMM  ", cc = "31FA", ft = "MS";
			snprintf(node, sizeof(node),
				 "root-node-vpd@a000/enclosure@%x/backplane@800/ms-dimm@%x",
				 0x1e00 + drawer, 0xd000 + slot);
			break;
		}
		snprintf(loc, sizeof(loc), "U78D2.%03u.WZS%04u-P1-C%u", drawer + 1, drawer + 1,
			 slot + 1);
		snprintf(sn, sizeof(sn), "YH%010u", i);
		snprintf(fn, sizeof(fn), "78P%04u", slot);
		kv[0] = (struct vpd_kv){ "DR", dr, 16 };
		kv[1] = (struct vpd_kv){ "CC", cc, 0 };
		kv[2] = (struct vpd_kv){ "FN", fn, 0 };
		kv[3] = (struct vpd_kv){ "PN", "78P6574", 0 };
		kv[4] = (struct vpd_kv){ "SN", sn, 0 };
		kv[5] = (struct vpd_kv){ "EC", "P10", 0 };
		kv[6] = (struct vpd_kv){ "RM", "FW1.0", 0 };
		rc = write_fru(root, node, loc, "VINI", ft, kv, 7, e);
	}
	return rc;
}

/* ---- the module ------------------------------------------------------------------------ */

static int vpd_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	const char *verb = argc > 1 ? argv[1] : "";
	const char *serial = NULL;

	if (!strcmp(verb, "swap") && argc >= 3) {
		for (int i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "--serial") && i + 1 < argc)
				serial = argv[++i];
			else
				return ras_errf(e, -EINVAL, "vpd swap: unknown argument '%s'",
						argv[i]);
		}
		return sim_vpd_swap(root, argv[2], serial, e);
	}
	if (!strcmp(verb, "fw") && argc == 4)
		return sim_vpd_set_fw(root, argv[2], argv[3], e);
	if (!strcmp(verb, "remove") && argc == 3)
		return sim_vpd_remove(root, argv[2], e);
	if (!strcmp(verb, "generate") && argc == 3) {
		char *end;
		unsigned long n = strtoul(argv[2], &end, 10);
		if (*end || n == 0 || n > 100000)
			return ras_errf(e, -EINVAL, "vpd generate: bad FRU count '%s'", argv[2]);
		return sim_vpd_generate(root, (unsigned)n, e);
	}
	return ras_errf(e, -EINVAL,
			"vpd: expected swap LOCATION [--serial S] | fw LOCATION LEVEL | "
			"remove LOCATION | generate N");
}

static int vpd_reboot(const char *root, struct ras_err *e)
{
	return 0; /* VPD survives a reboot unchanged */
}

const struct sim_module sim_module_vpd = {
	.name = "vpd",
	.init = sim_vpd_init,
	.inject = vpd_inject,
	.inject_usage =
		"  vpd swap LOCATION [--serial S] | fw LOCATION LEVEL | remove LOCATION | generate N\n"
		"       swap: a new serial (generated unless given) for the FRU at LOCATION, in the\n"
		"       device tree and in its card's PCI vpd files; fw: its firmware level (RM; at\n"
		"       the system location, the OPAL firmware version); remove: its VPD disappears;\n"
		"       generate: a synthetic tree of N FRUs (benchmarks)\n",
	.run_start = NULL,
	.reboot = vpd_reboot,
};
