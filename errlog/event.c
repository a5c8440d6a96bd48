/*
 * event.c - the normalised severity scale and its names (see event.h).
 */
#include "errlog/event.h"

#include <string.h>
#include <strings.h>

static const char *const sev_names[] = { "info", "warning", "error", "critical" };

const char *ras_severity_name(enum ras_severity s)
{
	if ((unsigned)s < sizeof(sev_names) / sizeof(sev_names[0]))
		return sev_names[s];
	return "unknown";
}

int ras_severity_parse(const char *s)
{
	static const struct {
		const char *name;
		int sev;
	} aliases[] = {
		{ "info", RAS_SEV_INFO },         { "informational", RAS_SEV_INFO },
		{ "warning", RAS_SEV_WARNING },   { "warn", RAS_SEV_WARNING },
		{ "error", RAS_SEV_ERROR },       { "err", RAS_SEV_ERROR },
		{ "critical", RAS_SEV_CRITICAL }, { "crit", RAS_SEV_CRITICAL },
	};
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(s, aliases[i].name))
			return aliases[i].sev;
	return -1;
}
