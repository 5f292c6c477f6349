/* chat: commands about conversations and windows: /msg, /query, /me,
 * /close, /win. Room commands are in cmd/rooms.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/conv.h"
#include "core/room.h"
#include "core/roster.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* Whether arg names one of a's contacts, by roster name or by JID (a
 * gateway's is a bare domain). */
static bool is_contact(struct account *a, const char *arg)
{
	for (size_t i = 0; i < a->roster.n; i++)
		if (a->roster.items[i].name &&
		    strcmp(a->roster.items[i].name, arg) == 0)
			return true;
	return roster_get(&a->roster, arg) != NULL;
}

/* A conversation's peer: a contact (cmd_contact_arg), or an occupant's
 * full JID in a room we are in (a private conversation through it); in
 * a room window, an occupant's nick stands for its full JID. There a
 * bare word that is neither an occupant nor a contact's name is a nick
 * mistyped or gone, not a server's domain: it is refused rather than
 * opening a conversation with a host of that name. */
static char *peer_arg(struct app *app, struct account *a, const char *arg)
{
	struct window *w = app->wins[app->cur_win];
	char *bare;
	bool occupant;

	if (w->kind == WIN_ROOM && w->acc == a && room_has(w, arg))
		return xasprintf("%s/%s", w->jid, arg);
	if (w->kind == WIN_ROOM && w->acc == a && !strpbrk(arg, "@/") &&
	    !is_contact(a, arg)) {
		app_say(app, LINE_ERROR,
			"No one called %s is in %s (a contact: by JID or "
			"roster name)", arg, w->jid);
		return NULL;
	}
	bare = strchr(arg, '/') ? jid_bare_of(arg) : NULL;
	occupant = bare && room_find(app, a, bare);
	free(bare);
	return occupant ? xstrdup(arg) : cmd_contact_arg(app, a, arg);
}

static int open_query(struct app *app, int argc, char **argv, int send)
{
	struct account *a;
	char *bare;
	size_t idx;

	if (argc < 2)
		return CMD_USAGE;
	a = cmd_current_account(app);
	if (!a || !(bare = peer_arg(app, a, argv[1])))
		return -1;
	idx = conv_start(app, a, bare);
	app_select(app, idx);
	if (send && argc > 2 &&
	    xs_send_chat(app, a, bare, app->wins[idx]->resource, argv[2]) < 0)
		win_add(app->wins[idx], time(NULL), LINE_ERROR, CMD_NOT_QUEUED);
	free(bare);
	return 0;
}

static int run_msg(struct app *app, int argc, char **argv)
{
	return open_query(app, argc, argv, 1);
}

static int run_query(struct app *app, int argc, char **argv)
{
	if (argc != 2)
		return CMD_USAGE;
	return open_query(app, argc, argv, 0);
}

static int run_me(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	char *body;

	if (argc < 2)
		return CMD_USAGE;
	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM) {
		app_say(app, LINE_ERROR, "/me works in a conversation or room window");
		return -1;
	}
	body = xasprintf("/me %s", argv[1]);
	if (w->kind == WIN_ROOM ?
		    xs_room_send(app, w->acc, w->jid, body) < 0 :
		    xs_send_chat(app, w->acc, w->jid, w->resource, body) < 0)
		win_add(w, time(NULL), LINE_ERROR,
			w->kind == WIN_ROOM ?
				"Not sent: this account is not connected (/connect)" :
				CMD_NOT_QUEUED);
	free(body);
	return 0;
}

static int run_close(struct app *app, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return CMD_USAGE;
	if (app->cur_win == 0) {
		app_say(app, LINE_ERROR, "The console cannot be closed");
		return -1;
	}
	if (app->wins[app->cur_win]->kind == WIN_ROOM) /* leave it too */
		xs_room_leave(app, app->wins[app->cur_win]->acc,
			      app->wins[app->cur_win]->jid);
	app_close_window(app, app->wins[app->cur_win]);
	return 0;
}

static int run_win(struct app *app, int argc, char **argv)
{
	unsigned long n;
	size_t i;
	int r;

	if (argc != 2)
		return CMD_USAGE;
	r = cmd_number(argv[1], 1, app->nwins, &n);
	if (r != CMD_NUMBER_NOT) {
		if (r == CMD_NUMBER_RANGE) {
			app_say(app, LINE_ERROR, "No window %s (there are %zu)",
				  argv[1], app->nwins);
			return -1;
		}
		app_select(app, (size_t)n - 1);
		return 0;
	}
	for (i = 0; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (strcmp(w->name, argv[1]) == 0 ||
		    (w->jid && strcmp(w->jid, argv[1]) == 0)) {
			app_select(app, i);
			return 0;
		}
	}
	app_say(app, LINE_ERROR, "No window named %s", argv[1]);
	return -1;
}

const struct cmd cmd_chat[] = {
	{ "msg", "JID|NAME [TEXT]", "open a conversation, and send TEXT if given",
	  "  Opens (or switches to) the conversation with a contact, named by\n"
	  "  JID or roster name, and sends TEXT there if you give it.\n"
	  "  Example: /msg bob@example.org are you there?",
	  "chat", ARG_CONTACT, run_msg, 2 },
	{ "query", "JID|NAME|NICK", "open a conversation window",
	  "  Opens (or switches to) the conversation with a contact, or with\n"
	  "  a room's occupant by full JID (room@service/nick), or in a room\n"
	  "  window by NICK: a private conversation, titled \"nick in room\",\n"
	  "  that is never mixed with the room or other occupants (there, a\n"
	  "  word that is neither a nick in the room nor a contact's name is\n"
	  "  refused, not taken for a server's address). For a\n"
	  "  stranger (someone not in your roster) whose messages are in the\n"
	  "  strangers window, the new window holds what they said, and their\n"
	  "  next messages come there.",
	  "chat", ARG_CONTACT, run_query, 0 },
	{ "me", "ACTION", "send an action (\"* you waves\")",
	  "  Sends ACTION as a /me action (XEP-0245) in this conversation.\n"
	  "  Example: /me waves",
	  "chat", ARG_NONE, run_me, 1 },
	{ "close", "", "close the current conversation window",
	  "  Closes the window (leaving the room, for a room window); a\n"
	  "  conversation's history stays in the store.",
	  "chat", ARG_NONE, run_close, 0 },
	{ "win", "N|NAME", "switch to window N, or the one named NAME",
	  "  NAME is a window's title as the window list shows it, spaces\n"
	  "  included (/win file from bob@example.org), or its JID.\n"
	  "  Alt-1..Alt-9 and Alt-0 switch to windows 1..10 too, Alt-Left and\n"
	  "  Alt-Right to the neighbours, Alt-A to the next with unread messages:\n"
	  "  highlights first, then conversations, then the rest.",
	  "chat", ARG_NONE, run_win, 1 },
	{ 0 }
};
