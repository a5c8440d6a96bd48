/*
 * main.c - opal-prd, the opal-ras collecting daemon.
 *
 * Startup: configuration, database (created and migrated as needed), event loop,
 * signals through signalfd, the sources, the control socket, then READY=1 to systemd.
 * SIGTERM/SIGINT drain (everything offered is committed and acknowledged) and exit 0;
 * SIGHUP reloads the configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "common/log.h"
#include "errlog/config.h"
#include "errlog/store.h"
#include "opal-prd/daemon.h"
#include "opal-prd/sources.h"

static const char usage[] =
	"Usage: opal-prd [--root DIR] [--db PATH] [--config FILE] [--foreground] [--debug]\n"
	"The opal-ras daemon: collects firmware error logs (PELs), kernel machine-check,\n"
	"HMI and EEH reports and platform dump notices into the error-log database, and\n"
	"acknowledges each record to its source only after it is durably stored.\n\n"
	"  --root DIR      resolve /sys, /proc, /dev and /run under DIR (default /)\n"
	"  --db PATH       database (default /var/lib/opal-ras/ras.db)\n"
	"  --config FILE   configuration (default /etc/opal-ras/opal-ras.yaml, optional)\n"
	"  --foreground    do not detach (systemd runs it this way)\n"
	"  --debug         verbose logging\n\n"
	"PRD control (sent to the running daemon, as skiboot's opal-prd):\n"
	"  opal-prd [--root DIR] occ reset|enable|disable|process-error [CHIP]   (BMC systems)\n"
	"  opal-prd [--root DIR] pm-complex reset [CHIP]                         (FSP systems)\n\n"
	"Examples:\n"
	"  opal-prd --foreground\n"
	"  opal-prd --root /tmp/simroot --db /tmp/ras.db --foreground\n"
	"  opal-elog status          # ask the running daemon how it is doing\n"
	"  opal-prd occ reset 0      # reset the OCC of chip 0 (exit 0 ok, 1 failed/refused)\n";

static void on_signal(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("event=sighup action=reload");
			daemon_reload(d);
		} else {
			log_info("event=signal signal=%u action=drain_and_exit", si.ssi_signo);
			loop_stop(l);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'r' },	 { "db", required_argument, 0, 'd' },
		{ "config", required_argument, 0, 'c' }, { "foreground", no_argument, 0, 'f' },
		{ "debug", no_argument, 0, 'D' },	 { "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'V' },	 { 0, 0, 0, 0 },
	};
	static struct daemon d;
	const char *root = NULL, *db = NULL;
	bool foreground = false;
	struct ras_err e;
	int c, rc, sfd;
	sigset_t mask;

	log_set_prog("opal-prd");
	while ((c = getopt_long(argc, argv, "r:d:c:fDhV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'c':
			d.config_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'D':
			log_set_level(LOG_LVL_DEBUG);
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("opal-prd (opal-ras) %s\n", OPAL_RAS_VERSION);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc && (!strcmp(argv[optind], "occ") || !strcmp(argv[optind], "pm-complex")))
		return prd_client_main(root, argc - optind, argv + optind);
	if (optind < argc) {
		fprintf(stderr, "opal-prd: unexpected argument \"%s\"\n%s", argv[optind], usage);
		return 2;
	}
	if (config_load(d.config_path, &d.cfg, &e)) {
		fprintf(stderr, "opal-prd: %s\n", e.msg);
		return 1;
	}
	/* Command line over configuration; main owns these strings for the whole run. */
	d.root = strdup(root ? root : d.cfg.root);
	d.db_path = strdup(db ? db : d.cfg.database);
	d.cfg.root = d.root;
	d.cfg.database = d.db_path;
	rc = store_open(d.db_path, STORE_CREATE, &d.store, &e);
	if (rc) {
		fprintf(stderr, "opal-prd: %s\n", e.msg);
		return 1;
	}
	if (!foreground && daemon(0, 1) < 0) {
		fprintf(stderr, "opal-prd: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	d.loop = loop_new();
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (!d.loop || sfd < 0 || loop_add_fd(d.loop, sfd, EPOLLIN, on_signal, &d)) {
		fprintf(stderr, "opal-prd: cannot set up the event loop: %s\n", strerror(errno));
		return 1;
	}
	rc = daemon_start(&d);
	if (rc) {
		fprintf(stderr, "opal-prd: %s\n", strerror(-rc));
		return 1;
	}
	log_info("event=started root=%s db=%s pid=%d", d.root, d.db_path, (int)getpid());
	sd_notify(0, "READY=1");
	rc = loop_run(d.loop);
	sd_notify(0, "STOPPING=1");
	daemon_stop(&d);
	log_info("event=stopped commits=%llu", (unsigned long long)d.commits);
	close(sfd);
	loop_free(d.loop);
	store_close(d.store);
	config_free(&d.cfg);
	free((char *)d.root);
	free((char *)d.db_path);
	return rc ? 1 : 0;
}
