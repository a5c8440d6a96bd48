/*
 * elog_status.c - `opal-elog status`: ask the running opal-prd daemon, through its
 * control socket, how each source is doing (text, or the daemon's JSON with -o json);
 * `--flush` and `--reload` (root only).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "common/fileio.h"
#include "common/path.h"

#define ELOG_EXIT_NO_DAEMON 5

static const char usage[] =
	"Usage: opal-elog status [--root DIR] [--socket PATH] [-o text|json] [--flush | --reload]\n"
	"Show the running daemon's state: per-source counters (seen, stored, duplicates,\n"
	"errors, acked), last commit, lag, whether ingest is paused. -o json prints the\n"
	"daemon's own document. --flush processes everything pending now; --reload re-reads\n"
	"the configuration (both need root). Exit status 5 when no daemon answers.\n\n"
	"Examples:\n"
	"  opal-elog status\n"
	"  opal-elog status -o json | jq .sources.elog\n"
	"  opal-elog status --root /tmp/simroot --flush\n";

/* The counters every source has: the table's columns; other keys follow per source. */
static const char *const common_keys[] = { "running", "seen",  "stored", "duplicates",
					   "errors",  "acked", "lag_ms", NULL };

static bool is_common(const char *k)
{
	for (int i = 0; common_keys[i]; i++)
		if (!strcmp(k, common_keys[i]))
			return true;
	return false;
}

static void print_scalar(FILE *f, const json_t *v)
{
	if (json_is_string(v))
		fputs(json_string_value(v), f);
	else if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_true(v))
		fputs("yes", f);
	else if (json_is_false(v))
		fputs("no", f);
	else if (json_is_null(v))
		fputs("-", f);
	else {
		char *t = json_dumps(v, JSON_COMPACT);
		fputs(t ? t : "?", f);
		free(t);
	}
}

static long long num(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static void print_uptime(FILE *f, long long s)
{
	if (s >= 86400)
		fprintf(f, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		fprintf(f, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		fprintf(f, "%lldm%02llds", s / 60, s % 60);
	else
		fprintf(f, "%llds", s);
}

/* The status document as text: a header, then one table row per source and the
 * source's own keys (queue depths, cursors, paths) under it. */
static int print_text(FILE *f, const json_t *doc)
{
	const json_t *err = json_object_get(doc, "error");
	const json_t *srcs = json_object_get(doc, "sources");
	const char *k;
	json_t *v;

	if (json_is_string(err)) {
		fprintf(stderr, "opal-elog status: the daemon says: %s\n", json_string_value(err));
		return ELOG_EXIT_FAIL;
	}
	if (json_is_string(json_object_get(doc, "reload"))) {
		fprintf(f, "reload %s\n", json_string_value(json_object_get(doc, "reload")));
		return ELOG_EXIT_OK;
	}
	fprintf(f, "opal-prd %s, pid %lld, up ",
		json_string_value(json_object_get(doc, "status")) ?: "?", num(doc, "pid"));
	print_uptime(f, num(doc, "uptime_s"));
	fprintf(f, "\nroot      %s\ndatabase  %s\ncommits   %lld",
		json_string_value(json_object_get(doc, "root")) ?: "?",
		json_string_value(json_object_get(doc, "database")) ?: "?", num(doc, "commits"));
	if (json_is_string(json_object_get(doc, "last_commit")))
		fprintf(f, ", last %s (%lld ms ago)",
			json_string_value(json_object_get(doc, "last_commit")),
			num(doc, "since_last_commit_ms"));
	fputc('\n', f);
	if (json_is_true(json_object_get(doc, "paused")))
		fprintf(f, "ingest    PAUSED: the store failed (%s); retry in %lld ms\n",
			strerror((int)-num(doc, "store_error")), num(doc, "retry_in_ms"));
	else
		fputs("ingest    running\n", f);
	const json_t *h = json_object_get(doc, "hooks");
	if (json_is_object(h))
		fprintf(f, "hooks     %lld configured, %lld running\n", num(h, "configured"),
			num(h, "running"));
	const json_t *fw = json_object_get(doc, "forward");
	if (json_is_object(fw)) {
		fputs("forward  ", f);
		json_object_foreach((json_t *)fw, k, v) {
			fprintf(f, " %s=", k);
			print_scalar(f, v);
		}
		fputc('\n', f);
	}
	if (!json_is_object(srcs))
		return ELOG_EXIT_OK;
	fprintf(f, "\n%-8s %-8s %10s %10s %10s %8s %10s %10s\n", "SOURCE", "STATE", "SEEN",
		"STORED", "DUPS", "ERRORS", "ACKED", "LAG");
	json_object_foreach((json_t *)srcs, k, v) {
		char lag[32] = "-";
		if (json_is_integer(json_object_get(v, "lag_ms")))
			snprintf(lag, sizeof(lag), "%lld ms", num(v, "lag_ms"));
		fprintf(f, "%-8s %-8s %10lld %10lld %10lld %8lld %10lld %10s\n", k,
			json_is_true(json_object_get(v, "running")) ? "running" : "off",
			num(v, "seen"), num(v, "stored"), num(v, "duplicates"), num(v, "errors"),
			num(v, "acked"), lag);
	}
	bool first = true;
	json_object_foreach((json_t *)srcs, k, v) {
		const char *kk;
		json_t *vv;
		int n = 0;
		json_object_foreach(v, kk, vv) {
			if (is_common(kk))
				continue;
			if (!n++)
				fprintf(f, "%s%s:", first ? "\n" : "", k);
			first = false;
			fprintf(f, " %s=", kk);
			print_scalar(f, vv);
		}
		if (n)
			fputc('\n', f);
	}
	return ELOG_EXIT_OK;
}

int cmd_elog_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, 0, 'r' },	 { "socket", required_argument, 0, 's' },
		{ "flush", no_argument, 0, 'f' },	 { "reload", no_argument, 0, 'R' },
		{ "output", required_argument, 0, 'o' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *root = "/", *sock = NULL, *cmd = "status";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	enum elog_output fmt = ELOG_OUT_TEXT;
	char path[4200], buf[8192];
	int c, fd;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (elog_parse_output(optarg,
					      ELOG_OUT_MASK(ELOG_OUT_TEXT) | ELOG_OUT_MASK(ELOG_OUT_JSON),
					      &fmt) < 0)
				return ELOG_EXIT_USAGE;
			break;
		case 'r':
			root = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'f':
			cmd = "flush";
			break;
		case 'R':
			cmd = "reload";
			break;
		case 'h':
			fputs(usage, stdout);
			return ELOG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	if (sock)
		snprintf(path, sizeof(path), "%s", sock);
	else if (root_path(path, sizeof(path), root, "run/opal-ras/control"))
		return ELOG_EXIT_USAGE;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "opal-elog status: socket path too long: %s\n", path);
		return ELOG_EXIT_USAGE;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "opal-elog status: no daemon at %s: %s (is opal-prd running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ELOG_EXIT_NO_DAEMON;
	}
	snprintf(buf, sizeof(buf), "%s\n", cmd);
	if (write(fd, buf, strlen(buf)) < 0) {
		fprintf(stderr, "opal-elog status: %s: %s\n", path, strerror(errno));
		close(fd);
		return ELOG_EXIT_FAIL;
	}
	/* The whole reply (a status document is a few KiB; 1 MiB bounds a broken peer). */
	uint8_t *reply;
	size_t len;
	int trunc;
	struct ras_err re;
	if (fd_read_all(fd, path, 1u << 20, &reply, &len, &trunc, &re)) {
		fprintf(stderr, "opal-elog status: %s\n", re.msg);
		close(fd);
		return ELOG_EXIT_FAIL;
	}
	close(fd);
	if (trunc || !len) {
		fprintf(stderr, "opal-elog status: %s: %s\n", path,
			trunc ? "reply too large" : "no reply");
		free(reply);
		return ELOG_EXIT_FAIL;
	}
	json_error_t je;
	json_t *doc = json_loadb((const char *)reply, len, 0, &je);
	int rc;
	if (!json_is_object(doc)) {
		fprintf(stderr, "opal-elog status: %s: not a status document: %s\n", path, je.text);
		rc = ELOG_EXIT_FAIL;
	} else if (fmt == ELOG_OUT_JSON) {
		fwrite(reply, 1, len, stdout);
		rc = json_object_get(doc, "error") ? ELOG_EXIT_FAIL : ELOG_EXIT_OK;
	} else {
		rc = print_text(stdout, doc);
	}
	json_decref(doc);
	free(reply);
	return rc;
}
