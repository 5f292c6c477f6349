/* feeds: /feed, /feeds, /unfeed and /publish, publish-subscribe
 * (core/feed.h, xmpp/pubsub.c); their answers are worded by
 * ui/feednotify.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/feed.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

static int offline(struct app *app, struct account *a)
{
	app_say(app, LINE_ERROR, "%s is not connected (/connect)",
		a->conf->name);
	return -1;
}

static int run_feed(struct app *app, int argc, char **argv)
{
	struct account *a;
	struct window *w;
	long idx = -1;
	int r;

	if (argc != 3)
		return CMD_USAGE;
	if (!jid_valid(argv[1])) {
		app_say(app, LINE_ERROR, "%s is not a JID", argv[1]);
		return -1;
	}
	if (!(a = cmd_current_account(app)))
		return -1;
	r = xs_feed_open(app, a, argv[1], argv[2], &idx);
	if (idx < 0)
		return -1;
	app_select(app, (size_t)idx);
	w = app->wins[idx];
	if (r < 0) {
		win_add(w, time(NULL), LINE_ERROR,
			"Not subscribed: this account is not connected "
			"(/connect, then /feed again)");
		app->dirty = true;
		return -1;
	}
	if (app->cfg.feed_items > 0) {
		char *t = xasprintf("Subscribing to %s on %s; its latest %d "
				    "items follow here",
				    argv[2], argv[1], app->cfg.feed_items);

		win_add(w, time(NULL), LINE_INFO, t);
		free(t);
	} else {
		win_add(w, time(NULL), LINE_INFO,
			"Subscribing; new items show here as they come");
	}
	app->dirty = true;
	return 0;
}

/* The feed a command names: SERVICE NODE, or the current feed window's
 * when there are no arguments. */
static bool feed_named(struct app *app, int argc, char **argv,
		       const char **service, const char **node)
{
	struct window *w = app->wins[app->cur_win];

	if (argc == 3) {
		*service = argv[1];
		*node = argv[2];
		return true;
	}
	if (argc == 1 && w->kind == WIN_FEED) {
		*service = w->feed->service;
		*node = w->feed->node;
		return true;
	}
	return false;
}

static int run_unfeed(struct app *app, int argc, char **argv)
{
	const char *service, *node;
	struct account *a;

	if (!feed_named(app, argc, argv, &service, &node))
		return CMD_USAGE;
	if (!jid_valid(service)) {
		app_say(app, LINE_ERROR, "%s is not a JID", service);
		return -1;
	}
	if (!(a = cmd_current_account(app)))
		return -1;
	if (xs_feed_close(app, a, service, node,
			  app->wins[app->cur_win]->id) < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "Unsubscribing from %s on %s", node, service);
	return 0;
}

static int run_feeds(struct app *app, int argc, char **argv)
{
	struct account *a;
	char **asked = NULL;
	size_t nasked = 0, cap = 0, i, k;

	if (argc > 2)
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	if (argc == 2) {
		if (!jid_valid(argv[1])) {
			app_say(app, LINE_ERROR, "%s is not a JID", argv[1]);
			return -1;
		}
		if (xs_feeds_list(app, a, argv[1],
				  app->wins[app->cur_win]->id) < 0)
			return offline(app, a);
		app_say(app, LINE_INFO, "Asking %s for your subscriptions",
			argv[1]);
		return 0;
	}
	/* no service: each one a feed window of this account follows */
	for (i = 1; i < app->nwins; i++) {
		struct window *w = app->wins[i];

		if (w->kind != WIN_FEED || w->acc != a)
			continue;
		for (k = 0; k < nasked; k++)
			if (strcmp(asked[k], w->feed->service) == 0)
				break;
		if (k < nasked)
			continue;
		if (xs_feeds_list(app, a, w->feed->service,
				  app->wins[app->cur_win]->id) < 0) {
			free(asked);
			return offline(app, a);
		}
		xgrow((void **)&asked, &cap, nasked + 1, sizeof *asked);
		asked[nasked++] = w->feed->service;
		app_say(app, LINE_INFO, "Asking %s for your subscriptions",
			w->feed->service);
	}
	free(asked);
	if (nasked == 0)
		app_say(app, LINE_ERROR, "No feed window is open: name the "
			"service to ask, /feeds SERVICE");
	return 0;
}

static int run_publish(struct app *app, int argc, char **argv)
{
	struct account *a;

	if (argc != 3 || !*argv[2])
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	if (xs_publish(app, a, argv[1], argv[2],
		       app->wins[app->cur_win]->id) < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "Publishing to your node %s", argv[1]);
	return 0;
}

const struct cmd cmd_feeds[] = {
	{ "feed", "SERVICE NODE", "follow a publish-subscribe node in a window",
	  "  Subscribes to NODE at the pubsub SERVICE (XEP-0060) and opens the\n"
	  "  feed's window, which shows the node's latest items (feed_items of\n"
	  "  them) and then each new one as it comes: Atom entries as\n"
	  "  microblogs publish them (XEP-0277), one item a line with its\n"
	  "  author, title, summary and link; links go to the window's\n"
	  "  /links. Items come only while the window is open; /close keeps\n"
	  "  the subscription, /unfeed ends it. natter remembers the feed\n"
	  "  and opens its window again at the account's next login, until\n"
	  "  /unfeed. A contact's own node is followed with the contact's\n"
	  "  JID as SERVICE.\n"
	  "  Example: /feed pubsub.example.org news",
	  "feeds", ARG_NONE, run_feed, 0 },
	{ "feeds", "[SERVICE]", "list your subscriptions at a pubsub service",
	  "  Asks SERVICE (without it: each service a feed window follows)\n"
	  "  which of its nodes you are subscribed to, and lists them with\n"
	  "  the subscription's state.",
	  "feeds", ARG_NONE, run_feeds, 0 },
	{ "unfeed", "[SERVICE NODE]", "end a subscription /feed made",
	  "  Unsubscribes from NODE at SERVICE; in a feed's window, without\n"
	  "  arguments, from that feed, and forgets it: the next login does\n"
	  "  not open it again. The window stays open until /close.",
	  "feeds", ARG_NONE, run_unfeed, 0 },
	{ "publish", "NODE TEXT", "post an entry to a node of your own",
	  "  Publishes TEXT as an Atom entry (XEP-0277 style: TEXT as its\n"
	  "  title, you as its author, now as its time) to NODE of your own\n"
	  "  PEP service, which creates the node when it is new; contacts\n"
	  "  who follow the node see it.\n"
	  "  Example: /publish urn:xmpp:microblog:0 Hello, world",
	  "feeds", ARG_NONE, run_publish, 2 },
	{ 0 }
};
