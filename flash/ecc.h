/*
 * ecc.h - the PNOR "8+1" SEC-DED ECC (ffs-pnor-ecc-guard.md section 3).
 *
 * Every 8 data bytes are followed by one ECC byte. Encoding and decoding are
 * table driven (the code is linear, so the ECC of a word is the XOR of one table
 * entry per byte). Decoding corrects any single-bit error (data or ECC bit) and
 * detects any double-bit error. An all-0xFF word (erased flash) is uncorrectable:
 * it is reported as such, and counted separately as "erased" by the scanners.
 * This unit knows nothing of partitions.
 */
#ifndef OPAL_RAS_FLASH_ECC_H
#define OPAL_RAS_FLASH_ECC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECC_DATA 8 /* data bytes per word */
#define ECC_RAW	 9 /* raw bytes per word (data + ECC byte) */

enum ecc_status { ECC_GOOD = 0, ECC_CORRECTED = 1, ECC_UE = 2 };

/* Raw bytes needed for len data bytes (len rounded up to 8). */
static inline uint64_t ecc_raw_size(uint64_t len)
{
	return (len + 7) / 8 * 9;
}
/* Whole data bytes that fit in raw bytes. */
static inline uint64_t ecc_data_size(uint64_t raw)
{
	return raw / 9 * 8;
}

/* The ECC byte of 8 data bytes. */
uint8_t ecc_byte(const uint8_t d[8]);
/* Check one 9-byte word; writes the (corrected) data to out (may alias w). */
enum ecc_status ecc_word_decode(const uint8_t w[9], uint8_t out[8]);
/* Encode len data bytes (len % 8 == 0) into raw (ecc_raw_size(len) bytes). */
void ecc_encode(const uint8_t *data, size_t len, uint8_t *raw);
/* Fill raw with valid blank ECC words (0xFF x 8 + 0x00); a partial tail is 0xFF. */
void ecc_fill_blank(uint8_t *raw, size_t rawlen);

struct ecc_stats {
	uint64_t words; /* words examined */
	uint64_t corrected; /* single-bit errors corrected */
	uint64_t uncorrectable; /* uncorrectable words, erased holes included */
	uint64_t erased; /* all-0xFF words (subset of uncorrectable) */
	uint64_t erased_run; /* erased words at the end of what was scanned so far */
	uint64_t first_ue; /* raw offset of the first uncorrectable word */
	bool have_ue;
};

/*
 * Decode rawlen bytes (whole words only; a partial tail word is ignored) into data
 * (ecc_data_size(rawlen) bytes). Stops at the first uncorrectable word: returns the
 * number of data bytes produced before it; st->have_ue tells whether it stopped.
 */
size_t ecc_decode(const uint8_t *raw, size_t rawlen, uint8_t *data, struct ecc_stats *st);
/* Count good/corrected/uncorrectable/erased words without stopping or copying. */
void ecc_scan(const uint8_t *raw, size_t rawlen, uint64_t base_off, struct ecc_stats *st);

#endif
