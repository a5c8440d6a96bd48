/*
 * flash_render.c - renderings of FFS tables (see flash_render.h).
 *
 * The text form reproduces `pflash -i` byte for byte (apart from the erase granule,
 * which is the backend's real erase block here), so scripts written for pflash keep
 * working; the JSON form carries every decoded field.
 */
#include "flash/flash_render.h"

#include <string.h>

const char *ffs_type_name(uint32_t type)
{
	switch (type) {
	case FFS_TYPE_DATA:
		return "data";
	case FFS_TYPE_LOGICAL:
		return "logical";
	case FFS_TYPE_PARTITION:
		return "partition";
	}
	return "unknown";
}

void flash_render_info_text(FILE *f, const struct flash_info *fi, const struct ffs_image *img)
{
	fprintf(f, "Flash info:\n-----------\n");
	fprintf(f, "Name          = %s\n", fi->name);
	fprintf(f, "Total size    = %lluMB\t Flags E:ECC, P:PRESERVED, R:READONLY, B:BACKUP\n",
		(unsigned long long)(fi->size >> 20));
	fprintf(f, "Erase granule = %2uKB           F:REPROVISION, V:VOLATILE, C:CLEARECC\n",
		fi->erase_size >> 10);
	for (size_t s = 0; s < img->nsides; s++) {
		const struct ffs_toc *t = &img->side[s];

		fprintf(f, "\nTOC@0x%08llx Partitions:\n-----------\n",
			(unsigned long long)t->offset);
		for (size_t i = 0; i < t->n; i++) {
			const struct ffs_entry *en = &t->ent[i];
			char fl[11];

			ffs_flags_str(en, fl);
			fprintf(f, "ID=%02u %15s 0x%08llx..0x%08llx (actual=0x%08x) [%s]\n",
				en->index, en->name, (unsigned long long)en->base,
				(unsigned long long)(en->base + en->size), en->actual, fl);
		}
	}
}

void flash_render_entry_json(struct json_writer *w, const struct ffs_entry *en)
{
	char fl[11];

	ffs_flags_str(en, fl);
	json_obj_begin(w);
	json_kuint(w, "id", en->index);
	json_kstr(w, "name", en->name);
	json_khexnum(w, "base", en->base, 8);
	json_khexnum(w, "end", en->base + en->size, 8);
	json_kuint(w, "size", en->size);
	json_kuint(w, "actual", en->actual);
	json_kstr(w, "type", ffs_type_name(en->type));
	json_kstr(w, "flags", fl);
	json_kbool(w, "ecc", ffs_entry_ecc(en));
	json_kbool(w, "preserved", en->miscflags & FFS_MISC_PRESERVED);
	json_kbool(w, "readonly", en->miscflags & FFS_MISC_READONLY);
	json_kbool(w, "backup", en->miscflags & FFS_MISC_BACKUP);
	json_kbool(w, "reprovision", en->miscflags & FFS_MISC_REPROVISION);
	json_kbool(w, "golden", en->miscflags & FFS_MISC_GOLDEN);
	json_kbool(w, "clear_on_ecc_error", en->miscflags & FFS_MISC_CLEARECC);
	json_kbool(w, "volatile", en->miscflags & FFS_MISC_VOLATILE);
	json_kbool(w, "sha512_version", en->vercheck & FFS_VERCHECK_SHA512V);
	json_kbool(w, "sha512_per_ec", en->vercheck & FFS_VERCHECK_SHA512EC);
	json_kbool(w, "protected", en->flags & FFS_FLAG_PROTECTED);
	json_obj_end(w);
}

void flash_render_info_json(struct json_writer *w, const struct flash_info *fi,
			    const struct ffs_image *img)
{
	json_obj_begin(w);
	json_key(w, "device");
	json_obj_begin(w);
	json_kstr(w, "name", fi->name);
	json_kstr(w, "kind", fi->kind);
	json_kuint(w, "size", fi->size);
	json_kuint(w, "erase_size", fi->erase_size);
	json_obj_end(w);
	json_key(w, "sides");
	json_arr_begin(w);
	for (size_t s = 0; s < img->nsides; s++) {
		const struct ffs_toc *t = &img->side[s];

		json_obj_begin(w);
		json_kuint(w, "side", s);
		json_khexnum(w, "toc_offset", t->offset, 8);
		json_kbool(w, "golden", ffs_toc_golden(t));
		json_kuint(w, "version", t->version);
		json_kuint(w, "block_size", t->block_size);
		json_kuint(w, "block_count", t->block_count);
		json_kuint(w, "entry_count", t->entry_count);
		json_key(w, "partitions");
		json_arr_begin(w);
		for (size_t i = 0; i < t->n; i++)
			flash_render_entry_json(w, &t->ent[i]);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_end_doc(w);
}
