/*
 * ecc.c - table-driven 8+1 SEC-DED ECC for PNOR partitions.
 *
 * The ECC byte is bit i = parity(data64 & M[i]) with the fixed hardware matrix M
 * (M[0] = 0x0000e8423c0f99ff, each next row rotated left by 8 bits), data64 the
 * 8 bytes read big-endian. Because the code is linear the ECC of a word is the XOR
 * of enc_tab[j][byte j]; the syndrome (computed ^ stored ECC) indexes syn_tab, which
 * is derived from the same matrix at first use: 0 = good, 0..63 = data bit n in IBM
 * MSB-0 numbering, 64..71 = ECC bit, SYN_UE = uncorrectable. The tables are built
 * once (pthread_once) and never change afterwards.
 */
#include "flash/ecc.h"

#include <pthread.h>
#include <string.h>

#include "common/bytes.h"

#define SYN_GOOD 0xFE
#define SYN_UE	 0xFF

static const uint64_t ecc_matrix[8] = {
	0x0000e8423c0f99ffull, 0x00e8423c0f99ff00ull, 0xe8423c0f99ff0000ull, 0x423c0f99ff0000e8ull,
	0x3c0f99ff0000e842ull, 0x0f99ff0000e8423cull, 0x99ff0000e8423c0full, 0xff0000e8423c0f99ull,
};

static uint8_t enc_tab[8][256];
static uint8_t syn_tab[256];
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

static uint8_t ecc_slow(uint64_t d)
{
	uint8_t r = 0;

	for (int i = 0; i < 8; i++)
		r |= (uint8_t)(__builtin_parityll(ecc_matrix[i] & d) << i);
	return r;
}

static void tab_init(void)
{
	for (int j = 0; j < 8; j++)
		for (int b = 0; b < 256; b++)
			enc_tab[j][b] = ecc_slow((uint64_t)b << (56 - 8 * j));
	memset(syn_tab, SYN_UE, sizeof(syn_tab));
	for (int n = 0; n < 64; n++)
		syn_tab[ecc_slow(1ull << (63 - n))] = (uint8_t)n;
	for (int k = 0; k < 8; k++)
		syn_tab[1u << k] = (uint8_t)(64 + k);
	syn_tab[0] = SYN_GOOD;
}

static inline void tabs(void)
{
	pthread_once(&tab_once, tab_init);
}

static inline uint8_t ecc_fast(const uint8_t *d)
{
	return enc_tab[0][d[0]] ^ enc_tab[1][d[1]] ^ enc_tab[2][d[2]] ^ enc_tab[3][d[3]] ^
	       enc_tab[4][d[4]] ^ enc_tab[5][d[5]] ^ enc_tab[6][d[6]] ^ enc_tab[7][d[7]];
}

uint8_t ecc_byte(const uint8_t d[8])
{
	tabs();
	return ecc_fast(d);
}

static inline bool word_erased(const uint8_t *w)
{
	uint64_t v;

	memcpy(&v, w, 8);
	return v == ~0ull && w[8] == 0xFF;
}

/* Decode one word given its syndrome class; returns the status. */
static inline enum ecc_status word_fix(const uint8_t *w, uint8_t *out)
{
	uint8_t s = syn_tab[ecc_fast(w) ^ w[8]];

	if (out != w)
		memmove(out, w, 8);
	if (s == SYN_GOOD)
		return ECC_GOOD;
	if (s == SYN_UE)
		return ECC_UE;
	if (s < 64)
		out[s / 8] ^= (uint8_t)(0x80u >> (s % 8));
	return ECC_CORRECTED; /* data bit flipped back, or the ECC byte itself was bad */
}

enum ecc_status ecc_word_decode(const uint8_t w[9], uint8_t out[8])
{
	tabs();
	return word_fix(w, out);
}

void ecc_encode(const uint8_t *data, size_t len, uint8_t *raw)
{
	tabs();
	for (size_t i = 0; i + 8 <= len; i += 8, raw += 9) {
		memcpy(raw, data + i, 8);
		raw[8] = ecc_fast(data + i);
	}
}

void ecc_fill_blank(uint8_t *raw, size_t rawlen)
{
	size_t i;

	memset(raw, 0xFF, rawlen);
	for (i = 8; i < rawlen; i += 9)
		raw[i] = 0x00; /* ECC of 0xFF x 8 is 0x00 */
	/* a partial word at the end stays 0xFF: it holds no data */
	if (rawlen % 9)
		memset(raw + rawlen - rawlen % 9, 0xFF, rawlen % 9);
}

size_t ecc_decode(const uint8_t *raw, size_t rawlen, uint8_t *data, struct ecc_stats *st)
{
	size_t words = rawlen / 9, i;

	tabs();
	for (i = 0; i < words; i++) {
		const uint8_t *w = raw + i * 9;
		uint8_t *o = data + i * 8;

		if (__builtin_expect(ecc_fast(w) == w[8], 1)) {
			uint64_t v; /* o may overlap w when decoding in place */

			memcpy(&v, w, 8);
			memcpy(o, &v, 8);
			continue;
		}
		switch (word_fix(w, o)) {
		case ECC_GOOD:
			break;
		case ECC_CORRECTED:
			if (st)
				st->corrected++;
			break;
		case ECC_UE:
			if (st) {
				st->words += i + 1;
				st->uncorrectable++;
				if (word_erased(w))
					st->erased++;
				if (!st->have_ue) {
					st->have_ue = true;
					st->first_ue = i * 9;
				}
			}
			return i * 8;
		}
	}
	if (st)
		st->words += words;
	return words * 8;
}

void ecc_scan(const uint8_t *raw, size_t rawlen, uint64_t base_off, struct ecc_stats *st)
{
	size_t words = rawlen / 9;
	uint8_t tmp[8];

	tabs();
	st->words += words;
	for (size_t i = 0; i < words; i++) {
		const uint8_t *w = raw + i * 9;

		if (__builtin_expect(ecc_fast(w) == w[8], 1)) {
			st->erased_run = 0;
			continue;
		}
		switch (word_fix(w, tmp)) {
		case ECC_GOOD:
			st->erased_run = 0;
			break;
		case ECC_CORRECTED:
			st->corrected++;
			st->erased_run = 0;
			break;
		case ECC_UE:
			st->uncorrectable++;
			if (word_erased(w)) {
				st->erased++;
				st->erased_run++;
			} else {
				st->erased_run = 0;
			}
			if (!st->have_ue) {
				st->have_ue = true;
				st->first_ue = base_off + i * 9;
			}
			break;
		}
	}
}
