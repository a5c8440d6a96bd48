/*
 * vpd_encode.c - writers of PCI VPD images and IPZ records, the inverse of the two
 * decoders. opal-sim builds its device tree and sysfs `vpd` files with them; tests
 * and fuzz seeds use them for round trips.
 *
 * Invariants: never write past cap (0 is returned instead); PCI images always carry
 * a valid RV checksum (sum of bytes 0..checksum == 0).
 */
#include "vpd/vpd.h"

#include <string.h>

static size_t kv_len(const struct vpd_kv *k)
{
	return k->len ? k->len : strlen((const char *)k->data);
}

/* Append keyword triplets at *off; false when they do not fit or a value is > 255. */
static bool put_kws(uint8_t *out, size_t cap, size_t *off, const struct vpd_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = kv_len(&kv[i]);
		if (l > 255 || cap - *off < 3 + l)
			return false;
		out[*off] = (uint8_t)kv[i].kw[0];
		out[*off + 1] = (uint8_t)kv[i].kw[1];
		out[*off + 2] = (uint8_t)l;
		memcpy(out + *off + 3, kv[i].data, l);
		*off += 3 + l;
	}
	return true;
}

size_t ipz_record_encode(uint8_t *out, size_t cap, const char *rt, const struct vpd_kv *kv,
			 size_t n)
{
	size_t off = 3, rtl = strlen(rt);
	struct vpd_kv rtkv = { "RT", rt, rtl };

	if (cap < 4 || rtl == 0)
		return 0;
	if (!put_kws(out, cap, &off, &rtkv, 1) || !put_kws(out, cap, &off, kv, n))
		return 0;
	if (off - 3 > 0xffff || cap - off < 1)
		return 0;
	out[0] = 0x84;
	out[1] = (uint8_t)((off - 3) & 0xff);
	out[2] = (uint8_t)((off - 3) >> 8);
	out[off++] = 0x78;
	return off;
}

size_t pci_vpd_encode(uint8_t *out, size_t cap, const char *id, const struct vpd_kv *ro, size_t nro,
		      size_t rv_reserved, const struct vpd_kv *rw, size_t nrw, size_t rw_free)
{
	size_t off = 0, idl = id ? strlen(id) : 0, rstart, l;
	uint8_t sum = 0;

	if (idl > 0xffff || rv_reserved > 254 || rw_free > 255 || cap < 3 + idl)
		return 0;
	out[off++] = 0x82;
	out[off++] = (uint8_t)(idl & 0xff);
	out[off++] = (uint8_t)(idl >> 8);
	memcpy(out + off, id, idl);
	off += idl;
	if (cap - off < 3)
		return 0;
	rstart = off;
	off += 3;
	if (!put_kws(out, cap, &off, ro, nro))
		return 0;
	if (cap - off < 4 + rv_reserved)
		return 0;
	out[off++] = 'R';
	out[off++] = 'V';
	out[off++] = (uint8_t)(1 + rv_reserved);
	l = off - rstart - 3 + 1 + rv_reserved;
	if (l > 0xffff)
		return 0;
	out[rstart] = 0x90;
	out[rstart + 1] = (uint8_t)(l & 0xff);
	out[rstart + 2] = (uint8_t)(l >> 8);
	for (size_t i = 0; i < off; i++)
		sum = (uint8_t)(sum + out[i]);
	out[off++] = (uint8_t)(0x100 - sum);
	memset(out + off, 0, rv_reserved);
	off += rv_reserved;
	if (nrw || rw_free) {
		size_t wstart = off;
		if (cap - off < 3)
			return 0;
		off += 3;
		if (!put_kws(out, cap, &off, rw, nrw))
			return 0;
		if (rw_free) {
			if (cap - off < 3 + rw_free)
				return 0;
			out[off++] = 'R';
			out[off++] = 'W';
			out[off++] = (uint8_t)rw_free;
			memset(out + off, 0, rw_free);
			off += rw_free;
		}
		l = off - wstart - 3;
		out[wstart] = 0x91;
		out[wstart + 1] = (uint8_t)(l & 0xff);
		out[wstart + 2] = (uint8_t)(l >> 8);
	}
	if (cap - off < 1)
		return 0;
	out[off++] = 0x78;
	return off;
}
