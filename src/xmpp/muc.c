/* muc: group chat (XEP-0045), as far as joining, talking and leaving.
 *
 * Joining sends our presence to room/nick with the MUC <x/>; the room
 * answers with every occupant's presence and then ours (status code
 * 110), replays some history, and sends the subject. Messages of type
 * groupchat and presence from a room we have a window for are routed
 * here before the one-to-one handlers see them. An occupant's presence
 * is read into a struct room_presence (its muc#user item and status
 * codes) for core/room.c; a message with its XEP-0359 ids, by which
 * core/room.c keeps the history free of the room's replays. Our own
 * messages carry an <origin-id/>. Staying in (self-ping, rejoin) and
 * the <history/> a join asks for are mucstay.c's. Our own first
 * presence in a room asks the room's disco#info for its name (the
 * window's title); one that says the room was just created (201) hands
 * it to mucowner.c, which opens it instantly or shows its configuration
 * form (and whether the room has an archive: mam.c catches up from
 * it; its results come back here, muc_archived). A message from the room itself with status codes (104,
 * 170-174) is told as such. Nick changes (/nick) and the subject
 * (/topic) are sent from here; invitations and moderation are not here.
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
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
/* The id prefix of a subject change (/topic). */
#define SUBJECT_ID "subject-"

/* A new presence to our occupant JID room/nick; the caller sends it. */
static xmpp_stanza_t *occupant_presence(struct session *s, const char *room,
					const char *nick)
{
	xmpp_stanza_t *p = xmpp_presence_new(s->ctx);
	char *to = xasprintf("%s/%s", room, nick);

	xmpp_stanza_set_to(p, to);
	free(to);
	return p;
}

/* Our show and status (/status, auto-away) on a presence to a room: an
 * occupant's presence says it as a contact's does. */
static void add_own_show(struct session *s, xmpp_stanza_t *p)
{
	struct account *a = s->acc;

	if (a->show != SHOW_ONLINE && a->show != SHOW_OFFLINE)
		stanza_add_text(p, "show", presence_show_name(a->show));
	if (a->status_text)
		stanza_add_text(p, "status", a->status_text);
}

void muc_send_join(struct session *s, const char *room, const char *nick,
		   const char *password)
{
	xmpp_stanza_t *p = occupant_presence(s, room, nick);
	xmpp_stanza_t *x;

	add_own_show(s, p);
	x = stanza_add_child(p, "x", NS_MUC);
	muc_history_ask(s, x, room); /* what we lack (mucstay.c) */
	mam_room_joining(s, room);   /* and from its archive, if any */
	if (password)
		stanza_add_text(x, "password", password);
	session_send(s, p);
}

int xs_room_join(struct app *app, struct account *a, const char *room,
		 const char *nick, const char *password)
{
	struct session *s = session_of(a);
	if (a->state != ACC_ONLINE)
		return -1;
	room_open(app, a, room, nick, password);
	room_find(app, a, room)->room->joining = true;
	muc_send_join(s, room, nick, password);
	return 0;
}

int xs_room_leave(struct app *app, struct account *a, const char *room)
{
	return xs_room_part(app, a, room, NULL);
}

int xs_room_part(struct app *app, struct account *a, const char *room,
		 const char *status)
{
	struct session *s = session_of(a);
	struct window *w = room_find(app, a, room);
	xmpp_stanza_t *p;

	if (a->state != ACC_ONLINE || !w)
		return -1;
	if (!w->room->joined && !w->room->joining && !w->room->rejoining)
		return 0; /* not in: nothing to leave */
	muc_stay_left(s, room);
	p = occupant_presence(s, room, w->room->nick);
	xmpp_stanza_set_type(p, "unavailable");
	if (status && *status)
		stanza_add_text(p, "status", status);
	session_send(s, p);
	return 0;
}

void muc_send_groupchat(struct session *s, const char *room,
			const char *body, const char *id, const char *oob)
{
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, "groupchat", room, id);

	xmpp_message_set_body(m, body);
	if (oob)
		delivery_add_oob(m, oob);
	/* XEP-0359: the room's echo and its replays carry it back */
	xmpp_stanza_set_attribute(stanza_add_child(m, "origin-id", NS_SID),
				  "id", id);
	xs_marks_outgoing(s, m, body); /* <markable/>, a reply */
	session_send(s, m);
}

int xs_room_nick(struct app *app, struct account *a, const char *room,
		 const char *nick)
{
	struct session *s = session_of(a);
	struct window *w = room_find(app, a, room);
	xmpp_stanza_t *p;

	if (a->state != ACC_ONLINE || !w)
		return -1;
	free(w->room->want_nick);
	w->room->want_nick = xstrdup(nick);
	p = occupant_presence(s, room, nick);
	add_own_show(s, p);
	session_send(s, p);
	return 0;
}

void muc_presence_update(struct session *s)
{
	struct app *app = s->app;

	for (size_t i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];
		xmpp_stanza_t *p;

		if (w->kind != WIN_ROOM || w->acc != s->acc || !w->room ||
		    !w->room->joined)
			continue;
		p = occupant_presence(s, w->jid, w->room->nick);
		add_own_show(s, p);
		session_send(s, p);
	}
}

int xs_room_subject(struct app *app, struct account *a, const char *room,
		    const char *subject)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *m;
	char *uuid, *id;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	uuid = xmpp_uuid_gen(s->ctx);
	/* the room's error answer may leave the <subject/> out: the id
	 * says what it refuses */
	id = xasprintf("%s%s", SUBJECT_ID, uuid);
	xmpp_free(s->ctx, uuid);
	m = xmpp_message_new(s->ctx, "groupchat", room, id);
	/* an empty <subject/> clears it (XEP-0045 8.1) */
	if (*subject)
		stanza_add_text(m, "subject", subject);
	else
		stanza_add_child(m, "subject", NULL);
	session_send(s, m);
	xmpp_free(s->ctx, id);
	return 0;
}

int xs_room_send(struct app *app, struct account *a, const char *room,
		 const char *body)
{
	struct session *s = session_of(a);
	struct window *w = room_find(app, a, room);
	bool now = a->state == ACC_ONLINE && w && w->room->joined;
	char *id;
	int rc = 0;

	/* the outbox keeps it until the room echoes it; without a store
	 * it goes now or not at all */
	if (!w || (!now && !(a->history && a->outbox)))
		return -1;
	id = xmpp_uuid_gen(s->ctx);
	if (room_outgoing(app, a, room, body, id) == 0)
		muc_outbox_send(s, w, false); /* if the room can take it */
	else if (now)
		muc_send_groupchat(s, room, body, id, NULL);
	else
		rc = -1;
	xmpp_free(s->ctx, id);
	return rc;
}

/* Reads the muc#user <x/> of an occupant's presence into p: item
 * (role, affiliation, real JID, new nick, actor, reason) and status
 * codes. Only the first <item/> and the first <destroy/> count. The
 * strings it sets are sanitised copies kept in strs (freed by the caller
 * with free_strs). */
#define PRESENCE_STRS 7
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
		} else if (name && strcmp(name, "destroy") == 0 &&
			   !p->destroyed) { /* the first, as for <item/> */
			p->destroyed = true;
			p->destroy_reason = strs[5] = stanza_child_text(c,
									"reason");
			if ((v = xmpp_stanza_get_attribute(c, "jid")))
				p->destroy_jid = strs[6] = utf8_sanitize(v, 0);
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

/* A room's error stanza, for its window: op is what it refuses. */
static void report_error(struct session *s, const char *room,
			 enum room_op op, xmpp_stanza_t *st)
{
	struct req_error e;

	req_error_parse(st, &e);
	room_error(s->app, s->acc, room, op, e.cond, e.text);
	req_error_clear(&e);
}

/* A presence error stops a rejoin it makes hopeless (mucstay.c). */
static void presence_error(struct session *s, const char *room,
			   xmpp_stanza_t *st)
{
	struct req_error e;

	req_error_parse(st, &e);
	muc_stay_error(s, room, e.cond);
	req_error_clear(&e);
}

/* The room's disco#info: its name, for the window's title, and whether
 * it keeps an archive. A name that
 * is only the room's local part says nothing new and is left out. */
static void on_room_info(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *room = ud;
	xmpp_stanza_t *q = reply && req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply,
							       NS_DISCO_INFO) :
				   NULL;
	xmpp_stanza_t *c;
	const char *at = strchr(room, '@');

	/* an archive (mam.c): the join's catch-up starts */
	mam_room_info(s, room, q && stanza_has_feature(q, NS_MAM));
	for (c = q ? xmpp_stanza_get_children(q) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *cat = xmpp_stanza_get_attribute(c, "category");
		const char *name = xmpp_stanza_get_attribute(c, "name");
		char *clean;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "identity") != 0 || !cat ||
		    strcmp(cat, "conference") != 0 || !name)
			continue;
		clean = utf8_sanitize(name, 0);
		if (at && strlen(clean) == (size_t)(at - room) &&
		    strncmp(clean, room, (size_t)(at - room)) == 0)
			room_set_name(s->app, s->acc, room, NULL);
		else
			room_set_name(s->app, s->acc, room, clean);
		free(clean);
		break;
	}
	free(room);
}

void muc_fetch_info(struct session *s, const char *room)
{
	req_send(s, req_iq(s, "get", room, "query", NS_DISCO_INFO),
		 on_room_info, xstrdup(room), REQ_TIMEOUT_MS);
}

bool muc_presence(struct session *s, xmpp_stanza_t *st, const char *bare,
		  const char *nick)
{
	const char *type = xmpp_stanza_get_type(st);
	struct room_presence p = { 0 };
	char *strs[PRESENCE_STRS] = { 0 };
	char *show, *clean;

	struct window *w = room_find(s->app, s->acc, bare);
	bool was_in;

	if (!w)
		return false;
	muc_stay_heard(s, w);
	if (type && strcmp(type, "error") == 0) {
		presence_error(s, bare, st);
		report_error(s, bare,
			     w->room->want_nick && w->room->joined ?
				     ROOM_OP_NICK : ROOM_OP_JOIN, st);
		return true;
	}
	if (!nick)
		return true;
	was_in = w->room->joined;
	clean = utf8_sanitize(nick, 0);
	p.nick = clean;
	p.available = !type || strcmp(type, "unavailable") != 0;
	show = stanza_child_text(st, "show");
	p.show = p.available ? presence_show_parse(show) : SHOW_OFFLINE;
	free(show);
	p.status = strs[4] = stanza_child_text(st, "status");
	read_muc_user(st, &p, strs);
	room_presence(s->app, s->acc, bare, &p);
	muc_stay_presence(s, bare, &p);
	/* our own arrival: the room's name, and a new room to open */
	w = room_find(s->app, s->acc, bare);
	if (w && !was_in && w->room->joined) {
		muc_fetch_info(s, bare);
		if (room_presence_has(&p, 201))
			mucowner_created(s, bare);
	}
	for (size_t i = 0; i < PRESENCE_STRS; i++)
		free(strs[i]);
	free(clean);
	return true;
}

/* XEP-0359 ids of a room's message: the room's stanza-id, and the
 * sender's origin-id, else the stanza's id. */
static void message_ids(xmpp_stanza_t *st, const char *room, char **sid,
			char **oid)
{
	const char *v = xmpp_stanza_get_id(st);

	stanza_sids(st, room, sid, oid);
	if (!*oid && v && *v)
		*oid = utf8_sanitize(v, 0);
}

bool muc_message(struct session *s, xmpp_stanza_t *st, const char *type,
		 const char *bare, const char *nick, int64_t ts_ms,
		 bool delayed)
{
	struct window *w = room_find(s->app, s->acc, bare);
	xmpp_stanza_t *subj;
	char *body, *subject, *n, *sid, *oid;

	if (!w)
		return false;
	muc_stay_heard(s, w);
	if (type && strcmp(type, "error") == 0) {
		const char *id = xmpp_stanza_get_id(st);
		bool subj_err = xmpp_stanza_get_child_by_name(st, "subject") ||
				(id && strncmp(id, SUBJECT_ID,
					       strlen(SUBJECT_ID)) == 0);

		report_error(s, bare, subj_err ? ROOM_OP_SUBJECT :
						 ROOM_OP_MESSAGE, st);
		return true;
	}
	if (!type || strcmp(type, "groupchat") != 0)
		return false; /* a private message through the room */
	n = nick ? utf8_sanitize(nick, 0) : NULL;
	body = stanza_child_text(st, "body");
	subj = xmpp_stanza_get_child_by_name(st, "subject");
	subject = subj ? stanza_child_text(st, "subject") : NULL;
	message_ids(st, bare, &sid, &oid);
	if (correct_read_room(s, st, bare, n)) {
		/* a correction or retraction (xmpp/correct.c) */
	} else if (body) {
		/* markable, a reply: xmpp/marks.c reads them as for a chat */
		struct msg_in m = { .body = body, .id = sid };
		struct reply_ref rr;

		xs_marks_parse(st, &m, &rr);
		room_message_ext(s->app, w, n, body, ts_ms, delayed, sid, oid,
				 m.markable && !delayed, m.reply);
	} else if (subj) {
		room_subject(s->app, s->acc, bare, n, subject ? subject : "");
		/* the subject (empty or not) ends what a join sends */
		muc_stay_subject(s, bare);
	} else if (!nick) {
		/* the room's own news: status codes only (XEP-0045 10.2.1) */
		struct room_presence p = { 0 };
		char *strs[PRESENCE_STRS] = { 0 };

		read_muc_user(st, &p, strs);
		room_status(s->app, s->acc, bare, p.codes, p.ncodes);
		for (size_t i = 0; i < PRESENCE_STRS; i++)
			free(strs[i]);
		if (room_presence_has(&p, 104)) /* the name may be new */
			muc_fetch_info(s, bare);
	}
	free(body);
	free(subject);
	free(n);
	free(sid);
	free(oid);
	return true;
}

void muc_archived(struct session *s, xmpp_stanza_t *st, const char *room,
		  int64_t ts_ms, const char *stanza_id)
{
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	struct jid j;
	char *bare, *n, *body, *sid, *oid;

	if (!from || jid_parse(from, &j) < 0)
		return;
	bare = jid_bare(&j);
	/* an occupant's message in that very room, nothing else */
	if (!j.resource || strcasecmp(bare, room) != 0 || !type ||
	    strcmp(type, "groupchat") != 0 || !room_find(s->app, s->acc, room)) {
		log_msg(LOG_INFO, "mam", "%s: room %s: archived message"
			" dropped (not an occupant's, or no window)",
			s->acc->conf->name, room);
		free(bare);
		jid_clear(&j);
		return;
	}
	n = utf8_sanitize(j.resource, 0);
	body = stanza_child_text(st, "body");
	message_ids(st, room, &sid, &oid);
	if (correct_read_room(s, st, room, n)) {
		/* a correction or retraction (xmpp/correct.c) */
	} else if (body) {
		struct msg_in m = { .body = body, .id = stanza_id };
		struct reply_ref rr;

		xs_marks_parse(st, &m, &rr);
		room_message_archived(s->app, s->acc, room, n, body,
				      ts_ms >= 0 ? ts_ms :
						   (int64_t)time(NULL) * 1000,
				      stanza_id, oid, m.reply);
	}
	free(body);
	free(n);
	free(sid);
	free(oid);
	free(bare);
	jid_clear(&j);
}
