/*
 * elog_show.c - `opal-elog show ID`: one event in full. A PEL event is decoded again
 * from its stored raw bytes (so a newer decoder shows more of an old record).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "errlog/event_render.h"
#include "errlog/pel_show.h"

static const char usage[] =
	"Usage: opal-elog show [--db PATH] [-o text|json] [--hex] ID...\n"
	"Show stored events in full: common fields, details, callouts, repair history,\n"
	"hook and forward deliveries; PEL events also as a full section-by-section decode.\n\n"
	"Examples:\n"
	"  opal-elog show 42\n"
	"  opal-elog show -o json 42 | jq .pel.sections\n";

int cmd_elog_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' }, { "output", required_argument, 0, 'o' },
		{ "hex", no_argument, 0, 'x' },	     { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *db = cli_default_db();
	enum elog_output fmt = ELOG_OUT_TEXT;
	int c, rc, worst = ELOG_EXIT_OK;
	bool hex = false;
	struct store *s;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			if (elog_parse_output(optarg, ELOG_OUT_MASK(ELOG_OUT_TEXT) | ELOG_OUT_MASK(ELOG_OUT_JSON), &fmt) < 0) {
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'x':
			hex = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return ELOG_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++)
		if (cli_parse_id(argv[i]) < 0)
			return ELOG_EXIT_USAGE;
	rc = cli_open_store(db, STORE_RDONLY, &s);
	if (rc)
		return rc;
	for (int i = optind; i < argc; i++) {
		struct store_query *q;
		struct stored_event r;
		struct ras_err e;
		long long id = cli_parse_id(argv[i]);

		if (store_get_event(s, id, &q, &r, &e)) {
			fprintf(stderr, "opal-elog: %s\n", e.msg);
			worst = ELOG_EXIT_FAIL;
			continue;
		}
		bool is_pel = r.kind && !strcmp(r.kind, "pel") && r.raw_len;
		if (fmt == ELOG_OUT_JSON) {
			struct json_writer w;
			json_init(&w, stdout, true);
			event_render_show_json(&w, &r, s, hex);
			json_end_doc(&w);
		} else {
			event_render_text_full(stdout, &r, s);
			if (is_pel) {
				putchar('\n');
				pel_show_text(stdout, r.raw, r.raw_len, hex);
			}
			if (i + 1 < argc)
				putchar('\n');
		}
		store_query_end(q);
	}
	store_close(s);
	return worst;
}
