/*
 * qmp_msg.c - QMP framing, message classification and command encoding (see
 * qmp_msg.h). Bytes come from a peer we do not trust: every length is checked, a line
 * over the cap is dropped whole, and nothing is kept from a bad line.
 */
#include "errlog/qmp_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qmp_reader_init(struct qmp_reader *r, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->max_line = max_line ? max_line : QMP_LINE_MAX_DEFAULT;
}

void qmp_reader_free(struct qmp_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
	r->skipping = false;
}

int qmp_reader_feed(struct qmp_reader *r, const void *data, size_t len, struct ras_err *e)
{
	if (!len)
		return 0;
	if (r->len + len > r->cap) {
		/* Never more than the cap plus one read's worth: an over-long line is
		 * discarded by qmp_reader_next before more is appended. */
		size_t nc = r->cap ? r->cap : 4096;
		while (nc < r->len + len)
			nc *= 2;
		char *nb = realloc(r->buf, nc);
		if (!nb)
			return ras_errf(e, -ENOMEM, "qmp: out of memory buffering %zu bytes",
					r->len + len);
		r->buf = nb;
		r->cap = nc;
	}
	memcpy(r->buf + r->len, data, len);
	r->len += len;
	return 0;
}

static void consume(struct qmp_reader *r, size_t n)
{
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

static void copy_id(const json_t *id, char *out, size_t n)
{
	out[0] = 0;
	if (json_is_string(id))
		snprintf(out, n, "%s", json_string_value(id));
	else if (json_is_integer(id))
		snprintf(out, n, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
}

int qmp_msg_from_json(json_t *root, struct qmp_msg *m, struct ras_err *e)
{
	json_t *v;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(root))
		return ras_errf(e, -EBADMSG, "qmp: message is not a JSON object");
	copy_id(json_object_get(root, "id"), m->id, sizeof(m->id));
	if (json_is_object(json_object_get(root, "QMP"))) {
		m->type = QMP_MSG_GREETING;
	} else if ((v = json_object_get(root, "return"))) {
		m->type = QMP_MSG_RETURN;
		m->ret = v;
	} else if ((v = json_object_get(root, "error"))) {
		json_t *cl = json_object_get(v, "class"), *de = json_object_get(v, "desc");
		if (!json_is_object(v) || !json_is_string(cl))
			return ras_errf(e, -EBADMSG, "qmp: \"error\" without a class string");
		m->type = QMP_MSG_ERROR;
		m->err_class = json_string_value(cl);
		m->err_desc = json_is_string(de) ? json_string_value(de) : "";
	} else if (json_is_string(v = json_object_get(root, "event"))) {
		m->type = QMP_MSG_EVENT;
		m->event = json_string_value(v);
		m->data = json_object_get(root, "data");
		if (m->data && !json_is_object(m->data))
			return ras_errf(e, -EBADMSG, "qmp: event %s: \"data\" is not an object",
					m->event);
	} else {
		return ras_errf(e, -EBADMSG, "qmp: object has none of QMP, return, error, event");
	}
	m->root = root;
	return 0;
}

int qmp_reader_next(struct qmp_reader *r, struct qmp_msg *m, struct ras_err *e)
{
	for (;;) {
		char *nl = r->len ? memchr(r->buf, '\n', r->len) : NULL;
		if (!nl) {
			if (r->len > r->max_line) {
				/* No newline within the cap: drop it and the rest of the line. */
				size_t had = r->len;
				r->len = 0;
				if (r->skipping)
					continue;
				r->skipping = true;
				return ras_errf(e, -E2BIG,
						"qmp: message longer than %zu bytes (%zu so far)",
						r->max_line, had);
			}
			return 0;
		}
		size_t line = (size_t)(nl - r->buf) + 1;
		if (r->skipping) {
			r->skipping = false;
			consume(r, line);
			continue;
		}
		if (line - 1 > r->max_line) {
			consume(r, line);
			return ras_errf(e, -E2BIG, "qmp: message of %zu bytes, more than %zu",
					line - 1, r->max_line);
		}
		size_t n = line - 1;
		while (n &&
		       (r->buf[n - 1] == '\r' || r->buf[n - 1] == ' ' || r->buf[n - 1] == '\t'))
			n--;
		size_t start = 0;
		while (start < n && (r->buf[start] == ' ' || r->buf[start] == '\t'))
			start++;
		if (start == n) { /* an empty line: nothing to report */
			consume(r, line);
			continue;
		}
		json_error_t je;
		json_t *root = json_loadb(r->buf + start, n - start, JSON_REJECT_DUPLICATES, &je);
		consume(r, line);
		if (!root)
			return ras_errf(e, -EBADMSG, "qmp: bad JSON at column %d: %s", je.column,
					je.text);
		int rc = qmp_msg_from_json(root, m, e);
		if (rc) {
			json_decref(root);
			return rc;
		}
		return 1;
	}
}

void qmp_msg_free(struct qmp_msg *m)
{
	json_decref(m->root);
	memset(m, 0, sizeof(*m));
}

char *qmp_command_encode(const char *cmd, const json_t *args, const char *id, size_t *len)
{
	json_t *o = json_object();
	char *s, *out;
	size_t n;

	if (!o)
		return NULL;
	json_object_set_new(o, "execute", json_string(cmd));
	if (args)
		json_object_set(o, "arguments", (json_t *)args);
	if (id && *id)
		json_object_set_new(o, "id", json_string(id));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return NULL;
	n = strlen(s);
	out = realloc(s, n + 2);
	if (!out) {
		free(s);
		return NULL;
	}
	out[n] = '\n';
	out[n + 1] = 0;
	if (len)
		*len = n + 1;
	return out;
}
