/*
 * opal-eeh.c - the EEH command: list PEs, show one, kernel counters and freeze windows,
 * freeze/recovery history from the database, and host-side error injection.
 *
 * A table of subcommands over eeh/ (discovery, rendering, injection, history); argument
 * parsing and exit codes live here, nothing reusable. Exit codes: 0 ok, 1 operational
 * failure, 2 bad usage, 3 no database (history), 4 refused for safety (inject without
 * --yes, or into a PE held by a running guest without --force-guest).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/timeutil.h"
#include "eeh/eeh.h"
#include "cli/cli_db.h"
#include "errlog/store.h"

#define EXIT_NO_DB   3 /* as opal-elog: the database does not exist */
#define EXIT_REFUSED 4

struct opts {
	const char *root;
	const char *db;
	const char *ids;
	const char *since;
	const char *pe_filter;
	bool json;
	bool csv;
	bool state_all;
	bool yes, force_guest, do_break, dry_run;
	unsigned type, func;
	uint64_t addr, mask;
	int argc;
	char **argv;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: opal-eeh [--root DIR] [-o text|json|csv] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  list [--state]          PHBs, PEs and their devices (owner, guest, location)\n"
		"  show PE|BDF             one PE with its decoded eeh_pe_state\n"
		"  stats [--db FILE]       /proc/powerpc/eeh counters; per-PE freezes in the\n"
		"                          current 3600 s window against eeh_max_freezes\n"
		"  history [--db FILE] [--since TIME] [--pe PE]\n"
		"                          freeze -> recovery -> outcome timelines\n"
		"  inject PE|BDF --yes [--type 32|64] [--func F] [--addr A] [--mask M]\n"
		"         [--break] [--force-guest] [--dry-run]\n"
		"                          write debugfs PCIxxxx/err_injct (or eeh_dev_break)\n"
		"\n"
		"options:\n"
		"  --root DIR      read kernel files under DIR (default /)\n"
		"  -o, --output F  text (default), json, or csv (list, history)\n"
		"  --state         list: also read eeh_pe_state of host-owned PEs (the read can\n"
		"                  pre-empt the kernel's recovery of a newly frozen PE)\n"
		"  --db FILE       database (default $OPAL_RAS_DB or " STORE_DEFAULT_PATH ")\n"
		"  --pci-ids FILE  pci.ids to name devices (default: libpci's)\n"
		"  -h, --help      this text\n"
		"\n"
		"PE is PHB#30-PE#1fa, 30:1fa or 0030:1fa (hex); BDF is 0030:01:00.0.\n"
		"\n"
		"examples:\n"
		"  opal-eeh list\n"
		"  opal-eeh show PHB#30-PE#1fa -o json\n"
		"  opal-eeh stats\n"
		"  opal-eeh history --since 7d\n"
		"  opal-eeh inject 0000:01:00.0 --func load-mem-addr --yes\n"
		"  opal-eeh inject 30:1fa --break --yes --force-guest\n"
		"\n"
		"exit status: 0 ok, 1 failure, 2 bad usage, 3 no database (history), 4 refused\n"
		"(no --yes, or a PE held by a running guest without --force-guest).\n");
}

static int discover(const struct opts *o, enum eeh_state_read rs, struct eeh_topology *t)
{
	struct eeh_discover_opts d = { .root = o->root,
				       .ids_path = o->ids,
				       .read_state = rs,
				       .map_guests = true,
				       .names = true };
	struct ras_err e = { { 0 } };
	int rc = eeh_discover(&d, t, &e);

	if (rc == -ENOENT) {
		/* No PCI sysfs at all: nothing has EEH. */
		memset(t, 0, sizeof(*t));
		return 0;
	}
	if (rc)
		fprintf(stderr, "opal-eeh: %s\n", e.msg);
	return rc;
}

/* Resolve PE|BDF: *pe set, *dev set for a BDF. 0, or prints the reason and returns 1/2. */
static int resolve(const struct eeh_topology *t, const char *arg, struct eeh_pe **pe,
		   struct eeh_dev **dev)
{
	uint32_t phb, n;
	unsigned a, b, c, d;

	*dev = NULL;
	if (eeh_parse_bdf(arg, &a, &b, &c, &d) == 0) {
		*dev = eeh_topology_find_dev(t, arg);
		if (!*dev) {
			fprintf(stderr, "opal-eeh: no PCI device %s\n", arg);
			return 1;
		}
		*pe = eeh_topology_pe_of(t, arg);
		if (!*pe) {
			fprintf(stderr, "opal-eeh: %s has no EEH PE\n", arg);
			return 1;
		}
		return 0;
	}
	if (eeh_parse_pe_id(arg, &phb, &n) == 0) {
		*pe = eeh_topology_find_pe(t, phb, n);
		if (!*pe) {
			char name[48];
			fprintf(stderr, "opal-eeh: no %s\n",
				eeh_pe_name(phb, n, name, sizeof(name)));
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "opal-eeh: \"%s\": expected a PE (PHB#30-PE#1fa, 30:1fa) or a BDF\n", arg);
	return 2;
}

static int cmd_list(struct opts *o)
{
	struct eeh_topology t;

	if (o->argc != 0) {
		usage(stderr);
		return 2;
	}
	if (discover(o, o->state_all ? EEH_READ_STATE_ALL : EEH_READ_STATE_VFIO, &t))
		return 1;
	if (o->csv)
		eeh_render_list_csv(stdout, &t);
	else
		eeh_render_list(stdout, &t, o->json);
	eeh_topology_free(&t);
	return 0;
}

static int cmd_show(struct opts *o)
{
	struct eeh_topology t;
	struct eeh_pe *pe;
	struct eeh_dev *dev;
	struct ras_err e = { { 0 } };
	int rc;

	if (o->argc != 1) {
		usage(stderr);
		return 2;
	}
	if (discover(o, EEH_READ_STATE_NONE, &t))
		return 1;
	if (!t.eeh_available) {
		fprintf(stderr, "opal-eeh: EEH not available on this system\n");
		eeh_topology_free(&t);
		return 1;
	}
	rc = resolve(&t, o->argv[0], &pe, &dev);
	if (rc == 0) {
		/* An explicit request for one PE: read its state (spec 1.12 side effect noted
		 * in the man page). */
		int r = eeh_pe_state_read(o->root, pe, &pe->state, &e);
		pe->state_read = r == 0;
		pe->state_errno = r < 0 ? -r : 0;
		eeh_render_pe(stdout, pe, o->json);
	}
	eeh_topology_free(&t);
	return rc;
}

static int load_history(const struct opts *o, int64_t since, struct eeh_history *h, bool quiet)
{
	struct ras_err e = { { 0 } };
	int rc = eeh_history_load(o->db, since, h, &e);

	if (rc && !quiet)
		fprintf(stderr, "opal-eeh: %s: %s\n", o->db, e.msg);
	return rc;
}

static int cmd_stats(struct opts *o)
{
	struct eeh_proc_stats s;
	struct eeh_topology t;
	struct eeh_history h;
	struct ras_err e = { { 0 } };
	int max = EEH_DEFAULT_MAX_FREEZES;
	bool from_kernel, have_h;
	int64_t now = time_now_us();

	if (o->argc != 0) {
		usage(stderr);
		return 2;
	}
	int rc = eeh_proc_stats_read(o->root, &s, &e);
	if (rc && rc != -ENOENT) {
		fprintf(stderr, "opal-eeh: %s\n", e.msg);
		return 1;
	}
	from_kernel = eeh_max_freezes_read(o->root, &max, NULL) == 0;
	if (discover(o, EEH_READ_STATE_NONE, &t))
		return 1;
	/* A window's start depends on the freezes before it: a day of history settles it. */
	have_h = load_history(o, now - 24 * EEH_WINDOW_US, &h, true) == 0;
	eeh_render_stats(stdout, &s, max, from_kernel, &t, have_h ? &h : NULL, now, o->json);
	if (have_h)
		eeh_history_free(&h);
	eeh_topology_free(&t);
	return 0;
}

static int cmd_history(struct opts *o)
{
	struct eeh_history h;
	struct ras_err e = { { 0 } };
	int64_t since = 0;
	uint32_t fphb = 0, fpe = 0;

	if (o->argc != 0) {
		usage(stderr);
		return 2;
	}
	if (o->since && time_parse_arg(o->since, time_now_us(), &since, &e) < 0) {
		fprintf(stderr, "opal-eeh: --since: %s\n", e.msg);
		return 2;
	}
	if (o->pe_filter && eeh_parse_pe_id(o->pe_filter, &fphb, &fpe) < 0) {
		fprintf(stderr, "opal-eeh: --pe \"%s\": expected PHB#30-PE#1fa or 30:1fa\n",
			o->pe_filter);
		return 2;
	}
	int rc = load_history(o, since, &h, false);
	if (rc)
		return rc == -ENOENT ? EXIT_NO_DB : 1;
	if (o->pe_filter) {
		size_t k = 0;
		for (size_t i = 0; i < h.n_tl; i++) {
			if (h.tl[i].phb == fphb && h.tl[i].have_pe && h.tl[i].pe == fpe)
				h.tl[k++] = h.tl[i];
			else
				free(h.tl[i].idx);
		}
		h.n_tl = k;
	}
	if (o->csv)
		eeh_render_history_csv(stdout, &h);
	else
		eeh_render_history(stdout, &h, o->json);
	eeh_history_free(&h);
	return 0;
}

static int cmd_inject(struct opts *o)
{
	struct eeh_topology t;
	struct eeh_pe *pe;
	struct eeh_dev *dev;
	struct ras_err e = { { 0 } };
	char written[64] = "", name[48], path[64];
	const char *method = o->do_break ? "eeh_dev_break" : "err_injct";
	int rc;

	if (o->argc != 1) {
		usage(stderr);
		return 2;
	}
	if (discover(o, EEH_READ_STATE_NONE, &t))
		return 1;
	if (!t.eeh_available) {
		fprintf(stderr, "opal-eeh: EEH not available on this system\n");
		eeh_topology_free(&t);
		return 1;
	}
	rc = resolve(&t, o->argv[0], &pe, &dev);
	if (rc)
		goto out;
	eeh_pe_name(pe->phb, pe->pe, name, sizeof(name));
	if (!dev)
		dev = pe->devs[0];
	if (o->do_break)
		snprintf(written, sizeof(written), "%s", dev->bdf);
	else if (eeh_inject_format(written, sizeof(written), pe->pe, o->type, o->func, o->addr,
				   o->mask) < 0) {
		fprintf(stderr, "opal-eeh: bad injection parameters\n");
		rc = 2;
		goto out;
	}
	if (pe->vfio && pe->guest.pid && !o->force_guest) {
		fprintf(stderr,
			"opal-eeh: %s is passed through to guest %s (pid %d); the guest owns its "
			"recovery. Use --force-guest to inject anyway.\n",
			name, pe->guest.name[0] ? pe->guest.name : "?", (int)pe->guest.pid);
		rc = EXIT_REFUSED;
		goto out;
	}
	if (o->do_break)
		snprintf(path, sizeof(path), "eeh_dev_break");
	else
		snprintf(path, sizeof(path), "PCI%04x/err_injct", pe->phb);
	if (!o->yes && !o->dry_run) {
		fprintf(stderr,
			"opal-eeh: this freezes %s (%s); I/O to its devices stops until recovery.\n"
			"Would write \"%s\" to /sys/kernel/debug/powerpc/%s. Add --yes to do it.\n",
			name, dev->bdf, written, path);
		rc = EXIT_REFUSED;
		goto out;
	}
	if (!o->dry_run) {
		if (o->do_break)
			rc = eeh_inject_dev_break(o->root, dev->bdf, &e);
		else
			rc = eeh_inject_errinjct(o->root, pe->phb, pe->pe, o->type, o->func,
						 o->addr, o->mask, written, sizeof(written), &e);
		if (rc) {
			fprintf(stderr, "opal-eeh: %s\n", e.msg);
			rc = 1;
			goto out;
		}
	}
	if (o->json) {
		printf("{\"pe\":{\"id\":\"%s\",\"phb\":%u,\"pe\":%u},\"bdf\":\"%s\",\"method\":\"%"
		       "s\","
		       "\"file\":\"/sys/kernel/debug/powerpc/"
		       "%s\",\"written\":\"%s\",\"dry_run\":%s",
		       name, pe->phb, pe->pe, dev->bdf, method, path, written,
		       o->dry_run ? "true" : "false");
		if (!o->do_break)
			printf(",\"type\":%u,\"func\":%u,\"func_name\":\"%s\"", o->type, o->func,
			       eeh_inject_func_name(o->func));
		printf("}\n");
	} else {
		printf("%s \"%s\" to /sys/kernel/debug/powerpc/%s (%s, %s)\n",
		       o->dry_run ? "would write" : "wrote", written, path, name, dev->bdf);
		if (!o->do_break)
			printf("error: %s-bit, %s (func %u), addr 0x%llx mask 0x%llx\n",
			       o->type ? "64" : "32", eeh_inject_func_name(o->func), o->func,
			       (unsigned long long)o->addr, (unsigned long long)o->mask);
		if (!o->dry_run)
			printf("The freeze is detected asynchronously: see `opal-eeh show %s` and "
			       "the kernel log.\n",
			       name);
	}
	rc = 0;
out:
	eeh_topology_free(&t);
	return rc;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	*v = x;
	return 0;
}

int main(int argc, char **argv)
{
	enum {
		O_ROOT = 256,
		O_DB,
		O_IDS,
		O_SINCE,
		O_PE,
		O_STATE,
		O_YES,
		O_FORCE,
		O_BREAK,
		O_DRY,
		O_TYPE,
		O_FUNC,
		O_ADDR,
		O_MASK
	};
	static const struct option lo[] = {
		{ "root", required_argument, NULL, O_ROOT },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, O_DB },
		{ "pci-ids", required_argument, NULL, O_IDS },
		{ "since", required_argument, NULL, O_SINCE },
		{ "pe", required_argument, NULL, O_PE },
		{ "state", no_argument, NULL, O_STATE },
		{ "yes", no_argument, NULL, O_YES },
		{ "force-guest", no_argument, NULL, O_FORCE },
		{ "break", no_argument, NULL, O_BREAK },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "type", required_argument, NULL, O_TYPE },
		{ "func", required_argument, NULL, O_FUNC },
		{ "addr", required_argument, NULL, O_ADDR },
		{ "mask", required_argument, NULL, O_MASK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int (*fn)(struct opts *o);
	} cmds[] = {
		{ "list", cmd_list },	    { "show", cmd_show },     { "stats", cmd_stats },
		{ "history", cmd_history }, { "inject", cmd_inject },
	};
	struct opts o = { .root = "/", .db = cli_default_db() };
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case O_ROOT:
			o.root = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				o.json = true;
			else if (strcmp(optarg, "csv") == 0)
				o.csv = true;
			else if (strcmp(optarg, "text") == 0)
				o.json = o.csv = false;
			else {
				fprintf(stderr, "opal-eeh: -o %s: expected text, json or csv\n",
					optarg);
				return 2;
			}
			break;
		case O_DB:
			o.db = optarg;
			break;
		case O_IDS:
			o.ids = optarg;
			break;
		case O_SINCE:
			o.since = optarg;
			break;
		case O_PE:
			o.pe_filter = optarg;
			break;
		case O_STATE:
			o.state_all = true;
			break;
		case O_YES:
			o.yes = true;
			break;
		case O_FORCE:
			o.force_guest = true;
			break;
		case O_BREAK:
			o.do_break = true;
			break;
		case O_DRY:
			o.dry_run = true;
			break;
		case O_TYPE:
			if (!strcmp(optarg, "32") || !strcmp(optarg, "0"))
				o.type = 0;
			else if (!strcmp(optarg, "64") || !strcmp(optarg, "1"))
				o.type = 1;
			else {
				fprintf(stderr, "opal-eeh: --type %s: expected 32 or 64\n", optarg);
				return 2;
			}
			break;
		case O_FUNC:
			if (eeh_inject_func_parse(optarg, &o.func) < 0) {
				fprintf(stderr,
					"opal-eeh: --func %s: expected 0-19 or a name such as "
					"load-mem-addr, store-cfg-data, dma-write-target\n",
					optarg);
				return 2;
			}
			break;
		case O_ADDR:
		case O_MASK:
			if (parse_u64(optarg, &v) < 0) {
				fprintf(stderr, "opal-eeh: %s %s: expected a number\n",
					c == O_ADDR ? "--addr" : "--mask", optarg);
				return 2;
			}
			*(c == O_ADDR ? &o.addr : &o.mask) = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	o.argc = argc - optind - 1;
	o.argv = argv + optind + 1;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name) != 0)
			continue;
		if (o.csv && cmds[i].fn != cmd_list && cmds[i].fn != cmd_history) {
			fprintf(stderr, "opal-eeh: -o csv is for list and history\n");
			return 2;
		}
		return cmds[i].fn(&o);
	}
	fprintf(stderr, "opal-eeh: unknown command \"%s\"\n", argv[optind]);
	usage(stderr);
	return 2;
}
