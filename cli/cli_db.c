/*
 * cli_db.c - see cli_db.h.
 */
#include "cli/cli_db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/timeutil.h"

const char *cli_default_db(void)
{
	const char *p = getenv("OPAL_RAS_DB");
	return p && *p ? p : STORE_DEFAULT_PATH;
}

int cli_open_store(const char *path, enum store_mode mode, struct store **s)
{
	struct ras_err e;
	int rc = store_open(path, mode, s, &e);

	if (!rc)
		return ELOG_EXIT_OK;
	fprintf(stderr, "opal-elog: %s\n", e.msg);
	return rc == -ENOENT ? ELOG_EXIT_NO_DB : ELOG_EXIT_FAIL;
}

const char cli_filter_help[] =
	"Filters:\n"
	"  --since TIME, --until TIME   relative (2h, 7d, 30m) or absolute (2026-11-24,\n"
	"                               \"2026-11-24 10:00\", 2026-11-24T10:00:00Z, @EPOCH)\n"
	"  --severity LEVEL             at least info|warning|error|critical\n"
	"  --kind K[,K...]              pel, mce, hmi, eeh, prd-*, sel, dump, vpd-change, flash-op\n"
	"  --src SRC                    reference code prefix, or a glob (BC8A*, B1??1234)\n"
	"  --location LOC               location code prefix (event or any callout)\n"
	"  --subsystem TEXT             subsystem name contains TEXT (case-insensitive)\n"
	"  --serviceable                serviceable events only\n"
	"  --open | --closed            by repair state\n"
	"  --guest NAME                 events affecting this KVM guest\n"
	"  --source NAME                elog, kmsg, prd, ipmi, dump, import, ...\n";

int cli_filter_option(struct event_filter *f, int opt, const char *arg)
{
	struct ras_err e;
	int64_t now = time_now_us();

	switch (opt) {
	case 1001:
	case 1002:
		if (time_parse_arg(arg, now, opt == 1001 ? &f->since_us : &f->until_us, &e)) {
			fprintf(stderr, "opal-elog: %s\n", e.msg);
			return -1;
		}
		return 1;
	case 1003: {
		int s = ras_severity_parse(arg);
		if (s < 0) {
			fprintf(stderr,
				"opal-elog: unknown severity \"%s\" (info, warning, error, "
				"critical)\n",
				arg);
			return -1;
		}
		f->min_severity = s;
		return 1;
	}
	case 1004:
		f->kinds = arg;
		return 1;
	case 1005:
		f->src = arg;
		return 1;
	case 1006:
		f->location = arg;
		return 1;
	case 1007:
		f->subsystem = arg;
		return 1;
	case 1008:
		f->serviceable = 1;
		return 1;
	case 1009:
		f->open = 1;
		return 1;
	case 1010:
		f->open = 0;
		return 1;
	case 1011:
		f->guest = arg;
		return 1;
	case 1012:
		f->source = arg;
		return 1;
	}
	return 0;
}

long long cli_parse_id(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0) {
		fprintf(stderr, "opal-elog: bad event id \"%s\" (a positive number, see `opal-elog list`)\n",
			s);
		return -1;
	}
	return v;
}
