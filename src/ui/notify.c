/* notify: turning core events into the words the user reads.
 *
 * This is the only place that words connection states, errors and
 * certificate decisions; xmpp/ and core/ report codes. Reasons and stream
 * error conditions each have one table row.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/app.h"
#include "core/attention.h"
#include "core/blocklist.h"
#include "core/bookmark.h"
#include "core/conv.h"
#include "core/disco.h"
#include "core/invite.h"
#include "core/room.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/xmem.h"

static const char *const reason_words[] = {
	[REASON_NONE] = "",
	[REASON_USER] = "as asked",
	[REASON_NETWORK] = "connection lost",
	[REASON_UNREACHABLE] = "cannot reach the server",
	[REASON_TIMEOUT] = "login timed out",
	[REASON_STREAM_ERROR] = "the server closed the stream",
	[REASON_AUTH] = "the server rejected the user name or password",
	[REASON_CERT_UNKNOWN] = "certificate not trusted",
	[REASON_CERT_CHANGED] = "the server's certificate changed",
	[REASON_CONFLICT] = "another client logged in with the same resource",
	[REASON_NO_PASSWORD] = "no password",
	[REASON_HANDSHAKE] = "the server closed the connection during login",
	[REASON_NO_ANSWER] = "the server stopped answering",
	[REASON_INSECURE_LOGIN] = "refused to log in: auth = \"legacy\" sends "
				  "the password unprotected over a connection "
				  "that is not encrypted (tls = \"disable\")",
	[REASON_NO_LOGIN] = "the server offers no login method natter may use "
			    "here (no SASL; the old jabber:iq:auth login "
			    "needs auth = \"legacy\" or \"auto\" and an "
			    "encrypted connection)",
	[REASON_LEGACY_NO_TLS] = "refused to log in with the old jabber:iq:auth "
				 "method: the connection is not encrypted (the "
				 "server offers no TLS)",
};

struct condition_words {
	const char *condition;
	const char *words;
};

/* Stream error conditions (RFC 6120 4.9.3) a user may actually meet. */
static const struct condition_words stream_words[] = {
	{ "system-shutdown", "the server is shutting down" },
	{ "connection-timeout", "the server timed the connection out" },
	{ "host-gone", "the server no longer serves this domain" },
	{ "host-unknown", "the server does not serve this domain" },
	{ "policy-violation", "the server says a policy was violated" },
	{ "resource-constraint", "the server is out of resources" },
	{ "internal-server-error", "the server had an internal error" },
	{ "see-other-host", "the server redirected to another host" },
	{ "reset", "the server reset the stream" },
};

static const char *stream_condition_words(const char *cond)
{
	size_t i;

	for (i = 0; i < sizeof stream_words / sizeof *stream_words; i++)
		if (strcmp(stream_words[i].condition, cond) == 0)
			return stream_words[i].words;
	return NULL;
}

static void why(const struct account *a, char *buf, size_t n)
{
	const char *w = reason_words[a->reason];

	if (a->reason == REASON_STREAM_ERROR && a->reason_text) {
		const char *cw = stream_condition_words(a->reason_text);

		if (cw)
			snprintf(buf, n, "%s", cw);
		else
			snprintf(buf, n, "stream error: %s", a->reason_text);
	} else if (a->reason_text) {
		snprintf(buf, n, "%s: %s", w, a->reason_text);
	} else {
		snprintf(buf, n, "%s", w);
	}
}

static void state_changed(struct app *app, const struct event *ev)
{
	struct account *a = ev->acc;

	const char *name = a->conf->name;
	char reason[256];

	why(a, reason, sizeof reason);
	switch (a->state) {
	case ACC_CONNECTING:
		app_print(app, LINE_INFO, "%s: connecting as %s (%s)", name,
			  a->bare_jid,
			  a->conf->server ? a->conf->server : a->domain);
		/* said at every connect: trust is meant for tests, and must
		 * not become a quiet habit */
		if (a->conf->tls == TLS_TRUST)
			app_print(app, LINE_WARN,
				  "%s: tls = \"trust\": the server's certificate is "
				  "neither verified nor pinned; anyone on the way can "
				  "read and change this connection", name);
		break;
	case ACC_ONLINE:
		app_print(app, LINE_OK, "%s: connected as %s", name,
			  a->bound_jid ? a->bound_jid : a->bare_jid);
		break;
	case ACC_WAITING:
		app_print(app, LINE_WARN,
			  "%s: disconnected (%s); reconnecting in %.1f s", name,
			  reason, (double)a->retry_in_ms / 1000.0);
		break;
	case ACC_OFFLINE:
		app_print(app, LINE_INFO, "%s: disconnected", name);
		break;
	case ACC_FAILED:
		if (a->reason == REASON_AUTH)
			app_print(app, LINE_ERROR,
				  "%s: login failed: %s. Not retrying: fix the password in %s, then /connect %s",
				  name, reason, app->cfg.path, name);
		else if (a->reason == REASON_CERT_UNKNOWN ||
			 a->reason == REASON_CERT_CHANGED)
			app_print(app, LINE_ERROR,
				  "%s: not connected: %s (details above)", name,
				  reason);
		else
			app_print(app, LINE_ERROR,
				  "%s: not connected: %s. /connect %s to try again",
				  name, reason, name);
		break;
	}
}

static void cert_details(struct app *app, const struct cert_info *c)
{
	app_print(app, LINE_PLAIN, "  Subject: %s", c->subject);
	app_print(app, LINE_PLAIN, "  Issuer:  %s", c->issuer);
	app_print(app, LINE_PLAIN, "  Valid:   from %s until %s", c->not_before,
		  c->not_after);
}

static void cert_untrusted(struct app *app, const struct event *ev)
{
	struct account *a = ev->acc;

	const struct cert_info *c = a->cert;

	app_print(app, LINE_ERROR, "%s: certificate not trusted for %s: %s",
		  a->conf->name, c->pin_name ? c->pin_name : a->domain,
		  c->error);
	cert_details(app, c);
	app_print(app, LINE_PLAIN, "  SHA-256: %s", c->fingerprint);
	app_print(app, LINE_WARN,
		  "Check the fingerprint with your server's administrator; if it matches, type /trust %s",
		  a->conf->name);
}

static void cert_changed(struct app *app, const struct event *ev)
{
	struct account *a = ev->acc;

	const struct cert_info *c = a->cert;

	app_print(app, LINE_ERROR,
		  "%s: CERTIFICATE CHANGED for %s: refusing to connect",
		  a->conf->name, c->pin_name ? c->pin_name : a->domain);
	app_print(app, LINE_PLAIN, "  pinned SHA-256:  %s", c->pinned);
	app_print(app, LINE_PLAIN, "  offered SHA-256: %s", c->fingerprint);
	cert_details(app, c);
	app_print(app, LINE_WARN,
		  "This may be an attack. Only if the administrator confirms the new fingerprint, type /trust %s",
		  a->conf->name);
}

/* Stanza error conditions (RFC 6120 8.3.3) in plain words. */
static const struct condition_words stanza_words[] = {
	{ "item-not-found", "no such user" },
	{ "service-unavailable", "the recipient cannot receive it" },
	{ "recipient-unavailable", "the recipient is not available" },
	{ "remote-server-not-found", "their server cannot be found" },
	{ "remote-server-timeout", "their server does not answer" },
	{ "forbidden", "you are not allowed to" },
	{ "not-allowed", "this is not allowed" },
	{ "not-acceptable", "the server refused it" },
	{ "policy-violation", "the server's policy refused it" },
	{ "resource-constraint", "the server is too busy" },
	{ "not-authorized", "you are not authorized" },
	{ "jid-malformed", "the address is malformed" },
	{ "bad-request", "the request was malformed" },
	{ "feature-not-implemented", "the recipient does not support this" },
	{ "internal-server-error", "the server had an internal error" },
	{ "gone", "the recipient moved away" },
	{ "redirect", "the recipient moved" },
	{ "registration-required", "you must register first" },
	{ "subscription-required", "you must subscribe first" },
	{ "conflict", "it conflicts with something that exists" },
	{ "undefined-condition", "an unspecified error" },
	{ "unexpected-request", "the request came at the wrong moment" },
	/* XEP-0050's own conditions, for command steps */
	{ "bad-action", "that action is not possible at this step" },
	{ "bad-locale", "the language asked for is not supported" },
	{ "bad-payload", "the form sent does not fit this step" },
	{ "bad-sessionid", "the command's session is unknown" },
	{ "malformed-action", "the action is not one XEP-0050 knows" },
	{ "session-expired", "the command's session expired" },
};

const char *ui_condition_words(const char *cond)
{
	size_t i;

	for (i = 0; cond && i < sizeof stanza_words / sizeof *stanza_words; i++)
		if (strcmp(stanza_words[i].condition, cond) == 0)
			return stanza_words[i].words;
	return cond ? cond : "an unspecified error";
}

/* Strangers of one domain wrote too much: said once per minute, where
 * their messages go (the strangers window, else the console). */
static void strangers_limit(struct app *app, const struct event *ev)
{
	const struct ev_strangers_limit *e = &ev->strangers_limit;
	struct window *w = app_window_find(app, ev->acc, WIN_STRANGERS, NULL);
	char *line = xasprintf(
		"Strangers at %s sent more than %u messages this minute: "
		"dropping the rest until the minute is over",
		e->domain, e->limit);

	win_add(w ? w : app_console(app), time(NULL), LINE_WARN, line);
	free(line);
	app->dirty = true;
}

static void message_error(struct app *app, const struct event *ev)
{
	const struct ev_message_error *e = &ev->message_error;
	struct window *w = conv_find(app, ev->acc, e->jid);
	char *line = xasprintf("Message to %s failed: %s%s%s", e->jid,
			       ui_condition_words(e->cond),
			       e->text ? " (" : "", e->text ? e->text : "");

	if (e->text) {
		char *t = xasprintf("%s)", line);

		free(line);
		line = t;
	}
	win_add(w ? w : app_console(app), time(NULL), LINE_ERROR, line);
	free(line);
}

/* A contact's availability changed: say so in its conversation. */
static void presence_line(struct app *app, const struct event *ev)
{
	struct window *w;
	struct roster_item *it;
	char *line;

	if (!ev->presence.jid || !ev->presence.changed)
		return;
	w = conv_find(app, ev->acc, ev->presence.jid);
	it = roster_get(&ev->acc->roster, ev->presence.jid);
	if (!w || !it)
		return;
	line = xasprintf("%s is now %s%s%s", w->name,
			 presence_show_name(it->best), it->status ? ": " : "",
			 it->status ? it->status : "");
	win_add(w, time(NULL), LINE_INFO, line);
	free(line);
}

static void roster_changed(struct app *app, const struct event *ev)
{
	const struct ev_roster_changed *e = &ev->roster_changed;
	struct roster_item *it = roster_get(&ev->acc->roster, e->jid);

	if (e->removed)
		app_print(app, LINE_INFO, "%s: %s removed from the roster",
			  ev->acc->conf->name, e->jid);
	else
		app_print(app, LINE_INFO, "%s: roster: %s (subscription %s)",
			  ev->acc->conf->name, e->jid,
			  roster_sub_name(it ? it->sub : SUB_NONE));
}

/* ": the server's words" or "", for appending. */
static char *detail(const char *words)
{
	return words ? xasprintf(": %s", words) : xstrdup("");
}

/* jids[0] nicks[0], jids[1], ...: ", " between them, a nick (when
 * nicks and the entry are not NULL) after its JID. */
static char *jid_list(size_t n, const char *const *jids,
		      const char *const *nicks)
{
	char *list = xstrdup("");
	size_t i;

	for (i = 0; i < n; i++) {
		const char *nick = nicks ? nicks[i] : NULL;
		char *t = xasprintf("%s%s%s%s%s", list, i ? ", " : "", jids[i],
				    nick ? " " : "", nick ? nick : "");

		free(list);
		list = t;
	}
	return list;
}

/* Most gateway news goes to the console; the answers to /gateway and
 * /transport go where the command was typed (app_say), like the line
 * that said the question was sent. */
static void gateway_event(struct app *app, const struct event *ev)
{
	const char *acc = ev->acc->conf->name;
	char *d, *list;

	switch (ev->type) {
	case EV_GATEWAY_REGISTERED: {
		const char *j = ev->gateway_registered.gateway;

		if (ev->gateway_registered.update)
			app_print(app, LINE_OK,
				  "%s: your registration with %s was changed",
				  acc, j);
		else if (disco_verdict_get(ev->acc, j) == DISCO_NOT_GATEWAY)
			app_print(app, LINE_OK,
				  "%s: registered with %s (no gateway: its requests are yours to answer)",
				  acc, j);
		else
			app_print(app, LINE_OK,
				  "%s: registered with %s; it will ask to see your presence, and natter will accept and subscribe back",
				  acc, j);
		break;
	}
	case EV_GATEWAY_LEFT: {
		const struct ev_gateway_left *e = &ev->gateway_left;

		app_print(app, LINE_OK,
			  "%s: left %s%s; removed it and %zu of its contacts from the roster",
			  acc, e->gateway,
			  e->not_registered ? " (you were not registered)" : "",
			  e->removed);
		break;
	}
	case EV_GATEWAY_CONTACTS_ASK: {
		const struct ev_gateway_contacts_ask *e =
			&ev->gateway_contacts_ask;

		list = jid_list(e->n, e->jids, e->nicks);
		app_print(app, LINE_WARN,
			  "%s: %s asks you to add its contacts: %s. /accept %s adds them all, /deny %s refuses them all",
			  acc, e->gateway, list, e->gateway, e->gateway);
		free(list);
		break;
	}
	case EV_GATEWAY_CONTACT_ADDED:
		app_print(app, LINE_INFO, "%s: added %s (gateway contact)", acc,
			  ev->gateway_contact_added.jid);
		break;
	case EV_GATEWAY_LOGIN_FAILED: {
		const struct ev_gateway_login_failed *e =
			&ev->gateway_login_failed;

		d = detail(e->detail);
		app_print(app, LINE_ERROR, "%s: %s could not log you in: %s%s",
			  acc, e->gateway, ui_condition_words(e->cond), d);
		free(d);
		break;
	}
	case EV_ROSTERX_REFUSED: {
		const struct ev_rosterx_refused *e = &ev->rosterx_refused;

		list = jid_list(e->n, e->jids, NULL);
		app_print(app, LINE_WARN,
			  "%s: ignored roster suggestions from %s outside its own domain: %s",
			  acc, e->from, list);
		free(list);
		break;
	}
	case EV_ROSTERX_OFFERED:
		app_print(app, LINE_INFO,
			  "%s: %s suggests roster changes: see the window \"roster from %s\"",
			  acc, ev->rosterx_offered.from, ev->rosterx_offered.from);
		break;
	case EV_GATEWAY_PROMPT:
		app_say(app, LINE_INFO, "%s: %s asks for: %s", acc,
			ev->gateway_prompt.gateway, ev->gateway_prompt.prompt);
		break;
	case EV_GATEWAY_ID: {
		const struct ev_gateway_id *e = &ev->gateway_id;
		const char *j = e->gateway;

		d = detail(e->detail);
		if (e->contact)
			app_say(app, LINE_OK,
				"%s: %s is %s; added it and asked to see its presence",
				acc, e->legacy_id, e->contact);
		else if (e->unsupported)
			app_say(app, LINE_WARN,
				"%s: %s cannot translate IDs (%s). Write the address by hand: the ID with @ written as \\40 (XEP-0106), then @%s, e.g. /roster add %s@%s",
				acc, j, ui_condition_words(e->cond), j,
				e->legacy_id, j);
		else
			app_say(app, LINE_ERROR, "%s: %s did not accept %s%s%s",
				acc, j, e->legacy_id, e->detail ? "" : ": ",
				e->detail ? d : ui_condition_words(e->cond));
		free(d);
		break;
	}
	case EV_GATEWAY_PRESENCE_SENT:
		app_say(app, LINE_INFO, "%s: %s %s", acc,
			ev->gateway_presence_sent.online ? "logging on to" :
							   "logging off",
			ev->gateway_presence_sent.gateway);
		break;
	case EV_GATEWAY_SUBSCRIBED:
		app_print(app, LINE_INFO,
			  "%s: %s asked to see your presence: accepted, and subscribed back",
			  acc, ev->gateway_subscribed.gateway);
		break;
	default:
		break;
	}
}

/* Answers about the account itself and about ad-hoc commands. */
static void account_event(struct app *app, const struct event *ev)
{
	const char *acc = ev->acc->conf->name;
	char *d;

	switch (ev->type) {
	case EV_PASSWORD:
		if (!ev->password.cond) {
			app_print(app, LINE_OK,
				  "%s: password changed; update natterrc before you reconnect",
				  acc);
			break;
		}
		d = detail(ev->password.detail);
		app_print(app, LINE_ERROR, "%s: password not changed: %s%s", acc,
			  ui_condition_words(ev->password.cond), d);
		free(d);
		break;
	case EV_ACCOUNT_CREATED: {
		const struct ev_account_created *e = &ev->account_created;

		app_print(app, LINE_OK, "%s: account %s created", acc, e->jid);
		if (e->gaps & ACCOUNT_GAP_OTHER_JID)
			app_print(app, LINE_WARN,
				  "%s: natterrc names another address: set jid = \"%s\" in account \"%s\" to use it",
				  acc, e->jid, acc);
		if (e->gaps & ACCOUNT_GAP_PASSWORD)
			app_print(app, LINE_WARN,
				  "%s: the password you chose is not the one in natterrc: put it there (password or password_eval), then /connect %s",
				  acc, acc);
		else if (!(e->gaps & ACCOUNT_GAP_OTHER_JID))
			app_print(app, LINE_INFO, "%s: logging in", acc);
		break;
	}
	case EV_COMMAND_DONE:
		app_print(app, LINE_OK, "%s: command %s on %s completed", acc,
			  ev->command_done.command ? ev->command_done.command : "",
			  ev->command_done.jid);
		break;
	default:
		break;
	}
}

/* Bookmarks: a change is told in the room's window when the user looks
 * at it (where /bookmark was typed), else on the console. */
static void bookmark_line(struct app *app, const struct event *ev)
{
	const struct ev_bookmark_changed *c = &ev->bookmark_changed;
	const struct ev_bookmark_error *e = &ev->bookmark_error;
	const char *room = ev->type == EV_BOOKMARK_ERROR ? e->jid : c->jid;
	const struct bookmark *b = bookmarks_find(&ev->acc->bookmarks, room);
	struct window *w = room_find(app, ev->acc, room);
	enum line_kind kind = LINE_OK;
	char *line;

	if (ev->type == EV_BOOKMARK_ERROR) {
		kind = LINE_ERROR;
		line = xasprintf("The bookmark of %s was not %s: %s%s%s", room,
				 e->removing ? "removed" : "saved",
				 ui_condition_words(e->cond),
				 e->text ? ": " : "", e->text ? e->text : "");
	} else if (c->removed || !b) {
		line = xasprintf("Bookmark removed: %s", room);
	} else {
		line = xasprintf("Bookmarked %s%s%s%s%s%s", room,
				 b->name ? " as \"" : "",
				 b->name ? b->name : "", b->name ? "\"" : "",
				 b->nick ? ", nick " : "", b->nick ? b->nick : "");
		if (b->autojoin) {
			char *t = xasprintf("%s (joined at login)", line);

			free(line);
			line = t;
		}
	}
	if (w && w == app->wins[app->cur_win])
		win_add(w, time(NULL), kind, line);
	else
		app_print(app, kind, "%s: %s", ev->acc->conf->name, line);
	free(line);
}

/* Rooms: staying in. Joining a room again, and being in again, in its
 * window (which keeps its lines). */
static void room_rejoin_line(struct app *app, const struct event *ev)
{
	static const char *const why[] = {
		[ROOM_REJOIN_RECONNECT] = "the connection came back",
		[ROOM_REJOIN_PING] = "the room no longer had you",
		[ROOM_REJOIN_SHUTDOWN] = "the room is restarting",
	};
	const struct ev_room_rejoin *e = &ev->room_rejoin;
	struct window *w = room_find(app, ev->acc, e->room);
	char *line;

	if (!w)
		return;
	if (ev->type == EV_ROOM_REJOINED)
		line = xasprintf("Rejoined %s as %s (%zu here)", e->room,
				 e->nick, e->here);
	else
		line = xasprintf("Joining %s again: %s%s%s%s", e->room,
				 why[e->why], e->cond ? " (" : "",
				 e->cond ? ui_condition_words(e->cond) : "",
				 e->cond ? ")" : "");
	win_add(w, time(NULL), LINE_INFO, line);
	free(line);
}

/* An answer to /version, where the user is (like the line that said the
 * question was sent): one line, whatever the reply held. */
static void version_answer(struct app *app, const struct event *ev)
{
	const struct ev_version *e = &ev->version;
	const struct version_info *v = e->info;
	const char *why;

	if (v) {
		app_say(app, LINE_INFO, "%s runs %s%s%s%s%s", e->jid,
			v->name ? v->name : "software without a name",
			v->version ? " " : "", v->version ? v->version : "",
			v->os ? " on " : "", v->os ? v->os : "");
		return;
	}
	if (e->timed_out) {
		app_say(app, LINE_ERROR, "%s did not answer /version in time",
			e->jid);
		return;
	}
	/* "the recipient cannot receive it" would mislead here */
	if (strcmp(e->cond, "service-unavailable") == 0 ||
	    strcmp(e->cond, "feature-not-implemented") == 0)
		why = "it does not answer version requests";
	else
		why = ui_condition_words(e->cond);
	app_say(app, LINE_ERROR, "%s did not say which software it runs: %s%s%s",
		e->jid, why, e->detail ? ": " : "",
		e->detail ? e->detail : "");
}

void ui_take_line(struct app *app, struct window *w, enum line_kind kind,
		  char *text)
{
	win_add(w, time(NULL), kind, text);
	free(text);
	app->dirty = true;
}

void notify_cmd_failed(struct app *app, const char *option,
		       const struct ev_notify_failed *e, int limit_ms)
{
	int st = e->status;
	char *why;

	if (e->error)
		why = xasprintf("cannot be started: %s", strerror(e->error));
	else if (e->timed_out)
		why = xasprintf("was stopped after %d s", limit_ms / 1000);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		why = xstrdup("was not found or cannot be run (exit status 127)");
	else if (WIFEXITED(st))
		why = xasprintf("failed with exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		why = xasprintf("was killed by signal %d", WTERMSIG(st));
	else
		why = xstrdup("failed");
	app_print(app, LINE_ERROR,
		  "%s %s %s; natter says so again only after it has worked",
		  option, e->program, why);
	free(why);
}

/* notify_cmd did not do its job; said once until it works again. */
static void notify_failed(struct app *app, const struct event *ev)
{
	notify_cmd_failed(app, "notify_cmd", &ev->notify_failed,
			  ATTN_CMD_LIMIT_MS);
}

/* ---- rooms: moderation, invitations, private messages ---- */

/* What an admin request does, for "Could not VERB" (past: for "You
 * VERBED"). The caller frees it. */
static char *admin_verb(const struct ev_room_admin *e, bool past)
{
	switch (e->op) {
	case ROOM_KICK:
		return xasprintf("%s %s", past ? "kicked" : "kick", e->target);
	case ROOM_BAN:
		return xasprintf("%s %s", past ? "banned" : "ban", e->target);
	case ROOM_SET_ROLE:
		return xasprintf("%s %s a %s", past ? "made" : "make",
				 e->target, e->value);
	case ROOM_SET_AFFIL:
		break;
	case ROOM_MODERATE:
		return xasprintf("%s %s's last message",
				 past ? "retracted" : "retract", e->target);
	}
	if (strcmp(e->value, "none") == 0)
		return xasprintf("%s %s's affiliation away (none)",
				 past ? "took" : "take", e->target);
	return xasprintf("%s %s %s %s", past ? "made" : "make", e->target,
			 strcmp(e->value, "admin") == 0 ||
					 strcmp(e->value, "owner") == 0 ||
					 strcmp(e->value, "outcast") == 0 ?
				 "an" : "a",
			 e->value);
}

/* A room's refusal of a moderation request, in words. */
static const char *admin_condition_words(const char *cond)
{
	if (strcmp(cond, "forbidden") == 0)
		return "you are not allowed to (your role or affiliation in "
		       "the room is not enough)";
	if (strcmp(cond, "not-allowed") == 0)
		return "you are not allowed to (the room does not allow it to "
		       "you)";
	if (strcmp(cond, "conflict") == 0)
		return "the room refused: it would leave the room without an "
		       "owner, or conflicts with someone's affiliation";
	if (strcmp(cond, "item-not-found") == 0)
		return "no such occupant in the room";
	if (strcmp(cond, "remote-server-timeout") == 0)
		return "the room did not answer";
	return ui_condition_words(cond);
}

static void room_admin_line(struct app *app, const struct event *ev)
{
	const struct ev_room_admin *e = &ev->room_admin;
	struct window *w = room_find(app, ev->acc, e->room);
	char *verb = admin_verb(e, !e->cond);
	char *line;

	if (!e->cond)
		line = xasprintf("You %s", verb);
	else
		line = xasprintf("Could not %s: %s%s%s", verb,
				 admin_condition_words(e->cond),
				 e->text ? ": " : "", e->text ? e->text : "");
	win_add(w ? w : app_console(app), time(NULL),
		e->cond ? LINE_ERROR : LINE_OK, line);
	free(line);
	free(verb);
	app->dirty = true;
}

static void room_invited_line(struct app *app, const struct event *ev)
{
	const struct ev_room_invited *e = &ev->room_invited;
	struct window *w = room_find(app, ev->acc, e->room);
	char *line = xasprintf(
		"Invited %s to %s %s", e->jid, e->room,
		e->direct ? "directly (their client takes XEP-0249 invitations)" :
			    "through the room (their client did not say it "
			    "takes direct invitations)");

	win_add(w ? w : app_console(app), time(NULL), LINE_OK, line);
	free(line);
	app->dirty = true;
}

/* An invitation for us: one console line, whoever sent it. */
static void room_invite_line(struct app *app, const struct event *ev)
{
	const struct ev_room_invite *e = &ev->room_invite;

	app_print(app, LINE_WARN,
		  "%s: %s%s invites you to %s%s%s%s%s%s%s. /accept %s to "
		  "join%s%s%s",
		  ev->acc->conf->name, e->from,
		  e->stranger ? " (not in your roster)" : "", e->room,
		  e->mediated ? " (through the room)" : "",
		  e->reason ? ": \"" : "", e->reason ? e->reason : "",
		  e->reason ? "\"" : "",
		  e->password ? ", password " : "",
		  e->password ? e->password : "", e->room,
		  e->mediated ? ", /deny " : "", e->mediated ? e->room : "",
		  e->mediated ? " to decline" : "");
	if (e->dropped)
		app_print(app, LINE_INFO,
			  "%s: the oldest pending invitation was forgotten "
			  "(at most %d are kept)", ev->acc->conf->name,
			  INVITE_MAX);
}

static void room_declined_line(struct app *app, const struct event *ev)
{
	const struct ev_room_declined *e = &ev->room_declined;
	struct window *w = room_find(app, ev->acc, e->room);
	char *line = xasprintf("%s declined your invitation to %s%s%s",
			       e->from, e->room, e->reason ? ": " : "",
			       e->reason ? e->reason : "");

	win_add(w ? w : app_console(app), time(NULL), LINE_INFO, line);
	free(line);
	app->dirty = true;
}

/* Why an occupant left, from the room's status codes: "" when plain. */
static const char *left_why(const struct room_presence *p)
{
	if (!p)
		return "";
	if (room_presence_has(p, 301))
		return " (banned)";
	if (room_presence_has(p, 307))
		return " (kicked)";
	if (room_presence_has(p, 321))
		return " (removed: no longer a member)";
	if (room_presence_has(p, 322))
		return " (removed: the room is now for members only)";
	if (room_presence_has(p, 332))
		return " (the room's service is shutting down)";
	if (room_presence_has(p, 333))
		return " (a technical problem at the room's service)";
	return "";
}

/* The occupant of a private window left, came back or changed nick. */
static void room_private_line(struct app *app, const struct event *ev)
{
	const struct ev_room_private *e = &ev->room_private;
	struct window *w = conv_find(app, ev->acc, e->jid);
	char *line;

	if (!w)
		return;
	switch (e->what) {
	case ROOM_PM_LEFT:
		line = xasprintf("%s left %s%s: what you write here goes to the "
				 "nick %s, whoever has it next",
				 e->nick, e->room, left_why(e->presence),
				 e->nick);
		break;
	case ROOM_PM_BACK:
		line = xasprintf("%s is in %s again", e->nick, e->room);
		break;
	case ROOM_PM_RENAMED:
		line = e->followed ?
			       xasprintf("%s is now known as %s: this window "
					 "follows them", e->nick, e->new_nick) :
			       xasprintf("%s is now known as %s, who has a "
					 "window of their own", e->nick,
					 e->new_nick);
		break;
	default:
		line = xasprintf("You left %s: %s cannot be reached through it "
				 "until you join again", e->room, e->nick);
		break;
	}
	win_add(w, time(NULL), LINE_INFO, line);
	free(line);
	app->dirty = true;
}

static void cert_pinned(struct app *app, const struct event *ev)
{
	if (ev->cert_pinned.error)
		app_print(app, LINE_ERROR, "%s: could not save the pin: %s",
			  ev->acc->conf->name, ev->cert_pinned.error);
	else
		app_print(app, LINE_OK, "%s: certificate %s pinned for %s",
			  ev->acc->conf->name, ev->cert_pinned.fingerprint,
			  ev->cert_pinned.name ? ev->cert_pinned.name :
						 ev->acc->domain);
}

static void roster_loaded_line(struct app *app, const struct event *ev)
{
	app_print(app, LINE_INFO, "%s: roster has %zu contact%s",
		  ev->acc->conf->name, ev->roster_loaded.count,
		  ev->roster_loaded.count == 1 ? "" : "s");
}

static void subscribe_asked(struct app *app, const struct event *ev)
{
	app_print(app, LINE_WARN,
		  "%s: %s asks to see your presence%s%s%s. /accept %s or /deny %s",
		  ev->acc->conf->name, ev->subscribe.jid,
		  ev->subscribe.note ? " (\"" : "",
		  ev->subscribe.note ? ev->subscribe.note : "",
		  ev->subscribe.note ? "\")" : "", ev->subscribe.jid,
		  ev->subscribe.jid);
}

static void history_error(struct app *app, const struct event *ev)
{
	const struct ev_history_error *e = &ev->history_error;

	if (e->lost > 0)
		app_print(app, LINE_ERROR,
			  "%s: %zu message%s could not be written to the "
			  "history: %s", ev->acc->conf->name, e->lost,
			  e->lost == 1 ? "" : "s", e->error);
	if (e->kept > 0)
		app_print(app, LINE_ERROR,
			  "%s: cannot write the history now (%s): %zu "
			  "message%s kept in memory, to be written when "
			  "it works again", ev->acc->conf->name, e->error,
			  e->kept, e->kept == 1 ? "" : "s");
	else if (e->lost == 0)
		app_print(app, LINE_ERROR, "%s: cannot write the history now: %s",
			  ev->acc->conf->name, e->error);
}

/* Short heads: the number and the time fit a narrow window. */
static void ping_answer(struct app *app, const struct event *ev)
{
	if (!ev->ping.cond)
		app_say(app, LINE_OK, "Ping %d: answer in %d ms from %s",
			ev->ping.seq, ev->ping.rtt_ms, ev->ping.jid);
	else
		app_say(app, LINE_ERROR, "Ping %d failed after %d ms: %s: %s%s%s",
			ev->ping.seq, ev->ping.rtt_ms, ev->ping.jid,
			ui_condition_words(ev->ping.cond),
			ev->ping.detail ? ": " : "",
			ev->ping.detail ? ev->ping.detail : "");
}

static void bookmarks_loaded_line(struct app *app, const struct event *ev)
{
	if (ev->bookmarks_loaded.count)
		app_print(app, LINE_INFO, "%s: %zu bookmarked room%s",
			  ev->acc->conf->name, ev->bookmarks_loaded.count,
			  ev->bookmarks_loaded.count == 1 ? "" : "s");
}

/* Blocking: the list fetched at login, a block or unblock (ours or
 * another client's), a refusal. A change is told on the console, and
 * also in the conversation it is about and, for someone not in the
 * roster, in the strangers window, when those are open: that is where
 * the user sees what the blocked one wrote. */
static void blocklist_loaded_line(struct app *app, const struct event *ev)
{
	size_t n = ev->blocklist_loaded.count;

	if (n)
		app_print(app, LINE_INFO, "%s: %zu blocked (/blocked lists %s)",
			  ev->acc->conf->name, n, n == 1 ? "it" : "them");
}

/* Whether the block list entry covers jid (the entry is jid, its bare
 * JID or its domain). */
static bool block_covers(const char *entry, const char *jid)
{
	struct blocklist one;
	bool covers;

	if (!jid)
		return false;
	blocklist_init(&one);
	blocklist_add(&one, entry);
	covers = blocklist_match(&one, jid) != NULL;
	blocklist_clear(&one);
	return covers;
}

static void blocked_line(struct app *app, const struct event *ev)
{
	static const char *const reported[] = {
		[REPORT_NONE] = "", [REPORT_SPAM] = " (reported as spam)",
		[REPORT_ABUSE] = " (reported as abuse)",
	};
	const struct ev_blocked *b = &ev->blocked;
	struct account *acc = ev->acc;
	struct window *w;
	char *line;

	if (!b->jid)
		line = xasprintf("Unblocked everyone (%zu %s)", b->was,
				 b->was == 1 ? "entry" : "entries");
	else if (!b->blocked)
		line = xasprintf("Unblocked %s%s", strchr(b->jid, '@') ?
							    "" : "the domain ",
				 b->jid);
	else
		line = xasprintf("Blocked %s%s%s", strchr(b->jid, '@') ?
							  "" : "everyone at ",
				 b->jid,
				 reported[b->report >= REPORT_NONE &&
						  b->report <= REPORT_ABUSE ?
						  b->report : REPORT_NONE]);
	app_print(app, LINE_INFO, "%s: %s", acc->conf->name, line);
	if (b->jid && (w = app_window_find(app, acc, WIN_CHAT, b->jid)))
		win_add(w, time(NULL), LINE_INFO, line);
	/* and where the user looks, when it is about that window's peer
	 * (a room blocked with its service's domain) */
	w = app->wins[app->cur_win];
	if (b->jid && w->acc == acc && w->kind != WIN_CHAT &&
	    w->kind != WIN_STRANGERS && block_covers(b->jid, w->jid))
		win_add(w, time(NULL), LINE_INFO, line);
	if ((!b->jid || !roster_get(&acc->roster, b->jid)) &&
	    (w = app_window_find(app, acc, WIN_STRANGERS, NULL)))
		win_add(w, time(NULL), LINE_INFO, line);
	app->dirty = true;
	free(line);
}

static void block_error_line(struct app *app, const struct event *ev)
{
	const struct ev_block_error *e = &ev->block_error;

	app_print(app, LINE_ERROR, "%s: %s %s: %s%s%s", ev->acc->conf->name,
		  e->unblocking ? "Could not unblock" : "Could not block",
		  e->jid ? e->jid : "everyone", ui_condition_words(e->cond),
		  e->text ? ": " : "", e->text ? e->text : "");
}

/* A message shows in its window; the roster pane is re-sorted only when
 * the message may show a contact it hides (rosterpane.c), not for each
 * message of a flood. */
static void message_pane(struct app *app, const struct event *ev)
{
	rpane_message(app, ev->acc, ev->message.jid);
}

/* The message archive (XEP-0313): a catch-up that fetched something or
 * stopped short, a scroll back the archive refused, /archive's answer. */
static void archive_sync_line(struct app *app, const struct event *ev)
{
	const struct ev_archive_sync *e = &ev->archive_sync;
	const char *acc = ev->acc->conf->name;
	struct window *w = e->older ? conv_find(app, ev->acc, e->jid) : NULL;

	/* a scroll back that found nothing: said in its window */
	if (w && !e->shown) {
		char *t = e->cond ? xasprintf("No older messages: the archive "
					      "says %s",
					      ui_condition_words(e->cond)) :
				    xstrdup("No older messages");

		win_add(w, time(NULL), LINE_INFO, t);
		free(t);
		app->dirty = true;
		return;
	}
	if (e->older)
		return;
	if (e->cond)
		app_print(app, LINE_WARN, "%s: archive catch-up stopped: %s", acc,
			  ui_condition_words(e->cond));
	else if (e->fetched)
		app_print(app, LINE_INFO,
			  "%s: caught up from the archive (%zu message%s)", acc,
			  e->fetched, e->fetched == 1 ? "" : "s");
}

static const char *const archive_default_words[][2] = {
	{ "always", "every message is archived" },
	{ "roster", "messages with contacts in your roster are archived" },
	{ "never", "messages are not archived" },
};

static void archive_prefs_line(struct app *app, const struct event *ev)
{
	const struct ev_archive_prefs *e = &ev->archive_prefs;
	const char *acc = ev->acc->conf->name, *words = "";
	size_t i;

	if (e->cond) {
		app_say(app, LINE_ERROR, "%s: archive preferences %s: %s", acc,
			e->set ? "not changed" : "unavailable",
			ui_condition_words(e->cond));
		return;
	}
	for (i = 0; e->dflt && i < sizeof archive_default_words /
						sizeof *archive_default_words;
	     i++)
		if (strcmp(e->dflt, archive_default_words[i][0]) == 0)
			words = archive_default_words[i][1];
	if (!e->dflt)
		app_say(app, LINE_OK, "%s: archive preferences changed", acc);
	else
		app_say(app, e->set ? LINE_OK : LINE_INFO,
			"%s: archive default%s %s: %s (always: %zu, never: %zu addresses)",
			acc, e->set ? " now" : "", e->dflt, words, e->always,
			e->never);
}

/* EV_DIAL: each way of reaching the server, and how it went. */
static const char *const dial_sources[] = {
	[DIAL_FROM_REMEMBERED] = ", worked last time",
	[DIAL_FROM_CONFIG] = ", the account's server",
	[DIAL_FROM_SRV_DIRECT] = " from SRV",
	[DIAL_FROM_SRV] = " from SRV",
	[DIAL_FROM_DOMAIN] = ", the domain's address",
};

static void dial_line(struct app *app, const struct event *ev)
{
	const struct ev_dial *d = &ev->dial;
	const char *name = ev->acc->conf->name;
	const char *tls = d->direct ? "direct TLS" : "STARTTLS";
	const char *src = dial_sources[d->source];
	bool v6 = d->ip && strchr(d->ip, ':');
	/* the name the address came from, when it is not the address */
	bool named = d->host && d->ip && strcmp(d->host, d->ip) != 0;
	const char *web_src = d->remembered ? "worked last time" :
					      "from host-meta";
	char where[300];

	if (d->ip)
		snprintf(where, sizeof where, "%s%s%s:%d", v6 ? "[" : "", d->ip,
			 v6 ? "]" : "", d->port);
	else
		snprintf(where, sizeof where, "%s:%d", d->host ? d->host : "?",
			 d->port);
	switch (d->what) {
	case DIAL_TRYING:
		app_print(app, LINE_INFO, "%s: trying %s (%s%s%s%s)\u2026", name,
			  where, tls, src, named ? ", " : "",
			  named ? d->host : "");
		break;
	case DIAL_FAILED:
		app_print(app, LINE_WARN, "%s: %s (%s%s) failed: %s%s", name,
			  where, tls, src, d->why,
			  d->more ? "" : "; no other address");
		break;
	case DIAL_NO_ADDRESS:
		app_print(app, LINE_WARN, "%s: %s (%s%s): cannot look up its "
			  "address: %s", name, d->host, tls, src, d->why);
		break;
	case DIAL_LOOKUP_FAILED:
		app_print(app, LINE_WARN, "%s: DNS lookup of %s failed: %s", name,
			  d->host, d->why);
		break;
	case DIAL_CONNECTED:
		app_print(app, LINE_INFO, "%s: connected to %s (%s%s)", name,
			  where, tls, src);
		break;
	case DIAL_WEB_FOUND:
		app_print(app, LINE_INFO, "%s: the domain publishes a %s endpoint, "
			  "%s", name, d->web_kind, d->url);
		break;
	case DIAL_WEB_TRYING:
		app_print(app, LINE_INFO, "%s: trying %s %s (%s)\u2026",
			  name, d->web_kind, d->url, web_src);
		break;
	case DIAL_WEB_FAILED:
		app_print(app, LINE_WARN, "%s: %s %s (%s) failed: %s%s",
			  name, d->web_kind, d->url, web_src, d->why,
			  d->remembered ? "; forgotten, trying the usual ways" :
					  "");
		break;
	case DIAL_WEB_CONNECTED:
		app_print(app, LINE_INFO, "%s: connected over %s %s (%s)", name,
			  d->web_kind, d->url, web_src);
		break;
	case DIAL_WEB_NONE:
		app_print(app, LINE_INFO, "%s: no usable host-meta (XEP-0156): %s",
			  name, d->why);
		break;
	case DIAL_EXHAUSTED:
		app_print(app, LINE_ERROR, "%s: every way to the server was tried, "
			  "none worked", name);
		break;
	case DIAL_LEGACY_AUTH:
		app_print(app, LINE_WARN, "%s: logged in with the old jabber:iq:auth "
			  "method (XEP-0078) using %s", name,
			  d->legacy_digest ? "a digest of the password" :
					     "the password itself, over TLS");
		break;
	case DIAL_FORGOTTEN:
		app_print(app, LINE_WARN, "%s: %s:%d (%s%s) is forgotten, trying "
			  "the usual ways", name, d->host, d->port, tls, src);
		break;
	case DIAL_LEGACY_REFUSED:
	case DIAL_NO_AUTH:
		break; /* the account's state says it */
	}
}

/* How each event is worded (NULL: nothing to say here; EV_ATTENTION is
 * ui/alert.c's, EV_MESSAGE shows in its window), and whether it changes
 * what the roster pane shows. One row per event type, so that a new
 * event adds a row and a function, not a case in a long switch. */
static const struct wording {
	void (*say)(struct app *app, const struct event *ev);
	bool roster;
} wordings[] = {
	[EV_ACCOUNT_STATE] = { state_changed, false },
	[EV_CERT_UNTRUSTED] = { cert_untrusted, false },
	[EV_CERT_CHANGED] = { cert_changed, false },
	[EV_CERT_PINNED] = { cert_pinned, false },
	[EV_ROSTER_LOADED] = { roster_loaded_line, true },
	[EV_ROSTER_CHANGED] = { roster_changed, true },
	[EV_PRESENCE] = { presence_line, true },
	[EV_SUBSCRIBE] = { subscribe_asked, false },
	[EV_MESSAGE] = { message_pane, false },
	[EV_ROSTER_VIEW] = { NULL, true },
	[EV_MESSAGE_ERROR] = { message_error, false },
	[EV_ROOM_ERROR] = { roomnotify_event, false },
	[EV_ROOM_SUBJECT] = { roomnotify_event, false },
	[EV_ROOM_OCCUPANT] = { roomnotify_event, false },
	[EV_ROOM_FOLD] = { roomnotify_event, false },
	[EV_ROOM_STATUS] = { roomnotify_event, false },
	[EV_ROOM_CONFIGURED] = { roomnotify_event, false },
	[EV_ROOM_REJOINING] = { room_rejoin_line, false },
	[EV_ROOM_REJOINED] = { room_rejoin_line, false },
	[EV_HISTORY_ERROR] = { history_error, false },
	[EV_GATEWAY_REGISTERED] = { gateway_event, true },
	[EV_GATEWAY_LEFT] = { gateway_event, true },
	[EV_GATEWAY_SUBSCRIBED] = { gateway_event, true },
	[EV_GATEWAY_CONTACTS_ASK] = { gateway_event, true },
	[EV_GATEWAY_CONTACT_ADDED] = { gateway_event, true },
	[EV_GATEWAY_LOGIN_FAILED] = { gateway_event, true },
	[EV_GATEWAY_PRESENCE_SENT] = { gateway_event, true },
	[EV_GATEWAY_PROMPT] = { gateway_event, true },
	[EV_GATEWAY_ID] = { gateway_event, true },
	[EV_ROSTERX_REFUSED] = { gateway_event, true },
	[EV_ROSTERX_OFFERED] = { gateway_event, true },
	[EV_PASSWORD] = { account_event, true },
	[EV_ACCOUNT_CREATED] = { account_event, true },
	[EV_COMMAND_DONE] = { account_event, true },
	[EV_VERSION] = { version_answer, false },
	[EV_PING] = { ping_answer, false },
	[EV_STRANGERS_LIMIT] = { strangers_limit, false },
	[EV_NOTIFY_FAILED] = { notify_failed, false },
	[EV_BOOKMARKS_LOADED] = { bookmarks_loaded_line, true },
	[EV_BOOKMARK_CHANGED] = { bookmark_line, true },
	[EV_BOOKMARK_ERROR] = { bookmark_line, true },
	[EV_ROOM_ADMIN] = { room_admin_line, false },
	[EV_ROOM_INVITED] = { room_invited_line, false },
	[EV_ROOM_INVITE] = { room_invite_line, false },
	[EV_ROOM_DECLINED] = { room_declined_line, false },
	[EV_ROOM_PRIVATE] = { room_private_line, false },
	[EV_TRANSFER] = { transfernotify_event, false },
	[EV_BLOCKLIST_LOADED] = { blocklist_loaded_line, true },
	[EV_BLOCKED] = { blocked_line, true },
	[EV_BLOCK_ERROR] = { block_error_line, false },
	[EV_VCARD] = { whois_event, false },
	[EV_LAST_ACTIVITY] = { whois_event, false },
	[EV_AVATAR] = { whois_event, false },
	[EV_VCARD_SAVED] = { whois_event, false },
	[EV_CLIENT_ID] = { whois_event, false },
	[EV_ARCHIVE_SYNC] = { archive_sync_line, false },
	[EV_ARCHIVE_PREFS] = { archive_prefs_line, false },
	[EV_SOUND_FAILED] = { soundnotify_event, false },
	[EV_PLAY] = { soundnotify_event, false },
	[EV_BUZZ] = { soundnotify_event, false },
	[EV_CALL] = { soundnotify_event, false },
	[EV_PICTURE] = { picview_event, false },
	[EV_PEP] = { feednotify_event, false },
	[EV_FEED] = { feednotify_event, false },
	[EV_DIAL] = { dial_line, false },
	[EV_FILE_OFFER] = { transfernotify_offer, false },
};

static void on_event(struct app *app, const struct event *ev, void *ud)
{
	const struct wording *w;

	(void)ud;
	if ((size_t)ev->type >= sizeof wordings / sizeof *wordings)
		return;
	w = &wordings[ev->type];
	if (w->say)
		w->say(app, ev);
	if (w->roster)
		rpane_mark_stale(app);
}

void ui_notify_init(struct app *app)
{
	event_subscribe(app, on_event, NULL);
}
