/*
 * bench_flash.c - flash throughput: write + verify of a 32 MiB partition on a
 * file-backed image (target <= 0.5 s; pflash -e -p takes ~43 s), raw partition
 * read (target >= 1 GB/s), ECC decode (target >= 1 GB/s; pflash ~350 MB/s) and
 * encode. Prints numbers, never asserts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "flash/ecc.h"
#include "flash/ffs.h"
#include "flash/ffs_build.h"
#include "flash/flash_dev.h"
#include "flash/flash_part.h"
#include "flash/flash_write.h"

#define MiB (1024.0 * 1024.0)

static double secs(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

static void fill(uint8_t *b, size_t n, unsigned seed)
{
	uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);

	for (size_t i = 0; i + 8 <= n; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
}

int main(void)
{
	static const char layout[] = "HBEL,0x8000,0x24000,E,,\n"
				     "PAYLOAD,0x1000000,0x100000,E,,\n"
				     "BOOTKERNEL,0x2000000,0x2000000,,,\n";
	char path[] = "/tmp/bench-flash.XXXXXX";
	size_t flash = 64u << 20, part = 32u << 20;
	struct ffs_layout l;
	struct ffs_image img;
	struct flash_dev *d;
	const struct ffs_entry *en;
	struct flash_plan p;
	struct flash_read_result r;
	struct ras_err e;
	uint8_t *buf = flash_buf_alloc(flash), *data = flash_buf_alloc(part), *raw = NULL;
	uint32_t actual;
	uint64_t t0, t1;
	int fd = mkstemp(path);

	if (fd < 0 || !buf || !data)
		return 1;
	ffs_layout_parse(layout, sizeof(layout) - 1, &l, &e);
	if (ffs_build(&l, 0x1000, buf, flash, NULL, &e) ||
	    write(fd, buf, flash) != (ssize_t)flash) {
		fprintf(stderr, "bench_flash: %s\n", e.msg);
		return 1;
	}
	close(fd);
	if (flash_file_open(path, 0, true, &d, &e) || ffs_image_open(d, 0, &img, &e) ||
	    flash_part_find(&img, 0, "BOOTKERNEL", &en, &e)) {
		fprintf(stderr, "bench_flash: %s\n", e.msg);
		return 1;
	}
	for (int run = 0; run < 3; run++) {
		fill(data, part, (unsigned)run);
		uint64_t tb, tp;

		t0 = time_mono_ns();
		if (flash_part_build(en, data, part, &raw, &actual, &e)) {
			fprintf(stderr, "bench_flash: %s\n", e.msg);
			return 1;
		}
		tb = time_mono_ns();
		if (flash_part_plan(d, en, raw, &p, &e)) {
			fprintf(stderr, "bench_flash: %s\n", e.msg);
			return 1;
		}
		tp = time_mono_ns();
		if (flash_part_commit(d, &img, en, &p, raw, actual, NULL, &e)) {
			fprintf(stderr, "bench_flash: %s\n", e.msg);
			return 1;
		}
		t1 = time_mono_ns();
		printf("write+verify 32 MiB partition (file, 64 KiB erase block, %zu erased, %zu "
		       "programmed): %.3f s (%.0f MB/s; build %.3f, plan %.3f, "
		       "erase+program+verify %.3f)\n",
		       p.n_erase, p.n_program, secs(t0, t1), part / MiB / secs(t0, t1),
		       secs(t0, tb), secs(tb, tp), secs(tp, t1));
		flash_plan_free(&p);
		free(raw);
	}
	for (int run = 0; run < 3; run++) {
		t0 = time_mono_ns();
		flash_part_read(d, en, 0, false, &r, &e);
		t1 = time_mono_ns();
		printf("raw read 32 MiB partition into a new buffer (flash_part_read): %.4f s "
		       "(%.0f MB/s)\n",
		       secs(t0, t1), r.len / MiB / secs(t0, t1));
		free(r.data);
	}
	{
		uint8_t *chunk = malloc(1 << 20);

		for (int run = 0; run < 3; run++) {
			t0 = time_mono_ns();
			for (size_t off = 0; off < part; off += 1 << 20)
				flash_read(d, en->base + off, chunk, 1 << 20, &e);
			t1 = time_mono_ns();
			printf("raw read 32 MiB partition, 1 MiB reused buffer (opal-flash read): "
			       "%.4f s (%.0f MB/s)\n",
			       secs(t0, t1), part / MiB / secs(t0, t1));
		}
		free(chunk);
	}
	/* ECC on memory: 32 MiB of data -> 36 MiB raw */
	{
		size_t rl = (size_t)ecc_raw_size(part);
		uint8_t *ebuf = flash_buf_alloc(rl), *out = flash_buf_alloc(part);
		struct ecc_stats st = { 0 };

		fill(data, part, 9);
		memset(ebuf, 0, rl); /* fault the pages in: measure the code, not the kernel */
		memset(out, 0, part);
		t0 = time_mono_ns();
		ecc_encode(data, part, ebuf);
		t1 = time_mono_ns();
		printf("ECC encode: %.0f MB/s of data\n", part / MiB / secs(t0, t1));
		for (int run = 0; run < 3; run++) {
			t0 = time_mono_ns();
			ecc_decode(ebuf, rl, out, &st);
			t1 = time_mono_ns();
			printf("ECC decode: %.0f MB/s of raw input (%.0f MB/s of data)\n",
			       rl / MiB / secs(t0, t1), part / MiB / secs(t0, t1));
		}
		t0 = time_mono_ns();
		ecc_scan(ebuf, rl, 0, &st);
		t1 = time_mono_ns();
		printf("ECC scan (verify): %.0f MB/s of raw input\n", rl / MiB / secs(t0, t1));
		if (memcmp(out, data, part))
			printf("ECC decode mismatch!\n");
		free(ebuf);
		free(out);
	}
	ffs_image_free(&img);
	flash_close(d);
	unlink(path);
	free(buf);
	free(data);
	return 0;
}
