/*
 * ipz_vpd.c - decoder and renderers of IBM IPZ VPD records, the format of the device
 * tree's `ibm,vpd` properties on PowerNV (skiboot doc/device-tree/vpd.rst):
 * optional leading junk, then records 0x84 + LE16 length + keywords + 0x78. The first
 * keyword is RT naming the record (VINI, VSYS, OPFR, VRML, ...). Keywords are two
 * characters + one length byte, except '#'-keywords whose length is LE16. No checksum.
 *
 * Invariants: the blob is untrusted; every length is checked against both the record
 * and the buffer; every loop iteration consumes input; a record whose length runs past
 * the buffer is decoded as far as it goes and reported as a warning.
 */
#include "vpd/vpd.h"
#include "vpd/vpd_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/json.h"

#define IPZ_TAG	    0x84
#define IPZ_END	    0x78
#define IPZ_MAX_REC 256
#define IPZ_MAX_KW  4096

static bool kw_char_ok(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '#' || c == '*';
}

/* Keywords of a record at [start, end); returns the offset where decoding stopped. */
static int parse_record(const uint8_t *buf, size_t start, size_t end, struct ipz_record *r,
			struct vpd_warnings *w)
{
	size_t off = start, cap = 0;

	while (off < end) {
		struct vpd_keyword k;
		size_t hdr = 3;

		if (buf[off] == IPZ_END)
			break; /* end tag inside the declared length: tolerated */
		if (end - off < 3) {
			vpd_warn(w,
				 "record %s at offset 0x%zx: %zu stray byte(s) at 0x%zx, expected "
				 "a keyword",
				 r->name[0] ? r->name : "?", r->offset, end - off, off);
			break;
		}
		if (!kw_char_ok(buf[off]) || !kw_char_ok(buf[off + 1])) {
			vpd_warn(w,
				 "record %s at offset 0x%zx: bad keyword name 0x%02x%02x at offset "
				 "0x%zx",
				 r->name[0] ? r->name : "?", r->offset, buf[off], buf[off + 1],
				 off);
			break;
		}
		memset(&k, 0, sizeof(k));
		k.name[0] = (char)buf[off];
		k.name[1] = (char)buf[off + 1];
		k.section = VPD_SEC_IPZ;
		if (buf[off] == '#') {
			if (end - off < 4) {
				vpd_warn(w, "keyword %s at offset 0x%zx: truncated 2-byte length",
					 k.name, off);
				break;
			}
			k.len = (uint16_t)(buf[off + 2] | buf[off + 3] << 8);
			hdr = 4;
		} else {
			k.len = buf[off + 2];
		}
		k.offset = off + hdr;
		if (!range_ok(end, k.offset, k.len)) {
			vpd_warn(w,
				 "keyword %s at offset 0x%zx: length %u runs past the end of "
				 "record %s (0x%zx)",
				 k.name, off, k.len, r->name[0] ? r->name : "?", end);
			break;
		}
		k.data = buf + k.offset;
		if (r->n_kw == 0) {
			if (k.name[0] == 'R' && k.name[1] == 'T' && k.len >= 1) {
				size_t n = k.len < 4 ? k.len : 4;
				for (size_t i = 0; i < n; i++)
					r->name[i] = (k.data[i] >= 0x20 && k.data[i] < 0x7f)
							     ? (char)k.data[i]
							     : '?';
				r->name[n] = '\0';
			} else {
				vpd_warn(w,
					 "record at offset 0x%zx: first keyword is %s, expected RT",
					 r->offset, k.name);
			}
		}
		if (r->n_kw == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct vpd_keyword *p;
			if (nc > IPZ_MAX_KW)
				return -E2BIG;
			p = realloc(r->kw, nc * sizeof(*p));
			if (!p)
				return -ENOMEM;
			r->kw = p;
			cap = nc;
		}
		r->kw[r->n_kw++] = k;
		off = k.offset + k.len;
	}
	return 0;
}

/* Offset of the first record tag at or after off: prefer a 0x84 followed by "RT". */
static size_t find_record(const uint8_t *buf, size_t len, size_t off)
{
	size_t first = len;

	for (size_t i = off; i < len; i++) {
		if (buf[i] != IPZ_TAG)
			continue;
		if (first == len)
			first = i;
		if (range_ok(len, i + 3, 2) && buf[i + 3] == 'R' && buf[i + 4] == 'T')
			return i;
	}
	return first;
}

int ipz_vpd_parse(const uint8_t *buf, size_t len, struct ipz_vpd *v, struct ras_err *e)
{
	size_t off, cap = 0;
	int rc;

	memset(v, 0, sizeof(*v));
	if (!buf || len == 0)
		return ras_errf(e, -ENODATA, "IPZ VPD: empty blob");
	off = find_record(buf, len, 0);
	if (off == len)
		return ras_errf(e, -ENODATA, "IPZ VPD: no record tag 0x84 in %zu bytes", len);
	if (off > 0)
		vpd_warn(&v->warn, "%zu byte(s) of leading data before the first record skipped",
			 off);
	while (off < len) {
		struct ipz_record r;
		size_t rlen, start, end;

		if (buf[off] != IPZ_TAG) {
			size_t p = off;
			while (p < len && (buf[p] == 0 || buf[p] == 0xff))
				p++;
			if (p < len && buf[p] == IPZ_TAG) {
				off = p;
				continue;
			}
			if (p < len)
				vpd_warn(&v->warn,
					 "%zu byte(s) of trailing data at offset 0x%zx ignored",
					 len - off, off);
			break;
		}
		if (len - off < 3) {
			vpd_warn(&v->warn, "record tag at offset 0x%zx: length truncated", off);
			break;
		}
		if (v->n_rec >= IPZ_MAX_REC) {
			vpd_warn(&v->warn, "more than %d records; the rest ignored", IPZ_MAX_REC);
			break;
		}
		memset(&r, 0, sizeof(r));
		r.offset = off;
		rlen = (size_t)buf[off + 1] | (size_t)buf[off + 2] << 8;
		start = off + 3;
		end = start + rlen;
		if (end > len) {
			vpd_warn(&v->warn,
				 "record at offset 0x%zx: length %zu runs past the end of the blob "
				 "(%zu bytes)",
				 off, rlen, len);
			end = len;
		}
		rc = parse_record(buf, start, end, &r, &v->warn);
		if (v->n_rec == cap) {
			size_t nc = cap ? cap * 2 : 4;
			struct ipz_record *p = realloc(v->rec, nc * sizeof(*p));
			if (!p) {
				free(r.kw);
				return ras_errf(e, -ENOMEM, "IPZ VPD: out of memory");
			}
			v->rec = p;
			cap = nc;
		}
		v->rec[v->n_rec++] = r;
		if (rc)
			return ras_errf(e, rc, "IPZ VPD: record at offset 0x%zx: too many keywords",
					off);
		off = end;
		if (off < len && buf[off] == IPZ_END)
			off++;
		else if (start + rlen <= len)
			vpd_warn(&v->warn,
				 "record %s at offset 0x%zx: no end tag 0x78 at offset 0x%zx",
				 r.name[0] ? r.name : "?", r.offset, off);
	}
	return 0;
}

void ipz_vpd_free(struct ipz_vpd *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_rec; i++)
		free(v->rec[i].kw);
	free(v->rec);
	v->rec = NULL;
	v->n_rec = 0;
}

const struct vpd_keyword *ipz_record_find(const struct ipz_record *r, const char *kw)
{
	for (size_t i = 0; i < r->n_kw; i++)
		if (r->kw[i].name[0] == kw[0] && r->kw[i].name[1] == kw[1])
			return &r->kw[i];
	return NULL;
}

void ipz_vpd_print_text(FILE *f, const struct ipz_vpd *v, const char *indent)
{
	if (!indent)
		indent = "";
	for (size_t i = 0; i < v->n_rec; i++) {
		const struct ipz_record *r = &v->rec[i];

		fprintf(f, "%sRecord %s (offset 0x%zx, %zu keywords)\n", indent,
			r->name[0] ? r->name : "?", r->offset, r->n_kw);
		for (size_t j = 0; j < r->n_kw; j++) {
			const struct vpd_keyword *k = &r->kw[j];
			const char *name = vpd_keyword_name(k->name, true);
			char txt[600];

			vpd_value_text(k->data, k->len, vpd_keyword_is_binary(k->name, true), txt,
				       sizeof(txt));
			fprintf(f, "%s\t[%s] %s: %s\n", indent, k->name, name ? name : "Unknown",
				txt);
		}
	}
}

void ipz_vpd_write_json(struct json_writer *w, const struct ipz_vpd *v)
{
	json_obj_begin(w);
	json_kstr(w, "format", "ipz");
	json_key(w, "records");
	json_arr_begin(w);
	for (size_t i = 0; i < v->n_rec; i++) {
		json_obj_begin(w);
		json_kstr(w, "record", v->rec[i].name);
		json_kuint(w, "offset", v->rec[i].offset);
		json_key(w, "keywords");
		vpd_keywords_write_json(w, v->rec[i].kw, v->rec[i].n_kw, true);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "warnings");
	json_arr_begin(w);
	for (unsigned i = 0; i < v->warn.n && i < VPD_MAX_WARN; i++)
		json_str(w, v->warn.msg[i]);
	json_arr_end(w);
	json_obj_end(w);
}
