/* test_drain: what conn_drain() (xmpp/conn.c) relies on in libstrophe
 * 0.12, run against the real library on a loopback socket. A global
 * timed handler with a period of 0 runs at the start of every
 * xmpp_run_once() and, only when the call's select() found the socket
 * ready (or OpenSSL held decrypted bytes, which e2e tests with large
 * stanzas cover), once more at its end; a call that ran it once did
 * nothing more and needs no successor, even one that wrote the queue.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <strophe.h>

struct fx {
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	int lfd;      /* the test's listening socket */
	int peer;     /* its end of libstrophe's connection, or -1 */
	int fd;       /* libstrophe's end */
	int passes;   /* count_pass() calls */
};

static int count_pass(xmpp_ctx_t *ctx, void *ud)
{
	(void)ctx;
	((struct fx *)ud)->passes++;
	return 1;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
		    xmpp_stream_error_t *se, void *ud)
{
	(void)conn;
	(void)event;
	(void)error;
	(void)se;
	(void)ud;
}

static struct fx *cur;

static int sockopt(xmpp_conn_t *conn, void *sock)
{
	(void)conn;
	cur->fd = *(int *)sock;
	return 0;
}

/* One call; how many times the handler ran in it. */
static int run(struct fx *f)
{
	int before = f->passes;

	xmpp_run_once(f->ctx, 0);
	return f->passes - before;
}

/* Waits (in poll, not by time) until fd is readable. */
static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 5000), 1);
}

static int setup(void **state)
{
	static struct fx f;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;

	memset(&f, 0, sizeof f);
	f.peer = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f.lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(f.lfd >= 0);
	assert_int_equal(bind(f.lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(f.lfd, 1), 0);
	assert_int_equal(getsockname(f.lfd, (struct sockaddr *)&a, &len), 0);
	f.ctx = xmpp_ctx_new(NULL, NULL);
	f.conn = xmpp_conn_new(f.ctx);
	cur = &f;
	xmpp_conn_set_sockopt_callback(f.conn, sockopt);
	/* libstrophe asks for one */
	xmpp_conn_set_jid(f.conn, "test@localhost");
	xmpp_global_timed_handler_add(f.ctx, count_pass, 0, &f);
	assert_int_equal(xmpp_connect_raw(f.conn, "127.0.0.1",
					  ntohs(a.sin_port), on_conn, &f),
			 XMPP_EOK);
	/* the call that finds the connect() done goes on past select() */
	while (!xmpp_conn_is_connected(f.conn)) {
		wait_readable(f.lfd); /* the connection is there to accept */
		if (run(&f) == 2)
			break;
	}
	assert_true(xmpp_conn_is_connected(f.conn));
	f.peer = accept(f.lfd, NULL, NULL);
	assert_true(f.peer >= 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	xmpp_conn_release(f->conn);
	/* xmpp_ctx_free() leaves the timed handlers behind */
	xmpp_global_timed_handler_delete(f->ctx, count_pass);
	xmpp_ctx_free(f->ctx);
	if (f->peer >= 0)
		close(f->peer);
	close(f->lfd);
	return 0;
}

static void test_nothing_to_read_is_one_pass(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f), 1);
	assert_int_equal(run(f), 1);
}

static void test_a_read_is_two_passes_then_one(void **state)
{
	static const char data[] =
		"<stream:stream xmlns='jabber:client' "
		"xmlns:stream='http://etherx.jabber.org/streams'>";
	struct fx *f = *state;

	assert_int_equal(write(f->peer, data, sizeof data - 1),
			 (ssize_t)(sizeof data - 1));
	wait_readable(f->fd);
	assert_int_equal(run(f), 2);
	assert_int_equal(run(f), 1);
}

static void test_a_write_alone_needs_no_next_call(void **state)
{
	struct fx *f = *state;
	char buf[16];

	xmpp_send_raw(f->conn, "<x/>", 4);
	assert_int_equal(xmpp_conn_send_queue_len(f->conn), 1);
	/* written at the start of the call; nothing is left to wait for */
	assert_int_equal(run(f), 1);
	assert_int_equal(xmpp_conn_send_queue_len(f->conn), 0);
	wait_readable(f->peer);
	assert_int_equal(read(f->peer, buf, sizeof buf), 4);
	assert_memory_equal(buf, "<x/>", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_nothing_to_read_is_one_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_read_is_two_passes_then_one, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_write_alone_needs_no_next_call, setup, teardown),
	};

	xmpp_initialize();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
