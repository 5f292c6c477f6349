/* jingles5b: Jingle SOCKS5 bytestreams (XEP-0260) under Jingle File
 * Transfer (p2p.c), over core/socks5's connections and s5b.c's proxy.
 *
 * A session whose file goes over SOCKS5 holds a struct js5b (p->js5b).
 * Both parties offer candidates, the initiator (who sends the file) in
 * its session-initiate, the responder in its session-accept: natter's
 * own are a direct one (a listener, p->s5l, on the address its
 * connection to the server goes out from; none with p2p_direct =
 * false) and the server's proxy (found by disco, s5b.c). Each side
 * connects (p->s5) to the other's candidates, best first, and tells
 * which one answered (candidate-used) or that none did
 * (candidate-error). Once both have spoken each side picks the same
 * connection (js5b_pick): the candidate of higher priority, the
 * initiator's choice on a tie. A proxy picked is activated by whoever
 * offered it, who then says so (activated). The file then goes from
 * the initiator to the responder over that connection alone.
 *
 * When nothing connected either way, the initiator replaces the
 * transport with in-band bytestreams (XEP-0261, transport-replace), the
 * responder takes it (transport-accept), and p2p.c carries on in band.
 *
 * The SHA-256 (XEP-0300) is computed by socks5.c as the sender reads
 * the file and told in a checksum once all is written; a receiver that
 * got every byte without a hash waits JS5B_SUM_MS for it, then ends the
 * session saying whether the file was kept. The sender waits
 * JS5B_END_MS for that verdict, then counts the file as sent.
 *
 * Every remote string kept (cid, JID, host) is one clean line; the
 * candidates are bounded (JS5B_CANDS_MAX) and only numeric hosts are
 * connected to (core/socks5.h). With p2p_direct = false only a proxy
 * candidate whose JID is a bare domain is tried (js5b_may_try): the
 * type is the peer's word, and a peer's own listener has its JID.
 *
 * Nothing is done with the transport before the user accepted the
 * offer. The negotiation has a deadline (JS5B_WAIT_MS; the
 * NATTER_JS5B_WAIT_MS environment variable shortens it for tests):
 * a peer silent past it counts as having said candidate-error, and a
 * peer silent past a second one ends the session.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/app.h"
#include "core/conf.h"
#include "core/loop.h"
#include "core/socks5.h"
#include "core/transfer.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/p2p.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

#define JS5B_CONNECT_MS 10000 /* a candidate that does not answer */
#define JS5B_SUM_MS 30000     /* a checksum after the last byte */
#define JS5B_END_MS 60000     /* the receiver's verdict after it */
#define JS5B_CID_MAX 128
#define JS5B_WAIT_MS 60000    /* each step of the negotiation */

struct js5b {
	struct loop *loop;
	struct js5b_cand ours[2];   /* direct, proxy */
	size_t nours;
	struct js5b_cand *theirs;
	size_t ntheirs, at;         /* and the one being tried */
	enum js5b_said local, remote;
	size_t local_used, remote_used; /* in theirs, in ours */
	bool picked;
	bool activating;            /* waiting for the other's activated */
	loop_timer_id sum_timer;    /* receiving: waiting for a checksum;
				     * sending: for the receiver's end */
	loop_timer_id deadline;     /* the peer's next word in the
				     * negotiation (JS5B_WAIT_MS) */
	unsigned wait_ms;
	char *why;                  /* why the last candidate failed */
};

/* ---- parsing and building (pure, for tests and the fuzzer) ---- */

uint32_t js5b_priority(bool proxy, unsigned local)
{
	return ((uint32_t)(proxy ? 10 : 126) << 16) | (local & 0xffffu);
}

void js5b_cands_free(struct js5b_cand **cands, size_t n)
{
	for (size_t i = 0; *cands && i < n; i++) {
		free((*cands)[i].cid);
		free((*cands)[i].jid);
		free((*cands)[i].host);
	}
	free(*cands);
	*cands = NULL;
}

/* A decimal number from 1 to max, or 0. */
static unsigned long number(const char *v, unsigned long max)
{
	unsigned long n = 0;

	if (!v || !*v || strlen(v) > 10)
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		n = n * 10 + (unsigned long)(*v - '0');
	}
	return n <= max ? n : 0;
}

static bool cand_parse(xmpp_stanza_t *c, struct js5b_cand *out)
{
	const char *type = xmpp_stanza_get_attribute(c, "type");
	unsigned long port = number(xmpp_stanza_get_attribute(c, "port"),
				    65535);
	unsigned long prio = number(xmpp_stanza_get_attribute(c, "priority"),
				    0xffffffffUL);

	memset(out, 0, sizeof *out);
	if (!port || !prio ||
	    (type && strcmp(type, "direct") && strcmp(type, "proxy") &&
	     strcmp(type, "assisted") && strcmp(type, "tunnel")))
		return false;
	out->cid = p2p_clean_attr(c, "cid");
	out->jid = p2p_clean_attr(c, "jid");
	out->host = p2p_clean_attr(c, "host");
	out->port = (int)port;
	out->priority = (uint32_t)prio;
	out->proxy = type && strcmp(type, "proxy") == 0;
	if (out->cid && strlen(out->cid) <= JS5B_CID_MAX && out->jid &&
	    out->host)
		return true;
	free(out->cid);
	free(out->jid);
	free(out->host);
	return false;
}

int js5b_transport_parse(xmpp_stanza_t *tr, char **sid,
			 struct js5b_cand **cands, size_t *n)
{
	const char *mode = xmpp_stanza_get_attribute(tr, "mode");

	*sid = p2p_clean_attr(tr, "sid");
	*cands = NULL;
	*n = 0;
	if (!*sid)
		return -1;
	if (mode && strcmp(mode, "tcp") != 0)
		return 0; /* udp: nothing natter can use */
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(tr);
	     c && *n < JS5B_CANDS_MAX; c = xmpp_stanza_get_next(c)) {
		struct js5b_cand k;
		size_t i;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "candidate") != 0 ||
		    !cand_parse(c, &k))
			continue;
		if (!*cands)
			*cands = xcalloc(JS5B_CANDS_MAX, sizeof **cands);
		/* kept sorted, highest priority first; equal ones in order */
		for (i = *n; i > 0 && (*cands)[i - 1].priority < k.priority;
		     i--)
			(*cands)[i] = (*cands)[i - 1];
		(*cands)[i] = k;
		(*n)++;
	}
	return 0;
}

xmpp_stanza_t *js5b_transport_new(xmpp_ctx_t *ctx, const char *sid,
				  const char *dstaddr,
				  const struct js5b_cand *cands, size_t n)
{
	xmpp_stanza_t *tr = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(tr, "transport");
	xmpp_stanza_set_ns(tr, NS_JINGLE_S5B);
	xmpp_stanza_set_attribute(tr, "sid", sid);
	xmpp_stanza_set_attribute(tr, "mode", "tcp");
	if (dstaddr)
		xmpp_stanza_set_attribute(tr, "dstaddr", dstaddr);
	for (size_t i = 0; i < n; i++) {
		xmpp_stanza_t *c = stanza_add_child(tr, "candidate", NULL);
		char num[16];

		xmpp_stanza_set_attribute(c, "cid", cands[i].cid);
		xmpp_stanza_set_attribute(c, "host", cands[i].host);
		xmpp_stanza_set_attribute(c, "jid", cands[i].jid);
		snprintf(num, sizeof num, "%d", cands[i].port);
		xmpp_stanza_set_attribute(c, "port", num);
		snprintf(num, sizeof num, "%lu",
			 (unsigned long)cands[i].priority);
		xmpp_stanza_set_attribute(c, "priority", num);
		xmpp_stanza_set_attribute(c, "type",
					  cands[i].proxy ? "proxy" : "direct");
	}
	return tr;
}

bool js5b_may_try(const struct js5b_cand *k, bool direct)
{
	if (direct)
		return true;
	/* a proxy is a service, its JID a bare domain; a peer that calls
	 * its own listener a proxy gives its own JID */
	return k->proxy && k->jid && *k->jid && !strchr(k->jid, '@') &&
	       !strchr(k->jid, '/');
}

enum js5b_pick js5b_pick(enum js5b_said local, uint32_t local_prio,
			 enum js5b_said remote, uint32_t remote_prio,
			 bool initiator)
{
	if (local != JS5B_USED && remote != JS5B_USED)
		return JS5B_NONE;
	if (remote != JS5B_USED)
		return JS5B_LOCAL;
	if (local != JS5B_USED)
		return JS5B_REMOTE;
	if (local_prio != remote_prio)
		return local_prio > remote_prio ? JS5B_LOCAL : JS5B_REMOTE;
	/* a tie: the candidate the initiator used */
	return initiator ? JS5B_LOCAL : JS5B_REMOTE;
}

/* ---- a session's transport ---- */

static void js5b_clear_ours(struct js5b *j)
{
	for (size_t i = 0; i < j->nours; i++) {
		free(j->ours[i].cid);
		free(j->ours[i].jid);
		free(j->ours[i].host);
	}
	j->nours = 0;
}

void js5b_free(struct p2p *p)
{
	struct js5b *j = p->js5b;

	if (!j)
		return;
	loop_timer_cancel(j->loop, j->sum_timer);
	loop_timer_cancel(j->loop, j->deadline);
	js5b_clear_ours(j);
	js5b_cands_free(&j->theirs, j->ntheirs);
	free(j->why);
	free(j);
	p->js5b = NULL;
	/* the attempts go with it; a stream carrying bytes is kept */
	if (p->state != P2P_OPEN)
		s5_free(&p->s5);
	s5_free(&p->s5l);
}

static struct js5b *js5b_new(struct session *s)
{
	struct js5b *j = xcalloc(1, sizeof *j);
	const char *ms = getenv("NATTER_JS5B_WAIT_MS"); /* tests only */
	unsigned long n = number(ms, JS5B_WAIT_MS);

	j->loop = s->app->loop;
	j->wait_ms = n ? (unsigned)n : JS5B_WAIT_MS;
	return j;
}

void js5b_offered(struct session *s, struct p2p *p,
		  struct js5b_cand **cands, size_t n)
{
	p->js5b = js5b_new(s);
	p->js5b->theirs = *cands;
	p->js5b->ntheirs = n;
	*cands = NULL;
}

/* The hash a candidate of owner's asks for: SHA-1 of the sid, the
 * owner's JID and the other's (XEP-0260 section 2.2). */
static void dst_of(const struct p2p *p, bool ours, char out[41])
{
	const char *me = p->self, *peer = p->peer;

	s5_dst(p->sid, ours ? me : peer, ours ? peer : me, out);
}

/* Sends iq, an IQ set whose answer does not matter. */
static void send_set(struct session *s, xmpp_stanza_t *iq)
{
	if (!xmpp_stanza_get_id(iq)) {
		char *id = xmpp_uuid_gen(s->ctx);

		xmpp_stanza_set_id(iq, id);
		xmpp_free(s->ctx, id);
	}
	session_send(s, iq);
}

/* Tells the peer something about p's transport: a transport-info
 * with one child (name, and its cid or NULL). */
static void send_info(struct session *s, struct p2p *p, const char *name,
		      const char *cid)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "jingle", NS_JINGLE);
	xmpp_stanza_t *j = stanza_payload(iq), *c, *tr, *el;

	xmpp_stanza_set_attribute(j, "action", "transport-info");
	xmpp_stanza_set_attribute(j, "sid", p->jsid);
	c = stanza_add_child(j, "content", NS_JINGLE);
	xmpp_stanza_set_attribute(c, "creator", p->creator);
	xmpp_stanza_set_attribute(c, "name", p->content);
	tr = stanza_add_child(c, "transport", NS_JINGLE_S5B);
	xmpp_stanza_set_attribute(tr, "sid", p->sid);
	el = stanza_add_child(tr, name, NULL);
	if (cid)
		xmpp_stanza_set_attribute(el, "cid", cid);
	send_set(s, iq);
}

/* p fails: the session ends (cond), and the transfer with why. */
static void fail(struct session *s, struct p2p *p, const char *cond,
		 const char *why)
{
	p2p_jingle_terminate(s, p, cond, why);
	p2p_end(s, p, why);
}

/* Builds a transport of one child for transport-replace or -accept:
 * in band, sid p->sid, p->block. */
static void send_ibb_transport(struct session *s, struct p2p *p,
			       const char *action)
{
	xmpp_stanza_t *iq = req_iq(s, "set", p->peer, "jingle", NS_JINGLE);
	xmpp_stanza_t *j = stanza_payload(iq), *c, *tr;
	char bs[16];

	xmpp_stanza_set_attribute(j, "action", action);
	xmpp_stanza_set_attribute(j, "sid", p->jsid);
	c = stanza_add_child(j, "content", NS_JINGLE);
	xmpp_stanza_set_attribute(c, "creator", p->creator);
	xmpp_stanza_set_attribute(c, "name", p->content);
	tr = stanza_add_child(c, "transport", NS_JINGLE_IBB);
	snprintf(bs, sizeof bs, "%u", p->block);
	xmpp_stanza_set_attribute(tr, "sid", p->sid);
	xmpp_stanza_set_attribute(tr, "block-size", bs);
	send_set(s, iq);
}

/* ---- the bytes ---- */

static void sum_waited(struct loop *l, void *ud)
{
	struct p2p *p = ud;

	(void)l;
	p->js5b->sum_timer = 0;
	p2p_jingle_done(session_of_p2p(p), p);
}

static void on_received(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	struct transfer *t = p->t;

	(void)c;
	if (error) {
		fail(s, p, "connectivity-error", error);
		return;
	}
	if (t->total >= 0 && t->done >= t->total && !t->want_hash) {
		/* whole: the sender tells the hash once it wrote all */
		p->state = P2P_CLOSING;
		p->js5b->sum_timer = loop_timer_add(p->js5b->loop, JS5B_SUM_MS,
						    sum_waited, p);
		return;
	}
	p2p_jingle_done(s, p); /* whole, or "ended after N of M" */
}

/* A receiver that never ends the session: all was written, which is
 * what in band counts as done too. */
static void end_waited(struct loop *l, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);

	(void)l;
	p->js5b->sum_timer = 0;
	p2p_jingle_terminate(s, p, "success", NULL);
	p2p_end(s, p, NULL);
}

static void on_sent(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);

	(void)c;
	if (error) {
		fail(s, p, "connectivity-error", error);
		return;
	}
	/* the receiver ends the session once it judged the file */
	p2p_jingle_checksum(s, p);
	p->js5b->sum_timer = loop_timer_add(p->js5b->loop, JS5B_END_MS,
					    end_waited, p);
}

/* The bytes go over p->s5, or over the connection made to our
 * listener, for candidate k (ours when mine). */
static void go(struct p2p *p, bool listener, const struct js5b_cand *k,
	       bool mine)
{
	if (listener) {
		s5_free(&p->s5);
		p->s5 = p->s5l;
		p->s5l = NULL;
	}
	s5_free(&p->s5l);
	loop_timer_cancel(p->js5b->loop, p->js5b->deadline);
	p->js5b->deadline = 0;
	p->state = P2P_OPEN;
	log_msg(LOG_INFO, "p2p", "%s: Jingle SOCKS5 stream %s open over %s "
		"%s candidate %s port %d", p->acc->conf->name, p->sid,
		mine ? "our" : "their", k->proxy ? "proxy" : "direct",
		k->host, k->port);
	if (p->sending)
		s5_send_digest(p->s5, p->t, p->md, on_sent, p);
	else
		s5_receive(p->s5, p->t, on_received, p);
}

/* ---- a proxy of ours, picked: connect, activate, say so ---- */

static void on_activated(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct p2p *p = p2p_of_ud(s, ud);
	char *why;

	if (!p || !p->js5b || p->state != P2P_ACTIVATING)
		return;
	if (!req_ok(reply)) {
		send_info(s, p, "proxy-error", NULL);
		why = p2p_refusal(p, reply, "activating the proxy");
		fail(s, p, "failed-transport", why);
		free(why);
		return;
	}
	send_info(s, p, "activated", p->js5b->ours[p->js5b->remote_used].cid);
	go(p, false, &p->js5b->ours[p->js5b->remote_used], true);
}

static void on_proxy_ready(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	const struct js5b_cand *k = &p->js5b->ours[p->js5b->remote_used];
	char *why;

	(void)c;
	if (error) {
		send_info(s, p, "proxy-error", NULL);
		why = xasprintf("cannot reach the proxy: %s", error);
		fail(s, p, "failed-transport", why);
		free(why);
		return;
	}
	s5b_activate(s, p, k->jid, on_activated);
}

static void activate_ours(struct session *s, struct p2p *p)
{
	const struct js5b_cand *k = &p->js5b->ours[p->js5b->remote_used];
	char dst[41], *err = NULL, *why;

	s5_free(&p->s5);
	s5_free(&p->s5l);
	dst_of(p, true, dst);
	p->s5 = s5_connect(s->app->loop, k->host, k->port, dst,
			   JS5B_CONNECT_MS, on_proxy_ready, p, &err);
	if (!p->s5) {
		send_info(s, p, "proxy-error", NULL);
		why = xasprintf("cannot reach the proxy: %s", err);
		fail(s, p, "failed-transport", why);
		free(why);
		free(err);
	}
}

/* ---- choosing ---- */

static void arm(struct p2p *p);

/* Both sides said what connected: the same connection is picked on
 * both, or none and in band instead. */
static void decide(struct session *s, struct p2p *p)
{
	struct js5b *j = p->js5b;
	enum js5b_pick pick;

	if (j->picked || j->local == JS5B_WAIT || j->remote == JS5B_WAIT)
		return;
	j->picked = true;
	pick = js5b_pick(j->local, j->local == JS5B_USED ?
				   j->theirs[j->local_used].priority : 0,
			 j->remote, j->remote == JS5B_USED ?
				   j->ours[j->remote_used].priority : 0,
			 p->sending);
	if (pick == JS5B_NONE) {
		log_msg(LOG_INFO, "p2p", "%s: no SOCKS5 candidate connected "
			"for %s: in band", p->acc->conf->name, p->sid);
		s5_free(&p->s5);
		s5_free(&p->s5l);
		if (p->sending) {
			p->block = 4096;
			send_ibb_transport(s, p, "transport-replace");
		}
		return; /* the responder waits for the replacement */
	}
	if (pick == JS5B_LOCAL) {
		s5_free(&p->s5l);
		if (j->theirs[j->local_used].proxy) {
			j->activating = true; /* its owner activates it */
			arm(p);
		} else
			go(p, false, &j->theirs[j->local_used], false);
		return;
	}
	if (j->ours[j->remote_used].proxy) {
		activate_ours(s, p);
		return;
	}
	if (!p->s5l_ready) {
		fail(s, p, "failed-transport", "the other client says it "
		     "connected to natter, but it did not");
		return;
	}
	go(p, true, &j->ours[j->remote_used], true);
}

/* ---- the deadline ---- */

/* The peer said nothing in time: what it owes counts as a
 * candidate-error (in band then, as when nothing connected); once the
 * transport was picked, the session ends. */
static void deadline_passed(struct loop *l, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	struct js5b *j = p->js5b;

	(void)l;
	j->deadline = 0;
	if (p->state == P2P_OPEN || p->state == P2P_CLOSING)
		return;
	log_msg(LOG_INFO, "p2p", "%s: the SOCKS5 negotiation of %s with %s "
		"timed out", p->acc->conf->name, p->sid, p->peer);
	if (j->picked) {
		fail(s, p, "timeout", "the other client stopped answering");
		return;
	}
	arm(p); /* for what comes next; js5b_free cancels it */
	if (j->local == JS5B_WAIT) {
		s5_free(&p->s5);
		j->local = JS5B_ERROR;
		send_info(s, p, "candidate-error", NULL);
	}
	if (j->remote == JS5B_WAIT)
		j->remote = JS5B_ERROR;
	decide(s, p); /* may end p */
}

static void arm(struct p2p *p)
{
	struct js5b *j = p->js5b;

	loop_timer_cancel(j->loop, j->deadline);
	j->deadline = loop_timer_add(j->loop, j->wait_ms, deadline_passed, p);
}

/* ---- trying the other's candidates ---- */

static void try_next(struct session *s, struct p2p *p);

static void on_tried(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;
	struct session *s = session_of_p2p(p);
	struct js5b *j = p->js5b;

	(void)c;
	if (error) {
		free(j->why);
		j->why = xstrdup(error);
		s5_free(&p->s5);
		j->at++;
		try_next(s, p);
		return;
	}
	j->local = JS5B_USED;
	j->local_used = j->at;
	send_info(s, p, "candidate-used", j->theirs[j->at].cid);
	decide(s, p);
}

static void try_next(struct session *s, struct p2p *p)
{
	struct js5b *j = p->js5b;
	char dst[41], *err = NULL;

	dst_of(p, false, dst);
	for (; j->at < j->ntheirs; j->at++) {
		const struct js5b_cand *k = &j->theirs[j->at];

		if (!js5b_may_try(k, s->app->cfg.p2p_direct))
			continue;
		p->s5 = s5_connect(s->app->loop, k->host, k->port, dst,
				   JS5B_CONNECT_MS, on_tried, p, &err);
		if (p->s5)
			return;
		free(j->why);
		j->why = err;
		err = NULL;
	}
	log_msg(LOG_INFO, "p2p", "%s: no SOCKS5 candidate of %s answered%s%s",
		p->acc->conf->name, p->peer, j->why ? ": " : "",
		j->why ? j->why : "");
	j->local = JS5B_ERROR;
	send_info(s, p, "candidate-error", NULL);
	decide(s, p);
}

/* ---- our candidates ---- */

static void on_listener(struct s5 *c, const char *error, void *ud)
{
	struct p2p *p = ud;

	(void)c;
	p->s5l_ready = !error;
}

static void add_ours(struct session *s, struct js5b *j, const char *jid,
		     const char *host, int port, bool proxy)
{
	struct js5b_cand *k = &j->ours[j->nours++];
	char *cid = xmpp_uuid_gen(s->ctx);

	k->cid = xstrdup(cid);
	xmpp_free(s->ctx, cid);
	k->jid = xstrdup(jid);
	k->host = xstrdup(host);
	k->port = port;
	k->proxy = proxy;
	k->priority = js5b_priority(proxy, 0);
}

/* Our candidates (the proxy is known), then the offer or the answer. */
static void gather(struct session *s, struct p2p *p)
{
	struct js5b *j = p->js5b;
	struct p2p_host proxy = { 0 };
	char *addr = s->app->cfg.p2p_direct ? s5b_local_address(s) : NULL;
	char dst[41], *err = NULL;
	int port = 0;

	dst_of(p, true, dst);
	if (addr)
		p->s5l = s5_listen(s->app->loop, addr, &port, dst,
				   on_listener, p, &err);
	if (p->s5l)
		add_ours(s, j, p->self, addr, port, false);
	else if (err)
		log_msg(LOG_WARN, "p2p", "no SOCKS5 candidate of our own: %s",
			err);
	free(err);
	free(addr);
	if (s5b_proxy(s, &proxy) == 1)
		add_ours(s, j, proxy.jid, proxy.host, proxy.port, true);
	p2p_jingle_send(s, p);
	if (!p->sending) { /* the responder tries the initiator's now */
		p->state = P2P_HOSTS;
		arm(p);
		try_next(s, p);
	}
}

void js5b_offer(struct session *s, struct p2p *p)
{
	struct p2p_host proxy;

	if (!p->js5b)
		p->js5b = js5b_new(s);
	free(p->self);
	p->self = xstrdup(s->acc->bound_jid);
	if (s5b_proxy(s, &proxy) < 0) {
		p->state = P2P_FINDING;
		return;
	}
	gather(s, p);
}

void js5b_found(struct session *s, struct p2p *p)
{
	if (p->js5b)
		gather(s, p);
}

void js5b_transport_add(struct session *s, struct p2p *p,
			xmpp_stanza_t *content)
{
	char dst[41];
	xmpp_stanza_t *tr;

	dst_of(p, true, dst);
	tr = js5b_transport_new(s->ctx, p->sid, dst, p->js5b->ours,
				p->js5b->nours);
	xmpp_stanza_add_child(content, tr);
	xmpp_stanza_release(tr);
}

void js5b_accepted(struct session *s, struct p2p *p, xmpp_stanza_t *tr)
{
	struct js5b *j = p->js5b;
	char *sid = NULL;

	if (js5b_transport_parse(tr, &sid, &j->theirs, &j->ntheirs) < 0 ||
	    strcmp(sid, p->sid) != 0) {
		free(sid);
		fail(s, p, "failed-transport",
		     "the receiver answered for another stream");
		return;
	}
	free(sid);
	p->state = P2P_HOSTS;
	arm(p);
	try_next(s, p);
}

/* ---- what the other side says ---- */

static size_t cand_index(const struct js5b_cand *c, size_t n,
			 const char *cid)
{
	for (size_t i = 0; cid && i < n; i++)
		if (strcmp(c[i].cid, cid) == 0)
			return i;
	return n;
}

/* A transport-info's child el. */
static void on_info(struct session *s, struct p2p *p, xmpp_stanza_t *el)
{
	struct js5b *j = p->js5b;
	const char *name = xmpp_stanza_get_name(el);
	const char *cid = xmpp_stanza_get_attribute(el, "cid");
	size_t i;

	if (strcmp(name, "candidate-used") == 0 && j->remote == JS5B_WAIT) {
		i = cand_index(j->ours, j->nours, cid);
		if (i == j->nours) {
			fail(s, p, "failed-transport", "the other client used "
			     "a candidate natter did not offer");
			return;
		}
		j->remote = JS5B_USED;
		j->remote_used = i;
		decide(s, p);
	} else if (strcmp(name, "candidate-error") == 0 &&
		   j->remote == JS5B_WAIT) {
		j->remote = JS5B_ERROR;
		decide(s, p);
	} else if (strcmp(name, "activated") == 0 && j->activating) {
		if (cand_index(j->theirs, j->ntheirs, cid) != j->local_used) {
			fail(s, p, "failed-transport", "the other client "
			     "activated a proxy natter did not use");
			return;
		}
		j->activating = false;
		go(p, false, &j->theirs[j->local_used], false);
	} else if (strcmp(name, "proxy-error") == 0 && j->activating) {
		fail(s, p, "failed-transport", "the other client could not "
		     "use its proxy");
	}
}

/* The in-band transport a transport-replace or -accept carries: its
 * sid and block size into p, or false. */
static bool take_ibb(struct p2p *p, xmpp_stanza_t *jingle)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name_and_ns(
		jingle, "content", NS_JINGLE);
	xmpp_stanza_t *tr = c ? xmpp_stanza_get_child_by_name_and_ns(
					c, "transport", NS_JINGLE_IBB)
			      : NULL;
	char *sid = tr ? p2p_clean_attr(tr, "sid") : NULL;
	const char *bs = tr ? xmpp_stanza_get_attribute(tr, "block-size")
			    : NULL;
	unsigned long block = number(bs, 65535);

	if (!sid)
		return false;
	free(p->sid);
	p->sid = sid;
	if (block && (!p->block || block < p->block))
		p->block = (unsigned)block;
	if (!p->block || (p->sending && p->block > 4096))
		p->block = 4096; /* what p2p.c sends in a block at most */
	return true;
}

bool js5b_jingle(struct session *s, struct p2p *p, const char *action,
		 xmpp_stanza_t *jingle)
{
	struct js5b *j = p->js5b;
	xmpp_stanza_t *c, *tr;

	if (!j)
		return false;
	if (strcmp(action, "checksum") == 0) {
		if (j->sum_timer && !p->sending && p->t && p->t->want_hash) {
			loop_timer_cancel(j->loop, j->sum_timer);
			j->sum_timer = 0;
			p2p_jingle_done(s, p);
		}
		return true;
	}
	if (p->state == P2P_OFFERED || (!p->sending && !p->t)) {
		/* the user has not accepted: the transport waits, unchanged */
		if (strncmp(action, "transport-", 10) != 0)
			return false;
		log_msg(LOG_INFO, "p2p", "%s: %s for %s before the offer was "
			"accepted: ignored", p->acc->conf->name, action,
			p->sid);
		return true;
	}
	if (strcmp(action, "transport-info") == 0) {
		c = xmpp_stanza_get_child_by_name_and_ns(jingle, "content",
							 NS_JINGLE);
		tr = c ? xmpp_stanza_get_child_by_name_and_ns(
				 c, "transport", NS_JINGLE_S5B) : NULL;
		for (xmpp_stanza_t *el = tr ? xmpp_stanza_get_children(tr)
					    : NULL;
		     el; el = xmpp_stanza_get_next(el))
			if (xmpp_stanza_is_tag(el)) {
				on_info(s, p, el); /* may end p */
				break;
			}
		return true;
	}
	if (strcmp(action, "transport-replace") == 0 &&
	    p->state != P2P_OPEN && p->state != P2P_CLOSING) {
		/* in band instead: taken */
		if (!p->sending)
			p->block = 0;
		if (!take_ibb(p, jingle)) {
			fail(s, p, "failed-transport",
			     "the other client offered no transport natter "
			     "speaks");
			return true;
		}
		p->method = P2P_METHOD_IBB;
		js5b_free(p);
		s5_free(&p->s5);
		send_ibb_transport(s, p, "transport-accept");
		if (p->sending)
			p2p_open_ibb(s, p);
		else
			p->state = P2P_ACCEPTED; /* the sender opens it */
		return true;
	}
	if (strcmp(action, "transport-accept") == 0 && p->sending &&
	    j->picked && p->state == P2P_HOSTS) {
		if (!take_ibb(p, jingle)) {
			fail(s, p, "failed-transport",
			     "the receiver took no transport natter offered");
			return true;
		}
		js5b_free(p);
		p2p_open_ibb(s, p);
		return true;
	}
	if (strcmp(action, "transport-reject") == 0) {
		fail(s, p, "failed-transport", "the other client refused "
		     "in-band bytestreams too");
		return true;
	}
	return false;
}
