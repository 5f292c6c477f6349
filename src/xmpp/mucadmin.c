/* mucadmin: moderation and invitations in rooms (XEP-0045 7.8, 8, 9;
 * XEP-0249).
 *
 * Moderation is one muc#admin IQ set per command, holding one <item/>
 * (a nick and a role for kicks and role changes, a bare JID and an
 * affiliation for bans and affiliation changes) sent through
 * xmpp/request; the room's answer, error or the timeout goes to
 * core/roomadmin.c as one roomadmin_done().
 *
 * Invitations out: the invitee's client is asked (disco#info, with a
 * short timeout) whether it takes XEP-0249 direct invitations; a full
 * JID is asked itself, a contact through its most available resource.
 * If it does, the invitation goes to the invitee (with the room's
 * password when we joined with one); otherwise, or when nothing is
 * known, through the room (XEP-0045 7.8.2), which passes it on.
 *
 * Invitations in: a message with a jabber:x:conference <x/> (direct) or
 * a muc#user <x/> holding <invite/> (mediated, from the room) is read
 * into a struct invite_in, every string one sanitised line cut to
 * INVITE_FIELD_MAX bytes, for core/invite.c; a muc#user <decline/> is
 * someone declining ours. Builders take a context so the unit tests can
 * check the stanzas.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/invite.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* How long the invitee's client may take to say what it supports. */
#define PROBE_TIMEOUT_MS 5000
/* Longer than any real reason, password or JID in an invitation. */
#define INVITE_FIELD_MAX 400

xmpp_stanza_t *mucadmin_iq(xmpp_ctx_t *ctx, const struct room_admin *req)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL);
	xmpp_stanza_t *q, *item;
	bool role = req->op == ROOM_KICK || req->op == ROOM_SET_ROLE;

	xmpp_stanza_set_to(iq, req->room);
	q = stanza_add_child(iq, "query", NS_MUC_ADMIN);
	item = stanza_add_child(q, "item", NULL);
	if (req->nick)
		xmpp_stanza_set_attribute(item, "nick", req->nick);
	if (req->jid)
		xmpp_stanza_set_attribute(item, "jid", req->jid);
	xmpp_stanza_set_attribute(item, role ? "role" : "affiliation",
				  req->value);
	if (req->reason)
		stanza_add_text(item, "reason", req->reason);
	return iq;
}

xmpp_stanza_t *mucadmin_direct_invite(xmpp_ctx_t *ctx, const char *room,
				      const char *to, const char *reason,
				      const char *password)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, NULL, to, NULL);
	xmpp_stanza_t *x = stanza_add_child(m, "x", NS_CONFERENCE);

	xmpp_stanza_set_attribute(x, "jid", room);
	if (reason)
		xmpp_stanza_set_attribute(x, "reason", reason);
	if (password)
		xmpp_stanza_set_attribute(x, "password", password);
	return m;
}

/* <message to=room><x muc#user><name to=to><reason/></name></x> */
static xmpp_stanza_t *through_room(xmpp_ctx_t *ctx, const char *name,
				   const char *room, const char *to,
				   const char *reason)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, NULL, room, NULL);
	xmpp_stanza_t *x = stanza_add_child(m, "x", NS_MUC_USER);
	xmpp_stanza_t *el = stanza_add_child(x, name, NULL);

	xmpp_stanza_set_attribute(el, "to", to);
	if (reason)
		stanza_add_text(el, "reason", reason);
	return m;
}

xmpp_stanza_t *mucadmin_mediated_invite(xmpp_ctx_t *ctx, const char *room,
					const char *to, const char *reason)
{
	return through_room(ctx, "invite", room, to, reason);
}

xmpp_stanza_t *mucadmin_decline(xmpp_ctx_t *ctx, const char *room,
				const char *to, const char *reason)
{
	return through_room(ctx, "decline", room, to, reason);
}

/* ---- moderation ---- */

/* A request in flight: its own copies of the strings. */
struct admin_req {
	struct room_admin req;
	char *strs[5];
};

static void on_admin(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct admin_req *a = ud;
	struct req_error e = { 0 };
	size_t i;

	if (req_ok(reply)) {
		roomadmin_done(s->app, s->acc, &a->req, NULL, NULL);
	} else {
		req_error_parse(reply, &e);
		roomadmin_done(s->app, s->acc, &a->req, e.cond, e.text);
		req_error_clear(&e);
	}
	for (i = 0; i < 5; i++)
		free(a->strs[i]);
	free(a);
}

static const char *keep(struct admin_req *a, int i, const char *s)
{
	return a->strs[i] = s ? xstrdup(s) : NULL;
}

int xs_room_admin(struct app *app, struct account *acc,
		  const struct room_admin *req)
{
	struct session *s = session_of(acc);
	struct admin_req *a;

	(void)app;
	if (acc->state != ACC_ONLINE)
		return -1;
	a = xcalloc(1, sizeof *a);
	a->req.op = req->op;
	a->req.room = keep(a, 0, req->room);
	a->req.nick = keep(a, 1, req->nick);
	a->req.jid = keep(a, 2, req->jid);
	a->req.value = keep(a, 3, req->value);
	a->req.reason = keep(a, 4, req->reason);
	req_send(s, mucadmin_iq(s->ctx, &a->req), on_admin, a, REQ_TIMEOUT_MS);
	return 0;
}

/* ---- invitations out ---- */

struct invite_out {
	char *room;
	char *jid;      /* the invitee, as the user named them */
	char *reason;
	char *password;
};

static void invite_out_free(struct invite_out *o)
{
	free(o->room);
	free(o->jid);
	free(o->reason);
	free(o->password);
	free(o);
}

static void send_invite(struct session *s, struct invite_out *o, bool direct)
{
	session_send(s, direct ? mucadmin_direct_invite(s->ctx, o->room,
							o->jid, o->reason,
							o->password) :
				 mucadmin_mediated_invite(s->ctx, o->room,
							  o->jid, o->reason));
	invite_sent(s->app, s->acc, o->room, o->jid, direct);
}

/* Whether a disco#info result lists jabber:x:conference. */
static bool takes_direct(xmpp_stanza_t *reply)
{
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply,
							       NS_DISCO_INFO) :
				   NULL;
	xmpp_stanza_t *c;

	for (c = q ? xmpp_stanza_get_children(q) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *var = xmpp_stanza_is_tag(c) &&
						  strcmp(xmpp_stanza_get_name(c),
							 "feature") == 0 ?
					  xmpp_stanza_get_attribute(c, "var") :
					  NULL;

		if (var && strcmp(var, NS_CONFERENCE) == 0)
			return true;
	}
	return false;
}

static void on_probe(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct invite_out *o = ud;

	/* no answer (or an error): not known to take direct invitations */
	if (s->acc->state == ACC_ONLINE)
		send_invite(s, o, takes_direct(reply));
	else
		log_msg(LOG_INFO, "invite", "offline before inviting %s to %s",
			o->jid, o->room);
	invite_out_free(o);
}

/* The client to ask what it supports: a full JID itself, a contact's
 * most available resource; NULL when none is known. The caller frees
 * it. */
static char *probe_target(struct account *acc, const char *jid)
{
	struct roster_item *it;
	const struct resource *best = NULL;
	size_t i;

	if (strchr(jid, '/'))
		return xstrdup(jid);
	it = roster_get(&acc->roster, jid);
	for (i = 0; it && i < it->nres; i++) {
		const struct resource *r = &it->res[i];

		if (!best || r->priority > best->priority ||
		    (r->priority == best->priority && r->show > best->show))
			best = r;
	}
	return best ? xasprintf("%s/%s", jid, best->name) : NULL;
}

int xs_room_invite(struct app *app, struct account *acc, const char *room,
		   const char *jid, const char *reason)
{
	struct session *s = session_of(acc);
	struct window *w = room_find(app, acc, room);
	struct invite_out *o;
	char *probe;

	if (acc->state != ACC_ONLINE)
		return -1;
	o = xcalloc(1, sizeof *o);
	o->room = xstrdup(room);
	o->jid = xstrdup(jid);
	o->reason = reason ? xstrdup(reason) : NULL;
	o->password = w && w->room && w->room->password ?
			      xstrdup(w->room->password) :
			      NULL;
	probe = probe_target(acc, jid);
	if (!probe) {
		send_invite(s, o, false);
		invite_out_free(o);
		return 0;
	}
	req_send(s, req_iq(s, "get", probe, "query", NS_DISCO_INFO), on_probe,
		 o, PROBE_TIMEOUT_MS);
	free(probe);
	return 0;
}

int xs_room_decline(struct app *app, struct account *acc, const char *room,
		    const char *inviter, const char *reason)
{
	struct session *s = session_of(acc);

	(void)app;
	if (acc->state != ACC_ONLINE)
		return -1;
	session_send(s, mucadmin_decline(s->ctx, room, inviter, reason));
	return 0;
}

/* ---- invitations in ---- */

/* s (remote text, may be NULL) as one sanitised line of at most
 * INVITE_FIELD_MAX bytes, cut between characters; NULL when absent or
 * empty. The caller frees it. */
static char *field(const char *s)
{
	char *clean;
	size_t end;

	if (!s || !*s)
		return NULL;
	clean = utf8_sanitize(s, 0);
	end = strlen(clean);
	if (end > INVITE_FIELD_MAX) {
		end = INVITE_FIELD_MAX;
		while (end > 0 && ((unsigned char)clean[end] & 0xc0) == 0x80)
			end--;
		clean[end] = '\0';
	}
	return clean;
}

static char *child_field(xmpp_stanza_t *el, const char *name)
{
	xmpp_stanza_t *c = el ? xmpp_stanza_get_child_by_name(el, name) : NULL;
	char *t = c ? xmpp_stanza_get_text(c) : NULL;
	char *f = field(t);

	if (t)
		xmpp_free(xmpp_stanza_get_context(c), t);
	return f;
}

/* A room's bare JID from remote text, or NULL when it is not one (a
 * room has a local part). The caller frees it. */
static char *room_jid(const char *s)
{
	struct jid j;
	char *bare = NULL;

	if (!s || jid_parse(s, &j) < 0)
		return NULL;
	if (j.local)
		bare = jid_bare(&j);
	jid_clear(&j);
	return bare;
}

static bool direct_invite(struct session *s, xmpp_stanza_t *x,
			  const char *from)
{
	char *room = room_jid(xmpp_stanza_get_attribute(x, "jid"));
	char *reason = field(xmpp_stanza_get_attribute(x, "reason"));
	char *password = field(xmpp_stanza_get_attribute(x, "password"));
	char *inviter = jid_bare_of(from);
	struct invite_in in = { from, room, inviter, reason, password, false };

	if (room && inviter)
		invite_received(s->app, s->acc, &in, loop_now(s->app->loop));
	else
		log_msg(LOG_INFO, "invite", "a direct invitation without a "
			"room from %s ignored", from);
	free(room);
	free(reason);
	free(password);
	free(inviter);
	return true;
}

/* A muc#user <x/> from room: an invitation through it, or someone
 * declining ours. Returns whether it held either. */
static bool through_room_in(struct session *s, xmpp_stanza_t *x,
			    const char *from, const char *room)
{
	xmpp_stanza_t *inv = xmpp_stanza_get_child_by_name(x, "invite");
	xmpp_stanza_t *dec = xmpp_stanza_get_child_by_name(x, "decline");
	xmpp_stanza_t *el = inv ? inv : dec;
	char *who, *reason, *password;

	if (!el)
		return false;
	who = field(xmpp_stanza_get_attribute(el, "from"));
	if (who && !jid_valid(who)) { /* a decline would go nowhere */
		log_msg(LOG_INFO, "invite", "%s named no JID: ignored", room);
		xfree(&who);
	}
	reason = child_field(el, "reason");
	if (inv) {
		struct invite_in in = { from, room, who, reason, NULL, true };

		password = child_field(x, "password");
		in.password = password;
		if (who)
			invite_received(s->app, s->acc, &in,
					loop_now(s->app->loop));
		free(password);
	} else if (who && room_find(s->app, s->acc, room)) {
		invite_declined(s->app, s->acc, room, who, reason);
	}
	free(who);
	free(reason);
	return true;
}

bool mucadmin_message(struct session *s, xmpp_stanza_t *st, const char *from,
		      const struct jid *j)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(st, "x",
								NS_MUC_USER);
	xmpp_stanza_t *conf = xmpp_stanza_get_child_by_name_and_ns(
		st, "x", NS_CONFERENCE);
	bool taken = false;
	char *room;

	/* through the room first: rooms (Prosody) add a jabber:x:conference
	 * <x/> to mediated invitations for older clients */
	if (x && j->local && !j->resource) { /* only a room speaks for itself */
		room = jid_bare(j);
		taken = through_room_in(s, x, from, room);
		free(room);
	}
	if (!taken && conf)
		taken = direct_invite(s, conf, from);
	return taken;
}
