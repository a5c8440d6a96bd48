/*
 * hexdump.c - see hexdump.h.
 */
#include "common/hexdump.h"

void hexdump(FILE *f, const char *indent, const uint8_t *p, size_t n, size_t base)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;
		fprintf(f, "%s%08zx  ", indent, base + off);
		for (size_t i = 0; i < 16; i++) {
			if (i < k)
				fprintf(f, "%02x ", p[off + i]);
			else
				fputs("   ", f);
			if (i == 7)
				putc(' ', f);
		}
		fputs(" |", f);
		for (size_t i = 0; i < k; i++) {
			uint8_t c = p[off + i];
			putc(c >= 0x20 && c < 0x7f ? c : '.', f);
		}
		fputs("|\n", f);
	}
}
