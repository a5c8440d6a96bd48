/*
 * test_state.c - unit tests of eeh_state.c: eeh_pe_state parsing and decode, flag names,
 * the kernel's fixed 3600 s freeze window and the window table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "eeh/eeh.h"

static struct eeh_state st(const char *s)
{
	struct eeh_state x;
	cr_assert_eq(eeh_state_parse(s, strlen(s), &x), 0, "parse \"%s\"", s);
	return x;
}

Test(state, parse_two_words)
{
	struct eeh_state x = st("0x00000078 0x00000800\n");
	cr_assert_eq(x.hw, 0x78);
	cr_assert_eq(x.sw, 0x800);
	x = st("0x28 0x1");
	cr_assert_eq(x.hw, 0x28);
	cr_assert_eq(x.sw, 1);
	x = st("0x00000050\n"); /* old kernels: one word */
	cr_assert_eq(x.hw, 0x50);
	cr_assert_eq(x.sw, 0);
}

Test(state, parse_rejects_garbage)
{
	struct eeh_state x;
	cr_assert_eq(eeh_state_parse("", 0, &x), -EINVAL);
	cr_assert_eq(eeh_state_parse("zz", 2, &x), -EINVAL);
	cr_assert_eq(eeh_state_parse("0x78 0x800 junk", 15, &x), -EINVAL);
	cr_assert_eq(eeh_state_parse("0x1234567890", 12, &x), -EINVAL, "over 32 bits");
	/* length is honoured: only "0x7" is seen */
	cr_assert_eq(eeh_state_parse("0x78", 3, &x), 0);
	cr_assert_eq(x.hw, 7);
}

Test(state, powernv_mapping)
{
	struct eeh_state x = { 0x78, 0x800 };
	cr_assert_eq(eeh_state_health(&x), EEH_HEALTHY);
	x.hw = 0x50; /* MMIO frozen only */
	cr_assert_eq(eeh_state_health(&x), EEH_FROZEN);
	x.hw = 0x28; /* DMA frozen only */
	cr_assert_eq(eeh_state_health(&x), EEH_FROZEN);
	x.hw = 0x00;
	cr_assert_eq(eeh_state_health(&x), EEH_FROZEN);
	x.hw = 0x04;
	cr_assert_eq(eeh_state_health(&x), EEH_IN_RESET);
	x.hw = 0x01;
	cr_assert_eq(eeh_state_health(&x), EEH_UNAVAILABLE);
	x.hw = 0x02;
	cr_assert_eq(eeh_state_health(&x), EEH_PERM_FAILED);
	x.hw = 0x78;
	x.sw = 0x400; /* REMOVED */
	cr_assert_eq(eeh_state_health(&x), EEH_PERM_FAILED);
	cr_assert_str_eq(eeh_health_name(EEH_FROZEN), "frozen");
}

Test(state, flag_names)
{
	char b[160];
	cr_assert_str_eq(eeh_state_hw_flags(0x78, b, sizeof(b)),
			 "mmio-active,dma-active,mmio-enabled,dma-enabled");
	cr_assert_str_eq(eeh_state_sw_flags(0x801, b, sizeof(b)), "isolated,pri-bus");
	cr_assert_str_eq(eeh_state_sw_flags(0x10000, b, sizeof(b)), "0x10000", "unknown bits kept");
	cr_assert_str_eq(eeh_mode_flags(0x201, b, sizeof(b)), "bridge,sysfs");
	char tiny[8];
	eeh_state_hw_flags(0x78, tiny, sizeof(tiny));
	cr_assert(strlen(tiny) < sizeof(tiny));
}

#define S(x) ((int64_t)(x)*1000000ll)

Test(window, kernel_rule)
{
	struct eeh_window w = { 0 };
	cr_assert_eq(eeh_window_freeze(&w, S(100)), 1);
	cr_assert_eq(w.tstamp_us, S(100));
	for (int i = 2; i <= 5; i++)
		cr_assert_eq(eeh_window_freeze(&w, S(100 + i * 600)), i);
	/* 3600 s after the first freeze is still inside (the kernel tests "> 3600") */
	cr_assert_eq(eeh_window_freeze(&w, S(3700)), 6);
	cr_assert(w.count > EEH_DEFAULT_MAX_FREEZES, "the 6th freeze within the hour is fatal");
	/* fixed window: one second later it restarts */
	cr_assert_eq(eeh_window_freeze(&w, S(3701)), 1);
	cr_assert_eq(w.tstamp_us, S(3701));
}

Test(window, not_sliding)
{
	struct eeh_window w = { 0 };
	eeh_window_freeze(&w, S(0));
	eeh_window_freeze(&w, S(3500));
	/* a sliding window would count 2 here; the kernel's fixed window restarts */
	cr_assert_eq(eeh_window_freeze(&w, S(3601)), 1);
}

Test(window, count_and_near_limit)
{
	struct eeh_window w = { 0 };
	cr_assert_eq(eeh_window_count(&w, S(5)), 0);
	eeh_window_freeze(&w, S(10));
	eeh_window_freeze(&w, S(20));
	cr_assert_eq(eeh_window_count(&w, S(20)), 2);
	cr_assert_eq(eeh_window_count(&w, S(3610)), 2);
	cr_assert_eq(eeh_window_count(&w, S(3611)), 0);
	cr_assert(eeh_window_near_limit(5, 5));
	cr_assert_not(eeh_window_near_limit(4, 5));
	cr_assert_not(eeh_window_near_limit(6, 5));
	cr_assert_not(eeh_window_near_limit(0, 0));
}

Test(window, table_keys_and_recycling)
{
	static struct eeh_window_table t;
	memset(&t, 0, sizeof(t));
	struct eeh_window *a = eeh_window_table_get(&t, 0x30, 0x1fa, 1);
	a->count = 3;
	cr_assert_eq(eeh_window_table_get(&t, 0x30, 0x1fa, 2), a);
	cr_assert_neq(eeh_window_table_get(&t, 0x30, 0x1fb, 3), a);
	for (uint32_t i = 0; i < EEH_WINDOW_TABLE_SIZE; i++)
		eeh_window_table_get(&t, 1, i, 100 + i);
	/* the least recently used entry (0x30/0x1fa at t=2) was recycled */
	struct eeh_window *again = eeh_window_table_get(&t, 0x30, 0x1fa, 1000);
	cr_assert_eq(again->count, 0);
}
