/*
 * src_vpd.c - the VPD inventory source: a snapshot at start, after PCI add/remove
 * uevents and about once a minute on the daemon's rescan tick (no timer of its own: an
 * idle daemon wakes for the rescan only); every difference (FRU added, removed, replaced,
 * firmware level changed) becomes a vpd-change event, stored with the snapshot in one
 * commit by the vpd module (vpd_store_refresh). It runs between batches, never inside
 * one: the refresh owns its transaction.
 */
#include <string.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "vpd/vpd.h"
#include "vpd/vpd_db.h"
#include "opal-prd/sources.h"

#define VPD_RESCAN_US (60ll * 1000000)

static struct {
	struct source *src;
	struct vpd_inventory cache;
	bool want;
	const char *reason;
	int64_t ticks; /* rescan ticks since the last periodic refresh */
} vs;

static void refresh(struct daemon *d)
{
	struct vpd_refresh_result r;
	struct ras_err e;

	if (!vs.want || d->paused || daemon_commit(d))
		return;
	vs.want = false;
	if (vpd_store_refresh(d->store, d->root, vs.reason, &vs.cache, &r, &e)) {
		vs.src->errors++;
		log_warn("source=vpd event=refresh_failed error=\"%s\"", e.msg);
		return;
	}
	vs.src->seen += r.n_frus;
	vs.src->stored += r.n_events;
	if (r.n_events || r.baseline)
		log_info("source=vpd event=snapshot reason=%s frus=%zu changes=%zu%s", vs.reason,
			 r.n_frus, r.n_changes, r.baseline ? " baseline=yes" : "");
	if (r.n_events)
		vs.src->last_us = time_now_us();
}

static bool vpd_poll(struct daemon *d, struct source *s)
{
	(void)s;
	refresh(d);
	return false;
}

/* The daemon's rescan tick (elog.rescan_interval, 10 s by default): every tick that
 * completes VPD_RESCAN_US refreshes, here rather than through a work round (no second
 * wake-up). When ingest is paused the want stays and the next work round does it. */
static void vpd_rescan(struct daemon *d, struct source *s)
{
	int64_t every = VPD_RESCAN_US / d->cfg.elog_rescan_us;

	(void)s;
	if (++vs.ticks < every)
		return;
	vs.ticks = 0;
	vs.want = true;
	vs.reason = "rescan";
	refresh(d);
}

void vpd_handle_uevent(struct daemon *d, const struct uevent *u)
{
	if (!vs.src || !vs.src->running || !vpd_uevent_wants_refresh(u->subsystem, u->action))
		return;
	vs.want = true;
	vs.reason = "uevent";
	daemon_kick(d);
}

static int vpd_start(struct daemon *d, struct source *s)
{
	memset(&vs, 0, sizeof(vs));
	vs.src = s;
	vs.want = true;
	vs.reason = "start";
	s->running = true;
	daemon_kick(d);
	return 0;
}

static void vpd_stop(struct daemon *d, struct source *s)
{
	(void)d;
	vpd_inventory_free(&vs.cache);
	s->running = false;
}

const struct source_ops src_vpd_ops = {
	.name = "vpd",
	.start = vpd_start,
	.stop = vpd_stop,
	.poll = vpd_poll,
	.rescan = vpd_rescan,
};
