/*
 * eeh_state.c - decode of eeh_pe_state's two words and of eeh_mode (spec 1.2), and the
 * kernel's fixed freeze window (spec 1.7). Pure functions; name tables are data.
 *
 * Invariants: every flag string is NUL-terminated and truncated to its buffer; an
 * unknown bit is printed as its hex value, never dropped.
 */
#include "eeh/eeh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flag_name {
	uint32_t bit;
	const char *name;
};

static const struct flag_name hw_names[] = {
	{ EEH_STATE_UNAVAILABLE, "unavailable" }, { EEH_STATE_NOT_SUPPORT, "not-supported" },
	{ EEH_STATE_RESET_ACTIVE, "reset" },	  { EEH_STATE_MMIO_ACTIVE, "mmio-active" },
	{ EEH_STATE_DMA_ACTIVE, "dma-active" },	  { EEH_STATE_MMIO_ENABLED, "mmio-enabled" },
	{ EEH_STATE_DMA_ENABLED, "dma-enabled" },
};

static const struct flag_name sw_names[] = {
	{ EEH_PE_ISOLATED, "isolated" },
	{ EEH_PE_RECOVERING, "recovering" },
	{ EEH_PE_CFG_BLOCKED, "cfg-blocked" },
	{ EEH_PE_RESET, "reset" },
	{ EEH_PE_KEEP, "keep" },
	{ EEH_PE_CFG_RESTRICTED, "cfg-restricted" },
	{ EEH_PE_REMOVED, "removed" },
	{ EEH_PE_PRI_BUS, "pri-bus" },
};

static const struct flag_name mode_names[] = {
	{ 0x1, "bridge" },	 { 0x2, "root-port" },	   { 0x4, "downstream-port" },
	{ 0x8, "irq-disabled" }, { 0x10, "disconnected" }, { 0x100, "no-handler" },
	{ 0x200, "sysfs" },	 { 0x400, "removed" },
};

static char *flags_str(uint32_t v, const struct flag_name *t, size_t nt, char *out, size_t n)
{
	size_t used = 0;
	uint32_t known = 0;

	if (n == 0)
		return out;
	out[0] = '\0';
	for (size_t i = 0; i < nt; i++) {
		known |= t[i].bit;
		if (!(v & t[i].bit))
			continue;
		int k = snprintf(out + used, n - used, "%s%s", used ? "," : "", t[i].name);
		if (k < 0 || (size_t)k >= n - used)
			return out;
		used += (size_t)k;
	}
	if (v & ~known) {
		int k = snprintf(out + used, n - used, "%s0x%x", used ? "," : "", v & ~known);
		(void)k;
	}
	return out;
}

char *eeh_state_hw_flags(uint32_t hw, char *out, size_t n)
{
	return flags_str(hw, hw_names, sizeof(hw_names) / sizeof(hw_names[0]), out, n);
}

char *eeh_state_sw_flags(uint32_t sw, char *out, size_t n)
{
	return flags_str(sw, sw_names, sizeof(sw_names) / sizeof(sw_names[0]), out, n);
}

char *eeh_mode_flags(uint32_t mode, char *out, size_t n)
{
	return flags_str(mode, mode_names, sizeof(mode_names) / sizeof(mode_names[0]), out, n);
}

/* Parse one hex word ("0x..." or bare hex) at *p within end; advance *p. */
static int parse_hex_word(const char **p, const char *end, uint32_t *v)
{
	const char *s = *p;
	uint64_t acc = 0;
	int digits = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (s < end) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		acc = acc * 16 + (uint64_t)d;
		if (acc > 0xffffffffull)
			return -EINVAL;
		digits++;
		s++;
	}
	if (digits == 0)
		return -EINVAL;
	*v = (uint32_t)acc;
	*p = s;
	return 0;
}

int eeh_state_parse(const char *s, size_t len, struct eeh_state *out)
{
	const char *p = s, *end = s + len;

	memset(out, 0, sizeof(*out));
	if (parse_hex_word(&p, end, &out->hw) < 0)
		return -EINVAL;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p != '\n' && *p != '\0') {
		if (parse_hex_word(&p, end, &out->sw) < 0)
			return -EINVAL;
	}
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	if (p < end && *p != '\0')
		return -EINVAL;
	return 0;
}

enum eeh_health eeh_state_health(const struct eeh_state *st)
{
	if ((st->sw & EEH_PE_REMOVED) || (st->hw & EEH_STATE_NOT_SUPPORT))
		return EEH_PERM_FAILED;
	if (st->hw & EEH_STATE_UNAVAILABLE)
		return EEH_UNAVAILABLE;
	if (st->hw & EEH_STATE_RESET_ACTIVE)
		return EEH_IN_RESET;
	if ((st->hw & (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE)) ==
	    (EEH_STATE_MMIO_ACTIVE | EEH_STATE_DMA_ACTIVE))
		return EEH_HEALTHY;
	return EEH_FROZEN;
}

const char *eeh_health_name(enum eeh_health h)
{
	static const char *const names[] = {
		[EEH_HEALTHY] = "healthy",
		[EEH_FROZEN] = "frozen",
		[EEH_IN_RESET] = "reset",
		[EEH_UNAVAILABLE] = "unavailable",
		[EEH_PERM_FAILED] = "permanently-failed",
	};
	if ((unsigned)h >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[h];
}

/* ---- freeze window -------------------------------------------------------------------- */

int eeh_window_freeze(struct eeh_window *w, int64_t now_us)
{
	/* eeh_handle_normal_event(): count <= 0 -> restart; now - tstamp > 3600 s -> restart. */
	if (w->count <= 0) {
		w->count = 0;
		w->tstamp_us = now_us;
	} else if (now_us - w->tstamp_us > EEH_WINDOW_US) {
		w->tstamp_us = now_us;
		w->count = 0;
	}
	w->count++;
	return w->count;
}

int eeh_window_count(const struct eeh_window *w, int64_t now_us)
{
	if (w->count <= 0 || now_us - w->tstamp_us > EEH_WINDOW_US)
		return 0;
	return w->count;
}

bool eeh_window_near_limit(int count, int max_freezes)
{
	return max_freezes > 0 && count == max_freezes;
}

struct eeh_window *eeh_window_table_get(struct eeh_window_table *t, uint32_t phb, uint32_t pe,
					int64_t now_us)
{
	size_t victim = 0;

	for (size_t i = 0; i < EEH_WINDOW_TABLE_SIZE; i++) {
		if (t->e[i].used && t->e[i].phb == phb && t->e[i].pe == pe) {
			t->e[i].used_us = now_us;
			return &t->e[i].w;
		}
	}
	for (size_t i = 0; i < EEH_WINDOW_TABLE_SIZE; i++) {
		if (!t->e[i].used) {
			victim = i;
			break;
		}
		if (t->e[i].used_us < t->e[victim].used_us)
			victim = i;
	}
	memset(&t->e[victim], 0, sizeof(t->e[victim]));
	t->e[victim].used = true;
	t->e[victim].phb = phb;
	t->e[victim].pe = pe;
	t->e[victim].used_us = now_us;
	return &t->e[victim].w;
}
