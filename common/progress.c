/*
 * progress.c - see progress.h.
 */
#include "common/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void progress_begin(struct progress *p, const char *label, uint64_t total, int force)
{
	p->on = force < 0 ? isatty(STDERR_FILENO) : force;
	p->label = label;
	p->total = total;
	p->last_ns = 0;
}

static void draw(struct progress *p, uint64_t done)
{
	unsigned pct = p->total ? (unsigned)(done * 100 / p->total) : 0;
	int fill = (int)(pct * 30 / 100);

	fprintf(stderr, "\r%-12s [%.*s%*s] %3u%% %llu/%llu", p->label, fill,
		"##############################", 30 - fill, "", pct, (unsigned long long)done,
		(unsigned long long)p->total);
	fflush(stderr);
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t now;

	if (!p->on)
		return;
	now = mono_ns();
	if (now - p->last_ns < 100000000ull && done < p->total)
		return;
	p->last_ns = now;
	draw(p, done > p->total ? p->total : done);
}

void progress_end(struct progress *p, bool ok)
{
	if (!p->on)
		return;
	if (ok)
		draw(p, p->total);
	fputs(ok ? "\n" : " failed\n", stderr);
}
