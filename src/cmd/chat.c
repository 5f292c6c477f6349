/* chat: commands about conversations and windows: /msg, /query, /me,
 * /close, /win. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/conv.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The account a command acts for: the current window's, else the only
 * one, else the first online one. */
struct account *cmd_current_account(struct app *app)
{
	struct window *w = app->wins[app->cur_win];
	size_t i;

	if (w->acc)
		return w->acc;
	if (app->naccounts == 1)
		return app->accounts[0];
	for (i = 0; i < app->naccounts; i++)
		if (app->accounts[i]->state == ACC_ONLINE)
			return app->accounts[i];
	app_say(app, LINE_ERROR, app->naccounts ?
					   "No account is online" :
					   "No accounts configured; see natterrc(5)");
	return NULL;
}

/* A contact given by JID or by roster name; returns its bare JID (the
 * caller frees it) or NULL after saying why. */
char *cmd_contact_arg(struct app *app, struct account *a, const char *arg)
{
	char *bare;
	size_t i;

	for (i = 0; i < a->roster.n; i++)
		if (a->roster.items[i].name &&
		    strcmp(a->roster.items[i].name, arg) == 0)
			return xstrdup(a->roster.items[i].jid);
	bare = jid_bare_of(arg);
	if (!bare)
		app_say(app, LINE_ERROR, "\"%s\" is neither a JID nor a contact's name",
			  arg);
	return bare;
}

/* Joins argv[from..] with single spaces; the caller frees it. */
char *cmd_rest(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len);
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int open_query(struct app *app, int argc, char **argv, int send)
{
	struct account *a;
	char *bare, *text;
	size_t idx;

	if (argc < 2)
		return CMD_USAGE;
	a = cmd_current_account(app);
	if (!a || !(bare = cmd_contact_arg(app, a, argv[1])))
		return -1;
	idx = conv_open(app, a, bare);
	app_select(app, idx);
	if (send && argc > 2) {
		text = cmd_rest(argc, argv, 2);
		if (xs_send_chat(app, a, bare, app->wins[idx]->resource, text) < 0)
			win_add(app->wins[idx], time(NULL), LINE_ERROR,
				"Not sent: this account is not connected (/connect)");
		free(text);
	}
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
	char *text, *body;

	if (argc < 2)
		return CMD_USAGE;
	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM) {
		app_say(app, LINE_ERROR, "/me works in a conversation or room window");
		return -1;
	}
	text = cmd_rest(argc, argv, 1);
	body = xasprintf("/me %s", text);
	if ((w->kind == WIN_ROOM ?
		     xs_room_send(app, w->acc, w->jid, body) :
		     xs_send_chat(app, w->acc, w->jid, w->resource, body)) < 0)
		win_add(w, time(NULL), LINE_ERROR,
			"Not sent: this account is not connected (/connect)");
	free(body);
	free(text);
	return 0;
}

static int run_join(struct app *app, int argc, char **argv)
{
	struct account *a = cmd_current_account(app);

	if (argc < 2 || argc > 3)
		return CMD_USAGE;
	if (!a)
		return -1;
	if (!jid_valid(argv[1]) || !strchr(argv[1], '@') ||
	    strchr(argv[1], '/')) {
		app_say(app, LINE_ERROR, "Not a room address (room@service): %s",
			argv[1]);
		return -1;
	}
	if (xs_room_join(app, a, argv[1], argc == 3 ? argv[2] : a->nick) < 0) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		return -1;
	}
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
	char *end;
	long n;
	size_t i;

	if (argc != 2)
		return CMD_USAGE;
	n = strtol(argv[1], &end, 10);
	if (*end == '\0') {
		if (n < 1 || (size_t)n > app->nwins) {
			app_say(app, LINE_ERROR, "No window %ld (there are %zu)",
				  n, app->nwins);
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
	  "chat", ARG_CONTACT, run_msg },
	{ "query", "JID|NAME", "open a conversation window",
	  "  Opens (or switches to) the conversation with a contact.",
	  "chat", ARG_CONTACT, run_query },
	{ "me", "ACTION", "send an action (\"* you waves\")",
	  "  Sends ACTION as a /me action (XEP-0245) in this conversation.\n"
	  "  Example: /me waves",
	  "chat", ARG_NONE, run_me },
	{ "join", "ROOM [NICK]", "join a group chat room",
	  "  Enters ROOM (room@service) under NICK (default: your JID's local\n"
	  "  part) in a window of its own: what you type there goes to the\n"
	  "  room, and the room's messages, arrivals and departures appear\n"
	  "  there. /close leaves the room. j in a /disco window joins the\n"
	  "  room under the cursor. Rooms are not kept in the history yet.\n"
	  "  Example: /join lobby@conference.example.org",
	  "chat", ARG_NONE, run_join },
	{ "close", "", "close the current conversation window",
	  "  Closes the window (leaving the room, for a room window); a\n"
	  "  conversation's history stays in the store.",
	  "chat", ARG_NONE, run_close },
	{ "win", "N|NAME", "switch to window N, or the one named NAME",
	  "  Alt-1..Alt-9 and Alt-0 switch to windows 1..10 too, Alt-Left and\n"
	  "  Alt-Right to the neighbours, Alt-A to the next with unread messages.",
	  "chat", ARG_NONE, run_win },
	{ 0 }
};
