/*
 * flash_test.c - see flash_test.h.
 */
#include "flash_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "flash/ffs_build.h"

const char *ft_shared_image(const char *name)
{
	static char out[2][4096];
	char src[4096], tmp[4200], cmd[9000];
	int slot = strstr(name, "gard") ? 1 : 0;

	snprintf(src, sizeof(src), "%s/pnor/%s.xz", SHARED_DATA_DIR, name);
	if (access(src, R_OK))
		return NULL;
	snprintf(out[slot], sizeof(out[slot]), "%s/build/test-cache/%s", OPAL_RAS_SRCDIR, name);
	if (!access(out[slot], R_OK))
		return out[slot];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/build/test-cache'", OPAL_RAS_SRCDIR);
	cr_assert_eq(system(cmd), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", out[slot], (int)getpid());
	snprintf(cmd, sizeof(cmd), "xz -dc '%s' > '%s' && mv '%s' '%s'", src, tmp, tmp, out[slot]);
	cr_assert_eq(system(cmd), 0, "xz -dc %s failed", src);
	return out[slot];
}

char *ft_tmpdir(void)
{
	char *d = strdup("/tmp/opal-flash-ut.XXXXXX");

	cr_assert_not_null(mkdtemp(d));
	return d;
}

void ft_rmrf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd)) {
	}
}

void ft_build_two_sided(const char *path)
{
	static const char layout[] = "@0,0x0,\n"
				     "@1,0x400000,G\n"
				     "HBEL,0x8000,0x24000,E,01,\n"
				     "GUARD,0x2C000,0x5000,EPF,01,\n"
				     "NVRAM,0x31000,0x90000,PF,01,\n"
				     "OTHER_SIDE,0x400000,0x1000,,0,\n"
				     "OTHER_SIDE,0x0,0x1000,,1,\n"
				     "PAYLOAD,0x100000,0x100000,E,0,\n"
				     "BOOTKERNEL,0x200000,0x200000,,0,\n"
				     "RO,0xC1000,0x10000,R,0,\n"
				     "PAYLOAD,0x500000,0x100000,EG,1,\n"
				     "BOOTKERNEL,0x600000,0x200000,G,1,\n";
	struct ffs_layout l;
	struct ras_err e;
	uint8_t *img = malloc(8 << 20);

	cr_assert_eq(ffs_layout_parse(layout, sizeof(layout) - 1, &l, &e), 0, "%s", e.msg);
	cr_assert_eq(ffs_build(&l, 0x1000, img, 8 << 20, NULL, &e), 0, "%s", e.msg);
	ft_write_file(path, img, 8 << 20);
	free(img);
}

uint8_t *ft_read_file(const char *path, size_t *len)
{
	uint8_t *buf;
	struct ras_err e;

	cr_assert_eq(file_read_all(path, 1u << 30, &buf, len, NULL, &e), 0, "%s", e.msg);
	return buf;
}

void ft_write_file(const char *path, const void *buf, size_t len)
{
	struct ras_err e;

	cr_assert_eq(file_write_atomic(path, buf, len, 0644, &e), 0, "%s", e.msg);
}
