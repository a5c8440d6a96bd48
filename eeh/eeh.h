/*
 * eeh.h - the EEH model of opal-ras: PE discovery, state decode, the kernel's EEH log
 * grammar, uevents, freeze accounting, polling of VFIO-owned PEs, guest mapping and
 * error injection (spec: kernel-eeh-mce-vpd-rtas.md section 1).
 *
 * Layers, from pure to I/O:
 *   - eeh_state_*        decode of the two words of eeh_pe_state (pure).
 *   - eeh_window_*       the kernel's fixed 3600 s freeze window (pure).
 *   - eeh_line_parse     one kernel log line -> a typed struct eeh_line (pure, untrusted input).
 *   - eeh_tracker_*      a small state machine over lines and uevents -> struct eeh_event
 *                        (freeze, recovered, failed, near-limit), serialised like eehd.
 *   - eeh_uevent_parse   a uevent's key=value list -> ERROR_EVENT=... (pure, untrusted).
 *   - eeh_event_fill     struct eeh_event -> struct ras_event (kind "eeh") for the store.
 *   - eeh_discover       libpci + sysfs under a root -> PHBs, PEs, devices.
 *   - eeh_poller_*       eeh_pe_state polling, for VFIO-owned PEs only (the read has a
 *                        side effect on host-owned PEs, spec 1.12).
 *   - eeh_guest_*        device -> IOMMU group -> /dev/vfio/N holder -> QEMU guest name.
 *   - eeh_inject_*       debugfs err_injct and eeh_dev_break.
 *   - eeh_proc_stats_*   /proc/powerpc/eeh counters; eeh_max_freezes.
 *   - eeh_history_*      freeze -> recovery -> outcome timelines from stored events.
 *
 * The module never writes to the database (ARCHITECTURE 2): it hands ras_events to the
 * daemon and reads through the store for history.
 */
#ifndef OPAL_RAS_EEH_EEH_H
#define OPAL_RAS_EEH_EEH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/err.h"
#include "errlog/event.h"

/* ---- constants from the kernel ------------------------------------------------------ */

#define EEH_PE_NONE		0xffffffffu /* "no PE" (a PHB-level event, or unknown) */
#define EEH_WINDOW_US		(3600ll * 1000000ll)
#define EEH_DEFAULT_MAX_FREEZES 5

/* First word of eeh_pe_state (EEH_STATE_*). */
#define EEH_STATE_UNAVAILABLE  0x01u
#define EEH_STATE_NOT_SUPPORT  0x02u
#define EEH_STATE_RESET_ACTIVE 0x04u
#define EEH_STATE_MMIO_ACTIVE  0x08u
#define EEH_STATE_DMA_ACTIVE   0x10u
#define EEH_STATE_MMIO_ENABLED 0x20u
#define EEH_STATE_DMA_ENABLED  0x40u
/* Second word (software pe->state, EEH_PE_*). */
#define EEH_PE_ISOLATED	      0x001u
#define EEH_PE_RECOVERING     0x002u
#define EEH_PE_CFG_BLOCKED    0x004u
#define EEH_PE_RESET	      0x008u
#define EEH_PE_KEEP	      0x100u
#define EEH_PE_CFG_RESTRICTED 0x200u
#define EEH_PE_REMOVED	      0x400u
#define EEH_PE_PRI_BUS	      0x800u

/* ---- state decode ------------------------------------------------------------------- */

enum eeh_health {
	EEH_HEALTHY, /* MMIO and DMA active */
	EEH_FROZEN, /* MMIO and/or DMA stopped */
	EEH_IN_RESET, /* reset asserted */
	EEH_UNAVAILABLE, /* temporarily unavailable */
	EEH_PERM_FAILED, /* permanently unavailable, or the PE was removed */
};

struct eeh_state {
	uint32_t hw; /* first word: live platform state */
	uint32_t sw; /* second word: software PE flags */
};

/* Parse "0x%08x 0x%08x\n" (the second word is optional for old kernels). 0 or -EINVAL. */
int eeh_state_parse(const char *s, size_t len, struct eeh_state *out);
enum eeh_health eeh_state_health(const struct eeh_state *st);
const char *eeh_health_name(enum eeh_health h); /* "healthy", "frozen", ... */
/* Comma-separated flag names of each word ("mmio-enabled,dma-enabled,..."); returns out. */
char *eeh_state_hw_flags(uint32_t hw, char *out, size_t n);
char *eeh_state_sw_flags(uint32_t sw, char *out, size_t n);
/* Comma-separated names of the eeh_mode bits. */
char *eeh_mode_flags(uint32_t mode, char *out, size_t n);

/* ---- freeze window (spec 1.7) ------------------------------------------------------- */

struct eeh_window {
	int64_t tstamp_us; /* first freeze of the current window */
	int count; /* freezes in the window; 0 = none */
};

/* Account one freeze at now_us with the kernel's rule; returns the new count. */
int eeh_window_freeze(struct eeh_window *w, int64_t now_us);
/* Freezes that still count at now_us (0 once the window has expired). */
int eeh_window_count(const struct eeh_window *w, int64_t now_us);
/* The next freeze would make the kernel disable the PE permanently (count == max). */
bool eeh_window_near_limit(int count, int max_freezes);

/* A table of windows keyed by (phb, pe); the least recently used entry is recycled. */
#define EEH_WINDOW_TABLE_SIZE 64
struct eeh_window_table {
	struct {
		uint32_t phb, pe;
		struct eeh_window w;
		int64_t used_us;
		bool used;
	} e[EEH_WINDOW_TABLE_SIZE];
};
struct eeh_window *eeh_window_table_get(struct eeh_window_table *t, uint32_t phb, uint32_t pe,
					int64_t now_us);

/* ---- kernel log lines (spec 1.5) ---------------------------------------------------- */

enum eeh_line_kind {
	EEH_LINE_NONE = 0, /* not an EEH line */
	EEH_LINE_OTHER, /* an EEH line with no meaning for the model */
	EEH_LINE_DETECTED, /* "Frozen PE#%x on PHB#%x detected" (OPAL path) */
	EEH_LINE_FENCED_PHB, /* "Fenced PHB#%x detected, location: %s" */
	EEH_LINE_DEAD_PHB, /* "dead PHB#%x detected, location: %s" */
	EEH_LINE_DEAD_IOC, /* "dead IOC detected" */
	EEH_LINE_RECOVERING, /* "Recovering PHB#%x-PE#%x" / "Recovering PHB#%x, location: %s" */
	EEH_LINE_FROZEN, /* "Frozen PHB#%x-PE#%x detected" (old start, or MMIO-path detail) */
	EEH_LINE_PHB_FAILURE, /* old: "PHB#%x failure detected, location: %s" */
	EEH_LINE_LOCATION, /* "PE location: %s, PHB location: %s" */
	EEH_LINE_FREEZE_COUNT, /* "This PCI device has failed %d times ... after %d failures." */
	EEH_LINE_PERM_DISABLED, /* "PHB#%x-PE#%x has failed %d times ... permanently disabled." */
	EEH_LINE_PERMANENT_FAILURE, /* "EEH: Permanent failure" */
	EEH_LINE_AGGREGATE, /* "Finished:'%s' with aggregate recovery state:'%s'" */
	EEH_LINE_DRIVER_REPORT, /* "<prefix>%s driver reports: '%s'" */
	EEH_LINE_DEVICE, /* any other line with the per-device prefix */
	EEH_LINE_RESET_FAILURE, /* "Failure %d resetting PHB#%x-PE#%x (attempt %d)" */
	EEH_LINE_UNRECOVERABLE, /* "Unrecoverable slot failure on PHB#%x-PE#%x" */
	EEH_LINE_SUCCESS, /* "EEH: Recovery successful." */
	EEH_LINE_FAILED, /* "Unable to recover from failure from PHB#%x-PE#%x." */
	EEH_LINE_PARENT, /* "Failure of PHB#%x-PE#%x will be handled at parent ..." */
	EEH_LINE_CLEAR, /* "Clear non-existing PHB#%x-PE#%llx" */
	EEH_LINE_EVENT_DROPPED, /* "Event dropped due to no_recover setting" */
	EEH_LINE_INJECT_FAILURE, /* "pnv_eeh_err_inject: Failure %d injecting error ..." */
	EEH_LINE__COUNT
};

#define EEH_LOC_MAX 80
#define EEH_BDF_MAX 16

struct eeh_line {
	enum eeh_line_kind kind;
	bool have_phb, have_pe;
	uint32_t phb, pe;
	char bdf[EEH_BDF_MAX]; /* from the per-device prefix, "" if none */
	int count, max; /* freeze count lines; attempt numbers */
	int rc; /* reset/inject failure codes */
	char pe_loc[EEH_LOC_MAX]; /* location strings ("N/A" kept as is) */
	char phb_loc[EEH_LOC_MAX];
	char driver[32]; /* driver reports */
	char word[32]; /* driver report / aggregate result word */
};

/*
 * Parse the text of one kernel log record (the part after ';' in /dev/kmsg, with the
 * kernel's \xNN escapes kept; a leading "[  12.345678] " dmesg timestamp and a "<3>"
 * syslog prefix are skipped). Never reads past len; the text need not be NUL-terminated.
 * Returns the kind (also stored in out->kind); EEH_LINE_NONE for a non-EEH line.
 */
enum eeh_line_kind eeh_line_parse(const char *text, size_t len, struct eeh_line *out);
const char *eeh_line_kind_name(enum eeh_line_kind k);

/* ---- uevents (spec 1.6) ------------------------------------------------------------- */

enum eeh_uevent_kind {
	EEH_UEVENT_NONE = 0,
	EEH_UEVENT_BEGIN_RECOVERY,
	EEH_UEVENT_SUCCESSFUL_RECOVERY,
	EEH_UEVENT_FAILED_RECOVERY,
};

struct eeh_uevent {
	enum eeh_uevent_kind kind;
	char bdf[EEH_BDF_MAX]; /* PCI_SLOT_NAME, else the last DEVPATH component */
	int device_online; /* DEVICE_ONLINE, -1 if absent */
};

/*
 * Parse a uevent: the netlink message ("change@/devices/...\0KEY=value\0...") or a
 * udev-style list (KEY=value separated by NUL or newline). Returns 1 for an EEH
 * ERROR_EVENT on a PCI device, 0 for any other uevent, -EINVAL if an ERROR_EVENT has no
 * usable device name.
 */
int eeh_uevent_parse(const char *buf, size_t len, struct eeh_uevent *out);
const char *eeh_uevent_kind_name(enum eeh_uevent_kind k);

/* ---- events ------------------------------------------------------------------------- */

enum eeh_event_type {
	EEH_EV_FREEZE, /* a PE froze (or a PHB fenced) */
	EEH_EV_RECOVERED, /* recovery finished successfully */
	EEH_EV_FAILED, /* recovery failed; the PE/PHB is permanently disabled */
	EEH_EV_NEAR_LIMIT, /* one more freeze in this window disables the PE permanently */
};

#define EEH_EV_MAX_DEVS 8

struct eeh_event {
	enum eeh_event_type type;
	const char *source; /* "kmsg", "eeh-poll" or "uevent" (static strings) */
	int64_t time_us;
	uint64_t seq; /* kmsg sequence of the deciding record (0 if none) */
	bool have_phb, have_pe;
	uint32_t phb, pe;
	char bdf[EEH_EV_MAX_DEVS][EEH_BDF_MAX];
	size_t n_bdf;
	const char *outcome; /* "frozen", "recovered", "failed", "permanently-disabled",
			      * "near-limit" (static strings) */
	int freeze_count; /* freezes in the current window (0 if unknown) */
	int max_freezes;
	char pe_loc[EEH_LOC_MAX];
	char phb_loc[EEH_LOC_MAX];
	char result[32]; /* last aggregate recovery state, "" if none */
	char raw[512]; /* the deciding kernel line (or poll reading) */
};

const char *eeh_event_type_name(enum eeh_event_type t); /* "freeze", "recovered", ... */

/* ---- the stateful kmsg/uevent tracker ------------------------------------------------ */

#define EEH_TRACKER_OPEN 8

struct eeh_incident {
	bool used;
	bool have_pe;
	uint32_t phb, pe;
	int64_t start_us;
	bool perm_disabled; /* saw "has been permanently disabled" */
	bool kmsg_seen; /* the kernel log mentioned it (it then owns the outcome) */
	uint64_t first_seq; /* kmsg sequence of its first record (when kmsg_seen) */
	struct eeh_event ev; /* devices, locations, counts gathered so far */
};

struct eeh_tracker {
	int max_freezes; /* eeh_max_freezes (default 5) */
	struct eeh_incident open[EEH_TRACKER_OPEN];
	int current; /* index of the incident eehd works on, -1 none */
	int last_opened; /* most recently opened incident, -1 none */
	struct {
		bool used;
		uint32_t phb, pe;
		int64_t time_us;
	} recent[8]; /* recently closed incidents (late uevents) */
	struct eeh_window_table windows;
	const struct eeh_topology *topo; /* optional: bdf -> PE for uevents */
};

void eeh_tracker_init(struct eeh_tracker *t, int max_freezes);
/*
 * Feed one kernel log record's text. Up to max events are written to out; returns how
 * many (0..max). Lines that are not EEH lines are ignored.
 */
size_t eeh_tracker_feed(struct eeh_tracker *t, const char *text, size_t len, uint64_t seq,
			int64_t time_us, struct eeh_event *out, size_t max);
/* Feed a parsed uevent; same contract. BEGIN_RECOVERY for a PE already open only adds
 * the device; otherwise an event from the uevent alone is produced. */
size_t eeh_tracker_feed_uevent(struct eeh_tracker *t, const struct eeh_uevent *u, int64_t time_us,
			       struct eeh_event *out, size_t max);
/*
 * Cursor safety for the daemon: true when a kernel-log incident is still open, with
 * *first_seq the sequence of its first record. A daemon that commits its kmsg cursor no
 * further than that re-reads the whole incident after a crash (the events already stored
 * come back with the same dedupe keys), so an outcome is never orphaned.
 */
bool eeh_tracker_pending(const struct eeh_tracker *t, uint64_t *first_seq);
/* Forget incidents opened before now_us - max_age_us (recovery that never reports an
 * outcome, e.g. eeh_disable_recovery): they stop pinning the cursor. Returns how many. */
size_t eeh_tracker_expire(struct eeh_tracker *t, int64_t now_us, int64_t max_age_us);
/* Account a freeze observed elsewhere (polling): updates the window, fills
 * ev->freeze_count/max_freezes, and returns true when a near-limit event is due. */
bool eeh_tracker_account(struct eeh_tracker *t, struct eeh_event *ev);

/* ---- ras_event ------------------------------------------------------------------------ */

struct eeh_ras {
	struct ras_event ev;
	struct ras_attr attrs[12];
	char phb[16], pe[16], bdf[EEH_EV_MAX_DEVS * EEH_BDF_MAX], count[16], max[16];
	char dedupe[160], summary[256], location[EEH_LOC_MAX], guest[128], refcode[64];
	char pe_loc[EEH_LOC_MAX], phb_loc[EEH_LOC_MAX], result[32];
	char raw[512];
};

/*
 * Fill out->ev (kind "eeh", source ev->source) from ev. location: the device's location
 * code if known (NULL: the kernel's PE location string if it has one); guest: the guest
 * name if known (NULL: none); boot_id makes kmsg dedupe keys unique across boots (NULL
 * allowed). out->ev borrows out's buffers: keep out alive until store_append() returns.
 */
void eeh_event_fill(const struct eeh_event *ev, const char *location, const char *guest,
		    const char *boot_id, struct eeh_ras *out);

/* ---- discovery ----------------------------------------------------------------------- */

struct eeh_topology;
/*
 * Link an event to what discovery knows: when the event names no device, the PE's devices
 * are added; *location is set to the PE's location code and *guest to the name of the
 * guest holding it (each NULL when unknown). Pointers borrow t. For eeh_event_fill().
 */
void eeh_event_enrich(struct eeh_event *ev, const struct eeh_topology *t, const char **location,
		      const char **guest);

struct eeh_dev {
	char bdf[EEH_BDF_MAX];
	unsigned domain, bus, dev, fn;
	uint16_t vendor_id, device_id;
	uint32_t class_code; /* 24 bits */
	char vendor_name[96], device_name[128];
	char driver[64]; /* "" when unbound */
	bool vfio; /* bound to vfio-pci */
	int iommu_group; /* -1 when none */
	bool has_eeh; /* eeh_pe_config_addr present */
	uint32_t eeh_mode;
	uint32_t pe; /* eeh_pe_config_addr (PowerNV: the PE number) */
	char loc_code[EEH_LOC_MAX]; /* device tree ibm,loc-code, "" if none */
};

struct eeh_guest {
	pid_t pid; /* holder of /dev/vfio/N, 0 if none */
	char name[128]; /* guest name, "" when unknown */
	char exe[64]; /* comm of the holder */
};

struct eeh_pe {
	uint32_t phb, pe;
	struct eeh_dev **devs;
	size_t n_devs;
	bool vfio; /* any device bound to vfio-pci */
	int iommu_group; /* of the first device, -1 if none */
	char loc_code[EEH_LOC_MAX];
	bool state_read; /* eeh_pe_state was read (see eeh_discover_opts.read_state) */
	int state_errno; /* non-zero: the read failed with this errno */
	struct eeh_state state;
	struct eeh_guest guest; /* for VFIO PEs when guests were mapped */
};

struct eeh_phb {
	uint32_t phb;
	struct eeh_pe *pes;
	size_t n_pes;
};

struct eeh_topology {
	bool eeh_available; /* any device with EEH attributes */
	struct eeh_dev *devs; /* all PCI devices, sorted by BDF */
	size_t n_devs;
	struct eeh_phb *phbs; /* sorted by PHB, PEs sorted by number */
	size_t n_phbs;
};

enum eeh_state_read {
	EEH_READ_STATE_NONE, /* never read eeh_pe_state */
	EEH_READ_STATE_VFIO, /* only VFIO-owned PEs (no side effect on host recovery) */
	EEH_READ_STATE_ALL, /* every PE (accepting the side effect, spec 1.12) */
};

struct eeh_discover_opts {
	const char *root; /* "/" or the simulator root */
	const char *ids_path; /* pci.ids override, NULL for libpci's default */
	enum eeh_state_read read_state;
	bool map_guests; /* scan ROOT/proc for /dev/vfio holders */
	bool names; /* look up vendor/device names */
};

int eeh_discover(const struct eeh_discover_opts *o, struct eeh_topology *t, struct ras_err *e);
void eeh_topology_free(struct eeh_topology *t);
struct eeh_pe *eeh_topology_find_pe(const struct eeh_topology *t, uint32_t phb, uint32_t pe);
struct eeh_dev *eeh_topology_find_dev(const struct eeh_topology *t, const char *bdf);
struct eeh_pe *eeh_topology_pe_of(const struct eeh_topology *t, const char *bdf);
/* Read one PE's eeh_pe_state through its first device. */
int eeh_pe_state_read(const char *root, const struct eeh_pe *pe, struct eeh_state *st,
		      struct ras_err *e);

/* Parse "PHB#30-PE#1fa", "30:1fa", "0030:1fa" into phb/pe; BDFs "0030:01:00.0" into
 * domain/bus/dev/fn. 0 or -EINVAL. */
int eeh_parse_pe_id(const char *s, uint32_t *phb, uint32_t *pe);
int eeh_parse_bdf(const char *s, unsigned *dom, unsigned *bus, unsigned *dev, unsigned *fn);
/* "PHB#30-PE#1fa" (kernel style, lower-case hex). */
char *eeh_pe_name(uint32_t phb, uint32_t pe, char *out, size_t n);

/* ---- guest mapping (spec 1.10) --------------------------------------------------------- */

/* Guest name from a QEMU command line (NUL-separated argv as in /proc/PID/cmdline):
 * "-name guest=X,..." or "-name X[,...]" (",," is a literal comma). 0 or -ENOENT. */
int eeh_guest_name_from_cmdline(const char *buf, size_t len, char *out, size_t n);
/* Find the holder of ROOT/dev/vfio/<group> among ROOT/proc/<pid>/fd and name its guest
 * (QEMU -name, else the libvirt pid file ROOT/run/libvirt/qemu/<name>.pid).
 * 0 and *g filled, -ENOENT if no process holds the group. */
int eeh_guest_find(const char *root, int group, struct eeh_guest *g, struct ras_err *e);
/* The guest a QEMU process (or one of its vCPU threads) runs, from ROOT/proc/<pid>/cmdline
 * or libvirt's pid files: 0, or -ENOENT when pid is no QEMU we can name. */
int eeh_guest_name_of_pid(const char *root, int pid, char *out, size_t n);

/* ---- polling of VFIO-owned PEs ------------------------------------------------------------ */

#define EEH_POLL_DEFAULT_MS 2000

struct eeh_poll_pe {
	uint32_t phb, pe;
	char bdf[EEH_BDF_MAX]; /* the device whose eeh_pe_state is read */
	bool known; /* a first reading was taken */
	enum eeh_health last;
	bool failed_reported;
};

struct eeh_poller {
	char root[4096];
	int interval_ms;
	struct eeh_poll_pe *pes;
	size_t n_pes;
};

/* Register the VFIO-owned PEs of t (host-owned PEs are never polled). */
int eeh_poller_init(struct eeh_poller *p, const char *root, const struct eeh_topology *t,
		    int interval_ms, struct ras_err *e);
void eeh_poller_free(struct eeh_poller *p);
/* Read every registered PE once; transitions become events (source "eeh-poll"):
 * healthy->frozen FREEZE, frozen->healthy RECOVERED, ->permanently failed FAILED, and a
 * NEAR_LIMIT after a freeze that leaves one freeze before the limit (via the tracker's
 * windows). Returns the number of events written (<= max). */
size_t eeh_poller_poll(struct eeh_poller *p, struct eeh_tracker *t, int64_t now_us,
		       struct eeh_event *out, size_t max);

/* ---- /proc/powerpc/eeh and debugfs ----------------------------------------------------------- */

struct eeh_proc_stats {
	bool present;
	bool enabled;
	uint64_t no_device, no_dn, no_cfg_addr, check_not_wanted;
	uint64_t mmio_ffs, false_positives, slot_resets;
};

int eeh_proc_stats_parse(const char *buf, size_t len, struct eeh_proc_stats *s);
/* Read ROOT/proc/powerpc/eeh (or ROOT/proc/ppc64/eeh): 0, or -ENOENT without EEH. */
int eeh_proc_stats_read(const char *root, struct eeh_proc_stats *s, struct ras_err *e);
/* debugfs eeh_max_freezes; -errno when unreadable (root only) - callers use the default. */
int eeh_max_freezes_read(const char *root, int *max, struct ras_err *e);

/* ---- injection (spec 1.4, 1.11) ----------------------------------------------------------------
 */

#define EEH_INJECT_FUNC_MAX 19

/* "load-mem-addr" ... "dma-write-target"; NULL if out of range. */
const char *eeh_inject_func_name(unsigned func);
/* A name or a number (decimal or 0x hex) -> func; -EINVAL. */
int eeh_inject_func_parse(const char *s, unsigned *func);
/* The exact err_injct string: "pe:type:func:addr:mask", all hex, no newline. */
int eeh_inject_format(char *out, size_t n, uint32_t pe, unsigned type, unsigned func, uint64_t addr,
		      uint64_t mask);
/* Write it to ROOT/sys/kernel/debug/powerpc/PCI%04x/err_injct. */
int eeh_inject_errinjct(const char *root, uint32_t phb, uint32_t pe, unsigned type, unsigned func,
			uint64_t addr, uint64_t mask, char *written, size_t wn, struct ras_err *e);
/* Write the BDF to ROOT/sys/kernel/debug/powerpc/eeh_dev_break. */
int eeh_inject_dev_break(const char *root, const char *bdf, struct ras_err *e);

/* ---- history ------------------------------------------------------------------------------------
 */

struct eeh_hist_event {
	int64_t id;
	int64_t time_us;
	enum ras_severity severity;
	char type[24]; /* attr "eeh_event": freeze/recovered/failed/near-limit */
	char outcome[24];
	uint32_t phb, pe;
	bool have_pe;
	char bdf[EEH_EV_MAX_DEVS * EEH_BDF_MAX];
	char location[EEH_LOC_MAX];
	char guest[128];
	char source[16];
	int freeze_count;
	char summary[256];
};

struct eeh_timeline {
	uint32_t phb, pe;
	bool have_pe;
	int64_t freeze_us; /* 0 when the timeline starts without a freeze record */
	int64_t end_us; /* outcome time, 0 if still open */
	char outcome[24]; /* "recovered", "failed", "permanently-disabled", "open" */
	int freeze_count;
	char bdf[EEH_EV_MAX_DEVS * EEH_BDF_MAX];
	char location[EEH_LOC_MAX];
	char guest[128];
	char source[16];
	bool near_limit; /* a near-limit warning belongs to it */
	size_t *idx; /* its events: indexes into eeh_history.ev */
	size_t n_idx;
};

struct eeh_history {
	struct eeh_hist_event *ev; /* sorted by time */
	size_t n_ev;
	struct eeh_timeline *tl; /* sorted by freeze time */
	size_t n_tl;
};

/* Group events (sorted by time, any order in) into timelines: a freeze opens a timeline
 * for its PE, recovered/failed closes it, near-limit attaches to it. Pure. */
int eeh_history_build(struct eeh_history *h, struct ras_err *e);
/* Load every event of kind "eeh" (time >= since_us) from the database and build. */
int eeh_history_load(const char *db_path, int64_t since_us, struct eeh_history *h,
		     struct ras_err *e);
void eeh_history_free(struct eeh_history *h);
/* Freezes of one PE counted with the kernel's window rule, as of now_us. */
int eeh_history_window_count(const struct eeh_history *h, uint32_t phb, uint32_t pe,
			     int64_t now_us);

/* ---- rendering (text and JSON; field names in docs/eeh-json.md)
 * ----------------------------------- */

void eeh_render_list(FILE *f, const struct eeh_topology *t, bool json);
void eeh_render_pe(FILE *f, const struct eeh_pe *pe, bool json);
void eeh_render_stats(FILE *f, const struct eeh_proc_stats *s, int max_freezes,
		      bool max_from_kernel, const struct eeh_topology *t,
		      const struct eeh_history *h, int64_t now_us, bool json);
void eeh_render_history(FILE *f, const struct eeh_history *h, bool json);
/* CSV: list = one row per device, history = one row per timeline (header first). */
void eeh_render_list_csv(FILE *f, const struct eeh_topology *t);
void eeh_render_history_csv(FILE *f, const struct eeh_history *h);
/* A PE's JSON object (shared by list and show). */
struct json_writer;
void eeh_json_pe(struct json_writer *w, const struct eeh_pe *pe);

#endif
