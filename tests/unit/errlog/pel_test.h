/*
 * pel_test.h - helpers of the errlog unit tests: load a file of the shared test data
 * (skipping the test when the data folder is absent) and decode it.
 */
#ifndef OPAL_RAS_TEST_PEL_TEST_H
#define OPAL_RAS_TEST_PEL_TEST_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/timeutil.h"
#include "errlog/pel.h"

#define ELOG_DIR "pel/ppc64-diag-sysfs/firmware/opal/elog/"
#define MAL_DIR	 "pel/malformed/"

/* Read SHARED_DATA_DIR/rel; skip the test when the shared data is not there. */
static inline uint8_t *test_load(const char *rel, size_t *len)
{
	char path[1024];
	uint8_t *buf = NULL;
	struct ras_err e;
	int trunc;

	snprintf(path, sizeof(path), "%s/%s", SHARED_DATA_DIR, rel);
	if (access(path, R_OK) != 0)
		cr_skip_test("shared test data absent: %s", path);
	cr_assert_eq(file_read_all(path, PEL_INPUT_CAP, &buf, len, &trunc, &e), 0, "%s", e.msg);
	return buf;
}

/* Load and decode; asserts success. The caller frees the returned buffer. */
static inline uint8_t *test_decode(const char *rel, struct pel *p)
{
	size_t len;
	uint8_t *buf = test_load(rel, &len);
	struct ras_err e = { { 0 } };

	cr_assert_eq(pel_decode(buf, len, p, rel, &e), 0, "decode %s: %s", rel, e.msg);
	return buf;
}

static inline bool pstr_eq(struct pel_str s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

#define cr_assert_pstr(s, want)                                                            \
	cr_assert(pstr_eq((s), (want)), "%s: got \"%.*s\", want \"%s\"", #s, (int)(s).len, \
		  (s).p ? (s).p : "", (want))

/* Section ids of p as "PH UH PS ..." */
static inline void test_sections(const struct pel *p, char *out, size_t n)
{
	size_t at = 0;
	out[0] = 0;
	for (unsigned i = 0; i < p->n_sec && at + 4 < n; i++) {
		char sid[3];
		at += (size_t)snprintf(out + at, n - at, "%s%s", i ? " " : "",
				       pel_sid_str(p->sec[i].id, sid));
	}
}

#endif
