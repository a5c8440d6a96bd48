/*
 * flash_render.h - text (pflash -i style) and JSON renderings of partition tables
 * and verification results. Field names are documented in docs/flash-json.md.
 */
#ifndef OPAL_RAS_FLASH_FLASH_RENDER_H
#define OPAL_RAS_FLASH_FLASH_RENDER_H

#include <stdio.h>

#include "common/json.h"
#include "flash/ffs.h"
#include "flash/flash_dev.h"
#include "flash/flash_part.h"

/* The table as `pflash -i` prints it (every side, in order). */
void flash_render_info_text(FILE *f, const struct flash_info *fi, const struct ffs_image *img);
void flash_render_info_json(struct json_writer *w, const struct flash_info *fi,
			    const struct ffs_image *img);
void flash_render_entry_json(struct json_writer *w, const struct ffs_entry *en);
const char *ffs_type_name(uint32_t type);

#endif
