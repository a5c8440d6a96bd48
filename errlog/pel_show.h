/*
 * pel_show.h - decode stored PEL bytes and render them in one call (for `opal-elog
 * show` and hook payloads): a decode failure is reported inside the output, never
 * fatal, so an undecodable record can still be shown.
 */
#ifndef OPAL_RAS_ERRLOG_PEL_SHOW_H
#define OPAL_RAS_ERRLOG_PEL_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/json.h"

void pel_show_text(FILE *f, const uint8_t *raw, size_t len, bool hex);
void pel_show_json(struct json_writer *w, const uint8_t *raw, size_t len, bool hex);

#endif
