/* webstream: what BOSH (core/bosh.c) and WebSocket (core/wsock.c) have
 * in common, so that the connection core drives either the same way.
 *
 * A carrier turns the XMPP stream libstrophe writes (to a loopback
 * bridge) into HTTP requests or WebSocket messages, and what the server
 * answers back into a stream for libstrophe. It is made for one
 * connection attempt and freed with it; it reports to its owner through
 * struct webstream_ops, from natter's loop.
 */
#ifndef NATTER_CORE_WEBSTREAM_H
#define NATTER_CORE_WEBSTREAM_H

#include <stdbool.h>
#include <stddef.h>

struct loop;
struct resolver;
struct tlscert;

/* Where and how: borrowed for webstream_new's call only. */
struct webstream_conf {
	const char *url;   /* https:// (BOSH) or wss:// (WebSocket) */
	bool trust;        /* tls = "trust": no verification */
	const char *pin;   /* the host's pinned SHA-256 fingerprint, or
			    * NULL */
	const char *proxy; /* as http_req's proxy (BOSH only) */
	/* the loop's resolver (core/resolve.h): WebSocket looks its host
	 * up with it, never with a blocking getaddrinfo. Borrowed: it must
	 * outlive the carrier. */
	struct resolver *resolver;
};

/* What a carrier tells its owner. */
struct webstream_ops {
	/* bytes of the stream for libstrophe */
	void (*to_client)(void *ud, const char *buf, size_t len);
	/* the server side ended (or failed: why says how, in words, one
	 * line); libstrophe's side should be closed. Called once; the
	 * carrier may still be freed only by its owner. */
	void (*closed)(void *ud, const char *why);
	/* The web server's certificate was refused (c borrowed for the
	 * call): called at most once, before closed. May be NULL. */
	void (*cert_refused)(void *ud, const struct tlscert *c);
};

struct webstream;

/* The kinds of carrier. */
enum webstream_kind { WEBSTREAM_BOSH, WEBSTREAM_WEBSOCKET };

/* A carrier of kind k for c, reporting to ops(ud); NULL with *err set
 * (the caller frees it) when c cannot be used (not https/wss, no
 * library). Nothing is sent before the client's stream header. */
struct webstream *webstream_new(enum webstream_kind k, struct loop *l,
				const struct webstream_conf *c,
				const struct webstream_ops *ops, void *ud,
				char **err);
/* libstrophe's bytes, as they come. */
void webstream_from_client(struct webstream *w, const char *buf, size_t len);
/* libstrophe's side closed: the session ends politely if it can. */
void webstream_client_closed(struct webstream *w);
/* Ends everything at once, no callbacks; clears *w. */
void webstream_free(struct webstream **w);
/* "bosh" or "websocket". */
const char *webstream_kind_name(enum webstream_kind k);

/* For the carriers: each brings these (bosh.c, wsock.c). */
struct webstream_impl {
	void *(*make)(struct loop *l, const struct webstream_conf *c,
		      const struct webstream_ops *ops, void *ud, char **err);
	void (*from_client)(void *impl, const char *buf, size_t len);
	void (*client_closed)(void *impl);
	void (*free)(void *impl);
};
extern const struct webstream_impl bosh_impl;
extern const struct webstream_impl wsock_impl;

#endif
