/*
 * test_qmp.c - the daemon's non-blocking QMP connection against a socketpair peer
 * playing QEMU: the command line it writes (with a fresh id each time), replies and
 * events interleaved and split across writes, end of stream, a peer that never reads
 * (send fails with -EAGAIN instead of blocking), and connect errors.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "opal-prd/qmp.h"

static void pair(struct qmp_conn *c, int *peer)
{
	int sv[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	qmp_conn_init(c);
	c->fd = sv[0];
	*peer = sv[1];
}

static void peer_says(int peer, const char *s)
{
	cr_assert_eq(write(peer, s, strlen(s)), (ssize_t)strlen(s));
}

Test(qmp_conn, commands_replies_and_events)
{
	struct qmp_conn c;
	struct qmp_msg m;
	struct ras_err e;
	char buf[512];
	int peer;

	pair(&c, &peer);
	cr_assert_eq(qmp_conn_send(&c, "qmp_capabilities", NULL, &e), 0, "%s", e.msg);
	ssize_t n = read(peer, buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	buf[n] = 0;
	cr_expect_str_eq(buf, "{\"execute\":\"qmp_capabilities\",\"id\":\"opal-ras-1\"}\n");
	cr_expect_str_eq(c.sent_id, "opal-ras-1");
	cr_assert_eq(qmp_conn_send(&c, "system_powerdown", NULL, &e), 0);
	cr_expect_str_eq(c.sent_id, "opal-ras-2");

	/* The event comes before the reply, and the reply arrives in two pieces. */
	peer_says(peer, "{\"event\": \"POWERDOWN\", \"timestamp\": {}}\r\n{\"return\": {}, \"id\"");
	cr_assert_eq(qmp_conn_read(&c, &e), 0);
	cr_assert_eq(qmp_conn_next(&c, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_EVENT);
	cr_expect_str_eq(m.event, "POWERDOWN");
	qmp_msg_free(&m);
	cr_expect_eq(qmp_conn_next(&c, &m, &e), 0);
	peer_says(peer, ": \"opal-ras-2\"}\r\n");
	cr_assert_eq(qmp_conn_read(&c, &e), 0);
	cr_assert_eq(qmp_conn_next(&c, &m, &e), 1);
	cr_expect_eq(m.type, QMP_MSG_RETURN);
	cr_expect_str_eq(m.id, c.sent_id);
	qmp_msg_free(&m);
	/* Nothing to read is not an error; the peer closing is -EPIPE. */
	cr_expect_eq(qmp_conn_read(&c, &e), 0);
	cr_assert_gt(read(peer, buf, sizeof(buf)), 0); /* system_powerdown */
	close(peer);
	cr_expect_eq(qmp_conn_read(&c, &e), -EPIPE);
	qmp_conn_close(&c);
	cr_expect_eq(c.fd, -1);
	qmp_conn_close(&c); /* twice is harmless */
}

Test(qmp_conn, a_peer_that_never_reads_does_not_block)
{
	struct qmp_conn c;
	struct ras_err e;
	int peer, rc = 0, sz = 4096;
	char arg[2048];

	pair(&c, &peer);
	setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = 0;
	json_t *args = json_pack("{s:s}", "x", arg);
	for (int i = 0; i < 10000 && !rc; i++)
		rc = qmp_conn_send(&c, "echo", args, &e);
	json_decref(args);
	cr_expect_eq(rc, -EAGAIN, "rc %d", rc);
	cr_expect(strstr(e.msg, "does not read") != NULL, "%s", e.msg);
	close(peer);
	qmp_conn_close(&c);
}

Test(qmp_conn, connect_errors)
{
	struct qmp_conn c;
	struct ras_err e;
	char longp[300];

	qmp_conn_init(&c);
	cr_expect_eq(qmp_conn_connect(&c, "/nonexistent/qmp.sock", &e), -ENOENT);
	cr_expect(strstr(e.msg, "/nonexistent/qmp.sock") != NULL, "%s", e.msg);
	cr_expect_eq(c.fd, -1);
	memset(longp, 'd', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = 0;
	cr_expect_lt(qmp_conn_connect(&c, longp, &e), 0);
	cr_expect_eq(c.fd, -1);
	/* Not connected: sending fails cleanly. */
	cr_expect_eq(qmp_conn_send(&c, "x", NULL, &e), -ENOTCONN);
	qmp_conn_close(&c);
}

Test(qmp_conn, connect_to_a_listening_socket_with_a_long_path)
{
	char dir[] = "/tmp/opal-ras-qmp-XXXXXX";
	char path[400], sub[300];
	struct qmp_conn c;
	struct ras_err e;

	cr_assert_not_null(mkdtemp(dir));
	/* A directory name long enough that dir/sub/q.sock exceeds sun_path (108). */
	memset(sub, 's', 90);
	sub[90] = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s/q.sock", dir, sub);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	int dfd = open(dir, O_PATH | O_DIRECTORY);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	/* Bind through the directory's descriptor too (the name is too long otherwise). */
	int cwd = open(".", O_PATH | O_DIRECTORY);
	cr_assert_eq(fchdir(dfd), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/q.sock", sub);
	cr_assert_lt(strlen(sub) + 7, sizeof(sa.sun_path));
	cr_assert_gt(strlen(path), sizeof(sa.sun_path));
	cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(l, 1), 0);
	cr_assert_eq(fchdir(cwd), 0);
	close(cwd);
	qmp_conn_init(&c);
	cr_expect_eq(qmp_conn_connect(&c, path, &e), 0, "%s", e.msg);
	qmp_conn_close(&c);
	close(l);
	close(dfd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	rmdir(path);
	rmdir(dir);
}
