/* request: IQ requests with a callback and a timeout (see request.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"

struct pending {
	struct session *s;
	char *id;
	req_fn fn;
	void *ud;
	loop_timer_id timer;
	struct pending *next;
};

static void unlink_pending(struct pending *p)
{
	struct pending **pp;

	for (pp = &p->s->app->xs->pendings; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static void pending_free(struct pending *p)
{
	free(p->id);
	free(p);
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct pending *p = ud;
	const char *type = xmpp_stanza_get_type(st);

	(void)conn;
	/* a get/set that happens to reuse our id is not an answer */
	if (!type || (strcmp(type, "result") && strcmp(type, "error")))
		return 1;
	loop_timer_cancel(p->s->app->loop, p->timer);
	unlink_pending(p);
	p->fn(p->s, st, p->ud);
	pending_free(p);
	return 0;
}

static void on_timeout(struct loop *l, void *ud)
{
	struct pending *p = ud;

	(void)l;
	xmpp_id_handler_delete(p->s->conn, on_reply, p->id);
	unlink_pending(p);
	p->fn(p->s, NULL, p->ud);
	pending_free(p);
}

void req_send(struct session *s, xmpp_stanza_t *iq, req_fn fn, void *ud,
	      uint64_t timeout_ms)
{
	struct pending *p = xcalloc(1, sizeof *p);
	const char *id = xmpp_stanza_get_id(iq);

	if (!id) {
		char *uid = xmpp_uuid_gen(s->ctx);

		xmpp_stanza_set_id(iq, uid);
		xmpp_free(s->ctx, uid);
		id = xmpp_stanza_get_id(iq);
	}
	p->s = s;
	p->id = xstrdup(id);
	p->fn = fn;
	p->ud = ud;
	p->next = s->app->xs->pendings;
	s->app->xs->pendings = p;
	xmpp_id_handler_add(s->conn, on_reply, p->id, p);
	p->timer = loop_timer_add(s->app->loop, timeout_ms, on_timeout, p);
	session_send(s, iq);
}

void req_end_all(struct app *app)
{
	struct xs *xs = app->xs;

	while (xs->pendings) {
		struct pending *p = xs->pendings;

		xs->pendings = p->next;
		xmpp_id_handler_delete(p->s->conn, on_reply, p->id);
		loop_timer_cancel(p->s->app->loop, p->timer);
		p->fn(p->s, NULL, p->ud);
		pending_free(p);
	}
}

int req_ok(xmpp_stanza_t *reply)
{
	const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;

	return type && strcmp(type, "result") == 0;
}

/* XEP-0086: the conditions behind the old numeric error codes. */
static const struct {
	int code;
	const char *cond;
} legacy_codes[] = {
	{ 302, "redirect" }, { 400, "bad-request" },
	{ 401, "not-authorized" }, { 402, "payment-required" },
	{ 403, "forbidden" }, { 404, "item-not-found" },
	{ 405, "not-allowed" }, { 406, "not-acceptable" },
	{ 407, "registration-required" }, { 408, "remote-server-timeout" },
	{ 409, "conflict" }, { 500, "internal-server-error" },
	{ 501, "feature-not-implemented" }, { 502, "service-unavailable" },
	{ 503, "service-unavailable" }, { 504, "remote-server-timeout" },
	{ 510, "service-unavailable" },
};

static const char *legacy_cond(int code)
{
	size_t i;

	for (i = 0; i < sizeof legacy_codes / sizeof *legacy_codes; i++)
		if (legacy_codes[i].code == code)
			return legacy_codes[i].cond;
	return "undefined-condition";
}

void req_error_parse(xmpp_stanza_t *reply, struct req_error *e)
{
	xmpp_stanza_t *err, *c;
	const char *code, *type;

	memset(e, 0, sizeof *e);
	if (!reply) {
		e->cond = xstrdup("remote-server-timeout");
		return;
	}
	err = xmpp_stanza_get_child_by_name(reply, "error");
	if (!err) {
		e->cond = xstrdup("undefined-condition");
		return;
	}
	code = xmpp_stanza_get_attribute(err, "code");
	type = xmpp_stanza_get_type(err);
	e->code = code ? atoi(code) : 0;
	e->type = type ? utf8_sanitize(type, 0) : NULL;
	for (c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
		const char *ns = xmpp_stanza_get_ns(c);

		if (!xmpp_stanza_is_tag(c) || !ns || strcmp(ns, NS_STANZAS))
			continue;
		if (strcmp(xmpp_stanza_get_name(c), "text") == 0) {
			if (!e->text)
				e->text = stanza_text(c, UTF8_KEEP_NEWLINES);
		} else if (!e->cond) {
			e->cond = utf8_sanitize(xmpp_stanza_get_name(c), 0);
		}
	}
	if (!e->text) {
		/* legacy errors carry their text as the element's own */
		char *t = xmpp_stanza_get_text(err);

		if (t && *t)
			e->text = utf8_sanitize(t, UTF8_KEEP_NEWLINES);
		xmpp_free(xmpp_stanza_get_context(err), t);
	}
	if (!e->cond)
		e->cond = xstrdup(legacy_cond(e->code));
}

void req_error_clear(struct req_error *e)
{
	free(e->cond);
	free(e->type);
	free(e->text);
	memset(e, 0, sizeof *e);
}

xmpp_stanza_t *req_iq(struct session *s, const char *type, const char *to,
		      const char *name, const char *ns)
{
	xmpp_stanza_t *iq = xmpp_iq_new(s->ctx, type, NULL);

	if (to)
		xmpp_stanza_set_to(iq, to);
	if (name)
		stanza_add_child(iq, name, ns);
	return iq;
}
