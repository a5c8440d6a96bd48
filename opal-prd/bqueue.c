/*
 * bqueue.c - bounded pointer FIFO for threads (see bqueue.h). A ring of cap slots;
 * head is the oldest item; every field is read and written under mu only.
 */
#include "opal-prd/bqueue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bqueue_init(struct bqueue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	if (!cap)
		return -EINVAL;
	/* malloc, not calloc: a slot is written before it is read, and untouched pages
	 * of a large ring cost no memory until a storm fills it */
	q->ring = malloc(cap * sizeof(*q->ring));
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	return 0;
}

void bqueue_destroy(struct bqueue *q)
{
	if (!q->ring)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->ring);
	memset(q, 0, sizeof(*q));
}

/* Under mu, with room. */
static void put(struct bqueue *q, void *item)
{
	q->ring[(q->head + q->len) % q->cap] = item;
	if (q->len++ == 0)
		pthread_cond_signal(&q->not_empty);
}

/* Under mu: take up to max. */
static size_t take(struct bqueue *q, void **items, size_t max)
{
	size_t n = 0;
	bool was_full = q->len == q->cap;

	while (n < max && q->len) {
		items[n++] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
	}
	if (was_full && n)
		pthread_cond_broadcast(&q->not_full);
	return n;
}

int bqueue_push(struct bqueue *q, void *item, bool *was_empty)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	while (!q->closed && q->len == q->cap)
		pthread_cond_wait(&q->not_full, &q->mu);
	if (was_empty)
		*was_empty = q->len == 0;
	if (q->closed)
		rc = -EPIPE;
	else
		put(q, item);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int bqueue_try_push(struct bqueue *q, void *item, bool *was_empty)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	if (was_empty)
		*was_empty = q->len == 0;
	if (q->closed)
		rc = -EPIPE;
	else if (q->len == q->cap)
		rc = -EAGAIN;
	else
		put(q, item);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

long bqueue_pop_many(struct bqueue *q, void **items, size_t max)
{
	long n;

	if (!max)
		return 0;
	pthread_mutex_lock(&q->mu);
	while (!q->closed && !q->len)
		pthread_cond_wait(&q->not_empty, &q->mu);
	n = q->len ? (long)take(q, items, max) : -EPIPE;
	/* Several consumers: leave the signal for the next one if items remain. */
	if (q->len)
		pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t bqueue_try_pop_many(struct bqueue *q, void **items, size_t max)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = take(q, items, max);
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t bqueue_len(struct bqueue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->len;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void bqueue_close(struct bqueue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}
