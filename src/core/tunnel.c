/* tunnel: the proxy carrier (see tunnel.h).
 *
 * One struct tunnel per bridge: its own HTTP engine (so no other
 * transfer shares the multi handle that made the tunnel), the transfer
 * making the tunnel until the proxy has answered, then the tunnel's
 * socket. Bytes for the server wait in `up` while the socket is full;
 * past TUNNEL_HIGH of them the bridge stops reading from libstrophe.
 * Bytes from the server go straight to the bridge; while more than
 * TUNNEL_HIGH of them wait there for libstrophe, the tunnel is not read
 * (client_drained resumes it). So neither direction buffers without
 * bound and nothing blocks.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/bridge.h"
#include "core/http.h"
#include "core/loop.h"
#include "core/proxy.h"
#include "core/tunnel.h"
#include "util/log.h"
#include "util/xmem.h"

#define TUNNEL_HIGH (256 * 1024)
#define TUNNEL_CHUNK 16384
/* reads per wakeup, so a fast server cannot hold the loop */
#define TUNNEL_READS 8

struct tunnel {
	struct loop *loop;
	struct bridge *b;
	struct http *http;
	struct http_xfer *x; /* while the proxy is being asked */
	int fd;              /* the tunnel once made, else -1 */
	short events;        /* what fd is watched for, 0: not watched */
	bool ended;          /* the stream is over either way */
	char *up;            /* for the server: up[off..len) */
	size_t off, len, cap;
	char *what;          /* the proxy, in words */
};

static void update_watch(struct tunnel *t);

/* The tunnel failed (or ended, why NULL): the bridge says so to
 * libstrophe. */
static void end(struct tunnel *t, const char *why)
{
	if (t->ended)
		return;
	t->ended = true;
	if (t->fd >= 0) {
		loop_unwatch(t->loop, t->fd);
		t->events = 0;
		close(t->fd);
		t->fd = -1;
	}
	bridge_close_client(t->b, why);
}

static void fail_errno(struct tunnel *t, const char *doing, int e)
{
	char *why = xasprintf("%s through %s: %s", doing, t->what,
			      strerror(e));

	end(t, why);
	free(why);
}

static void flush_up(struct tunnel *t)
{
	if (t->fd < 0)
		return; /* not made yet, or over */
	while (t->fd >= 0 && t->off < t->len) {
		ssize_t w = send(t->fd, t->up + t->off, t->len - t->off,
				 MSG_NOSIGNAL);

		if (w > 0) {
			t->off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		fail_errno(t, "sending", w < 0 ? errno : EIO);
		return;
	}
	if (t->off == t->len)
		t->off = t->len = 0;
	if (!t->ended)
		bridge_pause_client(t->b, t->len - t->off >= TUNNEL_HIGH);
	update_watch(t);
}

static void read_down(struct tunnel *t)
{
	char buf[TUNNEL_CHUNK];
	int i;

	for (i = 0; i < TUNNEL_READS && t->fd >= 0; i++) {
		ssize_t n;

		if (bridge_client_pending(t->b) >= TUNNEL_HIGH)
			break;
		n = recv(t->fd, buf, sizeof buf, 0);
		if (n > 0) {
			bridge_to_client(t->b, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == 0) {
			/* the server (or the proxy) closed: libstrophe
			 * reads what came, then the end of the stream */
			log_msg(LOG_INFO, "tunnel", "%s: the far side closed",
				t->what);
			end(t, NULL);
		} else {
			fail_errno(t, "receiving", errno);
		}
		return;
	}
	update_watch(t);
}

static void on_socket(struct loop *l, int fd, short revents, void *ud)
{
	struct tunnel *t = ud;

	(void)l;
	(void)fd;
	if (revents & POLLOUT)
		flush_up(t);
	if (t->fd >= 0 && (revents & (POLLIN | POLLHUP | POLLERR)))
		read_down(t);
}

static void update_watch(struct tunnel *t)
{
	short ev = 0;

	if (t->fd < 0)
		return;
	if (bridge_client_pending(t->b) < TUNNEL_HIGH)
		ev |= POLLIN;
	if (t->off < t->len)
		ev |= POLLOUT;
	if (ev == t->events)
		return;
	if (ev)
		loop_watch(t->loop, t->fd, ev, on_socket, t);
	else
		loop_unwatch(t->loop, t->fd);
	t->events = ev;
}

static void on_tunnel(int fd, const char *err, void *ud)
{
	struct tunnel *t = ud;

	t->x = NULL;
	if (fd < 0) {
		end(t, err);
		return;
	}
	if (t->ended) { /* libstrophe left meanwhile */
		close(fd);
		return;
	}
	log_msg(LOG_INFO, "tunnel", "%s: connected", t->what);
	t->fd = fd;
	flush_up(t); /* resumes reading from libstrophe */
}

/* --- the carrier ---------------------------------------------------------- */

static void from_client(void *cud, const char *buf, size_t len)
{
	struct tunnel *t = cud;

	if (t->ended)
		return;
	if (t->off > 0 && t->off >= t->cap / 2) {
		memmove(t->up, t->up + t->off, t->len - t->off);
		t->len -= t->off;
		t->off = 0;
	}
	xgrow((void **)&t->up, &t->cap, t->len + len, 1);
	memcpy(t->up + t->len, buf, len);
	t->len += len;
	flush_up(t);
}

static void client_closed(void *cud)
{
	struct tunnel *t = cud;

	http_cancel(&t->x);
	if (t->fd >= 0 && t->off < t->len) {
		/* libstrophe's last words (</stream:stream>) if the socket
		 * takes them now; it does not wait for more */
		ssize_t w = send(t->fd, t->up + t->off, t->len - t->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		(void)w;
	}
	if (t->fd >= 0)
		shutdown(t->fd, SHUT_WR);
	end(t, NULL);
}

static void client_drained(void *cud)
{
	struct tunnel *t = cud;

	/* room again for what the server sends */
	if (t->fd >= 0)
		read_down(t);
}

static void tunnel_free(void *cud)
{
	struct tunnel *t = cud;

	http_cancel(&t->x);
	if (t->fd >= 0) {
		loop_unwatch(t->loop, t->fd);
		close(t->fd);
	}
	http_free(&t->http);
	free(t->up);
	free(t->what);
	free(t);
}

static const struct bridge_carrier tunnel_carrier = {
	.from_client = from_client,
	.client_closed = client_closed,
	.client_drained = client_drained,
	.free = tunnel_free,
};

struct bridge *tunnel_bridge_new(struct loop *l, const struct proxy *p,
				 const char *host, unsigned port, char **err)
{
	struct tunnel *t = xcalloc(1, sizeof *t);
	struct http_tunnel_req r = { 0 };
	struct bridge *b;
	char *url;

	t->loop = l;
	t->fd = -1;
	t->what = proxy_describe(p);
	b = bridge_new(l, &tunnel_carrier, t);
	if (!b) {
		*err = xasprintf("cannot open natter's loopback endpoint for "
				 "%s: %s", t->what, strerror(errno));
		free(t->what);
		free(t);
		return NULL;
	}
	t->b = b;
	t->http = http_new(l);
	/* libstrophe's bytes wait until the proxy has answered */
	bridge_pause_client(b, true);
	url = proxy_curl_url(p);
	r.proxy = url;
	r.what = t->what;
	r.host = host;
	r.port = port;
	r.done = on_tunnel;
	r.ud = t;
	t->x = http_tunnel(t->http, &r, err);
	memset(url, 0, strlen(url));
	free(url);
	if (!t->x) {
		bridge_free(&b);
		return NULL;
	}
	log_msg(LOG_INFO, "tunnel", "asking %s for %s port %u", t->what, host,
		port);
	return b;
}
