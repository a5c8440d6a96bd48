/*
 * test_fwupdate.c - the OPAL firmware-update workflow: answer decoding, and the
 * whole validate/commit/reject/schedule sequence against opal-sim's emulation
 * (sim/sim_flash_emu.c) driven by a thread, for every result token and status;
 * read-once semantics; the simulated MTD PNOR found and used through --root.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "flash/ffs.h"
#include "flash/flash_dev.h"
#include "flash/fwupdate.h"
#include "sim/sim_flash_emu.h"
#include "flash_test.h"

Test(fw, parse_validate_result_with_levels)
{
	static const char ans[] = "0\nMI SV860_100 SV860_090\nMI SV860_200 SV860_090\n"
				  "ML FW860.10 FW860.09\nML FW860.20 FW860.09\n\0\0";
	struct fw_validate v;
	struct ras_err e;

	cr_assert_eq(fw_parse_validate(ans, sizeof(ans) - 1, &v, &e), 0, "%s", e.msg);
	cr_assert_eq(v.result, 0);
	cr_assert(v.lv.have_mi);
	cr_assert(v.lv.have_ml);
	cr_assert_str_eq(v.lv.cur_t, "SV860_100");
	cr_assert_str_eq(v.lv.new_t, "SV860_200");
	cr_assert_str_eq(v.lv.ml_new_p, "FW860.09");
	cr_assert_not(fw_result_fatal(0));
}

Test(fw, parse_validate_status_and_garbage)
{
	struct fw_validate v;
	struct ras_err e;
	int n;

	cr_assert_eq(fw_parse_validate("-1002\n", 6, &v, &e), 0);
	cr_assert_eq(v.status, -1002);
	cr_assert_eq(fw_parse_validate("2\n", 2, &v, &e), 0);
	cr_assert_eq(v.result, 2);
	cr_assert(fw_result_fatal(2));
	cr_assert_eq(fw_parse_validate("0\n", 2, &v, &e), -EBADMSG, "result 0 needs the MI lines");
	cr_assert_eq(fw_parse_validate("abc\n", 4, &v, &e), -EBADMSG);
	cr_assert_eq(fw_parse_validate("", 0, &v, &e), -EBADMSG);
	cr_assert_eq(fw_parse_int("-9001\n", 6, &n, &e), 0);
	cr_assert_eq(n, -9001);
	cr_assert_eq(fw_parse_int("12x\n", 4, &n, &e), -EBADMSG);
	cr_assert_str_eq(fw_status_name(-9002),
			 "in-band update not allowed (FLASH_NO_AUTH, e.g. HMC managed)");
}

Test(fw, image_checks)
{
	uint8_t img[8192] = { 0x55, 0x49 };
	struct ras_err e;

	put_be32(img + 4, sizeof(img));
	cr_assert_eq(fw_check_image(img, sizeof(img), &e), 0, "%s", e.msg);
	cr_assert_eq(fw_check_image(img, 4095, &e), -EINVAL);
	put_be32(img + 4, 4096);
	cr_assert_eq(fw_check_image(img, sizeof(img), &e), -EINVAL);
	cr_assert(strstr(e.msg, "header"), "%s", e.msg);
}

/* ---- the emulation, served by a thread as opal-sim's run loop would ---- */

struct server {
	char *root;
	int fd;
	volatile int stop;
	pthread_t th;
};

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };

		if (poll(&p, 1, 20) > 0)
			sim_flash_watch_dispatch(s->root, s->fd, NULL, NULL);
	}
	return NULL;
}

static void server_start(struct server *s)
{
	struct ras_err e;

	s->root = ft_tmpdir();
	cr_assert_eq(sim_flash_setup(s->root, &e), 0, "%s", e.msg);
	s->fd = sim_flash_watch_open(s->root, &e);
	cr_assert_geq(s->fd, 0, "%s", e.msg);
	s->stop = 0;
	pthread_create(&s->th, NULL, serve, s);
}

static void server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->fd);
	ft_rmrf(s->root);
	free(s->root);
}

static void inject(struct server *s, const char *what, const char *v)
{
	char *argv[] = { "flash", (char *)what, (char *)v };
	struct ras_err e;

	cr_assert_eq(sim_flash_inject(s->root, 3, argv, &e), 0, "%s", e.msg);
}

/* Wait until a read-once file is back to -1099 (the previous answer was consumed). */
static void wait_reset(struct server *s, const char *name)
{
	char p[4096], buf[64] = "";
	struct ras_err e;

	snprintf(p, sizeof(p), "%s/sys/firmware/opal/%s", s->root, name);
	for (int i = 0; i < 200; i++) {
		file_read_str(p, buf, sizeof(buf), &e);
		if (!strcmp(buf, "-1099"))
			return;
		usleep(10000);
	}
	cr_assert_str_eq(buf, "-1099", "%s never went back to -1099", name);
}

static void load_image(struct server *s)
{
	uint8_t img[8192] = { 0x55, 0x49 };
	struct ras_err e;

	put_be32(img + 4, sizeof(img));
	cr_assert_eq(fw_write_image(s->root, img, sizeof(img), &e), 0, "%s", e.msg);
	usleep(50000); /* let the emulator see the image close */
}

Test(fw, validate_without_image_is_incomplete)
{
	struct server s;
	struct fw_validate v;
	struct ras_err e;

	server_start(&s);
	cr_assert_eq(fw_supported(s.root, &e), 0);
	cr_assert_eq(fw_validate(s.root, &v, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(v.status, FW_VALIDATE_INCOMPLETE);
	server_stop(&s);
}

Test(fw, every_result_token)
{
	struct server s;
	struct ras_err e;

	server_start(&s);
	load_image(&s);
	for (int t = 0; t <= 7; t++) {
		struct fw_validate v;
		char n[8];

		snprintf(n, sizeof(n), "%d", t);
		inject(&s, "validate", n);
		cr_assert_eq(fw_validate(s.root, &v, 3000, &e), 0, "token %d: %s", t, e.msg);
		cr_assert_eq(v.status, 0, "token %d", t);
		cr_assert_eq(v.result, t, "token %d got %d (status %d)", t, v.result, v.status);
		cr_assert_eq(v.lv.have_mi, t == 0 || (t >= 3 && t <= 7), "token %d MI lines", t);
		if (v.lv.have_mi) {
			cr_assert_str_eq(v.lv.cur_t, "SV860_100");
			cr_assert_str_eq(v.lv.new_t, "SV860_200");
			/* 4/5: T is committed to P first, so new P = current T */
			cr_assert_str_eq(v.lv.new_p, (t == 4 || t == 5) ? "SV860_100" : "SV860_090",
					 "token %d", t);
		}
		cr_assert_eq(fw_result_fatal(t), t == 1 || t == 2 || t == 7);
		wait_reset(&s, "validate_flash");
	}
	server_stop(&s);
}

Test(fw, error_statuses)
{
	static const int codes[] = { -1, -2, -6, -11, FW_NO_AUTH };
	struct server s;
	struct ras_err e;

	server_start(&s);
	load_image(&s);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		struct fw_validate v;
		char n[16];

		snprintf(n, sizeof(n), "%d", codes[i]);
		inject(&s, "validate", n);
		cr_assert_eq(fw_validate(s.root, &v, 3000, &e), 0, "%s", e.msg);
		cr_assert_eq(v.status, codes[i]);
		wait_reset(&s, "validate_flash");
	}
	server_stop(&s);
}

Test(fw, validate_answers_once)
{
	struct server s;
	struct fw_validate v;
	struct ras_err e;
	char p[4096], buf[64];

	server_start(&s);
	load_image(&s);
	cr_assert_eq(fw_validate(s.root, &v, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(v.result, 0);
	snprintf(p, sizeof(p), "%s/sys/firmware/opal/validate_flash", s.root);
	for (int i = 0; i < 100; i++) { /* the reset is asynchronous in the emulator */
		file_read_str(p, buf, sizeof(buf), &e);
		if (!strcmp(buf, "-1099"))
			break;
		usleep(20000);
	}
	cr_assert_str_eq(buf, "-1099", "a second read sees FLASH_NO_OP");
	server_stop(&s);
}

Test(fw, manage_and_schedule)
{
	struct server s;
	struct ras_err e;
	int rc, st;
	char mi[256], ml[256];

	server_start(&s);
	/* schedule without an image */
	cr_assert_eq(fw_update(s.root, true, &st, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(st, FW_INVALID_IMG);
	load_image(&s);
	cr_assert_eq(fw_update(s.root, true, &st, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(st, 0, "image ready for the next reboot");
	cr_assert_eq(fw_update_status(s.root, &st, &e), 0);
	cr_assert_eq(st, 0, "update_flash is sticky");
	cr_assert_eq(fw_update(s.root, false, &st, 3000, &e), 0);
	cr_assert_eq(st, FW_NO_OP, "cancelled");
	/* commit copies T to P */
	cr_assert_eq(fw_manage(s.root, true, &rc, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(rc, 0);
	fw_current_levels(s.root, mi, sizeof(mi), ml, sizeof(ml));
	cr_assert_str_eq(mi, "MI SV860_100 SV860_100 T");
	wait_reset(&s, "manage_flash");
	inject(&s, "manage", "-9001");
	usleep(50000);
	cr_assert_eq(fw_manage(s.root, false, &rc, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(rc, FW_MANAGE_ACTIVE_ERR);
	server_stop(&s);
}

Test(fw, reboot_applies_scheduled_image)
{
	struct server s;
	struct ras_err e;
	int st;
	char mi[256], ml[256];

	server_start(&s);
	load_image(&s);
	cr_assert_eq(fw_update(s.root, true, &st, 3000, &e), 0, "%s", e.msg);
	cr_assert_eq(st, 0);
	cr_assert_eq(sim_flash_reboot(s.root, NULL, NULL, &e), 0);
	fw_current_levels(s.root, mi, sizeof(mi), ml, sizeof(ml));
	cr_assert_str_eq(mi, "MI SV860_200 SV860_090 T");
	server_stop(&s);
}

Test(fw, not_supported_without_files)
{
	char *root = ft_tmpdir();
	struct ras_err e;

	cr_assert_eq(fw_supported(root, &e), -ENOTSUP);
	cr_assert(strstr(e.msg, "not supported here"), "%s", e.msg);
	ft_rmrf(root);
	free(root);
}

Test(fw, no_answer_times_out)
{
	char *root = ft_tmpdir(), p[4096], ans[64];
	struct ras_err e;
	size_t n;

	snprintf(p, sizeof(p), "%s/sys/firmware/opal", root);
	mkdir_p(p, 0755);
	snprintf(p, sizeof(p), "%s/sys/firmware/opal/manage_flash", root);
	file_write_atomic(p, "", 0, 0600, &e);
	cr_assert_eq(fw_request(root, "manage_flash", "1", ans, sizeof(ans), &n, 50, &e),
		     -ETIMEDOUT);
	ft_rmrf(root);
	free(root);
}

Test(fw, simulated_mtd_pnor)
{
	char *root = ft_tmpdir(), dev[4096];
	struct flash_dev *d;
	struct ffs_image fi;
	struct ras_err e;

	cr_assert_eq(sim_flash_setup(root, &e), 0, "%s", e.msg);
	cr_assert_eq(flash_mtd_find(root, dev, sizeof(dev), &e), 0, "%s", e.msg);
	cr_assert(strstr(dev, "/dev/mtd0"), "%s", dev);
	cr_assert_eq(flash_mtd_open(root, dev, true, &d, &e), 0, "%s", e.msg);
	cr_assert_eq(d->info.erase_size, 65536);
	cr_assert_eq(d->info.size, 8u << 20);
	cr_assert_eq(ffs_image_open(d, 0, &fi, &e), 0, "%s", e.msg);
	cr_assert_eq(fi.nsides, 2);
	cr_assert_eq(flash_erase(d, 0x200000, 0x10000, &e), 0, "%s", e.msg);
	ffs_image_free(&fi);
	flash_close(d);
	ft_rmrf(root);
	free(root);
}

static void mk_mtd(const char *root, const char *mtd, const char *name, const char *of_node)
{
	char p[4096], q[4096];
	struct ras_err e;

	snprintf(p, sizeof(p), "%s/sys/class/mtd/%s", root, mtd);
	cr_assert_eq(mkdir_p(p, 0755), 0);
	snprintf(q, sizeof(q), "%s/name", p);
	file_write_atomic(q, name, strlen(name), 0644, &e);
	if (of_node) {
		snprintf(q, sizeof(q), "%s/device", p);
		mkdir_p(q, 0755);
		snprintf(q, sizeof(q), "%s/device/of_node", p);
		cr_assert_eq(symlink(of_node, q), 0);
	}
}

Test(fw, mtd_found_through_chosen_system_flash)
{
	char *root = ft_tmpdir(), p[4096], dev[4096];
	struct ras_err e;
	static const char chosen[] = "/ibm,opal/flash@0";

	mk_mtd(root, "mtd0", "flash", "/sys/firmware/devicetree/base/ahb/flash@1e620000");
	mk_mtd(root, "mtd1", "other", "/sys/firmware/devicetree/base/ibm,opal/flash@0");
	snprintf(p, sizeof(p), "%s/sys/class/mtd/mtd1ro", root);
	mkdir_p(p, 0755);
	/* without chosen: the name heuristic picks mtd0 ("flash") */
	cr_assert_eq(flash_mtd_find(root, dev, sizeof(dev), &e), 0, "%s", e.msg);
	cr_assert(strstr(dev, "/dev/mtd0"), "%s", dev);
	snprintf(p, sizeof(p), "%s/proc/device-tree/chosen", root);
	mkdir_p(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/device-tree/chosen/ibm,system-flash", root);
	file_write_atomic(p, chosen, sizeof(chosen), 0644, &e); /* NUL-terminated DT string */
	cr_assert_eq(flash_mtd_find(root, dev, sizeof(dev), &e), 0, "%s", e.msg);
	cr_assert(strstr(dev, "/dev/mtd1"), "chosen wins: %s", dev);
	ft_rmrf(root);
	free(root);
}

Test(fw, mtd_none_or_ambiguous)
{
	char *root = ft_tmpdir(), dev[4096];
	struct ras_err e;

	cr_assert_eq(flash_mtd_find(root, dev, sizeof(dev), &e), -ENOENT);
	cr_assert(strstr(e.msg, "-F IMAGE"), "%s", e.msg);
	mk_mtd(root, "mtd0", "a", NULL);
	mk_mtd(root, "mtd1", "b", NULL);
	cr_assert_eq(flash_mtd_find(root, dev, sizeof(dev), &e), -ENOENT);
	cr_assert(strstr(e.msg, "--device"), "%s", e.msg);
	ft_rmrf(root);
	free(root);
}
