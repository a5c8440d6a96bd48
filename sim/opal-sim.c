/*
 * opal-sim.c - main of opal-sim, the fake OPAL host: command-line parsing and dispatch
 * to the modules of sim_modules[] (init, inject, run, reboot; see sim.h).
 *
 * Exit codes: 0 ok, 1 operational failure, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/path.h"
#include "errlog/kmsg.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

/* Directories every simulated host has (ARCHITECTURE §3); modules add their files. */
static const char *const base_dirs[] = {
	".sim/tmp",
	"sys/firmware/opal",
	"sys/firmware/devicetree",
	"sys/bus/pci/devices",
	"sys/kernel/debug/powerpc",
	"sys/devices/system/memory",
	"proc/powerpc",
	"proc/device-tree/ibm,opal",
	"proc/sys/kernel/random",
	"dev",
	"run",
	"var/lib/opal-ras",
	NULL,
};

static void usage(FILE *f)
{
	/* clang-format off */
	fputs("Usage: opal-sim COMMAND ROOT [OPTIONS]\n"
	      "A fake OPAL host under ROOT for demos and integration tests.\n\n"
	      "Commands:\n"
	      "  init ROOT                  create the tree (sys/firmware/opal, proc, dev, run, .sim)\n"
	      "  run ROOT [--scenario FILE] [--set KEY=VALUE]... [--quiet]\n"
	      "                             stay running and emulate the kernel: acks remove elog\n"
	      "                             directories (logged to ROOT/.sim/actions.log), ROOT/dev/kmsg\n"
	      "                             serves the kernel log; SIGTERM stops it. Options:\n"
	      "                             kmsg.ring=N (records kept, default 4096)\n"
	      "  inject ROOT MODULE [ARGS]  add records (works with or without run)\n"
	      "  reboot ROOT                reboot: un-acked logs are offered again, new boot id\n"
	      "  dmesg ROOT [--follow] [--idle MS] [--check] [--ready FILE --resume FILE]\n"
	      "                             print the records ROOT/dev/kmsg serves (under run); exits\n"
	      "                             after MS ms (default 300) without one unless --follow;\n"
	      "                             --check fails unless every read is exactly one record;\n"
	      "                             --ready/--resume (tests): after the first record create\n"
	      "                             FILE and stop reading until the --resume file exists\n\n"
	      "Inject modules:\n", f);
	/* clang-format on */
	for (const struct sim_module *const *m = sim_modules; *m; m++)
		if ((*m)->inject_usage)
			fprintf(f, "%s", (*m)->inject_usage);
	fprintf(f,
		"\nExamples:\n"
		"  opal-sim init /tmp/host && opal-sim run /tmp/host &\n"
		"  opal-sim inject /tmp/host elog --count 100\n"
		"  opal-sim inject /tmp/host elog --from ../shared/data/pel/ppc64-diag-sysfs\n"
		"  opal-sim inject /tmp/host kmsg --mce --cpu 12 --type ue --subtype 3 --ea "
		"0x7fff0000 --not-recovered\n"
		"  opal-sim inject /tmp/host kmsg --hmi --hmi-type 4 --tfmr 0x0040000000000000\n"
		"  opal-sim inject /tmp/host kmsg --eeh --phb 1 --pe 0xfe --outcome failed\n"
		"  opal-sim run /tmp/host --scenario etc/scenarios/demo.yaml --set kmsg.ring=64\n"
		"  echo ack > /tmp/host/sys/firmware/opal/elog/0x50100000/acknowledge\n"
		"  opal-sim reboot /tmp/host\n"
		"  opal-sim dmesg /tmp/host --follow\n\n"
		"See opal-sim(1) and docs/opal-sim.md.\n");
}

static int cmd_init(const char *root)
{
	struct ras_err e = { "" };
	char path[4096];

	for (int i = 0; base_dirs[i]; i++) {
		int rc = root_path(path, sizeof(path), root, "%s", base_dirs[i]);
		if (!rc)
			rc = mkdir_p(path, 0755);
		if (rc) {
			fprintf(stderr, "opal-sim: init: %s: %s\n", path, strerror(-rc));
			return 1;
		}
	}
	for (const struct sim_module *const *m = sim_modules; *m; m++) {
		if ((*m)->init && (*m)->init(root, &e)) {
			fprintf(stderr, "opal-sim: init %s: %s\n", (*m)->name, e.msg);
			return 1;
		}
	}
	return 0;
}

static int cmd_reboot(const char *root)
{
	struct ras_err e = { "" };
	char path[4096];

	if (root_path(path, sizeof(path), root, ".sim") || access(path, F_OK)) {
		fprintf(stderr, "opal-sim: %s is not an opal-sim root\n", root);
		return 1;
	}
	for (const struct sim_module *const *m = sim_modules; *m; m++) {
		if ((*m)->reboot && (*m)->reboot(root, &e)) {
			fprintf(stderr, "opal-sim: reboot %s: %s\n", (*m)->name, e.msg);
			return 1;
		}
	}
	sim_log(root, "reboot");
	return 0;
}

static int cmd_run(const char *root, int argc, char **argv)
{
	static const struct option lo[] = { { "scenario", required_argument, NULL, 's' },
					    { "set", required_argument, NULL, 'S' },
					    { "quiet", no_argument, NULL, 'q' },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	struct ras_err e = { "" };
	const char *scenario = NULL;
	char **opts = calloc((size_t)argc + 1, sizeof(char *));
	int n_opts = 0, c, rc;
	bool quiet = false;

	if (!opts)
		return 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:S:qh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			scenario = optarg;
			break;
		case 'S':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "opal-sim: --set wants KEY=VALUE, got '%s'\n",
					optarg);
				free(opts);
				return 2;
			}
			opts[n_opts++] = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			free(opts);
			return 0;
		default:
			usage(stderr);
			free(opts);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(opts);
		return 2;
	}
	rc = sim_run_loop(root, scenario, opts, n_opts, quiet, &e);
	free(opts);
	if (rc) {
		fprintf(stderr, "opal-sim: %s\n", e.msg);
		return 1;
	}
	return 0;
}

/* Connect to ROOT/dev/kmsg relative to ROOT/dev (sun_path is only 108 bytes). */
static int kmsg_connect(const char *root)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[4096];
	int fd, cwd, rc = -1;

	if (root_path(dir, sizeof(dir), root, "dev"))
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "kmsg");
	if (fd >= 0 && cwd >= 0 && chdir(dir) == 0)
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (cwd >= 0) {
		if (fchdir(cwd) < 0)
			rc = -1;
		close(cwd);
	}
	if (rc < 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* True when buf is exactly one /dev/kmsg record: "prefix;text\n" + " KEY=value\n"... */
static bool one_record(const char *buf, size_t len)
{
	struct kmsg_record r;

	if (!len || buf[len - 1] != '\n' || kmsg_record_parse(buf, len, &r, NULL))
		return false;
	for (size_t i = 0; i < r.dict_len; i++)
		if ((i == 0 || r.dict[i - 1] == '\n') && r.dict[i] != ' ')
			return false;
	return true;
}

static int cmd_dmesg(const char *root, int argc, char **argv)
{
	static const struct option lo[] = { { "follow", no_argument, NULL, 'f' },
					    { "idle", required_argument, NULL, 'i' },
					    { "ready", required_argument, NULL, 'r' },
					    { "resume", required_argument, NULL, 'R' },
					    { "check", no_argument, NULL, 'c' },
					    { NULL, 0, NULL, 0 } };
	const char *ready = NULL, *resume = NULL;
	bool follow = false, check = false;
	int idle = 300, c, fd;
	uint64_t n = 0;
	static char buf[8193];

	optind = 1;
	while ((c = getopt_long(argc, argv, "fi:r:R:", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 'i':
			idle = atoi(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'R':
			resume = optarg;
			break;
		case 'c':
			check = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (!ready != !resume)) {
		usage(stderr);
		return 2;
	}
	fd = kmsg_connect(root);
	if (fd < 0) {
		fprintf(stderr,
			"opal-sim: dmesg: cannot connect to %s/dev/kmsg (is run running?): %s\n",
			root, strerror(errno));
		return 1;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, follow ? -1 : idle);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			break;
		ssize_t got = recv(fd, buf, sizeof(buf) - 1, 0);
		if (got <= 0)
			break;
		if (check && !one_record(buf, (size_t)got)) {
			fprintf(stderr,
				"opal-sim: dmesg: packet %" PRIu64 " is not one record: %.*s\n",
				n + 1, (int)got, buf);
			close(fd);
			return 1;
		}
		fwrite(buf, 1, (size_t)got, stdout);
		if (++n == 1 && ready) {
			fflush(stdout);
			FILE *f = fopen(ready, "w");
			if (f)
				fclose(f);
			while (access(resume, F_OK) < 0)
				usleep(20000);
		}
		if (follow)
			fflush(stdout);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd, *root;

	if (argc >= 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("opal-sim %s\n", OPAL_RAS_VERSION);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	root = argv[2];
	if (!strcmp(cmd, "init") && argc == 3)
		return cmd_init(root);
	if (!strcmp(cmd, "reboot") && argc == 3)
		return cmd_reboot(root);
	if (!strcmp(cmd, "run"))
		return cmd_run(root, argc - 2, argv + 2);
	if (!strcmp(cmd, "dmesg"))
		return cmd_dmesg(root, argc - 2, argv + 2);
	if (!strcmp(cmd, "inject") && argc >= 4) {
		struct ras_err e = { "" };
		char path[4096];
		int rc;

		if (!sim_module_find(argv[3])) {
			fprintf(stderr, "opal-sim: inject: unknown module '%s'\n", argv[3]);
			return 2;
		}
		if (root_path(path, sizeof(path), root, ".sim") || access(path, F_OK)) {
			fprintf(stderr, "opal-sim: %s is not an opal-sim root (run init)\n", root);
			return 1;
		}
		rc = sim_inject(root, argc - 3, argv + 3, &e);
		if (rc == 1) /* a module's --help */
			return 0;
		if (rc) {
			fprintf(stderr, "opal-sim: inject %s: %s\n", argv[3], e.msg);
			return rc == -EINVAL ? 2 : 1;
		}
		return 0;
	}
	usage(stderr);
	return 2;
}
