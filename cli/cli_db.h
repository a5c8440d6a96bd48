/*
 * cli_db.h - what every database-reading command shares: the --db default, opening
 * the store with the documented exit codes, and the event filter options of
 * list/export/follow/stats.
 */
#ifndef OPAL_RAS_CLI_CLI_DB_H
#define OPAL_RAS_CLI_CLI_DB_H

#include <getopt.h>
#include <stdbool.h>

#include "errlog/store.h"
#include "errlog/store_query.h"

#include "cli/elog.h"

/* Exit code when the database does not exist (documented in opal-elog.8). */
#define ELOG_EXIT_NO_DB 3

/* $OPAL_RAS_DB, else STORE_DEFAULT_PATH. */
const char *cli_default_db(void);

/* Open the store; on failure print the message and return the exit code to use. */
int cli_open_store(const char *path, enum store_mode mode, struct store **s);

/* The filter options. Returns 1 if opt was a filter option (consumed), 0 if not,
 * -1 on a bad value (message printed). */
#define CLI_FILTER_LONGOPTS                                                                \
	{ "since", required_argument, 0, 1001 }, { "until", required_argument, 0, 1002 },  \
		{ "severity", required_argument, 0, 1003 },                               \
		{ "kind", required_argument, 0, 1004 }, { "src", required_argument, 0, 1005 }, \
		{ "location", required_argument, 0, 1006 },                               \
		{ "subsystem", required_argument, 0, 1007 },                              \
		{ "serviceable", no_argument, 0, 1008 }, { "open", no_argument, 0, 1009 }, \
		{ "closed", no_argument, 0, 1010 }, { "guest", required_argument, 0, 1011 }, \
		{ "source", required_argument, 0, 1012 }
int cli_filter_option(struct event_filter *f, int opt, const char *arg);
extern const char cli_filter_help[];

/* Parse a positive event id; -1 when invalid (message printed). */
long long cli_parse_id(const char *s);

#endif
