/* wsock: XMPP over WebSocket (RFC 7395), a webstream carrier.
 *
 * libwebsockets speaks WebSocket and TLS. Debian 12 builds it without
 * its external-poll callbacks but with libuv as an event library, and
 * libuv is made to be embedded: its whole state is one descriptor
 * (uv_backend_fd) and one deadline (uv_backend_timeout). So each
 * carrier gives lws a libuv loop of its own as a "foreign" loop, natter's
 * loop watches that descriptor, and when it is readable or the deadline
 * comes uv_run(UV_RUN_NOWAIT) runs what is ready; the deadline is
 * refreshed after every run. Nothing blocks, and an idle connection
 * arms no timer (lws's own periodic checks wait for the next wake-up:
 * see uv_sync). (Debian 12's libcurl 7.88 is built without its
 * experimental WebSocket support, so libcurl cannot do this part.) One
 * lws context per carrier, holding one client connection with
 * subprotocol "xmpp".
 *
 * libstrophe's stream is cut into elements (core/xmlframe); its stream
 * header (and each restart) becomes <open/>, its </stream:stream>
 * <close/>, every other element one text message. Each message from the
 * server is one element: <open/> becomes the stream header libstrophe
 * expects, <close/> its end, anything else goes through as it came
 * (unparsed: libstrophe's parser reads it next; see
 * xmlframe_plain_child). What the messages of one run of libuv give
 * libstrophe is collected in `tc` and written to the bridge in one piece
 * after the run, not one write per message. Messages to the server wait
 * in `q` until the socket can take them.
 *
 * The host is looked up first with natter's own resolver (core/resolve,
 * c-ares in the loop): libwebsockets would call getaddrinfo(), which
 * blocks. lws is then given an address literal to connect to, and the
 * host name for the Host header, SNI and the certificate's name; when
 * an address cannot be reached the next one is tried, from the loop.
 *
 * TLS is verified as the stream's would be: OpenSSL's default paths
 * (the system CAs, SSL_CERT_FILE and SSL_CERT_DIR), a pinned
 * certificate accepted by its fingerprint, "trust" accepting any.
 *
 * libwebsockets and libuv are reached through `ws`, a table filled by
 * dlsym() when the first WebSocket connection is made (only their
 * headers are used at build time): linked, they would cost every
 * natter resident memory at login although few accounts use WebSocket.
 * Once loaded they stay, so the table is the one piece of state here
 * that is not a carrier's.
 */
#include "config.h"

#include <dlfcn.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdbool.h>
#include <uv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"
#include "core/pinstore.h"
#include "core/resolve.h"
#include "core/tlscert.h"
#include "core/webstream.h"
#include "core/xmlframe.h"
#include "util/dl.h"
#include "util/log.h"
#include "util/xmem.h"

#define LWS_LIBRARY "libwebsockets.so.17"
#define UV_LIBRARY "libuv.so.1"
#define FRAMING_NS "urn:ietf:params:xml:ns:xmpp-framing"
/* a message larger than this is refused */
#define WSOCK_MAX_MESSAGE (16 * 1024 * 1024)
/* libuv deadlines this far away are lws's housekeeping (uv_sync) */
#define WSOCK_HOUSEKEEPING_MS 1000
/* lws's read buffer: a TLS record's plaintext and some */
#define WSOCK_READ_BUF (32 * 1024)
/* uv_run passes allowed while closing a context */
#define WSOCK_CLOSE_RUNS 64

static struct {
	void *lws, *uv;
	char *err; /* why they could not be loaded */
	/* libuv */
	int (*uv_loop_init)(uv_loop_t *);
	int (*uv_run)(uv_loop_t *, uv_run_mode);
	int (*uv_backend_fd)(const uv_loop_t *);
	int (*uv_backend_timeout)(const uv_loop_t *);
	int (*uv_loop_alive)(const uv_loop_t *);
	int (*uv_loop_close)(uv_loop_t *);
	/* libwebsockets */
	int (*callback_on_writable)(struct lws *);
	struct lws_context *(*get_context)(const struct lws *);
	void *(*context_user)(struct lws_context *);
	int (*is_final_fragment)(struct lws *);
	size_t (*remaining_packet_payload)(struct lws *);
	int (*write)(struct lws *, unsigned char *, size_t,
		     enum lws_write_protocol);
	int (*parse_uri)(char *, const char **, const char **, int *,
			 const char **);
	void (*set_log_level)(int, void (*)(int, const char *));
	struct lws_context *(*create_context)(
		const struct lws_context_creation_info *);
	struct lws *(*client_connect_via_info)(
		const struct lws_client_connect_info *);
	void (*context_destroy)(struct lws_context *);
} ws;

/* Opens one library with its table; false (with ws.err) when it
 * cannot be. */
static bool open_lib(void **lib, const char *name, const char *package,
		     const struct dl_sym *syms, size_t n)
{
	char *why = NULL;

	*lib = dl_load(name, package, syms, n, &why);
	if (*lib)
		return true;
	ws.err = xasprintf("WebSocket needs %s", why);
	free(why);
	return false;
}

/* Loads libuv and libwebsockets once; false (with ws.err) when they
 * cannot be. */
static bool ws_load(void)
{
	static const struct dl_sym uv_syms[] = {
		DL_SYM(ws.uv_loop_init, "uv_loop_init"),
		DL_SYM(ws.uv_run, "uv_run"),
		DL_SYM(ws.uv_backend_fd, "uv_backend_fd"),
		DL_SYM(ws.uv_backend_timeout, "uv_backend_timeout"),
		DL_SYM(ws.uv_loop_alive, "uv_loop_alive"),
		DL_SYM(ws.uv_loop_close, "uv_loop_close"),
	};
	static const struct dl_sym lws_syms[] = {
		DL_SYM(ws.callback_on_writable, "lws_callback_on_writable"),
		DL_SYM(ws.get_context, "lws_get_context"),
		DL_SYM(ws.context_user, "lws_context_user"),
		DL_SYM(ws.is_final_fragment, "lws_is_final_fragment"),
		DL_SYM(ws.remaining_packet_payload, "lws_remaining_packet_payload"),
		DL_SYM(ws.write, "lws_write"),
		DL_SYM(ws.parse_uri, "lws_parse_uri"),
		DL_SYM(ws.set_log_level, "lws_set_log_level"),
		DL_SYM(ws.create_context, "lws_create_context"),
		DL_SYM(ws.client_connect_via_info, "lws_client_connect_via_info"),
		DL_SYM(ws.context_destroy, "lws_context_destroy"),
	};

	if (ws.lws)
		return true;
	if (ws.err)
		return false;
	if (!open_lib(&ws.uv, UV_LIBRARY, "libuv1", uv_syms,
		      sizeof uv_syms / sizeof *uv_syms))
		return false;
	if (!open_lib(&ws.lws, LWS_LIBRARY, "libwebsockets17", lws_syms,
		      sizeof lws_syms / sizeof *lws_syms)) {
		dlclose(ws.uv);
		ws.uv = NULL;
		return false;
	}
	return true;
}

struct wsmsg {
	unsigned char *buf; /* LWS_PRE bytes of room, then the text */
	size_t len;
};

struct wsock {
	struct loop *loop;
	uv_loop_t uv;
	bool uv_ready;
	int uv_fd;           /* watched in natter's loop, or -1 */
	loop_timer_id timer; /* libuv's next deadline */
	struct lws_context *ctx;
	struct lws *wsi;
	struct webstream_ops ops;
	void *ud;
	char *url, *pin;
	bool trust;
	/* where: the host (for Host, SNI, the certificate), its port and
	 * path; its addresses once looked up, tried in order */
	char *host, *path;
	int port;
	struct resolver *resolver;
	struct resolve_q *lookup;
	struct resolve_addr *addrs;
	size_t naddrs, next_addr;
	loop_timer_id next_timer; /* tries the next address */
	bool established, ended, closing, destroying;
	bool deferring; /* lws's housekeeping waits for the next wake-up */

	struct xmlframe *in;    /* libstrophe's stream */
	struct xmlframe *frame; /* one message from the server */
	char *to;

	struct wsmsg *q; /* to send, oldest first */
	size_t nq, capq, q0;

	char *cert_why; /* why the certificate was refused, in words */
	struct tlscert cert; /* and which it was */
	char *rx; /* a message in fragments */
	size_t rx_len, rx_cap;
	/* what the messages of one run of libuv give libstrophe, handed
	 * over in one piece after the run (flush): one write to the bridge
	 * per read from the server, not one per message */
	char *tc;
	size_t tc_len, tc_cap;
	unsigned tc_msgs; /* messages in tc */
	/* what the last message was */
	char *root;
	char *open_from, *open_id, *open_lang;
};

/* Hands what the server's messages gave so far to libstrophe. */
static void flush(struct wsock *w)
{
	size_t n = w->tc_len;

	if (!n)
		return;
	if (w->tc_msgs > 1)
		log_msg(LOG_DEBUG, "wsock", "%u messages from the server "
			"reach libstrophe in one write", w->tc_msgs);
	w->tc_len = 0;
	w->tc_msgs = 0;
	if (!w->destroying)
		w->ops.to_client(w->ud, w->tc, n);
}

static void to_client(struct wsock *w, const char *s, size_t n)
{
	xgrow((void **)&w->tc, &w->tc_cap, w->tc_len + n, 1);
	memcpy(w->tc + w->tc_len, s, n);
	w->tc_len += n;
	w->tc_msgs++;
}

static void end(struct wsock *w, const char *why)
{
	if (w->ended || w->destroying)
		return;
	flush(w); /* what came before the end goes first */
	w->ended = true;
	log_msg(LOG_INFO, "wsock", "%s: %s", w->url, why ? why : "closed");
	w->ops.closed(w->ud, why);
}

static void queue(struct wsock *w, const char *s, size_t n)
{
	struct wsmsg *m;

	if (w->q0 == w->nq)
		w->q0 = w->nq = 0;
	xgrow((void **)&w->q, &w->capq, w->nq + 1, sizeof *w->q);
	m = &w->q[w->nq++];
	m->buf = xmalloc(LWS_PRE + n);
	memcpy(m->buf + LWS_PRE, s, n);
	m->len = n;
	if (w->wsi && w->established)
		ws.callback_on_writable(w->wsi);
}

/* -- libstrophe's side ---------------------------------------------------- */

static void in_open(void *ud, const char *name, const char **attrs)
{
	struct wsock *w = ud;
	const char *to = xmlframe_attr(attrs, "to");
	char *e, *s;

	(void)name;
	if (to && !w->to)
		w->to = xstrdup(to);
	e = xmlframe_escape(w->to ? w->to : "");
	s = xasprintf("<open xmlns='" FRAMING_NS "' to='%s' version='1.0'/>",
		      e);
	queue(w, s, strlen(s));
	free(s);
	free(e);
}

static void in_element(void *ud, const char *xml, size_t len)
{
	queue(ud, xml, len);
}

static void in_close(void *ud)
{
	struct wsock *w = ud;
	static const char bye[] = "<close xmlns='" FRAMING_NS "'/>";

	queue(w, bye, sizeof bye - 1);
	w->closing = true;
}

static const struct xmlframe_ops in_ops = { in_open, in_element, in_close };

/* -- the server's messages ------------------------------------------------ */

static void set(char **p, const char *v)
{
	free(*p);
	*p = v ? xstrdup(v) : NULL;
}

static void frame_open(void *ud, const char *name, const char **attrs)
{
	struct wsock *w = ud;

	set(&w->root, name);
	set(&w->open_from, xmlframe_attr(attrs, "from"));
	set(&w->open_id, xmlframe_attr(attrs, "id"));
	set(&w->open_lang, xmlframe_attr(attrs, "xml:lang"));
}

static const struct xmlframe_ops frame_ops = { frame_open, NULL, NULL };

static void message(struct wsock *w, const char *m, size_t n)
{
	char why[512];

	if (xmlframe_plain_child(m, n)) {
		/* a stanza (or a stream feature, an error): as it came. It
		 * is not parsed here as well: libstrophe's parser reads it
		 * right after, and a fault in it ends the stream there */
		to_client(w, m, n);
		return;
	}
	xmlframe_reset(w->frame);
	xfree(&w->root);
	if (xmlframe_feed(w->frame, m, n) < 0 || !w->root) {
		snprintf(why, sizeof why, "the WebSocket server at %s sent "
			 "malformed XML: %s", w->url,
			 xmlframe_error(w->frame) ? xmlframe_error(w->frame) :
						    "not an element");
		end(w, why);
		return;
	}
	if (strcmp(w->root, "open") == 0) {
		char *h = xmlframe_stream_header(w->open_from, w->open_id,
						 w->open_lang);

		to_client(w, h, strlen(h));
		free(h);
	} else if (strcmp(w->root, "close") == 0) {
		to_client(w, XMLFRAME_STREAM_END, strlen(XMLFRAME_STREAM_END));
		end(w, NULL);
	} else {
		to_client(w, m, n);
	}
}

/* -- libwebsockets ----------------------------------------------------------- */

static void uv_sync(struct wsock *w);
static void try_next(struct loop *l, void *ud);

/* Runs what libuv has ready (lws reads and writes in there), hands
 * libstrophe what the server's messages gave, and sets the next wake-up. */
static void service(struct wsock *w)
{
	ws.uv_run(&w->uv, UV_RUN_NOWAIT);
	flush(w);
	uv_sync(w);
}

static void on_uv_timer(struct loop *l, void *ud)
{
	struct wsock *w = ud;

	(void)l;
	w->timer = 0;
	service(w);
}

static void on_uv_fd(struct loop *l, int fd, short revents, void *ud)
{
	struct wsock *w = ud;

	(void)l;
	(void)fd;
	(void)revents;
	service(w);
}

/* After libuv ran: natter's loop watches its descriptor and wakes it at
 * its next deadline, if it has one. Once the connection is up, a
 * deadline a second or more away is lws's housekeeping (on unix it
 * checks every 30 s for a dead parent, deferred frees and server
 * vhosts; a ping every few minutes with a validity policy), none of
 * which a client connection needs on time: it is left for the next
 * wake-up, when libuv runs whatever is due, so an idle connection
 * wakes natter for nothing. Sooner deadlines (lws's pending reads are
 * one of 0 ms) and those of a connection not up, or closing, are kept. */
static void uv_sync(struct wsock *w)
{
	bool defer;
	int t;

	if (w->destroying)
		return;
	if (w->uv_fd < 0) {
		w->uv_fd = ws.uv_backend_fd(&w->uv);
		if (w->uv_fd >= 0)
			loop_watch(w->loop, w->uv_fd, POLLIN, on_uv_fd, w);
	}
	loop_timer_cancel(w->loop, w->timer);
	w->timer = 0;
	t = ws.uv_backend_timeout(&w->uv);
	defer = t >= WSOCK_HOUSEKEEPING_MS && w->established && !w->closing &&
		!w->ended;
	if (defer && !w->deferring)
		log_msg(LOG_DEBUG, "wsock", "idle: libwebsockets' housekeeping "
			"(due in %d ms) waits for the next wake-up", t);
	w->deferring = defer;
	if (defer)
		t = -1;
	if (t >= 0)
		w->timer = loop_timer_add(w->loop, (uint64_t)t, on_uv_timer, w);
}

/* Notes why the server's certificate is refused, with the fingerprint
 * a pin would name. */
static void refused(struct wsock *w, X509_STORE_CTX *sctx)
{
	if (w->cert_why)
		return;
	tlscert_record(&w->cert, X509_STORE_CTX_get0_cert(sctx),
		       X509_STORE_CTX_get_error(sctx));
	w->cert_why = xasprintf("the server's certificate is not trusted: %s "
				"(SHA-256 %s)",
				X509_verify_cert_error_string(
					X509_STORE_CTX_get_error(sctx)),
				w->cert.fingerprint ? w->cert.fingerprint :
						      "unknown");
}

/* OpenSSL's verdict on one certificate of the chain; 0 accepts. */
static int verify(struct wsock *w, X509_STORE_CTX *sctx, int ok)
{
	char *fp;
	bool pinned;

	if (w->trust) {
		X509_STORE_CTX_set_error(sctx, X509_V_OK);
		return 0;
	}
	if (!w->pin) {
		if (!ok)
			refused(w, sctx);
		return ok ? 0 : 1;
	}
	fp = tlscert_fingerprint(X509_STORE_CTX_get0_cert(sctx));
	pinned = fp && strcmp(fp, w->pin) == 0;
	free(fp);
	if (pinned) {
		X509_STORE_CTX_set_error(sctx, X509_V_OK);
		return 0;
	}
	if (!ok)
		refused(w, sctx);
	return ok ? 0 : 1;
}

static int on_receive(struct wsock *w, struct lws *wsi, const char *in,
		      size_t len)
{
	if (w->rx_len + len > WSOCK_MAX_MESSAGE) {
		end(w, "the WebSocket server sent a message larger than "
		       "16 MiB");
		return -1;
	}
	if (!w->rx_len && ws.is_final_fragment(wsi) &&
	    !ws.remaining_packet_payload(wsi)) {
		/* the whole message at once: no copy */
		message(w, in, len);
		return w->ended ? -1 : 0;
	}
	xgrow((void **)&w->rx, &w->rx_cap, w->rx_len + len + 1, 1);
	memcpy(w->rx + w->rx_len, in, len);
	w->rx_len += len;
	if (ws.is_final_fragment(wsi) && !ws.remaining_packet_payload(wsi)) {
		size_t n = w->rx_len;

		w->rx_len = 0;
		message(w, w->rx, n);
	}
	return w->ended ? -1 : 0;
}

static int on_writeable(struct wsock *w, struct lws *wsi)
{
	struct wsmsg *m;

	if (w->q0 == w->nq)
		return w->closing ? -1 : 0;
	m = &w->q[w->q0++];
	if (ws.write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) <
	    (int)m->len) {
		free(m->buf);
		end(w, "cannot write to the WebSocket connection");
		return -1;
	}
	free(m->buf);
	m->buf = NULL;
	if (w->q0 < w->nq || w->closing)
		ws.callback_on_writable(wsi);
	return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	struct lws_context *cx = wsi ? ws.get_context(wsi) : NULL;
	struct wsock *w = cx ? ws.context_user(cx) : NULL;
	char why[512];

	(void)user;
	if (!w)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS:
		/* the system CAs, or SSL_CERT_FILE / SSL_CERT_DIR */
		SSL_CTX_set_default_verify_paths(user);
		return 0;
	case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION:
		return verify(w, user, (int)len);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		w->wsi = NULL;
		if (!w->cert_why && !w->established &&
		    w->next_addr < w->naddrs && !w->ended && !w->destroying) {
			/* another address of the host, from the loop: not
			 * inside lws's own callback */
			log_msg(LOG_INFO, "wsock", "%s: %s failed: %s", w->url,
				w->addrs[w->next_addr - 1].ip,
				in ? (const char *)in : "failed");
			if (!w->next_timer)
				w->next_timer = loop_timer_add(w->loop, 0,
							       try_next, w);
			return 0;
		}
		if (w->cert.fingerprint && w->ops.cert_refused && !w->ended &&
		    !w->destroying)
			w->ops.cert_refused(w->ud, &w->cert);
		snprintf(why, sizeof why, "cannot open the WebSocket %s: %s",
			 w->url, w->cert_why ? w->cert_why :
				 in ? (const char *)in : "failed");
		end(w, why);
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		w->established = true;
		if (w->q0 < w->nq)
			ws.callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(w, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(w, wsi);
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		if (reason == LWS_CALLBACK_CLIENT_CLOSED) {
			w->wsi = NULL;
			end(w, w->closing ? NULL :
			       "the WebSocket connection closed");
		}
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		if (w->wsi == wsi) {
			w->wsi = NULL;
			end(w, "the WebSocket connection closed");
		}
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	{ "xmpp", callback, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void lws_log(int level, const char *line)
{
	log_msg(level == LLL_ERR ? LOG_ERROR : LOG_WARN, "lws", "%s", line);
}

/* -- the carrier ----------------------------------------------------------- */

static void wsock_free(void *impl);

static bool is_address(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	       inet_pton(AF_INET6, host, a) == 1;
}

/* Asks lws to connect to address (a literal: lws resolves nothing),
 * naming w->host. Returns 0, or -1 when lws refused at once. */
static int ws_connect(struct wsock *w, const char *address)
{
	struct lws_client_connect_info ci;

	memset(&ci, 0, sizeof ci);
	ci.context = w->ctx;
	ci.address = address;
	ci.port = w->port;
	ci.path = w->path;
	ci.host = w->host; /* Host, SNI and the certificate's name */
	ci.origin = w->host;
	ci.protocol = "xmpp";
	ci.alpn = "http/1.1";
	ci.ietf_version_or_minus_one = -1;
	ci.ssl_connection = LCCSCF_USE_SSL;
	if (w->trust)
		ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED |
				     LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
				     LCCSCF_ALLOW_EXPIRED |
				     LCCSCF_ALLOW_INSECURE;
	ci.pwsi = &w->wsi;
	if (!ws.client_connect_via_info(&ci))
		return -1;
	service(w);
	return 0;
}

/* The next of the host's addresses; after the last, the end. */
static void try_next(struct loop *l, void *ud)
{
	struct wsock *w = ud;
	char why[512];

	(void)l;
	w->next_timer = 0;
	while (w->next_addr < w->naddrs && !w->ended) {
		const char *ip = w->addrs[w->next_addr++].ip;

		if (ws_connect(w, ip) == 0)
			return;
		log_msg(LOG_INFO, "wsock", "%s: cannot connect to %s", w->url,
			ip);
	}
	snprintf(why, sizeof why, "cannot open the WebSocket %s: no address "
		 "of %s could be reached", w->url, w->host);
	end(w, why);
}

static void on_addrs(const char *err, const struct resolve_addr *v, size_t n,
		     void *ud)
{
	struct wsock *w = ud;
	char why[512];

	w->lookup = NULL;
	if (err || !n) {
		snprintf(why, sizeof why, "cannot open the WebSocket %s: cannot "
			 "look up %s: %s", w->url, w->host,
			 err ? err : "no address");
		end(w, why);
		return;
	}
	w->addrs = xcalloc(n, sizeof *v);
	memcpy(w->addrs, v, n * sizeof *v);
	w->naddrs = n;
	w->next_addr = 0;
	try_next(w->loop, w);
}

static void *wsock_make(struct loop *l, const struct webstream_conf *c,
			const struct webstream_ops *ops, void *ud, char **err)
{
	struct lws_context_creation_info info;
	const char *prot = NULL, *host = NULL, *path = NULL;
	char *copy;
	int port = 0;
	struct wsock *w;
	void *foreign[1];

	if (!c->url || strncmp(c->url, "wss://", 6) != 0) {
		*err = xasprintf("websocket_url must be a wss:// address, not "
				 "\"%s\"", c->url ? c->url : "");
		return NULL;
	}
	if (!ws_load()) {
		*err = xstrdup(ws.err);
		return NULL;
	}
	copy = xstrdup(c->url);
	if (ws.parse_uri(copy, &prot, &host, &port, &path) || !*host) {
		*err = xasprintf("cannot read websocket_url \"%s\"", c->url);
		free(copy);
		return NULL;
	}
	ws.set_log_level(LLL_ERR | LLL_WARN, lws_log);
	w = xcalloc(1, sizeof *w);
	w->loop = l;
	w->ops = *ops;
	w->ud = ud;
	w->url = xstrdup(c->url);
	w->trust = c->trust;
	w->pin = c->pin ? pin_normalize(c->pin) : NULL;
	w->in = xmlframe_new(&in_ops, w, "jabber:client");
	w->frame = xmlframe_new(&frame_ops, w, NULL);
	w->uv_fd = -1;
	if (ws.uv_loop_init(&w->uv) != 0) {
		*err = xstrdup("libuv could not start");
		free(copy);
		wsock_free(w);
		return NULL;
	}
	w->uv_ready = true;
	foreign[0] = &w->uv;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = w;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
		       LWS_SERVER_OPTION_LIBUV;
	info.foreign_loops = foreign;
	/* lws reads the socket into this buffer: room for a whole TLS
	 * record (16 KiB), so that a burst is read in one pass rather
	 * than 4 KiB (its default) per wake-up */
	info.pt_serv_buf_size = WSOCK_READ_BUF;
	w->ctx = ws.create_context(&info);
	if (!w->ctx) {
		*err = xstrdup("libwebsockets could not start");
		free(copy);
		wsock_free(w);
		return NULL;
	}
	w->host = xstrdup(host);
	w->path = xasprintf("/%s", path ? path : "");
	w->port = port;
	free(copy);
	if (is_address(w->host)) {
		if (ws_connect(w, w->host) < 0) {
			*err = xasprintf("cannot open the WebSocket %s", c->url);
			w->ended = true;
			wsock_free(w);
			return NULL;
		}
		return w;
	}
	if (!c->resolver) {
		*err = xasprintf("cannot look up %s: no resolver", w->host);
		w->ended = true;
		wsock_free(w);
		return NULL;
	}
	w->resolver = c->resolver;
	w->lookup = resolve_addr(w->resolver, w->host, on_addrs, w);
	return w;
}

static void wsock_from_client(void *impl, const char *buf, size_t len)
{
	struct wsock *w = impl;
	char why[512];

	if (w->ended)
		return;
	if (xmlframe_feed(w->in, buf, len) < 0) {
		snprintf(why, sizeof why, "cannot read the client's stream: %s",
			 xmlframe_error(w->in));
		end(w, why);
		return;
	}
	/* libuv applies a change of interest (lws wants to write) in its
	 * next run, not at once */
	service(w);
}

static void wsock_client_closed(void *impl)
{
	struct wsock *w = impl;

	if (!w->closing)
		in_close(w);
	w->ended = true;
	service(w);
}

static void wsock_free(void *impl)
{
	struct wsock *w = impl;
	size_t i;

	w->destroying = true;
	if (w->uv_fd >= 0)
		loop_unwatch(w->loop, w->uv_fd);
	loop_timer_cancel(w->loop, w->timer);
	if (w->ctx)
		ws.context_destroy(w->ctx);
	if (w->uv_ready) {
		/* lws closes its libuv handles asynchronously: let them */
		for (i = 0;
		     i < WSOCK_CLOSE_RUNS && ws.uv_loop_alive(&w->uv); i++)
			ws.uv_run(&w->uv, UV_RUN_NOWAIT);
		if (w->ctx)
			ws.context_destroy(w->ctx);
		if (ws.uv_loop_close(&w->uv) != 0)
			log_msg(LOG_WARN, "wsock", "libuv loop still busy");
	}
	for (i = w->q0; i < w->nq; i++)
		free(w->q[i].buf);
	free(w->q);
	xmlframe_free(&w->in);
	xmlframe_free(&w->frame);
	resolve_cancel(&w->lookup);
	loop_timer_cancel(w->loop, w->next_timer);
	free(w->addrs);
	free(w->host);
	free(w->path);
	free(w->url);
	free(w->pin);
	free(w->to);
	free(w->rx);
	free(w->tc);
	free(w->cert_why);
	tlscert_clear(&w->cert);
	free(w->root);
	free(w->open_from);
	free(w->open_id);
	free(w->open_lang);
	free(w);
}

const struct webstream_impl wsock_impl = { wsock_make, wsock_from_client,
					   wsock_client_closed, wsock_free };
