/*
 * test_pel_render.c - the renderers: JSON parses (jansson) and carries the documented
 * field names and values; the text report and the summary line show the key fields;
 * the section filter and --hex behave; renderers survive every malformed sample.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>

#include "pel_test.h"

static struct pel P;

static char *render(void (*fn)(FILE *, const struct pel *, const struct pel_render_opts *),
		    const struct pel_render_opts *o)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	fn(f, &P, o);
	fclose(f);
	return s;
}

static void json_fn(FILE *f, const struct pel *p, const struct pel_render_opts *o)
{
	pel_render_json_doc(f, p, o, false);
}

static void summary_fn(FILE *f, const struct pel *p, const struct pel_render_opts *o)
{
	pel_render_summary(f, p, o ? o->label : NULL);
}

static json_t *render_json(const struct pel_render_opts *o)
{
	char *s = render(json_fn, o);
	json_error_t err;
	json_t *j = json_loads(s, 0, &err);

	cr_assert_not_null(j, "invalid JSON (%s): %s", err.text, s);
	free(s);
	return j;
}

#define JSTR(obj, key) json_string_value(json_object_get((obj), (key)))

Test(pel_render, json_fields_5034a000)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5034a000/raw", &P);
	json_t *j = render_json(NULL), *secs, *ps, *co;

	cr_assert_str_eq(JSTR(j, "entry_id"), "0x5034A000");
	cr_assert_str_eq(JSTR(j, "plid"), "0x5034A000");
	cr_assert_str_eq(JSTR(j, "creator"), "E");
	cr_assert_str_eq(JSTR(j, "creator_name"), "Service Processor");
	cr_assert_str_eq(JSTR(j, "created"), "2014-03-13T08:15:55.67Z");
	cr_assert_str_eq(JSTR(j, "log_time"), "2014-03-13T08:15:55.67Z");
	cr_assert_str_eq(JSTR(j, "severity"), "0x20");
	cr_assert_str_eq(JSTR(j, "subsystem"), "0xA2");
	cr_assert_str_eq(JSTR(j, "action_flags"), "0xA004");
	cr_assert_str_eq(JSTR(j, "reference_code"), "11007201");
	cr_assert(json_is_true(json_object_get(j, "serviceable")));
	cr_assert_eq(json_integer_value(json_object_get(j, "length")), 336);
	secs = json_object_get(j, "sections");
	cr_assert_eq(json_array_size(secs), 4);
	ps = json_array_get(secs, 2);
	cr_assert_str_eq(JSTR(ps, "id"), "PS");
	cr_assert_str_eq(JSTR(ps, "reference_code"), "11007201");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(ps, "hex_words"), 0)),
			 "003C0001");
	co = json_array_get(json_object_get(ps, "callouts"), 0);
	cr_assert_str_eq(JSTR(co, "priority"), "H");
	cr_assert_str_eq(JSTR(co, "location"), "U78AB.001.WZSGBJ6");
	cr_assert_str_eq(JSTR(json_object_get(co, "fru"), "part_number"), "AMBTEMP");
	cr_assert_str_eq(JSTR(json_object_get(co, "fru"), "type_name"), "Symbolic FRU");
	cr_assert_str_eq(JSTR(json_object_get(co, "pce"), "machine_type_model"), "8246-L2C");
	cr_assert_str_eq(JSTR(json_array_get(secs, 3), "symptom_id"),
			 "11007201_003C0001_00007201");
	cr_assert_eq(json_array_size(json_object_get(j, "warnings")), 0);
	json_decref(j);
	free(b);
}

Test(pel_render, json_section_filter_and_hex)
{
	uint8_t *b = test_decode(ELOG_DIR "0x07/raw", &P);
	struct pel_render_opts o = { .sections = "ud,MT", .hex = true };
	json_t *j = render_json(&o), *secs = json_object_get(j, "sections"), *ud;

	cr_assert_eq(json_array_size(secs), 2);
	cr_assert_str_eq(JSTR(json_array_get(secs, 0), "id"), "MT");
	ud = json_array_get(secs, 1);
	cr_assert_str_eq(JSTR(ud, "tag"), "DESC");
	cr_assert_str_eq(JSTR(ud, "text"), "SURV: Error       354dd1096a queueing param request");
	cr_assert_eq(json_integer_value(json_object_get(ud, "data_length")), 60);
	cr_assert_eq(strncmp(JSTR(ud, "data"), "44455343003c0000", 16), 0);
	json_decref(j);
	free(b);
}

Test(pel_render, json_warnings_listed)
{
	uint8_t *b = test_decode(MAL_DIR "unknown-section.pel", &P);
	json_t *j = render_json(NULL), *w = json_array_get(json_object_get(j, "warnings"), 0);

	cr_assert_str_eq(JSTR(w, "code"), "unknown-section");
	cr_assert_eq(json_integer_value(json_object_get(w, "section")), 4);
	cr_assert_not_null(strstr(JSTR(w, "message"), "ZZ"));
	json_decref(j);
	free(b);
}

Test(pel_render, text_report)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5034a000/eSEL", &P);
	char *s = render(pel_render_text, NULL);

	cr_assert_not_null(strstr(s, "PEL 0x5034A000"));
	cr_assert_not_null(strstr(s, "eSEL Header"));
	cr_assert_not_null(strstr(s, "Private Header (PH)"));
	cr_assert_not_null(strstr(s, "Created at                : 2014-03-13 08:15:55.67"));
	cr_assert_not_null(strstr(s, "Reference Code            : 11007201"));
	cr_assert_not_null(strstr(s, "Location Code           : U78AB.001.WZSGBJ6"));
	cr_assert_not_null(strstr(s, "Part Number             : AMBTEMP"));
	cr_assert_not_null(strstr(s, "PCE MTMS                : 8246-L2C_10008FA"));
	cr_assert_not_null(strstr(s, "Symptom Id                : 11007201_003C0001_00007201"));
	free(s);
	free(b);
}

Test(pel_render, text_hex_dump_exact_bytes)
{
	uint8_t *b = test_decode(MAL_DIR "ud-unaligned.pel", &P);
	struct pel_render_opts o = { .sections = "UD", .hex = true };
	char *s = render(pel_render_text, &o);

	cr_assert_not_null(strstr(s, "44 45 53 43 00 0b 68 65  6c 6c 6f "), "%s", s);
	cr_assert_null(strstr(s, "Private Header"));
	free(s);
	free(b);
}

Test(pel_render, summary_line)
{
	uint8_t *b = test_decode(ELOG_DIR "0x5034a000/raw", &P);
	char *s = render(summary_fn, NULL);

	cr_assert_str_eq(s, "0x5034A000 2014-03-13 08:15:55 11007201 + Predictive Error     "
			    "Service Processor\n");
	free(s);
	free(b);
	b = test_decode(ELOG_DIR "0x50000004/raw", &P);
	s = render(summary_fn, NULL);
	cr_assert_str_eq(s, "0x50000004 2000-12-31 10:14:44 -          -                    "
			    "OPAL (Sapphire)   (1 warning)\n");
	free(s);
	free(b);
}

/* Every renderer over every malformed sample: valid JSON, no crash (ASan run). */
Test(pel_render, all_malformed_samples)
{
	char dir[512], path[1024];
	struct dirent *d;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/%s", SHARED_DATA_DIR, MAL_DIR);
	dp = opendir(dir);
	if (!dp)
		cr_skip_test("shared data absent: %s", dir);
	while ((d = readdir(dp))) {
		struct pel_render_opts o = { .hex = true };
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), MAL_DIR "%s", d->d_name);
		size_t len;
		uint8_t *b = test_load(path, &len);
		struct ras_err e;
		if (pel_decode(b, len, &P, path, &e) == 0) {
			json_decref(render_json(&o));
			free(render(pel_render_text, &o));
			free(render(summary_fn, &o));
			n++;
		}
		free(b);
	}
	closedir(dp);
	cr_assert_eq(n, 21, "21 of 23 samples decode (2 are not PELs)");
}
