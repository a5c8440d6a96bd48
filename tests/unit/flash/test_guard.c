/*
 * test_guard.c - GUARD records: the shared image's three records, opal-gard's list
 * format, path parsing per chip table, create/clear semantics, the 455-record
 * ECC capacity, malformed records.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flash/ecc.h"
#include "flash/guard.h"
#include "flash_test.h"

static uint8_t *shared_guard_data(size_t *len)
{
	char p[4096];
	size_t rawlen;
	uint8_t *raw, *data;
	struct ecc_stats st = { 0 };

	snprintf(p, sizeof(p), "%s/pnor/guard-3records.ecc.bin", SHARED_DATA_DIR);
	raw = ft_read_file(p, &rawlen);
	cr_assert_eq(rawlen, 0x5000);
	data = malloc(ecc_data_size(rawlen));
	*len = ecc_decode(raw, rawlen, data, &st);
	cr_assert_eq(*len, 18200);
	cr_assert_not(st.have_ue);
	free(raw);
	return data;
}

Test(guard, shared_records_and_list_format)
{
	char p[4096], *out = NULL;
	size_t len, olen = 0, elen;
	uint8_t *data, *exp;
	struct guard_set s;
	struct ras_err e;
	FILE *f;

	snprintf(p, sizeof(p), "%s/pnor/guard-3records.ecc.bin", SHARED_DATA_DIR);
	if (access(p, R_OK))
		cr_skip_test("shared data absent");
	data = shared_guard_data(&len);
	cr_assert_eq(guard_parse(data, len, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(s.n, 3);
	cr_assert_eq(s.cap, 455);
	cr_assert_eq(s.r[1].id, 2);
	cr_assert_eq(s.r[1].error_type, 0xD2);
	cr_assert_eq(s.r[1].n, 6);
	f = open_memstream(&out, &olen);
	guard_list_text(f, &s, GUARD_P9);
	fclose(f);
	snprintf(p, sizeof(p), "%s/pnor/expected/opal-gard-list.txt", SHARED_DATA_DIR);
	exp = ft_read_file(p, &elen);
	cr_assert_str_eq(out, (char *)exp);
	free(exp);
	free(out);
	guard_set_free(&s);
	free(data);
}

Test(guard, create_matches_spec_bytes)
{
	uint8_t data[18200];
	struct guard_set s;
	struct guard_rec path, *r;
	struct ras_err e;
	static const uint8_t want[40] = { 0,	0,    0,	   1,	 0x23, 1,    0,	   2,	0,
					  5,	1,    [25] = 0xff, 0xff, 0xff, 0,    0,	   0,	0,
					  0xd2, 0xff, 0xff,	   0xff, 0xff, 0xff, 0xff, 0xff };

	memset(data, 0xFF, sizeof(data));
	cr_assert_eq(guard_parse(data, sizeof(data), &s, &e), 0);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(guard_path_parse("/sys0/NODE0/Proc1", GUARD_P9, &path, &e), 0, "%s", e.msg);
	cr_assert_eq(guard_create(&s, &path, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(guard_serialize(&s, data, sizeof(data), &e), 0);
	cr_assert_eq(memcmp(data, want, 40), 0, "record bytes as opal-gard writes them");
	cr_assert_eq(data[40], 0xFF);
	/* duplicate refused */
	cr_assert_eq(guard_create(&s, &path, &r, &e), -EEXIST);
	guard_set_free(&s);
}

Test(guard, clear_shifts_and_ids_continue)
{
	uint8_t data[18200];
	struct guard_set s;
	struct guard_rec path;
	struct ras_err e;
	const char *paths[] = { "/Sys0/Node0/Proc0", "/Sys0/Node0/Proc1", "/Sys0/Node0/Proc2" };

	memset(data, 0xFF, sizeof(data));
	guard_parse(data, sizeof(data), &s, &e);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(guard_path_parse(paths[i], GUARD_P9, &path, &e), 0);
		cr_assert_eq(guard_create(&s, &path, NULL, &e), 0);
	}
	cr_assert_eq(guard_clear(&s, 2, &e), 0);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.r[1].id, 3, "later records move up");
	cr_assert_eq(guard_clear(&s, 2, &e), -ENOENT);
	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc7", GUARD_P9, &path, &e), 0);
	cr_assert_eq(guard_create(&s, &path, NULL, &e), 0);
	cr_assert_eq(s.r[2].id, 4, "new id = max + 1");
	guard_serialize(&s, data, sizeof(data), &e);
	guard_set_free(&s);
	cr_assert_eq(guard_parse(data, sizeof(data), &s, &e), 0);
	cr_assert_eq(s.n, 3);
	guard_set_free(&s);
}

Test(guard, capacity_is_ecc_data_not_raw)
{
	uint8_t *data = malloc(18200);
	struct guard_set s;
	struct guard_rec path;
	struct ras_err e;
	char p[64];
	int i;

	memset(data, 0xFF, 18200);
	guard_parse(data, 18200, &s, &e);
	for (i = 0; i < 455; i++) {
		snprintf(p, sizeof(p), "/Sys0/Node%d/Proc%d", i / 200, i % 200);
		cr_assert_eq(guard_path_parse(p, GUARD_P9, &path, &e), 0, "%s", e.msg);
		cr_assert_eq(guard_create(&s, &path, NULL, &e), 0, "record %d: %s", i, e.msg);
	}
	cr_assert_eq(guard_path_parse("/Sys0/Node9/Proc9", GUARD_P9, &path, &e), 0);
	cr_assert_eq(guard_create(&s, &path, NULL, &e), -ENOSPC, "record 456 refused");
	cr_assert(strstr(e.msg, "455"), "%s", e.msg);
	cr_assert_eq(guard_serialize(&s, data, 18200, &e), 0);
	guard_set_free(&s);
	cr_assert_eq(guard_parse(data, 18200, &s, &e), 0);
	cr_assert_eq(s.n, 455);
	guard_set_free(&s);
	free(data);
}

Test(guard, path_parsing_and_tables)
{
	struct guard_rec r;
	struct ras_err e;
	char out[128];

	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc0/EQ1/EX0/Core2", GUARD_P9, &r, &e), 0);
	cr_assert_eq(r.n, 6);
	cr_assert_eq(r.el[3].type, 0x23);
	guard_path_format(&r, GUARD_P9, out, sizeof(out));
	cr_assert_str_eq(out, "/Sys0/Node0/Proc0/EQ1/EX0/Core2");
	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc0/EQ1", GUARD_P8, &r, &e), -EINVAL,
		     "EQ is not a P8 unit");
	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc0/MCS3", GUARD_P8, &r, &e), 0);
	cr_assert_eq(r.el[3].type, 0x0B);
	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc0/OMI3", GUARD_P10, &r, &e), 0);
	cr_assert_eq(r.el[3].type, 0x48);
	cr_assert_eq(guard_path_parse("/Sys0/Node0/Proc0/OMI3", GUARD_P9, &r, &e), -EINVAL,
		     "OMI is a P10 unit");
	/* P10 has P9's units too, and its own */
	cr_assert_str_eq(guard_unit_name(GUARD_P10, 0x07), "Core");
	cr_assert_str_eq(guard_unit_name(GUARD_P10, 0x55), "GENERIC_I2C_DEVICE");
	cr_assert_null(guard_unit_name(GUARD_P9, 0x55));
	cr_assert_null(guard_unit_name(GUARD_P10, 0x56));
	cr_assert_eq(guard_unit_find(GUARD_P10, "pmic", 4), 0x4E);
	cr_assert_eq(guard_unit_find(GUARD_P10, "EQ", 2), 0x23);
	cr_assert_eq(guard_path_parse("/Sys0/Node256", GUARD_P9, &r, &e), -EINVAL);
	cr_assert_eq(guard_path_parse("Sys0", GUARD_P9, &r, &e), -EINVAL);
	cr_assert_eq(guard_path_parse("/Sys", GUARD_P9, &r, &e), -EINVAL);
	cr_assert_eq(guard_path_parse("/Sys0/Bogus1", GUARD_P9, &r, &e), -EINVAL);
	cr_assert_eq(guard_path_parse("/A0/A0/A0/A0/A0/A0/A0/A0/A0/A0/A0", GUARD_P9, &r, &e),
		     -EINVAL);
	cr_assert_eq(guard_path_parse(
			     "/Sys0/Node0/Proc1/Core2/Core3/Core4/Core5/Core6/Core7/Core8/Core9",
			     GUARD_P9, &r, &e),
		     -EINVAL, "11 elements");
	cr_assert_str_eq(guard_error_type_name(0xE6), "Predictive");
	cr_assert_str_eq(guard_error_type_name(0x42), "Unknown");
}

Test(guard, malformed_record_refused)
{
	uint8_t data[400];
	struct guard_set s;
	struct ras_err e;

	memset(data, 0xFF, sizeof(data));
	memset(data, 0, 40);
	data[3] = 1;
	data[4] = 0x2F; /* 15 elements */
	cr_assert_eq(guard_parse(data, sizeof(data), &s, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "record 0"), "%s", e.msg);
}
