/*
 * flash_part.c - read, build, write, erase and verify one FFS partition.
 *
 * All sizes are checked against the partition before anything is allocated from
 * them; ECC sizes are computed explicitly (data vs raw). See flash_part.h for the
 * meaning of `actual` this program keeps.
 */
#include "flash/flash_part.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"

int flash_part_find(const struct ffs_image *img, unsigned side, const char *name,
		    const struct ffs_entry **out, struct ras_err *e)
{
	const struct ffs_toc *t;
	char names[400] = "";
	size_t used = 0;

	if (side >= img->nsides)
		return ras_errf(e, -ENOENT, "side %u does not exist (the flash has %zu side%s)",
				side, img->nsides, img->nsides == 1 ? "" : "s");
	t = &img->side[side];
	*out = ffs_toc_find(t, name);
	if (*out)
		return 0;
	for (size_t i = 0; i < t->n && used + 20 < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? " " : "",
					 t->ent[i].name);
	return ras_errf(e, -ENOENT, "no partition named %s in the TOC at 0x%llx (have: %s)", name,
			(unsigned long long)t->offset, names);
}

static bool all_ff(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0xFF)
			return false;
	return true;
}

int flash_part_read(struct flash_dev *d, const struct ffs_entry *en, uint64_t len, bool ecc,
		    struct flash_read_result *r, struct ras_err *e)
{
	uint8_t *raw;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!len)
		len = en->size;
	if (len > en->size)
		return ras_errf(e, -ERANGE, "%s: 0x%llx bytes asked, the partition has 0x%llx",
				en->name, (unsigned long long)len, (unsigned long long)en->size);
	raw = flash_buf_alloc(len);
	if (!raw)
		return ras_errf(e, -ENOMEM, "out of memory for 0x%llx bytes",
				(unsigned long long)len);
	rc = flash_read(d, en->base, raw, len, e);
	if (rc) {
		free(raw);
		return rc;
	}
	if (!ecc) {
		r->data = raw;
		r->len = len;
		return 0;
	}
	/* decode in place: data (8 per 9) never overtakes the raw words it comes from */
	r->len = ecc_decode(raw, len, raw, &r->ecc);
	if (r->ecc.have_ue) {
		uint64_t at = r->ecc.first_ue;

		if (!all_ff(raw + at, len - at)) {
			uint8_t w[9];

			/* raw + at is intact: decoding wrote only below it */
			memcpy(w, raw + at, 9);
			free(raw);
			memset(r, 0, sizeof(*r));
			return ras_errf(
				e, -EBADMSG,
				"%s: ECC uncorrectable error at partition offset 0x%llx (flash "
				"0x%llx): data %02x%02x%02x%02x%02x%02x%02x%02x ecc %02x",
				en->name, (unsigned long long)at,
				(unsigned long long)(en->base + at), w[0], w[1], w[2], w[3], w[4],
				w[5], w[6], w[7], w[8]);
		}
		r->erased_tail = true;
		r->erased_at = at;
	}
	r->data = raw;
	return 0;
}

int flash_part_blank(const struct ffs_entry *en, uint8_t **raw, struct ras_err *e)
{
	uint8_t *b = flash_buf_alloc(en->size);

	if (!b)
		return ras_errf(e, -ENOMEM, "out of memory for 0x%llx bytes",
				(unsigned long long)en->size);
	if (ffs_entry_ecc(en))
		ecc_fill_blank(b, en->size);
	else
		memset(b, 0xFF, en->size);
	*raw = b;
	return 0;
}

int flash_part_build(const struct ffs_entry *en, const uint8_t *img, size_t len, uint8_t **raw,
		     uint32_t *actual, struct ras_err *e)
{
	bool ecc = ffs_entry_ecc(en);
	uint64_t cap = ecc ? ecc_data_size(en->size) : en->size;

	if (len > cap)
		return ras_errf(e, -EFBIG,
				"%s: image is %zu bytes, the partition holds at most %llu%s "
				"(0x%llx raw bytes)",
				en->name, len, (unsigned long long)cap,
				ecc ? " data bytes with ECC" : "", (unsigned long long)en->size);
	if (ecc && len % 8)
		return ras_errf(e, -EINVAL,
				"%s: an ECC partition takes whole 8-byte words; the image is %zu "
				"bytes (pad it to %zu)",
				en->name, len, (len + 7) / 8 * 8);
	*raw = flash_buf_alloc(en->size);
	if (!*raw)
		return ras_errf(e, -ENOMEM, "out of memory for 0x%llx bytes",
				(unsigned long long)en->size);
	/* each byte is written once: the image, then blank for the rest */
	if (ecc) {
		uint64_t used = ecc_raw_size(len);

		ecc_encode(img, len, *raw);
		ecc_fill_blank(*raw + used, en->size - used);
		*actual = (uint32_t)used;
	} else {
		memcpy(*raw, img, len);
		memset(*raw + len, 0xFF, en->size - len);
		*actual = (uint32_t)len;
	}
	if (len == cap)
		*actual = (uint32_t)en->size; /* the whole partition (as ffspart writes it) */
	return 0;
}

int flash_part_plan(struct flash_dev *d, const struct ffs_entry *en, const uint8_t *raw,
		    struct flash_plan *p, struct ras_err *e)
{
	int rc = flash_plan_make(d, en->base, raw, en->size, p, e);

	if (!rc && ffs_entry_ecc(en))
		flash_plan_set_sentinel(p); /* an interrupted write is found by verify */
	return rc;
}

/* Set actual for every entry (on any side) describing the same partition. */
static int set_actual(struct flash_dev *d, const struct ffs_image *img, const struct ffs_entry *en,
		      uint32_t actual, struct ras_err *e)
{
	for (size_t s = 0; s < img->nsides; s++) {
		const struct ffs_toc *t = &img->side[s];
		const struct ffs_entry *x = ffs_toc_find(t, en->name);
		uint8_t *tab;
		int rc;

		if (!x || x->base != en->base || x->size != en->size || x->actual == actual)
			continue;
		tab = malloc(t->table_len);
		if (!tab)
			return ras_errf(e, -ENOMEM, "out of memory");
		rc = flash_read(d, t->offset, tab, t->table_len, e);
		if (!rc && ffs_checksum(tab, FFS_HDR_SIZE))
			rc = ras_errf(e, -EBADMSG, "TOC at 0x%llx changed under us",
				      (unsigned long long)t->offset);
		if (!rc)
			rc = ffs_table_set_actual(tab, t->table_len, x->index, actual);
		if (!rc)
			rc = flash_write_range(d, t->offset, tab, t->table_len, NULL, e);
		free(tab);
		if (rc)
			return ras_err_prefix(e, rc, "updating actual of %s in the TOC at 0x%llx",
					      en->name, (unsigned long long)t->offset);
	}
	return 0;
}

int flash_part_commit(struct flash_dev *d, const struct ffs_image *img, const struct ffs_entry *en,
		      const struct flash_plan *p, const uint8_t *raw, uint32_t actual,
		      struct progress *prog, struct ras_err *e)
{
	int rc = flash_plan_run(d, p, raw, prog, e);

	if (rc)
		return rc;
	return set_actual(d, img, en, actual, e);
}

int flash_part_check(struct flash_dev *d, const struct ffs_entry *en, struct flash_part_check *c,
		     struct ras_err *e)
{
	enum { CHUNK = 9 * 116508 }; /* ~1 MiB, whole words */
	uint8_t *buf;
	uint64_t words = en->size / 9, done = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->ecc = ffs_entry_ecc(en);
	if (!c->ecc) {
		c->state = FLASH_PART_UNCHECKED;
		return 0;
	}
	buf = malloc(CHUNK);
	if (!buf)
		return ras_errf(e, -ENOMEM, "out of memory");
	while (done < words * 9) {
		uint64_t n = words * 9 - done;
		if (n > CHUNK)
			n = CHUNK;
		rc = flash_read(d, en->base + done, buf, n, e);
		if (rc)
			break;
		ecc_scan(buf, n, done, &c->st);
		done += n;
	}
	free(buf);
	if (rc)
		return rc;
	c->erased_tail = c->st.erased_run;
	c->damaged = c->st.uncorrectable - c->st.erased_run;
	c->first_bad = c->st.first_ue; /* the first UE precedes any trailing erased run */
	if (c->damaged)
		c->state = FLASH_PART_DAMAGED;
	else if (c->st.corrected)
		c->state = FLASH_PART_CORRECTED;
	else if (c->erased_tail)
		c->state = FLASH_PART_ERASED_TAIL;
	else
		c->state = FLASH_PART_OK;
	return 0;
}

const char *flash_part_state_name(enum flash_part_state s)
{
	static const char *const n[] = { "ok", "corrected", "erased-tail", "damaged", "unchecked" };

	return (unsigned)s < 5 ? n[s] : "?";
}
