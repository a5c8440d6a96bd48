/*
 * test_discover.c - unit tests over a simulated host (sim_pci_build in a temp dir):
 * discovery with libpci, grouping into PHBs/PEs, location codes, VFIO ownership and the
 * fake QEMU guest, state reads limited to VFIO PEs, golden JSON output, injection
 * strings, the simulated kernel's log lines through the tracker, and polling.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "eeh/eeh.h"
#include "sim/sim_pci.h"

#define IDS OPAL_RAS_SRCDIR "/tests/unit/eeh/data/pci.ids"

static char root[64];

static void rm_rf(const char *p)
{
	char *argv[] = { "rm", "-rf", (char *)p, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/rm", argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
}

static void setup(void)
{
	struct ras_err e;
	snprintf(root, sizeof(root), "/tmp/eeh-unit.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	cr_assert_eq(sim_pci_build(root, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	rm_rf(root);
}

static void discover(struct eeh_topology *t, enum eeh_state_read rs)
{
	struct eeh_discover_opts o = {
		.root = root, .ids_path = IDS, .read_state = rs, .map_guests = true, .names = true
	};
	struct ras_err e;
	cr_assert_eq(eeh_discover(&o, t, &e), 0, "%s", e.msg);
}

static char *slurp(const char *path)
{
	uint8_t *b;
	size_t n;
	cr_assert_eq(file_read_all(path, 1 << 20, &b, &n, NULL, NULL), 0, "read %s", path);
	return (char *)b;
}

TestSuite(sim, .init = setup, .fini = teardown);

Test(sim, topology)
{
	struct eeh_topology t;
	discover(&t, EEH_READ_STATE_VFIO);
	cr_assert(t.eeh_available);
	cr_assert_eq(t.n_devs, 4);
	cr_assert_eq(t.n_phbs, 3);
	cr_assert_eq(t.phbs[0].phb, 0);
	cr_assert_eq(t.phbs[2].phb, 0x30);

	struct eeh_pe *mlx = eeh_topology_find_pe(&t, 0, 1);
	cr_assert_not_null(mlx);
	cr_assert_eq(mlx->n_devs, 2, "both ConnectX-5 functions share PE#1");
	cr_assert_str_eq(mlx->devs[0]->bdf, "0000:01:00.0");
	cr_assert_str_eq(mlx->devs[0]->vendor_name, "Mellanox Technologies");
	cr_assert_str_eq(mlx->devs[0]->device_name, "MT27800 Family [ConnectX-5]");
	cr_assert_str_eq(mlx->devs[0]->driver, "mlx5_core");
	cr_assert_eq(mlx->devs[0]->class_code, 0x020000);
	cr_assert_eq(mlx->devs[0]->iommu_group, 1);
	cr_assert_eq(mlx->devs[0]->eeh_mode, 0x200);
	cr_assert_str_eq(mlx->loc_code, "U78D2.001.WZS0001-P1-C7");
	cr_assert_not(mlx->vfio);
	cr_assert_not(mlx->state_read, "host-owned: eeh_pe_state not read by default");

	struct eeh_pe *bcm = eeh_topology_pe_of(&t, "0030:01:00.0");
	cr_assert_not_null(bcm);
	cr_assert_eq(bcm->pe, 0x1fa);
	cr_assert(bcm->vfio);
	cr_assert_eq(bcm->iommu_group, 3);
	cr_assert(bcm->state_read, "VFIO-owned: read");
	cr_assert_eq(eeh_state_health(&bcm->state), EEH_HEALTHY);
	cr_assert_eq(bcm->guest.pid, SIM_PCI_QEMU_PID);
	cr_assert_str_eq(bcm->guest.name, SIM_PCI_GUEST);
	cr_assert_str_eq(bcm->guest.exe, "qemu-system-ppc");
	cr_assert_str_eq(bcm->loc_code, "U78D2.001.WZS0001-P1-C9");

	struct eeh_pe *nvme = eeh_topology_find_pe(&t, 1, 1);
	cr_assert_not_null(nvme);
	cr_assert_str_eq(nvme->devs[0]->device_name, "NVMe SSD Controller SM981/PM981/PM983");
	cr_assert_null(eeh_topology_find_pe(&t, 1, 2));
	cr_assert_null(eeh_topology_find_dev(&t, "0000:02:00.0"));
	eeh_topology_free(&t);

	discover(&t, EEH_READ_STATE_ALL);
	cr_assert(eeh_topology_find_pe(&t, 0, 1)->state_read);
	eeh_topology_free(&t);
	discover(&t, EEH_READ_STATE_NONE);
	cr_assert_not(eeh_topology_find_pe(&t, 0x30, 0x1fa)->state_read);
	eeh_topology_free(&t);
}

Test(sim, golden_json)
{
	struct eeh_topology t;
	char *out = NULL;
	size_t len = 0;
	discover(&t, EEH_READ_STATE_VFIO);
	FILE *f = open_memstream(&out, &len);
	eeh_render_list(f, &t, true);
	fclose(f);
	char *want = slurp(OPAL_RAS_SRCDIR "/tests/unit/eeh/data/list.json");
	cr_assert_str_eq(out, want);
	free(want);
	free(out);

	out = NULL;
	f = open_memstream(&out, &len);
	eeh_render_pe(f, eeh_topology_find_pe(&t, 0x30, 0x1fa), true);
	fclose(f);
	want = slurp(OPAL_RAS_SRCDIR "/tests/unit/eeh/data/show-30-1fa.json");
	cr_assert_str_eq(out, want);
	free(want);
	free(out);
	eeh_topology_free(&t);
}

Test(sim, csv_rows)
{
	struct eeh_topology t;
	char *out = NULL;
	size_t len = 0;
	discover(&t, EEH_READ_STATE_VFIO);
	/* a device name with a comma and a quote is quoted per RFC 4180 */
	snprintf(t.devs[1].device_name, sizeof(t.devs[1].device_name), "a, \"b\"");
	FILE *f = open_memstream(&out, &len);
	eeh_render_list_csv(f, &t);
	fclose(f);
	static const char hdr[] = "id,phb,pe,owner,state,guest,guest_pid,bdf,";
	cr_assert(strncmp(out, hdr, sizeof(hdr) - 1) == 0, "%s", out);
	cr_assert(strstr(out, "\nPHB#30-PE#1fa,48,506,vfio,healthy,rhel9-db,4242,0030:01:00.0,"
			      "0x14e4,0x1657,"),
		  "%s", out);
	cr_assert(strstr(out, ",0000:01:00.1,0x15b3,0x1017,Mellanox Technologies,\"a, \"\"b\"\"\","
			      "mlx5_core,1,U78D2.001.WZS0001-P1-C7\n"),
		  "%s", out);
	int rows = 0;
	for (char *p = out; *p; p++)
		rows += *p == '\n';
	cr_assert_eq(rows, 5, "header + one row per device");
	free(out);
	eeh_topology_free(&t);
}

Test(sim, text_show_decodes_state)
{
	struct eeh_topology t;
	char *out = NULL;
	size_t len = 0;
	char p[512];
	discover(&t, EEH_READ_STATE_NONE);
	root_path(p, sizeof(p), root, "sys/bus/pci/devices/0000:01:00.0/eeh_pe_state");
	cr_assert_eq(file_write_atomic(p, "0x00000050 0x00000801\n", 22, 0644, NULL), 0);
	struct eeh_pe *pe = eeh_topology_find_pe(&t, 0, 1);
	cr_assert_eq(eeh_pe_state_read(root, pe, &pe->state, NULL), 0);
	pe->state_read = true;
	FILE *f = open_memstream(&out, &len);
	eeh_render_pe(f, pe, false);
	fclose(f);
	cr_assert(strstr(out, "State:     frozen (0x00000050 0x00000801)"), "%s", out);
	cr_assert(strstr(out, "MMIO enabled: no   MMIO active: no"), "%s", out);
	cr_assert(strstr(out, "DMA enabled:  yes  DMA active:  yes"), "%s", out);
	cr_assert(strstr(out, "Software:     isolated,pri-bus"), "%s", out);
	free(out);
	eeh_topology_free(&t);
}

Test(sim, no_eeh_tree)
{
	struct eeh_topology t;
	struct eeh_discover_opts o = { .root = "/nonexistent-root",
				       .read_state = EEH_READ_STATE_ALL };
	struct ras_err e;
	cr_assert_eq(eeh_discover(&o, &t, &e), -ENOENT);
	cr_assert(strstr(e.msg, "/nonexistent-root/sys/bus/pci/devices"), "%s", e.msg);
	cr_assert_eq(t.n_devs, 0);
}

Test(sim, malformed_device_dir_is_an_error_not_an_exit)
{
	struct eeh_topology t;
	char p[512];
	struct ras_err e;
	struct eeh_discover_opts o = { .root = root, .read_state = EEH_READ_STATE_NONE };
	root_path(p, sizeof(p), root, "sys/bus/pci/devices/0001:01:00.0/resource");
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(eeh_discover(&o, &t, &e), -EINVAL);
	cr_assert(strstr(e.msg, "0001:01:00.0: no readable resource attribute"), "%s", e.msg);
	cr_assert_eq(t.n_devs, 0);
}

Test(sim, real_sys_has_no_eeh)
{
	struct eeh_topology t;
	struct eeh_discover_opts o = { .root = "/",
				       .read_state = EEH_READ_STATE_VFIO,
				       .names = true };
	struct ras_err e;
	if (access("/proc/powerpc/eeh", F_OK) == 0)
		cr_skip_test("this machine has EEH");
	if (access("/sys/bus/pci/devices", F_OK) != 0)
		cr_skip_test("no PCI sysfs here");
	cr_assert_eq(eeh_discover(&o, &t, &e), 0, "%s", e.msg);
	cr_assert_not(t.eeh_available);
	cr_assert_eq(t.n_phbs, 0);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	eeh_render_list(f, &t, false);
	fclose(f);
	cr_assert_str_eq(out, "EEH not available on this system\n");
	free(out);
	eeh_topology_free(&t);
}

Test(sim, inject_writes_exact_string)
{
	char p[512], got[128], w[64];
	struct ras_err e;
	cr_assert_eq(eeh_inject_errinjct(root, 0x30, 0x1fa, 1, 6, 0x3fe000000000ull,
					 0xffffffffffffffffull, w, sizeof(w), &e),
		     0, "%s", e.msg);
	root_path(p, sizeof(p), root, "sys/kernel/debug/powerpc/PCI0030/err_injct");
	cr_assert_eq(file_read_str(p, got, sizeof(got), NULL), 0);
	cr_assert_str_eq(got, "1fa:1:6:3fe000000000:ffffffffffffffff");
	cr_assert_str_eq(w, got);
	cr_assert_leq(strlen(got), 49);

	cr_assert_eq(eeh_inject_dev_break(root, "0000:01:00.1", &e), 0, "%s", e.msg);
	root_path(p, sizeof(p), root, "sys/kernel/debug/powerpc/eeh_dev_break");
	cr_assert_eq(file_read_str(p, got, sizeof(got), NULL), 0);
	cr_assert_str_eq(got, "0000:01:00.1");

	cr_assert_eq(eeh_inject_errinjct(root, 0x30, 0x1fa, 2, 0, 0, 0, NULL, 0, &e), -ERANGE);
	cr_assert_eq(eeh_inject_errinjct(root, 0x30, 0x1fa, 0, 20, 0, 0, NULL, 0, &e), -ERANGE);
	cr_assert_eq(eeh_inject_errinjct(root, 0x99, 1, 0, 0, 0, 0, NULL, 0, &e), -ENOENT,
		     "no PCI0099 directory");
	cr_assert_eq(eeh_inject_dev_break(root, "0000:01:00", &e), -EINVAL);
}

Test(inject, format_and_names)
{
	char s[64];
	unsigned f;
	cr_assert_eq(eeh_inject_format(s, sizeof(s), 0x1fa, 0, 0, 0, 0), 0);
	cr_assert_str_eq(s, "1fa:0:0:0:0");
	cr_assert_eq(eeh_inject_format(s, sizeof(s), 0xffffffff, 1, 19, ~0ull, ~0ull), 0);
	cr_assert_str_eq(s, "ffffffff:1:13:ffffffffffffffff:ffffffffffffffff");
	cr_assert_eq(strlen(s), 47);
	cr_assert_eq(eeh_inject_format(s, 8, 0x1fa, 0, 0, 0, 0), -ENAMETOOLONG);
	cr_assert_eq(eeh_inject_func_parse("store-cfg-data", &f), 0);
	cr_assert_eq(f, 11);
	cr_assert_eq(eeh_inject_func_parse("DMA-WRITE-TARGET", &f), 0);
	cr_assert_eq(f, 19);
	cr_assert_eq(eeh_inject_func_parse("0x10", &f), 0);
	cr_assert_eq(f, 16);
	cr_assert_eq(eeh_inject_func_parse("20", &f), -EINVAL);
	cr_assert_eq(eeh_inject_func_parse("", &f), -EINVAL);
	cr_assert_str_eq(eeh_inject_func_name(12), "dma-read-addr");
	cr_assert_null(eeh_inject_func_name(20));
}

Test(ids, pe_and_bdf)
{
	uint32_t phb, pe;
	unsigned d, b, s, f;
	cr_assert_eq(eeh_parse_pe_id("PHB#30-PE#1fa", &phb, &pe), 0);
	cr_assert_eq(phb, 0x30);
	cr_assert_eq(pe, 0x1fa);
	cr_assert_eq(eeh_parse_pe_id("0030:1fa", &phb, &pe), 0);
	cr_assert_eq(phb, 0x30);
	cr_assert_eq(eeh_parse_pe_id("phb#1-pe#2", &phb, &pe), 0);
	cr_assert_eq(eeh_parse_pe_id("30", &phb, &pe), -EINVAL);
	cr_assert_eq(eeh_parse_pe_id("PHB#30-PE#", &phb, &pe), -EINVAL);
	cr_assert_eq(eeh_parse_pe_id("30:1fa:", &phb, &pe), -EINVAL);
	cr_assert_eq(eeh_parse_pe_id("-1:2", &phb, &pe), -EINVAL);
	cr_assert_eq(eeh_parse_bdf("0030:01:00.0", &d, &b, &s, &f), 0);
	cr_assert_eq(d, 0x30);
	cr_assert_eq(eeh_parse_bdf("0030:01:20.0", &d, &b, &s, &f), -EINVAL);
	cr_assert_eq(eeh_parse_bdf("0030:01:00.8", &d, &b, &s, &f), -EINVAL);
	cr_assert_eq(eeh_parse_bdf("0030:01:00.0x", &d, &b, &s, &f), -EINVAL);
	cr_assert_eq(eeh_parse_bdf("10000:01:00.0", &d, &b, &s, &f), -EINVAL);
	cr_assert_eq(eeh_parse_bdf(" 0030:01:00.0", &d, &b, &s, &f), -EINVAL);
}

/* ---- the simulated kernel, through the tracker ------------------------------------- */

struct collect {
	struct eeh_tracker t;
	struct eeh_event ev[16];
	size_t n;
	int lines;
	uint64_t seq;
};

static int collect(const char *r, int level, const char *text, void *arg)
{
	struct collect *c = arg;
	(void)r;
	cr_assert(level >= 0 && level <= 7);
	c->lines++;
	c->seq++;
	c->n += eeh_tracker_feed(&c->t, text, strlen(text), c->seq, (int64_t)c->seq, c->ev + c->n,
				 16 - c->n);
	return 0;
}

Test(sim, errinjct_freeze_recovers_then_disables)
{
	static struct collect c;
	struct ras_err e;
	char p[512], st[64];
	memset(&c, 0, sizeof(c));
	eeh_tracker_init(&c.t, 5);
	int64_t t0 = 1000000000;
	for (int i = 1; i <= 5; i++) {
		c.n = 0;
		cr_assert_eq(sim_pci_errinjct_write(root, 0, "1:0:0:0:0", t0 + i, collect, &c, &e),
			     0, "%s", e.msg);
		cr_assert_eq(c.n, i == 5 ? 3 : 2, "freeze %d: %zu events", i, c.n);
		cr_assert_eq(c.ev[0].type, EEH_EV_FREEZE);
		cr_assert_eq(c.ev[c.n - 1].type, EEH_EV_RECOVERED);
		cr_assert_eq(c.ev[c.n - 1].freeze_count, i);
		cr_assert_eq(c.ev[c.n - 1].n_bdf, 2);
	}
	cr_assert_eq(c.ev[1].type, EEH_EV_NEAR_LIMIT, "5 of 5: one freeze from disable");
	root_path(p, sizeof(p), root, "sys/bus/pci/devices/0000:01:00.1/eeh_pe_state");
	cr_assert_eq(file_read_str(p, st, sizeof(st), NULL), 0);
	cr_assert_str_eq(st, "0x00000078 0x00000800");
	/* the sixth in the hour */
	c.n = 0;
	cr_assert_eq(sim_pci_dev_break_write(root, "0000:01:00.0\n", t0 + 6, collect, &c, &e), 0);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(c.ev[1].type, EEH_EV_FAILED);
	cr_assert_str_eq(c.ev[1].outcome, "permanently-disabled");
	cr_assert_eq(file_read_str(p, st, sizeof(st), NULL), 0);
	cr_assert_str_eq(st, "0x00000002 0x00000c01");
	/* malformed writes are rejected like the kernel does */
	cr_assert_eq(sim_pci_errinjct_write(root, 0, "1:2:0:0:0", t0, collect, &c, &e), -ERANGE);
	cr_assert_eq(sim_pci_errinjct_write(root, 0, "junk", t0, collect, &c, &e), -EINVAL);
	cr_assert_eq(sim_pci_errinjct_write(root, 0, "7:0:0:0:0", t0, collect, &c, &e), -ENODEV);
}

Test(sim, vfio_pe_freezes_silently_and_is_polled)
{
	static struct collect c;
	struct eeh_topology t;
	struct eeh_poller p;
	struct eeh_tracker tr;
	struct eeh_event ev[8];
	struct ras_err e;
	memset(&c, 0, sizeof(c));
	eeh_tracker_init(&c.t, 5);
	eeh_tracker_init(&tr, 5);
	discover(&t, EEH_READ_STATE_NONE);
	cr_assert_eq(eeh_poller_init(&p, root, &t, 500, &e), 0);
	cr_assert_eq(p.n_pes, 1, "only the VFIO-owned PE is polled");
	cr_assert_eq(p.pes[0].pe, 0x1fa);
	cr_assert_eq(p.interval_ms, 500);
	cr_assert_eq(eeh_poller_poll(&p, &tr, 10, ev, 8), 0, "healthy first reading");

	cr_assert_eq(sim_pci_errinjct_write(root, 0x30, "1fa:0:0:0:0", 20, collect, &c, &e), 0);
	cr_assert_eq(c.lines, 0, "the host prints nothing for a passed-through PE");
	cr_assert_eq(eeh_poller_poll(&p, &tr, 30, ev, 8), 1);
	cr_assert_eq(ev[0].type, EEH_EV_FREEZE);
	cr_assert_str_eq(ev[0].source, "eeh-poll");
	cr_assert_str_eq(ev[0].bdf[0], "0030:01:00.0");
	cr_assert_eq(ev[0].freeze_count, 1);
	cr_assert_eq(eeh_poller_poll(&p, &tr, 40, ev, 8), 0, "still frozen: reported once");

	cr_assert_eq(sim_pci_thaw(root, 0x30, 0x1fa, &e), 0);
	cr_assert_eq(eeh_poller_poll(&p, &tr, 50, ev, 8), 1);
	cr_assert_eq(ev[0].type, EEH_EV_RECOVERED);

	/* four more freezes: the fifth warns */
	size_t near = 0;
	for (int i = 0; i < 4; i++) {
		sim_pci_freeze(root, 0x30, 0x1fa, SIM_PCI_MANUAL, 60 + i, NULL, NULL, &e);
		size_t k = eeh_poller_poll(&p, &tr, 60 + i * 10, ev, 8);
		for (size_t j = 0; j < k; j++)
			near += ev[j].type == EEH_EV_NEAR_LIMIT;
		sim_pci_thaw(root, 0x30, 0x1fa, &e);
		eeh_poller_poll(&p, &tr, 65 + i * 10, ev, 8);
	}
	cr_assert_eq(near, 1);
	eeh_poller_free(&p);
	eeh_topology_free(&t);
}

Test(sim, proc_stats_and_max_freezes)
{
	struct eeh_proc_stats s;
	struct ras_err e;
	int max = 0;
	cr_assert_eq(eeh_proc_stats_read(root, &s, &e), 0, "%s", e.msg);
	cr_assert(s.present && s.enabled);
	cr_assert_eq(s.mmio_ffs, 1024);
	cr_assert_eq(eeh_max_freezes_read(root, &max, &e), 0);
	cr_assert_eq(max, 5);
	cr_assert_eq(eeh_proc_stats_read("/nonexistent", &s, &e), -ENOENT);
}

Test(stats, parse)
{
	static const char en[] = "EEH Subsystem is enabled\nno device=1\nno device node=2\n"
				 "no config address=3\ncheck not wanted=4\neeh_total_mmio_ffs=5\n"
				 "eeh_false_positives=6\neeh_slot_resets=7\nfuture_counter=8\n";
	struct eeh_proc_stats s;
	cr_assert_eq(eeh_proc_stats_parse(en, sizeof(en) - 1, &s), 0);
	cr_assert_eq(s.no_device, 1);
	cr_assert_eq(s.no_dn, 2);
	cr_assert_eq(s.no_cfg_addr, 3);
	cr_assert_eq(s.check_not_wanted, 4);
	cr_assert_eq(s.mmio_ffs, 5);
	cr_assert_eq(s.false_positives, 6);
	cr_assert_eq(s.slot_resets, 7);
	static const char dis[] = "EEH Subsystem is globally disabled\neeh_total_mmio_ffs=9\n";
	cr_assert_eq(eeh_proc_stats_parse(dis, sizeof(dis) - 1, &s), 0);
	cr_assert_not(s.enabled);
	cr_assert_eq(s.mmio_ffs, 9);
	static const char bad[] = "eeh_total_mmio_ffs=99999999999999999999999\n";
	cr_assert_eq(eeh_proc_stats_parse(bad, sizeof(bad) - 1, &s), -EINVAL);
	cr_assert_eq(s.mmio_ffs, 0, "overflow ignored");
}

/* ---- guest mapping ------------------------------------------------------------------- */

static int name(const char *cmd, size_t len, char *out)
{
	return eeh_guest_name_from_cmdline(cmd, len, out, 64);
}

#define CMD(s) s, sizeof(s) - 1

Test(guest, cmdline_forms)
{
	char n[64];
	cr_assert_eq(name(CMD("qemu\0-name\0guest=rhel9-db,debug-threads=on\0-m\0"
			      "1024"),
			  n),
		     0);
	cr_assert_str_eq(n, "rhel9-db");
	cr_assert_eq(name(CMD("qemu\0-name\0vm1\0"), n), 0);
	cr_assert_str_eq(n, "vm1");
	cr_assert_eq(name(CMD("qemu\0-name\0vm2,process=qemu-vm2\0"), n), 0);
	cr_assert_str_eq(n, "vm2");
	cr_assert_eq(name(CMD("qemu\0-name\0process=p,guest=a,,b\0"), n), 0);
	cr_assert_str_eq(n, "a,b", "',,' is a literal comma");
	cr_assert_eq(name(CMD("qemu\0--name=guest=x\0"), n), 0);
	cr_assert_str_eq(n, "x");
	cr_assert_eq(name(CMD("qemu\0-m\0"
			      "1024\0"),
			  n),
		     -ENOENT);
	cr_assert_eq(name(CMD("qemu\0-name"), n), -ENOENT, "no value");
	cr_assert_eq(name(CMD("qemu\0-name\0process=p\0"), n), -ENOENT);
	cr_assert_eq(name(CMD("qemu\0-name\0guest=\0"), n), -ENOENT);
	cr_assert_eq(name("", 0, n), -ENOENT);
}

Test(sim, guest_holder_found)
{
	struct eeh_guest g;
	struct ras_err e;
	cr_assert_eq(eeh_guest_find(root, 3, &g, &e), 0, "%s", e.msg);
	cr_assert_eq(g.pid, SIM_PCI_QEMU_PID);
	cr_assert_str_eq(g.name, "rhel9-db");
	cr_assert_eq(eeh_guest_find(root, 1, &g, &e), -ENOENT, "no holder of group 1");
	cr_assert_eq(eeh_guest_find(root, -1, &g, &e), -EINVAL);
}

Test(sim, guest_name_from_libvirt_pidfile)
{
	char p[512];
	struct eeh_guest g;
	struct ras_err e;
	/* a QEMU started without -name: the libvirt pid file names the domain */
	root_path(p, sizeof(p), root, "proc/%d/cmdline", SIM_PCI_QEMU_PID);
	cr_assert_eq(file_write_atomic(p,
				       "qemu\0-m\0"
				       "4096\0",
				       13, 0644, NULL),
		     0);
	cr_assert_eq(eeh_guest_find(root, 3, &g, &e), 0);
	cr_assert_str_eq(g.name, "rhel9-db");
	root_path(p, sizeof(p), root, "run/libvirt/qemu/rhel9-db.pid");
	unlink(p);
	cr_assert_eq(eeh_guest_find(root, 3, &g, &e), 0);
	cr_assert_str_eq(g.name, "", "holder known, name unknown");
	cr_assert_eq(g.pid, SIM_PCI_QEMU_PID);
}

Test(sim, enrich_event_from_topology)
{
	struct eeh_topology t;
	const char *loc, *guest;
	discover(&t, EEH_READ_STATE_NONE);
	struct eeh_event ev = {
		.type = EEH_EV_FREEZE, .have_phb = true, .have_pe = true, .phb = 0x30, .pe = 0x1fa
	};
	eeh_event_enrich(&ev, &t, &loc, &guest);
	cr_assert_eq(ev.n_bdf, 1);
	cr_assert_str_eq(ev.bdf[0], "0030:01:00.0");
	cr_assert_str_eq(loc, "U78D2.001.WZS0001-P1-C9");
	cr_assert_str_eq(guest, "rhel9-db");
	/* a uevent-only event knows its device, not its PE */
	struct eeh_event u = { .type = EEH_EV_FREEZE, .have_phb = true, .phb = 0, .n_bdf = 1 };
	strcpy(u.bdf[0], "0000:01:00.1");
	eeh_event_enrich(&u, &t, &loc, &guest);
	cr_assert(u.have_pe);
	cr_assert_eq(u.pe, 1);
	cr_assert_eq(u.n_bdf, 1, "kept its own device list");
	cr_assert_str_eq(loc, "U78D2.001.WZS0001-P1-C7");
	cr_assert_null(guest);
	struct eeh_event none = { .have_phb = true, .phb = 9, .have_pe = true, .pe = 9 };
	eeh_event_enrich(&none, &t, &loc, &guest);
	cr_assert_null(loc);
	cr_assert_eq(none.n_bdf, 0);
	eeh_topology_free(&t);
}
