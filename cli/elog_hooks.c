/*
 * elog_hooks.c - `opal-elog hooks list|test|runs`: the configured hooks, one run now
 * for a stored event (the same runner and input as the daemon), and the run history.
 */
#include <getopt.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "common/json.h"
#include "common/timeutil.h"
#include "errlog/config.h"
#include "errlog/event_render.h"
#include "errlog/hook_run.h"

static const char usage[] =
	"Usage: opal-elog hooks list [--config FILE] [-o text|json]\n"
	"       opal-elog hooks test [--config FILE] [--db PATH] NAME EVENT_ID\n"
	"       opal-elog hooks runs [--db PATH] [--hook NAME] [--failed] [--limit N] [-o text|json]\n"
	"list: the hooks of the configuration with what they match.\n"
	"test: run hook NAME once now for a stored event, exactly as the daemon would (same\n"
	"      JSON on stdin, same environment, same user and timeout); prints the result.\n"
	"runs: the recorded runs (every attempt), newest first.\n\n"
	"Examples:\n"
	"  opal-elog hooks list\n"
	"  opal-elog hooks test page-oncall 42\n"
	"  opal-elog hooks runs --failed --hook page-oncall\n";

static void print_match(const struct hook_match *m)
{
	bool any = false;
	if (m->n_kinds) {
		printf(" kinds=");
		for (size_t i = 0; i < m->n_kinds; i++)
			printf("%s%s", i ? "," : "", m->kinds[i]);
		any = true;
	}
	if (m->min_severity >= 0)
		printf(" severity>=%s", ras_severity_name(m->min_severity)), any = true;
	if (m->serviceable >= 0)
		printf(" serviceable=%s", m->serviceable ? "yes" : "no"), any = true;
	if (m->src)
		printf(" src=%s", m->src), any = true;
	if (m->location)
		printf(" location=%s", m->location), any = true;
	if (m->subsystem)
		printf(" subsystem~%s", m->subsystem), any = true;
	if (m->guest)
		printf(" guest=%s", m->guest), any = true;
	if (m->source)
		printf(" source=%s", m->source), any = true;
	if (!any)
		printf(" (every event)");
}

static int load(const char *cfg_path, struct opal_config *cfg, struct hook_set *set)
{
	struct ras_err e;
	if (config_load(cfg_path, cfg, &e) ||
	    hook_set_load(cfg->doc ? ydoc_get(cfg->doc, "hooks") : NULL, set, &e)) {
		fprintf(stderr, "opal-elog hooks: %s\n", e.msg);
		return ELOG_EXIT_FAIL;
	}
	return 0;
}

static int hooks_list(const char *cfg_path, enum elog_output fmt)
{
	struct opal_config cfg;
	struct hook_set set;
	int rc = load(cfg_path, &cfg, &set);

	if (rc)
		return rc;
	if (fmt == ELOG_OUT_JSON) {
		struct json_writer w;
		json_init(&w, stdout, true);
		json_arr_begin(&w);
		for (size_t i = 0; i < set.n; i++) {
			const struct hook *h = &set.hooks[i];
			json_obj_begin(&w);
			json_kstr(&w, "name", h->name);
			json_key(&w, "command");
			json_arr_begin(&w);
			for (int a = 0; h->argv[a]; a++)
				json_str(&w, h->argv[a]);
			json_arr_end(&w);
			json_kstr(&w, "user", h->user);
			json_kstr(&w, "group", h->group);
			json_kint(&w, "timeout_us", h->timeout_us);
			json_kint(&w, "max_concurrent", h->max_concurrent);
			json_kint(&w, "rate_runs", h->rate_runs);
			json_kint(&w, "rate_interval_us", h->rate_interval_us);
			json_kint(&w, "retries", h->retries);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_end_doc(&w);
	} else if (!set.n) {
		printf("no hooks configured\n");
	} else {
		for (size_t i = 0; i < set.n; i++) {
			const struct hook *h = &set.hooks[i];
			printf("%s: match", h->name);
			print_match(&h->match);
			printf("\n  command:");
			for (int a = 0; h->argv[a]; a++)
				printf(" %s", h->argv[a]);
			printf("\n  user %s%s%s, timeout %" PRId64 "s, max_concurrent %d, retries %d",
			       h->user, h->group ? " group " : "", h->group ? h->group : "",
			       h->timeout_us / 1000000, h->max_concurrent, h->retries);
			if (h->rate_runs)
				printf(", at most %d runs per %" PRId64 "s", h->rate_runs,
				       h->rate_interval_us / 1000000);
			putchar('\n');
		}
	}
	config_free(&cfg);
	return ELOG_EXIT_OK;
}

static int hooks_test(const char *cfg_path, const char *db, const char *name, const char *id_s)
{
	struct opal_config cfg;
	struct hook_set set;
	struct store *s;
	struct store_query *q;
	struct stored_event ev;
	struct hook_proc p;
	struct ras_err e;
	long long id = cli_parse_id(id_s);
	int rc;

	if (id < 0)
		return ELOG_EXIT_USAGE;
	rc = load(cfg_path, &cfg, &set);
	if (rc)
		return rc;
	const struct hook *h = hook_find(&set, name);
	if (!h) {
		fprintf(stderr, "opal-elog hooks: no hook named \"%s\" (see opal-elog hooks list)\n",
			name);
		config_free(&cfg);
		return ELOG_EXIT_FAIL;
	}
	rc = cli_open_store(db, STORE_RDONLY, &s);
	if (rc) {
		config_free(&cfg);
		return rc;
	}
	if (store_get_event(s, id, &q, &ev, &e)) {
		fprintf(stderr, "opal-elog hooks: %s\n", e.msg);
		store_close(s);
		config_free(&cfg);
		return ELOG_EXIT_FAIL;
	}
	char *payload = NULL, idb[32], dlv[128];
	size_t len = 0;
	FILE *f = open_memstream(&payload, &len);
	struct json_writer w;
	json_init(&w, f, false);
	event_render_show_json(&w, &ev, s, false);
	json_end_doc(&w);
	fclose(f);
	struct hook_env env;
	hook_env_init(&env);
	snprintf(idb, sizeof(idb), "%lld", id);
	snprintf(dlv, sizeof(dlv), "%lld:%s", id, h->name);
	hook_env_add(&env, "OPAL_EVENT_ID", idb);
	hook_env_add(&env, "OPAL_EVENT_KIND", ev.kind);
	hook_env_add(&env, "OPAL_SEVERITY", ras_severity_name(ev.severity));
	hook_env_add(&env, "OPAL_SRC", ev.refcode ? ev.refcode : "");
	hook_env_add(&env, "OPAL_LOCATION", ev.location ? ev.location : "");
	hook_env_add(&env, "OPAL_HOOK", h->name);
	hook_env_add(&env, "OPAL_DELIVERY_ID", dlv);
	hook_env_add(&env, "OPAL_EVENT_COUNT", "1");
	hook_env_add(&env, "OPAL_EVENT_IDS", idb);
	store_query_end(q);
	rc = hook_run_sync(h, &env, payload, len, &p, &e);
	free(payload);
	if (rc) {
		printf("hook %s: could not start: %s\n", h->name, p.error[0] ? p.error : e.msg);
		rc = ELOG_EXIT_FAIL;
	} else {
		printf("hook %s: %s", h->name, hook_outcome_name(p.outcome));
		if (p.exit_status >= 0)
			printf(", exit status %d", p.exit_status);
		if (p.signal)
			printf(", signal %d", p.signal);
		printf(", %.3f s, uid %u\n", (double)p.duration_ns / 1e9, (unsigned)p.uid);
		printf("--- stdout%s\n%.*s", p.out_trunc ? " (truncated)" : "", (int)p.out_len, p.out);
		printf("--- stderr%s\n%.*s", p.err_trunc ? " (truncated)" : "", (int)p.err_len, p.err);
		rc = p.outcome == HOOK_OK ? ELOG_EXIT_OK : ELOG_EXIT_FAIL;
	}
	hook_proc_free(&p);
	store_close(s);
	config_free(&cfg);
	return rc;
}

static int hooks_runs(const char *db, const char *hook, bool failed, long limit,
		      enum elog_output fmt)
{
	struct store *s;
	sqlite3_stmt *st;
	int rc = cli_open_store(db, STORE_RDONLY, &s);
	struct json_writer w;

	if (rc)
		return rc;
	if (sqlite3_prepare_v2(store_sqlite(s),
			       "SELECT id, hook, event_id, event_count, event_ids, attempt, started_us,"
			       " duration_us, outcome, exit_status, signal, uid, stdout, stderr,"
			       " truncated, error FROM hook_runs"
			       " WHERE (?1 IS NULL OR hook = ?1) AND (?2 = 0 OR outcome != 'ok')"
			       " ORDER BY id DESC LIMIT ?3",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "opal-elog hooks: %s\n", sqlite3_errmsg(store_sqlite(s)));
		store_close(s);
		return ELOG_EXIT_FAIL;
	}
	if (hook)
		sqlite3_bind_text(st, 1, hook, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, failed);
	sqlite3_bind_int64(st, 3, limit);
	if (fmt == ELOG_OUT_JSON) {
		json_init(&w, stdout, true);
		json_arr_begin(&w);
	} else {
		printf("%-6s %-16s %-8s %-6s %-7s %-19s %-9s %-8s %s\n", "RUN", "HOOK", "EVENT",
		       "COUNT", "ATTEMPT", "STARTED", "DURATION", "OUTCOME", "EXIT");
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char t[40];
		const char *outc = (const char *)sqlite3_column_text(st, 8);
		if (fmt == ELOG_OUT_JSON) {
			json_obj_begin(&w);
			json_kint(&w, "run", sqlite3_column_int64(st, 0));
			json_kstr(&w, "hook", (const char *)sqlite3_column_text(st, 1));
			json_kint(&w, "event_id", sqlite3_column_int64(st, 2));
			json_kint(&w, "event_count", sqlite3_column_int(st, 3));
			json_kstr(&w, "event_ids", (const char *)sqlite3_column_text(st, 4));
			json_kint(&w, "attempt", sqlite3_column_int(st, 5));
			json_kint(&w, "started_us", sqlite3_column_int64(st, 6));
			json_kint(&w, "duration_us", sqlite3_column_int64(st, 7));
			json_kstr(&w, "outcome", outc);
			json_key(&w, "exit_status");
			if (sqlite3_column_type(st, 9) == SQLITE_NULL)
				json_null(&w);
			else
				json_int(&w, sqlite3_column_int(st, 9));
			json_kint(&w, "signal", sqlite3_column_int(st, 10));
			json_kint(&w, "uid", sqlite3_column_int64(st, 11));
			json_key(&w, "stdout");
			json_strn(&w, sqlite3_column_blob(st, 12), (size_t)sqlite3_column_bytes(st, 12));
			json_key(&w, "stderr");
			json_strn(&w, sqlite3_column_blob(st, 13), (size_t)sqlite3_column_bytes(st, 13));
			json_kbool(&w, "truncated", sqlite3_column_int(st, 14));
			json_kstr(&w, "error", (const char *)sqlite3_column_text(st, 15));
			json_obj_end(&w);
		} else {
			char ex[24] = "-";
			if (sqlite3_column_type(st, 9) != SQLITE_NULL)
				snprintf(ex, sizeof(ex), "%d", sqlite3_column_int(st, 9));
			else if (sqlite3_column_int(st, 10))
				snprintf(ex, sizeof(ex), "signal %d", sqlite3_column_int(st, 10));
			printf("%-6lld %-16s %-8lld %-6d %-7d %-19s %7.2fs %-8s %s\n",
			       (long long)sqlite3_column_int64(st, 0),
			       (const char *)sqlite3_column_text(st, 1),
			       (long long)sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3),
			       sqlite3_column_int(st, 5),
			       time_format(sqlite3_column_int64(st, 6), false, t, sizeof(t)),
			       (double)sqlite3_column_int64(st, 7) / 1e6, outc, ex);
		}
	}
	if (fmt == ELOG_OUT_JSON) {
		json_arr_end(&w);
		json_end_doc(&w);
	}
	sqlite3_finalize(st);
	store_close(s);
	return ELOG_EXIT_OK;
}

int cmd_elog_hooks(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, 0, 'c' }, { "db", required_argument, 0, 'd' },
		{ "hook", required_argument, 0, 'k' },	 { "failed", no_argument, 0, 'F' },
		{ "limit", required_argument, 0, 'n' },	 { "output", required_argument, 0, 'o' },
		{ "help", no_argument, 0, 'h' },	 { 0, 0, 0, 0 },
	};
	const char *cfg = NULL, *db = cli_default_db(), *hook = NULL;
	enum elog_output fmt = ELOG_OUT_TEXT;
	bool failed = false;
	long limit = 50;
	int c;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? ELOG_EXIT_USAGE : ELOG_EXIT_OK;
	}
	const char *verb = argv[1];
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "c:d:n:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'k':
			hook = optarg;
			break;
		case 'F':
			failed = true;
			break;
		case 'n':
			limit = atol(optarg);
			if (limit <= 0) {
				fprintf(stderr, "opal-elog hooks: bad --limit \"%s\"\n", optarg);
				return ELOG_EXIT_USAGE;
			}
			break;
		case 'o':
			if (elog_parse_output(optarg,
					      ELOG_OUT_MASK(ELOG_OUT_TEXT) | ELOG_OUT_MASK(ELOG_OUT_JSON),
					      &fmt) < 0)
				return ELOG_EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	int nargs = argc - 1 - optind;
	char **args = argv + 1 + optind;
	if (!strcmp(verb, "list") && nargs == 0)
		return hooks_list(cfg, fmt);
	if (!strcmp(verb, "test") && nargs == 2)
		return hooks_test(cfg, db, args[0], args[1]);
	if (!strcmp(verb, "runs") && nargs == 0)
		return hooks_runs(db, hook, failed, limit, fmt);
	fputs(usage, stderr);
	return ELOG_EXIT_USAGE;
}
