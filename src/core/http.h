/* http: HTTP transfers inside natter's loop, through libcurl's multi
 * interface.
 *
 * One engine (struct http) drives every transfer from the loop's poll():
 * libcurl says which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when
 * to wake it (CURLMOPT_TIMERFUNCTION); nothing blocks and there are no
 * threads. libcurl is loaded with dlopen() when the first transfer
 * starts: linked in, it and its thirty-odd libraries cost every natter
 * about 6 MiB of resident memory, whether it ever fetches a file or not.
 *
 * TLS follows the rules of the account's stream: the system CAs, and
 * SSL_CERT_FILE / SSL_CERT_DIR from the environment (Debian's libcurl
 * ignores them unless it is told); `trust` turns verification off; a
 * pinned SHA-256 fingerprint accepts the one certificate it names, for
 * its host. A certificate refused is described in the result, so that
 * the user can be shown it and pin it with /trust. Only http and https
 * are spoken; redirects go to https only, five at most. `proxy` picks a
 * proxy ("socks5h://host:port", "http://host:port"), "none" none, NULL
 * the environment's (ALL_PROXY, https_proxy, NO_PROXY).
 *
 * A transfer's callbacks run from the loop. After its done callback
 * returns, the transfer is freed; http_cancel() ends one without it.
 */
#ifndef NATTER_CORE_HTTP_H
#define NATTER_CORE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tlscert.h"

struct loop;
struct http;
struct http_xfer;

/* An in-memory download larger than this is refused unless the request
 * says otherwise. */
#define HTTP_MAX_MEMORY (1024 * 1024)

enum http_method { HTTP_GET, HTTP_PUT, HTTP_POST };

struct http_progress {
	int64_t done;  /* bytes moved so far (up for PUT/POST, else down) */
	int64_t total; /* bytes expected, -1 when not known */
	int64_t rate;  /* bytes per second, on average so far */
};

/* The server's certificate, when verification refused it. */

struct http_result {
	bool ok;             /* complete, and the server said 2xx */
	long status;         /* the HTTP status, 0 when none came */
	const char *error;   /* when !ok: what went wrong, in words */
	const struct tlscert *cert; /* set when the certificate was
				       * refused */
	const char *body;    /* an in-memory download (NUL-terminated),
			      * else NULL */
	size_t len;          /* bytes of body, or written to out_fd */
	const char *content_type; /* the server's, or NULL */
};

typedef void (*http_progress_fn)(struct http_xfer *x,
				 const struct http_progress *p, void *ud);
/* Everything in r is borrowed for the duration of the call. */
typedef void (*http_done_fn)(struct http_xfer *x, const struct http_result *r,
			     void *ud);

struct http_req {
	enum http_method method;
	const char *url;
	/* "Name: value" lines, NULL-terminated; may be NULL */
	const char *const *headers;
	/* what goes up (PUT, POST): body_len bytes read from body_fd (the
	 * caller keeps it), or from body when body_fd < 0 */
	int body_fd;
	const char *body;
	int64_t body_len;
	/* what comes down: written to out_fd (the caller keeps it), or
	 * kept in memory (out_fd < 0) and given to the done callback */
	int out_fd;
	/* a larger body is refused; 0: HTTP_MAX_MEMORY in memory, no limit
	 * into a file */
	int64_t max_bytes;
	const char *proxy;   /* see above */
	/* "HOST:PORT:ADDRESS": HOST is at ADDRESS, looked up already (by
	 * core/resolve, without blocking); NULL: libcurl looks it up */
	const char *resolve;
	bool trust;          /* tls = "trust": no verification at all */
	const char *pin;     /* the host's pinned fingerprint, or NULL */
	long timeout_s;      /* the whole transfer; 0: none (a stall of
			      * HTTP_STALL_S without a byte ends it anyway) */
	/* a request the server may hold (BOSH): no stall limit, which
	 * libcurl checks once a second while a transfer is quiet; then
	 * timeout_s alone bounds it */
	bool held;
	http_progress_fn progress; /* may be NULL */
	http_done_fn done;
	void *ud;
};

#define HTTP_STALL_S 60
/* Bytes one transfer writes in one turn of the loop at most: libcurl
 * goes on reading while its socket is readable (up to a hundred
 * buffers in one call), which over a fast link kept the loop from
 * answering anything else for tens of milliseconds. Past this the
 * transfer pauses and goes on at the loop's next turn. */
#define HTTP_TURN_BYTES (1024 * 1024)
/* An upload's buffer: libcurl fills it from the body and sends it in
 * one turn of the loop, and no more in that turn. */
#define HTTP_UPLOAD_BUFFER HTTP_TURN_BYTES

struct http *http_new(struct loop *l);
/* Cancels what runs (no callbacks) and frees the engine; clears *h. */
void http_free(struct http **h);
/* Starts r. Returns the transfer (the engine's, valid until its done
 * callback returns or it is cancelled), or NULL with *err set (the
 * caller frees it): libcurl cannot be loaded, the URL is not http(s),
 * a PUT without a body. */
struct http_xfer *http_start(struct http *h, const struct http_req *r,
			     char **err);
/* Ends x without calling its done callback; clears *x. */
void http_cancel(struct http_xfer **x);
/* How many transfers run. */
size_t http_active(const struct http *h);

/* -- tunnels ---------------------------------------------------------
 * A connection through a proxy (SOCKS5 with the proxy resolving the
 * name, or HTTP CONNECT) to host:port, for a stream natter carries
 * itself (core/tunnel.c): libcurl makes it (CURLOPT_CONNECT_ONLY) and
 * hands over the socket. done gets the connected, non-blocking socket
 * (the callee's to close) and NULL, or -1 and what went wrong in words;
 * the transfer is freed after it returns. http_cancel() ends a tunnel
 * not yet made. */
typedef void (*http_tunnel_fn)(int fd, const char *err, void *ud);

struct http_tunnel_req {
	const char *proxy;  /* as libcurl wants it (proxy_curl_url) */
	const char *what;   /* the proxy in words, without its password
			     * (proxy_describe) */
	const char *host;   /* resolved by the proxy */
	unsigned port;
	long timeout_s;     /* for the proxy's answer; 0: 30 s */
	http_tunnel_fn done;
	void *ud;
};

/* Starts r. Returns the tunnel being made (the engine's, as for
 * http_start), or NULL with *err set (the caller frees it): libcurl
 * cannot be loaded, host is not a host name or address. */
struct http_xfer *http_tunnel(struct http *h, const struct http_tunnel_req *r,
			      char **err);

#endif
