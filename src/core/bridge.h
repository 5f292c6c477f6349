/* bridge: a private loopback endpoint that carries libstrophe's stream.
 *
 * libstrophe speaks only TCP to a host and port. To reach a server some
 * other way (through a proxy, over BOSH or WebSocket) natter points
 * libstrophe at a bridge: a listening socket on 127.0.0.1, an ephemeral
 * port, served by natter's loop. The bridge accepts exactly one
 * connection, libstrophe's own: the owner learns that socket's local port
 * before it connects (bridge_bind_client from libstrophe's sockopt
 * callback) and any other connection, say another local user's racing
 * in first, is closed at once and noted in the debug log. The listener
 * stays open (and keeps refusing) until the bridge is freed, so an
 * intruder can never take the place of a client that left.
 *
 * What moves the bytes on is a carrier, a small table of callbacks: the
 * bridge hands it what libstrophe writes (from_client) and tells it when
 * libstrophe closed its end (client_closed); the carrier gives bytes
 * back with bridge_to_client (buffered in the bridge, written as the
 * socket takes them, never blocking) and ends the client's connection
 * with bridge_close_client, with its reason in words when it failed:
 * the session shows that reason when the connection goes down. A carrier
 * whose far side cannot take more pauses reading from the client
 * (bridge_pause_client); one that wants to know when the bytes it gave
 * have all reached the client uses client_drained.
 *
 * Callbacks run from the loop. A carrier may call any bridge function
 * from them (including bridge_free on the bridge that called it).
 *
 * A trap: libstrophe 0.12's TLS handshake (STARTTLS or direct) does not
 * return to the loop: tls_start() calls SSL_connect() and select()s on
 * its socket until the handshake is over. Bytes that only the loop moves
 * then never move, and natter hangs. So a carrier in the loop suits a
 * stream on which libstrophe itself speaks no TLS (BOSH and WebSocket,
 * whose TLS is libcurl's); where TLS must run end to end through the
 * bridge (a proxy), the bytes are moved outside the loop: see
 * bridge_take_client and core/tunnel.c.
 */
#ifndef NATTER_CORE_BRIDGE_H
#define NATTER_CORE_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct bridge;

struct bridge_carrier {
	/* libstrophe wrote len bytes (borrowed for the call). */
	void (*from_client)(void *cud, const char *buf, size_t len);
	/* libstrophe closed its end (end of file or an error): nothing more
	 * comes from it and nothing more can reach it. Not called for
	 * bridge_close_client or bridge_free. */
	void (*client_closed)(void *cud);
	/* May be NULL. Everything given with bridge_to_client has been
	 * written to the client's socket (called when the buffer empties
	 * after a write that could not finish at once). */
	void (*client_drained)(void *cud);
	/* May be NULL. Frees cud; bridge_free calls it. */
	void (*free)(void *cud);
};

/* Opens the listening socket (127.0.0.1, port 0, non-blocking) and
 * watches it in l's loop. c and cud are the carrier (c is borrowed and
 * must outlive the bridge; cud is the bridge's from now on when c->free
 * is set). Returns NULL with errno set when the socket cannot be made
 * (then cud is still the caller's). */
struct bridge *bridge_new(struct loop *l, const struct bridge_carrier *c,
			  void *cud);
/* Closes both sockets, without calling client_closed, then frees the
 * carrier (c->free) and the bridge; clears *b. Safe from a carrier's
 * callback: the bridge then goes once the callback returns. */
void bridge_free(struct bridge **b);

/* The port libstrophe is to connect to, on 127.0.0.1. */
unsigned short bridge_port(const struct bridge *b);
/* The one client the bridge accepts: a connection from 127.0.0.1 whose
 * source port is port. Until this is said, every connection is refused. */
void bridge_expect_peer(struct bridge *b, unsigned short port);
/* For libstrophe's sockopt callback, which sees its socket before it
 * connects: binds fd to 127.0.0.1 port 0 and expects the port it got.
 * Returns 0, or -errno (then nothing is expected). */
int bridge_bind_client(struct bridge *b, int fd);

/* Queues len bytes for libstrophe (copied). Ignored after the client
 * went away or the bridge was closed. */
void bridge_to_client(struct bridge *b, const char *buf, size_t len);
/* Bytes given with bridge_to_client not yet written to the client. A
 * carrier stops reading from its far side while this is large. */
size_t bridge_client_pending(const struct bridge *b);
/* While paused, nothing is read from the client (its bytes wait in the
 * socket, and then in libstrophe's send queue). */
void bridge_pause_client(struct bridge *b, bool pause);
/* The carrier is done: what is queued for the client is written, then
 * the client's connection is closed (one not accepted yet is refused).
 * why (copied) says what failed, in words, or is NULL for an orderly
 * end; the first reason given is kept. */
void bridge_close_client(struct bridge *b, const char *why);

/* Called with the client's descriptor, which ud now owns (non-blocking);
 * see bridge_take_client. */
typedef void (*bridge_taken_fn)(void *ud, int fd);

/* For a client that must be carried outside the loop (core/tunnel.c):
 * the bridge hands libstrophe's connection over instead of serving it,
 * and the carrier hears nothing of it. Never blocks. When the client is
 * waiting already, its descriptor is returned at once (taken is not
 * called); else this returns -EAGAIN and taken(ud, fd) is called from
 * the loop when it comes (the caller keeps its own deadline, and
 * bridge_close_client or bridge_free ends the wait without a call).
 * Returns -EALREADY when the client came already or the bridge is
 * closing. The bridge goes on refusing every other connection. */
int bridge_take_client(struct bridge *b, bridge_taken_fn taken, void *ud);

/* What bridge_close_client said went wrong, or NULL; borrowed. */
const char *bridge_error(const struct bridge *b);
/* libstrophe's connection has been accepted and is still open. */
bool bridge_client_connected(const struct bridge *b);
/* How many connections were refused as foreign so far. */
unsigned bridge_refused(const struct bridge *b);

#endif
