/*
 * opal-elog.c - main of the opal-elog command: a table of subcommands (git builtin
 * style). Each entry names a cmd_elog_<name>() in cli/elog_<name>.c; this file only
 * dispatches and prints the list. Add a subcommand by adding one line to `cmds`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/elog.h"

static const struct elog_cmd cmds[] = {
	{ "parse", cmd_elog_parse, "decode PELs from files or a sysfs tree" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: opal-elog [--help | --version] <command> [<args>]\n\n"
		   "Platform error logs (PELs) of an OPAL host.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'opal-elog <command> --help' shows a command's options.\n"
		   "\nEXAMPLES\n"
		   "  opal-elog parse /sys/firmware/opal/elog/0x5034a000/raw\n"
		   "  opal-elog parse -o summary --root /\n"
		   "\nSee opal-elog(8).\n");
}

int main(int argc, char **argv)
{
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
