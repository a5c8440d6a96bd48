/*
 * opal-dump.c - the opal-dump command: list, fetch, ack, initiate, parse and prune
 * platform dumps (/sys/firmware/opal/dump). A table of subcommands over dump/dump.h.
 *
 * Invariant: a dump is acknowledged only by `ack`, or by `fetch --ack` after the fetched
 * copy is complete, fsync'ed and renamed into place. Exit codes (see opal-dump.8):
 * 0 ok, 1 operational failure, 2 usage, 3 no such dump / ambiguous id, 4 not supported on
 * this system, 5 left with firmware by policy (free space, maximum total size).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "common/timeutil.h"
#include "dump/dump.h"

enum { EXIT_OPFAIL = 1, EXIT_USAGE = 2, EXIT_NODUMP = 3, EXIT_UNSUPP = 4, EXIT_POLICY = 5 };
enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

static const char *root = "/";

static const char usage_text[] =
	"usage: opal-dump [--root DIR] COMMAND [options]\n"
	"\n"
	"Platform dumps offered by firmware in /sys/firmware/opal/dump.\n"
	"\n"
	"commands:\n"
	"  list [-o text|json|csv]          dumps waiting in firmware (type, id, size)\n"
	"  fetch ID [-o DIR] [--ack]        copy a dump to DIR (default " DUMP_DEFAULT_DIR ")\n"
	"        [--compress zstd] [--zstd-level N] [--min-free SIZE] [--max-total SIZE]\n"
	"        [--no-space-check] [--retries N] [--retry-delay MS] [--json]\n"
	"        [--progress | --quiet]\n"
	"  ack ID                           tell firmware it may free the dump\n"
	"  initiate                         ask the service processor for a dump\n"
	"  parse FILE [-o text|json]        show the dump file header\n"
	"  prune [-o DIR] [--max-age AGE] [--max-total SIZE] [--dry-run] [--json]\n"
	"                                   remove old fetched dumps from DIR\n"
	"\n"
	"ID is the directory name the kernel shows (0x2-0x5) or the bare id (0x5) when only\n"
	"one dump has it. Every command takes --root DIR (default /).\n"
	"\n"
	"exit codes: 0 ok, 1 failure, 2 usage, 3 no such dump or ambiguous id,\n"
	"            4 not supported on this system, 5 left with firmware by policy\n"
	"\n"
	"EXAMPLES\n"
	"  opal-dump list\n"
	"  opal-dump fetch 0x2-0x5 -o /var/lib/opal-ras/dumps --ack\n"
	"  opal-dump fetch 0x5 --compress zstd --json\n"
	"  opal-dump parse /var/lib/opal-ras/dumps/dump.0x2-0x5.3fa9c2d1e0b4.SYSDUMP.zst\n"
	"  opal-dump prune --max-age 30d --max-total 20G\n"
	"  opal-dump --root /tmp/simroot initiate\n";

static int usage(FILE *f, int rc)
{
	fputs(usage_text, f);
	return rc;
}

static int exit_for(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case -EOPNOTSUPP:
		return EXIT_UNSUPP;
	case -ENOENT:
	case -EEXIST:
		return EXIT_NODUMP;
	case -ENOSPC:
	case -EFBIG:
		return EXIT_POLICY;
	case -EINVAL:
		return EXIT_USAGE;
	default:
		return EXIT_OPFAIL;
	}
}

static int fail(const char *what, int rc, const struct ras_err *e)
{
	fprintf(stderr, "opal-dump: %s: %s\n", what, e->msg[0] ? e->msg : strerror(-rc));
	return exit_for(rc);
}

static int parse_fmt(const char *s, enum fmt *f, bool csv_ok)
{
	if (!strcmp(s, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else if (csv_ok && !strcmp(s, "csv"))
		*f = FMT_CSV;
	else {
		fprintf(stderr, "opal-dump: unknown output format \"%s\" (text, json%s)\n", s,
			csv_ok ? ", csv" : "");
		return -1;
	}
	return 0;
}

enum {
	OPT_ROOT = 1000,
	OPT_ACK,
	OPT_COMPRESS,
	OPT_ZLEVEL,
	OPT_MINFREE,
	OPT_MAXTOTAL,
	OPT_NOSPACE,
	OPT_RETRIES,
	OPT_DELAY,
	OPT_JSON,
	OPT_PROGRESS,
	OPT_MAXAGE,
	OPT_DRYRUN,
	OPT_FORMAT,
	OPT_DIR,
};

static const struct option common_opts[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "ack", no_argument, NULL, OPT_ACK },
	{ "compress", required_argument, NULL, OPT_COMPRESS },
	{ "zstd-level", required_argument, NULL, OPT_ZLEVEL },
	{ "min-free", required_argument, NULL, OPT_MINFREE },
	{ "max-total", required_argument, NULL, OPT_MAXTOTAL },
	{ "no-space-check", no_argument, NULL, OPT_NOSPACE },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-delay", required_argument, NULL, OPT_DELAY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-age", required_argument, NULL, OPT_MAXAGE },
	{ "dry-run", no_argument, NULL, OPT_DRYRUN },
	{ NULL, 0, NULL, 0 },
};

/* Options of one command; which are allowed is checked per command. */
struct opts {
	const char *o; /* -o: format (list, parse) or directory (fetch, prune) */
	const char *dir;
	enum fmt fmt;
	bool fmt_set;
	bool ack, dry_run, json;
	struct dump_policy pol;
	int64_t max_age_us;
	uint64_t max_total;
	bool max_total_set;
	int argc;
	char **argv; /* positional arguments */
};

static int parse_opts(const char *cmd, const char *allowed, int argc, char **argv, struct opts *o)
{
	struct ras_err e = { "" };
	int c, rc;

	memset(o, 0, sizeof(*o));
	dump_policy_init(&o->pol);
	o->pol.progress = -1;
	optind = 0; /* full reset: main() already ran getopt */
	while ((c = getopt_long(argc, argv, "ho:q", common_opts, NULL)) != -1) {
		if (c == 'h')
			exit(usage(stdout, 0));
		if (c == '?')
			return -1;
		if (c >= OPT_ROOT && !strchr(allowed, '*') && c != OPT_ROOT &&
		    !strchr(allowed, (char)('A' + (c - OPT_ROOT)))) {
			fprintf(stderr, "opal-dump %s: option %s does not apply\n", cmd,
				argv[optind - 1]);
			return -1;
		}
		if ((c == 'o' || c == 'q') && !strchr(allowed, c)) {
			fprintf(stderr, "opal-dump %s: option -%c does not apply\n", cmd, c);
			return -1;
		}
		rc = 0;
		switch (c) {
		case OPT_ROOT:
			root = optarg;
			break;
		case 'o':
			o->o = optarg;
			break;
		case OPT_FORMAT:
			if (parse_fmt(optarg, &o->fmt, true))
				return -1;
			o->fmt_set = true;
			break;
		case OPT_DIR:
			o->dir = optarg;
			break;
		case OPT_ACK:
			o->ack = true;
			break;
		case OPT_COMPRESS:
			rc = dump_policy_set(&o->pol, "compress", optarg, &e);
			break;
		case OPT_ZLEVEL:
			rc = dump_policy_set(&o->pol, "zstd_level", optarg, &e);
			break;
		case OPT_MINFREE:
			rc = dump_policy_set(&o->pol, "min_free", optarg, &e);
			break;
		case OPT_MAXTOTAL:
			rc = dump_parse_size(optarg, &o->max_total, &e);
			o->pol.max_total_bytes = o->max_total;
			o->max_total_set = true;
			break;
		case OPT_NOSPACE:
			o->pol.no_space_check = true;
			break;
		case OPT_RETRIES:
			rc = dump_policy_set(&o->pol, "eio_retries", optarg, &e);
			break;
		case OPT_DELAY:
			rc = dump_policy_set(&o->pol, "eio_delay_ms", optarg, &e);
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_PROGRESS:
			o->pol.progress = 1;
			break;
		case 'q':
			o->pol.progress = 0;
			break;
		case OPT_MAXAGE:
			rc = time_parse_duration(optarg, &o->max_age_us, &e);
			break;
		case OPT_DRYRUN:
			o->dry_run = true;
			break;
		}
		if (rc) {
			fprintf(stderr, "opal-dump %s: %s\n", cmd, e.msg);
			return -1;
		}
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	return 0;
}

/* Allowed option letters: 'A' + (OPT_x - OPT_ROOT). */
#define AL_ACK	    "B"
#define AL_COMPRESS "C"
#define AL_ZLEVEL   "D"
#define AL_MINFREE  "E"
#define AL_MAXTOTAL "F"
#define AL_NOSPACE  "G"
#define AL_RETRIES  "H"
#define AL_DELAY    "I"
#define AL_JSON	    "J"
#define AL_PROGRESS "K"
#define AL_MAXAGE   "L"
#define AL_DRYRUN   "M"
#define AL_FORMAT   "N"
#define AL_DIR	    "O"

static int need_args(const char *cmd, const struct opts *o, int n, const char *what)
{
	if (o->argc == n)
		return 0;
	fprintf(stderr, "opal-dump %s: %s\n", cmd, o->argc < n ? what : "too many arguments");
	return -1;
}

/* -o as an output format (list, parse). */
static int fmt_from_o(struct opts *o, bool csv_ok)
{
	if (o->o && parse_fmt(o->o, &o->fmt, csv_ok))
		return -1;
	if (o->fmt == FMT_CSV && !csv_ok) {
		fprintf(stderr, "opal-dump: csv output is only for list\n");
		return -1;
	}
	return 0;
}

/* The kernel's spelling of a number: lowercase hex, no padding. */
static const char *hex(uint32_t v, char *b)
{
	snprintf(b, 16, "0x%x", v);
	return b;
}

static int cmd_list(int argc, char **argv)
{
	char idb[16];
	struct ras_err e = { "" };
	struct dump_entry *v;
	struct opts o;
	size_t n;
	int rc;

	if (parse_opts("list", "o" AL_FORMAT, argc, argv, &o) || need_args("list", &o, 0, "") ||
	    fmt_from_o(&o, true))
		return EXIT_USAGE;
	rc = dump_list(root, &v, &n, &e);
	if (rc)
		return fail("list", rc, &e);
	if (o.fmt == FMT_JSON) {
		struct json_writer w;

		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_key(&w, "dumps");
		json_arr_begin(&w);
		for (size_t i = 0; i < n; i++) {
			json_obj_begin(&w);
			json_kstr(&w, "name", v[i].name);
			json_kuint(&w, "type", v[i].type);
			json_kstr(&w, "type_name", dump_type_name(v[i].type));
			json_kstr(&w, "id", hex(v[i].id, idb));
			json_kuint(&w, "size", v[i].size);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
	} else if (o.fmt == FMT_CSV) {
		printf("name,type,type_name,id,size\n");
		for (size_t i = 0; i < n; i++)
			printf("%s,0x%x,%s,0x%x,%llu\n", v[i].name, v[i].type,
			       dump_type_name(v[i].type), v[i].id, (unsigned long long)v[i].size);
	} else {
		if (n == 0)
			printf("no dumps waiting in firmware\n");
		else
			printf("%-24s %-22s %-12s %12s\n", "DUMP", "TYPE", "ID", "SIZE");
		for (size_t i = 0; i < n; i++) {
			char id[16];
			snprintf(id, sizeof(id), "0x%x", v[i].id);
			printf("%-24s %-22s %-12s %12llu\n", v[i].name, dump_type_name(v[i].type),
			       id, (unsigned long long)v[i].size);
		}
	}
	free(v);
	return 0;
}

static void result_json(const struct dump_result *r, bool acked)
{
	struct json_writer w;
	char idb[16];

	json_init(&w, stdout, true);
	json_obj_begin(&w);
	json_kstr(&w, "name", r->entry.name);
	json_kuint(&w, "type", r->entry.type);
	json_kstr(&w, "type_name", dump_type_name(r->entry.type));
	json_kstr(&w, "id", hex(r->entry.id, idb));
	json_kbool(&w, "stored", r->stored);
	if (r->stored) {
		json_kstr(&w, "path", r->path);
		json_kstr(&w, "sha256", r->sha256);
		json_kuint(&w, "size", r->size);
		json_kuint(&w, "stored_bytes", r->stored_bytes);
		json_kstr(&w, "compressed", r->compressed ? "zstd" : "none");
		json_key(&w, "seconds");
		json_double(&w, r->seconds);
	} else {
		json_kuint(&w, "size", r->entry.size);
		json_kstr(&w, "reason", r->reason);
	}
	json_kuint(&w, "eio_retries", r->eio_retries);
	json_kbool(&w, "acked", acked);
	json_obj_end(&w);
	json_end_doc(&w);
}

static int cmd_fetch(int argc, char **argv)
{
	struct ras_err e = { "" };
	struct dump_result r;
	struct opts o;
	int rc;

	if (parse_opts("fetch",
		       "oq" AL_ACK AL_COMPRESS AL_ZLEVEL AL_MINFREE AL_MAXTOTAL AL_NOSPACE
			       AL_RETRIES AL_DELAY AL_JSON AL_PROGRESS AL_DIR,
		       argc, argv, &o) ||
	    need_args("fetch", &o, 1, "which dump? (see opal-dump list)"))
		return EXIT_USAGE;
	if (o.o || o.dir)
		snprintf(o.pol.dir, sizeof(o.pol.dir), "%s", o.dir ? o.dir : o.o);
	if (o.json && o.pol.progress < 0)
		o.pol.progress = 0;
	rc = dump_retrieve(root, o.argv[0], &o.pol, &r, &e);
	if (rc) {
		if (o.json && r.refused)
			result_json(&r, false);
		fprintf(stderr, "opal-dump: fetch %s: %s\n", o.argv[0], e.msg);
		if (r.refused)
			fprintf(stderr, "opal-dump: %s was left with firmware (not acknowledged)\n",
				r.entry.name);
		return exit_for(rc);
	}
	if (!o.json) {
		printf("fetched %s (%s, %llu bytes%s) to %s\n", r.entry.name,
		       dump_type_name(r.entry.type), (unsigned long long)r.size,
		       r.compressed ? ", zstd" : "", r.path);
		printf("sha256 %s\n", r.sha256);
		if (r.eio_retries)
			printf("firmware answered EIO %u time(s); retried\n", r.eio_retries);
	}
	if (o.ack) {
		rc = dump_ack(root, r.entry.name, &e);
		if (rc) {
			if (o.json)
				result_json(&r, false);
			return fail("ack after fetch (the dump is stored)", rc, &e);
		}
		if (!o.json)
			printf("acknowledged %s\n", r.entry.name);
	}
	if (o.json)
		result_json(&r, o.ack);
	return 0;
}

static int cmd_ack(int argc, char **argv)
{
	struct ras_err e = { "" };
	struct dump_entry en;
	struct opts o;
	int rc;

	if (parse_opts("ack", "", argc, argv, &o) ||
	    need_args("ack", &o, 1, "which dump? (see opal-dump list)"))
		return EXIT_USAGE;
	rc = dump_resolve(root, o.argv[0], &en, &e);
	if (!rc)
		rc = dump_ack(root, en.name, &e);
	if (rc)
		return fail("ack", rc, &e);
	printf("acknowledged %s\n", en.name);
	return 0;
}

static int cmd_initiate(int argc, char **argv)
{
	struct ras_err e = { "" };
	struct opts o;
	int rc;

	if (parse_opts("initiate", "", argc, argv, &o) || need_args("initiate", &o, 0, ""))
		return EXIT_USAGE;
	rc = dump_initiate(root, &e);
	if (rc)
		return fail("initiate", rc, &e);
	printf("service-processor dump requested; it appears in 'opal-dump list' when ready\n");
	return 0;
}

static int cmd_parse(int argc, char **argv)
{
	struct ras_err e = { "" };
	struct dump_header h;
	uint64_t size = 0;
	struct opts o;
	int rc;

	if (parse_opts("parse", "o" AL_FORMAT, argc, argv, &o) ||
	    need_args("parse", &o, 1, "which file?") || fmt_from_o(&o, false))
		return EXIT_USAGE;
	rc = dump_header_read_file(o.argv[0], &h, &size, &e);
	if (rc) {
		fail("parse", rc, &e);
		return EXIT_OPFAIL;
	}
	if (o.fmt == FMT_JSON) {
		struct json_writer w;

		json_init(&w, stdout, true);
		dump_header_write_json(&w, o.argv[0], size, &h);
		json_end_doc(&w);
	} else {
		dump_header_print_text(stdout, o.argv[0], size, &h);
	}
	return 0;
}

struct prune_ctx {
	struct json_writer *w;
	bool dry;
};

static void prune_cb(const struct dump_stored *s, void *arg)
{
	struct prune_ctx *c = arg;

	if (c->w) {
		json_obj_begin(c->w);
		json_kstr(c->w, "name", s->name);
		json_kuint(c->w, "bytes", s->bytes);
		json_kint(c->w, "mtime_us", s->mtime_us);
		json_obj_end(c->w);
	} else {
		printf("%s %s (%llu bytes)\n", c->dry ? "would remove" : "removed", s->name,
		       (unsigned long long)s->bytes);
	}
}

static int cmd_prune(int argc, char **argv)
{
	struct ras_err e = { "" };
	struct dump_prune_opts po = { 0 };
	struct json_writer w;
	struct prune_ctx c = { NULL, false };
	const char *dir = DUMP_DEFAULT_DIR;
	struct opts o;
	int rc;

	if (parse_opts("prune", "o" AL_MAXAGE AL_MAXTOTAL AL_DRYRUN AL_JSON AL_DIR, argc, argv,
		       &o) ||
	    need_args("prune", &o, 0, ""))
		return EXIT_USAGE;
	if (o.o || o.dir)
		dir = o.dir ? o.dir : o.o;
	if (!o.max_age_us && !o.max_total_set) {
		fprintf(stderr, "opal-dump prune: give --max-age and/or --max-total\n");
		return EXIT_USAGE;
	}
	po.max_age_us = o.max_age_us;
	po.max_total = o.max_total;
	po.dry_run = o.dry_run;
	c.dry = o.dry_run;
	if (o.json) {
		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_kstr(&w, "dir", dir);
		json_kbool(&w, "dry_run", o.dry_run);
		json_key(&w, "removed");
		json_arr_begin(&w);
		c.w = &w;
	}
	rc = dump_prune(dir, &po, prune_cb, &c, &e);
	if (o.json) {
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
	}
	if (rc < 0)
		return fail("prune", rc, &e);
	if (!o.json && rc == 0)
		printf("nothing to prune in %s\n", dir);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },	      { "fetch", cmd_fetch }, { "ack", cmd_ack },
	{ "initiate", cmd_initiate }, { "parse", cmd_parse }, { "prune", cmd_prune },
};

int main(int argc, char **argv)
{
	static const struct option gopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", gopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			root = optarg;
			break;
		case 'h':
			return usage(stdout, 0);
		case 'V':
			printf("opal-dump %s\n", OPAL_RAS_VERSION);
			return 0;
		default:
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind >= argc)
		return usage(stderr, EXIT_USAGE);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(argc - optind, argv + optind);
	fprintf(stderr, "opal-dump: unknown command \"%s\"\n", argv[optind]);
	return usage(stderr, EXIT_USAGE);
}
