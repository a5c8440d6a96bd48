/*
 * yaml_doc.h - a small read-only document tree over libyaml, for configuration and
 * scenario files: mappings, sequences and scalars, with line numbers for messages.
 *
 * Anchors/aliases are refused (configuration has no use for them, and they allow
 * "billion laughs" expansion). Depth and node count are capped.
 */
#ifndef OPAL_RAS_ERRLOG_YAML_DOC_H
#define OPAL_RAS_ERRLOG_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum ydoc_type { YDOC_SCALAR, YDOC_MAP, YDOC_SEQ };

struct ydoc_node {
	enum ydoc_type type;
	int line;
	char *scalar;            /* YDOC_SCALAR */
	struct ydoc_node **kids; /* YDOC_SEQ items; YDOC_MAP: key, value, key, value ... */
	size_t n;
};

/* Parse a file or a buffer. *root is NULL for an empty document. */
int ydoc_load_file(const char *path, struct ydoc_node **root, struct ras_err *e);
int ydoc_load_buf(const char *buf, size_t len, const char *name, struct ydoc_node **root,
		  struct ras_err *e);
void ydoc_free(struct ydoc_node *n);

/* Mapping lookup by key (NULL if n is not a map or the key is absent). */
struct ydoc_node *ydoc_get(const struct ydoc_node *map, const char *key);
/* Dotted path lookup: "elog.rescan_interval". */
struct ydoc_node *ydoc_path(const struct ydoc_node *root, const char *path);

/* Typed reads of a scalar; missing node: keep *out, return 0. Wrong type: -EINVAL. */
int ydoc_str(const struct ydoc_node *n, const char **out, struct ras_err *e);
int ydoc_bool(const struct ydoc_node *n, bool *out, struct ras_err *e);
int ydoc_int(const struct ydoc_node *n, int64_t min, int64_t max, int64_t *out,
	     struct ras_err *e);
/* A duration ("10s", "500ms", "2h", plain seconds) into microseconds. */
int ydoc_duration(const struct ydoc_node *n, int64_t *out_us, struct ras_err *e);
/* A size ("64M", "1G", "4096") into bytes. */
int ydoc_size(const struct ydoc_node *n, uint64_t *out, struct ras_err *e);

#endif
