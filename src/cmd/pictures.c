/* pictures: /view and /avatar, pictures in windows of their own
 * (core/picture.h).
 *
 * /view takes a link of the window (a number of /links, as /open and
 * /download do, or an address), a transfer's file (--transfer N) or a
 * file's path; a link is downloaded first (core/transfer), and shown
 * when it is complete. /avatar fetches a contact's avatar. Nothing is
 * fetched or decoded but on these commands.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/paths.h"
#include "core/picture.h"
#include "core/transfer.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int view_link(struct app *app, const char *url)
{
	struct window *w = app->wins[app->cur_win];
	char *err = NULL;
	unsigned n = picture_view_link(app, w, url, &err);

	if (!n) {
		app_say(app, LINE_ERROR, "Cannot download %s: %s", url, err);
		free(err);
		return -1;
	}
	app_say(app, LINE_INFO, "Transfer %u fetches %s; it is shown when it "
		"is complete", n, url);
	return 0;
}

static int view_transfer(struct app *app, const char *arg)
{
	unsigned long n;
	char *end;

	n = strtoul(arg, &end, 10);
	if (*end || end == arg || n == 0)
		return CMD_USAGE;
	for (size_t i = 0; i < transfer_count(app); i++) {
		const struct transfer *t = transfer_at(app, i);

		if (t->n != n)
			continue;
		if (t->state != TRANSFER_DONE || !t->path) {
			app_say(app, LINE_ERROR, t->state == TRANSFER_RUNNING ?
				"Transfer %lu is not complete yet" :
				"Transfer %lu saved no file", n);
			return -1;
		}
		return picture_show_file(app, app->wins[app->cur_win]->id,
					 t->path, t->name);
	}
	app_say(app, LINE_ERROR, "No transfer %lu (see /transfers)", n);
	return -1;
}

static int run_view(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	const char *arg = argc > 1 ? argv[1] : "1";
	char *path;
	int r;

	if (argc > 3 || (argc == 3 && strcmp(argv[1], "--transfer") != 0))
		return CMD_USAGE;
	if (argc == 3)
		return view_transfer(app, argv[2]);
	if (strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0)
		return view_link(app, arg);
	if (all_digits(arg)) {
		const char *url = win_link(w, strtoul(arg, NULL, 10));

		if (!url) {
			app_say(app, LINE_ERROR, w->nlinks ?
				"No link %s here: /links lists %zu" :
				"No links in this window (%s); /view PATH shows "
				"a file", arg, w->nlinks);
			return -1;
		}
		return view_link(app, url);
	}
	path = paths_expand_home(arg);
	r = picture_show_file(app, w->id, path, NULL);
	free(path);
	return r;
}

static int run_avatar(struct app *app, int argc, char **argv)
{
	struct account *a;
	char *bare;

	if (argc != 2)
		return CMD_USAGE;
	a = cmd_current_account(app);
	if (!a || !(bare = cmd_contact_arg(app, a, argv[1])))
		return -1;
	if (xs_avatar_show(app, a, bare, app->wins[app->cur_win]->id) < 0) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect)",
			a->conf->name);
		free(bare);
		return -1;
	}
	app_say(app, LINE_INFO, "Asking for %s's avatar", bare);
	free(bare);
	return 0;
}

const struct cmd cmd_pictures[] = {
	{ "view", "[N|URL|PATH|--transfer N]", "show a picture in a window",
	  "  Shows a PNG, JPEG or WebP picture in a window of its own, fitted\n"
	  "  to it: link N of /links (1, the newest, by default) or URL,\n"
	  "  downloaded first as /download does; the file of transfer N\n"
	  "  (/transfers); or the file at PATH. Drawn as coloured block\n"
	  "  symbols, or as sixel or kitty graphics (image_protocol in\n"
	  "  natterrc). A picture larger than 32 megapixels or 64 MiB is\n"
	  "  refused. Nothing is fetched or shown unless you ask.\n"
	  "  /close closes the picture's window.",
	  "files", ARG_NONE, run_view, 0 },
	{ "avatar", "JID|NAME", "show a contact's avatar",
	  "  Fetches the contact's avatar (XEP-0084, else its vCard's photo)\n"
	  "  and shows it in a window of its own, as /view does.",
	  "contacts", ARG_CONTACT, run_avatar, 0 },
	{ 0 },
};
