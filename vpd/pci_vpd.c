/*
 * pci_vpd.c - decoder and renderers of the PCI VPD resource format (the sysfs `vpd`
 * file): identifier string 0x82, VPD-R 0x90 (with the RV checksum verified), VPD-W
 * 0x91, end tag 0x78/0x79.
 *
 * Invariants: the input is untrusted. Every tag and keyword length is checked against
 * the bytes that remain (and the enclosing resource) before use; each loop iteration
 * consumes at least one byte; at most PCI_VPD_MAX_SIZE bytes are looked at. Problems
 * that still leave something to show (bad checksum, truncation, unknown tags, no end
 * tag) are warnings, not errors; lsvpd's defects (no VPD-W boundary, no RV check) are
 * the cases the tests pin down.
 */
#include "vpd/vpd.h"
#include "vpd/vpd_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/bytes.h"
#include "common/json.h"

#define TAG_ID	  0x82
#define TAG_VPD_R 0x90
#define TAG_VPD_W 0x91
#define KW_CAP	  4096 /* 32 KiB / 3 bytes per keyword, rounded: never more */

void vpd_warn(struct vpd_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n < VPD_MAX_WARN) {
		va_start(ap, fmt);
		vsnprintf(w->msg[w->n], VPD_WARN_LEN, fmt, ap);
		va_end(ap);
	}
	w->n++;
}

static int kw_push(struct vpd_keyword **arr, size_t *n, size_t *cap, const struct vpd_keyword *k)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct vpd_keyword *p;
		if (nc > KW_CAP)
			return -E2BIG;
		p = realloc(*arr, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = nc;
	}
	(*arr)[(*n)++] = *k;
	return 0;
}

/* Keywords of one VPD-R or VPD-W resource at [start, end). */
static int parse_keywords(const uint8_t *buf, size_t start, size_t end, uint8_t section,
			  struct pci_vpd *v, size_t *cap, bool *rv_seen)
{
	size_t off = start;
	int rc;

	while (off < end) {
		struct vpd_keyword k;

		if (end - off < 3) {
			vpd_warn(&v->warn,
				 "%s at offset 0x%zx: %zu stray byte(s), expected a 3-byte keyword "
				 "header",
				 section == VPD_SEC_RO ? "VPD-R" : "VPD-W", off, end - off);
			return 0;
		}
		memset(&k, 0, sizeof(k));
		k.name[0] = (char)buf[off];
		k.name[1] = (char)buf[off + 1];
		k.section = section;
		k.len = buf[off + 2];
		k.offset = off + 3;
		if (!range_ok(end, k.offset, k.len)) {
			vpd_warn(&v->warn,
				 "keyword %c%c at offset 0x%zx: length %u runs past the end of the "
				 "%s resource (0x%zx)",
				 buf[off] >= 0x20 && buf[off] < 0x7f ? buf[off] : '?',
				 buf[off + 1] >= 0x20 && buf[off + 1] < 0x7f ? buf[off + 1] : '?',
				 off, k.len, section == VPD_SEC_RO ? "VPD-R" : "VPD-W", end);
			return 0;
		}
		k.data = buf + k.offset;
		rc = kw_push(&v->kw, &v->n_kw, cap, &k);
		if (rc)
			return rc;
		off = k.offset + k.len;
		if (section == VPD_SEC_RO && k.name[0] == 'R' && k.name[1] == 'V') {
			uint8_t sum = 0;
			*rv_seen = true;
			if (k.len == 0) {
				v->checksum = VPD_CSUM_BAD;
				vpd_warn(&v->warn, "RV at offset 0x%zx has no checksum byte",
					 k.offset - 3);
				continue;
			}
			for (size_t i = 0; i <= k.offset; i++)
				sum = (uint8_t)(sum + buf[i]);
			v->checksum_byte = buf[k.offset];
			v->rv_offset = k.offset;
			v->rv_reserved = k.len - 1u;
			if (sum == 0) {
				v->checksum = VPD_CSUM_GOOD;
			} else {
				v->checksum = VPD_CSUM_BAD;
				vpd_warn(&v->warn,
					 "RV checksum bad: bytes 0x0-0x%zx sum to 0x%02x, expected "
					 "0 (checksum byte 0x%02x at offset 0x%zx)",
					 k.offset, sum, buf[k.offset], k.offset);
			}
		} else if (section == VPD_SEC_RW && k.name[0] == 'R' && k.name[1] == 'W') {
			v->rw_free = k.len;
		}
	}
	return 0;
}

int pci_vpd_parse(const uint8_t *buf, size_t len, struct pci_vpd *v, struct ras_err *e)
{
	size_t off = 0, cap = 0;
	bool rv_seen = false, vpd_r_seen = false;
	int rc;

	memset(v, 0, sizeof(*v));
	if (len == 0 || !buf)
		return ras_errf(e, -ENODATA, "PCI VPD: empty image");
	if (buf[0] == 0x00 || buf[0] == 0xff)
		return ras_errf(e, -ENODATA,
				"PCI VPD: first byte 0x%02x at offset 0: no VPD EEPROM", buf[0]);
	if (buf[0] != TAG_ID && buf[0] != TAG_VPD_R)
		return ras_errf(e, -EBADMSG,
				"PCI VPD: tag 0x%02x at offset 0, expected 0x82 (identifier "
				"string) or 0x90 (VPD-R)",
				buf[0]);
	if (len > PCI_VPD_MAX_SIZE) {
		vpd_warn(&v->warn,
			 "image of %zu bytes is larger than the 32 KiB VPD address space; decoding "
			 "the first 32768",
			 len);
		len = PCI_VPD_MAX_SIZE;
	}
	while (off < len) {
		uint8_t tag = buf[off];

		if (!(tag & 0x80)) {
			size_t item = (tag >> 3) & 0xf, n = tag & 7;
			if (item == 0xf) {
				v->has_end = true;
				v->used = off + 1 + n;
				if (v->used > len)
					v->used = len;
				break;
			}
			vpd_warn(&v->warn,
				 "unknown small resource type 0x%02x at offset 0x%zx, skipped", tag,
				 off);
			off += 1 + n;
			continue;
		}
		if (len - off < 3) {
			vpd_warn(&v->warn,
				 "large resource tag 0x%02x at offset 0x%zx: header truncated (%zu "
				 "byte(s) left, expected 3)",
				 tag, off, len - off);
			off = len;
			break;
		}
		size_t rlen = (size_t)buf[off + 1] | (size_t)buf[off + 2] << 8;
		size_t start = off + 3, end = start + rlen;
		if (end > len) {
			vpd_warn(&v->warn,
				 "resource 0x%02x at offset 0x%zx: length %zu runs past the end of "
				 "the data (%zu bytes)",
				 tag, off, rlen, len);
			end = len;
		}
		switch (tag) {
		case TAG_ID:
			if (!v->id) {
				v->id = buf + start;
				v->id_len = end - start;
			} else {
				vpd_warn(&v->warn,
					 "second identifier string at offset 0x%zx ignored", off);
			}
			break;
		case TAG_VPD_R:
			vpd_r_seen = true;
			rc = parse_keywords(buf, start, end, VPD_SEC_RO, v, &cap, &rv_seen);
			if (rc)
				return ras_errf(e, rc,
						"PCI VPD: VPD-R at offset 0x%zx: too many keywords",
						off);
			break;
		case TAG_VPD_W:
			rc = parse_keywords(buf, start, end, VPD_SEC_RW, v, &cap, &rv_seen);
			if (rc)
				return ras_errf(e, rc,
						"PCI VPD: VPD-W at offset 0x%zx: too many keywords",
						off);
			break;
		default:
			vpd_warn(&v->warn,
				 "unknown large resource type 0x%02x at offset 0x%zx (%zu bytes), "
				 "skipped",
				 tag, off, rlen);
			break;
		}
		off = end;
	}
	if (!v->has_end) {
		vpd_warn(&v->warn, "no end tag found (decoded %zu bytes)", off < len ? off : len);
		v->used = off < len ? off : len;
	}
	if (vpd_r_seen && !rv_seen)
		vpd_warn(&v->warn, "VPD-R has no RV keyword: checksum missing");
	return 0;
}

void pci_vpd_free(struct pci_vpd *v)
{
	if (!v)
		return;
	free(v->kw);
	v->kw = NULL;
	v->n_kw = 0;
}

const struct vpd_keyword *pci_vpd_find(const struct pci_vpd *v, const char *kw)
{
	for (size_t i = 0; i < v->n_kw; i++)
		if (v->kw[i].name[0] == kw[0] && v->kw[i].name[1] == kw[1])
			return &v->kw[i];
	return NULL;
}

/* lspci escapes non-printables as \xNN. */
static void print_escaped(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			fputc(p[i], f);
		else
			fprintf(f, "\\x%02x", p[i]);
	}
}

static void kw_label(char out[8], const char *name)
{
	for (int i = 0; i < 2; i++)
		out[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? name[i] : '?';
	out[2] = '\0';
}

void pci_vpd_print_text(FILE *f, const struct pci_vpd *v, const char *indent)
{
	int sec = -1;

	if (!indent)
		indent = "";
	if (v->id) {
		fprintf(f, "%sProduct Name: ", indent);
		print_escaped(f, v->id, v->id_len);
		fputc('\n', f);
	}
	for (size_t i = 0; i < v->n_kw; i++) {
		const struct vpd_keyword *k = &v->kw[i];
		const char *name = vpd_keyword_name(k->name, false);
		char lab[8];

		if (k->section != sec) {
			sec = k->section;
			fprintf(f, "%s%s fields:\n", indent,
				sec == VPD_SEC_RO ? "Read-only" : "Read/write");
		}
		kw_label(lab, k->name);
		if (k->name[0] == 'R' && k->name[1] == 'V' && k->section == VPD_SEC_RO) {
			fprintf(f, "%s\t[RV] Reserved: checksum %s, %zu byte(s) reserved\n", indent,
				k->len == 0						    ? "bad"
				: k->offset == v->rv_offset && v->checksum == VPD_CSUM_GOOD ? "good"
											    : "bad",
				k->len ? (size_t)k->len - 1 : 0);
			continue;
		}
		if (k->name[0] == 'R' && k->name[1] == 'W' && k->section == VPD_SEC_RW) {
			fprintf(f, "%s\t[RW] Read-write area: %u byte(s) free\n", indent, k->len);
			continue;
		}
		fprintf(f, "%s\t[%s] %s: ", indent, lab, name ? name : "Unknown");
		if (!name || vpd_keyword_is_binary(k->name, false)) {
			for (size_t j = 0; j < k->len; j++)
				fprintf(f, "%s%02x", j ? " " : "", k->data[j]);
		} else {
			print_escaped(f, k->data, k->len);
		}
		fputc('\n', f);
	}
	fprintf(f, "%s%s\n", indent, v->has_end ? "End" : "No end tag found");
}

static const char *csum_name(enum vpd_checksum c)
{
	switch (c) {
	case VPD_CSUM_GOOD:
		return "good";
	case VPD_CSUM_BAD:
		return "bad";
	default:
		return "missing";
	}
}

void vpd_keywords_write_json(struct json_writer *w, const struct vpd_keyword *kw, size_t n,
			     bool ipz)
{
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct vpd_keyword *k = &kw[i];
		const char *name = vpd_keyword_name(k->name, ipz);
		char txt[600];

		json_obj_begin(w);
		json_key(w, "keyword");
		json_strn(w, k->name, 2);
		if (!ipz)
			json_kstr(w, "section", k->section == VPD_SEC_RO ? "ro" : "rw");
		if (name)
			json_kstr(w, "name", name);
		json_kuint(w, "offset", k->offset);
		json_kuint(w, "length", k->len);
		vpd_value_text(k->data, k->len, vpd_keyword_is_binary(k->name, ipz), txt,
			       sizeof(txt));
		json_kstr(w, "value", txt);
		json_key(w, "hex");
		json_hex(w, k->data, k->len);
		json_obj_end(w);
	}
	json_arr_end(w);
}

void pci_vpd_write_json(struct json_writer *w, const struct pci_vpd *v)
{
	json_obj_begin(w);
	json_kstr(w, "format", "pci");
	if (v->id) {
		json_key(w, "product_name");
		json_strn(w, (const char *)v->id, v->id_len);
	}
	json_kstr(w, "checksum", csum_name(v->checksum));
	if (v->checksum != VPD_CSUM_MISSING)
		json_kuint(w, "rv_reserved", v->rv_reserved);
	json_kuint(w, "rw_free", v->rw_free);
	json_kbool(w, "end_tag", v->has_end);
	json_kuint(w, "length", v->used);
	json_key(w, "keywords");
	vpd_keywords_write_json(w, v->kw, v->n_kw, false);
	json_key(w, "warnings");
	json_arr_begin(w);
	for (unsigned i = 0; i < v->warn.n && i < VPD_MAX_WARN; i++)
		json_str(w, v->warn.msg[i]);
	json_arr_end(w);
	json_obj_end(w);
}
