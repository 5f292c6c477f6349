/* message: chat messages in and out, receipts (XEP-0184), chat states
 * (XEP-0085) and delayed delivery stamps (XEP-0203), believed only from
 * our server, the sender or its server (a room for its messages).
 *
 * Every message, live or unwrapped from a carbon or the archive, goes
 * through message_read() (session.h says what each way changes).
 * Incoming stanzas are parsed into struct msg_in and handed to core/conv,
 * which applies the strangers policy; a private message from a room's
 * occupant is keyed by the occupant's full JID (and an error to one we
 * sent there goes to that window, not the room's). Invitations to rooms
 * and declines of ours go to xmpp/mucadmin.c. Receipts are sent only
 * where conv_receipt_allowed() says (XEP-0184 section 8); errors to our
 * messages become a line in the conversation. Groupchat
 * and headline messages wait for their own modules.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/reply.h"
#include "core/room.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
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

	xmpp_stanza_set_attribute(stanza_add_child(m, "received", NS_RECEIPTS),
				  "id", id);
	xmpp_free(s->ctx, rid);
	session_send(s, m);
}

/* XEP-0203: the time st's <delay/> gives, in ms, when whoever stamped it
 * may be believed: the user's own server (the account's domain), the
 * sender itself or its server (the sender's bare JID or its domain) --
 * for a room's messages the room. A stamp from anyone else, or naming no
 * one, is a claim that would let a peer back-date what it writes: -1,
 * and the message counts as received now. */
static int64_t delay_of(struct session *s, xmpp_stanza_t *st,
			const struct jid *sender)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(st, "delay",
								 NS_DELAY);
	const char *stamp = d ? xmpp_stanza_get_attribute(d, "stamp") : NULL;
	const char *by = d ? xmpp_stanza_get_attribute(d, "from") : NULL;
	struct jid j;
	bool ok;

	if (!stamp)
		return -1;
	if (!by || jid_parse(by, &j) < 0) {
		log_msg(LOG_INFO, "message",
			"delay stamp without a valid from ignored");
		return -1;
	}
	if (j.local) /* a user or a room: only the sender itself */
		ok = sender->local && strcmp(j.local, sender->local) == 0 &&
		     strcmp(j.domain, sender->domain) == 0;
	else /* a server: the sender's or ours */
		ok = strcmp(j.domain, sender->domain) == 0 ||
		     (s->acc->domain && strcasecmp(j.domain, s->acc->domain) == 0);
	jid_clear(&j);
	if (!ok) {
		log_msg(LOG_INFO, "message", "delay stamp from %s ignored", by);
		return -1;
	}
	return xs_parse_stamp(stamp);
}

/* An error to a message we sent; its condition and text are read (and
 * sanitised) as every error is, by req_error_parse. */
static void on_error(struct session *s, xmpp_stanza_t *st, const char *bare)
{
	struct req_error e;

	req_error_parse(st, &e);
	conv_error(s->app, s->acc, bare, e.cond, e.text);
	req_error_clear(&e);
}

/* An occupant's full JID when j is one with a private window open,
 * else NULL; the caller frees it. */
static char *private_peer(struct session *s, const struct jid *j)
{
	char *full;

	if (!j->resource)
		return NULL;
	full = jid_full(j);
	if (conv_find(s->app, s->acc, full))
		return full;
	free(full);
	return NULL;
}

/* Whose conversation a message belongs to: a private message through a
 * room we are in (or from an occupant we talk to) is the occupant's own,
 * keyed by the full JID, never the room's; anything else the bare JID's.
 * The caller frees it. */
static char *peer_of(struct session *s, const struct jid *j, const char *bare)
{
	char *peer = j->resource ? jid_full(j) : NULL;

	if (!peer || (!room_find(s->app, s->acc, bare) &&
		      !conv_find(s->app, s->acc, peer))) {
		free(peer);
		peer = xstrdup(bare);
	}
	return peer;
}

/* Whether j is the user's own bare JID (any of its resources). */
static bool is_self(struct session *s, const struct jid *j)
{
	char *b = jid_bare(j);
	bool self = s->acc->bare_jid && strcasecmp(b, s->acc->bare_jid) == 0;

	free(b);
	return self;
}

/* When message st was sent, in ms: for a live message or a carbon its
 * own believable <delay/> (then *delayed), else the time via gives
 * (the <forwarded/> one, stamped by our server), else now. */
static int64_t time_of(struct session *s, xmpp_stanza_t *st,
		       const struct jid *sender, const struct msg_via *via,
		       bool *delayed)
{
	int64_t t = via->kind == VIA_ARCHIVE ? -1 : delay_of(s, st, sender);

	*delayed = t >= 0;
	if (t < 0 && via->ts_ms >= 0) {
		t = via->ts_ms;
		*delayed = via->kind == VIA_ARCHIVE;
	}
	return t >= 0 ? t : now_ms();
}

void message_read(struct session *s, xmpp_stanza_t *st,
		  const struct msg_via *via)
{
	bool live = via->kind == VIA_LIVE;
	const char *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);
	const char *to = xmpp_stanza_get_to(st);
	struct jid j, other = { 0 };
	const char *device = NULL, *r;
	char *bare = NULL, *body = NULL, *peer = NULL, *sid, *oid;
	bool out;
	xmpp_stanza_t *x;
	enum chat_state cs;

	if (!from || jid_parse(from, &j) < 0)
		return;
	/* what the user wrote elsewhere (a sent carbon, the archive's copy
	 * of ours) is about its recipient: the peer is `to` */
	out = via->kind == VIA_CARBON_SENT ||
	      (via->kind == VIA_ARCHIVE && is_self(s, &j));
	if (out || via->kind == VIA_CARBON_RECEIVED) {
		if (!to || jid_parse(to, &other) < 0) {
			jid_clear(&j);
			return;
		}
		if (out) {
			struct jid t = j;

			j = other;
			other = t;
		}
		device = other.resource;
		/* this very client (the archive's copy of what we sent) is
		 * no other device */
		if (device && s->acc->bound_jid &&
		    (r = strchr(s->acc->bound_jid, '/')) && strcmp(r + 1, device) == 0)
			device = NULL;
	}
	bare = jid_bare(&j);
	if (live && type && strcmp(type, "error") == 0 &&
	    (peer = private_peer(s, &j))) {
		on_error(s, st, peer); /* not the room's: its own window's */
		goto out;
	}
	if (live) {
		int64_t t = delay_of(s, st, &j);

		if (muc_message(s, st, type, bare, j.resource,
				t >= 0 ? t : now_ms(), t >= 0))
			goto out;
		if (type && strcmp(type, "error") == 0) {
			on_error(s, st, bare);
			goto out;
		}
	}
	/* a buzz (XEP-0224) and a call's signalling (XEP-0353) */
	if (live && (!type || strcmp(type, "error") != 0) &&
	    buzz_message(s, st, bare, delay_of(s, st, &j) >= 0))
		goto out;
	if ((!type || strcmp(type, "error") != 0) &&
	    xs_call_message(s, st, via))
		goto out;
	if (type && (strcmp(type, "groupchat") == 0 ||
		     strcmp(type, "headline") == 0 || strcmp(type, "error") == 0))
		goto out;
	if (live && mucadmin_message(s, st, from, &j))
		goto out;
	if (live)
		rosterx_message(s, st);
	peer = peer_of(s, &j, bare);
	x = xmpp_stanza_get_child_by_name_and_ns(st, "received", NS_RECEIPTS);
	if (!out && x && xmpp_stanza_get_attribute(x, "id"))
		conv_receipt(s->app, s->acc, peer,
			     xmpp_stanza_get_attribute(x, "id"));
	stanza_sids(st, s->acc->bare_jid, &sid, &oid);
	if (!out)
		xs_marks_read(s, st, peer); /* a chat marker (XEP-0333) */
	body = correct_read_chat(s, st, peer, out ? device : j.resource, out) ?
		       NULL : xmpp_message_get_body(st);
	if (body) {
		struct msg_in m = { .jid = peer, .resource = j.resource,
				    .body = body, .id = xmpp_stanza_get_id(st),
				    .out = out, .device = device,
				    .archive_id = via->archive_id ?
							  via->archive_id : sid,
				    .origin_id = oid,
				    .archived = via->kind == VIA_ARCHIVE,
				    .in_order = via->in_order };
		struct reply_ref rr;

		m.ts_ms = time_of(s, st, &j, via, &m.delayed);
		xs_marks_parse(st, &m, &rr); /* markable, a reply */
		conv_incoming(s->app, s->acc, &m);
		/* XEP-0184 section 8: only to those who may know we are
		 * here; a copy from elsewhere was another client's to answer */
		if (live && m.id &&
		    xmpp_stanza_get_child_by_name_and_ns(st, "request", NS_RECEIPTS) &&
		    conv_receipt_allowed(s->app, s->acc, peer))
			send_receipt(s, from, m.id);
	}
	free(sid);
	free(oid);
	cs = out || via->kind == VIA_ARCHIVE ? CHAT_NONE : chat_state_of(st);
	if (cs != CHAT_NONE)
		conv_chat_state(s->app, s->acc, peer, body ? CHAT_ACTIVE : cs);
	if (body)
		xmpp_free(s->ctx, body);
out:
	free(peer);
	free(bare);
	jid_clear(&j);
	jid_clear(&other);
}

static int message_handler(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	static const struct msg_via live = { VIA_LIVE, -1, NULL, false };

	(void)conn;
	if (mam_result(ud, st))
		return 1;
	mam_settle(ud); /* the catch-up's results it came behind first */
	if (carbons_message(ud, st))
		return 1;
	message_read(ud, st, &live);
	return 1;
}

int xs_send_chat(struct app *app, struct account *a, const char *bare,
		 const char *resource, const char *body)
{
	struct session *s = session_of(a);
	bool online = a->state == ACC_ONLINE;
	char *id;

	/* the outbox keeps it until the server has it; without a store
	 * an offline message has nowhere to wait */
	if (!online && !(a->history && a->outbox))
		return -1;
	id = xmpp_uuid_gen(s->ctx);
	conv_outgoing(app, a, bare, body, id);
	if (online)
		delivery_send(s, bare, resource, body, id, NULL);
	xmpp_free(s->ctx, id);
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
	stanza_add_child(m, state_names[st], NS_CHATSTATES);
	session_send(s, m);
	free(to);
	return 0;
}

void message_register(struct session *s)
{
	xmpp_handler_add(s->conn, message_handler, NULL, "message", NULL, s);
	delivery_register(s);
}
