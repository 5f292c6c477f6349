/* stanza: building and reading the elements of stanzas (see stanza.h).
 *
 * Every element is made in its parent's libstrophe context, so callers
 * pass a context only when there is no parent yet (stanza_new).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/jid.h"
#include "util/utf8.h"
#include "xmpp/bookmarks.h" /* NS_PUBSUB */
#include "xmpp/ns.h"
#include "xmpp/stanza.h"

xmpp_stanza_t *stanza_new(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
	xmpp_stanza_t *e = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(e, name);
	if (ns)
		xmpp_stanza_set_ns(e, ns);
	return e;
}

xmpp_stanza_t *stanza_add_child(xmpp_stanza_t *parent, const char *name,
				const char *ns)
{
	xmpp_stanza_t *e = stanza_new(xmpp_stanza_get_context(parent), name,
				      ns);

	xmpp_stanza_add_child(parent, e);
	xmpp_stanza_release(e);
	return e;
}

void stanza_add_text(xmpp_stanza_t *parent, const char *name,
		     const char *text)
{
	xmpp_stanza_t *e = stanza_add_child(parent, name, NULL);
	xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(e, t);
	xmpp_stanza_release(t);
}

xmpp_stanza_t *stanza_payload(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;

	for (c = st ? xmpp_stanza_get_children(st) : NULL; c;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "error") != 0)
			return c;
	return NULL;
}

char *stanza_text(xmpp_stanza_t *el, int flags)
{
	xmpp_stanza_t *c = el ? xmpp_stanza_get_children(el) : NULL;
	const char *only;
	char *t, *clean;

	/* one text node (a body, a status: nearly every text) is read in
	 * place; xmpp_stanza_get_text() would copy it first */
	if (c && xmpp_stanza_is_text(c) && !xmpp_stanza_get_next(c)) {
		only = xmpp_stanza_get_text_ptr(c);
		return only && *only ? utf8_sanitize(only, flags) : NULL;
	}
	t = el ? xmpp_stanza_get_text(el) : NULL;
	if (!t)
		return NULL;
	clean = utf8_sanitize(t, flags);
	xmpp_free(xmpp_stanza_get_context(el), t);
	return clean;
}

char *stanza_child_text(xmpp_stanza_t *st, const char *name)
{
	return stanza_text(st ? xmpp_stanza_get_child_by_name(st, name) : NULL,
			   UTF8_KEEP_NEWLINES);
}

static bool same_bare(const char *jid, const char *bare)
{
	char *b = jid_bare_of(jid);
	bool same = b && strcmp(b, bare) == 0;

	free(b);
	return same;
}

void stanza_sids(xmpp_stanza_t *st, const char *by, char **sid, char **oid)
{
	xmpp_stanza_t *c;
	const char *v;

	*sid = *oid = NULL;
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		/* the name first: it is at hand, where the namespace and
		 * the attributes are looked up (every room line has a body
		 * to pass by) */
		const char *name = xmpp_stanza_is_tag(c) ?
					   xmpp_stanza_get_name(c) : NULL;
		bool stanza_id = name && strcmp(name, "stanza-id") == 0;
		const char *ns, *who;

		if (!stanza_id && !(name && strcmp(name, "origin-id") == 0))
			continue;
		ns = xmpp_stanza_get_ns(c);
		if (!ns || strcmp(ns, NS_SID) != 0 ||
		    !(v = xmpp_stanza_get_attribute(c, "id")) || !*v)
			continue;
		who = xmpp_stanza_get_attribute(c, "by");
		if (stanza_id && !*sid && who && by && same_bare(who, by))
			*sid = utf8_sanitize(v, 0);
		else if (!stanza_id && !*oid)
			*oid = utf8_sanitize(v, 0);
	}
}

bool stanza_has_feature(xmpp_stanza_t *query, const char *var)
{
	xmpp_stanza_t *c;

	for (c = query ? xmpp_stanza_get_children(query) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *v;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "feature") != 0)
			continue;
		v = xmpp_stanza_get_attribute(c, "var");
		if (v && strcmp(v, var) == 0)
			return true;
	}
	return false;
}

xmpp_stanza_t *stanza_item_payload(xmpp_stanza_t *reply, const char *name,
				   const char *ns)
{
	const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;
	xmpp_stanza_t *ps, *items, *item;

	if (!type || strcmp(type, "result") != 0)
		return NULL;
	ps = xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", NS_PUBSUB);
	items = ps ? xmpp_stanza_get_child_by_name(ps, "items") : NULL;
	item = items ? xmpp_stanza_get_child_by_name(items, "item") : NULL;
	return item ? xmpp_stanza_get_child_by_name_and_ns(item, name, ns) :
		      NULL;
}

bool stanza_has_child(xmpp_stanza_t *st, const char *name, const char *ns)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_ns(st, ns);
	const char *n = c ? xmpp_stanza_get_name(c) : NULL;

	return n && strcmp(n, name) == 0;
}
