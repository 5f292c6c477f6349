/* bookmarks: /bookmark add|remove|list, the rooms the server remembers.
 *
 * Subcommands dispatch through a table. add and remove act on the room
 * given, or in a room window on that room; they ask the server
 * (xs_bookmark_set / xs_bookmark_remove) and the model follows when it
 * answers, so what the user reads (ui/notify.c) is what the server
 * holds. A room is named by its JID, by its bookmark's name, or, for a
 * bookmark without a name, by the local part the Rooms group shows when
 * no other such bookmark shares it.
 */
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

const struct bookmark *cmd_bookmark_arg(struct account *a, const char *arg)
{
	const struct bookmark *b = bookmarks_typed(&a->bookmarks, arg);
	char *bare;

	if (b)
		return b;
	bare = jid_bare_of(arg);
	b = bare ? bookmarks_find(&a->bookmarks, bare) : NULL;
	free(bare);
	return b;
}

/* The room a subcommand acts on: arg (a JID, room@service/nick, or a
 * bookmark's name), else the current room window's; *nick gets the
 * nick given in a full JID (the caller frees both). NULL after saying
 * why. */
static char *room_arg(struct app *app, struct account *a, const char *arg,
		      char **nick)
{
	struct window *w = app->wins[app->cur_win];
	const struct bookmark *b;
	struct jid j;
	char *room;

	*nick = NULL;
	if (!arg) {
		if (w->kind == WIN_ROOM && w->acc == a)
			return xstrdup(w->jid);
		app_say(app, LINE_ERROR, "Name a room (room@service), or use "
			"this in a room window");
		return NULL;
	}
	if ((b = bookmarks_typed(&a->bookmarks, arg)))
		return xstrdup(b->jid);
	if (jid_parse(arg, &j) < 0 || !j.local) {
		if (j.domain)
			jid_clear(&j);
		app_say(app, LINE_ERROR, "Not a room address (room@service) "
			"nor a bookmark's name: %s", arg);
		return NULL;
	}
	room = jid_bare(&j);
	if (j.resource)
		*nick = xstrdup(j.resource);
	jid_clear(&j);
	return room;
}

static int not_ready(struct app *app, struct account *a)
{
	app_say(app, LINE_ERROR, a->state == ACC_ONLINE ?
			"%s: the bookmarks have not come from the server yet" :
			"%s is not connected (/connect)",
		a->conf->name);
	return -1;
}

/* add [ROOM] [--autojoin|--no-autojoin] [--name N] [--nick N] */
static int bm_add(struct app *app, struct account *a, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	const struct bookmark *old;
	struct bookmark b = { 0 };
	const char *room = NULL, *name = NULL, *nick = NULL;
	char *given_nick;
	int autojoin = -1, i, rc = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--autojoin") == 0)
			autojoin = 1;
		else if (strcmp(argv[i], "--no-autojoin") == 0)
			autojoin = 0;
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--nick") == 0 && i + 1 < argc)
			nick = argv[++i];
		else if (argv[i][0] != '-' && !room)
			room = argv[i];
		else
			return CMD_USAGE;
	}
	if (!(b.jid = room_arg(app, a, room, &given_nick)))
		return -1;
	/* a change keeps what it does not name */
	if ((old = bookmarks_find(&a->bookmarks, b.jid))) {
		b.name = old->name ? xstrdup(old->name) : NULL;
		b.nick = old->nick ? xstrdup(old->nick) : NULL;
		b.password = old->password ? xstrdup(old->password) : NULL;
		b.autojoin = old->autojoin;
	}
	if (w->kind == WIN_ROOM && w->room && strcmp(w->jid, b.jid) == 0) {
		if (!b.nick && w->room->nick && strcmp(w->room->nick, a->nick))
			b.nick = xstrdup(w->room->nick);
		if (!b.password && w->room->password)
			b.password = xstrdup(w->room->password);
		if (!b.name && !name && w->room->name)
			b.name = xstrdup(w->room->name);
	}
	if (given_nick && !nick)
		nick = given_nick;
	if (name) {
		free(b.name);
		b.name = *name ? xstrdup(name) : NULL;
	}
	if (nick) {
		free(b.nick);
		b.nick = *nick ? xstrdup(nick) : NULL;
	}
	if (autojoin >= 0)
		b.autojoin = autojoin;
	if (xs_bookmark_set(app, a, &b) < 0)
		rc = not_ready(app, a);
	free(given_nick);
	bookmark_clear(&b);
	return rc;
}

/* remove [ROOM] */
static int bm_remove(struct app *app, struct account *a, int argc,
		     char **argv)
{
	char *room, *nick;
	int rc = 0;

	if (argc > 1)
		return CMD_USAGE;
	if (!(room = room_arg(app, a, argc ? argv[0] : NULL, &nick)))
		return -1;
	free(nick);
	if (!bookmarks_find(&a->bookmarks, room)) {
		app_say(app, LINE_ERROR, "%s is not bookmarked", room);
		rc = -1;
	} else if (xs_bookmark_remove(app, a, room) < 0) {
		rc = not_ready(app, a);
	}
	free(room);
	return rc;
}

static const char *store_words(enum bookmark_store st)
{
	switch (st) {
	case BM_STORE_PEP: return "kept in PEP (XEP-0402)";
	case BM_STORE_PRIVATE: return "kept in private storage (XEP-0048)";
	default: return "not fetched yet";
	}
}

/* list */
static int bm_list(struct app *app, struct account *a, int argc,
		   char **argv)
{
	const struct bookmarks *l = &a->bookmarks;
	size_t i;

	(void)argv;
	if (argc > 0)
		return CMD_USAGE;
	if (!l->loaded) {
		app_say(app, LINE_INFO, "%s: no bookmarks known (%s)",
			a->conf->name, a->state == ACC_ONLINE ?
				"they have not come from the server yet" :
				"not connected");
		return 0;
	}
	app_say(app, LINE_INFO, "%s: %zu bookmark%s, %s", a->conf->name,
		l->n, l->n == 1 ? "" : "s", store_words(l->store));
	for (i = 0; i < l->n; i++) {
		const struct bookmark *b = &l->items[i];
		struct window *w = room_find(app, a, b->jid);

		app_say(app, LINE_PLAIN, "  %s%s%s%s%s%s%s%s", b->jid,
			b->name ? " \"" : "", b->name ? b->name : "",
			b->name ? "\"" : "", b->nick ? " as " : "",
			b->nick ? b->nick : "",
			b->autojoin ? " (autojoin)" : "",
			w && w->room && w->room->joined ? " [joined]" : "");
	}
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct app *app, struct account *a, int argc, char **argv);
} subcommands[] = {
	{ "add", bm_add },
	{ "remove", bm_remove },
	{ "list", bm_list },
};

static int run_bookmark(struct app *app, int argc, char **argv)
{
	struct account *a = cmd_current_account(app);
	size_t i;

	if (!a)
		return -1;
	if (argc < 2)
		return bm_list(app, a, 0, NULL);
	for (i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(app, a, argc - 2, argv + 2);
	return CMD_USAGE;
}

const char *const cmd_bookmark_words[] = { "add", "remove", "list",
					   "--autojoin", "--no-autojoin",
					   "--name", "--nick", NULL };

const struct cmd cmd_bookmarks[] = {
	{ "bookmark",
	  "[add [ROOM] [--autojoin] [--name N] [--nick N]|remove [ROOM]|list]",
	  "keep rooms on the server, joined at login if you like",
	  "  Bookmarks are kept on your server (XEP-0402, or XEP-0048\n"
	  "  private storage on servers without it), so every client of\n"
	  "  yours sees them; changes made by another client show here as\n"
	  "  they happen. The roster pane lists them under Rooms.\n"
	  "  add ROOM bookmarks ROOM (room@service, or room@service/nick)\n"
	  "  or changes its bookmark: --autojoin joins it at every login\n"
	  "  (--no-autojoin stops that), --name gives it a name, --nick the\n"
	  "  nick to join as. remove ROOM forgets it; ROOM may be the\n"
	  "  bookmark's name. In a room window both act on that room. list\n"
	  "  (or no argument) shows the bookmarks. /join NAME joins a\n"
	  "  bookmarked room by its name, with its nick and password.\n"
	  "  Example: /bookmark add lobby@conference.example.org --autojoin",
	  "rooms", ARG_BOOKMARK, run_bookmark, 0 },
	{ 0 }
};
