/*
 * test_hook.c - alerting hooks: the declarative matcher (table-driven), configuration
 * errors, and the process runner: exact input and environment for hostile text, no
 * shell, the run-as user, exit status, a hook that never reads its input, and a
 * hanging hook killed at its deadline together with its children.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errlog/hook.h"
#include "errlog/hook_run.h"

static struct ydoc_node *doc;

static void load(const char *yaml, struct hook_set *set, int want_rc, struct ras_err *e)
{
	doc = NULL;
	cr_assert_eq(ydoc_load_buf(yaml, strlen(yaml), "t", &doc, e), 0, "%s", e->msg);
	int rc = hook_set_load(ydoc_get(doc, "hooks"), set, e);
	cr_assert_eq(rc, want_rc, "rc %d: %s", rc, e->msg);
}

static void fini(void)
{
	ydoc_free(doc);
	doc = NULL;
}

TestSuite(hook, .fini = fini);

Test(hook, matcher_table)
{
	struct ras_callout co[1] = { { .priority = 'H', .location = "U78D2.001.WZS0001-P1-C7" } };
	struct ras_event pel = { .source = "elog", .kind = "pel", .severity = RAS_SEV_ERROR,
				 .serviceable = true, .refcode = "BC8A1234",
				 .subsystem = "Memory subsystem", .location = "U78D2.001.WZS0001-P1",
				 .callouts = co, .n_callouts = 1 };
	struct ras_event eeh = { .source = "kmsg", .kind = "eeh", .severity = RAS_SEV_CRITICAL,
				 .guest = "rhel9-db", .location = "0030:01:00.0" };
	struct ras_event prd = { .source = "prd", .kind = "prd-attn", .severity = RAS_SEV_INFO };
	static const struct {
		const char *match;
		bool pel, eeh, prd;
	} cases[] = {
		{ "{}", true, true, true },
		{ "{kinds: [pel]}", true, false, false },
		{ "{kinds: [pel, eeh]}", true, true, false },
		{ "{kind: prd*}", false, false, true },
		{ "{severity: error}", true, true, false },
		{ "{severity: critical}", false, true, false },
		{ "{serviceable: true}", true, false, false },
		{ "{serviceable: false}", false, true, true },
		{ "{src: BC8A}", true, false, false },
		{ "{src: \"B?8A*\"}", true, false, false },
		{ "{src: BC8B}", false, false, false },
		{ "{location: U78D2.001.WZS0001-P1-C7}", true, false, false },
		{ "{location: U78D2.001.WZS0001-P1-C2}", false, false, false },
		{ "{location: \"0030:\"}", false, true, false },
		{ "{subsystem: MEMORY}", true, false, false },
		{ "{guest: rhel9-db}", false, true, false },
		{ "{guest: other}", false, false, false },
		{ "{source: kmsg, severity: warning}", false, true, false },
		{ "{kinds: [pel], severity: critical}", false, false, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char y[256];
		struct hook_set set;
		struct ras_err e;
		snprintf(y, sizeof(y), "hooks:\n  - name: h\n    match: %s\n    command: [/bin/true]\n",
			 cases[i].match);
		load(y, &set, 0, &e);
		const struct hook_match *m = &set.hooks[0].match;
		cr_assert_eq(hook_matches(m, &pel), cases[i].pel, "%s vs pel", cases[i].match);
		cr_assert_eq(hook_matches(m, &eeh), cases[i].eeh, "%s vs eeh", cases[i].match);
		cr_assert_eq(hook_matches(m, &prd), cases[i].prd, "%s vs prd", cases[i].match);
		fini();
	}
}

Test(hook, targets_and_defaults)
{
	struct hook_set set;
	struct ras_err e;
	load("hooks:\n  - {name: a, match: {}, command: [/bin/true]}\n"
	     "  - {name: b, match: {kinds: [mce]}, command: [/bin/true, x], user: root,"
	     " timeout: 2s, max_concurrent: 3, rate_limit: {runs: 5, per: 1m}, retries: 0}\n",
	     &set, 0, &e);
	cr_assert_eq(set.n, 2);
	cr_assert_str_eq(set.hooks[0].user, "nobody", "unprivileged by default");
	cr_assert_eq(set.hooks[0].timeout_us, 30ll * 1000000);
	cr_assert_eq(set.hooks[1].rate_runs, 5);
	cr_assert_eq(set.hooks[1].rate_interval_us, 60ll * 1000000);
	cr_assert_str_eq(set.hooks[1].argv[1], "x");
	cr_assert_null(set.hooks[1].argv[2]);
	struct ras_event ev = { .kind = "mce", .severity = RAS_SEV_ERROR };
	const char *t[HOOK_MAX];
	char buf[512];
	size_t n = hook_targets(&set, &ev, t, HOOK_MAX, buf, sizeof(buf));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(t[0], "hook:a");
	cr_assert_str_eq(t[1], "hook:b");
	ev.kind = "pel";
	cr_assert_eq(hook_targets(&set, &ev, t, HOOK_MAX, buf, sizeof(buf)), 1);
}

Test(hook, config_errors)
{
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
		{ "hooks:\n  - {name: a, command: [/bin/true]}\n", "match" },
		{ "hooks:\n  - {name: a, match: {}, command: /bin/true}\n", "command must be a list" },
		{ "hooks:\n  - {name: a, match: {}, command: [true]}\n", "absolute path" },
		{ "hooks:\n  - {name: a, match: {colour: red}, command: [/bin/true]}\n",
		  "unknown match key" },
		{ "hooks:\n  - {name: a, match: {severity: dire}, command: [/bin/true]}\n",
		  "severity" },
		{ "hooks:\n  - {name: a, match: {}, command: [/bin/true], shell: yes}\n",
		  "unknown hook key" },
		{ "hooks:\n  - {name: a, match: {}, command: [/bin/true]}\n"
		  "  - {name: a, match: {}, command: [/bin/true]}\n",
		  "same name" },
		{ "hooks:\n  - {name: 'a b', match: {}, command: [/bin/true]}\n", "name" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hook_set set;
		struct ras_err e;
		load(bad[i].yaml, &set, -EINVAL, &e);
		cr_assert(strstr(e.msg, bad[i].msg), "%s: %s", bad[i].msg, e.msg);
		cr_assert(strstr(e.msg, "line "), "%s", e.msg);
		fini();
	}
}

static struct hook mkhook(const char *const *argv, const char *user, int64_t timeout_us)
{
	struct hook h = { .name = "t", .user = user, .timeout_us = timeout_us, .max_concurrent = 1 };
	for (int i = 0; argv[i]; i++)
		h.argv[i] = argv[i];
	return h;
}

Test(hook_run, hostile_text_reaches_the_hook_byte_exact)
{
	/* Shell metacharacters, quotes, command substitution, newlines, invalid UTF-8, 16 KiB. */
	char big[16384 + 1];
	memset(big, 'A', 16384);
	big[16384] = 0;
	const char *hostile = "$(touch /tmp/opal-ras-pwned) `id` ; rm -rf / \"'\n\t|&>\xff\xfe";
	const char *argv[] = { "/usr/bin/env", NULL };
	struct hook h = mkhook(argv, "nobody", 10ll * 1000000);
	struct hook_env env;
	struct hook_proc p;
	struct ras_err e;

	unlink("/tmp/opal-ras-pwned");
	hook_env_init(&env);
	hook_env_add(&env, "OPAL_SRC", hostile);
	hook_env_add(&env, "OPAL_LOCATION", big);
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.outcome, HOOK_OK);
	char want[256];
	snprintf(want, sizeof(want), "OPAL_SRC=%s\n", hostile);
	cr_assert(memmem(p.out, p.out_len, want, strlen(want)), "env value not byte-exact");
	char *loc = memmem(p.out, p.out_len, "OPAL_LOCATION=", 14);
	cr_assert(loc);
	cr_assert_eq(strspn(loc + 14, "A"), 16384, "16 KiB value intact");
	cr_assert_eq(access("/tmp/opal-ras-pwned", F_OK), -1, "nothing was executed");
	hook_proc_free(&p);

	/* stdin: the payload arrives exactly (cat echoes it back). */
	const char *cat[] = { "/bin/cat", NULL };
	h = mkhook(cat, "nobody", 10ll * 1000000);
	hook_env_init(&env);
	char payload[40000];
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (char)(i * 7 + 3);
	cr_assert_eq(hook_run_sync(&h, &env, payload, sizeof(payload), &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.outcome, HOOK_OK);
	cr_assert_eq(p.out_len, sizeof(payload));
	cr_assert_eq(memcmp(p.out, payload, sizeof(payload)), 0);
	hook_proc_free(&p);
}

Test(hook_run, runs_as_the_configured_user)
{
	const char *argv[] = { "/usr/bin/id", "-u", NULL };
	struct hook h = mkhook(argv, "nobody", 10ll * 1000000);
	struct hook_env env;
	struct hook_proc p;
	struct ras_err e;
	if (geteuid() != 0)
		cr_skip_test("needs root to switch users");
	hook_env_init(&env);
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.outcome, HOOK_OK);
	cr_assert_eq(p.out_len, 6);
	cr_assert_eq(memcmp(p.out, "65534\n", 6), 0, "ran as nobody");
	cr_assert_eq(p.uid, 65534);
	hook_proc_free(&p);
	h.user = "no-such-user-opal";
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), -ENOENT);
	cr_assert(strstr(p.error, "no-such-user-opal"), "%s", p.error);
	hook_proc_free(&p);
}

Test(hook_run, exit_status_and_missing_program)
{
	const char *f[] = { "/bin/sh", "-c", "echo oops >&2; exit 3", NULL };
	struct hook h = mkhook(f, "nobody", 10ll * 1000000);
	struct hook_env env;
	struct hook_proc p;
	struct ras_err e;
	hook_env_init(&env);
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), 0);
	cr_assert_eq(p.outcome, HOOK_FAILED);
	cr_assert_eq(p.exit_status, 3);
	cr_assert_eq(p.err_len, 5);
	cr_assert_eq(memcmp(p.err, "oops\n", 5), 0);
	hook_proc_free(&p);
	const char *m[] = { "/nonexistent/hook", NULL };
	h = mkhook(m, "nobody", 10ll * 1000000);
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), 0);
	cr_assert_eq(p.outcome, HOOK_FAILED);
	cr_assert_eq(p.exit_status, 127);
	cr_assert(memmem(p.err, p.err_len, "cannot execute", 14));
	hook_proc_free(&p);
}

Test(hook_run, never_reading_stdin_blocks_nothing)
{
	const char *argv[] = { "/bin/sh", "-c", "exec 0<&-; sleep 0.1; exit 0", NULL };
	struct hook h = mkhook(argv, "nobody", 10ll * 1000000);
	struct hook_env env;
	struct hook_proc p;
	struct ras_err e;
	size_t n = 4 << 20;
	char *big = calloc(1, n);
	hook_env_init(&env);
	cr_assert_eq(hook_run_sync(&h, &env, big, n, &p, &e), 0);
	cr_assert_eq(p.outcome, HOOK_OK);
	cr_assert_lt(p.payload_off, n, "the 4 MiB payload was not (and need not be) consumed");
	hook_proc_free(&p);
	free(big);
}

Test(hook_run, hanging_hook_and_children_killed_at_the_deadline)
{
	/* The hook starts a child that ignores SIGTERM, then hangs. */
	const char *argv[] = { "/bin/sh", "-c",
			       "(trap '' TERM; sleep 300) & echo $! > /tmp/opal-ras-hook-child.$PPID;"
			       " sleep 300",
			       NULL };
	struct hook h = mkhook(argv, "root", 300 * 1000);
	struct hook_env env;
	struct hook_proc p;
	struct ras_err e;
	char path[64], pid_s[32] = "";
	if (geteuid() != 0)
		cr_skip_test("needs root for user root");
	hook_env_init(&env);
	cr_assert_eq(hook_run_sync(&h, &env, "", 0, &p, &e), 0, "%s", e.msg);
	cr_assert_eq(p.outcome, HOOK_TIMEOUT);
	cr_assert_eq(p.signal, SIGTERM, "the shell went at SIGTERM");
	snprintf(path, sizeof(path), "/tmp/opal-ras-hook-child.%d", (int)getpid());
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "the hook wrote its child's pid");
	cr_assert(fgets(pid_s, sizeof(pid_s), f));
	fclose(f);
	unlink(path);
	pid_t child = (pid_t)atoi(pid_s);
	cr_assert_gt(child, 0);
	/* The child ignored SIGTERM; the runner's SIGKILL of the group got it. */
	int alive = 1;
	for (int i = 0; i < 100 && alive; i++) {
		alive = kill(child, 0) == 0;
		if (alive)
			usleep(20000);
	}
	cr_assert_not(alive, "the hook's child survived");
	hook_proc_free(&p);
}
