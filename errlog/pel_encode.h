/*
 * pel_encode.h - build valid PELs (Platform Event Logs) from a small description.
 *
 * The encoder writes the sections a real FSP/OPAL log carries, in the order the spec
 * requires (docs/spec/pel.md §3): PH, UH, PS (with callouts), EH, MT, then UD sections.
 * Every multi-byte field is big-endian, every section length includes its 8-byte
 * header, the PH section count counts PH itself, the callout subsection length is in
 * 4-byte words. It never writes past the caller's buffer: a description that does not
 * fit (or breaks a format limit: > 10 callouts, location code > 79 chars, PEL > 16 KiB)
 * is refused with -EINVAL/-ENOSPC and a message.
 *
 * pel_gen_random() fills a description with a realistic, varied log (creators, severities
 * including informational and serviceable ones, subsystems, SRCs, callouts with location
 * codes, part numbers and serials) from a caller-owned 64-bit seed, so a run is
 * reproducible. The logs are those of one host, the simulator's: its machine type and
 * serial, callouts in its enclosure's slots, SRCs from a catalogue of 640 codes.
 * opal-sim uses both; tests use them to build inputs for the decoder.
 */
#ifndef OPAL_RAS_ERRLOG_PEL_ENCODE_H
#define OPAL_RAS_ERRLOG_PEL_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define PEL_ENC_MAX_SIZE     16384
#define PEL_ENC_MAX_CALLOUTS 10
#define PEL_ENC_MAX_MRUS     15
#define PEL_ENC_MAX_UD	     4

/* FRU-identity component types (high nibble of the ID substructure flags, pel.md §5.8). */
enum pel_fru_type {
	PEL_FRU_HW = 0x10,
	PEL_FRU_CODE = 0x20,
	PEL_FRU_CONFIG = 0x30,
	PEL_FRU_PROCEDURE = 0x40,
	PEL_FRU_EXTERNAL = 0x90,
	PEL_FRU_SYMBOLIC = 0xC0,
	PEL_FRU_SYMBOLIC_TRUSTED = 0xE0,
};

struct pel_enc_mru {
	char priority; /* 'H', 'M', ... */
	uint32_t id;
};

struct pel_enc_callout {
	char priority; /* 'H', 'M', 'A', 'B', 'C', 'L' */
	const char *location; /* location code; NULL or "" = none */
	bool has_fru; /* write an "ID" substructure */
	uint8_t fru_type; /* enum pel_fru_type */
	const char *part; /* part number, procedure or symbolic FRU name (<= 7 chars), or NULL */
	bool part_is_procedure; /* set the procedure flag (0x02) instead of part number (0x08) */
	const char *ccin; /* 4 chars or NULL */
	const char *serial; /* <= 12 chars or NULL */
	const char *pce_mtm; /* "PE" substructure when non-NULL: machine type-model (8) */
	const char *pce_serial; /* (12) */
	const char *pce_name; /* enclosure name (<= 32) or NULL */
	size_t n_mru; /* "MR" substructure when > 0 (<= 15) */
	struct pel_enc_mru mru[PEL_ENC_MAX_MRUS];
};

struct pel_enc_ud {
	uint8_t version, subtype;
	uint16_t component;
	const void *data;
	size_t len;
};

struct pel_enc_desc {
	/* PH */
	char creator; /* 'E' FSP, 'K' OPAL, 'B' hostboot, 'H' PHYP, 'O' BMC ... */
	uint16_t component; /* component id written in every section header */
	int64_t create_us; /* UTC epoch microseconds; 0 = all-zero BCD */
	int64_t commit_us; /* 0 = all-zero BCD (as skiboot leaves it) */
	uint32_t plid;
	uint32_t entry_id;
	const char *creator_version; /* 8 ASCII chars in PH 32..39, NULL = zeros */
	/* UH */
	uint8_t subsystem, scope, severity, event_type;
	uint8_t problem_domain, problem_vector;
	uint16_t action_flags;
	/* PS (omitted when no_ps) */
	bool no_ps;
	const char *src; /* ASCII string, first 8 chars = reference code (<= 32) */
	bool src_nul_padded; /* skiboot style: NUL instead of space padding */
	uint8_t n_hexwords; /* 8 (skiboot) or 9 (FSP/BMC); 0 = 9 */
	uint32_t hexwords[8]; /* words 2..9 */
	const struct pel_enc_callout *callouts;
	size_t n_callouts;
	/* EH (omitted when no_eh) and MT (when with_mt) */
	bool no_eh;
	bool with_mt;
	const char *mtm; /* "8247-22L" */
	const char *serial; /* "100DA7A" */
	const char *fw_release; /* "SV810_058" */
	const char *fw_subsys; /* "b0614a_1423.810" */
	const char *symptom_id; /* NULL = derived: "<refcode>_<word3>_<word5>" style */
	bool eh_skiboot; /* skiboot-native EH (pel.md 10.2): empty versions, no
			  * symptom id, reference time at offset 62 instead of 64 */
	/* UD */
	const struct pel_enc_ud *ud;
	size_t n_ud;
};

/*
 * Encode d into out (capacity cap). *len = bytes written. 0, or -EINVAL (description
 * breaks a format limit) / -ENOSPC (cap too small), with e filled.
 */
int pel_encode(const struct pel_enc_desc *d, uint8_t *out, size_t cap, size_t *len,
	       struct ras_err *e);

/* Write a UTC epoch-microsecond time as the 8-byte PEL BCD timestamp (0 → all zero). */
void pel_encode_bcd_time(int64_t us, uint8_t out[8]);

/* Scratch storage for a generated description (the strings it points to live here). */
struct pel_gen {
	struct pel_enc_desc d;
	struct pel_enc_callout callouts[4];
	struct pel_enc_ud ud[1];
	char src[33];
	char symptom[40];
	char locs[4][48];
	char serials[4][13];
	char ud_text[200];
};

/* xorshift64* step; *state must be non-zero (0 is replaced by a constant). */
uint64_t pel_gen_rand(uint64_t *state);

/*
 * Fill g with a realistic random log with the given entry id, created at now_us
 * (commit a few seconds later). The description stays valid while g lives.
 */
void pel_gen_random(struct pel_gen *g, uint64_t *state, uint32_t entry_id, int64_t now_us);

#endif
