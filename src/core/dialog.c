/* dialog: focus, choices and checks of a form being filled in (see
 * dialog.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dialog.h"
#include "core/window.h"
#include "util/xmem.h"

/* What a dialog opened without ops does: submitting closes it. */
static const struct dialog_ops plain_ops = { "submit", 0, NULL, NULL };

struct dialog *dialog_new(const struct dialog_ops *ops, struct account *acc,
			  const char *jid)
{
	struct dialog *d = xcalloc(1, sizeof *d);

	d->ops = ops ? ops : &plain_ops;
	d->acc = acc;
	d->jid = jid ? xstrdup(jid) : NULL;
	d->def_action = DLG_ACT_EXECUTE;
	return d;
}

void dialog_clear_notes(struct dialog *d)
{
	size_t i;

	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i].text);
	free(d->notes);
	d->notes = NULL;
	d->nnotes = 0;
}

void dialog_free(struct dialog **dp)
{
	struct dialog *d = *dp;
	size_t i;

	if (!d)
		return;
	free(d->jid);
	free(d->node);
	free(d->session);
	free(d->heading);
	free(d->url);
	free(d->error);
	free(d->err_cond);
	form_media_remove(&d->form, NULL);
	form_clear(&d->form);
	dialog_clear_notes(d);
	for (i = 0; i < d->nitems; i++) {
		free(d->items[i].jid);
		free(d->items[i].name);
		free(d->items[i].group);
	}
	free(d->items);
	free(d);
	*dp = NULL;
}

bool dialog_editable(const struct form_field *fl)
{
	return fl->type != FIELD_HIDDEN && fl->type != FIELD_FIXED;
}

static bool has_editable(const struct dialog *d)
{
	size_t i;

	for (i = 0; i < d->form.nfields; i++)
		if (dialog_editable(&d->form.fields[i]))
			return true;
	return false;
}

void dialog_set_form(struct dialog *d, struct form *form)
{
	form_media_remove(&d->form, form);
	form_clear(&d->form);
	d->form = *form;
	memset(form, 0, sizeof *form);
	d->choosing = false;
	d->focus = 0;
	if (d->win)
		d->win->generation++;
	if (has_editable(d) && !dialog_editable(&d->form.fields[0]))
		dialog_focus_next(d);
}

void dialog_set_error(struct dialog *d, const char *text)
{
	dialog_set_failure(d, NULL, text);
}

void dialog_set_failure(struct dialog *d, const char *cond, const char *text)
{
	free(d->error);
	free(d->err_cond);
	d->error = text ? xstrdup(text) : NULL;
	d->err_cond = cond ? xstrdup(cond) : NULL;
}

void dialog_add_note(struct dialog *d, enum note_type t, const char *text)
{
	d->notes = xrealloc(d->notes, (d->nnotes + 1) * sizeof *d->notes);
	d->notes[d->nnotes].type = t;
	d->notes[d->nnotes++].text = xstrdup(text ? text : "");
}

static void step(struct dialog *d, int dir)
{
	size_t n = d->form.nfields, i = d->focus, k;

	if (!has_editable(d))
		return;
	d->choosing = false;
	for (k = 0; k < n; k++) {
		i = (i + n + (size_t)(dir > 0 ? 1 : n - 1)) % n;
		if (dialog_editable(&d->form.fields[i])) {
			d->focus = i;
			return;
		}
	}
}

void dialog_focus_next(struct dialog *d)
{
	step(d, 1);
}

void dialog_focus_prev(struct dialog *d)
{
	step(d, -1);
}

void dialog_focus(struct dialog *d, size_t i)
{
	if (i < d->form.nfields && dialog_editable(&d->form.fields[i])) {
		d->focus = i;
		d->choosing = false;
	}
}

struct form_field *dialog_field(struct dialog *d)
{
	if (d->focus >= d->form.nfields ||
	    !dialog_editable(&d->form.fields[d->focus]))
		return NULL;
	return &d->form.fields[d->focus];
}

bool dialog_bool(const struct form_field *fl)
{
	const char *v = form_field_value(fl);

	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

bool dialog_has_value(const struct form_field *fl, const char *v)
{
	size_t i;

	for (i = 0; i < fl->nvalues; i++)
		if (strcmp(fl->values[i], v) == 0)
			return true;
	return false;
}

static bool is_list(const struct form_field *fl)
{
	return (fl->type == FIELD_LIST_SINGLE || fl->type == FIELD_LIST_MULTI) &&
	       fl->noptions > 0;
}

/* Highlights the field's (first) current choice when the list opens. */
static void open_choices(struct dialog *d, struct form_field *fl)
{
	size_t i;

	d->choosing = true;
	d->choice = 0;
	for (i = 0; i < fl->noptions; i++)
		if (dialog_has_value(fl, fl->options[i].value)) {
			d->choice = i;
			break;
		}
}

/* list-multi: adds or removes one value, keeping the options' order. */
static void toggle_value(struct form_field *fl, const char *v)
{
	bool on = !dialog_has_value(fl, v);
	char **keep = xcalloc(fl->noptions + 1, sizeof *keep);
	size_t i, n = 0;

	for (i = 0; i < fl->noptions; i++) {
		const char *o = fl->options[i].value;
		bool want = strcmp(o, v) == 0 ? on : dialog_has_value(fl, o);

		if (want)
			keep[n++] = xstrdup(o);
	}
	form_field_set(fl, NULL);
	for (i = 0; i < n; i++) {
		form_field_add_value(fl, keep[i]);
		free(keep[i]);
	}
	free(keep);
}

void dialog_space(struct dialog *d)
{
	struct form_field *fl = dialog_field(d);

	if (!fl)
		return;
	if (fl->type == FIELD_BOOLEAN) {
		form_field_set(fl, dialog_bool(fl) ? "0" : "1");
	} else if (is_list(fl) && !d->choosing) {
		open_choices(d, fl);
	} else if (is_list(fl) && fl->type == FIELD_LIST_SINGLE) {
		form_field_set(fl, fl->options[d->choice].value);
	} else if (is_list(fl)) {
		toggle_value(fl, fl->options[d->choice].value);
	}
}

bool dialog_enter(struct dialog *d)
{
	struct form_field *fl = dialog_field(d);

	if (!fl || !is_list(fl))
		return false;
	if (!d->choosing) {
		open_choices(d, fl);
		return true;
	}
	if (fl->type == FIELD_LIST_SINGLE)
		form_field_set(fl, fl->options[d->choice].value);
	d->choosing = false;
	return true;
}

void dialog_choice_move(struct dialog *d, int delta)
{
	struct form_field *fl = dialog_field(d);
	long c;

	if (!fl || !d->choosing || !fl->noptions)
		return;
	c = (long)d->choice + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)fl->noptions)
		c = (long)fl->noptions - 1;
	d->choice = (size_t)c;
}

const char *dialog_field_name(const struct form_field *fl)
{
	if (fl->label && *fl->label)
		return fl->label;
	return fl->var ? fl->var : "field";
}

int dialog_check(struct dialog *d)
{
	const char *why;
	size_t bad;
	char *msg;

	if (form_validate(&d->form, &bad, &why) == 0)
		return 0;
	msg = xasprintf("%s: %s", dialog_field_name(&d->form.fields[bad]), why);
	dialog_set_error(d, msg);
	free(msg);
	dialog_focus(d, bad);
	return -1;
}

/* Case-insensitive search for needle in hay. */
static bool mentions(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return false;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

bool dialog_focus_mentioned(struct dialog *d, const char *text)
{
	size_t i;

	if (!text)
		return false;
	for (i = 0; i < d->form.nfields; i++) {
		const struct form_field *fl = &d->form.fields[i];

		if (!dialog_editable(fl))
			continue;
		if ((fl->label && mentions(text, fl->label)) ||
		    (fl->var && mentions(text, fl->var))) {
			dialog_focus(d, i);
			return true;
		}
	}
	return false;
}

void dialog_add_rx(struct dialog *d, enum rx_action a, const char *jid,
		   const char *name, const char *group)
{
	static const char *const verbs[] = { "Add", "Change", "Remove" };
	struct form_field *fl;
	struct rx_item *it;
	char *label;

	d->items = xrealloc(d->items, (d->nitems + 1) * sizeof *d->items);
	it = &d->items[d->nitems++];
	it->action = a;
	it->jid = xstrdup(jid);
	it->name = name ? xstrdup(name) : NULL;
	it->group = group ? xstrdup(group) : NULL;
	fl = form_add_field(&d->form, FIELD_BOOLEAN, jid);
	label = xasprintf("%s %s%s%s%s%s%s", verbs[a], jid,
			  name ? " (" : "", name ? name : "", name ? ")" : "",
			  group ? " in " : "", group ? group : "");
	fl->label = label;
	form_field_set(fl, "1");
	if (d->nitems == 1)
		dialog_focus(d, d->form.nfields - 1);
}
