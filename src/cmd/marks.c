/* marks: /reply, answering one line of a conversation or room
 * (XEP-0461). Lines are picked by number counting back from the newest
 * message line of the window: 1 is the newest message (whoever wrote
 * it), 2 the one before, and so on; /reply alone lists the last
 * REPLY_LIST of them with their numbers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/conv.h"
#include "core/reply.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

#define REPLY_LIST 9

/* The lines /reply N can name, newest (1) last so it sits nearest. */
static void list_lines(struct app *app, struct window *w)
{
	unsigned n;

	for (n = REPLY_LIST; n > 0; n--) {
		const struct line *l = reply_nth(w, n);
		char *q;

		if (!l)
			continue;
		q = reply_quote(l->nick, l->text, 60);
		app_say(app, LINE_INFO, "%u  %s", n, q);
		free(q);
	}
	if (!reply_nth(w, 1))
		app_say(app, LINE_INFO, "No message to reply to in this window");
	else
		app_say(app, LINE_INFO,
			"/reply N TEXT answers line N (1 is the newest)");
}

static int run_reply(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	const struct line *l;
	unsigned long n;
	int r;

	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM) {
		app_say(app, LINE_ERROR,
			"/reply works in a conversation or room window");
		return -1;
	}
	if (argc == 1) {
		list_lines(app, w);
		return 0;
	}
	if (argc < 3)
		return CMD_USAGE;
	/* a window holds no more lines than that: nothing wraps to 1 */
	if ((r = cmd_number_arg(app, argv[1], "/reply N", 1, CONV_LINES,
				&n)) < 0)
		return r;
	if (!(l = reply_nth(w, (unsigned)n))) {
		app_say(app, LINE_ERROR,
			"No message line %lu here (/reply lists them)", n);
		return -1;
	}
	if (!(w->kind == WIN_ROOM ? l->sid : l->id)) {
		app_say(app, LINE_ERROR,
			"Line %lu cannot be replied to: %s", n,
			w->kind == WIN_ROOM ?
				"the room gave it no stanza-id (XEP-0359)" :
				"its message came without an id");
		return -1;
	}
	if (xs_send_reply(app, w, l, argv[2]) < 0)
		app_say(app, LINE_ERROR, "%s",
			w->kind == WIN_ROOM ?
				"Not sent: this account is not connected (/connect)" :
				CMD_NOT_QUEUED);
	return 0;
}

const struct cmd cmd_marks[] = {
	{ "reply", "[N TEXT]", "reply to message line N (1: the newest)",
	  "  Sends TEXT as a reply (XEP-0461) to a message line of this\n"
	  "  conversation or room. N counts message lines back from the\n"
	  "  newest: 1 is the last message, 2 the one before. /reply alone\n"
	  "  lists the last few with their numbers. The reply starts with a\n"
	  "  quote of the line (a fallback for clients without replies);\n"
	  "  natter shows it, and replies it receives, under a dimmed\n"
	  "  \"> nick: first words…\" row instead.\n"
	  "  Example: /reply 2 yes, tomorrow at noon",
	  "chat", ARG_NONE, run_reply, 2 },
	{ 0 }
};
