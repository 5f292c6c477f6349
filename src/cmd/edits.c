/* edits: /correct and /retract, the user's changes to their own newest
 * message in a conversation or room (xmpp/correct.c sends them,
 * core/edit changes the window and the history). */
#include "config.h"

#include "cmd/cmd.h"
#include "core/app.h"
#include "xmpp/xs.h"

/* Says why cmd (its name, "/correct") could not make its change (err:
 * an XS_EDIT_* code). */
static int refused(struct app *app, const char *cmd, int err)
{
	static const char *const why[] = {
		[-XS_EDIT_NOWHERE] = "works in a conversation or room window",
		[-XS_EDIT_OFFLINE] = "needs the account connected (/connect)",
		[-XS_EDIT_NONE] = "found no message of yours to change here",
		[-XS_EDIT_NO_SID] = "cannot name your last message: the room "
				    "gave it no id (XEP-0359)",
		[-XS_EDIT_QUEUED] = "cannot change a message still waiting "
				    "to be sent",
	};

	app_say(app, LINE_ERROR, "%s %s", cmd, why[-err]);
	return -1;
}

int cmd_correct(struct app *app, const char *text)
{
	int r = xs_correct(app, app->wins[app->cur_win], text);

	return r < 0 ? refused(app, "/correct", r) : 0;
}

static int run_correct(struct app *app, int argc, char **argv)
{
	if (argc < 2)
		return CMD_USAGE;
	return cmd_correct(app, argv[1]);
}

static int run_retract(struct app *app, int argc, char **argv)
{
	int r;

	(void)argv;
	if (argc > 1)
		return CMD_USAGE;
	r = xs_retract(app, app->wins[app->cur_win]);
	return r < 0 ? refused(app, "/retract", r) : 0;
}

static int run_moderate(struct app *app, int argc, char **argv)
{
	int r;

	if (argc < 2)
		return CMD_USAGE;
	r = xs_moderate(app, app->wins[app->cur_win], argv[1],
			argc > 2 ? argv[2] : NULL);
	if (r == XS_EDIT_NONE) {
		app_say(app, LINE_ERROR, "%s has no message here that the room "
			"gave an id (XEP-0359) to retract", argv[1]);
		return -1;
	}
	if (r == XS_EDIT_NOWHERE) { /* a room's command, not a chat's */
		app_say(app, LINE_ERROR,
			"/moderate works in a room window (/join one)");
		return -1;
	}
	return r < 0 ? refused(app, "/moderate", r) : 0;
}

const struct cmd cmd_edits[] = {
	{ "correct", "TEXT", "correct your last message here",
	  "  Replaces the text of your newest message in this conversation or\n"
	  "  room with TEXT (XEP-0308): the line shows the new text, marked\n"
	  "  (edited); the history keeps both. With correct_on_up set, Up in\n"
	  "  an empty input line brings that message back to edit; Enter\n"
	  "  sends the correction, Esc leaves it.\n"
	  "  Example: /correct see you at eight",
	  "chat", ARG_NONE, run_correct, 1 },
	{ "retract", "", "retract your last message here",
	  "  Asks everyone to remove your newest message in this conversation\n"
	  "  or room (XEP-0424): it shows as (retracted) and its text leaves\n"
	  "  the history. Clients that do not know retractions keep it, so\n"
	  "  it may have been read already.",
	  "chat", ARG_NONE, run_retract, 0 },
	{ "moderate", "NICK [REASON]",
	  "retract NICK's last message in this room",
	  "  For a room's moderators: asks the room to retract the newest\n"
	  "  message of NICK in this room window for everyone (XEP-0425,\n"
	  "  which the room's service must offer), giving REASON if any.\n"
	  "  Example: /moderate spammer advertising",
	  "rooms", ARG_NICK, run_moderate, 2 },
	{ 0 }
};
