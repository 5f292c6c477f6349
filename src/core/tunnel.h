/* tunnel: the bridge's carrier through a SOCKS5 or HTTP proxy.
 *
 * A plain tunnel: libcurl asks the proxy for a connection to the
 * server (core/http.c, http_tunnel), then the bytes libstrophe writes
 * go to that socket as they are and what comes back goes to
 * libstrophe. TLS, STARTTLS or direct, stays end to end between
 * libstrophe and the server, whose certificate is checked against the
 * XMPP domain as on any connection: the proxy sees only ciphertext,
 * and one that changes a byte breaks the stream.
 */
#ifndef NATTER_CORE_TUNNEL_H
#define NATTER_CORE_TUNNEL_H

struct bridge;
struct loop;
struct proxy;

/* A bridge (core/bridge.h) whose carrier asks proxy p for a connection
 * to host (which the proxy resolves) and port, and then carries the
 * stream through it. libstrophe's bytes wait (the bridge is paused)
 * until the proxy has answered; when it refuses, the bridge closes the
 * client with the reason in words (bridge_error). The caller owns the
 * bridge (bridge_free ends the tunnel too). Returns NULL with *err set
 * (the caller frees it) when nothing could be started. */
struct bridge *tunnel_bridge_new(struct loop *l, const struct proxy *p,
				 const char *host, unsigned port, char **err);

#endif
