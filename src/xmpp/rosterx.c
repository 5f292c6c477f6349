/* rosterx: roster changes suggested by someone else (XEP-0144).
 *
 * Gateways send their legacy contacts this way. A suggestion is never
 * applied silently: the items are shown in a dialog (rosterx_ops), one
 * checkbox each, and only the ones left checked are applied. What may be
 * suggested is narrow: a service (a JID without '@') must be a gateway
 * we registered with and may only speak for JIDs under its own domain;
 * a person must be in our roster. Everything else is refused and the
 * user is told what was.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/app.h"
#include "core/conv.h"
#include "core/dialog.h"
#include "util/jid.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

static bool sender_trusted(struct account *a, const char *from)
{
	struct roster_item *it;

	if (!strchr(from, '@'))
		return account_is_gateway(a, from);
	it = roster_get(&a->roster, from);
	return it && it->sub != SUB_NONE;
}

/* A gateway speaks only for its own domain: user@gateway. */
static bool in_scope(const char *from, const char *jid)
{
	const char *at = strchr(jid, '@');

	if (strchr(from, '@'))
		return true;
	return at && strcmp(at + 1, from) == 0;
}

static enum rx_action action_of(const char *a)
{
	if (a && strcmp(a, "delete") == 0)
		return RX_DELETE;
	if (a && strcmp(a, "modify") == 0)
		return RX_MODIFY;
	return RX_ADD;
}

/* The JIDs refused from one suggestion, for EV_ROSTERX_REFUSED. */
struct refused {
	char **jids;
	size_t n, cap;
};

static void refuse(struct refused *r, char *jid)
{
	xgrow((void **)&r->jids, &r->cap, r->n + 1, sizeof *r->jids);
	r->jids[r->n++] = jid;
}

/* Whether applying the item would change anything. */
static bool useful(struct account *a, enum rx_action act, const char *jid)
{
	struct roster_item *it = roster_get(&a->roster, jid);

	if (act == RX_ADD)
		return !it;
	return it != NULL;
}

static void rosterx_submit(struct app *app, struct window *w,
			   unsigned action);

static const struct dialog_ops rosterx_ops = {
	"apply", DLG_NEEDS_ONLINE, rosterx_submit, NULL,
};

static void offer(struct session *s, const char *from, xmpp_stanza_t *x)
{
	struct account *a = s->acc;
	struct dialog *d = dialog_new(&rosterx_ops, a, from);
	struct refused refused = { 0 };
	char *name;
	size_t i;
	xmpp_stanza_t *c;
	struct form f = { 0 };

	f.type = xstrdup("form");
	f.title = xasprintf("%s suggests changes to your roster", from);
	f.instructions = xcalloc(1, sizeof *f.instructions);
	f.instructions[f.ninstructions++] = xstrdup(
		"Space unticks what you do not want; Ctrl-S applies the rest.");
	dialog_set_form(d, &f);
	for (c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c)) {
		const char *raw;
		char *jid, *nm, *group;
		enum rx_action act;

		if (!xmpp_stanza_is_tag(c) ||
		    strcmp(xmpp_stanza_get_name(c), "item") != 0)
			continue;
		raw = xmpp_stanza_get_attribute(c, "jid");
		jid = raw ? jid_bare_of(raw) : NULL;
		if (!jid)
			continue;
		act = action_of(xmpp_stanza_get_attribute(c, "action"));
		if (!in_scope(from, jid) || strcmp(jid, a->bare_jid) == 0) {
			refuse(&refused, utf8_sanitize(jid, 0));
			free(jid);
			continue;
		}
		if (!useful(a, act, jid)) {
			free(jid);
			continue;
		}
		nm = xmpp_stanza_get_attribute(c, "name") ?
			     utf8_sanitize(xmpp_stanza_get_attribute(c, "name"), 0) :
			     NULL;
		group = stanza_child_text(c, "group");
		if (group && (!*group || strchr(group, '\n')))
			xfree(&group);
		dialog_add_rx(d, act, jid, nm, group);
		free(jid);
		free(nm);
		free(group);
	}
	if (refused.n) {
		struct event ev = { .type = EV_ROSTERX_REFUSED, .acc = a,
				    .rosterx_refused = {
					    .from = from, .n = refused.n,
					    .jids = (const char *const *)
							    refused.jids } };

		event_emit(s->app, &ev);
	}
	for (i = 0; i < refused.n; i++)
		free(refused.jids[i]);
	free(refused.jids);
	if (!d->nitems) {
		dialog_free(&d);
		return;
	}
	name = xasprintf("roster from %s", from);
	/* the dialog waits in its own window; the user is told */
	account_rx_offered(s->app, a, forms_window_new(d, name), from);
	free(name);
}

static int handle(struct session *s, const char *from_full, xmpp_stanza_t *x)
{
	char *from = jid_bare_of(from_full);

	if (!from)
		return 0;
	if (!sender_trusted(s->acc, from)) {
		log_msg(LOG_INFO, "rosterx", "ignored suggestions from a stranger");
		free(from);
		return 0;
	}
	offer(s, from, x);
	free(from);
	return 1;
}

int rosterx_message(struct session *s, xmpp_stanza_t *msg)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(msg, "x",
								 NS_ROSTERX);
	const char *from = xmpp_stanza_get_from(msg);

	if (!x || !from)
		return 0;
	return handle(s, from, x);
}

int rosterx_iq(struct session *s, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
	const char *from = xmpp_stanza_get_from(iq);

	if (!from)
		return -1;
	return handle(s, from, query) ? 0 : -1;
}

/* Applies the suggestions left checked, then closes the dialog. */
static void rosterx_submit(struct app *app, struct window *w,
			   unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	size_t i, k = 0;

	(void)app;
	(void)action;
	for (i = 0; i < d->form.nfields && k < d->nitems; i++) {
		struct form_field *fl = &d->form.fields[i];
		struct rx_item *it;

		if (fl->type != FIELD_BOOLEAN)
			continue;
		it = &d->items[k++];
		if (!dialog_bool(fl))
			continue;
		if (it->action == RX_DELETE) {
			xs_roster_remove(s->app, s->acc, it->jid);
		} else {
			xs_roster_set(s->app, s->acc, it->jid, it->name, it->group);
			if (it->action == RX_ADD)
				xs_subscription(s->app, s->acc, it->jid,
						"subscribe");
		}
	}
	app_close_window(s->app, w);
}
