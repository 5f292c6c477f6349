/* test_mucadmin: rooms' moderation, invitations and private windows.
 *
 * core/invite.c: an invitation is kept per account and announced with
 * what it said; one per room (a new one replaces the old); at most
 * INVITE_MAX, a stranger's going first when the list is full; strangers'
 * invitations dropped under the "drop" policy and over the rate;
 * invite_take hands one over. core/roomadmin.c: a nick resolves to the
 * occupant (kick, role) or to its real bare JID (ban, affiliation),
 * hidden JIDs and unknown names are told apart. xmpp/mucadmin.c: the
 * muc#admin IQ, direct and mediated invitations and the decline are
 * the stanzas XEP-0045 and XEP-0249 show; invitations received are read
 * (a room's mediated one before the jabber:x:conference copy it adds),
 * their remote text one sanitised line. core/conv.c: private windows are
 * titled "nick in room", follow a nick change, and hear departures,
 * returns and our own leaving.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/invite.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "util/jid.h"
#include "xmpp/session.h"

#include "testutil.h"

#define ROOM "hall@rooms.example.com"
#define JULIET "juliet@example.com"
#define NOW 1000000

struct fixture {
	char *dir;
	struct app app;
	struct account *acc;
	xmpp_ctx_t *ctx;
	int events;
	struct event last;     /* its pointers are borrowed: gone after */
	bool kicked;           /* EV_ROOM_PRIVATE's presence had code 307 */
	char room[128], from[128], reason[512], password[64], jid[128],
		nick[64], new_nick[64];
};

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "(null)");
}

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	struct fixture *fx = ud;

	(void)app;
	switch (ev->type) {
	case EV_ROOM_INVITE:
		copy(fx->room, sizeof fx->room, ev->room_invite.room);
		copy(fx->from, sizeof fx->from, ev->room_invite.from);
		copy(fx->reason, sizeof fx->reason, ev->room_invite.reason);
		copy(fx->password, sizeof fx->password,
		     ev->room_invite.password);
		break;
	case EV_ROOM_DECLINED:
		copy(fx->room, sizeof fx->room, ev->room_declined.room);
		copy(fx->from, sizeof fx->from, ev->room_declined.from);
		copy(fx->reason, sizeof fx->reason, ev->room_declined.reason);
		break;
	case EV_ROOM_PRIVATE:
		copy(fx->jid, sizeof fx->jid, ev->room_private.jid);
		copy(fx->nick, sizeof fx->nick, ev->room_private.nick);
		copy(fx->new_nick, sizeof fx->new_nick,
		     ev->room_private.new_nick);
		fx->kicked = ev->room_private.presence &&
			     room_presence_has(ev->room_private.presence, 307);
		break;
	case EV_ROOM_INVITED:
		break;
	default:
		return;
	}
	fx->events++;
	fx->last = *ev;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (!fx || tu_app_open(&fx->app, &fx->dir, "mucadmin", false) < 0) {
		free(fx);
		return -1;
	}
	fx->acc = fx->app.accounts[0];
	tu_roster_put(fx->acc, JULIET, NULL, SUB_BOTH);
	fx->acc->conf->strangers = STRANGERS_WINDOW;
	event_subscribe(&fx->app, on_event, fx);
	fx->ctx = tu_xmpp_init();
	*state = fx;
	return fx->ctx ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	tu_xmpp_done(&fx->ctx);
	return tu_app_close(fx, &fx->app, fx->dir);
}

static bool receive(struct fixture *fx, const char *sender, const char *room,
		    const char *from, const char *reason, bool mediated)
{
	struct invite_in in = { sender, room, from, reason, NULL, mediated };

	return invite_received(&fx->app, fx->acc, &in, NOW);
}

/* ---- invitations kept ----------------------------------------------------- */

static void test_invite_kept_replaced_taken(void **state)
{
	struct fixture *fx = *state;
	struct invite_in in = { JULIET "/balcony", ROOM, JULIET, "come in",
				"s3same", false };
	const struct invite *found;
	struct invite *inv;

	assert_true(invite_received(&fx->app, fx->acc, &in, NOW));
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.type, EV_ROOM_INVITE);
	assert_string_equal(fx->room, ROOM);
	assert_string_equal(fx->from, JULIET);
	assert_string_equal(fx->reason, "come in");
	assert_string_equal(fx->password, "s3same");
	assert_false(fx->last.room_invite.stranger);
	assert_false(fx->last.room_invite.mediated);
	found = invite_find(fx->acc, ROOM);
	assert_non_null(found);
	assert_string_equal(found->password, "s3same");
	/* a second invitation to the same room replaces the first */
	assert_true(receive(fx, ROOM, ROOM, JULIET "/balcony", NULL, true));
	assert_int_equal(fx->acc->ninvites, 1);
	found = invite_find(fx->acc, ROOM);
	assert_true(found->mediated);
	assert_null(found->password);
	assert_null(found->reason);
	/* taken: the caller's, gone from the list */
	inv = invite_take(fx->acc, ROOM);
	assert_non_null(inv);
	assert_string_equal(inv->room, ROOM);
	assert_string_equal(inv->from, JULIET "/balcony");
	assert_int_equal(fx->acc->ninvites, 0);
	assert_null(invite_take(fx->acc, ROOM));
	assert_null(invite_find(fx->acc, "other@rooms.example.com"));
	invite_free(&inv);
	assert_null(inv);
}

static void test_invite_cap_drops_strangers_first(void **state)
{
	struct fixture *fx = *state;
	char room[64], from[64];
	int i;

	/* a stranger first, then known people up to the cap */
	assert_true(receive(fx, "eve@evil.example", "r0@rooms.example.com",
			    "eve@evil.example", NULL, false));
	assert_true(fx->last.room_invite.stranger);
	for (i = 1; i < INVITE_MAX; i++) {
		snprintf(room, sizeof room, "r%d@rooms.example.com", i);
		assert_true(receive(fx, JULIET, room, JULIET, NULL, false));
	}
	assert_int_equal(fx->acc->ninvites, INVITE_MAX);
	assert_int_equal(fx->last.room_invite.dropped, 0);
	/* one more: the stranger's goes, not the oldest known one's */
	assert_true(receive(fx, JULIET, "new@rooms.example.com", JULIET, NULL,
			    false));
	assert_int_equal(fx->acc->ninvites, INVITE_MAX);
	assert_int_equal(fx->last.room_invite.dropped, 1);
	assert_null(invite_find(fx->acc, "r0@rooms.example.com"));
	assert_non_null(invite_find(fx->acc, "r1@rooms.example.com"));
	/* no stranger left: the oldest goes */
	assert_true(receive(fx, JULIET, "newer@rooms.example.com", JULIET,
			    NULL, false));
	assert_null(invite_find(fx->acc, "r1@rooms.example.com"));
	assert_non_null(invite_find(fx->acc, "r2@rooms.example.com"));
	assert_int_equal(fx->acc->ninvites, INVITE_MAX);
	/* strangers flooding from many JIDs of one domain: the rate holds
	 * them, the list never grows past the cap */
	for (i = 0; i < 200; i++) {
		snprintf(room, sizeof room, "flood%d@rooms.evil.example", i);
		snprintf(from, sizeof from, "bot%d@evil.example", i);
		receive(fx, from, room, from, NULL, false);
		assert_true(fx->acc->ninvites <= INVITE_MAX);
	}
	assert_non_null(invite_find(fx->acc, "newer@rooms.example.com"));
	/* the rest of the list is freed with the account (ASan checks) */
}

static void test_invite_strangers_policy_and_rate(void **state)
{
	struct fixture *fx = *state;
	char room[64];
	int i, kept = 0;

	fx->acc->conf->strangers = STRANGERS_DROP;
	assert_false(receive(fx, "eve@evil.example", ROOM, "eve@evil.example",
			     NULL, false));
	assert_int_equal(fx->events, 0);
	assert_int_equal(fx->acc->ninvites, 0);
	/* a contact is no stranger, whatever the policy */
	assert_true(receive(fx, JULIET, ROOM, JULIET "/balcony", NULL, false));
	assert_int_equal(fx->events, 1);
	fx->acc->conf->strangers = STRANGERS_WINDOW;
	fx->acc->conf->strangers_rate = 3;
	for (i = 0; i < 10; i++) {
		snprintf(room, sizeof room, "r%d@rooms.example.com", i);
		if (receive(fx, "eve@evil.example", room, "eve@evil.example",
			    NULL, false))
			kept++;
	}
	assert_int_equal(kept, 3);
}

static void test_declined_and_sent_are_announced(void **state)
{
	struct fixture *fx = *state;

	invite_declined(&fx->app, fx->acc, ROOM, JULIET, "not tonight");
	assert_int_equal(fx->last.type, EV_ROOM_DECLINED);
	assert_string_equal(fx->room, ROOM);
	assert_string_equal(fx->from, JULIET);
	assert_string_equal(fx->reason, "not tonight");
	invite_sent(&fx->app, fx->acc, ROOM, JULIET, true);
	assert_int_equal(fx->last.type, EV_ROOM_INVITED);
	assert_true(fx->last.room_invited.direct);
	assert_string_equal(fx->last.room_invited.jid, JULIET);
}

/* ---- nick to JID --------------------------------------------------------------- */

static void occupant(struct room *r, const char *nick, const char *jid)
{
	struct room_presence p = { .nick = nick, .available = true,
				   .role = ROLE_PARTICIPANT,
				   .affil = AFFIL_NONE, .jid = jid,
				   .show = SHOW_ONLINE };

	room_occupant_set(r, &p);
}

static void test_resolve_targets(void **state)
{
	struct room *r = room_new("me");
	const char *nick;
	char *jid;

	(void)state;
	occupant(r, "nurse", "nurse@example.com/kitchen");
	occupant(r, "ghost", NULL);
	/* kick, role: an occupant's nick */
	assert_int_equal(roomadmin_resolve(r, "nurse", false, &nick, &jid),
			 TARGET_NICK);
	assert_string_equal(nick, "nurse");
	assert_null(jid);
	assert_int_equal(roomadmin_resolve(r, "nobody", false, &nick, &jid),
			 TARGET_UNKNOWN);
	/* a JID is no nick for a kick */
	assert_int_equal(roomadmin_resolve(r, "nurse@example.com", false,
					   &nick, &jid),
			 TARGET_UNKNOWN);
	/* ban, affiliation: the occupant's real bare JID */
	assert_int_equal(roomadmin_resolve(r, "nurse", true, &nick, &jid),
			 TARGET_JID);
	assert_string_equal(jid, "nurse@example.com");
	assert_null(nick);
	free(jid);
	assert_int_equal(roomadmin_resolve(r, "ghost", true, &nick, &jid),
			 TARGET_HIDDEN);
	assert_null(jid);
	/* or a JID (bare of it), or a domain */
	assert_int_equal(roomadmin_resolve(r, "tybalt@example.org/x", true,
					   &nick, &jid),
			 TARGET_JID);
	assert_string_equal(jid, "tybalt@example.org");
	free(jid);
	assert_int_equal(roomadmin_resolve(r, "spam.example", true, &nick,
					   &jid),
			 TARGET_JID);
	assert_string_equal(jid, "spam.example");
	free(jid);
	/* neither an occupant nor anything like a JID */
	assert_int_equal(roomadmin_resolve(r, "nobody", true, &nick, &jid),
			 TARGET_UNKNOWN);
	assert_null(jid);
	assert_int_equal(roomadmin_resolve(r, "a@b@c", true, &nick, &jid),
			 TARGET_UNKNOWN);
	room_free(&r);
}

/* ---- stanzas ------------------------------------------------------------------- */

/* An element's namespace: its own, else the one it inherits (the
 * parser gives each element one; builders leave children's unset). */
static const char *ns_of(xmpp_stanza_t *el, const char *inherited)
{
	const char *ns = xmpp_stanza_get_ns(el);

	return ns ? ns : inherited ? inherited : "";
}

/* Its attributes but xmlns (at most 16). */
static int attr_count(xmpp_stanza_t *el)
{
	const char *attrs[32];
	int i, n = xmpp_stanza_get_attributes(el, attrs, 32), c = 0;

	for (i = 0; i + 1 < n; i += 2)
		if (strcmp(attrs[i], "xmlns") != 0)
			c++;
	return c;
}

/* Whether a and b are the same element: name, namespace, attributes
 * (in any order: libstrophe keeps them in a hash), text and children in
 * order. nsa, nsb: the namespaces they inherit. */
static bool same(xmpp_stanza_t *a, xmpp_stanza_t *b, const char *nsa,
		 const char *nsb)
{
	const char *attrs[32];
	int i, n;
	xmpp_stanza_t *ca, *cb;

	if (xmpp_stanza_is_text(a) || xmpp_stanza_is_text(b))
		return xmpp_stanza_is_text(a) && xmpp_stanza_is_text(b) &&
		       strcmp(xmpp_stanza_get_text_ptr(a),
			      xmpp_stanza_get_text_ptr(b)) == 0;
	if (strcmp(xmpp_stanza_get_name(a), xmpp_stanza_get_name(b)) != 0)
		return false;
	nsa = ns_of(a, nsa);
	nsb = ns_of(b, nsb);
	if (strcmp(nsa, nsb) != 0)
		return false;
	/* the parser gives an element its xmlns as an attribute too */
	if (attr_count(a) != attr_count(b))
		return false;
	n = xmpp_stanza_get_attributes(a, attrs, 32);
	for (i = 0; i + 1 < n; i += 2) {
		const char *v = xmpp_stanza_get_attribute(b, attrs[i]);

		if (strcmp(attrs[i], "xmlns") != 0 &&
		    (!v || strcmp(v, attrs[i + 1]) != 0))
			return false;
	}
	for (ca = xmpp_stanza_get_children(a), cb = xmpp_stanza_get_children(b);
	     ca && cb; ca = xmpp_stanza_get_next(ca), cb = xmpp_stanza_get_next(cb))
		if (!same(ca, cb, nsa, nsb))
			return false;
	return !ca && !cb;
}

/* st (released here) is the element want's XML text describes. */
static void assert_xml(struct fixture *fx, xmpp_stanza_t *st,
		       const char *want)
{
	xmpp_stanza_t *w = tu_parse(fx->ctx, want);
	char *buf;
	size_t len;

	/* ids are random: the builders leave them to the sender */
	assert_null(xmpp_stanza_get_id(st));
	assert_int_equal(xmpp_stanza_to_text(st, &buf, &len), 0);
	if (!same(st, w, NULL, NULL))
		fail_msg("built %s\nwanted %s", buf, want);
	xmpp_free(fx->ctx, buf);
	xmpp_stanza_release(w);
	xmpp_stanza_release(st);
}

static void test_admin_iq(void **state)
{
	struct fixture *fx = *state;
	struct room_admin kick = { ROOM_KICK, ROOM, "nurse", NULL, "none",
				   "too loud" };
	struct room_admin ban = { ROOM_BAN, ROOM, NULL, "eve@evil.example",
				  "outcast", NULL };
	struct room_admin role = { ROOM_SET_ROLE, ROOM, "nurse", NULL,
				   "moderator", NULL };
	struct room_admin affil = { ROOM_SET_AFFIL, ROOM, NULL,
				    JULIET, "member", "<&>" };

	assert_xml(fx, mucadmin_iq(fx->ctx, &kick),
		   "<iq type=\"set\" to=\"" ROOM "\"><query xmlns=\"http://"
		   "jabber.org/protocol/muc#admin\"><item nick=\"nurse\" "
		   "role=\"none\"><reason>too loud</reason></item></query>"
		   "</iq>");
	assert_xml(fx, mucadmin_iq(fx->ctx, &ban),
		   "<iq type=\"set\" to=\"" ROOM "\"><query xmlns=\"http://"
		   "jabber.org/protocol/muc#admin\"><item jid=\"eve@evil."
		   "example\" affiliation=\"outcast\"/></query></iq>");
	assert_xml(fx, mucadmin_iq(fx->ctx, &role),
		   "<iq type=\"set\" to=\"" ROOM "\"><query xmlns=\"http://"
		   "jabber.org/protocol/muc#admin\"><item nick=\"nurse\" "
		   "role=\"moderator\"/></query></iq>");
	assert_xml(fx, mucadmin_iq(fx->ctx, &affil),
		   "<iq type=\"set\" to=\"" ROOM "\"><query xmlns=\"http://"
		   "jabber.org/protocol/muc#admin\"><item jid=\"" JULIET "\" "
		   "affiliation=\"member\"><reason>&lt;&amp;&gt;</reason>"
		   "</item></query></iq>");
}

static void test_invitation_stanzas(void **state)
{
	struct fixture *fx = *state;

	assert_xml(fx, mucadmin_direct_invite(fx->ctx, ROOM, JULIET, "join us",
					  "pw"),
		   "<message to=\"" JULIET "\"><x xmlns=\"jabber:x:conference\""
		   " jid=\"" ROOM "\" reason=\"join us\" password=\"pw\"/>"
		   "</message>");
	assert_xml(fx, mucadmin_direct_invite(fx->ctx, ROOM, JULIET, NULL, NULL),
		   "<message to=\"" JULIET "\"><x xmlns=\"jabber:x:conference\""
		   " jid=\"" ROOM "\"/></message>");
	assert_xml(fx, mucadmin_mediated_invite(fx->ctx, ROOM, JULIET, "hi"),
		   "<message to=\"" ROOM "\"><x xmlns=\"http://jabber.org/"
		   "protocol/muc#user\"><invite to=\"" JULIET "\"><reason>hi"
		   "</reason></invite></x></message>");
	assert_xml(fx, mucadmin_decline(fx->ctx, ROOM, JULIET, NULL),
		   "<message to=\"" ROOM "\"><x xmlns=\"http://jabber.org/"
		   "protocol/muc#user\"><decline to=\"" JULIET "\"/></x>"
		   "</message>");
}

/* Hands xml, a message from `from`, to mucadmin_message; returns
 * whether it took it. */
static bool read_message(struct fixture *fx, const char *from,
			 const char *xml)
{
	struct session s = { .app = &fx->app, .acc = fx->acc,
			     .ctx = fx->ctx };
	xmpp_stanza_t *st = tu_parse(fx->ctx, xml);
	struct jid j;
	bool taken;

	assert_int_equal(jid_parse(from, &j), 0);
	taken = mucadmin_message(&s, st, from, &j);
	jid_clear(&j);
	xmpp_stanza_release(st);
	return taken;
}

static void test_invitations_read(void **state)
{
	struct fixture *fx = *state;

	/* direct: a control character and a newline become one line */
	assert_true(read_message(
		fx, JULIET "/balcony",
		"<message from='" JULIET "/balcony'><x xmlns='jabber:x:"
		"conference' jid='" ROOM "' reason='come&#10;12:00 fake"
		"&#x9b;31m' password='pw'/></message>"));
	assert_int_equal(fx->last.type, EV_ROOM_INVITE);
	assert_string_equal(fx->room, ROOM);
	assert_string_equal(fx->from, JULIET);
	assert_null(strchr(fx->reason, '\n'));
	assert_null(strstr(fx->reason, "\xc2\x9b"));
	assert_non_null(strstr(fx->reason, "12:00 fake"));
	assert_string_equal(fx->password, "pw");
	assert_false(fx->last.room_invite.mediated);
	/* mediated, with the jabber:x:conference copy a room adds: the
	 * room's own, so /deny can decline it */
	assert_true(read_message(
		fx, "tomb@rooms.example.com",
		"<message from='tomb@rooms.example.com'><x xmlns='http://"
		"jabber.org/protocol/muc#user'><invite from='" JULIET "/b'>"
		"<reason>the end</reason></invite><password>dagger</password>"
		"</x><x xmlns='jabber:x:conference' jid='tomb@rooms.example."
		"com'/></message>"));
	assert_true(fx->last.room_invite.mediated);
	assert_string_equal(fx->room, "tomb@rooms.example.com");
	assert_string_equal(fx->from, JULIET "/b");
	assert_string_equal(fx->reason, "the end");
	assert_string_equal(fx->password, "dagger");
	assert_true(invite_find(fx->acc, "tomb@rooms.example.com")->mediated);
	/* a direct invitation without a room JID is nothing */
	fx->events = 0;
	read_message(fx, JULIET "/balcony",
		     "<message><x xmlns='jabber:x:conference' jid='no-room'/>"
		     "</message>");
	assert_int_equal(fx->events, 0);
	/* an occupant cannot speak for the room: no mediated invitation
	 * from room@service/nick */
	assert_false(read_message(
		fx, ROOM "/mallory",
		"<message><x xmlns='http://jabber.org/protocol/muc#user'>"
		"<invite from='x@example.org'/></x></message>"));
	assert_int_equal(fx->events, 0);
	/* an inviter that is no JID: nothing to show or decline to */
	assert_true(read_message(
		fx, "tomb@rooms.example.com",
		"<message><x xmlns='http://jabber.org/protocol/muc#user'>"
		"<invite from='not a jid@@'/></x></message>"));
	assert_int_equal(fx->events, 0);
	/* a plain message is not ours */
	assert_false(read_message(fx, JULIET "/balcony",
				  "<message><body>hi</body></message>"));
	/* a decline of ours, from a room we are in */
	room_open(&fx->app, fx->acc, ROOM, "romeo", NULL);
	assert_true(read_message(
		fx, ROOM,
		"<message><x xmlns='http://jabber.org/protocol/muc#user'>"
		"<decline from='" JULIET "'><reason>no</reason></decline>"
		"</x></message>"));
	assert_int_equal(fx->last.type, EV_ROOM_DECLINED);
	assert_string_equal(fx->from, JULIET);
	assert_string_equal(fx->reason, "no");
}

/* ---- private windows ----------------------------------------------------------- */

static void presence(struct fixture *fx, const char *nick, bool available,
		     int code, const char *new_nick)
{
	struct room_presence p = { .nick = nick, .available = available,
				   .role = available ? ROLE_PARTICIPANT :
						       ROLE_NONE,
				   .show = available ? SHOW_ONLINE :
						       SHOW_OFFLINE,
				   .new_nick = new_nick };

	if (code)
		p.codes[p.ncodes++] = code;
	room_presence(&fx->app, fx->acc, ROOM, &p);
}

static void test_private_windows(void **state)
{
	struct fixture *fx = *state;
	struct app *app = &fx->app;
	struct window *rw, *w;

	room_open(app, fx->acc, ROOM, "romeo", NULL);
	rw = room_find(app, fx->acc, ROOM);
	presence(fx, "nurse", true, 0, NULL);
	presence(fx, "romeo", true, 110, NULL);
	/* titled with the room's local part, or its name when known */
	w = conv_window(app, fx->acc, ROOM "/nurse");
	assert_string_equal(w->name, "nurse in hall");
	rw->room->name = strdup("The Great Hall");
	conv_rename(app, fx->acc, ROOM "/nurse");
	assert_string_equal(w->name, "nurse in The Great Hall");
	fx->events = 0;
	/* an update of someone here is no news */
	presence(fx, "nurse", true, 0, NULL);
	assert_int_equal(fx->events, 0);
	/* a nick change: the window follows the new nick */
	presence(fx, "nurse", false, 303, "angelica");
	presence(fx, "angelica", true, 0, NULL);
	assert_int_equal(fx->events, 1);
	assert_int_equal(fx->last.room_private.what, ROOM_PM_RENAMED);
	assert_true(fx->last.room_private.followed);
	assert_string_equal(fx->jid, ROOM "/angelica");
	assert_string_equal(fx->nick, "nurse");
	assert_string_equal(fx->new_nick, "angelica");
	assert_ptr_equal(conv_find(app, fx->acc, ROOM "/angelica"), w);
	assert_null(conv_find(app, fx->acc, ROOM "/nurse"));
	assert_string_equal(w->jid, ROOM "/angelica");
	assert_string_equal(w->name, "angelica in The Great Hall");
	/* she leaves, kicked: said in her window */
	presence(fx, "angelica", false, 307, NULL);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.room_private.what, ROOM_PM_LEFT);
	assert_true(fx->kicked);
	/* and comes back */
	presence(fx, "angelica", true, 0, NULL);
	assert_int_equal(fx->events, 3);
	assert_int_equal(fx->last.room_private.what, ROOM_PM_BACK);
	/* someone without a window: nothing */
	presence(fx, "peter", true, 0, NULL);
	presence(fx, "peter", false, 0, NULL);
	assert_int_equal(fx->events, 3);
	/* a nick change onto a nick with its own window: not followed */
	conv_window(app, fx->acc, ROOM "/peter");
	presence(fx, "angelica", false, 303, "peter");
	assert_int_equal(fx->last.room_private.what, ROOM_PM_RENAMED);
	assert_false(fx->last.room_private.followed);
	assert_ptr_equal(conv_find(app, fx->acc, ROOM "/angelica"), w);
	/* we leave: each private window through the room hears it */
	fx->events = 0;
	presence(fx, "romeo", false, 110, NULL);
	assert_int_equal(fx->events, 2);
	assert_int_equal(fx->last.room_private.what, ROOM_PM_WE_LEFT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_invite_kept_replaced_taken,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_invite_cap_drops_strangers_first, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_invite_strangers_policy_and_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_declined_and_sent_are_announced, setup, teardown),
		cmocka_unit_test(test_resolve_targets),
		cmocka_unit_test_setup_teardown(test_admin_iq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invitation_stanzas, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invitations_read, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_private_windows, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
