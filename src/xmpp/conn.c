/* conn: how natter drives a libstrophe connection (see conn.h).
 *
 * Every connection (an account's session, inband.c's registration
 * stream) gets its own context, so the certificate check and the log
 * know which account they serve; its socket is handed to the app's loop
 * by the sockopt callback, and when it wakes us conn_drain() runs
 * libstrophe. Two traps of libstrophe 0.12 are handled here and in
 * drain.c only. It reads at most 4 KiB per xmpp_run_once() while a TLS
 * record holds up to 16 KiB: the rest waits inside OpenSSL where poll()
 * cannot see it, so after a wakeup drain.c keeps calling
 * xmpp_run_once(ctx, 0) until a call finds nothing to do, committing
 * the account's history before a call that writes our acks. And
 * xmpp_send() only queues: conn_prepare_all() runs before each poll,
 * writes what is queued and asks for POLLOUT while a send queue is not
 * empty. Every stream's socket has Nagle's algorithm off
 * (TCP_NODELAY): with it, a small stanza written while an earlier one
 * was not yet acknowledged (a ping's answer after the answers to
 * in-band blocks, or after an XEP-0198 <a/>) could wait in the kernel
 * for the server's delayed ACK.
 *
 * How bytes reach the server is a struct conn_transport, chosen for an
 * account by transport_for() below: the one place a new way to connect
 * plugs in. "tcp" is libstrophe's own socket to the account's server
 * and port (direct TLS or STARTTLS as its tls option says). The others
 * start a bridge (core/bridge.h), a private loopback endpoint served by
 * natter's loop, and point libstrophe at it (conn_connect_bridge): the
 * sockopt callback, which libstrophe calls before connect(), binds its
 * socket to 127.0.0.1 and tells the bridge that port, the only one it
 * accepts. "proxy" is a plain tunnel through a SOCKS5 or HTTP proxy
 * (core/tunnel.h): made first, then libstrophe is pointed at a bridge
 * whose one client, libstrophe's socket, is handed with the tunnel to a
 * relay process (libstrophe's TLS handshake does not return to the
 * loop, so the loop cannot carry it); TLS stays end to end, checked
 * against the XMPP domain as always. The TLS rules, pins, draining,
 * socket registration and shutdown here stay the same for every
 * transport.
 *
 * A raw stream (iqauth.c's legacy login, inband.c's registration) is
 * one libstrophe negotiates nothing on: conn_raw_open does its TLS here,
 * once for both, and hands it on ready (struct conn_raw_ops).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>

#include "core/app.h"
#include "core/bridge.h"
#include "core/proxy.h"
#include "core/tunnel.h"
#include "core/pinstore.h"
#include "core/webstream.h"
#include "util/url.h"
#include "util/log.h"
#include "util/xmem.h"
#include "core/http.h"
#include "core/resolve.h"
#include "xmpp/conn.h"
#include "xmpp/dial.h"
#include "xmpp/drain.h"
#include "xmpp/iqauth.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

/* libstrophe waits this long for the server to close a stream after
 * xmpp_disconnect(), in one of its own timed handlers; we must call it
 * after that long or the handler never runs. */
#define DISCONNECT_GRACE_MS 2100

#define NS_STREAMS "http://etherx.jabber.org/streams"
#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"

/* libstrophe's sockopt and certificate callbacks carry no user data,
 * only the connection or its context: this leads them to the app, whose
 * xs lists the connections. Set while any connection exists. */
static struct app *cb_app;

static struct xs *xs_of(struct app *app)
{
	return app ? app->xs : NULL;
}

struct session *conn_by_ctx(const xmpp_ctx_t *ctx)
{
	struct xs *xs = xs_of(cb_app);
	size_t i;

	for (i = 0; xs && i < xs->nconns; i++)
		if (xs->conns[i]->ctx == ctx)
			return xs->conns[i];
	return NULL;
}

static bool via_holds(const struct session *s);

/* What the queue acknowledges (a receipt, a marker) is stored before
 * the call that writes the ack. */
static void commit_before_write(void *ud)
{
	struct session *s = ud;

	if (s->acc)
		account_commit(s->app, s->acc);
}

static void drain_later(struct loop *l, void *ud)
{
	struct session *s = ud;

	(void)l;
	s->drain_timer = 0;
	conn_drain(s);
}

/* A drain on the loop's next turn (one is pending at most). */
static void drain_soon(struct session *s)
{
	if (!s->drain_timer)
		s->drain_timer = loop_timer_add(s->app->loop, 0, drain_later,
						s);
}

void conn_drain(struct session *s)
{
	if (via_holds(s))
		return;
	/* still busy (a long flood in, or a long queue going out as the
	 * socket takes it; a socket that takes nothing ends a drain): the
	 * loop gets a turn, and since poll() may not see what is left, the
	 * drain comes back after it */
	if (drain_run(&s->drain))
		drain_soon(s);
}

static void on_socket(struct loop *l, int fd, short revents, void *ud)
{
	(void)l;
	(void)fd;
	(void)revents;
	conn_drain(ud);
}

static int sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	struct session *s = conn_by_ctx(xmpp_conn_get_context(conn));
	int fd = *(int *)sock, one = 1;

	if (s && s->bridge) {
		/* before connect(): the bridge learns our port */
		int r = bridge_bind_client(s->bridge, fd);

		if (r < 0) {
			log_msg(LOG_ERROR, "conn", "%s: cannot bind to 127.0.0.1: %s",
				s->acc->conf->name, strerror(-r));
			return -1;
		}
	}
	/* stanzas go out as they are written (see above) */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (s) {
		if (s->fd >= 0 && s->fd != fd)
			loop_unwatch(s->app->loop, s->fd);
		s->fd = fd;
		loop_watch(s->app->loop, fd, POLLIN | POLLOUT, on_socket, s);
		/* conn_drain returns when libstrophe has nothing left to
		 * read, or with a timer that comes back at once */
		loop_watch_drains(s->app->loop, fd);
	}
	return xmpp_sockopt_cb_keepalive(conn, sock);
}

/* --- transports ------------------------------------------------------- */

/* The server is looked up, its addresses raced and libstrophe given
 * the winner, all without blocking (dial.c). */
static int tcp_open(struct session *s, enum conn_stream kind,
		    xmpp_conn_handler cb, void *ud)
{
	return dial_start(s, kind, cb, ud);
}

static const struct conn_transport tcp = { "tcp", tcp_open };

int conn_connect_bridge(struct session *s, struct bridge *b,
			enum conn_stream kind, xmpp_conn_handler cb, void *ud)
{
	bridge_free(&s->bridge);
	s->bridge = b;
	if (kind == CONN_RAW)
		return xmpp_connect_raw(s->conn, "127.0.0.1", bridge_port(b),
					cb, ud);
	return xmpp_connect_client(s->conn, "127.0.0.1", bridge_port(b), cb,
				   ud);
}

/* Through a proxy: natterrc's, or the environment's unless NO_PROXY
 * names the server (then as "tcp"). No name is resolved here: the proxy
 * resolves the server's (and no SRV record is asked for).
 *
 * libstrophe is started only once the proxy has connected to the server
 * (core/tunnel.c makes the tunnel in the loop): until then it would
 * either count the time against its own connect timeout (5 s) or, for
 * direct TLS, start a handshake nothing can answer. Meanwhile s->via
 * holds what it will be started with. A failure before it starts is
 * reported to the caller's handler as libstrophe reports one
 * (XMPP_CONN_FAIL), with carrier_error saying why; so is conn_close(). */
struct conn_via {
	struct tunnel *tunnel;
	bool waiting;         /* libstrophe not started yet */
	bool taking;          /* libstrophe started, its socket not yet in
			       * the bridge's hands: it is not run (see
			       * via_ready) */
	loop_timer_id take_timer;
	enum conn_stream kind;
	xmpp_conn_handler cb;
	void *ud;
	loop_timer_id fail_timer;
};

/* libstrophe must not run yet (see via_ready). */
static bool via_holds(const struct session *s)
{
	return s->via && s->via->taking;
}

static void via_free(struct session *s)
{
	struct conn_via *v = s->via;

	if (!v)
		return;
	tunnel_free(&v->tunnel);
	loop_timer_cancel(s->app->loop, v->fail_timer);
	loop_timer_cancel(s->app->loop, v->take_timer);
	free(v);
	s->via = NULL;
}

static void via_fail_now(struct loop *l, void *ud)
{
	struct session *s = ud;
	struct conn_via *v = s->via;
	xmpp_conn_handler cb = v->cb;
	void *cud = v->ud;

	(void)l;
	v->fail_timer = 0;
	via_free(s);
	/* what libstrophe would have said of a connection that failed */
	cb(s->conn, XMPP_CONN_FAIL, 0, NULL, cud);
}

/* The attempt fails before libstrophe started: why (copied) is the
 * reason; the handler hears it from the loop. */
static void via_fail(struct session *s, const char *why)
{
	struct conn_via *v = s->via;

	if (why && !s->carrier_error)
		s->carrier_error = xstrdup(why);
	tunnel_free(&v->tunnel);
	if (!v->fail_timer)
		v->fail_timer = loop_timer_add(s->app->loop, 0, via_fail_now, s);
}

/* Ignores what a carrier would be told: the relay carries the stream. */
static void via_ignore(void *cud, const char *buf, size_t len)
{
	(void)cud;
	(void)buf;
	(void)len;
}

static void via_ignore_close(void *cud)
{
	(void)cud;
}

static const struct bridge_carrier via_carrier = {
	.from_client = via_ignore,
	.client_closed = via_ignore_close,
};

/* libstrophe reaches the bridge at once (loopback): this long at most */
#define VIA_ACCEPT_MS 2000

/* libstrophe's socket is the relay's now: the stream goes through the
 * tunnel, and libstrophe may run again. */
static void via_relay(struct session *s, int fd)
{
	struct conn_via *v = s->via;
	int r;

	v->taking = false;
	loop_timer_cancel(s->app->loop, v->take_timer);
	v->take_timer = 0;
	r = tunnel_relay(v->tunnel, fd);
	if (r < 0) {
		/* fd is closed: libstrophe reads the end of the stream */
		free(s->carrier_error);
		s->carrier_error = xasprintf("cannot start the relay through "
					     "%s: %s",
					     tunnel_proxy_words(v->tunnel),
					     strerror(-r));
	}
}

/* The stream is not carried: libstrophe runs again and meets the end of
 * its connection (the bridge refuses it if it comes). */
static void via_untake(struct session *s, const char *why)
{
	struct conn_via *v = s->via;

	if (!v || !v->taking)
		return;
	v->taking = false;
	loop_timer_cancel(s->app->loop, v->take_timer);
	v->take_timer = 0;
	if (why) {
		free(s->carrier_error);
		s->carrier_error = xstrdup(why);
	}
	if (s->bridge)
		bridge_close_client(s->bridge, why);
}

static void via_taken(void *ud, int fd)
{
	struct session *s = ud;

	via_relay(s, fd);
	conn_drain(s);
}

static void via_take_timeout(struct loop *l, void *ud)
{
	struct session *s = ud;

	(void)l;
	s->via->take_timer = 0;
	via_untake(s, "libstrophe's connection to natter's loopback endpoint "
		      "did not come");
	conn_drain(s);
}

static void via_ready(struct tunnel *t, const char *err, void *ud)
{
	struct session *s = ud;
	struct conn_via *v = s->via;
	struct bridge *b;
	char *why;
	int r, fd;

	(void)t;
	if (err) {
		via_fail(s, err);
		return;
	}
	b = bridge_new(s->app->loop, &via_carrier, NULL);
	if (!b) {
		why = xasprintf("cannot open natter's loopback endpoint: %s",
				strerror(errno));
		via_fail(s, why);
		free(why);
		return;
	}
	v->waiting = false;
	r = conn_connect_bridge(s, b, v->kind, v->cb, v->ud);
	if (r != XMPP_EOK) {
		v->waiting = true;
		bridge_free(&s->bridge);
		via_fail(s, "libstrophe cannot connect to natter's loopback "
			 "endpoint");
		return;
	}
	/* libstrophe's TLS handshake (direct TLS) would not return to the
	 * loop before the relay carries its bytes: until the bridge hands
	 * its socket over, libstrophe is not run (conn_drain) */
	fd = bridge_take_client(s->bridge, via_taken, s);
	if (fd >= 0) {
		via_relay(s, fd);
		return;
	}
	if (fd != -EAGAIN) {
		why = xasprintf("libstrophe's connection to natter's loopback "
				"endpoint failed: %s", strerror(-fd));
		free(s->carrier_error);
		s->carrier_error = why;
		/* libstrophe hears of it: the bridge refuses it if it comes */
		bridge_close_client(s->bridge, why);
		return;
	}
	v->taking = true;
	v->take_timer = loop_timer_add(s->app->loop, VIA_ACCEPT_MS,
				       via_take_timeout, s);
}

static int proxy_open(struct session *s, enum conn_stream kind,
		      xmpp_conn_handler cb, void *ud)
{
	const struct account_conf *c = s->acc->conf;
	const char *host = c->server ? c->server : s->acc->domain;
	unsigned port = c->port ? (unsigned)c->port :
			c->tls == TLS_DIRECT ? 5223 : 5222;
	struct conn_via *v;
	struct proxy p;
	char *err = NULL;

	if (proxy_choose(c->proxy, host, &p, &err) < 0) {
		s->carrier_error = err;
		return XMPP_EINVOP;
	}
	if (p.kind == PROXY_NONE)
		return tcp_open(s, kind, cb, ud);
	v = xcalloc(1, sizeof *v);
	v->waiting = true;
	v->kind = kind;
	v->cb = cb;
	v->ud = ud;
	s->via = v;
	v->tunnel = tunnel_new(s->app->loop, &p, host, port, via_ready, s,
			       &err);
	proxy_clear(&p);
	if (!v->tunnel) {
		via_free(s);
		s->carrier_error = err;
		return XMPP_EINT;
	}
	return XMPP_EOK;
}

static const struct conn_transport proxied = { "proxy", proxy_open };

/* BOSH and WebSocket: the bridge's carrier is a webstream (core/
 * webstream.h), which speaks HTTPS or WebSocket over TLS to the URL.
 * libstrophe's hop to the bridge is plain text on loopback: the HTTPS
 * carrier, verified under the account's tls rules, is what protects
 * the stream ("trust" skips verification; a pin for the URL's host
 * accepts that one certificate). */
struct webcarry {
	struct bridge *b;
	struct webstream *w;
	struct session *s;
	char *pin_name; /* "https://HOST": what /trust pins */
	char *pinned;   /* the pin the certificate had to match, or NULL */
};

static void web_from_client(void *cud, const char *buf, size_t len)
{
	struct webcarry *c = cud;

	if (c->w)
		webstream_from_client(c->w, buf, len);
}

static void web_client_closed(void *cud)
{
	struct webcarry *c = cud;

	if (c->w)
		webstream_client_closed(c->w);
}

static void web_free(void *cud)
{
	struct webcarry *c = cud;

	webstream_free(&c->w);
	free(c->pin_name);
	free(c->pinned);
	free(c);
}

static const struct bridge_carrier web_carrier = {
	web_from_client, web_client_closed, NULL, web_free
};

static void web_to_client(void *ud, const char *buf, size_t len)
{
	struct webcarry *c = ud;

	bridge_to_client(c->b, buf, len);
}

static void web_closed(void *ud, const char *why)
{
	struct webcarry *c = ud;

	bridge_close_client(c->b, why);
}

/* The web server's certificate was refused: the account learns it as
 * for the stream's own (xmpp/cert.c), so /trust pins it, for this web
 * server's host, and the next connection over it goes through. */
static void web_cert_refused(void *ud, const struct tlscert *t)
{
	struct webcarry *c = ud;
	struct session *s = c->s;
	struct cert_info *ci = xcalloc(1, sizeof *ci);

	ci->subject = xstrdup(t->subject ? t->subject : "(unknown)");
	ci->issuer = xstrdup(t->issuer ? t->issuer : "(unknown)");
	ci->not_before = xstrdup(t->not_before ? t->not_before : "(unknown)");
	ci->not_after = xstrdup(t->not_after ? t->not_after : "(unknown)");
	ci->fingerprint = xstrdup(t->fingerprint);
	ci->pinned = c->pinned ? xstrdup(c->pinned) : NULL;
	ci->error = xstrdup(t->why ? t->why : "verification failed");
	ci->pin_name = xstrdup(c->pin_name);
	s->cert_refused = true;
	log_msg(LOG_INFO, "conn", "%s: %s refused the certificate of %s",
		s->acc->conf->name, c->pin_name, ci->fingerprint);
	account_cert_refused(s->app, s->acc, &ci);
}

static const struct webstream_ops web_ops = { web_to_client, web_closed,
					      web_cert_refused };

/* The proxy the web transport k takes to host, as natterrc or else the
 * environment (NO_PROXY included) says: *proxy NULL for none, else in
 * libcurl's form (socks5h: the proxy resolves the name; the caller
 * wipes and frees it). libwebsockets as Debian builds it cannot go
 * through a proxy, and a WebSocket that went round one the user asked
 * for would tell the network where the user is: -1 with the reason in
 * s->carrier_error. */
static int web_proxy(struct session *s, enum webstream_kind k,
		     const char *host, char **proxy)
{
	struct proxy p;
	char *err = NULL;

	*proxy = NULL;
	if (!proxy_may_apply(s->acc->conf->proxy)) {
		/* as for TCP: libcurl's own reading of the environment
		 * (https_proxy) does not decide for the stream */
		*proxy = xstrdup("none");
		return 0;
	}
	if (proxy_choose(s->acc->conf->proxy, host ? host : "", &p,
			 &err) < 0) {
		s->carrier_error = err;
		return -1;
	}
	if (p.kind != PROXY_NONE && k == WEBSTREAM_WEBSOCKET) {
		char *which = proxy_describe(&p);

		s->carrier_error = xasprintf(
			"a WebSocket cannot go through %s (natter's "
			"libwebsockets has no proxy support): use transport = "
			"\"bosh\" or \"tcp\" with this proxy", which);
		free(which);
		proxy_clear(&p);
		return -1;
	}
	*proxy = p.kind == PROXY_NONE ? xstrdup("none") : proxy_curl_url(&p);
	proxy_clear(&p);
	return 0;
}

static int web_open(struct session *s, enum webstream_kind k,
		    const char *url, enum conn_stream kind,
		    xmpp_conn_handler cb, void *ud)
{
	const struct account_conf *ac = s->acc->conf;
	struct webstream_conf wc = { 0 };
	struct webcarry *c = xcalloc(1, sizeof *c);
	char *host, *proxy = NULL, *err = NULL;

	wc.url = url                  ? url :
		 k == WEBSTREAM_BOSH ? ac->bosh_url :
				       ac->websocket_url;
	if (!wc.url) {
		free(c);
		s->carrier_error = xasprintf(
			"transport = \"%s\" needs %s in natterrc",
			webstream_kind_name(k),
			k == WEBSTREAM_BOSH ? "bosh_url" : "websocket_url");
		return XMPP_EINVOP;
	}
	wc.trust = ac->tls == TLS_TRUST;
	if (strncmp(wc.url, "wss://", 6) == 0) {
		char *as_https = xasprintf("https://%s", wc.url + 6);

		host = url_host(as_https);
		free(as_https);
	} else {
		host = url_host(wc.url);
	}
	if (web_proxy(s, k, host, &proxy) < 0) {
		free(host);
		free(c);
		return XMPP_EINVOP;
	}
	wc.proxy = proxy;
	wc.resolver = dial_resolver(s);
	c->s = s;
	c->pin_name = xasprintf("https://%s", host ? host : "");
	if (host) {
		wc.pin = pinstore_get(&s->app->pins, c->pin_name);
		if (!wc.pin)
			wc.pin = pinstore_get(&s->app->pins, host);
		c->pinned = wc.pin ? xstrdup(wc.pin) : NULL;
	}
	c->b = bridge_new(s->app->loop, &web_carrier, c);
	if (!c->b) {
		s->carrier_error = xasprintf("cannot open a loopback endpoint: "
					     "%s", strerror(errno));
		web_free(c);
		free(host);
		if (proxy) {
			explicit_bzero(proxy, strlen(proxy));
			free(proxy);
		}
		return XMPP_EINT;
	}
	c->w = webstream_new(k, s->app->loop, &wc, &web_ops, c, &err);
	free(host);
	if (proxy) {
		explicit_bzero(proxy, strlen(proxy));
		free(proxy);
	}
	if (!c->w) {
		s->carrier_error = err;
		bridge_free(&c->b); /* frees c */
		return XMPP_EINT;
	}
	/* the loopback hop carries no TLS of its own (see above) */
	xmpp_conn_set_flags(s->conn, XMPP_CONN_FLAG_DISABLE_TLS);
	s->carrier_tls = strncmp(wc.url, "https://", 8) == 0 ||
			 strncmp(wc.url, "wss://", 6) == 0;
	return conn_connect_bridge(s, c->b, kind, cb, ud);
}

static int bosh_open(struct session *s, enum conn_stream kind,
		     xmpp_conn_handler cb, void *ud)
{
	return web_open(s, WEBSTREAM_BOSH, NULL, kind, cb, ud);
}

static int websocket_open(struct session *s, enum conn_stream kind,
			  xmpp_conn_handler cb, void *ud)
{
	return web_open(s, WEBSTREAM_WEBSOCKET, NULL, kind, cb, ud);
}

int conn_open_web(struct session *s, const char *url, enum conn_stream kind,
		  xmpp_conn_handler cb, void *ud)
{
	return web_open(s, strncmp(url, "wss://", 6) == 0 ?
				   WEBSTREAM_WEBSOCKET : WEBSTREAM_BOSH,
			url, kind, cb, ud);
}

static const struct conn_transport bosh = { "bosh", bosh_open };
static const struct conn_transport websocket = { "websocket",
						 websocket_open };

/* Which transport carries a's connection. */
static const struct conn_transport *transport_for(const struct account *a)
{
	switch (a->conf->transport) {
	case TRANSPORT_BOSH:
		return &bosh;
	case TRANSPORT_WEBSOCKET:
		return &websocket;
	case TRANSPORT_TCP:
	case TRANSPORT_AUTO:
	default:
		break;
	}
	/* NO_PROXY is proxy_open's to read: it needs the host */
	if (proxy_may_apply(a->conf->proxy))
		return &proxied;
	return &tcp;
}

/* --- life ---------------------------------------------------------------- */

/* libstrophe's flags for the account's tls option. */
static long tls_flags(enum tls_mode m, enum conn_stream kind)
{
	long f;

	switch (m) {
	case TLS_DIRECT:
		f = XMPP_CONN_FLAG_LEGACY_SSL;
		break;
	case TLS_TRUST:
		f = XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_TRUST_TLS;
		break;
	case TLS_DISABLE:
		f = XMPP_CONN_FLAG_DISABLE_TLS;
		break;
	case TLS_REQUIRED:
	default:
		f = XMPP_CONN_FLAG_MANDATORY_TLS;
		break;
	}
	/* a raw stream's STARTTLS is the caller's: it insists on it itself */
	if (kind == CONN_RAW)
		f &= ~XMPP_CONN_FLAG_MANDATORY_TLS;
	return f;
}

long conn_flags(const struct account_conf *c, enum conn_stream kind,
		bool direct)
{
	long f;

	if (direct && c->tls == TLS_TRUST)
		f = XMPP_CONN_FLAG_LEGACY_SSL | XMPP_CONN_FLAG_TRUST_TLS;
	else if (direct)
		f = tls_flags(TLS_DIRECT, kind);
	else
		f = tls_flags(c->tls, kind);
	/* never XMPP_CONN_FLAG_LEGACY_AUTH: libstrophe would send the
	 * password itself, even where a digest is offered and after a
	 * failed SASL login; the legacy login is iqauth.c's */
	return f;
}

int conn_new(struct session *s)
{
	struct xs *xs = s->app->xs;

	s->fd = -1;
	s->log.handler = xlog_handler;
	s->log.userdata = s;
	s->ctx = xmpp_ctx_new(NULL, &s->log);
	s->conn = s->ctx ? xmpp_conn_new(s->ctx) : NULL;
	if (!s->conn) {
		if (s->ctx)
			xmpp_ctx_free(s->ctx);
		s->ctx = NULL;
		return -1;
	}
	xmpp_conn_set_sockopt_callback(s->conn, sockopt_cb);
	xmpp_conn_set_certfail_handler(s->conn, cert_check);
	drain_init(&s->drain, s->ctx, s->conn, commit_before_write, s);
	xgrow((void **)&xs->conns, &xs->capconns, xs->nconns + 1,
	      sizeof *xs->conns);
	xs->conns[xs->nconns++] = s;
	cb_app = s->app;
	return 0;
}

void conn_free(struct session *s)
{
	struct xs *xs = s->app->xs;
	size_t i;

	conn_lost(s);
	loop_timer_cancel(s->app->loop, s->grace_timer);
	s->grace_timer = 0;
	loop_timer_cancel(s->app->loop, s->drain_timer);
	s->drain_timer = 0;
	for (i = 0; i < xs->nconns; i++)
		if (xs->conns[i] == s) {
			/* keep the order: conn_prepare_all may be iterating */
			xs->nconns--;
			memmove(&xs->conns[i], &xs->conns[i + 1],
				(xs->nconns - i) * sizeof *xs->conns);
			break;
		}
	if (!xs->nconns) {
		free(xs->conns);
		xs->conns = NULL;
		xs->capconns = 0;
		cb_app = NULL;
	}
	via_free(s);
	xmpp_conn_release(s->conn);
	drain_fini(&s->drain);
	xmpp_ctx_free(s->ctx);
	s->conn = NULL;
	s->ctx = NULL;
	xfree(&s->carrier_error);
	/* after the release: it may still call the dial's handler */
	dial_free(s);
	iqauth_free(s);
	if (!xs->nconns) {
		resolver_free(&xs->resolver);
		http_free(&xs->http);
	}
}

int conn_open(struct session *s, enum conn_stream kind, xmpp_conn_handler cb,
	      void *ud)
{
	s->cert_refused = s->auth_failed = false;
	s->sock_error = 0;
	s->carrier_tls = s->sasl_refused = false;
	/* what a stream's setup logs is read (xlog.c), online or not */
	s->log.handler = xlog_handler;
	xfree(&s->carrier_error);
	bridge_free(&s->bridge);
	via_free(s);
	xmpp_conn_set_flags(s->conn, tls_flags(s->acc->conf->tls, kind));
	return transport_for(s->acc)->open(s, kind, cb, ud);
}

bool conn_encrypted(struct session *s)
{
	return s->carrier_tls || xmpp_conn_is_secured(s->conn);
}

/* --- a raw stream's TLS ------------------------------------------------ */

enum raw_phase {
	RAW_IDLE,     /* not negotiating: down, failed, or the caller's */
	RAW_STREAM,   /* connecting, TLS, streams: waiting for features */
	RAW_STARTTLS, /* <starttls/> sent */
};

static void raw_start_tls(struct conn_raw *r)
{
	if (xmpp_conn_tls_start(r->s->conn) == XMPP_EOK) {
		r->phase = RAW_STREAM;
		xmpp_conn_open_stream_default(r->s->conn);
		return;
	}
	r->phase = RAW_IDLE;
	r->ops->fail(r->ud, CONN_RAW_TLS_FAILED);
}

static int raw_features(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct conn_raw *r = ud;

	if (r->phase != RAW_STREAM)
		return 1;
	/* over BOSH or WebSocket the web transport's HTTPS is the
	 * encryption: nothing offers STARTTLS there */
	if (!conn_encrypted(r->s) && r->s->acc->conf->tls != TLS_DISABLE) {
		if (!stanza_has_child(st, "starttls", NS_TLS)) {
			r->phase = RAW_IDLE;
			r->ops->fail(r->ud, CONN_RAW_NO_STARTTLS);
			return 1;
		}
		r->phase = RAW_STARTTLS;
		xmpp_send_raw_string(conn, "<starttls xmlns='%s'/>", NS_TLS);
		return 1;
	}
	r->phase = RAW_IDLE;
	r->ops->ready(r->ud, st);
	return 1;
}

/* <proceed/> or <failure/>. libstrophe also hands us any stanza with a
 * child in the TLS namespace (the features): those are raw_features'. */
static int raw_tls(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct conn_raw *r = ud;
	const char *name = xmpp_stanza_get_name(st);
	const char *ns = xmpp_stanza_get_ns(st);

	(void)conn;
	if (r->phase != RAW_STARTTLS || !ns || strcmp(ns, NS_TLS) != 0)
		return 1;
	if (strcmp(name, "proceed") == 0) {
		raw_start_tls(r);
	} else if (strcmp(name, "failure") == 0) {
		r->phase = RAW_IDLE;
		r->ops->fail(r->ud, CONN_RAW_TLS_REFUSED);
	}
	return 1;
}

static void raw_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
		     xmpp_stream_error_t *se, void *ud)
{
	struct conn_raw *r = ud;

	switch (event) {
	case XMPP_CONN_RAW_CONNECT:
		/* direct TLS: conn_open or dial.c asked libstrophe for it;
		 * a web transport's loopback hop never carries TLS */
		if ((xmpp_conn_get_flags(conn) & XMPP_CONN_FLAG_LEGACY_SSL) &&
		    !r->s->carrier_tls)
			raw_start_tls(r);
		else
			xmpp_conn_open_stream_default(conn);
		break;
	case XMPP_CONN_CONNECT:
		/* a stream is open: its features come next, if any */
		if (r->phase == RAW_STREAM && r->ops->opened &&
		    r->ops->opened(r->ud))
			r->phase = RAW_IDLE;
		break;
	case XMPP_CONN_DISCONNECT:
	case XMPP_CONN_FAIL:
		r->phase = RAW_IDLE;
		r->ops->down(r->ud, event, error, se);
		break;
	}
}

int conn_raw_open(struct conn_raw *r, struct session *s,
		  const struct conn_raw_ops *ops, void *ud)
{
	r->s = s;
	r->ops = ops;
	r->ud = ud;
	r->phase = RAW_STREAM;
	if (!r->handlers) {
		xmpp_handler_add(s->conn, raw_features, NS_STREAMS, "features",
				 NULL, r);
		xmpp_handler_add(s->conn, raw_tls, NS_TLS, NULL, NULL, r);
		r->handlers = true;
	}
	return conn_open(s, CONN_RAW, raw_conn, r);
}

void conn_raw_free(struct conn_raw *r)
{
	if (r->handlers && r->s && r->s->conn) {
		xmpp_handler_delete(r->s->conn, raw_features);
		xmpp_handler_delete(r->s->conn, raw_tls);
	}
	r->handlers = false;
}

static void grace_over(struct loop *l, void *ud)
{
	struct session *s = ud;

	(void)l;
	s->grace_timer = 0;
	conn_drain(s);
}

void conn_close(struct session *s)
{
	if (dial_abort(s))
		return;
	via_untake(s, NULL);
	if (s->via && s->via->waiting) {
		via_fail(s, "the proxy had not connected yet");
		return;
	}
	if (xmpp_conn_is_disconnected(s->conn))
		return;
	xmpp_disconnect(s->conn);
	/* the stream's end tag is queued as libstrophe's own, which
	 * xmpp_conn_send_queue_len() leaves out, so conn_prepare_all()
	 * would not write it: it would wait for the grace timer while the
	 * server, told nothing, holds the session (over a web transport,
	 * for a resumption: the bridge closes no stream of its own). A
	 * drain writes it; from a timer, as this may run inside one of
	 * libstrophe's handlers, which must not call it again. */
	drain_soon(s);
	loop_timer_cancel(s->app->loop, s->grace_timer);
	s->grace_timer = loop_timer_add(s->app->loop, DISCONNECT_GRACE_MS,
					grace_over, s);
}

void conn_drop(struct session *s)
{
	via_untake(s, "the connection was dropped");
	if (s->via && s->via->waiting) {
		via_fail(s, "the proxy had not connected yet");
		return;
	}
	/* the socket turns readable (end of file); libstrophe reads that
	 * as a lost connection */
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
}

void conn_lost(struct session *s)
{
	if (s->fd >= 0)
		loop_unwatch(s->app->loop, s->fd);
	s->fd = -1;
	if (s->bridge) {
		const char *why = bridge_error(s->bridge);

		if (why && !s->carrier_error)
			s->carrier_error = xstrdup(why);
		bridge_free(&s->bridge);
	}
	if (s->via && !s->via->waiting)
		via_free(s); /* the relay's stream is over */
}

void conn_prepare_all(struct app *app)
{
	struct xs *xs = app->xs;
	size_t i;

	for (i = 0; xs && i < xs->nconns; i++) {
		struct session *s = xs->conns[i];
		short ev = POLLIN;

		if (xmpp_conn_is_connected(s->conn) &&
		    xmpp_conn_send_queue_len(s->conn) > 0)
			conn_drain(s);
		if (i >= xs->nconns || xs->conns[i] != s || s->fd < 0)
			continue;
		if (xmpp_conn_is_connecting(s->conn) ||
		    xmpp_conn_send_queue_len(s->conn) > 0)
			ev |= POLLOUT;
		if (via_holds(s))
			ev = 0; /* its turn comes when the bridge hands it over */
		loop_watch_events(app->loop, s->fd, ev);
	}
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

static bool any_connected(struct session **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!xmpp_conn_is_disconnected(v[i]->conn))
			return true;
	return false;
}

static void time_up(struct loop *l, void *ud)
{
	(void)l;
	*(bool *)ud = true;
}

/* A stream through a bridge (BOSH, WebSocket) ends through the app's
 * loop, which serves the bridge and its carrier: a drain writes
 * libstrophe's end tag (its own, which conn_prepare_all() does not
 * count), the bridge carries it as the transport's close, and the
 * server's answer comes back the same way. Running libstrophe alone,
 * the end never left natter, and the server kept the session for a
 * resumption. The loop runs the app's timers and idle hook as usual;
 * the keyboard is no longer watched (main.c). */
static void shutdown_in_loop(struct session **v, size_t n, int ms)
{
	struct loop *l = v[0]->app->loop;
	bool over = false;
	loop_timer_id t = loop_timer_add(l, (uint64_t)ms, time_up, &over);
	size_t i;

	for (i = 0; i < n; i++)
		if (!xmpp_conn_is_disconnected(v[i]->conn))
			conn_drain(v[i]);
	while (!over && any_connected(v, n))
		if (loop_iterate(l) < 0)
			break;
	if (!over)
		loop_timer_cancel(l, t);
}

void conn_shutdown(struct session **v, size_t n, int ms)
{
	struct timespec start;
	bool bridged = false;
	size_t i;

	for (i = 0; i < n; i++) {
		via_untake(v[i], NULL);
		if (!xmpp_conn_is_disconnected(v[i]->conn)) {
			xmpp_disconnect(v[i]->conn);
			bridged = bridged || v[i]->bridge;
		}
	}
	if (bridged) {
		shutdown_in_loop(v, n, ms);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		int busy = 0;

		for (i = 0; i < n; i++)
			if (!xmpp_conn_is_disconnected(v[i]->conn)) {
				xmpp_run_once(v[i]->ctx, 20);
				busy = 1;
			}
		if (!busy)
			break;
	} while (elapsed_ms(&start) < ms);
}
