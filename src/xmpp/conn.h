/* conn: the mechanics of one connection to a server (see conn.c).
 *
 * A session (session.h) holds the libstrophe context and connection;
 * the functions here make them, open them under the account's TLS rules
 * and pins, hand the socket to the app's loop, drain libstrophe, close
 * and free them. session.c (logging in) and inband.c (a raw stream for
 * registration) both use them, and nothing else in xmpp/ calls
 * xmpp_connect_*, xmpp_run_once or loop_watch.
 */
#ifndef NATTER_XMPP_CONN_H
#define NATTER_XMPP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

struct app;
struct session;

/* What libstrophe does with the stream once the bytes flow. */
enum conn_stream {
	CONN_CLIENT, /* it negotiates TLS, SASL, binding and resumption */
	CONN_RAW,    /* it negotiates nothing: the caller does (inband.c) */
};

/* How bytes reach the server: one per way of connecting. open starts
 * connecting s to its account's server and returns XMPP_EOK or an
 * error; libstrophe then reports to cb(ud) as for xmpp_connect_client
 * or xmpp_connect_raw. */
struct conn_transport {
	const char *name;
	int (*open)(struct session *s, enum conn_stream kind,
		    xmpp_conn_handler cb, void *ud);
};

struct bridge;

/* For a transport's open: points libstrophe at bridge b (core/bridge.h)
 * instead of the server. s owns b from now on: its socket is the one
 * the bridge accepts (bound in the sockopt callback), and when the
 * connection goes down (conn_lost) the bridge is freed and what its
 * carrier said went wrong is kept in s->carrier_error, the reason the
 * session shows. Returns what xmpp_connect_client/raw returned. */
int conn_connect_bridge(struct session *s, struct bridge *b,
			enum conn_stream kind, xmpp_conn_handler cb, void *ud);

/* Makes s's context and connection (s->app and s->acc must be set),
 * with natter's log, socket and certificate callbacks, and counts it
 * among the app's connections (conn_prepare_all, conn_by_ctx). Returns
 * 0, or -1 with nothing made. */
int conn_new(struct session *s);
/* Frees what conn_new made: unwatches the socket, cancels the grace
 * timer. The connection must be disconnected (conn_shutdown). */
void conn_free(struct session *s);
/* The connection whose context is ctx, or NULL (callbacks that only
 * know the context: the certificate check). */
struct session *conn_by_ctx(const xmpp_ctx_t *ctx);
/* Starts connecting with the account's TLS rules through its
 * transport. The caller has set the JID (and password). Clears the last
 * attempt's cert_refused, auth_failed, sock_error and carrier_error.
 * Returns XMPP_EOK or an error (nothing was started; carrier_error may
 * say why). */
int conn_open(struct session *s, enum conn_stream kind, xmpp_conn_handler cb,
	      void *ud);
/* libstrophe's flags for an attempt under c's tls and auth options;
 * direct: this attempt is direct TLS (an _xmpps-client SRV record). */
struct account_conf;
long conn_flags(const struct account_conf *c, enum conn_stream kind,
		bool direct);
/* Starts the stream over url, a WebSocket (wss:) or BOSH (https:)
 * endpoint, as transport = "websocket" or "bosh" would with it (dial.c:
 * what a domain's host-meta published). Returns as conn_open. */
int conn_open_web(struct session *s, const char *url, enum conn_stream kind,
		  xmpp_conn_handler cb, void *ud);
/* Whether s's stream is encrypted on its way to the server: libstrophe's
 * TLS, or the HTTPS of a BOSH or WebSocket transport (whose loopback hop
 * to libstrophe carries no TLS of its own). */
bool conn_encrypted(struct session *s);
/* Runs libstrophe until it stops making progress (see conn.c). */
void conn_drain(struct session *s);
/* Closes the stream, if any, and drains once libstrophe's own close
 * timeout has passed, so its disconnect event comes. */
void conn_close(struct session *s);
/* Drops a link that went silent without closing the stream (the
 * server keeps it for resumption): libstrophe then reports the
 * connection lost, as for any reset. */
void conn_drop(struct session *s);
/* The connection is down: its socket is no longer watched, and its
 * bridge, if any, is freed (see conn_connect_bridge). */
void conn_lost(struct session *s);
/* Before each poll: writes what every connection has queued and asks
 * the loop for POLLOUT while a send queue is not empty. */
void conn_prepare_all(struct app *app);
/* Closes the n connections v[] and runs them until they are
 * disconnected or ms milliseconds have passed (for exiting). */
void conn_shutdown(struct session **v, size_t n, int ms);

#endif
