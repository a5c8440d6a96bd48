/*
 * bench_sel.c - SEL throughput (make bench): (1) the decoder alone (parse + event
 * mapping, records/s); (2) the initial read of a 2,000-entry SEL from OpenIPMI's
 * ipmi_sim on loopback with the OpenIPMI library (connect + full fetch, the call
 * sequence src_sel.c uses), entries/s; (3) `ipmitool sel list` on the same SEL for
 * comparison; (4) the daemon end to end (opal-prd from $OPAL_RAS_BIN: start to 2,000
 * events committed). Parts 2-4 are skipped with a note when ipmi_sim is absent. The
 * simulator runs in a private temporary directory on random loopback ports and is
 * stopped by PID. Prints numbers, never asserts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <OpenIPMI/ipmi_auth.h>
#include <OpenIPMI/ipmi_conn.h>
#include <OpenIPMI/ipmi_lan.h>
#include <OpenIPMI/ipmi_posix.h>
#include <OpenIPMI/ipmiif.h>

#include "common/timeutil.h"
#include "errlog/sel.h"

#define N_SEL 2000

static char dir[] = "/tmp/bench-sel.XXXXXX";
static int port;

static void bench_decode(void)
{
	enum { N = 1000000 };
	static struct sel_event se;
	uint8_t rec[16] = { 0, 0, 2, 0, 0, 0, 0x60, 0x41, 0, 4, 0x0c, 9, 0x6f, 0xa1, 0, 0 };
	uint64_t t0 = time_mono_ns(), sum = 0;

	for (uint32_t i = 0; i < N; i++) {
		struct sel_record r;
		rec[0] = i & 0xff;
		rec[1] = (i >> 8) & 0xff;
		rec[2] = (i % 4 == 3) ? 0xe0 : (i % 4 == 2) ? 0xdf : 0x02;
		rec[10] = (uint8_t)(i % 0x2c + 1);
		rec[13] = (uint8_t)(0xa0 | (i % 12));
		if (sel_record_parse(rec, 16, &r, NULL))
			return;
		sel_event_fill(&se, &r, rec, "a123456789abcdefa123456789abcdef");
		sum += se.ev.n_attrs;
	}
	double s = (double)(time_mono_ns() - t0) / 1e9;
	printf("sel decode: %d records in %.3f s = %.0f records/s (attrs %llu)\n", N, s, N / s,
	       (unsigned long long)sum);
}

static pid_t spawn(char *const argv[], const char *out)
{
	pid_t p = fork();
	if (p == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int in = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (in >= 0)
			dup2(in, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	return p;
}

static int run_wait(char *const argv[])
{
	int st;
	pid_t p = spawn(argv, NULL);
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static pid_t start_sim(void)
{
	char p[256], ps[16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/lan.conf", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f,
		"name \"benchsim\"\nset_working_mc 0x20\n  startlan 1\n    addr 127.0.0.1 %d\n"
		"    priv_limit admin\n    allowed_auths_callback none md2 md5 straight\n"
		"    allowed_auths_user none md2 md5 straight\n"
		"    allowed_auths_operator none md2 md5 straight\n"
		"    allowed_auths_admin none md2 md5 straight\n"
		"    guid a123456789abcdefa123456789abcdef\n  endlan\n"
		"  user 2 true \"admin\" \"secret\" admin 10 none md2 md5 straight\n",
		port);
	fclose(f);
	snprintf(p, sizeof(p), "%s/sim.emu", dir);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(f, "mc_setbmc 0x20\nmc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 "
		   "persist_sdr\nsel_enable 0x20 3000 0x0a\nmc_enable 0x20\n");
	for (int i = 0; i < N_SEL; i++) {
		switch (i % 4) {
		case 0:
			fprintf(f, "sel_add 0x20 0x02 0 0 0 0 0x41 0 4 2 %d 1 0x52 0 0\n", i % 256);
			break;
		case 1:
			fprintf(f, "sel_add 0x20 0x02 0 0 0 0 0x20 0 4 0x0c 9 0x6f 0xa1 0 0\n");
			break;
		case 2:
			fprintf(f, "sel_add 0x20 0xdf 0 0 0 0 0x20 0 4 0x12 1 0x70 0xaa 0 0\n");
			break;
		default:
			fprintf(f, "sel_add 0x20 0xe0 %d %d 3 4 5 6 7 8 9 10 11 12 13\n", i % 256,
				i / 256);
		}
	}
	fclose(f);
	snprintf(p, sizeof(p), "%s/state", dir);
	mkdir(p, 0700);
	char lan[256], emu[256];
	snprintf(lan, sizeof(lan), "%s/lan.conf", dir);
	snprintf(emu, sizeof(emu), "%s/sim.emu", dir);
	char *argv[] = { "ipmi_sim", "-c", lan, "-f", emu, "-s", p, "-p", "-n", NULL };
	pid_t pid = spawn(argv, NULL);
	/* readiness: an ipmitool mc info that answers */
	snprintf(ps, sizeof(ps), "%d", port);
	char *probe[] = { "ipmitool", "-I", "lanplus", "-C",	    "3",    "-N", "1",
			  "-R",	      "1",  "-H",      "127.0.0.1", "-p",   ps,	  "-U",
			  "admin",    "-P", "secret",  "mc",	    "info", NULL };
	for (int i = 0; i < 300; i++) {
		if (run_wait(probe) == 0)
			return pid;
		usleep(50000);
	}
	kill(pid, SIGTERM);
	return -1;
}

/* ---- OpenIPMI fetch ---- */
static int up, failed;
static unsigned fetched;

static void con_cb(ipmi_domain_t *d, int err, unsigned c, unsigned p, int still, void *a)
{
	(void)c;
	(void)p;
	(void)a;
	ipmi_domain_set_sel_rescan_time(d, 1);
	if (err && !still)
		failed = 1;
}

static void up_cb(ipmi_domain_t *d, void *a)
{
	(void)a;
	static struct sel_event se;
	fetched = 0;
	for (ipmi_event_t *ev = ipmi_domain_first_event(d); ev;) {
		uint8_t r[16];
		struct sel_record sr;
		unsigned id = ipmi_event_get_record_id(ev);
		r[0] = id & 0xff;
		r[1] = id >> 8;
		r[2] = (uint8_t)ipmi_event_get_type(ev);
		ipmi_event_get_data(ev, r + 3, 0, 13);
		if (!sel_record_parse(r, 16, &sr, NULL))
			sel_event_fill(&se, &sr, r, "bench");
		fetched++;
		ipmi_event_t *n = ipmi_domain_next_event(d, ev);
		ipmi_event_free(ev);
		ev = n;
	}
	up = 1;
}

static int closed;
static void close_done(void *a)
{
	(void)a;
	closed = 1;
}
static void close_cb(ipmi_domain_t *d, void *a)
{
	(void)a;
	if (ipmi_domain_close(d, close_done, NULL))
		closed = 1;
}

static void bench_openipmi(os_handler_t *os)
{
	char ps[16];
	snprintf(ps, sizeof(ps), "%d", port);
	for (int run = 0; run < 3; run++) {
		char *addrs[] = { "127.0.0.1" }, *ports[] = { ps };
		ipmi_con_t *con;
		ipmi_domain_id_t did;
		ipmi_open_option_t o[] = {
			{ .option = IPMI_OPEN_OPTION_ALL, { .ival = 0 } },
			{ .option = IPMI_OPEN_OPTION_SEL, { .ival = 1 } },
			{ .option = IPMI_OPEN_OPTION_SET_EVENT_RCVR, { .ival = 0 } },
			{ .option = IPMI_OPEN_OPTION_SET_SEL_TIME, { .ival = 0 } },
			{ .option = IPMI_OPEN_OPTION_USE_CACHE, { .ival = 0 } },
		};
		uint64_t t0 = time_mono_ns();
		up = failed = 0;
		if (ipmi_ip_setup_con(addrs, ports, 1, IPMI_AUTHTYPE_DEFAULT, IPMI_PRIVILEGE_ADMIN,
				      "admin", 5, "secret", 6, os, NULL, &con) ||
		    ipmi_open_domain("bench", &con, 1, con_cb, NULL, up_cb, NULL, o, 5, &did)) {
			printf("openipmi: connection setup failed\n");
			return;
		}
		while (!up && !failed && time_mono_ns() - t0 < 20000000000ull) {
			struct timeval tv = { 0, 100000 };
			os->perform_one_op(os, &tv);
		}
		double s = (double)(time_mono_ns() - t0) / 1e9;
		if (up)
			printf("openipmi initial read (connect + fetch + decode), run %d: %u "
			       "entries "
			       "in %.3f s = %.0f entries/s\n",
			       run + 1, fetched, s, fetched / s);
		else
			printf("openipmi run %d: did not come up\n", run + 1);
		closed = 0;
		if (ipmi_domain_pointer_cb(did, close_cb, NULL))
			closed = 1;
		for (int i = 0; i < 100 && !closed; i++) {
			struct timeval tv = { 0, 50000 };
			os->perform_one_op(os, &tv);
		}
	}
}

static void bench_ipmitool(void)
{
	char ps[16];
	snprintf(ps, sizeof(ps), "%d", port);
	char *argv[] = { "ipmitool", "-I", "lanplus", "-C", "3",      "-H",  "127.0.0.1", "-p",
			 ps,	     "-U", "admin",   "-P", "secret", "sel", "list",	  NULL };
	uint64_t t0 = time_mono_ns();
	int rc = run_wait(argv);
	double s = (double)(time_mono_ns() - t0) / 1e9;
	printf("ipmitool -I lanplus sel list: rc %d, %d entries in %.3f s = %.0f entries/s\n", rc,
	       N_SEL, s, N_SEL / s);
}

static long db_count(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long n = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 200);
	if (sqlite3_prepare_v2(h, "select count(*) from events where kind='sel'", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return n;
}

static void bench_daemon(void)
{
	const char *bin = getenv("OPAL_RAS_BIN");
	char prd[512], cfg[256], pw[256], db[256], root[256];
	FILE *f;

	if (!bin)
		bin = "build/bin";
	snprintf(prd, sizeof(prd), "%s/opal-prd", bin);
	if (access(prd, X_OK)) {
		printf("daemon end to end: skipped (%s not built)\n", prd);
		return;
	}
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	snprintf(cfg, sizeof(cfg), "%s/cfg.yaml", dir);
	snprintf(db, sizeof(db), "%s/ras.db", dir);
	snprintf(root, sizeof(root), "%s/root", dir);
	mkdir(root, 0700);
	f = fopen(pw, "w");
	if (!f)
		return;
	fputs("secret\n", f);
	fclose(f);
	chmod(pw, 0600);
	f = fopen(cfg, "w");
	if (!f)
		return;
	fprintf(f,
		"kmsg:\n  enabled: false\nipmi:\n  host: 127.0.0.1\n  port: %d\n  user: admin\n"
		"  password_file: %s\n",
		port, pw);
	fclose(f);
	char *argv[] = { prd, "--root", root, "--db", db, "--config", cfg, "--foreground", NULL };
	uint64_t t0 = time_mono_ns();
	pid_t p = spawn(argv, NULL);
	long n = 0;
	while (time_mono_ns() - t0 < 30000000000ull) {
		n = db_count(db);
		if (n >= N_SEL)
			break;
		usleep(5000);
	}
	double s = (double)(time_mono_ns() - t0) / 1e9;
	kill(p, SIGTERM);
	waitpid(p, NULL, 0);
	printf("opal-prd end to end (start, connect, fetch, decode, commit): %ld entries in "
	       "%.3f s = %.0f entries/s\n",
	       n, s, n / s);
}

static void quiet_log(os_handler_t *h, const char *fmt, enum ipmi_log_type_e t, va_list ap)
{
	(void)h;
	(void)fmt;
	(void)t;
	(void)ap;
}

int main(void)
{
	bench_decode();
	if (run_wait(
		    (char *[]){ "sh", "-c", "command -v ipmi_sim && command -v ipmitool", NULL })) {
		printf("ipmi_sim/ipmitool not installed: SEL read benchmarks skipped\n");
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	port = 20000 + rand() % 30000;
	pid_t sim = start_sim();
	if (sim < 0) {
		printf("ipmi_sim did not start: SEL read benchmarks skipped\n");
	} else {
		os_handler_t *os = ipmi_posix_setup_os_handler();
		os->set_log_handler(os, quiet_log);
		ipmi_init(os);
		bench_openipmi(os);
		ipmi_shutdown();
		os->free_os_handler(os);
		bench_ipmitool();
		bench_daemon();
		kill(sim, SIGTERM);
		waitpid(sim, NULL, 0);
	}
	char *rm[] = { "rm", "-rf", dir, NULL };
	run_wait(rm);
	return 0;
}
