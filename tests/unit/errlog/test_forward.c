/*
 * test_forward.c - the guest-visible event classifier (table-driven: one row per case,
 * including the near misses), the forward: configuration (defaults, every key, errors),
 * and the QMP reader: framing across arbitrary splits, interleaved events, ids,
 * malformed and over-long lines that are consumed and reported, command encoding.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "errlog/forward.h"
#include "errlog/qmp_msg.h"

static struct ydoc_node *doc;

static int load(const char *yaml, struct fwd_config *c, struct ras_err *e)
{
	doc = NULL;
	cr_assert_eq(ydoc_load_buf(yaml, strlen(yaml), "t", &doc, e), 0, "%s", e->msg);
	return fwd_config_load(ydoc_get(doc, "forward"), c, e);
}

static void fini(void)
{
	ydoc_free(doc);
	doc = NULL;
}

TestSuite(forward, .fini = fini);

Test(forward, classifier_table)
{
	struct fwd_config c;
	struct ras_err e;
	cr_assert_eq(load("forward:\n  qmp: [/run/q.sock]\n  epow_src: [1100261]\n", &c, &e), 0,
		     "%s", e.msg);
	static const struct {
		struct fwd_facts f;
		enum fwd_class want;
	} t[] = {
		/* EEH on a guest's PE */
		{ { "eeh", "eeh-failed", "PCI EEH", "vm1", RAS_SEV_CRITICAL }, FWD_EEH_FAILED },
		{ { "eeh", "eeh-freeze", "PCI EEH", "vm1", RAS_SEV_WARNING }, FWD_EEH_FREEZE },
		{ { "eeh", "eeh-failed", "PCI EEH", NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		{ { "eeh", "eeh-failed", "PCI EEH", "", RAS_SEV_CRITICAL }, FWD_NONE },
		{ { "eeh", "eeh-recovered", "PCI EEH", "vm1", RAS_SEV_WARNING }, FWD_NONE },
		{ { "eeh", "eeh-near-limit", "PCI EEH", "vm1", RAS_SEV_WARNING }, FWD_NONE },
		/* EPOW: power/cooling/environment at critical severity */
		{ { "pel", "11002610", "Power Supply", NULL, RAS_SEV_CRITICAL }, FWD_EPOW },
		{ { "pel", "B1812345", "Fan (Air Moving Devices)", NULL, RAS_SEV_CRITICAL },
		  FWD_EPOW },
		{ { "pel", "B1812345", "Power/Cooling", NULL, RAS_SEV_CRITICAL }, FWD_EPOW },
		{ { "pel", "B1812345", "Room Ambient Temperature", NULL, RAS_SEV_CRITICAL },
		  FWD_EPOW },
		{ { "pel", "B1812345", "Input Power Source (AC)", NULL, RAS_SEV_CRITICAL },
		  FWD_EPOW },
		{ { "pel", "B1812345", "Power Supply", NULL, RAS_SEV_ERROR }, FWD_NONE },
		{ { "pel", "B1812345", "Memory", NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		{ { "pel", "B1812345", NULL, NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		/* the configured SRC list (a prefix, any subsystem and severity) */
		{ { "pel", "11002613", "Memory", NULL, RAS_SEV_INFO }, FWD_EPOW },
		{ { "pel", "1100261", "Memory", NULL, RAS_SEV_INFO }, FWD_EPOW },
		{ { "pel", "110026", "Memory", NULL, RAS_SEV_INFO }, FWD_NONE },
		{ { "sel", "1100261A", NULL, NULL, RAS_SEV_WARNING }, FWD_EPOW },
		/* SEL: IPMI sensor types, critical only */
		{ { "sel", "01/01", "Temperature", NULL, RAS_SEV_CRITICAL }, FWD_EPOW },
		{ { "sel", "01/01", "Fan", NULL, RAS_SEV_CRITICAL }, FWD_EPOW },
		{ { "sel", "01/01", "Power Unit", NULL, RAS_SEV_CRITICAL }, FWD_EPOW },
		{ { "sel", "01/01", "Temperature", NULL, RAS_SEV_WARNING }, FWD_NONE },
		{ { "sel", "01/01", "Memory", NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		/* the PEL name of fans is not a sensor type, and the reverse */
		{ { "sel", "01/01", "Fan (Air Moving Devices)", NULL, RAS_SEV_CRITICAL },
		  FWD_NONE },
		{ { "pel", "B1812345", "Fan", NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		/* memory errors only when the event names the guest */
		{ { "mce", "ue", "Memory", "vm2", RAS_SEV_ERROR }, FWD_MEMORY },
		{ { "mce", "ue", "Memory", NULL, RAS_SEV_ERROR }, FWD_NONE },
		{ { "prd-mem", NULL, NULL, "vm2", RAS_SEV_ERROR }, FWD_MEMORY },
		/* everything else */
		{ { "hmi", NULL, NULL, "vm1", RAS_SEV_CRITICAL }, FWD_NONE },
		{ { "dump", NULL, "Power Supply", NULL, RAS_SEV_CRITICAL }, FWD_NONE },
		{ { NULL, NULL, NULL, NULL, 0 }, FWD_NONE },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		cr_expect_eq(fwd_classify(&c, &t[i].f), t[i].want, "row %zu: %s/%s/%s -> %s", i,
			     t[i].f.kind ? t[i].f.kind : "-", t[i].f.refcode ? t[i].f.refcode : "-",
			     t[i].f.subsystem ? t[i].f.subsystem : "-",
			     fwd_class_name(fwd_classify(&c, &t[i].f)));
	/* Without a configuration (no SRC list) the subsystem rule still holds. */
	struct fwd_facts f = { "pel", "11002613", "Memory", NULL, RAS_SEV_INFO };
	cr_expect_eq(fwd_classify(NULL, &f), FWD_NONE);
	struct ras_event ev = { .kind = "pel",
				.subsystem = "Power Supply",
				.severity = RAS_SEV_CRITICAL };
	fwd_facts_from_event(&ev, &f);
	cr_expect_eq(fwd_classify(NULL, &f), FWD_EPOW);
}

Test(forward, config_defaults_and_keys)
{
	struct fwd_config c;
	struct ras_err e;

	cr_assert_eq(fwd_config_load(NULL, &c, &e), 0);
	cr_expect_not(c.enabled);
	cr_expect_eq(c.action[FWD_EPOW], FWD_ACT_POWERDOWN);
	cr_expect_eq(c.action[FWD_EEH_FAILED], FWD_ACT_DEVICE_DEL);
	cr_expect_eq(c.action[FWD_EEH_FREEZE], FWD_ACT_RECORD);
	cr_expect_eq(c.action[FWD_MEMORY], FWD_ACT_RECORD);
	cr_expect_eq(c.timeout_us, 5000000);
	cr_expect_eq(c.device_del_timeout_us, 30000000);
	cr_expect_eq(c.retries, 3);

	cr_assert_eq(load("forward:\n"
			  "  qmp: [/run/qemu/*.qmp, /var/lib/vm1.sock]\n"
			  "  timeout: 1500ms\n"
			  "  device_del_timeout: 1m\n"
			  "  retries: 0\n"
			  "  retry_backoff: 2s\n"
			  "  actions: {epow: record, eeh-freeze: none, memory: none}\n"
			  "  devices: {\"0030:01:00.0\": hostdev0}\n",
			  &c, &e),
		     0, "%s", e.msg);
	fini();
	cr_expect(c.enabled);
	cr_expect_eq(c.n_qmp, 2);
	cr_expect_eq(c.timeout_us, 1500000);
	cr_expect_eq(c.device_del_timeout_us, 60000000);
	cr_expect_eq(c.retries, 0);
	cr_expect_eq(c.retry_backoff_us, 2000000);
	cr_expect_eq(c.action[FWD_EPOW], FWD_ACT_RECORD);
	cr_expect_eq(c.action[FWD_EEH_FREEZE], FWD_ACT_NONE);
	cr_expect_eq(c.action[FWD_EEH_FAILED], FWD_ACT_DEVICE_DEL);
	cr_expect_eq(c.n_devices, 1);
	/* a single string is a list of one */
	cr_assert_eq(load("forward:\n  qmp: /run/one.sock\n", &c, &e), 0, "%s", e.msg);
	cr_expect_eq(c.n_qmp, 1);
	cr_expect_str_eq(c.qmp[0], "/run/one.sock");
}

Test(forward, config_errors)
{
	static const struct {
		const char *yaml, *msg;
	} t[] = {
		{ "forward: [a]\n", "must be a mapping" },
		{ "forward:\n  qmpp: [/a]\n", "unknown key \"qmpp\"" },
		{ "forward:\n  qmp: [run/q.sock]\n", "not an absolute path" },
		{ "forward:\n  qmp: [{a: b}]\n", "list of strings" },
		{ "forward:\n  timeout: soon\n", "" },
		{ "forward:\n  timeout: 0\n", "positive" },
		{ "forward:\n  retries: -1\n", "" },
		{ "forward:\n  actions: {epow: reboot}\n", "unknown action \"reboot\"" },
		{ "forward:\n  actions: {thermal: record}\n", "unknown class \"thermal\"" },
		{ "forward:\n  actions: {epow: device_del}\n", "only for eeh classes" },
		{ "forward:\n  actions: [epow]\n", "actions must map" },
		{ "forward:\n  devices: [a]\n", "devices must map" },
		{ "forward:\n  devices: {\"0030:01:00.0\": [x]}\n", "must be a string" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fwd_config c;
		struct ras_err e = { 0 };
		int rc = load(t[i].yaml, &c, &e);
		cr_expect_eq(rc, -EINVAL, "row %zu: rc %d", i, rc);
		cr_expect(strstr(e.msg, t[i].msg) != NULL, "row %zu: %s", i, e.msg);
		fini();
	}
}

Test(forward, names_round_trip)
{
	for (int c = 1; c < FWD_N; c++)
		cr_expect_eq(fwd_class_parse(fwd_class_name((enum fwd_class)c)), c);
	cr_expect_eq(fwd_class_parse("bogus"), FWD_NONE);
	cr_expect_eq(fwd_action_parse("device_del"), FWD_ACT_DEVICE_DEL);
	cr_expect_eq(fwd_action_parse("nope"), -1);
	cr_expect_str_eq(fwd_action_name(FWD_ACT_POWERDOWN), "powerdown");
}

/* ---- QMP reader -------------------------------------------------------------------- */

static const char stream[] =
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}}, "
	"\"capabilities\": [\"oob\"]}}\r\n"
	"{\"return\": {}, \"id\": \"opal-ras-1\"}\r\n"
	"{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"POWERDOWN\"}\r\n"
	"{\"return\": {}, \"id\": \"opal-ras-2\"}\r\n"
	"{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"DEVICE_DELETED\", "
	"\"data\": {\"device\": \"net0\", \"path\": \"/machine/peripheral/net0\"}}\r\n"
	"{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'nope' not found\"}, "
	"\"id\": 7}\r\n";

static void check_stream(struct qmp_reader *r)
{
	struct qmp_msg m;
	struct ras_err e;

	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_GREETING);
	qmp_msg_free(&m);
	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_RETURN);
	cr_expect_str_eq(m.id, "opal-ras-1");
	qmp_msg_free(&m);
	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_EVENT);
	cr_expect_str_eq(m.event, "POWERDOWN");
	cr_expect_null(m.data);
	cr_expect_str_eq(m.id, "");
	qmp_msg_free(&m);
	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_str_eq(m.id, "opal-ras-2");
	qmp_msg_free(&m);
	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_str_eq(m.event, "DEVICE_DELETED");
	cr_expect_str_eq(json_string_value(json_object_get(m.data, "device")), "net0");
	qmp_msg_free(&m);
	cr_assert_eq(qmp_reader_next(r, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_ERROR);
	cr_expect_str_eq(m.err_class, "DeviceNotFound");
	cr_expect_str_eq(m.err_desc, "Device 'nope' not found");
	cr_expect_str_eq(m.id, "7");
	qmp_msg_free(&m);
	cr_expect_eq(qmp_reader_next(r, &m, &e), 0);
	cr_expect_eq(r->len, 0);
}

Test(qmp_reader, whole_and_every_split)
{
	struct qmp_reader r;
	struct ras_err e;
	size_t n = strlen(stream);

	qmp_reader_init(&r, 0);
	cr_assert_eq(qmp_reader_feed(&r, stream, n, &e), 0);
	check_stream(&r);
	qmp_reader_free(&r);
	/* Byte by byte: nothing is reported before its newline. */
	qmp_reader_init(&r, 0);
	size_t got = 0;
	for (size_t i = 0; i < n; i++) {
		struct qmp_msg m;
		cr_assert_eq(qmp_reader_feed(&r, stream + i, 1, &e), 0);
		int rc = qmp_reader_next(&r, &m, &e);
		cr_assert_geq(rc, 0, "%s", e.msg);
		if (rc == 1) {
			cr_expect_eq(stream[i], '\n', "message before its newline at %zu", i);
			got++;
			qmp_msg_free(&m);
		}
	}
	cr_expect_eq(got, 6);
	qmp_reader_free(&r);
	/* Every two-piece split. */
	for (size_t cut = 1; cut < n; cut += 7) {
		qmp_reader_init(&r, 0);
		qmp_reader_feed(&r, stream, cut, &e);
		qmp_reader_feed(&r, stream + cut, n - cut, &e);
		check_stream(&r);
		qmp_reader_free(&r);
	}
}

Test(qmp_reader, malformed_lines_are_consumed)
{
	static const struct {
		const char *line;
		int rc;
	} t[] = {
		{ "not json\n", -EBADMSG },
		{ "[1, 2]\n", -EBADMSG },
		{ "{\"foo\": 1}\n", -EBADMSG },
		{ "{\"error\": \"text\"}\n", -EBADMSG },
		{ "{\"error\": {\"desc\": \"no class\"}}\n", -EBADMSG },
		{ "{\"event\": \"X\", \"data\": 5}\n", -EBADMSG },
		{ "{\"return\": 1, \"return\": 2}\n", -EBADMSG },
		{ "{\"return\": {}\n", -EBADMSG },
		{ "\"\\u0000\"\n", -EBADMSG },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct qmp_reader r;
		struct qmp_msg m;
		struct ras_err e;
		qmp_reader_init(&r, 0);
		qmp_reader_feed(&r, t[i].line, strlen(t[i].line), &e);
		qmp_reader_feed(&r, "{\"return\": {}}\n", 15, &e);
		cr_expect_eq(qmp_reader_next(&r, &m, &e), t[i].rc, "row %zu", i);
		/* The bad line is gone; the good one after it is read. */
		cr_expect_eq(qmp_reader_next(&r, &m, &e), 1, "row %zu", i);
		cr_expect_eq(m.type, QMP_MSG_RETURN);
		qmp_msg_free(&m);
		qmp_reader_free(&r);
	}
}

Test(qmp_reader, blank_lines_and_long_lines)
{
	struct qmp_reader r;
	struct qmp_msg m;
	struct ras_err e;
	char big[300];

	qmp_reader_init(&r, 64);
	qmp_reader_feed(&r, "\r\n  \n", 5, &e);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), 0);
	/* A complete line over the cap. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	qmp_reader_feed(&r, big, sizeof(big), &e);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), -E2BIG);
	cr_expect_eq(r.len, 0);
	/* A line over the cap arriving in pieces: reported once, then skipped to its end. */
	qmp_reader_feed(&r, big, 100, &e);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), -E2BIG);
	qmp_reader_feed(&r, big, 100, &e);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), 0);
	qmp_reader_feed(&r, "xx\n{\"return\": {}}\n", 18, &e);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_RETURN);
	qmp_msg_free(&m);
	cr_expect_eq(qmp_reader_next(&r, &m, &e), 0);
	qmp_reader_free(&r);
}

Test(qmp_reader, command_encode)
{
	size_t len = 0;
	json_t *args = json_pack("{s:s}", "id", "net\"0");
	char *s = qmp_command_encode("device_del", args, "opal-ras-3", &len);

	cr_assert_not_null(s);
	cr_expect_str_eq(s, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"net\\\"0\"},"
			    "\"id\":\"opal-ras-3\"}\n");
	cr_expect_eq(len, strlen(s));
	free(s);
	json_decref(args);
	s = qmp_command_encode("query-name", NULL, NULL, &len);
	cr_expect_str_eq(s, "{\"execute\":\"query-name\"}\n");
	free(s);
}
