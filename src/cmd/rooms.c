/* rooms: commands about group chat rooms (XEP-0045): /join, and being
 * in a room: /nick, /topic, /leave (/part), /roomconfig, /destroy, which
 * act on the room given or the current window's room; moderation
 * (/kick, /ban, /role, /affiliation), /occupants and /invite, which act
 * on the current room window; invitations received are taken by /join
 * or /accept and declined by /deny (cmd_rooms_answer). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/bookmark.h"
#include "core/invite.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "core/roster.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The room window the command was typed in, or NULL (reported). */
static struct window *here(struct app *app, const char *cmd)
{
	struct window *w = app->wins[app->cur_win];

	if (w->kind != WIN_ROOM || !w->room) {
		app_say(app, LINE_ERROR, "/%s works in a room window (/join one)",
			cmd);
		return NULL;
	}
	return w;
}

/* Whether we are in w's room, or on our way in; says otherwise when
 * the account is online. A subject or an invitation sent from outside
 * is refused by the room with words ("no such user") that do not tell
 * the user that they are out. */
static bool in_room(struct app *app, struct window *w)
{
	const struct room *r = w->room;

	if (r->joined || r->joining || r->rejoining ||
	    w->acc->state != ACC_ONLINE)
		return true;
	app_say(app, LINE_ERROR, "You are not in %s: /join goes back in",
		w->jid);
	return false;
}

static int not_connected(struct app *app, struct account *a)
{
	app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
		a->conf->name, a->conf->name);
	return -1;
}

#define CONFIGURE "--configure"

/* Joins arg (room@service[/nick]; NULL: the room of window w). */
static int join(struct app *app, struct account *a, struct window *w,
		const char *arg, const char *password, bool configure)
{
	const struct bookmark *b = NULL;
	struct invite *inv = NULL;
	struct jid j;
	char *room;
	int rc = 0;

	if (!a)
		return -1;
	if (!arg && w->kind == WIN_ROOM) { /* this room again */
		a = w->acc;
		arg = w->jid;
	}
	if (!arg)
		return CMD_USAGE;
	/* a bookmark, by name or JID: its nick and password */
	if (!strchr(arg, '/') && (b = cmd_bookmark_arg(a, arg)))
		arg = b->jid;
	if (jid_parse(arg, &j) < 0 || !j.local) {
		if (j.domain)
			jid_clear(&j);
		app_say(app, LINE_ERROR, "Not a room address (room@service): %s",
			arg);
		return -1;
	}
	room = jid_bare(&j);
	w = room_find(app, a, room);
	if (!password && b)
		password = b->password;
	if (!password && w)
		password = w->room->password; /* as given the last time */
	if (w && w->room->joined && j.resource &&
	    strcmp(j.resource, w->room->nick) != 0) { /* in: a new nick */
		rc = xs_room_nick(app, a, room, j.resource) < 0 ?
			     not_connected(app, a) : 0;
		free(room);
		jid_clear(&j);
		return rc;
	}
	if (w && w->room->joined) { /* in: go there */
		for (size_t i = 0; i < app->nwins; i++)
			if (app->wins[i] == w)
				app_select(app, i);
		free(room);
		jid_clear(&j);
		return 0;
	}
	/* an invitation to the room is taken, with its password */
	inv = a->state == ACC_ONLINE ? invite_take(a, room) : NULL;
	if (!password && inv)
		password = inv->password;
	if (xs_room_join(app, a, room,
			 j.resource ? j.resource :
			 b && b->nick ? b->nick : room_join_nick(app, a, room),
			 password) < 0) {
		rc = not_connected(app, a);
	} else {
		room_find(app, a, room)->room->configure = configure;
	}
	invite_free(&inv);
	free(room);
	jid_clear(&j);
	return rc;
}

/* /join [room@service[/nick]] [password] [--configure]: the password is
 * the rest of the line (it may hold spaces), less a last --configure. */
static int run_join(struct app *app, int argc, char **argv)
{
	struct account *a = cmd_current_account(app);
	struct window *w = app->wins[app->cur_win];
	const char *arg = argc > 1 ? argv[1] : NULL;
	char *password = argc > 2 ? xstrdup(argv[2]) : NULL;
	bool configure = false;
	int rc;

	if (password) {
		size_t n = strlen(password), k = strlen(CONFIGURE);

		if (n >= k && strcmp(password + n - k, CONFIGURE) == 0 &&
		    (n == k || password[n - k - 1] == ' ')) {
			configure = true;
			while (n > k && password[n - k - 1] == ' ')
				n--;
			password[n - k] = '\0';
			if (!*password) {
				free(password);
				password = NULL;
			}
		}
	}
	if (arg && strcmp(arg, CONFIGURE) == 0) {
		configure = true;
		arg = NULL;
	}
	rc = join(app, a, w, arg, password, configure);
	free(password);
	return rc;
}

/* Whether nick can be the resource of room's occupant JIDs. A nick
 * that cannot is refused here: the room's error would come back from
 * an address no JID parser takes, and so never reach the window. */
static bool nick_ok(const char *room, const char *nick)
{
	char *full = xasprintf("%s/%s", room, nick);
	bool ok = jid_valid(full);

	free(full);
	return ok;
}

/* Asks w's room to call us nick, or says why not. */
static int set_nick(struct app *app, struct window *w, const char *nick)
{
	if (!nick_ok(w->jid, nick)) {
		app_say(app, LINE_ERROR,
			"Not a nickname a room can take: at most 1023 bytes, "
			"no control characters");
		return -1;
	}
	if (!w->room->joined) {
		app_say(app, LINE_ERROR,
			"You are not in %s: /join %s/%s joins under that nickname",
			w->jid, w->jid, nick);
		return -1;
	}
	if (xs_room_nick(app, w->acc, w->jid, nick) < 0)
		return not_connected(app, w->acc);
	return 0;
}

/* The nick in rest, /nick's rest of the line: a room nick may hold
 * spaces, so it is the whole line ("/nick Ann Smith"), less the blanks
 * at its end; one "quoted" word (as /nick took before) is that word.
 * The caller frees it. */
static char *nick_of(const char *rest)
{
	char **words = NULL;
	char *nick;
	int n = cmd_split(rest, &words);
	size_t len = strlen(rest);

	if (n == 1) {
		nick = words[0];
	} else {
		while (len > 0 && (rest[len - 1] == ' ' || rest[len - 1] == '\t'))
			len--;
		nick = xstrndup(rest, len);
	}
	for (int i = n == 1 ? 1 : 0; i < n; i++)
		free(words[i]);
	free(words);
	return nick;
}

/* /nick NEWNICK (the rest of the line) */
static int run_nick(struct app *app, int argc, char **argv)
{
	struct window *w;
	char *nick;
	int rc;

	if (argc != 2)
		return CMD_USAGE;
	if (!(w = here(app, "nick")))
		return -1;
	nick = nick_of(argv[1]);
	rc = set_nick(app, w, nick);
	free(nick);
	return rc;
}

/* /topic [text] */
static int run_topic(struct app *app, int argc, char **argv)
{
	struct window *w;

	if (!(w = here(app, "topic")))
		return -1;
	if (argc < 2) {
		if (w->room->subject)
			app_say(app, LINE_INFO, "Subject of %s: %s", w->jid,
				w->room->subject);
		else
			app_say(app, LINE_INFO, "%s has no subject", w->jid);
		return 0;
	}
	if (!in_room(app, w))
		return -1;
	if (xs_room_subject(app, w->acc, w->jid, argv[1]) < 0)
		return not_connected(app, w->acc);
	return 0;
}

/* /leave [message], /part [message] */
static int run_leave(struct app *app, int argc, char **argv)
{
	struct window *w;

	if (!(w = here(app, argv[0])))
		return -1;
	if (!w->room->joined && !w->room->joining && !w->room->rejoining) {
		app_say(app, LINE_ERROR,
			"You are not in %s (/close closes the window)", w->jid);
		return -1;
	}
	if (xs_room_part(app, w->acc, w->jid, argc > 1 ? argv[1] : NULL) < 0)
		return not_connected(app, w->acc);
	return 0;
}

/* /roomconfig */
static int run_roomconfig(struct app *app, int argc, char **argv)
{
	struct window *w;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	if (!(w = here(app, "roomconfig")))
		return -1;
	if (xs_room_config_open(app, w->acc, w->jid) < 0)
		return not_connected(app, w->acc);
	return 0;
}

/* /destroy [reason] */
static int run_destroy(struct app *app, int argc, char **argv)
{
	struct window *w;

	if (!(w = here(app, "destroy")))
		return -1;
	if (xs_room_destroy_open(app, w->acc, w->jid,
				 argc > 1 ? argv[1] : NULL) < 0)
		return not_connected(app, w->acc);
	return 0;
}

/* ---- moderation, occupants, invitations ---- */

static int send_admin(struct app *app, struct window *w,
		      const struct room_admin *req)
{
	return xs_room_admin(app, w->acc, req) < 0 ?
		       not_connected(app, w->acc) : 0;
}

/* Sends req on arg's occupant or user: the nick (kick, role) or the
 * bare JID arg resolves to in w's room (ban, affiliation). */
static int admin_on(struct app *app, struct window *w, struct room_admin *req,
		    const char *arg)
{
	bool want_jid = req->op == ROOM_BAN || req->op == ROOM_SET_AFFIL;
	const char *nick;
	char *jid;
	int rc = -1;

	switch (roomadmin_resolve(w->room, arg, want_jid, &nick, &jid)) {
	case TARGET_NICK:
		req->nick = nick;
		rc = send_admin(app, w, req);
		break;
	case TARGET_JID:
		req->jid = jid;
		rc = send_admin(app, w, req);
		break;
	case TARGET_HIDDEN:
		app_say(app, LINE_ERROR,
			"%s does not show you %s's real JID: name them by JID "
			"(user@example.org)", w->jid, arg);
		break;
	case TARGET_UNKNOWN:
		app_say(app, LINE_ERROR, want_jid ?
				"No one called %s is in %s, and %s is not a JID" :
				"No one called %s is in %s%s",
			arg, w->jid, want_jid ? arg : "");
		break;
	}
	free(jid);
	return rc;
}

/* /kick NICK [reason] and /ban JID|NICK [reason]: the same request
 * but for what it does and the affiliation it names. */
static int remove_occupant(struct app *app, int argc, char **argv,
			   enum room_admin_op op, const char *affil)
{
	struct window *w;
	struct room_admin req = { op, NULL, NULL, NULL, affil, NULL };

	if (argc < 2)
		return CMD_USAGE;
	if (!(w = here(app, argv[0])))
		return -1;
	if (w->room->joined && w->room->nick &&
	    strcmp(argv[1], w->room->nick) == 0) {
		/* the room would do it: an owner may remove themselves */
		app_say(app, LINE_ERROR,
			"%s is you: /leave leaves %s", argv[1], w->jid);
		return -1;
	}
	req.room = w->jid;
	req.reason = argc > 2 ? argv[2] : NULL;
	return admin_on(app, w, &req, argv[1]);
}

static int run_kick(struct app *app, int argc, char **argv)
{
	return remove_occupant(app, argc, argv, ROOM_KICK, "none");
}

static int run_ban(struct app *app, int argc, char **argv)
{
	return remove_occupant(app, argc, argv, ROOM_BAN, "outcast");
}

static bool one_of(const char *s, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(s, *names) == 0)
			return true;
	return false;
}

/* /role NICK visitor|participant|moderator */
static int run_role(struct app *app, int argc, char **argv)
{
	static const char *const roles[] = { "visitor", "participant",
					     "moderator", NULL };
	struct window *w;
	struct room_admin req = { ROOM_SET_ROLE, NULL, NULL, NULL, NULL, NULL };

	if (argc != 3 || !one_of(argv[2], roles))
		return CMD_USAGE;
	if (!(w = here(app, argv[0])))
		return -1;
	req.room = w->jid;
	req.value = argv[2];
	return admin_on(app, w, &req, argv[1]);
}

/* /affiliation JID|NICK none|member|admin|owner|outcast */
static int run_affiliation(struct app *app, int argc, char **argv)
{
	static const char *const affils[] = { "none", "member", "admin",
					      "owner", "outcast", NULL };
	struct window *w;
	struct room_admin req = { ROOM_SET_AFFIL, NULL, NULL, NULL, NULL,
				  NULL };

	if (argc != 3 || !one_of(argv[2], affils))
		return CMD_USAGE;
	if (!(w = here(app, argv[0])))
		return -1;
	req.room = w->jid;
	req.value = argv[2];
	return admin_on(app, w, &req, argv[1]);
}

/* /occupants, /names: one line per occupant, in nick order. */
static int run_occupants(struct app *app, int argc, char **argv)
{
	struct window *w;
	const struct room *r;
	size_t i, shown = 0;

	if (argc != 1)
		return CMD_USAGE;
	if (!(w = here(app, argv[0])))
		return -1;
	r = w->room;
	app_say(app, LINE_INFO, "%s: %zu occupant%s", w->jid, r->nocc,
		r->nocc == 1 ? "" : "s");
	for (i = 0; i < r->nocc; i++) {
		const struct occupant *o = &r->occ[i];
		bool us = strcmp(o->nick, r->nick) == 0;

		app_say(app, LINE_PLAIN, "  %s (%s%s%s%s)%s%s%s%s%s%s", o->nick,
			room_role_name(o->role),
			o->affil != AFFIL_NONE ? ", " : "",
			o->affil != AFFIL_NONE ? room_affil_name(o->affil) : "",
			us ? "; you" : "", o->jid ? " " : "",
			o->jid ? o->jid : "",
			o->show != SHOW_ONLINE ? ", " : "",
			o->show != SHOW_ONLINE ? presence_show_name(o->show) :
						 "",
			o->status ? ": " : "", o->status ? o->status : "");
		if (o->jid && !us)
			shown++;
	}
	if (r->nocc > 1 && shown == 0) /* ours is always shown to us */
		app_say(app, LINE_INFO, "(%s does not show you real JIDs)",
			w->jid);
	return 0;
}

/* Whom arg names to invite, as a JID (the caller frees it): a full
 * JID is that client; otherwise a contact by JID or name. A person's
 * JID has a local part: a bare domain ("/invite bad jid" typed for a
 * contact called "bad jid") would invite a server, so it is taken only
 * when it is a contact (a gateway's). NULL after saying why. */
static char *invitee_arg(struct app *app, struct account *a, const char *arg)
{
	char *jid = strchr(arg, '/') && jid_valid(arg) ?
			    xstrdup(arg) :
			    cmd_contact_arg(app, a, arg);
	char *bare = jid ? jid_bare_of(jid) : NULL;

	if (bare && !strchr(bare, '@') && !roster_get(&a->roster, bare)) {
		app_say(app, LINE_ERROR,
			"\"%s\" is neither a user's JID (user@server) nor a "
			"contact's name (a name with spaces goes in \"double "
			"quotes\")", arg);
		free(jid);
		jid = NULL;
	}
	free(bare);
	return jid;
}

/* /invite JID [reason] */
static int run_invite(struct app *app, int argc, char **argv)
{
	struct window *w;
	char *jid;
	int rc = 0;

	if (argc < 2)
		return CMD_USAGE;
	if (!(w = here(app, argv[0])) || !in_room(app, w))
		return -1;
	if (!(jid = invitee_arg(app, w->acc, argv[1])))
		return -1;
	if (xs_room_invite(app, w->acc, w->jid, jid,
			   argc > 2 ? argv[2] : NULL) < 0)
		rc = not_connected(app, w->acc);
	free(jid);
	return rc;
}

int cmd_rooms_answer(struct app *app, struct account *a, int argc,
		     char **argv, int allow)
{
	struct invite *inv;
	int rc = 0;

	if (argc >= 2 && !invite_find(a, argv[1]))
		return 1;
	if (argc == 1 && (a->nsub_requests > 0 || a->ninvites != 1))
		return 1;
	if (a->state != ACC_ONLINE)
		return not_connected(app, a);
	inv = invite_take(a, argc >= 2 ? argv[1] : a->invites[0]->room);
	if (allow) {
		xs_room_join(app, a, inv->room,
			     room_join_nick(app, a, inv->room), inv->password);
	} else if (inv->mediated) {
		xs_room_decline(app, a, inv->room, inv->from,
				argc > 2 ? argv[2] : NULL);
		app_say(app, LINE_OK, "Declined %s's invitation to %s",
			inv->from, inv->room);
	} else {
		app_say(app, LINE_OK,
			"Forgot %s's invitation to %s (a direct invitation "
			"has no answer to send)", inv->from, inv->room);
	}
	invite_free(&inv);
	return rc;
}

const struct cmd cmd_rooms[] = {
	{ "join", "[ROOM[/NICK]] [PASSWORD] [--configure]",
	  "join a group chat room",
	  "  Enters ROOM (room@service) under NICK (default: the account's\n"
	  "  nick option, else your JID's local part) in a window of its\n"
	  "  own: what you type there goes to the room, and the room's\n"
	  "  messages, arrivals and departures appear there. PASSWORD is\n"
	  "  for a password-protected room (remembered for the next /join).\n"
	  "  In a room window, /join alone joins that room again. When the\n"
	  "  nickname is taken, the room window says so and the next /join\n"
	  "  tries it with \"_\" added (/join ROOM/NICK picks another).\n"
	  "  A room that does not exist is created, with you as its owner,\n"
	  "  and opened with the service's default configuration; with\n"
	  "  --configure its configuration form opens first, and the room\n"
	  "  opens when you save it (Esc: it is not created). A refusal is\n"
	  "  said in words: a password needed, members only, banned, full,\n"
	  "  locked or missing. /close leaves the room and closes its\n"
	  "  window. j in a /disco window joins the room under the cursor.\n"
	  "  ROOM may be a bookmark's name (/bookmark); its nick and\n"
	  "  password are used.\n"
	  "  Example: /join lobby@conference.example.org/alice",
	  "rooms", ARG_ROOM, run_join, 2 },
	{ "nick", "NEWNICK", "change your nickname in this room",
	  "  Asks the room to call you NEWNICK; the room window says when it\n"
	  "  did (\"You are now known as NEWNICK\"), or why not (taken, not\n"
	  "  allowed). Others' nick changes appear as \"bob is now known as\n"
	  "  robert\". NEWNICK is the rest of the line: it may hold spaces.",
	  "rooms", ARG_NONE, run_nick, 1 },
	{ "topic", "[TEXT]", "show or set the room's subject",
	  "  Without TEXT, shows the subject of this room; with TEXT, sets\n"
	  "  it (rooms usually let only moderators do so, and say so). The\n"
	  "  subject is also in the window's title.",
	  "rooms", ARG_NONE, run_topic, 1 },
	{ "leave", "[MESSAGE]", "leave this room, keeping its window",
	  "  Leaves the room, telling the others MESSAGE if given. The window\n"
	  "  stays open with what was said (\"You left ...\"): /join joins\n"
	  "  again, /close closes it. /part is the same command.",
	  "rooms", ARG_NONE, run_leave, 1 },
	{ "part", "[MESSAGE]", "leave this room (same as /leave)",
	  "  The same as /leave [MESSAGE].",
	  "rooms", ARG_NONE, run_leave, 1 },
	{ "roomconfig", "", "change this room's configuration (owners)",
	  "  Opens the room's configuration form in a dialog window (Tab\n"
	  "  moves, Space toggles and opens lists, Ctrl-S saves, Esc gives\n"
	  "  up). Only the room's owners may: otherwise no dialog opens, and\n"
	  "  the room window says why.",
	  "rooms", ARG_NONE, run_roomconfig, 0 },
	{ "destroy", "[REASON]", "destroy this room (owners), after asking",
	  "  Asks first (y or Enter: destroy, n or Esc: keep it), then\n"
	  "  destroys the room: everyone in it is put out, told REASON, and\n"
	  "  the room and its configuration are gone.",
	  "rooms", ARG_NONE, run_destroy, 1 },
	{ "kick", "NICK [REASON]", "kick an occupant out of the room",
	  "  In a room window: asks the room to remove NICK (you need to be\n"
	  "  a moderator); REASON, the rest of the line, is shown to them.\n"
	  "  The room's answer, or why it refused, appears in the window.\n"
	  "  Your own nick is refused (/leave leaves), here and in /ban.\n"
	  "  Example: /kick mallory enough spam",
	  "rooms", ARG_NICK, run_kick, 2 },
	{ "ban", "JID|NICK [REASON]", "ban a user from the room",
	  "  In a room window: makes the user an outcast (you need to be an\n"
	  "  admin or owner). A NICK stands for that occupant's real JID,\n"
	  "  when the room shows it to you; otherwise name them by JID.",
	  "rooms", ARG_CONTACT, run_ban, 2 },
	{ "role", "NICK visitor|participant|moderator", "change an occupant's role",
	  "  In a room window: a visitor cannot speak in a moderated room, a\n"
	  "  participant can, a moderator can also kick and change roles.",
	  "rooms", ARG_NICK, run_role, 0 },
	{ "affiliation", "JID|NICK none|member|admin|owner|outcast",
	  "change a user's affiliation with the room",
	  "  In a room window: a lasting standing with the room, kept by\n"
	  "  JID (a NICK stands for that occupant's real JID, when the room\n"
	  "  shows it to you). outcast bans; none takes it away.",
	  "rooms", ARG_CONTACT, run_affiliation, 0 },
	{ "occupants", "", "list the room's occupants",
	  "  In a room window: each occupant with their role, affiliation\n"
	  "  and real JID when the room shows it to you. /names is the same.",
	  "rooms", ARG_NONE, run_occupants, 0 },
	{ "names", "", "list the room's occupants (as /occupants)",
	  "  The same as /occupants.",
	  "rooms", ARG_NONE, run_occupants, 0 },
	{ "invite", "JID [REASON]", "invite someone to the room",
	  "  In a room window: invites JID (or a contact's name; a word that\n"
	  "  is neither, or a bare server name that is not a contact, is\n"
	  "  refused). If their\n"
	  "  client says it takes direct invitations (XEP-0249), natter sends\n"
	  "  one; otherwise the room passes the invitation on (XEP-0045).\n"
	  "  The window says which was sent. Invitations to you appear on the\n"
	  "  console: /accept ROOM or /join ROOM takes one (with its\n"
	  "  password), /deny ROOM [REASON] declines one.",
	  "rooms", ARG_CONTACT, run_invite, 2 },
	{ 0 }
};
