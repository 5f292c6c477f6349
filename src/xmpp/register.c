/* register: in-band registration with a service (XEP-0077), and leaving.
 *
 * Fetching a form fills a registration dialog (register_ops): an XEP-0004 data form
 * when the service sends one, else its legacy fields, else only an
 * out-of-band URL. Submitting sends the form back; success ends the
 * dialog and prepares the XEP-0100 handshake (the gateway's subscription
 * request will be approved, see gateway.c). Leaving asks first, in a
 * yes-or-no dialog (leave_ops), then sends <remove/> and takes the
 * gateway and all its contacts out of the roster.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

/* XEP-0077 section 14.1's fields, with the labels we show them under. */
static const struct {
	const char *name;
	const char *label;
	enum field_type type;
} legacy_fields[] = {
	{ "username", "Username", FIELD_TEXT_SINGLE },
	{ "nick", "Nickname", FIELD_TEXT_SINGLE },
	{ "password", "Password", FIELD_TEXT_PRIVATE },
	{ "name", "Full name", FIELD_TEXT_SINGLE },
	{ "first", "First name", FIELD_TEXT_SINGLE },
	{ "last", "Last name", FIELD_TEXT_SINGLE },
	{ "email", "E-mail", FIELD_TEXT_SINGLE },
	{ "address", "Street", FIELD_TEXT_SINGLE },
	{ "city", "City", FIELD_TEXT_SINGLE },
	{ "state", "State", FIELD_TEXT_SINGLE },
	{ "zip", "Postal code", FIELD_TEXT_SINGLE },
	{ "phone", "Phone", FIELD_TEXT_SINGLE },
	{ "url", "Web page", FIELD_TEXT_SINGLE },
	{ "date", "Date", FIELD_TEXT_SINGLE },
	{ "misc", "Other", FIELD_TEXT_SINGLE },
	{ "text", "Text", FIELD_TEXT_SINGLE },
	{ "key", NULL, FIELD_HIDDEN },
};

static int legacy_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof legacy_fields / sizeof *legacy_fields; i++)
		if (strcmp(legacy_fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool is(xmpp_stanza_t *el, const char *name, const char *ns)
{
	const char *n = xmpp_stanza_get_ns(el);

	return xmpp_stanza_is_tag(el) &&
	       strcmp(xmpp_stanza_get_name(el), name) == 0 &&
	       (!ns || (n && strcmp(n, ns) == 0));
}

static void add_legacy(struct form *f, xmpp_stanza_t *el, int k, bool edit)
{
	struct form_field *fl;
	char *v = stanza_text(el, 0);

	fl = form_add_field(f, legacy_fields[k].type, legacy_fields[k].name);
	if (legacy_fields[k].label)
		fl->label = xstrdup(legacy_fields[k].label);
	/* a legacy form asks for every field it lists (XEP-0077 3.1), but
	 * when editing, what is left empty is left unchanged */
	fl->required = !edit && legacy_fields[k].type != FIELD_HIDDEN;
	if (v)
		form_field_set(fl, v);
	free(v);
}

void register_parse(xmpp_stanza_t *query, struct dialog *d)
{
	struct form f = { 0 };
	xmpp_stanza_t *c, *x = NULL;
	char *instr = NULL;

	for (c = xmpp_stanza_get_children(query); c; c = xmpp_stanza_get_next(c)) {
		if (is(c, "registered", NULL))
			d->edit = true;
		else if (is(c, "x", NS_DATA))
			x = c;
		else if (is(c, "x", NS_OOB)) {
			/* a URL is one line: no newline kept */
			char *url = stanza_child_text(c, "url");

			free(d->url);
			d->url = url ? utf8_sanitize(url, 0) : NULL;
			free(url);
		}
	}
	instr = stanza_child_text(query, "instructions");
	if (x && dataform_parse(x, &f) == 0) {
		d->legacy = false;
	} else {
		d->legacy = true;
		f.type = xstrdup("form");
		for (c = xmpp_stanza_get_children(query); c;
		     c = xmpp_stanza_get_next(c)) {
			int k = xmpp_stanza_is_tag(c) ?
					legacy_index(xmpp_stanza_get_name(c)) :
					-1;

			if (k >= 0)
				add_legacy(&f, c, k, d->edit);
		}
		if (instr) {
			f.instructions = xcalloc(1, sizeof *f.instructions);
			f.instructions[f.ninstructions++] = instr;
			instr = NULL;
		}
	}
	free(instr);
	dialog_set_form(d, &f);
}

xmpp_stanza_t *register_answer(xmpp_stanza_t *parent, const struct dialog *d)
{
	xmpp_stanza_t *q = stanza_add_child(parent, "query", NS_REGISTER);
	size_t i;

	if (!d->legacy) {
		xmpp_stanza_t *x = dataform_submit(xmpp_stanza_get_context(parent),
						   &d->form);

		xmpp_stanza_add_child(q, x);
		xmpp_stanza_release(x);
		return q;
	}
	for (i = 0; i < d->form.nfields; i++) {
		const struct form_field *fl = &d->form.fields[i];
		const char *v = form_field_value(fl);

		if (!fl->var)
			continue;
		if (d->edit && (!v || !*v) && fl->type != FIELD_HIDDEN)
			continue;
		if (v && *v)
			stanza_add_text(q, fl->var, v);
		else
			stanza_add_child(q, fl->var, NULL);
	}
	return q;
}

static void register_submit(struct app *app, struct window *w,
			    unsigned action);
static void leave_submit(struct app *app, struct window *w, unsigned action);

/* Registering with a service; leaving one, a yes-or-no question. */
static const struct dialog_ops register_ops = {
	"submit", DLG_NEEDS_ONLINE | DLG_REGISTRATION, register_submit, NULL,
};
static const struct dialog_ops leave_ops = {
	"leave", DLG_NEEDS_ONLINE | DLG_YESNO, leave_submit, NULL,
};

static void on_form(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	xmpp_stanza_t *q;

	if (!d)
		return;
	q = req_ok(reply) ? xmpp_stanza_get_child_by_ns(reply, NS_REGISTER) : NULL;
	if (!q) {
		struct req_error e;

		req_error_parse(reply, &e);
		dialog_set_failure(d, e.cond, e.text);
		d->done = true;
		req_error_clear(&e);
		return;
	}
	register_parse(q, d);
	dataform_media_save(reply, &d->form, s->app->state_dir);
	if (!d->form.nfields && !d->url) {
		dialog_set_failure(d, "no-fields", NULL);
		d->done = true;
	}
}

long xs_register_open(struct app *app, struct account *a, const char *jid)
{
	struct session *s = session_of(a);
	struct dialog *d;
	struct window *w;
	char *name;

	if (a->state != ACC_ONLINE)
		return -1;
	d = dialog_new(&register_ops, a, jid);
	d->busy = true;
	d->heading = xasprintf("Registration with %s", jid);
	name = xasprintf("register %s", jid);
	w = forms_open(app, d, name);
	free(name);
	req_send(s, req_iq(s, "get", jid, "query", NS_REGISTER), on_form,
		 forms_ud(w), REQ_TIMEOUT_MS);
	/* whether it is a gateway decides how far it is trusted afterwards */
	gateway_check(s, jid);
	return (long)app->cur_win;
}

static void on_registered(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct req_error e;

	if (!d)
		return;
	if (req_ok(reply)) {
		char *jid = xstrdup(d->jid);
		bool update = d->edit;

		app_close_window(s->app, w);
		account_gateway_registered(s->app, s->acc, jid, update);
		free(jid);
		return;
	}
	req_error_parse(reply, &e);
	forms_refused(d, &e);
	req_error_clear(&e);
}

static void register_submit(struct app *app, struct window *w,
			    unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	xmpp_stanza_t *iq;

	(void)app;
	(void)action;
	if (dialog_check(d) < 0)
		return;
	dialog_set_error(d, NULL);
	iq = req_iq(s, "set", d->jid, NULL, NULL);
	register_answer(iq, d);
	d->busy = true;
	req_send(s, iq, on_registered, forms_ud(w), REQ_TIMEOUT_MS);
}

long xs_unregister_open(struct app *app, struct account *a, const char *jid)
{
	struct dialog *d;
	struct form f = { 0 };
	struct form_field *fl;
	size_t i, n = 0;
	char *name;

	if (a->state != ACC_ONLINE)
		return -1;
	for (i = 0; i < a->roster.n; i++) {
		const char *at = strchr(a->roster.items[i].jid, '@');

		if (at && strcmp(at + 1, jid) == 0)
			n++;
	}
	d = dialog_new(&leave_ops, a, jid);
	f.type = xstrdup("form");
	f.title = xasprintf("Leave %s?", jid);
	fl = form_add_field(&f, FIELD_FIXED, NULL);
	form_field_set(fl, "Your registration will be cancelled.");
	fl = form_add_field(&f, FIELD_FIXED, NULL);
	name = xasprintf("%s and its %zu contact%s will be removed from your roster.",
			 jid, n, n == 1 ? "" : "s");
	form_field_set(fl, name);
	free(name);
	dialog_set_form(d, &f);
	name = xasprintf("leave %s", jid);
	forms_open(app, d, name);
	free(name);
	return (long)app->cur_win;
}

/* Removes the gateway and every contact under its domain; returns how
 * many contacts went. */
static size_t remove_gateway_contacts(struct session *s, const char *gw)
{
	struct roster *r = &s->acc->roster;
	size_t i, n = 0;
	char **gone = xcalloc(r->n + 1, sizeof *gone);

	for (i = 0; i < r->n; i++) {
		const char *j = r->items[i].jid;
		const char *at = strchr(j, '@');

		if (strcmp(j, gw) == 0 || (at && strcmp(at + 1, gw) == 0))
			gone[n++] = xstrdup(j);
	}
	for (i = 0; i < n; i++) {
		xs_roster_remove(s->app, s->acc, gone[i]);
		free(gone[i]);
	}
	free(gone);
	return n;
}

static void on_removed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct req_error e = { 0 };
	size_t n;

	if (!d)
		return;
	if (!req_ok(reply)) {
		req_error_parse(reply, &e);
		/* XEP-0077 3.2: either means we were not registered: what the
		 * user wants, no registration, is what they have */
		if (strcmp(e.cond, "item-not-found") != 0 &&
		    strcmp(e.cond, "registration-required") != 0) {
			dialog_set_failure(d, e.cond, e.text);
			req_error_clear(&e);
			return;
		}
	}
	n = remove_gateway_contacts(s, d->jid);
	account_gateway_left(s->app, s->acc, d->jid, n, e.cond != NULL);
	req_error_clear(&e);
	app_close_window(s->app, w);
}

static void leave_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	xmpp_stanza_t *iq = req_iq(s, "set", d->jid, "query", NS_REGISTER);

	(void)app;
	(void)action;
	stanza_add_child(stanza_payload(iq), "remove", NULL);
	d->busy = true;
	req_send(s, iq, on_removed, forms_ud(w), REQ_TIMEOUT_MS);
}
