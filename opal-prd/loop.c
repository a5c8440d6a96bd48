/*
 * loop.c - epoll loop with timerfd timers (see loop.h).
 */
#include "opal-prd/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOOP_MAX_WATCH 256

struct watch {
	int fd;
	loop_fd_cb cb;
	loop_timer_cb tcb;
	void *arg;
	bool used;
};

struct loop {
	int ep;
	bool stop;
	uint64_t wakeups;
	struct watch w[LOOP_MAX_WATCH];
	loop_idle_cb idle;
	void *idle_arg;
};

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (int i = 0; i < LOOP_MAX_WATCH; i++)
		if (l->w[i].used && l->w[i].tcb)
			close(l->w[i].fd);
	close(l->ep);
	free(l);
}

static int add_watch(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, loop_timer_cb tcb,
		     void *arg)
{
	for (int i = 0; i < LOOP_MAX_WATCH; i++) {
		if (l->w[i].used)
			continue;
		struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)i };
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -errno;
		l->w[i] = (struct watch){ .fd = fd, .cb = cb, .tcb = tcb, .arg = arg, .used = true };
		return i;
	}
	return -ENOSPC;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	int r = add_watch(l, fd, events, cb, NULL, arg);
	return r < 0 ? r : 0;
}

void loop_del_fd(struct loop *l, int fd)
{
	for (int i = 0; i < LOOP_MAX_WATCH; i++)
		if (l->w[i].used && l->w[i].fd == fd && !l->w[i].tcb) {
			epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
			l->w[i].used = false;
		}
}

static void to_its(struct itimerspec *its, int64_t first_us, int64_t interval_us)
{
	memset(its, 0, sizeof(*its));
	if (first_us <= 0 && first_us != -1)
		first_us = 1; /* 0 would disarm: fire as soon as possible */
	if (first_us > 0) {
		its->it_value.tv_sec = first_us / 1000000;
		its->it_value.tv_nsec = (first_us % 1000000) * 1000;
	}
	its->it_interval.tv_sec = interval_us / 1000000;
	its->it_interval.tv_nsec = (interval_us % 1000000) * 1000;
}

int loop_timer_add(struct loop *l, int64_t first_us, int64_t interval_us, loop_timer_cb cb,
		   void *arg)
{
	struct itimerspec its;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	to_its(&its, first_us, interval_us);
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	int id = add_watch(l, fd, EPOLLIN, NULL, cb, arg);
	if (id < 0)
		close(fd);
	return id;
}

/* first_us == -1 disarms the timer. */
int loop_timer_set(struct loop *l, int id, int64_t first_us, int64_t interval_us)
{
	struct itimerspec its;
	if (id < 0 || id >= LOOP_MAX_WATCH || !l->w[id].used || !l->w[id].tcb)
		return -EINVAL;
	to_its(&its, first_us, interval_us);
	return timerfd_settime(l->w[id].fd, 0, &its, NULL) < 0 ? -errno : 0;
}

void loop_timer_del(struct loop *l, int id)
{
	if (id < 0 || id >= LOOP_MAX_WATCH || !l->w[id].used || !l->w[id].tcb)
		return;
	epoll_ctl(l->ep, EPOLL_CTL_DEL, l->w[id].fd, NULL);
	close(l->w[id].fd);
	l->w[id].used = false;
}

void loop_set_idle(struct loop *l, loop_idle_cb cb, void *arg)
{
	l->idle = cb;
	l->idle_arg = arg;
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	while (!l->stop) {
		int n = epoll_wait(l->ep, evs, 32, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		l->wakeups++;
		for (int i = 0; i < n && !l->stop; i++) {
			struct watch *w = &l->w[evs[i].data.u32];
			if (!w->used)
				continue;
			if (w->tcb) {
				uint64_t exp;
				if (read(w->fd, &exp, sizeof(exp)) != sizeof(exp))
					continue;
				w->tcb(l, w->arg);
			} else {
				w->cb(l, w->fd, evs[i].events, w->arg);
			}
		}
		if (l->idle && !l->stop)
			l->idle(l, l->idle_arg);
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

uint64_t loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}
