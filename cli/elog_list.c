/*
 * elog_list.c - `opal-elog list`, `export` and `follow`: filtered event listings.
 *
 * All three share the filter options (cli_db.c) and the renderers (errlog/event_render).
 * follow never busy-waits: it sleeps on inotify of the database's WAL file, with a
 * one-second data_version check as the safety net (a checkpoint may truncate the WAL).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "errlog/event_render.h"

enum list_mode { MODE_LIST, MODE_EXPORT, MODE_FOLLOW };

static const char list_usage[] =
	"Usage: opal-elog list [--db PATH] [FILTERS] [--limit N] [--reverse] [-o text|json|csv]\n"
	"List stored events, oldest first (with --limit, the newest N).\n\n"
	"%s\n"
	"Examples:\n"
	"  opal-elog list --since 2d --severity error\n"
	"  opal-elog list --serviceable --open --location U78D2.001.WZS0001-P1-C7\n"
	"  opal-elog list --kind pel --src 'BC8A*' -o json\n"
	"  opal-elog list --since 2026-11-24 --until 2026-11-25 -o csv > errors.csv\n";

static const char export_usage[] =
	"Usage: opal-elog export [--db PATH] [--after ID] [FILTERS] [--limit N]\n"
	"Write events as JSON lines in id order; resumable: pass the last id you saw as\n"
	"--after to continue where a previous export stopped.\n\n"
	"%s\n"
	"Examples:\n"
	"  opal-elog export > all.jsonl\n"
	"  opal-elog export --after \"$(tail -1 all.jsonl | jq .id)\" >> all.jsonl\n";

static const char follow_usage[] =
	"Usage: opal-elog follow [--db PATH] [FILTERS] [--backlog N] [-o text|json|csv]\n"
	"Print the last N (default 10) events, then each new event as it is committed,\n"
	"until interrupted.\n\n"
	"%s\n"
	"Examples:\n"
	"  opal-elog follow --severity error\n"
	"  opal-elog follow -o json --kind eeh | my-shipper\n";

/* The usage texts hold a "%s" where the shared filter help goes. */
static void show_usage(FILE *f, const char *u)
{
	const char *mark = strstr(u, "%s");
	fwrite(u, 1, (size_t)(mark - u), f);
	fputs(cli_filter_help, f);
	fputs(mark + 2, f);
}

static volatile sig_atomic_t follow_stop;

static void on_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

/* Print every row of one query; returns 0 or an exit code; *last gets the last id. */
static int print_rows(struct store *s, const struct event_filter *f, enum elog_output fmt, bool with_details,
		      int64_t *last, long *n)
{
	struct store_query *q;
	struct stored_event r;
	struct json_writer w;
	struct ras_err e;
	int rc;

	if (store_query_begin(s, f, &q, &e)) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	while ((rc = store_query_next(q, &r, &e)) == 1) {
		switch (fmt) {
		case ELOG_OUT_JSON:
			json_init(&w, stdout, false);
			event_render_json(&w, &r, with_details ? s : NULL);
			json_end_doc(&w);
			break;
		case ELOG_OUT_CSV:
			event_render_csv_line(stdout, &r);
			break;
		default:
			event_render_text_line(stdout, &r);
		}
		if (last && r.id > *last)
			*last = r.id;
		if (n)
			(*n)++;
	}
	store_query_end(q);
	if (rc < 0) {
		fprintf(stderr, "opal-elog: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	fflush(stdout);
	return ELOG_EXIT_OK;
}

static int wait_for_change(struct store *s, int ino, int64_t *version)
{
	struct ras_err e;
	char buf[4096];

	while (!follow_stop) {
		struct pollfd p = { .fd = ino, .events = POLLIN };
		int r = poll(&p, ino >= 0 ? 1 : 0, 1000);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			while (read(ino, buf, sizeof(buf)) > 0)
				;
		int64_t v;
		if (store_data_version(s, &v, &e)) {
			fprintf(stderr, "opal-elog: %s\n", e.msg);
			return -EIO;
		}
		if (v != *version) {
			*version = v;
			return 0;
		}
	}
	return 1;
}

static int run(int argc, char **argv, enum list_mode mode)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },	 { "limit", required_argument, 0, 'n' },
		{ "reverse", no_argument, 0, 'r' },	 { "output", required_argument, 0, 'o' },
		{ "after", required_argument, 0, 'a' },	 { "backlog", required_argument, 0, 'b' },
		{ "help", no_argument, 0, 'h' },	 CLI_FILTER_LONGOPTS,
		{ 0, 0, 0, 0 },
	};
	const char *usage = mode == MODE_LIST ? list_usage : mode == MODE_EXPORT ? export_usage
										   : follow_usage;
	const char *db = cli_default_db();
	struct event_filter f;
	enum elog_output fmt = mode == MODE_EXPORT ? ELOG_OUT_JSON : ELOG_OUT_TEXT;
	int c, rc;
	long backlog = 10;
	struct store *s;

	event_filter_init(&f);
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:n:ro:h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			f.limit = strtoll(optarg, &end, 10);
			if (*end || f.limit <= 0) {
				fprintf(stderr, "opal-elog: bad --limit \"%s\"\n", optarg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'r':
			f.newest_first = true;
			break;
		case 'a':
			f.after_id = strtoll(optarg, &end, 10);
			if (*end || f.after_id < 0) {
				fprintf(stderr, "opal-elog: bad --after \"%s\"\n", optarg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'b':
			backlog = strtol(optarg, &end, 10);
			if (*end || backlog < 0) {
				fprintf(stderr, "opal-elog: bad --backlog \"%s\"\n", optarg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'o':
			if (elog_parse_output(optarg, ELOG_OUT_MASK(ELOG_OUT_TEXT) | ELOG_OUT_MASK(ELOG_OUT_JSON) |
							       ELOG_OUT_MASK(ELOG_OUT_CSV), &fmt) < 0 || (mode == MODE_EXPORT && fmt != ELOG_OUT_JSON)) {
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'h':
			show_usage(stdout, usage);
			return ELOG_EXIT_OK;
		default:
			rc = cli_filter_option(&f, c, optarg);
			if (rc == 1)
				break;
			if (rc == 0)
				show_usage(stderr, usage);
			return ELOG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "opal-elog: unexpected argument \"%s\"\n", argv[optind]);
		return ELOG_EXIT_USAGE;
	}
	rc = cli_open_store(db, STORE_RDONLY, &s);
	if (rc)
		return rc;
	if (mode == MODE_LIST) {
		long n = 0;
		if (fmt == ELOG_OUT_TEXT)
			event_render_text_header(stdout);
		else if (fmt == ELOG_OUT_CSV)
			event_render_csv_header(stdout);
		else
			fputs("", stdout);
		rc = print_rows(s, &f, fmt, fmt == ELOG_OUT_JSON, NULL, &n);
		if (!rc && fmt == ELOG_OUT_TEXT && n == 0)
			fprintf(stderr, "opal-elog: no matching events\n");
		store_close(s);
		return rc;
	}
	if (mode == MODE_EXPORT) {
		f.by_id = true;
		rc = print_rows(s, &f, ELOG_OUT_JSON, true, NULL, NULL);
		store_close(s);
		return rc;
	}

	/* follow: backlog, then wake on WAL changes. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int64_t last = store_max_id(s), version = 0;
	struct ras_err e;
	store_data_version(s, &version, &e);
	if (backlog > 0) {
		struct event_filter b = f;
		b.limit = backlog; /* the newest N, oldest first */
		rc = print_rows(s, &b, fmt, false, NULL, NULL);
	}
	char wal[4200];
	snprintf(wal, sizeof(wal), "%s-wal", db);
	int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino >= 0 && inotify_add_watch(ino, wal, IN_MODIFY) < 0) {
		close(ino);
		ino = -1;
	}
	f.by_id = true;
	while (!rc) {
		int w = wait_for_change(s, ino, &version);
		if (w)
			break;
		f.after_id = last;
		rc = print_rows(s, &f, fmt, false, &last, NULL);
		int64_t m = store_max_id(s);
		if (m > last)
			last = m; /* filtered-out rows: never look at them again */
	}
	if (ino >= 0)
		close(ino);
	store_close(s);
	return rc;
}

int cmd_elog_list(int argc, char **argv)
{
	return run(argc, argv, MODE_LIST);
}

int cmd_elog_export(int argc, char **argv)
{
	return run(argc, argv, MODE_EXPORT);
}

int cmd_elog_follow(int argc, char **argv)
{
	return run(argc, argv, MODE_FOLLOW);
}
