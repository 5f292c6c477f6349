/* bridge: libstrophe's private loopback endpoint (see bridge.h).
 *
 * Two descriptors: the listener, watched for POLLIN for the bridge's
 * whole life, and the client (libstrophe's connection once accepted),
 * watched for POLLIN unless the carrier paused it or is closing, and for
 * POLLOUT while bytes wait for it in `out`. An unwanted connection is
 * accepted only to be closed: the kernel has completed its handshake
 * already, and closing it is the only way to turn it away.
 *
 * Closing: bridge_close_client writes what waits, shuts the sending side
 * (libstrophe reads every byte, then end of file) and reads away what
 * libstrophe still sent before closing, since closing a socket with
 * unread bytes resets the connection and a reset may destroy what the
 * peer has not read yet.
 *
 * A carrier's callback may free the bridge: `depth` counts the callbacks
 * running, and bridge_free inside one only marks the bridge dead (its
 * sockets closed at once); the last callback to return frees it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/bridge.h"
#include "core/loop.h"
#include "util/log.h"
#include "util/xmem.h"

/* read() size, and how much one wakeup reads from the client before it
 * lets the loop serve others. */
#define BRIDGE_CHUNK 16384
#define BRIDGE_READS_PER_WAKEUP 8

struct bridge {
	struct loop *loop;
	const struct bridge_carrier *c;
	void *cud;
	int lfd;              /* the listener */
	int cfd;              /* libstrophe's connection, -1 when none */
	unsigned short port;  /* the listener's */
	unsigned short expect; /* the client's source port, 0: not known */
	bool accepted;        /* the client came (and may have gone) */
	bool paused;
	bool closing;         /* bridge_close_client was called */
	short cevents;        /* what cfd is watched for, 0: not watched */
	char *out;            /* bytes for the client: out[off..len) */
	size_t off, len, cap;
	char *why;
	unsigned refused;
	bridge_taken_fn taken; /* bridge_take_client is waiting */
	void *taken_ud;
	unsigned depth;       /* carrier callbacks running */
	bool dead;            /* bridge_free inside one */
};

static void update_watch(struct bridge *b);

static void on_client(struct loop *l, int fd, short revents, void *ud);

static void close_fd(struct bridge *b, int *fd)
{
	if (*fd < 0)
		return;
	loop_unwatch(b->loop, *fd);
	close(*fd);
	*fd = -1;
}

/* The bridge is gone for good once no callback of it runs. */
static void release(struct bridge *b)
{
	if (b->c->free)
		b->c->free(b->cud);
	free(b->out);
	free(b->why);
	free(b);
}

static void enter(struct bridge *b)
{
	b->depth++;
}

/* Returns true when b was freed meanwhile (the caller must not touch
 * it). */
static bool leave(struct bridge *b)
{
	if (--b->depth > 0 || !b->dead)
		return b->dead;
	release(b);
	return true;
}

/* The client went away on its own (end of file, reset): forget it and
 * tell the carrier, unless the carrier is ending it itself. */
static void client_lost(struct bridge *b)
{
	close_fd(b, &b->cfd);
	b->cevents = 0;
	b->off = b->len = 0;
	if (b->closing)
		return;
	b->closing = true; /* nothing more goes either way */
	enter(b);
	b->c->client_closed(b->cud);
	leave(b);
}

/* The end bridge_close_client asked for, once nothing waits. */
static void finish_close(struct bridge *b)
{
	char sink[4096];
	ssize_t n;

	if (b->cfd < 0)
		return;
	shutdown(b->cfd, SHUT_WR);
	do
		n = read(b->cfd, sink, sizeof sink);
	while (n > 0 || (n < 0 && errno == EINTR));
	close_fd(b, &b->cfd);
	b->cevents = 0;
}

/* Writes what waits. Returns false when the client is gone. */
static bool flush(struct bridge *b)
{
	bool had = b->off < b->len;

	while (b->off < b->len) {
		ssize_t w = send(b->cfd, b->out + b->off, b->len - b->off,
				 MSG_NOSIGNAL);

		if (w > 0) {
			b->off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		log_msg(LOG_INFO, "bridge", "port %u: writing to the client: %s",
			b->port, w < 0 ? strerror(errno) : "nothing written");
		client_lost(b);
		return false;
	}
	b->off = b->len = 0;
	if (b->closing) {
		finish_close(b);
		return true;
	}
	if (had && b->c->client_drained) {
		enter(b);
		b->c->client_drained(b->cud);
		if (leave(b))
			return false;
	}
	return true;
}

static void read_client(struct bridge *b)
{
	char buf[BRIDGE_CHUNK];
	int i;

	for (i = 0; i < BRIDGE_READS_PER_WAKEUP; i++) {
		ssize_t n;

		if (b->cfd < 0 || b->paused || b->closing || b->dead)
			return;
		n = read(b->cfd, buf, sizeof buf);
		if (n > 0) {
			enter(b);
			b->c->from_client(b->cud, buf, (size_t)n);
			if (leave(b))
				return;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		log_msg(LOG_DEBUG, "bridge", "port %u: the client closed (%s)",
			b->port, n < 0 ? strerror(errno) : "end of file");
		client_lost(b);
		return;
	}
}

static void on_client(struct loop *l, int fd, short revents, void *ud)
{
	struct bridge *b = ud;

	(void)l;
	(void)fd;
	enter(b);
	if (revents & POLLOUT)
		flush(b);
	if (b->cfd >= 0 && !b->dead) {
		if (!b->paused && !b->closing &&
		    (revents & (POLLIN | POLLHUP | POLLERR)))
			read_client(b);
		else if (revents & (POLLHUP | POLLERR))
			/* not reading (paused): the client is gone all the
			 * same, and poll() would say so forever */
			client_lost(b);
	}
	if (leave(b))
		return;
	update_watch(b);
}

static void update_watch(struct bridge *b)
{
	short ev = 0;

	if (b->cfd < 0 || b->dead)
		return;
	if (!b->paused && !b->closing)
		ev |= POLLIN;
	if (b->off < b->len)
		ev |= POLLOUT;
	if (ev == b->cevents)
		return;
	if (ev)
		loop_watch(b->loop, b->cfd, ev, on_client, b);
	else
		loop_unwatch(b->loop, b->cfd);
	b->cevents = ev;
}

/* Is the connection from peer the one the bridge waits for? */
static bool wanted(const struct bridge *b, const struct sockaddr_in *peer)
{
	return b->expect != 0 && !b->accepted && !b->dead &&
	       peer->sin_family == AF_INET &&
	       peer->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	       ntohs(peer->sin_port) == b->expect;
}

/* Takes the connections waiting on the listener: the expected client
 * is served (or, with take, handed back); every other is refused.
 * Returns the client's descriptor when take found it, else -1. */
static int accept_all(struct bridge *b, bool take)
{
	int fd = b->lfd;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		struct sockaddr_in *peer = (struct sockaddr_in *)&ss;
		char addr[INET6_ADDRSTRLEN] = "?";
		int c = accept4(fd, (struct sockaddr *)&ss, &sl,
				SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return -1; /* EAGAIN, or out of descriptors: next time */
		}
		if (wanted(b, peer)) {
			int one = 1;

			/* small writes (a stanza, then <r/>) go at once,
			 * not after the peer's delayed ACK (40 ms) */
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof one);
			b->accepted = true;
			log_msg(LOG_DEBUG, "bridge",
				"port %u: accepted the client from port %u%s",
				b->port, b->expect, take ? ", handed over" : "");
			if (take)
				return c;
			b->cfd = c;
			if (b->closing) {
				/* the carrier failed before it came */
				finish_close(b);
				continue;
			}
			update_watch(b);
			continue;
		}
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &peer->sin_addr, addr, sizeof addr);
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((struct sockaddr_in6 *)&ss)->sin6_addr,
				  addr, sizeof addr);
		log_msg(LOG_WARN, "bridge",
			"port %u: refused a foreign connection from %s port %u "
			"(expected 127.0.0.1 port %u%s)",
			b->port, addr,
			ss.ss_family == AF_INET ? ntohs(peer->sin_port) : 0,
			b->expect, b->accepted ? ", which is served already" : "");
		close(c);
		b->refused++;
	}
}

static void on_listen(struct loop *l, int fd, short revents, void *ud)
{
	struct bridge *b = ud;
	bridge_taken_fn taken = b->taken;
	int c;

	(void)l;
	(void)fd;
	(void)revents;
	c = accept_all(b, taken != NULL);
	if (c < 0)
		return;
	b->taken = NULL;
	enter(b);
	taken(b->taken_ud, c);
	if (!leave(b))
		accept_all(b, false); /* refuse whoever else waits */
}

int bridge_take_client(struct bridge *b, bridge_taken_fn taken, void *ud)
{
	int c;

	if (b->dead || b->accepted || b->closing)
		return -EALREADY;
	c = accept_all(b, true);
	if (c >= 0)
		return c;
	b->taken = taken;
	b->taken_ud = ud;
	return -EAGAIN;
}

struct bridge *bridge_new(struct loop *l, const struct bridge_carrier *c,
			  void *cud)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;
	struct bridge *b;
	int fd, saved;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	b->loop = l;
	b->c = c;
	b->cud = cud;
	b->lfd = fd;
	b->cfd = -1;
	b->port = ntohs(sin.sin_port);
	loop_watch(l, fd, POLLIN, on_listen, b);
	log_msg(LOG_DEBUG, "bridge", "listening on 127.0.0.1 port %u",
		b->port);
	return b;
}

void bridge_free(struct bridge **bp)
{
	struct bridge *b = *bp;

	if (!b)
		return;
	*bp = NULL;
	if (b->dead)
		return;
	close_fd(b, &b->lfd);
	close_fd(b, &b->cfd);
	b->dead = true;
	if (b->depth == 0)
		release(b);
}

unsigned short bridge_port(const struct bridge *b)
{
	return b->port;
}

void bridge_expect_peer(struct bridge *b, unsigned short port)
{
	b->expect = port;
}

int bridge_bind_client(struct bridge *b, int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		return -errno;
	bridge_expect_peer(b, ntohs(sin.sin_port));
	return 0;
}

void bridge_to_client(struct bridge *b, const char *buf, size_t len)
{
	if (b->dead || b->closing || len == 0 || (b->accepted && b->cfd < 0))
		return;
	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	/* a large buffer half written: move what is left to the front */
	if (b->off > 0 && b->off >= b->cap / 2) {
		memmove(b->out, b->out + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	xgrow((void **)&b->out, &b->cap, b->len + len, 1);
	memcpy(b->out + b->len, buf, len);
	b->len += len;
	if (b->cfd < 0)
		return; /* written once libstrophe's connection is accepted */
	/* try at once: the usual case, a socket with room, costs no extra
	 * poll; a failure waits for the loop (the carrier is not told
	 * about the client from inside its own call) */
	while (b->off < b->len) {
		ssize_t w = send(b->cfd, b->out + b->off, b->len - b->off,
				 MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		b->off += (size_t)w;
	}
	if (b->off == b->len)
		b->off = b->len = 0;
	update_watch(b);
}

size_t bridge_client_pending(const struct bridge *b)
{
	return b->len - b->off;
}

void bridge_pause_client(struct bridge *b, bool pause)
{
	if (b->paused == pause)
		return;
	b->paused = pause;
	update_watch(b);
}

void bridge_close_client(struct bridge *b, const char *why)
{
	if (b->dead)
		return;
	if (why && !b->why) {
		b->why = xstrdup(why);
		log_msg(LOG_INFO, "bridge", "port %u: closing: %s", b->port,
			why);
	}
	if (b->closing)
		return;
	b->closing = true;
	b->taken = NULL; /* a client not handed over yet is turned away */
	if (b->cfd < 0)
		return; /* not come yet: it is turned away when it comes */
	if (b->off == b->len)
		finish_close(b);
	else
		update_watch(b); /* POLLOUT only; flush() ends it */
}

const char *bridge_error(const struct bridge *b)
{
	return b->why;
}

bool bridge_client_connected(const struct bridge *b)
{
	return b->cfd >= 0;
}

unsigned bridge_refused(const struct bridge *b)
{
	return b->refused;
}
