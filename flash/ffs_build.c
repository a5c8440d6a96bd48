/*
 * ffs_build.c - lay out and write FFS tables and blank partitions (see ffs_build.h).
 *
 * Checks what ffspart checks: names at most 15 characters and unique per TOC
 * (case-insensitively), bases and sizes block aligned, inside the flash, no overlap
 * within a TOC, room for the table before the first partition of a TOC. Every table
 * written here parses with ffs_toc_parse().
 */
#include "flash/ffs_build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "flash/ecc.h"
#include "flash/ffs.h"

int ffs_flags_parse(const char *s, uint16_t *datainteg, uint8_t *vercheck, uint8_t *misc,
		    struct ras_err *e)
{
	*datainteg = 0;
	*vercheck = 0;
	*misc = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'E':
			*datainteg |= FFS_INTEG_ECC;
			break;
		case 'L':
			*vercheck |= FFS_VERCHECK_SHA512V;
			break;
		case 'I':
			*vercheck |= FFS_VERCHECK_SHA512EC;
			break;
		case 'P':
			*misc |= FFS_MISC_PRESERVED;
			break;
		case 'R':
			*misc |= FFS_MISC_READONLY;
			break;
		case 'B':
			*misc |= FFS_MISC_BACKUP;
			break;
		case 'F':
			*misc |= FFS_MISC_REPROVISION;
			break;
		case 'V':
			*misc |= FFS_MISC_VOLATILE;
			break;
		case 'C':
			*misc |= FFS_MISC_CLEARECC;
			break;
		case 'G':
			*misc |= FFS_MISC_GOLDEN;
			break;
		case ' ':
			break;
		default:
			return ras_errf(e, -EINVAL, "unknown flag '%c' (known: ELIPRBFGCV)", *s);
		}
	}
	return 0;
}

/* Split line at commas into at most n fields (trimmed); returns the count. */
static int split(char *line, char **f, int n)
{
	int k = 0;
	char *p = line;

	while (k < n) {
		char *c = strchr(p, ',');
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		f[k++] = p;
		if (c)
			*c = '\0';
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!c)
			break;
		p = c + 1;
	}
	return k;
}

static bool num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

int ffs_layout_parse(const char *text, size_t len, struct ffs_layout *l, struct ras_err *e)
{
	size_t pos = 0;
	int lineno = 0;

	memset(l, 0, sizeof(*l));
	while (pos < len) {
		char line[1024], *f[6];
		size_t n = 0;
		int k;

		lineno++;
		while (pos < len && text[pos] != '\n') {
			if (n + 1 >= sizeof(line))
				return ras_errf(e, -EINVAL, "layout line %d is too long", lineno);
			line[n++] = text[pos++];
		}
		pos++;
		line[n] = '\0';
		if (!n || line[0] == '#' || strspn(line, " \t\r") == n)
			continue;
		if (line[0] == '@') {
			uint64_t idx, base;

			k = split(line + 1, f, 3);
			if (k < 2 || !num(f[0], &idx) || idx >= FFS_BUILD_MAX_TOCS ||
			    !num(f[1], &base))
				return ras_errf(e, -EINVAL,
						"layout line %d: a TOC line is @N,BASE[,FLAGS]",
						lineno);
			l->toc[idx].present = 1;
			l->toc[idx].base = base;
			snprintf(l->toc[idx].flags, sizeof(l->toc[idx].flags), "%s",
				 k > 2 ? f[2] : "");
			continue;
		}
		k = split(line, f, 6);
		if (k < 3)
			return ras_errf(e, -EINVAL,
					"layout line %d: expected NAME,BASE,SIZE,FLAGS,TOCS,FILE",
					lineno);
		if (l->nparts == FFS_BUILD_MAX_PARTS)
			return ras_errf(e, -E2BIG, "layout line %d: more than %d partitions",
					lineno, FFS_BUILD_MAX_PARTS);
		{
			struct ffs_build_part *p = &l->part[l->nparts];

			if (!*f[0] || strlen(f[0]) > 15)
				return ras_errf(
					e, -EINVAL,
					"layout line %d: name '%s' must be 1..15 characters",
					lineno, f[0]);
			snprintf(p->name, sizeof(p->name), "%s", f[0]);
			if (!num(f[1], &p->base) || !num(f[2], &p->size) || !p->size)
				return ras_errf(e, -EINVAL, "layout line %d: bad base or size",
						lineno);
			snprintf(p->flags, sizeof(p->flags), "%s", k > 3 ? f[3] : "");
			p->tocs = 0;
			if (k > 4)
				for (const char *t = f[4]; *t; t++) {
					if (*t < '0' || *t > '9')
						return ras_errf(
							e, -EINVAL,
							"layout line %d: TOCS must be digits",
							lineno);
					p->tocs |= 1u << (*t - '0');
				}
			if (!p->tocs)
				p->tocs = 1;
			snprintf(p->file, sizeof(p->file), "%s", k > 5 ? f[5] : "");
			l->nparts++;
		}
	}
	if (!l->toc[0].present && l->nparts) {
		bool any = false;

		for (int i = 0; i < FFS_BUILD_MAX_TOCS; i++)
			any = any || l->toc[i].present;
		if (!any)
			l->toc[0].present = 1; /* default TOC at 0 */
	}
	return 0;
}

static void put_entry(uint8_t *p, const char *name, uint32_t base_blk, uint32_t size_blk,
		      uint32_t id, uint32_t type, uint32_t flags, uint32_t actual, uint16_t integ,
		      uint8_t verc, uint8_t misc)
{
	memset(p, 0, FFS_ENTRY_SIZE);
	memcpy(p, name, strnlen(name, 15));
	put_be32(p + 0x10, base_blk);
	put_be32(p + 0x14, size_blk);
	put_be32(p + 0x18, 0xFFFFFFFFu);
	put_be32(p + 0x1C, id);
	put_be32(p + 0x20, type);
	put_be32(p + 0x24, flags);
	put_be32(p + 0x28, actual);
	put_be16(p + 0x3E, integ);
	p[0x40] = verc;
	p[0x41] = misc;
	put_be32(p + 0x7C, ffs_checksum(p, FFS_ENTRY_SIZE));
}

static int fill_part(const struct ffs_build_part *p, bool ecc, uint8_t *dst, const char *dir,
		     struct ras_err *e)
{
	char path[1100];
	uint8_t *buf = NULL;
	size_t len = 0;
	bool raw_ecc;
	int rc;

	if (ecc)
		ecc_fill_blank(dst, p->size);
	else
		memset(dst, 0xFF, p->size);
	if (!p->file[0])
		return 0;
	if (p->file[0] == '/' || !dir)
		snprintf(path, sizeof(path), "%s", p->file);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, p->file);
	rc = file_read_all(path, p->size, &buf, &len, NULL, e);
	if (rc)
		return rc;
	raw_ecc = strlen(p->file) > 4 && !strcmp(p->file + strlen(p->file) - 4, ".ecc");
	if (ecc && !raw_ecc) {
		if (len % 8 || ecc_raw_size(len) > p->size) {
			free(buf);
			return ras_errf(e, -EINVAL,
					"%s: %zu bytes do not fit partition %s with ECC (needs a "
					"multiple of 8, at most %llu)",
					path, len, p->name,
					(unsigned long long)ecc_data_size(p->size));
		}
		ecc_encode(buf, len, dst);
	} else {
		memcpy(dst, buf, len);
	}
	free(buf);
	return 0;
}

int ffs_build(const struct ffs_layout *l, uint32_t block_size, uint8_t *img, size_t img_len,
	      const char *dir, struct ras_err *e)
{
	if (!block_size || (block_size & (block_size - 1)) || img_len % block_size)
		return ras_errf(e, -EINVAL,
				"flash size 0x%zx is not a multiple of the block size 0x%x",
				img_len, block_size);
	memset(img, 0xFF, img_len);
	for (size_t i = 0; i < l->nparts; i++) {
		const struct ffs_build_part *p = &l->part[i];
		uint16_t integ;
		uint8_t verc, misc;
		int rc = ffs_flags_parse(p->flags, &integ, &verc, &misc, e);

		if (rc)
			return ras_err_prefix(e, rc, "partition %s", p->name);
		if (p->base % block_size || p->size % block_size || p->base > img_len ||
		    p->size > img_len - p->base)
			return ras_errf(e, -EINVAL,
					"partition %s (0x%llx+0x%llx) is not block aligned or does "
					"not fit the flash",
					p->name, (unsigned long long)p->base,
					(unsigned long long)p->size);
		for (size_t j = 0; j < i; j++) {
			const struct ffs_build_part *q = &l->part[j];

			if ((p->tocs & q->tocs) && !strcasecmp(p->name, q->name))
				return ras_errf(e, -EINVAL, "partition name %s is used twice",
						p->name);
			if ((p->tocs & q->tocs) && p->base < q->base + q->size &&
			    q->base < p->base + p->size)
				return ras_errf(e, -EINVAL, "partitions %s and %s overlap", q->name,
						p->name);
		}
		rc = fill_part(p, integ & FFS_INTEG_ECC, img + p->base, dir, e);
		if (rc)
			return rc;
	}
	for (int t = 0; t < FFS_BUILD_MAX_TOCS; t++) {
		uint8_t *h;
		uint32_t n = 1, id = 1, table_len;
		uint16_t integ;
		uint8_t verc, misc;
		int rc;

		if (!l->toc[t].present)
			continue;
		for (size_t i = 0; i < l->nparts; i++)
			n += (l->part[i].tocs >> t) & 1;
		table_len = FFS_HDR_SIZE + n * FFS_ENTRY_SIZE;
		if (l->toc[t].base % block_size || l->toc[t].base + table_len > img_len)
			return ras_errf(e, -EINVAL,
					"TOC %d at 0x%llx is not block aligned or does not fit", t,
					(unsigned long long)l->toc[t].base);
		for (size_t i = 0; i < l->nparts; i++) {
			const struct ffs_build_part *p = &l->part[i];

			if (((p->tocs >> t) & 1) && p->base < l->toc[t].base + table_len &&
			    l->toc[t].base < p->base + p->size)
				return ras_errf(e, -EINVAL,
						"partition %s overlaps the table of TOC %d",
						p->name, t);
		}
		rc = ffs_flags_parse(l->toc[t].flags, &integ, &verc, &misc, e);
		if (rc)
			return ras_err_prefix(e, rc, "TOC %d", t);
		h = img + l->toc[t].base;
		memset(h, 0xFF, (table_len + block_size - 1) / block_size * block_size);
		memset(h, 0, table_len);
		put_be32(h, FFS_MAGIC);
		put_be32(h + 4, FFS_VERSION);
		put_be32(h + 8, (table_len + block_size - 1) / block_size);
		put_be32(h + 0x0C, FFS_ENTRY_SIZE);
		put_be32(h + 0x10, n);
		put_be32(h + 0x14, block_size);
		put_be32(h + 0x18, (uint32_t)(img_len / block_size));
		put_be32(h + 0x2C, ffs_checksum(h, FFS_HDR_SIZE));
		{
			uint32_t tblk = (table_len + block_size - 1) / block_size;

			put_entry(h + FFS_HDR_SIZE, "part", (uint32_t)(l->toc[t].base / block_size),
				  tblk, id++, FFS_TYPE_PARTITION, FFS_FLAG_PROTECTED,
				  tblk * block_size, integ, verc, misc);
		}
		for (size_t i = 0; i < l->nparts; i++) {
			const struct ffs_build_part *p = &l->part[i];

			if (!((p->tocs >> t) & 1))
				continue;
			ffs_flags_parse(p->flags, &integ, &verc, &misc, NULL);
			put_entry(h + FFS_HDR_SIZE + (id - 1) * FFS_ENTRY_SIZE, p->name,
				  (uint32_t)(p->base / block_size),
				  (uint32_t)(p->size / block_size), id, FFS_TYPE_DATA, 0,
				  (misc & FFS_MISC_BACKUP) ? 0 : (uint32_t)p->size, integ, verc,
				  misc);
			id++;
		}
	}
	return 0;
}
