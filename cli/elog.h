/*
 * elog.h - the opal-elog command: its subcommand table entry type, the subcommands
 * (one cmd_elog_<name>() per file, git builtin style) and option helpers they share.
 *
 * A subcommand gets argv starting at its own name (argv[0] = "parse") and returns the
 * process exit code. Exit codes common to every subcommand are ELOG_EXIT_*; more
 * specific ones are documented in docs/man/opal-elog.8.
 */
#ifndef OPAL_RAS_CLI_ELOG_H
#define OPAL_RAS_CLI_ELOG_H

#include <stdio.h>

#define ELOG_EXIT_OK	0
#define ELOG_EXIT_FAIL	1 /* operational failure: unreadable file, undecodable PEL */
#define ELOG_EXIT_USAGE 2 /* bad usage */
#define ELOG_EXIT_WARN	4 /* parse --strict: decoded, but with warnings */

struct elog_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* one line for `opal-elog --help` */
};

/* Output formats; a subcommand says which it accepts (bit mask of 1 << format). */
enum elog_output {
	ELOG_OUT_TEXT,
	ELOG_OUT_JSON,
	ELOG_OUT_SUMMARY,
	ELOG_OUT_CSV,
};
#define ELOG_OUT_MASK(x) (1u << (x))

/* Parse the argument of -o/--output; on error print a usage message naming the
 * accepted formats and return -1. */
int elog_parse_output(const char *arg, unsigned allowed, enum elog_output *out);
/* Name of an output format ("text", ...). */
const char *elog_output_name(enum elog_output o);

/* Print "opal-elog <sub>: <msg>" to stderr. */
void elog_errorf(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_elog_parse(int argc, char **argv);

#endif
