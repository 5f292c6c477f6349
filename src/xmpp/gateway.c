/* gateway: life with a transport after registering (XEP-0100).
 *
 * The gateway's own subscription request is approved and answered with
 * ours, so both sides end up subscribed. Its legacy contacts' requests
 * (user@gateway) are approved at once when the account says
 * gateway_contacts = "accept"; otherwise requests arriving together are
 * gathered for a moment and put to the user once, as a batch. Only
 * gateways the user registered with (or has in the roster) get any of
 * this, and only once their disco#info said category "gateway" (asked
 * here, cached in core/disco): until that answer comes their requests
 * wait (gw_deferred), and a domain that is no gateway has its requests
 * put to the user one by one, like anyone's. Also here: the
 * gateway's presence errors (a failed legacy login), logging on and off
 * with directed presence, and jabber:iq:gateway, which turns a legacy
 * ID into a JID.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/disco.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* Requests that arrive within this long of each other are one batch. */
#define BATCH_MS 400

static char *nick_of(xmpp_stanza_t *st)
{
	char *nick = stanza_text(xmpp_stanza_get_child_by_ns(st, NS_NICK), 0);

	if (nick && !*nick) {
		free(nick);
		nick = NULL;
	}
	return nick;
}

/* Subscribes to bare unless we already are or have asked. */
static void subscribe_back(struct session *s, const char *bare)
{
	struct roster_item *it = roster_get(&s->acc->roster, bare);

	if (it && (it->sub == SUB_TO || it->sub == SUB_BOTH || it->ask))
		return;
	xs_subscription(s->app, s->acc, bare, "subscribe");
}

/* The batch window closed: one question per gateway with requests. */
static void batch_cb(struct loop *l, void *ud)
{
	struct account *a = ud;

	(void)l;
	a->gw_batch_timer = 0;
	account_gateway_contacts_ask(session_of(a)->app, a);
}

/* Approves bare's request, adds it to the roster (named nick) when it
 * is not there, and subscribes back; the pending request stays. */
static void accept_send(struct app *app, struct account *a, const char *bare)
{
	const char *nick = account_sub_request_nick(a, bare);

	xs_subscription(app, a, bare, "subscribed");
	if (!roster_get(&a->roster, bare))
		xs_roster_set(app, a, bare, nick, NULL);
	subscribe_back(session_of(a), bare);
}

int xs_accept(struct app *app, struct account *a, const char *bare)
{
	if (a->state != ACC_ONLINE)
		return -1;
	accept_send(app, a, bare);
	account_sub_request_take(a, bare);
	return 0;
}

/* A subscription request from bare, a gateway we trust or one of its
 * contacts (already in the account's pending list): XEP-0100 4.1.1 for
 * the gateway itself, else accepted at once or gathered for the batch
 * question. */
static void subscribe_trusted(struct session *s, const char *bare)
{
	struct account *a = s->acc;

	if (!strchr(bare, '@')) {
		/* XEP-0100 4.1.1: approve the gateway, and subscribe back */
		xs_subscription(s->app, a, bare, "subscribed");
		subscribe_back(s, bare);
		account_gateway_subscribed(s->app, a, bare);
		return;
	}
	if (a->conf->gateway_accept) {
		if (a->state == ACC_ONLINE)
			accept_send(s->app, a, bare);
		account_gateway_contact_added(s->app, a, bare);
		return;
	}
	loop_timer_cancel(s->app->loop, a->gw_batch_timer);
	a->gw_batch_timer = loop_timer_add(s->app->loop, BATCH_MS, batch_cb, a);
}

static const char *domain_of(const char *bare)
{
	const char *at = strchr(bare, '@');

	return at ? at + 1 : bare;
}

/* The gateway check of domain ended: the requests that waited for it are
 * handled as a gateway's, or put to the user one by one. */
static void resolve_deferred(struct session *s, const char *domain)
{
	struct account *a = s->acc;
	size_t i = 0;

	while (i < a->ngw_deferred) {
		char *bare = a->gw_deferred[i];

		if (strcmp(domain_of(bare), domain) != 0) {
			i++;
			continue;
		}
		a->gw_deferred[i] = a->gw_deferred[--a->ngw_deferred];
		if (account_is_gateway(a, domain)) {
			subscribe_trusted(s, bare);
		} else {
			/* pending since it came; now put to the user */
			account_sub_asked(s->app, a, bare, NULL);
		}
		free(bare);
	}
}

static void on_check(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *jid = ud;
	xmpp_stanza_t *info = req_ok(reply) ?
				      xmpp_stanza_get_child_by_ns(reply, NS_DISCO_INFO) :
				      NULL;
	enum disco_verdict v = reply ? DISCO_NOT_GATEWAY : DISCO_UNKNOWN;
	xmpp_stanza_t *c;

	for (c = info ? xmpp_stanza_get_children(info) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *cat = xmpp_stanza_get_attribute(c, "category");

		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "identity") == 0 && cat &&
		    strcmp(cat, "gateway") == 0)
			v = DISCO_IS_GATEWAY;
	}
	disco_verdict_set(s->acc, jid, v);
	resolve_deferred(s, jid);
	free(jid);
}

void gateway_check(struct session *s, const char *jid)
{
	if (disco_verdict_get(s->acc, jid) != DISCO_UNKNOWN ||
	    s->acc->state != ACC_ONLINE)
		return;
	disco_verdict_set(s->acc, jid, DISCO_ASKING);
	req_send(s, req_iq(s, "get", jid, "query", NS_DISCO_INFO), on_check,
		 xstrdup(jid), REQ_TIMEOUT_MS);
}

void gateway_verdict(struct session *s, const char *jid, bool gateway)
{
	disco_verdict_set(s->acc, jid,
			  gateway ? DISCO_IS_GATEWAY : DISCO_NOT_GATEWAY);
	resolve_deferred(s, jid);
}

bool gateway_subscribe(struct session *s, const char *bare,
		       xmpp_stanza_t *st)
{
	struct account *a = s->acc;
	const char *domain = domain_of(bare);
	enum disco_verdict v;
	char *nick;

	if (!account_gateway_candidate(a, domain))
		return false;
	v = disco_verdict_get(a, domain);
	if (v == DISCO_NOT_GATEWAY)
		return false;
	nick = strchr(bare, '@') ? nick_of(st) : NULL;
	account_sub_request_add(a, bare, nick);
	free(nick);
	if (v == DISCO_IS_GATEWAY) {
		subscribe_trusted(s, bare);
		return true;
	}
	/* not known yet: ask the domain what it is, decide on the answer */
	a->gw_deferred = xrealloc(a->gw_deferred, (a->ngw_deferred + 1) *
							  sizeof *a->gw_deferred);
	a->gw_deferred[a->ngw_deferred++] = xstrdup(bare);
	gateway_check(s, domain);
	if (disco_verdict_get(a, domain) == DISCO_UNKNOWN) /* could not ask */
		resolve_deferred(s, domain);
	return true;
}

bool gateway_presence_error(struct session *s, const char *bare,
			    xmpp_stanza_t *st)
{
	struct event ev = { .type = EV_GATEWAY_LOGIN_FAILED, .acc = s->acc,
			    .gateway_login_failed = { .gateway = bare } };
	struct req_error e;

	if (strchr(bare, '@') || !account_is_gateway(s->acc, bare))
		return false;
	req_error_parse(st, &e);
	ev.gateway_login_failed.cond = e.cond;
	ev.gateway_login_failed.detail = e.text;
	event_emit(s->app, &ev);
	req_error_clear(&e);
	return true;
}

int xs_transport_presence(struct app *app, struct account *a,
			  const char *jid, bool online)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *p;
	struct event ev = { .type = EV_GATEWAY_PRESENCE_SENT, .acc = a,
			    .gateway_presence_sent = { .gateway = jid,
						       .online = online } };

	if (a->state != ACC_ONLINE)
		return -1;
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_to(p, jid);
	if (!online)
		xmpp_stanza_set_type(p, "unavailable");
	else if (a->show != SHOW_ONLINE && a->show != SHOW_OFFLINE)
		stanza_add_text(p, "show", presence_show_name(a->show));
	session_send(s, p);
	event_emit(app, &ev);
	return 0;
}

/* ---- jabber:iq:gateway (XEP-0100 6.3) ---- */

struct gw_ask {
	struct account *acc;
	char *gateway;
	char *legacy_id;
	char *name;
};

static void gw_ask_free(struct gw_ask *g)
{
	free(g->gateway);
	free(g->legacy_id);
	free(g->name);
	free(g);
}

static void on_jid(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct gw_ask *g = ud;
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply, NS_GATEWAY) :
				   NULL;
	char *jid = q ? stanza_child_text(q, "jid") : NULL;
	struct event ev = { .type = EV_GATEWAY_ID, .acc = s->acc,
			    .gateway_id = { .gateway = g->gateway,
					    .legacy_id = g->legacy_id } };
	struct req_error e = { 0 };

	if (!jid)
		req_error_parse(reply, &e);
	if (jid && (strchr(jid, '/') || !strchr(jid, '@'))) {
		free(jid);
		jid = NULL;
		e.cond = xstrdup("bad-request");
	}
	if (jid) {
		xs_roster_set(s->app, s->acc, jid, g->name, NULL);
		xs_subscription(s->app, s->acc, jid, "subscribe");
		ev.gateway_id.contact = jid;
	} else {
		ev.gateway_id.cond = e.cond;
		ev.gateway_id.detail = e.text;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
	free(jid);
	gw_ask_free(g);
}

static void on_prompt(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct gw_ask *g = ud;
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply, NS_GATEWAY) :
				   NULL;
	xmpp_stanza_t *iq;

	if (!q) {
		struct req_error e;
		struct event ev = { .type = EV_GATEWAY_ID, .acc = s->acc,
				    .gateway_id = { .gateway = g->gateway,
						    .legacy_id = g->legacy_id } };

		req_error_parse(reply, &e);
		ev.gateway_id.unsupported =
			strcmp(e.cond, "remote-server-timeout") != 0;
		ev.gateway_id.cond = e.cond;
		ev.gateway_id.detail = e.text;
		event_emit(s->app, &ev);
		req_error_clear(&e);
		gw_ask_free(g);
		return;
	}
	{
		char *prompt = stanza_child_text(q, "prompt");
		char *desc = stanza_child_text(q, "desc");
		char *both = xasprintf("%s%s%s", prompt ? prompt : "",
				       prompt && desc ? ": " : "", desc ? desc : "");
		struct event ev = { .type = EV_GATEWAY_PROMPT, .acc = s->acc,
				    .gateway_prompt = { .gateway = g->gateway,
							.prompt = both } };

		event_emit(s->app, &ev);
		free(both);
		free(prompt);
		free(desc);
	}
	iq = req_iq(s, "set", g->gateway, "query", NS_GATEWAY);
	stanza_add_text(stanza_payload(iq), "prompt", g->legacy_id);
	req_send(s, iq, on_jid, g, REQ_TIMEOUT_MS);
}

int xs_gateway_add(struct app *app, struct account *a, const char *gateway,
		   const char *legacy_id, const char *name)
{
	struct session *s = session_of(a);
	struct gw_ask *g;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	g = xcalloc(1, sizeof *g);
	g->acc = a;
	g->gateway = xstrdup(gateway);
	g->legacy_id = xstrdup(legacy_id);
	g->name = name ? xstrdup(name) : NULL;
	req_send(s, req_iq(s, "get", gateway, "query", NS_GATEWAY), on_prompt,
		 g, REQ_TIMEOUT_MS);
	return 0;
}
