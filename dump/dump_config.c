/*
 * dump_config.c - the `dump:` section of /etc/opal-ras/opal-ras.yaml into a dump policy.
 *
 *   dump:
 *     enabled: true            # new dumps become events (read by errlog/config.c)
 *     auto_retrieve: true      # the daemon fetches dumps (else it only records notices)
 *     dir: /var/lib/opal-ras/dumps
 *     min_free: 1G             # leave the dump with firmware below this much free space
 *     max_total: 0             # cap for stored dumps (0 = none)
 *     compress: none           # or zstd
 *     zstd_level: 3
 *     eio_retries: 10
 *     eio_delay_ms: 100
 *
 * Unknown keys are errors (a typo must not silently change the policy); values go
 * through dump_policy_set() so the CLI and the config accept the same spellings.
 */
#include "dump/dump.h"

#include <errno.h>
#include <string.h>

#include "errlog/yaml_doc.h"

int dump_policy_from_config(const struct ydoc_node *sec, struct dump_policy *p, bool *auto_retrieve,
			    struct ras_err *e)
{
	static const char *const policy_keys[] = { "dir",	   "min_free",	 "max_total",
						   "compress",	   "zstd_level", "eio_retries",
						   "eio_delay_ms", NULL };
	int rc;

	dump_policy_init(p);
	if (auto_retrieve)
		*auto_retrieve = true;
	if (!sec)
		return 0;
	if (sec->type != YDOC_MAP)
		return ras_errf(e, -EINVAL, "line %d: dump must be a mapping", sec->line);
	for (size_t i = 0; i + 1 < sec->n; i += 2) {
		const char *key = sec->kids[i]->scalar;
		const struct ydoc_node *val = sec->kids[i + 1];
		const char *s = NULL;
		bool known = false;

		if (!strcmp(key, "enabled"))
			continue; /* errlog/config.c */
		if (!strcmp(key, "auto_retrieve")) {
			bool b = true;

			rc = ydoc_bool(val, &b, e);
			if (rc)
				return rc;
			if (auto_retrieve)
				*auto_retrieve = b;
			continue;
		}
		for (const char *const *k = policy_keys; *k; k++)
			known |= !strcmp(*k, key);
		if (!known)
			return ras_errf(e, -EINVAL, "line %d: unknown key \"%s\" in dump",
					sec->kids[i]->line, key);
		rc = ydoc_str(val, &s, e);
		if (!rc && !s)
			rc = ras_errf(e, -EINVAL, "line %d: dump.%s needs a value", val->line, key);
		if (!rc)
			rc = dump_policy_set(p, key, s, e);
		if (rc)
			return ras_err_prefix(e, rc, "line %d", val->line);
	}
	return 0;
}
