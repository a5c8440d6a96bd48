/*
 * namemap.h - a small open-addressing hash map from short names (sysfs directory
 * names such as "0x50000001") to a state and a time. Used by sources to remember
 * what they already queued or acknowledged, so a rescan does not redo work.
 */
#ifndef OPAL_RAS_PRD_NAMEMAP_H
#define OPAL_RAS_PRD_NAMEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAMEMAP_NAME_MAX 48

/* 64 bytes: one cache line per slot (a probe of a large map costs one miss). */
struct namemap_entry {
	char name[NAMEMAP_NAME_MAX]; /* "" = empty slot */
	int64_t time_us;
	uint32_t mark; /* scratch for rescans */
	int16_t state; /* the source's own small values */
	bool dead; /* deleted (tombstone) */
};

struct namemap {
	struct namemap_entry *slots;
	size_t cap, used, live;
};

void namemap_init(struct namemap *m);
void namemap_free(struct namemap *m);
/* Find name; NULL if absent. */
struct namemap_entry *namemap_get(struct namemap *m, const char *name);
/* Find or insert name (state 0); NULL on allocation failure or a too long name. */
struct namemap_entry *namemap_put(struct namemap *m, const char *name);
void namemap_del(struct namemap *m, struct namemap_entry *e);
/* Give memory back after a storm: rebuild smaller when at most 1/8 of the slots are
 * live (entry pointers are invalidated, as by namemap_put). */
void namemap_shrink(struct namemap *m);
/* Iterate: pass i = 0 first; returns the next live entry or NULL. */
struct namemap_entry *namemap_next(struct namemap *m, size_t *i);

#endif
