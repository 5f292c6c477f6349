/* sounds: /buzz, /play and /decline.
 *
 * /buzz asks a contact's client to ring (XEP-0224); /play hands an
 * audio file (a link of the window, downloaded first if need be, or a
 * finished download) to play_cmd through core/sound, never through a
 * shell; /decline refuses a call that rings (core/call.h), in words the
 * caller's client may show.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/call.h"
#include "core/conv.h"
#include "core/sound.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

static int run_buzz(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	struct account *a;
	const char *resource = NULL;
	char *peer;

	if (argc > 2)
		return CMD_USAGE;
	if (argc == 2) {
		a = cmd_current_account(app);
		if (!a || !(peer = cmd_contact_arg(app, a, argv[1])))
			return -1;
	} else if (w->kind == WIN_CHAT) {
		a = w->acc;
		peer = xstrdup(w->jid);
		resource = w->resource;
	} else {
		app_say(app, LINE_ERROR, "/buzz works in a conversation, or "
			"names a contact: /buzz CONTACT");
		return -1;
	}
	if (xs_buzz(app, a, peer, resource) < 0) {
		app_say(app, LINE_ERROR, "Not buzzed: %s is not connected",
			a->conf->name);
		free(peer);
		return -1;
	}
	app_say(app, LINE_INFO, "You buzzed %s", conv_peer_name(a, peer));
	free(peer);
	return 0;
}

/* The number in s (1 or more), or 0. */
static unsigned number(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	return *end || end == s || n > UINT32_MAX ? 0 : (unsigned)n;
}

static int run_play(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	const char *url = NULL;
	char *err = NULL;
	unsigned n = 0;
	int r;

	if (argc > 3)
		return CMD_USAGE;
	if (argc == 3) {
		if (strcmp(argv[1], "--transfer") != 0 || !(n = number(argv[2])))
			return CMD_USAGE;
		r = sound_play_transfer(app, n, &err);
	} else {
		const char *arg = argc == 2 ? argv[1] : "1";

		if (strncmp(arg, "http://", 7) == 0 ||
		    strncmp(arg, "https://", 8) == 0)
			url = arg;
		else if (!(n = number(arg)))
			return CMD_USAGE;
		else if (!(url = win_link(w, n))) {
			app_say(app, LINE_ERROR, w->nlinks ?
				"No link %u here: /links lists %zu" :
				"No links in this window (%u)", n, w->nlinks);
			return -1;
		}
		r = sound_play_url(app, w, url, &n, &err);
	}
	if (r < 0) {
		app_say(app, LINE_ERROR, "Cannot play it: %s", err);
		free(err);
		return -1;
	}
	if (r == 0)
		app_say(app, LINE_INFO, "Playing it once transfer %u is done",
			n);
	else
		app_say(app, LINE_INFO, "Playing %s", url ? url : "it");
	return 0;
}

static int run_decline(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	struct call *c = call_for_window(app, w);
	struct account *a;

	if (!c) {
		app_say(app, LINE_ERROR, call_count(app) ?
			"Several calls ring: /decline in the caller's window" :
			"No call rings");
		return -1;
	}
	a = c->acc;
	if (xs_call_decline(app, c, argc > 1 ? argv[1] : NULL) < 0) {
		app_say(app, LINE_ERROR, "Not declined: %s is not connected",
			a->conf->name);
		return -1;
	}
	return 0;
}

const struct cmd cmd_sounds[] = {
	{ "buzz", "[CONTACT]", "ask a contact's client to ring (attention)",
	  "  Sends an attention request (XEP-0224) to the conversation's\n"
	  "  peer, or to CONTACT. Clients ring, flash or shake for it; natter\n"
	  "  rings for one from a contact (with a subscription) at most once\n"
	  "  every 30 seconds, never for a stranger's.",
	  "chat", ARG_CONTACT, run_buzz, 0 },
	{ "play", "[N|URL|--transfer N]", "play an audio file with play_cmd",
	  "  Plays link N of /links (1, the newest, by default), or URL, or\n"
	  "  the file download N of /transfers saved, with play_cmd\n"
	  "  (natterrc) given the file as its last argument; no shell is\n"
	  "  involved. A link not downloaded yet is fetched first, as\n"
	  "  /download does, and played when it is done. Voice messages\n"
	  "  from phones are such links.",
	  "files", ARG_NONE, run_play, 0 },
	{ "decline", "[REASON]", "refuse the call that rings",
	  "  natter shows calls but cannot carry their sound yet: answer on\n"
	  "  another device, or refuse here. Refuses the call of this\n"
	  "  window's contact, or the only one ringing, telling the caller\n"
	  "  REASON if given.",
	  "chat", ARG_NONE, run_decline, 1 },
	{ 0 },
};
