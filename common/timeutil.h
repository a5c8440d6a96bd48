/*
 * timeutil.h - time in opal-ras: UTC epoch microseconds everywhere, local time only
 * when rendering; parsing of the --since/--until style arguments.
 */
#ifndef OPAL_RAS_COMMON_TIMEUTIL_H
#define OPAL_RAS_COMMON_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

int64_t time_now_us(void);
uint64_t time_mono_ns(void);

/* Convert a broken-down UTC time to epoch microseconds; false when out of range. */
bool time_utc_to_us(int year, int mon, int day, int hour, int min, int sec, int usec,
		    int64_t *out);

/* "2026-11-25T16:14:26Z" (utc) or "2026-11-25 17:14:26" (local); returns out. */
char *time_format(int64_t us, bool utc, char *out, size_t n);
/* ISO 8601 UTC with microseconds: "2026-11-25T16:14:26.123456Z". */
char *time_format_iso_us(int64_t us, char *out, size_t n);

/*
 * Parse a time argument relative to now_us:
 *   relative: "90s", "30m", "2h", "7d", "2w" (that long before now), "now";
 *   absolute: "2026-11-24", "2026-11-24 10:00", "2026-11-24T10:00:00" (local time, or
 *             UTC with a trailing Z), "@1764000000" (epoch seconds).
 */
int time_parse_arg(const char *s, int64_t now_us, int64_t *out, struct ras_err *e);

/* Parse a duration ("90s", "30m", "2h", "7d", "2w", or plain seconds) into microseconds. */
int time_parse_duration(const char *s, int64_t *out_us, struct ras_err *e);

#endif
