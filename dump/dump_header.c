/*
 * dump_header.c - the FSP dump file header at offset 0 (big-endian), and its renderers.
 *
 *   0x00 label[8]      "FILE"
 *   0x08 u16 dirsize
 *   0x0a reserved[10]
 *   0x14 u16 type
 *   0x16 u16 prefix size
 *   0x18 name[40]      suggested file name, e.g. SYSDUMP.<serial>.<id>.<timestamp>
 *   0x40 ...           section directory (not decoded here)
 *
 * Input is untrusted and of any length: every field is read through a bounds-checked
 * cursor; a short buffer yields the fields it covers, partial = true, and the fallback
 * name "platform.<id>.PARTIAL" (as extract_opal_dump names it). Nothing here fails: every
 * oddity becomes a warning so a damaged dump can still be stored and looked at.
 */
#include "dump/dump.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/json.h"

static void warn(struct dump_header *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(struct dump_header *h, const char *fmt, ...)
{
	va_list ap;

	if (h->n_warnings >= sizeof(h->warnings) / sizeof(h->warnings[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(h->warnings[h->n_warnings++], sizeof(h->warnings[0]), fmt, ap);
	va_end(ap);
}

static bool is_zstd_frame(const uint8_t *p)
{
	return p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd;
}

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

void dump_header_parse(const uint8_t *buf, size_t len, const char *id, struct dump_header *h)
{
	struct bytecur c = bytecur_init(buf, len);
	uint8_t label[8], name[DUMP_HDR_NAME_LEN];
	size_t n, i;

	memset(h, 0, sizeof(*h));
	h->len = len;
	h->partial = len < DUMP_HDR_LEN;

	n = len < sizeof(label) ? len : sizeof(label);
	if (n)
		memcpy(label, buf, n);
	for (i = 0; i < n && is_print(label[i]); i++)
		h->label[i] = (char)label[i];
	h->label[i] = 0;
	if (n == sizeof(label) && !memcmp(label, "FILE", 4)) {
		h->label_ok = true;
		for (i = 4; i < 8; i++)
			if (label[i] != 0 && label[i] != ' ')
				h->label_ok = false;
	}

	bytecur_skip(&c, 8);
	h->dirsize = bytecur_be16(&c);
	bytecur_skip(&c, 10);
	h->type = bytecur_be16(&c);
	h->prefix_size = bytecur_be16(&c);

	if (len > DUMP_HDR_NAME_OFF) {
		n = len - DUMP_HDR_NAME_OFF;
		if (n > sizeof(name))
			n = sizeof(name);
		memcpy(name, buf + DUMP_HDR_NAME_OFF, n);
		for (i = 0; i < n && name[i]; i++)
			;
		size_t nl = i;
		bool printable = nl > 0;
		for (i = 0; i < nl; i++) {
			if (!is_print(name[i]) || name[i] == '/')
				printable = false;
		}
		for (i = 0; i < nl; i++)
			h->fname[i] = is_print(name[i]) ? (char)name[i] : '?';
		h->fname[nl] = 0;
		h->fname_ok = printable && strcmp(h->fname, ".") && strcmp(h->fname, "..") &&
			      !(nl == n && n < sizeof(name)); /* cut off by the end of input */
	}

	if (h->partial)
		warn(h, "%s", "header shorter than 64 bytes: fields past the end are missing");
	if (len >= 8 && !h->label_ok)
		warn(h, "label is \"%s\", expected \"FILE\"", h->label);
	if (len > DUMP_HDR_NAME_OFF && !h->fname_ok && h->fname[0])
		warn(h, "suggested file name \"%s\" is not usable", h->fname);
	if (len > DUMP_HDR_NAME_OFF && !h->fname[0])
		warn(h, "%s", "no suggested file name");

	if (h->fname_ok && !h->partial)
		snprintf(h->suggested, sizeof(h->suggested), "%s", h->fname);
	else
		snprintf(h->suggested, sizeof(h->suggested), "platform.%.24s.PARTIAL",
			 id && *id ? id : "dumpid");
}

/* The first up to n bytes of a file, decompressing a zstd frame if it is one. */
static int read_head(const char *path, uint8_t *out, size_t n, size_t *got, uint64_t *file_size,
		     struct ras_err *e)
{
	uint8_t raw[8192];
	struct stat st;
	ssize_t r;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ras_errf(e, -EINVAL, "%s: not a regular file", path);
	}
	*file_size = (uint64_t)st.st_size;
	r = read_full(fd, raw, sizeof(raw));
	if (r < 0) {
		close(fd);
		return ras_errf(e, (int)r, "%s: read: %s", path, strerror((int)-r));
	}
	if (r >= 4 && is_zstd_frame(raw)) {
		ZSTD_DCtx *dc = ZSTD_createDCtx();
		ZSTD_inBuffer in = { raw, (size_t)r, 0 };
		ZSTD_outBuffer o = { out, n, 0 };

		if (!dc) {
			close(fd);
			return ras_errf(e, -ENOMEM, "out of memory (zstd)");
		}
		while (o.pos < o.size) {
			size_t z = ZSTD_decompressStream(dc, &o, &in);
			if (ZSTD_isError(z)) {
				rc = ras_errf(e, -EINVAL, "%s: zstd at input offset %zu: %s", path,
					      in.pos, ZSTD_getErrorName(z));
				break;
			}
			if (z == 0)
				break; /* end of frame */
			if (in.pos == in.size) {
				r = read_full(fd, raw, sizeof(raw));
				if (r <= 0)
					break;
				in.size = (size_t)r;
				in.pos = 0;
			}
		}
		ZSTD_freeDCtx(dc);
		*got = o.pos;
	} else {
		*got = (size_t)r < n ? (size_t)r : n;
		memcpy(out, raw, *got);
	}
	close(fd);
	return rc;
}

int dump_header_read_file(const char *path, struct dump_header *h, uint64_t *file_size,
			  struct ras_err *e)
{
	uint8_t head[DUMP_HDR_LEN];
	size_t got = 0;
	const char *base = strrchr(path, '/');
	int rc;

	rc = read_head(path, head, sizeof(head), &got, file_size, e);
	if (rc)
		return rc;
	dump_header_parse(head, got, base ? base + 1 : path, h);
	return 0;
}

void dump_header_print_text(FILE *f, const char *file, uint64_t file_size,
			    const struct dump_header *h)
{
	fprintf(f, "file:            %s\n", file);
	fprintf(f, "file size:       %llu\n", (unsigned long long)file_size);
	fprintf(f, "header bytes:    %zu%s\n",
		h->len > DUMP_HDR_LEN ? (size_t)DUMP_HDR_LEN : h->len,
		h->partial ? " (partial)" : "");
	fprintf(f, "label:           \"%s\"%s\n", h->label, h->label_ok ? "" : " (expected FILE)");
	fprintf(f, "directory size:  %u (0x%04x)\n", h->dirsize, h->dirsize);
	fprintf(f, "type:            0x%04x\n", h->type);
	fprintf(f, "prefix size:     %u (0x%04x)\n", h->prefix_size, h->prefix_size);
	fprintf(f, "file name:       %s%s\n", h->fname[0] ? h->fname : "(none)",
		h->fname[0] && !h->fname_ok ? " (not usable)" : "");
	fprintf(f, "suggested name:  %s\n", h->suggested);
	for (unsigned i = 0; i < h->n_warnings; i++)
		fprintf(f, "warning:         %s\n", h->warnings[i]);
}

void dump_header_write_json(struct json_writer *w, const char *file, uint64_t file_size,
			    const struct dump_header *h)
{
	json_obj_begin(w);
	json_kstr(w, "file", file);
	json_kuint(w, "file_size", file_size);
	json_kuint(w, "header_bytes", h->len > DUMP_HDR_LEN ? DUMP_HDR_LEN : h->len);
	json_kbool(w, "partial", h->partial);
	json_kstr(w, "label", h->label);
	json_kbool(w, "label_ok", h->label_ok);
	json_kuint(w, "dirsize", h->dirsize);
	json_khexnum(w, "type", h->type, 4);
	json_kuint(w, "prefix_size", h->prefix_size);
	json_kstr(w, "file_name", h->fname);
	json_kbool(w, "file_name_ok", h->fname_ok);
	json_kstr(w, "suggested_name", h->suggested);
	json_key(w, "warnings");
	json_arr_begin(w);
	for (unsigned i = 0; i < h->n_warnings; i++)
		json_str(w, h->warnings[i]);
	json_arr_end(w);
	json_obj_end(w);
}
