/*
 * test_record.c - the "flash-op" event built for a flash operation, and the
 * SHA-256 of images (libcrypto).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "flash/flash_record.h"

static const char *attr(const struct ras_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

Test(record, sha256_known_value)
{
	char hex[65];

	cr_assert_eq(flash_sha256_hex("abc", 3, hex, NULL), 0);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(record, write_event)
{
	struct flash_op_rec r;
	struct ras_event ev;

	flash_record_init(&r, "write", "/dev/mtd0");
	r.partition = "PAYLOAD";
	r.side = 1;
	r.image = "payload.bin";
	flash_sha256_hex("abc", 3, r.sha256, NULL);
	r.detail = "3 blocks erased, 16 programmed, verified";
	flash_record_build(&r, &ev);
	cr_assert_str_eq(ev.source, "flash");
	cr_assert_str_eq(ev.kind, RAS_KIND_FLASH_OP);
	cr_assert_str_eq(ev.kind, "flash-op");
	cr_assert_eq(ev.severity, RAS_SEV_INFO);
	cr_assert_gt(ev.time_us, 1700000000000000LL);
	cr_assert(strncmp(ev.dedupe_key, "flash:write:", 12) == 0, "%s", ev.dedupe_key);
	cr_assert_str_eq(ev.location, "PAYLOAD");
	cr_assert(strstr(ev.summary, "write PAYLOAD on /dev/mtd0: ok"), "%s", ev.summary);
	cr_assert_str_eq(attr(&ev, "sha256"),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_str_eq(attr(&ev, "side"), "1");
	cr_assert_str_eq(attr(&ev, "op"), "write");
	cr_assert_str_eq(attr(&ev, "result"), "ok");
	cr_assert_not_null(attr(&ev, "user"));
	cr_assert_null(attr(&ev, "version_before"));
}

Test(record, failed_update_event)
{
	struct flash_op_rec r, r2;
	struct ras_event ev, ev2;

	flash_record_init(&r, "update-validate", "/sys/firmware/opal");
	r.result = "rejected";
	r.rc = 2;
	r.version_before = "MI SV860_100 SV860_090 T";
	r.version_after = "MI SV860_200 SV860_090";
	flash_record_build(&r, &ev);
	cr_assert_eq(ev.severity, RAS_SEV_ERROR);
	cr_assert_str_eq(attr(&ev, "rc"), "2");
	cr_assert_str_eq(attr(&ev, "version_after"), "MI SV860_200 SV860_090");
	cr_assert_null(attr(&ev, "partition"));
	cr_assert_null(attr(&ev, "sha256"));
	flash_record_init(&r2, "update-validate", "/sys/firmware/opal");
	r2.time_us = r.time_us + 1;
	flash_record_build(&r2, &ev2);
	cr_assert_str_neq(ev.dedupe_key, ev2.dedupe_key, "every operation is its own event");
}
