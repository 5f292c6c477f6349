/* tunnel: through a proxy (see tunnel.h).
 *
 * A struct tunnel has its own HTTP engine (no other transfer shares the
 * multi handle that makes the tunnel), the transfer asking the proxy,
 * then the tunnel's socket until the relay takes it. The answer reaches
 * the owner from a 0-ms timer rather than from inside the engine's
 * callback, so the owner may free the tunnel, engine and all.
 *
 * The relay process: after fork() it keeps the two sockets and nothing
 * else of natter's (every other descriptor is closed, so that a socket
 * natter closes is really closed, and it holds no terminal), restores
 * the default signal dispositions and asks to be killed when natter
 * dies. It moves up to RELAY_BUF bytes at a time each way; when one side
 * ends (end of file), what is left is written, the other side's sending
 * half is shut, and once both ways are done (or an error ends either)
 * it exits. It touches no memory it shares with natter and calls
 * nothing but system calls, as a child of a process that may hold locks
 * must.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/http.h"
#include "core/loop.h"
#include "core/proc.h"
#include "core/proxy.h"
#include "core/tunnel.h"
#include "util/log.h"
#include "util/xmem.h"

/* libcurl's time for the proxy's answer: less than the session's login
 * time limit (30 s), so that the proxy's silence is the reason shown */
#define TUNNEL_TIMEOUT_S 25
#define RELAY_BUF 65536

struct tunnel {
	struct loop *loop;
	struct http *http;
	struct http_xfer *x; /* while the proxy is being asked */
	int fd;              /* the tunnel until the relay takes it, or -1 */
	char *err;           /* the proxy's answer, until the timer */
	loop_timer_id timer;
	tunnel_ready_fn ready;
	void *ud;
	char *what;          /* the proxy, in words */
	pid_t relay;         /* the relay process, 0 before and after */
};

/* --- the relay ------------------------------------------------------------ */

struct way {
	int from, to;
	char *buf;
	size_t off, len;
	int done; /* from ended and everything was written */
};

static int way_step(struct way *w, short rev_from, short rev_to)
{
	ssize_t n;

	if (w->done)
		return 0;
	if (w->len == 0 && (rev_from & (POLLIN | POLLHUP | POLLERR))) {
		n = recv(w->from, w->buf, RELAY_BUF, 0);
		if (n > 0) {
			w->off = 0;
			w->len = (size_t)n;
		} else if (n == 0) {
			shutdown(w->to, SHUT_WR);
			w->done = 1;
			return 0;
		} else if (errno != EAGAIN && errno != EINTR) {
			return -1;
		}
	}
	if (w->len > 0 && (rev_to & POLLOUT || w->off == 0)) {
		n = send(w->to, w->buf + w->off, w->len - w->off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			w->off += (size_t)n;
			if (w->off == w->len)
				w->off = w->len = 0;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

static void relay_run(int a, int b)
{
	static char buf_ab[RELAY_BUF], buf_ba[RELAY_BUF];
	struct way ab = { a, b, buf_ab, 0, 0, 0 };
	struct way ba = { b, a, buf_ba, 0, 0, 0 };

	while (!(ab.done && ba.done)) {
		struct pollfd p[2] = { { a, 0, 0 }, { b, 0, 0 } };

		if (!ab.done)
			p[ab.len ? 1 : 0].events |= ab.len ? POLLOUT : POLLIN;
		if (!ba.done)
			p[ba.len ? 0 : 1].events |= ba.len ? POLLOUT : POLLIN;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (way_step(&ab, p[0].revents, p[1].revents) < 0 ||
		    way_step(&ba, p[1].revents, p[0].revents) < 0)
			break;
		/* a side that hung up without a readable end: nothing more
		 * can move towards it */
		if ((p[0].revents & POLLERR) || (p[1].revents & POLLERR))
			break;
	}
	_exit(0);
}

/* Closes every descriptor but a and b. */
static void keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 0)
		close_range(0, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static void relay_gone(struct loop *l, pid_t pid, int status, void *ud)
{
	struct tunnel *t = ud;

	(void)l;
	log_msg(LOG_DEBUG, "tunnel", "relay %d ended (status %d)", (int)pid,
		status);
	if (t)
		t->relay = 0; /* reaped: its pid is no longer ours */
}

static pid_t splice_start(struct loop *l, int a, int b, struct tunnel *t)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		int e = errno;

		close(a);
		close(b);
		return -e;
	}
	if (pid == 0) {
		proc_child_signals();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0); /* natter died before prctl took effect */
		keep_only(a, b);
		relay_run(a, b);
	}
	close(a);
	close(b);
	loop_child_watch(l, pid, relay_gone, t);
	return pid;
}

pid_t tunnel_splice(struct loop *l, int a, int b)
{
	return splice_start(l, a, b, NULL);
}

/* --- making the tunnel ---------------------------------------------------- */

static void tell(struct loop *l, void *ud)
{
	struct tunnel *t = ud;
	char *err = t->err;

	(void)l;
	t->timer = 0;
	t->err = NULL;
	t->ready(t, err, t->ud); /* may free t */
	free(err);
}

static void on_tunnel(int fd, const char *err, void *ud)
{
	struct tunnel *t = ud;

	t->x = NULL;
	t->fd = fd;
	if (fd < 0)
		t->err = xstrdup(err ? err : "the proxy failed");
	else
		log_msg(LOG_INFO, "tunnel", "%s: connected", t->what);
	t->timer = loop_timer_add(t->loop, 0, tell, t);
}

struct tunnel *tunnel_new(struct loop *l, const struct proxy *p,
			  const char *host, unsigned port,
			  tunnel_ready_fn ready, void *ud, char **err)
{
	struct tunnel *t = xcalloc(1, sizeof *t);
	struct http_tunnel_req r = { 0 };
	char *url = proxy_curl_url(p);

	t->loop = l;
	t->fd = -1;
	t->ready = ready;
	t->ud = ud;
	t->what = proxy_describe(p);
	t->http = http_new(l);
	r.proxy = url;
	r.what = t->what;
	r.host = host;
	r.port = port;
	r.timeout_s = TUNNEL_TIMEOUT_S;
	r.done = on_tunnel;
	r.ud = t;
	t->x = http_tunnel(t->http, &r, err);
	explicit_bzero(url, strlen(url));
	free(url);
	if (!t->x) {
		tunnel_free(&t);
		return NULL;
	}
	log_msg(LOG_INFO, "tunnel", "asking %s for %s port %u", t->what, host,
		port);
	return t;
}

int tunnel_relay(struct tunnel *t, int client)
{
	pid_t pid;

	if (t->fd < 0) {
		close(client);
		return -ENOTCONN;
	}
	pid = splice_start(t->loop, client, t->fd, t);
	t->fd = -1;
	if (pid < 0)
		return (int)pid;
	t->relay = pid;
	log_msg(LOG_DEBUG, "tunnel", "%s: relay %d carries the stream",
		t->what, (int)pid);
	return 0;
}

const char *tunnel_proxy_words(const struct tunnel *t)
{
	return t->what;
}

void tunnel_free(struct tunnel **tp)
{
	struct tunnel *t = *tp;

	if (!t)
		return;
	*tp = NULL;
	http_cancel(&t->x);
	http_free(&t->http);
	loop_timer_cancel(t->loop, t->timer);
	if (t->fd >= 0)
		close(t->fd);
	/* the relay ends by itself once libstrophe has closed its socket;
	 * this is for a stream dropped while it still runs. Not reaped yet,
	 * so the pid is still this child's: end it and reap it here (a
	 * child killed so dies at once) */
	if (t->relay > 0) {
		loop_child_forget(t->loop, t->relay);
		kill(t->relay, SIGTERM);
		while (waitpid(t->relay, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(t->err);
	free(t->what);
	free(t);
}
