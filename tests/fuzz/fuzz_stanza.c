/* fuzz_stanza: stanzas from a hostile server or contact, through
 * libstrophe's parser, into natter's real handlers and core model.
 *
 * The input is the inside of a stream: it is wrapped in
 * <stream xmlns='jabber:client'>…</stream> and parsed by libstrophe
 * (xmpp_stanza_new_from_string, expat underneath), so each stanza gets
 * the namespaces a real stream would give it. Every input gets a fresh
 * struct app with one online account, built by conf_load(), app_init()
 * and xs_init() as main() does (options at their defaults, the
 * keepalive started as on a real login), with the UI's event wording
 * (ui_notify_init) attached; nothing touches the network.
 *
 * libstrophe only fires handlers for a connected, authenticated stream,
 * so the handlers natter registers are caught instead: the link
 * wraps xmpp_handler_add/xmpp_id_handler_add and their deletes
 * (-Wl,--wrap, see Makefile.am), and fire() matches each stanza against
 * them as libstrophe's handler_fire_stanza() does: id handlers first,
 * then every handler whose namespace, name and type match, a handler
 * returning 0 being removed. xmpp_send is wrapped too: what natter sends
 * is serialised (as libstrophe would) and the ids of its IQ requests are
 * remembered, so a stanza can answer them. connect() is wrapped to
 * refuse: streamhosts (XEP-0065) in the input are never reached.
 *
 * After the input, every string the model holds must be clean for the
 * terminal, every chat, room and strangers window must be found through
 * the window index, and a line has at most one delivery state
 * (check_model()).
 *
 * Elements of the stream other than stanzas drive the session:
 *   <ask what='roster|disco|transports|commands|command|register|
 *              unregister|gateway|password|join|leave|accept|msg|query|
 *              kick|ban|invite|decline|info|vcard|
 *              feed|unfeed|feeds|publish'
 *        jid='…' node='…'/>
 *        starts that request (or /query window) as the user would;
 *   <iq id='next' type='result|error' …/> answers the oldest request
 *        natter sent that is still unanswered (its id is filled in);
 *   <fill var='…'>text</fill>, <submit action='N'/>, <cancel/> act on
 *        the dialog of the current window;
 *   <close/> closes the current window as /close does (leaving a room,
 *        app_close_window()); <select n='N'/> makes window N current;
 *   <policy strangers='window|open|drop' courtesy='roster|all|none'
 *        rate='N' files='all|roster'/> sets the account's options of
 *        those names (files: file_offers_from_strangers; files
 *        accepted are saved in the fuzzer's temporary directory);
 *   <timeout/> ends every pending request as if it timed out;
 *   <tick ms='N'/> moves the loop's clock on by N ms (default a minute)
 *        and runs the timers that are due.
 * Everything else is dispatched as a stanza from the server.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/app.h"
#include "core/dialog.h"
#include "core/disco.h"
#include "core/presence.h"
#include "core/conv.h"
#include "core/pep.h"
#include "core/room.h"
#include "core/roomadmin.h"
#include "util/jid.h"
#include "util/utf8.h"
#include "ui/input.h"
#include "ui/ui.h"
#include "util/xmem.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"
#include "fuzz.h"

#define MAX_INPUT (64 * 1024)

void __real_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
			     const char *ns, const char *name,
			     const char *type, void *ud);
void __real_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
				const char *id, void *ud);
void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
			     const char *ns, const char *name,
			     const char *type, void *ud);
void __wrap_xmpp_handler_delete(xmpp_conn_t *conn, xmpp_handler fn);
void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
				const char *id, void *ud);
void __wrap_xmpp_id_handler_delete(xmpp_conn_t *conn, xmpp_handler fn,
				   const char *id);
void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);

struct handler {
	unsigned long serial; /* 0: a free slot */
	xmpp_conn_t *conn;
	xmpp_handler fn;
	char *id; /* an id handler when set */
	char *ns, *name, *type;
	void *ud;
};

static struct handler *handlers;
static size_t nhandlers, caphandlers;
static unsigned long next_serial = 1;

/* ids of the IQ get/set natter sent, oldest first */
static char **sent;
static size_t nsent, capsent;

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void handler_add(xmpp_conn_t *conn, xmpp_handler fn, const char *id,
			const char *ns, const char *name, const char *type,
			void *ud)
{
	struct handler *h;

	xgrow((void **)&handlers, &caphandlers, nhandlers + 1,
	      sizeof *handlers);
	h = &handlers[nhandlers++];
	h->serial = next_serial++;
	h->conn = conn;
	h->fn = fn;
	h->id = dup_or_null(id);
	h->ns = dup_or_null(ns);
	h->name = dup_or_null(name);
	h->type = dup_or_null(type);
	h->ud = ud;
}

static void handler_drop(size_t i)
{
	struct handler *h = &handlers[i];

	free(h->id);
	free(h->ns);
	free(h->name);
	free(h->type);
	handlers[i] = handlers[--nhandlers];
}

static void handlers_clear(void)
{
	while (nhandlers)
		handler_drop(nhandlers - 1);
}

void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
			     const char *ns, const char *name,
			     const char *type, void *ud)
{
	handler_add(conn, fn, NULL, ns, name, type, ud);
}

void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler fn,
				const char *id, void *ud)
{
	handler_add(conn, fn, id, NULL, NULL, NULL, ud);
}

void __wrap_xmpp_handler_delete(xmpp_conn_t *conn, xmpp_handler fn)
{
	size_t i = nhandlers;

	while (i-- > 0)
		if (handlers[i].conn == conn && handlers[i].fn == fn &&
		    !handlers[i].id)
			handler_drop(i);
}

void __wrap_xmpp_id_handler_delete(xmpp_conn_t *conn, xmpp_handler fn,
				   const char *id)
{
	size_t i = nhandlers;

	while (i-- > 0)
		if (handlers[i].conn == conn && handlers[i].fn == fn &&
		    handlers[i].id && strcmp(handlers[i].id, id) == 0)
			handler_drop(i);
}

/* A stanza may name any address as a SOCKS5 streamhost (XEP-0065):
 * the fuzzer connects nowhere, every connection is refused. */
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd;
	(void)addr;
	(void)len;
	errno = ECONNREFUSED;
	return -1;
}

void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *stanza)
{
	const char *name = xmpp_stanza_get_name(stanza);
	const char *type = xmpp_stanza_get_type(stanza);
	const char *id = xmpp_stanza_get_id(stanza);
	char *buf = NULL;
	size_t len;

	(void)conn;
	/* what libstrophe would write to the socket */
	if (xmpp_stanza_to_text(stanza, &buf, &len) == XMPP_EOK)
		xmpp_free(xmpp_stanza_get_context(stanza), buf);
	if (name && strcmp(name, "iq") == 0 && id && type &&
	    (strcmp(type, "get") == 0 || strcmp(type, "set") == 0)) {
		xgrow((void **)&sent, &capsent, nsent + 1, sizeof *sent);
		sent[nsent++] = xstrdup(id);
	}
}

static void sent_clear(void)
{
	while (nsent)
		free(sent[--nsent]);
}

/* The oldest request whose answer handler is still there, or NULL. */
static const char *oldest_request(void)
{
	size_t i, k;

	for (i = 0; i < nsent; i++)
		for (k = 0; k < nhandlers; k++)
			if (handlers[k].id && strcmp(handlers[k].id, sent[i]) == 0)
				return sent[i];
	return NULL;
}

static bool same(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

static int handler_index(unsigned long serial)
{
	size_t i;

	for (i = 0; i < nhandlers; i++)
		if (handlers[i].serial == serial)
			return (int)i;
	return -1;
}

/* Calls the handlers whose serials are listed, skipping those removed
 * by an earlier one; removes those that return 0. */
static void call_each(xmpp_conn_t *conn, xmpp_stanza_t *st,
		      const unsigned long *serials, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		int i = handler_index(serials[k]);

		if (i < 0)
			continue;
		if (handlers[i].fn(conn, st, handlers[i].ud) == 0 &&
		    (i = handler_index(serials[k])) >= 0)
			handler_drop((size_t)i);
	}
}

/* libstrophe's dispatch, on the handlers natter registered. Handlers
 * added while it runs wait for the next stanza, as in libstrophe. */
static void fire(xmpp_conn_t *conn, xmpp_stanza_t *st)
{
	const char *id = xmpp_stanza_get_id(st);
	const char *ns = xmpp_stanza_get_ns(st);
	const char *name = xmpp_stanza_get_name(st);
	const char *type = xmpp_stanza_get_type(st);
	unsigned long *serials = xcalloc(nhandlers + 1, sizeof *serials);
	size_t i, n = 0;

	for (i = 0; id && i < nhandlers; i++)
		if (handlers[i].conn == conn && handlers[i].id &&
		    strcmp(handlers[i].id, id) == 0)
			serials[n++] = handlers[i].serial;
	call_each(conn, st, serials, n);
	free(serials);
	serials = xcalloc(nhandlers + 1, sizeof *serials);
	n = 0;
	for (i = 0; i < nhandlers; i++) {
		struct handler *h = &handlers[i];

		if (h->conn != conn || h->id)
			continue;
		if ((!h->ns || same(h->ns, ns) ||
		     xmpp_stanza_get_child_by_ns(st, h->ns)) &&
		    same(h->name, name) && same(h->type, type))
			serials[n++] = h->serial;
	}
	call_each(conn, st, serials, n);
	free(serials);
}

static struct app app;

/* The loop's clock: <tick/> moves it on, so timers fire when the input
 * says (request timeouts, gateway batches). */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* One account, every other option at its default (conf_options[]). */
static const char natterrc[] =
	"account \"work\" {\n"
	"  jid = \"alice@example.org\"\n"
	"  password = \"secret\"\n"
	"  resource = \"natter\"\n"
	"  tls = \"required\"\n"
	"}\n";

static void app_start(void)
{
	static char *path;
	struct config cfg;
	struct account *a;
	char *err = NULL;

	if (!path) {
		FILE *f;

		path = xasprintf("%s/natterrc", fuzz_tmpdir());
		f = fopen(path, "w");
		/* a file holding a password must be private (conf.c) */
		if (!f || fchmod(fileno(f), 0600) < 0 ||
		    fputs(natterrc, f) < 0 ||
		    /* files offered and accepted go nowhere else */
		    fprintf(f, "download_dir = \"%s\"\n", fuzz_tmpdir()) < 0 ||
		    fclose(f) != 0)
			abort();
	}
	if (conf_load(path, true, &cfg, &err) < 0) {
		fprintf(stderr, "fuzz_stanza: %s\n", err ? err : "natterrc");
		abort();
	}
	app_init(&app, &cfg);
	fake_now = 1000000;
	loop_set_clock(app.loop, fake_clock);
	ui_notify_init(&app);
	if (xs_init(&app) < 0)
		abort();
	a = app.accounts[0];
	a->bound_jid = xstrdup("alice@example.org/natter");
	account_set_state(&app, a, ACC_ONLINE, REASON_NONE, NULL);
	keepalive_start(session_of(a));
}

/* DESIGN.md "Remote text": every string a remote party could have
 * put into the model is sanitised. Newlines are allowed here (they are
 * drawn as continuation lines); anything else is a failure. */
static void clean(const char *what, const char *s)
{
	char *copy, *p;

	if (!s)
		return;
	copy = xstrdup(s);
	for (p = copy; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (!utf8_is_clean(copy, strlen(copy))) {
		fprintf(stderr, "fuzz_stanza: %s not sanitised: \"%s\"\n", what,
			s);
		abort();
	}
	free(copy);
}

static void check_form(const struct form *f)
{
	size_t i, k;

	clean("form title", f->title);
	for (i = 0; i < f->ninstructions; i++)
		clean("form instructions", f->instructions[i]);
	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];

		clean("form var", fl->var);
		clean("form label", fl->label);
		clean("form desc", fl->desc);
		for (k = 0; k < fl->nvalues; k++)
			clean("form value", fl->values[k]);
		for (k = 0; k < fl->noptions; k++) {
			clean("form option label", fl->options[k].label);
			clean("form option value", fl->options[k].value);
		}
		for (k = 0; k < fl->nmedia; k++)
			clean("form media uri", fl->media[k].uri);
	}
}

static void check_dialog(const struct dialog *d)
{
	size_t i;

	clean("dialog jid", d->jid);
	clean("dialog node", d->node);
	clean("dialog heading", d->heading);
	clean("dialog url", d->url);
	clean("dialog error", d->error);
	clean("dialog condition", d->err_cond);
	check_form(&d->form);
	for (i = 0; i < d->nnotes; i++)
		clean("dialog note", d->notes[i].text);
	for (i = 0; i < d->nitems; i++) {
		clean("rosterx jid", d->items[i].jid);
		clean("rosterx name", d->items[i].name);
		clean("rosterx group", d->items[i].group);
	}
}

static void check_disco(const struct disco *d)
{
	size_t i, k;

	clean("disco error", d->error);
	for (i = 0; i < d->ntrail; i++) {
		clean("disco trail jid", d->trail[i].jid);
		clean("disco trail node", d->trail[i].node);
	}
	for (i = 0; i < d->nitems; i++) {
		const struct disco_item *it = &d->items[i];

		clean("disco item jid", it->jid);
		clean("disco item node", it->node);
		clean("disco item name", it->name);
		clean("disco item error", it->error);
		for (k = 0; k < it->nids; k++) {
			clean("disco category", it->ids[k].category);
			clean("disco type", it->ids[k].type);
			clean("disco identity name", it->ids[k].name);
		}
	}
}

/* A chat, room or strangers window is found through the index
 * (app_window_find), and only there: what a message to it looks up. */
static void check_index(struct window *w)
{
	struct window *found;

	if (w->kind != WIN_CHAT && w->kind != WIN_ROOM &&
	    w->kind != WIN_STRANGERS)
		return;
	found = app_window_find(&app, w->acc, w->kind,
				w->kind == WIN_STRANGERS ? NULL : w->jid);
	if (found != w) {
		fprintf(stderr, "fuzz_stanza: window \"%s\" (%s) not in the "
				"window index\n", w->name,
			w->jid ? w->jid : "no JID");
		abort();
	}
}

/* What contacts publish (core/pep.h): one clean line each. */
static void check_pep(void *value, void *ud)
{
	const struct pep_user *u = value;
	const char *const s[] = { u->tune_artist, u->tune_title,
				  u->tune_source, u->mood, u->mood_text,
				  u->activity, u->activity_detail,
				  u->activity_text, u->nick };
	size_t i;

	(void)ud;
	for (i = 0; i < sizeof s / sizeof *s; i++)
		if (s[i] && (strchr(s[i], '\n') ||
			     !utf8_is_clean(s[i], strlen(s[i])))) {
			fprintf(stderr, "fuzz_stanza: PEP text not one clean "
					"line: \"%s\"\n", s[i]);
			abort();
		}
}

static void check_model(void)
{
	struct account *a = app.accounts[0];
	size_t i, k;

	for (i = 0; i < app.nwins; i++) {
		struct window *w = app.wins[i];
		const struct line *l;

		check_index(w);
		clean("window name", w->name);
		clean("window jid", w->jid);
		clean("window resource", w->resource);
		for (k = 0; (l = win_line(w, k)); k++) {
			unsigned st = l->flags & LINE_DELIVERY;

			clean("line nick", l->nick);
			clean("line text", l->text);
			if (st & (st - 1)) {
				fprintf(stderr, "fuzz_stanza: a line with two "
						"delivery states: \"%s\"\n",
					l->text);
				abort();
			}
		}
		for (k = 0; w->room && k < w->room->nocc; k++) {
			const struct occupant *o = &w->room->occ[k];

			clean("occupant", o->nick);
			clean("occupant jid", o->jid);
			clean("occupant status", o->status);
			if (k > 0 && strcmp(w->room->occ[k - 1].nick,
					    o->nick) >= 0) {
				fprintf(stderr, "fuzz_stanza: occupants out "
						"of order\n");
				abort();
			}
		}
		if (w->room) {
			clean("room subject", w->room->subject);
			clean("room nick", w->room->nick);
			clean("room name", w->room->name);
		}
		if (w->dialog)
			check_dialog(w->dialog);
		if (w->disco)
			check_disco(w->disco);
	}
	for (i = 0; i < a->roster.n; i++) {
		const struct roster_item *it = &a->roster.items[i];

		clean("roster jid", it->jid);
		clean("roster name", it->name);
		clean("roster status", it->status);
		for (k = 0; k < it->ngroups; k++)
			clean("roster group", it->groups[k]);
		for (k = 0; k < it->nres; k++) {
			clean("resource", it->res[k].name);
			clean("resource status", it->res[k].status);
			clean("resource caps node", it->res[k].caps_node);
			clean("resource avatar hash", it->res[k].avatar_hash);
		}
	}
	for (i = 0; i < a->nsub_requests; i++) {
		clean("subscription request", a->sub_requests[i]);
		clean("subscription nick", a->sub_nicks ? a->sub_nicks[i] : NULL);
	}
	for (i = 0; i < a->ngateways; i++)
		clean("gateway", a->gateways[i]);
	strmap_each(&a->pep, check_pep, NULL);
}

/* NATTER_FUZZ_SHOW=1: prints what the windows hold and what was sent,
 * to see what an input reaches. */
static void show(void)
{
	size_t i, k;

	if (!getenv("NATTER_FUZZ_SHOW"))
		return;
	for (i = 0; i < app.nwins; i++) {
		const struct line *l;

		printf("-- window %zu: %s\n", i, app.wins[i]->name);
		for (k = 0; (l = win_line(app.wins[i], k)); k++)
			printf("   %s%s%s\n", l->nick ? l->nick : "",
			       l->nick ? ": " : "", l->text);
	}
	printf("-- %zu requests sent\n", nsent);
}

static void app_stop(void)
{
	show();
	check_model();
	xs_shutdown(&app);
	app_free(&app);
	handlers_clear();
	sent_clear();
}

static const char *attr_or(xmpp_stanza_t *el, const char *name,
			   const char *dflt)
{
	const char *v = xmpp_stanza_get_attribute(el, name);

	return v ? v : dflt;
}

/* /query JID: an occupant's full JID when its room is open, else the
 * bare JID (cmd/chat.c). */
static void query(struct account *a, const char *jid)
{
	char *bare = jid_bare_of(jid);

	if (strchr(jid, '/') && room_find(&app, a, bare))
		app_select(&app, conv_start(&app, a, jid));
	else
		app_select(&app, conv_start(&app, a, bare));
	free(bare);
}

/* An attribute that stands for a command's word: absent, or clean. */
static bool word_ok(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);

	return !v || utf8_is_clean(v, strlen(v));
}

/* <ask what='kick|ban|invite|decline' jid='ROOM' nick='…' to='…'/>:
 * moderation (nick: kick's occupant; to: ban's JID) and invitations
 * (to: the invitee or the inviter declined) in room jid. */
static void ask_room(struct account *a, const char *what, const char *jid,
		     xmpp_stanza_t *el)
{
	const char *to = attr_or(el, "to", "bob@example.org");
	struct room_admin req = { ROOM_KICK, jid,
				  attr_or(el, "nick", "bob"), NULL, "none",
				  xmpp_stanza_get_attribute(el, "reason") };

	if (!jid_valid(to))
		return;
	if (strcmp(what, "kick") == 0) {
		xs_room_admin(&app, a, &req);
	} else if (strcmp(what, "ban") == 0) {
		req = (struct room_admin){ ROOM_BAN, jid, NULL, to, "outcast",
					   NULL };
		xs_room_admin(&app, a, &req);
	} else if (strcmp(what, "invite") == 0) {
		xs_room_invite(&app, a, jid, to, req.reason);
	} else if (strcmp(what, "decline") == 0) {
		xs_room_decline(&app, a, jid, to, req.reason);
	}
}

/* <ask/>: the requests a user starts, each as its command does. */
static void ask(xmpp_stanza_t *el)
{
	struct account *a = app.accounts[0];
	const char *what = attr_or(el, "what", "");
	const char *jid = attr_or(el, "jid", "gw.example.org");
	const char *node = xmpp_stanza_get_attribute(el, "node");

	/* the commands refuse what is not a JID, and words holding a
	 * control character (cmd_run), before they get here; free text
	 * never holds one either, the input line refuses it when typed
	 * or pasted (ui/input.c) */
	if (!jid_valid(jid) || !word_ok(el, "node") || !word_ok(el, "nick") ||
	    !word_ok(el, "legacy") || !word_ok(el, "password") ||
	    !word_ok(el, "name") || !word_ok(el, "body") ||
	    !word_ok(el, "reason") || !word_ok(el, "resource") ||
	    !word_ok(el, "to"))
		return;
	if (strcmp(what, "roster") == 0)
		xs_roster_request(session_of(a));
	else if (strcmp(what, "disco") == 0)
		xs_disco_open(&app, a, jid, node, false);
	else if (strcmp(what, "transports") == 0)
		xs_disco_open(&app, a, jid, node, true);
	else if (strcmp(what, "commands") == 0)
		xs_commands_open(&app, a, jid);
	else if (strcmp(what, "command") == 0)
		xs_command_run(&app, a, jid, node ? node : "config");
	else if (strcmp(what, "register") == 0)
		xs_register_open(&app, a, jid);
	else if (strcmp(what, "unregister") == 0)
		xs_unregister_open(&app, a, jid);
	else if (strcmp(what, "gateway") == 0)
		xs_gateway_add(&app, a, jid, attr_or(el, "legacy", "12345"),
			       xmpp_stanza_get_attribute(el, "name"));
	else if (strcmp(what, "password") == 0)
		xs_password(&app, a, attr_or(el, "password", "n3w"));
	else if (strcmp(what, "join") == 0)
		xs_room_join(&app, a, jid, attr_or(el, "nick", "alice"), NULL);
	else if (strcmp(what, "leave") == 0)
		xs_room_leave(&app, a, jid);
	else if (strcmp(what, "accept") == 0)
		xs_accept(&app, a, jid);
	else if (strcmp(what, "query") == 0)
		query(a, jid);
	else if (strcmp(what, "msg") == 0)
		xs_send_chat(&app, a, jid, xmpp_stanza_get_attribute(el, "resource"),
			     attr_or(el, "body", "hi"));
	else if (strcmp(what, "info") == 0)
		xs_info(&app, a, jid, app.wins[app.cur_win]->id);
	else if (strcmp(what, "vcard") == 0)
		xs_vcard_open(&app, a);
	else if (strcmp(what, "feed") == 0) {
		long idx = -1;

		xs_feed_open(&app, a, jid, node ? node : "news", &idx);
	} else if (strcmp(what, "unfeed") == 0)
		xs_feed_close(&app, a, jid, node ? node : "news",
			      app.wins[app.cur_win]->id);
	else if (strcmp(what, "feeds") == 0)
		xs_feeds_list(&app, a, jid, app.wins[app.cur_win]->id);
	else if (strcmp(what, "publish") == 0)
		xs_publish(&app, a, node ? node : "urn:xmpp:microblog:0",
			   attr_or(el, "body", "hi"), app.wins[app.cur_win]->id);
	else
		ask_room(a, what, jid, el);
}

static struct window *current(void)
{
	return app.wins[app.cur_win];
}

static void fill(xmpp_stanza_t *el)
{
	struct window *w = current();
	const char *var = xmpp_stanza_get_attribute(el, "var");
	struct form_field *fl;
	struct input in;
	char *text;
	size_t i, n;

	if (w->kind != WIN_FORM || !w->dialog || !var)
		return;
	fl = form_field(&w->dialog->form, var);
	if (!fl)
		return;
	/* typed into the dialog's editor (ui/formview.c), code point by
	 * code point: what the editor refuses never reaches the form */
	text = xmpp_stanza_get_text(el);
	input_init(&in);
	for (i = 0, n = text ? strlen(text) : 0; i < n;) {
		uint32_t cp;

		i += utf8_decode(text + i, n - i, &cp);
		if (cp != '\t') /* Tab moves to the next field */
			input_insert(&in, cp);
	}
	form_field_set_lines(fl, in.buf);
	input_clear(&in);
	xmpp_free(xmpp_stanza_get_context(el), text);
}

/* /close (cmd/chat.c): a room is left too. */
static void close_current(void)
{
	struct window *w = current();

	if (app.cur_win == 0)
		return;
	if (w->kind == WIN_ROOM)
		xs_room_leave(&app, w->acc, w->jid);
	app_close_window(&app, w);
}

static void policy(xmpp_stanza_t *el)
{
	struct account_conf *c = app.accounts[0]->conf;
	const char *v;

	if ((v = xmpp_stanza_get_attribute(el, "strangers")))
		c->strangers = strcmp(v, "open") == 0 ? STRANGERS_OPEN :
			       strcmp(v, "drop") == 0 ? STRANGERS_DROP :
							STRANGERS_WINDOW;
	if ((v = xmpp_stanza_get_attribute(el, "courtesy")))
		c->courtesy = strcmp(v, "all") == 0  ? COURTESY_ALL :
			      strcmp(v, "none") == 0 ? COURTESY_NONE :
						       COURTESY_ROSTER;
	if ((v = xmpp_stanza_get_attribute(el, "rate")) && atoi(v) > 0)
		c->strangers_rate = atoi(v);
	if ((v = xmpp_stanza_get_attribute(el, "files")))
		app.cfg.file_offers_from_strangers = strcmp(v, "all") == 0;
}

static void step(xmpp_conn_t *conn, xmpp_stanza_t *el)
{
	const char *name = xmpp_stanza_get_name(el);
	const char *id = xmpp_stanza_get_id(el);
	struct window *w = current();

	if (strcmp(name, "ask") == 0) {
		ask(el);
	} else if (strcmp(name, "fill") == 0) {
		fill(el);
	} else if (strcmp(name, "submit") == 0) {
		if (w->kind == WIN_FORM)
			xs_dialog_submit(&app, w,
					 (unsigned)atoi(attr_or(el, "action", "0")));
	} else if (strcmp(name, "cancel") == 0) {
		if (w->kind == WIN_FORM)
			xs_dialog_cancel(&app, w);
	} else if (strcmp(name, "close") == 0) {
		close_current();
	} else if (strcmp(name, "select") == 0) {
		app_select(&app, strtoul(attr_or(el, "n", "0"), NULL, 10));
	} else if (strcmp(name, "policy") == 0) {
		policy(el);
	} else if (strcmp(name, "timeout") == 0) {
		req_end_all(&app);
	} else if (strcmp(name, "tick") == 0) {
		fake_now += (uint64_t)strtoul(attr_or(el, "ms", "60000"), NULL, 10);
		loop_run_timers(app.loop);
	} else {
		if (strcmp(name, "iq") == 0 && id && strcmp(id, "next") == 0) {
			const char *req = oldest_request();

			if (!req)
				return;
			xmpp_stanza_set_id(el, req);
		}
		fire(conn, el);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "<stream xmlns='jabber:client'>";
	static const char tail[] = "</stream>";
	xmpp_conn_t *conn;
	xmpp_stanza_t *top, *el;
	char *text;

	if (size > MAX_INPUT)
		return -1;
	fuzz_tmpdir();
	text = xmalloc(sizeof head + size + sizeof tail);
	memcpy(text, head, sizeof head - 1);
	memcpy(text + sizeof head - 1, data, size);
	memcpy(text + sizeof head - 1 + size, tail, sizeof tail);
	app_start();
	conn = session_of(app.accounts[0])->conn;
	top = xmpp_stanza_new_from_string(session_of(app.accounts[0])->ctx,
					  text);
	free(text);
	for (el = top ? xmpp_stanza_get_children(top) : NULL; el;
	     el = xmpp_stanza_get_next(el))
		if (xmpp_stanza_is_tag(el))
			step(conn, el);
	if (top)
		xmpp_stanza_release(top);
	app_stop();
	return 0;
}
