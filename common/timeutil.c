/*
 * timeutil.c - see timeutil.h.
 */
#include "common/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t time_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t time_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

bool time_utc_to_us(int year, int mon, int day, int hour, int min, int sec, int usec,
		    int64_t *out)
{
	if (year < 1900 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 60 || usec < 0 || usec > 999999)
		return false;
	int64_t days = days_from_civil(year, (unsigned)mon, (unsigned)day);
	*out = ((days * 86400) + hour * 3600 + min * 60 + sec) * 1000000 + usec;
	return true;
}

char *time_format(int64_t us, bool utc, char *out, size_t n)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	struct tm tm;

	if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm)) {
		snprintf(out, n, "?");
		return out;
	}
	strftime(out, n, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
	return out;
}

char *time_format_iso_us(int64_t us, char *out, size_t n)
{
	time_t t = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	long frac = (long)(us - (int64_t)t * 1000000);
	struct tm tm;
	char base[40];

	if (!gmtime_r(&t, &tm)) {
		snprintf(out, n, "?");
		return out;
	}
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%06ldZ", base, frac);
	return out;
}

int time_parse_duration(const char *s, int64_t *out_us, struct ras_err *e)
{
	char *end;
	long long v;
	int64_t mult = 1000000;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return ras_errf(e, -EINVAL, "bad duration \"%s\" (expected e.g. 90s, 30m, 2h, 7d)", s);
	if (*end) {
		switch (*end) {
		case 's':
			mult = 1000000;
			break;
		case 'm':
			mult = 60ll * 1000000;
			break;
		case 'h':
			mult = 3600ll * 1000000;
			break;
		case 'd':
			mult = 86400ll * 1000000;
			break;
		case 'w':
			mult = 7 * 86400ll * 1000000;
			break;
		default:
			return ras_errf(e, -EINVAL,
					"bad duration \"%s\": unit must be s, m, h, d or w", s);
		}
		if (end[1])
			return ras_errf(e, -EINVAL, "bad duration \"%s\": trailing text", s);
	}
	if (v > INT64_MAX / mult)
		return ras_errf(e, -ERANGE, "duration \"%s\" is too large", s);
	*out_us = v * mult;
	return 0;
}

int time_parse_arg(const char *s, int64_t now_us, int64_t *out, struct ras_err *e)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char z[4] = "";

	if (!strcmp(s, "now")) {
		*out = now_us;
		return 0;
	}
	if (s[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end || v < 0 || v > INT64_MAX / 1000000)
			return ras_errf(e, -EINVAL, "bad epoch time \"%s\"", s);
		*out = (int64_t)v * 1000000;
		return 0;
	}
	/* Relative: digits then a unit letter and nothing else. */
	size_t len = strlen(s);
	if (len >= 2 && isdigit((unsigned char)s[0]) && strchr("smhdw", s[len - 1]) &&
	    !strchr(s, '-')) {
		int64_t dur;
		int rc = time_parse_duration(s, &dur, e);
		if (rc)
			return rc;
		*out = now_us - dur;
		return 0;
	}
	int k = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n);
	if (k != 3)
		goto bad;
	const char *rest = s + n;
	if (*rest == 'T' || *rest == ' ') {
		int m2 = 0;
		k = sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &m2);
		if (k != 2)
			goto bad;
		rest += 1 + m2;
		if (*rest == ':') {
			int m3 = 0;
			if (sscanf(rest + 1, "%2d%n", &sec, &m3) != 1)
				goto bad;
			rest += 1 + m3;
		}
	}
	if (*rest == 'Z') {
		strcpy(z, "Z");
		rest++;
	}
	if (*rest)
		goto bad;
	if (z[0]) {
		if (!time_utc_to_us(y, mo, d, h, mi, sec, 0, out))
			goto bad;
		return 0;
	}
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi, .tm_sec = sec, .tm_isdst = -1 };
	int64_t check;
	if (!time_utc_to_us(y, mo, d, h, mi, sec, 0, &check))
		goto bad;
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		goto bad;
	*out = (int64_t)t * 1000000;
	return 0;
bad:
	return ras_errf(e, -EINVAL,
			"bad time \"%s\" (expected 2h, 7d, 2026-11-24, \"2026-11-24 10:00\", "
			"2026-11-24T10:00:00Z or @EPOCH)",
			s);
}
