/*
 * guard.h - GUARD partition records (hostboot GardRecord, ffs-pnor-ecc-guard.md s5).
 *
 * The GUARD partition is ECC protected; these functions work on its DECODED data
 * (8 of every 9 raw bytes), so the capacity is ecc_data_size(raw) / 40 records
 * (455 for the usual 0x5000 bytes), never raw / 40. Records are 40 bytes, big
 * endian; the list ends at the first all-0xFF record. Target-type names come from
 * per-generation tables (P8, P9, P10) as opal-gard prints them.
 */
#ifndef OPAL_RAS_FLASH_GUARD_H
#define OPAL_RAS_FLASH_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "common/json.h"

#define GUARD_REC_SIZE	 40
#define GUARD_MAX_ELEMS	 10
#define GUARD_ID_CLEARED 0xFFFFFFFFu

enum guard_chip { GUARD_P8 = 8, GUARD_P9 = 9, GUARD_P10 = 10 };

struct guard_rec {
	uint32_t id;
	uint8_t path_type; /* 2 = physical */
	uint8_t n; /* elements in use */
	struct {
		uint8_t type, inst;
	} el[GUARD_MAX_ELEMS];
	uint32_t eid;
	uint8_t error_type;
	uint8_t recovery;
	uint8_t raw[GUARD_REC_SIZE];
};

struct guard_set {
	struct guard_rec *r;
	size_t n; /* records before the first empty slot */
	size_t cap; /* slots that fit the decoded data */
};

/* Decode records from decoded GUARD data. Malformed records are errors naming the
 * record and its data offset. */
int guard_parse(const uint8_t *data, size_t len, struct guard_set *s, struct ras_err *e);
void guard_set_free(struct guard_set *s);
/* Write the records to data (len bytes): records, then 0xFF. */
int guard_serialize(const struct guard_set *s, uint8_t *data, size_t len, struct ras_err *e);

const char *guard_unit_name(enum guard_chip c, uint8_t type);
int guard_unit_find(enum guard_chip c, const char *name, size_t n);
const char *guard_error_type_name(uint8_t t);
const char *guard_path_type_name(uint8_t t);
/* "/Sys0/Node0/Proc1"; unknown units print as "Unknown0x<type>". */
void guard_path_format(const struct guard_rec *r, enum guard_chip c, char *out, size_t n);
/* Parse "/Sys0/Node0/Proc0/EQ1" (units case-insensitive, instance 0..255). */
int guard_path_parse(const char *s, enum guard_chip c, struct guard_rec *r, struct ras_err *e);

/* Add a manual record for path (refuses duplicates and a full partition). */
int guard_create(struct guard_set *s, const struct guard_rec *path, struct guard_rec **out,
		 struct ras_err *e);
/* Remove the record with this id (later ones move up). */
int guard_clear(struct guard_set *s, uint32_t id, struct ras_err *e);
const struct guard_rec *guard_find(const struct guard_set *s, uint32_t id);

/* opal-gard style output. */
void guard_list_text(FILE *f, const struct guard_set *s, enum guard_chip c);
void guard_show_text(FILE *f, const struct guard_rec *r, enum guard_chip c);
void guard_rec_json(struct json_writer *w, const struct guard_rec *r, enum guard_chip c);

#endif
