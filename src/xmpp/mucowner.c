/* mucowner: what a room's owner does with it (XEP-0045 10): opening a
 * room we just created, its configuration form, destroying it.
 *
 * A room we create (status 201 on our own presence) is opened at once
 * with the server's defaults by submitting an empty form (10.1.2),
 * unless /join --configure asked for the configuration form first
 * (10.1.3): then the form is fetched and shown in a dialog window whose
 * cancel tells the room (which then goes away, as it was never opened).
 * /roomconfig shows the same form for a room that exists (10.2), but
 * asks for it first: a dialog opens only with a form to show, and a
 * refusal (not an owner) is said in the room's window.
 * /destroy asks first, in a yes-or-no dialog, then sends <destroy/>
 * (10.9); the room's own presence saying so tells the user.
 *
 * Dialog windows find their requests' answers through forms_ud, and
 * what a dialog serves is its ops below.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "core/room.h"
#include "util/xmem.h"
#include "xmpp/dataform.h"
#include "xmpp/request.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"

static void config_submit(struct app *app, struct window *w,
			  unsigned action);
static void new_room_cancel(struct app *app, struct window *w);
static void destroy_submit(struct app *app, struct window *w,
			   unsigned action);

/* The configuration of a room that exists; of one we are creating
 * (cancelling it tells the room); the question before destroying. */
static const struct dialog_ops config_ops = {
	"save", DLG_NEEDS_ONLINE, config_submit, NULL,
};
static const struct dialog_ops new_room_ops = {
	"create", DLG_NEEDS_ONLINE, config_submit, new_room_cancel,
};
static const struct dialog_ops destroy_ops = {
	"destroy", DLG_NEEDS_ONLINE | DLG_YESNO, destroy_submit, NULL,
};

/* An <iq type='set'> to room holding <query xmlns=muc#owner/>; its
 * query in *q (borrowed). */
static xmpp_stanza_t *owner_set(struct session *s, const char *room,
				xmpp_stanza_t **q)
{
	xmpp_stanza_t *iq = req_iq(s, "set", room, "query", NS_MUC_OWNER);

	*q = stanza_payload(iq);
	return iq;
}

static void on_instant(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *room = ud;

	if (req_ok(reply)) {
		room_configured(s->app, s->acc, room, true, NULL, NULL);
	} else {
		struct req_error e;

		req_error_parse(reply, &e);
		room_configured(s->app, s->acc, room, true, e.cond, e.text);
		req_error_clear(&e);
	}
	free(room);
}

/* Sends the empty form that opens room with the server's defaults. */
static void open_instant(struct session *s, const char *room)
{
	xmpp_stanza_t *q, *iq = owner_set(s, room, &q);
	xmpp_stanza_t *x = stanza_add_child(q, "x", NS_DATA);

	xmpp_stanza_set_type(x, "submit");
	req_send(s, iq, on_instant, xstrdup(room), REQ_TIMEOUT_MS);
}

static void on_form(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	xmpp_stanza_t *q, *x;
	struct form f = { 0 };

	if (!d)
		return;
	q = req_ok(reply) ? xmpp_stanza_get_child_by_ns(reply, NS_MUC_OWNER) :
			    NULL;
	x = q ? xmpp_stanza_get_child_by_ns(q, NS_DATA) : NULL;
	if (!q) {
		struct req_error e;

		req_error_parse(reply, &e);
		dialog_set_failure(d, e.cond, e.text);
		d->done = true;
		req_error_clear(&e);
		return;
	}
	if (!x || dataform_parse(x, &f) < 0) {
		dialog_set_failure(d, "no-form", NULL);
		d->done = true;
		return;
	}
	dialog_set_form(d, &f);
}

/* A dialog of ops for room's configuration, headed heading (ours to
 * free), in a window of its own. */
static struct window *config_dialog(struct app *app, struct account *a,
				    const char *room,
				    const struct dialog_ops *ops,
				    char *heading)
{
	struct dialog *d = dialog_new(ops, a, room);
	char *name = xasprintf("config %s", room);
	struct window *w;

	d->heading = heading;
	w = forms_open(app, d, name);
	free(name);
	return w;
}

/* A room made with /join --configure: the dialog opens at once and the
 * form is fetched into it (10.1.3). */
static void new_room_open(struct session *s, const char *room)
{
	struct window *w = config_dialog(
		s->app, s->acc, room, &new_room_ops,
		xasprintf("New room %s: set it up, then create it "
			  "(Esc: the room is not made)", room));

	w->dialog->busy = true;
	req_send(s, req_iq(s, "get", room, "query", NS_MUC_OWNER), on_form,
		 forms_ud(w), REQ_TIMEOUT_MS);
}

/* The answer to /roomconfig's request (ud: the room's JID, ours to
 * free): the form in a dialog, or the refusal in the room's window. */
static void on_config_form(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	char *room = ud;
	xmpp_stanza_t *q = req_ok(reply) ?
				   xmpp_stanza_get_child_by_ns(reply, NS_MUC_OWNER) :
				   NULL;
	xmpp_stanza_t *x = q ? xmpp_stanza_get_child_by_ns(q, NS_DATA) : NULL;
	struct form f = { 0 };
	struct window *w;

	if (!q) {
		struct req_error e;

		req_error_parse(reply, &e);
		room_error(s->app, s->acc, room, ROOM_OP_CONFIG, e.cond, e.text);
		req_error_clear(&e);
	} else if (!x || dataform_parse(x, &f) < 0) {
		room_error(s->app, s->acc, room, ROOM_OP_CONFIG, "no-form", NULL);
	} else {
		w = config_dialog(s->app, s->acc, room, &config_ops,
				  xasprintf("Configuration of %s", room));
		dialog_set_form(w->dialog, &f);
		s->app->dirty = true;
	}
	free(room);
}

long xs_room_config_open(struct app *app, struct account *a,
			 const char *room)
{
	struct session *s = session_of(a);

	if (a->state != ACC_ONLINE)
		return -1;
	req_send(s, req_iq(s, "get", room, "query", NS_MUC_OWNER),
		 on_config_form, xstrdup(room), REQ_TIMEOUT_MS);
	(void)app;
	return 0;
}

void mucowner_created(struct session *s, const char *room)
{
	struct window *w = room_find(s->app, s->acc, room);

	if (w && w->room->configure) {
		w->room->configure = false;
		new_room_open(s, room);
	} else {
		open_instant(s, room);
	}
}

static void on_saved(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct req_error e;
	char *room;

	if (!d)
		return;
	if (req_ok(reply)) {
		room = xstrdup(d->jid);
		app_close_window(s->app, w);
		room_configured(s->app, s->acc, room, false, NULL, NULL);
		free(room);
		return;
	}
	req_error_parse(reply, &e);
	forms_refused(d, &e);
	req_error_clear(&e);
}

static void config_submit(struct app *app, struct window *w,
			  unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	xmpp_stanza_t *q, *iq, *x;

	(void)app;
	(void)action;
	if (dialog_check(d) < 0)
		return;
	dialog_set_error(d, NULL);
	iq = owner_set(s, d->jid, &q);
	x = dataform_submit(s->ctx, &d->form);
	xmpp_stanza_add_child(q, x);
	xmpp_stanza_release(x);
	d->busy = true;
	req_send(s, iq, on_saved, forms_ud(w), REQ_TIMEOUT_MS);
}

static void on_cancelled(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	(void)s;
	(void)reply;
	(void)ud;
}

/* XEP-0045 10.1.3: a form of type cancel, and the room is not made.
 * Some services (Prosody 0.12) keep it, locked, with us inside: we
 * leave it too, and an empty room that was never opened goes away. */
static void new_room_cancel(struct app *app, struct window *w)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	xmpp_stanza_t *q, *iq, *x;

	if (d->acc->state != ACC_ONLINE)
		return;
	iq = owner_set(s, d->jid, &q);
	x = stanza_add_child(q, "x", NS_DATA);
	xmpp_stanza_set_type(x, "cancel");
	req_send(s, iq, on_cancelled, NULL, REQ_TIMEOUT_MS);
	xs_room_part(app, d->acc, d->jid, NULL);
}

long xs_room_destroy_open(struct app *app, struct account *a,
			  const char *room, const char *reason)
{
	struct dialog *d;
	struct form f = { 0 };
	struct form_field *fl;
	char *text;

	if (a->state != ACC_ONLINE)
		return -1;
	d = dialog_new(&destroy_ops, a, room);
	f.type = xstrdup("form");
	f.title = xasprintf("Destroy %s?", room);
	fl = form_add_field(&f, FIELD_FIXED, NULL);
	form_field_set(fl, "Everyone in it will be put out, and the room and its configuration will be gone.");
	if (reason && *reason) {
		fl = form_add_field(&f, FIELD_FIXED, NULL);
		text = xasprintf("Reason given to them: %s", reason);
		form_field_set(fl, text);
		free(text);
		fl = form_add_field(&f, FIELD_HIDDEN, "reason");
		form_field_set(fl, reason);
	}
	dialog_set_form(d, &f);
	text = xasprintf("destroy %s", room);
	forms_open(app, d, text);
	free(text);
	return (long)app->cur_win;
}

static void on_destroyed(struct session *s, xmpp_stanza_t *reply, void *ud)
{
	struct window *w;
	struct dialog *d = forms_answered(s, ud, &w);
	struct req_error e;

	if (!d)
		return;
	if (req_ok(reply)) { /* the room's presence tells the rest */
		app_close_window(s->app, w);
		return;
	}
	req_error_parse(reply, &e);
	dialog_set_failure(d, e.cond, e.text);
	req_error_clear(&e);
}

static void destroy_submit(struct app *app, struct window *w,
			   unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s = session_of(d->acc);
	struct form_field *fl = form_field(&d->form, "reason");
	xmpp_stanza_t *q, *iq = owner_set(s, d->jid, &q);
	xmpp_stanza_t *destroy = stanza_add_child(q, "destroy", NULL);

	(void)app;
	(void)action;
	if (fl && form_field_value(fl))
		stanza_add_text(destroy, "reason", form_field_value(fl));
	d->busy = true;
	req_send(s, iq, on_destroyed, forms_ud(w), REQ_TIMEOUT_MS);
}
