/* general: /help and /quit. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "util/xmem.h"

struct help_ctx {
	struct app *app;
	const char *topic;
	char *names; /* the topic's commands, "/a /b /c", or NULL */
};

static void list_in_topic(const struct cmd *c, void *ud)
{
	struct help_ctx *h = ud;

	if (strcmp(c->topic, h->topic) == 0)
		app_say(h->app, LINE_PLAIN, "  /%-12s %s", c->name,
			  c->summary);
}

static void name_in_topic(const struct cmd *c, void *ud)
{
	struct help_ctx *h = ud;
	char *t;

	if (strcmp(c->topic, h->topic) != 0)
		return;
	t = xasprintf("%s%s/%s", h->names ? h->names : "",
		      h->names ? " " : "", c->name);
	free(h->names);
	h->names = t;
}

static int run_help(struct app *app, int argc, char **argv)
{
	const char *topics[CMD_TOPICS_MAX];
	struct help_ctx h = { app, NULL, NULL };
	const struct cmd *c;
	const char *p;
	size_t i, n;

	if (argc > 2)
		return CMD_USAGE;
	n = cmd_topics(topics);
	for (i = 0; argc == 2 && i < n; i++) {
		if (strcmp(argv[1], topics[i]) != 0)
			continue;
		h.topic = topics[i];
		app_say(app, LINE_INFO, "%s:", topics[i]);
		cmd_each(list_in_topic, &h);
		return 0;
	}
	if (argc == 2) {
		c = cmd_find(argv[1][0] == '/' ? argv[1] + 1 : argv[1]);
		if (!c) {
			app_say(app, LINE_ERROR, "No command /%s", argv[1]);
			return -1;
		}
		app_say(app, LINE_INFO, "/%s %s", c->name, c->args);
		app_say(app, LINE_PLAIN, "  %s", c->summary);
		/* one line each: a window line's newlines only continue it */
		for (p = c->help; *p; p += n + (p[n] == '\n')) {
			n = strcspn(p, "\n");
			app_say(app, LINE_PLAIN, "%.*s", (int)n, p);
		}
		return 0;
	}
	/* one line a topic: the list fits a screen however many there are */
	app_say(app, LINE_INFO,
		"Commands (/help TOPIC lists a topic's with what each does, /help COMMAND explains one):");
	for (i = 0; i < n; i++) {
		h.topic = topics[i];
		cmd_each(name_in_topic, &h);
		app_say(app, LINE_PLAIN, "  %s: %s", topics[i], h.names);
		free(h.names);
		h.names = NULL;
	}
	return 0;
}

static int run_quit(struct app *app, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return CMD_USAGE;
	app->quit = true;
	return 0;
}

const struct cmd cmd_general[] = {
	{ "help", "[TOPIC|COMMAND]", "list commands, or explain one",
	  "  Without an argument, lists every command by topic, one line a\n"
	  "  topic. With a topic (general, session, chat, rooms, ...), lists\n"
	  "  its commands with what each does; with a command, shows its\n"
	  "  usage and what it does.\n"
	  "  Example: /help rooms, /help connect",
	  "general", ARG_COMMAND, run_help, 0 },
	{ "quit", "", "disconnect every account and leave natter",
	  "  Closes every stream (the server then tells your contacts you went\n"
	  "  offline) and exits, waiting at most a second for the servers.",
	  "general", ARG_NONE, run_quit, 0 },
	{ 0 }
};
