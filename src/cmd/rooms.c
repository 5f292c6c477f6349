/* rooms: commands about group chat rooms (XEP-0045): /join. They act on
 * the room given, or on the current window's room. */
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

static int not_connected(struct app *app, struct account *a)
{
	app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
		a->conf->name, a->conf->name);
	return -1;
}

/* /join room@service[/nick] [password], or a bookmark's name or JID */
static int run_join(struct app *app, int argc, char **argv)
{
	struct account *a = cmd_current_account(app);
	const struct bookmark *b;
	struct jid j;
	char *room;
	int rc = 0;

	if (argc < 2 || argc > 3)
		return CMD_USAGE;
	if (!a)
		return -1;
	/* a bookmark, by name or JID: its nick and password */
	if ((b = cmd_bookmark_arg(a, argv[1])) && !strchr(argv[1], '/'))
		return xs_room_join(app, a, b->jid, b->nick ? b->nick : a->nick,
				    argc == 3 ? argv[2] : b->password) < 0 ?
			       not_connected(app, a) : 0;
	if (jid_parse(argv[1], &j) < 0 || !j.local) {
		if (j.domain)
			jid_clear(&j);
		app_say(app, LINE_ERROR, "Not a room address (room@service): %s",
			argv[1]);
		return -1;
	}
	room = jid_bare(&j);
	if (xs_room_join(app, a, room, j.resource ? j.resource : a->nick,
			 argc == 3 ? argv[2] : NULL) < 0) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		rc = -1;
	}
	free(room);
	jid_clear(&j);
	return rc;
}

const struct cmd cmd_rooms[] = {
	{ "join", "ROOM[/NICK] [PASSWORD]", "join a group chat room",
	  "  Enters ROOM (room@service) under NICK (default: the account's\n"
	  "  nick option, else your JID's local part) in a window of its\n"
	  "  own: what you type there goes to the room, and the room's\n"
	  "  messages, arrivals and departures appear there. PASSWORD is\n"
	  "  for a password-protected room. /close leaves the room. j in a\n"
	  "  /disco window joins the room under the cursor. ROOM may be a\n"
	  "  bookmark's name (/bookmark); its nick and password are used.\n"
	  "  Example: /join lobby@conference.example.org/alice",
	  "rooms", ARG_ROOM, run_join, 2 },
	{ 0 }
};
