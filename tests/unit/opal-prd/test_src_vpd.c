/*
 * test_src_vpd.c - the daemon's VPD source without the event loop running: a baseline
 * snapshot on the first work round, then a refresh only on the rescan tick that
 * completes a minute (no timer of its own, so an idle daemon wakes for the rescan
 * only): a FRU swapped in the simulator is noticed on that tick and not before.
 */
#include "opal-prd/sources.h"
#include "sim/sim_vpd.h"
#include "tests/unit/opal-prd/daemon_test.h"

static void setup(void)
{
	struct ras_err e;

	daemon_test_setup("/tmp/opal-ras-vpd.XXXXXX", NULL);
	cr_assert_eq(sim_vpd_init(root, &e), 0, "%s", e.msg);
	d.cfg.elog_rescan_us = 20ll * 1000000; /* a minute is three ticks */
	struct source *s = daemon_add_source(&d, &src_vpd_ops);
	cr_assert_eq(s->ops->start(&d, s), 0);
}

static void teardown(void)
{
	d.sources[0].ops->stop(&d, &d.sources[0]);
	daemon_test_teardown();
}

TestSuite(src_vpd, .init = setup, .fini = teardown);

Test(src_vpd, refreshes_on_the_tick_that_completes_a_minute)
{
	struct source *s = &d.sources[0];
	struct ras_err e;
	const char *replaced = "select count(*) from events where kind = 'vpd-change' and "
			       "refcode = 'replaced'";

	cr_assert_not_null(s->ops->rescan, "the VPD source rides the rescan tick");
	s->ops->poll(&d, s); /* the start's work round: the baseline */
	cr_assert_eq(daemon_test_count("select count(*) from vpd_snapshots"), 1);
	cr_assert_eq(daemon_test_count(replaced), 0);

	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL01", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	s->ops->rescan(&d, s);
	s->ops->poll(&d, s); /* a work round between ticks refreshes nothing */
	cr_assert_eq(daemon_test_count("select count(*) from vpd_snapshots"), 1, "40 s: no refresh yet");
	cr_assert_eq(daemon_test_count(replaced), 0);
	s->ops->rescan(&d, s);
	cr_assert_eq(daemon_test_count(replaced), 1, "the third tick (60 s) refreshed");
	cr_assert_eq(daemon_test_count("select count(*) from vpd_snapshots"), 2);

	/* and the count starts again */
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL02", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	s->ops->rescan(&d, s);
	cr_assert_eq(daemon_test_count(replaced), 1);
	s->ops->rescan(&d, s);
	cr_assert_eq(daemon_test_count(replaced), 2);
}

Test(src_vpd, a_rescan_interval_over_a_minute_refreshes_every_tick)
{
	struct source *s = &d.sources[0];
	struct ras_err e;

	d.cfg.elog_rescan_us = 90ll * 1000000;
	s->ops->poll(&d, s);
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "NEWSERIAL03", &e), 0, "%s",
		     e.msg);
	s->ops->rescan(&d, s);
	cr_assert_eq(daemon_test_count("select count(*) from events where kind = 'vpd-change'"), 1);
}
