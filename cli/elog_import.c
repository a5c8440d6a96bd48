/*
 * elog_import.c - `opal-elog import FILE|DIR...`: store PELs that a field engineer
 * brought along (raw files, eSEL files, whole sysfs-like elog trees). Idempotent:
 * importing the same logs twice stores them once. All files go in one durable batch.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_db.h"
#include "cli/elog_cmds.h"
#include "common/fileio.h"
#include "errlog/pel.h"
#include "errlog/pel_event.h"

#define IMPORT_MAX_FILE (1u << 20) /* a PEL is at most 16 KiB; refuse absurd files */

static const char usage[] =
	"Usage: opal-elog import [--db PATH] [-v] FILE|DIR...\n"
	"Store PELs from files (raw PEL or eSEL-wrapped) or directories (searched\n"
	"recursively; in a sysfs-like elog tree only the `raw` files are read). Logs already\n"
	"in the database are recognised and not stored again. Creates the database if\n"
	"needed.\n\n"
	"Examples:\n"
	"  opal-elog import --db ./case-12345.db collected/sys/firmware/opal/elog\n"
	"  opal-elog import 0x5034a000.raw 0x5055ed2e.raw\n";

struct import_state {
	struct store *s;
	struct pel *scratch;
	struct pel_event pe;
	long files, added, dup, undecodable, failed;
	bool verbose;
};

static void import_file(struct import_state *st, const char *path)
{
	uint8_t *buf;
	size_t len;
	int trunc;
	bool is_new;
	struct ras_err e;

	if (file_read_all(path, IMPORT_MAX_FILE, &buf, &len, &trunc, &e)) {
		fprintf(stderr, "opal-elog import: %s\n", e.msg);
		st->failed++;
		return;
	}
	if (trunc) {
		fprintf(stderr, "opal-elog import: %s: larger than %u bytes, not a PEL; skipped\n",
			path, IMPORT_MAX_FILE);
		st->failed++;
		free(buf);
		return;
	}
	st->files++;
	if (pel_event_from_bytes(&st->pe, st->scratch, buf, len, "import") < 0) {
		st->undecodable++;
		fprintf(stderr, "opal-elog import: %s: %s (stored as undecodable)\n", path,
			st->pe.ev.summary);
	}
	if (store_append(st->s, &st->pe.ev, &is_new, &e)) {
		fprintf(stderr, "opal-elog import: %s: %s\n", path, e.msg);
		st->failed++;
	} else if (is_new) {
		st->added++;
		if (st->verbose)
			printf("%s: stored as event %lld\n", path, (long long)st->pe.ev.id);
	} else {
		st->dup++;
		if (st->verbose)
			printf("%s: already stored as event %lld\n", path, (long long)st->pe.ev.id);
	}
	free(buf);
}

/* In a directory that looks like an elog entry (it has `raw`), read only that. */
static void import_path(struct import_state *st, const char *path, int depth)
{
	struct stat sb;
	char sub[4096];

	if (stat(path, &sb)) {
		fprintf(stderr, "opal-elog import: %s: %s\n", path, strerror(errno));
		st->failed++;
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		import_file(st, path);
		return;
	}
	if (depth > 8)
		return;
	snprintf(sub, sizeof(sub), "%s/raw", path);
	if (stat(sub, &sb) == 0 && S_ISREG(sb.st_mode)) {
		import_file(st, sub);
		return;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "opal-elog import: %s: %s\n", path, strerror(errno));
		st->failed++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (nm[0] != '.' && strcmp(nm, "acknowledge") && strcmp(nm, "id") &&
		    strcmp(nm, "type")) {
			snprintf(sub, sizeof(sub), "%s/%s", path, nm);
			import_path(st, sub, depth + 1);
		}
		free(ents[i]);
	}
	free(ents);
}

int cmd_elog_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct import_state st = { 0 };
	const char *db = cli_default_db();
	struct ras_err e;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'v':
			st.verbose = true;
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
		fprintf(stderr, "opal-elog import: no file or directory given\n%s", usage);
		return ELOG_EXIT_USAGE;
	}
	rc = cli_open_store(db, STORE_CREATE, &st.s);
	if (rc)
		return rc;
	st.scratch = malloc(sizeof(*st.scratch));
	if (!st.scratch || store_begin(st.s, &e)) {
		fprintf(stderr, "opal-elog import: %s\n", st.scratch ? e.msg : "out of memory");
		free(st.scratch);
		store_close(st.s);
		return ELOG_EXIT_FAIL;
	}
	for (int i = optind; i < argc; i++)
		import_path(&st, argv[i], 0);
	rc = store_commit(st.s, &e);
	if (rc)
		fprintf(stderr, "opal-elog import: %s (nothing was stored)\n", e.msg);
	else
		printf("imported %ld file%s: %ld new, %ld already stored, %ld undecodable, "
		       "%ld failed\n",
		       st.files, st.files == 1 ? "" : "s", st.added, st.dup, st.undecodable,
		       st.failed);
	free(st.scratch);
	store_close(st.s);
	return rc || st.failed ? ELOG_EXIT_FAIL : ELOG_EXIT_OK;
}
