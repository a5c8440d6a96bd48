/*
 * dump_fetch.c - retrieving one dump: policy checks, a streaming copy with SHA-256 and
 * optional zstd, fsync of file and directory, and the rename that makes it visible.
 *
 * Invariants:
 *  - Memory is bounded by two 1 MiB chunks (uncompressed), or HASH_SLOTS chunks plus zstd's
 *    stream buffers, whatever the dump size: the dump is never held in memory as a whole.
 *  - The SHA-256 of an uncompressed dump is of the bytes read back from the stored file,
 *    i.e. of exactly what was written (see struct hasher).
 *  - Bytes go to "<dir>/.partial.<name>.<pid>" (hidden, never matched as a fetched dump).
 *    Only after the last byte is written, the file fsync'ed and closed is it renamed to
 *    "<dir>/dump.<name>.<sha256[0:12]>[.<suggested name>][.zst]" and the directory
 *    fsync'ed. Any failure unlinks the partial file. A killed fetch leaves only a hidden
 *    partial file, removed by the next fetch of that dump or by dump_prune().
 *  - EIO from the source is the kernel's OPAL_PARTIAL: retried at the same offset with a
 *    doubling delay, at most eio_retries times in a row. A read returning 0 before the
 *    expected size, or more bytes than expected, fails (never spins).
 *  - Nothing here acknowledges the dump.
 */
#include "dump/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/progress.h"
#include "common/timeutil.h"

void dump_policy_init(struct dump_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "%s", DUMP_DEFAULT_DIR);
	p->min_free_bytes = 1ull << 30; /* keep 1 GiB free for everything else */
	p->max_total_bytes = 0;
	p->compress = DUMP_COMPRESS_NONE;
	p->zstd_level = 3;
	p->eio_retries = 10;
	p->eio_delay_ms = 100;
	p->chunk = 1u << 20;
	p->progress = 0;
}

int dump_parse_size(const char *s, uint64_t *out, struct ras_err *e)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-')
		return ras_errf(e, -EINVAL, "bad size \"%s\" (expected e.g. 512M, 10G)",
				s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return ras_errf(e, -EINVAL, "bad size \"%s\" (expected e.g. 512M, 10G)", s);
	switch (*end) {
	case 0:
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return ras_errf(e, -EINVAL, "bad size \"%s\" (suffixes: K M G T)", s);
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B')
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return ras_errf(e, -EINVAL, "bad size \"%s\"", s);
	*out = (uint64_t)v << shift;
	return 0;
}

int dump_policy_set(struct dump_policy *p, const char *key, const char *value, struct ras_err *e)
{
	uint64_t v;
	int rc;

	if (!strcmp(key, "dir")) {
		if (!*value || strlen(value) >= sizeof(p->dir))
			return ras_errf(e, -EINVAL, "dump dir: bad path \"%s\"", value);
		snprintf(p->dir, sizeof(p->dir), "%s", value);
		return 0;
	}
	if (!strcmp(key, "min_free") || !strcmp(key, "max_total")) {
		rc = dump_parse_size(value, &v, e);
		if (rc)
			return ras_err_prefix(e, rc, "dump %s", key);
		if (key[1] == 'i')
			p->min_free_bytes = v;
		else
			p->max_total_bytes = v;
		return 0;
	}
	if (!strcmp(key, "compress")) {
		if (!strcmp(value, "none") || !strcmp(value, "no") || !strcmp(value, "false"))
			p->compress = DUMP_COMPRESS_NONE;
		else if (!strcmp(value, "zstd"))
			p->compress = DUMP_COMPRESS_ZSTD;
		else
			return ras_errf(e, -EINVAL, "dump compress: \"%s\" (expected none or zstd)",
					value);
		return 0;
	}
	if (!strcmp(key, "zstd_level") || !strcmp(key, "eio_retries") ||
	    !strcmp(key, "eio_delay_ms")) {
		char *end;
		long n;

		errno = 0;
		n = strtol(value, &end, 10);
		if (errno || end == value || *end || n < 0 || n > 100000)
			return ras_errf(e, -EINVAL, "dump %s: bad number \"%s\"", key, value);
		if (key[0] == 'z') {
			if (n < 1 || n > 19)
				return ras_errf(e, -EINVAL, "dump zstd_level: %ld (expected 1..19)",
						n);
			p->zstd_level = (int)n;
		} else if (!strcmp(key, "eio_retries")) {
			p->eio_retries = (unsigned)n;
		} else {
			p->eio_delay_ms = (unsigned)n;
		}
		return 0;
	}
	return ras_errf(e, -EINVAL, "dump: unknown setting \"%s\"", key);
}

static void fmt_bytes(uint64_t v, char *out, size_t n)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int i = 0;

	while (d >= 1024 && i < 4) {
		d /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(out, n, "%llu B", (unsigned long long)v);
	else
		snprintf(out, n, "%.1f %s", d, u[i]);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Fail the retrieval: the dump stays with firmware; reason = the error text. */
static int refuse(struct dump_result *res, struct ras_err *e, int rc)
{
	res->refused = true;
	res->stored = false;
	snprintf(res->reason, sizeof(res->reason), "%s", e ? e->msg : strerror(-rc));
	return rc;
}

/* Characters kept from the firmware's suggested name in our file name. */
static void sanitize_name(const char *in, char *out, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; in[i] && j + 1 < n; i++) {
		char c = in[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '+';
		out[j++] = ok ? c : '_';
	}
	out[j] = 0;
}

struct sink {
	int fd;
	const char *path;
	ZSTD_CCtx *zc;
	void *zout;
	size_t zout_len;
	uint64_t written;
	uint64_t flushed; /* writeback started up to here */
};

static int sink_write_raw(struct sink *s, const void *buf, size_t len, struct ras_err *e)
{
	int rc = write_full(s->fd, buf, len);

	if (rc)
		return ras_errf(e, rc, "%s: write at offset %llu: %s", s->path,
				(unsigned long long)s->written, strerror(-rc));
	s->written += len;
	return 0;
}

static int sink_write(struct sink *s, const void *buf, size_t len, bool last, struct ras_err *e)
{
	ZSTD_inBuffer in = { buf, len, 0 };
	size_t left;
	int rc;

	if (!s->zc)
		return len ? sink_write_raw(s, buf, len, e) : 0;
	do {
		ZSTD_outBuffer out = { s->zout, s->zout_len, 0 };

		left = ZSTD_compressStream2(s->zc, &out, &in, last ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return ras_errf(e, -EIO, "%s: zstd: %s", s->path, ZSTD_getErrorName(left));
		if (out.pos) {
			rc = sink_write_raw(s, s->zout, out.pos, e);
			if (rc)
				return rc;
		}
	} while (last ? left != 0 : in.pos < in.size);
	return 0;
}

/*
 * Start writeback of every completed WRITEBACK_STEP of output without waiting, so the
 * disk works while we read and hash and the final fsync has little left to do; a dump
 * of many GiB does not pile up as dirty page cache.
 */
#define WRITEBACK_STEP (8u << 20)

static void sink_writeback(struct sink *s)
{
	while (s->written - s->flushed >= WRITEBACK_STEP) {
		sync_file_range(s->fd, (off64_t)s->flushed, WRITEBACK_STEP, SYNC_FILE_RANGE_WRITE);
		s->flushed += WRITEBACK_STEP;
	}
}

/* Fill buf from the source at off: up to len bytes, retrying EIO per the policy.
 * Returns bytes read (0 = end) or -errno. */
static ssize_t read_chunk(struct dump_source *src, uint8_t *buf, size_t len, uint64_t off,
			  const struct dump_policy *p, struct dump_result *res, const char *name,
			  struct ras_err *e)
{
	size_t got = 0;
	unsigned tries = 0, delay = p->eio_delay_ms;

	while (got < len) {
		ssize_t r = src->read(src->ctx, buf + got, len - got, off + got);

		if (r == -EIO) {
			if (tries >= p->eio_retries)
				return ras_errf(e, -EIO,
						"%s: read at offset %llu: EIO %u times in a row "
						"(firmware could not deliver the dump)",
						name, (unsigned long long)(off + got), tries + 1);
			tries++;
			res->eio_retries++;
			sleep_ms(delay);
			delay = delay * 2 > 2000 ? 2000 : delay * 2;
			continue;
		}
		if (r < 0)
			return ras_errf(e, (int)r, "%s: read at offset %llu: %s", name,
					(unsigned long long)(off + got), strerror((int)-r));
		if (r == 0)
			break;
		if ((size_t)r > len - got)
			return ras_errf(e, -EIO, "%s: source returned more than asked", name);
		got += (size_t)r;
		tries = 0;
		delay = p->eio_delay_ms;
	}
	return (ssize_t)got;
}

static int check_space(const struct dump_policy *p, uint64_t need, struct ras_err *e)
{
	struct statvfs sv;
	uint64_t avail;
	char a[32], b[32], c[32];
	int rc;

	if (statvfs(p->dir, &sv) < 0)
		return ras_errf(e, -errno, "%s: statvfs: %s", p->dir, strerror(errno));
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail < need || avail - need < p->min_free_bytes) {
		fmt_bytes(avail, a, sizeof(a));
		fmt_bytes(need, b, sizeof(b));
		fmt_bytes(p->min_free_bytes, c, sizeof(c));
		return ras_errf(e, -ENOSPC,
				"not enough free space in %s: %s free, the dump needs %s and %s "
				"must stay free",
				p->dir, a, b, c);
	}
	if (p->max_total_bytes) {
		uint64_t total = 0;

		rc = dump_stored_total(p->dir, &total, e);
		if (rc)
			return rc;
		if (total + need > p->max_total_bytes || total + need < total) {
			fmt_bytes(total, a, sizeof(a));
			fmt_bytes(need, b, sizeof(b));
			fmt_bytes(p->max_total_bytes, c, sizeof(c));
			return ras_errf(e, -EFBIG,
					"stored dumps in %s total %s; adding %s would exceed the "
					"maximum of %s (prune first)",
					p->dir, a, b, c);
		}
	}
	return 0;
}

/*
 * SHA-256 runs in a second thread so hashing overlaps the copy. Two modes:
 *  - read-back (uncompressed output): the main thread copies as fast as a plain copy and
 *    publishes how far it has written; the hasher reads those bytes back from the output
 *    file (still in the page cache) and digests them, so hashing also overlaps the final
 *    fsync and the digest is of exactly what was stored. Memory: two chunks.
 *  - slots (zstd output, where the file holds other bytes): the main thread reads slot i,
 *    hands it to the hasher and writes it while the hasher digests it; slot i is reused
 *    only after the hasher is done with it. Memory: HASH_SLOTS chunks.
 */
#define HASH_SLOTS 6

struct hasher {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *mdc;
	uint8_t *slot[HASH_SLOTS];
	size_t len[HASH_SLOTS];
	bool full[HASH_SLOTS];
	bool stop, failed, started, abort;
	/* read-back mode: rb_fd >= 0 */
	int rb_fd;
	size_t chunk;
	uint64_t avail; /* bytes of the output written so far */
	uint8_t *rb_buf;
};

static void *readback_main(struct hasher *h)
{
	uint64_t off = 0;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->avail <= off && !h->stop && !h->abort)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->abort || h->avail <= off)
			break; /* aborted, or stopped and drained */
		size_t n = h->avail - off < h->chunk ? (size_t)(h->avail - off) : h->chunk;
		pthread_mutex_unlock(&h->mu);
		ssize_t r = read_full(h->rb_fd, h->rb_buf, n);
		bool ok = r == (ssize_t)n && EVP_DigestUpdate(h->mdc, h->rb_buf, n) == 1;
		pthread_mutex_lock(&h->mu);
		if (!ok) {
			h->failed = true;
			break;
		}
		off += n;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	unsigned i = 0;

	if (h->rb_fd >= 0)
		return readback_main(h);
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->full[i] && !h->stop && !h->abort)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->full[i] || h->abort)
			break; /* stopped and drained, or aborted */
		pthread_mutex_unlock(&h->mu);
		bool ok = EVP_DigestUpdate(h->mdc, h->slot[i], h->len[i]) == 1;
		pthread_mutex_lock(&h->mu);
		if (!ok)
			h->failed = true;
		h->full[i] = false;
		pthread_cond_broadcast(&h->cv);
		i = (i + 1) % HASH_SLOTS;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* rb_fd: the output opened for reading (read-back mode), or -1 (slots). */
static int hasher_start(struct hasher *h, size_t chunk, int rb_fd)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->rb_fd = rb_fd;
	h->chunk = chunk;
	h->mdc = EVP_MD_CTX_new();
	if (!h->mdc || EVP_DigestInit_ex(h->mdc, EVP_sha256(), NULL) != 1)
		return -ENOMEM;
	for (int i = 0; i < (rb_fd >= 0 ? 1 : HASH_SLOTS); i++) {
		h->slot[i] = malloc(chunk);
		if (!h->slot[i])
			return -ENOMEM;
	}
	if (rb_fd >= 0 && !(h->rb_buf = malloc(chunk)))
		return -ENOMEM;
	if (pthread_create(&h->th, NULL, hasher_main, h))
		return -EAGAIN;
	h->started = true;
	return 0;
}

/* Wait until slot i may be overwritten. */
static void hasher_wait_free(struct hasher *h, unsigned i)
{
	pthread_mutex_lock(&h->mu);
	while (h->full[i])
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

/* Read-back mode: the output now holds `written` bytes. */
static void hasher_publish(struct hasher *h, uint64_t written)
{
	pthread_mutex_lock(&h->mu);
	h->avail = written;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

static void hasher_submit(struct hasher *h, unsigned i, size_t len)
{
	pthread_mutex_lock(&h->mu);
	h->len[i] = len;
	h->full[i] = true;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* Drain, join and free; the digest into md. With md NULL (a failed fetch) the hasher
 * stops at once instead of draining. -EIO on failure. */
static int hasher_finish(struct hasher *h, uint8_t *md, unsigned *mdlen)
{
	int rc = 0;

	if (h->started) {
		pthread_mutex_lock(&h->mu);
		h->stop = true;
		h->abort = !md;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->th, NULL);
	}
	if (h->failed)
		rc = -EIO;
	else if (md && EVP_DigestFinal_ex(h->mdc, md, mdlen) != 1)
		rc = -EIO;
	EVP_MD_CTX_free(h->mdc);
	for (int i = 0; i < HASH_SLOTS; i++)
		free(h->slot[i]);
	free(h->rb_buf);
	if (h->rb_fd >= 0)
		close(h->rb_fd);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	return rc;
}

int dump_fetch(struct dump_source *src, const struct dump_entry *entry, const struct dump_policy *p,
	       struct dump_result *res, struct ras_err *e)
{
	char tmp[PATH_MAX], final[PATH_MAX], label[96], sugg[DUMP_HDR_NAME_LEN + 1] = "";
	uint8_t hdr[DUMP_HDR_LEN], md[EVP_MAX_MD_SIZE];
	size_t hdr_len = 0, chunk = p->chunk ? p->chunk : (1u << 20);
	struct sink sk = { .fd = -1 };
	struct dump_header h;
	struct progress pg;
	struct hasher hs;
	bool hs_live = false;
	unsigned slot = 0;
	uint64_t off = 0, t0 = time_mono_ns();
	unsigned mdlen = 0;
	int rc, readback = -1;

	memset(res, 0, sizeof(*res));
	res->entry = *entry;
	if (!entry->name[0] || strchr(entry->name, '/') || entry->name[0] == '.')
		return ras_errf(e, -EINVAL, "bad dump name \"%s\"", entry->name);
	rc = mkdir_p(p->dir, 0750);
	if (rc)
		return refuse(res, e,
			      ras_errf(e, rc, "%s: cannot create: %s", p->dir, strerror(-rc)));
	dump_clean_partials(p->dir, entry->name);
	rc = p->no_space_check ? 0 : check_space(p, src->size, e);
	if (rc)
		return refuse(res, e, rc);

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/" DUMP_PARTIAL_PREFIX "%s.%d", p->dir,
			     entry->name, (int)getpid()) >= sizeof(tmp))
		return refuse(res, e, ras_errf(e, -ENAMETOOLONG, "%s: path too long", p->dir));
	sk.path = tmp;
	if (p->compress == DUMP_COMPRESS_ZSTD) {
		sk.zc = ZSTD_createCCtx();
		sk.zout_len = ZSTD_CStreamOutSize();
		sk.zout = malloc(sk.zout_len);
		if (!sk.zc || !sk.zout) {
			rc = ras_errf(e, -ENOMEM, "out of memory (zstd)");
			goto out;
		}
		ZSTD_CCtx_setParameter(sk.zc, ZSTD_c_compressionLevel, p->zstd_level);
		ZSTD_CCtx_setParameter(sk.zc, ZSTD_c_checksumFlag, 1);
		ZSTD_CCtx_setPledgedSrcSize(sk.zc, src->size);
		res->compressed = true;
	}
	sk.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (sk.fd < 0) {
		rc = ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (!sk.zc) {
		readback = open(tmp, O_RDONLY | O_CLOEXEC);
		if (readback < 0) {
			rc = ras_errf(e, -errno, "%s: %s", tmp, strerror(errno));
			goto out;
		}
	}
	hs_live = true;
	rc = hasher_start(&hs, chunk, readback); /* owns readback from here */
	if (rc) {
		rc = ras_errf(e, rc, "cannot start hashing: %s", strerror(-rc));
		goto out;
	}

	snprintf(label, sizeof(label), "%s", entry->name);
	progress_begin(&pg, label, src->size, p->progress);
	for (;;) {
		uint8_t *buf = hs.slot[slot];
		ssize_t r;

		if (readback < 0)
			hasher_wait_free(&hs, slot);
		r = read_chunk(src, buf, chunk, off, p, res, entry->name, e);

		if (r < 0) {
			rc = (int)r;
			goto out_progress;
		}
		if (r == 0)
			break;
		if (off + (uint64_t)r > src->size) {
			rc = ras_errf(e, -EIO,
				      "%s: the dump grew: more than the expected %llu bytes",
				      entry->name, (unsigned long long)src->size);
			goto out_progress;
		}
		if (hdr_len < sizeof(hdr)) {
			size_t n = sizeof(hdr) - hdr_len < (size_t)r ? sizeof(hdr) - hdr_len
								     : (size_t)r;
			memcpy(hdr + hdr_len, buf, n);
			hdr_len += n;
		}
		if (readback < 0) {
			hasher_submit(&hs, slot, (size_t)r);
			slot = (slot + 1) % HASH_SLOTS;
		}
		rc = sink_write(&sk, buf, (size_t)r, false, e);
		if (rc)
			goto out_progress;
		if (readback >= 0)
			hasher_publish(&hs, sk.written); /* hashed back from the file */
		off += (uint64_t)r;
		sink_writeback(&sk);
		progress_update(&pg, off);
		if ((size_t)r < chunk)
			break; /* the source ended inside this chunk */
	}
	if (off != src->size) {
		rc = ras_errf(e, -EIO, "%s: the dump ended at offset %llu, expected %llu bytes",
			      entry->name, (unsigned long long)off, (unsigned long long)src->size);
		goto out_progress;
	}
	rc = sink_write(&sk, NULL, 0, true, e);
	if (rc)
		goto out_progress;
	if (fsync(sk.fd) < 0) {
		rc = ras_errf(e, -errno, "%s: fsync: %s", tmp, strerror(errno));
		goto out_progress;
	}
	if (close(sk.fd) < 0) {
		sk.fd = -1;
		rc = ras_errf(e, -errno, "%s: close: %s", tmp, strerror(errno));
		goto out_progress;
	}
	sk.fd = -1;
	progress_end(&pg, true);

	hs_live = false;
	rc = hasher_finish(&hs, md, &mdlen);
	if (rc) {
		rc = ras_errf(e, rc, "SHA-256 failed");
		goto out;
	}
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(res->sha256 + 2 * i, 3, "%02x", md[i]);
	res->size = off;
	res->stored_bytes = sk.written;

	dump_header_parse(hdr, hdr_len, entry->name, &h);
	if (h.fname_ok)
		sanitize_name(h.fname, sugg, sizeof(sugg));
	if ((size_t)snprintf(final, sizeof(final), "%s/" DUMP_FILE_PREFIX "%s.%.12s%s%s%s", p->dir,
			     entry->name, res->sha256, sugg[0] ? "." : "", sugg,
			     res->compressed ? ".zst" : "") >= sizeof(final)) {
		rc = ras_errf(e, -ENAMETOOLONG, "%s: path too long", p->dir);
		goto out;
	}
	if (rename(tmp, final) < 0) {
		rc = ras_errf(e, -errno, "rename %s -> %s: %s", tmp, final, strerror(errno));
		goto out;
	}
	rc = fsync_parent_dir(final);
	if (rc) {
		/* The name may not be durable: do not claim it is stored. */
		unlink(final);
		rc = ras_errf(e, rc, "%s: fsync of directory: %s", p->dir, strerror(-rc));
		goto out;
	}
	snprintf(res->path, sizeof(res->path), "%s", final);
	res->stored = true;
	res->time_us = time_now_us();
	res->seconds = (double)(time_mono_ns() - t0) / 1e9;
	rc = 0;
	goto out;

out_progress:
	progress_end(&pg, false);
out:
	if (sk.fd >= 0)
		close(sk.fd);
	if (rc)
		unlink(tmp);
	ZSTD_freeCCtx(sk.zc);
	free(sk.zout);
	if (hs_live)
		hasher_finish(&hs, NULL, NULL);
	if (rc) {
		res->time_us = time_now_us();
		return refuse(res, e, rc);
	}
	return 0;
}

int dump_retrieve(const char *root, const char *id, const struct dump_policy *p,
		  struct dump_result *res, struct ras_err *e)
{
	struct dump_entry en;
	struct dump_source src;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = dump_resolve(root, id, &en, e);
	if (rc)
		return rc;
	res->entry = en;
	rc = dump_source_open_sysfs(root, en.name, &src, e);
	if (rc)
		return refuse(res, e, rc);
	rc = dump_fetch(&src, &en, p, res, e);
	dump_source_close(&src);
	return rc;
}
