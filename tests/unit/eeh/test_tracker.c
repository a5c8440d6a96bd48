/*
 * test_tracker.c - unit tests of eeh_tracker.c and eeh_event.c: kernel log sequences
 * (new and old kernels, success, failure, permanent disable, near-limit, dead PHB),
 * uevents merged with the log, and the ras_event produced for the store.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "eeh/eeh.h"

struct run {
	struct eeh_tracker t;
	struct eeh_event ev[32];
	size_t n;
};

static void feed(struct run *r, const char *const *lines, size_t n, int64_t t0)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = eeh_tracker_feed(&r->t, lines[i], strlen(lines[i]), 100 + i,
					    t0 + (int64_t)i * 1000, r->ev + r->n, 32 - r->n);
		r->n += k;
	}
}

#define FEED(r, arr, t0) feed(r, arr, sizeof(arr) / sizeof(arr[0]), t0)

static const char *const new_success[] = {
	"EEH: Frozen PE#1 on PHB#0 detected",
	"EEH: PE location: U78D2.001.WZS0001-P1-C7, PHB location: N/A",
	"EEH: Recovering PHB#0-PE#1",
	"EEH: PE location: U78D2.001.WZS0001-P1-C7, PHB location: N/A",
	"EEH: This PCI device has failed 1 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"EEH: Notify device drivers to shutdown",
	"EEH: Beginning: 'error_detected(IO frozen)'",
	"PCI 0000:01:00.0#0001: EEH: Invoking mlx5_core->error_detected(IO frozen)",
	"PCI 0000:01:00.0#0001: EEH: mlx5_core driver reports: 'need reset'",
	"PCI 0000:01:00.1#0001: EEH: Invoking mlx5_core->error_detected(IO frozen)",
	"PCI 0000:01:00.1#0001: EEH: mlx5_core driver reports: 'need reset'",
	"EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need reset'",
	"EEH: Collect temporary log",
	"EEH: Reset without hotplug activity",
	"EEH: Beginning: 'slot_reset'",
	"EEH: Finished:'slot_reset' with aggregate recovery state:'recovered'",
	"EEH: Notify device driver to resume",
	"EEH: Beginning: 'resume'",
	"EEH: Finished:'resume'",
	"EEH: Recovery successful.",
};

Test(tracker, new_kernel_success)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, new_success, 1000000);
	cr_assert_eq(r.n, 2);
	struct eeh_event *f = &r.ev[0], *ok = &r.ev[1];
	cr_assert_eq(f->type, EEH_EV_FREEZE);
	cr_assert_str_eq(f->source, "kmsg");
	cr_assert(f->have_phb && f->have_pe);
	cr_assert_eq(f->phb, 0);
	cr_assert_eq(f->pe, 1);
	cr_assert_eq(f->seq, 100);
	cr_assert_eq(f->freeze_count, 1);
	cr_assert_str_eq(f->raw, "EEH: Frozen PE#1 on PHB#0 detected");
	cr_assert_eq(ok->type, EEH_EV_RECOVERED);
	cr_assert_str_eq(ok->outcome, "recovered");
	cr_assert_eq(ok->seq, 119);
	cr_assert_eq(ok->n_bdf, 2);
	cr_assert_str_eq(ok->bdf[0], "0000:01:00.0");
	cr_assert_str_eq(ok->bdf[1], "0000:01:00.1");
	cr_assert_str_eq(ok->pe_loc, "U78D2.001.WZS0001-P1-C7");
	cr_assert_str_eq(ok->result, "recovered");
	cr_assert_eq(ok->freeze_count, 1);
	cr_assert_eq(ok->max_freezes, 5);
}

/* A pseries/6.0 sequence from a public bug report (spec 1.5), MMIO-path detection. */
static const char *const pseries_60[] = {
	"EEH: Recovering PHB#18-PE#10000",
	"EEH: PE location: N/A, PHB location: N/A",
	"EEH: Frozen PHB#18-PE#10000 detected",
	"EEH: Call Trace:",
	"EEH: [c0000000000510bc] __eeh_send_failure_event+0x7c/0x160",
	"EEH: This PCI device has failed 1 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"EEH: Notify device drivers to shutdown",
	"EEH: Beginning: 'error_detected(IO frozen)'",
	"PCI 0018:01:00.0#10000: EEH: Invoking nvme->error_detected(IO frozen)",
	"EEH: Reset without hotplug activity",
	"EEH: Beginning: 'slot_reset'",
	"EEH: Recovery successful.",
};

Test(tracker, mmio_path_detail_is_not_a_second_freeze)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, pseries_60, 0);
	cr_assert_eq(r.n, 2, "freeze + recovered, the 'Frozen' detail adds nothing");
	cr_assert_eq(r.ev[0].phb, 0x18);
	cr_assert_eq(r.ev[0].pe, 0x10000);
	cr_assert_eq(r.ev[1].type, EEH_EV_RECOVERED);
	cr_assert_str_eq(r.ev[1].bdf[0], "0018:01:00.0");
	cr_assert_str_eq(r.ev[1].pe_loc, "N/A");
}

static const char *const old_kernel[] = {
	"EEH: Frozen PHB#2-PE#3 detected",
	"EEH: PE location: U78C9.001.WZS007X-P1-C13, PHB location: N/A",
	"EEH: This PCI device has failed 2 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"EEH: Notify device drivers to shutdown",
	"EEH: Reset with hotplug activity",
	"EEH: Sleep 5s ahead of complete hotplug",
	"EEH: Recovery successful.",
};

Test(tracker, old_kernel_wording)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, old_kernel, 0);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.ev[0].type, EEH_EV_FREEZE);
	cr_assert_eq(r.ev[0].phb, 2);
	cr_assert_eq(r.ev[1].type, EEH_EV_RECOVERED);
	cr_assert_eq(r.ev[1].freeze_count, 2, "the kernel's count wins");
}

static const char *const old_phb[] = {
	"EEH: PHB#4 failure detected, location: U78C9.001.WZS007X-P1",
	"EEH: Recovery successful.",
};

Test(tracker, old_phb_failure)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, old_phb, 0);
	cr_assert_eq(r.n, 2);
	cr_assert_not(r.ev[0].have_pe);
	cr_assert_str_eq(r.ev[0].phb_loc, "U78C9.001.WZS007X-P1");
	cr_assert_eq(r.ev[1].type, EEH_EV_RECOVERED);
}

static const char *const near_limit[] = {
	"EEH: Recovering PHB#30-PE#1fa",
	"EEH: This PCI device has failed 5 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"EEH: Recovery successful.",
};

Test(tracker, near_limit_warning)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, near_limit, 0);
	cr_assert_eq(r.n, 3);
	cr_assert_eq(r.ev[0].type, EEH_EV_FREEZE);
	cr_assert_eq(r.ev[1].type, EEH_EV_NEAR_LIMIT);
	cr_assert_eq(r.ev[1].freeze_count, 5);
	cr_assert_eq(r.ev[1].max_freezes, 5);
	cr_assert_eq(r.ev[2].type, EEH_EV_RECOVERED);
	/* the window now holds 5: the next freeze (ours) counts 6 */
	struct eeh_event ev = {
		.have_phb = true, .have_pe = true, .phb = 0x30, .pe = 0x1fa, .time_us = 2000
	};
	cr_assert_not(eeh_tracker_account(&r.t, &ev));
	cr_assert_eq(ev.freeze_count, 6);
}

static const char *const perm_disabled[] = {
	"EEH: Recovering PHB#30-PE#1fa",
	"EEH: PE location: U78D2.001.WZS0001-P1-C9, PHB location: N/A",
	"EEH: PHB#30-PE#1fa has failed 6 times in the last hour and has been permanently "
	"disabled.",
	"EEH: Unable to recover from failure from PHB#30-PE#1fa.\\x0aPlease try reseating or "
	"replacing it",
	"EEH: Beginning: 'error_detected(permanent failure)'",
	"PCI 0030:01:00.0#01fa: EEH: Invoking tg3->error_detected(permanent failure)",
	"EEH: Finished:'error_detected(permanent failure)'",
};

Test(tracker, permanently_disabled)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, perm_disabled, 0);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.ev[1].type, EEH_EV_FAILED);
	cr_assert_str_eq(r.ev[1].outcome, "permanently-disabled");
	cr_assert_eq(r.ev[1].freeze_count, 6);
	cr_assert_eq(r.t.current, -1, "closed");

	struct eeh_ras out;
	eeh_event_fill(&r.ev[1], NULL, "rhel9-db", "boot-1", &out);
	cr_assert_eq(out.ev.severity, RAS_SEV_CRITICAL);
	cr_assert(out.ev.serviceable);
	cr_assert_str_eq(out.ev.location, "U78D2.001.WZS0001-P1-C9", "PE location string");
	cr_assert_str_eq(out.ev.guest, "rhel9-db");
	cr_assert_str_eq(out.ev.dedupe_key, "eeh:kmsg:boot-1:103:failed");
}

static const char *const reset_failed[] = {
	"EEH: Recovering PHB#1-PE#1",
	"EEH: Failure -5 resetting PHB#1-PE#1 (attempt 3)",
	"EEH: Permanent failure",
	"EEH: Unable to recover from failure from PHB#1-PE#1.\\x0aPlease try reseating or "
	"replacing it",
};

Test(tracker, recovery_failed)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, reset_failed, 0);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.ev[1].outcome, "failed");
}

static const char *const dead[] = {
	"EEH: dead PHB#2 detected, location: U78D2.001.WZS0001-P1",
	"EEH: dead IOC detected",
};

Test(tracker, dead_phb_and_ioc)
{
	static struct run r;
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, dead, 0);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.ev[0].type, EEH_EV_FAILED);
	cr_assert_eq(r.ev[0].phb, 2);
	cr_assert_not(r.ev[0].have_pe);
	cr_assert_eq(r.ev[1].type, EEH_EV_FAILED);
	cr_assert_not(r.ev[1].have_phb);
	struct eeh_ras out;
	eeh_event_fill(&r.ev[1], NULL, NULL, NULL, &out);
	cr_assert_str_eq(out.summary, "EEH IOC recovery failed");
}

Test(tracker, two_pes_interleaved_detection)
{
	static struct run r;
	static const char *const lines[] = {
		"EEH: Frozen PE#1 on PHB#0 detected",
		"EEH: Frozen PE#1fa on PHB#30 detected",
		"EEH: Recovering PHB#0-PE#1",
		"EEH: Recovery successful.",
		"EEH: Recovering PHB#30-PE#1fa",
		"EEH: Unable to recover from failure from PHB#30-PE#1fa.",
	};
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, lines, 0);
	cr_assert_eq(r.n, 4);
	cr_assert_eq(r.ev[2].type, EEH_EV_RECOVERED);
	cr_assert_eq(r.ev[2].phb, 0);
	cr_assert_eq(r.ev[3].type, EEH_EV_FAILED);
	cr_assert_eq(r.ev[3].phb, 0x30);
}

Test(tracker, outcome_without_start_is_ignored_or_reported)
{
	static struct run r;
	static const char *const lines[] = {
		"EEH: Recovery successful.", /* started before we were reading: nothing */
		"EEH: Unable to recover from failure from PHB#5-PE#6.", /* names its PE */
	};
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 0);
	cr_assert_eq(r.t.max_freezes, EEH_DEFAULT_MAX_FREEZES);
	FEED(&r, lines, 0);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.ev[0].type, EEH_EV_FAILED);
	cr_assert_eq(r.ev[0].pe, 6);
}

Test(tracker, output_capacity_respected)
{
	struct eeh_tracker t;
	struct eeh_event ev[1];
	eeh_tracker_init(&t, 5);
	const char *l = "EEH: Recovering PHB#1-PE#1";
	cr_assert_eq(eeh_tracker_feed(&t, l, strlen(l), 1, 0, ev, 0), 0);
	l = "EEH: This PCI device has failed 5 times in the last hour and will be permanently "
	    "disabled after 5 failures.";
	cr_assert_eq(eeh_tracker_feed(&t, l, strlen(l), 2, 0, ev, 1), 1);
	cr_assert_eq(ev[0].type, EEH_EV_NEAR_LIMIT);
}

Test(tracker, uevent_merges_with_kmsg)
{
	static struct run r;
	struct eeh_uevent u = { .kind = EEH_UEVENT_BEGIN_RECOVERY, .bdf = "0030:01:00.0" };
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	const char *l = "EEH: Recovering PHB#30-PE#1fa";
	r.n += eeh_tracker_feed(&r.t, l, strlen(l), 1, 0, r.ev, 32);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(eeh_tracker_feed_uevent(&r.t, &u, 10, r.ev + r.n, 8), 0, "same incident");
	u.kind = EEH_UEVENT_SUCCESSFUL_RECOVERY;
	cr_assert_eq(eeh_tracker_feed_uevent(&r.t, &u, 20, r.ev + r.n, 8), 0,
		     "the kernel log owns the outcome");
	l = "EEH: Recovery successful.";
	r.n += eeh_tracker_feed(&r.t, l, strlen(l), 2, 30, r.ev + r.n, 8);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(r.ev[1].bdf[0], "0030:01:00.0", "device from the uevent");
	u.kind = EEH_UEVENT_BEGIN_RECOVERY;
	cr_assert_eq(eeh_tracker_feed_uevent(&r.t, &u, 40, r.ev + r.n, 8), 0,
		     "a late uevent of a closed recovery opens nothing");
}

Test(tracker, uevent_alone)
{
	static struct run r;
	struct eeh_uevent u = { .kind = EEH_UEVENT_BEGIN_RECOVERY, .bdf = "0001:01:00.0" };
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	r.n += eeh_tracker_feed_uevent(&r.t, &u, 100000000, r.ev, 8);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.ev[0].type, EEH_EV_FREEZE);
	cr_assert_str_eq(r.ev[0].source, "uevent");
	cr_assert_eq(r.ev[0].phb, 1);
	cr_assert_not(r.ev[0].have_pe, "no topology: PE unknown");
	u.kind = EEH_UEVENT_FAILED_RECOVERY;
	r.n += eeh_tracker_feed_uevent(&r.t, &u, 100000100, r.ev + r.n, 8);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.ev[1].type, EEH_EV_FAILED);
	struct eeh_uevent bad = { .kind = EEH_UEVENT_BEGIN_RECOVERY, .bdf = "nope" };
	cr_assert_eq(eeh_tracker_feed_uevent(&r.t, &bad, 0, r.ev, 8), 0);
}

Test(event, fill_freeze_attrs)
{
	struct eeh_event ev = { .type = EEH_EV_FREEZE,
				.source = "eeh-poll",
				.time_us = 1234,
				.have_phb = true,
				.have_pe = true,
				.phb = 0x30,
				.pe = 0x1fa,
				.n_bdf = 1,
				.outcome = "frozen",
				.freeze_count = 2,
				.max_freezes = 5 };
	strcpy(ev.bdf[0], "0030:01:00.0");
	strcpy(ev.raw, "eeh_pe_state 0030:01:00.0: 0x00000000 0x00000800");
	static struct eeh_ras out;
	eeh_event_fill(&ev, "U78D2.001.WZS0001-P1-C9", "rhel9-db", "b", &out);
	cr_assert_str_eq(out.ev.kind, "eeh");
	cr_assert_str_eq(out.ev.source, "eeh-poll");
	cr_assert_eq(out.ev.severity, RAS_SEV_WARNING);
	cr_assert_str_eq(out.ev.location, "U78D2.001.WZS0001-P1-C9");
	cr_assert_str_eq(out.ev.guest, "rhel9-db");
	cr_assert_str_eq(out.ev.summary, "EEH PHB#30-PE#1fa (0030:01:00.0) frozen, guest rhel9-db");
	cr_assert_str_eq(out.ev.dedupe_key, "eeh:eeh-poll:b:30:1fa:1234:freeze");
	cr_assert_eq(out.ev.raw_len, strlen(ev.raw));
	const char *want[][2] = { { "eeh_event", "freeze" }, { "phb", "0x30" },
				  { "pe", "0x1fa" },	     { "bdf", "0030:01:00.0" },
				  { "outcome", "frozen" },   { "freeze_count", "2" },
				  { "max_freezes", "5" } };
	cr_assert_eq(out.ev.n_attrs, 7);
	for (size_t i = 0; i < 7; i++) {
		cr_assert_str_eq(out.ev.attrs[i].name, want[i][0]);
		cr_assert_str_eq(out.ev.attrs[i].value, want[i][1]);
	}
}

Test(event, severities_and_location_fallbacks)
{
	struct eeh_event ev = { .type = EEH_EV_RECOVERED, .have_phb = true, .phb = 1 };
	static struct eeh_ras out;
	eeh_event_fill(&ev, NULL, NULL, NULL, &out);
	cr_assert_eq(out.ev.severity, RAS_SEV_WARNING);
	cr_assert_null(out.ev.location);
	cr_assert_null(out.ev.guest);
	cr_assert_str_eq(out.ev.source, "kmsg");
	ev.type = EEH_EV_NEAR_LIMIT;
	ev.freeze_count = 5;
	ev.max_freezes = 5;
	strcpy(ev.pe_loc, "N/A");
	strcpy(ev.phb_loc, "U78D2.001.WZS0001-P1");
	eeh_event_fill(&ev, "N/A", NULL, NULL, &out);
	cr_assert_eq(out.ev.severity, RAS_SEV_WARNING);
	cr_assert_str_eq(out.ev.location, "U78D2.001.WZS0001-P1", "N/A is not a location");
	cr_assert(strstr(out.ev.summary, "5 of 5 freezes"));
	ev.type = EEH_EV_FAILED;
	ev.outcome = "failed";
	eeh_event_fill(&ev, NULL, NULL, NULL, &out);
	cr_assert_eq(out.ev.severity, RAS_SEV_CRITICAL);
	cr_assert_str_eq(eeh_event_type_name(EEH_EV_NEAR_LIMIT), "near-limit");
}

Test(tracker, pending_pins_the_cursor_until_the_outcome)
{
	struct eeh_tracker t;
	struct eeh_event ev[4];
	uint64_t first = 0;
	eeh_tracker_init(&t, 5);
	cr_assert_not(eeh_tracker_pending(&t, &first));
	const char *a = "EEH: Frozen PE#1 on PHB#0 detected";
	const char *b = "EEH: Recovering PHB#30-PE#1fa";
	const char *c = "EEH: Recovering PHB#0-PE#1";
	const char *ok = "EEH: Recovery successful.";
	eeh_tracker_feed(&t, a, strlen(a), 40, 1000, ev, 4);
	eeh_tracker_feed(&t, b, strlen(b), 41, 2000, ev, 4);
	cr_assert(eeh_tracker_pending(&t, &first));
	cr_assert_eq(first, 40);
	eeh_tracker_feed(&t, c, strlen(c), 42, 3000, ev, 4);
	cr_assert_eq(eeh_tracker_feed(&t, ok, strlen(ok), 43, 4000, ev, 4), 1);
	cr_assert_eq(ev[0].pe, 1);
	cr_assert(eeh_tracker_pending(&t, &first));
	cr_assert_eq(first, 41, "PHB#30-PE#1fa is still open");
	/* it never reports an outcome: after max_age it stops pinning */
	cr_assert_eq(eeh_tracker_expire(&t, 2000 + 600000000ll, 600000000ll), 0);
	cr_assert_eq(eeh_tracker_expire(&t, 2001 + 600000000ll, 600000000ll), 1);
	cr_assert_not(eeh_tracker_pending(&t, &first));

	/* a uevent-only incident does not pin the kmsg cursor */
	struct eeh_uevent u = { .kind = EEH_UEVENT_BEGIN_RECOVERY, .bdf = "0001:01:00.0" };
	cr_assert_eq(eeh_tracker_feed_uevent(&t, &u, 5000, ev, 4), 1);
	cr_assert_not(eeh_tracker_pending(&t, &first));
}

Test(tracker, replay_after_crash_gives_the_same_events)
{
	/* a daemon restarted at the pinned seq sees the same events with the same keys */
	static struct run a, b;
	static struct eeh_ras ra, rb;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	eeh_tracker_init(&a.t, 5);
	eeh_tracker_init(&b.t, 5);
	FEED(&a, new_success, 0);
	FEED(&b, new_success, 0);
	cr_assert_eq(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		eeh_event_fill(&a.ev[i], NULL, NULL, "boot", &ra);
		eeh_event_fill(&b.ev[i], NULL, NULL, "boot", &rb);
		cr_assert_str_eq(ra.ev.dedupe_key, rb.ev.dedupe_key);
	}
}

Test(tracker, location_follows_its_own_line_after_a_lost_outcome)
{
	static struct run r;
	static const char *const lines[] = {
		"EEH: Recovering PHB#1-PE#1", /* its outcome is never seen */
		"EEH: Frozen PE#2 on PHB#1 detected",
		"EEH: PE location: U78D2.001.WZS0001-P1-C2, PHB location: N/A",
		"EEH: Recovering PHB#1-PE#2",
		"EEH: Recovery successful.",
	};
	memset(&r, 0, sizeof(r));
	eeh_tracker_init(&r.t, 5);
	FEED(&r, lines, 0);
	cr_assert_eq(r.n, 3);
	cr_assert_eq(r.ev[2].type, EEH_EV_RECOVERED);
	cr_assert_eq(r.ev[2].pe, 2);
	cr_assert_str_eq(r.ev[2].pe_loc, "U78D2.001.WZS0001-P1-C2");
}
