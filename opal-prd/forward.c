/*
 * forward.c - forwards guest-visible host events to KVM guests over QMP.
 *
 * Deliveries are outbox rows (errlog/store_outbox.h) written in the event's own
 * transaction by daemon_append (forward_targets): "qmp:CLASS:/path/to/socket" for an
 * event every guest must hear (EPOW: one row per configured socket) and
 * "qmp:CLASS:@NAME" for an event about one guest (the EEH code names the guest holding
 * a PE). After the commit, outbox_work hands due rows to forward_work, which marks them
 * running (a crash means a retry) and runs one job per row, entirely inside the event
 * loop: connect (non-blocking), greeting, qmp_capabilities, query-name, then the
 * class's action:
 *   powerdown   system_powerdown (QEMU turns it into the PAPR EPOW a pseries guest
 *               handles as an orderly shutdown)
 *   device_del  query-pci for the guest's devices, the device is the one configured for
 *               the host address (forward.devices) or the one whose qom "host" property
 *               (vfio-pci) is that address; device_del, then DEVICE_DELETED for it
 *   record      no QMP at all: the attempt is recorded with the guest's name
 * Every step has a deadline (forward.timeout, device_del_timeout); a hung QEMU
 * (SIGSTOP) costs a timeout, never a blocked loop. Every attempt becomes a row in
 * guest_forwards (event, guest, action, result, latency) and the outbox row is done,
 * retried with backoff, or failed after forward.retries. The connection is closed after
 * each job: QEMU serves one client per QMP socket, and holding it would lock out the
 * operator's tools; each attempt therefore connects afresh (the "reconnect").
 */
#include "opal-prd/forward.h"

#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "errlog/store_query.h"
#include "opal-prd/outbox.h"
#include "opal-prd/qmp.h"

#define FWD_MAX_JOBS 16
#define FWD_MAX_IDS  256
#define FWD_WAIT_US  (200ll * 1000) /* a row waiting for its socket or a job slot */

enum step {
	ST_GREETING,
	ST_CAPS,
	ST_NAME,
	ST_POWERDOWN,
	ST_QUERY_PCI,
	ST_QOM_HOST,
	ST_DEVICE_DEL,
	ST_WAIT_DELETED,
};

static const char *const step_names[] = {
	[ST_GREETING] = "the greeting", [ST_CAPS] = "qmp_capabilities",
	[ST_NAME] = "query-name",	[ST_POWERDOWN] = "system_powerdown",
	[ST_QUERY_PCI] = "query-pci",	[ST_QOM_HOST] = "qom-get host",
	[ST_DEVICE_DEL] = "device_del", [ST_WAIT_DELETED] = "DEVICE_DELETED",
};

struct job {
	bool used;
	int64_t row, event_id;
	int attempt;
	char target[256];
	enum fwd_class cls;
	enum fwd_action act;
	char want_guest[128]; /* "" = whoever listens on the socket */
	char bdf[32]; /* the host PCI address the event names */
	char **socks;
	size_t n_socks, si;
	struct qmp_conn c;
	enum step st;
	uint64_t deadline_ns;
	int64_t started_us;
	uint64_t t0_ns;
	char sock[256], guest[128], device[64];
	char result[24], error[256];
	char (*ids)[64];
	size_t n_ids, ii;
	bool deleted;
	unsigned gen; /* changes whenever the connection or the job changes */
};

static struct {
	struct job jobs[FWD_MAX_JOBS];
	int timer;
	struct daemon *d;
} fw = { .timer = -1 };

bool forward_enabled(const struct daemon *d)
{
	return d->fwd.enabled;
}

/* ---- targets ------------------------------------------------------------------------ */

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Every socket the configuration names now: globs expanded, literal paths kept even when
 * missing (a missing socket is a recorded failure, not silence). */
static size_t expand_sockets(const struct fwd_config *c, char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_qmp && n < max; i++) {
		if (!has_glob(c->qmp[i])) {
			out[n] = strdup(c->qmp[i]);
			n += out[n] != NULL;
			continue;
		}
		glob_t g;
		if (glob(c->qmp[i], 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc && n < max; k++) {
				bool dup = false;
				for (size_t j = 0; j < n && !dup; j++)
					dup = !strcmp(out[j], g.gl_pathv[k]);
				if (!dup && (out[n] = strdup(g.gl_pathv[k])))
					n++;
			}
		}
		globfree(&g);
	}
	return n;
}

size_t forward_targets(struct daemon *d, const struct ras_event *ev, const char **targets,
		       size_t max, char *buf, size_t buflen)
{
	struct fwd_facts f;
	size_t n = 0, used = 0;

	if (!d->fwd.enabled || !max)
		return 0;
	fwd_facts_from_event(ev, &f);
	enum fwd_class cls = fwd_classify(&d->fwd, &f);
	if (cls == FWD_NONE || d->fwd.action[cls] == FWD_ACT_NONE)
		return 0;
	if (cls == FWD_EPOW) {
		char *socks[FWD_MAX_SOCKETS * 4];
		size_t ns = expand_sockets(&d->fwd, socks, sizeof(socks) / sizeof(socks[0]));
		for (size_t i = 0; i < ns; i++) {
			int l = snprintf(buf + used, buflen - used, "qmp:%s:%s",
					 fwd_class_name(cls), socks[i]);
			if (n < max && l > 0 && (size_t)l < buflen - used && l < 256) {
				targets[n++] = buf + used;
				used += (size_t)l + 1;
			}
			free(socks[i]);
		}
		return n;
	}
	int l = snprintf(buf, buflen, "qmp:%s:@%s", fwd_class_name(cls), f.guest);
	if (l > 0 && (size_t)l < buflen && l < 256)
		targets[n++] = buf;
	return n;
}

/* ---- jobs --------------------------------------------------------------------------- */

static void arm_timer(void)
{
	uint64_t next = 0, now = time_mono_ns();

	for (int i = 0; i < FWD_MAX_JOBS; i++)
		if (fw.jobs[i].used && fw.jobs[i].deadline_ns &&
		    (!next || fw.jobs[i].deadline_ns < next))
			next = fw.jobs[i].deadline_ns;
	if (fw.timer >= 0)
		loop_timer_set(fw.d->loop, fw.timer,
			       next ? (int64_t)((next > now ? next - now : 0) / 1000) + 1 : -1, 0);
}

static void set_deadline(struct job *j, int64_t us)
{
	j->deadline_ns = time_mono_ns() + (uint64_t)us * 1000;
	arm_timer();
}

static unsigned gen_counter;

static void job_free(struct job *j)
{
	if (j->c.fd >= 0)
		loop_del_fd(fw.d->loop, j->c.fd);
	qmp_conn_close(&j->c);
	for (size_t i = 0; i < j->n_socks; i++)
		free(j->socks[i]);
	free(j->socks);
	free(j->ids);
	memset(j, 0, sizeof(*j));
	j->c.fd = -1;
	j->gen = ++gen_counter;
}

static void finish(struct job *j, const char *result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(struct job *j, const char *result, const char *fmt, ...)
{
	struct daemon *d = fw.d;
	struct ras_err e;
	bool ok = !strcmp(result, "ok") || !strcmp(result, "recorded");
	int64_t now = time_now_us();

	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(j->error, sizeof(j->error), fmt, ap);
		va_end(ap);
	}
	struct guest_forward_record rec = {
		.event_id = j->event_id,
		.target = j->target,
		.cls = fwd_class_name(j->cls),
		.action = fwd_action_name(j->act),
		.socket = j->sock[0] ? j->sock : NULL,
		.guest = j->guest[0] ? j->guest : (j->want_guest[0] ? j->want_guest : NULL),
		.device = j->device[0] ? j->device : NULL,
		.attempt = j->attempt,
		.started_us = j->started_us,
		.latency_us = (int64_t)((time_mono_ns() - j->t0_ns) / 1000),
		.result = result,
		.error = j->error[0] ? j->error : NULL,
	};
	const char *st = ok ? "done" : j->attempt > d->fwd.retries ? "failed" : "pending";
	int sh = j->attempt - 1 < 20 ? j->attempt - 1 : 20;
	int64_t next = ok ? 0 : now + (d->fwd.retry_backoff_us << sh);
	if (daemon_begin_own(d, &e) == 0) {
		if (store_guest_forward_add(d->store, &rec, &e) ||
		    store_outbox_set(d->store, j->row, st, j->attempt, next, &e)) {
			store_rollback(d->store);
			log_err("forward=%s event=record_failed error=\"%s\"", j->target, e.msg);
		} else if (store_commit(d->store, &e)) {
			log_err("forward=%s event=record_failed error=\"%s\"", j->target, e.msg);
		}
	} else {
		log_err("forward=%s event=record_failed error=\"%s\"", j->target, e.msg);
	}
	log_info("forward=%s event_id=%" PRId64 " guest=%s action=%s result=%s attempt=%d "
		 "latency_ms=%" PRId64 "%s%s%s",
		 j->target, j->event_id, rec.guest ? rec.guest : "-", rec.action, result,
		 j->attempt, rec.latency_us / 1000, j->error[0] ? " error=\"" : "", j->error,
		 j->error[0] ? "\"" : "");
	job_free(j);
	arm_timer();
	outbox_kick(d);
	daemon_kick(d);
}

static void on_io(struct loop *l, int fd, uint32_t events, void *arg);
static void try_next_socket(struct job *j);

static void send_cmd(struct job *j, enum step st, const char *cmd, json_t *args, int64_t tmo)
{
	struct ras_err e;
	int rc = qmp_conn_send(&j->c, cmd, args, &e);

	json_decref(args);
	if (rc) {
		finish(j, "failed", "%s", e.msg);
		return;
	}
	j->st = st;
	set_deadline(j, tmo);
}

/* This socket is no good for the job (unreachable, not the guest, hung during the
 * handshake): note why and try the next candidate. */
static void socket_failed(struct job *j, const char *result, const char *msg)
{
	if (j->c.fd >= 0)
		loop_del_fd(fw.d->loop, j->c.fd);
	qmp_conn_close(&j->c);
	snprintf(j->result, sizeof(j->result), "%s", result);
	snprintf(j->error, sizeof(j->error), "%s: %s", j->sock, msg);
	j->si++;
	try_next_socket(j);
}

static void try_next_socket(struct job *j)
{
	struct ras_err e;

	while (j->si < j->n_socks) {
		snprintf(j->sock, sizeof(j->sock), "%s", j->socks[j->si]);
		j->guest[0] = 0;
		j->gen = ++gen_counter;
		if (qmp_conn_connect(&j->c, j->sock, &e) == 0) {
			if (loop_add_fd(fw.d->loop, j->c.fd, EPOLLIN, on_io, j) == 0) {
				j->st = ST_GREETING;
				set_deadline(j, fw.d->fwd.timeout_us);
				return;
			}
			qmp_conn_close(&j->c);
			snprintf(e.msg, sizeof(e.msg), "no room in the event loop");
		}
		snprintf(j->result, sizeof(j->result), "unreachable");
		snprintf(j->error, sizeof(j->error), "%s", e.msg);
		j->si++;
	}
	if (j->want_guest[0]) {
		/* The guest is gone (or never had a socket we can reach): say what the
		 * sockets said, the last one's error included. */
		char last[200];
		snprintf(last, sizeof(last), "%s", j->error);
		j->sock[0] = 0;
		j->guest[0] = 0;
		finish(j, "no-guest",
		       "no configured QMP socket answers for guest %s (%zu tried%s%s)",
		       j->want_guest, j->n_socks, last[0] ? "; last: " : "", last);
		return;
	}
	finish(j, j->result[0] ? j->result : "unreachable", NULL);
}

static void collect_ids(struct job *j, const json_t *devices)
{
	size_t i;
	json_t *dev;

	json_array_foreach(devices, i, dev)
	{
		const char *id = json_string_value(json_object_get(dev, "qdev_id"));
		if (id && *id && j->n_ids < FWD_MAX_IDS)
			snprintf(j->ids[j->n_ids++], 64, "%s", id);
		json_t *br = json_object_get(dev, "pci_bridge");
		if (json_is_object(br))
			collect_ids(j, json_object_get(br, "devices"));
	}
}

/* The host address as QEMU's vfio-pci "host" property shows it may omit the domain. */
static bool same_host(const char *qemu, const char *host)
{
	if (!strcasecmp(qemu, host))
		return true;
	return !strncmp(host, "0000:", 5) && !strcasecmp(qemu, host + 5);
}

static void qom_next(struct job *j)
{
	while (j->ii < j->n_ids) {
		char path[128];
		snprintf(path, sizeof(path), "/machine/peripheral/%s", j->ids[j->ii]);
		send_cmd(j, ST_QOM_HOST, "qom-get",
			 json_pack("{s:s, s:s}", "path", path, "property", "host"),
			 fw.d->fwd.timeout_us);
		return;
	}
	finish(j, "no-device",
	       "no device of guest %s is host %s (query-pci found %zu; set "
	       "forward.devices for devices without a vfio-pci host property)",
	       j->guest, j->bdf, j->n_ids);
}

static void device_del(struct job *j, const char *id)
{
	snprintf(j->device, sizeof(j->device), "%s", id);
	send_cmd(j, ST_DEVICE_DEL, "device_del", json_pack("{s:s}", "id", id),
		 fw.d->fwd.timeout_us);
}

static void on_reply(struct job *j, const struct qmp_msg *m)
{
	const struct fwd_config *c = &fw.d->fwd;
	bool err = m->type == QMP_MSG_ERROR;
	char desc[200];

	if (err)
		snprintf(desc, sizeof(desc), "%s: %s: %s", step_names[j->st], m->err_class,
			 m->err_desc);
	switch (j->st) {
	case ST_CAPS:
		if (err) {
			socket_failed(j, "failed", desc);
			return;
		}
		send_cmd(j, ST_NAME, "query-name", NULL, c->timeout_us);
		return;
	case ST_NAME: {
		const char *name = err ? NULL : json_string_value(json_object_get(m->ret, "name"));
		snprintf(j->guest, sizeof(j->guest), "%s", name ? name : "");
		if (j->want_guest[0] && strcmp(j->guest, j->want_guest)) {
			socket_failed(j, "no-guest", "another guest");
			return;
		}
		j->error[0] = 0; /* this is the guest: what other sockets said is moot */
		if (j->act == FWD_ACT_POWERDOWN)
			send_cmd(j, ST_POWERDOWN, "system_powerdown", NULL, c->timeout_us);
		else
			send_cmd(j, ST_QUERY_PCI, "query-pci", NULL, c->timeout_us);
		return;
	}
	case ST_POWERDOWN:
		if (err)
			finish(j, "failed", "%s", desc);
		else
			finish(j, "ok", NULL);
		return;
	case ST_QUERY_PCI: {
		size_t i;
		json_t *bus;
		if (err || !json_is_array(m->ret)) {
			finish(j, "failed", "%s", err ? desc : "query-pci: not a list");
			return;
		}
		j->ids = calloc(FWD_MAX_IDS, sizeof(*j->ids));
		if (!j->ids) {
			finish(j, "failed", "out of memory");
			return;
		}
		json_array_foreach(m->ret, i, bus) collect_ids(j, json_object_get(bus, "devices"));
		const char *want = fwd_device_for(c, j->bdf);
		if (want) {
			for (size_t k = 0; k < j->n_ids; k++)
				if (!strcmp(j->ids[k], want)) {
					device_del(j, want);
					return;
				}
			finish(j, "no-device", "guest %s has no device %s (configured for %s)",
			       j->guest, want, j->bdf);
			return;
		}
		j->ii = 0;
		qom_next(j);
		return;
	}
	case ST_QOM_HOST: {
		const char *h = err ? NULL : json_string_value(m->ret);
		if (h && same_host(h, j->bdf)) {
			device_del(j, j->ids[j->ii]);
			return;
		}
		j->ii++;
		qom_next(j);
		return;
	}
	case ST_DEVICE_DEL:
		if (err) {
			finish(j, "failed", "%s", desc);
			return;
		}
		if (j->deleted) {
			finish(j, "ok", NULL);
			return;
		}
		j->st = ST_WAIT_DELETED;
		set_deadline(j, c->device_del_timeout_us);
		return;
	default:
		return;
	}
}

static void on_msg(struct job *j, const struct qmp_msg *m)
{
	switch (m->type) {
	case QMP_MSG_GREETING:
		if (j->st == ST_GREETING)
			send_cmd(j, ST_CAPS, "qmp_capabilities", NULL, fw.d->fwd.timeout_us);
		return;
	case QMP_MSG_EVENT:
		/* Events interleave with replies (POWERDOWN and DEVICE_DELETED can come before
		 * the command's return). DEVICE_DELETED comes twice: for the virtio backend
		 * child (no "device") and for the device itself. */
		if (!strcmp(m->event, "DEVICE_DELETED") && j->device[0]) {
			const char *dev = json_string_value(json_object_get(m->data, "device"));
			if (dev && !strcmp(dev, j->device)) {
				j->deleted = true;
				if (j->st == ST_WAIT_DELETED)
					finish(j, "ok", NULL);
			}
		}
		return;
	case QMP_MSG_RETURN:
	case QMP_MSG_ERROR:
		if (j->st == ST_GREETING || strcmp(m->id, j->c.sent_id))
			return; /* not the reply we wait for */
		on_reply(j, m);
		return;
	}
}

static void on_io(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct job *j = arg;
	struct ras_err e;
	int rc;

	(void)l;
	(void)fd;
	(void)events;
	rc = qmp_conn_read(&j->c, &e);
	for (;;) {
		struct qmp_msg m;
		int k = qmp_conn_next(&j->c, &m, &e);
		if (k == 0)
			break;
		if (k < 0) {
			rc = k;
			break;
		}
		unsigned gen = j->gen;
		on_msg(j, &m);
		qmp_msg_free(&m);
		/* The job finished (or moved to another socket): stop reading this one. */
		if (j->gen != gen)
			return;
	}
	if (rc) {
		if (j->st <= ST_NAME)
			socket_failed(j, "failed", e.msg);
		else
			finish(j, "failed", "%s (waiting for %s)", e.msg, step_names[j->st]);
	}
}

static void on_timer(struct loop *l, void *arg)
{
	uint64_t now = time_mono_ns();
	char msg[160];

	(void)l;
	(void)arg;
	for (int i = 0; i < FWD_MAX_JOBS; i++) {
		struct job *j = &fw.jobs[i];
		if (!j->used || !j->deadline_ns || j->deadline_ns > now)
			continue;
		j->deadline_ns = 0;
		snprintf(msg, sizeof(msg), "no answer to %s within %" PRId64 " ms",
			 step_names[j->st],
			 (j->st == ST_WAIT_DELETED ? fw.d->fwd.device_del_timeout_us
						   : fw.d->fwd.timeout_us) /
				 1000);
		if (j->st <= ST_NAME && j->si + 1 < j->n_socks)
			socket_failed(j, "timeout", msg);
		else
			finish(j, "timeout", "%s", msg);
	}
	arm_timer();
}

/* The event's host PCI address (attrs "bdf": the first of a comma-separated list). */
static void event_bdf(const struct stored_event *ev, char *out, size_t n)
{
	json_t *a = ev->attrs_json ? json_loads(ev->attrs_json, 0, NULL) : NULL;
	const char *b = json_string_value(json_object_get(a, "bdf"));

	out[0] = 0;
	if (b)
		snprintf(out, n, "%.*s", (int)strcspn(b, ","), b);
	json_decref(a);
}

static void start_job(struct daemon *d, struct job *j, const struct outbox_row *r)
{
	char cls[32];
	const char *dest;
	struct ras_err e;
	struct store_query *q;
	struct stored_event ev;

	memset(j, 0, sizeof(*j));
	qmp_conn_init(&j->c);
	j->used = true;
	j->row = r->id;
	j->event_id = r->event_id;
	j->attempt = r->attempts + 1;
	j->started_us = time_now_us();
	j->t0_ns = time_mono_ns();
	snprintf(j->target, sizeof(j->target), "%s", r->target);
	/* Running first: from here a crash means a retry, not a loss. */
	store_outbox_set(d->store, r->id, "running", r->attempts, r->next_us, NULL);
	dest = strchr(r->target + 4, ':');
	snprintf(cls, sizeof(cls), "%.*s", dest ? (int)(dest - r->target - 4) : 0, r->target + 4);
	j->cls = fwd_class_parse(cls);
	j->act = j->cls != FWD_NONE ? d->fwd.action[j->cls] : FWD_ACT_NONE;
	if (!dest || j->cls == FWD_NONE || (dest[1] != '/' && dest[1] != '@')) {
		finish(j, "failed", "bad forward target \"%s\"", r->target);
		return;
	}
	dest++;
	if (*dest == '@')
		snprintf(j->want_guest, sizeof(j->want_guest), "%s", dest + 1);
	if (store_get_event(d->store, r->event_id, &q, &ev, &e) == 0) {
		event_bdf(&ev, j->bdf, sizeof(j->bdf));
		store_query_end(q);
	}
	if (j->act == FWD_ACT_NONE || j->act == FWD_ACT_RECORD) {
		if (*dest == '/')
			snprintf(j->sock, sizeof(j->sock), "%s", dest);
		finish(j, "recorded", NULL);
		return;
	}
	if (j->act == FWD_ACT_DEVICE_DEL && !j->bdf[0]) {
		finish(j, "no-device", "the event names no host PCI device");
		return;
	}
	if (*dest == '/') {
		j->socks = calloc(1, sizeof(*j->socks));
		if (j->socks && (j->socks[0] = strdup(dest)))
			j->n_socks = 1;
	} else {
		j->socks = calloc(FWD_MAX_SOCKETS * 4, sizeof(*j->socks));
		if (j->socks)
			j->n_socks = expand_sockets(&d->fwd, j->socks, FWD_MAX_SOCKETS * 4);
	}
	try_next_socket(j);
}

static bool socket_busy(const char *target)
{
	const char *dest = strchr(target + 4, ':');

	if (!dest || dest[1] != '/')
		return false;
	for (int i = 0; i < FWD_MAX_JOBS; i++)
		if (fw.jobs[i].used && !strcmp(fw.jobs[i].sock, dest + 1))
			return true;
	return false;
}

void forward_work(struct daemon *d, const struct outbox_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct outbox_row *r = &rows[i];
		struct job *j = NULL;

		if (strncmp(r->target, "qmp:", 4))
			continue;
		if (!d->fwd.enabled) {
			/* Forwarding was switched off: the delivery cannot happen. */
			store_outbox_set(d->store, r->id, "failed", r->attempts, 0, NULL);
			continue;
		}
		/* QEMU serves one QMP client at a time: one job per socket. A row that must
		 * wait is put off a little (a due row would wake the outbox at once, again and
		 * again, while the other job runs). */
		for (int k = 0; k < FWD_MAX_JOBS && !j && !socket_busy(r->target); k++)
			if (!fw.jobs[k].used)
				j = &fw.jobs[k];
		if (!j) {
			store_outbox_set(d->store, r->id, "pending", r->attempts,
					 time_now_us() + FWD_WAIT_US, NULL);
			continue;
		}
		start_job(d, j, r);
	}
}

void forward_start(struct daemon *d)
{
	struct ras_err e;

	fw.d = d;
	if (fwd_config_load(d->cfg.doc ? ydoc_get(d->cfg.doc, "forward") : NULL, &d->fwd, &e)) {
		log_err("event=bad_forward error=\"%s\" action=\"no events will be forwarded\"",
			e.msg);
		fwd_config_load(NULL, &d->fwd, &e);
	}
	for (int i = 0; i < FWD_MAX_JOBS; i++)
		fw.jobs[i].c.fd = -1;
	if (fw.timer < 0)
		fw.timer = loop_timer_add(d->loop, -1, 0, on_timer, d);
	if (d->fwd.enabled)
		log_info("event=forward_enabled sockets=%zu", d->fwd.n_qmp);
}

void forward_stop(struct daemon *d)
{
	(void)d;
	for (int i = 0; i < FWD_MAX_JOBS; i++)
		if (fw.jobs[i].used)
			job_free(&fw.jobs[i]);
	arm_timer();
}

void forward_status(struct daemon *d, struct json_writer *w)
{
	int running = 0;

	for (int i = 0; i < FWD_MAX_JOBS; i++)
		running += fw.jobs[i].used;
	json_key(w, "forward");
	json_obj_begin(w);
	json_kbool(w, "enabled", d->fwd.enabled);
	json_kuint(w, "sockets", d->fwd.n_qmp);
	json_kint(w, "running", running);
	json_obj_end(w);
}
