/*
 * opal-elog.c - main of the opal-elog command: a table of subcommands (git builtin
 * style). Each entry names a cmd_elog_<name>() in cli/elog_<name>.c; this file only
 * dispatches and prints the list. Add a subcommand by adding one line to `cmds`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/elog.h"
#include "cli/elog_cmds.h"
#include "common/fileio.h"

static const struct elog_cmd cmds[] = {
	{ "parse", cmd_elog_parse, "decode PELs from files or a sysfs tree" },
	{ "import", cmd_elog_import, "store PELs from files or a sysfs tree (idempotent)" },
	{ "list", cmd_elog_list, "list stored events with filters" },
	{ "show", cmd_elog_show, "show stored events in full" },
	{ "stats", cmd_elog_stats, "count events by kind, severity, subsystem, day" },
	{ "export", cmd_elog_export, "events as JSON lines, resumable with --after" },
	{ "follow", cmd_elog_follow, "print events as they are committed" },
	{ "close", cmd_elog_close, "mark events repaired, with a reason" },
	{ "reopen", cmd_elog_reopen, "mark closed events open again" },
	{ "prune", cmd_elog_prune, "delete events past the retention policy" },
	{ "check", cmd_elog_check, "verify the database" },
	{ "status", cmd_elog_status, "ask the running daemon how it is doing" },
	{ "hooks", cmd_elog_hooks, "list, test and audit alerting hooks" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: opal-elog [--help | --version] <command> [<args>]\n\n"
		   "Platform error logs (PELs) and the error-log database of an OPAL host.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'opal-elog <command> --help' shows a command's options.\n"
		   "\nEXAMPLES\n"
		   "  opal-elog parse /sys/firmware/opal/elog/0x5034a000/raw\n"
		   "  opal-elog parse -o summary --root /\n"
		   "  opal-elog import --db /tmp/ras.db /path/to/collected/elogs\n"
		   "  opal-elog list --since 2d --severity error --serviceable\n"
		   "  opal-elog show 42\n"
		   "\nSee opal-elog(8).\n");
}

int main(int argc, char **argv)
{
	stdout_buffer_large();
	if (argc < 2) {
		usage(stderr);
		return ELOG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *hv[] = { argv[2], "--help", NULL };
			for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
				if (!strcmp(argv[2], cmds[i].name))
					return cmds[i].fn(2, hv);
		}
		usage(stdout);
		return ELOG_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("opal-elog %s\n", OPAL_RAS_VERSION);
		return ELOG_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "opal-elog: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return ELOG_EXIT_USAGE;
}
