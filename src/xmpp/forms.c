/* forms: dialog windows, and submitting or cancelling one.
 *
 * A dialog's window id travels as the ud of the requests made for it
 * (forms_ud); when the answer comes, forms_window() finds the window
 * again, or nothing when the user closed it meanwhile. Submitting and
 * cancelling call the dialog's own ops (core/dialog.h), set by the file
 * that opened it: this file never learns which feature a dialog serves.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "util/xmem.h"
#include "xmpp/request.h"
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

struct window *forms_window_new(struct dialog *d, const char *name)
{
	struct window *w = win_new(WIN_FORM, name, 16);

	w->acc = d->acc;
	w->jid = d->jid ? xstrdup(d->jid) : NULL;
	w->dialog = d;
	d->win = w;
	return w;
}

struct window *forms_open(struct app *app, struct dialog *d,
			  const char *name)
{
	struct window *w = forms_window_new(d, name);

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

void forms_refused(struct dialog *d, const struct req_error *e)
{
	dialog_set_failure(d, e->cond, e->text);
	/* the text of these usually names the field to fix */
	if (strcmp(e->cond, "not-acceptable") == 0 ||
	    strcmp(e->cond, "bad-request") == 0)
		dialog_focus_mentioned(d, e->text);
}

void xs_dialog_submit(struct app *app, struct window *w, unsigned action)
{
	struct dialog *d = w->dialog;

	if (!d || d->busy)
		return;
	if (d->done || (d->url && !d->form.nfields) || !d->ops->submit) {
		app_close_window(app, w);
		return;
	}
	app->dirty = true;
	if ((d->ops->flags & DLG_NEEDS_ONLINE) && d->acc->state != ACC_ONLINE) {
		dialog_set_failure(d, "not-connected", NULL);
		return;
	}
	d->ops->submit(app, w, action);
}

void xs_dialog_cancel(struct app *app, struct window *w)
{
	struct dialog *d = w->dialog;

	if (d && d->ops->cancel)
		d->ops->cancel(app, w);
	app_close_window(app, w);
}
