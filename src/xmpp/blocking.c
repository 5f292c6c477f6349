/* blocking: the server's block list (XEP-0191) and spam reports
 * (XEP-0377).
 *
 * When a new session has learned what the server offers (xmpp/features.c),
 * urn:xmpp:blocking there means the list is fetched (which
 * also makes the server push every change to this resource, ours and
 * those another client of the user makes), anything else that blocking
 * is not offered (core/blocklist.h's `support`). A block or unblock we
 * ask for changes the model when the server answers with a result, so
 * its push that follows changes nothing; a push from anyone but our own
 * server (no 'from', or our bare JID) is refused, or any contact could
 * rewrite the list. A report rides inside the block's <item/>, as
 * XEP-0377 says: <report xmlns='urn:xmpp:reporting:1' reason='...'>
 * with an optional <text/>. Unblocking everyone (an empty <unblock/>)
 * asks first, in a yes-or-no dialog.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/app.h"
#include "core/blocklist.h"
#include "core/dialog.h"
#include "core/form.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define REASON_SPAM "urn:xmpp:reporting:spam"
#define REASON_ABUSE "urn:xmpp:reporting:abuse"

/* -- at login -------------------------------------------------------------- */

static enum block_report report_of(xmpp_stanza_t *item)
{
	xmpp_stanza_t *r = xmpp_stanza_get_child_by_name_and_ns(item, "report",
								 NS_REPORTING);
	const char *reason = r ? xmpp_stanza_get_attribute(r, "reason") : NULL;

	if (!r)
		return REPORT_NONE;
	return reason && strcmp(reason, REASON_ABUSE) == 0 ? REPORT_ABUSE :
							     REPORT_SPAM;
}

/* Whether an answer to our login-time requests (ud: the session's
 * block_gen then) is for an earlier session, or came while offline. */
static bool stale(struct session *s, void *ud)
{
	return (uintptr_t)ud != s->block_gen || s->acc->state != ACC_ONLINE;
}

static void on_list(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct blocklist fresh;
	xmpp_stanza_t *q, *c;

	if (stale(s, ud))
		return;
	if (!req_ok(reply)) {
		struct req_error e;

		req_error_parse(reply, &e);
		log_msg(LOG_WARN, "blocking", "%s: no block list: %s",
			s->acc->conf->name, e.cond);
		req_error_clear(&e);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "blocklist",
						 NS_BLOCKING);
	blocklist_init(&fresh);
	for (c = q ? xmpp_stanza_get_children(q) : NULL; c;
	     c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c) &&
		    strcmp(xmpp_stanza_get_name(c), "item") == 0)
			blocklist_add(&fresh, xmpp_stanza_get_attribute(c, "jid"));
	blocklist_loaded(s->app, s->acc, &fresh);
}

void blocking_connected(struct session *s)
{
	s->acc->blocklist.support = BLOCK_UNKNOWN;
	s->acc->blocklist.loaded = false;
	s->block_gen++;
}

void blocking_features(struct session *s)
{
	bool offered = features_server(s, NS_BLOCKING);

	log_msg(LOG_INFO, "blocking", "%s: the server %s blocking",
		s->acc->conf->name, offered ? "offers" : "does not offer");
	blocklist_offered(s->app, s->acc, offered ? BLOCK_OFFERED : BLOCK_NONE);
	if (offered)
		req_send(s, req_iq(s, "get", NULL, "blocklist", NS_BLOCKING),
			 on_list, (void *)(uintptr_t)s->block_gen,
			 REQ_TIMEOUT_MS);
}

/* -- pushes ---------------------------------------------------------------- */

int blocking_push(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *p)
{
	const char *from = xmpp_stanza_get_from(iq);
	bool block = strcmp(xmpp_stanza_get_name(p), "block") == 0;
	xmpp_stanza_t *c;
	bool any = false;

	/* the server speaks for the account as its bare JID, never as
	 * one of its resources */
	if (from) {
		bool ours = s->acc->bare_jid &&
			    strcasecmp(from, s->acc->bare_jid) == 0;

		if (!ours) {
			log_msg(LOG_WARN, "blocking", "%s: block list push from "
				"%s refused", s->acc->conf->name, from);
			return -1;
		}
	}
	for (c = xmpp_stanza_get_children(p); c; c = xmpp_stanza_get_next(c)) {
		const char *jid;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "item") != 0)
			continue;
		jid = xmpp_stanza_get_attribute(c, "jid");
		if (!jid)
			continue;
		any = true;
		if (block)
			blocklist_blocked(s->app, s->acc, jid, report_of(c));
		else
			blocklist_unblocked(s->app, s->acc, jid);
	}
	/* an <unblock/> without items empties the list */
	if (!block && !any)
		blocklist_unblocked(s->app, s->acc, NULL);
	return 0;
}

/* -- changing -------------------------------------------------------------- */

/* What a block or an unblock we sent was about. */
struct change {
	char *jid; /* NULL: unblocking everyone */
	bool unblock;
	enum block_report report;
};

static void change_free(struct change **c)
{
	free((*c)->jid);
	free(*c);
	*c = NULL;
}

static void on_changed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct change *c = ud;

	if (req_ok(reply)) {
		if (c->unblock)
			blocklist_unblocked(s->app, s->acc, c->jid);
		else
			blocklist_blocked(s->app, s->acc, c->jid, c->report);
	} else {
		struct req_error e;

		req_error_parse(reply, &e);
		blocklist_failed(s->app, s->acc, c->jid, c->unblock, e.cond,
				 e.text);
		req_error_clear(&e);
	}
	change_free(&c);
}

int xs_block(struct app *app, struct account *a, const char *jid,
	     int report, const char *text)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq, *item, *r;
	struct change *c;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = req_iq(s, "set", NULL, "block", NS_BLOCKING);
	item = stanza_add_child(stanza_payload(iq), "item", NULL);
	xmpp_stanza_set_attribute(item, "jid", jid);
	if (report != REPORT_NONE) {
		r = stanza_add_child(item, "report", NS_REPORTING);
		xmpp_stanza_set_attribute(r, "reason", report == REPORT_ABUSE ?
							      REASON_ABUSE :
							      REASON_SPAM);
		if (text && *text)
			stanza_add_text(r, "text", text);
	}
	c = xcalloc(1, sizeof *c);
	c->jid = xstrdup(jid);
	c->report = (enum block_report)report;
	req_send(s, iq, on_changed, c, REQ_TIMEOUT_MS);
	return 0;
}

int xs_unblock(struct app *app, struct account *a, const char *jid)
{
	struct session *s = session_of(a);
	xmpp_stanza_t *iq;
	struct change *c;

	(void)app;
	if (a->state != ACC_ONLINE)
		return -1;
	iq = req_iq(s, "set", NULL, "unblock", NS_BLOCKING);
	xmpp_stanza_set_attribute(
		stanza_add_child(stanza_payload(iq), "item", NULL), "jid", jid);
	c = xcalloc(1, sizeof *c);
	c->jid = xstrdup(jid);
	c->unblock = true;
	req_send(s, iq, on_changed, c, REQ_TIMEOUT_MS);
	return 0;
}

/* -- unblocking everyone, after asking ---------------------------------- */

static void on_all_unblocked(struct session *s, xmpp_stanza_t *reply,
			     void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct req_error e;

	if (req_ok(reply)) {
		blocklist_unblocked(s->app, s->acc, NULL);
		if (d)
			app_close_window(s->app, w);
		return;
	}
	req_error_parse(reply, &e);
	if (d)
		dialog_set_failure(d, e.cond, e.text);
	else
		blocklist_failed(s->app, s->acc, NULL, true, e.cond, e.text);
	req_error_clear(&e);
}

static void unblock_all_submit(struct app *app, struct window *w,
			       unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);

	(void)app;
	(void)action;
	d->busy = true;
	req_send(s, req_iq(s, "set", NULL, "unblock", NS_BLOCKING),
		 on_all_unblocked, forms_ud(w), REQ_TIMEOUT_MS);
}

static const struct dialog_ops unblock_all_ops = {
	"unblock", DLG_NEEDS_ONLINE | DLG_YESNO, unblock_all_submit, NULL,
};

long xs_unblock_all_open(struct app *app, struct account *a)
{
	struct dialog *d;
	struct form f = { 0 };
	struct form_field *fl;
	char *text;
	size_t n = a->blocklist.n;

	if (a->state != ACC_ONLINE)
		return -1;
	d = dialog_new(&unblock_all_ops, a, a->bare_jid);
	f.type = xstrdup("form");
	f.title = xasprintf("Unblock everyone %s blocks?", a->bare_jid);
	fl = form_add_field(&f, FIELD_FIXED, NULL);
	text = xasprintf("%zu %s will be able to write to you and see your "
			 "presence again.", n, n == 1 ? "entry" : "entries");
	form_field_set(fl, text);
	free(text);
	dialog_set_form(d, &f);
	forms_open(app, d, "unblock everyone");
	return (long)app->cur_win;
}
