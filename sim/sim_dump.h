/*
 * sim_dump.h - opal-sim's platform-dump module (sim_dump.c): the plain functions behind
 * `opal-sim inject ROOT dump ...` and the emulated kernel reactions, exposed so unit
 * tests and the benchmark can use them without the run loop.
 */
#ifndef OPAL_RAS_SIM_SIM_DUMP_H
#define OPAL_RAS_SIM_SIM_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "sim/sim.h"

#define SIM_DUMP_HDR_LEN	   64
#define SIM_DUMP_INITIATE_SIZE	   (4u << 20)
#define SIM_DUMP_INITIATE_DELAY_NS 500000000L

struct sim_dump_spec {
	uint32_t type; /* DUMP_TYPE_* */
	uint32_t id; /* 0 = the next id */
	uint64_t size; /* bytes (at most 4 GiB - 1: OPAL sizes are u32) */
	bool sparse; /* header + one stamp per MiB, holes elsewhere */
	bool eio_first; /* first read fails with EIO (see dump/dump.h) */
};

extern const struct sim_module sim_module_dump;

/* The pattern word at 8-aligned offset off; the 64-byte file header of a sim dump. */
uint64_t sim_dump_word(uint32_t type, uint32_t id, uint64_t off);
void sim_dump_header(uint8_t hdr[SIM_DUMP_HDR_LEN], uint32_t type, uint32_t id);
/* The expected bytes [off, off + len) of a sim dump. */
void sim_dump_fill(uint8_t *buf, size_t len, uint64_t off, uint32_t type, uint32_t id, bool sparse);

/* Parse the inject arguments (argv[0] = "dump"). */
int sim_dump_parse_inject(int argc, char **argv, struct sim_dump_spec *s, struct ras_err *e);
/* Create one dump directory; s->id is filled when 0; name receives "0x<t>-0x<id>". */
int sim_dump_create(const char *root, struct sim_dump_spec *s, char *name, size_t n,
		    struct ras_err *e);
/* Check a file (a fetched copy) against the pattern; *bad_off = first differing byte. */
int sim_dump_verify(const char *path, uint32_t type, uint32_t id, bool sparse, uint64_t *bad_off,
		    struct ras_err *e);

/* Helpers shared by the generator and the module: write a small attribute file; remove a
 * dump directory and the files in it. */
int sim_dump_write_attr(const char *dir, const char *name, const char *text, unsigned mode,
			struct ras_err *e);
int sim_dump_remove_dir(const char *dir);

/* If <dump>/<name>/acknowledge no longer holds the kernel's help text, the dump was
 * acknowledged while nobody watched: remove it (true). */
bool sim_dump_ack_if_written(const char *root, const char *name);

enum sim_dump_action { SIM_DUMP_NONE, SIM_DUMP_ACKED, SIM_DUMP_INITIATE };
/* What the kernel does when relpath (relative to ROOT) was written: an acknowledge
 * removes that dump's directory (name receives it); initiate_dump gets its help text
 * back and asks the caller to create an SP dump after a moment. */
enum sim_dump_action sim_dump_on_write(const char *root, const char *relpath, char *name, size_t n,
				       struct ras_err *e);

#endif
