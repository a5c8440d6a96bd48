/*
 * test_bqueue.c - the bounded queue between the daemon's threads: FIFO order, the cap
 * (a non-blocking push fails, a blocking one waits until a pop makes room), the
 * empty-before flag the producers use to kick the loop, close semantics (pushes fail,
 * pops drain then fail, waiters wake), and two threads moving 100,000 items through a
 * queue of 8 without losing, duplicating or reordering one.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "opal-prd/bqueue.h"

#define P(n) ((void *)(uintptr_t)(n))
#define N(p) ((uintptr_t)(p))

Test(bqueue, fifo_cap_and_empty_flag)
{
	struct bqueue q;
	void *got[8];
	bool was_empty;

	cr_assert_eq(bqueue_init(&q, 3), 0);
	cr_assert_eq(bqueue_try_push(&q, P(1), &was_empty), 0);
	cr_assert(was_empty);
	cr_assert_eq(bqueue_try_push(&q, P(2), &was_empty), 0);
	cr_assert_not(was_empty);
	cr_assert_eq(bqueue_push(&q, P(3), &was_empty), 0);
	cr_assert_not(was_empty);
	cr_assert_eq(bqueue_len(&q), 3);
	cr_assert_eq(bqueue_try_push(&q, P(4), NULL), -EAGAIN, "full queue must refuse");
	cr_assert_eq(bqueue_len(&q), 3);
	cr_assert_eq(bqueue_try_pop_many(&q, got, 2), 2);
	cr_assert_eq(N(got[0]), 1);
	cr_assert_eq(N(got[1]), 2);
	/* wrap around the ring */
	cr_assert_eq(bqueue_try_push(&q, P(4), NULL), 0);
	cr_assert_eq(bqueue_try_push(&q, P(5), NULL), 0);
	cr_assert_eq(bqueue_pop_many(&q, got, 8), 3);
	cr_assert_eq(N(got[0]), 3);
	cr_assert_eq(N(got[1]), 4);
	cr_assert_eq(N(got[2]), 5);
	cr_assert_eq(bqueue_try_pop_many(&q, got, 8), 0);
	cr_assert_eq(bqueue_pop_many(&q, got, 0), 0);
	bqueue_destroy(&q);
	cr_assert_eq(bqueue_init(&q, 0), -EINVAL);
}

Test(bqueue, close_drains_then_refuses)
{
	struct bqueue q;
	void *got[4];

	cr_assert_eq(bqueue_init(&q, 4), 0);
	cr_assert_eq(bqueue_push(&q, P(7), NULL), 0);
	cr_assert_eq(bqueue_push(&q, P(8), NULL), 0);
	bqueue_close(&q);
	cr_assert_eq(bqueue_push(&q, P(9), NULL), -EPIPE);
	cr_assert_eq(bqueue_try_push(&q, P(9), NULL), -EPIPE);
	cr_assert_eq(bqueue_pop_many(&q, got, 1), 1);
	cr_assert_eq(N(got[0]), 7);
	cr_assert_eq(bqueue_pop_many(&q, got, 4), 1);
	cr_assert_eq(N(got[0]), 8);
	cr_assert_eq(bqueue_pop_many(&q, got, 4), -EPIPE, "closed and empty");
	bqueue_destroy(&q);
}

struct waiter {
	struct bqueue *q;
	long rc;
	void *item;
};

static void *pop_one(void *arg)
{
	struct waiter *w = arg;
	w->rc = bqueue_pop_many(w->q, &w->item, 1);
	return NULL;
}

static void *push_one(void *arg)
{
	struct waiter *w = arg;
	w->rc = bqueue_push(w->q, w->item, NULL);
	return NULL;
}

Test(bqueue, close_wakes_blocked_consumer_and_producer)
{
	struct bqueue q, full;
	pthread_t a, b;
	struct waiter wa = { .q = &q, .rc = 99 }, wb = { .q = &full, .rc = 99, .item = P(2) };

	cr_assert_eq(bqueue_init(&q, 2), 0);
	cr_assert_eq(bqueue_init(&full, 1), 0);
	cr_assert_eq(bqueue_push(&full, P(1), NULL), 0);
	cr_assert_eq(pthread_create(&a, NULL, pop_one, &wa), 0);
	cr_assert_eq(pthread_create(&b, NULL, push_one, &wb), 0);
	usleep(20000); /* both are (very likely) waiting now; correctness does not depend on it */
	bqueue_close(&q);
	bqueue_close(&full);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	cr_assert_eq(wa.rc, -EPIPE);
	cr_assert_eq(wb.rc, -EPIPE, "a producer waiting on a full queue gives up at close");
	bqueue_destroy(&q);
	bqueue_destroy(&full);
}

Test(bqueue, blocking_push_waits_for_room)
{
	struct bqueue q;
	pthread_t t;
	void *got[2];
	struct waiter w = { .q = &q, .rc = 99, .item = P(2) };

	cr_assert_eq(bqueue_init(&q, 1), 0);
	cr_assert_eq(bqueue_push(&q, P(1), NULL), 0);
	cr_assert_eq(pthread_create(&t, NULL, push_one, &w), 0);
	cr_assert_eq(bqueue_pop_many(&q, got, 1), 1);
	cr_assert_eq(N(got[0]), 1);
	cr_assert_eq(bqueue_pop_many(&q, got, 1), 1, "the waiting producer's item arrives");
	cr_assert_eq(N(got[0]), 2);
	pthread_join(t, NULL);
	cr_assert_eq(w.rc, 0);
	bqueue_destroy(&q);
}

#define MANY 100000

static void *producer(void *arg)
{
	struct bqueue *q = arg;
	for (uintptr_t i = 1; i <= MANY; i++)
		if (bqueue_push(q, P(i), NULL))
			return P(1);
	bqueue_close(q);
	return NULL;
}

Test(bqueue, threads_move_everything_in_order)
{
	struct bqueue q;
	pthread_t t;
	void *got[5], *ret;
	uintptr_t next = 1;
	long n;

	cr_assert_eq(bqueue_init(&q, 8), 0);
	cr_assert_eq(pthread_create(&t, NULL, producer, &q), 0);
	while ((n = bqueue_pop_many(&q, got, 5)) > 0) {
		cr_assert_leq(bqueue_len(&q), 8);
		for (long i = 0; i < n; i++)
			cr_assert_eq(N(got[i]), next++, "item %zu out of order", (size_t)next);
	}
	pthread_join(t, &ret);
	cr_assert_null(ret);
	cr_assert_eq(n, -EPIPE);
	cr_assert_eq(next, MANY + 1, "received %zu of %d", (size_t)(next - 1), MANY);
	bqueue_destroy(&q);
}
