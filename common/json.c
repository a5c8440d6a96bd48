/*
 * json.c - streaming JSON writer (see json.h).
 */
#include "common/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void json_init(struct json_writer *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

static void newline_indent(struct json_writer *w)
{
	if (!w->pretty)
		return;
	putc_unlocked('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Before any value: a comma when needed, unless it follows a key. */
static void before_value(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth])
			putc_unlocked(',', w->f);
		newline_indent(w);
		w->need_comma[w->depth] = true;
	}
}

static void open_container(struct json_writer *w, char c)
{
	before_value(w);
	putc_unlocked(c, w->f);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
	bool had = w->need_comma[w->depth];
	if (w->depth > 0)
		w->depth--;
	if (had)
		newline_indent(w);
	putc_unlocked(c, w->f);
}

void json_obj_begin(struct json_writer *w)
{
	open_container(w, '{');
}

void json_obj_end(struct json_writer *w)
{
	close_container(w, '}');
}

void json_arr_begin(struct json_writer *w)
{
	open_container(w, '[');
}

void json_arr_end(struct json_writer *w)
{
	close_container(w, ']');
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void json_escape_to(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			putc_unlocked((int)c, f);
			i++;
			continue;
		}
		switch (c) {
		case '"':
			fputs("\\\"", f);
			i++;
			continue;
		case '\\':
			fputs("\\\\", f);
			i++;
			continue;
		case '\n':
			fputs("\\n", f);
			i++;
			continue;
		case '\r':
			fputs("\\r", f);
			i++;
			continue;
		case '\t':
			fputs("\\t", f);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		size_t l = utf8_seq(s + i, n - i);
		if (l == 0) {
			fputs("\\ufffd", f);
			i++;
		} else {
			fwrite(s + i, 1, l, f);
			i += l;
		}
	}
}

void json_key(struct json_writer *w, const char *key)
{
	before_value(w);
	putc_unlocked('"', w->f);
	json_escape_to(w->f, key, strlen(key));
	fputs(w->pretty ? "\": " : "\":", w->f);
	w->after_key = true;
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	putc_unlocked('"', w->f);
	json_escape_to(w->f, s, n);
	putc_unlocked('"', w->f);
}

void json_str(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_int(struct json_writer *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void json_double(struct json_writer *w, double v)
{
	before_value(w);
	if (isfinite(v))
		fprintf(w->f, "%.17g", v);
	else
		fputs("null", w->f);
}

void json_bool(struct json_writer *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(struct json_writer *w)
{
	before_value(w);
	fputs("null", w->f);
}

void json_hex(struct json_writer *w, const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	before_value(w);
	putc_unlocked('"', w->f);
	for (size_t i = 0; i < n; i++) {
		putc_unlocked(hx[p[i] >> 4], w->f);
		putc_unlocked(hx[p[i] & 0xf], w->f);
	}
	putc_unlocked('"', w->f);
}

void json_hexnum(struct json_writer *w, uint64_t v, int width)
{
	before_value(w);
	fprintf(w->f, "\"0x%0*" PRIX64 "\"", width, v);
}

void json_raw(struct json_writer *w, const char *text)
{
	before_value(w);
	fputs(text, w->f);
}

void json_end_doc(struct json_writer *w)
{
	if (w->depth == 0)
		putc_unlocked('\n', w->f);
}

void json_kstr(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	json_str(w, v);
}

void json_kint(struct json_writer *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_int(w, v);
}

void json_kuint(struct json_writer *w, const char *k, uint64_t v)
{
	json_key(w, k);
	json_uint(w, v);
}

void json_kbool(struct json_writer *w, const char *k, bool v)
{
	json_key(w, k);
	json_bool(w, v);
}

void json_khexnum(struct json_writer *w, const char *k, uint64_t v, int width)
{
	json_key(w, k);
	json_hexnum(w, v, width);
}
