/*
 * opal-vpd.c - the opal-vpd command: FRU inventory (list, show), snapshot history and
 * diffs from the database, refresh (snapshot + change events), and decode of raw PCI
 * or IPZ VPD blobs. Argument parsing and output choice only; the work is in vpd/.
 *
 * Exit codes (docs/man/opal-vpd.8): 0 ok, 1 operational failure, 2 bad usage, 3 no
 * database, 4 no such location or snapshot, 5 decoded with warnings (decode).
 */
#include <errno.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_db.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "errlog/store.h"
#include "vpd/vpd.h"
#include "vpd/vpd_db.h"

#define EXIT_OK	       0
#define EXIT_FAIL      1
#define EXIT_USAGE     2
#define EXIT_NO_DB     3
#define EXIT_NOT_FOUND 4
#define EXIT_WARN      5

enum out_fmt { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_LSVPD };

struct opts {
	const char *root;
	const char *db;
	enum out_fmt out;
	bool live;
	bool ipz;
	bool pci;
	const char *reason;
};

static const char usage_text[] =
	"Usage: opal-vpd [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"FRU inventory from device-tree (IBM IPZ) and PCI VPD, with snapshots and change\n"
	"history in the opal-ras database.\n"
	"\n"
	"Commands:\n"
	"  list                 every FRU of the current snapshot (or --live)\n"
	"  show LOCATION        one FRU with all its keywords\n"
	"  history [LOCATION]   FRU changes recorded by refreshes (added, removed, replaced,\n"
	"                       fw-changed, updated)\n"
	"  snapshots            the snapshots in the database\n"
	"  diff SNAP1 SNAP2     differences between two snapshots (ids, 'current' or 'live')\n"
	"  refresh              take a snapshot of ROOT now; changes become vpd-change events\n"
	"  decode FILE          decode a raw PCI VPD image (sysfs vpd) or IPZ blob (ibm,vpd)\n"
	"\n"
	"Options:\n"
	"  --root DIR           resolve /sys and /proc under DIR (default /)\n"
	"  --db PATH            database (default $OPAL_RAS_DB or " STORE_DEFAULT_PATH ")\n"
	"  -o, --output FMT     text, json, csv (list), lsvpd (list: *XX keyword stream)\n"
	"  --live               list/show: read ROOT now instead of the database\n"
	"  --reason TEXT        refresh: why the snapshot was taken (default \"manual\")\n"
	"  --ipz | --pci        decode: force the format (default: guessed from byte 0)\n"
	"  -h, --help           this text\n"
	"\n"
	"Exit codes: 0 ok, 1 failure, 2 bad usage, 3 no database, 4 no such location or\n"
	"snapshot, 5 decoded with warnings (bad checksum, truncation).\n"
	"\n"
	"Examples:\n"
	"  opal-vpd refresh                              # snapshot now; log changes\n"
	"  opal-vpd list                                 # lscfg-like table\n"
	"  opal-vpd list -o lsvpd                        # *DS/*YL/*PN/*SN ... like lsvpd\n"
	"  opal-vpd list --live --root /tmp/host -o json\n"
	"  opal-vpd show U78D2.001.WZS0001-P1-C7\n"
	"  opal-vpd history U78D2.001.WZS0001-P1-C7\n"
	"  opal-vpd diff 1 current\n"
	"  opal-vpd decode /sys/bus/pci/devices/0030:01:00.0/vpd\n";

/* "opal-vpd: MSG[ 'ARG']" and the hint; returns the usage exit code. */
static int usage_error(const char *msg, const char *arg)
{
	if (arg)
		fprintf(stderr, "opal-vpd: %s '%s'\nTry 'opal-vpd --help'.\n", msg, arg);
	else
		fprintf(stderr, "opal-vpd: %s\nTry 'opal-vpd --help'.\n", msg);
	return EXIT_USAGE;
}

static int open_db(const struct opts *o, enum store_mode mode, struct store **s)
{
	struct ras_err e;
	int rc = store_open(o->db, mode, s, &e);

	if (!rc)
		return EXIT_OK;
	if (rc == -ENOENT)
		fprintf(stderr,
			"opal-vpd: no database at %s (run 'opal-vpd refresh', or use --live)\n",
			o->db);
	else
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
	return rc == -ENOENT ? EXIT_NO_DB : EXIT_FAIL;
}

/* The inventory to show: live from the root, or a snapshot (0 = current). */
static int get_inventory(const struct opts *o, bool live, int64_t snap, struct vpd_inventory *inv,
			 int64_t *got)
{
	struct ras_err e;
	struct store *s;
	int rc;

	*got = 0;
	if (live) {
		if (vpd_inventory_build(o->root, inv, &e) < 0) {
			fprintf(stderr, "opal-vpd: %s\n", e.msg);
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	rc = open_db(o, STORE_RDONLY, &s);
	if (rc)
		return rc;
	rc = vpd_db_load_snapshot(store_sqlite(s), snap, inv, got, &e);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
		return rc == -ENOENT ? EXIT_NOT_FOUND : EXIT_FAIL;
	}
	if (*got == 0 && snap == 0)
		fprintf(stderr, "opal-vpd: no VPD snapshot in %s yet (run 'opal-vpd refresh')\n",
			o->db);
	return EXIT_OK;
}

static void json_snapshot_header(struct json_writer *w, const struct opts *o, bool live, int64_t id,
				 int64_t taken)
{
	char t[40];

	json_kstr(w, "origin", live ? "live" : "database");
	if (live)
		json_kstr(w, "root", o->root);
	if (id)
		json_kint(w, "snapshot", id);
	else
		json_kstr(w, "snapshot", NULL);
	json_kstr(w, "taken", time_format_iso_us(taken, t, sizeof(t)));
}

static int cmd_list(const struct opts *o, int argc, char **argv)
{
	struct vpd_inventory inv;
	int64_t id;
	int rc;

	if (argc != 1)
		return usage_error("list takes no arguments", NULL);
	rc = get_inventory(o, o->live, 0, &inv, &id);
	if (rc)
		return rc;
	switch (o->out) {
	case OUT_TEXT:
		vpd_inventory_print_table(stdout, &inv);
		break;
	case OUT_CSV:
		vpd_inventory_print_csv(stdout, &inv);
		break;
	case OUT_LSVPD:
		vpd_inventory_print_lsvpd(stdout, &inv);
		break;
	case OUT_JSON: {
		struct json_writer w;
		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_snapshot_header(&w, o, o->live, id, inv.taken_us);
		json_key(&w, "frus");
		json_arr_begin(&w);
		for (size_t i = 0; i < inv.n; i++)
			vpd_fru_write_json(&w, &inv.frus[i], true);
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
		break;
	}
	}
	vpd_inventory_free(&inv);
	return EXIT_OK;
}

static int cmd_show(const struct opts *o, int argc, char **argv)
{
	struct vpd_inventory inv;
	const struct vpd_fru *u;
	int64_t id;
	int rc;

	if (argc != 2)
		return usage_error("show takes one LOCATION", NULL);
	rc = get_inventory(o, o->live, 0, &inv, &id);
	if (rc)
		return rc;
	u = vpd_inventory_find(&inv, argv[1]);
	if (!u) {
		fprintf(stderr, "opal-vpd: no FRU at location %s\n", argv[1]);
		vpd_inventory_free(&inv);
		return EXIT_NOT_FOUND;
	}
	if (o->out == OUT_JSON) {
		struct json_writer w;
		json_init(&w, stdout, true);
		vpd_fru_write_json(&w, u, true);
		json_end_doc(&w);
	} else {
		vpd_fru_print_text(stdout, u);
	}
	vpd_inventory_free(&inv);
	return EXIT_OK;
}

static int cmd_history(const struct opts *o, int argc, char **argv)
{
	struct vpd_history_row *h;
	struct ras_err e;
	struct store *s;
	size_t n;
	int rc;

	if (argc > 2)
		return usage_error("history takes at most one LOCATION", NULL);
	rc = open_db(o, STORE_RDONLY, &s);
	if (rc)
		return rc;
	rc = vpd_db_history(store_sqlite(s), argc == 2 ? argv[1] : NULL, &h, &n, &e);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (o->out == OUT_JSON) {
		struct json_writer w;
		char t[40];
		json_init(&w, stdout, true);
		json_arr_begin(&w);
		for (size_t i = 0; i < n; i++) {
			json_obj_begin(&w);
			json_kint(&w, "snapshot", h[i].snapshot_id);
			json_kstr(&w, "time", time_format_iso_us(h[i].time_us, t, sizeof(t)));
			json_kstr(&w, "change", h[i].kind);
			json_kstr(&w, "location", h[i].location);
			json_kstr(&w, "description", h[i].description);
			json_kstr(&w, "part_number", h[i].part_number);
			json_kstr(&w, "old_serial", h[i].old_serial);
			json_kstr(&w, "new_serial", h[i].new_serial);
			json_kstr(&w, "old_fw_level", h[i].old_fw);
			json_kstr(&w, "new_fw_level", h[i].new_fw);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_end_doc(&w);
	} else {
		printf("%-20s %5s %-10s %-28s %s\n", "TIME", "SNAP", "CHANGE", "LOCATION",
		       "DETAILS");
		for (size_t i = 0; i < n; i++) {
			char t[40], det[256];
			if (!strcmp(h[i].kind, "fw-changed"))
				snprintf(det, sizeof(det), "firmware %s -> %s", h[i].old_fw,
					 h[i].new_fw);
			else if (!strcmp(h[i].kind, "replaced"))
				snprintf(det, sizeof(det), "serial %s -> %s (%s)", h[i].old_serial,
					 h[i].new_serial, h[i].part_number);
			else
				snprintf(det, sizeof(det), "%s PN %s SN %s", h[i].description,
					 h[i].part_number,
					 h[i].new_serial[0] ? h[i].new_serial : h[i].old_serial);
			printf("%-20s %5lld %-10s %-28s %s\n",
			       time_format(h[i].time_us, true, t, sizeof(t)),
			       (long long)h[i].snapshot_id, h[i].kind, h[i].location, det);
		}
		if (n == 0)
			fprintf(stderr, "opal-vpd: no VPD changes recorded\n");
	}
	free(h);
	return EXIT_OK;
}

static int cmd_snapshots(const struct opts *o, int argc, char **argv)
{
	struct vpd_snapshot_info *si;
	struct ras_err e;
	struct store *s;
	size_t n;
	int rc;

	if (argc != 1)
		return usage_error("snapshots takes no arguments", NULL);
	rc = open_db(o, STORE_RDONLY, &s);
	if (rc)
		return rc;
	rc = vpd_db_list_snapshots(store_sqlite(s), 0, &si, &n, &e);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (o->out == OUT_JSON) {
		struct json_writer w;
		char t[40];
		json_init(&w, stdout, true);
		json_arr_begin(&w);
		for (size_t i = 0; i < n; i++) {
			json_obj_begin(&w);
			json_kint(&w, "snapshot", si[i].id);
			json_kstr(&w, "taken", time_format_iso_us(si[i].taken_us, t, sizeof(t)));
			json_kstr(&w, "reason", si[i].reason);
			json_kint(&w, "frus", si[i].n_frus);
			json_kint(&w, "changes", si[i].n_changes);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_end_doc(&w);
	} else {
		printf("%5s %-20s %-12s %6s %7s\n", "SNAP", "TAKEN", "REASON", "FRUS", "CHANGES");
		for (size_t i = 0; i < n; i++) {
			char t[40];
			printf("%5lld %-20s %-12s %6lld %7lld\n", (long long)si[i].id,
			       time_format(si[i].taken_us, true, t, sizeof(t)), si[i].reason,
			       (long long)si[i].n_frus, (long long)si[i].n_changes);
		}
	}
	free(si);
	return EXIT_OK;
}

/* "live", "current"/"latest" (0) or a positive id; -1 if invalid. */
static long long parse_snap(const char *s, bool *live)
{
	char *end;
	long long v;

	*live = false;
	if (!strcmp(s, "live")) {
		*live = true;
		return 0;
	}
	if (!strcmp(s, "current") || !strcmp(s, "latest"))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	return v;
}

static int cmd_diff(const struct opts *o, int argc, char **argv)
{
	struct vpd_inventory a, b;
	struct vpd_change *ch;
	struct ras_err e;
	bool la, lb;
	long long sa, sb;
	int64_t ga, gb;
	size_t n;
	int rc;

	if (argc != 3)
		return usage_error("diff takes two snapshots (ids, 'current' or 'live')", NULL);
	sa = parse_snap(argv[1], &la);
	sb = parse_snap(argv[2], &lb);
	if (sa < 0)
		return usage_error("bad snapshot", argv[1]);
	if (sb < 0)
		return usage_error("bad snapshot", argv[2]);
	rc = get_inventory(o, la, sa, &a, &ga);
	if (rc)
		return rc;
	rc = get_inventory(o, lb, sb, &b, &gb);
	if (rc) {
		vpd_inventory_free(&a);
		return rc;
	}
	if (vpd_inventory_diff(&a, &b, &ch, &n, &e) < 0) {
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
		rc = EXIT_FAIL;
	} else if (o->out == OUT_JSON) {
		struct json_writer w;
		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_kstr(&w, "from", argv[1]);
		json_kstr(&w, "to", argv[2]);
		json_key(&w, "changes");
		json_arr_begin(&w);
		for (size_t i = 0; i < n; i++)
			vpd_change_write_json(&w, &ch[i]);
		json_arr_end(&w);
		json_obj_end(&w);
		json_end_doc(&w);
	} else {
		for (size_t i = 0; i < n; i++)
			vpd_change_print_text(stdout, &ch[i]);
		if (n == 0)
			printf("no differences\n");
	}
	free(ch);
	vpd_inventory_free(&a);
	vpd_inventory_free(&b);
	return rc;
}

static int cmd_refresh(const struct opts *o, int argc, char **argv)
{
	struct vpd_refresh_result r;
	struct ras_err e;
	struct store *s;
	int rc;

	if (argc != 1)
		return usage_error("refresh takes no arguments", NULL);
	rc = open_db(o, STORE_CREATE, &s);
	if (rc)
		return rc;
	rc = vpd_store_refresh(s, o->root, o->reason, NULL, &r, &e);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: refresh: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (o->out == OUT_JSON) {
		struct json_writer w;
		json_init(&w, stdout, true);
		json_obj_begin(&w);
		json_kint(&w, "snapshot", r.snapshot_id);
		json_kuint(&w, "frus", r.n_frus);
		json_kuint(&w, "changes", r.n_changes);
		json_kuint(&w, "events", r.n_events);
		json_kbool(&w, "baseline", r.baseline);
		json_obj_end(&w);
		json_end_doc(&w);
	} else if (r.unchanged) {
		printf("snapshot %lld: %zu FRU(s), no change\n", (long long)r.snapshot_id,
		       r.n_frus);
	} else {
		printf("snapshot %lld: %zu FRU(s), %zu change(s), %zu event(s)%s\n",
		       (long long)r.snapshot_id, r.n_frus, r.n_changes, r.n_events,
		       r.baseline ? " (baseline)" : "");
	}
	return EXIT_OK;
}

static int cmd_decode(const struct opts *o, int argc, char **argv)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct ras_err e;
	bool ipz;
	unsigned warns;
	int rc;

	if (argc != 2)
		return usage_error("decode takes one FILE", NULL);
	rc = file_read_all(argv[1], 1u << 20, &buf, &len, NULL, &e);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	ipz = o->ipz || (!o->pci && len > 0 && buf[0] == 0x84);
	if (ipz) {
		struct ipz_vpd v;
		rc = ipz_vpd_parse(buf, len, &v, &e);
		if (rc == 0) {
			if (o->out == OUT_JSON) {
				struct json_writer w;
				json_init(&w, stdout, true);
				ipz_vpd_write_json(&w, &v);
				json_end_doc(&w);
			} else {
				ipz_vpd_print_text(stdout, &v, "");
			}
		}
		warns = v.warn.n;
		for (unsigned i = 0; i < warns && i < VPD_MAX_WARN; i++)
			fprintf(stderr, "opal-vpd: warning: %s: %s\n", argv[1], v.warn.msg[i]);
		ipz_vpd_free(&v);
	} else {
		struct pci_vpd v;
		rc = pci_vpd_parse(buf, len, &v, &e);
		if (rc == 0) {
			if (o->out == OUT_JSON) {
				struct json_writer w;
				json_init(&w, stdout, true);
				pci_vpd_write_json(&w, &v);
				json_end_doc(&w);
			} else {
				pci_vpd_print_text(stdout, &v, "");
			}
		}
		warns = v.warn.n;
		for (unsigned i = 0; i < warns && i < VPD_MAX_WARN; i++)
			fprintf(stderr, "opal-vpd: warning: %s: %s\n", argv[1], v.warn.msg[i]);
		pci_vpd_free(&v);
	}
	free(buf);
	if (rc < 0) {
		fprintf(stderr, "opal-vpd: %s: %s\n", argv[1], e.msg);
		return EXIT_FAIL;
	}
	return warns ? EXIT_WARN : EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(const struct opts *o, int argc, char **argv);
	unsigned formats; /* 1 << enum out_fmt */
} cmds[] = {
	{ "list", cmd_list, 1u << OUT_TEXT | 1u << OUT_JSON | 1u << OUT_CSV | 1u << OUT_LSVPD },
	{ "show", cmd_show, 1u << OUT_TEXT | 1u << OUT_JSON },
	{ "history", cmd_history, 1u << OUT_TEXT | 1u << OUT_JSON },
	{ "snapshots", cmd_snapshots, 1u << OUT_TEXT | 1u << OUT_JSON },
	{ "diff", cmd_diff, 1u << OUT_TEXT | 1u << OUT_JSON },
	{ "refresh", cmd_refresh, 1u << OUT_TEXT | 1u << OUT_JSON },
	{ "decode", cmd_decode, 1u << OUT_TEXT | 1u << OUT_JSON },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, 0, 'r' },
		{ "db", required_argument, 0, 'd' },
		{ "output", required_argument, 0, 'o' },
		{ "live", no_argument, 0, 'l' },
		{ "ipz", no_argument, 0, 'I' },
		{ "pci", no_argument, 0, 'P' },
		{ "reason", required_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	static const char *const fmt_names[] = { "text", "json", "csv", "lsvpd" };
	struct opts o = {
		.root = "/", .db = cli_default_db(), .out = OUT_TEXT, .reason = "manual"
	};
	int c;

	log_set_prog("opal-vpd");
	log_set_level(LOG_LVL_ERR); /* parse warnings: shown by decode, counted by refresh */
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o.root = optarg;
			break;
		case 'd':
			o.db = optarg;
			break;
		case 'o': {
			size_t i;
			for (i = 0; i < 4 && strcmp(optarg, fmt_names[i]); i++)
				;
			if (i == 4)
				return usage_error(
					"unknown output format (text, json, csv, lsvpd):", optarg);
			o.out = (enum out_fmt)i;
			break;
		}
		case 'l':
			o.live = true;
			break;
		case 'I':
			o.ipz = true;
			break;
		case 'P':
			o.pci = true;
			break;
		case 'R':
			o.reason = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("missing COMMAND", NULL);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[optind], cmds[i].name))
			continue;
		if (!(cmds[i].formats & (1u << o.out)))
			return usage_error("output format not supported by this command:",
					   fmt_names[o.out]);
		return cmds[i].fn(&o, argc - optind, argv + optind);
	}
	return usage_error("unknown command", argv[optind]);
}
