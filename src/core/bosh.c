/* bosh: XMPP over HTTP binding (XEP-0124, XEP-0206), a webstream
 * carrier.
 *
 * libstrophe's stream is cut into elements (core/xmlframe); they queue
 * in `out` until a request may go: at most `requests` (2) are in flight,
 * one of which the server holds (hold=1) while it has nothing for us, so
 * an idle session costs one request per `wait` seconds and nothing in
 * between. Every request carries the next rid. Answers are handled in
 * rid order (two connections may finish out of order): each <body/> is
 * cut again and its children go to libstrophe, in one write. An
 * answer read before an older one waits in `reqs` but no longer counts as in flight: the next
 * request goes at once, as long as its rid stays within `requests` of
 * the oldest unanswered one (the server's window). The stream header
 * libstrophe expects is made from the session creation answer (its
 * authid is the stream id, as XEP-0206 has a legacy digest login hash
 * it; else its sid) and again when a restart (xmpp:restart='true')
 * goes out, sent when libstrophe opens a new stream after SASL: the
 * server may answer it on an older, held request. libstrophe's
 * </stream:stream> becomes type='terminate'; the
 * server's terminate, an HTTP error or a broken connection end the
 * carrier, and libstrophe, seeing its stream closed, reconnects as it
 * would over TCP (a new BOSH session).
 *
 * HTTPS goes through core/http (libcurl's multi interface in the loop,
 * one engine per carrier so connections are kept alive between
 * requests), verified as the stream would be: system CAs, SSL_CERT_FILE
 * and SSL_CERT_DIR, the host's pin, or no verification for "trust".
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/http.h"
#include "core/webstream.h"
#include "core/xmlframe.h"
#include "util/log.h"
#include "util/xmem.h"

#define BOSH_NS "http://jabber.org/protocol/httpbind"
#define XBOSH_NS "urn:xmpp:xbosh"
/* seconds the server may hold a request (XEP-0124 suggests up to 60):
 * an idle session wakes once in that time. A held request has no stall
 * limit in core/http (its check would wake the loop every second). */
#define BOSH_WAIT 50
/* and how long beyond that an answer may take before we give up */
#define BOSH_GRACE 30
/* the protocol's minimum: one held, one to send with */
#define BOSH_REQUESTS 2
/* requests kept: in flight, or answered and waiting for an older one */
#define BOSH_KEPT (BOSH_REQUESTS + 1)
/* an answer larger than this is refused */
#define BOSH_MAX_BODY (32 * 1024 * 1024)
/* the room for what an answer gives libstrophe kept between answers */
#define BOSH_KEEP_OUT (256 * 1024)

struct bosh_req {
	struct http_xfer *x;
	uint64_t rid;
	bool restart;   /* its answer starts a new stream */
	bool terminate; /* the last */
	bool done;
	bool ok;
	char *body;     /* the answer, once done */
	size_t len;
	char *error;
};

struct bosh {
	struct http *http;
	struct webstream_ops ops;
	void *ud;
	char *url;
	bool trust;
	char *pin, *proxy;

	struct xmlframe *in;  /* libstrophe's stream */
	struct xmlframe *ans; /* one answer's <body/> */
	char *to, *lang;      /* from libstrophe's stream header */
	char *sid;
	/* the streams' id: the creation's authid (XEP-0206: what a legacy
	 * digest login hashes), else its sid; not escaped */
	char *stream_id;
	uint64_t rid;         /* the last one sent */
	int requests;         /* the server's limit, at most ours */
	bool creating;        /* the creation request is out */
	bool restart;         /* a restart waits to be sent */
	bool terminate;       /* libstrophe closed: terminate waits */
	bool ended;           /* closed was reported: nothing more */
	bool cert_told;       /* cert_refused was reported */

	char *out;            /* queued elements */
	size_t out_len, out_cap;
	struct bosh_req *reqs[BOSH_KEPT]; /* in rid order */
	int nreqs;

	/* while an answer is read */
	bool ans_terminate;
	char *ans_condition;
	bool ans_header;      /* a stream header goes before its children */
	char *ans_from;
	/* what one answer gives libstrophe, handed over in one piece: one
	 * write to the bridge per answer rather than one per stanza */
	char *ans_out;
	size_t ans_out_len, ans_out_cap;
};

static void pump(struct bosh *b);

static void ans_add(struct bosh *b, const char *s, size_t n)
{
	xgrow((void **)&b->ans_out, &b->ans_out_cap, b->ans_out_len + n, 1);
	memcpy(b->ans_out + b->ans_out_len, s, n);
	b->ans_out_len += n;
}

/* Hands what the answer read so far gave to libstrophe. */
static void ans_flush(struct bosh *b)
{
	size_t n = b->ans_out_len;

	b->ans_out_len = 0;
	if (n && !b->ended)
		b->ops.to_client(b->ud, b->ans_out, n);
	/* a rare large answer's room is not kept for the session */
	if (b->ans_out_cap > BOSH_KEEP_OUT) {
		xfree(&b->ans_out);
		b->ans_out_cap = 0;
	}
}

static void end(struct bosh *b, const char *why)
{
	if (b->ended)
		return;
	b->ended = true;
	log_msg(LOG_INFO, "bosh", "session %s ended: %s",
		b->sid ? b->sid : "(none)", why ? why : "closed");
	b->ops.closed(b->ud, why);
}

static void req_free(struct bosh_req **rp)
{
	struct bosh_req *r = *rp;

	if (!r)
		return;
	http_cancel(&r->x);
	free(r->body);
	free(r->error);
	free(r);
	*rp = NULL;
}

/* -- libstrophe's side ------------------------------------------------- */

static void in_open(void *ud, const char *name, const char **attrs)
{
	struct bosh *b = ud;
	const char *to = xmlframe_attr(attrs, "to"),
		   *lang = xmlframe_attr(attrs, "xml:lang");

	(void)name;
	if (!b->to && to)
		b->to = xstrdup(to);
	if (!b->lang)
		b->lang = xstrdup(lang ? lang : "en");
	if (b->sid)
		b->restart = true;
	pump(b);
}

static void in_element(void *ud, const char *xml, size_t len)
{
	struct bosh *b = ud;

	xgrow((void **)&b->out, &b->out_cap, b->out_len + len + 1, 1);
	memcpy(b->out + b->out_len, xml, len);
	b->out_len += len;
}

static void in_close(void *ud)
{
	struct bosh *b = ud;

	b->terminate = true;
}

static const struct xmlframe_ops in_ops = { in_open, in_element, in_close };

/* -- the server's answers ---------------------------------------------- */

static void ans_open(void *ud, const char *name, const char **attrs)
{
	struct bosh *b = ud;
	const char *v;

	if (strcmp(name, "body") != 0)
		return;
	/* kept escaped: it goes back into every request's attribute */
	if ((v = xmlframe_attr(attrs, "sid")) && !b->sid) {
		const char *authid = xmlframe_attr(attrs, "authid");

		b->sid = xmlframe_escape(v);
		b->stream_id = xstrdup(authid ? authid : v);
	}
	if ((v = xmlframe_attr(attrs, "requests"))) {
		int n = atoi(v);

		b->requests = n < 1 ? 1 : n > BOSH_REQUESTS ? BOSH_REQUESTS : n;
	}
	if ((v = xmlframe_attr(attrs, "type")) && strcmp(v, "terminate") == 0) {
		b->ans_terminate = true;
		v = xmlframe_attr(attrs, "condition");
		free(b->ans_condition);
		b->ans_condition = xstrdup(v ? v : "");
	}
	if (b->ans_header) {
		char *h;

		b->ans_header = false;
		v = xmlframe_attr(attrs, "from");
		h = xmlframe_stream_header(v ? v : b->to, b->stream_id,
					   "en");
		ans_add(b, h, strlen(h));
		free(h);
	}
}

static void ans_element(void *ud, const char *xml, size_t len)
{
	struct bosh *b = ud;

	if (!b->ended)
		ans_add(b, xml, len);
}

static const struct xmlframe_ops ans_ops = { ans_open, ans_element, NULL };

/* Handles one finished request, the oldest; false when the carrier
 * ended. */
static bool answer(struct bosh *b, struct bosh_req *r)
{
	char why[512];

	if (!r->ok) {
		snprintf(why, sizeof why, "HTTP binding at %s: %s", b->url,
			 r->error ? r->error : "failed");
		end(b, why);
		return false;
	}
	log_msg(LOG_DEBUG, "bosh", "rid %llu answered, %zu bytes",
		(unsigned long long)r->rid, r->len);
	xmlframe_reset(b->ans);
	b->ans_terminate = false;
	b->ans_header = !b->sid;
	b->ans_out_len = 0;
	if (xmlframe_feed(b->ans, r->body, r->len) < 0) {
		ans_flush(b); /* the children before the fault */
		snprintf(why, sizeof why, "HTTP binding at %s answered "
			 "malformed XML: %s", b->url, xmlframe_error(b->ans));
		end(b, why);
		return false;
	}
	ans_flush(b);
	if (!b->sid) {
		snprintf(why, sizeof why, "HTTP binding at %s gave no session",
			 b->url);
		end(b, why);
		return false;
	}
	if (b->ans_terminate || r->terminate) {
		if (!b->ended)
			b->ops.to_client(b->ud, XMLFRAME_STREAM_END,
					 strlen(XMLFRAME_STREAM_END));
		snprintf(why, sizeof why, "the server ended the HTTP binding "
			 "session%s%s",
			 b->ans_condition && *b->ans_condition ? ": " : "",
			 b->ans_condition ? b->ans_condition : "");
		end(b, r->terminate && !b->ans_terminate ? NULL : why);
		return false;
	}
	return true;
}

static void on_done(struct http_xfer *x, const struct http_result *res,
		    void *ud)
{
	struct bosh *b = ud;
	int i;

	for (i = 0; i < b->nreqs; i++) {
		struct bosh_req *r = b->reqs[i];

		if (r->x != x)
			continue;
		r->x = NULL; /* the engine frees it */
		r->done = true;
		r->ok = res->ok && res->body;
		if (r->ok) {
			r->body = xmalloc(res->len + 1);
			memcpy(r->body, res->body, res->len);
			r->len = res->len;
		} else if (res->cert && res->cert->fingerprint) {
			r->error = xasprintf("%s (SHA-256 %s)",
					     res->error ? res->error : "failed",
					     res->cert->fingerprint);
			/* for /trust: once, before closed */
			if (!b->cert_told && !b->ended && b->ops.cert_refused)
				b->ops.cert_refused(b->ud, res->cert);
			b->cert_told = true;
		} else {
			r->error = xstrdup(res->error ? res->error : "failed");
		}
	}
	while (b->nreqs && b->reqs[0]->done && !b->ended) {
		struct bosh_req *r = b->reqs[0];
		bool on;

		memmove(&b->reqs[0], &b->reqs[1],
			(size_t)(b->nreqs - 1) * sizeof *b->reqs);
		b->nreqs--;
		on = answer(b, r);
		req_free(&r);
		if (!on)
			return;
	}
	pump(b);
}

/* -- requests ------------------------------------------------------------ */

/* Requests the server has not answered. */
static int in_flight(const struct bosh *b)
{
	int i, n = 0;

	for (i = 0; i < b->nreqs; i++)
		n += !b->reqs[i]->done;
	return n;
}

/* May another request go now, with at most `limit` in flight? Its rid
 * must stay within the server's window from the oldest unanswered. */
static bool may_send(const struct bosh *b, int limit)
{
	if (b->nreqs >= BOSH_KEPT || in_flight(b) >= limit)
		return false;
	return b->nreqs == 0 ||
	       b->rid + 1 - b->reqs[0]->rid < (uint64_t)b->requests + 1;
}

static void send_body(struct bosh *b, const char *attrs, const char *kids,
		      size_t nkids, bool restart, bool terminate)
{
	static const char *const headers[] = {
		"Content-Type: text/xml; charset=utf-8", NULL
	};
	struct http_req q = { .method = HTTP_POST, .headers = headers,
			      .body_fd = -1, .out_fd = -1,
			      .max_bytes = BOSH_MAX_BODY,
			      .timeout_s = BOSH_WAIT + BOSH_GRACE,
			      .held = true, .done = on_done, .ud = b };
	struct bosh_req *r;
	char *body, *err = NULL;
	int n;

	body = xasprintf("<body rid='%llu'%s%s%s xmlns='" BOSH_NS "' "
			 "xmlns:xmpp='" XBOSH_NS "'",
			 (unsigned long long)++b->rid, b->sid ? " sid='" : "",
			 b->sid ? b->sid : "", b->sid ? "'" : "");
	n = (int)strlen(body);
	body = xrealloc(body, (size_t)n + strlen(attrs) + nkids + 16);
	n += sprintf(body + n, "%s", attrs);
	if (nkids) {
		n += sprintf(body + n, ">");
		memcpy(body + n, kids, nkids);
		n += (int)nkids;
		n += sprintf(body + n, "</body>");
	} else {
		n += sprintf(body + n, "/>");
	}
	log_msg(LOG_DEBUG, "bosh", "rid %llu%s%s: %d bytes",
		(unsigned long long)b->rid, restart ? " restart" : "",
		terminate ? " terminate" : "", n);
	q.url = b->url;
	q.body = body;
	q.body_len = n;
	q.trust = b->trust;
	q.pin = b->pin;
	q.proxy = b->proxy;
	r = xcalloc(1, sizeof *r);
	r->rid = b->rid;
	r->restart = restart;
	r->terminate = terminate;
	b->reqs[b->nreqs++] = r;
	r->x = http_start(b->http, &q, &err);
	free(body);
	if (!r->x) {
		r->done = true;
		r->error = err;
		/* reported from on_done's order: make it the next */
		b->nreqs--;
		b->reqs[b->nreqs] = NULL;
		{
			char why[512];

			snprintf(why, sizeof why, "HTTP binding at %s: %s",
				 b->url, err ? err : "failed");
			req_free(&r);
			end(b, why);
		}
	}
}

static void pump(struct bosh *b)
{
	char *attrs, *to, *hdr;

	if (b->ended)
		return;
	if (!b->sid) {
		if (b->creating || !b->to)
			return;
		/* the session creation request */
		b->creating = true;
		to = xmlframe_escape(b->to);
		attrs = xasprintf(" content='text/xml; charset=utf-8' hold='1' "
				  "to='%s' ver='1.11' wait='%d' xml:lang='en' "
				  "xmpp:version='1.0'",
				  to, BOSH_WAIT);
		free(to);
		send_body(b, attrs, NULL, 0, false, false);
		free(attrs);
		return;
	}
	while (!b->ended && may_send(b, b->requests)) {
		bool data = b->out_len || b->restart || b->terminate;

		if (!data && in_flight(b) > 0)
			return; /* one held request is enough */
		if (b->restart) {
			to = xmlframe_escape(b->to ? b->to : "");
			attrs = xasprintf(" to='%s' xml:lang='en' "
					  "xmpp:restart='true'", to);
			free(to);
			b->restart = false;
			/* the server answers a restart on whichever
			 * request it holds, maybe an older one: the new
			 * stream begins for libstrophe now (it wrote its
			 * header after the last word of the old one) */
			hdr = xmlframe_stream_header(b->to, b->stream_id,
						     "en");
			b->ops.to_client(b->ud, hdr, strlen(hdr));
			free(hdr);
			/* what libstrophe wrote before its new header
			 * belongs to the old stream: send it first */
			send_body(b, attrs, b->out, b->out_len, true, false);
			b->out_len = 0;
			free(attrs);
		} else if (b->terminate) {
			b->terminate = false;
			send_body(b, " type='terminate'", b->out, b->out_len,
				  false, true);
			b->out_len = 0;
			return;
		} else {
			send_body(b, "", b->out, b->out_len, false, false);
			b->out_len = 0;
		}
	}
}

/* -- the carrier ----------------------------------------------------------- */

static void *bosh_make(struct loop *l, const struct webstream_conf *c,
		       const struct webstream_ops *ops, void *ud, char **err)
{
	struct bosh *b;

	if (!c->url || strncmp(c->url, "https://", 8) != 0) {
		*err = xasprintf("bosh_url must be an https:// address, not "
				 "\"%s\"", c->url ? c->url : "");
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	b->http = http_new(l);
	b->ops = *ops;
	b->ud = ud;
	b->url = xstrdup(c->url);
	b->trust = c->trust;
	b->pin = c->pin ? xstrdup(c->pin) : NULL;
	b->proxy = c->proxy ? xstrdup(c->proxy) : NULL;
	b->in = xmlframe_new(&in_ops, b, "jabber:client");
	b->ans = xmlframe_new(&ans_ops, b, NULL);
	b->requests = 1; /* until the server says */
	if (getrandom(&b->rid, sizeof b->rid, 0) != (ssize_t)sizeof b->rid)
		b->rid = 1;
	/* room for millions of requests below 2^53 (XEP-0124 7.1) */
	b->rid = 1 + (b->rid & ((UINT64_C(1) << 40) - 1));
	return b;
}

static void bosh_from_client(void *impl, const char *buf, size_t len)
{
	struct bosh *b = impl;
	char why[512];

	if (b->ended)
		return;
	if (xmlframe_feed(b->in, buf, len) < 0) {
		snprintf(why, sizeof why, "cannot read the client's stream: %s",
			 xmlframe_error(b->in));
		end(b, why);
		return;
	}
	pump(b);
}

static void bosh_client_closed(void *impl)
{
	struct bosh *b = impl;

	/* a terminate the server need not answer: it goes, and whatever
	 * becomes of it, the carrier is done */
	if (b->sid && !b->ended && may_send(b, BOSH_REQUESTS)) {
		b->terminate = true;
		b->requests = BOSH_REQUESTS;
		pump(b);
	}
	b->ended = true;
}

static void bosh_free(void *impl)
{
	struct bosh *b = impl;
	int i;

	for (i = 0; i < b->nreqs; i++)
		req_free(&b->reqs[i]);
	http_free(&b->http);
	xmlframe_free(&b->in);
	xmlframe_free(&b->ans);
	free(b->url);
	free(b->pin);
	free(b->proxy);
	free(b->to);
	free(b->lang);
	free(b->sid);
	free(b->stream_id);
	free(b->out);
	free(b->ans_condition);
	free(b->ans_from);
	free(b->ans_out);
	free(b);
}

const struct webstream_impl bosh_impl = { bosh_make, bosh_from_client,
					  bosh_client_closed, bosh_free };
