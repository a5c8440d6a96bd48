/*
 * yaml_doc.c - libyaml events folded into a ydoc_node tree (see yaml_doc.h).
 */
#include "errlog/yaml_doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/fileio.h"
#include "common/timeutil.h"

#define YDOC_MAX_DEPTH 32
#define YDOC_MAX_NODES 100000
#define YDOC_MAX_FILE (4u << 20)

struct ybuild {
	yaml_parser_t p;
	const char *name;
	size_t nodes;
	struct ras_err *e;
};

void ydoc_free(struct ydoc_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ydoc_free(n->kids[i]);
	free(n->kids);
	free(n->scalar);
	free(n);
}

static int add_kid(struct ydoc_node *n, struct ydoc_node *k)
{
	struct ydoc_node **nk = realloc(n->kids, (n->n + 1) * sizeof(*nk));
	if (!nk)
		return -ENOMEM;
	n->kids = nk;
	n->kids[n->n++] = k;
	return 0;
}

/* Build the node that starts with event ev (already taken from the parser). */
static int build(struct ybuild *b, yaml_event_t *ev, int depth, struct ydoc_node **out)
{
	struct ydoc_node *n;
	int rc = 0;

	*out = NULL;
	if (depth > YDOC_MAX_DEPTH || ++b->nodes > YDOC_MAX_NODES)
		return ras_errf(b->e, -E2BIG, "%s:%zu: document too deep or too large", b->name,
				ev->start_mark.line + 1);
	if (ev->type == YAML_ALIAS_EVENT)
		return ras_errf(b->e, -EINVAL, "%s:%zu: aliases are not supported", b->name,
				ev->start_mark.line + 1);
	n = calloc(1, sizeof(*n));
	if (!n)
		return ras_errf(b->e, -ENOMEM, "out of memory");
	n->line = (int)ev->start_mark.line + 1;
	if (ev->type == YAML_SCALAR_EVENT) {
		n->type = YDOC_SCALAR;
		n->scalar = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (!n->scalar)
			rc = ras_errf(b->e, -ENOMEM, "out of memory");
		goto done;
	}
	if (ev->type != YAML_SEQUENCE_START_EVENT && ev->type != YAML_MAPPING_START_EVENT) {
		rc = ras_errf(b->e, -EINVAL, "%s:%d: unexpected YAML event", b->name, n->line);
		goto done;
	}
	n->type = ev->type == YAML_SEQUENCE_START_EVENT ? YDOC_SEQ : YDOC_MAP;
	yaml_event_type_t end =
		n->type == YDOC_SEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
	for (;;) {
		yaml_event_t kev;
		struct ydoc_node *kid;
		if (!yaml_parser_parse(&b->p, &kev)) {
			rc = ras_errf(b->e, -EINVAL, "%s:%zu: %s", b->name,
				      b->p.problem_mark.line + 1,
				      b->p.problem ? b->p.problem : "YAML syntax error");
			break;
		}
		if (kev.type == end) {
			yaml_event_delete(&kev);
			break;
		}
		rc = build(b, &kev, depth + 1, &kid);
		yaml_event_delete(&kev);
		if (rc)
			break;
		if (n->type == YDOC_MAP && (n->n % 2) == 0 && kid->type != YDOC_SCALAR) {
			ydoc_free(kid);
			rc = ras_errf(b->e, -EINVAL, "%s:%d: mapping keys must be plain scalars",
				      b->name, n->line);
			break;
		}
		if (add_kid(n, kid)) {
			ydoc_free(kid);
			rc = ras_errf(b->e, -ENOMEM, "out of memory");
			break;
		}
	}
done:
	if (rc) {
		ydoc_free(n);
		return rc;
	}
	*out = n;
	return 0;
}

int ydoc_load_buf(const char *buf, size_t len, const char *name, struct ydoc_node **root,
		  struct ras_err *e)
{
	struct ybuild b = { .name = name, .e = e };
	yaml_event_t ev;
	int rc = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&b.p))
		return ras_errf(e, -ENOMEM, "out of memory");
	yaml_parser_set_input_string(&b.p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&b.p, &ev)) {
			rc = ras_errf(e, -EINVAL, "%s:%zu: %s", name, b.p.problem_mark.line + 1,
				      b.p.problem ? b.p.problem : "YAML syntax error");
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
		    t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
			if (*root) {
				yaml_event_delete(&ev);
				rc = ras_errf(e, -EINVAL, "%s: only one YAML document is allowed", name);
				break;
			}
			rc = build(&b, &ev, 0, root);
		}
		yaml_event_delete(&ev);
		if (rc)
			break;
	}
	yaml_parser_delete(&b.p);
	if (rc) {
		ydoc_free(*root);
		*root = NULL;
	}
	return rc;
}

int ydoc_load_file(const char *path, struct ydoc_node **root, struct ras_err *e)
{
	uint8_t *buf;
	size_t len;
	int trunc, rc;

	*root = NULL;
	rc = file_read_all(path, YDOC_MAX_FILE, &buf, &len, &trunc, e);
	if (rc)
		return rc;
	if (trunc) {
		free(buf);
		return ras_errf(e, -EFBIG, "%s: larger than %u bytes", path, YDOC_MAX_FILE);
	}
	rc = ydoc_load_buf((const char *)buf, len, path, root, e);
	free(buf);
	return rc;
}

struct ydoc_node *ydoc_get(const struct ydoc_node *map, const char *key)
{
	if (!map || map->type != YDOC_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (!strcmp(map->kids[i]->scalar, key))
			return map->kids[i + 1];
	return NULL;
}

struct ydoc_node *ydoc_path(const struct ydoc_node *root, const char *path)
{
	char part[128];
	const struct ydoc_node *n = root;

	while (n && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);
		if (l >= sizeof(part))
			return NULL;
		memcpy(part, path, l);
		part[l] = 0;
		n = ydoc_get(n, part);
		path += l + (dot ? 1 : 0);
	}
	return (struct ydoc_node *)n;
}

static int want_scalar(const struct ydoc_node *n, const char *what, struct ras_err *e)
{
	if (n->type != YDOC_SCALAR)
		return ras_errf(e, -EINVAL, "line %d: expected %s", n->line, what);
	return 0;
}

int ydoc_str(const struct ydoc_node *n, const char **out, struct ras_err *e)
{
	if (!n)
		return 0;
	int rc = want_scalar(n, "a string", e);
	if (!rc)
		*out = n->scalar;
	return rc;
}

int ydoc_bool(const struct ydoc_node *n, bool *out, struct ras_err *e)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	if (!n)
		return 0;
	int rc = want_scalar(n, "true or false", e);
	if (rc)
		return rc;
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(n->scalar, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->scalar, no[i])) {
			*out = false;
			return 0;
		}
	}
	return ras_errf(e, -EINVAL, "line %d: expected true or false, found \"%s\"", n->line,
			n->scalar);
}

int ydoc_int(const struct ydoc_node *n, int64_t min, int64_t max, int64_t *out,
	     struct ras_err *e)
{
	char *end;

	if (!n)
		return 0;
	int rc = want_scalar(n, "a number", e);
	if (rc)
		return rc;
	errno = 0;
	long long v = strtoll(n->scalar, &end, 0);
	if (errno || end == n->scalar || *end || v < min || v > max)
		return ras_errf(e, -EINVAL, "line %d: expected a number from %lld to %lld, found \"%s\"",
				n->line, (long long)min, (long long)max, n->scalar);
	*out = v;
	return 0;
}

int ydoc_duration(const struct ydoc_node *n, int64_t *out_us, struct ras_err *e)
{
	if (!n)
		return 0;
	int rc = want_scalar(n, "a duration", e);
	if (rc)
		return rc;
	size_t l = strlen(n->scalar);
	if (l > 2 && !strcmp(n->scalar + l - 2, "ms")) {
		char *end;
		errno = 0;
		long long v = strtoll(n->scalar, &end, 10);
		if (errno || end != n->scalar + l - 2 || v < 0)
			return ras_errf(e, -EINVAL, "line %d: bad duration \"%s\"", n->line,
					n->scalar);
		*out_us = v * 1000;
		return 0;
	}
	rc = time_parse_duration(n->scalar, out_us, e);
	if (rc)
		ras_err_prefix(e, rc, "line %d", n->line);
	return rc;
}

int ydoc_size(const struct ydoc_node *n, uint64_t *out, struct ras_err *e)
{
	char *end;

	if (!n)
		return 0;
	int rc = want_scalar(n, "a size", e);
	if (rc)
		return rc;
	errno = 0;
	unsigned long long v = strtoull(n->scalar, &end, 10);
	uint64_t mult = 1;
	if (errno || end == n->scalar || n->scalar[0] == '-')
		goto bad;
	switch (*end) {
	case 0:
		break;
	case 'k':
	case 'K':
		mult = 1ull << 10;
		break;
	case 'M':
		mult = 1ull << 20;
		break;
	case 'G':
		mult = 1ull << 30;
		break;
	case 'T':
		mult = 1ull << 40;
		break;
	default:
		goto bad;
	}
	if (*end && end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB"))
		goto bad;
	if (v > UINT64_MAX / mult)
		goto bad;
	*out = v * mult;
	return 0;
bad:
	return ras_errf(e, -EINVAL, "line %d: bad size \"%s\" (e.g. 4096, 64M, 1G)", n->line,
			n->scalar);
}
