/*
 * test_history.c - unit tests of eeh_history.c: timelines built from events (pure), and
 * a round trip through the real store: tracker events -> eeh_event_fill ->
 * store_append -> eeh_history_load -> timelines, window counts and rendering.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eeh/eeh.h"
#include "errlog/store.h"

static struct eeh_hist_event hev(int64_t id, int64_t t, const char *type, uint32_t phb, uint32_t pe)
{
	struct eeh_hist_event e = { .id = id, .time_us = t, .phb = phb, .pe = pe, .have_pe = true };
	snprintf(e.type, sizeof(e.type), "%s", type);
	if (!strcmp(type, "recovered") || !strcmp(type, "failed"))
		snprintf(e.outcome, sizeof(e.outcome), "%s", type);
	return e;
}

Test(history, build_timelines)
{
	struct eeh_history h = { 0 };
	struct ras_err e;
	h.n_ev = 7;
	h.ev = calloc(h.n_ev, sizeof(*h.ev));
	/* out of order on purpose */
	h.ev[0] = hev(3, 300, "recovered", 0, 1);
	h.ev[1] = hev(1, 100, "freeze", 0, 1);
	h.ev[2] = hev(2, 150, "freeze", 0x30, 0x1fa);
	h.ev[3] = hev(4, 400, "freeze", 0, 1);
	h.ev[4] = hev(5, 410, "near-limit", 0, 1);
	h.ev[5] = hev(6, 500, "failed", 0, 1);
	h.ev[6] = hev(7, 600, "recovered", 5, 5); /* outcome without its freeze */
	snprintf(h.ev[5].outcome, sizeof(h.ev[5].outcome), "permanently-disabled");
	cr_assert_eq(eeh_history_build(&h, &e), 0);
	cr_assert_eq(h.n_tl, 4);
	cr_assert_eq(h.tl[0].freeze_us, 100);
	cr_assert_eq(h.tl[0].end_us, 300);
	cr_assert_str_eq(h.tl[0].outcome, "recovered");
	cr_assert_eq(h.tl[0].n_idx, 2);
	cr_assert_eq(h.tl[1].pe, 0x1fa);
	cr_assert_str_eq(h.tl[1].outcome, "open");
	cr_assert_str_eq(h.tl[2].outcome, "permanently-disabled");
	cr_assert(h.tl[2].near_limit);
	cr_assert_eq(h.tl[2].n_idx, 3);
	cr_assert_eq(h.tl[3].freeze_us, 0);
	cr_assert_str_eq(h.tl[3].outcome, "recovered");
	cr_assert_eq(eeh_history_window_count(&h, 0, 1, 500), 2);
	cr_assert_eq(eeh_history_window_count(&h, 0, 1, 100 + 3600ll * 1000000 + 1), 0);
	eeh_history_free(&h);
}

Test(history, lost_outcome_closes_as_unknown)
{
	struct eeh_history h = { 0 };
	struct ras_err e;
	h.n_ev = 2;
	h.ev = calloc(h.n_ev, sizeof(*h.ev));
	h.ev[0] = hev(1, 100, "freeze", 1, 1);
	h.ev[1] = hev(2, 200, "freeze", 1, 1);
	cr_assert_eq(eeh_history_build(&h, &e), 0);
	cr_assert_eq(h.n_tl, 2);
	cr_assert_str_eq(h.tl[0].outcome, "unknown");
	cr_assert_str_eq(h.tl[1].outcome, "open");
	eeh_history_free(&h);
}

static const char *const lines[] = {
	"EEH: Frozen PE#1 on PHB#0 detected",
	"EEH: Recovering PHB#0-PE#1",
	"EEH: PE location: U78D2.001.WZS0001-P1-C7, PHB location: N/A",
	"EEH: This PCI device has failed 1 times in the last hour and will be permanently "
	"disabled after 5 failures.",
	"PCI 0000:01:00.0#0001: EEH: mlx5_core driver reports: 'need reset'",
	"EEH: Recovery successful.",
	"EEH: Recovering PHB#30-PE#1fa",
	"EEH: Unable to recover from failure from PHB#30-PE#1fa.",
};

Test(history, store_round_trip)
{
	char dir[] = "/tmp/eeh-hist.XXXXXX", db[128];
	struct store *s;
	struct ras_err e;
	struct eeh_tracker t;
	struct eeh_event ev[8];
	static struct eeh_ras r;
	bool is_new;
	int64_t now = 1764000000000000ll;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/ras.db", dir);
	cr_assert_eq(store_open(db, STORE_CREATE, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_begin(s, &e), 0);
	eeh_tracker_init(&t, 5);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t n = eeh_tracker_feed(&t, lines[i], strlen(lines[i]), 10 + i,
					    now + (int64_t)i * 1000000, ev, 8);
		for (size_t k = 0; k < n; k++) {
			eeh_event_fill(&ev[k], NULL, ev[k].phb == 0x30 ? "rhel9-db" : NULL, "boot",
				       &r);
			cr_assert_eq(store_append(s, &r.ev, &is_new, &e), 0, "%s", e.msg);
			cr_assert(is_new);
			/* re-offered: recognised by its dedupe key */
			cr_assert_eq(store_append(s, &r.ev, &is_new, &e), 0);
			cr_assert_not(is_new);
		}
	}
	cr_assert_eq(store_commit(s, &e), 0);
	store_close(s);

	struct eeh_history h;
	cr_assert_eq(eeh_history_load(db, 0, &h, &e), 0, "%s", e.msg);
	cr_assert_eq(h.n_ev, 4);
	cr_assert_eq(h.n_tl, 2);
	cr_assert_eq(h.tl[0].phb, 0);
	cr_assert_str_eq(h.tl[0].outcome, "recovered");
	cr_assert_eq(h.tl[0].end_us - h.tl[0].freeze_us, 5000000);
	cr_assert_str_eq(h.tl[0].bdf, "0000:01:00.0");
	cr_assert_str_eq(h.tl[0].location, "U78D2.001.WZS0001-P1-C7");
	cr_assert_eq(h.tl[0].freeze_count, 1);
	cr_assert_str_eq(h.tl[1].outcome, "failed");
	cr_assert_str_eq(h.tl[1].guest, "rhel9-db");
	cr_assert_eq(h.ev[0].severity, RAS_SEV_WARNING);
	cr_assert_eq(h.ev[3].severity, RAS_SEV_CRITICAL);
	cr_assert_eq(eeh_history_window_count(&h, 0, 1, now + 10000000), 1);

	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	eeh_render_history(f, &h, true);
	fclose(f);
	cr_assert(strstr(out, "\"outcome\": \"recovered\""), "%s", out);
	cr_assert(strstr(out, "\"duration_us\": 5000000"), "%s", out);
	cr_assert(strstr(out, "\"bdf\": [\n        \"0000:01:00.0\"\n      ]"), "%s", out);
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	eeh_render_stats(f, NULL, 5, false, NULL, &h, now + 10000000, true);
	fclose(f);
	cr_assert(strstr(out, "\"freezes_in_window\": 1"), "%s", out);
	cr_assert(strstr(out, "\"remaining\": 4"), "%s", out);
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	eeh_render_history(f, &h, false);
	fclose(f);
	static const char first[] =
		"PHB#0-PE#1  recovered after 5.0 s  freeze 1 in window  devices "
		"0000:01:00.0  loc U78D2.001.WZS0001-P1-C7\n";
	cr_assert(strncmp(out, first, sizeof(first) - 1) == 0, "%s", out);
	cr_assert(strstr(out, "PHB#30-PE#1fa  failed"), "%s", out);
	cr_assert(strstr(out, "guest rhel9-db"), "%s", out);
	cr_assert(strstr(out, " freeze     warning  EEH PHB#0-PE#1 frozen\n"), "%s", out);
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	eeh_render_history_csv(f, &h);
	fclose(f);
	cr_assert(
		strstr(out, ",recovered,5000000,1,0,0000:01:00.0,U78D2.001.WZS0001-P1-C7,,kmsg\n"),
		"%s", out);
	free(out);
	eeh_history_free(&h);

	cr_assert_eq(eeh_history_load("/nonexistent/ras.db", 0, &h, &e), -ENOENT);
	unlink(db);
	char p[160];
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
	rmdir(dir);
}
