/*
 * test_event_render_line.c - the one-line text form of `opal-elog list`: columns stay
 * aligned with the header, descriptive refcodes (machine checks, HMIs) are cut with a
 * '+' mark, SRCs and our own codes are whole, location codes are never cut.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlog/event.h"
#include "errlog/event_render.h"
#include "errlog/store_query.h"

static char *line_of(const char *refcode, const char *location)
{
	struct stored_event ev = { .id = 62,
				   .kind = "hmi",
				   .time_us = 0,
				   .severity = RAS_SEV_WARNING,
				   .refcode = refcode,
				   .location = location,
				   .summary = "the summary",
				   .open = true };
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	event_render_text_line(f, &ev);
	fclose(f);
	return s;
}

/* The text of the column that starts where the header's `name` starts, up to where the
 * next header column starts (the last column: to the end), trailing blanks removed. */
static void cell(const char *line, const char *name, char *out, size_t n)
{
	char *h = NULL;
	size_t hn = 0;
	FILE *f = open_memstream(&h, &hn);

	event_render_text_header(f);
	fclose(f);
	const char *at = strstr(h, name);
	cr_assert_not_null(at);
	size_t off = (size_t)(at - h), end = off;
	while (h[end] && h[end] != ' ' && h[end] != '\n')
		end++; /* the header word */
	while (h[end] == ' ')
		end++; /* its padding: the next column starts here */
	if (!h[end] || h[end] == '\n')
		end = strlen(line);
	cr_assert(strlen(line) > off);
	size_t len = end - off < n - 1 ? end - off : n - 1;
	memcpy(out, line + off, len);
	out[len] = 0;
	while (len && (out[len - 1] == ' ' || out[len - 1] == '\n'))
		out[--len] = 0;
	free(h);
}

Test(event_render_line, refcode_cut_and_location_whole)
{
	char c[64];
	char *l = line_of("Timer facility experienced an error", "U78D2.001.WZS0001-P1-C9-T1-L1");

	cell(l, "REFCODE", c, sizeof(c));
	cr_assert_str_eq(c, "Timer facilit+");
	/* a location code longer than its column pushes the summary right: never cut */
	cr_assert_not_null(strstr(l, " U78D2.001.WZS0001-P1-C9-T1-L1 the summary\n"), "%s", l);
	free(l);

	l = line_of("eeh-near-limit", NULL);
	cell(l, "REFCODE", c, sizeof(c));
	cr_assert_str_eq(c, "eeh-near-limit");
	cell(l, "S ", c, sizeof(c));
	cr_assert_str_eq(c, "-", "the serviceable column stays aligned");
	cell(l, "SUMMARY", c, sizeof(c));
	cr_assert_str_eq(c, "the summary", "the summary starts under its header");
	free(l);

	l = line_of("", "");
	cell(l, "REFCODE", c, sizeof(c));
	cr_assert_str_eq(c, "-");
	free(l);
}
