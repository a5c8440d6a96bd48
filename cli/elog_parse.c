/*
 * elog_parse.c - `opal-elog parse`: decode PELs from files, directories, stdin or a
 * sysfs elog tree and render them (text, JSON, one-line summary).
 *
 * Argument handling and output only; decoding and rendering live in errlog/pel*.c.
 * Invariants: one decode buffer (struct pel) for the whole run; every input is read
 * with a cap (file_read_all); a failure on one input is reported (naming the file)
 * and the others are still processed; the exit code summarises all inputs.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/elog.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/path.h"
#include "errlog/pel.h"

struct parse_ctx {
	enum elog_output out;
	struct pel_render_opts ro;
	bool strict;
	struct pel *pel;
	struct json_writer jw;
	unsigned n_ok, n_fail, n_warn, n_done;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: opal-elog parse [options] [FILE|DIR|-]...\n"
		"\n"
		"Decode Platform Event Logs (raw PELs or eSEL-wrapped PELs). With no operand,\n"
		"decode every log of the sysfs elog tree: ROOT/sys/firmware/opal/elog/*/raw.\n"
		"A DIR operand decodes each regular file in it and each DIR/*/raw; '-' reads\n"
		"standard input.\n"
		"\n"
		"options:\n"
		"  -o, --output FMT   text (default), json or summary (one line per PEL)\n"
		"  -s, --section IDS  only these sections (comma list, repeatable): PH,UH,PS,...\n"
		"  -x, --hex          add hex dumps of user-data (UD, ED, unknown) sections\n"
		"  -r, --root DIR     root of the sysfs tree (default /)\n"
		"      --strict       exit 4 when a PEL decoded with warnings\n"
		"  -h, --help         this text\n"
		"\n"
		"exit status: 0 every PEL decoded; 1 a file could not be read or a PEL could\n"
		"not be decoded at all; 2 bad usage; 4 (--strict only) warnings.\n"
		"\n"
		"EXAMPLES\n"
		"  opal-elog parse /sys/firmware/opal/elog/0x5034a000/raw\n"
		"  opal-elog parse -o summary\n"
		"  opal-elog parse --root /srv/host1 -o json | jq '.[].reference_code'\n"
		"  opal-elog parse --section PS,EH --hex saved.pel\n"
		"  cat esel.bin | opal-elog parse -\n");
}

static void report_fail(struct parse_ctx *c, const char *label, const char *msg)
{
	c->n_fail++;
	fprintf(stderr, "opal-elog parse: %s\n", msg);
	if (c->out == ELOG_OUT_JSON) {
		json_obj_begin(&c->jw);
		json_kstr(&c->jw, "file", label);
		json_kstr(&c->jw, "error", msg);
		json_obj_end(&c->jw);
	}
}

static void decode_one(struct parse_ctx *c, const char *path, const char *label)
{
	struct ras_err e = { { 0 } };
	uint8_t *buf = NULL;
	size_t len = 0;
	int trunc = 0, rc;

	rc = file_read_all(path, PEL_INPUT_CAP, &buf, &len, &trunc, &e);
	if (rc < 0) {
		report_fail(c, label, e.msg);
		return;
	}
	if (trunc) {
		char m[600];
		snprintf(m, sizeof(m), "%s: larger than %d bytes, not a PEL (offset %d)", label,
			 PEL_INPUT_CAP, PEL_INPUT_CAP);
		report_fail(c, label, m);
		free(buf);
		return;
	}
	rc = pel_decode(buf, len, c->pel, label, &e);
	if (rc < 0) {
		report_fail(c, label, e.msg);
		free(buf);
		return;
	}
	c->n_ok++;
	if (c->pel->n_warn)
		c->n_warn++;
	c->ro.label = label;
	switch (c->out) {
	case ELOG_OUT_JSON:
		pel_render_json(&c->jw, c->pel, &c->ro);
		break;
	case ELOG_OUT_SUMMARY:
		pel_render_summary(stdout, c->pel, label);
		break;
	default:
		if (c->n_done)
			putchar('\n');
		pel_render_text(stdout, c->pel, &c->ro);
		break;
	}
	c->n_done++;
	free(buf);
}

static int filter_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Each regular file in dir, and each dir/<sub>/raw, in name order. */
static void decode_dir(struct parse_ctx *c, const char *dir, bool sysfs)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, filter_dots, alphasort);
	char path[4096];
	struct stat st;

	if (n < 0) {
		char m[4300];
		snprintf(m, sizeof(m), "%s: cannot list directory: %s", dir, strerror(errno));
		report_fail(c, dir, m);
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(path, sizeof(path), "%s/%s/raw", dir, ents[i]->d_name);
			if (sysfs || access(path, F_OK) == 0)
				decode_one(c, path, path);
		} else if (!sysfs && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			decode_one(c, path, path);
		}
		free(ents[i]);
	}
	free(ents);
}

int cmd_elog_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "section", required_argument, NULL, 's' },
		{ "hex", no_argument, NULL, 'x' },
		{ "root", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct parse_ctx c;
	const char *root = NULL;
	char sections[256] = "";
	int opt, rc;

	memset(&c, 0, sizeof(c));
	c.out = ELOG_OUT_TEXT;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:s:xr:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (elog_parse_output(optarg,
					      ELOG_OUT_MASK(ELOG_OUT_TEXT) |
						      ELOG_OUT_MASK(ELOG_OUT_JSON) |
						      ELOG_OUT_MASK(ELOG_OUT_SUMMARY),
					      &c.out) < 0)
				return ELOG_EXIT_USAGE;
			break;
		case 's': {
			size_t l = strlen(sections);
			for (const char *q = optarg; *q; q++) {
				if (*q != ',' &&
				    !((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))) {
					elog_errorf("parse",
						    "bad --section '%s': two-letter ids, "
						    "comma separated (e.g. PH,UH,PS)",
						    optarg);
					return ELOG_EXIT_USAGE;
				}
			}
			if (l + strlen(optarg) + 2 > sizeof(sections)) {
				elog_errorf("parse", "--section: too many ids");
				return ELOG_EXIT_USAGE;
			}
			if (l)
				strcat(sections, ",");
			strcat(sections, optarg);
			break;
		}
		case 'x':
			c.ro.hex = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'S':
			c.strict = true;
			break;
		case 'h':
			usage(stdout);
			return ELOG_EXIT_OK;
		default:
			usage(stderr);
			return ELOG_EXIT_USAGE;
		}
	}
	if (sections[0])
		c.ro.sections = sections;
	c.pel = malloc(sizeof(*c.pel));
	if (!c.pel) {
		elog_errorf("parse", "out of memory");
		return ELOG_EXIT_FAIL;
	}
	if (c.out == ELOG_OUT_JSON) {
		json_init(&c.jw, stdout, true);
		json_arr_begin(&c.jw);
	} else if (c.out == ELOG_OUT_SUMMARY) {
		printf("%-10s %-19s %-8s %c %-20s %-17s %s\n", "ID", "TIME", "SRC", 'S', "SEVERITY",
		       "CREATOR", "FILE");
	}
	if (optind >= argc) {
		char dir[4096];
		if (root_path(dir, sizeof(dir), root ? root : "/", "sys/firmware/opal/elog") < 0) {
			elog_errorf("parse", "--root path too long");
			free(c.pel);
			return ELOG_EXIT_USAGE;
		}
		decode_dir(&c, dir, true);
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		const char *a = argv[i];

		if (!strcmp(a, "-"))
			decode_one(&c, "/dev/stdin", "<stdin>");
		else if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
			decode_dir(&c, a, false);
		else
			decode_one(&c, a, a);
	}
	if (c.out == ELOG_OUT_JSON) {
		json_arr_end(&c.jw);
		json_end_doc(&c.jw);
	}
	fflush(stdout);
	free(c.pel);
	if (c.n_fail)
		rc = ELOG_EXIT_FAIL;
	else if (c.strict && c.n_warn)
		rc = ELOG_EXIT_WARN;
	else
		rc = ELOG_EXIT_OK;
	return rc;
}
