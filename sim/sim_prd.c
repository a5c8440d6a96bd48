/*
 * sim_prd.c - opal-sim's /dev/opal-prd: the PRD channel as a Unix SOCK_SEQPACKET
 * socket at ROOT/dev/opal-prd, served by `run` (packet protocol: opal-prd/
 * prd_transport.h, summarised here).
 *
 *   open       connect(); the first packet is "OPALSIM\0" + be32 op 1 (OPEN) + be32 rc:
 *              0, or EBUSY for a second opener while one holds the channel (then the
 *              server closes that connection) - the kernel's exclusive open.
 *   GET_INFO   the ioctl is a control packet (op 2); the reply carries be64 version 1.
 *   messages   one PRD message per packet (whole-message reads). Host->OPAL messages
 *              smaller than 32 bytes (but FINI) or malformed are rejected like OPAL does
 *              (the kernel's write would fail with EIO): an op 3 WRITE_ERR packet.
 *   INIT       marks PRD active; nothing is delivered before INIT or after FINI.
 *   close      is FINI (the kernel sends it on close); attentions delivered but not
 *              acknowledged stay pending and are delivered again after the next INIT
 *              (the hardware keeps them masked until ATTN_ACK, and INIT unmasks).
 *
 * `inject ROOT prd TYPE` writes the encoded message as a file in ROOT/.sim/prd/spool/
 * (works with or without `run`); `run` watches that directory, queues each file in
 * name order, removes it and delivers. Every message the daemon sends, every delivery
 * and every open/close is one line in ROOT/.sim/actions.log ("prd: ...").
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/fileio.h"
#include "common/path.h"
#include "common/timeutil.h"
#include "errlog/prd_msg.h"
#include "opal-prd/prd_transport.h"
#include "sim/sim.h"
#include "sim/sim_internal.h"

#define SPOOL	  ".sim/prd/spool"
#define MAX_PROCS 64

struct qmsg {
	uint8_t *b;
	size_t n;
};

static struct {
	struct sim_run *r;
	int lfd, cfd;
	bool active, want_out;
	struct qmsg *q;
	size_t qh, qn, qcap;
	/* ATTN delivered, not acked: status per proc (redelivered after the next INIT). */
	uint64_t attn_pending[MAX_PROCS];
	uint8_t buf[PRD_READ_MAX + 1];
} ps = { .lfd = -1, .cfd = -1 };

static const char prd_usage[] =
	"  inject ROOT prd TYPE [--chip N] [--status MASK] [FILE]\n"
	"                   a PRD message from OPAL; TYPE: attn, occ-error, occ-reset,\n"
	"                   firmware-notify, sbe-passthrough, fsp-occ-reset, fsp-occ-load-start,\n"
	"                   error-log FILE (a PEL in a FIRMWARE_NOTIFY), raw FILE (bytes as is)\n";

static int prd_init(const char *root, struct ras_err *e)
{
	char p[4200];
	if (root_path(p, sizeof(p), root, SPOOL) || mkdir_p(p, 0755))
		return ras_errf(e, -EIO, "%s: cannot create", p);
	return 0;
}

static int spool_write(const char *root, const uint8_t *b, size_t n, struct ras_err *e)
{
	char p[4200];
	int fd;

	if (prd_init(root, e))
		return -EIO;
	if (root_path(p, sizeof(p), root, SPOOL "/%020" PRIu64 "-%d.msg", (uint64_t)time_mono_ns(),
		      (int)getpid()))
		return ras_errf(e, -ENAMETOOLONG, "spool path too long");
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
	if (write_full(fd, b, n)) {
		close(fd);
		return ras_errf(e, -EIO, "%s: write failed", p);
	}
	close(fd);
	return 0;
}

static int prd_inject(const char *root, int argc, char **argv, struct ras_err *e)
{
	static const struct option lo[] = { { "chip", required_argument, NULL, 'c' },
					    { "status", required_argument, NULL, 's' },
					    { 0, 0, 0, 0 } };
	uint64_t chip = 0, status = 0x4000000000000000ull;
	struct prd_msg m = { 0 };
	static uint8_t out[PRD_MSG_MAX_SIZE + 1], inner[PRD_MSG_MAX_SIZE];
	uint8_t *file = NULL;
	size_t flen = 0, n = 0, il;
	int c, rc, trunc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'c' && !sim_opt_u64("--chip", optarg, &chip, e))
			continue;
		if (c == 's' && !sim_opt_u64("--status", optarg, &status, e))
			continue;
		if (c == '?')
			ras_errf(e, -EINVAL, "prd: unknown option\n%s", prd_usage);
		return -EINVAL;
	}
	if (optind >= argc)
		return ras_errf(e, -EINVAL, "prd: TYPE missing\n%s", prd_usage);
	const char *type = argv[optind];
	bool need_file = !strcmp(type, "error-log") || !strcmp(type, "raw");
	if (need_file) {
		if (optind + 1 >= argc)
			return ras_errf(e, -EINVAL, "prd %s: FILE missing", type);
		rc = file_read_all(argv[optind + 1], PRD_MSG_MAX_SIZE * 2, &file, &flen, &trunc, e);
		if (rc)
			return rc;
	} else if (optind + 1 < argc) {
		return ras_errf(e, -EINVAL, "prd %s: unexpected argument %s", type,
				argv[optind + 1]);
	}
	if (!strcmp(type, "raw")) {
		rc = spool_write(root, file, flen, e);
		free(file);
		return rc;
	}
	if (!strcmp(type, "error-log")) {
		struct prd_fw_msg f = { .type = PRD_FW_ERROR_LOG };
		f.errlog.plid = flen >= 12 ? be32(file + 8) : 0; /* PEL private header PLID... */
		f.errlog.size = (uint32_t)flen;
		f.errlog.data = file;
		rc = prd_fw_msg_encode(&f, inner, sizeof(inner), &il, e);
		if (rc) {
			free(file);
			return rc;
		}
		m.type = PRD_MSG_FIRMWARE_NOTIFY;
		m.fw.len = il;
		m.fw.data = inner;
	} else if (!strcmp(type, "firmware-notify")) {
		struct prd_fw_msg f = { .type = PRD_FW_FSP_HBRT };
		rc = prd_fw_msg_encode(&f, inner, sizeof(inner), &il, e);
		if (rc)
			return rc;
		m.type = PRD_MSG_FIRMWARE_NOTIFY;
		m.fw.len = il;
		m.fw.data = inner;
	} else {
		int t = prd_msg_type_parse(type);
		if (t != PRD_MSG_ATTN && t != PRD_MSG_OCC_ERROR && t != PRD_MSG_OCC_RESET &&
		    t != PRD_MSG_SBE_PASSTHROUGH && t != PRD_MSG_FSP_OCC_RESET &&
		    t != PRD_MSG_FSP_OCC_LOAD_START)
			return ras_errf(e, -EINVAL, "prd: unknown TYPE \"%s\"\n%s", type,
					prd_usage);
		m.type = (uint8_t)t;
		if (t == PRD_MSG_ATTN) {
			m.attn.proc = chip;
			m.attn.ipoll_status = status;
			m.attn.ipoll_mask = PRD_DEFAULT_IPOLL_MASK;
		} else {
			m.chip.chip = chip;
		}
	}
	rc = prd_msg_encode(&m, out, sizeof(out), &n, e);
	free(file);
	if (rc)
		return rc;
	return spool_write(root, out, n, e);
}

/* ---- run ---- */

static void describe_raw(const uint8_t *b, size_t n, char *d, size_t cap)
{
	struct prd_msg m;
	struct ras_err e;
	if (prd_msg_decode(b, n, &m, &e) == 0)
		prd_msg_describe(&m, d, cap);
	else
		snprintf(d, cap, "malformed %zu bytes (%s)", n, e.msg);
}

static void client_cb(struct sim_run *r, int fd, uint32_t events, void *arg);

static void set_out(bool want)
{
	if (ps.cfd < 0 || want == ps.want_out)
		return;
	sim_run_del_fd(ps.r, ps.cfd);
	sim_run_add_fd(ps.r, ps.cfd, EPOLLIN | (want ? EPOLLOUT : 0), client_cb, NULL);
	ps.want_out = want;
}

static void enqueue(const uint8_t *b, size_t n)
{
	if (ps.qn == ps.qcap) {
		size_t nc = ps.qcap ? ps.qcap * 2 : 64;
		struct qmsg *nq = malloc(nc * sizeof(*nq));
		if (!nq)
			return;
		for (size_t i = 0; i < ps.qn; i++)
			nq[i] = ps.q[(ps.qh + i) % ps.qcap];
		free(ps.q);
		ps.q = nq;
		ps.qh = 0;
		ps.qcap = nc;
	}
	uint8_t *c = malloc(n ? n : 1);
	if (!c)
		return;
	memcpy(c, b, n);
	ps.q[(ps.qh + ps.qn) % ps.qcap] = (struct qmsg){ c, n };
	ps.qn++;
}

static void deliver(void)
{
	char d[300];

	while (ps.active && ps.cfd >= 0 && ps.qn) {
		struct qmsg *m = &ps.q[ps.qh];
		if (send(ps.cfd, m->b, m->n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			if (errno == EAGAIN || errno == ENOBUFS) {
				set_out(true);
				return;
			}
			break;
		}
		describe_raw(m->b, m->n, d, sizeof(d));
		sim_run_log(ps.r, "prd: opal->host %s", d);
		if (m->n >= 32 && m->b[0] == PRD_MSG_ATTN && be64(m->b + 8) < MAX_PROCS)
			ps.attn_pending[be64(m->b + 8)] = be64(m->b + 16);
		free(m->b);
		ps.qh = (ps.qh + 1) % ps.qcap;
		ps.qn--;
	}
	set_out(false);
}

static void ctl_send(int fd, uint32_t op, uint32_t rc, const uint8_t *extra, size_t n)
{
	uint8_t b[PRD_SIM_HDR + 32] = PRD_SIM_MAGIC;
	put_be32(b + 8, op);
	put_be32(b + 12, rc);
	if (n)
		memcpy(b + PRD_SIM_HDR, extra, n);
	send(fd, b, PRD_SIM_HDR + n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void redeliver_attns(void)
{
	for (int p = 0; p < MAX_PROCS; p++) {
		if (!ps.attn_pending[p])
			continue;
		struct prd_msg m = { .type = PRD_MSG_ATTN };
		uint8_t b[32];
		size_t n;
		m.attn.proc = (uint64_t)p;
		m.attn.ipoll_status = ps.attn_pending[p];
		m.attn.ipoll_mask = PRD_DEFAULT_IPOLL_MASK;
		ps.attn_pending[p] = 0;
		if (prd_msg_encode(&m, b, sizeof(b), &n, NULL) == 0)
			enqueue(b, n);
	}
}

static void client_close(const char *why)
{
	sim_run_del_fd(ps.r, ps.cfd);
	close(ps.cfd);
	ps.cfd = -1;
	ps.want_out = false;
	ps.active = false;
	sim_run_log(ps.r, "prd: host->opal FINI (kernel, on close: %s)", why);
	redeliver_attns();
}

static void handle_host_msg(const uint8_t *b, size_t n, size_t real)
{
	struct prd_msg m;
	struct ras_err e;
	char d[300];

	if (real > n || prd_msg_decode(b, n, &m, &e)) {
		sim_run_log(ps.r, "prd: host->opal rejected (%s)", real > n ? "oversized" : e.msg);
		uint8_t x[2] = { n ? b[0] : 0, 0 };
		ctl_send(ps.cfd, PRD_SIM_WRITE_ERR, EIO, x, 2);
		return;
	}
	prd_msg_describe(&m, d, sizeof(d));
	if (m.type != PRD_MSG_FINI && m.size < PRD_MSG_FIXED_SIZE) {
		sim_run_log(ps.r, "prd: host->opal rejected %s (size %u < 32)", d, m.size);
		uint8_t x[2] = { m.type, 0 };
		ctl_send(ps.cfd, PRD_SIM_WRITE_ERR, EIO, x, 2);
		return;
	}
	sim_run_log(ps.r, "prd: host->opal %s", d);
	switch (m.type) {
	case PRD_MSG_INIT:
		ps.active = true;
		break;
	case PRD_MSG_FINI:
		ps.active = false;
		redeliver_attns();
		break;
	case PRD_MSG_ATTN_ACK:
		if (m.attn_ack.proc < MAX_PROCS)
			ps.attn_pending[m.attn_ack.proc] &= ~m.attn_ack.ipoll_ack;
		break;
	case PRD_MSG_FIRMWARE_REQUEST: {
		/* OPAL: NOP -> RESP_NOP, ERROR_LOG -> RESP_GENERIC(0), others -ENOSYS. */
		struct prd_fw_msg f, rf = { .type = PRD_FW_RESP_GENERIC };
		uint8_t inner[16], out[64];
		size_t il, ol;
		struct prd_msg resp = { .type = PRD_MSG_FIRMWARE_RESPONSE };
		if (prd_fw_msg_decode(m.fw_req.data, m.fw_req.req_len, &f, NULL) == 0 &&
		    f.type == PRD_FW_REQ_NOP)
			rf.type = PRD_FW_RESP_NOP;
		else if (f.type != PRD_FW_ERROR_LOG)
			rf.generic.status = -ENOSYS;
		if (prd_fw_msg_encode(&rf, inner, sizeof(inner), &il, NULL) == 0) {
			resp.fw.len = il;
			resp.fw.data = inner;
			if (prd_msg_encode(&resp, out, sizeof(out), &ol, NULL) == 0)
				enqueue(out, ol);
		}
		break;
	}
	default:
		break;
	}
	deliver();
}

static void client_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	(void)r;
	(void)arg;
	if (events & EPOLLOUT)
		deliver();
	for (;;) {
		ssize_t n = recv(fd, ps.buf, PRD_READ_MAX, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_close(n == 0 ? "closed" : strerror(errno));
			return;
		}
		size_t real = (size_t)n, got = real > PRD_READ_MAX ? PRD_READ_MAX : real;
		if (got >= PRD_SIM_HDR && !memcmp(ps.buf, PRD_SIM_MAGIC, PRD_SIM_MAGIC_LEN)) {
			if (be32(ps.buf + 8) == PRD_SIM_GET_INFO) {
				uint8_t info[32] = { 0 };
				put_be64(info, PRD_KERNEL_VERSION);
				ctl_send(fd, PRD_SIM_GET_INFO, 0, info, sizeof(info));
				sim_run_log(ps.r, "prd: ioctl GET_INFO -> version %d",
					    PRD_KERNEL_VERSION);
			}
			continue;
		}
		handle_host_msg(ps.buf, got, real);
		if (ps.cfd < 0)
			return;
	}
}

static void accept_cb(struct sim_run *r, int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0)
			return;
		if (ps.cfd >= 0) {
			ctl_send(c, PRD_SIM_OPEN, EBUSY, NULL, 0);
			close(c);
			sim_run_log(r, "prd: open refused: EBUSY (the channel is held)");
			continue;
		}
		ps.cfd = c;
		ps.want_out = false;
		ctl_send(c, PRD_SIM_OPEN, 0, NULL, 0);
		sim_run_add_fd(r, c, EPOLLIN, client_cb, NULL);
		sim_run_log(r, "prd: open");
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void take_file(const char *root, const char *name)
{
	char p[4200];
	uint8_t *b;
	size_t n;
	int trunc;
	struct ras_err e;

	if (!strstr(name, ".msg") || root_path(p, sizeof(p), root, SPOOL "/%s", name))
		return;
	if (file_read_all(p, PRD_MSG_MAX_SIZE * 2, &b, &n, &trunc, &e))
		return;
	unlink(p);
	enqueue(b, n);
	free(b);
}

static void scan_spool(const char *root)
{
	char p[4200];
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, cap = 0;

	if (root_path(p, sizeof(p), root, SPOOL) || !(dir = opendir(p)))
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 64;
			char **nx = realloc(names, cap * sizeof(*nx));
			if (!nx)
				break;
			names = nx;
		}
		names[nn++] = strdup(de->d_name);
	}
	closedir(dir);
	if (names)
		qsort(names, nn, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nn; i++) {
		if (names[i])
			take_file(root, names[i]);
		free(names[i]);
	}
	free(names);
}

static void on_spool(struct sim_run *r, const char *relpath, void *arg)
{
	(void)arg;
	const char *slash = strrchr(relpath, '/');
	take_file(sim_run_root(r), slash ? slash + 1 : relpath);
	deliver();
}

static int prd_run_start(struct sim_run *r, const char *root, struct ras_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char p[4200];
	int rc;

	ps.r = r;
	if (prd_init(root, e))
		return -EIO;
	if (root_path(p, sizeof(p), root, "dev/opal-prd") || strlen(p) >= sizeof(sa.sun_path))
		return ras_errf(e, -ENAMETOOLONG, "dev/opal-prd: path too long");
	strcpy(sa.sun_path, p);
	unlink(p);
	ps.lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ps.lfd < 0 || bind(ps.lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ps.lfd, 8) < 0)
		return ras_errf(e, -errno, "%s: %s", p, strerror(errno));
	rc = sim_run_add_fd(r, ps.lfd, EPOLLIN, accept_cb, NULL);
	if (rc)
		return ras_errf(e, rc, "prd: cannot watch the socket");
	rc = sim_run_watch_dir(r, SPOOL, on_spool, NULL);
	if (rc)
		return ras_errf(e, rc, "prd: cannot watch %s", SPOOL);
	scan_spool(root);
	return 0;
}

const struct sim_module sim_module_prd = {
	.name = "prd",
	.init = prd_init,
	.inject = prd_inject,
	.inject_usage = prd_usage,
	.run_start = prd_run_start,
};
