/*
 * test_kmsg.c - unit tests of errlog/kmsg.c: /dev/kmsg record parsing (prefix fields,
 * dictionary lines, escaping, malformed input) and MCE/HMI report grouping for every
 * printk variant in docs/spec/kernel-eeh-mce-vpd-rtas.md §2.2/§2.4, plus the conversion
 * to struct ras_event.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errlog/kmsg.h"

static struct kmsg_record rec(const char *s)
{
	struct kmsg_record r;
	struct ras_err e;

	cr_assert_eq(kmsg_record_parse(s, strlen(s), &r, &e), 0, "%s: %s", s, e.msg);
	return r;
}

static const char *attr(const struct ras_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

/* Feed records "level,seq,usec,-;text" built from lines starting at seq; flush at end. */
static int feed_lines(struct kmsg_grouper *g, uint64_t seq, const char *const *lines,
		      struct kmsg_report *out, int max)
{
	int n = 0;
	char buf[1024];

	for (int i = 0; lines[i]; i++) {
		snprintf(buf, sizeof(buf), "4,%llu,%llu,-;%s\n", (unsigned long long)(seq + i),
			 (unsigned long long)(1000 + i), lines[i]);
		struct kmsg_record r = rec(buf);
		kmsg_grouper_feed(g, &r);
		while (n < max && kmsg_grouper_next(g, &out[n]))
			n++;
	}
	kmsg_grouper_flush(g);
	while (n < max && kmsg_grouper_next(g, &out[n]))
		n++;
	return n;
}

Test(kmsg_record, basic_fields)
{
	struct kmsg_record r = rec("6,339,5140900,-;NET: Registered protocol family 10\n");

	cr_assert_eq(r.prio, 6);
	cr_assert_eq(r.level, 6);
	cr_assert_eq(r.facility, 0);
	cr_assert_eq(r.seq, 339);
	cr_assert_eq(r.usec, 5140900);
	cr_assert_eq(r.flags, '-');
	cr_assert_eq(r.text_len, strlen("NET: Registered protocol family 10"));
	cr_assert_eq(memcmp(r.text, "NET: Registered", 15), 0);
	cr_assert_eq(r.dict_len, 0);
}

Test(kmsg_record, facility_caller_and_dict)
{
	const char *s = "30,1000,99,c,caller=T123;pcieport 0000:00:1c.0: AER: x\n"
			" SUBSYSTEM=pci\n DEVICE=+pci:0000:00:1c.0\n";
	struct kmsg_record r = rec(s);
	char v[64];

	cr_assert_eq(r.facility, 3);
	cr_assert_eq(r.level, 6);
	cr_assert_eq(r.flags, 'c');
	cr_assert(kmsg_record_dict(&r, "SUBSYSTEM", v, sizeof(v)));
	cr_assert_str_eq(v, "pci");
	cr_assert(kmsg_record_dict(&r, "DEVICE", v, sizeof(v)));
	cr_assert_str_eq(v, "+pci:0000:00:1c.0");
	cr_assert_not(kmsg_record_dict(&r, "SUBSYS", v, sizeof(v)), "prefix of a key is no match");
}

Test(kmsg_record, no_flags_field_and_no_newline)
{
	struct kmsg_record r = rec("4,2,3;text");

	cr_assert_eq(r.seq, 2);
	cr_assert_eq(r.usec, 3);
	cr_assert_eq(r.text_len, 4);
}

Test(kmsg_record, malformed)
{
	static const char *const bad[] = {
		"",
		"no semicolon at all\n",
		"6;text\n",
		"x,1,2,-;text\n",
		"6,,2,-;text\n",
		"6,1,,-;t\n",
		"6,99999999999999999999999,2,-;overflow\n",
		"6,1,2x,-;t\n",
		"2000,1,2,-;prio too big\n",
		"6,1\n,2,-;newline in prefix\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kmsg_record r;
		struct ras_err e;
		cr_assert_eq(kmsg_record_parse(bad[i], strlen(bad[i]), &r, &e), -EINVAL,
			     "rejects '%s'", bad[i]);
		cr_assert(strstr(e.msg, "kmsg record"), "message: %s", e.msg);
	}
}

Test(kmsg_record, escape_roundtrip)
{
	char out[64], back[64];
	const char in[] = "a\tb\\c\n\x7f";

	kmsg_escape(in, strlen(in), out, sizeof(out));
	cr_assert_str_eq(out, "a\\x09b\\x5cc\\x0a\\x7f");
	cr_assert_eq(kmsg_unescape(out, strlen(out), back, sizeof(back)), strlen(in));
	cr_assert_str_eq(back, in);
	/* incomplete escapes stay literal; NUL becomes '?'; output truncated safely */
	kmsg_unescape("x\\x4", 4, back, sizeof(back));
	cr_assert_str_eq(back, "x\\x4");
	kmsg_unescape("\\x00z", 5, back, sizeof(back));
	cr_assert_str_eq(back, "?z");
	kmsg_unescape("abcdef", 6, back, 4);
	cr_assert_str_eq(back, "abc");
	kmsg_escape("\t\t\t", 3, out, 6);
	cr_assert_str_eq(out, "\\x09", "escape never splits an \\xNN");
}

/* ---- MCE ------------------------------------------------------------------------- */

Test(kmsg_mce, current_host_kernel_mode_with_addresses)
{
	static const char *const l[] = {
		"MCE: CPU3: machine check (Severe)  UE Load/Store DAR: 000000007fff0000 paddr: "
		"0000000001234000 [Not recovered]",
		"MCE: CPU3: NIP: [c000000000123456] memcpy_power7+0x1f4/0x7e0",
		"MCE: CPU3: Initiator CPU",
		"MCE: CPU3: Hardware error",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[4];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 100, l, rep, 4), 1);
	struct kmsg_report *r = &rep[0];
	cr_assert_eq(r->kind, KMSG_REPORT_MCE);
	cr_assert(r->complete);
	cr_assert_eq(r->cpu, 3);
	cr_assert_eq(r->severity, KMSG_SEV_SEVERE);
	cr_assert_str_eq(r->severity_word, "Severe");
	cr_assert_str_eq(r->context, "");
	cr_assert_not(r->guest);
	cr_assert_str_eq(r->error_type, "UE");
	cr_assert_str_eq(r->error_subtype, "Load/Store");
	cr_assert(r->has_ea && r->has_pa);
	cr_assert_eq(r->ea, 0x7fff0000ull);
	cr_assert_eq(r->pa, 0x1234000ull);
	cr_assert_not(r->recovered);
	cr_assert_eq(r->nip, 0xc000000000123456ull);
	cr_assert_str_eq(r->nip_symbol, "memcpy_power7+0x1f4/0x7e0");
	cr_assert_str_eq(r->initiator, "CPU");
	cr_assert_str_eq(r->error_class, "Hardware error");
	cr_assert_eq(r->first_seq, 100);
	cr_assert_eq(r->last_seq, 103);
	cr_assert_eq(r->n_lines, 4);
	cr_assert(strstr(r->text, "Initiator CPU\nMCE: CPU3: Hardware error"));

	struct kmsg_event_buf b;
	struct ras_event ev;
	kmsg_report_to_event(r, "boot-1", 1000000, &b, &ev);
	cr_assert_str_eq(ev.kind, "mce");
	cr_assert_str_eq(ev.source, "kmsg");
	cr_assert_str_eq(ev.dedupe_key, "boot-1:100");
	cr_assert_eq(ev.severity, RAS_SEV_ERROR, "not recovered -> error");
	cr_assert_eq(ev.source_severity, 2);
	cr_assert_str_eq(ev.source_severity_name, "Severe");
	cr_assert_eq(ev.time_us, 1000000 + 1000);
	cr_assert_str_eq(ev.location, "CPU3");
	cr_assert_str_eq(ev.refcode, "UE Load/Store");
	cr_assert_str_eq(attr(&ev, "effective_address"), "0x000000007fff0000");
	cr_assert_str_eq(attr(&ev, "real_address"), "0x0000000001234000");
	cr_assert_str_eq(attr(&ev, "disposition"), "not recovered");
	cr_assert_str_eq(attr(&ev, "context"), "host");
	cr_assert_str_eq(attr(&ev, "initiator"), "CPU");
	cr_assert_str_eq(attr(&ev, "nip_symbol"), "memcpy_power7+0x1f4/0x7e0");
	cr_assert(ev.serviceable);
	cr_assert_eq(ev.raw_len, strlen(r->text));
}

Test(kmsg_mce, old_kernel_samples_from_spec)
{
	/* qemu-devel samples, guest kernels ~5.6: "Host" context word */
	static const char *const l[] = {
		"MCE: CPU0: machine check (Harmless) Host UE Indeterminate [Not recovered]",
		"MCE: CPU0: NIP: [c0080000023a00e8] mcetest_tlbie+0xe8/0xf0 [mcetest_tlbie]",
		"MCE: CPU0: Initiator CPU",
		"MCE: CPU0: Unknown",
		"MCE: CPU0: machine check (Severe) Host SLB Multihit [Recovered]",
		"MCE: CPU0: PID: 495 Comm: a NIP: [0000000130ee07c8]",
		"MCE: CPU0: Initiator CPU",
		"MCE: CPU0: Probable Software error (some chance of hardware cause)",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[4];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 1, l, rep, 4), 2);
	cr_assert_str_eq(rep[0].context, "Host");
	cr_assert_str_eq(rep[0].severity_word, "Harmless");
	cr_assert_str_eq(rep[0].error_type, "UE");
	cr_assert_str_eq(rep[0].error_subtype, "Indeterminate");
	cr_assert_not(rep[0].recovered);
	cr_assert_not(rep[0].has_ea);
	cr_assert_str_eq(rep[0].nip_symbol, "mcetest_tlbie+0xe8/0xf0 [mcetest_tlbie]");
	cr_assert_str_eq(rep[0].error_class, "Unknown");
	cr_assert(rep[0].complete);

	cr_assert_str_eq(rep[1].error_type, "SLB");
	cr_assert_str_eq(rep[1].error_subtype, "Multihit");
	cr_assert(rep[1].recovered);
	cr_assert(rep[1].has_pid);
	cr_assert_eq(rep[1].pid, 495);
	cr_assert_str_eq(rep[1].comm, "a");
	cr_assert_eq(rep[1].nip, 0x130ee07c8ull);
	cr_assert_str_eq(rep[1].error_class,
			 "Probable Software error (some chance of hardware cause)");
	cr_assert_eq(rep[1].first_seq, 5);

	struct kmsg_event_buf b;
	struct ras_event ev;
	kmsg_report_to_event(&rep[1], "b", 0, &b, &ev);
	cr_assert_eq(ev.severity, RAS_SEV_WARNING, "recovered -> warning");
	cr_assert_eq(ev.time_us, 0);
	cr_assert_str_eq(attr(&ev, "pid"), "495");
}

Test(kmsg_mce, guest_with_spaces_in_comm_and_paddr_on_line2)
{
	static const char *const l[] = {
		"MCE: CPU12: machine check (Fatal) Guest Real address Load/Store (foreign/control "
		"memory) [Not recovered]",
		"MCE: CPU12: PID: 4242 Comm: CPU 3/KVM Guest NIP: [00007fffa0001234] paddr: "
		"00000000deadb000",
		"MCE: CPU12: Initiator Memory",
		"MCE: CPU12: Probable Hardware error (some chance of software cause)",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[2];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 7, l, rep, 2), 1);
	cr_assert(rep[0].guest);
	cr_assert_str_eq(rep[0].context, "Guest");
	cr_assert_str_eq(rep[0].error_type, "Real address");
	cr_assert_str_eq(rep[0].error_subtype, "Load/Store (foreign/control memory)");
	cr_assert_str_eq(rep[0].comm, "CPU 3/KVM");
	cr_assert_eq(rep[0].pid, 4242);
	cr_assert_eq(rep[0].nip, 0x7fffa0001234ull);
	cr_assert(rep[0].has_pa);
	cr_assert_eq(rep[0].pa, 0xdeadb000ull);
	cr_assert_not(rep[0].has_ea);
	cr_assert_str_eq(rep[0].initiator, "Memory");

	struct kmsg_event_buf b;
	struct ras_event ev;
	kmsg_report_to_event(&rep[0], "b", 0, &b, &ev);
	cr_assert_eq(ev.severity, RAS_SEV_CRITICAL, "fatal -> critical");
	cr_assert_str_eq(attr(&ev, "context"), "guest");
	cr_assert_str_eq(attr(&ev, "comm"), "CPU 3/KVM");
}

Test(kmsg_mce, every_type_and_unknowns)
{
	for (int t = 0; t < 10; t++) {
		const char *sub =
			kmsg_mce_types[t].subtypes[0] ? kmsg_mce_types[t].subtypes[0] : "";
		char l1[256];
		const char *l[] = { l1, "MCE: CPU1: NIP: [c000000000000000] x+0x0/0x4",
				    "MCE: CPU1: Initiator Unknown", "MCE: CPU1: Software error",
				    NULL };
		struct kmsg_grouper g;
		struct kmsg_report rep[2];

		snprintf(l1, sizeof(l1), "MCE: CPU1: machine check (Warning)  %s %s [Recovered]",
			 kmsg_mce_types[t].name, sub);
		kmsg_grouper_init(&g);
		cr_assert_eq(feed_lines(&g, 1, l, rep, 2), 1);
		cr_assert_str_eq(rep[0].error_type, kmsg_mce_types[t].name);
		cr_assert_str_eq(rep[0].error_subtype, sub, "type %d", t);
		cr_assert(rep[0].complete);
	}
	/* out-of-range subtype prints "Unknown"; an unknown severity word means Fatal */
	static const char *const l[] = {
		"MCE: CPU2: machine check (Bogus)  TLB Unknown [Recovered]", NULL
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[2];
	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 1, l, rep, 2), 1);
	cr_assert_str_eq(rep[0].error_subtype, "Unknown");
	cr_assert_eq(rep[0].severity, KMSG_SEV_FATAL);
	cr_assert_not(rep[0].complete, "only line 1 seen");
}

Test(kmsg_mce, interrupted_reports)
{
	static const char *const l[] = {
		"MCE: CPU1: machine check (Warning)  ERAT Parity [Recovered]",
		"MCE: CPU1: NIP: [c000000000000010] foo+0x10/0x20",
		"random unrelated line",
		"MCE: CPU1: Initiator CPU", /* stray continuation: not a report */
		"MCE: CPU4: machine check (Warning)  TLB Multihit [Recovered]",
		"MCE: CPU5: machine check (Warning)  SLB Parity [Recovered]",
		"MCE: CPU5: NIP: [c000000000000010] foo+0x10/0x20",
		"MCE: CPU4: Initiator CPU", /* other CPU: ends CPU5's report */
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[8];

	kmsg_grouper_init(&g);
	int n = feed_lines(&g, 10, l, rep, 8);
	cr_assert_eq(n, 3);
	cr_assert_eq(rep[0].cpu, 1);
	cr_assert_not(rep[0].complete);
	cr_assert_eq(rep[0].n_lines, 2);
	cr_assert_eq(rep[1].cpu, 4);
	cr_assert_eq(rep[1].n_lines, 1);
	cr_assert_eq(rep[2].cpu, 5);
	cr_assert_eq(rep[2].n_lines, 2);
	cr_assert_not(kmsg_grouper_pending(&g, NULL));
}

Test(kmsg_mce, pending_and_timeout_flush)
{
	struct kmsg_grouper g;
	struct kmsg_report out;
	uint64_t since = 0;

	kmsg_grouper_init(&g);
	struct kmsg_record r = rec("3,5,777,-;MCE: CPU0: machine check (Fatal)  UE Load/Store "
				   "[Not recovered]\n");
	cr_assert(kmsg_grouper_feed(&g, &r));
	cr_assert(kmsg_grouper_pending(&g, &since));
	cr_assert_eq(since, 777);
	cr_assert_not(kmsg_grouper_next(&g, &out));
	kmsg_grouper_flush(&g);
	cr_assert(kmsg_grouper_next(&g, &out));
	cr_assert_eq(out.level, 3);
	cr_assert_not(kmsg_grouper_next(&g, &out));
}

Test(kmsg_mce, queue_overflow_counts_drops)
{
	struct kmsg_grouper g;
	char buf[256];

	kmsg_grouper_init(&g);
	for (int i = 0; i < KMSG_GROUPER_QUEUE + 3; i++) {
		snprintf(buf, sizeof(buf),
			 "4,%d,1,-;MCE: CPU%d: machine check (Warning)  UE Indeterminate "
			 "[Recovered]\n",
			 i, i);
		struct kmsg_record r = rec(buf);
		kmsg_grouper_feed(&g, &r);
	}
	kmsg_grouper_flush(&g);
	cr_assert_eq(g.dropped, 3);
}

/* ---- HMI ----------------------------------------------------------------------------- */

Test(kmsg_hmi, warning_timer_error_with_tfmr)
{
	static const char *const l[] = {
		" Hypervisor Maintenance interrupt [Recovered]",
		" Error detail: Timer facility experienced an error",
		"\\x09HMER: 2040000000000000",
		"\\x09TFMR: 0040000000000000",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[2];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 50, l, rep, 2), 1);
	cr_assert_eq(rep[0].kind, KMSG_REPORT_HMI);
	cr_assert_str_eq(rep[0].severity_word, "");
	cr_assert_eq(rep[0].severity, KMSG_SEV_WARNING);
	cr_assert(rep[0].recovered);
	cr_assert_eq(rep[0].hmi_type, 4);
	cr_assert_eq(rep[0].hmer, 0x2040000000000000ull);
	cr_assert(rep[0].has_tfmr);
	cr_assert_eq(rep[0].tfmr, 0x0040000000000000ull);
	cr_assert(rep[0].complete);
	cr_assert_eq(rep[0].last_seq, 53);

	struct kmsg_event_buf b;
	struct ras_event ev;
	kmsg_report_to_event(&rep[0], "b", 0, &b, &ev);
	cr_assert_str_eq(ev.kind, "hmi");
	cr_assert_eq(ev.severity, RAS_SEV_WARNING);
	cr_assert_str_eq(ev.refcode, "Timer facility experienced an error");
	cr_assert_str_eq(attr(&ev, "tfmr"), "0x0040000000000000");
	cr_assert_str_eq(attr(&ev, "hmi_type"), "4");
}

Test(kmsg_hmi, harmless_completes_after_hmer)
{
	static const char *const l[] = {
		"Harmless Hypervisor Maintenance interrupt [Recovered]",
		" Error detail: Processor Recovery done",
		"\tHMER: 8000000000000000",
		"next unrelated",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[2];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 1, l, rep, 2), 1);
	cr_assert_eq(rep[0].severity, KMSG_SEV_HARMLESS);
	cr_assert_eq(rep[0].hmi_type, 1);
	cr_assert_eq(rep[0].n_lines, 3);
}

Test(kmsg_hmi, fatal_v2_core_checkstop)
{
	static const char *const l[] = {
		"Fatal Hypervisor Maintenance interrupt [Not recovered]",
		" Error detail: Malfunction Alert",
		"\\x09HMER: 8000000000000000",
		"\\x09CPU PIR: 00000808",
		"\\x09[Unit: PC ] Logic core check stop",
		"\\x09[Unit: LSU] Forward Progress Error",
		"Kernel panic - not syncing: Unrecoverable HMI exception",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[2];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 1, l, rep, 2), 1);
	cr_assert_eq(rep[0].severity, KMSG_SEV_FATAL);
	cr_assert_not(rep[0].recovered);
	cr_assert_eq(rep[0].hmi_type, 0);
	cr_assert(rep[0].has_pir);
	cr_assert_eq(rep[0].pir, 0x808);
	cr_assert_str_eq(rep[0].xstop,
			 "[Unit: PC ] Logic core check stop; [Unit: LSU] Forward Progress Error");
	cr_assert_eq(rep[0].n_lines, 6);

	struct kmsg_event_buf b;
	struct ras_event ev;
	kmsg_report_to_event(&rep[0], "b", 0, &b, &ev);
	cr_assert_eq(ev.severity, RAS_SEV_CRITICAL);
	cr_assert_str_eq(ev.location, "PIR 0x00000808");
	cr_assert(strstr(attr(&ev, "checkstop"), "Forward Progress"));
}

Test(kmsg_hmi, old_spelling_nx_npu_and_unknown)
{
	static const char *const l[] = {
		"Severe Hypervisor Maintenance interrupt [Not recovered]",
		" Error detail: UPS (Uniterrupted Power System) Overflow indication",
		"\\x09HMER: 0000000000000001",
		"Severe Hypervisor Maintenance interrupt [Not recovered]",
		" Error detail: Malfunction Alert",
		"\\x09HMER: 0000000000000002",
		"\\x09NX checkstop on CHIP ID: 8",
		"\\x09[Unit: DMA] DMA & Engine",
		"Severe Hypervisor Maintenance interrupt [Recovered]",
		" Error detail: Something new",
		"\\x09HMER: 0000000000000003",
		NULL,
	};
	struct kmsg_grouper g;
	struct kmsg_report rep[4];

	kmsg_grouper_init(&g);
	cr_assert_eq(feed_lines(&g, 1, l, rep, 4), 3);
	cr_assert_eq(rep[0].hmi_type, 6);
	cr_assert_eq(rep[0].severity, KMSG_SEV_SEVERE);
	cr_assert_str_eq(rep[1].xstop, "NX checkstop on CHIP ID: 8; [Unit: DMA] DMA & Engine");
	cr_assert_eq(rep[2].hmi_type, -1);
	cr_assert_str_eq(rep[2].hmi_detail, "Something new");
	cr_assert(rep[2].complete);
}

Test(kmsg_hmi, unrelated_records_pass_through)
{
	struct kmsg_grouper g;
	struct kmsg_report out;

	kmsg_grouper_init(&g);
	struct kmsg_record r = rec("6,1,1,-;EEH: PowerNV platform initialized\n");
	cr_assert_not(kmsg_grouper_feed(&g, &r));
	r = rec("6,2,1,-; Error detail: without a header\n");
	cr_assert_not(kmsg_grouper_feed(&g, &r));
	r = rec("6,3,1,-;MCE: CPU0: machine check (Warning\n");
	cr_assert_not(kmsg_grouper_feed(&g, &r), "unparsable header is not a report");
	kmsg_grouper_flush(&g);
	cr_assert_not(kmsg_grouper_next(&g, &out));
}
