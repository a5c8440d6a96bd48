/*
 * bqueue.h - a bounded FIFO of pointers shared by threads (mutex + two condition
 * variables), used by the daemon's worker threads (the elog reader and acker).
 *
 * Invariants: never more than cap items; FIFO order; nothing is dropped (a full queue
 * makes a blocking producer wait and a non-blocking one fail with -EAGAIN, which the
 * caller turns into backpressure); waiting threads sleep on a condition variable, no
 * polling. bqueue_close() wakes every waiter: pushes then fail with -EPIPE, pops return
 * what is left and then -EPIPE, so a consumer thread drains and exits.
 */
#ifndef OPAL_RAS_PRD_BQUEUE_H
#define OPAL_RAS_PRD_BQUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct bqueue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void **ring;
	size_t cap, head, len;
	bool closed;
};

/* cap >= 1. Returns 0 or -ENOMEM. */
int bqueue_init(struct bqueue *q, size_t cap);
/* Frees the ring (not the items: the owner drains first). */
void bqueue_destroy(struct bqueue *q);
/* Append; waits while full. 0, or -EPIPE once closed (the item was not taken).
 * *was_empty (may be NULL) says whether the queue was empty before (the consumer
 * may need a kick). */
int bqueue_push(struct bqueue *q, void *item, bool *was_empty);
/* Append without waiting: 0, -EAGAIN when full, -EPIPE when closed. *was_empty (may
 * be NULL) says whether the queue was empty before (the consumer may need a kick). */
int bqueue_try_push(struct bqueue *q, void *item, bool *was_empty);
/* Take up to max items (at least one; waits while empty). Returns the number taken, or
 * -EPIPE when closed and empty. */
long bqueue_pop_many(struct bqueue *q, void **items, size_t max);
/* Take up to max items without waiting; returns the number taken (0 when empty). */
size_t bqueue_try_pop_many(struct bqueue *q, void **items, size_t max);
/* Items queued now. */
size_t bqueue_len(struct bqueue *q);
/* Refuse further pushes and wake every waiter. */
void bqueue_close(struct bqueue *q);

#endif
