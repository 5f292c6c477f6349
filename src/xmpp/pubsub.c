/* pubsub: PEP from contacts and feeds, over XEP-0060 publish-subscribe.
 *
 * Reading: a <message/> holding a pubsub <event/> is either the news of
 * a node the user follows in a feed window (core/feed.h), matched by
 * the sender (the service) and the node, or a contact's PEP (XEP-0163):
 * its tune, mood, activity or nickname. PEP is believed only from the
 * bare JID of a contact in the roster, for a kind pep_notify asks for
 * (our caps say so with "+notify", xmpp/caps.c); everything else is
 * logged and dropped, as is an event for a node without a window.
 *
 * Asking: /feed subscribes (XEP-0060 6.1) and fetches the latest
 * feed_items items (6.5.7); /unfeed unsubscribes (6.2); /feeds asks a
 * service for our subscriptions (5.6); /publish publishes an Atom entry
 * (XEP-0277 style) to a node of our own PEP service (7.1). Each
 * request's answer, error or timeout becomes one EV_FEED naming the
 * window the command was typed in (for /feed: the feed's window).
 *
 * Remembering (core/feedkeep.h): a subscription the service confirmed
 * is kept in the account's list, /unfeed takes it out, and the first
 * session of a run opens each kept feed again as /feed would.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/feed.h"
#include "core/feedkeep.h"
#include "core/pep.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h" /* NS_PUBSUB, NS_PUBSUB_EVENT */
#include "xmpp/ns.h"
#include "xmpp/pubsub.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define TEXT_CAP 4096 /* bytes of remote text read from one element */

static const char *const pep_nodes[PEP_NKINDS] = {
	[PEP_TUNE] = NS_TUNE, [PEP_MOOD] = NS_MOOD,
	[PEP_ACTIVITY] = NS_ACTIVITY, [PEP_NICK] = NS_NICK,
};

const char *pubsub_pep_node(enum pep_kind kind)
{
	return (unsigned)kind < PEP_NKINDS ? pep_nodes[kind] : NULL;
}

int pubsub_pep_kind(const char *node)
{
	int k;

	for (k = 0; node && k < PEP_NKINDS; k++)
		if (strcmp(node, pep_nodes[k]) == 0)
			return k;
	return -1;
}

/* ---- reading ---- */

static xmpp_stanza_t *first_tag(xmpp_stanza_t *el)
{
	xmpp_stanza_t *c;

	for (c = el ? xmpp_stanza_get_children(el) : NULL; c;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c))
			return c;
	return NULL;
}

/* The first element child of el named other than "text", or NULL. */
static xmpp_stanza_t *value_tag(xmpp_stanza_t *el)
{
	xmpp_stanza_t *c;

	for (c = el ? xmpp_stanza_get_children(el) : NULL; c;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "text") != 0)
			return c;
	return NULL;
}

/* A mood or activity value: an element name of lower-case letters and
 * '_' (XEP-0107, XEP-0108), as a copy; NULL when it is none. */
static char *value_name(xmpp_stanza_t *el)
{
	const char *n = el ? xmpp_stanza_get_name(el) : NULL;
	size_t i;

	if (!n || !*n || strlen(n) > 40)
		return NULL;
	for (i = 0; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || n[i] == '_'))
			return NULL;
	return xstrdup(n);
}

/* The child's text, sanitised (newlines kept) and cut; NULL when absent. */
static char *child_text(xmpp_stanza_t *el, const char *name)
{
	char *t = stanza_text(el ? xmpp_stanza_get_child_by_name(el, name) :
				   NULL,
			      UTF8_KEEP_NEWLINES);

	if (t && strlen(t) > TEXT_CAP) {
		char *c = utf8_one_line(t, TEXT_CAP);

		free(t);
		t = c;
	}
	return t;
}

static void read_tune(xmpp_stanza_t *p, struct pep_user *u)
{
	char *len = child_text(p, "length"), *end;
	unsigned long n = len ? strtoul(len, &end, 10) : 0;

	u->tune_artist = child_text(p, "artist");
	u->tune_title = child_text(p, "title");
	u->tune_source = child_text(p, "source");
	u->tune_length = len && *len && !*end && n <= 100000 ? (unsigned)n : 0;
	free(len);
}

static void read_mood(xmpp_stanza_t *p, struct pep_user *u)
{
	u->mood = value_name(value_tag(p));
	u->mood_text = child_text(p, "text");
}

static void read_activity(xmpp_stanza_t *p, struct pep_user *u)
{
	xmpp_stanza_t *general = value_tag(p);

	u->activity = value_name(general);
	if (u->activity)
		u->activity_detail = value_name(first_tag(general));
	u->activity_text = child_text(p, "text");
}

static void read_nick(xmpp_stanza_t *p, struct pep_user *u)
{
	u->nick = stanza_text(p, 0);
	if (u->nick && strlen(u->nick) > TEXT_CAP) {
		char *c = utf8_one_line(u->nick, TEXT_CAP);

		free(u->nick);
		u->nick = c;
	}
}

int pubsub_parse_pep(xmpp_stanza_t *items, enum pep_kind *kind,
		     struct pep_user *u)
{
	static void (*const readers[PEP_NKINDS])(xmpp_stanza_t *,
						 struct pep_user *) = {
		[PEP_TUNE] = read_tune, [PEP_MOOD] = read_mood,
		[PEP_ACTIVITY] = read_activity, [PEP_NICK] = read_nick,
	};
	static const char *const names[PEP_NKINDS] = {
		[PEP_TUNE] = "tune", [PEP_MOOD] = "mood",
		[PEP_ACTIVITY] = "activity", [PEP_NICK] = "nick",
	};
	int k = pubsub_pep_kind(items ? xmpp_stanza_get_attribute(items,
								  "node") :
					NULL);
	xmpp_stanza_t *item, *p;

	memset(u, 0, sizeof *u);
	if (k < 0)
		return -1;
	*kind = (enum pep_kind)k;
	item = xmpp_stanza_get_child_by_name(items, "item");
	if (!item)
		return xmpp_stanza_get_child_by_name(items, "retract") ? 0 : -1;
	p = xmpp_stanza_get_child_by_name_and_ns(item, names[k], pep_nodes[k]);
	if (p)
		readers[k](p, u);
	return 0;
}

/* The text of el and everything inside it, cut at TEXT_CAP bytes (raw:
 * the caller sanitises). The caller frees it. */
static void gather(xmpp_stanza_t *el, char **out, size_t *len, int depth)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(el); c && *len < TEXT_CAP;
	     c = xmpp_stanza_get_next(c)) {
		if (xmpp_stanza_is_text(c)) {
			const char *t = xmpp_stanza_get_text_ptr(c);
			size_t n = t ? strlen(t) : 0;

			if (n > TEXT_CAP - *len)
				n = TEXT_CAP - *len;
			*out = xrealloc(*out, *len + n + 2);
			memcpy(*out + *len, t, n);
			*len += n;
			(*out)[*len] = '\0';
		} else if (xmpp_stanza_is_tag(c) && depth < 16) {
			/* an XHTML element's words stand apart */
			*out = xrealloc(*out, *len + 2);
			(*out)[(*len)++] = ' ';
			(*out)[*len] = '\0';
			gather(c, out, len, depth + 1);
		}
	}
}

/* Drops <...> tags from html text (type='html': escaped markup). */
static void strip_tags(char *s)
{
	char *o = s;
	bool in = false;

	for (; *s; s++) {
		if (*s == '<')
			in = true;
		else if (*s == '>' && in) {
			in = false;
			*o++ = ' ';
		} else if (!in)
			*o++ = *s;
	}
	*o = '\0';
}

/* An Atom text construct (title, summary, content) as plain text,
 * sanitised; NULL when absent. */
static char *atom_text(xmpp_stanza_t *entry, const char *name)
{
	xmpp_stanza_t *el = xmpp_stanza_get_child_by_name(entry, name);
	const char *type = el ? xmpp_stanza_get_attribute(el, "type") : NULL;
	char *raw = NULL, *t;
	size_t len = 0;

	if (!el)
		return NULL;
	gather(el, &raw, &len, 0);
	if (!raw)
		return NULL;
	if (type && strcmp(type, "html") == 0)
		strip_tags(raw);
	t = utf8_sanitize(raw, UTF8_KEEP_NEWLINES);
	free(raw);
	return t;
}

static char *atom_link(xmpp_stanza_t *entry)
{
	xmpp_stanza_t *c;
	const char *first = NULL;

	for (c = xmpp_stanza_get_children(entry); c; c = xmpp_stanza_get_next(c)) {
		const char *href, *rel;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "link") != 0 ||
		    !(href = xmpp_stanza_get_attribute(c, "href")) || !*href)
			continue;
		rel = xmpp_stanza_get_attribute(c, "rel");
		if (!rel || strcmp(rel, "alternate") == 0)
			return utf8_one_line(href, FEED_TITLE_MAX);
		if (!first)
			first = href;
	}
	return first ? utf8_one_line(first, FEED_TITLE_MAX) : NULL;
}

int pubsub_parse_item(xmpp_stanza_t *item, struct feed_entry *e)
{
	xmpp_stanza_t *entry, *author;
	const char *id, *ns;
	char *when;

	memset(e, 0, sizeof *e);
	if (!item || !xmpp_stanza_is_tag(item) ||
	    strcmp(xmpp_stanza_get_name(item), "item") != 0)
		return -1;
	if ((id = xmpp_stanza_get_id(item)))
		e->id = utf8_one_line(id, FEED_TITLE_MAX);
	entry = first_tag(item);
	if (!entry)
		return 0; /* an item without its payload: only its id */
	ns = xmpp_stanza_get_ns(entry);
	if (strcmp(xmpp_stanza_get_name(entry), "entry") != 0 || !ns ||
	    strcmp(ns, NS_ATOM) != 0) {
		char *raw = xasprintf("<%s%s%s%s>", xmpp_stanza_get_name(entry),
				      ns ? " xmlns='" : "", ns ? ns : "",
				      ns ? "'" : "");

		e->other = utf8_one_line(raw, FEED_TITLE_MAX);
		free(raw);
		return 0;
	}
	e->title = atom_text(entry, "title");
	e->summary = atom_text(entry, "summary");
	if (!e->summary)
		e->summary = atom_text(entry, "content");
	author = xmpp_stanza_get_child_by_name(entry, "author");
	e->author = child_text(author, "name");
	if (!e->author || !*e->author) {
		free(e->author);
		e->author = child_text(author, "uri");
	}
	e->link = atom_link(entry);
	when = child_text(entry, "published");
	if (!when)
		when = child_text(entry, "updated");
	if (when) {
		int64_t ms = xs_parse_stamp(when);

		e->ts = ms > 0 ? (time_t)(ms / 1000) : 0;
	}
	free(when);
	return 0;
}

/* ---- events ---- */

/* Why a contact's PEP event from `from` (whose bare JID is bare) is
 * not believed, or NULL: it must come from a roster contact's PEP
 * service, its bare JID (a client, a full JID, speaks for no one's
 * PEP), for a kind pep_notify asks for. */
static const char *pep_refused(struct session *s, const char *from,
			       const char *bare, enum pep_kind kind)
{
	if (!(pep_mask(s->app) & PEP_BIT(kind)))
		return "not asked for";
	if (strcmp(from, bare) != 0)
		return "not from a bare JID";
	if (strcmp(bare, s->acc->bare_jid) == 0)
		return "our own";
	if (!roster_get(&s->acc->roster, bare))
		return "not a contact";
	return NULL;
}

static void pep_event(struct session *s, const char *from, const char *bare,
		      xmpp_stanza_t *items)
{
	struct pep_user u;
	enum pep_kind kind;
	const char *why;

	if (pubsub_parse_pep(items, &kind, &u) < 0)
		return;
	if ((why = pep_refused(s, from, bare, kind))) {
		char *f = utf8_one_line(from, TEXT_CAP);

		log_msg(LOG_INFO, "pubsub", "%s: %s from %s ignored (%s)",
			s->acc->conf->name, pep_kind_names[kind], f, why);
		free(f);
		pep_user_clear(&u);
		return;
	}
	pep_update(s->app, s->acc, bare, kind, &u);
	pep_user_clear(&u);
}

static void feed_event(struct session *s, struct window *w,
		       xmpp_stanza_t *el)
{
	xmpp_stanza_t *c;
	time_t now = time(NULL);

	if (strcmp(xmpp_stanza_get_name(el), "purge") == 0) {
		feed_retracted(s->app, w, NULL);
		return;
	}
	for (c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c)) {
		struct feed_entry e;

		if (!xmpp_stanza_is_tag(c))
			continue;
		if (strcmp(xmpp_stanza_get_name(c), "retract") == 0) {
			if (xmpp_stanza_get_id(c))
				feed_retracted(s->app, w, xmpp_stanza_get_id(c));
		} else if (pubsub_parse_item(c, &e) == 0) {
			feed_item(s->app, w, &e, now);
			feed_entry_clear(&e);
		}
	}
}

static int message_handler(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct session *s = ud;
	xmpp_stanza_t *ev = xmpp_stanza_get_child_by_name_and_ns(
		st, "event", NS_PUBSUB_EVENT);
	xmpp_stanza_t *el = first_tag(ev);
	const char *from, *node, *type;
	struct window *w;
	char *who;

	(void)conn;
	if (!el) /* most messages: nothing more is read of them here */
		return 1;
	from = xmpp_stanza_get_from(st);
	node = xmpp_stanza_get_attribute(el, "node");
	type = xmpp_stanza_get_type(st);
	if (!node || !from || (type && strcmp(type, "error") == 0))
		return 1;
	who = jid_bare_of(from);
	if (!who)
		return 1;
	/* a service's JID is the sender as it stands (a domain, or a
	 * user's bare JID for a PEP node followed as a feed) */
	w = strcmp(who, from) == 0 ? feed_find(s->app, s->acc, from, node) :
				     NULL;
	if (w && (strcmp(xmpp_stanza_get_name(el), "items") == 0 ||
		  strcmp(xmpp_stanza_get_name(el), "purge") == 0))
		feed_event(s, w, el);
	else if (!w && strcmp(xmpp_stanza_get_name(el), "items") == 0 &&
		 pubsub_pep_kind(node) >= 0)
		pep_event(s, from, who, el);
	else if (!w && pubsub_pep_kind(node) < 0 &&
		 strcmp(node, NS_BOOKMARKS2) != 0) {
		char *f = utf8_one_line(from, TEXT_CAP);
		char *n = utf8_one_line(node, TEXT_CAP);

		log_msg(LOG_INFO, "pubsub", "%s: event of %s's node %s "
			"without a feed window dropped", s->acc->conf->name,
			f, n);
		free(f);
		free(n);
	}
	free(who);
	return 1;
}

void pubsub_register(struct session *s)
{
	xmpp_handler_add(s->conn, message_handler, NULL, "message", NULL, s);
}

/* ---- asking ---- */

struct ask {
	char *service, *node;
	uint64_t win;
};

static struct ask *ask_new(const char *service, const char *node,
			   uint64_t win)
{
	struct ask *a = xcalloc(1, sizeof *a);

	a->service = xstrdup(service);
	a->node = node ? xstrdup(node) : NULL;
	a->win = win;
	return a;
}

static void ask_free(struct ask *a)
{
	free(a->service);
	free(a->node);
	free(a);
}

/* Emits ev (its op, acc and fields set) with a's names and, for an
 * error reply (or none), its condition. */
static void report(struct session *s, struct ask *a, xmpp_stanza_t *reply,
		   struct event *ev)
{
	struct req_error e = { 0 };

	ev->type = EV_FEED;
	ev->acc = s->acc;
	ev->feed.service = a->service;
	ev->feed.node = a->node;
	ev->feed.win = a->win;
	if (!req_ok(reply)) {
		req_error_parse(reply, &e);
		ev->feed.cond = e.cond ? e.cond : "undefined-condition";
		ev->feed.detail = e.text;
		ev->feed.timed_out = reply == NULL;
	}
	event_emit(s->app, ev);
	req_error_clear(&e);
}

static xmpp_stanza_t *pubsub_iq(struct session *s, const char *type,
				const char *to, const char *what,
				const char *node, xmpp_stanza_t **el)
{
	xmpp_stanza_t *iq = req_iq(s, type, to, "pubsub", NS_PUBSUB);

	*el = stanza_add_child(stanza_payload(iq), what, NULL);
	if (node)
		xmpp_stanza_set_attribute(*el, "node", node);
	return iq;
}

static void on_items(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .feed.op = FEED_FETCHED };
	struct window *w = app_window_by_id(s->app, a->win);
	xmpp_stanza_t *ps = req_ok(reply) ?
		xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub",
						     NS_PUBSUB) : NULL;
	xmpp_stanza_t *items = ps ? xmpp_stanza_get_child_by_name(ps, "items") :
				    NULL;
	xmpp_stanza_t *c;
	time_t now = time(NULL);

	if (!w || w->kind != WIN_FEED) { /* closed since */
		ask_free(a);
		return;
	}
	for (c = items ? xmpp_stanza_get_children(items) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		struct feed_entry e;

		if (pubsub_parse_item(c, &e) == 0) {
			feed_item(s->app, w, &e, now);
			feed_entry_clear(&e);
		}
	}
	ev.feed.count = w->feed->items;
	report(s, a, reply, &ev);
	ask_free(a);
}

/* Adds service/node to the account's remembered feeds, or (keep false)
 * takes it out. */
static void remember(struct session *s, const char *service,
		     const char *node, bool keep)
{
	char *path = feedkeep_path(s->app->state_dir, s->acc->conf->name);

	if (keep)
		feedkeep_add(path, service, node);
	else
		feedkeep_remove(path, service, node);
	free(path);
}

static void on_subscribed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .feed.op = FEED_SUBSCRIBED };
	xmpp_stanza_t *ps = req_ok(reply) ?
		xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub",
						     NS_PUBSUB) : NULL;
	xmpp_stanza_t *sub = ps ? xmpp_stanza_get_child_by_name(ps,
								"subscription") :
				  NULL;
	char *state = NULL;

	if (req_ok(reply)) {
		const char *v = sub ? xmpp_stanza_get_attribute(sub,
							       "subscription") :
				      NULL;

		state = utf8_one_line(v ? v : "subscribed", 40);
		ev.feed.state = state;
		remember(s, a->service, a->node, true);
	}
	report(s, a, reply, &ev);
	free(state);
	ask_free(a);
}

int xs_feed_open(struct app *app, struct account *a, const char *service,
		 const char *node, long *idx)
{
	struct session *s = session_of(a);
	struct window *w = feed_window(app, a, service, node);
	xmpp_stanza_t *iq, *el;
	size_t i;

	for (i = 0; i < app->nwins; i++)
		if (app->wins[i] == w)
			*idx = (long)i;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = pubsub_iq(s, "set", service, "subscribe", node, &el);
	xmpp_stanza_set_attribute(el, "jid", a->bare_jid);
	req_send(s, iq, on_subscribed, ask_new(service, node, w->id),
		 REQ_TIMEOUT_MS);
	if (app->cfg.feed_items > 0) {
		char max[16];

		iq = pubsub_iq(s, "get", service, "items", node, &el);
		snprintf(max, sizeof max, "%d", app->cfg.feed_items);
		xmpp_stanza_set_attribute(el, "max_items", max);
		req_send(s, iq, on_items, ask_new(service, node, w->id),
			 REQ_TIMEOUT_MS);
	}
	return 0;
}

static void on_unsubscribed(struct session *s, xmpp_stanza_t *reply,
			    void *ud)
{
	struct event ev = { .feed.op = FEED_UNSUBSCRIBED };

	report(s, ud, reply, &ev);
	ask_free(ud);
}

int xs_feed_close(struct app *app, struct account *a, const char *service,
		  const char *node, uint64_t win)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq, *el;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = pubsub_iq(s, "set", service, "unsubscribe", node, &el);
	xmpp_stanza_set_attribute(el, "jid", a->bare_jid);
	req_send(s, iq, on_unsubscribed, ask_new(service, node, win),
		 REQ_TIMEOUT_MS);
	remember(s, service, node, false);
	return 0;
}

void pubsub_connected(struct session *s)
{
	struct feedkeep *v;
	char *path;
	size_t n, i;
	long idx;

	if (s->feeds_reopened)
		return;
	s->feeds_reopened = true;
	path = feedkeep_path(s->app->state_dir, s->acc->conf->name);
	n = feedkeep_load(path, &v);
	free(path);
	for (i = 0; i < n; i++)
		xs_feed_open(s->app, s->acc, v[i].service, v[i].node, &idx);
	if (n)
		log_msg(LOG_INFO, "pubsub", "%s: %zu remembered feeds opened",
			s->acc->conf->name, n);
	feedkeep_free(&v, n);
}

#define LIST_MAX 200 /* subscriptions /feeds shows of one service */

static void on_subscriptions(struct session *s, xmpp_stanza_t *reply,
			     void *ud)
{
	struct event ev = { .feed.op = FEED_LISTED };
	xmpp_stanza_t *ps = req_ok(reply) ?
		xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub",
						     NS_PUBSUB) : NULL;
	xmpp_stanza_t *subs = ps ? xmpp_stanza_get_child_by_name(
					   ps, "subscriptions") : NULL;
	xmpp_stanza_t *c;
	char *nodes[LIST_MAX], *states[LIST_MAX];
	size_t n = 0, i;

	for (c = subs ? xmpp_stanza_get_children(subs) : NULL;
	     c && n < LIST_MAX; c = xmpp_stanza_get_next(c)) {
		const char *node, *state;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "subscription") != 0 ||
		    !(node = xmpp_stanza_get_attribute(c, "node")))
			continue;
		state = xmpp_stanza_get_attribute(c, "subscription");
		nodes[n] = utf8_one_line(node, FEED_TITLE_MAX);
		states[n++] = utf8_one_line(state ? state : "subscribed", 40);
	}
	ev.feed.count = n;
	ev.feed.nodes = (const char *const *)nodes;
	ev.feed.states = (const char *const *)states;
	report(s, ud, reply, &ev);
	for (i = 0; i < n; i++) {
		free(nodes[i]);
		free(states[i]);
	}
	ask_free(ud);
}

int xs_feeds_list(struct app *app, struct account *a, const char *service,
		  uint64_t win)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq, *el;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = pubsub_iq(s, "get", service, "subscriptions", NULL, &el);
	req_send(s, iq, on_subscriptions, ask_new(service, NULL, win),
		 REQ_TIMEOUT_MS);
	return 0;
}

struct publish_ask {
	struct ask a;
	char *id;
};

static void on_published(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .feed.op = FEED_PUBLISHED };
	char *id = NULL;
	xmpp_stanza_t *ps = req_ok(reply) ?
		xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub",
						     NS_PUBSUB) : NULL;
	xmpp_stanza_t *pub = ps ? xmpp_stanza_get_child_by_name(ps, "publish") :
				  NULL;
	xmpp_stanza_t *item = pub ? xmpp_stanza_get_child_by_name(pub, "item") :
				    NULL;

	if (item && xmpp_stanza_get_id(item))
		id = utf8_one_line(xmpp_stanza_get_id(item), FEED_TITLE_MAX);
	ev.feed.id = id ? id : ((struct publish_ask *)a)->id;
	report(s, a, reply, &ev);
	free(id);
	free(((struct publish_ask *)a)->id);
	ask_free(a);
}

/* The Atom entry /publish posts: the text as its title (XEP-0277), our
 * JID as its author, now as its times. */
static xmpp_stanza_t *atom_entry(struct session *s, const char *id,
				 const char *text)
{
	xmpp_stanza_t *entry = stanza_new(s->ctx, "entry", NS_ATOM);
	xmpp_stanza_t *title, *author;
	char now[32], *tag, *uri;
	time_t t = time(NULL);
	struct tm gm;

	gmtime_r(&t, &gm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &gm);
	stanza_add_text(entry, "title", text);
	title = xmpp_stanza_get_child_by_name(entry, "title");
	xmpp_stanza_set_attribute(title, "type", "text");
	author = stanza_add_child(entry, "author", NULL);
	stanza_add_text(author, "name",
			s->acc->nick ? s->acc->nick : s->acc->bare_jid);
	uri = xasprintf("xmpp:%s", s->acc->bare_jid);
	stanza_add_text(author, "uri", uri);
	free(uri);
	tag = xasprintf("tag:%s,%.10s:posts-%s", s->acc->domain, now, id);
	stanza_add_text(entry, "id", tag);
	free(tag);
	stanza_add_text(entry, "published", now);
	stanza_add_text(entry, "updated", now);
	return entry;
}

int xs_publish(struct app *app, struct account *a, const char *node,
	       const char *text, uint64_t win)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq, *el, *item, *entry;
	struct publish_ask *pa;
	char *id, *uuid;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	uuid = xmpp_uuid_gen(s->ctx);
	/* NULL: libstrophe could not read its random source */
	id = uuid ? xstrdup(uuid) :
		    xasprintf("%lx%lx", (unsigned long)time(NULL),
			      (unsigned long)lrand48());
	if (uuid)
		xmpp_free(s->ctx, uuid);
	iq = pubsub_iq(s, "set", NULL, "publish", node, &el);
	item = stanza_add_child(el, "item", NULL);
	xmpp_stanza_set_id(item, id);
	entry = atom_entry(s, id, text);
	xmpp_stanza_add_child(item, entry);
	xmpp_stanza_release(entry);
	pa = xcalloc(1, sizeof *pa);
	pa->a.service = xstrdup(a->bare_jid);
	pa->a.node = xstrdup(node);
	pa->a.win = win;
	pa->id = id;
	req_send(s, iq, on_published, &pa->a, REQ_TIMEOUT_MS);
	return 0;
}
