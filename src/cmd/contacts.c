/* contacts: the roster, subscriptions, our presence and history search:
 * /roster, /sub, /accept, /deny, /info, /version, /status, /search,
 * /history. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/app.h"
#include "core/conv.h"
#include "core/history.h"
#include "core/pep.h"
#include "core/room.h"
#include "ui/ui.h"
#include "util/jid.h"
#include "util/timefmt.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

#define SEARCH_LIMIT 50

static int offline(struct app *app, struct account *a)
{
	app_say(app, LINE_ERROR, "%s is not connected (/connect %s)",
		  a->conf->name, a->conf->name);
	return -1;
}

/* ---- /roster: subcommands dispatch through a table ---- */

struct subcmd {
	const char *name;
	int min, max; /* argument counts after the subcommand */
	int (*run)(struct app *app, struct account *a, char *bare, int argc,
		   char **argv);
	bool text; /* one argument at most, the rest of the line as typed */
};

static int sub_roster_add(struct app *app, struct account *a, char *bare,
		      int argc, char **argv)
{
	if (xs_roster_set(app, a, bare, argc > 0 ? argv[0] : NULL,
			  argc > 1 ? argv[1] : NULL) < 0)
		return offline(app, a);
	xs_subscription(app, a, bare, "subscribe");
	app_say(app, LINE_INFO, "Adding %s and asking to see their presence",
		  bare);
	return 0;
}

static int sub_roster_remove(struct app *app, struct account *a, char *bare,
			 int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!roster_get(&a->roster, bare)) {
		app_say(app, LINE_ERROR, "%s is not in the roster", bare);
		return -1;
	}
	return xs_roster_remove(app, a, bare) < 0 ? offline(app, a) : 0;
}

static int sub_roster_rename(struct app *app, struct account *a, char *bare,
			 int argc, char **argv)
{
	(void)argc;
	if (!roster_get(&a->roster, bare)) {
		app_say(app, LINE_ERROR, "%s is not in the roster", bare);
		return -1;
	}
	return xs_roster_set(app, a, bare, argv[0], NULL) < 0 ? offline(app, a) : 0;
}

static int sub_roster_group(struct app *app, struct account *a, char *bare,
			int argc, char **argv)
{
	const char *group = argc > 0 ? argv[0] : "";

	if (!roster_get(&a->roster, bare)) {
		app_say(app, LINE_ERROR, "%s is not in the roster", bare);
		return -1;
	}
	/* no group, or "", moves the contact out of every group */
	if (strcmp(group, "\"\"") == 0)
		group = "";
	return xs_roster_set(app, a, bare, NULL, group) < 0 ? offline(app, a) : 0;
}

static const struct subcmd roster_subs[] = {
	{ "add", 0, 2, sub_roster_add, false },
	{ "remove", 0, 0, sub_roster_remove, false },
	{ "rename", 1, 1, sub_roster_rename, true },
	{ "group", 0, 1, sub_roster_group, true },
};

/* argv[0..2] are the command, the subcommand and the contact. After them,
 * a command whose table entry has words 3 has the rest of the line as
 * typed: kept whole for a subcommand that takes text, else split here. */
static int dispatch(struct app *app, const struct subcmd *subs, size_t n,
		    int argc, char **argv)
{
	struct account *a;
	char *bare, **words = NULL;
	size_t i;
	int r, nw = argc - 3;

	if (argc < 3)
		return CMD_USAGE;
	for (i = 0; i < n; i++)
		if (strcmp(subs[i].name, argv[1]) == 0)
			break;
	if (i == n)
		return CMD_USAGE;
	if (argc == 4 && !subs[i].text && cmd_find(argv[0])->words == 3 &&
	    (nw = cmd_split(argv[3], &words)) < 0) {
		app_say(app, LINE_ERROR, "Unclosed quote in: %s", argv[3]);
		return -1;
	}
	r = CMD_USAGE;
	if (nw >= subs[i].min && nw <= subs[i].max) {
		a = cmd_current_account(app);
		if (!a || !(bare = cmd_contact_arg(app, a, argv[2]))) {
			r = -1;
		} else {
			r = subs[i].run(app, a, bare, nw,
					words ? words : argv + 3);
			free(bare);
		}
	}
	if (words) {
		while (nw > 0)
			free(words[--nw]);
		free(words);
	}
	return r;
}

static int run_roster(struct app *app, int argc, char **argv)
{
	return dispatch(app, roster_subs, sizeof roster_subs / sizeof *roster_subs,
			argc, argv);
}

/* ---- /sub ---- */

static int sub_request(struct app *app, struct account *a, char *bare,
		       int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (xs_subscription(app, a, bare, "subscribe") < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "Asked %s to let you see their presence", bare);
	return 0;
}

static int sub_cancel(struct app *app, struct account *a, char *bare,
		      int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (xs_subscription(app, a, bare, "unsubscribe") < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "No longer following %s's presence", bare);
	return 0;
}

static int sub_allow(struct app *app, struct account *a, char *bare,
		     int argc, char **argv)
{
	(void)argc;
	(void)argv;
	account_sub_request_take(a, bare);
	if (xs_subscription(app, a, bare, "subscribed") < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "%s may now see your presence", bare);
	return 0;
}

static int sub_revoke(struct app *app, struct account *a, char *bare,
		      int argc, char **argv)
{
	(void)argc;
	(void)argv;
	account_sub_request_take(a, bare);
	if (xs_subscription(app, a, bare, "unsubscribed") < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "%s may no longer see your presence", bare);
	return 0;
}

static const struct subcmd sub_subs[] = {
	{ "request", 0, 0, sub_request, false },
	{ "cancel", 0, 0, sub_cancel, false },
	{ "allow", 0, 0, sub_allow, false },
	{ "revoke", 0, 0, sub_revoke, false },
};

static int run_sub(struct app *app, int argc, char **argv)
{
	return dispatch(app, sub_subs, sizeof sub_subs / sizeof *sub_subs, argc,
			argv);
}

/* /accept GATEWAY and /deny GATEWAY: every request waiting from a
 * gateway's contacts at once. Returns how many there were. */
static size_t answer_batch(struct app *app, struct account *a,
			   const char *gw, int allow)
{
	size_t i = 0, n = 0;

	while (i < a->nsub_requests) {
		const char *at = strchr(a->sub_requests[i], '@');
		char *bare;

		if (!at || strcmp(at + 1, gw) != 0) {
			i++;
			continue;
		}
		bare = xstrdup(a->sub_requests[i]);
		if (allow)
			xs_accept(app, a, bare);
		else
			sub_revoke(app, a, bare, 0, NULL);
		account_sub_request_take(a, bare);
		free(bare);
		n++;
	}
	return n;
}

static bool has_request(struct account *a, const char *bare)
{
	size_t i;

	for (i = 0; i < a->nsub_requests; i++)
		if (strcmp(a->sub_requests[i], bare) == 0)
			return true;
	return false;
}

/* /accept DOMAIN for a domain that is no gateway natter trusts: its
 * contacts' requests are named, to be answered one by one. Returns
 * whether there were any. */
static bool list_domain(struct app *app, struct account *a,
			const char *domain, int allow)
{
	char *list = NULL;
	size_t i, n = 0;

	for (i = 0; i < a->nsub_requests; i++) {
		const char *at = strchr(a->sub_requests[i], '@');
		char *t;

		if (!at || strcmp(at + 1, domain) != 0)
			continue;
		t = xasprintf("%s%s/%s %s", list ? list : "", list ? ", " : "",
			      allow ? "accept" : "deny", a->sub_requests[i]);
		free(list);
		list = t;
		n++;
	}
	if (n)
		app_say(app, LINE_ERROR,
			"%s is not a gateway (its service discovery does not say so): "
			"answer its %zu request%s one by one: %s",
			domain, n, n == 1 ? "" : "s", list);
	free(list);
	return n > 0;
}

/* /accept and /deny answer a pending request; without an argument, the
 * only pending one. */
static int answer(struct app *app, int argc, char **argv, int allow)
{
	struct account *a = cmd_current_account(app);
	char *bare;
	size_t n;
	int r;

	if (!a)
		return -1;
	if ((r = cmd_rooms_answer(app, a, argc, argv, allow)) != 1)
		return r;
	if (argc > 2)
		return CMD_USAGE;
	if (argc == 2 && !strchr(argv[1], '@') &&
	    account_is_gateway(a, argv[1]) &&
	    (n = answer_batch(app, a, argv[1], allow)) > 0) {
		app_say(app, LINE_OK, "%s %zu contact%s of %s", allow ? "Accepted" : "Refused",
			n, n == 1 ? "" : "s", argv[1]);
		return 0;
	}
	/* only a real gateway's contacts are answered as a batch */
	if (argc == 2 && !strchr(argv[1], '@') && !has_request(a, argv[1]) &&
	    list_domain(app, a, argv[1], allow))
		return -1;
	if (argc == 1) {
		if (a->nsub_requests != 1) {
			app_say(app, LINE_ERROR, a->nsub_requests ?
					   "Several requests are waiting: name one" :
					   "No subscription request is waiting");
			return -1;
		}
		bare = xstrdup(a->sub_requests[0]);
	} else if (!(bare = cmd_contact_arg(app, a, argv[1]))) {
		return -1;
	}
	r = allow ? sub_allow(app, a, bare, 0, NULL) :
		    sub_revoke(app, a, bare, 0, NULL);
	/* accepting someone new also puts them in the roster, both ways */
	if (r == 0 && allow && !roster_get(&a->roster, bare)) {
		xs_roster_set(app, a, bare, NULL, NULL);
		xs_subscription(app, a, bare, "subscribe");
	}
	free(bare);
	return r;
}

static int run_accept(struct app *app, int argc, char **argv)
{
	return answer(app, argc, argv, 1);
}

static int run_deny(struct app *app, int argc, char **argv)
{
	return answer(app, argc, argv, 0);
}

/* ---- /status ---- */

static int run_status(struct app *app, int argc, char **argv)
{
	static const char *const names[] = { "online", "chat", "away", "xa",
					     "dnd" };
	struct account *a;
	size_t i;

	if (argc < 2)
		return CMD_USAGE;
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(argv[1], names[i]) == 0)
			break;
	if (i == sizeof names / sizeof *names)
		return CMD_USAGE;
	a = cmd_current_account(app);
	if (!a)
		return -1;
	a->show = presence_show_parse(i == 0 ? NULL : names[i]);
	free(a->status_text);
	a->status_text = argc > 2 ? xstrdup(argv[2]) : NULL;
	if (xs_send_presence(app, a) < 0)
		app_say(app, LINE_INFO, "%s: status set; sent when connected",
			  a->conf->name);
	else
		app_say(app, LINE_OK, "%s: you are now %s%s%s", a->conf->name,
			  names[i], a->status_text ? ": " : "",
			  a->status_text ? a->status_text : "");
	return 0;
}

/* ---- /search, /history ---- */

struct found {
	struct app *app;
	struct account *acc;
	int n;
};

static int show_hit(const struct hist_msg *m, void *ud)
{
	struct found *f = ud;
	char when[32];
	time_t t = (time_t)(m->ts_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	app_hit_add(f->app, f->acc, m->peer, m->rowid, m->room);
	app_say(f->app, LINE_PLAIN, "  [%zu] %s %s %s <%s> %s",
		  f->app->nhits, when,
		  m->room ? "in room" : m->dir == HIST_OUT ? "to" : "from",
		  m->peer, m->nick ? m->nick : "?", m->body);
	f->n++;
	return 0;
}

static int run_search(struct app *app, int argc, char **argv)
{
	struct found f = { app, NULL, 0 };
	const char *text;
	size_t i;

	if (argc < 2)
		return CMD_USAGE;
	text = argv[1];
	app_hits_clear(app);
	app_say(app, LINE_INFO, "Searching history for \"%s\":", text);
	for (i = 0; i < app->naccounts; i++) {
		f.acc = app->accounts[i];
		if (f.acc->history &&
		    history_search(f.acc->history, text, SEARCH_LIMIT, show_hit,
				   &f) < 0)
			app_say(app, LINE_ERROR, "%s: search failed: %s",
				  f.acc->conf->name, history_error(f.acc->history));
	}
	app_say(app, LINE_INFO, "%d match%s (newest first; /jump N shows one in its conversation)",
		  f.n, f.n == 1 ? "" : "es");
	return 0;
}

/* A room's line: in the room's window, joining the room if it is not
 * open (its window loads the history). */
static int jump_room(struct app *app, const struct search_hit *h)
{
	if (!room_find(app, h->acc, h->peer) &&
	    xs_room_join(app, h->acc, h->peer, h->acc->nick, NULL) < 0) {
		app_say(app, LINE_ERROR,
			"That message is in room %s: connect (/connect %s) and /join %s to see it there",
			h->peer, h->acc->conf->name, h->peer);
		return -1;
	}
	if (room_jump(app, h->acc, h->peer, h->rowid) < 0)
		app_say(app, LINE_ERROR,
			"That message is too far back to show in the window; the /search line above holds its text");
	return 0;
}

static int run_jump(struct app *app, int argc, char **argv)
{
	struct search_hit *h;
	char *end;
	long n;

	if (argc != 2)
		return CMD_USAGE;
	n = strtol(argv[1], &end, 10);
	if (*end || n < 1 || (size_t)n > app->nhits) {
		app_say(app, LINE_ERROR, app->nhits ?
				   "No result %s: the last /search found %zu" :
				   "No result %s: /search first",
			  argv[1], app->nhits);
		return -1;
	}
	h = &app->hits[n - 1];
	if (h->room)
		return jump_room(app, h);
	if (conv_jump(app, h->acc, h->peer, h->rowid) < 0)
		app_say(app, LINE_ERROR,
			  "That message is too far back to show in the window; the /search line above holds its text");
	return 0;
}

static int run_history(struct app *app, int argc, char **argv)
{
	struct window *w = app->wins[app->cur_win];
	unsigned long n = 100;
	int got, r;

	if (argc > 2)
		return CMD_USAGE;
	/* no more than a window holds: the rest would fall off at once */
	if (argc == 2 &&
	    (r = cmd_number_arg(app, argv[1], "/history N", 1, CONV_LINES,
				&n)) < 0)
		return r;
	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM) {
		app_say(app, LINE_ERROR, "/history works in a conversation or room window");
		return -1;
	}
	got = conv_load_older(app, w, n);
	/* the local history ran out: the archive may have more */
	if (got == 0 && xs_archive_older(app, w) == 0)
		win_add(w, time(NULL), LINE_INFO,
			"Asking the archive for older messages");
	else if (got == 0)
		win_add(w, time(NULL), LINE_INFO, "No older messages");
	return 0;
}

static const char *const sub_words[] = {
	[SUB_NONE] = "none: neither sees the other",
	[SUB_TO] = "to: you see them, they do not see you",
	[SUB_FROM] = "from: they see you, you do not see them",
	[SUB_BOTH] = "both",
};

/* What a resource's presence said besides its status: idle since
 * (XEP-0319), the client its capabilities name (XEP-0115), a vCard
 * photo (XEP-0153). */
static void resource_extras(struct app *app, const struct resource *r)
{
	char len[64], when[32];
	time_t now = time(NULL), t;
	struct tm tm;

	if (r->idle_since_ms > 0) {
		t = (time_t)(r->idle_since_ms / 1000);
		if (!localtime_r(&t, &tm) ||
		    !strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm))
			snprintf(when, sizeof when, "?");
		app_say(app, LINE_PLAIN, "    idle for %s (since %s)",
			timefmt_duration(now > t ? (long long)(now - t) : 0,
					 len, sizeof len),
			when);
	}
	if (r->caps_node)
		app_say(app, LINE_PLAIN, "    client: %s", r->caps_node);
	if (r->avatar_hash && *r->avatar_hash)
		app_say(app, LINE_PLAIN,
			"    has an avatar (its presence names a vCard photo)");
}

/* What the contact published about itself (core/pep.h): its tune,
 * mood, activity and nickname. */
static void info_pep(struct app *app, struct account *a, const char *bare)
{
	const struct pep_user *u = pep_get(a, bare);
	int k;

	for (k = 0; u && k < PEP_NKINDS; k++) {
		char *t = feednotify_pep_line(u, k);

		if (t)
			app_say(app, LINE_PLAIN, "  %s", t);
		free(t);
	}
}

/* What natter knows of a roster item without asking anyone. */
static void info_known(struct app *app, struct roster_item *it,
		       const char *bare)
{
	size_t i;

	app_say(app, LINE_INFO, "%s <%s>", it->name ? it->name : bare, bare);
	app_say(app, LINE_PLAIN, "  subscription: %s%s", sub_words[it->sub],
		it->ask ? " (you asked to see them; waiting)" : "");
	for (i = 0; i < it->ngroups; i++)
		app_say(app, LINE_PLAIN, "  group: %s", it->groups[i]);
	if (it->nres == 0)
		app_say(app, LINE_PLAIN, "  offline%s%s", it->status ? ": " : "",
			it->status ? it->status : "");
	for (i = 0; i < it->nres; i++) {
		app_say(app, LINE_PLAIN, "  resource %s: %s, priority %d%s%s",
			it->res[i].name, presence_show_name(it->res[i].show),
			it->res[i].priority, it->res[i].status ? ": " : "",
			it->res[i].status ? it->res[i].status : "");
		resource_extras(app, &it->res[i]);
	}
}

static int ask_version(struct app *app, struct account *a, const char *jid);

/* /info [--version] JID|NAME: what natter knows, then what the contact
 * and its server answer (vCard, last activity, avatar), each in this
 * window as it comes; --version also asks each client's version. */
static int run_info(struct app *app, int argc, char **argv)
{
	struct account *a;
	struct roster_item *it;
	bool version = argc == 3 && strcmp(argv[1], "--version") == 0;
	const char *who = argv[argc - 1];
	char *bare;
	size_t i;

	if (argc != 2 && !version)
		return CMD_USAGE;
	a = cmd_current_account(app);
	if (!a || !(bare = cmd_contact_arg(app, a, who)))
		return -1;
	it = roster_get(&a->roster, bare);
	if (it)
		info_known(app, it, bare);
	else
		app_say(app, LINE_INFO, "%s is not in %s's roster", bare,
			a->conf->name);
	info_pep(app, a, bare);
	if (xs_info(app, a, bare, app->wins[app->cur_win]->id) < 0) {
		app_say(app, LINE_INFO,
			"  (%s is not connected: nothing more to ask)",
			a->conf->name);
		free(bare);
		return 0;
	}
	app_say(app, LINE_INFO,
		"Asking for %s's vCard, last activity, avatar and clients; "
		"answers follow here", bare);
	if (version && (!it || it->nres == 0))
		app_say(app, LINE_INFO,
			"  no client of %s is online to ask which software it runs",
			bare);
	else if (version)
		for (i = 0; i < it->nres; i++) {
			char *full = xasprintf("%s/%s", bare, it->res[i].name);

			ask_version(app, a, full);
			free(full);
		}
	else if (it && it->nres > 0)
		app_say(app, LINE_PLAIN,
			"  which software its clients run: /info --version %s",
			who);
	free(bare);
	return 0;
}

/* ---- /version ---- */

static int ask_version(struct app *app, struct account *a, const char *jid)
{
	if (xs_version(app, a, jid) < 0)
		return offline(app, a);
	app_say(app, LINE_INFO, "Asked %s which software it runs", jid);
	return 0;
}

/* A full JID is asked as it is; a contact (JID or name) through each of
 * its online resources, since each is a client of its own; a domain (a
 * server or service) as it is. A bare JID with no resource online has
 * nobody to answer: the server would reply in the account's name. */
static int run_version(struct app *app, int argc, char **argv)
{
	struct account *a;
	struct roster_item *it;
	struct jid j;
	char *bare;
	size_t i;
	int r = 0;

	if (argc != 2)
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	if (jid_parse(argv[1], &j) == 0 && j.resource) {
		jid_clear(&j);
		return ask_version(app, a, argv[1]);
	}
	jid_clear(&j);
	if (!(bare = cmd_contact_arg(app, a, argv[1])))
		return -1;
	it = roster_get(&a->roster, bare);
	if (it && it->nres > 0) {
		for (i = 0; i < it->nres && r == 0; i++) {
			char *full = xasprintf("%s/%s", bare, it->res[i].name);

			r = ask_version(app, a, full);
			free(full);
		}
	} else if (!strchr(bare, '@')) {
		r = ask_version(app, a, bare);
	} else {
		app_say(app, LINE_ERROR,
			"%s is offline, as far as natter knows: name one of its clients, e.g. /version %s/RESOURCE",
			bare, bare);
		r = -1;
	}
	free(bare);
	return r;
}

static int run_vcard(struct app *app, int argc, char **argv)
{
	struct account *a;

	(void)argv;
	if (argc != 1)
		return CMD_USAGE;
	if (!(a = cmd_current_account(app)))
		return -1;
	if (xs_vcard_open(app, a) < 0)
		return offline(app, a);
	return 0;
}

static int run_fold(struct app *app, int argc, char **argv)
{
	if (argc != 2)
		return CMD_USAGE;
	app_say(app, LINE_INFO, "Group %s %s", argv[1],
		  app_group_toggle(app, argv[1]) ? "folded" : "unfolded");
	return 0;
}

const struct cmd cmd_contacts[] = {
	{ "roster", "add|remove|rename|group JID [NAME|GROUP] [GROUP]",
	  "change the roster",
	  "  /roster add JID [NAME] [GROUP]  add a contact and ask to see them\n"
	  "  /roster remove JID              remove a contact\n"
	  "  /roster rename JID NAME         change the name shown\n"
	  "  /roster group JID [GROUP]       move to GROUP (none, or \"\": no group)\n"
	  "  For rename and group, the rest of the line is the name or group as\n"
	  "  typed; quote a NAME with spaces for add.",
	  "contacts", ARG_CONTACT, run_roster, 3 },
	{ "sub", "request|cancel|allow|revoke JID", "manage presence subscriptions",
	  "  request: ask to see their presence; cancel: stop seeing it;\n"
	  "  allow: let them see yours; revoke: stop letting them.",
	  "contacts", ARG_CONTACT, run_sub, 0 },
	{ "accept", "[JID|GATEWAY|ROOM]", "let someone who asked see your presence",
	  "  Without a JID, answers the only pending request. Someone not yet\n"
	  "  in your roster is added and asked in return. With a GATEWAY,\n"
	  "  accepts every request waiting from that gateway's contacts; a\n"
	  "  domain whose service discovery does not say \"gateway\" is no\n"
	  "  gateway, and its contacts are answered one by one. With a ROOM\n"
	  "  you were invited to, joins it (with the invitation's password).",
	  "contacts", ARG_CONTACT, run_accept, 0 },
	{ "deny", "[JID|GATEWAY|ROOM [REASON]]", "refuse a presence subscription request",
	  "  Without a JID, answers the only pending request. With a GATEWAY,\n"
	  "  refuses every request waiting from that gateway's contacts. With\n"
	  "  a ROOM you were invited to through the room, declines the\n"
	  "  invitation (REASON, the rest of the line, goes to the inviter).",
	  "contacts", ARG_CONTACT, run_deny, 2 },
	{ "info", "[--version] JID|NAME", "who is this: a contact's roster entry, vCard, last activity",
	  "  Lists each available resource with its presence, priority and\n"
	  "  status message, and what its presence said besides: how long it\n"
	  "  has been idle (XEP-0319), the client its capabilities name, a\n"
	  "  vCard photo; and what it published about itself (PEP, as\n"
	  "  pep_notify asks): its tune, mood, activity and nickname. Then\n"
	  "  asks, and shows here as the answers come: the contact's vCard\n"
	  "  (vCard4, else vcard-temp: name, nickname, e-mail, web page,\n"
	  "  birthday, organisation, note), its last\n"
	  "  activity (each online client's idle time; for a contact that is\n"
	  "  offline, how long ago it left), what each online client says\n"
	  "  it is (service discovery) and whether it published an avatar\n"
	  "  (pictures are not drawn). --version also asks each client\n"
	  "  which software it runs, as /version does.\n"
	  "  Example: /info --version bob@example.org",
	  "contacts", ARG_CONTACT, run_info, 0 },
	{ "vcard", "", "edit your own vCard in a dialog",
	  "  Opens a form with your vCard's fields, filled in from the\n"
	  "  server's copy: full name, nickname, e-mail, web page, birthday,\n"
	  "  organisation and a note about you. Saving publishes it (as a\n"
	  "  vCard4 where the server keeps one, else as vcard-temp); what\n"
	  "  natter does not edit (a photo, an address) is kept. Contacts\n"
	  "  see it with /info.",
	  "contacts", ARG_NONE, run_vcard, 0 },
	{ "version", "JID|NAME", "ask which software a contact's clients run",
	  "  Asks with XEP-0092 and shows the answer as one line, e.g.\n"
	  "  \"bob@example.org/laptop runs Gajim 1.8 on Linux\", or why there\n"
	  "  is none. A contact (its JID or name) is asked through each of its\n"
	  "  online resources, one line each; a full JID asks that client\n"
	  "  only; a domain asks that server or service.\n"
	  "  Example: /version bob@example.org",
	  "contacts", ARG_CONTACT, run_version, 0 },
	{ "fold", "GROUP", "fold or unfold a group of the roster pane",
	  "  A folded group shows only its name and how many contacts it hides.\n"
	  "  Example: /fold Work",
	  "contacts", ARG_NONE, run_fold, 1 },
	{ "status", "online|chat|away|xa|dnd [MESSAGE]", "set your presence",
	  "  Sets the current account's presence and status message.\n"
	  "  Example: /status away back at three",
	  "contacts", ARG_NONE, run_status, 2 },
	{ "search", "WORDS", "search the history of every conversation",
	  "  Lists up to 50 messages containing every word, newest first,\n"
	  "  rooms' lines among them (\"in room ROOM <nick>\").",
	  "history", ARG_NONE, run_search, 1 },
	{ "jump", "N", "show result N of the last /search in its conversation",
	  "  Opens the conversation, loads history back to the message and\n"
	  "  scrolls to it, highlighted. A room's line is shown in the room's\n"
	  "  window; a room not open is joined first.\n"
	  "  Example: /search invoice   then   /jump 2",
	  "history", ARG_NONE, run_jump, 0 },
	{ "history", "[N]", "load N older lines into this window (default 100)",
	  "  In a conversation or a room window; N is from 1 to 500, what a\n"
	  "  window holds. PageUp past the oldest line\n"
	  "  loads older history too. When the stored history of a\n"
	  "  conversation runs out, the server's archive (XEP-0313) is asked\n"
	  "  for older messages.",
	  "history", ARG_NONE, run_history, 0 },
	{ 0 }
};
