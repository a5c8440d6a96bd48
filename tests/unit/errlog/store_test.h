/*
 * store_test.h - a fresh temporary directory per test for the store's unit tests:
 * `dir` is the directory, `path` the database file under it (at `rel`, which may
 * name a subdirectory the store has to create). Teardown removes the whole tree. Also
 * rnd(), a repeatable pseudo-random sequence for the randomised tests.
 */
#ifndef OPAL_RAS_TEST_STORE_TEST_H
#define OPAL_RAS_TEST_STORE_TEST_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char dir[64], path[128];

/* A fixed pseudo-random sequence (xorshift64): randomised tests that repeat exactly. */
static uint64_t store_test_rng = 0x2545f4914f6cdd1dull;
static inline unsigned rnd(unsigned n)
{
	store_test_rng ^= store_test_rng << 13;
	store_test_rng ^= store_test_rng >> 7;
	store_test_rng ^= store_test_rng << 17;
	return (unsigned)(store_test_rng % n);
}

static inline void store_test_setup(const char *rel)
{
	strcpy(dir, "/tmp/opal-ras-store.XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
}

/* The usual fixture: a database file ras.db in a fresh directory. */
static inline void store_test_setup_default(void)
{
	store_test_setup("ras.db");
}

static inline int store_test_rm(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p);
}

static inline void store_test_teardown(void)
{
	cr_assert_eq(nftw(dir, store_test_rm, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif
