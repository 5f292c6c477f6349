/* test_drain: natter's drain (xmpp/drain.c) run against the real
 * libstrophe 0.12 on a loopback socket, the test holding the other end.
 *
 * What drain.c relies on: a call that found nothing to read counts one
 * pass and ends a drain, even one that wrote the queue; a call that read
 * counts two and makes another due. And what it promises: a busy drain
 * stops after max_calls calls and says so, the next run finishing the
 * rest; before_write runs before each call that writes our queue, and
 * only then (the wrapper below checks that for every call of every
 * test); a call whose select() a signal interrupted makes another due.
 * libstrophe's xmpp_run_once is wrapped (-Wl,--wrap) only to count the
 * calls and check that; the real one runs. The data is plain TCP: the
 * case the drain exists for, bytes OpenSSL holds, takes a TLS server
 * and is covered by the e2e tests with large stanzas.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <strophe.h>

#include "xmpp/drain.h"

struct fx {
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	struct drain d;
	int lfd;        /* the test's listening socket */
	int peer;       /* its end of libstrophe's connection, or -1 */
	int fd;         /* libstrophe's end */
	unsigned calls; /* xmpp_run_once() calls */
	unsigned queued_calls; /* of which found our queue not empty */
	unsigned writes; /* before_write() calls */
	bool wrote;     /* before_write() ran since the last call */
	unsigned stanzas; /* <x/> elements libstrophe handled */
};

static struct fx *cur;

void __real_xmpp_run_once(xmpp_ctx_t *ctx, unsigned long timeout);
void __wrap_xmpp_run_once(xmpp_ctx_t *ctx, unsigned long timeout);

/* Every call: before_write ran just before it if and only if the call
 * will write what we queued. */
void __wrap_xmpp_run_once(xmpp_ctx_t *ctx, unsigned long timeout)
{
	bool queued = xmpp_conn_send_queue_len(cur->conn) > 0;

	cur->calls++;
	cur->queued_calls += queued;
	assert_int_equal(cur->wrote, queued);
	cur->wrote = false;
	__real_xmpp_run_once(ctx, timeout);
}

static void before_write(void *ud)
{
	struct fx *f = ud;

	/* nothing is written yet: what it acknowledges can be stored */
	assert_true(xmpp_conn_send_queue_len(f->conn) > 0);
	f->writes++;
	f->wrote = true;
}

static int on_x(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	(void)conn;
	(void)st;
	((struct fx *)ud)->stanzas++;
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

static int sockopt(xmpp_conn_t *conn, void *sock)
{
	(void)conn;
	cur->fd = *(int *)sock;
	return 0;
}

/* Waits (in poll, not by time) until fd is readable. */
static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 5000), 1);
}

/* The peer sends n bytes; returns once all of them wait in
 * libstrophe's socket (SO_RCVLOWAT makes poll() say so). */
static void send_all(struct fx *f, const char *buf, size_t n)
{
	int lowat = (int)n, one = 1;

	assert_int_equal(write(f->peer, buf, n), (ssize_t)n);
	assert_int_equal(setsockopt(f->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat,
				    sizeof lowat), 0);
	wait_readable(f->fd);
	assert_int_equal(setsockopt(f->fd, SOL_SOCKET, SO_RCVLOWAT, &one,
				    sizeof one), 0);
}

/* Passes counted by one drain_once(), its answer in *more. */
static unsigned long once(struct fx *f, bool *more)
{
	unsigned long before = f->d.passes;

	*more = drain_once(&f->d);
	return f->d.passes - before;
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
	xmpp_handler_add(f.conn, on_x, NULL, "x", NULL, &f);
	drain_init(&f.d, f.ctx, f.conn, before_write, &f);
	assert_int_equal(f.d.max_calls, DRAIN_MAX_CALLS);
	assert_int_equal(f.d.wait_ms, 0);
	assert_int_equal(xmpp_connect_raw(f.conn, "127.0.0.1",
					  ntohs(a.sin_port), on_conn, &f),
			 XMPP_EOK);
	/* the call that finds the connect() done goes on past select() */
	while (!xmpp_conn_is_connected(f.conn)) {
		wait_readable(f.lfd); /* the connection is there to accept */
		if (drain_once(&f.d))
			break;
	}
	assert_true(xmpp_conn_is_connected(f.conn));
	f.peer = accept(f.lfd, NULL, NULL);
	assert_true(f.peer >= 0);
	f.calls = f.queued_calls = 0;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	xmpp_conn_release(f->conn);
	drain_fini(&f->d);
	xmpp_ctx_free(f->ctx);
	if (f->peer >= 0)
		close(f->peer);
	close(f->lfd);
	return 0;
}

static const char header[] =
	"<stream:stream xmlns='jabber:client' "
	"xmlns:stream='http://etherx.jabber.org/streams'>";

static void test_an_idle_call_ends_the_drain(void **state)
{
	struct fx *f = *state;
	bool more;

	assert_int_equal(once(f, &more), 1);
	assert_false(more);
	f->calls = 0;
	assert_false(drain_run(&f->d));
	assert_int_equal(f->calls, 1);
}

static void test_a_read_makes_another_call_due(void **state)
{
	struct fx *f = *state;
	bool more;

	send_all(f, header, sizeof header - 1);
	assert_int_equal(once(f, &more), 2);
	assert_true(more);
	assert_int_equal(once(f, &more), 1);
	assert_false(more);
	assert_int_equal(f->writes, 0);
}

static void test_a_write_alone_needs_no_next_call(void **state)
{
	struct fx *f = *state;
	char buf[16];

	xmpp_send_raw(f->conn, "<x/>", 4);
	assert_int_equal(xmpp_conn_send_queue_len(f->conn), 1);
	/* written at the start of the call; nothing is left to wait for */
	assert_false(drain_run(&f->d));
	assert_int_equal(f->calls, 1);
	assert_int_equal(f->writes, 1);
	assert_int_equal(xmpp_conn_send_queue_len(f->conn), 0);
	wait_readable(f->peer);
	assert_int_equal(read(f->peer, buf, sizeof buf), 4);
	assert_memory_equal(buf, "<x/>", 4);
}

/* Ten reads' worth (libstrophe reads 4 KiB a call) of small stanzas. */
#define NX 400
#define X "<x>abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklm</x>"

static void test_the_cap_stops_a_busy_drain(void **state)
{
	struct fx *f = *state;
	size_t n = sizeof header - 1 + NX * (sizeof X - 1);
	char *buf = malloc(n + 1), *p = buf;
	int i;

	p += sprintf(p, "%s", header);
	for (i = 0; i < NX; i++)
		p += sprintf(p, "%s", X);
	assert_true(n > 8 * 4096);
	send_all(f, buf, n);
	free(buf);
	f->d.max_calls = 3;
	assert_true(drain_run(&f->d));
	assert_int_equal(f->calls, 3);
	assert_true(f->stanzas > 0 && f->stanzas < NX);
	f->d.max_calls = DRAIN_MAX_CALLS;
	assert_false(drain_run(&f->d));
	assert_int_equal(f->stanzas, NX);
	assert_true(f->calls > 3 + 1);
}

/* The peer reads what has reached it, adding its length to *got. */
static void peer_read(struct fx *f, size_t *got)
{
	char buf[65536];
	ssize_t r;

	while ((r = recv(f->peer, buf, sizeof buf, MSG_DONTWAIT)) > 0)
		*got += (size_t)r;
}

/* Waits until the peer has something to read or libstrophe's socket
 * takes more: while the queue is not empty, one of them comes. */
static void wait_progress(struct fx *f)
{
	struct pollfd p[2] = { { .fd = f->peer, .events = POLLIN },
			       { .fd = f->fd, .events = POLLOUT } };

	assert_true(poll(p, 2, 5000) > 0);
}

static void test_before_write_runs_before_each_call_that_writes(void **state)
{
	struct fx *f = *state;
	enum { N = 64, LEN = 16384 };
	size_t got = 0;
	char *el = malloc(LEN + 1); /* libstrophe reads up to a NUL */
	int small = 16384, i;

	/* far more than the sockets hold: the elements go out over many
	 * calls, and each call that starts one must be told */
	assert_int_equal(setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &small,
				    sizeof small), 0);
	assert_int_equal(setsockopt(f->peer, SOL_SOCKET, SO_RCVBUF, &small,
				    sizeof small), 0);
	memset(el, ' ', LEN);
	el[LEN] = '\0';
	for (i = 0; i < N; i++)
		xmpp_send_raw(f->conn, el, LEN);
	free(el);
	while (got < (size_t)N * LEN) {
		drain_run(&f->d);
		wait_progress(f);
		peer_read(f, &got);
	}
	assert_int_equal(got, (size_t)N * LEN);
	assert_true(f->queued_calls >= 2);
	assert_int_equal(f->writes, f->queued_calls);
	/* reading alone writes nothing */
	f->writes = 0;
	send_all(f, header, sizeof header - 1);
	assert_false(drain_run(&f->d));
	assert_int_equal(f->writes, 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* natter calls with a timeout of 0, where a signal can interrupt
 * select() only while the system call runs; a test cannot aim at that.
 * So this call waits (wait_ms), and a signal every millisecond until it
 * returns is sure to land inside its select(), which then fails with
 * EINTR: libstrophe returns before reading, one pass, as when idle. A
 * signal that lands before select() only runs on_alarm. */
static void test_an_interrupted_call_makes_another_due(void **state)
{
	struct fx *f = *state;
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval tick = { { 0, 1000 }, { 0, 1000 } }, off = { 0 };
	unsigned long passes;
	bool more;

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	f->d.wait_ms = 60000;
	assert_int_equal(setitimer(ITIMER_REAL, &tick, NULL), 0);
	passes = once(f, &more);
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	assert_int_equal(passes, 1);
	assert_true(more);
	/* and the next call finds nothing */
	f->d.wait_ms = 0;
	assert_int_equal(once(f, &more), 1);
	assert_false(more);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_an_idle_call_ends_the_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_read_makes_another_call_due, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_write_alone_needs_no_next_call, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_the_cap_stops_a_busy_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_before_write_runs_before_each_call_that_writes,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_an_interrupted_call_makes_another_due, setup,
			teardown),
	};

	xmpp_initialize();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
