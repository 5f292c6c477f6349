/* message: chat messages in and out, receipts (XEP-0184), chat states
 * (XEP-0085) and delayed delivery stamps (XEP-0203).
 *
 * Incoming stanzas are parsed into struct msg_in and handed to core/conv;
 * errors to our messages become a line in the conversation. Groupchat
 * and headline messages wait for their own modules.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

static const char *const state_names[] = {
	[CHAT_ACTIVE] = "active",     [CHAT_COMPOSING] = "composing",
	[CHAT_PAUSED] = "paused",     [CHAT_INACTIVE] = "inactive",
	[CHAT_GONE] = "gone",
};

static enum chat_state chat_state_of(xmpp_stanza_t *msg)
{
	xmpp_stanza_t *c;
	size_t i;

	for (c = xmpp_stanza_get_children(msg); c; c = xmpp_stanza_get_next(c)) {
		const char *ns = xmpp_stanza_get_ns(c);

		if (!xmpp_stanza_is_tag(c) || !ns || strcmp(ns, NS_CHATSTATES))
			continue;
		for (i = CHAT_ACTIVE; i <= CHAT_GONE; i++)
			if (strcmp(xmpp_stanza_get_name(c), state_names[i]) == 0)
				return (enum chat_state)i;
	}
	return CHAT_NONE;
}

/* "2002-09-10T23:08:25Z" or with fractions or an offset, to ms. */
int64_t xs_parse_stamp(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t t;

	if (!p)
		return -1;
	t = (int64_t)timegm(&tm) * 1000;
	if (*p == '.') {
		int64_t frac = 0, scale = 1000;

		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale > 1)
				frac += (*p - '0') * (scale /= 10);
		}
		t += frac;
	}
	if (*p == '+' || *p == '-') {
		int hh = 0, mm = 0, sign = *p == '-' ? -1 : 1;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2)
			t -= sign * (int64_t)(hh * 3600 + mm * 60) * 1000;
	}
	return t;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void send_receipt(struct session *s, const char *to, const char *id)
{
	char *rid = xmpp_uuid_gen(s->ctx);
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, NULL, to, rid);
	xmpp_stanza_t *r = xmpp_stanza_new(s->ctx);

	xmpp_stanza_set_name(r, "received");
	xmpp_stanza_set_ns(r, NS_RECEIPTS);
	xmpp_stanza_set_attribute(r, "id", id);
	xmpp_stanza_add_child(m, r);
	xmpp_stanza_release(r);
	xmpp_free(s->ctx, rid);
	session_send(s, m);
}

static void on_error(struct session *s, xmpp_stanza_t *st, const char *bare)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error");
	const char *cond = NULL;
	char *text = NULL;
	xmpp_stanza_t *c;

	for (c = err ? xmpp_stanza_get_children(err) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		if (!xmpp_stanza_is_tag(c))
			continue;
		if (strcmp(xmpp_stanza_get_name(c), "text") == 0) {
			if (!text) /* one per language may come: the first */
				text = xmpp_stanza_get_text(c);
		} else if (!cond)
			cond = xmpp_stanza_get_name(c);
	}
	conv_error(s->app, s->acc, bare, cond ? cond : "undefined-condition",
		   text);
	if (text)
		xmpp_free(s->ctx, text);
}

static int message_handler(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct session *s = ud;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	xmpp_stanza_t *x;
	enum chat_state cs;
	struct jid j;
	char *bare, *body;

	(void)conn;
	if (!from || jid_parse(from, &j) < 0)
		return 1;
	bare = jid_bare(&j);
	{
		xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(
			st, "delay", NS_DELAY);
		const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
		int64_t t = stamp ? xs_parse_stamp(stamp) : -1;

		if (muc_message(s, st, bare, j.resource, t >= 0 ? t : now_ms(),
				t >= 0))
			goto out;
	}
	if (type && strcmp(type, "error") == 0) {
		on_error(s, st, bare);
		goto out;
	}
	if (type && (strcmp(type, "groupchat") == 0 ||
		     strcmp(type, "headline") == 0))
		goto out;
	rosterx_message(s, st);
	x = xmpp_stanza_get_child_by_name_and_ns(st, "received", NS_RECEIPTS);
	if (x && xmpp_stanza_get_attribute(x, "id"))
		conv_receipt(s->app, s->acc, bare,
			     xmpp_stanza_get_attribute(x, "id"));
	body = xmpp_message_get_body(st);
	if (body) {
		struct msg_in m = { bare, j.resource, body,
				    xmpp_stanza_get_id(st), now_ms(), false };
		xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(
			st, "delay", NS_DELAY);
		const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
		int64_t t = stamp ? xs_parse_stamp(stamp) : -1;

		if (t >= 0) {
			m.ts_ms = t;
			m.delayed = true;
		}
		conv_incoming(s->app, s->acc, &m);
		if (m.id &&
		    xmpp_stanza_get_child_by_name_and_ns(st, "request", NS_RECEIPTS))
			send_receipt(s, from, m.id);
		xmpp_free(s->ctx, body);
	}
	cs = chat_state_of(st);
	if (cs != CHAT_NONE)
		conv_chat_state(s->app, s->acc, bare, body ? CHAT_ACTIVE : cs);
out:
	free(bare);
	jid_clear(&j);
	return 1;
}

static void add_empty(xmpp_ctx_t *ctx, xmpp_stanza_t *parent,
		      const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(e, name);
	xmpp_stanza_set_ns(e, ns);
	xmpp_stanza_add_child(parent, e);
	xmpp_stanza_release(e);
}

int xs_send_chat(struct app *app, struct account *a, const char *bare,
		 const char *resource, const char *body)
{
	struct session *s = session_of(a);
	char *id, *to;
	xmpp_stanza_t *m;

	if (a->state != ACC_ONLINE)
		return -1;
	id = xmpp_uuid_gen(s->ctx);
	to = resource ? xasprintf("%s/%s", bare, resource) : xstrdup(bare);
	m = xmpp_message_new(s->ctx, "chat", to, id);
	xmpp_message_set_body(m, body);
	add_empty(s->ctx, m, "request", NS_RECEIPTS);
	if (app->cfg.chat_states)
		add_empty(s->ctx, m, "active", NS_CHATSTATES);
	session_send(s, m);
	conv_outgoing(app, a, bare, body, id);
	xmpp_free(s->ctx, id);
	free(to);
	return 0;
}

int xs_send_chat_state(struct app *app, struct account *a, const char *bare,
		       const char *resource, int state)
{
	struct session *s = session_of(a);
	enum chat_state st = (enum chat_state)state;
	xmpp_stanza_t *m;
	char *to;

	(void)app;
	if (a->state != ACC_ONLINE || st <= CHAT_NONE || st > CHAT_GONE)
		return -1;
	to = resource ? xasprintf("%s/%s", bare, resource) : xstrdup(bare);
	m = xmpp_message_new(s->ctx, "chat", to, NULL);
	add_empty(s->ctx, m, state_names[st], NS_CHATSTATES);
	session_send(s, m);
	free(to);
	return 0;
}

void message_register(struct session *s)
{
	xmpp_handler_add(s->conn, message_handler, NULL, "message", NULL, s);
}
