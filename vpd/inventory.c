/*
 * inventory.c - the FRU inventory of a host, built from a root directory: device-tree
 * VPD (ROOT/proc/device-tree/vpd and below: ibm,vpd IPZ records, ibm,loc-code, fru-type and
 * the OpenPOWER convenience properties) and PCI card VPD (ROOT/sys/bus/pci/devices/
 * <BDF>/vpd, located through the device's of_node ibm,loc-code).
 *
 * Invariants: every path goes through root_path(); every file read is capped; an
 * inventory owns all its strings and is sorted by location with one FRU per location
 * (functions of one card, and a card seen both in the device tree and through its own
 * VPD, are merged: the card's own VPD wins, the device tree fills the gaps). Sources
 * are cached per file with (inode, size, mtime) so vpd_inventory_refresh() re-reads
 * only what changed.
 */
#include "vpd/vpd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"

#define DT_PROP_MAX  65536
#define DT_MAX_DEPTH 16

/* One source file turned into a (pre-merge) FRU; kept for the refresh cache. */
struct src_entry {
	char *key; /* "dt:<node>" or "pci:<BDF>" */
	struct vpd_stamp st[2]; /* DT: ibm,vpd + the node directory; PCI: vpd + loc-code */
	struct vpd_fru fru; /* fru.location: the node's location, own or inherited */
	int prio; /* merge order: 0 PCI card VPD, 1 device tree */
	int used; /* 1: a FRU; 0: a DT node kept only for its location/children */
	int own_loc; /* DT: the node has its own ibm,loc-code */
	char **children; /* DT: subdirectory names (valid while the dir stamp holds) */
	size_t n_children;
};

struct src_cache {
	struct src_entry *e;
	size_t n, cap;
};

struct inv_priv {
	struct src_cache cache;
};

static const char empty[] = "";

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p) {
		log_err("vpd: out of memory");
		abort();
	}
	return p;
}

void vpd_fru_set(char **field, const char *value)
{
	if (*field && *field != empty)
		free(*field);
	*field = (value && *value) ? xstrdup(value) : (char *)empty;
}

/* The string members, in order: location, source, node, fru_type, then the product
 * fields (description .. fw_level) from index FRU_PRODUCT_FIRST. */
static const size_t fru_str_off[] = {
	offsetof(struct vpd_fru, location),    offsetof(struct vpd_fru, source),
	offsetof(struct vpd_fru, node),	       offsetof(struct vpd_fru, fru_type),
	offsetof(struct vpd_fru, description), offsetof(struct vpd_fru, part_number),
	offsetof(struct vpd_fru, fru_number),  offsetof(struct vpd_fru, serial),
	offsetof(struct vpd_fru, ccin),	       offsetof(struct vpd_fru, ec_level),
	offsetof(struct vpd_fru, fw_level),
};
#define FRU_NSTR	  (sizeof(fru_str_off) / sizeof(fru_str_off[0]))
#define FRU_PRODUCT_FIRST 4

static char **fru_str(struct vpd_fru *f, size_t i)
{
	return (char **)((char *)f + fru_str_off[i]);
}

static void fru_init(struct vpd_fru *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < FRU_NSTR; i++)
		*fru_str(f, i) = (char *)empty;
}

static void fru_free(struct vpd_fru *f)
{
	for (size_t i = 0; i < FRU_NSTR; i++) {
		char *s = *fru_str(f, i);
		if (s && s != empty)
			free(s);
	}
	for (size_t i = 0; i < f->n_fields; i++)
		free(f->fields[i].value);
	free(f->fields);
	fru_init(f);
}

static void fru_copy(struct vpd_fru *dst, const struct vpd_fru *src)
{
	fru_init(dst);
	for (size_t i = 0; i < FRU_NSTR; i++)
		vpd_fru_set(fru_str(dst, i), *fru_str((struct vpd_fru *)src, i));
	if (src->n_fields) {
		dst->fields = malloc(src->n_fields * sizeof(*dst->fields));
		if (dst->fields)
			dst->fields_cap = src->n_fields;
	}
	for (size_t i = 0; i < src->n_fields; i++)
		vpd_fru_add_field(dst, src->fields[i].kw, src->fields[i].value);
	dst->stamp = src->stamp;
}

int vpd_fru_add_field(struct vpd_fru *f, const char *kw, const char *value)
{
	struct vpd_field *p;

	if (f->n_fields == f->fields_cap) {
		size_t nc = f->fields_cap ? f->fields_cap * 2 : 8;
		p = realloc(f->fields, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		f->fields = p;
		f->fields_cap = nc;
	}
	p = &f->fields[f->n_fields++];
	p->kw[0] = kw[0];
	p->kw[1] = kw[1];
	p->kw[2] = '\0';
	p->value = xstrdup(value);
	return 0;
}

static const char *fru_field(const struct vpd_fru *f, const char *kw)
{
	for (size_t i = 0; i < f->n_fields; i++)
		if (f->fields[i].kw[0] == kw[0] && f->fields[i].kw[1] == kw[1])
			return f->fields[i].value;
	return NULL;
}

struct vpd_fru *vpd_inventory_add(struct vpd_inventory *inv, const char *location)
{
	struct vpd_fru *f;

	if (inv->n == inv->cap) {
		size_t nc = inv->cap ? inv->cap * 2 : 32;
		struct vpd_fru *p = realloc(inv->frus, nc * sizeof(*p));
		if (!p)
			return NULL;
		inv->frus = p;
		inv->cap = nc;
	}
	f = &inv->frus[inv->n++];
	fru_init(f);
	vpd_fru_set(&f->location, location);
	return f;
}

static int fru_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vpd_fru *)a)->location, ((const struct vpd_fru *)b)->location);
}

void vpd_inventory_sort(struct vpd_inventory *inv)
{
	if (inv->n > 1)
		qsort(inv->frus, inv->n, sizeof(inv->frus[0]), fru_cmp);
}

static void cache_free(struct src_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].key);
		fru_free(&c->e[i].fru);
		for (size_t j = 0; j < c->e[i].n_children; j++)
			free(c->e[i].children[j]);
		free(c->e[i].children);
	}
	free(c->e);
	memset(c, 0, sizeof(*c));
}

void vpd_inventory_free(struct vpd_inventory *inv)
{
	struct inv_priv *p;

	if (!inv)
		return;
	for (size_t i = 0; i < inv->n; i++)
		fru_free(&inv->frus[i]);
	free(inv->frus);
	p = inv->priv;
	if (p) {
		cache_free(&p->cache);
		free(p);
	}
	memset(inv, 0, sizeof(*inv));
}

const struct vpd_fru *vpd_inventory_find(const struct vpd_inventory *inv, const char *loc)
{
	size_t lo = 0, hi = inv->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(inv->frus[mid].location, loc);
		if (c == 0)
			return &inv->frus[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- sources -------------------------------------------------------------------- */

static void stamp_of(const char *path, struct vpd_stamp *st)
{
	struct stat sb;

	memset(st, 0, sizeof(*st));
	if (stat(path, &sb) == 0) {
		st->ino = sb.st_ino;
		st->size = (uint64_t)sb.st_size;
		st->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	}
}

static bool stamp_eq(const struct vpd_stamp *a, const struct vpd_stamp *b)
{
	return a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

/* One read(): a short read of a regular, procfs or sysfs file is its end, so a
 * property costs one read instead of two (syscalls dominate an inventory's cost). */
static ssize_t read_once(int fd, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r; /* r == len: the caller treats the file as too long */
}

/* Read at most max bytes of name (relative to dfd, or absolute with AT_FDCWD) into a
 * malloc'd buffer; longer files are an error (a property is never that large). */
static int read_at(int dfd, const char *name, size_t max, uint8_t **buf, size_t *len)
{
	uint8_t *b;
	ssize_t r;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	b = malloc(max + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	r = read_once(fd, b, max + 1);
	close(fd);
	if (r < 0 || (size_t)r > max) {
		free(b);
		return r < 0 ? (int)r : -EFBIG;
	}
	*buf = b;
	*len = (size_t)r;
	return 0;
}

/* A device-tree string property (NUL-terminated, maybe several strings): the first,
 * non-printables as '?', trailing spaces removed. */
static int read_dt_string(int dfd, const char *name, char *out, size_t n)
{
	char b[512];
	ssize_t len;
	size_t i;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	out[0] = '\0';
	if (fd < 0)
		return -errno;
	len = read_once(fd, b, sizeof(b));
	close(fd);
	if (len < 0)
		return (int)len;
	for (i = 0; i < (size_t)len && i + 1 < n && b[i]; i++)
		out[i] = ((unsigned char)b[i] >= 0x20 && (unsigned char)b[i] < 0x7f) ? b[i] : '?';
	out[i] = '\0';
	while (i > 0 && out[i - 1] == ' ')
		out[--i] = '\0';
	return 0;
}

static void set_from_kw(struct vpd_fru *f, const struct vpd_keyword *k, bool ipz)
{
	char txt[600];
	const char *kw = k->name;

	if (!ipz && ((kw[0] == 'R' && (kw[1] == 'V' || kw[1] == 'W'))))
		return; /* checksum and free area are not product data */
	vpd_value_text(k->data, k->len, vpd_keyword_is_binary(kw, ipz), txt, sizeof(txt));
	vpd_fru_add_field(f, kw, txt);
	if (!txt[0])
		return;
#define KW(a, b) (kw[0] == (a) && kw[1] == (b))
	if (KW('D', 'R') && !*f->description)
		vpd_fru_set(&f->description, txt);
	else if ((KW('P', 'N') || KW('V', 'P')) && !*f->part_number)
		vpd_fru_set(&f->part_number, txt);
	else if (KW('F', 'N') && !*f->fru_number)
		vpd_fru_set(&f->fru_number, txt);
	else if ((KW('S', 'N') || KW('V', 'S') || KW('S', 'E') || KW('S', 'S')) && !*f->serial)
		vpd_fru_set(&f->serial, txt);
	else if (KW('C', 'C') && !*f->ccin)
		vpd_fru_set(&f->ccin, txt);
	else if (KW('E', 'C') && !*f->ec_level)
		vpd_fru_set(&f->ec_level, txt);
	else if (KW('R', 'M') && !*f->fw_level)
		vpd_fru_set(&f->fw_level, txt);
#undef KW
}

struct builder {
	const char *root;
	struct vpd_inventory *inv;
	const struct src_cache *prev; /* may be NULL */
	struct src_cache *cache;
	unsigned warnings;
};

static const struct src_entry *cache_lookup(const struct src_cache *c, const char *key)
{
	size_t lo = 0, hi;

	if (!c)
		return NULL;
	hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(c->e[mid].key, key);
		if (r == 0)
			return &c->e[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct src_entry *cache_push(struct src_cache *c, const char *key)
{
	struct src_entry *s;

	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct src_entry *p = realloc(c->e, nc * sizeof(*p));
		if (!p)
			return NULL;
		c->e = p;
		c->cap = nc;
	}
	s = &c->e[c->n++];
	memset(s, 0, sizeof(*s));
	s->key = xstrdup(key);
	fru_init(&s->fru);
	return s;
}

/* Reuse the previous entry when both stamps are unchanged; the new entry or NULL. */
static struct src_entry *reuse(struct builder *b, const char *key, const struct vpd_stamp st[2])
{
	const struct src_entry *old = cache_lookup(b->prev, key);
	struct src_entry *s;

	if (!old || !stamp_eq(&old->st[0], &st[0]) || !stamp_eq(&old->st[1], &st[1]))
		return NULL;
	s = cache_push(b->cache, key);
	if (!s)
		return NULL;
	s->st[0] = st[0];
	s->st[1] = st[1];
	s->prio = old->prio;
	s->used = old->used;
	s->own_loc = old->own_loc;
	fru_copy(&s->fru, &old->fru);
	if (old->n_children) {
		s->children = malloc(old->n_children * sizeof(*s->children));
		if (s->children) {
			for (size_t i = 0; i < old->n_children; i++)
				s->children[i] = xstrdup(old->children[i]);
			s->n_children = old->n_children;
		}
	}
	return s;
}

static void dt_node(struct builder *b, int pfd, const char *rel, const char *name,
		    const char *parent_loc, int depth);

/* Subdirectory names of a DT node (order irrelevant: the inventory is sorted later).
 * Takes over dfd (closed here). */
static void dt_list_children(int dfd, struct src_entry *s)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	size_t cap = 0;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		bool isdir = de->d_type == DT_DIR;
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat sb;
			isdir = fstatat(dirfd(d), de->d_name, &sb, 0) == 0 && S_ISDIR(sb.st_mode);
		}
		if (!isdir)
			continue;
		if (s->n_children == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **np = realloc(s->children, nc * sizeof(*np));
			if (!np)
				break;
			s->children = np;
			cap = nc;
		}
		s->children[s->n_children++] = xstrdup(de->d_name);
	}
	closedir(d);
}

/* Parse the node's ibm,vpd (or its convenience properties) into s->fru. */
static void dt_read_fru(struct builder *b, int dfd, const char *rel, const char *name, int depth,
			const char *vpdp, bool has_vpd, struct src_entry *s)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct ipz_vpd v;
	struct ras_err e;
	int rc;

	vpd_fru_set(&s->fru.source, "dt");
	vpd_fru_set(&s->fru.node, rel);
	if (!has_vpd) {
		/* OpenPOWER style: convenience properties only (not on the vpd root). */
		static const char *const props[][2] = { { "description", "DR" },
							{ "part-number", "PN" },
							{ "fru-number", "FN" },
							{ "serial-number", "SN" },
							{ "ccin", "CC" } };
		char val[256];
		if (!s->own_loc || depth == 0)
			return;
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
			struct vpd_keyword k;
			if (read_dt_string(dfd, props[i][0], val, sizeof(val)) < 0 || !val[0])
				continue;
			memset(&k, 0, sizeof(k));
			memcpy(k.name, props[i][1], 3);
			k.data = (const uint8_t *)val;
			k.len = (uint16_t)strlen(val);
			set_from_kw(&s->fru, &k, true);
			s->used = 1;
		}
		goto fru_type;
	}
	rc = read_at(dfd, "ibm,vpd", DT_PROP_MAX, &buf, &len);
	if (rc < 0) {
		log_warn("vpd: %s: %s", vpdp, strerror(-rc));
		b->warnings++;
		return;
	}
	rc = ipz_vpd_parse(buf, len, &v, &e);
	if (rc < 0) {
		log_warn("vpd: %s: %s", vpdp, e.msg);
		b->warnings++;
		ipz_vpd_free(&v);
		free(buf);
		return;
	}
	for (unsigned i = 0; i < v.warn.n && i < VPD_MAX_WARN; i++)
		log_warn("vpd: %s: %s", vpdp, v.warn.msg[i]);
	b->warnings += v.warn.n;
	s->used = 1;
	for (size_t r = 0; r < v.n_rec; r++) {
		const struct ipz_record *rec = &v.rec[r];
		for (size_t k = 0; k < rec->n_kw; k++)
			set_from_kw(&s->fru, &rec->kw[k], true);
		if (!*s->fru.description &&
		    (!strcmp(rec->name, "VSYS") || !strcmp(rec->name, "OSYS"))) {
			const char *tm = fru_field(&s->fru, "TM");
			const char *mm = fru_field(&s->fru, "MM");
			char d[128];
			snprintf(d, sizeof(d), "System %s", tm ? tm : mm ? mm : "");
			vpd_fru_set(&s->fru.description, d);
		}
	}
	ipz_vpd_free(&v);
	free(buf);
fru_type:
	if (!s->used)
		return;
	{
		char ft[16];
		if (read_dt_string(dfd, "fru-type", ft, sizeof(ft)) == 0 && ft[0])
			vpd_fru_set(&s->fru.fru_type, ft);
	}
	if (!*s->fru.fru_type) {
		char nm[128], *at;
		snprintf(nm, sizeof(nm), "%s", depth == 0 ? "system" : name);
		at = strchr(nm, '@');
		if (at)
			*at = '\0';
		vpd_fru_set(&s->fru.fru_type, nm);
	}
}

/*
 * One device-tree node. Its entry is reused whole (FRU, location, children) when the
 * node directory and its ibm,vpd are unchanged: a property replaced by a rename, or a
 * child added or removed, changes the directory's mtime.
 */
static bool stat_at(int dfd, const char *name, struct vpd_stamp *st)
{
	struct stat sb;

	memset(st, 0, sizeof(*st));
	if (fstatat(dfd, name, &sb, 0) < 0)
		return false;
	st->ino = sb.st_ino;
	st->size = (uint64_t)sb.st_size;
	st->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	return true;
}

/*
 * pfd is a descriptor of the parent directory (AT_FDCWD and an absolute name for the
 * top). On the refresh path an unchanged leaf costs two fstatat() with one- and
 * two-component names: both the syscall count and the path walks stay small.
 */
static void dt_node(struct builder *b, int pfd, const char *rel, const char *name,
		    const char *parent_loc, int depth)
{
	char vpdp[PATH_MAX], vrel[PATH_MAX], key[PATH_MAX + 8], loc[256];
	char child[PATH_MAX];
	struct vpd_stamp st[2];
	struct src_entry *s;

	if (depth >= DT_MAX_DEPTH ||
	    snprintf(vrel, sizeof(vrel), "%s/ibm,vpd", name) >= (int)sizeof(vrel))
		return;
	if (!stat_at(pfd, name, &st[1]))
		return;
	stat_at(pfd, vrel, &st[0]);
	snprintf(key, sizeof(key), "dt:%s", rel);
	s = reuse(b, key, st);
	if (s) {
		if (!s->own_loc)
			vpd_fru_set(&s->fru.location, parent_loc ? parent_loc : rel);
	} else {
		int dfd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return;
		s = cache_push(b->cache, key);
		if (!s) {
			close(dfd);
			return;
		}
		s->st[0] = st[0];
		s->st[1] = st[1];
		s->prio = 1;
		loc[0] = '\0';
		if (read_dt_string(dfd, "ibm,loc-code", loc, sizeof(loc)) == 0 && loc[0])
			s->own_loc = 1;
		else
			snprintf(loc, sizeof(loc), "%s", parent_loc ? parent_loc : rel);
		vpd_fru_set(&s->fru.location, loc);
		s->fru.stamp = st[0];
		if (root_path(vpdp, sizeof(vpdp), b->root, "proc/device-tree/%s/ibm,vpd", rel) < 0)
			snprintf(vpdp, sizeof(vpdp), "%s", vrel);
		dt_read_fru(b, dfd, rel, name, depth, vpdp, st[0].ino != 0, s);
		dt_list_children(dfd, s);
	}
	/* s moves when the cache grows: take what the children need first. */
	snprintf(loc, sizeof(loc), "%s", s->fru.location);
	bool pass_loc = s->own_loc || parent_loc;
	size_t self = (size_t)(s - b->cache->e), nchild = s->n_children;
	if (nchild == 0)
		return;
	int cfd = openat(pfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		return;
	for (size_t i = 0; i < nchild; i++) {
		const char *cn = b->cache->e[self].children[i]; /* the strings never move */
		if (snprintf(child, sizeof(child), "%s/%s", rel, cn) >= (int)sizeof(child))
			continue;
		dt_node(b, cfd, child, cn, pass_loc ? loc : NULL, depth + 1);
	}
	close(cfd);
}

/* The location code of a PCI device: its of_node's ibm,loc-code (real systems link
 * of_node to /sys/firmware/devicetree/base/..., the same tree as /proc/device-tree). */
static void pci_loc_code(struct builder *b, const char *bdf, char *loc, size_t n,
			 struct vpd_stamp *st)
{
	char p[PATH_MAX], tgt[PATH_MAX], q[PATH_MAX];
	const char *rel = NULL, *m;
	ssize_t l;

	loc[0] = '\0';
	memset(st, 0, sizeof(*st));
	if (root_path(p, sizeof(p), b->root, "sys/bus/pci/devices/%s/of_node", bdf) < 0)
		return;
	l = readlink(p, tgt, sizeof(tgt) - 1);
	if (l <= 0)
		return;
	tgt[l] = '\0';
	if ((m = strstr(tgt, "devicetree/base/")) != NULL)
		rel = m + strlen("devicetree/base/");
	else if ((m = strstr(tgt, "device-tree/")) != NULL)
		rel = m + strlen("device-tree/");
	if (!rel || root_path(q, sizeof(q), b->root, "proc/device-tree/%s/ibm,loc-code", rel) < 0)
		return;
	stamp_of(q, st);
	read_dt_string(AT_FDCWD, q, loc, n);
}

static void pci_device(struct builder *b, const char *bdf)
{
	char p[PATH_MAX], loc[256], key[300];
	struct vpd_stamp st[2];
	struct src_entry *s;
	struct pci_vpd v;
	struct ras_err e;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (root_path(p, sizeof(p), b->root, "sys/bus/pci/devices/%s/vpd", bdf) < 0)
		return;
	stamp_of(p, &st[0]);
	if (!st[0].ino)
		return; /* no VPD capability */
	pci_loc_code(b, bdf, loc, sizeof(loc), &st[1]);
	snprintf(key, sizeof(key), "pci:%s", bdf);
	if (reuse(b, key, st))
		return;
	rc = file_read_all(p, PCI_VPD_MAX_SIZE, &buf, &len, NULL, &e);
	if (rc < 0) {
		/* EACCES as non-root, EIO/ENODEV on broken VPD: not fatal for an inventory. */
		log_debug("vpd: %s", e.msg);
		return;
	}
	rc = pci_vpd_parse(buf, len, &v, &e);
	if (rc < 0) {
		if (rc != -ENODATA) {
			log_warn("vpd: %s: %s", p, e.msg);
			b->warnings++;
		}
		pci_vpd_free(&v);
		free(buf);
		return;
	}
	for (unsigned i = 0; i < v.warn.n && i < VPD_MAX_WARN; i++)
		log_warn("vpd: %s: %s", p, v.warn.msg[i]);
	b->warnings += v.warn.n;
	s = cache_push(b->cache, key);
	if (s) {
		char id[256], where[300];
		s->st[0] = st[0];
		s->st[1] = st[1];
		s->prio = 0;
		s->used = 1;
		if (!loc[0])
			snprintf(where, sizeof(where), "pci:%s", bdf);
		else
			snprintf(where, sizeof(where), "%s", loc);
		vpd_fru_set(&s->fru.location, where);
		vpd_fru_set(&s->fru.source, "pci");
		vpd_fru_set(&s->fru.node, bdf);
		vpd_fru_set(&s->fru.fru_type, "pci-card");
		s->fru.stamp = st[0];
		if (v.id) {
			vpd_value_text(v.id, v.id_len, false, id, sizeof(id));
			vpd_fru_set(&s->fru.description, id);
		}
		for (size_t i = 0; i < v.n_kw; i++)
			set_from_kw(&s->fru, &v.kw[i], false);
	}
	pci_vpd_free(&v);
	free(buf);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pci_walk(struct builder *b)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (root_path(dir, sizeof(dir), b->root, "sys/bus/pci/devices") < 0)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **np = realloc(names, nc * sizeof(*np));
			if (!np)
				break;
			names = np;
			cap = nc;
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp); /* function 0 before 1: stable merge */
	for (size_t i = 0; i < n; i++) {
		pci_device(b, names[i]);
		free(names[i]);
	}
	free(names);
}

/* ---- merge ------------------------------------------------------------------------ */

static int ent_cmp(const void *a, const void *b)
{
	const struct src_entry *x = *(const struct src_entry *const *)a;
	const struct src_entry *y = *(const struct src_entry *const *)b;
	int c = strcmp(x->fru.location, y->fru.location);

	if (c)
		return c;
	if (x->prio != y->prio)
		return x->prio - y->prio;
	return strcmp(x->key, y->key);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct src_entry *)a)->key, ((const struct src_entry *)b)->key);
}

static void fru_merge(struct vpd_fru *dst, const struct vpd_fru *src)
{
	for (size_t i = FRU_PRODUCT_FIRST; i < FRU_NSTR; i++) { /* fill the gaps */
		char **d = fru_str(dst, i);
		const char *s = *fru_str((struct vpd_fru *)src, i);
		if (!**d && *s)
			vpd_fru_set(d, s);
	}
	if (strcmp(dst->source, src->source) && !strstr(dst->source, src->source)) {
		char t[64];
		snprintf(t, sizeof(t), "%s+%s", dst->source, src->source);
		vpd_fru_set(&dst->source, t);
	}
	if (!strstr(dst->node, src->node)) {
		size_t l = strlen(dst->node) + strlen(src->node) + 2;
		char *t = malloc(l);
		if (t) {
			snprintf(t, l, "%s %s", dst->node, src->node);
			vpd_fru_set(&dst->node, t);
			free(t);
		}
	}
	if (!strcmp(dst->fru_type, "pci-card") && strcmp(src->fru_type, "pci-card"))
		vpd_fru_set(&dst->fru_type, src->fru_type);
	for (size_t i = 0; i < src->n_fields; i++)
		if (!fru_field(dst, src->fields[i].kw))
			vpd_fru_add_field(dst, src->fields[i].kw, src->fields[i].value);
}

static int assemble(struct builder *b)
{
	struct src_cache *c = b->cache;
	struct src_entry **order;
	struct vpd_inventory *inv = b->inv;
	char fw[128] = "", p[PATH_MAX];

	if (c->n > 1)
		qsort(c->e, c->n, sizeof(c->e[0]), key_cmp);
	order = malloc((c->n ? c->n : 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	size_t no = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].used)
			order[no++] = &c->e[i];
	if (no > 1)
		qsort(order, no, sizeof(*order), ent_cmp);
	for (size_t i = 0; i < no; i++) {
		const struct vpd_fru *src = &order[i]->fru;
		if (inv->n && !strcmp(inv->frus[inv->n - 1].location, src->location)) {
			fru_merge(&inv->frus[inv->n - 1], src);
			continue;
		}
		struct vpd_fru *f = vpd_inventory_add(inv, src->location);
		if (!f) {
			free(order);
			return -ENOMEM;
		}
		fru_free(f);
		fru_copy(f, src);
	}
	free(order);
	/* System firmware level (OPAL): on the system FRU (the vpd root node). */
	if (root_path(p, sizeof(p), b->root, "proc/device-tree/ibm,opal/firmware/version") == 0 &&
	    read_dt_string(AT_FDCWD, p, fw, sizeof(fw)) < 0 &&
	    root_path(p, sizeof(p), b->root, "proc/device-tree/ibm,opal/firmware/ml-version") == 0)
		read_dt_string(AT_FDCWD, p, fw, sizeof(fw));
	if (fw[0]) {
		for (size_t i = 0; i < inv->n; i++)
			if (!strcmp(inv->frus[i].node, "vpd") ||
			    !strncmp(inv->frus[i].node, "vpd ", 4)) {
				if (!*inv->frus[i].fw_level)
					vpd_fru_set(&inv->frus[i].fw_level, fw);
				break;
			}
	}
	return 0;
}

static int build(const char *root, const struct vpd_inventory *prev, struct vpd_inventory *out,
		 struct ras_err *e)
{
	struct inv_priv *priv = calloc(1, sizeof(*priv));
	struct builder b = { .root = root && *root ? root : "/", .inv = out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!priv)
		return ras_errf(e, -ENOMEM, "vpd: out of memory");
	out->priv = priv;
	out->taken_us = time_now_us();
	b.cache = &priv->cache;
	b.prev = prev && prev->priv ? &((const struct inv_priv *)prev->priv)->cache : NULL;
	{
		char top[PATH_MAX];
		if (root_path(top, sizeof(top), b.root, "proc/device-tree/vpd") == 0)
			dt_node(&b, AT_FDCWD, "vpd", top, NULL, 0);
	}
	pci_walk(&b);
	rc = assemble(&b);
	if (rc < 0) {
		vpd_inventory_free(out);
		return ras_errf(e, rc, "vpd: out of memory assembling the inventory");
	}
	out->n_warnings = b.warnings;
	return 0;
}

int vpd_inventory_build(const char *root, struct vpd_inventory *out, struct ras_err *e)
{
	return build(root, NULL, out, e);
}

int vpd_inventory_refresh(const char *root, const struct vpd_inventory *prev,
			  struct vpd_inventory *out, struct ras_err *e)
{
	return build(root, prev, out, e);
}
