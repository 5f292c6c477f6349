/* marks: chat markers (XEP-0333) and message replies (XEP-0461) on the
 * wire; what they mean to the model is core/marks.c's and
 * core/reply.c's.
 *
 * Every chat and groupchat message natter sends carries <markable/>.
 * A received <displayed id=…/> of type chat (or none) is read as the
 * peer's; one in a room is ignored. We send <displayed/> with a
 * <store/> hint (XEP-0334) so that the archive keeps it for our other
 * devices: to the peer as a chat message, to a room as a groupchat
 * message naming the room's stanza-id.
 *
 * A received reply's <reply id=…/> and the range of its <fallback
 * for='urn:xmpp:reply:0'> (XEP-0428: code points of the body; no <body/>
 * child means the whole body) are read into a struct reply_ref. A reply
 * the user sends is a body made of a fallback quote and the text; the
 * session keeps the newest REPLIES_KEPT of them (struct xsmarks, keyed
 * by that body), so that the stanza builders (delivery.c, muc.c) add
 * the <reply/> and <fallback/> to it when it goes, or goes again in
 * this session. The outbox keeps only bodies: after a restart a waiting
 * reply goes as its body, which still reads as one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/conv.h"
#include "core/marks.h"
#include "core/reply.h"
#include "core/room.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xs.h"

#define REPLIES_KEPT 32

struct sent_reply {
	char *body;   /* fallback and text, as sent */
	char *to;     /* the original's author */
	char *id;     /* the original's id (room: its stanza-id) */
	size_t fb_end; /* the fallback's length in code points */
};

struct xsmarks {
	struct sent_reply r[REPLIES_KEPT]; /* a ring, next the oldest */
	size_t next;
};

static void sent_clear(struct sent_reply *r)
{
	free(r->body);
	free(r->to);
	free(r->id);
	memset(r, 0, sizeof *r);
}

void xs_marks_free(struct session *s)
{
	size_t i;

	if (!s->marks)
		return;
	for (i = 0; i < REPLIES_KEPT; i++)
		sent_clear(&s->marks->r[i]);
	free(s->marks);
	s->marks = NULL;
}


/* A non-negative decimal attribute, or -1. */
static long number_attr(xmpp_stanza_t *el, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(el, name);
	char *end;
	long n;

	if (!v || !*v)
		return -1;
	n = strtol(v, &end, 10);
	return *end || n < 0 ? -1 : n;
}

/* The reply's fallback range in r, when st has one for it. */
static void read_fallback(xmpp_stanza_t *st, const char *body,
			  struct reply_ref *r)
{
	xmpp_stanza_t *c, *b;

	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c)) {
		const char *ns = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_ns(c) :
							  NULL;
		const char *for_ = ns ? xmpp_stanza_get_attribute(c, "for") :
					NULL;
		long a, e;

		if (!ns || strcmp(ns, NS_FALLBACK) != 0 ||
		    strcmp(xmpp_stanza_get_name(c), "fallback") != 0 || !for_ ||
		    strcmp(for_, NS_REPLY) != 0)
			continue;
		b = xmpp_stanza_get_child_by_name(c, "body");
		if (!b) { /* all of the body is fallback */
			r->fallback = true;
			r->fb_start = 0;
			r->fb_end = utf8_count(body);
			return;
		}
		a = number_attr(b, "start");
		e = number_attr(b, "end");
		if (a >= 0 && e > a) {
			r->fallback = true;
			r->fb_start = (size_t)a;
			r->fb_end = (size_t)e;
		}
		return;
	}
}

void xs_marks_parse(xmpp_stanza_t *st, struct msg_in *m,
		    struct reply_ref *r)
{
	xmpp_stanza_t *rep;
	const char *type = xmpp_stanza_get_type(st);

	memset(r, 0, sizeof *r);
	/* XEP-0333: markers only for a message with an id, live (not from
	 * the archive) and not one of ours from another device */
	m->markable = m->id && *m->id && !m->out && !m->archived &&
		      (!type || strcmp(type, "error") != 0) &&
		      xmpp_stanza_get_child_by_name_and_ns(st, "markable",
							   NS_MARKERS);
	rep = xmpp_stanza_get_child_by_name_and_ns(st, "reply", NS_REPLY);
	r->id = rep ? xmpp_stanza_get_attribute(rep, "id") : NULL;
	if (!r->id || !*r->id)
		return;
	read_fallback(st, m->body, r);
	m->reply = r;
}

void xs_marks_read(struct session *s, xmpp_stanza_t *st, const char *peer)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(st, "displayed",
								 NS_MARKERS);
	const char *type = xmpp_stanza_get_type(st);
	const char *id = d ? xmpp_stanza_get_attribute(d, "id") : NULL;

	if (!id || !*id ||
	    (type && (strcmp(type, "groupchat") == 0 ||
		      strcmp(type, "error") == 0)))
		return;
	marks_displayed(s->app, s->acc, peer, id);
}

/* The reply whose body is body, or NULL. */
static struct sent_reply *sent_find(struct session *s, const char *body)
{
	size_t i;

	for (i = 0; s->marks && i < REPLIES_KEPT; i++)
		if (s->marks->r[i].body && strcmp(s->marks->r[i].body, body) == 0)
			return &s->marks->r[i];
	return NULL;
}

void xs_marks_outgoing(struct session *s, xmpp_stanza_t *m, const char *body)
{
	struct sent_reply *r = body ? sent_find(s, body) : NULL;
	xmpp_stanza_t *fb, *b;
	char num[32];

	stanza_add_child(m, "markable", NS_MARKERS);
	if (!r)
		return;
	b = stanza_add_child(m, "reply", NS_REPLY);
	xmpp_stanza_set_attribute(b, "to", r->to);
	xmpp_stanza_set_attribute(b, "id", r->id);
	fb = stanza_add_child(m, "fallback", NS_FALLBACK);
	xmpp_stanza_set_attribute(fb, "for", NS_REPLY);
	b = stanza_add_child(fb, "body", NULL);
	xmpp_stanza_set_attribute(b, "start", "0");
	snprintf(num, sizeof num, "%zu", r->fb_end);
	xmpp_stanza_set_attribute(b, "end", num);
}

int xs_send_displayed(struct app *app, struct account *a, const char *jid,
		      const char *resource, const char *id, bool room)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *m;
	char *to;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	to = resource ? xasprintf("%s/%s", jid, resource) : xstrdup(jid);
	m = xmpp_message_new(s->ctx, room ? "groupchat" : "chat", to, NULL);
	xmpp_stanza_set_attribute(stanza_add_child(m, "displayed", NS_MARKERS),
				  "id", id);
	stanza_add_child(m, "store", NS_HINTS);
	session_send(s, m);
	free(to);
	return 0;
}

int xs_send_reply(struct app *app, struct window *w, const struct line *orig,
		  const char *text)
{
	struct session *s = session_of(w->acc);
	bool room = w->kind == WIN_ROOM;
	const char *nick = orig->nick ? orig->nick : "?";
	struct sent_reply *r;
	size_t cps;
	char *fb, *body;
	int rc;

	/* orig may fall off the ring when our line comes: copy it first */
	char *quote = reply_quote(nick, orig->text, REPLY_QUOTE_CPS);

	fb = reply_fallback(nick, orig->text, &cps);
	body = xasprintf("%s%s", fb, text);
	free(fb);
	if (!s->marks)
		s->marks = xcalloc(1, sizeof *s->marks);
	r = &s->marks->r[s->marks->next];
	s->marks->next = (s->marks->next + 1) % REPLIES_KEPT;
	sent_clear(r);
	r->body = xstrdup(body);
	r->id = xstrdup(room ? orig->sid : orig->id);
	/* XEP-0461: the author; in a conversation the bare JID will do */
	r->to = room ? xasprintf("%s/%s", w->jid, nick) :
		orig->kind == LINE_MSG_OUT && w->acc->bare_jid ?
			xstrdup(w->acc->bare_jid) : xstrdup(w->jid);
	r->fb_end = cps;
	rc = room ? xs_room_send(app, w->acc, w->jid, body) :
		    xs_send_chat(app, w->acc, w->jid, w->resource, body);
	if (rc == 0)
		reply_shown(w, body, text, quote);
	free(quote);
	free(body);
	return rc;
}
