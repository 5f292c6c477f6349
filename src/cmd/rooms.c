/* rooms: commands about group chat rooms (XEP-0045): /join, and being
 * in a room: /nick, /topic, /leave (/part), /roomconfig, /destroy. They
 * act on the room given, or on the current window's room. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/bookmark.h"
#include "core/room.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The room window the command was typed in, or NULL (reported). */
static struct window *here(struct app *app, const char *cmd)
{
	struct window *w = app->wins[app->cur_win];

	if (w->kind != WIN_ROOM) {
		app_say(app, LINE_ERROR, "/%s works in a room window", cmd);
		return NULL;
	}
	return w;
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
	if (xs_room_join(app, a, room,
			 j.resource ? j.resource :
			 b && b->nick ? b->nick : room_join_nick(app, a, room),
			 password) < 0) {
		rc = not_connected(app, a);
	} else {
		room_find(app, a, room)->room->configure = configure;
	}
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

/* /nick NEWNICK */
static int run_nick(struct app *app, int argc, char **argv)
{
	struct window *w;

	if (argc != 2)
		return CMD_USAGE;
	if (!(w = here(app, "nick")))
		return -1;
	if (!w->room->joined) {
		app_say(app, LINE_ERROR,
			"You are not in %s: /join %s/%s joins under that nickname",
			w->jid, w->jid, argv[1]);
		return -1;
	}
	if (xs_room_nick(app, w->acc, w->jid, argv[1]) < 0)
		return not_connected(app, w->acc);
	return 0;
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
	if (!w->room->joined && !w->room->joining) {
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
	  "  robert\".",
	  "rooms", ARG_NONE, run_nick, 0 },
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
	  "  up). Only the room's owners may; the dialog says so otherwise.",
	  "rooms", ARG_NONE, run_roomconfig, 0 },
	{ "destroy", "[REASON]", "destroy this room (owners), after asking",
	  "  Asks first (y or Enter: destroy, n or Esc: keep it), then\n"
	  "  destroys the room: everyone in it is put out, told REASON, and\n"
	  "  the room and its configuration are gone.",
	  "rooms", ARG_NONE, run_destroy, 1 },
	{ 0 }
};
