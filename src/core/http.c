/* http: HTTP transfers inside natter's loop (see http.h).
 *
 * libcurl's functions are reached through `cu`, a table filled by
 * dlsym() when the first transfer starts: the library is the process's
 * once loaded, so the table is the one piece of state here that is not
 * an engine's. Each transfer is an easy handle in the engine's multi
 * handle; the multi handle's socket callback maps libcurl's interest to
 * loop_watch() and its timer callback to one loop timer. After every
 * call into libcurl the engine reads what finished and calls the done
 * callbacks, outside libcurl, so that they may start new transfers.
 * A download writes HTTP_TURN_BYTES at most before its write callback
 * pauses it, and timers of 0 ms let it go on in the loop's next pass,
 * after the loop has looked at everything else. An upload needs no
 * pause: libcurl fills its buffer from the body once per call and
 * sends that, so HTTP_UPLOAD_BUFFER bounds a pass's share.
 *
 * Certificates: libcurl verifies the chain and the host name as usual;
 * an OpenSSL verify callback, installed through CURLOPT_SSL_CTX_FUNCTION
 * with the mode libcurl chose, only watches: it records the first
 * certificate that fails, for the result, and for a pinned host accepts
 * the one certificate whose fingerprint is the pin (clearing the error
 * libcurl would read). A pinned host's name is checked in that callback
 * rather than by libcurl, since a pinned certificate need not name its
 * host; redirects are not followed for a pinned host, whose pin says
 * nothing about another.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/http.h"
#include "core/loop.h"
#include "core/pinstore.h"
#include "core/proc.h"
#include "util/dl.h"
#include "util/log.h"
#include "util/url.h"
#include "util/utf8.h"
#include "util/xmem.h"

#define CURL_LIBRARY "libcurl.so.4"
#define HTTP_MAX_REDIRS 5

static struct {
	void *lib;
	char *err; /* why it could not be loaded */
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	CURLcode (*easy_pause)(CURL *, int);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	unsigned engines; /* curl_global_init while there are any */
} cu;

struct http {
	struct loop *loop;
	CURLM *multi;
	loop_timer_id timer;
	struct http_xfer *xfers; /* running, newest first */
	size_t n;
	unsigned depth; /* inside a call into libcurl */
};

struct http_xfer {
	struct http *h;
	struct http_xfer *next;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *resolve; /* req.resolve, as libcurl wants it */
	struct http_req req;     /* strings are our copies */
	char *host;              /* of the URL, for a pinned host's check */
	char *body_copy;
	int64_t sent;            /* of an in-memory body */
	char *buf;               /* an in-memory download */
	size_t len, cap;
	int64_t limit;           /* refuse more than this */
	bool too_big;
	bool write_failed;
	int write_errno;
	bool cancelled;          /* http_cancel() inside a callback */
	size_t turn_bytes;       /* written since the last pause */
	loop_timer_id resume;    /* to go on after a pause (see above) */
	struct tlscert cert;     /* the first certificate refused */
	char errbuf[CURL_ERROR_SIZE];
	char *content_type;
	/* a tunnel (http_tunnel): its callback, and for its words the
	 * proxy and where it leads */
	http_tunnel_fn tunnel_done;
	void *tunnel_ud;
	char *tunnel_what;
	char *tunnel_target;
};

static int ssl_ex_index = -1;

/* Loads libcurl once; false (with cu.err) when it cannot be. */
static bool curl_load(void)
{
	static const struct dl_sym syms[] = {
		DL_SYM(cu.global_init, "curl_global_init"),
		DL_SYM(cu.global_cleanup, "curl_global_cleanup"),
		DL_SYM(cu.multi_init, "curl_multi_init"),
		DL_SYM(cu.multi_setopt, "curl_multi_setopt"),
		DL_SYM(cu.multi_add_handle, "curl_multi_add_handle"),
		DL_SYM(cu.multi_remove_handle, "curl_multi_remove_handle"),
		DL_SYM(cu.multi_socket_action, "curl_multi_socket_action"),
		DL_SYM(cu.multi_info_read, "curl_multi_info_read"),
		DL_SYM(cu.multi_cleanup, "curl_multi_cleanup"),
		DL_SYM(cu.easy_init, "curl_easy_init"),
		DL_SYM(cu.easy_setopt, "curl_easy_setopt"),
		DL_SYM(cu.easy_getinfo, "curl_easy_getinfo"),
		DL_SYM(cu.easy_cleanup, "curl_easy_cleanup"),
		DL_SYM(cu.easy_strerror, "curl_easy_strerror"),
		DL_SYM(cu.easy_pause, "curl_easy_pause"),
		DL_SYM(cu.slist_append, "curl_slist_append"),
		DL_SYM(cu.slist_free_all, "curl_slist_free_all"),
	};
	char *why = NULL;

	if (cu.lib)
		return true;
	if (cu.err)
		return false;
	cu.lib = dl_load(CURL_LIBRARY, "libcurl4", syms,
			 sizeof syms / sizeof *syms, &why);
	if (!cu.lib) {
		cu.err = xasprintf("HTTP needs %s", why);
		free(why);
		return false;
	}
	return true;
}

/* -- the engine in the loop ------------------------------------------ */

static void finish_done(struct http *h);

static void drive(struct http *h, curl_socket_t fd, int flags)
{
	int running;

	h->depth++;
	cu.multi_socket_action(h->multi, fd, flags, &running);
	h->depth--;
	finish_done(h);
}

static void on_socket(struct loop *l, int fd, short revents, void *ud)
{
	int flags = 0;

	(void)l;
	if (revents & POLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	drive(ud, fd, flags);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *ud,
		     void *sockp)
{
	struct http *h = ud;
	static const short events[] = {
		[CURL_POLL_IN] = POLLIN, [CURL_POLL_OUT] = POLLOUT,
		[CURL_POLL_INOUT] = POLLIN | POLLOUT,
	};

	(void)easy;
	(void)sockp;
	if (what == CURL_POLL_REMOVE)
		loop_unwatch(h->loop, fd);
	else if (what >= CURL_POLL_IN && what <= CURL_POLL_INOUT)
		loop_watch(h->loop, fd, events[what], on_socket, h);
	return 0;
}

static void on_timer(struct loop *l, void *ud)
{
	struct http *h = ud;

	(void)l;
	h->timer = 0;
	drive(h, CURL_SOCKET_TIMEOUT, 0);
}

static int timer_cb(CURLM *multi, long ms, void *ud)
{
	struct http *h = ud;

	(void)multi;
	loop_timer_cancel(h->loop, h->timer);
	h->timer = ms >= 0 ? loop_timer_add(h->loop, (uint64_t)ms, on_timer, h)
			   : 0;
	return 0;
}

struct http *http_new(struct loop *l)
{
	struct http *h = xcalloc(1, sizeof *h);

	h->loop = l;
	return h;
}

/* The multi handle, made with the first transfer. */
static bool engine_ready(struct http *h, char **err)
{
	if (h->multi)
		return true;
	if (!curl_load()) {
		*err = xstrdup(cu.err);
		return false;
	}
	if (cu.engines++ == 0 && cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cu.engines--;
		*err = xstrdup("libcurl could not start");
		return false;
	}
	h->multi = cu.multi_init();
	if (!h->multi) {
		if (--cu.engines == 0)
			cu.global_cleanup();
		*err = xstrdup("libcurl could not start");
		return false;
	}
	cu.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	cu.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	cu.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	cu.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return true;
}

/* -- one transfer ----------------------------------------------------- */

static void xfer_free(struct http_xfer *x)
{
	struct http *h = x->h;
	struct http_xfer **p;

	for (p = &h->xfers; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			h->n--;
			break;
		}
	loop_timer_cancel(h->loop, x->resume);
	cu.multi_remove_handle(h->multi, x->easy);
	cu.easy_cleanup(x->easy);
	cu.slist_free_all(x->headers);
	cu.slist_free_all(x->resolve);
	free((char *)x->req.url);
	if (x->req.proxy) /* may hold a password */
		memset((char *)x->req.proxy, 0, strlen(x->req.proxy));
	free((char *)x->req.proxy);
	free((char *)x->req.pin);
	free(x->host);
	free(x->body_copy);
	free(x->buf);
	free(x->content_type);
	free(x->tunnel_what);
	free(x->tunnel_target);
	tlscert_clear(&x->cert);
	free(x);
}

/* The loop's next pass: the paused transfer goes on (libcurl hands
 * over what it kept from inside curl_easy_pause()). */
static void on_resume(struct loop *l, void *ud)
{
	struct http_xfer *x = ud;
	struct http *h = x->h;

	(void)l;
	x->resume = 0;
	x->turn_bytes = 0;
	h->depth++;
	cu.easy_pause(x->easy, CURLPAUSE_CONT);
	h->depth--;
	/* and reads on now: left to its timer, libcurl came back to the
	 * socket milliseconds later */
	drive(h, CURL_SOCKET_TIMEOUT, 0);
}

/* A timer added from a socket's callback would run in the same pass of
 * the loop; one added from a timer's waits for the next (loop.c). */
static void on_pass(struct loop *l, void *ud)
{
	struct http_xfer *x = ud;

	x->resume = loop_timer_add(l, 0, on_resume, x);
}

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
	struct http_xfer *x = ud;
	size_t len = size * n;

	if (x->cancelled)
		return 0;
	if (x->turn_bytes >= HTTP_TURN_BYTES) {
		if (!x->resume)
			x->resume = loop_timer_add(x->h->loop, 0, on_pass, x);
		return CURL_WRITEFUNC_PAUSE;
	}
	x->turn_bytes += len;
	if (x->limit > 0 && (int64_t)(x->len + len) > x->limit) {
		x->too_big = true;
		return 0;
	}
	if (x->req.out_fd >= 0) {
		size_t off = 0;

		while (off < len) {
			ssize_t w = write(x->req.out_fd, data + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				x->write_failed = true;
				x->write_errno = w < 0 ? errno : EIO;
				return 0;
			}
			off += (size_t)w;
		}
		x->len += len;
		return len;
	}
	xgrow((void **)&x->buf, &x->cap, x->len + len + 1, 1);
	memcpy(x->buf + x->len, data, len);
	x->len += len;
	x->buf[x->len] = '\0';
	return len;
}

static size_t on_read(char *data, size_t size, size_t n, void *ud)
{
	struct http_xfer *x = ud;
	size_t want = size * n;

	if (x->cancelled)
		return CURL_READFUNC_ABORT;
	if (x->req.body_fd >= 0) {
		ssize_t r;

		do
			r = read(x->req.body_fd, data, want);
		while (r < 0 && errno == EINTR);
		return r < 0 ? CURL_READFUNC_ABORT : (size_t)r;
	}
	if ((int64_t)want > x->req.body_len - x->sent)
		want = (size_t)(x->req.body_len - x->sent);
	memcpy(data, x->body_copy + x->sent, want);
	x->sent += (int64_t)want;
	return want;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_xfer *x = ud;
	bool up = x->req.method != HTTP_GET;
	struct http_progress p = { up ? ulnow : dlnow, up ? ultotal : dltotal,
				   0 };
	curl_off_t rate = 0;

	if (x->cancelled)
		return 1;
	/* libcurl calls at least once a second, and for every buffer: the
	 * caller paces what it shows */
	if (!x->req.progress)
		return 0;
	if (p.total <= 0)
		p.total = -1;
	cu.easy_getinfo(x->easy, up ? CURLINFO_SPEED_UPLOAD_T :
				      CURLINFO_SPEED_DOWNLOAD_T, &rate);
	p.rate = rate;
	x->req.progress(x, &p, x->req.ud);
	return x->cancelled;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	struct http_xfer *x = ud;
	size_t len = size * n;
	static const char name[] = "content-type:";

	if (len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
		char *v = xstrndup(data + sizeof name - 1, len - (sizeof name - 1));

		free(x->content_type);
		x->content_type = utf8_sanitize(v, 0);
		free(v);
		/* trim the spaces around it */
		{
			char *s = x->content_type, *e;

			while (*s == ' ' || *s == '\t')
				s++;
			memmove(x->content_type, s, strlen(s) + 1);
			e = x->content_type + strlen(x->content_type);
			while (e > x->content_type &&
			       (e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
		}
	}
	return len;
}

/* -- certificates ----------------------------------------------------- */

static bool names_host(X509 *c, const char *host)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1)
		return X509_check_ip_asc(c, host, 0) == 1;
	return X509_check_host(c, host, 0, 0, NULL) == 1;
}

static int verify_cb(int ok, X509_STORE_CTX *sctx)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(sctx,
					      SSL_get_ex_data_X509_STORE_CTX_idx());
	struct http_xfer *x = ssl ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl),
							 ssl_ex_index) : NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
	char *fp;
	bool pinned;

	if (!x)
		return ok;
	fp = x->req.pin && leaf ? tlscert_fingerprint(leaf) : NULL;
	pinned = fp && strcmp(fp, x->req.pin) == 0;
	free(fp);
	if (pinned) {
		/* the one certificate the user chose: whatever the chain */
		X509_STORE_CTX_set_error(sctx, X509_V_OK);
		return 1;
	}
	if (!ok) {
		tlscert_record(&x->cert, leaf, X509_STORE_CTX_get_error(sctx));
		return ok;
	}
	/* a pinned host's name is ours to check (see above) */
	if (x->req.pin && X509_STORE_CTX_get_error_depth(sctx) == 0 &&
	    !names_host(X509_STORE_CTX_get_current_cert(sctx), x->host)) {
		X509_STORE_CTX_set_error(sctx, X509_V_ERR_HOSTNAME_MISMATCH);
		tlscert_record(&x->cert, leaf, X509_V_ERR_HOSTNAME_MISMATCH);
		return 0;
	}
	return ok;
}

/* libcurl asks OpenSSL to free a connection's record buffers whenever
 * they are empty: every read then allocates them again (34 KiB, past
 * malloc's caches), a cost for each answer on a connection kept alive
 * (BOSH's). Ours stay, two buffers for each connection. */
static CURLcode on_ssl_ctx_buffers(CURL *easy, void *sslctx, void *ud)
{
	(void)easy;
	(void)ud;
	SSL_CTX_clear_mode((SSL_CTX *)sslctx, SSL_MODE_RELEASE_BUFFERS);
	return CURLE_OK;
}

static CURLcode on_ssl_ctx(CURL *easy, void *sslctx, void *ud)
{
	SSL_CTX *ctx = sslctx;

	on_ssl_ctx_buffers(easy, sslctx, ud);
	SSL_CTX_set_ex_data(ctx, ssl_ex_index, ud);
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), verify_cb);
	return CURLE_OK;
}

/* -- starting and ending ---------------------------------------------- */

static void setup_tls(struct http_xfer *x)
{
	/* natter's own SSL_CERT_FILE (xmpp/castore.h) names no CA file:
	 * libcurl keeps its own then, as when the user sets none */
	const char *file = proc_env_hidden("SSL_CERT_FILE") ?
				   NULL :
				   getenv("SSL_CERT_FILE");
	const char *dir = getenv("SSL_CERT_DIR");

	if (x->req.trust) {
		cu.easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 0L);
		cu.easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 0L);
		cu.easy_setopt(x->easy, CURLOPT_SSL_CTX_FUNCTION,
			       on_ssl_ctx_buffers);
		return;
	}
	if (file && *file)
		cu.easy_setopt(x->easy, CURLOPT_CAINFO, file);
	if (dir && *dir)
		cu.easy_setopt(x->easy, CURLOPT_CAPATH, dir);
	if (ssl_ex_index < 0)
		ssl_ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
							NULL);
	cu.easy_setopt(x->easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	cu.easy_setopt(x->easy, CURLOPT_SSL_CTX_DATA, x);
	if (x->req.pin)
		cu.easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 0L);
}

static void setup(struct http_xfer *x)
{
	const struct http_req *r = &x->req;
	CURL *e = x->easy;

	cu.easy_setopt(e, CURLOPT_URL, r->url);
	/* a redirect is followed only where the certificate is checked
	 * as for any host (not under a pin or "trust", which speak for one
	 * host only), and only for a GET: a POST (BOSH's login) or a PUT
	 * is not sent on to wherever an answer points */
	cu.easy_setopt(e, CURLOPT_FOLLOWLOCATION,
		       r->method == HTTP_GET && !r->pin && !r->trust ? 1L : 0L);
	cu.easy_setopt(e, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRS);
	cu.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	cu.easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	cu.easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	cu.easy_setopt(e, CURLOPT_WRITEDATA, x);
	cu.easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	cu.easy_setopt(e, CURLOPT_HEADERDATA, x);
	cu.easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	cu.easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	cu.easy_setopt(e, CURLOPT_XFERINFODATA, x);
	if (!r->held) {
		cu.easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		cu.easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)HTTP_STALL_S);
	}
	cu.easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	if (r->timeout_s > 0)
		cu.easy_setopt(e, CURLOPT_TIMEOUT, r->timeout_s);
	if (x->limit > 0)
		cu.easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
			       (curl_off_t)x->limit);
	if (r->proxy) {
		cu.easy_setopt(e, CURLOPT_PROXY,
			       strcmp(r->proxy, "none") == 0 ? "" : r->proxy);
		/* a proxy natterrc names carries everything: NO_PROXY
		 * speaks for the environment's only */
		cu.easy_setopt(e, CURLOPT_NOPROXY, "");
	}
	if (r->resolve) {
		x->resolve = cu.slist_append(NULL, r->resolve);
		cu.easy_setopt(e, CURLOPT_RESOLVE, x->resolve);
	}
	if (r->method != HTTP_GET) {
		/* no "Expect: 100-continue" round trip before the body */
		x->headers = cu.slist_append(x->headers, "Expect:");
		/* libcurl sends one buffer for each call, 64 KiB unless
		 * told: with a turn's worth a large body takes a sixteenth
		 * of the passes, and the server gets it in larger pieces */
		if (r->body_len > HTTP_UPLOAD_BUFFER)
			cu.easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE,
				       (long)HTTP_UPLOAD_BUFFER);
		cu.easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		cu.easy_setopt(e, CURLOPT_READDATA, x);
	}
	if (r->method == HTTP_PUT) {
		cu.easy_setopt(e, CURLOPT_UPLOAD, 1L);
		cu.easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
			       (curl_off_t)r->body_len);
	} else if (r->method == HTTP_POST) {
		cu.easy_setopt(e, CURLOPT_POST, 1L);
		cu.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			       (curl_off_t)r->body_len);
	}
	cu.easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	setup_tls(x);
}

/* Frees x, which never reached the multi handle. */
static void unstarted_free(struct http_xfer *x)
{
	cu.slist_free_all(x->headers);
	free(x->body_copy);
	free((char *)x->req.url);
	free((char *)x->req.proxy);
	free((char *)x->req.pin);
	free(x->host);
	free(x);
}

struct http_xfer *http_start(struct http *h, const struct http_req *r,
			     char **err)
{
	struct http_xfer *x;
	char *host = r->url ? url_host(r->url) : NULL;

	if (!host) {
		*err = xasprintf("not an http or https address: %s",
				 r->url ? r->url : "(none)");
		return NULL;
	}
	if (r->method != HTTP_GET && r->body_len > 0 && r->body_fd < 0 &&
	    !r->body) {
		free(host);
		*err = xstrdup("nothing to send");
		return NULL;
	}
	if (!engine_ready(h, err)) {
		free(host);
		return NULL;
	}
	x = xcalloc(1, sizeof *x);
	x->h = h;
	x->req = *r;
	x->req.url = xstrdup(r->url);
	x->req.proxy = r->proxy ? xstrdup(r->proxy) : NULL;
	x->req.pin = r->pin ? pin_normalize(r->pin) : NULL;
	/* the caller's lines are copied now: it need not keep them */
	for (size_t i = 0; r->headers && r->headers[i]; i++)
		x->headers = cu.slist_append(x->headers, r->headers[i]);
	x->req.headers = NULL;
	x->host = host;
	if (r->method != HTTP_GET && r->body_fd < 0 && r->body_len > 0) {
		x->body_copy = xmalloc((size_t)r->body_len);
		memcpy(x->body_copy, r->body, (size_t)r->body_len);
	}
	x->limit = r->max_bytes > 0 ? r->max_bytes :
		   r->out_fd < 0    ? HTTP_MAX_MEMORY :
				      0;
	x->easy = cu.easy_init();
	if (!x->easy) {
		unstarted_free(x);
		*err = xstrdup("libcurl could not start a transfer");
		return NULL;
	}
	cu.easy_setopt(x->easy, CURLOPT_PRIVATE, (char *)x);
	/* without these (a libcurl older than 7.85) redirects could go to
	 * ftp or file: no transfer at all */
	if (cu.easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https") !=
		    CURLE_OK ||
	    cu.easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https") !=
		    CURLE_OK) {
		cu.easy_cleanup(x->easy);
		unstarted_free(x);
		*err = xstrdup("this libcurl cannot be limited to http and "
			       "https (7.85 or newer is needed)");
		return NULL;
	}
	setup(x);
	x->req.resolve = NULL; /* the caller's; libcurl has its copy */
	x->next = h->xfers;
	h->xfers = x;
	h->n++;
	cu.multi_add_handle(h->multi, x->easy);
	/* libcurl asks for its first timer from inside add_handle: the
	 * transfer starts from the loop */
	return x;
}

/* The words for a transfer that did not work; into buf. */
static const char *failure(struct http_xfer *x, CURLcode rc, long status,
			   char *buf, size_t size)
{
	if (x->too_big)
		snprintf(buf, size, "larger than the limit of %lld bytes",
			 (long long)x->limit);
	else if (rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(buf, size, "larger than the limit of %lld bytes",
			 (long long)x->limit);
	else if (x->write_failed)
		snprintf(buf, size, "cannot write: %s", strerror(x->write_errno));
	else if (x->cert.fingerprint)
		snprintf(buf, size, "the server's certificate is not trusted: %s",
			 x->cert.why);
	else if (rc != CURLE_OK)
		snprintf(buf, size, "%s", x->errbuf[0] ? x->errbuf :
					  cu.easy_strerror(rc));
	else if (status >= 300 && status < 400 && x->req.pin)
		snprintf(buf, size, "redirected (HTTP %ld), which is not "
			 "followed for a pinned server", status);
	else
		snprintf(buf, size, "the server answered HTTP %ld", status);
	return buf;
}

static void tunnel_finish(struct http_xfer *x, CURLcode rc);

static void finish_done(struct http *h)
{
	CURLMsg *m;
	int left;

	if (h->depth)
		return;
	while ((m = cu.multi_info_read(h->multi, &left))) {
		struct http_xfer *x = NULL;
		struct http_result r = { 0 };
		char words[CURL_ERROR_SIZE + 128];
		long status = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		cu.easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (!x)
			continue;
		if (x->cancelled) {
			xfer_free(x);
			continue;
		}
		if (x->tunnel_done) {
			tunnel_finish(x, m->data.result);
			continue;
		}
		cu.easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		r.status = status;
		r.ok = m->data.result == CURLE_OK && status >= 200 &&
		       status < 300 && !x->too_big && !x->write_failed;
		if (!r.ok)
			r.error = failure(x, m->data.result, status, words,
					  sizeof words);
		r.cert = x->cert.fingerprint ? &x->cert : NULL;
		r.body = x->req.out_fd < 0 ? (x->buf ? x->buf : "") : NULL;
		r.len = x->len;
		r.content_type = x->content_type;
		cu.multi_remove_handle(h->multi, x->easy);
		x->req.done(x, &r, x->req.ud);
		xfer_free(x);
	}
}

void http_cancel(struct http_xfer **xp)
{
	struct http_xfer *x = *xp;

	if (!x)
		return;
	*xp = NULL;
	if (x->h->depth) {
		/* inside libcurl: it ends the transfer at its next callback,
		 * and finish_done() frees it */
		x->cancelled = true;
		return;
	}
	xfer_free(x);
}

size_t http_active(const struct http *h)
{
	return h->n;
}

void http_free(struct http **hp)
{
	struct http *h = *hp;

	if (!h)
		return;
	while (h->xfers)
		xfer_free(h->xfers);
	if (h->multi) {
		cu.multi_cleanup(h->multi);
		if (--cu.engines == 0)
			cu.global_cleanup();
	}
	loop_timer_cancel(h->loop, h->timer);
	free(h);
	*hp = NULL;
}

/* -- tunnels (http.h) -------------------------------------------------
 *
 * CURLOPT_CONNECT_ONLY makes libcurl stop once it is connected: through
 * a SOCKS5 proxy once the proxy has connected onwards, through an HTTP
 * proxy once CONNECT was answered 2xx (libcurl reads that answer a byte
 * at a time, so nothing of the stream after it is left in libcurl's
 * buffers; and an XMPP server says nothing before the client does). The
 * socket is then a plain TCP connection to the server: we take a
 * duplicate of it and let libcurl close its own when the transfer ends,
 * which leaves the connection open through ours. So the stream never
 * passes through libcurl's connection cache, which would close an idle
 * connection it does not know is in use.
 */

/* What went wrong with tunnel x, in words, into buf. */
static const char *tunnel_failure(struct http_xfer *x, CURLcode rc,
				  char *buf, size_t size)
{
	const char *p = x->tunnel_what, *t = x->tunnel_target;
	bool creds = strchr(x->req.proxy, '@') != NULL;
	long perr = 0, code = 0;

	cu.easy_getinfo(x->easy, CURLINFO_PROXY_ERROR, &perr);
	cu.easy_getinfo(x->easy, CURLINFO_HTTP_CONNECTCODE, &code);
	switch (perr) {
	case CURLPX_USER_REJECTED:
		snprintf(buf, size, "%s refused the user name or password", p);
		return buf;
	case CURLPX_NO_AUTH:
		snprintf(buf, size, "%s accepts none of the ways to log in natter "
			 "offered%s", p, creds ? "" :
			 " (it may want a user name and password)");
		return buf;
	case CURLPX_REPLY_NOT_ALLOWED:
		snprintf(buf, size, "%s does not allow a connection to %s", p, t);
		return buf;
	case CURLPX_REPLY_CONNECTION_REFUSED:
		snprintf(buf, size, "%s could not connect to %s: connection "
			 "refused", p, t);
		return buf;
	case CURLPX_REPLY_HOST_UNREACHABLE:
	case CURLPX_REPLY_NETWORK_UNREACHABLE:
		snprintf(buf, size, "%s cannot reach %s", p, t);
		return buf;
	case CURLPX_REPLY_GENERAL_SERVER_FAILURE:
	case CURLPX_REPLY_TTL_EXPIRED:
		snprintf(buf, size, "%s failed to connect to %s", p, t);
		return buf;
	default:
		break;
	}
	if (code == 407)
		snprintf(buf, size, "%s %s (HTTP 407)", p,
			 creds ? "refused the user name or password" :
				 "wants a user name and password");
	else if (code >= 300)
		snprintf(buf, size, "%s refused a connection to %s (HTTP %ld)",
			 p, t, code);
	else if (rc == CURLE_COULDNT_RESOLVE_PROXY)
		snprintf(buf, size, "cannot find %s: its name does not resolve",
			 p);
	else if (rc == CURLE_COULDNT_CONNECT)
		snprintf(buf, size, "cannot reach %s: %s", p,
			 x->errbuf[0] ? x->errbuf : cu.easy_strerror(rc));
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(buf, size, "%s did not answer in time", p);
	else
		snprintf(buf, size, "through %s: %s", p,
			 x->errbuf[0] ? x->errbuf : cu.easy_strerror(rc));
	return buf;
}

static void tunnel_finish(struct http_xfer *x, CURLcode rc)
{
	char words[CURL_ERROR_SIZE + 512];
	const char *err = NULL;
	int fd = -1;

	if (rc == CURLE_OK) {
		curl_socket_t s = CURL_SOCKET_BAD;

		cu.easy_getinfo(x->easy, CURLINFO_ACTIVESOCKET, &s);
		if (s != CURL_SOCKET_BAD)
			fd = fcntl(s, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			snprintf(words, sizeof words, "cannot take over the "
				 "connection through %s: %s", x->tunnel_what,
				 s == CURL_SOCKET_BAD ? "libcurl gave no socket" :
							strerror(errno));
			err = words;
		}
	} else {
		err = tunnel_failure(x, rc, words, sizeof words);
	}
	/* libcurl closes its descriptor of the connection here */
	cu.multi_remove_handle(x->h->multi, x->easy);
	x->tunnel_done(fd, err, x->tunnel_ud);
	xfer_free(x);
}

static bool tunnel_host_ok(const char *h)
{
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && !strchr("-._:", *h) &&
		    (unsigned char)*h < 0x80)
			return false;
	return true;
}

struct http_xfer *http_tunnel(struct http *h, const struct http_tunnel_req *r,
			      char **err)
{
	struct http_xfer *x;
	bool v6 = strchr(r->host, ':') != NULL;
	long limit = r->timeout_s > 0 ? r->timeout_s : 30;

	if (!*r->host || !tunnel_host_ok(r->host) || r->port == 0 ||
	    r->port > 65535) {
		*err = xasprintf("cannot connect through %s to \"%s\" port %u: "
				 "not a host name and port", r->what, r->host,
				 r->port);
		return NULL;
	}
	if (!engine_ready(h, err))
		return NULL;
	x = xcalloc(1, sizeof *x);
	x->h = h;
	x->req.url = xasprintf("http://%s%s%s:%u/", v6 ? "[" : "", r->host,
			       v6 ? "]" : "", r->port);
	x->req.proxy = xstrdup(r->proxy);
	x->req.body_fd = x->req.out_fd = -1;
	x->tunnel_done = r->done;
	x->tunnel_ud = r->ud;
	x->tunnel_what = xstrdup(r->what);
	x->tunnel_target = xasprintf("%s port %u", r->host, r->port);
	x->easy = cu.easy_init();
	if (!x->easy) {
		free(x->tunnel_what);
		free(x->tunnel_target);
		memset((char *)x->req.proxy, 0, strlen(x->req.proxy));
		unstarted_free(x);
		*err = xstrdup("libcurl could not start a connection");
		return NULL;
	}
	cu.easy_setopt(x->easy, CURLOPT_PRIVATE, (char *)x);
	cu.easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http");
	cu.easy_setopt(x->easy, CURLOPT_URL, x->req.url);
	cu.easy_setopt(x->easy, CURLOPT_PROXY, x->req.proxy);
	cu.easy_setopt(x->easy, CURLOPT_NOPROXY, "");
	cu.easy_setopt(x->easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
	cu.easy_setopt(x->easy, CURLOPT_CONNECT_ONLY, 1L);
	cu.easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	cu.easy_setopt(x->easy, CURLOPT_USERAGENT,
		       PACKAGE_NAME "/" PACKAGE_VERSION);
	cu.easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, limit);
	x->next = h->xfers;
	h->xfers = x;
	h->n++;
	cu.multi_add_handle(h->multi, x->easy);
	return x;
}
