/*
 * test_uevent.c - unit tests of eeh_uevent.c: ERROR_EVENT uevents from netlink and
 * udev-style key=value lists, and malformed ones.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "eeh/eeh.h"

#define MSG(s) s, sizeof(s) - 1

Test(uevent, netlink_begin)
{
	static const char m[] =
		"change@/devices/pci0030:00/0030:00:00.0/0030:01:00.0\0"
		"ACTION=change\0DEVPATH=/devices/pci0030:00/0030:00:00.0/0030:01:00.0\0"
		"SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0DEVICE_ONLINE=0\0"
		"DRIVER=tg3\0PCI_SLOT_NAME=0030:01:00.0\0SEQNUM=1234\0";
	struct eeh_uevent u;
	cr_assert_eq(eeh_uevent_parse(MSG(m), &u), 1);
	cr_assert_eq(u.kind, EEH_UEVENT_BEGIN_RECOVERY);
	cr_assert_str_eq(u.bdf, "0030:01:00.0");
	cr_assert_eq(u.device_online, 0);
}

Test(uevent, udev_lines_and_devpath_fallback)
{
	static const char m[] = "ACTION=change\nSUBSYSTEM=pci\n"
				"DEVPATH=/devices/pci0000:00/0000:00:00.0/0000:01:00.1\n"
				"ERROR_EVENT=SUCCESSFUL_RECOVERY\nDEVICE_ONLINE=1\n";
	struct eeh_uevent u;
	cr_assert_eq(eeh_uevent_parse(MSG(m), &u), 1);
	cr_assert_eq(u.kind, EEH_UEVENT_SUCCESSFUL_RECOVERY);
	cr_assert_str_eq(u.bdf, "0000:01:00.1");
	cr_assert_eq(u.device_online, 1);
	cr_assert_str_eq(eeh_uevent_kind_name(u.kind), "SUCCESSFUL_RECOVERY");
}

Test(uevent, failed)
{
	static const char m[] =
		"SUBSYSTEM=pci\0ERROR_EVENT=FAILED_RECOVERY\0PCI_SLOT_NAME=0001:01:00.0";
	struct eeh_uevent u;
	cr_assert_eq(eeh_uevent_parse(MSG(m), &u), 1, "no trailing NUL is fine");
	cr_assert_eq(u.kind, EEH_UEVENT_FAILED_RECOVERY);
	cr_assert_eq(u.device_online, -1);
}

Test(uevent, not_ours)
{
	struct eeh_uevent u;
	static const char a[] = "ACTION=add\0SUBSYSTEM=pci\0PCI_SLOT_NAME=0000:01:00.0\0";
	cr_assert_eq(eeh_uevent_parse(MSG(a), &u), 0);
	static const char b[] = "SUBSYSTEM=net\0ERROR_EVENT=BEGIN_RECOVERY\0";
	cr_assert_eq(eeh_uevent_parse(MSG(b), &u), 0, "not a PCI device");
	static const char c[] =
		"SUBSYSTEM=pci\0ERROR_EVENT=SOMETHING_NEW\0PCI_SLOT_NAME=0000:01:00.0";
	cr_assert_eq(eeh_uevent_parse(MSG(c), &u), 0);
	cr_assert_eq(eeh_uevent_parse(NULL, 5, &u), 0);
	cr_assert_eq(eeh_uevent_parse("", 0, &u), 0);
}

Test(uevent, malformed_device)
{
	struct eeh_uevent u;
	static const char a[] =
		"SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0PCI_SLOT_NAME=garbage\0";
	cr_assert_eq(eeh_uevent_parse(MSG(a), &u), -EINVAL);
	static const char b[] = "SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0"
				"PCI_SLOT_NAME=0000:01:00.0000000000000000000\0";
	cr_assert_eq(eeh_uevent_parse(MSG(b), &u), -EINVAL, "too long: not copied");
	static const char c[] = "SUBSYSTEM=pci\0ERROR_EVENT=BEGIN_RECOVERY\0";
	cr_assert_eq(eeh_uevent_parse(MSG(c), &u), -EINVAL, "no device at all");
}
