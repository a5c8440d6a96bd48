/*
 * src_sel.c - the BMC source: the IPMI System Event Log, read with OpenIPMI in-band
 * (/dev/ipmi0, the SMI driver) or over LAN/RMCP+ (config `ipmi: {host, port, user,
 * password_file}`), decoded by errlog/sel.c and stored as kind "sel", source "ipmi".
 *
 * Threading (the integration choice): OpenIPMI runs its own select loop (os_handler).
 * It runs in one dedicated thread with the non-threaded posix os handler, so every
 * OpenIPMI call happens in that thread and the library needs no locking. The thread
 * hands the loop *snapshots* (the whole SEL as the library's local copy holds it, in
 * SEL order) and connection status messages through a mutex-protected queue and wakes
 * the daemon with daemon_kick() (an eventfd write, safe from any thread). Only the
 * loop thread touches the store: poll() diffs the snapshot against the cursor.
 * A snapshot is sent when the domain is fully up, when the library's event handler
 * reports a new entry, and when a 1 s check sees the SEL's count or last record
 * change (a clear or a wrap without new entries).
 *
 * Cursor ("sel" in the store, written with daemon_cursor() in the same batch as the
 * events): "<bmc guid>:<last record id>:<its timestamp>:<SEL last add timestamp>".
 * Records after the cursor record in the snapshot are new. If the cursor record is no
 * longer in the SEL (of the same BMC) the SEL was cleared or wrapped: an event records
 * it and every record in the SEL is ingested (dedupe keys, BMC GUID + record id +
 * timestamp, keep that exactly-once). A different GUID is another BMC: no cursor.
 *
 * Read-only: the domain is opened with SET_SEL_TIME and SET_EVENT_RCVR off (and no
 * SDR/FRU/IPMB scans); nothing is ever written to the BMC.
 *
 * Failures: a connection that fails (wrong password: authentication error; no answer:
 * timeout) is logged, recorded once per outage as an event, and retried with
 * exponential backoff (1 s doubling to 60 s). The password file must be mode 0600
 * (no group/other bits) or the source refuses to start (logged, and an event).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <OpenIPMI/ipmi_conn.h>
#include <OpenIPMI/ipmi_auth.h>
#include <OpenIPMI/ipmi_err.h>
#include <OpenIPMI/ipmi_msgbits.h>
#include <OpenIPMI/ipmi_lan.h>
#include <OpenIPMI/ipmi_mc.h>
#include <OpenIPMI/ipmi_posix.h>
#include <OpenIPMI/ipmi_smi.h>
#include <OpenIPMI/ipmiif.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/pel_event.h"
#include "errlog/sel.h"
#include "opal-prd/sources.h"

#define SEL_CURSOR	   "sel"
#define BACKOFF_MIN_US	   (1000ll * 1000)
#define BACKOFF_MAX_US	   (60ll * 1000 * 1000)
#define CONNECT_TIMEOUT_US (10ll * 1000 * 1000) /* default of ipmi.timeout */
#define ESEL_MAX	   (16384 + 16)

enum msg_type { MSG_SNAPSHOT, MSG_CONNECTED, MSG_CONN_FAILED };

struct sel_msg {
	struct sel_msg *next;
	enum msg_type type;
	char guid[40];
	uint32_t add_ts;
	int bmc_entries;
	bool resync, closing;
	int err;
	bool auth;
	char text[160];
	size_t n;
	uint8_t (*recs)[SEL_RECORD_LEN];
};

struct sel_cfg {
	bool lan;
	char host[256];
	char port[16];
	char user[64];
	char password[128];
	int smi_if;
	int64_t timeout_us; /* connect: no answer within this = unreachable */
};

struct sel_src {
	struct source *src;
	struct daemon *d;
	struct sel_cfg cfg;
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;

	pthread_mutex_t mu;
	struct sel_msg *head, *tail;

	/* loop-thread state */
	char guid[40];
	bool connected;
	struct sel_msg *snap; /* current snapshot being ingested */
	size_t snap_pos; /* next record to offer */
	bool snap_started; /* cursor position resolved */
	bool have_cursor;
	char cur_guid[40];
	unsigned cur_id;
	uint32_t cur_ts, cur_add;
	int64_t outage_us; /* start of the current connection outage, 0 = none */
	uint64_t clears, conn_failures;
	char last_error[160];
	struct sel_event se;
	struct pel pel;
	struct pel_event pe;
};

static struct sel_src ss;

/* ---- the queue (both threads) ----------------------------------------------------- */
static void msg_push(struct sel_msg *m)
{
	m->next = NULL;
	pthread_mutex_lock(&ss.mu);
	if (ss.tail)
		ss.tail->next = m;
	else
		ss.head = m;
	ss.tail = m;
	pthread_mutex_unlock(&ss.mu);
	daemon_kick(ss.d);
}

static struct sel_msg *msg_pop(void)
{
	pthread_mutex_lock(&ss.mu);
	struct sel_msg *m = ss.head;
	if (m) {
		ss.head = m->next;
		if (!ss.head)
			ss.tail = NULL;
	}
	pthread_mutex_unlock(&ss.mu);
	return m;
}

static void msg_free(struct sel_msg *m)
{
	if (m) {
		free(m->recs);
		free(m);
	}
}

/* ---- the OpenIPMI thread ----------------------------------------------------------- */
struct ipmi_thr {
	os_handler_t *os;
	ipmi_domain_id_t did;
	bool opened, up, failed, closed;
	int err;
	bool dirty;
	int last_count;
	unsigned last_id, probe_id;
	uint32_t add_ts;
	int bmc_entries;
	bool resync, closing;
	char guid[40];
};

static struct ipmi_thr it;

static void ipmi_log_cb(os_handler_t *h, const char *fmt, enum ipmi_log_type_e t, va_list ap)
{
	char b[512];
	(void)h;
	(void)t;
	vsnprintf(b, sizeof(b), fmt, ap);
	log_debug("source=sel openipmi=\"%s\"", b);
}

static void mc_probe_cb(ipmi_domain_t *dom, ipmi_mc_t *mc, void *arg);

static void send_snapshot(ipmi_domain_t *dom)
{
	struct sel_msg *m = calloc(1, sizeof(*m));
	int cnt = 0;
	unsigned int n = 0;

	if (!m)
		return;
	ipmi_domain_sel_count(dom, &n);
	m->type = MSG_SNAPSHOT;
	m->recs = calloc(n ? n : 1, SEL_RECORD_LEN);
	if (!m->recs) {
		free(m);
		return;
	}
	for (ipmi_event_t *ev = ipmi_domain_first_event(dom); ev;) {
		if ((unsigned)cnt < n) {
			uint8_t *r = m->recs[cnt];
			unsigned id = ipmi_event_get_record_id(ev);
			r[0] = id & 0xff;
			r[1] = (id >> 8) & 0xff;
			r[2] = (uint8_t)ipmi_event_get_type(ev);
			ipmi_event_get_data(ev, r + 3, 0, SEL_RECORD_LEN - 3);
			it.last_id = id;
			cnt++;
		}
		ipmi_event_t *next = ipmi_domain_next_event(dom, ev);
		ipmi_event_free(ev);
		ev = next;
	}
	if (!cnt)
		it.last_id = 0;
	ipmi_domain_iterate_mcs(dom, mc_probe_cb, NULL);
	m->add_ts = it.add_ts;
	it.last_count = cnt;
	m->n = (size_t)cnt;
	snprintf(m->guid, sizeof(m->guid), "%s", it.guid);
	msg_push(m);
}

static void on_new_event(ipmi_domain_t *dom, ipmi_event_t *ev, void *arg)
{
	(void)dom;
	(void)ev;
	(void)arg;
	it.dirty = true; /* a snapshot goes out after this turn of the library loop */
}

static void conn_failed(int err, const char *what)
{
	struct sel_msg *m = calloc(1, sizeof(*m));
	char es[96] = "";

	it.failed = true;
	it.err = err;
	if (!m)
		return;
	ipmi_get_error_string((unsigned)err, es, sizeof(es));
	m->type = MSG_CONN_FAILED;
	m->err = err;
	/* OpenIPMI reports a rejected login (bad user/password, RAKP or session
	 * activation failure) as EINVAL or an IPMI/RMCP+ completion code. */
	m->auth = err == EINVAL || IPMI_IS_IPMI_ERR(err) || IPMI_IS_RMCPP_ERR(err);
	snprintf(m->text, sizeof(m->text), "%s%s%s", what, es[0] ? ": " : "", es);
	msg_push(m);
}

static void on_con_change(ipmi_domain_t *dom, int err, unsigned int conn, unsigned int port,
			  int still_connected, void *arg)
{
	(void)conn;
	(void)port;
	(void)arg;
	/* Early, before any MC is found, so the BMC's SEL is re-read every second. */
	ipmi_domain_set_sel_rescan_time(dom, 1);
	if (err && !still_connected)
		conn_failed(err, "connection failed");
	else if (!err && it.failed)
		it.failed = false;
}

static void on_fully_up(ipmi_domain_t *dom, void *arg)
{
	unsigned char g[16];
	struct sel_msg *m = calloc(1, sizeof(*m));

	(void)arg;
	if (it.failed || it.closing) {
		free(m); /* an attempt already given up: its SEL copy may be partial */
		return;
	}
	if (ipmi_domain_get_guid(dom, g) == 0)
		sel_guid_text(g, it.guid);
	else
		snprintf(it.guid, sizeof(it.guid), "%.39s", ss.cfg.lan ? ss.cfg.host : "local-bmc");
	it.up = true;
	ipmi_domain_add_event_handler(dom, on_new_event, NULL);
	if (m) {
		m->type = MSG_CONNECTED;
		snprintf(m->guid, sizeof(m->guid), "%s", it.guid);
		msg_push(m);
	}
	send_snapshot(dom);
}

static void on_closed(void *arg)
{
	(void)arg;
	it.closed = true;
}

static void close_dom_cb(ipmi_domain_t *dom, void *arg)
{
	(void)arg;
	if (ipmi_domain_close(dom, on_closed, NULL))
		it.closed = true;
}

/* Per MC: the last record id and the SEL's last addition timestamp. */
static void mc_probe_cb(ipmi_domain_t *dom, ipmi_mc_t *mc, void *arg)
{
	(void)dom;
	(void)arg;
	if (!ipmi_mc_sel_device_support(mc))
		return;
	ipmi_event_t *ev = ipmi_mc_last_event(mc);
	if (ev) {
		it.probe_id = ipmi_event_get_record_id(ev);
		ipmi_event_free(ev);
	}
	it.add_ts = (uint32_t)ipmi_mc_sel_get_last_addition_timestamp(mc);
	it.bmc_entries = ipmi_mc_sel_get_num_entries(mc);
}

/* 1 s check: a cleared or wrapped SEL with no new entry changes count or last id. */
static void check_dom_cb(ipmi_domain_t *dom, void *arg)
{
	unsigned int n = 0;
	(void)arg;
	ipmi_domain_sel_count(dom, &n);
	it.bmc_entries = -1;
	it.probe_id = 0;
	ipmi_domain_iterate_mcs(dom, mc_probe_cb, NULL);
	if (it.bmc_entries >= 0 && (unsigned)it.bmc_entries < n) {
		/* The BMC holds fewer entries than the library's copy: cleared or wrapped.
		 * The library keeps deleted entries; reconnect for a fresh copy. */
		it.resync = true;
		return;
	}
	if (it.dirty || (int)n != it.last_count) {
		it.dirty = false;
		send_snapshot(dom);
		return;
	}
	if (it.probe_id != it.last_id)
		send_snapshot(dom);
}

static void run_for(int64_t us)
{
	int64_t end = time_now_us() + us;
	while (!atomic_load(&ss.stop) && time_now_us() < end) {
		struct timeval tv = { 0, 100000 };
		it.os->perform_one_op(it.os, &tv);
	}
}

static int open_domain(void)
{
	ipmi_con_t *con = NULL;
	ipmi_open_option_t opts[] = {
		{ .option = IPMI_OPEN_OPTION_ALL, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_SEL, { .ival = 1 } },
		{ .option = IPMI_OPEN_OPTION_SDRS, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_FRUS, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_IPMB_SCAN, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_SET_EVENT_RCVR, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_SET_SEL_TIME, { .ival = 0 } },
		{ .option = IPMI_OPEN_OPTION_USE_CACHE, { .ival = 0 } },
	};
	int rc;

	if (ss.cfg.lan) {
		char *addrs[1] = { ss.cfg.host }, *ports[1] = { ss.cfg.port };
		rc = ipmi_ip_setup_con(addrs, ports, 1, IPMI_AUTHTYPE_DEFAULT, IPMI_PRIVILEGE_ADMIN,
				       ss.cfg.user, (unsigned)strlen(ss.cfg.user), ss.cfg.password,
				       (unsigned)strlen(ss.cfg.password), it.os, NULL, &con);
	} else {
		rc = ipmi_smi_setup_con(ss.cfg.smi_if, it.os, NULL, &con);
	}
	if (rc) {
		conn_failed(rc, ss.cfg.lan ? "LAN connection setup failed"
					   : "in-band (/dev/ipmi0) setup failed");
		return rc;
	}
	it.up = it.failed = it.closed = it.closing = false;
	it.last_count = -1;
	it.last_id = 0;
	rc = ipmi_open_domain("opal-ras", &con, 1, on_con_change, NULL, on_fully_up, NULL, opts,
			      sizeof(opts) / sizeof(opts[0]), &it.did);
	if (rc) {
		con->close_connection(con);
		conn_failed(rc, "opening the IPMI domain failed");
		return rc;
	}
	it.opened = true;
	return 0;
}

static void close_domain(void)
{
	if (!it.opened)
		return;
	it.closed = false;
	it.closing = true;
	if (ipmi_domain_pointer_cb(it.did, close_dom_cb, NULL))
		it.closed = true;
	for (int i = 0; i < 100 && !it.closed; i++) {
		struct timeval tv = { 0, 50000 };
		it.os->perform_one_op(it.os, &tv);
	}
	/* The LAN socket's handler is released by a deferred cleanup: let it run. */
	for (int i = 0; i < 5; i++) {
		struct timeval tv = { 0, 20000 };
		it.os->perform_one_op(it.os, &tv);
	}
	it.opened = false;
	it.closing = false;
}

static void *ipmi_thread(void *arg)
{
	int64_t backoff = BACKOFF_MIN_US;

	(void)arg;
	memset(&it, 0, sizeof(it));
	it.os = ipmi_posix_setup_os_handler();
	if (!it.os) {
		conn_failed(ENOMEM, "OpenIPMI os handler setup failed");
		return NULL;
	}
	it.os->set_log_handler(it.os, ipmi_log_cb);
	ipmi_init(it.os);
	while (!atomic_load(&ss.stop)) {
		int64_t start = time_now_us();
		if (open_domain() == 0) {
			it.resync = false;
			while (!atomic_load(&ss.stop) && !it.failed && !it.resync) {
				run_for(200000);
				if (it.up && !it.failed)
					ipmi_domain_pointer_cb(it.did, check_dom_cb, NULL);
				else if (time_now_us() - start > ss.cfg.timeout_us)
					conn_failed(ETIMEDOUT, "no answer from the BMC");
			}
			if (it.up)
				backoff = BACKOFF_MIN_US;
			close_domain();
			if (it.resync && !it.failed) {
				log_info("source=sel event=sel_shrank action=\"re-reading the "
					 "SEL\"");
				continue;
			}
		}
		if (atomic_load(&ss.stop))
			break;
		log_debug("source=sel event=retry_in backoff_us=%lld", (long long)backoff);
		run_for(backoff);
		backoff = backoff * 2 > BACKOFF_MAX_US ? BACKOFF_MAX_US : backoff * 2;
	}
	close_domain();
	ipmi_shutdown();
	it.os->free_os_handler(it.os);
	return NULL;
}

/* ---- the loop thread: cursor, events ---------------------------------------------- */
static void load_cursor(struct daemon *d)
{
	char v[160];
	struct ras_err e;
	unsigned id = 0, ts = 0, add = 0;
	char g[40];

	ss.have_cursor = false;
	if (store_cursor_get(d->store, SEL_CURSOR, v, sizeof(v), &e))
		return;
	if (sscanf(v, "%39[^:]:%u:%u:%u", g, &id, &ts, &add) < 3)
		return;
	snprintf(ss.cur_guid, sizeof(ss.cur_guid), "%s", g);
	ss.cur_id = id;
	ss.cur_ts = ts;
	ss.cur_add = add;
	ss.have_cursor = true;
}

static int save_cursor(struct daemon *d, unsigned id, uint32_t ts)
{
	char v[160];
	snprintf(v, sizeof(v), "%s:%u:%u:%u", ss.guid, id, ts, ss.cur_add);
	int rc = daemon_cursor(d, SEL_CURSOR, v);
	if (!rc) {
		snprintf(ss.cur_guid, sizeof(ss.cur_guid), "%s", ss.guid);
		ss.cur_id = id;
		ss.cur_ts = ts;
		ss.have_cursor = true;
	}
	return rc;
}

static uint32_t rec_ts(const uint8_t *r)
{
	if (r[2] >= 0xe0)
		return 0;
	return (uint32_t)r[3] | (uint32_t)r[4] << 8 | (uint32_t)r[5] << 16 | (uint32_t)r[6] << 24;
}

static unsigned rec_id(const uint8_t *r)
{
	return (unsigned)(r[0] | r[1] << 8);
}

/* Link an eSEL record (or its companion) to the host's copy of the PEL. */
static void link_esel(struct daemon *d, const struct sel_record *r)
{
	char dir[4200], p[4400];
	struct dirent *de;
	DIR *dh;

	if (r->cls != SEL_CLASS_ESEL && sel_companion_esel_id(r) < 0)
		return;
	if (root_path(dir, sizeof(dir), d->root, "sys/firmware/opal/elog"))
		return;
	dh = opendir(dir);
	if (!dh)
		return;
	while ((de = readdir(dh))) {
		uint8_t *buf = NULL;
		size_t len;
		int trunc;
		struct ras_err e;
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/eSEL", dir, de->d_name);
		if (file_read_all(p, ESEL_MAX, &buf, &len, &trunc, &e))
			continue;
		int rc = sel_esel_link(&ss.se, r, buf, len, &ss.pel, &ss.pe, &e);
		free(buf);
		if (rc == 1) {
			sel_event_add_attr(&ss.se, "elog_id", de->d_name);
			break;
		}
		if (rc < 0)
			log_debug("source=sel event=esel_unlinkable file=%s error=\"%s\"", p,
				  e.msg);
	}
	closedir(dh);
}

static int offer_record(struct daemon *d, const uint8_t *raw)
{
	struct sel_record r;
	struct ras_err e;
	bool is_new;

	ss.src->seen++;
	if (sel_record_parse(raw, SEL_RECORD_LEN, &r, &e)) {
		ss.src->errors++;
		return 0;
	}
	sel_event_fill(&ss.se, &r, raw, ss.guid);
	link_esel(d, &r);
	int rc = daemon_append(d, &ss.se.ev, &is_new, NULL, NULL);
	if (rc)
		return rc;
	if (is_new)
		ss.src->stored++;
	else
		ss.src->dups++;
	ss.src->last_us = time_now_us();
	return 0;
}

/* A status event (cleared SEL, connection failure, refused configuration). */
static int status_event(struct daemon *d, const char *key, enum ras_severity sev,
			const char *refcode, const char *summary)
{
	struct ras_attr at[1] = { { "bmc_guid", ss.guid[0] ? ss.guid : "unknown" } };
	struct ras_event ev = {
		.source = "ipmi",
		.kind = RAS_KIND_SEL,
		.dedupe_key = key,
		.severity = sev,
		.source_severity = -1,
		.subsystem = "BMC",
		.refcode = refcode,
		.summary = summary,
		.attrs = at,
		.n_attrs = 1,
	};
	bool is_new;
	int rc = daemon_append(d, &ev, &is_new, NULL, NULL);
	if (!rc && is_new)
		ss.src->stored++;
	return rc;
}

/* Resolve where the snapshot continues the cursor; record a clear or wrap. */
static int snapshot_begin(struct daemon *d)
{
	struct sel_msg *m = ss.snap;
	char key[160], sum[200];

	ss.snap_pos = 0;
	ss.snap_started = true;
	if (!ss.have_cursor || strcmp(ss.cur_guid, ss.guid) || ss.cur_id == 0)
		return 0; /* first read of this BMC, or it was empty: everything is new */
	for (size_t i = 0; i < m->n; i++) {
		if (rec_id(m->recs[i]) == ss.cur_id && rec_ts(m->recs[i]) == ss.cur_ts) {
			ss.snap_pos = i + 1;
			return 0;
		}
	}
	/* The cursor's record is gone: the SEL was cleared (or wrapped, or entries were
	 * deleted). Everything in it now is offered; dedupe drops what we had. */
	ss.clears++;
	snprintf(key, sizeof(key), "sel-cleared:%s:%u:%u:%s%u", ss.guid, ss.cur_id, ss.cur_ts,
		 m->n ? "first-" : "empty-", m->n ? rec_id(m->recs[0]) : ss.cur_id);
	snprintf(sum, sizeof(sum),
		 "BMC SEL cleared or wrapped: record 0x%04x (last stored) is gone, %zu entries "
		 "now",
		 ss.cur_id, m->n);
	log_warn("source=sel event=sel_cleared last_record=0x%04x entries=%zu", ss.cur_id, m->n);
	int rc = status_event(d, key, RAS_SEV_WARNING, "sel-cleared", sum);
	if (rc)
		return rc;
	if (!m->n)
		return save_cursor(d, 0, 0);
	return 0;
}

static bool ingest_snapshot(struct daemon *d)
{
	int rc;
	size_t last = SIZE_MAX;

	if (!ss.snap_started && snapshot_begin(d))
		return false;
	while (ss.snap_pos < ss.snap->n) {
		if (daemon_batch_full(d))
			break;
		last = ss.snap_pos;
		rc = offer_record(d, ss.snap->recs[ss.snap_pos]);
		if (rc)
			return false;
		ss.snap_pos++;
	}
	if (last != SIZE_MAX &&
	    save_cursor(d, rec_id(ss.snap->recs[last]), rec_ts(ss.snap->recs[last])))
		return false;
	return ss.snap_pos < ss.snap->n;
}

static void handle_conn_failed(struct daemon *d, struct sel_msg *m)
{
	char key[200], sum[240];
	const char *what =
		m->auth ? "authentication failed (wrong user or password?)" : "BMC unreachable";

	ss.connected = false;
	ss.conn_failures++;
	snprintf(ss.last_error, sizeof(ss.last_error), "%s", m->text);
	if (m->auth)
		log_err("source=sel event=auth_failed host=%s user=%s error=\"%s\" "
			"action=\"retrying with backoff; check ipmi.user and ipmi.password_file\"",
			ss.cfg.host, ss.cfg.user, m->text);
	else
		log_warn("source=sel event=bmc_unreachable host=%s error=\"%s\" "
			 "action=\"retrying with backoff\"",
			 ss.cfg.lan ? ss.cfg.host : "in-band", m->text);
	if (ss.outage_us)
		return; /* one event per outage, not per retry */
	ss.outage_us = time_now_us();
	snprintf(key, sizeof(key), "ipmi-conn:%s:%s:%" PRId64, ss.cfg.lan ? ss.cfg.host : "smi",
		 m->auth ? "auth" : "unreachable", ss.outage_us);
	snprintf(sum, sizeof(sum), "IPMI: %s (%s); retrying", what, m->text);
	status_event(d, key, m->auth ? RAS_SEV_ERROR : RAS_SEV_WARNING,
		     m->auth ? "bmc-auth-failed" : "bmc-unreachable", sum);
}

static bool sel_poll(struct daemon *d, struct source *s)
{
	(void)s;
	for (;;) {
		if (ss.snap) {
			if (ingest_snapshot(d))
				return true;
			if (!daemon_can_ingest(d))
				return false;
			/* Keep the last snapshot until a newer one: resume() replays it. */
			struct sel_msg *nx;
			pthread_mutex_lock(&ss.mu);
			nx = ss.head;
			pthread_mutex_unlock(&ss.mu);
			if (!nx)
				return false;
		}
		struct sel_msg *m = msg_pop();
		if (!m)
			return false;
		switch (m->type) {
		case MSG_CONNECTED:
			snprintf(ss.guid, sizeof(ss.guid), "%s", m->guid);
			ss.connected = true;
			if (ss.outage_us)
				log_info("source=sel event=bmc_reachable guid=%s", ss.guid);
			ss.outage_us = 0;
			log_info("source=sel event=connected guid=%s", ss.guid);
			msg_free(m);
			break;
		case MSG_CONN_FAILED:
			handle_conn_failed(d, m);
			msg_free(m);
			break;
		case MSG_SNAPSHOT:
			ss.cur_add = m->add_ts;
			msg_free(ss.snap);
			ss.snap = m;
			ss.snap_started = false;
			break;
		}
		if (daemon_batch_full(d))
			return true;
	}
}

/* ---- configuration and life cycle ------------------------------------------------- */
static int read_password(const char *path, char *out, size_t n, struct ras_err *e)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return ras_errf(e, -errno, "%s: %s", path, strerror(errno));
	if (sb.st_mode & 077)
		return ras_errf(e, -EPERM,
				"%s: mode %04o, expected 0600 (the password must not be readable "
				"by group or others)",
				path, (unsigned)(sb.st_mode & 07777));
	if (file_read_str(path, out, n, e))
		return -EIO;
	out[strcspn(out, "\r\n")] = 0;
	return 0;
}

static int load_cfg(struct daemon *d, struct ras_err *e)
{
	struct ydoc_node *sec = d->cfg.doc ? ydoc_get(d->cfg.doc, "ipmi") : NULL;
	static const char *const keys[] = {
		"host", "port", "user", "password_file", "interface", "timeout", NULL,
	};
	const char *host = NULL, *user = "", *pwf = NULL;
	int64_t port = 623, ifn = 0, tmo = CONNECT_TIMEOUT_US;

	memset(&ss.cfg, 0, sizeof(ss.cfg));
	if (sec && sec->type == YDOC_MAP) {
		for (size_t i = 0; i + 1 < sec->n; i += 2) {
			const char *k = sec->kids[i]->scalar;
			bool ok = false;
			for (const char *const *p = keys; *p; p++)
				ok |= k && !strcmp(k, *p);
			if (!ok)
				return ras_errf(e, -EINVAL, "line %d: unknown key \"%s\" in ipmi",
						sec->kids[i]->line, k ? k : "?");
		}
		if (ydoc_str(ydoc_get(sec, "host"), &host, e) ||
		    ydoc_int(ydoc_get(sec, "port"), 1, 65535, &port, e) ||
		    ydoc_str(ydoc_get(sec, "user"), &user, e) ||
		    ydoc_str(ydoc_get(sec, "password_file"), &pwf, e) ||
		    ydoc_int(ydoc_get(sec, "interface"), 0, 255, &ifn, e) ||
		    ydoc_duration(ydoc_get(sec, "timeout"), &tmo, e))
			return -EINVAL;
		if (tmo < 100000)
			return ras_errf(e, -EINVAL, "line %d: ipmi.timeout below 100ms",
					ydoc_get(sec, "timeout")->line);
	}
	ss.cfg.smi_if = (int)ifn;
	ss.cfg.timeout_us = tmo;
	if (host && *host) {
		ss.cfg.lan = true;
		snprintf(ss.cfg.host, sizeof(ss.cfg.host), "%s", host);
		snprintf(ss.cfg.port, sizeof(ss.cfg.port), "%" PRId64, port);
		snprintf(ss.cfg.user, sizeof(ss.cfg.user), "%s", user);
		if (pwf) {
			int rc = read_password(pwf, ss.cfg.password, sizeof(ss.cfg.password), e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

bool sel_source_wanted(const struct daemon *d)
{
	char p[4200];
	if (d->cfg.doc && ydoc_get(d->cfg.doc, "ipmi"))
		return true;
	return !root_path(p, sizeof(p), d->root, "dev/ipmi0") && access(p, F_OK) == 0;
}

static int sel_start(struct daemon *d, struct source *s)
{
	struct ras_err e;
	int rc;

	memset(&ss, 0, sizeof(ss));
	ss.src = s;
	ss.d = d;
	pthread_mutex_init(&ss.mu, NULL);
	rc = load_cfg(d, &e);
	if (rc) {
		char sum[600];
		log_err("source=sel event=config_refused error=\"%s\" action=\"SEL not collected\"",
			e.msg);
		snprintf(sum, sizeof(sum), "IPMI source not started: %s", e.msg);
		status_event(d, "ipmi-config-refused", RAS_SEV_ERROR, "ipmi-config", sum);
		daemon_commit(d);
		pthread_mutex_destroy(&ss.mu);
		return rc;
	}
	load_cursor(d);
	atomic_store(&ss.stop, false);
	rc = pthread_create(&ss.thread, NULL, ipmi_thread, NULL);
	if (rc) {
		pthread_mutex_destroy(&ss.mu);
		return -rc;
	}
	ss.thread_started = true;
	s->running = true;
	log_info("source=sel event=starting via=%s%s%s", ss.cfg.lan ? "lan " : "in-band",
		 ss.cfg.lan ? ss.cfg.host : "", ss.cfg.lan ? "" : "");
	return 0;
}

static void sel_stop(struct daemon *d, struct source *s)
{
	struct sel_msg *m;

	(void)d;
	atomic_store(&ss.stop, true);
	if (ss.thread_started)
		pthread_join(ss.thread, NULL);
	ss.thread_started = false;
	while ((m = msg_pop()))
		msg_free(m);
	msg_free(ss.snap);
	ss.snap = NULL;
	memset(ss.cfg.password, 0, sizeof(ss.cfg.password));
	pthread_mutex_destroy(&ss.mu);
	s->running = false;
}

/* The batch with our events and cursor was rolled back: replay the last snapshot
 * from the committed cursor. */
static void sel_resume(struct daemon *d, struct source *s)
{
	(void)s;
	load_cursor(d);
	ss.snap_started = false;
	daemon_kick(d);
}

static void sel_status(struct daemon *d, struct source *s, struct json_writer *w)
{
	(void)d;
	(void)s;
	json_kstr(w, "via", ss.cfg.lan ? "lan" : "in-band");
	if (ss.cfg.lan)
		json_kstr(w, "host", ss.cfg.host);
	json_kbool(w, "connected", ss.connected);
	json_kstr(w, "bmc_guid", ss.guid);
	if (ss.have_cursor)
		json_kuint(w, "cursor_record_id", ss.cur_id);
	json_kuint(w, "clears_detected", ss.clears);
	json_kuint(w, "connection_failures", ss.conn_failures);
	if (ss.last_error[0])
		json_kstr(w, "last_error", ss.last_error);
}

const struct source_ops src_sel_ops = {
	.name = "sel",
	.start = sel_start,
	.stop = sel_stop,
	.resume = sel_resume,
	.poll = sel_poll,
	.status = sel_status,
};
