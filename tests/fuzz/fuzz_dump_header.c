/*
 * fuzz_dump_header.c - libFuzzer target for the dump file header parser and its
 * renderers (text and JSON), on any bytes of any length.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "dump/dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump_header h;
	struct json_writer w;
	FILE *f = fopen("/dev/null", "w");

	dump_header_parse(data, size, size & 1 ? "0x2-0x5" : NULL, &h);
	/* invariants: strings terminated, suggested name always set and never a path */
	if (strlen(h.fname) > DUMP_HDR_NAME_LEN || !h.suggested[0] || strchr(h.suggested, '/'))
		__builtin_trap();
	if (h.fname_ok && strchr(h.fname, '/'))
		__builtin_trap();
	if (f) {
		dump_header_print_text(f, "fuzz", size, &h);
		json_init(&w, f, true);
		dump_header_write_json(&w, "fuzz", size, &h);
		json_end_doc(&w);
		fclose(f);
	}
	return 0;
}
