/*
 * test_sim.c - unit tests of opal-sim's core helpers: time and number parsing for
 * options and scenarios, the module table, and inject dispatch errors.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/sim_internal.h"

Test(sim, parse_time)
{
	int64_t us;

	cr_assert_eq(sim_parse_time("0.5s", &us), 0);
	cr_assert_eq(us, 500000);
	cr_assert_eq(sim_parse_time("250ms", &us), 0);
	cr_assert_eq(us, 250000);
	cr_assert_eq(sim_parse_time("2", &us), 0);
	cr_assert_eq(us, 2000000);
	cr_assert_eq(sim_parse_time("1.5m", &us), 0);
	cr_assert_eq(us, 90000000);
	cr_assert_eq(sim_parse_time("1h", &us), 0);
	cr_assert_eq(us, 3600000000ll);
	cr_assert_eq(sim_parse_time("10us", &us), 0);
	cr_assert_eq(us, 10);
	cr_assert_eq(sim_parse_time("soon", &us), -EINVAL);
	cr_assert_eq(sim_parse_time("", &us), -EINVAL);
	cr_assert_eq(sim_parse_time("-1s", &us), -EINVAL);
	cr_assert_eq(sim_parse_time("3d", &us), -EINVAL);
}

Test(sim, opt_u64)
{
	uint64_t v;
	struct ras_err e;

	cr_assert_eq(sim_opt_u64("--pe", "0xfe", &v, &e), 0);
	cr_assert_eq(v, 0xfe);
	cr_assert_eq(sim_opt_u64("--count", "100000", &v, &e), 0);
	cr_assert_eq(v, 100000);
	cr_assert_eq(sim_opt_u64("--count", "12x", &v, &e), -EINVAL);
	cr_assert(strstr(e.msg, "--count") && strstr(e.msg, "12x"), "%s", e.msg);
	cr_assert_eq(sim_opt_u64("--count", "-3", &v, &e), -EINVAL);
	cr_assert_eq(sim_opt_u64("--count", "99999999999999999999999", &v, &e), -EINVAL);
}

Test(sim, module_table)
{
	int n = 0;

	for (const struct sim_module *const *m = sim_modules; *m; m++, n++) {
		cr_assert_not_null((*m)->name);
		cr_assert_eq(sim_module_find((*m)->name), *m);
	}
	cr_assert_geq(n, 2);
	cr_assert_not_null(sim_module_find("elog"));
	cr_assert_not_null(sim_module_find("kmsg"));
	cr_assert_null(sim_module_find("nosuch"));
}

Test(sim, inject_dispatch_errors)
{
	struct ras_err e;
	char *argv[] = { "nosuch", NULL };

	cr_assert_eq(sim_inject("/nonexistent", 0, argv, &e), -EINVAL);
	cr_assert_eq(sim_inject("/nonexistent", 1, argv, &e), -EINVAL);
	cr_assert(strstr(e.msg, "nosuch"), "%s", e.msg);
}
