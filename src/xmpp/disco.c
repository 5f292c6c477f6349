/* disco: the service discovery browser's queries (XEP-0030).
 *
 * Listing an entity asks for its disco#items, then for each item's
 * disco#info, all at once; every answer (or failure, or timeout) counts
 * one more towards "Scanning n/m". Answers carry the window id, the
 * listing's generation and the item's index, so an answer for a closed
 * window or an older listing is dropped. Ad-hoc command lists (node
 * http://jabber.org/protocol/commands) need no info: each item is a
 * command.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/disco.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* At most this many items get an info query: a huge directory is listed
 * but not probed item by item. */
#define DISCO_MAX_INFO 200

struct disco_ask {
	uint64_t win;
	unsigned gen;
	size_t idx; /* the item, or (size_t)-1 for the items request */
};

static struct disco_ask *ask_new(struct window *w, size_t idx)
{
	struct disco_ask *q = xmalloc(sizeof *q);

	q->win = w->id;
	q->gen = w->disco->gen;
	q->idx = idx;
	return q;
}

/* The browser the answer belongs to, if it still shows that listing. */
static struct disco *disco_of(struct session *s, struct disco_ask *q)
{
	struct window *w = app_window_by_id(s->app, q->win);

	if (!w || w->kind != WIN_DISCO || w->disco->gen != q->gen)
		return NULL;
	s->app->dirty = true;
	return w->disco;
}

static char *attr(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);

	return v ? utf8_sanitize(v, 0) : NULL;
}

static const struct {
	const char *ns;
	unsigned flag;
} offer_features[] = {
	{ NS_REGISTER, DISCO_REGISTER }, { NS_COMMANDS, DISCO_COMMANDS },
	{ NS_MUC, DISCO_MUC },           { NS_SEARCH, DISCO_SEARCH },
	{ NS_GATEWAY, DISCO_GATEWAY },   { NS_DISCO_ITEMS, DISCO_ITEMS },
};

void xs_disco_parse_info(xmpp_stanza_t *q, struct disco_item *it)
{
	xmpp_stanza_t *c;
	size_t k;

	for (c = xmpp_stanza_get_children(q); c; c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_is_tag(c) ?
					   xmpp_stanza_get_name(c) : "";

		if (strcmp(name, "identity") == 0) {
			char *cat = attr(c, "category"), *type = attr(c, "type");
			char *nm = attr(c, "name");

			disco_item_add_identity(it, cat, type, nm);
			free(cat);
			free(type);
			free(nm);
		} else if (strcmp(name, "feature") == 0) {
			const char *var = xmpp_stanza_get_attribute(c, "var");

			for (k = 0; var && k < sizeof offer_features /
							 sizeof *offer_features;
			     k++)
				if (strcmp(var, offer_features[k].ns) == 0)
					it->offers |= offer_features[k].flag;
		}
	}
}

void xs_disco_parse_items(xmpp_stanza_t *items, struct disco *d)
{
	xmpp_stanza_t *c;

	for (c = xmpp_stanza_get_children(items); c; c = xmpp_stanza_get_next(c)) {
		char *jid, *node, *name;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "item") != 0)
			continue;
		jid = attr(c, "jid");
		node = attr(c, "node");
		name = attr(c, "name");
		if (jid && !disco_find(d, jid, node))
			disco_add_item(d, jid, node, name);
		free(jid);
		free(node);
		free(name);
	}
}

static void on_info(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct disco_ask *q = ud;
	struct disco *d = disco_of(s, q);
	xmpp_stanza_t *info;

	if (d && q->idx < d->nitems) {
		struct disco_item *it = &d->items[q->idx];

		info = req_ok(reply) ?
			       xmpp_stanza_get_child_by_ns(reply, NS_DISCO_INFO) :
			       NULL;
		if (info) {
			xs_disco_parse_info(info, it);
			disco_item_done(d, it, NULL);
			if (!it->node)
				gateway_verdict(s, it->jid,
						disco_ids_gateway(it->ids, it->nids));
		} else {
			struct req_error e;

			req_error_parse(reply, &e);
			disco_item_done(d, it, e.cond);
			req_error_clear(&e);
		}
	}
	free(q);
}

static xmpp_stanza_t *disco_iq(struct session *s, const char *ns,
			       const char *jid, const char *node)
{
	xmpp_stanza_t *iq = req_iq(s, "get", jid, "query", ns);

	if (node)
		xmpp_stanza_set_attribute(stanza_payload(iq), "node", node);
	return iq;
}

static void on_items(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct disco_ask *q = ud;
	struct window *w = app_window_by_id(s->app, q->win);
	struct disco *d = disco_of(s, q);
	xmpp_stanza_t *items;
	size_t i;

	free(q);
	if (!d)
		return;
	d->listed = true;
	items = req_ok(reply) ? xmpp_stanza_get_child_by_ns(reply, NS_DISCO_ITEMS) :
				NULL;
	if (!items) {
		struct req_error e;

		req_error_parse(reply, &e);
		d->error = xstrdup(e.cond);
		req_error_clear(&e);
		return;
	}
	xs_disco_parse_items(items, d);
	for (i = 0; i < d->nitems; i++) {
		struct disco_item *it = &d->items[i];

		if (d->commands || i >= DISCO_MAX_INFO) {
			disco_item_done(d, it, NULL);
			continue;
		}
		req_send(s, disco_iq(s, NS_DISCO_INFO, it->jid, it->node),
			 on_info, ask_new(w, i), REQ_TIMEOUT_MS);
	}
}

void xs_disco_refresh(struct app *app, struct window *w)
{
	struct disco *d = w->disco;
	const struct disco_place *p;
	struct session *s;

	if (!d)
		return;
	disco_reset(d);
	app->dirty = true;
	if (d->acc->state != ACC_ONLINE) {
		d->listed = true;
		d->error = xstrdup("not-connected");
		return;
	}
	s = session_of(d->acc);
	p = disco_here(d);
	d->commands = p->node && strcmp(p->node, NS_COMMANDS) == 0;
	req_send(s, disco_iq(s, NS_DISCO_ITEMS, p->jid, p->node), on_items,
		 ask_new(w, (size_t)-1), REQ_TIMEOUT_MS);
}

long xs_disco_open(struct app *app, struct account *a, const char *jid,
		   const char *node, bool gateways)
{
	struct window *w;
	char *name;

	if (a->state != ACC_ONLINE)
		return -1;
	name = xasprintf("%s %s", gateways ? "transports" :
				  node && strcmp(node, NS_COMMANDS) == 0 ? "commands" :
									  "disco",
			 jid);
	w = win_new(WIN_DISCO, name, 16);
	free(name);
	w->acc = a;
	w->disco = disco_new(a, jid, node);
	w->disco->gateways = gateways;
	app_add_window(app, w);
	xs_disco_refresh(app, w);
	return (long)app->cur_win;
}

long xs_commands_open(struct app *app, struct account *a, const char *jid)
{
	return xs_disco_open(app, a, jid, NS_COMMANDS, false);
}
