/*
 * sim_kmsg.c - opal-sim module "kmsg": the kernel log ring and /dev/kmsg
 * (docs/spec/kernel-eeh-mce-vpd-rtas.md §2.6 for the record format, §2.2 MCE,
 * §2.4 HMI and §1.5 EEH for the printk formats it writes).
 *
 *   init    writes a boot id (proc/sys/kernel/random/boot_id) and a few boot records.
 *   inject  appends records to ROOT/.sim/kmsg.log in /dev/kmsg format
 *           ("prio,seq,usec,flags;text\n" + " KEY=value\n" lines, text escaped \xNN),
 *           seq from ROOT/.sim/kmsg.seq, usec = monotonic time since the simulated boot
 *           (ROOT/.sim/kmsg.boot), all under the lock ROOT/.sim/kmsg.lock: works with or
 *           without `run`.
 *   run     tails kmsg.log into a ring (option kmsg.ring, default 4096 records) and
 *           serves it on ROOT/dev/kmsg, a SOCK_SEQPACKET socket: one record per packet;
 *           a new connection starts at the oldest record in the ring; a client that
 *           falls behind the ring continues at the oldest record (its next seq jumps).
 *           Client sockets get a small send buffer so "behind" means behind the ring,
 *           as on the real device.
 *   reboot  new boot id, empty ring (kmsg.log truncated, seq restarts at 0), boot records.
 *
 * Invariants: every record in kmsg.log is complete when the lock is released; seqs in
 * the log are consecutive from 0 within a boot, so ring index = seq - oldest seq.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/kmsg.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

#define KMSG_LOG	  ".sim/kmsg.log"
#define KMSG_DEFAULT_RING 4096

/* ---- writing records ------------------------------------------------------------ */

struct kline {
	int level;
	char text[1024];
	char dict[256]; /* "KEY=value\nKEY=value" (unescaped), or "" */
};

struct kbatch {
	struct kline *v;
	size_t n, cap;
};

static struct kline *kb_add(struct kbatch *b, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct kline *kb_add(struct kbatch *b, int level, const char *fmt, ...)
{
	va_list ap;

	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		struct kline *nv = realloc(b->v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		b->v = nv;
		b->cap = nc;
	}
	struct kline *l = &b->v[b->n++];
	l->level = level;
	l->dict[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	return l;
}

static uint64_t read_u64_file(const char *root, const char *rel, uint64_t dflt)
{
	char path[4096], txt[64];

	if (root_path(path, sizeof(path), root, "%s", rel) ||
	    file_read_str(path, txt, sizeof(txt), NULL))
		return dflt;
	return strtoull(txt, NULL, 0);
}

static void write_u64_file(const char *root, const char *rel, uint64_t v)
{
	char path[4096], txt[64];

	snprintf(txt, sizeof(txt), "%" PRIu64 "\n", v);
	if (!root_path(path, sizeof(path), root, "%s", rel))
		file_write_atomic(path, txt, strlen(txt), 0644, NULL);
}

/* Append the batch to kmsg.log with consecutive seqs; clears the batch. */
static int kmsg_append(const char *root, struct kbatch *b, struct ras_err *e)
{
	char path[4096], esc[4200];
	uint64_t seq, boot, usec;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	int lock, fd, rc = 0;

	if (!b->n)
		return 0;
	lock = sim_lock(root, "kmsg.lock");
	if (lock < 0)
		return ras_errf(e, lock, "cannot lock kmsg state: %s", strerror(-lock));
	seq = read_u64_file(root, ".sim/kmsg.seq", 0);
	boot = read_u64_file(root, ".sim/kmsg.boot", 0);
	usec = (time_mono_ns() - (boot <= time_mono_ns() ? boot : 0)) / 1000;
	f = open_memstream(&out, &outlen);
	if (!f) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct kline *l = &b->v[i];

		kmsg_escape(l->text, strlen(l->text), esc, sizeof(esc));
		fprintf(f, "%d,%" PRIu64 ",%" PRIu64 ",-;%s\n", l->level, seq++, usec, esc);
		for (char *d = l->dict; *d;) {
			char *nl = strchr(d, '\n');
			size_t n = nl ? (size_t)(nl - d) : strlen(d);
			kmsg_escape(d, n, esc, sizeof(esc));
			fprintf(f, " %s\n", esc);
			d += n + (nl ? 1 : 0);
		}
	}
	fclose(f);
	root_path(path, sizeof(path), root, KMSG_LOG);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = ras_errf(e, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = write_full(fd, out, outlen);
	close(fd);
	if (rc) {
		ras_errf(e, rc, "%s: %s", path, strerror(-rc));
		goto out;
	}
	write_u64_file(root, ".sim/kmsg.seq", seq);
out:
	sim_unlock(lock);
	free(out);
	b->n = 0;
	return rc;
}

static void new_boot(const char *root, struct kbatch *b)
{
	char path[4096], id[64];
	uint64_t r1 = (uint64_t)time_now_us() ^ ((uint64_t)getpid() << 32), r2 = time_mono_ns();

	/* a random-looking v4 UUID */
	r1 = r1 * 0x9E3779B97F4A7C15ull;
	r2 = r2 * 0xC2B2AE3D27D4EB4Full;
	snprintf(id, sizeof(id), "%08x-%04x-4%03x-%04x-%012" PRIx64 "\n", (unsigned)(r1 >> 32),
		 (unsigned)(r1 >> 16) & 0xffff, (unsigned)r1 & 0xfff,
		 0x8000 | ((unsigned)(r2 >> 48) & 0x3fff), (uint64_t)(r2 & 0xffffffffffffull));
	root_path(path, sizeof(path), root, "proc/sys/kernel/random");
	mkdir_p(path, 0755);
	root_path(path, sizeof(path), root, "proc/sys/kernel/random/boot_id");
	file_write_atomic(path, id, strlen(id), 0444, NULL);
	write_u64_file(root, ".sim/kmsg.seq", 0);
	write_u64_file(root, ".sim/kmsg.boot", time_mono_ns());
	root_path(path, sizeof(path), root, KMSG_LOG);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	kb_add(b, 5, "Linux version 6.8.0-opal-sim (opal-ras@sim) #1 SMP");
	kb_add(b, 6, "OPAL: Found memory mapped LPC bus on chip 0");
	kb_add(b, 6, "EEH: PowerNV platform initialized");
	kb_add(b, 6, "EEH: Capable adapter found: recovery enabled.");
	kb_add(b, 6, "opal: ipmi: Found OPAL IPMI interface");
}

static int kmsg_init(const char *root, struct ras_err *e)
{
	struct kbatch b = { 0 };
	int rc;

	new_boot(root, &b);
	rc = kmsg_append(root, &b, e);
	free(b.v);
	return rc;
}

static int kmsg_reboot(const char *root, struct ras_err *e)
{
	struct kbatch b = { 0 };
	int lock = sim_lock(root, "kmsg.lock"), rc;

	if (lock < 0)
		return ras_errf(e, lock, "cannot lock kmsg state");
	new_boot(root, &b);
	sim_unlock(lock);
	rc = kmsg_append(root, &b, e);
	free(b.v);
	return rc;
}

/* ---- generators (printk formats verbatim from the spec) ----------------------------- */

struct gen_opts {
	int what; /* 'm' mce, 'h' hmi, 'e' eeh, 't' text */
	/* common */
	int sev; /* 0 harmless 1 warning 2 severe 3 fatal */
	bool recovered;
	bool old; /* older kernel wording */
	/* mce */
	int cpu, type, subtype, initiator, cls;
	bool guest, user, has_ea, has_pa;
	uint64_t ea, pa, nip;
	int pid;
	const char *comm, *symbol;
	/* hmi */
	int hmi_type;
	uint64_t hmer, tfmr;
	bool has_tfmr, v2;
	const char *xstop; /* core | nx | npu */
	uint32_t pir;
	/* eeh */
	unsigned phb, pe;
	const char *bdf, *driver, *outcome, *location, *eeh_kind; /* freeze|fence|dead */
	int freezes;
	/* text */
	const char *text;
	int level;
	char dict[256];
};

static int sev_level(int sev)
{
	return sev == 0 ? 6 : sev == 1 ? 4 : 3;
}

static void gen_mce(struct kbatch *b, const struct gen_opts *o)
{
	const struct kmsg_mce_type *t = &kmsg_mce_types[o->type >= 0 && o->type < 10 ? o->type : 0];
	const char *sub = "";
	char addr[64] = "", tail[40] = "";
	int lvl = sev_level(o->sev), n = 0;

	if (o->type > 0 && o->type < 10) {
		while (t->subtypes[n])
			n++;
		sub = o->subtype >= 0 && o->subtype < n ? t->subtypes[o->subtype] : "Unknown";
	}
	if (o->has_ea) {
		int k = snprintf(addr, sizeof(addr), "DAR: %016" PRIx64 " ", o->ea);
		if (o->has_pa)
			snprintf(addr + k, sizeof(addr) - (size_t)k, "paddr: %016" PRIx64 " ",
				 o->pa);
	} else if (o->has_pa) {
		snprintf(tail, sizeof(tail), " paddr: %016" PRIx64, o->pa);
	}
	kb_add(b, lvl, "MCE: CPU%d: machine check (%s) %s %s %s %s[%s]", o->cpu,
	       kmsg_mce_severity_words[o->sev],
	       o->guest ? "Guest"
	       : o->old ? "Host"
			: "",
	       t->name, sub, addr, o->recovered ? "Recovered" : "Not recovered");
	if (o->user || o->guest)
		kb_add(b, lvl, "MCE: CPU%d: PID: %d Comm: %s %sNIP: [%016" PRIx64 "]%s", o->cpu,
		       o->pid, o->comm, o->guest ? "Guest " : "", o->nip, tail);
	else
		kb_add(b, lvl, "MCE: CPU%d: NIP: [%016" PRIx64 "] %s%s", o->cpu, o->nip, o->symbol,
		       tail);
	kb_add(b, lvl, "MCE: CPU%d: Initiator %s", o->cpu, kmsg_mce_initiators[o->initiator]);
	kb_add(b, lvl, "MCE: CPU%d: %s", o->cpu, kmsg_mce_classes[o->cls]);
}

static void gen_hmi(struct kbatch *b, const struct gen_opts *o)
{
	static const char *const words[4] = { "Harmless", "", "Severe", "Fatal" };
	int lvl = sev_level(o->sev);
	const char *detail =
		o->hmi_type >= 0 && o->hmi_type < 13 ? kmsg_hmi_types[o->hmi_type] : "Unknown";

	if (o->hmi_type == 6 && o->old)
		detail = "UPS (Uniterrupted Power System) Overflow indication";
	kb_add(b, lvl, "%s Hypervisor Maintenance interrupt [%s]", words[o->sev],
	       o->recovered ? "Recovered" : "Not recovered");
	kb_add(b, lvl, " Error detail: %s", detail);
	kb_add(b, lvl, "\tHMER: %016" PRIx64, o->hmer);
	if (o->hmi_type == 4 || o->hmi_type == 5)
		kb_add(b, lvl, "\tTFMR: %016" PRIx64, o->tfmr);
	if (!o->v2 || o->hmi_type != 0)
		return;
	if (!strcmp(o->xstop, "core")) {
		kb_add(b, lvl, "\tCPU PIR: %08x", o->pir);
		kb_add(b, lvl, "\t[Unit: %-3s] %s", "PC", "Logic core check stop");
		kb_add(b, lvl, "\t[Unit: %-3s] %s", "LSU", "Forward Progress Error");
	} else if (!strcmp(o->xstop, "nx")) {
		kb_add(b, lvl, "\tNX checkstop on CHIP ID: %x", o->pir >> 8 & 0xff);
		kb_add(b, lvl, "\t[Unit: %-3s] %s", "DMA", "DMA & Engine");
	} else if (!strcmp(o->xstop, "npu")) {
		kb_add(b, lvl, "\tNPU checkstop on chip %x", o->pir >> 8 & 0xff);
	} else {
		kb_add(b, lvl, "\tUnknown Malfunction Alert of type %d", 4);
	}
}

static void gen_eeh(struct kbatch *b, const struct gen_opts *o)
{
	unsigned dom = 0, bus = 1, dev = 0, fn = 0;
	char pfx[64];
	const char *loc = o->location, *drv = o->driver;
	bool failed = !strcmp(o->outcome, "failed"), disabled = !strcmp(o->outcome, "disabled");

	if (o->bdf)
		sscanf(o->bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn);
	snprintf(pfx, sizeof(pfx), "PCI %04x:%02x:%02x.%x#%04x: EEH: ", dom, bus, dev, fn, o->pe);
	/* detection on the OPAL interrupt path, then the start of recovery */
	if (!strcmp(o->eeh_kind, "dead")) {
		kb_add(b, 3, "EEH: dead PHB#%x detected, location: %s", o->phb, loc);
		failed = true;
		disabled = false;
		goto failure;
	} else if (!strcmp(o->eeh_kind, "fence")) {
		kb_add(b, 3, "EEH: Fenced PHB#%x detected, location: %s", o->phb, loc);
		if (o->old)
			kb_add(b, 3, "EEH: PHB#%x failure detected, location: %s", o->phb, loc);
		else
			kb_add(b, 3, "EEH: Recovering PHB#%x, location: %s", o->phb, loc);
	} else {
		kb_add(b, 3, "EEH: Frozen PE#%x on PHB#%x detected", o->pe, o->phb);
		kb_add(b, 3, "EEH: PE location: %s, PHB location: %s", loc, "N/A");
		if (o->old)
			kb_add(b, 3, "EEH: Frozen PHB#%x-PE#%x detected", o->phb, o->pe);
		else
			kb_add(b, 3, "EEH: Recovering PHB#%x-PE#%x", o->phb, o->pe);
	}
	kb_add(b, 3, "EEH: PE location: %s, PHB location: %s", loc, "N/A");
	if (disabled) {
		kb_add(b, 3,
		       "EEH: PHB#%x-PE#%x has failed %d times in the last hour and has been "
		       "permanently disabled.",
		       o->phb, o->pe, o->freezes > 5 ? o->freezes : 6);
	} else {
		kb_add(b, 4,
		       "EEH: This PCI device has failed %d times in the last hour and will be "
		       "permanently disabled after %d failures.",
		       o->freezes, 5);
		kb_add(b, 6, "EEH: Notify device drivers to shutdown");
		kb_add(b, 6, "EEH: Beginning: 'error_detected(IO frozen)'");
		kb_add(b, 6, "%sInvoking %s->error_detected(IO frozen)", pfx, drv);
		kb_add(b, 6, "%s%s driver reports: '%s'", pfx, drv, "need reset");
		kb_add(b, 6,
		       "EEH: Finished:'error_detected(IO frozen)' with aggregate recovery "
		       "state:'%s'",
		       "need reset");
		kb_add(b, 6, "EEH: Collect temporary log");
		kb_add(b, 6, "PHB4 PHB#%d Diag-data (Version: %d)", o->phb, 1);
		kb_add(b, 6, "EEH: Reset without hotplug activity");
		if (failed) {
			kb_add(b, 4, "EEH: Failure %d resetting PHB#%x-PE#%x (attempt %d)", -5,
			       o->phb, o->pe, 3);
		} else {
			kb_add(b, 4, "EEH: PHB#%x-PE#%x: Successful reset (attempt %d)", o->phb,
			       o->pe, 1);
			kb_add(b, 6, "EEH: Beginning: 'slot_reset'");
			kb_add(b, 6, "%sInvoking %s->slot_reset()", pfx, drv);
			kb_add(b, 6, "%s%s driver reports: '%s'", pfx, drv, "recovered");
			kb_add(b, 6,
			       "EEH: Finished:'slot_reset' with aggregate recovery state:'%s'",
			       "recovered");
			kb_add(b, 6, "EEH: Notify device driver to resume");
			kb_add(b, 6, "EEH: Beginning: 'resume'");
			kb_add(b, 6, "%sInvoking %s->resume()", pfx, drv);
			kb_add(b, 6, "EEH: Finished:'resume'");
			kb_add(b, 6, "EEH: Recovery successful.");
			return;
		}
	}
failure:
	kb_add(b, 3,
	       "EEH: Unable to recover from failure from PHB#%x-PE#%x.\n"
	       "Please try reseating or replacing it",
	       o->phb, o->pe);
	kb_add(b, 6, "EEH: Beginning: 'error_detected(permanent failure)'");
	kb_add(b, 6, "%sInvoking %s->error_detected(permanent failure)", pfx, drv);
	kb_add(b, 6, "EEH: Finished:'error_detected(permanent failure)'");
}

static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

static int parse_sev(const char *s)
{
	static const char *const w[] = { "harmless", "warning", "severe", "fatal" };
	int i = name_index(s, w, 4);

	return i >= 0 ? i : (s[0] >= '0' && s[0] <= '3' && !s[1] ? s[0] - '0' : -1);
}

static const char kmsg_usage[] =
	"  kmsg --mce|--hmi|--eeh|--text TEXT [--count N] [--rate R] [--old] ...\n"
	"       --mce: [--cpu N] [--severity harmless|warning|severe|fatal] [--type ue|slb|erat|\n"
	"              tlb|user|ra|link|dcache|icache|N] [--subtype N] [--ea A] [--pa A] [--nip "
	"A]\n"
	"              [--symbol SYM] [--user PID:COMM] [--guest PID:COMM] [--not-recovered]\n"
	"              [--initiator cpu|pci|isa|memory|pm|unknown] [--class N]\n"
	"       --hmi: [--severity ...] [--hmi-type N] [--hmer X] [--tfmr X] [--not-recovered]\n"
	"              [--v2 --xstop core|nx|npu|other --pir X]\n"
	"       --eeh: [--eeh-kind freeze|fence|dead] [--phb N] [--pe N] [--bdf D:B:D.F]\n"
	"              [--driver NAME] [--location LOC] [--outcome recovered|failed|disabled]\n"
	"              [--freezes N]\n"
	"       --text: [--level N] [--dict KEY=VALUE]...; --old = pre-5.6/5.5 kernel wording\n";

static int kmsg_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	enum {
		O_TYPE = 256,
		O_SUB,
		O_EA,
		O_PA,
		O_NIP,
		O_SYM,
		O_USER,
		O_GUEST,
		O_NOTREC,
		O_INIT,
		O_CLASS,
		O_HTYPE,
		O_HMER,
		O_TFMR,
		O_V2,
		O_XSTOP,
		O_PIR,
		O_PHB,
		O_PE,
		O_BDF,
		O_DRV,
		O_LOC,
		O_OUT,
		O_FRZ,
		O_EKIND,
		O_LEVEL,
		O_DICT,
		O_OLD,
		O_CPU,
		O_SEV
	};
	static const struct option lo[] = { { "mce", no_argument, NULL, 'm' },
					    { "hmi", no_argument, NULL, 'H' },
					    { "eeh", no_argument, NULL, 'E' },
					    { "text", required_argument, NULL, 't' },
					    { "count", required_argument, NULL, 'n' },
					    { "rate", required_argument, NULL, 'r' },
					    { "cpu", required_argument, NULL, O_CPU },
					    { "severity", required_argument, NULL, O_SEV },
					    { "type", required_argument, NULL, O_TYPE },
					    { "subtype", required_argument, NULL, O_SUB },
					    { "ea", required_argument, NULL, O_EA },
					    { "pa", required_argument, NULL, O_PA },
					    { "nip", required_argument, NULL, O_NIP },
					    { "symbol", required_argument, NULL, O_SYM },
					    { "user", required_argument, NULL, O_USER },
					    { "guest", required_argument, NULL, O_GUEST },
					    { "not-recovered", no_argument, NULL, O_NOTREC },
					    { "initiator", required_argument, NULL, O_INIT },
					    { "class", required_argument, NULL, O_CLASS },
					    { "hmi-type", required_argument, NULL, O_HTYPE },
					    { "hmer", required_argument, NULL, O_HMER },
					    { "tfmr", required_argument, NULL, O_TFMR },
					    { "v2", no_argument, NULL, O_V2 },
					    { "xstop", required_argument, NULL, O_XSTOP },
					    { "pir", required_argument, NULL, O_PIR },
					    { "phb", required_argument, NULL, O_PHB },
					    { "pe", required_argument, NULL, O_PE },
					    { "bdf", required_argument, NULL, O_BDF },
					    { "driver", required_argument, NULL, O_DRV },
					    { "location", required_argument, NULL, O_LOC },
					    { "outcome", required_argument, NULL, O_OUT },
					    { "freezes", required_argument, NULL, O_FRZ },
					    { "eeh-kind", required_argument, NULL, O_EKIND },
					    { "level", required_argument, NULL, O_LEVEL },
					    { "dict", required_argument, NULL, O_DICT },
					    { "old", no_argument, NULL, O_OLD },
					    { "help", no_argument, NULL, 'h' },
					    { NULL, 0, NULL, 0 } };
	static const char *const types[] = { "unknown", "ue", "slb",  "erat",	"tlb",
					     "user",	"ra", "link", "dcache", "icache" };
	static const char *const inits[] = { "unknown", "cpu", "pci", "isa", "memory", "pm" };
	struct gen_opts o = { .sev = 1,
			      .recovered = true,
			      .type = 1,
			      .subtype = 3,
			      .initiator = 1,
			      .cls = 1,
			      .nip = 0xc000000000123456ull,
			      .pid = 0,
			      .comm = "",
			      .symbol = "memcpy_power7+0x1f4/0x7e0",
			      .hmi_type = 1,
			      .hmer = 0x2040000000000000ull,
			      .tfmr = 0x0040000000000000ull,
			      .xstop = "core",
			      .pir = 0x808,
			      .phb = 1,
			      .pe = 0xfe,
			      .bdf = "0030:01:00.0",
			      .driver = "nvme",
			      .outcome = "recovered",
			      .eeh_kind = "freeze",
			      .location = "UOPWR.0001-P1-C5",
			      .freezes = 1,
			      .level = 6 };
	uint64_t count = 1, v;
	double rate = 0;
	struct kbatch b = { 0 };
	int c, rc = 0;
	bool sev_set = false;

	while ((c = getopt_long(argc, argv, "mHEt:n:r:h", lo, NULL)) != -1) {
		v = 0;
		switch (c) {
		case 'm':
		case 'H':
		case 'E':
			o.what = c == 'm' ? 'm' : c == 'H' ? 'h' : 'e';
			break;
		case 't':
			o.what = 't';
			o.text = optarg;
			break;
		case 'n':
			if ((rc = sim_opt_u64("--count", optarg, &count, e)))
				return rc;
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			if (rate <= 0)
				return ras_errf(e, -EINVAL, "--rate: expected a positive number");
			break;
		case O_CPU:
		case O_SUB:
		case O_CLASS:
		case O_HTYPE:
		case O_PHB:
		case O_PE:
		case O_FRZ:
		case O_LEVEL:
		case O_PIR:
			if ((rc = sim_opt_u64("option", optarg, &v, e)))
				return rc;
			if (v > 0xffffffffu)
				return ras_errf(e, -EINVAL, "value %s too large", optarg);
			if (c == O_CPU)
				o.cpu = (int)v;
			else if (c == O_SUB)
				o.subtype = (int)v;
			else if (c == O_CLASS)
				o.cls = v < 5 ? (int)v : 0;
			else if (c == O_HTYPE)
				o.hmi_type = (int)v;
			else if (c == O_PHB)
				o.phb = (unsigned)v;
			else if (c == O_PE)
				o.pe = (unsigned)v;
			else if (c == O_FRZ)
				o.freezes = (int)v;
			else if (c == O_LEVEL)
				o.level = (int)(v & 1023);
			else
				o.pir = (uint32_t)v;
			break;
		case O_SEV:
			o.sev = parse_sev(optarg);
			if (o.sev < 0)
				return ras_errf(e, -EINVAL,
						"--severity: harmless|warning|severe|fatal");
			sev_set = true;
			break;
		case O_TYPE:
			o.type = name_index(optarg, types, 10);
			if (o.type < 0 && sim_opt_u64("--type", optarg, &v, NULL) == 0)
				o.type = (int)(v & 0xff);
			if (o.type < 0)
				return ras_errf(e, -EINVAL, "--type: unknown '%s'", optarg);
			if (o.type == 2 || o.type == 3 || o.type == 4)
				o.subtype = 2;
			break;
		case O_EA:
		case O_PA:
		case O_NIP:
		case O_HMER:
		case O_TFMR:
			if ((rc = sim_opt_u64("address", optarg, &v, e)))
				return rc;
			if (c == O_EA) {
				o.ea = v;
				o.has_ea = true;
			} else if (c == O_PA) {
				o.pa = v;
				o.has_pa = true;
			} else if (c == O_NIP) {
				o.nip = v;
			} else if (c == O_HMER) {
				o.hmer = v;
			} else {
				o.tfmr = v;
			}
			break;
		case O_SYM:
			o.symbol = optarg;
			break;
		case O_USER:
		case O_GUEST: {
			char *colon = strchr(optarg, ':');
			if (!colon)
				return ras_errf(e, -EINVAL, "--user/--guest: expected PID:COMM");
			o.pid = atoi(optarg);
			o.comm = colon + 1;
			if (c == O_USER)
				o.user = true;
			else
				o.guest = true;
			break;
		}
		case O_NOTREC:
			o.recovered = false;
			break;
		case O_INIT:
			o.initiator = name_index(optarg, inits, 6);
			if (o.initiator < 0)
				return ras_errf(e, -EINVAL, "--initiator: unknown '%s'", optarg);
			break;
		case O_V2:
			o.v2 = true;
			break;
		case O_XSTOP:
			o.xstop = optarg;
			break;
		case O_BDF:
			o.bdf = optarg;
			break;
		case O_DRV:
			o.driver = optarg;
			break;
		case O_LOC:
			o.location = optarg;
			break;
		case O_OUT:
			if (strcmp(optarg, "recovered") && strcmp(optarg, "failed") &&
			    strcmp(optarg, "disabled"))
				return ras_errf(e, -EINVAL, "--outcome: recovered|failed|disabled");
			o.outcome = optarg;
			break;
		case O_EKIND:
			if (strcmp(optarg, "freeze") && strcmp(optarg, "fence") &&
			    strcmp(optarg, "dead"))
				return ras_errf(e, -EINVAL, "--eeh-kind: freeze|fence|dead");
			o.eeh_kind = optarg;
			break;
		case O_DICT: {
			size_t l = strlen(o.dict);
			snprintf(o.dict + l, sizeof(o.dict) - l, "%s%s", l ? "\n" : "", optarg);
			break;
		}
		case O_OLD:
			o.old = true;
			break;
		case 'h':
			fputs(kmsg_usage, stdout);
			return 1;
		default:
			return ras_errf(e, -EINVAL, "bad option; usage:\n%s", kmsg_usage);
		}
	}
	if (optind != argc)
		return ras_errf(e, -EINVAL, "unexpected argument '%s'", argv[optind]);
	if (!o.what)
		return ras_errf(e, -EINVAL, "one of --mce, --hmi, --eeh, --text is required");
	if (o.what == 'h' && !sev_set && !o.recovered)
		o.sev = 3;
	if (o.what == 'm' && !sev_set && !o.recovered)
		o.sev = 2;

	uint64_t start_ns = time_mono_ns();
	for (uint64_t i = 0; i < count && !rc; i++) {
		sim_pace(start_ns, i, rate);
		if (o.what == 'm')
			gen_mce(&b, &o);
		else if (o.what == 'h')
			gen_hmi(&b, &o);
		else if (o.what == 'e')
			gen_eeh(&b, &o);
		else {
			struct kline *l = kb_add(&b, o.level, "%s", o.text);
			if (l)
				snprintf(l->dict, sizeof(l->dict), "%s", o.dict);
		}
		/* flush per item when paced, else in chunks */
		if (rate > 0 || b.n >= 4096 || i + 1 == count)
			rc = kmsg_append(root, &b, e);
	}
	free(b.v);
	return rc;
}

/* ---- run: the ring and the socket ----------------------------------------------------- */

struct krec {
	uint64_t seq;
	char *data;
	size_t len;
};

struct kclient {
	int fd;
	uint64_t next;
	bool want_out;
};

struct kstate {
	struct sim_run *r;
	int lfd, infd;
	struct krec *ring;
	size_t cap, head, n;
	off_t off;
	char *carry; /* bytes of an incomplete trailing line */
	size_t carry_len;
	struct kclient *cl;
	size_t n_cl;
};

static struct kstate kst = { .lfd = -1, .infd = -1 };

static void client_close(struct kstate *k, size_t i)
{
	sim_run_del_fd(k->r, k->cl[i].fd);
	close(k->cl[i].fd);
	k->cl[i] = k->cl[--k->n_cl];
}

static void client_cb(struct sim_run *r, int fd, uint32_t events, void *arg);

/* Send what the client can take; returns false when the client was closed. */
static bool client_pump(struct kstate *k, size_t i)
{
	struct kclient *c = &k->cl[i];

	while (k->n) {
		uint64_t oldest = k->ring[k->head].seq;
		if (c->next < oldest)
			c->next = oldest; /* overrun: the next record's seq jumps */
		uint64_t idx = c->next - oldest;
		if (idx >= k->n)
			break;
		struct krec *rec = &k->ring[(k->head + idx) % k->cap];
		ssize_t s = send(c->fd, rec->data, rec->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (s < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				if (!c->want_out) {
					c->want_out = true;
					sim_run_add_fd(k->r, c->fd, EPOLLIN | EPOLLOUT, client_cb,
						       k);
				}
				return true;
			}
			client_close(k, i);
			return false;
		}
		c->next = rec->seq + 1;
	}
	if (c->want_out) {
		c->want_out = false;
		sim_run_add_fd(k->r, c->fd, EPOLLIN, client_cb, k);
	}
	return true;
}

static void client_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	struct kstate *k = arg;
	size_t i;

	for (i = 0; i < k->n_cl && k->cl[i].fd != fd; i++)
		;
	if (i == k->n_cl)
		return;
	if (events & (EPOLLHUP | EPOLLERR)) {
		client_close(k, i);
		return;
	}
	if (events & EPOLLIN) {
		char junk[256];
		ssize_t n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			client_close(k, i);
			return;
		}
	}
	client_pump(k, i);
}

static void accept_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	struct kstate *k = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int sz = 4096;

	if (cfd < 0)
		return;
	struct kclient *ncl = realloc(k->cl, (k->n_cl + 1) * sizeof(*ncl));
	if (!ncl) {
		close(cfd);
		return;
	}
	k->cl = ncl;
	setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	k->cl[k->n_cl] = (struct kclient){ cfd, k->n ? k->ring[k->head].seq : 0, false };
	k->n_cl++;
	sim_run_add_fd(r, cfd, EPOLLIN, client_cb, k);
	client_pump(k, k->n_cl - 1);
}

static void ring_clear(struct kstate *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->ring[(k->head + i) % k->cap].data);
	k->head = k->n = 0;
}

static void ring_push(struct kstate *k, const char *data, size_t len)
{
	struct kmsg_record rec;
	char *copy;

	if (kmsg_record_parse(data, len, &rec, NULL))
		return;
	if (k->n && rec.seq <= k->ring[(k->head + k->n - 1) % k->cap].seq)
		ring_clear(k); /* seq went back: a new boot */
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, data, len);
	if (k->n == k->cap) {
		free(k->ring[k->head].data);
		k->head = (k->head + 1) % k->cap;
		k->n--;
	}
	k->ring[(k->head + k->n) % k->cap] = (struct krec){ rec.seq, copy, len };
	k->n++;
}

/* Split buf into records: a line not starting with ' ' plus its ' '-lines. */
static void ingest(struct kstate *k, const char *buf, size_t len)
{
	size_t start = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - buf) + 1 : len;
		if (next >= len || buf[next] != ' ') {
			ring_push(k, buf + start, next - start);
			start = next;
		}
		i = next;
	}
}

static void tail_log(struct kstate *k)
{
	char path[4096];
	struct stat st;
	int lock, fd;

	root_path(path, sizeof(path), sim_run_root(k->r), KMSG_LOG);
	lock = sim_lock(sim_run_root(k->r), "kmsg.lock");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	if (st.st_size < k->off) {
		/* reboot: the readers of the old boot are gone */
		ring_clear(k);
		while (k->n_cl)
			client_close(k, 0);
		k->off = 0;
	}
	if (st.st_size > k->off) {
		size_t len = (size_t)(st.st_size - k->off);
		char *buf = malloc(len);
		ssize_t got;

		if (!buf)
			goto out;
		got = pread(fd, buf, len, k->off);
		if (got > 0) {
			/* whole records only (the lock makes them complete) */
			ingest(k, buf, (size_t)got);
			k->off += got;
		}
		free(buf);
	}
out:
	if (fd >= 0)
		close(fd);
	sim_unlock(lock);
	for (size_t i = 0; i < k->n_cl;)
		if (client_pump(k, i))
			i++;
}

static void inotify_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	tail_log(arg);
}

static int kmsg_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	struct kstate *k = &kst;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[4096], dir[4096];
	const char *opt = sim_run_option(r, "kmsg.ring");
	int rc, cwd = -1;

	k->r = r;
	k->cap = opt ? strtoul(opt, NULL, 0) : KMSG_DEFAULT_RING;
	if (k->cap < 1 || k->cap > (1u << 24))
		return ras_errf(e, -EINVAL, "kmsg.ring=%s: expected 1..16777216", opt);
	k->ring = calloc(k->cap, sizeof(*k->ring));
	if (!k->ring)
		return -ENOMEM;
	root_path(path, sizeof(path), root, KMSG_LOG);
	if (access(path, F_OK) < 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			close(fd);
	}
	k->infd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (k->infd < 0 || inotify_add_watch(k->infd, path, IN_MODIFY | IN_CLOSE_WRITE) < 0)
		return ras_errf(e, -errno, "%s: inotify: %s", path, strerror(errno));
	rc = sim_run_add_fd(r, k->infd, EPOLLIN, inotify_cb, k);
	if (rc)
		return ras_errf(e, rc, "kmsg: epoll: %s", strerror(-rc));

	/* the socket: bind relative to ROOT/dev so long roots still fit in sun_path */
	root_path(dir, sizeof(dir), root, "dev");
	mkdir_p(dir, 0755);
	root_path(path, sizeof(path), root, "dev/kmsg");
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "kmsg");
	k->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (k->lfd < 0 || cwd < 0 || chdir(dir) < 0 ||
	    bind(k->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(k->lfd, 16) < 0) {
		rc = -errno;
		if (cwd >= 0 && fchdir(cwd) == 0)
			close(cwd);
		return ras_errf(e, rc, "%s: cannot listen: %s", path, strerror(-rc));
	}
	if (fchdir(cwd) < 0)
		rc = -errno;
	close(cwd);
	chmod(path, 0666);
	rc = sim_run_add_fd(r, k->lfd, EPOLLIN, accept_cb, k);
	if (rc)
		return ras_errf(e, rc, "kmsg: epoll: %s", strerror(-rc));
	tail_log(k);
	return 0;
}

const struct sim_module sim_module_kmsg = {
	.name = "kmsg",
	.init = kmsg_init,
	.inject = kmsg_inject,
	.inject_usage = kmsg_usage,
	.run_start = kmsg_run_start,
	.reboot = kmsg_reboot,
};
