/* xmlconsole: /xmlconsole, the XML console for admins (see
 * core/xmlconsole.h); what a line typed in it does is its view's
 * (ui/view.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/xmlconsole.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The console a subcommand acts on: the current window when it is one,
 * else the current account's (opened when needed). */
static struct window *console_here(struct app *app)
{
	struct window *w = app->wins[app->cur_win];
	struct account *a;
	long idx;

	if (w->kind == WIN_XMLCONSOLE)
		return w;
	if (!(a = cmd_current_account(app)))
		return NULL;
	idx = xs_xmlconsole_open(app, a);
	if (idx < 0)
		return NULL;
	app_select(app, (size_t)idx);
	return app->wins[idx];
}

static int run_filter(struct app *app, int argc, char **argv)
{
	struct window *w = console_here(app);
	char *f;

	if (!w)
		return -1;
	if (xmlconsole_filter_set(w, argc - 2, argv + 2) < 0)
		return CMD_USAGE;
	f = xmlconsole_filter_text(w);
	if (f) {
		char *t = xasprintf("Filter %s: from now on only the stanzas it "
				    "matches are shown (/xmlconsole filter "
				    "alone shows all again)", f);

		win_add(w, time(NULL), LINE_OK, t);
		free(t);
	} else {
		win_add(w, time(NULL), LINE_OK,
			"No filter: every stanza is shown from now on");
	}
	free(f);
	app->dirty = true;
	return 0;
}

static int run_clear(struct app *app, int argc, char **argv)
{
	struct window *w;

	(void)argv;
	if (argc != 2)
		return CMD_USAGE;
	if (!(w = console_here(app)))
		return -1;
	win_clear(w);
	app->dirty = true;
	return 0;
}

static int run_xmlconsole(struct app *app, int argc, char **argv)
{
	struct account *a;
	long idx;

	if (argc >= 2 && strcmp(argv[1], "filter") == 0)
		return run_filter(app, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "clear") == 0)
		return run_clear(app, argc, argv);
	if (argc > 2)
		return CMD_USAGE;
	a = argc == 2 ? cmd_account_arg(app, argv[1]) :
			cmd_current_account(app);
	if (!a)
		return -1;
	idx = xs_xmlconsole_open(app, a);
	if (idx < 0)
		return -1;
	app_select(app, (size_t)idx);
	return 0;
}

const struct cmd cmd_xmlconsole[] = {
	{ "xmlconsole", "[ACCOUNT] | filter [iq|message|presence] [JID] | clear",
	  "show the account's stanzas as XML, and send your own",
	  "  Opens (or switches to) the account's XML console: every stanza\n"
	  "  sent (SENT) and received (RECV) from now on, with its time,\n"
	  "  indented one element a row. Passwords and SASL exchanges show as\n"
	  "  [redacted], as in the debug log; control and escape characters\n"
	  "  show as character references (&#x1B;). A line of XML typed in\n"
	  "  the console is sent as it is, when it is one well-formed iq,\n"
	  "  message or presence element. The console keeps the last 1000\n"
	  "  stanzas; /close closes it.\n"
	  "  filter: from now on show only stanzas of one kind and/or from or\n"
	  "  to one JID (a bare JID also matches its full JIDs); without\n"
	  "  arguments, show all again. clear: empty the window.\n"
	  "  Example: /xmlconsole filter iq example.org\n"
	  "  Typed: <iq type='get' to='example.org' id='v1'><query "
	  "xmlns='jabber:iq:version'/></iq>",
	  "admin", ARG_ACCOUNT, run_xmlconsole, 0 },
	{ 0 }
};
