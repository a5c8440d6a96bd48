/*
 * qmp_msg.h - QEMU Machine Protocol messages: framing of the byte stream a QMP socket
 * delivers, classification of each message, and encoding of commands.
 *
 * QEMU writes every message as one compact JSON object followed by "\r\n" (strings
 * escape their newlines), so a message is one line. The reader buffers bytes until a
 * line is complete, refuses lines longer than its cap (a hostile or broken peer cannot
 * make it grow without bound) and parses each line with jansson. It never reads past
 * what it was given and always consumes the line it reports, good or bad, so a caller
 * looping on qmp_reader_next() always makes progress.
 */
#ifndef OPAL_RAS_ERRLOG_QMP_MSG_H
#define OPAL_RAS_ERRLOG_QMP_MSG_H

/* jansson's json_null() collides with common/json.h's writer function of that name; the
 * daemon files include both, so jansson's declaration is renamed here (this module never
 * calls it: a JSON null is json_pack("n")). Include jansson only through this header. */
#define json_null jansson_json_null_unused
#include <jansson.h>
#undef json_null
#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define QMP_LINE_MAX_DEFAULT (1u << 20) /* query-pci of a big guest stays far below */

struct qmp_reader {
	char *buf;
	size_t len, cap, max_line;
	bool skipping; /* inside an over-long line: drop bytes up to its newline */
};

enum qmp_msg_type {
	QMP_MSG_GREETING, /* {"QMP": {...}} */
	QMP_MSG_RETURN, /* {"return": ..., "id": ...} */
	QMP_MSG_ERROR, /* {"error": {"class": ..., "desc": ...}, "id": ...} */
	QMP_MSG_EVENT, /* {"event": NAME, "data": {...}, "timestamp": {...}} */
};

struct qmp_msg {
	enum qmp_msg_type type;
	json_t *root; /* owned; the pointers below borrow it */
	char id[64]; /* the command id echoed back ("" when none) */
	json_t *ret; /* RETURN: the value */
	const char *err_class, *err_desc; /* ERROR */
	const char *event; /* EVENT: the name */
	json_t *data; /* EVENT: data (NULL when absent) */
};

/* max_line 0 = QMP_LINE_MAX_DEFAULT. */
void qmp_reader_init(struct qmp_reader *r, size_t max_line);
void qmp_reader_free(struct qmp_reader *r);
/* Append received bytes. 0 or -ENOMEM. */
int qmp_reader_feed(struct qmp_reader *r, const void *data, size_t len, struct ras_err *e);
/*
 * The next complete message: 1 and *m filled (free with qmp_msg_free), 0 when no
 * complete line is buffered, or a negative errno for a line that is not a QMP message
 * (-EBADMSG: not JSON or not an object of a known shape; -E2BIG: longer than the cap).
 * A bad line is consumed; the caller decides whether to go on.
 */
int qmp_reader_next(struct qmp_reader *r, struct qmp_msg *m, struct ras_err *e);
void qmp_msg_free(struct qmp_msg *m);
/* Classify one parsed JSON object (takes the reference to root on success). */
int qmp_msg_from_json(json_t *root, struct qmp_msg *m, struct ras_err *e);

/*
 * Encode {"execute": cmd, "arguments": args, "id": id}\n into a malloc'd string
 * (*len its length). args may be NULL; it is borrowed. NULL on failure.
 */
char *qmp_command_encode(const char *cmd, const json_t *args, const char *id, size_t *len);

#endif
