/* muc: group chat (XEP-0045), as far as joining, talking and leaving.
 *
 * Joining sends our presence to room/nick with the MUC <x/>; the room
 * answers with every occupant's presence and then ours (status code
 * 110), replays some history, and sends the subject. Messages of type
 * groupchat and presence from a room we have a window for are routed
 * here before the one-to-one handlers see them. An occupant's presence
 * is read into a struct room_presence (its muc#user item and status
 * codes) for core/room.c. Room configuration, invitations, moderation
 * and nick changes by command are not here yet.
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
		 const char *nick, const char *password)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *p, *x, *h;
	char *to;

	if (a->state != ACC_ONLINE)
		return -1;
	room_open(app, a, room, nick, password);
	to = xasprintf("%s/%s", room, nick);
	p = xmpp_presence_new(s->ctx);
	xmpp_stanza_set_to(p, to);
	x = stanza_add_child(p, "x", NS_MUC);
	h = stanza_add_child(x, "history", NULL);
	xmpp_stanza_set_attribute(h, "maxstanzas", MUC_HISTORY);
	if (password)
		stanza_add_text(x, "password", password);
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

	if (a->state != ACC_ONLINE || !w)
		return -1;
	to = xasprintf("%s/%s", room, w->room->nick);
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

/* Reads the muc#user <x/> of an occupant's presence into p: item
 * (role, affiliation, real JID, new nick, actor, reason) and status
 * codes. The strings it sets are sanitised copies kept in strs (freed by
 * the caller with free_strs). */
#define PRESENCE_STRS 5
static void read_muc_user(xmpp_stanza_t *st, struct room_presence *p,
			  char *strs[PRESENCE_STRS])
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(st, "x",
								NS_MUC_USER);
	xmpp_stanza_t *c, *item = NULL;

	for (c = x ? xmpp_stanza_get_children(x) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_is_tag(c) ?
					   xmpp_stanza_get_name(c) : NULL;
		const char *v;

		if (name && strcmp(name, "item") == 0 && !item) {
			item = c;
		} else if (name && strcmp(name, "status") == 0 &&
			   p->ncodes < ROOM_MAX_CODES &&
			   (v = xmpp_stanza_get_attribute(c, "code"))) {
			p->codes[p->ncodes++] = atoi(v);
		}
	}
	if (!item)
		return;
	p->role = room_role_parse(xmpp_stanza_get_attribute(item, "role"));
	p->affil = room_affil_parse(
		xmpp_stanza_get_attribute(item, "affiliation"));
	if (xmpp_stanza_get_attribute(item, "jid"))
		p->jid = strs[0] = utf8_sanitize(
			xmpp_stanza_get_attribute(item, "jid"), 0);
	if (xmpp_stanza_get_attribute(item, "nick"))
		p->new_nick = strs[1] = utf8_sanitize(
			xmpp_stanza_get_attribute(item, "nick"), 0);
	c = xmpp_stanza_get_child_by_name(item, "actor");
	if (c && xmpp_stanza_get_attribute(c, "nick"))
		p->actor = strs[2] = utf8_sanitize(
			xmpp_stanza_get_attribute(c, "nick"), 0);
	p->reason = strs[3] = stanza_child_text(item, "reason");
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
	struct room_presence p = { 0 };
	char *strs[PRESENCE_STRS] = { 0 };
	char *show, *clean;

	if (!room_find(s->app, s->acc, bare))
		return false;
	if (type && strcmp(type, "error") == 0) {
		report_error(s, bare, st);
		return true;
	}
	if (!nick)
		return true;
	clean = utf8_sanitize(nick, 0);
	p.nick = clean;
	p.available = !type || strcmp(type, "unavailable") != 0;
	show = stanza_child_text(st, "show");
	p.show = p.available ? presence_show_parse(show) : SHOW_OFFLINE;
	free(show);
	p.status = strs[4] = stanza_child_text(st, "status");
	read_muc_user(st, &p, strs);
	room_presence(s->app, s->acc, bare, &p);
	for (size_t i = 0; i < PRESENCE_STRS; i++)
		free(strs[i]);
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
