/*
 * fwupdate.c - OPAL firmware update over sysfs (see fwupdate.h).
 *
 * Control files are opened O_WRONLY|O_TRUNC and written with one write() (the kernel
 * looks at the first character); answers are read with one open and reads until EOF
 * (at most 4096 bytes). Paths always go through root_path().
 */
#include "flash/fwupdate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"

static const struct {
	int code;
	const char *name;
} statuses[] = {
	{ FW_NO_OP, "no operation pending (FLASH_NO_OP)" },
	{ FW_IMG_READY_FOR_VALIDATE, "image ready for validation" },
	{ FW_VALIDATE_INCOMPLETE, "image incomplete or not loaded (VALIDATE_IMG_INCOMPLETE)" },
	{ FW_INVALID_IMG, "no valid image loaded (FLASH_INVALID_IMG)" },
	{ FW_SG_BAD_DATA, "bad data in the image scatter list" },
	{ FW_SG_BAD_LEN, "bad length in the image scatter list" },
	{ FW_MANAGE_ACTIVE_ERR, "the side to change is the running side (MANAGE_ACTIVE_ERR)" },
	{ FW_NO_AUTH, "in-band update not allowed (FLASH_NO_AUTH, e.g. HMC managed)" },
	{ -1, "OPAL parameter error" },
	{ -2, "OPAL busy (the FSP is still reading the image)" },
	{ -6, "OPAL hardware error (no FSP)" },
	{ -7, "unsupported" },
	{ -11, "OPAL internal error" },
	{ 0, "success" },
};

const char *fw_status_name(int code)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == code)
			return statuses[i].name;
	return "unknown status";
}

static const char *const results[] = {
	"the T (temporary) side will be updated (new level is newer or identical)",
	"no authority to update (in-band update not allowed)",
	"invalid image for this platform",
	"current firmware level unknown; the T side will be updated",
	"the T side will be committed to P, then replaced (new level is downlevel)",
	"the T side will be committed to P, then replaced",
	"the T side will be updated with a downlevel image",
	"out of warranty: update access key expired",
};

const char *fw_result_text(int r)
{
	return r >= 0 && r < 8 ? results[r] : "unknown result";
}

bool fw_result_fatal(int r)
{
	return r == 1 || r == 2 || r == 7 || r < 0 || r > 7;
}

/* Next line of buf[*pos..len) without NULs into out; false at the end. */
static bool next_line(const char *buf, size_t len, size_t *pos, char *out, size_t n)
{
	size_t o = 0;

	if (*pos >= len)
		return false;
	while (*pos < len && buf[*pos] != '\n') {
		if (buf[*pos] && o + 1 < n)
			out[o++] = buf[*pos];
		(*pos)++;
	}
	if (*pos < len)
		(*pos)++;
	out[o] = '\0';
	return true;
}

static bool parse_int_str(const char *s, int *out)
{
	char *end;
	long v;

	while (*s == ' ' || *s == '\t')
		s++;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno || v < -1000000 || v > 1000000)
		return false;
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (*end)
		return false;
	*out = (int)v;
	return true;
}

int fw_parse_int(const char *buf, size_t len, int *out, struct ras_err *e)
{
	char line[64];
	size_t pos = 0;

	if (!next_line(buf, len, &pos, line, sizeof(line)) || !parse_int_str(line, out))
		return ras_errf(e, -EBADMSG, "expected a number, got '%.*s'",
				(int)(len > 40 ? 40 : len), buf);
	return 0;
}

/* "MI a b" -> a, b */
static bool two_words(const char *line, const char *key, char *a, size_t an, char *b, size_t bn)
{
	char k[8], x[64], y[64];

	if (sscanf(line, "%7s %63s %63s", k, x, y) != 3 || strcmp(k, key))
		return false;
	snprintf(a, an, "%s", x);
	snprintf(b, bn, "%s", y);
	return true;
}

int fw_parse_validate(const char *buf, size_t len, struct fw_validate *v, struct ras_err *e)
{
	char line[256];
	size_t pos = 0;
	int n;

	memset(v, 0, sizeof(*v));
	if (!next_line(buf, len, &pos, line, sizeof(line)) || !parse_int_str(line, &n))
		return ras_errf(e, -EBADMSG,
				"validate_flash: expected a status or result number, got '%.*s'",
				(int)(len > 40 ? 40 : len), buf);
	if (n < 0) {
		v->status = n;
		v->result = -1;
		return 0;
	}
	v->result = n;
	if (next_line(buf, len, &pos, line, sizeof(line)) &&
	    two_words(line, "MI", v->lv.cur_t, 64, v->lv.cur_p, 64) &&
	    next_line(buf, len, &pos, line, sizeof(line)) &&
	    two_words(line, "MI", v->lv.new_t, 64, v->lv.new_p, 64))
		v->lv.have_mi = true;
	if (v->lv.have_mi && next_line(buf, len, &pos, line, sizeof(line)) &&
	    two_words(line, "ML", v->lv.ml_cur_t, 64, v->lv.ml_cur_p, 64) &&
	    next_line(buf, len, &pos, line, sizeof(line)) &&
	    two_words(line, "ML", v->lv.ml_new_t, 64, v->lv.ml_new_p, 64))
		v->lv.have_ml = true;
	if ((n == 0 || n >= 3) && n <= 6 && !v->lv.have_mi)
		return ras_errf(e, -EBADMSG,
				"validate_flash: result %d without the MI version lines", n);
	return 0;
}

int fw_check_image(const uint8_t *img, size_t len, struct ras_err *e)
{
	uint32_t hsize;

	if (len < FW_IMAGE_MIN || len > FW_IMAGE_MAX)
		return ras_errf(e, -EINVAL, "image is %zu bytes; the kernel takes 4 KiB to 1 GiB",
				len);
	hsize = be32(img + 4);
	if (hsize != len)
		return ras_errf(e, -EINVAL,
				"image header (offset 4) says %u bytes but the file has %zu: the "
				"kernel would never see it complete",
				hsize, len);
	if (be16(img) != 0x5549)
		return ras_errf(e, -EINVAL, "image magic is 0x%04x, expected 0x5549 (\"UI\")",
				be16(img));
	return 0;
}

int fw_supported(const char *root, struct ras_err *e)
{
	char p[4096];

	if (root_path(p, sizeof(p), root, "sys/firmware/opal/validate_flash"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	if (access(p, F_OK) < 0)
		return ras_errf(
			e, -ENOTSUP,
			"not supported here: %s does not exist (in-band firmware update through "
			"OPAL exists only on FSP systems; BMC systems update through the BMC)",
			p);
	return 0;
}

int fw_write_image(const char *root, const uint8_t *img, size_t len, struct ras_err *e)
{
	char p[4096];
	int fd, rc;

	if (root_path(p, sizeof(p), root, "sys/firmware/opal/image"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
	rc = write_full(fd, img, len);
	if (rc) {
		close(fd);
		return ras_errf(e, rc, "%s: write: %s", p, strerror(-rc));
	}
	if (close(fd) < 0)
		return ras_errf(e, -errno, "%s: close: %s", p, strerror(errno));
	return 0;
}

static int read_once(const char *p, char *ans, size_t n, size_t *alen, struct ras_err *e)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
	r = read_full(fd, ans, n - 1);
	close(fd);
	if (r < 0)
		return ras_errf(e, (int)r, "%s: read: %s", p, strerror((int)-r));
	ans[r] = '\0';
	*alen = (size_t)r;
	return 0;
}

int fw_request(const char *root, const char *file, const char *req, char *ans, size_t n,
	       size_t *alen, int timeout_ms, struct ras_err *e)
{
	char p[4096];
	int fd, rc, waited = 0;

	if (root_path(p, sizeof(p), root, "sys/firmware/opal/%s", file))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
	rc = write_full(fd, req, strlen(req));
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (rc)
		return ras_errf(e, rc, "%s: write '%s': %s", p, req, strerror(-rc));
	for (;;) {
		rc = read_once(p, ans, n, alen, e);
		if (rc)
			return rc;
		/* a kernel answer ends in '\n'; our own request echoed back does not */
		if (*alen && ans[*alen - 1] == '\n')
			return 0;
		if (waited >= timeout_ms)
			return ras_errf(e, -ETIMEDOUT, "%s: no answer after %d ms", p, timeout_ms);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000 }, NULL);
		waited += 10;
	}
}

int fw_validate(const char *root, struct fw_validate *v, int timeout_ms, struct ras_err *e)
{
	char ans[4097];
	size_t n;
	int rc = fw_request(root, "validate_flash", "1", ans, sizeof(ans), &n, timeout_ms, e);

	return rc ? rc : fw_parse_validate(ans, n, v, e);
}

int fw_manage(const char *root, bool commit, int *rc_out, int timeout_ms, struct ras_err *e)
{
	char ans[64];
	size_t n;
	int rc = fw_request(root, "manage_flash", commit ? "1" : "0", ans, sizeof(ans), &n,
			    timeout_ms, e);

	return rc ? rc : fw_parse_int(ans, n, rc_out, e);
}

int fw_update(const char *root, bool schedule, int *status, int timeout_ms, struct ras_err *e)
{
	char ans[64];
	size_t n;
	int rc = fw_request(root, "update_flash", schedule ? "1" : "0", ans, sizeof(ans), &n,
			    timeout_ms, e);

	return rc ? rc : fw_parse_int(ans, n, status, e);
}

int fw_update_status(const char *root, int *status, struct ras_err *e)
{
	char p[4096], ans[64];
	size_t n;
	int rc;

	if (root_path(p, sizeof(p), root, "sys/firmware/opal/update_flash"))
		return ras_errf(e, -ENAMETOOLONG, "root path too long");
	rc = read_once(p, ans, sizeof(ans), &n, e);
	if (rc)
		return rc;
	if (n && ans[n - 1] != '\n') {
		*status = FW_NO_OP; /* our own request still pending in a simulated host */
		return 0;
	}
	return fw_parse_int(ans, n, status, e);
}

static void read_dt_text(const char *root, const char *rel, char *out, size_t n)
{
	char p[4096];
	uint8_t *buf = NULL;
	size_t len = 0, o = 0;

	out[0] = '\0';
	if (root_path(p, sizeof(p), root, "%s", rel) ||
	    file_read_all(p, 4096, &buf, &len, NULL, NULL))
		return;
	for (size_t i = 0; i < len && o + 1 < n; i++)
		if (buf[i] >= 0x20 && buf[i] < 0x7f)
			out[o++] = (char)buf[i];
	out[o] = '\0';
	free(buf);
}

void fw_current_levels(const char *root, char *mi, size_t mn, char *ml, size_t ln)
{
	read_dt_text(root, "proc/device-tree/ibm,opal/firmware/mi-version", mi, mn);
	read_dt_text(root, "proc/device-tree/ibm,opal/firmware/ml-version", ml, ln);
}
