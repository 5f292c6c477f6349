/* conn: how natter drives a libstrophe connection (see conn.h).
 *
 * Every connection (an account's session, inband.c's registration
 * stream) gets its own context, so the certificate check and the log
 * know which account they serve; its socket is handed to the app's loop
 * by the sockopt callback, and when it wakes us conn_drain() runs
 * libstrophe. Two traps of libstrophe 0.12 are handled here and only
 * here. It reads at most 4 KiB per xmpp_run_once() while a TLS record
 * holds up to 16 KiB: the rest waits inside OpenSSL where poll() cannot
 * see it, so after a wakeup we keep calling xmpp_run_once(ctx, 0) while
 * it makes progress and DRAIN_EXTRA_CALLS times more, never with a
 * timeout. And xmpp_send() only queues: conn_prepare_all() runs before
 * each poll, writes what is queued and asks for POLLOUT while a send
 * queue is not empty.
 *
 * How bytes reach the server is a struct conn_transport, chosen for an
 * account by transport_for() below: the one place a new way to connect
 * plugs in. Today there is one, "tcp": libstrophe's own socket to the
 * account's server and port (direct TLS or STARTTLS as its tls option
 * says). HTTP binding (BOSH), WebSocket and SOCKS5 or HTTP proxies are
 * meant to be transports whose open() starts a bridge on a private
 * loopback endpoint, served by natter's loop, and points libstrophe at
 * that endpoint; the TLS rules, pins, draining, socket registration and
 * shutdown here stay the same for them.
 */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/app.h"
#include "util/xmem.h"
#include "core/http.h"
#include "core/resolve.h"
#include "xmpp/conn.h"
#include "xmpp/dial.h"
#include "xmpp/session.h"

/* libstrophe waits this long for the server to close a stream after
 * xmpp_disconnect(), in one of its own timed handlers; we must call it
 * after that long or the handler never runs. */
#define DISCONNECT_GRACE_MS 2100
/* After the last call that made progress, this many more calls empty a
 * TLS record that OpenSSL decrypted but libstrophe (4 KiB per call) has
 * not read yet; poll() cannot see those bytes. */
#define DRAIN_EXTRA_CALLS 4

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

void conn_drain(struct session *s)
{
	int idle = 0;

	while (idle < DRAIN_EXTRA_CALLS) {
		unsigned long before = s->progress;

		xmpp_run_once(s->ctx, 0);
		idle = s->progress == before ? idle + 1 : 0;
	}
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
	int fd = *(int *)sock;

	if (s) {
		if (s->fd >= 0 && s->fd != fd)
			loop_unwatch(s->app->loop, s->fd);
		s->fd = fd;
		loop_watch(s->app->loop, fd, POLLIN | POLLOUT, on_socket, s);
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

/* Which transport carries a's connection. */
static const struct conn_transport *transport_for(const struct account *a)
{
	(void)a;
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
	/* legacy jabber:iq:auth only where the server offers no SASL, and
	 * (auto) only on a connection that is encrypted; "legacy" over an
	 * unencrypted one is refused before connecting (dial.c) */
	if (kind == CONN_CLIENT &&
	    (c->auth == AUTH_LEGACY ||
	     (c->auth == AUTH_AUTO && (direct || c->tls != TLS_DISABLE))))
		f |= XMPP_CONN_FLAG_LEGACY_AUTH;
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
	for (i = 0; i < xs->nconns; i++)
		if (xs->conns[i] == s) {
			/* keep the order: conn_prepare_all may be iterating */
			xs->nconns--;
			memmove(&xs->conns[i], &xs->conns[i + 1],
				(xs->nconns - i) * sizeof *xs->conns);
			break;
		}
	dial_free(s);
	if (!xs->nconns) {
		resolver_free(&xs->resolver);
		http_free(&xs->http);
		free(xs->conns);
		xs->conns = NULL;
		xs->capconns = 0;
		cb_app = NULL;
	}
	xmpp_conn_release(s->conn);
	xmpp_ctx_free(s->ctx);
	s->conn = NULL;
	s->ctx = NULL;
}

int conn_open(struct session *s, enum conn_stream kind, xmpp_conn_handler cb,
	      void *ud)
{
	s->cert_refused = s->auth_failed = false;
	s->sock_error = 0;
	xmpp_conn_set_flags(s->conn, tls_flags(s->acc->conf->tls, kind));
	return transport_for(s->acc)->open(s, kind, cb, ud);
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
	if (xmpp_conn_is_disconnected(s->conn))
		return;
	xmpp_disconnect(s->conn);
	loop_timer_cancel(s->app->loop, s->grace_timer);
	s->grace_timer = loop_timer_add(s->app->loop, DISCONNECT_GRACE_MS,
					grace_over, s);
}

void conn_drop(struct session *s)
{
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

void conn_shutdown(struct session **v, size_t n, int ms)
{
	struct timespec start;
	size_t i;

	for (i = 0; i < n; i++)
		if (!xmpp_conn_is_disconnected(v[i]->conn))
			xmpp_disconnect(v[i]->conn);
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
