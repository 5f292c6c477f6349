/* s5b: SOCKS5 bytestreams (XEP-0065) for files offered with stream
 * initiation (p2p.c), over core/socks5's connections.
 *
 * Receiving, we are the target: the sender lists its streamhosts (its
 * own address, a proxy) and we connect to each in turn until one
 * answers the handshake, tell the sender which (streamhost-used) and
 * read the file until its size is reached or the connection ends.
 *
 * Sending, we are the initiator: we offer ourselves as a streamhost (a
 * listener on the address our XMPP connection goes out from) and the
 * server's proxy, if it has one (found once per account: disco#items of
 * our domain, then each item asked for its bytestreams address). When
 * the target used ours, the file goes over the connection it made to
 * us; when it used the proxy, we connect to the proxy too, ask it to
 * join the two (activate), then send.
 *
 * Only numeric addresses are used (see core/socks5.h), which is what
 * clients and proxies give. With p2p_direct = false natter offers no
 * streamhost of its own. Jingle sessions (jingles5b.c) share the proxy
 * lookup and the listener.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/account.h"
#include "core/app.h"
#include "core/socks5.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/p2p.h"
#include "xmpp/request.h"
#include "xmpp/session.h"

#define S5B_CONNECT_MS 10000  /* a streamhost that does not answer */
#define S5B_HOSTS_MS 60000    /* the target tries our streamhosts */
#define S5B_PROXY_ITEMS 10    /* server items asked whether a proxy */

/* An account's proxy: looked for once, then known (or known absent). */
struct p2p_proxy {
	struct p2p_proxy *next;
	struct account *acc;
	bool done;         /* the lookup ended */
	unsigned waiting;  /* answers still to come */
	char *jid, *host;  /* NULL when there is none */
	int port;
};

/* ---- parsing ---- */

char *p2p_clean_attr(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);
	size_t n = v ? strlen(v) : 0;

	if (!n || n > 1023 || !utf8_is_clean(v, n) || strpbrk(v, "\n\r\t"))
		return NULL;
	return xstrdup(v);
}

size_t p2p_hosts_parse(xmpp_stanza_t *query, struct p2p_host **hosts)
{
	size_t n = 0;

	*hosts = NULL;
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(query);
	     c && n < P2P_HOSTS_MAX; c = xmpp_stanza_get_next(c)) {
		const char *port;
		char *end;
		long v;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "streamhost") != 0)
			continue;
		port = xmpp_stanza_get_attribute(c, "port");
		v = port && *port >= '0' && *port <= '9' ?
			    strtol(port, &end, 10) : 0;
		if (v < 1 || v > 65535 || *end)
			continue;
		if (!*hosts)
			*hosts = xcalloc(P2P_HOSTS_MAX, sizeof **hosts);
		(*hosts)[n].jid = p2p_clean_attr(c, "jid");
		(*hosts)[n].host = p2p_clean_attr(c, "host");
		(*hosts)[n].port = (int)v;
		if ((*hosts)[n].jid && (*hosts)[n].host) {
			n++;
			continue;
		}
		free((*hosts)[n].jid);
		free((*hosts)[n].host);
	}
	if (!n) {
		free(*hosts);
		*hosts = NULL;
	}
	return n;
}

void p2p_hosts_free(struct p2p_host **hosts, size_t n)
{
	for (size_t i = 0; *hosts && i < n; i++) {
		free((*hosts)[i].jid);
		free((*hosts)[i].host);
	}
	free(*hosts);
	*hosts = NULL;
}

void s5b_clear(struct p2p *p)
{
	s5_free(&p->s5);
	s5_free(&p->s5l);
	p2p_hosts_free(&p->hosts, p->nhosts);
	p->nhosts = p->host_at = 0;
	xfree(&p->hosts_iq);
	xfree(&p->self);
	xfree(&p->why);
}

/* A stream's data phase ended (error NULL: whole, or the other end
 * closed and transfer_end judges). */
static void on_moved(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;

	(void)c;
	p2p_end(session_of_p2p(p), p, error);
}

/* ---- receiving: trying the sender's streamhosts ---- */

static void try_hosts(struct session *s, struct p2p *p);

static void on_host(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	xmpp_stanza_t *r, *q, *used;

	(void)c;
	if (error) {
		free(p->why);
		p->why = xasprintf("%s (%s port %d): %s",
				   p->hosts[p->host_at].jid,
				   p->hosts[p->host_at].host,
				   p->hosts[p->host_at].port, error);
		s5_free(&p->s5);
		p->host_at++;
		try_hosts(s, p);
		return;
	}
	r = p2p_reply_new(s, p->peer, p->hosts_iq, "result");
	q = stanza_add_child(r, "query", NS_BYTESTREAMS);
	xmpp_stanza_set_attribute(q, "sid", p->sid);
	used = stanza_add_child(q, "streamhost-used", NULL);
	xmpp_stanza_set_attribute(used, "jid", p->hosts[p->host_at].jid);
	session_send(s, r);
	xfree(&p->hosts_iq);
	p->state = P2P_OPEN;
	s5_receive(p->s5, p->t, on_moved, p);
}

/* Connects to the next streamhost that can be tried; when none is
 * left, tells the sender and fails. */
static void try_hosts(struct session *s, struct p2p *p)
{
	char dst[41], *err = NULL, *why;

	s5_dst(p->sid, p->peer, p->self, dst);
	for (; p->host_at < p->nhosts; p->host_at++) {
		struct p2p_host *h = &p->hosts[p->host_at];

		p->s5 = s5_connect(s->app->loop, h->host, h->port, dst,
				   S5B_CONNECT_MS, on_host, p, &err);
		if (p->s5)
			return;
		free(p->why);
		p->why = err;
		err = NULL;
	}
	p2p_reply_error(s, p->peer, p->hosts_iq, "cancel", "item-not-found",
			NULL, NULL);
	xfree(&p->hosts_iq);
	why = xasprintf("no streamhost the sender offered could be reached%s%s",
			p->why ? ": " : "", p->why ? p->why : "");
	p2p_end(s, p, why);
	free(why);
}

void s5b_hosts(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	struct p2p *p = p2p_incoming(s, iq, query);
	const char *to = xmpp_stanza_get_to(iq);
	const char *mode = xmpp_stanza_get_attribute(query, "mode");

	if (!p)
		return;
	if (p->sending || p->state != P2P_ACCEPTED ||
	    p->method != P2P_METHOD_SOCKS5) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel",
				"unexpected-request", NULL, NULL);
		return;
	}
	if (mode && strcmp(mode, "tcp") != 0) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "cancel",
				"feature-not-implemented", NULL, NULL);
		return;
	}
	p->nhosts = p2p_hosts_parse(query, &p->hosts);
	if (!p->nhosts) {
		p2p_reply_error(s, p->peer, xmpp_stanza_get_id(iq), "modify",
				"bad-request", NULL, NULL);
		return;
	}
	p->hosts_iq = xstrdup(xmpp_stanza_get_id(iq) ? xmpp_stanza_get_id(iq)
						      : "");
	p->self = xstrdup(to ? to : s->acc->bound_jid);
	p->state = P2P_HOSTS;
	try_hosts(s, p);
}

/* ---- sending: the proxy ---- */

static struct p2p_proxy *proxy_of(struct app *app, struct account *a)
{
	for (struct p2p_proxy *x = app->xs->p2p_proxies; x; x = x->next)
		if (x->acc == a)
			return x;
	return NULL;
}

static void offer_hosts(struct session *s, struct p2p *p);

/* The lookup ended: the streams that waited for it go on. */
static void proxy_found(struct session *s, struct p2p_proxy *x)
{
	struct p2p *p, *next;

	x->done = true;
	log_msg(LOG_INFO, "p2p", "%s: SOCKS5 proxy: %s", s->acc->conf->name,
		x->jid ? x->jid : "none");
	for (p = s->app->xs->p2p; p; p = next) {
		next = p->next;
		if (p->acc == s->acc && p->state == P2P_FINDING && p->jsid)
			js5b_found(s, p);
		else if (p->acc == s->acc && p->state == P2P_FINDING)
			offer_hosts(s, p);
	}
}

static void on_proxy_address(struct session *s, xmpp_stanza_t *reply,
			     void *ud)
{
	struct p2p_proxy *x = proxy_of(s->app, ud);
	xmpp_stanza_t *q = reply ? xmpp_stanza_get_child_by_name_and_ns(
					   reply, "query", NS_BYTESTREAMS)
				 : NULL;
	struct p2p_host *h = NULL;

	if (!x || x->done)
		return;
	if (req_ok(reply) && q && !x->jid && p2p_hosts_parse(q, &h) > 0) {
		x->jid = xstrdup(h[0].jid);
		x->host = xstrdup(h[0].host);
		x->port = h[0].port;
		p2p_hosts_free(&h, 1);
	}
	if (--x->waiting == 0)
		proxy_found(s, x);
}

static void on_items(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p_proxy *x = proxy_of(s->app, ud);
	xmpp_stanza_t *q = reply ? xmpp_stanza_get_child_by_name_and_ns(
					   reply, "query", NS_DISCO_ITEMS)
				 : NULL;
	unsigned n = 0;

	if (!x || x->done)
		return;
	x->waiting = 1; /* held while asking */
	for (xmpp_stanza_t *c = q && req_ok(reply) ?
					xmpp_stanza_get_children(q) : NULL;
	     c && n < S5B_PROXY_ITEMS; c = xmpp_stanza_get_next(c)) {
		const char *jid = xmpp_stanza_get_attribute(c, "jid");

		if (!xmpp_stanza_is_tag(c) || !jid ||
		    strcmp(xmpp_stanza_get_name(c), "item") != 0 ||
		    xmpp_stanza_get_attribute(c, "node"))
			continue;
		x->waiting++;
		n++;
		req_send(s, req_iq(s, "get", jid, "query", NS_BYTESTREAMS),
			 on_proxy_address, s->acc, REQ_TIMEOUT_MS);
	}
	if (--x->waiting == 0)
		proxy_found(s, x);
}

/* The account's proxy, known (done), or being looked for. */
static struct p2p_proxy *proxy_lookup(struct session *s)
{
	struct p2p_proxy *x = proxy_of(s->app, s->acc);

	if (x)
		return x;
	x = xcalloc(1, sizeof *x);
	x->acc = s->acc;
	x->next = s->app->xs->p2p_proxies;
	s->app->xs->p2p_proxies = x;
	req_send(s, req_iq(s, "get", s->acc->domain, "query", NS_DISCO_ITEMS),
		 on_items, s->acc, REQ_TIMEOUT_MS);
	return x;
}

int s5b_proxy(struct session *s, struct p2p_host *h)
{
	struct p2p_proxy *x = proxy_lookup(s);

	if (!x->done)
		return -1;
	if (!x->jid)
		return 0;
	h->jid = x->jid;
	h->host = x->host;
	h->port = x->port;
	return 1;
}

static void proxy_free(struct p2p_proxy *x)
{
	free(x->jid);
	free(x->host);
	free(x);
}

void s5b_down(struct session *s)
{
	struct p2p_proxy **pp = &s->app->xs->p2p_proxies;

	while (*pp) {
		struct p2p_proxy *x = *pp;

		if (x->acc == s->acc && !x->done) {
			*pp = x->next;
			proxy_free(x);
		} else {
			pp = &x->next;
		}
	}
}

void s5b_free_all(struct app *app)
{
	while (app->xs->p2p_proxies) {
		struct p2p_proxy *x = app->xs->p2p_proxies;

		app->xs->p2p_proxies = x->next;
		proxy_free(x);
	}
}

/* ---- sending: our streamhosts, then the bytes ---- */

void s5b_activate(struct session *s, struct p2p *p, const char *proxy,
		  void (*done)(struct session *s, xmpp_stanza_t *reply,
			       void *ud))
{
	xmpp_stanza_t *iq = req_iq(s, "set", proxy, "query", NS_BYTESTREAMS);
	xmpp_stanza_t *q = stanza_payload(iq);

	xmpp_stanza_set_attribute(q, "sid", p->sid);
	stanza_add_text(q, "activate", p->peer);
	p->state = P2P_ACTIVATING;
	req_send(s, iq, done, p2p_ud(p), REQ_TIMEOUT_MS);
}

static void on_activated(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *why;

	if (!p || p->state != P2P_ACTIVATING)
		return;
	if (!req_ok(reply)) {
		why = p2p_refusal(p, reply, "activating the proxy");
		p2p_end(s, p, why);
		free(why);
		return;
	}
	p->state = P2P_OPEN;
	s5_send(p->s5, p->t, on_moved, p);
}

static void on_proxy_ready(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	struct p2p_proxy *x = proxy_of(s->app, p->acc);
	char *why;

	(void)c;
	if (error || !x || !x->jid) {
		why = xasprintf("cannot reach the proxy: %s",
				error ? error : "it is gone");
		p2p_end(s, p, why);
		free(why);
		return;
	}
	s5b_activate(s, p, x->jid, on_activated);
}

static void on_listener(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;

	(void)c;
	p->s5l_ready = !error;
}

static char *used_jid(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(
		reply, "query", NS_BYTESTREAMS);
	xmpp_stanza_t *u = q ? xmpp_stanza_get_child_by_name(
				       q, "streamhost-used") : NULL;

	return u ? p2p_clean_attr(u, "jid") : NULL;
}

static void on_used(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	struct p2p_proxy *x;
	char *used, *why, *err = NULL, dst[41];

	if (!p || p->state != P2P_HOSTS)
		return;
	if (!req_ok(reply)) {
		why = p2p_refusal(p, reply, "the bytestream");
		p2p_end(s, p, why);
		free(why);
		return;
	}
	used = used_jid(reply);
	x = proxy_of(s->app, p->acc);
	if (used && strcmp(used, p->self) == 0 && p->s5l_ready) {
		free(used);
		p->state = P2P_OPEN;
		s5_send(p->s5l, p->t, on_moved, p);
		return;
	}
	if (used && x && x->jid && strcmp(used, x->jid) == 0) {
		free(used);
		s5_free(&p->s5l);
		s5_dst(p->sid, p->self, p->peer, dst);
		p->s5 = s5_connect(s->app->loop, x->host, x->port, dst,
				   S5B_CONNECT_MS, on_proxy_ready, p, &err);
		if (!p->s5) {
			why = xasprintf("cannot reach the proxy: %s", err);
			p2p_end(s, p, why);
			free(why);
			free(err);
		}
		return;
	}
	why = used && strcmp(used, p->self) == 0 ?
		      xstrdup("the receiver says it connected to us, but "
			      "it did not") :
		      xstrdup("the receiver used a streamhost natter did not "
			      "offer");
	free(used);
	p2p_end(s, p, why);
	free(why);
}

char *s5b_local_address(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char buf[INET6_ADDRSTRLEN];
	const void *a;

	if (s->fd < 0 || getsockname(s->fd, (struct sockaddr *)&ss, &len) < 0)
		return NULL;
	a = ss.ss_family == AF_INET ?
		    (const void *)&((struct sockaddr_in *)&ss)->sin_addr :
		    (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
	if ((ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    !inet_ntop(ss.ss_family, a, buf, sizeof buf))
		return NULL;
	return xstrdup(buf);
}

static void offer_hosts(struct session *s, struct p2p *p)
{
	struct p2p_proxy *x = proxy_of(s->app, p->acc);
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "query", NS_BYTESTREAMS);
	xmpp_stanza_t *q = stanza_payload(iq), *h;
	char dst[41], port[16], *err = NULL;
	char *addr = s->app->cfg.p2p_direct ? s5b_local_address(s) : NULL;
	int lport = 0;
	bool any = false;

	xmpp_stanza_set_attribute(q, "sid", p->sid);
	xmpp_stanza_set_attribute(q, "mode", "tcp");
	s5_dst(p->sid, p->self, p->peer, dst);
	if (addr)
		p->s5l = s5_listen(s->app->loop, addr, &lport, dst,
				   on_listener, p, &err);
	if (p->s5l) {
		h = stanza_add_child(q, "streamhost", NULL);
		snprintf(port, sizeof port, "%d", lport);
		xmpp_stanza_set_attribute(h, "jid", p->self);
		xmpp_stanza_set_attribute(h, "host", addr);
		xmpp_stanza_set_attribute(h, "port", port);
		any = true;
	} else if (err) {
		log_msg(LOG_WARN, "p2p", "no streamhost of our own: %s", err);
	}
	free(err);
	free(addr);
	if (x && x->jid) {
		h = stanza_add_child(q, "streamhost", NULL);
		snprintf(port, sizeof port, "%d", x->port);
		xmpp_stanza_set_attribute(h, "jid", x->jid);
		xmpp_stanza_set_attribute(h, "host", x->host);
		xmpp_stanza_set_attribute(h, "port", port);
		any = true;
	}
	if (!any) {
		xmpp_stanza_release(iq);
		p2p_end(s, p, "natter has no streamhost to offer: it cannot "
			      "listen, and the server has no proxy");
		return;
	}
	p->state = P2P_HOSTS;
	req_send(s, iq, on_used, p2p_ud(p), S5B_HOSTS_MS);
}

void s5b_send(struct session *s, struct p2p *p)
{
	struct p2p_proxy *x = proxy_lookup(s);

	p->self = xstrdup(s->acc->bound_jid);
	if (!x->done) {
		p->state = P2P_FINDING;
		return;
	}
	offer_hosts(s, p);
}
