/* call: incoming calls' signalling, to and from core/call.
 *
 * Two ways a call reaches us. XEP-0353 (Jingle Message Initiation): a
 * chat message holding <propose id=.../> with one RTP <description/>
 * per medium rings every device of the user; the caller's <retract/>
 * (or <finish/>) ends it, and a device of ours that takes or refuses it
 * says so with <proceed/> (<accept/> in older versions) or <reject/>,
 * which reach this client as carbons (XEP-0280) or, sent to our own
 * bare JID, as messages from ourselves. XEP-0166/XEP-0167: a Jingle
 * session-initiate IQ with RTP contents, acknowledged at once, ended by
 * the caller's session-terminate. What those stanzas say goes to
 * core/call, which knows who may end what; /decline answers with a
 * <reject/> (to the caller's bare JID, as XEP-0353 says, so its other
 * devices stop too) or a session-terminate holding <decline/>; a
 * Jingle session nobody answered is ended with <timeout/>, so that the
 * caller is not left waiting either (a proposal is the caller's to
 * retract).
 *
 * The session ids are taken as the peer gave them (core/call bounds
 * their length) and only ever sent back; the reason a peer gives is
 * one sanitised line, cut to REASON_MAX bytes. Messages from the
 * archive are old signalling: taken (not shown as messages), nothing
 * rings.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/call.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

#define REASON_MAX 300

/* The media an RTP <description/> under parent names. */
static unsigned media_in(xmpp_stanza_t *parent)
{
	unsigned media = 0;
	xmpp_stanza_t *d;

	for (d = xmpp_stanza_get_children(parent); d; d = xmpp_stanza_get_next(d)) {
		const char *ns = xmpp_stanza_get_ns(d), *m;

		if (!xmpp_stanza_is_tag(d) || !ns || strcmp(ns, NS_JINGLE_RTP) ||
		    strcmp(xmpp_stanza_get_name(d), "description"))
			continue;
		m = xmpp_stanza_get_attribute(d, "media");
		if (m && strcmp(m, "video") == 0)
			media |= CALL_VIDEO;
		else
			media |= CALL_AUDIO;
	}
	return media;
}

char *xs_call_reason(xmpp_stanza_t *el)
{
	xmpp_stanza_t *r = el ? xmpp_stanza_get_child_by_name_and_ns(
					el, "reason", NS_JINGLE) :
				NULL;
	xmpp_stanza_t *c;
	char *text;

	if (!r)
		return NULL;
	text = stanza_text(xmpp_stanza_get_child_by_name(r, "text"), 0);
	if (text && !*text) {
		free(text);
		text = NULL;
	}
	/* no words: the condition's name (busy, decline, ...) */
	for (c = xmpp_stanza_get_children(r); c && !text;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "text") != 0)
			text = utf8_sanitize(xmpp_stanza_get_name(c), 0);
	if (text)
		utf8_cut(text, REASON_MAX);
	return text;
}

/* How long ago st was sent, by its <delay/> (-1: now, or not said). */
static int64_t age_of(xmpp_stanza_t *st)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(st, "delay",
								 NS_DELAY);
	const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
	struct timespec ts;
	int64_t t, now;

	if (!stamp || (t = xs_parse_stamp(stamp)) < 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now > t ? now - t : -1;
}

/* The XEP-0353 element of st, or NULL. */
static xmpp_stanza_t *jmi_of(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		const char *ns = xmpp_stanza_get_ns(c);

		if (xmpp_stanza_is_tag(c) && ns && strcmp(ns, NS_JMI) == 0)
			return c;
	}
	return NULL;
}

bool xs_call_message(struct session *s, xmpp_stanza_t *st,
		     const struct msg_via *via)
{
	xmpp_stanza_t *el = jmi_of(st);
	const char *name, *id, *from;
	enum call_end why;
	char *reason;

	if (!el)
		return false;
	name = xmpp_stanza_get_name(el);
	id = xmpp_stanza_get_attribute(el, "id");
	from = xmpp_stanza_get_from(st);
	if (!id || !from || via->kind == VIA_ARCHIVE)
		return true;
	if (strcmp(name, "propose") == 0) {
		struct call_offer o = { .sid = id, .jid = from,
					.media = media_in(el), .jingle = false,
					.age_ms = age_of(st) };

		/* a copy of a call to another device of ours rings there */
		if (via->kind == VIA_LIVE)
			call_incoming(s->app, s->acc, &o);
		return true;
	}
	if (strcmp(name, "retract") == 0)
		why = CALL_END_RETRACTED;
	else if (strcmp(name, "finish") == 0)
		why = CALL_END_HUNG_UP;
	else if (strcmp(name, "proceed") == 0 || strcmp(name, "accept") == 0)
		why = CALL_END_ANSWERED;
	else if (strcmp(name, "reject") == 0)
		why = CALL_END_REJECTED;
	else /* ringing, and what a later version may add */
		return true;
	/* what the caller does comes live; what another device of ours
	 * sent the caller comes as a sent carbon from that device (or, in
	 * XEP-0353's older versions, live: sent to our own bare JID) */
	if (via->kind != VIA_LIVE &&
	    !(via->kind == VIA_CARBON_SENT &&
	      (why == CALL_END_ANSWERED || why == CALL_END_REJECTED)))
		return true;
	reason = xs_call_reason(el);
	call_end(s->app, s->acc, id, from, why, reason);
	free(reason);
	return true;
}

/* The reply to iq: an empty result. */
static void ack(struct session *s, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *r = xmpp_iq_new(s->ctx, "result",
				       xmpp_stanza_get_id(iq));

	xmpp_stanza_set_to(r, xmpp_stanza_get_from(iq));
	session_send(s, r);
}

/* The RTP media of a session-initiate's contents (0: no RTP at all). */
static unsigned session_media(xmpp_stanza_t *jingle)
{
	unsigned media = 0;
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(jingle); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "content") == 0)
			media |= media_in(c);
	return media;
}

bool xs_call_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *jingle)
{
	const char *action = xmpp_stanza_get_attribute(jingle, "action");
	const char *sid = xmpp_stanza_get_attribute(jingle, "sid");
	const char *from = xmpp_stanza_get_from(iq);
	struct call *c;
	char *reason;

	if (!action || !sid || !from)
		return false;
	if (strcmp(action, "session-initiate") == 0) {
		struct call_offer o = { .sid = sid, .jid = from,
					.media = session_media(jingle),
					.jingle = true, .age_ms = -1 };

		/* a file transfer, say, is not a call */
		if (!o.media || call_incoming(s->app, s->acc, &o) < 0)
			return false;
		ack(s, iq);
		return true;
	}
	/* the session's own peer only: no one else learns it exists */
	c = call_find(s->app, s->acc, sid);
	if (!c || !c->jingle || strcmp(c->jid, from) != 0)
		return false;
	ack(s, iq);
	if (strcmp(action, "session-terminate") == 0) {
		reason = xs_call_reason(jingle);
		call_end(s->app, s->acc, sid, from, CALL_END_HUNG_UP, reason);
		free(reason);
	}
	return true;
}

/* A session-terminate for sid to jid, with reason's condition cond and
 * text (NULL: none). */
static void terminate(struct session *s, const char *jid, const char *sid,
		      const char *cond, const char *text)
{
	char *id = xmpp_uuid_gen(s->ctx);
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "set", id);
	xmpp_stanza_t *el = stanza_add_child(iq, "jingle", NS_JINGLE), *r;

	xmpp_stanza_set_to(iq, jid);
	xmpp_stanza_set_attribute(el, "action", "session-terminate");
	xmpp_stanza_set_attribute(el, "sid", sid);
	r = stanza_add_child(el, "reason", NS_JINGLE);
	stanza_add_child(r, cond, NULL);
	if (text && *text)
		stanza_add_text(r, "text", text);
	xmpp_free(s->ctx, id);
	session_send(s, iq);
}

/* A Jingle session nobody answered: the caller hears it timed out, so
 * it is not left open on its side either. */
static void on_event(struct app *app, const struct event *ev, void *ud)
{
	const struct ev_call *c = &ev->call;

	(void)app;
	(void)ud;
	if (ev->type != EV_CALL || c->what != CALL_ENDED || !c->jingle ||
	    c->why != CALL_END_MISSED || ev->acc->state != ACC_ONLINE)
		return;
	terminate(session_of(ev->acc), c->jid, c->sid, "timeout", NULL);
}

void xs_call_init(struct app *app)
{
	event_subscribe(app, on_event, NULL);
}

int xs_call_decline(struct app *app, struct call *c, const char *reason)
{
	struct session *s = session_of(c->acc);
	xmpp_stanza_t *st, *el, *r;
	char *id;

	if (c->acc->state != ACC_ONLINE)
		return -1;
	if (c->jingle) {
		terminate(s, c->jid, c->sid, "decline", reason);
	} else {
		id = xmpp_uuid_gen(s->ctx);
		st = xmpp_message_new(s->ctx, "chat", c->bare, id);
		el = stanza_add_child(st, "reject", NS_JMI);
		xmpp_stanza_set_attribute(el, "id", c->sid);
		r = stanza_add_child(el, "reason", NS_JINGLE);
		stanza_add_child(r, "decline", NULL);
		if (reason && *reason)
			stanza_add_text(r, "text", reason);
		stanza_add_child(st, "store", NS_HINTS);
		xmpp_free(s->ctx, id);
		session_send(s, st);
	}
	return call_end(app, c->acc, c->sid, NULL, CALL_END_DECLINED, reason);
}
