/* uiint: what the files of ui/ share: the UI state and drawing helpers.
 *
 * struct ui hangs off app->ui. Each area of the screen has its own file
 * (view.c for window content, rosterpane.c, bars.c for the title and
 * status lines); ui.c owns set-up, layout and keys.
 */
#ifndef NATTER_UI_UIINT_H
#define NATTER_UI_UIINT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/loop.h"
#include "ui/complete.h"
#include "ui/input.h"
#include "ui/keys.h"
#include "ui/theme.h"

struct app;
struct account;
struct roster_item;


struct rrow {
	struct account *acc;
	const char *group;       /* header rows: the group name */
	struct roster_item *item; /* contact rows */
	size_t hidden;            /* headers of folded groups: how many */
};

struct rpane {
	struct rrow *rows;
	size_t n, cap;
	bool stale;       /* the roster changed: rebuild before drawing */
	bool show_offline;
	bool visible;
	bool right; /* on the right of the chat instead of the left */
	int width;
};

struct ui {
	SCREEN *screen;
	struct input in;
	size_t scroll; /* rows scrolled back from the bottom */
	struct theme theme;
	bool esc;      /* the last key was ESC: the next one is Alt-key */
	struct rpane pane;
	struct completion comp;
	unsigned long long hist_win; /* id of the window whose history in holds */
	struct keymap keys;
	bool pasting;  /* inside a bracketed paste */
	/* the dialog field being edited (formview.c) */
	struct input form_in;
	unsigned long long form_win; /* its window's id */
	size_t form_field, form_gen;
	int form_cursor_y, form_cursor_x; /* -1: no text cursor */
};

/* view.c */
/* Byte length of the longest prefix of s that fits in width cells; stops
 * before a newline. */
size_t ui_fit(const char *s, size_t width);
void view_draw(struct app *app, int top, int left, int height, int cols);
/* formview.c: dialog windows */
struct window;
void formview_draw(struct app *app, struct window *w, int top, int left,
		   int height, int cols);
void formview_sync(struct app *app, struct window *w);
/* Handles one key (encoded as keys.h says; 27 is a lone Esc). */
int formview_key(struct app *app, struct window *w, int key);
/* discoview.c: browser windows */
void discoview_draw(struct app *app, struct window *w, int top, int left,
		    int height, int cols);
int discoview_key(struct app *app, struct window *w, int key);
/* bars.c */
void bars_title(struct app *app, int row, int left, int cols);
void bars_status(struct app *app, int row, int cols);
/* The status bar's text for a terminal of any width: the accounts'
 * states, then every window; [*cur_from, *cur_to) are the bytes of the
 * current window's entry. more adds the scrolled-back mark. The caller
 * frees the result. */
char *bars_status_text(const struct app *app, bool more, size_t *cur_from,
		       size_t *cur_to);
/* rosterpane.c */
void rpane_draw(struct app *app, int top, int left, int height);
void rpane_mark_stale(struct app *app);
/* The pane's order of contact rows (qsort comparator over struct rrow):
 * groups by name with Transports last, then most available first, then
 * by name. */
int rpane_cmp(const void *a, const void *b);
/* The group a contact is listed under: its first roster group,
 * "Transports" for a JID without '@', else "Contacts". */
const char *rpane_group_of(const struct roster_item *it);
attr_t ui_show_attr(struct ui *ui, int show);
/* Shorthand for the current theme's attributes of an element. */
#define UI_ATTR(ui, e) theme_attr(&(ui)->theme, (e))
const char *ui_show_mark(int show);

#endif
