/*
 * namemap.c - see namemap.h. Linear probing, power-of-two capacity, rebuilt at 50%
 * occupancy (tombstones included).
 */
#include "opal-prd/namemap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

void namemap_init(struct namemap *m)
{
	memset(m, 0, sizeof(*m));
}

void namemap_free(struct namemap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct namemap_entry *probe(struct namemap *m, const char *name, bool for_insert)
{
	struct namemap_entry *tomb = NULL;
	if (!m->cap)
		return NULL;
	for (size_t i = hash(name) & (m->cap - 1), n = 0; n < m->cap;
	     i = (i + 1) & (m->cap - 1), n++) {
		struct namemap_entry *e = &m->slots[i];
		if (!e->name[0] && !e->dead)
			return for_insert ? (tomb ? tomb : e) : NULL;
		if (e->dead) {
			if (!tomb)
				tomb = e;
			continue;
		}
		if (!strcmp(e->name, name))
			return e;
	}
	return for_insert ? tomb : NULL;
}

/* Rebuild into ncap slots (a power of two, > 2 * live). */
static int rebuild(struct namemap *m, size_t ncap)
{
	struct namemap_entry *old = m->slots;
	size_t ocap = m->cap;

	/* Cache-line aligned, so each 64-byte slot is one line. */
	void *mem = NULL;
	if (posix_memalign(&mem, 64, ncap * sizeof(*m->slots)))
		return -1;
	memset(mem, 0, ncap * sizeof(*m->slots));
	m->slots = mem;
	m->cap = ncap;
	m->used = m->live = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].name[0] || old[i].dead)
			continue;
		struct namemap_entry *e = probe(m, old[i].name, true);
		*e = old[i];
		m->used++;
		m->live++;
	}
	free(old);
	return 0;
}

static int grow(struct namemap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024;

	if (m->live * 4 < m->cap)
		ncap = m->cap; /* mostly tombstones: rebuild at the same size */
	return rebuild(m, ncap);
}

void namemap_shrink(struct namemap *m)
{
	size_t ncap = 1024;

	if (m->cap <= 1024 || m->live * 8 >= m->cap)
		return;
	while (ncap < m->live * 4)
		ncap *= 2;
	rebuild(m, ncap); /* on failure the old table stays */
}

struct namemap_entry *namemap_get(struct namemap *m, const char *name)
{
	return probe(m, name, false);
}

struct namemap_entry *namemap_put(struct namemap *m, const char *name)
{
	struct namemap_entry *e;

	if (strlen(name) >= NAMEMAP_NAME_MAX || !name[0])
		return NULL;
	/* Grow first, so one probe finds either the name or where it goes (the probe
	 * passes tombstones until the name or an empty slot). */
	if ((m->used + 1) * 2 > m->cap && grow(m))
		return NULL;
	e = probe(m, name, true);
	if (!e)
		return NULL;
	if (e->name[0])
		return e; /* present */
	if (!e->dead)
		m->used++;
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	m->live++;
	return e;
}

void namemap_del(struct namemap *m, struct namemap_entry *e)
{
	e->dead = true;
	e->name[0] = 0;
	m->live--;
}

struct namemap_entry *namemap_next(struct namemap *m, size_t *i)
{
	for (; *i < m->cap; (*i)++)
		if (m->slots[*i].name[0] && !m->slots[*i].dead)
			return &m->slots[(*i)++];
	return NULL;
}
