/* formview: the dialog window: one form, drawn and edited.
 *
 * Drawing lays the dialog out as rows (heading, title, instructions,
 * one row per field with its choices under it while they are open,
 * notes, the error) and scrolls them so the focused field stays in
 * view; the keys line is always the last row. Editing a text field goes
 * through a line editor (struct input) loaded with the field's value
 * when the focus arrives and written back after every key, so the model
 * is always current. What the dialog is for comes from its ops
 * (core/dialog.h): the submit word, the step keys of a command, the
 * one-key answers of a yes-or-no question; Ctrl-S and Esc go back
 * through them (xs_dialog_submit, xs_dialog_cancel).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dialog.h"
#include "ui/ui.h"
#include "ui/uiint.h"
#include "util/utf8.h"
#include "util/xmem.h"
#include "xmpp/xs.h"

#define KEY_CTRL_S 19
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

struct row {
	char *text;
	attr_t attr;
	int field;   /* the field this row edits, or -1 */
	int cursor;  /* cell of the cursor on this row, or -1 */
};

struct rows {
	struct row *r;
	size_t n, cap;
};

static void add_row(struct rows *rs, char *text, attr_t attr, int field,
		    int cursor)
{
	xgrow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r);
	rs->r[rs->n].text = text;
	rs->r[rs->n].attr = attr;
	rs->r[rs->n].field = field;
	rs->r[rs->n++].cursor = cursor;
}

/* Adds text wrapped to cols, one row per piece: the first after indent
 * (a mark, say), the others under it. */
static void add_wrapped(struct rows *rs, const char *text, attr_t attr,
			int cols, const char *indent)
{
	const char *p = text;
	size_t ind = utf8_width(indent);
	bool first = true;

	do {
		size_t room = cols > (int)ind + 1 ? (size_t)cols - ind : 1;
		size_t n = ui_fit(p, room);

		add_row(rs, first ? xasprintf("%s%.*s", indent, (int)n, p) :
				    xasprintf("%*s%.*s", (int)ind, "", (int)n, p),
			attr, -1, -1);
		first = false;
		p += n;
		while (*p == ' ' || *p == '\n')
			p++;
	} while (*p);
}

static const char *option_label(const struct form_field *fl, const char *v)
{
	size_t i;

	for (i = 0; i < fl->noptions; i++)
		if (strcmp(fl->options[i].value, v) == 0)
			return fl->options[i].label ? fl->options[i].label : v;
	return v;
}

/* The value as shown, for fields other than the one being edited. */
static char *shown_value(const struct form_field *fl)
{
	const char *v = form_field_value(fl);
	char *out = NULL;
	size_t i;

	switch (fl->type) {
	case FIELD_BOOLEAN:
		return xstrdup(dialog_bool(fl) ? "[x]" : "[ ]");
	case FIELD_LIST_SINGLE:
		return xasprintf("< %s >", v && *v ? option_label(fl, v) : "choose");
	case FIELD_LIST_MULTI:
		for (i = 0; i < fl->nvalues; i++) {
			char *t = xasprintf("%s%s%s", out ? out : "", out ? ", " : "",
					    option_label(fl, fl->values[i]));

			free(out);
			out = t;
		}
		{
			char *t = xasprintf("{ %s }", out ? out : "none");

			free(out);
			return t;
		}
	case FIELD_TEXT_PRIVATE: {
		size_t n = v ? utf8_width(v) : 0;

		out = xmalloc(n + 3);
		out[0] = '[';
		memset(out + 1, '*', n);
		out[n + 1] = ']';
		out[n + 2] = '\0';
		return out;
	}
	case FIELD_TEXT_MULTI:
	case FIELD_JID_MULTI:
		for (i = 0; i < fl->nvalues; i++) {
			char *t = xasprintf("%s%s%s", out ? out : "",
					    out ? "\u21b5" : "", fl->values[i]);

			free(out);
			out = t;
		}
		{
			char *t = xasprintf("[%s]", out ? out : "");

			free(out);
			return t;
		}
	default:
		return xasprintf("[%s]", v ? v : "");
	}
}

static bool text_like(const struct form_field *fl)
{
	switch (fl->type) {
	case FIELD_TEXT_SINGLE: case FIELD_TEXT_PRIVATE: case FIELD_TEXT_MULTI:
	case FIELD_JID_SINGLE: case FIELD_JID_MULTI:
		return true;
	case FIELD_LIST_SINGLE: case FIELD_LIST_MULTI:
		return fl->noptions == 0; /* free text when nothing is offered */
	default:
		return false;
	}
}

static bool multi_line(const struct form_field *fl)
{
	return fl->type == FIELD_TEXT_MULTI || fl->type == FIELD_JID_MULTI ||
	       (fl->type == FIELD_LIST_MULTI && !fl->noptions);
}

/* The editor's text as shown: masked for passwords, newlines as marks;
 * *cur gets the cursor's cell. */
static char *edit_text(const struct input *in, const struct form_field *fl,
		       size_t *cur)
{
	char *out = xmalloc(in->len * 3 + 1);
	size_t i = 0, o = 0, cells = 0;
	uint32_t cp;

	*cur = 0;
	while (i < in->len) {
		size_t n = utf8_decode(in->buf + i, in->len - i, &cp);

		if (i == in->cursor)
			*cur = cells;
		if (fl->type == FIELD_TEXT_PRIVATE) {
			out[o++] = '*';
			cells++;
		} else if (cp == '\n') {
			memcpy(out + o, "\u21b5", 3);
			o += 3;
			cells++;
		} else {
			memcpy(out + o, in->buf + i, n);
			o += n;
			cells += (size_t)utf8_cp_width(cp);
		}
		i += n;
	}
	if (in->cursor >= in->len)
		*cur = cells;
	out[o] = '\0';
	return out;
}

/* The row of a text field with focus: the editor, scrolled so the
 * cursor shows within width cells. */
static char *edit_row(struct ui *ui, const struct form_field *fl,
		      size_t width, int *cursor)
{
	size_t cur, skip = 0;
	char *t = edit_text(&ui->form_in, fl, &cur), *out, *p = t;

	while (cur - skip >= width && *p) {
		uint32_t cp;
		size_t n = utf8_decode(p, strlen(p), &cp);

		skip += (size_t)utf8_cp_width(cp);
		p += n;
	}
	out = xasprintf("[%.*s]", (int)ui_fit(p, width), p);
	*cursor = (int)(cur - skip) + 1;
	free(t);
	return out;
}

static const char *note_mark(enum note_type t)
{
	return t == NOTE_ERROR ? "✗ " : t == NOTE_WARN ? "! " : "i ";
}

/* What went wrong, in words. The caller frees it. */
static char *failure_words(const struct dialog *d)
{
	const char *c = d->err_cond, *who = d->jid ? d->jid : "the server";

	if (!c)
		return xstrdup(d->error);
	if (strcmp(c, "not-connected") == 0)
		return xstrdup("Not connected: nothing was sent (/connect first)");
	if (strcmp(c, "no-fields") == 0)
		return xasprintf("%s sent a registration form with nothing to fill in", who);
	if (strcmp(c, "no-form") == 0)
		return xasprintf("%s sent no form to fill in", who);
	if (strcmp(c, "remote-server-timeout") == 0 && !d->error)
		return xasprintf("%s did not answer in time; try again later", who);
	if (strcmp(c, "service-unavailable") == 0 &&
	    (d->ops->flags & DLG_REGISTRATION) &&
	    !d->form.nfields)
		return xasprintf("%s does not offer registration", who);
	if (strcmp(c, "conflict") == 0 && !(d->ops->flags & DLG_STEPS))
		return xasprintf("%s: that name is already taken%s%s", who,
				 d->error ? ": " : "", d->error ? d->error : "");
	if (strcmp(c, "not-allowed") == 0 && !d->error)
		return xasprintf("%s does not allow registration now", who);
	if (strcmp(c, "not-acceptable") == 0)
		return xasprintf("%s did not accept the form%s%s", who,
				 d->error ? ": " : "", d->error ? d->error : "");
	if (strcmp(c, "registration-required") == 0)
		return xasprintf("%s says you must register first", who);
	return xasprintf("%s: %s%s%s", who, ui_condition_words(c),
			 d->error ? ": " : "", d->error ? d->error : "");
}

static char *keys_hint(const struct dialog *d)
{
	const char *submit = d->ops->submit_word;
	char *s;

	if (d->busy)
		return xstrdup(" waiting for the answer…  Esc cancel");
	if (d->done || (d->url && !d->form.nfields))
		return xstrdup(" Ctrl-S/F10/Esc close");
	if (d->ops->flags & DLG_STEPS) {
		s = xasprintf(" Ctrl-S/F10 %s%s%s%s  Esc cancel  Tab next field",
			      d->def_action == DLG_ACT_COMPLETE ? "complete" :
			      d->def_action == DLG_ACT_NEXT ? "next" : "run",
			      d->actions & DLG_ACT_PREV ? "  F7 previous" : "",
			      d->actions & DLG_ACT_NEXT &&
					      d->def_action != DLG_ACT_NEXT ?
				      "  F8 next" : "",
			      d->actions & DLG_ACT_COMPLETE &&
					      d->def_action != DLG_ACT_COMPLETE ?
				      "  F9 complete" : "");
		return s;
	}
	if (d->ops->flags & DLG_YESNO)
		return xasprintf(" Enter/y/Ctrl-S %s  n/Esc cancel", submit);
	return xasprintf(" Ctrl-S/F10 %s  Esc cancel  Tab/Up/Down move  Space toggle  Enter choices",
			 submit);
}

/* A challenge's picture or sound (XEP-0221): where to find it. */
static void add_media(struct rows *rs, const struct form_media *m,
		      attr_t attr, int cols)
{
	const char *t = m->type ? m->type : "";
	const char *what = strncmp(t, "audio/", 6) == 0 ? "Sound" :
			   strncmp(t, "video/", 6) == 0 ? "Video" : "Picture";
	char *line;

	if (m->path)
		line = xasprintf("%s saved to %s", what, m->path);
	else if (strncmp(m->uri, "cid:", 4) == 0)
		line = xasprintf("%s not sent with the form (%s)", what, m->uri);
	else
		line = xasprintf("%s: %s", what, m->uri);
	add_wrapped(rs, line, attr, cols, "      ");
	free(line);
}

static void layout(struct app *app, struct dialog *d, int cols,
		   struct rows *rs)
{
	struct ui *ui = app->ui;
	attr_t bold = A_BOLD, err = UI_ATTR(ui, TH_ERROR);
	size_t i, j, labelw = 0;

	if (d->heading)
		add_wrapped(rs, d->heading, bold, cols, " ");
	if (d->form.title)
		add_wrapped(rs, d->form.title, bold, cols, " ");
	if (d->edit && (d->ops->flags & DLG_REGISTRATION))
		add_wrapped(rs, "You are registered: change what you want and submit.",
			    UI_ATTR(ui, TH_INFO), cols, " ");
	for (i = 0; i < d->form.ninstructions; i++)
		add_wrapped(rs, d->form.instructions[i], UI_ATTR(ui, TH_TEXT), cols,
			    " ");
	if (d->url)
		add_wrapped(rs, d->url, UI_ATTR(ui, TH_INFO), cols,
			    " Register on the web: ");
	add_row(rs, xstrdup(""), 0, -1, -1);
	for (i = 0; i < d->form.nfields; i++) {
		const struct form_field *fl = &d->form.fields[i];

		if (dialog_editable(fl))
			labelw = MAX(labelw, utf8_width(dialog_field_name(fl)));
	}
	labelw = MIN(labelw, (size_t)(cols / 3));
	for (i = 0; i < d->form.nfields; i++) {
		struct form_field *fl = &d->form.fields[i];
		bool focus = i == d->focus && !d->done && dialog_editable(fl);
		size_t lw = ui_fit(dialog_field_name(fl), labelw);
		char *val, *row;
		int cursor = -1;
		size_t pad;

		if (fl->type == FIELD_HIDDEN)
			continue;
		if (fl->type == FIELD_FIXED) {
			for (j = 0; j < fl->nvalues; j++)
				add_wrapped(rs, fl->values[j], 0, cols, " ");
			if (!fl->nvalues && fl->label)
				add_wrapped(rs, fl->label, bold, cols, " ");
			continue;
		}
		if (focus && text_like(fl))
			val = edit_row(ui, fl, cols > (int)labelw + 8 ?
						       (size_t)cols - labelw - 8 : 4,
				       &cursor);
		else
			val = shown_value(fl);
		pad = labelw - MIN(labelw, utf8_width(dialog_field_name(fl)));
		row = xasprintf(" %s %.*s%*s  %s", fl->required ? "*" : " ",
				(int)lw, dialog_field_name(fl), (int)pad, "", val);
		if (cursor >= 0)
			cursor += (int)(4 + labelw + 2) - 1;
		add_row(rs, row, focus ? A_REVERSE : 0, (int)i, cursor);
		free(val);
		if (focus && d->choosing) {
			for (j = 0; j < fl->noptions; j++) {
				const char *v = fl->options[j].value;
				bool on = dialog_has_value(fl, v);
				const char *mark = fl->type == FIELD_LIST_SINGLE ?
							   (on ? "(•)" : "( )") :
							   (on ? "[x]" : "[ ]");

				add_row(rs,
					xasprintf("%*s%s %s", (int)labelw + 6, "", mark,
						  option_label(fl, v)),
					j == d->choice ? A_REVERSE : 0, (int)i, -1);
			}
		}
		if (focus && fl->desc)
			add_wrapped(rs, fl->desc, UI_ATTR(ui, TH_INFO), cols,
				    "      ");
		for (j = 0; j < fl->nmedia; j++)
			add_media(rs, &fl->media[j], UI_ATTR(ui, TH_INFO), cols);
	}
	if (d->nnotes)
		add_row(rs, xstrdup(""), 0, -1, -1);
	for (i = 0; i < d->nnotes; i++) {
		char *ind = xasprintf(" %s", note_mark(d->notes[i].type));

		add_wrapped(rs, d->notes[i].text,
			    d->notes[i].type == NOTE_ERROR ? err :
			    d->notes[i].type == NOTE_WARN ? UI_ATTR(ui, TH_WARN) :
							   UI_ATTR(ui, TH_INFO),
			    cols, ind);
		free(ind);
	}
	if (d->busy && !d->form.nfields)
		add_wrapped(rs, "Asking…", UI_ATTR(ui, TH_INFO), cols, " ");
	else if (d->busy)
		add_wrapped(rs, "Sent; waiting for the answer…",
			    UI_ATTR(ui, TH_INFO), cols, " ");
	if (d->error || d->err_cond) {
		char *w = failure_words(d);

		add_row(rs, xstrdup(""), 0, -1, -1);
		add_wrapped(rs, w, err, cols, " ✗ ");
		free(w);
	}
}

static void formview_draw(struct app *app, struct window *w, int top,
			  int left, int height, int cols)
{
	struct dialog *d = w->dialog;
	struct rows rs = { 0 };
	size_t i, first = 0, focus_row = 0;
	int body = height - 1, cur_y = -1, cur_x = 0;
	char *hint;

	if (height < 2 || cols < 10)
		return;
	formview_sync(app, w);
	layout(app, d, cols, &rs);
	for (i = 0; i < rs.n; i++)
		if (rs.r[i].field == (int)d->focus &&
		    (!d->choosing || rs.r[i].attr == A_REVERSE)) {
			focus_row = i;
			if (!d->choosing)
				break;
		}
	/* keep the focused row (or the highlighted choice) in view, and
	 * the error, which comes last, when there is room */
	if (focus_row >= (size_t)body)
		first = focus_row - (size_t)body + 1;
	else if (rs.n > (size_t)body && (d->error || d->err_cond) &&
		 rs.n - (size_t)body <= focus_row)
		first = rs.n - (size_t)body;
	for (i = first; i < rs.n && (int)(i - first) < body; i++) {
		int y = top + (int)(i - first);

		attron(rs.r[i].attr);
		mvaddnstr(y, left, rs.r[i].text, (int)ui_fit(rs.r[i].text,
							    (size_t)cols));
		attroff(rs.r[i].attr);
		if (rs.r[i].cursor >= 0) {
			cur_y = y;
			cur_x = left + rs.r[i].cursor;
		}
	}
	hint = keys_hint(d);
	attron(UI_ATTR((struct ui *)app->ui, TH_STATUS));
	mvhline(top + height - 1, left, ' ', cols);
	mvaddnstr(top + height - 1, left, hint, (int)ui_fit(hint, (size_t)cols));
	attroff(UI_ATTR((struct ui *)app->ui, TH_STATUS));
	free(hint);
	((struct ui *)app->ui)->cursor_y = cur_y;
	((struct ui *)app->ui)->cursor_x = cur_x;
	for (i = 0; i < rs.n; i++)
		free(rs.r[i].text);
	free(rs.r);
}

/* Loads the focused field into the editor when the focus moved (or the
 * window or its form changed: a new form bumps the window's generation,
 * where the form's own address could come back from the allocator). */
void formview_sync(struct app *app, struct window *w)
{
	struct ui *ui = app->ui;
	struct dialog *d = w->dialog;
	struct form_field *fl = dialog_field(d);
	char *text = NULL;

	if (ui->form_win == w->id && ui->form_field == d->focus &&
	    ui->form_gen == w->generation)
		return;
	ui->form_win = w->id;
	ui->form_field = d->focus;
	ui->form_gen = w->generation;
	ui->form_in.len = ui->form_in.cursor = 0;
	if (ui->form_in.buf)
		ui->form_in.buf[0] = '\0';
	if (!fl || !text_like(fl))
		return;
	if (multi_line(fl)) {
		size_t i;

		for (i = 0; i < fl->nvalues; i++) {
			char *t = xasprintf("%s%s%s", text ? text : "",
					    text ? "\n" : "", fl->values[i]);

			free(text);
			text = t;
		}
	} else if (form_field_value(fl)) {
		text = xstrdup(form_field_value(fl));
	}
	if (text)
		input_insert_str(&ui->form_in, text);
	free(text);
}

/* Writes the editor back into the focused field. */
static void store(struct app *app, struct window *w)
{
	struct ui *ui = app->ui;
	struct form_field *fl = dialog_field(w->dialog);
	char *v;

	if (!fl || !text_like(fl))
		return;
	v = xstrndup(ui->form_in.buf ? ui->form_in.buf : "", ui->form_in.len);
	if (multi_line(fl))
		form_field_set_lines(fl, v);
	else
		form_field_set(fl, *v ? v : NULL);
	free(v);
}

static void edit_key(struct app *app, struct window *w, int key)
{
	struct ui *ui = app->ui;
	struct input *in = &ui->form_in;
	struct form_field *fl = dialog_field(w->dialog);

	if (!fl || !text_like(fl))
		return;
	switch (key) {
	case 127: case 8: case KEYS_FN | KEY_BACKSPACE: input_backspace(in); break;
	case KEYS_FN | KEY_DC: case 4: input_delete(in); break;
	case KEYS_FN | KEY_LEFT: case 2: input_left(in); break;
	case KEYS_FN | KEY_RIGHT: case 6: input_right(in); break;
	case KEYS_FN | KEY_HOME: case 1: input_home(in); break;
	case KEYS_FN | KEY_END: case 5: input_end(in); break;
	case 11: input_kill_end(in); break;
	case 21: input_kill_start(in); break;
	case 23: input_kill_word(in); break;
	case 25: input_yank(in); break;
	default:
		if (key == '\r' && multi_line(fl))
			input_insert(in, '\n');
		else if (!(key & (KEYS_ALT | KEYS_FN)) && key >= 0x20 && key != 0x7f)
			input_insert(in, (uint32_t)key);
		else
			return;
	}
	store(app, w);
}

/* One key (encoded as keys.h says; 27 is a lone Esc). */
static int formview_key(struct app *app, struct window *w, int key)
{
	struct dialog *d = w->dialog;
	struct form_field *fl;

	formview_sync(app, w);
	fl = dialog_field(d);
	if (key == 27) { /* a lone Esc */
		if (d->choosing)
			d->choosing = false;
		else
			xs_dialog_cancel(app, w);
		return 1;
	}
	if (key == KEY_CTRL_S || key == (KEYS_FN | KEY_F(10))) {
		store(app, w);
		xs_dialog_submit(app, w, 0);
		return 1;
	}
	if ((d->ops->flags & DLG_STEPS) && (key == (KEYS_FN | KEY_F(7)) ||
				       key == (KEYS_FN | KEY_F(8)) ||
				       key == (KEYS_FN | KEY_F(9)))) {
		unsigned act = key == (KEYS_FN | KEY_F(7)) ? DLG_ACT_PREV :
			       key == (KEYS_FN | KEY_F(8)) ? DLG_ACT_NEXT :
							      DLG_ACT_COMPLETE;

		if (d->actions & act) {
			store(app, w);
			xs_dialog_submit(app, w, act);
		}
		return 1;
	}
	if (d->busy || d->done)
		return 1;
	if (d->ops->flags & DLG_YESNO) {
		/* a question: the answer is one key (w is gone after it) */
		if (key == '\r' || key == 'y' || key == 'Y')
			xs_dialog_submit(app, w, 0);
		else if (key == 'n' || key == 'N')
			xs_dialog_cancel(app, w);
		return 1;
	}
	if (d->choosing && (key == (KEYS_FN | KEY_UP) || key == (KEYS_FN | KEY_DOWN))) {
		dialog_choice_move(d, key == (KEYS_FN | KEY_UP) ? -1 : 1);
		return 1;
	}
	switch (key) {
	case '\t': case KEYS_FN | KEY_DOWN:
		store(app, w);
		dialog_focus_next(d);
		return 1;
	case KEYS_FN | KEY_BTAB: case KEYS_FN | KEY_UP:
		store(app, w);
		dialog_focus_prev(d);
		return 1;
	case ' ':
		if (fl && !text_like(fl)) {
			dialog_space(d);
			return 1;
		}
		break;
	case '\r':
		if (fl && dialog_enter(d))
			return 1;
		if (fl && multi_line(fl))
			break;
		store(app, w);
		dialog_focus_next(d);
		return 1;
	}
	edit_key(app, w, key);
	return 1;
}

static char *formview_title(struct app *app, struct window *w)
{
	(void)app;
	return xasprintf(" %s (dialog)", w->name);
}

/* Dialogs take every key, and pasted text into the focused field. */
const struct winview formview = { formview_draw, formview_key,
				  formview_title, WV_PASTE, NULL };
