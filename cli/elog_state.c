/*
 * elog_state.c - `opal-elog close ID --reason TEXT` and `reopen ID`: repair actions
 * are state changes recorded in the event's history, never deletions.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"

static const char usage[] =
	"Usage: opal-elog close [--db PATH] --reason TEXT ID...\n"
	"       opal-elog reopen [--db PATH] [--reason TEXT] ID...\n"
	"Mark events repaired (closed) or open again; both are kept in the event's history.\n\n"
	"Examples:\n"
	"  opal-elog close 42 --reason \"replaced DIMM at P1-C22, case 12345\"\n"
	"  opal-elog reopen 42 --reason \"error came back\"\n";

static int run(int argc, char **argv, bool open)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "reason", required_argument, 0, 'm' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = cli_default_db(), *reason = NULL;
	int c, rc, worst = ELOG_EXIT_OK;
	struct store *s;
	char actor[64];

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'm':
			reason = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	if (optind >= argc || (!open && (!reason || !*reason))) {
		fprintf(stderr, "opal-elog: %s\n%s",
			optind >= argc ? "no event id given" : "close needs --reason TEXT", usage);
		return ELOG_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		if (cli_parse_id(argv[i]) < 0)
			return ELOG_EXIT_USAGE;
	struct passwd *pw = getpwuid(getuid());
	if (pw)
		snprintf(actor, sizeof(actor), "%s", pw->pw_name);
	else
		snprintf(actor, sizeof(actor), "uid %u", (unsigned)getuid());
	rc = cli_open_store(db, STORE_RDWR, &s);
	if (rc)
		return rc;
	for (int i = optind; i < argc; i++) {
		struct ras_err e;
		long long id = cli_parse_id(argv[i]);
		rc = store_event_set_open(s, id, open, actor, reason, &e);
		if (rc == -EALREADY) {
			printf("event %lld: already %s\n", id, open ? "open" : "closed");
		} else if (rc) {
			fprintf(stderr, "opal-elog: %s\n", e.msg);
			worst = ELOG_EXIT_FAIL;
		} else {
			printf("event %lld: %s\n", id, open ? "reopened" : "closed");
		}
	}
	store_close(s);
	return worst;
}

int cmd_elog_close(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_elog_reopen(int argc, char **argv)
{
	return run(argc, argv, true);
}
