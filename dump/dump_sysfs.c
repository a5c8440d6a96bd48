/*
 * dump_sysfs.c - the kernel's /sys/firmware/opal/dump: list, resolve an id, ack, initiate.
 *
 * Numbers in `id` and `type` are parsed with base-0 strtoul of the first token (the
 * kernel prints "0x2 System/Platform Dump", fixtures print "0x01" or "0xffffffff");
 * strings are never compared. Entries that are not "<hex>-<hex>" directories (such as
 * initiate_dump) are skipped. An absent dump directory is -EOPNOTSUPP.
 */
#include "dump/dump.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"

static const struct {
	uint32_t type;
	const char *name;
	const char *shortname;
} dump_types[] = {
	{ DUMP_TYPE_SP, "SP Dump", "sp" },
	{ DUMP_TYPE_SYS, "System/Platform Dump", "platform" },
	{ DUMP_TYPE_SMA, "SMA Dump", "sma" },
};

static const struct {
	const char *alias;
	uint32_t type;
} dump_type_aliases[] = {
	{ "sp", DUMP_TYPE_SP },		  { "fsp", DUMP_TYPE_SP },	 { "sys", DUMP_TYPE_SYS },
	{ "system", DUMP_TYPE_SYS },	  { "platform", DUMP_TYPE_SYS }, { "sma", DUMP_TYPE_SMA },
	{ "unknown", DUMP_TYPE_UNKNOWN },
};

const char *dump_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(dump_types) / sizeof(dump_types[0]); i++)
		if (dump_types[i].type == type)
			return dump_types[i].name;
	return "unknown";
}

const char *dump_type_short(uint32_t type)
{
	for (size_t i = 0; i < sizeof(dump_types) / sizeof(dump_types[0]); i++)
		if (dump_types[i].type == type)
			return dump_types[i].shortname;
	return "unknown";
}

/* Parse a whole string as an unsigned number in the given base (0 = C rules). */
static int parse_u32(const char *s, int base, uint32_t *v)
{
	char *end;
	unsigned long long x;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || end == s || *end || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

int dump_type_parse(const char *s, uint32_t *type)
{
	for (size_t i = 0; i < sizeof(dump_type_aliases) / sizeof(dump_type_aliases[0]); i++)
		if (!strcasecmp(s, dump_type_aliases[i].alias)) {
			*type = dump_type_aliases[i].type;
			return 0;
		}
	return parse_u32(s, 0, type);
}

/* "<hex>-<hex>" with optional 0x on each side into (type, id). */
static int parse_pair(const char *s, uint32_t *type, uint32_t *id)
{
	char a[32];
	const char *dash = strchr(s, '-');
	size_t n;

	if (!dash)
		return -EINVAL;
	n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, n);
	a[n] = 0;
	if (parse_u32(a, 16, type) || parse_u32(dash + 1, 16, id))
		return -EINVAL;
	return 0;
}

/* First token of a small attribute as a number (base 0). */
static int read_attr_u32(const char *dir, const char *attr, uint32_t *v)
{
	char path[PATH_MAX], buf[128];
	char *sp;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, attr) >= sizeof(path))
		return -ENAMETOOLONG;
	if (file_read_str(path, buf, sizeof(buf), NULL) < 0)
		return -EIO;
	sp = strpbrk(buf, " \t\n");
	if (sp)
		*sp = 0;
	return parse_u32(buf, 0, v);
}

static int dump_dir(const char *root, char *out, size_t n, struct ras_err *e)
{
	struct stat st;

	if (root_path(out, n, root, DUMP_SYSFS_DIR) < 0)
		return ras_errf(e, -ENAMETOOLONG, "%s: root path too long", root);
	if (stat(out, &st) < 0 || !S_ISDIR(st.st_mode))
		return ras_errf(
			e, -EOPNOTSUPP,
			"platform dumps are not supported on this system: %s does not exist", out);
	return 0;
}

static int entry_load(const char *dumpdir, const char *name, struct dump_entry *en)
{
	char dir[PATH_MAX], path[PATH_MAX];
	uint32_t type, id, v;
	struct stat st;

	if (strlen(name) >= sizeof(en->name) || parse_pair(name, &type, &id))
		return -EINVAL;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", dumpdir, name) >= sizeof(dir))
		return -ENAMETOOLONG;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return -EINVAL;
	memset(en, 0, sizeof(*en));
	strcpy(en->name, name);
	en->type = read_attr_u32(dir, "type", &v) == 0 ? v : type;
	en->id = read_attr_u32(dir, "id", &v) == 0 ? v : id;
	snprintf(path, sizeof(path), "%s/dump", dir);
	if (stat(path, &st) < 0)
		return -errno; /* acked under us, or not a dump directory */
	en->size = (uint64_t)st.st_size;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct dump_entry *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

int dump_list(const char *root, struct dump_entry **v, size_t *n, struct ras_err *e)
{
	char dumpdir[PATH_MAX];
	struct dump_entry *arr = NULL, *tmp;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc;

	*v = NULL;
	*n = 0;
	rc = dump_dir(root, dumpdir, sizeof(dumpdir), e);
	if (rc)
		return rc;
	d = opendir(dumpdir);
	if (!d)
		return ras_errf(e, -errno, "%s: %s", dumpdir, strerror(errno));
	while ((de = readdir(d))) {
		struct dump_entry en;

		if (de->d_name[0] == '.')
			continue;
		if (entry_load(dumpdir, de->d_name, &en))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				free(arr);
				closedir(d);
				return ras_errf(e, -ENOMEM, "out of memory listing %s", dumpdir);
			}
			arr = tmp;
		}
		arr[cnt++] = en;
	}
	closedir(d);
	if (cnt)
		qsort(arr, cnt, sizeof(*arr), entry_cmp);
	*v = arr;
	*n = cnt;
	return 0;
}

int dump_resolve(const char *root, const char *arg, struct dump_entry *out, struct ras_err *e)
{
	struct dump_entry *v;
	uint32_t type, id;
	size_t n, hits = 0, hit = 0;
	bool pair;
	int rc;

	if (!arg || !*arg)
		return ras_errf(e, -EINVAL, "empty dump id");
	rc = dump_list(root, &v, &n, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, arg)) {
			*out = v[i];
			free(v);
			return 0;
		}
	pair = parse_pair(arg, &type, &id) == 0;
	if (!pair && parse_u32(arg, 16, &id)) {
		free(v);
		return ras_errf(
			e, -EINVAL,
			"%s: not a dump id (expected a directory name like 0x2-0x5 or an id "
			"like 0x5)",
			arg);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].id != id || (pair && v[i].type != type))
			continue;
		hits++;
		hit = i;
	}
	if (hits == 1) {
		*out = v[hit];
		free(v);
		return 0;
	}
	if (hits == 0) {
		free(v);
		return ras_errf(e, -ENOENT, "no dump %s (see opal-dump list)", arg);
	}
	{
		char names[400] = "";
		size_t used = 0;

		for (size_t i = 0; i < n; i++) {
			if (v[i].id != id || (pair && v[i].type != type))
				continue;
			int w = snprintf(names + used, sizeof(names) - used, "%s%s",
					 used ? ", " : "", v[i].name);
			if (w < 0 || (size_t)w >= sizeof(names) - used)
				break;
			used += (size_t)w;
		}
		free(v);
		return ras_errf(e, -EEXIST, "dump id %s is ambiguous: %s; give the directory name",
				arg, names);
	}
}

int dump_ack(const char *root, const char *name, struct ras_err *e)
{
	char path[PATH_MAX];
	int rc;

	if (!name || !*name || strchr(name, '/') || name[0] == '.')
		return ras_errf(e, -EINVAL, "bad dump name \"%s\"", name ? name : "");
	if (root_path(path, sizeof(path), root, DUMP_SYSFS_DIR "/%s/acknowledge", name) < 0)
		return ras_errf(e, -ENAMETOOLONG, "%s: path too long", name);
	if (access(path, F_OK) < 0) {
		rc = -errno;
		return ras_errf(e, rc, "%s: %s (already acknowledged?)", path, strerror(-rc));
	}
	return file_write_str(path, "ack\n", e);
}

int dump_initiate(const char *root, struct ras_err *e)
{
	char path[PATH_MAX];

	if (root_path(path, sizeof(path), root, DUMP_SYSFS_DIR "/initiate_dump") < 0)
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	if (access(path, F_OK) < 0)
		return ras_errf(e, -EOPNOTSUPP,
				"initiating a service-processor dump is not supported on this "
				"system: %s does not exist",
				path);
	return file_write_str(path, "1\n", e);
}
