/* roster: fetching the roster and accepting pushes (RFC 6121 section 2).
 *
 * Parses <item/> elements into core roster items. A push is accepted only
 * from our own server: no 'from', or our bare JID (RFC 6121 2.1.6);
 * anything else would let any contact rewrite our roster.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"

static void parse_item(xmpp_stanza_t *el, struct roster_item *it)
{
	const char *name = xmpp_stanza_get_attribute(el, "name");
	const char *ask = xmpp_stanza_get_attribute(el, "ask");
	xmpp_stanza_t *g;

	memset(it, 0, sizeof *it);
	it->jid = jid_bare_of(xmpp_stanza_get_attribute(el, "jid"));
	it->name = name && *name ? xstrdup(name) : NULL;
	it->sub = roster_sub_parse(xmpp_stanza_get_attribute(el, "subscription"));
	it->ask = ask && strcmp(ask, "subscribe") == 0;
	for (g = xmpp_stanza_get_children(el); g; g = xmpp_stanza_get_next(g)) {
		char *text;

		if (!xmpp_stanza_is_tag(g) ||
		    strcmp(xmpp_stanza_get_name(g), "group") != 0)
			continue;
		text = xmpp_stanza_get_text(g);
		if (!text)
			continue;
		it->groups = xrealloc(it->groups,
				      (it->ngroups + 1) * sizeof *it->groups);
		it->groups[it->ngroups++] = xstrdup(text);
		xmpp_free(xmpp_stanza_get_context(el), text);
	}
}

/* Applies one <item/>; returns 0, or -1 if it is malformed. */
static int apply_item(struct roster *r, xmpp_stanza_t *el)
{
	const char *sub = xmpp_stanza_get_attribute(el, "subscription");
	struct roster_item it;

	if (strcmp(xmpp_stanza_get_name(el), "item") != 0)
		return 0;
	parse_item(el, &it);
	if (!it.jid) {
		roster_item_clear(&it);
		return -1;
	}
	if (sub && strcmp(sub, "remove") == 0) {
		roster_remove(r, it.jid);
		roster_item_clear(&it);
		return 0;
	}
	roster_put(r, &it);
	return 0;
}

static int on_roster_result(xmpp_conn_t *conn, xmpp_stanza_t *iq, void *ud)
{
	struct session *s = ud;
	struct roster *r = &s->acc->roster;
	xmpp_stanza_t *q, *el;
	struct event ev = { EV_ROSTER_LOADED, s->acc, 0, NULL };

	(void)conn;
	if (strcmp(xmpp_stanza_get_type(iq), "result") != 0)
		return 0;
	q = xmpp_stanza_get_child_by_ns(iq, NS_ROSTER);
	roster_clear(r);
	for (el = q ? xmpp_stanza_get_children(q) : NULL; el;
	     el = xmpp_stanza_get_next(el))
		if (xmpp_stanza_is_tag(el))
			apply_item(r, el);
	ev.code = (int)r->n;
	event_emit(s->app, &ev);
	return 0;
}

void roster_request(struct session *s)
{
	char *id = xmpp_uuid_gen(s->ctx);
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, "get", id);
	xmpp_stanza_t *q = xmpp_stanza_new(s->ctx);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_ROSTER);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	xmpp_id_handler_add(s->conn, on_roster_result, id, s);
	xmpp_free(s->ctx, id);
	session_send(s, iq);
}

int roster_push(struct session *s, xmpp_stanza_t *iq)
{
	const char *from = xmpp_stanza_get_from(iq);
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(iq, NS_ROSTER), *el;
	char *bare;
	int ok;

	if (from) {
		bare = jid_bare_of(from);
		ok = bare && strcmp(bare, s->acc->bare_jid) == 0;
		free(bare);
		if (!ok)
			return -1;
	}
	for (el = q ? xmpp_stanza_get_children(q) : NULL; el;
	     el = xmpp_stanza_get_next(el))
		if (xmpp_stanza_is_tag(el) && apply_item(&s->acc->roster, el) < 0)
			return -1;
	s->app->dirty = true;
	return 0;
}
