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
#include "core/conv.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* The texts of el's <group/>s as a roster_item's groups (roster_groups:
 * a contact's groups cost one block, not one plus one a group); NULL
 * when there are none. */
static char **parse_groups(xmpp_stanza_t *el, size_t *n)
{
	char **texts = NULL, **out;
	xmpp_stanza_t *g;
	size_t i;

	*n = 0;
	for (g = xmpp_stanza_get_children(el); g; g = xmpp_stanza_get_next(g)) {
		char *text;

		if (!xmpp_stanza_is_tag(g) ||
		    strcmp(xmpp_stanza_get_name(g), "group") != 0)
			continue;
		text = stanza_text(g, 0);
		if (!text)
			continue;
		texts = xrealloc(texts, (*n + 1) * sizeof *texts);
		texts[(*n)++] = text;
	}
	out = roster_groups(texts, *n);
	for (i = 0; i < *n; i++)
		free(texts[i]);
	free(texts);
	return out;
}

static void parse_item(xmpp_stanza_t *el, struct roster_item *it)
{
	const char *name = xmpp_stanza_get_attribute(el, "name");
	const char *ask = xmpp_stanza_get_attribute(el, "ask");

	memset(it, 0, sizeof *it);
	it->jid = jid_bare_of(xmpp_stanza_get_attribute(el, "jid"));
	it->name = name && *name ? utf8_sanitize(name, 0) : NULL;
	it->sub = roster_sub_parse(xmpp_stanza_get_attribute(el, "subscription"));
	it->ask = ask && strcmp(ask, "subscribe") == 0;
	it->groups = parse_groups(el, &it->ngroups);
}

/* Parses one <item/> into *it; returns 1, 0 when el is no <item/>, or
 * -1 if it is malformed. *remove says whether it takes the item away. */
static int read_item(xmpp_stanza_t *el, struct roster_item *it, bool *remove)
{
	const char *sub = xmpp_stanza_get_attribute(el, "subscription");

	if (!xmpp_stanza_is_tag(el) ||
	    strcmp(xmpp_stanza_get_name(el), "item") != 0)
		return 0;
	parse_item(el, it);
	if (!it->jid) {
		roster_item_clear(it);
		return -1;
	}
	*remove = sub && strcmp(sub, "remove") == 0;
	return 1;
}

/* The answer to xs_roster_request(): a reply without a type never gets
 * here (request.c waits for a result or an error), and neither an error
 * nor a timeout touches the roster we have. */
static void on_roster_result(struct session *s, xmpp_stanza_t *iq, void *ud)
{
	struct roster fresh;
	xmpp_stanza_t *q, *el;

	(void)ud;
	if (!req_ok(iq)) {
		struct req_error e;

		req_error_parse(iq, &e);
		log_msg(LOG_WARN, "roster", "%s: no roster: %s",
			s->acc->conf->name, e.cond);
		req_error_clear(&e);
		return;
	}
	q = xmpp_stanza_get_child_by_ns(iq, NS_ROSTER);
	/* merged, not rebuilt: presence and unread counts stay */
	roster_init(&fresh);
	for (el = q ? xmpp_stanza_get_children(q) : NULL; el;
	     el = xmpp_stanza_get_next(el)) {
		struct roster_item it;
		bool remove;

		if (read_item(el, &it, &remove) <= 0)
			continue;
		if (remove)
			roster_item_clear(&it);
		else
			roster_put(&fresh, &it);
	}
	roster_loaded(s->app, s->acc, &fresh);
	/* the largest stanza a session gets: once libstrophe has freed it,
	 * its memory can go back to the system */
	s->app->trim_due = true;
}

void xs_roster_request(struct session *s)
{
	req_send(s, req_iq(s, "get", NULL, "query", NS_ROSTER),
		 on_roster_result, NULL, REQ_TIMEOUT_MS);
}

int xs_roster_push(struct session *s, xmpp_stanza_t *iq)
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
	     el = xmpp_stanza_get_next(el)) {
		struct roster_item it;
		bool remove;
		int r = read_item(el, &it, &remove);

		if (r < 0)
			return -1;
		if (r > 0)
			roster_apply(s->app, s->acc, &it, remove);
	}
	return 0;
}

static int roster_iq(struct account *a, xmpp_stanza_t *item)
{
	struct session *s = session_of(a);
	char *id;
	xmpp_stanza_t *iq, *q;

	if (a->state != ACC_ONLINE) {
		xmpp_stanza_release(item);
		return -1;
	}
	id = xmpp_uuid_gen(s->ctx);
	iq = xmpp_iq_new(s->ctx, "set", id);
	q = stanza_add_child(iq, "query", NS_ROSTER);
	xmpp_stanza_add_child(q, item);
	xmpp_stanza_release(item);
	xmpp_free(s->ctx, id);
	/* the server answers with a roster push, which updates the model */
	session_send(s, iq);
	return 0;
}

int xs_roster_set(struct app *app, struct account *a, const char *bare,
		  const char *name, const char *group)
{
	struct session *s = session_of(a);
	struct roster_item *old = roster_get(&a->roster, bare);
	xmpp_stanza_t *item = stanza_new(s->ctx, "item", NULL);
	size_t i;

	(void)app;
	xmpp_stanza_set_attribute(item, "jid", bare);
	if (name)
		xmpp_stanza_set_attribute(item, "name", name);
	else if (old && old->name)
		xmpp_stanza_set_attribute(item, "name", old->name);
	/* a set replaces the groups: keep the old ones unless given one */
	for (i = 0; !group && old && i < old->ngroups; i++)
		stanza_add_text(item, "group", old->groups[i]);
	if (group && *group)
		stanza_add_text(item, "group", group);
	return roster_iq(a, item);
}

int xs_roster_remove(struct app *app, struct account *a, const char *bare)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *item = stanza_new(s->ctx, "item", NULL);

	(void)app;
	xmpp_stanza_set_attribute(item, "jid", bare);
	xmpp_stanza_set_attribute(item, "subscription", "remove");
	return roster_iq(a, item);
}
