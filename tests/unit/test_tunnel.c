/* test_tunnel: the relay process of core/tunnel.h (tunnel_splice).
 *
 * Two socket pairs stand for libstrophe's connection and the tunnel;
 * the relay joins one end of each. Bytes cross both ways, in order, more
 * than a socket buffer holds at once; an end of file on one side reaches
 * the other as an end of file (a half close: the other way still
 * carries bytes), and once both ways have ended the relay exits by
 * itself, with status 0. Descriptors of natter's other than the two are
 * closed in the relay: a socket the test closes here is closed for the
 * peer (end of file), although the relay was forked while it was open.
 * The test reaps the relay itself (no SIGCHLD is caught here).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/tunnel.h"

static void pair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    fds), 0);
}

/* Reads exactly n bytes from fd (blocking, 10 s at most). */
static void read_exact(int fd, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		assert_int_equal(poll(&p, 1, 10000), 1);
		r = read(fd, buf + got, n - got);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void expect_eof(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;

	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(fd, &c, 1), 0);
}

static void test_relay_both_ways(void **state)
{
	struct loop *l = loop_new();
	int strophe[2], tunnel[2], other[2];
	size_t big = 1024 * 1024, i, sent = 0, have = 0;
	char *data = malloc(big), *got = malloc(big);
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(data);
	assert_non_null(got);
	for (i = 0; i < big; i++)
		data[i] = (char)(i * 7 + i / 251);
	pair(strophe);
	pair(tunnel);
	pair(other); /* open in natter when the relay starts */
	pid = tunnel_splice(l, strophe[1], tunnel[1]);
	assert_true(pid > 0);
	/* natter's copy closed: the relay holds none, so the peer sees the
	 * end at once */
	close(other[0]);
	expect_eof(other[1]);
	close(other[1]);

	/* up: "libstrophe" writes a megabyte while "the server" reads it,
	 * in order */
	while (have < big) {
		struct pollfd p[2] = { { strophe[0], sent < big ? POLLOUT : 0, 0 },
				       { tunnel[0], POLLIN, 0 } };
		ssize_t n;

		assert_true(poll(p, 2, 10000) > 0);
		if (p[0].revents & POLLOUT) {
			n = send(strophe[0], data + sent, big - sent,
				 MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
		}
		if (p[1].revents & POLLIN) {
			n = recv(tunnel[0], got + have, big - have,
				 MSG_DONTWAIT);
			assert_true(n > 0 || (n < 0 && errno == EAGAIN));
			if (n > 0)
				have += (size_t)n;
		}
	}
	assert_memory_equal(got, data, big);

	/* down: "the server" answers */
	assert_int_equal(write(tunnel[0], "<features/>", 11), 11);
	{
		char buf[11];

		read_exact(strophe[0], buf, 11);
		assert_memory_equal(buf, "<features/>", 11);
	}
	/* "libstrophe" closes its sending side: the server reads the end,
	 * and can still answer */
	shutdown(strophe[0], SHUT_WR);
	expect_eof(tunnel[0]);
	assert_int_equal(write(tunnel[0], "</stream>", 9), 9);
	{
		char buf[9];

		read_exact(strophe[0], buf, 9);
		assert_memory_equal(buf, "</stream>", 9);
	}
	close(tunnel[0]);
	expect_eof(strophe[0]);
	/* both ways over: the relay is gone */
	loop_child_forget(l, pid);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(strophe[0]);
	free(data);
	free(got);
	loop_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
