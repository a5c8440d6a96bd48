/*
 * test_inventory.c - unit tests of the inventory builder against opal-sim's VPD tree
 * (IPZ records from the device tree, PCI vpd files located through of_node), of the
 * diff (added, removed, replaced, firmware changed, updated) on hand-built and on
 * simulated inventories, of the refresh cache, and of the ras_events made from changes.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "sim/sim_vpd.h"
#include "vpd/vpd.h"

static char root[64];

static void mkroot(void)
{
	struct ras_err e;

	log_set_level(LOG_LVL_ERR);
	snprintf(root, sizeof(root), "/tmp/vpd-unit.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(sim_vpd_init(root, &e), 0, "%s", e.msg);
}

static void rmroot(void)
{
	char *argv[] = { "rm", "-rf", root, NULL };
	pid_t p = fork();
	if (p == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
}

TestSuite(inventory, .init = mkroot, .fini = rmroot);

Test(inventory, sim_host_frus)
{
	struct vpd_inventory inv;
	struct ras_err e;
	const struct vpd_fru *f;

	cr_assert_eq(vpd_inventory_build(root, &inv, &e), 0, "%s", e.msg);
	cr_assert_eq(inv.n, 16,
		     "16 FRUs (system, enclosure, backplane, FSP, anchor, 2 procs, 4 DIMMs, 3 "
		     "cards, 2 PSUs), got %zu",
		     inv.n);
	cr_assert_eq(inv.n_warnings, 0);
	for (size_t i = 1; i < inv.n; i++)
		cr_assert_lt(strcmp(inv.frus[i - 1].location, inv.frus[i].location), 0,
			     "sorted, unique");

	f = vpd_inventory_find(&inv, SIM_VPD_SYSTEM_LOC);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->serial, "781234A");
	cr_assert_str_eq(f->description, "System 9009-22A");
	cr_assert_str_eq(f->fw_level, "skiboot-v6.5.4-sim",
			 "system firmware from ibm,opal/firmware");
	cr_assert_str_eq(f->fru_type, "system");

	f = vpd_inventory_find(&inv, "U78D2.001.WZS0001-P1-C13");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->description, "ANCHOR");
	cr_assert_str_eq(f->part_number, "00E2148");
	cr_assert_str_eq(f->fru_number, "00E2147");
	cr_assert_str_eq(f->serial, "YL10113BJ001");
	cr_assert_str_eq(f->ccin, "52FE");
	cr_assert_str_eq(f->fru_type, "AV");
	cr_assert_str_eq(f->source, "dt");

	f = vpd_inventory_find(&inv, "U78D2.001.WZS0001-P1-C20");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->description, "32GB DDR4 DIMM");
	cr_assert_str_eq(f->serial, "YH30MS8B0003");

	/* ConnectX-5: two functions with VPD + the DT slot card, merged into one FRU. */
	f = vpd_inventory_find(&inv, "U78D2.001.WZS0001-P1-C7");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->source, "pci+dt");
	cr_assert_str_eq(f->description, "PCIe3 2-port 100GbE ConnectX-5 Adapter",
			 "the card's own VPD wins");
	cr_assert_str_eq(f->serial, "MT2021X01234");
	cr_assert_str_eq(f->ec_level, "A5");
	cr_assert_str_eq(f->fw_level, "16.28.4000");
	cr_assert_str_eq(f->ccin, "2CF3");
	cr_assert(strstr(f->node, "0000:01:00.0") && strstr(f->node, "0000:01:00.1"), "%s",
		  f->node);
	cr_assert_str_eq(f->fru_type, "CD");

	/* NVMe: no PCI VPD, known from the device tree only. */
	f = vpd_inventory_find(&inv, "U78D2.001.WZS0001-P1-C2");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->source, "dt");
	cr_assert_str_eq(f->fw_level, "MPK7524Q");

	f = vpd_inventory_find(&inv, "U78D2.001.WZS0001-P1-C9");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->part_number, "00E2873");
	cr_assert_str_eq(f->fw_level, "5719-v1.46");
	cr_assert_null(vpd_inventory_find(&inv, "pci:0000:01:00.0"), "no stray BDF entries");
	vpd_inventory_free(&inv);
}

static void build_diff(const char *what, struct vpd_inventory *a, struct vpd_inventory *b,
		       struct vpd_change **ch, size_t *n)
{
	struct ras_err e;
	cr_assert_eq(vpd_inventory_build(root, b, &e), 0, "%s: %s", what, e.msg);
	cr_assert_eq(vpd_inventory_diff(a, b, ch, n, &e), 0, "%s", e.msg);
}

Test(inventory, swap_and_fw_and_remove_in_sim)
{
	struct vpd_inventory a, b, c, d;
	struct vpd_change *ch;
	size_t n;
	struct ras_err e;

	cr_assert_eq(vpd_inventory_build(root, &a, &e), 0);
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C7", "MT2044X09999", &e), 0, "%s",
		     e.msg);
	build_diff("swap", &a, &b, &ch, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(ch[0].kind, VPD_CHG_REPLACED);
	cr_assert_str_eq(ch[0].old_fru->serial, "MT2021X01234");
	cr_assert_str_eq(ch[0].new_fru->serial, "MT2044X09999");
	cr_assert_str_eq(ch[0].new_fru->location, "U78D2.001.WZS0001-P1-C7");
	free(ch);

	cr_assert_eq(sim_vpd_set_fw(root, "U78D2.001.WZS0001-P1-C9", "5719-v1.50", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(sim_vpd_set_fw(root, SIM_VPD_SYSTEM_LOC, "skiboot-v7.0", &e), 0, "%s", e.msg);
	build_diff("fw", &b, &c, &ch, &n);
	cr_assert_eq(n, 2);
	cr_assert_eq(ch[0].kind, VPD_CHG_FW_CHANGED);
	cr_assert_str_eq(ch[0].new_fru->location, "U78D2.001.WZS0001-P1-C9");
	cr_assert_str_eq(ch[0].new_fru->fw_level, "5719-v1.50");
	cr_assert_eq(ch[1].kind, VPD_CHG_FW_CHANGED);
	cr_assert_str_eq(ch[1].new_fru->fw_level, "skiboot-v7.0");
	free(ch);

	cr_assert_eq(sim_vpd_remove(root, "U78D2.001.WZS0001-P1-C19", &e), 0, "%s", e.msg);
	build_diff("remove", &c, &d, &ch, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(ch[0].kind, VPD_CHG_REMOVED);
	cr_assert_str_eq(ch[0].old_fru->serial, "YH30MS8B0002");
	cr_assert_null(ch[0].new_fru);
	free(ch);

	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P9-C99", NULL, &e), -ENOENT);
	cr_assert(strstr(e.msg, "P9-C99"), "%s", e.msg);
	vpd_inventory_free(&a);
	vpd_inventory_free(&b);
	vpd_inventory_free(&c);
	vpd_inventory_free(&d);
}

Test(inventory, refresh_reuses_unchanged_and_sees_changes)
{
	struct vpd_inventory a, b, c;
	struct vpd_change *ch;
	size_t n;
	struct ras_err e;

	cr_assert_eq(vpd_inventory_build(root, &a, &e), 0);
	cr_assert_eq(vpd_inventory_refresh(root, &a, &b, &e), 0);
	cr_assert_eq(vpd_inventory_diff(&a, &b, &ch, &n, &e), 0);
	cr_assert_eq(n, 0, "nothing changed");
	cr_assert_eq(b.n, a.n);
	cr_assert_str_eq(vpd_inventory_find(&b, "U78D2.001.WZS0001-P1-C7")->serial, "MT2021X01234");
	cr_assert_eq(sim_vpd_swap(root, "U78D2.001.WZS0001-P1-C16", "YA0000000042", &e), 0, "%s",
		     e.msg);
	cr_assert_eq(vpd_inventory_refresh(root, &b, &c, &e), 0);
	cr_assert_eq(vpd_inventory_diff(&b, &c, &ch, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(ch[0].kind, VPD_CHG_REPLACED);
	cr_assert_str_eq(ch[0].new_fru->serial, "YA0000000042");
	free(ch);
	vpd_inventory_free(&a);
	vpd_inventory_free(&b);
	vpd_inventory_free(&c);
}

Test(inventory, generated_tree_has_n_frus)
{
	struct vpd_inventory inv;
	struct ras_err e;
	char big[80];

	snprintf(big, sizeof(big), "%s/big", root);
	cr_assert_eq(sim_vpd_generate(big, 250, &e), 0, "%s", e.msg);
	cr_assert_eq(vpd_inventory_build(big, &inv, &e), 0);
	cr_assert_eq(inv.n, 250);
	cr_assert_not_null(vpd_inventory_find(&inv, "U78D2.003.WZS0003-P1-C49"));
	vpd_inventory_free(&inv);
}

Test(inventory, missing_root_is_empty_not_an_error)
{
	struct vpd_inventory inv;
	struct ras_err e;

	cr_assert_eq(vpd_inventory_build("/nonexistent/vpd-root", &inv, &e), 0);
	cr_assert_eq(inv.n, 0);
	vpd_inventory_free(&inv);
}

Test(inventory, real_sys_is_handled)
{
	struct vpd_inventory inv;
	struct ras_err e;

	/* This machine: x86 VM, no device-tree VPD; PCI vpd files absent or unreadable. */
	cr_assert_eq(vpd_inventory_build("/", &inv, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < inv.n; i++)
		cr_assert_str_neq(inv.frus[i].location, "", "every FRU has a location");
	vpd_inventory_free(&inv);
}

/* ---- diff on hand-built inventories ---------------------------------------------- */

static void add(struct vpd_inventory *inv, const char *loc, const char *sn, const char *fw,
		const char *ec)
{
	struct vpd_fru *f = vpd_inventory_add(inv, loc);
	cr_assert_not_null(f);
	vpd_fru_set(&f->serial, sn);
	vpd_fru_set(&f->fw_level, fw);
	vpd_fru_set(&f->ec_level, ec);
	vpd_fru_set(&f->part_number, "PN1");
	vpd_fru_set(&f->description, "CARD");
}

Test(diff, every_kind_in_location_order)
{
	struct vpd_inventory a = { 0 }, b = { 0 };
	struct vpd_change *ch;
	size_t n;

	add(&a, "L1", "S1", "F1", "E1"); /* unchanged */
	add(&a, "L2", "S2", "F1", "E1"); /* replaced */
	add(&a, "L3", "S3", "F1", "E1"); /* fw */
	add(&a, "L4", "S4", "F1", "E1"); /* removed */
	add(&a, "L6", "S6", "F1", "E1"); /* updated (EC) */
	add(&b, "L6", "S6", "F1", "E2");
	add(&b, "L5", "S5", "F1", "E1"); /* added */
	add(&b, "L3", "S3", "F2", "E1");
	add(&b, "L2", "S9", "F1", "E1");
	add(&b, "L1", "S1", "F1", "E1");
	vpd_inventory_sort(&a);
	vpd_inventory_sort(&b);
	cr_assert_eq(vpd_inventory_diff(&a, &b, &ch, &n, NULL), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(ch[0].kind, VPD_CHG_REPLACED);
	cr_assert_str_eq(ch[0].old_fru->location, "L2");
	cr_assert_eq(ch[1].kind, VPD_CHG_FW_CHANGED);
	cr_assert_eq(ch[2].kind, VPD_CHG_REMOVED);
	cr_assert_str_eq(ch[2].old_fru->serial, "S4");
	cr_assert_eq(ch[3].kind, VPD_CHG_ADDED);
	cr_assert_str_eq(ch[3].new_fru->serial, "S5");
	cr_assert_eq(ch[4].kind, VPD_CHG_UPDATED);
	cr_assert_str_eq(vpd_change_kind_name(ch[1].kind), "fw-changed");

	struct vpd_event_set ev;
	cr_assert_eq(vpd_events_from_changes(ch, n, 1764000000000000, &ev, NULL), 0);
	cr_assert_eq(ev.n, 5);
	cr_assert_str_eq(ev.ev[0].source, "vpd");
	cr_assert_str_eq(ev.ev[0].kind, RAS_KIND_VPD_CHANGE);
	cr_assert_str_eq(ev.ev[0].refcode, "replaced");
	cr_assert_str_eq(ev.ev[0].location, "L2");
	cr_assert_str_eq(ev.ev[0].summary,
			 "FRU replaced at L2: CARD serial S2 -> S9 (PN PN1 -> PN1)");
	cr_assert_str_eq(ev.ev[0].dedupe_key, "vpd:1764000000000000:replaced:L2");
	cr_assert_eq(ev.ev[0].time_us, 1764000000000000);
	cr_assert_eq(ev.ev[2].severity, RAS_SEV_WARNING, "removal is a warning");
	cr_assert_eq(ev.ev[3].severity, RAS_SEV_INFO);
	bool seen_old = false, seen_new = false;
	for (size_t i = 0; i < ev.ev[0].n_attrs; i++) {
		if (!strcmp(ev.ev[0].attrs[i].name, "old_serial"))
			seen_old = !strcmp(ev.ev[0].attrs[i].value, "S2");
		if (!strcmp(ev.ev[0].attrs[i].name, "new_serial"))
			seen_new = !strcmp(ev.ev[0].attrs[i].value, "S9");
	}
	cr_assert(seen_old && seen_new);
	cr_assert_str_eq(ev.ev[1].summary, "Firmware level changed at L3: CARD F1 -> F2");
	vpd_events_free(&ev);
	free(ch);
	vpd_inventory_free(&a);
	vpd_inventory_free(&b);
}

Test(diff, empty_sides)
{
	struct vpd_inventory a = { 0 }, b = { 0 };
	struct vpd_change *ch;
	size_t n;

	cr_assert_eq(vpd_inventory_diff(&a, &b, &ch, &n, NULL), 0);
	cr_assert_eq(n, 0);
	cr_assert_null(ch);
	add(&b, "X", "1", "", "");
	add(&b, "Y", "2", "", "");
	cr_assert_eq(vpd_inventory_diff(&a, &b, &ch, &n, NULL), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(ch[0].kind, VPD_CHG_ADDED);
	cr_assert_eq(ch[1].kind, VPD_CHG_ADDED);
	free(ch);
	cr_assert_eq(vpd_inventory_diff(&b, &a, &ch, &n, NULL), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(ch[1].kind, VPD_CHG_REMOVED);
	free(ch);
	struct vpd_event_set ev;
	cr_assert_eq(vpd_events_from_changes(NULL, 0, 1, &ev, NULL), 0);
	cr_assert_eq(ev.n, 0);
	vpd_events_free(&ev);
	vpd_inventory_free(&b);
}

Test(diff, uevent_filter)
{
	cr_assert(vpd_uevent_wants_refresh("pci", "add"));
	cr_assert(vpd_uevent_wants_refresh("pci", "remove"));
	cr_assert_not(vpd_uevent_wants_refresh("pci", "change"));
	cr_assert_not(vpd_uevent_wants_refresh("block", "add"));
	cr_assert_not(vpd_uevent_wants_refresh(NULL, "add"));
}
