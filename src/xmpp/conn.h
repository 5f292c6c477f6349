/* conn: the mechanics of one connection to a server (see conn.c).
 *
 * A session (session.h) holds the libstrophe context and connection;
 * the functions here make them, open them under the account's TLS rules
 * and pins, hand the socket to the app's loop, drain libstrophe, close
 * and free them. session.c (logging in) and inband.c (a raw stream for
 * registration) both use them, and nothing else in xmpp/ calls
 * xmpp_connect_*, xmpp_run_once or loop_watch (conn_drain's calls
 * to xmpp_run_once are made in drain.c).
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
/* Runs libstrophe until a call finds nothing to do (see conn.c). */
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

/* --- a raw stream made ready for its caller -------------------------- */

/* Why conn_raw could not have TLS. */
enum conn_raw_fail {
	CONN_RAW_NO_STARTTLS, /* the stream features offer no STARTTLS */
	CONN_RAW_TLS_REFUSED, /* the server answered <starttls/> <failure/> */
	CONN_RAW_TLS_FAILED,  /* the handshake failed (s->cert_refused says
			       * when our check refused the certificate) */
};

/* What a raw stream reports to its caller (iqauth.c, inband.c); ud is
 * the caller's, given to conn_raw_open. */
struct conn_raw_ops {
	/* The stream is ready: encrypted (conn_encrypted), or tls is
	 * "disable"; features (borrowed) are its <stream:features/>. */
	void (*ready)(void *ud, xmpp_stanza_t *features);
	/* TLS cannot be had on it; the stream is still open. */
	void (*fail)(void *ud, enum conn_raw_fail why);
	/* A stream was opened while negotiating (libstrophe's
	 * XMPP_CONN_CONNECT); returns whether the caller takes it as
	 * ready without features (a pre-1.0 server sends none). May be
	 * NULL. */
	bool (*opened)(void *ud);
	/* libstrophe's XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL. */
	void (*down)(void *ud, xmpp_conn_event_t event, int error,
		     xmpp_stream_error_t *se);
};

/* The TLS negotiation of a raw stream, embedded in its caller's struct
 * (zeroed before the first conn_raw_open) and kept as long as the
 * session's connection. */
struct conn_raw {
	struct session *s;
	const struct conn_raw_ops *ops;
	void *ud;
	int phase;     /* conn.c's */
	bool handlers; /* its stanza handlers are on s->conn */
};

/* Opens a raw stream on s (conn_open with CONN_RAW; the caller has set
 * the JID) and negotiates TLS under the account's rules: direct TLS
 * when the attempt is (tls = "direct", or an _xmpps-client record), else
 * STARTTLS and a second stream unless the transport's HTTPS already
 * encrypts it or tls is "disable"; then ops->ready. Every event of the
 * connection goes through ops. Returns as conn_open. */
int conn_raw_open(struct conn_raw *r, struct session *s,
		  const struct conn_raw_ops *ops, void *ud);
/* Removes r's stanza handlers from its connection (before conn_free,
 * never from inside a libstrophe callback). */
void conn_raw_free(struct conn_raw *r);

#endif
