/* test_bridge: core/bridge.h over real loopback sockets.
 *
 * The "client" is a socket of the test's, bound and announced the way
 * conn.c does it for libstrophe (bridge_bind_client before connect());
 * a "foreign" socket is any other. The loop is driven with loop_iterate,
 * each pass bounded by a 0-ms timer so that it cannot block, until what
 * the test waits for has happened (or a pass limit fails it). Covered:
 * a foreign connection that comes first is refused and the client is
 * still served; one from the wrong port, or before any port is expected,
 * or after the client came, is refused too; bytes both ways; pausing;
 * the client closing (client_closed); bridge_close_client writing all
 * that waits (more than the socket holds) before the end of file, with
 * its reason kept and client_drained not confused with it;
 * bridge_close_client before the client came; bridge_free from
 * inside a carrier's callback; and bridge_take_client handing the client
 * over at once, or later from the loop without blocking, or not at all
 * once the client's side is closed.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/bridge.h"
#include "core/loop.h"

#define PASSES 2000
/* More than loopback's socket buffers take before the test reads (a
 * socket may buffer up to 4 MiB to send with Linux's default tcp_wmem,
 * which 4 MiB of data could fill exactly, plus the receiver's window):
 * the rest waits in the bridge. */
#define BIG (16 * 1024 * 1024)

/* What the carrier saw. */
struct rec {
	char *got;
	size_t len, cap;
	int closed;
	int drained;
	int freed;
	struct bridge **free_on_data; /* bridge_free from from_client */
};

static void rec_from_client(void *cud, const char *buf, size_t len)
{
	struct rec *r = cud;

	if (r->len + len + 1 > r->cap) {
		r->cap = (r->len + len + 1) * 2;
		r->got = realloc(r->got, r->cap);
		assert_non_null(r->got);
	}
	memcpy(r->got + r->len, buf, len);
	r->len += len;
	r->got[r->len] = '\0';
	if (r->free_on_data)
		bridge_free(r->free_on_data);
}

static void rec_closed(void *cud)
{
	((struct rec *)cud)->closed++;
}

static void rec_drained(void *cud)
{
	((struct rec *)cud)->drained++;
}

static void rec_free(void *cud)
{
	((struct rec *)cud)->freed++;
}

static const struct bridge_carrier rec_carrier = {
	rec_from_client, rec_closed, rec_drained, rec_free,
};

struct fx {
	struct loop *l;
	struct rec rec;
	struct bridge *b;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->l = loop_new();
	f->b = bridge_new(f->l, &rec_carrier, &f->rec);
	assert_non_null(f->b);
	assert_true(bridge_port(f->b) > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	bridge_free(&f->b);
	loop_free(&f->l);
	free(f->rec.got);
	free(f);
	return 0;
}

static void noop(struct loop *l, void *ud)
{
	(void)l;
	(void)ud;
}

static void pass(struct fx *f)
{
	loop_timer_add(f->l, 0, noop, NULL);
	assert_int_equal(loop_iterate(f->l), 0);
}

/* A socket of the test's connected to the bridge; bound first as the
 * bridge's client when as_client. */
static int dial(struct fx *f, bool as_client)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (as_client)
		assert_int_equal(bridge_bind_client(f->b, fd), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(bridge_port(f->b));
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	return fd;
}

/* Reads what fd has now (non-blocking) into buf; returns the count, 0
 * at end of file, -1 when nothing is there yet, -2 on a reset. */
/* A pass, then a wait (10 ms at most) for fd to have something to
 * read: on a loaded machine the kernel hands over what the bridge wrote
 * to loopback a little later, and passes that spun on would use up a
 * loop's count before it came. */
static void pass_then_wait(struct fx *f, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	pass(f);
	(void)poll(&p, 1, 10);
}

static ssize_t peek_read(int fd, char *buf, size_t n)
{
	ssize_t r = recv(fd, buf, n, MSG_DONTWAIT);

	if (r >= 0)
		return r;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return -1;
	return -2;
}

/* Runs the loop until fd reaches end of file (or a reset); the bytes
 * read on the way are appended to *got. */
static void read_to_eof(struct fx *f, int fd, char **got, size_t *len)
{
	char buf[65536];
	size_t cap = *len;
	int i;

	for (i = 0; i < PASSES * 10; i++) {
		ssize_t r = peek_read(fd, buf, sizeof buf);

		if (r == 0 || r == -2)
			return;
		if (r > 0) {
			if (*len + (size_t)r > cap) {
				cap = (*len + (size_t)r) * 2;
				*got = realloc(*got, cap);
				assert_non_null(*got);
			}
			memcpy(*got + *len, buf, (size_t)r);
			*len += (size_t)r;
			continue;
		}
		pass_then_wait(f, fd);
	}
	fail_msg("no end of file");
}

static void wait_for_bytes(struct fx *f, size_t n)
{
	int i;

	for (i = 0; i < PASSES && f->rec.len < n; i++)
		pass(f);
	assert_int_equal(f->rec.len, n);
}

static void expect_eof(struct fx *f, int fd)
{
	char *got = NULL;
	size_t len = 0;

	read_to_eof(f, fd, &got, &len);
	assert_int_equal(len, 0);
	free(got);
}

static void test_foreign_first_is_refused(void **state)
{
	struct fx *f = *state;
	int foreign = dial(f, false);
	int client = dial(f, true);
	char buf[16];
	ssize_t n;
	int i;

	for (i = 0; i < PASSES && !bridge_client_connected(f->b); i++)
		pass(f);
	assert_true(bridge_client_connected(f->b));
	assert_int_equal(bridge_refused(f->b), 1);
	expect_eof(f, foreign);
	/* the client is served both ways */
	assert_int_equal(write(client, "<stream>", 8), 8);
	wait_for_bytes(f, 8);
	assert_string_equal(f->rec.got, "<stream>");
	bridge_to_client(f->b, "<features/>", 11);
	for (i = 0; i < PASSES; i++) {
		n = peek_read(client, buf, sizeof buf);
		if (n != -1)
			break;
		pass_then_wait(f, client);
	}
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "<features/>", 11);
	close(foreign);
	close(client);
}

static void test_refused_before_expected(void **state)
{
	struct fx *f = *state;
	int fd = dial(f, false);

	expect_eof(f, fd);
	assert_int_equal(bridge_refused(f->b), 1);
	assert_false(bridge_client_connected(f->b));
	close(fd);
}

static void test_wrong_port_refused(void **state)
{
	struct fx *f = *state;
	int other = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int fd;

	/* the bridge expects other's port, but the connection comes from
	 * another socket */
	assert_int_equal(bridge_bind_client(f->b, other), 0);
	fd = dial(f, false);
	expect_eof(f, fd);
	assert_int_equal(bridge_refused(f->b), 1);
	assert_false(bridge_client_connected(f->b));
	close(fd);
	close(other);
}

static void test_second_connection_refused(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	int late;
	int i;

	for (i = 0; i < PASSES && !bridge_client_connected(f->b); i++)
		pass(f);
	late = dial(f, false);
	expect_eof(f, late);
	assert_int_equal(bridge_refused(f->b), 1);
	/* the client was not disturbed */
	assert_true(bridge_client_connected(f->b));
	assert_int_equal(write(client, "ping", 4), 4);
	wait_for_bytes(f, 4);
	assert_int_equal(f->rec.closed, 0);
	close(late);
	close(client);
}

static void test_pause(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	int i;

	for (i = 0; i < PASSES && !bridge_client_connected(f->b); i++)
		pass(f);
	bridge_pause_client(f->b, true);
	assert_int_equal(write(client, "held", 4), 4);
	for (i = 0; i < 20; i++)
		pass(f);
	assert_int_equal(f->rec.len, 0);
	bridge_pause_client(f->b, false);
	wait_for_bytes(f, 4);
	assert_string_equal(f->rec.got, "held");
	close(client);
}

static void test_client_closed(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	int i;

	for (i = 0; i < PASSES && !bridge_client_connected(f->b); i++)
		pass(f);
	assert_int_equal(write(client, "</stream>", 9), 9);
	close(client);
	for (i = 0; i < PASSES && !f->rec.closed; i++)
		pass(f);
	assert_int_equal(f->rec.closed, 1);
	/* what it wrote before closing came through first */
	assert_string_equal(f->rec.got, "</stream>");
	assert_false(bridge_client_connected(f->b));
	assert_null(bridge_error(f->b));
	/* bytes for a client that left go nowhere */
	bridge_to_client(f->b, "x", 1);
	assert_int_equal(bridge_client_pending(f->b), 0);
}

/* More than the socket buffers hold waits in the bridge, reaches the
 * client in order, and the end of file comes after the last byte. */
static void test_close_flushes(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	size_t big = BIG, len = 0, i;
	char *data = malloc(big), *got = NULL;
	int j;

	assert_non_null(data);
	for (i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	for (j = 0; j < PASSES && !bridge_client_connected(f->b); j++)
		pass(f);
	/* libstrophe wrote something the carrier never read: closing
	 * must not turn that into a reset that loses our bytes */
	bridge_pause_client(f->b, true);
	assert_int_equal(write(client, "unread", 6), 6);
	bridge_to_client(f->b, data, big);
	assert_true(bridge_client_pending(f->b) > 0);
	bridge_close_client(f->b, "the proxy went away");
	bridge_close_client(f->b, "a later reason");
	assert_string_equal(bridge_error(f->b), "the proxy went away");
	read_to_eof(f, client, &got, &len);
	assert_int_equal(len, big);
	assert_memory_equal(got, data, big);
	assert_int_equal(f->rec.closed, 0);
	assert_int_equal(f->rec.drained, 0);
	assert_false(bridge_client_connected(f->b));
	free(got);
	free(data);
	close(client);
}

static void test_drained(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	size_t big = BIG, len = 0;
	char *data = calloc(1, big), *got = malloc(65536);
	int j;

	assert_non_null(data);
	for (j = 0; j < PASSES && !bridge_client_connected(f->b); j++)
		pass(f);
	bridge_to_client(f->b, data, big);
	assert_true(bridge_client_pending(f->b) > 0);
	for (j = 0; j < PASSES * 10 && len < big; j++) {
		ssize_t r = peek_read(client, got, 65536);

		if (r > 0)
			len += (size_t)r;
		else
			pass_then_wait(f, client);
	}
	assert_int_equal(len, big);
	for (j = 0; j < PASSES && !f->rec.drained; j++)
		pass(f);
	assert_int_equal(f->rec.drained, 1);
	assert_int_equal(bridge_client_pending(f->b), 0);
	free(got);
	free(data);
	close(client);
}

static void test_close_before_client(void **state)
{
	struct fx *f = *state;
	int client;

	bridge_to_client(f->b, "lost", 4);
	bridge_close_client(f->b, "cannot reach the proxy");
	client = dial(f, true);
	expect_eof(f, client);
	assert_int_equal(bridge_refused(f->b), 0);
	assert_int_equal(f->rec.closed, 0);
	assert_string_equal(bridge_error(f->b), "cannot reach the proxy");
	close(client);
}

static void test_free_inside_callback(void **state)
{
	struct fx *f = *state;
	int client = dial(f, true);
	int i;

	f->rec.free_on_data = &f->b;
	assert_int_equal(write(client, "bye", 3), 3);
	for (i = 0; i < PASSES && f->b; i++)
		pass(f);
	assert_null(f->b);
	assert_int_equal(f->rec.freed, 1);
	assert_string_equal(f->rec.got, "bye");
	expect_eof(f, client);
	close(client);
}

/* bridge_take_client: what the callback got. */
struct took {
	int fd;
	int calls;
};

static void took_it(void *ud, int fd)
{
	struct took *t = ud;

	t->fd = fd;
	t->calls++;
}

/* Connects fd (bound already) to the bridge. */
static void connect_to(struct fx *f, int fd)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(bridge_port(f->b));
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
}

/* Asked for before the client connects, the take does not wait: it says
 * so, and the loop hands the client over when it comes, after refusing
 * a foreign connection that came first. The carrier hears nothing. */
static void test_take_later_from_the_loop(void **state)
{
	struct fx *f = *state;
	struct took t = { -1, 0 };
	int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int foreign, i;
	char buf[8];

	assert_true(client >= 0);
	assert_int_equal(bridge_bind_client(f->b, client), 0);
	assert_int_equal(bridge_take_client(f->b, took_it, &t), -EAGAIN);
	assert_int_equal(t.calls, 0);
	foreign = dial(f, false);
	connect_to(f, client);
	for (i = 0; i < PASSES && !t.calls; i++)
		pass(f);
	assert_int_equal(t.calls, 1);
	assert_true(t.fd >= 0);
	assert_int_equal(bridge_refused(f->b), 1);
	expect_eof(f, foreign);
	/* the descriptor is the client's connection, and the caller's */
	assert_int_equal(write(client, "hi", 2), 2);
	for (i = 0; i < PASSES; i++) {
		ssize_t r = peek_read(t.fd, buf, sizeof buf);

		if (r > 0) {
			assert_int_equal(r, 2);
			break;
		}
		pass_then_wait(f, t.fd);
	}
	assert_memory_equal(buf, "hi", 2);
	assert_int_equal(f->rec.len, 0);
	assert_int_equal(bridge_take_client(f->b, took_it, &t), -EALREADY);
	close(t.fd);
	close(foreign);
	close(client);
}

/* A client waiting already is handed over at once, without the loop. */
static void test_take_at_once(void **state)
{
	struct fx *f = *state;
	struct took t = { -1, 0 };
	int client = dial(f, true);
	struct pollfd p;
	int fd;

	/* the kernel has queued the connection once it shows on the
	 * listener; wait for that, not for the loop */
	p.fd = client;
	p.events = POLLOUT;
	assert_int_equal(poll(&p, 1, 1000), 1);
	fd = bridge_take_client(f->b, took_it, &t);
	assert_true(fd >= 0);
	assert_int_equal(t.calls, 0);
	pass(f);
	assert_int_equal(t.calls, 0);
	close(fd);
	close(client);
}

/* Closing the client's side while a take waits ends the wait: no call,
 * and the client, when it comes, is turned away. */
static void test_take_cancelled_by_close(void **state)
{
	struct fx *f = *state;
	struct took t = { -1, 0 };
	int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int i;

	assert_true(client >= 0);
	assert_int_equal(bridge_bind_client(f->b, client), 0);
	assert_int_equal(bridge_take_client(f->b, took_it, &t), -EAGAIN);
	bridge_close_client(f->b, "the proxy went away");
	connect_to(f, client);
	for (i = 0; i < 10; i++)
		pass(f);
	expect_eof(f, client);
	assert_int_equal(t.calls, 0);
	assert_int_equal(f->rec.closed, 0);
	close(client);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_foreign_first_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_before_expected,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_port_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_connection_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_closed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_close_flushes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_before_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_free_inside_callback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_later_from_the_loop,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_take_cancelled_by_close,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
