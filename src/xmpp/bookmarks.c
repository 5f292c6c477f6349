/* bookmarks: bookmarked rooms on the server, and joining them at login.
 *
 * Where the bookmarks live is decided once per session
 * (xs_bookmarks_store_for): the account's disco#info (asked of our bare
 * JID) advertising urn:xmpp:bookmarks:1#compat (XEP-0402, the server
 * keeps the old storage in step) means PEP native bookmarks, one
 * pubsub item per room of urn:xmpp:bookmarks:1, published with the
 * publish-options XEP-0402
 * asks for (persistent, max items, never sent as "last item", whitelist
 * access) and retracted with notify. Our caps advertise the node's
 * +notify, so another client's changes come as pubsub event messages
 * from our own bare JID, and are taken from nobody else. Any other
 * server, including one that offers only XEP-0411's
 * urn:xmpp:bookmarks-conversion:0 (which keeps private storage in step
 * with the XEP-0048 PEP node storage:bookmarks, not with XEP-0402's),
 * gets XEP-0048 in XEP-0049 private XML storage: one <storage/>
 * replaced whole on every change, keeping its URL bookmarks and what
 * else other clients put there, built from `want`, the list we last
 * asked for (so two changes in a row do not undo each other).
 *
 * Autojoin: at login, and when a bookmark newly says autojoin, its
 * room is queued; at most BM_JOIN_PARALLEL joins wait for their answer
 * at once; the room's answer (we are in, or an error: EV_ROOM_OCCUPANT,
 * EV_ROOM_ERROR) frees a place for the next, and a loop timer frees the
 * place of a join that stays unanswered BM_JOIN_STALL_MS. Fifty rooms
 * thus go three at a time without ever blocking the loop. Joining never
 * changes the window the user looks at.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/bookmark.h"
#include "core/room.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

struct bm_join {
	char *room;
	uint64_t since; /* loop time it was sent */
};

struct bmstate {
	enum bookmark_store store; /* BM_STORE_NONE until known */
	xmpp_stanza_t *storage;    /* private: the <storage/> last fetched or
				    * stored (ours), or NULL */
	struct bookmarks want;     /* private: what we last asked to hold */
	char **queue;              /* autojoin rooms waiting, in order */
	size_t nqueue, capqueue;
	struct bm_join inflight[BM_JOIN_PARALLEL];
	size_t ninflight;
	loop_timer_id timer;       /* frees stalled places */
	unsigned gen;              /* bumped per session: stale answers */
};

static struct bmstate *state_of(struct session *s)
{
	if (!s->bm)
		s->bm = xcalloc(1, sizeof *s->bm);
	return s->bm;
}

/* -- parsing and building ------------------------------------------------ */

static bool truthy(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* A room's bare JID from remote text: valid, with a local part and no
 * resource; the caller frees it. NULL otherwise. */
static char *room_jid(const char *s)
{
	struct jid j;
	char *bare = NULL;

	if (!s || jid_parse(s, &j) < 0)
		return NULL;
	if (j.local && !j.resource)
		bare = jid_bare(&j);
	jid_clear(&j);
	return bare;
}

static char *child_line(xmpp_stanza_t *el, const char *name)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(el, name);
	char *t = c ? stanza_text(c, 0) : NULL;

	if (t && !*t)
		xfree(&t);
	return t;
}

static char *child_raw(xmpp_stanza_t *el, const char *name)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(el, name);
	char *t = c ? xmpp_stanza_get_text(c) : NULL;
	char *out = t && *t ? xstrdup(t) : NULL;

	if (t) {
		explicit_bzero(t, strlen(t));
		xmpp_free(xmpp_stanza_get_context(c), t);
	}
	return out;
}

/* The fields both formats share: name and autojoin attributes, <nick/>
 * and <password/> children. */
static void parse_conference(xmpp_stanza_t *conf, struct bookmark *b)
{
	const char *name = xmpp_stanza_get_attribute(conf, "name");

	b->name = name && *name ? utf8_sanitize(name, 0) : NULL;
	b->autojoin = truthy(xmpp_stanza_get_attribute(conf, "autojoin"));
	b->nick = child_line(conf, "nick");
	b->password = child_raw(conf, "password");
}

int xs_bookmarks_parse_item(xmpp_stanza_t *item, struct bookmark *b)
{
	xmpp_stanza_t *conf;

	memset(b, 0, sizeof *b);
	if (!item || strcmp(xmpp_stanza_get_name(item), "item") != 0)
		return -1;
	conf = xmpp_stanza_get_child_by_name_and_ns(item, "conference",
						    NS_BOOKMARKS2);
	if (!conf || !(b->jid = room_jid(xmpp_stanza_get_id(item))))
		return -1;
	parse_conference(conf, b);
	return 0;
}

void xs_bookmarks_parse_items(xmpp_stanza_t *el, struct bookmarks *out)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c)) {
		struct bookmark b;

		if (xmpp_stanza_is_tag(c) &&
		    xs_bookmarks_parse_item(c, &b) == 0)
			bookmarks_put(out, &b);
	}
}

void xs_bookmarks_parse_storage(xmpp_stanza_t *storage, struct bookmarks *out)
{
	xmpp_stanza_t *c;

	for (c = storage ? xmpp_stanza_get_children(storage) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		struct bookmark b = { 0 };

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "conference") != 0 ||
		    !(b.jid = room_jid(xmpp_stanza_get_attribute(c, "jid"))))
			continue;
		parse_conference(c, &b);
		bookmarks_put(out, &b);
	}
}

/* The shared fields of b onto a <conference/>. */
static void put_conference(xmpp_stanza_t *conf, const struct bookmark *b)
{
	if (b->name)
		xmpp_stanza_set_attribute(conf, "name", b->name);
	xmpp_stanza_set_attribute(conf, "autojoin",
				  b->autojoin ? "true" : "false");
	if (b->nick)
		stanza_add_text(conf, "nick", b->nick);
	if (b->password)
		stanza_add_text(conf, "password", b->password);
}

xmpp_stanza_t *xs_bookmarks_conference(xmpp_ctx_t *ctx,
				       const struct bookmark *b)
{
	xmpp_stanza_t *conf = stanza_new(ctx, "conference", NS_BOOKMARKS2);

	put_conference(conf, b);
	return conf;
}

xmpp_stanza_t *xs_bookmarks_storage(xmpp_ctx_t *ctx, const struct bookmarks *l,
				    xmpp_stanza_t *old)
{
	xmpp_stanza_t *st = stanza_new(ctx, "storage", NS_STORAGE_BOOKMARKS);
	xmpp_stanza_t *c;
	size_t i;

	for (c = old ? xmpp_stanza_get_children(old) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		xmpp_stanza_t *copy;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "conference") == 0)
			continue;
		copy = xmpp_stanza_copy(c);
		xmpp_stanza_add_child(st, copy);
		xmpp_stanza_release(copy);
	}
	for (i = 0; i < l->n; i++) {
		xmpp_stanza_t *conf = stanza_add_child(st, "conference", NULL);

		xmpp_stanza_set_attribute(conf, "jid", l->items[i].jid);
		put_conference(conf, &l->items[i]);
	}
	return st;
}

/* -- autojoin ------------------------------------------------------------- */

static void pump(struct session *s);

static void stall_cb(struct loop *l, void *ud)
{
	struct session *s = ud;
	struct bmstate *bm = state_of(s);
	uint64_t now = loop_now(l);
	size_t i = 0;

	bm->timer = 0;
	while (i < bm->ninflight) {
		if (now - bm->inflight[i].since >= BM_JOIN_STALL_MS) {
			log_msg(LOG_INFO, "bookmarks", "%s: %s did not answer "
				"the join yet; the next goes",
				s->acc->conf->name, bm->inflight[i].room);
			free(bm->inflight[i].room);
			bm->inflight[i] = bm->inflight[--bm->ninflight];
		} else {
			i++;
		}
	}
	pump(s);
}

static void arm_timer(struct session *s)
{
	struct bmstate *bm = state_of(s);
	uint64_t now = loop_now(s->app->loop), first = UINT64_MAX;
	size_t i;

	if (bm->timer || !bm->ninflight)
		return;
	for (i = 0; i < bm->ninflight; i++)
		if (bm->inflight[i].since < first)
			first = bm->inflight[i].since;
	bm->timer = loop_timer_add(s->app->loop,
				   first + BM_JOIN_STALL_MS > now ?
					   first + BM_JOIN_STALL_MS - now : 0,
				   stall_cb, s);
}

static bool in_flight(struct bmstate *bm, const char *room)
{
	size_t i;

	for (i = 0; i < bm->ninflight; i++)
		if (strcmp(bm->inflight[i].room, room) == 0)
			return true;
	return false;
}

/* Joins one room without changing the window the user looks at. */
static void join_quietly(struct session *s, const struct bookmark *b)
{
	struct app *app = s->app;
	uint64_t keep = app->wins[app->cur_win]->id;
	size_t i;

	xs_room_join(app, s->acc, b->jid, b->nick ? b->nick : s->acc->nick,
		     b->password);
	for (i = 0; i < app->nwins; i++)
		if (app->wins[i]->id == keep && i != app->cur_win)
			app_select(app, i);
}

static void pump(struct session *s)
{
	struct bmstate *bm = state_of(s);
	size_t taken = 0;

	while (bm->ninflight < BM_JOIN_PARALLEL && taken < bm->nqueue &&
	       s->acc->state == ACC_ONLINE) {
		char *room = bm->queue[taken++];
		const struct bookmark *b = bookmarks_find(&s->acc->bookmarks,
							  room);

		/* a room whose window is in it, or is being joined again
		 * by xmpp/mucstay.c after a new session, is not joined
		 * twice */
		const struct window *w = room_find(s->app, s->acc, room);

		if (!b || in_flight(bm, room) ||
		    (w && w->room && (w->room->joined || w->room->rejoining))) {
			free(room);
			continue;
		}
		join_quietly(s, b);
		bm->inflight[bm->ninflight].room = room;
		bm->inflight[bm->ninflight].since = loop_now(s->app->loop);
		bm->ninflight++;
	}
	if (taken) {
		memmove(bm->queue, bm->queue + taken,
			(bm->nqueue - taken) * sizeof *bm->queue);
		bm->nqueue -= taken;
	}
	arm_timer(s);
}

static void enqueue(struct session *s, const char *room)
{
	struct bmstate *bm = state_of(s);
	size_t i;

	for (i = 0; i < bm->nqueue; i++)
		if (strcmp(bm->queue[i], room) == 0)
			return;
	xgrow((void **)&bm->queue, &bm->capqueue, bm->nqueue + 1,
	      sizeof *bm->queue);
	bm->queue[bm->nqueue++] = xstrdup(room);
}

static void autojoin_all(struct session *s)
{
	const struct bookmarks *l = &s->acc->bookmarks;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->items[i].autojoin)
			enqueue(s, l->items[i].jid);
	pump(s);
}

/* After a change of one bookmark (was_autojoin: it said autojoin
 * before): a room that newly says autojoin is joined. */
static void autojoin_changed(struct session *s, const char *room,
			     bool was_autojoin)
{
	const struct bookmark *b = bookmarks_find(&s->acc->bookmarks, room);

	if (!b || !b->autojoin || was_autojoin || room_find(s->app, s->acc,
							     room))
		return;
	enqueue(s, room);
	pump(s);
}

/* The model changes one bookmark (taking *b), joining what newly says
 * autojoin. */
static void changed(struct session *s, struct bookmark *b)
{
	const struct bookmark *old = bookmarks_find(&s->acc->bookmarks, b->jid);
	bool was = old && old->autojoin;
	char *room = xstrdup(b->jid);

	bookmark_changed(s->app, s->acc, b);
	autojoin_changed(s, room, was);
	free(room);
}

/* A join was answered (we are in, or refused): its place is free. */
static void on_event(struct app *app, const struct event *ev, void *ud)
{
	const char *room = NULL;
	struct session *s;
	struct bmstate *bm;
	size_t i;

	(void)ud;
	if (ev->type == EV_ROOM_OCCUPANT &&
	    ev->room_occupant.what == ROOM_WE_JOINED)
		room = ev->room_occupant.room;
	else if (ev->type == EV_ROOM_ERROR)
		room = ev->room_error.room;
	if (!room || !ev->acc || !(s = session_of(ev->acc)) || !s->bm)
		return;
	bm = s->bm;
	for (i = 0; i < bm->ninflight; i++) {
		if (strcmp(bm->inflight[i].room, room) != 0)
			continue;
		free(bm->inflight[i].room);
		bm->inflight[i] = bm->inflight[--bm->ninflight];
		pump(s);
		return;
	}
	(void)app;
}

void xs_bookmarks_init(struct app *app)
{
	event_subscribe(app, on_event, NULL);
}

static void drop_joins(struct bmstate *bm, struct loop *l)
{
	size_t i;

	for (i = 0; i < bm->nqueue; i++)
		free(bm->queue[i]);
	bm->nqueue = 0;
	for (i = 0; i < bm->ninflight; i++)
		free(bm->inflight[i].room);
	bm->ninflight = 0;
	loop_timer_cancel(l, bm->timer);
	bm->timer = 0;
}

void xs_bookmarks_down(struct session *s)
{
	if (s->bm)
		drop_joins(s->bm, s->app->loop);
}

void xs_bookmarks_free(struct session *s)
{
	struct bmstate *bm = s->bm;

	if (!bm)
		return;
	drop_joins(bm, s->app->loop);
	free(bm->queue);
	if (bm->storage)
		xmpp_stanza_release(bm->storage);
	bookmarks_clear(&bm->want);
	free(bm);
	s->bm = NULL;
}

/* -- fetching ------------------------------------------------------------ */

/* Requests carry the session's generation: an answer that comes for an
 * earlier session is dropped. */
static void *gen_ud(struct bmstate *bm)
{
	return (void *)(uintptr_t)bm->gen;
}

static bool stale(struct session *s, void *ud)
{
	return !s->bm || (uintptr_t)ud != s->bm->gen ||
	       s->acc->state != ACC_ONLINE;
}

static void loaded(struct session *s, struct bookmarks *fresh)
{
	bookmarks_loaded(s->app, s->acc, fresh, s->bm->store);
	autojoin_all(s);
}

static void on_pep_items(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct bookmarks fresh;
	xmpp_stanza_t *ps, *items;

	if (stale(s, ud))
		return;
	bookmarks_init(&fresh);
	if (req_ok(reply)) {
		ps = xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub",
							  NS_PUBSUB);
		items = ps ? xmpp_stanza_get_child_by_name(ps, "items") : NULL;
		if (items)
			xs_bookmarks_parse_items(items, &fresh);
	} else {
		struct req_error e;

		req_error_parse(reply, &e);
		/* no node yet: nobody bookmarked anything */
		if (strcmp(e.cond, "item-not-found") != 0)
			log_msg(LOG_WARN, "bookmarks", "%s: fetching: %s",
				s->acc->conf->name, e.cond);
		req_error_clear(&e);
		if (!reply)
			return; /* nothing known: keep what we had */
	}
	loaded(s, &fresh);
}

static void fetch_pep(struct session *s)
{
	xmpp_stanza_t *iq = req_iq(s, "get", NULL, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *items = stanza_add_child(stanza_payload(iq), "items",
						NULL);

	xmpp_stanza_set_attribute(items, "node", NS_BOOKMARKS2);
	req_send(s, iq, on_pep_items, gen_ud(s->bm), REQ_TIMEOUT_MS);
}

static void on_private(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct bmstate *bm = s->bm;
	struct bookmarks fresh;
	xmpp_stanza_t *q, *st = NULL;

	if (stale(s, ud))
		return;
	if (!req_ok(reply)) {
		struct req_error e;

		req_error_parse(reply, &e);
		log_msg(LOG_WARN, "bookmarks", "%s: private storage: %s",
			s->acc->conf->name, e.cond);
		req_error_clear(&e);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_PRIVATE);
	if (q)
		st = xmpp_stanza_get_child_by_name_and_ns(q, "storage",
							  NS_STORAGE_BOOKMARKS);
	if (bm->storage)
		xmpp_stanza_release(bm->storage);
	bm->storage = st ? xmpp_stanza_copy(st) : NULL;
	bookmarks_init(&fresh);
	xs_bookmarks_parse_storage(st, &fresh);
	bookmarks_clear(&bm->want);
	xs_bookmarks_parse_storage(st, &bm->want);
	loaded(s, &fresh);
}

static void fetch_private(struct session *s)
{
	xmpp_stanza_t *iq = req_iq(s, "get", NULL, "query", NS_PRIVATE);

	stanza_add_child(stanza_payload(iq), "storage", NS_STORAGE_BOOKMARKS);
	req_send(s, iq, on_private, gen_ud(s->bm), REQ_TIMEOUT_MS);
}

enum bookmark_store xs_bookmarks_store_for(xmpp_stanza_t *info)
{
	/* XEP-0411's conversion alone says nothing of urn:xmpp:bookmarks:1:
	 * it syncs private storage with PEP storage:bookmarks, so private
	 * storage is what such a server keeps in step. */
	return stanza_has_feature(info, NS_BOOKMARKS2_COMPAT) ?
		       BM_STORE_PEP :
		       BM_STORE_PRIVATE;
}

void xs_bookmarks_features(struct session *s)
{
	struct bmstate *bm = state_of(s);

	bm->store = xs_bookmarks_store_for(features_account_info(s));
	if (bm->store == BM_STORE_PEP)
		fetch_pep(s);
	else
		fetch_private(s);
	log_msg(LOG_INFO, "bookmarks", "%s: bookmarks in %s",
		s->acc->conf->name,
		bm->store == BM_STORE_PEP ? "PEP (XEP-0402)" :
					    "private storage (XEP-0048)");
}

void xs_bookmarks_connected(struct session *s)
{
	struct bmstate *bm = state_of(s);

	drop_joins(bm, s->app->loop);
	bm->gen++;
	bm->store = BM_STORE_NONE;
}

/* -- notifications ------------------------------------------------------- */

bool xs_bookmarks_message(struct session *s, xmpp_stanza_t *msg)
{
	xmpp_stanza_t *ev, *items, *c;
	const char *from;
	char *bare;
	bool ours;

	ev = xmpp_stanza_get_child_by_name_and_ns(msg, "event",
						  NS_PUBSUB_EVENT);
	items = ev ? xmpp_stanza_get_child_by_name(ev, "items") : NULL;
	if (!items || !xmpp_stanza_get_attribute(items, "node") ||
	    strcmp(xmpp_stanza_get_attribute(items, "node"), NS_BOOKMARKS2) != 0)
		return false;
	from = xmpp_stanza_get_from(msg);
	/* only our own PEP service speaks for our bookmarks */
	bare = from ? jid_bare_of(from) : NULL;
	ours = !from || (bare && strcmp(bare, s->acc->bare_jid) == 0);
	free(bare);
	if (!ours) {
		log_msg(LOG_WARN, "bookmarks", "%s: bookmark event from %s "
			"ignored", s->acc->conf->name, from);
		return true;
	}
	for (c = xmpp_stanza_get_children(items); c; c = xmpp_stanza_get_next(c)) {
		struct bookmark b;
		char *room;

		if (!xmpp_stanza_is_tag(c))
			continue;
		if (strcmp(xmpp_stanza_get_name(c), "item") == 0) {
			if (xs_bookmarks_parse_item(c, &b) == 0)
				changed(s, &b);
		} else if (strcmp(xmpp_stanza_get_name(c), "retract") == 0 &&
			   (room = room_jid(xmpp_stanza_get_id(c)))) {
			bookmark_removed(s->app, s->acc, room);
			free(room);
		}
	}
	return true;
}

static int message_handler(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	(void)conn;
	xs_bookmarks_message(ud, st);
	return 1;
}

void xs_bookmarks_register(struct session *s)
{
	xmpp_handler_add(s->conn, message_handler, NULL, "message", NULL, s);
}

/* -- changing ------------------------------------------------------------ */

/* What a publish, retract or private storage set is about. */
struct change {
	unsigned gen;
	struct bookmark b; /* the bookmark set, or only the JID removed */
	bool removing;
};

static void on_changed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct change *ch = ud;

	if (!s->bm || ch->gen != s->bm->gen) {
		/* an answer for a session that is gone */
	} else if (req_ok(reply)) {
		if (ch->removing) {
			bookmark_removed(s->app, s->acc, ch->b.jid);
		} else {
			changed(s, &ch->b);
		}
	} else {
		struct req_error e;

		req_error_parse(reply, &e);
		bookmark_failed(s->app, s->acc, ch->b.jid, ch->removing,
				e.cond, e.text);
		req_error_clear(&e);
		/* private storage: learn again what the server holds */
		if (s->bm->store == BM_STORE_PRIVATE &&
		    s->acc->state == ACC_ONLINE)
			fetch_private(s);
	}
	bookmark_clear(&ch->b);
	free(ch);
}

/* publish-options XEP-0402 asks for: a persistent, private node whose
 * items are never sent as "the last item". */
static void publish_options(xmpp_stanza_t *pubsub)
{
	static const char *const opts[][2] = {
		{ "pubsub#persist_items", "true" },
		{ "pubsub#max_items", "max" },
		{ "pubsub#send_last_published_item", "never" },
		{ "pubsub#access_model", "whitelist" },
	};
	xmpp_stanza_t *po = stanza_add_child(pubsub, "publish-options", NULL);
	xmpp_stanza_t *x = stanza_add_child(po, "x", "jabber:x:data");
	xmpp_stanza_t *f;
	size_t i;

	xmpp_stanza_set_type(x, "submit");
	f = stanza_add_child(x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "FORM_TYPE");
	xmpp_stanza_set_type(f, "hidden");
	stanza_add_text(f, "value",
			"http://jabber.org/protocol/pubsub#publish-options");
	for (i = 0; i < sizeof opts / sizeof *opts; i++) {
		f = stanza_add_child(x, "field", NULL);
		xmpp_stanza_set_attribute(f, "var", opts[i][0]);
		stanza_add_text(f, "value", opts[i][1]);
	}
}

static xmpp_stanza_t *pep_publish(struct session *s, const struct bookmark *b)
{
	xmpp_stanza_t *iq = req_iq(s, "set", NULL, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *ps = stanza_payload(iq);
	xmpp_stanza_t *pub = stanza_add_child(ps, "publish", NULL);
	xmpp_stanza_t *item = stanza_add_child(pub, "item", NULL);
	xmpp_stanza_t *conf = xs_bookmarks_conference(s->ctx, b);

	xmpp_stanza_set_attribute(pub, "node", NS_BOOKMARKS2);
	xmpp_stanza_set_id(item, b->jid);
	xmpp_stanza_add_child(item, conf);
	xmpp_stanza_release(conf);
	publish_options(ps);
	return iq;
}

static xmpp_stanza_t *pep_retract(struct session *s, const char *room)
{
	xmpp_stanza_t *iq = req_iq(s, "set", NULL, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *r = stanza_add_child(stanza_payload(iq), "retract",
					    NULL);

	xmpp_stanza_set_attribute(r, "node", NS_BOOKMARKS2);
	xmpp_stanza_set_attribute(r, "notify", "true");
	xmpp_stanza_set_id(stanza_add_child(r, "item", NULL), room);
	return iq;
}

/* Private storage: the whole <storage/> of want, as it is now. */
static xmpp_stanza_t *private_set(struct session *s)
{
	struct bmstate *bm = s->bm;
	xmpp_stanza_t *iq = req_iq(s, "set", NULL, "query", NS_PRIVATE);
	xmpp_stanza_t *st = xs_bookmarks_storage(s->ctx, &bm->want,
						 bm->storage);

	xmpp_stanza_add_child(stanza_payload(iq), st);
	if (bm->storage)
		xmpp_stanza_release(bm->storage);
	bm->storage = st; /* our reference */
	return iq;
}

static int change(struct app *app, struct account *a, struct change *ch)
{
	struct session *s = session_of(a);
	struct bmstate *bm = s ? s->bm : NULL;
	xmpp_stanza_t *iq;

	(void)app;
	if (a->state != ACC_ONLINE || !bm || bm->store == BM_STORE_NONE) {
		bookmark_clear(&ch->b);
		free(ch);
		return -1;
	}
	ch->gen = bm->gen;
	if (bm->store == BM_STORE_PEP) {
		iq = ch->removing ? pep_retract(s, ch->b.jid) :
				    pep_publish(s, &ch->b);
	} else {
		if (ch->removing) {
			bookmarks_remove(&bm->want, ch->b.jid);
		} else {
			struct bookmark copy;

			bookmark_copy(&copy, &ch->b);
			bookmarks_put(&bm->want, &copy);
		}
		iq = private_set(s);
	}
	req_send(s, iq, on_changed, ch, REQ_TIMEOUT_MS);
	return 0;
}

int xs_bookmark_set(struct app *app, struct account *a,
		    const struct bookmark *b)
{
	struct change *ch = xcalloc(1, sizeof *ch);

	bookmark_copy(&ch->b, b);
	return change(app, a, ch);
}

int xs_bookmark_remove(struct app *app, struct account *a, const char *room)
{
	struct change *ch = xcalloc(1, sizeof *ch);

	ch->b.jid = xstrdup(room);
	ch->removing = true;
	return change(app, a, ch);
}
