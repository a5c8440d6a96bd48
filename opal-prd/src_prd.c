/*
 * src_prd.c - the PRD source: the /dev/opal-prd channel (skiboot opal-prd protocol,
 * opal-sysfs-and-prd.md §4-5) on a character device or opal-sim's socket.
 *
 * Start: open the channel (exclusive: EBUSY means another PRD daemon has it; we log
 * once and run without it, never retrying for it), GET_INFO (kernel interface version
 * 1), write INIT with the ipoll mask. Every message read is decoded by the errlog
 * codec (errlog/prd_msg.h) and stored as an event: prd-* kinds, a firmware ERROR_LOG
 * as a "pel" event, anything malformed as prd-protocol-error. The runtime (HBRT
 * boundary, prd_runtime.h) handles each message; replies go out only after the
 * record is committed: ATTN_ACK (unless prd.mask_attentions), FSP_OCC_RESET_STATUS,
 * FSP_OCC_LOAD_START_STATUS. If the commit is rolled back, the message is kept and
 * offered again on resume (same dedupe key), so no acknowledged attention is ever
 * missing from the database. Stop closes the channel: the kernel sends FINI.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "common/log.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/pel_event.h"
#include "errlog/prd_msg.h"
#include "errlog/yaml_doc.h"
#include "opal-prd/prd_runtime.h"
#include "opal-prd/prd_transport.h"
#include "opal-prd/sources.h"

#define PRD_DEV "dev/opal-prd"

/* A message waiting for its commit (and re-offered if the commit failed). */
struct held {
	uint8_t *raw;
	size_t len, real_len;
	uint64_t seq;
	int64_t time_us;
};

struct prd_src {
	struct source *src;
	struct prd_transport t;
	bool open;
	bool mask_attentions;
	uint64_t ipoll;
	const struct prd_runtime *rt;
	uint8_t *buf;
	char instance[32];
	uint64_t seq;
	struct held *retry;
	size_t n_retry, cap_retry;
	struct prd_event_buf eb;
	struct pel_event pe;
	struct pel *scratch;
	uint64_t attn_acked, protocol_errors;
	char path[4200];
};

static struct prd_src prd;

static int send_msg(const struct prd_msg *m)
{
	uint8_t b[PRD_MSG_FIXED_SIZE];
	size_t n;
	struct ras_err e;
	char d[160];
	int rc;

	if (!prd.open)
		return -ENOTCONN;
	rc = prd_msg_encode(m, b, sizeof(b), &n, &e);
	if (rc)
		return rc;
	rc = prd.t.ops->write(&prd.t, b, n);
	prd_msg_describe(m, d, sizeof(d));
	if (rc)
		log_warn("source=prd event=write_failed msg=\"%s\" error=\"%s\"", d, strerror(-rc));
	else
		log_debug("source=prd event=sent msg=\"%s\"", d);
	return rc;
}

/* After the commit: send the reply the protocol asks for, or keep the message. */
static void after_commit(struct daemon *d, void *arg, bool ok)
{
	struct held *h = arg;
	struct prd_msg m, r = { 0 };

	(void)d;
	if (!ok) {
		if (prd.n_retry == prd.cap_retry) {
			size_t nc = prd.cap_retry ? prd.cap_retry * 2 : 16;
			struct held *nr = realloc(prd.retry, nc * sizeof(*nr));
			if (!nr) {
				free(h->raw);
				free(h);
				return;
			}
			prd.retry = nr;
			prd.cap_retry = nc;
		}
		prd.retry[prd.n_retry++] = *h;
		free(h);
		return;
	}
	if (prd_msg_decode(h->raw, h->len, &m, NULL) == 0) {
		switch (m.type) {
		case PRD_MSG_ATTN:
			if (prd.mask_attentions ||
			    prd.rt->handle_attns(m.attn.proc, m.attn.ipoll_status,
						 m.attn.ipoll_mask))
				break;
			r.type = PRD_MSG_ATTN_ACK;
			r.attn_ack.proc = m.attn.proc;
			r.attn_ack.ipoll_ack = m.attn.ipoll_status;
			if (send_msg(&r) == 0) {
				prd.src->acked++;
				prd.attn_acked++;
			}
			break;
		case PRD_MSG_FSP_OCC_RESET:
		case PRD_MSG_FSP_OCC_LOAD_START:
			r.type = m.type == PRD_MSG_FSP_OCC_RESET
					 ? PRD_MSG_FSP_OCC_RESET_STATUS
					 : PRD_MSG_FSP_OCC_LOAD_START_STATUS;
			r.occ_status.chip = m.chip.chip;
			r.occ_status.status = m.type == PRD_MSG_FSP_OCC_RESET
						      ? prd.rt->fsp_occ_reset(m.chip.chip)
						      : prd.rt->fsp_occ_load_start(m.chip.chip);
			if (send_msg(&r) == 0)
				prd.src->acked++;
			break;
		default:
			break;
		}
	}
	free(h->raw);
	free(h);
}

/* The runtime's verdict for messages handled before storing (recorded in the event). */
static int run_runtime(const struct prd_msg *m)
{
	switch (m->type) {
	case PRD_MSG_OCC_ERROR:
		return prd.rt->process_occ_error(m->chip.chip);
	case PRD_MSG_OCC_RESET:
		return prd.rt->process_occ_reset(m->chip.chip);
	case PRD_MSG_SBE_PASSTHROUGH:
		return prd.rt->sbe_message_passing(m->chip.chip);
	case PRD_MSG_FIRMWARE_NOTIFY:
		return prd.rt->firmware_notify(m->fw.data, m->fw.len);
	default:
		return 0;
	}
}

/* Build the event for h (a protocol-error event when it does not decode). */
static void build_event(const struct held *h, struct ras_event **out)
{
	struct prd_msg m;
	struct ras_err e;
	char id[64];
	int rc;

	snprintf(id, sizeof(id), "%s:%" PRIu64, prd.instance, h->seq);
	if (h->real_len > PRD_MSG_MAX_SIZE) {
		snprintf(e.msg, sizeof(e.msg), "message of %zu bytes exceeds the 64 KiB limit",
			 h->real_len);
		rc = -EMSGSIZE;
	} else {
		rc = prd_msg_decode(h->raw, h->len, &m, &e);
	}
	if (rc == 0 &&
	    (m.type == PRD_MSG_INIT || m.type == PRD_MSG_FINI || m.type == PRD_MSG_ATTN_ACK ||
	     m.type == PRD_MSG_OCC_RESET_NOTIFY || m.type == PRD_MSG_FIRMWARE_REQUEST ||
	     m.type == PRD_MSG_FSP_OCC_RESET_STATUS || m.type == PRD_MSG_CORE_SPECIAL_WAKEUP ||
	     m.type == PRD_MSG_FSP_OCC_LOAD_START_STATUS)) {
		snprintf(e.msg, sizeof(e.msg), "%s is a host-to-OPAL message, received from OPAL",
			 prd_msg_type_name(m.type));
		rc = -EPROTO;
	}
	if (rc) {
		prd.protocol_errors++;
		prd_protocol_error_event(h->raw, h->len, h->real_len, e.msg, h->time_us, id,
					 &prd.eb, &prd.pe.ev);
		*out = &prd.pe.ev;
		return;
	}
	if (m.type == PRD_MSG_FIRMWARE_NOTIFY) {
		struct prd_fw_msg f;
		if (prd_fw_msg_decode(m.fw.data, m.fw.len, &f, NULL) == 0 &&
		    f.type == PRD_FW_ERROR_LOG) {
			/* The PEL itself: the same event an elog delivery would give. */
			pel_event_from_bytes(&prd.pe, prd.scratch, f.errlog.data, f.errlog.size,
					     "prd");
			if (prd.pe.ev.n_attrs < PEL_EVENT_MAX_ATTRS) {
				int i = (int)prd.pe.ev.n_attrs++;
				snprintf(prd.pe.attr_val[i], sizeof(prd.pe.attr_val[i]), "0x%08x",
					 f.errlog.plid);
				prd.pe.attrs[i].name = "prd_plid";
				prd.pe.attrs[i].value = prd.pe.attr_val[i];
				prd.pe.ev.attrs = prd.pe.attrs;
			}
			prd.rt->firmware_notify(m.fw.data, m.fw.len);
			*out = &prd.pe.ev;
			return;
		}
	}
	rc = run_runtime(&m);
	prd_msg_to_event(&m, h->raw, h->len, h->time_us, id, &prd.eb, &prd.pe.ev);
	if (m.type == PRD_MSG_ATTN && prd.mask_attentions)
		prd_event_add_attr(&prd.eb, &prd.pe.ev, "acknowledged", "no (prd.mask_attentions)");
	if (rc)
		prd_event_add_attr(&prd.eb, &prd.pe.ev, "runtime_rc", "%d", rc);
	prd_event_add_attr(&prd.eb, &prd.pe.ev, "runtime", "%s", prd.rt->name);
	*out = &prd.pe.ev;
}

/* Append h (owned: given to the after-commit action). 0 or the store's error. */
static int offer(struct daemon *d, struct held *h)
{
	struct ras_event *ev;
	bool is_new;
	int rc;

	build_event(h, &ev);
	prd.src->seen++;
	rc = daemon_append(d, ev, &is_new, after_commit, h);
	if (rc) {
		after_commit(d, h, false); /* keep it for resume */
		return rc;
	}
	if (is_new)
		prd.src->stored++;
	else
		prd.src->dups++;
	prd.src->last_us = time_now_us();
	return 0;
}

static void close_channel(struct daemon *d)
{
	if (!prd.open)
		return;
	loop_del_fd(d->loop, prd.t.fd);
	prd_transport_close(&prd.t);
	prd.open = false;
}

static void on_readable(struct loop *l, int fd, uint32_t events, void *arg)
{
	struct daemon *d = arg;
	int64_t n_read = 0;

	(void)l;
	(void)fd;
	while (prd.open && daemon_can_ingest(d) && n_read < d->cfg.batch_max) {
		size_t real = 0;
		ssize_t n = prd.t.ops->read(&prd.t, prd.buf, PRD_READ_MAX, &real);
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			log_warn("source=prd event=closed path=%s error=\"%s\"", prd.path,
				 strerror((int)-n));
			close_channel(d);
			break;
		}
		n_read++;
		struct held *h = malloc(sizeof(*h));
		if (h)
			h->raw = malloc(n ? (size_t)n : 1);
		if (!h || !h->raw) {
			free(h);
			prd.src->errors++;
			continue;
		}
		memcpy(h->raw, prd.buf, (size_t)n);
		h->len = (size_t)n;
		h->real_len = real;
		h->seq = ++prd.seq;
		h->time_us = time_now_us();
		if (offer(d, h))
			return;
		if (daemon_batch_full(d))
			daemon_commit(d);
	}
	if (events & (EPOLLHUP | EPOLLERR) && prd.open && daemon_can_ingest(d)) {
		log_warn("source=prd event=closed path=%s", prd.path);
		close_channel(d);
	}
}

static void read_config(struct daemon *d)
{
	struct ras_err e;

	prd.mask_attentions = false;
	prd.ipoll = PRD_DEFAULT_IPOLL_MASK;
	const struct ydoc_node *map = ydoc_get(d->cfg.doc, "prd");
	for (size_t i = 0; map && map->type == YDOC_MAP && i + 1 < map->n; i += 2) {
		const char *k = map->kids[i]->scalar ? map->kids[i]->scalar : "";
		if (strcmp(k, "enabled") && strcmp(k, "mask_attentions") && strcmp(k, "ipoll_mask"))
			log_warn("source=prd event=bad_config line=%d error=\"unknown key prd.%s "
				 "(enabled, mask_attentions, ipoll_mask)\"",
				 map->kids[i]->line, k);
	}
	if (ydoc_bool(ydoc_path(d->cfg.doc, "prd.mask_attentions"), &prd.mask_attentions, &e))
		log_warn("source=prd event=bad_config error=\"%s\"", e.msg);
	const char *s = NULL;
	if (ydoc_str(ydoc_path(d->cfg.doc, "prd.ipoll_mask"), &s, &e) == 0 && s) {
		char *end;
		errno = 0;
		unsigned long long m = strtoull(s, &end, 0);
		if (errno || *end || end == s)
			log_warn("source=prd event=bad_config key=prd.ipoll_mask value=\"%s\"", s);
		else
			prd.ipoll = m;
	}
}

static int prd_start(struct daemon *d, struct source *s)
{
	struct opal_prd_info info;
	struct ras_err e;
	struct prd_msg init = { .type = PRD_MSG_INIT };
	int rc;

	prd.src = s;
	prd.rt = &prd_runtime_builtin;
	read_config(d);
	if (root_path(prd.path, sizeof(prd.path), d->root, PRD_DEV))
		return -ENAMETOOLONG;
	rc = prd_transport_open(&prd.t, prd.path, &e);
	if (rc == -EBUSY) {
		log_warn("source=prd event=busy path=%s action=\"running without the PRD channel: "
			 "another PRD daemon (skiboot opal-prd?) holds it\"",
			 prd.path);
		return rc;
	}
	if (rc) {
		log_info("source=prd event=not_available path=%s error=\"%s\"", prd.path, e.msg);
		return rc;
	}
	rc = prd.t.ops->get_info(&prd.t, &info);
	if (rc) {
		log_warn("source=prd event=get_info_failed error=\"%s\"", strerror(-rc));
		prd_transport_close(&prd.t);
		return rc;
	}
	if (info.version != PRD_KERNEL_VERSION)
		log_warn("source=prd event=kernel_version version=%" PRIu64 " expected=%d",
			 info.version, PRD_KERNEL_VERSION);
	prd.buf = malloc(PRD_READ_MAX);
	prd.scratch = malloc(sizeof(*prd.scratch));
	if (!prd.buf || !prd.scratch) {
		prd_transport_close(&prd.t);
		return -ENOMEM;
	}
	snprintf(prd.instance, sizeof(prd.instance), "%" PRId64, time_now_us());
	prd.open = true;
	rc = loop_add_fd(d->loop, prd.t.fd, EPOLLIN, on_readable, d);
	if (rc) {
		close_channel(d);
		return rc;
	}
	init.init.version = PRD_KERNEL_VERSION;
	init.init.ipoll = prd.ipoll;
	rc = send_msg(&init);
	if (rc) {
		close_channel(d);
		return rc;
	}
	log_info("source=prd event=init transport=%s ipoll=0x%016" PRIx64 " runtime=%s%s",
		 prd.t.ops->name, prd.ipoll, prd.rt->name,
		 prd.mask_attentions ? " attentions=masked" : "");
	s->running = true;
	return 0;
}

static void prd_stop(struct daemon *d, struct source *s)
{
	close_channel(d); /* the kernel sends FINI on close */
	for (size_t i = 0; i < prd.n_retry; i++)
		free(prd.retry[i].raw);
	free(prd.retry);
	free(prd.buf);
	free(prd.scratch);
	memset(&prd, 0, sizeof(prd));
	prd.t.fd = -1;
	s->running = false;
}

static void prd_resume(struct daemon *d, struct source *s)
{
	(void)s;
	daemon_kick(d);
}

/* Re-offer what a rolled-back commit did not store, then read more. */
static bool prd_poll(struct daemon *d, struct source *s)
{
	(void)s;
	while (prd.n_retry && daemon_can_ingest(d) && !daemon_batch_full(d)) {
		struct held *h = malloc(sizeof(*h));
		if (!h)
			break;
		*h = prd.retry[0];
		memmove(prd.retry, prd.retry + 1, (prd.n_retry - 1) * sizeof(*prd.retry));
		prd.n_retry--;
		if (offer(d, h))
			return false;
	}
	if (prd.open && daemon_can_ingest(d))
		on_readable(d->loop, prd.t.fd, 0, d);
	return prd.n_retry > 0 && daemon_can_ingest(d);
}

static void prd_status(struct daemon *d, struct source *s, struct json_writer *w)
{
	(void)d;
	(void)s;
	json_kstr(w, "path", prd.path);
	json_kbool(w, "channel_open", prd.open);
	json_kstr(w, "runtime", prd.rt ? prd.rt->name : "none");
	json_kbool(w, "mask_attentions", prd.mask_attentions);
	json_kuint(w, "attn_acked", prd.attn_acked);
	json_kuint(w, "protocol_errors", prd.protocol_errors);
	json_kuint(w, "write_errors", prd.t.write_errors);
	json_kuint(w, "held", prd.n_retry);
}

const struct source_ops src_prd_ops = {
	.name = "prd",
	.start = prd_start,
	.stop = prd_stop,
	.resume = prd_resume,
	.poll = prd_poll,
	.status = prd_status,
};

bool prd_source_enabled(const struct daemon *d)
{
	bool en = true;
	struct ras_err e;

	if (ydoc_bool(ydoc_path(d->cfg.doc, "prd.enabled"), &en, &e))
		log_warn("source=prd event=bad_config error=\"%s\"", e.msg);
	return en;
}

/* ---- control commands (opal-prd occ ..., pm-complex ...) ---- */

static bool is_fsp_system(const struct daemon *d)
{
	char p[4200];
	if (root_path(p, sizeof(p), d->root, "proc/device-tree/fsps") == 0 && access(p, F_OK) == 0)
		return true;
	return root_path(p, sizeof(p), d->root, "sys/firmware/devicetree/base/fsps") == 0 &&
	       access(p, F_OK) == 0;
}

static void answer(struct json_writer *w, const char *cmd, uint64_t chip, int rc, bool refused,
		   const char *msg)
{
	json_obj_begin(w);
	json_kstr(w, "command", cmd);
	json_kuint(w, "chip", chip);
	json_kint(w, "rc", rc);
	json_kstr(w, "result", refused ? "refused" : rc ? "failed" : "ok");
	if (msg)
		json_kstr(w, "message", msg);
	json_kstr(w, "runtime", prd.rt ? prd.rt->name : "none");
	json_obj_end(w);
}

int prd_control(struct daemon *d, const char *line, struct json_writer *w)
{
	char a[32] = "", b[32] = "", c[40] = "", extra[8] = "", cmd[80];
	uint64_t chip = 0;
	bool occ;
	int rc;
	char msg[200];

	int n = sscanf(line, "%31s %31s %39s %7s", a, b, c, extra);
	occ = !strcmp(a, "occ");
	if (n < 2 || n > 3 || (!occ && strcmp(a, "pm-complex")) ||
	    (occ && strcmp(b, "reset") && strcmp(b, "enable") && strcmp(b, "disable") &&
	     strcmp(b, "process-error")) ||
	    (!occ && strcmp(b, "reset"))) {
		answer(w, line, 0, -EINVAL, true,
		       "usage: occ reset|enable|disable|process-error [CHIP] | pm-complex reset "
		       "[CHIP]");
		return -EINVAL;
	}
	snprintf(cmd, sizeof(cmd), "%s %s", a, b);
	if (n == 3) {
		char *end;
		errno = 0;
		chip = strtoull(c, &end, 0);
		if (errno || *end || c[0] == '-') {
			answer(w, cmd, 0, -EINVAL, true, "CHIP must be a number (0x.. for hex)");
			return -EINVAL;
		}
	}
	bool fsp = is_fsp_system(d);
	if (occ && fsp) {
		answer(w, cmd, chip, -EPERM, true,
		       "refused: 'occ' commands are for BMC systems; on an FSP system use "
		       "'pm-complex reset'");
		return -EPERM;
	}
	if (!occ && !fsp) {
		answer(w, cmd, chip, -EPERM, true,
		       "refused: 'pm-complex' commands are for FSP systems; on a BMC system use "
		       "'occ reset'");
		return -EPERM;
	}
	if (!prd.src || !prd.src->running || !prd.open) {
		answer(w, cmd, chip, -ENOTCONN, false,
		       "the PRD channel is not open in this daemon (see opal-prd status)");
		return -ENOTCONN;
	}
	if (!strcmp(b, "reset")) {
		if (occ) {
			/* As skiboot: tell OPAL first so the host OCC driver expects the reset. */
			struct prd_msg nt = { .type = PRD_MSG_OCC_RESET_NOTIFY };
			rc = send_msg(&nt);
			if (rc) {
				answer(w, cmd, chip, rc, false,
				       "OCC_RESET_NOTIFY could not be sent");
				return rc;
			}
		}
		rc = prd.rt->pm_complex_reset(chip);
	} else if (!strcmp(b, "enable") || !strcmp(b, "disable")) {
		rc = prd.rt->enable_occ_actuation(!strcmp(b, "enable"));
	} else {
		rc = prd.rt->process_occ_error_cmd(chip);
	}
	if (rc == -EOPNOTSUPP)
		snprintf(msg, sizeof(msg),
			 "not supported by the %s runtime: this needs the Hostboot runtime (HBRT)",
			 prd.rt->name);
	else if (rc)
		snprintf(msg, sizeof(msg), "runtime returned %d", rc);
	else
		msg[0] = 0;

	/* The request and its outcome are recorded. */
	struct ras_event ev;
	char id[80];
	bool is_new;
	snprintf(id, sizeof(id), "%s:ctl%" PRIu64, prd.instance, ++prd.seq);
	memset(&ev, 0, sizeof(ev));
	snprintf(prd.eb.kind, sizeof(prd.eb.kind), "prd-control");
	snprintf(prd.eb.dedupe, sizeof(prd.eb.dedupe), "prd:%s", id);
	snprintf(prd.eb.summary, sizeof(prd.eb.summary), "control: %s chip %" PRIu64 ": %s", cmd,
		 chip, rc ? msg : "ok");
	ev.source = "prd";
	ev.kind = prd.eb.kind;
	ev.dedupe_key = prd.eb.dedupe;
	ev.time_us = time_now_us();
	ev.severity = rc ? RAS_SEV_WARNING : RAS_SEV_INFO;
	ev.source_severity = -1;
	ev.subsystem = "Processor Runtime Diagnostics";
	ev.summary = prd.eb.summary;
	prd_event_add_attr(&prd.eb, &ev, "command", "%s", cmd);
	prd_event_add_attr(&prd.eb, &ev, "chip", "%" PRIu64, chip);
	prd_event_add_attr(&prd.eb, &ev, "rc", "%d", rc);
	if (daemon_can_ingest(d) && daemon_append(d, &ev, &is_new, NULL, NULL) == 0)
		daemon_commit(d);
	answer(w, cmd, chip, rc, false, msg[0] ? msg : NULL);
	return rc;
}
