/*
 * bench_util.h - small helpers the benchmark programs share (no shell: they remove their
 * scratch trees with nftw, not `rm -rf`).
 */
#ifndef OPAL_RAS_BENCH_UTIL_H
#define OPAL_RAS_BENCH_UTIL_H

#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

static int bench_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(p) : unlink(p)) < 0 ? 0 : 0;
}

/* Remove a directory tree; 0 when it is gone. */
static inline int bench_rm_tree(const char *path)
{
	nftw(path, bench_rm_one, 64, FTW_DEPTH | FTW_PHYS);
	return access(path, F_OK) == 0 ? -1 : 0;
}

#endif
