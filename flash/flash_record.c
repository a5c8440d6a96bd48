/*
 * flash_record.c - build and store the "flash-op" event of a flash operation.
 *
 * The event carries when (time_us), who (user, uid), what (op, target, partition,
 * side), the image's SHA-256 (OpenSSL libcrypto), firmware versions before/after and
 * the result. The dedupe key is unique per operation (time, pid, op), so a record is
 * never merged with another one.
 */
#include "flash/flash_record.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "errlog/store.h"

void flash_record_init(struct flash_op_rec *r, const char *op, const char *target)
{
	struct passwd *pw = getpwuid(getuid());

	memset(r, 0, sizeof(*r));
	r->op = op;
	r->target = target;
	r->side = -1;
	r->result = "ok";
	r->time_us = time_now_us();
	if (pw && pw->pw_name)
		snprintf(r->user, sizeof(r->user), "%s", pw->pw_name);
	else
		snprintf(r->user, sizeof(r->user), "uid%u", (unsigned)getuid());
}

int flash_sha256_hex(const void *buf, size_t len, char out[65], struct ras_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) || n != 32) {
		out[0] = '\0';
		return ras_errf(e, -EIO, "SHA-256 failed (libcrypto)");
	}
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static void add(struct flash_op_rec *r, size_t *n, const char *k, const char *v)
{
	if (v && *n < FLASH_REC_MAX_ATTRS)
		r->attrs[(*n)++] = (struct ras_attr){ .name = k, .value = v };
}

void flash_record_build(struct flash_op_rec *r, struct ras_event *ev)
{
	size_t n = 0;
	bool ok = !strcmp(r->result, "ok");

	snprintf(r->dedupe, sizeof(r->dedupe), "flash:%s:%lld:%d", r->op, (long long)r->time_us,
		 (int)getpid());
	snprintf(r->summary, sizeof(r->summary), "%s%s%s on %s: %s%s%s", r->op,
		 r->partition ? " " : "", r->partition ? r->partition : "",
		 r->target ? r->target : "?", r->result, r->detail ? " - " : "",
		 r->detail ? r->detail : "");
	snprintf(r->side_s, sizeof(r->side_s), "%d", r->side);
	snprintf(r->rc_s, sizeof(r->rc_s), "%d", r->rc);
	snprintf(r->uid_s, sizeof(r->uid_s), "%u", (unsigned)getuid());
	add(r, &n, "op", r->op);
	add(r, &n, "target", r->target);
	add(r, &n, "partition", r->partition);
	add(r, &n, "side", r->side >= 0 ? r->side_s : NULL);
	add(r, &n, "image", r->image);
	add(r, &n, "sha256", r->sha256[0] ? r->sha256 : NULL);
	add(r, &n, "version_before", r->version_before);
	add(r, &n, "version_after", r->version_after);
	add(r, &n, "result", r->result);
	add(r, &n, "rc", r->rc_s);
	add(r, &n, "user", r->user);
	add(r, &n, "uid", r->uid_s);
	add(r, &n, "detail", r->detail);
	memset(ev, 0, sizeof(*ev));
	ev->source = "flash";
	ev->kind = RAS_KIND_FLASH_OP;
	ev->dedupe_key = r->dedupe;
	ev->time_us = r->time_us;
	ev->severity = ok ? RAS_SEV_INFO : RAS_SEV_ERROR;
	ev->source_severity = -1;
	ev->source_severity_name = NULL;
	ev->subsystem = "Firmware flash";
	ev->refcode = r->op;
	ev->location = r->partition ? r->partition : "";
	ev->summary = r->summary;
	ev->attrs = r->attrs;
	ev->n_attrs = n;
}

int flash_record(const char *db_path, struct flash_op_rec *r, struct ras_err *e)
{
	struct ras_event ev;
	struct store *s = NULL;
	bool is_new = false;
	int rc;

	flash_record_build(r, &ev);
	rc = store_open(db_path, STORE_CREATE, &s, e);
	if (rc)
		return rc;
	rc = store_begin(s, e);
	if (!rc)
		rc = store_append(s, &ev, &is_new, e);
	if (!rc)
		rc = store_commit(s, e);
	else
		store_rollback(s);
	store_close(s);
	return rc;
}
