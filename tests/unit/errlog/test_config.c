/*
 * test_config.c - the YAML document tree and the configuration loader: defaults, the
 * shipped example, typed values, and clear errors for unknown keys and bad values.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errlog/config.h"
#include "errlog/yaml_doc.h"

static int load_text(const char *text, struct opal_config *c, struct ras_err *e)
{
	char path[] = "/tmp/opal-ras-cfg.XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	int rc = config_load(path, c, e);
	remove(path);
	return rc;
}

Test(config, defaults_without_file)
{
	struct opal_config c;
	struct ras_err e;
	cr_assert_eq(config_load("/dev/null", &c, &e), 0, "%s", e.msg);
	cr_assert_str_eq(c.root, "/");
	cr_assert_str_eq(c.database, "/var/lib/opal-ras/ras.db");
	cr_assert_eq(c.elog_rescan_us, 10ll * 1000000);
	cr_assert(c.elog_enabled && c.kmsg_enabled);
	config_free(&c);
}

Test(config, shipped_example_loads_with_its_documented_defaults)
{
	struct opal_config c, d;
	struct ras_err e;
	cr_assert_eq(config_load(OPAL_RAS_SRCDIR "/etc/opal-ras.yaml", &c, &e), 0, "%s", e.msg);
	cr_assert_eq(config_load("/dev/null", &d, &e), 0);
	cr_assert_str_eq(c.database, d.database);
	cr_assert_eq(c.elog_rescan_us, d.elog_rescan_us);
	cr_assert_eq(c.retention_interval_us, d.retention_interval_us);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(c.retention.max_age_us[i], d.retention.max_age_us[i], "age %d", i);
		cr_assert_eq(c.retention.max_count[i], d.retention.max_count[i], "count %d", i);
	}
	config_free(&c);
	config_free(&d);
}

Test(config, values_and_errors)
{
	struct opal_config c;
	struct ras_err e;
	cr_assert_eq(load_text("root: /tmp/r\nelog:\n  rescan_interval: 500ms\n"
			       "retention:\n  info: {max_age: 2d, max_count: 10}\n",
			       &c, &e),
		     0, "%s", e.msg);
	cr_assert_str_eq(c.root, "/tmp/r");
	cr_assert_eq(c.elog_rescan_us, 500000);
	cr_assert_eq(c.retention.max_age_us[0], 2 * 86400ll * 1000000);
	cr_assert_eq(c.retention.max_count[0], 10);
	config_free(&c);

	cr_assert_eq(load_text("elgo:\n  enabled: false\n", &c, &e), -EINVAL);
	cr_assert(strstr(e.msg, "unknown key \"elgo\"") && strstr(e.msg, "line 1"), "%s", e.msg);
	cr_assert_str_eq(c.root, "/", "defaults after a failed load");
	cr_assert_eq(load_text("elog:\n  enabled: maybe\n", &c, &e), -EINVAL);
	cr_assert(strstr(e.msg, "line 2"), "%s", e.msg);
	cr_assert_eq(load_text("elog:\n  rescan_interval: 10x\n", &c, &e), -EINVAL);
	cr_assert_eq(load_text("elog:\n  rescan_interval: 1ms\n", &c, &e), -EINVAL);
	cr_assert_eq(load_text("root: [unclosed\n", &c, &e), -EINVAL);
	cr_assert_eq(load_text("a: &x 1\nb: *x\n", &c, &e), -EINVAL, "aliases refused");
	cr_assert(strstr(e.msg, "alias"), "%s", e.msg);
}

Test(ydoc, paths_sizes_sequences)
{
	struct ydoc_node *r;
	struct ras_err e;
	const char *y = "a:\n  b:\n    c: 64M\nlist: [1, 2, 3]\nflag: yes\n";
	cr_assert_eq(ydoc_load_buf(y, strlen(y), "t", &r, &e), 0, "%s", e.msg);
	uint64_t sz = 0;
	cr_assert_eq(ydoc_size(ydoc_path(r, "a.b.c"), &sz, &e), 0);
	cr_assert_eq(sz, 64ull << 20);
	struct ydoc_node *l = ydoc_get(r, "list");
	cr_assert(l && l->type == YDOC_SEQ && l->n == 3);
	bool b = false;
	cr_assert_eq(ydoc_bool(ydoc_get(r, "flag"), &b, &e), 0);
	cr_assert(b);
	cr_assert_null(ydoc_path(r, "a.x.c"));
	int64_t v = 7;
	cr_assert_eq(ydoc_int(ydoc_get(r, "missing"), 0, 10, &v, &e), 0);
	cr_assert_eq(v, 7, "a missing node keeps the default");
	cr_assert_eq(ydoc_int(ydoc_get(r, "list"), 0, 10, &v, &e), -EINVAL);
	ydoc_free(r);
	const char *two = "a: 1\n---\nb: 2\n";
	cr_assert_eq(ydoc_load_buf(two, strlen(two), "t", &r, &e), -EINVAL);
}
