/*
 * test_parsers.c - unit tests of the PCI VPD and IPZ VPD decoders and encoders: the
 * shared sample (README section 7) decodes field by field with a good checksum, a
 * corrupted copy warns, the malformed catalogue never crashes and reports where.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "vpd/vpd.h"

#define SAMPLE SHARED_DATA_DIR "/vpd/sample-pci-vpd.bin"

static uint8_t *load_sample(size_t *len)
{
	uint8_t *b = NULL;
	struct ras_err e;

	if (access(SAMPLE, R_OK) != 0)
		cr_skip_test("shared data absent: %s", SAMPLE);
	cr_assert_eq(file_read_all(SAMPLE, 65536, &b, len, NULL, &e), 0, "%s", e.msg);
	return b;
}

static void assert_kw(const struct pci_vpd *v, const char *kw, const char *val, size_t off)
{
	const struct vpd_keyword *k = pci_vpd_find(v, kw);
	cr_assert_not_null(k, "keyword %s missing", kw);
	cr_assert_eq(k->len, strlen(val), "%s length %u", kw, k->len);
	cr_assert_eq(memcmp(k->data, val, k->len), 0, "%s value", kw);
	cr_assert_eq(k->offset, off + 3, "%s data offset 0x%zx", kw, k->offset);
}

Test(pci_vpd, shared_sample_decodes)
{
	size_t len;
	uint8_t *b = load_sample(&len);
	struct pci_vpd v;
	struct ras_err e;

	cr_assert_eq(len, 137);
	cr_assert_eq(pci_vpd_parse(b, len, &v, &e), 0, "%s", e.msg);
	cr_assert_eq(v.id_len, 28);
	cr_assert_eq(memcmp(v.id, "Example 2-port 25GbE Adapter", 28), 0);
	cr_assert_eq(v.n_kw, 8, "PN EC SN MN V0 RV | V1 RW, got %zu", v.n_kw);
	assert_kw(&v, "PN", "01FT741", 0x22);
	assert_kw(&v, "EC", "P40094", 0x2c);
	assert_kw(&v, "SN", "Y050UF81Z00A", 0x35);
	assert_kw(&v, "MN", "1037", 0x44);
	assert_kw(&v, "V0", "5x PCIe Gen4 x8", 0x4b);
	assert_kw(&v, "V1", "hostfw-1.2", 0x68);
	cr_assert_eq(v.kw[5].section, VPD_SEC_RO);
	cr_assert_eq(v.kw[6].section, VPD_SEC_RW, "V1 is in VPD-W (lsvpd misreads this boundary)");
	cr_assert_eq(v.checksum, VPD_CSUM_GOOD);
	cr_assert_eq(v.checksum_byte, 0x7c);
	cr_assert_eq(v.rv_offset, 0x60);
	cr_assert_eq(v.rv_reserved, 4);
	cr_assert_eq(v.rw_free, 16);
	cr_assert(v.has_end);
	cr_assert_eq(v.used, 137);
	cr_assert_eq(v.warn.n, 0, "unexpected warning: %s", v.warn.msg[0]);
	pci_vpd_free(&v);
	free(b);
}

Test(pci_vpd, shared_sample_text_is_lspci_wording)
{
	size_t len;
	uint8_t *b = load_sample(&len);
	struct pci_vpd v;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	cr_assert_eq(pci_vpd_parse(b, len, &v, NULL), 0);
	pci_vpd_print_text(f, &v, "");
	fclose(f);
	cr_assert(strstr(out, "Product Name: Example 2-port 25GbE Adapter\n"));
	cr_assert(strstr(out, "[PN] Part number: 01FT741\n"));
	cr_assert(strstr(out, "[EC] Engineering changes: P40094\n"));
	cr_assert(strstr(out, "[SN] Serial number: Y050UF81Z00A\n"));
	cr_assert(strstr(out, "[MN] Manufacture ID: 31 30 33 37\n"));
	cr_assert(strstr(out, "[V0] Vendor specific: 5x PCIe Gen4 x8\n"));
	cr_assert(strstr(out, "[RV] Reserved: checksum good, 4 byte(s) reserved\n"));
	cr_assert(strstr(out, "[V1] Vendor specific: hostfw-1.2\n"));
	cr_assert(strstr(out, "[RW] Read-write area: 16 byte(s) free\n"));
	cr_assert(strstr(out, "\nEnd\n"), "%s", out);
	free(out);
	pci_vpd_free(&v);
	free(b);
}

Test(pci_vpd, corrupted_copy_warns_bad_checksum)
{
	size_t len;
	uint8_t *b = load_sample(&len);
	struct pci_vpd v;

	b[0x26] ^= 0x01; /* one bit of the part number */
	cr_assert_eq(pci_vpd_parse(b, len, &v, NULL), 0, "still decodes");
	cr_assert_eq(v.checksum, VPD_CSUM_BAD);
	cr_assert_geq(v.warn.n, 1);
	cr_assert(strstr(v.warn.msg[0], "RV checksum bad"), "%s", v.warn.msg[0]);
	cr_assert(strstr(v.warn.msg[0], "0x60"), "names the offset: %s", v.warn.msg[0]);
	pci_vpd_free(&v);
	free(b);
}

Test(pci_vpd, encode_round_trip_matches_sample)
{
	size_t len;
	uint8_t *b = load_sample(&len);
	uint8_t out[256];
	struct vpd_kv ro[] = { { "PN", "01FT741", 0 },
			       { "EC", "P40094", 0 },
			       { "SN", "Y050UF81Z00A", 0 },
			       { "MN", "1037", 0 },
			       { "V0", "5x PCIe Gen4 x8", 0 } };
	struct vpd_kv rw[] = { { "V1", "hostfw-1.2", 0 } };
	size_t n = pci_vpd_encode(out, sizeof(out), "Example 2-port 25GbE Adapter", ro, 5, 4, rw, 1,
				  16);

	cr_assert_eq(n, len);
	cr_assert_eq(memcmp(out, b, len), 0,
		     "the encoder reproduces the shared sample byte for byte");
	cr_assert_eq(pci_vpd_encode(out, 100, "Example 2-port 25GbE Adapter", ro, 5, 4, rw, 1, 16),
		     0, "too small a buffer gives 0");
	free(b);
}

Test(pci_vpd, no_eeprom_and_bad_first_tag)
{
	uint8_t ff[4] = { 0xff, 0xff, 0xff, 0xff }, zero[1] = { 0 }, junk[3] = { 0x41, 0x42, 0x43 };
	struct pci_vpd v;
	struct ras_err e;

	cr_assert_eq(pci_vpd_parse(ff, 4, &v, &e), -ENODATA);
	cr_assert(strstr(e.msg, "0xff"));
	cr_assert_eq(pci_vpd_parse(zero, 1, &v, &e), -ENODATA);
	cr_assert_eq(pci_vpd_parse(junk, 0, &v, &e), -ENODATA);
	cr_assert_eq(pci_vpd_parse(junk, 3, &v, &e), -EBADMSG);
	cr_assert(strstr(e.msg, "offset 0"), "%s", e.msg);
	pci_vpd_free(&v);
}

Test(pci_vpd, truncated_everywhere_never_overreads)
{
	uint8_t img[256];
	struct vpd_kv ro[] = { { "PN", "ABC", 0 }, { "SN", "123456", 0 } };
	size_t n = pci_vpd_encode(img, sizeof(img), "Card", ro, 2, 2, NULL, 0, 8);

	cr_assert_gt(n, 0);
	for (size_t cut = 1; cut < n; cut++) {
		uint8_t *copy = malloc(cut); /* exact size: ASan catches any overread */
		struct pci_vpd v;
		memcpy(copy, img, cut);
		cr_assert_eq(pci_vpd_parse(copy, cut, &v, NULL), 0, "cut %zu", cut);
		cr_assert_not(v.has_end, "cut %zu", cut);
		cr_assert_geq(v.warn.n, 1, "cut %zu warns", cut);
		cr_assert_leq(v.used, cut);
		pci_vpd_free(&v);
		free(copy);
	}
}

Test(pci_vpd, keyword_overrunning_resource)
{
	/* VPD-R of 6 bytes holding PN with length 10. */
	uint8_t img[] = { 0x82, 0x01, 0x00, 'X', 0x90, 0x06, 0x00,
			  'P',	'N',  0x0a, 'a', 'b',  'c',  0x78 };
	struct pci_vpd v;

	cr_assert_eq(pci_vpd_parse(img, sizeof(img), &v, NULL), 0);
	cr_assert_eq(v.n_kw, 0);
	cr_assert(strstr(v.warn.msg[0], "keyword PN at offset 0x7"), "%s", v.warn.msg[0]);
	cr_assert(v.has_end);
	cr_assert_eq(v.checksum, VPD_CSUM_MISSING);
	pci_vpd_free(&v);
}

Test(pci_vpd, unknown_tags_and_small_end_variant)
{
	uint8_t img[] = { 0x82, 0x01, 0x00, 'X', 0xa0, 0x02, 0x00, 1, 2, 0x20, 0x79, 0x00 };
	struct pci_vpd v;

	cr_assert_eq(pci_vpd_parse(img, sizeof(img), &v, NULL), 0);
	cr_assert(v.has_end, "0x79 (length-1 end) accepted");
	cr_assert_eq(v.used, sizeof(img));
	cr_assert_eq(v.warn.n, 2, "unknown large 0xa0 and small 0x20: %u", v.warn.n);
	cr_assert(strstr(v.warn.msg[0], "0xa0"));
	cr_assert(strstr(v.warn.msg[1], "0x20"));
	pci_vpd_free(&v);
}

Test(pci_vpd, rv_without_data_is_bad)
{
	uint8_t img[] = { 0x90, 0x03, 0x00, 'R', 'V', 0x00, 0x78 };
	struct pci_vpd v;

	cr_assert_eq(pci_vpd_parse(img, sizeof(img), &v, NULL), 0);
	cr_assert_eq(v.checksum, VPD_CSUM_BAD);
	pci_vpd_free(&v);
}

/* The anchor-card example of skiboot doc/device-tree/vpd.rst, rebuilt. */
static size_t anchor_record(uint8_t *out, size_t cap)
{
	static const uint8_t pr[8] = { 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t ct[4] = { 0x80, 0xf0, 0x00, 0x00 };
	static const uint8_t hw[2] = { 0x00, 0x01 };
	static const uint8_t b3[6] = { 0 }, b4[1] = { 0 }, b7[12] = { 0 }, b9[60] = { 0 };
	struct vpd_kv kv[] = {
		{ "DR", "ANCHOR          ", 16 },
		{ "CE", "1", 0 },
		{ "VZ", "01", 0 },
		{ "FN", "00E2147", 0 },
		{ "PN", "00E2148", 0 },
		{ "SN", "YL10113BJ001", 0 },
		{ "CC", "52FE", 0 },
		{ "PR", pr, 8 },
		{ "HE", "0010", 0 },
		{ "CT", ct, 4 },
		{ "HW", hw, 2 },
		{ "B3", b3, 6 },
		{ "B4", b4, 1 },
		{ "B7", b7, 12 },
		{ "B9", b9, 60 },
		{ "PF", "\0\0\0", 3 },
	};
	return ipz_record_encode(out, cap, "VINI", kv, sizeof(kv) / sizeof(kv[0]));
}

Test(ipz_vpd, anchor_card_decodes)
{
	uint8_t buf[512];
	size_t n = anchor_record(buf, sizeof(buf));
	struct ipz_vpd v;
	struct ras_err e;
	char txt[64];

	cr_assert_gt(n, 0);
	cr_assert_eq(buf[0], 0x84);
	cr_assert_eq(buf[n - 1], 0x78);
	cr_assert_eq(ipz_vpd_parse(buf, n, &v, &e), 0, "%s", e.msg);
	cr_assert_eq(v.n_rec, 1);
	cr_assert_str_eq(v.rec[0].name, "VINI");
	cr_assert_eq(v.rec[0].n_kw, 17, "RT + 16 keywords, got %zu", v.rec[0].n_kw);
	const struct vpd_keyword *k = ipz_record_find(&v.rec[0], "DR");
	cr_assert_not_null(k);
	cr_assert_str_eq(vpd_value_text(k->data, k->len, false, txt, sizeof(txt)), "ANCHOR");
	k = ipz_record_find(&v.rec[0], "SN");
	cr_assert_str_eq(vpd_value_text(k->data, k->len, false, txt, sizeof(txt)), "YL10113BJ001");
	k = ipz_record_find(&v.rec[0], "CC");
	cr_assert_str_eq(vpd_value_text(k->data, k->len, false, txt, sizeof(txt)), "52FE");
	k = ipz_record_find(&v.rec[0], "CT");
	cr_assert_str_eq(vpd_value_text(k->data, k->len, true, txt, sizeof(txt)), "80f00000");
	k = ipz_record_find(&v.rec[0], "B9");
	cr_assert_eq(k->len, 60);
	cr_assert_str_eq(vpd_keyword_name("CC", true), "Customer Card ID Number");
	cr_assert_eq(v.warn.n, 0, "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);
}

Test(ipz_vpd, leading_junk_and_two_records)
{
	uint8_t buf[600];
	size_t off = 5, n;
	struct vpd_kv sys[] = { { "TM", "9009-22A", 0 },
				{ "SE", "7812345", 0 },
				{ "BR", "S0", 0 } };
	struct ipz_vpd v;

	memcpy(buf, "\x01\x84\x00\xff\x02", 5); /* junk that even holds a 0x84 */
	n = ipz_record_encode(buf + off, sizeof(buf) - off, "VSYS", sys, 3);
	cr_assert_gt(n, 0);
	off += n;
	buf[off++] = 0; /* padding between records */
	n = anchor_record(buf + off, sizeof(buf) - off);
	off += n;
	cr_assert_eq(ipz_vpd_parse(buf, off, &v, NULL), 0);
	cr_assert_eq(v.n_rec, 2);
	cr_assert_str_eq(v.rec[0].name, "VSYS");
	cr_assert_eq(v.rec[0].offset, 5);
	cr_assert_str_eq(v.rec[1].name, "VINI");
	cr_assert_eq(v.warn.n, 1, "leading junk only");
	cr_assert(strstr(v.warn.msg[0], "5 byte(s) of leading data"), "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);
}

Test(ipz_vpd, hash_keyword_has_two_byte_length)
{
	uint8_t buf[] = { 0x84, 0x0f, 0x00, 'R',  'T',	4,   'V', 'T', 'S',
			  'T',	'#',  'D',  0x03, 0x00, 'a', 'b', 'c', 0x78 };
	struct ipz_vpd v;

	buf[1] = sizeof(buf) - 4;
	cr_assert_eq(ipz_vpd_parse(buf, sizeof(buf), &v, NULL), 0);
	cr_assert_eq(v.rec[0].n_kw, 2);
	cr_assert_eq(v.rec[0].kw[1].len, 3);
	cr_assert_eq(memcmp(v.rec[0].kw[1].data, "abc", 3), 0);
	cr_assert_eq(v.warn.n, 0, "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);
}

Test(ipz_vpd, malformed_catalogue)
{
	struct ipz_vpd v;
	struct ras_err e;
	uint8_t none[] = { 1, 2, 3 };
	/* length runs past the blob */
	uint8_t longrec[] = { 0x84, 0xff, 0x00, 'R', 'T', 4, 'V', 'I', 'N', 'I' };
	/* keyword overruns its record */
	uint8_t kwover[] = { 0x84, 0x0a, 0x00, 'R', 'T', 4, 'V', 'I', 'N', 'I', 'P', 'N', 9, 0x78 };
	/* bad keyword name, no RT */
	uint8_t badname[] = { 0x84, 0x05, 0x00, 0x01, 0x02, 1, 'x', 0, 0x78 };
	uint8_t nort[] = { 0x84, 0x04, 0x00, 'P', 'N', 1, 'x', 0x78 };

	cr_assert_eq(ipz_vpd_parse(none, sizeof(none), &v, &e), -ENODATA);
	cr_assert(strstr(e.msg, "no record"));
	ipz_vpd_free(&v);

	cr_assert_eq(ipz_vpd_parse(longrec, sizeof(longrec), &v, NULL), 0);
	cr_assert_str_eq(v.rec[0].name, "VINI");
	cr_assert(strstr(v.warn.msg[0], "runs past the end of the blob"), "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);

	cr_assert_eq(ipz_vpd_parse(kwover, sizeof(kwover), &v, NULL), 0);
	cr_assert_eq(v.rec[0].n_kw, 1);
	cr_assert(strstr(v.warn.msg[0], "keyword PN at offset 0xa"), "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);

	cr_assert_eq(ipz_vpd_parse(badname, sizeof(badname), &v, NULL), 0);
	cr_assert_eq(v.rec[0].n_kw, 0);
	cr_assert(strstr(v.warn.msg[0], "bad keyword name"), "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);

	cr_assert_eq(ipz_vpd_parse(nort, sizeof(nort), &v, NULL), 0);
	cr_assert_str_eq(v.rec[0].name, "");
	cr_assert(strstr(v.warn.msg[0], "expected RT"), "%s", v.warn.msg[0]);
	ipz_vpd_free(&v);
}

Test(ipz_vpd, truncated_everywhere_never_overreads)
{
	uint8_t buf[512];
	size_t n = anchor_record(buf, sizeof(buf));

	for (size_t cut = 1; cut < n; cut++) {
		uint8_t *copy = malloc(cut);
		struct ipz_vpd v;
		int rc;
		memcpy(copy, buf, cut);
		rc = ipz_vpd_parse(copy, cut, &v, NULL);
		cr_assert_eq(rc, 0, "cut %zu", cut);
		cr_assert_geq(v.warn.n, 1, "cut %zu", cut);
		ipz_vpd_free(&v);
		free(copy);
	}
}

Test(vpd_value, text_and_hex)
{
	char out[16];
	uint8_t bin[] = { 0x00, 0xff, 0x10 };

	cr_assert_str_eq(vpd_value_text((const uint8_t *)"AB  \0\0", 6, false, out, sizeof(out)),
			 "AB");
	cr_assert_str_eq(vpd_value_text(bin, 3, false, out, sizeof(out)), "00ff10");
	cr_assert_str_eq(vpd_value_text((const uint8_t *)"0123456789abcdef0123", 20, false, out, 8),
			 "0123456");
	cr_assert_str_eq(vpd_keyword_name("V7", false), "Vendor specific");
	cr_assert_null(vpd_keyword_name("Q9", false));
	cr_assert(vpd_keyword_is_binary("MN", false));
}
