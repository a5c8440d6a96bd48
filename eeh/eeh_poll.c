/*
 * eeh_poll.c - eeh_pe_state polling for VFIO-owned PEs (spec 1.10 step 6, 1.12).
 *
 * The host kernel logs nothing for a passed-through PE, so the daemon reads its state.
 * Only VFIO-owned PEs are ever registered: on PowerNV the read marks a frozen host-owned
 * PE isolated and can pre-empt the kernel's own recovery. eeh_pe_state is never written
 * (that would thaw the PE behind the guest's back). Transitions, not readings, become
 * events, so a PE that stays frozen is reported once.
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/path.h"

int eeh_poller_init(struct eeh_poller *p, const char *root, const struct eeh_topology *t,
		    int interval_ms, struct ras_err *e)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->root, sizeof(p->root), "%s", root ? root : "/");
	p->interval_ms = interval_ms > 0 ? interval_ms : EEH_POLL_DEFAULT_MS;
	for (size_t i = 0; i < t->n_phbs; i++)
		for (size_t j = 0; j < t->phbs[i].n_pes; j++)
			if (t->phbs[i].pes[j].vfio && t->phbs[i].pes[j].n_devs)
				n++;
	if (n == 0)
		return 0;
	p->pes = calloc(n, sizeof(*p->pes));
	if (!p->pes)
		return ras_errf(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n_phbs; i++) {
		for (size_t j = 0; j < t->phbs[i].n_pes; j++) {
			const struct eeh_pe *pe = &t->phbs[i].pes[j];
			if (!pe->vfio || !pe->n_devs)
				continue;
			struct eeh_poll_pe *pp = &p->pes[p->n_pes++];
			pp->phb = pe->phb;
			pp->pe = pe->pe;
			snprintf(pp->bdf, sizeof(pp->bdf), "%s", pe->devs[0]->bdf);
		}
	}
	return 0;
}

void eeh_poller_free(struct eeh_poller *p)
{
	free(p->pes);
	p->pes = NULL;
	p->n_pes = 0;
}

static void fill(struct eeh_event *ev, const struct eeh_poll_pe *pp, enum eeh_event_type type,
		 const char *outcome, int64_t now, const struct eeh_state *st)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->source = "eeh-poll";
	ev->time_us = now;
	ev->have_phb = ev->have_pe = true;
	ev->phb = pp->phb;
	ev->pe = pp->pe;
	snprintf(ev->bdf[0], EEH_BDF_MAX, "%s", pp->bdf);
	ev->n_bdf = 1;
	ev->outcome = outcome;
	snprintf(ev->raw, sizeof(ev->raw), "eeh_pe_state %s: 0x%08x 0x%08x", pp->bdf, st->hw,
		 st->sw);
}

size_t eeh_poller_poll(struct eeh_poller *p, struct eeh_tracker *t, int64_t now_us,
		       struct eeh_event *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < p->n_pes && k < max; i++) {
		struct eeh_poll_pe *pp = &p->pes[i];
		struct eeh_pe fake = { 0 };
		struct eeh_dev dev = { 0 };
		struct eeh_dev *devs[1] = { &dev };
		struct eeh_state st;
		snprintf(dev.bdf, sizeof(dev.bdf), "%s", pp->bdf);
		fake.phb = pp->phb;
		fake.pe = pp->pe;
		fake.devs = devs;
		fake.n_devs = 1;
		if (eeh_pe_state_read(p->root, &fake, &st, NULL) < 0)
			continue; /* device gone or unreadable: the next rescan decides */
		enum eeh_health h = eeh_state_health(&st);
		bool was_bad = pp->known && pp->last != EEH_HEALTHY;
		if (h == EEH_PERM_FAILED) {
			if (!pp->failed_reported) {
				fill(&out[k], pp, EEH_EV_FAILED, "failed", now_us, &st);
				k++;
				pp->failed_reported = true;
			}
		} else if (h == EEH_FROZEN || h == EEH_IN_RESET || h == EEH_UNAVAILABLE) {
			/* A first reading that is already frozen counts as a freeze too. */
			if (!was_bad && h == EEH_FROZEN) {
				fill(&out[k], pp, EEH_EV_FREEZE, "frozen", now_us, &st);
				bool near = t ? eeh_tracker_account(t, &out[k]) : false;
				k++;
				if (near && k < max) {
					out[k] = out[k - 1];
					out[k].type = EEH_EV_NEAR_LIMIT;
					out[k].outcome = "near-limit";
					k++;
				}
			}
		} else if (h == EEH_HEALTHY) {
			if (was_bad && pp->last == EEH_FROZEN) {
				fill(&out[k], pp, EEH_EV_RECOVERED, "recovered", now_us, &st);
				k++;
			}
			pp->failed_reported = false;
		}
		/* Reset/unavailable are steps of the guest's recovery: keep "frozen". */
		if (!(pp->known && pp->last == EEH_FROZEN &&
		      (h == EEH_IN_RESET || h == EEH_UNAVAILABLE)))
			pp->last = h;
		pp->known = true;
	}
	return k;
}
