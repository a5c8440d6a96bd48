/*
 * hexdump.h - the classic offset / 16 hex bytes / ASCII dump, used by text renderers.
 */
#ifndef OPAL_RAS_COMMON_HEXDUMP_H
#define OPAL_RAS_COMMON_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Each line starts with indent; offsets count from base. */
void hexdump(FILE *f, const char *indent, const uint8_t *p, size_t n, size_t base);

#endif
