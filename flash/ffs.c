/*
 * ffs.c - decode and verify FFS partition tables; follow sides.
 *
 * Every read goes through range checks on the caller's buffer; counts from the
 * header are bounded (FFS_MAX_ENTRIES) before they size anything. Errors name the
 * table offset, the entry and the field, e.g. "TOC at 0x0: header checksum is
 * 0x1234abcd, expected the words to XOR to 0".
 */
#include "flash/ffs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"

uint32_t ffs_checksum(const uint8_t *p, size_t len)
{
	uint32_t x = 0;

	for (size_t i = 0; i + 4 <= len; i += 4)
		x ^= be32(p + i);
	return x;
}

void ffs_toc_free(struct ffs_toc *t)
{
	free(t->ent);
	memset(t, 0, sizeof(*t));
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}

static int parse_entry(const uint8_t *p, uint32_t idx, const struct ffs_toc *t,
		       struct ffs_entry *en, struct ras_err *e)
{
	uint64_t off = t->offset + FFS_HDR_SIZE + (uint64_t)idx * FFS_ENTRY_SIZE;
	uint32_t x = ffs_checksum(p, FFS_ENTRY_SIZE);
	size_t nl;

	if (x)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: entry %u at 0x%llx: checksum mismatch (words XOR "
				"to 0x%08x, expected 0)",
				(unsigned long long)t->offset, idx, (unsigned long long)off, x);
	memset(en, 0, sizeof(*en));
	nl = strnlen((const char *)p, 16);
	if (nl == 0 || nl == 16)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: entry %u at 0x%llx: name is %s",
				(unsigned long long)t->offset, idx, (unsigned long long)off,
				nl ? "not NUL-terminated within 16 bytes" : "empty");
	for (size_t i = 0; i < nl; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return ras_errf(e, -EBADMSG,
					"TOC at 0x%llx: entry %u: name has a non-printable byte "
					"0x%02x at %zu",
					(unsigned long long)t->offset, idx, p[i], i);
	memcpy(en->name, p, nl);
	en->index = idx;
	en->base_blk = be32(p + 0x10);
	en->size_blk = be32(p + 0x14);
	en->pid = be32(p + 0x18);
	en->id = be32(p + 0x1C);
	en->type = be32(p + 0x20);
	en->flags = be32(p + 0x24);
	en->actual = be32(p + 0x28);
	en->chip = p[0x3C];
	en->compresstype = p[0x3D];
	en->datainteg = be16(p + 0x3E);
	en->vercheck = p[0x40];
	en->miscflags = p[0x41];
	en->base = (uint64_t)en->base_blk * t->block_size;
	en->size = (uint64_t)en->size_blk * t->block_size;
#define BAD(...) ras_errf(e, -EBADMSG, __VA_ARGS__)
	if (en->pid != 0xFFFFFFFFu)
		return BAD("TOC at 0x%llx: entry %u (%s): parent id 0x%08x, expected 0xffffffff",
			   (unsigned long long)t->offset, idx, en->name, en->pid);
	if (en->type < FFS_TYPE_DATA || en->type > FFS_TYPE_PARTITION)
		return BAD("TOC at 0x%llx: entry %u (%s): type %u, expected 1 (data), 2 (logical) "
			   "or 3 (partition)",
			   (unsigned long long)t->offset, idx, en->name, en->type);
	if (en->chip || en->compresstype)
		return BAD("TOC at 0x%llx: entry %u (%s): chip %u / compression %u, expected 0",
			   (unsigned long long)t->offset, idx, en->name, en->chip,
			   en->compresstype);
	if ((en->datainteg & ~FFS_INTEG_ECC) || (en->vercheck & ~0xC0u) ||
	    (en->miscflags & 0x02u) || (en->flags & ~0x3u))
		return BAD("TOC at 0x%llx: entry %u (%s): unknown flag bits (flags 0x%x datainteg "
			   "0x%04x vercheck 0x%02x misc 0x%02x)",
			   (unsigned long long)t->offset, idx, en->name, en->flags, en->datainteg,
			   en->vercheck, en->miscflags);
	if ((uint64_t)en->base_blk + en->size_blk > t->block_count)
		return BAD("TOC at 0x%llx: entry %u (%s): blocks 0x%x+0x%x end past the flash "
			   "(0x%x blocks)",
			   (unsigned long long)t->offset, idx, en->name, en->base_blk, en->size_blk,
			   t->block_count);
	if (en->size_blk == 0)
		return BAD("TOC at 0x%llx: entry %u (%s): size is 0", (unsigned long long)t->offset,
			   idx, en->name);
	if (en->actual > en->size)
		return BAD("TOC at 0x%llx: entry %u (%s): actual 0x%x is larger than the partition "
			   "(0x%llx)",
			   (unsigned long long)t->offset, idx, en->name, en->actual,
			   (unsigned long long)en->size);
#undef BAD
	return 0;
}

static int cmp_base(const void *a, const void *b)
{
	const struct ffs_entry *x = *(const struct ffs_entry *const *)a;
	const struct ffs_entry *y = *(const struct ffs_entry *const *)b;

	return x->base < y->base ? -1 : x->base > y->base;
}

int ffs_toc_parse(const uint8_t *buf, size_t len, uint64_t toc_off, uint64_t flash_size,
		  struct ffs_toc *t, struct ras_err *e)
{
	const struct ffs_entry **sorted = NULL;
	uint32_t magic, x;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->offset = toc_off;
	if (len < FFS_HDR_SIZE)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: only %zu bytes, a header needs 48",
				(unsigned long long)toc_off, len);
	if (all_ff(buf, FFS_HDR_SIZE))
		return ras_errf(
			e, -ENODATA,
			"TOC at 0x%llx: header is all 0xFF (erased flash, no partition table)",
			(unsigned long long)toc_off);
	magic = be32(buf);
	if (magic != FFS_MAGIC)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: bad magic 0x%08x, expected 0x%08x (\"PART\")",
				(unsigned long long)toc_off, magic, FFS_MAGIC);
	t->version = be32(buf + 4);
	if (t->version != FFS_VERSION)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: version %u, expected 1",
				(unsigned long long)toc_off, t->version);
	x = ffs_checksum(buf, FFS_HDR_SIZE);
	if (x)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: header checksum mismatch (words XOR to 0x%08x, "
				"expected 0; stored 0x%08x)",
				(unsigned long long)toc_off, x, be32(buf + 0x2C));
	t->size_blk = be32(buf + 8);
	t->entry_size = be32(buf + 0x0C);
	t->entry_count = be32(buf + 0x10);
	t->block_size = be32(buf + 0x14);
	t->block_count = be32(buf + 0x18);
	if (t->entry_size != FFS_ENTRY_SIZE)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: entry size %u, expected 128",
				(unsigned long long)toc_off, t->entry_size);
	if (!t->block_size || (t->block_size & (t->block_size - 1)) || t->block_size > (1u << 24))
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: block size 0x%x is not a power of two <= 16 MiB",
				(unsigned long long)toc_off, t->block_size);
	if (t->entry_count == 0 || t->entry_count > FFS_MAX_ENTRIES)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: %u entries, expected 1..%u",
				(unsigned long long)toc_off, t->entry_count, FFS_MAX_ENTRIES);
	t->table_len = FFS_HDR_SIZE + t->entry_count * FFS_ENTRY_SIZE;
	if ((uint64_t)t->table_len > (uint64_t)t->size_blk * t->block_size)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: %u entries (%u bytes) do not fit the table size of "
				"%u blocks",
				(unsigned long long)toc_off, t->entry_count, t->table_len,
				t->size_blk);
	if ((uint64_t)t->block_count * t->block_size > flash_size)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: header describes 0x%llx bytes of flash, the device "
				"has 0x%llx",
				(unsigned long long)toc_off,
				(unsigned long long)t->block_count * t->block_size,
				(unsigned long long)flash_size);
	if (toc_off + t->table_len > flash_size)
		return ras_errf(e, -EBADMSG, "TOC at 0x%llx: table runs past the end of the flash",
				(unsigned long long)toc_off);
	if (len < t->table_len)
		return ras_errf(e, -EBADMSG,
				"TOC at 0x%llx: table needs %u bytes, only %zu available",
				(unsigned long long)toc_off, t->table_len, len);
	t->ent = calloc(t->entry_count, sizeof(*t->ent));
	sorted = calloc(t->entry_count, sizeof(*sorted));
	if (!t->ent || !sorted) {
		rc = ras_errf(e, -ENOMEM, "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < t->entry_count; i++) {
		rc = parse_entry(buf + FFS_HDR_SIZE + (size_t)i * FFS_ENTRY_SIZE, i, t, &t->ent[i],
				 e);
		if (rc)
			goto fail;
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(t->ent[j].name, t->ent[i].name)) {
				rc = ras_errf(e, -EBADMSG,
					      "TOC at 0x%llx: entries %u and %u are both named %s",
					      (unsigned long long)toc_off, j, i, t->ent[i].name);
				goto fail;
			}
		sorted[i] = &t->ent[i];
	}
	t->n = t->entry_count;
	qsort(sorted, t->n, sizeof(*sorted), cmp_base);
	for (size_t i = 1; i < t->n; i++) {
		const struct ffs_entry *a = sorted[i - 1], *b = sorted[i];

		if (a->base + a->size > b->base) {
			rc = ras_errf(e, -EBADMSG,
				      "TOC at 0x%llx: %s (0x%08llx..0x%08llx) overlaps %s "
				      "(0x%08llx..0x%08llx)",
				      (unsigned long long)toc_off, a->name,
				      (unsigned long long)a->base,
				      (unsigned long long)(a->base + a->size), b->name,
				      (unsigned long long)b->base,
				      (unsigned long long)(b->base + b->size));
			goto fail;
		}
	}
	free(sorted);
	return 0;
fail:
	free(sorted);
	ffs_toc_free(t);
	t->offset = toc_off;
	return rc;
}

int ffs_image_open(struct flash_dev *d, uint64_t toc_off, struct ffs_image *img, struct ras_err *e)
{
	uint64_t next = toc_off;

	memset(img, 0, sizeof(*img));
	while (img->nsides < FFS_MAX_SIDES) {
		uint8_t hdr[FFS_HDR_SIZE], *buf;
		uint32_t cnt;
		size_t need;
		int rc;
		struct ffs_toc *t = &img->side[img->nsides];
		const struct ffs_entry *os;

		if (next + FFS_HDR_SIZE > d->info.size) {
			ffs_image_free(img);
			return ras_errf(e, -EBADMSG,
					"%s: TOC offset 0x%llx is past the end of the flash",
					d->info.name, (unsigned long long)next);
		}
		rc = flash_read(d, next, hdr, sizeof(hdr), e);
		if (rc) {
			ffs_image_free(img);
			return rc;
		}
		cnt = be32(hdr + 0x10);
		need = FFS_HDR_SIZE + (size_t)(cnt > FFS_MAX_ENTRIES ? 0 : cnt) * FFS_ENTRY_SIZE;
		if (next + need > d->info.size)
			need = (size_t)(d->info.size - next);
		buf = malloc(need);
		if (!buf) {
			ffs_image_free(img);
			return ras_errf(e, -ENOMEM, "out of memory");
		}
		rc = flash_read(d, next, buf, need, e);
		if (!rc)
			rc = ffs_toc_parse(buf, need, next, d->info.size, t, e);
		free(buf);
		if (rc) {
			ras_err_prefix(e, rc, "%s", d->info.name);
			ffs_image_free(img);
			return rc;
		}
		img->nsides++;
		os = ffs_toc_find(t, "OTHER_SIDE");
		if (!os)
			break;
		next = os->base;
		for (size_t i = 0; i < img->nsides; i++)
			if (img->side[i].offset == next)
				return 0; /* looped back to a side we have */
	}
	return 0;
}

void ffs_image_free(struct ffs_image *img)
{
	for (size_t i = 0; i < img->nsides; i++)
		ffs_toc_free(&img->side[i]);
	img->nsides = 0;
}

const struct ffs_entry *ffs_toc_find(const struct ffs_toc *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->ent[i].name, name, 15))
			return &t->ent[i];
	return NULL;
}

void ffs_flags_str(const struct ffs_entry *en, char out[11])
{
	out[0] = en->datainteg & FFS_INTEG_ECC ? 'E' : '-';
	out[1] = en->vercheck & FFS_VERCHECK_SHA512V ? 'L' : '-';
	out[2] = en->vercheck & FFS_VERCHECK_SHA512EC ? 'I' : '-';
	out[3] = en->miscflags & FFS_MISC_PRESERVED ? 'P' : '-';
	out[4] = en->miscflags & FFS_MISC_READONLY ? 'R' : '-';
	out[5] = en->miscflags & FFS_MISC_BACKUP ? 'B' : '-';
	out[6] = en->miscflags & FFS_MISC_REPROVISION ? 'F' : '-';
	out[7] = en->miscflags & FFS_MISC_GOLDEN ? 'G' : '-';
	out[8] = en->miscflags & FFS_MISC_CLEARECC ? 'C' : '-';
	out[9] = en->miscflags & FFS_MISC_VOLATILE ? 'V' : '-';
	out[10] = '\0';
}

bool ffs_toc_golden(const struct ffs_toc *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ent[i].type == FFS_TYPE_PARTITION && t->ent[i].base == t->offset)
			return t->ent[i].miscflags & FFS_MISC_GOLDEN;
	return false;
}

int ffs_table_set_actual(uint8_t *table, size_t len, uint32_t index, uint32_t actual)
{
	size_t off = FFS_HDR_SIZE + (size_t)index * FFS_ENTRY_SIZE;
	uint8_t *p;

	if (!range_ok(len, off, FFS_ENTRY_SIZE))
		return -ERANGE;
	p = table + off;
	put_be32(p + 0x28, actual);
	put_be32(p + 0x7C, 0);
	put_be32(p + 0x7C, ffs_checksum(p, FFS_ENTRY_SIZE));
	return 0;
}
