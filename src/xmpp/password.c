/* password: changing the account's password (XEP-0077 section 3.3).
 *
 * /password opens a dialog (password_ops) holding a local form of two
 * private fields, the new password and the same again; the dialog is
 * marked legacy while it holds that form. Submitting it sends
 * <username/> and <password/> to our server. A server that wants more
 * (the old password, a CAPTCHA) answers with an error carrying a data
 * form of its own; the dialog then switches to that form, and the next
 * submit sends it back as a form answer. The new password lives only in
 * the dialog and the stanza; the debug log redacts both.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/jid.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/ns.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define VAR_NEW "password"
#define VAR_REPEAT "repeat"

/* The user name the server knows us by: the account JID's localpart, or
 * the whole JID when it has none. The caller frees it. */
static char *user_name(const struct account *a)
{
	char *user = jid_local_of(a->bare_jid);

	return user ? user : xstrdup(a->bare_jid);
}

static void local_form(struct dialog *d)
{
	struct form f = { 0 };
	struct form_field *fl;

	f.type = xstrdup("form");
	fl = form_add_field(&f, FIELD_TEXT_PRIVATE, VAR_NEW);
	fl->label = xstrdup("New password");
	fl->required = true;
	fl = form_add_field(&f, FIELD_TEXT_PRIVATE, VAR_REPEAT);
	fl->label = xstrdup("Repeat it");
	fl->required = true;
	dialog_set_form(d, &f);
	d->legacy = true;
}

static void password_submit(struct session *s, struct window *w);

static void password_op(struct app *app, struct window *w, unsigned action)
{
	(void)app;
	(void)action;
	password_submit(session_of(w->dialog->acc), w);
}

static const struct dialog_ops password_ops = {
	"submit", DLG_NEEDS_ONLINE, password_op, NULL,
};

static long open_dialog(struct app *app, struct account *a)
{
	struct dialog *d = dialog_new(&password_ops, a, a->domain);
	char *name;

	d->heading = xasprintf("Change the password of %s", a->bare_jid);
	local_form(d);
	name = xasprintf("password %s", a->conf->name);
	forms_open(app, d, name);
	free(name);
	return (long)app->cur_win;
}

/* A server form may ask again for what we know: fill in the user name
 * and the new password where it left them empty. */
static void prefill(struct dialog *d, const char *user, const char *pw)
{
	struct form_field *fl;

	if ((fl = form_field(&d->form, "username")) && !form_field_value(fl))
		form_field_set(fl, user);
	if (pw && (fl = form_field(&d->form, "password")) &&
	    !form_field_value(fl))
		form_field_set(fl, pw);
}

/* The error carries a form to fill in (XEP-0077 3.3, "more information
 * required"): switches d to it and returns true. */
static bool take_form(struct session *s, struct dialog *d,
		      xmpp_stanza_t *reply)
{
	xmpp_stanza_t *q = reply ? xmpp_stanza_get_child_by_ns(reply, NS_REGISTER) :
				   NULL;
	xmpp_stanza_t *x = q ? xmpp_stanza_get_child_by_ns(q, NS_DATA) : NULL;
	char *user, *pw = NULL;
	struct form_field *fl;

	if (!x)
		return false;
	if (d->legacy && (fl = form_field(&d->form, VAR_NEW)) &&
	    form_field_value(fl))
		pw = xstrdup(form_field_value(fl));
	register_parse(q, d);
	if (d->legacy)
		return false; /* the <x/> was not a form we could read */
	dataform_media_save(reply, &d->form, s->app->state_dir);
	user = user_name(s->acc);
	prefill(d, user, pw);
	free(user);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	return true;
}

static void on_changed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct event ev = { .type = EV_PASSWORD, .acc = s->acc };
	struct req_error e;

	if (!d)
		return;
	if (req_ok(reply)) {
		app_close_window(s->app, w);
		event_emit(s->app, &ev);
		return;
	}
	req_error_parse(reply, &e);
	if (take_form(s, d, reply)) {
		/* the server's words say what it wants; the form shows it */
		dialog_set_failure(d, e.cond, e.text);
		req_error_clear(&e);
		return;
	}
	forms_refused(d, &e);
	ev.password.cond = e.cond;
	ev.password.detail = e.text;
	event_emit(s->app, &ev);
	req_error_clear(&e);
}

/* Checks the local form: both fields filled in and equal. */
static int check_local(struct dialog *d)
{
	struct form_field *a, *b;
	size_t i;

	if (dialog_check(d) < 0)
		return -1;
	a = form_field(&d->form, VAR_NEW);
	b = form_field(&d->form, VAR_REPEAT);
	if (strcmp(form_field_value(a), form_field_value(b)) != 0) {
		dialog_set_error(d, "The two passwords differ");
		for (i = 0; i < d->form.nfields; i++)
			if (&d->form.fields[i] == b)
				dialog_focus(d, i);
		return -1;
	}
	return 0;
}

static void password_submit(struct session *s, struct window *w)
{
	struct dialog *d = w->dialog;
	xmpp_stanza_t *iq, *q;
	char *user;

	if (d->legacy ? check_local(d) < 0 : dialog_check(d) < 0)
		return;
	dialog_set_error(d, NULL);
	iq = req_iq(s, "set", s->acc->domain, NULL, NULL);
	if (d->legacy) {
		q = stanza_add_child(iq, "query", NS_REGISTER);
		user = user_name(s->acc);
		stanza_add_text(q, "username", user);
		stanza_add_text(q, "password",
			     form_field_value(form_field(&d->form, VAR_NEW)));
		free(user);
	} else {
		register_answer(iq, d);
	}
	d->busy = true;
	req_send(s, iq, on_changed, forms_ud(w), REQ_TIMEOUT_MS);
}

int xs_password(struct app *app, struct account *a, const char *password)
{
	struct session *s = session_of(a);
	struct dialog *d;
	struct window *w;

	if (a->state != ACC_ONLINE)
		return -1;
	if (!password) {
		open_dialog(app, a);
		return 0;
	}
	/* a password given directly: the same exchange, with the dialog
	 * there to show what the server answers */
	open_dialog(app, a);
	w = app->wins[app->cur_win];
	d = w->dialog;
	form_field_set(form_field(&d->form, VAR_NEW), password);
	form_field_set(form_field(&d->form, VAR_REPEAT), password);
	password_submit(s, w);
	return 0;
}
