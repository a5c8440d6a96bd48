/*
 * test_line.c - unit tests of eeh_line.c: every kernel EEH log line format of spec 1.5
 * (new and pre-v5.5 wordings), the per-device prefix, kmsg/dmesg prefixes, escapes and
 * malformed input.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "eeh/eeh.h"

static struct eeh_line L(const char *s) {
	struct eeh_line l;
	eeh_line_parse(s, strlen(s), &l);
	return l;
}

struct kcase {
	const char *text;
	enum eeh_line_kind kind;
	int phb, pe; /* -1: not set */
};

static const struct kcase cases[] = {
	{ "EEH: Frozen PE#1fa on PHB#30 detected", EEH_LINE_DETECTED, 0x30, 0x1fa },
	{ "EEH: eeh_dev_check_failure: Frozen PHB#30-PE#1fa detected", EEH_LINE_DETECTED, 0x30,
	  0x1fa },
	{ "EEH: Fenced PHB#1 detected, location: U78D2.001.WZS0001-P1", EEH_LINE_FENCED_PHB, 1,
	  -1 },
	{ "EEH: dead PHB#2 detected, location: N/A", EEH_LINE_DEAD_PHB, 2, -1 },
	{ "EEH: dead IOC detected", EEH_LINE_DEAD_IOC, -1, -1 },
	{ "EEH: Recovering PHB#30-PE#1fa", EEH_LINE_RECOVERING, 0x30, 0x1fa },
	{ "EEH: Recovering PHB#5, location: N/A", EEH_LINE_RECOVERING, 5, -1 },
	{ "EEH: Frozen PHB#18-PE#10000 detected", EEH_LINE_FROZEN, 0x18, 0x10000 },
	{ "EEH: Detected PCI bus error on PHB#3-PE#2", EEH_LINE_FROZEN, 3, 2 },
	{ "EEH: PHB#4 failure detected, location: U78C9.001.WZS007X-P1", EEH_LINE_PHB_FAILURE, 4,
	  -1 },
	{ "EEH: PE location: N/A, PHB location: N/A", EEH_LINE_LOCATION, -1, -1 },
	{ "EEH: This PCI device has failed 3 times in the last hour and will be permanently "
	  "disabled after 5 failures.",
	  EEH_LINE_FREEZE_COUNT, -1, -1 },
	{ "EEH: PHB#30-PE#1fa has failed 6 times in the last hour and has been permanently "
	  "disabled.",
	  EEH_LINE_PERM_DISABLED, 0x30, 0x1fa },
	{ "EEH: PHB#30-PE#1fa has failed 6 times in the\\x0alast hour and has been permanently "
	  "disabled.\\x0aPlease try reseating or replacing it.",
	  EEH_LINE_PERM_DISABLED, 0x30, 0x1fa },
	{ "EEH: Permanent failure", EEH_LINE_PERMANENT_FAILURE, -1, -1 },
	{ "EEH: Finished:'error_detected(IO frozen)' with aggregate recovery state:'need reset'",
	  EEH_LINE_AGGREGATE, -1, -1 },
	{ "EEH: Failure -5 resetting PHB#30-PE#1fa (attempt 3)", EEH_LINE_RESET_FAILURE, 0x30,
	  0x1fa },
	{ "EEH: Unrecoverable slot failure on PHB#30-PE#1fa", EEH_LINE_UNRECOVERABLE, 0x30, 0x1fa },
	{ "EEH: Recovery successful.", EEH_LINE_SUCCESS, -1, -1 },
	{ "EEH: Unable to recover from failure from PHB#30-PE#1fa.\\x0aPlease try reseating or "
	  "replacing it",
	  EEH_LINE_FAILED, 0x30, 0x1fa },
	{ "EEH: Unable to recover from failure from PHB#30-PE#1fa.\nPlease try reseating or "
	  "replacing it",
	  EEH_LINE_FAILED, 0x30, 0x1fa },
	{ "EEH: Failure of PHB#30-PE#1fb will be handled at parent PHB#30-PE#1fa.", EEH_LINE_PARENT,
	  0x30, 0x1fa },
	{ "EEH: Clear non-existing PHB#0-PE#ff", EEH_LINE_CLEAR, 0, 0xff },
	{ "EEH: Event dropped due to no_recover setting", EEH_LINE_EVENT_DROPPED, -1, -1 },
	{ "EEH: Notify device drivers to shutdown", EEH_LINE_OTHER, -1, -1 },
	{ "EEH: PowerNV platform initialized", EEH_LINE_OTHER, -1, -1 },
	{ "PCI 0030:01:00.0#01fa: EEH: tg3 driver reports: 'need reset'", EEH_LINE_DRIVER_REPORT,
	  0x30, 0x1fa },
	{ "PCI 0030:01:00.0#01fa: EEH: Invoking tg3->error_detected(IO frozen)", EEH_LINE_DEVICE,
	  0x30, 0x1fa },
	{ "PCI 0018:01:00.0#10000: EEH: Invoking nvme->error_detected(IO frozen)", EEH_LINE_DEVICE,
	  0x18, 0x10000 },
	{ "PCI 0000:00:00.0#ffff: EEH: no device", EEH_LINE_DEVICE, 0, -1 },
	{ "pnv_eeh_err_inject: Failure -1 injecting error 0-5 to PHB#30-PE#1fa",
	  EEH_LINE_INJECT_FAILURE, 0x30, 0x1fa },
	{ "eeh_unfreeze_pe: Failure -5 enabling DMA on PHB#1-PE#2", EEH_LINE_OTHER, 1, 2 },
	/* not EEH */
	{ "MCE: CPU0: machine check (Warning) Host UE Load/Store [Recovered]", EEH_LINE_NONE, -1,
	  -1 },
	{ "", EEH_LINE_NONE, -1, -1 },
	{ "EEH:", EEH_LINE_NONE, -1, -1 },
	{ "PCI 0030:01:00.0: something", EEH_LINE_NONE, -1, -1 },
};

Test(line, every_format)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kcase *c = &cases[i];
		struct eeh_line l = L(c->text);
		cr_assert_eq(l.kind, c->kind, "\"%s\": kind %s, expected %s", c->text,
			     eeh_line_kind_name(l.kind), eeh_line_kind_name(c->kind));
		if (c->phb >= 0) {
			cr_assert(l.have_phb, "\"%s\": no PHB", c->text);
			cr_assert_eq(l.phb, (uint32_t)c->phb, "\"%s\": phb %x", c->text, l.phb);
		}
		if (c->pe >= 0) {
			cr_assert(l.have_pe, "\"%s\": no PE", c->text);
			cr_assert_eq(l.pe, (uint32_t)c->pe, "\"%s\": pe %x", c->text, l.pe);
		} else if (c->kind != EEH_LINE_NONE) {
			cr_assert_not(l.have_pe, "\"%s\": unexpected PE", c->text);
		}
	}
}

Test(line, fields)
{
	struct eeh_line l = L("EEH: PE location: U78D2.001.WZS0001-P1-C9, PHB location: N/A");
	cr_assert_str_eq(l.pe_loc, "U78D2.001.WZS0001-P1-C9");
	cr_assert_str_eq(l.phb_loc, "N/A");

	l = L("EEH: This PCI device has failed 4 times in the last hour and will be permanently "
	      "disabled after 5 failures.");
	cr_assert_eq(l.count, 4);
	cr_assert_eq(l.max, 5);

	l = L("EEH: PHB#30-PE#1fa has failed 6 times in the last hour and has been permanently "
	      "disabled.");
	cr_assert_eq(l.count, 6);

	l = L("PCI 0030:01:00.0#01fa: EEH: tg3 driver reports: 'need reset'");
	cr_assert_str_eq(l.bdf, "0030:01:00.0");
	cr_assert_str_eq(l.driver, "tg3");
	cr_assert_str_eq(l.word, "need reset");

	l = L("EEH: Finished:'slot_reset' with aggregate recovery state:'recovered'");
	cr_assert_str_eq(l.word, "recovered");

	l = L("EEH: Fenced PHB#1 detected, location: U78D2.001.WZS0001-P1");
	cr_assert_str_eq(l.phb_loc, "U78D2.001.WZS0001-P1");

	l = L("EEH: Failure -5 resetting PHB#30-PE#1fa (attempt 3)");
	cr_assert_eq(l.rc, -5);
	cr_assert_eq(l.count, 3);
}

Test(line, prefixes_skipped)
{
	struct eeh_line l = L("3,1234,56789012,-;EEH: Recovering PHB#30-PE#1fa");
	cr_assert_eq(l.kind, EEH_LINE_RECOVERING);
	cr_assert_eq(l.pe, 0x1fa);
	l = L("[  123.456789] EEH: Recovery successful.");
	cr_assert_eq(l.kind, EEH_LINE_SUCCESS);
	l = L("<3>EEH: Frozen PE#2 on PHB#1 detected");
	cr_assert_eq(l.kind, EEH_LINE_DETECTED);
	l = L("4,99,1,-,caller=T123;EEH: Recovering PHB#1-PE#2");
	cr_assert_eq(l.kind, EEH_LINE_RECOVERING);
}

Test(line, length_is_honoured)
{
	const char *s = "EEH: Recovering PHB#30-PE#1fa";
	struct eeh_line l;
	/* cut inside the PE number: "...PE#1f" */
	eeh_line_parse(s, strlen(s) - 1, &l);
	cr_assert_eq(l.kind, EEH_LINE_RECOVERING);
	cr_assert_eq(l.pe, 0x1f);
	eeh_line_parse(s, 5, &l);
	cr_assert_eq(l.kind, EEH_LINE_OTHER);
	eeh_line_parse(NULL, 10, &l);
	cr_assert_eq(l.kind, EEH_LINE_NONE);
}

Test(line, malformed_numbers_rejected)
{
	cr_assert_eq(L("EEH: Recovering PHB#123456789-PE#1").kind, EEH_LINE_OTHER, "9 hex digits");
	cr_assert_eq(L("EEH: Recovering PHB#-PE#1").kind, EEH_LINE_OTHER);
	cr_assert_eq(L("EEH: Recovering PHB#30-PE#1fa trailing").kind, EEH_LINE_OTHER);
	cr_assert_eq(L("EEH: This PCI device has failed 99999999999 times in the last hour").kind,
		     EEH_LINE_OTHER);
	cr_assert_eq(L("PCI 0030:01:20.0#01fa: EEH: x").kind, EEH_LINE_NONE, "device 0x20 > 0x1f");
}

Test(line, long_line_truncated_safely)
{
	static char big[5000];
	memset(big, 'A', sizeof(big));
	memcpy(big, "EEH: PE location: ", 18);
	struct eeh_line l;
	eeh_line_parse(big, sizeof(big), &l);
	cr_assert_eq(l.kind, EEH_LINE_OTHER, "no \", PHB location\" within the copied prefix");
	cr_assert_str_eq(eeh_line_kind_name(EEH_LINE__COUNT), "unknown");
}
