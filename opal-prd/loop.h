/*
 * loop.h - the daemon's event loop: epoll over file descriptors and timers.
 *
 * No polling where the kernel notifies: every wake-up is an fd becoming ready
 * (inotify, netlink uevents, /dev/kmsg, sockets, signalfd) or a timer the daemon
 * asked for (rescan safety net, retry backoff). Callbacks run in the loop thread.
 */
#ifndef OPAL_RAS_PRD_LOOP_H
#define OPAL_RAS_PRD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
typedef void (*loop_fd_cb)(struct loop *l, int fd, uint32_t events, void *arg);
typedef void (*loop_timer_cb)(struct loop *l, void *arg);
/* Called once per loop iteration after the ready callbacks ran (group commit point). */
typedef void (*loop_idle_cb)(struct loop *l, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *l);
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);
void loop_del_fd(struct loop *l, int fd);
/* A timer (one timerfd): first after first_us, then every interval_us (0 = once).
 * Returns an id for loop_timer_set/del, or negative errno. */
int loop_timer_add(struct loop *l, int64_t first_us, int64_t interval_us, loop_timer_cb cb,
		   void *arg);
int loop_timer_set(struct loop *l, int id, int64_t first_us, int64_t interval_us);
/* Remove a timer (ids < 0 are ignored): stopped sources give theirs back, so a
 * configuration reload does not accumulate timers. */
void loop_timer_del(struct loop *l, int id);
void loop_set_idle(struct loop *l, loop_idle_cb cb, void *arg);
/* Run until loop_stop(); returns 0 or negative errno. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
/* Number of epoll wake-ups so far (the idle benchmark reports it). */
uint64_t loop_wakeups(const struct loop *l);

#endif
