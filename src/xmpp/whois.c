/* whois: what /info asks about a contact besides its vCard (vcard.c):
 * how long it has been gone or idle (XEP-0012 jabber:iq:last) and
 * whether it published an avatar (XEP-0084 metadata), and what each
 * online client says it is (its XEP-0030 identity); and what each
 * available presence says besides show and status (XEP-0319 idle
 * since, the XEP-0115 caps node naming the client, the XEP-0153 vCard
 * photo hash), kept per resource by core/presence.
 *
 * Each question is one request (xmpp/request, with its timeout) holding
 * the JID asked and the id of the window /info was typed in; its
 * answer, error or timeout becomes one event (EV_LAST_ACTIVITY,
 * EV_AVATAR, EV_CLIENT_ID) naming both, so ui/ shows it in that window.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/bookmarks.h" /* NS_PUBSUB */
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/vcard.h"
#include "xmpp/xs.h"

/* ---- reading ---- */

long long vcard_parse_last(xmpp_stanza_t *reply, char **status)
{
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_name_and_ns(
					   reply, "query", NS_LAST) :
				   NULL;
	const char *secs = q ? xmpp_stanza_get_attribute(q, "seconds") : NULL;
	char *end, *t;
	long long n;

	*status = NULL;
	if (!secs)
		return -1;
	n = strtoll(secs, &end, 10);
	if (end == secs || *end || n < 0)
		return -1;
	t = stanza_text(q, 0);
	if (t && strlen(t) > VCARD_FIELD_MAX) {
		size_t cut = VCARD_FIELD_MAX;

		while (cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80)
			cut--;
		t[cut] = '\0';
	}
	if (t && !*t) {
		free(t);
		t = NULL;
	}
	*status = t;
	return n;
}

static unsigned attr_uint(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	return v && !*end && n < 1000000000ul ? (unsigned)n : 0;
}

int vcard_parse_avatar(xmpp_stanza_t *reply, size_t *bytes, char **type,
		       unsigned *width, unsigned *height)
{
	xmpp_stanza_t *meta = stanza_item_payload(reply, "metadata",
						  NS_AVATAR_META);
	xmpp_stanza_t *info = meta ? xmpp_stanza_get_child_by_name(meta, "info") :
				     NULL;
	const char *t;

	*bytes = 0;
	*type = NULL;
	*width = *height = 0;
	if (!meta)
		return -1;
	if (!info)
		return 0; /* XEP-0084 4.2: an empty <metadata/> disables it */
	*bytes = attr_uint(info, "bytes");
	*width = attr_uint(info, "width");
	*height = attr_uint(info, "height");
	if ((t = xmpp_stanza_get_attribute(info, "type")) && *t) {
		*type = utf8_sanitize(t, 0);
		if (strlen(*type) > 100)
			(*type)[100] = '\0';
	}
	return 1;
}

/* The sanitised attribute, cut to 100 bytes (between characters);
 * NULL when absent. */
static char *short_attr(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);
	char *t;
	size_t cut = 100;

	if (!v)
		return NULL;
	t = utf8_sanitize(v, 0);
	if (strlen(t) > cut) {
		while (cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80)
			cut--;
		t[cut] = '\0';
	}
	return t;
}

int vcard_parse_identity(xmpp_stanza_t *reply, char **name, char **category,
			 char **type)
{
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_name_and_ns(
					   reply, "query", NS_DISCO_INFO) :
				   NULL;
	xmpp_stanza_t *c, *pick = NULL;

	*name = *category = *type = NULL;
	for (c = q ? xmpp_stanza_get_children(q) : NULL; c;
	     c = xmpp_stanza_get_next(c)) {
		const char *cat;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "identity") != 0)
			continue;
		cat = xmpp_stanza_get_attribute(c, "category");
		if (!pick || (cat && strcmp(cat, "client") == 0 &&
			      !(xmpp_stanza_get_attribute(pick, "category") &&
				strcmp(xmpp_stanza_get_attribute(pick, "category"),
				       "client") == 0)))
			pick = c;
	}
	if (!pick)
		return -1;
	*name = short_attr(pick, "name");
	if (*name && !**name) {
		free(*name);
		*name = NULL;
	}
	*category = short_attr(pick, "category");
	*type = short_attr(pick, "type");
	return 0;
}

char *vcard_presence_extra(xmpp_stanza_t *st, struct presence_extra *x)
{
	xmpp_stanza_t *idle = xmpp_stanza_get_child_by_name_and_ns(st, "idle",
								   NS_IDLE);
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name_and_ns(st, "c",
								NS_CAPS);
	xmpp_stanza_t *up = xmpp_stanza_get_child_by_name_and_ns(
		st, "x", NS_VCARD_UPDATE);
	xmpp_stanza_t *photo = up ? xmpp_stanza_get_child_by_name(up, "photo") :
				    NULL;
	const char *since = idle ? xmpp_stanza_get_attribute(idle, "since") :
				   NULL;
	char *hash;

	memset(x, 0, sizeof *x);
	if (since) {
		long long t = xs_parse_stamp(since);

		x->idle_since_ms = t > 0 ? t : 0;
	}
	x->caps_node = c ? xmpp_stanza_get_attribute(c, "node") : NULL;
	if (!photo)
		return NULL;
	hash = stanza_text(photo, 0);
	if (!hash)
		hash = xstrdup(""); /* <photo/>: no avatar */
	if (strlen(hash) > 100)
		hash[100] = '\0';
	x->avatar_hash = hash;
	return hash;
}

void whois_presence(struct session *s, const char *bare,
		    const char *resource, xmpp_stanza_t *st)
{
	struct presence_extra x;
	char *hash = vcard_presence_extra(st, &x);

	presence_details(s->acc, bare, resource, &x);
	free(hash);
}

/* ---- asking ---- */

struct ask {
	char *jid;
	uint64_t win;
};

static struct ask *ask_new(const char *jid, uint64_t win)
{
	struct ask *a = xcalloc(1, sizeof *a);

	a->jid = xstrdup(jid);
	a->win = win;
	return a;
}

static void ask_free(struct ask *a)
{
	free(a->jid);
	free(a);
}

static void on_last(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .type = EV_LAST_ACTIVITY, .acc = s->acc };
	struct req_error e = { 0 };
	char *status = NULL;

	ev.last_activity.jid = a->jid;
	ev.last_activity.win = a->win;
	ev.last_activity.seconds = vcard_parse_last(reply, &status);
	ev.last_activity.status = status;
	if (ev.last_activity.seconds < 0) {
		req_error_parse(reply, &e);
		ev.last_activity.cond = e.cond;
		ev.last_activity.detail = e.text;
		ev.last_activity.timed_out = reply == NULL;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
	free(status);
	ask_free(a);
}

static void on_avatar(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .type = EV_AVATAR, .acc = s->acc };
	struct req_error e = { 0 };
	char *type = NULL;
	int r = vcard_parse_avatar(reply, &ev.avatar.bytes, &type,
				   &ev.avatar.width, &ev.avatar.height);

	ev.avatar.jid = a->jid;
	ev.avatar.win = a->win;
	ev.avatar.found = r > 0;
	ev.avatar.type = type;
	if (r < 0) {
		req_error_parse(reply, &e);
		/* a result without an item: nothing published */
		ev.avatar.cond = req_ok(reply) ? "item-not-found" : e.cond;
		ev.avatar.detail = req_ok(reply) ? NULL : e.text;
		ev.avatar.timed_out = reply == NULL;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
	free(type);
	ask_free(a);
}

static void on_identity(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct ask *a = ud;
	struct event ev = { .type = EV_CLIENT_ID, .acc = s->acc };
	struct req_error e = { 0 };
	char *name, *category, *type;

	ev.client_id.jid = a->jid;
	ev.client_id.win = a->win;
	ev.client_id.found = vcard_parse_identity(reply, &name, &category,
						  &type) == 0;
	ev.client_id.name = name;
	ev.client_id.category = category;
	ev.client_id.type = type;
	if (!ev.client_id.found && !req_ok(reply)) {
		req_error_parse(reply, &e);
		ev.client_id.cond = e.cond;
		ev.client_id.detail = e.text;
		ev.client_id.timed_out = reply == NULL;
	}
	event_emit(s->app, &ev);
	req_error_clear(&e);
	free(name);
	free(category);
	free(type);
	ask_free(a);
}

static void ask_identity(struct session *s, const char *jid, uint64_t win)
{
	req_send(s, req_iq(s, "get", jid, "query", NS_DISCO_INFO), on_identity,
		 ask_new(jid, win), REQ_TIMEOUT_MS);
}

static void ask_last(struct session *s, const char *jid, uint64_t win)
{
	req_send(s, req_iq(s, "get", jid, "query", NS_LAST), on_last,
		 ask_new(jid, win), REQ_TIMEOUT_MS);
}

static void ask_avatar(struct session *s, const char *bare, uint64_t win)
{
	xmpp_stanza_t *iq = req_iq(s, "get", bare, "pubsub", NS_PUBSUB);
	xmpp_stanza_t *items = stanza_add_child(stanza_payload(iq), "items",
						NULL);

	xmpp_stanza_set_attribute(items, "node", NS_AVATAR_META);
	xmpp_stanza_set_attribute(items, "max_items", "1");
	req_send(s, iq, on_avatar, ask_new(bare, win), REQ_TIMEOUT_MS);
}

int xs_info(struct app *app, struct account *a, const char *bare,
	    uint64_t win)
{
	struct session *s = session_of(a);
	struct roster_item *it = roster_get(&a->roster, bare);
	size_t i;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	vcard_ask(s, bare, win);
	/* online: each client's idle time; offline: since when */
	if (it && it->nres > 0) {
		for (i = 0; i < it->nres; i++) {
			char *full = *it->res[i].name ?
					     xasprintf("%s/%s", bare,
						       it->res[i].name) :
					     xstrdup(bare);

			ask_last(s, full, win);
			if (*it->res[i].name)
				ask_identity(s, full, win);
			free(full);
		}
	} else {
		ask_last(s, bare, win);
	}
	if (strchr(bare, '@'))
		ask_avatar(s, bare, win);
	return 0;
}
