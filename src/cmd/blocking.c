/* blocking: /block, /unblock and /blocked, the server's block list
 * (XEP-0191) with spam and abuse reports (XEP-0377). The list itself is
 * core/blocklist.h's; what the server answers is told by ui/notify.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/blocklist.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

/* The account for a blocking command, online and with a server that
 * blocks; NULL after saying why not. */
static struct account *blocking_account(struct app *app)
{
	struct account *a = cmd_current_account(app);

	if (!a)
		return NULL;
	if (a->state != ACC_ONLINE) {
		app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
			a->conf->name, a->conf->name);
		return NULL;
	}
	switch (a->blocklist.support) {
	case BLOCK_OFFERED:
		return a;
	case BLOCK_NONE:
		app_say(app, LINE_ERROR,
			"The server of %s does not support blocking (XEP-0191): "
			"nobody can be blocked on this account", a->bare_jid);
		return NULL;
	case BLOCK_UNKNOWN:
		break;
	}
	app_say(app, LINE_ERROR,
		"The server of %s has not yet said whether it supports "
		"blocking; try again in a moment", a->bare_jid);
	return NULL;
}

/* arg as a block list entry: a contact's name is its JID; else a JID
 * or a domain, normalised as the list keeps it. The caller frees it;
 * NULL after saying why not. */
static char *entry_arg(struct app *app, struct account *a, const char *arg)
{
	char *norm;
	size_t i;

	for (i = 0; i < a->roster.n; i++)
		if (a->roster.items[i].name &&
		    strcmp(a->roster.items[i].name, arg) == 0)
			return xstrdup(a->roster.items[i].jid);
	if (cmd_nick_not_contact(app, a, arg))
		return NULL; /* not a domain "bob": the occupant bob */
	norm = blocklist_norm(arg);
	if (!norm)
		app_say(app, LINE_ERROR,
			"\"%s\" is neither a JID, a domain nor a contact's name",
			arg);
	return norm;
}

static const struct {
	const char *word;
	enum block_report report;
} reasons[] = {
	{ "spam", REPORT_SPAM },
	{ "abuse", REPORT_ABUSE },
};

static enum block_report reason_arg(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof reasons / sizeof *reasons; i++)
		if (strcmp(reasons[i].word, w) == 0)
			return reasons[i].report;
	return REPORT_NONE;
}

/* /block JID|DOMAIN [--report [spam|abuse] [TEXT]]; --report may come
 * first too. Words after the JID (and the reason) are the report's
 * text. */
static int run_block(struct app *app, int argc, char **argv)
{
	enum block_report report = REPORT_NONE;
	const char *target = NULL;
	struct account *a;
	char *text = NULL, *jid, *t;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--report") == 0 && report == REPORT_NONE) {
			report = REPORT_SPAM;
			if (i + 1 < argc && reason_arg(argv[i + 1]) != REPORT_NONE)
				report = reason_arg(argv[++i]);
		} else if (!target) {
			target = argv[i];
		} else if (report != REPORT_NONE) {
			t = text ? xasprintf("%s %s", text, argv[i]) :
				   xstrdup(argv[i]);
			free(text);
			text = t;
		} else {
			return CMD_USAGE;
		}
	}
	if (!target) {
		free(text);
		return CMD_USAGE;
	}
	if (!(a = blocking_account(app)) || !(jid = entry_arg(app, a, target))) {
		free(text);
		return -1;
	}
	if (blocklist_has(&a->blocklist, jid) && report == REPORT_NONE) {
		app_say(app, LINE_INFO, "%s is blocked already", jid);
		r = 0;
	} else {
		r = xs_block(app, a, jid, report, text);
	}
	free(jid);
	free(text);
	return r;
}

/* /unblock [JID|DOMAIN]: without one, everyone, after asking. */
static int run_unblock(struct app *app, int argc, char **argv)
{
	struct account *a;
	const char *by;
	char *jid;
	int r = 0;

	if (argc > 2)
		return CMD_USAGE;
	if (!(a = blocking_account(app)))
		return -1;
	if (argc == 1) {
		if (a->blocklist.n == 0) {
			app_say(app, LINE_INFO, "Nobody is blocked on %s",
				a->bare_jid);
			return 0;
		}
		return xs_unblock_all_open(app, a) < 0 ? -1 : 0;
	}
	if (!(jid = entry_arg(app, a, argv[1])))
		return -1;
	if (blocklist_has(&a->blocklist, jid)) {
		r = xs_unblock(app, a, jid);
	} else if ((by = blocklist_match(&a->blocklist, jid))) {
		app_say(app, LINE_ERROR,
			"%s is not blocked itself but through %s: /unblock %s",
			jid, by, by);
		r = -1;
	} else {
		app_say(app, LINE_INFO, "%s is not blocked", jid);
	}
	free(jid);
	return r;
}

/* /blocked: the list, one entry a line, a contact with its name. */
static int run_blocked(struct app *app, int argc, char **argv)
{
	struct account *a;
	size_t i;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	if (!(a = blocking_account(app)))
		return -1;
	if (a->blocklist.n == 0) {
		app_say(app, LINE_INFO, "Nobody is blocked on %s", a->bare_jid);
		return 0;
	}
	app_say(app, LINE_INFO, "%zu blocked on %s:", a->blocklist.n,
		a->bare_jid);
	for (i = 0; i < a->blocklist.n; i++) {
		const char *e = a->blocklist.jids[i];
		struct roster_item *it = roster_get(&a->roster, e);

		if (it && it->name)
			app_say(app, LINE_PLAIN, "  %s (%s)", e, it->name);
		else if (!strchr(e, '@'))
			app_say(app, LINE_PLAIN, "  %s (the whole domain)", e);
		else
			app_say(app, LINE_PLAIN, "  %s", e);
	}
	return 0;
}

const struct cmd cmd_blocking[] = {
	{ "block", "JID|DOMAIN [--report [spam|abuse] [TEXT]]",
	  "block someone, or a whole domain, on the server",
	  "  The server then passes on nothing from them (messages, presence,\n"
	  "  requests) and nothing of yours to them; every client of your\n"
	  "  account learns it at once. A DOMAIN blocks everyone there. With\n"
	  "  --report the block also reports them to the server's operators\n"
	  "  as spam (the default) or abuse (XEP-0377), with TEXT, the rest\n"
	  "  of the words, saying why. Needs a server that offers blocking\n"
	  "  (XEP-0191).\n"
	  "  Example: /block spammer@example.net --report spam adverts",
	  "contacts", ARG_CONTACT, run_block, 0 },
	{ "unblock", "[JID|DOMAIN]", "unblock someone, or everyone",
	  "  Without a JID, asks first (y or Enter: unblock, n or Esc: keep\n"
	  "  them blocked), then empties the block list. A JID blocked\n"
	  "  through its whole domain is unblocked with /unblock DOMAIN.",
	  "contacts", ARG_BLOCKED, run_unblock, 0 },
	{ "blocked", "", "list whom the server blocks for you",
	  "  Blocked contacts also show in the roster pane's Blocked group.",
	  "contacts", ARG_NONE, run_blocked, 0 },
	{ 0 }
};
