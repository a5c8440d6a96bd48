/*
 * test_ecc.c - the 8+1 ECC: known values, every single-bit error corrected, every
 * double-bit error detected, erased words uncorrectable, encode/decode round trips.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "flash/ecc.h"

Test(ecc, known_values)
{
	uint8_t z[8] = { 0 }, ff[8];

	memset(ff, 0xFF, 8);
	cr_assert_eq(ecc_byte(z), 0x00);
	cr_assert_eq(ecc_byte(ff), 0x00, "ECC of all-0xFF is 0x00 (spec 3)");
	/* data64 = 1: bit i of the ECC is bit 0 of M[i] (M[0], M[6], M[7] have it) */
	uint8_t d[8] = { 0, 0, 0, 0, 0, 0, 0, 0x01 };
	cr_assert_eq(ecc_byte(d), 0xC1);
	/* data64 = 1 << 63: bit 63 is set in M[2], M[6], M[7] */
	uint8_t h[8] = { 0x80, 0, 0, 0, 0, 0, 0, 0 };
	cr_assert_eq(ecc_byte(h), 0xC4);
}

Test(ecc, blank_partition_pattern)
{
	uint8_t raw[40];

	ecc_fill_blank(raw, sizeof(raw));
	for (int i = 0; i < 36; i++)
		cr_assert_eq(raw[i], (i % 9 == 8) ? 0x00 : 0xFF, "byte %d", i);
	for (int i = 36; i < 40; i++)
		cr_assert_eq(raw[i], 0xFF, "partial tail word stays erased");
	uint8_t out[32];
	struct ecc_stats st = { 0 };
	cr_assert_eq(ecc_decode(raw, 36, out, &st), 32);
	cr_assert_not(st.have_ue);
}

static void random_word(uint8_t *w, unsigned seed)
{
	srand(seed);
	for (int i = 0; i < 8; i++)
		w[i] = (uint8_t)rand();
	w[8] = ecc_byte(w);
}

Test(ecc, every_single_bit_error_is_corrected)
{
	for (unsigned s = 0; s < 20; s++) {
		uint8_t w[9], bad[9], out[8];

		random_word(w, s);
		for (int bit = 0; bit < 72; bit++) {
			memcpy(bad, w, 9);
			bad[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
			cr_assert_eq(ecc_word_decode(bad, out), ECC_CORRECTED, "seed %u bit %d", s,
				     bit);
			cr_assert_eq(memcmp(out, w, 8), 0, "seed %u bit %d: data restored", s, bit);
		}
		cr_assert_eq(ecc_word_decode(w, out), ECC_GOOD);
	}
}

Test(ecc, every_double_bit_error_is_detected)
{
	uint8_t w[9], bad[9], out[8];

	random_word(w, 42);
	for (int a = 0; a < 72; a++)
		for (int b = a + 1; b < 72; b++) {
			memcpy(bad, w, 9);
			bad[a / 8] ^= (uint8_t)(0x80 >> (a % 8));
			bad[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
			cr_assert_eq(ecc_word_decode(bad, out), ECC_UE, "bits %d,%d", a, b);
		}
}

Test(ecc, erased_word_is_uncorrectable)
{
	uint8_t w[9], out[8];
	struct ecc_stats st = { 0 };

	memset(w, 0xFF, 9);
	cr_assert_eq(ecc_word_decode(w, out), ECC_UE);
	ecc_scan(w, 9, 0, &st);
	cr_assert_eq(st.uncorrectable, 1);
	cr_assert_eq(st.erased, 1);
	cr_assert_eq(st.erased_run, 1);
}

Test(ecc, roundtrip_and_in_place_decode)
{
	size_t n = 4096;
	uint8_t *d = malloc(n), *raw = malloc(ecc_raw_size(n)), *out = malloc(n);
	struct ecc_stats st = { 0 };

	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 131 + 7);
	ecc_encode(d, n, raw);
	raw[9 * 10 + 3] ^= 0x10; /* one correctable error */
	cr_assert_eq(ecc_decode(raw, ecc_raw_size(n), out, &st), n);
	cr_assert_eq(st.corrected, 1);
	cr_assert_eq(memcmp(out, d, n), 0);
	/* in place */
	cr_assert_eq(ecc_decode(raw, ecc_raw_size(n), raw, NULL), n);
	cr_assert_eq(memcmp(raw, d, n), 0);
	free(d);
	free(raw);
	free(out);
}

Test(ecc, decode_stops_at_uncorrectable)
{
	uint8_t d[64], raw[72], out[64];
	struct ecc_stats st = { 0 };

	memset(d, 0x5A, sizeof(d));
	ecc_encode(d, 64, raw);
	raw[9 * 3] ^= 0x03; /* two bits in word 3 */
	cr_assert_eq(ecc_decode(raw, 72, out, &st), 24);
	cr_assert(st.have_ue);
	cr_assert_eq(st.first_ue, 27);
	cr_assert_eq(st.uncorrectable, 1);
}

Test(ecc, sizes)
{
	cr_assert_eq(ecc_raw_size(8), 9);
	cr_assert_eq(ecc_raw_size(9), 18);
	cr_assert_eq(ecc_data_size(0x5000), 18200, "GUARD: 2275 words");
	cr_assert_eq(ecc_data_size(0x5000) / 40, 455, "455 GUARD records");
}
