/* tunnel: a connection to the server through a SOCKS5 or HTTP proxy.
 *
 * libcurl asks the proxy for a connection to the server (core/http.c,
 * http_tunnel), in the loop, without blocking and without a time limit
 * of libstrophe's; when it is made, the owner points libstrophe at a
 * bridge (core/bridge.h), takes libstrophe's connection from it and
 * hands both sockets to tunnel_relay(): a relay process moves the bytes
 * as they are. TLS, STARTTLS or direct, stays end to end between
 * libstrophe and the server, whose certificate is checked against the
 * XMPP domain as on any connection: the proxy sees only ciphertext, and
 * one that changes a byte breaks the stream.
 *
 * Why a process and not the loop: libstrophe's TLS handshake does not
 * return to the loop until it is over (see bridge.h), so bytes the loop
 * would move could not reach the server during it. The relay is a child
 * of natter (fork, no exec) that keeps only the two sockets, polls them
 * and ends when either side has closed and the other has been told; it
 * dies with natter too.
 */
#ifndef NATTER_CORE_TUNNEL_H
#define NATTER_CORE_TUNNEL_H

#include <sys/types.h>

struct loop;
struct proxy;
struct tunnel;

/* Called once, from a loop timer (so the callee may free the tunnel):
 * err is NULL when the proxy has connected to the server, else what
 * went wrong in words (borrowed for the call). */
typedef void (*tunnel_ready_fn)(struct tunnel *t, const char *err, void *ud);

/* Asks proxy p for a connection to host (which the proxy resolves) and
 * port. Returns the tunnel being made, or NULL with *err set (the caller
 * frees it) when nothing could be started. */
struct tunnel *tunnel_new(struct loop *l, const struct proxy *p,
			  const char *host, unsigned port,
			  tunnel_ready_fn ready, void *ud, char **err);
/* After ready said yes: carries the stream between client (a connected
 * socket, taken) and the tunnel in a relay process. Returns 0, or -errno
 * with client closed. */
int tunnel_relay(struct tunnel *t, int client);
/* The proxy in words ("the SOCKS5 proxy 127.0.0.1:9050"); borrowed. */
const char *tunnel_proxy_words(const struct tunnel *t);
/* Cancels a tunnel being made, or ends its relay; clears *t. */
void tunnel_free(struct tunnel **t);

/* The relay alone: a process moving bytes both ways between sockets a
 * and b (both taken) until both directions have ended. The loop reaps
 * it. Returns its pid, or -errno with both closed. */
pid_t tunnel_splice(struct loop *l, int a, int b);

#endif
