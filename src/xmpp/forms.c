/* forms: dialog windows and what submitting or cancelling one does.
 *
 * A dialog's window id travels as the ud of the requests made for it
 * (forms_ud); when the answer comes, forms_window() finds the window
 * again, or nothing when the user closed it meanwhile. Submitting
 * dispatches on the dialog's kind to the protocol file that owns it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/xmem.h"
#include "xmpp/session.h"
#include "xmpp/xs.h"

void *forms_ud(struct window *w)
{
	return (void *)(uintptr_t)w->id;
}

struct window *forms_window(struct session *s, void *ud)
{
	struct window *w = app_window_by_id(s->app, (uint64_t)(uintptr_t)ud);

	return w && w->kind == WIN_FORM ? w : NULL;
}

struct window *forms_open(struct app *app, struct dialog *d,
			  const char *name)
{
	struct window *w = win_new(WIN_FORM, name, 16);

	w->acc = d->acc;
	w->jid = d->jid ? xstrdup(d->jid) : NULL;
	w->dialog = d;
	app_add_window(app, w);
	return w;
}

struct dialog *forms_answered(struct session *s, void *ud,
			      struct window **w)
{
	*w = forms_window(s, ud);
	if (!*w || !(*w)->dialog)
		return NULL;
	(*w)->dialog->busy = false;
	s->app->dirty = true;
	return (*w)->dialog;
}

void xs_dialog_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;
	struct session *s;

	if (!d || d->busy)
		return;
	if (d->done || (d->url && !d->form.nfields)) {
		app_close_window(app, w);
		return;
	}
	if (d->kind == DLG_ACCOUNT) {
		inband_submit(app, w);
		return;
	}
	s = session_of(d->acc);
	if (d->acc->state != ACC_ONLINE) {
		dialog_set_failure(d, "not-connected", NULL);
		app->dirty = true;
		return;
	}
	switch (d->kind) {
	case DLG_REGISTER: register_submit(s, w); break;
	case DLG_CONFIRM: unregister_submit(s, w); break;
	case DLG_PASSWORD: password_submit(s, w); break;
	case DLG_COMMAND: adhoc_submit(s, w, action); break;
	case DLG_ROSTERX: rosterx_submit(s, w); break;
	case DLG_ACCOUNT: break;
	}
	app->dirty = true;
}

void xs_dialog_cancel(struct app *app, struct window *w)
{
	struct dialog *d = w->dialog;

	if (d && d->kind == DLG_COMMAND && d->acc->state == ACC_ONLINE)
		adhoc_cancel(session_of(d->acc), w);
	else if (d && d->kind == DLG_ACCOUNT)
		inband_cancel(app, w);
	app_close_window(app, w);
}
