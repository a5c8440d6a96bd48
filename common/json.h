/*
 * json.h - a small streaming JSON writer used by every renderer.
 *
 * Output is written straight to a FILE* (open_memstream() gives a buffer). Commas and
 * nesting are tracked here so renderers only say what to emit. Strings are escaped per
 * RFC 8259; bytes that are not valid UTF-8 are written as U+FFFD so the output is
 * always valid JSON (renderers that must keep exact bytes emit them as hex too).
 * Field names used by the product are documented in docs/ and are a stable interface.
 */
#ifndef OPAL_RAS_COMMON_JSON_H
#define OPAL_RAS_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	int depth;
	bool pretty;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json_writer *w, FILE *f, bool pretty);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
/* A key of n bytes (escaped when needed). json_key() is the NUL-terminated form. */
void json_keyn(struct json_writer *w, const char *key, size_t n);
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* A hex string of n bytes ("0a1b..."). */
void json_hex(struct json_writer *w, const uint8_t *p, size_t n);
/* Emit "0x%0*X" as a string, the style used for ids and codes in our JSON. */
void json_hexnum(struct json_writer *w, uint64_t v, int width);
/* Emit already-serialised JSON text as one value (trusted: produced by this writer). */
void json_raw(struct json_writer *w, const char *text);
/* Finish the document: a newline when at depth 0. */
void json_end_doc(struct json_writer *w);

/* A key known to need no escaping: only for keys written in our own source. */
void json_key_literal(struct json_writer *w, const char *key, size_t n);

/* The bytes a key must not contain to be written as it is. */
#define JSON_KEY_SPECIALS                                                                      \
	"\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16" \
	"\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"

/*
 * Inline so that strlen() of a literal key or value folds to a constant: the renderers
 * emit hundreds of keys per record. For a literal key the compiler also answers whether
 * it holds a byte that needs escaping, so the per-key scan is done at build time; a key
 * from data (a subsystem name, an attribute) is not a constant and is always checked.
 */
static inline void json_key(struct json_writer *w, const char *key)
{
	size_t n = strlen(key);

	if (__builtin_constant_p(n) && __builtin_constant_p(!strpbrk(key, JSON_KEY_SPECIALS)) &&
	    !strpbrk(key, JSON_KEY_SPECIALS))
		json_key_literal(w, key, n);
	else
		json_keyn(w, key, n);
}

/* A string value; NULL is written as null. */
static inline void json_str(struct json_writer *w, const char *s)
{
	if (!s)
		json_null(w);
	else
		json_strn(w, s, strlen(s));
}

/* Convenience: key + value. */
static inline void json_kstr(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	json_str(w, v);
}

static inline void json_kint(struct json_writer *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_int(w, v);
}

static inline void json_kuint(struct json_writer *w, const char *k, uint64_t v)
{
	json_key(w, k);
	json_uint(w, v);
}

static inline void json_kbool(struct json_writer *w, const char *k, bool v)
{
	json_key(w, k);
	json_bool(w, v);
}

static inline void json_khexnum(struct json_writer *w, const char *k, uint64_t v, int width)
{
	json_key(w, k);
	json_hexnum(w, v, width);
}

/* Write s (n bytes) JSON-escaped, without quotes, to f. Shared with CSV/text paths. */
void json_escape_to(FILE *f, const char *s, size_t n);

#endif
