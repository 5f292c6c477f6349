/* correct: message corrections (XEP-0308 1.2, <replace/> in
 * urn:xmpp:message-correct:0), retractions (XEP-0424 0.4,
 * <retract id=/> in urn:xmpp:message-retract:1, and the older
 * <apply-to/> fastening of urn:xmpp:message-retract:0) and a room's
 * moderation (XEP-0425 0.3: a <retract/> holding <moderated/> in
 * urn:xmpp:message-moderate:1, or 0's <apply-to><moderated/>) in and
 * out.
 *
 * Incoming stanzas are read by message_read() (one-to-one, live,
 * carbons and the archive alike) and muc_message() (rooms) through one
 * call each; what they find goes to core/edit, which checks who may
 * change what. A retraction's body is a fallback for clients without
 * it and is never shown; a correction of a line we do not have is
 * shown as a message of its own. Outgoing changes are sent at once
 * (not through the outbox: a correction of a message still queued
 * would overtake it), so they need the account online.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/edit.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

/* What a stanza asks: the id it names (sanitised, owned), whether it
 * is a retraction, and whether the room says a moderator made it. */
struct change {
	char *id;
	bool retract;
	bool moderated;
};

static xmpp_stanza_t *child(xmpp_stanza_t *st, const char *name,
			    const char *ns)
{
	return st ? xmpp_stanza_get_child_by_name_and_ns(st, name, ns) : NULL;
}

static void set_id(struct change *c, xmpp_stanza_t *el)
{
	const char *id = el ? xmpp_stanza_get_attribute(el, "id") : NULL;

	if (id && *id)
		c->id = utf8_sanitize(id, 0);
}

/* Whether st has a child named retract, apply-to or replace: one walk
 * over the children of every message, where looking for each with its
 * namespace took three. */
static bool may_change(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;

	for (c = st ? xmpp_stanza_get_children(st) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_is_tag(c) ?
					   xmpp_stanza_get_name(c) : NULL;

		if (name && (strcmp(name, "retract") == 0 ||
			     strcmp(name, "apply-to") == 0 ||
			     strcmp(name, "replace") == 0))
			return true;
	}
	return false;
}

/* Reads st's correction or retraction into c. Returns whether it is
 * one (with an id). */
static bool read_change(xmpp_stanza_t *st, struct change *c)
{
	xmpp_stanza_t *r, *fasten;

	memset(c, 0, sizeof *c);
	if (!may_change(st))
		return false;
	r = child(st, "retract", NS_RETRACT);
	fasten = child(st, "apply-to", NS_FASTEN);
	if (r) {
		c->retract = true;
		c->moderated = child(r, "moderated", NS_MODERATE) != NULL;
		set_id(c, r);
	} else if (fasten && (child(fasten, "retract", NS_RETRACT0) ||
			      child(fasten, "moderated", NS_MODERATE0))) {
		c->retract = true;
		c->moderated = child(fasten, "moderated", NS_MODERATE0) != NULL;
		set_id(c, fasten);
	} else {
		set_id(c, child(st, "replace", NS_CORRECT));
	}
	return c->id != NULL;
}

/* Hands c to core/edit; body is st's (a correction's text). Returns
 * whether the stanza is taken care of. */
static bool apply(struct session *s, xmpp_stanza_t *st, struct change *c,
		  struct edit_in *e)
{
	enum edit_result r;
	char *body = NULL;

	e->id = c->id;
	if (!c->retract) {
		body = stanza_child_text(st, "body");
		if (!body) { /* a correction to nothing: not one */
			free(c->id);
			return false;
		}
		e->body = body;
	}
	r = edit_apply(s->app, s->acc, e);
	free(body);
	free(c->id);
	/* an unknown line's correction is a message of its own; a
	 * retraction's body is only a fallback */
	return c->retract || r != EDIT_UNKNOWN;
}

bool correct_read_chat(struct session *s, xmpp_stanza_t *st, const char *peer,
		       const char *resource, bool out)
{
	struct edit_in e = { .peer = peer, .out = out, .from = resource };
	struct change c;

	if (!read_change(st, &c))
		return false;
	return apply(s, st, &c, &e);
}

bool correct_read_room(struct session *s, xmpp_stanza_t *st, const char *room,
		       const char *nick)
{
	struct edit_in e = { .peer = room, .room = true, .from = nick };
	struct change c;

	if (!read_change(st, &c))
		return false;
	if (!nick && !c.moderated) {
		/* the room itself only moderates */
		log_msg(LOG_INFO, "edit", "%s: %s: a room's change that is no"
			" moderation ignored", s->acc->conf->name, room);
		free(c.id);
		return true;
	}
	return apply(s, st, &c, &e);
}

/* ---- the user's own ---- */

/* The message a change of w's line goes in: to the room, or to the
 * peer (the resource replies are locked to). Returns one reference. */
static xmpp_stanza_t *change_msg(struct session *s, struct window *w)
{
	bool room = w->kind == WIN_ROOM;
	char *to = !room && w->resource ?
			   xasprintf("%s/%s", w->jid, w->resource) :
			   xstrdup(w->jid);
	char *id = xmpp_uuid_gen(s->ctx);
	xmpp_stanza_t *m = xmpp_message_new(s->ctx, room ? "groupchat" : "chat",
					    to, id);

	xmpp_stanza_set_attribute(stanza_add_child(m, "origin-id", NS_SID),
				  "id", id);
	xmpp_free(s->ctx, id);
	free(to);
	return m;
}

/* The line a change of the user's goes to, or NULL with *err set. */
static struct line *own_line(struct window *w, bool retract, int *err)
{
	struct line *l;

	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM) {
		*err = XS_EDIT_NOWHERE;
		return NULL;
	}
	if (w->acc->state != ACC_ONLINE) {
		*err = XS_EDIT_OFFLINE;
		return NULL;
	}
	l = edit_last_own(w);
	if (!l)
		*err = XS_EDIT_NONE;
	else if (retract && w->kind == WIN_ROOM && !l->sid)
		*err = XS_EDIT_NO_SID; /* the room did not name it (yet) */
	else if (l->flags & LINE_QUEUED)
		*err = XS_EDIT_QUEUED;
	else
		return l;
	return NULL;
}

int xs_correct(struct app *app, struct window *w, const char *body)
{
	struct session *s;
	xmpp_stanza_t *m;
	struct line *l;
	int err = 0;

	if (!(l = own_line(w, false, &err)))
		return err;
	s = session_of(w->acc);
	m = change_msg(s, w);
	xmpp_message_set_body(m, body);
	xmpp_stanza_set_attribute(stanza_add_child(m, "replace", NS_CORRECT),
				  "id", l->id);
	session_send(s, m);
	edit_own(app, w, l, body);
	return 0;
}

/* A moderation in flight (XEP-0425): its answer is an EV_ROOM_ADMIN. */
struct moderation {
	char *room, *nick;
};

static void on_moderated(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct moderation *m = ud;
	struct room_admin req = { .op = ROOM_MODERATE, .room = m->room,
				  .nick = m->nick };
	struct req_error e = { 0 };

	if (req_ok(reply)) {
		roomadmin_done(s->app, s->acc, &req, NULL, NULL);
	} else {
		req_error_parse(reply, &e);
		roomadmin_done(s->app, s->acc, &req, e.cond, e.text);
		req_error_clear(&e);
	}
	free(m->room);
	free(m->nick);
	free(m);
}

/* The newest line of nick in room window w that the room named (its
 * stanza-id) and that is not retracted, or NULL. */
static struct line *last_of(struct window *w, const char *nick)
{
	size_t i;

	for (i = w->count; i > 0; i--) {
		struct line *l = &w->lines[(w->start + i - 1) % w->nalloc];

		if ((l->kind == LINE_MSG_IN || l->kind == LINE_MSG_OUT) &&
		    l->nick && strcmp(l->nick, nick) == 0)
			return l->sid && !(l->flags & LINE_RETRACTED) ? l :
								   NULL;
	}
	return NULL;
}

int xs_moderate(struct app *app, struct window *w, const char *nick,
		const char *reason)
{
	struct session *s;
	struct moderation *m;
	xmpp_stanza_t *iq, *mod;
	struct line *l;

	(void)app;
	if (w->kind != WIN_ROOM)
		return XS_EDIT_NOWHERE;
	if (w->acc->state != ACC_ONLINE)
		return XS_EDIT_OFFLINE;
	if (!(l = last_of(w, nick)))
		return XS_EDIT_NONE;
	s = session_of(w->acc);
	iq = xmpp_iq_new(s->ctx, "set", NULL);
	xmpp_stanza_set_to(iq, w->jid);
	mod = stanza_add_child(iq, "moderate", NS_MODERATE);
	xmpp_stanza_set_attribute(mod, "id", l->sid);
	stanza_add_child(mod, "retract", NS_RETRACT);
	if (reason && *reason)
		stanza_add_text(mod, "reason", reason);
	m = xcalloc(1, sizeof *m);
	m->room = xstrdup(w->jid);
	m->nick = xstrdup(nick);
	req_send(s, iq, on_moderated, m, REQ_TIMEOUT_MS);
	return 0;
}

/* What a client without retractions shows (XEP-0428 marks it). */
static const char retract_fallback[] =
	"This person attempted to retract a previous message, but it's "
	"unsupported by your client.";

int xs_retract(struct app *app, struct window *w)
{
	struct session *s;
	xmpp_stanza_t *m, *fb;
	struct line *l;
	int err = 0;

	if (!(l = own_line(w, true, &err)))
		return err;
	s = session_of(w->acc);
	m = change_msg(s, w);
	xmpp_stanza_set_attribute(stanza_add_child(m, "retract", NS_RETRACT),
				  "id", w->kind == WIN_ROOM ? l->sid : l->id);
	fb = stanza_add_child(m, "fallback", NS_FALLBACK);
	xmpp_stanza_set_attribute(fb, "for", NS_RETRACT);
	xmpp_message_set_body(m, retract_fallback);
	stanza_add_child(m, "store", NS_HINTS);
	session_send(s, m);
	edit_own(app, w, l, NULL);
	return 0;
}
