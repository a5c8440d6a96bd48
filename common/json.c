/*
 * json.c - streaming JSON writer (see json.h).
 */
#include "common/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/*
 * Write n bytes - the renderers' hot path. With glibc, copy straight into the stdio
 * buffer when it has room (what putc_unlocked does for one byte; line-buffered and
 * unbuffered streams keep no room there, so they always take the fwrite path).
 */
static inline void out(FILE *f, const void *p, size_t n)
{
#ifdef __GLIBC__
	if ((size_t)(f->_IO_write_end - f->_IO_write_ptr) >= n) {
		memcpy(f->_IO_write_ptr, p, n);
		f->_IO_write_ptr += n;
		return;
	}
#endif
	fwrite_unlocked(p, 1, n, f);
}

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
		out(w->f, "  ", 2);
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

/* Bytes that need no escaping: printable ASCII other than '"' and '\\'. */
#define P16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const uint8_t plain_tab[256] = {
	[0x20] = 1, 1,	 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x22 '"' */
	P16,	    P16, /* 0x30-0x4f */
	1,	    1,	 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x5c '\\' */
	P16,	    P16, /* 0x60-0x7f */
};
#undef P16

static inline bool plain(unsigned char c)
{
	return plain_tab[c];
}

/*
 * Length of the prefix of s (n bytes) made of whole 8-byte words of plain bytes:
 * a word is plain when no byte is < 0x20, >= 0x80, '"' or '\\' (SWAR tests).
 */
static inline bool plain_word(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t x, q, b;

	memcpy(&x, s, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	return !(((x - ones * 0x20) | (q - ones) | (b - ones) | x) & high);
}

static inline size_t plain_run8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		if (!plain_word(s + i))
			break;
	return i;
}

void json_escape_to(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (plain(c)) {
			/* write the whole run of plain bytes at once */
			size_t j = i + 1 + plain_run8(s + i + 1, n - i - 1);
			while (j < n && plain(s[j]))
				j++;
			out(f, s + i, j - i);
			i = j;
			continue;
		}
		switch (c) {
		case '"':
			out(f, "\\\"", 2);
			i++;
			continue;
		case '\\':
			out(f, "\\\\", 2);
			i++;
			continue;
		case '\n':
			out(f, "\\n", 2);
			i++;
			continue;
		case '\r':
			out(f, "\\r", 2);
			i++;
			continue;
		case '\t':
			out(f, "\\t", 2);
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
			out(f, "\\ufffd", 6);
			i++;
		} else {
			out(f, s + i, l);
			i += l;
		}
	}
}

/* Decimal digits of v at the end of buf (>= 20 bytes); returns the first digit. */
static char *fmt_u64(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* A key of n bytes of which the first `plain_len` need no escaping. */
static inline void key_out(struct json_writer *w, const char *key, size_t n, size_t plain_len)
{
	size_t i = plain_len;

#ifdef __GLIBC__
	/* compact output with room in the buffer: ',"key":' stored in one go */
	if (i == n && !w->pretty && !w->after_key && w->depth > 0 &&
	    (size_t)(w->f->_IO_write_end - w->f->_IO_write_ptr) >= n + 4) {
		char *p = w->f->_IO_write_ptr;

		if (w->need_comma[w->depth])
			*p++ = ',';
		w->need_comma[w->depth] = true;
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
		w->f->_IO_write_ptr = p;
		w->after_key = true;
		return;
	}
#endif
	before_value(w);
	putc_unlocked('"', w->f);
	if (i < n)
		json_escape_to(w->f, key, n);
	else
		out(w->f, key, n);
	if (w->pretty)
		out(w->f, "\": ", 3);
	else
		out(w->f, "\":", 2);
	w->after_key = true;
}

void json_keyn(struct json_writer *w, const char *key, size_t n)
{
	/* keys are nearly always plain: checked a word at a time, then copied */
	size_t i = plain_run8((const unsigned char *)key, n);

	while (i < n && plain((unsigned char)key[i]))
		i++;
	key_out(w, key, n, i);
}

void json_key_literal(struct json_writer *w, const char *key, size_t n)
{
	key_out(w, key, n, n);
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	putc_unlocked('"', w->f);
	json_escape_to(w->f, s, n);
	putc_unlocked('"', w->f);
}

void json_int(struct json_writer *w, int64_t v)
{
	char b[24], *e = b + sizeof(b), *p;

	before_value(w);
	p = fmt_u64(e, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	out(w->f, p, (size_t)(e - p));
}

void json_uint(struct json_writer *w, uint64_t v)
{
	char b[24], *e = b + sizeof(b), *p;

	before_value(w);
	p = fmt_u64(e, v);
	out(w->f, p, (size_t)(e - p));
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
	if (v)
		out(w->f, "true", 4);
	else
		out(w->f, "false", 5);
}

void json_null(struct json_writer *w)
{
	before_value(w);
	out(w->f, "null", 4);
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
	static const char hx[] = "0123456789ABCDEF";
	char b[24], *e = b + sizeof(b), *p = e;
	int n = 0;

	before_value(w);
	if (width > 16)
		width = 16;
	*--p = '"';
	do {
		*--p = hx[v & 0xf];
		v >>= 4;
		n++;
	} while (v);
	while (n++ < width)
		*--p = '0';
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	out(w->f, p, (size_t)(e - p));
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
