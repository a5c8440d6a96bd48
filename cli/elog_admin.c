/*
 * elog_admin.c - `opal-elog stats`, `prune` and `check`: the database as a whole.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "common/json.h"
#include "common/timeutil.h"
#include "errlog/event_render.h"
#include "errlog/retention.h"

static const char stats_usage[] =
	"Usage: opal-elog stats [--db PATH] [--since TIME] [-o text|json]\n"
	"Count events by kind, severity, subsystem, day and repair state.\n\n"
	"Examples:\n"
	"  opal-elog stats --since 7d\n"
	"  opal-elog stats -o json | jq .severity\n";

struct stats_out {
	enum elog_output fmt;
	const char *group;
	struct json_writer w;
};

static int stats_row(const char *group, const char *key, int64_t n, void *arg)
{
	struct stats_out *o = arg;
	if (!o->group || strcmp(o->group, group)) {
		if (o->fmt == ELOG_OUT_JSON) {
			if (o->group)
				json_obj_end(&o->w);
			json_key(&o->w, group);
			json_obj_begin(&o->w);
		} else {
			printf("%sby %s:\n", o->group ? "\n" : "", group);
		}
		o->group = group;
	}
	if (o->fmt == ELOG_OUT_JSON)
		json_kint(&o->w, key, n);
	else
		printf("  %10lld  %s\n", (long long)n, key); /* names of any length */
	return 0;
}

int cmd_elog_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	{ "since", required_argument, 0, 's' },
		{ "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = cli_default_db();
	struct stats_out o = { .fmt = ELOG_OUT_TEXT };
	int64_t since = 0;
	struct ras_err e;
	struct store *s;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			if (time_parse_arg(optarg, time_now_us(), &since, &e)) {
				fprintf(stderr, "opal-elog: %s\n", e.msg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'o':
			if (elog_parse_output(optarg, ELOG_OUT_MASK(ELOG_OUT_TEXT) | ELOG_OUT_MASK(ELOG_OUT_JSON), &o.fmt) < 0) {
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(stats_usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	rc = cli_open_store(db, STORE_RDONLY, &s);
	if (rc)
		return rc;
	if (o.fmt == ELOG_OUT_JSON) {
		json_init(&o.w, stdout, true);
		json_obj_begin(&o.w);
	}
	rc = store_stats(s, since, stats_row, &o, &e);
	if (o.fmt == ELOG_OUT_JSON) {
		if (o.group)
			json_obj_end(&o.w);
		json_obj_end(&o.w);
		json_end_doc(&o.w);
	} else if (!o.group) {
		printf("no events\n");
	}
	store_close(s);
	if (rc) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	return ELOG_EXIT_OK;
}

static const char prune_usage[] =
	"Usage: opal-elog prune [--db PATH] [--dry-run] [--max-age SEV=DURATION]...\n"
	"                       [--max-count SEV=N]... [--open-serviceable-max-age DURATION]\n"
	"Delete events past the retention policy. Defaults: info 90d / 100000 events,\n"
	"warning 180d / 100000, error 730d, critical 1826d; open serviceable events are\n"
	"exempt from count limits and kept 3652d. A zero value removes a limit.\n\n"
	"Examples:\n"
	"  opal-elog prune --dry-run\n"
	"  opal-elog prune --max-age info=30d --max-count warning=20000\n";

int cmd_elog_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "max-age", required_argument, 0, 'a' },
		{ "max-count", required_argument, 0, 'c' },
		{ "open-serviceable-max-age", required_argument, 0, 'S' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = cli_default_db();
	struct retention_policy p;
	struct retention_result r;
	bool dry = false;
	struct ras_err e;
	struct store *s;
	int c, rc;

	retention_policy_default(&p);
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			dry = true;
			break;
		case 'a':
		case 'c':
		case 'S':
			rc = c == 'a'	? retention_set_age(&p, optarg, &e)
			     : c == 'c' ? retention_set_count(&p, optarg, &e)
					: time_parse_duration(optarg, &p.open_serviceable_max_age_us, &e);
			if (rc) {
				fprintf(stderr, "opal-elog: %s\n", e.msg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(prune_usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(prune_usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	rc = cli_open_store(db, dry ? STORE_RDONLY : STORE_RDWR, &s);
	if (rc)
		return rc;
	rc = retention_prune(s, &p, time_now_us(), dry, dry ? stdout : NULL, &r, &e);
	store_close(s);
	if (rc) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	static const char *const names[] = { "info", "warning", "error", "critical" };
	printf("%s %lld event%s", dry ? "would delete" : "deleted", (long long)r.total,
	       r.total == 1 ? "" : "s");
	for (int i = 0; i < 4; i++)
		if (r.by_age[i] || r.by_count[i])
			printf("; %s: %lld by age, %lld by count", names[i], (long long)r.by_age[i],
			       (long long)r.by_count[i]);
	if (r.open_serviceable_by_age)
		printf("; open serviceable: %lld by age", (long long)r.open_serviceable_by_age);
	putchar('\n');
	return ELOG_EXIT_OK;
}

static const char check_usage[] = "Usage: opal-elog check [--db PATH]\n"
				  "Verify the database: SQLite integrity and references between "
				  "tables. Opening it\nfor writing also upgrades an older schema.\n\n"
				  "Examples:\n"
				  "  opal-elog check --db /var/lib/opal-ras/ras.db\n";

int cmd_elog_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = cli_default_db();
	struct ras_err e;
	struct store *s;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(check_usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(check_usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	/* Writable when we may (upgrades the schema), else read-only. */
	rc = store_open(db, STORE_RDWR, &s, &e);
	if (rc == -EACCES || rc == -EROFS)
		rc = store_open(db, STORE_RDONLY, &s, &e);
	if (rc) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return rc == -ENOENT ? ELOG_EXIT_NO_DB : ELOG_EXIT_FAIL;
	}
	rc = store_check(s, &e);
	store_close(s);
	if (rc) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	printf("%s: ok\n", db);
	return ELOG_EXIT_OK;
}
