/*
 * bytes.h - bounds-checked big-endian reads from untrusted buffers.
 *
 * Every decoder in opal-ras reads through these. The plain be16/be32/be64 helpers
 * take a pointer the caller has already proved in range; struct bytecur is a cursor
 * over (buf, len) whose reads check the remaining length and set a sticky `bad` flag
 * instead of reading past the end, so a decoder can read a whole header and test once.
 */
#ifndef OPAL_RAS_COMMON_BYTES_H
#define OPAL_RAS_COMMON_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* True when [off, off + n) lies inside a buffer of len bytes (no overflow). */
static inline bool range_ok(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/* One BCD byte to its value, or -1 when a nibble is not a decimal digit. */
static inline int bcd8(uint8_t b)
{
	if ((b >> 4) > 9 || (b & 0xf) > 9)
		return -1;
	return (b >> 4) * 10 + (b & 0xf);
}

struct bytecur {
	const uint8_t *buf;
	size_t len;
	size_t off;
	bool bad; /* a read went past the end; every later read returns 0 */
};

static inline struct bytecur bytecur_init(const void *buf, size_t len)
{
	struct bytecur c = { .buf = (const uint8_t *)buf, .len = len, .off = 0, .bad = false };
	return c;
}

static inline size_t bytecur_left(const struct bytecur *c)
{
	return c->bad ? 0 : c->len - c->off;
}

/* Pointer to the next n bytes and advance, or NULL (and bad) when fewer remain. */
static inline const uint8_t *bytecur_take(struct bytecur *c, size_t n)
{
	const uint8_t *p;

	if (c->bad || !range_ok(c->len, c->off, n)) {
		c->bad = true;
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static inline uint8_t bytecur_u8(struct bytecur *c)
{
	const uint8_t *p = bytecur_take(c, 1);
	return p ? p[0] : 0;
}

static inline uint16_t bytecur_be16(struct bytecur *c)
{
	const uint8_t *p = bytecur_take(c, 2);
	return p ? be16(p) : 0;
}

static inline uint32_t bytecur_be32(struct bytecur *c)
{
	const uint8_t *p = bytecur_take(c, 4);
	return p ? be32(p) : 0;
}

static inline uint64_t bytecur_be64(struct bytecur *c)
{
	const uint8_t *p = bytecur_take(c, 8);
	return p ? be64(p) : 0;
}

/* Copy n bytes into dst (zero-filled when short). */
static inline void bytecur_copy(struct bytecur *c, void *dst, size_t n)
{
	const uint8_t *p = bytecur_take(c, n);
	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

static inline void bytecur_skip(struct bytecur *c, size_t n)
{
	(void)bytecur_take(c, n);
}

#endif
