/*
 * elog_common.c - option helpers shared by the opal-elog subcommands (see elog.h).
 */
#include "cli/elog.h"

#include <stdarg.h>
#include <string.h>

static const char *const out_names[] = {
	[ELOG_OUT_TEXT] = "text",
	[ELOG_OUT_JSON] = "json",
	[ELOG_OUT_SUMMARY] = "summary",
	[ELOG_OUT_CSV] = "csv",
};

const char *elog_output_name(enum elog_output o)
{
	return (unsigned)o < sizeof(out_names) / sizeof(out_names[0]) ? out_names[o] : "?";
}

int elog_parse_output(const char *arg, unsigned allowed, enum elog_output *out)
{
	for (unsigned i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++) {
		if ((allowed & ELOG_OUT_MASK(i)) && strcmp(arg, out_names[i]) == 0) {
			*out = (enum elog_output)i;
			return 0;
		}
	}
	fprintf(stderr, "opal-elog: unknown output format '%s' (accepted:", arg);
	for (unsigned i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++)
		if (allowed & ELOG_OUT_MASK(i))
			fprintf(stderr, " %s", out_names[i]);
	fprintf(stderr, ")\n");
	return -1;
}

void elog_errorf(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "opal-elog %s: ", sub);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	putc('\n', stderr);
}
