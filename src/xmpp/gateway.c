/* gateway: life with a transport after registering (XEP-0100).
 *
 * The gateway's own subscription request is approved and answered with
 * ours, so both sides end up subscribed. Its legacy contacts' requests
 * (user@gateway) are approved at once when the account says
 * gateway_contacts = "accept"; otherwise requests arriving together are
 * gathered for a moment and put to the user once, as a batch. Only
 * gateways the user registered with get any of this. Also here: the
 * gateway's presence errors (a failed legacy login), logging on and off
 * with directed presence, and jabber:iq:gateway, which turns a legacy
 * ID into a JID.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
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
	xmpp_stanza_t *n = xmpp_stanza_get_child_by_ns(st, NS_NICK);
	char *t = n ? xmpp_stanza_get_text(n) : NULL;
	char *clean = t && *t ? utf8_sanitize(t, 0) : NULL;

	if (t)
		xmpp_free(xmpp_stanza_get_context(st), t);
	return clean;
}

/* Subscribes to bare unless we already are or have asked. */
static void subscribe_back(struct session *s, const char *bare)
{
	struct roster_item *it = roster_get(&s->acc->roster, bare);

	if (it && (it->sub == SUB_TO || it->sub == SUB_BOTH || it->ask))
		return;
	xs_subscription(s->app, s->acc, bare, "subscribe");
}

static void emit(struct session *s, enum gw_event code, const char *jid,
		 const char *text)
{
	struct event ev = { .type = EV_GATEWAY, .acc = s->acc, .code = code,
			    .jid = jid, .text = text };

	event_emit(s->app, &ev);
}

/* The batch window closed: one question per gateway with requests. */
static void batch_cb(struct loop *l, void *ud)
{
	struct account *a = ud;
	struct session *s = session_of(a);
	size_t i, j;

	(void)l;
	a->gw_batch_timer = 0;
	for (i = 0; i < a->ngateways + a->roster.n; i++) {
		const char *gw = i < a->ngateways ? a->gateways[i] :
						    a->roster.items[i - a->ngateways].jid;
		char *list = NULL;

		if (strchr(gw, '@') || !account_is_gateway(a, gw))
			continue;
		/* a gateway both registered now and in the roster: once */
		if (i >= a->ngateways) {
			for (j = 0; j < a->ngateways; j++)
				if (strcmp(a->gateways[j], gw) == 0)
					break;
			if (j < a->ngateways)
				continue;
		}
		for (j = 0; j < a->nsub_requests; j++) {
			const char *r = a->sub_requests[j];
			const char *at = strchr(r, '@');
			const char *nick = a->sub_nicks[j];
			char *t;

			if (!at || strcmp(at + 1, gw) != 0)
				continue;
			t = xasprintf("%s%s%s%s%s", list ? list : "",
				      list ? ", " : "", r, nick ? " " : "",
				      nick ? nick : "");
			free(list);
			list = t;
		}
		if (list)
			emit(s, GW_CONTACTS_ASK, gw, list);
		free(list);
	}
}

int xs_accept(struct app *app, struct account *a, const char *bare)
{
	const char *nick = account_sub_request_nick(a, bare);
	char *name = nick ? xstrdup(nick) : NULL;
	struct session *s = session_of(a);

	if (a->state != ACC_ONLINE) {
		free(name);
		return -1;
	}
	xs_subscription(app, a, bare, "subscribed");
	account_sub_request_take(a, bare);
	if (!roster_get(&a->roster, bare))
		xs_roster_set(app, a, bare, name, NULL);
	subscribe_back(s, bare);
	free(name);
	return 0;
}

bool gateway_subscribe(struct session *s, const char *bare,
		       xmpp_stanza_t *st)
{
	struct account *a = s->acc;
	const char *gw;
	char *nick;

	if (!strchr(bare, '@')) {
		if (!account_is_gateway(a, bare))
			return false;
		/* XEP-0100 4.1.1: approve the gateway, and subscribe back */
		xs_subscription(s->app, a, bare, "subscribed");
		subscribe_back(s, bare);
		emit(s, GW_SUBSCRIBED_BACK, bare, NULL);
		return true;
	}
	gw = account_gateway_of(a, bare);
	if (!gw)
		return false;
	nick = nick_of(st);
	account_sub_request_add(a, bare, nick);
	free(nick);
	if (a->conf->gateway_accept) {
		xs_accept(s->app, a, bare);
		emit(s, GW_CONTACT_ADDED, bare, NULL);
		return true;
	}
	loop_timer_cancel(s->app->loop, a->gw_batch_timer);
	a->gw_batch_timer = loop_timer_add(s->app->loop, BATCH_MS, batch_cb, a);
	return true;
}

bool gateway_presence_error(struct session *s, const char *bare,
			    xmpp_stanza_t *st)
{
	struct event ev = { .type = EV_GATEWAY, .acc = s->acc,
			    .code = GW_LOGIN_FAILED, .jid = bare };
	struct req_error e;

	if (strchr(bare, '@') || !account_is_gateway(s->acc, bare))
		return false;
	req_error_parse(st, &e);
	ev.cond = e.cond;
	ev.detail = e.text;
	event_emit(s->app, &ev);
	req_error_clear(&e);
	return true;
}

int xs_transport_presence(struct app *app, struct account *a,
			  const char *jid, bool online)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *p;
	struct event ev = { .type = EV_GATEWAY, .acc = a,
			    .code = GW_PRESENCE_SENT, .jid = jid,
			    .code2 = online };

	if (a->state != ACC_ONLINE)
		return -1;
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_to(p, jid);
	if (!online)
		xmpp_stanza_set_type(p, "unavailable");
	else if (a->show != SHOW_ONLINE && a->show != SHOW_OFFLINE)
		req_add_text(p, "show", presence_show_name(a->show));
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
	char *jid = q ? req_child_text(q, "jid") : NULL;
	struct event ev = { .type = EV_GATEWAY, .acc = s->acc,
			    .jid = g->gateway, .text = g->legacy_id };
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
		ev.code = GW_ID_RESOLVED;
		ev.jid = jid;
	} else {
		ev.code = GW_ID_FAILED;
		ev.cond = e.cond;
		ev.detail = e.text;
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
		struct event ev = { .type = EV_GATEWAY, .acc = s->acc,
				    .jid = g->gateway, .text = g->legacy_id };

		req_error_parse(reply, &e);
		ev.code = strcmp(e.cond, "remote-server-timeout") == 0 ?
				  GW_ID_FAILED :
				  GW_ID_UNSUPPORTED;
		ev.cond = e.cond;
		ev.detail = e.text;
		event_emit(s->app, &ev);
		req_error_clear(&e);
		gw_ask_free(g);
		return;
	}
	{
		char *prompt = req_child_text(q, "prompt");
		char *desc = req_child_text(q, "desc");
		char *both = xasprintf("%s%s%s", prompt ? prompt : "",
				       prompt && desc ? ": " : "", desc ? desc : "");
		struct event ev = { .type = EV_GATEWAY, .acc = s->acc,
				    .code = GW_ID_PROMPT, .jid = g->gateway,
				    .text = both };

		event_emit(s->app, &ev);
		free(both);
		free(prompt);
		free(desc);
	}
	iq = req_iq(s, "set", g->gateway, "query", NS_GATEWAY);
	req_add_text(req_payload(iq), "prompt", g->legacy_id);
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
