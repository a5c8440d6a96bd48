/*
 * pel_show.c - decode stored PEL bytes and render them (see pel_show.h).
 */
#include "errlog/pel_show.h"

#include <stdlib.h>

#include "errlog/pel.h"

void pel_show_text(FILE *f, const uint8_t *raw, size_t len, bool hex)
{
	struct pel_render_opts o = { .hex = hex };
	struct ras_err e;
	struct pel *p = malloc(sizeof(*p));

	if (!p) {
		fputs("PEL: out of memory\n", f);
		return;
	}
	if (pel_decode(raw, len, p, "stored PEL", &e) < 0)
		fprintf(f, "PEL could not be decoded: %s\n", e.msg);
	else
		pel_render_text(f, p, &o);
	free(p);
}

void pel_show_json(struct json_writer *w, const uint8_t *raw, size_t len, bool hex)
{
	struct pel_render_opts o = { .hex = hex };
	struct ras_err e;
	struct pel *p = malloc(sizeof(*p));

	if (p && pel_decode(raw, len, p, "stored PEL", &e) >= 0) {
		pel_render_json(w, p, &o);
	} else {
		json_obj_begin(w);
		json_kstr(w, "error", p ? e.msg : "out of memory");
		json_obj_end(w);
	}
	free(p);
}
