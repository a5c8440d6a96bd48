/*
 * test_outbox.c - the daemon's hook runs, with the event loop turning: a run that ends
 * while the group commit holds a batch open is still recorded (the held batch is
 * committed first), and the batch's event is stored too. The daemon's loop may hold a
 * batch across rounds while logs are being read (batch.c); a hook's exit is an I/O
 * callback in one of those rounds.
 */
#include "common/timeutil.h"
#include "opal-prd/outbox.h"
#include "tests/unit/opal-prd/daemon_test.h"

static void setup(void)
{
	daemon_test_setup("/tmp/opal-ras-outbox.XXXXXX",
			  "hooks:\n  - name: quick\n    match: {kinds: [test]}\n"
			  "    command: [\"/bin/true\"]\n");
	cr_assert_eq(outbox_start(&d), 0);
	cr_assert_eq(d.hooks.n, 1);
}

static void teardown(void)
{
	outbox_stop(&d);
	daemon_test_teardown();
}

TestSuite(outbox, .init = setup, .fini = teardown);

static void append(const char *key)
{
	struct ras_event ev = { .source = "unit", .kind = "test", .dedupe_key = key,
				.time_us = time_now_us(), .severity = RAS_SEV_ERROR,
				.source_severity = -1, .summary = key };
	bool is_new;

	cr_assert_eq(daemon_append(&d, &ev, &is_new, NULL, NULL), 0);
	cr_assert(is_new);
}

/* Turns the loop until the hook's run is recorded, or 5 s. */
static int64_t deadline_us;
static void check(struct loop *l, void *arg)
{
	(void)arg;
	if (daemon_test_count("select count(*) from hook_runs") > 0 || time_now_us() > deadline_us)
		loop_stop(l);
}

Test(outbox, a_run_ending_while_a_batch_is_held_is_recorded)
{
	append("outbox-test-1");
	cr_assert_eq(daemon_commit(&d), 0);
	cr_assert_eq(daemon_test_count("select count(*) from outbox where target = 'hook:quick'"), 1);
	outbox_kick(&d);
	outbox_work(&d); /* starts /bin/true */
	cr_assert_eq(daemon_test_count("select count(*) from outbox where state = 'running'"), 1);

	append("outbox-test-2"); /* a batch the group commit holds open */
	cr_assert(d.in_batch);
	deadline_us = time_now_us() + 5000000;
	int t = loop_timer_add(d.loop, 10000, 10000, check, NULL);
	loop_run(d.loop);
	loop_timer_del(d.loop, t);

	cr_assert_eq(daemon_test_count("select count(*) from hook_runs where hook = 'quick' and "
			   "outcome = 'ok'"),
		     1, "the run was not recorded");
	cr_assert_eq(daemon_test_count("select count(*) from outbox where state = 'done'"), 1);
	cr_assert_not(d.in_batch, "the held batch was committed first");
	cr_assert_eq(daemon_test_count("select count(*) from events where dedupe_key = 'outbox-test-2'"), 1);
}
