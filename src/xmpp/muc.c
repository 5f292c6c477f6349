/* muc: group chat (XEP-0045), as far as joining, talking and leaving.
 *
 * Joining sends our presence to room/nick with the MUC <x/>; the room
 * answers with every occupant's presence and then ours (status code
 * 110), replays some history, and sends the subject. Messages of type
 * groupchat and presence from a room we have a window for are routed
 * here before the one-to-one handlers see them. Room configuration,
 * invitations, moderation and nick changes by command are not here yet.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/room.h"
#include "util/jid.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
/* How many old messages a room replays when we join. */
#define MUC_HISTORY "20"

int xs_room_join(struct app *app, struct account *a, const char *room,
		 const char *nick)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *p, *x, *h;
	char *to;

	if (a->state != ACC_ONLINE)
		return -1;
	room_open(app, a, room, nick);
	to = xasprintf("%s/%s", room, nick);
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_to(p, to);
	x = stanza_add_child(p, "x", NS_MUC);
	h = stanza_add_child(x, "history", NULL);
	xmpp_stanza_set_attribute(h, "maxstanzas", MUC_HISTORY);
	session_send(s, p);
	free(to);
	return 0;
}

int xs_room_leave(struct app *app, struct account *a, const char *room)
{
	struct session *s = session_of(a);
	struct window *w = room_find(app, a, room);
	xmpp_stanza_t *p;
	char *to;

	if (a->state != ACC_ONLINE || !w || !w->room_nick)
		return -1;
	to = xasprintf("%s/%s", room, w->room_nick);
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_type(p, "unavailable");
	xmpp_stanza_set_to(p, to);
	session_send(s, p);
	free(to);
	return 0;
}

int xs_room_send(struct app *app, struct account *a, const char *room,
		 const char *body)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *m;
	char *id;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	id = xmpp_uuid_gen(s->ctx);
	m = xmpp_message_new(s->ctx, "groupchat", room, id);
	xmpp_message_set_body(m, body);
	session_send(s, m);
	xmpp_free(s->ctx, id);
	return 0;
}

static bool has_status(xmpp_stanza_t *st, const char *code)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(st, "x",
								NS_MUC_USER);
	xmpp_stanza_t *c;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *v;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "status") != 0)
			continue;
		v = xmpp_stanza_get_attribute(c, "code");
		if (v && strcmp(v, code) == 0)
			return true;
	}
	return false;
}

/* A room's error stanza, for its window. */
static void report_error(struct session *s, const char *room,
			 xmpp_stanza_t *st)
{
	struct req_error e;

	req_error_parse(st, &e);
	room_error(s->app, s->acc, room, e.cond, e.text);
	req_error_clear(&e);
}

bool muc_presence(struct session *s, xmpp_stanza_t *st, const char *bare,
		  const char *nick)
{
	const char *type = xmpp_stanza_get_type(st);
	char *clean;
	bool self;

	if (!room_find(s->app, s->acc, bare))
		return false;
	if (type && strcmp(type, "error") == 0) {
		report_error(s, bare, st);
		return true;
	}
	if (!nick)
		return true;
	clean = utf8_sanitize(nick, 0);
	self = has_status(st, "110");
	room_occupant(s->app, s->acc, bare, clean,
		      !type || strcmp(type, "unavailable") != 0, self);
	free(clean);
	return true;
}

bool muc_message(struct session *s, xmpp_stanza_t *st, const char *bare,
		 const char *nick, int64_t ts_ms, bool delayed)
{
	const char *type = xmpp_stanza_get_type(st);
	char *body, *subject, *n;

	if (!room_find(s->app, s->acc, bare))
		return false;
	if (type && strcmp(type, "error") == 0) {
		report_error(s, bare, st);
		return true;
	}
	if (!type || strcmp(type, "groupchat") != 0)
		return false; /* a private message through the room */
	n = nick ? utf8_sanitize(nick, 0) : NULL;
	body = stanza_child_text(st, "body");
	subject = stanza_child_text(st, "subject");
	if (body)
		room_message(s->app, s->acc, bare, n, body, ts_ms, delayed);
	else if (subject)
		room_subject(s->app, s->acc, bare, n, subject);
	free(body);
	free(subject);
	free(n);
	return true;
}
