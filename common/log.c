/*
 * log.c - stderr logging (see log.h).
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *log_prog = "opal-ras";
static enum log_level log_min = LOG_LVL_INFO;

void log_set_prog(const char *prog)
{
	log_prog = prog;
}

void log_set_level(enum log_level lvl)
{
	log_min = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warning", "error" };
	char line[2048];
	va_list ap;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One fprintf so concurrent writers do not interleave within a line. */
	fprintf(stderr, "%s: level=%s %s\n", log_prog, names[lvl], line);
}
