/*
 * opal-flash.c - the PNOR flash tool: partition tables, reads, planned writes and
 * erases, ECC verification, GUARD records and the OPAL firmware-update workflow.
 *
 * This file parses arguments, asks for confirmation and prints; the work is done by
 * flash/ (ffs, ecc, flash_part, flash_write, guard, fwupdate, flash_record).
 * Destructive commands never run without a plan: the plan is computed first, shown
 * with --dry-run, confirmed on a terminal (or with --yes), then executed and verified.
 * Exit codes are listed in usage() and docs/man/opal-flash.8.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/path.h"
#include "common/progress.h"
#include "errlog/store.h"
#include "flash/ecc.h"
#include "flash/ffs.h"
#include "flash/ffs_build.h"
#include "flash/flash_dev.h"
#include "flash/flash_part.h"
#include "flash/flash_record.h"
#include "flash/flash_render.h"
#include "flash/flash_write.h"
#include "flash/fwupdate.h"
#include "flash/guard.h"

enum {
	EX_OK = 0,
	EX_FAIL = 1,
	EX_USAGE = 2,
	EX_BADTOC = 3,
	EX_ECC = 4,
	EX_VERIFY = 5,
	EX_UNSUPPORTED = 6,
	EX_REFUSED = 7,
	EX_FIRMWARE = 8,
};

struct opts {
	const char *file, *device, *root, *db, *out_file, *format;
	uint32_t erase_size;
	int side;
	uint64_t toc;
	uint64_t size;
	bool yes, dry_run, ecc, no_record, force, actual, json;
	int progress; /* -1 auto */
	int chip; /* 0 = auto */
	int timeout_ms;
};

static const char *prog = "opal-flash";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: opal-flash [options] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  info                      partition table of every side (like pflash -i)\n"
		"  read PART -o FILE         read a partition (raw; --ecc removes the ECC bytes)\n"
		"  write PART FILE           write an image: plan, erase changed blocks, program, "
		"verify\n"
		"  erase PART                erase a partition (ECC partitions become valid blank "
		"ECC)\n"
		"  verify                    check TOC checksums and scan every ECC partition\n"
		"  create LAYOUT             build a new image file (-F) from an ffspart layout\n"
		"  guard list|show ID|create PATH|clear ID|clear all\n"
		"  update validate IMAGE|commit|reject|schedule [--cancel]|status\n"
		"\n"
		"Options:\n"
		"  -F, --file IMAGE          operate on an image file (erase block --erase-block, "
		"64 KiB)\n"
		"      --device /dev/mtdN    operate on an MTD device (default: the PNOR under "
		"--root)\n"
		"      --erase-block N       erase block of a file image (default 0x10000)\n"
		"      --root DIR            root of the kernel interfaces (default /)\n"
		"  -S, --side N              use side N (0 = the TOC at --toc; 1 = its "
		"OTHER_SIDE)\n"
		"      --toc OFFSET          offset of the first TOC (default 0)\n"
		"  -o FILE|text|json         output file of `read`; output format otherwise\n"
		"      --format text|json    output format\n"
		"      --ecc                 read: decode ECC (an erased tail ends the data)\n"
		"  -s, --size N              read: bytes to read (data bytes with --ecc)\n"
		"      --actual              read: only `actual` bytes\n"
		"  -n, --dry-run             print the plan (blocks to erase and program), change "
		"nothing\n"
		"  -y, --yes                 do not ask for confirmation\n"
		"  -f, --force               allow writing READONLY partitions and the golden "
		"side\n"
		"      --chip p8|p9|p10      GUARD target table (default from /proc/cpuinfo, else "
		"p9)\n"
		"      --db PATH             event database (default " STORE_DEFAULT_PATH ")\n"
		"      --no-record           do not record the operation in the database\n"
		"      --progress|--no-progress  force the progress bar on or off\n"
		"      --flash-size N        create: image size (default 64 MiB)\n"
		"      --block-size N        create: FFS block size (default 0x1000)\n"
		"      --timeout MS          update: wait this long for an answer (default 5000)\n"
		"  -h, --help\n"
		"\n"
		"Exit codes: 0 ok, 1 failure, 2 usage, 3 bad partition table, 4 ECC uncorrectable\n"
		"errors found, 5 read-back verification failed, 6 not supported on this host,\n"
		"7 refused (no confirmation, image too large, read-only), 8 firmware reported an "
		"error.\n"
		"\n"
		"Examples:\n"
		"  opal-flash -F pnor.img info\n"
		"  opal-flash -F pnor.img read HBB --ecc -s 0x80000 -o hbb.bin\n"
		"  opal-flash -F pnor.img write PAYLOAD payload.bin --dry-run\n"
		"  opal-flash -F pnor.img -y write PAYLOAD payload.bin\n"
		"  opal-flash verify                       # the host PNOR, through /dev/mtdN\n"
		"  opal-flash -F pnor.img guard create /Sys0/Node0/Proc1 -y\n"
		"  opal-flash update validate fw.img && opal-flash update schedule -y\n");
}

static int exit_for(int rc)
{
	switch (rc) {
	case 0:
		return EX_OK;
	case -EBADMSG:
	case -ENODATA:
		return EX_BADTOC;
	case -EILSEQ:
		return EX_VERIFY;
	case -ENOTSUP:
		return EX_UNSUPPORTED;
	case -EFBIG:
	case -EROFS:
	case -ECANCELED:
		return EX_REFUSED;
	}
	return EX_FAIL;
}

static int fail(int rc, const struct ras_err *e)
{
	fprintf(stderr, "%s: %s\n", prog, e->msg);
	return exit_for(rc);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end && *s != '-';
}

/* Ask on the terminal; without one, refuse unless --yes. */
static int confirm(const struct opts *o, const char *what)
{
	char line[32];

	if (o->yes)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "%s: refusing to %s without a terminal to confirm on; pass --yes\n",
			prog, what);
		return -ECANCELED;
	}
	fprintf(stderr, "%s? [y/N] ", what);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
		fprintf(stderr, "%s: not confirmed, nothing changed\n", prog);
		return -ECANCELED;
	}
	return 0;
}

static int open_dev(const struct opts *o, bool rw, struct flash_dev **d, struct ras_err *e)
{
	char dev[4096];
	int rc;

	if (o->file)
		return flash_file_open(o->file, o->erase_size, rw, d, e);
	if (o->device)
		return flash_mtd_open(o->root, o->device, rw, d, e);
	rc = flash_mtd_find(o->root, dev, sizeof(dev), e);
	return rc ? rc : flash_mtd_open(o->root, dev, rw, d, e);
}

struct ctx {
	struct flash_dev *dev;
	struct ffs_image img;
	char target[4096]; /* absolute path of the image or device, for the record */
};

static int ctx_open(const struct opts *o, bool rw, struct ctx *c, struct ras_err *e)
{
	int rc;

	memset(c, 0, sizeof(*c));
	rc = open_dev(o, rw, &c->dev, e);
	if (rc)
		return rc;
	if (!realpath(c->dev->info.name, c->target))
		snprintf(c->target, sizeof(c->target), "%s", c->dev->info.name);
	rc = ffs_image_open(c->dev, o->toc, &c->img, e);
	if (rc) {
		flash_close(c->dev);
		c->dev = NULL;
	}
	return rc;
}

static void ctx_close(struct ctx *c)
{
	ffs_image_free(&c->img);
	flash_close(c->dev);
}

static void record(const struct opts *o, struct flash_op_rec *r)
{
	struct ras_err e = { "" };

	if (o->no_record)
		return;
	if (flash_record(o->db, r, &e))
		fprintf(stderr, "%s: warning: operation not recorded in %s: %s\n", prog, o->db,
			e.msg);
}

/* ---- info / verify --------------------------------------------------------------- */

static int cmd_info(const struct opts *o)
{
	struct ras_err e = { "" };
	struct ctx c;
	int rc = ctx_open(o, false, &c, &e);

	if (rc)
		return fail(rc, &e);
	if (o->json) {
		struct json_writer w;

		json_init(&w, stdout, true);
		flash_render_info_json(&w, &c.dev->info, &c.img);
	} else {
		flash_render_info_text(stdout, &c.dev->info, &c.img);
	}
	ctx_close(&c);
	return EX_OK;
}

static int cmd_verify(const struct opts *o)
{
	struct ras_err e = { "" };
	struct json_writer w;
	struct ctx c;
	int rc = ctx_open(o, false, &c, &e), ex = EX_OK;

	if (rc) {
		if (o->json) {
			json_init(&w, stdout, true);
			json_obj_begin(&w);
			json_kbool(&w, "ok", false);
			json_kstr(&w, "error", e.msg);
			json_obj_end(&w);
			json_end_doc(&w);
		}
		return fail(rc, &e);
	}
	if (o->json) {
		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_kstr(&w, "device", c.dev->info.name);
		json_key(&w, "sides");
		json_arr_begin(&w);
	}
	for (size_t s = 0; s < c.img.nsides; s++) {
		const struct ffs_toc *t = &c.img.side[s];

		if (o->json) {
			json_obj_begin(&w);
			json_kuint(&w, "side", s);
			json_khexnum(&w, "toc_offset", t->offset, 8);
			json_kbool(&w, "golden", ffs_toc_golden(t));
			json_kbool(&w, "toc_ok", true);
			json_key(&w, "partitions");
			json_arr_begin(&w);
		} else {
			printf("TOC@0x%08llx%s: header and %zu entries: checksums ok\n",
			       (unsigned long long)t->offset, ffs_toc_golden(t) ? " (golden)" : "",
			       t->n);
			printf("ID %-15s %-4s %10s %9s %13s %11s  %s\n", "NAME", "ECC", "WORDS",
			       "CORRECTED", "UNCORRECTABLE", "ERASED-TAIL", "STATUS");
		}
		for (size_t i = 0; i < t->n; i++) {
			const struct ffs_entry *en = &t->ent[i];
			struct flash_part_check pc;

			rc = flash_part_check(c.dev, en, &pc, &e);
			if (rc) {
				ctx_close(&c);
				return fail(rc, &e);
			}
			if (pc.state == FLASH_PART_DAMAGED)
				ex = EX_ECC;
			if (o->json) {
				json_obj_begin(&w);
				json_kuint(&w, "id", en->index);
				json_kstr(&w, "name", en->name);
				json_kbool(&w, "ecc", pc.ecc);
				json_kstr(&w, "status", flash_part_state_name(pc.state));
				if (pc.ecc) {
					json_kuint(&w, "words", pc.st.words);
					json_kuint(&w, "corrected", pc.st.corrected);
					json_kuint(&w, "uncorrectable", pc.damaged);
					json_kuint(&w, "erased_tail_words", pc.erased_tail);
					if (pc.damaged)
						json_khexnum(&w, "first_uncorrectable",
							     en->base + pc.first_bad, 8);
				}
				json_obj_end(&w);
			} else if (pc.ecc) {
				printf("%02u %-15s %-4s %10llu %9llu %13llu %11llu  %s", en->index,
				       en->name, "yes", (unsigned long long)pc.st.words,
				       (unsigned long long)pc.st.corrected,
				       (unsigned long long)pc.damaged,
				       (unsigned long long)pc.erased_tail,
				       flash_part_state_name(pc.state));
				if (pc.damaged)
					printf(" (first at 0x%08llx)",
					       (unsigned long long)(en->base + pc.first_bad));
				printf("\n");
			} else {
				printf("%02u %-15s %-4s %10s %9s %13s %11s  %s\n", en->index,
				       en->name, "no", "-", "-", "-", "-",
				       flash_part_state_name(pc.state));
			}
		}
		if (o->json) {
			json_arr_end(&w);
			json_obj_end(&w);
		}
	}
	if (o->json) {
		json_arr_end(&w);
		json_kbool(&w, "ok", ex == EX_OK);
		json_obj_end(&w);
		json_end_doc(&w);
	}
	ctx_close(&c);
	if (ex)
		fprintf(stderr, "%s: uncorrectable ECC errors found (see the damaged partitions)\n",
			prog);
	return ex;
}

/* ---- read -------------------------------------------------------------------------- */

static int read_raw_to_file(struct flash_dev *d, const struct ffs_entry *en, uint64_t len,
			    const char *out, struct ras_err *e)
{
	enum { CHUNK = 1 << 20 };
	char tmp[PATH_MAX];
	uint8_t *buf = malloc(CHUNK);
	uint64_t done = 0;
	int fd, rc = 0;

	if (!buf)
		return ras_errf(e, -ENOMEM, "out of memory");
	if (len > en->size)
		len = en->size;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", out, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(buf);
		return ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
	}
	while (!rc && done < len) {
		size_t n = len - done > CHUNK ? CHUNK : (size_t)(len - done);

		rc = flash_read(d, en->base + done, buf, n, e);
		if (!rc && write_full(fd, buf, n))
			rc = ras_errf(e, -EIO, "%s: write failed", tmp);
		done += n;
	}
	/* renamed into place complete (never a partial file), not fsynced: a copy of
	 * flash data, cheap to make again */
	close(fd);
	if (!rc && rename(tmp, out) < 0)
		rc = ras_errf(e, -errno, "%s: %s", out, strerror(errno));
	if (rc)
		unlink(tmp);
	free(buf);
	return rc;
}

static int cmd_read(const struct opts *o, const char *part)
{
	struct ras_err e = { "" };
	struct flash_read_result r;
	const struct ffs_entry *en;
	uint64_t len = 0;
	struct ctx c;
	int rc;

	if (!o->out_file) {
		fprintf(stderr, "%s: read needs -o FILE (or -o - for stdout)\n", prog);
		return EX_USAGE;
	}
	rc = ctx_open(o, false, &c, &e);
	if (rc)
		return fail(rc, &e);
	rc = flash_part_find(&c.img, (unsigned)o->side, part, &en, &e);
	if (rc) {
		ctx_close(&c);
		return fail(rc, &e);
	}
	if (o->size)
		len = o->ecc ? ecc_raw_size(o->size) : o->size;
	else if (o->actual)
		len = en->actual;
	if (o->ecc && !ffs_entry_ecc(en))
		fprintf(stderr, "%s: note: %s has no ECC; read raw\n", prog, en->name);
	if (!(o->ecc && ffs_entry_ecc(en)) && strcmp(o->out_file, "-")) {
		/* raw: stream through one reused buffer into a temporary file */
		rc = read_raw_to_file(c.dev, en, len ? len : (o->actual ? 0 : en->size),
				      o->out_file, &e);
		ctx_close(&c);
		return rc ? fail(rc, &e) : EX_OK;
	}
	if (o->actual && !len) {
		r = (struct flash_read_result){ .data = malloc(1) };
	} else {
		rc = flash_part_read(c.dev, en, len, o->ecc && ffs_entry_ecc(en), &r, &e);
		if (rc) {
			ctx_close(&c);
			fprintf(stderr, "%s: %s\n", prog, e.msg);
			return rc == -EBADMSG ? EX_ECC : exit_for(rc);
		}
	}
	if (o->size && o->ecc && r.len > o->size)
		r.len = (size_t)o->size;
	if (r.erased_tail)
		fprintf(stderr,
			"%s: %s: ECC data ends at partition offset 0x%llx (the rest is erased, "
			"never written): %zu data bytes\n",
			prog, en->name, (unsigned long long)r.erased_at, r.len);
	if (r.ecc.corrected)
		fprintf(stderr, "%s: %s: corrected %llu single-bit ECC error(s)\n", prog, en->name,
			(unsigned long long)r.ecc.corrected);
	if (!strcmp(o->out_file, "-"))
		rc = write_full(STDOUT_FILENO, r.data, r.len)
			     ? ras_errf(&e, -EIO, "stdout: write failed")
			     : 0;
	else
		rc = file_write_atomic(o->out_file, r.data, r.len, 0644, &e);
	free(r.data);
	ctx_close(&c);
	return rc ? fail(rc, &e) : EX_OK;
}

/* ---- write / erase ------------------------------------------------------------------- */

static int check_writable(const struct opts *o, const struct ffs_image *img,
			  const struct ffs_entry *en, struct ras_err *e)
{
	if (o->force)
		return 0;
	if (en->miscflags & FFS_MISC_READONLY)
		return ras_errf(e, -EROFS,
				"%s is flagged READONLY; pass --force to change it anyway",
				en->name);
	if (ffs_toc_golden(&img->side[o->side]))
		return ras_errf(e, -EROFS, "side %d is the golden side; pass --force to change it",
				o->side);
	return 0;
}

/* Plan, show, confirm, run, record. raw is the whole new partition content. */
static int apply(const struct opts *o, struct ctx *c, const struct ffs_entry *en,
		 const uint8_t *raw, uint32_t actual, struct flash_op_rec *rec, const char *what)
{
	struct ras_err e = { "" };
	struct flash_plan p;
	struct progress pr;
	char q[300], detail[200];
	int rc = flash_part_plan(c->dev, en, raw, &p, &e);

	if (rc)
		return fail(rc, &e);
	if (o->dry_run) {
		printf("%s %s (0x%08llx..0x%08llx) on %s, side %d, dry run:\n", what, en->name,
		       (unsigned long long)en->base, (unsigned long long)(en->base + en->size),
		       c->dev->info.name, o->side);
		flash_plan_print(stdout, &p);
		if (actual != en->actual)
			printf("  then set actual 0x%08x -> 0x%08x in the TOC\n", en->actual,
			       actual);
		flash_plan_free(&p);
		return EX_OK;
	}
	if (!p.n_erase && !p.n_program && actual == en->actual) {
		printf("%s: %s already holds this content; nothing to do\n", prog, en->name);
		flash_plan_free(&p);
		return EX_OK;
	}
	snprintf(q, sizeof(q), "%s %s on %s (%zu blocks to erase, %zu to program)", what, en->name,
		 c->dev->info.name, p.n_erase, p.n_program);
	rc = confirm(o, q);
	if (rc) {
		flash_plan_free(&p);
		return EX_REFUSED;
	}
	progress_begin(&pr, en->name, (uint64_t)p.nblk * p.erase_size, o->progress);
	rc = flash_part_commit(c->dev, &c->img, en, &p, raw, actual, &pr, &e);
	progress_end(&pr, rc == 0);
	snprintf(detail, sizeof(detail), "%zu blocks erased, %zu programmed, verified", p.n_erase,
		 p.n_program);
	rec->result = rc ? "failed" : "ok";
	rec->rc = rc;
	rec->detail = rc ? e.msg : detail;
	record(o, rec);
	if (rc) {
		flash_plan_free(&p);
		return fail(rc, &e);
	}
	printf("%s %s: %s\n", what, en->name, detail);
	flash_plan_free(&p);
	return EX_OK;
}

static int cmd_write(const struct opts *o, const char *part, const char *file)
{
	struct ras_err e = { "" };
	const struct ffs_entry *en;
	struct flash_op_rec rec;
	uint8_t *img = NULL, *raw = NULL;
	uint32_t actual;
	size_t len;
	struct stat st;
	struct ctx c;
	int rc, ex;

	rc = ctx_open(o, !o->dry_run, &c, &e);
	if (rc)
		return fail(rc, &e);
	rc = flash_part_find(&c.img, (unsigned)o->side, part, &en, &e);
	if (!rc)
		rc = check_writable(o, &c.img, en, &e);
	if (!rc && stat(file, &st) < 0)
		rc = ras_errf(&e, -errno, "%s: %s", file, strerror(errno));
	if (!rc && (uint64_t)st.st_size > (ffs_entry_ecc(en) ? ecc_data_size(en->size) : en->size))
		rc = ras_errf(&e, -EFBIG,
			      "%s is %lld bytes; partition %s holds at most %llu bytes%s: refusing "
			      "to write it",
			      file, (long long)st.st_size, en->name,
			      (unsigned long long)(ffs_entry_ecc(en) ? ecc_data_size(en->size)
								     : en->size),
			      ffs_entry_ecc(en) ? " of data (ECC)" : "");
	if (!rc)
		rc = file_read_all(file, en->size, &img, &len, NULL, &e);
	if (!rc)
		rc = flash_part_build(en, img, len, &raw, &actual, &e);
	if (rc) {
		free(img);
		ctx_close(&c);
		return fail(rc, &e);
	}
	flash_record_init(&rec, "write", c.target);
	rec.partition = en->name;
	rec.side = o->side;
	rec.image = file;
	flash_sha256_hex(img, len, rec.sha256, NULL);
	ex = apply(o, &c, en, raw, actual, &rec, "write");
	free(img);
	free(raw);
	ctx_close(&c);
	return ex;
}

static int cmd_erase(const struct opts *o, const char *part)
{
	struct ras_err e = { "" };
	const struct ffs_entry *en;
	struct flash_op_rec rec;
	uint8_t *raw = NULL;
	struct ctx c;
	int rc, ex;

	rc = ctx_open(o, !o->dry_run, &c, &e);
	if (rc)
		return fail(rc, &e);
	rc = flash_part_find(&c.img, (unsigned)o->side, part, &en, &e);
	if (!rc)
		rc = check_writable(o, &c.img, en, &e);
	if (!rc)
		rc = flash_part_blank(en, &raw, &e);
	if (rc) {
		ctx_close(&c);
		return fail(rc, &e);
	}
	flash_record_init(&rec, "erase", c.target);
	rec.partition = en->name;
	rec.side = o->side;
	ex = apply(o, &c, en, raw, 0, &rec, "erase");
	free(raw);
	ctx_close(&c);
	return ex;
}

/* ---- guard --------------------------------------------------------------------------- */

static enum guard_chip chip_of(const struct opts *o)
{
	char p[4096];
	uint8_t *buf = NULL;
	size_t len;
	enum guard_chip c = GUARD_P9;

	if (o->chip)
		return (enum guard_chip)o->chip;
	if (root_path(p, sizeof(p), o->root, "proc/cpuinfo") ||
	    file_read_all(p, 1 << 20, &buf, &len, NULL, NULL))
		return c;
	if (strstr((char *)buf, "POWER10"))
		c = GUARD_P10;
	else if (strstr((char *)buf, "POWER8"))
		c = GUARD_P8;
	free(buf);
	return c;
}

static int guard_load(struct ctx *c, const struct opts *o, const struct ffs_entry **en,
		      uint8_t **data, size_t *dlen, struct guard_set *s, struct ras_err *e)
{
	struct flash_read_result r;
	int rc = flash_part_find(&c->img, (unsigned)o->side, "GUARD", en, e);

	if (rc)
		return rc;
	if (!ffs_entry_ecc(*en))
		return ras_errf(e, -EINVAL,
				"GUARD at 0x%llx is not flagged ECC (E); refusing to guess",
				(unsigned long long)(*en)->base);
	rc = flash_part_read(c->dev, *en, 0, true, &r, e);
	if (rc)
		return ras_err_prefix(e, rc,
				      "GUARD (`opal-flash guard clear all` rewrites it blank)");
	if (r.erased_tail && r.erased_at == 0) {
		free(r.data);
		return ras_errf(e, -EBADMSG,
				"GUARD at 0x%llx is erased (all 0xFF), which is not valid ECC; "
				"`opal-flash guard clear all` writes it blank",
				(unsigned long long)(*en)->base);
	}
	/* an erased tail after records reads as empty slots: pad back to the capacity */
	*dlen = (size_t)ecc_data_size((*en)->size);
	if (r.len < *dlen) {
		uint8_t *d = realloc(r.data, *dlen);

		if (!d) {
			free(r.data);
			return ras_errf(e, -ENOMEM, "out of memory");
		}
		memset(d + r.len, 0xFF, *dlen - r.len);
		r.data = d;
	}
	*data = r.data;
	rc = guard_parse(*data, *dlen, s, e);
	if (rc) {
		free(*data);
		*data = NULL;
	}
	return rc;
}

static int cmd_guard(const struct opts *o, int argc, char **argv)
{
	struct ras_err e = { "" };
	enum guard_chip chip = chip_of(o);
	const char *sub = argc > 0 ? argv[0] : "list";
	bool modify = !strcmp(sub, "create") || !strcmp(sub, "clear");
	const struct ffs_entry *en;
	struct guard_set s = { 0 };
	uint8_t *data = NULL, *raw = NULL;
	size_t dlen = 0;
	struct ctx c;
	int rc, ex = EX_OK;

	if (strcmp(sub, "list") && strcmp(sub, "show") && !modify) {
		fprintf(stderr, "%s: unknown guard command '%s' (list, show, create, clear)\n",
			prog, sub);
		return EX_USAGE;
	}
	if ((!strcmp(sub, "show") || modify) && argc < 2) {
		fprintf(stderr, "%s: guard %s needs an argument\n", prog, sub);
		return EX_USAGE;
	}
	rc = ctx_open(o, modify && !o->dry_run, &c, &e);
	if (rc)
		return fail(rc, &e);
	if (!strcmp(sub, "clear") && !strcmp(argv[1], "all")) {
		struct flash_op_rec rec;

		rc = flash_part_find(&c.img, (unsigned)o->side, "GUARD", &en, &e);
		if (!rc)
			rc = flash_part_blank(en, &raw, &e);
		if (rc) {
			ctx_close(&c);
			return fail(rc, &e);
		}
		flash_record_init(&rec, "guard-clear-all", c.target);
		rec.partition = en->name;
		rec.side = o->side;
		ex = apply(o, &c, en, raw, en->actual, &rec, "clear all GUARD records in");
		free(raw);
		ctx_close(&c);
		return ex;
	}
	rc = guard_load(&c, o, &en, &data, &dlen, &s, &e);
	if (rc) {
		ctx_close(&c);
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		return rc == -EBADMSG ? EX_ECC : exit_for(rc);
	}
	if (!strcmp(sub, "list")) {
		if (o->json) {
			struct json_writer w;

			json_init(&w, stdout, true);
			json_obj_begin(&w);
			json_kuint(&w, "capacity", s.cap);
			json_key(&w, "records");
			json_arr_begin(&w);
			for (size_t i = 0; i < s.n; i++)
				if (s.r[i].id != GUARD_ID_CLEARED)
					guard_rec_json(&w, &s.r[i], chip);
			json_arr_end(&w);
			json_obj_end(&w);
			json_end_doc(&w);
		} else {
			guard_list_text(stdout, &s, chip);
		}
	} else if (!strcmp(sub, "show")) {
		uint64_t id;
		const struct guard_rec *r;

		id = strtoull(argv[1], NULL, 16); /* opal-gard takes hex ids */
		r = guard_find(&s, (uint32_t)id);
		if (!r) {
			fprintf(stderr, "%s: no GUARD record with id 0x%08llx\n", prog,
				(unsigned long long)id);
			ex = EX_FAIL;
		} else if (o->json) {
			struct json_writer w;

			json_init(&w, stdout, true);
			guard_rec_json(&w, r, chip);
			json_end_doc(&w);
		} else {
			guard_show_text(stdout, r, chip);
		}
	} else {
		struct flash_op_rec rec;
		uint32_t actual;
		char what[128];

		if (!strcmp(sub, "create")) {
			struct guard_rec path, *nr;

			rc = guard_path_parse(argv[1], chip, &path, &e);
			if (!rc)
				rc = guard_create(&s, &path, &nr, &e);
			if (!rc)
				snprintf(what, sizeof(what), "create GUARD record 0x%08x for %s in",
					 nr->id, argv[1]);
		} else {
			uint32_t id = (uint32_t)strtoull(argv[1], NULL, 16);

			rc = guard_clear(&s, id, &e);
			snprintf(what, sizeof(what), "clear GUARD record 0x%08x in", id);
		}
		if (!rc)
			rc = guard_serialize(&s, data, dlen, &e);
		if (!rc)
			rc = flash_part_build(en, data, dlen, &raw, &actual, &e);
		if (rc) {
			ex = rc == -EINVAL ? EX_USAGE : exit_for(rc);
			fprintf(stderr, "%s: %s\n", prog, e.msg);
		} else {
			flash_record_init(&rec,
					  !strcmp(sub, "create") ? "guard-create" : "guard-clear",
					  c.target);
			rec.partition = en->name;
			rec.side = o->side;
			rec.image = argv[1];
			ex = apply(o, &c, en, raw, en->actual, &rec, what);
		}
	}
	free(raw);
	free(data);
	guard_set_free(&s);
	ctx_close(&c);
	return ex;
}

/* ---- update ---------------------------------------------------------------------------- */

static void print_levels(const struct fw_levels *lv)
{
	if (lv->have_mi) {
		printf("Current T side: %s\n", lv->cur_t);
		printf("Current P side: %s\n", lv->cur_p);
		printf("New T side:     %s\n", lv->new_t);
		printf("New P side:     %s\n", lv->new_p);
	}
	if (lv->have_ml) {
		printf("Current ML:     T %s  P %s\n", lv->ml_cur_t, lv->ml_cur_p);
		printf("New ML:         T %s  P %s\n", lv->ml_new_t, lv->ml_new_p);
	}
}

static int cmd_update(const struct opts *o, int argc, char **argv)
{
	struct ras_err e = { "" };
	const char *sub = argc > 0 ? argv[0] : "status";
	char mi[256], ml[256], target[4096];
	struct flash_op_rec rec;
	int rc, code = 0, ex = EX_OK;

	rc = fw_supported(o->root, &e);
	if (rc)
		return fail(rc, &e);
	root_path(target, sizeof(target), o->root, "sys/firmware/opal");
	fw_current_levels(o->root, mi, sizeof(mi), ml, sizeof(ml));
	if (!strcmp(sub, "status")) {
		rc = fw_update_status(o->root, &code, &e);
		if (rc)
			return fail(rc, &e);
		if (o->json) {
			struct json_writer w;

			json_init(&w, stdout, true);
			json_obj_begin(&w);
			json_kint(&w, "update_status", code);
			json_kstr(&w, "update_status_text",
				  code == 0 ? "image ready: will be flashed at the next reboot"
					    : fw_status_name(code));
			json_kstr(&w, "mi_version", mi);
			json_kstr(&w, "ml_version", ml);
			json_obj_end(&w);
			json_end_doc(&w);
		} else {
			printf("Update status:  %d (%s)\n", code,
			       code == 0 ? "image ready: will be flashed at the next reboot"
					 : fw_status_name(code));
			if (mi[0])
				printf("Firmware MI:    %s\n", mi);
			if (ml[0])
				printf("Firmware ML:    %s\n", ml);
		}
		return EX_OK;
	}
	if (!strcmp(sub, "validate")) {
		struct fw_validate v;
		uint8_t *img = NULL;
		size_t len = 0;
		char after[300];

		if (argc < 2) {
			fprintf(stderr, "%s: update validate needs IMAGE\n", prog);
			return EX_USAGE;
		}
		rc = file_read_all(argv[1], FW_IMAGE_MAX, &img, &len, NULL, &e);
		if (!rc)
			rc = fw_check_image(img, len, &e);
		if (rc) {
			free(img);
			return rc == -EINVAL
				       ? (fprintf(stderr, "%s: %s\n", prog, e.msg), EX_REFUSED)
				       : fail(rc, &e);
		}
		flash_record_init(&rec, "update-validate", target);
		rec.image = argv[1];
		flash_sha256_hex(img, len, rec.sha256, NULL);
		rec.version_before = mi[0] ? mi : NULL;
		if (o->dry_run) {
			printf("would write %zu bytes to %s/image and validate it\n", len, target);
			free(img);
			return EX_OK;
		}
		rc = fw_write_image(o->root, img, len, &e);
		free(img);
		if (!rc)
			rc = fw_validate(o->root, &v, o->timeout_ms, &e);
		if (rc) {
			rec.result = "failed";
			rec.rc = rc;
			rec.detail = e.msg;
			record(o, &rec);
			return fail(rc, &e);
		}
		if (v.status < 0) {
			snprintf(after, sizeof(after), "status %d: %s", v.status,
				 fw_status_name(v.status));
			rec.result = "error";
			rec.rc = v.status;
			rec.detail = after;
			ex = EX_FIRMWARE;
		} else {
			snprintf(after, sizeof(after), "MI %s %s; ML %s %s", v.lv.new_t, v.lv.new_p,
				 v.lv.ml_new_t, v.lv.ml_new_p);
			rec.version_after = v.lv.have_mi ? after : NULL;
			rec.result = fw_result_fatal(v.result) ? "rejected" : "ok";
			rec.rc = v.result;
			rec.detail = fw_result_text(v.result);
			ex = fw_result_fatal(v.result) ? EX_FIRMWARE : EX_OK;
		}
		record(o, &rec);
		if (o->json) {
			struct json_writer w;

			json_init(&w, stdout, true);
			json_obj_begin(&w);
			json_kstr(&w, "image", argv[1]);
			json_kstr(&w, "sha256", rec.sha256);
			if (v.status < 0) {
				json_kint(&w, "status", v.status);
				json_kstr(&w, "status_text", fw_status_name(v.status));
			} else {
				json_kint(&w, "result", v.result);
				json_kstr(&w, "result_text", fw_result_text(v.result));
				json_kbool(&w, "fatal", fw_result_fatal(v.result));
				if (v.lv.have_mi) {
					json_kstr(&w, "current_t", v.lv.cur_t);
					json_kstr(&w, "current_p", v.lv.cur_p);
					json_kstr(&w, "new_t", v.lv.new_t);
					json_kstr(&w, "new_p", v.lv.new_p);
				}
				if (v.lv.have_ml) {
					json_kstr(&w, "ml_current_t", v.lv.ml_cur_t);
					json_kstr(&w, "ml_current_p", v.lv.ml_cur_p);
					json_kstr(&w, "ml_new_t", v.lv.ml_new_t);
					json_kstr(&w, "ml_new_p", v.lv.ml_new_p);
				}
			}
			json_obj_end(&w);
			json_end_doc(&w);
		} else if (v.status < 0) {
			fprintf(stderr, "%s: validation failed: status %d: %s\n", prog, v.status,
				fw_status_name(v.status));
		} else {
			printf("Validation result %d: %s\n", v.result, fw_result_text(v.result));
			print_levels(&v.lv);
		}
		return ex;
	}
	if (!strcmp(sub, "commit") || !strcmp(sub, "reject")) {
		bool commit = !strcmp(sub, "commit");
		char q[128], det[160];

		snprintf(q, sizeof(q), "%s the temporary firmware side",
			 commit ? "Commit (T -> P)" : "Reject (P -> T)");
		if (o->dry_run) {
			printf("would write %d to %s/manage_flash\n", commit, target);
			return EX_OK;
		}
		if (confirm(o, q))
			return EX_REFUSED;
		flash_record_init(&rec, commit ? "update-commit" : "update-reject", target);
		rec.version_before = mi[0] ? mi : NULL;
		rc = fw_manage(o->root, commit, &code, o->timeout_ms, &e);
		if (rc) {
			rec.result = "failed";
			rec.rc = rc;
			rec.detail = e.msg;
			record(o, &rec);
			return fail(rc, &e);
		}
		snprintf(det, sizeof(det), "%s", code ? fw_status_name(code) : "success");
		rec.result = code ? "error" : "ok";
		rec.rc = code;
		rec.detail = det;
		record(o, &rec);
		if (code) {
			fprintf(stderr, "%s: %s failed: %d (%s)\n", prog, sub, code,
				fw_status_name(code));
			return EX_FIRMWARE;
		}
		printf("%s: done\n", sub);
		return EX_OK;
	}
	if (!strcmp(sub, "schedule")) {
		bool cancel = argc > 1 && !strcmp(argv[1], "--cancel");
		char det[160];

		if (o->dry_run) {
			printf("would write %d to %s/update_flash\n", !cancel, target);
			return EX_OK;
		}
		if (!cancel && confirm(o, "Flash the validated image at the next reboot"))
			return EX_REFUSED;
		flash_record_init(&rec, cancel ? "update-cancel" : "update-schedule", target);
		rec.version_before = mi[0] ? mi : NULL;
		rc = fw_update(o->root, !cancel, &code, o->timeout_ms, &e);
		if (rc) {
			rec.result = "failed";
			rec.rc = rc;
			rec.detail = e.msg;
			record(o, &rec);
			return fail(rc, &e);
		}
		snprintf(det, sizeof(det), "%s",
			 code == 0 ? "image ready: will be flashed at the next reboot"
				   : fw_status_name(code));
		rec.result = (code == 0 || (cancel && code == FW_NO_OP)) ? "ok" : "error";
		rec.rc = code;
		rec.detail = det;
		record(o, &rec);
		if (!strcmp(rec.result, "ok")) {
			printf("%s\n", cancel ? "scheduled update cancelled" : det);
			if (!cancel)
				printf("Reboot normally (not with kexec, which skips the firmware "
				       "flash) to apply it.\n");
			return EX_OK;
		}
		fprintf(stderr, "%s: schedule failed: %d (%s)\n", prog, code, fw_status_name(code));
		return EX_FIRMWARE;
	}
	fprintf(stderr,
		"%s: unknown update command '%s' (validate, commit, reject, schedule, status)\n",
		prog, sub);
	return EX_USAGE;
}

/* ---- create ------------------------------------------------------------------------------ */

static int cmd_create(const struct opts *o, const char *layout, uint64_t size, uint64_t bs)
{
	struct ras_err e = { "" };
	struct ffs_layout *l = calloc(1, sizeof(*l));
	uint8_t *text = NULL, *img = NULL;
	char dir[4096];
	const char *slash;
	size_t len;
	int rc;

	if (!o->file) {
		free(l);
		fprintf(stderr, "%s: create needs -F IMAGE (the file to create)\n", prog);
		return EX_USAGE;
	}
	if (!o->force && access(o->file, F_OK) == 0) {
		free(l);
		fprintf(stderr, "%s: %s exists; pass --force to replace it\n", prog, o->file);
		return EX_REFUSED;
	}
	snprintf(dir, sizeof(dir), "%s", layout);
	slash = strrchr(dir, '/');
	if (slash)
		dir[slash - dir] = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	rc = l ? 0 : ras_errf(&e, -ENOMEM, "out of memory");
	if (!rc)
		rc = file_read_all(layout, 1 << 20, &text, &len, NULL, &e);
	if (!rc)
		rc = ffs_layout_parse((const char *)text, len, l, &e);
	if (!rc && (size > (1ull << 32) || !size))
		rc = ras_errf(&e, -EINVAL, "--flash-size must be 1 byte..4 GiB");
	if (!rc && !(img = malloc(size)))
		rc = ras_errf(&e, -ENOMEM, "out of memory");
	if (!rc)
		rc = ffs_build(l, (uint32_t)bs, img, size, dir, &e);
	if (!rc)
		rc = file_write_atomic(o->file, img, size, 0644, &e);
	free(text);
	free(img);
	free(l);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, e.msg);
		return rc == -EINVAL ? EX_USAGE : EX_FAIL;
	}
	return EX_OK;
}

/* ---- main ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	enum {
		O_DEVICE = 256,
		O_ROOT,
		O_ERASE,
		O_TOC,
		O_FORMAT,
		O_ECC,
		O_ACTUAL,
		O_CHIP,
		O_DB,
		O_NOREC,
		O_PROG,
		O_NOPROG,
		O_TIMEOUT,
		O_CANCEL,
		O_FSIZE,
		O_BSIZE
	};
	static const struct option lo[] = {
		{ "file", required_argument, NULL, 'F' },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "root", required_argument, NULL, O_ROOT },
		{ "erase-block", required_argument, NULL, O_ERASE },
		{ "side", required_argument, NULL, 'S' },
		{ "toc", required_argument, NULL, O_TOC },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "ecc", no_argument, NULL, O_ECC },
		{ "size", required_argument, NULL, 's' },
		{ "actual", no_argument, NULL, O_ACTUAL },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },
		{ "chip", required_argument, NULL, O_CHIP },
		{ "db", required_argument, NULL, O_DB },
		{ "no-record", no_argument, NULL, O_NOREC },
		{ "progress", no_argument, NULL, O_PROG },
		{ "no-progress", no_argument, NULL, O_NOPROG },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "cancel", no_argument, NULL, O_CANCEL },
		{ "flash-size", required_argument, NULL, O_FSIZE },
		{ "block-size", required_argument, NULL, O_BSIZE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.root = "/", .db = STORE_DEFAULT_PATH, .side = 0, .progress = -1, .timeout_ms = 5000
	};
	const char *out = NULL;
	bool cancel = false;
	char *pos[8];
	int npos = 0, c;
	uint64_t v, fsize = 64ull << 20, bsize = 0x1000;

	while ((c = getopt_long(argc, argv, "-F:S:o:s:nyfh", lo, NULL)) != -1) {
		switch (c) {
		case 1:
			if (npos == 8) {
				fprintf(stderr, "%s: too many arguments\n", prog);
				return EX_USAGE;
			}
			pos[npos++] = optarg;
			break;
		case 'F':
			o.file = optarg;
			break;
		case O_DEVICE:
			o.device = optarg;
			break;
		case O_ROOT:
			o.root = optarg;
			break;
		case O_ERASE:
			if (!parse_u64(optarg, &v) || !v || v > (1u << 24) || (v & (v - 1))) {
				fprintf(stderr,
					"%s: --erase-block wants a power of two up to 16 MiB\n",
					prog);
				return EX_USAGE;
			}
			o.erase_size = (uint32_t)v;
			break;
		case 'S':
			if (!parse_u64(optarg, &v) || v >= FFS_MAX_SIDES) {
				fprintf(stderr, "%s: --side wants 0..%d\n", prog,
					FFS_MAX_SIDES - 1);
				return EX_USAGE;
			}
			o.side = (int)v;
			break;
		case O_TOC:
			if (!parse_u64(optarg, &o.toc)) {
				fprintf(stderr, "%s: --toc wants an offset\n", prog);
				return EX_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case O_FORMAT:
			o.format = optarg;
			break;
		case O_ECC:
			o.ecc = true;
			break;
		case 's':
			if (!parse_u64(optarg, &o.size) || !o.size) {
				fprintf(stderr, "%s: --size wants a positive number\n", prog);
				return EX_USAGE;
			}
			break;
		case O_ACTUAL:
			o.actual = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'y':
			o.yes = true;
			break;
		case 'f':
			o.force = true;
			break;
		case O_CHIP:
			if (!strcasecmp(optarg, "p8"))
				o.chip = GUARD_P8;
			else if (!strcasecmp(optarg, "p9"))
				o.chip = GUARD_P9;
			else if (!strcasecmp(optarg, "p10"))
				o.chip = GUARD_P10;
			else {
				fprintf(stderr, "%s: --chip wants p8, p9 or p10\n", prog);
				return EX_USAGE;
			}
			break;
		case O_DB:
			o.db = optarg;
			break;
		case O_NOREC:
			o.no_record = true;
			break;
		case O_PROG:
			o.progress = 1;
			break;
		case O_NOPROG:
			o.progress = 0;
			break;
		case O_TIMEOUT:
			if (!parse_u64(optarg, &v) || v > 600000) {
				fprintf(stderr, "%s: --timeout wants milliseconds\n", prog);
				return EX_USAGE;
			}
			o.timeout_ms = (int)v;
			break;
		case O_FSIZE:
			if (!parse_u64(optarg, &fsize) || !fsize) {
				fprintf(stderr, "%s: --flash-size wants a size in bytes\n", prog);
				return EX_USAGE;
			}
			break;
		case O_BSIZE:
			if (!parse_u64(optarg, &bsize) || !bsize || (bsize & (bsize - 1)) ||
			    bsize > (1u << 24)) {
				fprintf(stderr, "%s: --block-size wants a power of two\n", prog);
				return EX_USAGE;
			}
			break;
		case O_CANCEL:
			cancel = true;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (!npos) {
		usage(stderr);
		return EX_USAGE;
	}
	if (o.file && o.device) {
		fprintf(stderr, "%s: -F and --device are exclusive\n", prog);
		return EX_USAGE;
	}
	/* -o is the output file of `read`, the output format elsewhere */
	if (!strcmp(pos[0], "read"))
		o.out_file = out;
	else if (out && !o.format)
		o.format = out;
	if (o.format && strcmp(o.format, "text") && strcmp(o.format, "json")) {
		fprintf(stderr, "%s: output format must be text or json\n", prog);
		return EX_USAGE;
	}
	o.json = o.format && !strcmp(o.format, "json");
	if (cancel && npos < 8)
		pos[npos++] = "--cancel";

	if (!strcmp(pos[0], "info") && npos == 1)
		return cmd_info(&o);
	if (!strcmp(pos[0], "verify") && npos == 1)
		return cmd_verify(&o);
	if (!strcmp(pos[0], "read") && npos == 2)
		return cmd_read(&o, pos[1]);
	if (!strcmp(pos[0], "write") && npos == 3)
		return cmd_write(&o, pos[1], pos[2]);
	if (!strcmp(pos[0], "erase") && npos == 2)
		return cmd_erase(&o, pos[1]);
	if (!strcmp(pos[0], "create") && npos == 2)
		return cmd_create(&o, pos[1], fsize, bsize);
	if (!strcmp(pos[0], "guard"))
		return cmd_guard(&o, npos - 1, pos + 1);
	if (!strcmp(pos[0], "update"))
		return cmd_update(&o, npos - 1, pos + 1);
	fprintf(stderr, "%s: unknown command or wrong arguments: %s (see --help)\n", prog, pos[0]);
	return EX_USAGE;
}
