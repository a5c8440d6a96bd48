/*
 * test_json_fast.c - the fast paths of common/json.c (direct stdio-buffer writes,
 * 8-byte plain-run scan, hand-formatted numbers) give exactly the bytes of the plain
 * formatting: escapes at every position of long strings, numbers at the extremes, and
 * output to line-buffered and memory streams.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"

static char *emit(void (*fn)(struct json_writer *, const void *), const void *arg)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	struct json_writer w;

	json_init(&w, f, false);
	fn(&w, arg);
	fclose(f);
	return s;
}

static void w_str(struct json_writer *w, const void *a)
{
	json_str(w, a);
}

Test(json_fast, escapes_at_every_position)
{
	static const char specials[] = { '"', '\\', '\n', '\t', 0x01, 0x7f };
	static const char *const esc[] = { "\\\"", "\\\\", "\\n", "\\t", "\\u0001", "\x7f" };

	for (size_t k = 0; k < sizeof(specials); k++) {
		for (size_t pos = 0; pos < 40; pos++) {
			char in[41], want[64];
			memset(in, 'a', 40);
			in[40] = 0;
			in[pos] = specials[k];
			snprintf(want, sizeof(want), "\"%.*s%s%s\"", (int)pos, in, esc[k],
				 in + pos + 1);
			char *got = emit(w_str, in);
			cr_assert_str_eq(got, want, "special %zu at %zu", k, pos);
			free(got);
		}
	}
}

Test(json_fast, invalid_utf8_and_valid_utf8)
{
	char *got = emit(w_str, "abcdefgh\xc3\xa9ijklmnop\xff");
	cr_assert_str_eq(got, "\"abcdefgh\xc3\xa9ijklmnop\\ufffd\"");
	free(got);
}

static void w_nums(struct json_writer *w, const void *a)
{
	json_arr_begin(w);
	json_int(w, INT64_MIN);
	json_int(w, -1);
	json_int(w, 0);
	json_uint(w, UINT64_MAX);
	json_hexnum(w, 0, 8);
	json_hexnum(w, 0xA004, 4);
	json_hexnum(w, 0x1234, 2);
	json_hexnum(w, UINT64_MAX, 16);
	json_bool(w, true);
	json_bool(w, false);
	json_null(w);
	json_arr_end(w);
}

Test(json_fast, numbers)
{
	char *got = emit(w_nums, NULL);
	cr_assert_str_eq(got, "[-9223372036854775808,-1,0,18446744073709551615,\"0x00000000\","
			      "\"0xA004\",\"0x1234\",\"0xFFFFFFFFFFFFFFFF\",true,false,null]");
	free(got);
}

static void w_keys(struct json_writer *w, const void *a)
{
	json_obj_begin(w);
	json_kstr(w, "plain_key", "v");
	json_kstr(w, "we\"ird", "v");
	json_obj_end(w);
}

Test(json_fast, keys)
{
	char *got = emit(w_keys, NULL);
	cr_assert_str_eq(got, "{\"plain_key\":\"v\",\"we\\\"ird\":\"v\"}");
	free(got);
}

Test(json_fast, line_buffered_stream)
{
	char path[] = "/tmp/json-fast-XXXXXX", buf[256] = { 0 };
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+");
	struct json_writer w;

	setvbuf(f, NULL, _IOLBF, 0);
	json_init(&w, f, false);
	json_obj_begin(&w);
	json_kstr(&w, "a", "line\nbreak");
	json_kuint(&w, "n", 42);
	json_obj_end(&w);
	json_end_doc(&w);
	fflush(f);
	rewind(f);
	cr_assert_not_null(fgets(buf, sizeof(buf), f));
	cr_assert_str_eq(buf, "{\"a\":\"line\\nbreak\",\"n\":42}\n");
	fclose(f);
	unlink(path);
}

static void w_onekey(struct json_writer *w, const void *a)
{
	json_obj_begin(w);
	json_key(w, a);
	json_null(w);
	json_obj_end(w);
}

/* Keys of every length 0..70 with an escape at every position, and plain. */
Test(json_fast, keys_every_length_and_position)
{
	for (size_t len = 0; len <= 70; len++) {
		for (size_t pos = 0; pos <= len; pos++) {
			char key[80], want[200];
			memset(key, 'k', len);
			key[len] = 0;
			if (pos < len)
				key[pos] = '"';
			size_t at = 0;
			at += (size_t)snprintf(want + at, sizeof(want) - at, "{\"");
			for (size_t i = 0; i < len; i++)
				at += (size_t)snprintf(want + at, sizeof(want) - at, "%s",
						       key[i] == '"' ? "\\\"" : "k");
			snprintf(want + at, sizeof(want) - at, "\":null}");
			char *got = emit(w_onekey, key);
			cr_assert_str_eq(got, want, "len %zu pos %zu", len, pos);
			free(got);
		}
	}
}

static void w_nested(struct json_writer *w, const void *a)
{
	json_obj_begin(w);
	json_kstr(w, "first", "a");
	json_key(w, "list");
	json_arr_begin(w);
	for (int i = 0; i < 3; i++) {
		json_obj_begin(w);
		json_kint(w, "i", i);
		json_kbool(w, "a_rather_long_key_name_here", i & 1);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "empty");
	json_obj_begin(w);
	json_obj_end(w);
	json_kstr(w, "last", "z");
	json_obj_end(w);
}

/*
 * Keys are stored straight into the stdio buffer when it has room and go through stdio
 * when it has not: a 7-byte buffer crosses its end at every offset; the bytes must equal
 * those written through a memory stream.
 */
Test(json_fast, keys_at_buffer_boundaries)
{
	static const char want[] =
		"{\"first\":\"a\",\"list\":[{\"i\":0,\"a_rather_long_key_name_here\":"
		"false},{\"i\":1,\"a_rather_long_key_name_here\":true},{\"i\":2,"
		"\"a_rather_long_key_name_here\":false}],\"empty\":{},\"last\":\"z\"}";
	char *mem = emit(w_nested, NULL);
	cr_assert_str_eq(mem, want);
	free(mem);

	for (size_t bufsz = 1; bufsz <= 40; bufsz++) {
		char path[] = "/tmp/json-fast-XXXXXX", got[512] = { 0 }, sbuf[64];
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w+");
		struct json_writer w;

		setvbuf(f, sbuf, _IOFBF, bufsz);
		json_init(&w, f, false);
		w_nested(&w, NULL);
		fflush(f);
		cr_assert_eq(pread(fd, got, sizeof(got) - 1, 0), (ssize_t)strlen(want));
		cr_assert_str_eq(got, want, "buffer of %zu bytes", bufsz);
		fclose(f);
		unlink(path);
	}
}
