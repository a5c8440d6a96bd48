/*
 * fuzz_sel.c - libFuzzer target for errlog/sel.c: the input is a sequence of 16-byte
 * SEL records (a short tail is parsed too and must be refused); each is parsed, mapped
 * to an event and, when it names an eSEL, linked against the whole input taken as an
 * eSEL buffer. Must never crash, hang or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "errlog/pel_event.h"
#include "errlog/sel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sel_event se;
	static struct pel p;
	static struct pel_event pe;
	struct sel_record r;
	size_t off = 0;

	do {
		size_t n = size - off < SEL_RECORD_LEN ? size - off : SEL_RECORD_LEN;
		if (sel_record_parse(data + off, n, &r, NULL) == 0) {
			if (n != SEL_RECORD_LEN)
				__builtin_trap();
			sel_event_fill(&se, &r, data + off, "fuzz");
			if (se.ev.n_attrs > SEL_EVENT_MAX_ATTRS || !se.ev.summary[0])
				__builtin_trap();
			sel_esel_link(&se, &r, data, size, &p, &pe, NULL);
		}
		off += n;
	} while (off < size);
	return 0;
}
