/*
 * test_common.c - unit tests of common/: bounded reads, root paths, JSON escaping,
 * time parsing and formatting, capped file reads.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/path.h"
#include "common/timeutil.h"

Test(bytes, cursor_stops_at_end)
{
	uint8_t b[5] = { 0x12, 0x34, 0x56, 0x78, 0x9a };
	struct bytecur c = bytecur_init(b, sizeof(b));

	cr_assert_eq(bytecur_be32(&c), 0x12345678u);
	cr_assert_eq(bytecur_left(&c), 1);
	cr_assert_eq(bytecur_be16(&c), 0, "a short read returns 0");
	cr_assert(c.bad);
	cr_assert_eq(bytecur_u8(&c), 0, "bad is sticky");
	cr_assert_eq(bytecur_left(&c), 0);
}

Test(bytes, range_ok_no_overflow)
{
	cr_assert(range_ok(10, 0, 10));
	cr_assert(range_ok(10, 10, 0));
	cr_assert_not(range_ok(10, 11, 0));
	cr_assert_not(range_ok(10, 4, SIZE_MAX));
	cr_assert_not(range_ok(10, 9, 2));
}

Test(bytes, bcd)
{
	cr_assert_eq(bcd8(0x59), 59);
	cr_assert_eq(bcd8(0x0a), -1);
	cr_assert_eq(bcd8(0xa0), -1);
	uint8_t p[8];
	put_be64(p, 0x0102030405060708ull);
	cr_assert_eq(be64(p), 0x0102030405060708ull);
}

Test(path, root_join)
{
	char out[64];
	cr_assert_eq(root_path(out, sizeof(out), "/", "/sys/firmware/opal/elog"), 0);
	cr_assert_str_eq(out, "/sys/firmware/opal/elog");
	cr_assert_eq(root_path(out, sizeof(out), "/tmp/r/", "sys/%s", "x"), 0);
	cr_assert_str_eq(out, "/tmp/r/sys/x");
	cr_assert_eq(root_path(out, sizeof(out), NULL, "dev/kmsg"), 0);
	cr_assert_str_eq(out, "/dev/kmsg");
	cr_assert_eq(root_path(out, 8, "/tmp/r", "sys/firmware"), -ENAMETOOLONG);
}

static char *render(void (*fn)(struct json_writer *))
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct json_writer w;
	json_init(&w, f, false);
	fn(&w);
	fclose(f);
	return buf;
}

static void doc_nested(struct json_writer *w)
{
	json_obj_begin(w);
	json_kstr(w, "a", "x\"y\\z\n\x01");
	json_key(w, "list");
	json_arr_begin(w);
	json_int(w, -1);
	json_uint(w, 2);
	json_bool(w, true);
	json_null(w);
	json_arr_end(w);
	json_khexnum(w, "id", 0x5034a000, 8);
	json_key(w, "empty");
	json_obj_begin(w);
	json_obj_end(w);
	json_obj_end(w);
}

Test(json, nesting_and_escapes)
{
	char *s = render(doc_nested);
	cr_assert_str_eq(s, "{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"list\":[-1,2,true,null],"
			    "\"id\":\"0x5034A000\",\"empty\":{}}");
	free(s);
}

static void doc_utf8(struct json_writer *w)
{
	json_strn(w, "\xc3\xa9\xff\xe2\x82\xac\xc0\xaf", 8);
}

Test(json, invalid_utf8_replaced)
{
	char *s = render(doc_utf8);
	cr_assert_str_eq(s, "\"\xc3\xa9\\ufffd\xe2\x82\xac\\ufffd\\ufffd\"");
	free(s);
}

Test(timeutil, utc_conversion)
{
	int64_t us;
	cr_assert(time_utc_to_us(2014, 3, 12, 14, 24, 12, 0, &us));
	cr_assert_eq(us, 1394634252ll * 1000000);
	cr_assert_not(time_utc_to_us(2023, 2, 29, 0, 0, 0, 0, &us));
	cr_assert(time_utc_to_us(2024, 2, 29, 0, 0, 0, 0, &us));
	char b[40];
	cr_assert_str_eq(time_format_iso_us(1394634252123456ll, b, sizeof(b)),
			 "2014-03-12T14:24:12.123456Z");
}

Test(timeutil, parse_args)
{
	int64_t now = 1764000000ll * 1000000, t;
	cr_assert_eq(time_parse_arg("2h", now, &t, NULL), 0);
	cr_assert_eq(t, now - 7200ll * 1000000);
	cr_assert_eq(time_parse_arg("7d", now, &t, NULL), 0);
	cr_assert_eq(t, now - 7 * 86400ll * 1000000);
	cr_assert_eq(time_parse_arg("@100", now, &t, NULL), 0);
	cr_assert_eq(t, 100ll * 1000000);
	cr_assert_eq(time_parse_arg("2014-03-12T14:24:12Z", now, &t, NULL), 0);
	cr_assert_eq(t, 1394634252ll * 1000000);
	cr_assert_eq(time_parse_arg("now", now, &t, NULL), 0);
	cr_assert_eq(t, now);
	struct ras_err e;
	cr_assert_eq(time_parse_arg("yesterday", now, &t, &e), -EINVAL);
	cr_assert(strstr(e.msg, "yesterday"));
	cr_assert_eq(time_parse_arg("2h30", now, &t, &e), -EINVAL);
	cr_assert_eq(time_parse_arg("2023-02-30", now, &t, &e), -EINVAL);
	cr_assert_eq(time_parse_duration("5x", &t, &e), -EINVAL);
}

Test(fileio, capped_read_and_atomic_write)
{
	char dir[] = "/tmp/opal-ras-ut.XXXXXX", path[128];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	cr_assert_eq(file_write_atomic(path, "hello world\n", 12, 0644, NULL), 0);

	uint8_t *buf;
	size_t len;
	int trunc;
	cr_assert_eq(file_read_all(path, 5, &buf, &len, &trunc, NULL), 0);
	cr_assert_eq(len, 5);
	cr_assert(trunc);
	free(buf);
	cr_assert_eq(file_read_all(path, 12, &buf, &len, &trunc, NULL), 0);
	cr_assert_eq(len, 12);
	cr_assert_not(trunc);
	free(buf);

	char s[32];
	cr_assert_eq(file_read_str(path, s, sizeof(s), NULL), 0);
	cr_assert_str_eq(s, "hello world");
	uint64_t v;
	struct ras_err e;
	cr_assert_eq(file_read_u64(path, &v, &e), -EINVAL);
	cr_assert(strstr(e.msg, "expected a number"));
	cr_assert_eq(file_write_atomic(path, "0x1f\n", 5, 0644, NULL), 0);
	cr_assert_eq(file_read_u64(path, &v, NULL), 0);
	cr_assert_eq(v, 0x1f);
	cr_assert_lt(file_read_all("/nonexistent/x", 10, &buf, &len, NULL, &e), 0);
	cr_assert(strstr(e.msg, "/nonexistent/x"));
	unlink(path);
	rmdir(dir);
}

/* A descriptor read to its end (a socket's reply), across buffer growth and the cap. */
Test(fileio, fd_read_all_to_the_end_or_the_cap)
{
	static char big[10000];
	int p[2];
	uint8_t *buf;
	size_t len;
	int trunc;

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 'y';
	for (int cap_hit = 0; cap_hit < 2; cap_hit++) {
		cr_assert_eq(pipe(p), 0);
		cr_assert_eq(write_full(p[1], big, sizeof(big)), 0);
		close(p[1]);
		size_t max = cap_hit ? 6000 : 1u << 20;
		cr_assert_eq(fd_read_all(p[0], "pipe", max, &buf, &len, &trunc, NULL), 0);
		close(p[0]);
		cr_assert_eq(len, cap_hit ? 6000 : sizeof(big));
		cr_assert_eq(trunc, cap_hit);
		cr_assert_eq(buf[len], 0, "NUL-terminated");
		cr_assert_eq(buf[len - 1], cap_hit ? 'x' : 'y');
		free(buf);
	}
	struct ras_err e;
	cr_assert_eq(fd_read_all(-1, "nothing", 10, &buf, &len, NULL, &e), -EBADF);
	cr_assert(strstr(e.msg, "nothing"), "%s", e.msg);
}
