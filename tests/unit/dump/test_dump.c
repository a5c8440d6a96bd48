/*
 * test_dump.c - unit tests of dump/: header parse (ppc64-diag fixtures and synthetic
 * headers), listing and id resolution, the streaming fetch on fake sources (EIO retries,
 * short and overlong sources, hashes, zstd), policy refusals, partial-file clean-up,
 * pruning, the dump event, and opal-sim's dump module functions.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zstd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "dump/dump.h"
#include "errlog/yaml_doc.h"
#include "sim/sim_dump.h"

static char tmpd[64];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void setup(void)
{
	strcpy(tmpd, "/tmp/dump-unit.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpd));
}

static void teardown(void)
{
	nftw(tmpd, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t md[32];
	unsigned len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static size_t count_files(const char *dir, const char *prefix)
{
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/* ---- a fake source: a buffer, with scripted EIO and chunking ------------------------ */

struct fake {
	const uint8_t *data;
	size_t len; /* bytes the source really has */
	unsigned eio_at0; /* EIO this many times on the first read */
	uint64_t eio_off; /* also EIO once at this offset (0 = never) */
	bool eio_forever;
	size_t max_read; /* cap per read (0 = none) */
	unsigned reads;
};

static ssize_t fake_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct fake *f = ctx;

	f->reads++;
	if (f->eio_forever)
		return -EIO;
	if (off == 0 && f->eio_at0) {
		f->eio_at0--;
		return -EIO;
	}
	if (f->eio_off && off == f->eio_off) {
		f->eio_off = 0;
		return -EIO;
	}
	if (off >= f->len)
		return 0;
	if (len > f->len - off)
		len = f->len - off;
	if (f->max_read && len > f->max_read)
		len = f->max_read;
	memcpy(buf, f->data + off, len);
	return (ssize_t)len;
}

static struct dump_source fake_src(struct fake *f, uint64_t size)
{
	struct dump_source s = { .ctx = f, .read = fake_read, .close = NULL, .size = size };
	return s;
}

static void test_policy(struct dump_policy *p, const char *sub)
{
	dump_policy_init(p);
	snprintf(p->dir, sizeof(p->dir), "%s/%s", tmpd, sub);
	p->min_free_bytes = 0;
	p->eio_delay_ms = 1;
	p->eio_retries = 3;
	p->chunk = 64 * 1024;
}

static uint8_t *pattern(size_t n, uint32_t type, uint32_t id)
{
	uint8_t *b = malloc(n);
	cr_assert_not_null(b);
	sim_dump_fill(b, n, 0, type, id, false);
	return b;
}

static struct dump_entry entry(const char *name, uint32_t type, uint32_t id, uint64_t size)
{
	struct dump_entry en;

	memset(&en, 0, sizeof(en));
	snprintf(en.name, sizeof(en.name), "%s", name);
	en.type = type;
	en.id = id;
	en.size = size;
	return en;
}

/* ---- header ------------------------------------------------------------------------ */

Test(header, ppc64_diag_fixtures)
{
	const char *names[] = { "0xffffffff-0x01", "0xffffffff-0x02" };
	const char *want[] = { "platform.0x01", "platform.0x02" };

	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX];
		struct dump_header h;
		struct ras_err e;
		uint64_t size;

		snprintf(path, sizeof(path), "%s/pel/ppc64-diag-sysfs/firmware/opal/dump/%s/dump",
			 SHARED_DATA_DIR, names[i]);
		if (access(path, R_OK))
			cr_skip_test("shared data absent: %s", path);
		cr_assert_eq(dump_header_read_file(path, &h, &size, &e), 0, "%s", e.msg);
		cr_assert_eq(size, 512);
		cr_assert_not(h.partial);
		cr_assert_str_eq(h.fname, want[i]);
		cr_assert(h.fname_ok);
		cr_assert_str_eq(h.suggested, want[i]);
		cr_assert_eq(h.prefix_size, 0x3432);
		cr_assert_eq(h.dirsize, 0);
		cr_assert_not(h.label_ok, "the fixture's label is zero");
		cr_assert_eq(h.n_warnings, 1);
	}
}

Test(header, synthetic_good)
{
	uint8_t hdr[SIM_DUMP_HDR_LEN];
	struct dump_header h;

	sim_dump_header(hdr, 2, 0x1234);
	dump_header_parse(hdr, sizeof(hdr), "0x2-0x1234", &h);
	cr_assert(h.label_ok);
	cr_assert_str_eq(h.label, "FILE");
	cr_assert_eq(h.dirsize, 1);
	cr_assert_eq(h.type, 2);
	cr_assert_eq(h.prefix_size, 64);
	cr_assert_str_eq(h.fname, "SYSDUMP.SIM2.00001234.20261125000000");
	cr_assert_str_eq(h.suggested, h.fname);
	cr_assert_eq(h.n_warnings, 0);
}

Test(header, short_inputs_fall_back)
{
	uint8_t hdr[SIM_DUMP_HDR_LEN];
	struct dump_header h;

	sim_dump_header(hdr, 1, 7);
	dump_header_parse(NULL, 0, "0x1-0x7", &h);
	cr_assert(h.partial);
	cr_assert_str_eq(h.suggested, "platform.0x1-0x7.PARTIAL");
	cr_assert_not(h.label_ok);

	dump_header_parse(hdr, 0x16, "0x1-0x7", &h);
	cr_assert(h.partial);
	cr_assert(h.label_ok);
	cr_assert_eq(h.type, 1);
	cr_assert_eq(h.prefix_size, 0, "0x16..0x17 not in the input");
	cr_assert_str_eq(h.suggested, "platform.0x1-0x7.PARTIAL");

	/* Name cut by the end of input: not usable. */
	dump_header_parse(hdr, 0x20, NULL, &h);
	cr_assert_eq(h.prefix_size, 64);
	cr_assert_not(h.fname_ok);
	cr_assert_str_eq(h.fname, "SYSDUMP.");
	cr_assert_str_eq(h.suggested, "platform.dumpid.PARTIAL");
}

Test(header, hostile_names)
{
	uint8_t hdr[SIM_DUMP_HDR_LEN];
	struct dump_header h;

	sim_dump_header(hdr, 2, 1);
	memset(hdr + 0x18, 0, 40);
	memcpy(hdr + 0x18, "../../etc/passwd", 16);
	dump_header_parse(hdr, sizeof(hdr), "x", &h);
	cr_assert_not(h.fname_ok);
	cr_assert_str_eq(h.suggested, "platform.x.PARTIAL");

	memset(hdr + 0x18, 0, 40);
	memcpy(hdr + 0x18, "bad\x01name", 8);
	dump_header_parse(hdr, sizeof(hdr), "x", &h);
	cr_assert_not(h.fname_ok);
	cr_assert_str_eq(h.fname, "bad?name");

	memset(hdr + 0x18, 'A', 40); /* no NUL in the full field: 40 characters */
	dump_header_parse(hdr, sizeof(hdr), "x", &h);
	cr_assert(h.fname_ok);
	cr_assert_eq(strlen(h.fname), 40);
}

/* ---- sysfs listing, resolve, ack, initiate ------------------------------------------ */

static void mk_dump(const char *root, uint32_t type, uint32_t id, uint64_t size)
{
	struct sim_dump_spec s = { .type = type, .id = id, .size = size };
	char name[64];
	struct ras_err e;

	cr_assert_eq(sim_dump_create(root, &s, name, sizeof(name), &e), 0, "%s", e.msg);
}

Test(sysfs, absent_dir_is_unsupported, .init = setup, .fini = teardown)
{
	struct dump_entry *v, en;
	struct ras_err e;
	size_t n;

	cr_assert_eq(dump_list(tmpd, &v, &n, &e), -EOPNOTSUPP);
	cr_assert(strstr(e.msg, "not supported on this system"), "%s", e.msg);
	cr_assert_eq(dump_resolve(tmpd, "0x1", &en, &e), -EOPNOTSUPP);
	cr_assert_eq(dump_initiate(tmpd, &e), -EOPNOTSUPP);
	cr_assert(strstr(e.msg, "not supported on this system"), "%s", e.msg);
}

Test(sysfs, list_and_resolve, .init = setup, .fini = teardown)
{
	struct dump_entry *v, en;
	struct ras_err e;
	size_t n;

	mk_dump(tmpd, 2, 5, 1000);
	mk_dump(tmpd, 1, 5, 2000);
	mk_dump(tmpd, 3, 0x1a, 3000);
	cr_assert_eq(dump_list(tmpd, &v, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(v[0].name, "0x1-0x5");
	cr_assert_eq(v[0].size, 2000);
	cr_assert_str_eq(v[1].name, "0x2-0x5");
	cr_assert_eq(v[1].type, 2);
	cr_assert_eq(v[1].id, 5);
	cr_assert_str_eq(v[2].name, "0x3-0x1a");
	free(v);

	cr_assert_eq(dump_resolve(tmpd, "0x2-0x5", &en, &e), 0);
	cr_assert_eq(en.size, 1000);
	cr_assert_eq(dump_resolve(tmpd, "2-5", &en, &e), 0);
	cr_assert_str_eq(en.name, "0x2-0x5");
	cr_assert_eq(dump_resolve(tmpd, "0x02-0x005", &en, &e), 0);
	cr_assert_str_eq(en.name, "0x2-0x5");
	cr_assert_eq(dump_resolve(tmpd, "1a", &en, &e), 0, "bare ids are hex");
	cr_assert_str_eq(en.name, "0x3-0x1a");
	cr_assert_eq(dump_resolve(tmpd, "0x5", &en, &e), -EEXIST);
	cr_assert(strstr(e.msg, "0x1-0x5") && strstr(e.msg, "0x2-0x5"), "%s", e.msg);
	cr_assert_eq(dump_resolve(tmpd, "0x6", &en, &e), -ENOENT);
	cr_assert_eq(dump_resolve(tmpd, "zz", &en, &e), -EINVAL);
}

Test(sysfs, fixture_type_fallback, .init = setup, .fini = teardown)
{
	char dir[PATH_MAX];
	struct dump_entry *v;
	struct ras_err e;
	size_t n;

	/* type file "0xffffffff", id "0x01": numbers parsed base 0, never string-compared */
	snprintf(dir, sizeof(dir), "%s/sys/firmware/opal/dump/0xffffffff-0x01", tmpd);
	cr_assert_eq(mkdir_p(dir, 0755), 0);
	cr_assert_eq(file_write_atomic(strcat(dir, "/type"), "0xffffffff\n", 11, 0444, &e), 0);
	dir[strlen(dir) - 5] = 0;
	cr_assert_eq(file_write_atomic(strcat(dir, "/id"), "0x01\n", 5, 0444, &e), 0);
	dir[strlen(dir) - 3] = 0;
	cr_assert_eq(file_write_atomic(strcat(dir, "/dump"), "abc", 3, 0444, &e), 0);
	cr_assert_eq(dump_list(tmpd, &v, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(v[0].type, DUMP_TYPE_UNKNOWN);
	cr_assert_eq(v[0].id, 1);
	cr_assert_str_eq(dump_type_name(v[0].type), "unknown");
	free(v);
}

Test(sysfs, ack_and_initiate_write, .init = setup, .fini = teardown)
{
	char path[PATH_MAX], buf[64];
	struct ras_err e;

	mk_dump(tmpd, 2, 9, 100);
	cr_assert_eq(dump_ack(tmpd, "0x2-0x9", &e), 0, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/0x2-0x9/acknowledge", tmpd);
	cr_assert_eq(file_read_str(path, buf, sizeof(buf), &e), 0);
	cr_assert_eq(strncmp(buf, "ack\n", 4), 0, "%s", buf);
	cr_assert_eq(dump_ack(tmpd, "0x2-0x8", &e), -ENOENT);
	cr_assert_eq(dump_ack(tmpd, "../x", &e), -EINVAL);

	cr_assert_eq(sim_module_dump.init(tmpd, &e), 0, "%s", e.msg);
	cr_assert_eq(dump_initiate(tmpd, &e), 0, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/initiate_dump", tmpd);
	cr_assert_eq(file_read_str(path, buf, sizeof(buf), &e), 0);
	cr_assert_eq(buf[0], '1');
}

/* ---- fetch on fake sources ----------------------------------------------------------- */

Test(fetch, hash_and_name, .init = setup, .fini = teardown)
{
	size_t n = 300 * 1024 + 17;
	uint8_t *d = pattern(n, 2, 5);
	struct fake f = { .data = d, .len = n, .max_read = 4096 };
	struct dump_source s = fake_src(&f, n);
	struct dump_entry en = entry("0x2-0x5", 2, 5, n);
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	char want[65], path[PATH_MAX];
	uint8_t *back;
	size_t blen;

	test_policy(&p, "out");
	sha256_hex(d, n, want);
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), 0, "%s", e.msg);
	cr_assert(r.stored);
	cr_assert_not(r.refused);
	cr_assert_str_eq(r.sha256, want);
	cr_assert_eq(r.size, n);
	cr_assert_eq(r.stored_bytes, n);
	cr_assert_eq(r.eio_retries, 0);
	snprintf(path, sizeof(path),
		 "%s/out/dump.0x2-0x5.%.12s.SYSDUMP.SIM2.00000005.20261125000000", tmpd, want);
	cr_assert_str_eq(r.path, path);
	cr_assert_eq(file_read_all(r.path, n + 10, &back, &blen, NULL, &e), 0);
	cr_assert_eq(blen, n);
	cr_assert_eq(memcmp(back, d, n), 0);
	cr_assert_eq(count_files(p.dir, ".partial"), 0);
	free(back);
	free(d);
}

Test(fetch, eio_first_read_is_retried, .init = setup, .fini = teardown)
{
	size_t n = 200000;
	uint8_t *d = pattern(n, 2, 6);
	struct fake f = { .data = d, .len = n, .eio_at0 = 2, .eio_off = 128 * 1024 };
	struct dump_source s = fake_src(&f, n);
	struct dump_entry en = entry("0x2-0x6", 2, 6, n);
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	char want[65];

	test_policy(&p, "out");
	sha256_hex(d, n, want);
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.eio_retries, 3);
	cr_assert_str_eq(r.sha256, want);
	free(d);
}

Test(fetch, eio_forever_fails_cleanly, .init = setup, .fini = teardown)
{
	uint8_t d[100] = { 0 };
	struct fake f = { .data = d, .len = sizeof(d), .eio_forever = true };
	struct dump_source s = fake_src(&f, sizeof(d));
	struct dump_entry en = entry("0x2-0x7", 2, 7, sizeof(d));
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;

	test_policy(&p, "out");
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), -EIO);
	cr_assert(r.refused);
	cr_assert_not(r.stored);
	cr_assert_eq(f.reads, p.eio_retries + 1, "bounded retries, got %u reads", f.reads);
	cr_assert(strstr(r.reason, "EIO 4 times"), "%s", r.reason);
	cr_assert_eq(count_files(p.dir, ".partial"), 0, "the temporary file is removed");
	cr_assert_eq(count_files(p.dir, "dump."), 0);
}

Test(fetch, short_and_long_sources_fail, .init = setup, .fini = teardown)
{
	size_t n = 10000;
	uint8_t *d = pattern(n, 2, 8);
	struct fake f = { .data = d, .len = n - 100 };
	struct dump_source s = fake_src(&f, n);
	struct dump_entry en = entry("0x2-0x8", 2, 8, n);
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;

	test_policy(&p, "out");
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), -EIO);
	cr_assert(strstr(e.msg, "ended at offset 9900, expected 10000"), "%s", e.msg);
	cr_assert(r.refused);

	f.len = n; /* the source has more than it announced */
	s = fake_src(&f, n - 1);
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), -EIO);
	cr_assert(strstr(e.msg, "grew"), "%s", e.msg);
	cr_assert_eq(count_files(p.dir, ".partial"), 0);
	cr_assert_eq(count_files(p.dir, "dump."), 0);
	free(d);
}

Test(fetch, zstd_round_trip, .init = setup, .fini = teardown)
{
	size_t n = 500000;
	uint8_t *d = pattern(n, 2, 9), *comp, *out = malloc(n + 1);
	struct fake f = { .data = d, .len = n };
	struct dump_source s = fake_src(&f, n);
	struct dump_entry en = entry("0x2-0x9", 2, 9, n);
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	struct dump_header h;
	char want[65];
	size_t clen;
	uint64_t fsz;

	test_policy(&p, "out");
	p.compress = DUMP_COMPRESS_ZSTD;
	sha256_hex(d, n, want);
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), 0, "%s", e.msg);
	cr_assert(r.compressed);
	cr_assert_str_eq(r.sha256, want, "the hash is of the dump, not the compressed file");
	cr_assert(strstr(r.path, ".zst"));
	cr_assert_eq(file_read_all(r.path, 10 << 20, &comp, &clen, NULL, &e), 0);
	cr_assert_eq(clen, r.stored_bytes);
	cr_assert_eq(ZSTD_decompress(out, n + 1, comp, clen), n);
	cr_assert_eq(memcmp(out, d, n), 0);
	cr_assert_eq(dump_header_read_file(r.path, &h, &fsz, &e), 0);
	cr_assert(h.label_ok, "parse reads through zstd");
	cr_assert_str_eq(h.fname, "SYSDUMP.SIM2.00000009.20261125000000");
	free(comp);
	free(out);
	free(d);
}

Test(fetch, policy_refusals, .init = setup, .fini = teardown)
{
	size_t n = 4096;
	uint8_t *d = pattern(n, 2, 10);
	struct fake f = { .data = d, .len = n };
	struct dump_source s = fake_src(&f, n);
	struct dump_entry en = entry("0x2-0xa", 2, 10, n);
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;

	test_policy(&p, "out");
	p.min_free_bytes = UINT64_MAX / 2;
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), -ENOSPC);
	cr_assert(r.refused);
	cr_assert(strstr(r.reason, "not enough free space"), "%s", r.reason);
	cr_assert_eq(f.reads, 0, "nothing read from firmware when refusing");

	p.min_free_bytes = 0;
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), 0, "%s", e.msg);
	p.max_total_bytes = n + 10; /* one stored already: another does not fit */
	struct dump_entry en2 = entry("0x2-0xb", 2, 11, n);
	cr_assert_eq(dump_fetch(&s, &en2, &p, &r, &e), -EFBIG);
	cr_assert(strstr(r.reason, "exceed the maximum"), "%s", r.reason);
	p.no_space_check = true;
	f.reads = 0;
	cr_assert_eq(dump_fetch(&s, &en2, &p, &r, &e), 0, "%s", e.msg);
	free(d);
}

Test(fetch, stale_partials_cleaned, .init = setup, .fini = teardown)
{
	uint8_t d[64];
	struct fake f = { .data = d, .len = sizeof(d) };
	struct dump_source s = fake_src(&f, sizeof(d));
	struct dump_entry en = entry("0x2-0xc", 2, 12, sizeof(d));
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	char path[PATH_MAX];
	int fd;

	sim_dump_fill(d, sizeof(d), 0, 2, 12, false);
	test_policy(&p, "out");
	cr_assert_eq(mkdir_p(p.dir, 0755), 0);
	/* A dead fetcher's leftover (pid far above pid_max) and a live one (ours). */
	snprintf(path, sizeof(path), "%s/.partial.0x2-0xc.2147483600", p.dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	snprintf(path, sizeof(path), "%s/.partial.0x2-0xc.%d", p.dir, (int)getppid());
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	cr_assert_eq(dump_fetch(&s, &en, &p, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(count_files(p.dir, ".partial"), 1, "only the live fetcher's file remains");
	cr_assert_eq(access(path, F_OK), 0);
}

Test(fetch, retrieve_from_sim_tree, .init = setup, .fini = teardown)
{
	struct sim_dump_spec s = { .type = 2, .id = 0x42, .size = 3 << 20, .sparse = true };
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	char name[64];

	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	test_policy(&p, "out");
	cr_assert_eq(dump_retrieve(tmpd, "0x42", &p, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.size, 3 << 20);
	cr_assert_eq(sim_dump_verify(r.path, 2, 0x42, true, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(sim_dump_verify(r.path, 2, 0x42, false, NULL, &e), -EBADMSG);
	/* the dump is still offered: retrieve never acks */
	struct dump_entry en;
	cr_assert_eq(dump_resolve(tmpd, name, &en, &e), 0);
}

Test(fetch, sim_eio_marker_needs_env, .init = setup, .fini = teardown)
{
	struct sim_dump_spec s = { .type = 2, .id = 3, .size = 10000, .eio_first = true };
	struct dump_policy p;
	struct dump_result r;
	struct ras_err e;
	char name[64], marker[PATH_MAX];

	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	snprintf(marker, sizeof(marker), "%s/.sim/dump-eio/%s", tmpd, name);
	cr_assert_eq(access(marker, F_OK), 0);
	test_policy(&p, "out");
	unsetenv("OPAL_RAS_SIM_FAULTS");
	cr_assert_eq(dump_retrieve(tmpd, name, &p, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(r.eio_retries, 0, "without the variable the product ignores .sim/");
	setenv("OPAL_RAS_SIM_FAULTS", "1", 1);
	cr_assert_eq(dump_retrieve(tmpd, name, &p, &r, &e), 0, "%s", e.msg);
	unsetenv("OPAL_RAS_SIM_FAULTS");
	cr_assert_eq(r.eio_retries, 1);
	cr_assert_neq(access(marker, F_OK), 0, "the marker is consumed");
	cr_assert_eq(sim_dump_verify(r.path, 2, 3, false, NULL, &e), 0, "%s", e.msg);
}

/* ---- store: prune ---------------------------------------------------------------------- */

static void mk_file(const char *dir, const char *name, size_t bytes, int64_t age_s)
{
	char path[PATH_MAX];
	struct timeval tv[2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec -= age_s;
	tv[1] = tv[0];
	cr_assert_eq(utimes(path, tv), 0);
}

struct names {
	char v[8][64];
	int n;
};

static void collect(const struct dump_stored *s, void *arg)
{
	struct names *nm = arg;
	if (nm->n < 8)
		snprintf(nm->v[nm->n++], 64, "%s", s->name);
}

Test(store, prune_by_age_and_total, .init = setup, .fini = teardown)
{
	struct dump_prune_opts o = { 0 };
	struct names nm = { .n = 0 };
	struct ras_err e;
	uint64_t total;

	mk_file(tmpd, "dump.a", 1000, 40 * 86400);
	mk_file(tmpd, "dump.b", 1000, 20 * 86400);
	mk_file(tmpd, "dump.c", 1000, 10 * 86400);
	mk_file(tmpd, "dump.d", 1000, 1 * 86400);
	mk_file(tmpd, "other", 5000, 90 * 86400); /* not ours: never touched */
	mk_file(tmpd, ".partial.0x2-0x1.2147483600", 10, 0);
	cr_assert_eq(dump_stored_total(tmpd, &total, &e), 0);
	cr_assert_eq(total, 4000);

	o.max_age_us = 30ll * 86400 * 1000000;
	o.dry_run = true;
	cr_assert_eq(dump_prune(tmpd, &o, collect, &nm, &e), 1);
	cr_assert_str_eq(nm.v[0], "dump.a");
	cr_assert_eq(count_files(tmpd, "dump."), 4, "dry run removes nothing");

	nm.n = 0;
	o.dry_run = false;
	o.max_total = 1500;
	cr_assert_eq(dump_prune(tmpd, &o, collect, &nm, &e), 3);
	cr_assert_str_eq(nm.v[0], "dump.a");
	cr_assert_str_eq(nm.v[1], "dump.b");
	cr_assert_str_eq(nm.v[2], "dump.c");
	cr_assert_eq(count_files(tmpd, "dump."), 1);
	cr_assert_eq(count_files(tmpd, "other"), 1);
	cr_assert_eq(count_files(tmpd, ".partial"), 0, "dead fetchers' partials removed");
}

/* ---- event ------------------------------------------------------------------------------ */

static const char *attr(const struct ras_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->n_attrs; i++)
		if (!strcmp(ev->attrs[i].name, name))
			return ev->attrs[i].value;
	return NULL;
}

Test(event, stored_and_refused)
{
	struct dump_result r;
	struct dump_event de;

	memset(&r, 0, sizeof(r));
	r.entry = entry("0x2-0x5", 2, 5, 4096);
	r.stored = true;
	r.size = 4096;
	r.stored_bytes = 4096;
	strcpy(r.path, "/var/lib/opal-ras/dumps/dump.0x2-0x5.abc");
	strcpy(r.sha256, "ab12");
	r.time_us = 1234;
	dump_event_fill(&r, &de);
	cr_assert_str_eq(de.ev.kind, "dump");
	cr_assert_str_eq(de.ev.source, "dump");
	cr_assert_str_eq(de.ev.dedupe_key, "dump:0x2:0x5:4096");
	cr_assert_eq(de.ev.severity, RAS_SEV_ERROR);
	cr_assert_eq(de.ev.time_us, 1234);
	cr_assert_str_eq(attr(&de.ev, "path"), r.path);
	cr_assert_str_eq(attr(&de.ev, "sha256"), "ab12");
	cr_assert_str_eq(attr(&de.ev, "size"), "4096");
	cr_assert_str_eq(attr(&de.ev, "type"), "0x2");
	cr_assert(strstr(de.ev.summary, "System/Platform Dump 0x2-0x5"), "%s", de.ev.summary);

	r.entry.type = 1;
	dump_event_fill(&r, &de);
	cr_assert_eq(de.ev.severity, RAS_SEV_WARNING, "an SP dump is not a platform failure");

	r.entry.type = 2;
	r.stored = false;
	r.refused = true;
	strcpy(r.reason, "not enough free space in /x");
	dump_event_fill(&r, &de);
	cr_assert_eq(de.ev.severity, RAS_SEV_WARNING);
	cr_assert_str_eq(de.ev.summary, "dump left with firmware: not enough free space in /x");
	cr_assert_str_eq(de.ev.dedupe_key, "dump-refused:0x2:0x5:4096");
	cr_assert_null(attr(&de.ev, "path"));
	cr_assert_str_eq(attr(&de.ev, "reason"), r.reason);
}

/* ---- policy ---------------------------------------------------------------------------- */

Test(policy, settings_and_sizes)
{
	struct dump_policy p;
	struct ras_err e;
	uint64_t v;

	dump_policy_init(&p);
	cr_assert_str_eq(p.dir, "/var/lib/opal-ras/dumps");
	cr_assert_eq(dump_parse_size("10G", &v, &e), 0);
	cr_assert_eq(v, 10ull << 30);
	cr_assert_eq(dump_parse_size("512MiB", &v, &e), 0);
	cr_assert_eq(v, 512ull << 20);
	cr_assert_eq(dump_parse_size("7", &v, &e), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(dump_parse_size("-1", &v, &e), -EINVAL);
	cr_assert_eq(dump_parse_size("3X", &v, &e), -EINVAL);
	cr_assert_eq(dump_parse_size("99999999999T", &v, &e), -EINVAL);
	cr_assert_eq(dump_policy_set(&p, "min_free", "2G", &e), 0);
	cr_assert_eq(p.min_free_bytes, 2ull << 30);
	cr_assert_eq(dump_policy_set(&p, "max_total", "20G", &e), 0);
	cr_assert_eq(p.max_total_bytes, 20ull << 30);
	cr_assert_eq(dump_policy_set(&p, "compress", "zstd", &e), 0);
	cr_assert_eq(p.compress, DUMP_COMPRESS_ZSTD);
	cr_assert_eq(dump_policy_set(&p, "compress", "lz4", &e), -EINVAL);
	cr_assert_eq(dump_policy_set(&p, "zstd_level", "25", &e), -EINVAL);
	cr_assert_eq(dump_policy_set(&p, "dir", "/srv/dumps", &e), 0);
	cr_assert_str_eq(p.dir, "/srv/dumps");
	cr_assert_eq(dump_policy_set(&p, "bogus", "1", &e), -EINVAL);
}

/* ---- opal-sim's dump module ------------------------------------------------------------- */

Test(sim, create_full_and_verify, .init = setup, .fini = teardown)
{
	struct sim_dump_spec s = { .type = 1, .id = 0, .size = 2 * 1024 * 1024 + 3 };
	char name[64], path[PATH_MAX];
	struct ras_err e;
	uint64_t bad = 0;
	int fd;

	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	cr_assert_str_eq(name, "0x1-0x1", "ids start at 1");
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/%s/dump", tmpd, name);
	cr_assert_eq(sim_dump_verify(path, 1, 1, false, NULL, &e), 0, "%s", e.msg);
	/* a flipped byte is found */
	chmod(path, 0600);
	fd = open(path, O_WRONLY);
	cr_assert_eq(pwrite(fd, "\xff", 1, 1000000), 1);
	close(fd);
	cr_assert_eq(sim_dump_verify(path, 1, 1, false, &bad, &e), -EBADMSG);
	cr_assert_eq(bad, 1000000);
	s.id = 0;
	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	cr_assert_str_eq(name, "0x1-0x2");
	s.id = 2;
	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), -EEXIST);
	s.size = 1ull << 33;
	s.id = 9;
	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), -EINVAL);
}

Test(sim, sparse_is_cheap, .init = setup, .fini = teardown)
{
	struct sim_dump_spec s = { .type = 2, .id = 7, .size = 300ull << 20, .sparse = true };
	char name[64], path[PATH_MAX], buf[64];
	struct ras_err e;
	struct stat st;

	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/%s/dump", tmpd, name);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq((uint64_t)st.st_size, 300ull << 20);
	cr_assert_lt((uint64_t)st.st_blocks * 512, 8ull << 20, "mostly holes");
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/%s/type", tmpd, name);
	cr_assert_eq(file_read_str(path, buf, sizeof(buf), &e), 0);
	cr_assert_str_eq(buf, "0x2 System/Platform Dump");
}

Test(sim, ack_removes_and_initiate_restores, .init = setup, .fini = teardown)
{
	struct sim_dump_spec s = { .type = 2, .id = 5, .size = 100, .eio_first = true };
	char name[64], path[PATH_MAX], buf[80];
	struct ras_err e = { "" };

	cr_assert_eq(sim_module_dump.init(tmpd, &e), 0, "%s", e.msg);
	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/dump/0x2-0x5/id", name,
				       sizeof(name), &e),
		     SIM_DUMP_NONE);
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/elog/0x1/acknowledge", name,
				       sizeof(name), &e),
		     SIM_DUMP_NONE);
	cr_assert_eq(dump_ack(tmpd, "0x2-0x5", &e), 0);
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/dump/0x2-0x5/acknowledge", name,
				       sizeof(name), &e),
		     SIM_DUMP_ACKED);
	cr_assert_str_eq(name, "0x2-0x5");
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/0x2-0x5", tmpd);
	cr_assert_neq(access(path, F_OK), 0, "ack removed the directory");
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/dump/0x2-0x5/acknowledge", name,
				       sizeof(name), &e),
		     SIM_DUMP_NONE, "a second event for a removed dump is not another ack");
	snprintf(path, sizeof(path), "%s/.sim/dump-eio/0x2-0x5", tmpd);
	cr_assert_neq(access(path, F_OK), 0, "and its EIO marker");

	/* an ack written before the run loop watched the directory */
	s.id = 6;
	cr_assert_eq(sim_dump_create(tmpd, &s, name, sizeof(name), &e), 0, "%s", e.msg);
	cr_assert_not(sim_dump_ack_if_written(tmpd, "0x2-0x6"), "untouched: not acked");
	cr_assert_eq(dump_ack(tmpd, "0x2-0x6", &e), 0);
	cr_assert(sim_dump_ack_if_written(tmpd, "0x2-0x6"));
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/0x2-0x6", tmpd);
	cr_assert_neq(access(path, F_OK), 0);
	cr_assert_not(sim_dump_ack_if_written(tmpd, "../x"));

	cr_assert_eq(dump_initiate(tmpd, &e), 0);
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/dump/initiate_dump", name,
				       sizeof(name), &e),
		     SIM_DUMP_INITIATE);
	snprintf(path, sizeof(path), "%s/sys/firmware/opal/dump/initiate_dump", tmpd);
	cr_assert_eq(file_read_str(path, buf, sizeof(buf), &e), 0);
	cr_assert_str_eq(buf, "1 - initiate Service Processor(FSP) dump");
	/* the restore itself is written and closed: it must not trigger another dump */
	cr_assert_eq(sim_dump_on_write(tmpd, "sys/firmware/opal/dump/initiate_dump", name,
				       sizeof(name), &e),
		     SIM_DUMP_NONE);
}

Test(sim, inject_args)
{
	struct sim_dump_spec s;
	struct ras_err e;
	char a0[] = "dump", a1[] = "--type", a2[] = "sp", a3[] = "--size", a4[] = "200M",
	     a5[] = "--eio-first", a6[] = "--sparse", a7[] = "--id", a8[] = "0x10";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, a7, a8, NULL };
	char b1[] = "--type", b2[] = "nosuch";
	char *bad[] = { a0, b1, b2, NULL };

	cr_assert_eq(sim_dump_parse_inject(9, argv, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(s.type, 1);
	cr_assert_eq(s.size, 200ull << 20);
	cr_assert(s.eio_first);
	cr_assert(s.sparse);
	cr_assert_eq(s.id, 0x10);
	cr_assert_eq(sim_dump_parse_inject(1, argv, &s, &e), 0);
	cr_assert_eq(s.type, 2, "default: a platform dump");
	cr_assert_eq(s.size, 1 << 20);
	cr_assert_eq(sim_dump_parse_inject(3, bad, &s, &e), -EINVAL);
}

Test(policy, from_config)
{
	static const char good[] = "dump:\n  enabled: true\n  auto_retrieve: false\n"
				   "  dir: /srv/d\n  min_free: 2G\n  max_total: 100G\n"
				   "  compress: zstd\n  zstd_level: 9\n";
	static const char typo[] = "dump:\n  min_fre: 2G\n";
	static const char badval[] = "dump:\n  compress: lzma\n";
	struct ydoc_node *doc;
	struct dump_policy p;
	struct ras_err e;
	bool ar = true;

	cr_assert_eq(ydoc_load_buf(good, sizeof(good) - 1, "t", &doc, &e), 0, "%s", e.msg);
	cr_assert_eq(dump_policy_from_config(ydoc_get(doc, "dump"), &p, &ar, &e), 0, "%s", e.msg);
	cr_assert_not(ar);
	cr_assert_str_eq(p.dir, "/srv/d");
	cr_assert_eq(p.min_free_bytes, 2ull << 30);
	cr_assert_eq(p.max_total_bytes, 100ull << 30);
	cr_assert_eq(p.compress, DUMP_COMPRESS_ZSTD);
	cr_assert_eq(p.zstd_level, 9);
	ydoc_free(doc);

	cr_assert_eq(ydoc_load_buf(typo, sizeof(typo) - 1, "t", &doc, &e), 0);
	cr_assert_eq(dump_policy_from_config(ydoc_get(doc, "dump"), &p, &ar, &e), -EINVAL);
	cr_assert(strstr(e.msg, "unknown key \"min_fre\""), "%s", e.msg);
	ydoc_free(doc);
	cr_assert_eq(ydoc_load_buf(badval, sizeof(badval) - 1, "t", &doc, &e), 0);
	cr_assert_eq(dump_policy_from_config(ydoc_get(doc, "dump"), &p, &ar, &e), -EINVAL);
	cr_assert(strstr(e.msg, "line 2"), "%s", e.msg);
	ydoc_free(doc);

	cr_assert_eq(dump_policy_from_config(NULL, &p, &ar, &e), 0);
	cr_assert(ar);
	cr_assert_str_eq(p.dir, DUMP_DEFAULT_DIR);
}
