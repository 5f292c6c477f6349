/* cmd: parsing a command line, dispatching it through the table, and the
 * argument helpers the command families share (account, contact). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/room.h"
#include "util/troff.h"
#include "util/utf8.h"
#include "util/jid.h"
#include "util/xmem.h"

static const struct cmd *const families[] = { cmd_general, cmd_session,
					       cmd_chat, cmd_rooms, cmd_bookmarks,
					       cmd_contacts,
					       cmd_gateways, cmd_files,
					       cmd_xmlconsole, cmd_blocking, cmd_marks,
					       cmd_edits,
					       cmd_sounds,
					       cmd_pictures,
					       cmd_feeds };

#define NFAMILIES (sizeof families / sizeof *families)

const struct cmd *cmd_find(const char *name)
{
	size_t f;
	const struct cmd *c;

	for (f = 0; f < NFAMILIES; f++)
		for (c = families[f]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

void cmd_each(void (*fn)(const struct cmd *c, void *ud), void *ud)
{
	size_t f;
	const struct cmd *c;

	for (f = 0; f < NFAMILIES; f++)
		for (c = families[f]; c->name; c++)
			fn(c, ud);
}

size_t cmd_topics(const char **topics)
{
	size_t f, i, n = 0;
	const struct cmd *c;

	for (f = 0; f < NFAMILIES; f++) {
		for (c = families[f]; c->name; c++) {
			for (i = 0; i < n; i++)
				if (strcmp(topics[i], c->topic) == 0)
					break;
			if (i == n && n < CMD_TOPICS_MAX)
				topics[n++] = c->topic;
		}
	}
	return n;
}

static void free_words(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int cmd_split_n(const char *line, int max, char ***argvp)
{
	size_t n = 0, cap = 0, len = strlen(line);
	char **argv = NULL;
	char *word = xmalloc(len + 1);
	const char *p = line;

	for (;;) {
		size_t w = 0;
		int quoted = 0, have = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (max > 0 && n == (size_t)max) { /* the rest, as typed */
			xgrow((void **)&argv, &cap, n + 2, sizeof *argv);
			argv[n++] = xstrdup(p);
			argv[n] = NULL;
			break;
		}
		for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
			have = 1;
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '\\' && p[1])
				word[w++] = *++p;
			else
				word[w++] = *p;
		}
		if (quoted) {
			free_words((int)n, argv);
			free(word);
			*argvp = NULL;
			return -1;
		}
		if (have) {
			xgrow((void **)&argv, &cap, n + 2, sizeof *argv);
			argv[n++] = xstrndup(word, w);
			argv[n] = NULL;
		}
	}
	free(word);
	if (!argv)
		argv = xcalloc(1, sizeof *argv);
	*argvp = argv;
	return (int)n;
}

int cmd_split(const char *line, char ***argvp)
{
	return cmd_split_n(line, 0, argvp);
}

int cmd_parse(const char *line, const struct cmd **c, char ***argvp)
{
	int argc;

	/* the name first: the command says how the rest is split */
	*c = NULL;
	argc = cmd_split_n(line, 1, argvp);
	if (argc <= 0)
		return argc;
	*c = cmd_find((*argvp)[0]);
	if (!*c || (*c)->words == 1)
		return argc;
	free_words(argc, *argvp);
	return cmd_split_n(line, (*c)->words, argvp);
}

/* The words of a command (not its free text) hold no control character:
 * they become JIDs, nodes and names the model keeps and draws as given. */
static bool words_clean(const struct cmd *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && (c->words == 0 || i < c->words); i++)
		if (!utf8_is_clean(argv[i], strlen(argv[i])))
			return false;
	return true;
}

int cmd_run(struct app *app, const char *line)
{
	const struct cmd *c;
	char **argv;
	int argc, r;

	argc = cmd_parse(line + 1, &c, &argv);
	if (argc < 0) {
		app_say(app, LINE_ERROR, "Unclosed quote in: %s", line);
		return -1;
	}
	if (argc == 0) {
		free(argv);
		return 0;
	}
	if (!c) {
		app_say(app, LINE_ERROR,
			  "Unknown command /%s; /help lists the commands",
			  argv[0]);
		r = -1;
	} else if (!words_clean(c, argc, argv)) {
		app_say(app, LINE_ERROR,
			"/%s: an argument holds a control character (a tab?): "
			"nothing was run", c->name);
		r = -1;
	} else {
		r = c->run(app, argc, argv);
		if (r == CMD_USAGE)
			app_say(app, LINE_ERROR, "Usage: /%s %s", c->name,
				  c->args);
	}
	free_words(argc, argv);
	return r;
}

struct account *cmd_account_arg(struct app *app, const char *name)
{
	struct account *a;

	if (name) {
		a = account_find(app, name);
		if (!a)
			app_say(app, LINE_ERROR, "No account named \"%s\"",
				  name);
		return a;
	}
	if (app->naccounts == 1)
		return app->accounts[0];
	if (app->naccounts == 0)
		app_say(app, LINE_ERROR,
			  "No accounts configured; see natterrc(5)");
	else
		app_say(app, LINE_ERROR,
			  "Several accounts are configured: name one");
	return NULL;
}

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

int cmd_number(const char *s, unsigned long min, unsigned long max,
	       unsigned long *n)
{
	unsigned long v = 0;
	bool over = false;

	if (!*s)
		return CMD_NUMBER_NOT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return CMD_NUMBER_NOT;
		if (v > (ULONG_MAX - (unsigned long)(*s - '0')) / 10)
			over = true; /* more digits than any range holds */
		else
			v = v * 10 + (unsigned long)(*s - '0');
	}
	if (over || v < min || v > max)
		return CMD_NUMBER_RANGE;
	*n = v;
	return 0;
}

int cmd_number_arg(struct app *app, const char *s, const char *what,
		   unsigned long min, unsigned long max, unsigned long *n)
{
	int r = cmd_number(s, min, max, n);

	if (r == CMD_NUMBER_NOT)
		return CMD_USAGE;
	if (r == CMD_NUMBER_RANGE) {
		app_say(app, LINE_ERROR, "%s must be a number from %lu to %lu",
			what, min, max);
		return -1;
	}
	return 0;
}

bool cmd_nick_not_contact(struct app *app, struct account *a,
			  const char *arg)
{
	struct window *w = app->wins[app->cur_win];

	if (w->kind != WIN_ROOM || w->acc != a || strpbrk(arg, "@/") ||
	    !room_has(w, arg))
		return false;
	app_say(app, LINE_ERROR,
		"%s is a nick in %s, not a contact: name a contact by JID or "
		"roster name (/query %s talks to them privately)",
		arg, w->jid, arg);
	return true;
}

char *cmd_contact_arg(struct app *app, struct account *a, const char *arg)
{
	char *bare;
	size_t i;

	for (i = 0; i < a->roster.n; i++)
		if (a->roster.items[i].name &&
		    strcmp(a->roster.items[i].name, arg) == 0)
			return xstrdup(a->roster.items[i].jid);
	if (cmd_nick_not_contact(app, a, arg))
		return NULL;
	bare = jid_bare_of(arg);
	if (!bare)
		app_say(app, LINE_ERROR, "\"%s\" is neither a JID nor a contact's name",
			  arg);
	return bare;
}

struct man_ctx {
	FILE *f;
	const char *topic;
};

static void man_entry(const struct cmd *c, void *ud)
{
	struct man_ctx *m = ud;

	if (strcmp(c->topic, m->topic) != 0)
		return;
	fprintf(m->f, ".TP\n.B /");
	troff_text(m->f, c->name);
	if (*c->args) {
		fputs(" \\fI", m->f);
		troff_text(m->f, c->args);
		fputs("\\fP", m->f);
	}
	fputs("\n", m->f);
	troff_text(m->f, c->summary);
	fputs(".\n.nf\n", m->f);
	troff_text(m->f, c->help);
	fputs("\n.fi\n", m->f);
}

void cmd_print_man(FILE *f)
{
	const char *topics[CMD_TOPICS_MAX];
	struct man_ctx m = { f, NULL };
	size_t i, n = cmd_topics(topics);

	for (i = 0; i < n; i++) {
		m.topic = topics[i];
		fprintf(f, ".SS %s\n", m.topic);
		cmd_each(man_entry, &m);
	}
}
